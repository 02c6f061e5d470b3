"""Bytes in, text out: byte-order marks, strict UTF-8, then detection.

The decoded text (with newlines normalised to ``\\n``) is the coordinate
system of every span in a report.  Mojibake repair is *not* done here: it is a
per-block edit in :mod:`dedup.normalize.unicode`, so that it is reported like
every other change.
"""

from __future__ import annotations

import codecs
import fnmatch
import os
from dataclasses import dataclass, field

from ..errors import InputError

#: Encodings tried, in this order, when a BOM says nothing and strict UTF-8 fails.
#: GBK and GB2312 are decoded as GB18030, their superset: real GBK files carry
#: GB18030-only bytes (see the SogouCS sample, byte 0xFD at offset 494).
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "big5": "big5hkscs", "ascii": "utf-8"}

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Magic numbers of common binary formats, refused before any decoding attempt
# (gzip, bzip2, xz and Zstandard data are decompressed first: dedup.io.compress).
_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"%PDF-": "PDF document",
    b"PK\x03\x04": "ZIP archive (or docx/xlsx)",
    b"\x7fELF": "ELF executable",
    b"PAR1": "Parquet file (use 'dedup-text corpus')",
}


@dataclass(frozen=True)
class ReadConfig:
    """How bytes become text."""

    #: Force this encoding instead of detecting one (Python codec name).
    encoding: str | None = None
    #: Largest single document read into memory, in bytes (corpus mode streams).
    #: Cleaning costs ~150 bytes of memory and ~30 us per character of
    #: ordinary prose (benchmarks/memory_hostile.py: a 13 MiB messy document
    #: peaks at 672 MB): 32 MiB of Chinese text (~11 M characters) needs about
    #: 1.6 GB.  A larger file is refused from its size, before it is read.
    max_bytes: int = 32 * 1024 * 1024
    #: Largest share of undecodable bytes tolerated in otherwise-UTF-8 input
    #: (each is kept as U+FFFD and listed in the report); above it, detection runs.
    max_bad_utf8_share: float = 0.01


    def takes(self, relpath: str) -> bool:
        """Whether the file at ``relpath`` inside an input folder is read: every file (see :class:`FolderReadConfig`)."""
        return True


@dataclass(frozen=True)
class FolderReadConfig(ReadConfig):
    """:class:`ReadConfig` for corpus mode, plus which files of an input folder are read (``--glob``).

    A subclass, so that single-document reports (which list the reader's
    settings) do not change.
    """

    #: read only the files matching one of these shell patterns (``*.txt``; a pattern
    #: with a ``/`` is matched against the path inside the folder, one without against
    #: the file name).  Empty: every file.
    glob: tuple[str, ...] = ()

    def takes(self, relpath: str) -> bool:
        """Whether the file at ``relpath`` (inside an input folder, ``/``-separated) is read.

        >>> FolderReadConfig(glob=("*.txt",)).takes("news/2024/a.txt"), FolderReadConfig(glob=("*.txt",)).takes("file_information.csv")
        (True, False)
        """
        if not self.glob:
            return True
        name = relpath.rsplit("/", 1)[-1]
        return any(fnmatch.fnmatchcase(relpath if "/" in g else name, g) for g in self.glob)


@dataclass(frozen=True)
class Decoded:
    """Decoded text plus what it took to get it."""

    text: str
    encoding: str
    bom: bool = False
    n_bytes: int = 0
    #: how many CRLF and lone CR line ends were turned into LF
    newlines: dict[str, int] = field(default_factory=dict)
    #: byte runs that could not be decoded: (char offset in text, hex bytes, what was done)
    undecodable: tuple[tuple[int, str, str], ...] = ()
    confidence: float = 1.0


