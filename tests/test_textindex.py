"""The indexes that keep the cleaner linear (issue 15) answer exactly as the scans they replace: str.count, the n-gram Counters, the edit filter."""

from __future__ import annotations

from hypothesis import example, given, settings
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
    from dedup.textindex import _gram_keys, _table_hash
    import numpy as np

    fake = _gram_keys(np.frombuffer("zzzzz".encode("utf-32-le"), dtype=np.uint32), 5)[0]
    keys = keys.copy()
    keys[:] = _table_hash(np.array([fake]))[0]  # every position now "hashes" like zzzzz
    counts._tables[5] = (keys, order)
    assert counts.count("zzzzz") == 0


HAN_TEXT = st.lists(st.sampled_from(["陌", "说", "外", "交", "部", "。", "a", "\x00", "^"]), max_size=200).map("".join)


def _plain_and_tabled(document: str):  # type: ignore[no-untyped-def]
    """The document's n-gram index as a short document gets it (Counters) and as a long one does (the table)."""
    import dedup.repair.reading as reading

    old, old_scan = reading.TABLE_ABOVE, reading.SCAN_BELOW
    reading.SCAN_BELOW = -1  # the Counters, not the scan a short document now gets
    try:
        plain = reading.DocumentNgrams(document)
        reading.TABLE_ABOVE = -1
        tabled = reading.DocumentNgrams(document)
    finally:
        reading.TABLE_ABOVE, reading.SCAN_BELOW = old, old_scan
    return plain, tabled


@given(HAN_TEXT, st.lists(st.lists(st.sampled_from(["陌", "说", "外", "交", "部", "a", "^"]), min_size=1, max_size=6).map("".join), max_size=20))
@example("外陌陌说。外陌陌部", ["陌陌"])  # one character before, two after: two contexts
@settings(max_examples=200, deadline=None)
def test_document_ngrams_table_answers_as_counters(document: str, texts: list[str]) -> None:
    """A long document's n-gram counts and contexts come from a table; they equal the Counters' answers."""
    import dedup.repair.reading as reading

    plain, tabled = _plain_and_tabled(document)
    assert plain._table is None and tabled._table is not None
    runs = reading.HAN_RUN.findall(document)
    for text in texts + [r[a : a + n] for r in runs for n in (2, 3, 4) for a in range(len(r) - n + 1)]:
        assert tabled.contexts(text) == plain.contexts(text), text
        assert tabled.count(text) == plain.count(text), text


@given(HAN_TEXT, st.lists(st.lists(st.sampled_from(["陌", "说", "外", "交", "部", "a"]), min_size=1, max_size=5).map("".join), max_size=30))
@settings(max_examples=200, deadline=None)
def test_lexicon_counts_from_the_table_as_from_counters(document: str, words: list[str]) -> None:
    """The lexicon words a long document writes, found through the table, are the Counters' words with their counts."""
    from dedup.lexicon import Lexicon

    lx = Lexicon(words, ["1"] * len(words), ["n"] * len(words))
    plain, tabled = _plain_and_tabled(document)
    for n in range(2, 6):
        assert tabled.lexicon_counts(lx, n) == plain.lexicon_counts(lx, n)


@given(HAN_TEXT, st.lists(st.lists(st.sampled_from(["陌", "说", "外", "交", "部", "a", "\x00"]), min_size=1, max_size=5).map("".join), max_size=30), st.booleans())
@example("外交部说外交部", ["外交部", "交部说", "说外"], True)
@settings(max_examples=200, deadline=None)
def test_lexicon_counts_hashed_as_from_counters(document: str, words: list[str], collide: bool) -> None:
    """A short document's lexicon words, found by hashing its n-grams (no Counter of them all), are the
    Counter's words with their counts; also when every n-gram's hash collides with a word's (``collide``)."""
    import numpy as np

    import dedup.repair.reading as reading
    from dedup.lexicon import Lexicon

    lx = Lexicon(words, ["1"] * len(words), ["n"] * len(words))
    hashed, plain = reading.DocumentNgrams(document), reading.DocumentNgrams(document)
    assert hashed._table is None
    real = reading._lexicon_key_table
    for n in range(1, 6):
        joined = "\x00" + "\x00".join(hashed._runs) + "\x00"
        every = reading._ngram_hashes(np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32), n) if len(joined) >= n else np.zeros(0, np.uint64)
        if collide:  # the key table holds the hash of every n-gram of the document: only the lexicon can tell
            reading._lexicon_key_table = lambda _lx, _n, build=True, keys=np.unique(every): keys  # type: ignore[assignment]
        try:
            found = hashed.lexicon_counts(lx, n)
        finally:
            reading._lexicon_key_table = real  # type: ignore[assignment]
        grams = plain.counter(n)
        assert found == {w: grams[w] for w in lx.known(grams.keys())}, n
        assert n not in hashed._by_length  # no Counter was built


