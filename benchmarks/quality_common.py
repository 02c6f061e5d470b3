"""Shared loaders for the repair quality benchmarks (data in ../shared/data/external, never shipped)."""

from __future__ import annotations

import json
from pathlib import Path

from dedup.testing import external_data_dir

ROOT = Path(__file__).resolve().parent.parent


def external() -> Path:
    """../shared/data/external beside the checkout (or $DEDUP_EXTERNAL_DATA)."""
    try:
        return external_data_dir(ROOT)
    except FileNotFoundError as exc:
        raise SystemExit(str(exc)) from None


def acc_sentences(name: str) -> list[str]:
    """Error-free news sentences of macro-correct's acc_rmrb / acc_xxqg sets."""
    path = external() / "macro-correct-csc" / "macro_correct" / "corpus" / "text_correction" / "public" / f"{name}.tet.json"
    return [d["original_text"] for d in json.loads(path.read_text(encoding="utf-8"))]


def wiki_lines() -> list[str]:
    """The 200 clean Chinese Wikipedia lines of wiki-zh-200."""
    return [l for l in (external() / "wiki-zh-200" / "wiki_zh_200.txt").read_text(encoding="utf-8").splitlines() if l.strip()]


def english_paragraphs() -> list[str]:
    """Paragraphs of the clough-stevenson English texts (Wikipedia sources and students' answers)."""
    base = external() / "clough-stevenson-short-answers" / "data"
    out = []
    for path in sorted(base.glob("*.txt")):
        for para in path.read_text(encoding="utf-8", errors="replace").split("\n\n"):
            para = " ".join(para.split())
            if len(para) >= 40:
                out.append(para)
    return out


def csc_pairs(name: str) -> list[tuple[str, str]]:
    """(source, target) sentence pairs of a real typo set, by short name."""
    ext = external()
    if name == "sighan15":
        rows = (ext / "pycorrector-csc" / "examples" / "data" / "sighan_2015" / "test.tsv").read_text(encoding="utf-8").splitlines()
        return [tuple(r.split("\t")[:2]) for r in rows if "\t" in r]  # type: ignore[misc]
    if name.startswith("ecspell-"):
        dom = name.split("-", 1)[1]
        rows = (ext / "ecspell" / "Data" / "domains_data" / f"{dom}.test").read_text(encoding="utf-8").splitlines()
        return [tuple(r.split("\t")[1:3]) for r in rows if r.count("\t") >= 2]  # type: ignore[misc]
    if name == "lemon-news":
        rows = (ext / "lemon-news" / "lemon_v2" / "new.txt").read_text(encoding="utf-8").splitlines()
        out = []
        for r in rows:
            if "\t" in r:
                s, t = r.split("\t")[:2]
                out.append((s.replace(" ", ""), t.replace(" ", "")))
        return out
    if name == "lomo_tet":
        path = ext / "macro-correct-csc" / "macro_correct" / "corpus" / "text_correction" / "public" / "lomo_tet.json"
        return [(d["original_text"], d["correct_text"]) for d in json.loads(path.read_text(encoding="utf-8"))]
    raise SystemExit(f"unknown set {name}")


def ftfy_cases() -> dict[str, list[dict]]:
    """ftfy's own regression cases, by file name."""
    base = external() / "ftfy-test-cases" / "tests" / "test-cases"
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(base.glob("*.json"))}
