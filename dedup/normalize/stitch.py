"""Rejoin paragraphs that were cut mid-sentence across a blank line.

``…切实加强经费保`` / ``障。民办学校…`` is one paragraph: the first block ends
without sentence-final punctuation and the junction ``保障`` is a word the
document itself uses elsewhere.  A join needs such evidence, or a next block
that cannot start a sentence (it opens with ``，`` or a lowercase word); a
short block (a title) or a wide gap (two or more blank lines) never joins.
Where it can be wrong: a title longer than ``min_chars`` with no punctuation,
followed by a paragraph whose first character happens to form a word with the
title's last one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence

from ..draft import Draft
from ..fingerprint.keys import KeyConfig, strip_marker
from ..model import Block, Span
from ..segment import CLOSERS, SENTENCE_END

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SOFT_END = frozenset("，,、")
_LIST_MARKERS_ONLY = KeyConfig(strip_markers=True, strip_speaker=False)
_CANNOT_START = frozenset("，,、。.；;：:）)】」』”’!！?？…%")


@dataclass(frozen=True)
class StitchConfig:
    """When two blocks are one paragraph."""

    enabled: bool = True
    #: blocks shorter than this (titles, bylines) never continue into the next
    min_chars: int = 16
    #: a gap with more blank lines than this is a real break
    max_blank_lines: int = 1
    #: times the junction (last char + first char) must occur elsewhere in the document
    min_evidence: int = 1
    #: characters on each side of a cut that another copy must read straight across
    attest_chars: int = 4


@dataclass(frozen=True)
class Unit:
    """One or more consecutive blocks that form one paragraph after stitching."""

    index: int
    blocks: tuple[int, ...]
    span: Span
    kind: str


def join_reason(prev: str, nxt: str, gap: str, document: str, config: StitchConfig = StitchConfig()) -> dict | None:
    """Why ``prev`` and ``nxt`` are one paragraph, or None.

    >>> doc = "加强经费保障。切实加强经费保\\n\\n障。民办学校"
    >>> join_reason("切实加强经费保切实加强经费保切实加强", "障。民办学校", "\\n\\n", doc) is None
    True
    >>> join_reason("所需经费由自治区各级财政补助为主切实加强经费保", "障。民办学校", "\\n\\n", doc)["junction"]
    '保障'
    """
    p, n = prev.rstrip(), nxt.lstrip()
    if not p or not n or gap.count("\n") - 1 > config.max_blank_lines:
        return None
    last, first = p[-1], n[0]
    if last in SENTENCE_END or last in CLOSERS or last in ":：":
        return None
    if strip_marker(n, _LIST_MARKERS_ONLY) > 0:  # a list item starts here; a speaker-like colon does not count
        return None
    # another copy in the document reads straight across the cut: the strongest evidence
    k = min(config.attest_chars, len(p), len(n))
    if k >= 2 and _CJK.match(last):
        across = p[-k:] + n[:k]
        if across in document:
            return {"junction": last + first, "attested_by": across, "why": "another copy in the document reads straight across the cut"}
    if len(p) < config.min_chars:
        return None
    if first in _CANNOT_START:
        return {"junction": last + first, "why": "next block starts with punctuation that cannot open a sentence"}
    if _CJK.match(last) and _CJK.match(first):
        junction = last + first
        count = document.count(junction)
        if count >= config.min_evidence:
            return {"junction": junction, "occurrences_elsewhere": count, "why": "the junction is a word the document uses elsewhere"}
        if last in _SOFT_END:
            return {"junction": junction, "why": "previous block ends with a comma"}
        return None
    if last in _SOFT_END and (_CJK.match(first) or first.islower()):
        return {"junction": last + first, "why": "previous block ends with a comma"}
    if (last.isalpha() or last.isdigit()) and first.islower() and unicodedata.category(first) == "Ll":
        return {"junction": last + " " + first, "why": "next block starts with a lowercase word"}
    return None


def stitch(document: str, blocks: Sequence[Block], draft: Draft, config: StitchConfig = StitchConfig()) -> list[Unit]:
    """Group blocks into units, recording each join as a ``stitch.cut_paragraph`` edit."""
    units: list[Unit] = []
    group: list[Block] = []

    def flush() -> None:
        if group:
            kind = "heading" if group[0].kind == "heading" else group[0].kind
            units.append(Unit(len(units), tuple(b.index for b in group), Span(group[0].span.start, group[-1].span.end), kind))

    for b in blocks:
        if group and config.enabled and b.kind != "heading" and group[-1].kind != "heading":
            prev = group[-1]
            gap = document[prev.span.end : b.span.start]
            reason = join_reason(draft.current(group[0].span.start, prev.span.end), draft.current(b.span.start, b.span.end), gap, document, config)
            if reason is not None:
                latin = " " in reason["junction"]
                draft.replace(
                    prev.span.end,
                    b.span.start,
                    " " if latin else "",
                    rule="stitch.cut_paragraph",
                    reason=f"paragraph cut mid-sentence at '{reason['junction']}': {reason['why']}",
                    evidence=reason,
                    confidence=0.9,
                )
                group.append(b)
                continue
        flush()
        group = [b]
    flush()
    return units
