"""``dedup-text``: clean documents from the command line.

Exit codes: 0 success, 1 input or processing error, 2 usage error, 130
interrupted.  Every error is one line on stderr; output files are written to
a temporary file and renamed, so a failed run leaves no partial output.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from typing import NoReturn, Sequence

from .errors import DedupError, InputError, UsageError

PROG = "dedup-text"
EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_PIPE = 0, 1, 2, 130, 141


class _Parser(argparse.ArgumentParser):
    """argparse whose errors are one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _fraction(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 < v <= 1.0:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], got {v}")
    return v


def _positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if v <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {v}")
    return v


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=PROG,
        description="Collapse near-duplicate paragraphs, rejoin cut paragraphs and repair typos with evidence; "
        "write one clean document and a JSON report that accounts for every input span. "
        f"For corpora (JSONL, Parquet, folders) see '{PROG} corpus --help'.",
    )
    p.add_argument("inputs", nargs="*", metavar="INPUT", help="text files in any common encoding, or - for standard input (default)")
    p.add_argument("-o", "--output", metavar="OUT", help="write the cleaned text here (a directory when there are several inputs); default: standard output")
    p.add_argument("--report", metavar="FILE", help="write the JSON report here (a directory when there are several inputs)")
    p.add_argument("--diff", action="store_true", help="print a unified diff of input -> output instead of writing anything")
    p.add_argument("--threshold", type=_fraction, metavar="X", help="edit similarity at which paragraphs are near-duplicates (default 0.8)")
    p.add_argument("--unit", choices=("paragraph", "line"), default="paragraph", help="what a block is (default: paragraph)")
    p.add_argument("--repair", choices=("off", "safe", "aggressive"), default="safe", help="typo repair mode (default: safe)")
    p.add_argument("--explain", action="store_true", help="list every edit, with its rule and reason, on standard error")
    p.add_argument("--encoding", metavar="ENC", help="decode input with this encoding instead of detecting it")
    p.add_argument("--max-bytes", type=_positive_int, metavar="N", help="largest single document read into memory, in bytes (default 32 MiB)")
    p.add_argument("--max-blocks", type=_positive_int, metavar="N", help="most blocks in one document (default 100000; more is a corpus)")
    p.add_argument("--max-block-chars", type=_positive_int, metavar="N", help="longest block, in characters (default 1000000)")
    p.add_argument("--html", metavar="FILE", help="also write a self-contained HTML review page")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary on standard error")
    p.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    return p


def _version() -> str:
    from . import __version__

    return __version__


def config_from_args(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from .pipeline import Config

    cfg = Config()
    if args.threshold is not None:
        cfg = dataclasses.replace(cfg, match=dataclasses.replace(cfg.match, threshold=args.threshold))
    cfg = dataclasses.replace(cfg, segment=dataclasses.replace(cfg.segment, unit=args.unit))
    from .segment import DEFAULT_MAX_BLOCK_CHARS, DEFAULT_MAX_BLOCKS

    limits = {"max_blocks": args.max_blocks or DEFAULT_MAX_BLOCKS, "max_block_chars": args.max_block_chars or DEFAULT_MAX_BLOCK_CHARS}
    cfg = dataclasses.replace(cfg, segment=dataclasses.replace(cfg.segment, **limits))
    cfg = dataclasses.replace(cfg, repair=dataclasses.replace(cfg.repair, mode=args.repair))
    return dataclasses.replace(cfg, read=read_config_from_args(args))


def read_config_from_args(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The reader's settings from ``--encoding`` and ``--max-bytes`` (shared with ``corpus``)."""
    from .io.read import ReadConfig

    read = ReadConfig()
    if args.encoding:
        import codecs

        try:
            codecs.lookup(args.encoding)
        except LookupError:
            raise UsageError(f"unknown encoding {args.encoding!r}") from None
        read = dataclasses.replace(read, encoding=args.encoding)
    if args.max_bytes:
        read = dataclasses.replace(read, max_bytes=args.max_bytes)
    return read


def _run(argv: Sequence[str]) -> int:
    if argv and argv[0] == "corpus":
        from .corpus_cli import run_corpus

        return run_corpus(list(argv[1:]))
    args = build_parser().parse_args(list(argv))
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
        decoded = read_path(path, config.read)
        if not decoded.text.strip():
            raise DedupError(f"{_name(path)}: input has no text (empty or whitespace only); nothing to clean")
        try:
            result = clean(decoded, config=config, source=None if path == "-" else str(path))
        except InputError as exc:  # a limit (dedup.segment.check_limits): say which input
            raise InputError(f"{_name(path)}: {exc}") from None
        results.append((path, decoded, result))
    if args.diff:
        for path, decoded, result in results:
            _print_diff(path, decoded.text, result.text)
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
    for path, decoded, result in results:
        if args.explain:
            _explain(path, result)
        if not args.output:
            sys.stdout.write(result.text)
            sys.stdout.flush()
        if not args.quiet:
            _summary(path, result, args)
    return EXIT_OK


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
    print(
        f"{PROG}: {_name(path)}: {s['blocks']} blocks -> {s['blocks_kept']} kept, {s['blocks_partly_removed']} partly kept, "
        f"{s['blocks_removed']} removed as duplicates ({s['clusters']} clusters); "
        f"{rules.get('stitch.cut_paragraph', 0)} cut paragraphs rejoined; {repaired} repairs"
        + (f"; report: {args.report}" if args.report else ""),
        file=sys.stderr,
    )


def _explain(path: str, result) -> None:  # type: ignore[no-untyped-def]
    print(f"# edits for {_name(path)}", file=sys.stderr)
    for e in result.report.edits:
        if e.rule.startswith("layout."):
            continue
        before = _short(e.before)
        after = _short(e.after)
        print(f"[{e.span.start}:{e.span.end}] {e.rule}: {before!r} -> {after!r} ({e.reason}; confidence {e.confidence:.2f})", file=sys.stderr)


def _short(s: str, n: int = 40) -> str:
    return s if len(s) <= n else s[: n // 2] + "…" + s[-n // 2 :]


def _print_diff(path: str, before: str, after: str) -> None:
    import difflib

    name = _name(path)
    sys.stdout.writelines(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True), fromfile=name, tofile=name + " (cleaned)"))
    sys.stdout.flush()


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
    try:
        return _run(argv)
    except DedupError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        if as_command:
            _ignore_stop_signals()
        print(f"{PROG}: interrupted; no output was written{getattr(exc, 'note', '')}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader went away (| head): stop quietly, like other Unix filters
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except OSError:
            pass
        return EXIT_PIPE
    except MemoryError:
        print(f"{PROG}: error: out of memory; lower --max-bytes or split the input", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
