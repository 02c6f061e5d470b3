"""``dedup-text --diff[=lines|words|chars]``: what cleaning changed, readably.

``lines`` is the unified diff of ``diff -u``.  ``words`` and ``chars`` keep
its hunks and its ``-``/``+`` lines for whole paragraphs removed or added,
but show a changed paragraph once, marked inside like ``git diff
--word-diff``::

    ~…政府履职督导评价主要[-內-]{+内+}容,建立常态化督导机制…
    ~…切实加强经费保[-⏎⏎-]障。自治区、盟市…

A line starting with ``~`` holds old and new in one; ``⏎`` is a line break
removed or added.  ``chars`` compares character by character (best for
Chinese and Japanese, which have no spaces); ``words`` compares words in
Latin script and characters in CJK text.  Colour on a terminal only.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from .chardata import CHAR_WORD_CLASS

DiffMode = Literal["lines", "words", "chars"]

#: a changed block with more tokens than this (old + new) is shown as -/+ lines: the
#: token comparison is quadratic at worst, and so large a change reads no better inline
MAX_INLINE_TOKENS = 40_000
#: lines of context around each change, as ``diff -u``
CONTEXT = 3
LINE_BREAK = "⏎"

_CJK = CHAR_WORD_CLASS
#: a word of Latin (Cyrillic, Greek...) letters and digits, one CJK character, a run of spaces, or any other one character
_WORD = re.compile(rf"[^\W{_CJK}]+|[ \t]+|.", re.DOTALL)


@dataclass(frozen=True)
class Style:
    """How removed and added text is marked: brackets always, ANSI colour on a terminal."""

    colour: bool = False

    def removed(self, text: str) -> str:
        return self._paint("31", f"[-{text}-]")

    def added(self, text: str) -> str:
        return self._paint("32", f"{{+{text}+}}")

    def line(self, prefix: str, text: str) -> str:
        """A whole line (``-``, ``+``, ``@@``...); its newline stays outside the colour."""
        body = (prefix + text).removesuffix("\n")
        return self._paint({"-": "31", "+": "32", "@": "36"}.get(prefix[:1]), body) + text[len(text.rstrip("\n")) :]

    def _paint(self, code: str | None, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[m" if self.colour and code else text


def diff(before: str, after: str, *, name: str, mode: DiffMode = "lines", colour: bool = False) -> str:
    """The diff of ``before`` -> ``after`` (the input and the cleaned text of ``name``); empty when equal."""
    style = Style(colour)
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, a, b)  # the hunks of difflib.unified_diff, in every mode
    out: list[str] = []
    for group in matcher.get_grouped_opcodes(CONTEXT):
        if not out:
            out += [style.line("---", f" {name}\n"), style.line("+++", f" {name} (cleaned)\n")]
        first, last = group[0], group[-1]
        out.append(style.line("@@", f" -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [" " + line for line in a[i1:i2]]
            elif tag == "replace" and mode != "lines":
                out += _inline(a[i1:i2], b[j1:j2], mode, style)
            else:
                out += [style.line("-", line) for line in a[i1:i2]]
                out += [style.line("+", line) for line in b[j1:j2]]
    return "".join(_end_line(line) for line in out)


def tokens(text: str, mode: DiffMode) -> list[str]:
    """What ``mode`` compares: characters, or words (each CJK character a word).

    >>> tokens("abc de 双减", "words")
    ['abc', ' ', 'de', ' ', '双', '减']
    """
    return list(text) if mode == "chars" else _WORD.findall(text)


def _range(start: int, stop: int) -> str:
    """A hunk range as ``diff -u`` writes it (line numbers from 1; an empty range names the line before)."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def _end_line(line: str) -> str:
    """A last line without its newline gets the marker ``diff -u`` gives it."""
    return line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"


@dataclass
class _Piece:
    """A run of tokens of the merged text: the same in both (``old == new``), or changed."""

    old: list[str]
    new: list[str]
    same: bool


def _inline(old_lines: list[str], new_lines: list[str], mode: DiffMode, style: Style) -> list[str]:
    """One changed block, old and new merged into ``~`` lines; whole lines removed or added stay ``-``/``+``."""
    ta, tb = tokens("".join(old_lines), mode), tokens("".join(new_lines), mode)
    if len(ta) + len(tb) > MAX_INLINE_TOKENS:
        return [style.line("-", x) for x in old_lines] + [style.line("+", x) for x in new_lines]
    return list(_render(_semantic(_pieces(ta, tb)), style))


def _pieces(ta: list[str], tb: list[str]) -> list[_Piece]:
    pieces: list[_Piece] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
        pieces.append(_Piece(ta[i1:i2], tb[j1:j2], tag == "equal"))
    return pieces


def _semantic(pieces: list[_Piece]) -> list[_Piece]:
    """Fold into the changes around it every common run no longer (in tokens) than both of them.

    Between two unrelated sentences a character-level comparison finds
    scattered common characters (的, ，, 是); shown as they are the change
    would be unreadable.  The rule is diff-match-patch's semantic cleanup.
    """
    k = 1
    while k < len(pieces) - 1:
        before, same, after = pieces[k - 1], pieces[k], pieces[k + 1]
        n = len(same.old)
        if same.same and not before.same and not after.same and n <= max(len(before.old), len(before.new)) and n <= max(len(after.old), len(after.new)):
            pieces[k - 1 : k + 2] = [_Piece(before.old + same.old + after.old, before.new + same.new + after.new, False)]
            k = max(1, k - 2)  # the grown change may now swallow the common run before it
        else:
            k += 1
    return pieces


def _render(pieces: list[_Piece], style: Style) -> Iterator[str]:
    """The merged text as lines: in the layout of the new text, removed line breaks shown as ⏎."""
    line: list[str] = []
    marked = False

    def flush() -> str:
        nonlocal marked
        text = ("~" if marked else " ") + "".join(line) + "\n"
        line.clear()
        marked = False
        return text

    for piece in pieces:
        if piece.same:
            for part in re.split(r"(?<=\n)", "".join(piece.old)):
                if part.rstrip("\n"):
                    line.append(part.rstrip("\n"))
                if part.endswith("\n"):
                    yield flush()
            continue
        old, new = "".join(piece.old), "".join(piece.new)
        if not line:  # at the start of a line: whole lines removed or added read best as -/+ lines
            while "\n" in old:
                cut = old.index("\n") + 1
                yield style.line("-", old[:cut])
                old = old[cut:]
            while "\n" in new and not old:
                cut = new.index("\n") + 1
                yield style.line("+", new[:cut])
                new = new[cut:]
        if old:
            line.append(style.removed(old.replace("\n", LINE_BREAK)))
            marked = True
        for k, part in enumerate(new.split("\n")):
            if k:
                line.append(style.added(LINE_BREAK))
                marked = True
                yield flush()
            if part:
                line.append(style.added(part))
                marked = True
    if line:
        yield flush()[:-1]  # the text did not end with a newline


__all__ = ["DiffMode", "diff", "tokens", "MAX_INLINE_TOKENS"]
