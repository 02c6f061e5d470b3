"""What a corpus run tells about itself while it goes: progress bars and peak memory."""

from __future__ import annotations

import resource
import sys


def peak_rss_mib() -> float:
    """Peak resident memory of this process and of its finished children, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    scale = 1 if sys.platform == "darwin" else 1024
    return round(max(own, kids) * scale / 2**20, 1)


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
