"""Fuzz target: bytes -> reader -> segmenter (-> whole pipeline for small inputs).

Any input must give either a :class:`dedup.errors.InputError` (a clear,
one-line refusal) or text whose blocks satisfy the segmenter's contract; small
inputs also go through :func:`dedup.clean` and the accounting checker.  Any
other exception, or a broken invariant, is a crash: atheris saves the input
as ``crash-<sha1>``; add it to ``tests/test_fuzz_regressions.py``.

Run for a bounded time (libFuzzer options)::

    mkdir -p /tmp/fuzz-corpus
    python fuzz/fuzz_read_segment.py /tmp/fuzz-corpus fuzz/seeds -max_total_time=600 -rss_limit_mb=4096

``fuzz/seeds`` holds the seed inputs (encodings, markup, control characters);
new interesting inputs found by the run go to the first folder, outside the
repository.
"""

from __future__ import annotations

import sys

from dedup.errors import InputError
from dedup.io.read import ReadConfig, decode
from dedup.pipeline import clean
from dedup.report import check
from dedup.segment import SegmentConfig, segment

#: small limits so that the fuzzer also walks the limit paths
READ = ReadConfig(max_bytes=1 << 16)
UNITS = (SegmentConfig(max_blocks=200, max_block_chars=4000), SegmentConfig(unit="line", max_blocks=200, max_block_chars=4000))
#: inputs up to this size also run the whole pipeline (slower: ~ms per input)
CLEAN_MAX = 2048


def check_blocks(text: str, config: SegmentConfig) -> None:
    """The segmenter's contract: spans map back, ascend, and miss only whitespace."""
    try:
        blocks = segment(text, config)
    except InputError:
        return
    pos = 0
    for b in blocks:
        if b.text != text[b.span.start : b.span.end] or b.span.start < pos or not b.text.strip():
            raise AssertionError(f"bad block {b}")
        if text[pos : b.span.start].strip():
            raise AssertionError(f"text between blocks at {pos}: {text[pos:b.span.start]!r}")
        pos = b.span.end
    if text[pos:].strip():
        raise AssertionError("text after the last block")


def one_input(data: bytes) -> None:
    try:
        decoded = decode(data, READ)
    except InputError as exc:
        if "\n" in str(exc):
            raise AssertionError(f"multi-line error message: {exc!r}") from None
        return
    text = decoded.text
    for config in UNITS:
        check_blocks(text, config)
    if len(data) <= CLEAN_MAX and text.strip():
        result = clean(decoded)
        problems = check(text, result.text, result.report)
        if problems:
            raise AssertionError(problems)
        result.text.encode("utf-8")  # the output must be writable as UTF-8


def main() -> None:
    # imported here so that tests/test_fuzz_regressions.py can replay
    # one_input without atheris installed
    import atheris

    atheris.instrument_all()  # coverage feedback from every loaded module, dedup included
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
