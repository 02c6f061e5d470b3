"""Corpus mode resumes after a crash: checkpointed stage results are reused, and change nothing.

Every test compares bytes with a fresh run that has no checkpoint at all: a
resumed run must give the same output and report, whatever stage it crashed
in, whatever the worker count, and a checkpoint written under other settings
or damaged on disk must never leak into a result.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dedup.testing as dt
from dedup.checkpoint import MARKER, Checkpoint, code_version, digest
from dedup.cli import main
from dedup.corpus import CorpusConfig, CorpusRun, dedup_records
from dedup.engines.local import LocalEngine
from dedup.errors import UsageError
from dedup.testing import make_corpus

ROOT = Path(__file__).resolve().parents[2]
FAST = CorpusConfig(clean=False, batch_size=25, verify_chunk=40)


class Crash(Exception):
    """Stands for a crash: raised by the engine after a number of results."""


class CrashingEngine:
    """An engine that fails after ``after`` results of ``stage``'s function (counted over all its calls)."""

    def __init__(self, inner: Any, fn_name: str, after: int) -> None:
        self.inner, self.fn_name, self.after = inner, fn_name, after
        self.workers = inner.workers
        self.delivered = 0

    def imap(self, fn, items, *args):  # type: ignore[no-untyped-def]
        for result in self.inner.imap(fn, items, *args):
            if fn.__name__ == self.fn_name:
                if self.delivered >= self.after:
                    raise Crash(f"{self.fn_name} after {self.after}")
                self.delivered += 1
            yield result

    def __getattr__(self, name: str) -> Any:
        # every other engine step (band pairs, components...) as the wrapped engine does it
        return getattr(self.inner, name)

    def close(self) -> None:
        pass


STAGE_FN = {"fingerprint": "fingerprint_batch", "verify": "verify_key_pairs", "finish": "finish_batch"}


def _run(records, config, checkpoint=None, engine=None) -> tuple[bytes, dict[str, Any]]:  # type: ignore[no-untyped-def]
    """Output and report of one run as bytes (every field of every result), and its stats."""
    run = CorpusRun(iter(records), config, engine=engine, checkpoint=checkpoint)
    try:
        out = b"".join(orjson.dumps([d.report(), d.text, d.record], option=orjson.OPT_APPEND_NEWLINE) for d in run)
    finally:
        run.close()
    return out, run.stats


def _crash(records, config, checkpoint, stage: str, after: int, engine=None) -> None:  # type: ignore[no-untyped-def]
    eng = CrashingEngine(engine or LocalEngine(1), STAGE_FN[stage], after)
    with pytest.raises(Crash):
        _run(records, config, checkpoint, eng)
    assert eng.delivered == after


def _entries(folder: Path, stage: str) -> list[Path]:
    return sorted((folder / stage).glob("??/*.npz"))


def _batches(stats: dict[str, Any], stage: str) -> tuple[int, int]:
    return stats[f"resumed_batches_{stage}"], stats[f"computed_batches_{stage}"]


# ---------------------------------------------------------------------------- Python API


def test_crash_in_fingerprinting_resumes_the_finished_batches(tmp_path):
    recs = make_corpus(31, 300).records
    fresh, _ = _run(recs, FAST)
    ck = tmp_path / "ck"
    _crash(recs, FAST, ck, "fingerprint", 5)
    assert len(_entries(ck, "fingerprint")) == 5 and not _entries(ck, "finish")
    resumed, stats = _run(recs, FAST, ck)
    assert resumed == fresh
    assert _batches(stats, "fingerprint") == (5, 7)  # 300 documents in batches of 25
    assert stats["resumed_batches_finish"] == 0 and stats["computed_batches_finish"] == 12
    assert any(b'"duplicate_of":"d' in line for line in fresh.splitlines())  # the corpus has duplicates


def test_crash_in_verification_resumes_fingerprints_and_verified_chunks(tmp_path):
    recs = make_corpus(32, 300).records
    fresh, _ = _run(recs, FAST)
    ck = tmp_path / "ck"
    _crash(recs, FAST, ck, "verify", 1)
    resumed, stats = _run(recs, FAST, ck)
    assert resumed == fresh
    assert _batches(stats, "fingerprint") == (12, 0)
    r, c = _batches(stats, "verify")
    assert r == 1 and c >= 1


