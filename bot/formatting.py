"""Briefing -> Discord embeds, within every Discord limit. Pure: no I/O, no client.

Limits (discord-api-docs): title 256, description 4,096, 25 fields, field name 256 and value
1,024, footer 2,048, all embeds of one message together 6,000, 10 embeds a message. Long lists
become pages of one embed each; every bullet, actor and quote names its paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from summarizer.digest import Citation, Digest
from summarizer.render import key_actors, paragraph_ref, plural
from summarizer.types import Actor, Article, Briefing, Bullet, Quote, Topic

if TYPE_CHECKING:  # only its type: this module stays pure (no storage)
    from bot.state import Entry

TITLE_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
EMBEDS_PER_MESSAGE = 10
CHOICE_LIMIT = 25
CHOICE_NAME_LIMIT = 100

# Page budget: well inside the limits so a title + footer can never push a page over 6,000.
PAGE_TEXT_BUDGET = 3500
LINES_PER_PAGE = 8
LINE_LIMIT = 900

COLOUR = discord.Colour.blurple()
# On everything the bot sends: article text and user input may hold @everyone or <@id>.
QUIET = discord.AllowedMentions.none()


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, with an ellipsis when cut (never leaving a lone
    escaping backslash or a cut-off zero-width space behind)."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    trailing = len(cut) - len(cut.rstrip("\\"))
    if trailing % 2:
        cut = cut[:-1]
    return cut.rstrip() + "…"


# Every character Discord markdown gives a meaning to, escaped wherever it appears: discord.py's
# escape_markdown leaves an unpaired ``` alone, and two such lines in one description pair up
# into a code block that swallows everything between them.
_MARKDOWN = re.compile(r"([\\*_~|`\[\]])")
# Block quotes, headings and lists only take effect at the start of a line.
_LINE_START = re.compile(r"^(?:([>#+-])|(\d+)\.(?=\s))")
# Mention syntax (<@1>, <@!1>, <@&1>, <#1>, </cmd:1>) and @everyone/@here: a zero-width space
# after the opening character leaves the text readable and makes it inert even where
# allowed_mentions would not apply (embeds never ping, but they do render mentions as links).
_MENTION = re.compile(r"<(?=[@#/:]|a:|t:)")
_EVERYONE = re.compile(r"@(?=everyone|here|[!&]?\d)", re.IGNORECASE)
ZWSP = "\u200b"


def inert(text: str) -> str:
    """`text` on one line with mention syntax made inert (for places without markdown:
    footers, plain message content)."""
    text = " ".join(text.split())
    return _EVERYONE.sub("@" + ZWSP, _MENTION.sub("<" + ZWSP, text))


def safe(text: str) -> str:
    """Article text shown as written: no markdown effects, no mention syntax, one line."""
    text = _MARKDOWN.sub(r"\\\1", " ".join(text.split()))
    text = _LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\.", text)
    return inert(text)


def paragraphs_ref(numbers: Iterable[int]) -> str:
    """(1, 2, 3, 7) -> '¶1–3, 7' (typographic dash in chat)."""
    return paragraph_ref(numbers, dash="–", empty="¶?")


def article_label(article: Article) -> str:
    """The article's title (or source) for titles and footers: mention syntax made inert."""
    return clip(inert(article.title or article.source), 120)


def _footer(article: Article, page: int | None = None, pages: int | None = None) -> str:
    parts = [article_label(article)]
    if page is not None and pages is not None and pages > 1:
        parts.append(f"page {page} of {pages}")
    return clip(" · ".join(parts), 300)


def paginate(
    title: str, lines: Sequence[str], article: Article, *, empty: str
) -> list[discord.Embed]:
    """Pack `lines` into as few one-embed pages as fit the budgets."""
    chunks = _chunks(list(lines) or [empty], LINES_PER_PAGE)
    return [_page(title, chunk, _footer(article, number, len(chunks)))
            for number, chunk in enumerate(chunks, start=1)]


