"""Corpus records out: JSONL, Parquet, a folder of text files, SogouCS pseudo-XML, and the report.

Writers never leave a partial file: they write to a temporary file (or
folder) beside the target and rename it into place only in :meth:`commit`;
:meth:`abort` (or an exception inside ``with``) removes the temporary.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

import orjson

from ..errors import OutputError, UsageError
from .formats import PARQUET_EXT, Fields, Format, os_reason
from .targets import open_in_place, resolve_target, sync


def temporary_prefix(path: str) -> str:
    """The name start of this process's temporaries beside ``path``: ``.NAME.dedup-PID-``.

    The pid in the name is what lets a later run tell a leftover of a killed
    run (its pid is gone) from the temporary of a run still going.
    """
    return f".{os.path.basename(os.path.abspath(path))}.dedup-{os.getpid()}-"


def _temporary_name(basename: str) -> re.Pattern[str]:
    """What :func:`temporary_prefix` names look like for the target ``basename`` (group 1: the pid)."""
    return re.compile(rf"\.{re.escape(basename)}\.dedup-(\d+)-\w+(?:\.parts)?\.tmp")


def _pid_alive(pid: int) -> bool:
    """Whether a process ``pid`` exists (ours, or one we may not signal, count as alive)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def remove_stale_temporaries(directory: str | os.PathLike[str], name: re.Pattern[str]) -> list[str]:
    """Remove the entries of ``directory`` that fully match ``name`` and whose pid (group 1) is dead.

    Only this tool's temporaries match (they carry the pid of the run that
    made them); a run killed outright (SIGKILL, the OOM killer, a power cut)
    could not remove its own.  Returns the paths removed; a failure to remove
    one is no error (the next run tries again).
    """
    removed: list[str] = []
    try:
        entries = os.listdir(directory)
    except OSError:
        return removed
    for entry in entries:
        m = name.fullmatch(entry)
        if m is None or _pid_alive(int(m.group(1))):
            continue
        full = os.path.join(directory, entry)
        try:
            if os.path.isdir(full) and not os.path.islink(full):
                shutil.rmtree(full)
            else:
                os.unlink(full)
        except OSError:
            continue
        removed.append(full)
    return removed


class _AtomicTarget:
    """A temporary file or folder beside ``path``, renamed onto it by :meth:`commit`.

    ``path``'s symlinks are resolved (the rename replaces the file a link
    points at, not the link); a device, FIFO or descriptor is written in
    place (``tmp`` is then ``path`` itself, and commit and abort leave it be).
    """

    def __init__(self, path: str, *, folder: bool = False) -> None:
        self.path = path
        self.folder = folder
        target = resolve_target(path)
        self.in_place = target.in_place and not folder
        if self.in_place:
            self.target, self.tmp = target, path
            return
        real = target.real
        directory = os.path.dirname(real)
        if not os.path.isdir(directory):
            raise OutputError(f"{path}: directory {directory} does not exist")
        if folder:
            if os.path.exists(real) and (not os.path.isdir(real) or os.listdir(real)):
                raise OutputError(f"{path}: exists and is not an empty folder (text output is a folder of files)")
        elif os.path.isdir(real):
            raise OutputError(f"{path}: is a directory")
        self.real = real
        remove_stale_temporaries(directory, _temporary_name(os.path.basename(real)))
        base = temporary_prefix(real)
        try:
            if folder:
                self.tmp = tempfile.mkdtemp(prefix=base, suffix=".tmp", dir=directory)
            else:
                fd, self.tmp = tempfile.mkstemp(prefix=base, suffix=".tmp", dir=directory)
                os.close(fd)
        except PermissionError:
            raise OutputError(f"{path}: directory {directory} is not writable") from None
        except OSError as exc:
            raise OutputError(f"{path}: cannot create a file in {directory} ({exc.strerror})") from None

    def open(self) -> IO[bytes]:
        """The binary file to stream into: the temporary file, or the device/FIFO/descriptor itself."""
        if self.in_place:
            return open_in_place(self.target)
        return open(self.tmp, "wb", buffering=1 << 20)

    def commit(self) -> None:
        if self.in_place:
            return
        try:
            if not self.folder:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(self.tmp, 0o666 & ~umask)
            elif os.path.isdir(self.real):
                os.rmdir(self.real)  # empty (checked above): the rename needs it gone
            os.replace(self.tmp, self.real)
        except OSError as exc:
            self.abort()
            raise OutputError(f"{self.path}: cannot write ({exc.strerror})") from None

    def abort(self) -> None:
        if self.in_place:
            return  # never remove what we did not create (/dev/null...)
        try:
            if self.folder:
                shutil.rmtree(self.tmp, ignore_errors=True)
            elif os.path.exists(self.tmp):
                os.unlink(self.tmp)
        except OSError:
            pass


