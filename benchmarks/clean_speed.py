"""The whole single-document cleaner's speed: against ftfy, against an earlier version, and as it grows.

    python benchmarks/clean_speed.py news --baseline /tmp/prev          # chars/s vs ftfy.fix_text, vs the baseline
    python benchmarks/clean_speed.py scaling --sizes 1000,5000,20000     # time, exponent and peak RSS per series
    python benchmarks/clean_speed.py corpus --docs 3000                  # corpus mode with and without cleaning
    python benchmarks/clean_speed.py rensa --paragraphs 20000           # dedup-text against a rensa script

``news``: news-sized documents (wiki-zh-200 and SogouCS paragraphs for Chinese, clough-stevenson answers
for English, from ../shared/data/external; damaged like the sample by
:func:`dedup.testing.make_messy_document`, with and without repeats). For each document, in one process,
alternating: CPU time of ``dedup.clean(text)`` and of ``ftfy.fix_text(text)``; totals give chars/s and the
ratio. With ``--baseline DIR`` the same documents are cleaned by that checkout in its own subprocess
(``PYTHONPATH=DIR``), alternating with ours, and the outputs are compared byte for byte.

``scaling``: one generated document per series and size, each a ``dedup-text`` process of its own
(whole-process wall time, peak RSS from ``wait4``): distinct paragraphs, 30 % near-copies, a drifting
chain (each paragraph a light edit of the previous), one paragraph repeated, and the near-copies as one
line each without final punctuation, with ``--unit line`` (``line``). With ``--baseline DIR`` that checkout runs each document too,
alternating, and its output is compared byte for byte. The exponent is the slope
of log(time) over log(paragraphs) between consecutive sizes. A series stops after a run over
``--cap`` seconds.

``corpus``: ``dedup-text corpus`` on a generated corpus with ``--no-clean`` and with cleaning; the
throughput ratio.

``rensa``: a seed-like document (:func:`rensa_document`: SogouCS sentences, or ``--source seed`` the seed-sized
generator; 30 % near-copies) through
``dedup-text`` and through a ~40-line rensa script (:data:`RENSA_SCRIPT`: MinHash + LSH + rapidfuzz
verification + union-find, first copy kept), each a whole process, alternating; median wall times and the
speed-up.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def _cpu() -> float:
    return time.process_time()


def news_documents(seed: int = 7, n: int = 57) -> list[str]:
    """News-sized damaged documents: about 2/3 Chinese, 1/3 English."""
    from dedup.testing import external_data_dir, load_paragraphs, make_messy_document

    ext = external_data_dir(ROOT)
    zh = load_paragraphs(ext / "wiki-zh-200" / "wiki_zh_200.txt", min_chars=40)
    en = []
    for p in sorted((ext / "clough-stevenson-short-answers" / "data").glob("*.txt")):
        en.extend(x.strip() for x in p.read_text(encoding="utf-8", errors="replace").split("\n\n") if len(x.strip()) > 80)
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        pool = zh if i % 3 else en
        paras = rng.sample(pool, min(len(pool), rng.randint(4, 10)))
        repeats = (1, 3) if i % 2 else (0, 0)
        docs.append(make_messy_document(paras, seed + i, markers=pool is zh, repeat_passes=repeats, fragment_paragraphs=pool).text)
    return docs


_BASELINE = r"""
import json, sys, time
import dedup
docs = json.load(open(sys.argv[1], encoding="utf-8"))
for d in docs[:2]:
    dedup.clean(d)  # imports and the lexicon, as on our side
out = []
for d in docs:
    t = time.process_time(); text = dedup.clean(d).text; out.append([time.process_time() - t, text])
