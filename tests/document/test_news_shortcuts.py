"""Shortcuts of issue 15 (news-sized documents, h-news) against the plain computations they skip.

Each shortcut answers some calls without the general work; these tests run random inputs
through both and require the same answer, call by call (how fast, not what).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.draft import Draft
from dedup.model import Span


def _plain_current(draft: Draft, start: int, end: int) -> str:
    """:meth:`Draft.current` through the layout of the region's pieces, as it always read it."""
    out = []
    for p in draft._pieces_in(start, end):
        out.append(draft.source[max(p.start, start) : min(p.end, end)] if p.edit is None else p.edit.after)
    return "".join(out)


_EDITS = st.lists(st.tuples(st.integers(0, 24), st.integers(0, 3), st.text(alphabet="XY", max_size=2)), max_size=8)


@settings(max_examples=400, deadline=None)
@given(src=st.text(alphabet="ab\n", min_size=1, max_size=24), edits=_EDITS)
def test_current_reads_every_region_as_its_layout_does(src, edits):
    d = Draft(src)
    for at, width, text in edits:
        a = at % (len(src) + 1)
        b = min(len(src), a + width)
        try:  # insertions, deletions and replacements in input coordinates, as the stages make them
            d.replace(a, b, text, rule="test.op", reason="shortcut check")
        except ValueError:
            pass  # a border inside an earlier edit: not a region the stages may address
    inside = [(p.start, p.end) for p in d._pieces if p.edit is not None and p.end > p.start]
    bounds = [x for x in range(len(src) + 1) if not any(s < x < e for s, e in inside)]
    for i, start in enumerate(bounds):
        for end in bounds[i:]:
            assert d.current(start, end) == _plain_current(d, start, end), (start, end)


_CONFIGS = st.builds(
    lambda unit, blocks, mode, correctors, threshold, keep: _config(unit, blocks, mode, correctors, threshold, keep),
    st.sampled_from(["paragraph", "line"]),
    st.one_of(st.none(), st.integers(1, 9)),
    st.sampled_from(["off", "safe", "aggressive"]),
    st.lists(st.sampled_from(["a", "b"]), max_size=2).map(tuple),
    st.sampled_from([0.75, 0.8]),
    st.sampled_from(["most_complete", "earliest"]),
)


def _config(unit, blocks, mode, correctors, threshold, keep):
    from dataclasses import replace

    from dedup.pipeline import Config
    from dedup.reconstruct import SentenceConfig
    from dedup.repair import RepairConfig
    from dedup.segment import SegmentConfig

    return replace(
        Config(keep=keep),
        segment=SegmentConfig(unit=unit, max_blocks=blocks),
        repair=RepairConfig(mode=mode, correctors=correctors),
        sentences=SentenceConfig(threshold=threshold),
    )


@settings(max_examples=200, deadline=None)
@given(configs=st.lists(_CONFIGS, min_size=1, max_size=6))
def test_the_reports_config_is_made_once_and_reads_as_made_each_time(configs):
    from dedup.report import _config_dict, _plain_config_dict

    for config in configs:
        got = _config_dict(config)
        assert got == _plain_config_dict(config) and repr(got) == repr(_plain_config_dict(config))  # (repr: the same types too)
        got["repair"]["consensus_config"]["min_copies"] = -1  # a report's dict is its own: changing it changes no other
        got["segment"].clear()
        assert _config_dict(config) == _plain_config_dict(config)


#: words over three letters: keys share words, and a key's first and last words differ often
_WORDS = st.lists(st.text(alphabet="abc", min_size=1, max_size=3), min_size=1, max_size=5).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(writes=st.lists(st.tuples(st.sampled_from(["setdefault", "item", "update"]), _WORDS, st.integers(0, 3)), max_size=12), keys=st.lists(_WORDS, max_size=8))
def test_a_key_no_kept_key_ends_needs_no_search_for_a_cut_copy(writes, keys):
    from dedup.kept_rules import SeenKeys
    from dedup.merged_copy import cut_then_whole

    seen, plain = SeenKeys(), {}
    for how, key, unit in writes:
        for d in (seen, plain):
            if how == "setdefault":
                d.setdefault(key, unit)
            elif how == "item":
                d[key] = unit
            else:
                d.update({key: unit})
    assert seen == plain
    kept = sorted(plain)
    for key in keys + [w + " " + k for w in ("x y z", "a b c d") for k in kept]:  # (a head of three words or more)
        # the most the search can find: any kept key begins any head
        found = cut_then_whole(key, plain.__contains__, lambda head: next((k for k in kept if k != head), None))
        if not seen.may_end(key):
            assert found is None, (key, found)
