"""Content quality of ``dedup.clean``: sentences lost, near-duplicates left, CER (issue 13).

    python benchmarks/quality_clean.py                                  # this checkout, default sizes
    python benchmarks/quality_clean.py --baseline /tmp/prev             # and an earlier checkout beside it
    python benchmarks/quality_clean.py --zh 200 --en 50 --sets zh,en    # smaller

Documents are made by :func:`dedup.testing.damaged_set` with every failure class
of issue 13 (repeat passes, cuts after brackets and inside numbers and words,
typos, renumbered, truncated, extended, merged, dropped and swapped copies,
completion, speaker tags, doubled and traditional characters, capitals, line
breaks, abbreviations, fragments), from Chinese news and Wikipedia (SogouCS,
wiki-zh-200) and English prose (Clough-Stevenson, plus our own generated
English, which needs no data).  Both versions clean the *same* documents, each
in its own subprocess with ``PYTHONPATH`` set to its checkout; the documents and
the measuring (:func:`dedup.testing.measure`) always come from this checkout.
Make a baseline with ``git worktree add /tmp/prev <commit>``.

Data comes from ../shared/data/external (see each folder's README); nothing is shipped.
Writes benchmarks/quality_clean.json (the numbers) and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: the damage the issue's own measurement named (to compare with its 8.4 lost per 1,000)
ISSUE_CLASSES = ("repeat", "cut", "cut-bracket", "variant", "renumber", "truncate", "extend", "merge", "drop", "swap")
#: ... at about the rates of the older ``make_messy_document`` (a copy damaged 4 times in 10, fewer cuts), longer documents
ISSUE_KNOBS = {"paragraphs": (6, 10), "damage_rate": 0.4, "cut_rate": 0.15, "extend_rate": 0.5}
#: whole news pages / Clough texts, every class, damaged about as lightly as the sample
SAMPLE_KNOBS = {"damage_rate": 0.4, "cut_rate": 0.15, "extend_rate": 0.5, "complete_rate": 0.5, "repair_rate": 0.1}


def run_clean(inp: str, out: str) -> None:
    """Subprocess mode: clean every text of the JSON list ``inp`` with the ``dedup`` on ``PYTHONPATH``.

    Writes one JSON object per document: output text, whether ``dedup.check``
    found a problem, or the error if ``clean`` raised.
    """
    import dedup

    texts = json.loads(Path(inp).read_text(encoding="utf-8"))
    rows = []
    for text in texts:
        try:
            r = dedup.clean(text)
            problems = dedup.check(text, r.text, r.report)
            rows.append({"text": r.text, "check": len(problems), "error": None})
        except Exception as exc:  # a crash is a result: the document is counted as lost entirely
            rows.append({"text": "", "check": 0, "error": f"{type(exc).__name__}: {exc}"})
    Path(out).write_text(json.dumps({"dedup": dedup.__file__, "rows": rows}, ensure_ascii=False), encoding="utf-8")


def clean_in(checkout: Path, texts: list[str], timeout: float) -> tuple[list[dict], str]:
    """Clean ``texts`` with the dedup of ``checkout`` in a fresh process; (rows, the dedup file it used)."""
    with tempfile.TemporaryDirectory() as tmp:
        inp, out = Path(tmp) / "in.json", Path(tmp) / "out.json"
        inp.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(checkout)}
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--run-clean", str(inp), str(out)], env=env, check=True, timeout=timeout, cwd=tmp)
        data = json.loads(out.read_text(encoding="utf-8"))
    used = Path(data["dedup"]).resolve()
    if checkout.resolve() not in used.parents:
        raise SystemExit(f"the subprocess for {checkout} imported {used}: is it a dedup checkout?")
    return data["rows"], str(used)


def make_sets(external: Path | None, names: list[str], zh: int, en: int, seed: int, only: tuple[str, ...] | None = None) -> dict[str, list]:
    """The document sets by name (see the module docstring); ``only`` restricts every set to those damage classes."""
    from dedup.testing import DAMAGE_CLASSES
    from dedup.testing import damaged_set as _damaged_set

    def damaged_set(*args, classes=DAMAGE_CLASSES, **kw):  # type: ignore[no-untyped-def]
        return _damaged_set(*args, classes=tuple(c for c in classes if only is None or c in only), **kw)

    makers = {
        "zh": lambda: damaged_set(external, "zh", zh, seed),
        "zh-issue13": lambda: damaged_set(external, "zh", zh, seed + 1, classes=ISSUE_CLASSES, **ISSUE_KNOBS),
        "zh-sample-like": lambda: damaged_set(external, "zh", 37, seed + 2, like_sample=True, **SAMPLE_KNOBS),
        "en": lambda: damaged_set(external, "en", en, seed + 3),
        "en-sample-like": lambda: damaged_set(external, "en", 20, seed + 4, like_sample=True, **SAMPLE_KNOBS),
        "en-generated": lambda: damaged_set(None, "en", en, seed + 5),
        "zh-generated": lambda: damaged_set(None, "zh", zh // 5, seed + 6),
    }
    needs_data = {"zh", "zh-issue13", "zh-sample-like", "en", "en-sample-like"}
    out = {}
    for name in names:
        if name not in makers:
            raise SystemExit(f"unknown set {name!r}; choose from {', '.join(makers)}")
        if name in needs_data and external is None:
            print(f"skipping {name}: ../shared/data/external not found", file=sys.stderr)
            continue
        out[name] = makers[name]()
    return out


def _paragraph_of(truth) -> dict[str, int]:
    from dedup.testing import split_sentences

    return {s: i for i, p in enumerate(truth.paragraphs) for s in split_sentences(p)}


def dump(folder: Path, name: str, docs: list, rows: list[dict]) -> int:
    """Write every document with a loss or an extra near-duplicate: input, truth, output, what was found."""
    from dedup.testing import measure

    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    for i, (doc, row) in enumerate(zip(docs, rows)):
        q = measure(doc.truth, row["text"])
        if not (q.lost or q.near_duplicates):
            continue
        n += 1
        base = folder / f"{name}-{i:04d}"
        Path(f"{base}.in.txt").write_text(doc.text, encoding="utf-8")
        Path(f"{base}.truth.txt").write_text(doc.truth.expected_text, encoding="utf-8")
        Path(f"{base}.out.txt").write_text(row["text"], encoding="utf-8")
        found = {
            "lost": list(q.lost),
            "near_duplicates": [list(p) for p in q.near_duplicates],
            "cer": q.cer,
            "corruptions": [[c.kind, c.block, c.paragraph, c.detail] for c in doc.truth.corruptions if c.kind != "repeat"],
        }
        Path(f"{base}.found.json").write_text(json.dumps(found, ensure_ascii=False, indent=1), encoding="utf-8")
    return n


def score(docs: list, rows: list[dict]) -> dict:
    """Per-set numbers for one version's outputs ``rows`` of ``docs``."""
    from dedup.testing import measure

    sentences = lost = pairs = docs_lost = flagged = crashed = 0
    cers: list[float] = []
    by_class: Counter[str] = Counter()
    examples: list[str] = []
    for doc, row in zip(docs, rows):
        q = measure(doc.truth, row["text"])
        sentences += q.sentences
        lost += len(q.lost)
        pairs += len(q.near_duplicates)
        docs_lost += bool(q.lost)
        flagged += row["check"] > 0
        crashed += row["error"] is not None
        cers.append(q.cer)
        para = _paragraph_of(doc.truth)
        for s in q.lost:
            p = para.get(s, -1)
            kinds = sorted({c.kind for c in doc.truth.corruptions if c.paragraph == p and c.kind != "repeat"}) or ["none"]
            for k in kinds:
                by_class[k] += 1
            if len(examples) < 3:
                examples.append(s[:60])
    return {
        "documents": len(docs),
        "sentences": sentences,
        "lost": lost,
        "lost_per_1000": round(1000 * lost / sentences, 2) if sentences else 0.0,
        "documents_with_loss": docs_lost,
        "near_duplicate_pairs": pairs,
        "near_duplicates_per_1000": round(1000 * pairs / sentences, 2) if sentences else 0.0,
        "cer_mean": round(statistics.fmean(cers), 5) if cers else 0.0,
        "cer_median": round(statistics.median(cers), 5) if cers else 0.0,
        "cer_worst": round(max(cers), 5) if cers else 0.0,
        "check_flagged": flagged,
        "crashed": crashed,
        "lost_by_damage_of_paragraph": dict(by_class.most_common()),
        "lost_examples": examples,
    }


