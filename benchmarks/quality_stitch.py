"""Stitching quality: cuts joined (recall) and complete paragraphs left apart (false joins).

    python benchmarks/quality_stitch.py            # both scripts, both measures
    python benchmarks/quality_stitch.py --seeds 5  # more generated cuts per paragraph

Clean text: wiki-zh-200 (its 200 lines as paragraphs, 20 to a document, and all 200 in one
document) and clough-stevenson-short-answers (each of its 100 files as a document, and each
task's files in one document, where copies of similar text are evidence a false join could
lean on).  A false join is any join between two blocks of clean text.

Generated cuts: each paragraph of the same texts is cut once per seed at a point inside a
sentence (CJK: between two characters, after an opening bracket or quote, inside a number;
English: at a space, inside a word, inside a number, after an opening bracket or quote) and
set between its neighbours; ``attested`` documents also carry the uncut paragraph later (as a
repeated copy does in a messy page), ``alone`` ones do not.  A cut counts as recalled when
its two halves end up in one unit whose text is the paragraph again (whitespace runs folded
for English, exactly for CJK).

Data comes from ../shared/data/external (see each folder's README); nothing is shipped.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dedup.draft import Draft  # noqa: E402
from dedup.normalize.stitch import StitchConfig, stitch  # noqa: E402
from dedup.segment import segment  # noqa: E402
from dedup.testing import external_data_dir  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
_BLANK = re.compile(r"\n[ \t\u3000]*\n\s*")
_OPENERS = "（(《“「『【〈‘\""
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_SENTENCE_END = "。！？!?；;….:："


# -- clean text ------------------------------------------------------------------------


def wiki_paragraphs(external: Path) -> list[str]:
    """The non-blank lines of wiki-zh-200, in file order (headings included)."""
    text = (external / "wiki-zh-200" / "wiki_zh_200.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def clough_files(external: Path) -> dict[str, str]:
    """File name -> text of every clough-stevenson answer and source (CRLF folded)."""
    folder = external / "clough-stevenson-short-answers" / "data"
    return {p.name: p.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n") for p in sorted(folder.glob("*.txt"))}


def clough_paragraphs(external: Path) -> list[str]:
    """Blank-line paragraphs of every clough-stevenson file (inner line breaks kept)."""
    out: list[str] = []
    for text in clough_files(external).values():
        out.extend(p.strip() for p in _BLANK.split(text) if p.strip())
    return out


def zh_clean_documents(external: Path) -> list[str]:
    """wiki-zh-200 lines as paragraphs: 20 to a document, then all 200 in one."""
    lines = wiki_paragraphs(external)
    docs = ["\n\n".join(lines[i : i + 20]) + "\n" for i in range(0, len(lines), 20)]
    return docs + ["\n\n".join(lines) + "\n"]


def en_clean_documents(external: Path) -> list[str]:
    """Every clough-stevenson file as it is, then each task's files in one document."""
    files = clough_files(external)
    by_task: dict[str, list[str]] = {}
    for name, text in files.items():
        by_task.setdefault(name.rsplit("task", 1)[-1], []).append(text.strip())
    return list(files.values()) + ["\n\n".join(texts) + "\n" for texts in by_task.values()]


# -- running the stitcher ----------------------------------------------------------------


@dataclass(frozen=True)
class Stitched:
    text: str
    #: block indices of every unit
    units: tuple[tuple[int, ...], ...]
    #: the current text of every unit
    unit_texts: tuple[str, ...]


def run_stitch(text: str, config: StitchConfig = StitchConfig()) -> Stitched:
    """Segment ``text`` into paragraphs and stitch them (nothing else runs)."""
    blocks = segment(text)
    draft = Draft(text)
    units = stitch(text, blocks, draft, config)
    return Stitched(draft.text, tuple(u.blocks for u in units), tuple(draft.current(u.span.start, u.span.end) for u in units))


def false_joins(docs: Iterable[str], config: StitchConfig = StitchConfig()) -> tuple[int, int, list[str]]:
    """(joins, adjacent block pairs, examples) over clean documents: every join is false."""
    joins = pairs = 0
    examples: list[str] = []
    for doc in docs:
        s = run_stitch(doc, config)
        pairs += sum(len(u) for u in s.units) - 1
        for u, t in zip(s.units, s.unit_texts):
            if len(u) > 1:
                joins += len(u) - 1
                examples.append(t)
    return joins, pairs, examples


# -- generated cuts -----------------------------------------------------------------------


@dataclass(frozen=True)
class Cut:
    """A paragraph cut at ``head | tail``, in a document, with what a perfect stitcher makes of it."""

    text: str
    #: index of the head block among the document's blocks
    head_block: int
    #: the paragraph the two halves must form again
    whole: str
    kind: str
    script: str


