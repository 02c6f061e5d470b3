"""Corpus records in and out: JSONL, Parquet, folders of text files, SogouCS pseudo-XML.

Readers *stream*: JSONL line by line (orjson), Parquet in record batches
(pyarrow), folders one file at a time (each file's encoding detected on its
own by :func:`dedup.io.read.decode`), SogouCS dumps one ``<doc>`` at a time.
A record is a plain ``dict`` holding at least the id and text fields; any
other fields are carried through to the output untouched.

The writers are in :mod:`dedup.io.record_writer`; their names stay importable
from here for one release (``from dedup.io.records import RecordWriter``).
"""

from __future__ import annotations

import codecs
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from ..errors import InputError, UsageError
from .formats import FORMATS, JSONL_EXT, PARQUET_EXT, SOGOU_EXT, Fields, Format, os_reason  # noqa: F401  (FORMATS, Fields: their dedup.io.records path)
from .read import ReadConfig, decode, input_error

#: warning lines shown per kind of skipped input; the rest are only counted
_WARNINGS_SHOWN = 20


@dataclass
class ReadOptions:
    """How corpus inputs are walked, and what was left out of them (counted while reading).

    ``skipped`` counts by kind: ``special_files`` (FIFOs, devices, sockets,
    broken links: never read, they can block or never end), ``links_out``
    (links leading out of an input folder, without ``follow_links``),
    ``bad_records`` (with ``skip_bad_records``: records that cannot be read).
    Each is also one warning line (the first few of each kind).
    """

    #: read links whose target is outside the input folder, and descend into linked folders
    follow_links: bool = False
    #: skip a record that cannot be read (bad JSON, no text, a binary file...) instead of stopping
    skip_bad_records: bool = False
    #: paths never read as documents: the index, the checkpoint, the outputs
    exclude: tuple[str, ...] = ()
    #: where a warning line goes (default: standard error)
    warn: Callable[[str], None] | None = None
    skipped: dict[str, int] = field(default_factory=dict)

    def note(self, kind: str, message: str) -> None:
        """Count one skipped input of ``kind`` and warn about it (the first few of a kind)."""
        n = self.skipped[kind] = self.skipped.get(kind, 0) + 1
        if n <= _WARNINGS_SHOWN:
            more = f" (further {kind.replace('_', ' ')} are only counted)" if n == _WARNINGS_SHOWN else ""
            (self.warn or _warn)(message + more)

    def bad(self, message: str) -> None:
        """A record that cannot be read: skipped and counted with ``skip_bad_records``, else the error."""
        if not self.skip_bad_records:
            raise InputError(message)
        self.note("bad_records", f"{message}; skipped")


def _warn(message: str) -> None:
    print(f"dedup-text: warning: {message}", file=sys.stderr)


# ---------------------------------------------------------------------------- formats


def sniff_format(path: str) -> Format:
    """The input format of ``path``, from what it is, its extension, then its first bytes.

    >>> sniff_format("corpus.parquet")
    'parquet'
    """
    from . import compress

    if path != "-" and os.path.isdir(path):
        return "text"
    low = compress.strip_suffix(path).lower()  # wiki.jsonl.gz holds JSONL
    if low.endswith(PARQUET_EXT):
        return "parquet"
    if low.endswith(JSONL_EXT):
        return "jsonl"
    if path == "-" or not (compress.is_url(path) or os.path.exists(path)):
        raise UsageError(f"cannot tell the format of {_name(path)}; pass --format jsonl|parquet|text|sogou")
    try:
        with compress.open_input(path) as f:  # the first bytes once decompressed
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
    from . import compress

    low = compress.strip_suffix(path).lower()  # out.jsonl.zst is JSONL, compressed
    if compress.codec_of_name(path) and (low.endswith(PARQUET_EXT) or input_format == "text" and not low.endswith(JSONL_EXT)):
        raise UsageError(f"-o {path}: only JSONL and SogouCS output can be compressed (Parquet compresses inside; text output is a folder)")
    if low.endswith(PARQUET_EXT):
        return "parquet"
    if low.endswith(JSONL_EXT) or path == "-":
        return "jsonl"
    if low.endswith(SOGOU_EXT) and input_format == "sogou":
        return "sogou"
    if input_format == "text" or input_format == "sogou" and not low.endswith(SOGOU_EXT):
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
    options: ReadOptions | None = None,
) -> Iterator[dict[str, Any]]:
    """Every record of every input, in order, each with ``fields.id`` and ``fields.text`` as strings.

    A record without an id gets ``<input name>:<record number>``; a record
    without text is an :class:`InputError` naming where it is (or, with
    ``options.skip_bad_records``, skipped and counted in ``options.skipped``).
    """
    options = options if options is not None else ReadOptions()
    for path in inputs:
        f = sniff_format(path) if fmt == "auto" else fmt
        if f == "jsonl":
            yield from read_jsonl(path, fields, options=options)
        elif f == "parquet":
            yield from read_parquet(path, fields, batch_rows=batch_rows, options=options)
        elif f == "text":
            yield from read_text_folder(path, fields, read, options=options)
        elif f == "sogou":
            yield from read_sogou(path, fields, read)
        else:  # pragma: no cover - argparse limits the choices
            raise UsageError(f"unknown format {f!r}")


