"""A text being rewritten that never forgets where its characters came from.

A :class:`Draft` is a sequence of *pieces* covering the decoded input without
gaps: verbatim pieces (a slice of the input, unchanged) and edit pieces (an
:class:`~dedup.model.Edit` whose ``after`` replaces its span).  Stages rewrite
the draft in input coordinates (:meth:`Draft.replace`) or in the coordinates of
the current text of a region (:meth:`Draft.replace_current`).  A change that
touches an earlier edit absorbs it, so edits never overlap and
``apply_edits(input, draft.edits()) == draft.text`` always holds.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz.distance import Levenshtein

from .model import Edit, Span


@dataclass
class _Piece:
    start: int
    end: int
    edit: Edit | None  # None: verbatim input

    def text(self, source: str) -> str:
        return source[self.start : self.end] if self.edit is None else self.edit.after


class Draft:
    """Rewritable view of ``source``; see the module docstring.

    >>> d = Draft("建立立政府")
    >>> d.replace(2, 3, "", rule="repair.doubled_char", reason="立 doubled")
    >>> d.text
    '建立政府'
    >>> [(e.span.as_list(), e.before, e.after) for e in d.edits()]
    [([2, 3], '立', '')]
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self._pieces: list[_Piece] = [_Piece(0, len(source), None)] if source else []

    # -- reading ---------------------------------------------------------
    @property
    def text(self) -> str:
        return "".join(p.text(self.source) for p in self._pieces)

    def edits(self) -> list[Edit]:
        return [p.edit for p in self._pieces if p.edit is not None]

    def edits_in(self, start: int, end: int) -> list[Edit]:
        """The edits whose input span lies in ``[start, end)`` (an insertion at either border too), in order.

        The same as filtering :meth:`edits`, found by binary search: asking it once
        per paragraph does not cost the whole list each time.
        """
        return [p.edit for p in self._pieces_in(start, end) if p.edit is not None]

    def current(self, start: int, end: int) -> str:
        """Current text of the input region ``[start, end)``.

        Region bounds must not fall strictly inside an edit piece.
        """
        if self._verbatim_around(start, end):
            return self.source[start:end]
        out = []
        for p in self._pieces_in(start, end):
            if p.edit is None:
                out.append(self.source[max(p.start, start) : min(p.end, end)])
            else:
                out.append(p.edit.after)
        return "".join(out)

    def inserted_at(self, pos: int) -> str:
        """Text an edit inserted at input position ``pos`` (``""`` if none; there is at most one)."""
        k = bisect.bisect_left(self._pieces, pos, key=_piece_end)
        while k < len(self._pieces) and self._pieces[k].start <= pos:
            p = self._pieces[k]
            if p.edit is not None and p.start == p.end == pos:
                return p.edit.after
            k += 1
        return ""

    def touched(self, start: int, end: int) -> bool:
        """True if an edit lies in, or inserts into, ``[start, end)``."""
        return any(p.edit is not None for p in self._pieces_in(start, end))

    # -- writing ---------------------------------------------------------
    def replace(
        self,
        start: int,
        end: int,
        after: str,
        *,
        rule: str,
        reason: str,
        evidence: Mapping[str, Any] | None = None,
        confidence: float = 1.0,
    ) -> None:
        """Replace input ``[start, end)`` by ``after``.

        Earlier edits inside the range are absorbed (their text is replaced
        too).  Neither border may fall strictly inside an earlier edit: use
        :meth:`replace_current` to edit text that an earlier stage produced.
        """
        if not 0 <= start <= end <= len(self.source):
            raise ValueError(f"span [{start}, {end}) outside input of length {len(self.source)}")
        # only pieces ending after `start` and starting before `end` can be cut
        k = self._first_ending_after(start)
        while k < len(self._pieces) and self._pieces[k].start < end:
            p = self._pieces[k]
            if p.edit is not None and (p.start < start < p.end or p.start < end < p.end):
                raise ValueError(f"span [{start}, {end}) cuts into an earlier edit at {p.start}")
            k += 1
        region = Span(start, end)
        cur = self.current(start, end) if start < end else ""
        if start == end:
            # an insertion goes after any text already inserted at that point
            self.replace_current(Span(start, start), len(cur), len(cur), after, rule=rule, reason=reason, evidence=evidence, confidence=confidence)
        else:
            self.replace_current(region, 0, len(cur), after, rule=rule, reason=reason, evidence=evidence, confidence=confidence)

    def replace_current(
        self,
        region: Span,
        cur_start: int,
        cur_end: int,
        after: str,
        *,
        rule: str,
        reason: str,
        evidence: Mapping[str, Any] | None = None,
        confidence: float = 1.0,
    ) -> None:
        """Replace ``current[cur_start:cur_end]`` of ``self.current(region)``.

        A border inside an earlier edit snaps outwards to that edit's borders
        and the edit is absorbed, carrying its text outside the range over, so
        the region's text becomes exactly
        ``current[:cur_start] + after + current[cur_end:]``.
        """
        if not 0 <= cur_start <= cur_end:
            raise ValueError("invalid current range")
        idx, offs = self._layout(region)
        total = offs[-1][1] if offs else 0
        if cur_end > total:
            raise ValueError(f"current range ends at {cur_end}, region text has {total} characters")
        if cur_start == cur_end and after == "":
            return
        # left border: the first piece holding a character at or after cur_start
        kl = next((k for k, (a, b) in enumerate(offs) if b > cur_start), len(offs))
        # a pure insertion (empty range) replaces no piece (unless absorbed below)
        kr = max(k for k, (a, b) in enumerate(offs) if a < cur_end) if cur_end > cur_start else kl - 1
        prefix = suffix = ""
        if kl < len(offs):
            p = self._pieces[idx[kl]]
            a = offs[kl][0]
            if p.edit is None:
                lo = self._clip(p, region)[0] + (cur_start - a)
            else:
                lo, prefix = p.start, p.edit.after[: cur_start - a]
                kr = max(kr, kl)
        else:
            lo = region.end if not offs else self._clip(self._pieces[idx[-1]], region)[1]
        if kr >= kl:
            p = self._pieces[idx[kr]]
            a = offs[kr][0]
            if p.edit is None:
                hi = self._clip(p, region)[0] + (cur_end - a)
            else:
                hi, suffix = p.end, p.edit.after[cur_end - a :]
        else:
            hi = lo
        # never leave two insertions at one point: absorb neighbouring ones
        if kl < len(idx):
            first = idx[kl]
        elif idx and self._pieces[idx[-1]].edit is None and self._pieces[idx[-1]].end > lo:
            first = idx[-1] + 1  # insertion inside the last verbatim piece: split below
        else:
            first = self._insert_index(lo)
        last = idx[kr] if kr >= kl else first - 1
        if last < first and first > 0:
            prev = self._pieces[first - 1]
            if prev.edit is not None and prev.start == prev.end == lo:
                first -= 1
                prefix = prev.edit.after + prefix
        absorbed = [self._pieces[k].edit for k in range(first, last + 1) if self._pieces[k].edit is not None]
        new_after = prefix + after + suffix
        replacement: list[_Piece] = []
        if first <= last:
            fp, lp = self._pieces[first], self._pieces[last]
            if fp.edit is None and fp.start < lo:
                replacement.append(_Piece(fp.start, lo, None))
        before = self.source[lo:hi]
        if new_after != before or absorbed:
            if new_after == before:
                if hi > lo:
                    replacement.append(_Piece(lo, hi, None))
            else:
                edit = Edit(
                    span=Span(lo, hi),
                    before=before,
                    after=new_after,
                    rule=rule,
                    reason=reason,
                    evidence=dict(evidence or {}),
                    confidence=confidence,
                    subsumes=tuple(e for e in absorbed if e is not None),
                )
                replacement.append(_Piece(lo, hi, edit))
        else:
            return
        if first <= last:
            lp = self._pieces[last]
            if lp.edit is None and hi < lp.end:
                replacement.append(_Piece(hi, lp.end, None))
            self._pieces[first : last + 1] = replacement
        else:
            # pure insertion at lo inside or between pieces
            k = self._insert_index(lo)
            if k < len(self._pieces) and self._pieces[k].edit is None and self._pieces[k].start < lo:
                p = self._pieces[k]
                self._pieces[k : k + 1] = [_Piece(p.start, lo, None), *replacement, _Piece(lo, p.end, None)]
            else:
                self._pieces[k:k] = replacement

    def rewrite(self, region: Span, new_text: str, **meta: Any) -> int:
        """Turn the current text of ``region`` into ``new_text`` by minimal edits.

        Differences are located with ``rapidfuzz``'s Levenshtein opcodes, so a
        one-character repair becomes a one-character edit, not a paragraph
        replacement.  Returns the number of edits made.
        """
        old = self.current(region.start, region.end)
        if old == new_text:
            return 0
        ops = _merge_adjacent([op for op in Levenshtein.opcodes(old, new_text) if op.tag != "equal"])
        # right to left, so that earlier current positions stay valid
        for s1, e1, s2, e2 in reversed(ops):
            self.replace_current(region, s1, e1, new_text[s2:e2], **meta)
        return len(ops)

    # -- internals -------------------------------------------------------
    def _verbatim_around(self, start: int, end: int) -> bool:
        """Is the non-empty region ``[start, end)`` inside one verbatim piece, with no insertion at its end?

        Then its current text is the input's (most paragraphs, most of the time:
        the reconstruction reads each one again for every sentence it compares),
        and :meth:`current` needs no layout.  An insertion at ``start`` cannot
        exist inside a piece that begins before ``start``, and one at a piece's
        own start ends before it, so bisection finds it first.
        """
        if start >= end:
            return False
        pieces = self._pieces
        k = bisect.bisect_left(pieces, start, key=_piece_end)
        if k == len(pieces):
            return False
        p = pieces[k]
        if p.edit is not None or p.start > start or p.end < end:
            return False
        if p.end > end:
            return True
        # the piece ends where the region does: an insertion there belongs to the region
        nxt = pieces[k + 1] if k + 1 < len(pieces) else None
        return nxt is None or nxt.edit is None or nxt.start != nxt.end

    def _pieces_in(self, start: int, end: int) -> Iterable[_Piece]:
        idx, _ = self._layout(Span(start, end))
        return [self._pieces[k] for k in idx]

    def _layout(self, region: Span) -> tuple[list[int], list[tuple[int, int]]]:
        """Indices of the pieces making up ``region`` and their current offsets.

        A verbatim piece counts when it overlaps the region; an edit piece when
        its source lies inside the region (an insertion at either border too,
        except for an empty region at its own point, which takes all).
        """
        idx: list[int] = []
        offs: list[tuple[int, int]] = []
        acc = 0
        pieces = self._pieces
        # pieces are contiguous and sorted, so starts and ends both ascend:
        # bisect to the first candidate instead of scanning the whole document
        # (a scan made cleaning n paragraphs O(n^2): minutes for 4,000 blocks)
        first = bisect.bisect_left(pieces, region.start, key=_piece_end)
        for k in range(first, len(pieces)):
            p = pieces[k]
            if p.start > region.end:
                break
            if p.edit is None:
                lo, hi = max(p.start, region.start), min(p.end, region.end)
                if lo >= hi:
                    continue
                n = hi - lo
            else:
                if not (region.start <= p.start and p.end <= region.end):
                    continue
                n = len(p.edit.after)
            idx.append(k)
            offs.append((acc, acc + n))
            acc += n
        return idx, offs

    @staticmethod
    def _clip(p: _Piece, region: Span) -> tuple[int, int]:
        return max(p.start, region.start), min(p.end, region.end)

    def _insert_index(self, pos: int) -> int:
        """Where a new zero-width piece at ``pos`` goes (after insertions there).

        That is the first piece ending after ``pos``: it starts after ``pos``,
        or at ``pos`` with some width, or straddles ``pos``.
        """
        return bisect.bisect_right(self._pieces, pos, key=_piece_end)

    def _first_ending_after(self, pos: int) -> int:
        """Index of the first piece whose end is past ``pos`` (binary search)."""
        return bisect.bisect_right(self._pieces, pos, key=_piece_end)

    def _check(self) -> None:
        pos = 0
        for p in self._pieces:
            assert p.start == pos, (p.start, pos)
            pos = p.end
        assert pos == len(self.source)


def _piece_end(p: _Piece) -> int:
    return p.end


def _merge_adjacent(ops: Sequence[Any]) -> list[tuple[int, int, int, int]]:
    """Merge opcodes that touch, so one typo gives one edit."""
    out: list[list[int]] = []
    for op in ops:
        if out and out[-1][1] == op.src_start and out[-1][3] == op.dest_start:
            out[-1][1] = op.src_end
            out[-1][3] = op.dest_end
        else:
            out.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    return [(a, b, c, d) for a, b, c, d in out]


def apply_edits(source: str, edits: Sequence[Edit]) -> str:
    """Replay a report's edits on its input.

    >>> apply_edits("abc", [Edit(Span(1, 2), "b", "B", "x", "y")])
    'aBc'
    """
    out = []
    pos = 0
    for e in sorted(edits, key=lambda e: (e.span.start, e.span.end)):
        if e.span.start < pos:
            raise ValueError(f"edits overlap at {e.span.start}")
        out.append(source[pos : e.span.start])
        out.append(e.after)
        pos = e.span.end
    out.append(source[pos:])
    return "".join(out)
