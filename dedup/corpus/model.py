"""The corpus mode's data, shared by the run (:mod:`dedup.corpus.run`), its checkpoint and its index.

Plain records and the reason codes only, so the modules that store them (:mod:`dedup.corpus.checkpoint`,
:mod:`dedup.corpus.index`) need not import the run that computes them.  :mod:`dedup.corpus` re-exports every
name here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

#: verification outcomes, stored as small integers in the index
REASONS: tuple[str, ...] = ("below threshold", "similar", "identical", "contained")
#: each reason's code (its place in REASONS)
REASON_CODE: dict[str, int] = {r: i for i, r in enumerate(REASONS)}


@dataclass
class Prints:
    """Fingerprints of one batch of documents (what the index stores)."""

    keys: list[str]
    keyhash: np.ndarray
    keylen: np.ndarray
    shingles: np.ndarray
    bands: np.ndarray
    units: np.ndarray
    unit_off: np.ndarray
    unit_len: np.ndarray
    #: each unit's hash in text order (0: too short to count), so finishing never keys a document again
    span_units: np.ndarray
    span_off: np.ndarray


@dataclass
class Finished:
    """What :func:`dedup.corpus.batch.finish_batch` returns for one document."""

    text: str | None
    units: int
    boilerplate_units: int
    boilerplate_removed: int
    boilerplate_share: float


@dataclass(frozen=True)
class CorpusDoc:
    """One document's fate: kept (with its output text) or a duplicate of another.

    ``record`` is the input record (None for a revised earlier document,
    whose record is not in this run).
    """

    id: str
    record: dict[str, Any] | None
    text: str | None
    cluster: str
    duplicate_of: str | None
    score: float | None
    match: str | None
    cluster_size: int
    boilerplate_units: int = 0
    boilerplate_removed: int = 0
    boilerplate_share: float = 0.0
    chars_in: int | None = None
    revised: bool = False
    #: "giant cluster" when the cluster reaches ``CorpusConfig.giant_cluster`` members, "template
    #: cluster" when its members share mostly one text (``CorpusConfig.template_cluster``)
    warning: str | None = None
    #: why this document was left as it is (a record over ``max_record_bytes``); None normally
    note: str | None = None

    @property
    def kept(self) -> bool:
        return self.duplicate_of is None

    def report(self) -> dict[str, Any]:
        """The report line: at least id, cluster, duplicate_of and score."""
        d: dict[str, Any] = {
            "id": self.id,
            "cluster": self.cluster,
            "duplicate_of": self.duplicate_of,
            "score": self.score,
            "match": self.match,
            "cluster_size": self.cluster_size,
        }
        if self.warning:
            d["warning"] = self.warning
        if self.revised:
            d["revised"] = True
            if self.note is not None:
                d["note"] = self.note
        else:
            d.update(
                boilerplate_units=self.boilerplate_units,
                boilerplate_removed=self.boilerplate_removed,
                boilerplate_share=self.boilerplate_share,
                chars_in=self.chars_in,
                chars_out=None if self.text is None else len(self.text),
            )
            if self.note is not None:
                d["note"] = self.note
        return d


__all__ = ["REASONS", "REASON_CODE", "CorpusDoc", "Finished", "Prints"]
