"""Sentences as the measurer sees them: splitting (Chinese and English, abbreviations and
closing quotes), joining, normalising, and which pieces count as a sentence.
"""

from __future__ import annotations

import re as _re
import unicodedata as _unicodedata
from collections.abc import Sequence

from ..chardata import HAN_CLASS

CJK_CHAR = _re.compile(f"[{HAN_CLASS}]")


SENTENCE_END = frozenset("。！？!?；;…")


CLOSE = frozenset("”’」』）)】》〉\"'")


#: abbreviations after which a full stop never ends a sentence
_NEVER_FINAL = frozenset({"dr", "mr", "mrs", "ms", "prof", "st", "vs", "e.g", "i.e", "cf", "fig", "no", "approx"})


#: abbreviations that end a sentence only when a capitalised word follows
_MAYBE_FINAL = frozenset({"u.s", "u.k", "etc", "a.m", "p.m", "inc", "ltd", "co", "jr", "sr"})


LIST_MARKER = _re.compile(
    r"^\s*(?:[(（][一二三四五六七八九十\d]{1,4}[)）][、.．]?|[一二三四五六七八九十]{1,4}(?:是|、)|第[一二三四五六七八九十\d]{1,4}[,，、:：]|\d{1,3}(?:[、)）]|[.．](?!\d)))\s*"
)


def is_cjk_text(text: str) -> bool:
    """Whether ``text`` is mostly CJK (counted in characters) rather than Latin (counted in words)."""
    cjk = len(CJK_CHAR.findall(text))
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    return cjk >= latin / 4 and cjk > 0


def _abbreviation_before(text: str, i: int) -> str:
    """The lower-cased token that ends with the full stop at ``text[i]`` (without that stop)."""
    j = i
    while j > 0 and not text[j - 1].isspace() and text[j - 1] not in "(\"'“":
        j -= 1
    return text[j:i].lower()


def split_sentences(text: str) -> list[str]:
    """Sentences of one paragraph, in both scripts; whitespace inside is kept, around is stripped.

    A sentence ends after a run of ``。！？!?；;…`` plus closing quotes and
    brackets, or after a Latin full stop followed by whitespace, except
    after abbreviations (``Dr.``, ``e.g.``; ``U.S.`` and ``etc.`` only
    before a capital), single initials (``J. Smith``) and a leading list
    number (``1. ``).  Line breaks inside a paragraph do not end a sentence.

    >>> split_sentences("一是甲乙。丙“丁！”戊")
    ['一是甲乙。', '丙“丁！”', '戊']
    >>> split_sentences("1. Dr. Lee works in the U.S. office, e.g. here. It\\nrains. Then U.S. sales rose.")
    ['1. Dr. Lee works in the U.S. office, e.g. here.', 'It\\nrains.', 'Then U.S. sales rose.']
    """
    out: list[str] = []
    start = 0
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        end = c in SENTENCE_END
        if c == "." and i > start and (i + 1 == n or text[i + 1].isspace() or text[i + 1] in CLOSE):
            if i + 1 < n and text[i + 1] == "." or i > 0 and text[i - 1] == ".":
                end = i + 1 == n or text[i + 1] != "."  # an ellipsis ends at its last dot
            else:
                tok = _abbreviation_before(text, i)
                rest = text[i + 1 :].lstrip()
                # in all-capitals text a capital says nothing
                capital_next = bool(rest) and (rest[0].isupper() or not rest[0].isalpha()) and not text[start:i].isupper()
                if tok in _NEVER_FINAL or (len(tok) == 1 and tok.isalpha()):
                    end = False
                elif tok in _MAYBE_FINAL:
                    end = capital_next
                elif tok.isdigit() and not text[start:i - len(tok)].strip():
                    end = False  # a list number at the start: "1. First"
                else:
                    end = True
        if end:
            j = i + 1
            while j < n and (text[j] in SENTENCE_END or text[j] in CLOSE):
                j += 1
            s = text[start:j].strip()
            if s:
                out.append(s)
            start = i = j
            continue
        i += 1
    s = text[start:].strip()
    if s:
        out.append(s)
    return out


def join_sentences(sentences: Sequence[str], cjk: bool) -> str:
    return ("" if cjk else " ").join(sentences)


#: shortest sentence that counts: CJK characters / Latin words
MIN_CJK_CHARS = 8


MIN_LATIN_WORDS = 3


#: a lettered item before CJK text (``Ｈ．志愿服务时间``, NFKC ``H.``): a marker like ``１７、``
_LETTER_MARKER = _re.compile(f"^\\s*[A-Z][.、](?=[{HAN_CLASS}])")


def normalize_sentence(text: str) -> str:
    """A sentence as compared: NFKC, leading list markers dropped, whitespace dropped (CJK) or collapsed (Latin).

    Up to two markers go (a section and an item number, ``１５、１、``), and a
    lettered item before CJK text (``Ｈ．``), so that a form's items numbered
    otherwise read as the same text.

    >>> normalize_sentence("一是 推进\\n义务教育，")
    '推进义务教育,'
    >>> normalize_sentence("2.  The\\nrain  fell.")
    'The rain fell.'
    >>> normalize_sentence("１５、１、是否参加过？"), normalize_sentence("Ｈ．志愿服务时间"), normalize_sentence("A. Smith said so.")
    ('是否参加过?', '志愿服务时间', 'A. Smith said so.')
    """
    t = _unicodedata.normalize("NFKC", text).strip()
    for _ in range(2):
        m = LIST_MARKER.match(t) or _LETTER_MARKER.match(t)
        if not m or m.end() >= len(t):
            break
        t = t[m.end() :]
    if is_cjk_text(t):
        return "".join(t.split())
    return " ".join(t.split())


def normalize_document(text: str) -> str:
    """A document as compared for CER: NFKC, one ``\\n`` between paragraphs (blank-line blocks),
    whitespace inside a paragraph collapsed to one space, or dropped when it touches a CJK character."""
    paras = []
    for p in _re.split(r"\n[ \t\u3000]*\n\s*", _unicodedata.normalize("NFKC", text).strip()):
        p = " ".join(p.split())
        p = _re.sub(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])", "", p)
        if p:
            paras.append(p)
    return "\n".join(paras)


def counts_as_sentence(text: str) -> bool:
    """Long enough to be checked: ≥ 8 characters (CJK, whitespace aside) or ≥ 3 words (Latin)."""
    t = normalize_sentence(text)
    if is_cjk_text(t):
        return len(t) >= MIN_CJK_CHARS
    return len(t.split()) >= MIN_LATIN_WORDS


def output_sentences(text: str) -> list[str]:
    """The sentences of a cleaned text, paragraph by paragraph (blank lines separate paragraphs)."""
    return [s for p in _re.split(r"\n[ \t\u3000]*\n", text) for s in split_sentences(p)]
