"""The tracker's per-step bookkeeping in compiled calls (the miss counting,
:func:`pass_kernels.count_misses`; the constant-velocity update,
:func:`pass_kernels.update_in_turn`; the deletions of :meth:`CentralTracker.drop`,
:func:`pass_kernels.stale_tracks`) gives, bit for bit, what the NumPy code it replaced
gives (kept here as references): on random track tables with tracks close together, and
over a run of ``layered-defense`` with clutter, where both paths must log the same events
and leave the same table."""

from __future__ import annotations

import numpy as np
import pytest
from test_deletion_by_misses import radar, sites_of
from test_pass_kernels import GROUND_M, random_scans, random_sites

import iadsim
from iadsim.events import EventLog
from iadsim.scenario.schema import Scenario, Tracking
from iadsim.tracking import pass_kernels, score
from iadsim.tracking.tracker import CONFIRMED, TENTATIVE, CentralTracker


def misses_of_pairs_by_numpy(tracker, tracks, seen, position, radars):
    track, scan = seen.nonzero()
    covered = tracker._covered(position[tracks[track], scan], radars)[np.arange(track.size),
                                                                      scan]
    return np.bincount(track[covered], minlength=tracks.size)


def tentative_misses_by_numpy(tracker, scan_time, position, radars):
    """The tracker's former ``_count_tentative_misses``."""
    tentative = (tracker.status == TENTATIVE).nonzero()[0]
    if tentative.size == 0:
        return None
    last = tracker.last_update_by_radar_s[tentative][:, radars]
    seen = np.isfinite(last) & (last < scan_time)
    if not seen.any():
        return None
    if (scan_time == scan_time[0]).all():
        missed = (seen & tracker._covered(position[tentative, 0], radars)).sum(axis=1)
    else:
        missed = misses_of_pairs_by_numpy(tracker, tentative, seen, position, radars)
    if not missed.any():
        return None
    tracker.misses[tentative] += missed.astype(tracker.misses.dtype)
    if tracker._score:
        tracker.score[tentative] += missed * score.miss_score(
            tracker.settings.score_detection_probability)
    hopeless = tracker._hopeless(tentative, tracker.misses[tentative],
                                 tracker.score[tentative] if tracker._score else None)
    if not hopeless.any():
        return None
    doomed = np.zeros(tracker.size, dtype=bool)
    doomed[tentative[hopeless]] = True
    return doomed


def confirmed_misses_by_numpy(tracker, scan_time, position, radars):
    """The tracker's former ``_count_confirmed_misses``."""
    confirmed = (tracker.status == CONFIRMED).nonzero()[0]
    if confirmed.size == 0:
        return None
    last = tracker.last_update_by_radar_s[confirmed][:, radars]
    reported = np.isfinite(last)
    hit = reported & (last >= scan_time)
    missed = reported & ~hit
    if not missed.any() and not hit.any():
        return None
    covered = np.zeros(missed.shape, dtype=bool)
    if missed.any():
        track, scan = missed.nonzero()
        covered[track, scan] = tracker._covered(
            position[confirmed[track], scan], radars)[np.arange(track.size), scan]
    looked, scan_radar = np.unique(radars, return_inverse=True)
    scan_radar = scan_radar.reshape(-1)
    by_radar = np.zeros((radars.size, looked.size), dtype=np.int32)
    by_radar[np.arange(radars.size), scan_radar] = 1
    latest = np.zeros(looked.size, dtype=np.intp)
    np.maximum.at(latest, scan_radar, np.arange(radars.size))
    counts = tracker.missed_scans[np.ix_(confirmed, looked)]
    counts[(hit.astype(np.int32) @ by_radar) > 0] = 0
    counts += covered.astype(np.int32) @ by_radar
    tracker.missed_scans[np.ix_(confirmed, looked)] = counts
    tracker.covering[np.ix_(confirmed, looked)] = np.where(
        reported[:, latest], hit[:, latest] | covered[:, latest],
        tracker.covering[np.ix_(confirmed, looked)])
    lost = lost_by_misses(tracker, confirmed) & (
        float(scan_time.max()) - tracker.last_update_s[confirmed]
        > tracker.settings.coast_timeout_s)
    if not lost.any():
        return None
    doomed = np.zeros(tracker.size, dtype=bool)
    doomed[confirmed[lost]] = True
    return doomed


