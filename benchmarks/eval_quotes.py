"""Measure quote extraction on PolNeAR (dev and train splits), against a direct-quotes
baseline.

Data: PolNeAR (Newell, Margolin and Ruths, LREC 2018), a public corpus of 2016 US political
news with hand-annotated attributions; ../shared/data/polnear-dev and polnear-train.
Gold quotes are the PolNeAR attributions whose cue is speech or a colon (see
../shared/data/README.md). A predicted quote matches a gold one when their character spans
overlap by at least 30% of each span, one to one. Speaker accuracy is counted over matched
pairs whose gold source is a name (or a nominal such as "a source"), not a pronoun; a null
speaker counts as wrong there. The wrong-speaker rate is the share of attributed pairs (a
matched pair whose gold source holds a proper name and to which the system gave a non-null
speaker) whose speaker is wrong: a wrong name is worse than none.

Usage:
    .venv/bin/python benchmarks/eval_quotes.py [DATA ...] [--limit N] [--show-errors N]
        [--parse-cache DIR] [--no-write]
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from spacy.tokens import Doc, DocBin  # noqa: E402

from benchmarks.common import machine  # noqa: E402
from summarizer.backends.spacy_nlp import (  # noqa: E402
    ENTITY_TYPES,
    SPACY_MODEL_NAME,
    SpacyPipeline,
)
from summarizer.people import analyse_people  # noqa: E402
from summarizer.speech import SPEECH_VERBS  # noqa: E402
from summarizer.text import split_sentences  # noqa: E402
from summarizer.types import Article, Entity, Paragraph, Sentence  # noqa: E402

DEFAULT_DATA = (ROOT.parent / "shared/data/polnear-dev", ROOT.parent / "shared/data/polnear-train")
RESULT = ROOT / "benchmarks/results/eval_quotes.txt"
MIN_OVERLAP = 0.3
# Cues kept as quotes (the data README's list): speech verbs by stem, "according to", a colon.
_SPEECH_CUE = re.compile(
    r"\b(?:sa(?:y|id|ys|ying)|t(?:ell|old)|according to|writ|wrote|add|not(?:e|ing)|ask|announc|"
    r"respond|repl|argu|claim|declar|remark|stat(?:e|es|ed|ing)\b|insist|warn|tweet|admit|"
    r"explain)",
    re.IGNORECASE,
)
_PRONOUNS = frozenset(
    ("he", "she", "they", "it", "i", "we", "you", "him", "her", "them", "his", "their", "its",
     "one", "who", "this", "that")
)


@dataclass(frozen=True)
class Span:
    """A quote (gold or predicted): content fragments as char spans, and its speaker."""

    parts: tuple[tuple[int, int], ...]
    speaker: str | None

    @property
    def length(self) -> int:
        return sum(end - start for start, end in self.parts)


@dataclass
class Score:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    speaker_pairs: int = 0
    speaker_right: int = 0
    # The stricter reading: gold sources that contain a proper name ("Senator Cruz", not
    # "the mayor" or "aides"), judged on the predicted name and aliases only, never the role.
    named_pairs: int = 0
    named_right: int = 0
    # Of the named pairs, those given a non-null speaker, and how many of those are wrong.
    attributed: int = 0
    attributed_wrong: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_right / self.speaker_pairs if self.speaker_pairs else 0.0

    @property
    def named_accuracy(self) -> float:
        return self.named_right / self.named_pairs if self.named_pairs else 0.0

    @property
    def wrong_rate(self) -> float:
        return self.attributed_wrong / self.attributed if self.attributed else 0.0


# --- data -------------------------------------------------------------------------------


def load_gold(annotation: Path) -> list[Span]:
    """The speech attributions of one brat .ann file."""
    spans: dict[str, tuple[str, tuple[tuple[int, int], ...], str]] = {}
    events: list[dict[str, str]] = []
    for line in annotation.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if line.startswith("T") and len(fields) >= 3:
            label, _, offsets = fields[1].partition(" ")
            parts = tuple(
                (int(a), int(b)) for a, b in (p.split() for p in offsets.split(";"))
            )
            spans[fields[0]] = (label, parts, fields[2])
        elif line.startswith("E") and len(fields) >= 2:
            events.append(dict(arg.split(":", 1) for arg in fields[1].split()))
    gold = []
    for event in events:
        cue = spans.get(event.get("Cue", ""))
        content = spans.get(event.get("Content", ""))
        if cue is None or content is None:
            continue
        cue_text = cue[2].strip()
        if not (cue_text == ":" or cue_text.endswith(":") or _SPEECH_CUE.search(cue_text)):
            continue
        source = spans.get(event.get("Source", ""))
        gold.append(Span(parts=content[1], speaker=source[2] if source else None))
    return gold


def build_article(text: str, source: str) -> Article:
    """An Article over the raw text (offsets line up with the annotations): one paragraph a
    non-empty line, since PolNeAR separates paragraphs by blank lines or single newlines."""
    paragraphs = []
    for number, match in enumerate(re.finditer(r"[^\n]*\S[^\n]*", text), start=1):
        start, end = match.start(), match.end()
        while text[start].isspace():
            start += 1
        while text[end - 1].isspace():
            end -= 1
        sentences = tuple(
            Sentence(text=text[s:e], start=s, end=e, paragraph=number)
            for s, e in split_sentences(text, start, end)
        )
        paragraphs.append(Paragraph(number=number, text=text[start:end], start=start, end=end,
                                    sentences=sentences))
    return Article(text=text, paragraphs=tuple(paragraphs), source=source)


def articles(data: Path) -> list[tuple[Path, Path]]:
    """(text file, first annotation file) pairs."""
    pairs = []
    for text in sorted((data / "text").glob("*.txt")):
        annotations = sorted((data / "attributions").glob(f"{text.stem}_*.ann"))
        if annotations:
            pairs.append((text, annotations[0]))
    return pairs


# --- extractors ---------------------------------------------------------------------------


Extractor = Callable[[Article, Sequence[Doc], Sequence[Entity]], list[Span]]


def entities_of(article: Article, docs: Sequence[Doc]) -> list[Entity]:
    """The spaCy entities of the parse, as `SpacyEntityRecognizer` gives them."""
    entities = []
    for paragraph, doc in zip(article.paragraphs, docs, strict=True):
        for span in doc.ents:
            kind = ENTITY_TYPES.get(span.label_)
            if kind is not None:
                entities.append(Entity(span.text, kind, paragraph.start + span.start_char,
                                       paragraph.start + span.end_char, paragraph.number))
    return entities


def ours(article: Article, docs: Sequence[Doc], entities: Sequence[Entity]) -> list[Span]:
    people = analyse_people(article, docs, entities)
    # The role is kept with the names so that a nominal gold source ("the mayor") can match
    # the person it names ("Bill de Blasio", role "New York Mayor").
    names = {a.name: " / ".join((a.name, *a.aliases)) + (f" // {a.role}" if a.role else "")
             for a in people.actors}
    return [
        Span(parts=((q.start, q.end),),
             speaker=names.get(q.speaker, q.speaker) if q.speaker else None)
        for q in people.quotes
    ]


def baseline(article: Article, docs: Sequence[Doc],
             entities: Sequence[Entity]) -> list[Span]:
    """Direct quotations only, in the manner of textacy's `direct_quotations`: text between
    paired quotation marks in a sentence that also holds a speech verb outside the quote; the
    speaker is that verb's subject."""
    result = []
    for paragraph, doc in zip(article.paragraphs, docs, strict=True):
        for match in re.finditer(r"[“\"]([^”\"]{2,})[”\"]", paragraph.text):
            start, end = match.start(1), match.end(1)
            for sentence in doc.sents:
                if not (sentence.start_char <= start < sentence.end_char):
                    continue
                cues = [t for t in sentence if t.lower_ in SPEECH_VERBS and t.tag_.startswith("VB")
                        and not (match.start() <= t.idx < match.end())]
                if not cues:
                    continue
                subjects = [c for c in cues[0].children if c.dep_ in ("nsubj", "nsubjpass")]
                speaker = " ".join(t.text for t in subjects[0].subtree) if subjects else None
                result.append(Span(parts=((paragraph.start + start, paragraph.start + end),),
                                   speaker=speaker))
                break
    return result


