"""Deletion by the probability of a run of misses with the detection probability
predicted at the track's range (``tracking.deletion_detection_model: range``,
iadsim.tracking.deletion).

The strength estimate and the predicted P_D are driven directly (looks at known ranges
drawn from the radar's design curve), and the rule through the tracker as the engine
drives it (``test_deletion_by_misses.run``: 10 s scans delivered 1.8 s late, a false
alarm in every scan, noisy reports: the picture differs from the truth).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from numba import njit
from test_deletion_by_miss_probability import RULE
from test_deletion_by_misses import (
    abreast,
    log_drops_of,
    nearest_targets,
    one_target,
    radar,
    run,
    sites_of,
    target_tracks,
    tracker_for,
)
from test_tracker import LAT, LON, events

from iadsim.errors import ScenarioError
from iadsim.events import EventKind
from iadsim.scenario import scenario_from_dict
from iadsim.scenario.schema import Tracking
from iadsim.sensors.detection import probability_of_detection
from iadsim.tracking import deletion
from iadsim.tracking.tracker import CONFIRMED

BY_RANGE = {**RULE, "deletion_detection_model": "range"}  # an option (cost: session 12)


@pytest.fixture(scope="module")
def one_radar():
    return sites_of(radar("search"))


def design_detection_probability(site, strength_db: float, range_m: np.ndarray
                                 ) -> np.ndarray:
    """The radar's design Pd of a target of ``strength_db`` at ``range_m`` (the radar
    equation and the Swerling Pd, not the table), times 1 - the unmodelled misses."""
    snr_db = (10.0 * np.log10(site.snr_at_one_metre) + strength_db
              - 40.0 * np.log10(range_m))
    return (1.0 - deletion.UNMODELLED_MISS_PROBABILITY) * probability_of_detection(
        snr_db, site.pfa, site.pulses_per_dwell, site.swerling)


def looks_at(site, strength_db: float, range_m: np.ndarray, seed: int,
             memory: float = 1.0) -> np.ndarray:
    """The strength log-likelihood (G,) after looks at ``range_m``, each a hit drawn
    with the design Pd of ``strength_db`` there (no prior)."""
    tables, snr_db = deletion.design_detection_tables([site])
    hits = (np.random.default_rng(seed).uniform(size=range_m.size)
            < design_detection_probability(site, strength_db, range_m))
    log_likelihood = np.zeros(deletion.STRENGTH_DB.size)
    for distance, hit in zip(range_m.tolist(), hits.tolist(), strict=True):
        deletion.add_look(log_likelihood, memory, tables[0],
                          deletion.look_table_position(distance, snr_db[0]), hit)
    return log_likelihood


def predicted(site, log_likelihood: np.ndarray, range_m: float) -> float:
    tables, snr_db = deletion.design_detection_tables([site])
    return deletion.predicted_detection_probability(
        log_likelihood, tables[0], deletion.look_table_position(range_m, snr_db[0]))


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("strength_db", [-13.0, -7.5, 5.0])
def test_a_known_strength_is_recovered_from_hits_and_misses_over_ranges(
        one_radar, strength_db, seed):
    """600 looks at ranges 120-300 km, hits drawn from the design curve of a target of
    ``strength_db`` (-7.5: between two strengths of the 1 dB grid): the posterior mean
    strength within 1.5 dB and the predicted P_D at 150 and 280 km within 0.08 of the
    true one (over seeds 1-20 the largest errors are 1.3 dB and 0.072: binomial noise of
    the few looks where the Pd curve is steep, about 0.07 per dB)."""
    (site,) = one_radar
    distances = np.random.default_rng(100 + seed).uniform(120_000.0, 300_000.0, 600)
    log_likelihood = looks_at(site, strength_db, distances, seed)
    assert deletion.estimated_strength_db(log_likelihood) == pytest.approx(strength_db,
                                                                            abs=1.5)
    for distance in (150_000.0, 280_000.0):
        truth = float(design_detection_probability(site, strength_db, distance))
        assert predicted(site, log_likelihood, distance) == pytest.approx(truth, abs=0.08)


def test_a_receding_target_is_allowed_a_longer_run(one_radar):
    """A 0 dB m^2 target seen at 60-100 km (30 looks, memory 20 looks; its design Pd
    0.94-0.91 there, 0.47 at 200 km, 0.2 at 250 km) is predicted a lower P_D at 200 and
    250 km than where it was seen (0.90, 0.44, 0.34: its strength is uncertain over the
    plateau of the curve), and allowed a longer run there: 4 or 5 misses at 80 km,
    more at 200 km, more again at 250 km, where the hit ratio (near 0.9) allows 4 or 5."""
    (site,) = one_radar
    memory = 1.0 - 1.0 / RULE["deletion_memory_looks"]
    log_likelihood = looks_at(site, 0.0, np.linspace(60_000.0, 100_000.0, 30), 4, memory)
    near, middle, far = (predicted(site, log_likelihood, distance)
                         for distance in (80_000.0, 200_000.0, 250_000.0))
    assert near > 0.85 and middle < near - 0.3 and far < middle - 0.05
    runs = deletion.misses_to_delete(np.array([near, middle, far]), 1e-4).tolist()
    assert runs[0] <= 5 and runs[0] < runs[1] < runs[2]


@pytest.mark.parametrize("range_m", [80_000.0, 200_000.0, 280_000.0])
def test_the_run_allowed_at_a_range_is_the_tests(one_radar, range_m):
    """The run :func:`deletion.mixture_misses_to_delete` sets at a report (the stretch's
    length): with the strength known, ``ceil(ln 1e-4 / ln(1 - P_D))`` at that range; with
    it uncertain (two strengths, half each), the shortest run whose mixture probability
    is at most 1e-4, at least the run of the mean P_D (each checked within 1e-3: the
    table's Pd and ln(1 - Pd) are interpolated separately); at most
    ``MOST_MISSES_TO_DELETE`` (at 280 km the -10 dB m^2 strength is all but unseen)."""
    tables, snr_db = deletion.design_detection_tables(one_radar)
    at = deletion.look_table_position(range_m, snr_db[0])
    known = np.full(deletion.STRENGTH_DB.size, -1e4)
    known[30] = 0.0  # -10 dB m^2
    detection = deletion.predicted_detection_probability(known, tables[0], at)
    runs = deletion.mixture_misses_to_delete(known, tables[0], at, math.log(1e-4))
    assert runs == int(deletion.misses_to_delete(detection, 1e-4))
    uncertain = known.copy()
    uncertain[45] = 0.0  # and +5 dB m^2
    mean = deletion.predicted_detection_probability(uncertain, tables[0], at)
    runs = deletion.mixture_misses_to_delete(uncertain, tables[0], at, math.log(1e-4))
    assert runs >= int(deletion.misses_to_delete(mean, 1e-4))
    misses = np.array([1.0 - deletion.predicted_detection_probability(
        np.where(np.arange(known.size) == index, 0.0, -1e4), tables[0], at)
        for index in (30, 45)])
    if runs == deletion.MOST_MISSES_TO_DELETE:  # 280 km: -10 dB m^2 is all but unseen
        assert 0.5 * (misses**runs).sum() > 1e-4
        return
    assert 0.5 * (misses**runs).sum() <= 1e-4 * (1.0 + 1e-3)
    assert 0.5 * (misses ** (runs - 1)).sum() > 1e-4 * (1.0 - 1e-3)


def test_a_run_is_charged_look_by_look_at_each_looks_range(one_radar):
    """A confirmed track reported at 100 km (its first fold: the prior and the hit),
    then missed by five scans at 150, 175, 200, 225 and 250 km: the run's
    log-probability is ln sum_j w_j prod_i (1 - Pd_j(R_i)), w the strength posterior of
    the report (the run never enters it), each miss at its own range (the radar equation
    and the Swerling Pd, not the table: within 1e-3); the pending misses, faded, are
    folded at the next report."""
    (site,) = one_radar
    tracker, _ = tracker_for(one_radar, **BY_RANGE)
    tables, snr_db = deletion.design_detection_tables(one_radar)
    memory = 1.0 - 1.0 / RULE["deletion_memory_looks"]
    direction = np.array([0.6, 0.8, 0.0])
    distances = [100_000.0, 150_000.0, 175_000.0, 200_000.0, 225_000.0, 250_000.0]
    position = np.array([[direction * distance + np.array([0.0, 0.0, 10_000.0])
                          for distance in distances]])
    slant = np.linalg.norm(position[0] - tracker._site_position[0], axis=1)
    scan_time = 10.0 * np.arange(len(distances)) + 100.0
    status = np.array([CONFIRMED], dtype=np.int8)
    strengths = deletion.STRENGTH_DB.size
    columns = {"missed": np.zeros((1, 1), dtype=np.int32), "covered": np.zeros((1, 1)),
               "detected": np.zeros((1, 1)), "runs": np.zeros((1, 1), dtype=np.int32),
               "strength": np.zeros((1, 1, strengths)),
               "pending": np.zeros((1, 1, strengths)),
               "run_by_strength": np.zeros((1, 1, strengths)), "run": np.zeros((1, 1))}
    geometry = (tracker._site_position, tracker._site_rotation, tracker._site_coverage, 0.0)
    radars = np.zeros(len(distances), dtype=np.int64)

    def fold_at(last_s: float, times: np.ndarray, where: np.ndarray) -> None:
        deletion.fold_detections_by_range(
            status, np.array([[last_s]]), columns["missed"], times,
            np.zeros(times.size, dtype=np.int64), where, *geometry, columns["covered"],
            columns["detected"], columns["runs"], columns["strength"], columns["pending"],
            columns["run_by_strength"], columns["run"], memory, 0.7, 4.0, math.log(1e-4),
            tables, snr_db)

    fold_at(100.0, scan_time, position)
    estimate = columns["strength"][0, 0].copy()
    # The first fold: 4 prior looks at P_D 0.7 where the report is, then the hit.
    at_report = design_detection_probability(site, deletion.STRENGTH_DB, slant[0])
    prior = 4.0 * (0.7 * np.log(at_report) + 0.3 * np.log1p(-at_report))
    assert np.allclose(estimate, memory * prior + np.log(at_report), atol=1e-3)
    deletion.charge_misses_by_range(
        status, np.array([[100.0]]), scan_time, radars, position, *geometry,
        columns["covered"], columns["strength"], columns["pending"],
        columns["run_by_strength"], columns["run"], memory, 0.7, tables, snr_db)
    run_by_strength = sum(np.log1p(-design_detection_probability(
        site, deletion.STRENGTH_DB, distance)) for distance in slant[1:])
    weight = np.exp(estimate - estimate.max())
    expected = math.log((weight * np.exp(run_by_strength)).sum() / weight.sum())
    assert columns["run"][0, 0] == pytest.approx(expected, rel=1e-3)
    assert columns["run"][0, 0] == pytest.approx(deletion.run_log_probability(
        estimate, columns["run_by_strength"][0, 0]), rel=1e-12)
    # Above the product of the posterior means of 1 - Pd (the uncertainty of strength).
    at = [deletion.look_table_position(distance, snr_db[0]) for distance in slant]
    product = sum(math.log1p(-deletion.predicted_detection_probability(
        estimate, tables[0], position_at)) for position_at in at[1:])
    assert columns["run"][0, 0] > product
    assert np.array_equal(columns["strength"][0, 0], estimate)  # the run is not in it
    pending = np.zeros(strengths)
    for position_at in at[1:]:
        deletion.add_look(pending, memory, tables[0], position_at, False)
    assert np.allclose(columns["pending"][0, 0], pending, rtol=1e-12)
    # The next report (a scan at 160 s, 250 km) folds the five misses and itself.
    columns["missed"][0, 0] = 5
    fold_at(160.0, np.array([160.0]), np.array([[position[0, -1]]]))
    folded = memory**5 * estimate + pending
    deletion.add_look(folded, memory, tables[0], at[-1], True)
    assert np.allclose(columns["strength"][0, 0], folded, rtol=1e-12)
    assert columns["run"][0, 0] == 0.0 and not columns["pending"].any()
    assert not columns["run_by_strength"].any()


def test_a_vanished_target_seen_at_every_scan_is_deleted_at_its_fourth_miss(one_radar):
    """Reported at every scan to 205 s, 100 km out (its predicted P_D 0.95, the design
    curve's most): deleted at the fourth scan after, 40 s after its last report, as under
    the hit ratio."""
    tracker, log = tracker_for(one_radar, **BY_RANGE)

    def detected(radar_index, scan, time_s):
        return np.array([time_s <= 205.0])

    run(tracker, one_radar, one_target, detected, 400.0)
    (track,) = target_tracks(log)
    assert log_drops_of(log, [track]) == [245.0]


def receding(time_s: float) -> np.ndarray:
    """Two airliners 3 km apart flying away from the radar from 60 km, 10 km up, at
    220 m/s (to 250 km at 860 s)."""
    outward = 60_000.0 + 220.0 * time_s
    return np.array([[0.6 * outward, 0.8 * outward, 10_000.0],
                     [0.6 * outward - 2_400.0, 0.8 * outward + 1_800.0, 10_000.0]])


def receding_detections(site, strength_db: float, end_s: float, seed: int):
    """Each scan's detections of :func:`receding`'s targets, drawn from the radar's
    design Pd of ``strength_db`` at their true ranges (seeded)."""
    times = np.arange(5.0, end_s, 10.0)
    draws = np.random.default_rng(seed).uniform(size=(times.size, 2))
    distance = np.linalg.norm(np.array([receding(time_s) for time_s in times]), axis=2)
    hit = draws < design_detection_probability(site, strength_db, distance)
    hit[:4] = True  # confirmed at the third scan

    def detected(radar_index, scan, time_s):
        return hit[scan]
    return detected, hit, distance


def test_receding_targets_fading_with_range_keep_their_tracks(one_radar):
    """Two -5 dB m^2 aircraft 3 km apart fly from 60 to 203 km in 650 s, their Pd
    falling from 0.93 to 0.12 (drawn from the design curve at their true ranges, seeded).
    Under the hit ratio each track's estimate lags the falling Pd and a run of misses
    beyond 150 km deletes both tracks (at 535 and 635 s); with P_D predicted at range each
    keeps its track (the runs' probabilities stay above 1e-4), each on its own aircraft.
    (Farther out, at Pd under 0.1, the two coasting tracks swap aircraft near 680 s: two
    aircraft 3 km apart seen once in ten scans are ambiguous.)"""
    (site,) = one_radar
    detected, hit, distance = receding_detections(site, -5.0, 650.0, 13)
    assert distance[-1].min() > 200_000.0 and hit[-15:].mean() < 0.35
    ratio, ratio_log = tracker_for(one_radar, **RULE, max_position_sigma_m=50_000.0)
    run(ratio, one_radar, receding, detected, 650.0)
    ratio_tracks = target_tracks(ratio_log)
    assert log_drops_of(ratio_log, ratio_tracks[:2]) == [535.0, 635.0]
    tracker, log = tracker_for(one_radar, **BY_RANGE, max_position_sigma_m=50_000.0)
    run(tracker, one_radar, receding, detected, 650.0)
    confirmed = target_tracks(log)
    assert len(confirmed) == 2 and log_drops_of(log, confirmed) == []
    assert events(log, EventKind.TRACK_MERGE).empty
    alive = tracker.status == CONFIRMED
    assert (tracker.run_log_miss[alive] > np.log(1e-4)).all()
    position = (tracker.state[alive, :3] + tracker.state[alive, 3:]
                * (650.0 - tracker.time_s[alive])[:, None])
    distance = np.linalg.norm(position[:, None, :] - receding(650.0)[None], axis=2)
    assert distance.argmin(axis=1).tolist() == [0, 1] and distance.min() < 1_500.0


@pytest.mark.parametrize("cost", ["distance", "likelihood"])
def test_a_killed_target_among_close_ones_is_deleted_at_its_fourth_miss(one_radar, cost):
    """Three targets abreast 4 km apart (1.5 km under the likelihood cost), reported at
    every scan; the middle one is killed after the scan at 405 s. Its track is deleted at
    its fourth miss (445 s); the outer two keep theirs, each on its own target."""
    truth = abreast(4_000.0 if cost == "distance" else 1_500.0)

    def detected(radar_index, scan, time_s):
        return np.array([target != 1 or time_s <= 405.0 for target in range(3)])

    tracker, log = tracker_for(one_radar, **BY_RANGE, association_cost=cost)
    run(tracker, one_radar, truth, detected, 600.0)
    confirmed = target_tracks(log)
    assert len(confirmed) == 3
    assert log_drops_of(log, confirmed) == [445.0]
    alive = tracker.status == CONFIRMED
    assert tracker.track_id[alive].tolist() == [confirmed[0], confirmed[2]]
    assert nearest_targets(tracker, truth(600.0), 600.0) == [0, 2]


def test_the_option_is_checked():
    assert Tracking().deletion_detection_model == "hit_ratio"  # range costs: session 12
    assert Tracking(**BY_RANGE).deletion_detection_model == "range"
    with pytest.raises(ValueError, match="deletion_detection_model"):
        Tracking(**{**RULE, "deletion_detection_model": "ranges"})


def test_a_bad_model_is_one_line_naming_the_field():
    document = {"name": "bad", "origin": {"lat_deg": LAT, "lon_deg": LON},
                "sim": {"duration_s": 10.0},
                "tracking": {"deletion_detection_model": "predicted"}}
    with pytest.raises(ScenarioError) as raised:
        scenario_from_dict(document)
    (line,) = str(raised.value).splitlines()
    assert "tracking.deletion_detection_model" in line and "'hit_ratio' or 'range'" in line


@njit
def log_probability_of_misses(log_likelihood: np.ndarray, table: np.ndarray,
                              position: float, misses: int) -> float:
    """The reference: ``ln sum_j w_j (1 - Pd_j)^misses`` at one look's table ``position``,
    each term read from the table and the evidence summed afresh (the form
    :func:`deletion.mixture_misses_to_delete` evaluated at every bisection step before it
    took the per-strength terms once)."""
    top = log_likelihood.max()
    joint_top = -np.inf
    for strength in range(log_likelihood.size):
        joint_top = max(joint_top, log_likelihood[strength] + misses * deletion._table_value(
            table, deletion.LOG_MISS_ROW, position + deletion.STRENGTH_STRIDE * strength))
    evidence, joint = 0.0, 0.0
    for strength in range(log_likelihood.size):
        evidence += math.exp(log_likelihood[strength] - top)
        joint += math.exp(log_likelihood[strength] + misses * deletion._table_value(
            table, deletion.LOG_MISS_ROW, position + deletion.STRENGTH_STRIDE * strength)
            - joint_top)
    return joint_top + math.log(joint) - top - math.log(evidence)


def test_the_mixture_run_takes_its_per_strength_terms_once_bit_for_bit():
    """:func:`deletion.mixture_misses_to_delete` computes the design table's ``ln(1 -
    Pd_j)`` and the posterior's evidence once per call, not at each bisection step: each
    step's log-probability is the reference's (:func:`log_probability_of_misses`) to the last bit,
    and the run found is the bisection over it (random posteriors, positions on and off
    the table, thresholds 1e-6 to 1e-2)."""
    rng = np.random.default_rng(3)
    table = deletion.design_detection_table(1e-6, 1, 10)
    strengths = deletion.STRENGTH_DB.size
    for _ in range(500):
        log_likelihood = rng.normal(size=strengths) * rng.uniform(0.0, 30.0)
        position = rng.uniform(-200.0, table.shape[1] + 200.0)
        log_threshold = np.log(10.0 ** rng.uniform(-6.0, -2.0))
        log_miss = np.array([deletion._table_value(
            table, deletion.LOG_MISS_ROW, position + deletion.STRENGTH_STRIDE * strength)
            for strength in range(strengths)])
        top = log_likelihood.max()
        evidence = 0.0
        for value in log_likelihood:  # libm's exp, as the compiled kernels call it
            evidence += math.exp(value - top)
        log_evidence = math.log(evidence)
        for misses in (1, 4, 29, 300, deletion.MOST_MISSES_TO_DELETE):
            assert (deletion._log_probability_of_run(log_likelihood, log_miss, misses, top,
                                                     log_evidence)
                    == log_probability_of_misses(log_likelihood, table, position,
                                                           misses))
        low, high = 1, deletion.MOST_MISSES_TO_DELETE
        if (log_probability_of_misses(log_likelihood, table, position, high)
                > log_threshold):
            expected = high
        else:
            while low < high:
                middle = (low + high) // 2
                if (log_probability_of_misses(log_likelihood, table, position,
                                                        middle) <= log_threshold + 1e-9):
                    high = middle
                else:
                    low = middle + 1
            expected = low
        assert deletion.mixture_misses_to_delete(log_likelihood, table, position,
                                                 log_threshold) == expected
