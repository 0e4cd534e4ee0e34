"""Coverage with the simulation's surface clutter and noise jamming: a sea surface shrinks
the low-altitude coverage of a radar without MTI and leaves the high-altitude one alone;
the coverage Pd is the detection kernel's Pd for a target at the same place; a stand-off
or self-screening jammer shrinks the covered area; without a surface nothing changes."""

from __future__ import annotations

import numpy as np
import pytest

import iadsim
from iadsim.scenario import scenario_from_dict
from iadsim.sensors.coverage import coverage, vertical_coverage
from iadsim.sensors.detection_table import TABLE_START_DB, TABLE_STEP_DB, fluctuation
from iadsim.sensors.radar import EFFECTIVE_EARTH_RADIUS_M, RadarNetwork, _detect, radar_sites
from iadsim.world.geodesy import LocalFrame

LAT, LON = 40.0, 30.0
RECEIVER = {"gain_rx_db": 35.0, "frequency_hz": 3e9, "bandwidth_hz": 1e6,
            "system_temperature_k": 500.0}


def radar(**fields) -> dict:
    """A 100 m coastal mast radar (30 km for 1 m^2 at Pd 0.9), with a clutter cell."""
    base = {"name": "coastal", "lat_deg": LAT, "lon_deg": LON, "height_m": 100.0,
            "ref_range_km": 30.0, "ref_rcs_m2": 1.0, "ref_pd": 0.9, "max_range_km": 120.0,
            "revisit_s": 1.0, "range_resolution_m": 150.0, "azimuth_beamwidth_deg": 2.0,
            "elevation_beamwidth_deg": 2.0, "resolution_cells": 0.0, "receiver": RECEIVER}
    return {**base, **fields}


def document(radars: list[dict], sea_state: int | None = 5, jammers: list[dict] | None = None,
             carried: dict | None = None) -> dict:
    group = {"name": "strike", "kind": "aircraft", "count": 1, "rcs_m2": 1.0,
             "speed_mps": 250.0,
             "route": [{"lat_deg": LAT + 1.0, "lon_deg": LON, "altitude_m": 5000.0},
                       {"lat_deg": LAT, "lon_deg": LON, "altitude_m": 5000.0}]}
    if carried is not None:
        group["jammer"] = carried
    sections: dict = {} if sea_state is None else {
        "surface": {"kind": "sea", "sea_state": sea_state}}
    if jammers:
        sections["jammers"] = jammers
    return {"name": "coverage-clutter", "origin": {"lat_deg": LAT, "lon_deg": LON},
            "sim": {"duration_s": 60.0, "dt_s": 1.0, "seed": 1}, "sensors": radars,
            "threats": [group], **sections}


def area_km2(scenario, **options) -> float:
    return coverage(scenario, cells=61, horizon_limited=True,
                    **options).covered_area_km2()[1]


@pytest.fixture(scope="module")
def sea_radars():
    """The same radar on a sea state 5 surface, without MTI and with a 50 dB improvement."""
    return (scenario_from_dict(document([radar(clutter_improvement_db=0.0)])),
            scenario_from_dict(document([radar(clutter_improvement_db=50.0)])))


def test_sea_clutter_shrinks_a_sea_skimmers_coverage_without_mti(sea_radars):
    """0.1 m^2 at 10 m: about 17 km (noise-limited) with 50 dB MTI; the clutter (SCR about
    -5 dB at 20 km) takes most of it without MTI."""
    no_mti, mti = sea_radars
    clear = area_km2(mti, rcs_m2=0.1, altitude_m=10.0)
    cluttered = area_km2(no_mti, rcs_m2=0.1, altitude_m=10.0)
    assert clear > 500.0  # pi 17^2 = 900 km^2 less the grid's coarseness
    assert cluttered < 0.5 * clear
    assert area_km2(no_mti, rcs_m2=0.1, altitude_m=10.0, clutter=False) == pytest.approx(clear)


def test_at_ten_kilometres_the_sea_changes_nothing(sea_radars):
    """The beam on a 10 km target is many beamwidths above the sea: the same Pd within
    1e-4 (only the -60 dB two-way sidelobe floor lets a trace of clutter through)."""
    no_mti, mti = sea_radars
    low = coverage(no_mti, rcs_m2=0.1, altitude_m=10_000.0, cells=61)
    high = coverage(mti, rcs_m2=0.1, altitude_m=10_000.0, cells=61)
    assert low.interference.clutter and high.interference.clutter
    np.testing.assert_allclose(low.pd, high.pd, atol=1e-4)
    assert low.covered_area_km2()[1] == pytest.approx(high.covered_area_km2()[1], rel=1e-3)
    assert (low.combined_pd >= 0.9).any()


