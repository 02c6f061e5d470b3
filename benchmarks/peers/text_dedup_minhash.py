"""text-dedup's MinHash script on one JSONL file; prints the removed ids (one JSON list).

Run with the Python of a venv that has ``text-dedup`` (never ours):

    /path/to/td/bin/python benchmarks/peers/text_dedup_minhash.py IN.jsonl WORK [--ngram 5]

text-dedup tokenizes by its NON_ALPHA regex (words), as configured out of the box; ``--threshold`` 0.7
and 256 permutations, its defaults. The run is its own ``python -m text_dedup.minhash`` process.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("work")
    ap.add_argument("--ngram", type=int, default=5)
    args = ap.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    out = f"{args.work}/out"
    cmd = [sys.executable, "-m", "text_dedup.minhash", "--path", "json", "--data_files", args.input, "--split", "train",
           "--cache_dir", f"{args.work}/cache", "--output", out, "--column", "text", "--num_proc", "1",
           "--ngram", str(args.ngram), "--hash_func", "xxh3"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    from datasets import load_from_disk

    kept = set(load_from_disk(out)["id"])
    with open(args.input, encoding="utf-8") as f:
        ids = [json.loads(line)["id"] for line in f if line.strip()]
    print(json.dumps(sorted(i for i in ids if i not in kept)))


if __name__ == "__main__":
    main()
