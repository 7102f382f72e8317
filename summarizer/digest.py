"""A digest over many articles: per article a headline and two bullets, then what connects
them: the actors that recur (one entry per entity across articles), the topics that
dominate, three notable quotes, and what is new since the previous digest.

Everything here works on finished briefings (`Briefing.summary`, `.topics`, `.actors`,
`.quotes`): no model runs in this module except through `run_digest`, which briefs the
articles in a small thread pool. Every result cites its article (1-based index into
`Digest.articles`) and paragraph numbers.

Cross-article entity merging reuses what each briefing already knows (an actor's name and
its in-article aliases: "Jane Doe" with "Doe" and "Ms Doe"), then joins entities across
articles by normalised name: a full person name by its exact form, a bare surname ("Doe",
"Ms Doe") to the one full name in the digest that ends with it (two people sharing a
surname leave the bare form unjoined rather than guess), an organisation by its name
without legal suffixes ("Acme Corp" = "Acme") or by its initials ("UN" = "United Nations").
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from summarizer.errors import BriefingError
from summarizer.options import AnalysisOptions
from summarizer.types import ActorType, Article, Briefing, Bullet, Quote

DIGEST_SCHEMA_VERSION = 1
# The most articles one digest briefs: a team's day of links, and the bot's list bound.
MAX_DIGEST_ARTICLES = 50

# Honorifics and titles that may precede a name and are not part of it. A superset of what
# the in-article analysis strips: across articles "President Doe" and "Jane Doe" meet.


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NAME_TITLES = _words("""
    mr mrs ms miss mx dr sir dame lord lady prof professor president sen senator gov governor
    rep representative rev gen general col colonel capt captain maj major lt minister premier
    chancellor judge justice mayor secretary chairman chairwoman chair ceo
    """)
# Legal-form words at the end of an organisation's name: "Acme Corp" is "Acme".
_LEGAL_SUFFIXES = _words("inc corp corporation co ltd llc plc sa ag nv gmbh group")
_FUNCTION_WORDS = frozenset(("of", "the", "and", "for", "in", "on", "at", "to", "&"))
_PRONOUNS = _words("he she they it we i you him her them his hers their its")
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")

# Quotes chosen for the digest: substantive but readable at a glance (words).
_QUOTE_MIN_WORDS = 6
_QUOTE_MAX_WORDS = 60


@dataclass(frozen=True)
class SourceFailure:
    """A source that could not be loaded or briefed, kept in its place in the digest."""

    source: str
    error: str


@dataclass(frozen=True)
class Citation:
    """Where a digest line comes from: an article (1-based index) and its paragraphs."""

    article: int
    paragraphs: tuple[int, ...]


@dataclass(frozen=True)
class DigestArticle:
    """One input of the digest: its briefing and headline lines, or the error it gave."""

    index: int
    source: str
    title: str | None = None
    key: str | None = None
    headline: str | None = None
    headline_paragraphs: tuple[int, ...] = ()
    bullets: tuple[Bullet, ...] = ()
    briefing: Briefing | None = field(default=None, compare=False)
    error: str | None = None


@dataclass(frozen=True)
class DigestActor:
    """One entity across articles; `citations` has one entry per article naming it."""

    name: str
    type: ActorType
    aliases: tuple[str, ...]
    mentions: int
    citations: tuple[Citation, ...]

    @property
    def articles(self) -> int:
        return len(self.citations)


@dataclass(frozen=True)
class DigestTopic:
    """A topic and its prominence summed over articles (each article's share, 0-1)."""

    label: str
    prominence: float
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class DigestQuote:
    speaker: str | None
    cue: str
    text: str
    kind: str
    citation: Citation


@dataclass(frozen=True)
class PreviousDigest:
    """What the previous digest covered: enough to say what is new in this one."""

    keys: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()
    actors: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()


@dataclass(frozen=True)
class NewSince:
    """Compared with the previous digest: articles never seen, articles whose source was
    seen with another text (an updated page), and actors and topics that were not in it."""

    articles: tuple[int, ...]
    updated: tuple[int, ...]
    actors: tuple[str, ...]
    topics: tuple[str, ...]


@dataclass(frozen=True)
class DigestOptions:
    """What a digest briefs and shows.

    `analysis` defaults to the full briefing with the CLI's default length, so the cache
    entries of `summarizer brief` serve a digest and the other way round.
    """

    analysis: AnalysisOptions = field(default_factory=AnalysisOptions)
    bullets: int = 2
    actors: int = 10
    topics: int = 5
    quotes: int = 3
    workers: int | None = None
    previous: PreviousDigest | None = None


@dataclass(frozen=True)
class Digest:
    articles: tuple[DigestArticle, ...]
    actors: tuple[DigestActor, ...]
    topics: tuple[DigestTopic, ...]
    quotes: tuple[DigestQuote, ...]
    new_since: NewSince | None = None

    @property
    def briefed(self) -> int:
        return sum(1 for a in self.articles if a.briefing is not None)

    @property
    def failures(self) -> tuple[DigestArticle, ...]:
        return tuple(a for a in self.articles if a.error is not None)


# --------------------------------------------------------------------------- running


def default_workers() -> int:
    """Articles briefed at once: one per core, at most 4. Within one briefing the spaCy
    parse and the embedder already overlap; a second article fills the gaps of the first."""
    return max(1, min(4, os.cpu_count() or 1))


def run_digest(
    inputs: Sequence[Article | SourceFailure],
    analyse: Callable[[Article, AnalysisOptions], Briefing],
    options: DigestOptions | None = None,
    *,
    on_done: Callable[[int], None] | None = None,
) -> Digest:
    """Brief each article with `analyse` (in a thread pool, at most `workers` in flight)
    and build the digest. An article whose briefing fails with a `BriefingError` becomes a
    failure in its place; other errors are bugs and propagate.

    Args:
        on_done: called with the input's index (0-based) as each one finishes, for progress.
    """
    options = options or DigestOptions()
    articles = sum(1 for item in inputs if isinstance(item, Article))
    if articles > MAX_DIGEST_ARTICLES:
        raise BriefingError(f"A digest covers at most {MAX_DIGEST_ARTICLES} articles; "
                            f"{articles} were given.")
    workers = max(1, options.workers or default_workers())
    results: list[Briefing | SourceFailure | None] = [None] * len(inputs)
    pending: dict[Future[Briefing], int] = {}

    def collect(future: Future[Briefing]) -> None:
        index = pending.pop(future)
        item = inputs[index]
        assert isinstance(item, Article)
        try:
            results[index] = future.result()
        except BriefingError as error:
            results[index] = SourceFailure(item.source, str(error))
        if on_done is not None:
            on_done(index)

    # Submitting only `workers` at a time (not all at once) bounds what is in flight: each
    # briefing holds its parse and embeddings until it is done.
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="digest") as pool:
        for index, item in enumerate(inputs):
            if isinstance(item, SourceFailure):
                results[index] = item
                if on_done is not None:
                    on_done(index)
                continue
            while len(pending) >= workers:
                _wait_first(pending, collect)
            pending[pool.submit(analyse, item, options.analysis)] = index
        while pending:
            _wait_first(pending, collect)
    done = [r for r in results if r is not None]
    return build_digest(done, options)


