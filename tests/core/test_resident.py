"""The resident process (`summarizer warm`): same answers as a run of its own, private to
its user, and never in the way (anything wrong and the command runs where it was typed)."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from summarizer import resident
from summarizer.article import Limits
from summarizer.backends import Backends, BackendsPool
from summarizer.config import ModelConfig
from summarizer.settings import LIBRARY_VARIABLES, BriefingSettings, SettingsError

pytestmark = pytest.mark.skipif(not resident.supported(), reason="needs Unix sockets")


@pytest.fixture
def runtime() -> Iterator[Path]:
    """A private runtime folder with a short path: a socket's path has at most ~107 bytes,
    and pytest's own temporary folders are long."""
    folder = Path(tempfile.mkdtemp(prefix="ab-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def run_folder(runtime: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private runtime folder and a working folder of the test's own."""
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    folder = resident.run_folder()
    folder.mkdir(mode=0o700, parents=True)
    return folder


def _key() -> str:
    return resident.identity(*resident.effective_environment(os.environ, Path.cwd()))


class Recorder:
    """A stand-in for the CLI's main: records what it was asked, answers from a script."""

    def __init__(self, code: int = 0, fail: bool = False) -> None:
        self.code, self.fail = code, fail
        self.calls: list[tuple[list[str], bytes, dict[str, str], str]] = []
        self.release: threading.Event | None = None  # set: the command waits for it
        self.noise = "usage noise"  # what it prints to the process's own stderr

    def __call__(self, argv: Sequence[str], *, stdin: io.BytesIO, stdout: io.StringIO,
                 stderr: io.StringIO, environ: dict[str, str]) -> int:
        self.calls.append((list(argv), stdin.read(), environ, os.getcwd()))
        if self.release is not None:
            self.release.wait(60)
        if self.fail:
            raise RuntimeError("a bug in the command")
        if self.noise:  # as argparse would, to the process's stream
            print(self.noise, file=sys.stderr)
        stdout.write(f"briefed {' '.join(argv)}\n")
        stderr.write("[  0.0s] Done.\n")
        return self.code


def _serving(server: resident.Server, folder: Path) -> tuple[threading.Thread, Path]:
    """`server` serving in a thread of this process, once its socket is there."""
    thread = threading.Thread(target=server.serve, args=(folder,), daemon=True)
    thread.start()
    socket_file = resident.socket_path(folder, server.key)
    deadline = time.monotonic() + 10
    while not socket_file.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return thread, socket_file


@pytest.fixture
def served(run_folder: Path) -> Iterator[tuple[resident.Server, Recorder]]:
    recorder = Recorder()
    # No memory limit: this test process's own size (models loaded by other tests) is not
    # what these tests are about.
    server = resident.Server(_key(), idle_seconds=30, run=recorder, max_bytes=1 << 50)
    thread, socket_file = _serving(server, run_folder)
    yield server, recorder
    resident.stop(io.StringIO())
    thread.join(10)
    assert not thread.is_alive()
    assert not socket_file.exists()


def test_a_briefing_command_is_answered_by_the_resident_process(
        served: tuple[resident.Server, Recorder]) -> None:
    server, recorder = served
    out, err = io.StringIO(), io.StringIO()
    outcome = resident.ask(["brief", "story.txt", "--json"], io.BytesIO(b"unread"), out, err)
    assert outcome == resident.Outcome(0, None)
    assert out.getvalue() == "briefed brief story.txt --json\n"
    # Whatever the command printed to its streams, and argparse to the process's, comes back.
    assert err.getvalue() == "usage noise\n[  0.0s] Done.\n"
    # With its progress shown, a command says who answered it.
    recorder.noise = ""
    err = io.StringIO()
    assert resident.ask(["brief"], io.BytesIO(), io.StringIO(), err).code == 0
    assert err.getvalue() == ("[  0.0s] Done.\n[resident] Answered by the resident process "
                              f"(pid {os.getpid()}; `summarizer warm --stop` ends it).\n")
    argv, stdin, _, cwd = recorder.calls[0]
    assert argv == ["brief", "story.txt", "--json"] and stdin == b""
    assert cwd == os.getcwd()
    assert server.served == 2


def test_standard_input_is_sent_and_the_exit_code_kept(
        served: tuple[resident.Server, Recorder]) -> None:
    _, recorder = served
    recorder.code = 1
    outcome = resident.ask(["quotes", "-"], io.BytesIO(b"He said yes."), io.StringIO(),
                           io.StringIO())
    assert outcome.code == 1
    assert recorder.calls[0][1] == b"He said yes."


def test_the_environment_and_env_file_reach_the_command_and_secrets_do_not(
        served: tuple[resident.Server, Recorder], monkeypatch: pytest.MonkeyPatch) -> None:
    server, recorder = served
    Path(".env").write_text("BRIEFING_MODELS=embedded\nBRIEFING_CACHE=0\n", encoding="utf-8")
    monkeypatch.setenv("BRIEFING_CACHE", "1")  # the real environment wins over .env
    monkeypatch.setenv("DISCORD_TOKEN", "secret-token")
    # The settings are part of the identity: the server now serves these ones.
    socket_file = resident.socket_path(resident.run_folder(), server.key)
    server.key = _key()
    socket_file.rename(resident.socket_path(resident.run_folder(), server.key))
    assert resident.ask(["summary"], io.BytesIO(), io.StringIO(), io.StringIO()).code == 0
    environ = recorder.calls[0][2]
    assert environ["BRIEFING_MODELS"] == "embedded" and environ["BRIEFING_CACHE"] == "1"
    assert "DISCORD_TOKEN" not in environ


def test_other_settings_find_no_resident_process(
        served: tuple[resident.Server, Recorder], monkeypatch: pytest.MonkeyPatch) -> None:
    _, recorder = served
    monkeypatch.setenv("BRIEFING_EMBEDDING_PRECISION", "int8")
    assert resident.ask(["brief"], io.BytesIO(), io.StringIO(), io.StringIO()).code is None
    Path(".env").write_text("BRIEFING_MODELS=hub\n", encoding="utf-8")
    monkeypatch.delenv("BRIEFING_EMBEDDING_PRECISION")
    assert resident.ask(["brief"], io.BytesIO(), io.StringIO(), io.StringIO()).code is None
    # A .env too large to send whole is never half-sent: the command runs here.
    Path(".env").write_text("# " + "x" * resident.MAX_ENV_FILE + "\n", encoding="utf-8")
    assert resident.ask(["brief"], io.BytesIO(), io.StringIO(), io.StringIO()).code is None
    assert recorder.calls == []


def test_a_request_with_another_identity_is_turned_back(
        served: tuple[resident.Server, Recorder]) -> None:
    server, recorder = served
    # The client finds the socket by its own key, and the server was told another one.
    server.key, real = "0" * 20, server.key
    outcome = resident.ask(["brief"], io.BytesIO(), io.StringIO(), io.StringIO())
    assert outcome.code is None and recorder.calls == []
    server.key = real


def test_a_failing_request_leaves_the_command_to_run_here_with_its_input(
        served: tuple[resident.Server, Recorder]) -> None:
    server, recorder = served
    recorder.fail = True
    out = io.StringIO()
    outcome = resident.ask(["brief", "-"], io.BytesIO(b"Text read once."), out, io.StringIO())
    assert outcome == resident.Outcome(None, b"Text read once.")
    assert out.getvalue() == ""
    # The process goes on serving.
    recorder.fail = False
    assert resident.ask(["brief"], io.BytesIO(), io.StringIO(), io.StringIO()).code == 0
    assert server.served == 1


def test_interrupting_a_command_that_the_resident_process_runs(
        served: tuple[resident.Server, Recorder]) -> None:
    server, recorder = served
    recorder.release = threading.Event()
    process = subprocess.Popen([sys.executable, "-m", "summarizer.cli", "brief"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not recorder.calls and time.monotonic() < deadline:
            time.sleep(0.02)
        assert recorder.calls, "the command never reached the resident process"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        recorder.release.set()
        process.kill()
    assert process.returncode == 130
    assert (out, err) == (b"", b"summarizer: interrupted\n")
    # The process is not stopped by a client that went away.
    recorder.release = None
    assert resident.ask(["brief"], io.BytesIO(), io.StringIO(), io.StringIO()).code == 0
    assert server.served >= 1


@pytest.mark.parametrize("argv", [["classify", "-", "--labels", "a, b"], ["digest", "x.txt"],
                                  ["warm"], ["brief", "--help"], []])
def test_streaming_commands_and_help_always_run_here(
        served: tuple[resident.Server, Recorder], argv: list[str]) -> None:
    stdin = io.BytesIO(b"untouched")
    assert resident.ask(argv, stdin, io.StringIO(), io.StringIO()) == resident.Outcome(None)
    assert stdin.read() == b"untouched"


def test_without_a_resident_process_nothing_is_read_or_written(run_folder: Path) -> None:
    stdin, out = io.BytesIO(b"kept"), io.StringIO()
    assert resident.ask(["brief", "-"], stdin, out, io.StringIO()) == resident.Outcome(None)
    assert stdin.read() == b"kept" and out.getvalue() == ""
    # A socket file whose process died is the same: refused, so run here.
    resident.socket_path(run_folder, _key()).touch()
    assert resident.ask(["brief"], io.BytesIO(), out, io.StringIO()).code is None


def test_a_folder_others_can_open_is_never_used(
        served: tuple[resident.Server, Recorder], run_folder: Path) -> None:
    _, recorder = served
    run_folder.chmod(0o755)
    try:
        assert resident.ask(["brief"], io.BytesIO(), io.StringIO(), io.StringIO()).code is None
        err = io.StringIO()
        assert resident.start(1, io.StringIO(), err) == 1
        assert "mode 0700" in err.getvalue()
    finally:
        run_folder.chmod(0o700)
    assert recorder.calls == []


def test_the_socket_is_the_users_alone(served: tuple[resident.Server, Recorder],
                                       run_folder: Path) -> None:
    server, _ = served
    mode = resident.socket_path(run_folder, server.key).stat().st_mode
    assert mode & 0o077 == 0


def test_status_and_a_second_server_for_the_same_key(
        served: tuple[resident.Server, Recorder], run_folder: Path) -> None:
    server, _ = served
    out = io.StringIO()
    resident.status(out)
    assert f"pid {os.getpid()}" in out.getvalue() and "0 requests" in out.getvalue()
    # A second process for the same settings finds the lock held and leaves at once.
    second = resident.Server(server.key, idle_seconds=30, run=Recorder(), max_bytes=1 << 50)
    started = time.monotonic()
    second.serve(run_folder)
    assert time.monotonic() - started < 5
    assert resident.ask(["brief"], io.BytesIO(), io.StringIO(), io.StringIO()).code == 0


def test_an_idle_server_stops_and_removes_its_socket(run_folder: Path) -> None:
    server = resident.Server(_key(), idle_seconds=0.3, run=Recorder())
    started = time.monotonic()
    server.serve(run_folder)
    assert time.monotonic() - started < 10
    assert not resident.socket_path(run_folder, server.key).exists()
    out = io.StringIO()
    resident.status(out)
    assert "No resident process" in out.getvalue()


def test_a_server_left_large_by_a_request_stops_after_answering_it(run_folder: Path) -> None:
    recorder = Recorder()
    assert resident.resident_bytes() > 0
    server = resident.Server(_key(), idle_seconds=30, run=recorder,
                             max_bytes=resident.resident_bytes() // 2)
    thread, socket_file = _serving(server, run_folder)
    out = io.StringIO()
    assert resident.ask(["brief"], io.BytesIO(), out, io.StringIO()).code == 0
    assert out.getvalue() == "briefed brief\n"  # the request is answered first
    thread.join(10)
    assert not thread.is_alive() and not socket_file.exists()
    assert resident.ask(["brief"], io.BytesIO(), io.StringIO(), io.StringIO()).code is None


def test_every_setting_the_cli_reads_is_part_of_the_identity() -> None:
    for declared in BriefingSettings.model_fields.values():
        if declared.section == "bot":  # type: ignore[attr-defined]
            continue
        variable = declared.variable  # type: ignore[attr-defined]
        assert variable in resident.VARIABLES or variable.startswith(resident.PREFIXES), variable
    for variable in LIBRARY_VARIABLES:
        assert variable.startswith(resident.PREFIXES)


def test_stdin_is_read_as_the_loader_reads_it() -> None:
    assert Limits().max_bytes + 1 == resident.STDIN_READ


def test_the_identity_follows_settings_and_env_file() -> None:
    base = resident.identity({"BRIEFING_MODELS": "embedded"}, "")
    assert base == resident.identity({"BRIEFING_MODELS": "embedded"}, "")
    assert base != resident.identity({"BRIEFING_MODELS": "hub"}, "")
    assert base != resident.identity({"BRIEFING_MODELS": "embedded"}, "BRIEFING_CACHE=0\n")


def test_the_pool_keeps_loaded_backends_per_config() -> None:
    pool = BackendsPool(size=2)
    said: list[str] = []
    first = pool.get(ModelConfig(), lambda message: said.append("first " + message))
    assert pool.get(ModelConfig(), said.append) is first
    # A later load reports to the command that asked for it.
    first.progress("Loading a model...")
    assert said == ["Loading a model..."]
    other = pool.get(ModelConfig(embedding_precision="int8"), said.append)
    third = pool.get(ModelConfig(models="hub"), said.append)
    assert isinstance(other, Backends) and isinstance(third, Backends)
    assert pool.get(ModelConfig(), said.append) is not first  # the oldest went


# --- the real thing: `summarizer warm`, then the CLI as a user runs it -------------------------


def _cli(args: list[str], env: dict[str, str], cwd: Path,
         stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "summarizer.cli", *args], input=stdin,
                          capture_output=True, env=env, cwd=cwd, timeout=240, check=False)


def _served(env: dict[str, str], cwd: Path) -> int:
    status = _cli(["warm", "--status"], env, cwd).stdout.decode()
    return int(status.split(", ")[1].split()[0]) if status.startswith("A resident") else -1


def test_warm_then_briefings_answer_as_a_run_of_their_own(tmp_path: Path,
                                                          runtime: Path) -> None:
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "BRIEFING_CACHE": "0",
           "BRIEFING_KEEP_WARM_MINUTES": "0"}
    story = tmp_path / "story.txt"
    story.write_text(
        "The mayor of Springfield, Ann Cole, said on Monday that the bridge would reopen.\n\n"
        '"We are proud of the crews," Cole told reporters. Engineers from Acme Corp agreed.\n',
        encoding="utf-8")
    # Two `warm` at the same moment: one process serves, and both say it is ready.
    starting = [subprocess.Popen([sys.executable, "-m", "summarizer.cli", "warm", "--minutes",
                                  "2"], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE) for _ in range(2)]
    try:
        said = [process.communicate(timeout=300) for process in starting]
        assert [process.returncode for process in starting] == [0, 0], said
        assert all(b"Resident process ready" in out or b"already runs" in out
                   for out, _ in said)
        assert len({out.split(b"(pid ")[1].split(b")")[0] for out, _ in said}) == 1
        assert _served(env, tmp_path) == 0
        commands = [["brief", "story.txt", "--json"], ["quotes", "-", "--markdown"],
                    ["actors", "missing.txt"], ["brief", "--length", "99"],
                    ["summary", "--bogus"]]
        resident_runs = [_cli(args, env, tmp_path, stdin=story.read_bytes())
                         for args in commands]
        assert _served(env, tmp_path) == len(commands)
        # The same commands with no resident process for these settings: a run of their own.
        alone = {**env, "BRIEFING_DEBUG": "0"}
        own_runs = [_cli(args, alone, tmp_path, stdin=story.read_bytes()) for args in commands]
        assert _served(env, tmp_path) == len(commands)
        for args, there, here in zip(commands, resident_runs, own_runs, strict=True):
            assert there.returncode == here.returncode, args
            assert there.stdout == here.stdout, args
            assert _without_timings(there.stderr) == _without_timings(here.stderr), args
        assert json.loads(resident_runs[0].stdout)["quotes"]
        assert b"[resident] Answered" in resident_runs[0].stderr
        assert b"[resident]" not in own_runs[0].stderr
        assert [run.returncode for run in resident_runs] == [0, 0, 1, 2, 2]
    finally:
        stopped = _cli(["warm", "--stop"], env, tmp_path)
    assert b"Stopped 1 resident process." in stopped.stdout
    assert _served(env, tmp_path) == -1
    assert not list((runtime / "article-briefing" / "run").glob("*.sock"))


def _without_timings(stderr: bytes) -> list[str]:
    """Standard error without progress lines, whose timings and model loads differ."""
    return [line for line in stderr.decode().splitlines() if not line.startswith("[")]


def test_keep_warm_leaves_a_resident_process_for_the_next_briefings(tmp_path: Path,
                                                                     runtime: Path) -> None:
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "BRIEFING_CACHE": "0",
           "BRIEFING_KEEP_WARM_MINUTES": "1"}
    story = tmp_path / "story.txt"
    story.write_text('"The bridge reopens on Monday," the mayor, Ann Cole, said.\n',
                     encoding="utf-8")
    try:
        first = _cli(["quotes", "story.txt"], env, tmp_path)
        assert first.returncode == 0, first.stderr.decode()
        assert b"[resident]" not in first.stderr  # it ran on its own, and left one starting
        deadline = time.monotonic() + 180
        while _served(env, tmp_path) < 0 and time.monotonic() < deadline:
            time.sleep(0.5)
        second = _cli(["quotes", "story.txt"], env, tmp_path)
        assert second.returncode == 0 and second.stdout == first.stdout
        assert b"[resident] Answered" in second.stderr
        assert _served(env, tmp_path) == 1
    finally:
        _cli(["warm", "--stop"], env, tmp_path)
    # Without the setting, a briefing starts nothing.
    alone = {**env, "BRIEFING_KEEP_WARM_MINUTES": "0"}
    assert _cli(["quotes", "story.txt"], alone, tmp_path).returncode == 0
    time.sleep(1)
    assert not list((runtime / "article-briefing" / "run").glob("*.sock"))


def test_keep_warm_takes_zero_to_a_day() -> None:
    assert BriefingSettings.from_environ({}).keep_warm_minutes == 0
    assert BriefingSettings.from_environ(
        {"BRIEFING_KEEP_WARM_MINUTES": "30"}).keep_warm_minutes == 30
    for wrong in ("-1", "1441", "soon"):
        with pytest.raises(SettingsError):
            BriefingSettings.from_environ({"BRIEFING_KEEP_WARM_MINUTES": wrong})
