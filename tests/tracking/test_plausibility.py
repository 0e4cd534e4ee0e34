"""Kinematic plausibility at confirmation (``tracking.kinematic_plausibility``,
:mod:`iadsim.tracking.plausibility`): a tentative track faster than any threat kind the
scenario declares could fly at its height is not confirmed.

The trackers are driven directly with noisy plots (the radar's errors around the truth;
the tracker never sees the truth, and the bound is built from declared kinds and speeds).
"""

from __future__ import annotations

import numpy as np
import pytest
from test_tracker import events, make_tracker, measure, site  # noqa: F401 (site: a fixture)

from iadsim.errors import ScenarioError
from iadsim.events import EventKind
from iadsim.scenario import load_scenario, scenario_from_dict
from iadsim.scenario.schema import Tracking
from iadsim.tracking.plausibility import BALLISTIC_LEVEL_FLIGHT_HEIGHT_M, SpeedBound
from iadsim.tracking.tracker import CONFIRMED

LANE_SPACING_M, REVISIT_S = 1_500.0, 2.0
#: The layered-defense network's declared waypoint speeds top out at 250 m/s (cruise
#: missile, strike aircraft): with the 50 % margin, 375 m/s; it has ballistic missiles.
RAID_BOUND = SpeedBound(waypoint_speed_mps=375.0, ballistic=True, max_speed_mps=2_500.0,
                        min_path_angle_rad=np.radians(20.0), sigmas=3.0)


def _tracker(site, bound: SpeedBound | None, **settings):  # noqa: F811
    tracker, log = make_tracker(site, **settings)
    tracker.plausibility = bound
    return tracker, log


def _confirmed_speeds(tracker) -> np.ndarray:
    confirmed = tracker.status == CONFIRMED
    return np.linalg.norm(tracker.state[confirmed, 3:], axis=1)


def _lane_hopping_plots(site, rng, scans: int = 8) -> list:  # noqa: F811
    """Eight drones at 50 m/s east in parallel lanes 1.5 km apart at 300 m, 40 km north of
    the radar, launched one after the other: at each 2 s scan the radar has a plot of every
    drone in flight, and the newest drone's first plot lies one lane on from the previous
    newest one's, 1.5 km in 2 s (750 m/s) across the lanes."""
    batches = []
    for scan in range(scans):
        time_s = REVISIT_S * scan
        flying = np.arange(min(scan + 1, 8))
        truth = np.column_stack([np.full(flying.size, -20_000.0) + 50.0 * (time_s - REVISIT_S
                                                                          * flying),
                                 40_000.0 + LANE_SPACING_M * flying,
                                 np.full(flying.size, 300.0)])
        batches.append(measure(site, truth, time_s, rng))
    return batches


def _hopping_ghost_plots(site, rng, scans: int = 8) -> list:  # noqa: F811
    """Plots of eight drones in parallel lanes 1.5 km apart (50 m/s east, 300 m high) of
    which the radar sees one a scan, a lane further on each time (as a dense raid's
    missed detections leave them): the plots hop across the lanes at 750 m/s."""
    batches = []
    for scan in range(scans):
        time_s = REVISIT_S * scan
        truth = np.array([[-20_000.0 + 50.0 * time_s, 40_000.0 + LANE_SPACING_M * scan, 300.0]])
        batches.append(measure(site, truth, time_s, rng))
    return batches


@pytest.mark.parametrize("confirmation", ["m_of_n", "m_of_n_and_score", "score"])
def test_lane_hopping_plots_confirm_a_fast_low_ghost_only_without_the_bound(
        site, confirmation):  # noqa: F811
    """The plots that hop a lane a scan: without the bound one track takes them all and is
    confirmed at 750 m/s at 300 m (a ghost: no drone flies faster than 50 m/s); with it,
    none is confirmed (each plot is a drone's, no track is)."""
    for seed in range(3):
        batches = _hopping_ghost_plots(site, np.random.default_rng(seed))
        without, _ = _tracker(site, None, confirmation=confirmation)
        with_bound, log = _tracker(site, RAID_BOUND, confirmation=confirmation)
        for batch in batches:
            without.process(batch)
            with_bound.process(batch)
        ghosts = _confirmed_speeds(without)
        assert ghosts.size == 1 and 700.0 < ghosts[0] < 800.0, (seed, ghosts)
        assert _confirmed_speeds(with_bound).size == 0, seed
        assert log.count(EventKind.TRACK_CONFIRM) == 0
        # The refused track is still there, tentative, with the plots.
        assert (with_bound.hits >= 4).any()


def test_drones_in_parallel_lanes_confirm_with_the_bound_and_no_fast_track(site):  # noqa: F811
    """Eight drones in lanes 1.5 km apart launched one a scan (each new drone's first plot
    a lane on from the last): with the bound every drone gets its confirmed track at about
    50 m/s, and no track faster than 375 m/s is confirmed."""
    tracker, _ = _tracker(site, RAID_BOUND)
    for batch in _lane_hopping_plots(site, np.random.default_rng(1), scans=12):
        tracker.process(batch)
    speeds = _confirmed_speeds(tracker)
    assert speeds.size == 8, speeds
    assert (speeds < 150.0).all(), speeds
    north = tracker.state[tracker.status == CONFIRMED, 1]
    assert np.allclose(np.sort(north), 40_000.0 + LANE_SPACING_M * np.arange(8), atol=300.0)


