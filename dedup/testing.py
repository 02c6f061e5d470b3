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
* :func:`messy_documents` and :func:`corpora` are hypothesis strategies.

>>> doc = make_messy_document(synthetic_paragraphs(7, 5), seed=7)
>>> doc.text.count("\\n\\n") > 5 and len(doc.truth.paragraphs) == 5
True
"""

from __future__ import annotations

import importlib.util
import os
import random
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


def messy_documents(**knobs: Any):  # type: ignore[no-untyped-def]
    """Hypothesis strategy yielding :class:`MessyDocument` (text plus truth)."""
    from hypothesis import strategies as st

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
