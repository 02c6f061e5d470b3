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


def _interrupt_when(cmd: list[str], env: dict[str, str], ready, *, wait: float = 600, poll: float = 0.05, then: float = 0) -> tuple[subprocess.Popen[str], str]:  # type: ignore[no-untyped-def]
    """Start ``cmd`` in its own session, SIGINT its process group (a terminal's Ctrl-C) once ``ready()``, and return it and its stderr.

    ``ready`` is polled every ``poll`` seconds for at most ``wait``; the run
    must still be going then (else the test proves nothing), and ``then``
    seconds more pass before the signal.  SIGKILL to the group if it does
    not end within 120 s, so a hang fails the test instead of the suite.
    """
    import time

    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + wait
    while not ready() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(poll)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    time.sleep(then)
    os.killpg(proc.pid, signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    return proc, err


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


def _parquet_input(path: Path, records: list[dict[str, str]]) -> Path:
    """``records`` as Parquet, with columns whose types Parquet output must carry over or unify.

    ``n`` (int32 in the input: its type is kept), ``late`` (null in the first
    documents, then floats: the type of a column seen first in a later part),
    ``tags`` (lists).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = len(records)
    pq.write_table(
        pa.table(
            {
                "id": [r["id"] for r in records],
                "text": [r["text"] for r in records],
                "n": pa.array(range(n), pa.int32()),
                "late": [None if i < n // 2 else i / 7 for i in range(n)],
                "tags": [[f"t{i % 3}"] * (i % 4) for i in range(n)],
            }
        ),
        path,
    )
    return path


def _run_both(cluster, tmp_path: Path, src: Path, outputs: dict[str, str], opts: list[str]) -> dict[str, tuple[dict[str, bytes], dict]]:  # type: ignore[no-untyped-def, type-arg]
    """The CLI with ``--workers 1`` and with ``--engine dask`` on ``cluster``: every output's bytes (a folder: its files) and the stats.

    ``outputs``: flag -> file name (``{}`` is the engine's name).
    """
    got = {}
    for name, engine in (("local", ["--workers", "1"]), ("dask", ["--engine", "dask", "--scheduler", cluster.scheduler_address])):
        paths = {flag: tmp_path / f.format(name) for flag, f in outputs.items()}
        err = io.StringIO()
        with redirect_stderr(err):
            assert main(["corpus", str(src), *[x for flag, p in paths.items() for x in (flag, str(p))], "-q", "--stats", *opts, *engine]) == 0, err.getvalue()
        files = {}
        for flag, p in paths.items():
            files[flag] = {str(f.relative_to(p)): f.read_bytes() for f in sorted(p.rglob("*")) if f.is_file()} if p.is_dir() else p.read_bytes()
        got[name] = (files, _stats(err.getvalue()))
    return got


@pytest.mark.parametrize("annotate", [False, True])
def test_parquet_outputs_joined_from_the_workers_parts_are_the_local_bytes(cluster, tmp_path: Path, annotate: bool) -> None:
    """Parquet output and report of over 8,192 rows, from a Parquet input: the workers write the local writer's parts, the file is the local one.

    The local writer cuts the output into parts of 4,096 records (row groups
    of the file) over the whole stream, and types each part's columns from
    its own rows; the workers cut at the same records (a batch of 300 is
    split across parts) and the driver joins the parts: the same row
    groups, the same unified schema, the same bytes.
    """
    import pyarrow.parquet as pq

    records = [dict(r) for r in make_corpus(8, 9000).records]
    src = _parquet_input(tmp_path / "in.parquet", records)
    opts = ["--no-clean", "--batch-size", "300", "--boilerplate-min-docs", "3", *(["--annotate"] if annotate else [])]
    got = _run_both(cluster, tmp_path, src, {"-o": "{}.parquet", "--report": "{}.report.parquet"}, opts)
    assert got["dask"][0] == got["local"][0]
    assert got["dask"][1]["outputs_written_by"] == "workers"
    local_out, local_report = tmp_path / "local.parquet", tmp_path / "local.report.parquet"
    assert pq.ParquetFile(local_report).num_row_groups == 3 and pq.ParquetFile(local_out).num_row_groups >= 2
    table = pq.read_table(local_out)
    assert table.num_rows == (len(records) if annotate else got["local"][1]["kept"]) and table.schema.field("n").type == "int32"
    assert str(table.schema.field("late").type) == "double"


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(corpus=corpora(max_docs=80, dup_fraction=0.5), batch=st.integers(3, 40), part_rows=st.integers(1, 30), annotate=st.booleans())
def test_generated_corpora_in_parquet_parts_of_any_size_are_the_local_bytes(cluster, tmp_path_factory, monkeypatch, corpus, batch: int, part_rows: int, annotate: bool) -> None:  # type: ignore[no-untyped-def]
    """For any corpus, batch size and part size (the local writer's ``PARQUET_PART_ROWS``, made small): the joined Parquet files are the local ones.

    Parts then end anywhere in a batch, batches hold several parts or none
    (every document a duplicate), and the last part is short.
    """
    import dedup.io.record_writer as record_writer

    monkeypatch.setattr(record_writer, "PARQUET_PART_ROWS", part_rows)
    tmp = tmp_path_factory.mktemp("pq")
    src = _write(tmp / "in.jsonl", corpus.records)
    opts = ["--no-clean", "--batch-size", str(batch), "--boilerplate-min-docs", "2", *(["--annotate"] if annotate else [])]
    got = _run_both(cluster, tmp, src, {"-o": "{}.parquet", "--report": "{}.report.parquet"}, opts)
    assert got["dask"][0] == got["local"][0]
    if corpus.records:  # the local report is cut into parts of part_rows: one row group each
        import pyarrow.parquet as pq

        assert pq.ParquetFile(tmp / "local.report.parquet").num_row_groups == -(-len(corpus.records) // part_rows)


def test_small_parquet_outputs_and_the_html_page_from_the_workers_are_the_local_bytes(cluster, tmp_path: Path) -> None:
    """Under one part (the local writer writes it at once), and ``--html`` from the review rows the workers wrote: the same bytes."""
    src = _write(tmp_path / "in.jsonl", _mixed_records()[::4])
    outputs = {"-o": "{}.parquet", "--report": "{}.report.parquet", "--html": "{}.html"}
    got = _run_both(cluster, tmp_path, src, outputs, ["--no-clean", "--batch-size", "50"])
    assert got["dask"][0] == got["local"][0]
    assert got["dask"][1]["outputs_written_by"] == "workers"
    assert got["local"][0]["--html"].count(b'<details class="cluster item"') == 9 and got["local"][1]["duplicates"] == 10


def test_a_folder_of_text_files_out_is_written_by_the_workers_with_the_local_files(cluster, tmp_path: Path) -> None:
    """Text-folder output (a file per kept document, ids with folders in them): the workers write the same files, the same bytes."""
    src = tmp_path / "in"
    for r in _mixed_records()[::5]:
        (src / f"{r['id']}.txt").parent.mkdir(parents=True, exist_ok=True)
        (src / f"{r['id']}.txt").write_text(r["text"], encoding="utf-8")
    (src / "deep" / "er").mkdir(parents=True)
    (src / "deep" / "er" / "x.txt").write_text("一篇藏在子文件夹里的文章，内容不长。", encoding="utf-8")
    got = _run_both(cluster, tmp_path, src, {"-o": "{}-out", "--report": "{}.jsonl"}, ["--no-clean", "--batch-size", "30"])
    assert got["dask"][0] == got["local"][0]
    assert got["dask"][1]["outputs_written_by"] == "workers"
    assert len(got["local"][0]["-o"]) > 10 and "deep/er/x.txt" in got["local"][0]["-o"]


@pytest.mark.parametrize("output", ["out.parquet", "out-folder"])
def test_a_full_disk_for_an_output_the_workers_write_is_one_line_and_leaves_nothing(cluster, tmp_path: Path, output: str) -> None:
    """Parquet output or a text folder on a 64 KiB tmpfs: one error line, nothing on that disk, no report, no work folder.

    A text folder's files are written by the workers straight into the
    staging folder beside it, so the error comes from a worker while others
    still write; the staging folder must go all the same.
    """
    records = [dict(r) for r in make_corpus(3, 400).records]
    src = _write(tmp_path / "in.jsonl", records)
    full = tmp_path / "full"
    full.mkdir()
    work = tmp_path / "tmp"
    work.mkdir()
    rep = tmp_path / "r.jsonl"
    env = {**os.environ, "TMPDIR": str(work), "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    cmd = [sys.executable, "-m", "dedup.cli", "corpus", str(src), "-o", str(full / output), "--report", str(rep), "-q", "--no-clean", "--batch-size", "20"]
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(full)], check=True)
    try:
        proc = subprocess.run([*cmd, "--engine", "dask", "--scheduler", cluster.scheduler_address], capture_output=True, text=True, timeout=600, env=env)
        left = sorted(p.name for p in full.iterdir())
    finally:
        subprocess.run(["umount", "-l", str(full)], check=True)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 1 and len(lines) == 1 and lines[0].startswith(f"dedup-text: error: {full / output}: cannot write ("), proc.stderr
    assert "No space left on device" in lines[0]
    assert left == [] and not rep.exists() and os.listdir(work) == []


def test_a_field_no_parquet_column_can_hold_is_the_local_error_line(cluster, tmp_path: Path) -> None:
    """A field that is a number in one record and text in another (``--annotate``: every record is written): the local writer's line."""
    records = [{**r, "id": f"d{i}", "v": 1 if i < 30 else "x"} for i, r in enumerate(make_corpus(5, 60).records)]
    src = _write(tmp_path / "in.jsonl", records)
    said = []
    for name, engine in (("local", []), ("dask", ["--engine", "dask", "--scheduler", cluster.scheduler_address])):
        out = tmp_path / f"{name}.parquet"
        err = io.StringIO()
        with redirect_stderr(err):
            assert main(["corpus", str(src), "-o", str(out), "-q", "--no-clean", "--annotate", "--batch-size", "7", *engine]) == 1
        said.append(err.getvalue().replace(name, "NAME"))
        assert not out.exists()
    assert said[0] == said[1] and "field 'v' is int in record 'd0' but str in record 'd30'" in said[0], said


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


def test_index_runs_keep_the_driver_side_run_and_checkpoint_runs_are_partitioned(engine, tmp_path: Path) -> None:
    """``--index`` needs the driver-side index (not partitioned yet): CorpusRun; ``--checkpoint`` alone: PartitionedRun."""
    fields = __import__("dedup.io.records", fromlist=["Fields"]).Fields()
    run = open_run([], CorpusConfig(), fields=fields, engine=engine, index=str(tmp_path / "ix"))
    try:
        assert isinstance(run, CorpusRun)
    finally:
        run.close()
    run = open_run([], CorpusConfig(), fields=fields, engine=engine, checkpoint=str(tmp_path / "ck"))
    try:
        assert isinstance(run, PartitionedRun) and run.checkpoint is not None
    finally:
        run.close()


def test_a_checkpointed_dask_run_interrupted_resumes_with_the_local_bytes(tmp_path: Path) -> None:
    """``--checkpoint`` with ``--engine dask``: Ctrl-C once batches are kept, then the same command resumes them.

    The workers keep fingerprinted and finished batches in the checkpoint
    folder (keyed as a local run keys them: a local run over the same folder
    reads the fingerprints back too); the resumed run's output and report
    are the local engine's bytes, and the folder is removed after success.
    """
    src = _write(tmp_path / "in.jsonl", make_corpus(4, 1200).records)
    ck = tmp_path / "ck"
    out, rep = tmp_path / "d.jsonl", tmp_path / "d.report.jsonl"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    cmd = [sys.executable, "-m", "dedup.cli", "corpus", str(src), "-o", str(out), "--report", str(rep), "--batch-size", "40", "--engine", "dask", "--workers", "2", "--checkpoint", str(ck)]
    proc, err = _interrupt_when(cmd, env, lambda: len(list(ck.glob("fingerprint/??/*.npz"))) >= 3, poll=0.02)
    assert proc.returncode == 130 and err.strip().splitlines() == [f"dedup-text: interrupted; no output was written; the same command resumes from {ck}"], err
    assert not out.exists() and not rep.exists()
    again = subprocess.run([*cmd, "--stats"], env=env, capture_output=True, text=True, timeout=900)
    assert again.returncode == 0, again.stderr
    stats = _stats(again.stderr)
    assert stats["resumed_batches_fingerprint"] >= 3 and stats["computed_batches_finish"] + stats["resumed_batches_finish"] == 30
    assert f"batches from {ck}" in again.stderr and not ck.exists()
    local = _cli_bytes(tmp_path, "local", src, "--batch-size", "40")
    assert (out.read_bytes(), rep.read_bytes()) == local


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
    # the driver makes its scratch folder (dedup-dask-*) just before it starts the cluster, and the
    # run's work folder (dedup-corpus-dask-*) once the cluster is up
    prefix = "dedup-dask-" if moment == "while the cluster starts" else "dedup-corpus-dask-"
    # mid-run: 3 s more of working (the run takes far longer)
    proc, err = _interrupt_when(cmd, env, lambda: any(name.startswith(prefix) for name in os.listdir(tmp)), wait=300, then=3 if moment == "mid-run" else 0)
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


_CHILDREN_AFTER_CLOSE = """
import os
from dedup.engines.dask import DaskEngine

def children():
    me = str(os.getpid())
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            status = open(f"/proc/{pid}/status").read()
            cmd = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\\0", b" ").decode()
        except OSError:
            continue
        if f"\\nPPid:\\t{me}\\n" in status:
            found.append(cmd)
    return found

engine = DaskEngine(workers=1)
engine.close()
print(children())
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the driver's children from /proc")
def test_a_closed_local_cluster_leaves_the_driver_no_child_process() -> None:
    """After ``DaskEngine.close``, the driver has no child left: the resource tracker is stopped and reaped too.

    It lived until the driver exited and was then an orphan zombie until the
    system's init reaped it, a second or more later on this machine: the
    Ctrl-C test's ``pgrep -g`` 2 s after the driver's exit found it
    (``['26414']``, seen while checking that test 8 times).  Failed before:
    ``['... -c from multiprocessing.resource_tracker import main;main(N)']``.
    """
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.run([sys.executable, "-c", _CHILDREN_AFTER_CLOSE], capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]", proc.stdout


def test_ctrl_c_once_the_output_is_in_place_is_not_an_interrupted_run(tmp_path: Path) -> None:
    """SIGINT to the process group as soon as ``-o`` is renamed into place (the cluster still stopping): exit 0, nothing said.

    It said "interrupted; no output was written" with exit 130 beside the
    complete output (the review's Ctrl-C test at 60-80 % of a run on a
    loaded machine, when its signal came after the commit; 3 of 3 here
    before the fix).
    """
    src = _write(tmp_path / "in.jsonl", make_corpus(5, 300).records)
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    cmd = [sys.executable, "-m", "dedup.cli", "corpus", str(src), "-o", str(out), "-q", "--no-clean", "--engine", "dask", "--workers", "2"]
    proc, err = _interrupt_when(cmd, env, out.exists, poll=0.005)
    assert (proc.returncode, err) == (0, "")
    local = tmp_path / "local.jsonl"
    assert main(["corpus", str(src), "-o", str(local), "-q", "--no-clean"]) == 0
    assert out.read_bytes() == local.read_bytes()
