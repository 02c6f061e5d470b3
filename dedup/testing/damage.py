"""Damaged documents in Chinese and English, and the measurer that scores a cleaner against them.

:func:`make_damaged_document` plants every failure class of issue 13 (:data:`DAMAGE_CLASSES`);
:func:`measure` scores a cleaner's output against the truth it gives (sentences lost,
near-duplicates left, CER).  One module, so that the generator and the measurer change together.
"""

from __future__ import annotations

import random
import re as _re
from collections.abc import Sequence
from typing import Any

from .sameness import closes_a_sentence, content_key, ends_inside_brackets, opens_with_a_word, source_sentences, without_repeats, written_in_capitals
from .sentences import CJK_CHAR, CLOSE, LIST_MARKER, SENTENCE_END, counts_as_sentence, is_cjk_text, join_sentences, normalize_document, normalize_sentence, output_sentences, split_sentences
from .sources import COMMON, ORDINALS, synthetic_english_paragraphs, synthetic_paragraphs
from .truth import Corruption, DamagedDocument, DocumentTruth, Quality

# ---------------------------------------------------------------------------
# Damaged documents in Chinese and English, with the truth a content-loss
# measurer needs (issue 13): canonical paragraphs, the sentences that must
# survive, the near-duplicate sentence pairs the truth itself has, and every
# planted corruption.
# ---------------------------------------------------------------------------

#: every failure class :func:`make_damaged_document` can plant (see its docstring)
DAMAGE_CLASSES: tuple[str, ...] = (
    "repeat",  # runs of paragraphs printed again (3-4 copies in all)
    "variant",  # one or two one-character typos in a copy
    "renumber",  # ordinal prefixes (一是 / 1.) renumbered in copies
    "truncate",  # a copy that stops early (at a sentence end or mid-sentence)
    "extend",  # a later copy says more (X，确保农民增收。 after X。): the truth has the longer sentence
    "merge",  # two paragraphs' copies in one block
    "drop",  # a copy missing one sentence
    "swap",  # a copy with two adjacent sentences swapped
    "cut",  # a block cut mid-sentence across a blank line
    "cut-bracket",  # ... right after an opening bracket or quote （《“「 ( "
    "cut-number",  # ... inside a number: 2 / .2万亿, 19 / 67
    "cut-latin",  # ... inside a Latin word or between two Latin words
    "cut-other",  # another copy of a cut paragraph cut at a different point
    "complete",  # the first copy cut short, a later copy whole
    "speaker",  # a speaker tag (记者： / Reporter:) that is content, dropped by some copies
    "double",  # a doubled character (外交交) or word (the the)
    "trad",  # a stray traditional character (爲独生子女) [zh]
    "caps",  # an all-capitals heading-like paragraph [en]
    "linebreak",  # line breaks inside sentences [en]
    "abbrev",  # abbreviations inside sentences (Dr. e.g. U.S.) [en]
    "fragment",  # unrelated fragments at the end
)


_ZH_ONLY = frozenset({"trad"})


_EN_ONLY = frozenset({"caps", "linebreak", "abbrev"})


_OPENERS = "（《“「(\""


#: simplified → traditional (each traditional form has this one simplified reading)
_TRAD = {
    "为": "爲", "内": "內", "说": "說", "们": "們", "国": "國", "经": "經", "时": "時", "会": "會", "对": "對", "进": "進", "过": "過", "学": "學",
    "这": "這", "来": "來", "门": "門", "开": "開", "关": "關", "长": "長", "发": "發", "问": "問",
}


_ZH_SPEAKERS = ("记者：", "主持人：", "王磊：", "发言人：")


_EN_SPEAKERS = ("Reporter: ", "MODERATOR: ", "Dr. Hale: ", "Q: ")


def _ordinal(i: int, cjk: bool) -> str:
    return (ORDINALS[i % 10] + "是") if cjk else f"{i % 20 + 1}. "


def _typo(rng: random.Random, text: str, cjk: bool, lo: int) -> tuple[str, str]:
    """One character replaced (CJK: by a common character; Latin: a letter inside a word)."""
    if cjk:
        idx = [i for i in range(lo, len(text)) if CJK_CHAR.match(text[i])]
        if not idx:
            return text, ""
        i = rng.choice(idx)
        c = rng.choice([x for x in COMMON if x != text[i]])
    else:
        idx = [i for i in range(max(lo, 1), len(text) - 1) if text[i].isalpha() and text[i - 1].isalpha() and text[i + 1].isalpha()]
        if not idx:
            return text, ""
        i = rng.choice(idx)
        pool = "aeioustrnl" if text[i].islower() else "AEIOUSTRNL"
        c = rng.choice([x for x in pool if x != text[i]])
    return text[:i] + c + text[i + 1 :], f"{text[max(0, i - 2):i + 3]}→{text[max(0, i - 2):i]}{c}{text[i + 1:i + 3]}"


