"""Hypothesis strategies (:func:`messy_documents`, :func:`corpora`, :func:`damaged_documents`) and
whole sets of damaged documents from real text (:func:`damaged_set`).
"""

from __future__ import annotations

import os
import random
from collections.abc import Sequence
from typing import Any

from .damage import DAMAGE_CLASSES, make_damaged_document
from .documents import make_corpus, make_messy_document
from .sources import clough_texts, sogou_pages, synthetic_english_paragraphs, synthetic_paragraphs, wiki_zh_paragraphs
from .truth import DamagedDocument


def messy_documents(language: str | None = None, classes: Sequence[str] | None = None, **knobs: Any):
    """Hypothesis strategy yielding :class:`MessyDocument` (text plus truth).

    With ``language`` (``"zh"``/``"en"``) or ``classes`` it yields
    :class:`DamagedDocument` instead: see :func:`damaged_documents`.
    """
    from hypothesis import strategies as st

    if language is not None or classes is not None:
        return damaged_documents(language or "zh", classes if classes is not None else DAMAGE_CLASSES, **knobs)

    @st.composite
    def build(draw):
        seed = draw(st.integers(0, 2**31 - 1))
        n = draw(st.integers(1, 8))
        paras = synthetic_paragraphs(seed, n, min_chars=30, max_chars=160)
        return make_messy_document(paras, seed, fragments=draw(st.integers(0, 2)), **knobs)

    return build()


def corpora(max_docs: int = 60, **knobs: Any):
    """Hypothesis strategy yielding :class:`Corpus` objects of up to ``max_docs`` documents."""
    from hypothesis import strategies as st

    return st.builds(lambda seed, n: make_corpus(seed, n, **knobs), st.integers(0, 2**31 - 1), st.integers(1, max_docs))


# --- strategies and whole sets of damaged documents ----------------------------------------------

def damaged_documents(
    language: str = "zh",
    classes: Sequence[str] = DAMAGE_CLASSES,
    *,
    pool: Sequence[str] | None = None,
    max_paragraphs: int = 6,
    **knobs: Any,
):
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
    def build(draw):
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
    external: str | os.PathLike[str] | None,
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
