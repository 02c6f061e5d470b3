"""Compressed and remote files: gzip, bzip2, xz and Zstandard in and out, fsspec URLs in.

Inputs are recognised by their first bytes (a ``.gz`` that is plain text is
read as plain text, gzip data named ``.jsonl`` is decompressed), so standard
input can be compressed too; names only say which format is *inside*
(``wiki.jsonl.gz`` is JSONL, see :func:`strip_suffix`) and which codec an
*output* gets (``-o out.jsonl.zst``).

Reading is streamed and bounded: a decompressed stream is read in chunks,
and :func:`read_limited` never decompresses more than ``limit + 1`` bytes,
so a small file that inflates to terabytes (a "zip bomb") costs no more than
a file of the limit.  A truncated or corrupt stream is one
:class:`~dedup.errors.InputError` line naming the file, whenever it is met.

Codecs: the standard library's ``gzip``, ``bz2`` and ``lzma``; Zstandard
through ``pyarrow`` (already a dependency of corpus mode; its streams read
files of several frames, as ``zstd`` and ``pzstd`` write them).  Writers are
deterministic: gzip headers carry no time and no file name.

URLs (``s3://``, ``gs://``, ``https://``, ``memory://``, ``file://``...) are
opened with ``fsspec`` when it is installed (``pip install 'dedup-text[remote]'``).
"""

from __future__ import annotations

import io
import lzma
import os
import re
import stat
import sys
import zlib
from typing import IO, Any

from ..errors import InputError, UsageError

#: codec of each file-name suffix (the name of an output decides its codec)
SUFFIXES: dict[str, str] = {".gz": "gzip", ".gzip": "gzip", ".bz2": "bz2", ".xz": "xz", ".zst": "zstd", ".zstd": "zstd"}
#: first bytes of each codec's streams (what decides how an input is read)
MAGIC: tuple[tuple[bytes, str], ...] = ((b"\x1f\x8b", "gzip"), (b"BZh", "bz2"), (b"\xfd7zXZ\x00", "xz"), (b"\x28\xb5\x2f\xfd", "zstd"))
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+://")
_CHUNK = 1 << 20


def codec_of_name(path: str | os.PathLike[str]) -> str | None:
    """The codec a file name asks for, from its last suffix (None: not compressed).

    >>> codec_of_name("wiki.jsonl.gz"), codec_of_name("wiki.jsonl")
    ('gzip', None)
    """
    return SUFFIXES.get(os.path.splitext(os.fspath(path))[1].lower())


def strip_suffix(path: str) -> str:
    """``path`` without its compression suffix: the name that says the format inside.

    >>> strip_suffix("news.jsonl.zst")
    'news.jsonl'
    """
    return os.path.splitext(path)[0] if codec_of_name(path) else path


def codec_of_bytes(head: bytes) -> str | None:
    """The codec whose magic number ``head`` starts with (None: not compressed).

    >>> codec_of_bytes(b"\\x1f\\x8b\\x08\\x00"), codec_of_bytes(b'{"id": 1}')
    ('gzip', None)
    """
    for magic, codec in MAGIC:
        if head.startswith(magic):
            return codec
    return None


