"""The compiled bookkeeping of the tracker's scan pass (:mod:`iadsim.tracking.pass_kernels`)
gives, bit for bit, what the NumPy code it replaced gives (kept here as references): on
random inputs with several tracks close together, and with empty inputs."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.sensors.coverage_geometry import coverage_matrix
from iadsim.tracking import kalman, pass_kernels
from iadsim.tracking.association import (
    BRUTE_FORCE_PAIRS,
    DENSE_ASSIGNMENT_SIZE,
    MAX_PAIRS_PER_TRACK,
    assign,
    gated_pairs_by_slice,
)
from iadsim.world.earth import EARTH_RADIUS_M

TENTATIVE, CONFIRMED = 1, 2
GROUND_M = 35.0


def random_covariances(rng: np.random.Generator, count: int, size: int,
                       scale: float) -> np.ndarray:
    """Symmetric positive definite (count, size, size) matrices of about ``scale``."""
    factor = rng.normal(size=(count, size, size)) * np.sqrt(scale)
    return factor @ np.swapaxes(factor, 1, 2) + np.eye(size) * scale * 0.1


def random_table(rng: np.random.Generator, tracks: int):
    """A track table whose tracks come in groups of three close together (tens of
    metres apart), and some with a non-finite last update by a radar."""
    centres = rng.normal(0.0, 60_000.0, (tracks // 3 + 1, 3))
    centres[:, 2] = np.abs(centres[:, 2]) / 10.0
    position = centres.repeat(3, axis=0)[:tracks] + rng.normal(0.0, 30.0, (tracks, 3))
    state = np.column_stack([position, rng.normal(0.0, 250.0, (tracks, 3))])
    covariance = random_covariances(rng, tracks, 6, 900.0)
    time_s = rng.uniform(0.0, 4.0, tracks)
    return state, covariance, time_s


def random_sites(rng: np.random.Generator, radars: int):
    """Radar positions (r, 3), rotations (r, 3, 3) and coverage tables (r, 6)."""
    position = rng.normal(0.0, 20_000.0, (radars, 3))
    position[:, 2] = rng.uniform(0.0, 50.0, radars)
    rotation = np.empty((radars, 3, 3))
    for radar in range(radars):
        q, _ = np.linalg.qr(np.eye(3) + rng.normal(0.0, 0.01, (3, 3)))
        rotation[radar] = q * np.sign(np.diag(q))
    table = np.column_stack([rng.uniform(40_000.0, 150_000.0, radars),
                             rng.uniform(10_000.0, 40_000.0, radars),
                             rng.uniform(-0.05, 0.02, radars), rng.uniform(0.5, 1.5, radars),
                             rng.uniform(0.0, 2 * np.pi, radars),
                             np.where(rng.random(radars) < 0.5, np.pi, 1.0)])
    reach = table[:, 0] + 20_000.0
    return position, rotation, table, reach


def random_scans(rng: np.random.Generator, scans: int, radars: int):
    """Scan times (in order, several scans of one time) with their radars and sizes."""
    times = np.sort(rng.choice([5.0, 5.25, 5.5, 6.0], size=scans))
    radar_index = rng.integers(0, radars, scans)
    order = np.lexsort((radar_index, times))
    return times[order], radar_index[order], rng.integers(0, 5, scans)


def layout_by_numpy(scan_time, radars, sizes):
    new_slice = np.ones(len(scan_time), dtype=bool)
    new_slice[1:] = scan_time[1:] != scan_time[:-1]
    slice_time, scan_slice = scan_time[new_slice], np.cumsum(new_slice) - 1
    scan_of = np.arange(len(scan_time)).repeat(sizes)
    return (slice_time, scan_slice, scan_of, radars[scan_of], scan_time[scan_of],
            scan_slice[scan_of])


def candidates_by_numpy(state, time_s, slice_time, scan_slice, radars, site_position, reach):
    reach = reach[radars]
    site_position = site_position[radars]
    position = (state[:, None, :3] + state[:, None, 3:]
                * (slice_time[None, :] - time_s[:, None])[:, :, None])
    position = position[:, scan_slice, :]
    offset = position - site_position[None, :, :]
    in_reach = np.einsum("ngi,ngi->ng", offset, offset) <= reach * reach
    first_scan = np.searchsorted(scan_slice, np.arange(slice_time.size))
    candidate = np.logical_or.reduceat(in_reach, first_scan, axis=1).T
    row_slice, rows = candidate.nonzero()
    return position, row_slice, rows


def covered_by_numpy(position, radars, site_position, rotation, table):
    position = np.ascontiguousarray(position, dtype=float).reshape(-1, 3)
    horizontal2 = position[:, 0] ** 2 + position[:, 1] ** 2
    height = position[:, 2] + horizontal2 / (2.0 * EARTH_RADIUS_M) - GROUND_M
    return coverage_matrix(position, np.ascontiguousarray(height), site_position[radars],
                           rotation[radars], table[radars])


def misses_of_pairs_by_numpy(tracks, seen, position, radars, sites):
    track, scan = seen.nonzero()
    covered = covered_by_numpy(position[tracks[track], scan], radars,
                               *sites[:3])[np.arange(track.size), scan]
    return np.bincount(track[covered], minlength=tracks.size)


def misses_before_first_by_numpy(track_rows, report_time, status, last_by_radar, scan_time,
                                 position, radars, sites):
    tentative = status[track_rows] == TENTATIVE
    tracks, inverse = np.unique(track_rows[tentative], return_inverse=True)
    first_time = np.full(tracks.size, np.inf)
    np.minimum.at(first_time, inverse.reshape(-1), report_time[tentative])
    last = last_by_radar[tracks][:, radars]
    seen = np.isfinite(last) & (last < scan_time) & (scan_time < first_time[:, None])
    return tracks, misses_of_pairs_by_numpy(tracks, seen, position, radars, sites)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("tracks", [0, 1, 40])
def test_layout_candidates_and_misses_equal_numpy(seed, tracks):
    rng = np.random.default_rng(seed)
    radars = 5
    sites = random_sites(rng, radars)
    state, _, time_s = random_table(rng, tracks)
    scan_time, radar_index, sizes = random_scans(rng, 1 + seed, radars)
    layout = pass_kernels.scan_layout(scan_time, radar_index.astype(np.int64),
                                      sizes.astype(np.intp), state, time_s, sites[0], sites[3])
    expected = layout_by_numpy(scan_time, radar_index, sizes)
    for got, want in zip(layout[:6], expected, strict=True):
        assert got.dtype == want.dtype and np.array_equal(got, want)
    slice_time, scan_slice = layout[0], layout[1]
    position, row_slice, rows = layout[6:]
    want_position, want_row_slice, want_rows = candidates_by_numpy(
        state, time_s, slice_time, scan_slice, radar_index, sites[0], sites[3])
    assert np.array_equal(position, want_position)
    assert np.array_equal(row_slice, want_row_slice) and np.array_equal(rows, want_rows)
    # Misses before the first report: every track tentative or not, last updates before,
    # after or never.
    last_by_radar = rng.choice([-np.inf, 4.0, 5.25, 7.0], size=(tracks, radars))
    status = rng.choice([TENTATIVE, CONFIRMED], size=tracks).astype(np.int8)
    track_rows = rng.integers(0, max(tracks, 1), 3 * tracks)
    report_time = rng.choice(scan_time, size=track_rows.size) if scan_time.size else (
        np.zeros(track_rows.size))
    got_tracks, got_missed = pass_kernels.misses_before_first_report(
        track_rows, report_time, status, last_by_radar, scan_time, position, radar_index,
        sites[0], sites[1], sites[2], GROUND_M)
    want_tracks, want_missed = misses_before_first_by_numpy(
        track_rows, report_time, status, last_by_radar, scan_time, position, radar_index,
        sites)
    assert np.array_equal(got_tracks, want_tracks)
    assert np.array_equal(got_missed, want_missed)


def later_by_numpy(track_rows, report_time, status):
    tentative = (status[track_rows] == TENTATIVE).nonzero()[0]
    if tentative.size < 2:
        return False
    order = tentative[np.lexsort((report_time[tentative], track_rows[tentative]))]
    rows, times = track_rows[order], report_time[order]
    return bool((times > times[np.searchsorted(rows, rows)]).any())


@pytest.mark.parametrize("seed", range(20))
def test_any_later_tentative_report_equals_numpy(seed):
    rng = np.random.default_rng(seed)
    status = rng.choice([TENTATIVE, CONFIRMED], size=6).astype(np.int8)
    pairs = rng.integers(0, 6)
    track_rows = rng.integers(0, 6, pairs)
    report_time = rng.choice([1.0, 1.5], size=pairs)
    assert pass_kernels.any_later_tentative_report(track_rows, report_time, status) == (
        later_by_numpy(track_rows, report_time, status))


def gate_by_numpy(position, position_cov, rows, row_slice, measurement, measurement_cov,
                  report_slice, slices, table_size, threshold):
    present = np.zeros(table_size, dtype=bool)
    present[rows] = True
    tracks = present.nonzero()[0]
    track_of_row = (np.cumsum(present) - 1)[rows]
    bounds = np.arange(slices + 1)
    pair_row, pair_measurement, distance2 = gated_pairs_by_slice(
        position, position_cov, np.searchsorted(row_slice, bounds), measurement,
        measurement_cov, np.searchsorted(report_slice, bounds), threshold)
    return tracks, pair_row, pair_measurement, distance2, track_of_row[pair_row]


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("candidates", [0, 1, 30, 1500])
def test_gate_candidates_by_slice_equals_gated_pairs_by_slice(seed, candidates):
    rng = np.random.default_rng(seed)
    slices, table_size = 3, 250
    rows = rng.integers(0, table_size, candidates)
    row_slice = np.sort(rng.integers(0, slices, candidates))
    order = np.lexsort((rows, row_slice))
    rows, row_slice = rows[order], row_slice[order]
    keep = np.ones(candidates, dtype=bool)
    keep[1:] = (rows[1:] != rows[:-1]) | (row_slice[1:] != row_slice[:-1])
    rows, row_slice = rows[keep].astype(np.intp), row_slice[keep].astype(np.intp)
    # Tracks and reports close together: many pairs in each other's gates.
    position = rng.normal(0.0, 150.0, (rows.size, 3))
    position_cov = random_covariances(rng, rows.size, 3, 20_000.0)
    reports = 2 * seed + 3
    measurement = rng.normal(0.0, 150.0, (reports, 3))
    measurement_cov = random_covariances(rng, reports, 3, 20_000.0)
    report_slice = np.sort(rng.integers(0, slices, reports)).astype(np.intp)
    got = pass_kernels.gate_candidates_by_slice(
        position, position_cov, rows, row_slice, measurement, measurement_cov, report_slice,
        slices, table_size, 11.34, MAX_PAIRS_PER_TRACK, BRUTE_FORCE_PAIRS // 3,
        BRUTE_FORCE_PAIRS)
    tracks, pair_row, pair_measurement, distance2, pair_track = gate_by_numpy(
        position, position_cov, rows, row_slice, measurement, measurement_cov, report_slice,
        slices, table_size, 11.34)
    assert np.array_equal(got[0], tracks)
    if got[-1]:
        for index, want in ((5, pair_row), (6, pair_measurement), (7, distance2),
                            (8, pair_track)):
            assert np.array_equal(got[index], want)
    else:  # the caller gates with the bounds and candidate-to-track map returned
        assert got[4] > BRUTE_FORCE_PAIRS or (
            np.diff(got[2]) * np.diff(got[3])).max() > BRUTE_FORCE_PAIRS // 3
        assert np.array_equal(got[1][pair_row], pair_track)
    if candidates == 30:
        assert got[-1] and pair_row.size > rows.size  # several pairs per track
    if candidates == 1500 and seed == 4:
        assert not got[-1]  # too many tests for one compiled call: the general gating



@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("candidates", [0, 1, 40])
def test_slice_layout_equals_numpy(seed, candidates):
    """:func:`pass_kernels.slice_layout` (shared by the general scan pass and the compiled
    one): the distinct tracks and each one's index (``np.unique``), the slice bounds
    (``np.searchsorted`` of each slice), the pair tests (slices left empty included)."""
    rng = np.random.default_rng(seed)
    slices, table_size = 5, 60
    rows = rng.integers(0, table_size, candidates).astype(np.intp)
    row_slice = np.sort(rng.integers(0, slices - 1, candidates)).astype(np.intp)
    report_slice = np.sort(rng.integers(1, slices, 2 * seed + 1)).astype(np.intp)
    tracks, local, track_bounds, measurement_bounds, tests, largest = (
        pass_kernels.slice_layout(rows, row_slice, report_slice, slices, table_size))
    distinct, inverse = np.unique(rows, return_inverse=True)
    assert np.array_equal(tracks, distinct)
    assert np.array_equal(local[rows], inverse.ravel())
    every_slice = np.arange(slices + 1)
    assert np.array_equal(track_bounds, np.searchsorted(row_slice, every_slice))
    assert np.array_equal(measurement_bounds, np.searchsorted(report_slice, every_slice))
    per_slice = np.diff(track_bounds) * np.diff(measurement_bounds)
    assert tests == per_slice.sum() and largest == per_slice.max()
    if candidates == 40:
        assert tests > 0 and tracks.size < rows.size  # rows repeat across slices

def two_passes_by_numpy(pair_slot, pair_measurement, gain, pair_status, slots, measurements):
    chosen_slots, chosen_measurements = [], []
    free = np.ones(measurements, dtype=bool)
    for status in (CONFIRMED, TENTATIVE):
        usable = (pair_status == status) & free[pair_measurement]
        if not usable.any():
            continue
        assigned_slots, assigned = assign(pair_slot[usable], pair_measurement[usable],
                                          gain[usable], slots, measurements)
        chosen_slots.append(assigned_slots)
        chosen_measurements.append(assigned)
        free[assigned] = False
    if not chosen_slots:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    return np.concatenate(chosen_slots), np.concatenate(chosen_measurements)


@pytest.mark.parametrize("seed", range(12))
def test_assign_confirmed_first_equals_two_calls_of_assign(seed):
    rng = np.random.default_rng(seed)
    slots, measurements = 24, 15
    pairs = 0 if seed == 0 else int(rng.integers(1, 80))
    key = np.unique(rng.integers(0, slots * measurements, pairs))
    pair_slot, pair_measurement = key // measurements, key % measurements
    gain = rng.uniform(-1.0, 12.0, key.size)
    gain[rng.random(key.size) < 0.1] = 3.0  # ties
    pair_status = np.where(pair_slot % 3 == 0, CONFIRMED, TENTATIVE).astype(np.int8)
    got_slots, got_measurements, solved = pass_kernels.assign_confirmed_first(
        pair_slot, pair_measurement, gain, pair_status, slots, measurements,
        DENSE_ASSIGNMENT_SIZE)
    want_slots, want_measurements = two_passes_by_numpy(pair_slot, pair_measurement, gain,
                                                        pair_status, slots, measurements)
    assert solved
    assert np.array_equal(got_slots, want_slots)
    assert np.array_equal(got_measurements, want_measurements)


def test_assign_confirmed_first_leaves_a_large_cluster_to_the_caller():
    pair_slot, pair_measurement = np.array([0, 0, 1]), np.array([0, 1, 0])
    _, _, solved = pass_kernels.assign_confirmed_first(
        pair_slot, pair_measurement, np.ones(3), np.full(3, CONFIRMED, dtype=np.int8), 2, 2, 3)
    assert not solved


@pytest.mark.parametrize("rows", [0, 1, 25])
@pytest.mark.parametrize("with_acceleration", [False, True])
def test_predict_rows_equals_gathered_predict(rows, with_acceleration):
    rng = np.random.default_rng(rows)
    state, covariance, time_s = random_table(rng, 30)
    chosen = np.sort(rng.choice(30, rows, replace=False)).astype(np.intp)
    acceleration = None
    if with_acceleration:
        acceleration = np.zeros((rows, 3))
        acceleration[rng.random(rows) < 0.5] = [0.0, 0.0, -9.80665]
    got_state, got_cov, got_sigma = pass_kernels.predict_rows(
        state, covariance, time_s, chosen, 3.0, 12.0,
        np.zeros((0, 3)) if acceleration is None else acceleration)
    want_state, want_cov = kalman.predict(state[chosen], covariance[chosen],
                                          3.0 - time_s[chosen], 12.0, acceleration)
    assert np.array_equal(got_state, want_state) and np.array_equal(got_cov, want_cov)
    assert np.array_equal(got_sigma, np.sqrt(np.trace(want_cov[:, 3:, 3:], axis1=1, axis2=2)
                                             / 3.0))


def update_order_by_numpy(track_rows, taken, report_time):
    time_of = report_time[taken]
    if report_time.size < 2 or (report_time[1:] >= report_time[:-1]).all():
        order = (track_rows * report_time.size + taken).argsort()
    else:
        order = np.lexsort((taken, time_of, track_rows))
    track_rows, taken, time_of = track_rows[order], taken[order], time_of[order]
    new_track = np.ones(track_rows.size, dtype=bool)
    new_track[1:] = track_rows[1:] != track_rows[:-1]
    first = new_track.nonzero()[0]
    tracks, counts = track_rows[first], np.diff(np.append(first, track_rows.size))
    new_group = np.ones(track_rows.size, dtype=bool)
    new_group[1:] = (track_rows[1:] != track_rows[:-1]) | (time_of[1:] != time_of[:-1])
    return track_rows, taken, time_of, first, tracks, counts, new_group.nonzero()[0]


def confirming_by_numpy(track_rows, first, counts, may_confirm, hits_before, confirm_hits):
    rank = np.arange(track_rows.size) - first.repeat(counts)
    confirming = (may_confirm.repeat(counts)
                  & (hits_before.repeat(counts) + rank + 1 >= confirm_hits))
    if confirming.any():
        reached = confirming.nonzero()[0]
        _, earliest = np.unique(track_rows[reached], return_index=True)
        confirming[:] = False
        confirming[reached[earliest]] = True
    return confirming


@pytest.mark.parametrize("seed", range(16))
def test_update_order_and_confirmation_equal_numpy(seed):
    """Reports in time order (as scans come) and out of it (a late delivery), several
    reports of one track at one time and at several."""
    rng = np.random.default_rng(seed)
    reports = int(rng.integers(1, 30))
    report_time = np.sort(rng.choice([1.0, 1.2, 1.5, 2.0], size=reports))
    if seed % 2:
        report_time = rng.permutation(report_time)
    taken = rng.permutation(reports)[:int(rng.integers(1, reports + 1))]
    track_rows = rng.integers(0, 8, taken.size)
    got = pass_kernels.update_order(track_rows, taken, report_time, 8)
    want = update_order_by_numpy(track_rows, taken, report_time)
    for got_array, want_array in zip(got, want, strict=True):
        assert np.array_equal(got_array, want_array)
    first, tracks, counts = got[3], got[4], got[5]
    may_confirm = rng.random(tracks.size) < 0.7
    hits_before = rng.integers(1, 5, tracks.size).astype(np.int32)
    for confirm_hits in (1, 3, 4):
        assert np.array_equal(
            pass_kernels.first_confirming(first, counts, may_confirm, hits_before,
                                          confirm_hits),
            confirming_by_numpy(got[0], first, counts, may_confirm, hits_before,
                                confirm_hits))


@pytest.mark.parametrize("rows", [0, 1, 40])
def test_known_acceleration_equals_numpy(rows):
    rng = np.random.default_rng(rows)
    kind_index = rng.integers(-1, 4, 50).astype(np.int8)
    kind_confidence = rng.random(50)
    chosen = rng.integers(0, 50, rows).astype(np.intp)
    # Each row's ballistic acceleration: gravity plus a drag of its own (ballistic_drag).
    acceleration = np.array([0.0, 0.0, -9.80665]) + rng.normal(0.0, 20.0, (50, 3))
    ballistic = (kind_index[chosen] == 0) & (kind_confidence[chosen] >= 0.6)
    want = np.zeros((rows, 3))
    want[ballistic] = acceleration[chosen[ballistic]]
    got, found = pass_kernels.known_acceleration(kind_index, kind_confidence, chosen, 0, 0.6,
                                                 acceleration)
    assert found == ballistic.any() and np.array_equal(got, want)
    if rows == 40:
        assert 0 < ballistic.sum() < rows


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_add_in_order_equals_add_at(seed):
    """Adding increments to rows that repeat (a track taking plots of several times)
    gives what ``np.add.at`` gives, bit for bit: increments of very different sizes, whose
    sum depends on the order they are added in; and nothing with no rows."""
    rng = np.random.default_rng(seed)
    values = rng.normal(0.0, 1.0, 30) * 10.0 ** rng.integers(-8, 8, 30)
    rows = rng.integers(0, 10, 200)
    increments = rng.normal(0.0, 1.0, 200) * 10.0 ** rng.integers(-12, 12, 200)
    expected = values.copy()
    np.add.at(expected, rows, increments)
    got = values.copy()
    pass_kernels.add_in_order(got, rows, increments)
    assert got.tobytes() == expected.tobytes()
    shuffled = values.copy()  # the order matters: the test can tell a wrong one
    order = rng.permutation(rows.size)
    pass_kernels.add_in_order(shuffled, rows[order], increments[order])
    assert shuffled.tobytes() != expected.tobytes()
    pass_kernels.add_in_order(got, np.zeros(0, dtype=np.intp), np.zeros(0))
    assert got.tobytes() == expected.tobytes()
