"""What an output path really is, before anything is written to it.

``-o``, ``--report`` and ``--html`` name a *target*.  Most are regular files
(or not there yet): those are written to a temporary file beside the real
file and renamed onto it, so a failed run leaves them as they were.  But a
rename replaces whatever the name points at, so:

* a symlink is resolved first: the temporary goes beside the file it points
  at (a dangling link: the missing file it names) and the rename replaces
  that file, leaving the link a link;
* a device (``/dev/null``), a FIFO or a socket is written in place: renaming
  a regular file over ``/dev/null`` would break the machine for everyone;
* a descriptor of this process (``/dev/stdout``, ``/dev/fd/N``,
  ``/proc/self/fd/N``) is written through the descriptor, at its offset, as
  a shell redirection would (``>>`` stays an append, a pipe stays a pipe).

:func:`check_distinct` refuses, before any work, outputs that are an input
or each other (the same real file under two names).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, BinaryIO

from ..errors import OutputError, UsageError

#: the descriptor folders of Linux's /proc: /proc/PID/fd, /proc/PID/task/TID/fd
_FD_FOLDER = re.compile(r"/proc/(\d+)(?:/task/\d+)?/fd")
_MAX_LINKS = 40  # as the kernel's ELOOP limit


@dataclass(frozen=True)
class Target:
    """An output path and how to write it."""

    #: the path as given (for messages)
    path: str
    #: the file to write: symlinks resolved (for a descriptor: its /proc entry)
    real: str
    #: True for devices, FIFOs, sockets and descriptors: no temporary, no rename
    in_place: bool
    #: the descriptor number when ``path`` is one of this process's descriptors
    fd: int | None = None


def resolve_target(path: str | os.PathLike[str]) -> Target:
    """Follow ``path``'s symlinks and say whether it is written atomically or in place."""
    given = os.fspath(path)
    real, fd_folder = _follow_links(given)
    if fd_folder is not None:
        pid, number = fd_folder
        own = pid == os.getpid() and number.isdigit()
        return Target(given, real, True, int(number) if own else None)
    try:
        st = os.stat(real)
    except (FileNotFoundError, NotADirectoryError):  # a new file (the writer says what is wrong with its folder)
        return Target(given, real, False)
    except OSError as exc:
        raise OutputError(f"{given}: cannot write ({exc.strerror})") from None
    return Target(given, real, not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)))


def _follow_links(path: str) -> tuple[str, tuple[int, str] | None]:
    """The real file ``path`` names (which may not exist) and, if it is a /proc descriptor, (pid, name).

    Links are followed one at a time rather than by :func:`os.path.realpath`,
    because the target of a descriptor link is not a path (``pipe:[1234]``)
    and because a descriptor must be recognised as one, not as the file it
    happens to be open on.
    """
    current = os.path.abspath(path)
    for _ in range(_MAX_LINKS):
        folder = os.path.realpath(os.path.dirname(current))
        current = os.path.join(folder, os.path.basename(current))
        m = _FD_FOLDER.fullmatch(folder)
        if m:
            return current, (int(m.group(1)), os.path.basename(current))
        try:
            link = os.readlink(current)
        except OSError:  # not a link, or not there: this is the file
            return current, None
        current = os.path.normpath(os.path.join(folder, link))
    raise OutputError(f"{path}: cannot write (too many levels of symbolic links)")


def open_in_place(target: Target) -> BinaryIO:
    """A binary file writing straight into a device, FIFO or descriptor (never truncating a file)."""
    try:
        fd = os.dup(target.fd) if target.fd is not None else os.open(target.path, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise OutputError(f"{target.path}: cannot write ({exc.strerror})") from None
    return os.fdopen(fd, "wb")


def write_in_place(target: Target, payload: bytes) -> None:
    """Write ``payload`` into a device, FIFO or descriptor; a closed pipe stays a BrokenPipeError."""
    f = open_in_place(target)
    try:
        with f:
            f.write(payload)
            f.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(f"{target.path}: cannot write ({exc.strerror})") from None


def sync(f: IO[bytes]) -> None:
    """``fsync`` a finished output; devices and pipes that cannot be synced are left as they are."""
    try:
        os.fsync(f.fileno())
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EROFS, errno.EBADF):
            raise


def check_distinct(inputs: Sequence[str], outputs: Sequence[tuple[str, str | None, str | None]]) -> None:
    """Refuse an output that is an input, or two outputs that are one file, before any work.

    ``outputs`` are ``(option, path, source)`` triples: ``path`` None or
    ``-`` for none or standard output, ``source`` the input it is written
    for (None: all of them).  Files are compared as the files they are:
    through symlinks, ``..`` and hard links.  Devices and other in-place
    targets are never a conflict (``-o /dev/null --report /dev/null``
    discards both).
    """
    seen: dict[object, tuple[str, str, str | None]] = {}  # file -> (what it is, option, source)
    for name in inputs:
        if name != "-":
            seen.setdefault(_identity(name), (f"an input ({name})", "", None))
    for option, path, source in outputs:
        if not path or path == "-" or resolve_target(path).in_place:
            continue
        key = _identity(path)
        if key not in seen:
            seen[key] = (f"{option} {path}", option, source)
            continue
        what, other_option, other_source = seen[key]
        if what.startswith("an input"):
            raise UsageError(f"{option} {path} is also {what}; choose another output")
        if source is not None and other_source is not None and option == other_option:
            raise UsageError(f"{other_source} and {source} would both be written to {path} ({option}); rename one or clean them separately")
        raise UsageError(f"{option} {path} is also {what}; choose different files")


def _identity(path: str) -> object:
    """What makes two names the same file: device and inode if it exists, else its real path."""
    real = resolve_target(path).real
    try:
        st = os.stat(real)
    except OSError:
        return real
    return (st.st_dev, st.st_ino)


__all__ = ["Target", "check_distinct", "open_in_place", "resolve_target", "sync", "write_in_place"]
