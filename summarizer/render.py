"""Briefings as JSON (schema 1), Markdown and plain terminal text.

Pure functions: a Briefing in, a dict or a string out. Every bullet, topic, actor and
quote shows the paragraph numbers it came from. The JSON objects are the serializer's
(`summarizer.serialize`) wherever schema 1 has the dataclass's shape (models, bullets,
topics, actors, citations, what is new); only the presentation differs where the schema
does (the article's size instead of its text, quotes without character offsets, counts
and citations of digest lines). The cache stores briefings through the serializer alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from summarizer.serialize import to_data
from summarizer.types import Actor, Article, Briefing, Bullet, Quote

if TYPE_CHECKING:
    from summarizer.digest import Citation, Digest, DigestQuote

SCHEMA_VERSION = 1
# Where quotes were found in the article's text: for the analyses, not for readers of the
# JSON, who do not have that text.
_QUOTE_OFFSETS = ("start", "end")
# Key actors shown unless all are asked for: about what a reader takes in at a glance.
KEY_ACTORS = 12


def article_to_dict(article: Article) -> dict[str, Any]:
    return {
        "title": article.title,
        "date": article.date,
        "source": article.source,
        "words": article.words,
        "paragraphs": len(article.paragraphs),
        "credits": list(article.credits),
    }


def _bullets(bullets: Sequence[Bullet]) -> list[dict[str, Any]]:
    return [to_data(b) for b in bullets]


def _quote(quote: Quote) -> dict[str, Any]:
    return to_data(quote, omit=_QUOTE_OFFSETS)


def key_actors(actors: Sequence[Actor], *, all_actors: bool = False,
               limit: int = KEY_ACTORS) -> tuple[Actor, ...]:
    """The actors a reader is shown: the first `limit` of the ranked list that are not minor
    (named once in passing), or all.

    The analysis ranks every actor it finds by salience; a long feature names dozens, and a
    list longer than a dozen is no longer a list of *key* actors.
    """
    if all_actors:
        return tuple(actors)
    return tuple(a for a in actors if not a.minor)[:limit]


def _more_actors(total: int, shown: int) -> str | None:
    if total <= shown:
        return None
    return f"{total - shown} more, less prominent: --all lists them"


def briefing_to_dict(briefing: Briefing, *, all_actors: bool = True) -> dict[str, Any]:
    """The schema-1 JSON object. Sections that were not analysed are left out.

    Args:
        all_actors: every actor found; False keeps the key ones, and `actors_total` says
            how many there were.
    """
    data: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "article": article_to_dict(briefing.article),
        "models": to_data(briefing.models),
    }
    if briefing.summary is not None:
        data["summary"] = _bullets(briefing.summary)
    if briefing.topics is not None:
        data["topics"] = [to_data(t) for t in briefing.topics]
    if briefing.actors is not None:
        # `minor` only orders the list (key actors first); schema 1 does not carry it.
        data["actors"] = [to_data(a, omit=("minor",))
                          for a in key_actors(briefing.actors, all_actors=all_actors)]
        data["actors_total"] = len(briefing.actors)
    if briefing.quotes is not None:
        data["quotes"] = [_quote(q) for q in briefing.quotes]
    return data


def paragraph_ref(numbers: Iterable[int], *, dash: str = "-", empty: str = "") -> str:
    """"¶3" or "¶3, 5-7": compact paragraph references (`empty` when there are none)."""
    ordered = sorted(set(numbers))
    if not ordered:
        return empty
    runs: list[str] = []
    start = previous = ordered[0]
    for number in [*ordered[1:], None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        runs.append(str(start) if start == previous else f"{start}{dash}{previous}")
        if number is not None:
            start = previous = number
    return "¶" + ", ".join(runs)


def models_used(briefing: Briefing) -> list[tuple[str, str]]:
    """(task, model) for the models that produced the sections present: `summarizer quotes`
    ran no summarizer, so its footer must not name one. Topic summaries use the summarizer."""
    used = []
    if briefing.summary is not None or briefing.topics is not None:
        used.append(("summary", briefing.models.summary))
    if briefing.topics is not None:
        used.append(("topics", briefing.models.topics))
    if briefing.actors is not None or briefing.quotes is not None:
        used.append(("entities", briefing.models.entities))
    return used


def plural(count: int, noun: str) -> str:
    """"1 paragraph", "2 paragraphs"."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def _heading(article: Article) -> str:
    parts = [article.title or "Article briefing"]
    details = [d for d in (article.date, plural(article.words, "word"),
                           plural(len(article.paragraphs), "paragraph")) if d]
    return f"{parts[0]} ({', '.join(details)})"


