"""``dedup-text``: clean documents (``clean``, the default) or a corpus (``corpus``) from the command line.

    dedup-text [clean] [INPUT ...] [-o OUT] [options]      (also: python -m dedup)
    dedup-text corpus INPUT ... -o OUT [options]            (dedup.cli.corpus)

This module parses and dispatches (``main``); each subcommand lives in its own module
(:mod:`dedup.cli.clean`, :mod:`dedup.cli.corpus`).  Options shared by the subcommands are defined
once, in :mod:`dedup.cli.args` (``add_*_options``, public for a new subcommand to reuse);
``--config FILE`` fills in options from TOML (:mod:`dedup.cli.config`);
``-v``/``--log-level`` send the ``dedup`` logger to standard error.

Exit codes: 0 success, 1 input or processing error, 2 usage error, 130
interrupted, 141 output pipe closed.  Every error is one line on stderr;
output files are written to a temporary file and renamed, so a failed run
leaves no partial output.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from ..errors import DedupError, OutputError
from .args import (  # noqa: F401  (the shared names keep their dedup.cli import path)
    COMMANDS,
    DIFF_MODES,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PIPE,
    EXIT_USAGE,
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
    write_stdout,
)
from .clean import CLEAN_HELP, add_clean_options, config_from_args, diff_mode_arguments, run_clean  # noqa: F401  (dedup.cli.config_from_args etc. keep working)


def build_parsers() -> tuple[Parser, dict[str, Parser]]:
    """The ``dedup-text`` parser and its subcommands' parsers, by name."""
    from .corpus import CORPUS_HELP, add_corpus_options

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
    from .config import parse_with_config

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


def _run(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    configure_logging(args)
    log.debug("settings: %s", " ".join(f"{k}={v!r}" for k, v in sorted(vars(args).items())))
    if args.command == "corpus":
        from .corpus import run

        return run(args)
    return run_clean(args)


class _StderrHandler(logging.StreamHandler):
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
    try:
        return _main(sys.argv[1:] if argv is None else argv, as_command)
    finally:
        if as_command:
            # the process only exits now, and Python's last garbage collection (a Dask cluster's
            # finalizers take seconds) runs with SIGINT at the default action: a Ctrl-C there killed a
            # finished run by signal (status -2) instead of letting it exit with its code
            _ignore_stop_signals()


def _main(argv: Sequence[str], as_command: bool) -> int:
    """:func:`main` for parsed-out ``argv``: one error line and an exit code for every way a run ends."""
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
