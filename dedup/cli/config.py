"""``--config FILE``: options from a TOML file, the command line winning.

The keys are the subcommand's long options, spelled either way
(``max-bytes`` or ``max_bytes``); values have the option's type (a number
for ``--threshold``, ``true``/``false`` for a flag, a list for an option
that may be repeated) and pass the same checks as on the command line::

    # corpus.toml:  dedup-text corpus --config corpus.toml news/*.jsonl -o kept.jsonl
    format = "jsonl"
    text-field = "content"
    id-field = "url"
    threshold = 0.9
    keep = "earliest"
    boilerplate-min-docs = 3
    clean = false               # --no-clean
    workers = 4
    report = "report.jsonl"

An unknown key, a value of the wrong type or out of range is a usage error
of one line naming the file and the key.  Relative paths in the file are
relative to the working directory, as on the command line.
"""

from __future__ import annotations

import argparse
import difflib
import tomllib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..errors import UsageError

if TYPE_CHECKING:
    from .args import Option, Parser

#: option kinds whose TOML value is a boolean, and what ``true`` stores
_FLAGS = {"store_true": True, "store_false": False}
#: option kinds that take a list (one item per repetition on the command line)
_LISTS = ("append", "extend")
#: options that are not settings
_NOT_SETTINGS = ("help", "version", "config")


def parse_with_config(parser: Parser, argv: Sequence[str]) -> argparse.Namespace:
    """Parse ``argv`` with ``parser``, then fill in ``--config``'s settings.

    A setting applies only where the command line did not give that
    option: the command line wins, whatever the order.
    """
    args = parser.parse_args(list(argv))
    path = getattr(args, "config", None)
    if path is None:
        return args
    settings = read_settings(path, parser)
    given = _given_on_command_line(parser, argv)
    for dest, value in settings.items():
        if dest not in given:
            setattr(args, dest, value)
    return args


def read_settings(path: str, parser: Parser) -> dict[str, Any]:
    """The settings of the TOML file at ``path``, by option destination, each checked like its option."""
    try:
        with open(path, "rb") as f:
            table = tomllib.load(f)
    except FileNotFoundError:
        raise UsageError(f"--config {path}: no such file") from None
    except OSError as exc:
        raise UsageError(f"--config {path}: cannot read ({exc.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"--config {path}: not valid TOML: {exc}") from None
    by_key = _options_by_key(parser)
    settings: dict[str, Any] = {}
    for key, value in table.items():
        found = by_key.get(key)
        if found is None:
            raise UsageError(f"--config {path}: unknown key {key!r}{_did_you_mean(key, by_key)} (keys are the long options of '{parser.prog}')")
        option, negated = found
        try:
            settings[option.action.dest] = _value(option, value, negated)
        except (argparse.ArgumentTypeError, ValueError, TypeError) as exc:
            raise UsageError(f"--config {path}: {key}: {exc}") from None
    return settings


def _options_by_key(parser: Parser) -> dict[str, tuple[Option, bool]]:
    """Every key a config file may use: each long option, with ``-`` or ``_``; and whether it is a ``--no-`` form."""
    keys: dict[str, tuple[Option, bool]] = {}
    for option in parser.options:
        action = option.action
        if action.dest in _NOT_SETTINGS or option.kind in _NOT_SETTINGS:
            continue
        for flag in action.option_strings:
            if not flag.startswith("--"):
                continue
            name = flag[2:]
            negated = isinstance(action, argparse.BooleanOptionalAction) and name.startswith("no-") and f"--{name[3:]}" in action.option_strings
            keys[name] = keys[name.replace("-", "_")] = (option, negated)
    return keys


def _did_you_mean(key: str, keys: dict[str, Any]) -> str:
    close = difflib.get_close_matches(key, [k for k in keys if "_" not in k], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _value(option: Option, value: Any, negated: bool) -> Any:
    """``value`` as the option would store it; ``ValueError``/``ArgumentTypeError`` saying what is wrong."""
    action, kind = option.action, option.kind
    if isinstance(action, argparse.BooleanOptionalAction) or kind in _FLAGS:
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, not {_show(value)}")
        if isinstance(action, argparse.BooleanOptionalAction):
            return not value if negated else value
        return _FLAGS[kind] if value else action.default
    if kind == "count":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"expected a whole number >= 0, not {_show(value)}")
        return value
    if kind in _LISTS or action.nargs in ("+", "*") or isinstance(action.nargs, int):
        items = value if isinstance(value, list) else [value]
        if action.nargs == "+" and not items:
            raise ValueError("expected at least one value")
        return [_scalar(action, item) for item in items]
    if kind != "store":
        raise ValueError("this option cannot be set in a config file")
    return _scalar(action, value)


def _scalar(action: argparse.Action, value: Any) -> Any:
    """One value, converted and checked by the option's own type and choices; its TOML type must fit."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"expected a single value, not {_show(value)}")
    converted = action.type(str(value)) if callable(action.type) else str(value)
    if isinstance(converted, str) and not isinstance(value, str):
        raise ValueError(f"expected a string, not {_show(value)}")
    if isinstance(converted, int) and not isinstance(value, int):
        raise ValueError(f"expected a whole number, not {_show(value)}")
    if isinstance(converted, float) and isinstance(value, str):
        raise ValueError(f"expected a number, not {_show(value)}")
    if action.choices is not None and converted not in action.choices:
        raise ValueError(f"must be one of {', '.join(map(str, action.choices))}, not {_show(value)}")
    return converted


def _show(value: Any) -> str:
    """A TOML value as the user wrote it, more or less: ``"4"``, ``true``, ``[1, 2]``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value + '"'
    if isinstance(value, dict):
        return "a table"
    return repr(value)


def _given_on_command_line(parser: Parser, argv: Sequence[str]) -> set[str]:
    """The destinations the command line sets: ``argv`` parsed again with every option's default suppressed."""
    saved = [(option.action, option.action.default) for option in parser.options]
    try:
        for action, _ in saved:
            action.default = argparse.SUPPRESS
        return set(vars(parser.parse_args(list(argv))))
    finally:
        for action, default in saved:
            action.default = default


__all__ = ["parse_with_config", "read_settings"]
