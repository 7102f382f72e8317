"""A resident briefing process: models loaded once, answering later CLI runs.

A new `summarizer brief` process spends ~1.3-1.5 s of its ~1.7-2 s importing spaCy and ONNX
Runtime and loading the models before it reads a word (see the README's *Speed* section);
that floor does not move on two cores. `summarizer warm` starts one process that loads them and
then waits, like a language server, on a Unix socket in a folder only this user can open.
While it runs, each `summarizer brief|summary|topics|actors|quotes` sends it its arguments
(and standard input, for `-`), and it answers with what the command would have printed and
its exit code: the warm briefing's time plus a bare interpreter's start.

It is used only when it is sure to give the same answer as a run in this process:
- the socket's name is a digest of everything that decides a briefing besides the
  arguments: this package's files, the Python running it, the installed packages' folder,
  the environment variables the CLI and its libraries read, and the current folder's `.env`.
  A process started under other settings, or before an upgrade, is simply not found;
- the request runs the CLI's own `main` with those arguments, that environment and folder;
- anything unexpected (no process, a refused or broken connection, an answer cut short)
  makes the command run here instead, with the standard input it already read.
`classify` and `digest` always run here: they stream their output or fetch for minutes.

The process stops after `--minutes` without a request (default 15), or on
`summarizer warm --stop`. It serves one request at a time; another waits its turn.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import struct
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, BinaryIO, NamedTuple

if TYPE_CHECKING:
    import subprocess

COMMANDS = frozenset({"brief", "summary", "topics", "actors", "quotes"})
# The settings the CLI reads (summarizer.settings) and the variables of the libraries it
# runs; tests/core/test_resident.py checks that every CLI setting is matched.
VARIABLES = frozenset({"SUMMARY_MODEL", "TOPIC_MODEL", "ENTITY_MODEL", "XDG_CACHE_HOME", "HOME"})
PREFIXES = ("BRIEFING_", "HF_", "TRANSFORMERS_", "TORCH", "PYTORCH_", "CUDA_", "OMP_",
            "MKL_", "OPENBLAS_", "ORT_", "SPACY_")
ENV_FILE = ".env"
MAX_ENV_FILE = 65_536
# One more byte than summarizer.article.Limits.max_bytes: read as the loader reads, so an
# input over the limit gets the loader's own message (tests check the two agree).
STDIN_READ = 2_000_001
MAX_HEADER = 1_000_000
MAX_REPLY = 256_000_000
DEFAULT_MINUTES = 15
FRAME = struct.Struct("!Q")
MAX_SOCKET_PATH = 107  # sun_path holds 108 bytes with the closing zero (Linux)
# Loaded, the process holds ~250 MB; 40 BBC briefings later ~260 MB, after a 190,000-character
# article ~390 MB. Past this, what is held is what a pathological input left.
MAX_RESIDENT_BYTES = 768_000_000
MAX_LOG = 1_000_000  # a resident process's log (start-up warnings, a crash) is cut past this
# A briefing of the largest input the loader accepts takes ~25 s on 2 cores; a resident
# process silent for far longer than that is stuck, and the command runs here instead.
REPLY_TIMEOUT = 600.0


class Outcome(NamedTuple):
    """What asking the resident process gave: its exit code, or None (run the command
    here), with the standard input already read for it (None: not read). A named tuple, not
    a dataclass: every CLI run imports this module, and `dataclasses` costs it ~13 ms."""

    code: int | None
    stdin: bytes | None = None


def run_folder() -> Path:
    """The folder of the sockets: the user's runtime folder, else beside the caches."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(runtime) if runtime else Path.home() / ".cache"
    return base / "article-briefing" / "run"


def _private_folder(create: bool) -> Path | None:
    """The run folder, when it is this user's and no one else's (mode 0700): a socket in a
    folder others can write to could be another user's process answering."""
    folder = run_folder()
    try:
        if create:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = folder.stat()
    except OSError:
        return None
    if status.st_uid != os.getuid() or status.st_mode & 0o077:
        return None
    return folder


