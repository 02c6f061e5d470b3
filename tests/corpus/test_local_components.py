"""The local engine's components (star rounds, no scipy.sparse import) give scipy's own labels, number for number."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.engines.local import LocalEngine
from dedup.graph import components as scipy_components


@st.composite
def graphs(draw, max_nodes: int = 80):  # type: ignore[no-untyped-def]
    """A node count and an edge list: random pairs, self-loops, repeats, both directions, and sometimes a long chain."""
    n = draw(st.integers(1, max_nodes))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    if draw(st.booleans()) and n > 2:
        order = draw(st.permutations(list(range(n))))
        k = draw(st.integers(2, n))
        pairs += list(zip(order[: k - 1], order[1:k]))
    return n, np.array(pairs, dtype=np.int64).reshape(-1, 2)


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_local_components_are_scipys_labels(graph) -> None:  # type: ignore[no-untyped-def]
    n, edges = graph
    got = LocalEngine().components(n, edges)
    assert got.dtype == np.int64
    assert got.tolist() == scipy_components(n, edges).tolist()


@settings(max_examples=50, deadline=None)
@given(graphs())
def test_many_pairs_take_scipy_with_the_same_labels(graph) -> None:  # type: ignore[no-untyped-def]
    import dedup.engines.local as local

    n, edges = graph
    saved, local.STAR_MAX_EDGES = local.STAR_MAX_EDGES, 0
    try:
        got = LocalEngine().components(n, edges)
    finally:
        local.STAR_MAX_EDGES = saved
    assert got.tolist() == scipy_components(n, edges).tolist()
