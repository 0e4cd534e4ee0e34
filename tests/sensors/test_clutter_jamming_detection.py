"""Clutter and jamming in the simulation's detection path: a sea-skimmer in sea clutter is
found later without MTI; a self-screening jammer delays first detection; the summary
reports burn-through; scenarios that cannot be computed are refused."""

from __future__ import annotations

import numpy as np
import pytest

import iadsim
from iadsim.scenario import scenario_from_dict
from iadsim.scenario.loader import ScenarioError

LAT, LON = 40.0, 30.0


def radar(**fields) -> dict:
    base = {"name": "coastal", "lat_deg": LAT, "lon_deg": LON, "height_m": 100.0,
            "ref_range_km": 30.0, "ref_rcs_m2": 1.0, "max_range_km": 120.0, "revisit_s": 1.0,
            "range_resolution_m": 150.0, "azimuth_beamwidth_deg": 2.0,
            "elevation_beamwidth_deg": 2.0, "resolution_cells": 0.0}
    return {**base, **fields}


def threat(altitude_m: float, start_km: float = 45.0, **fields) -> dict:
    """Flies due south at 250 m/s from ``start_km`` north of the radar to 3 km past it."""
    return {"name": "inbound", "kind": "cruise_missile", "count": 1, "rcs_m2": 0.1,
            "speed_mps": 250.0,
            "route": [{"lat_deg": LAT + start_km / 111.0, "lon_deg": LON,
                       "altitude_m": altitude_m},
                      {"lat_deg": LAT - 3.0 / 111.0, "lon_deg": LON, "altitude_m": altitude_m}],
            **fields}


def scenario(radars: list[dict], threats: list[dict], **sections) -> dict:
    return {"name": "clutter-test", "origin": {"lat_deg": LAT, "lon_deg": LON},
            "sim": {"duration_s": 200.0, "dt_s": 1.0, "seed": 3},
            "sensors": radars, "threats": threats, **sections}


def detection_times(document: dict, seed: int) -> np.ndarray:
    """Times (s) of the threat's detections in a run."""
    events = iadsim.run(scenario_from_dict(document), seed=seed).events
    return events.loc[events["kind"] == "detection", "time_s"].to_numpy()


def first_detection_s(document: dict, seed: int) -> float:
    """Time of the first detection of the threat (inf when never detected)."""
    times = detection_times(document, seed)
    return float(times.min()) if times.size else np.inf


def first_held_detection_s(document: dict, seed: int, within_s: float = 5.0) -> float:
    """First detection followed by another within ``within_s`` (a 2-of-N confirmation):
    a single lucky Swerling peak does not count."""
    times = np.sort(detection_times(document, seed))
    held = times[:-1][np.diff(times) <= within_s]
    return float(held[0]) if held.size else np.inf


SEA = {"surface": {"kind": "sea", "sea_state": 5}}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_sea_skimmer_in_sea_clutter_is_detected_later_without_mti(seed):
    """Sea state 5 (-30 dB at 10 GHz), a 0.1 m^2 missile at 10 m: inside the 100 m mast's
    41 km clutter horizon its SCR is about -5 dB at 20 km, so without MTI the radar barely
    sees it; a 40 dB improvement factor leaves it noise-limited (as with no surface). Held
    detections (two within 5 s), so that one Swerling peak near the clutter horizon, where
    the grazing angle and so the clutter vanish, does not decide."""
    sea_no_mti = scenario([radar()], [threat(10.0)], **SEA)
    sea_mti = scenario([radar(clutter_improvement_db=40.0)], [threat(10.0)], **SEA)
    no_mti = first_held_detection_s(sea_no_mti, seed)
    with_mti = first_held_detection_s(sea_mti, seed)
    no_surface = first_held_detection_s(scenario([radar()], [threat(10.0)]), seed)
    # Thermal Pd 0.5 at about 17 km for 0.1 m^2, some 110 s into the flight.
    assert with_mti < 140.0
    assert abs(with_mti - no_surface) <= 5.0  # clutter cancelled to below the noise
    assert no_mti > with_mti + 15.0
    assert detection_times(sea_no_mti, seed).size < detection_times(sea_mti, seed).size / 3


def test_an_aircraft_high_above_the_sea_is_not_in_the_clutter():
    """At 3 km altitude the beam pointed at the target is several beamwidths above the sea
    at its range: the same first detection with or without the surface."""
    high = [threat(3000.0, start_km=45.0)]
    assert (first_detection_s(scenario([radar()], high, **SEA), 5)
            == first_detection_s(scenario([radar()], high), 5))