def effective_environment(environ: Mapping[str, str], folder: Path) -> tuple[dict[str, str], str]:
    """The variables that decide a briefing (see VARIABLES, PREFIXES), and the text of
    `folder`'s `.env`, which the CLI loads beneath them.

    Raises:
        ValueError: the `.env` is over MAX_ENV_FILE bytes (its commands run on their own).
    """
    chosen = {name: value for name, value in environ.items()
              if name in VARIABLES or name.startswith(PREFIXES)}
    try:
        with open(folder / ENV_FILE, "rb") as handle:
            data = handle.read(MAX_ENV_FILE + 1)
    except OSError:
        return chosen, ""
    if len(data) > MAX_ENV_FILE:
        raise ValueError(f"{ENV_FILE} is over {MAX_ENV_FILE:,} bytes")
    return chosen, data.decode("utf-8", errors="replace")


def identity(chosen: Mapping[str, str], env_text: str) -> str:
    """The digest that names a resident process: the same for two runs exactly when they
    would brief alike (see the module's notes)."""
    import hashlib  # here, not above: a run with no resident process never needs it

    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for part in (sys.executable, sys.version, _site_packages(), json.dumps(sorted(chosen.items())),
                 env_text):
        digest.update(part.encode("utf-8", errors="replace") + b"\0")
    for path in sorted(package.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        status = path.stat()
        digest.update(f"{path.relative_to(package)}:{status.st_size}:{status.st_mtime_ns}\0"
                      .encode())
    return digest.hexdigest()[:20]


def _site_packages() -> str:
    """The installed packages' folder, with its change time: installing or removing a
    package (a new model, another spaCy) renames folders in it."""
    import sysconfig

    folder = sysconfig.get_paths()["purelib"]
    try:
        return f"{folder}:{os.stat(folder).st_mtime_ns}"
    except OSError:
        return folder


def socket_path(folder: Path, key: str) -> Path:
    return folder / f"{key}.sock"


def supported() -> bool:
    return hasattr(socket, "AF_UNIX") and hasattr(os, "getuid")


# --- the client: a CLI run asking ---------------------------------------------------------------


def ask(argv: Sequence[str], stdin: BinaryIO, stdout: IO[str], stderr: IO[str]) -> Outcome:
    """Run a briefing command by the resident process, when one for this environment is
    there. Writes its output and returns its exit code, or returns code None to have the
    command run here (with the standard input read for it, if any)."""
    if not argv or argv[0] not in COMMANDS or not supported():
        return Outcome(None)
    if any(arg in ("-h", "--help") for arg in argv):
        return Outcome(None)  # argparse prints help to the process's own output
    folder = _private_folder(create=False)
    if folder is None or not _any_socket(folder):
        return Outcome(None)
    target = _target(create=False)
    if isinstance(target, str):
        return Outcome(None)
    connection = _connect(target.path)
    if connection is None:
        return Outcome(None)
    data: bytes | None = None
    with connection:
        try:
            # Standard input is read only now that a process answers: a run here reads it
            # itself. Read as the loader reads it, so the same input gets the same answer.
            if _reads_stdin(argv):
                data = stdin.read(STDIN_READ)
            header = {"op": "run", "key": target.key, "argv": list(argv),
                      "cwd": str(target.cwd), "env": target.chosen, "env_file": target.env_text}
            _send(connection, json.dumps(header).encode())
            _send(connection, data or b"")
            reply = json.loads(_receive(connection, MAX_REPLY))
        except (OSError, ValueError, ConnectionError):
            return Outcome(None, data)
    code = reply.get("code") if isinstance(reply, dict) else None
    if not isinstance(code, int):
        return Outcome(None, data)
    said = str(reply.get("stderr", ""))
    stderr.write(said)
    if said.startswith("["):  # progress is shown (not --quiet): say who answered
        stderr.write(f"[resident] Answered by the resident process (pid {reply.get('pid')}; "
                     "`summarizer warm --stop` ends it).\n")
    stdout.write(str(reply.get("stdout", "")))
    return Outcome(code, data)


def _any_socket(folder: Path) -> bool:
    """Whether any resident process may be listening: when none is, a run skips digesting
    the package (~7 ms) and goes on at once."""
    try:
        with os.scandir(folder) as entries:
            return any(entry.name.endswith(".sock") for entry in entries)
    except OSError:
        return False


def _reads_stdin(argv: Sequence[str]) -> bool:
    """Whether the command names `-` as its source (its one positional argument)."""
    return "-" in argv[1:]


def _connect(path: Path, timeout: float = REPLY_TIMEOUT) -> socket.socket | None:
    if not path.exists():
        return None  # the common case, no resident process: answered without a syscall more
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.settimeout(timeout)
    try:
        connection.connect(str(path))
        if _peer_uid(connection) not in (None, os.getuid()):
            raise ConnectionRefusedError("another user's process")
    except OSError:
        connection.close()
        return None
    return connection


def _peer_uid(connection: socket.socket) -> int | None:
    """The user id of the process at the other end (Linux), else None."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return None
    credentials = connection.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
    _, uid, _ = struct.unpack("3i", credentials)
    return int(uid)


def _send(connection: socket.socket, data: bytes) -> None:
    connection.sendall(FRAME.pack(len(data)) + data)


def _receive(connection: socket.socket, limit: int) -> bytes:
    (size,) = FRAME.unpack(_exactly(connection, FRAME.size))
    if size > limit:
        raise ValueError(f"a message of {size} bytes is over the limit of {limit}")
    return _exactly(connection, size)


def _exactly(connection: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = connection.recv(min(left, 1 << 20))
        if not chunk:
            raise ConnectionError("the connection closed early")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _request(path: Path, header: dict[str, object], timeout: float = 5.0) -> dict[str, object]:
    """A control request (ping, stop) and its answer; {} when nothing answers."""
    connection = _connect(path, timeout)
    if connection is None:
        return {}
    with connection:
        try:
            _send(connection, json.dumps(header).encode())
            reply = json.loads(_receive(connection, MAX_HEADER))
        except (OSError, ValueError, ConnectionError):
            return {}
    return reply if isinstance(reply, dict) else {}


# --- `summarizer warm`: start, stop, status ------------------------------------------------------


class Target(NamedTuple):
    """Where the resident process for this environment listens, and what it starts with."""

    folder: Path
    key: str
    path: Path
    cwd: Path
    chosen: dict[str, str]
    env_text: str


def _target(create: bool) -> Target | str:
    """The resident process's place for this environment (its run folder made when
    `create`), or why there can be none."""
    if not supported():
        return ("a resident process needs Unix sockets, which this system lacks; every "
                "command runs on its own")
    folder = _private_folder(create)
    if folder is None:
        return (f"{run_folder()} must be a folder of this user's that others cannot open "
                "(mode 0700); no resident process was started")
    try:
        cwd = Path.cwd()
        chosen, env_text = effective_environment(os.environ, cwd)
    except OSError as error:  # the current folder gone from under the shell
        return f"the current folder cannot be read ({error.strerror})"
    except ValueError as error:  # an outsized .env
        return f"{error}; no resident process was started"
    key = identity(chosen, env_text)
    path = socket_path(folder, key)
    if len(os.fsencode(path)) > MAX_SOCKET_PATH:
        return (f"the socket's path, {path}, is too long for this system (at most "
                f"{MAX_SOCKET_PATH} bytes); set XDG_RUNTIME_DIR to a shorter folder")
    return Target(folder, key, path, cwd, chosen, env_text)


def _spawn(target: Target, minutes: int) -> subprocess.Popen[bytes]:
    """The resident process, started in the background; its output goes to a log."""
    import subprocess  # here, not above: every CLI run imports this module

    log = _log_path(target)
    with contextlib.suppress(OSError):
        if log.stat().st_size > MAX_LOG:
            log.unlink()
    # Appended to, not replaced: a second `warm` started at the same moment must not wipe
    # the log of the process that will serve.
    with open(log, "ab") as log_handle:
        # Its own session: the process outlives this command and ignores the terminal's ^C.
        return subprocess.Popen(
            [sys.executable, "-m", "summarizer.resident", target.key, str(minutes)],
            env=_server_environment(target.chosen, target.env_text),
            stdin=subprocess.DEVNULL, stdout=log_handle, stderr=log_handle,
            start_new_session=True)


def _log_path(target: Target) -> Path:
    return target.folder / f"{target.key}.log"


def start(minutes: int, out: IO[str], err: IO[str], *, wait: float = 300.0) -> int:
    """Start the resident process for this environment (unless it runs already) and wait
    until it answers. Returns the CLI's exit code."""
    target = _target(create=True)
    if isinstance(target, str):
        err.write(f"summarizer: {target}.\n")
        return 1
    known = _request(target.path, {"op": "ping"})
    if known:
        out.write(f"A resident process for these settings already runs (pid {known.get('pid')})"
                  f"; it stops after {known.get('minutes')} idle minutes.\n")
        return 0
    process = _spawn(target, minutes)
    err.write("Starting a resident process: loading the models...\n")
    started = time.monotonic()
    while time.monotonic() - started < wait:
        # Exit code 0 before answering: another process, started at the same moment,
        # holds the lock for these settings and is the one to wait for.
        if process.poll() not in (None, 0):
            err.write("summarizer: the resident process stopped while starting; "
                      f"its log is {_log_path(target)}.\n")
            return 1
        answer = _request(target.path, {"op": "ping"})
        if answer:
            out.write(f"Resident process ready in {time.monotonic() - started:.1f} s (pid "
                      f"{answer.get('pid')}). `summarizer brief` and the other briefing commands "
                      f"run there while these settings hold; it stops after {minutes} idle "
                      "minutes, or with `summarizer warm --stop`.\n")
            return 0
        time.sleep(0.1)
    err.write(f"summarizer: the resident process did not answer within {wait:.0f} s; "
              f"its log is {_log_path(target)}.\n")
    return 1


