from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

from summarizer.article import (
    Limits,
    article_from_bytes,
    article_from_string,
    article_from_text,
    load_article,
)
from summarizer.errors import InputError
from summarizer.text import split_sentences

PROSE = (
    "The city council voted on Tuesday to expand the bus network. The mayor said the plan "
    "would cost $4.5 million over two years.\n\nCritics argued that the money should go to "
    "road repairs instead. A final decision is expected in March."
)


def test_sample_article_header_is_stripped_and_paragraphs_numbered(sample) -> None:
    assert sample.date == "2024-05-21"
    assert sample.text.startswith("Russian President Vladimir Putin's visit")
    assert "date 2024" not in sample.text
    assert len(sample.paragraphs) == 14
    assert [p.number for p in sample.paragraphs] == list(range(1, 15))


def test_offsets_point_into_the_text(sample) -> None:
    for paragraph in sample.paragraphs:
        assert sample.text[paragraph.start:paragraph.end] == paragraph.text
        for sentence in paragraph.sentences:
            assert sample.text[sentence.start:sentence.end] == sentence.text
            assert sentence.paragraph == paragraph.number


@pytest.mark.parametrize(
    ("header", "date"),
    [
        (" date 2024-05-21 ", "2024-05-21"),
        ("Date: 21 May 2024\n", "2024-05-21"),
        ("Published: March 3, 2023\n", "2023-03-03"),
        ("", None),
    ],
)
def test_date_headers(header: str, date: str | None) -> None:
    article = article_from_text(header + PROSE)
    assert article.date == date
    assert article.text.startswith("The city council")


def test_headline_becomes_the_title() -> None:
    article = article_from_text("Council expands bus network\n\n" + PROSE)
    assert article.title == "Council expands bus network"
    assert article.paragraphs[0].text.startswith("The city council")


@pytest.mark.parametrize("headline", [
    "Saudi prince mocks Trump on Twitter.",
    "Trump: 'We are going to win so much.'",
    "Insiders: Trump will rebound in New Hampshire.",
])
def test_a_headline_ending_in_a_full_stop_is_the_title(headline: str) -> None:
    article = article_from_text(headline + "\n\n" + PROSE)
    assert article.title == headline
    assert article.paragraphs[0].text.startswith("The city council")


@pytest.mark.parametrize("first", [
    "The council voted on Monday. It was close.",  # two sentences: the story itself
    "The minister said yes.",  # speech reported in the past tense: a story's sentence
    "The city council voted on Monday night to extend the bus network to the three villages "
    "north of the river.",  # a lede's length
])
def test_a_first_paragraph_of_prose_is_not_a_title(first: str) -> None:
    assert article_from_text(first + "\n\n" + PROSE + " " + PROSE).title is None


def test_a_short_sentence_above_short_paragraphs_is_not_a_title() -> None:
    # Above paragraphs as short as itself, a short sentence is the story's first paragraph.
    text = "\n\n".join(["Putin and Xi met in Beijing on Thursday."] * 8)
    article = article_from_text(text)
    assert article.title is None and len(article.paragraphs) == 8


def test_a_sentence_above_only_credit_lines_is_the_story() -> None:
    article = article_from_text("Talks ended late on Friday.\n\n"
                                "Writing by Dean Yates; Additional reporting by Jane Roe, "
                                "John Doe, Peter Poe and Sam Smith in Kabul; Editing by Bob "
                                "Birch and Tom Thumb.")
    assert article.title is None
    assert article.text == "Talks ended late on Friday."


def test_a_first_sentence_is_not_taken_for_a_title() -> None:
    article = article_from_text(PROSE)
    assert article.title is None