# --- scoring ------------------------------------------------------------------------------


def overlap(a: Span, b: Span) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a.parts for s2, e2 in b.parts)


def match(predicted: Sequence[Span], gold: Sequence[Span]) -> list[tuple[Span, Span]]:
    """One-to-one pairs whose overlap is at least 30% of each span, largest overlaps first."""
    candidates = []
    for i, p in enumerate(predicted):
        for j, g in enumerate(gold):
            shared = overlap(p, g)
            if shared and shared >= MIN_OVERLAP * p.length and shared >= MIN_OVERLAP * g.length:
                candidates.append((shared, i, j))
    pairs, used_p, used_g = [], set(), set()
    for _, i, j in sorted(candidates, reverse=True):
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((predicted[i], gold[j]))
    return pairs


def _words(text: str) -> list[str]:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("’s", "").replace("'s", ""))
    return [w for w in words if w not in ("the", "a", "an", "mr", "mrs", "ms", "dr")]


def _head_word(words: list[str]) -> str:
    """The head of a source phrase: the word before "of"/"who", else the last word."""
    for stop in ("of", "who", "which", "that", "at", "for", "in", "from", "with"):
        if stop in words[1:]:
            return words[words.index(stop, 1) - 1]
    return words[-1]


def same_speaker(predicted: str | None, gold: str) -> bool:
    """Gold's head word in the predicted name (or its aliases), or the predicted head in gold."""
    if not predicted:
        return False
    gold_words = _words(gold)
    if not gold_words:
        return False
    predicted_words = _words(predicted)
    if not predicted_words:
        return False
    # The predicted name's head is its last word, not its role's ("Claire McCaskill //
    # Senator" is McCaskill).
    return _head_word(gold_words) in predicted_words or _head_word(
        _words((_without_role(predicted) or "").split(" / ")[0])
    ) in gold_words


