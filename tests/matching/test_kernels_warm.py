"""The numba kernels are compiled once per machine, in the background, never once per worker.

The first corpus run on a fresh machine must not wait 7-20 s for numba to
compile: it carries on with the bit-identical numpy twins while one background
process fills the cache, and later batches (and runs) load the cached kernels.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from dedup.testing import make_corpus

ROOT = Path(__file__).resolve().parents[2]


def _env(cache: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    env.pop("DEDUP_KERNEL", None)
    env.update(extra)
    return env


def _compilers_of(cache: Path) -> list[int]:
    """The background compilers still running on ``cache``.

    Only those whose ``NUMBA_CACHE_DIR`` is this cache: any other ``_warm`` on
    the machine (another checkout's tests) kept the wait going until it failed.
    """
    pids = subprocess.run(["pgrep", "-f", "dedup.fingerprint._warm"], capture_output=True, text=True).stdout.split()
    mine = []
    for pid in pids:
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            continue  # gone meanwhile
        if f"NUMBA_CACHE_DIR={cache}".encode() in environ:
            mine.append(int(pid))
    return mine


def _wait_ready(cache: Path, timeout: float = 300) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready = list(cache.glob("dedup-kernels-*.ready"))
        if ready and not _compilers_of(cache):
            return ready[0].read_text(encoding="utf-8").splitlines()
        time.sleep(0.5)
    raise AssertionError("the background compilation never finished")


def test_first_run_on_a_fresh_cache_compiles_once_in_the_background_with_the_same_bytes(tmp_path: Path) -> None:
    src = tmp_path / "c.jsonl"
    with open(src, "w", encoding="utf-8") as f:
        for r in make_corpus(3, 600).records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    cache = tmp_path / "numba-cache"

    def run(name: str, env: dict[str, str], workers: str) -> bytes:
        out, rep = tmp_path / f"{name}.jsonl", tmp_path / f"{name}.report.jsonl"
        cmd = [sys.executable, "-m", "dedup.cli", "corpus", str(src), "-o", str(out), "--report", str(rep), "--no-clean", "--workers", workers, "-q"]
        subprocess.run(cmd, env=env, check=True, timeout=600)
        return out.read_bytes() + rep.read_bytes()

    reference = run("numpy", _env(tmp_path / "unused", DEDUP_KERNEL="numpy"), "1")
    # two workers on an empty cache: both want the kernels, one compilation starts
    assert run("cold", _env(cache), "2") == reference
    lines = _wait_ready(cache)
    assert len(lines) == 1, lines
    # the next run loads the cached kernels and still gives the same bytes
    assert run("warm", _env(cache), "2") == reference
    assert len(_wait_ready(cache)) == 1


def test_two_compilers_started_at_once_compile_once(tmp_path: Path) -> None:
    cache = tmp_path / "numba-cache"
    cmd = [sys.executable, "-m", "dedup.fingerprint._warm"]
    procs = [subprocess.Popen(cmd, env=_env(cache)) for _ in range(2)]
    assert [p.wait(timeout=600) for p in procs] == [0, 0]
    assert len(_wait_ready(cache)) == 1


def test_a_cache_that_cannot_be_written_compiles_in_process_as_before(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code = "from dedup.fingerprint import kernels; print(kernels.use_kernels(10**8), kernels.warm() if False else '')"
    out = subprocess.run([sys.executable, "-c", code], env=_env(blocker / "cache"), capture_output=True, text=True, check=True).stdout
    assert out.split()[0] == "True"


_MID_SIZED_BATCH = r"""
import sys
import numpy as np
from dedup.fingerprint import kernels
from dedup.fingerprint.minhash import signatures_csr
from dedup.fingerprint.shingle import ShingleSets
from dedup.cluster import intersection_sizes

kernels.mark_ready()  # the machine's kernels count as compiled: loading them would be cheap-ish
# one document's worth: 5,000 sets of 120 shingles (600 k hashes, well under AUTO_MIN_SYMBOLS)
rng = np.random.default_rng(1)
hashes = np.sort(rng.integers(0, 2**32, size=(5000, 120), dtype=np.uint64), axis=1).astype(np.uint32).ravel()
indptr = np.arange(0, len(hashes) + 1, 120, dtype=np.int64)
signatures_csr(indptr, hashes)
pairs = np.arange(5000, dtype=np.int64)
intersection_sizes(ShingleSets(indptr, hashes), np.zeros(20000, dtype=np.int64), np.tile(pairs, 4))
print("numba" in sys.modules)
"""


def test_one_mid_sized_document_never_loads_numba(tmp_path: Path) -> None:
    """Signatures and intersections of a 5,000-paragraph document take numpy in auto mode, even with a
    finished kernel cache: their work (hashes x permutation blocks, pairs x set sizes) is no reason to pay
    for loading numba (~0.7 s idle, several seconds on a busy machine)."""
    proc = subprocess.run([sys.executable, "-c", _MID_SIZED_BATCH], env=_env(tmp_path / "numba-cache"), capture_output=True, text=True, timeout=600, check=True)
    assert proc.stdout.strip() == "False"