def test_wrapped_lines_join_into_one_paragraph() -> None:
    article = article_from_text("One line of a paragraph\nthat wraps here. And more text follows "
                                "in it.\n\nSecond paragraph is here with words.")
    assert len(article.paragraphs) == 2
    assert article.paragraphs[0].text == ("One line of a paragraph that wraps here. And more "
                                          "text follows in it.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Smith met Dr. Jones in the U.S. capital. They talked.", 2),
        ("Prices rose 2.5% in May. Analysts were surprised!", 2),
        ('"We will win," he said. "No doubt."', 2),
        ("John F. Kennedy spoke. The crowd cheered.", 2),
        ("no capital after this. and so on", 1),
    ],
)
def test_sentence_splitting(text: str, expected: int) -> None:
    assert len(split_sentences(text)) == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\t  \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"caf\xe9 au lait and more words here", "not valid UTF-8"),
        (b"word " * 3, "too short"),
        (("x" * 100_000).encode(), "100,000-character run"),
        ("Der Bundestag hat am Dienstag ein neues Gesetz beschlossen, das die Rente für alle "
         "Bürger erhöhen soll und von der Opposition heftig kritisiert wurde, weil es zu "
         "teuer sei und die jungen Menschen belaste.".encode(), "not look like English"),
        ("俄罗斯总统普京对中国进行国事访问，两国领导人签署联合声明。".encode(),
         "not look like English"),
    ],
)
def test_bad_input_is_refused_with_a_specific_message(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        article_from_bytes(data, source="test")


def test_too_long_text_names_the_limit() -> None:
    with pytest.raises(InputError, match="limit is 1,000"):
        article_from_text(PROSE * 10, limits=Limits(max_chars=1000))


def test_too_many_bytes_names_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text(PROSE * 100)
    with pytest.raises(InputError, match="limit is 5,000 bytes"):
        load_article(str(path), limits=Limits(max_bytes=5000))


@pytest.mark.parametrize(("name", "message"), [
    ("nope.txt", "No such file: nope.txt"),
    ("", "is a folder, not a text file."),  # the test's own folder
])
def test_missing_file_and_folder(tmp_path: Path, name: str, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        load_article(str(tmp_path / name))


def test_control_characters_are_dropped() -> None:
    article = article_from_text(PROSE.replace("council", "coun\x00cil\x1b"))
    assert "\x00" not in article.text and "\x1b" not in article.text
    assert "council" in article.text


def test_stdin_and_utf16_sources() -> None:
    article = load_article("-", stdin=io.BytesIO(PROSE.encode("utf-8")))
    assert article.source == "stdin"
    utf16 = article_from_bytes(PROSE.encode("utf-16"), source="f")
    assert utf16.text == article.text


def test_html_is_reduced_to_its_article_text() -> None:
    html = (
        "<!doctype html><html><head><title>Bus plan</title><script>var x = 'evil';</script>"
        "</head><body><nav>Home | News | Sport</nav><article><h1>Council expands bus network"
        "</h1>" + "".join(f"<p>{p}</p>" for p in PROSE.split("\n\n")) +
        "</article><footer>Copyright</footer></body></html>"
    )
    article = article_from_bytes(html.encode(), source="page.html")
    assert "var x" not in article.text
    assert "city council voted" in article.text
    assert "<p>" not in article.text


# --- input shapes (issue 9, item 7) ----------------------------------------------------

HARBOUR_PARAGRAPHS = [
    "The old harbour reopened on Monday after a two-year renovation that cost the city more "
    "than it had planned.",
    '"It was worth every penny," the mayor said.',
    "Fishing boats return next month.",
    "The harbour master said ferries would follow in the summer, once the new quay is tested.",
]
SAVED_PAGE = (
    "<!DOCTYPE html>\n<!-- saved from url=(0040)https://news.example.com/harbour -->\n"
    "<html><head><title>Harbour reopens after renovation</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav>"
    "<article><h1>Harbour reopens after renovation</h1>"
    "<div class='share'><a href='#'>Tweet</a> - <a href='#'>Link this</a> - "
    "<a href='#'>Share this</a></div>"
    + "".join(f"<p>{p}</p>" for p in HARBOUR_PARAGRAPHS)
    + "</article><footer>Copyright 2024 Example News</footer></body></html>"
)


@pytest.mark.parametrize("suffix", [".html", ".htm"])
def test_a_saved_html_page_keeps_its_paragraphs(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"harbour{suffix}"
    path.write_text(SAVED_PAGE, encoding="utf-8")
    article = load_article(str(path))
    assert article.title == "Harbour reopens after renovation"
    assert [p.text for p in article.paragraphs] == HARBOUR_PARAGRAPHS
    assert "Share this" not in article.text


def test_a_saved_page_with_a_leading_comment_is_html() -> None:
    article = article_from_bytes(SAVED_PAGE.encode(), source="stdin")
    assert len(article.paragraphs) == len(HARBOUR_PARAGRAPHS)


@pytest.mark.parametrize("separator", ["\n", "\n\n"])
def test_title_and_paragraphs_the_same_with_single_or_blank_lines(separator: str) -> None:
    text = separator.join(["Harbour reopens after renovation", *HARBOUR_PARAGRAPHS])
    article = article_from_text(text)
    assert article.title == "Harbour reopens after renovation"
    assert [p.text for p in article.paragraphs] == HARBOUR_PARAGRAPHS
    assert article.paragraphs[0].number == 1


def test_single_newline_paragraphs_without_a_title() -> None:
    article = article_from_text("\n".join(HARBOUR_PARAGRAPHS))
    assert article.title is None
    assert len(article.paragraphs) == len(HARBOUR_PARAGRAPHS)


def test_hard_wrapped_lines_stay_one_paragraph() -> None:
    wrapped = ("The old harbour reopened on Monday after a\ntwo-year renovation that cost the "
               "city\nmore than it had planned, and the mayor\nsaid it was worth it.")
    article = article_from_text(wrapped)
    assert len(article.paragraphs) == 1


# One rule for every way in (a file's bytes, standard input, text pasted into the bot): a
# page is read as a page, and text with a few tag-like tokens is read as the text it is.
TAGGY_TEXT = (
    "The council met on <t:1700000000:F> and again on <t:1700086400:F>, the mayor said. "
    "Members voted <b>yes</b> on the bus plan, and the <i>vote</i> was close.\n\n"
    "Critics said the money should go to road repairs instead of new routes this year. "
    "A final decision on the budget is expected in March, officials said on Tuesday."
)
PAGE = ("<!doctype html><html><head><title>Bus plan</title></head><body><article>"
        "<p>The city council voted on Tuesday to expand the bus network across the north.</p>"
        "<p>The mayor said the plan would cost $4.5 million over two years, paid by the city."
        "</p></article></body></html>")


@pytest.mark.parametrize("load", [
    lambda text: article_from_bytes(text.encode(), source="story.txt"),
    lambda text: article_from_string(text, source="pasted"),
])
def test_text_with_tag_like_tokens_is_read_as_text(load: Any) -> None:
    article = load(TAGGY_TEXT)
    assert len(article.paragraphs) == 2
    assert "voted" in article.text and "road repairs" in article.text


@pytest.mark.parametrize("load", [
    lambda text: article_from_bytes(text.encode(), source="page.html"),
    lambda text: article_from_string(text, source="pasted"),
])
def test_a_page_is_read_as_a_page_whichever_way_it_comes(load: Any) -> None:
    article = load(PAGE)
    assert article.title == "Bus plan"
    assert "<p>" not in article.text and "bus network" in article.text


@pytest.mark.parametrize(("page", "reason"), [
    ("<!doctype html><html><head><title>T</title></head><body><script>x()</script></body>"
     "</html>", "No article text was found in the HTML page."),
    ("<!doctype html><html><body><nav>Home</nav></body></html>",
     "The text is too short to analyse: 1 word, at least 5 needed."),
])
def test_a_page_with_no_article_is_refused_with_a_reason(page: str, reason: str) -> None:
    with pytest.raises(InputError, match=re.escape(reason)):
        article_from_string(page, source="pasted")