def _actor_line(actor: Actor) -> str:
    role = f", {actor.role}" if actor.role else ""
    aliases = f"; also {', '.join(actor.aliases)}" if actor.aliases else ""
    return (f"{actor.name} ({actor.type}{role}{aliases}) - {_mentions(actor.mentions)} "
            f"[{paragraph_ref(actor.paragraphs)}]")


def _mentions(count: int) -> str:
    return plural(count, "mention")


def _quote_line(quote: Quote) -> str:
    speaker = quote.speaker or "Unattributed"
    text = f"“{quote.text}”" if quote.kind == "direct" else quote.text
    return f"{speaker} ({quote.cue}): {text} [{paragraph_ref([quote.paragraph])}]"


def to_markdown(briefing: Briefing, *, all_actors: bool = False) -> str:
    """Markdown for pasting into notes, tickets or chat."""
    lines = [f"# {_heading(briefing.article)}", ""]
    if briefing.summary is not None:
        lines += ["## Summary", ""]
        lines += [f"- {b.text} _({paragraph_ref(b.paragraphs)})_" for b in briefing.summary]
        lines.append("")
    if briefing.topics is not None:
        lines += ["## Topics", ""]
        for topic in briefing.topics:
            where = paragraph_ref(topic.paragraphs)
            lines.append(f"### {topic.label} ({topic.score:.0%}, {where})")
            lines += [f"- {b.text} _({paragraph_ref(b.paragraphs)})_" for b in topic.summary]
            lines.append("")
    if briefing.actors is not None:
        lines += ["## Key actors", ""]
        shown = key_actors(briefing.actors, all_actors=all_actors)
        for actor in shown:
            role = f", {actor.role}" if actor.role else ""
            aliases = f" (also: {', '.join(actor.aliases)})" if actor.aliases else ""
            lines.append(f"- **{actor.name}** — {actor.type}{role}{aliases}; "
                         f"{_mentions(actor.mentions)} _({paragraph_ref(actor.paragraphs)})_")
        more = _more_actors(len(briefing.actors), len(shown))
        if more:
            lines.append(f"- _{more}_")
        lines.append("")
    if briefing.quotes is not None:
        lines += ["## Quotes", ""]
        for quote in briefing.quotes:
            text = f"“{quote.text}”" if quote.kind == "direct" else quote.text
            lines.append(f"- **{quote.speaker or 'Unattributed'}** ({quote.cue}, {quote.kind}): "
                         f"{text} _({paragraph_ref([quote.paragraph])})_")
        lines.append("")
    used = "; ".join(f"{task} {name}" for task, name in models_used(briefing))
    lines.append(f"_Models: {used}._")
    return "\n".join(lines).rstrip() + "\n"


