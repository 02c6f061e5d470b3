"""A damaged, half-committed or full-disk ``--index``: one error line, nothing half-written, nothing lost.

Every kind of damage below was made by hand to a real index (one run of
``dedup-text corpus``), then a second run was pointed at it.  Each must end
with exit 1 and one ``dedup-text: error:`` line naming the damaged file, no
traceback, the outputs left as they were and the index left byte for byte.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup.cli import main
from dedup.corpus import CorpusConfig, dedup_records
from dedup.testing import make_corpus

SEG = "seg-000001-0000"
ARGS = ["--workers", "1", "--no-clean", "-q"]


def _jsonl(path: Path, records) -> Path:  # type: ignore[no-untyped-def]
    path.write_bytes(b"".join(orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE) for r in records))
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """A folder with ``first.jsonl`` indexed in ``idx`` and ``second.jsonl`` (which duplicates it) to add."""
    root = tmp_path_factory.mktemp("built")
    recs = list(make_corpus(3, 60).records)
    _jsonl(root / "first.jsonl", recs[:30])
    _jsonl(root / "second.jsonl", recs[30:])
    assert main(["corpus", str(root / "first.jsonl"), "-o", str(root / "o1.jsonl"), "--index", str(root / "idx"), *ARGS]) == 0
    return root


def _snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry under ``folder`` with its bytes (folders: their mode); the checkpoint is not the index."""
    out: dict[str, bytes | str] = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if rel == "checkpoint" or rel.startswith("checkpoint/"):
            continue
        out[rel] = "dir" if p.is_dir() and not p.is_symlink() else p.read_bytes() if p.is_file() else "other"
    return out


def _meta(idx: Path, **change: object) -> None:
    meta = json.loads((idx / "meta.json").read_text())
    for k, v in change.items():
        if v is _DELETE:
            del meta[k]
        else:
            meta[k] = v
    (idx / "meta.json").write_text(json.dumps(meta))


_DELETE = object()


def _npy(idx: Path, name: str, fn: Callable[[np.ndarray], np.ndarray]) -> None:
    path = idx / SEG / f"{name}.npy"
    np.save(path, fn(np.load(path)), allow_pickle=False)


def _npz(idx: Path, stem: str, fn: Callable[[dict[str, np.ndarray]], dict[str, np.ndarray]]) -> None:
    path = idx / f"{stem}-000001.npz"
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files}
    with open(path, "wb") as f:
        np.savez(f, **fn(arrays))


def _replace_by_folder(path: Path) -> None:
    shutil.rmtree(path) if path.is_dir() else path.unlink()
    path.mkdir()
    (path / "x").write_text("x")


def _swap_first_offsets(a: np.ndarray) -> np.ndarray:
    a = a.copy()
    a[1], a[2] = a[2], a[1]
    return a


def _bump_last(by: int) -> Callable[[np.ndarray], np.ndarray]:
    def fn(a: np.ndarray) -> np.ndarray:
        a = a.copy()
        a[-1] += by
        return a

    return fn


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


