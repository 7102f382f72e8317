"""Sentence segmentation: the pipeline's splitter against other candidates (issue 9, item 2).

    .venv/bin/python benchmarks/eval_segmentation.py [--bbc ../shared/data/bbc-news-summary]
        [--polnear ../shared/data/polnear-train ...] [--extra-path DIR] [--baseline FILE]

Data: the public "BBC News Summary" set (CC0), which has one sentence per line: each
paragraph's lines are joined with a space and a splitter must recover the line boundaries
(boundary precision / recall / F1; a paragraph is right when all its boundaries are). The
headline line is left out. PolNeAR (public, 2016 US political news) has no sentence
annotation; on it we count boundaries that are errors by construction: a sentence ending in a
title or a single initial before a capitalised name ("Sen. | Doherty", "John F. | Kennedy"),
and a sentence that begins with a closing quotation mark cut off its quote.
The hard cases are the table of tests/core/test_segmentation.py.

Candidates: the pipeline's `summarizer.text.split_sentences`; the rule splitter it replaced
(`--baseline FILE`, a copy of the old summarizer/text.py); pysbd and nupunkt when importable
(`--extra-path` adds a folder with them to sys.path: they are not project dependencies);
spaCy en_core_web_sm's parser and its senter component.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from summarizer.text import split_sentences
from tests.core.test_segmentation import HARD_CASES

Splitter = Callable[[str], list[str]]
RESULT = Path(__file__).resolve().parent / "results" / "eval_segmentation.txt"
_TITLE_CUT = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Gov|Sen|Rep|Gen|Lt|Sgt|Capt|Prof|Rev|St)"
                        r"|\b[A-Z][a-z]+ [A-Z])\.$")


def ours(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def _module_splitter(path: Path) -> Splitter:
    spec = importlib.util.spec_from_file_location("baseline_text", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return lambda text: [text[s:e] for s, e in module.split_sentences(text)]


def candidates(baseline: Path | None) -> dict[str, Splitter]:
    found: dict[str, Splitter] = {"ours (summarizer.text)": ours}
    if baseline is not None:
        found["regex before (baseline)"] = _module_splitter(baseline)
    try:
        import pysbd

        segmenter = pysbd.Segmenter(language="en", clean=False, char_span=False)
        found["pysbd 0.3.4"] = lambda text: [s.strip() for s in segmenter.segment(text)]
    except ImportError:
        print("pysbd not importable: skipped")
    try:
        from nupunkt import sent_tokenize

        found["nupunkt"] = lambda text: [s.strip() for s in sent_tokenize(text)]
    except ImportError:
        print("nupunkt not importable: skipped")
    from summarizer.backends.spacy_nlp import SPACY_PACKAGE, import_spacy

    spacy = import_spacy()
    parser = spacy.load(SPACY_PACKAGE, exclude=["lemmatizer", "attribute_ruler", "ner"])
    senter = spacy.load(SPACY_PACKAGE, exclude=["lemmatizer", "attribute_ruler", "ner",
                                                 "parser", "tagger"])
    senter.enable_pipe("senter")
    found["spaCy parser (sm)"] = lambda text: [s.text.strip() for s in parser(text).sents]
    found["spaCy senter (sm)"] = lambda text: [s.text.strip() for s in senter(text).sents]
    return found


def bbc_paragraphs(folder: Path) -> list[list[str]]:
    """Each paragraph of each article (headline left out) as its reference sentences."""
    paragraphs = []
    for path in sorted(folder.glob("article/*/*.txt")):
        blocks = re.split(r"\n\s*\n", path.read_text(encoding="utf-8", errors="replace").strip())
        for block in blocks[1:]:
            lines = [line.strip() for line in block.split("\n") if line.strip()]
            if lines:
                paragraphs.append(lines)
    return paragraphs


def _starts(sentences: list[str], text: str) -> set[int]:
    """Offsets in `text` where the 2nd, 3rd... sentence begins."""
    offsets, position = set(), 0
    for index, sentence in enumerate(sentences):
        found = text.find(sentence[:20], position)
        if found < 0:
            continue
        if index:
            offsets.add(found)
        position = found + 1
    return offsets


def score_bbc(split: Splitter, paragraphs: list[list[str]]) -> tuple[float, float, float, float]:
    hits = predicted = gold_total = right = 0
    for lines in paragraphs:
        text = " ".join(lines)
        gold = _starts(lines, text)
        found = _starts(split(text), text)
        hits += len(gold & found)
        predicted += len(found)
        gold_total += len(gold)
        right += gold == found
    precision, recall = hits / max(predicted, 1), hits / max(gold_total, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    return precision, recall, f1, right / max(len(paragraphs), 1)


def polnear_errors(split: Splitter, folders: list[Path], limit: int) -> tuple[int, int, int]:
    """(sentences, cut after a title/initial, cut before a closing quote) on PolNeAR."""
    sentences = title_cuts = quote_cuts = 0
    for folder in folders:
        for path in sorted((folder / "text").glob("*"))[:limit]:
            for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8", errors="replace")):
                text = re.sub(r"\s+", " ", block).strip()
                if not text:
                    continue
                pieces = split(text)
                sentences += len(pieces)
                for piece, following in itertools.pairwise(pieces):
                    if _TITLE_CUT.search(piece) and following[:1].isupper():
                        title_cuts += 1
                    if re.match(r"""["”’'](\s|$)""", following):
                        quote_cuts += 1
    return sentences, title_cuts, quote_cuts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bbc", type=Path, default=Path("../shared/data/bbc-news-summary"))
    parser.add_argument("--polnear", type=Path, nargs="*",
                        default=[Path("../shared/data/polnear-train"),
                                 Path("../shared/data/polnear-dev")])
    parser.add_argument("--polnear-limit", type=int, default=300,
                        help="articles per PolNeAR split (spaCy is slow on all 924)")
    parser.add_argument("--extra-path", type=Path, help="a folder holding pysbd / nupunkt")
    parser.add_argument("--baseline", type=Path, help="a copy of the old summarizer/text.py")
    args = parser.parse_args()
    if args.extra_path:
        sys.path.append(str(args.extra_path))
    paragraphs = bbc_paragraphs(args.bbc)
    lines = [f"BBC: {len(paragraphs)} paragraphs, "
             f"{sum(len(p) - 1 for p in paragraphs)} reference boundaries; hard cases: "
             f"{len(HARD_CASES)}; PolNeAR: first {args.polnear_limit} articles of "
             + ", ".join(folder.name for folder in args.polnear)]
    header = (f"{'candidate':26} {'P':>6} {'R':>6} {'F1':>6} {'para ok':>8} {'hard ok':>8} "
              f"{'sents':>7} {'title cut':>9} {'quote cut':>9} {'ms/para':>8}")
    lines += [header, "-" * len(header)]
    print("\n".join(lines))
    for name, split in candidates(args.baseline).items():
        began = time.perf_counter()
        precision, recall, f1, para_ok = score_bbc(split, paragraphs)
        per_paragraph = (time.perf_counter() - began) * 1000 / len(paragraphs)
        hard = sum(split(text) == expected for _, text, expected in HARD_CASES)
        total, title_cuts, quote_cuts = polnear_errors(split, args.polnear, args.polnear_limit)
        line = (f"{name:26} {precision:6.3f} {recall:6.3f} {f1:6.3f} {para_ok:8.3f} "
                f"{hard:>4}/{len(HARD_CASES):<3} {total:7d} {title_cuts:9d} {quote_cuts:9d} "
                f"{per_paragraph:8.2f}")
        print(line)
        lines.append(line)
    RESULT.parent.mkdir(exist_ok=True)
    RESULT.write_text("$ python benchmarks/eval_segmentation.py\n" + "\n".join(lines) + "\n",
                      encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
