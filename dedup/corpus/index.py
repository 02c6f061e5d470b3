"""The corpus index: every document's fingerprints, on disk, growing run by run.

An index is a folder::

    meta.json            format, fingerprint settings, committed segments and state files
    seg-000001/          one segment per committed run, never changed afterwards
        ids.json         document ids, in input order
        bands.npy        (n, bands) uint64 LSH band hashes
        keyhash.npy      (n,) uint64 hash of the document's matching key (0: empty)
        keylen.npy       (n,) int64 characters of the matching key
        shingles.npy     (n,) int64 shingles of the key (0: too short for MinHash)
        units.npy        uint64 hashes of the document's boilerplate units, concatenated
        unit_off.npy     (n + 1,) int64 offsets into units.npy
        unit_len.npy     int32 key length of each of those units (for the keep policy)
        keys.bin         UTF-8 matching keys, concatenated (read through a memory map)
        key_off.npy      (n + 1,) int64 byte offsets into keys.bin
        records.bin      every input record, each pickled and zlib-compressed, concatenated
        record_off.npy   (n + 1,) int64 byte offsets into records.bin
    verified-000002.npz  every pair verified so far and its scores (so no pair is scored twice)
    state-000002.npz     every document's cluster decision after the last run

The records are what lets a later run write a document the index had
removed and that run keeps again (its representative was removed in turn):
its text is in no earlier output and not in the later run's input.  They are
unpickled with a restricted unpickler (plain values, dates, decimals), never
as arbitrary objects.  ``dedup.index/2`` indexes (before records were kept)
are read: their segments hold no records (:attr:`Segment.has_records`).

Documents are numbered globally in the order they were added: run 1's
documents first, then run 2's, and so on, which is the order a single run on
the concatenated input would give them.  That is what makes "two halves
incrementally" equal "the whole at once".

Commits are crash-safe and happen in two steps.  :meth:`Index.prepare_commit`
writes everything that needs disk space, each file synced: an empty
``meta.json`` (generation 0) on the first commit, the segment under a
temporary name then renamed, new verified/state files under new names, and
the new ``meta.json`` staged beside the old one.  :meth:`Index.commit` then
renames it into place, which needs no space.  A crash or a full disk at any
point leaves ``meta.json`` naming the previous, complete state (or no
``meta.json`` and nothing committed); the files it does not name are
leftovers, removed when the run fails or the next time the index is opened,
so rerunning the same command is always right.  Corpus mode renames its
outputs between the two steps, so a full disk never leaves outputs that
describe a run the index does not hold.

Opening checks every file ``meta.json`` names against the others (array
kinds and shapes, offsets against the sizes of ``keys.bin`` and
``units.npy``, decisions against the number of documents) before any is
used: a damaged index is one error line naming the file and what is wrong,
never a traceback or silently wrong clusters.
"""

from __future__ import annotations

import bisect
import io
import json
import mmap
import os
import pickle
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from ..errors import InputError, OutputError, UsageError
from ..io.write import BufferedFile
from .index_meta import FORMAT
from .index_meta import Damaged as _Damaged
from .index_meta import check_offsets as _check_offsets
from .index_meta import read_meta as _read_meta
from .index_meta import why as _why
from .stored import RecordUnpickler, pack_record  # noqa: F401  (pack_record: re-exported for run.py)


