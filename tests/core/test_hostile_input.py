"""Hostile and broken input through every core input path of the CLI: a file, standard input
and a URL (served by a local HTTP server on 127.0.0.1, allowed with
BRIEFING_ALLOW_PRIVATE_URLS). Bad input exits 1 with a specific message and no traceback;
input that can be analysed (control characters, HTML with scripts, unbalanced quotes) is
analysed, with nothing of the junk leaking into the result."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from summarizer import api
from summarizer.backends import Backends
from summarizer.cli import CLASSIFY_MAX_LINE_BYTES, main
from tests.local_http import serving

SECRET = "sekrit-settings-value-4711"  # a setting that must never reach the user

PROSE = (
    "The city council voted on Tuesday to expand the bus network across the northern "
    "districts. The mayor said the plan would cost $4.5 million over two years.\n\n"
    "Critics argued that the money should go to road repairs instead. A final decision on "
    "the budget is expected in March, officials said."
)
HTML_WITH_SCRIPTS = (
    "<!doctype html><html><head><title>Bus network grows</title>"
    "<script>var token = 'SCRIPT_LEAK_1'; document.write('SCRIPT_LEAK_2');</script>"
    "<style>body { font-family: STYLE_LEAK; }</style></head><body>"
    "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article>"
    "<h1>Bus network grows</h1>"
    "<p>The city council voted on Tuesday to expand the bus network across the northern "
    "districts, after a year of complaints about crowded routes.</p>"
    "<script>window.location = 'https://evil.example/SCRIPT_LEAK_3';</script>"
    "<p>The mayor said the plan would cost $4.5 million over two years and would be paid "
    "for from the transport budget.</p>"
    "<p onclick=\"alert('HANDLER_LEAK')\">Critics argued that the money should go to road "
    "repairs instead. A final decision is expected in March.</p>"
    "</article><script src='/app.js'></script></body></html>"
)
FRENCH = (
    "Le conseil municipal a voté mardi l'extension du réseau de bus dans les quartiers nord. "
    "Selon le maire, le projet coûtera 4,5 millions d'euros sur deux ans et sera financé par "
    "le budget des transports, mais les opposants dénoncent une dépense inutile."
)


@dataclass(frozen=True)
class Case:
    """One input: its bytes, and either the message it must be refused with or what the
    analysis of it must (`present`) and must not (`absent`) contain."""

    data: bytes
    error: str | None = None
    content_type: str = "text/plain; charset=utf-8"
    present: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()


CASES: dict[str, Case] = {
    "empty": Case(b"", error="The article is empty."),
    "whitespace-only": Case(b" \t\n\r\n   \n\xc2\xa0\n", error="The article is empty."),
    "binary": Case(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 50,
                   error="binary data"),
    "utf16-without-bom": Case(PROSE.encode("utf-16-le"), error="binary data"),
    "invalid-utf8": Case(PROSE.encode()[:80] + b"\xff\xfe\xc3\x28" + PROSE.encode()[80:],
                         error="not valid UTF-8 text (undecodable byte at offset 80)"),
    "mostly-nul": Case(b"\x00".join(PROSE.encode().split(b" ")) + b"\x00" * 100,
                       error="binary data"),
    "only-control-characters": Case(bytes(range(1, 9)) * 20, error="binary data"),
    "five-megabytes": Case(b"The council met again today. " * 180_000, error="2,000,000"),
    "one-100000-character-word": Case(b"x" * 100_000,
                                      error="100,000-character run with no spaces"),
    "long-word-in-prose": Case((PROSE + " " + "y" * 5_000).encode(),
                               error="5,000-character run with no spaces"),
    "russian": Case(("Президент России Владимир Путин прибыл в Пекин с государственным "
                     "визитом, чтобы обсудить торговлю и энергетику.").encode(),
                    error="does not look like English"),
    "chinese": Case("俄罗斯总统普京抵达北京进行国事访问，与中国国家主席习近平举行会谈。".encode(),
                    error="does not look like English"),
    "french": Case(FRENCH.encode(), error="does not look like English"),
    "french-short": Case("Le maire a annoncé une hausse des impôts hier soir.".encode(),
                         error="does not look like English"),
    "only-quotation-marks": Case('""""“”“”„«»""'.encode() * 10,
                                 error="too short to analyse: 0 words"),
    "only-short-quotes": Case(b'"Yes." "No." "Maybe."',
                              error="too short to analyse: 3 words"),
    # Analysable: cleaned, then analysed with nothing of the junk in the result.
    "nul-and-control-characters": Case(
        PROSE.replace("council", "coun\x00cil").replace("mayor", "\x1b[31mmayor\x1b[0m")
        .replace("Critics", "\x07Critics\x08").encode(),
        present=("city council voted",), absent=("\\u0000", "\\u001b", "[31m", "[0m")),
    "html-with-scripts": Case(HTML_WITH_SCRIPTS.encode(), content_type="text/html",
                              present=("Bus network grows", "city council voted"),
                              absent=("LEAK", "var token", "font-family", "alert(", "Home")),
    "script-in-plain-text": Case(
        PROSE.replace("\n\nCritics", " <script>alert('SCRIPT_LEAK')</script>\n\nCritics")
        .encode(),
        present=("city council voted",), absent=("LEAK", "alert", "<script")),
    "unbalanced-quotation-marks": Case(
        ('The mayor said "the plan would cost $4.5 million over two years. '
         "The city council voted on Tuesday to expand the bus network.\n\n"
         "“Critics argued that the money should go to road repairs instead, officials said. "
         "A final decision on the budget is expected in March.").encode(),
        present=("bus network",)),
}


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        return

    def do_GET(self) -> None:  # the name is the http.server API
        case = CASES.get(self.path.lstrip("/"))
        if case is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", case.content_type)
        self.send_header("Content-Length", str(len(case.data)))
        self.end_headers()
        # The client may refuse a body over its limit and hang up, as it should.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(case.data)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving(_Handler) as url:
        yield url


