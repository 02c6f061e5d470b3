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


def is_cjk(text: str, threshold: float = 0.3) -> bool:
    """True if CJK characters are at least ``threshold`` of the letters."""
    if not text:
        return False
    cjk = len(_CJK.findall(text))
    letters = sum(1 for c in text if c.isalpha())
    return letters > 0 and cjk / letters >= threshold


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
    folded = unicodedata.normalize("NFKC", text).casefold()
    cjk = is_cjk(folded)
    out = []
    for c in folded:
        cat = unicodedata.category(c)
        if cat[0] in "LN" or cat == "Mn" or cat == "Mc":
            out.append(c)
        elif cat[0] == "S" and cat != "Sk":
            out.append(c)
        elif not cjk:
            out.append(" ")
    key = "".join(out)
    if not cjk:
        key = " ".join(key.split())
    return key
