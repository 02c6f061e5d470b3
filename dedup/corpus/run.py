"""One run of corpus mode: records in, a :class:`CorpusDoc` per record out.

:class:`CorpusRun` drives the stages in order -- read and spill the records,
fingerprint them (:mod:`dedup.corpus.batch`), find and verify candidate pairs
(:mod:`dedup.corpus.pairs`), solve the clusters and find boilerplate
(:mod:`dedup.corpus.decide`), finish the kept documents -- through an engine
and, when asked, a checkpoint (:mod:`dedup.corpus.stages`), keeping the
records on disk meanwhile (:mod:`dedup.corpus.spill`) and every fingerprint in
the index (:mod:`dedup.corpus.index`).
"""

from __future__ import annotations

import os
import pickle
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from ..errors import InputError
from ..fingerprint import kernels
from ..io.records import Fields
from ..keep import keep_policy_name
from .batch import fingerprint_batch, finish_batch, hash64_many
from .checkpoint import Checkpoint
from .config import CorpusConfig
from .decide import boilerplate_owners, boilerplate_table, candidate_pairs, content_lengths, keep_order, keepers, near_threshold, rederive, solve_clusters, template_shares
from .index import Index, Segment, pack_record
from .model import REASON_CODE, REASONS, Finished
from .pairs import PairScores
from .progress import bar, peak_rss_mib
from .spill import Spill, batched
from .stages import Stages

#: a cluster's warning on its report lines, by the code CorpusRun keeps per document
_WARNINGS: tuple[str | None, ...] = (None, "giant cluster", "template cluster")


@dataclass(frozen=True)
class CorpusDoc:
    """One document's fate: kept (with its output text) or a duplicate of another.

    ``record`` is the input record (None for a revised earlier document,
    whose record is not in this run).
    """

    id: str
    record: dict[str, Any] | None
    text: str | None
    cluster: str
    duplicate_of: str | None
    score: float | None
    match: str | None
    cluster_size: int
    boilerplate_units: int = 0
    boilerplate_removed: int = 0
    boilerplate_share: float = 0.0
    chars_in: int | None = None
    revised: bool = False
    #: "giant cluster" when the cluster reaches ``CorpusConfig.giant_cluster`` members, "template
    #: cluster" when its members share mostly one text (``CorpusConfig.template_cluster``)
    warning: str | None = None
    #: why this document was left as it is (a record over ``max_record_bytes``); None normally
    note: str | None = None

    @property
    def kept(self) -> bool:
        return self.duplicate_of is None

    def report(self) -> dict[str, Any]:
        """The report line: at least id, cluster, duplicate_of and score."""
        d: dict[str, Any] = {
            "id": self.id,
            "cluster": self.cluster,
            "duplicate_of": self.duplicate_of,
            "score": self.score,
            "match": self.match,
            "cluster_size": self.cluster_size,
        }
        if self.warning:
            d["warning"] = self.warning
        if self.revised:
            d["revised"] = True
            if self.note is not None:
                d["note"] = self.note
        else:
            d.update(
                boilerplate_units=self.boilerplate_units,
                boilerplate_removed=self.boilerplate_removed,
                boilerplate_share=self.boilerplate_share,
                chars_in=self.chars_in,
                chars_out=None if self.text is None else len(self.text),
            )
            if self.note is not None:
                d["note"] = self.note
        return d



