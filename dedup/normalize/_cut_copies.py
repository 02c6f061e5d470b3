"""Evidence for a cut that copies give when none reads straight across it (Chinese; helpers of :mod:`dedup.normalize.stitch`).

A page prints a paragraph several times, each copy damaged its own way: cut at
another point, extended by a clause, printed cut short first.  Then no copy
reads straight across a cut, yet the copies together say where it goes on
(issue 13, ``benchmarks/quality_clean.py --zh 600 --seed 7``).  Every function
reads the document as :class:`dedup.normalize.stitch._Reading` does
(lowercased, blank lines as NUL): ``read`` is that reading.
"""

from __future__ import annotations

import re
from typing import Any

from ..chardata import HAN_CLASS, char_class
from ..fingerprint.keys import LIST_MARKERS_ONLY, strip_marker
from ..segment import SENTENCE_END, sentences

_CJK = re.compile(f"[{char_class(((0x3040, 0x30FF),))}{HAN_CLASS}]")  # kana and Han (as stitch reads them)
_WS_RUN = re.compile(r"\s+")
#: characters read after the other copy's end of ``p`` to see where its sentence ends
EXTENSION_LOOK = 8
#: the characters of each side of a cut that the rules read
_SIDE = 512


def _is_cjk(c: str) -> bool:
    return _CJK.match(c) is not None


def _folded(s: str) -> str:
    return _WS_RUN.sub(" ", s).lower()


def attested_by_a_cut_copy(p: str, n: str, read: Any, attest_chars: int) -> dict | None:
    """Does another copy, itself cut at another point near this cut, read across it? (CJK)

    ``…被IUC`` / ``N列为…`` and a copy ``…被I`` / ``UCN列为…``: no copy reads
    ``被IUCN列为`` straight, but the other copy reads it with its own blank
    line elsewhere in it, so both cuts are attested by each other.  What is
    read is ``attest_chars`` characters on each side (a typo aside: none),
    with one blank line anywhere in it but at this cut.
    """
    k = min(attest_chars, len(p), len(n))
    if k < attest_chars or not any(_is_cjk(c) for c in p[-k:] + n[:k]):
        return None
    joiners = ("",) if _is_cjk(p[-1]) and _is_cjk(n[0]) else ("", " ")
    for joiner in joiners:
        across = _folded(p[-k:] + joiner + n[:k])
        cut = k + len(joiner)
        for i in range(1, len(across)):
            if i in (k, cut) or across[i - 1] == " " or across[i] == " ":
                continue  # (this cut's own place; a blank line next to a space reads as one)
            if read.count(across[:i] + "\x00" + across[i:]) > 0:
                return {"joiner": joiner, "attested_by": across[:i] + "⏎" + across[i:]}
    return None


def attested_into_an_extension(p: str, n: str, read: Any, attest_chars: int) -> dict | None:
    """Does another copy read across a Latin cut up to its sentence's end, where ``n`` goes on with a comma?

    ``… is denoted by`` / ``PR(E), and reducing …`` beside a copy ``… is denoted by PR(E).``: the cut copy is
    the one that extends the sentence (a clause added before its final mark), cut right before the
    extension, so no copy reads across it straight.  What is read is ``attest_chars`` characters before
    the cut and ``n`` up to its comma (at most ``attest_chars`` characters, a word or a name).
    """
    j = n.find(",")
    if len(p) < attest_chars or not (0 < j <= attest_chars) or not (p[-1].isalnum() and n[0].isalnum()) or _is_cjk(p[-1]) or _is_cjk(n[0]):
        return None
    across = _folded(p[-attest_chars:]) + " " + _folded(n[:j])
    i = read.find(across)
    while i >= 0:
        if read.text[i + len(across) : i + len(across) + 1] in (".", "!", "?") and read.text[i + len(across) : i + len(across) + 1]:
            return {"joiner": " ", "attested_by": across + read.text[i + len(across)]}
        i = read.text.find(across, i + 1)
    return None


