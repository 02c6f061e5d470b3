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

The package, by job (every public name is importable from ``dedup.testing`` itself):

- :mod:`~dedup.testing.sources` -- clean source text: jieba's dictionary words, English prose, your
  file, ../shared/data/external (:func:`external_data_dir` finds it);
- :mod:`~dedup.testing.sentences` -- splitting, joining and normalising sentences;
- :mod:`~dedup.testing.truth` -- the truth records the generators return;
- :mod:`~dedup.testing.documents` -- messy documents and corpora, :func:`pair_scores`;
- :mod:`~dedup.testing.damage` -- :func:`make_damaged_document` and :func:`measure`;
- :mod:`~dedup.testing.strategies` -- hypothesis strategies and :func:`damaged_set`.
"""

from __future__ import annotations

from .damage import (
    CONTAINED_RATIO,
    DAMAGE_CLASSES,
    MAX_MISSING_RUN,
    MAX_MISSING_SHARE,
    NEAR_DUPLICATE_RATIO,
    make_damaged_document,
    measure,
)
from .documents import make_corpus, make_messy_document, pair_scores
from .sentences import MIN_CJK_CHARS, MIN_LATIN_WORDS, counts_as_sentence, is_cjk_text, normalize_document, normalize_sentence, output_sentences, split_sentences
from .sources import (
    clough_texts,
    dictionary_words,
    external_data_dir,
    load_paragraphs,
    sogou_pages,
    synthetic_english_paragraphs,
    synthetic_paragraphs,
    synthetic_sentences,
    wiki_zh_paragraphs,
)
from .strategies import corpora, damaged_documents, damaged_set, messy_documents
from .truth import Corpus, Corruption, DamagedDocument, DocumentTruth, MessyDocument, Quality, Truth

__all__ = [
    "CONTAINED_RATIO",
    "DAMAGE_CLASSES",
    "MAX_MISSING_RUN",
    "MAX_MISSING_SHARE",
    "MIN_CJK_CHARS",
    "MIN_LATIN_WORDS",
    "NEAR_DUPLICATE_RATIO",
    "Corpus",
    "Corruption",
    "DamagedDocument",
    "DocumentTruth",
    "MessyDocument",
    "Quality",
    "Truth",
    "clough_texts",
    "corpora",
    "counts_as_sentence",
    "damaged_documents",
    "damaged_set",
    "dictionary_words",
    "external_data_dir",
    "is_cjk_text",
    "load_paragraphs",
    "make_corpus",
    "make_damaged_document",
    "make_messy_document",
    "measure",
    "messy_documents",
    "normalize_document",
    "normalize_sentence",
    "output_sentences",
    "pair_scores",
    "sogou_pages",
    "split_sentences",
    "synthetic_english_paragraphs",
    "synthetic_paragraphs",
    "synthetic_sentences",
    "wiki_zh_paragraphs",
]