def to_text(briefing: Briefing, width: int = 100, *, all_actors: bool = False) -> str:
    """Readable terminal text: headed sections, wrapped bullets, paragraph references."""
    import textwrap

    def wrap(text: str, bullet: str = "  • ") -> list[str]:
        return textwrap.wrap(text, width=width, initial_indent=bullet,
                             subsequent_indent=" " * len(bullet)) or [bullet]

    lines = [_heading(briefing.article), "=" * min(width, len(_heading(briefing.article))), ""]
    if briefing.summary is not None:
        lines.append("SUMMARY")
        for b in briefing.summary:
            lines += wrap(f"{b.text} [{paragraph_ref(b.paragraphs)}]")
        lines.append("")
    if briefing.topics is not None:
        lines.append("TOPICS")
        for topic in briefing.topics:
            lines.append(f"  {topic.label} — {topic.score:.0%} of the article "
                         f"[{paragraph_ref(topic.paragraphs)}]")
            for b in topic.summary:
                lines += wrap(f"{b.text} [{paragraph_ref(b.paragraphs)}]", "      - ")
        lines.append("")
    if briefing.actors is not None:
        lines.append("KEY ACTORS")
        shown = key_actors(briefing.actors, all_actors=all_actors)
        for actor in shown:
            lines += wrap(_actor_line(actor))
        more = _more_actors(len(briefing.actors), len(shown))
        if more:
            lines.append(f"  ({more})")
        lines.append("")
    if briefing.quotes is not None:
        lines.append("QUOTES")
        for quote in briefing.quotes:
            lines += wrap(_quote_line(quote))
        lines.append("")
    lines.append("models: " + " ".join(f"{task}={name}" for task, name in models_used(briefing)))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- digests
# A digest (summarizer.digest) over many articles. Every line cites its article as "#N"
# (its place in the digest's article list) and the paragraphs, like a briefing's lines.


def digest_to_dict(digest: Digest, *, all_actors: bool = False) -> dict[str, Any]:
    """The digest JSON object (schema 1, kind "digest"): each article with its briefing
    (as `briefing_to_dict` gives it) or its error, then the merged sections."""
    from summarizer.digest import DIGEST_SCHEMA_VERSION

    def cites(citations: Iterable[Citation]) -> list[dict[str, Any]]:
        return [to_data(c) for c in citations]

    articles: list[dict[str, Any]] = []
    for item in digest.articles:
        entry: dict[str, Any] = {"index": item.index, "source": item.source, "title": item.title}
        if item.briefing is None:
            entry["error"] = item.error
        else:
            entry["key"] = item.key
            entry["headline"] = {"text": item.headline,
                                 "paragraphs": list(item.headline_paragraphs)}
            entry["bullets"] = _bullets(item.bullets)
            entry["briefing"] = briefing_to_dict(item.briefing, all_actors=all_actors)
        articles.append(entry)
    data: dict[str, Any] = {
        "schema": DIGEST_SCHEMA_VERSION,
        "kind": "digest",
        "articles": articles,
        "briefed": digest.briefed,
        "failed": len(digest.failures),
        "actors": [
            {"name": a.name, "type": a.type, "aliases": list(a.aliases),
             "articles": a.articles, "mentions": a.mentions, "cited": cites(a.citations)}
            for a in digest.actors
        ],
        "topics": [
            {"label": t.label, "prominence": t.prominence, "articles": len(t.citations),
             "cited": cites(t.citations)}
            for t in digest.topics
        ],
        "quotes": [
            {"speaker": q.speaker, "cue": q.cue, "text": q.text, "kind": q.kind,
             "article": q.citation.article, "paragraph": q.citation.paragraphs[0]}
            for q in digest.quotes
        ],
        "new_since": None,
    }
    if digest.new_since is not None:
        data["new_since"] = to_data(digest.new_since)
    return data


def _cited(citations: Iterable[Citation]) -> str:
    return "; ".join(f"#{c.article} {paragraph_ref(c.paragraphs)}".rstrip() for c in citations)


def _digest_quote_text(quote: DigestQuote) -> str:
    text = f"“{quote.text}”" if quote.kind == "direct" else quote.text
    return f"{quote.speaker or 'Unattributed'} ({quote.cue}): {text}"


