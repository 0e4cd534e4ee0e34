"""Heuristic static weapon-target assignment: maximum marginal return, then local search.

Maximum marginal return (MMR; Kolitz, 'Analysis of a maximum marginal return assignment
algorithm', IEEE CDC 1988; the construction heuristic of Ahuja, Kumar, Jha & Orlin,
'Exact and heuristic algorithms for the weapon-target assignment problem', Operations
Research 55(6), 2007, sec. 5): weapons are placed one at a time, each where it removes the
most expected surviving value, ``S_j p_ij`` with ``S_j`` the target's current surviving
value. Identical weapons (a row with a count) are placed one by one. A weapon whose best
marginal return is zero is held back.

Local search then repeats two neighbourhoods until neither improves (at most
``MAX_PASSES``): move one weapon to another target (or bring a held-back one in), and swap
the targets of two weapons of different rows (Ahuja et al. 2007, sec. 6, the 2-exchange
neighbourhood). Deterministic: ties go to the lowest index.

Complexity: MMR keeps each row's best target and only re-scans the rows whose best was
the target just hit (``S_j`` only falls), so it is about O(n_weapons x n_targets); a
local-search pass is O(n_weapons x n_targets + n_weapons^2).
"""

from __future__ import annotations

import numpy as np
from numba import njit

SURVIVAL_FLOOR = 1e-12  # 1 - p is floored here inside the search (Pk 1 would divide by 0)
MAX_PASSES = 50
# The assignment-rounds start (SciPy's dense linear_sum_assignment) is tried up to this many
# (weapon, target) pairs: 100 x 100 takes about 1 ms, 200 x 1,000 about 90 ms.
ASSIGNMENT_START_MAX_PAIRS = 10_000


def solve_heuristic(values: np.ndarray, probability: np.ndarray,
                    counts: np.ndarray) -> np.ndarray:
    """Counts (n_rows, n_targets) assigned; trusts its caller (see ``solve_wta``)."""
    if probability.size == 0:
        return np.zeros(probability.shape, dtype=np.int64)
    values = np.ascontiguousarray(values, dtype=np.float64)
    probability = np.ascontiguousarray(probability, dtype=np.float64)
    counts = np.ascontiguousarray(counts, dtype=np.int64)
    starts = [_maximum_marginal_return(values, probability, counts, SURVIVAL_FLOOR)]
    if counts.sum() * values.size <= ASSIGNMENT_START_MAX_PAIRS:
        starts.append(_assignment_rounds(values, probability, counts))
    best, best_value = starts[0], np.inf
    for start in starts:
        assigned = _local_search(values, probability, counts, start, MAX_PASSES,
                                 SURVIVAL_FLOOR)
        objective = float(np.sum(_surviving(values, np.maximum(1.0 - probability,
                                                               SURVIVAL_FLOOR), assigned)))
        if objective < best_value:
            best, best_value = assigned, objective
    return best


def _assignment_rounds(values: np.ndarray, probability: np.ndarray,
                       counts: np.ndarray) -> np.ndarray:
    """Second start: rounds of linear assignment, each target taking at most one weapon a
    round, each round maximising the value removed ``sum S_j p_ij`` (SciPy's
    ``linear_sum_assignment``). Optimal outright when the optimum puts at most one weapon
    on each target; MMR's one-at-a-time choice is not."""
    n_rows, n_targets = probability.shape
    if n_targets == 1:
        return _single_target_rounds(values, probability, counts)
    from scipy.optimize import linear_sum_assignment  # here: scipy.optimize imports slowly

    assigned = np.zeros((n_rows, n_targets), dtype=np.int64)
    surviving = values.astype(float).copy()
    weapon_row = np.repeat(np.arange(n_rows), counts)
    while weapon_row.size:
        gain = surviving[None, :] * probability[weapon_row]
        weapons, targets = linear_sum_assignment(gain, maximize=True)
        useful = gain[weapons, targets] > 0.0
        if not useful.any():
            break
        weapons, targets = weapons[useful], targets[useful]
        np.add.at(assigned, (weapon_row[weapons], targets), 1)
        surviving[targets] *= 1.0 - probability[weapon_row[weapons], targets]
        weapon_row = np.delete(weapon_row, weapons)
    return assigned


@njit(cache=True, error_model="numpy")
def _single_target_rounds(values: np.ndarray, probability: np.ndarray,
                          counts: np.ndarray) -> np.ndarray:
    """:func:`_assignment_rounds` of one target (a column of ``probability``), as the
    battle manager poses it most cycles: each round's linear assignment then gives the
    target the weapon of greatest gain ``S p_i``, the first of those tied
    (``linear_sum_assignment`` transposes the single column to a row and, among equal
    costs ``-S p_i``, keeps the lowest column index), until that gain is not positive.
    The same products and the same choice, without a SciPy call and an array deletion
    per round (a battery's salvos are a row each: thirty or so rounds a cycle)."""
    n_rows = probability.shape[0]
    assigned = np.zeros((n_rows, 1), dtype=np.int64)
    surviving = values[0]
    weapon_row = np.empty(counts.sum(), dtype=np.int64)
    left = 0
    for row in range(n_rows):
        for _ in range(counts[row]):
            weapon_row[left] = row
            left += 1
    while left > 0:
        chosen, best = -1, 0.0
        for weapon in range(left):
            gain = surviving * probability[weapon_row[weapon], 0]
            if chosen < 0 or gain > best:
                chosen, best = weapon, gain
        if not best > 0.0:
            break
        row = weapon_row[chosen]
        assigned[row, 0] += 1
        surviving *= 1.0 - probability[row, 0]
        for weapon in range(chosen, left - 1):  # np.delete keeps the order
            weapon_row[weapon] = weapon_row[weapon + 1]
        left -= 1
    return assigned


