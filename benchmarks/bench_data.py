"""Generated benchmark corpora, quickly: the same generator as :mod:`dedup.testing`, with its word table cached.

``dedup.testing.synthetic_paragraphs`` draws every clause with
``random.choices(words, weights=...)``, which rebuilds a 30,000-entry
cumulative table on each call (~2 ms); for 10^5 documents that is half an
hour.  :func:`paragraph_pool` draws from the same words with the same
weights but passes ``cum_weights`` once, so a 100k-document corpus takes
seconds.  Documents then come from :func:`dedup.testing.make_corpus` with
that pool, so the truth labels are the library's own.
"""

from __future__ import annotations

import itertools
import random
from functools import lru_cache

from dedup.testing import Corpus, _dictionary_words, make_corpus


@lru_cache(maxsize=1)
def _table() -> tuple[tuple[str, ...], list[float]]:
    words, weights = _dictionary_words()
    return words, list(itertools.accumulate(weights))


def paragraph_pool(seed: int, n: int, *, min_chars: int = 60, max_chars: int = 240) -> list[str]:
    """``n`` distinct Chinese paragraphs built like ``synthetic_paragraphs`` (1-3 clauses per sentence)."""
    words, cum = _table()
    rng = random.Random(seed)
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        target = rng.randint(min_chars, max_chars)
        p = ""
        while len(p) < target:
            clauses = ["".join(rng.choices(words, cum_weights=cum, k=rng.randint(3, 8))) for _ in range(rng.randint(1, 3))]
            p += "，".join(clauses) + "。"
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


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
