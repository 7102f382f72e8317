"""The settings the front ends read, declared once: each with its environment variable, type,
default and description, and the same parsing rules for the CLI and the bot.

    settings = BriefingSettings.load()            # `.env`, then the process environment
    settings = BriefingSettings.from_environ({"BRIEFING_MODELS": "hub"})   # that mapping only
    analyzer = Analyzer.from_config(settings.to_model_config())

The bot's settings (`bot.settings.Settings`) extend this model with its own. Rules that hold
for every setting: surrounding spaces are ignored and an empty value means "not set" (so
`.env.example` can be copied as it is); yes/no settings take 1/0, on/off, true/false or
yes/no; choices are not case-sensitive. A bad value is refused with a `SettingsError` that
names the variable and what it takes, and never repeats the value (it may be a secret).

The model is a frozen dataclass: each field is declared with `setting(...)` (variable,
default, description), and its parsing rule follows from its type (`bool`, `int` with a
minimum, a `Literal` of choices, `Path`, `str`, `SecretStr`, each optionally `| None`); a
setting of another type names its own rule (`parse=`). Values a program passes to the
constructor go through the same rules as the environment's, so both are checked alike.
Standard library only: pydantic took about 250 ms to import, nearly half of a cached briefing.

The core never imports this module: the front ends turn it into the frozen `ModelConfig` and
the cache folder the core receives.
"""

from __future__ import annotations

import io
import json
import os
import textwrap
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar, Literal, Self, get_args, get_origin

from summarizer.config import (
    Device,
    EmbeddingPrecision,
    GenerationPrecision,
    ModelConfig,
    ModelFamily,
    TopicSummaries,
)
from summarizer.errors import UsageError

__all__ = ["BriefingSettings", "InvalidValue", "SecretStr", "Setting", "SettingsError",
           "env_example", "load_env_file", "parse_secret", "parse_whole_number", "setting",
           "settings_table"]

ENV_FILE = ".env"
Section = Literal["bot", "models", "cache", "cli", "debug"]
SECTIONS: dict[Section, str] = {
    "bot": "Discord bot",
    "models": "Models (CLI and bot)",
    "cache": "Cache and fetching (CLI and bot)",
    "cli": "Command line",
    "debug": "Debugging",
}
# Read by libraries, not by this model: listed in `.env.example` because `.env` is loaded into
# the process environment, where those libraries find them.
LIBRARY_VARIABLES = {
    "HF_HUB_OFFLINE": "Set to 1 to never contact the Hugging Face hub (only cached or local "
                      "models load). Read by the Hugging Face libraries.",
}
ModelId = str | None  # a hub id, a local folder, or "embedded"


class SettingsError(UsageError):
    """A setting is missing or malformed; the message names it and says what it takes."""


class InvalidValue(ValueError):
    """Raised by a parsing rule: the message says what the setting takes ("must be ..."),
    never the value, and follows the variable's name in the `SettingsError`."""


class _Marker:
    """A default that is no value: `REQUIRED` (no default), `UNSET` (not given)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


REQUIRED: Any = _Marker("REQUIRED")
UNSET: Any = _Marker("UNSET")


class SecretStr:
    """A secret text (the bot token): repr, str and JSON show asterisks; the value only comes
    out through `get_secret_value()`, at the one place that sends it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"SecretStr({str(self)!r})"

    def __str__(self) -> str:
        return "**********" if self._value else ""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretStr) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Setting:
    """One setting as declared: where it is read from and how `.env.example` shows it."""

    variable: str
    default: Any
    description: str
    section: Section
    example: str | None = None  # what `.env.example` shows (None: the default; "#": commented)
    missing: str | None = None  # completes "VARIABLE is not set." for a required setting
    minimum: int | None = None  # for a whole number
    parse: Callable[[object], object] | None = None  # a rule of its own instead of its type's

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


