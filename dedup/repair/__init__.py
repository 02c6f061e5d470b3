"""Evidence-based repairs (consensus of copies, doubled and dropped characters, variants).

Every repair is an :class:`~dedup.model.Edit` with a rule name, a reason, its
evidence and a confidence.  ``mode`` is ``off``, ``safe`` (default: only
repairs with strong evidence) or ``aggressive``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

from ..draft import Draft
from ..normalize.stitch import Unit

Mode = Literal["off", "safe", "aggressive"]


@dataclass(frozen=True)
class RepairConfig:
    """Which repairs run."""

    mode: Mode = "safe"

    def __post_init__(self) -> None:
        if self.mode not in ("off", "safe", "aggressive"):
            raise ValueError(f"repair mode must be off, safe or aggressive, not {self.mode!r}")


def repair_units(draft: Draft, units: Sequence[Unit], config: RepairConfig = RepairConfig()) -> None:
    """Run the enabled repairs over every unit's current text (no-op for now)."""
    if config.mode == "off":
        return


def consensus(draft: Draft, units: Sequence[Unit], members: Sequence[int], target: int, cluster_id: int, config: RepairConfig = RepairConfig()) -> None:
    """Correct the text at unit ``target`` by the majority reading of the cluster's copies (no-op for now).

    ``members`` are unit indices of the copies (sorted; ``target`` is the first
    occurrence, where the canonical text now stands).  Edits go through
    ``draft.rewrite``/``replace_current`` with rule ``repair.consensus``.
    """
    if config.mode == "off" or len(members) < 3:
        return
