"""Corpus mode's settings: what is a near-duplicate document, what is boilerplate, what is kept.

Frozen dataclasses with measured defaults; change one with ``dataclasses.replace``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from ..cluster import MatchConfig
from ..fingerprint.keys import KeyConfig
from ..fingerprint.lsh import LSHConfig, optimal_param
from ..reconstruct import KeepName, KeepPolicy, keep_policy_name


@dataclass(frozen=True)
class BoilerplateConfig:
    """When a repeated unit is boilerplate, and what happens to it.

    A unit is boilerplate when its key (at least ``min_chars`` characters)
    occurs in at least ``min_docs`` distinct documents and in at least
    ``share`` of them.  Documents of one cluster count once: a story posted
    five times, with edits, does not make its own sentences boilerplate.
    """

    enabled: bool = True
    #: "line" (cc_net's paragraphs) or "sentence" (pages without line breaks)
    unit: Literal["line", "sentence"] = "line"
    min_docs: int = 5
    share: float = 0.0
    #: "none": removed from every document; "first": kept in the first kept document that has it
    keep: Literal["none", "first"] = "none"
    #: shorter unit keys (bare numbers, "更多") are never counted
    min_chars: int = 5

    def __post_init__(self) -> None:
        if self.unit not in ("line", "sentence"):
            raise ValueError(f"boilerplate unit must be line or sentence, not {self.unit!r}")
        if self.keep not in ("none", "first"):
            raise ValueError(f"boilerplate keep must be none or first, not {self.keep!r}")
        if self.min_docs < 2:
            raise ValueError("boilerplate min_docs must be at least 2")
        if not 0.0 <= self.share <= 1.0:
            raise ValueError("boilerplate share must be in [0, 1]")


def corpus_match() -> MatchConfig:
    """Document-level matching: the single-document engine, two settings moved.

    - edit similarity 0.85 and containment 0.9 instead of 0.8: whole news
      pages built on one template (SogouCS: two donation notices differing in
      donor and amount score 0.80 similar, 0.82 contained) are different
      stories, while republished copies score > 0.95 and a page repeated
      inside a longer one (a FAQ block) is contained at 1.0;
    - LSH from Jaccard 0.3 instead of 0.5 (42 bands of 3 rows): a page wholly
      contained in a longer one (same FAQ block, Jaccard 0.43) must become a
      candidate so that containment can be verified; the extra candidates are
      cheap to reject.
    """
    return MatchConfig(threshold=0.85, containment=0.9, lsh=LSHConfig(threshold=0.3))


@dataclass(frozen=True)
class CorpusConfig:
    """Every corpus-mode setting; change one with ``dataclasses.replace``."""

    match: MatchConfig = field(default_factory=corpus_match)
    keys: KeyConfig = field(default_factory=KeyConfig)
    boilerplate: BoilerplateConfig = field(default_factory=BoilerplateConfig)
    #: run every kept document through :func:`dedup.pipeline.clean`
    clean: bool = True
    #: settings of that per-document cleaning (None: the pipeline's defaults)
    pipeline: Any = None
    #: "most_complete" (longest key without boilerplate, then majority, then earliest) or "earliest",
    #: by name or as its function in :mod:`dedup.reconstruct` (kept as the name)
    keep: KeepName | KeepPolicy = "most_complete"
    #: documents per task
    batch_size: int = 500
    #: pairs per verification task
    verify_chunk: int = 4000
    #: clusters with at least this many members are named in the stats (a template or a chain, not a story)
    giant_cluster: int = 1000
    #: clusters of at least this many members whose members share mostly one text (see
    #: :func:`template_shares`: at least ``template_share`` of their band hashes held by half of them)
    #: are named like giant ones: a template with different fills (Marin #6851), not one story
    template_cluster: int = 20
    template_share: float = 0.5
    #: representatives per cluster tried before the rest of a cluster is kept as is (never removed unverified)
    max_solve_rounds: int = 10_000
    #: a record whose text is larger (UTF-8 bytes) is not compared or cleaned, but kept and
    #: written unchanged, with a note in its report line (None: no limit).  Cleaning costs
    #: ~100 bytes of memory per byte of text: an 8 MiB record peaked at 849 MiB and took 28 s,
    #: a 64 MiB one 7.3 GB and 137 s (docs/corpus.md).
    max_record_bytes: int | None = 8 * 1024 * 1024

    def __post_init__(self) -> None:
        object.__setattr__(self, "keep", keep_policy_name(self.keep))
        if self.batch_size < 1 or self.verify_chunk < 1:
            raise ValueError("batch sizes must be positive")
        if self.max_record_bytes is not None and self.max_record_bytes < 1:
            raise ValueError("max_record_bytes must be positive (or None)")

    def oversized(self, text: str) -> bool:
        """Whether ``text`` is above :attr:`max_record_bytes` (encoded only when it may be)."""
        limit = self.max_record_bytes
        return limit is not None and len(text) * 4 > limit and len(text.encode("utf-8", "surrogatepass")) > limit

    def bands_rows(self) -> tuple[int, int]:
        lsh = self.match.lsh
        return optimal_param(lsh.threshold, self.match.minhash.num_perm, lsh.false_positive_weight, lsh.false_negative_weight)

    def index_settings(self) -> dict[str, Any]:
        """What must match for fingerprints of two runs to be comparable."""
        bands, rows = self.bands_rows()
        return {
            "num_perm": self.match.minhash.num_perm,
            "seed": self.match.minhash.seed,
            "bands": bands,
            "rows": rows,
            "shingles": asdict(self.match.shingles),
            "keys": asdict(self.keys),
            "unit": self.boilerplate.unit,
            "unit_min_chars": self.boilerplate.min_chars,
        }


def with_decisions(config: CorpusConfig, stored: dict[str, Any] | None, given: set[str] = frozenset()) -> CorpusConfig:  # type: ignore[assignment]
    """``config`` with the keep policy and boilerplate settings an index was committed with.

    ``stored`` is :attr:`Index.decisions` (None for an index from before they
    were stored: ``config`` as it is); ``given`` names what the caller set on
    purpose (``"keep"``, or ``"boilerplate.<field>"``), which wins.

    >>> c = with_decisions(CorpusConfig(), {"keep": "earliest", "boilerplate": {"min_docs": 3, "keep": "first"}}, {"boilerplate.keep"})
    >>> c.keep, c.boilerplate.min_docs, c.boilerplate.keep
    ('earliest', 3, 'none')
    """
    if not stored:
        return config
    out = config
    if "keep" in stored and "keep" not in given:
        out = dataclasses.replace(out, keep=stored["keep"])
    fields = {f.name for f in dataclasses.fields(BoilerplateConfig)}
    bp = {k: v for k, v in (stored.get("boilerplate") or {}).items() if k in fields and f"boilerplate.{k}" not in given}
    if bp:
        out = dataclasses.replace(out, boilerplate=dataclasses.replace(out.boilerplate, **bp))
    return out



__all__ = ["BoilerplateConfig", "CorpusConfig", "corpus_match", "with_decisions"]
