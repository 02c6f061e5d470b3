"""The index keeps every record, so an earlier duplicate kept again by a later run is written by that run.

Run 1: A kept, B a duplicate of A. Run 2: C, more complete, matches A but not B.
Solving removes A for C and keeps B (B matches C not directly): B's text is in
no earlier output and not in run 2's input, so only the index can give it.
"""

from __future__ import annotations

import datetime
import decimal
import json
import pickle
import zlib
from pathlib import Path

import numpy as np
import pytest

from dedup.cli import main
from dedup.corpus import CorpusConfig, dedup_records
from dedup.corpus.index import FORMAT, Index
from dedup.testing import synthetic_sentences

FAST = CorpusConfig(clean=False)
COMMON = ["--no-clean", "--workers", "1", "-q", "--no-checkpoint"]


def _kept_again_records() -> list[dict[str, object]]:
    """A kept, B a direct copy of A, C more complete than A and matching A but not B (as in tests/review)."""
    sents = sorted(synthetic_sentences(21, 40), key=len)
    body, long_, short = sents[10:21], sents[30:], sents[:10]
    return [
        {"id": "A", "text": "".join(body + [long_[0]]), "source": "a"},
        {"id": "B", "text": "".join([short[0]] + body), "source": "b", "n": 2},
        {"id": "C", "text": "".join(body[1:] + long_[:3]), "source": "c"},
    ]


def _jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _two_runs(tmp_path: Path, between=None) -> tuple[int, list[dict], dict[str, dict]]:
    """Run 1 on A, B; ``between(index)``; run 2 on C. Run 2's exit code, output records, report rows by id."""
    recs = _kept_again_records()
    index = tmp_path / "index"
    assert main(["corpus", str(_jsonl(tmp_path / "p0.jsonl", recs[:2])), "-o", str(tmp_path / "o0.jsonl"), "--index", str(index), *COMMON]) == 0
    if between is not None:
        between(index)
    code = main(["corpus", str(_jsonl(tmp_path / "p1.jsonl", recs[2:])), "-o", str(tmp_path / "o1.jsonl"), "--report", str(tmp_path / "r1.jsonl"), "--index", str(index), *COMMON])
    if code:
        return code, [], {}
    out = [json.loads(x) for x in (tmp_path / "o1.jsonl").read_text(encoding="utf-8").splitlines()]
    rows = {r["id"]: r for r in map(json.loads, (tmp_path / "r1.jsonl").read_text(encoding="utf-8").splitlines())}
    return code, out, rows


def test_the_second_run_writes_the_earlier_duplicate_it_keeps_again(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    whole = {d.id: d for d in dedup_records(_kept_again_records(), FAST)}
    code, out, rows = _two_runs(tmp_path)
    assert code == 0
    by_id = {r["id"]: r for r in out}
    assert set(by_id) == {"B", "C"}, "C is this run's, B is kept again"
    # every field of B's record, and its text as the whole corpus in one run writes it
    assert by_id["B"] == {"id": "B", "text": whole["B"].text, "source": "b", "n": 2}
    assert rows["B"]["revised"] and rows["B"]["duplicate_of"] is None and "written in this output" in rows["B"]["note"]
    assert rows["A"]["revised"] and rows["A"]["duplicate_of"] == "C"
    assert "1 earlier duplicates are kept again" in capsys.readouterr().err


def test_a_dedup_index_2_is_read_and_says_where_the_text_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An index written before records were kept: read, and B's revision says its text is elsewhere."""

    def make_old(index: Path) -> None:
        meta = json.loads((index / "meta.json").read_text(encoding="utf-8"))
        assert meta["format"] == FORMAT == "dedup.index/3" and meta["records"] == meta["segments"]
        meta["format"] = "dedup.index/2"
        del meta["records"]
        for seg in meta["segments"]:
            (index / seg / "records.bin").unlink()
            (index / seg / "record_off.npy").unlink()
        (index / "meta.json").write_text(json.dumps(meta), encoding="utf-8")

    code, out, rows = _two_runs(tmp_path, make_old)
    assert code == 0
    assert [r["id"] for r in out] == ["C"]
    assert "kept again" in rows["B"]["note"] and "not in this output" in rows["B"]["note"]
    err = capsys.readouterr().err
    assert "1 earlier duplicates are kept again" in err and "not in this output" in err
    meta = json.loads((tmp_path / "index" / "meta.json").read_text(encoding="utf-8"))
    assert meta["format"] == FORMAT and len(meta["records"]) == 1, "the new segment keeps its records, the old one none"


def _replace_record(index: Path, blob: bytes) -> None:
    """Put ``blob`` (pickled) in place of record 1 (B) of the first segment, offsets made to fit."""
    (seg,) = [p for p in index.iterdir() if p.name.startswith("seg-")]
    off = np.load(seg / "record_off.npy")
    data = (seg / "records.bin").read_bytes()
    packed = zlib.compress(blob)
    (seg / "records.bin").write_bytes(data[: off[1]] + packed + data[off[2] :])
    off[2:] += len(packed) - (off[2] - off[1])
    np.save(seg / "record_off.npy", off)


class _Planted:
    """Unpickling this would create a file: what a foreign records.bin could do."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (open, (self.path, "w"))


def test_a_foreign_pickle_in_records_bin_is_one_error_and_never_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    planted = tmp_path / "planted"
    code, _, _ = _two_runs(tmp_path, lambda index: _replace_record(index, pickle.dumps({"id": "B", "text": _Planted(str(planted))})))
    assert code == 1
    assert not planted.exists(), "the pickle's code ran"
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("dedup-text: error: ") and "records.bin" in err[0] and "Traceback" not in err[0]
    assert not (tmp_path / "o1.jsonl").exists() and not (tmp_path / "r1.jsonl").exists()


@pytest.mark.parametrize("damage", ["truncated", "not zlib"])
def test_damaged_records_are_one_error_line(tmp_path: Path, damage: str, capsys: pytest.CaptureFixture[str]) -> None:
    def spoil(index: Path) -> None:
        (seg,) = [p for p in index.iterdir() if p.name.startswith("seg-")]
        data = (seg / "records.bin").read_bytes()
        (seg / "records.bin").write_bytes(data[:-5] if damage == "truncated" else b"\x00" * len(data))

    code, _, _ = _two_runs(tmp_path, spoil)
    assert code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("dedup-text: error: ") and "records.bin" in err[0]
    assert not (tmp_path / "o1.jsonl").exists()


def test_stored_records_keep_values_json_cannot_hold(tmp_path: Path) -> None:
    """What a Parquet input gives (dates, times, durations, decimals, bytes) comes back as it was."""
    extra = {
        "when": datetime.datetime(2012, 3, 4, 5, 6, 7, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
        "day": datetime.date(2012, 3, 4),
        "at": datetime.time(5, 6),
        "took": datetime.timedelta(seconds=3),
        "price": decimal.Decimal("1.10"),
        "raw": b"\x00\xff",
        "nested": {"list": [1, 2.5, None, "三"], "set": frozenset({1})},
    }
    recs = [{**r, **extra} for r in _kept_again_records()]
    list(dedup_records(recs, FAST, index=tmp_path / "index"))
    idx = Index.open(tmp_path / "index", FAST.index_settings(), read_only=True)
    try:
        assert [idx.record(g) for g in range(len(idx))] == recs
    finally:
        idx.close()
