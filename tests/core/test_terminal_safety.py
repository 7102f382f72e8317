"""Nothing from outside reaches a terminal raw: escape sequences in headers, file names and
cache entries are shown as visible text, and long echoed values are cut."""

from __future__ import annotations

import io
import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from summarizer.backends import Backends
from summarizer.cli import MAX_MESSAGE, main
from summarizer.errors import printable
from tests.local_http import serving

ESC = "\x1b"
# Switches to the alternate screen, clears it and resets the terminal.
HOSTILE = f"{ESC}[?1049h{ESC}[2J{ESC}c\x9b31m"
PROSE = ("The city council voted on Tuesday to expand the bus network across the northern "
         "districts. The mayor said the plan would cost $4.5 million over two years.")


def run(args: list[str], backends: Backends, tmp_path: Path,
        env: dict[str, str] | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    environ = {"BRIEFING_CACHE_DIR": str(tmp_path / "cache"), **(env or {})}
    code = main(args, stdin=io.BytesIO(b""), stdout=out, stderr=err, environ=environ,
                backends=backends)
    return code, out.getvalue(), err.getvalue()


def _raw_controls(text: str) -> list[str]:
    return [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f]


@pytest.mark.parametrize(("text", "limit", "shown"), [
    ("plain text", None, "plain text"),
    (f"a{ESC}[2Jb", None, "a\\x1b[2Jb"),
    ("line\nnext\ttab", None, "line\nnext\ttab"),
    ("\x9bcsi \x7f", None, "\\x9bcsi \\x7f"),
    ("x" * 50, 10, "x" * 9 + "…"),
])
def test_printable(text: str, limit: int | None, shown: str) -> None:
    assert printable(text, limit) == shown


def test_a_hostile_content_type_is_not_echoed_raw(backends: Backends, tmp_path: Path) -> None:
    class Hostile(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/x-" + HOSTILE + "y" * 500)
            self.end_headers()
            self.wfile.write(b"binary")

        def log_message(self, *args: object) -> None:
            pass

    with serving(Hostile) as url:
        code, _, err = run(["brief", f"{url}/story"], backends, tmp_path,
                           env={"BRIEFING_ALLOW_PRIVATE_URLS": "1"})
    assert code == 1 and "not an HTML or text page" in err
    assert _raw_controls(err) == [] and "\\x1b" in err
    assert len(err) < MAX_MESSAGE + 40


def test_a_hostile_file_name_is_not_echoed_raw(backends: Backends, tmp_path: Path) -> None:
    code, _, err = run(["brief", str(tmp_path / f"story{HOSTILE}.txt")], backends, tmp_path)
    assert code == 1 and "No such file" in err
    assert _raw_controls(err) == []


@pytest.mark.parametrize("output", [[], ["--markdown"], ["--json"]])
def test_a_tampered_cache_entry_is_not_printed_raw(backends: Backends, tmp_path: Path,
                                                   output: list[str]) -> None:
    story = tmp_path / "story.txt"
    story.write_text(PROSE, encoding="utf-8")
    assert run(["summary", str(story)], backends, tmp_path)[0] == 0
    (entry,) = (tmp_path / "cache").rglob("*.json")
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["briefing"]["summary"][0]["text"] = HOSTILE + " planted"
    entry.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = run(["summary", str(story), *output], backends, tmp_path)
    assert code == 0 and "planted" in out
    assert _raw_controls(out) == []