def test_a_radar_over_its_own_land_surface_overrides_the_scenario():
    """A per-radar surface wins over the scenario's: land farmland (-15 dB) hides the
    sea-skimmer far more than a calm sea the scenario names."""
    calm = {"surface": {"kind": "sea", "sea_state": 0}}  # -55 dB: SCR ~ 18 dB at 20 km
    over_land = radar(surface={"kind": "land", "land_type": "farmland"})
    calm_first = first_detection_s(scenario([radar()], [threat(10.0)], **calm), 4)
    land_first = first_detection_s(scenario([over_land], [threat(10.0)], **calm), 4)
    assert land_first == np.inf or land_first > calm_first + 15.0


JAM_RADAR = {"name": "search", "lat_deg": LAT, "lon_deg": LON, "height_m": 20.0,
             "ref_range_km": 100.0, "ref_rcs_m2": 1.0, "max_range_km": 250.0,
             "revisit_s": 2.0, "resolution_cells": 0.0, "azimuth_beamwidth_deg": 2.0,
             "elevation_beamwidth_deg": 2.0, "range_resolution_m": 150.0,
             "receiver": {"gain_rx_db": 35.0, "frequency_hz": 3e9, "bandwidth_hz": 1e6,
                          "system_temperature_k": 500.0}}


def raid(jammer: dict | None) -> list[dict]:
    group = {"name": "strike", "kind": "aircraft", "count": 1, "rcs_m2": 5.0,
             "speed_mps": 250.0,
             "route": [{"lat_deg": LAT + 200 / 111.0, "lon_deg": LON, "altitude_m": 8000.0},
                       {"lat_deg": LAT + 10 / 111.0, "lon_deg": LON, "altitude_m": 8000.0}]}
    return [group if jammer is None else {**group, "jammer": jammer}]


SELF_SCREEN = {"erp_w": 1.0, "bandwidth_hz": 100e6}


@pytest.mark.parametrize("seed", [1, 7])
def test_a_self_screening_jammer_delays_first_detection(seed):
    """Without jamming a 5 m^2 aircraft is seen near 150 km (Pd 0.5); a 1 W / 100 MHz
    self-screening jammer holds the radar off to about 40 km (burn-through)."""
    clear = first_detection_s(scenario([JAM_RADAR], raid(None)), seed)
    jammed = first_detection_s(scenario([JAM_RADAR], raid(SELF_SCREEN)), seed)
    assert clear < 300.0  # inside ~125 km of the 200 km start, 250 m/s
    assert jammed > clear + 200.0  # some 50+ km closer


def test_the_summary_reports_the_burn_through_range():
    result = iadsim.run(scenario_from_dict(scenario([JAM_RADAR], raid(SELF_SCREEN))), seed=1)
    (row,) = result.summary["burn_through"]
    assert row["sensor"] == "search" and row["group"] == "strike"
    assert 30.0 < row["burn_through_km"] < 60.0
    assert 140.0 < row["unjammed_km"] < 160.0  # 100 km x 5^(1/4) = 149.5 km
    clear = iadsim.run(scenario_from_dict(scenario([JAM_RADAR], raid(None))), seed=1)
    assert "burn_through" not in clear.summary


def test_a_stand_off_jammer_in_the_sidelobes_shrinks_detection_less_than_in_the_mainbeam():
    """A stand-off jammer 90 deg off the target's bearing enters through the -30 dB
    sidelobes; the same jammer on the target's bearing (in the mainbeam) delays the first
    detection further."""
    def stand_off(bearing_deg: float) -> dict:
        north, east = np.cos(np.deg2rad(bearing_deg)), np.sin(np.deg2rad(bearing_deg))
        return {"jammers": [{"name": "soj", "lat_deg": LAT + 250 * north / 111.0,
                             "lon_deg": LON + 250 * east / (111.0 * np.cos(np.deg2rad(LAT))),
                             "altitude_m": 9000.0, "erp_w": 500.0, "bandwidth_hz": 100e6}]}
    clear = first_detection_s(scenario([JAM_RADAR], raid(None)), 2)
    sidelobe = first_detection_s(scenario([JAM_RADAR], raid(None), **stand_off(90.0)), 2)
    mainbeam = first_detection_s(scenario([JAM_RADAR], raid(None), **stand_off(0.0)), 2)
    assert clear <= sidelobe < mainbeam


def test_jammers_need_every_radars_receive_side():
    reference_radar = {key: value for key, value in JAM_RADAR.items() if key != "receiver"}
    with pytest.raises(ScenarioError, match=r"sensors\[0\]\.receiver"):
        scenario_from_dict(scenario([reference_radar], raid(SELF_SCREEN)))