def _double(rng: random.Random, text: str, cjk: bool, lo: int) -> tuple[str, str]:
    """A character (CJK) or a word (Latin) written twice."""
    if cjk:
        idx = [i for i in range(max(lo, 1), len(text) - 1) if CJK_CHAR.match(text[i]) and text[i - 1] != text[i] != text[i + 1]]
        if not idx:
            return text, ""
        i = rng.choice(idx)
        return text[: i + 1] + text[i:], text[i - 1 : i + 2] + "→" + text[i - 1 : i + 1] + text[i : i + 2]
    words = [m for m in _re.finditer(r"(?<![\w.])[A-Za-z]{2,}(?= )", text) if m.start() >= lo]
    if not words:
        return text, ""
    m = rng.choice(words)
    return text[: m.end()] + " " + m.group() + text[m.end() :], f"{m.group()}→{m.group()} {m.group()}"


def _traditional(rng: random.Random, text: str, lo: int) -> tuple[str, str]:
    """One simplified character replaced by its traditional form (为→爲)."""
    idx = [i for i in range(lo, len(text)) if text[i] in _TRAD]
    if not idx:
        return text, ""
    i = rng.choice(idx)
    return text[:i] + _TRAD[text[i]] + text[i + 1 :], f"{text[i]}→{_TRAD[text[i]]}"


def _line_breaks(rng: random.Random, text: str, lo: int) -> tuple[str, str]:
    """One or two spaces inside sentences turned into line breaks."""
    idx = [i for i in range(max(lo, 1), len(text) - 1) if text[i] == " " and text[i - 1] not in ".!?;:"]
    if not idx:
        return text, ""
    chosen = sorted(rng.sample(idx, min(len(idx), rng.randint(1, 2))))
    for i in chosen:
        text = text[:i] + "\n" + text[i + 1 :]
    return text, f"{len(chosen)} line break(s)"


def _cut_candidates(text: str, lo: int, kind: str, cjk: bool) -> list[tuple[int, int]]:
    """(head end, tail start) of the cuts of ``kind`` possible in ``text`` after position ``lo``.

    Every cut is mid-sentence: never right after a sentence end.
    """
    n = len(text)
    lo = max(lo + 2, 4)
    hi = n - 4
    out: list[tuple[int, int]] = []
    for i in range(lo, hi):
        a, b = text[i - 1], text[i]
        # a straight quote opens after a space
        opener = a in _OPENERS and (a not in "\"'" or i < 2 or text[i - 2].isspace())
        if not opener and (a in SENTENCE_END or a in CLOSE) or b in CLOSE or a == "." and not b.isdigit():
            continue
        if kind == "cut-bracket":
            if opener and not b.isspace():
                out.append((i, i))
        elif kind == "cut-number":
            if a.isdigit() and (b.isdigit() or b in ".．" and i + 1 < n and text[i + 1].isdigit()):
                out.append((i, i))
        elif kind == "cut-latin":
            if a.isascii() and a.isalpha() and b.isascii() and b.isalpha():
                out.append((i, i))  # inside a word
            elif b == " " and a.isascii() and a.isalpha() and i + 1 < n and text[i + 1].isascii() and text[i + 1].isalpha():
                out.append((i, i + 1))  # between two words: the space goes
        elif cjk:
            if CJK_CHAR.match(a) and CJK_CHAR.match(b):
                out.append((i, i))
        elif b == " " and a.isalpha() and i + 1 < n and text[i + 1].isalpha():
            out.append((i, i + 1))
    return out


