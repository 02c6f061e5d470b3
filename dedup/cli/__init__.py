"""``dedup-text``: clean documents (``clean``, the default) or a corpus (``corpus``) from the command line.

    dedup-text [clean] [INPUT ...] [-o OUT] [options]      (also: python -m dedup)
    dedup-text corpus INPUT ... -o OUT [options]            (dedup.corpus_cli)

Options shared by the subcommands are defined once, in :mod:`dedup.cli_args` (``add_*_options``);
``--config FILE`` fills in options from TOML (:mod:`dedup.cli_config`);
``-v``/``--log-level`` send the ``dedup`` logger to standard error.

Exit codes: 0 success, 1 input or processing error, 2 usage error, 130
interrupted, 141 output pipe closed.  Every error is one line on stderr;
output files are written to a temporary file and renamed, so a failed run
leaves no partial output.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import logging
import os
import sys
import time
from collections.abc import Iterator, Sequence
from typing import Any

from .cli_args import (  # noqa: F401  (the shared names keep their dedup.cli import path)
    COMMANDS,
    DIFF_MODES,
    KEEP_NAMES,
    LOG_LEVELS,
    PROG,
    Option,
    Parser,
    add_matching_options,
    add_read_options,
    add_run_options,
    fraction,
    log,
    positive_int,
    read_config_from_args,
    say,
    version,
)
from .errors import DedupError, InputError, OutputError, UsageError

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_PIPE = 0, 1, 2, 130, 141

# -- dedup-text clean ----------------------------------------------------------------------


def add_clean_options(p: argparse.ArgumentParser) -> None:
    """The options of ``dedup-text clean`` (also ``dedup-text`` without a subcommand)."""
    p.add_argument("inputs", nargs="*", metavar="INPUT", help="text files in any common encoding, or - for standard input (default)")
    p.add_argument("-o", "--output", metavar="OUT", help="write the cleaned text here (a directory when there are several inputs); default: standard output")
    p.add_argument("--report", metavar="FILE", help="write the JSON report here (a directory when there are several inputs)")
    p.add_argument(
        "--diff",
        nargs="?",
        const="lines",
        choices=DIFF_MODES,
        metavar="MODE",
        help="print what changed instead of writing anything: a unified diff of lines (default), or of words or "
        "chars inside changed lines, marked [-removed-]{+added+} (chars suits Chinese)",
    )
    add_matching_options(p, what="paragraphs", threshold=0.8)
    p.add_argument("--unit", choices=("paragraph", "line"), default="paragraph", help="what a block is (default: paragraph)")
    p.add_argument("--repair", choices=("off", "safe", "aggressive"), default="safe", help="typo repair mode (default: safe)")
    p.add_argument("--explain", action="store_true", help="list every edit, with its rule and reason, on standard error")
    add_read_options(p)
    p.add_argument("--max-blocks", type=positive_int, metavar="N", help="most blocks in one document (default 100000; more is a corpus)")
    p.add_argument("--max-block-chars", type=positive_int, metavar="N", help="longest block, in characters (default 1000000)")
    p.add_argument("--html", metavar="FILE", help="also write a self-contained HTML review page")
    add_run_options(p)


CLEAN_HELP = (
    "Collapse near-duplicate paragraphs, rejoin cut paragraphs and repair typos with evidence; "
    "write one clean document and a JSON report that accounts for every input span."
)
CORPUS_HELP = (
    "Find near-duplicate documents and boilerplate across a corpus (JSONL, Parquet, a folder of text files "
    "or a SogouCS dump); write the kept documents, cleaned, and a report line per input document "
    "(id, cluster, duplicate_of, score)."
)


def build_parsers() -> tuple[Parser, dict[str, Parser]]:
    """The ``dedup-text`` parser and its subcommands' parsers, by name."""
    from .corpus_cli import add_corpus_options

    top = Parser(
        prog=PROG,
        usage=f"{PROG} [clean] [INPUT ...] [-o OUT] [options]\n       {PROG} corpus INPUT ... -o OUT [options]\n       {PROG} COMMAND --help | --version",
        description="Clean messy, heavily repeated text: one document at a time (clean) or a whole corpus (corpus).",
        epilog=f"Without a command, {PROG} cleans: '{PROG} FILE -o OUT' is '{PROG} clean FILE -o OUT' "
        f"(a file named like a command: '{PROG} clean corpus' or './corpus'). "
        f"'{PROG} COMMAND --help' lists a command's options.",
    )
    top.add_argument("--version", action="version", version=f"{PROG} {version()}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND", title="commands", parser_class=Parser)
    clean = sub.add_parser("clean", prog=f"{PROG} clean", help="clean documents (the default)", description=CLEAN_HELP + f" For corpora see '{PROG} corpus --help'.")
    add_clean_options(clean)
    corpus = sub.add_parser("corpus", prog=f"{PROG} corpus", help="deduplicate a corpus (JSONL, Parquet, folders, SogouCS)", description=CORPUS_HELP)
    add_corpus_options(corpus)
    return top, {"clean": clean, "corpus": corpus}


