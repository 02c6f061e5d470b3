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

ROOT = Path(__file__).resolve().parents[2]
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


# ---------------------------------------------------------------------------- item 2: special targets, single document


def test_device_output_is_written_in_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``-o DEV --report DEV2 --html DEV3`` on device nodes: they stay devices, nothing else appears."""
    devs = [_device(tmp_path / n) for n in ("null-o", "null-r", "null-h")]
    assert main([str(SEED), "-o", str(devs[0]), "--report", str(devs[1]), "--html", str(devs[2]), "-q"]) == 0
    assert all(_is_char_device(d) for d in devs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null-h", "null-o", "null-r"]  # no temporary left


def test_one_device_for_two_outputs_is_not_a_conflict(tmp_path: Path) -> None:
    """``-o /dev/null --report /dev/null`` discards both: a device is not "the same file" twice."""
    dev = _device(tmp_path / "null")
    assert main([str(SEED), "-o", str(dev), "--report", str(dev), "-q"]) == 0
    assert _is_char_device(dev)


def test_full_device_fails_in_one_line_and_writes_no_other_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``-o FULL`` (every write ENOSPC): exit 1, one line, and the regular report is not left behind."""
    dev = _device(tmp_path / "full", FULL_DEV)
    out = tmp_path / "out"
    out.mkdir()
    assert main([str(SEED), "-o", str(dev), "--report", str(out / "r.json")]) == 1
    err = capsys.readouterr().err
    _one_error_line(err)
    assert "No space left on device" in err
    assert list(out.iterdir()) == [] and _is_char_device(dev)


@pytest.mark.parametrize("absolute", [False, True])
def test_symlink_output_replaces_the_target_and_keeps_the_link(tmp_path: Path, absolute: bool) -> None:
    """``-o LINK``: the file LINK points at gets the output (atomically), LINK stays a link."""
    want_out, want_rep = _expected(str(SEED))
    real = tmp_path / "data"
    real.mkdir()
    (real / "o.txt").write_text("old output")
    (real / "r.json").write_text("old report")
    os.chmod(real / "o.txt", 0o640)
    link_o, link_r = tmp_path / "o-link", tmp_path / "r-link"
    link_o.symlink_to(real / "o.txt" if absolute else Path("data/o.txt"))
    link_r.symlink_to(real / "r.json" if absolute else Path("data/r.json"))
    assert main([str(SEED), "-o", str(link_o), "--report", str(link_r), "-q"]) == 0
    assert link_o.is_symlink() and link_r.is_symlink()
    assert (real / "o.txt").read_bytes() == want_out and (real / "r.json").read_bytes() == want_rep
    assert stat.S_IMODE((real / "o.txt").stat().st_mode) == 0o640  # the target's mode kept
    assert sorted(p.name for p in real.iterdir()) == ["o.txt", "r.json"]  # no temporary left beside them


def test_chain_of_links_and_dangling_link(tmp_path: Path) -> None:
    """A link to a link to a file, and a dangling link to a missing file in an existing folder: both written through."""
    want_out, want_rep = _expected(str(SEED))
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "o.txt").write_text("old")
    (tmp_path / "hop").symlink_to("d/o.txt")
    (tmp_path / "o-link").symlink_to("hop")
    (tmp_path / "r-link").symlink_to("d/new-report.json")  # dangling
    assert main([str(SEED), "-o", str(tmp_path / "o-link"), "--report", str(tmp_path / "r-link"), "-q"]) == 0
    assert (tmp_path / "o-link").is_symlink() and (tmp_path / "hop").is_symlink() and (tmp_path / "r-link").is_symlink()
    assert (tmp_path / "d" / "o.txt").read_bytes() == want_out
    assert (tmp_path / "d" / "new-report.json").read_bytes() == want_rep


def test_dangling_link_into_a_missing_folder_is_one_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "o-link").symlink_to("nowhere/o.txt")
    assert main([str(SEED), "-o", str(tmp_path / "o-link")]) == 1
    err = capsys.readouterr().err
    _one_error_line(err)
    assert "does not exist" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o-link"]


