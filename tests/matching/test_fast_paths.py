"""Issue 15's shortcuts against the plain computations they stand for.

Each speed-up of the single-document cleaner (batched band hashes, a cached
permutation draw, one-thread scoring of few pairs, skipped stages) must give
exactly what the plain way gives; these tests compute both.
"""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dedup.fingerprint.lsh import _band_hashes_numpy
from dedup.fingerprint.minhash import MinHashConfig, permutations

_M64 = (1 << 64) - 1


def _fmix64_int(h: int) -> int:
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & _M64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & _M64
    return h ^ (h >> 33)


def _band_hash_plain(sig: list[int], band: int, rows: int) -> int:
    """One band's hash with Python integers: seed, then fmix64(h ^ value) over its rows."""
    h = (0x9E3779B97F4A7C15 * (band + 1)) & _M64
    for v in sig[band * rows : (band + 1) * rows]:
        h = _fmix64_int(h ^ v)
    return h


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 12), st.integers(1, 6), st.integers(0, 3), st.integers(0, 2**32 - 1), st.integers(0, 8))
def test_band_hashes_numpy_equal_plain_integers(bands, rows, spare, seed, n):
    """All bands at once (numpy) equal the band-by-band definition, also with signature columns left over."""
    sigs = np.random.default_rng(seed).integers(0, 2**32, size=(n, bands * rows + spare), dtype=np.uint64).astype(np.uint32)
    out = np.empty((n, bands), dtype=np.uint64)
    _band_hashes_numpy(sigs, bands, rows, out)
    expected = [[_band_hash_plain(row, b, rows) for b in range(bands)] for row in sigs.tolist()]
    assert out.tolist() == expected


def test_permutations_are_datasketch_draw_and_cannot_be_changed_by_a_caller():
    """The cached draw equals a fresh RandomState draw, and changing a returned array changes nothing later."""
    config = MinHashConfig(num_perm=64, seed=7)
    gen = np.random.RandomState(7)
    a_expected = gen.randint(0, 1 << 31, 64, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b_expected = gen.randint(0, 1 << 32, 64, dtype=np.uint32)
    a, b = permutations(config)
    assert a.tolist() == a_expected.tolist() and b.tolist() == b_expected.tolist()
    a[:] = 0
    b[:] = 0
    a2, b2 = permutations(config)
    assert a2.tolist() == a_expected.tolist() and b2.tolist() == b_expected.tolist()


_WORDS = st.text(alphabet="abcdefgh", min_size=1, max_size=4)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(_WORDS, max_size=12), min_size=1, max_size=4), st.integers(0, 6))
def test_word_symbols_shared_by_batches_equal_fresh_hashes(batches, memo_max):
    """Word keys' symbols from the process-wide memo (also when it empties itself) are blake2b of each word."""
    import dedup.fingerprint.shingle as sh

    saved = sh.WORD_MEMO_MAX
    sh.WORD_MEMO_MAX = memo_max
    try:
        for words in batches:
            keys = [" ".join(words), "推进义务教育优质均衡发展"]
            batch = sh.symbol_batch(keys)
            expected = [sh.word_symbol(w) for w in words] + [ord(c) for c in keys[1]]
            assert batch.sym.tolist() == expected
    finally:
        sh.WORD_MEMO_MAX = saved
        sh._WORD_SYMBOLS.clear()


def _fresh_lexicon():
    """A new lexicon object from the disk cache (its buckets unparsed), not the process's shared one."""
    from dedup.lexicon import lexicon

    return lexicon.__wrapped__()


_REFERENCE_WORDS: list[frozenset[str]] = []


def _every_word() -> frozenset[str]:
    """Every word of the dictionary (one fully parsed lexicon, kept for the module)."""
    if not _REFERENCE_WORDS:
        _REFERENCE_WORDS.append(frozenset(_fresh_lexicon().index))
    return _REFERENCE_WORDS[0]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.text(alphabet="的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严", min_size=2, max_size=4), max_size=40), min_size=1, max_size=5))