@dataclass
class Segment:
    """One run's documents: arrays in memory, keys behind a memory map."""

    ids: list[str]
    bands: np.ndarray
    keyhash: np.ndarray
    keylen: np.ndarray
    shingles: np.ndarray
    units: np.ndarray
    unit_off: np.ndarray
    unit_len: np.ndarray
    keys_path: Path
    key_off: np.ndarray
    #: the byte offsets of each record in records.bin (None: the segment keeps no records)
    record_off: np.ndarray | None = None
    _map: Any = field(default=None, repr=False)
    _rmap: Any = field(default=None, repr=False)
    _off: list[int] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    def key(self, i: int) -> str:
        """The matching key of document ``i`` of this segment."""
        if self._off is None:
            self._off = self.key_off.tolist()  # read per key: Python ints, not a numpy scalar each
        a, b = self._off[i], self._off[i + 1]
        if a == b:
            return ""
        try:
            if self._map is None:
                with open(self.keys_path, "rb") as f:
                    self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            return self._map[a:b].decode("utf-8", "surrogatepass")
        except (OSError, ValueError) as exc:
            # the sizes were checked when the index was opened; the bytes are read only now
            where = f"--index {self.keys_path.parent.parent}: damaged: {self.keys_path.parent.name}/keys.bin"
            raise InputError(f"{where}: key {i} (bytes {a:,}-{b:,}) unreadable ({_why(exc)})") from None

    @property
    def has_records(self) -> bool:
        """Whether this segment keeps its records (segments of a dedup.index/2 index do not)."""
        return self.record_off is not None

    def record(self, i: int) -> dict[str, Any]:
        """The input record of document ``i`` of this segment (its text as it was read, every field)."""
        assert self.record_off is not None
        a, b = int(self.record_off[i]), int(self.record_off[i + 1])
        path = self.keys_path.parent / "records.bin"
        try:
            if self._rmap is None:
                with open(path, "rb") as f:
                    self._rmap = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            rec = RecordUnpickler(io.BytesIO(zlib.decompress(self._rmap[a:b]))).load()
        except (OSError, ValueError, zlib.error, pickle.UnpicklingError, EOFError) as exc:
            where = f"--index {path.parent.parent}: damaged: {path.parent.name}/records.bin"
            raise InputError(f"{where}: record {i} (bytes {a:,}-{b:,}) unreadable ({_why(exc)})") from None
        if not isinstance(rec, dict):
            raise InputError(f"--index {path.parent.parent}: damaged: {path.parent.name}/records.bin: record {i} is not a record")
        return rec

    def close(self) -> None:
        if self._map is not None:
            self._map.close()
            self._map = None
        if self._rmap is not None:
            self._rmap.close()
            self._rmap = None


#: every array of a segment: the dtype kinds it may have and its number of dimensions
_ARRAYS: dict[str, tuple[str, int]] = {
    "bands": ("u", 2),
    "keyhash": ("u", 1),
    "keylen": ("i", 1),
    "shingles": ("i", 1),
    "units": ("u", 1),
    "unit_off": ("i", 1),
    "unit_len": ("i", 1),
    "key_off": ("i", 1),
}
_SEGMENT_FILES = frozenset({"ids.json", "keys.bin", "records.bin", "record_off.npy", *(f"{name}.npy" for name in _ARRAYS)})
#: the columns of the verified-pairs and state archives, with their dtype kinds
_VERIFIED = {"code": "u", "accepted": "b", "similarity": "f", "jaccard": "f", "containment": "f", "reason": "i"}
_STATE = {"keeper": "i", "score": "f", "reason": "i", "size": "i", "rep": "i?"}  # ?: an older index may lack it (rep: direct representatives)
#: names of the index's own files; anything else in the folder is never touched
_OURS = ("seg-", "verified-", "state-", ".pending-", ".meta")