def is_url(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a URL (``scheme://...``) rather than a local path."""
    return bool(_URL.match(os.fspath(path)))


def _name(path: str) -> str:
    return "standard input" if path == "-" else path


# ---------------------------------------------------------------------------- reading


def open_raw(path: str | os.PathLike[str]) -> IO[bytes]:
    """The bytes of ``path`` as stored: a local file, standard input (``-``) or a URL (fsspec).

    Opening errors are left to the caller (OSError), except what only URLs
    have: fsspec missing, an unknown protocol.
    """
    path = os.fspath(path)
    if path == "-":
        return sys.stdin.buffer
    if not is_url(path):
        return open(path, "rb")
    try:
        import fsspec
    except ImportError:
        raise UsageError(f"{path}: reading URLs needs fsspec (pip install 'dedup-text[remote]')") from None
    try:
        return fsspec.open(path, "rb").open()
    except (ValueError, ImportError) as exc:  # unknown protocol, or its driver not installed
        raise UsageError(f"{path}: cannot open this URL ({str(exc).splitlines()[0]})") from None


def _peek(raw: IO[bytes], n: int) -> tuple[bytes, IO[bytes]]:
    """The first ``n`` bytes of ``raw`` without consuming them (and the stream to read from then)."""
    if hasattr(raw, "peek"):
        return raw.peek(n)[:n], raw
    if raw.seekable():
        pos = raw.tell()
        head = raw.read(n)
        raw.seek(pos)
        return head, raw
    buffered = io.BufferedReader(raw)  # type: ignore[type-var]  # typeshed wants a raw stream; any stream with readinto works
    return buffered.peek(n)[:n], buffered


class _Unclosed(io.RawIOBase):
    """A view of a stream that the codec may close without closing the stream itself."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._s = stream

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self._s.read(len(b))
        b[: len(data)] = data
        return len(data)

    def write(self, b: Any) -> int:
        self._s.write(b)
        return len(b)

    def flush(self) -> None:
        self._s.flush()


def _decompressor(codec: str, raw: IO[bytes]) -> Any:
    """A reader of the decompressed bytes of ``raw`` (which it does not close)."""
    view = _Unclosed(raw)
    if codec == "gzip":
        import gzip

        return gzip.GzipFile(fileobj=view, mode="rb")
    if codec == "bz2":
        import bz2

        return bz2.BZ2File(view, "rb")
    if codec == "xz":
        import lzma

        return lzma.LZMAFile(view, "rb")  # type: ignore[arg-type]  # typeshed says IO[bytes]; gzip and bz2 take the same raw view
    import pyarrow as pa

    return pa.CompressedInputStream(view, "zstd")


class _Decompressed(io.RawIOBase):
    """Decompressed bytes, read in bounded chunks; a corrupt or cut stream is one InputError line."""

    def __init__(self, codec: str, raw: IO[bytes], name: str) -> None:
        self.codec = codec
        self.name = name
        self._raw = raw
        self._stream = _decompressor(codec, raw)

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        try:
            data = self._stream.read(min(len(b), _CHUNK))
        except (OSError, EOFError, ValueError, zlib.error, lzma.LZMAError) as exc:  # pyarrow's are OSError/ValueError
            raise self._error(exc) from None
        b[: len(data)] = data
        return len(data)

    def _error(self, exc: BaseException) -> InputError:
        why = (getattr(exc, "strerror", None) or str(exc) or type(exc).__name__).splitlines()[0]
        return InputError(f"{self.name}: {self.codec} data is truncated or corrupt ({why})")

    def close(self) -> None:
        if not self.closed:
            try:
                self._stream.close()
            except Exception:  # noqa: BLE001 - closing a reader of bad data may complain again
                pass
            if self._raw is not sys.stdin.buffer:
                self._raw.close()
        super().close()


def open_input(path: str | os.PathLike[str]) -> IO[bytes]:
    """The bytes of ``path``, decompressed when its first bytes say it is compressed.

    ``path`` is a file, ``-`` (standard input) or a URL.  The result is a
    buffered binary stream (lines can be iterated); closing it closes the
    file (never standard input).
    """
    path = os.fspath(path)
    raw = open_raw(path)
    try:
        head, raw = _peek(raw, 6)
        codec = codec_of_bytes(head)
        if codec is None:
            return raw
        return io.BufferedReader(_Decompressed(codec, raw, _name(path)), buffer_size=_CHUNK)
    except BaseException:
        if raw is not sys.stdin.buffer:
            raw.close()
        raise


def codec_of_stream(stream: IO[bytes]) -> str | None:
    """The codec an :func:`open_input` stream decompresses (None: read as stored)."""
    raw = getattr(stream, "raw", None)
    return raw.codec if isinstance(raw, _Decompressed) else None


def is_compressed(path: str | os.PathLike[str]) -> bool:
    """Whether the local file ``path`` starts with a codec's magic number (False when it cannot be read)."""
    try:
        with open(path, "rb") as f:
            return codec_of_bytes(f.read(6)) is not None
    except OSError:
        return False


def read_limited(stream: IO[bytes], limit: int) -> bytes | None:
    """At most ``limit`` bytes of ``stream``; None when there are more (only ``limit + 1`` are ever read)."""
    data = stream.read(limit + 1)
    return None if len(data) > limit else data


def decompress_limited(data: bytes, limit: int, name: str = "input") -> tuple[str | None, bytes | None]:
    """``(codec, bytes)``: ``data`` decompressed when it is compressed (else ``(None, data)``).

    The bytes are None when the decompressed data is longer than ``limit``;
    only ``limit + 1`` bytes are ever decompressed.
    """
    codec = codec_of_bytes(data[:6])
    if codec is None:
        return None, data
    with io.BufferedReader(_Decompressed(codec, io.BytesIO(data), name), buffer_size=_CHUNK) as f:
        return codec, read_limited(f, limit)


# ---------------------------------------------------------------------------- writing


class CompressedWriter(io.RawIOBase):
    """Compresses into an open binary file; :meth:`close` finishes the stream, syncs and closes the file.

    ``flush`` and ``fileno`` reach the file, so code written for plain files
    (flush, fsync, close) still leaves a complete, synced file: the codec's
    trailer is written and synced by ``close``.
    """

    def __init__(self, raw: IO[bytes], codec: str) -> None:
        self.codec = codec
        self._raw = raw
        self._stream = _compressor(codec, _Unclosed(raw))

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        self._stream.write(b)
        return len(b)

    def flush(self) -> None:
        if not self._raw.closed:
            self._raw.flush()

    def fileno(self) -> int:
        return self._raw.fileno()

    def close(self) -> None:
        if self.closed:
            return
        try:
            self._stream.close()
            self._raw.flush()
            if stat.S_ISREG(os.fstat(self._raw.fileno()).st_mode):  # a pipe or a device cannot be synced
                os.fsync(self._raw.fileno())
        finally:
            self._raw.close()
            super().close()


def _compressor(codec: str, sink: Any) -> Any:
    """A writer compressing into ``sink``; the same input always gives the same bytes."""
    if codec == "gzip":
        import gzip

        # no time and no file name in the header: the output is a function of the input
        return gzip.GzipFile(filename="", fileobj=sink, mode="wb", compresslevel=6, mtime=0)
    if codec == "bz2":
        import bz2

        return bz2.BZ2File(sink, "wb", compresslevel=9)
    if codec == "xz":
        import lzma

        return lzma.LZMAFile(sink, "wb", preset=6)
    import pyarrow as pa

    return pa.CompressedOutputStream(sink, "zstd")


def wrap_output(raw: IO[bytes], target: str | os.PathLike[str]) -> IO[bytes]:
    """``raw`` (an open binary file: the staged temporary of ``target``), compressing as ``target``'s name says.

    Closing the result finishes the compressed stream, syncs the file and closes it.
    """
    codec = codec_of_name(target)
    return raw if codec is None else io.BufferedWriter(CompressedWriter(raw, codec), buffer_size=_CHUNK)


def open_output(tmp: str | os.PathLike[str], target: str | os.PathLike[str]) -> IO[bytes]:
    """A new binary file at ``tmp`` (the staged temporary of ``target``), compressed as ``target``'s name says."""
    return wrap_output(open(tmp, "wb", buffering=_CHUNK), target)


def compress_for(target: str | os.PathLike[str], data: bytes) -> bytes:
    """``data`` compressed as ``target``'s name says (unchanged when it names no codec)."""
    codec = codec_of_name(target)
    if codec is None:
        return data
    out = io.BytesIO()
    stream = _compressor(codec, _Unclosed(out))
    stream.write(data)
    stream.close()
    return out.getvalue()


__all__ = [
    "MAGIC",
    "SUFFIXES",
    "codec_of_bytes",
    "codec_of_name",
    "codec_of_stream",
    "compress_for",
    "decompress_limited",
    "is_compressed",
    "is_url",
    "open_input",
    "open_output",
    "open_raw",
    "read_limited",
    "strip_suffix",
    "wrap_output",
]
