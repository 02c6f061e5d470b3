"""Corpus records in and out: JSONL, Parquet, folders of text files, SogouCS pseudo-XML.

Readers *stream*: JSONL line by line (orjson), Parquet in record batches
(pyarrow), folders one file at a time (each file's encoding detected on its
own by :func:`dedup.io.read.decode`), SogouCS dumps one ``<doc>`` at a time.
A record is a plain ``dict`` holding at least the id and text fields; any
other fields are carried through to the output untouched.

Writers never leave a partial file: they write to a temporary file (or
folder) beside the target and rename it into place only in :meth:`commit`;
:meth:`abort` (or an exception inside ``with``) removes the temporary.
"""

from __future__ import annotations

import codecs
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Literal

import orjson

from ..errors import InputError, OutputError, UsageError
from .read import ReadConfig, decode, input_error
from .targets import open_in_place, resolve_target, sync

Format = Literal["jsonl", "parquet", "text", "sogou"]
FORMATS: tuple[str, ...] = ("jsonl", "parquet", "text", "sogou")

_JSONL_EXT = (".jsonl", ".ndjson", ".json", ".jsonl.txt")
_PARQUET_EXT = (".parquet", ".pq")
_SOGOU_EXT = (".dat", ".xml", ".smarty")


@dataclass(frozen=True)
class Fields:
    """Which record fields hold the document id and its text."""

    text: str = "text"
    id: str = "id"


# ---------------------------------------------------------------------------- formats


def sniff_format(path: str) -> Format:
    """The input format of ``path``, from what it is, its extension, then its first bytes.

    >>> sniff_format("corpus.parquet")
    'parquet'
    """
    if path != "-" and os.path.isdir(path):
        return "text"
    low = path.lower()
    if low.endswith(_PARQUET_EXT):
        return "parquet"
    if low.endswith(_JSONL_EXT):
        return "jsonl"
    if path == "-" or not os.path.exists(path):
        raise UsageError(f"cannot tell the format of {_name(path)}; pass --format jsonl|parquet|text|sogou")
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    return _sniff_bytes(head, path)


