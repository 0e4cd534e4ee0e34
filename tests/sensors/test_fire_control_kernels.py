"""The directors' compiled looks and filtering (no terrain) give exactly what the NumPy
form they replace gave: the same draws, locks, filtered states and covariances."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.sensors.fire_control import FireControlDirectors, FireControlSettings

SETTINGS = [
    FireControlSettings(range_sigma_m=3.0, angle_sigma_rad=1e-3, update_rate_hz=20.0,
                        max_range_m=6_000.0, acquisition_gate_m=150.0, process_noise_mps2=1.0),
    None,
    FireControlSettings(range_sigma_m=5.0, angle_sigma_rad=2e-3, update_rate_hz=7.0,
                        max_range_m=4_000.0, acquisition_gate_m=300.0, process_noise_mps2=3.0),
]


def array_measure(director: FireControlDirectors, start_s: float, end_s: float,
                  threat_start_m: np.ndarray, threat_end_m: np.ndarray,
                  threat_alive: np.ndarray) -> None:
    """:meth:`FireControlDirectors.measure` as it was up to 2026-12-02: the look instants,
    truth and ranges in NumPy, then :meth:`FireControlDirectors._filter`."""
    watching = (director.track_id >= 0).nonzero()[0]
    alive = np.asarray(threat_alive, dtype=bool)
    span = end_s - start_s
    for row in watching:
        settings = director.settings[int(director.battery[row])]
        threat = director.locked_threat[row]
        if threat >= 0 and not alive[threat]:
            director.locked_threat[row] = threat = -1
            director.measurements[row] = 0
            if not director.engaged[row]:
                director.track_id[row] = -1
                continue
        period = 1.0 / settings.update_rate_hz
        first = np.floor(start_s / period + 1e-9) + 1
        times = np.arange(first, np.floor(end_s / period + 1e-9) + 1) * period
        if times.size == 0:
            continue
        fraction = (times - start_s) / span
        if threat < 0:
            threat = director._acquire(row, settings, times[0], fraction[0], threat_start_m,
                                       threat_end_m, alive)
            if threat < 0:
                continue
        truth = (threat_start_m[threat][None, :] + fraction[:, None]
                 * (threat_end_m[threat] - threat_start_m[threat])[None, :])
        director._filter(row, settings, times, truth)


@pytest.mark.parametrize("seed", range(4))
def test_compiled_looks_and_filter_are_the_array_form_bit_for_bit(seed):
    """Two batteries with directors (two channels each) engage three threats that fly out
    of range, die and are re-cued, with steps of uneven length: every director's lock,
    measurement count, state, covariance and clock, and the noise stream, are the same
    bit for bit after each step."""
    rng = np.random.default_rng(seed)
    sites = np.array([[0.0, 0.0, 0.0], [9e3, 0.0, 0.0], [2e3, 1e3, 20.0]])
    compiled = FireControlDirectors(sites, SETTINGS, np.array([2, 1, 2]),
                                    np.random.default_rng(seed + 10))
    reference = FireControlDirectors(sites, SETTINGS, np.array([2, 1, 2]),
                                     np.random.default_rng(seed + 10))
    start = np.array([[3_500.0, 1_000.0, 300.0], [2_000.0, -2_500.0, 150.0],
                      [5_000.0, 4_000.0, 800.0]]) + rng.normal(0.0, 200.0, (3, 3))
    velocity = np.array([[120.0, 40.0, -2.0], [-60.0, 50.0, 0.0], [-150.0, -140.0, -5.0]])
    alive = np.ones(3, dtype=bool)
    time_s, locks, losses = 0.0, 0, 0
    for step in range(60):
        if step in (0, 20, 35):
            for battery, threat in ((0, step % 3), (0, (step + 1) % 3), (2, (step + 2) % 3)):
                for director in (compiled, reference):
                    director.cue(time_s, battery, 100 + threat,
                                 start[threat] + velocity[threat] * time_s + 30.0,
                                 velocity[threat] + 3.0, 8.0 if threat else None)
        if step == 45:
            alive[1] = False
        if step == 25:
            for director in (compiled, reference):
                director.release(0, 100 + (20 % 3))
        span = (0.5, 1.0, 0.37)[step % 3]
        end_s = time_s + span
        begin_m = start + velocity * time_s
        finish_m = start + velocity * end_s
        before = reference.locked_threat.copy()
        compiled.measure(time_s, end_s, begin_m, finish_m, alive)
        array_measure(reference, time_s, end_s, begin_m, finish_m, alive)
        locks += int(((before < 0) & (reference.locked_threat >= 0)).sum())
        losses += int(((before >= 0) & (reference.locked_threat < 0)).sum())
        for name in ("track_id", "locked_threat", "measurements", "engaged", "state",
                     "covariance", "state_time_s"):
            assert getattr(compiled, name).tobytes() == getattr(reference, name).tobytes(), (
                step, name)
        time_s = end_s
    assert compiled.rng.bit_generator.state == reference.rng.bit_generator.state
    assert locks >= 3 and losses >= 1  # acquisitions and lost locks were exercised
