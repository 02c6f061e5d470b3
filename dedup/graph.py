"""Connected components of an edge list, in rounds that an engine can distribute.

scipy labels the components of a graph that fits in one process
(:func:`components`).  For a graph that does not, this module
gives the *large-star / small-star* iteration of Kiveris et al.,
"Connected Components in MapReduce and Beyond" (SoCC 2014), written as
per-partition functions of plain numpy arrays, so the orchestration (how edges
are shuffled between partitions) stays in the engine:

- :func:`large_star_part`: for every node ``u``, its larger neighbours are
  re-attached to the smallest node of ``u``'s closed neighbourhood.  Needs
  *all* directed edges ``(u, v)`` of each ``u`` it sees (shuffle on ``u``).
- :func:`small_star_part`: for every node ``b``, its smaller neighbours and
  ``b`` itself are attached to the smallest of them.  Needs *all* edges
  ``(a, b)``, ``a < b``, of each ``b`` it sees (shuffle on ``b``).

Both keep the components and shrink every component to a star on its
smallest node in O(log² n) rounds.  :func:`unsettled_part` counts the nodes
that show the graph is not yet such a star forest, which is the stopping
test.  Node numbers are the labels, so the result is the same however edges
are spread over partitions: each node's label is the smallest node of its
component.

:func:`star_components` runs the rounds on whole arrays, which is what the
tests compare with scipy; :class:`dedup.engines.dask.DaskEngine` runs the same
functions on the partitions of a ``dask.dataframe``.
"""

from __future__ import annotations

import numpy as np

_EMPTY = np.empty((0, 2), np.int64)


def components(n: int, edges: np.ndarray) -> np.ndarray:
    """Connected-component label of each of ``n`` documents (scipy csgraph)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    if not len(edges):
        return np.arange(n, dtype=np.int64)
    graph = coo_matrix((np.ones(len(edges), dtype=np.int8), (edges[:, 0], edges[:, 1])), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    return comp.astype(np.int64)


def canonical(edges: np.ndarray) -> np.ndarray:
    """Edges as sorted unique ``(a, b)`` rows with ``a < b``; self-loops dropped.

    >>> canonical(np.array([[3, 1], [1, 3], [2, 2]])).tolist()
    [[1, 3]]
    """
    if not len(edges):
        return _EMPTY
    e = np.asarray(edges, dtype=np.int64)
    e = np.stack([e.min(axis=1), e.max(axis=1)], axis=1)
    e = e[e[:, 0] != e[:, 1]]
    if not len(e):
        return _EMPTY
    if e[:, 1].max() < 2**31 and e[:, 0].min() >= 0:
        # one 64-bit code per row: a 1-d unique is several times faster than unique(axis=0)
        codes = np.unique((e[:, 0] << 32) | e[:, 1])
        return np.stack([codes >> 32, codes & 0xFFFFFFFF], axis=1)
    return np.unique(e, axis=0)


def directed(edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both directions ``(u, v)`` of each undirected edge: what large-star groups by ``u``."""
    return np.concatenate([edges[:, 0], edges[:, 1]]), np.concatenate([edges[:, 1], edges[:, 0]])


