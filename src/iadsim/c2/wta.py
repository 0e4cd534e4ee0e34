"""Static weapon-target assignment (WTA): which weapon to fire at which target.

The standard static WTA problem (Manne, 'A target-assignment problem', Operations Research
6(3), 1958; Ahuja, Kumar, Jha & Orlin, 'Exact and heuristic algorithms for the
weapon-target assignment problem', Operations Research 55(6), 2007): targets of value
``V_j``, weapons ``i`` that kill target ``j`` with probability ``p_ij``; choose
``x_ij`` in {0, 1, ...} (each weapon used at most once) to minimise the expected surviving
target value

    F(x) = sum_j V_j prod_i (1 - p_ij) ** x_ij.

:func:`solve_wta` validates the input, then calls one of two solvers:

- ``"exact"``: :func:`iadsim.c2.wta_exact.solve_exact`, outer approximation with SciPy's
  HiGHS MILP (Lu & Chen 2021), optimal to a relative gap of ``EXACT_RELATIVE_GAP``;
- ``"heuristic"``: :func:`iadsim.c2.wta_heuristic.solve_heuristic`, maximum marginal return
  then local search, compiled with Numba;
- ``"auto"``: exact while ``n_weapons x n_targets <= AUTO_EXACT_MAX_PAIRS`` (individual
  weapons, targets that some weapon can hurt), heuristic beyond.

A weapon is held back (target -1) when it cannot reduce the objective at all: every
target it could be assigned to has value 0 or it has Pk 0 against it (and, for the
solvers' own choice, when assigning it would gain nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from iadsim.c2.wta_heuristic import solve_heuristic

METHODS = ("auto", "exact", "heuristic")
# ``auto`` solves exactly up to this many (individual weapon, useful target) pairs: 8 x 8
# took 0.22 s mean (0.33 s worst) with HiGHS, 20 x 20 1.2 s (benchmarks/wta.py).
AUTO_EXACT_MAX_PAIRS = 64


@dataclass(frozen=True, slots=True)
class WTAResult:
    """A weapon-target assignment and its expected surviving target value.

    Attributes
    ----------
    assignment : numpy.ndarray
        (n_individual_weapons,) int: the target index of each individual weapon, -1 for a
        weapon held back. Without ``weapon_counts`` there is one weapon per row of
        ``kill_probability`` and ``assignment[i]`` is weapon row ``i``'s target. With
        ``weapon_counts`` the ``weapon_counts[i]`` identical weapons of row ``i`` occupy
        the consecutive positions ``offsets[i]:offsets[i + 1]`` (see ``weapon_row``), their
        targets in ascending order and held-back weapons (-1) last.
    weapon_row : numpy.ndarray
        (n_individual_weapons,) int: the row of ``kill_probability`` each weapon belongs to.
    counts : numpy.ndarray
        (n_weapon_rows, n_targets) int: how many weapons of each row go to each target.
    expected_surviving_value : float
        ``sum_j V_j prod_i (1 - p_ij) ** x_ij`` for this assignment (same unit as the values).
    method : str
        The solver that produced it: ``"exact"`` or ``"heuristic"``.
    lower_bound : float
        A proven lower bound on the optimum (the MILP's bound for ``"exact"``); NaN for the
        heuristic, which proves none.
    """

    assignment: np.ndarray
    weapon_row: np.ndarray
    counts: np.ndarray
    expected_surviving_value: float
    method: str
    lower_bound: float


def solve_wta(target_values: np.ndarray, kill_probability: np.ndarray,
              weapon_counts: np.ndarray | None = None,
              method: Literal["auto", "exact", "heuristic"] = "auto") -> WTAResult:
    """Solve the static weapon-target assignment problem.

    Parameters
    ----------
    target_values : numpy.ndarray
        (n_targets,) finite, non-negative values ``V_j`` (any unit; the objective has it).
    kill_probability : numpy.ndarray
        (n_weapon_rows, n_targets) single-weapon kill probabilities ``p_ij`` in [0, 1].
    weapon_counts : numpy.ndarray, optional
        (n_weapon_rows,) non-negative integers: row ``i`` stands for ``weapon_counts[i]``
        identical weapons. Default: one weapon per row.
    method : {"auto", "exact", "heuristic"}
        See the module docstring.

    Returns
    -------
    WTAResult
        The assignment (one target index per individual weapon, -1 held back) and the
        expected surviving value. Inputs are not modified. The result is deterministic.

    Raises
    ------
    ValueError
        Naming the argument: a wrong shape, NaN or infinite entries, negative values or
        counts, a probability outside [0, 1], or an unknown method.
    """
    values, probability, counts = _validated(target_values, kill_probability, weapon_counts,
                                             method)
    assigned, method, lower_bound = _solve(values, probability, counts, method)
    return _result(values, probability, counts, assigned, method, lower_bound)


def solve_wta_counts(target_values: np.ndarray, kill_probability: np.ndarray,
                     weapon_counts: np.ndarray | None = None,
                     method: Literal["auto", "exact", "heuristic"] = "auto") -> np.ndarray:
    """``solve_wta(...).counts``, the (n_weapon_rows, n_targets) weapons assigned, without
    building the rest of the result (the individual assignment and the objective): what
    the battle manager reads every cycle it assigns. Same arguments and checks as
    :func:`solve_wta`."""
    values, probability, counts = _validated(target_values, kill_probability, weapon_counts,
                                             method)
    assigned = _solve(values, probability, counts, method)[0]
    return np.where((probability > 0.0) & (values > 0.0)[None, :], assigned,
                    0).astype(np.int64)


def _solve(values: np.ndarray, probability: np.ndarray, counts: np.ndarray, method: str
           ) -> tuple[np.ndarray, str, float]:
    """The counts assigned (n_rows, n_targets), the method used and its lower bound, of
    validated inputs (:func:`solve_wta`)."""
    useful = (probability > 0.0) & (values > 0.0)[None, :]
    if method == "auto":
        useful_targets = int(useful.any(axis=0).sum())
        method = ("exact" if int(counts.sum()) * useful_targets <= AUTO_EXACT_MAX_PAIRS
                  else "heuristic")
    assigned, lower_bound = solve_heuristic(values, probability, counts), np.nan
    if method == "exact":  # tangents first at the heuristic's solution: a warm start
        # Imported here: scipy.optimize's MILP adds ~0.2 s to every iadsim start otherwise.
        from iadsim.c2.wta_exact import solve_exact

        assigned, lower_bound = solve_exact(values, probability, counts, useful, assigned)
    return assigned, method, lower_bound


def surviving_value(target_values: np.ndarray, kill_probability: np.ndarray,
                    counts: np.ndarray) -> float:
    """``sum_j V_j prod_i (1 - p_ij) ** counts_ij``: values (n_t,), Pk and counts (n_w, n_t)."""
    survival = np.prod(np.power(1.0 - kill_probability, counts), axis=0)
    return float(np.sum(target_values * survival))


def _validated(target_values, kill_probability, weapon_counts, method
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    values = np.array(target_values, dtype=float)  # copies: the caller's arrays stay put
    probability = np.array(kill_probability, dtype=float)
    if values.ndim != 1:
        raise ValueError(f"target_values must be 1-D (n_targets,), got shape {values.shape}")
    if probability.ndim != 2 or probability.shape[1] != values.size:
        raise ValueError(f"kill_probability must have shape (n_weapons, {values.size}) to "
                         f"match target_values, got {probability.shape}")
    if not np.isfinite(values).all() or (values < 0.0).any():
        raise ValueError("target_values must be finite and >= 0, got "
                         f"{values[~(np.isfinite(values) & (values >= 0.0))][:3].tolist()}")
    bad = ~((probability >= 0.0) & (probability <= 1.0))  # NaN fails both
    if bad.any():
        raise ValueError(f"kill_probability must be in [0, 1], got {probability[bad][:3].tolist()}")
    n_rows = probability.shape[0]
    if weapon_counts is None:
        counts = np.ones(n_rows, dtype=np.int64)
    else:
        given = np.array(weapon_counts, dtype=float)
        if given.shape != (n_rows,):
            raise ValueError(f"weapon_counts must have shape ({n_rows},) to match "
                             f"kill_probability, got {given.shape}")
        if not np.isfinite(given).all() or (given < 0).any() or (given != np.round(given)).any():
            raise ValueError("weapon_counts must be non-negative integers, got "
                             f"{given.tolist()[:5]}")
        counts = given.astype(np.int64)
    return values, probability, counts


def _result(values: np.ndarray, probability: np.ndarray, counts: np.ndarray,
            assigned: np.ndarray, method: str, lower_bound: float) -> WTAResult:
    """Build the result from ``assigned`` (n_rows, n_targets) counts; weapons on a target
    they cannot hurt (value 0 or Pk 0) are held back."""
    assigned = np.where((probability > 0.0) & (values > 0.0)[None, :], assigned, 0)
    offsets = np.concatenate(([0], np.cumsum(counts)))
    assignment = np.full(int(offsets[-1]), -1, dtype=np.int64)
    for row in range(counts.size):
        targets = np.repeat(np.arange(values.size), assigned[row])
        assignment[offsets[row]: offsets[row] + targets.size] = targets
    weapon_row = np.repeat(np.arange(counts.size), counts)
    objective = surviving_value(values, probability, assigned)
    return WTAResult(assignment, weapon_row, assigned.astype(np.int64), objective, method,
                     float(lower_bound))