def _chunks(lines: Sequence[str], per_page: int, *,
            keep_headings: bool = False) -> list[list[str]]:
    """`lines`, each clipped, in pages within the text budget and `per_page` lines; with
    `keep_headings`, a heading line (starting with `__`) never ends a page."""
    chunks: list[list[str]] = [[]]
    size = 0
    for raw in lines:
        line = clip(raw, LINE_LIMIT)
        if chunks[-1] and (size + len(line) + 1 > PAGE_TEXT_BUDGET
                           or len(chunks[-1]) >= per_page):
            carried = ([chunks[-1].pop()] if keep_headings and chunks[-1][-1].startswith("__")
                       else [])
            chunks.append(carried)
            size = sum(len(c) + 1 for c in carried)
        chunks[-1].append(line)
        size += len(line) + 1
    return chunks


def _page(title: str, chunk: Sequence[str], footer: str) -> discord.Embed:
    embed = discord.Embed(title=clip(title, TITLE_LIMIT), description="\n".join(chunk),
                          colour=COLOUR)
    embed.set_footer(text=footer)
    return embed


def bullet_line(bullet: Bullet) -> str:
    return f"• {clip(safe(bullet.text), LINE_LIMIT - 30)} ({paragraphs_ref(bullet.paragraphs)})"


def topic_line(topic: Topic) -> str:
    return f"**{clip(safe(topic.label), 100)}** · {topic.score:.0%} " \
           f"({paragraphs_ref(topic.paragraphs)})"


def actor_line(actor: Actor) -> str:
    role = f", {clip(safe(actor.role), 120)}" if actor.role else ""
    aliases = [a for a in actor.aliases if a != actor.name][:3]
    also = f" (also {', '.join(clip(safe(a), 60) for a in aliases)})" if aliases else ""
    mentions = "mention" if actor.mentions == 1 else "mentions"
    return (f"**{clip(safe(actor.name), 100)}**{role}{also} · {actor.type}, "
            f"{actor.mentions} {mentions} ({paragraphs_ref(actor.paragraphs)})")


def quote_line(quote: Quote) -> str:
    speaker = clip(safe(quote.speaker), 100) if quote.speaker else "Unattributed"
    text = clip(safe(quote.text), LINE_LIMIT - 150)
    body = f"“{text}”" if quote.kind == "direct" else text
    where = paragraphs_ref([quote.paragraph])
    return f"**{speaker}** {clip(safe(quote.cue), 40)}: {body} ({where})"


def summary_pages(briefing: Briefing) -> list[discord.Embed]:
    lines = [bullet_line(b) for b in briefing.summary or ()]
    return paginate(f"Summary: {article_label(briefing.article)}", lines, briefing.article,
                    empty="No summary could be made of this article.")


def topics_pages(briefing: Briefing) -> list[discord.Embed]:
    lines = []
    for topic in briefing.topics or ():
        lines.append(topic_line(topic))
        lines.extend(f"  {bullet_line(b)}" for b in topic.summary[:2])
    return paginate(f"Topics: {article_label(briefing.article)}", lines, briefing.article,
                    empty="No topic stood out in this article.")


def topic_pages(briefing: Briefing, topic: Topic) -> list[discord.Embed]:
    lines = [topic_line(topic), *(bullet_line(b) for b in topic.summary)]
    # Labels and speaker names can be typed by users: shown as written, never as markdown.
    return paginate(f"Topic: {safe(topic.label)}", lines, briefing.article, empty="")


def actors_pages(briefing: Briefing, kind: str | None = None,
                 everyone: bool = False) -> list[discord.Embed]:
    """The key actors (the first 12 of the ranking), or all of them with `everyone`; a kind
    filters after the cut, so "people" lists the key people."""
    found = briefing.actors or ()
    shown = key_actors(found, all_actors=everyone)
    actors = [a for a in shown if kind is None or a.type == kind]
    lines = [actor_line(a) for a in actors]
    if actors and len(shown) < len(found):
        lines.append(f"_{len(found) - len(shown)} more, less prominent: use all:True._")
    what = f"{kind} actors" if kind else "Actors"
    return paginate(f"{what.capitalize()}: {article_label(briefing.article)}",
                    lines, briefing.article,
                    empty=f"No {kind + ' ' if kind else ''}actors found in this article.")


