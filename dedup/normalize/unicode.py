"""Unicode clean-up that is safe for Chinese text.

ftfy's defaults fold full-width punctuation (``，：（）`` → ``,:()``) and
uncurl quotes (``“”`` → ``""``), which damages CJK text; here both are off
unless asked for.  Output stays NFC: aggressive folding (NFKC, casefold) only
ever happens inside matching keys (:mod:`dedup.fingerprint.keys`).
"""

from __future__ import annotations

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


@lru_cache(maxsize=8)
def _ftfy_config(cfg: UnicodeConfig):  # type: ignore[no-untyped-def]
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


def fix_unicode(text: str, config: UnicodeConfig = UnicodeConfig()) -> tuple[str, list[str]]:
    """Fix mojibake and Unicode oddities; return the text and ftfy's plan.

    >>> fix_unicode("â€œquotedâ€\\x9d")[0]
    '“quoted”'
    >>> fix_unicode("全角，标点：（不变）“引号”")[0]
    '全角，标点：（不变）“引号”'
    """
    if text.isascii() and "&" not in text and "\x1b" not in text:
        return text, []
    import ftfy

    fixed, plan = ftfy.fix_and_explain(text, config=_ftfy_config(config))
    if fixed == text:
        return text, []
    return fixed, [f"{kind}:{name}" for kind, name in (plan or [])]
