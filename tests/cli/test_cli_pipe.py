"""``dedup-text ... | head``: exit 141 whenever the reader closes the pipe before the output is all written.

Run as users run it: a real pipe whose reader takes 100 bytes and closes it.
With ``PYTHONUNBUFFERED=1`` (set in many containers and CI images) standard
output's binary layer is the raw file, whose short write into a closed pipe
the text layer ignored: the run exited 0 with its output silently cut.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dedup.testing import synthetic_paragraphs

ROOT = Path(__file__).resolve().parents[2]


def _env(unbuffered: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env["PYTHONPATH"] = str(ROOT)
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    return env


def _head_100(args: list[str], unbuffered: bool) -> tuple[int, str]:
    """Run ``python -m dedup.cli ARGS | head -c 100``; its exit code and standard error."""
    proc = subprocess.Popen([sys.executable, "-m", "dedup.cli", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(unbuffered))
    assert proc.stdout is not None and proc.stderr is not None
    assert len(proc.stdout.read(100)) == 100
    proc.stdout.close()
    err = proc.stderr.read().decode()
    return proc.wait(timeout=300), err


@pytest.fixture(scope="module")
def big_text(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pipe") / "big.txt"
    path.write_text("\n\n".join(synthetic_paragraphs(5, 800)), encoding="utf-8")  # ~450 KB of output, 7x a pipe's buffer
    return path


@pytest.mark.parametrize("unbuffered", [True, False], ids=["PYTHONUNBUFFERED=1", "buffered"])
def test_clean_to_a_closed_pipe_exits_141(big_text: Path, unbuffered: bool) -> None:
    code, err = _head_100([str(big_text), "-q"], unbuffered)
    assert (code, err) == (141, "")


@pytest.mark.parametrize("unbuffered", [True, False], ids=["PYTHONUNBUFFERED=1", "buffered"])
def test_corpus_to_a_closed_pipe_exits_141(tmp_path: Path, unbuffered: bool) -> None:
    src = tmp_path / "c.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for i, text in enumerate(synthetic_paragraphs(6, 3000, min_chars=200, max_chars=400)):  # ~2.7 MB of JSONL
            f.write(json.dumps({"id": str(i), "text": text}, ensure_ascii=False) + "\n")
    code, err = _head_100(["corpus", str(src), "-o", "-", "--workers", "1", "--no-clean", "-q"], unbuffered)
    assert (code, err) == (141, "")


@pytest.mark.parametrize("unbuffered", [True, False], ids=["PYTHONUNBUFFERED=1", "buffered"])
def test_output_that_fits_is_whole_and_exits_0(unbuffered: bool) -> None:
    """The reader that takes everything gets every byte, whatever the buffering."""
    seed = ROOT / "examples" / "seed_zh_press.txt"
    out = subprocess.run([sys.executable, "-m", "dedup.cli", str(seed), "-q"], capture_output=True, env=_env(unbuffered), timeout=300)
    assert out.returncode == 0 and out.stderr == b""
    assert out.stdout == (ROOT / "examples" / "seed_zh_press.cleaned.txt").read_bytes()


SEED = ROOT / "examples" / "seed_zh_press.txt"
_CLOSED_OR_FULL = [
    [str(SEED), "-q"],
    [str(SEED), "-q", "--diff=chars"],
    ["corpus", str(SEED), "--format", "text", "-o", "-", "--workers", "1", "-q"],
]


def _close_stdout() -> None:
    os.close(1)


@pytest.mark.parametrize("args", _CLOSED_OR_FULL, ids=["clean", "diff", "corpus"])
def test_closed_standard_output_is_one_line(args: list[str]) -> None:
    """``dedup-text FILE >&-``: an AttributeError traceback ('NoneType' object has no attribute 'write') before."""
    proc = subprocess.run([sys.executable, "-m", "dedup.cli", *args], stderr=subprocess.PIPE, env=_env(True), preexec_fn=_close_stdout, timeout=300)
    assert (proc.returncode, proc.stderr.decode()) == (1, "dedup-text: error: standard output is closed; give -o FILE\n")


@pytest.mark.parametrize("unbuffered", [True, False], ids=["PYTHONUNBUFFERED=1", "buffered"])
@pytest.mark.parametrize("args", [*_CLOSED_OR_FULL, ["--help"]], ids=["clean", "diff", "corpus", "help"])
def test_full_standard_output_is_one_line(args: list[str], unbuffered: bool) -> None:
    """``dedup-text FILE > /dev/full``: an OSError traceback before (or, for --help, exit 0 with nothing written)."""
    with open("/dev/full", "wb") as full:
        proc = subprocess.run([sys.executable, "-m", "dedup.cli", *args], stdout=full, stderr=subprocess.PIPE, env=_env(unbuffered), timeout=300)
    err = proc.stderr.decode()
    assert proc.returncode == 1 and err.count("\n") == 1 and "Traceback" not in err, err
    assert err.endswith(": cannot write (No space left on device)\n")
