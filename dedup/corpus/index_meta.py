"""The index's meta.json and its checks: what a readable index is (see :mod:`dedup.corpus.index`)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = "dedup.index/3"
#: formats this version reads: /2 segments hold no records (written again as /3 on the next commit)
READABLE = ("dedup.index/2", FORMAT)
SEGMENT_NAME = re.compile(r"seg-[0-9]{6}-[0-9]{4}")
ARCHIVE_NAME = {"verified": re.compile(r"verified-[0-9]{6}\.npz"), "state": re.compile(r"state-[0-9]{6}\.npz")}


def why(exc: BaseException) -> str:
    """What went wrong, in a few words (``strerror`` is None for some OSErrors, e.g. shutil's)."""
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return text.splitlines()[0]


class Damaged(Exception):
    """One file of the index is not what the index says it is (caught by :meth:`Index.open`)."""

    def __init__(self, name: str, what: str) -> None:
        super().__init__(f"{name}: {what}")


def check_offsets(off: np.ndarray, n: int, end: int, name: str, of: str, unit: str) -> None:
    """``off`` (file ``name``) must be ``n + 1`` non-decreasing offsets from 0 to ``end``, the size of ``of``."""
    if off.shape != (n + 1,):
        raise Damaged(name, f"{len(off)} offsets for {n} documents (needs {n + 1})")
    if off[0] != 0 or (n and bool(np.any(np.diff(off) < 0))):
        raise Damaged(name, "offsets do not start at 0 and grow")
    if int(off[-1]) != end:
        raise Damaged(of, f"{end:,} {unit}, but {name.rsplit('/', 1)[-1]} says {int(off[-1]):,} (one of the two is truncated or damaged)")


def read_meta(root: Path) -> dict[str, Any]:
    """``meta.json``, checked for the fields and types every later step relies on."""
    path = root / "meta.json"
    if path.is_dir():
        raise Damaged("meta.json", "is a folder, not a file")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise Damaged("meta.json", f"unreadable ({why(exc)})") from None
    except ValueError as exc:
        raise Damaged("meta.json", f"not JSON ({exc})") from None
    if not isinstance(meta, dict):
        raise Damaged("meta.json", "not a JSON object")
    if meta.get("format") not in READABLE:
        raise Damaged("meta.json", f"not a {FORMAT} index (format {meta.get('format')!r})")
    gen = meta.get("generation")
    if gen is None:
        raise Damaged("meta.json", "has no generation")
    if type(gen) is not int or gen < 0:
        raise Damaged("meta.json", f"generation must be a whole number, got {gen!r}")
    segs = meta.get("segments")
    if not isinstance(segs, list) or not all(isinstance(x, str) and SEGMENT_NAME.fullmatch(x) for x in segs) or len(set(segs)) != len(segs):
        raise Damaged("meta.json", "segments must be a list of distinct seg-NNNNNN-NNNN folder names")
    for key, pattern in ARCHIVE_NAME.items():
        v = meta.get(key)
        if v is not None and not (isinstance(v, str) and pattern.fullmatch(v)):
            raise Damaged("meta.json", f"{key} must name a {key}-NNNNNN.npz file, got {v!r}")
    kept = meta.get("records", [])
    if not isinstance(kept, list) or not set(kept) <= set(segs):
        raise Damaged("meta.json", "records must list segments of the index")
    docs = meta.get("documents")
    if docs is not None and type(docs) is not int:
        raise Damaged("meta.json", f"documents must be a whole number, got {docs!r}")
    return meta


__all__ = ["ARCHIVE_NAME", "FORMAT", "READABLE", "SEGMENT_NAME", "Damaged", "check_offsets", "read_meta", "why"]