def run(args: list[str], backends: Backends, tmp_path: Path,
        stdin: io.RawIOBase | io.BufferedIOBase | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    environ = {
        "BRIEFING_CACHE_DIR": str(tmp_path / "cache"),
        "BRIEFING_ALLOW_PRIVATE_URLS": "1",
        "DISCORD_TOKEN": SECRET,
        "HF_TOKEN": SECRET,
    }
    code = main(args, stdin=stdin or io.BytesIO(b""), stdout=out, stderr=err,  # type: ignore[arg-type]
                environ=environ, backends=backends)
    return code, out.getvalue(), err.getvalue()


def assert_clean_error(err: str, tmp_path: Path) -> None:
    """A user-facing message: no traceback, no internal path, no setting's value."""
    assert err.startswith("summarizer: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and "internal error" not in err
    assert str(tmp_path) not in err and "site-packages" not in err and "/summarizer/" not in err
    assert SECRET not in err


REFUSED = [name for name, case in CASES.items() if case.error is not None]
ANALYSED = [name for name, case in CASES.items() if case.error is None]
PATHS = ["file", "stdin", "url"]


def _brief(name: str, path: str, backends: Backends, tmp_path: Path,
           server: str) -> tuple[int, str, str]:
    """`summarizer brief --json` of one case, given as a file, on stdin or as a URL."""
    case = CASES[name]
    if path == "file":
        source = tmp_path / f"{name}.txt"
        source.write_bytes(case.data)
        argument = str(source)
    elif path == "stdin":
        argument = "-"
    else:
        argument = f"{server}/{name}"
    return run(["brief", "--json", "--quiet", argument], backends, tmp_path,
               io.BytesIO(case.data))


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("name", REFUSED)
def test_bad_input_is_refused_on_every_path(name: str, path: str, backends: Backends,
                                            tmp_path: Path, server: str) -> None:
    code, out, err = _brief(name, path, backends, tmp_path, server)
    assert (code, out) == (1, ""), err
    assert CASES[name].error in err, err
    assert_clean_error(err, tmp_path)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("name", ANALYSED)
def test_junk_is_cleaned_out_on_every_path(name: str, path: str, backends: Backends,
                                           tmp_path: Path, server: str) -> None:
    case = CASES[name]
    code, out, err = _brief(name, path, backends, tmp_path, server)
    assert code == 0, err
    assert err == ""
    assert SECRET not in out
    briefing = json.loads(out)
    text = json.dumps(briefing, ensure_ascii=False)
    assert [expected for expected in case.present if expected not in text] == []
    assert [leaked for leaked in case.absent if leaked in text] == [], "junk leaked"
    assert briefing["summary"]
    assert briefing["topics"]
    _check_quotes(briefing["quotes"])


def _check_quotes(quotes: list[dict[str, Any]]) -> None:
    # Every analysable case is the same council story: its two reported statements (and
    # the officials' one, where the text keeps it) are found, with no junk speaker.
    speakers = {quote["speaker"] for quote in quotes}
    assert {"The mayor", "Critics"} <= speakers <= {"The mayor", "Critics", "officials"}
    for quote in quotes:
        assert quote["text"] == quote["text"].strip() != ""
        # Unbalanced marks are skipped, never paired across a sentence or paragraph.
        assert '"' not in quote["text"][1:-1]
        assert "“" not in quote["text"]


def test_unbalanced_quotation_marks_are_not_guessed_at(backends: Backends,
                                                        tmp_path: Path) -> None:
    code, out, err = run(["quotes", "--json", "-"], backends, tmp_path,
                         io.BytesIO(CASES["unbalanced-quotation-marks"].data))
    assert code == 0, err
    quotes = json.loads(out)["quotes"]
    # No quotation mark here is ever closed, so there is no direct quote; the reported
    # speech is still found. (The open mark of the last paragraph used to be taken to carry
    # on past the end of the article, and so the first paragraph's open one with it.)
    assert quotes and all(q["kind"] == "reported" for q in quotes)
    assert not any("The city council voted" in q["text"] for q in quotes)
    assert {q["speaker"] for q in quotes} == {"The mayor", "Critics"}


def test_a_quote_run_over_paragraphs_still_needs_its_closing_mark(
        backends: Backends, tmp_path: Path) -> None:
    """News style: a quote left open at a paragraph end carries on when the next paragraph
    reopens it, and the last of them closes it."""
    closed = ("“We will rebuild the bridge before the winter comes,” the mayor said. “It will "
              "take a year\n\n“and it will cost far more than anyone planned,” she said.")
    code, out, err = run(["quotes", "--json", "-"], backends, tmp_path,
                         io.BytesIO(closed.encode()))
    assert code == 0, err
    texts = [q["text"] for q in json.loads(out)["quotes"]]
    assert any("It will take a year" in t for t in texts)
    never_closed = closed.replace("planned,”", "planned,")
    code, out, err = run(["quotes", "--json", "-"], backends, tmp_path,
                         io.BytesIO(never_closed.encode()))
    assert code == 0, err
    texts = [q["text"] for q in json.loads(out)["quotes"]]
    assert not any("It will take a year" in t for t in texts)
    assert any("We will rebuild the bridge" in t for t in texts)


class _Endless(io.RawIOBase):
    """A standard input that never ends (as `yes` piped in); counts what was read."""

    def __init__(self, line: bytes) -> None:
        self.line = line
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = len(buffer)
        data = (self.line * (size // len(self.line) + 1))[:size]
        buffer[:size] = data
        self.read_bytes += size
        return size


def test_endless_stdin_is_refused_after_the_byte_limit(backends: Backends,
                                                        tmp_path: Path) -> None:
    stdin = _Endless(b"All work and no play makes a dull article. ")
    code, out, err = run(["brief", "-"], backends, tmp_path, stdin)
    assert (code, out) == (1, "")
    assert "over 2,000,000 bytes, the limit" in err
    assert stdin.read_bytes <= 2_000_001 + 65536  # read up to the limit, not unbounded
    assert_clean_error(err, tmp_path)


@pytest.mark.parametrize("newline", [b"", b"\n"])
def test_classify_refuses_an_enormous_line_without_reading_it_whole(
        backends: Backends, tmp_path: Path, newline: bytes) -> None:
    line = b"word" * 1_250_000 + newline  # 5 MB on one line
    code, out, err = run(["classify", "--labels", "sport, business", "-"], backends, tmp_path,
                         io.BytesIO(line))
    assert (code, out) == (1, "")
    assert f"Line 1 is over {CLASSIFY_MAX_LINE_BYTES:,} bytes" in err
    assert_clean_error(err, tmp_path)
    stdin = _Endless(b"x")  # one line that never ends
    code, _, err = run(["classify", "--labels", "sport, business", "-"], backends, tmp_path,
                       stdin)
    assert code == 1 and "Line 1 is over" in err
    assert stdin.read_bytes < 10 * CLASSIFY_MAX_LINE_BYTES


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"fine line here\n\xff\xfe broken\n", "Line 2 is not valid UTF-8 text."),
        (b"fine line here\nnul \x00 inside\n", "Line 2 contains binary data."),
    ],
)
def test_classify_bad_lines(backends: Backends, tmp_path: Path, data: bytes,
                            message: str) -> None:
    path = tmp_path / "lines.txt"
    path.write_bytes(data)
    code, _, err = run(["classify", "--labels", "sport, business", str(path)], backends,
                       tmp_path)
    assert code == 1 and message in err
    assert_clean_error(err, tmp_path)


@pytest.mark.parametrize("command", [["brief"], ["classify", "--labels", "a, b"]])
@pytest.mark.parametrize(("name", "message"), [
    ("n" * 300 + ".txt", "File name too long"),
    ("missing.txt", "No such file: missing.txt"),
    ("", "is a folder, not a text file."),  # the test's own folder
])
def test_unopenable_files_are_input_errors(backends: Backends, tmp_path: Path,
                                           command: list[str], name: str,
                                           message: str) -> None:
    code, out, err = run([*command, str(tmp_path / name)], backends, tmp_path)
    assert (code, out) == (1, ""), err
    assert message in err
    assert_clean_error(err, tmp_path)


def test_an_internal_error_shows_no_traceback_path_or_setting(
        backends: Backends, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> object:
        raise RuntimeError(f"failed in /srv/app/summarizer/analysis.py with token {SECRET}")

    monkeypatch.setattr(api, "run_analyses", broken)
    code, out, err = run(["brief", "--no-cache", "-"], backends, tmp_path,
                         io.BytesIO(PROSE.encode()))
    assert (code, out) == (3, "")
    assert "internal error (RuntimeError)" in err
    assert "Traceback" not in err and "/srv/app" not in err and SECRET not in err
