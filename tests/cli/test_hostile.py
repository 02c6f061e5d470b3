"""Hostile input: a clear one-line error or a correct, fully accounted result.

Every case runs ``dedup-text`` (in process through :func:`dedup.cli.main`,
or as a subprocess where a signal or a pipe is the point) and checks:

* the exit code and a single ``dedup-text: error: ...`` line, no traceback;
* no partial output: on error nothing is created in the output folder (not
  even a temporary file); on success every file is complete;
* nothing of the input lost: :func:`dedup.report.check` accepts the report
  against the decoded input and the output.

``CASES`` is shared with ``benchmarks/hostile_table.py``, which prints the
table in ``docs/hostile.md``.  The 1 GB one-line file and 1 M paragraphs are
exercised there and in ``benchmarks/memory_hostile.py``; here their *limit*
paths are tested on small inputs with small limits.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import select
import signal
import struct
import subprocess
import sys
import termios
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import pytest

from dedup.cli import main
from dedup.io.read import ReadConfig, read_path
from dedup.pipeline import clean
from dedup.report import check

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed_zh_press.txt"

ZH = "一是推进义务教育优质均衡发展，切实加强经费保障。\n\n二是加强教师队伍建设，提高教学质量。\n\n"


def _png() -> bytes:
    """A real (1x1, grey) PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")


def _tiny_paragraphs(n: int) -> bytes:
    return "".join(f"第{i % (n // 2)}段。\n\n" for i in range(n)).encode()


@dataclass
class Case:
    """One hostile input: how to build it and what must happen."""

    name: str
    build: Callable[[Path], list[str]]  # writes files under tmp, returns extra argv (inputs, options)
    code: int  # expected exit code
    message: str = ""  # expected part of the error line
    outputs: bool = True  # pass -o/--report under tmp/out
    expect_in_output: tuple[str, ...] = field(default_factory=tuple)


def _file(name: str, data: bytes, *opts: str) -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        (tmp / name).write_bytes(data)
        return [str(tmp / name), *opts]

    return build


def _unreadable(tmp: Path) -> list[str]:
    # chmod 000 denies nothing to root (CI runs as root): /proc/self/mem is a
    # file every process has that cannot be read from offset 0 (EIO)
    return ["/proc/self/mem"]