json.dump(out, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
"""


def news(args: argparse.Namespace) -> None:
    import ftfy

    import dedup

    docs = news_documents()
    chars = sum(map(len, docs))
    for d in docs[:2]:  # one English, one Chinese (which loads the lexicon)
        dedup.clean(d)
        ftfy.fix_text(d)  # imports and caches are not what we measure
    ours = fix = 0.0
    outputs = []
    for _ in range(args.repeat):
        for d in docs:
            t = _cpu()
            outputs.append(dedup.clean(d).text)
            ours += _cpu() - t
            t = _cpu()
            ftfy.fix_text(d)
            fix += _cpu() - t
    row = {"documents": len(docs), "chars": chars, "dedup_chars_per_s": round(args.repeat * chars / ours), "ftfy_chars_per_s": round(args.repeat * chars / fix)}
    row["ratio_vs_ftfy"] = round(row["dedup_chars_per_s"] / row["ftfy_chars_per_s"], 3)
    if args.baseline:
        with tempfile.TemporaryDirectory() as tmp:
            src, dst = Path(tmp) / "docs.json", Path(tmp) / "out.json"
            src.write_text(json.dumps(docs, ensure_ascii=False), encoding="utf-8")
            code = Path(tmp) / "base.py"
            code.write_text(_BASELINE)
            env = {**os.environ, "PYTHONPATH": args.baseline}
            subprocess.run([sys.executable, str(code), str(src), str(dst)], env=env, check=True)
            base = json.loads(dst.read_text(encoding="utf-8"))
        base_s = sum(t for t, _ in base)
        row["baseline_chars_per_s"] = round(chars / base_s)
        row["ratio_vs_baseline"] = round(row["dedup_chars_per_s"] / row["baseline_chars_per_s"], 3)
        row["outputs_identical_to_baseline"] = [t for _, t in base] == outputs[: len(docs)]
    print(json.dumps(row, indent=1))


def _series(kind: str, n: int, seed: int = 3) -> str:
    from bench_data import seed_sized_paragraphs

    if kind == "distinct":
        paras = seed_sized_paragraphs(seed, n, dup_fraction=0.0)
    elif kind == "near-copies":
        paras = seed_sized_paragraphs(seed, n, dup_fraction=0.3)
    elif kind == "repeated":
        paras = seed_sized_paragraphs(seed, 1, dup_fraction=0.0) * n
    else:  # drifting chain: each paragraph one character away from the previous
        rng = random.Random(seed)
        cur = list(seed_sized_paragraphs(seed, 1, dup_fraction=0.0)[0])
        alphabet = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"
        paras = []
        for _ in range(n):
            cur[rng.randrange(len(cur))] = rng.choice(alphabet)
            paras.append("".join(cur))
    return "\n\n".join(paras) + "\n"


def _run_process(cmd: list[str], env: dict[str, str] | None = None, cwd: str | None = None) -> tuple[float, float]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
    return wall, usage.ru_maxrss / 1024


def _series_text(kind: str, n: int) -> tuple[str, list[str]]:
    """The document of a series and the options it runs with.

    ``line``: the near-copies one line each without final punctuation, with ``--unit line`` (every
    line break is then a possible cut to stitch).
    """
    if kind == "line":
        lines = [p.rstrip("。") for p in _series("near-copies", n).split("\n\n")]
        return "\n".join(lines), ["--unit", "line"]
    return _series(kind, n), []


def scaling(args: argparse.Namespace) -> None:
    """One ``dedup-text`` process per series and size (and per checkout, alternating, with ``--baseline``)."""
    sizes = [int(x) for x in args.sizes.split(",")]
    sides = [("ours", str(ROOT))] + ([("baseline", args.baseline)] if args.baseline else [])
    print("| series | paragraphs | MB | version | seconds | exponent | peak RSS MiB | RSS / input bytes above 150 MB | output as baseline |")
    print("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.series.split(","):
            prev: dict[str, tuple[int, float]] = {}
            stopped: set[str] = set()
            for n in sizes:
                path = Path(tmp) / f"{kind}-{n}.txt"
                text, options = _series_text(kind, n)
                path.write_text(text, encoding="utf-8")
                mb = path.stat().st_size / 1e6
                outputs = {}
                for name, checkout in sides:
                    if name in stopped or n > args.max_paragraphs.get(kind, n):
                        continue
                    out = Path(tmp) / f"{kind}-{n}.{name}.out"
                    cmd = [sys.executable, "-m", "dedup.cli", str(path), "-o", str(out), "-q", "--max-blocks", str(max(n + 10, 100_000)), "--max-bytes", str(1 << 30), *options]
                    # from the temporary folder: ``python -m`` puts the working folder first on sys.path,
                    # which would run this checkout whatever PYTHONPATH says
                    wall, rss = _run_process(cmd, {**os.environ, "PYTHONPATH": checkout}, cwd=tmp)
                    outputs[name] = out.read_bytes()
                    out.unlink()
                    exp = "" if name not in prev else f"{math.log(wall / prev[name][1]) / math.log(n / prev[name][0]):.2f}"
                    ratio = max(0.0, (rss - 150) * 2**20 / path.stat().st_size)
                    same = "" if len(outputs) < 2 else ("yes" if outputs["ours"] == outputs["baseline"] else "NO")
                    print(f"| {kind} | {n:,} | {mb:.1f} | {name} | {wall:.1f} | {exp} | {rss:.0f} | {ratio:.1f} | {same} |", flush=True)
                    prev[name] = (n, wall)
                    if wall > (args.cap if name == "ours" else args.baseline_cap or args.cap):
                        stopped.add(name)
                if len(stopped) == len(sides):
                    break


def corpus(args: argparse.Namespace) -> None:
    from bench_data import use_corpus_mode_generator

    use_corpus_mode_generator()
    from dedup.testing import make_corpus

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "c.jsonl"
        with open(src, "w", encoding="utf-8") as f:
            for r in make_corpus(2024, args.docs).records:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        times: dict[str, list[float]] = {"--no-clean": [], "--clean": []}
        for _ in range(args.repeat):
            for flag in times:
                cmd = [sys.executable, "-m", "dedup.cli", "corpus", str(src), "-o", str(Path(tmp) / "o.jsonl"), "--workers", "1", "-q", flag]
                times[flag].append(_run_process(cmd)[0])
        med = {k: sorted(v)[len(v) // 2] for k, v in times.items()}
        print(json.dumps({"docs": args.docs, "seconds_median": med, "clean_keeps_share_of_no_clean_throughput": round(med["--no-clean"] / med["--clean"], 3)}, indent=1))


def sogou_seed_like(n: int, seed: int = 11, dup_fraction: float = 0.3) -> str:
    """A seed-like document of ``n`` paragraphs from SogouCS sentences, ``dup_fraction`` of them near-copies.

    Each paragraph joins three to five sentences drawn from the SogouCS pages
    (``../shared/data/external/sogoucs-mini``; about 175 characters on
    average, so 20,000 paragraphs are ~3.5 M characters); then, as in
    :func:`bench_data.seed_sized_paragraphs`, ``dup_fraction`` of them are
    replaced by a copy of an earlier one, half exact, half with one character
    changed.
    """
    from dedup.testing import external_data_dir, sogou_pages
    from dedup.testing.sentences import split_sentences

    pool = sorted({s for page in sogou_pages(external_data_dir(ROOT)) for p in page for s in split_sentences(p) if len(s) >= 8})
    rng = random.Random(seed)
    paras = ["".join(rng.sample(pool, rng.randint(3, 5))) for _ in range(n)]
    for i in range(1, n):
        if rng.random() < dup_fraction:
            copy = list(paras[rng.randrange(i)])
            if rng.random() < 0.5:
                copy[rng.randrange(len(copy))] = rng.choice("的一是在不了有和人这中大为上个国我以要他时来用们")
            paras[i] = "".join(copy)
    return "\n\n".join(paras) + "\n"


def rensa_document(source: str, n: int) -> str:
    """The document of the rensa comparison: ``seed`` or ``sogou`` paragraphs, 30 % near-copies.

    ``seed``: :func:`bench_data.seed_sized_paragraphs` at 175 characters per paragraph (words drawn
    with the sample's weights; paragraphs distinct but for the copies). ``sogou``:
    :func:`sogou_seed_like` -- real sentences, but SogouCS-mini has only 2,114 of them (88 k
    characters), so 20,000 paragraphs repeat each sentence ~38 times in new combinations: a
    sentence-level repeat workload as much as a paragraph one.
    """
    if source == "sogou":
        return sogou_seed_like(n)
    from bench_data import seed_sized_paragraphs

    return "\n\n".join(seed_sized_paragraphs(3, n, mean_chars=175, dup_fraction=0.3)) + "\n"


#: the rensa pipeline a user would write (MinHash + LSH + rapidfuzz verification + union-find, first copy kept)
RENSA_SCRIPT = r'''
import sys
from rapidfuzz import fuzz
from rensa import RMinHash, RMinHashLSH

NUM_PERM, BANDS, NGRAM, THRESHOLD = 128, 32, 4, 80.0
text = open(sys.argv[1], encoding="utf-8").read()
paras = [p.strip() for p in text.split("\n\n") if p.strip()]
hashes = []
lsh = RMinHashLSH(0.5, NUM_PERM, BANDS)
for i, p in enumerate(paras):
    m = RMinHash(NUM_PERM, 42)
    m.update([p[a : a + NGRAM] for a in range(max(1, len(p) - NGRAM + 1))])
    hashes.append(m)
    lsh.insert(i, m)
parent = list(range(len(paras)))

def root(x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x

for i, m in enumerate(hashes):
    for j in lsh.query(m):
        if j > i and fuzz.ratio(paras[i], paras[j], score_cutoff=THRESHOLD):
            a, b = root(i), root(j)
            if a != b:
                parent[max(a, b)] = min(a, b)
kept = [p for i, p in enumerate(paras) if root(i) == i]
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write("\n\n".join(kept) + "\n")
'''


def rensa(args: argparse.Namespace) -> None:
    """``dedup-text`` on the SogouCS seed-like document against the rensa script, whole processes, alternating."""
    with tempfile.TemporaryDirectory() as tmp:
        doc = Path(tmp) / "doc.txt"
        doc.write_text(rensa_document(args.source, args.paragraphs), encoding="utf-8")
        script = Path(tmp) / "rensa_dedup.py"
        script.write_text(RENSA_SCRIPT, encoding="utf-8")
        cmds = {
            "dedup-text": [sys.executable, "-m", "dedup.cli", str(doc), "-o", str(Path(tmp) / "ours.txt"), "-q", "--max-blocks", str(max(args.paragraphs + 10, 100_000)), "--max-bytes", str(1 << 30)],
            "rensa script": [sys.executable, str(script), str(doc), str(Path(tmp) / "rensa.txt")],
        }
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        times: dict[str, list[float]] = {k: [] for k in cmds}
        for _ in range(args.repeat):
            for name, cmd in cmds.items():
                times[name].append(_run_process(cmd, env, cwd=tmp)[0])
        med = {k: round(sorted(v)[len(v) // 2], 2) for k, v in times.items()}
        kept = {k: (Path(tmp) / f).read_text(encoding="utf-8").count("\n\n") + 1 for k, f in (("dedup-text", "ours.txt"), ("rensa script", "rensa.txt"))}
        row = {"source": args.source, "paragraphs": args.paragraphs, "chars": len(doc.read_text(encoding="utf-8")), "seconds_median": med, "paragraphs_kept": kept}
        row["dedup_speedup_vs_rensa"] = round(med["rensa script"] / med["dedup-text"], 2)
        print(json.dumps(row, indent=1, ensure_ascii=False))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="what", required=True)
    a = sub.add_parser("news")
    a.add_argument("--baseline")
    a.add_argument("--repeat", type=int, default=3)
    b = sub.add_parser("scaling")
    b.add_argument("--sizes", default="1000,5000,20000,50000,100000")
    b.add_argument("--series", default="distinct,near-copies,drifting,repeated,line")
    b.add_argument("--baseline", help="another checkout, run alternating with this one on the same documents")
    b.add_argument("--baseline-cap", type=float, help="stop the baseline's series after a run longer than this (s; default --cap)")
    b.add_argument("--max-paragraphs", type=lambda v: {k: int(n) for k, n in (x.split("=") for x in v.split(","))}, default={}, help="largest size per series, e.g. drifting=20000")
    b.add_argument("--cap", type=float, default=300.0, help="stop a series after a run longer than this (s)")
    c = sub.add_parser("corpus")
    c.add_argument("--docs", type=int, default=3000)
    c.add_argument("--repeat", type=int, default=3)
    r = sub.add_parser("rensa")
    r.add_argument("--paragraphs", type=int, default=20_000)
    r.add_argument("--source", choices=("seed", "sogou"), default="sogou", help="paragraphs from SogouCS sentences (default) or the seed-sized generator")
    r.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    {"news": news, "scaling": scaling, "corpus": corpus, "rensa": rensa}[args.what](args)


if __name__ == "__main__":
    main()
