"""The settings model: declared once, read the same way by the CLI and the bot, and reaching
the backends that use them."""

from __future__ import annotations

import ast
import io
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import ClassVar, get_args

import pytest

from bot.settings import Cooldown, SecretStr, Settings
from summarizer.backends import Backends
from summarizer.backends.fast_generate import PRECISIONS as BACKEND_GENERATION_PRECISIONS
from summarizer.backends.minilm import Precision as BackendEmbeddingPrecision
from summarizer.cli import build_parser, main
from summarizer.config import (
    EMBEDDING_PRECISIONS,
    GENERATION_PRECISIONS,
    MODEL_FAMILIES,
    ModelConfig,
)
from summarizer.errors import UsageError
from summarizer.settings import (
    BriefingSettings,
    SettingsError,
    env_example,
    load_env_file,
    setting,
    settings_table,
)
from tests.local_http import serving
from tests.tiny_models import build_tiny_bart

PROJECT = Path(__file__).resolve().parents[2]
SECRET = "sekrit-value-4711"


def test_environment_settings_and_overrides(tmp_path: Path) -> None:
    settings = BriefingSettings.from_environ({
        "BRIEFING_MODELS": "hub", "SUMMARY_MODEL": "my/summarizer",
        "BRIEFING_EMBEDDING_PRECISION": "int8", "BRIEFING_GENERATION_PRECISION": "fp32",
        "BRIEFING_CACHE_DIR": str(tmp_path)})
    config = settings.to_model_config(topic_model="embedded", entity_model=None)
    assert config.resolved("summary") == "my/summarizer"
    assert config.resolved("topics") is None  # "embedded" forces the embedded backend
    assert config.resolved("entities") == "dslim/bert-base-NER"
    assert config.embedding_precision == "int8" and config.generation_precision == "fp32"
    assert config.export_dir == tmp_path / "onnx"


@pytest.mark.parametrize("expected", [
    "BRIEFING_MODELS must be one of embedded, hub.",
    "BRIEFING_DEVICE must be one of auto, cpu, cuda.",
    "BRIEFING_EMBEDDING_PRECISION must be one of auto, fp32, int8.",
    "BRIEFING_GENERATION_PRECISION must be one of auto, fp32, fp16, bf16, int8.",
    "BRIEFING_ALLOW_PRIVATE_URLS must be 1 or 0 (on/off, true/false and yes/no work too).",
    "BRIEFING_CACHE must be 1 or 0 (on/off, true/false and yes/no work too).",
    "BRIEFING_DEBUG must be 1 or 0 (on/off, true/false and yes/no work too).",
])
def test_bad_values_name_the_setting_and_never_echo_the_value(expected: str) -> None:
    setting = expected.split()[0]
    with pytest.raises(SettingsError) as caught:
        BriefingSettings.from_environ({setting: f"nonsense-{SECRET}"})
    assert str(caught.value) == expected
    assert SECRET not in str(caught.value)
    assert isinstance(caught.value, UsageError)  # the CLI's exit 2


def test_a_bad_setting_is_a_usage_error_in_the_cli() -> None:
    err = io.StringIO()
    code = main(["brief"], stdout=io.StringIO(), stderr=err,
                environ={"BRIEFING_EMBEDDING_PRECISION": "fp8"})
    assert code == 2
    assert err.getvalue() == ("summarizer: error: BRIEFING_EMBEDDING_PRECISION must be one of "
                              "auto, fp32, int8.\n")


# The same rules everywhere -----------------------------------------------------------------
@pytest.mark.parametrize(("value", "expected"), [
    ("1", True), ("on", True), ("ON", True), (" yes ", True), ("true", True),
    ("0", False), ("off", False), ("no", False), ("", False),
])
def test_yes_no_settings_read_alike_in_the_cli_and_the_bot(value: str, expected: bool) -> None:
    # Once `on` meant yes in the bot and no in the CLI.
    environ = {"BRIEFING_ALLOW_PRIVATE_URLS": value, "BRIEFING_DEBUG": value,
               "DISCORD_TOKEN": "x.y"}
    cli = BriefingSettings.from_environ(environ)
    bot = Settings.from_environ(environ)
    assert cli.allow_private_urls is bot.allow_private_urls is expected
    assert cli.debug is expected


