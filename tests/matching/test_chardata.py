"""dedup.chardata is the one home of the CJK/Han tables; the copies left in the cleaner's files must agree
with it until they import it (issue 14)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from dedup import chardata
from dedup.normalize import mojibake, stitch
from dedup.repair import doubled, lexicon


def _matched(pattern: re.Pattern[str]) -> set[int]:
    """Every BMP code point the one-character pattern matches."""
    return {c for c in range(0x10000) if pattern.fullmatch(chr(c))}


def test_han_copies_left_in_the_cleaner_equal_the_table():
    han = {c for lo, hi in chardata.HAN_RANGES for c in range(lo, hi + 1)}
    assert _matched(re.compile(f"[{chardata.HAN_CLASS}]")) == han
    for copy in (re.compile(f"[{doubled._HAN}]"), re.compile(lexicon.HAN_RUN.pattern.removesuffix("+")), mojibake._HAN):
        assert _matched(copy) == han, copy.pattern
    # stitching's table is Han plus kana (scripts written without spaces between words; Hangul has
    # spaces): a meaning of its own, to move into chardata with a name when the cleaner is restructured
    assert _matched(stitch._CJK) == han | set(range(0x3040, 0x3100))


@given(st.integers(0, 0xFFFF))
def test_the_code_point_table_says_what_the_ranges_say(code):
    cls = int(chardata.bmp_classes()[code])
    assert bool(cls & 1) == chr(code).isalpha()
    assert bool(cls & 2) == any(lo <= code <= hi for lo, hi in chardata.CJK_RANGES)
    assert bool(cls & 2) == bool(re.fullmatch(f"[{chardata.CJK_CLASS}]", chr(code)))
