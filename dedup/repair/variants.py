"""Stray traditional or variant characters in a simplified-Chinese document.

Scraped and OCR'd copy often carries a few traditional characters into
simplified text (``主要內容`` where the rest of the document writes ``内容``).
In a document that is predominantly simplified, each such character is
converted with OpenCC's table.  A document that is written in traditional
Chinese is left alone unless the configuration asks for conversion: its
"stray" characters are its script.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .base import Repair
from .lexicon import Lexicon, OpenCCTables

Script = Literal["simplified", "traditional", "mixed", "none"]
RULE = "repair.variant_char"


@dataclass(frozen=True)
class ScriptVote:
    """How many characters of a text are evidence for each script."""

    simplified: int
    traditional: int

    @property
    def script(self) -> Script:
        """Simplified when simplified-only characters outnumber traditional ones 9 to 1."""
        s, t = self.simplified, self.traditional
        if s + t == 0:
            return "none"
        if s >= 5 and s >= 9 * t:
            return "simplified"
        if t >= 5 and t >= 9 * s:
            return "traditional"
        return "mixed"


def script_vote(text: str, tables: OpenCCTables) -> ScriptVote:
    """Count the simplified-only and traditional-only characters of ``text``.

    Characters common to both scripts (人, 大, 中 ...) say nothing and are not counted.
    """
    chars = set(text)
    s = sum(text.count(c) for c in chars & tables.simplified_only)
    t = sum(text.count(c) for c in chars if c in tables.to_simplified)
    return ScriptVote(s, t)


def variant_repairs(text: str, vote: ScriptVote, tables: OpenCCTables, lexicon: Lexicon, document: str, *, convert_all: bool = False, lenient: bool = False) -> list[Repair]:
    """Repairs turning the traditional characters of ``text`` into simplified ones.

    ``vote`` is the document's :func:`script_vote`; nothing happens unless it
    says simplified (or ``convert_all`` asks for full conversion).  When OpenCC
    lists several simplified forms, the one that forms a word with the
    neighbouring characters (in the lexicon or the document) is taken; without
    such a word the first (standard) form is taken only for ``convert_all``.
    """
    if not convert_all and vote.script != "simplified":
        return []
    to_simp = tables.to_simplified
    hits = [i for i, c in enumerate(text) if c in to_simp]
    out: list[Repair] = []
    for i in hits:
        c = text[i]
        forms = to_simp[c]
        best, word = _pick_form(text, i, forms, lexicon, document)
        if best is None:
            # no word to show for it: only a full conversion (asked for) or the
            # aggressive mode converts; in safe mode a lone variant amid
            # unrecognisable text (leftover mojibake) is no evidence
            if not (convert_all or (lenient and len(forms) == 1 and _plain_neighbours(text, i))):
                continue
            best = forms[0]
        evidence = {
            "character": c,
            "simplified": best,
            "opencc_forms": list(forms),
            "document_simplified_chars": vote.simplified,
            "document_traditional_chars": vote.traditional,
        }
        if word:
            evidence["word"] = word
            evidence["word_in_document"] = document.count(word)
            evidence["word_frequency"] = lexicon.freq(word)
        why = "the document is written in simplified Chinese" if not convert_all else "conversion to simplified Chinese was asked for"
        reason = f"stray traditional/variant character {c} → {best}: {why}" + (f"; {word} is a word" if word else "")
        out.append(Repair(i, i + 1, best, RULE, reason, evidence, 0.95 if word else 0.85))
    return out


def _plain_neighbours(text: str, i: int) -> bool:
    """True if the characters around ``i`` are ordinary text (not leftover mojibake: rare hanzi, U+FFFD)."""
    from ..normalize.mojibake import common_hanzi

    common = common_hanzi()
    for c in text[max(0, i - 1) : i] + text[i + 1 : i + 2]:
        if c == "\ufffd" or ("\u3400" <= c <= "\u9fff" and c not in common):
            return False
    return True


def _pick_form(text: str, i: int, forms: tuple[str, ...], lexicon: Lexicon, document: str) -> tuple[str | None, str]:
    """The simplified form that makes a word with its neighbours, and that word."""
    best: tuple[int, str, str] | None = None
    for f in forms:
        fixed = text[:i] + f + text[i + 1 :]
        for w in lexicon.covers(fixed, i, i + 1):
            score = lexicon.freq(w) + 1000 * document.count(w)
            if best is None or score > best[0]:
                best = (score, f, w)
    if best is None:
        return None, ""
    return best[1], best[2]


def full_conversion_repairs(text: str) -> list[Repair]:
    """Every traditional character converted with OpenCC's phrase-aware ``t2s`` (asked for explicitly)."""
    from rapidfuzz.distance import Levenshtein

    converted = _t2s()(text)
    if converted == text:
        return []
    out = []
    for op in Levenshtein.opcodes(text, converted):
        if op.tag == "equal":
            continue
        before, after = text[op.src_start : op.src_end], converted[op.dest_start : op.dest_end]
        reason = f"conversion to simplified Chinese was asked for: {before} → {after} (OpenCC t2s)"
        out.append(Repair(op.src_start, op.src_end, after, RULE, reason, {"character": before, "simplified": after, "converter": "opencc t2s"}, 1.0))
    return out


def _t2s():  # type: ignore[no-untyped-def]
    """OpenCC's t2s converter, built once."""
    global _T2S
    if _T2S is None:
        import opencc

        _T2S = opencc.OpenCC("t2s").convert
    return _T2S


_T2S = None