def _extension(rng: random.Random, pool: list[str], cjk: bool, said: str = "") -> str:
    """A clause taken from an unrelated paragraph, to make a copy say more (than ``said``, its paragraph, does).

    That paragraph leaves ``pool``: the fragments are drawn from it too, and a
    fragment saying the clause again would make the truth say it twice.
    """
    for _ in range(20):
        if not pool:
            break
        source = rng.choice(pool)
        sents = split_sentences(source)
        if not sents:
            continue
        s = sents[0].rstrip("。！？!?；;….\"”")
        if cjk:
            clause = _re.split(r"[，,、：:]", s)[-1]
            if 4 <= len(clause) <= 24 and not LIST_MARKER.match(clause) and clause not in said:
                _drop_sayers(pool, clause)
                return "，" + clause
        else:
            words = s.split()
            if len(words) >= 4:
                k = rng.randint(3, min(8, len(words)))
                clause = " ".join(words[-k:])
                clause = _re.sub(r"^(?:and|or|but)\s+", "", clause, flags=_re.I) or clause
                if closes_a_sentence(clause) and clause.casefold() not in said.casefold():
                    _drop_sayers(pool, clause)
                    return ", and " + clause[0].lower() + clause[1:]
    return "，确保农民增收" if cjk else ", and the farmers' income rose"


def _drop_sayers(pool: list[str], clause: str) -> None:
    """Remove from ``pool`` every paragraph that says ``clause`` (its source, and pages that repeat it)."""
    pool[:] = [p for p in pool if clause not in p]


