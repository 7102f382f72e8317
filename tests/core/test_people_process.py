"""The one-shot CLI forks its parse only where a fork is safe."""

from __future__ import annotations

import subprocess
import sys
import threading
import types

import pytest

from summarizer import people_process


def test_no_fork_once_a_library_with_thread_pools_is_loaded(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(people_process.threading, "active_count", lambda: 1)
    for name in people_process._THREADED_LIBRARIES:
        monkeypatch.delitem(sys.modules, name, raising=False)
    assert people_process.can_fork() == sys.platform.startswith("linux")
    monkeypatch.setitem(sys.modules, "torch", types.ModuleType("torch"))
    assert not people_process.can_fork()


def test_no_fork_from_a_process_with_other_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in people_process._THREADED_LIBRARIES:
        monkeypatch.delitem(sys.modules, name, raising=False)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not people_process.can_fork()
    finally:
        stop.set()
        other.join()


# --- the parse split between the child and a fork of it ----------------------------------------

# Every token attribute the analyses read, and the strings behind them.
SIGNATURE = (
    "def signature(docs):\n"
    "    return [[(t.text, t.whitespace_, t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_,\n"
    "              t.is_sent_start, t.norm_, t.lemma_) for t in doc] for doc in docs]\n"
)


def _run_python(code: str, timeout: int = 180) -> str:
    """Run `code` in a fresh interpreter (no threads, no thread-pool library loaded: where
    the one-shot CLI's child runs) and return its standard output."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _split_parse(half: str = "") -> list[str]:
    """Parse the sample article with `pipe_in_two_processes` and in this thread; print how
    many forks the split made and whether the Docs are the same. `half` replaces the
    fork's work (to make it fail)."""
    return _run_python(
        "import os\n"
        "import summarizer.people_process as people_process\n"
        "from summarizer.article import sample_article\n"
        "from summarizer.backends.spacy_nlp import SpacyPipeline, pipe_here\n"
        + SIGNATURE +
        f"{half}\n"
        "forks = []\n"
        "real_fork = os.fork\n"
        "def counting_fork():\n"
        "    forks.append(1)\n"
        "    return real_fork()\n"
        "os.fork = counting_fork\n"
        "article = sample_article()\n"
        "split = SpacyPipeline(pipe=people_process.pipe_in_two_processes).parse(article)\n"
        "here = SpacyPipeline(pipe=pipe_here).parse(article)\n"
        "print(len(forks), signature(split) == signature(here), len(split),\n"
        "      sum(len(d.ents) for d in split) == sum(len(d.ents) for d in here))\n").split()


def test_a_split_parse_forks_once_and_equals_the_parse_in_one_process() -> None:
    assert _split_parse() == ["1", "True", "14", "True"]


def test_a_fork_that_fails_leaves_its_half_to_the_caller() -> None:
    crash = ("people_process._run_half = lambda nlp, docs, batch_size, writer: os._exit(3)")
    assert _split_parse(crash) == ["1", "True", "14", "True"]


def test_short_texts_and_threaded_processes_parse_in_one_process(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[int, int]] = []

    class Pipeline:
        def pipe(self, docs: list[FakeDoc], batch_size: int) -> list[FakeDoc]:
            calls.append((len(docs), batch_size))
            return docs

    def fork() -> int:
        raise AssertionError("no fork expected")

    monkeypatch.setattr(people_process.os, "fork", fork)
    short = [FakeDoc("A short paragraph."), FakeDoc("Another one.")]
    pipe = people_process.pipe_in_two_processes
    assert pipe(Pipeline(), short, 2) == short  # type: ignore[arg-type]
    long = [FakeDoc("x" * people_process.SPLIT_PARSE_CHARS), FakeDoc("y" * 10)]
    monkeypatch.setattr(people_process.threading, "active_count", lambda: 2)
    assert pipe(Pipeline(), long, 2) == long  # type: ignore[arg-type]
    assert calls == [(2, 2), (2, 2)]


class FakeDoc:
    """What `pipe_in_two_processes` reads of a Doc before it decides: its text."""

    def __init__(self, text: str) -> None:
        self.text = text
