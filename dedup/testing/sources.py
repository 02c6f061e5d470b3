"""Clean source text for the generators: words of jieba's dictionary, English prose of our own,
your own paragraph file, and readers of ../shared/data/external (read, never shipped).
"""

from __future__ import annotations

import importlib.util
import os
import random
import re as _re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

from .sentences import join_sentences, split_sentences

ORDINALS = "一二三四五六七八九十"


COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比"
    "或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处府理世保制"
)


@lru_cache(maxsize=1)
def dictionary_words() -> tuple[tuple[str, ...], tuple[float, ...]]:
    """(words, cumulative weights) from jieba's dict.txt: 2-4 character words, most frequent first."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("jieba is not installed; pass your own paragraphs instead")
    path = os.path.join(list(spec.submodule_search_locations)[0], "dict.txt")
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and 2 <= len(parts[0]) <= 4 and parts[1].isdigit():
                w = parts[0]
                if all("\u4e00" <= c <= "\u9fff" for c in w):
                    rows.append((int(parts[1]), w))
    rows.sort(key=lambda r: (-r[0], r[1]))
    rows = rows[:30000]
    cum, total = [], 0.0
    for c, _ in rows:
        total += float(c) ** 0.5  # flatten the Zipf curve a little: fewer 的的的
        cum.append(total)
    return tuple(w for _, w in rows), tuple(cum)


def dictionary_sentence(rng: random.Random, words: Sequence[str], cum_weights: Sequence[float]) -> str:
    clauses = []
    for _ in range(rng.randint(1, 3)):
        clauses.append("".join(rng.choices(words, cum_weights=cum_weights, k=rng.randint(3, 8))))
    return "，".join(clauses) + "。"


def synthetic_paragraphs(seed: int, n: int, *, min_chars: int = 40, max_chars: int = 300) -> list[str]:
    """``n`` distinct clean Chinese paragraphs of ``min_chars``-``max_chars`` characters.

    >>> ps = synthetic_paragraphs(1, 3)
    >>> len(ps), all(p.endswith("。") for p in ps)
    (3, True)
    """
    words, weights = dictionary_words()
    rng = random.Random(seed)
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        target = rng.randint(min_chars, max_chars)
        p = ""
        while len(p) < target:
            p += dictionary_sentence(rng, words, weights)
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def synthetic_sentences(seed: int, n: int) -> list[str]:
    """Up to ``n`` distinct one-sentence paragraphs (20-40 characters, ending in 。): a news stream.

    Corpus tests build documents out of them (chains, templates) and check sentence by sentence.

    >>> s = synthetic_sentences(7, 5)
    >>> len(s) == len(set(s)) == 5 and all(x.endswith("。") for x in s)
    True
    """
    out: list[str] = []
    for p in synthetic_paragraphs(seed, n * 2, min_chars=20, max_chars=40):
        s = p.rstrip("。！？") + "。"
        if s not in out:
            out.append(s)
        if len(out) == n:
            break
    return out


def external_data_dir(start: str | os.PathLike[str] | None = None) -> Path:
    """Where evaluation data lives: ``$DEDUP_EXTERNAL_DATA``, else ``shared/data/external``
    in the first folder at or above ``start`` (default: this checkout) that has one.

    The data is used by tests and benchmarks, never shipped in the package.
    """
    from pathlib import Path

    env = os.environ.get("DEDUP_EXTERNAL_DATA")
    if env:
        if not Path(env).is_dir():
            raise FileNotFoundError(f"DEDUP_EXTERNAL_DATA={env} is not a folder")
        return Path(env)
    here = Path(start) if start is not None else Path(__file__).resolve().parent.parent
    for base in (here, *here.parents):
        cand = base / "shared" / "data" / "external"
        if cand.is_dir():
            return cand
    raise FileNotFoundError("../shared/data/external not found; set DEDUP_EXTERNAL_DATA")


def load_paragraphs(path: str | os.PathLike[str], *, min_chars: int = 20) -> list[str]:
    """Clean paragraphs from a UTF-8 file, one per line; short lines (headings) are skipped."""
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f if len(line.strip()) >= min_chars]


# --- English prose of our own, so the generators work on a bare clone --------------------------

_EN_SUBJECTS = (
    "The committee", "Dr. Alvarez", "The river authority", "A small bakery", "The city council", "Our survey team",
    "The old lighthouse keeper", "Mr. Okafor", "The regional hospital", "A group of students", "The railway company",
    "Prof. Lindqvist", "The village school", "The harbour master", "A local farmer", "The museum board",
    "The weather service", "Ms. Petrova", "The fishing cooperative", "The county library",
)


_EN_VERBS = (
    "reviewed", "announced", "questioned", "repaired", "published", "postponed", "measured", "described", "funded",
    "rejected", "improved", "recorded", "inspected", "welcomed", "extended", "compared", "approved", "abandoned",
)


_EN_OBJECTS = (
    "the annual budget", "a plan for the northern bridge", "the new water pipes", "the results of the spring census",
    "a proposal to close the ferry", "the timetable for winter trains", "the damage to the sea wall",
    "a report on rural broadband", "the school meal programme", "the price of heating oil", "the old town walls",
    "a study of migrating geese", "the hospital waiting lists", "the plan to plant ten thousand trees",
    "the harvest figures", "a catalogue of medieval maps", "the noise from the quarry", "the rules for street markets",
)


_EN_TAILS = (
    "after a long debate", "before the end of the month", "with some reluctance", "for the third year running",
    "despite heavy rain", "in front of a large crowd", "without any warning", "at the request of residents",
    "in the U.S. style", "as the law requires", "e.g. by counting every household", "during a quiet week in March",
    "on behalf of the whole region", "at a cost nobody had expected", "in a letter to the local paper",
    "(the second such case this year)", 'in what the mayor called "a fair deal"', "(see the appendix of the report)",
)


_EN_CLAUSES = (
    "which surprised many observers", "and the decision was final", "because the money had run out",
    "although nobody said so openly", "so that families could plan ahead", "while the weather stayed mild",
    "and a second meeting was set for June", "as several engineers had predicted",
)


def _english_sentence(rng: random.Random) -> str:
    s = f"{rng.choice(_EN_SUBJECTS)} {rng.choice(_EN_VERBS)} {rng.choice(_EN_OBJECTS)} {rng.choice(_EN_TAILS)}"
    if rng.random() < 0.5:
        s += ", " + rng.choice(_EN_CLAUSES)
    if rng.random() < 0.25:
        s += f", and {rng.randint(2, 9)}.{rng.randint(1, 9)} million people were affected"
    return s + rng.choice((".", ".", ".", "!", "?", ";")) if rng.random() < 0.1 else s + "."


def synthetic_english_paragraphs(seed: int, n: int, *, sentences: tuple[int, int] = (2, 5)) -> list[str]:
    """``n`` distinct English paragraphs from a small built-in grammar (public domain, no data needed).

    >>> ps = synthetic_english_paragraphs(3, 2)
    >>> len(ps), all(len(split_sentences(p)) >= 2 for p in ps)
    (2, True)
    """
    rng = random.Random(seed)
    out: list[str] = []
    used: set[str] = set()
    while len(out) < n:
        sents: list[str] = []
        while len(sents) < rng.randint(*sentences):
            s = _english_sentence(rng)
            if s not in used:
                used.add(s)
                sents.append(s)
        p = " ".join(sents)
        if len(split_sentences(p)) == len(sents):
            out.append(p)
    return out


# --- source text from ../shared/data/external (read, never shipped) ------------------------------

def _chunk_sentences(sentences: list[str], cjk: bool, max_len: int, rng: random.Random) -> list[str]:
    """Long source paragraphs split at sentence ends into paragraphs of about ``max_len`` // 2 .. ``max_len``."""
    out, cur = [], []
    for s in sentences:
        cur.append(s)
        if len(join_sentences(cur, cjk)) >= rng.randint(max_len // 2, max_len):
            out.append(join_sentences(cur, cjk))
            cur = []
    if cur:
        out.append(join_sentences(cur, cjk))
    return out


def wiki_zh_paragraphs(external: str | os.PathLike[str], *, min_chars: int = 20) -> list[str]:
    """The clean Chinese Wikipedia paragraphs of ``external/wiki-zh-200`` (headings skipped)."""
    return load_paragraphs(os.path.join(external, "wiki-zh-200", "wiki_zh_200.txt"), min_chars=min_chars)


def sogou_pages(external: str | os.PathLike[str], *, max_paragraph: int = 400) -> list[list[str]]:
    """The non-empty SogouCS news pages (``external/sogoucs-mini``, UTF-8 copy), each a list of paragraphs.

    The crawl separates paragraphs with U+E40C; ideographic spaces are kept
    as they are (real input).  Long paragraphs are split at sentence ends.
    Exact duplicate pages are given once.
    """
    path = os.path.join(external, "sogoucs-mini", "utf8", "news_sohusite_xml.smarty.dat")
    with open(path, encoding="utf-8") as f:
        raw = f.read()
    rng = random.Random(0)
    pages: list[list[str]] = []
    seen: set[str] = set()
    for content in _re.findall(r"<content>(.*?)</content>", raw, _re.S):
        content = content.strip()
        if not content or content in seen:
            continue
        seen.add(content)
        paras: list[str] = []
        for p in content.split("\ue40c"):
            p = p.strip().strip("\u3000").strip()
            if len(p) >= 10:
                paras += _chunk_sentences(split_sentences(p), True, max_paragraph, rng)
        if paras:
            pages.append(paras)
    return pages


def clough_texts(external: str | os.PathLike[str], *, max_paragraph: int = 600) -> dict[str, list[list[str]]]:
    """The Clough-Stevenson English texts by task (``a``-``e``), each a list of paragraphs.

    Both the five Wikipedia source texts and the 95 answers; answers of one
    task paraphrase each other, so a document should take one text per task.
    """
    base = os.path.join(external, "clough-stevenson-short-answers", "data")
    rng = random.Random(0)
    out: dict[str, list[list[str]]] = {}
    for name in sorted(os.listdir(base)):
        m = _re.search(r"task([a-e])\.txt$", name)
        if not m:
            continue
        with open(os.path.join(base, name), encoding="utf-8", errors="replace") as f:
            raw = f.read()
        paras: list[str] = []
        for p in _re.split(r"\n\s*\n", raw):
            p = " ".join(p.split())
            if len(p.split()) >= 5:
                paras += _chunk_sentences(split_sentences(p), False, max_paragraph, rng)
        if paras:
            out.setdefault(m.group(1), []).append(paras)
    return out
