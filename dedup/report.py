"""The report: a versioned, replayable account of one run.

Schema ``dedup.report/1`` (documented in README.md, "Report schema"):

* ``input``: encoding, sizes, sha256 of the decoded text, newline conversions;
* ``output``: size and sha256 of the cleaned text;
* ``blocks``: every input block with its span and fate
  (``kept`` / ``partly_removed`` / ``removed``), its unit and cluster, the blocks
  it duplicates and where its text landed in the output;
* ``units``: paragraphs after stitching (one or more blocks);
* ``clusters``: members, the canonical member and every scored pair;
* ``edits``: every change, in input order: span, before, after, rule, reason,
  evidence, confidence.  Applying them to the input gives the output exactly.

:func:`check` verifies a report against its input and output.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import hashlib
import json
import marshal
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .document_words import document_words
from .draft import Draft, apply_edits
from .fingerprint.keys import KeyConfig
from .invariant import content_problems
from .model import Block, Edit, Span

if TYPE_CHECKING:
    from _typeshed import DataclassInstance  # the pipeline's Config (not imported: the pipeline imports this module)

    from .cluster import ClusterResult
    from .io.read import Decoded
    from .model import Unit

SCHEMA = "dedup.report/1"
#: rules whose edits remove content as duplicate (everything else repairs or lays out) ...
REMOVAL_PREFIX = "dedup."
#: ... except these, which insert into a first occurrence what a later copy adds
INSERTING_RULES = frozenset({"dedup.complete_from_copy", "dedup.extend_from_copy"})


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@functools.cache
def _version() -> str:
    """The version string, read once per process: importlib.metadata scans the installed
    distributions on every call (0.13 s of 57 news documents' reports)."""
    from ._version import version

    return version()


@dataclass(frozen=True)
class Report:
    """A run's report; ``to_dict()`` is the JSON document, ``edits`` the typed plan."""

    data: dict[str, Any]
    edits: tuple[Edit, ...]

    @property
    def blocks(self) -> list[dict[str, Any]]:
        return self.data["blocks"]

    @property
    def clusters(self) -> list[dict[str, Any]]:
        return self.data["clusters"]

    @property
    def stats(self) -> dict[str, Any]:
        return self.data["stats"]

    def to_dict(self) -> dict[str, Any]:
        return self.data

    def to_json(self, *, indent: int | None = 1) -> str:
        return json.dumps(self.data, ensure_ascii=False, indent=indent)


def _config_dict(config: DataclassInstance) -> dict[str, Any]:
    """The report's ``config``: every stage's settings as plain values (a dict of its own for each report).

    Made once per configuration (``dataclasses.asdict`` walks every field: ~0.3 ms a report, a few
    per cent of cleaning a news-sized document) and kept marshalled, which reads back equal values
    of the same types (``marshal`` refuses any other: those configurations are made each time).
    """
    try:
        return marshal.loads(_marshalled_config_dict(config))  # type: ignore[arg-type]  # (the frozen Config is hashable)
    except (TypeError, ValueError):  # a configuration that cannot be hashed, or a value marshal refuses
        return _plain_config_dict(config)


@functools.lru_cache(maxsize=16)
def _marshalled_config_dict(config: Hashable) -> bytes:
    """:func:`_plain_config_dict` of ``config``, marshalled."""
    return marshal.dumps(_plain_config_dict(config))  # type: ignore[arg-type]  # (a hashable pipeline Config)


def _plain_config_dict(config: DataclassInstance) -> dict[str, Any]:
    """The ``config`` section computed from ``config``'s fields."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(config):
        v = getattr(config, f.name)
        out[f.name] = dataclasses.asdict(v) if dataclasses.is_dataclass(v) and not isinstance(v, type) else getattr(v, "__name__", repr(v))
    return out


class _OutputMap:
    """Where the text produced by an input range lies in the output.

    Built once per report from the draft's pieces (contiguous, sorted, so
    their starts and ends both ascend); each lookup bisects to the first
    piece that can touch the range and scans only the pieces inside it.
    Looking every block up by scanning the whole draft made a report on
    n paragraphs cost O(n^2).
    """

    def __init__(self, draft: Draft) -> None:
        self.pieces = draft._pieces  # noqa: SLF001 - the report is the draft's reader
        self.texts = [p.text(draft.source) for p in self.pieces]
        self.ends = [p.end for p in self.pieces]
        self.offsets = []
        pos = 0
        for t in self.texts:
            self.offsets.append(pos)
            pos += len(t)

    def with_completion(self, ospan: list[int], end: int, unit: int) -> list[int]:
        """``ospan`` grown by the text inserted at input ``end`` for ``unit`` (a completion or repair appended to it)."""
        k = bisect.bisect_left(self.ends, end)
        while k < len(self.pieces) and self.pieces[k].start <= end:
            p = self.pieces[k]
            if p.edit is not None and p.start == p.end == end and unit in (_claimed_units(p.edit) or {unit}) and self.offsets[k] == ospan[1]:
                return [ospan[0], ospan[1] + len(self.texts[k])]
            k += 1
        return ospan

    def span(self, start: int, end: int) -> list[int] | None:
        """Output ``[lo, hi]`` of the text produced by input ``[start, end)``, or None if none is."""
        lo: int | None = None
        hi = 0  # set with lo
        k = bisect.bisect_left(self.ends, start)
        while k < len(self.pieces):
            p, t, pos = self.pieces[k], self.texts[k], self.offsets[k]
            k += 1
            if p.start > end:
                break
            if p.edit is None:
                a, b = max(p.start, start), min(p.end, end)
                if a < b:
                    o1, o2 = pos + (a - p.start), pos + (b - p.start)
                    lo = o1 if lo is None else lo
                    hi = o2
            elif start <= p.start and p.end <= end and t and (p.end > p.start or start < p.start < end):
                lo = pos if lo is None else lo
                hi = pos + len(t)
        return None if lo is None else [lo, hi]


def _claimed_units(e: Edit) -> set[int]:
    """Units an edit (or one it absorbed) says it was inserted for."""
    out = {e.evidence["unit"]} if isinstance(e.evidence.get("unit"), int) else set()
    for sub in e.subsumes:
        out |= _claimed_units(sub)
    return out


def _others(members: tuple[int, ...], index: int) -> list[int]:
    """``[x for x in members if x != index]``, by slicing: a unit of k stitched blocks asks it k times.

    A unit's blocks are consecutive, so ``index`` is at ``index - members[0]``.
    """
    at = index - members[0]
    if 0 <= at < len(members) and members[at] == index and index not in members[at + 1 :]:
        return [*members[:at], *members[at + 1 :]]
    return [x for x in members if x != index]


def _edits_touching(edits: Sequence[Edit], edit_ends: Sequence[int], start: int, end: int) -> list[Edit]:
    """Edits overlapping ``[start, end)`` (an insertion only strictly inside); ``edits`` are disjoint and sorted."""
    out = []
    k = bisect.bisect_right(edit_ends, start)
    while k < len(edits) and edits[k].span.start < end:
        out.append(edits[k])
        k += 1
    return out


def build_report(
    decoded: Decoded,
    blocks: Sequence[Block],
    units: Sequence[Unit],
    clusters: ClusterResult,
    draft: Draft,
    output: str,
    config: DataclassInstance,
    *,
    source: str | None = None,
    canonical: Mapping[int, int] | None = None,
) -> Report:
    text = decoded.text
    edits = draft.edits()
    unit_of = {b: u.index for u in units for b in u.blocks}
    label = clusters.labels
    out_blocks = []
    out_map = _OutputMap(draft)
    edit_ends = [e.span.end for e in edits]
    for b in blocks:
        u = units[unit_of[b.index]]
        inside = _edits_touching(edits, edit_ends, b.span.start, b.span.end)
        removals = [e for e in inside if any(r.startswith(REMOVAL_PREFIX) and r not in INSERTING_RULES for r in e.rules)]
        ospan = out_map.span(b.span.start, b.span.end)
        if ospan is not None and b.index == u.blocks[-1]:
            ospan = out_map.with_completion(ospan, b.span.end, u.index)
        fate = "removed" if ospan is None else ("partly_removed" if removals else "kept")
        dup_units = sorted({e.evidence["duplicate_of_unit"] for e in removals if e.evidence.get("duplicate_of_unit") is not None})
        entry: dict[str, Any] = {
            "id": b.index,
            "span": b.span.as_list(),
            "kind": b.kind,
            "fate": fate,
            "unit": u.index,
            "cluster": label[u.index] if label[u.index] >= 0 else None,
            "output_span": ospan,
            "chars": len(b.span),
        }
        if len(u.blocks) > 1:
            entry["stitched_with"] = _others(u.blocks, b.index)
        if dup_units:
            entry["duplicate_of_blocks"] = sorted({x for du in dup_units for x in units[du].blocks})
        rules = sorted({r for e in inside for r in e.rules if not r.startswith("layout.")})
        if rules:
            entry["rules"] = rules
        out_blocks.append(entry)
    out_units = [{"id": u.index, "blocks": list(u.blocks), "span": u.span.as_list(), "kind": u.kind} for u in units]
    out_clusters = []
    for c in clusters.clusters:
        out_clusters.append(
            {
                "id": c.id,
                "members": list(c.members),
                "member_spans": [units[m].span.as_list() for m in c.members],
                "first": c.members[0],
                "pairs": [p.to_dict() for p in c.pairs],
            }
        )
        if canonical is not None and c.members[0] in canonical:
            # the copy the keep policy chose (its text completes and corrects the first occurrence)
            out_clusters[-1]["canonical"] = canonical[c.members[0]]
    n_removed_chars = sum(len(e.span) - len(e.after) for e in edits if e.rule.startswith(REMOVAL_PREFIX) and e.rule not in INSERTING_RULES)
    by_rule: dict[str, int] = {}
    for e in edits:
        by_rule[e.rule] = by_rule.get(e.rule, 0) + 1
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "tool": {"name": "dedup", "version": _version()},
        "input": {
            "source": source,
            "encoding": decoded.encoding,
            "bom": decoded.bom,
            "bytes": decoded.n_bytes,
            "chars": len(text),
            "sha256": _sha(text),
            "newlines_converted": decoded.newlines,
            "undecodable": [{"offset": o, "bytes": h, "action": a} for o, h, a in decoded.undecodable],
        },
        "output": {"chars": len(output), "sha256": _sha(output)},
        "config": _config_dict(config),
        "stats": {
            "blocks": len(blocks),
            "units": len(units),
            "clusters": len(clusters.clusters),
            "blocks_kept": sum(1 for b in out_blocks if b["fate"] == "kept"),
            "blocks_partly_removed": sum(1 for b in out_blocks if b["fate"] == "partly_removed"),
            "blocks_removed": sum(1 for b in out_blocks if b["fate"] == "removed"),
            "chars_removed_as_duplicate": n_removed_chars,
            "edits_by_rule": dict(sorted(by_rule.items())),
            **{f"match_{k}": v for k, v in clusters.stats.items()},
        },
        "blocks": out_blocks,
        "units": out_units,
        "clusters": out_clusters,
        "edits": [e.to_dict() for e in edits],
    }
    return Report(data, tuple(edits))


def _edit_from_dict(d: dict[str, Any]) -> Edit:
    return Edit(Span(*d["span"]), d["before"], d["after"], d["rule"], d["reason"], d.get("evidence", {}), d.get("confidence", 1.0))


def check(input_text: str, output_text: str, report: dict[str, Any] | Report) -> list[str]:
    """Problems with a report, as sentences; an empty list means it accounts for everything.

    Checks that the edits are ordered, disjoint, quote the input exactly,
    carry a rule and a reason, and replay to the output; that the blocks
    cover every non-whitespace character of the input once; that removed
    blocks say what they duplicate (an existing other block), and really are
    rewritten by edits; that the recorded hashes and sizes match; and, once all
    that holds, the content invariant (:mod:`dedup.invariant`): every sentence of
    the input is in the output, or removed in favour of output text that
    contains it, or changed by a named repair.
    """
    data = report.to_dict() if isinstance(report, Report) else report
    problems: list[str] = []
    if data.get("schema") != SCHEMA:
        problems.append(f"schema is {data.get('schema')!r}, expected {SCHEMA!r}")
    if data.get("input", {}).get("sha256") != _sha(input_text):
        problems.append("input sha256 does not match the input text")
    if data.get("output", {}).get("sha256") != _sha(output_text):
        problems.append("output sha256 does not match the output text")
    edits = []
    pos = 0
    n_before_edits = len(problems)
    for i, d in enumerate(data.get("edits", [])):
        try:
            e = _edit_from_dict(d)
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"edit {i} is malformed: {exc}")
            continue
        if e.span.start < pos:
            problems.append(f"edit {i} at {e.span.as_list()} overlaps or precedes the previous edit")
        pos = max(pos, e.span.end)
        if e.span.end > len(input_text):
            problems.append(f"edit {i} ends past the input")
        elif input_text[e.span.start : e.span.end] != e.before:
            problems.append(f"edit {i} at {e.span.as_list()}: 'before' does not quote the input")
        if not e.rule or not e.reason:
            problems.append(f"edit {i} has no rule or no reason")
        if e.rule.startswith(REMOVAL_PREFIX) and e.after == "" and "duplicate_of_unit" not in e.evidence:
            problems.append(f"edit {i} removes text without saying what it duplicates")
        edits.append(e)
    if len(problems) == n_before_edits:  # replay well-formed edits even when a hash is wrong
        try:
            replay = apply_edits(input_text, edits)
        except ValueError as exc:
            problems.append(f"edits do not replay: {exc}")
        else:
            if replay != output_text:
                problems.append("applying the edits to the input does not give the output")
    for side, text in (("input", input_text), ("output", output_text)):
        if data.get(side, {}).get("chars") != len(text):
            problems.append(f"{side} chars is {data.get(side, {}).get('chars')!r}, the {side} has {len(text)}")
    edited = bytearray(len(input_text))  # 1 where an edit rewrote the character
    for e in edits:
        a, z = e.span.start, min(e.span.end, len(input_text))
        if a < z:
            edited[a:z] = b"\x01" * (z - a)
    ids = {b.get("id") for b in data.get("blocks", [])}
    covered = [False] * len(input_text)
    for b in data.get("blocks", []):
        s, t = b["span"]
        if not (0 <= s <= t <= len(input_text)):
            problems.append(f"block {b['id']} span {b['span']} is outside the input")
            continue
        for k in range(s, t):
            if covered[k]:
                problems.append(f"block {b['id']} overlaps another block at {k}")
                break
            covered[k] = True
        if b["fate"] not in ("kept", "partly_removed", "removed"):
            problems.append(f"block {b['id']} has unknown fate {b['fate']!r}")
        if b["fate"] == "removed" and not b.get("duplicate_of_blocks") and not b.get("rules"):
            problems.append(f"block {b['id']} is removed without a reason")
        if b["fate"] == "removed" and any(not edited[k] and not input_text[k].isspace() for k in range(s, t)):
            problems.append(f"block {b['id']} is marked removed but part of it reaches the output unedited")
        for d in b.get("duplicate_of_blocks", []):
            if d not in ids:  # (itself is fine: a sentence repeated inside one block)
                problems.append(f"block {b['id']} says it duplicates block {d!r}, which does not exist")
    for k, c in enumerate(input_text):
        if not covered[k] and not c.isspace():
            problems.append(f"input character {k} ({c!r}) belongs to no block")
            break
    if not problems:  # the content invariant reads the edits and units: only once they are sound
        with document_words(input_text):  # the same evidence the cleaner's reconstruction had
            problems.extend(content_problems(input_text, data, _key_config(data)))
    return problems


def _key_config(data: dict[str, Any]) -> KeyConfig:
    """The matching-key settings the run used (the defaults for a report that does not say)."""
    keys = data.get("config", {}).get("keys")
    try:
        return KeyConfig(**keys) if isinstance(keys, dict) else KeyConfig()
    except TypeError:
        return KeyConfig()

