"""The partitioned corpus run's stages: pure functions of files in the run's work folder.

:class:`dedup.corpus.partitioned.PartitionedRun` (``--engine dask``) runs them as
tasks on the workers; every one reads its inputs from the work folder and
writes its outputs there, so what travels back to the driver is a few
numbers per task, never a row per document.  Two kinds of tasks:

- per *batch* ``b`` (``config.batch_size`` documents, numbered from
  ``b * batch_size``) and per *chunk* ``c`` (``chunk_batches`` consecutive
  batches): fingerprints, and the rows a chunk sends to each partition;
- per *partition* ``p`` of a key (a band key, a key hash, a component label,
  a unit hash): every row with that key is in partition ``p`` (a shuffle
  through files ``{stage}/{chunk}-{p}``), so a partition decides its keys
  alone: buckets and candidate pairs, the verified edges, large-star and
  small-star rounds, boilerplate counts, and the cluster solver per component
  (all members of a component are in one partition).

The numbers are those of :class:`dedup.corpus.CorpusRun`, computed by the same
functions (``fingerprint_batch``, ``bucket_pairs``, ``verify_pairs``,
``keep_order``, ``solve_clusters``, ``template_shares``, ``finish_batch``) on
the rows a partition holds, in global document order, so the output is the
local engine's byte for byte.  The work folder must be visible to every
worker at the same path (shared storage on a multi-machine cluster).
"""

from __future__ import annotations

import math
import os
import pickle
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..fingerprint.lsh import bucket_pairs
from ..graph import canonical, directed, large_star_part, small_star_part, unsettled_part
from ..io.records import Fields
from ..model import REASONS
from .batch import fingerprint_batch, finish_batch, hash64, verify_pairs
from .config import CorpusConfig
from .decide import keep_order, keepers, solve_clusters, template_shares
from .run import CorpusDoc

#: reason codes as stored (index into REASONS)
CONTAINED = REASONS.index("contained")
#: a cluster's warning by its code (0: none), as the local run reports it
WARNINGS: tuple[str | None, ...] = (None, "giant cluster", "template cluster")
_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class Layout:
    """Where a partitioned run keeps its files, and how documents map to batches and chunks."""

    root: str
    batch_size: int
    chunk_batches: int
    partitions: int
    #: a ``--checkpoint`` folder (seen by every worker): fingerprints and finished batches are kept there
    checkpoint: str | None = None

    def path(self, *parts: Any) -> Path:
        """``root/stage/name``: the stage's folder is made on first use, never the root.

        A task still running when the driver removed the work folder (Ctrl-C)
        fails instead of making it again: with ``parents=True`` one did, and the
        folder stayed in TMPDIR after the run was gone.
        """
        p = Path(self.root, *map(str, parts))
        if p.parent != Path(self.root):
            p.parent.mkdir(exist_ok=True)
        return p

    def chunk_of(self, g: np.ndarray) -> np.ndarray:
        return np.asarray(g, np.int64) // (self.batch_size * self.chunk_batches)

    def batches_of(self, c: int, n_batches: int) -> range:
        return range(c * self.chunk_batches, min(n_batches, (c + 1) * self.chunk_batches))


def part_of(values: np.ndarray, partitions: int, salt: np.ndarray | None = None) -> np.ndarray:
    """The partition of each key: a multiplicative hash, so that sequential numbers spread evenly."""
    v = np.asarray(values).astype(np.uint64)
    if salt is not None:
        v = v ^ (np.asarray(salt).astype(np.uint64) * _MIX)
    with np.errstate(over="ignore"):
        mixed = (v * _MIX) >> np.uint64(33)
    return (mixed % np.uint64(partitions)).astype(np.int64)


def writer_name() -> str:
    """This process and thread: a temporary name no concurrent retry of the same task shares."""
    return f"{os.getpid()}-{threading.get_ident()}"


