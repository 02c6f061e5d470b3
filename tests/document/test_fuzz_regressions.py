"""Replays the fuzz target (fuzz/fuzz_read_segment.py) on its seeds and on every
input that once broke the reader, the segmenter or the pipeline.

A crash found by the fuzzer goes to ``fuzz/regressions/`` (the raw bytes) and
is replayed here forever.  Bugs found by the hostile-input work before the
fuzzer ran are here too, as bytes, with what went wrong.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from dedup.io.read import decode
from dedup.pipeline import clean
from dedup.report import check

FUZZ = Path(__file__).resolve().parents[2] / "fuzz"


def _target():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("fuzz_read_segment", FUZZ / "fuzz_read_segment.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


TARGET = _target()
FILES = sorted((FUZZ / "seeds").iterdir()) + sorted(p for p in (FUZZ / "regressions").glob("*") if not p.name.startswith("."))

#: inputs that were refused or mishandled before a fix (bytes, what happened)
FOUND = {
    # 'cannot determine the text encoding': one lone surrogate (3 bytes) in a
    # 60-byte UTF-8 file is over the 1% bad-byte share
    "short utf-8 with a lone surrogate": "abc".encode() + b"\xed\xa0\x80" + "def\n\n一是推进义务教育。\n".encode(),
    # 'cannot determine the text encoding': UTF-8 lines followed by GB18030 lines
    "utf-8 then gb18030 lines": "一是推进义务教育优质均衡发展。\n\n".encode() * 3 + "二是加强教师队伍建设。\n\n".encode("gb18030") * 3,
}


def test_the_seeds_and_regressions_exist() -> None:
    assert len(FILES) >= 10


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_fuzz_target_on_recorded_input(path: Path) -> None:
    TARGET.one_input(path.read_bytes())


@pytest.mark.parametrize("name", sorted(FOUND))
def test_found_inputs_are_decoded_and_accounted_for(name: str) -> None:
    data = FOUND[name]
    TARGET.one_input(data)
    decoded = decode(data)
    assert "一是推进义务教育" in decoded.text and decoded.undecodable
    result = clean(decoded)
    assert check(decoded.text, result.text, result.report) == []


def test_short_gbk_is_not_read_as_broken_utf8() -> None:
    """The lenient UTF-8 path must not take GBK bytes that happen to be valid UTF-8 ('双' is CB AB = U+02EB)."""
    assert decode("双减".encode("gb18030")).text == "双减"
    assert decode("双减政策落实".encode("gb18030")).text == "双减政策落实"


def test_latin1_is_left_to_detection() -> None:
    """No multi-byte UTF-8 at all: not taken as UTF-8 with U+FFFD."""
    assert "\ufffd" not in decode("café crème brûlée, déjà vu. ".encode("latin-1") * 4).text
