"""Compiled births and deaths of the track table (:mod:`iadsim.tracking.table_kernels`):
the rows, and the events written straight into the event log's block, equal what the
NumPy path gives (``np.take`` of each column, :meth:`EventLog.add` of each event kind),
also when the log's block is full; and the merge check's bound never skips a pair the
gate would hold."""

from __future__ import annotations

import numpy as np
import pytest
from test_step_kernels import random_tracker, table_of

from iadsim import events
from iadsim.events import EventKind, EventLog
from iadsim.tracking import kalman, table_kernels
from iadsim.tracking.association import gated_pairs
from iadsim.tracking.tracker import CONFIRMED, GRAVITY_MPS2, TENTATIVE


def reference_log(tracker) -> EventLog:
    return EventLog(tracker.log._names["sensor"], [], [])


def test_removal_logs_and_compacts_as_numpy_does():
    """Drops then merges: each column is the masked column (``np.take`` of the rows
    kept), and the log holds what :meth:`EventLog.add` of the NumPy values logs, with
    other events logged in between."""
    rng = np.random.default_rng(3)
    tracker = random_tracker(rng, 50, 4, {})
    expected_log = reference_log(tracker)
    for step in range(6):
        before = table_of(tracker)
        gone = rng.random(tracker.size) < 0.3
        gone[0] = step % 2 == 0  # the first row, in one case in two
        time_s = 10.0 + step
        merged_into = None
        if step >= 3:
            merged_into = rng.integers(0, 500, int(gone.sum()))
            expected_log.add(EventKind.TRACK_MERGE, time_s, track_id=before["track_id"][gone],
                             value=merged_into.astype(float),
                             position_m=before["state"][gone, :3])
        else:
            expected_log.add(EventKind.TRACK_DROP, time_s, track_id=before["track_id"][gone],
                             value=time_s - before["last_update_s"][gone],
                             position_m=before["state"][gone, :3])
        tracker._remove(time_s, gone, merged_into=merged_into)
        for log in (tracker.log, expected_log):  # another writer's event in between
            log.add(EventKind.RELOAD, time_s, battery_index=-1, value=float(step))
        for name, column in before.items():
            got = getattr(tracker, name)
            assert got.flags.c_contiguous and got.dtype == column.dtype, name
            assert got.tobytes() == column[~gone].tobytes(), name
    assert tracker.log.count(EventKind.TRACK_DROP) > 5
    assert tracker.log.count(EventKind.TRACK_MERGE) > 5
    assert tracker.log.to_frame().equals(expected_log.to_frame())


