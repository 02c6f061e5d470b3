"""Unicode clean-up that is safe for Chinese text.

ftfy's defaults fold full-width punctuation (``，：（）`` → ``,:()``) and
uncurl quotes (``“”`` → ``""``), which damages CJK text; here both are off
unless asked for.  After ftfy, :mod:`dedup.normalize.mojibake` undoes UTF-8
text that was decoded as GBK/GB18030 (``鍙屽噺`` → ``双减``), which ftfy
cannot; a badness score keeps it off clean text.  Output stays NFC: aggressive folding (NFKC, casefold) only
ever happens inside matching keys (:mod:`dedup.fingerprint.keys`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class UnicodeConfig:
    """What the Unicode stage may change."""

    #: repair mojibake (UTF-8 read as Latin-1/Windows-1252 etc.) with ftfy
    fix_encoding: bool = True
    #: fold full-width ASCII and punctuation (off: it rewrites ``，：（）``)
    fix_character_width: bool = False
    #: turn curly quotes into straight ones (off: it rewrites ``“”``)
    uncurl_quotes: bool = False
    #: decode HTML entities such as ``&amp;`` ("auto": only when the text has no markup)
    unescape_html: Any = "auto"
    #: undo UTF-8 text decoded as GBK/GB18030 (see :mod:`dedup.normalize.mojibake`)
    fix_gbk_mojibake: bool = True


@lru_cache(maxsize=8)
def _ftfy_config(cfg: UnicodeConfig):
    import ftfy  # lazy: ftfy loads its tables on import

    return ftfy.TextFixerConfig(
        unescape_html=cfg.unescape_html,
        fix_encoding=cfg.fix_encoding,
        fix_character_width=cfg.fix_character_width,
        uncurl_quotes=cfg.uncurl_quotes,
        fix_line_breaks=False,  # newlines are normalised by the reader, spans depend on them
        normalization="NFC",
        explain=True,
    )


#: characters ftfy can act on with the CJK-safe settings: controls, Latin-1 and the Latin,
#: Greek and Cyrillic ranges that mojibake decodes to, box drawing (cp437), ligatures,
#: surrogates, U+FFFD, invisible format characters, HTML entities, terminal escapes, and
#: the symbols MacRoman/Windows mojibake is made of (√ ≤ ‚ „ ‰ † • € ™ ◊).
#: Text without any of them (typical Chinese text) skips ftfy entirely.
_FTFY_MATTER = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\u04ff\u2500-\u259f\ufb00-\ufb06\ud800-\udfff"
    "\ufffd\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffc&\x1b"
    # what MacRoman and Windows code pages decode UTF-8 lead bytes to (not the quotes,
    # dashes and ellipsis that Chinese text uses itself)
    "\u2200-\u22ff\u201a\u201e\u2020-\u2022\u2030\u2039\u203a\u2044\u20ac\u2122\u25ca]"
)


def fix_unicode(text: str, config: UnicodeConfig = UnicodeConfig()) -> tuple[str, list[str]]:
    """Fix mojibake and Unicode oddities; return the text and ftfy's plan.

    >>> fix_unicode("â€œquotedâ€\\x9d")[0]
    '“quoted”'
    >>> fix_unicode("全角，标点：（不变）“引号”")[0]
    '全角，标点：（不变）“引号”'
    >>> fix_unicode("鍙屽噺宸ヤ綔")
    ('双减工作', ['fixer:gbk_mojibake'])
    """
    if text.isascii() and "&" not in text and "\x1b" not in text:
        return text, []
    if _FTFY_MATTER.search(text):
        import ftfy  # lazy: ~0.15 s, paid only by text that ftfy could change

        fixed, plan = ftfy.fix_and_explain(text, config=_ftfy_config(config))
        steps = [f"{kind}:{name}" for kind, name in (plan or [])] if fixed != text else []
    else:
        # nothing ftfy acts on (with CJK-safe settings) but normalisation
        fixed = text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)
        steps = ["normalize:NFC"] if fixed != text else []
    if config.fix_gbk_mojibake and not fixed.isascii():
        from .mojibake import fix_gbk_mojibake

        repaired, runs = fix_gbk_mojibake(fixed)
        if runs:
            fixed = unicodedata.normalize("NFC", repaired)
            steps.append(GBK_STEP)
    if fixed == text:
        return text, []
    return fixed, steps


#: the plan step that marks a GBK-mojibake repair (rule :data:`GBK_RULE`)
GBK_STEP = "fixer:gbk_mojibake"
GBK_RULE = "unicode.gbk_mojibake"


def rule_for(plan: list[str]) -> str:
    """The Edit rule for a :func:`fix_unicode` plan.

    >>> rule_for(["fixer:gbk_mojibake"]), rule_for(["encode:sloppy-windows-1252", "decode:utf-8"])
    ('unicode.gbk_mojibake', 'unicode.fix_text')
    """
    return GBK_RULE if GBK_STEP in plan else "unicode.fix_text"