def _wait_first(pending: Mapping[Future[Briefing], int],
                collect: Callable[[Future[Briefing]], None]) -> None:
    from concurrent.futures import FIRST_COMPLETED, wait

    finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
    for future in finished:
        collect(future)


# --------------------------------------------------------------------------- building


def build_digest(results: Sequence[Briefing | SourceFailure],
                 options: DigestOptions | None = None) -> Digest:
    """The digest of finished briefings (and failures, kept in their places)."""
    options = options or DigestOptions()
    articles = tuple(_digest_article(i, r, options.bullets)
                     for i, r in enumerate(results, start=1))
    briefed = [(a.index, a.briefing) for a in articles if a.briefing is not None]
    merged = merge_actors(briefed)
    # "Recur" means named by two articles or more; a digest of one article shows its own.
    least = 2 if len(briefed) >= 2 else 1
    actors = tuple(a for a in merged if a.articles >= least)[: options.actors]
    topics = dominant_topics(briefed)[: options.topics]
    quotes = notable_quotes(briefed, merged, options.quotes)
    new_since = None
    if options.previous is not None:
        new_since = _new_since(articles, merged, topics, options.previous)
    return Digest(articles=articles, actors=actors, topics=topics, quotes=quotes,
                  new_since=new_since)


def _digest_article(index: int, result: Briefing | SourceFailure, bullets: int) -> DigestArticle:
    if isinstance(result, SourceFailure):
        return DigestArticle(index=index, source=result.source, error=result.error)
    article = result.article
    summary = tuple(result.summary or ())
    where: tuple[int, ...]
    if article.title:
        headline, where = article.title, ()
    elif summary:
        # No title: the first bullet heads the entry, and the next ones follow it.
        headline, where = summary[0].text, summary[0].paragraphs
        summary = summary[1:]
    else:
        headline, where = article.paragraphs[0].text[:120], (1,)
    return DigestArticle(index=index, source=article.source, title=article.title,
                         key=article.digest, headline=headline, headline_paragraphs=where,
                         bullets=summary[:bullets], briefing=result)