@pytest.mark.parametrize("confirm_hits", [1, 4])
def test_starts_log_as_numpy_does(confirm_hits):
    """Tracks started on reports: the new rows hold the report (zero velocity, the
    velocity prior, its radar's time), the other columns their new-track values, and the
    log ``track_start`` (and ``track_confirm`` when one hit confirms) as
    :meth:`EventLog.add` logs them; a caller that logs its own starts gets none."""
    rng = np.random.default_rng(4)
    tracker = random_tracker(rng, 10, 4, {"confirm_hits": confirm_hits,
                                          "confirmation": "m_of_n"})
    expected_log = reference_log(tracker)
    for step in range(5):
        count = int(rng.integers(0, 90))  # past the first arena's rows
        radar_of = rng.integers(0, 4, count)
        time_s = rng.uniform(1.0, 2.0, count) + step
        position = rng.normal(0.0, 1e4, (count, 3))
        position_cov = np.tile(np.eye(3) * 50.0, (count, 1, 1))
        log_start = step != 2
        ids = np.arange(tracker._next_id, tracker._next_id + count)
        rows = tracker._start_tracks(radar_of, time_s, position, position_cov, log_start)
        kinds = ([EventKind.TRACK_START] if log_start else []) + (
            [EventKind.TRACK_CONFIRM] if confirm_hits == 1 else [])
        for kind in kinds:
            expected_log.add(kind, time_s, track_id=ids, sensor_index=radar_of,
                             position_m=position)
        assert tracker.track_id[rows].tolist() == ids.tolist()
        assert (tracker.status[rows] == (CONFIRMED if confirm_hits == 1 else TENTATIVE)).all()
        np.testing.assert_array_equal(tracker.state[rows, :3], position)
        assert (tracker.state[rows, 3:] == 0.0).all() and (tracker.hits[rows] == 1).all()
        np.testing.assert_array_equal(tracker.covariance[rows, :3, :3], position_cov)
        np.testing.assert_array_equal(tracker.covariance[rows, 3:, 3:],
                                      np.broadcast_to(tracker._velocity_prior_cov,
                                                      (count, 3, 3)))
        assert (tracker.covariance[rows, :3, 3:] == 0.0).all()
        for name in ("time_s", "born_s", "last_update_s"):
            np.testing.assert_array_equal(getattr(tracker, name)[rows], time_s)
        by_radar = np.full((count, 4), -np.inf)
        by_radar[np.arange(count), radar_of] = time_s
        np.testing.assert_array_equal(tracker.last_update_by_radar_s[rows], by_radar)
        assert np.isnan(tracker.vertical_acceleration_mps2[rows]).all()
        assert (tracker.kind_index[rows] == -1).all() and (tracker.misses[rows] == 0).all()
        assert (tracker.missed_scans[rows] == 0).all() and not tracker.covering[rows].any()
    assert tracker.log.to_frame().equals(expected_log.to_frame())


def test_a_full_block_takes_the_events_through_add(monkeypatch):
    """Blocks of 16 rows: starts and drops whose events do not fit in the last block's
    rows are logged through :meth:`EventLog.add` (across blocks), the others straight
    into the block; the log is the same as one written by ``add`` alone."""
    monkeypatch.setattr(events, "BLOCK_ROWS", 16)
    rng = np.random.default_rng(6)
    tracker = random_tracker(rng, 30, 4, {})
    expected_log = reference_log(tracker)
    for step in range(12):
        count = int(rng.integers(1, 12))
        radar_of = rng.integers(0, 4, count)
        position = rng.normal(0.0, 1e4, (count, 3))
        ids = np.arange(tracker._next_id, tracker._next_id + count)
        tracker._start_tracks(radar_of, float(step), position,
                              np.tile(np.eye(3) * 50.0, (count, 1, 1)))
        expected_log.add(EventKind.TRACK_START, float(step), track_id=ids,
                         sensor_index=radar_of, position_m=position)
        gone = rng.random(tracker.size) < 0.25
        expected_log.add(EventKind.TRACK_DROP, step + 0.5, track_id=tracker.track_id[gone],
                         value=step + 0.5 - tracker.last_update_s[gone],
                         position_m=tracker.state[gone, :3])
        tracker._remove(step + 0.5, gone)
    assert len(tracker.log._blocks) > 3
    assert tracker.log.to_frame().equals(expected_log.to_frame())


def test_room_is_the_last_blocks_free_rows():
    """:meth:`EventLog.room` gives the last block's columns and first free row while the
    rows fit, none past its end, none on the consolidated store :meth:`to_frame` leaves;
    rows written there count once :meth:`written` is called."""
    log = EventLog(["a"], [], [])
    assert log.room(1) is None  # no block yet
    log.add(EventKind.RELOAD, 1.0, value=2.0)
    columns, first = log.room(3)
    assert first == 1 and len(columns) == len(events.STORED_COLUMNS)
    assert log.room(events.BLOCK_ROWS) is None
    time_s, kind = columns[0], columns[1]
    assert time_s.dtype == np.float64 and kind.dtype == np.int8
    row = dict(zip(events.STORED_COLUMNS, columns, strict=True))
    for name, column in row.items():
        column[first] = events._FILL.get(name, 0)
    row["time_s"][first], row["kind_code"][first] = 2.0, events.kind_code(
        EventKind.THREAT_LAUNCH)
    row["threat_id"][first], row["value"][first] = 5, 1e6
    log.written(EventKind.THREAT_LAUNCH, 1)
    assert len(log) == 2 and log.count(EventKind.THREAT_LAUNCH) == 1
    frame = log.to_frame()
    assert frame["kind"].tolist() == ["reload", "threat_launch"]
    assert frame["threat_id"].tolist() == [-1, 5] and frame["time_s"].tolist() == [1.0, 2.0]
    assert frame["value"].tolist() == [2.0, 1e6] and frame["sensor"].isna().all()
    assert log.room(1) is None  # the consolidated store is full
    log.add(EventKind.RELOAD, 3.0, value=1.0)
    assert log.room(1)[1] == 1  # a new block after it