def save(path: Path, obj: Any) -> None:
    """Write ``obj`` (pickled) atomically: a task run twice (a retry) leaves one whole file."""
    tmp = path.with_name(f".{path.name}.{writer_name()}.tmp")
    with open(tmp, "wb") as f:
        pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def load(path: Path, default: Any = None) -> Any:
    """What :func:`save` wrote (``default`` when no file: a partition nobody sent rows to).

    Only this run's own files, in its private work folder, are ever unpickled.
    """
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except FileNotFoundError:
        return default


def spread(lay: Layout, stage: str, c: int, key_part: np.ndarray, columns: dict[str, Any], n_dest: int | None = None) -> None:
    """Send the rows of chunk ``c`` to the partitions ``key_part`` names (``stage/c-p``; ``n_dest``: how many)."""
    n_dest = lay.partitions if n_dest is None else n_dest
    order = np.argsort(key_part, kind="stable")
    kp = key_part[order]
    bounds = np.searchsorted(kp, np.arange(n_dest + 1))
    for p in range(n_dest):
        sel = order[bounds[p] : bounds[p + 1]]
        if len(sel):
            save(lay.path(stage, f"{c}-{p}"), {k: (v[sel] if isinstance(v, np.ndarray) else [v[i] for i in sel.tolist()]) for k, v in columns.items()})


def checkpointed(lay: Layout, stage: str, fn: Any, item: Any, *args: Any) -> tuple[Any, str | None]:
    """``fn(item, *args)``, read back from the run's checkpoint or stored there; ``(result, "resumed" | "computed" | "unstored" | None)``.

    Keyed as :meth:`dedup.corpus.checkpoint.Checkpoint.imap` keys a local
    run's batches (digest of the code, the stage, the function, its constant
    arguments and the batch's input), so the entries serve either engine.
    The driver holds the folder's lock; tasks only read and add entries
    (each written to a temporary file and renamed).
    """
    if lay.checkpoint is None:
        return fn(item, *args), None
    from .checkpoint import FORMAT, Checkpoint, code_version, digest

    store = Checkpoint(Path(lay.checkpoint))
    key = digest(digest(FORMAT, code_version(), stage, fn, args), item)
    got = store.get(stage, key)
    if got is not None:
        return got, "resumed"
    value = fn(item, *args)
    return value, "computed" if store.put(stage, key, value) else "unstored"


def gather_rows(lay: Layout, stage: str, p: int, n_chunks: int, names: dict[str, Any]) -> dict[str, Any]:
    """Every row sent to partition ``p`` of ``stage`` (columns ``names``: their empty value)."""
    got = [x for c in range(n_chunks) if (x := load(lay.path(stage, f"{c}-{p}"))) is not None]
    out: dict[str, Any] = {}
    for k, empty in names.items():
        if isinstance(empty, np.ndarray):
            out[k] = np.concatenate([x[k] for x in got]) if got else empty
        else:
            out[k] = [v for x in got for v in x[k]]
    return out


# ------------------------------------------------------------------ per batch and chunk


def fingerprint_part(b: int, lay: Layout, config: CorpusConfig, fields: Fields) -> tuple[int, str | None]:
    """Fingerprint batch ``b`` from its records file (``rec/b``) into ``fp/b`` and its keys (``fp/b.keys``).

    Returns its documents and whether a checkpoint served it (:func:`checkpointed`).
    """
    recs = load(lay.path("rec", b))
    big = [config.oversized(r[fields.text]) for r in recs]
    texts = ["" if o else r[fields.text] for r, o in zip(recs, big)]
    p, stored = checkpointed(lay, "fingerprint", fingerprint_batch, texts, config)
    encoded = [k.encode("utf-8", "surrogatepass") for k in p.keys]
    key_path = lay.path("fp", f"{b}.keys")
    tmp = key_path.with_name(f".{key_path.name}.{writer_name()}.tmp")
    tmp.write_bytes(b"".join(encoded))
    os.replace(tmp, key_path)
    off_path = lay.path("fp", f"{b}.off.npy")
    tmp = off_path.with_name(f".{off_path.name}.{writer_name()}.tmp.npy")
    np.save(tmp, np.concatenate([[0], np.cumsum([len(k) for k in encoded])]).astype(np.int64))
    os.replace(tmp, off_path)
    ids = [r[fields.id] for r in recs]
    save(
        lay.path("fp", b),
        {
            "ids": ids,
            "idhash": np.array([hash64(i) for i in ids], dtype=np.uint64),
            "oversized": np.array(big, dtype=bool),
            **{k: getattr(p, k) for k in ("keyhash", "keylen", "shingles", "bands", "units", "unit_off", "unit_len", "span_units", "span_off")},
        },
    )
    return len(texts), stored