def _digest_sections(digest: Digest) -> list[tuple[str, list[str]]]:
    """The merged sections as (heading, plain lines), shared by Markdown and text."""
    sections: list[tuple[str, list[str]]] = []
    if not digest.briefed:
        return sections  # nothing to merge: the articles list says why each one failed
    actors = [f"{a.name} ({a.type}{'; also ' + ', '.join(a.aliases) if a.aliases else ''}) - "
              f"{a.articles} article{'s' if a.articles != 1 else ''}, {_mentions(a.mentions)} "
              f"[{_cited(a.citations)}]" for a in digest.actors]
    sections.append(("Recurring actors", actors or ["No actor appears in more than one article."]))
    topics = [f"{t.label} - {t.prominence:.2f} across {len(t.citations)} "
              f"article{'s' if len(t.citations) != 1 else ''} [{_cited(t.citations)}]"
              for t in digest.topics]
    sections.append(("Dominant topics", topics or ["No topics."]))
    quotes = [f"{_digest_quote_text(q)} [{_cited([q.citation])}]" for q in digest.quotes]
    sections.append(("Notable quotes", quotes or ["No quotes found."]))
    if digest.new_since is not None:
        new = digest.new_since
        lines = []
        refs = ", ".join(f"#{i}" for i in new.articles)
        lines.append(f"New articles: {refs}" if refs else "No new articles.")
        if new.updated:
            lines.append("Updated since: " + ", ".join(f"#{i}" for i in new.updated))
        if new.actors:
            lines.append("New actors: " + ", ".join(new.actors))
        if new.topics:
            lines.append("New topics: " + ", ".join(new.topics))
        sections.append(("New since the previous digest", lines))
    return sections


def digest_to_markdown(digest: Digest) -> str:
    """Markdown for pasting: articles with their headline and bullets, then the merged
    sections; every line cites "#article ¶paragraphs"."""
    count = len(digest.articles)
    lines = [f"# Digest of {digest.briefed} article{'s' if digest.briefed != 1 else ''}"
             + (f" ({count - digest.briefed} failed)" if count > digest.briefed else ""), ""]
    lines += ["## Articles", ""]
    for item in digest.articles:
        if item.briefing is None:
            lines.append(f"{item.index}. ~~{item.source}~~ — could not be briefed: {item.error}")
            continue
        where = paragraph_ref(item.headline_paragraphs)
        lines.append(f"{item.index}. **{item.headline}**" + (f" _({where})_" if where else "")
                     + f" — {item.source}")
        lines += [f"    - {b.text} _(#{item.index} {paragraph_ref(b.paragraphs)})_"
                  for b in item.bullets]
    lines.append("")
    for heading, items in _digest_sections(digest):
        lines += [f"## {heading}", ""]
        lines += [f"- {line}" for line in items]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def digest_to_text(digest: Digest, width: int = 100) -> str:
    """Readable terminal text of a digest."""
    import textwrap

    def wrap(text: str, bullet: str = "  • ") -> list[str]:
        return textwrap.wrap(text, width=width, initial_indent=bullet,
                             subsequent_indent=" " * len(bullet)) or [bullet]

    count = len(digest.articles)
    title = (f"Digest of {digest.briefed} article{'s' if digest.briefed != 1 else ''}"
             + (f" ({count - digest.briefed} failed)" if count > digest.briefed else ""))
    lines = [title, "=" * len(title), "", "ARTICLES"]
    for item in digest.articles:
        if item.briefing is None:
            lines += wrap(f"#{item.index} {item.source}: could not be briefed: {item.error}",
                          "  ")
            continue
        where = paragraph_ref(item.headline_paragraphs)
        lines += wrap(f"#{item.index} {item.headline}" + (f" [{where}]" if where else ""), "  ")
        lines += wrap(item.source, "     ")
        for b in item.bullets:
            lines += wrap(f"{b.text} [#{item.index} {paragraph_ref(b.paragraphs)}]", "     - ")
    lines.append("")
    for heading, items in _digest_sections(digest):
        lines.append(heading.upper())
        for line in items:
            lines += wrap(line)
        lines.append("")
    return "\n".join(lines)
