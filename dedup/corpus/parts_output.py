"""The partitioned run's outputs, written per batch by the workers (see :mod:`dedup.corpus.parts`).

:func:`output_part` finishes a batch and writes it for each target the CLI
names: JSONL and SogouCS records encoded into part files the driver copies,
Parquet rows kept for :func:`parquet_part` (which writes the local writer's
parts of :data:`~dedup.io.record_writer.PARQUET_PART_ROWS` records, cut by
:class:`PartCutter`), a text output's files straight into its staging folder,
and the review page's rows.  The bytes are the local writer's.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import OutputError
from ..io.records import Fields
from .config import CorpusConfig
from .parts import Layout, finish_counted, load, save, writer_name
from .run import CorpusDoc

#: the fields of each document the review page (``--html``) reads, as the CLI keeps them
REVIEW_FIELDS = ("id", "cluster", "duplicate_of", "score", "match", "cluster_size")


@dataclass(frozen=True)
class Target:
    """One output as the workers write it: what :class:`dedup.io.record_writer.RecordWriter` would make of its records.

    ``fmt`` and ``path`` (named in errors); ``fields`` (id and text fields);
    Parquet: ``schema`` (fixed: the report) and ``like`` (the input's schema
    the columns follow); a text-folder output: ``folder``, the writer's
    staging folder, where the workers put the files themselves.
    """

    fmt: str
    path: str
    fields: Fields = Fields()
    schema: Any = None
    like: Any = None
    folder: str | None = None

    @classmethod
    def of(cls, writer: Any) -> Target:
        """The target a :class:`~dedup.io.record_writer.RecordWriter` writes."""
        schema, like = writer.parquet_schema
        return cls(writer.fmt, writer.path, writer.fields, schema, like, writer.staging if writer.fmt == "text" else None)


@dataclass(frozen=True)
class OutputSpec:
    """What the workers write for a batch: the kept records (or every record, ``annotate``), report lines, review rows.

    ``output`` / ``report``: the :class:`Target`, or None for none.  JSONL and
    SogouCS records are encoded into ``out/b``, ``report/b`` (the driver
    copies the bytes); Parquet rows are pickled into ``out-rows/b``,
    ``report-rows/b`` for :func:`parquet_part`; a text output's files go
    straight into its staging folder.  ``review``: the fields ``--html``
    needs of every document, into ``review/b``.
    """

    output: Target | None
    report: Target | None
    annotate: bool = False
    review: bool = False


def output_record(doc: CorpusDoc, fields: Fields, annotate: bool) -> dict[str, Any] | None:
    """The record ``dedup-text corpus`` writes for ``doc`` (its kept text; with ``annotate``, its cluster), or None."""
    if doc.revised or not (doc.kept or annotate):
        return None
    rec: dict[str, Any] = dict(doc.record or {})
    if doc.kept:
        rec[fields.text] = doc.text
    if annotate:
        rec["cluster"] = doc.cluster
        rec["duplicate_of"] = doc.duplicate_of
    return rec


def _save_stream(path: Path, pieces: list[bytes]) -> None:
    """``pieces`` end to end in ``path`` and their lengths in ``path.len.npy``, each replaced atomically."""
    tmp = path.with_name(f".{path.name}.{writer_name()}.tmp")
    with open(tmp, "wb") as f:
        f.writelines(pieces)
    lengths = path.with_name(f"{path.name}.len.npy")
    tmp_len = lengths.with_name(f".{lengths.name}.{writer_name()}.tmp.npy")
    np.save(tmp_len, np.array([len(p) for p in pieces], dtype=np.int64))
    os.replace(tmp_len, lengths)
    os.replace(tmp, path)


def read_stream(path: Path) -> Iterator[bytes]:
    """The pieces :func:`_save_stream` wrote, one at a time (a record's bytes: memory is the largest record)."""
    lengths = np.load(path.with_name(f"{path.name}.len.npy"))
    with open(path, "rb") as f:
        for n in lengths.tolist():
            yield f.read(n)


def remove_stream(path: Path) -> None:
    """Remove what :func:`_save_stream` wrote at ``path``."""
    for p in (path, path.with_name(f"{path.name}.len.npy")):
        p.unlink(missing_ok=True)


def _work_folder_error(lay: Layout, exc: OSError) -> OutputError:
    """The one error line of a work folder that cannot take a task's file (a full disk, most often)."""
    return OutputError(f"cannot write the work folder {lay.root} ({exc.strerror}); free some space there or set TMPDIR to another disk")


def _text_files(target: Target, recs: list[dict[str, Any]]) -> None:
    """Each record's text as its file in the text output's staging folder, as the local writer names and writes it.

    Folders are made below the staging folder, never the staging folder
    itself: a task still running after the driver dropped it (an error, a
    Ctrl-C) fails instead of leaving a new one beside the output.  Two ids
    on one file were refused before the run (``check_file_names``).
    """
    from ..io.formats import os_reason
    from ..io.record_writer import FileNames

    assert target.folder is not None
    names = FileNames(target.path)
    try:
        for rec in recs:
            rel = Path(names.claim(rec[target.fields.id]))
            at = Path(target.folder)
            for part in rel.parts[:-1]:
                at = at / part
                at.mkdir(exist_ok=True)
            with open(at / rel.name, "wb") as f:
                f.write(rec[target.fields.text].encode("utf-8", "surrogatepass"))
    except OSError as exc:
        raise OutputError(f"{target.path}: cannot write ({os_reason(exc)})") from None


def _emit(lay: Layout, stage: str, b: int, target: Target, recs: list[dict[str, Any]]) -> None:
    """Batch ``b``'s records for ``target``: encoded bytes (JSONL, SogouCS), Parquet rows for later, or text files."""
    from ..io.record_writer import STREAM_FORMATS, encode_record

    if target.fmt == "text":
        _text_files(target, recs)
        return
    pieces = [encode_record(r, target.fmt, target.fields, target.path) for r in recs] if target.fmt in STREAM_FORMATS else None  # type: ignore[arg-type]
    try:
        if pieces is not None:
            _save_stream(lay.path(stage, b), pieces)
        else:
            save(lay.path(f"{stage}-rows", b), recs)
    except OSError as exc:
        raise _work_folder_error(lay, exc) from None


def output_part(b: int, lay: Layout, config: CorpusConfig, fields: Fields, spec: OutputSpec) -> dict[str, Any]:
    """Batch ``b`` finished (:func:`finish_part`) and written for each target (see :class:`OutputSpec`); its counts.

    The records and lines are those the CLI's loop gives its writers for each
    document, so the driver only copies or joins them in batch order.
    ``written``: how many output records the batch has.
    """
    docs, stored = finish_counted(b, lay, config, fields)
    written = 0
    if spec.output is not None:
        recs = [r for r in (output_record(d, fields, spec.annotate) for d in docs) if r is not None]
        _emit(lay, "out", b, spec.output, recs)
        written = len(recs)
    if spec.report is not None:
        _emit(lay, "report", b, spec.report, [d.report() for d in docs])
    if spec.review:
        try:
            save(lay.path("review", b), [{k: row.get(k) for k in REVIEW_FIELDS} for row in (d.report() for d in docs)])
        except OSError as exc:
            raise _work_folder_error(lay, exc) from None
    return {
        "documents": len(docs),
        "written": written,
        "kept": sum(d.kept for d in docs),
        "removed": sum(d.boilerplate_removed > 0 for d in docs),
        "oversized": sum(d.note is not None for d in docs),
        "stored": stored,
    }


@dataclass(frozen=True)
class ParquetGroup:
    """Part ``k`` of a Parquet target (``stage``: ``out`` or ``report``): rows ``start:stop`` of each batch in ``slices``.

    ``ends``: the batches whose last row is in this part (their rows file has served once the part is written).
    """

    stage: str
    k: int
    slices: tuple[tuple[int, int, int], ...]
    ends: tuple[int, ...] = ()

    @property
    def rows(self) -> int:
        return sum(stop - start for _, start, stop in self.slices)


def parquet_part(group: ParquetGroup, lay: Layout, spec: OutputSpec) -> str:
    """The Parquet part file of ``group`` (``{stage}-pq/k``): the table the local writer flushes for those rows.

    Rows are cut into parts of :data:`~dedup.io.record_writer.PARQUET_PART_ROWS`
    over the whole output, as the local writer cuts them, and made into a
    table by the same function (:func:`~dedup.io.record_writer.rows_table`,
    or the fixed schema): the driver joins the parts into the one file the
    local engine writes.  A field no Parquet column can hold is the local
    run's one error line.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..io.record_writer import rows_table

    target = spec.output if group.stage == "out" else spec.report
    assert target is not None
    rows = [r for b, start, stop in group.slices for r in load(lay.path(f"{group.stage}-rows", b))[start:stop]]
    table = pa.Table.from_pylist(rows, schema=target.schema) if target.schema is not None else rows_table(rows, target.like, target.fields, target.path)
    path = lay.path(f"{group.stage}-pq", group.k)
    tmp = path.with_name(f".{path.name}.{writer_name()}.tmp")
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _work_folder_error(lay, exc) from None
    return str(path)


class PartCutter:
    """Cuts one Parquet target's rows, batch after batch, into parts of ``part_rows`` rows over the whole output."""

    def __init__(self, stage: str, part_rows: int) -> None:
        self.stage = stage
        self.part_rows = part_rows
        self._slices: list[tuple[int, int, int]] = []
        self._ends: list[int] = []
        self._filled = 0
        self._k = 0

    def add(self, b: int, n: int) -> list[ParquetGroup]:
        """Batch ``b`` has ``n`` rows (batches in order): the parts they complete."""
        done, start = [], 0
        while start < n:
            take = min(n - start, self.part_rows - self._filled)
            self._slices.append((b, start, start + take))
            start += take
            self._filled += take
            if start == n:
                self._ends.append(b)
            if self._filled == self.part_rows:
                done.append(self._cut())
        return done

    def last(self) -> list[ParquetGroup]:
        """The last part (fewer rows), if any rows are left."""
        return [self._cut()] if self._slices else []

    def _cut(self) -> ParquetGroup:
        group = ParquetGroup(self.stage, self._k, tuple(self._slices), tuple(self._ends))
        self._k += 1
        self._slices, self._ends, self._filled = [], [], 0
        return group
