"""Briefings as JSON (schema 1), Markdown and plain terminal text.

Pure functions: a Briefing in, a dict or a string out. Every bullet, topic, actor and
quote shows the paragraph numbers it came from.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from summarizer.types import (
    Actor,
    Article,
    Briefing,
    Bullet,
    ModelInfo,
    Quote,
    Topic,
)

SCHEMA_VERSION = 1
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
    return [{"text": b.text, "paragraphs": list(b.paragraphs)} for b in bullets]


def _quote(quote: Quote, full: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "speaker": quote.speaker,
        "cue": quote.cue,
        "text": quote.text,
        "kind": quote.kind,
        "paragraph": quote.paragraph,
    }
    if full:
        data["start"], data["end"] = quote.start, quote.end
    return data


def key_actors(actors: Sequence[Actor], *, all_actors: bool = False) -> tuple[Actor, ...]:
    """The actors a reader is shown: the first `KEY_ACTORS` of the ranked list, or all.

    The analysis ranks every actor it finds by salience; a long feature names dozens, and a
    list longer than a dozen is no longer a list of *key* actors.
    """
    return tuple(actors) if all_actors else tuple(actors[:KEY_ACTORS])


def _more_actors(total: int, shown: int) -> str | None:
    if total <= shown:
        return None
    return f"{total - shown} more, less prominent: --all lists them"


def briefing_to_dict(briefing: Briefing, *, full: bool = False,
                     all_actors: bool = True) -> dict[str, Any]:
    """The schema-1 JSON object. Sections that were not analysed are left out.

    Args:
        full: also keep the quotes' character offsets (the cache uses this).
        all_actors: every actor found (the cache needs them); False keeps the key ones,
            and `actors_total` says how many there were.
    """
    data: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "article": article_to_dict(briefing.article),
        "models": {
            "summary": briefing.models.summary,
            "topics": briefing.models.topics,
            "entities": briefing.models.entities,
        },
    }
    if briefing.summary is not None:
        data["summary"] = _bullets(briefing.summary)
    if briefing.topics is not None:
        data["topics"] = [
            {"label": t.label, "score": t.score, "paragraphs": list(t.paragraphs),
             "summary": _bullets(t.summary)}
            for t in briefing.topics
        ]
    if briefing.actors is not None:
        data["actors"] = [
            {"name": a.name, "type": a.type, "role": a.role, "aliases": list(a.aliases),
             "mentions": a.mentions, "paragraphs": list(a.paragraphs)}
            for a in key_actors(briefing.actors, all_actors=all_actors)
        ]
        data["actors_total"] = len(briefing.actors)
    if briefing.quotes is not None:
        data["quotes"] = [_quote(q, full) for q in briefing.quotes]
    return data


def briefing_from_dict(data: dict[str, Any], article: Article) -> Briefing:
    """Rebuild a Briefing from `briefing_to_dict` output around the article it describes."""
    if data.get("schema") != SCHEMA_VERSION:
        raise ValueError("unsupported briefing schema")

    def bullets(items: list[dict[str, Any]]) -> tuple[Bullet, ...]:
        return tuple(Bullet(text=b["text"], paragraphs=tuple(b["paragraphs"])) for b in items)

    models = data["models"]
    return Briefing(
        article=article,
        models=ModelInfo(summary=models["summary"], topics=models["topics"],
                         entities=models["entities"]),
        summary=bullets(data["summary"]) if "summary" in data else None,
        topics=tuple(
            Topic(label=t["label"], score=t["score"], paragraphs=tuple(t["paragraphs"]),
                  summary=bullets(t["summary"]))
            for t in data["topics"]
        ) if "topics" in data else None,
        actors=tuple(
            Actor(name=a["name"], type=a["type"], role=a["role"], aliases=tuple(a["aliases"]),
                  mentions=a["mentions"], paragraphs=tuple(a["paragraphs"]))
            for a in data["actors"]
        ) if "actors" in data else None,
        quotes=tuple(
            Quote(speaker=q["speaker"], cue=q["cue"], text=q["text"], kind=q["kind"],
                  paragraph=q["paragraph"], start=q.get("start", -1), end=q.get("end", -1))
            for q in data["quotes"]
        ) if "quotes" in data else None,
    )


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


def _heading(article: Article) -> str:
    parts = [article.title or "Article briefing"]
    details = [d for d in (article.date, f"{article.words:,} words",
                           f"{len(article.paragraphs)} paragraphs") if d]
    return f"{parts[0]} ({', '.join(details)})"


def _actor_line(actor: Actor) -> str:
    role = f", {actor.role}" if actor.role else ""
    aliases = f"; also {', '.join(actor.aliases)}" if actor.aliases else ""
    return (f"{actor.name} ({actor.type}{role}{aliases}) - {_mentions(actor.mentions)} "
            f"[{paragraph_ref(actor.paragraphs)}]")


def _mentions(count: int) -> str:
    return f"{count} mention" if count == 1 else f"{count} mentions"


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
    lines.append(f"_Models: summary {briefing.models.summary}; topics {briefing.models.topics}; "
                 f"entities {briefing.models.entities}._")
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
    lines.append(f"models: summary={briefing.models.summary} topics={briefing.models.topics} "
                 f"entities={briefing.models.entities}")
    return "\n".join(lines) + "\n"
