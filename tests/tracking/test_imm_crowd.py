"""The IMM in a crowd: two groups of six targets 300 m abreast cross at right angles, and
twenty drones fly parallel lanes 300 m apart (the ``saturation`` raid's spacing), in
clutter, seen by one radar whose cross-range error (0.15 degree at 40-50 km: 100-130 m)
is a third to a half of the spacing.

IMM tracks are gated on the broadest model's prediction and their pairs priced with the
CV model's prediction (``tracking.imm_pricing``, :func:`iadsim.tracking.association.
priced_gain`); a report only the broad gate holds is taken only when unambiguous
(``tracking.imm_broad_gate_reports``); a slow target's manoeuvre model may be scaled down
(:func:`iadsim.tracking.imm.manoeuvre_scale`). Reports are built by hand from the truth
(:func:`test_tracker.measure`) plus uniform clutter; the tracker never sees the truth,
which only scores the picture.

The figures in the docstrings were measured under ``association_cost: distance``; under
``coasting_likelihood`` (the default since h-likelihood) the default CV and IMM change
the track holding a target, over the seeds each test uses: crossing groups 6 and 6 (5 and
7), two aircraft crossing 6 and 7 (7 and 7), drones in lanes 365 and 358 (376 and 400).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from test_tracker import make_network_tracker, measure, two_sites

from iadsim.sensors.measurements import converted_measurement
from iadsim.sensors.radar import DetectionBatch, RadarSite
from iadsim.tracking import tracker as tracker_module

__all__ = ["two_sites"]

REVISIT_S = 2.0
SCANS = 60
CLUTTER_PER_SCAN = 10
DETECTION_PROBABILITY = 0.9
#: A track holds a target at a scan when it is the picture's nearest to it within this.
HOLD_DISTANCE_M = 150.0


def crossing_groups(time_s: float) -> np.ndarray:
    """Twelve targets (12, 3): six abreast 300 m apart flying east at 200 m/s and six
    abreast flying south, the groups crossing near (30 km, 30 km) at t = 60 s."""
    abreast = 300.0 * (np.arange(6) - 2.5)
    east = np.column_stack([np.full(6, 30_000.0 + 200.0 * (time_s - 60.0)),
                            30_000.0 + abreast, np.full(6, 3_000.0)])
    south = np.column_stack([30_000.0 + 150.0 + abreast,
                             np.full(6, 30_000.0 - 200.0 * (time_s - 60.0)),
                             np.full(6, 3_200.0)])
    return np.vstack([east, south])


def scan_with_clutter(site: RadarSite, truth: np.ndarray, time_s: float,
                      rng: np.random.Generator) -> DetectionBatch:
    """The targets' reports (each detected with ``DETECTION_PROBABILITY``) and
    ``CLUTTER_PER_SCAN`` false reports uniform over 6 km x 6 km around the groups."""
    reports = measure(site, truth, time_s, rng)
    kept = rng.random(reports.size) < DETECTION_PROBABILITY
    false = truth.mean(axis=0) + rng.uniform(-3_000.0, 3_000.0, (CLUTTER_PER_SCAN, 3)) * [
        1.0, 1.0, 0.1]
    local = (false - site.position_enu_m) @ site.to_local.T
    slant = np.linalg.norm(local, axis=1)
    azimuth = np.mod(np.arctan2(local[:, 0], local[:, 1]), 2.0 * np.pi)
    elevation = np.arcsin(local[:, 2] / slant)
    position, covariance = converted_measurement(
        slant, azimuth, elevation, site.position_enu_m, site.to_local, site.range_sigma_m,
        site.azimuth_sigma_rad, site.elevation_sigma_rad)
    count = int(kept.sum()) + CLUTTER_PER_SCAN
    return DetectionBatch(
        0, time_s, np.concatenate([reports.range_m[kept], slant]),
        np.concatenate([reports.azimuth_rad[kept], azimuth]),
        np.concatenate([reports.elevation_rad[kept], elevation]), np.zeros(count),
        np.concatenate([reports.threat_id[kept], np.full(CLUTTER_PER_SCAN, -1)]),
        np.concatenate([reports.position_m[kept], position]),
        np.concatenate([reports.position_cov_m2[kept], covariance]))


def track_changes(sites, motion_model: str, seed: int, truth_at=crossing_groups,
                  scans: int = SCANS, **settings) -> int:
    """How many times, over the run, the track holding a target changed (a break or a
    swap between neighbours), summed over the targets ``truth_at(time_s)`` (k, 3)."""
    site = dataclasses.replace(sites[0], azimuth_sigma_rad=np.radians(0.15),
                               elevation_sigma_rad=np.radians(0.15))
    tracker, _ = make_network_tracker([site], motion_model=motion_model,
                                      process_noise_mps2=5.0, initial_speed_sigma_mps=150.0,
                                      **settings)
    rng = np.random.default_rng(seed)
    holder: dict[int, int] = {}
    changes = 0
    for scan in range(1, scans + 1):
        time_s = scan * REVISIT_S
        truth = truth_at(time_s)
        tracker.process(scan_with_clutter(site, truth, time_s, rng))
        tracker.drop(time_s)
        picture = tracker.picture(time_s)
        if picture.size == 0:
            continue
        distance = np.linalg.norm(picture.position_m[:, None] - truth[None], axis=2)
        for target in range(truth.shape[0]):
            nearest = int(distance[:, target].argmin())
            if distance[nearest, target] < HOLD_DISTANCE_M:
                track = int(picture.track_id[nearest])
                changes += target in holder and holder[target] != track
                holder[target] = track
    return changes


def parallel_lanes(time_s: float) -> np.ndarray:
    """Twenty drones (20, 3) at 50 m/s flying west in five lanes 300 m apart (a group
    1.2 km wide), four a lane 200 m apart, 45-40 km east of the radar and 20 km north
    (cross-range error about 120 m, across the lanes)."""
    lane, along = np.meshgrid(300.0 * (np.arange(5) - 2.0), 200.0 * np.arange(4),
                              indexing="ij")
    east = along.ravel() + 45_000.0 - 50.0 * time_s
    return np.column_stack([east, 20_000.0 + lane.ravel(), np.full(east.size, 1_000.0)])


#: The IMM tuned for drones as ``saturation`` tunes it: its manoeuvre model scaled down
#: for slow targets (:func:`iadsim.tracking.imm.manoeuvre_scale`).
DRONE_IMM = {"imm_manoeuvre_reference_speed_mps": 250.0}
#: The IMM as it was until h-imm4: any report its broad gate holds taken when no track
#: prices it higher, a track entering with the manoeuvre mode at 10 %, mean time in the CV
#: mode 30 s.
EARLIER_IMM = {"imm_broad_gate_reports": "any", "imm_initial_ca_probability": 0.1,
               "imm_cv_sojourn_s": 30.0}
#: The IMM as it was before the speed scale and the CV-model pricing (issue 18).
UNSCALED_IMM = {"imm_pricing": "combined", **EARLIER_IMM}


def test_the_imm_holds_drones_in_parallel_lanes_within_a_quarter_of_cv(two_sites):
    """Twenty drones in 300 m lanes, 60 scans, clutter, seeds 1-3: the IMM tuned for
    drones (``DRONE_IMM``) changes the track holding a drone at most 1.25 times as often
    as the CV filter (measured: 400 against 376, 432 with ``EARLIER_IMM``; the CV
    filter's changes are the lanes' own ambiguity at 2.5 sigma; unscaled, 470). The IMM
    as it was (priced with its combined prediction, manoeuvre model unscaled,
    ``UNSCALED_IMM``) changed it 739 times (2.0x): the bound fails there; with the
    CV-model pricing alone, 570."""
    def changes(motion_model: str, **settings) -> int:
        return sum(track_changes(two_sites, motion_model, seed, parallel_lanes, **settings)
                   for seed in (1, 2, 3))

    cv = changes("cv")
    assert changes("imm", **DRONE_IMM) <= 1.25 * cv
    assert changes("imm", **UNSCALED_IMM) > 1.5 * cv


def test_pricing_imm_pairs_with_the_cv_model_keeps_the_crowd_apart(two_sites, monkeypatch):
    """Over three seeds of the crossing groups, the earlier IMM (``EARLIER_IMM``) priced
    with its CV model's prediction changes the track holding a target less often than
    priced with its combined prediction, and under half as often as priced by its broad
    gate alone (measured: 106, 121 and 403 changes; CV: 5)."""
    def changes(**settings) -> int:
        return sum(track_changes(two_sites, "imm", seed, **{**EARLIER_IMM, **settings})
                   for seed in (1, 2, 3))

    priced = changes()
    combined = changes(imm_pricing="combined")
    monkeypatch.setattr(tracker_module, "priced_gain",
                        lambda pricing, gate, threshold: threshold - gate)
    gate_only = changes()
    assert priced < combined and priced < 0.5 * gate_only


@pytest.mark.parametrize("seed", [1, 2])
def test_the_cv_filter_holds_the_crossing_groups(two_sites, seed):
    """The reference the IMM is measured against: the CV filter changes a target's track
    at most three times in a run (12 targets, 60 scans)."""
    assert track_changes(two_sites, "cv", seed) <= 3


def test_the_imm_holds_the_crossing_groups_within_noise_of_cv(two_sites):
    """Over three seeds of the crossing groups the IMM changes the track holding a target
    7 times against CV's 5 (at most 10 here); the earlier IMM (``EARLIER_IMM``) changed it
    106 times. Each of its three changes counts: with a report only its broad gate holds
    taken when ambiguous again, 65 (such reports were the neighbours' and clutter a track
    took when it missed its own, read as a manoeuvre); entering with the manoeuvre mode at
    10 % again, 12; 30 s mean time in the CV mode again, 20."""
    def changes(**settings) -> int:
        return sum(track_changes(two_sites, "imm", seed, **settings) for seed in (1, 2, 3))

    assert changes() <= 10
    assert changes(imm_broad_gate_reports="any") > 30


def two_crossing_aircraft(time_s: float) -> np.ndarray:
    """Two aircraft (2, 3) at 250 m/s crossing at 20 degrees near (30 km, 30 km) at
    t = 60 s, 300 m apart in height (under three elevation sigmas of the radar there):
    within 1 km of each other for 23 s."""
    along = 250.0 * (time_s - 60.0)
    angle = np.radians(20.0)
    return np.array([[30_000.0 + along, 30_000.0, 3_000.0],
                     [30_000.0 + along * np.cos(angle), 30_000.0 + along * np.sin(angle),
                      3_300.0]])


def test_the_imm_keeps_two_aircraft_crossing_at_a_small_angle_apart(two_sites):
    """Two aircraft cross at 20 degrees in clutter, ten seeds: the IMM changes the track
    holding one no more often than the CV filter, to within 2 (measured: 7 each; the
    earlier IMM, 19)."""
    def changes(motion_model: str, **settings) -> int:
        return sum(track_changes(two_sites, motion_model, seed, two_crossing_aircraft,
                                 **settings) for seed in range(1, 11))

    cv = changes("cv")
    assert changes("imm") <= cv + 2
    assert changes("imm", **EARLIER_IMM) > cv + 5


def test_a_report_only_the_broad_gate_holds_is_ambiguous_when_shared(two_sites):
    """:meth:`CentralTracker._ambiguous_broad_pairs` on hand-made pairs: a broad pair is
    ambiguous when its track's gate holds another report of that scan, or another
    confirmed track's gate holds its report; a tentative track's does not count (a new
    track started on a hard turn's first report must not stop the old track taking the
    next), nor does another scan's report."""
    tracker, _ = make_network_tracker(two_sites[:1], motion_model="imm")
    tracker.status = np.array([2, 2, 1, 2], dtype=np.int8)  # confirmed, tentative
    tracks = np.arange(4)
    # Pairs (track, report): track 0 with report 0 (scan 0) and report 3 (scan 1);
    # track 1 with reports 1 and 2 (scan 0) and 4 (scan 1); tentative track 2 with
    # report 0; confirmed track 3 with report 4.
    pair_track = np.array([0, 0, 1, 1, 2, 3, 1])
    pair_measurement = np.array([0, 3, 1, 2, 0, 4, 4])
    slot_of = np.array([0, 0, 0, 1, 1])  # reports 0-2 in scan 0, 3-4 in scan 1
    broad = np.array([0, 1, 2, 5])
    ambiguous = tracker._ambiguous_broad_pairs(broad, tracks, pair_track, pair_measurement,
                                               slot_of, 2, 5)
    # Pair 0: track 0's only report of scan 0, gated by no other confirmed track: kept.
    # Pair 1: track 0's only report of scan 1: kept. Pair 2: track 1 gates reports 1
    # and 2 in scan 0: ambiguous. Pair 5: report 4 is in track 3's and track 1's gates.
    assert ambiguous.tolist() == [2, 5]