def _chunk_prints(lay: Layout, c: int, n_batches: int) -> list[tuple[int, dict[str, Any]]]:
    """``(first document, fingerprints)`` of each batch of chunk ``c``."""
    return [(b * lay.batch_size, load(lay.path("fp", b))) for b in lay.batches_of(c, n_batches)]


def spread_part(c: int, lay: Layout, n_batches: int) -> int:
    """Chunk ``c``'s band rows (by band key), key rows (by key hash) and ids (by id hash) to their partitions."""
    band_cols: dict[str, list[np.ndarray]] = {k: [] for k in ("band", "hash", "g", "keyhash", "idhash")}
    key_cols: dict[str, list[np.ndarray]] = {"keyhash": [], "g": []}
    id_hash, id_g, ids = [], [], []
    for start, fp in _chunk_prints(lay, c, n_batches):
        g = start + np.arange(len(fp["ids"]), dtype=np.int64)
        valid = np.flatnonzero(fp["shingles"] > 0)
        nb = fp["bands"].shape[1] if fp["bands"].ndim == 2 else 0
        band_cols["band"].append(np.tile(np.arange(nb, dtype=np.int64), len(valid)))
        band_cols["hash"].append(fp["bands"][valid].reshape(-1).astype(np.uint64))
        for k, v in (("g", g), ("keyhash", fp["keyhash"]), ("idhash", fp["idhash"])):
            band_cols[k].append(np.repeat(v[valid], nb))
        nz = np.flatnonzero(fp["keyhash"] != 0)
        key_cols["keyhash"].append(fp["keyhash"][nz])
        key_cols["g"].append(g[nz])
        id_hash.append(fp["idhash"])
        id_g.append(g)
        ids.extend(fp["ids"])
    bands = {k: np.concatenate(v) for k, v in band_cols.items()}
    spread(lay, "band", c, part_of(bands["hash"], lay.partitions, salt=bands["band"]), bands)
    keys = {k: np.concatenate(v) for k, v in key_cols.items()}
    spread(lay, "key", c, part_of(keys["keyhash"], lay.partitions), keys)
    ih = np.concatenate(id_hash)
    spread(lay, "id", c, part_of(ih, lay.partitions), {"idhash": ih, "g": np.concatenate(id_g), "id": ids})
    return len(ih)


def repeated_id_part(p: int, lay: Layout, n_chunks: int) -> tuple[int, str] | None:
    """The earliest document whose id an earlier document already has, among partition ``p``'s ids."""
    rows = gather_rows(lay, "id", p, n_chunks, {"idhash": np.empty(0, np.uint64), "g": np.empty(0, np.int64), "id": []})
    order = np.lexsort((rows["g"], rows["idhash"]))
    h = rows["idhash"][order]
    same_hash = np.flatnonzero(h[1:] == h[:-1]) + 1
    best: tuple[int, str] | None = None
    seen: dict[str, int] = {}
    for i in np.unique(np.concatenate([same_hash, same_hash - 1])).tolist():
        rid, g = rows["id"][int(order[i])], int(rows["g"][order[i]])
        if rid in seen and seen[rid] < g:
            if best is None or g < best[0]:
                best = (g, rid)
        else:
            seen.setdefault(rid, g)
    return best


# ------------------------------------------------------------------ candidates and verification


