"""Matching keys: what two copies must share to count as the same text.

A key folds away what should not decide a match: compatibility forms and
width (NFKC), case, punctuation, whitespace, leading list markers
(``一是``, ``二、``, ``(一)``, ``1.``, ``第一,``, ``①``) and short speaker tags
(``记者:``).  Keys are for matching only; output text never comes from them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

from .. import tablecache
from ..chardata import is_cjk

_CN_NUM = "一二三四五六七八九十百零〇两"
_MARKER = re.compile(
    r"""^\s*(?:
        [(（][""" + _CN_NUM + r"""\d]{1,4}[)）][、.．]?          # (一)  （3）
      | [""" + _CN_NUM + r"""]{1,4}(?:是|、|[.．](?!\d))      # 一是  二、  三.
      | 第[""" + _CN_NUM + r"""\d]{1,4}[,，、:：]                      # 第一，
      | \d{1,3}(?:[、)）]|[.．](?!\d))                     # 1.  2、  3)
      | [①-⑳⑴-⒇⒈-⒛❶-❿]                                # ①
      | [-*•·▪●○◆■]\s                                      # bullets
      | [a-zA-Z][.)]\s                                      # a) b.
    )\s*""",
    re.VERBOSE,
)
# A speaker or byline tag: a short run without punctuation, then a colon.
_SPEAKER = re.compile(r"^\s*[^\s,，。.!?！？:：;；“”\"'()（）]{1,16}[:：]\s*")


@dataclass(frozen=True)
class KeyConfig:
    """What a matching key ignores."""

    strip_markers: bool = True
    strip_speaker: bool = True


#: list markers only (``九是``, ``３、``), not speaker tags: a speaker-like prefix is content
LIST_MARKERS_ONLY = KeyConfig(strip_speaker=False)


def strip_marker(text: str, config: KeyConfig = KeyConfig()) -> int:
    """Length of the leading list marker / speaker tag of ``text`` (0 if none).

    >>> t = "四是推进义务教育"; t[strip_marker(t):]
    '推进义务教育'
    >>> t = "记者:“双减”工作"; t[strip_marker(t):]
    '“双减”工作'
    >>> strip_marker("1.84亿元")
    0
    """
    n = 0
    if config.strip_speaker:
        m = _SPEAKER.match(text)
        if m:
            n = m.end()
    if config.strip_markers:
        m = _MARKER.match(text, n)
        if m and m.end() < len(text):
            n = m.end()
    return n


#: from this length on, one array operation over the code points beats ``str.translate``
_TABLE_MIN = 256


class _FoldTable(dict):
    """``str.translate`` table: keep letters, digits, marks and symbols; drop the rest.

    Filled lazily, one decision per code point ever seen, so keys cost one
    C-level ``translate`` instead of a Python loop over characters.
    """

    def __init__(self, replacement: str | None) -> None:
        super().__init__()
        self.replacement = replacement

    def __missing__(self, code: int) -> int | str | None:
        cat = unicodedata.category(chr(code))
        keep = cat[0] in "LN" or cat in ("Mn", "Mc") or (cat[0] == "S" and cat != "Sk")
        value = code if keep else self.replacement
        self[code] = value
        return value


_DROP = _FoldTable(None)  # CJK keys: no spaces at all
_TO_SPACE = _FoldTable(" ")  # other keys: words stay apart

_KEEP_BMP: Any = None


def _keep_bmp_bytes() -> bytes:
    """One byte per BMP code point: 1 where the fold tables keep it (65,536 category lookups: ~20 ms, so kept on disk).

    The cache key holds this file's size and mtime: a change to the rule above rebuilds the mask.
    """
    return bytes(_DROP[c] is not None for c in range(0x10000))


def _keep_mask(cp: Any) -> Any:
    """Per code point: does the fold tables keep it (letters, digits, marks, symbols)?"""
    import numpy as np

    global _KEEP_BMP
    if _KEEP_BMP is None:
        _KEEP_BMP = np.frombuffer(tablecache.cached("keep-bmp", (unicodedata.unidata_version, tablecache.files_key([__file__])), _keep_bmp_bytes), dtype=bool)
    if not len(cp) or cp.max() <= 0xFFFF:
        return _KEEP_BMP[cp]  # the common case: one gather, no temporaries
    astral = cp > 0xFFFF
    keep = _KEEP_BMP[np.where(astral, 0, cp)]
    if astral.any():
        idx = np.flatnonzero(astral)
        keep[idx] = [_DROP[int(c)] is not None for c in cp[idx]]
    return keep


#: a character beyond the BMP (the dropped-character patterns cover the BMP only)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_DROP_PATTERNS: dict[bool, re.Pattern[str]] = {}


def _dropped_class() -> str:
    """A regex character class of the BMP code points the fold tables drop (from the cached keep mask)."""
    import numpy as np

    _keep_mask(np.zeros(1, dtype=np.uint32))  # loads the mask
    drop = np.concatenate(([False], ~_KEEP_BMP, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(drop))
    ranges = zip(edges[0::2].tolist(), (edges[1::2] - 1).tolist())
    return "[" + "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges) + "]"


#: characters a process folds with ``str.translate`` before it compiles the regexes (~10-20 ms each,
#: repaid after about this much text): the sample's run never compiles them
REGEX_AFTER_CHARS = 100_000
_translated = [0]


def _translate_first(n: int) -> bool:
    """True while this process has folded less than :data:`REGEX_AFTER_CHARS` characters (counting ``n``)."""
    if _translated[0] >= REGEX_AFTER_CHARS:
        return False
    _translated[0] += n
    return True


def _drop_pattern(runs: bool) -> re.Pattern[str]:
    """The dropped characters of the BMP, one at a time or (``runs``) in runs; compiled once per process."""
    pattern = _DROP_PATTERNS.get(runs)
    if pattern is None:
        pattern = _DROP_PATTERNS[runs] = re.compile(_dropped_class() + ("+" if runs else ""))
    return pattern


def fold(text: str, table: _FoldTable) -> str:
    """``text.translate(table)``; long texts through a numpy mask over their code points.

    ``str.translate`` with a mapping costs a dict lookup per character; a whole
    news page is folded several times faster as one array operation, and a
    shorter BMP text two to four times faster by a regex substitution over
    the same set of characters (sre matches a BMP class with a bitmap).

    >>> fold("推进，义务教育！", _DROP), fold("The cat, sat.", _TO_SPACE)
    ('推进义务教育', 'The cat  sat ')
    """
    if len(text) < _TABLE_MIN:
        if _translate_first(len(text)) or _ASTRAL.search(text) is not None:
            return text.translate(table)
        if table.replacement is None:
            return _drop_pattern(True).sub("", text)
        return _drop_pattern(False).sub(table.replacement, text)
    import numpy as np

    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    keep = _keep_mask(cp)
    out = cp[keep] if table.replacement is None else np.where(keep, cp, np.uint32(ord(table.replacement)))
    return out.astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")


def matching_key(text: str, config: KeyConfig = KeyConfig(), *, marker: bool = True) -> str:
    """The folded form used for comparison.

    CJK text keeps no spaces at all; other text keeps single spaces between
    words, so that word shingles can be taken.

    >>> matching_key("三是推进义务教育优质均衡发展，助力“双减”。")
    '推进义务教育优质均衡发展助力双减'
    >>> matching_key("(2) The  Cat, the hat!")
    'the cat the hat'
    """
    if len(text) <= _MEMO_MAX_CHARS:
        return _matching_key_memo(text, config, marker)
    return _matching_key(text, config, marker)


#: texts up to this long have their keys remembered (the reconstruction asks for the same
#: sentences' keys again and again: 25,818 calls for 5,399 distinct texts on 2,000 paragraphs)
_MEMO_MAX_CHARS = 2_000


@lru_cache(maxsize=1 << 15)
def _matching_key_memo(text: str, config: KeyConfig, marker: bool) -> str:
    """:func:`_matching_key`, remembered for the most recent texts (bounded: ~32 k keys)."""
    return _matching_key(text, config, marker)


def _matching_key(text: str, config: KeyConfig, marker: bool) -> str:
    """The key of :func:`matching_key`, computed."""
    if marker:
        text = text[strip_marker(text, config) :]
    # NFKC is the slow step: skip it when the text already is NFKC (most CJK
    # text once its full-width punctuation has been dropped), and fold again
    # afterwards because NFKC can produce punctuation ("⑴" -> "(1)")
    if not unicodedata.is_normalized("NFKC", text):
        light = fold(text, _TO_SPACE)
        if not unicodedata.is_normalized("NFKC", light):
            light = unicodedata.normalize("NFKC", light)
        text = light
    folded = text.casefold()
    if is_cjk(folded):
        return fold(folded, _DROP)
    return " ".join(fold(folded, _TO_SPACE).split())


def _strip_markers(texts: list[str], config: KeyConfig) -> list[str]:
    """``[t[strip_marker(t, config):] for t in texts]``, without a Python call per text.

    The speaker pattern needs a literal colon, so a text with none skips it
    (an ``in`` scan costs less than a failed ``match`` call).
    """
    speaker = _SPEAKER.match if config.strip_speaker else None
    marker = _MARKER.match if config.strip_markers else None
    out = []
    for t in texts:
        n = 0
        if speaker is not None and (":" in t or "\uff1a" in t):
            m = speaker(t)
            if m:
                n = m.end()
        if marker is not None:
            m = marker(t, n)
            if m and m.end() < len(t):
                n = m.end()
        out.append(t[n:] if n else t)
    return out


#: ``unicodedata.is_normalized("NFKC", text)`` as one C callable (mapped over a batch: no Python frame per text)
_is_nfkc = partial(unicodedata.is_normalized, "NFKC")


def _light_folded(stripped: list[str]) -> tuple[str, Any]:
    """The joined texts, those not yet NFKC with their dropped characters made spaces and then NFKC'd; and the offsets.

    As in :func:`matching_key`.  One join, one encode and one decode for
    the batch; only when NFKC changes some text are the texts joined again.
    """
    import numpy as np

    from .shingle import code_points

    todo = ~np.fromiter(map(_is_nfkc, stripped), dtype=np.bool_, count=len(stripped))
    if not todo.any():
        return _joined_with_offsets(stripped)
    cp, off = code_points(stripped)
    fold_here = _keep_mask(cp) | ~np.repeat(todo, np.diff(off))
    joined = np.where(fold_here, cp, np.uint32(32)).tobytes().decode("utf-32-le", "surrogatepass")
    bounds = off.tolist()
    todo_at = np.flatnonzero(todo).tolist()
    lights = [joined[bounds[i] : bounds[i + 1]] for i in todo_at]
    if all(map(_is_nfkc, lights)):
        return joined, off
    changed = False
    pieces = stripped
    for i, light in zip(todo_at, lights):
        if not unicodedata.is_normalized("NFKC", light):
            if not changed:
                pieces = [joined[a:b] for a, b in zip(bounds, bounds[1:])]
                changed = True
            pieces[i] = unicodedata.normalize("NFKC", light)
    if not changed:
        return joined, off
    return _joined_with_offsets(pieces)


def _joined_with_offsets(texts: list[str]) -> tuple[str, Any]:
    """``"".join(texts)`` and each text's offsets in it."""
    import numpy as np

    off = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)), out=off[1:])
    return "".join(texts), off


