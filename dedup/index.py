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
    verified-000002.npz  every pair verified so far and its scores (so no pair is scored twice)
    state-000002.npz     every document's cluster decision after the last run

Documents are numbered globally in the order they were added: run 1's
documents first, then run 2's, and so on, which is the order a single run on
the concatenated input would give them.  That is what makes "two halves
incrementally" equal "the whole at once".

Commits are crash-safe: a run writes its segment under a temporary name,
renames it, writes new verified/state files under new names, and only then
replaces ``meta.json`` (atomically).  A crash at any point leaves
``meta.json`` naming the previous, complete state; leftovers are removed the
next time the index is opened, so rerunning the same command is always right.
"""

from __future__ import annotations

import json
import mmap
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import orjson

from .errors import InputError, OutputError, UsageError

FORMAT = "dedup.index/2"


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
    _map: Any = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    def key(self, i: int) -> str:
        """The matching key of document ``i`` of this segment."""
        a, b = int(self.key_off[i]), int(self.key_off[i + 1])
        if a == b:
            return ""
        if self._map is None:
            with open(self.keys_path, "rb") as f:
                self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        return self._map[a:b].decode("utf-8", "surrogatepass")

    def close(self) -> None:
        if self._map is not None:
            self._map.close()
            self._map = None


def _save_segment(folder: Path, seg: Segment) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ids.json").write_bytes(orjson.dumps(seg.ids))
    for name in ("bands", "keyhash", "keylen", "shingles", "units", "unit_off", "unit_len", "key_off"):
        np.save(folder / f"{name}.npy", getattr(seg, name), allow_pickle=False)
    if seg.keys_path != folder / "keys.bin":
        shutil.move(str(seg.keys_path), folder / "keys.bin")
        seg.keys_path = folder / "keys.bin"


def _load_segment(folder: Path) -> Segment:
    arrays = {name: np.load(folder / f"{name}.npy", allow_pickle=False) for name in ("bands", "keyhash", "keylen", "shingles", "units", "unit_off", "unit_len", "key_off")}
    ids = orjson.loads((folder / "ids.json").read_bytes())
    return Segment(ids=ids, keys_path=folder / "keys.bin", **arrays)


class Index:
    """A folder of segments plus the verified pairs and decisions of the last run.

    ``Index.open(path, settings)`` creates the folder when missing and refuses
    an index built with other fingerprint settings (its band hashes would not
    be comparable).  ``path=None`` is a throw-away index in a temporary folder.
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

    # -- opening ---------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str] | None, settings: dict[str, Any]) -> "Index":
        if path is None:
            return cls(Path(tempfile.mkdtemp(prefix="dedup-corpus-")), settings, persistent=False)
        from .io.lock import open_run_folder

        root = Path(path)
        lock = open_run_folder(root, "--index")
        idx = cls(root, settings, persistent=True)
        # one run at a time per index: a second one fails at once instead of corrupting it
        idx._lock_file = lock
        meta_path = root / "meta.json"
        if meta_path.exists():
            idx._load(meta_path)
        elif any(p.name.startswith("seg-") for p in root.iterdir()):
            raise InputError(f"--index {root}: has segments but no meta.json (not a dedup index, or damaged)")
        idx._remove_leftovers()
        return idx

    def _load(self, meta_path: Path) -> None:
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"--index {self.root}: unreadable meta.json ({exc})") from None
        if meta.get("format") != FORMAT:
            raise InputError(f"--index {self.root}: not a {FORMAT} index")
        if meta.get("settings") != self.settings:
            raise UsageError(
                f"--index {self.root}: was built with other fingerprint settings; use the same options or a new index folder"
            )
        self.generation = int(meta["generation"])
        try:
            self.segments = [_load_segment(self.root / name) for name in meta["segments"]]
            if meta.get("verified"):
                with np.load(self.root / meta["verified"], allow_pickle=False) as z:
                    self.verified = {k: z[k] for k in z.files}
            if meta.get("state"):
                with np.load(self.root / meta["state"], allow_pickle=False) as z:
                    self.state = {k: z[k] for k in z.files}
        except (OSError, ValueError, KeyError) as exc:
            raise InputError(f"--index {self.root}: damaged ({exc})") from None

    def _referenced(self) -> set[str]:
        meta_path = self.root / "meta.json"
        if not meta_path.exists():
            return {"meta.json"}
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        return {"meta.json", *meta["segments"], meta.get("verified") or "", meta.get("state") or ""}

    def _remove_leftovers(self) -> None:
        """Drop what a crashed run left behind (anything meta.json does not name)."""
        keep = self._referenced()
        for p in self.root.iterdir():
            if p.name in keep or not (p.name.startswith(("seg-", "verified-", "state-", ".pending-", ".meta"))):
                continue
            if p.is_dir():
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

    def key_reader(self) -> "KeyReader":
        return KeyReader(self.segments)

    # -- writing ---------------------------------------------------------------------
    def new_segment_folder(self) -> Path:
        """A temporary folder for the segment this run is building."""
        return Path(tempfile.mkdtemp(prefix=".pending-", dir=self.root))

    def add_segment(self, seg: Segment) -> None:
        self.segments.append(seg)

    def commit(self, verified: dict[str, np.ndarray], state: dict[str, np.ndarray]) -> None:
        """Make this run's segment, verified pairs and decisions durable (see the module doc)."""
        if not self.persistent:
            return
        gen = self.generation + 1
        names: list[str] = []
        try:
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
            _save_npz(self.root / vname, verified)
            _save_npz(self.root / sname, state)
            meta = {"format": FORMAT, "generation": gen, "settings": self.settings, "segments": names, "verified": vname, "state": sname, "documents": len(self)}
            from .io.write import write_atomic

            write_atomic(self.root / "meta.json", json.dumps(meta, indent=1, sort_keys=True) + "\n")
        except OSError as exc:
            raise OutputError(f"--index {self.root}: cannot write ({exc.strerror})") from None
        self.generation = gen
        self._remove_leftovers()

    def close(self) -> None:
        for s in self.segments:
            s.close()
        if self._lock_file is not None:
            self._lock_file.close()  # releases the flock
            self._lock_file = None
        if not self.persistent:
            shutil.rmtree(self.root, ignore_errors=True)


def _save_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    tmp = path.with_name(".pending-" + path.name)
    with open(tmp, "wb") as f:
        np.savez(f, **arrays)
        f.flush()
        os.fsync(f.fileno())
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

    def __getitem__(self, g: int) -> str:
        s = int(np.searchsorted(self.starts, g, side="right")) - 1
        return self.segments[s].key(g - int(self.starts[s]))
