"""The `summarizer` command line.

    summarizer brief|summary|topics|actors|quotes [SOURCE] [--json | --markdown] [--length N]
               [--all] [--labels "a, b"] [--models embedded|hub] [--summary-model ID]
               [--topic-model ID] [--entity-model ID]
    summarizer classify --labels "a, b, c" FILE|-
    summarizer digest SOURCE... [--json | --markdown] [--since PREVIOUS.json] [--labels "a, b"]
    summarizer warm [--minutes N | --stop | --status]

SOURCE is a file, `-` for standard input, an http(s) URL, or nothing for the bundled sample
article; for `digest`, each SOURCE is a file, a folder of .txt/.md/.html files, an article URL
or an RSS/Atom feed URL, and the exit code is 0 when at least one article was briefed (the
failures on standard error), 1 when none was. Results go to standard output; progress and
errors to standard error. `warm` starts a resident process that keeps the models loaded and
answers the briefing commands of later runs (see `summarizer.resident`). Other exit codes:
0 success, 1 bad input (or a model that cannot be loaded), 2 bad usage, 3 an internal error
(a bug: reported by its type only, never with a traceback).
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO

from summarizer.errors import BriefingError, UsageError, printable

if TYPE_CHECKING:
    from summarizer.api import Analyzer
    from summarizer.backends import Backends, BackendsPool, Progress
    from summarizer.config import ModelConfig
    from summarizer.options import AnalysisOptions
    from summarizer.people_process import PeopleProcess
    from summarizer.settings import BriefingSettings

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
# Error messages echo outside values (file names, headers): cut, they stay readable.
MAX_MESSAGE = 400
_C1 = re.compile(r"[\x80-\x9f]")
SECTION_COMMANDS = {
    "brief": frozenset({"summary", "topics", "actors", "quotes"}),
    "summary": frozenset({"summary"}),
    "topics": frozenset({"topics"}),
    "actors": frozenset({"actors"}),
    "quotes": frozenset({"quotes"}),
}
CLASSIFY_BATCH = 256
# One line is one text to classify; the classifier reads only its first few hundred words,
# and a line is read whole before it is checked, so this bounds memory on a file (or stdin)
# that is one enormous line.
CLASSIFY_MAX_LINE_BYTES = 100_000


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="summarizer",
        description="Brief a news article: summary, zero-shot topics, key actors and quotes.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    helps = {
        "brief": "the full briefing: summary, topics, actors and quotes",
        "summary": "summary bullets",
        "topics": "zero-shot topics, each with a short summary",
        "actors": "key people, organisations, places and groups",
        "quotes": "direct and reported quotes with their speakers",
    }
    for name, help_text in helps.items():
        command = commands.add_parser(name, help=help_text, description=help_text)
        command.add_argument("source", nargs="?", default=None,
                             help="file, '-' for stdin, or http(s) URL (default: the sample)")
        output = command.add_mutually_exclusive_group()
        output.add_argument("--json", action="store_true", help="JSON (schema 1)")
        output.add_argument("--markdown", action="store_true", help="Markdown for pasting")
        command.add_argument("--length", type=int, default=5, help="summary bullets (1-20)")
        command.add_argument("--labels", default=None,
                             help='topic labels, e.g. "economy, war, space" (default: taxonomy)')
        command.add_argument("--all", action="store_true", dest="all_actors",
                             help="list every actor found, not only the 12 key ones")
        _add_model_options(command)
    classify = commands.add_parser(
        "classify", help="zero-shot classify one text per line into JSON lines",
        description="Classify each line of FILE (or stdin) among --labels; prints one JSON "
                    'object per input line: {"label": best, "scores": {label: score}}.')
    classify.add_argument("source", help="file, or '-' for stdin")
    classify.add_argument("--labels", required=True, help='e.g. "business, sport, tech"')
    _add_model_options(classify)
    _add_digest_command(commands)
    _add_warm_command(commands)
    return parser


def _add_warm_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from summarizer.resident import DEFAULT_MINUTES
    from summarizer.settings import MAX_IDLE_MINUTES

    warm = commands.add_parser(
        "warm", help="keep the models loaded in a resident process for later commands",
        description="Start a process that loads the models once and answers the briefing "
                    "commands (brief, summary, topics, actors, quotes) of later runs under "
                    "the same settings: each then takes about the time of a warm briefing "
                    "instead of a new process's start. It stops after --minutes without a "
                    "request.")
    action = warm.add_mutually_exclusive_group()
    action.add_argument("--minutes", type=int, default=DEFAULT_MINUTES,
                        help=f"idle minutes before it stops (1-{MAX_IDLE_MINUTES}, default "
                             f"{DEFAULT_MINUTES})")
    action.add_argument("--stop", action="store_true", help="stop every resident process")
    action.add_argument("--status", action="store_true",
                        help="say whether one serves the current settings")


def _add_digest_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    digest = commands.add_parser(
        "digest", help="a digest of many articles: headlines, recurring actors, topics, quotes",
        description="Brief every SOURCE (a file, a folder of .txt/.md/.html files, an article "
                    "URL or an RSS/Atom feed URL) and merge them: each article's headline and "
                    "two bullets, then the actors that recur, the topics that dominate, notable "
                    "quotes, and what is new since a previous digest (--since). A source that "
                    "fails is reported in its place; exit 0 when at least one was briefed.")
    digest.add_argument("sources", nargs="+", metavar="SOURCE",
                        help="file, folder, article URL or feed URL")
    output = digest.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="JSON (digest schema 1)")
    output.add_argument("--markdown", action="store_true", help="Markdown for pasting")
    digest.add_argument("--since", default=None, metavar="FILE",
                        help="a previous digest's --json output: say what is new since it")
    digest.add_argument("--bullets", type=int, default=2, help="bullets per article (1-5)")
    digest.add_argument("--labels", default=None,
                        help='topic labels, e.g. "economy, war, space" (default: taxonomy)')
    digest.add_argument("--max-items", type=int, default=None,
                        help="items read from each feed (default 20)")
    digest.add_argument("--workers", type=int, default=None,
                        help="articles briefed at once (default: one per core, at most 4)")
    _add_model_options(digest)


def _add_model_options(command: argparse.ArgumentParser) -> None:
    from summarizer.config import (
        EMBEDDING_PRECISIONS,
        GENERATION_PRECISIONS,
        MODEL_FAMILIES,
        TOPIC_SUMMARIES,
    )

    command.add_argument("--models", choices=MODEL_FAMILIES, default=None,
                         help="model family (default: BRIEFING_MODELS or embedded)")
    command.add_argument("--summary-model", default=None, help="seq2seq hub id or folder")
    command.add_argument("--topic-model", default=None, help="NLI zero-shot hub id or folder")
    command.add_argument("--entity-model", default=None, help="token-classification id or folder")
    command.add_argument("--generation-precision", default=None,
                         choices=GENERATION_PRECISIONS,
                         help="hub summarizer generation (default auto: CTranslate2 int8 on "
                              "CPU when installed, fp16 on CUDA)")
    command.add_argument("--topic-summaries", choices=TOPIC_SUMMARIES, default=None,
                         help="hub summarizer's topic summaries (default reuse: from its one "
                              "pass; abstractive: one generation per topic)")
    command.add_argument("--precision", choices=EMBEDDING_PRECISIONS, default=None,
                         help="embedded sentence encoder precision (default auto: fp32, bf16 "
                              "on AMX CPUs; int8 for classify, about 2x faster)")
    command.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    command.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: BinaryIO | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    environ: Mapping[str, str] | None = None,
    backends: Backends | BackendsPool | None = None,
) -> int:
    """Run the CLI. Streams, environment and already-loaded backends are arguments so that
    tests and programs embedding the CLI can pass their own. Run as the command itself
    (nothing passed), a briefing command goes to the resident process when one serves these
    settings (`summarizer warm`)."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    as_command = argv is None and stdin is stdout is stderr is environ is backends is None
    if as_command:
        from summarizer.resident import ask

        try:
            asked = ask(sys.argv[1:], sys.stdin.buffer, out, err)
        except KeyboardInterrupt:  # ^C while the resident process works
            print("summarizer: interrupted", file=err)
            return 130
        if asked.code is not None:
            return asked.code
        if asked.stdin is not None:  # read for the resident process, which did not answer
            stdin = io.BytesIO(asked.stdin)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    settings: BriefingSettings | None = None
    try:
        settings = _settings(environ)
        if args.command == "warm":
            return _warm(args, out, err)
        if args.command == "digest":
            return _digest(args, out, err, settings, backends)
        if args.command == "classify":
            return _classify(args, stdin or sys.stdin.buffer, out, err, settings, backends)
        code = _brief(args, stdin or sys.stdin.buffer, out, err, settings, backends)
        if as_command and settings.keep_warm_minutes:
            _keep_warm(settings.keep_warm_minutes)
        return code
    except UsageError as error:
        print(f"summarizer: error: {printable(str(error), MAX_MESSAGE)}", file=err)
        return EXIT_USAGE
    except BriefingError as error:
        print(f"summarizer: {printable(str(error), MAX_MESSAGE)}", file=err)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("summarizer: interrupted", file=err)
        return 130
    except Exception as error:  # the last line of defence, see below
        # A bug must not show the user a traceback: it would print internal paths and,
        # through the locals of a frame, possibly settings. The type names the bug for a
        # report; BRIEFING_DEBUG=1 lets a developer see the whole of it.
        if settings is not None and settings.debug:
            raise
        print(f"summarizer: internal error ({type(error).__name__}); please report it.",
              file=err)
        return EXIT_INTERNAL


