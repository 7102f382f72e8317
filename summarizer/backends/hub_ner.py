"""Named entities from a Hugging Face token-classification model (e.g. dslim/bert-base-NER).

preprocess: each paragraph whole, or where it exceeds the model's input limit the longest runs
of whole sentences that fit (`chunking.token_windows`), each remembering where it starts in
`Article.text`.
forward: the `token-classification` pipeline with word-level ("first") aggregation (word
pieces joined into words, B-/I- words into entity spans), all pieces in batches.
postprocess: CoNLL classes -> actor types; offsets shifted into `Article.text` and trimmed.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from summarizer.backends.base import Progress
from summarizer.backends.chunking import token_counter, token_windows
from summarizer.backends.hub_common import load_pretrained
from summarizer.errors import ModelError
from summarizer.types import ActorType, Article, Entity

if TYPE_CHECKING:
    from transformers import Pipeline

# CoNLL-2003 classes (and the OntoNotes names some models use) -> actor types.
ENTITY_TYPES: dict[str, ActorType] = {
    "PER": "person",
    "PERSON": "person",
    "ORG": "organization",
    "LOC": "place",
    "GPE": "place",
    "FAC": "place",
}
# MISC mixes nationalities ("German"), events, works and products; only the first are actors.
_GROUP_CLASSES = frozenset({"MISC", "NORP"})
_NATIONALITY = re.compile(r"^[A-Z][a-z]+(?:an|ans|ese|ish|i)$")
_NATIONALITY_WORDS = frozenset({"Greek", "Greeks", "Swiss", "Thai", "Thais", "Czech", "Czechs",
                                "Welsh", "Scots", "Dutch", "French", "Kurds", "Arabs", "Arab",
                                # Plurals of -i words, listed: "-is" alone would take "Paris".
                                "Israelis", "Iraqis", "Pakistanis", "Saudis", "Somalis",
                                "Yemenis", "Kuwaitis", "Afghanis", "Bangladeshis", "Omanis"})


def is_nationality(text: str) -> bool:
    """A nationality- or people-like word ("Germans", "Japanese", "Israeli", "Kurdish")."""
    words = text.split()
    return bool(words) and all(
        _NATIONALITY.match(word) or word in _NATIONALITY_WORDS for word in words
    )


def entity_type(label: str, text: str) -> ActorType | None:
    """Our actor type for a model class (B-/I- prefixes ignored), or None to drop it."""
    label = label.upper().removeprefix("B-").removeprefix("I-")
    if label in ENTITY_TYPES:
        return ENTITY_TYPES[label]
    if label in _GROUP_CLASSES and is_nationality(text):
        return "group"
    return None


@dataclass(frozen=True)
class Piece:
    """A stretch of one paragraph short enough for the model; `start` is in Article.text."""

    text: str
    start: int
    paragraph: int


class TransformerEntityRecognizer:
    """An `EntityRecognizer` over a hub token-classification model (an id or a folder).

    Args:
        model_id: e.g. `dslim/bert-base-NER`, or a folder.
        device: "auto" (CUDA when present, in fp16), "cpu" or "cuda".
        progress: called with one-line messages while loading.
        batch_size: pieces per forward pass.

    Raises:
        ModelError: the model cannot be found or loaded.
    """

    def __init__(self, model_id: str, *, device: str = "auto", progress: Progress | None = None,
                 batch_size: int = 8) -> None:
        from transformers import AutoModelForTokenClassification, pipeline

        loaded = load_pretrained(model_id, "entities", AutoModelForTokenClassification, device,
                                 progress)
        self.name = loaded.source.name
        self.batch_size = max(1, batch_size)
        self.tokenizer = loaded.tokenizer
        self.limit = loaded.limit
        self._count = token_counter(self.tokenizer)
        tokenizer: Any = self.tokenizer
        self.pipeline: Pipeline = pipeline(
            "token-classification", model=loaded.model, tokenizer=tokenizer,
            # "first": a word takes its first piece's class, so a name is never cut mid-word
            # ("Mer" + "##kel") when the model hesitates on a later piece; "simple" can.
            aggregation_strategy="first", device=loaded.model.device,
        )
        self._lock = threading.Lock()

    def recognize(self, article: Article) -> list[Entity]:
        """Every person, organisation, place and group mention, in text order."""
        sizes = self._count([p.text for p in article.paragraphs])
        pieces = [piece for p, size in zip(article.paragraphs, sizes, strict=True)
                  for piece in self.pieces(article, p.number, tokens=size)]
        if not pieces:
            return []
        found = self._forward([piece.text for piece in pieces])
        entities = [
            entity
            for piece, spans in zip(pieces, found, strict=True)
            for entity in _entities(article.text, piece, spans)
        ]
        return sorted(entities, key=lambda e: (e.start, e.end))

    # ------------------------------------------------------------ preprocess

    def pieces(self, article: Article, number: int, tokens: int | None = None) -> list[Piece]:
        """Paragraph `number` as one piece, or as the longest runs of whole sentences that fit
        (`tokens`: the paragraph's count, when known)."""
        paragraph = article.paragraph(number)
        budget = self.limit - self.tokenizer.num_special_tokens_to_add()
        windows = token_windows(article.text, self._count, budget, start=paragraph.start,
                                end=paragraph.end, tokens=tokens, join_sentences=True)
        return [Piece(article.text[w.start : w.end], w.start, number) for w in windows]

    # ------------------------------------------------------------ forward

    def _forward(self, texts: Sequence[str]) -> list[list[dict[str, Any]]]:
        try:
            with self._lock:
                output = self.pipeline(list(texts), batch_size=self.batch_size)
        except (RuntimeError, ValueError) as error:
            raise ModelError(f"The entity model {self.name} failed: {error}") from error
        # One text gives a flat list; several give one list per text.
        if texts and output and isinstance(output[0], dict):
            return [list(output)]
        return [list(spans) for spans in output]


# ---------------------------------------------------------------- postprocess


def _entities(text: str, piece: Piece, spans: Sequence[Mapping[str, Any]]) -> list[Entity]:
    entities = []
    for span in spans:
        if span.get("start") is None or span.get("end") is None:
            continue
        start, end = _trim(text, piece.start + int(span["start"]), piece.start + int(span["end"]))
        if end <= start:
            continue
        kind = entity_type(str(span.get("entity_group", span.get("entity", ""))),
                           text[start:end])
        if kind is not None:
            entities.append(Entity(text=text[start:end], type=kind, start=start, end=end,
                                   paragraph=piece.paragraph))
    return entities


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop surrounding spaces and punctuation the aggregation kept (" Merkel," -> "Merkel")."""
    while start < end and not (text[start].isalnum()):
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in ".)"):
        end -= 1
    # A trailing full stop belongs to the name only when it abbreviates ("Corp.", "U.S.").
    if end > start and text[end - 1] == "." and "." not in text[start : end - 1]:
        end -= 1
    return start, end