def build_parser() -> argparse.ArgumentParser:
    """The ``dedup-text`` parser (subcommands ``clean`` and ``corpus``)."""
    return build_parsers()[0]


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """``dedup-text`` arguments: the subcommand (``clean`` when none is named), its options, ``--config`` merged in.

    Only the first argument names a subcommand, so ``dedup-text FILE -o OUT``
    keeps meaning ``clean``; ``args.command`` says which one ran.
    """
    from .cli_config import parse_with_config

    argv = list(argv)
    top, commands = build_parsers()
    if argv[:1] in (["-h"], ["--help"], ["--version"]):
        top.parse_args(argv[:1])  # prints, then exits
    command = argv[0] if argv[:1] and argv[0] in commands else "clean"
    rest = argv[1:] if argv[:1] == [command] else argv
    if command == "clean":
        rest = diff_mode_arguments(rest)
    args = parse_with_config(commands[command], rest)
    args.command = command
    if command == "corpus" and args.rethreshold is None:
        missing = [name for name, value in (("INPUT", args.inputs), ("-o/--output", args.output)) if not value]
        if missing:
            commands[command].error(f"the following arguments are required: {', '.join(missing)}")
    return args


def diff_mode_arguments(argv: list[str]) -> list[str]:
    """``--diff`` not followed by a mode becomes ``--diff=lines``, so that ``--diff FILE`` keeps FILE an input."""
    out: list[str] = []
    for i, arg in enumerate(argv):
        if arg == "--":
            return out + argv[i:]
        following = argv[i + 1] if i + 1 < len(argv) else None
        out.append("--diff=lines" if arg == "--diff" and following not in DIFF_MODES else arg)
    return out