def test_crash_in_finishing_with_cleaning_resumes_everything_before_it(tmp_path):
    config = CorpusConfig(clean=True, batch_size=10)  # per-document cleaning: the costly stage
    recs = make_corpus(33, 100).records
    fresh, _ = _run(recs, config)
    ck = tmp_path / "ck"
    _crash(recs, config, ck, "finish", 6)
    resumed, stats = _run(recs, config, ck)
    assert resumed == fresh
    assert _batches(stats, "fingerprint") == (10, 0)
    assert stats["computed_batches_verify"] == 0 and stats["resumed_batches_verify"] >= 1
    assert _batches(stats, "finish") == (6, 4)
    # a third run finds everything
    again, stats = _run(recs, config, ck)
    assert again == fresh and sum(v for k, v in stats.items() if k.startswith("computed_batches_")) == 0


def test_two_workers_crash_and_resume_equal_one_worker_without_checkpoint(tmp_path):
    recs = make_corpus(34, 300).records
    fresh, _ = _run(recs, FAST)
    ck = tmp_path / "ck"
    pool = LocalEngine(2)
    try:
        _crash(recs, FAST, ck, "fingerprint", 4, engine=pool)
        resumed, stats = _run(recs, FAST, ck, engine=pool)
    finally:
        pool.close()
    assert resumed == fresh
    assert _batches(stats, "fingerprint") == (4, 8)
    one, stats1 = _run(recs, FAST, ck)  # and back to one worker: everything reused
    assert one == fresh and stats1["computed_batches_fingerprint"] == stats1["computed_batches_finish"] == 0


@pytest.mark.dask
def test_dask_engine_crash_and_resume_equal_the_local_engine(tmp_path):
    from dedup.engines.dask import DaskEngine

    recs = make_corpus(39, 200).records
    fresh, _ = _run(recs, FAST)
    ck = tmp_path / "ck"
    engine = DaskEngine(workers=2, processes=False)
    try:
        _crash(recs, FAST, ck, "finish", 3, engine=engine)
        resumed, stats = _run(recs, FAST, ck, engine=engine)
    finally:
        engine.close()
    assert resumed == fresh
    assert _batches(stats, "fingerprint") == (8, 0) and _batches(stats, "finish") == (3, 5)


def test_interrupted_record_stream_resumes(tmp_path):
    recs = make_corpus(35, 200).records
    fresh, _ = _run(recs, FAST)

    def stream() -> Iterator[dict[str, Any]]:
        yield from recs[:130]
        raise KeyboardInterrupt

    ck = tmp_path / "ck"
    with pytest.raises(KeyboardInterrupt):
        _run(stream(), FAST, ck)
    resumed, stats = _run(recs, FAST, ck)
    assert resumed == fresh
    # the batches complete before the stream broke were kept (the engine runs one at a time)
    assert _batches(stats, "fingerprint") == (5, 3)


def test_dedup_records_removes_its_checkpoint_when_exhausted(tmp_path):
    recs = make_corpus(38, 60).records
    ck = tmp_path / "ck"
    kept = [d.report() for d in dedup_records(recs, FAST, checkpoint=ck, keep_checkpoint=True)]
    assert (ck / MARKER).exists() and len(_entries(ck, "finish")) == 3
    assert [d.report() for d in dedup_records(recs, FAST, checkpoint=ck)] == kept == [d.report() for d in dedup_records(recs, FAST)]
    assert not ck.exists()


