"""Track quality: how close a set of track positions is to the set of true positions.

Two metrics between finite sets of points, both with a cut-off distance ``c`` and an order
``p`` (``1 <= p < inf``):

* OSPA (optimal subpattern assignment), Schuhmacher, Vo and Vo, "A consistent metric for
  performance evaluation of multi-object filters", IEEE Trans. Signal Processing 56(8),
  2008, doi:10.1109/TSP.2008.920469, eq. (3): for ``|X| = m <= n = |Y|``

  ``d(X, Y) = ( (1/n) (min_pi sum_i min(c, |x_i - y_pi(i)|)^p + c^p (n - m)) )^(1/p)``,

  0 when both sets are empty and ``c`` when exactly one is. A per-object average: it does
  not grow with the number of objects.
* GOSPA (generalized OSPA), Rahmathullah, Garcia-Fernandez and Svensson, "Generalized
  optimal sub-pattern assignment metric", FUSION 2017, arXiv:1601.05585, eq. (1): the same
  sum without the ``1/n`` and with ``c^p / alpha`` per cardinality mismatch
  (``0 < alpha <= 2``). With ``alpha = 2`` (eq. (2)) it splits into localisation error over
  the assigned pairs (all closer than ``c``), ``c^p / 2`` per missed truth and ``c^p / 2``
  per false estimate.

The assignment minimizes the sum of the cut-off distances raised to ``p`` (not the sum of
distances, which differs when ``p != 1``); SciPy's ``linear_sum_assignment`` solves it. A
pair at the cut-off or beyond costs ``c^p`` whether it is assigned or not, so only pairs
closer than ``c`` matter: for large sets the pairs within ``c`` (a k-d tree query) split
into independent clusters, each solved on its own, which is exactly the same optimum as the
full square problem at a fraction of its cost.
"""

from __future__ import annotations

from numbers import Real
from typing import NamedTuple

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

#: Above this many estimate-truth pairs the assignment is solved cluster by cluster.
DENSE_PAIRS_LIMIT = 10_000


class GospaParts(NamedTuple):
    """GOSPA with ``alpha = 2`` and its parts, each raised to the power ``p`` before the root.

    ``distance = (localisation + missed + false) ** (1 / p)``; ``localisation`` is the sum
    of assigned distances to the ``p``; ``missed`` and ``false`` are ``c^p / 2`` times the
    number of unassigned truths and estimates.
    """

    distance: float
    localisation: float
    missed: float
    false: float
    assigned: int


def ospa(estimates: np.ndarray, truths: np.ndarray, c: float, p: float = 1.0) -> float:
    """OSPA distance between two sets of points (Schuhmacher, Vo and Vo 2008, eq. (3)).

    Parameters
    ----------
    estimates, truths:
        Points, shape (n, d) and (m, d), any length unit (the same for both and for ``c``).
        Either may be empty (shape (0, d); a bare empty array is accepted).
    c:
        Cut-off distance, > 0: the most one point can contribute.
    p:
        Order, ``1 <= p < inf``: higher values weigh outliers more.

    Returns
    -------
    float
        In ``[0, c]``, the unit of the points.
    """
    estimates, truths = _check(estimates, truths, c, p)
    n_small, n_large = sorted((estimates.shape[0], truths.shape[0]))
    if n_large == 0:
        return 0.0
    cost, _ = _assignment_cost(estimates, truths, c, p)
    total = cost + c**p * (n_large - n_small)
    return float((total / n_large) ** (1.0 / p))


def gospa(estimates: np.ndarray, truths: np.ndarray, c: float, p: float = 1.0,
          alpha: float = 2.0) -> float:
    """GOSPA distance (Rahmathullah, Garcia-Fernandez and Svensson 2017, eq. (1)).

    Parameters are those of :func:`ospa`, plus ``alpha`` in ``(0, 2]``, the weight of a
    cardinality mismatch (``c^p / alpha`` each); ``alpha = 2`` gives the form that counts
    missed and false objects (see :func:`gospa_parts`). Not normalized: it grows with the
    number of objects. Returns a float >= 0 in the unit of the points.
    """
    if not (isinstance(alpha, Real) and 0.0 < alpha <= 2.0):
        raise ValueError(f"alpha must be in (0, 2], got {alpha!r}")
    estimates, truths = _check(estimates, truths, c, p)
    n_small, n_large = sorted((estimates.shape[0], truths.shape[0]))
    if n_large == 0:
        return 0.0
    cost, _ = _assignment_cost(estimates, truths, c, p)
    return float((cost + c**p / alpha * (n_large - n_small)) ** (1.0 / p))


def gospa_parts(estimates: np.ndarray, truths: np.ndarray, c: float,
                p: float = 1.0) -> GospaParts:
    """GOSPA with ``alpha = 2`` split into localisation, missed and false parts (eq. (2)).

    Parameters as :func:`ospa`. ``estimates`` are the tracks, ``truths`` the true objects:
    an unassigned truth is missed, an unassigned estimate is false.
    """
    estimates, truths = _check(estimates, truths, c, p)
    localisation, assigned = _assignment_cost(estimates, truths, c, p, inside_only=True)
    missed = c**p / 2.0 * (truths.shape[0] - assigned)
    false = c**p / 2.0 * (estimates.shape[0] - assigned)
    distance = (localisation + missed + false) ** (1.0 / p)
    return GospaParts(float(distance), float(localisation), float(missed), float(false),
                      int(assigned))