# --------------------------------------------------------------------------- actors


def name_key(name: str) -> str:
    """The comparable form of a name: lower case, no leading article, possessive,
    punctuation or titles ("Ms. Doe's" -> "doe", "the U.N." -> "un")."""
    text = _POSSESSIVE.sub("", _LEADING_ARTICLE.sub("", name.strip()))
    text = re.sub(r"(?<=\b\w)\.(?=\w\b|\s|$)", "", text)  # "U.N." -> "UN", "J. Doe" -> "J Doe"
    words = re.sub(r"[^\w\s-]", " ", text.lower()).split()
    while len(words) > 1 and words[0] in _NAME_TITLES:
        words = words[1:]
    return " ".join(words)


def _org_keys(key: str) -> set[str]:
    """An organisation's other comparable forms: without a legal suffix, and its initials."""
    words = key.split()
    keys = {key}
    if len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words = words[:-1]
        keys.add(" ".join(words))
    initials = "".join(w[0] for w in words if w not in _FUNCTION_WORDS)
    if len(initials) >= 2 and len(words) >= 2:
        keys.add(initials)
    return keys


@dataclass
class _Node:
    article: int
    name: str
    type: ActorType
    names: tuple[str, ...]
    mentions: int
    paragraphs: tuple[int, ...]
    rank: int