def random_confirmed_table(rng, count, spacing_m):
    """States, covariances and times of ``count`` confirmed tracks spaced about
    ``spacing_m`` apart (some pairs close), with correlated covariances."""
    position = rng.normal(0.0, spacing_m, (count, 3))
    if count > 3:
        position[1] = position[0] + rng.normal(0.0, 30.0, 3)
    state = np.column_stack([position, rng.normal(0.0, 200.0, (count, 3))])
    root = rng.normal(0.0, 1.0, (count, 6, 6)) * rng.uniform(1.0, 30.0, (count, 1, 1))
    covariance = root @ root.transpose(0, 2, 1) + np.eye(6)
    time_s = rng.uniform(0.0, 4.0, count)
    return state, covariance, time_s


@pytest.mark.parametrize("seed", range(6))
def test_the_merge_bound_never_skips_a_pair_the_gate_holds(seed):
    """Whenever the merge's position gate (``gated_pairs`` of the predicted tracks, with
    and without gravity) holds two different tracks, :func:`table_kernels.may_merge` says
    they may merge; with tracks far apart it says none may (so the check is worth it)."""
    rng = np.random.default_rng(seed)
    threshold = 22.46  # chi-square 6 degrees of freedom at 0.999
    held = skipped = 0
    for trial in range(60):
        count = int(rng.integers(2, 12))
        spacing = [50.0, 500.0, 5_000.0, 100_000.0][trial % 4]
        state, covariance, track_time = random_confirmed_table(rng, count, spacing)
        status = np.full(count, CONFIRMED, dtype=np.int8)
        status[rng.random(count) < 0.2] = TENTATIVE
        confirmed = (status == CONFIRMED).nonzero()[0]
        acceleration = (np.tile(GRAVITY_MPS2, (confirmed.size, 1)) if trial % 3 == 0
                        else np.zeros((0, 3)))
        time_s = 5.0
        may = table_kernels.may_merge(state, covariance, track_time, status, CONFIRMED,
                                      time_s, 2.0, acceleration, threshold)
        predicted, predicted_cov = kalman.predict(
            state[confirmed], covariance[confirmed], time_s - track_time[confirmed], 2.0,
            acceleration if acceleration.size else None)
        first, second, _ = gated_pairs(predicted[:, :3], predicted_cov[:, :3, :3],
                                       predicted[:, :3], predicted_cov[:, :3, :3], threshold)
        if (first != second).any():
            held += 1
            assert may, trial
        elif not may:
            skipped += 1
    assert held > 10 and skipped > 10


def test_the_merge_check_on_far_tracks_keeps_no_streak(monkeypatch):
    """Confirmed tracks far apart: the check returns at once (no prediction, no gating)
    and forgets any streak."""
    def refused(*arguments, **keywords):
        raise AssertionError("predicted tracks no pair of which can merge")

    monkeypatch.setattr(kalman, "predict", refused)
    rng = np.random.default_rng(8)
    tracker = random_tracker(rng, 12, 4, {})
    tracker.status[:] = CONFIRMED
    tracker.state[:, :3] = np.arange(12)[:, None] * 200_000.0
    tracker._merge_streak = {(0, 1): (1, 0.0, 0.0)}
    tracker._merge_duplicates(6.0)
    assert tracker._merge_streak == {} and tracker.size == 12
