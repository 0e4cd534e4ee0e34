"""Exact static weapon-target assignment by outer approximation with a MILP solver.

With ``s_j = sum_i x_ij log(1 - p_ij)`` the log-survival of target ``j``, the WTA objective
``sum_j V_j exp(s_j)`` is a sum of convex functions of linear expressions in the integer
counts ``x``. Outer approximation (Lu & Chen, 'A new exact algorithm for the weapon-target
assignment problem', Omega 98, 2021, 102138, doi:10.1016/j.omega.2019.102138; the
algorithm of Duran & Grossmann, Math. Programming 36, 1986) replaces each ``V_j exp(s_j)``
by a variable ``z_j`` above tangent planes ``V_j e^a (1 + s_j - a)`` and solves the MILP
with SciPy's HiGHS. The MILP optimum is a lower bound; the true objective at its solution
an upper bound. A tangent is added at every target whose ``z_j`` underestimates its true
surviving value, and the MILP is solved again, until the bounds agree to
``EXACT_RELATIVE_GAP`` (relative) or ``EXACT_ABSOLUTE_GAP`` x the total value. The
integer set is finite and a solution seen twice has a tight tangent, so the loop ends.

Numerics: ``1 - p`` is floored at ``SURVIVAL_FLOOR`` inside the model only (a Pk of 1
would give ``log 0``); values are scaled so the largest is 1. The returned objective is
recomputed by the caller with the true probabilities.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

EXACT_RELATIVE_GAP = 1e-10
EXACT_ABSOLUTE_GAP = 1e-9  # x the sum of the target values; above the HiGHS tolerances
SURVIVAL_FLOOR = 1e-12
MAX_ITERATIONS = 500
# HiGHS's default feasibility tolerances (1e-7, 1e-6) would let a tangent row be violated
# by more than the gap sought; SciPy passes these options on to HiGHS with a warning.
_HIGHS_OPTIONS = {"disp": False, "mip_rel_gap": 1e-12, "presolve": True,
                  "primal_feasibility_tolerance": 1e-10, "mip_feasibility_tolerance": 1e-10}
_INITIAL_TANGENTS = (0.0, -0.25, -0.7, -1.5, -3.0, -6.0)


def solve_exact(values: np.ndarray, probability: np.ndarray, counts: np.ndarray,
                useful: np.ndarray, start: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Optimal counts (n_rows, n_targets) and the proven lower bound on the objective.

    values: (n_targets,) >= 0; probability: (n_rows, n_targets) in [0, 1]; counts:
    (n_rows,) weapons per row; useful: (n_rows, n_targets) pairs that can lower the
    objective (Pk > 0 and value > 0); the others are left at 0. Trusts its caller
    (:func:`iadsim.c2.wta.solve_wta` validates).
    """
    n_rows, n_targets = probability.shape
    assigned = np.zeros((n_rows, n_targets), dtype=np.int64)
    useful = useful & (counts > 0)[:, None]
    rows, targets = np.nonzero(useful)
    hurt = np.unique(targets)  # targets some weapon can hurt: they get a z variable
    untouched = float(values.sum() - values[hurt].sum())
    if rows.size == 0:
        return assigned, untouched
    scale = float(values[hurt].max())
    weight = values[hurt] / scale
    z_of_target = np.full(n_targets, -1)
    z_of_target[hurt] = np.arange(hurt.size)
    log_survival = np.log(np.maximum(1.0 - probability[rows, targets], SURVIVAL_FLOOR))
    n_x, n_z = rows.size, hurt.size

    # Variables: x (one per useful pair, integer in [0, count]) then z (one per hurt target).
    cost = np.concatenate((np.zeros(n_x), np.ones(n_z)))
    integrality = np.concatenate((np.ones(n_x), np.zeros(n_z)))
    bounds = Bounds(np.zeros(n_x + n_z),
                    np.concatenate((counts[rows].astype(float), weight)))
    capacity = LinearConstraint(
        coo_array((np.ones(n_x), (rows, np.arange(n_x))), shape=(n_rows, n_x + n_z)).tocsr(),
        -np.inf, counts.astype(float))
    # Tangent rows: z_j - w_j e^a sum_i L_ij x_ij >= w_j e^a (1 - a).
    cut_target: list[np.ndarray] = []
    cut_point: list[np.ndarray] = []
    for point in _INITIAL_TANGENTS:
        cut_target.append(np.arange(n_z))
        cut_point.append(np.full(n_z, point))
    if start is not None:
        warm = np.zeros(n_z)
        np.add.at(warm, z_of_target[targets], start[rows, targets] * log_survival)
        cut_target.append(np.arange(n_z))
        cut_point.append(warm)
    lowest = np.zeros(n_z)
    np.add.at(lowest, z_of_target[targets], counts[rows] * log_survival)
    best_upper, best_x, lower = np.inf, np.zeros(n_x), -np.inf
    total = float(weight.sum())
    for _ in range(MAX_ITERATIONS):
        which = np.concatenate(cut_target)
        point = np.maximum(np.concatenate(cut_point), lowest[which])
        constraints = [capacity, _tangents(which, point, weight, z_of_target[targets],
                                           log_survival, n_x, n_z)]
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Unrecognized options", RuntimeWarning)
            result = milp(cost, integrality=integrality, bounds=bounds,
                          constraints=constraints, options=dict(_HIGHS_OPTIONS))
        if result.x is None:
            raise RuntimeError(f"HiGHS found no solution of the WTA model: {result.message}")
        x = np.round(result.x[:n_x])
        bound = result.mip_dual_bound if result.mip_dual_bound is not None else result.fun
        lower = max(lower, float(bound))
        log_sum = np.zeros(n_z)
        np.add.at(log_sum, z_of_target[targets], x * log_survival)
        true_z = weight * np.exp(log_sum)
        upper = float(true_z.sum())
        if upper < best_upper:
            best_upper, best_x = upper, x
        if best_upper - lower <= max(EXACT_RELATIVE_GAP * best_upper, EXACT_ABSOLUTE_GAP * total):
            break
        short = true_z > result.x[n_x:] + EXACT_ABSOLUTE_GAP * total
        if not short.any():
            break  # the model is tight at its own optimum: that optimum is the optimum
        cut_target.append(np.nonzero(short)[0])
        cut_point.append(log_sum[short])
    else:
        raise RuntimeError(f"outer approximation did not converge in {MAX_ITERATIONS} "
                           f"iterations (gap {best_upper - lower:.3g})")
    assigned[rows, targets] = best_x.astype(np.int64)
    return assigned, min(lower, best_upper) * scale + untouched


