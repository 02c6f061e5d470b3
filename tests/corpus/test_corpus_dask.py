"""``--engine dask``: nothing per document on the driver, and the local engine's bytes (issue 16 item 2).

Every run here goes to a ``distributed.LocalCluster`` of worker *processes*
(2 workers, 1 thread each), as a user's cluster would be: the tasks, their
files in the work folder and their results cross process boundaries.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from contextlib import redirect_stderr
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_corpus_solve import chain_corpus

from dedup.cli import main
from dedup.corpus import BoilerplateConfig, CorpusConfig, CorpusRun, dedup_records
from dedup.corpus.partitioned import PartitionedRun, open_run
from dedup.engines.dask import DaskEngine
from dedup.testing import corpora, make_corpus

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.dask_driver_memory import driver_peak, write_corpus  # noqa: E402

pytestmark = pytest.mark.dask


@pytest.fixture(scope="module")
def cluster():  # type: ignore[no-untyped-def]
    import distributed

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=50) as c:
        yield c


@pytest.fixture(scope="module")
def engine(cluster):  # type: ignore[no-untyped-def]
    eng = DaskEngine(scheduler=cluster.scheduler_address)
    yield eng
    eng.close()


def _write(path: Path, records) -> Path:  # type: ignore[no-untyped-def]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _mixed_records() -> list[dict[str, str]]:
    """Copies and near copies, boilerplate lines, a chain of overlapping documents, a huge and an empty record."""
    records = [dict(r) for r in make_corpus(5, 500, boilerplate=0.4).records]
    records += [{**r, "id": f"chain-{r['id']}"} for r in chain_corpus(3, 120)]
    records.append({"id": "huge", "text": "很长的一段文字，" * 400})
    records.append({"id": "empty", "text": ""})
    return records


def _cli_bytes(tmp: Path, name: str, src: Path, *extra: str) -> tuple[bytes, bytes]:
    out, rep = tmp / f"{name}.jsonl", tmp / f"{name}.report.jsonl"
    assert main(["corpus", str(src), "-o", str(out), "--report", str(rep), "-q", *extra]) == 0
    return out.read_bytes(), rep.read_bytes()


def test_cli_on_a_cluster_of_processes_gives_the_local_bytes(cluster, tmp_path: Path) -> None:
    """Output and report of ``--engine dask --scheduler`` equal ``--workers 1`` byte for byte (boilerplate kept once, a record over the limit)."""
    src = _write(tmp_path / "in.jsonl", _mixed_records())
    opts = ["--no-clean", "--batch-size", "64", "--boilerplate-keep", "first", "--boilerplate-min-docs", "3", "--max-record-bytes", "4000"]
    local = _cli_bytes(tmp_path, "local", src, *opts)
    dask = _cli_bytes(tmp_path, "dask", src, *opts, "--engine", "dask", "--scheduler", cluster.scheduler_address)
    assert dask == local
    report = [json.loads(x) for x in local[1].splitlines()]
    assert sum(r["duplicate_of"] is not None for r in report) > 100
    assert any(r["boilerplate_removed"] for r in report) and any("note" in r for r in report)


def _stats(cmd_out: str) -> dict:  # type: ignore[type-arg]
    """The ``--stats`` line of a run's standard error."""
    return json.loads([x for x in cmd_out.splitlines() if x.startswith("{")][-1])