def pairs_part(p: int, lay: Layout, n_chunks: int, limit: int) -> int:
    """Candidate pairs of band partition ``p`` (``bucket_pairs``) and key partition ``p`` (chains of one key).

    Inside a bucket, members are ordered as the local run's ``rank`` orders
    them (key hash, id hash, document number), so huge buckets give the same
    star and chain.  The pairs go on to partitions of their first document.
    """
    rows = gather_rows(lay, "band", p, n_chunks, {k: np.empty(0, t) for k, t in (("band", np.int64), ("hash", np.uint64), ("g", np.int64), ("keyhash", np.uint64), ("idhash", np.uint64))})
    rank = np.empty(len(rows["g"]), np.int64)
    rank[np.lexsort((rows["g"], rows["idhash"], rows["keyhash"]))] = np.arange(len(rank))
    found = [bucket_pairs(rows["band"], rows["hash"], rows["g"], rank, limit)]
    keys = gather_rows(lay, "key", p, n_chunks, {"keyhash": np.empty(0, np.uint64), "g": np.empty(0, np.int64)})
    order = np.lexsort((keys["g"], keys["keyhash"]))
    kh, g = keys["keyhash"][order], keys["g"][order]
    same = kh[1:] == kh[:-1]
    found.append(np.stack([g[:-1][same], g[1:][same]], axis=1).astype(np.int64))
    pairs = canonical(np.concatenate(found))
    spread(lay, "cand", p, part_of(pairs[:, 0], lay.partitions), {"a": pairs[:, 0], "b": pairs[:, 1]})
    return len(pairs)


class KeyReader:
    """Matching keys by document number, read from the batches' key files.

    Keys are read a request at a time, grouped by batch (one open file at a
    time, a seek and a read per key): a partition's pairs reach into every
    batch, and a memory map per batch would hold a descriptor per batch.
    """

    def __init__(self, lay: Layout) -> None:
        self.lay = lay
        self._offsets: dict[int, np.ndarray] = {}

    def _off(self, b: int) -> np.ndarray:
        if b not in self._offsets:
            self._offsets[b] = np.load(self.lay.path("fp", f"{b}.off.npy"))
        return self._offsets[b]

    def keys(self, docs: np.ndarray) -> dict[int, str]:
        """The key of each document in ``docs``."""
        out: dict[int, str] = {}
        wanted = np.unique(np.asarray(docs, np.int64))
        batch = wanted // self.lay.batch_size
        for b in np.unique(batch).tolist():
            off = self._off(b)
            with open(self.lay.path("fp", f"{b}.keys"), "rb") as f:
                for g in wanted[batch == b].tolist():
                    i = g - b * self.lay.batch_size
                    f.seek(int(off[i]))
                    out[g] = f.read(int(off[i + 1] - off[i])).decode("utf-8", "surrogatepass")
        return out


def score_pairs(pairs: np.ndarray, keys: KeyReader, config: CorpusConfig) -> np.ndarray:
    """Rows of :func:`dedup.corpus.verify_pairs` for ``pairs``, in chunks of ``config.verify_chunk``."""
    out = [np.zeros((0, 5))]
    for s in range(0, len(pairs), config.verify_chunk):
        part = pairs[s : s + config.verify_chunk]
        text = keys.keys(part.reshape(-1))
        out.append(verify_pairs([(text[a], text[b]) for a, b in part.tolist()], config.match))
    return np.concatenate(out)


def verify_part(q: int, lay: Layout, n_parts: int, config: CorpusConfig) -> tuple[int, int]:
    """Verify the candidates of partition ``q`` (every copy of a pair is here); the accepted ones are edges."""
    rows = gather_rows(lay, "cand", q, n_parts, {"a": np.empty(0, np.int64), "b": np.empty(0, np.int64)})
    pairs = canonical(np.stack([rows["a"], rows["b"]], axis=1))
    res = score_pairs(pairs, KeyReader(lay), config)
    edges = pairs[res[:, 0].astype(bool)] if len(pairs) else pairs
    save(lay.path("edge0", q), edges)
    return len(pairs), len(edges)


# ------------------------------------------------------------------ components: large-star / small-star


