"""The IMM on an aircraft's vertical manoeuvre: a zero-g parabola (pull up, push over to
0 g, a free-fall arc, pull out), against the constant-velocity filter.

Issue 18: "an aircraft flying zero-g parabolas is lost and re-acquired as a new track".
The parabola is flown as the zero-g flights fly it (a pull-up, about 20 s of free fall,
a pull-out), here by a fighter at 250 m/s pulling 4 g (3 g net of gravity). Reports are
built by hand from the truth (:func:`test_tracker.measure`); the tracker never sees the
truth, which only scores the picture. NEES consistency: Bar-Shalom, Li, Kirubarajan,
Estimation with Applications to Tracking and Navigation (2001), sec. 5.4.2.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import chi2
from test_tracker import make_network_tracker, measure, track_numbers_per_target, two_sites

from iadsim.tracking.tracker import CONFIRMED
from iadsim.world.atmosphere import STANDARD_GRAVITY_MPS2

__all__ = ["two_sites"]

REVISIT_S = 2.0
#: The pull-up and pull-out: 3 g net of gravity (a 4 g load factor).
PULL_MPS2 = 3.0 * STANDARD_GRAVITY_MPS2
#: Vertical speed at the top of the pull-up and at the bottom of the free fall.
VERTICAL_SPEED_MPS = 180.0


def zero_g_parabola(count: int, scans: int, start_s: float = 20.0):
    """Truth of ``count`` targets on a grid 15 km apart at 6 km altitude flying north at
    250 m/s: level until ``start_s``, then a pull-up at 3 g net to 180 m/s climbing, a
    free-fall arc (vertical acceleration -g, 36.7 s) to 180 m/s diving, and a pull-out
    at 3 g net to level flight. Yields (time, positions (count, 3), velocities (count, 3))
    at each scan, integrated in 100 substeps a scan."""
    index = np.arange(count)
    position = np.column_stack([20_000.0 + 15_000.0 * (index % 5),
                                40_000.0 + 15_000.0 * (index // 5), np.full(count, 6_000.0)])
    velocity = np.zeros((count, 3))
    velocity[:, 1] = 250.0
    pull_s = VERTICAL_SPEED_MPS / PULL_MPS2
    fall_s = 2.0 * VERTICAL_SPEED_MPS / STANDARD_GRAVITY_MPS2
    phases = np.cumsum([start_s, pull_s, fall_s, pull_s])
    substep = REVISIT_S / 100
    time_s = 0.0
    for _ in range(scans):
        for _ in range(100):
            phase = int(np.searchsorted(phases, time_s, side="right"))
            vertical = (PULL_MPS2 if phase in (1, 3)
                        else -STANDARD_GRAVITY_MPS2 if phase == 2 else 0.0)
            velocity[:, 2] += vertical * substep
            position = position + velocity * substep
            time_s += substep
        yield time_s, position.copy(), velocity.copy()


def tracks_per_target(sites, count: int = 10, **settings) -> list[int]:
    """Track numbers that came within 1 km of each of ``count`` targets flying the
    parabola (one radar, revisit 2 s, 45 scans)."""
    tracker, _ = make_network_tracker(sites[:1], **settings)
    return track_numbers_per_target(tracker, sites[0], zero_g_parabola(count, 45), count)


def test_the_imm_holds_a_zero_g_parabola_in_one_track_where_cv_breaks_it(two_sites):
    """Ten aircraft fly the parabola. The CV filter tuned for straight legs (acceleration
    noise 5 m/s^2, the IMM's own CV model's, as ``saturation`` tunes it) loses every one
    at the pull-up or the pull-out and picks it up in new tracks (2-4 a target); the IMM
    holds each in its first track. (The CV filter with the default noise, 30 m/s^2, also
    holds them: a 4 g pull is within its noise; it pays in a crowd, where 5 m/s^2 is
    what keeps neighbours apart.)"""
    assert all(tracks >= 2 for tracks in tracks_per_target(
        two_sites, motion_model="cv", process_noise_mps2=5.0))
    assert tracks_per_target(two_sites, motion_model="imm") == [1] * 10


def test_imm_tracks_are_consistent_through_a_zero_g_parabola(two_sites):
    """20 aircraft fly the parabola; the ensemble-average NEES of the IMM's combined
    estimate (6 degrees of freedom x 20 targets, expectation 6) is tested against
    chi-square bounds (one-sided, as the truth has no process noise on its phases:
    overconfidence is what would lose the target). On the level legs before and after
    it stays below the 99.5 % bound at every scan. Through the manoeuvre it does not:
    it spikes at the 4 g onsets (22 and 45, then 25 and 39, for two scans each, while
    the modes switch), and through the 37 s free-fall arc it sits at 7-10: a sustained
    1 g is 20 m a scan against the radar's 100 m, which the CV model misfits and the CA
    model (for 10-12 g turns) is too broad to win, so the manoeuvre mode stays at 5-15 %
    (with ``imm_cv_sojourn_s`` 30 the arc sat at 5.5-7, but the crowd tests then swap
    three times as often: tests/tracking/test_imm_crowd.py). So over the run its mean
    stays below 1.75 times the expectation (measured 9.3, 1.55 times). Every target
    keeps one track."""
    nees, times, tracker = parabola_nees(two_sites, COUNT)
    pull_s = VERTICAL_SPEED_MPS / PULL_MPS2
    manoeuvre_end_s = 20.0 + 2.0 * pull_s + 2.0 * VERTICAL_SPEED_MPS / STANDARD_GRAVITY_MPS2
    level = (times <= 20.0) | (times >= manoeuvre_end_s + 4.0 * REVISIT_S)
    assert level.sum() >= 10
    assert (nees[level] <= chi2.ppf(0.995, 6 * COUNT) / COUNT).all()
    assert nees.mean() <= 1.75 * 6.0
    assert (tracker.status == CONFIRMED).all() and tracker.imm_active.all()


#: Aircraft in the NEES tests.
COUNT = 20


def parabola_nees(sites, count: int, **settings):
    """``count`` aircraft fly the parabola, tracked by the IMM (``settings`` added) from
    one radar: the ensemble-average NEES of the combined position and velocity at each
    scan from the fourth, those scans' times, and the tracker."""
    tracker, _ = make_network_tracker(sites[:1], motion_model="imm", **settings)
    rng = np.random.default_rng(5)
    nees, times = [], []
    for time_s, position, velocity in zero_g_parabola(count, 45):
        tracker.process(measure(sites[0], position, time_s, rng))
        assert tracker.size == count
        order = np.argsort(tracker.track_id)
        error = np.hstack([position, velocity]) - tracker.state[order]
        nees.append(np.einsum("ni,ni->n", error, np.linalg.solve(
            tracker.covariance[order], error[..., None])[..., 0]).mean())
        times.append(time_s)
    return np.array(nees[3:]), np.array(times[3:]), tracker