_NOT_NAMES = frozenset(("The", "A", "An", "He", "She", "They", "It", "We", "I", "His", "Her",
                        "Their", "Our", "This", "That", "These", "Those", "Some", "Many"))


def has_proper_name(source: str | None) -> bool:
    """A capitalised word other than a determiner or pronoun: "Trump", "the Clinton campaign"."""
    return bool(source) and any(
        re.fullmatch(r"[A-Z][\w.'’-]*", word) and word not in _NOT_NAMES
        for word in (source or "").split()
    )


def _without_role(speaker: str | None) -> str | None:
    """`ours` writes "name / alias // role"; this keeps the names."""
    return speaker.split(" // ")[0] if speaker else speaker


def is_name(source: str | None) -> bool:
    return bool(source) and source is not None and source.strip().lower() not in _PRONOUNS


def score(predicted: Sequence[Span], gold: Sequence[Span], total: Score) -> list[tuple[Span, Span]]:
    pairs = match(predicted, gold)
    total.gold += len(gold)
    total.predicted += len(predicted)
    total.matched += len(pairs)
    for p, g in pairs:
        if is_name(g.speaker):
            total.speaker_pairs += 1
            total.speaker_right += same_speaker(p.speaker, g.speaker or "")
        if has_proper_name(g.speaker):
            total.named_pairs += 1
            right = same_speaker(_without_role(p.speaker), g.speaker or "")
            total.named_right += right
            if p.speaker:
                total.attributed += 1
                total.attributed_wrong += not right
    return pairs


# --- parsing, with an on-disk cache -------------------------------------------------------


class Parser:
    """Parses articles with the project's pipeline; with `cache`, keeps each article's Docs
    in a DocBin named by the hash of its text and the model, so that reruns skip spaCy."""

    def __init__(self, cache: Path | None) -> None:
        self.pipeline = SpacyPipeline()
        self.cache = cache
        if cache is not None:
            cache.mkdir(parents=True, exist_ok=True)

    def parse(self, article: Article) -> tuple[Doc, ...]:
        if self.cache is None:
            return self.pipeline.parse(article)
        key = hashlib.sha256(
            (SPACY_MODEL_NAME + "\0" + "\0".join(p.text for p in article.paragraphs)).encode()
        ).hexdigest()[:32]
        path = self.cache / f"{key}.spacy"
        if path.exists():
            docs = tuple(DocBin().from_disk(path).get_docs(self.pipeline.nlp.vocab))
            if len(docs) == len(article.paragraphs):
                return docs
        docs = self.pipeline.parse(article)
        DocBin(docs=docs, attrs=["ORTH", "TAG", "HEAD", "DEP", "ENT_IOB", "ENT_TYPE",
                                 "SENT_START", "SPACY"]).to_disk(path)
        return docs


# --- main ---------------------------------------------------------------------------------


@dataclass
class SplitResult:
    name: str
    articles: int
    scores: dict[str, Score]
    seconds: dict[str, float]


