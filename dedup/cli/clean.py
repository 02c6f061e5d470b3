"""``dedup-text clean`` (also ``dedup-text`` without a subcommand): clean documents one at a time."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from typing import Any

from ..errors import DedupError, InputError, UsageError
from .args import DIFF_MODES, EXIT_OK, PROG, add_matching_options, add_read_options, add_run_options, log, positive_int, read_config_from_args, say, write_stdout


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


def diff_mode_arguments(argv: list[str]) -> list[str]:
    """``--diff`` not followed by a mode becomes ``--diff=lines``, so that ``--diff FILE`` keeps FILE an input."""
    out: list[str] = []
    for i, arg in enumerate(argv):
        if arg == "--":
            return out + argv[i:]
        following = argv[i + 1] if i + 1 < len(argv) else None
        out.append("--diff=lines" if arg == "--diff" and following not in DIFF_MODES else arg)
    return out


def config_from_args(args: argparse.Namespace):
    from ..pipeline import Config

    cfg = Config()
    if args.threshold is not None:
        cfg = dataclasses.replace(cfg, match=dataclasses.replace(cfg.match, threshold=args.threshold))
    cfg = dataclasses.replace(cfg, segment=dataclasses.replace(cfg.segment, unit=args.unit))
    from ..segment import DEFAULT_MAX_BLOCK_CHARS, DEFAULT_MAX_BLOCKS

    segment = dataclasses.replace(cfg.segment, max_blocks=args.max_blocks or DEFAULT_MAX_BLOCKS, max_block_chars=args.max_block_chars or DEFAULT_MAX_BLOCK_CHARS)
    cfg = dataclasses.replace(cfg, segment=segment)
    cfg = dataclasses.replace(cfg, repair=dataclasses.replace(cfg.repair, mode=args.repair), keep=args.keep)
    return dataclasses.replace(cfg, read=read_config_from_args(args))


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
    from ..io.read import read_path
    from ..io.targets import check_distinct
    from ..io.write import write_atomic_many
    from ..pipeline import clean

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
            from ..review import to_html

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


def _output_names(args: argparse.Namespace, path: str, several: bool) -> dict[str, str]:
    """The files written for input ``path``, by option (with several inputs each option is a folder)."""
    names = {}
    for flag, value, suffix in (("-o", args.output, ""), ("--report", args.report, ".report.json"), ("--html", args.html, ".html")):
        if value:
            names[flag] = os.path.join(value, os.path.basename(path) + suffix) if several else value
    return names


def _name(path: str) -> str:
    return "<stdin>" if path == "-" else path


def _summary(path: str, result, args) -> None:
    s = result.report.stats
    rules = s["edits_by_rule"]
    repaired = sum(v for k, v in rules.items() if k.startswith(("repair.", "unicode.")))
    say(
        f"{PROG}: {_name(path)}: {s['blocks']} blocks -> {s['blocks_kept']} kept, {s['blocks_partly_removed']} partly kept, "
        f"{s['blocks_removed']} removed as duplicates ({s['clusters']} clusters); "
        f"{rules.get('stitch.cut_paragraph', 0)} cut paragraphs rejoined; {repaired} repairs"
        + (f"; report: {args.report}" if args.report else "")
    )


def _explain(path: str, result) -> None:
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
    from ..diffview import diff

    write_stdout(diff(before, after, name=_name(path), mode=mode, colour=_colour(sys.stdout)))  # type: ignore[arg-type]


def _colour(stream: Any) -> bool:
    """Colour for a terminal, unless ``NO_COLOR`` is set or the terminal is dumb (https://no-color.org)."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        return False
    return bool(tty) and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


__all__ = ["CLEAN_HELP", "add_clean_options", "config_from_args", "diff_mode_arguments", "run_clean"]
