"""Messy text with known truth, for tests, benchmarks and your own property tests.

Everything here is seeded and deterministic: the same seed gives the same
text on every machine.  Clean source text comes either from your own file
(:func:`load_paragraphs`, one paragraph per line) or from
:func:`synthetic_paragraphs`, which strings together words of jieba's
dictionary (so the generator ships no corpus of its own).

* :func:`make_messy_document` corrupts paragraphs the way our sample is
  corrupted: blocks repeated 2-4 times, copies renumbered (``四是`` → ``三是``),
  one-character variants, truncated copies, a copy that goes on differently,
  paragraphs cut mid-sentence across a blank line, unrelated fragments at the
  end.  The truth says which block copies which paragraph and what a perfect
  cleaner would print.
* :func:`make_corpus` builds a corpus of documents with exact and near
  duplicates and boilerplate lines; the truth maps every id to its cluster.
* :func:`make_damaged_document` plants every failure class of issue 13
  (:data:`DAMAGE_CLASSES`) in Chinese or English paragraphs: repeat passes,
  cuts after ``（《“「`` and inside numbers and Latin words, typos, renumbered,
  truncated, extended, merged, dropped and swapped copies, completion,
  speaker tags, doubled and traditional characters, capitals, line breaks,
  abbreviations, fragments.  Its :class:`DocumentTruth` gives the canonical
  paragraphs, the sentences that must survive, the near-duplicate pairs of
  the truth itself and every planted corruption; :func:`measure` scores a
  cleaner's output against it (sentences lost, near-duplicates left, CER).
  :func:`damaged_set` builds whole sets from ../shared/data/external
  (:func:`wiki_zh_paragraphs`, :func:`sogou_pages`, :func:`clough_texts`) or
  from :func:`synthetic_english_paragraphs` / :func:`synthetic_paragraphs`.
* :func:`messy_documents`, :func:`damaged_documents` and :func:`corpora` are
  hypothesis strategies.

>>> doc = make_messy_document(synthetic_paragraphs(7, 5), seed=7)
>>> doc.text.count("\\n\\n") > 5 and len(doc.truth.paragraphs) == 5
True
"""

from __future__ import annotations

import importlib.util
import os
import random
import re as _re
import unicodedata as _unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:
    from pathlib import Path

_ORDINALS = "一二三四五六七八九十"
_COMMON = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处府理世保制"