def ends_where_n_goes_on(after: str, n: str) -> bool:
    """Does a copy that reads ``after`` past the cut agree with ``n`` up to its sentence's end, where
    ``n`` has a comma or clause mark instead (``…等待伯`` / ``特，刘尚受封…`` beside ``…等待伯特。众人…``)?

    The copy cut there extends the sentence (a clause added before its final mark): the other copy
    reads into ``n``'s first word, not on into another text (``…我们也在东风`` beside ``在一周``).
    """
    m = 0
    while m < len(after) and m < len(n) and after[m] == n[m].lower() and _is_cjk(n[m]):
        m += 1
    return 0 < m < len(after) and m < len(n) and after[m] in SENTENCE_END and n[m] in "，,、；;："


def extended_core(p: str, read: Any, attest_chars: int) -> str | None:
    """The end of a sentence another copy finishes, which ``p``'s unfinished last sentence goes on from
    with a comma (``…庇佑黎民，通常都要送至溪`` beside ``…庇佑黎民。``), or None.

    Such a block is a copy that extends the sentence, cut inside its extension: a copy truncated
    short is a prefix of a text some copy reads (``_read_on_otherwise`` of stitch says so), and this
    one reads on past a sentence end no copy goes on from.  The next block is the rest of the clause,
    unless it opens as a paragraph of the document does.  What must be read in the other copy is
    ``2 * attest_chars`` characters before its final mark (half of them CJK), and the clause after
    the comma at least two characters, ending in a CJK one.
    """
    spans = sentences(p)
    if not spans:
        return None
    last = p[spans[-1][0] :]
    j = max(last.rfind(c) for c in "，,")
    k = 2 * attest_chars
    if j < k or len(last) - j - 1 < 2 or sum(_is_cjk(c) for c in last[j - k : j]) < k // 2 or not _is_cjk(last[-1]):
        return None
    core = _folded(last[j - k : j])
    text = read.text
    i = read.find(core)
    while i >= 0:
        if text[i + len(core) : i + len(core) + 1] in SENTENCE_END and text[i + len(core) : i + len(core) + 1]:
            return last[j - k : j]
        i = text.find(core, i + 1)
    return None


def cut_alike(p: str, n: str, read: Any, attest_chars: int) -> bool:
    """Does an earlier block end as ``p`` ends, mid-sentence (``…在女单女双和混双项目`` twice), and is
    ``n``'s opening nowhere else in the document?

    A page printing a paragraph first cut short and a later copy cut across a
    blank line at that point: the later copy's next block is the paragraph's
    rest, which no copy reads (the first copy stops where this one is cut).
    The end compared is ``attest_chars + 2`` characters, long enough to be that
    paragraph's own.  A line repeated whole (a title without a final mark) is
    told apart by its next block: a paragraph the document has other copies
    of, so its opening (``2 * attest_chars`` characters) occurs again; and
    ``p`` must end with an unfinished sentence after a finished one, as a cut
    paragraph does and a line does not.  The first copy cut short is the
    earlier one: it is followed by another paragraph, the later copy by its rest;
    and only two blocks end so (a third is a copy truncated there too).
    """
    k, m = attest_chars + 2, 2 * attest_chars
    if len(p) < k or len(n) < m or len(sentences(p[-_SIDE:])) < 2:
        return False  # (a single unfinished sentence is a line: titles repeat whole)
    tail, head = _folded(p[-k:]) + "\x00", _folded(n[:m])
    if read.count(head) != 1 or read.count(tail) != 2:
        return False  # (a third block ending alike: a truncated copy too, followed by another paragraph)
    here = read.text.find(tail + head)
    return 0 <= read.text.find(tail) < here  # an earlier block: the first copy, printed cut short before this one


def tag_opens_paragraphs(n: str, read: Any) -> bool:
    """Does ``n`` open with a speaker tag (``发言人：``) that opens another paragraph of the document too?

    Then ``n`` is a paragraph of a list of tagged lines, not the rest of a cut sentence: a cut
    lands inside a sentence, and a tag the document opens lines with is no sentence's middle.
    """
    k = strip_marker(n)
    if k == 0 or k == strip_marker(n, LIST_MARKERS_ONLY):
        return False
    tag = _folded(n[:k].strip())
    return read.count("\x00" + tag) + read.text.startswith(tag) > 1
