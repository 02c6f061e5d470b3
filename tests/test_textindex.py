"""dedup.textindex.SubstringCounts answers exactly as str.count, on the indexed path too."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.textindex import SubstringCounts

# few letters, so that needles occur, overlap (哈哈哈) and share prefixes; a surrogate and a
# character beyond the BMP, which the table must read as one code point each
ALPHABET = st.sampled_from(["哈", "a", "b", "\x00", " ", "保", "障", "\ud800", "😀"])
TEXT = st.lists(ALPHABET, max_size=300).map("".join)


@given(TEXT, st.lists(st.lists(ALPHABET, min_size=0, max_size=9).map("".join), min_size=1, max_size=30))
@settings(max_examples=300, deadline=None)
def test_counts_equal_str_count(text: str, needles: list[str]) -> None:
    """Every answer, from the table or not, is ``text.count(needle)`` (non-overlapping, left to right)."""
    indexed = SubstringCounts(text, scan_first=0, min_indexed=0)
    scanned = SubstringCounts(text)
    for needle in needles + [text[i : i + 5] for i in range(0, len(text), 7)]:
        assert indexed.count(needle) == text.count(needle), needle
        assert scanned.count(needle) == text.count(needle), needle


@given(st.integers(1, 40), st.integers(2, 6))
def test_overlapping_runs_count_like_str_count(run: int, m: int) -> None:
    """A run of one character holds ``run - m + 1`` overlapping grams but ``run // m`` counted ones."""
    text = "x" + "哈" * run + "y"
    assert SubstringCounts(text, scan_first=0, min_indexed=0).count("哈" * m) == run // m


def test_hash_collisions_are_checked() -> None:
    """Long needles are found through a hash; a needle absent from the text counts 0 even if its hash is there."""
    counts = SubstringCounts("abcdefgh" * 10, scan_first=0, min_indexed=0)
    counts._table(5)  # build the table, then plant a colliding key for a needle that is not in the text
    keys, order = counts._tables[5]
    from dedup.textindex import _gram_keys
    import numpy as np

    fake = _gram_keys(np.frombuffer("zzzzz".encode("utf-32-le"), dtype=np.uint32), 5)[0]
    keys = keys.copy()
    keys[:] = fake  # every position now "hashes" like zzzzz
    counts._tables[5] = (keys, order)
    assert counts.count("zzzzz") == 0