@lru_cache(maxsize=1)
def _dictionary_words() -> tuple[tuple[str, ...], tuple[float, ...]]:
    """(words, cumulative weights) from jieba's dict.txt: 2-4 character words, most frequent first."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("jieba is not installed; pass your own paragraphs instead")
    path = os.path.join(list(spec.submodule_search_locations)[0], "dict.txt")
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and 2 <= len(parts[0]) <= 4 and parts[1].isdigit():
                w = parts[0]
                if all("\u4e00" <= c <= "\u9fff" for c in w):
                    rows.append((int(parts[1]), w))
    rows.sort(key=lambda r: (-r[0], r[1]))
    rows = rows[:30000]
    cum, total = [], 0.0
    for c, _ in rows:
        total += float(c) ** 0.5  # flatten the Zipf curve a little: fewer 的的的
        cum.append(total)
    return tuple(w for _, w in rows), tuple(cum)


def _sentence(rng: random.Random, words: Sequence[str], cum_weights: Sequence[float]) -> str:
    clauses = []
    for _ in range(rng.randint(1, 3)):
        clauses.append("".join(rng.choices(words, cum_weights=cum_weights, k=rng.randint(3, 8))))
    return "，".join(clauses) + "。"


def synthetic_paragraphs(seed: int, n: int, *, min_chars: int = 40, max_chars: int = 300) -> list[str]:
    """``n`` distinct clean Chinese paragraphs of ``min_chars``-``max_chars`` characters.

    >>> ps = synthetic_paragraphs(1, 3)
    >>> len(ps), all(p.endswith("。") for p in ps)
    (3, True)
    """
    words, weights = _dictionary_words()
    rng = random.Random(seed)
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        target = rng.randint(min_chars, max_chars)
        p = ""
        while len(p) < target:
            p += _sentence(rng, words, weights)
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def synthetic_sentences(seed: int, n: int) -> list[str]:
    """Up to ``n`` distinct one-sentence paragraphs (20-40 characters, ending in 。): a news stream.

    Corpus tests build documents out of them (chains, templates) and check sentence by sentence.

    >>> s = synthetic_sentences(7, 5)
    >>> len(s) == len(set(s)) == 5 and all(x.endswith("。") for x in s)
    True
    """
    out: list[str] = []
    for p in synthetic_paragraphs(seed, n * 2, min_chars=20, max_chars=40):
        s = p.rstrip("。！？") + "。"
        if s not in out:
            out.append(s)
        if len(out) == n:
            break
    return out


def external_data_dir(start: str | os.PathLike[str] | None = None) -> "Path":
    """Where evaluation data lives: ``$DEDUP_EXTERNAL_DATA``, else ``shared/data/external``
    in the first folder at or above ``start`` (default: this checkout) that has one.

    The data is used by tests and benchmarks, never shipped in the package.
    """
    from pathlib import Path

    env = os.environ.get("DEDUP_EXTERNAL_DATA")
    if env:
        if not Path(env).is_dir():
            raise FileNotFoundError(f"DEDUP_EXTERNAL_DATA={env} is not a folder")
        return Path(env)
    here = Path(start) if start is not None else Path(__file__).resolve().parent.parent
    for base in (here, *here.parents):
        cand = base / "shared" / "data" / "external"
        if cand.is_dir():
            return cand
    raise FileNotFoundError("../shared/data/external not found; set DEDUP_EXTERNAL_DATA")


def load_paragraphs(path: str | os.PathLike[str], *, min_chars: int = 20) -> list[str]:
    """Clean paragraphs from a UTF-8 file, one per line; short lines (headings) are skipped."""
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f if len(line.strip()) >= min_chars]


@dataclass(frozen=True)
class Truth:
    """What a perfect cleaner knows about a messy document."""

    #: the clean paragraphs in first-occurrence order (with their first list marker)
    paragraphs: tuple[str, ...]
    #: the output a perfect cleaner prints (paragraphs plus new content where it first appears)
    expected_text: str
    #: for every blank-line block of the messy text: index of the paragraph it copies (-1: new content only)
    block_source: tuple[int, ...]
    #: for every block: "first", "copy", "renumbered", "variant", "truncated", "continued", "cut-head", "cut-tail", "fragment"
    block_kind: tuple[str, ...]
    #: sentences that only a continued copy carries (must appear exactly once)
    new_sentences: tuple[str, ...] = ()
    #: (messy block index of the head, of the tail) of every paragraph cut mid-sentence
    cuts: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class MessyDocument:
    text: str
    truth: Truth


def _variant(rng: random.Random, text: str) -> str:
    """One character replaced by another common character (a typo)."""
    idx = [i for i, c in enumerate(text) if "\u4e00" <= c <= "\u9fff"]
    if not idx:
        return text
    i = rng.choice(idx)
    c = rng.choice([x for x in _COMMON if x != text[i]])
    return text[:i] + c + text[i + 1 :]


def _cut_point(rng: random.Random, text: str) -> int | None:
    """A point inside a sentence, between two CJK characters, away from the ends."""
    lo, hi = max(8, len(text) // 4), len(text) - 6
    cands = [i for i in range(lo, hi) if "\u4e00" <= text[i - 1] <= "\u9fff" and "\u4e00" <= text[i] <= "\u9fff"]
    return rng.choice(cands) if cands else None


def make_messy_document(
    paragraphs: Sequence[str],
    seed: int,
    *,
    markers: bool = True,
    repeat_passes: tuple[int, int] = (1, 3),
    renumber_prob: float = 0.5,
    variant_prob: float = 0.2,
    truncate_prob: float = 0.1,
    continue_prob: float = 0.1,
    cut_prob: float = 0.3,
    fragments: int = 2,
    fragment_paragraphs: Sequence[str] | None = None,
    max_variants: int = 1,
) -> MessyDocument:
    """Corrupt clean ``paragraphs`` the way the sample is corrupted; see the module docstring.

    The first pass prints every paragraph once, in order (with ordinals
    ``一是``, ``二是``… when ``markers``); then 1-3 passes repeat runs of them
    with damage (up to ``max_variants`` typos in a damaged copy); last come
    ``fragments`` unrelated paragraphs.  Copies carry
    the damage (typos, truncation), first occurrences are clean, so the
    expected output is known exactly.
    """
    rng = random.Random(seed)
    n = len(paragraphs)
    marked = [(_ORDINALS[i % 10] + "是" if markers else "") + p for i, p in enumerate(paragraphs)]
    blocks: list[tuple[str, int, str]] = []  # (text, source, kind)
    expected: list[str] = []
    new_sentences: list[str] = []
    for i in range(n):
        blocks.append((marked[i], i, "first"))
        expected.append(marked[i])
    passes = rng.randint(*repeat_passes) if n else 0
    extra_pool = list(fragment_paragraphs or synthetic_paragraphs(seed + 104729, fragments + passes * n + 1, min_chars=30, max_chars=120))
    for _ in range(passes):
        a = rng.randrange(n)
        b = rng.randint(a + 1, n)
        for k, i in enumerate(range(a, b)):
            body = paragraphs[i]
            marker = (_ORDINALS[(k + rng.randint(0, 3)) % 10] + "是") if markers and rng.random() < renumber_prob else (marked[i][: len(marked[i]) - len(body)])
            kind = "renumbered" if marker != marked[i][: len(marked[i]) - len(body)] else "copy"
            r = rng.random()
            if r < variant_prob:
                for _v in range(rng.randint(1, max_variants)):
                    body = _variant(rng, body)
                kind = "variant"
            elif r < variant_prob + truncate_prob:
                cut = _cut_point(rng, body)
                if cut is not None and cut > len(body) // 2:
                    body, kind = body[:cut], "truncated"
            elif r < variant_prob + truncate_prob + continue_prob and extra_pool and body.endswith("。"):
                extra = extra_pool.pop()
                sentence = extra.split("。")[0] + "。"
                if sentence not in new_sentences and len(sentence) > 12:
                    body, kind = body + sentence, "continued"
                    new_sentences.append(sentence)
                    expected.append(sentence)
            blocks.append((marker + body, i, kind))
    frag_start = len(blocks)
    for _ in range(fragments):
        if extra_pool:
            f = extra_pool.pop()
            blocks.append((f, -1, "fragment"))
            expected.append(f)
    # cut some paragraphs mid-sentence: only ones with an uncut copy elsewhere (the evidence a reader has)
    counts: dict[int, int] = {}
    for _, s, _k in blocks:
        counts[s] = counts.get(s, 0) + 1
    out_blocks: list[tuple[str, int, str]] = []
    cuts: list[tuple[int, int]] = []
    for idx, (t, s, kind) in enumerate(blocks):
        if s >= 0 and idx < frag_start and counts[s] >= 2 and kind in ("first", "copy", "renumbered") and rng.random() < cut_prob:
            cp = _cut_point(rng, t)
            if cp is not None:
                cuts.append((len(out_blocks), len(out_blocks) + 1))
                out_blocks.append((t[:cp], s, "cut-head"))
                out_blocks.append((t[cp:], s, "cut-tail"))
                counts[s] -= 1  # this copy no longer attests the junction
                continue
        out_blocks.append((t, s, kind))
    text = "\n\n".join(t for t, _, _ in out_blocks) + "\n"
    truth = Truth(
        paragraphs=tuple(marked),
        expected_text="\n\n".join(expected) + "\n",
        block_source=tuple(s for _, s, _ in out_blocks),
        block_kind=tuple(k for _, _, k in out_blocks),
        new_sentences=tuple(new_sentences),
        cuts=tuple(cuts),
    )
    return MessyDocument(text, truth)


@dataclass(frozen=True)
class Corpus:
    """Documents (``{"id", "text"}`` dicts, in corpus order) and their true cluster labels."""

    records: tuple[dict[str, Any], ...]
    truth: dict[str, int] = field(default_factory=dict)


_BOILERPLATE = (
    "本文来源：新华网 责任编辑：王磊",
    "相关阅读：更多精彩内容请关注本站首页",
    "版权声明：未经授权禁止转载，违者必究。",
)


def _near_copy(rng: random.Random, text: str, edits: int) -> str:
    for _ in range(edits):
        r = rng.random()
        i = rng.randrange(len(text))
        if r < 0.5:
            text = text[:i] + rng.choice(_COMMON) + text[i + 1 :]
        elif r < 0.8:
            text = text[:i] + text[i + 1 :]
        else:
            text = text[:i] + rng.choice(_COMMON) + text[i:]
    return text


def make_corpus(
    seed: int,
    n_docs: int,
    *,
    paragraphs: Sequence[str] | None = None,
    dup_fraction: float = 0.3,
    exact_share: float = 0.4,
    max_edit_rate: float = 0.02,
    boilerplate: float = 0.2,
    doc_paragraphs: tuple[int, int] = (2, 5),
) -> Corpus:
    """A corpus with known duplicate truth.

    About ``dup_fraction`` of the documents copy an earlier one: ``exact_share``
    of those exactly, the rest with up to ``max_edit_rate`` character edits
    (substitutions, deletions, insertions).  ``boilerplate`` of all documents
    get a boilerplate line appended, which does not change their cluster.
    Ids are ``d0000000``...; the truth maps each id to the index of the
    original it copies (its own index for originals).

    >>> c = make_corpus(3, 50)
    >>> len(c.records), len(set(c.truth.values())) < 50
    (50, True)
    """
    rng = random.Random(seed)
    n_orig_needed = max(1, n_docs)
    pool = list(paragraphs) if paragraphs else None
    records: list[dict[str, Any]] = []
    truth: dict[str, int] = {}
    originals: list[tuple[str, int]] = []
    words, weights = _dictionary_words() if pool is None else ((), ())
    for i in range(n_docs):
        doc_id = f"d{i:07d}"
        if originals and rng.random() < dup_fraction:
            src_text, label = rng.choice(originals)
            if rng.random() < exact_share:
                text = src_text
            else:
                edits = max(1, int(len(src_text) * max_edit_rate * rng.random()))
                text = _near_copy(rng, src_text, edits)
        else:
            k = rng.randint(*doc_paragraphs)
            if pool is not None:
                paras = rng.sample(pool, min(k, len(pool)))
            else:
                paras = []
                for _ in range(k):
                    target = rng.randint(60, 240)
                    p = ""
                    while len(p) < target:
                        p += _sentence(rng, words, weights)
                    paras.append(p)
            text = "\n\n".join(paras)
            label = i
            originals.append((text, label))
        if rng.random() < boilerplate:
            text = text + "\n\n" + rng.choice(_BOILERPLATE)
        records.append({"id": doc_id, "text": text})
        truth[doc_id] = label
    del n_orig_needed
    return Corpus(tuple(records), truth)


def pair_scores(truth_labels: Sequence[Any], predicted_labels: Sequence[Any]) -> tuple[float, float]:
    """Pairwise (precision, recall) of a clustering against the truth.

    Items with equal labels are pairs; counts are done per label, so this is
    linear in the number of items.

    >>> pair_scores([0, 0, 1, 1], [5, 5, 6, 7])
    (1.0, 0.5)
    """
    from collections import Counter

    both = Counter(zip(truth_labels, predicted_labels))
    t = Counter(truth_labels)
    p = Counter(predicted_labels)

    def pairs(c: Counter) -> int:
        return sum(v * (v - 1) // 2 for v in c.values())

    tp = pairs(both)
    tp_fp, tp_fn = pairs(p), pairs(t)
    precision = tp / tp_fp if tp_fp else 1.0
    recall = tp / tp_fn if tp_fn else 1.0
    return precision, recall


def messy_documents(language: str | None = None, classes: Sequence[str] | None = None, **knobs: Any):  # type: ignore[no-untyped-def]
    """Hypothesis strategy yielding :class:`MessyDocument` (text plus truth).

    With ``language`` (``"zh"``/``"en"``) or ``classes`` it yields
    :class:`DamagedDocument` instead: see :func:`damaged_documents`.
    """
    from hypothesis import strategies as st

    if language is not None or classes is not None:
        return damaged_documents(language or "zh", classes if classes is not None else DAMAGE_CLASSES, **knobs)

    @st.composite
    def build(draw):  # type: ignore[no-untyped-def]
        seed = draw(st.integers(0, 2**31 - 1))
        n = draw(st.integers(1, 8))
        paras = synthetic_paragraphs(seed, n, min_chars=30, max_chars=160)
        return make_messy_document(paras, seed, fragments=draw(st.integers(0, 2)), **knobs)

    return build()


def corpora(max_docs: int = 60, **knobs: Any):  # type: ignore[no-untyped-def]
    """Hypothesis strategy yielding :class:`Corpus` objects of up to ``max_docs`` documents."""
    from hypothesis import strategies as st

    return st.builds(lambda seed, n: make_corpus(seed, n, **knobs), st.integers(0, 2**31 - 1), st.integers(1, max_docs))


# ---------------------------------------------------------------------------
# Damaged documents in Chinese and English, with the truth a content-loss
# measurer needs (issue 13): canonical paragraphs, the sentences that must
# survive, the near-duplicate sentence pairs the truth itself has, and every
# planted corruption.
# ---------------------------------------------------------------------------

#: every failure class :func:`make_damaged_document` can plant (see its docstring)
DAMAGE_CLASSES: tuple[str, ...] = (
    "repeat",  # runs of paragraphs printed again (3-4 copies in all)
    "variant",  # one or two one-character typos in a copy
    "renumber",  # ordinal prefixes (一是 / 1.) renumbered in copies
    "truncate",  # a copy that stops early (at a sentence end or mid-sentence)
    "extend",  # a later copy says more (X，确保农民增收。 after X。): the truth has the longer sentence
    "merge",  # two paragraphs' copies in one block
    "drop",  # a copy missing one sentence
    "swap",  # a copy with two adjacent sentences swapped
    "cut",  # a block cut mid-sentence across a blank line
    "cut-bracket",  # ... right after an opening bracket or quote （《“「 ( "
    "cut-number",  # ... inside a number: 2 / .2万亿, 19 / 67
    "cut-latin",  # ... inside a Latin word or between two Latin words
    "cut-other",  # another copy of a cut paragraph cut at a different point
    "complete",  # the first copy cut short, a later copy whole
    "speaker",  # a speaker tag (记者： / Reporter:) that is content, dropped by some copies
    "double",  # a doubled character (外交交) or word (the the)
    "trad",  # a stray traditional character (爲独生子女) [zh]
    "caps",  # an all-capitals heading-like paragraph [en]
    "linebreak",  # line breaks inside sentences [en]
    "abbrev",  # abbreviations inside sentences (Dr. e.g. U.S.) [en]
    "fragment",  # unrelated fragments at the end
)
_ZH_ONLY = frozenset({"trad"})
_EN_ONLY = frozenset({"caps", "linebreak", "abbrev"})

_CJK_CHAR = _re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SENTENCE_END = frozenset("。！？!?；;…")
_CLOSE = frozenset("”’」』）)】》〉\"'")
_OPENERS = "（《“「(\""
#: abbreviations after which a full stop never ends a sentence
_NEVER_FINAL = frozenset({"dr", "mr", "mrs", "ms", "prof", "st", "vs", "e.g", "i.e", "cf", "fig", "no", "approx"})
#: abbreviations that end a sentence only when a capitalised word follows
_MAYBE_FINAL = frozenset({"u.s", "u.k", "etc", "a.m", "p.m", "inc", "ltd", "co", "jr", "sr"})
_LIST_MARKER = _re.compile(
    r"^\s*(?:[(（][一二三四五六七八九十\d]{1,4}[)）][、.．]?|[一二三四五六七八九十]{1,4}(?:是|、)|第[一二三四五六七八九十\d]{1,4}[,，、:：]|\d{1,3}(?:[、)）]|[.．](?!\d)))\s*"
)
#: simplified → traditional (each traditional form has this one simplified reading)
_TRAD = {"为": "爲", "内": "內", "说": "說", "们": "們", "国": "國", "经": "經", "时": "時", "会": "會", "对": "對", "进": "進", "过": "過", "学": "學", "这": "這", "来": "來", "门": "門", "开": "開", "关": "關", "长": "長", "发": "發", "问": "問"}
_ZH_SPEAKERS = ("记者：", "主持人：", "王磊：", "发言人：")
_EN_SPEAKERS = ("Reporter: ", "MODERATOR: ", "Dr. Hale: ", "Q: ")


def is_cjk_text(text: str) -> bool:
    """Whether ``text`` is mostly CJK (counted in characters) rather than Latin (counted in words)."""
    cjk = len(_CJK_CHAR.findall(text))
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    return cjk >= latin / 4 and cjk > 0


def _abbreviation_before(text: str, i: int) -> str:
    """The lower-cased token that ends with the full stop at ``text[i]`` (without that stop)."""
    j = i
    while j > 0 and not text[j - 1].isspace() and text[j - 1] not in "(\"'“":
        j -= 1
    return text[j:i].lower()


def split_sentences(text: str) -> list[str]:
    """Sentences of one paragraph, in both scripts; whitespace inside is kept, around is stripped.

    A sentence ends after a run of ``。！？!?；;…`` plus closing quotes and
    brackets, or after a Latin full stop followed by whitespace, except
    after abbreviations (``Dr.``, ``e.g.``; ``U.S.`` and ``etc.`` only
    before a capital), single initials (``J. Smith``) and a leading list
    number (``1. ``).  Line breaks inside a paragraph do not end a sentence.

    >>> split_sentences("一是甲乙。丙“丁！”戊")
    ['一是甲乙。', '丙“丁！”', '戊']
    >>> split_sentences("1. Dr. Lee works in the U.S. office, e.g. here. It\\nrains. Then U.S. sales rose.")
    ['1. Dr. Lee works in the U.S. office, e.g. here.', 'It\\nrains.', 'Then U.S. sales rose.']
    """
    out: list[str] = []
    start = 0
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        end = c in _SENTENCE_END
        if c == "." and i > start and (i + 1 == n or text[i + 1].isspace() or text[i + 1] in _CLOSE):
            if i + 1 < n and text[i + 1] == "." or i > 0 and text[i - 1] == ".":
                end = i + 1 == n or text[i + 1] != "."  # an ellipsis ends at its last dot
            else:
                tok = _abbreviation_before(text, i)
                rest = text[i + 1 :].lstrip()
                # in all-capitals text a capital says nothing
                capital_next = bool(rest) and (rest[0].isupper() or not rest[0].isalpha()) and not text[start:i].isupper()
                if tok in _NEVER_FINAL or (len(tok) == 1 and tok.isalpha()):
                    end = False
                elif tok in _MAYBE_FINAL:
                    end = capital_next
                elif tok.isdigit() and not text[start:i - len(tok)].strip():
                    end = False  # a list number at the start: "1. First"
                else:
                    end = True
        if end:
            j = i + 1
            while j < n and (text[j] in _SENTENCE_END or text[j] in _CLOSE):
                j += 1
            s = text[start:j].strip()
            if s:
                out.append(s)
            start = i = j
            continue
        i += 1
    s = text[start:].strip()
    if s:
        out.append(s)
    return out


def _join_sentences(sentences: Sequence[str], cjk: bool) -> str:
    return ("" if cjk else " ").join(sentences)


# --- English prose of our own, so the generators work on a bare clone --------------------------

_EN_SUBJECTS = (
    "The committee", "Dr. Alvarez", "The river authority", "A small bakery", "The city council", "Our survey team",
    "The old lighthouse keeper", "Mr. Okafor", "The regional hospital", "A group of students", "The railway company",
    "Prof. Lindqvist", "The village school", "The harbour master", "A local farmer", "The museum board",
    "The weather service", "Ms. Petrova", "The fishing cooperative", "The county library",
)
_EN_VERBS = (
    "reviewed", "announced", "questioned", "repaired", "published", "postponed", "measured", "described", "funded",
    "rejected", "improved", "recorded", "inspected", "welcomed", "extended", "compared", "approved", "abandoned",
)
_EN_OBJECTS = (
    "the annual budget", "a plan for the northern bridge", "the new water pipes", "the results of the spring census",
    "a proposal to close the ferry", "the timetable for winter trains", "the damage to the sea wall",
    "a report on rural broadband", "the school meal programme", "the price of heating oil", "the old town walls",
    "a study of migrating geese", "the hospital waiting lists", "the plan to plant ten thousand trees",
    "the harvest figures", "a catalogue of medieval maps", "the noise from the quarry", "the rules for street markets",
)
_EN_TAILS = (
    "after a long debate", "before the end of the month", "with some reluctance", "for the third year running",
    "despite heavy rain", "in front of a large crowd", "without any warning", "at the request of residents",
    "in the U.S. style", "as the law requires", "e.g. by counting every household", "during a quiet week in March",
    "on behalf of the whole region", "at a cost nobody had expected", "in a letter to the local paper",
    "(the second such case this year)", 'in what the mayor called "a fair deal"', "(see the appendix of the report)",
)
_EN_CLAUSES = (
    "which surprised many observers", "and the decision was final", "because the money had run out",
    "although nobody said so openly", "so that families could plan ahead", "while the weather stayed mild",
    "and a second meeting was set for June", "as several engineers had predicted",
)


def _english_sentence(rng: random.Random) -> str:
    s = f"{rng.choice(_EN_SUBJECTS)} {rng.choice(_EN_VERBS)} {rng.choice(_EN_OBJECTS)} {rng.choice(_EN_TAILS)}"
    if rng.random() < 0.5:
        s += ", " + rng.choice(_EN_CLAUSES)
    if rng.random() < 0.25:
        s += f", and {rng.randint(2, 9)}.{rng.randint(1, 9)} million people were affected"
    return s + rng.choice((".", ".", ".", "!", "?", ";")) if rng.random() < 0.1 else s + "."


def synthetic_english_paragraphs(seed: int, n: int, *, sentences: tuple[int, int] = (2, 5)) -> list[str]:
    """``n`` distinct English paragraphs from a small built-in grammar (public domain, no data needed).

    >>> ps = synthetic_english_paragraphs(3, 2)
    >>> len(ps), all(len(split_sentences(p)) >= 2 for p in ps)
    (2, True)
    """
    rng = random.Random(seed)
    out: list[str] = []
    used: set[str] = set()
    while len(out) < n:
        sents: list[str] = []
        while len(sents) < rng.randint(*sentences):
            s = _english_sentence(rng)
            if s not in used:
                used.add(s)
                sents.append(s)
        p = " ".join(sents)
        if len(split_sentences(p)) == len(sents):
            out.append(p)
    return out


# --- source text from ../shared/data/external (read, never shipped) ------------------------------

def _chunk_sentences(sentences: list[str], cjk: bool, max_len: int, rng: random.Random) -> list[str]:
    """Long source paragraphs split at sentence ends into paragraphs of about ``max_len`` // 2 .. ``max_len``."""
    out, cur = [], []
    for s in sentences:
        cur.append(s)
        if len(_join_sentences(cur, cjk)) >= rng.randint(max_len // 2, max_len):
            out.append(_join_sentences(cur, cjk))
            cur = []
    if cur:
        out.append(_join_sentences(cur, cjk))
    return out


def wiki_zh_paragraphs(external: "str | os.PathLike[str]", *, min_chars: int = 20) -> list[str]:
    """The clean Chinese Wikipedia paragraphs of ``external/wiki-zh-200`` (headings skipped)."""
    return load_paragraphs(os.path.join(external, "wiki-zh-200", "wiki_zh_200.txt"), min_chars=min_chars)


def sogou_pages(external: "str | os.PathLike[str]", *, max_paragraph: int = 400) -> list[list[str]]:
    """The non-empty SogouCS news pages (``external/sogoucs-mini``, UTF-8 copy), each a list of paragraphs.

    The crawl separates paragraphs with U+E40C; ideographic spaces are kept
    as they are (real input).  Long paragraphs are split at sentence ends.
    Exact duplicate pages are given once.
    """
    path = os.path.join(external, "sogoucs-mini", "utf8", "news_sohusite_xml.smarty.dat")
    with open(path, encoding="utf-8") as f:
        raw = f.read()
    rng = random.Random(0)
    pages: list[list[str]] = []
    seen: set[str] = set()
    for content in _re.findall(r"<content>(.*?)</content>", raw, _re.S):
        content = content.strip()
        if not content or content in seen:
            continue
        seen.add(content)
        paras: list[str] = []
        for p in content.split("\ue40c"):
            p = p.strip().strip("\u3000").strip()
            if len(p) >= 10:
                paras += _chunk_sentences(split_sentences(p), True, max_paragraph, rng)
        if paras:
            pages.append(paras)
    return pages


def clough_texts(external: "str | os.PathLike[str]", *, max_paragraph: int = 600) -> dict[str, list[list[str]]]:
    """The Clough-Stevenson English texts by task (``a``-``e``), each a list of paragraphs.

    Both the five Wikipedia source texts and the 95 answers; answers of one
    task paraphrase each other, so a document should take one text per task.
    """
    base = os.path.join(external, "clough-stevenson-short-answers", "data")
    rng = random.Random(0)
    out: dict[str, list[list[str]]] = {}
    for name in sorted(os.listdir(base)):
        m = _re.search(r"task([a-e])\.txt$", name)
        if not m:
            continue
        with open(os.path.join(base, name), encoding="utf-8", errors="replace") as f:
            raw = f.read()
        paras: list[str] = []
        for p in _re.split(r"\n\s*\n", raw):
            p = " ".join(p.split())
            if len(p.split()) >= 5:
                paras += _chunk_sentences(split_sentences(p), False, max_paragraph, rng)
        if paras:
            out.setdefault(m.group(1), []).append(paras)
    return out


# --- the damaged-document generator --------------------------------------------------------------

@dataclass(frozen=True)
class Corruption:
    """One planted damage: its class, the messy block it is in, the canonical paragraph it concerns."""

    kind: str
    #: index of the blank-line block of the messy text (-1: not one block)
    block: int
    #: index into :attr:`DocumentTruth.paragraphs` (-1: none)
    paragraph: int
    #: what was done, e.g. ``"经费→经废"`` or ``"cut after 《"``
    detail: str = ""


@dataclass(frozen=True)
class DocumentTruth:
    """What a perfect cleaner knows about a damaged document."""

    #: ``"zh"`` or ``"en"``
    language: str
    #: the canonical paragraphs, in order: what a perfect cleaner outputs
    paragraphs: tuple[str, ...]
    #: the paragraphs joined by blank lines, with a final newline
    expected_text: str
    #: every sentence of the canonical paragraphs (:func:`split_sentences`), in order; each must survive
    sentences: tuple[str, ...]
    #: pairs of indices into ``sentences`` that are near-duplicates (ratio ≥ 90) in the truth itself
    near_duplicates: tuple[tuple[int, int], ...]
    #: every planted damage
    corruptions: tuple[Corruption, ...]
    #: for every blank-line block of the messy text: the canonical paragraph it copies (-1: none)
    block_source: tuple[int, ...]
    #: for every block: "first", "copy", "extend", "merge", "truncate", "drop", "swap", "cut-head", "cut-tail", "fragment"
    block_kind: tuple[str, ...]
    #: every cut across a blank line: (head block, tail block, what joins them: "" or " ")
    cuts: tuple[tuple[int, int, str], ...] = ()

    def kinds(self) -> set[str]:
        """The damage classes actually planted in this document."""
        return {c.kind for c in self.corruptions}


@dataclass(frozen=True)
class DamagedDocument:
    text: str
    truth: DocumentTruth


def _ordinal(i: int, cjk: bool) -> str:
    return (_ORDINALS[i % 10] + "是") if cjk else f"{i % 20 + 1}. "


def _typo(rng: random.Random, text: str, cjk: bool, lo: int) -> tuple[str, str]:
    """One character replaced (CJK: by a common character; Latin: a letter inside a word)."""
    if cjk:
        idx = [i for i in range(lo, len(text)) if _CJK_CHAR.match(text[i])]
        if not idx:
            return text, ""
        i = rng.choice(idx)
        c = rng.choice([x for x in _COMMON if x != text[i]])
    else:
        idx = [i for i in range(max(lo, 1), len(text) - 1) if text[i].isalpha() and text[i - 1].isalpha() and text[i + 1].isalpha()]
        if not idx:
            return text, ""
        i = rng.choice(idx)
        pool = "aeioustrnl" if text[i].islower() else "AEIOUSTRNL"
        c = rng.choice([x for x in pool if x != text[i]])
    return text[:i] + c + text[i + 1 :], f"{text[max(0, i - 2):i + 3]}→{text[max(0, i - 2):i]}{c}{text[i + 1:i + 3]}"


def _double(rng: random.Random, text: str, cjk: bool, lo: int) -> tuple[str, str]:
    """A character (CJK) or a word (Latin) written twice."""
    if cjk:
        idx = [i for i in range(max(lo, 1), len(text) - 1) if _CJK_CHAR.match(text[i]) and text[i - 1] != text[i] != text[i + 1]]
        if not idx:
            return text, ""
        i = rng.choice(idx)
        return text[: i + 1] + text[i:], text[i - 1 : i + 2] + "→" + text[i - 1 : i + 1] + text[i : i + 2]
    words = [m for m in _re.finditer(r"(?<![\w.])[A-Za-z]{2,}(?= )", text) if m.start() >= lo]
    if not words:
        return text, ""
    m = rng.choice(words)
    return text[: m.end()] + " " + m.group() + text[m.end() :], f"{m.group()}→{m.group()} {m.group()}"


def _traditional(rng: random.Random, text: str, lo: int) -> tuple[str, str]:
    """One simplified character replaced by its traditional form (为→爲)."""
    idx = [i for i in range(lo, len(text)) if text[i] in _TRAD]
    if not idx:
        return text, ""
    i = rng.choice(idx)
    return text[:i] + _TRAD[text[i]] + text[i + 1 :], f"{text[i]}→{_TRAD[text[i]]}"


def _line_breaks(rng: random.Random, text: str, lo: int) -> tuple[str, str]:
    """One or two spaces inside sentences turned into line breaks."""
    idx = [i for i in range(max(lo, 1), len(text) - 1) if text[i] == " " and text[i - 1] not in ".!?;:"]
    if not idx:
        return text, ""
    chosen = sorted(rng.sample(idx, min(len(idx), rng.randint(1, 2))))
    for i in chosen:
        text = text[:i] + "\n" + text[i + 1 :]
    return text, f"{len(chosen)} line break(s)"


def _cut_candidates(text: str, lo: int, kind: str, cjk: bool) -> list[tuple[int, int]]:
    """(head end, tail start) of the cuts of ``kind`` possible in ``text`` after position ``lo``.

    Every cut is mid-sentence: never right after a sentence end.
    """
    n = len(text)
    lo = max(lo + 2, 4)
    hi = n - 4
    out: list[tuple[int, int]] = []
    for i in range(lo, hi):
        a, b = text[i - 1], text[i]
        # a straight quote opens after a space
        opener = a in _OPENERS and (a not in "\"'" or i < 2 or text[i - 2].isspace())
        if not opener and (a in _SENTENCE_END or a in _CLOSE) or b in _CLOSE or a == "." and not b.isdigit():
            continue
        if kind == "cut-bracket":
            if opener and not b.isspace():
                out.append((i, i))
        elif kind == "cut-number":
            if a.isdigit() and (b.isdigit() or b in ".．" and i + 1 < n and text[i + 1].isdigit()):
                out.append((i, i))
        elif kind == "cut-latin":
            if a.isascii() and a.isalpha() and b.isascii() and b.isalpha():
                out.append((i, i))  # inside a word
            elif b == " " and a.isascii() and a.isalpha() and i + 1 < n and text[i + 1].isascii() and text[i + 1].isalpha():
                out.append((i, i + 1))  # between two words: the space goes
        elif cjk:
            if _CJK_CHAR.match(a) and _CJK_CHAR.match(b):
                out.append((i, i))
        elif b == " " and a.isalpha() and i + 1 < n and text[i + 1].isalpha():
            out.append((i, i + 1))
    return out


def _extension(rng: random.Random, pool: list[str], cjk: bool) -> str:
    """A clause taken from an unrelated paragraph, to make a copy say more."""
    for _ in range(20):
        if not pool:
            break
        sents = split_sentences(rng.choice(pool))
        if not sents:
            continue
        s = sents[0].rstrip("。！？!?；;….\"”")
        if cjk:
            clause = _re.split(r"[，,、：:]", s)[-1]
            if 4 <= len(clause) <= 24 and not _LIST_MARKER.match(clause):
                return "，" + clause
        else:
            words = s.split()
            if len(words) >= 4:
                k = rng.randint(3, min(8, len(words)))
                clause = " ".join(words[-k:])
                clause = _re.sub(r"^(?:and|or|but)\s+", "", clause, flags=_re.I) or clause
                return ", and " + clause[0].lower() + clause[1:]
    return "，确保农民增收" if cjk else ", and the farmers' income rose"


def make_damaged_document(
    paragraphs: Sequence[str],
    seed: int,
    *,
    language: str | None = None,
    classes: Sequence[str] = DAMAGE_CLASSES,
    fragment_paragraphs: Sequence[str] | None = None,
    copies: tuple[int, int] = (3, 4),
    damage_rate: float = 0.7,
    cut_rate: float = 0.25,
    repair_rate: float = 0.15,
    fragments: tuple[int, int] = (1, 2),
    extend_rate: float = 1.0,
    complete_rate: float = 1.0,
) -> DamagedDocument:
    """Damage clean ``paragraphs`` with the failure classes of issue 13 and say what a perfect cleaner outputs.

    ``classes`` (a subset of :data:`DAMAGE_CLASSES`) says which damage may
    be planted; classes of the other script are ignored.  The first pass
    prints every paragraph once, in order; then 2-3 passes (``copies`` in
    all) repeat runs of paragraphs, each copy damaged with probability
    ``damage_rate`` (typos, renumbered, truncated, merged, a sentence
    dropped or swapped, a speaker tag dropped); a paragraph whose copy says
    more (``extend``) has the longer sentence in the truth, and a paragraph
    whose first copy is cut short (``complete``) has its whole reading in
    the truth.  Then blocks are cut mid-sentence across a blank line with
    probability ``cut_rate`` (a later copy of a cut paragraph again, at
    another point, with ``cut-other``); doubled characters and stray
    traditional characters go into first copies with probability
    ``repair_rate`` (a perfect cleaner repairs them).  Last come unrelated
    fragments.  First copies carry no typos, so the truth is exact.
    ``extend_rate`` and ``complete_rate`` are the chances that a document
    gets its (one) extended copy and its (one) completion.

    Deterministic: the same arguments give the same document.

    >>> doc = make_damaged_document(synthetic_english_paragraphs(5, 4), 5, language="en")
    >>> doc.truth.language, len(doc.truth.paragraphs) >= 4, doc.text.count("\\n\\n") > 4
    ('en', True, True)
    """
    rng = random.Random(seed)
    src = [split_sentences(p) for p in paragraphs]
    src = [s for s in src if s]
    if language is None:
        language = "zh" if is_cjk_text("".join("".join(s) for s in src)) else "en"
    if language not in ("zh", "en"):
        raise ValueError(f"language must be 'zh' or 'en', not {language!r}")
    cjk = language == "zh"
    unknown = set(classes) - set(DAMAGE_CLASSES)
    if unknown:
        raise ValueError(f"unknown damage classes: {sorted(unknown)}")
    on = set(classes) - (_EN_ONLY if cjk else _ZH_ONLY)
    n = len(src)
    if fragment_paragraphs is not None:
        pool = [p for p in fragment_paragraphs if p not in paragraphs]
    elif cjk:
        pool = synthetic_paragraphs(seed + 104729, 8, min_chars=30, max_chars=120)
    else:
        pool = synthetic_english_paragraphs(seed + 104729, 8)
    pool = list(pool)
    rng.shuffle(pool)
    corruptions: list[Corruption] = []

    # 1. the canonical paragraphs (properties of the source, not damage)
    canon = [list(s) for s in src]
    # no ordinal before a paragraph that starts with a marker or bullet of its own
    prefix = [_ordinal(i, cjk) if "renumber" in on and (canon[i][0][0].isalnum() or _CJK_CHAR.match(canon[i][0][0])) and not _LIST_MARKER.match(canon[i][0]) else "" for i in range(n)]
    if "abbrev" in on and n:
        for i in rng.sample(range(n), min(n, 2)):
            j = rng.randrange(len(canon[i]))
            s = canon[i][j]
            name = rng.choice(("Brown", "Lee", "Okafor", "Smith"))
            phrase = rng.choice((f"According to Dr. {name} of the U.S. office, ", f"As Prof. {name} noted, e.g. in a report, ", "In the U.S. and elsewhere, i.e. in most places, ", f"Mr. {name} wrote (cf. Fig. 2) that "))
            canon[i][j] = phrase + s  # the sentence keeps its capital: it may be a name (PageRank)
            corruptions.append(Corruption("abbrev", -1, i, phrase.strip()))
    if "caps" in on and n:
        i = rng.randrange(n)
        canon[i] = [s.upper() for s in canon[i]]
        corruptions.append(Corruption("caps", -1, i, "all capitals"))
    speaker_of: dict[int, str] = {}
    if "speaker" in on and n:
        i = rng.randrange(n)
        speaker_of[i] = rng.choice(_ZH_SPEAKERS if cjk else _EN_SPEAKERS)
        prefix[i] = speaker_of[i]

    # 2. which runs of paragraphs are printed again
    runs: list[list[int]] = []
    if "repeat" in on and n:
        for _ in range(rng.randint(copies[0] - 1, copies[1] - 1)):
            a = rng.randrange(n)
            b = rng.randint(a + 1, n)
            runs.append(list(range(a, b)))
    repeated = sorted({i for r in runs for i in r})

    # 3. a later copy that says more, a first copy cut short
    short: dict[int, list[str]] = {}  # paragraph → the sentences its first copy shows
    owed: dict[int, str] = {}  # paragraph → what its first later copy must carry ("extend" / "complete")
    cands = [i for i in repeated]
    rng.shuffle(cands)
    if "extend" in on and cands and rng.random() < extend_rate:
        i = cands.pop()
        j = rng.randrange(len(canon[i]))
        s = canon[i][j]
        if s[-1] in "。.!?！？":
            ext = _extension(rng, pool, cjk)
            if not cjk and s.isupper():
                ext = ext.upper()
            short[i] = list(canon[i])
            canon[i][j] = s[:-1] + ext + s[-1]
            owed[i] = "extend"
            corruptions.append(Corruption("extend", -1, i, f"{s[-12:]} → …{ext}{s[-1]}"))
    if "complete" in on and cands and rng.random() < complete_rate:
        i = cands.pop()
        whole = _join_sentences(canon[i], cjk)
        points = [a for a, _ in _cut_candidates(whole, len(whole) // 2, "cut", cjk)]
        if points:
            p = rng.choice(points)
            short[i] = [whole[:p].rstrip()]
            owed[i] = "complete"

    def render(i: int, sents: Sequence[str], lead: str) -> str:
        return lead + _join_sentences(sents, cjk)

    blocks: list[list[Any]] = []  # [text, source, kind, protected prefix length]

    def damage_text(b: int, kinds: Sequence[str]) -> None:
        """Plant text-level damage of ``kinds`` (each with its own probability) in block ``b``."""
        text, src_i, _kind, lo = blocks[b]
        for k in kinds:
            if k == "variant":
                for _ in range(rng.randint(1, 2)):
                    text, d = _typo(rng, text, cjk, lo)
                    if d:
                        corruptions.append(Corruption("variant", b, src_i, d))
            elif k == "double":
                text, d = _double(rng, text, cjk, lo)
                if d:
                    corruptions.append(Corruption("double", b, src_i, d))
            elif k == "trad":
                text, d = _traditional(rng, text, lo)
                if d:
                    corruptions.append(Corruption("trad", b, src_i, d))
            elif k == "linebreak":
                text, d = _line_breaks(rng, text, lo)
                if d:
                    corruptions.append(Corruption("linebreak", b, src_i, d))
        blocks[b][0] = text

    # 4. the first pass: every paragraph once
    for i in range(n):
        sents = short.get(i, canon[i])  # an extended or completed paragraph starts short
        blocks.append([render(i, sents, prefix[i]), i, "first", len(prefix[i])])
        if owed.get(i) == "complete":
            corruptions.append(Corruption("complete", len(blocks) - 1, i, f"first copy ends at …{sents[-1][-10:]}"))
        singles = [k for k in ("double", "trad") if k in on and rng.random() < repair_rate]
        if "linebreak" in on and rng.random() < 0.3:
            singles.append("linebreak")
        damage_text(len(blocks) - 1, singles)

    # 5. the repeat passes
    for r_i, run in enumerate(runs):
        shift = rng.randint(0, 3)
        skip = False
        for k, i in enumerate(run):
            if skip:
                skip = False
                continue
            corruptions.append(Corruption("repeat", len(blocks), i, f"pass {r_i + 2}"))
            lead = prefix[i]
            if i in speaker_of and i not in owed and rng.random() < 0.5:
                lead = ""
                corruptions.append(Corruption("speaker", len(blocks), i, f"tag {speaker_of[i]!r} dropped"))
            elif "renumber" in on and i not in speaker_of and rng.random() < 0.5:
                lead = _ordinal(k + shift, cjk)
                if lead != prefix[i]:
                    corruptions.append(Corruption("renumber", len(blocks), i, f"{prefix[i].strip()}→{lead.strip()}"))
            if i in owed:  # the copy that carries the truth's reading
                blocks.append([render(i, canon[i], lead), i, "extend" if owed.pop(i) == "extend" else "copy", len(lead)])
                continue
            sents = list(short[i]) if i in short and rng.random() < 0.5 else list(canon[i])
            kind = "copy"
            if rng.random() < damage_rate:
                options = [d for d in ("variant", "truncate", "drop", "swap", "merge", "double", "trad", "linebreak") if d in on]
                choice = rng.choice(options) if options else ""
                if choice == "truncate":
                    whole = _join_sentences(sents, cjk)
                    if len(sents) >= 2 and rng.random() < 0.5:
                        sents, detail = sents[: rng.randint(1, len(sents) - 1)], "at a sentence end"
                    else:
                        pts = [a for a, _ in _cut_candidates(whole, len(whole) // 2, "cut", cjk)]
                        if pts:
                            p = rng.choice(pts)
                            sents, detail = [whole[:p].rstrip()], "mid-sentence"
                        else:
                            detail = ""
                    if detail:
                        kind = "truncate"
                        corruptions.append(Corruption("truncate", len(blocks), i, detail))
                elif choice == "drop" and len(sents) >= 3:
                    j = rng.randrange(len(sents))
                    corruptions.append(Corruption("drop", len(blocks), i, sents[j][:12]))
                    sents = sents[:j] + sents[j + 1 :]
                    kind = "drop"
                elif choice == "swap" and len(sents) >= 2:
                    j = rng.randrange(len(sents) - 1)
                    sents[j], sents[j + 1] = sents[j + 1], sents[j]
                    corruptions.append(Corruption("swap", len(blocks), i, f"sentences {j} and {j + 1}"))
                    kind = "swap"
                elif choice == "merge" and k + 1 < len(run) and run[k + 1] not in owed:
                    nxt = run[k + 1]
                    sep = rng.choice(("", "\n") if cjk else (" ", "\n"))
                    text = render(i, sents, lead) + sep + render(nxt, canon[nxt], prefix[nxt])
                    corruptions.append(Corruption("merge", len(blocks), i, f"with paragraph {nxt}"))
                    blocks.append([text, i, "merge", len(lead)])
                    skip = True
                    continue
                elif choice in ("variant", "double", "trad", "linebreak"):
                    blocks.append([render(i, sents, lead), i, "copy", len(lead)])
                    damage_text(len(blocks) - 1, [choice])
                    continue
            blocks.append([render(i, sents, lead), i, kind, len(lead)])

    # 6. cuts across a blank line
    cut_kinds = [k for k in ("cut", "cut-bracket", "cut-number", "cut-latin") if k in on]
    out_blocks: list[list[Any]] = []
    cuts: list[Corruption] = []
    joins: list[tuple[int, int, str]] = []
    cut_at: dict[int, float] = {}  # paragraph → relative position of its first cut
    remap: dict[int, int] = {}  # block index before the cuts → after
    for b_i, (text, s, kind, lo) in enumerate(blocks):
        remap[b_i] = len(out_blocks)
        again = "cut-other" in on and s in cut_at and rng.random() < 0.6
        if cut_kinds and kind not in ("merge",) and (again or rng.random() < cut_rate):
            kinds = list(cut_kinds)
            rng.shuffle(kinds)
            for ck in kinds:
                pts = _cut_candidates(text, lo, ck, cjk)
                if again:
                    pts = [p for p in pts if abs(p[0] / len(text) - cut_at[s]) > 0.15]
                if pts:
                    a, b = rng.choice(pts)
                    label = "cut-other" if again else ck
                    cuts.append(Corruption(label, len(out_blocks), s, f"{text[max(0, a - 6):a]} / {text[b:b + 6]}"))
                    cut_at.setdefault(s, a / len(text))
                    joins.append((len(out_blocks), len(out_blocks) + 1, text[a:b]))
                    out_blocks.append([text[:a], s, "cut-head", lo])
                    out_blocks.append([text[b:], s, "cut-tail", 0])
                    break
            else:
                out_blocks.append([text, s, kind, lo])
            continue
        out_blocks.append([text, s, kind, lo])
    corruptions = [Corruption(c.kind, remap.get(c.block, -1), c.paragraph, c.detail) if c.block >= 0 else c for c in corruptions] + cuts

    # 7. unrelated fragments at the end
    frags: list[str] = []
    if "fragment" in on:
        for _ in range(rng.randint(*fragments)):
            if not pool:
                break
            sents = split_sentences(pool.pop())
            f = _join_sentences(sents[: rng.randint(1, 2)], cjk)
            if f and f not in frags:
                frags.append(f)
                corruptions.append(Corruption("fragment", len(out_blocks), n + len(frags) - 1, f[:12]))
                out_blocks.append([f, n + len(frags) - 1, "fragment", 0])

    canonical = [prefix[i] + _join_sentences(canon[i], cjk) for i in range(n)] + frags
    sentences = tuple(s for p in canonical for s in split_sentences(p))
    truth = DocumentTruth(
        language=language,
        paragraphs=tuple(canonical),
        expected_text="\n\n".join(canonical) + "\n",
        sentences=sentences,
        near_duplicates=_near_duplicate_pairs([normalize_sentence(s) for s in sentences]),
        corruptions=tuple(corruptions),
        block_source=tuple(b[1] for b in out_blocks),
        block_kind=tuple(b[2] for b in out_blocks),
        cuts=tuple(joins),
    )
    text = "\n\n".join(b[0] for b in out_blocks) + "\n"
    return DamagedDocument(text, truth)


# --- the content-loss measurer -------------------------------------------------------------------

#: a sentence this similar (rapidfuzz ratio, 0-100) to another is a near-duplicate of it
NEAR_DUPLICATE_RATIO = 90.0
#: shortest sentence that counts: CJK characters / Latin words
MIN_CJK_CHARS = 8
MIN_LATIN_WORDS = 3
#: a sentence survives with at most this share of its characters missing or replaced ...
MAX_MISSING_SHARE = 0.10
#: ... and never more than this many consecutive ones (a clause, a word)
MAX_MISSING_RUN = 2


def normalize_sentence(text: str) -> str:
    """A sentence as compared: NFKC, leading list marker dropped, whitespace dropped (CJK) or collapsed (Latin).

    >>> normalize_sentence("一是 推进\\n义务教育，")
    '推进义务教育,'
    >>> normalize_sentence("2.  The\\nrain  fell.")
    'The rain fell.'
    """
    t = _unicodedata.normalize("NFKC", text).strip()
    m = _LIST_MARKER.match(t)
    if m and m.end() < len(t):
        t = t[m.end() :]
    if is_cjk_text(t):
        return "".join(t.split())
    return " ".join(t.split())


def normalize_document(text: str) -> str:
    """A document as compared for CER: NFKC, one ``\\n`` between paragraphs (blank-line blocks),
    whitespace inside a paragraph collapsed to one space, or dropped when it touches a CJK character."""
    paras = []
    for p in _re.split(r"\n[ \t\u3000]*\n\s*", _unicodedata.normalize("NFKC", text).strip()):
        p = " ".join(p.split())
        p = _re.sub(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])", "", p)
        if p:
            paras.append(p)
    return "\n".join(paras)


def counts_as_sentence(text: str) -> bool:
    """Long enough to be checked: ≥ 8 characters (CJK, whitespace aside) or ≥ 3 words (Latin)."""
    t = normalize_sentence(text)
    if is_cjk_text(t):
        return len(t) >= MIN_CJK_CHARS
    return len(t.split()) >= MIN_LATIN_WORDS


def _content_key(normalized: str) -> str:
    """The words of a sentence: letters, digits and CJK characters, case-folded (punctuation and spaces aside)."""
    return "".join(c for c in normalized.casefold() if c.isalnum())


def _near_duplicate_pairs(normalized: Sequence[str]) -> tuple[tuple[int, int], ...]:
    """Index pairs ``(i, j)``, ``i < j``, of the countable sentences with ratio ≥ :data:`NEAR_DUPLICATE_RATIO`."""
    from rapidfuzz import fuzz, process

    idx = [i for i, s in enumerate(normalized) if s and counts_as_sentence(s)]
    if len(idx) < 2:
        return ()
    strs = [normalized[i] for i in idx]
    m = process.cdist(strs, strs, scorer=fuzz.ratio, score_cutoff=NEAR_DUPLICATE_RATIO, workers=1)
    out = []
    for a in range(len(idx)):
        for b in range(a + 1, len(idx)):
            if m[a][b] >= NEAR_DUPLICATE_RATIO:
                out.append((idx[a], idx[b]))
    return tuple(out)


#: a shorter sentence this close (rapidfuzz partial_ratio) to a stretch of a longer one is a part of it
CONTAINED_RATIO = 95.0


def _contained_pairs(normalized: Sequence[str]) -> list[tuple[int, int]]:
    """Index pairs ``(part, whole)``: a countable sentence that is (almost verbatim) a stretch of a longer one.

    "Longer" means by more than 10 %, so that these are not near-duplicate pairs.
    """
    from rapidfuzz import fuzz, process

    idx = [i for i, s in enumerate(normalized) if s and counts_as_sentence(s)]
    if len(idx) < 2:
        return []
    strs = [normalized[i] for i in idx]
    m = process.cdist(strs, [normalized[i] for i in range(len(normalized))], scorer=fuzz.partial_ratio, score_cutoff=CONTAINED_RATIO, workers=1)
    out = []
    for a, i in enumerate(idx):
        for j in range(len(normalized)):
            if m[a][j] >= CONTAINED_RATIO and len(normalized[i]) < 0.9 * len(normalized[j]):
                out.append((i, j))
    return out


def _missing(sentence: str, window: str) -> tuple[int, int]:
    """(characters of ``sentence`` missing or replaced in its best alignment inside ``window``, longest run of them).

    The alignment is global over a stretch of ``window`` only a little longer
    than the sentence (found with rapidfuzz's partial alignment), so that
    characters of neighbouring sentences cannot stand in for a lost clause.
    """
    from rapidfuzz import fuzz
    from rapidfuzz.distance import Levenshtein

    slack = max(MAX_MISSING_RUN, int(len(sentence) * MAX_MISSING_SHARE)) + 2
    if len(window) > len(sentence) + slack:
        al = fuzz.partial_ratio_alignment(sentence, window)
        if al is not None:
            window = window[max(0, al.dest_start - slack) : al.dest_end + slack]
    total = run = longest = 0
    pos = 0
    for op in Levenshtein.opcodes(sentence, window):
        if op.tag == "delete" and _repeats_what_precedes(sentence, op.src_start, op.src_end):
            pos = op.src_end
            continue  # the truth's own doubled word (``have have``), repaired: nothing it says is gone
        if op.tag in ("delete", "replace"):
            k = op.src_end - op.src_start
            total += k
            run = run + k if op.src_start == pos else k
            longest = max(longest, run)
        elif op.tag == "equal":
            run = 0
        pos = op.src_end
    return total, longest


def _repeats_what_precedes(sentence: str, a: int, b: int) -> bool:
    """Is ``sentence[a:b]`` a word (or longer stretch) written twice, the second copy: ``classes have| have some``?"""
    run = sentence[a:b]
    return len(run.strip()) >= 2 and a >= len(run) and sentence[a - len(run) : a] == run


def _survives(missing: tuple[int, int], length: int) -> bool:
    total, longest = missing
    return longest <= MAX_MISSING_RUN and total <= max(MAX_MISSING_RUN, int(length * MAX_MISSING_SHARE))


@dataclass(frozen=True)
class Quality:
    """How one cleaned document compares with its truth (see :func:`measure`)."""

    #: truth sentences that must survive (long enough to count)
    sentences: int
    #: those of them missing from the output
    lost: tuple[str, ...]
    #: near-duplicate sentence pairs of the output beyond the truth's own
    near_duplicates: tuple[tuple[str, str], ...]
    #: Levenshtein distance of output and truth (after :func:`normalize_document`)
    errors: int
    #: length of the normalised truth
    length: int
    #: (part, whole) pairs of output sentences, a part of a cut or merged copy left beside the whole, beyond the truth's own
    contained: tuple[tuple[str, str], ...] = ()

    @property
    def cer(self) -> float:
        """Character error rate: edit distance over the truth's length."""
        return self.errors / self.length if self.length else float(self.errors > 0)


def output_sentences(text: str) -> list[str]:
    """The sentences of a cleaned text, paragraph by paragraph (blank lines separate paragraphs)."""
    return [s for p in _re.split(r"\n[ \t\u3000]*\n", text) for s in split_sentences(p)]


def measure(truth: DocumentTruth, output: str) -> Quality:
    """Content lost, repeats left and CER of ``output`` (a cleaner's result) against ``truth``.

    **Lost**: a truth sentence that counts (:func:`counts_as_sentence`) is
    lost unless some output sentence, or a run of two or three consecutive
    output sentences (a cut left open splits one), holds it with at most 10 %
    of its characters missing or replaced and no 3 consecutive ones
    (compared after :func:`normalize_sentence`).  So a typo left in, a
    marker renumbered or a repair that changed a character do not count as a
    loss, but a dropped clause (``，确保农民增收``) or word (``not``) does.
    Extra text inside the output does not hide a loss: the alignment is made
    over a stretch of output hardly longer than the sentence.

    **Near-duplicates**: pairs of output sentences that count, with rapidfuzz
    ratio ≥ 90, less the pairs the truth itself has (each truth pair
    explains one output pair whose sentences match it at ratio ≥ 90).
    Conversely a truth sentence with a near twin in the truth (a
    near-duplicate pair of different text) needs an output sentence of its
    own: one output sentence cannot stand for both ``甲地…百分之五`` and
    ``乙地…百分之六``, nor ``作品名称：X`` and ``X``.  Sentences with the same
    letters, digits and CJK characters (case and punctuation aside) are one
    text: one output copy holds them all (removing a sentence the source
    repeats loses nothing).

    **Contained**: pairs of output sentences where one that counts is
    (rapidfuzz partial_ratio ≥ 95) a stretch of another more than 10 %
    longer (half of a cut copy beside the whole paragraph, ``IN NO EVENT …
    AS PERMITTED`` / ``… AS PERMITTED ABOVE, BE LIABLE …``), less such pairs
    the truth has (same words).

    **CER**: Levenshtein distance between :func:`normalize_document` of the
    output and of the truth's text, over the latter's length.
    """
    from collections import Counter

    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import Levenshtein

    cjk = truth.language == "zh"
    sep = "" if cjk else " "
    outs = [normalize_sentence(s) for s in output_sentences(output)]
    outs = [s for s in outs if s]
    joined = sep.join(outs)
    spans = [(k, k + w) for w in (1, 2, 3) for k in range(len(outs) - w + 1)]
    windows = [sep.join(outs[a:b]) for a, b in spans]
    truth_norm = [normalize_sentence(s) for s in truth.sentences]
    # a sentence with a near twin in the truth (a near-duplicate pair whose words differ) needs an
    # output sentence of its own; sentences with the same words are one text, held by one output sentence
    keys = [_content_key(n) for n in truth_norm]
    first_of: dict[str, int] = {}
    for i, key in enumerate(keys):
        first_of.setdefault(key, i)
    twins = {first_of[keys[i]] for p in truth.near_duplicates for i in p if keys[p[0]] != keys[p[1]]}

    def holders(ns: str, limit: int) -> list[tuple[float, int]]:
        """(ratio, window) of the windows that hold ``ns``, best first."""
        if not windows:
            return []
        cands: dict[int, float] = {}
        for scorer in (fuzz.ratio, fuzz.partial_ratio):
            for _w, score, k in process.extract(ns, windows, scorer=scorer, limit=limit):
                cands[k] = max(cands.get(k, 0.0), fuzz.ratio(ns, windows[k]))
        order = sorted(cands, key=lambda k: (-cands[k], spans[k][1] - spans[k][0], k))
        return [(cands[k], k) for k in order if _survives(_missing(ns, windows[k]), len(ns))]

    counted = [i for i, s in enumerate(truth.sentences) if counts_as_sentence(s)]
    missing: set[int] = set()
    for i in counted:
        if first_of[keys[i]] == i and i not in twins and not (truth_norm[i] in joined or holders(truth_norm[i], 4)):
            missing.add(i)
    # twins: the best-held first, each taking output sentences no other twin has taken
    options = {i: holders(truth_norm[i], 8) for i in counted if i in twins}
    taken: set[int] = set()
    for i in sorted(options, key=lambda i: (-(options[i][0][0] if options[i] else -1.0), i)):
        free = [k for _r, k in options[i] if taken.isdisjoint(range(*spans[k]))]
        if free:
            taken.update(range(*spans[free[0]]))
        else:
            missing.add(i)
    missing |= {i for i in counted if first_of[keys[i]] in missing}
    lost = [truth.sentences[i] for i in sorted(missing)]
    checked = len(counted)
    # near-duplicates beyond the truth's
    pairs = _near_duplicate_pairs(outs)
    unexplained = []
    used: set[tuple[int, int]] = set()
    for a, b in pairs:
        for tp in truth.near_duplicates:
            if tp in used:
                continue
            i, j = tp
            if (fuzz.ratio(outs[a], truth_norm[i]) >= NEAR_DUPLICATE_RATIO and fuzz.ratio(outs[b], truth_norm[j]) >= NEAR_DUPLICATE_RATIO) or (
                fuzz.ratio(outs[a], truth_norm[j]) >= NEAR_DUPLICATE_RATIO and fuzz.ratio(outs[b], truth_norm[i]) >= NEAR_DUPLICATE_RATIO
            ):
                used.add(tp)
                break
        else:
            unexplained.append((outs[a], outs[b]))
    # parts beside their whole (halves of a cut copy, a copy inside a merged one), beyond the truth's
    truth_parts = {(keys[i], keys[j]) for i, j in _contained_pairs(truth_norm)}
    out_keys = [_content_key(o) for o in outs]
    contained = tuple((outs[a], outs[b]) for a, b in _contained_pairs(outs) if (out_keys[a], out_keys[b]) not in truth_parts)
    t_doc, o_doc = normalize_document(truth.expected_text), normalize_document(output)
    return Quality(checked, tuple(lost), tuple(unexplained), Levenshtein.distance(t_doc, o_doc), len(t_doc), contained)


# --- strategies and whole sets of damaged documents ----------------------------------------------

def damaged_documents(
    language: str = "zh",
    classes: Sequence[str] = DAMAGE_CLASSES,
    *,
    pool: Sequence[str] | None = None,
    max_paragraphs: int = 6,
    **knobs: Any,
):  # type: ignore[no-untyped-def]
    """Hypothesis strategy yielding :class:`DamagedDocument` in ``language`` with damage of ``classes``.

    Source paragraphs are drawn from ``pool`` when given (e.g.
    :func:`wiki_zh_paragraphs` of the ``external`` fixture), else generated
    (:func:`synthetic_paragraphs` / :func:`synthetic_english_paragraphs`), so
    the strategy works on a bare clone.  ``knobs`` go to
    :func:`make_damaged_document`.  Reproducible: a document is a function
    of the drawn seed and paragraph count.
    """
    from hypothesis import strategies as st

    @st.composite
    def build(draw):  # type: ignore[no-untyped-def]
        seed = draw(st.integers(0, 2**31 - 1))
        n = draw(st.integers(1, max_paragraphs))
        paras, frags = _draw_sources(random.Random(seed), language, n, pool)
        return make_damaged_document(paras, seed, language=language, classes=classes, fragment_paragraphs=frags, **knobs)

    return build()


def _draw_sources(rng: random.Random, language: str, n: int, pool: Sequence[str] | None) -> tuple[list[str], list[str] | None]:
    """``n`` source paragraphs and a few fragment paragraphs, from ``pool`` or generated."""
    if pool:
        picked = rng.sample(list(pool), min(len(pool), n + 4))
        return picked[:n], picked[n:]
    seed = rng.randrange(2**31)
    if language == "zh":
        return synthetic_paragraphs(seed, n, min_chars=30, max_chars=200), None
    return synthetic_english_paragraphs(seed, n), None


def damaged_set(
    external: "str | os.PathLike[str] | None",
    language: str,
    count: int,
    seed: int = 0,
    *,
    classes: Sequence[str] = DAMAGE_CLASSES,
    like_sample: bool = False,
    paragraphs: tuple[int, int] = (2, 6),
    **knobs: Any,
) -> list[DamagedDocument]:
    """``count`` damaged documents in ``language`` from real text in ``external`` (None: generated text).

    Chinese: every other document is a run of paragraphs of one SogouCS news
    page, the rest 2-6 wiki-zh-200 paragraphs.  English: one Clough-Stevenson
    text per task (1-3 tasks), or the built-in grammar.  Fragments come from
    other pages or tasks.  ``like_sample`` takes whole news pages (up to 10
    paragraphs) and whole Clough texts, as the sample is one whole page.
    ``paragraphs`` is the range of source paragraphs of a document (news
    pages and Clough texts give what they have up to its top); ``knobs`` go
    to :func:`make_damaged_document`.
    """
    rng = random.Random(seed)
    docs: list[DamagedDocument] = []
    if language == "zh" and external is not None:
        pages = [p for p in sogou_pages(external) if len(p) >= (2 if like_sample else 1)]
        wiki = wiki_zh_paragraphs(external, min_chars=30)
    elif language == "en" and external is not None:
        by_task = clough_texts(external)
    for k in range(count):
        if external is None:
            paras, frags = _draw_sources(rng, language, rng.randint(*paragraphs), None)
        elif language == "zh":
            if like_sample or k % 2 == 0:
                page = rng.choice(pages)
                m = min(len(page), 10 if like_sample else rng.randint(*paragraphs))
                a = rng.randint(0, len(page) - m)
                paras = page[a : a + m]
                frags = [p for q in rng.sample(pages, 3) for p in q if q is not page][:4]
            else:
                picked = rng.sample(wiki, rng.randint(*paragraphs) + 4)
                paras, frags = picked[:-4], picked[-4:]
        else:
            tasks = sorted(by_task)
            chosen = rng.sample(tasks, 1 if like_sample else rng.randint(1, 3))
            paras = []
            for t in chosen:
                text = rng.choice(by_task[t])
                paras += text if like_sample else text[: max(1, rng.randint(*paragraphs) // len(chosen))]
            other = [t for t in tasks if t not in chosen]
            frags = [p for t in other for p in rng.choice(by_task[t])][:4] if other else None
        docs.append(make_damaged_document(paras, rng.randrange(2**31), language=language, classes=classes, fragment_paragraphs=frags, **knobs))
    return docs
