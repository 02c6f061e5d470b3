"""dedup-text: outputs, report, diff, exit codes and one-line errors."""

from __future__ import annotations

import json

import pytest

from dedup.cli import main
from dedup.report import check

from pathlib import Path

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed_zh_press.txt"


def test_writes_output_and_report(tmp_path, capsys):
    out, rep = tmp_path / "out.txt", tmp_path / "r.json"
    assert main([str(SEED), "-o", str(out), "--report", str(rep)]) == 0
    err = capsys.readouterr().err
    assert "76 blocks" in err and err.count("\n") == 1
    data = json.loads(rep.read_text(encoding="utf-8"))
    assert data["input"]["encoding"] == "utf-8" and data["input"]["source"] == str(SEED)
    assert check(SEED.read_text(encoding="utf-8"), out.read_text(encoding="utf-8"), data) == []
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_stdout_and_stdin(monkeypatch, capsysbinary):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("甲乙丙丁戊己庚辛壬癸。\n\n甲乙丙丁戊己庚辛壬癸。\n".encode("gb18030"))))
    assert main(["-", "-q"]) == 0
    assert capsysbinary.readouterr().out.decode("utf-8") == "甲乙丙丁戊己庚辛壬癸。\n"


def test_diff_writes_nothing(tmp_path, capsys):
    assert main([str(SEED), "--diff", "-o", str(tmp_path / "o.txt")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("---") and "+++" in out and "-三是推进义务教育" in out
    assert not (tmp_path / "o.txt").exists()


def test_explain_lists_edits(capsys):
    assert main([str(SEED), "--explain", "-q"]) == 0
    err = capsys.readouterr().err
    assert "stitch.cut_paragraph" in err and "dedup.duplicate_paragraph" in err


@pytest.mark.parametrize(
    "argv,code,needle",
    [
        (["--threshold", "1.5", "x"], 2, "--threshold"),
        (["--threshold", "abc", "x"], 2, "not a number"),
        (["--unit", "word", "x"], 2, "--unit"),
        (["--encoding", "klingon", str(SEED)], 2, "unknown encoding"),
        (["/nonexistent/file.txt"], 1, "no such file"),
        ([str(SEED), "-o", "/nonexistent/dir/out.txt"], 1, "does not exist"),
    ],
)
def test_errors_are_one_line(argv, code, needle, capsys):
    assert main(argv) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err


def test_error_in_second_input_leaves_no_output(tmp_path, capsys):
    outdir = tmp_path / "out"
    outdir.mkdir()
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\x00\x01\x02binary\x00")
    assert main([str(SEED), str(bad), "-o", str(outdir)]) == 1
    assert list(outdir.iterdir()) == []
    assert "NUL" in capsys.readouterr().err


def test_threshold_changes_clustering(tmp_path, capsys):
    a = "推进义务教育优质均衡发展助力双减政策有效落实优质均衡是解决择校热补课热的治本之策。"
    b = a.replace("择校", "择学").replace("治本", "治理").replace("义务", "议务").replace("有效", "有力")  # similarity ~0.9
    src = tmp_path / "in.txt"
    src.write_text(f"{a}\n\n{b}\n", encoding="utf-8")
    assert main([str(src), "-q", "--threshold", "0.95"]) == 0
    assert capsys.readouterr().out.count("均衡发展助力") == 2
    assert main([str(src), "-q", "--threshold", "0.85"]) == 0
    assert capsys.readouterr().out.count("均衡发展助力") == 1
