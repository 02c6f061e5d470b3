"""Stray traditional or variant characters in a simplified-Chinese document.

Scraped and OCR'd copy often carries a few traditional characters into
simplified text (``主要內容`` where the rest of the document writes ``内容``).
In a document that is predominantly simplified, each such character is
converted with OpenCC's table when the simplified form makes a word with its
neighbours (``內容`` → ``内容``) or, when it makes none, when the character
stands alone among simplified text (no other traditional character within
three), its simplified form is unique and a common word by itself
(``爲独生子女`` → ``为独生子女``).  One-to-many forms (``畫`` → ``画``/``划``)
need a word; characters that are valid simplified Chinese themselves
(``乾``, ``著``, ``於``) are never converted.  A document that is written in traditional
Chinese is left alone unless the configuration asks for conversion: its
"stray" characters are its script.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Literal

from ..lexicon import Lexicon, OpenCCTables
from .base import Repair
from .reading import DocumentNgrams, document_ngrams

Script = Literal["simplified", "traditional", "mixed", "none"]
RULE = "repair.variant_char"
#: a lone traditional character is converted without a word only when its
#: simplified form is this frequent as a word by itself (对, 据, 让, 为 ...)
MIN_SINGLE_FREQ = 500
#: ... and no other traditional character stands this close to it
ISOLATION = 3


def _ngrams(document: str) -> DocumentNgrams:
    """The document's n-gram counts, built once per document."""
    return document_ngrams(document)


@dataclass(frozen=True)
class ScriptVote:
    """How many characters of a text are evidence for each script."""

    simplified: int
    traditional: int

    @property
    def script(self) -> Script:
        """Simplified when simplified-only characters outnumber traditional ones 9 to 1.

        A single traditional character beside at least 5 simplified-only ones
        (a one-sentence document: ``爲独生子女家庭提供帮助``) is a stray too:
        traditional text has no simplified-only characters at all.
        """
        s, t = self.simplified, self.traditional
        if s + t == 0:
            return "none"
        if s >= 5 and (s >= 9 * t or t == 1):
            return "simplified"
        if t >= 5 and t >= 9 * s:
            return "traditional"
        return "mixed"


def script_vote(text: str, tables: OpenCCTables) -> ScriptVote:
    """Count the simplified-only and traditional-only characters of ``text``.

    Characters common to both scripts (人, 大, 中 ...) say nothing and are not counted.
    """
    counts = Counter(text)  # one pass, not one scan of the text per distinct character
    s = sum(counts[c] for c in counts.keys() & tables.simplified_only)
    t = sum(n for c, n in counts.items() if c in tables.to_simplified)
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
        isolated = False
        if best is None:
            # no word to show for it.  A lone traditional character amid
            # simplified text whose simplified form is unique and a common word
            # by itself (爲|独生子女, 據|报道) is a stray; a full conversion
            # (asked for) converts anyway; otherwise (a traditional phrase, a
            # one-to-many form, leftover mojibake) it stays
            if convert_all:
                best = forms[0]
            elif len(forms) == 1 and _plain_neighbours(text, i) and (lenient or (_isolated(text, i, to_simp) and lexicon.freq(forms[0]) >= MIN_SINGLE_FREQ)):
                best, isolated = forms[0], True
            else:
                continue
        evidence = {
            "character": c,
            "simplified": best,
            "opencc_forms": list(forms),
            "document_simplified_chars": vote.simplified,
            "document_traditional_chars": vote.traditional,
        }
        if word:
            evidence["word"] = word
            evidence["word_in_document"] = _ngrams(document).count(word)
            evidence["word_frequency"] = lexicon.freq(word)
        if isolated:
            evidence["isolated"] = _isolated(text, i, to_simp)
            evidence["simplified_frequency"] = lexicon.freq(best)
        why = "the document is written in simplified Chinese" if not convert_all else "conversion to simplified Chinese was asked for"
        if word:
            why += f"; {word} is a word"
        elif isolated:
            why += f"; no other traditional character near it, and {best} is a common word by itself"
        reason = f"stray traditional/variant character {c} → {best}: {why}"
        out.append(Repair(i, i + 1, best, RULE, reason, evidence, 0.95 if word else 0.85))
    return out


def _isolated(text: str, i: int, to_simp) -> bool:
    """True if no other traditional character stands within ``ISOLATION`` characters of ``i``."""
    lo, hi = max(0, i - ISOLATION), i + ISOLATION + 1
    return not any(c in to_simp for k, c in enumerate(text[lo:hi], lo) if k != i)


def _plain_neighbours(text: str, i: int) -> bool:
    """True if the characters around ``i`` are ordinary text (not leftover mojibake: rare hanzi, U+FFFD)."""
    from ..normalize.mojibake import common_hanzi

    common = common_hanzi()
    return not any(c == "\ufffd" or ("\u3400" <= c <= "\u9fff" and c not in common) for c in text[max(0, i - 1) : i] + text[i + 1 : i + 2])


def _pick_form(text: str, i: int, forms: tuple[str, ...], lexicon: Lexicon, document: str) -> tuple[str | None, str]:
    """The simplified form that makes a word with its neighbours, and that word."""
    best: tuple[int, str, str] | None = None
    for f in forms:
        fixed = text[:i] + f + text[i + 1 :]
        for w in lexicon.covers(fixed, i, i + 1):
            score = lexicon.freq(w) + 1000 * _ngrams(document).count(w)
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


def _t2s():
    """OpenCC's t2s converter, built once."""
    global _T2S
    if _T2S is None:
        import opencc

        _T2S = opencc.OpenCC("t2s").convert
    return _T2S


_T2S = None
