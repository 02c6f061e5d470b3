"""What the generators know about what they made: the truth records of messy documents, corpora
and damaged documents, and the :class:`Quality` that :func:`~dedup.testing.damage.measure` gives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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


@dataclass(frozen=True)
class Corpus:
    """Documents (``{"id", "text"}`` dicts, in corpus order) and their true cluster labels."""

    records: tuple[dict[str, Any], ...]
    truth: dict[str, int] = field(default_factory=dict)


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
