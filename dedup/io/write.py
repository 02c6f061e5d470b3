"""Atomic output: write to a temporary file beside the target, then rename.

A run that fails or is interrupted leaves the target as it was: never a
half-written file.  :func:`write_atomic_many` extends this to several
targets (cleaned text, report, review page): every temporary file is written
before any is renamed, so a failure on the last target leaves none of the
others behind either.

Targets that are not regular files are not renamed over (see
:mod:`dedup.io.targets`): symlinks are resolved and the file they point at
is replaced atomically; devices, FIFOs and descriptors (``/dev/null``,
``/dev/stdout``) are written in place, after every regular target has been
staged, so a full disk still leaves nothing behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import OutputError
from .targets import Target, resolve_target, write_in_place


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` (text is UTF-8 encoded) to ``path`` atomically."""
    write_atomic_many([(path, data)])


def write_atomic_many(targets: Sequence[tuple[str | os.PathLike[str], str | bytes]]) -> None:
    """Write every ``(path, data)`` pair, or none of them.

    All data for regular files go to temporary files first; then devices,
    FIFOs and descriptors are written (they cannot be rolled back, so they
    come only when nothing else can fail but a rename); then every
    temporary file is renamed onto its (symlink-resolved) target.
    """
    resolved = [(resolve_target(path), data) for path, data in targets]
    staged: list[tuple[str, Target]] = []  # (temporary file, target)
    try:
        for target, data in resolved:
            if not target.in_place:
                staged.append((_stage(target, data), target))
        for target, data in resolved:
            if target.in_place:
                write_in_place(target, _payload(data))
        for tmp, target in staged:
            try:
                os.replace(tmp, target.real)
            except OSError as exc:
                raise OutputError(f"{target.path}: cannot write ({exc.strerror})") from None
    except BaseException:
        for tmp, _ in staged:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        raise


def _payload(data: str | bytes) -> bytes:
    return data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data


def _stage(target: Target, data: str | bytes) -> str:
    """Write ``data`` to a synced temporary file beside the real target; return its name."""
    path, real = target.path, target.real
    directory = os.path.dirname(real)
    if not os.path.isdir(directory):
        what = f"{directory} is not a directory" if os.path.exists(directory) else f"directory {directory} does not exist"
        raise OutputError(f"{path}: {what}")
    if os.path.isdir(real):
        raise OutputError(f"{path}: is a directory")
    from .compress import compress_for

    payload = compress_for(path, _payload(data))  # -o clean.txt.gz: compressed into the staged file
    try:
        fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(real) + ".", suffix=".tmp", dir=directory)
    except PermissionError:
        raise OutputError(f"{path}: directory {directory} is not writable") from None
    except OSError as exc:
        raise OutputError(f"{path}: cannot create a file in {directory} ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        if os.path.exists(real):
            try:
                os.chmod(tmp, os.stat(real).st_mode & 0o7777)
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


class BufferedFile:
    """A buffered binary file of a run's own data (spills, index keys) whose write errors are one line.

    ``error`` turns the ``OSError`` into the :class:`OutputError` message (what was being written and
    what to do); a full disk usually shows at the flush in :meth:`close`.
    """

    def __init__(self, path: str | os.PathLike[str], error: Callable[[OSError], str]) -> None:
        self._message = error
        try:
            self._f: Any = open(path, "wb", buffering=1 << 20)  # noqa: SIM115 - open until close(), where a full disk shows
        except OSError as exc:
            raise OutputError(error(exc)) from None

    def write(self, data: bytes) -> None:
        try:
            self._f.write(data)
        except OSError as exc:
            raise OutputError(self._message(exc)) from None

    def close(self) -> None:
        """Flush and close; the flush is where a full disk shows."""
        try:
            self._f.close()
        except OSError as exc:
            raise OutputError(self._message(exc)) from None

    def discard(self) -> None:
        """Close after an error, dropping what could not be written."""
        try:
            self._f.close()
        except OSError:
            pass