def quotes_pages(briefing: Briefing, speaker: str | None = None) -> list[discord.Embed]:
    quotes = [q for q in briefing.quotes or () if speaker is None or _same(q.speaker, speaker)]
    title = f"Quotes from {safe(speaker)}" if speaker else "Quotes"
    return paginate(f"{title}: {article_label(briefing.article)}",
                    [quote_line(q) for q in quotes], briefing.article,
                    empty=f"No quotes {'from ' + safe(speaker) + ' ' if speaker else ''}"
                          "found in this article.")


def _same(name: str | None, wanted: str) -> bool:
    return name is not None and name.casefold() == wanted.strip().casefold()


def quote_speakers(briefing: Briefing) -> list[str]:
    """Speakers of the quotes, most quoted first."""
    counts: dict[str, int] = {}
    for quote in briefing.quotes or ():
        if quote.speaker:
            counts[quote.speaker] = counts.get(quote.speaker, 0) + 1
    return sorted(counts, key=lambda name: (-counts[name], name))


def _field_value(lines: Sequence[str], empty: str) -> str:
    value = ""
    for line in lines:
        line = clip(line, 400)
        if len(value) + len(line) + 1 > FIELD_VALUE_LIMIT:
            break
        value = f"{value}\n{line}" if value else line
    return value or empty


def briefing_embed(briefing: Briefing, *, heading: str = "Briefing") -> discord.Embed:
    """Summary, top topics, top actors and top quotes in one compact embed."""
    article = briefing.article
    embed = discord.Embed(title=clip(f"{heading}: {article_label(article)}", TITLE_LIMIT),
                          colour=COLOUR)
    if article.date:
        embed.description = f"Published {article.date}"
    embed.add_field(name="Summary", inline=False, value=_field_value(
        [bullet_line(b) for b in (briefing.summary or ())[:4]], "No summary."))
    embed.add_field(name="Top topics", inline=False, value=_field_value(
        [topic_line(t) for t in (briefing.topics or ())[:3]], "No topic stood out."))
    embed.add_field(name="Top actors", inline=False, value=_field_value(
        [actor_line(a) for a in (briefing.actors or ())[:5]], "No actors found."))
    embed.add_field(name="Top quotes", inline=False, value=_field_value(
        [quote_line(q) for q in (briefing.quotes or ())[:3]], "No quotes found."))
    embed.set_footer(text=_footer(article))
    return embed


def article_embed(article: Article, *, heading: str = "Article for this channel") -> discord.Embed:
    embed = discord.Embed(title=clip(inert(heading), TITLE_LIMIT), colour=COLOUR)
    embed.add_field(name="Title", value=clip(safe(article.title or "(untitled)"), 1000),
                    inline=False)
    embed.add_field(name="Source", value=clip(safe(article.source), 1000), inline=False)
    embed.add_field(name="Size", inline=False,
                    value=f"{plural(len(article.paragraphs), 'paragraph')}, "
                          f"{plural(article.words, 'word')}")
    if article.paragraphs:
        embed.add_field(name="Opening (¶1)", inline=False,
                        value=clip(safe(article.paragraphs[0].text), 500))
    return embed


@dataclass(frozen=True)
class AboutFacts:
    version: str
    summary_model: str
    topic_model: str
    entity_model: str
    cache_entries: int | None
    cache_bytes: int | None
    cache_hits: int | None
    cache_misses: int | None
    analyses_started: int
    analyses_shared: int
    in_flight: int
    shards: int
    guilds: int


