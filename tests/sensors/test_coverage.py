"""The coverage grid: per-radar Pd from probability_of_detection, horizon-limited at low
altitude, combined as independent looks."""

from __future__ import annotations

import numpy as np
import pytest

import iadsim
from iadsim.sensors.coverage import coverage
from iadsim.sensors.detection import probability_of_detection
from iadsim.sensors.radar import radar_sites
from iadsim.world.geodesy import LocalFrame


@pytest.fixture(scope="module")
def low_and_high():
    low = iadsim.coverage("layered-defense", rcs_m2=0.1, altitude_m=10.0, cells=120)
    high = iadsim.coverage("layered-defense", rcs_m2=0.1, altitude_m=8_000.0, cells=120)
    return low, high


def test_a_sea_skimmer_is_covered_far_less_than_a_high_flyer(low_and_high):
    low, high = low_and_high
    assert low.pd.shape == (8, 120, 120) and low.combined_pd.shape == (120, 120)
    low_area = (low.combined_pd >= 0.9).mean()
    high_area = (high.combined_pd >= 0.9).mean()
    assert low_area > 0
    assert high_area > 3 * low_area  # the 4/3-earth horizon cuts the 10 m target short


def test_combined_is_independent_looks_and_bounded(low_and_high):
    _, high = low_and_high
    np.testing.assert_allclose(high.combined_pd, 1 - np.prod(1 - high.pd, axis=0))
    assert (high.pd >= 0).all() and (high.pd <= 1).all()
    assert (high.combined_pd >= high.pd.max(axis=0) - 1e-12).all()


def test_one_radar_pd_is_the_public_function_of_its_snr():
    """At grid points in view, Pd is probability_of_detection of the radar-equation SNR
    (Swerling 1, one pulse: the profile's case); rtol 1e-9."""
    scenario = iadsim.load_scenario("layered-defense")
    one = scenario.model_validate({**scenario.model_dump(), "sensors": [
        scenario.sensors[0].model_dump()]})
    grid = coverage(one, rcs_m2=1.0, altitude_m=8_000.0, cells=41)
    frame = LocalFrame(one.origin.lat_deg, one.origin.lon_deg, 0.0)
    site = radar_sites(one, frame)[0]
    lat, lon = np.meshgrid(grid.lat_deg, grid.lon_deg, indexing="ij")
    target = frame.to_enu(lat, lon, np.full(lat.shape, one.origin.ground_elevation_m + 8_000.0))
    slant = np.linalg.norm(target - site.position_enu_m, axis=-1)
    seen = grid.pd[0] > 0
    assert 100 < seen.sum() < seen.size  # in view near the radar, not beyond 600 km
    snr_db = 10 * np.log10(site.snr_at_one_metre / slant[seen] ** 4)
    np.testing.assert_allclose(grid.pd[0][seen], probability_of_detection(snr_db, site.pfa, 1, 1),
                               rtol=1e-9)
    assert slant[seen].max() <= site.max_range_m


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="rcs_m2"):
        coverage("layered-defense", rcs_m2=0.0)
    with pytest.raises(ValueError, match="altitude_m"):
        coverage("layered-defense", altitude_m=-5.0)


def test_covered_area_of_a_sea_skimmer_is_smaller_than_of_a_high_flyer():
    """A 0.1 m^2 sea skimmer at 10 m against a 5 m^2 aircraft at 10 km, on grids spanning
    each one's horizon-limited reach (areas in km^2, comparable across grids)."""
    low = coverage("layered-defense", rcs_m2=0.1, altitude_m=10.0, cells=120,
                   horizon_limited=True)
    high = coverage("layered-defense", rcs_m2=5.0, altitude_m=10_000.0, cells=120,
                    horizon_limited=True)
    low_radars, low_area = low.covered_area_km2()
    high_radars, high_area = high.covered_area_km2()
    assert 5_000 < low_area < 10_000  # eight radars' low-level rings around the capital
    assert high_area > 20 * low_area
    assert (high_radars > low_radars).all()
    # The low grid spans the horizon-limited reach only: a finer grid.
    assert np.ptp(low.lat_deg) < 0.5 * np.ptp(high.lat_deg)
    for grid in (low, high):
        assert (grid.combined_pd >= grid.pd.max(axis=0) - 1e-12).all()
        _, combined = grid.covered_area_km2()
        assert combined >= grid.covered_area_km2()[0].max()


@pytest.fixture(scope="module")
def ridge_scenario():
    from pathlib import Path

    pytest.importorskip("rasterio", reason="the terrain extra (rasterio) is absent")
    return iadsim.load_scenario(Path(__file__).parents[1] / "data" / "terrain"
                                / "ridge-drone.yaml")


def test_terrain_masks_the_coverage_behind_the_ridge(ridge_scenario):
    """At 100 m above the ground (the DEM's, over the ridge), the radar 22 km south of the
    400 m crest sees nothing from just past the crest to its instrumented range; over a
    smooth earth it sees there. South of the ridge the two agree."""
    masked = coverage(ridge_scenario, rcs_m2=1.0, altitude_m=100.0, cells=81)
    smooth = coverage(ridge_scenario, rcs_m2=1.0, altitude_m=100.0, cells=81, terrain=False)
    assert masked.terrain and not smooth.terrain
    lat = masked.lat_deg[:, None] * np.ones((1, masked.lon_deg.size))
    behind = (lat > 40.02) & (lat < 40.25) & (np.abs(masked.lon_deg[None, :] - 33.0) < 0.1)
    assert (smooth.pd[0][behind] > 0.5).all()
    assert (masked.pd[0][behind] == 0).all()
    in_front = (lat < 39.95) & (smooth.pd[0] > 0)
    np.testing.assert_allclose(masked.pd[0][in_front], smooth.pd[0][in_front], rtol=1e-9)
    assert 300.0 < masked.ground_m.max() <= 400.0  # the crest, between grid rows


def test_vertical_coverage_is_bounded_below_by_the_horizon():
    """The horizon curve meets the radar horizon (Skolnik eq. 8.4 / radar_horizon_m: the
    slant range to the curve's altitude at each ground range is the horizon range), and no
    Pd lies below it."""
    from iadsim.sensors.coverage import horizon_altitude_m, vertical_coverage
    from iadsim.world.earth import effective_earth_radius_m, radar_horizon_m

    vertical = vertical_coverage("layered-defense", rcs_m2=1.0, max_altitude_m=20_000.0,
                                 cells=150)
    assert vertical.pd.shape == (8, 150, 150)
    radius = effective_earth_radius_m()
    for index in range(len(vertical.radar_names)):
        height = vertical.antenna_height_m[index]
        ground = vertical.ground_range_m[index]
        curve = vertical.horizon_altitude_m[index]
        beyond = curve > 1.0
        assert beyond.any()
        angle = ground[beyond] / radius
        slant = np.sqrt((radius + height) ** 2 + (radius + curve[beyond]) ** 2
                        - 2 * (radius + height) * (radius + curve[beyond]) * np.cos(angle))
        np.testing.assert_allclose(slant, radar_horizon_m(height, curve[beyond]), rtol=1e-6)
        below = vertical.altitude_m[:, None] < curve[None, :] - 1.0
        assert (vertical.pd[index][below] == 0).all()
        assert vertical.pd[index].max() > 0.9
    np.testing.assert_array_equal(horizon_altitude_m(25.0, [0.0, 10_000.0]), 0.0)
