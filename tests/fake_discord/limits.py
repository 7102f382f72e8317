"""Discord's message limits, checked on raw JSON payloads (independently of the bot's code)."""

from __future__ import annotations

from typing import Any

CONTENT = 2000
TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR = 256
TOTAL = 6000
EMBEDS = 10
CHOICES = 25
CHOICE_NAME = 100


def embed_violations(embed: dict[str, Any]) -> list[str]:
    problems = []
    def over(what: str, text: str | None, limit: int) -> None:
        if text is not None and len(text) > limit:
            problems.append(f"{what} is {len(text)} > {limit}")
    over("title", embed.get("title"), TITLE)
    over("description", embed.get("description"), DESCRIPTION)
    over("footer", (embed.get("footer") or {}).get("text"), FOOTER)
    over("author", (embed.get("author") or {}).get("name"), AUTHOR)
    fields = embed.get("fields") or []
    if len(fields) > FIELDS:
        problems.append(f"{len(fields)} fields > {FIELDS}")
    for field in fields:
        over("field name", field.get("name"), FIELD_NAME)
        over("field value", field.get("value"), FIELD_VALUE)
        if not field.get("name") or not field.get("value"):
            problems.append("empty field name or value")
    return problems


def embed_total(embed: dict[str, Any]) -> int:
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    total += sum(len(f.get("name") or "") + len(f.get("value") or "")
                 for f in embed.get("fields") or [])
    return total


def message_violations(message: dict[str, Any]) -> list[str]:
    """Problems with a message payload (content + embeds + components + allowed_mentions)."""
    problems = []
    content = message.get("content")
    if content is not None and len(content) > CONTENT:
        problems.append(f"content is {len(content)} > {CONTENT}")
    embeds = message.get("embeds") or []
    if len(embeds) > EMBEDS:
        problems.append(f"{len(embeds)} embeds > {EMBEDS}")
    for embed in embeds:
        problems.extend(embed_violations(embed))
    total = sum(embed_total(e) for e in embeds)
    if total > TOTAL:
        problems.append(f"embeds total {total} > {TOTAL}")
    if (content or embeds) and message.get("allowed_mentions") != {"parse": []}:
        problems.append(f"allowed_mentions is {message.get('allowed_mentions')!r}")
    for row in message.get("components") or []:
        if len(row.get("components") or []) > 5:
            problems.append("more than 5 components in a row")
    return problems
