"""What the single-document page needs to know about a report, computed once from its dict."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import UsageError


def report_dict(report: Any) -> dict[str, Any]:
    """The report as its dict (a :class:`~dedup.report.Report` or its ``to_dict()``); anything else is a usage error."""
    data = report.to_dict() if hasattr(report, "to_dict") else report
    if not isinstance(data, dict) or "blocks" not in data or "edits" not in data:
        raise UsageError("not a dedup report (expected a Report or its to_dict() with blocks and edits)")
    return data


def input_sha(text: str) -> str:
    """The sha256 the report records for its input (lone surrogates, kept for undecodable bytes, included)."""
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Doc:
    """What the renderer needs to know about a report, computed once."""

    data: dict[str, Any]
    input_text: str
    output_text: str
    unit_out: dict[int, tuple[int, int]]  # unit -> output range
    unit_fate: dict[int, str]
    unit_cluster: dict[int, int]
    block_unit: dict[int, int]
    kept_of: dict[int, int]  # cluster -> kept (canonical) unit
    unit_edits: dict[int, list[int]]  # unit -> indices of non-layout edits touching it
    lang: str | None
    edit_units: dict[int, list[int]]  # the inverse of unit_edits
    edit_blocks: dict[int, list[int]]  # edit -> the dropped blocks it removes text from

    @property
    def threshold(self) -> float | None:
        """The matcher's similarity threshold the report was made with, if it says."""
        return self.data.get("config", {}).get("match", {}).get("threshold")

    @property
    def units(self) -> list[dict[str, Any]]:
        """The report's units (paragraphs after stitching), indexed by id."""
        return self.data["units"]

    def unit_text(self, u: int) -> str:
        """The input text of unit ``u``."""
        s, e = self.units[u]["span"]
        return self.input_text[s:e]

    def paragraph_link(self, u: int) -> str:
        """A link to where unit ``u`` is in the output, or to its dropped block when it is not."""
        if u in self.unit_out:
            return f'<a href="#p-{u}">¶{u}</a>'
        b = self.units[u]["blocks"][0]
        return f'<a href="#b-{b}">block {b}</a>'


def _fate_of(fates: Sequence[str]) -> str:
    """One unit's fate from its blocks' fates."""
    if all(f == "kept" for f in fates):
        return "kept"
    if all(f == "removed" for f in fates):
        return "removed"
    return "partly kept"


def analyse(data: dict[str, Any], input_text: str, output_text: str) -> Doc:
    """Index the report once: output range, fate, cluster and edits of every unit; the kept copy of every cluster."""
    from ..fingerprint.keys import is_cjk

    units = data["units"]
    unit_out: dict[int, tuple[int, int]] = {}
    fates: dict[int, list[str]] = {}
    block_unit: dict[int, int] = {}
    for b in data["blocks"]:
        u = b["unit"]
        block_unit[b["id"]] = u
        fates.setdefault(u, []).append(b["fate"])
        if b.get("output_span"):
            lo, hi = b["output_span"]
            old = unit_out.get(u)
            unit_out[u] = (lo, hi) if old is None else (min(old[0], lo), max(old[1], hi))
    unit_cluster: dict[int, int] = {}
    kept_of: dict[int, int] = {}
    for c in data["clusters"]:
        for m in c["members"]:
            unit_cluster[m] = c["id"]
        if "canonical" in c:  # the keep policy's choice, recorded by the cleaner
            kept_of[c["id"]] = c["canonical"]
            continue
        # reports from before the cleaner recorded it: the copy most of whose text reached the output; ties -> earliest
        kept_of[c["id"]] = max(c["members"], key=lambda m: (unit_out[m][1] - unit_out[m][0] if m in unit_out else -1, -m))
    # edits touching each unit (by input span); both lists are sorted, so one merge pass
    unit_edits: dict[int, list[int]] = {}
    spans = sorted((u["span"][0], u["span"][1], u["id"]) for u in units)
    j = 0
    for i, e in enumerate(data["edits"]):
        if e["rule"].startswith("layout."):
            continue
        s, t = e["span"]
        while j < len(spans) and spans[j][1] < s:
            j += 1
        k = j
        while k < len(spans) and spans[k][0] <= t:
            us, ue, uid = spans[k]
            if us < t and ue > s or (s == t and us <= s <= ue):
                unit_edits.setdefault(uid, []).append(i)
            k += 1
    lang = "zh" if is_cjk(input_text[:20_000]) else None
    return Doc(
        data,
        input_text,
        output_text,
        unit_out,
        {u: _fate_of(f) for u, f in fates.items()},
        unit_cluster,
        block_unit,
        kept_of,
        unit_edits,
        lang,
        _invert(unit_edits),
        _edit_blocks(data),
    )


def _edit_blocks(data: Mapping[str, Any]) -> dict[int, list[int]]:
    """For each removal edit, the not-kept blocks it overlaps (both lists are in input order: one merge pass)."""
    blocks = [b for b in data["blocks"] if b["fate"] != "kept"]
    out: dict[int, list[int]] = {}
    j = 0
    for i, e in enumerate(data["edits"]):
        if not is_removal(e):
            continue
        s, t = e["span"]
        while j < len(blocks) and blocks[j]["span"][1] <= s:
            j += 1
        k = j
        while k < len(blocks) and blocks[k]["span"][0] < t:
            out.setdefault(i, []).append(blocks[k]["id"])
            k += 1
    return out


def _invert(mapping: Mapping[int, Sequence[int]]) -> dict[int, list[int]]:
    """``{u: [e...]}`` -> ``{e: [u...]}`` with sorted lists."""
    out: dict[int, list[int]] = {}
    for u in sorted(mapping):
        for e in mapping[u]:
            out.setdefault(e, []).append(u)
    return out


def is_removal(e: Mapping[str, Any]) -> bool:
    """An edit that drops text as duplicate (as opposed to one that repairs or lays it out)."""
    return e["after"] == "" or (e["rule"].startswith("dedup.") and e["rule"] not in ("dedup.complete_from_copy", "dedup.extend_from_copy"))