def _settings(environ: Mapping[str, str] | None) -> BriefingSettings:
    """The settings: `environ` alone when a caller passes one, else `.env` and the process
    environment. Imported here, not at the top: pydantic takes a while to import."""
    from summarizer.settings import BriefingSettings

    if environ is None:
        return BriefingSettings.load()
    return BriefingSettings.from_environ(environ)


def _warm(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from summarizer import resident
    from summarizer.settings import MAX_IDLE_MINUTES

    if args.stop:
        return resident.stop(out)
    if args.status:
        return resident.status(out)
    if not 1 <= args.minutes <= MAX_IDLE_MINUTES:
        raise UsageError(f"--minutes must be between 1 and {MAX_IDLE_MINUTES}.")
    return resident.start(args.minutes, out, err)


def _keep_warm(minutes: int) -> None:
    """BRIEFING_KEEP_WARM_MINUTES: a briefing that ran on its own leaves a resident process
    starting in the background, for the next ones (see `summarizer.resident`)."""
    from summarizer.resident import launch

    launch(minutes)


def _int8_pays() -> bool:
    from summarizer.backends.minilm import cpu_has_int8_dot

    return cpu_has_int8_dot()


def _model_config(args: argparse.Namespace, settings: BriefingSettings) -> ModelConfig:
    # Feeds want throughput: classify takes int8 where the CPU has int8 dot products (labels
    # then agree with fp32 on 96% of BBC lines, accuracy unchanged); without them int8 costs
    # accuracy (see cpu_has_int8_dot), so the default stays fp32. Briefings keep fp32: int8
    # costs the extractive summary 0.3-0.5 ROUGE.
    return settings.to_model_config(
        default_embedding_precision=(
            "int8" if args.command == "classify" and _int8_pays() else None),
        models=args.models,
        summary_model=args.summary_model,
        topic_model=args.topic_model,
        entity_model=args.entity_model,
        embedding_precision=args.precision,
        generation_precision=args.generation_precision,
        topic_summaries=args.topic_summaries,
    )


def _analyzer(
    args: argparse.Namespace, err: IO[str], settings: BriefingSettings,
    backends: Backends | BackendsPool | None, config: ModelConfig | None = None,
) -> tuple[Analyzer, Progress]:
    from summarizer.api import Analyzer
    from summarizer.backends import Backends, BackendsPool
    from summarizer.cache import BriefingCache

    config = config or _model_config(args, settings)
    started = time.perf_counter()

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"[{time.perf_counter() - started:5.1f}s] {message}", file=err, flush=True)

    folder = None if args.no_cache else settings.briefing_cache
    cache = BriefingCache(folder) if folder is not None else None
    if isinstance(backends, BackendsPool):
        backends = backends.get(config, progress)
    elif backends is None or backends.config != config:
        backends = Backends(config, progress)
    return Analyzer(backends, cache), progress


