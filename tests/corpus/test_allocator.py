"""``keep_freed_memory``: a corpus run's allocator reuses the arrays it frees instead of faulting in fresh pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

_FAULTS = """
import resource, sys
import numpy as np
from dedup.engines.local import keep_freed_memory
applied = keep_freed_memory() if sys.argv[1] == "keep" else None
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    # a batch's arrays: 20 of 8 MiB live at once, then all freed (160 MiB free at the heap's top)
    arrays = [np.ones(1 << 20) for _ in range(20)]
    del arrays
print(applied, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(mode: str, **env: str) -> tuple[str, int]:
    root = str(Path(__file__).resolve().parents[2])
    proc = subprocess.run([sys.executable, "-c", _FAULTS, mode], capture_output=True, text=True, timeout=120,
                          env={**{k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}, "PYTHONPATH": root, **env})
    assert proc.returncode == 0, proc.stderr
    applied, faults = proc.stdout.split()
    return applied, int(faults)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_freed_arrays_are_reused_not_faulted_in_again() -> None:
    """Ten rounds of 160 MiB allocated and freed: by default the freed heap is trimmed and every round faults its
    pages in again (~400 k faults); with the settings the first round's pages serve the other nine."""
    applied, kept = _faults("keep")
    _, default = _faults("default")
    assert applied == "True"
    assert kept * 3 < default, (kept, default)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_a_users_malloc_variables_are_left_alone() -> None:
    applied, _ = _faults("keep", MALLOC_TRIM_THRESHOLD_="131072")
    assert applied == "False"
