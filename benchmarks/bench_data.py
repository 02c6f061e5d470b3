"""Generated benchmark corpora: :mod:`dedup.testing`'s generator, with its truth labels.

:func:`paragraph_pool` is ``dedup.testing.synthetic_paragraphs`` (jieba
dictionary words drawn with precomputed cumulative weights); documents come
from :func:`dedup.testing.make_corpus` with that pool.
"""

from __future__ import annotations

from dedup.testing import Corpus, dictionary_words, make_corpus, synthetic_paragraphs


def paragraph_pool(seed: int, n: int, *, min_chars: int = 60, max_chars: int = 240) -> list[str]:
    """``n`` distinct Chinese paragraphs (``dedup.testing.synthetic_paragraphs``)."""
    return synthetic_paragraphs(seed, n, min_chars=min_chars, max_chars=max_chars)


def corpus(seed: int, n_docs: int, **knobs) -> Corpus:  # type: ignore[no-untyped-def]
    """A :func:`~dedup.testing.make_corpus` corpus of ``n_docs`` documents (2-5 paragraphs each).

    The pool holds 3.5 paragraphs per document, so unrelated documents rarely
    share a paragraph and the truth labels stay meaningful.
    """
    pool = paragraph_pool(seed, max(8, int(n_docs * 3.5)))
    return make_corpus(seed, n_docs, paragraphs=pool, **knobs)


def document_keys(c: Corpus) -> list[str]:
    """The text each pipeline fingerprints: the document with whitespace removed.

    Every pipeline in the side-by-side gets the same strings, so differences
    are in the hot loop, not in normalisation (matching keys are timed
    separately, see ``side_by_side.py --keys``).
    """
    return ["".join(r["text"].split()) for r in c.records]


def seed_sized_paragraphs(seed: int, n: int, *, mean_chars: int = 114, dup_fraction: float = 0.3) -> list[str]:
    """``n`` paragraphs of about the sample's size (mean 114 characters), generated fast with numpy.

    Words are drawn from the same jieba table with the same weights as
    :func:`paragraph_pool`, all at once; then ``dup_fraction`` of the
    paragraphs are replaced by copies of earlier ones (half exact, half with
    one character changed), like the repeats of a messy scrape.  Used for
    the memory/scaling runs where 10^6 paragraphs must be made in seconds.
    """
    import numpy as np

    words, cum = dictionary_words()  # cumulative weights
    rng = np.random.default_rng(seed)
    cw = np.asarray(cum)
    word_len = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    mean_word = float((word_len * np.diff(np.concatenate(([0.0], cw)))).sum() / cw[-1])
    lengths = np.maximum(8, rng.normal(mean_chars, mean_chars / 3, n)).astype(np.int64)
    n_words = np.maximum(2, (lengths / mean_word).astype(np.int64))
    ids = np.searchsorted(cw, rng.random(int(n_words.sum())) * cw[-1], side="right")
    ids = np.minimum(ids, len(words) - 1)
    flat = [words[i] for i in ids.tolist()]
    ends = np.cumsum(n_words).tolist()
    out: list[str] = []
    start = 0
    for e in ends:
        out.append("".join(flat[start:e]) + "。")
        start = e
    copies = np.flatnonzero(rng.random(n) < dup_fraction)
    copies = copies[copies > 0]
    src = (rng.random(len(copies)) * copies).astype(np.int64)
    edit = rng.random(len(copies)) < 0.5
    pos = rng.random(len(copies))
    for i, s, e, p in zip(copies.tolist(), src.tolist(), edit.tolist(), pos.tolist()):
        t = out[s]
        if e and len(t) > 2:
            k = int(p * (len(t) - 1))
            t = t[:k] + ("的" if t[k] != "的" else "了") + t[k + 1 :]
        out[i] = t
    return out


def use_corpus_mode_generator() -> None:
    """Switch :func:`dedup.testing.make_corpus` to the word draws the corpus-mode numbers were measured with.

    ``corpus_scale.py`` and ``corpus_resume.py`` draw words with
    ``dictionary_words``' cumulative weights accumulated once more, which
    favours rarer words (a left-over of when ``dedup.testing`` passed plain
    weights).  It is kept, in this one place, so that the published tables in
    ``docs/corpus.md`` and ``benchmarks/README.md`` reproduce exactly; the
    tests use ``make_corpus`` as it is.
    """
    import itertools
    import random

    import dedup.testing as dt

    words, weights = dt.dictionary_words()
    cum = list(itertools.accumulate(weights))

    def sentence(rng: random.Random, w, wt) -> str:  # type: ignore[no-untyped-def]
        clauses = ["".join(rng.choices(words, cum_weights=cum, k=rng.randint(3, 8))) for _ in range(rng.randint(1, 3))]
        return "，".join(clauses) + "。"

    dt._sentence = sentence  # type: ignore[attr-defined]