def setting(variable: str, default: Any = REQUIRED, *, section: Section, about: str,
            example: str | None = None, missing: str | None = None, minimum: int | None = None,
            parse: Callable[[object], object] | None = None) -> Any:
    """A settings field read from `variable` and described by `about` (see `Setting`).

    The dataclass default is `UNSET`, the declared one applied after parsing: that is how the
    model knows which settings were chosen (`model_fields_set`) and which took a default."""
    declared = Setting(variable, default, " ".join(about.split()), section, example, missing,
                       minimum, parse)
    return field(default=UNSET, metadata={"setting": declared})


# One parsing rule per type ------------------------------------------------------------------
# Each takes a stripped, non-empty text from the environment or a typed value a program
# passes, and returns the value or raises `InvalidValue`.
Rule = Callable[[object], object]
_YES_NO = {"1": True, "on": True, "true": True, "yes": True,
           "0": False, "off": False, "false": False, "no": False}


def parse_yes_no(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in _YES_NO:
        return _YES_NO[value.lower()]
    raise InvalidValue("must be 1 or 0 (on/off, true/false and yes/no work too).")


def parse_whole_number(minimum: int | None) -> Callable[[object], int]:
    def parse(value: object) -> int:
        if isinstance(value, str):
            try:
                number = int(value)
            except ValueError:
                raise InvalidValue("must be a whole number.") from None
        elif isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            raise InvalidValue("must be a whole number.")
        if minimum is not None and number < minimum:
            raise InvalidValue(f"must be at least {minimum}.")
        return number

    return parse


# The most idle minutes a resident process waits (a day): BRIEFING_KEEP_WARM_MINUTES and
# `summarizer warm --minutes` alike.
MAX_IDLE_MINUTES = 1440


def parse_minutes(value: object) -> int:
    """Idle minutes of a resident process: 0 (none) to MAX_IDLE_MINUTES."""
    minutes = parse_whole_number(0)(value)
    if minutes > MAX_IDLE_MINUTES:
        raise InvalidValue(f"must be at most {MAX_IDLE_MINUTES} (a day).")
    return minutes


def parse_choice(choices: tuple[str, ...]) -> Rule:
    """Any case of one of `choices`, given back as declared (the message lists them)."""
    by_key = {choice.casefold(): choice for choice in choices}

    def parse(value: object) -> str:
        if isinstance(value, str) and value.casefold() in by_key:
            return by_key[value.casefold()]
        raise InvalidValue(f"must be one of {', '.join(choices)}.")

    return parse


def parse_path(value: object) -> Path:
    if not isinstance(value, str | os.PathLike):
        raise InvalidValue("must be a path.")
    try:
        return Path(value).expanduser()
    except RuntimeError:  # `~someone` where there is no such user
        raise InvalidValue("starts with ~ but names no home folder.") from None


def parse_text(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidValue("must be text.")
    return value


def parse_secret(value: object) -> SecretStr:
    if isinstance(value, SecretStr):
        return value
    return SecretStr(parse_text(value))


def _rule_for(hint: object, declared: Setting) -> tuple[Rule, bool]:
    """The parsing rule of a field's type, and whether None is a value it takes."""
    optional = get_origin(hint) in (types.UnionType, typing.Union) and \
        type(None) in get_args(hint)
    if optional:
        (hint,) = [arg for arg in get_args(hint) if arg is not type(None)]
    if declared.parse is not None:
        return declared.parse, optional
    if get_origin(hint) is Literal:
        return parse_choice(get_args(hint)), optional
    rules: dict[object, Rule] = {bool: parse_yes_no, int: parse_whole_number(declared.minimum),
                                 Path: parse_path, str: parse_text, SecretStr: parse_secret}
    if hint not in rules:
        raise TypeError(f"{declared.variable}: no parsing rule for {hint!r}; pass parse=")
    return rules[hint], optional


# Worked out once per settings class, on first use.
_DECLARED: dict[type, Mapping[str, Setting]] = {}
_RULES: dict[type, Mapping[str, tuple[Setting, Rule, bool]]] = {}


def _declared(cls: type) -> Mapping[str, Setting]:
    if cls not in _DECLARED:
        _DECLARED[cls] = types.MappingProxyType({
            each.name: each.metadata["setting"] for each in fields(cls)
            if "setting" in each.metadata})
    return _DECLARED[cls]


def _rules(cls: type) -> Mapping[str, tuple[Setting, Rule, bool]]:
    if cls not in _RULES:
        hints = typing.get_type_hints(cls)  # the annotations are strings (`from __future__`)
        _RULES[cls] = {name: (declared, *_rule_for(hints[name], declared))
                       for name, declared in _declared(cls).items()}
    return _RULES[cls]


class _DeclaredSettings:
    """`cls.model_fields`: each setting's declaration, by field name, in declaration order."""

    def __get__(self, instance: object, owner: type) -> Mapping[str, Setting]:
        return _declared(owner)


# The model ----------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class BriefingSettings:
    """The settings the CLI and the bot share: models, cache, fetching, debugging.

    A subclass adds settings with `setting(...)` fields and is a
    `@dataclass(frozen=True, kw_only=True)` too."""

    sections: ClassVar[dict[Section, str]] = SECTIONS
    model_fields = _DeclaredSettings()

    # --- Models ----------------------------------------------------------------------------
    models: ModelFamily = setting(
        "BRIEFING_MODELS", "embedded", section="models",
        about='Model family: "embedded" (offline: all-MiniLM-L6-v2 and spaCy en_core_web_sm, '
              'installed as packages) or "hub" (the Hugging Face hub defaults for all three '
              'tasks; the weights must be cached, or the hub reachable once).')

    summary_model: ModelId = setting(
        "SUMMARY_MODEL", None, section="models",
        about='Summary model: a hub seq2seq id (e.g. sshleifer/distilbart-cnn-12-6) or a local '
              'folder; "embedded" forces the embedded extractive summarizer.')

    topic_model: ModelId = setting(
        "TOPIC_MODEL", None, section="models",
        about="Topic model: a hub NLI zero-shot id (e.g. "
              'MoritzLaurer/deberta-v3-base-zeroshot-v2.0) or a local folder; "embedded" '
              "forces embedding similarity.")

    entity_model: ModelId = setting(
        "ENTITY_MODEL", None, section="models",
        about="Entity model: a hub token-classification id (e.g. dslim/bert-base-NER) or a "
              'local folder; "embedded" forces spaCy.')

    device: Device = setting(
        "BRIEFING_DEVICE", "auto", section="models",
        about="Where hub models run: auto (CUDA when present, else the CPU), cpu or cuda.")

    embedding_precision: EmbeddingPrecision = setting(
        "BRIEFING_EMBEDDING_PRECISION", "auto", section="models", example="",
        about="Precision of the embedded sentence encoder: auto (fp32, or bf16 on CPUs with "
              "AMX), fp32 or int8 (about twice as fast; on CPUs with int8 dot products, VNNI "
              "or AMX, labels 96% identical to fp32, see the README). `summarizer classify` "
              "uses int8 on such CPUs unless this is set.")

    generation_precision: GenerationPrecision = setting(
        "BRIEFING_GENERATION_PRECISION", "auto", section="models",
        about="Hub seq2seq generation precision: auto (CTranslate2 int8 on a CPU when "
              "installed, fp16 on CUDA), fp32 (plain PyTorch), fp16, bf16 or int8.")

    topic_summaries: TopicSummaries = setting(
        "BRIEFING_TOPIC_SUMMARIES", "reuse", section="models",
        about="Hub summarizer's topic summaries: reuse (drawn from its one pass over the "
              "article and the topic's own sentences: one generate call per briefing) or "
              "abstractive (one generate call per topic, slower).")

    # --- Cache and fetching ----------------------------------------------------------------
    cache: bool = setting(
        "BRIEFING_CACHE", True, section="cache", example="on",
        about="Keep briefings in the on-disk cache; off disables it (the CLI's --no-cache does "
              "the same for one run).")

    cache_dir: Path | None = setting(
        "BRIEFING_CACHE_DIR", None, section="cache",
        about="Folder of the on-disk briefing cache (default: $XDG_CACHE_HOME/article-briefing, "
              "else ~/.cache/article-briefing); the embedded encoder's one-time ONNX export is "
              "kept in its onnx/ subfolder.")

    xdg_cache_home: Path | None = setting(
        "XDG_CACHE_HOME", None, section="cache", example="#",
        about="The standard cache folder of the desktop (XDG); used when BRIEFING_CACHE_DIR is "
              "not set.")

    allow_private_urls: bool = setting(
        "BRIEFING_ALLOW_PRIVATE_URLS", False, section="cache",
        about="Allow fetching URLs on loopback and private addresses. Off by default "
              "(server-side request forgery protection); turn on only for local testing.")

    # --- Command line ----------------------------------------------------------------------
    keep_warm_minutes: int = setting(
        "BRIEFING_KEEP_WARM_MINUTES", 0, section="cli", parse=parse_minutes,
        about="The CLI: after a briefing command that ran on its own, start a resident process "
              "in the background (as `summarizer warm --minutes N` does) so that the next "
              "briefings answer in a fraction of a second; it stops after this many idle "
              f"minutes (1-{MAX_IDLE_MINUTES}). 0 never starts one.")

    # --- Debugging -------------------------------------------------------------------------
    debug: bool = setting(
        "BRIEFING_DEBUG", False, section="debug",
        about="The CLI: 1 shows the traceback of an internal error instead of a one-line "
              "report.")

    # The settings given a value (not left to their default): to_model_config needs to know.
    model_fields_set: frozenset[str] = field(init=False, repr=False, compare=False,
                                             default=frozenset())

    def __post_init__(self) -> None:
        """Every setting through its rule, the defaults filled in; all problems reported at
        once, one sentence each."""
        problems, chosen = [], set()
        for name, (declared, parse, optional) in _rules(type(self)).items():
            value = getattr(self, name)
            if isinstance(value, str):
                value = value.strip() or UNSET  # spaces go; empty means not set
            if value is UNSET:
                if declared.required:
                    problems.append(" ".join(filter(None, (
                        f"{declared.variable} is not set.", declared.missing))))
                    continue
                value = declared.default
            else:
                chosen.add(name)
                try:
                    value = None if value is None and optional else parse(value)
                except InvalidValue as error:
                    problems.append(f"{declared.variable} {error}")
                    continue
                except ValueError:  # a library's message might quote the value: not shown
                    problems.append(f"{declared.variable} has a value that is not valid.")
                    continue
            object.__setattr__(self, name, value)
        if problems:
            raise SettingsError(" ".join(problems))
        object.__setattr__(self, "model_fields_set", frozenset(chosen))

    # Reading -----------------------------------------------------------------------------
    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Self:
        """The settings in `environ` (a variable not there takes its default).

        Raises:
            SettingsError: a value that does not parse, or a required setting missing.
        """
        values: dict[str, Any] = {name: environ[declared.variable]
                                  for name, declared in cls.model_fields.items()
                                  if declared.variable in environ}
        return cls(**values)

    @classmethod
    def load(cls, env_file: str | os.PathLike[str] | None = ENV_FILE) -> Self:
        """`.env` (when present) loaded into the process environment, then the settings read
        from it. Real environment variables win over the file.

        Raises:
            SettingsError: see `from_environ`.
        """
        if env_file is not None:
            load_env_file(env_file)
        return cls.from_environ(os.environ)

    @classmethod
    def variable(cls, name: str) -> str:
        """The environment variable of the setting `name`."""
        return cls.model_fields[name].variable

    def model_dump(self, *, exclude: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
        """The settings by field name."""
        return {name: getattr(self, name) for name in self.model_fields if name not in exclude}

    def model_dump_json(self) -> str:
        """The settings as JSON, for a log or a report: the token shows as asterisks."""
        return json.dumps(self.model_dump(), default=str)

    # What the core receives ---------------------------------------------------------------
    @property
    def cache_folder(self) -> Path:
        """Where the cache lives (and the encoder's export), whether the cache is on or not."""
        if self.cache_dir is not None:
            return self.cache_dir
        return (self.xdg_cache_home or Path.home() / ".cache") / "article-briefing"

    @property
    def briefing_cache(self) -> Path | None:
        """The folder of the briefing cache, or None when it is off."""
        return self.cache_folder if self.cache else None

    def to_model_config(self, *, default_embedding_precision: EmbeddingPrecision | None = None,
                        **overrides: str | None) -> ModelConfig:
        """The core's model settings. Non-None `overrides` (command-line options, by field
        name) win; `default_embedding_precision` applies when neither an option nor
        BRIEFING_EMBEDDING_PRECISION chose one."""
        precision = self.embedding_precision
        if default_embedding_precision and "embedding_precision" not in self.model_fields_set:
            precision = default_embedding_precision
        values: dict[str, Any] = {
            "models": self.models, "summary_model": self.summary_model,
            "topic_model": self.topic_model, "entity_model": self.entity_model,
            "device": self.device, "embedding_precision": precision,
            "generation_precision": self.generation_precision,
            "topic_summaries": self.topic_summaries,
            **{key: value for key, value in overrides.items() if value is not None},
        }
        return ModelConfig(**values, export_dir=self.cache_folder / "onnx")


def load_env_file(path: str | os.PathLike[str] = ENV_FILE) -> None:
    """Put `.env`'s variables into the process environment, where both the settings and the
    libraries that read their own (HF_HUB_OFFLINE) find them. A variable already set wins."""
    if not Path(path).is_file():
        return
    for variable, value in env_file_values(Path(path).read_text(encoding="utf-8")).items():
        if variable not in os.environ:
            os.environ[variable] = value


def env_file_values(text: str) -> dict[str, str]:
    """The variables a `.env` text sets; an empty one is skipped (empty means not set)."""
    from dotenv import dotenv_values

    return {variable: value for variable, value in dotenv_values(stream=io.StringIO(text)).items()
            if value}


# `.env.example` and the README's table, made from the model ----------------------------------
def env_example(settings_cls: type[BriefingSettings]) -> str:
    """The text of `.env.example`: every setting with its description and example value."""
    lines = ["# article briefing settings. Copy to .env (`cp .env.example .env`) and fill in. "
             "Every setting", "# is optional except DISCORD_TOKEN for the bot. The CLI and "
             "the bot load .env at start-up;", "# real environment variables win over the "
             "file. An empty value means not set."]
    declared = settings_cls.model_fields
    for section, heading in settings_cls.sections.items():
        names = [name for name, each in declared.items() if each.section == section]
        if not names:
            continue
        lines += ["", f"# --- {heading} " + "-" * max(3, 85 - len(heading))]
        for name in names:
            lines += _comment(declared[name].description)
            example = shown_value(declared[name])
            variable = declared[name].variable
            lines.append(f"# {variable}=" if example == "#" else f"{variable}={example}")
        if section == "models":
            for variable, description in LIBRARY_VARIABLES.items():
                lines += [*_comment(description), f"# {variable}=1"]
    return "\n".join(lines) + "\n"


def settings_table(settings_cls: type[BriefingSettings]) -> str:
    """The README's table of settings, in Markdown."""
    rows = ["| variable | default | read by | meaning |", "|---|---|---|---|"]
    readers = {"bot": "bot", "cli": "CLI", "debug": "CLI"}
    for declared in settings_cls.model_fields.values():
        shown = "" if declared.required else _shown(declared.default)
        default = "(required)" if declared.required else f"`{shown}`" if shown else "(none)"
        meaning = declared.description.replace("|", "\\|")
        rows.append(f"| `{declared.variable}` | {default} | "
                    f"{readers.get(declared.section, 'CLI and bot')} | {meaning} |")
    return "\n".join(rows) + "\n"


def shown_value(declared: Setting) -> str:
    """The value `.env.example` shows for a setting: its example, else its default."""
    if declared.example is not None:
        return declared.example
    return "" if declared.required else _shown(declared.default)


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _comment(text: str) -> list[str]:
    return [f"# {line}" for line in textwrap.wrap(text, width=88)]
