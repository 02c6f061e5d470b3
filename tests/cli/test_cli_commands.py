"""Conventions of the command: subcommands, --version everywhere, python -m dedup, -v/--log-level."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import dedup
from dedup.cli import main, parse_args

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed_zh_press.txt"
CLEANED = ROOT / "examples" / "seed_zh_press.cleaned.txt"
ZH = "一是推进义务教育优质均衡发展，切实加强经费保障。\n\n一是推进义务教育优质均衡发展，切实加强经费保障。\n"


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, *args], capture_output=True, env=env, cwd=cwd, timeout=300)


def test_python_m_dedup_is_the_command(tmp_path):
    """``python -m dedup`` did not exist (No module named dedup.__main__)."""
    out = tmp_path / "o.txt"
    proc = _run("-m", "dedup", str(SEED), "-o", str(out), "-q")
    assert (proc.returncode, proc.stderr) == (0, b"")
    assert out.read_bytes() == CLEANED.read_bytes()


@pytest.mark.parametrize("argv", [["--version"], ["clean", "--version"], ["corpus", "--version"]])
def test_version_everywhere(argv, capsys):
    """``dedup-text corpus --version`` was a usage error; every form prints the one version string."""
    assert main(argv) == 0
    assert capsys.readouterr().out == f"dedup-text {dedup.__version__}\n"


def test_version_of_python_m_dedup():
    proc = _run("-m", "dedup", "corpus", "--version")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, f"dedup-text {dedup.__version__}\n".encode(), b"")


def test_help_lists_both_subcommands(capsys):
    """``corpus`` was missing from ``dedup-text --help``."""
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "clean" in out and "corpus" in out and "Without a command" in out
    for command, option in (("clean", "--diff"), ("corpus", "--boilerplate-min-docs")):
        assert main([command, "--help"]) == 0
        text = capsys.readouterr().out
        assert text.startswith(f"usage: dedup-text {command} ") and option in text and "--config FILE" in text


def test_no_subcommand_is_clean(tmp_path, capsys):
    """``dedup-text FILE -o OUT`` (the README's, the tests', the users') is ``dedup-text clean FILE -o OUT``."""
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    assert main([str(SEED), "-o", str(a), "-q"]) == 0
    assert main(["clean", str(SEED), "-o", str(b), "-q"]) == 0
    assert a.read_bytes() == b.read_bytes() == CLEANED.read_bytes()
    assert parse_args([str(SEED)]).command == "clean" and parse_args(["-q"]).inputs == []


def test_a_file_named_corpus_can_be_cleaned(tmp_path):
    """``dedup-text corpus`` is the subcommand; a file of that name is ``clean corpus`` or ``./corpus``."""
    (tmp_path / "corpus").write_text(ZH, encoding="utf-8")
    for argv in (["clean", "corpus"], ["./corpus"], ["-q", "corpus"]):
        proc = _run("-m", "dedup.cli", *argv, "-q", cwd=tmp_path)
        assert (proc.returncode, proc.stderr) == (0, b""), argv
        assert proc.stdout.decode() == "一是推进义务教育优质均衡发展，切实加强经费保障。\n"
    proc = _run("-m", "dedup.cli", "corpus", cwd=tmp_path)
    assert proc.returncode == 2 and b"the following arguments are required" in proc.stderr


@pytest.mark.parametrize(
    "argv,needle",
    [
        (["corpus", "--bogus", "x", "-o", "y"], "unrecognized arguments: --bogus (see 'dedup-text corpus --help')"),
        (["clean", "--keep", "last", "x"], "argument --keep: invalid choice: 'last'"),
        (["--log-level", "loud", "x"], "argument --log-level: invalid choice: 'loud'"),
        (["corpus", "x"], "the following arguments are required: -o/--output"),
    ],
)
def test_usage_errors_are_one_line(argv, needle, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and needle in err and err.startswith("dedup-text: error: ")


def test_keep_is_shared_and_reaches_both_modes(tmp_path, capsys):
    """``--keep`` means the same in both modes: it is defined once and selects the keep policy."""
    from dedup.reconstruct import KEEP_POLICIES
    from dedup.cli import KEEP_NAMES, config_from_args
    from dedup.corpus_cli import config_from_args as corpus_config

    assert KEEP_NAMES == tuple(KEEP_POLICIES)
    assert config_from_args(parse_args(["--keep", "earliest", "x"])).keep is KEEP_POLICIES["earliest"]
    assert corpus_config(parse_args(["corpus", "x", "-o", "y", "--keep", "earliest"])).keep == "earliest"


def test_default_stderr_is_as_quiet_as_before(capsys, tmp_path):
    assert main([str(SEED), "-o", str(tmp_path / "o.txt")]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"dedup-text: {SEED}: 76 blocks")
    assert main([str(SEED), "-o", str(tmp_path / "o.txt"), "-q"]) == 0
    assert capsys.readouterr().err == ""


def test_verbose_logs_steps_on_stderr(capsys, tmp_path):
    out = tmp_path / "o.txt"
    assert main([str(SEED), "-o", str(out), "-q", "-v"]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(":")[1] for line in lines] == [" info"] * 3
    assert "read 24873 bytes as utf-8" in lines[0] and lines[2] == f"dedup-text: info: wrote {out}"
    assert main([str(SEED), "-o", str(out), "-q", "-vv"]) == 0
    assert capsys.readouterr().err.startswith("dedup-text: debug: settings: command='clean'")
    assert main([str(SEED), "-o", str(out), "-q", "-vv", "--log-level", "WARNING"]) == 0  # the level named wins
    assert capsys.readouterr().err == ""
    assert main(["corpus", str(SEED), "-o", str(tmp_path / "o.jsonl"), "--format", "text", "--workers", "1", "-q", "--log-level", "info"]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("dedup-text: info: 1 inputs (text)") and lines[-1].startswith("dedup-text: info: stage seconds: ")


def _close_stderr() -> None:
    os.close(2)


@pytest.mark.parametrize("how", ["closed", "broken pipe"])
def test_a_closed_standard_error_fails_nothing(how):
    """Summary and -vv logging with standard error closed (2>&-) or a pipe nobody reads: the output is the
    cleaned text alone and the run succeeds.

    With 2>&- the summary went to standard output (print(file=None) writes there), after the cleaned text;
    with a broken pipe the run exited 141.  Logging's own "--- Logging error ---" report is never attempted."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "dedup.cli", str(SEED), "-vv"]
    if how == "closed":
        proc = subprocess.run(argv, stdout=subprocess.PIPE, preexec_fn=_close_stderr, env=env, timeout=300)
    else:
        r, w = os.pipe()
        os.close(r)  # a reader that has gone: every write to standard error fails
        try:
            proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=w, env=env, timeout=300)
        finally:
            os.close(w)
    assert proc.returncode == 0
    assert proc.stdout == CLEANED.read_bytes()


def test_corpus_with_standard_error_closed(tmp_path):
    """``dedup-text corpus ... 2>&-``: sys.stderr is None; the progress check crashed on it."""
    out = tmp_path / "o.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "dedup.cli", "corpus", str(SEED), "--format", "text", "-o", str(out), "--workers", "1", "--stats", "-v"]
    proc = subprocess.run(argv, stdout=subprocess.PIPE, preexec_fn=_close_stderr, env=env, timeout=300)
    assert (proc.returncode, proc.stdout) == (0, b"")
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1
