"""Corpus mode on the SogouCS mini sample (200 Sohu news pages, GB18030 and UTF-8 copies).

    python examples/corpus/news_demo.py [PATH/TO/sogoucs-mini] > examples/corpus/news_demo.out.txt

Runs, for each encoding, the command

    dedup-text corpus news_sohusite_xml.smarty.dat -o kept.jsonl --report report.jsonl \
        --boilerplate-unit sentence --boilerplate-min-docs 2 --boilerplate-keep first --workers 2

and prints what it found: every cluster (with the match and score of each
removed page), the pages that are mostly boilerplate, and a check that the
output decodes cleanly and is the same for both encodings.  The data set is
read from ../shared/data/external (it is not ours to ship); outputs go to a
temporary folder.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import orjson


ROOT = Path(__file__).resolve().parents[2]


def find_sample() -> Path:
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    for base in (ROOT, *ROOT.parents):
        cand = base / "shared" / "data" / "external" / "sogoucs-mini"
        if cand.is_dir():
            return cand
    raise SystemExit("sogoucs-mini not found; pass its path")


def main() -> None:
    sample = find_sample()
    tmp = Path(tempfile.mkdtemp(prefix="sogou-demo-"))
    outputs = {}
    for enc in ("gbk", "utf8"):
        src = sample / enc / "news_sohusite_xml.smarty.dat"
        out, rep = tmp / f"{enc}.kept.jsonl", tmp / f"{enc}.report.jsonl"
        cmd = ["dedup-text", "corpus", str(src), "-o", out.name, "--report", rep.name,
               "--boilerplate-unit", "sentence", "--boilerplate-min-docs", "2", "--boilerplate-keep", "first", "--workers", "2"]
        res = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=tmp)
        print(f"$ dedup-text corpus {enc}/news_sohusite_xml.smarty.dat -o {enc}.kept.jsonl --report {enc}.report.jsonl "
              "--boilerplate-unit sentence --boilerplate-min-docs 2 --boilerplate-keep first --workers 2")
        print(res.stderr.strip())
        outputs[enc] = (out.read_bytes(), rep.read_bytes())
    print()
    print("gbk and utf8 runs byte-identical (kept + report):", outputs["gbk"] == outputs["utf8"])
    kept = [orjson.loads(x) for x in outputs["gbk"][0].splitlines()]
    text = outputs["gbk"][0].decode("utf-8")  # raises if the output were not valid UTF-8
    print(f"output: {len(kept)} kept documents, valid UTF-8, {text.count(chr(0xFFFD))} replacement characters")
    # ids only: no text of the licensed sample is printed (this output is committed)
    report = [orjson.loads(x) for x in outputs["gbk"][1].splitlines()]
    clusters: dict[str, list[dict]] = {}
    for r in report:
        if r["cluster_size"] > 1:
            clusters.setdefault(r["cluster"], []).append(r)
    print(f"\n{len(clusters)} clusters of near-duplicate pages (kept page first):")
    for cid, members in clusters.items():
        members.sort(key=lambda r: r["duplicate_of"] is not None)
        print(f"  {cid[:16]}")
        for m in members[1:]:
            print(f"    - {m['id'][:16]}  {m['match']:<10} score {m['score']:.4f}")
    print("\ntemplate pages wholly contained in another page (removed, reported as 'contained'):")
    for r in report:
        if r["match"] == "contained":
            print(f"  {r['id'][:16]}  inside {r['duplicate_of'][:16]}  containment {r['score']:.2f}")
    print("\npages that are mostly boilerplate (share of their sentences repeated across clusters):")
    for r in report:
        if r["boilerplate_share"] >= 0.5:
            fate = f"duplicate of {r['duplicate_of'][:16]} ({r['match']})" if r["duplicate_of"] else f"kept, {r['boilerplate_removed']} boilerplate sentences removed"
            print(f"  {r['id'][:16]}  share {r['boilerplate_share']:.2f}  {fate}")


if __name__ == "__main__":
    main()