def merge_actors(briefed: Sequence[tuple[int, Briefing]]) -> tuple[DigestActor, ...]:
    """One entry per entity across the articles, ranked by how many articles name it, then
    by how prominent it is in them (its rank within each article's actor list)."""
    nodes = [
        _Node(article=index, name=actor.name, type=actor.type,
              names=(actor.name, *actor.aliases), mentions=actor.mentions,
              paragraphs=actor.paragraphs, rank=rank)
        for index, briefing in briefed
        for rank, actor in enumerate(briefing.actors or ())
    ]
    parent = list(range(len(nodes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    # 1. Exact keys. Person keys of one word (a bare surname) are left for step 2: two
    #    people called Smith must not be joined through "Smith".
    by_key: dict[tuple[str, str], int] = {}
    for i, node in enumerate(nodes):
        for key in _exact_keys(node):
            kind = "person" if node.type == "person" else node.type
            seen = by_key.setdefault((kind, key), i)
            if seen != i:
                union(seen, i)
    # 2. A one-word name (a surname, "Ms Doe") joins the only person in the digest whose
    #    full name ends with it. Recognisers often type a bare surname as an organisation,
    #    so such nodes join too when the surname is a person's.
    surnames: dict[str, set[int]] = defaultdict(set)
    for i, node in enumerate(nodes):
        if node.type != "person":
            continue
        for name in node.names:
            words = name_key(name).split()
            if len(words) >= 2 and not set(words) & _FUNCTION_WORDS:
                surnames[words[-1]].add(find(i))
    for i, node in enumerate(nodes):
        if node.type not in ("person", "organization"):
            continue
        own = [name_key(n) for n in node.names]
        if node.type == "organization" and any(len(k.split()) > 1 for k in own):
            continue  # "Acme Holdings" is no one's surname
        single = {k for k in own if len(k.split()) == 1}
        owners = {find(o) for key in single for o in surnames.get(key, ())}
        if len(owners) == 1:
            union(next(iter(owners)), i)
    groups: dict[int, list[_Node]] = defaultdict(list)
    for i, node in enumerate(nodes):
        groups[find(i)].append(node)
    merged = [_digest_actor(members) for members in groups.values()]
    best_rank = {id(m): min(n.rank for n in members)
                 for m, members in zip(merged, groups.values(), strict=True)}
    merged.sort(key=lambda a: (-a.articles, best_rank[id(a)], -a.mentions, a.name))
    return tuple(merged)


def _exact_keys(node: _Node) -> set[str]:
    keys: set[str] = set()
    for name in node.names:
        key = name_key(name)
        if not key:
            continue
        if node.type == "person":
            if len(key.split()) >= 2:
                keys.add(key)
        elif node.type == "organization":
            keys |= _org_keys(key)
        else:
            keys.add(key)
    if not keys and node.type == "person":
        # A person known by one name only ("Madonna") still meets the same name elsewhere;
        # step 2 decides whether a bare surname belongs to a full name instead.
        keys.add("=" + name_key(node.name))
    return keys


def _digest_actor(members: Sequence[_Node]) -> DigestActor:
    per_article: dict[int, set[int]] = defaultdict(set)
    for node in members:
        per_article[node.article].update(node.paragraphs)
    types = Counter(node.type for node in members)
    kind = max(types, key=lambda t: (types[t], t == "person"))
    names = Counter(node.name for node in members)
    # The fullest name the articles use, then the most used: "Jane Doe" over "Doe".
    name = max(names, key=lambda n: (len(name_key(n).split()) if kind == "person" else 0,
                                     names[n], len(n)))
    aliases = sorted({n for node in members for n in node.names
                      if n != name and name_key(n) != name_key(name)})
    return DigestActor(
        name=name, type=kind, aliases=tuple(aliases),
        mentions=sum(node.mentions for node in members),
        citations=tuple(Citation(article, tuple(sorted(paragraphs)))
                        for article, paragraphs in sorted(per_article.items())),
    )


# --------------------------------------------------------------------------- topics, quotes


def dominant_topics(briefed: Sequence[tuple[int, Briefing]]) -> tuple[DigestTopic, ...]:
    """Topics by their prominence summed over articles (a topic filling two articles
    outweighs one that touches five), each citing the articles and paragraphs it covers."""
    totals: dict[str, float] = defaultdict(float)
    cites: dict[str, list[Citation]] = defaultdict(list)
    labels: dict[str, str] = {}
    for index, briefing in briefed:
        for topic in briefing.topics or ():
            key = topic.label.lower()
            labels.setdefault(key, topic.label)
            totals[key] += topic.score
            cites[key].append(Citation(index, tuple(topic.paragraphs)))
    ranked = sorted(totals, key=lambda k: (-totals[k], labels[k]))
    return tuple(DigestTopic(label=labels[k], prominence=round(totals[k], 4),
                             citations=tuple(cites[k])) for k in ranked)


def notable_quotes(briefed: Sequence[tuple[int, Briefing]], actors: Sequence[DigestActor],
                   count: int) -> tuple[DigestQuote, ...]:
    """`count` quotes worth reading: named speakers before unnamed ones, direct words before
    reported ones, speakers who recur across articles first, substantive length; at most
    one per speaker and, while others remain, one per article."""
    recurring = {name_key(n): a for a in actors for n in (a.name, *a.aliases)}
    candidates: list[tuple[tuple[float, ...], int, Quote, str | None]] = []
    for index, briefing in briefed:
        for quote in briefing.quotes or ():
            words = len(quote.text.split())
            if words < _QUOTE_MIN_WORDS:
                continue
            actor = recurring.get(name_key(quote.speaker)) if quote.speaker else None
            speaker = actor.name if actor is not None else quote.speaker
            # Named: a proper name ("Helen Whitcombe"), not "he" or "the council".
            named = bool(speaker) and (speaker or "")[:1].isupper() \
                and name_key(speaker or "") not in _PRONOUNS
            score = (
                float(named),
                float(quote.kind == "direct"),
                float(actor.articles if actor is not None else 0),
                -abs(words - 25) / 25 if words <= _QUOTE_MAX_WORDS else -10.0,
                -index, -quote.paragraph,
            )
            candidates.append((score, index, quote, speaker))
    candidates.sort(key=lambda c: c[0], reverse=True)
    chosen: list[DigestQuote] = []
    speakers: set[str] = set()
    used_articles: set[int] = set()
    # Passes from strict to loose: named speakers spread over articles, then named speakers
    # from articles already quoted, then anyone.
    for spread, named_only in ((True, True), (False, True), (False, False)):
        for rank, index, quote, speaker in candidates:
            if len(chosen) >= count:
                break
            who = name_key(speaker) if speaker else ""
            if (who and who in speakers) or (spread and index in used_articles) \
                    or (named_only and not rank[0]):
                continue
            if any(c.text == quote.text.rstrip(" ,") for c in chosen):
                continue
            # A quote cut at its sentence's comma ("..., she said") keeps no trailing comma.
            chosen.append(DigestQuote(speaker=speaker, cue=quote.cue,
                                      text=quote.text.rstrip(" ,"), kind=quote.kind,
                                      citation=Citation(index, (quote.paragraph,))))
            used_articles.add(index)
            if who:
                speakers.add(who)
    return tuple(chosen)


# --------------------------------------------------------------------------- new since


def _new_since(articles: Sequence[DigestArticle], actors: Sequence[DigestActor],
               topics: Sequence[DigestTopic], previous: PreviousDigest) -> NewSince:
    new: list[int] = []
    updated: list[int] = []
    for article in articles:
        if article.briefing is None or article.key in previous.keys:
            continue
        (updated if article.source in previous.sources else new).append(article.index)
    known = {name_key(n) for n in previous.actors}
    fresh_actors = tuple(a.name for a in actors
                         if not {name_key(n) for n in (a.name, *a.aliases)} & known)
    known_topics = {t.lower() for t in previous.topics}
    fresh_topics = tuple(t.label for t in topics if t.label.lower() not in known_topics)
    return NewSince(articles=tuple(new), updated=tuple(updated), actors=fresh_actors,
                    topics=fresh_topics)


def previous_from_dict(data: Mapping[str, Any]) -> PreviousDigest:
    """What a previous digest (its JSON, `digest_to_dict` output) covered.

    Raises:
        ValueError: not a digest of a known schema.
    """
    if data.get("kind") != "digest" or data.get("schema") != DIGEST_SCHEMA_VERSION:
        raise ValueError("not a digest of schema 1")
    articles = [a for a in data.get("articles", ()) if isinstance(a, Mapping)]
    actors = [a for a in data.get("actors", ()) if isinstance(a, Mapping)]
    return PreviousDigest(
        keys=frozenset(str(a["key"]) for a in articles if a.get("key")),
        sources=frozenset(str(a["source"]) for a in articles
                          if a.get("source") and "error" not in a),
        actors=frozenset(str(n) for a in actors
                         for n in (a.get("name"), *a.get("aliases", ())) if n),
        topics=frozenset(str(t["label"]) for t in data.get("topics", ())
                         if isinstance(t, Mapping) and t.get("label")),
    )


def previous_from_digest(digest: Digest) -> PreviousDigest:
    """The same, from a Digest in memory (the bot keeps its last one)."""
    done = [a for a in digest.articles if a.briefing is not None]
    return PreviousDigest(
        keys=frozenset(a.key for a in done if a.key),
        sources=frozenset(a.source for a in done),
        actors=frozenset(n for a in digest.actors for n in (a.name, *a.aliases)),
        topics=frozenset(t.label for t in digest.topics),
    )