def launch(minutes: int) -> bool:
    """Start the resident process for this environment in the background and return at
    once (BRIEFING_KEEP_WARM_MINUTES), unless one answers already. False when there can be
    none here; never raises for that: the command it follows has done its work."""
    target = _target(create=True)
    if isinstance(target, str):
        return False
    if _request(target.path, {"op": "ping"}):
        return True
    try:
        _spawn(target, minutes)
    except OSError:  # no process to be had (a log that cannot be written, no fork)
        return False
    return True


def stop(out: IO[str]) -> int:
    """Stop every resident process of this user (any settings)."""
    folder = _private_folder(create=False) if supported() else None
    stopped = 0
    for path in sorted(folder.glob("*.sock")) if folder is not None else []:
        if _request(path, {"op": "stop"}):
            stopped += 1
    out.write(f"Stopped {stopped} resident process{'es' if stopped != 1 else ''}.\n")
    return 0


def status(out: IO[str]) -> int:
    """Say whether a resident process serves this environment."""
    target = _target(create=False)
    if not isinstance(target, str):
        answer = _request(target.path, {"op": "ping"})
        if answer:
            out.write(f"A resident process serves these settings (pid {answer.get('pid')}, "
                      f"{answer.get('served')} requests served, stops after "
                      f"{answer.get('minutes')} idle minutes).\n")
            return 0
    out.write("No resident process serves these settings; commands run on their own "
              "(start one with `summarizer warm`).\n")
    return 0