def test_known_with_remembered_prefixes_equals_the_whole_dictionary(batches):
    """A lexicon asked batch after batch (buckets parsed as they are needed) knows exactly the dictionary's words."""
    lx = _fresh_lexicon()
    every = _every_word()
    for words in batches:
        assert lx.known(words) == set(words) & every
        assert all((w in lx) == (w in every) for w in words)


_HAN_DOC = st.lists(st.sampled_from(["陌", "说", "外", "交", "部", "。", "a", "\x00", "^", "$"]), max_size=200).map("".join)
_HAN_ASK = st.lists(st.sampled_from(["陌", "说", "外", "交", "部", "a", "^", "\x00"]), min_size=1, max_size=6).map("".join)


@given(_HAN_DOC, st.lists(_HAN_ASK, max_size=20))
@settings(max_examples=200, deadline=None)
def test_short_document_scans_answer_as_counters(document, texts):
    """A short document's counts and contexts, found by scanning its runs, equal the n-gram Counters' answers."""
    import dedup.repair.reading as reading

    scanned = reading.DocumentNgrams(document)
    saved = reading.SCAN_BELOW
    reading.SCAN_BELOW = -1
    try:
        counted = reading.DocumentNgrams(document)
    finally:
        reading.SCAN_BELOW = saved
    assert scanned._scan is not None and counted._scan is None and counted._table is None
    runs = reading.HAN_RUN.findall(document)
    for text in texts + [r[a : a + n] for r in runs for n in (2, 3, 4, 5) for a in range(len(r) - n + 1)]:
        assert scanned.contexts(text) == counted.contexts(text), text
        assert scanned.count(text) == counted.count(text), text


_ZH_TEXT = st.lists(st.sampled_from(["內", "容", "内", "爲", "为", "政", "府", "說", "说", "的", "。", "\n\n", "a"]), max_size=80).map("".join)


@given(_ZH_TEXT)
@example("这是一个內容丰富的说明，我们说了。\n\n我们说的内容。")  # a stray traditional character that is converted
@settings(max_examples=150, deadline=None)
def test_variant_pass_skipped_only_where_it_finds_nothing(document):
    """Skipping the variant pass of a document without traditional characters gives the edits of running it."""
    import dedup.repair as repair
    from dedup.draft import Draft
    from dedup.model import Span, Unit

    def edits(skip_check: bool) -> list:
        draft = Draft(document)
        units, at = [], 0
        for k, part in enumerate(document.split("\n\n")):
            units.append(Unit(k, (k,), Span(at, at + len(part)), "paragraph"))
            at += len(part) + 2
        saved = repair._may_hold_variants
        if not skip_check:
            repair._may_hold_variants = lambda _doc, _config: True
        try:
            repair.repair_units(draft, [u for u in units if u.span.end > u.span.start], repair.RepairConfig())
        finally:
            repair._may_hold_variants = saved
        return [(e.span.as_list(), e.before, e.after, e.rule) for e in draft.edits()]

    assert edits(True) == edits(False)


_SENTENCE_PIECES = st.sampled_from(["一是甲", "。", "！”", "Dr. Smith", " met ", "e.g. ", "3.5", "?q=1", "\n5. Next", ". ", "He left.", "…", "“", " "])


@settings(max_examples=200, deadline=None)
@given(st.lists(_SENTENCE_PIECES, max_size=40).map("".join), st.integers(0, 3))
def test_remembered_sentences_are_the_computed_ones(text, repeat):
    """``segment.sentences`` (remembered for short texts) gives the computed ranges, for short and long texts,
    asked once or again; a caller that changes its list changes nothing the next caller gets."""
    from dedup import segment

    plain = segment.sentences.__wrapped__
    long_text = text * (segment.SENTENCES_MEMO_MAX_CHARS // max(len(text), 1) + 1)
    for t in (text, long_text):
        for _ in range(repeat + 1):
            got = segment.sentences(t)
            assert got == plain(t)
            got.append((-1, -1))
            got.clear()
        assert segment.sentences(t) == plain(t)