def config_from_args(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from .pipeline import Config

    cfg = Config()
    if args.threshold is not None:
        cfg = dataclasses.replace(cfg, match=dataclasses.replace(cfg.match, threshold=args.threshold))
    cfg = dataclasses.replace(cfg, segment=dataclasses.replace(cfg.segment, unit=args.unit))
    from .segment import DEFAULT_MAX_BLOCK_CHARS, DEFAULT_MAX_BLOCKS

    limits = {"max_blocks": args.max_blocks or DEFAULT_MAX_BLOCKS, "max_block_chars": args.max_block_chars or DEFAULT_MAX_BLOCK_CHARS}
    cfg = dataclasses.replace(cfg, segment=dataclasses.replace(cfg.segment, **limits))
    cfg = dataclasses.replace(cfg, repair=dataclasses.replace(cfg.repair, mode=args.repair), keep=args.keep)
    return dataclasses.replace(cfg, read=read_config_from_args(args))


def _run(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    configure_logging(args)
    log.debug("settings: %s", " ".join(f"{k}={v!r}" for k, v in sorted(vars(args).items())))
    if args.command == "corpus":
        from .corpus_cli import run

        return run(args)
    return run_clean(args)


def run_clean(args: argparse.Namespace) -> int:
    """``dedup-text clean``: returns the exit code (errors raise DedupError)."""
    config = config_from_args(args)
    inputs = args.inputs or ["-"]
    if inputs.count("-") > 1:
        raise UsageError("standard input (-) can be given only once")
    several = len(inputs) > 1
    for flag, value in (("-o/--output", args.output), ("--report", args.report), ("--html", args.html)):
        if several and value and not os.path.isdir(value):
            raise UsageError(f"{flag} must be an existing directory when there are several inputs")
    from .io.read import read_path
    from .io.targets import check_distinct
    from .io.write import write_atomic_many
    from .pipeline import clean

    check_distinct(inputs, [(flag, name, path) for path in inputs for flag, name in _output_names(args, path, several).items()])

    # read and clean everything first: an error in any input leaves no output at all
    results = []
    for path in inputs:
        started = time.perf_counter()
        decoded = read_path(path, config.read)
        log.info("%s: read %d bytes as %s (confidence %.2f)", _name(path), decoded.n_bytes, decoded.encoding, decoded.confidence)
        if not decoded.text.strip():
            raise DedupError(f"{_name(path)}: input has no text (empty or whitespace only); nothing to clean")
        try:
            result = clean(decoded, config=config, source=None if path == "-" else str(path))
        except InputError as exc:  # a limit (dedup.segment.check_limits): say which input
            raise InputError(f"{_name(path)}: {exc}") from None
        log.info("%s: cleaned in %.2f s: %d -> %d characters", _name(path), time.perf_counter() - started, len(decoded.text), len(result.text))
        results.append((path, decoded, result))
    if args.diff:
        for path, decoded, result in results:
            _print_diff(path, decoded.text, result.text, args.diff)
        return EXIT_OK
    # every file of every input is staged before any is renamed into place:
    # a failure on the last one leaves none of the others behind
    files: list[tuple[str, str]] = []
    for path, decoded, result in results:
        names = _output_names(args, path, several)
        if args.report:
            files.append((names["--report"], result.report.to_json() + "\n"))
        if args.html:
            from .review import to_html

            files.append((names["--html"], to_html(result.report, decoded.text, result.text)))
        if args.output:
            files.append((names["-o"], result.text))
    write_atomic_many(files)
    for name, _ in files:
        log.info("wrote %s", name)
    for path, _decoded, result in results:
        if args.explain:
            _explain(path, result)
        if not args.output:
            write_stdout(result.text)
        if not args.quiet:
            _summary(path, result, args)
    return EXIT_OK


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Log records as ``dedup-text: info: ...`` on whatever ``sys.stderr`` is when they are emitted."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass  # StreamHandler sets it; the stream is always the current sys.stderr

    def format(self, record: logging.LogRecord) -> str:
        # one line each: the message only, never a traceback (exc_info is not printed)
        return f"{PROG}: {record.levelname.lower()}: {record.getMessage()}"

    def handleError(self, record: logging.LogRecord) -> None:
        pass  # standard error gone: say nothing rather than print logging's own traceback


def configure_logging(args: argparse.Namespace) -> None:
    """``--log-level`` (else warning, one step lower per ``-v``) for the ``dedup`` logger, on standard error."""
    level = getattr(logging, args.log_level.upper()) if args.log_level else max(logging.DEBUG, logging.WARNING - 10 * args.verbose)
    for handler in [h for h in log.handlers if isinstance(h, _StderrHandler)]:
        log.removeHandler(handler)
    log.addHandler(_StderrHandler())
    log.setLevel(level)
    log.propagate = False


def _output_names(args: argparse.Namespace, path: str, several: bool) -> dict[str, str]:
    """The files written for input ``path``, by option (with several inputs each option is a folder)."""
    names = {}
    for flag, value, suffix in (("-o", args.output, ""), ("--report", args.report, ".report.json"), ("--html", args.html, ".html")):
        if value:
            names[flag] = os.path.join(value, os.path.basename(path) + suffix) if several else value
    return names


def _name(path: str) -> str:
    return "<stdin>" if path == "-" else path


def _summary(path: str, result, args) -> None:  # type: ignore[no-untyped-def]
    s = result.report.stats
    rules = s["edits_by_rule"]
    repaired = sum(v for k, v in rules.items() if k.startswith(("repair.", "unicode.")))
    say(
        f"{PROG}: {_name(path)}: {s['blocks']} blocks -> {s['blocks_kept']} kept, {s['blocks_partly_removed']} partly kept, "
        f"{s['blocks_removed']} removed as duplicates ({s['clusters']} clusters); "
        f"{rules.get('stitch.cut_paragraph', 0)} cut paragraphs rejoined; {repaired} repairs"
        + (f"; report: {args.report}" if args.report else "")
    )


def _explain(path: str, result) -> None:  # type: ignore[no-untyped-def]
    say(f"# edits for {_name(path)}")
    for e in result.report.edits:
        if e.rule.startswith("layout."):
            continue
        before = _short(e.before)
        after = _short(e.after)
        say(f"[{e.span.start}:{e.span.end}] {e.rule}: {before!r} -> {after!r} ({e.reason}; confidence {e.confidence:.2f})")


def _short(s: str, n: int = 40) -> str:
    return s if len(s) <= n else s[: n // 2] + "…" + s[-n // 2 :]


def _print_diff(path: str, before: str, after: str, mode: str) -> None:
    from .diffview import diff

    write_stdout(diff(before, after, name=_name(path), mode=mode, colour=_colour(sys.stdout)))  # type: ignore[arg-type]


def write_stdout(text: str) -> None:
    """Write ``text`` to standard output now; a closed or full one is an :class:`OutputError` (a gone reader stays BrokenPipeError)."""
    if sys.stdout is None:
        raise OutputError("standard output is closed; give -o FILE")
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(f"standard output: cannot write ({exc.strerror})") from None


def _colour(stream: Any) -> bool:
    """Colour for a terminal, unless ``NO_COLOR`` is set or the terminal is dumb (https://no-color.org)."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        return False
    return bool(tty) and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _ignore_stop_signals() -> None:
    """After an interrupt the process only exits: later Ctrl-C or SIGTERM are ignored.

    Python puts SIGINT back to the default action while it finalizes, so a
    second press during the exit would kill the process by signal (status
    -2, not 130); ignored signals are left ignored.
    """
    import signal

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``dedup-text``; returns the exit code."""
    as_command = argv is None
    argv = sys.argv[1:] if argv is None else argv
    with _whole_writes_to_stdout():
        try:
            try:
                code = _run(argv)
            except SystemExit as exc:  # --help, --version
                code = exc.code if isinstance(exc.code, int) else EXIT_OK
            if sys.stdout is not None:
                write_stdout("")  # a closed pipe or a full disk is found here, not at interpreter exit
            return code
        except DedupError as exc:
            if isinstance(exc, OutputError):
                _settle_stdout()
            say(f"{PROG}: error: {exc}")
            return exc.exit_code
        except KeyboardInterrupt as exc:
            if as_command:
                _ignore_stop_signals()
            say(f"{PROG}: interrupted; no output was written{getattr(exc, 'note', '')}")
            return EXIT_INTERRUPTED
        except BrokenPipeError:
            # the reader went away (| head): stop quietly with 128 + SIGPIPE, like other Unix filters
            _discard_stdout()
            return EXIT_PIPE
        except MemoryError:
            say(f"{PROG}: error: out of memory; lower --max-bytes or split the input")
            return EXIT_ERROR


def _settle_stdout() -> None:
    """Flush standard output; what cannot be written is dropped, so that it cannot fail again at exit."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except (OSError, ValueError):
        _discard_stdout()


def _discard_stdout() -> None:
    """Point standard output at /dev/null, so that what is still buffered cannot fail again at exit."""
    if sys.stdout is None:
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


@contextlib.contextmanager
def _whole_writes_to_stdout() -> Iterator[None]:
    """Standard output that writes all it is given or raises, for the length of a run.

    With ``PYTHONUNBUFFERED=1`` (or ``python -u``) ``sys.stdout.buffer`` is
    the raw file: a write into a pipe whose reader has gone returns short
    and the text layer drops the rest without an error, so ``| head``
    exited 0 with the output cut.  A buffered writer over the same file
    retries until the write is whole or fails with ``BrokenPipeError``.
    Corpus records (``-o -``) then reach the pipe in blocks of up to 8 KiB;
    the cleaned text and the diff are flushed as soon as they are written.
    """
    original = sys.stdout
    raw = getattr(original, "buffer", None)
    if not isinstance(raw, io.RawIOBase):
        yield
        return
    buffered = io.BufferedWriter(raw)
    sys.stdout = io.TextIOWrapper(buffered, encoding=original.encoding, errors=original.errors, newline="\n", write_through=True)
    try:
        yield
    finally:
        _settle_stdout()
        try:
            sys.stdout.detach()  # the raw file stays open: it is the interpreter's standard output
            buffered.detach()
        except (OSError, ValueError):
            pass
        sys.stdout = original


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