def large_round_part(p: int, lay: Layout, src: str, dst: str, n_parts: int) -> int:
    """One large-star step on the directed edges of the nodes of partition ``p``; returns its unsettled nodes.

    ``src/q`` holds canonical edges (any partitioning, copies allowed); each
    edge reaches the partitions of both its ends, and copies are dropped here
    (all copies of a directed edge meet in its ``u``'s partition), so the
    stopping test counts what :func:`dedup.graph.star_components` counts.
    """
    got = [load(lay.path(src, f"{q}-{p}")) for q in range(n_parts)]
    uv = [x for x in got if x is not None]
    e = np.unique(np.concatenate(uv), axis=0) if uv else np.empty((0, 2), np.int64)
    unsettled = unsettled_part(e[:, 0], e[:, 1])
    out = large_star_part(e[:, 0], e[:, 1])
    spread(lay, dst, p, part_of(out[:, 1], lay.partitions), {"e": out})
    return unsettled


def directed_part(q: int, lay: Layout, src: str, dst: str) -> int:
    """Both directions of partition ``q``'s edges, sent to the partition of their first end."""
    e = load(lay.path(src, q), np.empty((0, 2), np.int64))
    u, v = directed(e)
    both = np.stack([u, v], axis=1)
    spread_raw(lay, dst, q, part_of(u, lay.partitions), both)
    return len(e)


def small_round_part(q: int, lay: Layout, src: str, dst: str, n_parts: int) -> int:
    """One small-star step on the edges ``(a, b)`` of the nodes ``b`` of partition ``q``."""
    got = [x["e"] for p in range(n_parts) if (x := load(lay.path(src, f"{p}-{q}"))) is not None]
    e = np.concatenate(got) if got else np.empty((0, 2), np.int64)
    out = small_star_part(e[:, 0], e[:, 1])
    save(lay.path(dst, q), out)
    return len(out)


def spread_raw(lay: Layout, stage: str, c: int, key_part: np.ndarray, rows: np.ndarray) -> None:
    """:func:`spread` for one 2-column array (no column names)."""
    order = np.argsort(key_part, kind="stable")
    bounds = np.searchsorted(key_part[order], np.arange(lay.partitions + 1))
    for p in range(lay.partitions):
        sel = order[bounds[p] : bounds[p + 1]]
        if len(sel):
            save(lay.path(stage, f"{c}-{p}"), rows[sel])


def labels_part(q: int, lay: Layout, src: str) -> None:
    """The settled stars of partition ``q`` as ``(leaf, centre)`` rows, sent to the chunk of the leaf."""
    e = load(lay.path(src, q), np.empty((0, 2), np.int64))
    chunks = lay.chunk_of(e[:, 1])
    for c in np.unique(chunks).tolist():
        save(lay.path("label", f"{q}-{c}"), e[chunks == c])


def chunk_labels(lay: Layout, c: int, n_batches: int, n_parts: int) -> np.ndarray:
    """Component label (smallest member) of each document of chunk ``c``."""
    first = c * lay.chunk_batches * lay.batch_size
    n = sum(len(load(lay.path("fp", b))["ids"]) for b in lay.batches_of(c, n_batches))
    labels = np.arange(first, first + n, dtype=np.int64)
    for q in range(n_parts):
        e = load(lay.path("label", f"{q}-{c}"))
        if e is not None and len(e):
            labels[e[:, 1] - first] = e[:, 0]
    return labels


# ------------------------------------------------------------------ boilerplate and solving


def units_part(c: int, lay: Layout, n_batches: int, n_parts: int) -> int:
    """Chunk ``c``'s ``(unit hash, cluster)`` pairs to the partitions of their unit; returns its clusters' roots."""
    labels = chunk_labels(lay, c, n_batches, n_parts)
    save(lay.path("labels", c), labels)
    first = c * lay.chunk_batches * lay.batch_size
    units, owners = [], []
    for start, fp in _chunk_prints(lay, c, n_batches):
        units.append(fp["units"])
        owners.append(np.repeat(start + np.arange(len(fp["ids"])), np.diff(fp["unit_off"])))
    u = np.concatenate(units).astype(np.uint64)
    lab = labels[np.concatenate(owners).astype(np.int64) - first] if len(u) else np.empty(0, np.int64)
    pairs = np.unique(np.stack([u, lab.astype(np.uint64)], axis=1), axis=0) if len(u) else np.empty((0, 2), np.uint64)
    spread(lay, "unit", c, part_of(pairs[:, 0], lay.partitions), {"u": pairs[:, 0], "label": pairs[:, 1]})
    return int(np.sum(labels == np.arange(first, first + len(labels))))


