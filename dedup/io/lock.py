"""Folders a run owns (an index, a checkpoint): created, writable, one run at a time."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from ..errors import OutputError, UsageError


def open_run_folder(folder: Path, option: str) -> BinaryIO:
    """Create ``folder`` if needed, check it is a writable folder, and lock it (:func:`lock_folder`).

    Every failure is one line naming ``option`` (``--index``, ``--checkpoint``).
    """
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{option} {folder}: exists and is not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{option} {folder}: cannot create the folder ({exc.strerror})") from None
    if not os.access(folder, os.W_OK):
        raise OutputError(f"{option} {folder}: folder is not writable")
    return lock_folder(folder, option)


def lock_folder(folder: Path, option: str) -> BinaryIO:
    """An exclusive lock on ``folder/.lock``, held until the returned file is closed.

    Non-blocking: a second run fails at once with one line (naming
    ``option``) instead of waiting or corrupting the folder.  The kernel
    drops the lock when the process dies, so a killed run never leaves a
    stale lock behind.
    """
    import fcntl

    try:
        f = open(folder / ".lock", "a+b")  # noqa: SIM115  (held open: the lock lasts the run)
    except OSError as exc:
        raise OutputError(f"{option} {folder}: cannot open its lock file {folder / '.lock'} ({exc.strerror or exc})") from None
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        f.close()
        raise UsageError(f"{option} {folder}: in use by another run") from None
    return f