#: kind of damage -> (what it does to the index, a word the error line must contain)
DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "meta.json without generation": (lambda i: _meta(i, generation=_DELETE), "meta.json"),
    "meta.json generation not a number": (lambda i: _meta(i, generation="one"), "meta.json"),
    "meta.json without segments": (lambda i: _meta(i, segments=_DELETE), "meta.json"),
    "meta.json segments a string": (lambda i: _meta(i, segments=SEG), "meta.json"),
    "meta.json segment outside the index": (lambda i: _meta(i, segments=["../first.jsonl"]), "meta.json"),
    "meta.json names a missing segment": (lambda i: _meta(i, segments=[SEG, "seg-000009-0000"]), "seg-000009-0000"),
    "meta.json names a missing state file": (lambda i: _meta(i, state="state-000009.npz"), "state-000009.npz"),
    "meta.json document count wrong": (lambda i: _meta(i, documents=31), "meta.json"),
    "meta.json not JSON": (lambda i: (i / "meta.json").write_text('{"format": '), "meta.json"),
    "meta.json empty": (lambda i: (i / "meta.json").write_bytes(b""), "meta.json"),
    "meta.json a list": (lambda i: (i / "meta.json").write_text("[]"), "meta.json"),
    "meta.json a folder": (lambda i: _replace_by_folder(i / "meta.json"), "meta.json"),
    "meta.json lost, state kept": (lambda i: (i / "meta.json").unlink(), "meta.json"),
    "keys.bin missing": (lambda i: (i / SEG / "keys.bin").unlink(), "keys.bin"),
    "keys.bin empty": (lambda i: (i / SEG / "keys.bin").write_bytes(b""), "keys.bin"),
    "keys.bin truncated": (lambda i: _truncate(i / SEG / "keys.bin"), "keys.bin"),
    "keys.bin a folder": (lambda i: _replace_by_folder(i / SEG / "keys.bin"), "keys.bin"),
    "keys.bin not UTF-8": (lambda i: (i / SEG / "keys.bin").write_bytes(b"\xff" * (i / SEG / "keys.bin").stat().st_size), "keys.bin"),
    "key offsets past the end of keys.bin": (lambda i: _npy(i, "key_off", _bump_last(1000)), "key_off.npy"),
    "key offsets going backwards": (lambda i: _npy(i, "key_off", _swap_first_offsets), "key_off.npy"),
    "bands of the wrong width": (lambda i: _npy(i, "bands", lambda a: a[:, :21].copy()), "bands.npy"),
    "bands one row short": (lambda i: _npy(i, "bands", lambda a: a[:-1]), "bands.npy"),
    "bands flat": (lambda i: _npy(i, "bands", lambda a: a.ravel()), "bands.npy"),
    "keyhash of floats": (lambda i: _npy(i, "keyhash", lambda a: a.astype(np.float64)), "keyhash.npy"),
    "keylen not an array file": (lambda i: (i / SEG / "keylen.npy").write_bytes(b"not numpy"), "keylen.npy"),
    "shingles missing": (lambda i: (i / SEG / "shingles.npy").unlink(), "shingles.npy"),
    "units of pickled objects": (lambda i: np.save(i / SEG / "units.npy", np.array([object()] * 3), allow_pickle=True), "units.npy"),
    "unit offsets past the units": (lambda i: _npy(i, "unit_off", _bump_last(5)), "unit_off.npy"),
    "unit lengths one short": (lambda i: _npy(i, "unit_len", lambda a: a[:-1]), "unit_len.npy"),
    "ids.json not JSON": (lambda i: (i / SEG / "ids.json").write_text("[\"a\", "), "ids.json"),
    "ids.json one id short": (lambda i: (i / SEG / "ids.json").write_bytes(orjson.dumps(orjson.loads((i / SEG / "ids.json").read_bytes())[:-1])), "ids.json"),
    "ids.json of numbers": (lambda i: (i / SEG / "ids.json").write_bytes(orjson.dumps(list(range(30)))), "ids.json"),
    "ids.json with a repeated id": (lambda i: (i / SEG / "ids.json").write_bytes(orjson.dumps(["x"] * 30)), "ids.json"),
    "segment a file": (lambda i: (shutil.rmtree(i / SEG), (i / SEG).write_text("x")), SEG),
    "state of the wrong length": (lambda i: _npz(i, "state", lambda z: {k: v[:10] for k, v in z.items()}), "state-000001.npz"),
    "state without keeper": (lambda i: _npz(i, "state", lambda z: {k: v for k, v in z.items() if k != "keeper"}), "state-000001.npz"),
    "state keeper out of range": (lambda i: _npz(i, "state", lambda z: {**z, "keeper": z["keeper"] + 999}), "state-000001.npz"),
    "state representative out of range": (lambda i: _npz(i, "state", lambda z: {**z, "rep": z["rep"] - 999}), "state-000001.npz"),
    "state not an archive": (lambda i: (i / "state-000001.npz").write_bytes(b"PK\x03\x04 nope"), "state-000001.npz"),
    "verified pairs unsorted": (lambda i: _npz(i, "verified", lambda z: {k: v[::-1].copy() for k, v in z.items()}), "verified-000001.npz"),
    "verified columns of different lengths": (lambda i: _npz(i, "verified", lambda z: {**z, "accepted": z["accepted"][:-1]}), "verified-000001.npz"),
    "verified reason unknown": (lambda i: _npz(i, "verified", lambda z: {**z, "reason": z["reason"] + 50}), "verified-000001.npz"),
    "state reason unknown": (lambda i: _npz(i, "state", lambda z: {**z, "reason": z["reason"] - 50}), "state-000001.npz"),
    ".lock a folder": (lambda i: _replace_by_folder(i / ".lock"), ".lock"),
}