def _groups(key: np.ndarray, other: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``key`` and ``other`` sorted by key, and the start of each run of one key."""
    order = np.lexsort((other, key))
    k, o = key[order], other[order]
    new = np.ones(len(k), dtype=bool)
    new[1:] = k[1:] != k[:-1]
    return k, o, np.flatnonzero(new)


def large_star_part(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """One large-star step over directed edges ``u -> v`` holding every edge of each ``u`` present.

    Every neighbour ``v > u`` is re-attached to ``m(u)``, the smallest node of
    ``{u} ∪ neighbours(u)``; the result is canonical (deduplicated here, and
    again by the next step for copies made in other partitions).

    >>> u, v = directed(np.array([[0, 1], [1, 2], [2, 3]]))
    >>> large_star_part(u, v).tolist()
    [[0, 1], [0, 2], [1, 3]]
    """
    if not len(u):
        return _EMPTY
    k, o, starts = _groups(np.asarray(u, np.int64), np.asarray(v, np.int64))
    smallest = np.minimum(np.minimum.reduceat(o, starts), k[starts])
    m = np.repeat(smallest, np.diff(np.append(starts, len(k))))
    larger = o > k
    return canonical(np.stack([m[larger], o[larger]], axis=1))


def small_star_part(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One small-star step over edges ``a < b`` holding every edge of each ``b`` present.

    ``b`` and its smaller neighbours are all attached to the smallest of them.

    >>> small_star_part(np.array([0, 1, 2]), np.array([1, 2, 3])).tolist()
    [[0, 1], [1, 2], [2, 3]]
    >>> small_star_part(np.array([0, 1]), np.array([2, 2])).tolist()
    [[0, 1], [0, 2]]
    """
    if not len(a):
        return _EMPTY
    k, o, starts = _groups(np.asarray(b, np.int64), np.asarray(a, np.int64))
    m = np.repeat(np.minimum.reduceat(o, starts), np.diff(np.append(starts, len(k))))
    # b itself, and every smaller neighbour, to the smallest
    return canonical(np.concatenate([np.stack([m[starts], k[starts]], axis=1), np.stack([m, o], axis=1)]))


def unsettled_part(u: np.ndarray, v: np.ndarray) -> int:
    """How many nodes ``u`` (all their directed edges present) are not a star's centre or leaf.

    A node is settled when it has no smaller neighbour (a centre) or exactly
    one smaller and no larger neighbour (a leaf).  When every node is settled,
    each component is a star on its smallest node, and the rounds stop.

    >>> unsettled_part(*directed(np.array([[0, 1], [0, 2]]))), unsettled_part(*directed(np.array([[0, 1], [1, 2]])))
    (0, 1)
    """
    if not len(u):
        return 0
    k, o, starts = _groups(np.asarray(u, np.int64), np.asarray(v, np.int64))
    first = np.zeros(len(k), dtype=bool)
    first[starts] = True
    run = np.cumsum(first) - 1
    smaller = np.bincount(run, weights=o < k).astype(np.int64)
    larger = np.bincount(run, weights=o > k).astype(np.int64)
    return int(np.sum((smaller > 1) | ((smaller == 1) & (larger > 0))))


def star_labels(n: int, stars: np.ndarray) -> np.ndarray:
    """Labels of ``n`` nodes from a settled star forest: each leaf gets its centre, others themselves."""
    labels = np.arange(n, dtype=np.int64)
    if len(stars):
        labels[stars[:, 1]] = stars[:, 0]
    return labels


def star_components(n: int, edges: np.ndarray, max_rounds: int = 200) -> np.ndarray:
    """Component label of each of ``n`` nodes (the smallest node of its component).

    The whole-array form of the rounds the Dask engine distributes.

    >>> star_components(6, np.array([[4, 5], [1, 3], [3, 4]])).tolist()
    [0, 1, 2, 1, 1, 1]
    """
    e = canonical(edges)
    for _ in range(max_rounds):
        u, v = directed(e)
        if unsettled_part(u, v) == 0:
            return star_labels(n, e)
        e = large_star_part(u, v)
        e = small_star_part(e[:, 0], e[:, 1])
    raise RuntimeError(f"connected components did not settle in {max_rounds} rounds")


def min_labels(labels: np.ndarray) -> np.ndarray:
    """Relabel any component labelling so each node gets its component's smallest node.

    Makes labellings from different algorithms comparable.

    >>> min_labels(np.array([1, 0, 1, 0])).tolist()
    [0, 1, 0, 1]
    """
    labels = np.asarray(labels, dtype=np.int64)
    if not len(labels):
        return labels
    _, inv = np.unique(labels, return_inverse=True)
    smallest = np.full(int(inv.max()) + 1, len(labels), dtype=np.int64)
    np.minimum.at(smallest, inv, np.arange(len(labels), dtype=np.int64))
    return smallest[inv]


__all__ = [
    "canonical",
    "directed",
    "large_star_part",
    "small_star_part",
    "unsettled_part",
    "star_labels",
    "star_components",
    "min_labels",
]