CASES: list[Case] = [
    Case("empty file", _file("empty.txt", b""), 1, "input has no text"),
    Case("only whitespace", _file("ws.txt", b"  \n\n\t \r\n\r\n"), 1, "input has no text"),
    Case("NUL bytes", _file("nul.txt", b"\x00" * 4096), 1, "NUL bytes"),
    Case("text with a NUL inside", _file("nul2.txt", ZH.encode() + b"\x00" + ZH.encode()), 1, "NUL"),
    Case("PNG image", _file("image.png", _png()), 1, "PNG image"),
    Case("invalid UTF-8 inside UTF-8", _file("bad.txt", (ZH * 20).encode() + "独特的段落".encode() + b"\xff\xfe\x80" + "仍然保留。\n\n".encode() + (ZH * 20).encode()), 0, expect_in_output=("独特的段落\ufffd\ufffd\ufffd仍然保留。",)),
    Case("UTF-8 and GB18030 lines in one file", _file("mixed.txt", (ZH * 2).encode() + "三是完善督导评估机制。\n".encode("gb18030")), 0, expect_in_output=("三是完善督导评估机制。",)),
    Case("UTF-16 LE without BOM", _file("u16le.txt", (ZH * 3).encode("utf-16-le")), 0, expect_in_output=("义务教育",)),
    Case("UTF-16 BE without BOM", _file("u16be.txt", (ZH * 3).encode("utf-16-be")), 0, expect_in_output=("义务教育",)),
    Case("GB18030-only characters", _file("gb.txt", ("𠀀𠀁是测试，㐀㐁也是。\n\n" + ZH).encode("gb18030")), 0, expect_in_output=("𠀀𠀁是测试，㐀㐁也是。",)),
    Case("one line over --max-bytes (the 1 GB path)", _file("line.txt", "很长的一行".encode() * 2000, "--max-bytes", "5000"), 1, "above the single-document limit"),
    Case("block over --max-block-chars", _file("block.txt", "很长的一行".encode() * 400, "--max-block-chars", "1000"), 1, "try --unit line"),
    Case("more blocks than --max-blocks (the 1 M paragraphs path)", _file("many.txt", _tiny_paragraphs(500), "--max-blocks", "100"), 1, "more than 100 blocks"),
    Case("2,000 tiny paragraphs", _file("tiny.txt", _tiny_paragraphs(2000)), 0, expect_in_output=("第999段。",)),
    Case("two 50,000-character near-duplicate paragraphs", _file("long.txt", ("长段落" * 16000 + "甲。\n\n" + "长段落" * 16000 + "乙。\n").encode()), 0),
    Case("lone surrogate bytes and control characters", _file("ctl.txt", "abc".encode() + b"\xed\xa0\x80" + "def\x01\x07\x1b[31m红\x1b[0m\x7f\u200b\n\n".encode() + ZH.encode()), 0, expect_in_output=("abc\ufffd\ufffd\ufffddef", "红\u200b")),
    Case("right-to-left text and emoji with joiners", _file("rtl.txt", ("مرحبا بالعالم \u200f שָׁלוֹם 👨\u200d👩\u200d👧\u200d👦 🏳️\u200d🌈\n\n" * 3).encode()), 0, expect_in_output=("👨\u200d👩\u200d👧\u200d👦", "שָׁלוֹם")),
    Case("Markdown and HTML markup", _file("md.txt", ("# 标题\n\n<div class='x'>段落一。</div>\n\n* 列表项\n* 列表项\n\n```\ncode\n```\n\n" * 3).encode()), 0, expect_in_output=("# 标题", "<div class='x'>段落一。</div>")),
    Case("missing input", lambda tmp: [str(tmp / "missing.txt")], 1, "no such file"),
    Case("directory as input", lambda tmp: [str(tmp)], 1, "is a directory"),
    Case("unreadable input (/proc/self/mem)", _unreadable, 1, "cannot read"),
    Case("output in a missing directory", lambda tmp: [str(SEED), "-o", str(tmp / "nodir" / "out.txt")], 1, "does not exist", outputs=False),
    Case("output under a regular file", lambda tmp: [str(SEED), "--report", str(tmp / "r.json"), "-o", str(SEED) + "/out.txt"], 1, "is not a directory", outputs=False),
    Case("output in read-only /proc", lambda tmp: [str(SEED), "--report", str(tmp / "r.json"), "-o", "/proc/out.txt"], 1, "cannot create a file", outputs=False),
    Case("--threshold 2", lambda tmp: [str(SEED), "--threshold", "2"], 2, "must be in (0, 1]"),
    Case("--threshold abc", lambda tmp: [str(SEED), "--threshold", "abc"], 2, "not a number"),
    Case("--unit word", lambda tmp: [str(SEED), "--unit", "word"], 2, "invalid choice"),
    Case("--repair maybe", lambda tmp: [str(SEED), "--repair", "maybe"], 2, "invalid choice"),
    Case("--encoding nosuch", lambda tmp: [str(SEED), "--encoding", "nosuch"], 2, "unknown encoding"),
    Case("--max-bytes -1", lambda tmp: [str(SEED), "--max-bytes", "-1"], 2, "must be positive"),
    Case("--max-blocks 1e3", lambda tmp: [str(SEED), "--max-blocks", "1e3"], 2, "not a whole number"),
    Case("unknown option", lambda tmp: [str(SEED), "--frobnicate"], 2, "unrecognized arguments"),
    Case("wrong encoding forced", _file("gbk.txt", ZH.encode("gb18030"), "--encoding", "utf-8"), 1, "cannot decode input as utf-8"),
    Case("two inputs, -o not a directory", lambda tmp: [str(SEED), str(SEED)], 2, "must be an existing directory"),
]