def boiler_part(p: int, lay: Layout, n_chunks: int, threshold: int) -> int:
    """Boilerplate unit hashes of partition ``p`` (``bp/p``): units in at least ``threshold`` clusters."""
    rows = gather_rows(lay, "unit", p, n_chunks, {"u": np.empty(0, np.uint64), "label": np.empty(0, np.uint64)})
    pairs = np.unique(np.stack([rows["u"], rows["label"]], axis=1), axis=0) if len(rows["u"]) else np.empty((0, 2), np.uint64)
    hashes, counts = np.unique(pairs[:, 0], return_counts=True)
    save(lay.path("bp", p), hashes[counts >= threshold])
    return int(np.sum(counts >= threshold))


def boiler_threshold(n_clusters: int, config: CorpusConfig) -> int:
    """How many clusters a unit must be in to be boilerplate (``dedup.corpus.boilerplate_table``)."""
    bp = config.boilerplate
    return max(bp.min_docs, math.ceil(bp.share * n_clusters))


def boiler_merge(_: Any, lay: Layout, enabled: bool) -> int:
    """``boiler``: every boilerplate unit hash, sorted; returns how many."""
    parts = [load(lay.path("bp", p)) for p in range(lay.partitions)] if enabled else []
    boiler = np.sort(np.concatenate([np.empty(0, np.uint64), *(x for x in parts if x is not None)]))
    save(lay.path("boiler"), boiler)
    return len(boiler)