def test_link_loop_is_one_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    assert main([str(SEED), "-o", str(tmp_path / "a")]) == 1
    _one_error_line(capsys.readouterr().err)
    assert (tmp_path / "a").is_symlink() and (tmp_path / "b").is_symlink()


@given(hops=st.lists(st.booleans(), min_size=1, max_size=5), dangling=st.booleans())
def test_property_any_chain_of_links_keeps_every_link(hops: list[bool], dangling: bool) -> None:
    """Whatever chain of relative/absolute links ``-o`` names, every link stays and the final file holds the output."""
    from dedup.io.write import write_atomic_many

    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        (root / "sub").mkdir()
        final = root / "sub" / "final.txt"
        if not dangling:
            final.write_text("old")
        previous = final
        for i, absolute in enumerate(hops):
            link = root / (f"sub/l{i}" if i % 2 else f"l{i}")
            link.symlink_to(previous if absolute else os.path.relpath(previous, link.parent))
            previous = link
        write_atomic_many([(previous, "新的内容\n")])
        assert final.read_text(encoding="utf-8") == "新的内容\n"
        links = [p for p in root.rglob("*") if p.name.startswith("l")]
        assert len(links) == len(hops) and all(p.is_symlink() for p in links)
        assert sorted(p.name for p in (root / "sub").iterdir() if not p.name.startswith("l")) == ["final.txt"]


