"""Messy documents like the sample (:func:`make_messy_document`) and corpora with known
duplicates (:func:`make_corpus`), and how a clustering scores against a truth (:func:`pair_scores`).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from .sources import COMMON, ORDINALS, dictionary_sentence, dictionary_words, synthetic_paragraphs
from .truth import Corpus, MessyDocument, Truth


def _variant(rng: random.Random, text: str) -> str:
    """One character replaced by another common character (a typo)."""
    idx = [i for i, c in enumerate(text) if "\u4e00" <= c <= "\u9fff"]
    if not idx:
        return text
    i = rng.choice(idx)
    c = rng.choice([x for x in COMMON if x != text[i]])
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
    marked = [(ORDINALS[i % 10] + "是" if markers else "") + p for i, p in enumerate(paragraphs)]
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
            marker = (ORDINALS[(k + rng.randint(0, 3)) % 10] + "是") if markers and rng.random() < renumber_prob else (marked[i][: len(marked[i]) - len(body)])
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
            text = text[:i] + rng.choice(COMMON) + text[i + 1 :]
        elif r < 0.8:
            text = text[:i] + text[i + 1 :]
        else:
            text = text[:i] + rng.choice(COMMON) + text[i:]
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
    words, weights = dictionary_words() if pool is None else ((), ())
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
                        p += dictionary_sentence(rng, words, weights)
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
