"""datatrove's four-stage MinHash pipeline on one JSONL file; prints the removed ids (one JSON list).

Run with the Python of a venv that has ``datatrove[processing]`` (never ours):

    /path/to/dt/bin/python benchmarks/peers/datatrove_minhash.py IN.jsonl WORK --tokens chars|words

``--tokens words`` is datatrove's default for Chinese (its jieba word tokenizer through spaCy, 5-grams); ``chars`` shingles the
simplified text by characters (one token per character, 5-grams), which is what Chinese text needs for
edited copies to be found (equal recall with ours). 14 buckets x 8 hashes, datatrove's defaults.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil

import numpy as np
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup.minhash import (
    MinhashConfig,
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupFilter,
    MinhashDedupSignature,
)
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter
from datatrove.utils.text import ngrams, simplify_text


class CharSignature(MinhashDedupSignature):
    """Shingles are n-grams of characters (whitespace dropped), not of words."""

    def get_shingles(self, text: str) -> np.ndarray:
        chars = [c for c in simplify_text(text, self.config.norm_config) if not c.isspace()]
        return np.fromiter((self._hash_func("".join(x)) for x in ngrams(chars, self.config.n_grams)), dtype=np.uint64).reshape((-1, 1))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("work")
    ap.add_argument("--tokens", choices=("chars", "words"), default="chars")
    args = ap.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    folder, name = os.path.split(os.path.abspath(args.input))
    config = MinhashConfig()
    sig = CharSignature if args.tokens == "chars" else MinhashDedupSignature
    w = args.work
    reader = lambda: JsonlReader(folder, glob_pattern=name, text_key="text", id_key="id")  # noqa: E731
    steps = [
        [reader(), sig(output_folder=f"{w}/signatures", config=config, language="zh")],
        [MinhashDedupBuckets(input_folder=f"{w}/signatures", output_folder=f"{w}/buckets", config=config)],
        [MinhashDedupCluster(input_folder=f"{w}/buckets", output_folder=f"{w}/remove_ids", config=config)],
        [reader(), MinhashDedupFilter(input_folder=f"{w}/remove_ids", exclusion_writer=JsonlWriter(f"{w}/removed", compression=None))],
    ]
    tasks = [1, config.num_buckets, 1, 1]
    for pipeline, n in zip(steps, tasks):
        LocalPipelineExecutor(pipeline=pipeline, tasks=n, workers=1, logging_dir=f"{w}/logs/{len(os.listdir(w)) if os.path.isdir(w) else 0}").run()
    removed = []
    for root, _, files in os.walk(f"{w}/removed"):
        for f in sorted(files):
            with open(os.path.join(root, f), encoding="utf-8") as fh:
                removed.extend(json.loads(line)["id"] for line in fh if line.strip())
    print(json.dumps(sorted(removed)))


if __name__ == "__main__":
    main()