def _server_environment(chosen: Mapping[str, str], env_text: str) -> dict[str, str]:
    """The process environment the resident process starts with: this one, with the
    chosen variables and `.env` beneath them, as the CLI's own start would have it (the
    libraries read HF_HUB_OFFLINE and the like from the process)."""
    from summarizer.settings import env_file_values

    environment = dict(os.environ)
    for name, value in env_file_values(env_text).items():
        environment.setdefault(name, value)
    environment.update(chosen)
    return environment


# --- the server -----------------------------------------------------------------------------------


class Server:
    """The resident process: a listening socket, the CLI's `main` and models kept loaded.

    Args:
        key: the identity its clients computed (see `identity`); requests with another are
            turned back, to run where they came from.
        idle_seconds: how long it waits for a request before it stops.
        max_bytes: the resident memory above which it stops once a request is answered
            (the next commands run on their own until `summarizer warm` again).
        run: the command runner, `summarizer.cli.main`'s signature (tests pass their own).
    """

    def __init__(self, key: str, idle_seconds: float, run: Callable[..., int],
                 max_bytes: int = MAX_RESIDENT_BYTES) -> None:
        self.key = key
        self.idle_seconds = idle_seconds
        self.run = run
        self.max_bytes = max_bytes
        self.served = 0

    def serve(self, folder: Path) -> None:
        import fcntl

        with open(folder / f"{self.key}.lock", "wb") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return  # another one serves this key, or is starting to
            self._listen(socket_path(folder, self.key))

    def _listen(self, path: Path) -> None:
        path.unlink(missing_ok=True)  # a crashed predecessor's: the lock says none is alive
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        previous = os.umask(0o177)
        try:
            listener.bind(str(path))
        finally:
            os.umask(previous)
        listener.listen(16)
        listener.settimeout(self.idle_seconds)
        try:
            while True:
                try:
                    connection, _ = listener.accept()
                except TimeoutError:
                    return
                with connection:
                    if self._answer(connection) == "stop":
                        return
        finally:
            path.unlink(missing_ok=True)
            listener.close()

    def _answer(self, connection: socket.socket) -> str:
        connection.settimeout(30.0)  # for reading the request; the work has no limit
        try:
            if _peer_uid(connection) not in (None, os.getuid()):
                return "refused"
            header = json.loads(_receive(connection, MAX_HEADER))
            operation = header.get("op") if isinstance(header, dict) else None
            if operation in ("ping", "stop"):
                minutes = f"{self.idle_seconds / 60:g}"
                _send(connection, json.dumps({"pid": os.getpid(), "minutes": minutes,
                                              "served": self.served}).encode())
                return str(operation)
            if operation != "run" or header.get("key") != self.key:
                _send(connection, b"{}")
                return "turned back"
            payload = _receive(connection, STDIN_READ)
            reply = self._run(header, payload)
            connection.settimeout(None)
            _send(connection, json.dumps(reply).encode())
        except (OSError, ValueError, ConnectionError):
            return "broken"  # the client went away (^C) or sent garbage: it runs on its own
        # Python keeps much of the memory a very large input took (up to ~0.8 GB for the
        # worst the loader accepts); a process that waits for hours must not hold that.
        return "stop" if resident_bytes() > self.max_bytes else "served"

    def _run(self, header: dict[str, object], payload: bytes) -> dict[str, object]:
        argv, cwd = header.get("argv"), header.get("cwd")
        env, env_text = header.get("env"), header.get("env_file")
        if not (isinstance(argv, list) and all(isinstance(a, str) for a in argv)
                and isinstance(cwd, str) and isinstance(env, dict)
                and isinstance(env_text, str)):
            return {}
        from summarizer.settings import env_file_values

        environ = {**env_file_values(env_text), **{str(k): str(v) for k, v in env.items()}}
        out, err = io.StringIO(), io.StringIO()
        try:
            os.chdir(cwd)
            # argparse writes usage errors to the process's own streams, not to main's.
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = self.run(argv, stdin=io.BytesIO(payload), stdout=out, stderr=err,
                                environ=environ)
        except Exception:  # a request's failure must not stop the process
            return {}  # the client runs the command itself and shows what happens there
        self.served += 1
        return {"code": code, "stdout": out.getvalue(), "stderr": err.getvalue(),
                "pid": os.getpid()}


