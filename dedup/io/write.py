"""Atomic output: write to a temporary file beside the target, then rename.

A run that fails or is interrupted leaves the target as it was: never a
half-written file.
"""

from __future__ import annotations

import os
import tempfile

from ..errors import OutputError


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` (text is UTF-8 encoded) to ``path`` atomically."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise OutputError(f"{path}: directory {directory} does not exist")
    if os.path.isdir(path):
        raise OutputError(f"{path}: is a directory")
    payload = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
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
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise OutputError(f"{path}: cannot write ({exc.strerror})") from None
        raise
