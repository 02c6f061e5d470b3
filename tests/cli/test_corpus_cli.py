"""``dedup-text corpus``: formats in and out, one-line errors, no partial output."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dedup.cli import main
from dedup.io.records import RecordWriter, read_sogou
from dedup.testing import synthetic_sentences

STORY = "推进义务教育优质均衡发展，助力双减政策落地见效。各地教育部门持续发力，课后服务覆盖面不断扩大。"
OTHER = "本市地铁十一号线今日开通试运营，沿线居民出行时间大幅缩短，早高峰客流平稳有序。"
THIRD = "气象台发布暴雨蓝色预警，预计今天夜间到明天白天，全市大部地区有中到大雨。"

RECORDS = [
    {"id": "a", "text": STORY, "url": "http://x/1"},
    {"id": "b", "text": STORY.replace("，", ",") + "\n", "url": "http://x/2"},
    {"id": "c", "text": OTHER, "url": "http://x/3"},
    {"id": 7, "text": THIRD, "url": "http://x/4"},
]


def _jsonl(path, records):  # type: ignore[no-untyped-def]
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def _lines(path):  # type: ignore[no-untyped-def]
    return [orjson.loads(x) for x in path.read_bytes().splitlines()]


def _run(*argv: str) -> int:
    return main(["corpus", *argv, "--workers", "1", "-q"])


def test_jsonl_in_jsonl_out_with_report(tmp_path):
    src = _jsonl(tmp_path / "in.jsonl", RECORDS)
    out, rep = tmp_path / "out.jsonl", tmp_path / "rep.jsonl"
    assert _run(str(src), "-o", str(out), "--report", str(rep)) == 0
    kept = _lines(out)
    assert [r["id"] for r in kept] == ["a", "c", "7"]
    assert kept[0]["url"] == "http://x/1"  # other fields carried through
    report = _lines(rep)
    assert [(r["id"], r["cluster"], r["duplicate_of"]) for r in report] == [("a", "a", None), ("b", "a", "a"), ("c", "c", None), ("7", "7", None)]
    assert report[1]["score"] >= 0.85 and report[0]["score"] is None


def test_annotate_writes_duplicates_with_their_cluster(tmp_path):
    src = _jsonl(tmp_path / "in.jsonl", RECORDS)
    out = tmp_path / "out.jsonl"
    assert _run(str(src), "-o", str(out), "--annotate", "--no-clean") == 0
    rows = {r["id"]: r for r in _lines(out)}
    assert len(rows) == 4 and rows["b"]["duplicate_of"] == "a" and rows["b"]["cluster"] == "a"
    assert rows["b"]["text"] == RECORDS[1]["text"]  # duplicates are not rewritten


def test_parquet_in_parquet_out_and_parquet_report(tmp_path):
    src = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist([{**r, "id": str(r["id"])} for r in RECORDS]), src, row_group_size=2)
    out, rep = tmp_path / "out.parquet", tmp_path / "rep.parquet"
    assert _run(str(src), "-o", str(out), "--report", str(rep), "--batch-size", "2") == 0
    kept = pq.read_table(out).to_pylist()
    assert [r["id"] for r in kept] == ["a", "c", "7"] and kept[1]["url"] == "http://x/3"
    report = pq.read_table(rep).to_pylist()
    assert [r["duplicate_of"] for r in report] == [None, "a", None, None]


def test_custom_fields(tmp_path):
    src = _jsonl(tmp_path / "in.jsonl", [{"doc": str(r["id"]), "body": r["text"]} for r in RECORDS])
    out = tmp_path / "out.jsonl"
    assert _run(str(src), "-o", str(out), "--text-field", "body", "--id-field", "doc") == 0
    assert [r["doc"] for r in _lines(out)] == ["a", "c", "7"]


def test_folder_of_text_files_in_mixed_encodings(tmp_path):
    folder = tmp_path / "pages"
    (folder / "sub").mkdir(parents=True)
    (folder / "one.txt").write_bytes(STORY.encode("gb18030"))
    (folder / "sub" / "two.txt").write_bytes(STORY.encode("utf-8"))
    (folder / "three.txt").write_bytes(OTHER.encode("utf-8"))
    (folder / ".hidden").write_bytes(b"\x00\x01")
    out, rep = tmp_path / "kept", tmp_path / "rep.jsonl"
    assert _run(str(folder), "-o", str(out), "--report", str(rep), "--no-clean") == 0
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == ["one.txt", "three.txt"]
    assert (out / "one.txt").read_text(encoding="utf-8") == STORY  # written back as UTF-8
    assert {r["id"]: r["duplicate_of"] for r in _lines(rep)}["sub/two.txt"] == "one.txt"


def test_stdin_to_stdout(tmp_path, monkeypatch, capsysbinary):
    data = b"".join(orjson.dumps(r) + b"\n" for r in RECORDS)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert _run("-", "--format", "jsonl", "-o", "-", "--no-clean") == 0
    out = capsysbinary.readouterr().out
    assert [orjson.loads(x)["id"] for x in out.splitlines()] == ["a", "c", "7"]


def test_sogou_writer_round_trips(tmp_path):
    recs = [{"id": "n1", "text": "正文<不转义>&", "url": "http://a", "title": "标题"}]
    path = tmp_path / "x.dat"
    with RecordWriter(str(path), "sogou") as w:
        for r in recs:
            w.write(r)
    assert list(read_sogou(str(path))) == recs


@pytest.mark.parametrize(
    "argv, code, message",
    [
        (["missing.jsonl", "-o", "o.jsonl"], 1, "missing.jsonl: no such file"),
        (["in.jsonl"], 2, "the following arguments are required: -o/--output"),
        (["in.jsonl", "-o", "o.jsonl", "--workers", "0"], 2, "must be positive"),
        (["in.jsonl", "-o", "o.jsonl", "--boilerplate-min-docs", "1"], 2, "must be at least 2"),
        (["in.jsonl", "-o", "o.jsonl", "--scheduler", "tcp://x:1"], 2, "--scheduler needs --engine dask"),
        (["in.jsonl", "-o", "in.jsonl"], 2, "is also an input"),
        (["-", "-o", "o.jsonl"], 2, "give --format for standard input"),
        (["in.jsonl", "-o", "nodir/o.jsonl"], 1, "does not exist"),
        (["bad.jsonl", "-o", "o.jsonl"], 1, "bad.jsonl:2: not valid JSON"),
        (["notext.jsonl", "-o", "o.jsonl"], 1, "notext.jsonl:1: record has no 'text' field"),
        (["dupe.jsonl", "-o", "o.jsonl"], 1, "duplicate document id 'a'"),
        (["in.jsonl", "-o", "o.jsonl", "--text-field", "body"], 1, "record has no 'body' field"),
        (["odd.bin", "-o", "o.jsonl"], 2, "cannot tell the format of odd.bin"),
    ],
)
def test_errors_are_one_line_and_leave_no_output(tmp_path, monkeypatch, capsys, argv, code, message):
    monkeypatch.chdir(tmp_path)
    _jsonl(tmp_path / "in.jsonl", RECORDS)
    (tmp_path / "bad.jsonl").write_bytes(orjson.dumps(RECORDS[0]) + b"\n{oops\n")
    _jsonl(tmp_path / "notext.jsonl", [{"id": "x", "body": "y"}])
    _jsonl(tmp_path / "dupe.jsonl", [RECORDS[0], RECORDS[0]])
    (tmp_path / "odd.bin").write_bytes(b"\x01\x02 not a corpus")
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["corpus", *argv, "--workers", "1"]) == code
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no partial or temporary files


def test_interrupt_leaves_no_output(tmp_path, monkeypatch, capsys):
    import dedup.corpus.run as corpus  # where CorpusRun looks finish_batch up

    src = _jsonl(tmp_path / "in.jsonl", RECORDS)

    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(corpus, "finish_batch", boom)
    assert main(["corpus", str(src), "-o", str(tmp_path / "o.jsonl"), "--report", str(tmp_path / "r.jsonl"), "--workers", "1"]) == 130
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]
    assert "interrupted" in capsys.readouterr().err


def test_stats_summary_is_json_on_stderr(tmp_path, capsys):
    src = _jsonl(tmp_path / "in.jsonl", RECORDS)
    assert main(["corpus", str(src), "-o", str(tmp_path / "o.jsonl"), "--workers", "1", "--stats", "--no-clean"]) == 0
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0].startswith("dedup-text corpus: 4 documents -> 3 kept, 1 duplicates")
    stats = orjson.loads(lines[1])
    assert stats["documents"] == 4 and stats["duplicates"] == 1 and "peak_rss_mib" in stats


def test_incremental_cli_reports_revisions(tmp_path):
    idx = tmp_path / "idx"
    short = {"id": "s", "text": STORY[:24]}
    first = _jsonl(tmp_path / "1.jsonl", [short, RECORDS[2]])
    second = _jsonl(tmp_path / "2.jsonl", [RECORDS[0]])
    assert _run(str(first), "-o", str(tmp_path / "o1.jsonl"), "--index", str(idx), "--report", str(tmp_path / "r1.jsonl")) == 0
    assert _run(str(second), "-o", str(tmp_path / "o2.jsonl"), "--index", str(idx), "--report", str(tmp_path / "r2.jsonl")) == 0
    r2 = _lines(tmp_path / "r2.jsonl")
    assert r2[0]["id"] == "a" and r2[0]["duplicate_of"] is None
    assert r2[1] == {**r2[1], "id": "s", "duplicate_of": "a", "revised": True}


def test_sigterm_stops_like_ctrl_c(tmp_path, monkeypatch, capsys):
    import os
    import signal
    import time

    import dedup.corpus.run as corpus  # where CorpusRun looks finish_batch up

    src = _jsonl(tmp_path / "in.jsonl", RECORDS)

    def terminated(*a, **k):  # type: ignore[no-untyped-def]
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler interrupts this
        raise AssertionError("SIGTERM was not turned into an interrupt")

    monkeypatch.setattr(corpus, "finish_batch", terminated)
    before = signal.getsignal(signal.SIGTERM)
    assert main(["corpus", str(src), "-o", str(tmp_path / "o.jsonl"), "--report", str(tmp_path / "r.jsonl"), "--workers", "1"]) == 130
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]
    assert signal.getsignal(signal.SIGTERM) is before  # restored after the run


def test_corpus_html_review_page(tmp_path):
    import orjson

    from dedup.cli import main
    from dedup.testing import make_corpus

    corpus = make_corpus(11, 120)
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in corpus.records))
    page, rep = tmp_path / "review.html", tmp_path / "rep.jsonl"
    assert main(["corpus", str(src), "-o", str(tmp_path / "out.jsonl"), "--report", str(rep), "--html", str(page), "--workers", "1", "-q"]) == 0
    html = page.read_text(encoding="utf-8")
    rows = [orjson.loads(line) for line in rep.read_bytes().splitlines()]
    dup = next(r for r in rows if r["duplicate_of"] is not None)
    assert f'id="doc-{dup["duplicate_of"]}"' in html or dup["duplicate_of"] in html
    # self-contained: no script, stylesheet or image is fetched from anywhere
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", html)


def test_corpus_html_refuses_stdin(tmp_path, capsys):
    from dedup.cli import main

    assert main(["corpus", "-", "--format", "jsonl", "-o", str(tmp_path / "o.jsonl"), "--html", str(tmp_path / "r.html")]) == 2
    assert "--html" in capsys.readouterr().err


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (from /proc: the CI machines are Linux)."""
    from pathlib import Path

    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def test_workers_exit_when_the_command_is_killed(tmp_path):
    """SIGKILL (or the OOM killer) on the command must not leave its worker processes running."""
    import os
    import signal
    import subprocess
    import time
    from pathlib import Path

    import dedup.testing as dt

    src = _jsonl(tmp_path / "in.jsonl", dt.make_corpus(5, 1500).records)
    root = Path(__file__).resolve().parents[2]
    cmd = [sys.executable, "-m", "dedup.cli", "corpus", str(src), "-o", str(tmp_path / "out.jsonl"), "--workers", "2", "--batch-size", "20", "-q"]
    (tmp_path / "tmp").mkdir()  # a killed run cannot remove its spill folders: keep them out of /tmp
    env = {**os.environ, "PYTHONPATH": str(root), "TMPDIR": str(tmp_path / "tmp")}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    try:
        # the pool's two workers (besides multiprocessing's resource tracker) are up and working
        while len(workers) < 2:
            assert proc.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "no worker processes appeared within 60 s"
            workers = [p for p in _children(proc.pid) if "spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes().decode(errors="replace")]
            time.sleep(0.05)
        time.sleep(0.5)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    alive = workers
    deadline = time.monotonic() + 15
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [p for p in workers if Path(f"/proc/{p}").exists() and "Z" not in Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0]]
    assert not alive, f"worker processes {alive} outlived the killed command"
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.dask
def test_dask_scheduler_given_by_address_gives_the_local_bytes(tmp_path):
    """``--engine dask --scheduler ADDRESS``: a running cluster, reached by its address like a remote one."""
    import distributed

    import dedup.testing as dt

    src = _jsonl(tmp_path / "in.jsonl", dt.make_corpus(6, 150).records)
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0", silence_logs=50)
    try:
        args = [str(src), "--report", str(tmp_path / "rd.jsonl"), "-o", str(tmp_path / "od.jsonl"), "--no-clean"]
        assert main(["corpus", *args, "--engine", "dask", "--scheduler", cluster.scheduler_address, "-q"]) == 0
    finally:
        cluster.close()
    assert _run(str(src), "--report", str(tmp_path / "rl.jsonl"), "-o", str(tmp_path / "ol.jsonl"), "--no-clean") == 0
    assert (tmp_path / "rd.jsonl").read_bytes() == (tmp_path / "rl.jsonl").read_bytes()
    assert (tmp_path / "od.jsonl").read_bytes() == (tmp_path / "ol.jsonl").read_bytes()
    assert any(r["duplicate_of"] for r in _lines(tmp_path / "rl.jsonl"))