def run_case(case: Case, tmp: Path) -> tuple[int, list[str], Path, Path, list[str]]:
    """Build and run one case in process.

    Returns (exit code, names in ``tmp`` before the run, output, report, argv).
    """
    (tmp / "out").mkdir()
    argv = case.build(tmp)
    before = sorted(p.name for p in tmp.iterdir())
    out, rep = tmp / "out" / "clean.txt", tmp / "out" / "report.json"
    if case.outputs:
        argv = [*argv, "-o", str(out), "--report", str(rep)]
    return main([*argv, "-q"]), before, out, rep, argv


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_case(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, before, out, rep, argv = run_case(case, tmp_path)
    captured = capsys.readouterr()
    assert code == case.code, captured.err
    assert "Traceback" not in captured.err
    if code:
        assert captured.err.startswith("dedup-text: error: ") and captured.err.count("\n") == 1, captured.err
        assert case.message in captured.err, captured.err
        # no partial output and no temporary file, wherever we could have written
        assert sorted(p.name for p in tmp_path.iterdir()) == before
        assert list((tmp_path / "out").iterdir()) == []
        assert not any(p.name.endswith(".tmp") for p in SEED.parent.iterdir())
        return
    assert captured.err == ""
    text = read_path(argv[0], ReadConfig(max_bytes=1 << 30)).text
    output = out.read_text(encoding="utf-8")
    report = json.loads(rep.read_text(encoding="utf-8"))
    assert check(text, output, report) == []
    for needle in case.expect_in_output:
        assert needle in output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["clean.txt", "report.json"]


def test_control_characters_are_removed_only_by_named_edits() -> None:
    """ANSI escapes and C0 controls may go (ftfy), but each removal is an edit with a rule and a reason."""
    from dedup.io.read import decode

    data = "abc\x01\x07\x1b[31m红\x1b[0m\x7f\u200b\n\n".encode() + ZH.encode() * 3
    text = decode(data).text
    result = clean(data)
    assert check(text, result.text, result.report) == []
    gone = [c for c in "\x01\x07\x1b\x7f" if c in text and c not in result.text]
    assert gone, "nothing was removed: update this test"
    for c in gone:
        k = text.index(c)
        assert any(e.span.start <= k < e.span.end and e.rule and e.reason for e in result.report.edits), repr(c)
    assert "红\u200b" in result.text  # the visible text and the zero-width space stay


def test_lone_surrogates_in_library_text_are_accounted_for() -> None:
    """``clean(str)`` may get text no decoder produces: the surrogates are replaced by a named edit, and it replays."""
    text = "甲乙丙\ud800丁戊。\n\n甲乙丙\ud800丁戊。\n\n\udfff孤立代理。\n"
    result = clean(text)
    assert check(text, result.text, result.report) == []
    assert "\ud800" not in result.text and "\udfff" not in result.text
    k = text.index("\udfff")
    assert any(e.span.start <= k < e.span.end and e.rule.startswith("unicode.") for e in result.report.edits)
    result.text.encode("utf-8")  # the output is valid UTF-8


def _interruptible() -> None:
    """Give the child the default SIGINT action: a test run started as a background job
    ignores SIGINT, children inherit that, and Ctrl-C would then never arrive."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _interrupt(proc: subprocess.Popen, timeout: float = 60) -> float:  # type: ignore[type-arg]
    """One Ctrl-C, as a person presses it once; the seconds until the run ended (the timeout only avoids a hang)."""
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=timeout)
    return time.monotonic() - t0


def _cli(*args: str, **kw):  # type: ignore[no-untyped-def]
    return subprocess.Popen([sys.executable, "-m", "dedup.cli", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_interruptible, **kw)


def _big_input(tmp: Path) -> Path:
    from dedup.testing import synthetic_paragraphs

    big = tmp / "big.txt"
    big.write_text("\n\n".join(synthetic_paragraphs(5, 800)), encoding="utf-8")  # ~450 KB of output
    return big


def test_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    """``dedup-text big.txt | true``: the reader is gone before we write: exit 141 (SIGPIPE convention), stderr empty."""
    proc = _cli(str(_big_input(tmp_path)), "-q")
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 141, err
    assert err == ""


def test_pipe_closed_mid_output_exits_quietly(tmp_path: Path) -> None:
    """``dedup-text big.txt | head -c 100``: exit 141, no traceback.

    It exited 0 under ``PYTHONUNBUFFERED=1``: the raw file's short write into the
    closed pipe was dropped without an error (tests/cli/test_cli_pipe.py runs both ways)."""
    proc = _cli(str(_big_input(tmp_path)), "-q")
    assert proc.stdout is not None and proc.stderr is not None
    assert len(proc.stdout.read(100)) == 100
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 141, err
    assert err == ""


def test_ctrl_c_while_reading_stdin(tmp_path: Path) -> None:
    """SIGINT mid-run: exit 130, one line, and the output and report do not exist."""
    out, rep = tmp_path / "o.txt", tmp_path / "r.json"
    proc = _cli("-", "-o", str(out), "--report", str(rep), stdin=subprocess.PIPE)
    assert proc.stdin is not None and proc.stderr is not None
    proc.stdin.write(ZH.encode() * 100)
    proc.stdin.flush()  # half the input is in, the rest never comes
    time.sleep(3)  # interpreter and imports are up; the reader waits on stdin
    proc.send_signal(signal.SIGINT)
    code = proc.wait(timeout=60)
    err = proc.stderr.read().decode()
    assert code == 130, err
    assert err == "dedup-text: interrupted; no output was written\n"
    proc.stdin.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_ctrl_c_while_cleaning(tmp_path: Path) -> None:
    """SIGINT while a long document is being cleaned: exit 130, one line, no output or report."""
    doc = tmp_path / "doc.txt"
    doc.write_bytes(_tiny_paragraphs(60000))  # ~40 s of work; interrupted after 5
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    proc = _cli(str(doc), "-o", str(out_dir / "o.txt"), "--report", str(out_dir / "r.json"))
    time.sleep(5)
    assert proc.poll() is None, "the run finished before it could be interrupted: make the input bigger"
    _interrupt(proc)
    _, err_b = proc.communicate(timeout=60)
    assert proc.returncode == 130, err_b
    assert err_b.decode() == "dedup-text: interrupted; no output was written\n"
    assert list(out_dir.iterdir()) == []


def _children(pid: int) -> dict[int, str]:
    """Running child processes of ``pid`` (pid -> command line), from /proc; zombies are not running."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat_line = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        state, ppid = stat_line.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z":
            found[int(entry.name)] = cmdline
    return found


def _running(pids: Iterable[int]) -> list[int]:
    alive = []
    for p in pids:
        try:
            state = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.append(p)
    return alive


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _wait_until_busy(pids: list[int], deadline: float) -> None:
    """Until every one of ``pids`` is computing (its CPU time grows over half a second)."""
    while True:
        before = [_cpu_ticks(p) for p in pids]
        time.sleep(0.5)
        if all(_cpu_ticks(p) > b for p, b in zip(pids, before)):
            return
        assert time.monotonic() < deadline, "the workers never got to work"


#: how a run is stopped: the Ctrl-C key on its terminal (SIGINT to the foreground process group, as a
#: terminal does), once or three times 0.1 s apart, SIGINT to the parent alone, SIGTERM to the group (a service manager), SIGTERM to the parent
STOPS: dict[str, int | tuple[int, bool] | None] = {
    "ctrl-c key": None,
    "ctrl-c key three times": 3,  # a person who wants it to stop *now*
    "SIGINT to the parent": (signal.SIGINT, False),
    "SIGTERM to the group": (signal.SIGTERM, True),
    "SIGTERM to the parent": (signal.SIGTERM, False),
}


@pytest.mark.parametrize("stop", list(STOPS))
def test_one_ctrl_c_stops_a_corpus_run_with_two_workers(tmp_path: Path, stop: str) -> None:
    """``dedup-text corpus --workers 2`` on a terminal, stopped once while both workers run a finish batch (seconds each).

    Exit 130 soon (the timeout only avoids a hang; the time is printed), one line and no traceback on the
    terminal, the workers gone, no output, no temporary file or spill folder (TMPDIR is a folder of the test).
    Before the fix one press waited for the batches in flight (15-18 s), then could hang forever in the pool's
    exit handler; the old test pressed twice.
    """
    import os
    import pty

    from dedup.testing import make_corpus

    corpus = make_corpus(3, 3000)
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in corpus.records), encoding="utf-8")
    out_dir, tmp_dir = tmp_path / "out", tmp_path / "tmp"
    out_dir.mkdir()
    tmp_dir.mkdir()
    argv = [sys.executable, "-m", "dedup.cli", "corpus", str(src), "-o", str(out_dir / "o.jsonl"), "--report", str(out_dir / "r.jsonl"), "--workers", "2", "--batch-size", "1500"]
    pid, master = pty.fork()  # the child leads a new session whose terminal is the pty, in the foreground
    if pid == 0:
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.execve(sys.executable, argv, {**os.environ, "TMPDIR": str(tmp_dir)})
        finally:
            os._exit(127)
    screen = b""
    try:
        deadline = time.monotonic() + 600
        while b"finish" not in screen:  # the progress bar of the last stage is on the terminal
            assert time.monotonic() < deadline, screen[-1000:]
            ready, _, _ = select.select([master], [], [], 5)
            if ready:
                chunk = os.read(master, 65536)
                assert chunk, screen[-1000:]
                screen += chunk
        workers = _children(pid)
        assert sum("spawn_main" in c for c in workers.values()) == 2, workers
        _wait_until_busy([p for p, c in workers.items() if "spawn_main" in c], deadline)  # the finish batches run
        t0 = time.monotonic()
        how = STOPS[stop]
        if how is None or isinstance(how, int):
            for press in range(how or 1):
                time.sleep(0.1 * bool(press))
                os.write(master, b"\x03")  # the terminal turns it into SIGINT for the whole foreground group
        elif how[1]:  # type: ignore[index]
            os.killpg(pid, how[0])
        else:
            os.kill(pid, how[0])
        after, status, seconds = b"", None, 0.0
        while True:  # read the terminal until the run has ended and every process left it (EIO)
            if status is None:
                ended, status = os.waitpid(pid, os.WNOHANG)
                if ended:
                    seconds = time.monotonic() - t0
                else:
                    status = None
                    assert time.monotonic() - t0 < 15, f"still running 15 s after one {stop}: {after[-500:]!r}"
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                assert time.monotonic() - t0 < 30, f"the terminal still open 30 s after one {stop}"
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the terminal is closed
                chunk = b""
            if not chunk and status is not None:
                break
            after += chunk
    finally:
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(master)
    print(f"{stop}: ended {seconds:.2f} s after the signal")
    text = after.decode("utf-8", "replace").replace("^C", "")  # the terminal's echo of each key
    assert os.waitstatus_to_exitcode(status) == 130, text
    assert "Traceback" not in text and text.count("dedup-text:") == 1, text
    assert text.rstrip().endswith("dedup-text: interrupted; no output was written"), text  # the last thing on the terminal
    deadline = time.monotonic() + 15
    while _running(workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _running(workers) == [], {p: workers[p] for p in _running(workers)}
    assert list(out_dir.iterdir()) == [] and list(tmp_dir.iterdir()) == []


def test_report_write_failure_leaves_no_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The report is staged too: a bad report path leaves no cleaned text behind."""
    out = tmp_path / "o.txt"
    assert main([str(SEED), "-o", str(out), "--report", str(tmp_path / "nodir" / "r.json"), "-q"]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_limits_are_inclusive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A document exactly at each limit is accepted; one past it is refused."""
    doc = tmp_path / "d.txt"
    doc.write_bytes(_tiny_paragraphs(100))
    size = doc.stat().st_size
    assert main([str(doc), "-o", str(tmp_path / "o"), "--max-blocks", "100", "--max-bytes", str(size), "-q"]) == 0
    assert main([str(doc), "-o", str(tmp_path / "o2"), "--max-blocks", "99", "-q"]) == 1
    assert main([str(doc), "-o", str(tmp_path / "o3"), "--max-bytes", str(size - 1), "-q"]) == 1
    longest = max(len(line) for line in doc.read_text(encoding="utf-8").split("\n"))
    assert main([str(doc), "-o", str(tmp_path / "o4"), "--max-block-chars", str(longest), "-q"]) == 0
    assert main([str(doc), "-o", str(tmp_path / "o5"), "--max-block-chars", str(longest - 1), "-q"]) == 1
    capsys.readouterr()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.txt", "o", "o4"]


def test_startup_imports_are_light_so_an_early_ctrl_c_gives_one_line() -> None:
    """``dedup-text`` reaches its error handling before the heavy imports.

    A Ctrl-C during ``import dedup`` used to end in an import-system traceback;
    now the package and the command module import nothing heavy, and the rest
    is imported inside ``main``, where KeyboardInterrupt becomes one line.
    """
    code = "import sys, dedup, dedup.cli; print(sorted(m for m in ('numpy', 'ftfy', 'rapidfuzz', 'jieba', 'dedup.pipeline') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    import dedup

    assert dedup.clean is dedup.pipeline.clean and "clean" in dir(dedup)  # the public names still resolve
