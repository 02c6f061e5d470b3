"""How the single-document defaults were chosen: a grid on generated documents.

Source paragraphs: wiki-zh-200 (../shared/data/external, not shipped) or, with
``--synthetic``, paragraphs built from jieba's dictionary.  For each setting
the script cleans the same generated documents and prints pairwise cluster
precision/recall of the blocks and the character error rate of the output
against the known truth.

    python benchmarks/tune_defaults.py --docs 60
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import random
import time
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from dedup import Config, clean
from dedup.testing import external_data_dir, load_paragraphs, make_messy_document, pair_scores, synthetic_paragraphs


def _docs(n: int, synthetic: bool, max_variants: int):
    if synthetic:
        pool = synthetic_paragraphs(0, 400, min_chars=30, max_chars=200)
    else:
        pool = load_paragraphs(external_data_dir(Path(__file__).resolve()) / "wiki-zh-200" / "wiki_zh_200.txt", min_chars=30)
    out = []
    for seed in range(n):
        rng = random.Random(seed)
        paras = rng.sample(pool, 8)
        frags = rng.sample([p for p in pool if p not in paras], 3)
        out.append(make_messy_document(paras, seed, fragment_paragraphs=frags, variant_prob=0.4, max_variants=max_variants))
    return out


def evaluate(config: Config, docs) -> tuple[float, float, float, float]:
    truth, pred, errors, total = [], [], 0, 0
    t0 = time.perf_counter()
    for i, d in enumerate(docs):
        r = clean(d.text, config=config)
        truth += [(i, s if s >= 0 else ("f", k)) for k, s in enumerate(d.truth.block_source)]
        pred += [(i, ("c", b["cluster"]) if b["cluster"] is not None else ("u", b["unit"])) for b in r.report.blocks]
        errors += Levenshtein.distance(r.text, d.truth.expected_text)
        total += len(d.truth.expected_text)
    p, rc = pair_scores(truth, pred)
    return p, rc, errors / total, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=60)
    ap.add_argument("--synthetic", action="store_true")
    args = ap.parse_args()
    sets = {"light (1 typo per damaged copy)": _docs(args.docs, args.synthetic, 1), "heavy (1-12 typos)": _docs(args.docs, args.synthetic, 12)}
    base = Config()
    print("| data | char n-gram | LSH Jaccard | similarity | sentence | precision | recall | CER | seconds |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    grid = itertools.product((3, 4, 5), (0.5, 0.3, 0.2), (0.7, 0.8, 0.9), (0.85, 0.75))
    for n, lsh, thr, sent in grid:
        m = base.match
        m = dataclasses.replace(m, threshold=thr, lsh=dataclasses.replace(m.lsh, threshold=lsh), shingles=dataclasses.replace(m.shingles, char_ngram=n))
        cfg = dataclasses.replace(base, match=m, sentences=dataclasses.replace(base.sentences, threshold=sent))
        for name, docs in sets.items():
            p, r, cer, secs = evaluate(cfg, docs)
            print(f"| {name} | {n} | {lsh} | {thr} | {sent} | {p:.4f} | {r:.4f} | {cer:.3%} | {secs:.1f} |", flush=True)


if __name__ == "__main__":
    main()