def test_fifo_output_is_written_in_place(tmp_path: Path) -> None:
    """``-o FIFO`` with a reader: the reader gets the output, the FIFO stays a FIFO."""
    want_out, _ = _expected(str(SEED))
    fifo = tmp_path / "pipe"
    with _fifo_reader(fifo) as got:
        proc = subprocess.run([*CLI, str(SEED), "-o", str(fifo), "-q"], capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert got == [want_out]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_descriptor_link_in_a_folder_is_written_through(tmp_path: Path) -> None:
    """A link to ``/proc/self/fd/1`` (what ``/dev/stdout`` is), made in tmp_path: output goes to the pipe, the link stays.

    Before the fix the rename replaced the link with a regular file and the pipe got nothing.
    """
    want_out, _ = _expected(str(SEED))
    link = tmp_path / "my-stdout"
    link.symlink_to("/proc/self/fd/1")
    proc = subprocess.run([*CLI, str(SEED), "-o", str(link), "-q"], capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == want_out
    assert link.is_symlink() and os.readlink(link) == "/proc/self/fd/1"


def _stdout_link_survives(tmp: Path, *args: str) -> bytes:
    """Run ``dedup-text ARGS`` with ``STDOUT`` in ARGS replaced by a link made in ``tmp`` to /proc/self/fd/1 (what
    /dev/stdout is); assert the link survived and return what the pipe got.  The guard before any run on the real
    /dev/stdout of this machine: the unfixed code renames a regular file over it."""
    link = tmp / "stdout-link"
    link.symlink_to("/proc/self/fd/1")
    proc = subprocess.run([*CLI, *(str(link) if a == "STDOUT" else a for a in args)], capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and os.readlink(link) == "/proc/self/fd/1", "the fix is not in: not touching the real /dev/stdout"
    link.unlink()
    return proc.stdout


def test_dev_stdout_to_a_pipe_and_to_an_appended_file(tmp_path: Path) -> None:
    """``-o /dev/stdout``: a pipe gets the output; ``>> log`` keeps what the log had (written through the descriptor)."""
    want_out, _ = _expected(str(SEED))
    assert _stdout_link_survives(tmp_path, str(SEED), "-o", "STDOUT", "-q") == want_out
    proc = subprocess.run([*CLI, str(SEED), "-o", "/dev/stdout", "-q"], capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == want_out
    assert os.path.islink("/dev/stdout")
    log = tmp_path / "log"
    log.write_bytes(b"earlier line\n")
    with open(log, "ab") as f:
        proc = subprocess.run([*CLI, str(SEED), "-o", "/dev/stdout", "-q"], stdout=f, stderr=subprocess.PIPE, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert log.read_bytes() == b"earlier line\n" + want_out


def test_dev_fd_n(tmp_path: Path) -> None:
    """``--report /dev/fd/N`` with descriptor N a pipe: the report arrives there."""
    _, want_rep = _expected(str(SEED))
    r, w = os.pipe()
    try:
        proc = subprocess.Popen([*CLI, str(SEED), "-o", str(tmp_path / "o.txt"), "--report", f"/dev/fd/{w}", "-q"], pass_fds=(w,))
        os.close(w)
        with os.fdopen(r, "rb") as f:
            got = f.read()
        assert proc.wait(timeout=300) == 0
    finally:
        with contextlib.suppress(OSError):
            os.close(w)
    assert got == want_rep
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.txt"]


def test_the_real_dev_null_survives(tmp_path: Path) -> None:
    """The one test on this machine's /dev/null: only after the same run left a device node in tmp_path a device."""
    assert _is_char_device("/dev/null"), "/dev/null was already replaced before this test (by another process)"
    dev = _device(tmp_path / "null")
    assert main([str(SEED), "-o", str(dev), "--report", str(dev), "-q"]) == 0
    assert _is_char_device(dev), "the fix is not in: not touching the real /dev/null"
    assert main([str(SEED), "-o", "/dev/null", "--report", "/dev/null", "-q"]) == 0
    assert _is_char_device("/dev/null") and os.stat("/dev/null").st_rdev == NULL_DEV


def test_full_disk_single_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Output bigger than a 64 KiB tmpfs: one error line, exit 1, the old target intact, no temporary left."""
    big = _big_input(tmp_path)
    with _full_disk(tmp_path / "disk") as disk:
        (disk / "o.txt").write_text("old output")
        (disk / "link").symlink_to("o.txt")
        for target in ("o.txt", "link", "new.txt"):
            assert main([str(big), "-o", str(disk / target), "--report", str(disk / "r.json"), "-q"]) == 1
            err = capsys.readouterr().err
            _one_error_line(err)
            assert "No space left on device" in err
            assert sorted(p.name for p in disk.iterdir()) == ["link", "o.txt"]
            assert (disk / "o.txt").read_text() == "old output"


# ---------------------------------------------------------------------------- item 2: special targets, corpus mode


def test_corpus_device_outputs(tmp_path: Path) -> None:
    """``corpus -o DEV --report DEV --html DEV``: devices stay devices, the run succeeds, nothing else appears."""
    src = _corpus(tmp_path)
    o, r, h = (_device(tmp_path / n) for n in ("null-o", "null-r", "null-h"))
    assert main(["corpus", str(src), "-o", str(o), "--report", str(r), "--html", str(h), "--workers", "1", "-q"]) == 0
    assert all(_is_char_device(d) for d in (o, r, h))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "null-h", "null-o", "null-r"]


def test_corpus_parquet_to_a_device(tmp_path: Path) -> None:
    src = _corpus(tmp_path)
    o = _device(tmp_path / "null.parquet")
    assert main(["corpus", str(src), "-o", str(o), "--report", str(tmp_path / "r.parquet"), "--workers", "1", "-q"]) == 0
    assert _is_char_device(o) and (tmp_path / "r.parquet").stat().st_size > 0


def test_corpus_full_device(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _corpus(tmp_path)
    full = _device(tmp_path / "full", FULL_DEV)
    assert main(["corpus", str(src), "-o", str(full), "--report", str(tmp_path / "r.jsonl"), "--workers", "1", "-q"]) == 1
    err = capsys.readouterr().err
    _one_error_line(err)
    assert "No space left" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full", "in.jsonl"] and _is_char_device(full)


def test_corpus_symlink_outputs(tmp_path: Path) -> None:
    """Corpus ``-o``/``--report``/``--html`` through links (absolute, relative, dangling): links kept, targets written."""
    src = _corpus(tmp_path)
    want_out, want_rep = _corpus_expected(src)
    data = tmp_path / "data"
    data.mkdir()
    (data / "o.jsonl").write_text("old")
    (tmp_path / "o").symlink_to(data / "o.jsonl")
    (tmp_path / "r").symlink_to("data/r.jsonl")  # dangling, relative
    (tmp_path / "h").symlink_to("data/review.html")
    assert main(["corpus", str(src), "-o", str(tmp_path / "o"), "--report", str(tmp_path / "r"), "--html", str(tmp_path / "h"), "--format", "jsonl", "--workers", "1", "-q"]) == 0
    assert all((tmp_path / n).is_symlink() for n in "orh")
    assert (data / "o.jsonl").read_bytes() == want_out and (data / "r.jsonl").read_bytes() == want_rep
    assert (data / "review.html").read_text(encoding="utf-8").startswith("<!")
    assert sorted(p.name for p in data.iterdir()) == ["o.jsonl", "r.jsonl", "review.html"]


def test_corpus_folder_output_through_a_link(tmp_path: Path) -> None:
    """Text output (a folder) named by a link to an empty folder: the folder is filled, the link stays."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(3):
        (docs / f"{i}.txt").write_text(f"第{i}篇文章，讲的是第{i}件事情。\n", encoding="utf-8")
    (tmp_path / "real-out").mkdir()
    (tmp_path / "out").symlink_to("real-out")
    assert main(["corpus", str(docs), "-o", str(tmp_path / "out"), "--workers", "1", "-q"]) == 0
    assert (tmp_path / "out").is_symlink()
    assert sorted(p.name for p in (tmp_path / "real-out").iterdir()) == ["0.txt", "1.txt", "2.txt"]


def test_corpus_fifo_and_dev_stdout(tmp_path: Path) -> None:
    """Corpus ``-o FIFO`` (with a reader) and ``--report /dev/stdout`` (a pipe): both get the bytes of plain files."""
    src = _corpus(tmp_path)
    want_out, want_rep = _corpus_expected(src)
    base = ["corpus", str(src), "--format", "jsonl", "--workers", "1", "-q"]
    assert _stdout_link_survives(tmp_path, *base, "-o", str(tmp_path / "o.jsonl"), "--report", "STDOUT") == want_rep
    fifo = tmp_path / "pipe"
    with _fifo_reader(fifo) as got:
        proc = subprocess.run([*CLI, *base, "-o", str(fifo), "--report", "/dev/stdout"], capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert got == [want_out] and proc.stdout == want_rep
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and os.path.islink("/dev/stdout")


def test_corpus_full_disk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Corpus output bigger than a 64 KiB tmpfs: one line, exit 1, no partial output, no temporary left."""
    src = _corpus(tmp_path, 300)
    with _full_disk(tmp_path / "disk") as disk:
        (disk / "o.jsonl").write_text("old")
        for target in ("o.jsonl", "new.jsonl"):
            assert main(["corpus", str(src), "-o", str(disk / target), "--report", str(disk / "r.jsonl"), "--workers", "1", "-q"]) == 1
            err = capsys.readouterr().err
            _one_error_line(err)
            assert "No space left on device" in err
            assert sorted(p.name for p in disk.iterdir()) == ["o.jsonl"] and (disk / "o.jsonl").read_text() == "old"


# ---------------------------------------------------------------------------- items 4 and 5: refused before any work


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str], *words: str) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    _one_error_line(err)
    for w in words:
        assert w in err, err


@pytest.mark.parametrize(
    "extra, words",
    [
        (["-o", "o.txt", "--report", "in.txt"], ("--report in.txt", "is also an input")),
        (["-o", "o.txt", "--html", "in.txt"], ("--html in.txt", "is also an input")),
        (["-o", "in.txt"], ("-o in.txt", "is also an input")),
        (["-o", "./sub/../in.txt"], ("is also an input",)),
        (["-o", "in-link"], ("is also an input",)),  # a link to the input
        (["-o", "hard"], ("is also an input",)),  # a hard link to the input
        (["-o", "o.txt", "--report", "o.txt"], ("--report o.txt is also -o o.txt",)),
        (["-o", "o.txt", "--html", "o.txt"], ("--html o.txt is also -o o.txt",)),
        (["-o", "o.txt", "--html", "o-link"], ("--html o-link is also -o o.txt",)),  # a link to the output
        (["--report", "r.json", "--html", "r.json"], ("--html r.json is also --report r.json",)),
    ],
)
def test_outputs_that_clash_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], extra: list[str], words: tuple[str, ...]) -> None:
    """Single-document mode: an output that is an input, or two outputs one file: exit 2, one line, nothing changed."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "sub").mkdir()
    (tmp_path / "in-link").symlink_to("in.txt")
    os.link(tmp_path / "in.txt", tmp_path / "hard")
    (tmp_path / "o-link").symlink_to("o.txt")
    before = sorted(p.name for p in tmp_path.iterdir())
    _refused(["in.txt", *extra], capsys, *words)
    assert (tmp_path / "in.txt").read_bytes() == SEED.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize(
    "extra, words",
    [
        (["-o", "o.jsonl", "--report", "in.jsonl"], ("--report in.jsonl", "is also an input")),
        (["-o", "o.jsonl", "--html", "in.jsonl"], ("--html in.jsonl", "is also an input")),
        (["-o", "in-link.jsonl"], ("is also an input",)),
        (["-o", "o.jsonl", "--report", "o.jsonl"], ("--report o.jsonl is also -o o.jsonl",)),
        (["-o", "o.jsonl", "--html", "./o.jsonl"], ("--html ./o.jsonl is also -o o.jsonl",)),
        (["-o", "o.jsonl", "--report", "r.jsonl", "--html", "r.jsonl"], ("--html r.jsonl is also --report r.jsonl",)),
    ],
)
def test_corpus_outputs_that_clash_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], extra: list[str], words: tuple[str, ...]) -> None:
    monkeypatch.chdir(tmp_path)
    src = _corpus(tmp_path)
    data = src.read_bytes()
    (tmp_path / "in-link.jsonl").symlink_to("in.jsonl")
    before = sorted(p.name for p in tmp_path.iterdir())
    _refused(["corpus", "in.jsonl", *extra], capsys, *words)
    assert src.read_bytes() == data and sorted(p.name for p in tmp_path.iterdir()) == before


def test_several_inputs_with_one_name_are_refused_before_reading(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``a/x.txt b/x.txt -o out --report rep``: one line, exit 2, before reading (b/x.txt is not even text)."""
    for d in ("a", "b", "out", "rep"):
        (tmp_path / d).mkdir()
    (tmp_path / "a" / "x.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "b" / "x.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")  # an input error, were it read
    a, b = str(tmp_path / "a" / "x.txt"), str(tmp_path / "b" / "x.txt")
    _refused([a, b, "-o", str(tmp_path / "out"), "--report", str(tmp_path / "rep")], capsys, a, b, "would both be written to")
    assert list((tmp_path / "out").iterdir()) == [] and list((tmp_path / "rep").iterdir()) == []
    # distinct names are fine, and each gets its own files
    (tmp_path / "b" / "y.txt").write_bytes(SEED.read_bytes())
    assert main([a, str(tmp_path / "b" / "y.txt"), "-o", str(tmp_path / "out"), "--report", str(tmp_path / "rep"), "-q"]) == 0
    assert sorted(p.name for p in (tmp_path / "rep").iterdir()) == ["x.txt.report.json", "y.txt.report.json"]


# ---------------------------------------------------------------------------- item 14: --workers capped


def test_workers_are_capped_at_the_usable_cpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--workers 1000``: one warning line, the CPU count of processes, the same bytes as one worker."""
    from dedup.engines.local import LocalEngine, usable_cpus

    cpus = len(os.sched_getaffinity(0))
    assert usable_cpus() == cpus
    assert LocalEngine(1000).workers == cpus
    src = _corpus(tmp_path)
    want_out, want_rep = _corpus_expected(src)
    assert main(["corpus", str(src), "-o", str(tmp_path / "o.jsonl"), "--report", str(tmp_path / "r.jsonl"), "--workers", "1000", "-q"]) == 0
    err = capsys.readouterr().err
    assert err == f"dedup-text corpus: warning: --workers 1000 is more than the {cpus} CPUs this process can use; using {cpus}\n"
    assert (tmp_path / "o.jsonl").read_bytes() == want_out and (tmp_path / "r.jsonl").read_bytes() == want_rep


def test_workers_follow_the_affinity_mask() -> None:
    """A process pinned to one CPU (``taskset``) gets one worker, whatever the machine has."""
    code = "import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); from dedup.engines.local import LocalEngine; print(LocalEngine(64).workers)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120).stdout
    assert out.strip() == "1"
