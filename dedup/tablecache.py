"""Tables built from data files or from the Unicode database, kept on disk between runs.

A start-up used to rebuild the same tables every time: jieba's 349 k-word
dictionary, OpenCC's character tables, a per-code-point mask of the BMP.  Each
is stored here once per machine with :mod:`marshal` under a key that says what
it was built from (source files' path, size and mtime, or the Unicode
version), and rebuilt when the key changes or the file is missing or damaged.

The folder is ``$DEDUP_CACHE_DIR``, else ``__pycache__`` beside the package (as
numba's kernel cache): a fresh install starts empty.  Files are written
atomically, so concurrent runs (workers) each read whole files; a folder that
cannot be written costs only the work of building the table again.

>>> import tempfile, os
>>> os.environ["DEDUP_CACHE_DIR"] = tempfile.mkdtemp()
>>> cached("demo", ("v", 1), lambda: {"a": 1}), load("demo", ("v", 1)), load("demo", ("v", 2))
({'a': 1}, {'a': 1}, None)
>>> del os.environ["DEDUP_CACHE_DIR"]
"""

from __future__ import annotations

import marshal
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

#: bump when what a table stores changes shape
FORMAT = 1


def cache_dir() -> Path:
    """Where tables are kept: ``$DEDUP_CACHE_DIR``, else ``__pycache__`` beside this package."""
    env = os.environ.get("DEDUP_CACHE_DIR", "").strip()
    return Path(env) if env else Path(__file__).resolve().parent / "__pycache__"


def files_key(sources: Sequence[str]) -> tuple[Any, ...]:
    """A key for a table parsed from ``sources``: each file's path, size and mtime."""
    return tuple((s, os.stat(s).st_size, os.stat(s).st_mtime_ns) for s in sources)


def _path(name: str) -> Path:
    return cache_dir() / f"dedup-{name}.marshal"


def load(name: str, key: Any) -> Any:
    """The table ``name`` stored under ``key``; None when it is missing, stale or unreadable."""
    try:
        stored = marshal.loads(_path(name).read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not (isinstance(stored, tuple) and len(stored) == 3 and stored[0] == FORMAT and stored[1] == key):
        return None
    return stored[2]


def store(name: str, key: Any, value: Any) -> bool:
    """Keep ``value`` (marshal-able) as table ``name`` under ``key``; False when it cannot be written."""
    path = _path(name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(marshal.dumps((FORMAT, key, value)))
        os.chmod(tmp, 0o644)  # readable by every user of the install, like the bytecode beside it
        os.replace(tmp, path)
        return True
    except (OSError, ValueError):
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False


def cached(name: str, key: Any, build: Callable[[], Any]) -> Any:
    """Table ``name``: from disk when stored under ``key``, else ``build()`` (then stored)."""
    value = load(name, key)
    if value is None:
        value = build()
        store(name, key, value)
    return value