def about_embed(facts: AboutFacts) -> discord.Embed:
    embed = discord.Embed(title="Article briefing bot", colour=COLOUR,
                          description=f"Version {facts.version}")
    embed.add_field(name="Models", inline=False, value=clip(
        f"Summary: {facts.summary_model}\nTopics: {facts.topic_model}\n"
        f"Actors and quotes: {facts.entity_model}", FIELD_VALUE_LIMIT))
    if facts.cache_entries is None:
        cache = "Off"
    else:
        cache = (f"{facts.cache_entries:,} briefings, {(facts.cache_bytes or 0) / 1e6:.1f} MB; "
                 f"{facts.cache_hits:,} hits, {facts.cache_misses:,} misses since start")
    embed.add_field(name="Cache", value=cache, inline=False)
    embed.add_field(name="Work", inline=False, value=(
        f"{facts.analyses_started:,} analyses run, {facts.analyses_shared:,} shared, "
        f"{facts.in_flight} running"))
    embed.add_field(name="Shards", value=str(facts.shards))
    embed.add_field(name="Servers", value=str(facts.guilds))
    return embed


def choices(names: Iterable[str], typed: str) -> list[str]:
    """Autocomplete values matching `typed`: prefix matches first, at most 25."""
    typed = typed.strip().casefold()
    names = [n for n in dict.fromkeys(names) if len(n) <= CHOICE_NAME_LIMIT]
    first = [n for n in names if n.casefold().startswith(typed)]
    rest = [n for n in names if typed in n.casefold() and n not in first]
    return (first + rest)[:CHOICE_LIMIT]


def numbered_choices(labels: Sequence[str],
                     typed: str) -> list[discord.app_commands.Choice[int]]:
    """Autocomplete choices "1. label" for a numbered list, valued by the number."""
    names = {f"{n}. {clip(inert(label), 90)}": n for n, label in enumerate(labels, start=1)}
    return [discord.app_commands.Choice(name=name, value=names[name])
            for name in choices(names, typed)]


# Digests and reading lists ---------------------------------------------------------------
DIGEST_LINES_PER_PAGE = 20  # short lines: a screenful
LIST_LINES_PER_PAGE = 10

def pack_pages(title: str, lines: Sequence[str], footer: str, *, empty: str,
               per_page: int = DIGEST_LINES_PER_PAGE) -> list[discord.Embed]:
    """Like `paginate`, for lines that are not about one article: a fixed footer, and a
    heading line (bold, starting with `__`) is never left alone at the bottom of a page."""
    chunks = _chunks(list(lines) or [empty], per_page, keep_headings=True)
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        where = f" · page {number} of {len(chunks)}" if len(chunks) > 1 else ""
        pages.append(_page(title, chunk, clip(inert(footer) + where, 300)))
    return pages



def _link(text: str, url: str) -> str:
    """`text` as a markdown link to `url` when it is a web address (brackets and spaces in
    the address percent-encoded so the link cannot end early)."""
    if not url.lower().startswith(("http://", "https://")):
        return text
    quoted = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    return f"[{text}]({inert(quoted)})"


def _cites(citations: Iterable[Citation]) -> str:
    return "; ".join(f"#{c.article} {paragraphs_ref(c.paragraphs)}" for c in citations)


def source_label(source: str) -> str:
    """A source for a list: a URL's host and path, shortened; a file or text as it is."""
    shown = re.sub(r"^https?://(www\.)?", "", source, flags=re.IGNORECASE)
    return clip(safe(shown), 80)