_CTRL_C_IN_A_FINALIZER = """
import os, signal, time
from dedup.cli.corpus import _terminate_like_interrupt

class Released:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while a finalizer runs (a Dask future released)
        time.sleep(0.2)

_terminate_like_interrupt()
try:
    Released()  # dropped at once: __del__ runs here
    time.sleep(5)  # the run going on
    print("went on")
except KeyboardInterrupt:
    print("interrupted")
"""


def test_ctrl_c_while_a_finalizer_runs_still_interrupts_the_run() -> None:
    """A Ctrl-C whose handler ran inside ``__del__`` was lost, and the run went on to its end.

    Python prints an exception raised in a finalizer as "Exception ignored"
    and drops it; the handler had already set SIGINT to ignored, so no other
    Ctrl-C could stop the run (CI: ``--engine dask`` mid-run, the handler ran
    in ``distributed``'s ``Future.__del__``, the run did not stop in 120 s).
    """
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.run([sys.executable, "-c", _CTRL_C_IN_A_FINALIZER], capture_output=True, text=True, timeout=60, env=env)
    assert proc.stdout.strip() == "interrupted", (proc.stdout, proc.stderr)
    assert "Exception ignored" not in proc.stderr, proc.stderr


_CTRL_C_AT_THE_LAST_COLLECTION = """
import os, sys, time


class LastToGo:
    '''Collected at interpreter exit, after Python put SIGINT back to the default action.'''

    def __del__(self, _write=os.write, _sleep=time.sleep, _fd=int(sys.argv[1])):
        _write(_fd, b"x")
        _sleep(3)


last = LastToGo()
sys.argv = ["dedup-text", "corpus", sys.argv[2], "-o", sys.argv[3], "--no-clean", "-q"]
from dedup.cli import main

sys.exit(main())
"""


def test_ctrl_c_while_a_finished_run_exits_leaves_its_exit_code(tmp_path: Path) -> None:
    """A Ctrl-C during the interpreter's last collection killed a finished run by signal (-2).

    Python restores SIGINT's default action before it collects what is left (a
    Dask cluster's finalizers take seconds), so the review's Ctrl-C test at 80 %
    of a run got status -2 with the outputs complete.  A run as a command now
    ignores Ctrl-C once it has its exit code.
    """
    src = tmp_path / "in.jsonl"
    src.write_text("".join(orjson.dumps({"id": str(i), "text": "".join(synthetic_sentences(i, 6))}).decode() + "\n" for i in range(20)), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    ready_r, ready_w = os.pipe()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen([sys.executable, "-c", _CTRL_C_AT_THE_LAST_COLLECTION, str(ready_w), str(src), str(out)], pass_fds=(ready_w,), env=env, stderr=subprocess.PIPE)
    os.close(ready_w)
    try:
        assert os.read(ready_r, 1) == b"x", "the run never reached its last collection"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        os.close(ready_r)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, (proc.returncode, err)
    assert len(out.read_text(encoding="utf-8").splitlines()) == 20