def test_clutter_needs_the_radars_range_cell_and_beams():
    bare = {key: value for key, value in radar().items()
            if key not in ("range_resolution_m", "azimuth_beamwidth_deg",
                           "elevation_beamwidth_deg")}
    with pytest.raises(ScenarioError, match=r"sensors\[0\]\.range_resolution_m"):
        scenario_from_dict(scenario([bare], [threat(10.0)], **SEA))


def test_interference_to_noise_for_coverage_maps_follows_the_kernels_sum():
    """The array hook coverage maps can call: (C/I + J)/N per point, clutter only low
    down, the improvement factor dividing it, a mainbeam jammer adding its J/N."""
    from iadsim.sensors.jamming import jammer_to_noise_db
    from iadsim.sensors.radar import radar_sites
    from iadsim.sensors.radar_environment import interference_to_noise
    from iadsim.world.geodesy import LocalFrame

    frame = LocalFrame(LAT, LON, 0.0)
    sea = scenario_from_dict(scenario([radar(), radar(name="mti", clutter_improvement_db=20.0)],
                                      [threat(10.0)], **SEA))
    plain, mti = radar_sites(sea, frame)
    points = np.array([[0.0, 20e3, 10.0], [0.0, 20e3, 3000.0], [0.0, 60e3, 10.0]])
    ratio = interference_to_noise(plain, points)
    assert ratio[0] > 1.0  # clutter above the noise for the sea-skimmer at 20 km
    assert ratio[1] < 1e-3 * ratio[0]  # the beam on the aircraft is off the sea
    assert ratio[2] == 0.0  # beyond the 41 km clutter horizon
    np.testing.assert_allclose(interference_to_noise(mti, points), ratio / 100.0, rtol=1e-12)

    jammed = scenario_from_dict(scenario([JAM_RADAR], raid(SELF_SCREEN)))
    (site,) = radar_sites(jammed, frame)
    target = np.array([0.0, 100e3, 8000.0])
    jammers = (target[None, :], np.array([8000.0]), np.array([1.0]), np.array([100e6]))
    (value,) = interference_to_noise(site, target[None, :], jammers)
    distance = np.linalg.norm(target - site.position_enu_m)
    assert 10 * np.log10(value) == pytest.approx(float(jammer_to_noise_db(
        1.0, 100e6, distance, 35.0, 3e9, 1e6, 500.0)), abs=1e-9)


def test_the_jammers_geometry_taken_once_gives_the_per_target_sum():
    """jamming_to_noise (per target) is jammer_geometry (per radar look) then
    jamming_from_geometry (per target), bit for bit; a jammer below the radar's horizon
    has no row, and a target at the radar sees every jammer at the beam's peak."""
    from iadsim.sensors.jamming import jammer_geometry, jamming_from_geometry, jamming_to_noise

    radar = np.array([0.0, 0.0, 20.0])
    position = np.array([[0.0, 250e3, 9000.0], [80e3, 10e3, 5000.0], [900e3, 0.0, 10.0]])
    height, erp = np.array([9000.0, 5000.0, 10.0]), np.array([500.0, 3.0, 1e3])
    bandwidth = np.array([100e6, 1e5, 1e7])
    horizon, radius = 18_000.0, 8_494_666.0
    every = np.zeros(0, dtype=bool)
    geometry = jammer_geometry(radar, 2.5e-3, 1e6, horizon, radius, position, height, erp,
                               bandwidth, every)
    assert geometry.shape == (2, 5)  # the third is below the horizon
    hidden = jammer_geometry(radar, 2.5e-3, 1e6, horizon, radius, position, height, erp,
                             bandwidth, np.array([False, True, True]))
    assert np.array_equal(hidden, geometry[1:])  # the first behind the terrain
    rng = np.random.default_rng(2)
    for target in [*rng.uniform(-200e3, 200e3, (20, 3)), np.zeros(3)]:
        east, north, up = (float(value) for value in target)
        assert jamming_from_geometry(geometry, east, north, up, 0.03, 1e-3) == jamming_to_noise(
            radar, east, north, up, 2.5e-3, 1e6, 0.03, 1e-3, horizon, radius, position,
            height, erp, bandwidth, every)
    assert jamming_from_geometry(geometry, 0.0, 0.0, 0.0, 0.03, 1e-3) == pytest.approx(
        float(np.sum(geometry[:, 3] / geometry[:, 4])), rel=1e-12)