def test_damaged_and_misplaced_entries_are_recomputed(tmp_path):
    recs = make_corpus(36, 200).records
    fresh, _ = _run(recs, FAST)
    ck = tmp_path / "ck"
    _run(recs, FAST, ck)
    fp, fin, ver = _entries(ck, "fingerprint"), _entries(ck, "finish"), _entries(ck, "verify")
    assert len(fp) == len(fin) == 8 and ver
    fp[3].write_bytes(fp[3].read_bytes()[: fp[3].stat().st_size // 2])  # truncated mid-write by a power cut
    fin[1].write_bytes(b"\x00" * 100)  # garbage
    fin[2].write_bytes(fin[5].read_bytes())  # a valid entry under another entry's name
    resumed, stats = _run(recs, FAST, ck)
    assert resumed == fresh
    assert _batches(stats, "fingerprint") == (7, 1)
    assert _batches(stats, "finish") == (6, 2)
    assert stats["checkpoint_damaged"] == 3
    again, stats = _run(recs, FAST, ck)  # the recomputed entries were written back whole
    assert again == fresh and stats["checkpoint_damaged"] == 0 and stats["computed_batches_finish"] == 0


def test_results_of_other_settings_are_never_reused(tmp_path):
    recs = make_corpus(37, 300).records
    ck = tmp_path / "ck"
    _run(recs, FAST, ck)
    loose = dataclasses.replace(FAST, match=dataclasses.replace(FAST.match, threshold=0.6))
    fresh, _ = _run(recs, loose)
    resumed, stats = _run(recs, loose, ck)
    assert resumed == fresh
    assert all(v == 0 for k, v in stats.items() if k.startswith("resumed_batches_"))
    # another batch size: other inputs, other names
    other = CorpusConfig(clean=False, batch_size=30, verify_chunk=40)
    fresh30, _ = _run(recs, other)
    resumed30, stats = _run(recs, other, ck)
    assert resumed30 == fresh30 and stats["resumed_batches_fingerprint"] == 0
    # other input: a changed document changes its batch's name only
    changed = [dict(r) for r in recs]
    changed[60]["text"] += "\n补充一行新的内容，使这篇文档与原来不同。"
    fresh_c, _ = _run(changed, FAST)
    resumed_c, stats = _run(changed, FAST, ck)
    assert resumed_c == fresh_c and _batches(stats, "fingerprint") == (11, 1)


@settings(max_examples=12)
@given(
    corpus=dt.corpora(max_docs=40),
    batch=st.integers(1, 7),
    chunk=st.integers(1, 5),
    stage=st.sampled_from(["fingerprint", "verify", "finish"]),
    fraction=st.floats(0.0, 1.0),
)
def test_property_resumed_equals_fresh(tmp_path_factory, corpus, batch, chunk, stage, fraction):
    config = CorpusConfig(clean=False, batch_size=batch, verify_chunk=chunk)
    recs = corpus.records
    fresh, probe = _run(recs, config, tmp_path_factory.mktemp("probe") / "ck")
    if probe[f"computed_batches_{stage}"] == 0:  # no candidate pairs: nothing to verify
        stage = "fingerprint"
    # identical batches (an exact copy alone in a batch) share one entry, even within a run
    computed, batches = probe[f"computed_batches_{stage}"], probe[f"computed_batches_{stage}"] + probe[f"resumed_batches_{stage}"]
    after = int(fraction * (computed - 1))
    ck = tmp_path_factory.mktemp("ck") / "ck"
    _crash(recs, config, ck, stage, after)
    resumed, stats = _run(recs, config, ck)
    assert resumed == fresh
    assert stats[f"computed_batches_{stage}"] == computed - after
    assert stats[f"resumed_batches_{stage}"] + stats[f"computed_batches_{stage}"] == batches
    plain, _ = _run(recs, config)
    assert plain == fresh


def test_digests_do_not_depend_on_hash_seed_or_process(tmp_path):
    code = (
        "from dedup.checkpoint import digest, code_version; from dedup.corpus import CorpusConfig; from dedup.pipeline import Config; "
        "print(code_version(), digest('finish', CorpusConfig(pipeline=Config()), {'a', 'b', 'c'}, ['甲', 1, 2.5, None]))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    outs = {subprocess.run([sys.executable, "-c", code], env={**env, "PYTHONHASHSEED": s}, capture_output=True, text=True, check=True).stdout for s in ("1", "2")}
    assert len(outs) == 1
    from dedup.pipeline import Config

    # (the code version is compared between the two children only: it changes whenever a source file is edited)
    assert outs.pop().split()[1] == digest("finish", CorpusConfig(pipeline=Config()), {"a", "b", "c"}, ["甲", 1, 2.5, None])
    assert len(code_version()) == 40
    # functions are told apart by their code, not by their address
    from dedup.reconstruct import earliest, most_complete

    assert digest(most_complete) != digest(earliest) and digest(most_complete) == digest(most_complete)
    assert digest(["ab"]) != digest(["a", "b"]) and digest(1) != digest(1.0) != digest("1") and digest(True) != digest(1)

    def policy(limit):  # type: ignore[no-untyped-def]
        def keep(copies):  # type: ignore[no-untyped-def]
            return keep(copies[1:]) if len(copies) > limit else 0  # refers to itself through its closure

        return keep

    assert digest(policy(3)) == digest(policy(3)) != digest(policy(4))


def test_store_round_trips_and_refuses_what_is_not_its_own(tmp_path):
    from dedup.corpus import Finished, fingerprint_batch

    ck = Checkpoint.open(tmp_path / "ck")
    try:
        prints = fingerprint_batch(["一是推进义务教育。\n版权所有", "", "plain words here, a few of them"], FAST)
        assert ck.put("fingerprint", "ab" * 20, prints)
        back = ck.get("fingerprint", "ab" * 20)
        assert back.keys == prints.keys
        for name in ("keyhash", "keylen", "shingles", "bands", "units", "unit_off", "unit_len"):
            a, b = getattr(prints, name), getattr(back, name)
            assert a.dtype == b.dtype and np.array_equal(a, b)
        fins = [Finished("文本\ud800", 3, 1, 1, 0.25), Finished(None, 0, 0, 0, 0.0)]
        assert ck.put("finish", "cd" * 20, fins)
        assert ck.get("finish", "cd" * 20) == fins
        assert ck.get("verify", "ef" * 20) is None and ck.counts["checkpoint_damaged"] == 0
        with pytest.raises(UsageError, match="in use by another run"):
            Checkpoint.open(tmp_path / "ck")
    finally:
        ck.close()
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(UsageError, match="not a dedup checkpoint folder"):
        Checkpoint.open(tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"
    # remove() deletes only its own files, and the folder when nothing else is left
    ck = Checkpoint.open(tmp_path / "ck")
    (tmp_path / "ck" / "user-file").write_text("x")
    ck.remove()
    assert sorted(p.name for p in (tmp_path / "ck").iterdir()) == ["user-file"]


# ---------------------------------------------------------------------------- the command


def _jsonl(path: Path, records) -> Path:  # type: ignore[no-untyped-def]
    path.write_bytes(b"".join(orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE) for r in records))
    return path


def _stats(err: str) -> dict[str, Any]:
    return next(orjson.loads(line) for line in err.splitlines() if line.startswith("{"))


def test_cli_killed_with_sigkill_then_rerun_gives_the_same_bytes(tmp_path):
    src = _jsonl(tmp_path / "in.jsonl", make_corpus(41, 1500).records)
    out, rep, ck = tmp_path / "out.jsonl", tmp_path / "rep.jsonl", tmp_path / "ck"
    (tmp_path / "tmp").mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path / "tmp")}
    base = [sys.executable, "-m", "dedup.cli", "corpus", str(src), "--workers", "1", "--batch-size", "25", "--no-clean", "--stats", "-q"]
    cmd = [*base, "-o", str(out), "--report", str(rep), "--checkpoint", str(ck)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    try:
        while len(_entries(ck, "fingerprint")) < 2:
            assert proc.poll() is None, f"the run ended (code {proc.returncode}) before it could be killed: {proc.stderr.read()!r}"
            assert time.monotonic() < deadline, "no checkpoint entry appeared within 60 s"
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists() and not rep.exists()
    stored = len(_entries(ck, "fingerprint"))
    assert 2 <= stored < 60  # 1500 documents in batches of 25
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    stats = _stats(done.stderr)
    assert _batches(stats, "fingerprint") == (stored, 60 - stored)
    assert not ck.exists()  # removed after success
    fresh_out, fresh_rep = tmp_path / "fresh.jsonl", tmp_path / "fresh-rep.jsonl"
    subprocess.run([*base, "-o", str(fresh_out), "--report", str(fresh_rep)], env=env, check=True, capture_output=True, timeout=120)
    assert out.read_bytes() == fresh_out.read_bytes() and rep.read_bytes() == fresh_rep.read_bytes()
    assert len(rep.read_bytes().splitlines()) == 1500


def _interrupt_finish_after(monkeypatch, calls: int) -> None:  # type: ignore[no-untyped-def]
    """Ctrl-C in the finishing stage, after ``calls`` batches."""
    from dedup.corpus import run as corpus  # where CorpusRun looks finish_batch up

    real = corpus.finish_batch
    seen = [0]

    def finish_then_interrupt(*a, **k):  # type: ignore[no-untyped-def]
        if seen[0] >= calls:
            raise KeyboardInterrupt
        seen[0] += 1
        return real(*a, **k)

    monkeypatch.setattr(corpus, "finish_batch", finish_then_interrupt)


def test_cli_index_keeps_a_checkpoint_under_it_by_default(tmp_path, monkeypatch, capsys):
    src = _jsonl(tmp_path / "in.jsonl", make_corpus(42, 300).records)
    idx = tmp_path / "idx"
    argv = ["corpus", str(src), "-o", str(tmp_path / "o.jsonl"), "--report", str(tmp_path / "r.jsonl"), "--index", str(idx), "--workers", "1", "--batch-size", "50", "--no-clean", "--stats"]
    with monkeypatch.context() as mp:
        _interrupt_finish_after(mp, 2)
        assert main(argv) == 130
    err = capsys.readouterr().err
    assert err == f"dedup-text: interrupted; no output was written; the same command resumes from {idx / 'checkpoint'}\n"
    assert not (idx / "meta.json").exists()  # nothing committed
    assert (idx / "checkpoint" / MARKER).exists() and len(_entries(idx / "checkpoint", "fingerprint")) == 6
    capsys.readouterr()
    assert main(argv) == 0  # opening the index again leaves the checkpoint alone
    err = capsys.readouterr().err
    stats = _stats(err)
    assert _batches(stats, "fingerprint") == (6, 0)  # 300 documents in batches of 50
    assert stats["computed_batches_verify"] == 0 and stats["resumed_batches_verify"] >= 1
    # the finishing stage ran a patched function: its results are not those of finish_batch
    assert _batches(stats, "finish") == (0, 6)
    assert f"resumed {6 + stats['resumed_batches_verify']} of {12 + stats['resumed_batches_verify']} batches from {idx / 'checkpoint'}" in err.splitlines()[0]
    assert not (idx / "checkpoint").exists() and (idx / "meta.json").exists()
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    assert main([*argv[:2], "-o", str(fresh / "o.jsonl"), "--report", str(fresh / "r.jsonl"), "--index", str(fresh / "idx"), "--no-checkpoint", *argv[8:]]) == 0
    assert not (fresh / "idx" / "checkpoint").exists()
    assert (tmp_path / "o.jsonl").read_bytes() == (fresh / "o.jsonl").read_bytes()
    assert (tmp_path / "r.jsonl").read_bytes() == (fresh / "r.jsonl").read_bytes()


def test_cli_keep_checkpoint_makes_a_rerun_compute_nothing(tmp_path, capsys):
    src = _jsonl(tmp_path / "in.jsonl", make_corpus(43, 200).records)
    ck = tmp_path / "ck"
    argv = ["corpus", str(src), "--checkpoint", str(ck), "--keep-checkpoint", "--workers", "1", "--batch-size", "50", "--stats", "-q", "--no-clean"]
    assert main([*argv, "-o", str(tmp_path / "1.jsonl")]) == 0
    assert (ck / MARKER).exists()
    capsys.readouterr()
    assert main([*argv, "-o", str(tmp_path / "2.jsonl")]) == 0
    stats = _stats(capsys.readouterr().err)
    assert sum(v for k, v in stats.items() if k.startswith("computed_batches_")) == 0 and stats["resumed_batches_finish"] == 4
    assert (tmp_path / "1.jsonl").read_bytes() == (tmp_path / "2.jsonl").read_bytes()


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--checkpoint", "afile"], "--checkpoint afile: exists and is not a folder"),
        (["--checkpoint", "mine"], "not a dedup checkpoint folder"),
        (["--checkpoint", "in.jsonl"], "is also an input"),
        (["--checkpoint", "o.jsonl"], "is also -o o.jsonl"),
        (["--keep-checkpoint"], "--keep-checkpoint needs --checkpoint"),
        (["--checkpoint", "ck", "--no-checkpoint"], "contradict"),
    ],
)
def test_cli_checkpoint_usage_errors_are_one_line(tmp_path, monkeypatch, capsys, extra, message):
    monkeypatch.chdir(tmp_path)
    _jsonl(tmp_path / "in.jsonl", make_corpus(44, 5).records)
    (tmp_path / "afile").write_text("x")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    before = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert main(["corpus", "in.jsonl", "-o", "o.jsonl", "--workers", "1", *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == before