def _sniff_bytes(head: bytes, path: str) -> Format:
    if head.startswith(b"PAR1"):
        return "parquet"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{"):
        return "jsonl"
    if stripped.startswith((b"<docs", b"<doc>", b"<doc ")):
        return "sogou"
    raise UsageError(f"cannot tell the format of {_name(path)}; pass --format jsonl|parquet|text|sogou")


def output_format(path: str, input_format: Format) -> Format:
    """The output format: from the extension of ``path`` when it names one, else the input's."""
    low = path.lower()
    if low.endswith(_PARQUET_EXT):
        return "parquet"
    if low.endswith(_JSONL_EXT) or path == "-":
        return "jsonl"
    if low.endswith(_SOGOU_EXT) and input_format == "sogou":
        return "sogou"
    if input_format == "text" or input_format == "sogou" and not low.endswith(_SOGOU_EXT):
        return "text" if input_format == "text" else "jsonl"
    return input_format


def _name(path: str) -> str:
    return "standard input" if path == "-" else path


# ---------------------------------------------------------------------------- readers


def iter_records(
    inputs: Iterable[str],
    fmt: str = "auto",
    fields: Fields = Fields(),
    read: ReadConfig = ReadConfig(),
    *,
    batch_rows: int = 4096,
) -> Iterator[dict[str, Any]]:
    """Every record of every input, in order, each with ``fields.id`` and ``fields.text`` as strings.

    A record without an id gets ``<input name>:<record number>``; a record
    without text is an :class:`InputError` naming where it is.
    """
    for path in inputs:
        f = sniff_format(path) if fmt == "auto" else fmt
        if f == "jsonl":
            yield from read_jsonl(path, fields)
        elif f == "parquet":
            yield from read_parquet(path, fields, batch_rows=batch_rows)
        elif f == "text":
            yield from read_text_folder(path, fields, read)
        elif f == "sogou":
            yield from read_sogou(path, fields, read)
        else:  # pragma: no cover - argparse limits the choices
            raise UsageError(f"unknown format {f!r}")


def _open_binary(path: str) -> IO[bytes]:
    if path == "-":
        return sys.stdin.buffer
    try:
        return open(path, "rb")
    except OSError as exc:
        raise input_error(path, exc, directory_hint="use --format text for a folder of text files") from None


def _normalise(rec: Any, fields: Fields, where: str, default_id: str) -> dict[str, Any]:
    """Check one record and make its id and text strings (ids may be numbers in the input)."""
    if not isinstance(rec, dict):
        raise InputError(f"{where}: a record must be a JSON object, got {type(rec).__name__}")
    text = rec.get(fields.text)
    if text is None:
        raise InputError(f"{where}: record has no {fields.text!r} field (choose another with --text-field)")
    if not isinstance(text, str):
        raise InputError(f"{where}: field {fields.text!r} is {type(text).__name__}, not text")
    rid = rec.get(fields.id)
    if rid is None or rid == "":
        rid = default_id
    elif isinstance(rid, bool) or not isinstance(rid, (str, int)):
        raise InputError(f"{where}: field {fields.id!r} must be a string or a whole number")
    rec[fields.id] = str(rid)
    if "\r" in text:
        rec[fields.text] = text.replace("\r\n", "\n").replace("\r", "\n")
    return rec


def read_jsonl(path: str, fields: Fields = Fields()) -> Iterator[dict[str, Any]]:
    """Records of a JSONL file (or standard input), one JSON object a line; blank lines skipped."""
    name = "<stdin>" if path == "-" else path
    stem = "stdin" if path == "-" else os.path.basename(path)
    f = _open_binary(path)
    try:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise InputError(f"{name}:{lineno}: not valid JSON ({exc.msg})") from None
            yield _normalise(rec, fields, f"{name}:{lineno}", f"{stem}:{lineno}")
    finally:
        if f is not sys.stdin.buffer:
            f.close()


def read_parquet(path: str, fields: Fields = Fields(), *, batch_rows: int = 4096) -> Iterator[dict[str, Any]]:
    """Records of a Parquet file, streamed in record batches of ``batch_rows`` rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    tmp = None
    if path == "-":
        # Parquet needs a seekable file: spool standard input to disk, never to memory
        tmp = tempfile.TemporaryFile()
        shutil.copyfileobj(sys.stdin.buffer, tmp)
        tmp.seek(0)
        source: Any = tmp
    else:
        if not os.path.exists(path):
            raise InputError(f"{path}: no such file")
        source = path
    try:
        try:
            pf = pq.ParquetFile(source)
        except (pa.ArrowInvalid, OSError) as exc:
            raise InputError(f"{_name(path)}: not a readable Parquet file ({str(exc).splitlines()[0]})") from None
        names = pf.schema_arrow.names
        if fields.text not in names:
            raise InputError(f"{_name(path)}: no column {fields.text!r} (columns: {', '.join(names)}; choose one with --text-field)")
        stem = "stdin" if path == "-" else os.path.basename(path)
        row = 0
        for batch in pf.iter_batches(batch_size=batch_rows):
            for rec in batch.to_pylist():
                row += 1
                yield _normalise(rec, fields, f"{_name(path)}: row {row}", f"{stem}:{row}")
    finally:
        if tmp is not None:
            tmp.close()


def read_text_folder(path: str, fields: Fields = Fields(), read: ReadConfig = ReadConfig()) -> Iterator[dict[str, Any]]:
    """One record per file under ``path`` (sorted, hidden files skipped); id = relative path.

    Each file's encoding is detected on its own (GB18030 beside UTF-8 is common).
    """
    if not os.path.isdir(path):
        if os.path.isfile(path):
            # a single text file is a corpus of one document
            files = [Path(path)]
            root = Path(path).parent
        else:
            raise InputError(f"{path}: no such file or folder")
    else:
        root = Path(path)
        files = sorted(_walk(root), key=lambda p: p.relative_to(root).as_posix())
    for p in files:
        rel = p.relative_to(root).as_posix()
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise InputError(f"{p}: cannot read ({exc.strerror})") from None
        try:
            decoded = decode(data, read)
        except InputError as exc:
            raise InputError(f"{p}: {exc}") from None
        yield {fields.id: rel, fields.text: decoded.text, "encoding": decoded.encoding}


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for fn in filenames:
            if not fn.startswith("."):
                yield Path(dirpath) / fn


# -- SogouCS pseudo-XML ---------------------------------------------------------------

_SOGOU_FIELD = re.compile(r"<(url|docno|contenttitle|content)>(.*?)</\1>", re.S)


def read_sogou(path: str, fields: Fields = Fields(), read: ReadConfig = ReadConfig()) -> Iterator[dict[str, Any]]:
    """Records of a SogouCS dump: ``<doc>`` blocks with ``<url>``, ``<docno>``, ``<contenttitle>``, ``<content>``.

    The format is pseudo-XML (no escaping: ``&`` and ``<`` appear raw), so it
    is cut on the literal ``<doc>``/``</doc>`` lines, never parsed as XML.  The
    encoding is detected once on the first 1 MiB (cut at a line end), then the
    file is decoded incrementally, one ``<doc>`` at a time.  Record fields:
    id = ``docno``, text = ``content``, plus ``url`` and ``title``.
    """
    f = _open_binary(path)
    try:
        head = f.read(1 << 20)
        cut = head.rfind(b"\n") + 1 if len(head) == 1 << 20 else len(head)
        sample = head[:cut] or head
        try:
            enc = decode(sample, read).encoding
        except InputError as exc:
            raise InputError(f"{_name(path)}: {exc}") from None
        decoder = codecs.getincrementaldecoder(enc)(errors="strict")
        buf = ""
        n = 0
        chunk = head
        while True:
            try:
                buf += decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                raise InputError(f"{_name(path)}: cannot decode as {enc} past the first MiB ({exc.reason})") from None
            buf = buf.replace("\r\n", "\n")
            while True:
                start = buf.find("<doc>")
                end = buf.find("</doc>", start + 5) if start >= 0 else -1
                if end < 0:
                    break
                n += 1
                yield _sogou_record(buf[start + 5 : end], fields, path, n)
                buf = buf[end + 6 :]
            if not chunk:
                break
            chunk = f.read(1 << 20)
        if "<doc>" in buf:
            raise InputError(f"{_name(path)}: record {n + 1} has no closing </doc> (truncated file?)")
    finally:
        if f is not sys.stdin.buffer:
            f.close()


def _sogou_record(body: str, fields: Fields, path: str, n: int) -> dict[str, Any]:
    got = {k: v for k, v in _SOGOU_FIELD.findall(body)}
    rid = got.get("docno") or f"{'stdin' if path == '-' else os.path.basename(path)}:{n}"
    return {fields.id: rid, fields.text: got.get("content", ""), "url": got.get("url", ""), "title": got.get("contenttitle", "")}


# ---------------------------------------------------------------------------- writers


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
        base = "." + os.path.basename(real) + "."
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
    """

    def __init__(self, path: str, fmt: Format, fields: Fields = Fields(), *, schema: Any = None) -> None:
        self.path = path
        self._schema = schema
        self.fmt = fmt
        self.fields = fields
        self.count = 0
        self._target: _AtomicTarget | None = None
        self._file: IO[bytes] | None = None
        self._pq: Any = None
        self._rows: list[dict[str, Any]] = []
        self._names: set[str] = set()
        if path == "-":
            if fmt not in ("jsonl",):
                raise UsageError(f"standard output (-o -) takes JSONL only, not {fmt}")
            self._file = sys.stdout.buffer
            return
        self._target = _AtomicTarget(path, folder=fmt == "text")
        if fmt in ("jsonl", "sogou"):
            self._file = self._target.open()
            if fmt == "sogou":
                self._file.write(b"<docs>\n")

    def __enter__(self) -> "RecordWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:  # type: ignore[no-untyped-def]
        if exc_type is None:
            self.commit()
        else:
            self.abort()

    def write(self, rec: dict[str, Any]) -> None:
        """Add one record (its text field already the text to write)."""
        self.count += 1
        try:
            if self.fmt == "jsonl":
                assert self._file is not None
                self._file.write(orjson.dumps(rec, option=orjson.OPT_APPEND_NEWLINE))
            elif self.fmt == "sogou":
                assert self._file is not None
                self._file.write(_sogou_doc(rec, self.fields).encode("utf-8"))
            elif self.fmt == "text":
                self._write_text_file(rec)
            else:
                self._rows.append(rec)
                if len(self._rows) >= 4096:
                    self._flush_parquet()
        except OSError as exc:
            if isinstance(exc, BrokenPipeError):
                raise
            raise OutputError(f"{self.path}: cannot write ({exc.strerror})") from None

    def _write_text_file(self, rec: dict[str, Any]) -> None:
        assert self._target is not None
        rel = _safe_relpath(rec[self.fields.id])
        target = os.path.join(self._target.tmp, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(rec[self.fields.text].encode("utf-8", "surrogatepass"))

    def _flush_parquet(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self._rows:
            return
        assert self._target is not None
        if self._pq is None:
            schema = self._schema
            if schema is None:
                # columns that are all null so far become strings (ids, duplicate_of...)
                inferred = pa.Table.from_pylist(self._rows).schema
                schema = pa.schema([f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in inferred])
            table = pa.Table.from_pylist(self._rows, schema=schema)
            self._pq = pq.ParquetWriter(self._target.tmp, schema)
        else:
            table = pa.Table.from_pylist(self._rows, schema=self._pq.schema)
        self._pq.write_table(table)
        self._rows = []

    def commit(self) -> None:
        """Finish the file and move it into place."""
        try:
            if self.fmt == "parquet":
                if self._pq is None and not self._rows:
                    import pyarrow as pa
                    import pyarrow.parquet as pq

                    pq.write_table(pa.table({self.fields.id: pa.array([], pa.string()), self.fields.text: pa.array([], pa.string())}), self._target.tmp)  # type: ignore[union-attr]
                self._flush_parquet()
                if self._pq is not None:
                    self._pq.close()
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
            raise OutputError(f"{self.path}: cannot write ({exc.strerror})") from None
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
        if self._target is not None:
            self._target.abort()


def _safe_relpath(rid: str) -> str:
    """A relative path for an id: no absolute paths, no ``..``, no empty parts."""
    parts = [p for p in rid.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    if not parts:
        raise OutputError(f"document id {rid!r} cannot be a file name")
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


def report_schema():  # type: ignore[no-untyped-def]
    """The Parquet schema of a corpus report (JSONL reports have the same fields)."""
    import pyarrow as pa

    return pa.schema(
        [
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
        ]
    )


def open_report(path: str) -> "RecordWriter":
    """A writer for the per-document report: Parquet when ``path`` ends in .parquet, else JSONL."""
    if path.lower().endswith(_PARQUET_EXT):
        return RecordWriter(path, "parquet", schema=report_schema())
    return RecordWriter(path, "jsonl")


__all__ = [
    "FORMATS",
    "Fields",
    "RecordWriter",
    "iter_records",
    "open_report",
    "output_format",
    "read_jsonl",
    "read_parquet",
    "read_sogou",
    "read_text_folder",
    "sniff_format",
]
