"""The ballistic model's drag (``tracking.ballistic_drag``, :mod:`iadsim.tracking.drag`)
against published references.

* The drag deceleration ``rho |v|^2 / (2 beta)`` at tabulated densities of the U.S.
  Standard Atmosphere, 1976 (NOAA-S/T 76-1562, table 1: 20 km 8.8910e-2 kg/m^3, 40 km
  3.9957e-3 kg/m^3, five figures): within 0.05 %.
* A fall predicted by the tracker's prediction (drag held at its value at the start, a
  known acceleration of :func:`iadsim.tracking.kalman.predict`) against the point-mass
  re-entry (Zarchan, Tactical and Strategic Missile Guidance, 6th ed., ch. 12-13: gravity
  and ``-rho |v| v / (2 beta)``) integrated by SciPy's RK45 at a relative tolerance of
  1e-10 (:func:`iadsim.analysis.reentry_trial.reentry_truth`): over one 0.5 s revisit the
  held drag's error is the jerk's, ``j dt^3 / 6``, under a metre, where gravity alone
  misses by ``a dt^2 / 2`` (13 m); over 1 s it stays within a tenth of the gravity-only
  error (3.6 m against 55 m) and over 2 s within a sixth (29 m against 235 m): the held
  drag's error grows as ``dt^3``, which is why it suits a radar's revisit, not a long
  extrapolation.
"""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.analysis.reentry_trial import entry_velocity, reentry_truth
from iadsim.tracking import kalman
from iadsim.tracking.drag import ballistic_accelerations, drag_deceleration_mps2
from iadsim.tracking.tracker import GRAVITY_MPS2


@pytest.mark.parametrize("altitude_m, density_kg_m3", [(20_000.0, 8.8910e-2),
                                                       (40_000.0, 3.9957e-3)])
def test_the_drag_deceleration_at_tabulated_1976_densities(altitude_m, density_kg_m3):
    velocity = np.array([[1_800.0, -1_200.0, -2_000.0]])
    beta = 5_000.0
    drag = drag_deceleration_mps2(np.array([[0.0, 0.0, altitude_m]]), velocity, beta)[0]
    speed = np.linalg.norm(velocity)
    expected = density_kg_m3 * speed**2 / (2.0 * beta)
    assert np.linalg.norm(drag) == pytest.approx(expected, rel=5e-4)
    # Along the velocity, against it.
    np.testing.assert_allclose(drag / np.linalg.norm(drag), -velocity[0] / speed, atol=1e-12)


def _predicted_fall_errors(dt_s: float) -> tuple[float, float]:
    """The position errors (m) of the prediction ``dt_s`` ahead with drag and with gravity
    only, from a state of the 1,500 kg/m^2 reference re-entry at 25 km."""
    start = np.array([60_000.0, 50_000.0, 80_000.0])
    beta = 1_500.0
    times = np.arange(0.0, 60.0, 0.05)
    truth = reentry_truth(start, entry_velocity(start), beta, times)
    at = int(np.argmax(truth[:, 2] < 25_000.0))
    state = truth[at][None, :]
    later = reentry_truth(truth[at, :3], truth[at, 3:], beta, np.array([0.0, dt_s]))[1]
    errors = []
    for inverse in (1.0 / beta, 0.0):
        acceleration = np.empty((1, 3))
        ballistic_accelerations(state, np.array([inverse]), GRAVITY_MPS2, acceleration)
        predicted, _ = kalman.predict(state, np.eye(6)[None] * 100.0, np.array([dt_s]), 0.0,
                                      acceleration)
        errors.append(float(np.linalg.norm(predicted[0, :3] - later[:3])))
    return errors[0], errors[1]


def test_a_fall_predicted_with_drag_against_the_integrated_reentry():
    with_drag, gravity_only = _predicted_fall_errors(0.5)
    assert with_drag < 1.0
    assert gravity_only > 10.0
    with_drag, gravity_only = _predicted_fall_errors(1.0)
    assert with_drag < 0.1 * gravity_only
    with_drag, gravity_only = _predicted_fall_errors(2.0)
    assert with_drag < gravity_only / 6.0