def _tangents(which: np.ndarray, point: np.ndarray, weight: np.ndarray, z_index: np.ndarray,
              log_survival: np.ndarray, n_x: int, n_z: int) -> LinearConstraint:
    """Tangent rows ``z_k - w_k e^a sum L x >= w_k e^a (1 - a)`` for target ``which`` at ``a``."""
    slope = weight[which] * np.exp(point)
    n_cuts = which.size
    # x entries: for cut c on target k, every pair whose target is k.
    order = np.argsort(z_index, kind="stable")
    starts = np.searchsorted(z_index[order], np.arange(n_z + 1))
    lengths = starts[which + 1] - starts[which]
    cut_rows = np.repeat(np.arange(n_cuts), lengths)
    pairs = order[np.concatenate([np.arange(starts[k], starts[k + 1]) for k in which])
                  if n_cuts else np.zeros(0, dtype=np.int64)]
    data = np.concatenate((-slope[cut_rows] * log_survival[pairs], np.ones(n_cuts)))
    columns = np.concatenate((pairs, n_x + which))
    matrix_rows = np.concatenate((cut_rows, np.arange(n_cuts)))
    matrix = coo_array((data, (matrix_rows, columns)), shape=(n_cuts, n_x + n_z)).tocsr()
    return LinearConstraint(matrix, slope * (1.0 - point), np.inf)