class CorpusRun:
    """One run of corpus mode over a stream of records.

    Iterate to get a :class:`CorpusDoc` per input record (input order), then
    one per earlier indexed document whose decision changed; call
    :meth:`commit` to make an index durable, :meth:`close` to free temporary
    files.  ``stats`` fills in as the run goes.

    With ``checkpoint`` (a folder, or a :class:`~dedup.corpus.checkpoint.Checkpoint`),
    every batch result of the three costly stages is stored as it arrives and
    read back by a later run that asks for it (the same command rerun after a
    crash): only missing batches are computed, and the results are the same
    bytes.  ``stats`` then counts ``resumed_batches_<stage>`` and
    ``computed_batches_<stage>``.  The folder is left in place; remove it
    with ``run.checkpoint.remove()`` once the outputs are safe.
    """

    def __init__(
        self,
        records: Iterable[dict[str, Any]],
        config: CorpusConfig = CorpusConfig(),
        *,
        fields: Fields = Fields(),
        engine: Any = None,
        index: str | os.PathLike[str] | None = None,
        progress: bool = False,
        work_dir: str | None = None,
        checkpoint: str | os.PathLike[str] | Checkpoint | None = None,
        read_only_index: bool = False,
    ) -> None:
        from ..engines.local import LocalEngine

        self.records = records
        self.config = config
        self.fields = fields
        self.engine = engine or LocalEngine(1)
        self.progress = progress
        # read only: for :meth:`redecide`, which writes nothing (a published or snapshotted index)
        self.index = Index.open(index, config.index_settings(), read_only=read_only_index)
        self.stats: dict[str, Any] = {}
        try:
            #: the costly stages through the engine and the checkpoint (see :mod:`dedup.corpus.checkpoint`)
            self.stages = Stages(self.engine, checkpoint, self.stats)
        except BaseException:
            self.index.close()
            raise
        try:
            self._spill = Spill(work_dir)
        except BaseException:
            self.index.close()
            self.stages.close()
            raise
        #: every pair scored, once (the cache grows in :meth:`_decide`)
        self.pairs = PairScores(self.index.key_reader, config.match, config.verify_chunk, self.stages, self.stats, progress)
        #: this run's record numbers (0 = its first record) whose text is over max_record_bytes
        self._oversized: set[int] = set()
        self._state: dict[str, np.ndarray] | None = None
        self._verified: dict[str, np.ndarray] | None = None
        self._boiler: tuple[np.ndarray, np.ndarray, int] = (np.empty(0, np.uint64), np.empty(0, np.int64), 0)
        self._done = False
        #: per document: 0, or the index in _WARNINGS of its cluster's warning
        self._warning = np.empty(0, np.int8)
        #: per document: whether it holds a boilerplate unit (set by :meth:`_finish`)
        self._has_bp = np.empty(0, bool)
        #: (the state they were made from, its columns as lists): see :meth:`_decisions`
        self._state_lists: tuple[dict[str, np.ndarray], dict[str, list[Any]]] | None = None

    @property
    def checkpoint(self) -> Checkpoint | None:
        """Finished stage results, read back instead of recomputed (None: not kept)."""
        return self.stages.checkpoint

    # -- stage 1: read, spill, fingerprint ---------------------------------------------
    def _fingerprint(self) -> tuple[int, int]:
        t0 = time.perf_counter()
        n_old = len(self.index)
        indexed = set(self.index.ids())
        seen = set(indexed)
        ids: list[str] = []
        spill = self._spill.records_writer()
        # each document's unit hashes in text order, for finishing (one uint64 per unit, on disk)
        spans_f = self._spill.units_writer()
        span_off = [np.zeros(1, np.int64)]
        folder = self.index.new_segment_folder()
        keys_f = self.index.open_keys(folder)
        key_off = [0]
        # every record, compressed, in a persistent index: a later run may keep one again that no output holds
        records_f = self.index.open_records(folder) if self.index.persistent else None
        record_off = [0]
        arrays: dict[str, list[np.ndarray]] = {k: [] for k in ("keyhash", "keylen", "shingles", "bands", "units", "unit_len")}
        unit_off = [np.zeros(1, np.int64)]
        fid, ftext = self.fields.id, self.fields.text
        meter = bar(self.progress, "fingerprint", "docs")

        def texts() -> Iterator[list[str]]:
            for batch in batched(self.records, self.config.batch_size):
                out = []
                for rec in batch:
                    rid = rec[fid]
                    if rid in seen:
                        where = "the index" if rid in indexed else "this input"
                        raise InputError(f"duplicate document id {rid!r} (already in {where}); ids must be unique")
                    seen.add(rid)
                    ids.append(rid)
                    if records_f is not None:
                        packed = pack_record(pickle.dumps(rec, protocol=pickle.HIGHEST_PROTOCOL))
                        records_f.write(packed)
                        record_off.append(record_off[-1] + len(packed))
                    if self.config.oversized(rec[ftext]):
                        # never fingerprinted (an empty key matches nothing) nor cleaned: kept as it is
                        self._oversized.add(len(ids) - 1)
                        out.append("")
                    else:
                        out.append(rec[ftext])
                # the batch in one pickle: a call (and a read back) per record cost more than the records
                spill.write(pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL))
                yield out

        try:
            for p in self.stages.imap("fingerprint", fingerprint_batch, texts(), self.config):
                for k in p.keys:
                    b = k.encode("utf-8", "surrogatepass")
                    keys_f.write(b)
                    key_off.append(key_off[-1] + len(b))
                for k in ("keyhash", "keylen", "shingles", "bands", "units", "unit_len"):
                    arrays[k].append(getattr(p, k))
                unit_off.append(p.unit_off[1:] + unit_off[-1][-1])
                spans_f.write(p.span_units.astype("<u8").tobytes())
                span_off.append(p.span_off[1:] + span_off[-1][-1])
                if meter is not None:
                    meter.update(len(p.keys))
            spill.close()
            spans_f.close()
            keys_f.close()
            if records_f is not None:
                records_f.close()
        finally:
            spill.discard()
            spans_f.discard()
            keys_f.discard()
            if records_f is not None:
                records_f.discard()
            if meter is not None:
                meter.close()
        bands, rows = self.config.bands_rows()
        seg = Segment(
            ids=ids,
            bands=np.concatenate(arrays["bands"]) if ids else np.empty((0, bands), np.uint64),
            keyhash=np.concatenate(arrays["keyhash"]) if ids else np.empty(0, np.uint64),
            keylen=np.concatenate(arrays["keylen"]) if ids else np.empty(0, np.int64),
            shingles=np.concatenate(arrays["shingles"]) if ids else np.empty(0, np.int64),
            units=np.concatenate(arrays["units"]) if ids else np.empty(0, np.uint64),
            unit_off=np.concatenate(unit_off),
            unit_len=np.concatenate(arrays["unit_len"]) if ids else np.empty(0, np.int32),
            keys_path=folder / "keys.bin",
            key_off=np.array(key_off, dtype=np.int64),
            record_off=np.array(record_off, dtype=np.int64) if records_f is not None else None,
        )
        self.index.add_segment(seg)
        self._span_off = np.concatenate(span_off)
        self.stats["documents"] = len(ids)
        self.stats["oversized_records"] = len(self._oversized)
        self.stats["indexed_before"] = n_old
        self.stats["seconds_fingerprint"] = round(time.perf_counter() - t0, 3)
        return n_old, len(ids)

    # -- stage 2-4: candidates, verification, clusters --------------------------------
    def _decide(self) -> None:
        t0 = time.perf_counter()
        idx = self.index
        n = len(idx)
        bands = idx.concat("bands").reshape(n, -1) if n else np.empty((0, 0), np.uint64)
        keyhash = idx.concat("keyhash").astype(np.uint64)
        keylen = idx.concat("keylen").astype(np.int64)
        shingles = idx.concat("shingles").astype(np.int64)
        id_hash = hash64_many(idx.ids(), 0)  # hash64 of each id, batched
        rank = np.empty(n, dtype=np.int64)
        rank[np.lexsort((id_hash, keyhash))] = np.arange(n)
        cand = candidate_pairs(self.engine, bands, shingles > 0, keyhash, rank, self.config.match.lsh.max_bucket_pairs)
        self.stats["candidate_pairs"] = int(len(cand))
        # pairs verified by earlier runs, decided again at this run's thresholds
        cache = self.pairs.verify(cand, rederive(self.index.verified, shingles, self.config.match))
        accepted = cache["accepted"][self.pairs.lookup(cache, cand)] if len(cand) else np.empty(0, bool)
        edges = cand[accepted]
        self.stats["accepted_pairs"] = int(len(edges))
        # the engine may label components without gathering the edges (Dask beyond one node)
        comp = self.engine.components(n, edges)
        units, owner_doc = idx.units()
        boiler, threshold = boilerplate_table(units, owner_doc, comp, self.config.boilerplate)
        content = content_lengths(keylen, boiler, units, idx.unit_lengths(), owner_doc)
        policy = keep_policy_name(self.config.keep)  # already a name (CorpusConfig.__post_init__): for the type checker
        order = keep_order(comp, content, keyhash, policy)
        keeper = keepers(comp, content, keyhash, policy)

        def direct(pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            nonlocal cache
            cache = self.pairs.verify(pairs, cache)
            pos = self.pairs.lookup(cache, pairs)
            r = cache["reason"][pos]
            s = np.where(r == REASON_CODE["contained"], cache["containment"][pos], cache["similarity"][pos])
            return cache["accepted"][pos], s, r

        solved = solve_clusters(comp, order, bands, shingles > 0, keyhash, direct, self.config.max_solve_rounds, sizes=shingles)
        rep = solved.rep
        kept = rep == np.arange(n)
        self._boiler = (boiler, boilerplate_owners(boiler, units, owner_doc, kept, self.config.boilerplate), threshold)
        dups = np.flatnonzero(~kept)
        score, reason = solved.score, solved.reason
        self.stats["solve_rounds"] = solved.rounds
        self.stats["solve_unsolved"] = solved.unsolved
        sizes = np.bincount(comp)
        size = sizes[comp]
        share = template_shares(comp, bands, shingles > 0, self.config.template_cluster)
        template = (sizes >= self.config.template_cluster) & (np.nan_to_num(share) >= self.config.template_share)
        why = np.where(sizes >= self.config.giant_cluster, 1, np.where(template, 2, 0)).astype(np.int8)
        self._warning = why[comp]
        giant = np.flatnonzero(why)
        names = idx.ids() if len(giant) else []
        # the largest first, at most 20 named: a Marin-style template or chain cluster is solved, never collapsed
        self.stats["giant_clusters"] = [
            {
                "cluster": names[int(keeper[np.flatnonzero(comp == c)[0]])],
                "size": int(sizes[c]),
                "kept": int(np.sum(kept & (comp == c))),
                "why": "size" if why[c] == 1 else "template",
                "template_share": None if np.isnan(share[c]) else round(float(share[c]), 4),
            }
            for c in giant[np.argsort(-sizes[giant], kind="stable")][:20].tolist()
        ]
        self._state = {"keeper": keeper, "rep": rep, "score": score, "reason": reason, "size": size}
        self._candidates = cand
        self._verified = cache
        self.stats["clusters"] = int(np.sum(np.bincount(comp) >= 2))
        self.stats["duplicates"] = int(len(dups))
        self.stats["seconds_cluster"] = round(time.perf_counter() - t0, 3)

    # -- stage 5-6: boilerplate, finishing, results -------------------------------------
    def __iter__(self) -> Iterator[CorpusDoc]:
        if self._done:
            raise RuntimeError("a CorpusRun can be iterated once")
        self._done = True
        t_start = time.perf_counter()
        n_old, n_new = self._fingerprint()
        # --workers N is N kernel threads in all, here too: on a busy machine a kernel
        # on every core mostly waits for (and spins on) the cores other jobs hold
        with kernels.thread_budget(getattr(self.engine, "workers", None)):
            self._decide()
        assert self._state is not None
        rep = self._state["rep"]
        kept = rep == np.arange(len(rep))
        boiler, owners, threshold = self._boiler
        self.stats["boilerplate_units"] = int(len(boiler))
        self.stats["boilerplate_threshold_docs"] = int(threshold)
        ids = self.index.ids()
        t0 = time.perf_counter()
        yield from self._finish(n_old, n_new, ids, kept, boiler, owners)
        self.stats["seconds_finish"] = round(time.perf_counter() - t0, 3)
        yield from self._revisions(n_old, ids, boiler, owners)
        total = time.perf_counter() - t_start
        self.stats["seconds_total"] = round(total, 3)
        self.stats["docs_per_second"] = round(n_new / total, 1) if total > 0 else None
        self.stats["peak_rss_mib"] = peak_rss_mib()

    def _oversized_note(self, text: str) -> str:
        size = len(text.encode("utf-8", "surrogatepass"))
        return f"{size:,} bytes, above the per-record limit of {self.config.max_record_bytes:,}: not compared, not cleaned, written unchanged"

    def _decisions(self) -> dict[str, list[Any]]:
        """The state's columns as Python lists, made once: one numpy scalar per field and document was slow."""
        assert self._state is not None
        if self._state_lists is None or self._state_lists[0] is not self._state:
            cols = {k: self._state[k].tolist() for k in ("keeper", "rep", "score", "reason", "size")}
            cols["warning"] = self._warning.tolist()
            self._state_lists = (self._state, cols)
        return self._state_lists[1]

    def _doc(self, g: int, ids: list[str], record: dict[str, Any] | None, fin: Finished | None, revised: bool = False, note: str | None = None) -> CorpusDoc:
        state = self._decisions()
        k = state["keeper"][g]
        d = state["rep"][g]
        score = None if d == g else round(float(state["score"][g]), 4)
        match = None if d == g else REASONS[int(state["reason"][g])]
        return CorpusDoc(
            id=ids[g],
            record=record,
            text=fin.text if fin else None,
            cluster=ids[k],
            duplicate_of=None if d == g else ids[d],
            score=score,
            match=match,
            cluster_size=int(state["size"][g]),
            boilerplate_units=fin.boilerplate_units if fin else 0,
            boilerplate_removed=fin.boilerplate_removed if fin else 0,
            boilerplate_share=fin.boilerplate_share if fin else 0.0,
            chars_in=len(record[self.fields.text]) if record is not None else None,
            revised=revised,
            warning=_WARNINGS[state["warning"][g]] if state["warning"] else None,
            note=note,
        )

    def _finish(self, n_old: int, n_new: int, ids: list[str], kept: np.ndarray, boiler: np.ndarray, owners: np.ndarray) -> Iterator[CorpusDoc]:
        pending: deque[tuple[int, list[dict[str, Any]]]] = deque()
        ftext = self.fields.text
        meter = bar(self.progress, "finish", "docs", total=n_new)

        units, owner_doc = self.index.units()
        has_bp = np.zeros(len(kept), dtype=bool)
        has_bp[owner_doc[np.isin(units, boiler)]] = True
        del units, owner_doc
        self._has_bp = has_bp  # for documents kept again (:meth:`_revisions`)

        span_off = self._span_off
        span_units = self._spill.span_units()

        def jobs() -> Iterator[tuple[list[str], list[int], list[bool], list[bool], list[np.ndarray | None], list[int]]]:
            g = n_old
            for recs in self._spill.record_batches(self.config.batch_size):
                numbers = list(range(g, g + len(recs)))
                pending.append((g, recs))
                g += len(recs)
                texts = ["" if x - n_old in self._oversized else r[ftext] for r, x in zip(recs, numbers)]
                # the units' hashes from fingerprinting, only where boilerplate is to be found
                known = [np.array(span_units[span_off[x - n_old] : span_off[x - n_old + 1]]) if has_bp[x] else None for x in numbers]
                counts = np.diff(span_off[numbers[0] - n_old : numbers[-1] - n_old + 2]).tolist() if numbers else []
                yield texts, numbers, [bool(kept[x]) for x in numbers], [bool(has_bp[x]) for x in numbers], known, counts

        removed = 0
        try:
            for fins in self.stages.imap("finish", finish_batch, jobs(), boiler, owners, self.config):
                g0, recs = pending.popleft()
                for i, (rec, fin) in enumerate(zip(recs, fins)):
                    removed += fin.boilerplate_removed > 0
                    note = None
                    if g0 + i - n_old in self._oversized:
                        fin.text = rec[ftext]  # kept alone (its empty key matched nothing), unchanged
                        note = self._oversized_note(rec[ftext])
                    yield self._doc(g0 + i, ids, rec, fin, note=note)
                if meter is not None:
                    meter.update(len(recs))
        finally:
            if meter is not None:
                meter.close()
        self.stats["docs_with_boilerplate_removed"] = int(removed)
        self.stats["kept"] = int(kept[n_old:].sum())

    def _revisions(self, n_old: int, ids: list[str], boiler: np.ndarray, owners: np.ndarray) -> Iterator[CorpusDoc]:
        """Earlier documents whose cluster, duplicate_of or score changed with this run.

        An earlier duplicate kept again (its representative is removed now, and
        it matches no kept document directly) comes with its record, read back
        from the index, and its text finished like any kept document's: no
        earlier output holds it.  Segments of an older index keep no records:
        such a document's revision says where its text is instead.
        """
        old = self.index.state
        assert self._state is not None
        n_rev = 0
        if old is not None and n_old:
            ko, so, ro = old["keeper"][:n_old], old["score"][:n_old], old["reason"][:n_old]
            kn, sn, rn = self._state["keeper"][:n_old], self._state["score"][:n_old], self._state["reason"][:n_old]
            # an index written before clusters were solved holds no direct representatives
            po, pn = old.get("rep", old["keeper"])[:n_old], self._state["rep"][:n_old]
            zo, zn = old["size"][:n_old], self._state["size"][:n_old]
            same_score = (np.isnan(so) & np.isnan(sn)) | (np.round(so, 4) == np.round(sn, 4))
            changed = np.flatnonzero((ko != kn) | (po != pn) | (ro != rn) | ~same_score | (zo != zn))
            restored = written = 0
            for g in changed.tolist():
                n_rev += 1
                # a duplicate whose representative is now removed itself, and which matches no kept
                # document directly, is kept again
                back = bool(po[g] != g and pn[g] == g)
                restored += back
                record = self.index.record(g) if back else None
                if record is None:
                    note = "kept again: its text is in the input of the run that first saw it, not in this output" if back else None
                    yield self._doc(g, ids, None, None, revised=True, note=note)
                    continue
                written += 1
                yield self._doc(g, ids, record, self._finish_again(g, record, boiler, owners), revised=True, note="kept again: written in this output (its record kept by the index)")
            self.stats["restored"] = restored
            self.stats["restored_written"] = written
        self.stats["revised"] = n_rev

    def _finish_again(self, g: int, record: dict[str, Any], boiler: np.ndarray, owners: np.ndarray) -> Finished:
        """Finish an earlier document kept again, as this run finishes its own kept documents."""
        text = record.get(self.fields.text)
        if not isinstance(text, str):
            raise InputError(f"--index {self.index.root}: the stored record of {self.index.ids()[g]!r} has no text field {self.fields.text!r}")
        if self.config.oversized(text):
            return Finished(text, 0, 0, 0, 0.0)
        (fin,) = finish_batch(([text], [g], [True], [bool(self._has_bp[g])]), boiler, owners, self.config)
        return fin

    def redecide(self) -> Iterator[CorpusDoc]:
        """Every indexed document's decision at this run's thresholds, from the stored fingerprints.

        Nothing is fingerprinted and nothing is written: pair scores come from
        the index (:func:`rederive`); only pairs whose stored similarity cannot
        answer at the new threshold are verified again, from the stored keys.
        ``stats["near_threshold"]`` lists the verified pairs nearest it.
        """
        if self._done:
            raise RuntimeError("a CorpusRun can be iterated once")
        self._done = True
        if not len(self.index):
            raise InputError("the index holds no documents: nothing to decide again")
        t0 = time.perf_counter()
        before = len(self.index.verified["code"])
        self._decide()
        assert self._state is not None and self._verified is not None
        ids = self.index.ids()
        near = near_threshold(self.pairs.near_scores(self._verified, self._candidates), self._candidates, self.config.match.threshold)
        self.stats["near_threshold"] = [{**r, "a": ids[r["a"]], "b": ids[r["b"]]} for r in near]
        self.stats["pairs_stored"] = before
        self.stats["documents"] = len(ids)
        self.stats["kept"] = int(np.sum(self._state["rep"] == np.arange(len(ids))))
        for g in range(len(ids)):
            yield self._doc(g, ids, None, None)
        self.stats["seconds_total"] = round(time.perf_counter() - t0, 3)

    def prepare_commit(self) -> None:
        """Write the index's new state, synced, without putting it in effect (:meth:`commit` does).

        Call it before renaming outputs into place: what can fail (a full
        disk) fails then, and :meth:`commit` is left with one rename.
        """
        if self._state is None or self._verified is None:
            raise RuntimeError("prepare_commit() before the run was consumed")
        self.index.prepare_commit(self._verified, self._state, self.decision_settings())

    def commit(self) -> None:
        """Make the index durable (no-op without ``index``)."""
        if self._state is None or self._verified is None:
            raise RuntimeError("commit() before the run was consumed")
        self.index.commit(self._verified, self._state, self.decision_settings())

    def decision_settings(self) -> dict[str, Any]:
        """What, besides the thresholds, decided the state an index keeps: ``--rethreshold`` reuses it."""
        return {"keep": self.config.keep, "boilerplate": asdict(self.config.boilerplate)}

    def close(self) -> None:
        """Free temporary files and locks; a checkpoint's entries stay (see :meth:`Checkpoint.remove`)."""
        self.index.close()
        self.stages.close()
        self._spill.cleanup()


def dedup_records(
    records: Iterable[dict[str, Any]],
    config: CorpusConfig = CorpusConfig(),
    *,
    text_field: str = "text",
    id_field: str = "id",
    engine: Any = None,
    workers: int = 1,
    index: str | os.PathLike[str] | None = None,
    progress: bool = False,
    checkpoint: str | os.PathLike[str] | None = None,
    keep_checkpoint: bool = False,
) -> Iterator[CorpusDoc]:
    """Deduplicate a stream of record dicts; yields a :class:`CorpusDoc` per record, in input order.

    Records need ``id_field`` (made a string) and ``text_field``.  The first
    result comes only after every record has been fingerprinted (a document
    may duplicate one later in the stream); records wait in a temporary file,
    not in memory.  With ``index``, earlier documents whose decision changed
    follow (``revised=True``) and the index is committed when the iterator is
    exhausted.  With ``checkpoint`` (a folder), finished batches are kept
    there, so that the same call after a crash resumes them; the folder is
    removed when the iterator is exhausted, unless ``keep_checkpoint``.

    >>> docs = [{"id": "a", "text": "推进义务教育优质均衡发展，助力双减政策落地见效。"},
    ...         {"id": "b", "text": "推进义务教育优质均衡发展，助力“双减”政策落地见效！"},
    ...         {"id": "c", "text": "一段毫不相干的文字，讲的是别的事情。"}]
    >>> [(d.id, d.duplicate_of) for d in dedup_records(docs, CorpusConfig(clean=False))]
    [('a', None), ('b', 'a'), ('c', None)]
    """
    from ..engines import make_engine

    fields = Fields(text=text_field, id=id_field)
    own_engine = engine is None or isinstance(engine, str)
    eng = make_engine(engine or "local", workers=workers) if own_engine else engine

    def normalised() -> Iterator[dict[str, Any]]:
        for n, rec in enumerate(records, 1):
            if not isinstance(rec, dict) or not isinstance(rec.get(text_field), str):
                raise InputError(f"record {n}: needs a text field {text_field!r}")
            rid = rec.get(id_field)
            yield {**rec, id_field: str(n) if rid is None else str(rid)}

    run = CorpusRun(normalised(), config, fields=fields, engine=eng, index=index, progress=progress, checkpoint=checkpoint)
    try:
        yield from run
        run.commit()
        if run.checkpoint is not None and not keep_checkpoint:
            run.checkpoint.remove()
    finally:
        run.close()
        if own_engine:
            eng.close()


__all__ = ["CorpusDoc", "CorpusRun", "dedup_records"]
