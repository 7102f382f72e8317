"""Properties that hold for any text: the loader refuses only with InputError, every offset
points into the text and slices back to what it claims, and the quote extractor (on the real
spaCy pipeline) never crashes and only reports what the article says."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from summarizer.article import article_from_bytes, article_from_text
from summarizer.errors import InputError
from summarizer.text import build_paragraphs, split_paragraphs, split_sentences
from summarizer.types import Article

# Pieces of news prose, with the punctuation, quotation marks and layout the splitter and
# the quote extractor key on, so that generated texts reach their interesting branches.
_WORDS = [
    "The", "the", "mayor", "said", "says", "told", "reporters", "that", "he", "she", "they",
    "it", "John", "Smith", "Maria", "Lopez", "Putin", "Xi", "Jinping", "Global", "Times",
    "Mr.", "Dr.", "U.S.", "president", "minister", "added", "warned", "declared", "argued",
    "accused", "of", "expressed", "hope", "According", "to", "according", "points", "out",
    "we", "will", "win", "rebuild", "bridge", "next", "year", "and", "but", "who", "as",
    "noted", "council", "voted", "on", "Tuesday", "4.5", "million", "$", "%", "2024",
    "WALLACE", "Pat", "Caddell", "Democrats", "are", "worried", "in", "a", "an", "is",
]
_MARKS = ['"', "“", "”", "«", "»", "„", "'", "‘", "’", ",", ".", "!", "?", "…", ":", ";",
          "(", ")", "[", "]", "—", "-", "..."]
_LAYOUT = [" ", " ", " ", " ", "", "\n", "\n\n", "\n \n", "\t", "  "]

prose = st.lists(
    st.tuples(st.sampled_from(_WORDS + _MARKS + _WORDS), st.sampled_from(_LAYOUT)),
    min_size=0, max_size=120,
).map(lambda pieces: "".join(word + gap for word, gap in pieces))
# News-like paragraphs built from the quote forms the extractor knows (and broken ones), to
# reach its branches far more often than a soup of words does.
_SPEAKERS = ["John Smith", "Maria Lopez", "he", "she", "they", "the president", "Putin",
             "officials", "the Global Times", "a Chinese expert", "Mr. Smith"]
_CUES = ["said", "says", "told reporters", "added", "warned", "declared", "argued", "noted",
         "insisted", "points out", "wrote", "expressed hope"]
_QUOTES = [('"', '"'), ("“", "”"), ("«", "»"), ("„", "“"), ('"', ""), ("“", ""), ("", "”")]
clause = st.lists(st.sampled_from(_WORDS), min_size=2, max_size=12).map(" ".join)
speaker = st.sampled_from(_SPEAKERS)
cue = st.sampled_from(_CUES)
quote_marks = st.sampled_from(_QUOTES)
sentence = st.one_of(
    clause.map(lambda c: c + "."),
    st.builds(lambda q, c, s, v: f"{q[0]}{c},{q[1]} {s} {v}.", quote_marks, clause, speaker, cue),
    st.builds(lambda q, c, s, v: f"{q[0]}{c},{q[1]} {v} {s}.", quote_marks, clause, speaker, cue),
    st.builds(lambda s, v, c: f"{s} {v} that {c}.", speaker, cue, clause),
    st.builds(lambda s, c: f"According to {s}, {c}.", speaker, clause),
    st.builds(lambda s, v, q, c: f"{s} {v}: {q[0]}{c}.{q[1]}", speaker, cue, quote_marks, clause),
    st.builds(lambda q, a, s, v, b: f"{q[0]}{a},{q[1]} {s} {v}, {q[0]}{b}.{q[1]}",
              quote_marks, clause, speaker, cue, clause),
    st.builds(lambda q, c: f"{q[0]}{c}", quote_marks, clause),  # a quote left open
)
news = st.lists(st.lists(sentence, min_size=1, max_size=4).map(" ".join),
                min_size=1, max_size=5).map("\n\n".join)
# Arbitrary text, prose, and prose with arbitrary characters (controls, other scripts,
# surrogate-free unicode) spliced in.
any_text = st.one_of(
    st.text(max_size=400),
    prose,
    news,
    st.tuples(prose, st.text(max_size=30), prose).map("".join),
)


def assert_offsets_hold(article: Article) -> None:
    text = article.text
    assert [p.number for p in article.paragraphs] == list(range(1, len(article.paragraphs) + 1))
    previous_end = 0
    for paragraph in article.paragraphs:
        assert previous_end <= paragraph.start < paragraph.end <= len(text)
        assert text[paragraph.start:paragraph.end] == paragraph.text
        assert paragraph.text == paragraph.text.strip()
        previous_end = paragraph.end
        sentence_end = paragraph.start
        for sentence in paragraph.sentences:
            assert sentence.paragraph == paragraph.number
            assert sentence_end <= sentence.start < sentence.end <= paragraph.end
            assert text[sentence.start:sentence.end] == sentence.text
            assert sentence.text == sentence.text.strip()
            sentence_end = sentence.end
        assert paragraph.sentences  # a paragraph has text, so at least one sentence


# --- the article loader ----------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(any_text)
@example("")
@example("\x00" * 10)
@example('"' * 50)
@example("word " * 4 + "\x1b[0m")
@example("<script>" * 50 + "The mayor said the bridge will be rebuilt next year.")
@example("Title\n\n" + "The mayor said the bridge will be rebuilt. " * 3)
def test_article_from_text_refuses_only_with_input_error(text: str) -> None:
    try:
        article = article_from_text(text, source="property")
    except InputError as error:
        assert str(error).strip()
        return
    assert article.text and article.paragraphs
    if article.title is not None:  # a text need not have one; one it has is a clean line
        assert article.title == article.title.strip() != ""
        assert "\n" not in article.title
    assert_offsets_hold(article)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=400), any_text.map(lambda t: t.encode("utf-8")),
                 any_text.map(lambda t: t.encode("utf-16"))),
       st.sampled_from([None, "text/plain", "text/html"]))
@example(b"\xff\xfe\x00", None)  # a UTF-16 byte-order mark and half a character
@example(b"\xef\xbb\xbf", None)  # a UTF-8 byte-order mark alone
def test_article_from_bytes_refuses_only_with_input_error(data: bytes,
                                                          content_type: str | None) -> None:
    try:
        article = article_from_bytes(data, source="property", content_type=content_type)
    except InputError as error:
        assert str(error).strip()
        return
    assert_offsets_hold(article)


# --- the splitter, on any text (not only cleaned text) -----------------------------------


def assert_spans(text: str, spans: Sequence[tuple[int, int]], lower: int, upper: int) -> None:
    previous = lower
    for start, end in spans:
        assert previous <= start < end <= upper
        piece = text[start:end]
        assert piece == piece.strip() and piece
        previous = end


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_split_paragraphs_spans_slice_back(text: str) -> None:
    spans = split_paragraphs(text)
    assert_spans(text, spans, 0, len(text))
    covered = "".join(text[a:b] for a, b in spans)
    assert "".join(covered.split()) == "".join(text.split())  # no word is lost


@settings(max_examples=300, deadline=None)
@given(any_text, st.data())
def test_split_sentences_stays_inside_its_range(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)), label="start")
    end = data.draw(st.one_of(st.none(), st.integers(start, len(text))), label="end")
    spans = split_sentences(text, start, end)
    stop = len(text) if end is None else end
    assert_spans(text, spans, start, stop)
    covered = "".join(text[a:b] for a, b in spans)
    assert "".join(covered.split()) == "".join(text[start:stop].split())


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_build_paragraphs_offsets_slice_back(text: str) -> None:
    paragraphs = build_paragraphs(text)
    assert [p.number for p in paragraphs] == list(range(1, len(paragraphs) + 1))
    for paragraph in paragraphs:
        assert text[paragraph.start:paragraph.end] == paragraph.text
        assert_spans(text, [(s.start, s.end) for s in paragraph.sentences],
                     paragraph.start, paragraph.end)
        for sentence in paragraph.sentences:
            assert text[sentence.start:sentence.end] == sentence.text
            assert sentence.paragraph == paragraph.number


# --- the quote extractor, on the real spaCy pipeline ------------------------------------


@pytest.fixture(scope="module")
def pipeline():  # type: ignore[no-untyped-def]
    from summarizer.backends.spacy_nlp import SpacyPipeline

    return SpacyPipeline()


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.one_of(news, news, prose))
@example('"We will rebuild the bridge next year," John Smith said.')
@example('“We will win,” he said, “and we will win again next year.”')
@example("John Smith said that the factory would close in May. “It will\n\n“not reopen,” "
         "he added.")
@example('WALLACE: Democrats are worried about the polls. "Phony polls," Pat Caddell said.')
@example('The mayor said "the plan would cost more. Critics argued that it was "wasteful')
def test_quotes_only_report_what_the_article_says(pipeline, text: str) -> None:  # type: ignore[no-untyped-def]
    from summarizer.backends.spacy_nlp import SpacyEntityRecognizer
    from summarizer.people import analyse_people

    try:
        article = article_from_text(text, source="property")
    except InputError:
        assume(False)
        return
    entities = SpacyEntityRecognizer(pipeline).recognize(article)
    people = analyse_people(article, pipeline.parse(article), entities)
    body = article.text
    paragraphs = len(article.paragraphs)
    for quote in people.quotes:
        assert 0 <= quote.start < quote.end <= len(body)
        assert 1 <= quote.paragraph <= paragraphs
        assert quote.text and quote.text == " ".join(quote.text.split())
        assert quote.cue.strip()
        assert quote.kind in ("direct", "reported")
        if quote.speaker is not None:  # unattributed quotes are kept, without a speaker
            assert quote.speaker == quote.speaker.strip() != ""
        # `text` joins the quoted parts with a space (a quote split around its cue leaves
        # the cue out), so it is not always one slice of the article: each of its words is,
        # in order, within what `start`/`end` cover.
        covered = " ".join(body[quote.start:quote.end].split())
        position = 0
        for word in quote.text.split():
            found = covered.find(word, position)
            assert found >= 0, (word, quote, covered)
            position = found + len(word)
    assert [(q.start, q.end) for q in people.quotes] == sorted(
        (q.start, q.end) for q in people.quotes)
    for actor in people.actors:
        assert actor.name.strip() and actor.mentions >= 1
        assert actor.paragraphs and all(1 <= n <= paragraphs for n in actor.paragraphs)

