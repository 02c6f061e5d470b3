"""Errors the user can act on.  The CLI prints ``str(error)`` as one line.

Exit codes: 1 for input or processing errors, 2 for usage errors.
"""

from __future__ import annotations


class DedupError(Exception):
    """Base class: a problem to report in one line, without a traceback."""

    exit_code = 1


class InputError(DedupError):
    """The input cannot be read or decoded (missing, binary, too large...)."""


class OutputError(DedupError):
    """The output cannot be written (missing directory, read-only, closed pipe)."""


class UsageError(DedupError):
    """Wrong options or option values."""

    exit_code = 2