def test_with_the_gentle_ca_model_the_free_fall_arc_is_consistent(two_sites):
    """``imm_models: cv_ca_gentle_ca``: through the parabola's free-fall arc (a steady 1 g,
    from two scans after the pull-up to its end) the gentle CA mode carries the target
    and the ensemble-average NEES (6 degrees of freedom x 20 aircraft) averages between
    0.8 and 1.1 times its expectation 6 (a little conservative: the arc's true jerk is
    zero), below the one-sided 99.5 % chi-square bound at 90 % of the arc's scans
    (measured: mean 5.35, at most 7.85; Bar-Shalom et al. 2001, sec. 5.4.2). The
    two-model IMM sits more than 25 % above 6 there (measured 8.6). Each aircraft keeps
    one track."""
    pull_s = VERTICAL_SPEED_MPS / PULL_MPS2
    fall_s = 2.0 * VERTICAL_SPEED_MPS / STANDARD_GRAVITY_MPS2
    arc_means = {}
    for models in ("cv_ca_gentle_ca", "cv_ca"):
        nees, times, tracker = parabola_nees(two_sites, COUNT, imm_models=models)
        arc = (times > 20.0 + pull_s + 2.0 * REVISIT_S) & (times < 20.0 + pull_s + fall_s)
        assert arc.sum() >= 15
        arc_means[models] = nees[arc].mean()
        if models == "cv_ca_gentle_ca":
            assert (nees[arc] <= chi2.ppf(0.995, 6 * COUNT) / COUNT).mean() >= 0.9
            assert tracker.mode_probability.shape == (COUNT, 3)
    assert 0.8 * 6.0 <= arc_means["cv_ca_gentle_ca"] <= 1.1 * 6.0
    assert arc_means["cv_ca"] > 1.25 * 6.0
    assert tracks_per_target(two_sites, motion_model="imm",
                             imm_models="cv_ca_gentle_ca") == [1] * 10


def test_imm_for_manoeuvring_flies_only_aircraft_and_cruise_missiles_with_the_imm(two_sites):
    """``motion_model: imm_for_manoeuvring``: of an aircraft (250 m/s at 7 km), a cruise
    missile (240 m/s at 100 m) and a drone (50 m/s at 800 m), the first two (classified
    aircraft and cruise missile from their kinematics) are flown with the IMM, the drone
    with the CV filter; with ``imm`` all three are."""
    start = np.array([[30_000.0, 40_000.0, 7_000.0], [35_000.0, 20_000.0, 100.0],
                      [20_000.0, 30_000.0, 800.0]])
    velocity = np.array([[0.0, 250.0, 0.0], [-240.0, 0.0, 0.0], [50.0, 0.0, 0.0]])
    flown = {}
    for motion_model in ("imm_for_manoeuvring", "imm"):
        tracker, _ = make_network_tracker(two_sites[:1], motion_model=motion_model)
        rng = np.random.default_rng(2)
        for scan in range(1, 11):
            time_s = scan * REVISIT_S
            tracker.process(measure(two_sites[0], start + velocity * time_s, time_s, rng))
        order = np.argsort(tracker.track_id)
        assert tracker.size == 3 and (tracker.status == CONFIRMED).all()
        assert tracker.kind_index[order].tolist() == [2, 1, 3]  # aircraft, cruise, drone
        flown[motion_model] = tracker.imm_active[order].tolist()
    assert flown == {"imm_for_manoeuvring": [True, True, False], "imm": [True, True, True]}
