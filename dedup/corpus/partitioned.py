"""Corpus mode on a Dask cluster with nothing per document on the driver.

:class:`PartitionedRun` is :class:`dedup.corpus.CorpusRun` for
``--engine dask``: the same stages, but every per-document array lives in
files of the run's work folder, written and read by tasks on the workers
(:mod:`dedup.corpus.parts`).  The driver reads the input (one batch at a
time, written to the work folder as it comes), submits tasks, and receives a
few numbers per task.  In the last stage each batch is finished on a worker,
which also writes it for every target (:meth:`PartitionedRun.write_outputs_to`):
JSONL and SogouCS records encoded into part files that the driver copies into
the outputs in input order, a record at a time; Parquet rows cut into the
local writer's parts of 4,096 records, each written as a Parquet part by a
task and joined by the writer a part at a time; a text output's files
straight into its staging folder; ``--html``'s few fields per document into
part files streamed back (:attr:`PartitionedRun.review_rows`).  The driver
holds one record or one part, however large the corpus.

The output and the report are the local engine's, byte for byte: each
partition applies the local run's functions to its rows in document order
(``tests/corpus/test_corpus_dask.py`` compares them, and measures the driver's
memory as the corpus grows).  ``--index`` and ``--checkpoint`` runs keep the
driver-side :class:`~dedup.corpus.CorpusRun` (:func:`open_run` chooses).

Futures are held by :meth:`dedup.engines.dask.DaskEngine.imap` until their
result is read, and a task the scheduler cancelled or forgot is submitted
again; the tasks are idempotent (files are replaced atomically).
"""

from __future__ import annotations

import collections
import contextlib
import math
import os
import shutil
import tempfile
import time
from collections.abc import Generator, Iterable, Iterator
from typing import Any

from ..errors import InputError, OutputError
from ..io.record_writer import STREAM_FORMATS
from ..io.records import Fields
from . import parts, parts_output
from .checkpoint import Checkpoint
from .config import CorpusConfig
from .progress import peak_rss_mib
from .run import CorpusDoc, CorpusRun

#: documents per chunk and per partition, about (a task's rows: ~400 bytes per document)
CHUNK_DOCS = 20_000


def open_run(records: Iterable[dict[str, Any]], config: CorpusConfig, *, fields: Fields, engine: Any, index: Any = None, progress: bool = False, checkpoint: Any = None) -> Any:
    """The run for ``engine``: :class:`PartitionedRun` on a Dask cluster (without an index), else :class:`CorpusRun`."""
    if getattr(engine, "client", None) is not None and index is None:
        return PartitionedRun(records, config, fields=fields, engine=engine, checkpoint=checkpoint)
    return CorpusRun(records, config, fields=fields, engine=engine, index=index, progress=progress, checkpoint=checkpoint)


