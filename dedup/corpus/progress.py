"""What a corpus run tells about itself while it goes: progress bars and peak memory."""

from __future__ import annotations

import resource
import sys


def _own_high_water_kib() -> int | None:
    """This process's own peak resident memory (``VmHWM``, KiB) from /proc, or None where there is none.

    ``getrusage``'s ``ru_maxrss`` is not only ours: Linux carries the
    high-water mark of the process that started us (fork or vfork, then
    exec) into it, so a run started by a 400 MiB parent reported 400 MiB
    whatever it used.  ``VmHWM`` belongs to this process's own memory map,
    which exec made new.
    """
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def peak_rss_mib() -> float:
    """Peak resident memory of this process and of its finished children, in MiB.

    A child's ``ru_maxrss`` may hold what it inherited from us when it
    started, which is at most our own peak, so the maximum stays ours; only
    our own figure must not come from ``ru_maxrss`` (see
    :func:`_own_high_water_kib`).  Elsewhere (macOS, no /proc) it does.
    """
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    own_kib = _own_high_water_kib()
    own = own_kib * 1024 if own_kib is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale
    return round(max(own, kids) / 2**20, 1)


def bar(enabled: bool, desc: str, unit: str, total: int | None = None):
    """A tqdm bar on standard error, or None; test it with ``is not None``.

    ``bool()`` of a tqdm bar is its length: a TypeError without a total (the
    fingerprint stage streams) and False for a zero total.
    """
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, leave=False, dynamic_ncols=True)


__all__ = ["bar", "peak_rss_mib"]
