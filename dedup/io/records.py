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
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

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
    if low.endswith(_PARQUET_EXT):
        return "parquet"
    if low.endswith(_JSONL_EXT):
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
    if compress.codec_of_name(path) and (low.endswith(_PARQUET_EXT) or input_format == "text" and not low.endswith(_JSONL_EXT)):
        raise UsageError(f"-o {path}: only JSONL and SogouCS output can be compressed (Parquet compresses inside; text output is a folder)")
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
            raise InputError(f"{where}: cannot copy it to a temporary file in {tempfile.gettempdir()} ({_why(exc)}); free some space there or set TMPDIR to another disk") from None
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


# ---------------------------------------------------------------------------- writers


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
            if self.fmt == "jsonl":
                assert self._file is not None
                self._file.write(self._json_line(rec))
            elif self.fmt == "sogou":
                assert self._file is not None
                self._file.write(_sogou_doc(rec, self.fields).encode("utf-8", "surrogatepass"))
            elif self.fmt == "text":
                self._write_text_file(rec)
            else:
                self._rows.append(rec)
                if len(self._rows) >= 4096:
                    self._flush_parquet()
        except OSError as exc:
            if isinstance(exc, BrokenPipeError):
                raise
            raise OutputError(f"{self.path}: cannot write ({_why(exc)})") from None

    def _json_line(self, rec: dict[str, Any]) -> bytes:
        """One JSONL line; a value JSON has no type for (bytes, Decimal...) is one error naming it."""
        try:
            return orjson.dumps(rec, option=orjson.OPT_APPEND_NEWLINE)
        except TypeError as exc:
            raise OutputError(
                f"{self.path}: record {rec.get(self.fields.id)!r} cannot be written as JSON ({exc}); "
                "write Parquet output (-o OUT.parquet) to keep such fields"
            ) from None

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

    def commit(self) -> None:
        """Finish the file and move it into place."""
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
            raise OutputError(f"{self.path}: cannot write ({_why(exc)})") from None
        except BaseException:
            self.abort()
            raise
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


def _why(exc: OSError) -> str:
    """The reason of an OSError in a few words (pyarrow's carry no ``strerror``)."""
    return exc.strerror or (str(exc).splitlines() or [type(exc).__name__])[0]


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
    if path.lower().endswith(_PARQUET_EXT):
        return RecordWriter(path, "parquet", schema=report_schema())
    return RecordWriter(path, "jsonl")


__all__ = [
    "FORMATS",
    "Fields",
    "FileNames",
    "ReadOptions",
    "RecordWriter",
    "check_file_names",
    "iter_records",
    "open_report",
    "output_format",
    "parquet_schema",
    "read_jsonl",
    "read_parquet",
    "read_sogou",
    "read_text_folder",
    "remove_stale_temporaries",
    "sniff_format",
]
