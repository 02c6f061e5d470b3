"""UTF-8 text that was decoded as GBK/GB18030: ``鍙屽噺`` → ``双减``.

This is the Chinese mojibake ftfy cannot undo (ftfy knows the Latin-1 /
Windows-1252 family).  The repair re-encodes a run of suspicious characters
with GB18030, which gives back the original bytes exactly, and decodes them
as UTF-8.  Clean text must never be touched, so a run is replaced only when
a *badness score* says the run is garbage and its repair is not:

* badness = the share of a run's characters that are neither the 3 755 common
  hanzi (GB2312 level 1) nor common punctuation.  Real Chinese scores about
  0.0-0.15; mojibake of Chinese about 0.7-0.9, because UTF-8's lead bytes
  ``E4``-``E9`` always land on rare GBK rows.
* the run must be mostly hanzi (GBK's reading of UTF-8 Chinese is), and
  the repaired run must score low, and may not contain more U+FFFD than the
  bytes already lost (clean text re-encoded this way is not valid UTF-8, so it
  comes out as a string of U+FFFD and is rejected).

Bytes that the wrong decoder already threw away (shown as ``�``) cannot be
recovered; such a run is repaired around them and the loss is kept visible as
one ``�`` per lost character, recorded in the plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..chardata import HAN_CLASS

#: a run of non-ASCII characters: ASCII bytes never occur inside a UTF-8
#: multi-byte sequence, so mojibake runs end where real ASCII text starts
_RUN = re.compile(r"[^\x00-\x7f]{2,}")
_COMMON_PUNCT = frozenset("，。、：；！？（）《》“”‘’—…·「」『』【】〔〕－～\u3000")
_REPLACEMENT = "\ufffd"
_HAN = re.compile(f"[{HAN_CLASS}]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class MojibakeConfig:
    """When a run counts as mojibake and its repair as clean."""

    #: a run needs at least this badness to be a candidate
    min_badness: float = 0.3
    #: its repair may have at most this badness (and at most half the run's):
    #: names carry rare characters (沙托讷夫), so this is not 0
    max_fixed_badness: float = 0.35
    #: shortest run (characters) considered
    min_chars: int = 2


@lru_cache(maxsize=1)
def common_hanzi() -> frozenset[str]:
    """The GB2312 level-1 hanzi (rows 16-55): the 3 755 most common characters."""
    chars = set()
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


def badness(text: str) -> float:
    """Share of the non-ASCII characters of ``text`` that are rare or broken.

    >>> badness("双减工作取得成效。") < 0.15
    True
    >>> badness("鍙屽噺宸ヤ綔鍙栧緱") > 0.5
    True
    """
    # every common hanzi and punctuation mark is non-ASCII, so the good ones can be counted over
    # the whole text, in C (a Python test per character was ~0.3 s on 5,000 paragraphs)
    chars = len(text) - len(text.encode("ascii", "ignore"))
    if not chars:
        return 0.0
    bad = chars - sum(map(_good_characters().__contains__, text))
    return bad / chars


@lru_cache(maxsize=1)
def _good_characters() -> frozenset[str]:
    """The characters :func:`badness` does not count: the common hanzi and common punctuation."""
    return common_hanzi() | _COMMON_PUNCT


def _badness_reference(text: str) -> float:
    """:func:`badness` character by character."""
    common = common_hanzi()
    chars = [c for c in text if not c.isascii()]
    if not chars:
        return 0.0
    bad = sum(1 for c in chars if c not in common and c not in _COMMON_PUNCT)
    return bad / len(chars)


def _redecode(run: str) -> str | None:
    """``run`` re-encoded as GB18030 and decoded as UTF-8 (lost bytes stay ``�``)."""
    parts = run.split(_REPLACEMENT)
    try:
        chunks = [p.encode("gb18030") for p in parts]
    except UnicodeEncodeError:
        return None
    # 0xFF never occurs in UTF-8: each lost byte decodes to a replacement character
    fixed = b"\xff".join(chunks).decode("utf-8", errors="replace")
    return re.sub("\ufffd+", _REPLACEMENT, fixed)


def fix_gbk_mojibake(text: str, config: MojibakeConfig = MojibakeConfig()) -> tuple[str, list[dict]]:
    """Repair every run of ``text`` that is UTF-8 read as GBK; return the text and what was fixed.

    >>> fix_gbk_mojibake("鍙屽噺宸ヤ綔")[0]
    '双减工作'
    >>> fix_gbk_mojibake("我区双减工作取得重要阶段性成效")[0]
    '我区双减工作取得重要阶段性成效'
    """
    if text.isascii():
        return text, []
    out: list[str] = []
    fixes: list[dict] = []
    pos = 0
    for m in _RUN.finditer(text):
        run = m.group()
        if len(run) < config.min_chars:
            continue
        before_bad = badness(run)
        if before_bad < config.min_badness or len(_HAN.findall(run)) * 2 < len(run):
            continue  # clean; or not made of hanzi, so not GBK's reading of UTF-8
        fixed = _redecode(run)
        if fixed is None or fixed == run:
            continue
        lost_before = run.count(_REPLACEMENT)
        lost_after = fixed.count(_REPLACEMENT)
        if lost_after > lost_before or _CONTROL.search(fixed):
            continue
        after_bad = badness(fixed.replace(_REPLACEMENT, ""))
        if after_bad > min(config.max_fixed_badness, before_bad / 2) or not fixed.replace(_REPLACEMENT, "").strip():
            continue
        out.append(text[pos : m.start()])
        out.append(fixed)
        pos = m.end()
        fixes.append({"span": [m.start(), m.end()], "badness_before": round(before_bad, 3), "badness_after": round(after_bad, 3), "lost_characters": lost_after})
    if not fixes:
        return text, []
    out.append(text[pos:])
    return "".join(out), fixes