def _open_binary(path: str) -> IO[bytes]:
    from .compress import open_input

    try:
        return open_input(path)  # decompressed when compressed; standard input as it is
    except OSError as exc:
        raise input_error(path, exc, directory_hint="use --format text for a folder of text files") from None


def _normalise(rec: Any, fields: Fields, where: str, default_id: str) -> dict[str, Any]:
    """Check one record and make its id and text strings (ids may be numbers in the input)."""
    if not isinstance(rec, dict):
        raise InputError(f"{where}: a record must be a JSON object, got {type(rec).__name__}")
    if fields.text not in rec:
        raise InputError(f"{where}: record has no {fields.text!r} field (choose another with --text-field)")
    text = rec[fields.text]
    if text is None:
        raise InputError(f"{where}: field {fields.text!r} is null, not text")
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


def read_jsonl(path: str, fields: Fields = Fields(), *, options: ReadOptions | None = None) -> Iterator[dict[str, Any]]:
    """Records of a JSONL file (or standard input), one JSON object a line; blank lines skipped.

    A UTF-8 byte-order mark before the first line is allowed (format
    detection accepts it too).
    """
    options = options if options is not None else ReadOptions()
    name = "<stdin>" if path == "-" else path
    stem = "stdin" if path == "-" else os.path.basename(path)
    f = _open_binary(path)
    try:
        for lineno, line in enumerate(f, 1):
            if lineno == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[len(codecs.BOM_UTF8) :]
            if not line.strip():
                continue
            try:
                rec = _normalise(_parse_json_line(line, f"{name}:{lineno}"), fields, f"{name}:{lineno}", f"{stem}:{lineno}")
            except InputError as exc:
                options.bad(str(exc))
                continue
            yield rec
    finally:
        if f is not sys.stdin.buffer:
            f.close()


def _parse_json_line(line: bytes, where: str) -> Any:
    """One JSONL line as a value; the error says whether the line is cut short or not UTF-8."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as bad:
            if not line.endswith(b"\n") and bad.reason == "unexpected end of data":
                raise InputError(f"{where}: last line is truncated (it stops inside a UTF-8 character, without a newline)") from None
            raise InputError(f"{where}: not valid UTF-8 (byte {bad.start}: {line[bad.start:bad.start + 4].hex()}), so not valid JSON") from None
        if not line.endswith(b"\n"):
            # the last line without its newline: the file was most likely cut while being written
            raise InputError(f"{where}: last line is truncated or not valid JSON ({exc.msg}; no newline at its end)") from None
        raise InputError(f"{where}: not valid JSON ({exc.msg})") from None


def read_parquet(path: str, fields: Fields = Fields(), *, batch_rows: int = 4096, options: ReadOptions | None = None) -> Iterator[dict[str, Any]]:
    """Records of a Parquet file, streamed in record batches of ``batch_rows`` rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    options = options if options is not None else ReadOptions()
    tmp = None
    from .compress import is_compressed, is_url

    if path == "-" or is_url(path) or is_compressed(path):
        # Parquet needs a seekable file: spool standard input (a URL, a compressed file) to disk, never to memory
        src = None
        try:
            tmp = tempfile.TemporaryFile()  # noqa: SIM115  (returned to the caller, who closes it)
            src = _open_binary(path)
            shutil.copyfileobj(src, tmp)
            tmp.seek(0)
        except OSError as exc:
            if tmp is not None:
                tmp.close()
            where = "standard input" if path == "-" else path
            raise InputError(f"{where}: cannot copy it to a temporary file in {tempfile.gettempdir()} ({os_reason(exc)}); free some space there or set TMPDIR to another disk") from None
        finally:
            if src is not None and src is not sys.stdin.buffer:
                src.close()
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
        batches = pf.iter_batches(batch_size=batch_rows)
        while True:
            try:
                batch = next(batches)
            except StopIteration:
                break
            except (pa.ArrowException, OSError) as exc:
                raise InputError(f"{_name(path)}: cannot read past row {row} ({str(exc).splitlines()[0]})") from None
            for rec in batch.to_pylist():
                row += 1
                try:
                    rec = _normalise(rec, fields, f"{_name(path)}: row {row}", f"{stem}:{row}")
                except InputError as exc:
                    options.bad(str(exc))
                    continue
                yield rec
    finally:
        if tmp is not None:
            tmp.close()


