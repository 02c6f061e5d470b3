"""Peak memory (RSS) and time of ``dedup-text`` on big hostile inputs.

Each run is a fresh subprocess; its peak RSS comes from ``os.wait4``.  Shows:

* the 1 GB one-line file is refused from its size (path) or after reading
  ``--max-bytes`` + 1 bytes (standard input): memory stays flat;
* 1,000,000 tiny paragraphs are refused by the block limit while segmenting:
  memory stays flat;
* below the limits, memory grows linearly: one-line blocks up to the
  1,000,000-character block limit, tiny paragraphs up to the 100,000-block
  limit, and generated messy documents — the numbers behind the documented
  limits in ``dedup/segment.py`` and ``dedup/io/read.py``.

Usage (about 10 minutes on 2 cores)::

    python benchmarks/memory_hostile.py            # all
    python benchmarks/memory_hostile.py --quick    # skip the slowest points
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure(argv: list[str], stdin: Path | None = None) -> tuple[int, float, float, str]:
    """(exit code, seconds, peak RSS in MiB, last stderr line) of one CLI run."""
    t = time.perf_counter()
    f = open(stdin, "rb") if stdin else subprocess.DEVNULL
    try:
        p = subprocess.Popen([sys.executable, "-m", "dedup.cli", *argv, "-q"], stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        assert p.stderr is not None
        err = p.stderr.read().decode("utf-8", "replace")
        _, status, usage = os.wait4(p.pid, 0)
    finally:
        if stdin:
            f.close()  # type: ignore[union-attr]
    code = os.waitstatus_to_exitcode(status)
    p.returncode = code
    return code, time.perf_counter() - t, usage.ru_maxrss / 1024, (err.strip().splitlines() or [""])[-1]


def one_line(path: Path, n_bytes: int) -> Path:
    chunk = "很长的一行没有换行".encode() * (1 << 14)
    with open(path, "wb") as f:
        while f.tell() < n_bytes:
            f.write(chunk[: n_bytes - f.tell()])
    return path


def prose_line(path: Path, n_chars: int) -> Path:
    """One line of real-looking Chinese prose (jieba words, sentences), no newline."""
    from dedup.testing import synthetic_paragraphs

    text, k = "", 0
    while len(text) < n_chars:
        text += "".join(synthetic_paragraphs(k, 2000))
        k += 1
    path.write_text(text[:n_chars], encoding="utf-8")
    return path


def tiny(path: Path, n: int) -> Path:
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(f"第{i % max(1, n // 2)}段。\n\n")
    return path


def messy(path: Path, n: int) -> Path:
    from dedup.testing import make_messy_document, synthetic_paragraphs

    path.write_text(make_messy_document(synthetic_paragraphs(7, n), 7).text, encoding="utf-8")
    return path


def main() -> None:
    quick = "--quick" in sys.argv
    print("| input | size | exit | time (s) | peak RSS (MiB) | result |")
    print("|---|---|---|---|---|---|")

    def show(name: str, path: Path, *extra: str, stdin: bool = False) -> None:
        out = path.parent / "out.txt"
        argv = ["-", "-o", str(out)] if stdin else [str(path), "-o", str(out)]
        code, secs, rss, msg = measure([*argv, *extra], stdin=path if stdin else None)
        size = path.stat().st_size
        result = "cleaned" if code == 0 else msg.replace("dedup-text: error: ", "")[:110].replace("|", "\\|")
        print(f"| {name} | {size / 2**20:,.1f} MiB | {code} | {secs:.1f} | {rss:,.0f} | {result} |", flush=True)
        if out.exists():
            out.unlink()

    with tempfile.TemporaryDirectory(prefix="dedup-mem-") as d:
        tmp = Path(d)
        big = one_line(tmp / "one_line_1gb.txt", 1 << 30)
        show("1 GB one line (path)", big)
        show("1 GB one line (stdin)", big, stdin=True)
        big.unlink()
        for chars in (100_000, 300_000, 1_000_000):
            show(f"one line of prose, {chars:,} chars", prose_line(tmp / f"line{chars}.txt", chars))
        show("one line of prose, 1,000,001 chars", prose_line(tmp / "line_over.txt", 1_000_001))
        show("1,000,000 tiny paragraphs", tiny(tmp / "tiny1m.txt", 1_000_000))
        for n in (10_000, 30_000) if quick else (10_000, 30_000, 100_000):
            show(f"{n:,} tiny paragraphs", tiny(tmp / f"tiny{n}.txt", n))
        for n in (1_000, 4_000) if quick else (1_000, 4_000, 16_000):
            show(f"messy document from {n:,} paragraphs", messy(tmp / f"messy{n}.txt", n))


if __name__ == "__main__":
    main()
