"""solve_wta: argument errors, shapes, weapon counts, held-back weapons, determinism,
inputs unchanged, for every method."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.c2.wta import METHODS, solve_wta, surviving_value

VALUES = np.array([5.0, 1.0, 3.0])
PK = np.array([[0.9, 0.2, 0.5], [0.3, 0.8, 0.6]])


@pytest.mark.parametrize("method", METHODS)
def test_result_shapes_types_and_objective(method):
    result = solve_wta(VALUES, PK, method=method)
    assert result.assignment.shape == result.weapon_row.shape == (2,)
    assert result.counts.shape == (2, 3)
    assert result.weapon_row.tolist() == [0, 1]
    # Weapon 0 (0.9) on target 0 (5), weapon 1: 0.6 x 3 beats 0.8 x 1: target 2.
    assert result.assignment.tolist() == [0, 2]
    assert result.expected_surviving_value == pytest.approx(5 * 0.1 + 1.0 + 3 * 0.4)
    assert result.method == ("heuristic" if method == "heuristic" else "exact")
    with pytest.raises(AttributeError):
        result.method = "other"  # frozen


@pytest.mark.parametrize("method", METHODS)
def test_weapon_counts_expand_rows_into_consecutive_weapons(method):
    # Row 0 stands for three weapons, row 1 for none, row 2 for one.
    probability = np.array([[0.5, 0.5, 0.0], [0.9, 0.9, 0.9], [0.0, 0.0, 0.7]])
    result = solve_wta(VALUES, probability, np.array([3, 0, 1]), method=method)
    assert result.weapon_row.tolist() == [0, 0, 0, 2]
    assert result.counts.sum(axis=1).tolist() == [3, 0, 1]
    # Row 0's weapons: targets ascending; row 2's only weapon on target 2.
    assert result.assignment[:3].tolist() == sorted(result.assignment[:3].tolist())
    assert result.assignment[3] == 2
    assert result.expected_surviving_value == pytest.approx(
        surviving_value(VALUES, probability, result.counts), rel=1e-12)


@pytest.mark.parametrize("method", METHODS)
def test_a_worthless_weapon_is_held_back(method):
    # Weapon 1 has Pk 0 everywhere; weapon 2 can only hit a target of value 0.
    values = np.array([4.0, 0.0])
    probability = np.array([[0.5, 0.5], [0.0, 0.0], [0.0, 1.0]])
    result = solve_wta(values, probability, method=method)
    assert result.assignment.tolist() == [0, -1, -1]
    assert result.expected_surviving_value == pytest.approx(2.0)


@pytest.mark.parametrize("method", METHODS)
def test_no_weapons_or_no_targets(method):
    none = solve_wta(VALUES, np.zeros((0, 3)), method=method)
    assert none.assignment.size == 0 and none.expected_surviving_value == pytest.approx(9.0)
    nothing = solve_wta(np.zeros(0), np.zeros((2, 0)), method=method)
    assert nothing.assignment.tolist() == [-1, -1] and nothing.expected_surviving_value == 0.0


@pytest.mark.parametrize("method", METHODS)
def test_repeatable_and_inputs_unchanged(method):
    rng = np.random.default_rng(9)
    values = rng.uniform(0.0, 10.0, 12)
    probability = rng.uniform(0.0, 1.0, (6, 12))
    counts = rng.integers(0, 3, 6)
    copies = [values.copy(), probability.copy(), counts.copy()]
    first = solve_wta(values, probability, counts, method=method)
    second = solve_wta(values, probability, counts, method=method)
    for before, after in zip(copies, (values, probability, counts), strict=True):
        np.testing.assert_array_equal(before, after)
    np.testing.assert_array_equal(first.assignment, second.assignment)
    assert first.expected_surviving_value == second.expected_surviving_value
    assert first.assignment.shape == (int(counts.sum()),)
    assert ((first.assignment >= -1) & (first.assignment < 12)).all()


def test_auto_is_exact_while_small_and_heuristic_beyond():
    assert solve_wta(VALUES, PK).method == "exact"
    rng = np.random.default_rng(1)
    large = solve_wta(rng.uniform(1, 2, 40), rng.uniform(0, 1, (20, 40)))
    assert large.method == "heuristic" and np.isnan(large.lower_bound)


@pytest.mark.parametrize(("arguments", "message"), [
    ((VALUES, PK[:, :2]), r"kill_probability must have shape \(n_weapons, 3\)"),
    ((VALUES, PK[0]), r"kill_probability must have shape"),
    ((VALUES[:, None], PK), r"target_values must be 1-D"),
    ((np.array([5.0, np.nan, 3.0]), PK), r"target_values must be finite and >= 0, got \[nan\]"),
    ((np.array([5.0, -1.0, 3.0]), PK), r"target_values must be finite and >= 0, got \[-1.0\]"),
    ((VALUES, PK * 2.0), r"kill_probability must be in \[0, 1\], got \[1.8"),
    ((VALUES, -PK), r"kill_probability must be in \[0, 1\]"),
    ((VALUES, np.where(PK > 0.8, np.nan, PK)), r"kill_probability must be in \[0, 1\], got \[nan"),
    ((VALUES, PK, np.array([1, 2, 3])), r"weapon_counts must have shape \(2,\)"),
    ((VALUES, PK, np.array([1, -1])), r"weapon_counts must be non-negative integers"),
    ((VALUES, PK, np.array([1.5, 1])), r"weapon_counts must be non-negative integers"),
])
def test_malformed_input_raises_naming_the_argument(arguments, message):
    with pytest.raises(ValueError, match=message):
        solve_wta(*arguments)


def test_an_unknown_method_raises_naming_it():
    with pytest.raises(ValueError, match=r"method must be one of .*'simplex'"):
        solve_wta(VALUES, PK, method="simplex")