def parquet_schema(inputs: Iterable[str], fmt: str = "auto") -> Any:
    """The unified Arrow schema of the Parquet files among ``inputs`` (None without any).

    A Parquet output takes its column types from it, and an empty output
    still has its columns.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .compress import is_compressed, is_url

    schemas = []
    for path in inputs:
        if path == "-" or (sniff_format(path) if fmt == "auto" else fmt) != "parquet":
            continue
        if is_url(path) or is_compressed(path):
            continue  # spooled when read; its columns come from the records themselves
        try:
            schemas.append(pq.read_schema(path))
        except (pa.ArrowException, OSError) as exc:
            raise InputError(f"{path}: not a readable Parquet file ({str(exc).splitlines()[0]})") from None
    if not schemas:
        return None
    try:
        return pa.unify_schemas(schemas, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return schemas[0]  # the columns' types are then settled per value, and a clash is one error


def read_text_folder(path: str, fields: Fields = Fields(), read: ReadConfig = ReadConfig(), *, options: ReadOptions | None = None) -> Iterator[dict[str, Any]]:
    """One record per file under ``path`` (sorted, hidden files skipped); id = relative path.

    Each file's encoding is detected on its own (GB18030 beside UTF-8 is
    common).  Only regular files are read: FIFOs, devices and sockets are
    skipped (a FIFO blocks forever, ``/dev/zero`` never ends), and so are
    links out of the folder unless ``options.follow_links`` (a folder of
    documents must not turn ``p.txt -> /etc/passwd`` into output).  A file's
    size is checked before it is read, and no more than ``read.max_bytes``
    + 1 bytes are ever read.  ``options.exclude`` (the index, the checkpoint,
    the outputs) is never read.
    """
    options = options if options is not None else ReadOptions()
    if not os.path.isdir(path):
        if os.path.isfile(path):
            # a single text file is a corpus of one document
            files = [Path(path)]
            root = Path(path).parent
        else:
            raise InputError(f"{path}: no such file or folder")
    else:
        root = Path(path)
        files = sorted(_walk(root, options), key=lambda p: p.relative_to(root).as_posix())
    real_root = os.path.realpath(root)
    for p in files:
        if p != Path(path) and not read.takes(p.relative_to(root).as_posix()):
            continue  # --glob: not one of the files asked for
        rel = p.relative_to(root).as_posix()
        data = _read_document_file(p, real_root, read.max_bytes, options)
        if data is None:
            continue
        try:
            decoded = decode(data, read)
        except InputError as exc:
            options.bad(f"{p}: {exc}")
            continue
        yield {fields.id: rel, fields.text: decoded.text, "encoding": decoded.encoding}


def _inside(path: str, root: str) -> bool:
    """Whether the resolved ``path`` is ``root`` or below it (both already resolved)."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _read_document_file(p: Path, real_root: str, limit: int, options: ReadOptions) -> bytes | None:
    """The bytes of one file of an input folder, or None when it is skipped (see :func:`read_text_folder`)."""
    try:
        if os.path.islink(p):
            target = os.path.realpath(p)
            if not options.follow_links and not _inside(target, real_root):
                options.note("links_out", f"{p}: a link to {target}, outside the input folder; not read (--follow-links reads it)")
                return None
        st = os.stat(p)
    except OSError as exc:
        if os.path.islink(p):
            options.note("special_files", f"{p}: a broken link ({exc.strerror}); skipped")
            return None
        options.bad(f"{p}: cannot read ({exc.strerror})")
        return None
    if not stat.S_ISREG(st.st_mode):
        options.note("special_files", f"{p}: not a regular file ({_file_kind(st.st_mode)}); skipped")
        return None
    if st.st_size > limit:
        options.bad(f"{p}: {st.st_size:,} bytes, above the per-file limit of {limit:,} (raise --max-bytes)")
        return None
    try:
        # O_NONBLOCK: a file swapped for a FIFO after the check above cannot block the open
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK)
        with open(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                options.note("special_files", f"{p}: not a regular file any more; skipped")
                return None
            data = f.read(limit + 1)
    except OSError as exc:
        options.bad(f"{p}: cannot read ({exc.strerror})")
        return None
    if len(data) > limit:
        options.bad(f"{p}: above the per-file limit of {limit:,} bytes (raise --max-bytes)")
        return None
    return data


def _file_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    for test, kind in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return kind
    return "not a file"


def _walk(root: Path, options: ReadOptions) -> Iterator[Path]:
    """Non-hidden files under ``root``, leaving out ``options.exclude`` and (unless following links) linked folders."""
    excluded = {os.path.realpath(x) for x in options.exclude}
    real_root = os.path.realpath(root)
    seen = {real_root}  # folders entered, resolved: a link back up must not loop (--follow-links)

    def unlisted(exc: OSError) -> None:
        # os.walk would skip a folder it cannot list, and its documents with it, without a word
        options.bad(f"{exc.filename}: cannot list the folder ({exc.strerror})")

    for dirpath, dirnames, filenames in os.walk(root, onerror=unlisted, followlinks=options.follow_links):
        keep = []
        for d in dirnames:
            full = os.path.join(dirpath, d)
            real = os.path.realpath(full)
            if d.startswith(".") or real in excluded:
                continue
            if os.path.islink(full):
                if not options.follow_links:
                    if not _inside(real, real_root):
                        options.note("links_out", f"{full}: a link to the folder {real}, outside the input folder; not read (--follow-links reads it)")
                    continue  # a link inside the folder: its files are read where they are
                if real in seen or _inside(real_root, real):
                    continue
            seen.add(real)
            keep.append(d)
        dirnames[:] = keep
        for fn in filenames:
            full = os.path.join(dirpath, fn)
            if not fn.startswith(".") and os.path.realpath(full) not in excluded:
                yield Path(full)


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
    """One ``<doc>`` body as a record.

    ``<content>`` runs to the *last* ``</content>`` of the document: the
    format has no escaping, so a page quoting the tag must not lose its
    rest.  The other fields are read only before ``<content>`` (the same
    pages may quote ``<url>`` too).
    """
    start = body.find("<content>")
    head = body if start < 0 else body[:start]
    got: dict[str, str] = {}
    for key, value in _SOGOU_FIELD.findall(head):
        got.setdefault(key, value)
    content = ""
    if start >= 0:
        end = body.rfind("</content>")
        content = body[start + 9 : end] if end >= start + 9 else body[start + 9 :].removesuffix("\n")
    rid = got.get("docno") or f"{'stdin' if path == '-' else os.path.basename(path)}:{n}"
    return {fields.id: rid, fields.text: content, "url": got.get("url", ""), "title": got.get("contenttitle", "")}


#: the writers' names, which lived here before :mod:`dedup.io.record_writer` (loaded on first use)
_MOVED = ("FileNames", "RecordWriter", "check_file_names", "open_report", "remove_stale_temporaries", "report_schema", "temporary_prefix")


def __getattr__(name: str) -> Any:
    if name not in _MOVED:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(".record_writer", __package__), name)


__all__ = [
    "FORMATS",
    "Fields",
    "ReadOptions",
    "iter_records",
    "output_format",
    "parquet_schema",
    "read_jsonl",
    "read_parquet",
    "read_sogou",
    "read_text_folder",
    "sniff_format",
]
