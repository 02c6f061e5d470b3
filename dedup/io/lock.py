"""One run at a time per folder (an index, a checkpoint)."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from ..errors import UsageError


def lock_folder(folder: Path, option: str) -> BinaryIO:
    """An exclusive lock on ``folder/.lock``, held until the returned file is closed.

    Non-blocking: a second run fails at once with one line (naming
    ``option``) instead of waiting or corrupting the folder.  The kernel
    drops the lock when the process dies, so a killed run never leaves a
    stale lock behind.
    """
    import fcntl

    f = open(folder / ".lock", "a+b")
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        f.close()
        raise UsageError(f"{option} {folder}: in use by another run") from None
    return f
