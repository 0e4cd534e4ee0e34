"""Tracking models against their references: the assignment against SciPy's
linear_sum_assignment, the Kalman filter against the textbook equations."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import linalg, stats
from scipy.optimize import linear_sum_assignment

from iadsim.tracking import association, kalman, kernels


def dense_optimum(track_index, measurement_index, gain) -> float:
    """The largest summed gain of a one-to-one assignment, from the augmented GNN problem
    of Blackman & Popoli (1999) sec. 6.5 solved dense by scipy.optimize.linear_sum_assignment:
    -gain on the gated pairs top left, 0 on the diagonals of the top-right (track
    unassigned) and bottom-left (measurement unassigned) blocks, zeros bottom right, a
    large cost everywhere else. Returns the summed gain of the optimum."""
    tracks, local_track = np.unique(track_index, return_inverse=True)
    measurements, local_measurement = np.unique(measurement_index, return_inverse=True)
    n_t, n_m = tracks.size, measurements.size
    forbidden = 1e9
    matrix = np.full((n_t + n_m, n_m + n_t), forbidden)
    matrix[local_track, local_measurement] = -gain
    matrix[np.arange(n_t), n_m + np.arange(n_t)] = 0.0
    matrix[n_t + np.arange(n_m), np.arange(n_m)] = 0.0
    matrix[n_t:, n_m:] = 0.0
    rows, columns = linear_sum_assignment(matrix)
    optimum = float(matrix[rows, columns].sum())
    assert optimum < forbidden
    return -optimum


def total_gain(chosen_tracks, chosen_measurements, track_index, measurement_index,
               gain) -> float:
    """Summed gain of the chosen pairs."""
    lookup = {(t, m): g for t, m, g in zip(track_index, measurement_index, gain, strict=True)}
    return float(sum(lookup[(t, m)] for t, m in zip(chosen_tracks, chosen_measurements,
                                                     strict=True)))


def check_one_to_one_and_gated(tracks, measurements, track_index, measurement_index):
    assert len(set(tracks)) == len(tracks) and len(set(measurements)) == len(measurements)
    gated = set(zip(track_index.tolist(), measurement_index.tolist(), strict=True))
    assert set(zip(tracks.tolist(), measurements.tolist(), strict=True)) <= gated


def random_gated_pairs(seed):
    """A random sparse GNN problem: a random pattern of gated pairs over 2-40 tracks and
    2-40 measurements (densities 3-40 %, so most pairs are contested), plus 1-3 extra
    tracks and measurements that share one isolated pair each; gains uniform in [-5, 25]
    (a pair with a gain <= 0 is never worth taking).
    Returns (track_index, measurement_index, gain, n_tracks, n_measurements)."""
    rng = np.random.default_rng(seed)
    n_tracks, n_measurements = (int(n) for n in rng.integers(2, 40, size=2))
    track_index, measurement_index = np.nonzero(
        rng.random((n_tracks, n_measurements)) < rng.uniform(0.03, 0.4))
    extra = int(rng.integers(1, 4))
    track_index = np.append(track_index, n_tracks + np.arange(extra))
    measurement_index = np.append(measurement_index, n_measurements + np.arange(extra))
    order = rng.permutation(track_index.size)
    gain = rng.uniform(-5.0, 25.0, track_index.size)
    return (track_index[order], measurement_index[order], gain, n_tracks + extra,
            n_measurements + extra)


@pytest.mark.parametrize("seed", range(40))
def test_compiled_linear_sum_assignment_matches_scipy(seed):
    """The compiled port of SciPy's shortest augmenting path solver (Crouse, IEEE Trans.
    AES 52(4), 2016) against scipy.optimize.linear_sum_assignment on random rectangular
    matrices, wide and tall, some with many equal entries (the zeros of ungated pairs):
    the same minimum cost (atol 1e-9) and, since the port keeps SciPy's order of search
    and tie-breaking, the same matching."""
    rng = np.random.default_rng(seed)
    n_rows, n_columns = (int(n) for n in rng.integers(1, 30, size=2))
    cost = rng.uniform(-25.0, 5.0, (n_rows, n_columns))
    if seed % 2:
        cost[rng.random(cost.shape) < 0.7] = 0.0  # sparse gains: many ties
    expected_rows, expected_columns = linear_sum_assignment(cost)
    rows, columns = kernels.linear_sum_assignment(cost)
    assert cost[rows, columns].sum() == pytest.approx(cost[expected_rows, expected_columns].sum(),
                                                      abs=1e-9)
    np.testing.assert_array_equal(rows, expected_rows)
    np.testing.assert_array_equal(columns, expected_columns)


@pytest.mark.parametrize("seed", range(50))
def test_gnn_assignment_is_optimal_against_linear_sum_assignment(seed, monkeypatch):
    """Global nearest neighbour (Blackman & Popoli, Design and Analysis of Modern Tracking
    Systems, 1999, sec. 6.5) on random sparse gated pairs, many contested, some isolated:
    iadsim's solution (dense and, forced, sparse LAPJVsp) has the same summed gain as
    scipy.optimize.linear_sum_assignment on the dense augmented matrix; atol 1e-6."""
    track_index, measurement_index, gain, n_tracks, n_measurements = random_gated_pairs(seed)
    expected = dense_optimum(track_index, measurement_index, gain)
    for dense_limit in (association.DENSE_ASSIGNMENT_SIZE, 0):  # 0 forces the sparse solver
        monkeypatch.setattr(association, "DENSE_ASSIGNMENT_SIZE", dense_limit)
        tracks, measurements = association.assign(track_index, measurement_index, gain,
                                                  n_tracks, n_measurements)
        check_one_to_one_and_gated(tracks, measurements, track_index, measurement_index)
        got = total_gain(tracks, measurements, track_index, measurement_index, gain)
        assert got == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("seed", range(10))
def test_gnn_assignment_cluster_by_cluster_is_optimal(seed, monkeypatch):
    """Blackman & Popoli (1999) sec. 6.5: the GNN optimum decomposes over clusters. Eight
    random problems side by side (some 200-600 tracks + measurements, above a dense limit
    set to 60, so that the clusters are found and each solved dense or sparse by its own
    size) reach the summed gain of linear_sum_assignment on the whole; atol 1e-6."""
    parts = [random_gated_pairs(seed * 8 + part) for part in range(8)]
    track_offsets = np.cumsum([0] + [part[3] for part in parts])
    measurement_offsets = np.cumsum([0] + [part[4] for part in parts])
    track_index = np.concatenate([part[0] + offset
                                  for part, offset in zip(parts, track_offsets, strict=False)])
    measurement_index = np.concatenate(
        [part[1] + offset for part, offset in zip(parts, measurement_offsets, strict=False)])
    gain = np.concatenate([part[2] for part in parts])
    order = np.random.default_rng(seed).permutation(gain.size)
    track_index, measurement_index, gain = track_index[order], measurement_index[order], gain[
        order]
    expected = dense_optimum(track_index, measurement_index, gain)
    monkeypatch.setattr(association, "DENSE_ASSIGNMENT_SIZE", 60)
    tracks, measurements = association.assign(track_index, measurement_index, gain,
                                              int(track_offsets[-1]),
                                              int(measurement_offsets[-1]))
    check_one_to_one_and_gated(tracks, measurements, track_index, measurement_index)
    got = total_gain(tracks, measurements, track_index, measurement_index, gain)
    assert got == pytest.approx(expected, abs=1e-6)


def test_gnn_random_problems_are_contested():
    """The random problems above exercise the contested solver: at least 45 of the 50 have
    a track or measurement in two or more pairs, in all about half the pairs or more."""
    contested_problems, contested_pairs, all_pairs = 0, 0, 0
    for seed in range(50):
        track_index, measurement_index, _, n_tracks, n_measurements = random_gated_pairs(seed)
        by_track = np.bincount(track_index, minlength=n_tracks)[track_index]
        by_measurement = np.bincount(measurement_index, minlength=n_measurements)[
            measurement_index]
        contested = (by_track > 1) | (by_measurement > 1)
        contested_problems += bool(contested.any())
        contested_pairs += int(contested.sum())
        all_pairs += contested.size
    assert contested_problems >= 45 and contested_pairs >= all_pairs / 2


#: A chain t0-m0 (gain 5), t1-m0 (15), t1-m1 (5), t2-m1 (15), t2-m2 (5): the two good pairs
#: t1-m0 and t2-m1 (30) beat the three poor ones t0-m0, t1-m1, t2-m2 (15), which a greedy
#: or most-pairs rule would take.
CHAIN_TRACKS = np.array([0, 1, 1, 2, 2])
CHAIN_MEASUREMENTS = np.array([0, 0, 1, 1, 2])
CHAIN_GAINS = np.array([5.0, 15.0, 5.0, 15.0, 5.0])


@pytest.mark.parametrize("dense_limit", [association.DENSE_ASSIGNMENT_SIZE, 0])
def test_gnn_with_an_isolated_pair_is_optimal_for_the_whole_problem(dense_limit,
                                                                    monkeypatch):
    """Blackman & Popoli (1999) sec. 6.5, the augmented GNN problem solved dense by
    linear_sum_assignment: the chain plus one isolated pair of gain 100. assign() (dense
    and, forced, sparse) reaches the dense optimum, 130; atol 1e-6."""
    monkeypatch.setattr(association, "DENSE_ASSIGNMENT_SIZE", dense_limit)
    track_index = np.append(CHAIN_TRACKS, 3)
    measurement_index = np.append(CHAIN_MEASUREMENTS, 3)
    gain = np.append(CHAIN_GAINS, 100.0)
    expected = dense_optimum(track_index, measurement_index, gain)
    assert expected == pytest.approx(130.0)
    tracks, measurements = association.assign(track_index, measurement_index, gain, 4, 4)
    got = total_gain(tracks, measurements, track_index, measurement_index, gain)
    assert got == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("dense_limit", [association.DENSE_ASSIGNMENT_SIZE, 0])
def test_gnn_assignment_of_a_cluster_ignores_unrelated_clusters(dense_limit, monkeypatch):
    """With gains that depend on each pair alone (Blackman & Popoli 1999, sec. 6.5), the
    GNN optimum decomposes over clusters that share no track or measurement: adding a
    far-away contested cluster with large gains does not change the pairs chosen inside
    the chain (t1-m0, t2-m1)."""
    monkeypatch.setattr(association, "DENSE_ASSIGNMENT_SIZE", dense_limit)
    alone = association.assign(CHAIN_TRACKS, CHAIN_MEASUREMENTS, CHAIN_GAINS, 3, 3)
    assert list(zip(alone[0].tolist(), alone[1].tolist(), strict=True)) == [(1, 0), (2, 1)]
    track_index = np.append(CHAIN_TRACKS, [3, 3, 4])
    measurement_index = np.append(CHAIN_MEASUREMENTS, [3, 4, 3])
    gain = np.append(CHAIN_GAINS, [100.0, 100.0, 100.0])
    tracks, measurements = association.assign(track_index, measurement_index, gain, 5, 5)
    in_chain = tracks < 3
    np.testing.assert_array_equal(tracks[in_chain], alone[0])
    np.testing.assert_array_equal(measurements[in_chain], alone[1])


def cwna_noise(dt, sigma_a):
    """Bar-Shalom, Li, Kirubarajan (2001), eq. 6.2.2-12: continuous white-noise
    acceleration, Q = q [[dt^3/3, dt^2/2], [dt^2/2, dt]] (x) I3, with q = sigma_a^2 x 1 s."""
    return sigma_a**2 * np.kron([[dt**3 / 3, dt**2 / 2], [dt**2 / 2, dt]], np.eye(3))


def van_loan_noise(dt, sigma_a):
    """The discretised process noise of x' = A x + G w, E[w w^T] = q I3 delta(t), computed
    numerically by the matrix exponential of Van Loan (IEEE Trans. Automatic Control 23(3),
    1978): expm([[-A, G q G^T], [0, A^T]] dt) = [[., F^-1 Q], [0, F^T]]."""
    a = np.zeros((6, 6))
    a[:3, 3:] = np.eye(3)
    g = np.vstack([np.zeros((3, 3)), np.eye(3)])
    block = np.zeros((12, 12))
    block[:6, :6], block[:6, 6:], block[6:, 6:] = -a, g @ g.T * sigma_a**2, a.T
    exponential = linalg.expm(block * dt)
    transition = exponential[6:, 6:].T
    return transition @ exponential[:6, 6:]


def textbook_predict(state, covariance, dt, sigma_a):
    """Bar-Shalom et al. (2001), sec. 6.2.2: F = [[I, dt I], [0, I]], CWNA Q; one track at
    a time, plain matrices."""
    transition = np.eye(6)
    transition[:3, 3:] = dt * np.eye(3)
    return (transition @ state,
            transition @ covariance @ transition.T + cwna_noise(dt, sigma_a))


def textbook_update(state, covariance, measurement, measurement_covariance):
    """Bar-Shalom et al. (2001) sec. 5.2: the Kalman filter with the Joseph form."""
    h = np.hstack([np.eye(3), np.zeros((3, 3))])
    s = h @ covariance @ h.T + measurement_covariance
    k = covariance @ h.T @ np.linalg.inv(s)
    reduce = np.eye(6) - k @ h
    return (state + k @ (measurement - h @ state),
            reduce @ covariance @ reduce.T + k @ measurement_covariance @ k.T)


@pytest.mark.parametrize("dt", [0.1, 1.0, 7.3, 30.0])
def test_cwna_process_noise_matches_van_loan(dt):
    """The closed-form CWNA Q (Bar-Shalom et al. 2001, eq. 6.2.2-12) that kalman.predict
    adds equals Van Loan's (1978) matrix-exponential discretisation of the continuous
    model; predicting a zero covariance isolates Q. rtol 1e-12 on the largest entry."""
    predicted = kalman.predict(np.zeros((1, 6)), np.zeros((1, 6, 6)), np.array([dt]), 15.0)[1]
    peer = van_loan_noise(dt, 15.0)
    np.testing.assert_allclose(predicted[0], peer, rtol=0, atol=1e-12 * np.abs(peer).max())


def test_kalman_predict_and_update_match_the_textbook():
    """Batched iadsim filter against the one-at-a-time textbook equations (Bar-Shalom et
    al. 2001, sec. 5.2 and 6.2.2) on 200 random states, covariances, intervals (0.1-10 s)
    and measurement covariances; atol 1e-9 (positions ~1e4 m, covariances up to ~1e6),
    rtol 1e-12."""
    rng = np.random.default_rng(7)
    n = 200
    state = rng.normal(size=(n, 6)) * [1e4, 1e4, 1e3, 300, 300, 50]
    root = rng.normal(size=(n, 6, 6)) * 30
    covariance = root @ root.transpose(0, 2, 1) + np.eye(6)
    dt = rng.uniform(0.1, 10.0, n)
    state_copy, covariance_copy = state.copy(), covariance.copy()
    predicted, predicted_cov = kalman.predict(state, covariance, dt, 20.0)
    measurement = predicted[:, :3] + rng.normal(size=(n, 3)) * 50
    root_r = rng.normal(size=(n, 3, 3)) * 20
    measurement_cov = root_r @ root_r.transpose(0, 2, 1) + np.eye(3)
    updated, updated_cov = kalman.update(predicted, predicted_cov, measurement, measurement_cov)
    np.testing.assert_array_equal(state, state_copy)
    np.testing.assert_array_equal(covariance, covariance_copy)
    for i in range(n):
        x, p = textbook_predict(state[i], covariance[i], dt[i], 20.0)
        np.testing.assert_allclose(predicted[i], x, rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(predicted_cov[i], p, rtol=1e-12, atol=1e-9)
        x, p = textbook_update(x, p, measurement[i], measurement_cov[i])
        np.testing.assert_allclose(updated[i], x, rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(updated_cov[i], p, rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("per_track", [2, 3])
def test_combined_measurements_update_like_measurements_in_turn(per_track):
    """Measurement fusion (Gan & Harris, IEEE Trans. AES 37(1), 2001): one Kalman update
    with the information-weighted combination of independent position measurements equals
    the textbook updates with each in turn (Bar-Shalom et al. 2001, sec. 5.2), on 100
    random tracks with 2 or 3 measurements each (covariances up to ~1e6 m^2, elongated);
    rtol 1e-6, atol 1e-4 (positions ~1e4 m): the combination inverts each measurement
    covariance (random ones, condition numbers up to ~1e6), which costs digits that the
    updates in turn do not lose; the two agree to ~1e-7 relative here."""
    rng = np.random.default_rng(per_track)
    n = 100
    state = rng.normal(size=(n, 6)) * [1e4, 1e4, 1e3, 300, 300, 50]
    root = rng.normal(size=(n, 6, 6)) * 30
    covariance = root @ root.transpose(0, 2, 1) + np.eye(6)
    measurement = np.repeat(state[:, :3], per_track, axis=0) + rng.normal(
        size=(n * per_track, 3)) * 80
    root_r = rng.normal(size=(n * per_track, 3, 3)) * rng.uniform(5, 300, (n * per_track, 1, 1))
    measurement_cov = root_r @ root_r.transpose(0, 2, 1) + np.eye(3)
    first = np.arange(0, n * per_track, per_track)
    combined, combined_cov = kalman.combine_measurements(first, measurement, measurement_cov)
    updated, updated_cov = kalman.update(state, covariance, combined, combined_cov)
    for i in range(n):
        x, p = state[i], covariance[i]
        for k in range(first[i], first[i] + per_track):
            x, p = textbook_update(x, p, measurement[k], measurement_cov[k])
        np.testing.assert_allclose(updated[i], x, rtol=1e-6, atol=1e-4)
        np.testing.assert_allclose(updated_cov[i], p, rtol=1e-6, atol=1e-4)


def test_a_single_measurement_is_not_combined():
    """A run of one measurement comes back exactly as given (bit for bit)."""
    rng = np.random.default_rng(3)
    measurement = rng.normal(size=(3, 3)) * 1e4
    root = rng.normal(size=(3, 3, 3)) * 50
    measurement_cov = root @ root.transpose(0, 2, 1) + np.eye(3)
    combined, combined_cov = kalman.combine_measurements(np.array([0, 1]), measurement,
                                                         measurement_cov)
    np.testing.assert_array_equal(combined[0], measurement[0])
    np.testing.assert_array_equal(combined_cov[0], measurement_cov[0])


def simulate_cwna_runs(rng, runs=200, steps=40, dt=2.0, sigma_a=3.0, sigma_z=40.0,
                       gravity=0.0, filter_gravity=0.0):
    """Monte Carlo runs of a target obeying the filter's own CWNA model (plus a fall
    under ``gravity``, m/s^2), measured with the noise the filter assumes, tracked by the
    filter with ``filter_gravity`` as its known acceleration. Returns the final errors
    (runs, 6) and covariances (runs, 6, 6), and the normalized innovations squared
    (steps, runs)."""
    fall = np.zeros(6)
    fall[2], fall[5] = -0.5 * gravity * dt * dt, -gravity * dt
    known = np.tile([0.0, 0.0, -filter_gravity], (runs, 1))
    truth = np.zeros((runs, 6))
    truth[:, 3:] = [200.0, -50.0, 0.0]
    noise_root = np.linalg.cholesky(cwna_noise(dt, sigma_a))
    measurement_cov = np.broadcast_to(np.eye(3) * sigma_z**2, (runs, 3, 3))
    estimate = truth + np.hstack([rng.normal(size=(runs, 3)) * sigma_z,
                                  rng.normal(size=(runs, 3)) * 100.0])
    covariance = np.broadcast_to(np.diag([sigma_z**2] * 3 + [100.0**2] * 3), (runs, 6, 6)).copy()
    nis = np.empty((steps, runs))
    for step in range(steps):
        truth[:, :3] += truth[:, 3:] * dt
        truth += rng.normal(size=(runs, 6)) @ noise_root.T + fall
        estimate, covariance = kalman.predict(estimate, covariance, np.full(runs, dt), sigma_a,
                                              known)
        measurement = truth[:, :3] + rng.normal(size=(runs, 3)) * sigma_z
        residual = measurement - estimate[:, :3]  # the innovation, H = [I 0]
        residual_cov = covariance[:, :3, :3] + measurement_cov
        nis[step] = np.einsum("ij,ij->i", residual,
                              np.linalg.solve(residual_cov, residual[:, :, None])[:, :, 0])
        estimate, covariance = kalman.update(estimate, covariance, measurement, measurement_cov)
    return truth - estimate, covariance, nis


def test_filter_is_consistent_on_its_own_motion_model():
    """Normalized estimation error squared (Bar-Shalom et al. 2001, sec. 5.4.2): on 200
    Monte Carlo runs of a target obeying the CWNA model, measured with the noise the
    filter assumes, the average NEES after 40 updates lies in the two-sided 95 %
    chi-square interval for 6 x 200 degrees of freedom."""
    error, covariance, _ = simulate_cwna_runs(np.random.default_rng(11))
    runs = error.shape[0]
    nees = np.einsum("ij,ij->i", error, np.linalg.solve(covariance, error[:, :, None])[:, :, 0])
    low, high = stats.chi2.ppf([0.025, 0.975], df=6 * runs) / runs
    assert low <= nees.mean() <= high, (low, nees.mean(), high)


def test_the_ballistic_model_is_consistent_on_a_falling_target_and_cv_is_not():
    """NEES and NIS (Bar-Shalom et al. 2001, sec. 5.4.2) on 200 Monte Carlo runs of a
    target falling under gravity (9.80665 m/s^2) with CWNA noise of 3 m/s^2: the filter
    with gravity as its known acceleration (the ballistic model) has its average NEES
    in the two-sided 95 % chi-square interval for 6 x 200 degrees of freedom and its
    average NIS in that for 3 x 8,000; the constant-velocity filter (no gravity) on the
    same kind of runs is far outside (gravity is 3x its noise level)."""
    error, covariance, nis = simulate_cwna_runs(np.random.default_rng(13), gravity=9.80665,
                                                filter_gravity=9.80665)
    runs, steps = error.shape[0], nis.shape[0]
    nees = np.einsum("ij,ij->i", error, np.linalg.solve(covariance, error[:, :, None])[:, :, 0])
    low, high = stats.chi2.ppf([0.025, 0.975], df=6 * runs) / runs
    assert low <= nees.mean() <= high, (low, nees.mean(), high)
    nis_low, nis_high = stats.chi2.ppf([0.025, 0.975], df=3 * runs * steps) / (runs * steps)
    assert nis_low <= nis.mean() <= nis_high
    error, covariance, _ = simulate_cwna_runs(np.random.default_rng(13), gravity=9.80665)
    nees = np.einsum("ij,ij->i", error, np.linalg.solve(covariance, error[:, :, None])[:, :, 0])
    assert nees.mean() > 3 * high


def test_innovations_are_consistent_on_the_filter_motion_model():
    """Normalized innovation squared (Bar-Shalom et al. 2001, sec. 5.4.2, the
    time-and-ensemble average): over 200 runs x 40 updates the average NIS lies in the
    two-sided 95 % chi-square interval for 3 x 8,000 degrees of freedom, and at least
    90 % of the per-step ensemble averages lie in their own 95 % interval (3 x 200)."""
    _, _, nis = simulate_cwna_runs(np.random.default_rng(12))
    steps, runs = nis.shape
    low, high = stats.chi2.ppf([0.025, 0.975], df=3 * runs * steps) / (runs * steps)
    assert low <= nis.mean() <= high, (low, nis.mean(), high)
    step_low, step_high = stats.chi2.ppf([0.025, 0.975], df=3 * runs) / runs
    per_step = nis.mean(axis=1)
    assert ((per_step >= step_low) & (per_step <= step_high)).mean() >= 0.9


def test_cwna_prediction_is_consistent_in_time():
    """The continuous white-noise acceleration model composes: predicting 10 s at once
    equals predicting 4 s then 6 s (Bar-Shalom et al. 2001, sec. 6.2.2); rtol 1e-12."""
    rng = np.random.default_rng(3)
    state = rng.normal(size=(5, 6)) * 100
    root = rng.normal(size=(5, 6, 6))
    covariance = root @ root.transpose(0, 2, 1) + np.eye(6)
    once = kalman.predict(state, covariance, np.full(5, 10.0), 25.0)
    first = kalman.predict(state, covariance, np.full(5, 4.0), 25.0)
    twice = kalman.predict(*first, np.full(5, 6.0), 25.0)
    np.testing.assert_allclose(twice[0], once[0], rtol=1e-12)
    np.testing.assert_allclose(twice[1], once[1], rtol=1e-12)
    position, position_cov = kalman.predict_position(state, covariance, np.full(5, 10.0), 25.0)
    np.testing.assert_allclose(position, once[0][:, :3], rtol=1e-12)
    np.testing.assert_allclose(position_cov, once[1][:, :3, :3], rtol=1e-12)