def decode(data: bytes, config: ReadConfig = ReadConfig()) -> Decoded:
    """Decode ``data`` following a BOM, strict UTF-8, then detection.

    >>> decode("双减".encode("gb18030")).text
    '双减'
    >>> decode(b"a\\r\\nb").text
    'a\\nb'
    """
    from .compress import decompress_limited

    codec, inner = decompress_limited(data, config.max_bytes)  # a compressed file in a folder, say
    if inner is None:
        raise InputError(
            f"input is more than {config.max_bytes:,} bytes once decompressed ({codec}), above the single-document limit "
            "(raise --max-bytes, or split it and use 'dedup-text corpus')"
        )
    data = inner
    if len(data) > config.max_bytes:
        raise InputError(
            f"input is {len(data):,} bytes, above the single-document limit of {config.max_bytes:,} "
            "(raise --max-bytes, or split it and use 'dedup-text corpus')"
        )
    if config.encoding:
        try:
            text = data.decode(config.encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot decode input as {config.encoding}: {exc}") from None
        return _finish(text, config.encoding, data, bom=False, confidence=1.0)
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(enc)
            except UnicodeDecodeError as exc:
                raise InputError(f"input starts with a {enc} byte-order mark but is not valid {enc}: {exc.reason} at byte {exc.start + len(bom)}") from None
            return _finish(text, enc, data, bom=True, confidence=1.0)
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise InputError(f"input looks like a {what}, not text")
    utf16 = _sniff_utf16(data)
    if utf16:
        try:
            return _finish(data.decode(utf16), utf16, data, bom=False, confidence=0.9)
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise InputError(f"input contains NUL bytes (first at byte {data.index(0)}): it looks binary, not text")
    try:
        return _finish(data.decode("utf-8"), "utf-8", data, bom=False, confidence=1.0)
    except UnicodeDecodeError:
        pass
    mostly = _decode_mostly_utf8(data, config.max_bad_utf8_share)
    if mostly is not None:
        text, bad = mostly
        return _finish(text, "utf-8", data, bom=False, confidence=0.9, undecodable=bad)
    return _detect(data, config)


def _finish(text: str, encoding: str, data: bytes, *, bom: bool, confidence: float, undecodable: tuple = ()) -> Decoded:
    crlf = text.count("\r\n")
    if crlf:
        text = text.replace("\r\n", "\n")
    cr = text.count("\r")
    if cr:
        text = text.replace("\r", "\n")
    bad = [c for c in ("\x00",) if c in text]
    if bad:
        raise InputError("input decodes to text with NUL characters: it looks binary, not text")
    return Decoded(
        text=text,
        encoding=encoding,
        bom=bom,
        n_bytes=len(data),
        newlines={"crlf": crlf, "cr": cr},
        undecodable=tuple(undecodable),
        confidence=confidence,
    )


def from_text(text: str) -> Decoded:
    """A :class:`Decoded` for text given as a ``str`` (nothing to decode): newlines normalised and NUL
    refused, as for bytes; the encoding says ``"str"``.

    >>> d = from_text("甲\\r\\n乙")
    >>> d.text, d.encoding, d.newlines
    ('甲\\n乙', 'str', {'crlf': 1, 'cr': 0})
    """
    return _finish(text, "str", text.encode("utf-8", "surrogatepass"), bom=False, confidence=1.0)


def _sniff_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: the byte order whose text reads as real text."""
    if len(data) < 4 or len(data) % 2 or b"\x00" not in data:
        return None
    best, best_score = None, 0.0
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data[:20000].decode(enc)
        except UnicodeDecodeError:
            continue
        score = _plausible_share(text)
        if score > best_score:
            best, best_score = enc, score
    return best if best_score >= 0.95 else None


def _plausible_share(text: str) -> float:
    """Share of characters that real text is made of (random bytes decode to rare ones)."""
    if not text:
        return 0.0
    ok = 0
    for c in text:
        o = ord(c)
        if o < 0x80:
            ok += c.isprintable() or c in "\n\r\t"
        elif 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF:
            ok += _encodable(c, "gb2312") or _encodable(c, "big5")
        elif o < 0x0250 or 0x0370 <= o < 0x0530 or 0x3000 <= o < 0x3100 or 0xAC00 <= o < 0xD7A4 or 0xFF00 <= o < 0xFFF0 or 0x2000 <= o < 0x2070:
            ok += c.isprintable()
    return ok / len(text)


def _encodable(c: str, codec: str) -> bool:
    try:
        c.encode(codec)
        return True
    except UnicodeEncodeError:
        return False


def _decode_mostly_utf8(data: bytes, max_share: float, min_bad: int = 1) -> tuple[str, tuple[tuple[int, str, str], ...]] | None:
    """Decode UTF-8 with a few bad byte runs; each run is tried as GB18030, else U+FFFD.

    Returns None when the bad bytes are more than ``max_share`` of the input
    (and more than ``min_bad``): then the input is not UTF-8 at all and
    detection should decide.
    """
    out: list[str] = []
    bad: list[tuple[int, str, str]] = []
    pos = 0
    n_bad = 0
    limit = max(min_bad, int(len(data) * max_share))
    length = 0
    while pos < len(data):
        try:
            chunk = data[pos:].decode("utf-8")
            out.append(chunk)
            break
        except UnicodeDecodeError as exc:
            good = data[pos : pos + exc.start].decode("utf-8")
            out.append(good)
            length += len(good)
            # the bad run ends at the next ASCII byte or valid UTF-8 lead
            start = pos + exc.start
            end = start + 1
            while end < len(data) and data[end] >= 0x80 and not _utf8_ok_at(data, end):
                end += 1
            run = data[start:end]
            n_bad += len(run)
            if n_bad > limit:
                return None
            try:
                fixed = run.decode("gb18030")
                how = "decoded as gb18030"
            except UnicodeDecodeError:
                fixed = "\ufffd" * len(run)
                how = "undecodable: replaced by U+FFFD"
            bad.append((length, run.hex(), how))
            out.append(fixed)
            length += len(fixed)
            pos = end
    return "".join(out), tuple(bad)


def _utf8_ok_at(data: bytes, i: int) -> bool:
    b = data[i]
    n = 2 if 0xC2 <= b <= 0xDF else 3 if 0xE0 <= b <= 0xEF else 4 if 0xF0 <= b <= 0xF4 else 0
    if not n:
        return False
    try:
        data[i : i + n].decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _common_share(text: str, common: str) -> float:
    """Share of non-ASCII characters of ``text`` that the ``common`` codec can encode.

    GB2312 holds the 6,763 everyday simplified characters and Big5 the
    everyday traditional ones: a wrong guess decodes to rare characters.
    """
    wide = [c for c in text if ord(c) > 0x7F]
    if not wide:
        return 1.0
    ok = 0
    for c in wide:
        try:
            c.encode(common)
            ok += 1
        except UnicodeEncodeError:
            pass
    return ok / len(wide)


def _detect(data: bytes, config: ReadConfig = ReadConfig()) -> Decoded:
    # Our users' non-UTF-8 input is overwhelmingly GB18030/GBK, then Big5;
    # statistical detectors misjudge short Chinese texts, so try those first.
    for enc, common in (("gb18030", "gb2312"), ("big5hkscs", "big5")):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _common_share(text[:20000], common) >= 0.97:
            return _finish(text, enc, data, bom=False, confidence=0.95)
    mixed = _decode_mixed_lines(data)
    if mixed is not None:
        text, runs = mixed
        return _finish(text, "utf-8+gb18030", data, bom=False, confidence=0.9, undecodable=runs)
    # A short UTF-8 file with one bad character (a lone surrogate, a cut
    # sequence) is over the 1% share, and no detector can name it: take it
    # as UTF-8 when it holds real multi-byte UTF-8 text, U+FFFD in the report.
    if not data.decode("utf-8", "ignore").isascii():
        lenient = _decode_mostly_utf8(data, config.max_bad_utf8_share, min_bad=16)
        if lenient is not None:
            text, bad = lenient
            return _finish(text, "utf-8", data, bom=False, confidence=0.8, undecodable=bad)
    from charset_normalizer import from_bytes  # lazy: costs ~50 ms at import

    best = from_bytes(data).best()
    if best is None:
        raise InputError("cannot determine the text encoding (not UTF-8, GB18030, Big5 or UTF-16); pass --encoding")
    enc = _SUPERSETS.get(best.encoding.lower().replace("_", ""), best.encoding)
    enc = _SUPERSETS.get(codecs.lookup(enc).name, enc)
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        text = str(best)
        enc = best.encoding
    return _finish(text, enc, data, bom=False, confidence=round(1.0 - float(best.chaos), 3))


def _decode_mixed_lines(data: bytes) -> tuple[str, tuple[tuple[int, str, str], ...]] | None:
    """Text made of UTF-8 lines and GB18030 lines (files concatenated from both).

    Each line is strict UTF-8 or else GB18030; accepted only when both kinds
    occur and the GB18030 lines read as everyday Chinese (a wrong guess
    decodes to rare characters).  Every run of GB18030 lines is listed in
    the report's ``undecodable`` entries, so the choice is visible.

    >>> t, runs = _decode_mixed_lines("双减政策\\n".encode() + "落实到位\\n".encode("gb18030"))
    >>> t, runs[0][0], runs[0][2]
    ('双减政策\\n落实到位\\n', 5, 'lines decoded as gb18030 (the rest is UTF-8)')
    """
    parts: list[str] = []
    runs: list[tuple[int, str, str]] = []
    legacy: list[str] = []
    length = 0
    run_start: int | None = None
    run_bytes = bytearray()
    for line in data.split(b"\n"):
        try:
            text = line.decode("utf-8")
            if not line.isascii():  # blank or ASCII lines do not end a run
                run_start = None
        except UnicodeDecodeError:
            try:
                text = line.decode("gb18030")
            except UnicodeDecodeError:
                return None
            legacy.append(text)
            if run_start is None:
                run_start, run_bytes = length, bytearray()
                runs.append((length, "", ""))
            run_bytes += line + b"\n"  # (ASCII lines inside a run are counted from here on)
            shown = run_bytes[:64].hex() + (f"... ({len(run_bytes):,} bytes)" if len(run_bytes) > 64 else "")
            runs[-1] = (run_start, shown, "lines decoded as gb18030 (the rest is UTF-8)")
        parts.append(text)
        length += len(text) + 1
    if not runs or len(runs) == len(parts) or _common_share("".join(legacy)[:20000], "gb2312") < 0.97:
        return None
    return "\n".join(parts), tuple(runs)


def read_path(path: str | os.PathLike[str], config: ReadConfig = ReadConfig()) -> Decoded:
    """Read and decode a file, standard input for ``"-"``, or a URL (with fsspec).

    Compressed input (gzip, bzip2, xz, Zstandard: see :mod:`dedup.io.compress`)
    is decompressed; ``config.max_bytes`` bounds the decompressed bytes, and
    no more than that plus one are ever decompressed or read.
    """
    from .compress import codec_of_stream, is_compressed, is_url, open_input, read_limited

    name = "standard input" if str(path) == "-" else str(path)
    limit = config.max_bytes
    hint = "(raise --max-bytes, or split it and use 'dedup-text corpus')"
    try:
        if name != "standard input" and not is_url(path) and not is_compressed(path):
            size = os.path.getsize(path)
            if size > limit:
                # refused from its size, before anything is read
                raise InputError(f"{path}: {size:,} bytes, above the single-document limit of {limit:,} {hint}")
        with open_input(path) as f:
            codec = codec_of_stream(f)
            data = read_limited(f, limit)
    except OSError as exc:
        raise input_error(path, exc, directory_hint="use 'dedup-text corpus' for folders") from None
    if data is None:
        what = f"more than {limit:,} bytes once decompressed ({codec})" if codec else f"more than {limit:,} bytes"
        raise InputError(f"{name}: {what}, above the single-document limit {hint}")
    try:
        return decode(data, config)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None


def input_error(path: str | os.PathLike[str], exc: OSError, *, directory_hint: str) -> InputError:
    """The one-line error for an input that cannot be opened or read."""
    if isinstance(exc, FileNotFoundError):
        return InputError(f"{path}: no such file")
    if isinstance(exc, IsADirectoryError):
        return InputError(f"{path}: is a directory ({directory_hint})")
    if isinstance(exc, PermissionError):
        return InputError(f"{path}: permission denied")
    # (errors of fsspec's file systems often carry no strerror)
    why = exc.strerror or (str(exc).splitlines() or [type(exc).__name__])[0]
    return InputError(f"{path}: cannot read ({why})")