def boilerplate_of(fp: dict[str, Any], boiler: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per document of a batch: its key length without boilerplate units, and whether it has any."""
    n = len(fp["ids"])
    if not len(boiler) or not len(fp["units"]):
        return fp["keylen"].astype(np.int64), np.zeros(n, bool)
    owner = np.repeat(np.arange(n), np.diff(fp["unit_off"]))
    hit = np.isin(fp["units"], boiler)
    minus = np.bincount(owner[hit], weights=fp["unit_len"][hit], minlength=n).astype(np.int64)
    return np.maximum(fp["keylen"].astype(np.int64) - minus, 0), np.bincount(owner[hit], minlength=n) > 0


def docs_part(c: int, lay: Layout, n_batches: int) -> None:
    """Chunk ``c``'s documents, with what the solver needs, to the partition of their component."""
    labels = load(lay.path("labels", c))
    boiler = load(lay.path("boiler"))
    cols: dict[str, list[Any]] = {k: [] for k in ("g", "content", "keyhash", "shingles", "bands", "ids")}
    for start, fp in _chunk_prints(lay, c, n_batches):
        content, _ = boilerplate_of(fp, boiler)
        cols["g"].append(start + np.arange(len(fp["ids"]), dtype=np.int64))
        cols["content"].append(content)
        for k in ("keyhash", "shingles", "bands"):
            cols[k].append(fp[k])
        cols["ids"].extend(fp["ids"])
    rows: dict[str, Any] = {k: np.concatenate(v) for k, v in cols.items() if k != "ids"}
    rows["ids"] = cols["ids"]
    rows["label"] = labels
    spread(lay, "doc", c, part_of(labels, lay.partitions), rows)


def solve_part(p: int, lay: Layout, n_chunks: int, config: CorpusConfig) -> dict[str, Any]:
    """Keep order, cluster solving and warnings of the components of partition ``p`` (every member is here).

    Rows are put in document order and components numbered by their smallest
    member, so ``keep_order``, ``solve_clusters`` and ``template_shares`` see
    what the local run gives them for these documents.  Decisions go to the
    chunk of each document, with the names of its cluster and representative.
    """
    nb = config.bands_rows()[0]
    empty = {k: np.empty(0, t) for k, t in (("g", np.int64), ("content", np.int64), ("keyhash", np.uint64), ("shingles", np.int64), ("label", np.int64))}
    rows = gather_rows(lay, "doc", p, n_chunks, {**empty, "bands": np.empty((0, nb), np.uint64), "ids": []})
    o = np.argsort(rows["g"], kind="stable")
    g, label = rows["g"][o], rows["label"][o]
    content, keyhash, shingles, bands = rows["content"][o], rows["keyhash"][o], rows["shingles"][o], rows["bands"][o]
    ids = [rows["ids"][i] for i in o.tolist()]
    comp = np.unique(label, return_inverse=True)[1].astype(np.int64).reshape(-1)
    keys = KeyReader(lay)

    def direct(pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        res = score_pairs(g[pairs], keys, config)
        r = res[:, 4].astype(np.int8)
        return res[:, 0].astype(bool), np.where(r == CONTAINED, res[:, 3], res[:, 1]), r

    n = len(g)
    if n:
        policy = str(config.keep)  # a name once the config is made (CorpusConfig.__post_init__)
        order = keep_order(comp, content, keyhash, policy)
        keeper = keepers(comp, content, keyhash, policy)
        solved = solve_clusters(comp, order, bands, shingles > 0, keyhash, direct, config.max_solve_rounds, sizes=shingles)
        rep, score, reason, rounds, unsolved = solved.rep, solved.score, solved.reason, solved.rounds, solved.unsolved
    else:
        keeper = rep = np.empty(0, np.int64)
        score, reason, rounds, unsolved = np.empty(0), np.empty(0, np.int8), 0, 0
    sizes = np.bincount(comp) if n else np.empty(0, np.int64)
    share = template_shares(comp, bands, shingles > 0, config.template_cluster)
    template = (sizes >= config.template_cluster) & (np.nan_to_num(share) >= config.template_share)
    why = np.where(sizes >= config.giant_cluster, 1, np.where(template, 2, 0)).astype(np.int8)
    kept = rep == np.arange(n)
    giants = []
    for c in np.flatnonzero(why).tolist():
        members = comp == c
        giants.append(
            {
                "cluster": ids[int(keeper[np.flatnonzero(members)[0]])],
                "size": int(sizes[c]),
                "kept": int(np.sum(kept & members)),
                "why": "size" if why[c] == 1 else "template",
                "template_share": None if np.isnan(share[c]) else round(float(share[c]), 4),
                "smallest": int(g[np.flatnonzero(members)[0]]),
            }
        )
    decisions = {
        "g": g,
        "rep": g[rep] if n else rep,
        "score": score,
        "reason": reason,
        "size": sizes[comp] if n else np.empty(0, np.int64),
        "warning": why[comp] if n else np.empty(0, np.int8),
        "cluster": [ids[int(k)] for k in keeper.tolist()],
        "duplicate_of": [None if r == i else ids[r] for i, r in enumerate(rep.tolist())],
    }
    spread(lay, "dec", p, lay.chunk_of(g), decisions, n_dest=n_chunks)
    return {"rounds": rounds, "unsolved": unsolved, "clusters": int(np.sum(sizes >= 2)), "duplicates": int(n - kept.sum()), "giants": giants}


def decisions_part(c: int, lay: Layout, n_parts: int, n_batches: int, keep_first: bool) -> None:
    """Chunk ``c``'s decisions in document order; with ``keep="first"``, its kept boilerplate units go on."""
    empty = {k: np.empty(0, t) for k, t in (("g", np.int64), ("rep", np.int64), ("score", np.float64), ("reason", np.int8), ("size", np.int64), ("warning", np.int8))}
    rows = gather_rows(lay, "dec", c, n_parts, {**empty, "cluster": [], "duplicate_of": []})
    o = np.argsort(rows["g"], kind="stable")
    dec = {k: (v[o] if isinstance(v, np.ndarray) else [v[i] for i in o.tolist()]) for k, v in rows.items()}
    save(lay.path("decision", c), dec)
    if not keep_first:
        return
    boiler = load(lay.path("boiler"))
    first = c * lay.chunk_batches * lay.batch_size
    u_all, g_all = [np.empty(0, np.uint64)], [np.empty(0, np.int64)]
    for start, fp in _chunk_prints(lay, c, n_batches):
        owner = start + np.repeat(np.arange(len(fp["ids"])), np.diff(fp["unit_off"]))
        kept = dec["rep"][owner - first] == owner
        m = kept & np.isin(fp["units"], boiler)
        u_all.append(fp["units"][m].astype(np.uint64))
        g_all.append(owner[m].astype(np.int64))
    u, g = np.concatenate(u_all), np.concatenate(g_all)
    spread(lay, "own", c, part_of(u, lay.partitions), {"u": u, "g": g})


def owners_merge(_: Any, lay: Layout, n_chunks: int, config: CorpusConfig) -> None:
    """``owners``: the first kept document having each boilerplate unit (``keep="first"``), else -1."""
    boiler = load(lay.path("boiler"))
    owners = np.full(len(boiler), -1, dtype=np.int64)
    if config.boilerplate.keep == "first" and len(boiler):
        for p in range(lay.partitions):
            rows = gather_rows(lay, "own", p, n_chunks, {"u": np.empty(0, np.uint64), "g": np.empty(0, np.int64)})
            o = np.lexsort((rows["g"], rows["u"]))
            u, g = rows["u"][o], rows["g"][o]
            firsts = np.ones(len(u), dtype=bool)
            firsts[1:] = u[1:] != u[:-1]
            owners[np.searchsorted(boiler, u[firsts])] = g[firsts]
    save(lay.path("owners"), owners)


# ------------------------------------------------------------------ finishing


def oversized_note(text: str, limit: int | None) -> str:
    """The note of a record written unchanged for its size (the local run's words)."""
    size = len(text.encode("utf-8", "surrogatepass"))
    return f"{size:,} bytes, above the per-record limit of {limit:,}: not compared, not cleaned, written unchanged"


def finish_part(b: int, lay: Layout, config: CorpusConfig, fields: Fields) -> list[CorpusDoc]:
    """Batch ``b``'s documents, finished (boilerplate removed, cleaned) and decided, in input order."""
    return finish_counted(b, lay, config, fields)[0]


def finish_counted(b: int, lay: Layout, config: CorpusConfig, fields: Fields) -> tuple[list[CorpusDoc], str | None]:
    """:func:`finish_part`, and whether a checkpoint served the batch."""
    recs = load(lay.path("rec", b))
    fp = load(lay.path("fp", b))
    start = b * lay.batch_size
    c = int(lay.chunk_of(np.array([start]))[0])
    dec = load(lay.path("decision", c))
    boiler, owners = load(lay.path("boiler")), load(lay.path("owners"))
    at = start - c * lay.chunk_batches * lay.batch_size
    sl = slice(at, at + len(recs))
    g = dec["g"][sl]
    kept = dec["rep"][sl] == g
    _, has_bp = boilerplate_of(fp, boiler)
    texts = ["" if big else r[fields.text] for r, big in zip(recs, fp["oversized"].tolist())]
    off = fp["span_off"]
    known = [fp["span_units"][off[i] : off[i + 1]] if has_bp[i] else None for i in range(len(recs))]
    fins, stored = checkpointed(lay, "finish", finish_batch, (texts, g.tolist(), kept.tolist(), has_bp.tolist(), known), boiler, owners, config)
    out = []
    for i, (rec, fin) in enumerate(zip(recs, fins)):
        note = None
        if fp["oversized"][i]:
            fin.text = rec[fields.text]
            note = oversized_note(rec[fields.text], config.max_record_bytes)
        dup = dec["duplicate_of"][at + i]
        out.append(
            CorpusDoc(
                id=fp["ids"][i],
                record=rec,
                text=fin.text,
                cluster=dec["cluster"][at + i],
                duplicate_of=dup,
                score=None if dup is None else round(float(dec["score"][at + i]), 4),
                match=None if dup is None else REASONS[int(dec["reason"][at + i])],
                cluster_size=int(dec["size"][at + i]),
                boilerplate_units=fin.boilerplate_units,
                boilerplate_removed=fin.boilerplate_removed,
                boilerplate_share=fin.boilerplate_share,
                chars_in=len(rec[fields.text]),
                warning=WARNINGS[int(dec["warning"][at + i])],
                note=note,
            )
        )
    return out, stored