def test_without_a_surface_clutter_option_changes_nothing_bit_for_bit():
    plain = scenario_from_dict(document([radar()], sea_state=None))
    on = coverage(plain, rcs_m2=0.1, altitude_m=10.0, cells=41)
    off = coverage(plain, rcs_m2=0.1, altitude_m=10.0, cells=41, clutter=False)
    assert np.array_equal(on.pd, off.pd)
    assert not on.interference.clutter and not on.interference.jamming
    assert on.interference.describe() == "no clutter, no jamming"


SOJ = {"name": "soj", "lat_deg": LAT + 150 / 111.0, "lon_deg": LON, "altitude_m": 9000.0,
       "erp_w": 500.0, "bandwidth_hz": 100e6, "start_s": 30.0}


def test_a_stand_off_jammer_shrinks_the_covered_area_while_it_is_on():
    """A 500 W / 100 MHz jammer 150 km north at 9 km, on from 30 s, against a 1 m^2 target
    at 1 km: before, the coverage is the clear one; once on, the area shrinks (J/N about
    38 dB in the mainbeam, 8 dB in the -30 dB sidelobes), most toward the jammer."""
    jammed = scenario_from_dict(document([radar()], sea_state=None, jammers=[SOJ]))
    options = {"rcs_m2": 1.0, "altitude_m": 1_000.0, "cells": 81, "horizon_limited": True}
    clear = coverage(jammed, **options)
    before = coverage(jammed, jammers_at_s=10.0, **options)
    during = coverage(jammed, jammers_at_s=40.0, **options)
    assert np.array_equal(before.pd, clear.pd) and not before.interference.jamming
    assert during.interference.stand_off_jammers == ("soj",)
    assert "stand-off soj at 40 s" in during.interference.describe()
    clear_area, jammed_area = clear.covered_area_km2()[1], during.covered_area_km2()[1]
    assert jammed_area < 0.5 * clear_area
    # Toward the jammer (north of the radar) the reach shrinks the most.
    column = np.argmin(np.abs(clear.lon_deg - LON))
    north = clear.lat_deg > LAT
    south = clear.lat_deg < LAT
    north_lost = (clear.combined_pd[north, column] >= 0.9).sum() - (
        during.combined_pd[north, column] >= 0.9).sum()
    south_lost = (clear.combined_pd[south, column] >= 0.9).sum() - (
        during.combined_pd[south, column] >= 0.9).sum()
    assert north_lost > south_lost >= 0


def test_a_self_screening_jammer_shrinks_the_coverage_to_burn_through():
    """1 W / 100 MHz on a 1 m^2 target at 5 km: the 30 km clear reach falls to the
    burn-through range, a few km (area down by more than 80 %)."""
    carried = scenario_from_dict(document([radar()], sea_state=None,
                                          carried={"erp_w": 1.0, "bandwidth_hz": 100e6}))
    clear = area_km2(carried, rcs_m2=1.0, altitude_m=5_000.0)
    screened = coverage(carried, rcs_m2=1.0, altitude_m=5_000.0, cells=61,
                        self_screening="strike")
    assert screened.interference.self_screening == "strike"
    assert screened.covered_area_km2()[1] < 0.2 * clear
    with pytest.raises(ValueError, match="self_screening"):
        coverage(carried, self_screening="nobody")


def kernel_pd(scenario, site_index: int, point_m: np.ndarray, height_m: float,
              rcs_m2: float, jammers: tuple[np.ndarray, ...], looks: int) -> float:
    """The detection kernel's detection rate of a target at ``point_m`` (scenario ENU)
    over ``looks`` looks: a steady target at evenly spaced uniform draws (so the rate is
    the kernel's Pd to 1/looks), a fluctuating one with its Swerling draws (seeded)."""
    frame = LocalFrame(scenario.origin.lat_deg, scenario.origin.lon_deg, 0.0)
    sites = radar_sites(scenario, frame)
    network = RadarNetwork(sites, seed=0, ground_elevation_m=0.0)
    rng = np.random.default_rng(11)
    shape = network._shapes[site_index]
    draws = ((np.arange(looks) + 0.5) / looks)[None, :]
    fluctuations = fluctuation(rng, shape, looks)[None, :]
    found = _detect(np.array([site_index]), network.position_m, network.to_local,
                    network.horizon_m, network._table, point_m[None, :], np.array([height_m]),
                    np.array([rcs_m2]), np.zeros(looks, dtype=np.intp), draws, fluctuations,
                    network._pd_tables, TABLE_START_DB, TABLE_STEP_DB, network._environment,
                    EFFECTIVE_EARTH_RADIUS_M, np.zeros((1, 3)), np.zeros((0, 3)), *jammers,
                    np.zeros((0, 0), dtype=bool), np.zeros((0, 0), dtype=bool))
    return found[0].size / looks


