"""The command line's shared parts: the argument parser, the option groups every subcommand has, the
argparse types, the exit codes, the logger, :func:`say` and :func:`write_stdout` -- imported by
:mod:`dedup.cli` (which dispatches), :mod:`dedup.cli.clean`, :mod:`dedup.cli.corpus` and
:mod:`dedup.cli.config` (``--config``), and by none of them back, so they do not import one another
in a circle.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
from typing import Any, NoReturn

from ..errors import OutputError, UsageError

PROG = "dedup-text"

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_PIPE = 0, 1, 2, 130, 141

#: the package's logger: ``-v``/``--log-level`` send it to standard error
log = logging.getLogger("dedup")


class Parser(argparse.ArgumentParser):
    """argparse whose errors are one line and exit code 2, and which lists its options.

    :attr:`options` (every option added, with its action kind) is what a
    ``--config`` file is checked against (:mod:`dedup.cli.config`).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.options: list[Option] = []  # before argparse adds -h/--help
        super().__init__(*args, **kwargs)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        if action.option_strings:
            self.options.append(Option(action, kwargs.get("action", "store")))
        return action

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


@dataclasses.dataclass(frozen=True)
class Option:
    """One option of a :class:`Parser` and how it was declared (``"store"``, ``"store_true"``, an Action class...)."""

    action: argparse.Action
    kind: Any


def fraction(text: str) -> float:
    """An argparse type: a number in (0, 1]."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 < v <= 1.0:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], got {v}")
    return v


def positive_int(text: str) -> int:
    """An argparse type: a whole number > 0."""
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if v <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {v}")
    return v


# -- options shared by the subcommands: each defined once, here ----------------------------

#: the keep policies by name (dedup.reconstruct.KEEP_POLICIES, not imported: it is heavy)
KEEP_NAMES = ("most_complete", "earliest")
LOG_LEVELS = ("debug", "info", "warning", "error")
DIFF_MODES = ("lines", "words", "chars")
COMMANDS = ("clean", "corpus")


def add_matching_options(p: argparse.ArgumentParser, *, what: str, threshold: float) -> None:
    """``--threshold`` and ``--keep``: when copies are near-duplicates, and which one a cluster keeps."""
    p.add_argument("--threshold", type=fraction, metavar="X", help=f"edit similarity at which {what} are near-duplicates (default {threshold})")
    p.add_argument("--keep", choices=KEEP_NAMES, default="most_complete", help="which copy a cluster keeps (default: most complete, then majority, then earliest)")


def add_read_options(p: argparse.ArgumentParser) -> None:
    """``--encoding`` and ``--max-bytes``: how text files are read (:func:`read_config_from_args`)."""
    p.add_argument("--encoding", metavar="ENC", help="decode text files with this encoding instead of detecting it")
    p.add_argument("--max-bytes", type=positive_int, metavar="N", help="largest single document or text file read into memory, in bytes (default 32 MiB)")


def add_run_options(p: argparse.ArgumentParser) -> None:
    """What every subcommand has: a config file, how much it says, its version."""
    p.add_argument("--config", metavar="FILE", help="read options from this TOML file (keys: the long options, e.g. max-bytes = 1000000); the command line wins")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary or progress on standard error")
    p.add_argument("-v", "--verbose", action="count", default=0, help="log what is done on standard error (-v: steps, -vv: details)")
    p.add_argument("--log-level", type=str.lower, choices=LOG_LEVELS, metavar="LEVEL", help=f"log level ({', '.join(LOG_LEVELS)}; default warning, or as -v says)")
    p.add_argument("--version", action="version", version=f"{PROG} {version()}")


def version() -> str:
    """The package version (``dedup-text --version``)."""
    from .._version import version as installed

    return installed()


def read_config_from_args(args: argparse.Namespace):
    """The reader's settings from ``--encoding`` and ``--max-bytes`` (shared with ``corpus``)."""
    from ..io.read import ReadConfig

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


def say(text: str) -> None:
    """One line on standard error, best effort: a closed or broken standard error does not fail the run."""
    if sys.stderr is None:  # started with it closed: print(file=None) would write to standard output
        return
    try:
        print(text, file=sys.stderr, flush=True)
    except (OSError, ValueError, AttributeError):
        pass


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
