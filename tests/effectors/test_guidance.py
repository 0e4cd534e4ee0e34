"""The linearized homing loop's interface: argument checks, the grid, the result's shape.

Its physics is checked against Zarchan's closed forms in
tests/validation/test_guidance_references.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from iadsim.effectors.guidance import linear_engagement

GOOD = {"navigation_ratio": 4.0, "missile_speed_mps": 3_000.0, "closing_speed_mps": 4_000.0,
        "time_of_flight_s": 5.0}


@pytest.mark.parametrize("argument, value, message", [
    ("navigation_ratio", 2.0, "navigation_ratio must be in (2, 20]"),
    ("navigation_ratio", 25.0, "navigation_ratio must be in (2, 20]"),
    ("navigation_ratio", math.nan, "navigation_ratio must be a finite number"),
    ("missile_speed_mps", 0.0, "missile_speed_mps must be > 0"),
    ("closing_speed_mps", -1.0, "closing_speed_mps must be > 0"),
    ("time_of_flight_s", 0.0, "time_of_flight_s must be > 0"),
    ("time_of_flight_s", math.inf, "time_of_flight_s must be a finite number"),
    ("heading_error_rad", 2.0, "heading_error_rad must be in (-pi/2, pi/2)"),
    ("target_accel_mps2", math.nan, "target_accel_mps2 must be a finite number"),
    ("guidance_time_constant_s", -0.1, "guidance_time_constant_s must be >= 0"),
    ("dt_s", 0.0, "dt_s must be in (0, time_of_flight_s / 100"),
    ("dt_s", 0.1, "dt_s must be in (0, time_of_flight_s / 100"),
    ("dt_s", "0.01", "dt_s must be a finite number"),
])
def test_bad_arguments_raise_value_error_naming_them(argument, value, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")
                       .replace("[", r"\[").replace("]", r"\]").replace("+", r"\+")):
        linear_engagement(**{**GOOD, argument: value})


def test_a_step_too_long_for_the_lag_is_refused():
    with pytest.raises(ValueError, match="dt_s must be at most guidance_time_constant_s / 20"):
        linear_engagement(**GOOD, guidance_time_constant_s=0.1, dt_s=0.01)


def test_the_grid_ends_at_the_flight_time_and_every_history_follows_it():
    result = linear_engagement(**GOOD, heading_error_rad=0.1, dt_s=0.003)
    steps = math.ceil(5.0 / 0.003)
    assert result.step_s == pytest.approx(5.0 / steps)
    assert result.time_s[0] == 0.0 and result.time_s[-1] == 5.0
    for name in ("commanded_accel_mps2", "achieved_accel_mps2", "relative_displacement_m",
                 "relative_velocity_mps"):
        assert getattr(result, name).shape == (steps + 1,), name
    # Heading error: y(0) = 0, dy/dt(0) = -V_m HE; zero lag: achieved = commanded.
    assert result.relative_displacement_m[0] == 0.0
    assert result.relative_velocity_mps[0] == pytest.approx(-300.0)
    np.testing.assert_array_equal(result.achieved_accel_mps2, result.commanded_accel_mps2)


def test_a_lag_delays_the_achieved_acceleration_behind_the_command():
    result = linear_engagement(**GOOD, target_accel_mps2=30.0, guidance_time_constant_s=0.5)
    early = result.time_s < 1.0
    assert result.achieved_accel_mps2[0] == 0.0
    assert (result.achieved_accel_mps2[early][1:] < result.commanded_accel_mps2[early][1:]).all()
    assert result.miss_distance_m > 0.01  # about 4 cm at 10 time constants


def test_the_closing_speed_does_not_change_the_linear_response():
    """In the linear loop V_c cancels between the line-of-sight rate and the command."""
    slow = linear_engagement(**{**GOOD, "closing_speed_mps": 1_000.0}, heading_error_rad=0.2,
                             guidance_time_constant_s=0.3)
    fast = linear_engagement(**GOOD, heading_error_rad=0.2, guidance_time_constant_s=0.3)
    np.testing.assert_allclose(slow.commanded_accel_mps2, fast.commanded_accel_mps2,
                               rtol=1e-12)