def test_one_small_document_builds_no_key_table_and_a_long_run_does(tmp_path) -> None:
    """The default lexicon's key table (a parse of the whole lexicon when it is not on disk) is built only after a
    process has counted enough Han text with Counters, or when the lexicon's words are on disk already: cleaning
    the sample alone in a fresh cache never builds it; a process past the threshold builds and keeps it; and every
    one finds the same output and vocabulary."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    script = (
        "import json, sys, dedup, dedup.repair.reading as r\n"
        "from dedup.lexicon import lexicon\n"
        "from dedup.repair.dropped import document_vocabulary\n"
        "r.KEY_TABLE_AFTER_HAN = int(sys.argv[2])\n"
        "doc = open(sys.argv[1], encoding='utf-8').read()\n"
        "out = dedup.clean(doc).text\n"
        "r._LAST.clear()\n"
        "v = document_vocabulary(doc, lexicon(), (4, 5))\n"
        "print(json.dumps([out, dict(v.counts)]))\n"
    )
    sample = str(root / "examples" / "seed_zh_press.txt")
    env = {**os.environ, "DEDUP_CACHE_DIR": str(tmp_path), "PYTHONPATH": str(root)}
    results = []
    # a fresh cache, below the threshold: none; past it: built (the words too); the words on disk alone: built
    for after, drop_keys, built in (("10000000000", False, False), ("0", False, True), ("10000000000", True, True)):
        for p in tmp_path.iterdir():
            if drop_keys and p.name.startswith("dedup-lexicon-keys-"):
                p.unlink()
        done = subprocess.run([sys.executable, "-c", script, sample, after], env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        results.append(json.loads(done.stdout))
        names = {p.name for p in tmp_path.iterdir()}
        assert any(n.startswith("dedup-lexicon-keys-") for n in names) == built, names
    assert results[0] == results[1] == results[2] and results[0][1]


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 4), st.sampled_from(["", "x", "yy"])), max_size=12), st.integers(0, 40), st.integers(1, 20))
@settings(max_examples=300, deadline=None)
def test_draft_edits_in_filters_edits(changes: list[tuple[int, int, str]], start: int, width: int) -> None:
    """``Draft.edits_in`` finds by bisection exactly the edits a filter of ``edits()`` finds (insertions at the borders too)."""
    from dedup.draft import Draft

    d = Draft("abcdefghij" * 4)
    for a, n, after in changes:
        try:
            d.replace(a, min(a + n, 40), after, rule="test", reason="test")
        except ValueError:
            pass  # a span cutting into an earlier edit
    end = min(40, start + width)
    want = [e for e in d.edits() if start <= e.span.start and e.span.end <= end]
    assert d.edits_in(start, end) == want


def test_default_lexicon_words_by_length_from_the_disk_cache() -> None:
    """The default lexicon's words of each length (kept on disk) are those of the whole dictionary, and a long
    document finds the same vocabulary through them as through its Counters."""
    from pathlib import Path

    from dedup.lexicon import Lexicon, _package_file, _read_dictionary, lexicon, words_of_length

    full = Lexicon(*_read_dictionary(_package_file("jieba", "dict.txt")))
    for n in (3, 4, 5):
        assert set(words_of_length(n)) == {w for w in full.index if len(w) == n}
    document = (Path(__file__).resolve().parents[1] / "examples" / "seed_zh_press.txt").read_text(encoding="utf-8")
    plain, tabled = _plain_and_tabled(document)
    for n in (3, 4, 5):
        found = tabled.lexicon_counts(lexicon(), n)
        assert found and found == plain.lexicon_counts(lexicon(), n)


@given(HAN_TEXT, st.lists(st.lists(st.sampled_from(["陌", "说", "外", "交", "部"]), min_size=1, max_size=5).map("".join), max_size=20))
@settings(max_examples=100, deadline=None)
def test_word_costs_remembered_per_document_are_the_computed_ones(document: str, words: list[str]) -> None:
    """``word_cost`` with a document remembers each word's frequency and contexts; asked twice, with or without
    a discount, it gives what the formula gives from the lexicon and the document directly."""
    import math

    import dedup.repair.reading as reading
    from dedup.lexicon import Lexicon

    lx = Lexicon(words, [str(7 + i) for i in range(len(words))], ["n"] * len(words))
    doc = reading.DocumentNgrams(document)
    total = math.log(sum(7 + i for i in range(len(words)))) if words else 0.0
    for discount in (None, {w: 1 for w in words[::2]}):
        for w in words + [r[a : a + 2] for r in reading.HAN_RUN.findall(document) for a in range(len(r) - 1)]:
            freq = lx.freq(w)
            if freq > 0 and len(w) > 1:
                seen = doc.contexts(w) - (discount or {}).get(w, 0)
                freq += reading.DOC_WEIGHT * max(seen, 0)
            expected = math.inf if freq <= 0 and len(w) > 1 else total - math.log(max(freq, 1))
            assert reading.word_cost(w, lx, doc, discount) == expected, w


@given(HAN_TEXT, st.lists(st.lists(st.sampled_from(["陌", "说", "外", "交", "部"]), min_size=2, max_size=5).map("".join), max_size=30))
@settings(max_examples=200, deadline=None)
def test_short_forms_found_by_prefix_are_every_substring_match(text: str, shorts: list[str]) -> None:
    """``dropped.shorts_in`` (positions filtered by prefix) finds exactly the short forms that are substrings of the Han runs."""
    from dedup.repair.dropped import GapIndex, shorts_in
    from dedup.lexicon import HAN_RUN

    lengths = tuple(sorted({len(s) for s in shorts}))
    index = GapIndex({s: (("x", 0),) for s in shorts}, lengths, frozenset(s[: lengths[0]] for s in shorts) if lengths else frozenset())
    every = {run[a : a + n] for run in HAN_RUN.findall(text) for n in lengths for a in range(len(run) - n + 1)}
    assert shorts_in(text, index) == every & set(shorts)
