"""Missed updates are charged only by a radar whose coverage holds the track: its
azimuth sector, instrumented range, elevation limits and horizon.

Radar ``a`` covers a 60-degree sector centred north and scans every second; radar ``b``
covers all round and scans every 4 s. Two targets about 1 km apart, 10 km out, fly east at
600 m/s out of ``a``'s sector. Reports are noise-free (the radar's covariance), built by hand; radar
``a`` always reports something (a plot far away), so each of its scans is a chance to
miss the targets.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_track_management import at
from test_tracker import FRAME, LAT, LON, events, make_network_tracker

from iadsim.events import EventKind
from iadsim.scenario import scenario_from_dict
from iadsim.sensors.radar import radar_sites
from iadsim.tracking.tracker import CONFIRMED

VELOCITY = np.array([600.0, 0.0, 0.0])
NORTH_M = np.array([10_000.0, 11_000.0])
FAR = [[-150_000.0, -150_000.0, 3_000.0]]  # a's plot elsewhere (outside its sector: clutter)


@pytest.fixture(scope="module")
def sector_sites():
    radar = {"lat_deg": LAT, "lon_deg": LON, "height_m": 20.0, "ref_range_km": 200.0,
             "max_range_km": 300.0, "range_sigma_m": 30.0, "azimuth_sigma_deg": 0.05,
             "elevation_sigma_deg": 0.05}
    scenario = scenario_from_dict({
        "name": "sector-test", "origin": {"lat_deg": LAT, "lon_deg": LON},
        "sim": {"duration_s": 100.0},
        "sensors": [{**radar, "name": "a", "revisit_s": 1.0, "sector_center_deg": 0.0,
                     "sector_width_deg": 60.0},
                    {**radar, "name": "b", "revisit_s": 4.0}]})
    return radar_sites(scenario, FRAME)


def targets(bearing_deg: float, time_s: float) -> np.ndarray:
    """Two targets at 10 and 11 km north, 2 km up, both at ``bearing_deg`` from radar a
    at 1 s."""
    start = np.column_stack([NORTH_M * np.tan(np.deg2rad(bearing_deg)) - VELOCITY[0],
                             NORTH_M, np.full(2, 2_000.0)])
    return start + VELOCITY * time_s


def play(sites, bearing_deg: float, a_sees_until_s: float):
    """Radar a reports the targets until ``a_sees_until_s``, then only its far plot; b
    reports them at 1.5, 5.5 and 9.5 s. M = 4 of N = 6."""
    tracker, log = make_network_tracker(sites, confirm_hits=4, confirm_window=6)
    scans = sorted([(t, 0) for t in np.arange(1.0, 10.0, 1.0)] + [(1.5, 1), (5.5, 1), (9.5, 1)])
    for time_s, radar in scans:
        truth = targets(bearing_deg, time_s)
        if radar == 0 and time_s > a_sees_until_s:
            truth = np.array(FAR)
        elif radar == 0:
            truth = np.vstack([truth, FAR])
        tracker.process(at(sites[radar], truth, float(time_s), radar_index=radar))
    return tracker, log


def test_a_target_leaving_a_radars_sector_is_not_charged_its_misses(sector_sites):
    """Bearing from a: 29.5 degrees at 1 s (a reports them), past the sector's edge (30
    degrees) from 1.5 s on. Radar a's scans at 2 to 9 s cannot see the targets: no miss;
    b's reports at 1.5, 5.5 and 9.5 s confirm each first track at 9.5 s. (Charged as
    misses, a's scans at 2, 3 and 4 s would have deleted both at 4 s: more than N - M =
    2.)"""
    later = targets(29.5, 1.5)
    assert (np.rad2deg(np.arctan2(later[:, 0], later[:, 1])) > 30.0).all()
    tracker, log = play(sector_sites, 29.5, a_sees_until_s=1.0)
    near = np.linalg.norm(tracker.state[:, None, :3] - targets(29.5, 9.5)[None], axis=2)
    rows = near.argmin(axis=0)
    assert tracker.track_id[rows].tolist() == [0, 1]
    assert tracker.status[rows].tolist() == [CONFIRMED, CONFIRMED]
    assert tracker.misses[rows].tolist() == [0, 0]
    confirms = events(log, EventKind.TRACK_CONFIRM)
    assert sorted(confirms[confirms["track_id"].isin([0, 1])]["time_s"]) == [9.5, 9.5]


def test_a_target_inside_the_sector_is_charged_the_misses(sector_sites):
    """The same with the targets at 10 degrees, inside a's sector all along: a's scans
    at 2, 3 and 4 s that do not report them are misses, and the third deletes both
    tentative tracks (more than N - M = 2)."""
    _, log = play(sector_sites, 10.0, a_sees_until_s=1.0)
    drops = events(log, EventKind.TRACK_DROP)
    assert sorted(drops[drops["track_id"].isin([0, 1])]["time_s"]) == [4.0, 4.0]