def lost_by_misses(tracker, rows):
    """The tracker's former ``_lost_by_misses``: whether each confirmed track of ``rows``
    is lost by its misses (every radar that has reported it and whose last scan held it in
    its coverage has missed it ``deletion_misses`` scans in a row, and there is one)."""
    counted = np.isfinite(tracker.last_update_by_radar_s[rows]) & tracker.covering[rows]
    enough = tracker.missed_scans[rows] >= tracker.settings.deletion_misses
    return ((tracker.status[rows] == CONFIRMED) & (counted & enough).any(axis=1)
            & ~(counted & ~enough).any(axis=1))


def coast_timeout_s(tracker, rows):
    """The tracker's former ``_coast_timeout_s``: ``coast_timeout_s`` stretched to
    ``deletion_misses + 1`` revisits of the slowest radar that has reported the track."""
    slowest = np.where(np.isfinite(tracker.last_update_by_radar_s[rows]),
                       tracker._site_revisit_s, 0.0).max(axis=1, initial=0.0)
    return np.maximum(tracker.settings.coast_timeout_s,
                      (tracker.settings.deletion_misses + 1) * slowest)


def count_misses_by_numpy(tracker, scan_time, position, radars):
    """The tracker's former ``_count_misses``."""
    doomed = tentative_misses_by_numpy(tracker, scan_time, position, radars)
    if tracker._delete_by_misses:
        lost = confirmed_misses_by_numpy(tracker, scan_time, position, radars)
        if lost is not None:
            doomed = lost if doomed is None else doomed | lost
    if doomed is not None and doomed.any():
        tracker._remove(float(scan_time.max()), doomed)


def drop_by_numpy(tracker, time_s, killed_track_ids=None):
    """The tracker's former :meth:`CentralTracker.drop` (NumPy)."""
    if tracker.held.size:
        fresh = time_s - tracker.held.time_s <= tracker.settings.tentative_timeout_s
        if not fresh.all():
            tracker.held.keep(fresh)
    if tracker.size == 0:
        return
    settings = tracker.settings
    age = time_s - tracker.last_update_s
    coasted = age > settings.coast_timeout_s
    if tracker._delete_by_misses and coasted.any():
        rows = coasted.nonzero()[0]
        coasted[rows] = (lost_by_misses(tracker, rows)
                         | (age[rows] > coast_timeout_s(tracker, rows)))
    stale = np.where(tracker.status == TENTATIVE, age > settings.tentative_timeout_s,
                     coasted)
    stale |= ((tracker.hits > 1)
              & (tracker._position_variance(time_s) > settings.max_position_sigma_m**2))
    if killed_track_ids is not None and killed_track_ids.size:
        stale |= np.isin(tracker.track_id, killed_track_ids)
    if stale.any():
        tracker._remove(time_s, stale)


