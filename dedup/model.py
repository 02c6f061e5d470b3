"""The domain objects every stage speaks: spans, blocks, edits, clusters.

All positions are character offsets into the *decoded input*: the text after
byte decoding and newline normalisation (see :mod:`dedup.io.read`).  Nothing
downstream ever renumbers them, so every decision in a report can be traced
back to the characters it is about.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any


class Reason(IntEnum):
    """Why a verified pair was (or was not) accepted as near-duplicate; the value is the stored code.

    One home for both modes: the document mode's pair scores and the corpus
    index (whose files hold these codes, so the values never change).

    >>> Reason.CONTAINED.label, REASONS[Reason.SIMILAR]
    ('contained', 'similar')
    """

    BELOW_THRESHOLD = 0
    SIMILAR = 1
    IDENTICAL = 2
    CONTAINED = 3

    @property
    def label(self) -> str:
        """The reason as reports spell it (``"below threshold"``)."""
        return self.name.lower().replace("_", " ")


#: every reason's label, by code
REASONS: tuple[str, ...] = tuple(r.label for r in Reason)

@dataclass(frozen=True, order=True)
class Span:
    """A half-open character range ``[start, end)`` of the decoded input."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"invalid span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    def slice(self, text: str) -> str:
        return text[self.start : self.end]

    def as_list(self) -> list[int]:
        return [self.start, self.end]


@dataclass(frozen=True)
class Block:
    """A unit of segmentation (a paragraph or a line) and where it came from.

    ``text`` is always exactly ``input[span.start:span.end]``.
    """

    index: int
    span: Span
    text: str
    kind: str = "paragraph"  # "paragraph", "line" or "heading"


@dataclass(frozen=True)
class Unit:
    """One or more consecutive blocks that form one paragraph after stitching (:mod:`dedup.normalize.stitch`).

    What the repair, the reconstruction and the report work on: ``index`` its
    place in the document, ``blocks`` the :class:`Block` indices it joins,
    ``span`` the input range they cover, ``kind`` how it was formed.
    """

    index: int
    blocks: tuple[int, ...]
    span: Span
    kind: str

@dataclass(frozen=True)
class Edit:
    """One named change of the input: ``input[span]`` (== ``before``) became ``after``.

    Edits never overlap.  When a later stage touches text an earlier stage
    already changed, the two become one edit whose ``subsumes`` lists the
    earlier ones, so the report stays a replayable plan:
    applying every edit to the input gives the output, character for character.
    """

    span: Span
    before: str
    after: str
    rule: str
    reason: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    confidence: float = 1.0
    subsumes: tuple[Edit, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "span": self.span.as_list(),
            "before": self.before,
            "after": self.after,
            "rule": self.rule,
            "reason": self.reason,
            "evidence": dict(self.evidence),
            "confidence": round(float(self.confidence), 4),
        }
        if self.subsumes:
            d["subsumes"] = [e.to_dict() for e in self.subsumes]
        return d

    @property
    def rules(self) -> tuple[str, ...]:
        """This edit's rule and those of every edit it absorbed, oldest first."""
        out: list[str] = []
        for e in self.subsumes:
            out.extend(e.rules)
        out.append(self.rule)
        return tuple(out)


@dataclass(frozen=True)
class Pair:
    """A verified candidate pair of items and the scores that decided it."""

    a: int
    b: int
    jaccard: float
    containment: float
    similarity: float
    accepted: bool
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "jaccard": round(self.jaccard, 4),
            "containment": round(self.containment, 4),
            "similarity": round(self.similarity, 4),
            "accepted": self.accepted,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Cluster:
    """Items judged near-duplicates of each other (ids are item indices, sorted)."""

    id: int
    members: tuple[int, ...]
    pairs: tuple[Pair, ...] = ()
