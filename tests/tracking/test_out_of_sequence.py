"""Reports that arrive late, after newer ones (latency): the out-of-sequence update."""

from __future__ import annotations

import numpy as np
from test_tracker import START, VELOCITY, make_network_tracker, measure, two_sites  # noqa: F401

from iadsim.tracking import kalman


def test_without_process_noise_a_late_report_gives_the_in_order_result():
    """With no process noise, updating with an older measurement at the track's own time
    equals processing the measurements in time order (both are the same linear Gaussian
    estimate of a deterministic state); rtol 1e-6."""
    rng = np.random.default_rng(1)
    state = np.array([[1_000.0, 2_000.0, 3_000.0, 100.0, -50.0, 5.0]])
    covariance = np.diag([400.0, 400.0, 900.0, 100.0, 100.0, 25.0])[None]
    early = state[:, :3] + rng.normal(size=(1, 3)) * 20.0  # taken at t = 1
    late = state[:, :3] + state[:, 3:] * 3.0 + rng.normal(size=(1, 3)) * 20.0  # t = 3
    noise = np.diag([400.0, 300.0, 500.0])[None]
    tiny = 1e-9
    # In order: predict to 1, update; predict to 3, update.
    x, p = kalman.update(*kalman.predict(state, covariance, np.array([1.0]), tiny), early, noise)
    in_order = kalman.update(*kalman.predict(x, p, np.array([2.0]), tiny), late, noise)
    # Out of order: predict to 3, update with the late one; then the early one, 2 s back.
    x, p = kalman.update(*kalman.predict(state, covariance, np.array([3.0]), tiny), late, noise)
    out_of_order = kalman.update_out_of_sequence(x, p, np.array([-2.0]), early, noise, tiny)
    np.testing.assert_allclose(out_of_order[0], in_order[0], rtol=1e-6)
    np.testing.assert_allclose(out_of_order[1], in_order[1], rtol=1e-6)


def test_a_late_radar_still_improves_the_track_and_keeps_its_time(two_sites):  # noqa: F811
    """Radar a reports every 2 s on time; radar b reports in between but 3 s late, so its
    reports reach the tracker after a newer one of radar a. Fused, the track is more
    accurate than on radar a alone (RMS position error over 20 runs, the last 40 s), and
    it never goes back in time."""
    def rms_error(with_late_radar: bool, seed: int) -> float:
        rng = np.random.default_rng(seed)
        tracker, _ = make_network_tracker(two_sites, confirm_hits=2, process_noise_mps2=2.0)
        pending, errors, latest = [], [], -np.inf
        for time_s in np.arange(2.0, 82.0, 2.0):
            delivered = [measure(two_sites[0], START + VELOCITY * time_s, float(time_s), rng, 0)]
            late = measure(two_sites[1], START + VELOCITY * (time_s + 1.0), float(time_s + 1.0),
                           rng, 1)
            if with_late_radar:
                pending.append((time_s + 4.0, late))
                delivered += [scan for due, scan in pending if due <= time_s + 0.5]
                pending = [(due, scan) for due, scan in pending if due > time_s + 0.5]
            tracker.process_scans(delivered)
            assert tracker.time_s.max() >= latest
            latest = tracker.time_s.max()
            if time_s > 40.0:
                picture = tracker.picture(float(time_s))
                errors.append(np.linalg.norm(picture.position_m[0]
                                             - (START + VELOCITY * time_s)[0]))
        assert tracker.size == 1
        return float(np.sqrt(np.mean(np.square(errors))))

    alone = np.mean([rms_error(False, seed) for seed in range(20)])
    fused = np.mean([rms_error(True, seed) for seed in range(20)])
    assert fused < 0.85 * alone
