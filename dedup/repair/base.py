"""What every repair proposes: a change of a text, with its evidence.

Repairs look at the current text of one unit and propose :class:`Repair`
objects in that text's coordinates; :func:`dedup.repair.repair_units` turns
them into :class:`~dedup.model.Edit` objects through the Draft, so every
change lands in the report in input coordinates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, order=True)
class Repair:
    """Replace ``text[start:end]`` by ``after``, because of ``evidence``."""

    start: int
    end: int
    after: str
    rule: str = field(compare=False)
    reason: str = field(compare=False)
    evidence: Mapping[str, Any] = field(default_factory=dict, compare=False)
    confidence: float = field(default=1.0, compare=False)


def apply_repairs(text: str, repairs: Iterable[Repair]) -> str:
    """``text`` with non-overlapping ``repairs`` applied (for tests and benchmarks).

    >>> apply_repairs("建立立政府", [Repair(2, 3, "", "r", "why")])
    '建立政府'
    """
    out, pos = [], 0
    for r in sorted(repairs):
        out.append(text[pos : r.start])
        out.append(r.after)
        pos = r.end
    out.append(text[pos:])
    return "".join(out)


def disjoint(repairs: Iterable[Repair]) -> list[Repair]:
    """Drop repairs that overlap an earlier (leftmost-first) one.

    An insertion touching another repair is dropped too: two repairs of the
    same spot from two rules disagree about it, and a disagreement is not
    strong evidence.  Neighbouring replacements (two stray characters in a
    row) both stay.
    """
    out: list[Repair] = []
    for r in sorted(repairs):
        if out:
            prev = out[-1]
            if r.start < prev.end or (r.start == prev.end and (r.start == r.end or prev.start == prev.end)):
                continue
        out.append(r)
    return out
