"""Absolute registration from references with known positions (tracking/registration.py).

The trackers here take the radars' scans with the references' plots merged in, as a run
does (sensors/reference_targets.py), and never see the truth: the references' positions
they use are the surveyed ones and the cooperative aircraft's own reports. The tests
compare the bias estimates with the biases the radar model injects.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_bias_estimation import START, VELOCITY
from test_tracker import FRAME, LAT, LON, make_network_tracker

from iadsim.scenario import scenario_from_dict
from iadsim.sensors.radar import DetectionBatch, RadarNetwork, radar_sites
from iadsim.sensors.reference_targets import (
    REFERENCE_PLOT_ID,
    NavigationReports,
    ReferenceTargets,
    merge_scans,
)
from iadsim.tracking.bias import BiasEstimator
from iadsim.tracking.registration import ReferenceRegistration
from iadsim.world.earth import EARTH_RADIUS_M

RADAR = {"height_m": 20.0, "ref_range_km": 200.0, "max_range_km": 300.0, "revisit_s": 2.0,
         "range_sigma_m": 30.0, "azimuth_sigma_deg": 0.05, "elevation_sigma_deg": 0.05}
#: A tower 32 km north-east of the radars, 300 m high, with a corner reflector on it.
TOWER = {"name": "tower", "lat_deg": LAT + 0.2, "lon_deg": LON + 0.25, "height_m": 300.0,
         "rcs_m2": 100.0, "survey_sigma_m": 2.0}


def fly(sensors: list[dict], registration: dict | None, duration_s: float = 300.0,
        aircraft: np.ndarray | None = None, seed: int = 4):
    """Scan the six aircraft of test_bias_estimation (or none) for ``duration_s`` with the
    radars ``sensors`` and the references of ``registration``; returns the tracker (bias
    estimation on) and the registration (None without references)."""
    scenario = scenario_from_dict({
        "name": "registration", "origin": {"lat_deg": LAT, "lon_deg": LON},
        "sim": {"duration_s": duration_s}, "tracking": {"bias_estimation": True},
        "sensors": sensors,
        **({"registration": registration} if registration is not None else {})})
    sites = radar_sites(scenario, FRAME)
    network = RadarNetwork(sites, seed=seed, ground_elevation_m=0.0, record_detections=False)
    tracker, log = make_network_tracker(sites, bias_estimation=True)
    references = registration_in_use = None
    if registration is not None:
        references = ReferenceTargets(scenario.registration, FRAME, 0.0,
                                      [site.name for site in sites], seed)
        registration_in_use = ReferenceRegistration(
            references.point_position_m, references.point_sigma_m, references.report_sigma_m,
            references.report_interval_s)
        tracker.registration = registration_in_use
    start = START if aircraft is None else aircraft
    ids, rcs = np.arange(start.shape[0]), np.full(start.shape[0], 5.0)
    for time_s in np.arange(0.5, duration_s, 0.5):
        position = start + VELOCITY[: start.shape[0]] * time_s
        height = position[:, 2] + (position[:, :2] ** 2).sum(axis=1) / (2 * EARTH_RADIUS_M)
        batches = network.scan(float(time_s), position, height, rcs, ids, log)
        if references is not None:
            batches = merge_scans(batches, references.sight(network))
            registration_in_use.receive(references.reports(float(time_s)))
        tracker.process_scans(batches)
        tracker.drop(float(time_s))
    return tracker, registration_in_use


def azimuth_deg(tracker) -> np.ndarray:
    return np.rad2deg(tracker.bias_estimator.bias[:, 1])


def azimuth_sigma_deg(tracker) -> np.ndarray:
    return np.rad2deg(np.sqrt(np.diag(tracker.bias_estimator.covariance)[1::3]))


#: Two radars 220 m apart on one site (a search and an engagement radar), both turned
#: 0.5 degrees clockwise by one shared north-alignment error.
ONE_SITE = [{**RADAR, "name": "search", "lat_deg": LAT, "lon_deg": LON,
             "azimuth_bias_deg": 0.5},
            {**RADAR, "name": "engagement", "lat_deg": LAT + 0.002, "lon_deg": LON,
             "azimuth_bias_deg": 0.5}]


@pytest.fixture(scope="module")
def one_site():
    """The one-site pair after 300 s, with pairs only and with the tower as well."""
    return {"pairs": fly(ONE_SITE, None)[0],
            "tower": fly(ONE_SITE, {"reference_points": [TOWER]})}


def test_pairs_alone_leave_a_common_azimuth_bias_of_radars_on_one_site(one_site):
    """Radars on one site see a target along the same line of sight: a rotation common to
    both cancels in every pair (it shows only through the 220 m baseline, 2 m at 0.5
    degree). After 300 s and over 1,500 pairs the difference of the two azimuth biases is
    known (the estimates within 0.01 degree of each other) but the common azimuth is not:
    its posterior sigma stays above 0.25 degree (the prior's is 1 degree), and the
    estimate is within 2 sigma of the prior's 0. In these weak directions the estimate
    wanders: the common range bias ends above 500 m (about 1.1 km; the true one is 0),
    the figure docs/models.md quotes (a fix of the pair model would change it)."""
    tracker = one_site["pairs"]
    azimuth, sigma = azimuth_deg(tracker), azimuth_sigma_deg(tracker)
    assert tracker.bias_estimator.pairs_used > 1_500
    assert abs(azimuth[0] - azimuth[1]) < 0.01
    assert sigma.min() > 0.25
    assert (np.abs(azimuth) < 2.0 * sigma).all()
    assert np.abs(tracker.bias_estimator.bias[:, 0]).min() > 500.0
    assert tracker.bias_estimator.references_used == 0


def test_pairs_see_a_common_azimuth_bias_of_radars_apart_through_their_baseline():
    """Not every common rotation is invisible to pairs: the sites are known, so radars
    33 km apart both turned by beta see each other's plots displaced by about
    beta x baseline (290 m at 0.5 degree), and pairs alone recover beta within 0.02
    degree. (docs/models.md said before that a common rotation stays at the prior; that
    holds for radars on one site, above.)"""
    sensors = [{**RADAR, "name": "a", "lat_deg": LAT, "lon_deg": LON, "azimuth_bias_deg": 0.5},
               {**RADAR, "name": "b", "lat_deg": LAT + 0.3, "lon_deg": LON,
                "azimuth_bias_deg": 0.5}]
    tracker = fly(sensors, None)[0]
    assert azimuth_deg(tracker) == pytest.approx([0.5, 0.5], abs=0.02)


def test_one_reference_point_recovers_the_common_azimuth_bias(one_site):
    """With the tower (each radar sees it every 2 s scan, ~150 plots each): both azimuth
    biases within 0.02 degrees of 0.5. The tolerance: one plot's azimuth error is 0.05
    degree and the survey's 2 m at 32 km is 0.004 degree, so ~150 plots give a sigma of
    about 0.004 degree; 0.02 is five of those (and the estimate's own sigma must agree:
    under 0.01). The range and elevation biases stay within 10 m and 0.02 degree of 0.
    Every tower plot is taken out of the scans: no track is ever held at the tower."""
    tracker, registration = one_site["tower"]
    estimator = tracker.bias_estimator
    azimuth = azimuth_deg(tracker)
    assert azimuth == pytest.approx([0.5, 0.5], abs=0.02)
    assert azimuth_sigma_deg(tracker).max() < 0.01
    assert np.abs(azimuth - 0.5).max() < 5 * azimuth_sigma_deg(tracker).max()
    assert np.abs(estimator.bias[:, 0]).max() < 10.0
    assert np.abs(np.rad2deg(estimator.bias[:, 2])).max() < 0.02
    assert registration.plots_used.tolist()[0] > 250
    assert estimator.references_used == registration.plots_used.sum()
    tower = registration.point_position_m[0]
    held = np.linalg.norm(tracker.state[:, :3] - tower, axis=1)
    assert (held > 2_000.0).all()


def test_references_and_pairs_recover_each_radars_own_bias():
    """Radars 33 km apart with different biases (a: +120 m, +0.3 degree; b: -80 m,
    -0.2 degree, +0.1 degree in elevation), the six aircraft for pairs and one cooperative
    aircraft reporting its position every second (10 m sigma): each radar's range within
    10 m, azimuth within 0.02 degree and elevation within 0.03 degree of its own bias."""
    sensors = [{**RADAR, "name": "a", "lat_deg": LAT, "lon_deg": LON, "range_bias_m": 120.0,
                "azimuth_bias_deg": 0.3},
               {**RADAR, "name": "b", "lat_deg": LAT + 0.3, "lon_deg": LON,
                "range_bias_m": -80.0, "azimuth_bias_deg": -0.2, "elevation_bias_deg": 0.1}]
    liner = {"name": "liner", "speed_mps": 220.0, "rcs_m2": 20.0, "report_sigma_m": 10.0,
             "route": [{"lat_deg": LAT - 0.3, "lon_deg": LON - 0.5, "altitude_m": 10_000.0},
                       {"lat_deg": LAT + 0.5, "lon_deg": LON + 0.4, "altitude_m": 10_000.0}]}
    tracker, registration = fly(sensors, {"cooperative_aircraft": [liner]})
    estimator = tracker.bias_estimator
    assert estimator.bias[:, 0] == pytest.approx([120.0, -80.0], abs=10.0)
    assert azimuth_deg(tracker) == pytest.approx([0.3, -0.2], abs=0.02)
    assert np.rad2deg(estimator.bias[:, 2]) == pytest.approx([0.0, 0.1], abs=0.03)
    assert estimator.pairs_used > 500
    assert registration.plots_used.tolist()[0] > 250


#: A lone radar (no pairs) and an aircraft 60 km north of it flying east across its
#: north, -10 to +10 degrees of azimuth, at 150 m/s and 6 km.
LONE = [{**RADAR, "name": "lone", "lat_deg": LAT, "lon_deg": LON, "revisit_s": 1.0}]
NORTH_60_KM = 60_000.0 / 111_030.0  # degrees of latitude at 42 N
CROSSING = {"name": "crossing", "speed_mps": 150.0, "rcs_m2": 20.0, "report_sigma_m": 10.0,
            "route": [{"lat_deg": LAT + NORTH_60_KM, "lon_deg": LON - 0.1413,
                       "altitude_m": 6_000.0},
                      {"lat_deg": LAT + NORTH_60_KM, "lon_deg": LON + 0.1413,
                       "altitude_m": 6_000.0}]}


def test_a_wrong_reported_position_biases_the_estimate_by_the_expected_amount():
    """The aircraft's navigation is off by 300 m east, which its stated 10 m does not
    cover. The fusion centre uses the reports, not the truth, so the unbiased radar's
    azimuth bias estimate moves by ``-error x cos^2(theta) / R`` averaged over the plots
    (-0.2836 degree): at azimuth theta the east error's cross-range part is
    ``error cos(theta)`` and the range to the line ``R / cos(theta)`` (R = 60 km
    horizontal); the range part (``error sin(theta)``, odd in theta) averages out. The
    same run with a true navigation (same seed, same noise) is the baseline: the shift
    within 0.002 degree of the expected, the baseline estimate within 0.015 degree of 0
    (three times its sigma, 0.0044), both range biases within 10 m of 0."""
    estimates = {}
    for error_east_m in (0.0, 300.0):
        crossing = {**CROSSING, "report_error_m": [error_east_m, 0.0, 0.0]}
        tracker, registration = fly(LONE, {"cooperative_aircraft": [crossing]},
                                    duration_s=140.0, aircraft=np.zeros((0, 3)))
        assert registration.plots_used[0] > 120
        assert abs(tracker.bias_estimator.bias[0, 0]) < 10.0
        estimates[error_east_m] = azimuth_deg(tracker)[0]
    theta = np.deg2rad(np.linspace(-10.0, 10.0, 201))
    expected = -np.rad2deg(300.0 * np.mean(np.cos(theta) ** 2) / 60_000.0)
    assert estimates[300.0] - estimates[0.0] == pytest.approx(expected, abs=0.002)
    assert abs(estimates[0.0]) < 0.015


def test_reference_plots_are_marked_and_drawn_from_their_own_streams():
    """The references' plots carry REFERENCE_PLOT_ID, and adding references leaves the
    threats' plots unchanged (their own streams): the same scans, plus the tower's."""
    scenario = scenario_from_dict({
        "name": "streams", "origin": {"lat_deg": LAT, "lon_deg": LON},
        "sim": {"duration_s": 10.0}, "tracking": {"bias_estimation": True},
        "sensors": ONE_SITE, "registration": {"reference_points": [TOWER]}})
    sites = radar_sites(scenario, FRAME)
    plain = RadarNetwork(sites, seed=1, ground_elevation_m=0.0, record_detections=False)
    with_tower = RadarNetwork(sites, seed=1, ground_elevation_m=0.0, record_detections=False)
    references = ReferenceTargets(scenario.registration, FRAME, 0.0,
                                  [site.name for site in sites], 1)
    log = make_network_tracker(sites)[1]
    position = START[:2].copy()
    for time_s in (2.0, 4.0):
        first = plain.scan(time_s, position, position[:, 2], np.full(2, 5.0), np.arange(2),
                           log)
        second = with_tower.scan(time_s, position, position[:, 2], np.full(2, 5.0),
                                 np.arange(2), log)
        merged = merge_scans(second, references.sight(with_tower))
        assert [batch.radar_index for batch in merged] == [0, 1]
        for alone, joined in zip(first, merged, strict=True):
            assert joined.size == alone.size + 1
            np.testing.assert_array_equal(joined.position_m[:-1], alone.position_m)
            assert joined.threat_id[-1] == REFERENCE_PLOT_ID


def polar_plot(site, position_m: np.ndarray, time_s: float, sigma_m: float = 30.0):
    """A one-radar scan holding plots at ``position_m`` (k, 3), scenario ENU, with their
    range, azimuth and elevation from ``site`` (no noise) and covariance sigma_m^2 I."""
    local = (position_m - site.position_enu_m) @ site.to_local.T
    range_m = np.linalg.norm(local, axis=1)
    k = position_m.shape[0]
    return DetectionBatch(0, time_s, range_m, np.arctan2(local[:, 0], local[:, 1]),
                          np.arcsin(local[:, 2] / range_m), np.full(k, 20.0),
                          np.zeros(k, dtype=np.int64), position_m.copy(),
                          np.tile(np.eye(3) * sigma_m**2, (k, 1, 1)))


@pytest.fixture()
def tower_site():
    """One radar, the tower as the only reference point, a fresh bias estimator."""
    scenario = scenario_from_dict({
        "name": "tower", "origin": {"lat_deg": LAT, "lon_deg": LON},
        "sim": {"duration_s": 10.0}, "tracking": {"bias_estimation": True},
        "sensors": ONE_SITE[:1], "registration": {"reference_points": [TOWER]}})
    sites = radar_sites(scenario, FRAME)
    references = ReferenceTargets(scenario.registration, FRAME, 0.0,
                                  [site.name for site in sites], 1)
    registration = ReferenceRegistration(references.point_position_m,
                                         references.point_sigma_m,
                                         references.report_sigma_m,
                                         references.report_interval_s)
    return sites[0], registration, BiasEstimator(sites), references.point_position_m[0]


def tracks_at(positions: np.ndarray):
    """Confirmed tracks fixed at ``positions`` (n, 3) with 50 m sigma, whatever the time."""
    return lambda time_s: (positions, np.tile(np.eye(3) * 50.0**2, (positions.shape[0], 1, 1)))


def test_a_threat_plot_at_a_missed_reference_is_taken_only_without_its_track(tower_site):
    """The tower's own plot is missed; a threat flying past it gives a plot 40 m from it.
    With no confirmed track there the plot is taken for the tower (the documented limit);
    with the threat's confirmed track, or one of two close tracks, the plot is left to
    the tracker and the estimator is untouched; a track 5 km away changes nothing."""
    site, registration, estimator, tower = tower_site
    threat_plot = polar_plot(site, tower[None, :] + [40.0, 0.0, 0.0], 2.0)
    cases = {"no tracks": None,
             "track 5 km away": tracks_at(tower[None, :] + [5_000.0, 0.0, 0.0]),
             "the threat's track": tracks_at(tower[None, :] + [60.0, 20.0, 0.0]),
             "two close tracks": tracks_at(tower[None, :] + [[60.0, 20.0, 0.0],
                                                            [-300.0, 0.0, 0.0]])}
    left = {}
    for name, tracks in cases.items():
        estimator = BiasEstimator([site])
        scans = registration.take_reference_plots([threat_plot], estimator, tracks)
        left[name] = (scans[0].size, estimator.references_used)
    assert left == {"no tracks": (0, 1), "track 5 km away": (0, 1),
                    "the threat's track": (1, 0), "two close tracks": (1, 0)}


def test_the_reference_plot_is_used_beside_a_track_outside_its_gate(tower_site):
    """The tower's plot and a threat's plot 3 km away in one scan, the threat's track on
    it: the tower's plot is used and taken out, the threat's stays."""
    site, registration, estimator, tower = tower_site
    scan = polar_plot(site, np.stack([tower, tower + np.array([3_000.0, 0.0, 0.0])]), 2.0)
    scans = registration.take_reference_plots(
        [scan], estimator, tracks_at(tower[None, :] + [3_000.0, 30.0, 0.0]))
    assert estimator.references_used == 1
    np.testing.assert_allclose(scans[0].position_m, scan.position_m[1:])


def test_a_battery_copy_knows_the_survey_and_hears_reports_only_when_told():
    """``for_battery``: the same surveyed points and stated sigmas, no counts; with
    ``hears_reports`` the reports kept so far (so an aircraft is known at once) and the
    later ones it receives, kept apart from the fusion centre's; without, none."""
    centre = ReferenceRegistration(np.array([[1_000.0, 2_000.0, 30.0]]), np.array([2.0]),
                                   np.array([15.0]), np.array([1.0]))
    centre.receive(NavigationReports(np.array([9.0, 10.0]), np.array([0, 0]),
                                     np.array([[0.0, 0.0, 9_000.0], [220.0, 0.0, 9_000.0]])))
    centre.plots_used[:] = [5, 7]
    hearing, deaf = centre.for_battery(True), centre.for_battery(False)
    for battery in (hearing, deaf):
        np.testing.assert_array_equal(battery.point_position_m, centre.point_position_m)
        np.testing.assert_array_equal(battery.point_sigma_m, centre.point_sigma_m)
        assert battery.plots_used.tolist() == [0, 0]
    numbers, position, _ = hearing.positions_at(9.5)
    assert numbers.tolist() == [0, 1]
    np.testing.assert_allclose(position[1], [110.0, 0.0, 9_000.0])
    assert deaf.positions_at(9.5)[0].tolist() == [0]
    hearing.receive(NavigationReports(np.array([11.0]), np.array([0]),
                                      np.array([[440.0, 0.0, 9_000.0]])))
    assert hearing.positions_at(10.5)[0].tolist() == [0, 1]
    assert centre.positions_at(10.5)[0].tolist() == [0, 1]  # extrapolated, one interval
    assert centre.positions_at(11.5)[0].tolist() == [0]  # the centre never got 11 s
    assert hearing.positions_at(11.5)[0].tolist() == [0, 1]
