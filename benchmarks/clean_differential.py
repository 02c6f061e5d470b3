"""Differential check: this checkout's ``dedup.clean`` against another's, output and report bytes.

    git worktree add /tmp/lin-base 4c748ab
    python benchmarks/clean_differential.py --baseline /tmp/lin-base            # ~300 documents
    python benchmarks/clean_differential.py --baseline /tmp/lin-base --quick    # ~80, for every step

Documents: the quality benchmark's damaged sets (``dedup.testing.damaged_set``, zh and en, real text from
../shared/data/external, and the generated English), the sample, the clean_speed scaling series at 2 k
paragraphs (also cleaned with ``--unit line``), and ``make_messy_document`` documents. Each checkout
cleans them all in its own process (``PYTHONPATH`` set to it) and prints one sha256 of the output text
and one of the report JSON per document; any difference is listed and the exit status is 1.
Performance work (issue 15) must leave every digest unchanged.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CHILD = r"""
import dataclasses, hashlib, json, sys
import dedup
from dedup.pipeline import Config
from dedup.segment import SegmentConfig
docs = json.load(open(sys.argv[1], encoding="utf-8"))
line = Config(segment=SegmentConfig(unit="line"))
out = []
for name, unit, text in docs:
    r = dedup.clean(text, config=line if unit == "line" else None)
    out.append([name, hashlib.sha256(r.text.encode("utf-8", "surrogatepass")).hexdigest(),
                hashlib.sha256(r.report.to_json().encode("utf-8", "surrogatepass")).hexdigest()])
json.dump(out, open(sys.argv[2], "w", encoding="utf-8"))
"""


def documents(quick: bool) -> list[tuple[str, str, str]]:
    """(name, unit, text) for every document of the check."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from clean_speed import _series, news_documents

    from dedup.testing import damaged_set, external_data_dir, load_paragraphs, make_messy_document

    ext = external_data_dir(ROOT)
    scale = 4 if quick else 1
    docs: list[tuple[str, str, str]] = []
    docs.append(("sample", "paragraph", (ROOT / "examples" / "seed_zh_press.txt").read_text(encoding="utf-8")))
    for lang, n, like in (("zh", 120, False), ("zh", 20, True), ("en", 50, False), ("en", 10, True)):
        for i, d in enumerate(damaged_set(ext, lang, n // scale, seed=11, like_sample=like)):
            docs.append((f"damaged-{lang}{'-like' if like else ''}-{i}", "paragraph", d.text))
    for i, d in enumerate(damaged_set(None, "en", 30 // scale, seed=12)):
        docs.append((f"damaged-en-generated-{i}", "paragraph", d.text))
    for i, t in enumerate(news_documents()[: 57 // scale]):
        docs.append((f"news-{i}", "paragraph", t))
    zh = load_paragraphs(ext / "wiki-zh-200" / "wiki_zh_200.txt", min_chars=40)
    rng = random.Random(5)
    for i in range(30 // scale):
        paras = rng.sample(zh, rng.randint(3, 12))
        docs.append((f"messy-{i}", "paragraph", make_messy_document(paras, 100 + i, fragment_paragraphs=zh).text))
    n = 500 if quick else 2000
    for kind in ("distinct", "near-copies", "drifting", "repeated"):
        text = _series(kind, n)
        docs.append((f"series-{kind}-{n}", "paragraph", text))
        docs.append((f"series-{kind}-{n}-line", "line", "\n".join(p.rstrip("。") for p in text.split("\n\n"))))
    return docs


def digests(checkout: Path, src: Path, tmp: Path) -> list[list[str]]:
    """Run the child in ``checkout`` and read its digests."""
    code, dst = tmp / "child.py", tmp / f"out-{abs(hash(str(checkout)))}.json"
    code.write_text(_CHILD, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    subprocess.run([sys.executable, str(code), str(src), str(dst)], env=env, check=True)
    return json.loads(dst.read_text(encoding="utf-8"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baseline", required=True, help="the other checkout")
    ap.add_argument("--quick", action="store_true", help="a quarter of the documents, series at 500")
    args = ap.parse_args()
    docs = documents(args.quick)
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        src = tmp / "docs.json"
        src.write_text(json.dumps(docs, ensure_ascii=False), encoding="utf-8")
        ours = digests(ROOT, src, tmp)
        base = digests(Path(args.baseline).resolve(), src, tmp)
    bad = [(o[0], "text" if o[1] != b[1] else "report") for o, b in zip(ours, base) if o != b]
    for name, what in bad:
        print(f"DIFFERS: {name} ({what})")
    print(f"{len(docs)} documents ({sum(map(len, (d[2] for d in docs))):,} chars): {len(bad)} differ")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