@njit(cache=True, error_model="numpy")
def _best_target(row: int, surviving: np.ndarray, probability: np.ndarray) -> tuple[int, float]:
    best, gain = -1, 0.0
    for target in range(surviving.size):
        marginal = surviving[target] * probability[row, target]
        if marginal > gain:
            best, gain = target, marginal
    return best, gain


@njit(cache=True, error_model="numpy")
def _surviving(values: np.ndarray, survival: np.ndarray, assigned: np.ndarray) -> np.ndarray:
    surviving = values.copy()
    for row in range(assigned.shape[0]):
        for target in range(assigned.shape[1]):
            for _ in range(assigned[row, target]):
                surviving[target] *= survival[row, target]
    return surviving


@njit(cache=True, error_model="numpy")
def _maximum_marginal_return(values: np.ndarray, probability: np.ndarray, counts: np.ndarray,
                             floor: float) -> np.ndarray:
    """First start: MMR, one weapon at a time where it removes the most value."""
    n_rows, n_targets = probability.shape
    survival = np.maximum(1.0 - probability, floor)
    assigned = np.zeros((n_rows, n_targets), dtype=np.int64)
    surviving = values.copy()
    left = counts.copy()
    best = np.full(n_rows, -1, dtype=np.int64)
    gain = np.zeros(n_rows)
    for row in range(n_rows):
        if left[row] > 0:
            best[row], gain[row] = _best_target(row, surviving, probability)
    # Maximum marginal return.
    while True:
        pick, top = -1, 0.0
        for row in range(n_rows):
            if left[row] > 0 and gain[row] > top:
                pick, top = row, gain[row]
        if pick < 0:
            break  # nothing left, or nothing left to gain: the rest is held back
        target = best[pick]
        assigned[pick, target] += 1
        left[pick] -= 1
        surviving[target] *= survival[pick, target]
        for row in range(n_rows):
            if left[row] > 0 and best[row] == target:
                best[row], gain[row] = _best_target(row, surviving, probability)
    return assigned


@njit(cache=True, error_model="numpy")
def _local_search(values: np.ndarray, probability: np.ndarray, counts: np.ndarray,
                  start: np.ndarray, max_passes: int, floor: float) -> np.ndarray:
    """Moves and swaps from ``start`` (counts, copied) until neither improves."""
    n_rows, n_targets = probability.shape
    survival = np.maximum(1.0 - probability, floor)
    assigned = start.copy()
    left = counts - assigned.sum(axis=1)
    total = values.sum()
    threshold = 1e-13 * total
    for _ in range(max_passes):
        improved = False
        surviving = _surviving(values, survival, assigned)
        # Held-back weapons come in where they gain anything.
        for row in range(n_rows):
            while left[row] > 0:
                target, marginal = _best_target(row, surviving, probability)
                if target < 0 or marginal <= threshold:
                    break
                assigned[row, target] += 1
                left[row] -= 1
                surviving[target] *= survival[row, target]
                improved = True
        # Move one weapon from target j to target k when it removes more value there.
        for row in range(n_rows):
            for source in range(n_targets):
                if assigned[row, source] == 0:
                    continue
                freed = surviving[source] / survival[row, source]
                loss = freed - surviving[source]
                destination, best_gain = -1, loss + threshold
                for target in range(n_targets):
                    if target != source:
                        marginal = surviving[target] * probability[row, target]
                        if marginal > best_gain:
                            destination, best_gain = target, marginal
                if destination >= 0:
                    assigned[row, source] -= 1
                    assigned[row, destination] += 1
                    surviving[source] = freed
                    surviving[destination] *= survival[row, destination]
                    improved = True
        # Swap the targets of two weapons of different rows.
        n_placed = 0
        for row in range(n_rows):
            for target in range(n_targets):
                n_placed += assigned[row, target]
        weapon_row = np.empty(n_placed, dtype=np.int64)
        weapon_target = np.empty(n_placed, dtype=np.int64)
        k = 0
        for row in range(n_rows):
            for target in range(n_targets):
                for _ in range(assigned[row, target]):
                    weapon_row[k], weapon_target[k] = row, target
                    k += 1
        for a in range(n_placed):
            for b in range(a + 1, n_placed):
                row_a, row_b = weapon_row[a], weapon_row[b]
                target_a, target_b = weapon_target[a], weapon_target[b]
                if row_a == row_b or target_a == target_b:
                    continue
                new_a = (surviving[target_a] / survival[row_a, target_a]
                         * survival[row_b, target_a])
                new_b = (surviving[target_b] / survival[row_b, target_b]
                         * survival[row_a, target_b])
                if new_a + new_b < surviving[target_a] + surviving[target_b] - threshold:
                    assigned[row_a, target_a] -= 1
                    assigned[row_b, target_a] += 1
                    assigned[row_b, target_b] -= 1
                    assigned[row_a, target_b] += 1
                    surviving[target_a], surviving[target_b] = new_a, new_b
                    weapon_target[a], weapon_target[b] = target_b, target_a
                    improved = True
        if not improved:
            break
    return assigned
