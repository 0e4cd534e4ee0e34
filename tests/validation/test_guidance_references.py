"""The linearized proportional-navigation loop against Zarchan's closed forms.

Source: P. Zarchan, Tactical and Strategic Missile Guidance, 6th ed. (AIAA, 2012): ch. 2
(zero-lag closed forms for a heading error and a step target manoeuvre), ch. 3 (the
single-lag loop) and ch. 4 (method of adjoints). The single-lag miss distances are the
inverse Laplace transforms (in the time to go) of the adjoint closed form
``M(s) = input(s) x (sT / (1 + sT))**N'`` with input ``-V_m HE / s**2`` (heading error)
or ``n_T / s**3`` (step manoeuvre), worked by hand for N' = 3 and 4:

    N' = 3:  M_HE / (-V_m HE T) = x e^-x (1 - x/2),       M_nT / (n_T T^2) = x^2 e^-x / 2
    N' = 4:  M_HE / (-V_m HE T) = x e^-x (1 - x + x^2/6), M_nT / (n_T T^2) = e^-x (x^2/2 - x^3/6)

with ``x = t_F / T``.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from iadsim.effectors.guidance import linear_engagement

MISSILE_SPEED = 3_000.0
CLOSING_SPEED = 4_000.0
G = 9.80665


@pytest.mark.parametrize("navigation_ratio", [3.0, 4.0, 5.0])
@pytest.mark.parametrize("heading_error_deg", [-20.0, 5.0])
def test_zero_lag_heading_error_matches_the_closed_form(navigation_ratio, heading_error_deg):
    """Zarchan (6th ed.) ch. 2: n_c = -V_m HE N'/t_F (1 - t/t_F)^(N'-2), zero miss.
    Tolerance: 1e-6 of the peak command on every sample before the last step (RK4 at
    t_F / 10,000), miss below 1e-6 m."""
    flight_s = 10.0
    heading_error = np.radians(heading_error_deg)
    result = linear_engagement(navigation_ratio, MISSILE_SPEED, CLOSING_SPEED, flight_s,
                               heading_error_rad=heading_error)
    t = result.time_s[:-1]
    expected = (-MISSILE_SPEED * heading_error * navigation_ratio / flight_s
                * (1.0 - t / flight_s) ** (navigation_ratio - 2.0))
    peak = np.abs(expected).max()
    np.testing.assert_allclose(result.commanded_accel_mps2[:-1], expected, rtol=0,
                               atol=1e-6 * peak)
    assert result.miss_distance_m < 1e-6
    assert result.time_s[-1] == flight_s


@pytest.mark.parametrize("navigation_ratio", [3.0, 4.0, 5.0])
@pytest.mark.parametrize("target_g", [3.0, -6.0])
def test_zero_lag_step_manoeuvre_matches_the_closed_form(navigation_ratio, target_g):
    """Zarchan (6th ed.) ch. 2: n_c = N'/(N'-2) n_T (1 - (1 - t/t_F)^(N'-2)), zero miss;
    the command ends at N'/(N'-2) times the target's acceleration. Tolerance 1e-5 of the
    final command on every sample before the last step (the last few samples, where
    n_c = N' ZEM / t_go^2 magnifies the zero-effort miss's error, set it), miss below
    1e-6 m."""
    flight_s = 8.0
    target_accel = target_g * G
    result = linear_engagement(navigation_ratio, MISSILE_SPEED, CLOSING_SPEED, flight_s,
                               target_accel_mps2=target_accel)
    t = result.time_s[:-1]
    final = navigation_ratio / (navigation_ratio - 2.0) * target_accel
    expected = final * (1.0 - (1.0 - t / flight_s) ** (navigation_ratio - 2.0))
    np.testing.assert_allclose(result.commanded_accel_mps2[:-1], expected, rtol=0,
                               atol=1e-5 * abs(final))
    assert result.miss_distance_m < 1e-6


def single_lag_heading_error(navigation_ratio: float, x: np.ndarray) -> np.ndarray:
    """M_HE / (-V_m HE T) of the single-lag loop (module docstring)."""
    polynomial = {3.0: 1.0 - x / 2.0, 4.0: 1.0 - x + x**2 / 6.0}[navigation_ratio]
    return x * np.exp(-x) * polynomial


def single_lag_step_manoeuvre(navigation_ratio: float, x: np.ndarray) -> np.ndarray:
    """M_nT / (n_T T^2) of the single-lag loop (module docstring)."""
    polynomial = {3.0: x**2 / 2.0, 4.0: x**2 / 2.0 - x**3 / 6.0}[navigation_ratio]
    return np.exp(-x) * polynomial


FLIGHT_TIMES_IN_TIME_CONSTANTS = np.array([0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 10.0, 15.0, 20.0])


@pytest.mark.parametrize("navigation_ratio", [3.0, 4.0])
def test_single_lag_heading_error_miss_matches_the_adjoint_closed_form(navigation_ratio):
    """Single time constant T = 0.5 s, HE = -10 deg: the signed miss y(t_F) normalized by
    -V_m HE T against the adjoint closed form (module docstring) at t_F / T from 0.5 to
    20; atol 2e-4 (the curve peaks near 0.2), i.e. the miss to within 0.1 % of its peak."""
    time_constant, heading_error = 0.5, np.radians(-10.0)
    scale = -MISSILE_SPEED * heading_error * time_constant
    simulated = np.array([
        linear_engagement(navigation_ratio, MISSILE_SPEED, CLOSING_SPEED, x * time_constant,
                          heading_error_rad=heading_error,
                          guidance_time_constant_s=time_constant
                          ).relative_displacement_m[-1] / scale
        for x in FLIGHT_TIMES_IN_TIME_CONSTANTS])
    expected = single_lag_heading_error(navigation_ratio, FLIGHT_TIMES_IN_TIME_CONSTANTS)
    np.testing.assert_allclose(simulated, expected, rtol=0, atol=2e-4)


@pytest.mark.parametrize("navigation_ratio", [3.0, 4.0])
def test_single_lag_step_manoeuvre_miss_matches_the_adjoint_closed_form(navigation_ratio):
    """Single time constant T = 1 s, 5 g step manoeuvre: the signed miss normalized by
    n_T T^2 against the adjoint closed form at t_F / T from 0.5 to 20; atol 2e-4."""
    time_constant, target_accel = 1.0, 5.0 * G
    simulated = np.array([
        linear_engagement(navigation_ratio, MISSILE_SPEED, CLOSING_SPEED, x * time_constant,
                          target_accel_mps2=target_accel,
                          guidance_time_constant_s=time_constant
                          ).relative_displacement_m[-1] / (target_accel * time_constant**2)
        for x in FLIGHT_TIMES_IN_TIME_CONSTANTS])
    expected = single_lag_step_manoeuvre(navigation_ratio, FLIGHT_TIMES_IN_TIME_CONSTANTS)
    np.testing.assert_allclose(simulated, expected, rtol=0, atol=2e-4)


def test_the_lagged_miss_falls_once_the_flight_is_longer_than_ten_time_constants():
    """Zarchan (6th ed.) ch. 3: with a lag the miss is large for flights of a few time
    constants and small past about ten. N' = 4, T = 1 s, HE = 20 deg and a 5 g step
    together: the miss at 10 T is under 5 % of the largest miss at 1-5 T, falls
    monotonically from 10 T to 20 T, to under 0.1 % at 20 T; a zero-lag loop misses by
    nothing at every t_F."""
    time_constant = 1.0

    def miss(flight_s: float, lag_s: float) -> float:
        return linear_engagement(4.0, MISSILE_SPEED, CLOSING_SPEED, flight_s,
                                 heading_error_rad=np.radians(20.0), target_accel_mps2=5 * G,
                                 guidance_time_constant_s=lag_s).miss_distance_m

    short = max(miss(x, time_constant) for x in (1.0, 2.0, 3.0, 5.0))
    long = [miss(x, time_constant) for x in (10.0, 12.0, 15.0, 20.0)]
    assert short > 50.0  # tens of metres at a few time constants
    assert long[0] < 0.05 * short and long[-1] < 1e-3 * short
    assert all(later < earlier for earlier, later in itertools.pairwise(long))
    assert max(miss(x, 0.0) for x in (2.0, 5.0, 10.0)) < 1e-6


@pytest.mark.parametrize("navigation_ratio", [3.0, 4.0, 5.0])
@pytest.mark.parametrize("target_g", [1.0, -6.0])
def test_zero_lag_augmented_pn_against_a_step_manoeuvre_matches_the_closed_form(
        navigation_ratio, target_g):
    """Zarchan (6th ed.) ch. 8, augmented PN with the target's acceleration known:
    n_c = N'/2 n_T (1 - t/t_F)^(N'-2), zero miss: the command starts at N'/2 n_T and
    decays, where plain PN's grows to N'/(N'-2) n_T. Tolerance 1e-5 of the initial command
    on every sample before the last step, miss below 1e-6 m. Near intercept (the last
    tenth of the flight), where a real round saturates, it asks less than plain PN.
    (The flyout's terminal and coasting-midcourse guidance adds this N'/2 term with the
    track's gravity.)"""
    flight_s = 8.0
    target_accel = target_g * G
    result = linear_engagement(navigation_ratio, MISSILE_SPEED, CLOSING_SPEED, flight_s,
                               target_accel_mps2=target_accel, augmented=True)
    t = result.time_s[:-1]
    initial = 0.5 * navigation_ratio * target_accel
    expected = initial * (1.0 - t / flight_s) ** (navigation_ratio - 2.0)
    np.testing.assert_allclose(result.commanded_accel_mps2[:-1], expected, rtol=0,
                               atol=1e-5 * abs(initial))
    assert result.miss_distance_m < 1e-6
    plain = linear_engagement(navigation_ratio, MISSILE_SPEED, CLOSING_SPEED, flight_s,
                              target_accel_mps2=target_accel)
    late = result.time_s[:-1] >= 0.9 * flight_s
    assert (np.abs(result.commanded_accel_mps2[:-1][late])
            < np.abs(plain.commanded_accel_mps2[:-1][late])).all()