def _quiet(err: str) -> str:
    """Standard error less the warning that an earlier duplicate is kept again (this corpus has one:
    solving frees a duplicate whose representative the second half removes; see docs/corpus.md)."""
    return "".join(line for line in err.splitlines(keepends=True) if "earlier duplicates are kept again" not in line)


def _run_second(root: Path, idx: Path, capsys) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    capsys.readouterr()
    rc = main(["corpus", str(root / "second.jsonl"), "-o", str(root / "o2.jsonl"), "--report", str(root / "r2.jsonl"), "--index", str(idx), *ARGS])
    return rc, capsys.readouterr().err


def test_the_undamaged_index_takes_the_second_half(built, tmp_path, capsys):
    """The harness itself: an intact copy of the index works, so each refusal below is the damage's doing."""
    shutil.copytree(built / "idx", tmp_path / "idx")
    for name in ("second.jsonl",):
        shutil.copy(built / name, tmp_path / name)
    rc, err = _run_second(tmp_path, tmp_path / "idx", capsys)
    assert (rc, _quiet(err)) == (0, "")
    report = [orjson.loads(x) for x in (tmp_path / "r2.jsonl").read_bytes().splitlines()]
    # the incremental run decides the second half as one run over both halves would
    whole = [d for d in dedup_records(make_corpus(3, 60).records, CorpusConfig(clean=False))][30:]
    fresh = {r["id"]: r["duplicate_of"] for r in report if not r.get("revised")}
    assert fresh == {d.id: d.duplicate_of for d in whole}
    assert sum(v is not None for v in fresh.values()) >= 5


def test_a_state_without_representatives_is_an_older_index_read_as_before(built, tmp_path, capsys):
    """An index written before clusters were solved saved no ``rep`` column: read, with the second half decided the same."""
    for name in ("idx", "idx-old"):
        shutil.copytree(built / "idx", tmp_path / name)
    _npz(tmp_path / "idx-old", "state", lambda z: {k: v for k, v in z.items() if k != "rep"})
    shutil.copy(built / "second.jsonl", tmp_path / "second.jsonl")
    fresh = []
    for name in ("idx", "idx-old"):
        rc, err = _run_second(tmp_path, tmp_path / name, capsys)
        assert (rc, _quiet(err)) == (0, ""), err
        report = [orjson.loads(x) for x in (tmp_path / "r2.jsonl").read_bytes().splitlines()]
        fresh.append([r for r in report if not r.get("revised")])
    assert fresh[0] == fresh[1] and len(fresh[0]) == 30


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_a_damaged_index_is_one_line_and_touches_nothing(kind, built, tmp_path, capsys):
    damage, named = DAMAGE[kind]
    idx = tmp_path / "idx"
    shutil.copytree(built / "idx", idx)
    shutil.copy(built / "second.jsonl", tmp_path / "second.jsonl")
    damage(idx)
    (tmp_path / "o2.jsonl").write_text("earlier output\n")
    (tmp_path / "r2.jsonl").write_text("earlier report\n")
    before, outside = _snapshot(idx), sorted(p.name for p in tmp_path.iterdir())
    rc, err = _run_second(tmp_path, idx, capsys)
    lines = err.splitlines()
    assert rc == 1, err
    assert len(lines) == 1 and lines[0].startswith("dedup-text: error: --index "), err
    assert named in lines[0] and "None" not in lines[0], err
    assert (tmp_path / "o2.jsonl").read_text() == "earlier output\n"
    assert (tmp_path / "r2.jsonl").read_text() == "earlier report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == outside  # no temporary file left beside them
    assert _snapshot(idx) == before


def test_there_are_at_least_25_kinds_of_damage():
    assert len(DAMAGE) >= 25


# ---------------------------------------------------------------------------- interrupted commits