def test_the_bot_shares_the_cli_settings() -> None:
    """Every shared setting is the CLI's own declaration, not a copy the bot could change."""
    for name, field in BriefingSettings.model_fields.items():
        assert repr(Settings.model_fields[name]) == repr(field), name


class _Recorder(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(b"\x89PNG not an article")

    def log_message(self, *args: object) -> None:
        return None


@pytest.mark.parametrize(("value", "fetched"), [("on", True), ("1", True), ("", False),
                                                ("off", False)])
def test_the_cli_reads_allow_private_urls_like_the_bot(value: str, fetched: bool,
                                                       backends: Backends) -> None:
    _Recorder.requests = []
    with serving(_Recorder) as base:
        err = io.StringIO()
        code = main(["summary", f"{base}/story"], stdout=io.StringIO(), stderr=err,
                    environ={"BRIEFING_ALLOW_PRIVATE_URLS": value}, backends=backends)
    assert code == 1  # either refused, or fetched and found not to be a page
    assert bool(_Recorder.requests) is fetched, err.getvalue()
    if not fetched:
        assert "private" in err.getvalue() or "loopback" in err.getvalue()


def test_the_cli_honours_briefing_cache_off(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text("Ministers met in Paris on Monday.\n\nThey agreed on a plan, the "
                     "minister said.\n", encoding="utf-8")
    cache = tmp_path / "cache"
    settings = BriefingSettings.from_environ({"BRIEFING_CACHE_DIR": str(cache)})
    backends = Backends(settings.to_model_config())  # loads only what `actors` needs

    def run(value: str) -> list[Path]:
        code = main(["actors", str(story), "--json"], stdout=io.StringIO(),
                    stderr=io.StringIO(), backends=backends,
                    environ={"BRIEFING_CACHE_DIR": str(cache), "BRIEFING_CACHE": value})
        assert code == 0
        return [p for p in cache.rglob("*") if p.is_file() and p.suffix == ".json"]

    assert run("off") == []
    assert len(run("on")) == 1  # the same run with the cache on writes its entry


def test_blank_values_mean_not_set_and_spaces_are_ignored() -> None:
    settings = Settings.from_environ({
        "DISCORD_TOKEN": "  x.y  ", "BRIEFING_WORKERS": " ", "SUMMARY_MODEL": "",
        "BRIEFING_MODELS": " HUB ", "LOG_LEVEL": "debug"})
    assert settings.token.get_secret_value() == "x.y"
    assert (settings.workers, settings.summary_model) == (2, None)
    assert (settings.models, settings.log_level) == ("hub", "DEBUG")
    assert settings.model_fields_set == {"token", "models", "log_level"}


# The model itself ---------------------------------------------------------------------------
def test_values_a_program_passes_go_through_the_same_rules() -> None:
    built = Settings(token=SecretStr("x.y"), workers=3, cooldown=Cooldown(0, 1),
                     db_path="~/bot.db", log_level="debug", cache="off")
    assert (built.workers, built.log_level, built.cache) == (3, "DEBUG", False)
    assert built.db_path == Path.home() / "bot.db"
    assert built.model_fields_set == {"token", "workers", "cooldown", "db_path", "log_level",
                                      "cache"}
    with pytest.raises(SettingsError) as caught:
        Settings(token="x.y", workers=0, cooldown="fast", cache=2)
    assert str(caught.value) == ("BRIEFING_CACHE must be 1 or 0 (on/off, true/false and "
                                 "yes/no work too). BRIEFING_WORKERS must be at least 1. "
                                 "BRIEFING_COOLDOWN must look like 3/30 (commands/seconds).")


def test_a_setting_of_a_type_without_a_rule_is_refused_at_once() -> None:
    @dataclass(frozen=True, kw_only=True)
    class Odd(BriefingSettings):
        ratio: float = setting("ODD_RATIO", 0.5, section="debug", about="A ratio.")

    with pytest.raises(TypeError, match="ODD_RATIO: no parsing rule"):
        Odd.from_environ({})


def test_reading_the_settings_imports_no_validation_library() -> None:
    # pydantic took about 250 ms to import, most of a cached briefing: the settings model
    # is standard library only.
    code = ("import sys; from bot.settings import Settings; "
            "Settings.from_environ({'DISCORD_TOKEN': 'x.y'}); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', "
            "'pydantic_core', 'pydantic_settings'}))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, cwd=PROJECT).stdout
    assert found == "[]\n"


# Precision choices: declared once ----------------------------------------------------------
def _choices(command: str, option: str) -> tuple[str, ...]:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    sub = commands.choices[command]  # type: ignore[index]
    return tuple(next(a for a in sub._actions if option in a.option_strings).choices)


@pytest.mark.parametrize("command", ["brief", "classify", "digest"])
def test_cli_options_offer_what_the_settings_accept(command: str) -> None:
    assert _choices(command, "--precision") == EMBEDDING_PRECISIONS
    assert _choices(command, "--generation-precision") == GENERATION_PRECISIONS
    assert _choices(command, "--models") == MODEL_FAMILIES


def test_the_backends_accept_every_precision_the_settings_offer() -> None:
    assert set(EMBEDDING_PRECISIONS) <= set(get_args(BackendEmbeddingPrecision))
    assert set(GENERATION_PRECISIONS) == set(BACKEND_GENERATION_PRECISIONS)


@pytest.mark.parametrize("precision", EMBEDDING_PRECISIONS)
def test_classify_takes_int8_only_when_nothing_chose_a_precision(precision: str) -> None:
    chosen = BriefingSettings.from_environ({"BRIEFING_EMBEDDING_PRECISION": precision})
    unset = BriefingSettings.from_environ({})
    assert chosen.to_model_config(default_embedding_precision="int8").embedding_precision \
        == precision
    assert unset.to_model_config(default_embedding_precision="int8").embedding_precision \
        == "int8"
    assert unset.to_model_config().embedding_precision == "auto"


# Where settings are read, and what `.env.example` says ---------------------------------------
def test_env_example_is_made_from_the_model() -> None:
    written = (PROJECT / ".env.example").read_text(encoding="utf-8")
    assert written == env_example(Settings), (
        ".env.example is out of date: run `python -m bot.settings > .env.example`")


def test_env_example_lists_every_setting_once() -> None:
    written = (PROJECT / ".env.example").read_text(encoding="utf-8")
    listed = re.findall(r"^(?:# )?([A-Z][A-Z0-9_]+)=", written, flags=re.MULTILINE)
    declared = [Settings.variable(name) for name in Settings.model_fields]
    assert sorted(listed) == sorted([*declared, "HF_HUB_OFFLINE"])
    # Copied as it is, the example gives the defaults.
    values = dict(re.findall(r"^([A-Z][A-Z0-9_]+)=(.*)$", written, flags=re.MULTILINE))
    defaults = Settings.from_environ({**values, "DISCORD_TOKEN": "x.y"})
    assert defaults.model_dump(exclude={"token"}) == \
        Settings(token="x.y").model_dump(exclude={"token"})


def _package_sources() -> list[Path]:
    return sorted([*(PROJECT / "summarizer").rglob("*.py"), *(PROJECT / "bot").rglob("*.py")])


# The one environment write outside the settings model: a library's thread count, set before
# the library is imported unless the user chose one (summarizer/people_process.py).
_LIBRARY_DEFAULTS = {("summarizer/people_process.py", "OPENBLAS_NUM_THREADS")}


def _library_default(node: ast.AST) -> str | None:
    """The variable of an `os.environ.setdefault("NAME", ...)` call, else None."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "setdefault" and node.args
            and isinstance(node.args[0], ast.Constant)):
        return None
    target = node.func.value
    if (isinstance(target, ast.Attribute) and target.attr == "environ"
            and isinstance(target.value, ast.Name) and target.value.id == "os"):
        return str(node.args[0].value)
    return None


def test_settings_are_read_in_one_place() -> None:
    readers = []
    defaults = set()
    for path in _package_sources():
        name = path.relative_to(PROJECT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        allowed = set()
        for node in ast.walk(tree):
            variable = _library_default(node)
            if variable is not None:
                defaults.add((name, variable))
                allowed.add(id(node.func.value))  # type: ignore[attr-defined]
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv")
                    and isinstance(node.value, ast.Name) and node.value.id == "os"
                    and id(node) not in allowed):
                readers.append(name)
            if isinstance(node, ast.ImportFrom) and node.module == "dotenv":
                readers.append(name)
    # The resident process's client reads the environment only to forward it whole (the
    # CLI's settings model reads it in the resident process) and to find its socket.
    assert set(readers) == {"summarizer/settings.py", "summarizer/resident.py"}
    assert defaults == _LIBRARY_DEFAULTS


def test_every_variable_the_code_names_is_declared() -> None:
    declared = {Settings.variable(name) for name in Settings.model_fields}
    named = set()
    for path in _package_sources():
        named |= set(re.findall(r"\b(?:BRIEFING|DISCORD)_[A-Z_]+\b", path.read_text("utf-8")))
    assert named, "the scan found nothing: the pattern is wrong"
    assert named <= declared


# `.env` ------------------------------------------------------------------------------------
@pytest.fixture
def own_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """A copy of the process environment for the test to change, in an empty folder."""
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("BRIEFING_", "DISCORD_", "SUMMARY_", "TOPIC_"))}
    monkeypatch.setattr(os, "environ", environment)
    monkeypatch.chdir(tmp_path)
    return environment


def test_env_file_is_loaded_for_both_and_real_variables_win(
        own_environment: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "DISCORD_TOKEN=from.file\nBRIEFING_MODELS=hub\nBRIEFING_WORKERS=\n"
        "BRIEFING_ALLOW_PRIVATE_URLS=on\nHF_HUB_OFFLINE_TEST_ONLY=1\n", encoding="utf-8")
    own_environment["BRIEFING_MODELS"] = "embedded"
    bot = Settings.load()
    cli = BriefingSettings.load()
    assert bot.token.get_secret_value() == "from.file"
    assert bot.models == cli.models == "embedded"  # the real variable wins
    assert bot.allow_private_urls and cli.allow_private_urls
    assert bot.workers == 2 and "BRIEFING_WORKERS" not in own_environment  # empty: unset
    # Loaded into the environment, where libraries (HF_HUB_OFFLINE) read their own.
    assert own_environment["HF_HUB_OFFLINE_TEST_ONLY"] == "1"


def test_no_env_file_is_fine(own_environment: dict[str, str]) -> None:
    load_env_file()
    assert BriefingSettings.load() == BriefingSettings.from_environ({})


# Settings reaching the backends ------------------------------------------------------------
def test_generation_precision_reaches_the_summarizer(tmp_path: Path) -> None:
    folder = build_tiny_bart(tmp_path / "bart")
    backends = Backends(ModelConfig(summary_model=str(folder), generation_precision="fp32"))
    assert "fp32" in backends.summarizer.engine  # type: ignore[attr-defined]
    # A briefing made in another precision is another cache entry.
    assert backends.model_info().summary == f"{folder}@fp32"


def test_cli_generation_precision_option(tmp_path: Path) -> None:
    folder = build_tiny_bart(tmp_path / "bart")
    out, err = io.StringIO(), io.StringIO()
    code = main(["summary", "--json", "--length", "2", "--summary-model", str(folder),
                 "--generation-precision", "fp32"], stdout=out, stderr=err,
                environ={"BRIEFING_CACHE_DIR": str(tmp_path / "cache")})
    assert code == 0, err.getvalue()
    assert json.loads(out.getvalue())["models"]["summary"] == f"{folder}@fp32"


def test_onnx_export_goes_to_the_configured_folder(tmp_path: Path) -> None:
    backends = Backends(ModelConfig(export_dir=tmp_path / "onnx"))
    vectors = backends.embedder.embed(["A short sentence to embed."])
    assert vectors.shape == (1, 384)
    assert list((tmp_path / "onnx").glob("*.onnx"))


def test_readme_settings_table_is_made_from_the_model() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert settings_table(Settings) in readme, "run `python -m bot.settings --table`"