def _sogou(path: Path, records) -> Path:  # type: ignore[no-untyped-def]
    """``records`` as a SogouCS pseudo-XML file (UTF-8)."""
    docs = "".join(f"<doc>\n<url>http://x/{r['id']}</url>\n<docno>{r['id']}</docno>\n<contenttitle>t</contenttitle>\n<content>{r['text']}</content>\n</doc>\n" for r in records)
    path.write_text(docs, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("out_name", "report_name", "extra"),
    [
        ("out.jsonl", "report.jsonl", []),
        ("out.jsonl", "report.jsonl", ["--annotate"]),
        ("out.jsonl.gz", "report.jsonl", []),
        ("out.jsonl.zst", "report.jsonl", []),
        ("-", "report.jsonl", []),
        ("out.jsonl", "-", []),
        ("out.dat", "report.jsonl", ["--format", "sogou"]),
    ],
)
def test_outputs_written_by_the_workers_are_the_local_bytes(cluster, tmp_path: Path, out_name: str, report_name: str, extra: list[str]) -> None:
    """The workers encode each batch's records and report lines, the driver copies them in order: the local engine's bytes.

    Plain, annotated, gzip and zstd output (one write per record, as the local
    writer makes: a codec sees the same calls), standard output for either,
    and SogouCS pseudo-XML in and out.
    """
    records = _mixed_records()[::3]
    src = _sogou(tmp_path / "in.dat", records) if "sogou" in extra else _write(tmp_path / "in.jsonl", records)
    opts = ["--no-clean", "--batch-size", "50", "--boilerplate-min-docs", "3", "--stats", *extra]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    got = {}
    for name, engine in (("local", ["--workers", "1"]), ("dask", ["--engine", "dask", "--scheduler", cluster.scheduler_address])):
        folder = tmp_path / name
        folder.mkdir()
        out = "-" if out_name == "-" else str(folder / out_name)
        rep = "-" if report_name == "-" else str(folder / report_name)
        cmd = [sys.executable, "-m", "dedup.cli", "corpus", str(src), "-o", out, "--report", rep, "-q", *opts, *engine]
        proc = subprocess.run(cmd, capture_output=True, timeout=600, env=env)
        assert proc.returncode == 0, proc.stderr.decode(errors="replace")
        files = {p.name: p.read_bytes() for p in folder.iterdir()}
        got[name] = (proc.stdout, files, _stats(proc.stderr.decode()))
    assert got["dask"][:2] == got["local"][:2]
    assert got["dask"][2]["outputs_written_by"] == "workers"
    assert got["local"][2]["kept"] == got["dask"][2]["kept"] < len(records)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(corpus=corpora(max_docs=80, dup_fraction=0.5), batch=st.integers(3, 40), annotate=st.booleans(), keep=st.sampled_from(["none", "first"]))
def test_generated_corpora_written_by_the_workers_are_the_local_bytes(cluster, tmp_path_factory, corpus, batch: int, annotate: bool, keep: str) -> None:  # type: ignore[no-untyped-def]
    """For any generated corpus, batch size, ``--annotate`` and boilerplate policy: output and report bytes of the workers' part files are the local CLI's."""
    tmp = tmp_path_factory.mktemp("gen")
    src = _write(tmp / "in.jsonl", corpus.records)
    opts = ["--no-clean", "--batch-size", str(batch), "--boilerplate-min-docs", "2", "--boilerplate-keep", keep, *(["--annotate"] if annotate else [])]
    local = _cli_bytes(tmp, "local", src, *opts)
    assert _cli_bytes(tmp, "dask", src, *opts, "--engine", "dask", "--scheduler", cluster.scheduler_address) == local


