"""Where output goes, tested the way users run the command.

* terminals: corpus mode on a real pseudo-terminal draws its progress bar and
  succeeds (issue 11, item 1);
* special targets: ``-o``, ``--report`` and ``--html`` on devices, FIFOs,
  symlinks, descriptors (``/dev/stdout``) and a full disk, in both modes
  (item 2).  Device behaviour is tested on device nodes made in ``tmp_path``
  (we run as root), never on this machine's ``/dev/null`` but in one test
  that first checks the fix on such a node;
* outputs that are an input or each other, and several inputs with one
  name, are refused before any work (items 4 and 5);
* ``--workers`` is capped at the usable CPUs (item 14).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pty
import select
import stat
import struct
import subprocess
import sys
import tempfile
import termios
import threading
from pathlib import Path
from typing import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "seed_zh_press.txt"
ZH = "一是推进义务教育优质均衡发展，切实加强经费保障。\n\n二是加强教师队伍建设，提高教学质量。\n\n一是推进义务教育优质均衡发展，切实加强经费保障。\n\n"
NULL_DEV = os.makedev(1, 3)  # what /dev/null is
FULL_DEV = os.makedev(1, 7)  # what /dev/full is: every write fails with ENOSPC
CLI = [sys.executable, "-m", "dedup.cli"]


# ---------------------------------------------------------------------------- helpers


def _expected(*args: str) -> tuple[bytes, bytes]:
    """Cleaned text and report of ``dedup-text ARGS`` written to plain files (the reference)."""
    with tempfile.TemporaryDirectory() as d:
        out, rep = Path(d, "o"), Path(d, "r")
        assert main([*args, "-o", str(out), "--report", str(rep), "-q"]) == 0
        return out.read_bytes(), rep.read_bytes()


def _device(path: Path, dev: int = NULL_DEV) -> Path:
    os.mknod(path, 0o666 | stat.S_IFCHR, dev)
    return path


def _is_char_device(path: Path | str) -> bool:
    return stat.S_ISCHR(os.lstat(path).st_mode)


def _one_error_line(err: str) -> None:
    assert err.startswith("dedup-text: error: ") and err.count("\n") == 1 and "Traceback" not in err, err


def _corpus(tmp: Path, n: int = 40) -> Path:
    from dedup.testing import make_corpus

    src = tmp / "in.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in make_corpus(5, n).records), encoding="utf-8")
    return src


def _corpus_expected(src: Path) -> tuple[bytes, bytes]:
    with tempfile.TemporaryDirectory() as d:
        out, rep = Path(d, "o.jsonl"), Path(d, "r.jsonl")
        assert main(["corpus", str(src), "-o", str(out), "--report", str(rep), "--workers", "1", "-q"]) == 0
        return out.read_bytes(), rep.read_bytes()


@contextlib.contextmanager
def _full_disk(where: Path, size: str = "64k") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted on ``where`` (we are root), unmounted whatever happens."""
    where.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=True)


@contextlib.contextmanager
def _fifo_reader(path: Path) -> Iterator[list[bytes]]:
    """A FIFO at ``path`` and a thread reading it to the end; the list holds what it read."""
    os.mkfifo(path)
    got: list[bytes] = []

    def read() -> None:
        with open(path, "rb") as f:
            got.append(f.read())

    t = threading.Thread(target=read, daemon=True)
    t.start()
    try:
        yield got
    finally:
        if t.is_alive():  # the writer never came: open the other end so the reader ends
            with open(path, "wb"):
                pass
        t.join(30)


def _big_input(tmp: Path) -> Path:
    from dedup.testing import synthetic_paragraphs

    big = tmp / "big.txt"
    big.write_text("\n\n".join(synthetic_paragraphs(5, 800)), encoding="utf-8")  # ~450 KB of output
    return big


# ---------------------------------------------------------------------------- item 1: terminals


def _run_on_pty(argv: list[str], cwd: Path, timeout: float = 300) -> tuple[int, str]:
    """Run ``argv`` with a pseudo-terminal as its standard input, output and error; (exit code, terminal text)."""
    pid, master = pty.fork()
    if pid == 0:  # the child: its terminal is the pty, 24 x 100 like a real one (a new pty is 0 x 0)
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
            os.chdir(cwd)
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([master], [], [], timeout)
            if not ready:
                os.kill(pid, 9)
                raise AssertionError(f"no output for {timeout} s: {b''.join(chunks)[-500:]!r}")
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(master)
    return os.waitstatus_to_exitcode(status), b"".join(chunks).decode("utf-8", "replace")


def test_corpus_mode_on_a_terminal_draws_progress_and_succeeds(tmp_path: Path) -> None:
    """``dedup-text corpus in.jsonl -o out.jsonl`` on a pty: exit 0, the bars are drawn, the output is right.

    Before the fix: TypeError "bool() undefined when iterable == total == None".
    """
    src = _corpus(tmp_path, 60)
    want_out, want_rep = _corpus_expected(src)
    code, screen = _run_on_pty([*CLI, "corpus", "in.jsonl", "-o", "out.jsonl", "--report", "rep.jsonl", "--workers", "1"], tmp_path)
    assert code == 0, screen[-2000:]
    assert "Traceback" not in screen
    for stage in ("fingerprint", "finish"):
        assert stage in screen, screen[-2000:]  # tqdm drew the bar of each stage
    assert "60 documents" in screen  # the summary line
    assert (tmp_path / "out.jsonl").read_bytes() == want_out
    assert (tmp_path / "rep.jsonl").read_bytes() == want_rep


def test_dedup_records_with_progress(capsys: pytest.CaptureFixture[str]) -> None:
    """The library's ``progress=True`` draws bars and gives the same documents as without."""
    from dedup.corpus import CorpusConfig, dedup_records
    from dedup.testing import make_corpus

    records = make_corpus(2, 30).records
    plain = [(d.id, d.duplicate_of, d.text) for d in dedup_records([dict(r) for r in records], CorpusConfig())]
    capsys.readouterr()
    shown = [(d.id, d.duplicate_of, d.text) for d in dedup_records([dict(r) for r in records], CorpusConfig(), progress=True)]
    assert shown == plain
    assert "fingerprint" in capsys.readouterr().err
