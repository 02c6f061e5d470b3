"""Checkpoints: finished stage results of a corpus run, kept on disk so that a crashed run resumes.

Corpus mode spends its time in three per-batch functions run through an
engine (:func:`~dedup.corpus.fingerprint_batch`, :func:`~dedup.corpus.verify_pairs`,
:func:`~dedup.corpus.finish_batch`).  They are pure, so a result can be kept
under a digest of *everything it depends on* and reused by any later run that
asks the same question.  A checkpoint folder is that store::

    dedup-checkpoint.json      marker: this folder is ours (and may be removed by us)
    .lock                      one run at a time
    fingerprint/ab/ab12….npz   one file per finished batch, named by its digest
    verify/…                   one per chunk of verified pairs
    finish/…                   one per finished (boilerplate-free, cleaned) batch

Why content addressing rather than "batches 0..k are done": the key of a
result is blake2b over the stage, the function, the dedup code (a digest of
the package's source and of the versions of the libraries and Unicode tables
that shape results), every constant argument (the whole config, the
boilerplate tables) and the exact input of the batch (its texts, key pairs,
document numbers, kept flags).  A result computed with other settings, other
input, another batch size or other code simply has another name, so a stale
result cannot be read back; nothing has to be invalidated by hand, and the
folder is safe to share between reruns of the same command.

Why it is safe to kill at any moment: a value is written to a temporary file
and renamed into place (``os.replace``), so a file under its final name was
complete when renamed; entries are ``.npz`` archives whose members carry a
CRC, and each holds its own digest and format, so a damaged or misplaced file
is detected when read — it is then treated as missing and recomputed, never an
error.  Files are not fsync'ed: a crash of the process cannot lose renamed
files, and a power cut that does is caught by the same check.

Why ``.npz`` and not pickle: entries are read back from a folder a user
points us at; ``np.load(allow_pickle=False)`` never runs code.  The two
result types are small dataclasses of arrays, strings and numbers and are
packed explicitly (strings as one UTF-8 buffer plus offsets).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import struct
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import OutputError, UsageError

FORMAT = "dedup.checkpoint/1"  # change it when the layout of an entry changes
MARKER = "dedup-checkpoint.json"
STAGES: tuple[str, ...] = ("fingerprint", "verify", "finish")
#: libraries whose versions can change a stage's result (Unicode tables are added separately)
_LIBRARIES = ("numpy", "rapidfuzz", "ftfy", "jieba", "opencc-python-reimplemented", "scipy")

_MISSING = object()
_ACTIVE = threading.local()  # functions being described (closures may refer to themselves)


# ------------------------------------------------------------------ digests


def _feed(h: Any, obj: Any) -> None:
    """Feed a canonical, type-tagged encoding of ``obj`` to the hash ``h``.

    Tags and lengths make the encoding unambiguous (``["ab"]`` and
    ``["a", "b"]`` differ).  Nothing depends on ``PYTHONHASHSEED`` or on
    memory addresses, except the last resort — ``repr`` of an unknown object —
    where an address in the repr only makes results never reused, which is
    safe.
    """
    if obj is None:
        h.update(b"N")
    elif obj is True or obj is False:
        h.update(b"T" if obj else b"F")
    elif isinstance(obj, int):
        b = str(obj).encode()
        h.update(b"i" + struct.pack("<Q", len(b)) + b)
    elif isinstance(obj, float):
        h.update(b"f" + struct.pack("<d", obj))
    elif isinstance(obj, str):
        b = obj.encode("utf-8", "surrogatepass")
        h.update(b"s" + struct.pack("<Q", len(b)))
        h.update(b)
    elif isinstance(obj, bytes):
        h.update(b"b" + struct.pack("<Q", len(obj)))
        h.update(obj)
    elif isinstance(obj, np.ndarray):
        a = np.ascontiguousarray(obj)
        if a.dtype.hasobject:
            _feed(h, a.tolist())
            return
        head = f"{a.dtype.str}{a.shape}".encode()
        h.update(b"a" + struct.pack("<Q", len(head)) + head + struct.pack("<Q", a.nbytes))
        h.update(a.data)
    elif isinstance(obj, np.generic):
        _feed(h, obj.item())
    elif isinstance(obj, list) and obj and _fast_list(h, obj):
        pass
    elif isinstance(obj, (list, tuple)):
        h.update((b"l" if isinstance(obj, list) else b"t") + struct.pack("<Q", len(obj)))
        for x in obj:
            _feed(h, x)
    elif isinstance(obj, dict):
        h.update(b"d" + struct.pack("<Q", len(obj)))
        for k, v in obj.items():
            _feed(h, k)
            _feed(h, v)
    elif isinstance(obj, (set, frozenset)):
        # iteration order of a set of strings depends on PYTHONHASHSEED: sort by digest
        h.update(b"S" + struct.pack("<Q", len(obj)))
        for d in sorted(digest(x) for x in obj):
            h.update(d.encode())
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        _feed(h, ("dataclass", type(obj).__module__, type(obj).__qualname__))
        for f in dataclasses.fields(obj):
            _feed(h, f.name)
            _feed(h, getattr(obj, f.name))
    elif hasattr(obj, "__code__") and hasattr(obj, "__qualname__"):
        # a function (a keep policy, a stage): its name, code, defaults and closure, not its
        # address (the globals it reads are not described: dedup's own are in code_version())
        _feed(h, ("function", getattr(obj, "__module__", None), obj.__qualname__))
        active = _ACTIVE.__dict__.setdefault("ids", set())
        if id(obj) in active:  # a closure that refers to itself
            return
        active.add(id(obj))
        try:
            _feed_code(h, obj.__code__)
            _feed(h, getattr(obj, "__defaults__", None))
            _feed(h, getattr(obj, "__kwdefaults__", None))
            _feed(h, [c.cell_contents for c in (getattr(obj, "__closure__", None) or ())])
        finally:
            active.discard(id(obj))
    elif type(obj).__name__ == "code":
        _feed_code(h, obj)
    else:
        _feed(h, ("repr", type(obj).__module__, type(obj).__qualname__, repr(obj)))


def _fast_list(h: Any, obj: list[Any]) -> bool:
    """The batch inputs (lists of texts, of key pairs, of flags, of numbers) in a few calls.

    A whole batch is encoded at once instead of item by item (the per-item
    path costs ~10 % of a run without cleaning).  Each shape has its own tag,
    and a list of that shape always takes this path, so encodings stay
    unambiguous.  Returns False for any other list.
    """
    first = obj[0]
    if type(first) is str and all(type(x) is str for x in obj):
        _feed_strs(h, b"Ls", obj)
    elif type(first) is tuple and all(type(x) is tuple and len(x) == 2 and type(x[0]) is str and type(x[1]) is str for x in obj):
        _feed_strs(h, b"Lp", [s for pair in obj for s in pair])
    elif type(first) is bool and all(type(x) is bool for x in obj):
        h.update(b"Lb" + struct.pack("<Q", len(obj)) + np.array(obj, dtype=bool).tobytes())
    elif type(first) is int and all(type(x) is int and -(2**63) <= x < 2**63 for x in obj):
        h.update(b"Li" + struct.pack("<Q", len(obj)) + np.array(obj, dtype=np.int64).tobytes())
    else:
        return False
    return True


def _feed_strs(h: Any, tag: bytes, strs: list[str]) -> None:
    # lengths in code points, then one UTF-8 buffer: decodable back into exactly these strings
    h.update(tag + struct.pack("<Q", len(strs)))
    h.update(np.fromiter(map(len, strs), dtype=np.int64, count=len(strs)).tobytes())
    h.update("".join(strs).encode("utf-8", "surrogatepass"))


def _feed_code(h: Any, code: Any) -> None:
    # not marshal.dumps: its output depends on reference counts
    _feed(h, (code.co_code, code.co_names, code.co_varnames, code.co_freevars, code.co_cellvars))
    _feed(h, list(code.co_consts))


def digest(*parts: Any) -> str:
    """Hex blake2b (160 bits) of the canonical encoding of ``parts``.

    >>> digest("fingerprint", ["甲", "乙"]) == digest("fingerprint", ["甲", "乙"]) != digest("fingerprint", ["甲乙"])
    True
    """
    h = hashlib.blake2b(digest_size=20)
    _feed(h, parts)
    return h.hexdigest()


@lru_cache(maxsize=1)
def code_version() -> str:
    """Digest of what, besides the arguments, decides a stage's result.

    The dedup version alone is not enough (a development tree changes code
    without changing it), so the package's own source files are hashed, with
    the versions of the libraries that compute results, the Python version and
    its Unicode tables (NFKC and the matching keys depend on them).  A few
    milliseconds, once per process.
    """
    import unicodedata
    from importlib import metadata

    from .._version import version as dedup_version

    h = hashlib.blake2b(digest_size=20)
    _feed(h, (FORMAT, dedup_version(), sys.version_info[:2], unicodedata.unidata_version))
    for name in _LIBRARIES:
        try:
            version: str | None = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = None
        _feed(h, (name, version))
    root = Path(__file__).resolve().parent.parent  # the whole package, not only dedup/corpus
    for path in sorted(root.rglob("*.py")):
        _feed(h, (path.relative_to(root).as_posix(), path.read_bytes()))
    return h.hexdigest()


# ------------------------------------------------------------------ (de)serialisation


def _pack_strings(prefix: str, texts: Iterable[str | None], out: dict[str, np.ndarray]) -> None:
    """Strings (or None) as one UTF-8 buffer, their lengths in code points and a presence mask.

    One ``encode`` of the joined strings (and one ``decode`` to read them
    back) rather than one per string.
    """
    items = list(texts)
    out[prefix + "_utf8"] = np.frombuffer("".join(t for t in items if t is not None).encode("utf-8", "surrogatepass"), dtype=np.uint8)
    out[prefix + "_len"] = np.fromiter((0 if t is None else len(t) for t in items), dtype=np.int64, count=len(items))
    out[prefix + "_present"] = np.fromiter((t is not None for t in items), dtype=bool, count=len(items))


def _unpack_strings(prefix: str, z: dict[str, np.ndarray]) -> list[str | None]:
    joined = z[prefix + "_utf8"].tobytes().decode("utf-8", "surrogatepass")
    lengths = z[prefix + "_len"].tolist()
    present = z[prefix + "_present"].tolist()
    if len(lengths) != len(present) or sum(lengths) != len(joined):
        raise ValueError("string table does not add up")
    out: list[str | None] = []
    pos = 0
    for n, p in zip(lengths, present):
        out.append(joined[pos : pos + n] if p else None)
        pos += n
    return out


def _encode(value: Any) -> dict[str, np.ndarray]:
    from .model import Finished, Prints

    out: dict[str, np.ndarray] = {}
    if isinstance(value, Prints):
        out["kind"] = np.array("prints")
        _pack_strings("keys", value.keys, out)
        for f in dataclasses.fields(Prints):
            if f.name != "keys":
                out[f.name] = getattr(value, f.name)
    elif isinstance(value, np.ndarray):
        out["kind"] = np.array("array")
        out["value"] = value
    elif isinstance(value, list) and all(isinstance(x, Finished) for x in value):
        out["kind"] = np.array("finished")
        _pack_strings("text", (x.text for x in value), out)
        out["units"] = np.array([x.units for x in value], dtype=np.int64)
        out["boilerplate_units"] = np.array([x.boilerplate_units for x in value], dtype=np.int64)
        out["boilerplate_removed"] = np.array([x.boilerplate_removed for x in value], dtype=np.int64)
        out["boilerplate_share"] = np.array([x.boilerplate_share for x in value], dtype=np.float64)
    else:
        raise TypeError(f"cannot checkpoint a {type(value).__name__}")
    return out


def _decode(z: dict[str, np.ndarray]) -> Any:
    from .model import Finished, Prints

    kind = str(z["kind"])
    if kind == "prints":
        keys = _unpack_strings("keys", z)
        arrays = {f.name: z[f.name] for f in dataclasses.fields(Prints) if f.name != "keys"}
        if any(len(arrays[k]) != len(keys) for k in ("keyhash", "keylen", "shingles", "bands")) or len(arrays["unit_off"]) != len(keys) + 1:
            raise ValueError("fingerprint arrays do not add up")
        return Prints(keys=[k or "" for k in keys], **arrays)
    if kind == "array":
        return z["value"]
    if kind == "finished":
        texts = _unpack_strings("text", z)
        cols = [z[k].tolist() for k in ("units", "boilerplate_units", "boilerplate_removed", "boilerplate_share")]
        if any(len(c) != len(texts) for c in cols):
            raise ValueError("finished columns do not add up")
        return [Finished(t, u, bu, br, bs) for t, u, bu, br, bs in zip(texts, *cols)]
    raise ValueError(f"unknown kind {kind!r}")


# ------------------------------------------------------------------ the store


class Checkpoint:
    """A content-addressed store of stage results in a folder (see the module doc).

    ``Checkpoint.open(path)`` creates the folder (or reopens one of ours) and
    locks it; :meth:`imap` is an engine's ``imap`` that reads finished results
    back and computes only the missing ones; :meth:`remove` deletes the store
    after a successful run.  ``counts`` says, per stage, how many batches were
    resumed and how many computed.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.counts: dict[str, int] = {}
        for stage in STAGES:
            self.counts[f"resumed_batches_{stage}"] = 0
            self.counts[f"computed_batches_{stage}"] = 0
        #: entries found damaged (and recomputed), and results that could not be stored
        self.counts["checkpoint_damaged"] = 0
        self.counts["checkpoint_write_errors"] = 0
        self._lock_file: Any = None

    # -- opening and removing --------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Checkpoint:
        """Create or reopen the store at ``path``; a foreign folder is refused, never emptied.

        The folder is removed after a successful run, so a folder that holds
        anything else than a checkpoint is refused rather than risked.
        """
        from ..io.lock import open_run_folder

        root = Path(path)
        # (a marker whose write failed, e.g. on a full disk, leaves only our own names)
        if root.is_dir() and not (root / MARKER).exists() and any(p.name not in (".lock", f".{MARKER}.tmp") for p in root.iterdir()):
            raise UsageError(f"--checkpoint {root}: is not empty and not a dedup checkpoint folder; give a new or empty folder")
        lock = open_run_folder(root, "--checkpoint")
        ck = cls(root)
        ck._lock_file = lock
        try:
            ck._prepare()
        except OSError as exc:
            ck.close()
            raise OutputError(f"--checkpoint {root}: cannot write ({exc.strerror})") from None
        return ck

    def _prepare(self) -> None:
        """Write the marker; drop temporary files a killed run left (we hold the lock)."""
        marker = self.root / MARKER
        try:
            same = json.loads(marker.read_text(encoding="utf-8")).get("format") == FORMAT
        except (OSError, ValueError, AttributeError):
            same = False
        if not same:
            # another format's entries can never be read again: reclaim their space
            for stage in STAGES:
                shutil.rmtree(self.root / stage, ignore_errors=True)
            tmp = self.root / f".{MARKER}.tmp"
            try:
                tmp.write_text(json.dumps({"format": FORMAT, "what": "dedup corpus-mode stage results; safe to delete"}) + "\n", encoding="utf-8")
                os.replace(tmp, marker)
            except OSError:
                tmp.unlink(missing_ok=True)
                raise
        for stage in STAGES:
            folder = self.root / stage
            folder.mkdir(exist_ok=True)
            for p in folder.glob(".tmp-*"):
                p.unlink(missing_ok=True)

    def close(self) -> None:
        """Release the lock (the entries stay)."""
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    def remove(self) -> None:
        """Delete the store: only our own files, then the folder if it is left empty."""
        for stage in STAGES:
            shutil.rmtree(self.root / stage, ignore_errors=True)
        for name in (MARKER, f".{MARKER}.tmp", ".lock"):
            try:
                (self.root / name).unlink()
            except OSError:
                pass
        self.close()
        try:
            self.root.rmdir()
        except OSError:
            pass

    # -- entries ---------------------------------------------------------------------
    def _path(self, stage: str, key: str) -> Path:
        return self.root / stage / key[:2] / f"{key}.npz"

    def entries(self, stage: str) -> int:
        """How many results of ``stage`` are stored."""
        return sum(1 for _ in (self.root / stage).glob("??/*.npz"))

    def get(self, stage: str, key: str) -> Any:
        """The stored result, or None when missing or damaged (a damaged entry is recomputed)."""
        path = self._path(stage, key)
        try:
            with np.load(path, allow_pickle=False) as npz:
                z = {k: npz[k] for k in npz.files}
            if str(z.pop("format")) != FORMAT or str(z.pop("digest")) != key:
                raise ValueError("entry of another format or digest")
            return _decode(z)
        except FileNotFoundError:
            return None
        except Exception:  # noqa: BLE001 - anything unreadable is a miss, never a crash
            self.counts["checkpoint_damaged"] += 1
            return None

    def put(self, stage: str, key: str, value: Any) -> bool:
        """Store ``value`` atomically (temporary file, then rename); False if it could not be written.

        A failure to store (disk full) costs only a later recomputation, so it
        is counted, not raised.
        """
        arrays = _encode(value)
        arrays["format"] = np.array(FORMAT)
        arrays["digest"] = np.array(key)
        path = self._path(stage, key)
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=self.root / stage)
            with os.fdopen(fd, "wb") as f:
                np.savez(f, **arrays)  # type: ignore[arg-type]  # numpy's stub fears a key named allow_pickle
            os.replace(tmp, path)
            return True
        except OSError:
            self.counts["checkpoint_write_errors"] += 1
            if tmp is not None:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
            return False

    # -- the engine's imap, through the store ----------------------------------------
    def imap(self, engine: Any, stage: str, fn: Callable[..., Any], items: Iterable[Any], *args: Any) -> Iterator[Any]:
        """``engine.imap(fn, items, *args)``, reading finished results back and storing new ones.

        Results come in the order of ``items``, as from the engine.  Stored
        results are read when their turn comes; runs of missing ones go
        through the engine (so they still run in parallel), and each result is
        stored as soon as it arrives.  Items are pulled from ``items`` once,
        in order, and at most one read-back result waits in memory.
        """
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r}")
        base = digest(FORMAT, code_version(), stage, fn, args)
        src = iter(items)
        held: list[tuple[str, Any]] = []  # a stored result met while feeding the engine
        inflight: deque[str] = deque()
        resumed, computed = f"resumed_batches_{stage}", f"computed_batches_{stage}"

        def feed(first: Any, key: str) -> Iterator[Any]:
            inflight.append(key)
            yield first
            for item in src:
                k = digest(base, item)
                v = self.get(stage, k)
                if v is not None:
                    held.append((k, v))
                    return
                inflight.append(k)
                yield item

        while True:
            if held:
                _, value = held.pop()
                self.counts[resumed] += 1
                yield value
                continue
            item = next(src, _MISSING)
            if item is _MISSING:
                return
            key = digest(base, item)
            value = self.get(stage, key)
            if value is not None:
                self.counts[resumed] += 1
                yield value
                continue
            for result in engine.imap(fn, feed(item, key), *args):
                self.put(stage, inflight.popleft(), result)
                self.counts[computed] += 1
                yield result


__all__ = ["FORMAT", "STAGES", "Checkpoint", "code_version", "digest"]
