"""A radar with no false alarms charges its misses (``tracking.empty_scans``).

A look that reports nothing was not delivered to the tracker, so a radar without false
alarms charged no miss whenever it missed all its targets: the misses a deletion by
misses counts were never counted, and a vanished target's track lived until the outer
bound. With ``empty_scans`` every look is delivered (an end-of-scan message) and its
misses are counted. The tracker is driven directly with hand-made batches (noisy reports
of two targets 1 km apart, no false alarm, 10 s scans delivered 1.8 s late); one end to
end run checks that the radars deliver the empty looks.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_deletion_by_misses import radar, sites_of
from test_tracker import LAT, LON, events, measure

import iadsim
from iadsim.events import EventKind, EventLog
from iadsim.scenario.schema import Tracking
from iadsim.tracking.tracker import CentralTracker

START = np.array([[60_000.0, 80_000.0, 9_000.0], [60_000.0, 81_000.0, 9_000.0]])
VELOCITY = np.array([-220.0, 0.0, 0.0])
LATENCY_S = 1.8


@pytest.fixture(scope="module")
def ten_second_radar():
    return sites_of(radar("quiet", revisit_s=10.0))


def run(tracker, site, seen_until_s: tuple[float, float], end_s: float) -> None:
    """Scans every 10 s from 5 s: target k reported while the time is at most
    ``seen_until_s[k]`` (then it vanished); no false alarm, so a scan with no target in it
    is an empty batch. Stepped a second at a time (batches arrive 1.8 s late)."""
    rng = np.random.default_rng(4)
    pending = []
    for time_s in np.arange(5.0, end_s, 10.0):
        truth = START + VELOCITY * time_s
        present = np.array([time_s <= until for until in seen_until_s])
        pending.append(measure(site, truth[present].reshape(-1, 3), float(time_s), rng))
    for step_s in np.arange(1.0, end_s + 1.0, 1.0):
        due = [batch for batch in pending if batch.time_s + LATENCY_S <= step_s]
        pending = pending[len(due):]
        tracker.process_scans(due)
        tracker.drop(float(step_s))


def tracker_for(site, empty_scans: bool) -> tuple[CentralTracker, EventLog]:
    """The default tracker (deletion by miss probability) of one radar."""
    log = EventLog([site.name], [], [])
    return CentralTracker(Tracking(empty_scans=empty_scans), [site], log), log


def drops(log) -> dict[int, float]:
    """Deletion time of each confirmed track."""
    confirmed = events(log, EventKind.TRACK_CONFIRM)["track_id"].tolist()
    dropped = events(log, EventKind.TRACK_DROP)
    dropped = dropped[dropped["track_id"].isin(confirmed)]
    return dict(zip(dropped["track_id"].tolist(), dropped["time_s"].tolist(), strict=True))


def test_the_default_is_off():
    assert Tracking().empty_scans is False


@pytest.mark.parametrize(("empty_scans", "drop_s"), [(True, 245.0), (False, 256.0)])
def test_both_targets_gone_the_quiet_radar_deletes_them_at_their_run(
        ten_second_radar, empty_scans, drop_s):
    """Both targets reported at every scan to 205 s, then gone (killed): every later look
    reports nothing. With ``empty_scans`` the four misses their P_D allows are counted
    and both tracks are deleted with the fourth (logged at that scan's time, 245 s, when
    it reaches the tracker 1.8 s later); without, no miss is counted and they live to
    the outer bound, (4 + 1) revisits after their last report (deleted once older than
    50 s: 256 s)."""
    (site,) = ten_second_radar
    tracker, log = tracker_for(site, empty_scans)
    run(tracker, site, (205.0, 205.0), 400.0)
    deleted = drops(log)
    assert len(deleted) == 2
    assert set(deleted.values()) == {drop_s}


@pytest.mark.parametrize("empty_scans", [True, False])
def test_one_target_gone_beside_a_live_one_is_deleted_alike(ten_second_radar, empty_scans):
    """Only the first target vanishes; its neighbour 1 km away is reported at every scan,
    so every look holds a report and is delivered either way: the vanished target's
    track is deleted at its fourth miss (245 s) with or without ``empty_scans``, and the
    live one is kept."""
    (site,) = ten_second_radar
    tracker, log = tracker_for(site, empty_scans)
    run(tracker, site, (205.0, 1e9), 400.0)
    deleted = drops(log)
    assert list(deleted.values()) == [245.0]
    assert tracker.picture(400.0).size == 1


def test_the_radars_deliver_the_empty_looks():
    """End to end: one radar without false alarms (``resolution_cells: 0``) and one
    aircraft in its coverage whose route ends at 123 s (another flies out of reach, so
    the run goes on). With ``empty_scans`` its track is deleted at its fourth miss, 40 s
    after its last report plus the report's latency and the step; without, the quiet
    looks are not delivered and it lives to the outer bound, (4 + 1) revisits."""
    def document(empty_scans: bool) -> dict:
        return {"name": "quiet-radar", "origin": {"lat_deg": LAT, "lon_deg": LON},
                "sim": {"duration_s": 400.0, "seed": 3},
                "sensors": [{**radar("quiet", revisit_s=10.0),
                             "resolution_cells": 0.0}],
                "threats": [{"name": "a", "kind": "aircraft", "rcs_m2": 10.0,
                             "speed_mps": 200.0,
                             "route": [{"lat_deg": LAT + 0.6, "lon_deg": LON,
                                        "altitude_m": 9_000.0},
                                       {"lat_deg": LAT + 0.6, "lon_deg": LON + 0.3,
                                        "altitude_m": 9_000.0}]},
                            # Out of the radar's reach (550 km), flying on: the run goes on.
                            {"name": "far", "kind": "aircraft", "rcs_m2": 10.0,
                             "speed_mps": 200.0,
                             "route": [{"lat_deg": LAT + 5.0, "lon_deg": LON,
                                        "altitude_m": 9_000.0},
                                       {"lat_deg": LAT + 5.0, "lon_deg": LON + 2.0,
                                        "altitude_m": 9_000.0}]}],
                "tracking": {"empty_scans": empty_scans}}

    coast = {}
    for empty_scans in (True, False):
        result = iadsim.run(document(empty_scans))
        kind = result.events["kind"].astype(str)
        assert (kind == "false_alarm").sum() == 0
        confirmed = result.events.loc[kind == "track_confirm", "track_id"]
        drop = result.events[(kind == "track_drop")
                             & result.events["track_id"].isin(confirmed)]
        (coast[empty_scans],) = drop["value"].tolist()
    assert coast[True] < 45.0 < 50.0 < coast[False] < 55.0