def digest_lines(digest: Digest) -> list[str]:
    """Every line of a digest; each one cites "#article ¶paragraphs"."""
    lines: list[str] = []
    for item in digest.articles:
        if item.briefing is None:
            lines.append(f"**#{item.index}** {source_label(item.source)}: could not be "
                         f"briefed ({clip(safe(item.error or 'unknown error'), 200)})")
            continue
        where = paragraphs_ref(item.headline_paragraphs) if item.headline_paragraphs else "title"
        headline = clip(safe(item.headline or item.source), 200)
        lines.append(f"**#{item.index} {_link(headline, item.source)}** (#{item.index} {where}) "
                     f"· {source_label(item.source)}")
        lines.extend(f"  • {clip(safe(b.text), 400)} (#{item.index} {paragraphs_ref(b.paragraphs)})"
                     for b in item.bullets)
    if not digest.briefed:
        return lines
    lines.append("__**Recurring actors**__")
    if not digest.actors:
        lines.append("No actor appears in more than one article.")
    for actor in digest.actors:
        count = plural(actor.articles, "article")
        lines.append(f"**{clip(safe(actor.name), 100)}** · {actor.type}, {count}, "
                     f"{plural(actor.mentions, 'mention')} ({_cites(actor.citations)})")
    lines.append("__**Dominant topics**__")
    if not digest.topics:
        lines.append("No topic stood out.")
    for topic in digest.topics:
        lines.append(f"**{clip(safe(topic.label), 100)}** · {topic.prominence:.2f} across "
                     f"{plural(len(topic.citations), 'article')} ({_cites(topic.citations)})")
    lines.append("__**Notable quotes**__")
    if not digest.quotes:
        lines.append("No quotes found.")
    for quote in digest.quotes:
        speaker = clip(safe(quote.speaker), 100) if quote.speaker else "Unattributed"
        text = clip(safe(quote.text), 500)
        body = f"“{text}”" if quote.kind == "direct" else text
        lines.append(f"**{speaker}** {clip(safe(quote.cue), 40)}: {body} "
                     f"({_cites([quote.citation])})")
    if digest.new_since is not None:
        lines.extend(_new_since_lines(digest))
    return lines


def _new_since_lines(digest: Digest) -> list[str]:
    new = digest.new_since
    assert new is not None
    by_index = {a.index: a for a in digest.articles}
    lines = ["__**New since the previous digest**__"]
    if not (new.articles or new.updated):
        lines.append("No new articles.")
    for label, indexes in (("New", new.articles), ("Updated", new.updated)):
        for index in indexes:
            item = by_index[index]
            where = paragraphs_ref(item.headline_paragraphs) if item.headline_paragraphs \
                else "title"
            lines.append(f"{label}: {clip(safe(item.headline or item.source), 150)} "
                         f"(#{index} {where})")
    actors = {a.name: a for a in digest.actors}
    for name in new.actors:
        actor = actors.get(name)
        if actor is not None:  # only the actors shown above: each cites where it appears
            lines.append(f"New actor: {clip(safe(name), 100)} ({_cites(actor.citations)})")
    topics = {t.label: t for t in digest.topics}
    for label in new.topics:
        topic = topics.get(label)
        if topic is not None:
            lines.append(f"New topic: {clip(safe(label), 100)} ({_cites(topic.citations)})")
    return lines


def digest_pages(digest: Digest, *, heading: str = "Digest") -> list[discord.Embed]:
    count = len(digest.articles)
    failed = count - digest.briefed
    footer = f"Digest of {plural(digest.briefed, 'article')}" + \
        (f", {failed} could not be briefed" if failed else "") + \
        " · #n = article n, ¶ = paragraph"
    return pack_pages(heading, digest_lines(digest), footer, empty="Nothing to digest.")


def entry_line(position: int, entry: Entry, *, current: bool) -> str:
    """One reading-list entry: title, source, when and by whom it was added."""
    when = discord_time(entry.added_at)
    who = f" by <@{entry.added_by}>" if entry.added_by else ""
    via = {"message": " via Brief this article", "feed": " from a feed"}.get(entry.via, "")
    mark = " · **current**" if current else ""
    return (f"**{position}.** {clip(safe(entry.label), 150)} · {source_label(entry.source)} · "
            f"added {when}{who}{via}{mark}")


def discord_time(iso: str | None) -> str:
    """An ISO time as Discord's relative timestamp (shown in each reader's own time zone);
    "never" for none."""
    from datetime import UTC, datetime

    if not iso:
        return "never"
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return safe(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"<t:{int(moment.timestamp())}:R>"


def list_pages(entries: Sequence[Entry], current: int | None, limit: int) -> list[discord.Embed]:
    lines = [entry_line(n, e, current=e.id == current) for n, e in enumerate(entries, start=1)]
    return pack_pages(f"Reading list ({len(entries)} of {limit})", lines,
                      "Oldest first · /digest briefs them all · /article remove number",
                      empty="The reading list is empty: add articles with /article add, or "
                            "“Brief this article” on a message.", per_page=LIST_LINES_PER_PAGE)