def make_damaged_document(
    paragraphs: Sequence[str],
    seed: int,
    *,
    language: str | None = None,
    classes: Sequence[str] = DAMAGE_CLASSES,
    fragment_paragraphs: Sequence[str] | None = None,
    copies: tuple[int, int] = (3, 4),
    damage_rate: float = 0.7,
    cut_rate: float = 0.25,
    repair_rate: float = 0.15,
    fragments: tuple[int, int] = (1, 2),
    extend_rate: float = 1.0,
    complete_rate: float = 1.0,
) -> DamagedDocument:
    """Damage clean ``paragraphs`` with the failure classes of issue 13 and say what a perfect cleaner outputs.

    ``classes`` (a subset of :data:`DAMAGE_CLASSES`) says which damage may
    be planted; classes of the other script are ignored.  The first pass
    prints every paragraph once, in order; then 2-3 passes (``copies`` in
    all) repeat runs of paragraphs, each copy damaged with probability
    ``damage_rate`` (typos, renumbered, truncated, merged, a sentence
    dropped or swapped, a speaker tag dropped); a paragraph whose copy says
    more (``extend``) has the longer sentence in the truth, and a paragraph
    whose first copy is cut short (``complete``) has its whole reading in
    the truth.  Then blocks are cut mid-sentence across a blank line with
    probability ``cut_rate`` (a later copy of a cut paragraph again, at
    another point, with ``cut-other``); doubled characters and stray
    traditional characters go into first copies with probability
    ``repair_rate`` (a perfect cleaner repairs them).  Last come unrelated
    fragments.  First copies carry no typos, so the truth is exact.
    ``extend_rate`` and ``complete_rate`` are the chances that a document
    gets its (one) extended copy and its (one) completion.

    A source paragraph that says what an earlier one says (the same words,
    list markers aside: a form's item asked twice) is left out, as the truth
    could not say which of the two a cleaner should keep.

    Deterministic: the same arguments give the same document.

    >>> doc = make_damaged_document(synthetic_english_paragraphs(5, 4), 5, language="en")
    >>> doc.truth.language, len(doc.truth.paragraphs) >= 4, doc.text.count("\\n\\n") > 4
    ('en', True, True)
    """
    rng = random.Random(seed)
    src = without_repeats([source_sentences(p) for p in paragraphs])
    if language is None:
        language = "zh" if is_cjk_text("".join("".join(s) for s in src)) else "en"
    if language not in ("zh", "en"):
        raise ValueError(f"language must be 'zh' or 'en', not {language!r}")
    cjk = language == "zh"
    unknown = set(classes) - set(DAMAGE_CLASSES)
    if unknown:
        raise ValueError(f"unknown damage classes: {sorted(unknown)}")
    on = set(classes) - (_EN_ONLY if cjk else _ZH_ONLY)
    n = len(src)
    if fragment_paragraphs is not None:
        pool = [p for p in fragment_paragraphs if p not in paragraphs]
    elif cjk:
        pool = synthetic_paragraphs(seed + 104729, 8, min_chars=30, max_chars=120)
    else:
        pool = synthetic_english_paragraphs(seed + 104729, 8)
    pool = list(pool)
    rng.shuffle(pool)
    corruptions: list[Corruption] = []

    # 1. the canonical paragraphs (properties of the source, not damage)
    canon = [list(s) for s in src]
    # no ordinal before a paragraph that starts with a marker or bullet of its own
    prefix = [_ordinal(i, cjk) if "renumber" in on and (canon[i][0][0].isalnum() or CJK_CHAR.match(canon[i][0][0])) and not LIST_MARKER.match(canon[i][0]) else "" for i in range(n)]
    if "abbrev" in on and n:
        for i in rng.sample(range(n), min(n, 2)):
            j = rng.randrange(len(canon[i]))
            s = canon[i][j]
            name = rng.choice(("Brown", "Lee", "Okafor", "Smith"))
            phrase = rng.choice(
                (
                    f"According to Dr. {name} of the U.S. office, ",
                    f"As Prof. {name} noted, e.g. in a report, ",
                    "In the U.S. and elsewhere, i.e. in most places, ",
                    f"Mr. {name} wrote (cf. Fig. 2) that ",
                )
            )
            canon[i][j] = phrase + s if opens_with_a_word(s) else s  # the sentence keeps its capital: it may be a name (PageRank)
            corruptions.extend([Corruption("abbrev", -1, i, phrase.strip())] if opens_with_a_word(s) else [])
    if "caps" in on and n:
        i = rng.randrange(n)
        canon[i] = [s.upper() for s in canon[i]]
        corruptions.append(Corruption("caps", -1, i, "all capitals"))
    speaker_of: dict[int, str] = {}
    if "speaker" in on and n:
        i = rng.randrange(n)
        speaker_of[i] = rng.choice(_ZH_SPEAKERS if cjk else _EN_SPEAKERS)
        prefix[i] = speaker_of[i]

    # 2. which runs of paragraphs are printed again
    runs: list[list[int]] = []
    if "repeat" in on and n:
        for _ in range(rng.randint(copies[0] - 1, copies[1] - 1)):
            a = rng.randrange(n)
            b = rng.randint(a + 1, n)
            runs.append(list(range(a, b)))
    repeated = sorted({i for r in runs for i in r})

    # 3. a later copy that says more, a first copy cut short
    short: dict[int, list[str]] = {}  # paragraph → the sentences its first copy shows
    owed: dict[int, str] = {}  # paragraph → what its first later copy must carry ("extend" / "complete")
    cands = [i for i in repeated]
    rng.shuffle(cands)
    if "extend" in on and cands and rng.random() < extend_rate:
        i = cands.pop()
        j = rng.randrange(len(canon[i]))
        s = canon[i][j]
        if s[-1] in "。.!?！？" and not ends_inside_brackets(s) and (cjk or closes_a_sentence(" " + s[:-1])):  # not ``… patented (U.S.``
            ext = _extension(rng, pool, cjk, said=" ".join(canon[i]))  # words it says already would add nothing
            if not cjk and written_in_capitals(s):
                ext = ext.upper()
            short[i] = list(canon[i])
            canon[i][j] = s[:-1] + ext + s[-1]
            owed[i] = "extend"
            corruptions.append(Corruption("extend", -1, i, f"{s[-12:]} → …{ext}{s[-1]}"))
    if "complete" in on and cands and rng.random() < complete_rate:
        i = cands.pop()
        whole = join_sentences(canon[i], cjk)
        points = [a for a, _ in _cut_candidates(whole, len(whole) // 2, "cut", cjk)]
        if points:
            p = rng.choice(points)
            short[i] = [whole[:p].rstrip()]
            owed[i] = "complete"

    def render(i: int, sents: Sequence[str], lead: str) -> str:
        return lead + join_sentences(sents, cjk)

    blocks: list[list[Any]] = []  # [text, source, kind, protected prefix length]

    def damage_text(b: int, kinds: Sequence[str]) -> None:
        """Plant text-level damage of ``kinds`` (each with its own probability) in block ``b``."""
        text, src_i, _kind, lo = blocks[b]
        for k in kinds:
            if k == "variant":
                for _ in range(rng.randint(1, 2)):
                    text, d = _typo(rng, text, cjk, lo)
                    if d:
                        corruptions.append(Corruption("variant", b, src_i, d))
            elif k == "double":
                text, d = _double(rng, text, cjk, lo)
                if d:
                    corruptions.append(Corruption("double", b, src_i, d))
            elif k == "trad":
                text, d = _traditional(rng, text, lo)
                if d:
                    corruptions.append(Corruption("trad", b, src_i, d))
            elif k == "linebreak":
                text, d = _line_breaks(rng, text, lo)
                if d:
                    corruptions.append(Corruption("linebreak", b, src_i, d))
        blocks[b][0] = text

    # 4. the first pass: every paragraph once
    for i in range(n):
        sents = short.get(i, canon[i])  # an extended or completed paragraph starts short
        blocks.append([render(i, sents, prefix[i]), i, "first", len(prefix[i])])
        if owed.get(i) == "complete":
            corruptions.append(Corruption("complete", len(blocks) - 1, i, f"first copy ends at …{sents[-1][-10:]}"))
        singles: list[str] = [k for k in ("double", "trad") if k in on and rng.random() < repair_rate]
        if "linebreak" in on and rng.random() < 0.3:
            singles.append("linebreak")
        damage_text(len(blocks) - 1, singles)

    # 5. the repeat passes
    for r_i, run in enumerate(runs):
        shift = rng.randint(0, 3)
        skip = False
        for k, i in enumerate(run):
            if skip:
                skip = False
                continue
            corruptions.append(Corruption("repeat", len(blocks), i, f"pass {r_i + 2}"))
            lead = prefix[i]
            if i in speaker_of and i not in owed and rng.random() < 0.5:
                lead = ""
                corruptions.append(Corruption("speaker", len(blocks), i, f"tag {speaker_of[i]!r} dropped"))
            elif "renumber" in on and i not in speaker_of and rng.random() < 0.5:
                lead = _ordinal(k + shift, cjk)
                if lead != prefix[i]:
                    corruptions.append(Corruption("renumber", len(blocks), i, f"{prefix[i].strip()}→{lead.strip()}"))
            if i in owed:  # the copy that carries the truth's reading
                blocks.append([render(i, canon[i], lead), i, "extend" if owed.pop(i) == "extend" else "copy", len(lead)])
                continue
            sents = list(short[i]) if i in short and rng.random() < 0.5 else list(canon[i])
            kind = "copy"
            if rng.random() < damage_rate:
                options = [d for d in ("variant", "truncate", "drop", "swap", "merge", "double", "trad", "linebreak") if d in on]
                choice = rng.choice(options) if options else ""
                if choice == "truncate":
                    whole = join_sentences(sents, cjk)
                    if len(sents) >= 2 and rng.random() < 0.5:
                        sents, detail = sents[: rng.randint(1, len(sents) - 1)], "at a sentence end"
                    else:
                        heads = [a for a, _ in _cut_candidates(whole, len(whole) // 2, "cut", cjk)]
                        if heads:
                            p = rng.choice(heads)
                            sents, detail = [whole[:p].rstrip()], "mid-sentence"
                        else:
                            detail = ""
                    if detail:
                        kind = "truncate"
                        corruptions.append(Corruption("truncate", len(blocks), i, detail))
                elif choice == "drop" and len(sents) >= 3:
                    j = rng.randrange(len(sents))
                    corruptions.append(Corruption("drop", len(blocks), i, sents[j][:12]))
                    sents = sents[:j] + sents[j + 1 :]
                    kind = "drop"
                elif choice == "swap" and len(sents) >= 2:
                    j = rng.randrange(len(sents) - 1)
                    sents[j], sents[j + 1] = sents[j + 1], sents[j]
                    corruptions.append(Corruption("swap", len(blocks), i, f"sentences {j} and {j + 1}"))
                    kind = "swap"
                elif choice == "merge" and k + 1 < len(run) and run[k + 1] not in owed:
                    nxt = run[k + 1]
                    sep = rng.choice(("", "\n") if cjk else (" ", "\n"))
                    text = render(i, sents, lead) + sep + render(nxt, canon[nxt], prefix[nxt])
                    corruptions.append(Corruption("merge", len(blocks), i, f"with paragraph {nxt}"))
                    blocks.append([text, i, "merge", len(lead)])
                    skip = True
                    continue
                elif choice in ("variant", "double", "trad", "linebreak"):
                    blocks.append([render(i, sents, lead), i, "copy", len(lead)])
                    damage_text(len(blocks) - 1, [choice])
                    continue
            blocks.append([render(i, sents, lead), i, kind, len(lead)])

    # 6. cuts across a blank line
    cut_kinds = [k for k in ("cut", "cut-bracket", "cut-number", "cut-latin") if k in on]
    out_blocks: list[list[Any]] = []
    cuts: list[Corruption] = []
    joins: list[tuple[int, int, str]] = []
    cut_at: dict[int, float] = {}  # paragraph → relative position of its first cut
    remap: dict[int, int] = {}  # block index before the cuts → after
    for b_i, (text, s, kind, lo) in enumerate(blocks):
        remap[b_i] = len(out_blocks)
        again = "cut-other" in on and s in cut_at and rng.random() < 0.6
        if cut_kinds and kind not in ("merge",) and (again or rng.random() < cut_rate):
            kinds = list(cut_kinds)
            rng.shuffle(kinds)
            for ck in kinds:
                pts = _cut_candidates(text, lo, ck, cjk)
                if again:
                    pts = [p for p in pts if abs(p[0] / len(text) - cut_at[s]) > 0.15]
                if pts:
                    a, b = rng.choice(pts)
                    label = "cut-other" if again else ck
                    cuts.append(Corruption(label, len(out_blocks), s, f"{text[max(0, a - 6):a]} / {text[b:b + 6]}"))
                    cut_at.setdefault(s, a / len(text))
                    joins.append((len(out_blocks), len(out_blocks) + 1, text[a:b]))
                    out_blocks.append([text[:a], s, "cut-head", lo])
                    out_blocks.append([text[b:], s, "cut-tail", 0])
                    break
            else:
                out_blocks.append([text, s, kind, lo])
            continue
        out_blocks.append([text, s, kind, lo])
    corruptions = [Corruption(c.kind, remap.get(c.block, -1), c.paragraph, c.detail) if c.block >= 0 else c for c in corruptions] + cuts

    # 7. unrelated fragments at the end
    frags: list[str] = []
    if "fragment" in on:
        for _ in range(rng.randint(*fragments)):
            if not pool:
                break
            sents = split_sentences(pool.pop())
            f = join_sentences(sents[: rng.randint(1, 2)], cjk)
            if f and f not in frags:
                frags.append(f)
                corruptions.append(Corruption("fragment", len(out_blocks), n + len(frags) - 1, f[:12]))
                out_blocks.append([f, n + len(frags) - 1, "fragment", 0])

    canonical = [prefix[i] + join_sentences(canon[i], cjk) for i in range(n)] + frags
    sentences = tuple(s for p in canonical for s in split_sentences(p))
    truth = DocumentTruth(
        language=language,
        paragraphs=tuple(canonical),
        expected_text="\n\n".join(canonical) + "\n",
        sentences=sentences,
        near_duplicates=_near_duplicate_pairs([normalize_sentence(s) for s in sentences]),
        corruptions=tuple(corruptions),
        block_source=tuple(b[1] for b in out_blocks),
        block_kind=tuple(b[2] for b in out_blocks),
        cuts=tuple(joins),
    )
    text = "\n\n".join(b[0] for b in out_blocks) + "\n"
    return DamagedDocument(text, truth)


# --- the content-loss measurer -------------------------------------------------------------------

#: a sentence this similar (rapidfuzz ratio, 0-100) to another is a near-duplicate of it
NEAR_DUPLICATE_RATIO = 90.0


#: a sentence survives with at most this share of its characters missing or replaced ...
MAX_MISSING_SHARE = 0.10


#: ... and never more than this many consecutive ones (a clause, a word)
MAX_MISSING_RUN = 2


def _near_duplicate_pairs(normalized: Sequence[str]) -> tuple[tuple[int, int], ...]:
    """Index pairs ``(i, j)``, ``i < j``, of the countable sentences with ratio ≥ :data:`NEAR_DUPLICATE_RATIO`."""
    from rapidfuzz import fuzz, process

    idx = [i for i, s in enumerate(normalized) if s and counts_as_sentence(s)]
    if len(idx) < 2:
        return ()
    strs = [normalized[i] for i in idx]
    m = process.cdist(strs, strs, scorer=fuzz.ratio, score_cutoff=NEAR_DUPLICATE_RATIO, workers=1)
    out = []
    for a in range(len(idx)):
        for b in range(a + 1, len(idx)):
            if m[a][b] >= NEAR_DUPLICATE_RATIO:
                out.append((idx[a], idx[b]))
    return tuple(out)


#: a shorter sentence this close (rapidfuzz partial_ratio) to a stretch of a longer one is a part of it
CONTAINED_RATIO = 95.0


def _contained_pairs(normalized: Sequence[str]) -> list[tuple[int, int]]:
    """Index pairs ``(part, whole)``: a countable sentence that is (almost verbatim) a stretch of a longer one.

    "Longer" means by more than 10 %, so that these are not near-duplicate pairs.
    """
    from rapidfuzz import fuzz, process

    idx = [i for i, s in enumerate(normalized) if s and counts_as_sentence(s)]
    if len(idx) < 2:
        return []
    strs = [normalized[i] for i in idx]
    m = process.cdist(strs, [normalized[i] for i in range(len(normalized))], scorer=fuzz.partial_ratio, score_cutoff=CONTAINED_RATIO, workers=1)
    out = []
    for a, i in enumerate(idx):
        for j in range(len(normalized)):
            if m[a][j] >= CONTAINED_RATIO and len(normalized[i]) < 0.9 * len(normalized[j]):
                out.append((i, j))
    return out


def _missing(sentence: str, window: str) -> tuple[int, int]:
    """(characters of ``sentence`` missing or replaced in its best alignment inside ``window``, longest run of them).

    The alignment is global over a stretch of ``window`` only a little longer
    than the sentence (found with rapidfuzz's partial alignment), so that
    characters of neighbouring sentences cannot stand in for a lost clause.
    """
    from rapidfuzz import fuzz
    from rapidfuzz.distance import Levenshtein

    slack = max(MAX_MISSING_RUN, int(len(sentence) * MAX_MISSING_SHARE)) + 2
    if len(window) > len(sentence) + slack:
        al = fuzz.partial_ratio_alignment(sentence, window)
        if al is not None:
            window = window[max(0, al.dest_start - slack) : al.dest_end + slack]
    total = run = longest = 0
    pos = 0
    for op in Levenshtein.opcodes(sentence, window):
        if op.tag == "delete" and _repeats_what_precedes(sentence, op.src_start, op.src_end):
            pos = op.src_end
            continue  # the truth's own doubled word (``have have``), repaired: nothing it says is gone
        if op.tag in ("delete", "replace"):
            k = op.src_end - op.src_start
            total += k
            run = run + k if op.src_start == pos else k
            longest = max(longest, run)
        elif op.tag == "equal":
            run = 0
        pos = op.src_end
    return total, longest


def _repeats_what_precedes(sentence: str, a: int, b: int) -> bool:
    """Is ``sentence[a:b]`` a word (or longer stretch) written twice, the second copy: ``classes have| have some``?"""
    run = sentence[a:b]
    return len(run.strip()) >= 2 and a >= len(run) and sentence[a - len(run) : a] == run


def _survives(missing: tuple[int, int], length: int) -> bool:
    total, longest = missing
    return longest <= MAX_MISSING_RUN and total <= max(MAX_MISSING_RUN, int(length * MAX_MISSING_SHARE))


def measure(truth: DocumentTruth, output: str) -> Quality:
    """Content lost, repeats left and CER of ``output`` (a cleaner's result) against ``truth``.

    **Lost**: a truth sentence that counts (:func:`counts_as_sentence`) is
    lost unless some output sentence, or a run of two or three consecutive
    output sentences (a cut left open splits one), holds it with at most 10 %
    of its characters missing or replaced and no 3 consecutive ones
    (compared after :func:`normalize_sentence`).  So a typo left in, a
    marker renumbered or a repair that changed a character do not count as a
    loss, but a dropped clause (``，确保农民增收``) or word (``not``) does.
    Extra text inside the output does not hide a loss: the alignment is made
    over a stretch of output hardly longer than the sentence.

    **Near-duplicates**: pairs of output sentences that count, with rapidfuzz
    ratio ≥ 90, less the pairs the truth itself has (each truth pair
    explains one output pair whose sentences match it at ratio ≥ 90).
    Conversely a truth sentence with a near twin in the truth (a
    near-duplicate pair of different text) needs an output sentence of its
    own: one output sentence cannot stand for both ``甲地…百分之五`` and
    ``乙地…百分之六``, nor ``作品名称：X`` and ``X``.  Sentences with the same
    letters, digits and CJK characters (case and punctuation aside) are one
    text: one output copy holds them all (removing a sentence the source
    repeats loses nothing); likewise a sentence the output writes word for
    word inside another, case aside (``Java allows object inheritance.`` in
    ``…, AND JAVA ALLOWS OBJECT INHERITANCE.``), is held.

    **Contained**: pairs of output sentences where one that counts is
    (rapidfuzz partial_ratio ≥ 95) a stretch of another more than 10 %
    longer (half of a cut copy beside the whole paragraph, ``IN NO EVENT …
    AS PERMITTED`` / ``… AS PERMITTED ABOVE, BE LIABLE …``), less such pairs
    the truth has (same words).

    **CER**: Levenshtein distance between :func:`normalize_document` of the
    output and of the truth's text, over the latter's length.
    """

    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import Levenshtein

    cjk = truth.language == "zh"
    sep = "" if cjk else " "
    outs = [normalize_sentence(s) for s in output_sentences(output)]
    outs = [s for s in outs if s]
    joined = sep.join(outs)
    joined_folded = joined.casefold()  # a sentence the output holds inside another, case aside (capitals), is held
    spans = [(k, k + w) for w in (1, 2, 3) for k in range(len(outs) - w + 1)]
    windows = [sep.join(outs[a:b]) for a, b in spans]
    truth_norm = [normalize_sentence(s) for s in truth.sentences]
    # a sentence with a near twin in the truth (a near-duplicate pair whose words differ) needs an
    # output sentence of its own; sentences with the same words are one text, held by one output sentence
    keys = [content_key(n) for n in truth_norm]
    first_of: dict[str, int] = {}
    for i, key in enumerate(keys):
        first_of.setdefault(key, i)
    twins = {first_of[keys[i]] for p in truth.near_duplicates for i in p if keys[p[0]] != keys[p[1]]}

    def holders(ns: str, limit: int) -> list[tuple[float, int]]:
        """(ratio, window) of the windows that hold ``ns``, best first."""
        if not windows:
            return []
        cands: dict[int, float] = {}
        for scorer in (fuzz.ratio, fuzz.partial_ratio):
            for _w, _score, k in process.extract(ns, windows, scorer=scorer, limit=limit):  # every candidate is re-scored by ratio
                cands[k] = max(cands.get(k, 0.0), fuzz.ratio(ns, windows[k]))
        order = sorted(cands, key=lambda k: (-cands[k], spans[k][1] - spans[k][0], k))
        return [(cands[k], k) for k in order if _survives(_missing(ns, windows[k]), len(ns))]

    counted = [i for i, s in enumerate(truth.sentences) if counts_as_sentence(s)]
    missing: set[int] = set()
    for i in counted:
        if first_of[keys[i]] == i and i not in twins and not (truth_norm[i].casefold() in joined_folded or holders(truth_norm[i], 4)):
            missing.add(i)
    # twins: the best-held first, each taking output sentences no other twin has taken
    options = {i: holders(truth_norm[i], 8) for i in counted if i in twins}
    taken: set[int] = set()
    for i in sorted(options, key=lambda i: (-(options[i][0][0] if options[i] else -1.0), i)):
        free = [k for _r, k in options[i] if taken.isdisjoint(range(*spans[k]))]
        if free:
            taken.update(range(*spans[free[0]]))
        else:
            missing.add(i)
    missing |= {i for i in counted if first_of[keys[i]] in missing}
    lost = [truth.sentences[i] for i in sorted(missing)]
    checked = len(counted)
    # near-duplicates beyond the truth's
    pairs = _near_duplicate_pairs(outs)
    unexplained = []
    used: set[tuple[int, int]] = set()
    for a, b in pairs:
        for tp in truth.near_duplicates:
            if tp in used:
                continue
            i, j = tp
            if (fuzz.ratio(outs[a], truth_norm[i]) >= NEAR_DUPLICATE_RATIO and fuzz.ratio(outs[b], truth_norm[j]) >= NEAR_DUPLICATE_RATIO) or (
                fuzz.ratio(outs[a], truth_norm[j]) >= NEAR_DUPLICATE_RATIO and fuzz.ratio(outs[b], truth_norm[i]) >= NEAR_DUPLICATE_RATIO
            ):
                used.add(tp)
                break
        else:
            unexplained.append((outs[a], outs[b]))
    # parts beside their whole (halves of a cut copy, a copy inside a merged one), beyond the truth's
    truth_parts = {(keys[i], keys[j]) for i, j in _contained_pairs(truth_norm)}
    out_keys = [content_key(o) for o in outs]
    contained = tuple((outs[a], outs[b]) for a, b in _contained_pairs(outs) if (out_keys[a], out_keys[b]) not in truth_parts)
    t_doc, o_doc = normalize_document(truth.expected_text), normalize_document(output)
    return Quality(checked, tuple(lost), tuple(unexplained), Levenshtein.distance(t_doc, o_doc), len(t_doc), contained)