def _fsync_dir(folder: Path) -> None:
    """Make renames and new entries in ``folder`` durable (file data is synced by its writer)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_synced(path: Path, write: Any) -> None:
    """``write(f)`` into a new file at ``path``, then flush it to the disk."""
    with open(path, "wb") as f:
        write(f)
        f.flush()
        os.fsync(f.fileno())


class _Stream:
    """A file seen only through ``write``: numpy then writes in chunks through Python's file.

    Given a real file, ``np.save`` uses ``ndarray.tofile``, whose short write
    on a full disk is an OSError without errno ("1260 requested and 496
    written"); through ``write`` the error is the system's own.
    """

    def __init__(self, f: Any) -> None:
        self.write = f.write


def _save_segment(folder: Path, seg: Segment) -> None:
    """Write ``seg`` into ``folder`` (which already holds its keys.bin), every file synced."""
    folder.mkdir(parents=True, exist_ok=True)
    _write_synced(folder / "ids.json", lambda f: f.write(orjson.dumps(seg.ids)))
    for name in _ARRAYS:
        array = getattr(seg, name)
        _write_synced(folder / f"{name}.npy", lambda f, a=array: np.save(_Stream(f), a, allow_pickle=False))
    if seg.keys_path != folder / "keys.bin":
        shutil.move(str(seg.keys_path), folder / "keys.bin")
        seg.keys_path = folder / "keys.bin"
    with open(folder / "keys.bin", "rb+") as f:
        os.fsync(f.fileno())
    if seg.record_off is not None:
        _write_synced(folder / "record_off.npy", lambda f: np.save(_Stream(f), seg.record_off, allow_pickle=False))
        with open(folder / "records.bin", "rb+") as f:
            os.fsync(f.fileno())
    _fsync_dir(folder)


def _load_array(path: Path, name: str, kinds: str, ndim: int) -> np.ndarray:
    """One ``.npy`` file of a segment, checked for its dtype kind and number of dimensions."""
    if not path.is_file():
        raise _Damaged(name, "missing" if not path.exists() else "not a file")
    try:
        a = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        # numpy takes what is not .npy for a pickle, and says so: not what happened
        raise _Damaged(name, "not a .npy array file" if "pickle" in str(exc) else f"not a readable array file ({_why(exc)})") from None
    if not isinstance(a, np.ndarray) or a.dtype.kind not in kinds or a.ndim != ndim:
        raise _Damaged(name, f"holds a {getattr(a, 'ndim', '?')}-dimensional {getattr(a, 'dtype', type(a).__name__)} array, not what a segment stores")
    return a


def _load_segment(root: Path, name: str, bands: int, records: bool = False) -> Segment:
    """A committed segment, every file checked against the others (sizes, shapes, offsets).

    ``records``: meta.json says it keeps its records (records.bin and record_off.npy).
    """
    folder = root / name
    if not folder.is_dir():
        raise _Damaged(name, "missing" if not folder.exists() else "not a folder")
    arrays = {k: _load_array(folder / f"{k}.npy", f"{name}/{k}.npy", kinds, ndim) for k, (kinds, ndim) in _ARRAYS.items()}
    try:
        ids = orjson.loads((folder / "ids.json").read_bytes())
    except FileNotFoundError:
        raise _Damaged(f"{name}/ids.json", "missing") from None
    except (OSError, orjson.JSONDecodeError) as exc:
        raise _Damaged(f"{name}/ids.json", f"unreadable ({_why(exc)})") from None
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise _Damaged(f"{name}/ids.json", "not a list of document ids")
    n = len(ids)
    if len(set(ids)) != n:
        raise _Damaged(f"{name}/ids.json", "the same document id twice")
    for k in ("keyhash", "keylen", "shingles"):
        if arrays[k].shape != (n,):
            raise _Damaged(f"{name}/{k}.npy", f"{len(arrays[k])} rows, but ids.json holds {n} ids")
    if arrays["bands"].shape != (n, bands):
        raise _Damaged(f"{name}/bands.npy", f"shape {arrays['bands'].shape}, needs ({n}, {bands}) ({n} documents, {bands} bands)")
    _check_offsets(arrays["unit_off"], n, len(arrays["units"]), f"{name}/unit_off.npy", f"{name}/units.npy", "units")
    if arrays["unit_len"].shape != arrays["units"].shape:
        raise _Damaged(f"{name}/unit_len.npy", f"{len(arrays['unit_len'])} lengths for {len(arrays['units'])} units")
    keys = folder / "keys.bin"
    if not keys.is_file():
        raise _Damaged(f"{name}/keys.bin", "missing" if not keys.exists() else "not a file")
    _check_offsets(arrays["key_off"], n, keys.stat().st_size, f"{name}/key_off.npy", f"{name}/keys.bin", "bytes")
    record_off = None
    if records:
        record_off = _load_array(folder / "record_off.npy", f"{name}/record_off.npy", "i", 1)
        stored = folder / "records.bin"
        if not stored.is_file():
            raise _Damaged(f"{name}/records.bin", "missing" if not stored.exists() else "not a file")
        _check_offsets(record_off, n, stored.stat().st_size, f"{name}/record_off.npy", f"{name}/records.bin", "bytes")
    return Segment(ids=ids, keys_path=keys, record_off=record_off, **arrays)  # type: ignore[arg-type]  # arrays holds the _ARRAYS fields only, never _off


def _load_archive(root: Path, name: str, columns: dict[str, str]) -> dict[str, np.ndarray]:
    """A verified-pairs or state archive: every column present (a kind ending in ``?``: where present), 1-D, of its kind and of one length."""
    path = root / name
    if not path.is_file():
        raise _Damaged(name, "missing" if not path.exists() else "not a file")
    try:
        with np.load(path, allow_pickle=False) as z:
            got = {k: z[k] for k in z.files}
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as exc:
        raise _Damaged(name, f"not a readable archive ({_why(exc)})") from None
    if missing := sorted(k for k, kind in columns.items() if k not in got and not kind.endswith("?")):
        raise _Damaged(name, f"has no {', '.join(missing)}")
    columns = {k: kind.rstrip("?") for k, kind in columns.items() if k in got}
    lengths = {len(got[k]) if got[k].ndim == 1 else -1 for k in columns}
    if len(lengths) != 1 or -1 in lengths or any(got[k].dtype.kind not in kind for k, kind in columns.items()):
        raise _Damaged(name, "columns of different lengths or types")
    return {k: got[k] for k in columns}


class Index:
    """A folder of segments plus the verified pairs and decisions of the last run.

    ``Index.open(path, settings)`` creates the folder when missing and refuses
    an index built with other fingerprint settings (its band hashes would not
    be comparable), and a damaged one (one line naming the file and what is
    wrong).  ``path=None`` is a throw-away index in a temporary folder.
    """

    def __init__(self, root: Path, settings: dict[str, Any], *, persistent: bool) -> None:
        self.root = root
        self.settings = settings
        self.persistent = persistent
        self.segments: list[Segment] = []
        self.generation = 0
        self.verified: dict[str, np.ndarray] = _empty_verified()
        self.state: dict[str, np.ndarray] | None = None
        self._lock_file: Any = None
        #: this run wrote files into the folder that meta.json does not name yet (removed on close)
        self._dirty = False
        #: (generation, staged meta file) between :meth:`prepare_commit` and :meth:`commit`
        self._staged: tuple[int, Path] | None = None
        #: the decision settings of the last commit (keep policy, boilerplate), None when it stored none
        self.decisions: dict[str, Any] | None = None
        #: opened to be read only (``--rethreshold``): nothing is created, written or removed
        self.read_only = False

    @property
    def label(self) -> str:
        """How errors name this index: the option for a persistent one, else the temporary folder."""
        return f"--index {self.root}" if self.persistent else f"temporary folder {self.root} (under TMPDIR)"

    # -- opening ---------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str] | None, settings: dict[str, Any], *, read_only: bool = False) -> Index:
        if read_only and path is not None:
            return cls._open_read_only(Path(path), settings)
        if path is None:
            try:
                return cls(Path(tempfile.mkdtemp(prefix="dedup-corpus-")), settings, persistent=False)
            except OSError as exc:
                raise OutputError(f"cannot create a temporary folder under {tempfile.gettempdir()} ({_why(exc)})") from None
        from ..io.lock import open_run_folder

        root = Path(path)
        # one run at a time per index: a second one fails at once instead of corrupting it
        lock = open_run_folder(root, "--index")
        idx = cls(root, settings, persistent=True)
        idx._lock_file = lock

        def load_or_start() -> None:
            if (root / "meta.json").exists() or (root / "meta.json").is_symlink():
                idx._load()
            else:
                idx._start()
            idx._remove_leftovers()

        idx._opened_by(load_or_start, lambda exc: OutputError(f"--index {root}: cannot write meta.json ({_why(exc)})"))
        return idx

    def _opened_by(self, step: Any, os_error: Any) -> None:
        """Run the opening ``step``; on any failure close again: damage and OS errors are one line each."""
        try:
            step()
        except _Damaged as exc:
            self.close()
            raise InputError(f"--index {self.root}: damaged: {exc}") from None
        except OSError as exc:
            self.close()
            raise os_error(exc) from None
        except BaseException:
            self.close()
            raise

    @staticmethod
    def stored_decisions(path: str | os.PathLike[str]) -> dict[str, Any] | None:
        """The decision settings the index at ``path`` was last committed with (None: none stored)."""
        try:
            meta = _read_meta(Path(path))
        except _Damaged as exc:
            raise InputError(f"--index {path}: damaged: {exc}") from None
        return meta["decisions"] if isinstance(meta.get("decisions"), dict) else None

    @classmethod
    def _open_read_only(cls, root: Path, settings: dict[str, Any]) -> Index:
        """A committed index opened to be read: on a read-only disk, a snapshot, another user's folder.

        Nothing is created (no folder, no lock file) and no leftover removed.
        When the lock file exists it is locked shared: a run writing the index
        holds it exclusively, and then this fails at once with one line.
        """
        import fcntl

        if not (root / "meta.json").is_file():
            raise InputError(f"--index {root}: not an index (no meta.json)")
        idx = cls(root, settings, persistent=True)
        idx.read_only = True
        try:
            idx._lock_file = open(root / ".lock", "rb")  # noqa: SIM115 - held (and flocked) until Index.close
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise OutputError(f"--index {root}: cannot open its lock file ({_why(exc)})") from None
        if idx._lock_file is not None:
            try:
                fcntl.flock(idx._lock_file.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError:
                idx.close()
                raise UsageError(f"--index {root}: in use by another run") from None
        idx._opened_by(idx._load, lambda exc: InputError(f"--index {root}: cannot read it ({_why(exc)})"))
        return idx

    def _start(self) -> None:
        """A folder without meta.json: a new index, or the leftovers of a first commit that never finished.

        The first commit writes an empty meta.json (generation 0) before
        anything else, so an interrupted first commit leaves files meta.json
        does not name: leftovers, removed.  A state file without meta.json is
        a committed index that lost its meta.json: refused, never emptied.
        """
        entries = sorted(p.name for p in self.root.iterdir() if p.name.startswith(_OURS))
        committed = [e for e in entries if e.startswith("state-")]
        if committed:
            raise _Damaged(
                "meta.json",
                f"missing, though {committed[0]} is there (meta.json was lost, or an older dedup-text was killed while committing); "
                f"to start afresh, remove the seg-*, verified-* and state-* entries of {self.root}",
            )
        for e in entries:
            p = self.root / e
            if e.startswith("seg-") and (not p.is_dir() or not {q.name for q in p.iterdir()} <= _SEGMENT_FILES):
                raise _Damaged(e, "not a segment of a dedup index (this folder holds other files)")

    def _load(self) -> None:
        """Read and check every file meta.json names (sizes, shapes, offsets, ranges) before any is used."""
        meta = _read_meta(self.root)
        if meta.get("settings") != self.settings:
            raise UsageError(
                f"--index {self.root}: was built with other fingerprint settings; use the same options or a new index folder"
            )
        bands = int(self.settings.get("bands", 0))
        with_records = set(meta.get("records", []))
        segments = [_load_segment(self.root, name, bands, name in with_records) for name in meta["segments"]]
        n = sum(len(s) for s in segments)
        if meta.get("documents") is not None and meta["documents"] != n:
            raise _Damaged("meta.json", f"says {meta['documents']} documents, its segments hold {n}")
        if len({i for s in segments for i in s.ids}) != n:
            raise _Damaged("meta.json", "two segments hold the same document id")
        verified = _load_archive(self.root, meta["verified"], _VERIFIED) if meta.get("verified") else _empty_verified()
        code = verified["code"]
        if bool(np.any(code[1:] < code[:-1])):  # looked up by binary search
            raise _Damaged(meta["verified"], "pairs out of order")
        self._check_reasons(meta.get("verified") or "", verified["reason"], low=0)
        state = _load_archive(self.root, meta["state"], _STATE) if meta.get("state") else None
        if state is None and n:
            raise _Damaged("meta.json", f"names no state file for {n} documents")
        if state is not None:
            self._check_state(meta["state"], state, n)
        self.generation = meta["generation"]
        self.segments, self.verified, self.state = segments, verified, state
        # an index committed before decisions were stored has none: the defaults apply
        self.decisions = meta["decisions"] if isinstance(meta.get("decisions"), dict) else None

    @staticmethod
    def _check_state(name: str, state: dict[str, np.ndarray], n: int) -> None:
        """Decisions for exactly ``n`` documents, each pointing at a document and a known reason."""
        if len(state["keeper"]) != n:
            raise _Damaged(name, f"decisions for {len(state['keeper'])} documents, the segments hold {n}")
        if n and any(c in state and (state[c].min() < 0 or state[c].max() >= n) for c in ("keeper", "rep")):
            raise _Damaged(name, "a keeper or representative outside the index")
        Index._check_reasons(name, state["reason"], low=-2)
        if n and state["size"].min() < 1:
            raise _Damaged(name, "cluster sizes below 1")

    @staticmethod
    def _check_reasons(name: str, reason: np.ndarray, *, low: int) -> None:
        """Match reasons are codes of :data:`dedup.corpus.model.REASONS` (decisions also use -1 and -2)."""
        from .model import REASONS

        if len(reason) and (int(reason.min()) < low or int(reason.max()) >= len(REASONS)):
            raise _Damaged(name, "unknown match reasons")

    def _referenced(self) -> set[str] | None:
        """What meta.json names (None when it cannot be read: then nothing is removed)."""
        if not (self.root / "meta.json").exists():
            return set()  # nothing committed yet (:meth:`_start` checked the folder)
        try:
            meta = _read_meta(self.root)
        except _Damaged:
            return None
        return {"meta.json", *meta["segments"], meta.get("verified") or "", meta.get("state") or ""}

    def _remove_leftovers(self) -> None:
        """Drop what a crashed or failed run left behind (anything of ours meta.json does not name)."""
        keep = self._referenced()
        if keep is None:
            return
        for p in self.root.iterdir():
            if p.name in keep or not p.name.startswith(_OURS):
                continue
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                try:
                    p.unlink()
                except OSError:
                    pass

    # -- reading ---------------------------------------------------------------------
    def __len__(self) -> int:
        return sum(len(s) for s in self.segments)

    def ids(self) -> list[str]:
        out: list[str] = []
        for s in self.segments:
            out.extend(s.ids)
        return out

    def concat(self, name: str) -> np.ndarray:
        """One array over every segment (``bands``, ``keyhash``, ``keylen``, ``shingles``)."""
        return np.concatenate([getattr(s, name) for s in self.segments]) if self.segments else np.empty(0)

    def unit_lengths(self) -> np.ndarray:
        """Key length of every unit, aligned with :meth:`units`."""
        return np.concatenate([s.unit_len for s in self.segments]).astype(np.int64) if self.segments else np.empty(0, np.int64)

    def units(self) -> tuple[np.ndarray, np.ndarray]:
        """All unit hashes and the global document number of each."""
        hashes = [s.units for s in self.segments]
        owners = []
        base = 0
        for s in self.segments:
            owners.append(np.repeat(np.arange(base, base + len(s), dtype=np.int64), np.diff(s.unit_off)))
            base += len(s)
        if not hashes:
            return np.empty(0, np.uint64), np.empty(0, np.int64)
        return np.concatenate(hashes).astype(np.uint64), np.concatenate(owners)

    def record(self, g: int) -> dict[str, Any] | None:
        """The input record of global document ``g`` (None: its segment keeps no records)."""
        start = 0
        for s in self.segments:
            if g < start + len(s):
                return s.record(g - start) if s.has_records else None
            start += len(s)
        raise IndexError(g)

    def key_reader(self) -> KeyReader:
        return KeyReader(self.segments)

    # -- writing ---------------------------------------------------------------------
    def new_segment_folder(self) -> Path:
        """A temporary folder for the segment this run is building (removed by :meth:`close` unless committed)."""
        if self.read_only:
            raise RuntimeError("an index opened read-only gets no new segment")
        try:
            folder = Path(tempfile.mkdtemp(prefix=".pending-", dir=self.root))
        except OSError as exc:
            raise OutputError(f"{self.label}: cannot create a folder ({_why(exc)})") from None
        self._dirty = True
        return folder

    def open_keys(self, folder: Path) -> BufferedFile:
        """The file this run's matching keys are streamed into (write errors are one line)."""
        path, label = folder / "keys.bin", self.label
        return BufferedFile(path, lambda exc: f"{label}: cannot write this run's matching keys ({path.parent.name}/{path.name}: {_why(exc)})")

    def open_records(self, folder: Path) -> BufferedFile:
        """The file this run's records are streamed into, compressed (see :func:`pack_record`)."""
        path, label = folder / "records.bin", self.label
        return BufferedFile(path, lambda exc: f"{label}: cannot write this run's records ({path.parent.name}/{path.name}: {_why(exc)})")

    def add_segment(self, seg: Segment) -> None:
        self.segments.append(seg)

    def prepare_commit(self, verified: dict[str, np.ndarray], state: dict[str, np.ndarray], decisions: dict[str, Any] | None = None) -> None:
        """Write this run's segment, verified pairs and decisions, synced, without putting them in effect.

        Everything that needs disk space is written here, under names the
        current meta.json does not know; the new meta.json is staged beside
        it.  Until :meth:`commit` renames it into place the index is
        unchanged, and a failure (a full disk) leaves only leftovers, which
        :meth:`close` removes.
        """
        if self.read_only:
            raise RuntimeError("an index opened read-only is never committed")
        if not self.persistent:
            return
        gen = self.generation + 1
        self._dirty = True
        names: list[str] = []
        what = "the new segment"
        try:
            if not (self.root / "meta.json").exists():
                # the empty index first: whatever follows is then a leftover until meta.json names it
                what = "meta.json"
                self._write_meta(self.root / "meta.json", {"format": FORMAT, "generation": 0, "settings": self.settings, "segments": [], "verified": None, "state": None, "documents": 0})
                what = "the new segment"
            for i, seg in enumerate(self.segments):
                if seg.keys_path.parent.name.startswith(".pending-"):
                    pending = seg.keys_path.parent
                    _save_segment(pending, seg)
                    final = self.root / f"seg-{gen:06d}-{i:04d}"
                    seg.close()
                    os.replace(pending, final)
                    seg.keys_path = final / "keys.bin"
                names.append(seg.keys_path.parent.name)
            vname, sname = f"verified-{gen:06d}.npz", f"state-{gen:06d}.npz"
            what = vname
            _save_npz(self.root / vname, verified)
            what = sname
            _save_npz(self.root / sname, state)
            what = "meta.json"
            staged = self.root / f".meta-{gen:06d}.json"
            meta = {"format": FORMAT, "generation": gen, "settings": self.settings, "segments": names, "verified": vname, "state": sname, "documents": len(self)}
            meta["records"] = [name for name, seg in zip(names, self.segments) if seg.has_records]
            if decisions is not None:
                # how the state was decided (keep policy, boilerplate): what --rethreshold decides with
                meta["decisions"] = decisions
            self._write_meta(staged, meta, replace=False)
        except OSError as exc:
            raise OutputError(f"--index {self.root}: cannot write {what} ({_why(exc)}); the index is as it was") from None
        self._staged = (gen, staged)

    def commit(self, verified: dict[str, np.ndarray], state: dict[str, np.ndarray], decisions: dict[str, Any] | None = None) -> None:
        """Make this run's segment, verified pairs and decisions durable (see the module doc).

        After :meth:`prepare_commit` this is one rename of meta.json, which
        needs no disk space: the step that can leave nothing half done.
        """
        if not self.persistent:
            return
        if self._staged is None:
            self.prepare_commit(verified, state, decisions)
        assert self._staged is not None
        gen, staged = self._staged
        try:
            os.replace(staged, self.root / "meta.json")
            _fsync_dir(self.root)
        except OSError as exc:
            raise OutputError(f"--index {self.root}: cannot put the new meta.json in place ({_why(exc)}); the index is as it was") from None
        self._staged = None
        self.generation = gen
        self._dirty = False
        self._remove_leftovers()

    def _write_meta(self, path: Path, meta: dict[str, Any], *, replace: bool = True) -> None:
        """``meta`` as JSON at ``path``, synced; with ``replace``, through a temporary file and a rename."""
        tmp = path.with_name(f".meta-{os.getpid()}.tmp") if replace else path
        try:
            _write_synced(tmp, lambda f: f.write((json.dumps(meta, indent=1, sort_keys=True) + "\n").encode()))
            if replace:
                os.replace(tmp, path)
            _fsync_dir(self.root)
        except BaseException:
            try:
                tmp.unlink()
            except OSError:
                pass
            raise

    def close(self) -> None:
        """Release the lock; remove what this run wrote if it was not committed (the index stays as it was)."""
        for s in self.segments:
            s.close()
        if self.persistent and self._dirty:
            self._remove_leftovers()
            self._dirty = False
        if self._lock_file is not None:
            self._lock_file.close()  # releases the flock
            self._lock_file = None
        if not self.persistent:
            shutil.rmtree(self.root, ignore_errors=True)


def _save_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """``arrays`` as an ``.npz`` archive at ``path``, synced (written under a leftover name, then renamed)."""
    tmp = path.with_name(".pending-" + path.name)
    _write_synced(tmp, lambda f: np.savez(f, **arrays))  # type: ignore[arg-type]  # numpy's stub fears a key named allow_pickle
    os.replace(tmp, path)


def _empty_verified() -> dict[str, np.ndarray]:
    return {
        "code": np.empty(0, np.uint64),
        "accepted": np.empty(0, bool),
        "similarity": np.empty(0, np.float64),
        "jaccard": np.empty(0, np.float64),
        "containment": np.empty(0, np.float64),
        "reason": np.empty(0, np.int8),
    }


class KeyReader:
    """Matching keys by global document number, across segments."""

    def __init__(self, segments: Sequence[Segment]) -> None:
        self.segments = list(segments)
        self.starts = np.cumsum([0] + [len(s) for s in self.segments])
        self._starts = self.starts.tolist()  # bisected per key: a numpy call per key cost more than the key

    def __getitem__(self, g: int) -> str:
        s = bisect.bisect_right(self._starts, g) - 1
        return self.segments[s].key(g - self._starts[s])
