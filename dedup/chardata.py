"""Character facts, in one place: which code points are CJK, which are Han, and the per-code-point table
the batched fingerprint code looks them up in (like ftfy's ``chardata``).

This module imports nothing of the package, so every layer may use it.

Two meanings, kept apart by name:

* **CJK** (:data:`CJK_RANGES`): the scripts written without spaces between words -- Han, kana, Hangul.
  Matching keys and shingles of such text are characters, not words (:func:`is_cjk`).
* **one-character words** (:data:`CHAR_WORD_RANGES`): what a word diff splits into single characters.
* **Han** (:data:`HAN_RANGES`): Chinese characters only (CJK Unified Ideographs, extension A, and the
  compatibility ideographs) -- what a Chinese word, lexicon entry or mojibake test is made of.

>>> HAN_RANGES[:2] == CJK_RANGES[:2]
True
>>> re.fullmatch(f"[{CJK_CLASS}]+", "推进かなㄱ한") is None, re.fullmatch(f"[{CJK_CLASS}]+", "推进かな한") is not None
(True, True)
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

#: Han ideographs: extension A, the unified block, the compatibility block (inclusive ranges)
HAN_RANGES: tuple[tuple[int, int], ...] = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
#: the scripts written without spaces: Han, then kana (hiragana and katakana) and Hangul syllables
CJK_RANGES: tuple[tuple[int, int], ...] = HAN_RANGES + ((0x3040, 0x30FF), (0xAC00, 0xD7AF))

#: characters a word diff shows one at a time (each is a word): CJK radicals, kana, bopomofo, Han (the
#: astral extensions too), Hangul -- wider than :data:`CJK_RANGES`, which decides how a text is keyed
CHAR_WORD_RANGES: tuple[tuple[int, int], ...] = (
    (0x2E80, 0x2FFF),
    (0x3040, 0x30FF),
    (0x3100, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3FFFF),
)


def char_class(ranges: tuple[tuple[int, int], ...]) -> str:
    """The inside of a regex character class matching ``ranges``.

    >>> char_class(((0x4E00, 0x9FFF),)) == "\\u4e00-\\u9fff"
    True
    """
    return "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in ranges)


#: regex class bodies: ``re.compile(f"[{HAN_CLASS}]+")`` is a run of Han characters
HAN_CLASS = char_class(HAN_RANGES)
CJK_CLASS = char_class(CJK_RANGES)
CHAR_WORD_CLASS = char_class(CHAR_WORD_RANGES)

_CJK = re.compile(f"[{CJK_CLASS}]")


@lru_cache(maxsize=1)
def bmp_classes() -> np.ndarray:
    """Per BMP code point: bit 0 = ``str.isalpha``, bit 1 = in :data:`CJK_RANGES` (built once, ~15 ms)."""
    import numpy as np

    table = np.array([chr(i).isalpha() for i in range(0x10000)], dtype=np.uint8)
    for lo, hi in CJK_RANGES:
        table[lo : hi + 1] |= 2
    return table


class _CJKTable(dict):
    """``str.translate`` table that deletes the characters ``_CJK`` matches (filled lazily)."""

    def __missing__(self, code: int) -> int | None:
        value = None if _CJK.match(chr(code)) else code
        self[code] = value
        return value


_DELETE_CJK = _CJKTable()

#: from this length on, one table lookup per character beats two passes of str methods
_TABLE_MIN = 256


#: runs of CJK characters (all in the BMP), and any character beyond the BMP
_CJK_RUN = re.compile(f"[{CJK_CLASS}]+")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_NOT_ALPHA: list[re.Pattern[str]] = []


def _not_alpha_bmp() -> re.Pattern[str]:
    """Runs of BMP code points that are not ``str.isalpha`` (from :func:`bmp_classes`; compiled once)."""
    if not _NOT_ALPHA:
        import numpy as np

        other = np.concatenate(([0], (bmp_classes() & 1) == 0, [0])).astype(np.int8)
        edges = np.flatnonzero(np.diff(other))
        body = "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in zip(edges[0::2].tolist(), (edges[1::2] - 1).tolist()))
        _NOT_ALPHA.append(re.compile(f"[{body}]+"))
    return _NOT_ALPHA[0]


def is_cjk(text: str, threshold: float = 0.3) -> bool:
    """True if CJK characters are at least ``threshold`` of the letters.

    >>> is_cjk("推进教育"), is_cjk("the cat"), is_cjk("日本語abc")
    (True, False, True)
    """
    if not text:
        return False
    quick = _decided_by_share(text, threshold)
    if quick is not None:
        return quick
    if len(text) >= _TABLE_MIN:
        return _is_cjk_table(text, threshold)
    # counted by regex substitutions (sre matches a BMP class with a bitmap): several times
    # faster than a Python-level isalpha per character and a translate lookup per character,
    # once the process has seen enough text to repay compiling the letter class
    regex = _regex_ready(len(text)) and _ASTRAL.search(text) is None
    letters = len(_not_alpha_bmp().sub("", text)) if regex else sum(map(str.isalpha, text))
    if not letters:
        return False
    cjk = len(text) - len(_CJK_RUN.sub("", text))
    return cjk / letters >= threshold


def _decided_by_share(text: str, threshold: float) -> bool | None:
    """:func:`is_cjk`'s answer when the CJK characters' share of the whole text settles it, else None.

    Most texts are wholly Chinese or wholly not: no CJK character is False
    (for a positive threshold), and a share of the whole text at or above the
    threshold is True as soon as the text has a letter (letters are at most
    the whole text, and a correctly rounded division is monotonic).  Either
    costs one regex pass instead of counting the letters.
    """
    if threshold <= 0:
        return None
    if _CJK.search(text) is None:
        return False
    cjk = len(text) - len(_CJK_RUN.sub("", text))
    if cjk / len(text) >= threshold and any(map(str.isalpha, text)):
        return True
    return None


#: characters a process tests one by one before it compiles the letter class (~10-20 ms,
#: repaid after about this much text): the sample's run never compiles it
REGEX_AFTER_CHARS = 100_000
_counted = [0]


def _regex_ready(n: int) -> bool:
    """True once this process has tested :data:`REGEX_AFTER_CHARS` characters in short texts (counting ``n``)."""
    if _NOT_ALPHA:
        return True
    _counted[0] += n
    return _counted[0] > REGEX_AFTER_CHARS


def _is_cjk_reference(text: str, threshold: float = 0.3) -> bool:
    """:func:`is_cjk` character by character (what the fast paths must equal)."""
    letters = sum(map(str.isalpha, text))
    if not text or not letters:
        return False
    cjk = len(text) - len(text.translate(_DELETE_CJK))
    return cjk / letters >= threshold


def _is_cjk_table(text: str, threshold: float) -> bool:
    """:func:`is_cjk` through the code-point class table :func:`bmp_classes` (same rule, same result)."""
    import numpy as np

    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    astral = cp > 0xFFFF
    cls = bmp_classes()[np.where(astral, 0, cp)]
    letters = int(np.count_nonzero(cls & 1))
    if astral.any():
        # beyond the BMP: letters looked up one by one (no CJK range of ours lies there)
        letters += sum(1 for c in cp[astral].tolist() if chr(c).isalpha()) - int(np.count_nonzero(cls[astral] & 1))
    if not letters:
        return False
    return int(np.count_nonzero(cls & 2)) / letters >= threshold
