"""Compiled (numba) kernels for the similarity hot loop, and when to use them.

Every kernel here has a numpy twin in the calling module and must give the
same answer bit for bit; the kernels only make it faster.  They work on flat
arrays describing a whole batch at once:

* ``sym`` / ``offsets`` / ``ngram``: the symbols of all keys concatenated
  (code points for CJK keys, word hashes otherwise), ``offsets[i]:offsets[i+1]``
  the symbols of key ``i`` and ``ngram[i]`` its shingle size;
* ``indptr`` / ``hashes``: shingle sets in CSR form (sorted unique hashes of set
  ``i`` at ``hashes[indptr[i]:indptr[i+1]]``).

Why numba and why lazily: importing numba costs ~0.9 s and compiling a kernel
a few seconds, which a one-document run of ``dedup-text`` must not pay.  So
this module is imported only when a batch is big enough
(:func:`use_kernels`), and every kernel is compiled with ``cache=True`` so a
process pays the compilation once per machine, not once per start.  Kernels
are ``parallel=True`` over documents (or pairs); the thread count is
:func:`workers` and never changes a result, because each document or pair
is computed independently.

Environment:

* ``DEDUP_KERNEL``: ``auto`` (default: numba for big batches when it is
  installed), ``numba`` (always, for benchmarks and tests) or ``numpy``
  (never);
* ``DEDUP_WORKERS``: threads for the kernels (default: all cores).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

#: below this many symbols in a batch the numpy path is cheaper than importing numba and
#: loading the cached kernels (~2 s on a loaded 2-core machine; numpy does ~1 M characters/s)
AUTO_MIN_SYMBOLS = 2_000_000
#: once the kernels are loaded, batches from this size on use them
WARM_MIN_SYMBOLS = 20_000


@lru_cache(maxsize=1)
def numba_available() -> bool:
    """True when numba can be imported (checked once, without importing it)."""
    import importlib.util

    return importlib.util.find_spec("numba") is not None


def kernel_mode() -> str:
    """``auto``, ``numba`` or ``numpy``, from ``DEDUP_KERNEL``."""
    mode = os.environ.get("DEDUP_KERNEL", "auto").strip().lower() or "auto"
    return mode if mode in ("auto", "numba", "numpy") else "auto"


def use_kernels(size: int, *, load_size: int | None = None) -> bool:
    """Whether a batch of ``size`` symbols (or hashes) should go through numba.

    Never for tiny batches in ``auto`` mode: importing numba would cost more
    than the whole numpy computation.  ``load_size`` (default ``size``) is what
    decides whether a process that has not loaded the kernels loads them: a
    caller whose ``size`` counts work rather than symbols (signatures: hashes
    times permutation blocks) passes its symbols, so that one document of
    5,000 paragraphs does not pay ~0.7 s (seconds under load) to load numba.

    >>> use_kernels(10) if kernel_mode() == "auto" else False
    False
    """
    mode = kernel_mode()
    if mode == "numpy" or not numba_available():
        return False
    if mode == "numba":
        return True
    if _compiled.cache_info().currsize:
        # already paid for: worth it for any batch that is not tiny
        return size >= WARM_MIN_SYMBOLS
    if (size if load_size is None else load_size) < AUTO_MIN_SYMBOLS:
        return False
    if kernels_ready() or not _cache_writable():
        # a cache we cannot mark (read-only install): compile here, as numba would
        return True
    # the first big batch on this machine: compile in the background, numpy meanwhile
    start_background_compile()
    return False


def warm() -> bool:
    """Load the kernels now (``auto`` mode, numba installed), so later mid-sized batches use them.

    For callers that know many batches will follow, such as corpus mode:
    the one-off import is amortised over the run.  Returns whether kernels
    are in use.

    Loading cached kernels takes about a second; compiling them the first
    time on a machine takes 7-20 s.  So, in ``auto`` mode, when the cache is
    not finished this starts one background compilation for the whole machine
    (:mod:`dedup.fingerprint._warm`) and returns False: this run carries on
    with the numpy twins, and switches once the cache is ready.
    """
    if kernel_mode() == "numpy" or not numba_available():
        return False
    if kernel_mode() == "auto" and not _compiled.cache_info().currsize and not kernels_ready() and _cache_writable():
        start_background_compile()
        return False
    _compiled()
    return True


def _cache_dir() -> Path:
    """Where numba caches these kernels (``NUMBA_CACHE_DIR``, else ``__pycache__`` beside them)."""
    env = os.environ.get("NUMBA_CACHE_DIR", "").strip()
    return Path(env) if env else Path(__file__).resolve().parent / "__pycache__"


@lru_cache(maxsize=1)
def _cache_tag() -> str:
    """What a finished cache was compiled from: the kernels' source and the numba and Python versions."""
    from importlib.metadata import version

    path = Path(__file__).resolve().parent / "_numba_kernels.py"
    try:
        numba_version = version("numba")
    except Exception:  # numba without package metadata (a vendored copy): its module knows
        import numba

        numba_version = str(getattr(numba, "__version__", "?"))
    # numba's cache index is keyed by the file's path too: another install sharing NUMBA_CACHE_DIR is not this one
    h = hashlib.blake2b(path.read_bytes() + str(path).encode() + numba_version.encode() + sys.version.encode(), digest_size=8).hexdigest()
    return h


