"""Start-up (issue 15, item 4): the CLI on one small document imports only what it uses and parses no table twice.

* cleaning the sample in a fresh process loads none of the heavy optional
  modules (numba, scipy, pyarrow, dask, tqdm, fsspec...), nor jieba's or
  OpenCC's code (their data files are read directly), nor ``numpy.ma``;
* the tables a start-up used to rebuild (jieba's dictionary, OpenCC's tables,
  the BMP keep mask) come from :mod:`dedup.tablecache`, and the lexicon read
  from it bucket by bucket answers exactly as the whole dictionary does;
* a stale, damaged or unwritable cache costs time, never a different answer.

These are behaviour tests: no timing is asserted (``benchmarks/startup.py``
measures it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup import tablecache
from dedup import lexicon as lexicon_module
from dedup.lexicon import BucketedLexicon, Lexicon

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "seed_zh_press.txt"

#: modules a small document never needs (numpy's path, no compiled kernels, no corpus machinery)
NEVER_FOR_ONE_DOCUMENT = ("numba", "llvmlite", "scipy", "pyarrow", "dask", "distributed", "pandas", "tqdm", "fsspec", "jieba", "opencc", "numpy.ma")

_RUN = """
import json, sys
from dedup.cli import main
code = main([sys.argv[1], "-o", sys.argv[2], "--report", sys.argv[3], "-q"])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _clean_sample_in_a_new_process(tmp: Path, cache: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DEDUP_CACHE_DIR": str(cache)}
    env.pop("DEDUP_KERNEL", None)  # the default kernel choice, as users run it
    proc = subprocess.run([sys.executable, "-c", _RUN, str(SEED), str(tmp / "out.txt"), str(tmp / "report.json")], env=env, capture_output=True, text=True, timeout=300, check=True)
    return json.loads(proc.stdout)


def test_cleaning_the_sample_loads_no_heavy_module(tmp_path: Path) -> None:
    """Cold cache (first run) and warm cache alike: none of :data:`NEVER_FOR_ONE_DOCUMENT` is imported."""
    cache = tmp_path / "cache"
    outputs = []
    for _ in ("cold", "warm"):
        run = _clean_sample_in_a_new_process(tmp_path, cache)
        assert run["code"] == 0
        loaded = set(run["modules"])
        assert [m for m in NEVER_FOR_ONE_DOCUMENT if m in loaded] == []
        outputs.append(((tmp_path / "out.txt").read_bytes(), (tmp_path / "report.json").read_bytes()))
    assert sorted(p.name for p in cache.iterdir()) == ["dedup-keep-bmp.marshal", "dedup-lexicon.marshal", "dedup-opencc.marshal"]
    assert outputs[0] == outputs[1]  # the tables from disk decide as the ones just built


# --- the lexicon from the cache -------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_tables() -> Iterator[None]:
    """Every test starts and ends with no lexicon in memory (they point DEDUP_CACHE_DIR elsewhere)."""
    lexicon_module.lexicon.cache_clear()
    lexicon_module.opencc_tables.cache_clear()
    yield
    lexicon_module.lexicon.cache_clear()
    lexicon_module.opencc_tables.cache_clear()


_DICTIONARY = lexicon_module._read_dictionary(lexicon_module._package_file("jieba", "dict.txt"))
_FULL = Lexicon(*_DICTIONARY)
_WORDS = sorted(set(_DICTIONARY[0]))
_CHARS = sorted({c for w in _WORDS[::50] for c in w})


@pytest.fixture(scope="module")
def bucketed(tmp_path_factory: pytest.TempPathFactory) -> BucketedLexicon:
    os.environ["DEDUP_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    try:
        lexicon_module.lexicon.cache_clear()
        lexicon_module.lexicon()  # builds and stores the cache
        lexicon_module.lexicon.cache_clear()
        lx = lexicon_module.lexicon()  # read back from it
    finally:
        del os.environ["DEDUP_CACHE_DIR"]
    assert isinstance(lx, BucketedLexicon)
    return lx


_queries = st.one_of(
    st.sampled_from(_WORDS),  # words
    st.sampled_from(_WORDS).map(lambda w: w[:-1]),  # prefixes, often not words
    st.text(st.sampled_from(_CHARS), min_size=0, max_size=5),  # n-grams of dictionary characters
    st.text(max_size=4),  # anything
)


@given(st.lists(_queries, min_size=1, max_size=40))
def test_bucketed_lexicon_answers_as_the_whole_dictionary(bucketed: BucketedLexicon, words: list[str]) -> None:
    for w in words:
        assert (bucketed.freq(w), bucketed.pos(w), w in bucketed) == (_FULL.freq(w), _FULL.pos(w), w in _FULL)
    assert bucketed.known(words) == _FULL.known(words)


def test_bucketed_lexicon_has_every_entry(bucketed: BucketedLexicon) -> None:
    """Size, total frequency (the segmentation's constant), a word listed twice, and every word at once."""
    assert len(bucketed) == len(_FULL) == len(_WORDS)
    assert bucketed.total() == _FULL.total() == sum(int(f) for f in _DICTIONARY[1])
    twice = [w for w, n in Counter(_DICTIONARY[0]).items() if n > 1]
    assert twice and all(bucketed.freq(w) == _FULL.freq(w) for w in twice)  # the last entry wins in both
    many = _WORDS[::3] + [w + "x" for w in _WORDS[::7]]
    assert len(many) > 50_000 and bucketed.known(many) == _FULL.known(many)  # the parse-everything path
    assert dict(bucketed.index) == dict(_FULL.index)


def test_the_lexicon_comes_from_disk_once_stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEDUP_CACHE_DIR", str(tmp_path))
    lexicon_module.lexicon()
    lexicon_module.lexicon.cache_clear()

    def no_parse(path: str) -> None:
        raise AssertionError("the dictionary was parsed again")

    monkeypatch.setattr(lexicon_module, "_read_dictionary", no_parse)
    assert lexicon_module.lexicon().freq("政府") == _FULL.freq("政府")


def test_a_damaged_or_stale_cache_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEDUP_CACHE_DIR", str(tmp_path))
    lexicon_module.opencc_tables()
    expected = lexicon_module.opencc_tables()
    path = tmp_path / "dedup-opencc.marshal"
    for damage in (b"", b"\x00garbage", path.read_bytes()[: len(path.read_bytes()) // 2]):
        path.write_bytes(damage)
        lexicon_module.opencc_tables.cache_clear()
        assert lexicon_module.opencc_tables() == expected
        assert tablecache.load("opencc", tablecache.files_key([*lexicon_module._opencc_sources(), lexicon_module.__file__])) is not None  # rewritten
    assert tablecache.load("opencc", ("another", "key")) is None  # a source file that changed: stale


def test_an_unwritable_cache_folder_parses_the_dictionary_as_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DEDUP_CACHE_DIR", str(blocker / "cache"))  # cannot be created, even by root
    lx = lexicon_module.lexicon()
    assert type(lx) is Lexicon and len(lx) == len(_FULL) and lx.freq("政府") == _FULL.freq("政府")
    assert lexicon_module.opencc_tables().to_simplified
    assert not blocker.with_name("cache").exists() and blocker.read_text() == "not a folder"


# --- the background compilation of the numba kernels (item 4: first run) -------------------------


def _niceness(pid: int) -> int | None:
    """The nice value of process ``pid`` (field 19 of /proc/PID/stat), None once it has gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[16])


def test_a_background_compilation_runs_at_low_priority(tmp_path: Path) -> None:
    """What a run starts (``--background``) yields the CPU to the run: it lowers its own priority first."""
    from dedup.fingerprint._warm import BACKGROUND_NICE

    env = {**os.environ, "PYTHONPATH": str(ROOT), "NUMBA_CACHE_DIR": str(tmp_path / "numba")}
    proc = subprocess.Popen([sys.executable, "-m", "dedup.fingerprint._warm", "--background"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        seen = []
        for _ in range(600):
            nice = _niceness(proc.pid)
            if nice is None or proc.poll() is not None:
                break
            seen.append(nice)
            if nice >= BACKGROUND_NICE:
                break
            subprocess.run(["sleep", "0.1"], check=True)
        assert seen and seen[-1] == max(BACKGROUND_NICE, os.nice(0)), seen
    finally:
        proc.kill()
        proc.wait(timeout=60)