def test_a_record_json_cannot_hold_is_one_error_line_from_the_workers(cluster, tmp_path: Path) -> None:
    """A Parquet input with a bytes field to JSONL output: the worker encoding it fails as the local writer does; nothing left."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    src = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": ["a", "b"], "text": ["第一篇文章的内容。", "第二篇。"], "blob": [b"x", b"y"]}), src)
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "dedup.cli", "corpus", str(src), "-o", str(out), "--report", str(tmp_path / "r.jsonl"), "-q", "--engine", "dask", "--scheduler", cluster.scheduler_address]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    assert proc.returncode == 1
    why = "cannot be written as JSON (Type is not JSON serializable: bytes); write Parquet output (-o OUT.parquet) to keep such fields"
    assert proc.stderr.strip().splitlines() == [f"dedup-text: error: {out}: record 'a' {why}"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.parquet"]


def test_parquet_and_html_outputs_are_written_by_the_driver_with_the_local_bytes(cluster, tmp_path: Path) -> None:
    """A Parquet report, or ``--html`` (it needs every document's fields), keeps the driver-side writing: same bytes."""
    src = _write(tmp_path / "in.jsonl", _mixed_records()[::4])
    opts = ["--no-clean", "--batch-size", "50"]
    for extra in (["--report", str(tmp_path / "{}.report.parquet")], ["--html", str(tmp_path / "{}.html")]):
        outs = []
        for name, engine in (("local", []), ("dask", ["--engine", "dask", "--scheduler", cluster.scheduler_address])):
            err = io.StringIO()
            argv = ["corpus", str(src), "-o", str(tmp_path / f"{name}.jsonl"), "-q", "--stats", *opts, *[x.format(name) for x in extra], *engine]
            with redirect_stderr(err):
                assert main(argv) == 0
            target = Path(extra[1].format(name))
            outs.append(((tmp_path / f"{name}.jsonl").read_bytes(), target.read_bytes()))
            if name == "dask":
                assert _stats(err.getvalue())["outputs_written_by"] == "driver"
        assert outs[0] == outs[1]


def test_a_folder_of_text_files_out_is_written_by_the_driver_with_the_local_files(cluster, tmp_path: Path) -> None:
    """Text-folder output (a file per kept document) keeps the driver-side writing: the same files, the same bytes."""
    src = tmp_path / "in"
    for r in _mixed_records()[::5]:
        (src / f"{r['id']}.txt").parent.mkdir(parents=True, exist_ok=True)
        (src / f"{r['id']}.txt").write_text(r["text"], encoding="utf-8")
    got = []
    for name, engine in (("local", []), ("dask", ["--engine", "dask", "--scheduler", cluster.scheduler_address])):
        out = tmp_path / f"{name}-out"
        err = io.StringIO()
        with redirect_stderr(err):
            assert main(["corpus", str(src), "-o", str(out), "--report", str(tmp_path / f"{name}.jsonl"), "-q", "--stats", "--no-clean", "--batch-size", "30", *engine]) == 0
        got.append(({str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}, (tmp_path / f"{name}.jsonl").read_bytes()))
        if name == "dask":
            assert _stats(err.getvalue())["outputs_written_by"] == "driver"
    assert got[0] == got[1] and len(got[0][0]) > 10


def test_cleaned_output_is_the_local_bytes(cluster, tmp_path: Path) -> None:
    src = _write(tmp_path / "in.jsonl", make_corpus(6, 150).records)
    local = _cli_bytes(tmp_path, "local", src, "--batch-size", "40")
    assert _cli_bytes(tmp_path, "dask", src, "--batch-size", "40", "--engine", "dask", "--scheduler", cluster.scheduler_address) == local


def _docs(run) -> list[tuple[dict, str | None]]:  # type: ignore[no-untyped-def]
    try:
        return [(d.report(), d.text) for d in run]
    finally:
        run.close()


@pytest.mark.parametrize(("chunk_docs", "partitions"), [(40, 1), (80, 3), (130, 7)])
def test_any_cut_into_chunks_and_partitions_gives_the_same_documents(engine, chunk_docs: int, partitions: int) -> None:
    """Rows cut into many chunks and partitions (components, buckets and pairs spread over files) decide the same."""
    records = _mixed_records()[::2]
    config = CorpusConfig(clean=False, batch_size=40, boilerplate=BoilerplateConfig(min_docs=3, keep="first"))
    local = [(d.report(), d.text) for d in dedup_records(records, config)]
    assert _docs(PartitionedRun(records, config, engine=engine, chunk_docs=chunk_docs, partitions=partitions)) == local


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(corpus=corpora(max_docs=120, dup_fraction=0.5), batch=st.integers(3, 50), chunk_docs=st.integers(1, 200), partitions=st.integers(1, 6), keep=st.sampled_from(["most_complete", "earliest"]))
def test_generated_corpora_decide_as_the_local_engine(engine, corpus, batch: int, chunk_docs: int, partitions: int, keep: str) -> None:  # type: ignore[no-untyped-def]
    config = CorpusConfig(clean=False, batch_size=batch, keep=keep, boilerplate=BoilerplateConfig(min_docs=2))
    local = [(d.report(), d.text) for d in dedup_records(corpus.records, config)]
    assert _docs(PartitionedRun(corpus.records, config, engine=engine, chunk_docs=chunk_docs, partitions=partitions)) == local


def test_an_empty_input_gives_the_local_bytes(cluster, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("")
    local = _cli_bytes(tmp_path, "local", src, "--no-clean")
    assert _cli_bytes(tmp_path, "dask", src, "--no-clean", "--engine", "dask", "--scheduler", cluster.scheduler_address) == local == (b"", b"")


def test_a_repeated_id_is_one_error_line_and_no_output(cluster, tmp_path: Path) -> None:
    records = [{"id": "a", "text": "第一篇文章的内容。"}, {"id": "b", "text": "第二篇。"}, {"id": "a", "text": "又一个a。"}, {"id": "b", "text": "又一个b。"}]
    src = _write(tmp_path / "in.jsonl", records)
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "dedup.cli", "corpus", str(src), "-o", str(out), "--engine", "dask", "--scheduler", cluster.scheduler_address, "-q"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == ["dedup-text: error: duplicate document id 'a' (already in this input); ids must be unique"]
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_index_and_checkpoint_runs_keep_the_driver_side_run(engine, tmp_path: Path) -> None:
    """``--index`` / ``--checkpoint`` need the driver-side index (not partitioned yet): they take CorpusRun."""
    run = open_run([], CorpusConfig(), fields=__import__("dedup.io.records", fromlist=["Fields"]).Fields(), engine=engine, index=str(tmp_path / "ix"))
    try:
        assert isinstance(run, CorpusRun)
    finally:
        run.close()


@pytest.mark.parametrize("scheduler", ["separate", "in the driver"])
def test_driver_memory_does_not_grow_with_the_corpus(cluster, tmp_path: Path, scheduler: str) -> None:
    """The driver's peak RSS (and heap) stays within a fixed bound from 2,000 to 20,000 documents; bytes equal the local engine's.

    Two drivers: one given ``--scheduler`` (a cluster of 2 worker processes
    started here, as a real cluster's scheduler is elsewhere), and one that
    starts its own ``LocalCluster`` (``--workers 2``), whose scheduler runs in
    the driver's process (its workers are the driver's children, not counted
    in its RSS).  Batches of 100 documents, so that the few batches in flight
    weigh little beside what would grow with the corpus.  The RSS is the
    driver's own peak (VmHWM, see the next test).  Before the partitioned run
    the driver held the band table, ids, unit hashes, pairs and the solver's
    buckets: measured by this same function on the base commit
    (``benchmarks/dask_driver_memory.py --sizes 2000 20000 --batch-size 100
    --trace --root BASE``, BASE = 6fff063), its peak heap went from 18.2 to
    92.5 MiB and its own peak RSS from 209 to 355 MiB, which both bounds
    reject.
    """
    engine = ["--engine", "dask", *(["--scheduler", cluster.scheduler_address] if scheduler == "separate" else ["--workers", "2"])]
    trace = scheduler == "separate"  # the in-process scheduler's heap is the scheduler's, not the run's
    batches = ["--batch-size", "100"]
    rows = {}
    for n in (2_000, 20_000):
        folder = tmp_path / str(n)
        folder.mkdir()
        corpus = write_corpus(folder / "corpus.jsonl", n)
        rows[n] = driver_peak(corpus, folder, engine, trace=trace, extra=batches)
        if n == 20_000:
            local = driver_peak(corpus, folder, ["--workers", "1"], extra=batches)
            assert (rows[n]["output_sha256"], rows[n]["report_sha256"]) == (local["output_sha256"], local["report_sha256"])
    small, big = rows[2_000], rows[20_000]
    # a few batches in flight, whatever the size: the bound is fixed, not per document
    if trace:
        assert big["heap_mib"] - small["heap_mib"] < 2, rows
        assert big["heap_mib"] < 16, rows
    assert big["rss_mib"] - small["rss_mib"] < 16, rows


def test_the_driver_memory_measured_is_its_own_not_its_parents(tmp_path: Path) -> None:
    """``driver_peak`` reports the driver's own peak RSS, whatever the RSS of the process that starts it.

    Linux carries a parent's RSS high-water mark into the ``ru_maxrss`` of a
    child it starts (fork/vfork, then exec): the benchmark's process, which
    holds the generated corpus and the cluster's scheduler, grew with the
    corpus, and so did what ``wait4`` said of the driver (208 MiB at 50,000
    documents, 421 MiB at 200,000, while the driver's own peak stayed near
    180 MiB).  Here the test process holds 400 MiB more while starting it.
    """
    corpus = write_corpus(tmp_path / "corpus.jsonl", 50)
    ballast = bytearray(400 << 20)
    ballast[::4096] = b"\x01" * len(range(0, len(ballast), 4096))  # touched: resident
    try:
        row = driver_peak(corpus, tmp_path, ["--workers", "1"])
    finally:
        del ballast
    assert row["ru_maxrss_mib"] > 400, row  # the inherited high-water mark is real
    assert row["rss_mib"] < row["ru_maxrss_mib"] - 300, row


def test_under_cpu_load_every_future_is_held_until_gathered(tmp_path: Path) -> None:
    """Busy loops beside a ``--engine dask --workers 2`` run: no cancelled or forgotten task, the local bytes."""
    src = _write(tmp_path / "in.jsonl", make_corpus(12, 3000).records)
    local = _cli_bytes(tmp_path, "local", src, "--no-clean")
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"], start_new_session=True) for _ in range(3)]
    try:
        out, rep = tmp_path / "d.jsonl", tmp_path / "d.report.jsonl"
        cmd = [sys.executable, "-m", "dedup.cli", "corpus", str(src), "-o", str(out), "--report", str(rep), "--no-clean", "-q", "--engine", "dask", "--workers", "2"]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    finally:
        for p in busy:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "cancelled" not in proc.stderr
    assert (out.read_bytes(), rep.read_bytes()) == local


@pytest.mark.parametrize("moment", ["while the cluster starts", "mid-run"])
def test_ctrl_c_with_two_dask_workers_gives_one_line_and_leaves_nothing(tmp_path: Path, moment: str) -> None:
    """SIGINT to the process group (a terminal's Ctrl-C): exit 130, one line, no cluster process left, nothing in TMPDIR.

    Mid-run: each nanny and worker printed a KeyboardInterrupt traceback, and
    ``dask-scratch-space`` stayed in TMPDIR, before the workers ignored SIGINT
    and the scratch was ours.  While the cluster starts (its scratch folder
    exists, its processes are importing dask, before the preload that ignores
    SIGINT): each process still importing printed a traceback, until SIGINT
    was blocked while they are spawned (seen in a full-suite run on a loaded
    machine, where the old fixed 12-second wait fell in the start-up).
    """
    import time

    src = _write(tmp_path / "in.jsonl", make_corpus(5, 20000).records)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    cmd = [sys.executable, "-m", "dedup.cli", "corpus", str(src), "-o", str(out), "--engine", "dask", "--workers", "2"]
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True, start_new_session=True)
    # the driver makes its scratch folder (dedup-dask-*) just before it starts the cluster, and the
    # run's work folder (dedup-corpus-dask-*) once the cluster is up
    prefix = "dedup-dask-" if moment == "while the cluster starts" else "dedup-corpus-dask-"
    deadline = time.monotonic() + 300
    while not any(name.startswith(prefix) for name in os.listdir(tmp)) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    if moment == "mid-run":
        time.sleep(3)  # working (the run takes far longer)
    os.killpg(proc.pid, signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    time.sleep(2)
    left = subprocess.run(["pgrep", "-g", str(proc.pid)], capture_output=True, text=True).stdout.split()
    assert proc.returncode == 130, err
    assert err.strip().splitlines() == ["dedup-text: interrupted; no output was written"], err
    assert left == [] and not out.exists() and os.listdir(tmp) == []


_WORKER_SIGMASKS = """
import os
from dedup.engines.dask import DaskEngine

def blocked(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("SigBlk:"):
            return bool(int(line.split()[1], 16) & (1 << 1))  # bit 1: SIGINT (2)

engine = DaskEngine(workers=2)
try:
    pids = engine.client.run(os.getpid).values()
    print(sorted(blocked(pid) for pid in pids))
finally:
    engine.close()
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the workers' signal masks from /proc")
def test_every_local_worker_starts_with_sigint_blocked() -> None:
    """Each worker process of the local cluster is spawned with SIGINT blocked (so a Ctrl-C while it imports waits).

    The first spawn starts multiprocessing's resource tracker, which blocks
    SIGINT around its own spawn and then *unblocks* it in the spawning
    thread: the worker spawned next from that thread started with SIGINT
    open, and a Ctrl-C while it imported printed a KeyboardInterrupt
    traceback (CI, stop 12).  Run in a fresh interpreter: the resource
    tracker must not be running yet.
    """
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.run([sys.executable, "-c", _WORKER_SIGMASKS], capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[True, True]", proc.stdout