def evaluate(data: Path, parser: Parser, limit: int, show_errors: int) -> SplitResult:
    pairs = articles(data)
    if limit:
        pairs = pairs[:limit]
    extractors: dict[str, Extractor] = {"ours (summarizer.people)": ours,
                                        "baseline (direct quotes only)": baseline}
    scores = {name: Score() for name in extractors}
    seconds = {name: 0.0 for name in extractors}
    errors: list[str] = []
    for text_path, annotation in pairs:
        text = text_path.read_text(encoding="utf-8")
        article = build_article(text, str(text_path))
        docs = parser.parse(article)
        entities = entities_of(article, docs)
        gold = load_gold(annotation)
        for name, extract in extractors.items():
            started = time.perf_counter()
            predicted = extract(article, docs, entities)
            seconds[name] += time.perf_counter() - started
            matched = score(predicted, gold, scores[name])
            if extract is ours and show_errors:
                errors.extend(_describe_errors(text, text_path.stem, predicted, gold, matched))
    for line in errors[:show_errors]:
        print(line)
    return SplitResult(data.name, len(pairs), scores, seconds)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, nargs="*", default=list(DEFAULT_DATA),
                        help="PolNeAR folders with text/ and attributions/ "
                             "(default: polnear-dev and polnear-train)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles")
    parser.add_argument("--show-errors", type=int, default=0,
                        help="print up to N misses, false alarms and wrong speakers")
    parser.add_argument("--parse-cache", type=Path, default=None,
                        help="keep spaCy parses here (DocBin per article) for fast reruns")
    parser.add_argument("--no-write", action="store_true",
                        help=f"do not write {RESULT.relative_to(ROOT)}")
    options = parser.parse_args(argv)
    for data in options.data:
        if not articles(data):
            print(f"No PolNeAR articles under {data}", file=sys.stderr)
            return 1
    reader = Parser(options.parse_cache)
    results = [evaluate(data, reader, options.limit, options.show_errors)
               for data in options.data]
    report = _report(results)
    print(report, end="")
    if not options.no_write and not options.limit:
        command = "python benchmarks/eval_quotes.py " + " ".join(
            str(a) for a in (argv if argv is not None else sys.argv[1:]))
        stamp = time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime())
        RESULT.write_text(f"$ {command.strip()}\n# {stamp}, {machine()}\n{report}",
                          encoding="utf-8")
    return 0


def _describe_errors(text: str, name: str, predicted: Sequence[Span], gold: Sequence[Span],
                     pairs: Sequence[tuple[Span, Span]]) -> list[str]:
    def show(span: Span) -> str:
        return " … ".join(text[a:b] for a, b in span.parts)[:160].replace("\n", " ")

    matched_p = {id(p) for p, _ in pairs}
    matched_g = {id(g) for _, g in pairs}
    lines = [f"MISS  {name}: [{g.speaker}] {show(g)}" for g in gold if id(g) not in matched_g]
    lines += [f"FALSE {name}: [{p.speaker}] {show(p)}" for p in predicted
              if id(p) not in matched_p]
    lines += [f"WHO   {name}: predicted [{p.speaker}] gold [{g.speaker}] {show(g)}"
              for p, g in pairs if is_name(g.speaker) and not same_speaker(p.speaker,
                                                                          g.speaker or "")]
    return lines


def _report(results: Sequence[SplitResult]) -> str:
    lines = [
        f"match: char overlap >= {MIN_OVERLAP:.0%} of each span, one-to-one",
        "speaker: accuracy over matched pairs whose gold source is not a pronoun (a nominal "
        "gold source may match the actor's role); a null speaker is wrong",
        "named: over matched pairs whose gold source holds a proper name, judged on names "
        "and aliases only",
        "wrong: wrong-speaker rate = wrong / attributed, over the named pairs given a non-null "
        "speaker (attr)",
    ]
    header = (f"{'system':30} {'P':>6} {'R':>6} {'F1':>6} {'speaker':>8} {'pairs':>6} "
              f"{'named':>6} {'pairs':>6} {'wrong':>6} {'attr':>6} {'ms/art':>7}")
    f1s = []
    for result in results:
        first = next(iter(result.scores.values()))
        lines += ["", f"PolNeAR {result.name}: {result.articles} articles, {first.gold} gold "
                  "quotes (speech cues and colons)", header, "-" * len(header)]
        for name, s in result.scores.items():
            lines.append(
                f"{name:30} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} "
                f"{s.speaker_accuracy:8.3f} {s.speaker_pairs:6d} {s.named_accuracy:6.3f} "
                f"{s.named_pairs:6d} {s.wrong_rate:6.1%} {s.attributed:6d} "
                f"{1000 * result.seconds[name] / max(result.articles, 1):7.1f}")
        f1s.append(first.f1)
    if len(f1s) > 1:
        lines += ["", f"F1 gap between splits (ours): {max(f1s) - min(f1s):.3f}"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