def _brief(args: argparse.Namespace, stdin: BinaryIO, out: IO[str], err: IO[str],
           settings: BriefingSettings, backends: Backends | BackendsPool | None) -> int:
    from summarizer.options import AnalysisOptions, parse_labels

    options = AnalysisOptions(
        sections=SECTION_COMMANDS[args.command],
        length=args.length,
        labels=parse_labels(args.labels) if args.labels is not None else None,
    )
    allow_private = settings.allow_private_urls
    config = _model_config(args, settings)
    with _people_process(options, config, one_shot=backends is None) as people:
        # Imported after the parse process has forked: it needs neither.
        from summarizer.article import load_article
        from summarizer.render import briefing_to_dict, plural, to_markdown, to_text

        article = load_article(args.source, stdin=stdin, allow_private_urls=allow_private)
        analyzer, progress = _analyzer(args, err, settings, backends, config)
        progress(f"Analysing {plural(article.words, 'word')} in "
                 f"{plural(len(article.paragraphs), 'paragraph')}...")
        briefing = analyzer.cached(article, options)
        if briefing is None:
            if people is not None:
                people.send(article)
            briefing = analyzer.analyse(article, options, people=people)
    progress("Done.")
    if args.json:
        # JSON escapes C0 controls itself; C1 ones (a terminal's CSI among them) it leaves.
        text = json.dumps(briefing_to_dict(briefing, all_actors=args.all_actors),
                          ensure_ascii=False, indent=2)
        out.write(_C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")
    elif args.markdown:
        out.write(printable(to_markdown(briefing, all_actors=args.all_actors)))
    else:
        out.write(printable(to_text(briefing, all_actors=args.all_actors)))
    return EXIT_OK


@contextmanager
def _people_process(options: AnalysisOptions, config: ModelConfig, *,
                    one_shot: bool) -> Iterator[PeopleProcess | None]:
    """A child process that loads spaCy now and finds the actors and quotes of the article
    it is sent, when this run is one where that pays: a one-shot run that loads its own
    models (a caller's loaded backends parse in a thread), entities from spaCy, and
    embedding work to do alongside. Started before the article is loaded; stopped on
    leaving, whether it was used or not. See `summarizer.people_process`."""
    from summarizer.people_process import PeopleProcess, can_fork

    sections = options.sections
    if not (one_shot and can_fork() and sections & {"actors", "quotes"}
            and sections & {"summary", "topics"} and config.resolved("entities") is None):
        yield None
        return
    with PeopleProcess() as people:
        yield people


def _digest(args: argparse.Namespace, out: IO[str], err: IO[str],
            settings: BriefingSettings, backends: Backends | BackendsPool | None) -> int:
    from summarizer.digest import DigestOptions, previous_from_dict
    from summarizer.feeds import MAX_FEED_ITEMS, load_sources
    from summarizer.options import AnalysisOptions, parse_labels
    from summarizer.render import digest_to_dict, digest_to_markdown, digest_to_text
    from summarizer.types import Article

    if not 1 <= args.bullets <= 5:
        raise UsageError("--bullets must be between 1 and 5.")
    if args.workers is not None and not 1 <= args.workers <= 16:
        raise UsageError("--workers must be between 1 and 16.")
    if args.max_items is not None and not 1 <= args.max_items <= 100:
        raise UsageError("--max-items must be between 1 and 100.")
    previous = None
    if args.since is not None:
        try:
            previous = previous_from_dict(json.loads(Path(args.since).read_text("utf-8")))
        except (OSError, ValueError, TypeError, AttributeError, KeyError) as error:
            raise UsageError(f"--since: {Path(args.since).name[:80]} is not a digest written "
                             "by --json.") from error
    # The briefing's default length: the cache entries of `summarizer brief` serve here too.
    options = DigestOptions(
        analysis=AnalysisOptions(
            length=max(5, args.bullets + 1),
            labels=parse_labels(args.labels) if args.labels is not None else None),
        bullets=args.bullets, workers=args.workers, previous=previous)
    allow_private = settings.allow_private_urls
    analyzer, progress = _analyzer(args, err, settings, backends)
    progress(f"Loading {len(args.sources)} source{'s' if len(args.sources) != 1 else ''}...")
    inputs = load_sources(args.sources, allow_private=allow_private,
                          max_items=args.max_items or MAX_FEED_ITEMS)
    count = sum(1 for item in inputs if isinstance(item, Article))
    bar = _progress_bar(count, err, quiet=args.quiet or count < 2)
    try:
        digest = analyzer.digest(inputs, options,
                                 on_done=lambda index: bar.update(
                                     1 if isinstance(inputs[index], Article) else 0))
    finally:
        bar.close()
    progress("Done.")
    for failure in digest.failures:
        print(f"summarizer: #{failure.index} {failure.source}: {failure.error}", file=err)
    if args.json:
        json.dump(digest_to_dict(digest), out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif args.markdown:
        out.write(digest_to_markdown(digest))
    else:
        out.write(digest_to_text(digest))
    return EXIT_OK if digest.briefed else EXIT_INPUT


def _progress_bar(total: int, err: IO[str], *, quiet: bool) -> Any:
    """A tqdm bar on standard error; silent when quiet or when it is not a terminal (a log
    file or a pipe would fill with carriage returns)."""
    from tqdm import tqdm

    isatty = getattr(err, "isatty", None)
    disable = quiet or not (callable(isatty) and isatty())
    return tqdm(total=total, desc="Briefing", unit="article", file=err, disable=disable,
                leave=False, dynamic_ncols=True)


def _classify(args: argparse.Namespace, stdin: BinaryIO, out: IO[str], err: IO[str],
              settings: BriefingSettings, backends: Backends | BackendsPool | None) -> int:
    from summarizer.options import parse_labels

    labels = parse_labels(args.labels)
    analyzer, _ = _analyzer(args, err, settings, backends)
    for batch in _line_batches(args.source, stdin):
        texts = [line for line in batch if line]
        results = iter(analyzer.classify(texts, labels)) if texts else iter(())
        for line in batch:
            if not line:
                out.write(json.dumps({"label": None, "scores": {}}) + "\n")
                continue
            result = next(results)
            out.write(json.dumps({"label": result.label, "scores": result.scores},
                                 ensure_ascii=False) + "\n")
        out.flush()
    return EXIT_OK


def _line_batches(source: str, stdin: BinaryIO) -> Iterator[list[str]]:
    """Lines of the input in batches, decoded as UTF-8, stripped; streams big inputs."""
    from summarizer.errors import InputError

    if source == "-":
        handle: BinaryIO = stdin
    else:
        path = Path(source)
        try:
            if path.is_dir():  # the same message as `brief` gives
                raise InputError(f"{path.name} is a folder, not a text file.")
            if not path.is_file():
                raise InputError(f"No such file: {path.name}")
            handle = path.open("rb")
        except OSError as error:  # a name too long, permission denied: a message, no traceback
            raise InputError(f"Cannot read {path.name[:80]}: "
                             f"{(error.strerror or type(error).__name__).rstrip('.')}.") from error
    batch: list[str] = []
    try:
        for number, raw in enumerate(_capped_lines(handle), start=1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as error:
                raise InputError(f"Line {number} is not valid UTF-8 text.") from error
            if "\x00" in line:
                raise InputError(f"Line {number} contains binary data.")
            batch.append(" ".join(line.split()))
            if len(batch) >= CLASSIFY_BATCH:
                yield batch
                batch = []
        if batch:
            yield batch
    except OSError as error:
        raise InputError(
            f"Could not read the input: {(error.strerror or type(error).__name__).rstrip('.')}."
        ) from error
    finally:
        if handle is not stdin:
            handle.close()


def _capped_lines(handle: BinaryIO) -> Iterator[bytes]:
    """The lines of `handle`, each read with a bound (iterating a file reads a line whole,
    however long)."""
    from summarizer.errors import InputError

    number = 0
    while raw := handle.readline(CLASSIFY_MAX_LINE_BYTES + 2):
        number += 1
        if len(raw.rstrip(b"\r\n")) > CLASSIFY_MAX_LINE_BYTES:
            raise InputError(f"Line {number} is over {CLASSIFY_MAX_LINE_BYTES:,} bytes, the limit "
                             "for one text to classify.")
        yield raw


if __name__ == "__main__":
    raise SystemExit(main())
