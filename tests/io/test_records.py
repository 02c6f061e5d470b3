"""Corpus-mode record I/O under real conditions (issue 11): what is read, what is written, what is refused.

Each test runs ``dedup-text corpus`` the way a user does (in-process through
``dedup.cli.main``, or as a subprocess where the bug was a hang, a kill or an
environment variable) and checks the bytes that come out, the one error line,
and that nothing is left behind.
"""

from __future__ import annotations

import datetime
import decimal
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.cli import main
from dedup.corpus import CorpusConfig, dedup_records
from dedup.errors import OutputError
from dedup.io.records import FileNames, RecordWriter, read_sogou

ROOT = Path(__file__).resolve().parents[2]
STORY = "推进义务教育优质均衡发展，助力双减政策落地见效。各地教育部门持续发力，课后服务覆盖面不断扩大。"
OTHER = "本市地铁十一号线今日开通试运营，沿线居民出行时间大幅缩短，早高峰客流平稳有序。"
THIRD = "气象台发布暴雨蓝色预警，预计今天夜间到明天白天，全市大部地区有中到大雨。"


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def _lines(path: Path) -> list[dict]:
    return [orjson.loads(x) for x in path.read_bytes().splitlines()]


def _corpus(*argv: str) -> int:
    return main(["corpus", *argv, "--workers", "1", "-q"])


def _one_error(err: str, *needles: str) -> None:
    """stderr is exactly one ``dedup-text: error:`` line holding every needle."""
    assert err.count("\n") == 1 and err.startswith("dedup-text: error: ") and "Traceback" not in err, err
    for needle in needles:
        assert needle in err, err


def _subprocess(argv: list[str], *, timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    """``dedup-text corpus ARGV`` as its own process (a hang becomes a failed test, not a stuck suite)."""
    cmd = [sys.executable, "-m", "dedup.cli", "corpus", *argv]
    return subprocess.run(cmd, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}, capture_output=True, text=True, timeout=timeout)


# ---------------------------------------------------------------- 4: two ids, one file


@pytest.mark.parametrize(
    "folder_file, jsonl_id",
    [
        ("news/a.txt", "news\\a.txt"),  # a Windows separator in an id
        ("a.txt", "./a.txt"),  # the same path spelled two ways
        ("a", "a/b.txt"),  # a file where another id needs a folder
    ],
)
def test_folder_output_refuses_two_ids_on_one_file(tmp_path, capsys, folder_file, jsonl_id):
    folder = tmp_path / "pages"
    (folder / folder_file).parent.mkdir(parents=True, exist_ok=True)
    (folder / folder_file).write_text(STORY, encoding="utf-8")
    src = _jsonl(tmp_path / "more.jsonl", [{"id": jsonl_id, "text": OTHER}])
    before = sorted(p.name for p in tmp_path.iterdir())
    assert _corpus(str(folder), str(src), "-o", str(tmp_path / "out"), "--report", str(tmp_path / "rep.jsonl")) == 1
    _one_error(capsys.readouterr().err, repr(jsonl_id), "output folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no output, no report, no temporary


def test_folder_output_of_distinct_ids_still_mirrors_the_input(tmp_path):
    folder = tmp_path / "pages"
    (folder / "news").mkdir(parents=True)
    (folder / "news" / "a.txt").write_text(STORY, encoding="utf-8")
    (folder / "news" / "b.txt").write_text(OTHER, encoding="utf-8")
    (folder / "c.txt").write_text(THIRD, encoding="utf-8")
    out = tmp_path / "out"
    assert _corpus(str(folder), "-o", str(out), "--no-clean") == 0
    assert {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file()} == {
        "news/a.txt": STORY,
        "news/b.txt": OTHER,
        "c.txt": THIRD,
    }


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(st.sampled_from("ab/\\._"), min_size=1, max_size=6), min_size=1, max_size=8))
def test_file_names_are_distinct_files_or_refused(ids):
    """Whatever the ids, a folder output either gives each its own file (none inside another's) or refuses."""
    names = FileNames("out")
    paths = []
    for rid in ids:
        try:
            paths.append(Path(names.claim(rid)).as_posix())
        except OutputError:
            continue
    assert len(set(paths)) == len(paths)
    assert not any(q.startswith(p + "/") for p in paths for q in paths)
    assert all(p and not p.startswith("/") and ".." not in p.split("/") for p in paths)


