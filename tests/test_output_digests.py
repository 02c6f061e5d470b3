"""Outputs and reports byte-identical to the recorded ones (issues 14 and 15): a differential test.

Every case of ``tests/record_digests.py`` (the sample with each path-changing
option, ~45 generated documents, documents from the evaluation data, one corpus
run) is run and the sha256 of its cleaned text and of its report compared with
``tests/digests/outputs.json``.  A failure lists the entries that differ.  A
change meant to change outputs re-records them with a reason::

    python tests/record_digests.py --reason "why the outputs changed"

(``--check`` prints the differences without writing.)  The recorded history in
the file says from which commit, and why, each set of digests was taken.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import record_digests as rd


def _assert_as_stored(group: str, external: Path | None = None) -> None:
    """Every case of ``group`` gives its stored digests; the message names each entry that does not."""
    stored = {k: v for k, v in rd.load()["entries"].items() if k.split("/", 1)[0] == group}
    assert stored, f"no stored digests for {group}: run python tests/record_digests.py --reason ..."
    diff = rd.differences(stored, rd.compute(group, external))
    if diff:
        print("\n".join(diff))
    assert not diff, f"{len(diff)} {group} entries differ from tests/digests/outputs.json (re-record with a reason if meant):\n" + "\n".join(diff)


def test_sample_outputs_as_recorded() -> None:
    _assert_as_stored("sample")


def test_generated_documents_outputs_as_recorded() -> None:
    _assert_as_stored("generated")


def test_corpus_run_outputs_as_recorded() -> None:
    _assert_as_stored("corpus")


def test_external_documents_outputs_as_recorded(external: Path) -> None:
    _assert_as_stored("external", external)


# --- what the digests leave out must really be all that varies --------------------------------------

_TIMING_KEY = re.compile(r"second|time|elapsed|duration|rss|per_s|clock", re.I)


def _keys_and_strings(value: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every (dotted key path, leaf value) of a JSON value."""
    if isinstance(value, dict):
        return [kv for k, v in value.items() for kv in _keys_and_strings(v, f"{path}.{k}" if path else k)]
    if isinstance(value, list):
        return [kv for v in value for kv in _keys_and_strings(v, path)]
    return [(path, value)]


def test_reports_hold_no_timing_and_no_path_but_the_masked_source() -> None:
    """The sample's report (CLI) and a corpus report: no timing field, no path beyond ``input.source``.

    A timing or a path anywhere else would make equal runs differ and the
    digests flaky, or would need masking too.
    """
    leaves = _keys_and_strings(json.loads(rd._sample_run(())(None)[1]))
    _, corpus_report = rd._corpus(11, 40)(None)
    leaves += _keys_and_strings(json.loads(corpus_report))
    assert not [k for k, _ in leaves if _TIMING_KEY.search(k.rsplit(".", 1)[-1])]
    paths = [(k, v) for k, v in leaves if isinstance(v, str) and (v.startswith("/") or str(rd.ROOT) in v)]
    assert paths == [("input.source", str(rd.SAMPLE))]


def test_sample_digest_does_not_depend_on_where_the_file_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same file read from another folder gives the stored digests: the path is masked, nothing else moves."""
    copy = tmp_path / "elsewhere" / rd.SAMPLE.name
    copy.parent.mkdir()
    shutil.copyfile(rd.SAMPLE, copy)
    monkeypatch.setattr(rd, "SAMPLE", copy)
    assert rd.digest(rd._sample_run(())(None)) == rd.load()["entries"]["sample/default"]


def test_a_formatting_change_of_the_report_changes_its_digest() -> None:
    """stable_report masks two fields, never the layout: a report dumped otherwise keeps its own bytes."""
    report = rd._clean("一是甲乙丙丁戊己庚辛。\n\n二是甲乙丙丁戊己庚辛。\n")[1]
    compact = json.dumps(json.loads(report), ensure_ascii=False) + "\n"
    assert rd.stable_report(report) != report  # the version was masked
    assert rd.stable_report(compact) == compact
