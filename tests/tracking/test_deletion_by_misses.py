"""Deletion of confirmed tracks by their misses in coverage (``tracking.deletion: misses``).

The tracker is driven as the engine drives it: a step a second, each scan's reports
delivered ``LATENCY_S`` after the scan, then :meth:`CentralTracker.drop` at the step's
end. Radars scan every 10 s (a surveillance radar's revisit); reports are noisy (the
radar's sigmas, ``test_tracker.measure``), and every scan also reports a false alarm far
from the targets, at a new place each scan, so that a scan that misses a target still
arrives. The tracker sees reports only: its picture differs from the truth by the
measurement errors, and in the last test by a registration error.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_tracker import FRAME, LAT, LON, events, measure

from iadsim.errors import ScenarioError
from iadsim.events import EventKind, EventLog
from iadsim.scenario import scenario_from_dict
from iadsim.scenario.schema import Tracking
from iadsim.sensors.radar import DetectionBatch, radar_sites
from iadsim.tracking.tracker import CONFIRMED, CentralTracker

REVISIT_S = 10.0
LATENCY_S = 1.8  # the S-400-class radar's scans reach the tracker 1.8 s late in a run
#: An airliner 100 km north-east of the radar, 10 km up, flying west at 220 m/s.
START = np.array([70_000.0, 70_000.0, 10_000.0])
VELOCITY = np.array([-220.0, 0.0, 0.0])
#: Settings of these tests: M of N confirmation (no score veto: the deletion alone is
#: tested), an airliner's process noise (the covariance bound left to its own test).
SETTINGS = {"confirmation": "m_of_n", "confirm_hits": 3, "confirm_window": 4,
            "process_noise_mps2": 5.0, "max_target_speed_mps": 400.0,
            "deletion": "misses", "max_position_sigma_m": 10_000.0}


def radar(name: str, revisit_s: float = REVISIT_S, **more) -> dict:
    return {"name": name, "lat_deg": LAT, "lon_deg": LON, "height_m": 20.0,
            "ref_range_km": 200.0, "max_range_km": 300.0, "revisit_s": revisit_s,
            "range_sigma_m": 30.0, "azimuth_sigma_deg": 0.05, "elevation_sigma_deg": 0.05,
            **more}


def sites_of(*radars: dict):
    scenario = scenario_from_dict({"name": "deletion-test",
                                   "origin": {"lat_deg": LAT, "lon_deg": LON},
                                   "sim": {"duration_s": 3_600.0}, "sensors": list(radars)})
    return radar_sites(scenario, FRAME)


@pytest.fixture(scope="module")
def one_radar():
    return sites_of(radar("search"))


def tracker_for(sites, **settings) -> tuple[CentralTracker, EventLog]:
    log = EventLog([site.name for site in sites], [], [])
    return CentralTracker(Tracking(**{**SETTINGS, **settings}), sites, log), log


def with_false_alarm(batch: DetectionBatch, rng: np.random.Generator) -> DetectionBatch:
    """``batch`` and one false alarm 150-250 km from the radar, 6 to 23 degrees west of
    north (inside every radar's coverage here, 50 km or more from every target), at a
    random place."""
    site_range = rng.uniform(150_000.0, 250_000.0)
    bearing = rng.uniform(-0.4, -0.1)
    alarm = np.array([[site_range * np.sin(bearing), site_range * np.cos(bearing),
                       rng.uniform(1_000.0, 12_000.0)]])
    extra = measure(batch_site(batch), alarm, batch.time_s, rng, batch.radar_index)
    return DetectionBatch(
        batch.radar_index, batch.time_s,
        *(np.concatenate([getattr(batch, name), getattr(extra, name)])
          for name in ("range_m", "azimuth_rad", "elevation_rad", "snr_db")),
        np.concatenate([batch.threat_id, np.full(1, -1)]),
        np.concatenate([batch.position_m, extra.position_m]),
        np.concatenate([batch.position_cov_m2, extra.position_cov_m2]))


_SITES: dict[int, object] = {}


def batch_site(batch: DetectionBatch):
    return _SITES[batch.radar_index]


def run(tracker: CentralTracker, sites, truth, detected, end_s: float, seed: int = 0,
        scan_times: dict[int, np.ndarray] | None = None, reported=None) -> None:
    """Step the tracker a second at a time up to ``end_s``. Radar ``r`` scans at
    ``scan_times[r]`` (default every 10 s from 5 s); ``truth(time_s)`` gives the targets'
    true positions (k, 3); ``detected(radar, scan_index, time_s)`` which of them that scan
    reports (k,) booleans; ``reported(radar, time_s, positions)`` where the radar reports
    them (default: where they are, plus its noise)."""
    rng = np.random.default_rng(seed)
    _SITES.clear()
    _SITES.update(enumerate(sites))
    if scan_times is None:
        scan_times = {index: np.arange(5.0, end_s, site.revisit_s)
                      for index, site in enumerate(sites)}
    pending: list[DetectionBatch] = []
    for index, site in enumerate(sites):
        for scan, time_s in enumerate(scan_times[index].tolist()):
            positions = truth(time_s)
            seen = positions[detected(index, scan, time_s)]
            if reported is not None:
                seen = reported(index, time_s, seen)
            batch = measure(site, seen.reshape(-1, 3), time_s, rng, index)
            pending.append(with_false_alarm(batch, rng))
    pending.sort(key=lambda batch: (batch.time_s, batch.radar_index))
    for step_s in np.arange(1.0, end_s + 1.0, 1.0):
        due = [batch for batch in pending if batch.time_s + LATENCY_S <= step_s]
        pending = pending[len(due):]
        tracker.process_scans(due)
        tracker.drop(float(step_s))


def one_target(time_s: float) -> np.ndarray:
    return (START + VELOCITY * time_s)[None, :]


def target_tracks(log: EventLog) -> list[int]:
    """Confirmed tracks, by confirmation time."""
    return events(log, EventKind.TRACK_CONFIRM)["track_id"].tolist()


def test_the_option_is_checked():
    assert Tracking().deletion == "miss_probability"
    assert Tracking().deletion_misses == 6
    with pytest.raises(ValueError, match="deletion\n"):
        Tracking(deletion="score")
    with pytest.raises(ValueError, match="deletion_misses"):
        Tracking(deletion_misses=0)


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("deletion", "score", "'coast_timeout', 'misses' or 'miss_probability'"),
    ("deletion_misses", 0, "greater than or equal to 1"),
    ("deletion_misses", 2.5, "integer")])
def test_a_bad_deletion_setting_is_one_line_naming_the_field(field, value, expected):
    document = {"name": "bad", "origin": {"lat_deg": LAT, "lon_deg": LON},
                "sim": {"duration_s": 10.0}, "tracking": {field: value}}
    with pytest.raises(ScenarioError) as raised:
        scenario_from_dict(document)
    (line,) = str(raised.value).splitlines()
    assert f"tracking.{field}" in line and expected in line


def test_three_misses_in_a_row_keep_one_track(one_radar):
    """Scans 0-9 report the target, 10-12 miss it, 13-30 report it. The coast timeout
    (30 s) drops its track at 30.8 s without an update, before the third scan's report
    arrives (1.8 s late), and a second track takes over; counted misses keep one track."""
    def detected(radar, scan, time_s):
        return np.array([not 10 <= scan <= 12])

    timed, timed_log = tracker_for(one_radar, deletion="coast_timeout")
    run(timed, one_radar, one_target, detected, 310.0)
    assert len(target_tracks(timed_log)) == 2
    drop = events(timed_log, EventKind.TRACK_DROP)
    confirmed_drop = drop[drop["track_id"] == target_tracks(timed_log)[0]]
    assert confirmed_drop["time_s"].tolist() == [126.0]  # last plot 95 s: 31 s later

    counted, counted_log = tracker_for(one_radar, deletion="misses", deletion_misses=6)
    run(counted, one_radar, one_target, detected, 310.0)
    assert len(target_tracks(counted_log)) == 1
    row = counted.track_id == target_tracks(counted_log)[0]
    assert counted.status[row].tolist() == [CONFIRMED]
    assert counted.missed_scans[row, 0].tolist() == [0]
    truth = one_target(310.0)[0]
    assert np.linalg.norm(counted.state[row, :3][0] + counted.state[row, 3:][0]
                          * (310.0 - counted.time_s[row][0]) - truth) < 1_000.0


def circling(time_s: float) -> np.ndarray:
    """An airliner circling the radar 100 km out, 10 km up, at 220 m/s (0.13 deg/s)."""
    angle = 220.0 / 100_000.0 * time_s
    return np.array([[100_000.0 * np.sin(angle), 100_000.0 * np.cos(angle), 10_000.0]])


def test_at_a_marginal_pd_one_track_lives_through_the_hour(one_radar):
    """Pd 0.72 (seeded draws, 360 scans) on a target that stays in coverage: the coast
    timeout splits it many times; with deletion_misses 6 one track follows it the whole
    hour (its longest run of misses here is 5)."""
    draws = np.random.default_rng(12).uniform(size=360) < 0.72
    runs = np.diff(np.flatnonzero(np.concatenate([[True], draws, [True]]))) - 1
    assert runs.max() == 5 and (runs >= 3).sum() >= 5  # the seed's draws: several long runs

    def detected(radar, scan, time_s):
        return np.array([draws[scan]])

    timed, timed_log = tracker_for(one_radar, deletion="coast_timeout")
    run(timed, one_radar, circling, detected, 3_600.0)
    assert len(target_tracks(timed_log)) >= 5
    counted, counted_log = tracker_for(one_radar, deletion="misses", deletion_misses=6)
    run(counted, one_radar, circling, detected, 3_600.0)
    assert len(target_tracks(counted_log)) == 1
    assert log_drops_of(counted_log, target_tracks(counted_log)) == []


def log_drops_of(log: EventLog, tracks: list[int]) -> list[float]:
    drop = events(log, EventKind.TRACK_DROP)
    return drop[drop["track_id"].isin(tracks)]["time_s"].tolist()


@pytest.mark.parametrize(("misses", "drop_s"), [(6, 265.0), (3, 237.0)])
def test_a_vanished_target_is_deleted_at_its_last_scans_miss(one_radar, misses, drop_s):
    """The target is killed after the scan at 205 s (its last report). Each later scan
    misses it: its track is deleted with the ``misses``-th miss (logged at that scan's
    time, 10 x misses s after its last report; the tracker has it 1.8 s later), but not
    before the coast timeout (30 s): with 3 misses, at the step the third reaches the
    tracker (237 s; deleted there as older than 30 s).
    The bound: max(deletion_misses revisits, coast_timeout_s + a step)."""
    def detected(radar, scan, time_s):
        return np.array([time_s <= 205.0])

    tracker, log = tracker_for(one_radar, deletion="misses", deletion_misses=misses)
    run(tracker, one_radar, one_target, detected, 400.0)
    (track,) = target_tracks(log)
    drop = events(log, EventKind.TRACK_DROP)
    drop = drop[drop["track_id"] == track]
    assert drop["time_s"].tolist() == [drop_s]
    assert drop["value"].tolist() == [drop_s - 205.0]  # seconds since its last report


def test_a_fast_radars_misses_delete_no_sooner_than_the_coast_timeout():
    """One radar scanning every second reports the target until 100.5 s (its Pd at the
    edge of its detection range could be as low as this test's silence): its sixth miss
    comes at 106.5 s, but the track is kept to the coast timeout (deleted at 131 s, 30.5 s
    after its last report), as deletion by the coast timeout alone would."""
    sites = sites_of(radar("fast", revisit_s=1.0))

    def detected(radar_index, scan, time_s):
        return np.array([time_s <= 100.5])

    scan_times = {0: np.arange(0.5, 200.0, 1.0)}
    for deletion in ("misses", "coast_timeout"):
        tracker, log = tracker_for(sites, deletion=deletion, deletion_misses=6)
        run(tracker, sites, one_target, detected, 200.0, scan_times=scan_times)
        (track,) = target_tracks(log)
        assert log_drops_of(log, [track]) == [131.0]


@pytest.mark.parametrize(("process_noise_mps2", "deleted_by"), [(5.0, "time"),
                                                                (30.0, "covariance")])
def test_a_target_out_of_every_radars_coverage_is_deleted_by_a_bound(
        process_noise_mps2, deleted_by):
    """A radar covering a 60-degree sector centred north: the target, 100 km out, flies
    east out of it (its bearing passes 29.5 degrees at about 257 s, 30 at 262 s) and is
    reported until then (last at 255 s). Outside the sector nothing is a miss; the track
    is deleted by the time bound, 7 revisits (70 s) after its last report with
    deletion_misses 6, or sooner by the covariance bound (10 km) when the process noise
    is a missile's (30 m/s^2)."""
    sites = sites_of(radar("sector", sector_center_deg=0.0, sector_width_deg=60.0))
    start, velocity = np.array([0.0, 100_000.0, 8_000.0]), np.array([220.0, 0.0, 0.0])

    def truth(time_s):
        return (start + velocity * time_s)[None, :]

    def detected(radar, scan, time_s):
        position = truth(time_s)[0]
        return np.array([np.degrees(np.arctan2(position[0], position[1])) < 29.5])

    tracker, log = tracker_for(sites, deletion="misses", deletion_misses=6,
                               process_noise_mps2=process_noise_mps2)
    run(tracker, sites, truth, detected, 500.0)
    (track,) = target_tracks(log)
    drop = events(log, EventKind.TRACK_DROP)
    drop = drop[drop["track_id"] == track]
    (age_s,) = drop["value"].tolist()
    if deleted_by == "time":
        assert 70.0 < age_s <= 71.0
    else:
        assert 30.0 < age_s < 70.0


def test_a_radar_still_seeing_the_track_keeps_it():
    """Radar ``fast`` (2 s) reports the target in its first 20 s only, and then holds it
    in its coverage and misses it at every scan; radar ``slow`` (10 s) reports it all
    along. The fast radar's misses (dozens in a row) do not delete it while the slow one
    sees it; once the slow one too has missed it 6 scans in a row, it is deleted."""
    sites = sites_of(radar("slow"), radar("fast", revisit_s=2.0))

    def detected(radar_index, scan, time_s):
        if radar_index == 1:
            return np.array([time_s < 20.0])
        return np.array([time_s < 300.0])

    tracker, log = tracker_for(sites, deletion="misses", deletion_misses=6)
    run(tracker, sites, one_target, detected, 250.0)
    (track,) = target_tracks(log)
    row = tracker.track_id == track
    assert tracker.missed_scans[row].tolist()[0][1] > 100  # fast: 115 misses in a row
    assert tracker.missed_scans[row].tolist()[0][0] == 0
    run_to = 450.0
    tracker, log = tracker_for(sites, deletion="misses", deletion_misses=6)
    run(tracker, sites, one_target, detected, run_to)
    (track,) = target_tracks(log)
    # The slow radar's last report at 295 s; its sixth miss at 355 s.
    assert log_drops_of(log, [track]) == [355.0]


def abreast(spacing_m: float):
    """Three airliners flying west in a line abreast, ``spacing_m`` apart north-south."""
    offsets = np.array([[0.0, 0.0, 0.0], [0.0, spacing_m, 0.0], [0.0, 2 * spacing_m, 0.0]])

    def truth(time_s: float) -> np.ndarray:
        return START + offsets + VELOCITY * time_s

    return truth


#: Scans at which each of the three targets is missed, 4 in a row, in turn.
GAPS = {0: range(10, 14), 1: range(20, 24), 2: range(30, 34)}


def nearest_targets(tracker: CentralTracker, truth: np.ndarray, time_s: float) -> list[int]:
    """The target (row of ``truth``) nearest each live confirmed track, and check it is
    within 500 m."""
    alive = tracker.status == CONFIRMED
    position = (tracker.state[alive, :3] + tracker.state[alive, 3:]
                * (time_s - tracker.time_s[alive])[:, None])
    distance = np.linalg.norm(position[:, None, :] - truth[None, :, :], axis=2)
    assert (distance.min(axis=1) < 500.0).all()
    return distance.argmin(axis=1).tolist()


@pytest.mark.parametrize("cost", ["distance", "likelihood", "coasting_likelihood"])
def test_close_targets_each_missed_four_scans_in_a_row_keep_their_tracks(one_radar, cost):
    """Three targets 1.5 km apart (the radar's cross-range sigma here is 90 m), each
    missed 4 scans in a row at its own time, its neighbours' reports beside its coasting
    track. Counted misses keep one track a target, each on its own target, all along;
    the coast timeout drops each and starts another (6 confirmed tracks). With either
    association cost: the likelihood's ln|S| does not cost a coasting track its own
    target's report when it comes back."""
    truth = abreast(1_500.0)

    def detected(radar, scan, time_s):
        return np.array([scan not in GAPS[target] for target in range(3)])

    counted, counted_log = tracker_for(one_radar, deletion="misses", deletion_misses=6,
                                       association_cost=cost)
    run(counted, one_radar, truth, detected, 500.0)
    assert len(target_tracks(counted_log)) == 3
    assert log_drops_of(counted_log, target_tracks(counted_log)) == []
    assert nearest_targets(counted, truth(500.0), 500.0) == [0, 1, 2]
    assert counted.track_id[counted.status == CONFIRMED].tolist() == target_tracks(
        counted_log)
    timed, timed_log = tracker_for(one_radar, deletion="coast_timeout")
    run(timed, one_radar, truth, detected, 500.0)
    assert len(target_tracks(timed_log)) == 6


def test_a_killed_target_among_close_ones_is_deleted_at_its_sixth_miss(one_radar):
    """Three targets 4 km apart; the middle one is killed after the scan at 405 s. Its
    track is deleted at its sixth miss (465 s); the outer two keep theirs."""
    truth = abreast(4_000.0)

    def detected(radar, scan, time_s):
        return np.array([target != 1 or time_s <= 405.0 for target in range(3)])

    tracker, log = tracker_for(one_radar, deletion="misses", deletion_misses=6)
    run(tracker, one_radar, truth, detected, 600.0)
    confirmed = target_tracks(log)
    assert len(confirmed) == 3
    assert log_drops_of(log, confirmed) == [465.0]
    assert nearest_targets(tracker, truth(600.0), 600.0) == [0, 2]


def test_a_killed_target_close_to_another_is_deleted_at_its_sixth_miss(one_radar):
    """As above, 1.5 km apart, with the default association cost (``coasting_likelihood``):
    the dead middle track's gate widens as it coasts, but past one missed revisit it
    pays for the width it gained, so its neighbour's report goes to the neighbour's own
    track; it is deleted at its sixth miss (465 s) and the outer two keep theirs. (Under
    ``distance`` it is not: the test below.)"""
    truth = abreast(1_500.0)

    def detected(radar, scan, time_s):
        return np.array([target != 1 or time_s <= 405.0 for target in range(3)])

    tracker, log = tracker_for(one_radar, deletion="misses", deletion_misses=6)
    run(tracker, one_radar, truth, detected, 600.0)
    confirmed = target_tracks(log)
    assert len(confirmed) == 3
    assert log_drops_of(log, confirmed) == [465.0]
    assert nearest_targets(tracker, truth(600.0), 600.0) == [0, 2]


def test_under_the_distance_cost_a_killed_targets_track_lives_on_its_neighbours_reports(
        one_radar):
    """The case above under ``association_cost: distance`` (``G - d^2``, the default until
    the coasting likelihood): after three misses the dead middle track's gate holds its
    neighbour's report, whose squared distance from it is often smaller than from the
    neighbour's own (tighter) track, and the assignment gives it the report: the ghost
    lives on the neighbour's reports past its sixth miss (to 515 s, noise seed 0)."""
    truth = abreast(1_500.0)

    def detected(radar, scan, time_s):
        return np.array([target != 1 or time_s <= 405.0 for target in range(3)])

    tracker, log = tracker_for(one_radar, deletion="misses", deletion_misses=6,
                               association_cost="distance")
    run(tracker, one_radar, truth, detected, 600.0)
    drops = log_drops_of(log, target_tracks(log))
    assert drops != [465.0] and all(drop > 465.0 for drop in drops)


def test_misses_are_charged_where_the_track_is_not_where_the_target_is():
    """The sector radar (60 degrees centred north). The target flies straight out along
    the bearing 29.5 degrees, is last reported at 245 s, turns east at 250 s and leaves
    the sector at about 256 s. Its track, predicted straight on, stays inside: each later
    scan is a miss by the picture (the tracker never sees the truth), and the track is
    deleted at the sixth, 60 s after its last report; a target leaving the sector the
    way its track predicts is kept to the time bound (71 s, the test above)."""
    sites = sites_of(radar("sector", sector_center_deg=0.0, sector_width_deg=60.0))
    outward = np.array([np.sin(np.radians(29.5)), np.cos(np.radians(29.5)), 0.0])
    start = np.array([0.0, 0.0, 8_000.0]) + 80_000.0 * outward

    def truth(time_s):
        straight = start + 220.0 * outward * min(time_s, 250.0)
        return (straight + np.array([220.0, 0.0, 0.0]) * max(time_s - 250.0, 0.0))[None, :]

    def detected(radar_index, scan, time_s):
        return np.array([time_s < 250.0])

    tracker, log = tracker_for(sites, deletion="misses", deletion_misses=6)
    run(tracker, sites, truth, detected, 500.0)
    later = truth(265.0)[0]
    assert np.degrees(np.arctan2(later[0], later[1])) > 30.0  # the truth has left
    (track,) = target_tracks(log)
    drop = events(log, EventKind.TRACK_DROP)
    drop = drop[drop["track_id"] == track]
    assert drop["time_s"].tolist() == [305.0] and drop["value"].tolist() == [60.0]


def rotated_about_the_radar(angle_deg: float):
    """A ``reported`` for :func:`run`: the radar's azimuth is off by ``angle_deg``
    (reports rotated about the radar's vertical), so that the picture differs from the
    truth by the registration error (300 m at 100 km for 0.17 degree)."""
    angle = np.radians(angle_deg)
    rotation = np.array([[np.cos(angle), -np.sin(angle), 0.0],
                         [np.sin(angle), np.cos(angle), 0.0], [0.0, 0.0, 1.0]])

    def reported(radar_index, time_s, positions):
        return positions @ rotation.T

    return reported


@pytest.mark.parametrize("cost", ["likelihood", "coasting_likelihood"])
@pytest.mark.parametrize(("azimuth_error_deg", "motion_model", "seed"),
                         [(0.0, "cv", 0), (0.0, "cv", 1), (0.0, "cv", 2), (0.17, "cv", 0),
                          (0.0, "imm", 0)])
def test_with_the_likelihood_cost_a_killed_target_close_to_another_is_deleted_at_its_sixth_miss(
        one_radar, azimuth_error_deg, motion_model, seed, cost):
    """The case above with ``association_cost: likelihood``
    (G_L - d^2 - ln|S|) or ``coasting_likelihood`` (G - d^2 less the ln|S| the track
    gained coasting past ``coast_free_revisits``): the dead middle track's gate widens
    as it coasts, and its (gained) ln|S| now outweighs the smaller d^2 it gives the
    neighbour's report, so the neighbour's own track takes it; the dead track misses six
    scans and is deleted at 465 s. Noise seeds 0-2 (under ``distance`` the ghost lives to
    515 s, past 600 s and to 495 s). Also with the radar's azimuth off by 0.17 degree
    (the whole picture about 300 m from the truth): the tracker decides on the reports
    alone; and with the IMM (its pairs priced by its CV model's ln|S|,
    :meth:`CentralTracker._imm_pricing`; under ``coasting_likelihood`` the gained width
    is its table estimate's)."""
    truth = abreast(1_500.0)

    def detected(radar, scan, time_s):
        return np.array([target != 1 or time_s <= 405.0 for target in range(3)])

    tracker, log = tracker_for(one_radar, deletion="misses", deletion_misses=6,
                               association_cost=cost, motion_model=motion_model)
    run(tracker, one_radar, truth, detected, 600.0, seed=seed,
        reported=rotated_about_the_radar(azimuth_error_deg))
    confirmed = target_tracks(log)
    assert len(confirmed) == 3
    assert log_drops_of(log, confirmed) == [465.0]
    merges = events(log, EventKind.TRACK_MERGE)
    assert merges.empty
    alive = tracker.status == CONFIRMED
    assert tracker.track_id[alive].tolist() == [confirmed[0], confirmed[2]]
    if azimuth_error_deg == 0.0:
        assert nearest_targets(tracker, truth(600.0), 600.0) == [0, 2]
    else:  # the picture is off the truth; each track is nearest its target's reports
        assert nearest_targets(tracker, rotated_about_the_radar(azimuth_error_deg)(
            0, 600.0, truth(600.0)), 600.0) == [0, 2]