def test_id_with_nul_to_a_folder_is_one_line(tmp_path, capsys):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.txt").write_text(STORY, encoding="utf-8")
    src = _jsonl(tmp_path / "more.jsonl", [{"id": "x\x00y.txt", "text": OTHER}])
    assert _corpus(str(folder), str(src), "-o", str(tmp_path / "out")) == 1
    _one_error(capsys.readouterr().err, "NUL")
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- 6, 10: Parquet columns and types


def test_parquet_output_has_every_field_of_every_record(tmp_path):
    src = _jsonl(
        tmp_path / "in.jsonl",
        [{"id": "a", "text": STORY}, {"id": "b", "text": OTHER, "tags": ["地铁"]}, {"id": "c", "text": THIRD, "score": 2, "tags": None}],
    )
    out = tmp_path / "out.parquet"
    assert _corpus(str(src), "-o", str(out), "--no-clean") == 0
    rows = {r["id"]: r for r in pq.read_table(out).to_pylist()}
    assert rows["b"]["tags"] == ["地铁"] and rows["c"]["score"] == 2 and rows["a"]["score"] is None
    assert pq.read_schema(out).field("score").type == pa.int64()


def _typed_rows() -> list[dict]:
    return [
        {
            "id": "a",
            "text": STORY,
            "x": float("nan"),
            "day": datetime.date(2024, 1, 2),
            "at": datetime.datetime(2024, 1, 2, 3, 4, 5, 678901),
            "blob": b"\x00\xff",
            "price": decimal.Decimal("12.50"),
            "took": datetime.timedelta(seconds=90),
            "n": 3,
        },
        {"id": "b", "text": OTHER, "x": float("inf"), "day": None, "at": None, "blob": None, "price": None, "took": None, "n": None},
        {"id": "c", "text": THIRD, "x": -math.inf, "day": datetime.date(1999, 12, 31), "at": None, "blob": b"", "price": decimal.Decimal("0.01"), "took": None, "n": 7},
    ]


def test_parquet_to_parquet_keeps_every_type(tmp_path):
    src = tmp_path / "in.parquet"
    schema = pa.schema(
        [
            ("id", pa.string()),
            ("text", pa.string()),
            ("x", pa.float32()),
            ("day", pa.date32()),
            ("at", pa.timestamp("us")),
            ("blob", pa.binary()),
            ("price", pa.decimal128(6, 2)),
            ("took", pa.duration("s")),
            ("n", pa.int16()),
        ]
    )
    pq.write_table(pa.Table.from_pylist(_typed_rows(), schema=schema), src)
    out = tmp_path / "out.parquet"
    assert _corpus(str(src), "-o", str(out), "--no-clean") == 0
    assert pq.read_schema(out).remove_metadata() == schema
    got, want = pq.read_table(out).to_pylist(), pq.read_table(src).to_pylist()
    assert [r["id"] for r in got] == ["a", "b", "c"]
    for g, w in zip(got, want):
        assert {k: v for k, v in g.items() if k not in ("x", "text")} == {k: v for k, v in w.items() if k not in ("x", "text")}
        assert math.isnan(g["x"]) if math.isnan(w["x"]) else g["x"] == w["x"]  # NaN and inf are not null


def test_zero_row_parquet_keeps_its_schema(tmp_path):
    src = tmp_path / "empty.parquet"
    schema = pa.schema([("id", pa.string()), ("text", pa.string()), ("day", pa.date32()), ("n", pa.int32())])
    pq.write_table(schema.empty_table(), src)
    out = tmp_path / "out.parquet"
    assert _corpus(str(src), "-o", str(out)) == 0
    assert pq.read_schema(out).remove_metadata() == schema and pq.read_metadata(out).num_rows == 0


def test_parquet_with_binary_decimal_duration_to_jsonl_is_one_line(tmp_path, capsys):
    src = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist(_typed_rows()), src)
    assert _corpus(str(src), "-o", str(tmp_path / "out.jsonl")) == 1
    _one_error(capsys.readouterr().err, "cannot be written as JSON", "Parquet")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.parquet"]


