"""Score actors and quotes on hand-annotated real articles of many kinds and outlets.

The articles are public: BBC News Summary (CC0; `../shared/data/bbc-more/`) and PolNeAR
(2016 US political news of several outlets; `../shared/data/polnear-train/text/`), copied
verbatim into tests/fixtures/real_articles/<id>.txt. Each <id>.json beside it is a hand
annotation (not the PolNeAR one): the key people and organisations with their aliases, the
places, names that may appear without being junk (`optional`), strings that must never be
actors (`not_actors`: works, products, events, laws, handles, credit-line names), the names
in credit lines (`credit_names`), and every direct or reported quote with its speaker (null
when the text names none) as a short verbatim excerpt.

Measures, per article and in total (the issue-9 team measures):
  quote recall        gold quotes found (a system quote holds >= 60% of the excerpt's words)
  wrong-speaker rate  wrong / attributed, over found quotes the system gave a speaker:
                      wrong when it is not the gold speaker, or when the gold names no one
                      and the system names an entity of the article
  split               gold people matched by 2+ of the listed actors
  mistyped            gold people listed with a type other than person; organisations
                      listed as a person or place
  places mistyped     gold places listed as a person or an organisation
  junk                listed actors matching no gold entity, plus those matching not_actors
  credit              listed actors that are names from a credit line
  listed / total      actors considered (the first --top of those a reader is shown: minor
                      actors, named once in passing, only with --all) and all returned
  people / orgs listed  gold people and organisations found among the listed actors (what
                      the key list would lose by leaving a real actor out)

Name matching is case-insensitive on the name and aliases, without titles ("Mr", "Gov.")
or a possessive; a system actor also matches a gold person whose full surname is its last
word, when no other gold person has that surname, and a gold organisation whose name ends
with its (two words or more: "District Court"). A speaker label also matches when it holds
the gold name ("master of ceremonies Asab Al-Tabchi, a Syrian engineer").

Usage:
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/eval_real.py [DATA_DIR] [--top 12]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from summarizer.render import key_actors  # noqa: E402
from summarizer.types import Actor, Quote  # noqa: E402

DEFAULT_DATA = ROOT / "tests" / "fixtures" / "real_articles"
RESULT = ROOT / "benchmarks" / "results" / "eval_real.txt"
TOP = 12  # what a reader takes in (issue 9: the key-actor list is capped, e.g. at 12)
# A gold excerpt is 5-12 words of a quote; a system quote that holds 60% of them is the
# same quote cut at other boundaries (a dropped clause, an attribution left inside).
MIN_COVERAGE = 0.6
_QUOTE_CHARS = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "`": "'"})
_WORD = re.compile(r"[\w$£%]+(?:['.-][\w]+)*")
_DETERMINERS = frozenset(("the", "a", "an", "his", "her", "its", "their", "this", "that",
                          "he", "she", "they", "it"))
_TITLE = re.compile(r"^(?:the|mr|mrs|ms|dr|sir|sen|gov|rep|president|chairman)\.?\s+")


# ---------------------------------------------------------------------------- gold data

@dataclass(frozen=True)
class GoldEntity:
    name: str
    aliases: tuple[str, ...] = ()

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(k for k in (name_key(n) for n in (self.name, *self.aliases)) if k)

    @property
    def surname(self) -> str | None:
        words = name_key(self.name).split()
        return words[-1] if len(words) > 1 else None


@dataclass(frozen=True)
class GoldQuote:
    speaker: str | None
    text: str
    kind: str


@dataclass(frozen=True)
class GoldArticle:
    id: str
    path: Path
    source: str
    kind: str
    people: tuple[GoldEntity, ...]
    organizations: tuple[GoldEntity, ...]
    places: tuple[str, ...]
    optional: tuple[str, ...]
    not_actors: tuple[str, ...]
    credit_names: tuple[str, ...]
    quotes: tuple[GoldQuote, ...]

    def entity(self, name: str) -> GoldEntity:
        for entity in (*self.people, *self.organizations):
            if entity.name == name:
                return entity
        raise KeyError(f"{self.id}: speaker {name!r} is not an annotated entity")


def load_gold(directory: Path) -> list[GoldArticle]:
    """Every <id>.json annotation with its <id>.txt article, in name order."""
    articles = []
    for annotation in sorted(directory.glob("*.json")):
        data = json.loads(annotation.read_text(encoding="utf-8"))
        text_path = annotation.with_suffix(".txt")
        if not text_path.is_file():
            raise FileNotFoundError(f"{annotation.name} has no {text_path.name}")

        def entities(key: str, data: dict = data) -> tuple[GoldEntity, ...]:
            return tuple(GoldEntity(e["name"], tuple(e.get("aliases", ()))) for e in data[key])

        articles.append(GoldArticle(
            id=annotation.stem, path=text_path, source=data["source"], kind=data["kind"],
            people=entities("people"), organizations=entities("organizations"),
            places=tuple(data.get("places", ())), optional=tuple(data.get("optional", ())),
            not_actors=tuple(data.get("not_actors", ())),
            credit_names=tuple(data.get("credit_names", ())),
            quotes=tuple(GoldQuote(q["speaker"], q["text"], q["kind"]) for q in data["quotes"]),
        ))
    return articles


# ---------------------------------------------------------------------------- matching

def name_key(name: str) -> str:
    """A name compared case-insensitively, without a leading title or "the", a possessive
    or surrounding punctuation: "Mr. Blunkett" and "blunkett" are one key."""
    key = " ".join(name.translate(_QUOTE_CHARS).lower().split()).strip(" ,;:\"'()")
    if key.endswith("'s"):
        key = key[:-2]
    previous = None
    while previous != key:
        previous, key = key, _TITLE.sub("", key)
    return key


def actor_keys(actor: Actor) -> frozenset[str]:
    return frozenset(k for k in (name_key(n) for n in (actor.name, *actor.aliases)) if k)


def words(text: str) -> list[str]:
    return _WORD.findall(text.translate(_QUOTE_CHARS).lower())


class Matcher:
    """Which gold entity a system name stands for, in one article."""

    def __init__(self, gold: GoldArticle) -> None:
        self.gold = gold
        counts: dict[str, int] = {}
        for person in gold.people:
            if person.surname:
                counts[person.surname] = counts.get(person.surname, 0) + 1
        # A surname shared by two gold people (Betsy and Tom Ebeling) names neither alone.
        self._unique_surnames = frozenset(s for s, n in counts.items() if n == 1)
        self._optional = frozenset(name_key(n) for n in gold.optional)
        self._places = frozenset(name_key(n) for n in gold.places)
        self._not_actors = tuple(name_key(n) for n in gold.not_actors)
        self._credits = tuple(name_key(n) for n in gold.credit_names)

    def matches(self, keys: Iterable[str], entity: GoldEntity, *, person: bool) -> bool:
        keys = frozenset(keys)
        if keys & entity.keys:
            return True
        if not person:
            # "District Court" for "US District Court": the name less one leading word, two
            # words at least ("Court" names nothing; "North Carolina" is not its University).
            return any(len(key.split()) > 1 and gold.endswith(" " + key)
                       and len(gold.split()) == len(key.split()) + 1
                       for key in keys for gold in entity.keys)
        surname = entity.surname
        if surname is None or surname not in self._unique_surnames:
            return False
        return any(key.split()[-1] == surname for key in keys)

    def people(self, keys: Iterable[str], name: str | None = None) -> list[GoldEntity]:
        """The gold people these keys stand for. When several match ("Bill Clinton" has the
        alias "Clinton", like Hillary Clinton), the one the actor's own name is wins."""
        keys = frozenset(keys)
        found = [p for p in self.gold.people if self.matches(keys, p, person=True)]
        if len(found) > 1 and name is not None:
            own = [p for p in found if self.matches({name_key(name)}, p, person=True)]
            return own or found
        return found

    def organizations(self, keys: Iterable[str]) -> list[GoldEntity]:
        keys = frozenset(keys)
        return [o for o in self.gold.organizations if self.matches(keys, o, person=False)]

    def is_place(self, keys: Iterable[str]) -> bool:
        return bool(frozenset(keys) & self._places)

    def is_optional(self, keys: Iterable[str]) -> bool:
        return bool(frozenset(keys) & self._optional)

    def not_actor(self, keys: Iterable[str]) -> str | None:
        """The not_actors string this name is or contains ("Twitter @X" holds "@X")."""
        for key in keys:
            for banned in self._not_actors:
                if key == banned or _contains_phrase(key, banned):
                    return banned
        return None

    def credit(self, keys: Iterable[str]) -> str | None:
        """The credit-line name this is: the full name, within it, or its surname alone."""
        for key in keys:
            for name in self._credits:
                if key == name or _contains_phrase(key, name) or key == name.split()[-1]:
                    return name
        return None

    def speaker(self, label: str, entity: GoldEntity) -> bool:
        """Whether a speaker label names the gold speaker: its name, an alias, the surname,
        or a label holding the name ("master of ceremonies Asab Al-Tabchi, a Syrian
        engineer", "The Times newspaper")."""
        key = name_key(label)
        person = entity in self.gold.people
        if self.matches({key}, entity, person=person):
            return True
        return any(_contains_phrase(key, alias) for alias in entity.keys)

    def known(self, keys: Iterable[str]) -> bool:
        """Whether the name is any entity of the article (used for unnamed gold speakers)."""
        keys = frozenset(keys)
        return bool(self.people(keys) or self.organizations(keys) or self.is_optional(keys))


