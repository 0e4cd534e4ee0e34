"""``tracking.ballistic_drag``: each ballistic track's ballistic coefficient estimated
from its own history, and its drag added to gravity in the prediction.

Driven through the tracker with noisy radar reports of three re-entry vehicles 400 m
apart (ballistic coefficients 10,000, 4,000 and 1,500 kg/m^2) falling from 80 km at
3 km/s, seen every 0.5 s (:mod:`iadsim.analysis.reentry_trial`): the tracker reads its
reports only, never the vehicles' coefficients; the trial scores against the truth
afterwards.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chi2

from iadsim.analysis.reentry_trial import (
    BALLISTIC_COEFFICIENTS_KG_M2,
    START_M,
    entry_velocity,
    measure,
    radar_site,
    reentry_truth,
    run_trial,
)
from iadsim.errors import ScenarioError
from iadsim.events import EventLog
from iadsim.scenario import scenario_from_dict
from iadsim.scenario.schema import Tracking
from iadsim.tracking.tracker import CONFIRMED, GRAVITY_MPS2, CentralTracker


def settings(drag: bool, **other) -> Tracking:
    """A 3 km/s target is outside the default speed bound (2,500 m/s)."""
    return Tracking(ballistic_drag=drag, max_target_speed_mps=4_000.0, **other)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_estimate_recovers_each_vehicles_ballistic_coefficient(seed):
    """Within 5 % at the end of the re-entry (over ten seeds the estimates fell within
    2.5 %: 9,781-10,082, 3,955-4,052 and 1,468-1,527), one track per vehicle."""
    trial = run_trial(settings(True), seed)
    assert trial.confirmed_tracks == 3
    np.testing.assert_allclose(1.0 / trial.inverse_coefficient_m2_kg,
                               BALLISTIC_COEFFICIENTS_KG_M2, rtol=0.05)


def test_nees_over_monte_carlo_runs_with_and_without_drag():
    """Ten runs, 6-degree-of-freedom NEES over the re-entry phase (50 to 8 km) of every
    vehicle's confirmed track. With drag the filter is not overconfident: the mean NEES
    is below the upper end of its 95 % chi-square interval and about 1 % of the samples
    (at most 2 %) pass the single-sample 99 % point; the default acceleration noise (30
    m/s^2) makes it conservative (mean about 3.4, not 6). Gravity alone is overconfident
    (mean about 11, 15 % past the 99 % point) and breaks the tracks of the lighter
    vehicles, whose deceleration outruns it."""
    for drag in (True, False):
        trials = [run_trial(settings(drag), seed) for seed in range(1, 11)]
        nees = np.concatenate([trial.nees for trial in trials])
        upper = chi2.ppf(0.975, 6 * nees.size) / nees.size
        over = np.mean(nees > chi2.ppf(0.99, 6))
        if drag:
            assert 2.0 < nees.mean() < upper
            assert over <= 0.02
            assert all(trial.confirmed_tracks == 3 for trial in trials)
        else:
            assert nees.mean() > upper and over > 0.05
            assert np.mean([trial.confirmed_tracks for trial in trials]) > 5


def test_drag_cuts_the_errors_and_the_predicted_position_error():
    """Seeds 1-3 pooled: position and velocity RMSE lower with drag, and the picture's
    position 5 and 10 s ahead (the intercept point's prediction) less than half as far
    off (about 280 m against 890 m, 1.4 km against 3 km over ten seeds)."""
    errors = {}
    for drag in (True, False):
        trials = [run_trial(settings(drag), seed) for seed in (1, 2, 3)]
        position = np.concatenate([trial.position_error_m for trial in trials])
        velocity = np.concatenate([trial.velocity_error_mps for trial in trials])
        ahead = np.concatenate([trial.predicted_error_m for trial in trials])
        errors[drag] = (np.sqrt(np.mean(position**2)), np.sqrt(np.mean(velocity**2)),
                        np.nanmean(ahead[:, 0]), np.nanmean(ahead[:, 1]))
    with_drag, without = errors[True], errors[False]
    assert with_drag[0] < without[0]
    assert with_drag[1] < 0.5 * without[1]
    assert with_drag[2] < 0.5 * without[2] and with_drag[3] < 0.6 * without[3]


def test_the_same_seed_gives_the_same_tracks_bit_for_bit():
    first, second = run_trial(settings(True), 4), run_trial(settings(True), 4)
    for name in ("position_error_m", "velocity_error_mps", "nees", "predicted_error_m",
                 "inverse_coefficient_m2_kg"):
        assert np.array_equal(getattr(first, name), getattr(second, name), equal_nan=True)


def test_no_drag_until_the_coefficient_is_known_and_none_without_the_option():
    """High up (80 to 60 km) no track has shown drag enough to know its coefficient: the
    ballistic acceleration is gravity exactly. Lower down the picture of the ballistic
    tracks carries gravity plus a drag against the velocity (the impact points' gravity
    alone). Without the option the table has no fit and every track's ballistic
    acceleration is gravity."""
    site = radar_site()
    times = np.arange(0.5, 40.0, 0.5)
    truth = np.stack([reentry_truth(start, entry_velocity(start), beta, times)
                      for start, beta in zip(START_M, BALLISTIC_COEFFICIENTS_KG_M2,
                                             strict=True)], axis=1)
    for drag in (True, False):
        tracker = CentralTracker(settings(drag), [site], EventLog([site.name], [], []))
        rng = np.random.default_rng(7)
        for scan, time_s in enumerate(times):
            tracker.process(measure(site, truth[scan, :, :3], float(time_s), rng))
            if truth[scan, :, 2].min() > 60_000.0 or not drag:
                assert (tracker.ballistic_acceleration_mps2 == GRAVITY_MPS2).all()
        if not drag:
            assert tracker.drag_information.size == 0
            continue
        picture = tracker.picture(float(times[-1]))
        assert picture.size == 3 and picture.ballistic_model.all()
        drag_part = picture.acceleration_mps2 - GRAVITY_MPS2
        along = np.einsum("ki,ki->k", drag_part, picture.velocity_mps)
        assert (along < 0.0).all()
        assert (np.linalg.norm(drag_part, axis=1) > 50.0).all()  # 5 g and more at 20 km
        # Impact points (threat evaluation) keep gravity alone: held to the ground, this
        # drag's upward part (larger than g here) would give no fall at all.
        assert (picture.acceleration_mps2[:, 2] > 0.0).all()
        assert (picture.ballistic_acceleration_mps2 == GRAVITY_MPS2).all()
        assert (tracker.status == CONFIRMED).sum() == 3


def test_the_option_is_validated_in_one_line():
    document = {"name": "drag-schema", "origin": {"lat_deg": 42.0, "lon_deg": 35.0},
                "sim": {"duration_s": 60.0}, "tracking": {"ballistic_drag": True}}
    assert scenario_from_dict(document).tracking.ballistic_drag is True
    document["tracking"]["ballistic_drag"] = "sometimes"
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(document)
    [line] = caught.value.lines()
    assert "tracking.ballistic_drag" in line