def test_jsonl_field_changing_type_to_parquet_is_one_line(tmp_path, capsys):
    src = _jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": STORY, "x": 1}, {"id": "b", "text": OTHER, "x": "one"}])
    assert _corpus(str(src), "-o", str(tmp_path / "out.parquet")) == 1
    _one_error(capsys.readouterr().err, "'x'", "record 'a'", "record 'b'")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_parquet_writer_unifies_across_parts(tmp_path):
    """Beyond one part (4,096 rows): a field first seen late is kept, an int that becomes a float is a float."""
    out = tmp_path / "out.parquet"
    with RecordWriter(str(out), "parquet") as w:
        for i in range(9000):
            rec = {"id": str(i), "text": f"t{i}", "n": i}
            if i >= 8000:
                rec["late"] = {"k": i}
                rec["n"] = i + 0.5
            w.write(rec)
    table = pq.read_table(out)
    assert table.num_rows == 9000 and table.schema.field("n").type == pa.float64()
    rows = table.to_pylist()
    assert rows[10] == {"id": "10", "text": "t10", "n": 10.0, "late": None}
    assert rows[8500] == {"id": "8500", "text": "t8500", "n": 8500.5, "late": {"k": 8500}}
    assert [p.name for p in tmp_path.iterdir()] == ["out.parquet"]  # the parts are gone


def test_parquet_writer_type_clash_across_parts_leaves_nothing(tmp_path):
    out = tmp_path / "out.parquet"
    w = RecordWriter(str(out), "parquet")
    for i in range(5000):
        w.write({"id": str(i), "text": "t", "x": i if i < 4096 else f"s{i}"})
    with pytest.raises(OutputError, match="changes type"):
        w.commit()
    assert list(tmp_path.iterdir()) == []


@settings(max_examples=30, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["a", "b", "c"]), st.one_of(st.none(), st.integers(-(2**40), 2**40)), max_size=3), min_size=1, max_size=30))
def test_parquet_writer_keeps_every_field_value(tmp_path_factory, extras):
    """Whatever fields each record has, every value comes back and absent fields read as null."""
    out = tmp_path_factory.mktemp("pq") / "out.parquet"
    records = [{"id": str(i), "text": "t", **e} for i, e in enumerate(extras)]
    with RecordWriter(str(out), "parquet") as w:
        for r in records:
            w.write(r)
    rows = pq.read_table(out).to_pylist()
    assert [{k: v for k, v in row.items() if v is not None} for row in rows] == [{k: v for k, v in r.items() if v is not None} for r in records]


# ---------------------------------------------------------------- 7: SogouCS content


def test_sogou_content_runs_to_its_last_closing_tag(tmp_path):
    body = "第一段提到了</content>这个标签。<url>http://quoted</url>第二段也要保留。"
    path = tmp_path / "x.dat"
    path.write_text(f"<doc>\n<url>http://x/1</url>\n<docno>d1</docno>\n<contenttitle>标题</contenttitle>\n<content>{body}</content>\n</doc>\n", encoding="utf-8")
    assert list(read_sogou(str(path))) == [{"id": "d1", "text": body, "url": "http://x/1", "title": "标题"}]


def test_sogou_writer_round_trips_a_quoted_closing_tag(tmp_path):
    recs = [{"id": "n1", "text": "正文</content>后文<不转义>&", "url": "http://a", "title": "标题"}]
    path = tmp_path / "x.dat"
    with RecordWriter(str(path), "sogou") as w:
        for r in recs:
            w.write(r)
    assert list(read_sogou(str(path))) == recs


# ---------------------------------------------------------------- 10: a full TMPDIR


def test_full_tmpdir_is_one_line(tmp_path):
    """The records' spill copy (and the throw-away index) live under TMPDIR: a full one is one error."""
    from dedup.testing import make_corpus

    src = _jsonl(tmp_path / "in.jsonl", make_corpus(1, 300).records)  # 0.5 MiB, the tmpfs holds 64 KiB
    small = tmp_path / "small"
    small.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(small)], check=True)
    try:
        r = _subprocess([str(src), "-o", str(tmp_path / "out.jsonl"), "--report", str(tmp_path / "rep.jsonl"), "--workers", "1", "-q"], env={"TMPDIR": str(small)})
        assert r.returncode == 1
        _one_error(r.stderr, "No space left on device", "TMPDIR")
        assert sorted(os.listdir(small)) == []  # the spill folder and the index are removed
    finally:
        subprocess.run(["umount", str(small)], check=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "small"]