def vague(label: str) -> bool:
    """A speaker label that is a description, not a name: "The company", "the cardinal",
    "Her lawsuit, filed in ...". Not a wrong name (issue 9: a wrong name is worse than
    none), so it is counted apart from the wrong ones."""
    words_ = label.translate(_QUOTE_CHARS).split()
    if not words_:
        return True
    return words_[0].lower() in _DETERMINERS or words_[0][0].islower()


def _contains_phrase(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![\w@#]){re.escape(phrase)}(?![\w])", text) is not None


# ---------------------------------------------------------------------------- scoring

@dataclass
class ArticleScore:
    id: str
    kind: str
    gold_quotes: int = 0
    found: int = 0
    attributed: int = 0
    wrong: int = 0
    system_quotes: int = 0
    unmatched_system_quotes: int = 0
    key_people: int = 0
    people_listed: int = 0
    gold_orgs: int = 0
    orgs_listed: set[str] = field(default_factory=set)
    orgs_found: int = 0
    listed: int = 0
    total_actors: int = 0
    split: list[str] = field(default_factory=list)
    people_mistyped: list[str] = field(default_factory=list)
    orgs_mistyped: list[str] = field(default_factory=list)
    places_mistyped: list[str] = field(default_factory=list)
    junk_unmatched: list[str] = field(default_factory=list)
    junk_not_actor: list[str] = field(default_factory=list)
    credit: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    wrong_speakers: list[str] = field(default_factory=list)
    vague_speakers: list[str] = field(default_factory=list)

    @property
    def junk(self) -> int:
        return len(self.junk_unmatched) + len(self.junk_not_actor)


def coverage(excerpt: str, quote_text: str) -> float:
    """The share of the excerpt's words that the system quote holds."""
    wanted = words(excerpt)
    have = set(words(quote_text))
    return sum(w in have for w in wanted) / len(wanted) if wanted else 0.0


def best_quote(excerpt: str, quotes: Sequence[Quote]) -> Quote | None:
    scored = [(coverage(excerpt, q.text), i) for i, q in enumerate(quotes)]
    if not scored:
        return None
    best, index = max(scored)
    return quotes[index] if best >= MIN_COVERAGE else None


def score_actors(gold: GoldArticle, actors: Sequence[Actor], score: ArticleScore,
                 top: int | None = TOP) -> None:
    matcher = Matcher(gold)
    # The list a reader is shown: minor actors (named once in passing) only with --all.
    listed = list(key_actors(actors, limit=top)) if top else list(actors)
    score.total_actors = len(actors)
    score.listed = len(listed)
    hits: dict[str, list[Actor]] = {}
    for actor in listed:
        keys = actor_keys(actor)
        label = f"{actor.name} ({actor.type})"
        credit = matcher.credit(keys)
        if credit:
            score.credit.append(label)
        people = matcher.people(keys, actor.name)
        orgs = [] if people else matcher.organizations(keys)
        for person in people:
            hits.setdefault(person.name, []).append(actor)
            if actor.type != "person":
                score.people_mistyped.append(label)
        for org in orgs:
            score.orgs_found += 1
            score.orgs_listed.add(org.name)
            if actor.type in ("person", "place"):
                score.orgs_mistyped.append(f"{label} = {org.name}")
        if people or orgs:
            continue
        banned = matcher.not_actor(keys)
        if banned or credit:
            score.junk_not_actor.append(label)
        elif matcher.is_place(keys):
            if actor.type != "place":
                score.places_mistyped.append(label)
        elif not matcher.is_optional(keys):
            score.junk_unmatched.append(label)
    score.key_people = len(gold.people)
    score.gold_orgs = len(gold.organizations)
    score.people_listed = len(hits)
    for name, matched in hits.items():
        if len(matched) > 1:
            score.split.append(f"{name}: " + " | ".join(f"{a.name} ({a.type})" for a in matched))
    score.people_mistyped = sorted(set(score.people_mistyped))


def judge_speaker(matcher: Matcher, gold: str | None, label: str) -> str:
    """"right", "wrong" or "vague" (a description such as "the cardinal" for a named
    speaker: no name, so not a wrong one). When the text names no one ("a spokesman
    said"), a description is right and a name of one of the article's entities is wrong."""
    if gold is None:
        known = not vague(label) and matcher.known({name_key(label)})
        return "wrong" if known else "right"
    if matcher.speaker(label, matcher.gold.entity(gold)):
        return "right"
    return "vague" if vague(label) else "wrong"


def score_quotes(gold: GoldArticle, quotes: Sequence[Quote], score: ArticleScore) -> None:
    matcher = Matcher(gold)
    used: set[int] = set()
    score.gold_quotes = len(gold.quotes)
    score.system_quotes = len(quotes)
    for item in gold.quotes:
        quote = best_quote(item.text, quotes)
        if quote is None:
            score.missed.append(f"[{item.speaker}] {item.text}")
            continue
        score.found += 1
        used.add(id(quote))
        if quote.speaker is None:
            continue
        score.attributed += 1
        label = f"{quote.speaker} ({quote.cue}) for [{item.speaker}]: {item.text}"
        verdict = judge_speaker(matcher, item.speaker, quote.speaker)
        if verdict == "wrong":
            score.wrong += 1
            score.wrong_speakers.append(label)
        elif verdict == "vague":
            score.vague_speakers.append(label)
    score.unmatched_system_quotes = sum(id(q) not in used for q in quotes)


# ---------------------------------------------------------------------------- running

def analyse(gold: GoldArticle, analyzer: object) -> tuple[tuple[Actor, ...], tuple[Quote, ...]]:
    """Actors and quotes of the article, by the real pipeline."""
    from summarizer.api import AnalysisOptions, Analyzer
    from summarizer.article import load_article

    assert isinstance(analyzer, Analyzer)
    briefing = analyzer.analyse(load_article(str(gold.path)),
                                AnalysisOptions(sections=frozenset({"actors", "quotes"})))
    return briefing.actors or (), briefing.quotes or ()


def evaluate(gold: GoldArticle, actors: Sequence[Actor], quotes: Sequence[Quote],
             top: int | None = TOP) -> ArticleScore:
    score = ArticleScore(gold.id, gold.kind)
    score_actors(gold, actors, score, top)
    score_quotes(gold, quotes, score)
    return score


def report(scores: Sequence[ArticleScore], top: int | None) -> str:
    head = (f"{'article':38} {'gold':>4} {'found':>5} {'recall':>6} {'attr':>4} {'wrong':>5} "
            f"{'split':>5} {'p.typ':>5} {'o.typ':>5} {'junk':>4} {'cred':>4} {'listed':>9}")
    lines = [head, "-" * len(head)]
    for s in scores:
        recall = s.found / s.gold_quotes if s.gold_quotes else 1.0
        lines.append(
            f"{s.id:38} {s.gold_quotes:4} {s.found:5} {recall:6.2f} {s.attributed:4} "
            f"{s.wrong:5} {len(s.split):5} {len(s.people_mistyped):5} "
            f"{len(s.orgs_mistyped):5} {s.junk:4} {len(s.credit):4} "
            f"{s.listed:4}/{s.total_actors:<4}")
    gold_q = sum(s.gold_quotes for s in scores)
    found = sum(s.found for s in scores)
    attributed = sum(s.attributed for s in scores)
    wrong = sum(s.wrong for s in scores)
    lines += [
        "-" * len(head),
        f"Quote recall: {found}/{gold_q} = {found / max(gold_q, 1):.3f}   "
        f"(system quotes: {sum(s.system_quotes for s in scores)}, matching no gold quote: "
        f"{sum(s.unmatched_system_quotes for s in scores)})",
        f"Wrong-speaker rate: {wrong}/{attributed} = {wrong / max(attributed, 1):.3f}   "
        f"(unattributed found quotes: {found - attributed}; attributed to a description, "
        f"not a name, not counted wrong: {sum(len(s.vague_speakers) for s in scores)})",
        f"Key people split into 2+ entries: {sum(len(s.split) for s in scores)} of "
        f"{sum(s.key_people for s in scores)}",
        f"People mistyped: {sum(len(s.people_mistyped) for s in scores)}   "
        f"organisations mistyped: {sum(len(s.orgs_mistyped) for s in scores)} of "
        f"{sum(s.orgs_found for s in scores)} listed",
        f"Key people listed: {sum(s.people_listed for s in scores)} of "
        f"{sum(s.key_people for s in scores)}   organisations listed: "
        f"{sum(len(s.orgs_listed) for s in scores)} of {sum(s.gold_orgs for s in scores)}   "
        f"places listed as a person or organisation: "
        f"{sum(len(s.places_mistyped) for s in scores)}",
        f"Junk actors: {sum(s.junk for s in scores)} "
        f"(matching no entity: {sum(len(s.junk_unmatched) for s in scores)}, "
        f"not_actors: {sum(len(s.junk_not_actor) for s in scores)})   "
        f"credit-line names among actors: {sum(len(s.credit) for s in scores)}",
        f"Actors per article: {sum(s.total_actors for s in scores) / max(len(scores), 1):.1f} "
        f"returned, {sum(s.listed for s in scores) / max(len(scores), 1):.1f} considered "
        f"(top {top or 'all'}); max returned {max((s.total_actors for s in scores), default=0)}",
        "",
        "Details",
    ]
    for s in scores:
        details = [("split", s.split), ("people mistyped", s.people_mistyped),
                   ("orgs mistyped", s.orgs_mistyped), ("places mistyped", s.places_mistyped),
                   ("junk (no entity)", s.junk_unmatched),
                   ("junk (not_actors)", s.junk_not_actor), ("credit names", s.credit),
                   ("wrong speakers", s.wrong_speakers), ("vague speakers", s.vague_speakers),
                   ("missed quotes", s.missed)]
        if any(items for _, items in details):
            lines.append(f"## {s.id} ({s.kind})")
            for label, items in details:
                for item in items:
                    lines.append(f"  {label}: {item}")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA,
                        help="folder of <id>.txt articles with <id>.json annotations")
    parser.add_argument("--top", type=int, default=TOP,
                        help="actors considered per article (0: all; default %(default)s)")
    parser.add_argument("--no-write", action="store_true", help="write no result file")
    parser.add_argument("--out", type=Path, default=None,
                        help=f"result file (default {RESULT.name} for the default folder, "
                             "eval_real_<folder>.txt for another)")
    args = parser.parse_args(argv)
    out = args.out or (RESULT if args.data.resolve() == DEFAULT_DATA.resolve()
                       else RESULT.with_name(f"eval_real_{args.data.name}.txt"))

    from benchmarks.common import machine
    from summarizer.api import Analyzer

    golds = load_gold(args.data)
    analyzer = Analyzer()
    started = time.perf_counter()
    scores = []
    for gold in golds:
        actors, quotes = analyse(gold, analyzer)
        scores.append(evaluate(gold, actors, quotes, args.top or None))
    elapsed = time.perf_counter() - started
    text = (f"eval_real: {len(golds)} hand-annotated real articles from {args.data.name}/ "
            f"(BBC News Summary CC0; PolNeAR outlets)\n{machine()}; {elapsed:.0f}s\n\n"
            + report(scores, args.top or None))
    print(text, end="")
    if not args.no_write:
        out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
