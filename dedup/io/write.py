"""Atomic output: write to a temporary file beside the target, then rename.

A run that fails or is interrupted leaves the target as it was: never a
half-written file.  :func:`write_atomic_many` extends this to several
targets (cleaned text, report, review page): every temporary file is written
before any is renamed, so a failure on the last target leaves none of the
others behind either.
"""

from __future__ import annotations

import os
import tempfile
from typing import Sequence

from ..errors import OutputError


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` (text is UTF-8 encoded) to ``path`` atomically."""
    write_atomic_many([(path, data)])


def write_atomic_many(targets: Sequence[tuple[str | os.PathLike[str], str | bytes]]) -> None:
    """Write every ``(path, data)`` pair, or none of them.

    All data go to temporary files first; only when every one is written
    and synced are they renamed over their targets.
    """
    staged: list[tuple[str, str]] = []  # (temporary file, target)
    try:
        for path, data in targets:
            staged.append((_stage(os.fspath(path), data), os.fspath(path)))
        for tmp, path in staged:
            try:
                os.replace(tmp, path)
            except OSError as exc:
                raise OutputError(f"{path}: cannot write ({exc.strerror})") from None
    except BaseException:
        for tmp, _ in staged:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        raise


def _stage(path: str, data: str | bytes) -> str:
    """Write ``data`` to a synced temporary file beside ``path``; return its name."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        what = f"{directory} is not a directory" if os.path.exists(directory) else f"directory {directory} does not exist"
        raise OutputError(f"{path}: {what}")
    if os.path.isdir(path):
        raise OutputError(f"{path}: is a directory")
    payload = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    from .compress import compress_for

    payload = compress_for(path, payload)  # -o clean.txt.gz: compressed into the staged file
    try:
        fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=directory)
    except PermissionError:
        raise OutputError(f"{path}: directory {directory} is not writable") from None
    except OSError as exc:
        raise OutputError(f"{path}: cannot create a file in {directory} ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        if os.path.exists(path):
            try:
                os.chmod(tmp, os.stat(path).st_mode & 0o7777)
            except OSError:
                pass
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise OutputError(f"{path}: cannot write ({exc.strerror})") from None
        raise
    return tmp
