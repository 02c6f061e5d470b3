"""The corpus mode's data, shared by the run (:mod:`dedup.corpus.run`), its checkpoint and its index.

Plain records and the reason codes only, so the modules that store them (:mod:`dedup.corpus.checkpoint`,
:mod:`dedup.corpus.index`) need not import the run that computes them.  :mod:`dedup.corpus` re-exports every
name here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model import REASONS, Reason  # noqa: F401  (REASONS: its dedup.corpus.model path)

#: each verification outcome's code (its place in REASONS), as the index stores it
REASON_CODE: dict[str, int] = {r.label: int(r) for r in Reason}


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


__all__ = ["REASONS", "REASON_CODE", "Finished", "Prints"]