class RecordWriter:
    """Streams records to ``path`` in ``fmt``; nothing appears at ``path`` before :meth:`commit`.

    ``path == "-"`` writes JSONL to standard output as records come (a pipe
    cannot be rolled back).  Use as a context manager: leaving the block by
    an exception aborts, leaving it normally commits.

    Parquet: ``schema`` fixes the columns (the report); otherwise the columns
    are every field of every record, with types unified over all records
    (pyarrow's schema unification: a field absent from the first records, or
    an integer field that later holds a float, is kept), taking their types
    from ``like`` (the input's Parquet schema) where it has them.  Records
    are written in parts of 4,096 rows to a temporary folder and copied into
    one file at :meth:`commit`, once the unified schema is known.
    """

    def __init__(self, path: str, fmt: Format, fields: Fields = Fields(), *, schema: Any = None, like: Any = None) -> None:
        self.path = path
        self._schema = schema
        self._like = like
        self.fmt = fmt
        self.fields = fields
        self.count = 0
        self._target: _AtomicTarget | None = None
        self._file: IO[bytes] | None = None
        self._pq: Any = None
        self._rows: list[dict[str, Any]] = []
        self._parts: list[str] = []
        self._finished = False  # by finish(): written, flushed and synced, not yet in place
        self._parts_dir: str | None = None
        self._names: FileNames | None = None
        if path == "-":
            if fmt not in ("jsonl",):
                raise UsageError(f"standard output (-o -) takes JSONL only, not {fmt}")
            self._file = sys.stdout.buffer
            return
        self._target = _AtomicTarget(path, folder=fmt == "text")
        if fmt == "text":
            self._names = FileNames(path)
        if fmt in ("jsonl", "sogou"):
            from .compress import wrap_output

            self._file = wrap_output(self._target.open(), path)  # compressed as OUT's name says
            if fmt == "sogou":
                self._file.write(b"<docs>\n")

    def __enter__(self) -> RecordWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()

    def write(self, rec: dict[str, Any]) -> None:
        """Add one record (its text field already the text to write)."""
        self.count += 1
        try:
            if self.fmt in STREAM_FORMATS:
                assert self._file is not None
                self._file.write(encode_record(rec, self.fmt, self.fields, self.path))
            elif self.fmt == "text":
                self._write_text_file(rec)
            else:
                self._rows.append(rec)
                if len(self._rows) >= PARQUET_PART_ROWS:
                    self._flush_parquet()
        except OSError as exc:
            if isinstance(exc, BrokenPipeError):
                raise
            raise OutputError(f"{self.path}: cannot write ({os_reason(exc)})") from None

    def write_encoded(self, data: bytes) -> None:
        """Add one record already encoded by :func:`encode_record` for this writer's format (a byte stream).

        (``--engine dask``: the workers encode the records, the driver copies
        them in, one write per record as :meth:`write` makes.)
        """
        if self.fmt not in STREAM_FORMATS:
            raise ValueError(f"{self.fmt} output is not a byte stream of records")
        assert self._file is not None
        self.count += 1
        try:
            self._file.write(data)
        except OSError as exc:
            if isinstance(exc, BrokenPipeError):
                raise
            raise OutputError(f"{self.path}: cannot write ({os_reason(exc)})") from None

    @property
    def staging(self) -> str | None:
        """The temporary file or folder the output goes to until :meth:`commit` (None: standard output).

        (``--engine dask``: the workers write a text output's files straight
        into this folder.)
        """
        return None if self._target is None else self._target.tmp

    @property
    def parquet_schema(self) -> tuple[Any, Any]:
        """``(schema, like)``: the fixed Parquet schema (the report) or None, and the input's schema the columns follow."""
        return self._schema, self._like

    def add_parquet_part(self, part: str, rows: int) -> None:
        """Add ``rows`` records already in the Parquet file ``part``, as :meth:`write` would have flushed them.

        ``part`` holds the next :data:`PARQUET_PART_ROWS` records (fewer for
        the last), as :func:`rows_table` makes them, or the fixed schema's
        table: the file is then the one :meth:`write` gives, byte for byte.
        It is read at :meth:`finish` (one part in memory at a time) and left
        where it is (``--engine dask``: the workers write the parts in the
        run's work folder).
        """
        import pyarrow.parquet as pq

        if self.fmt != "parquet" or self._rows:
            raise ValueError("Parquet parts go to a Parquet writer that holds no rows of its own")
        self.count += rows
        try:
            if self._schema is None:
                self._parts.append(part)
                return
            assert self._target is not None
            if self._pq is None:
                self._pq = pq.ParquetWriter(self._target.tmp, self._schema)
            self._pq.write_table(pq.read_table(part, schema=self._schema))
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot write ({os_reason(exc)})") from None

    def _write_text_file(self, rec: dict[str, Any]) -> None:
        assert self._target is not None and self._names is not None
        rel = self._names.claim(rec[self.fields.id])
        target = os.path.join(self._target.tmp, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(rec[self.fields.text].encode("utf-8", "surrogatepass"))

    def _flush_parquet(self) -> None:
        """Write the rows held so far: to the file (fixed schema) or as one more part."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self._rows:
            return
        assert self._target is not None
        if self._schema is not None:
            if self._pq is None:
                self._pq = pq.ParquetWriter(self._target.tmp, self._schema)
            self._pq.write_table(pa.Table.from_pylist(self._rows, schema=self._schema))
        else:
            table = rows_table(self._rows, self._like, self.fields, self.path)
            if self._parts_dir is None:
                directory = os.path.dirname(os.path.abspath(self.path))
                self._parts_dir = tempfile.mkdtemp(prefix=temporary_prefix(self.path), suffix=".parts.tmp", dir=directory)
            part = os.path.join(self._parts_dir, f"{len(self._parts):08d}.parquet")
            pq.write_table(table, part)
            self._parts.append(part)
        self._rows = []

    def _commit_parquet(self) -> None:
        """The Parquet file: every part, conformed to the schema unified over all of them."""
        import pyarrow.parquet as pq

        assert self._target is not None
        if self._schema is not None:
            self._flush_parquet()
            if self._pq is None:
                pq.write_table(self._schema.empty_table(), self._target.tmp)
            else:
                self._pq.close()
            return
        if not self._parts:
            # everything fits in one part: written once, straight to the file
            table = rows_table(self._rows, self._like, self.fields, self.path) if self._rows else None
            schema = unified_schema([table.schema] if table is not None else [], self._like, self.fields, self.path)
            pq.write_table(conform(table, schema) if table is not None else schema.empty_table(), self._target.tmp)
            self._rows = []
            return
        self._flush_parquet()
        schema = unified_schema([pq.read_schema(p) for p in self._parts], self._like, self.fields, self.path)
        self._pq = pq.ParquetWriter(self._target.tmp, schema)
        for part in self._parts:
            self._pq.write_table(conform(pq.read_table(part), schema))  # one part in memory at a time
        self._pq.close()

    def finish(self) -> None:
        """Write, flush and sync everything, without moving it into place yet (what can fail, fails here).

        A run with several outputs finishes them all before it commits any, so
        that a full disk for the last one leaves none of them in place.
        """
        if self._finished:
            return
        try:
            if self.fmt == "parquet":
                self._commit_parquet()
            if self._file is not None:
                if self.fmt == "sogou":
                    self._file.write(b"</docs>\n")
                self._file.flush()
                if self._file is not sys.stdout.buffer:
                    sync(self._file)
                    self._file.close()
        except OSError as exc:
            if isinstance(exc, BrokenPipeError):
                raise
            self.abort()
            raise OutputError(f"{self.path}: cannot write ({os_reason(exc)})") from None
        except BaseException:
            self.abort()
            raise
        self._finished = True

    def commit(self) -> None:
        """Finish the file (unless :meth:`finish` did) and move it into place."""
        self.finish()
        self._remove_parts()
        if self._target is not None:
            self._target.commit()

    def abort(self) -> None:
        """Drop everything written so far."""
        try:
            if self._pq is not None:
                self._pq.close()
        except Exception:
            pass
        if self._file is not None and self._file is not sys.stdout.buffer:
            try:
                self._file.close()
            except OSError:
                pass
        self._remove_parts()
        if self._target is not None:
            self._target.abort()

    def _remove_parts(self) -> None:
        if self._parts_dir is not None:
            shutil.rmtree(self._parts_dir, ignore_errors=True)
            self._parts_dir = None


#: records per part of a Parquet output (a row group of the file)
PARQUET_PART_ROWS = 4096

#: formats whose file is the concatenation of its records' bytes (:func:`encode_record`)
STREAM_FORMATS = ("jsonl", "sogou")


def encode_record(rec: dict[str, Any], fmt: Format, fields: Fields, path: str) -> bytes:
    """The bytes one record adds to a JSONL or SogouCS file ``path``.

    A value JSON has no type for (bytes, Decimal...) is one error naming it.
    """
    if fmt == "sogou":
        return _sogou_doc(rec, fields).encode("utf-8", "surrogatepass")
    try:
        return orjson.dumps(rec, option=orjson.OPT_APPEND_NEWLINE)
    except TypeError as exc:
        raise OutputError(
            f"{path}: record {rec.get(fields.id)!r} cannot be written as JSON ({exc}); "
            "write Parquet output (-o OUT.parquet) to keep such fields"
        ) from None


# -- Parquet columns ------------------------------------------------------------------


def _column_type(name: str, like: Any, fields: Fields) -> Any:
    """The type ``like`` gives the column ``name`` (None: inferred from the values).

    Ids and texts are strings whatever the input held (ids are made strings
    on reading).
    """
    import pyarrow as pa

    if like is None or like.get_field_index(name) < 0:
        return pa.string() if name in (fields.id, fields.text) else None
    t = like.field(name).type
    if name in (fields.id, fields.text) and not (pa.types.is_string(t) or pa.types.is_large_string(t)):
        return pa.string()
    return t


def rows_table(rows: list[dict[str, Any]], like: Any, fields: Fields, path: str) -> Any:
    """An Arrow table of ``rows``: a column for every field of any row (first seen first), null where absent.

    A field whose values have no common type is one :class:`OutputError`
    naming the field and the first record that differs.
    """
    import pyarrow as pa

    names = list(dict.fromkeys(k for r in rows for k in r))
    columns = []
    for name in names:
        values = [r.get(name) for r in rows]
        try:
            columns.append(pa.array(values, type=_column_type(name, like, fields)))
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError, TypeError, ValueError) as exc:
            raise OutputError(f"{path}: {_type_clash(name, rows, fields, exc)}; Parquet holds one type per column (write JSONL output instead)") from None
    return pa.Table.from_arrays(columns, names=names)


def _type_clash(name: str, rows: list[dict[str, Any]], fields: Fields, exc: Exception) -> str:
    """Which records disagree on the type of field ``name``, in words."""
    first = None
    for r in rows:
        v = r.get(name)
        if v is None:
            continue
        if first is None:
            first = (type(v).__name__, r.get(fields.id))
        elif type(v).__name__ != first[0]:
            return f"field {name!r} is {first[0]} in record {first[1]!r} but {type(v).__name__} in record {r.get(fields.id)!r}"
    return f"field {name!r} cannot be a Parquet column ({str(exc).splitlines()[0]})"


def unified_schema(schemas: list[Any], like: Any, fields: Fields, path: str) -> Any:
    """One schema for all parts (``like``'s fields first); still-null columns become strings."""
    import pyarrow as pa

    base = []
    if like is not None:
        base = [pa.schema([f.with_type(_column_type(f.name, like, fields)) for f in like])]
    elif not schemas:
        base = [pa.schema([(fields.id, pa.string()), (fields.text, pa.string())])]
    try:
        schema = pa.unify_schemas(base + schemas, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise OutputError(f"{path}: a field changes type between records ({str(exc).splitlines()[0]}); Parquet holds one type per column (write JSONL output instead)") from None
    # columns that are all null (ids of duplicates, duplicate_of...) become strings
    return pa.schema([f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in schema], metadata=schema.metadata)  # type: ignore[arg-type]  # pyarrow-stubs: dict[bytes, bytes] is a valid metadata


def conform(table: Any, schema: Any) -> Any:
    """``table`` with ``schema``'s columns in its order (nulls where it has none) and types."""
    import pyarrow as pa

    columns = []
    for f in schema:
        if f.name in table.column_names:
            col = table.column(f.name)
            try:
                columns.append(col if col.type == f.type else col.cast(f.type))
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise OutputError(f"field {f.name!r} cannot become {f.type} ({str(exc).splitlines()[0]})") from None
        else:
            columns.append(pa.nulls(len(table), f.type))
    return pa.Table.from_arrays(columns, schema=schema)


# -- folder output ---------------------------------------------------------------------


class FileNames:
    """The file each document id becomes in a folder output; two ids on one path are refused.

    ``news\\a.txt`` and ``news/a.txt``, or ``./a.txt`` and ``a.txt``, are one
    file: writing both would keep one text and report both kept.  A file
    where another id needs a folder (``a`` and ``a/b``) is refused too.
    """

    def __init__(self, output: str) -> None:
        self.output = output
        self._files: dict[str, str] = {}
        self._dirs: dict[str, str] = {}

    def claim(self, rid: str) -> str:
        """The relative path of ``rid``'s file; an :class:`OutputError` if another id has it."""
        rel = _safe_relpath(rid)
        key = rel.replace(os.sep, "/")
        other = self._files.get(key) or self._dirs.get(key)
        parts = key.split("/")
        for i in range(1, len(parts)):
            other = other or self._files.get("/".join(parts[:i]))
        if other is not None:
            raise OutputError(
                f"{self.output}: document ids {other!r} and {rid!r} are both written to {key} in the output folder; "
                "rename one, or write a file (-o OUT.jsonl)"
            )
        self._files[key] = rid
        for i in range(1, len(parts)):
            self._dirs.setdefault("/".join(parts[:i]), rid)
        return rel


def check_file_names(records: Iterable[dict[str, Any]], fields: Fields, output: str) -> Iterator[dict[str, Any]]:
    """``records`` unchanged, refusing (before any output is written) ids that a folder output cannot hold apart."""
    names = FileNames(output)
    for rec in records:
        names.claim(rec[fields.id])
        yield rec


def _safe_relpath(rid: str) -> str:
    """A relative path for an id: no absolute paths, no ``..``, no empty parts, nothing a file name cannot hold."""
    parts = [p for p in rid.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    if not parts:
        raise OutputError(f"document id {rid!r} cannot be a file name")
    if "\x00" in rid:
        raise OutputError(f"document id {rid!r} holds a NUL character, which no file name can")
    for part in parts:
        try:
            size = len(os.fsencode(part))
        except UnicodeEncodeError:
            raise OutputError(f"document id {rid!r} cannot be a file name (it holds a lone surrogate)") from None
        if size > 255:
            raise OutputError(f"document id {rid!r} cannot be a file name (a part is {size} bytes long, above 255)")
    return os.path.join(*parts)


def _sogou_doc(rec: dict[str, Any], fields: Fields) -> str:
    return (
        "<doc>\n"
        f"<url>{rec.get('url', '')}</url>\n"
        f"<docno>{rec[fields.id]}</docno>\n"
        f"<contenttitle>{rec.get('title', '')}</contenttitle>\n"
        f"<content>{rec[fields.text]}</content>\n"
        "</doc>\n"
    )


def report_schema():
    """The Parquet schema of a corpus report (JSONL reports have the same fields)."""
    import pyarrow as pa

    return pa.schema(
        [  # type: ignore[arg-type]  # pyarrow-stubs join the column types to object
            ("id", pa.string()),
            ("cluster", pa.string()),
            ("duplicate_of", pa.string()),
            ("score", pa.float64()),
            ("match", pa.string()),
            ("cluster_size", pa.int64()),
            ("revised", pa.bool_()),
            ("boilerplate_units", pa.int64()),
            ("boilerplate_removed", pa.int64()),
            ("boilerplate_share", pa.float64()),
            ("chars_in", pa.int64()),
            ("chars_out", pa.int64()),
            ("note", pa.string()),
        ]
    )


def open_report(path: str) -> RecordWriter:
    """A writer for the per-document report: Parquet when ``path`` ends in .parquet, else JSONL."""
    if path.lower().endswith(PARQUET_EXT):
        return RecordWriter(path, "parquet", schema=report_schema())
    return RecordWriter(path, "jsonl")


__all__ = ["PARQUET_PART_ROWS", "STREAM_FORMATS", "FileNames", "RecordWriter", "check_file_names", "encode_record", "open_report", "remove_stale_temporaries", "report_schema", "temporary_prefix"]
