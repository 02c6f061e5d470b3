"""Matching keys: what two copies must share to count as the same text.

A key folds away what should not decide a match: compatibility forms and
width (NFKC), case, punctuation, whitespace, leading list markers
(``一是``, ``二、``, ``(一)``, ``1.``, ``第一,``, ``①``) and short speaker tags
(``记者:``).  Keys are for matching only; output text never comes from them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_CN_NUM = "一二三四五六七八九十百零〇两"
_MARKER = re.compile(
    r"""^\s*(?:
        [(（][""" + _CN_NUM + r"""\d]{1,4}[)）][、.．]?          # (一)  （3）
      | [""" + _CN_NUM + r"""]{1,4}(?:是|、|[.．](?!\d))      # 一是  二、  三.
      | 第[""" + _CN_NUM + r"""\d]{1,4}[,，、:：]                      # 第一，
      | \d{1,3}(?:[、)）]|[.．](?!\d))                     # 1.  2、  3)
      | [①-⑳⑴-⒇⒈-⒛❶-❿]                                # ①
      | [-*•·▪●○◆■]\s                                      # bullets
      | [a-zA-Z][.)]\s                                      # a) b.
    )\s*""",
    re.VERBOSE,
)
# A speaker or byline tag: a short run without punctuation, then a colon.
_SPEAKER = re.compile(r"^\s*[^\s,，。.!?！？:：;；“”\"'()（）]{1,16}[:：]\s*")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]")


@dataclass(frozen=True)
class KeyConfig:
    """What a matching key ignores."""

    strip_markers: bool = True
    strip_speaker: bool = True


def strip_marker(text: str, config: KeyConfig = KeyConfig()) -> int:
    """Length of the leading list marker / speaker tag of ``text`` (0 if none).

    >>> t = "四是推进义务教育"; t[strip_marker(t):]
    '推进义务教育'
    >>> t = "记者:“双减”工作"; t[strip_marker(t):]
    '“双减”工作'
    >>> strip_marker("1.84亿元")
    0
    """
    n = 0
    if config.strip_speaker:
        m = _SPEAKER.match(text)
        if m:
            n = m.end()
    if config.strip_markers:
        m = _MARKER.match(text, n)
        if m and m.end() < len(text):
            n = m.end()
    return n


class _CJKTable(dict):  # type: ignore[type-arg]
    """``str.translate`` table that deletes the characters ``_CJK`` matches (filled lazily)."""

    def __missing__(self, code: int) -> int | None:
        value = None if _CJK.match(chr(code)) else code
        self[code] = value
        return value


_DELETE_CJK = _CJKTable()


def is_cjk(text: str, threshold: float = 0.3) -> bool:
    """True if CJK characters are at least ``threshold`` of the letters.

    >>> is_cjk("推进教育"), is_cjk("the cat"), is_cjk("日本語abc")
    (True, False, True)
    """
    if not text:
        return False
    letters = sum(map(str.isalpha, text))
    if not letters:
        return False
    cjk = len(text) - len(text.translate(_DELETE_CJK))
    return cjk / letters >= threshold


class _FoldTable(dict):  # type: ignore[type-arg]
    """``str.translate`` table: keep letters, digits, marks and symbols; drop the rest.

    Filled lazily, one decision per code point ever seen, so keys cost one
    C-level ``translate`` instead of a Python loop over characters.
    """

    def __init__(self, replacement: str | None) -> None:
        super().__init__()
        self.replacement = replacement

    def __missing__(self, code: int) -> int | str | None:
        cat = unicodedata.category(chr(code))
        keep = cat[0] in "LN" or cat in ("Mn", "Mc") or (cat[0] == "S" and cat != "Sk")
        value = code if keep else self.replacement
        self[code] = value
        return value


_DROP = _FoldTable(None)  # CJK keys: no spaces at all
_TO_SPACE = _FoldTable(" ")  # other keys: words stay apart


def matching_key(text: str, config: KeyConfig = KeyConfig(), *, marker: bool = True) -> str:
    """The folded form used for comparison.

    CJK text keeps no spaces at all; other text keeps single spaces between
    words, so that word shingles can be taken.

    >>> matching_key("三是推进义务教育优质均衡发展，助力“双减”。")
    '推进义务教育优质均衡发展助力双减'
    >>> matching_key("(2) The  Cat, the hat!")
    'the cat the hat'
    """
    if marker:
        text = text[strip_marker(text, config) :]
    # NFKC is the slow step: skip it when the text already is NFKC (most CJK
    # text once its full-width punctuation has been dropped), and fold again
    # afterwards because NFKC can produce punctuation ("⑴" -> "(1)")
    if not unicodedata.is_normalized("NFKC", text):
        light = text.translate(_TO_SPACE)
        if not unicodedata.is_normalized("NFKC", light):
            light = unicodedata.normalize("NFKC", light)
        text = light
    folded = text.casefold()
    if is_cjk(folded):
        return folded.translate(_DROP)
    return " ".join(folded.translate(_TO_SPACE).split())
