"""What an analysis is asked for: sections, summary length, topic labels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from summarizer.errors import UsageError

SECTIONS = ("summary", "topics", "actors", "quotes")
ALL_SECTIONS = frozenset(SECTIONS)
MAX_LENGTH = 20
MAX_LABELS = 25


@dataclass(frozen=True)
class AnalysisOptions:
    """What to analyse. `labels` None means the default news taxonomy."""

    sections: frozenset[str] = field(default=ALL_SECTIONS)
    length: int = 5
    labels: tuple[str, ...] | None = None
    topic_bullets: int = 3

    def __post_init__(self) -> None:
        unknown = self.sections - ALL_SECTIONS
        if unknown:
            raise UsageError(f"Unknown section(s): {', '.join(sorted(unknown))}.")
        if not 1 <= self.length <= MAX_LENGTH:
            raise UsageError(f"Length must be between 1 and {MAX_LENGTH}.")
        if self.labels is not None:
            object.__setattr__(self, "labels", parse_labels(self.labels))

    def cache_key(self) -> str:
        labels = "|".join(self.labels) if self.labels is not None else "<taxonomy>"
        return f"sections={','.join(sorted(self.sections))};length={self.length};" \
               f"labels={labels};topic_bullets={self.topic_bullets}"


def parse_labels(labels: str | Sequence[str]) -> tuple[str, ...]:
    """Split "a, b, c" (or take a list), trim, drop duplicates; 2 to 25 labels.

    Raises:
        UsageError: fewer than 2 labels, more than 25, or a label over 100 characters.
    """
    items = labels.split(",") if isinstance(labels, str) else list(labels)
    seen: dict[str, str] = {}
    for item in items:
        label = " ".join(item.split())
        if label and label.lower() not in seen:
            seen[label.lower()] = label
    result = tuple(seen.values())
    if len(result) < 2:
        raise UsageError("Give at least two labels, separated by commas.")
    if len(result) > MAX_LABELS:
        raise UsageError(f"At most {MAX_LABELS} labels can be given.")
    if any(len(label) > 100 for label in result):
        raise UsageError("A label can be at most 100 characters.")
    return result
