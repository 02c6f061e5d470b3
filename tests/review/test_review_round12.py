"""Red-team review of round 12: records kept by ``--index`` (``dedup.index/3``) and Dask part-file outputs.

Each test here reproduces a defect found in review and is marked ``xfail(strict=True)``
so the suite stays green until the fix lands (then the mark must go).
"""

from __future__ import annotations

import datetime
import json
import os
import pty
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dedup.cli import main
from dedup.testing import synthetic_sentences
from tests.review.test_review_corpus import COMMON, _chain_jsonl, _kept_again_records


def _parquet(path: Path, records: list[dict[str, str]], extra: dict[str, pa.Array]) -> Path:
    """A Parquet input of ``records`` (id, text) plus the extra columns given (one value per record)."""
    cols: dict[str, object] = {"id": [r["id"] for r in records], "text": [r["text"] for r in records]}
    cols.update(extra)
    pq.write_table(pa.table(cols), path)
    return path


def test_a_kept_again_record_with_a_timezone_timestamp_is_restored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Run 1 indexes A and B (a duplicate); run 2's C makes B kept again, restored from records.bin.

    A Parquet column of UTC timestamps is an ordinary input; the index wrote the
    record, so it must read it back, and the output must be the whole run's rows.
    """
    recs = _kept_again_records()
    utc = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)

    def ts(n: int) -> dict[str, pa.Array]:
        return {"ts": pa.array([utc] * n, pa.timestamp("us", tz="UTC"))}

    index = tmp_path / "index"
    p0 = _parquet(tmp_path / "p0.parquet", recs[:2], ts(2))
    p1 = _parquet(tmp_path / "p1.parquet", recs[2:], ts(1))
    assert main(["corpus", str(p0), "-o", str(tmp_path / "o0.parquet"), "--index", str(index), *COMMON]) == 0
    capsys.readouterr()
    code = main(["corpus", str(p1), "-o", str(tmp_path / "o1.parquet"), "--index", str(index), *COMMON])
    err = capsys.readouterr().err
    assert code == 0, err
    rows = {r["id"]: r for r in pq.read_table(tmp_path / "o1.parquet").to_pylist()}
    assert rows["B"]["ts"] == utc and rows["B"]["text"] == recs[1]["text"]


def _jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_a_document_kept_again_is_written_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Run 1: A, B (a duplicate of A). Run 2: C makes B kept again, written from records.bin.

    Run 3 adds one unrelated document D: B's decision does not change, so it
    must not be written or reported again (the union of the outputs would hold B
    twice, which a deduplicated corpus must not).  It was, by every later run,
    while the index read back each document's decision without its direct
    representative (saved, but not loaded): B's kept-again looked new each time.
    """
    recs = _kept_again_records()
    other = {"id": "D", "text": "".join(synthetic_sentences(99, 12))}
    index = tmp_path / "index"
    ids: list[str] = []
    for n, part in enumerate((recs[:2], recs[2:], [other])):
        out, rep = tmp_path / f"o{n}.jsonl", tmp_path / f"r{n}.jsonl"
        assert main(["corpus", str(_jsonl(tmp_path / f"p{n}.jsonl", part)), "-o", str(out), "--report", str(rep), "--index", str(index), *COMMON]) == 0
        ids += [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    run3 = [json.loads(line) for line in (tmp_path / "r2.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(ids) == ["A", "B", "C", "D"], "each document written by exactly one run"
    assert [r["id"] for r in run3] == ["D"], "run 3 revises nothing"


def _interrupt(args: list[str], delay: float, env: dict[str, str]) -> tuple[int, str]:
    """Run ``args`` on a pseudo-terminal, SIGINT its process group after ``delay`` s; exit code and output."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGINT)
    out = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return proc.wait(timeout=120), out.decode("utf-8", "replace")


def test_ctrl_c_with_dask_workers_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    """SIGINT to the process group at 60, 70 and 80 % of a full run (the cluster stage on this corpus).

    Each must exit 130 with the one 'interrupted' line, no traceback, no output,
    and no work folder left in TMPDIR.
    """
    src = _chain_jsonl(tmp_path / "c.jsonl", docs=2500)
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    out = tmp_path / "o.jsonl"
    args = [sys.executable, "-m", "dedup.cli", "corpus", str(src), "-o", str(out), "--no-clean", "-q", "--engine", "dask", "--workers", "2", "--batch-size", "64"]
    start = time.monotonic()
    subprocess.run(args, env=env, check=True, capture_output=True, timeout=600)
    whole = time.monotonic() - start
    out.unlink()
    for share in (0.6, 0.7, 0.8):
        code, said = _interrupt(args, whole * share, env)
        if code == 0:  # finished before the signal: nothing to check for this point
            out.unlink()
            continue
        assert code == 130 and "Traceback" not in said, (share, code, said[-2000:])
        assert not out.exists()
        assert list(tmpdir.iterdir()) == [], (share, said[-500:])


@pytest.mark.parametrize("engine", ["dask", "local"])
def test_a_full_disk_for_the_report_leaves_no_output(tmp_path: Path, engine: str) -> None:
    """-o on a roomy disk, --report on a 64 KiB tmpfs that cannot hold it: one error, and no OUT either."""
    src = _chain_jsonl(tmp_path / "c.jsonl", docs=600)
    full = tmp_path / "full"
    full.mkdir()
    out = tmp_path / "o.jsonl"
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(full)], check=True)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "dedup.cli", "corpus", str(src), "-o", str(out), "--report", str(full / "r.jsonl"), "--no-clean", "-q", "--engine", engine, "--workers", "2", "--batch-size", "64"],
            capture_output=True,
            text=True,
            timeout=600,
        )
        left = sorted(p.name for p in full.iterdir())
    finally:
        subprocess.run(["umount", str(full)], check=True)
    assert proc.returncode == 1 and "dedup-text: error: " in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert left == []
    assert not out.exists(), "the run failed, yet OUT was written"


def test_a_full_disk_for_the_html_leaves_no_output(tmp_path: Path) -> None:
    """-o and --report on a roomy disk, --html on a 64 KiB tmpfs that cannot hold it: no OUT, no REPORT."""
    src = _chain_jsonl(tmp_path / "c.jsonl", docs=200)
    full = tmp_path / "full"
    full.mkdir()
    out, rep = tmp_path / "o.jsonl", tmp_path / "r.jsonl"
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(full)], check=True)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "dedup.cli", "corpus", str(src), "-o", str(out), "--report", str(rep), "--html", str(full / "r.html"), *COMMON],
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        subprocess.run(["umount", str(full)], check=True)
    assert proc.returncode == 1 and "dedup-text: error: " in proc.stderr, proc.stderr
    assert not out.exists() and not rep.exists(), "the run failed, yet its outputs were written"