def _zh_cut_points(p: str) -> dict[str, list[int]]:
    """Cut points inside sentences of a CJK paragraph, by kind."""
    lo, hi = max(8, len(p) // 4), len(p) - 6
    kinds: dict[str, list[int]] = {"char": [], "opener": [], "number": []}
    for i in range(lo, hi):
        a, b = p[i - 1], p[i]
        if a.isspace() or b.isspace() or a in _SENTENCE_END or a in "”’」』）)】》〉":
            continue
        if a in _OPENERS:
            kinds["opener"].append(i)
        elif (a.isdigit() and (b.isdigit() or b in ".．")) or (a in ".．" and b.isdigit()):
            kinds["number"].append(i)
        elif _CJK.match(a) and _CJK.match(b):
            kinds["char"].append(i)
    return kinds


def _en_cut_points(p: str) -> dict[str, list[int]]:
    """Cut points inside sentences of an English paragraph, by kind (a space cut drops the space)."""
    lo, hi = max(8, len(p) // 4), len(p) - 6
    kinds: dict[str, list[int]] = {"space": [], "word": [], "opener": [], "number": []}
    for i in range(lo, hi):
        a, b = p[i - 1], p[i]
        if b in " \n" and not a.isspace() and a not in _SENTENCE_END and a not in "\"')]”’" and p[i + 1 : i + 2].isalnum():
            kinds["space"].append(i)
        elif a.isalpha() and b.isalpha() and a.isascii() and b.isascii():
            kinds["word"].append(i)
        elif a in _OPENERS and not b.isspace() and (i < 2 or p[i - 2].isspace()):
            kinds["opener"].append(i)
        elif (a.isdigit() and (b.isdigit() or b == ".")) or (a == "." and b.isdigit()):
            kinds["number"].append(i)
    return kinds


def _split(p: str, i: int, kind: str) -> tuple[str, str]:
    return (p[:i], p[i + 1 :]) if kind == "space" else (p[:i], p[i:])


def make_cuts(paragraphs: Sequence[str], script: str, seed: int, *, attested: bool, min_chars: int = 40) -> list[Cut]:
    """One cut of every long enough paragraph, set between its two neighbours on each side."""
    rng = random.Random(seed)
    points = _zh_cut_points if script == "zh" else _en_cut_points
    out: list[Cut] = []
    for j, p in enumerate(paragraphs):
        if len(p) < min_chars:
            continue
        kinds = {k: v for k, v in points(p).items() if v}
        if not kinds:
            continue
        kind = rng.choice(sorted(kinds))
        head, tail = _split(p, rng.choice(kinds[kind]), kind)
        before = [q for q in paragraphs[max(0, j - 2) : j]]
        after = [q for q in paragraphs[j + 1 : j + 3]]
        blocks = before + [head, tail] + after + ([p] if attested else [])
        out.append(Cut("\n\n".join(blocks) + "\n", len(before), p, kind, script))
    return out


def _same(a: str, b: str, script: str) -> bool:
    return a == b if script == "zh" else " ".join(a.split()) == " ".join(b.split())


def cut_outcome(cut: Cut, config: StitchConfig = StitchConfig()) -> str:
    """``joined`` (right), ``wrong`` (joined into other text), ``left`` (not joined), ``extra`` (joined, plus another join)."""
    s = run_stitch(cut.text, config)
    for u, t in zip(s.units, s.unit_texts):
        if cut.head_block in u:
            if cut.head_block + 1 not in u:
                return "left"
            if not _same(t, cut.whole, cut.script):
                return "wrong"
            break
    # a join elsewhere in the document is a false join of clean paragraphs
    return "extra" if sum(len(u) - 1 for u in s.units) > 1 else "joined"


def cut_recall(cuts: Iterable[Cut], config: StitchConfig = StitchConfig()) -> dict[str, dict[str, int]]:
    """Outcome counts per cut kind (plus ``all``)."""
    table: dict[str, dict[str, int]] = {}
    for c in cuts:
        o = cut_outcome(c, config)
        for k in (c.kind, "all"):
            row = table.setdefault(k, {"joined": 0, "wrong": 0, "left": 0, "extra": 0})
            row[o] += 1
    return table


def recall(row: dict[str, int]) -> float:
    """Share of cuts joined right (an extra false join elsewhere still counts the cut as joined)."""
    n = sum(row.values())
    return (row["joined"] + row["extra"]) / n if n else 1.0


# -- messy documents (dedup.testing's generator: copies, truncated copies, cuts) ------------


def messy_outcomes(paragraphs: Sequence[str], seeds: Iterable[int], config: StitchConfig = StitchConfig()) -> dict[str, int]:
    """Cuts the generator made and joined, and joins it did not make (a truncated copy glued to the next paragraph)."""
    from dedup.testing import make_messy_document

    out = {"cuts": 0, "joined": 0, "pairs": 0, "false": 0}
    for seed in seeds:
        rng = random.Random(seed)
        picked = rng.sample(list(paragraphs), min(len(paragraphs), rng.randint(4, 10)))
        doc = make_messy_document(picked, seed)
        s = run_stitch(doc.text, config)
        made = {(u[i], u[i + 1]) for u in s.units for i in range(len(u) - 1)}
        truth = set(doc.truth.cuts)
        out["cuts"] += len(truth)
        out["joined"] += len(truth & made)
        out["pairs"] += sum(len(u) for u in s.units) - 1 - len(truth)
        out["false"] += len(made - truth)
    return out


def damaged_outcomes(docs: Iterable, config: StitchConfig = StitchConfig()) -> dict[str, int]:
    """The same over dedup.testing's damaged documents (both scripts; cuts of every kind, truncated and merged copies).

    ``right`` counts cuts joined with the joiner the truth says (``""`` or ``" "``).
    """
    out = {"cuts": 0, "joined": 0, "right": 0, "pairs": 0, "false": 0}
    for doc in docs:
        blocks = segment(doc.text)
        draft = Draft(doc.text)
        units = stitch(doc.text, blocks, draft, config)
        joiners = {}
        for e in draft.edits():
            k = next(i for i, b in enumerate(blocks) if b.span.end == e.span.start)
            joiners[(k, k + 1)] = e.after
        truth = {(a, b): j for a, b, j in doc.truth.cuts}
        out["cuts"] += len(truth)
        out["joined"] += sum(1 for c in truth if c in joiners)
        out["right"] += sum(1 for c, j in truth.items() if joiners.get(c) == j)
        out["pairs"] += len(blocks) - 1 - len(truth)
        out["false"] += sum(1 for c in joiners if c not in truth)
    del units
    return out


def damaged_sets(external: Path, count: int) -> dict[str, list]:
    """``count`` damaged documents per language, from real text (wiki-zh-200 and SogouCS; clough-stevenson)."""
    from dedup.testing import damaged_set

    return {"zh": damaged_set(external, "zh", count, 11), "en": damaged_set(external, "en", count, 13)}


# -- the command --------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=3, help="cuts per paragraph (one per seed)")
    ap.add_argument("--damaged", type=int, default=300, help="damaged documents per language")
    ap.add_argument("--messy", type=int, default=300, help="messy documents to generate")
    ap.add_argument("--examples", type=int, default=5, help="failures to print per table")
    args = ap.parse_args(argv)
    ext = external_data_dir(ROOT)
    print("## false joins on clean text\n")
    print("| text | joins | block pairs | rate |\n|---|---|---|---|")
    for name, docs in (("wiki-zh-200", zh_clean_documents(ext)), ("clough-stevenson", en_clean_documents(ext))):
        j, n, ex = false_joins(docs)
        print(f"| {name} | {j} | {n} | {j / n:.2%} |")
        for e in ex[: args.examples]:
            print(f"    joined: {e[:160]!r}")
    print("\n## messy documents (dedup.testing.make_messy_document on wiki-zh-200 paragraphs)\n")
    m = messy_outcomes([p for p in wiki_paragraphs(ext) if len(p) >= 30 and p.endswith("。")], range(args.messy))
    print("| cuts | joined | other block pairs | false joins |\n|---|---|---|---|")
    print(f"| {m['cuts']} | {m['joined']} ({m['joined'] / max(1, m['cuts']):.3f}) | {m['pairs']} | {m['false']} ({m['false'] / max(1, m['pairs']):.2%}) |")
    print("\n## damaged documents (dedup.testing.damaged_set: every damage class of issue 13)\n")
    print("| language | cuts | joined | joined with the right joiner | other block pairs | false joins |\n|---|---|---|---|---|---|")
    for lang, docs in damaged_sets(ext, args.damaged).items():
        d = damaged_outcomes(docs)
        c = max(1, d["cuts"])
        print(f"| {lang} | {d['cuts']} | {d['joined']} ({d['joined'] / c:.3f}) | {d['right']} ({d['right'] / c:.3f}) | {d['pairs']} | {d['false']} ({d['false'] / max(1, d['pairs']):.2%}) |")
    print("\n## generated cuts\n")
    print("| text | copy elsewhere | kind | cuts | joined right | joined wrong | left | extra join | recall |\n|---|---|---|---|---|---|---|---|---|")
    for name, script, paras in (("wiki-zh-200", "zh", wiki_paragraphs(ext)), ("clough-stevenson", "en", clough_paragraphs(ext))):
        for attested in (True, False):
            cuts = [c for seed in range(args.seeds) for c in make_cuts(paras, script, seed, attested=attested)]
            table = cut_recall(cuts)
            for kind in sorted(table, key=lambda k: (k == "all", k)):
                row = table[kind]
                print(f"| {name} | {'yes' if attested else 'no'} | {kind} | {sum(row.values())} | {row['joined']} | {row['wrong']} | {row['left']} | {row['extra']} | {recall(row):.3f} |")
            shown = 0
            for c in cuts:
                if shown >= args.examples:
                    break
                o = cut_outcome(c)
                if o in ("wrong", "left"):
                    shown += 1
                    i = c.text.split("\n\n")
                    print(f"    {o} ({c.kind}): {i[c.head_block][-40:]!r} / {i[c.head_block + 1][:40]!r}")


if __name__ == "__main__":
    main()
