"""Run ``dedup-text`` as a subprocess over every hostile case; print a markdown table.

Columns: case, exit code, message (stderr, one line), partial output left?
(any file created in the output folder or beside the targets on error; on
success, whether the output and report are complete), input accounted for?
(:func:`dedup.report.check` on the report, the decoded input and the
output; "-" where the run refused the input).

The cases are those of ``tests/test_hostile.py`` plus, here only, the real
big ones: a 1 GB one-line file (from a path and from standard input) and
1,000,000 tiny paragraphs.  Usage::

    python benchmarks/hostile_table.py > /tmp/hostile.md
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dedup.io.read import ReadConfig, read_path  # noqa: E402
from dedup.report import check  # noqa: E402


def _load_cases():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("test_hostile", ROOT / "tests" / "test_hostile.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["test_hostile"] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def run(argv: list[str], stdin: bytes | Path | None = None) -> tuple[int, str, float]:
    t = time.perf_counter()
    if isinstance(stdin, Path):
        with open(stdin, "rb") as f:
            p = subprocess.run([sys.executable, "-m", "dedup.cli", *argv], stdin=f, capture_output=True)
    else:
        p = subprocess.run([sys.executable, "-m", "dedup.cli", *argv], input=stdin, capture_output=True)
    return p.returncode, p.stderr.decode("utf-8", "replace"), time.perf_counter() - t


def row(name: str, code: int, err: str, partial: str, accounted: str) -> str:
    msg = err.strip().replace("|", "\\|")
    if "Traceback" in err:
        msg = "TRACEBACK: " + msg.splitlines()[-1]
    elif err.count("\n") > 1:
        msg = f"{err.count(chr(10))} LINES: " + msg.splitlines()[0]
    if len(msg) > 220:
        msg = msg[:217] + "..."
    return f"| {name} | {code} | {msg or '(none)'} | {partial} | {accounted} |"


def hostile_rows(tmp: Path) -> list[str]:
    mod = _load_cases()
    rows = []
    for case in mod.CASES:
        work = tmp / f"case{len(rows)}"
        work.mkdir()
        (work / "out").mkdir()
        argv = case.build(work)
        before = _files(work)
        out, rep = work / "out" / "clean.txt", work / "out" / "report.json"
        full = [*argv, "-o", str(out), "--report", str(rep)] if case.outputs else list(argv)
        code, err, _ = run([*full, "-q"])
        after = _files(work)
        seed_tmp = [p for p in mod.SEED.parent.iterdir() if p.name.endswith(".tmp")]
        if code:
            left = sorted((after - before) | {str(p) for p in seed_tmp})
            partial = "YES: " + ", ".join(left) if left else "no"
            accounted = "- (refused)"
        else:
            partial = "no (complete)" if out.exists() and rep.exists() else "MISSING OUTPUT"
            text = read_path(argv[0], ReadConfig(max_bytes=1 << 30)).text
            problems = check(text, out.read_text(encoding="utf-8"), json.loads(rep.read_text(encoding="utf-8")))
            accounted = "yes (check: 0 problems)" if not problems else f"NO: {problems[0]}"
        rows.append(row(case.name, code, err, partial, accounted))
    return rows


def big_rows(tmp: Path) -> list[str]:
    rows = []
    one_gb = tmp / "one_line_1gb.txt"
    chunk = "很长的一行没有换行".encode() * (1 << 14)
    with open(one_gb, "wb") as f:
        while f.tell() < 1 << 30:
            f.write(chunk)
    out = tmp / "big_out"
    out.mkdir()
    code, err, secs = run([str(one_gb), "-o", str(out / "o.txt"), "--report", str(out / "r.json"), "-q"])
    rows.append(row(f"1 GB one-line file ({secs:.1f} s)", code, err, "YES" if _files(out) else "no", "- (refused)"))
    code, err, secs = run(["-", "-o", str(out / "o.txt"), "-q"], stdin=one_gb)
    rows.append(row(f"1 GB one line on standard input ({secs:.1f} s)", code, err, "YES" if _files(out) else "no", "- (refused)"))
    one_gb.unlink()
    tiny = tmp / "tiny_1m.txt"
    with open(tiny, "w", encoding="utf-8") as f:
        for i in range(1_000_000):
            f.write(f"第{i % 500_000}段。\n\n")
    code, err, secs = run([str(tiny), "-o", str(out / "o.txt"), "--report", str(out / "r.json"), "-q"])
    rows.append(row(f"1,000,000 tiny paragraphs ({secs:.1f} s)", code, err, "YES" if _files(out) else "no", "- (refused)"))
    return rows


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="dedup-hostile-") as d:
        tmp = Path(d)
        rows = hostile_rows(tmp)
        if "--no-big" not in sys.argv:
            rows += big_rows(tmp)
        rows = [r.replace(d, "<tmp>") for r in rows]  # stable, readable messages
    print("| case | exit | message (stderr) | partial output left? | input accounted for? |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(r)
    tracebacks = sum("TRACEBACK" in r for r in rows)
    partial = sum("| YES" in r for r in rows)
    print(f"\n{len(rows)} cases: {tracebacks} tracebacks, {partial} partial outputs, {sum('| NO:' in r for r in rows)} unaccounted.")


if __name__ == "__main__":
    main()
