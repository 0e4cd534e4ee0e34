"""The coasting speed gate (``tracking.coast_speed_gate``, :mod:`iadsim.tracking.coast_gate`).

The tracker is driven through its table: confirmed tracks set by hand (the picture),
reports built from positions that are not the tracks' (the picture is not the truth), and
several tracks close together. A coasting airliner's track must not take a clutter plot or
a neighbour's report that would make it fly at several times its speed, and must still
take its own aircraft's report after a turn during the coast.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_association_cost import taker
from test_tracker import make_tracker, two_sites

from iadsim.scenario.schema import Tracking
from iadsim.tracking import coast_gate, kalman
from iadsim.tracking.classification import KINEMATIC_KINDS
from iadsim.tracking.tracker import CONFIRMED, CentralTracker

__all__ = ["two_sites"]

AIRCRAFT = KINEMATIC_KINDS.index("aircraft")
BALLISTIC = KINEMATIC_KINDS.index("ballistic_missile")
VELOCITY = np.array([200.0, 0.0, 0.0])
#: The coasting track's last updated position (60 km north-east of the radar, 8 km up).
COASTING_FROM = np.array([40_000.0, 45_000.0, 8_000.0])
LAST_UPDATE_S, REPORT_TIME_S = 0.0, 30.0  # 15 revisits of the 2 s radar: coasting
#: Where the coasting track predicts its target at the report's time.
PREDICTED = COASTING_FROM + VELOCITY * (REPORT_TIME_S - LAST_UPDATE_S)


def posterior_cov(position_sigma_m: float, velocity_sigma_mps: float) -> np.ndarray:
    return np.diag([position_sigma_m**2] * 3 + [velocity_sigma_mps**2] * 3)


def table(site, kind: int = AIRCRAFT, **settings) -> CentralTracker:
    """Three confirmed tracks flying east at 200 m/s: track 0 last updated 30 s ago
    (coasting; 300 m and 60 m/s after its update), tracks 1 and 2 on schedule 3 km north
    and south of it (updated at 28 s; 50 m, 15 m/s). All classified ``kind``."""
    tracker, _ = make_tracker(site, **settings)
    updated = np.array([LAST_UPDATE_S, REPORT_TIME_S - 2.0, REPORT_TIME_S - 2.0])
    state = np.zeros((3, 6))
    state[:, 3:] = VELOCITY
    state[0, :3] = COASTING_FROM
    for row, north_m in ((1, 3_000.0), (2, -3_000.0)):
        state[row, :3] = PREDICTED + np.array([0.0, north_m, 0.0]) - VELOCITY * 2.0
    covariance = np.array([posterior_cov(300.0, 60.0)] + [posterior_cov(50.0, 15.0)] * 2)
    tracker._append(np.arange(3), state, covariance, updated,
                    np.full(3, CONFIRMED, dtype=np.int8), np.full(3, 20, np.int32),
                    updated[:, None])
    tracker._next_id = 3
    tracker.kind_index[:] = kind
    tracker.kind_confidence[:] = 0.9
    return tracker


def test_the_default_is_on():
    assert Tracking().coast_speed_gate is True


def test_the_updated_speed_is_the_kalman_updates():
    """:func:`coast_gate.updated_speeds` against the Kalman filter itself (predict over
    dt with the CWNA noise, then update): the same speed to 1e-9, for random states and
    covariances."""
    rng = np.random.default_rng(3)
    count = 20
    root = rng.normal(size=(count, 6, 6))
    covariance = np.einsum("kij,klj->kil", root, root) * 200.0 + np.eye(6) * 50.0
    state = np.concatenate([rng.uniform(-5e4, 5e4, (count, 3)),
                            rng.uniform(-300.0, 300.0, (count, 3))], axis=1)
    dt = rng.uniform(5.0, 90.0, count)
    q = 30.0
    predicted, predicted_cov = kalman.predict(state, covariance, dt, q)
    measurement_cov = np.tile(np.diag([300.0**2, 500.0**2, 900.0**2]), (count, 1, 1))
    measurement = predicted[:, :3] + rng.normal(0.0, 3_000.0, (count, 3))
    updated, _ = kalman.update(predicted, predicted_cov, measurement, measurement_cov)
    speed, before, sigma = coast_gate.updated_speeds(
        state[:, 3:], covariance[:, 3:, 3:], covariance[:, 3:, :3], dt, q,
        predicted_cov[:, :3, :3] + measurement_cov, measurement - predicted[:, :3])
    np.testing.assert_allclose(speed, np.linalg.norm(updated[:, 3:], axis=1), rtol=1e-9)
    np.testing.assert_allclose(before, np.linalg.norm(state[:, 3:], axis=1))
    direction = state[:, 3:] / before[:, None]
    np.testing.assert_allclose(
        sigma, np.sqrt(np.einsum("ki,kij,kj->k", direction, covariance[:, 3:, 3:],
                                 direction)))


@pytest.mark.parametrize(("gate", "expected"), [(False, [0]), (True, [])])
def test_a_coasting_track_does_not_take_a_clutter_plot_that_would_make_it_run_away(
        two_sites, gate, expected):
    """A plot 8 km ahead of the coasting track's prediction, between its two neighbours'
    (3 km north and south, on schedule: their gates are a few hundred metres wide and do
    not hold it): inside the coasting track's gate (d^2 5.6 at 3.4 km sigma a
    coordinate). Taken, it would set the track flying at 559 m/s (its velocity gain is
    about 1.5 / dt), over the bound of 1.5 x 200 + 3 x 60 = 480 m/s: without the gate it
    takes it; with it, it is refused and left to start a track of its own."""
    site = two_sites[0]
    tracker = table(site, coast_speed_gate=gate)
    plot = PREDICTED + np.array([8_000.0, 0.0, 0.0])
    assert taker(tracker, site, plot, REPORT_TIME_S) == expected
    if gate:
        assert tracker.size == 4  # the plot started a tentative track
        np.testing.assert_allclose(tracker.state[0, 3:], VELOCITY)  # untouched


def test_the_neighbours_on_schedule_take_their_own_reports_with_the_gate_on(two_sites):
    """The neighbours are on schedule: their reports (150 m off their predictions, the
    picture lags) are taken as without the gate, whatever the coasting track does."""
    site = two_sites[0]
    tracker = table(site, coast_speed_gate=True)
    for north_m, track in ((3_000.0, 1), (-3_000.0, 2)):
        report = PREDICTED + np.array([-150.0, north_m, 0.0])
        assert taker(tracker, site, report, REPORT_TIME_S) == [track]


def test_a_coasting_track_takes_its_aircraft_after_a_turn(two_sites):
    """Its aircraft turned north at 3 deg/s for the 30 s of the coast (a standard-rate
    turn through 90 degrees: 3.8 km east and 3.8 km north of where it started, against
    the track's 6 km east): the report is 4.4 km off the prediction, behind and across
    it, and taken with the gate on; the update turns the track's velocity north-east at
    about its old speed (102, 171 m/s)."""
    site = two_sites[0]
    # The neighbours are moved away so that only the coasting track can take it.
    tracker = table(site, coast_speed_gate=True)
    tracker.state[1:, 1] += 50_000.0
    radius_m = 200.0 / np.radians(3.0)
    turned = COASTING_FROM + np.array([radius_m, radius_m, 0.0])  # quarter circle
    assert taker(tracker, site, turned, REPORT_TIME_S) == [0]
    velocity = tracker.state[0, 3:]
    assert 150.0 < np.linalg.norm(velocity) < 250.0 and velocity[1] > 100.0


def test_a_ballistic_track_is_not_gated(two_sites):
    """A track classified a ballistic missile (gravity, boost) is not gated on its speed:
    it takes the plot the airliner's track refused."""
    site = two_sites[0]
    tracker = table(site, kind=BALLISTIC, coast_speed_gate=True)
    plot = PREDICTED + np.array([8_000.0, 0.0, 0.0])
    assert taker(tracker, site, plot, REPORT_TIME_S) == [0]


def test_a_track_on_schedule_is_not_gated(two_sites):
    """Updated one revisit ago, the same 4 km jump is outside its narrow gate anyway; a
    report within it (250 m ahead) is taken with the gate on."""
    site = two_sites[0]
    tracker = table(site, coast_speed_gate=True)
    tracker.time_s[0] = tracker.last_update_s[0] = REPORT_TIME_S - 2.0
    tracker.last_update_by_radar_s[0, 0] = REPORT_TIME_S - 2.0
    tracker.state[0, :3] = PREDICTED - VELOCITY * 2.0
    assert taker(tracker, site, PREDICTED + np.array([250.0, 0.0, 0.0]),
                 REPORT_TIME_S) == [0]