def _folded_code_points(joined: str, off: Any) -> tuple[Any, Any]:
    """The code points of each text of ``joined`` (split at ``off``) case-folded, and their offsets.

    Case folding maps each character on its own (no context, unlike
    ``lower``'s final sigma), so folding the joined texts folds each one;
    where no character grew (``ß`` -> ``ss``), every text keeps its length
    and its offsets.  Corpus mode keys ~500 k lines per 100 k documents: one
    call instead of one per line.
    """
    import numpy as np

    from .shingle import code_points

    folded = joined.casefold()
    if len(folded) != len(joined):
        bounds = off.tolist()
        return code_points([joined[a:b].casefold() for a, b in zip(bounds, bounds[1:])])
    return np.frombuffer(folded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32), off


def matching_keys(texts: list[str], config: KeyConfig = KeyConfig(), *, marker: bool = True) -> list[str]:
    """``[matching_key(t) for t in texts]``, with the per-character work done once for the batch.

    Markers, NFKC tests and NFKC stay per text (C string methods); the
    punctuation fold, case folding, the CJK test and the final fold run
    over all texts at once (one joined string, its code points as arrays),
    and each key is a slice of one decoded string.  Corpus mode keys every
    line of every page this way.

    >>> matching_keys(["一是推进义务教育，助力“双减”。", "(2) The  Cat, the hat!", ""])
    ['推进义务教育助力双减', 'the cat the hat', '']
    """
    import numpy as np

    from .shingle import cjk_flags

    if not texts:
        return []
    stripped = _strip_markers(texts, config) if marker else list(texts)
    cp, off = _folded_code_points(*_light_folded(stripped))
    cjk = cjk_flags(cp, off)
    keep = _keep_mask(cp)
    # CJK keys: the kept characters; other keys: dropped characters become spaces
    sel = keep | ~np.repeat(cjk, np.diff(off))
    out = np.where(keep, cp, np.uint32(32))[sel]
    # each key's length: its text's selected characters (a bare reduceat would give empty texts their neighbour's count)
    counts = np.zeros(len(off) - 1, dtype=np.int64)
    nonempty = np.flatnonzero(np.diff(off))
    if len(nonempty):
        counts[nonempty] = np.add.reduceat(sel.view(np.uint8), off[nonempty], dtype=np.int64)
    bounds = [0, *np.cumsum(counts).tolist()]
    joined = out.tobytes().decode("utf-32-le", "surrogatepass")
    if cjk.all():
        return [joined[a:b] for a, b in zip(bounds, bounds[1:])]
    return [joined[a:b] if c else " ".join(joined[a:b].split()) for a, b, c in zip(bounds, bounds[1:], cjk.tolist())]