_KILL_AT_STATE = """
import os, signal, sys
import dedup.index as ix
real = ix._save_npz
def killed(path, arrays):
    if path.name.startswith("state-"):
        os.kill(os.getpid(), signal.SIGKILL)  # the worst moment: the segment is in place, meta.json not yet
    return real(path, arrays)
ix._save_npz = killed
from dedup.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _reports(path: Path) -> dict[str, object]:
    return {r["id"]: r["duplicate_of"] for r in map(orjson.loads, path.read_bytes().splitlines()) if not r.get("revised")}


def _cli(*argv: str, prelude: str | None = None) -> subprocess.CompletedProcess[str]:
    code = prelude or "import sys\nfrom dedup.cli import main\nsys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=300)


def test_a_first_commit_killed_leaves_leftovers_not_a_refused_index(built, tmp_path):
    """SIGKILL while the first commit writes its files: the rerun treats them as leftovers and succeeds."""
    idx = tmp_path / "idx"
    src, out, rep = str(built / "first.jsonl"), str(tmp_path / "o.jsonl"), str(tmp_path / "r.jsonl")
    killed = _cli("corpus", src, "-o", out, "--report", rep, "--index", str(idx), *ARGS, prelude=_KILL_AT_STATE)
    assert killed.returncode == -signal.SIGKILL
    assert any(p.name.startswith("seg-") for p in idx.iterdir())  # the half-made commit is there
    again = _cli("corpus", src, "-o", out, "--report", rep, "--index", str(idx), *ARGS)
    assert (again.returncode, _quiet(again.stderr)) == (0, "")
    fresh = _cli("corpus", src, "-o", str(tmp_path / "of.jsonl"), "--report", str(tmp_path / "rf.jsonl"), *ARGS)
    assert fresh.returncode == 0 and _reports(tmp_path / "r.jsonl") == _reports(tmp_path / "rf.jsonl")
    assert sorted(p.name for p in idx.iterdir() if p.name.startswith(("seg-", "state-", "verified-", ".pending", ".meta"))) == [
        "seg-000001-0000",
        "state-000001.npz",
        "verified-000001.npz",
    ]


def test_an_index_left_by_an_older_killed_first_commit_is_taken_as_leftovers(built, tmp_path, capsys):
    """What dedup-text <= 0.x left when killed during its first commit: a segment, no meta.json, no state."""
    idx = tmp_path / "idx"
    shutil.copytree(built / "idx", idx)
    for p in idx.iterdir():
        if p.name.startswith(("state-", "meta.json")):
            p.unlink()
    shutil.copy(built / "first.jsonl", tmp_path / "second.jsonl")  # the same input again: its ids are not in the index
    rc, err = _run_second(tmp_path, idx, capsys)
    assert (rc, _quiet(err)) == (0, "")
    assert json.loads((idx / "meta.json").read_text())["documents"] == 30


def test_a_failed_final_rename_withdraws_the_outputs(built, tmp_path, monkeypatch, capsys):
    """The last step (meta.json renamed into place) fails after the outputs were: they are removed, the message is real."""
    import dedup.index as ix

    idx = tmp_path / "idx"
    shutil.copytree(built / "idx", idx)
    shutil.copy(built / "second.jsonl", tmp_path / "second.jsonl")
    before = _snapshot(idx)
    real = os.replace

    def failing(src, dst, *a, **k):  # type: ignore[no-untyped-def]
        if str(dst).endswith("meta.json") and ".meta-" in str(src):
            raise OSError(5, "Input/output error")
        return real(src, dst, *a, **k)

    monkeypatch.setattr(ix.os, "replace", failing)
    rc, err = _run_second(tmp_path, idx, capsys)
    assert rc == 1 and len(err.splitlines()) == 1, err
    assert "cannot put the new meta.json in place (Input/output error)" in err and "removed -o" in err and "--report" in err
    assert not (tmp_path / "o2.jsonl").exists() and not (tmp_path / "r2.jsonl").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert _snapshot(idx) == before
    monkeypatch.setattr(ix.os, "replace", real)
    assert (lambda r: (r[0], _quiet(r[1])))(_run_second(tmp_path, idx, capsys)) == (0, "")  # and the same command then works


def test_an_index_write_error_leaves_the_outputs_as_they_were(built, tmp_path, monkeypatch, capsys):
    """The index's files are written before any output is renamed: a failure there leaves the earlier outputs."""
    idx = tmp_path / "idx"
    shutil.copytree(built / "idx", idx)
    shutil.copy(built / "second.jsonl", tmp_path / "second.jsonl")
    (tmp_path / "o2.jsonl").write_text("earlier output\n")
    (tmp_path / "r2.jsonl").write_text("earlier report\n")
    before = _snapshot(idx)

    def full(*a, **k):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez", full)
    rc, err = _run_second(tmp_path, idx, capsys)
    assert rc == 1 and len(err.splitlines()) == 1, err
    assert "cannot write verified-000002.npz (No space left on device); the index is as it was" in err
    assert (tmp_path / "o2.jsonl").read_text() == "earlier output\n"
    assert (tmp_path / "r2.jsonl").read_text() == "earlier report\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert _snapshot(idx) == before


