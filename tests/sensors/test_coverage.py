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