@pytest.mark.parametrize("swerling, case", [(0, "clutter"), (0, "clutter and jamming"),
                                            (1, "clutter and jamming")])
def test_coverage_pd_is_the_detection_kernels_pd_at_that_place(swerling, case):
    """At grid points with 0.05 < Pd < 0.95, the coverage Pd equals the kernel's detection
    rate for a target placed there, same clutter and jamming: steady target (evenly spaced
    draws, 20,000 looks) within 0.002 (1/looks plus the kernel's 0.005 dB table); Swerling 1
    (seeded exponential RCS draws, 40,000 looks) within 0.01 (4 standard errors)."""
    jammed = case != "clutter"
    scenario = scenario_from_dict(document(
        [radar(swerling=swerling, clutter_improvement_db=10.0)], sea_state=5,
        jammers=[SOJ] if jammed else None,
        carried={"erp_w": 1e-4, "bandwidth_hz": 100e6} if jammed else None))
    options = {"jammers_at_s": 40.0, "self_screening": "strike"} if jammed else {}
    altitude = 10.0
    grid = coverage(scenario, rcs_m2=1.0, altitude_m=altitude, cells=41, horizon_limited=True,
                    **options)
    assert grid.interference.clutter and grid.interference.jamming == jammed
    frame = LocalFrame(LAT, LON, 0.0)
    middling = np.argwhere((grid.pd[0] > 0.05) & (grid.pd[0] < 0.95))
    assert len(middling) >= 4
    looks = 20_000 if swerling == 0 else 40_000
    soj = frame.to_enu(SOJ["lat_deg"], SOJ["lon_deg"], SOJ["altitude_m"]).reshape(1, 3)
    for row, column in middling[:: max(len(middling) // 4, 1)][:4]:
        point = frame.to_enu(grid.lat_deg[row], grid.lon_deg[column], altitude)
        if jammed:  # the stand-off jammer, then the target's own
            jammers = (np.vstack([soj, point[None, :]]), np.array([9000.0, altitude]),
                       np.array([500.0, 1e-4]), np.array([100e6, 100e6]))
        else:
            jammers = (np.zeros((0, 3)), np.zeros(0), np.zeros(0), np.zeros(0))
        expected = kernel_pd(scenario, 0, point, altitude, 1.0, jammers, looks)
        assert grid.pd[0, row, column] == pytest.approx(
            expected, abs=0.002 if swerling == 0 else 0.01)


def test_vertical_coverage_loses_the_low_sea_skimmer_without_mti(sea_radars):
    """The range-altitude diagram: below 100 m the no-MTI radar covers far fewer cells than
    with MTI; above 5 km the same within 1e-4 (the -60 dB two-way sidelobe floor);
    ``clutter=False`` gives the MTI picture within 1e-3."""
    no_mti, mti = sea_radars
    low = vertical_coverage(no_mti, rcs_m2=0.1, max_altitude_m=20_000.0, cells=201)
    clear = vertical_coverage(mti, rcs_m2=0.1, max_altitude_m=20_000.0, cells=201)
    off = vertical_coverage(no_mti, rcs_m2=0.1, max_altitude_m=20_000.0, cells=201,
                            clutter=False)
    near_sea = low.altitude_m <= 100.0
    high = low.altitude_m >= 5_000.0
    assert (low.pd[0][near_sea] >= 0.9).sum() < 0.5 * (clear.pd[0][near_sea] >= 0.9).sum()
    np.testing.assert_allclose(low.pd[0][high], clear.pd[0][high], atol=1e-4)
    np.testing.assert_allclose(off.pd, clear.pd, atol=1e-3)
    assert low.interference.clutter and not off.interference.clutter


def test_builtin_sea_scenario_reports_its_clutter():
    grid = iadsim.coverage("sinop-trial", rcs_m2=0.1, altitude_m=10.0, cells=30)
    assert grid.interference.clutter_radars == ("search-radar", "engagement-radar")
    with pytest.raises(ValueError, match="jammers_at_s"):
        iadsim.coverage("sinop-trial", cells=30, jammers_at_s=-1.0)


def test_no_clutter_nearer_than_the_surface_below_the_antenna():
    """A target nearer the 100 m mast than the sea below it (slant < antenna height) has
    no surface in its range cell: clutter 0, where the grazing-angle secant used to divide
    by zero (the simulation's kernel shares this function)."""
    from iadsim.sensors.clutter import clutter_to_noise

    for slant_m in (1.0, 50.0, 100.0):
        assert clutter_to_noise(1e20, slant_m, 0.0, 100.0, 1e-4, 0.035, 1e-6,
                                EFFECTIVE_EARTH_RADIUS_M) == 0.0
    assert clutter_to_noise(1e20, 150.0, 0.0, 100.0, 1e-4, 0.035, 1e-6,
                            EFFECTIVE_EARTH_RADIUS_M) > 0.0
