"""A cluster's member openings are made only when a completion reads them (issue 15: how fast, not what).

:class:`dedup.completion.Deferred` stands for the list the reconstruction built
eagerly before (one :func:`dedup.completion.swapped_copy` alignment per member);
it must read as that list, and cleaning must give the same bytes either way.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import dedup
import dedup.completion as completion
import dedup.reconstruct as reconstruct
from dedup.completion import Deferred
from dedup.testing import make_messy_document, synthetic_paragraphs


@settings(max_examples=200, deadline=None)
@given(items=st.lists(st.text(max_size=5), max_size=8), reads=st.lists(st.sampled_from(["iter", "len", "index"]), max_size=4))
def test_deferred_reads_as_the_list_and_makes_it_once(items, reads):
    made: list[int] = []

    def make() -> list[str]:
        made.append(1)
        return list(items)

    d = Deferred(make)
    for r in reads:
        if r == "iter":
            assert list(d) == items
        elif r == "len":
            assert len(d) == len(items)
        else:
            assert d[0:2] == items[0:2] and (not items or d[len(items) - 1] == items[-1])
    assert len(made) == (1 if reads else 0)


class _Eager(list):
    """The list made at once, as before :class:`Deferred`."""

    def __init__(self, make) -> None:
        super().__init__(make())


def _clean(text: str) -> tuple[str, str]:
    result = dedup.clean(text)
    return result.text, result.report.to_json()


def test_cleaning_is_the_same_with_the_openings_made_at_once(monkeypatch):
    """Cut and swapped copies (the damage that makes completions read the openings), both ways, same bytes;
    and on documents whose completions never read them, no member is aligned for them."""
    docs = [make_messy_document(synthetic_paragraphs(seed, 14), seed, max_variants=3).text for seed in range(6)]
    calls = [0]
    real = completion.swapped_copy

    def counted(*args):
        calls[0] += 1
        return real(*args)

    monkeypatch.setattr(completion, "swapped_copy", counted)
    lazy = [_clean(t) for t in docs]
    lazy_calls = calls[0]
    monkeypatch.setattr(reconstruct, "Deferred", _Eager)
    calls[0] = 0
    eager = [_clean(t) for t in docs]
    assert lazy == eager
    assert lazy_calls < calls[0]  # the eager list aligned members no completion asked about
