"""Actors and quotes found in a forked child process, for one-shot runs.

A one-shot `summarizer brief` spends most of its time starting: importing and loading spaCy
on one side, ONNX Runtime and the sentence encoder on the other, then parsing and embedding
(`benchmarks/bench_core.py` profiles each stage). Two threads cannot do the two sides at
once: importing and loading are Python code, which holds the interpreter lock, and the spaCy
side alone is about as long as the rest. A forked child can. It imports spaCy, parses the
article, and finds the actors and quotes, while the parent loads the encoder, writes the
summary and finds the topics; it sends back only its result (frozen dataclasses, pickled).
The child is forked as soon as the command line is read, before the article is even
loaded: it imports and loads spaCy while the parent loads the article, checks the cache and
imports its own libraries, then receives the article. If the parent needs no parse after
all (a cached briefing, an input error), it stops the child. numpy alone is imported
before the fork, with a single-threaded BLAS (`_import_numpy_once`): both sides need it.

Once spaCy is loaded, the child splits the parse itself across the two cores: by then the
parent has mostly finished its encoding, and a fork of the loaded child (copy-on-write, a
few milliseconds) parses the second half of the paragraphs while the child parses the
first, then sends its Docs back as bytes (`pipe_in_two_processes`). On two idle cores this
halves the parse (~0.1 s of the bundled article's ~0.2 s); on a machine whose other core
is taken it costs the fork and the copy, ~0.03 s of CPU. The fork is short-lived: if the
child is stopped meanwhile, the fork ends with its half (its write finds no reader).

Long-lived processes (the bot, a program that reuses an `Analyzer`) keep their models
loaded and overlap the parse in a thread instead (`summarizer.analysis`): a child would load
spaCy again for every article.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, NoReturn

from summarizer.errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from summarizer.types import Actor, Article, Quote

# What the child sends back: the actors and the quotes. Not `summarizer.people.People`:
# unpickling that would import its module, and with it spaCy, into the parent.
Found = tuple[tuple["Actor", ...], tuple["Quote", ...]]


# Libraries that start native thread pools (OpenMP, their own workers) on import or first
# use: a child forked after them may inherit a lock one of those threads held, and hang.
_THREADED_LIBRARIES = ("torch", "onnxruntime", "ctranslate2", "tokenizers", "spacy")
# spaCy itself starts no threads (its matrix products are single-threaded BLIS; numpy's
# OpenBLAS pool is shut down around a fork by OpenBLAS's own fork handler), so a process
# that has loaded it may fork its parse: the libraries above, less spaCy, rule it out.
_THREADED_BESIDES_SPACY = tuple(name for name in _THREADED_LIBRARIES if name != "spacy")
# Below this many characters an article's parse (~0.25 ms of CPU per word) is too short for
# a second process to pay for its fork and the Docs it sends back.
SPLIT_PARSE_CHARS = 2_000


def can_fork() -> bool:
    """Whether `PeopleProcess` may fork now: on Linux (macOS forks, but its system libraries
    are not safe to use in a forked child), from a process with one thread and no library
    that runs thread pools loaded yet. A one-shot CLI run forks first thing; a program that
    calls the CLI again after loading models (tests, a notebook) parses in a thread."""
    return (hasattr(os, "fork") and sys.platform.startswith("linux")
            and threading.active_count() == 1
            and not any(name in sys.modules for name in _THREADED_LIBRARIES))


def load_finder() -> Callable[[Article], Found]:
    """Load the embedded spaCy pipeline and the actor and quote analyses; return the
    function that finds an article's actors and quotes with them (parsing a long article
    in two processes where that is safe: `pipe_in_two_processes`)."""
    from summarizer.backends.spacy_nlp import SpacyEntityRecognizer, SpacyPipeline

    # First: it imports spaCy the light way (`import_spacy`).
    pipeline = SpacyPipeline(pipe=pipe_in_two_processes)
    from summarizer.people import analyse_people

    entities = SpacyEntityRecognizer(pipeline)

    def find(article: Article) -> Found:
        found = analyse_people(article, pipeline.parse(article), entities.recognize(article))
        return found.actors, found.quotes

    return find


def pipe_in_two_processes(nlp: Language, docs: list[Doc], batch_size: int) -> list[Doc]:
    """The pipeline over `docs` (a `summarizer.backends.spacy_nlp.Pipe`), split between
    this process and a fork of it when the text is long enough, two cores are free to
    this process and a fork is safe here; else all here.

    The fork parses the Docs after the halfway point (by characters) while this process
    parses the ones before it; it sends them back with `Doc.to_bytes` (every token
    attribute, the strings they use). The same Docs come out either way: each paragraph is
    parsed on its own, and its parse does not depend on the other Docs of its batch. A
    fork that fails leaves its half to this process.
    """
    total = sum(len(doc.text) for doc in docs)
    if (len(docs) < 2 or total < SPLIT_PARSE_CHARS or len(os.sched_getaffinity(0)) < 2
            or not _can_fork_with_spacy()):
        return list(nlp.pipe(docs, batch_size=batch_size))
    cut, seen = 1, len(docs[0].text)
    while cut < len(docs) - 1 and seen + len(docs[cut].text) <= total / 2:
        seen += len(docs[cut].text)
        cut += 1
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(reader)
        _run_half(nlp, docs[cut:], batch_size, writer)
    os.close(writer)
    try:
        first = list(nlp.pipe(docs[:cut], batch_size=batch_size))
        payload = _read_all(reader)
    finally:
        os.close(reader)
        os.waitpid(pid, 0)
    if not payload:
        return first + list(nlp.pipe(docs[cut:], batch_size=batch_size))
    from spacy.tokens import Doc

    return first + [Doc(nlp.vocab).from_bytes(data) for data in pickle.loads(payload)]


def _run_half(nlp: Language, docs: list[Doc], batch_size: int, writer: int) -> NoReturn:
    """The fork's whole life in `pipe_in_two_processes`: parse, send the Docs, exit (an
    error sends nothing, and the parent parses the half itself)."""
    code = 0
    try:
        parsed = [doc.to_bytes(exclude=["tensor", "user_data"])
                  for doc in nlp.pipe(docs, batch_size=batch_size)]
        _write_all(writer, pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _can_fork_with_spacy() -> bool:
    """`can_fork`, for a process that has loaded spaCy (see `_THREADED_BESIDES_SPACY`)."""
    return (hasattr(os, "fork") and sys.platform.startswith("linux")
            and threading.active_count() == 1
            and not any(name in sys.modules for name in _THREADED_BESIDES_SPACY))


def find_people(article: Article) -> Found:
    """The article's actors and quotes with the embedded spaCy pipeline, in this process."""
    return load_finder()(article)


