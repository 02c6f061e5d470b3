"""How long one Ctrl-C takes to end ``dedup-text corpus --workers 2`` (issue 11, item 3).

Each try runs the command on a pseudo-terminal, waits until both workers are
computing a finish batch, types Ctrl-C on the terminal (SIGINT to the
foreground process group, as a person would) and measures the seconds until
the command has exited.  Prints every time, the median and the maximum.

    python benchmarks/ctrl_c_latency.py [TRIES]

Run it on a quiet machine: the numbers include process exit under load.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid and b"spawn_main" in (entry / "cmdline").read_bytes():
                    out.append(int(entry.name))
            except OSError:
                pass
    return out


def _ticks(pid: int) -> int:
    f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(f[11]) + int(f[12])


def one_press(src: Path, out: Path) -> float:
    """Seconds from one Ctrl-C (while both workers compute) to the exit of the run."""
    argv = [sys.executable, "-m", "dedup.cli", "corpus", str(src), "-o", str(out / "o.jsonl"), "--report", str(out / "r.jsonl"), "--workers", "2", "--batch-size", "1500"]
    pid, master = pty.fork()
    if pid == 0:
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.execv(sys.executable, argv)
        finally:
            os._exit(127)
    screen = b""
    try:
        while b"finish" not in screen:
            if select.select([master], [], [], 5)[0]:
                screen += os.read(master, 65536)
        workers = _children(pid)
        while True:
            before = [_ticks(p) for p in workers]
            time.sleep(0.5)
            if all(_ticks(p) > b for p, b in zip(workers, before)):
                break
        t0 = time.monotonic()
        os.write(master, b"\x03")
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                seconds = time.monotonic() - t0
                break
            if select.select([master], [], [], 0.02)[0]:
                try:
                    os.read(master, 65536)
                except OSError:
                    pass
        assert os.waitstatus_to_exitcode(status) == 130, status
        return seconds
    finally:
        os.close(master)


def main() -> None:
    from dedup.testing import make_corpus

    tries = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    with tempfile.TemporaryDirectory() as d:
        src = Path(d, "in.jsonl")
        src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in make_corpus(3, 3000).records), encoding="utf-8")
        out = Path(d, "out")
        out.mkdir()
        times = []
        for i in range(tries):
            times.append(one_press(src, out))
            print(f"try {i + 1}: {times[-1]:.2f} s", flush=True)
            assert not list(out.iterdir()), "output left behind"
    print(f"median {statistics.median(times):.2f} s, max {max(times):.2f} s over {tries} presses")


if __name__ == "__main__":
    main()