@lru_cache(maxsize=1)
def _cache_writable() -> bool:
    d = _cache_dir()
    try:
        d.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(d, os.W_OK)


def _marker() -> Path:
    return _cache_dir() / f"dedup-kernels-{_cache_tag()}.ready"


def kernels_ready() -> bool:
    """True when this machine's kernel cache has been compiled in full (so loading it is cheap)."""
    return _marker().exists()


def mark_ready() -> None:
    m = _marker()
    m.parent.mkdir(parents=True, exist_ok=True)
    with open(m, "a", encoding="utf-8") as f:  # one line per compilation: there should be one
        f.write(f"compiled by dedup.fingerprint._warm, pid {os.getpid()}\n")


@contextlib.contextmanager
def compile_lock(blocking: bool = True) -> Iterator[bool]:
    """An exclusive lock on this machine's kernel cache; yields whether it is held."""
    import fcntl

    d = _cache_dir()
    try:
        d.mkdir(parents=True, exist_ok=True)
        fd = os.open(d / "dedup-kernels.lock", os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


_started = False


def start_background_compile() -> None:
    """Start :mod:`dedup.fingerprint._warm` once per process; it does nothing if another one compiles."""
    global _started
    if _started:
        return
    _started = True
    with compile_lock(blocking=False) as free:
        if not free:
            return  # a compilation is under way already
    if not sys.executable:
        return  # an embedded interpreter: no Python to start (the kernels then compile here, when used)
    try:
        # same process group: a Ctrl-C on the terminal ends it with the run
        subprocess.Popen([sys.executable, "-m", "dedup.fingerprint._warm", "--background"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=True)
    except OSError:
        pass


#: threads this process may use, set by an engine that runs several processes (None: no cap)
_budget: int | None = None


def workers() -> int:
    """Kernel threads: ``DEDUP_WORKERS`` or every core, within the process's budget.

    An engine running N worker processes gives each a budget (see
    :func:`thread_budget`), so that ``--workers N`` means N threads in all,
    not N processes times every core.
    """
    env = os.environ.get("DEDUP_WORKERS", "").strip()
    n = int(env) if env.isdigit() and int(env) > 0 else (os.cpu_count() or 1)
    if _budget is not None:
        n = min(n, _budget)
    return max(1, n)


@contextlib.contextmanager
def thread_budget(n: int | None) -> Iterator[None]:
    """Within the block, kernels (and rapidfuzz's batch calls) use at most ``n`` threads.

    >>> with thread_budget(1):
    ...     workers()
    1
    """
    global _budget
    before, _budget = _budget, n
    try:
        yield
    finally:
        _budget = before


def set_thread_budget(n: int | None) -> None:
    """The budget for the rest of this process's life (a pool worker's initializer)."""
    global _budget
    _budget = n


@lru_cache(maxsize=1)
def _compiled() -> Any:
    """The kernel module, imported (and its cached machine code loaded) on first use only."""
    from . import _numba_kernels

    return _numba_kernels


def kernel(name: str) -> Any:
    """The compiled kernel ``name``, with the thread count set from :func:`workers`."""
    mod = _compiled()
    numba = mod.numba
    numba.set_num_threads(min(workers(), numba.config.NUMBA_NUM_THREADS))
    return getattr(mod, name)