class PeopleProcess:
    """A forked child that loads spaCy from construction on, then finds the actors and
    quotes of the article it is sent.

    `send(article)` hands it the article (at once: the child reads while it loads);
    `result()` waits for its answer; `close()` (or leaving a `with` block) stops a child
    still running and reaps it. Errors raised in the child (a missing spaCy package) are
    raised again by `result()`.
    """

    def __init__(self) -> None:
        # What sits in this process's output buffers would be written twice otherwise.
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
        _import_numpy_once()
        article_reader, article_writer = os.pipe()
        result_reader, result_writer = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(article_writer)
            os.close(result_reader)
            _run_child(article_reader, result_writer)
        os.close(article_reader)
        os.close(result_writer)
        self._pid: int | None = pid
        self._writer: int | None = article_writer
        self._reader: int | None = result_reader
        self._outcome: tuple[str, object] | None = None

    def send(self, article: Article) -> None:
        assert self._writer is not None, "one article per process"
        try:
            _write_all(self._writer, pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL))
        except BrokenPipeError:
            pass  # the child has ended; `result()` says why
        finally:
            os.close(self._writer)
            self._writer = None

    def result(self) -> Found:
        if self._outcome is None:
            self._outcome = self._receive()
        kind, value = self._outcome
        if kind == "error":
            assert isinstance(value, BaseException)
            raise value
        return value  # type: ignore[return-value]  # what the child's finder returned

    def close(self) -> None:
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):  # it has just ended by itself
                os.kill(self._pid, signal.SIGKILL)
        self._reap()

    def __enter__(self) -> PeopleProcess:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _receive(self) -> tuple[str, object]:
        assert self._reader is not None and self._writer is None, "send the article first"
        payload = _read_all(self._reader)
        status = self._reap()
        if not payload:
            how = (f"signal {-status}" if status is not None and status < 0
                   else f"exit code {status}")
            raise ModelError(f"The spaCy parse process ended without a result ({how}).")
        outcome = pickle.loads(payload)
        assert isinstance(outcome, tuple) and len(outcome) == 2
        return outcome

    def _reap(self) -> int | None:
        status = None
        for name in ("_writer", "_reader"):
            handle = getattr(self, name)
            if handle is not None:
                os.close(handle)
                setattr(self, name, None)
        if self._pid is not None:
            _, raw = os.waitpid(self._pid, 0)
            self._pid = None
            status = os.waitstatus_to_exitcode(raw)
        return status


def _import_numpy_once() -> None:
    """Import numpy before the fork, so that the two processes share one import (~0.1 s of
    CPU: both need it, spaCy and the encoder alike), with its BLAS single-threaded unless
    the user chose otherwise. numpy's OpenBLAS starts a thread per core at import, and its
    idle threads spin for a while before they sleep: ~0.08 s of CPU per process, taken from
    the core the other process is working on. Nothing in a briefing gains from a threaded
    BLAS: its matrix products are a few hundred rows (the encoder and the parse have their
    own)."""
    if "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        import numpy  # noqa: F401  # imported for the side effect described above


def _run_child(article_reader: int, result_writer: int) -> NoReturn:
    """The child's whole life: never returns into the parent's code, and exits without
    running the parent's exit handlers or flushing its buffers."""
    code = 0
    try:
        # Ctrl-C reaches the whole process group; the parent answers it and stops the child.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # The article is read in a thread while spaCy loads, so that the parent's `send`
        # never waits for the load (a pipe holds 64 KB; an article can be more).
        received: list[bytes] = []
        reading = threading.Thread(target=lambda: received.append(_read_all(article_reader)))
        reading.start()
        finder: Callable[[Article], Found] | None = None
        try:
            finder = load_finder()
        except Exception as error:
            outcome: tuple[str, object] = ("error", _portable(error))
        reading.join()
        if received[0]:  # else the parent needed no parse after all: exit quietly
            if finder is not None:
                try:
                    outcome = ("ok", finder(pickle.loads(received[0])))
                except Exception as error:
                    outcome = ("error", _portable(error))
            _write_all(result_writer, pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _read_all(handle: int) -> bytes:
    chunks = []
    while chunk := os.read(handle, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _write_all(handle: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        view = view[os.write(handle, view):]


def _portable(error: Exception) -> Exception:
    """`error` itself when it survives pickling, else a RuntimeError that names it."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error
