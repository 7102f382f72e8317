"""The one-shot CLI forks its parse only where a fork is safe."""

from __future__ import annotations

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