def test_parquet_on_stdin_with_a_full_tmpdir_is_one_line(tmp_path):
    """Parquet from standard input is copied to TMPDIR first (it needs seeking): a full one is one error."""
    from dedup.testing import make_corpus

    src = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist(make_corpus(1, 300).records), src)
    small = tmp_path / "small"
    small.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(small)], check=True)
    try:
        with open(src, "rb") as stdin:
            cmd = [sys.executable, "-m", "dedup.cli", "corpus", "-", "--format", "parquet", "-o", str(tmp_path / "out.parquet"), "--workers", "1", "-q"]
            r = subprocess.run(cmd, stdin=stdin, env={**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(small)}, capture_output=True, text=True, timeout=120)
        assert r.returncode == 1
        _one_error(r.stderr, "standard input", "No space left on device")
        assert sorted(os.listdir(small)) == []
    finally:
        subprocess.run(["umount", str(small)], check=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.parquet", "small"]


# ---------------------------------------------------------------- 11, 12, 15: what a folder read reads


def test_fifo_in_a_folder_is_skipped_not_waited_for(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.txt").write_text(STORY, encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")  # a device: it would never end
    for follow in ([], ["--follow-links"]):  # without it, zero.txt is a link out of the folder
        out = tmp_path / f"out{len(follow)}"
        r = _subprocess([str(folder), "-o", str(out), "--workers", "1", "-q", "--stats", *follow], timeout=60)
        assert r.returncode == 0, r.stderr
        assert [p.name for p in out.iterdir()] == ["a.txt"]
        warnings = [ln for ln in r.stderr.splitlines() if ln.startswith("dedup-text: warning:")]
        assert len(warnings) == 2 and "pipe.txt: not a regular file (a FIFO)" in warnings[0]
        stats = orjson.loads(r.stderr.splitlines()[-1])
        assert stats["documents"] == 1
        assert (stats["skipped_special_files"], stats.get("skipped_links_out")) == ((2, None) if follow else (1, 1))
        assert "zero.txt: not a regular file (a character device)" in warnings[1] if follow else "zero.txt: a link to /dev/zero" in warnings[1]


def _peak_rss_mib(argv: list[str]) -> tuple[subprocess.CompletedProcess, float]:
    """Run ``dedup-text corpus ARGV`` in a fresh parent, so the child's peak RSS is its own."""
    probe = (
        "import resource, subprocess, sys, json;"
        "r = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
        "print(json.dumps([r.returncode, r.stderr, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))"
    )
    cmd = [sys.executable, "-c", probe, sys.executable, "-m", "dedup.cli", "corpus", *argv]
    done = subprocess.run(cmd, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=300)
    code, err, kib = orjson.loads(done.stdout)
    return subprocess.CompletedProcess(cmd, code, "", err), kib / 1024


def test_folder_file_over_max_bytes_is_refused_from_its_size(tmp_path):
    """A 512 MiB (sparse) file under --max-bytes 4000: refused from stat, never read into memory."""
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.txt").write_text(STORY, encoding="utf-8")
    with open(folder / "huge.txt", "wb") as f:
        f.truncate(512 * 2**20)
    r, peak = _peak_rss_mib([str(folder), "-o", str(tmp_path / "out"), "--workers", "1", "-q", "--max-bytes", "4000"])
    assert r.returncode == 1
    _one_error(r.stderr, "huge.txt", "536,870,912 bytes", "--max-bytes")
    assert peak < 400, f"peak RSS {peak:.0f} MiB: the file was read"
    assert not (tmp_path / "out").exists()


def test_a_folder_that_cannot_be_listed_is_not_skipped_silently(tmp_path, monkeypatch, capsys):
    """os.walk drops a folder it cannot list (and its documents) unless told; as root, EACCES is simulated."""
    folder = tmp_path / "pages"
    (folder / "locked").mkdir(parents=True)
    (folder / "a.txt").write_text(STORY, encoding="utf-8")
    (folder / "locked" / "b.txt").write_text(OTHER, encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path="."):  # type: ignore[no-untyped-def]
        if isinstance(path, (str, os.PathLike)) and Path(path) == folder / "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert _corpus(str(folder), "-o", str(tmp_path / "out")) == 1
    _one_error(capsys.readouterr().err, "locked: cannot list the folder (Permission denied)")
    assert not (tmp_path / "out").exists()


def test_links_out_of_the_folder_are_not_followed(tmp_path, capsys):
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(OTHER, encoding="utf-8")
    (tmp_path / "outside" / "more.txt").write_text(THIRD, encoding="utf-8")
    folder = tmp_path / "pages"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(STORY, encoding="utf-8")
    (folder / "p.txt").symlink_to(secret)  # as p.txt -> /etc/passwd
    (folder / "linked").symlink_to(tmp_path / "outside", target_is_directory=True)
    (folder / "sub" / "same.txt").symlink_to(folder / "a.txt")  # inside the folder: read
    out = tmp_path / "out"
    assert _corpus(str(folder), "-o", str(out), "--annotate", "--no-clean") == 0
    err = capsys.readouterr().err
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == ["a.txt", "sub/same.txt"]
    assert OTHER not in "".join(p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file())
    assert err.count("dedup-text: warning:") == 2 and "--follow-links" in err


def test_follow_links_reads_them_and_does_not_loop(tmp_path):
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text(OTHER, encoding="utf-8")
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.txt").write_text(STORY, encoding="utf-8")
    (folder / "p.txt").symlink_to(tmp_path / "outside" / "secret.txt")
    (folder / "linked").symlink_to(tmp_path / "outside", target_is_directory=True)
    (folder / "loop").symlink_to(folder, target_is_directory=True)  # back up: entered never
    out = tmp_path / "out"
    r = _subprocess([str(folder), "-o", str(out), "--annotate", "--no-clean", "--follow-links", "--workers", "1", "-q"], timeout=60)
    assert r.returncode == 0, r.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == ["a.txt", "linked/secret.txt", "p.txt"]


def test_index_and_checkpoint_inside_the_input_folder_are_not_documents(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "one.txt").write_text(STORY, encoding="utf-8")
    (b / "two.txt").write_text(OTHER, encoding="utf-8")
    assert _corpus(str(a), "-o", str(tmp_path / "o1"), "--index", str(b / "idx")) == 0
    # b/idx now holds an index (.npy, .npz, meta.json), b/ck a kept checkpoint: neither is a document of b
    assert _corpus(str(b), "-o", str(tmp_path / "o2"), "--index", str(b / "idx"), "--checkpoint", str(b / "ck"), "--keep-checkpoint", "--report", str(tmp_path / "r2.jsonl")) == 0
    assert [r["id"] for r in _lines(tmp_path / "r2.jsonl")] == ["two.txt"]
    assert [p.name for p in (tmp_path / "o2").iterdir()] == ["two.txt"]


# ---------------------------------------------------------------- 13: the per-record limit


def test_oversized_record_is_written_unchanged_with_a_report_note(tmp_path, capsys):
    big = (STORY + "\n\n") * 40  # a repeated paragraph: cleaning would remove the repeats
    src = _jsonl(tmp_path / "in.jsonl", [{"id": "big", "text": big}, {"id": "copy", "text": big}, {"id": "s", "text": OTHER}])
    out, rep = tmp_path / "out.jsonl", tmp_path / "rep.jsonl"
    assert main(["corpus", str(src), "-o", str(out), "--report", str(rep), "--max-record-bytes", "2000", "--workers", "1", "--stats"]) == 0
    assert [(r["id"], r["text"]) for r in _lines(out)][:2] == [("big", big), ("copy", big)]  # nothing lost, nothing merged
    notes = {r["id"]: r.get("note") for r in _lines(rep)}
    assert notes["s"] is None and "above the per-record limit of 2,000" in notes["big"] and "written unchanged" in notes["copy"]
    err = capsys.readouterr().err
    assert "2 records over --max-record-bytes written unchanged" in err and orjson.loads(err.splitlines()[-1])["oversized_records"] == 2


def test_oversized_records_in_python_keep_their_text():
    big = (STORY + "\n\n") * 40
    docs = list(dedup_records([{"id": "a", "text": big}, {"id": "b", "text": STORY}], CorpusConfig(max_record_bytes=1000)))
    assert [(d.id, d.kept, d.text == big, d.note is not None) for d in docs] == [("a", True, True, True), ("b", True, False, False)]
    assert CorpusConfig().max_record_bytes == 8 * 2**20


# ---------------------------------------------------------------- 16: small ones


def test_jsonl_with_a_byte_order_mark_is_read(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\xef\xbb\xbf" + b"".join(orjson.dumps(r) + b"\n" for r in [{"id": "a", "text": STORY}, {"id": "b", "text": OTHER}]))
    out = tmp_path / "out.jsonl"
    assert _corpus(str(src), "-o", str(out), "--no-clean") == 0
    assert [r["id"] for r in _lines(out)] == ["a", "b"]


def test_truncated_last_line_says_so(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    whole = orjson.dumps({"id": "b", "text": OTHER})
    src.write_bytes(orjson.dumps({"id": "a", "text": STORY}) + b"\n" + whole[: whole.index("地".encode()) + 1])  # cut inside a character
    assert _corpus(str(src), "-o", str(tmp_path / "out.jsonl")) == 1
    _one_error(capsys.readouterr().err, "in.jsonl:2: last line is truncated")


def _bad_inputs(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.txt").write_text(STORY, encoding="utf-8")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    src = tmp_path / "in.jsonl"
    src.write_bytes(orjson.dumps({"id": "n", "text": None}) + b"\n{oops\n" + orjson.dumps({"id": "c", "text": OTHER}) + b"\n")
    return folder, src


def test_a_bad_record_stops_the_run_by_default_naming_it(tmp_path, capsys):
    folder, src = _bad_inputs(tmp_path)
    assert _corpus(str(folder), str(src), "-o", str(tmp_path / "out")) == 1
    _one_error(capsys.readouterr().err, "image.png", "PNG")
    assert _corpus(str(src), "-o", str(tmp_path / "out.jsonl")) == 1
    _one_error(capsys.readouterr().err, "in.jsonl:1", "'text' is null")
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.jsonl").exists()


def test_skip_bad_records_skips_and_counts_them(tmp_path, capsys):
    folder, src = _bad_inputs(tmp_path)
    out = tmp_path / "out"
    assert main(["corpus", str(folder), str(src), "-o", str(out), "--skip-bad-records", "--stats", "--workers", "1", "--no-clean"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "c"]
    assert [ln.split(": ")[2] for ln in err if ln.startswith("dedup-text: warning:")] == [str(folder / "image.png"), f"{src}:1", f"{src}:2"]
    assert "3 bad records skipped" in err[-2] and orjson.loads(err[-1])["skipped_bad_records"] == 3


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp") or p.name.startswith("dedup-corpus-spill-"))


def test_leftovers_of_a_killed_run_are_removed_by_the_next(tmp_path):
    """SIGKILL leaves the output's temporary and the records' spill copy; the next run removes them, only them."""
    from dedup.testing import make_corpus

    src = _jsonl(tmp_path / "in.jsonl", make_corpus(3, 1500).records)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp)}
    argv = [sys.executable, "-m", "dedup.cli", "corpus", str(src), "-o", str(tmp_path / "out.jsonl"), "--report", str(tmp_path / "rep.jsonl"), "--workers", "1", "-q"]
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not (len(_temporaries(tmp_path)) == 2 and any(n.startswith("dedup-corpus-spill-") for n in _temporaries(tmp))):
            assert proc.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "the run's temporaries did not appear within 60 s"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert len(_temporaries(tmp_path)) == 2  # .out.jsonl.* and .rep.jsonl.*: a killed run cannot remove them
    # a live run's temporary and files of other names must survive
    alive = tmp_path / f".out.jsonl.dedup-{os.getpid()}-abcd1234.tmp"
    alive.write_bytes(b"in use")
    (tmp_path / ".out.jsonl.mine.tmp").write_bytes(b"not ours")
    small = _jsonl(tmp_path / "small.jsonl", [{"id": "a", "text": STORY}])
    r = subprocess.run([*argv[:4], str(small), *argv[5:]], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert _temporaries(tmp_path) == sorted([alive.name, ".out.jsonl.mine.tmp"])
    assert not [n for n in os.listdir(tmp) if n.startswith("dedup-corpus-spill-")]
    assert [x["id"] for x in _lines(tmp_path / "out.jsonl")] == ["a"]
