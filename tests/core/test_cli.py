"""The `summarizer` CLI end to end on the embedded models: outputs, schema, errors, cache."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any, ClassVar

import pytest

from summarizer import api
from summarizer.backends import Backends
from summarizer.cli import main

PROSE = (
    "The city council voted on Tuesday to expand the bus network across the northern "
    "districts. The mayor said the plan would cost $4.5 million over two years.\n\n"
    "Critics argued that the money should go to road repairs instead. A final decision on "
    "the budget is expected in March, officials said."
)


def run(args: list[str], backends: Backends, tmp_path: Path, stdin: bytes = b"",
        env: dict[str, str] | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    environ = {"BRIEFING_CACHE_DIR": str(tmp_path / "cache"), **(env or {})}
    code = main(args, stdin=io.BytesIO(stdin), stdout=out, stderr=err, environ=environ,
                backends=backends)
    return code, out.getvalue(), err.getvalue()


def _check_bullets(items: list[dict[str, Any]], paragraphs: int) -> None:
    for bullet in items:
        assert isinstance(bullet["text"], str) and bullet["text"].strip()
        assert bullet["paragraphs"] and all(1 <= n <= paragraphs for n in bullet["paragraphs"])


def test_brief_json_follows_schema_1(backends: Backends, tmp_path: Path) -> None:
    code, out, _ = run(["brief", "--json", "--length", "4"], backends, tmp_path)
    assert code == 0
    data = json.loads(out)
    assert data["schema"] == 1
    article = data["article"]
    assert article == {"title": None, "date": "2024-05-21", "source": "sample:putin-china-2024",
                       "words": article["words"], "paragraphs": 14, "credits": []}
    assert 1000 < article["words"] < 1200
    assert set(data["models"]) == {"summary", "topics", "entities"}
    assert len(data["summary"]) == 4
    _check_bullets(data["summary"], 14)
    assert data["topics"]
    for topic in data["topics"]:
        assert set(topic) == {"label", "score", "paragraphs", "summary"}
        assert 0 < topic["score"] <= 1
        assert 1 <= len(topic["summary"]) <= 3
        _check_bullets(topic["summary"], 14)
    assert [t["score"] for t in data["topics"]] == sorted(
        (t["score"] for t in data["topics"]), reverse=True)
    for actor in data["actors"]:
        assert set(actor) == {"name", "type", "role", "aliases", "mentions", "paragraphs"}
        assert actor["type"] in {"person", "organization", "place", "group"}
        assert actor["mentions"] >= 1 and actor["paragraphs"]
    for quote in data["quotes"]:
        assert set(quote) == {"speaker", "cue", "text", "kind", "paragraph"}
        assert quote["kind"] in {"direct", "reported"}
        assert 1 <= quote["paragraph"] <= 14


@pytest.mark.parametrize(
    ("command", "present", "absent"),
    [
        ("summary", {"summary"}, {"topics", "actors", "quotes"}),
        ("topics", {"topics"}, {"summary", "actors", "quotes"}),
        ("actors", {"actors"}, {"summary", "topics", "quotes"}),
        ("quotes", {"quotes"}, {"summary", "topics", "actors"}),
    ],
)
def test_each_command_prints_only_its_section(backends: Backends, tmp_path: Path, command: str,
                                              present: set[str], absent: set[str]) -> None:
    code, out, _ = run([command, "--json"], backends, tmp_path)
    data = json.loads(out)
    assert code == 0
    assert present <= set(data) and not absent & set(data)


def test_text_and_markdown_outputs(backends: Backends, tmp_path: Path) -> None:
    code, text, err = run(["summary", "--length", "2"], backends, tmp_path)
    assert code == 0 and "SUMMARY" in text and re.search(r"\[¶\d+\]", text)
    assert "Analysing" in err  # progress goes to stderr, never into the output
    code, markdown, _ = run(["topics", "--markdown", "--labels", "war, economy, space"],
                            backends, tmp_path)
    assert code == 0 and markdown.startswith("# ") and "## Topics" in markdown
    labels = {line[4:].split(" (")[0] for line in markdown.splitlines() if line.startswith("### ")}
    assert labels and labels <= {"war", "economy", "space"}


def test_file_and_stdin_sources(backends: Backends, tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(PROSE)
    code, out, _ = run(["summary", "--json", str(path)], backends, tmp_path)
    assert code == 0 and json.loads(out)["article"]["source"] == str(path)
    code, out, _ = run(["summary", "--json", "-"], backends, tmp_path, stdin=PROSE.encode())
    assert code == 0 and json.loads(out)["article"]["source"] == "stdin"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "No such file"),
        (b"", "empty"),
        (b"  \n \n", "empty"),
        (b"\x00\x01\x02binary\x00", "binary"),
        (b"caf\xe9 broken bytes \xc3\x28 here and more words", "not valid UTF-8"),
        (PROSE.encode() * 2000, "limit"),
    ],
)
def test_bad_input_exits_1_with_a_clear_message(backends: Backends, tmp_path: Path,
                                                content: bytes | None, message: str) -> None:
    path = tmp_path / "input.txt"
    if content is not None:
        path.write_bytes(content)
    code, out, err = run(["brief", str(path)], backends, tmp_path)
    assert code == 1
    assert out == ""
    assert message in err and "Traceback" not in err


def test_failing_url_exits_1(backends: Backends, tmp_path: Path) -> None:
    code, _, err = run(["brief", "http://no-such-host.invalid/x"], backends, tmp_path)
    assert code == 1 and "could not be found" in err


@pytest.mark.parametrize(
    "args",
    [
        ["summary", "--length", "0"],
        ["summary", "--length", "many"],
        ["topics", "--labels", "only-one"],
        ["frobnicate"],
        ["summary", "--json", "--markdown"],
        [],
    ],
)
def test_usage_errors_exit_2(backends: Backends, tmp_path: Path, args: list[str]) -> None:
    code, out, _ = run(args, backends, tmp_path)
    assert code == 2 and out == ""


def test_classify_prints_one_json_line_per_input_line(backends: Backends, tmp_path: Path) -> None:
    lines = [
        "Manchester United beat Arsenal 2-1 in the Premier League on Sunday.",
        "",
        "Shares in the bank fell 5% after it reported lower quarterly profits.",
        "The new smartphone has a faster chip and a better camera.",
    ]
    code, out, _ = run(["classify", "--labels", "sport, business, tech", "-"], backends,
                       tmp_path, stdin="\n".join(lines).encode())
    assert code == 0
    results = [json.loads(line) for line in out.splitlines()]
    assert len(results) == 4
    assert [r["label"] for r in results] == ["sport", None, "business", "tech"]
    assert set(results[0]["scores"]) == {"sport", "business", "tech"}
    assert results[0]["scores"]["sport"] == max(results[0]["scores"].values())


def test_classify_rejects_binary_lines(backends: Backends, tmp_path: Path) -> None:
    code, _, err = run(["classify", "--labels", "a, b", "-"], backends, tmp_path,
                       stdin=b"fine line\nbad \xff\xfe line\n")
    assert code == 1 and "Line 2" in err


def test_second_identical_run_is_served_from_the_cache(
        backends: Backends, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = api.run_analyses

    def counting(*args: Any) -> Any:
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(api, "run_analyses", counting)
    path = tmp_path / "story.txt"
    path.write_text(PROSE)
    first = run(["summary", "--json", str(path)], backends, tmp_path)
    copy = tmp_path / "renamed.txt"
    copy.write_text(PROSE)
    second = run(["summary", "--json", str(copy)], backends, tmp_path)
    assert len(calls) == 1  # same text under another name: the cache keys on content
    assert json.loads(first[1])["summary"] == json.loads(second[1])["summary"]
    path.write_text(PROSE + " One more sentence changes everything here.")
    run(["summary", "--json", str(path)], backends, tmp_path)
    run(["summary", "--json", "--length", "1", str(copy)], backends, tmp_path)
    assert len(calls) == 3  # changed text, changed options: analysed afresh
    run(["summary", "--json", "--no-cache", str(copy)], backends, tmp_path)
    assert len(calls) == 4


class _RecordedProcess:
    """Stands in for `PeopleProcess`: records what the CLI asks of it."""

    events: ClassVar[list[str]] = []

    def __init__(self) -> None:
        self.events.append("start")

    def send(self, article: object) -> None:
        self.events.append("send")

    def result(self) -> object:
        raise AssertionError("not expected here")

    def close(self) -> None:
        self.events.append("close")

    def __enter__(self) -> _RecordedProcess:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


@pytest.mark.parametrize(("args", "expected"), [
    (["brief"], ["start", "close"]),  # started early, stopped unused: the cache answered
    (["summary"], []),  # no actors or quotes: nothing to parse
    (["actors"], []),  # nothing to embed alongside: parsed in this process
    (["brief", "--entity-model", "dslim/bert-base-NER"], []),  # entities from the hub
])
def test_when_a_one_shot_run_starts_its_parse_process(
        backends: Backends, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        args: list[str], expected: list[str]) -> None:
    from summarizer import people_process

    path = tmp_path / "story.txt"
    path.write_text(PROSE)
    monkeypatch.setattr(people_process, "PeopleProcess", _RecordedProcess)
    monkeypatch.setattr(people_process, "can_fork", lambda: True)
    monkeypatch.setattr(_RecordedProcess, "events", [])
    if args == ["brief"]:
        first = run([*args, "--json", str(path)], backends, tmp_path)
        assert _RecordedProcess.events == []  # loaded backends: the parse runs in a thread
        # A run that loads its own models, as `summarizer brief` does, answered from the
        # cache: it loads no model and stops its parse process unused.
        out, err = io.StringIO(), io.StringIO()
        code = main([*args, "--json", "-q", str(path)], stdout=out, stderr=err,
                    environ={"BRIEFING_CACHE_DIR": str(tmp_path / "cache")})
        assert code == 0, err.getvalue()
        assert json.loads(out.getvalue()) == json.loads(first[1])
    else:
        # Fails on purpose before any model loads (an empty file), after the decision.
        empty = tmp_path / "empty.txt"
        empty.write_text("")
        code = main([*args, "-q", str(empty)], stdout=io.StringIO(), stderr=io.StringIO(),
                    environ={"BRIEFING_CACHE_DIR": str(tmp_path / "cache")})
        assert code == 1
    assert _RecordedProcess.events == expected


@pytest.mark.parametrize(("flags", "expected"), [
    (frozenset({"avx2", "avx512_vnni"}), "int8"),
    (frozenset({"avx2", "avx_vnni"}), "int8"),
    (frozenset({"avx2", "fma"}), "auto"),
])
def test_classify_takes_int8_only_where_the_cpu_has_int8_dot_products(
        monkeypatch: pytest.MonkeyPatch, flags: frozenset[str], expected: str) -> None:
    from summarizer import cli
    from summarizer.backends import minilm
    from summarizer.settings import BriefingSettings

    monkeypatch.setattr(minilm, "_cpu_flags", lambda: flags)
    settings = BriefingSettings.from_environ({})
    classify = cli.build_parser().parse_args(["classify", "--labels", "a, b", "story.txt"])
    brief = cli.build_parser().parse_args(["brief", "story.txt"])
    assert cli._model_config(classify, settings).embedding_precision == expected
    assert cli._model_config(brief, settings).embedding_precision == "auto"