def markdown(results: dict[str, dict[str, dict]]) -> str:
    """The README table: one row per set and version."""
    head = "| set | version | docs | sentences | lost / 1,000 | docs with a loss | near-dup pairs / 1,000 | CER mean | CER median | CER worst | `check` flagged |"
    lines = [head, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, versions in results.items():
        for version, r in versions.items():
            lines.append(
                f"| {name} | {version} | {r['documents']:,} | {r['sentences']:,} | {r['lost_per_1000']:.2f} ({r['lost']}) | {r['documents_with_loss']} "
                f"| {r['near_duplicates_per_1000']:.2f} ({r['near_duplicate_pairs']}) | {100 * r['cer_mean']:.2f} % | {100 * r['cer_median']:.2f} % "
                f"| {100 * r['cer_worst']:.1f} % | {r['check_flagged']} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--run-clean", nargs=2, metavar=("IN", "OUT"), help=argparse.SUPPRESS)
    ap.add_argument("--zh", type=int, default=1000, help="Chinese documents per Chinese set (default 1000)")
    ap.add_argument("--en", type=int, default=200, help="English documents per English set (default 200)")
    ap.add_argument("--sets", default="zh,zh-issue13,zh-sample-like,en,en-sample-like,en-generated", help="comma-separated set names")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--baseline", type=Path, help="an earlier checkout to run beside this one")
    ap.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "quality_clean.json")
    ap.add_argument("--timeout", type=float, default=3600.0, help="seconds per version and set before giving up")
    ap.add_argument("--only", help="comma-separated damage classes: plant only these (see dedup.testing.DAMAGE_CLASSES)")
    ap.add_argument("--dump", type=Path, help="write this checkout's failing documents (input, truth, output, findings) here")
    args = ap.parse_args(argv)
    if args.run_clean:
        run_clean(*args.run_clean)
        return
    sys.path.insert(0, str(ROOT))
    from dedup.testing import external_data_dir

    try:
        external: Path | None = external_data_dir(ROOT)
    except FileNotFoundError:
        external = None
    only = tuple(c for c in args.only.split(",") if c) if args.only else None
    sets = make_sets(external, [s for s in args.sets.split(",") if s], args.zh, args.en, args.seed, only)
    versions = {"this": ROOT}
    if args.baseline:
        versions = {"baseline": args.baseline, **versions}
    labels = {name: _describe(path) for name, path in versions.items()}
    results: dict[str, dict[str, dict]] = {}
    for name, docs in sets.items():
        results[name] = {}
        for version, path in versions.items():
            rows, _used = clean_in(path, [d.text for d in docs], args.timeout)
            if args.dump and version == "this":
                print(f"{name}: {dump(args.dump, name, docs, rows)} documents written to {args.dump}", file=sys.stderr)
            results[name][f"{version} ({labels[version]})"] = score(docs, rows)
            r = results[name][f"{version} ({labels[version]})"]
            print(f"{name:16} {version:8} lost/1000 {r['lost_per_1000']:6.2f}  near-dup/1000 {r['near_duplicates_per_1000']:6.2f}  CER mean {100 * r['cer_mean']:.2f} %", file=sys.stderr)
    payload = {"seed": args.seed, "zh": args.zh, "en": args.en, "only": only, "versions": labels, "results": results}
    args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(markdown(results))


def _describe(path: Path) -> str:
    """The short commit of a checkout (plus ``+dirty`` when it has uncommitted changes)."""
    try:
        rev = subprocess.run(["git", "-C", str(path), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(path), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, check=True).stdout.strip()
        return rev + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return str(path)


if __name__ == "__main__":
    main()