def _check(estimates: np.ndarray, truths: np.ndarray, c: float,
           p: float) -> tuple[np.ndarray, np.ndarray]:
    if not (isinstance(c, Real) and np.isfinite(c) and c > 0):
        raise ValueError(f"c must be a finite distance > 0, got {c!r}")
    if not (isinstance(p, Real) and np.isfinite(p) and p >= 1):
        raise ValueError(f"p must be a finite order >= 1, got {p!r}")
    arrays = []
    for name, values in (("estimates", estimates), ("truths", truths)):
        array = np.asarray(values, dtype=float)
        if array.size == 0 and array.ndim != 2:
            array = np.zeros((0, 0))  # a bare empty set: no dimension to check
        if array.ndim != 2:
            raise ValueError(f"{name} must be an array of points of shape (n, d), "
                             f"got shape {array.shape}")
        if not np.isfinite(array).all():
            raise ValueError(f"{name} must hold finite coordinates")
        arrays.append(array)
    first, second = arrays
    if first.shape[0] and second.shape[0] and first.shape[1] != second.shape[1]:
        raise ValueError(f"estimates and truths must have the same dimension d, got "
                         f"{first.shape[1]} and {second.shape[1]}")
    return first, second


def _assignment_cost(estimates: np.ndarray, truths: np.ndarray, c: float, p: float,
                     inside_only: bool = False) -> tuple[float, int]:
    """The optimal assignment of the smaller set into the larger one.

    Returns ``(cost, pairs)``: by default ``cost`` is ``sum min(d, c)^p`` over the
    ``min(m, n)`` assigned pairs; with ``inside_only`` it is the sum of ``d^p`` over the
    assigned pairs closer than ``c`` only. ``pairs`` counts the pairs closer than ``c``.
    """
    n_small = min(estimates.shape[0], truths.shape[0])
    if n_small == 0:
        return 0.0, 0
    cutoff = c**p
    if estimates.shape[0] * truths.shape[0] <= DENSE_PAIRS_LIMIT:
        distance = np.linalg.norm(estimates[:, None, :] - truths[None, :, :], axis=2)
        inside = distance < c
        cost = np.where(inside, distance**p, cutoff)
        rows, columns = linear_sum_assignment(cost)
        chosen = inside[rows, columns]
        chosen_cost = cost[rows, columns]
    else:
        chosen_cost = _clustered_inside_costs(estimates, truths, c, p)
        chosen = np.ones(chosen_cost.size, dtype=bool)
    pairs = int(chosen.sum())
    inside_cost = float(chosen_cost[chosen].sum())
    if inside_only:
        return inside_cost, pairs
    return inside_cost + cutoff * (n_small - pairs), pairs


def _clustered_inside_costs(estimates: np.ndarray, truths: np.ndarray, c: float,
                            p: float) -> np.ndarray:
    """``d^p`` of the optimally assigned pairs closer than ``c``, cluster by cluster.

    Minimizing ``sum min(d, c)^p`` over full assignments is minimizing the sum of
    ``d^p - c^p`` (all negative) over partial matchings on the pairs closer than ``c``;
    the pairs' graph splits into connected clusters that do not interact.
    """
    pairs = cKDTree(estimates).sparse_distance_matrix(cKDTree(truths), c,
                                                      output_type="ndarray")
    keep = pairs["v"] < c
    row, column, distance = pairs["i"][keep], pairs["j"][keep], pairs["v"][keep]
    if row.size == 0:
        return np.zeros(0)
    n_estimates = estimates.shape[0]
    nodes = n_estimates + truths.shape[0]
    graph = coo_matrix((np.ones(row.size), (row, n_estimates + column)), shape=(nodes, nodes))
    _, label = connected_components(graph, directed=False)
    gain = distance**p - c**p  # < 0
    cluster = label[row]
    order = np.argsort(cluster, kind="stable")
    row, column, gain, distance, cluster = (row[order], column[order], gain[order],
                                            distance[order], cluster[order])
    starts = np.flatnonzero(np.r_[True, cluster[1:] != cluster[:-1]])
    ends = np.r_[starts[1:], cluster.size]
    single = ends - starts == 1
    chosen = [distance[starts[single]] ** p]  # one pair alone: take it
    for start, end in zip(starts[~single], ends[~single], strict=True):
        rows, row_index = np.unique(row[start:end], return_inverse=True)
        columns, column_index = np.unique(column[start:end], return_inverse=True)
        matrix = np.zeros((rows.size, columns.size))
        matrix[row_index, column_index] = gain[start:end]
        powered = np.zeros_like(matrix)
        powered[row_index, column_index] = distance[start:end] ** p
        picked_rows, picked_columns = linear_sum_assignment(matrix)
        picked = matrix[picked_rows, picked_columns] < 0
        chosen.append(powered[picked_rows[picked], picked_columns[picked]])
    return np.concatenate(chosen)