@pytest.mark.parametrize("dive_deg", [30.0, 45.0, 70.0])
def test_a_descending_ballistic_missile_is_confirmed(site, dive_deg):  # noqa: F811
    """A ballistic missile diving at 1,500 m/s through 9-3 km (below the waypoint
    kinds' 375 m/s and below 15 km): steep, so confirmed at its fourth plot, as without
    the bound, for several draws."""
    for seed in range(5):
        rng = np.random.default_rng(seed)
        angle = np.radians(dive_deg)
        velocity = 1_500.0 * np.array([np.cos(angle), 0.0, -np.sin(angle)])
        start = np.array([0.0, 40_000.0, 3_000.0]) - velocity * 8.0  # 3 km at 8 s
        with_bound, log = _tracker(site, RAID_BOUND)
        without, plain_log = _tracker(site, None)
        for scan in range(5):
            time_s = REVISIT_S * scan
            batch = measure(site, (start + velocity * time_s)[None], time_s, rng)
            with_bound.process(batch)
            without.process(batch)
        confirms = events(log, EventKind.TRACK_CONFIRM)
        plain = events(plain_log, EventKind.TRACK_CONFIRM)
        assert confirms["time_s"].tolist() == plain["time_s"].tolist() == [6.0], seed
        assert 1_300.0 < _confirmed_speeds(with_bound)[0] < 1_700.0


def test_a_ballistic_missile_near_apogee_is_confirmed(site):  # noqa: F811
    """Level at 2,000 m/s at 60 km (near an apogee, above 15 km): plausible."""
    tracker, _ = _tracker(site, RAID_BOUND)
    rng = np.random.default_rng(0)
    for scan in range(4):
        truth = np.array([[-10_000.0 + 2_000.0 * REVISIT_S * scan, 120_000.0, 60_000.0]])
        tracker.process(measure(site, truth, REVISIT_S * scan, rng))
    assert _confirmed_speeds(tracker).size == 1


def test_a_fast_high_aircraft_is_confirmed_and_a_level_fast_low_one_only_if_declared(
        site):  # noqa: F811
    """An aircraft at 600 m/s: at 10 km and level, a scenario whose fastest declared
    waypoint speed is 250 m/s refuses it when it has no ballistic missiles (nothing it
    declares flies so fast) and so does one with them (level below 15 km); a scenario that
    declares a 600 m/s aircraft confirms it, at 10 km and at 500 m."""
    declared_slow = SpeedBound(375.0, False, 2_500.0, np.radians(20.0), 3.0)
    declared_fast = SpeedBound(900.0, False, 2_500.0, np.radians(20.0), 3.0)
    for height_m, bound, confirmed in ((10_000.0, declared_slow, 0), (10_000.0, RAID_BOUND, 0),
                                       (10_000.0, declared_fast, 1), (500.0, declared_fast, 1)):
        tracker, _ = _tracker(site, bound)
        rng = np.random.default_rng(2)
        for scan in range(6):
            truth = np.array([[-20_000.0 + 600.0 * REVISIT_S * scan, 50_000.0, height_m]])
            tracker.process(measure(site, truth, REVISIT_S * scan, rng))
        assert _confirmed_speeds(tracker).size == confirmed, (height_m, bound)


def test_the_bound_reads_declared_kinds_and_speeds():
    """layered-defense declares waypoint kinds at up to 250 m/s and ballistic missiles:
    375 m/s with the 50 % margin, ballistic; without its ballistic groups, not."""
    scenario = load_scenario("layered-defense")
    declared = [group.speed_mps for group in scenario.threats
                if group.kind != "ballistic_missile"]
    settings = Tracking(kinematic_plausibility=True)
    bound = SpeedBound.for_threats(scenario.threats, settings)
    assert bound.waypoint_speed_mps == pytest.approx(1.5 * max(declared))
    assert bound.ballistic
    waypoint_only = [group for group in scenario.threats if group.kind != "ballistic_missile"]
    assert not SpeedBound.for_threats(waypoint_only, settings).ballistic
    assert SpeedBound.for_scenario(scenario) == bound  # the option is on by default
    off = scenario.model_copy(update={"tracking": Tracking(kinematic_plausibility=False)})
    assert SpeedBound.for_scenario(off) is None


def test_the_bound_at_the_edges():
    """Speed less 3 sigma along the velocity against the bound; a dive's angle with the
    vertical speed moved 3 sigma from zero; level fast flight is plausible only above
    15 km."""
    small = np.tile(np.eye(3) * 10.0**2, (6, 1, 1))
    velocity = np.array([[400.0, 0, 0], [430.0, 0, 0], [1_000.0, 0, -300.0],
                         [1_000.0, 0, -400.0], [2_000.0, 0, 0], [2_000.0, 0, 0]])
    height = np.array([300.0, 300.0, 2_000.0, 2_000.0, BALLISTIC_LEVEL_FLIGHT_HEIGHT_M - 1,
                       BALLISTIC_LEVEL_FLIGHT_HEIGHT_M])
    no_ballistic = SpeedBound(375.0, False, 2_500.0, np.radians(20.0), 3.0)
    assert no_ballistic.plausible(velocity, small, height).tolist() == [
        True, False, False, False, False, False]
    # sin 20 deg x |v| = 361.6 and 378.6 m/s against 300 + 30 and 400 + 30.
    assert RAID_BOUND.plausible(velocity, small, height).tolist() == [
        True, False, False, True, False, True]


def test_a_bad_setting_is_one_line_naming_the_field():
    for name, value in (("plausibility_speed_margin", -0.1),
                        ("plausibility_ballistic_path_angle_deg", 95.0),
                        ("plausibility_sigmas", 11.0)):
        with pytest.raises(ScenarioError) as caught:
            scenario_from_dict({"name": "bad", "origin": {"lat_deg": 42.0, "lon_deg": 35.0},
                                "sim": {"duration_s": 10.0},
                                "tracking": {"kinematic_plausibility": True, name: value}})
        text = str(caught.value)
        assert f"tracking.{name}" in text and "\n" not in text.strip(), text