# ---------------------------------------------------------------------------- a real full disk


@contextlib.contextmanager
def _tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A small tmpfs mounted at ``where`` (we run as root), unmounted however the test ends."""
    where.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _fill(disk: Path, leave: int) -> Path:
    """Fill ``disk`` until ``leave`` bytes are free."""
    filler = disk / "filler"
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    with open(filler, "wb") as f:
        f.write(b"\0" * max(0, free - leave))
    return filler


@pytest.mark.parametrize("checkpoint", [[], ["--no-checkpoint"]], ids=["default checkpoint", "no checkpoint"])
@pytest.mark.parametrize("leave", [0, 24 << 10, 56 << 10], ids=["full", "24 KiB free", "56 KiB free"])
def test_a_full_index_disk_is_one_line_and_a_later_run_works(built, tmp_path, leave, checkpoint):
    """The index on a full tmpfs: the first and a later commit fail cleanly; with space again the same command works."""
    out, rep = tmp_path / "o.jsonl", tmp_path / "r.jsonl"
    with _tmpfs(tmp_path / "disk", "2m") as disk:
        idx = disk / "idx"
        for n, src in enumerate((built / "first.jsonl", built / "second.jsonl")):
            filler = _fill(disk, leave)
            before = _snapshot(idx) if idx.exists() else {}
            out.write_text("earlier output\n")
            rep.write_text("earlier report\n")
            argv = ["corpus", str(src), "-o", str(out), "--report", str(rep), "--index", str(idx), *ARGS, *checkpoint]
            failed = _cli(*argv)
            assert failed.returncode == 1 and len(failed.stderr.splitlines()) == 1, failed.stderr
            assert failed.stderr.startswith("dedup-text: error: ") and "No space left on device" in failed.stderr, failed.stderr
            assert out.read_text() == "earlier output\n" and rep.read_text() == "earlier report\n"
            assert sorted(p.name for p in tmp_path.iterdir()) == ["disk", "o.jsonl", "r.jsonl"]
            if n:
                assert _snapshot(idx) == before  # the committed index is as it was
            filler.unlink()
            again = _cli(*argv)
            assert (again.returncode, _quiet(again.stderr)) == (0, "")
    whole = [d for d in dedup_records(make_corpus(3, 60).records, CorpusConfig(clean=False))][30:]
    assert _reports(rep) == {d.id: d.duplicate_of for d in whole}


# ---------------------------------------------------------------------------- any truncation


def _index_files(idx: Path) -> list[str]:
    return sorted(p.relative_to(idx).as_posix() for p in idx.rglob("*") if p.is_file() and p.name != ".lock")


@given(pick=st.integers(0, 10_000), keep=st.floats(0, 1, exclude_max=True))
def test_no_truncation_of_any_index_file_is_taken_for_an_index(built, pick, keep):
    """Cut any file of the index anywhere: one error line naming it, or (a cut that loses nothing) the same result."""
    import io as _io
    import tempfile

    files = _index_files(built / "idx")
    name = files[pick % len(files)]
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        shutil.copytree(built / "idx", root / "idx")
        shutil.copy(built / "second.jsonl", root / "second.jsonl")
        path = root / "idx" / name
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * keep)])
        err = _io.StringIO()
        with contextlib.redirect_stderr(err):
            rc = main(["corpus", str(root / "second.jsonl"), "-o", str(root / "o.jsonl"), "--report", str(root / "r.jsonl"), "--index", str(root / "idx"), *ARGS])
        if rc == 0:
            assert data[: int(len(data) * keep)].strip() == data.strip(), name  # only white space was cut
        else:
            lines = err.getvalue().splitlines()
            assert rc == 1 and len(lines) == 1 and Path(name).name in lines[0], (name, err.getvalue())
            assert not (root / "o.jsonl").exists()