class PartitionedRun:
    """One corpus run whose per-document data is partitioned over the workers (see the module docstring).

    Iterate for a :class:`CorpusDoc` per record, in input order; ``stats``
    fills in as the run goes; :meth:`close` removes the work folder.
    ``work_dir`` (default: the temporary folder, ``TMPDIR``) must be visible
    to every worker at the same path.  ``chunk_docs`` and ``partitions`` set
    how the rows are cut (results do not depend on them).  ``checkpoint``: a
    folder (seen by every worker at the same path) where fingerprinted and
    finished batches are kept, so that the same command resumes after a
    crash or a Ctrl-C (:func:`dedup.corpus.parts.checkpointed`).
    """

    def __init__(
        self,
        records: Iterable[dict[str, Any]],
        config: CorpusConfig | None = None,
        *,
        fields: Fields = Fields(),
        engine: Any,
        work_dir: str | None = None,
        chunk_docs: int = CHUNK_DOCS,
        partitions: int | None = None,
        checkpoint: str | os.PathLike[str] | None = None,
    ) -> None:
        self.records = records
        self.config = config = config or CorpusConfig()
        self.fields = fields
        self.engine = engine
        self.chunk_batches = max(1, chunk_docs // config.batch_size)
        self.partitions = partitions
        self.stats: dict[str, Any] = {}
        self._done = False
        #: (writer, report) when the workers write the outputs (:meth:`write_outputs_to`)
        self._targets: tuple[Any, Any] | None = None
        self._spec: parts_output.OutputSpec | None = None
        #: the --checkpoint store (its lock is held here; the workers add entries)
        self.checkpoint: Checkpoint | None = None if checkpoint is None else Checkpoint.open(checkpoint)
        if self.checkpoint is not None:
            for stage in ("fingerprint", "finish"):
                self.stats[f"resumed_batches_{stage}"] = self.stats[f"computed_batches_{stage}"] = 0
            self.stats["checkpoint_write_errors"] = 0
        try:
            # private (0700): only this user's tasks read, and unpickle, what is in it
            self._work = tempfile.TemporaryDirectory(prefix="dedup-corpus-dask-", dir=work_dir)
        except OSError as exc:
            if self.checkpoint is not None:
                self.checkpoint.close()
            raise OutputError(f"cannot create the work folder in {work_dir or tempfile.gettempdir()} ({exc.strerror}); set TMPDIR to a disk with space") from None

    def _count_stored(self, stage: str, stored: str | None) -> None:
        """Count a batch the checkpoint served (``resumed``) or took (``computed``, ``unstored``: it could not)."""
        if stored is not None:
            self.stats[f"{'resumed' if stored == 'resumed' else 'computed'}_batches_{stage}"] += 1
            self.stats["checkpoint_write_errors"] += stored == "unstored"

    def _all(self, fn: Any, items: Iterable[Any], *args: Any) -> list[Any]:
        """``fn(item, *args)`` for every item on the workers; the results (a few numbers each)."""
        return list(self.engine.imap(fn, items, *args))

    def _layout(self, partitions: int = 1) -> parts.Layout:
        where = None if self.checkpoint is None else str(self.checkpoint.root)
        return parts.Layout(self._work.name, self.config.batch_size, self.chunk_batches, partitions, where)

    # -- stage 1: records to the work folder, fingerprinted on the workers ---------------
    def _fingerprint(self) -> int:
        lay = self._layout()
        n_batches = 0

        def batches() -> Iterator[int]:
            nonlocal n_batches
            batch: list[dict[str, Any]] = []
            for rec in self.records:
                batch.append(rec)
                if len(batch) == self.config.batch_size:
                    parts.save(lay.path("rec", n_batches), batch)
                    batch = []
                    n_batches += 1
                    yield n_batches - 1
            if batch:
                parts.save(lay.path("rec", n_batches), batch)
                n_batches += 1
                yield n_batches - 1

        try:
            n = 0
            for docs, stored in self.engine.imap(parts.fingerprint_part, batches(), lay, self.config, self.fields):
                n += docs
                self._count_stored("fingerprint", stored)
        except OSError as exc:
            raise OutputError(f"cannot write the work folder {self._work.name} ({exc.strerror}); free some space there or set TMPDIR to another disk") from None
        self._n_batches = n_batches
        return n

    # -- stages 2-4: candidates, verification, components --------------------------------
    def _candidates(self, lay: parts.Layout, n_chunks: int) -> None:
        self._all(parts.spread_part, range(n_chunks), lay, self._n_batches)
        repeated = [r for r in self._all(parts.repeated_id_part, range(lay.partitions), lay, n_chunks) if r is not None]
        if repeated:
            rid = min(repeated)[1]
            raise InputError(f"duplicate document id {rid!r} (already in this input); ids must be unique")
        self._all(parts.pairs_part, range(lay.partitions), lay, n_chunks, self.config.match.lsh.max_bucket_pairs)
        counts = self._all(parts.verify_part, range(lay.partitions), lay, lay.partitions, self.config)
        self.stats["candidate_pairs"] = sum(c for c, _ in counts)
        self.stats["pairs_verified"] = self.stats["candidate_pairs"]
        self.stats["accepted_pairs"] = sum(a for _, a in counts)

    def _components(self, lay: parts.Layout, max_rounds: int = 200) -> None:
        """Large-star / small-star rounds (:mod:`dedup.graph`) on the partitioned edges, then labels per chunk."""
        P = lay.partitions
        src = "edge0"
        for r in range(max_rounds):
            if not sum(self._all(parts.directed_part, range(P), lay, src, f"dir{r}")):
                break
            unsettled = sum(self._all(parts.large_round_part, range(P), lay, f"dir{r}", f"large{r}", P))
            if not unsettled:
                break
            self._all(parts.small_round_part, range(P), lay, f"large{r}", f"edge{r + 1}", P)
            src = f"edge{r + 1}"
        else:
            raise RuntimeError(f"connected components did not settle in {max_rounds} rounds")
        self.stats["component_rounds"] = r
        self._all(parts.labels_part, range(P), lay, src)

    # -- stages 5-6: boilerplate, solving, finishing -------------------------------------
    def _decide(self, lay: parts.Layout, n: int, n_chunks: int) -> None:
        P = lay.partitions
        n_clusters = sum(self._all(parts.units_part, range(n_chunks), lay, self._n_batches, P))
        bp = self.config.boilerplate
        threshold = parts.boiler_threshold(n_clusters, self.config) if bp.enabled else 0
        if bp.enabled:
            self._all(parts.boiler_part, range(P), lay, n_chunks, threshold)
        self.stats["boilerplate_units"] = self._all(parts.boiler_merge, [0], lay, bp.enabled)[0]
        self.stats["boilerplate_threshold_docs"] = threshold
        self._all(parts.docs_part, range(n_chunks), lay, self._n_batches)
        solved = self._all(parts.solve_part, range(P), lay, n_chunks, self.config)
        self.stats["solve_rounds"] = max((s["rounds"] for s in solved), default=0)
        self.stats["solve_unsolved"] = sum(s["unsolved"] for s in solved)
        giants = sorted((g for s in solved for g in s["giants"]), key=lambda g: (-g["size"], g["smallest"]))[:20]
        self.stats["giant_clusters"] = [{k: v for k, v in g.items() if k != "smallest"} for g in giants]
        self.stats["clusters"] = sum(s["clusters"] for s in solved)
        self.stats["duplicates"] = sum(s["duplicates"] for s in solved)
        keep_first = bp.enabled and bp.keep == "first"
        self._all(parts.decisions_part, range(n_chunks), lay, P, self._n_batches, keep_first)
        self._all(parts.owners_merge, [0], lay, n_chunks, self.config)

    def __iter__(self) -> Iterator[CorpusDoc]:
        if self._done:
            raise RuntimeError("a PartitionedRun can be iterated once")
        self._done = True
        t_start = time.perf_counter()
        n = self._fingerprint()
        self.stats.update(documents=n, indexed_before=0, seconds_fingerprint=round(time.perf_counter() - t_start, 3))
        chunk = self.config.batch_size * self.chunk_batches
        n_chunks = math.ceil(n / chunk)
        P = self.partitions or max(2 * self.engine.workers, n_chunks)
        lay = self._layout(P)
        t0 = time.perf_counter()
        kept = removed = oversized = 0
        if n:
            self._candidates(lay, n_chunks)
            self._components(lay)
            self._decide(lay, n, n_chunks)
        else:
            self.stats.update(
                candidate_pairs=0, pairs_verified=0, accepted_pairs=0, clusters=0, duplicates=0, boilerplate_units=0, boilerplate_threshold_docs=0, giant_clusters=[], solve_rounds=0, solve_unsolved=0
            )
        self.stats["partitions"] = P
        self.stats["seconds_cluster"] = round(time.perf_counter() - t0, 3)
        t0 = time.perf_counter()
        if self._targets is not None:
            kept, removed, oversized = self._write_outputs(lay)
        else:
            for docs in self.engine.imap(parts.finish_part, range(self._n_batches), lay, self.config, self.fields):
                for doc in docs:
                    kept += doc.kept
                    removed += doc.boilerplate_removed > 0
                    oversized += doc.note is not None
                    yield doc
        self.stats.update(kept=kept, docs_with_boilerplate_removed=removed, oversized_records=oversized, revised=0)
        # who wrote the output and report records: the workers (part files, a text output's files), or the driver
        self.stats["outputs_written_by"] = "workers" if self._targets is not None else "driver"
        self.stats["seconds_finish"] = round(time.perf_counter() - t0, 3)
        total = time.perf_counter() - t_start
        self.stats["seconds_total"] = round(total, 3)
        self.stats["docs_per_second"] = round(n / total, 1) if total > 0 else None
        self.stats["peak_rss_mib"] = peak_rss_mib()

    # -- outputs written per batch by the workers ---------------------------------------
    def write_outputs_to(self, writer: Any, report: Any, *, annotate: bool = False, review: bool = False) -> bool:
        """Let the workers write the outputs: iterating then yields nothing, and ``writer``/``report`` get every record.

        Each finishing task writes its batch for each target
        (:func:`dedup.corpus.parts_output.output_part`): JSONL and SogouCS records
        encoded (the driver copies the bytes in batch order, one record at a
        time), Parquet rows cut into the local writer's parts and written as
        Parquet part files by further tasks (:func:`dedup.corpus.parts_output.parquet_part`;
        the writer joins them at ``finish``, a part at a time), a text
        output's files straight into its staging folder.  ``review``
        (``--html``): the page's few fields of every document go to part
        files too, read back through :attr:`review_rows`.  Call before
        iterating; returns whether the workers write (False: nothing to write).
        """
        if writer is None and report is None:
            return False
        self._targets = (writer, report)
        self._spec = parts_output.OutputSpec(
            output=None if writer is None else parts_output.Target.of(writer),
            report=None if report is None else parts_output.Target.of(report),
            annotate=annotate,
            review=review,
        )
        return True

    @property
    def review_rows(self) -> Iterable[dict[str, Any]]:
        """The ``--html`` page's rows of every document, in input order, read from the part files each time it is iterated."""
        run = self

        class Rows:
            def __iter__(self) -> Iterator[dict[str, Any]]:
                lay = run._layout()
                for b in range(getattr(run, "_n_batches", 0)):  # known once the run has read its input
                    yield from parts.load(lay.path("review", b), [])

        return Rows()

    def _write_outputs(self, lay: parts.Layout) -> tuple[int, int, int]:
        """Finish every batch on the workers and put its records in the targets in order; ``(kept, with boilerplate removed, oversized)``."""
        assert self._targets is not None and self._spec is not None
        from ..io.record_writer import PARQUET_PART_ROWS

        counts = {"kept": 0, "removed": 0, "oversized": 0}
        targets = dict(zip(("out", "report"), self._targets))
        cutters = {stage: parts_output.PartCutter(stage, PARQUET_PART_ROWS) for stage, t in targets.items() if t is not None and t.fmt == "parquet"}

        def finished() -> Generator[parts_output.ParquetGroup, None, None]:
            """Batches finished in order (their byte streams copied); the Parquet parts their rows complete."""
            for b, got in enumerate(self.engine.imap(parts_output.output_part, range(self._n_batches), lay, self.config, self.fields, self._spec)):
                for stage, target in targets.items():
                    if target is not None and target.fmt in STREAM_FORMATS:
                        path = lay.path(stage, b)
                        for piece in parts_output.read_stream(path):
                            target.write_encoded(piece)
                        parts_output.remove_stream(path)  # the work folder keeps no second copy of the output
                for k in counts:
                    counts[k] += got[k]
                self._count_stored("finish", got["stored"])
                for stage, cutter in cutters.items():
                    yield from cutter.add(b, got["written" if stage == "out" else "documents"])
            for cutter in cutters.values():
                yield from cutter.last()

        # closed on the way out: an error or a Ctrl-C cancels the tasks not started yet (DaskEngine.imap)
        with contextlib.closing(finished()) as groups, contextlib.closing(self._parquet_parts(groups, lay)) as made:
            for group, path in made:
                targets[group.stage].add_parquet_part(path, group.rows)
                for b in group.ends:
                    lay.path(f"{group.stage}-rows", b).unlink(missing_ok=True)  # its rows are in parts now
        return counts["kept"], counts["removed"], counts["oversized"]

    def _parquet_parts(self, groups: Iterator[parts_output.ParquetGroup], lay: parts.Layout) -> Generator[tuple[parts_output.ParquetGroup, str], None, None]:
        """Each group with its part file, written on the workers, in order (the groups come as batches finish)."""
        made: collections.deque[parts_output.ParquetGroup] = collections.deque()

        def submitted() -> Iterator[parts_output.ParquetGroup]:
            for group in groups:
                made.append(group)
                yield group

        for path in self.engine.imap(parts_output.parquet_part, submitted(), lay, self._spec):
            yield made.popleft(), path

    def prepare_commit(self) -> None:
        """Nothing to prepare: a partitioned run keeps no index."""

    def commit(self) -> None:
        """Nothing to commit: a partitioned run keeps no index."""

    def close(self) -> None:
        """Remove the work folder, once the tasks still running after an error or a Ctrl-C have ended.

        A cancelled task that had started runs on (:meth:`DaskEngine.drain`
        waits for it): its files would land in the work folder, or in a text
        output's staging folder that the CLI removes next.  Should one still
        run, a removal racing its last write fails with "Directory not empty";
        tasks never re-create the folder once it is gone, so a few tries suffice.
        """
        drain = getattr(self.engine, "drain", None)
        if drain is not None:
            drain()
        if self.checkpoint is not None:
            self.checkpoint.close()  # its entries stay (removed by the caller after success)
        for _ in range(100):
            try:
                self._work.cleanup()
            except OSError:
                time.sleep(0.05)
                continue
            if not os.path.exists(self._work.name):
                return
        shutil.rmtree(self._work.name, ignore_errors=True)


__all__ = ["PartitionedRun", "open_run"]
