"""Connected components by large-star / small-star rounds (dedup.graph) against scipy.

The rounds are what the Dask engine distributes when a graph is too big to
gather; here they are checked on whole arrays, on arbitrary partitions (as a
shuffle would split them), and on a dask LocalCluster forced to take the
distributed path.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup.corpus import CorpusConfig, components, dedup_records
from dedup.graph import (
    canonical,
    directed,
    large_star_part,
    min_labels,
    small_star_part,
    star_components,
    unsettled_part,
)
from dedup.testing import make_corpus


def scipy_labels(n: int, edges: np.ndarray) -> np.ndarray:
    return min_labels(components(n, canonical(edges)))


@st.composite
def graphs(draw, max_nodes: int = 60):  # type: ignore[no-untyped-def]
    n = draw(st.integers(1, max_nodes))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    edges = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    # add a long path through a random order of some nodes: the case that needs the most rounds
    if draw(st.booleans()) and n > 2:
        order = draw(st.permutations(list(range(n))))
        k = draw(st.integers(2, n))
        path = np.array(order[:k], dtype=np.int64)
        edges = np.concatenate([edges, np.stack([path[:-1], path[1:]], axis=1)])
    return n, edges


@given(graphs())
def test_star_components_equal_scipy(graph) -> None:  # type: ignore[no-untyped-def]
    n, edges = graph
    assert star_components(n, edges).tolist() == scipy_labels(n, edges).tolist()


def _partitioned_round(e: np.ndarray, parts: np.ndarray) -> tuple[np.ndarray, int]:
    """One round as an engine runs it: each step applied per partition, results concatenated."""
    u, v = directed(e)
    k = int(parts.max()) + 1 if len(parts) else 1
    where_u = parts[u % len(parts)]
    unsettled = sum(unsettled_part(u[where_u == p], v[where_u == p]) for p in range(k))
    large = canonical(np.concatenate([large_star_part(u[where_u == p], v[where_u == p]) for p in range(k)]))
    where_b = parts[large[:, 1] % len(parts)]
    small = np.concatenate([small_star_part(large[where_b == p, 0], large[where_b == p, 1]) for p in range(k)])
    return canonical(small), unsettled


@given(graphs(), st.lists(st.integers(0, 3), min_size=1, max_size=7))
def test_rounds_do_not_depend_on_partitioning(graph, parts) -> None:  # type: ignore[no-untyped-def]
    n, edges = graph
    parts = np.array(parts, dtype=np.int64)
    e = canonical(edges)
    whole = canonical(edges)
    for _ in range(100):
        u, v = directed(whole)
        settled = unsettled_part(u, v) == 0
        e_next, unsettled = _partitioned_round(e, parts)
        assert (unsettled == 0) == settled
        if settled:
            break
        large = large_star_part(u, v)
        whole = small_star_part(large[:, 0], large[:, 1])
        assert e_next.tolist() == whole.tolist()
        e = e_next
    else:
        pytest.fail("did not settle")


@given(graphs())
def test_each_step_keeps_the_components(graph) -> None:  # type: ignore[no-untyped-def]
    n, edges = graph
    e = canonical(edges)
    expected = scipy_labels(n, e).tolist()
    large = large_star_part(*directed(e))
    assert scipy_labels(n, large).tolist() == expected
    assert scipy_labels(n, small_star_part(e[:, 0], e[:, 1])).tolist() == expected


def test_long_chains_and_big_random_graphs() -> None:
    rng = np.random.default_rng(7)
    n = 5000
    chain = rng.permutation(n)
    edges = np.stack([chain[:-1], chain[1:]], axis=1)
    assert (star_components(n, edges) == 0).all()
    random = rng.integers(0, 20000, (15000, 2))
    assert star_components(20000, random).tolist() == scipy_labels(20000, random).tolist()


def test_min_labels_maps_any_labelling_to_smallest_member() -> None:
    labels = np.array([5, 5, 9, 5, 9, 2])
    assert min_labels(labels).tolist() == [0, 0, 2, 0, 2, 5]


# ---------------------------------------------------------------------------- on a dask cluster


@pytest.fixture(scope="module")
def forced_dask():  # type: ignore[no-untyped-def]
    from dedup.engines.dask import DaskEngine

    # every path that a big corpus takes: distributed components, many band-table parts
    engine = DaskEngine(workers=2, processes=False, gather_edges=0, band_rows=2000)
    yield engine
    engine.close()


@pytest.mark.dask
def test_dask_rounds_equal_scipy_on_a_chain_and_a_random_graph(forced_dask) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(3)
    n = 300
    path = rng.permutation(n)[:100]
    chain = np.stack([path[:-1], path[1:]], axis=1)
    assert forced_dask.components(n, chain).tolist() == scipy_labels(n, chain).tolist()
    assert forced_dask.rounds >= 2
    random = rng.integers(0, 5000, (4000, 2))
    assert forced_dask.components(5000, random).tolist() == scipy_labels(5000, random).tolist()
    assert forced_dask.components(4, np.empty((0, 2), np.int64)).tolist() == [0, 1, 2, 3]
    # raw input as a caller may pass it: loops, both orientations, repeats
    messy = np.array([[3, 3], [5, 2], [2, 5], [2, 5], [4, 1], [0, 0]])
    assert forced_dask.components(6, messy).tolist() == [0, 1, 2, 3, 1, 2]


@pytest.mark.dask
def test_corpus_on_dask_with_distributed_components_equals_local(forced_dask) -> None:  # type: ignore[no-untyped-def]
    corpus = make_corpus(11, 300)
    config = CorpusConfig(clean=False, batch_size=60)
    local = [d.report() for d in dedup_records(corpus.records, config)]
    dask = [d.report() for d in dedup_records(corpus.records, config, engine=forced_dask)]
    assert dask == local
    assert forced_dask.rounds >= 1
    assert sum(r["duplicate_of"] is not None for r in local) >= 20


def test_corpus_on_a_cluster_of_worker_processes_equals_local() -> None:
    """The same, with real worker processes: every task, scattered batch and shuffle crosses a process boundary."""
    from dedup.engines.dask import DaskEngine

    corpus = make_corpus(12, 200)
    config = CorpusConfig(clean=False, batch_size=50)
    local = [d.report() for d in dedup_records(corpus.records, config)]
    engine = DaskEngine(workers=2, processes=True, gather_edges=0, band_rows=2000)
    try:
        dask = [d.report() for d in dedup_records(corpus.records, config, engine=engine)]
        assert engine.rounds >= 1
    finally:
        engine.close()
    assert dask == local
