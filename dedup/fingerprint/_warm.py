"""Compile every numba kernel into the on-disk cache, once per machine: ``python -m dedup.fingerprint._warm``.

Started in the background (``--background``: at a low CPU priority) by
:func:`dedup.fingerprint.kernels.warm` the first
time a process wants the kernels and finds no finished cache: the run that
started it carries on with the numpy twins (bit-identical results), and later
batches switch to the kernels once this process has written the ready marker.
An exclusive lock makes it one compilation per machine, however many workers
or processes ask at once.

It compiles by running the package's own batch functions on a small
mixed-script corpus with ``DEDUP_KERNEL=numba``, so the kernels are compiled
for exactly the argument types production passes them.
"""

from __future__ import annotations

import os
import sys

import numpy as np


def compile_all() -> None:
    """Run each kernel once through its public caller (CJK and Latin keys, both signature kinds)."""
    os.environ["DEDUP_KERNEL"] = "numba"
    from ..cluster import MatchConfig, find_clusters
    from ..corpus import CorpusConfig, fingerprint_batch
    from . import lsh
    from .keys import matching_keys

    zh = ["推进义务教育优质均衡发展，助力双减政策落地见效。", "推进义务教育优质均衡发展，助力“双减”政策落地见效！", "完全不同的一篇文章，讲的是别的事情。"]
    en = ["The quick brown fox jumps over the lazy dog again.", "The quick brown fox jumped over the lazy dog again!", "An unrelated sentence about something else entirely."]
    from ..pipeline import clean

    # one script per batch and both mixed: the symbol arrays take a different dtype in each case
    for texts in (zh * 4, en * 4, (zh + en) * 4):
        prints = fingerprint_batch(texts, CorpusConfig(clean=False))
        lsh.candidates_from_bands(prints.bands, np.arange(len(texts)), 64)
        find_clusters(matching_keys(texts), MatchConfig())
        clean("\n\n".join(texts))


#: niceness of a compilation started in the background by a run (``--background``)
BACKGROUND_NICE = 19


def lower_priority(niceness: int = BACKGROUND_NICE) -> None:
    """Run at the lowest CPU priority: the compilation must not slow the run that started it.

    On a busy machine (the run's own workers, other jobs) a compiler at normal
    priority took a share of the CPU from the run, which meanwhile computes
    with the numpy twins: the first run paid for both.  At ``nice 19`` it
    uses what the run leaves (with autogroup scheduling, its session's idle
    share).  Measured side by side under load (``benchmarks/first_run.py``):
    nice 0 → nice 10 → nice 19 took the first run with 1 worker from +17 s to
    +4.8 s to +3.6 s over a warm one (see benchmarks/README.md).
    """
    try:
        current = os.nice(0)
        if current < niceness:
            os.nice(niceness - current)
    except OSError:
        pass  # not permitted or not supported: compile at the inherited priority


def main(argv: list[str] | None = None) -> int:
    from . import kernels

    if "--background" in (sys.argv[1:] if argv is None else argv):
        lower_priority()
    with kernels.compile_lock(blocking=False) as held:
        if not held or kernels.kernels_ready():
            return 0  # another process compiles, or it is done
        compile_all()
        kernels.mark_ready()
    return 0


if __name__ == "__main__":  # pragma: no cover - a subprocess
    sys.exit(main())