def resident_bytes() -> int:
    """This process's resident memory (Linux), else 0 (never above a limit)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _serve_main(argv: Sequence[str]) -> int:
    """`python -m summarizer.resident KEY MINUTES`, as `start` runs it."""
    if len(argv) != 2 or not argv[1].isdigit():
        print("summarizer.resident is started by `summarizer warm`.", file=sys.stderr)
        return 2
    key, minutes = argv[0], int(argv[1])
    folder = _private_folder(create=True)
    if folder is None:
        return 1
    from summarizer.backends import BackendsPool
    from summarizer.cli import main

    pool = BackendsPool()

    def run(args: Sequence[str], **streams: object) -> int:
        return main(args, backends=pool, **streams)  # type: ignore[arg-type]

    # One briefing of the bundled article before answering: it loads the models and runs
    # every first-use path (lazy imports, the topic labels' vectors) that a first request
    # would otherwise pay for.
    with _quiet():
        run(["brief", "--no-cache", "--quiet"], stdin=io.BytesIO(), stdout=io.StringIO(),
            stderr=io.StringIO(), environ=dict(os.environ))
    Server(key, minutes * 60, run).serve(folder)
    return 0


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield


if __name__ == "__main__":
    raise SystemExit(_serve_main(sys.argv[1:]))