def random_tracker(rng, tracks, radars, settings):
    """A tracker over ``radars`` sites of random coverage (:func:`random_sites`) whose
    table holds ``tracks`` random tracks in groups close together, tentative and
    confirmed, some seen by no radar."""
    sites = sites_of(*(radar(f"radar-{k}") for k in range(radars)))
    log = EventLog([site.name for site in sites], [], [])
    tracker = CentralTracker(Tracking(**settings), sites, log, ground_elevation_m=GROUND_M)
    # Random coverage, some of it away from the tracks.
    (tracker._site_position, tracker._site_rotation, tracker._site_coverage,
     tracker._site_reach_m) = random_sites(rng, radars)
    centres = rng.normal(0.0, 40_000.0, (tracks // 3 + 1, 3))
    centres[:, 2] = np.abs(centres[:, 2]) / 10.0
    place = centres.repeat(3, axis=0)[:tracks] + rng.normal(0.0, 30.0, (tracks, 3))
    state = np.column_stack([place, rng.normal(0.0, 250.0, (tracks, 3))])
    covariance = np.tile(np.eye(6) * 100.0, (tracks, 1, 1))
    by_radar = rng.choice([-np.inf, 4.0, 5.25, 7.0], size=(tracks, radars))
    status = rng.choice([TENTATIVE, CONFIRMED], size=tracks).astype(np.int8)
    tracker._append(np.arange(tracks), state, covariance, rng.uniform(3.0, 5.0, tracks),
                    status, rng.integers(1, 4, tracks).astype(np.int32), by_radar)
    tracker.misses[:] = rng.integers(0, 3, tracks)
    tracker.last_update_s[:] = rng.choice([-40.0, 4.0], size=tracks)
    if tracker._score:
        tracker.score[:] = rng.normal(-2.0, 4.0, tracks)
    if tracker._delete_by_misses:
        tracker.missed_scans[:] = rng.integers(0, 8, (tracks, radars))
        tracker.covering[:] = rng.random((tracks, radars)) < 0.7
    return tracker


def table_of(tracker):
    return {name: getattr(tracker, name).copy() for name in tracker._columns}


SETTINGS = [
    {"deletion": "misses"},  # the default M of N and score, deletion by misses
    {"confirmation": "score", "deletion": "coast_timeout"},
    {"confirmation": "m_of_n", "one_plot_misses": 1, "deletion": "misses", "deletion_misses": 2},
]


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("tracks", [0, 1, 40])
@pytest.mark.parametrize("settings", SETTINGS)
def test_count_misses_equals_the_numpy_reference(seed, tracks, settings):
    rng = np.random.default_rng(seed)
    radars = 4
    tracker = random_tracker(rng, tracks, radars, settings)
    scan_time, radar_index, _ = random_scans(rng, 1 + seed, radars)
    if seed % 2:  # one look time for all the scans (the reference's other branch)
        scan_time = np.full(scan_time.size, 5.5)
    position = pass_kernels.scan_layout(
        scan_time, radar_index.astype(np.int64), np.zeros(scan_time.size, dtype=np.intp),
        tracker.state, tracker.time_s, tracker._site_position, tracker._site_reach_m)[6]
    reference = random_tracker(np.random.default_rng(seed), tracks, radars, settings)
    before = table_of(tracker)
    count_misses_by_numpy(reference, scan_time, position, radar_index.astype(np.int64))
    tracker._count_misses(scan_time, position, radar_index.astype(np.int64))
    for name, column in table_of(reference).items():
        assert np.array_equal(getattr(tracker, name), column,
                              equal_nan=column.dtype.kind == "f"), name
    assert tracker.log.to_frame().equals(reference.log.to_frame())
    if tracks == 40 and seed >= 2:  # the test can fail: something changed
        changed = tracker.size < tracks or any(
            not np.array_equal(getattr(tracker, name), before[name])
            for name in ("misses", "missed_scans", "covering") if name in before)
        assert changed


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("tracks", [0, 1, 40])
@pytest.mark.parametrize("settings", SETTINGS)
def test_drop_equals_the_numpy_reference(seed, tracks, settings):
    """Tracks of every age (some past each timeout), covariance and misses; at times
    that delete none, some and many, and with tracks assessed killed."""
    settings = {**settings, "max_position_sigma_m": 300.0, "coast_timeout_s": 20.0}
    tracker = random_tracker(np.random.default_rng(seed), tracks, 4, settings)
    reference = random_tracker(np.random.default_rng(seed), tracks, 4, settings)
    for table in (tracker, reference):
        table.time_s[:] = np.random.default_rng(seed + 1).uniform(-30.0, 5.0, tracks)
    killed = np.array([3, 17, 99]) if seed % 2 else None
    dropped = 0
    for time_s in (5.0, 12.0, 30.0):
        count = tracker.size
        drop_by_numpy(reference, time_s, killed)
        tracker.drop(time_s, killed)
        dropped += count - tracker.size
        for name, column in table_of(reference).items():
            assert np.array_equal(getattr(tracker, name), column,
                                  equal_nan=column.dtype.kind == "f"), name
    assert tracker.log.to_frame().equals(reference.log.to_frame())
    if tracks == 40:
        assert 0 < dropped < 40  # the test can fail


def update_in_turn_declined(track_rows, taken, report_time, *arguments):
    """:func:`pass_kernels.update_in_turn` declining every update (as for a report out of
    sequence): the tracker then takes its general path, rounds of :func:`kalman.predict`
    and :func:`kalman.update` and the NumPy bookkeeping."""
    status = arguments[9]
    rows, reports, time_of = pass_kernels.update_order(track_rows, taken, report_time,
                                                       status.size)[:3]
    return rows, reports, time_of, np.zeros(0, dtype=bool), False


def short_run(scenario: Scenario):
    result = iadsim.run(scenario, seed=2)
    return result.events, result.tracks


@pytest.fixture(scope="module")
def short_layered_defense() -> Scenario:
    scenario = iadsim.load_scenario("layered-defense")
    return Scenario.model_validate(
        {**scenario.model_dump(), "sim": {**scenario.sim.model_dump(), "duration_s": 240.0}})


def test_a_run_with_the_compiled_bookkeeping_equals_the_numpy_reference(
        short_layered_defense, monkeypatch):
    """240 s of layered-defense: clutter starts and drops tracks every step, targets are
    confirmed and updated by several radars at several look times a step."""
    events, tracks = short_run(short_layered_defense)
    with monkeypatch.context() as patch:
        patch.setattr(CentralTracker, "_count_misses",
                      lambda self, *arguments: count_misses_by_numpy(self, *arguments))
        patch.setattr(pass_kernels, "update_in_turn", update_in_turn_declined)
        # The compiled pass (assignment_pass) calls update_in_turn itself: not here.
        patch.setattr(CentralTracker, "_fused_pass", False)
        patch.setattr(CentralTracker, "drop", drop_by_numpy)
        reference_events, reference_tracks = short_run(short_layered_defense)
    assert len(events) > 1_000
    assert (events["kind"] == "track_drop").sum() > 100  # clutter dropped by its misses
    assert (events["kind"] == "track_confirm").sum() >= 5
    assert events.equals(reference_events)
    assert tracks.equals(reference_tracks)


def test_the_table_keeps_its_rows_through_appends_and_removals():
    """The columns are views of buffers with room (:meth:`CentralTracker._append`): after
    appends and removals in any order, growing past the buffers, each column holds what
    concatenating and masking the plain arrays gives, and a column set from outside is
    kept (copied into a new buffer at the next append)."""
    rng = np.random.default_rng(5)
    tracker = random_tracker(rng, 10, 4, {})
    expected = table_of(tracker)
    for step in range(40):
        if step == 20:  # set from outside, as a test may
            tracker.status = tracker.status.copy()
            expected["status"] = tracker.status.copy()
        if step % 3 == 2 and tracker.size:
            gone = rng.random(tracker.size) < 0.4
            tracker._remove(float(step), gone)
            expected = {name: column[~gone] for name, column in expected.items()}
        else:
            count = int(rng.integers(1, 30))
            before = tracker.size
            rows = tracker._start_tracks(rng.integers(0, 4, count), float(step),
                                         rng.normal(0.0, 1e4, (count, 3)),
                                         np.tile(np.eye(3) * 50.0, (count, 1, 1)))
            assert rows.tolist() == list(range(before, before + count))
            expected = {name: np.concatenate([column, getattr(tracker, name)[rows]])
                        for name, column in expected.items()}
            assert np.isnan(tracker.vertical_acceleration_mps2[rows]).all()
            assert (tracker.kind_index[rows] == -1).all() and (tracker.misses[rows] == 0).all()
            assert (tracker.score[rows] == 0.0).all()  # ln of the default density ratio 1
            assert (tracker.missed_scans[rows] == 0).all() and not tracker.covering[rows].any()
        for name, column in expected.items():
            got = getattr(tracker, name)
            assert got.dtype == column.dtype and got.flags.c_contiguous, name
            assert np.array_equal(got, column, equal_nan=column.dtype.kind == "f"), name
    assert tracker._buffers["state"].shape[0] >= tracker.size > 64  # grown past the first
