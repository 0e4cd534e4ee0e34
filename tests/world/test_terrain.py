"""Terrain: the committed DEM and its generator, bilinear elevation, reading GeoTIFFs (and
refusing what is not one), the scenario's dem_file, and masking in the simulation."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

import iadsim
from iadsim.errors import ScenarioError
from iadsim.scenario.loader import load_scenario
from iadsim.world.geodesy import LocalFrame
from iadsim.world.terrain import (
    Terrain,
    TerrainError,
    TerrainMask,
    gaussian_ridge,
    line_of_sight,
    load_terrain,
    viewshed,
    write_geotiff,
)

rasterio = pytest.importorskip("rasterio", reason="the terrain extra (rasterio) is absent")

DATA = Path(__file__).parents[1] / "data" / "terrain"
RIDGE = DATA / "ridge.tif"
RIDGE_SCENARIO = DATA / "ridge-drone.yaml"


def test_the_generator_reproduces_the_committed_dem():
    committed, made = load_terrain(RIDGE), gaussian_ridge()
    np.testing.assert_array_equal(committed.elevation_m, made.elevation_m)
    for field in ("first_lat_deg", "first_lon_deg", "lat_step_deg", "lon_step_deg"):
        assert getattr(committed, field) == pytest.approx(getattr(made, field), abs=1e-12)
    assert committed.elevation_m.shape == (241, 241)
    assert committed.elevation_m.max() == pytest.approx(400.0)
    assert RIDGE.stat().st_size < 20_000


def test_a_written_dem_reads_back_unchanged(tmp_path):
    made = gaussian_ridge(center_lat_deg=-33.0, center_lon_deg=151.0, half_extent_deg=0.05,
                          crest_m=250.0, base_m=12.0)
    read = load_terrain(write_geotiff(made, tmp_path / "small.tif"), outside_elevation_m=12.0)
    np.testing.assert_array_equal(read.elevation_m, made.elevation_m)
    assert read.bounds_deg == pytest.approx(made.bounds_deg, abs=1e-12)


def test_bilinear_elevation_is_exact_on_a_plane_and_flat_outside():
    lat = 40.0 - 0.01 * np.arange(5)
    lon = 33.0 + 0.01 * np.arange(6)
    plane = 100.0 + 3_000.0 * (lat[:, None] - 40.0) + 2_000.0 * (lon[None, :] - 33.0)
    terrain = Terrain(plane, 40.0, 33.0, -0.01, 0.01, outside_elevation_m=-7.0)
    points_lat = np.array([40.0, 39.987, 39.9634, 39.96])
    points_lon = np.array([33.0, 33.0123, 33.0471, 33.05])
    expected = 100.0 + 3_000.0 * (points_lat - 40.0) + 2_000.0 * (points_lon - 33.0)
    np.testing.assert_allclose(terrain.elevation_at(points_lat, points_lon), expected,
                               rtol=0, atol=1e-9)
    # Half a cell past the last centres the edge holds; farther out, the outside ground.
    assert terrain.elevation_at(40.004, 33.0) == pytest.approx(plane[0, 0])
    np.testing.assert_array_equal(terrain.elevation_at([40.006, 39.0], [33.0, 33.02]), -7.0)


def test_a_ridge_hides_what_is_below_its_grazing_line_and_not_what_is_above():
    """Closed form: the chord on the 4/3 earth from the antenna over the crest (400 m at
    40.0 N) to 40.2 N; the Gaussian crest and bilinear sampling shift it by a few metres,
    so the test allows 15 m either side. A target short of the ridge is seen either way."""
    ridge = gaussian_ridge()
    antenna_lat, antenna_alt = 39.8, 20.0
    radius = 4.0 / 3.0 * 6_371_008.8
    arc = np.radians(0.2) * 6_371_008.8  # antenna to crest and crest to target, m
    crest_angle, target_angle = arc / radius, 2 * arc / radius
    r_a, r_c = radius + antenna_alt, radius + 400.0
    # The line through (r_a, 0) and (r_c, crest_angle) at polar angle target_angle.
    r_t = r_a * r_c * np.sin(crest_angle) / (
        r_a * np.sin(target_angle) - r_c * np.sin(target_angle - crest_angle))
    grazing_m = r_t - radius
    # Twice the crest less the antenna (780 m) plus twice the earth's bulge at the crest.
    assert 830.0 < grazing_m < 845.0
    heights = grazing_m + np.array([-60.0, -15.0, 15.0, 60.0])
    seen = line_of_sight(ridge, antenna_lat, 33.0, antenna_alt, 40.2, 33.0, heights)
    assert seen.tolist() == [False, False, True, True]
    # In front of the ridge a target at 50 m is in view; at the crest, below it is not.
    assert line_of_sight(ridge, antenna_lat, 33.0, antenna_alt, 39.95, 33.0, 50.0)
    assert not line_of_sight(ridge, antenna_lat, 33.0, antenna_alt, 40.0, 33.0, 390.0)
    # Slanting paths: the same ridge runs east-west, so it hides them too.
    assert not line_of_sight(ridge, antenna_lat, 33.0, antenna_alt, 40.2, 33.2, 300.0).any()


@pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")
def test_missing_and_wrong_files_are_one_clear_line(tmp_path):
    with pytest.raises(TerrainError, match=r"cannot read the DEM \(No such file"):
        load_terrain(tmp_path / "absent.tif")
    text = tmp_path / "notes.tif"
    text.write_text("not a raster\n")
    with pytest.raises(TerrainError, match="expected a GeoTIFF DEM") as caught:
        load_terrain(text)
    assert "\n" not in str(caught.value)
    png = tmp_path / "picture.png"
    with rasterio.open(png, "w", driver="PNG", width=4, height=4, count=1, dtype="uint8") as out:
        out.write(np.zeros((4, 4), dtype=np.uint8), 1)
    with pytest.raises(TerrainError, match="expected a GeoTIFF DEM, got a PNG file"):
        load_terrain(png)
    projected = tmp_path / "utm.tif"
    with rasterio.open(projected, "w", driver="GTiff", width=4, height=4, count=1,
                       dtype="float32", crs="EPSG:32636",
                       transform=rasterio.Affine(30.0, 0.0, 500_000.0, 0.0, -30.0, 4_400_000.0)
                       ) as out:
        out.write(np.zeros((4, 4), dtype=np.float32), 1)
    with pytest.raises(TerrainError, match="geographic latitude-longitude grid"):
        load_terrain(projected)


def _ridge_document(dem_file: str) -> dict:
    document = yaml.safe_load(RIDGE_SCENARIO.read_text())
    document["terrain"] = {"dem_file": dem_file}
    return document


def test_the_dem_file_is_found_beside_the_scenario_and_bad_ones_are_scenario_errors(
        tmp_path):
    shutil.copy(RIDGE, tmp_path / "ridge.tif")
    (tmp_path / "scenario.yaml").write_text(yaml.safe_dump(_ridge_document("ridge.tif")))
    scenario = load_scenario(tmp_path / "scenario.yaml")
    assert scenario.terrain.dem_file == str(tmp_path / "ridge.tif")
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(_ridge_document("missing.tif")))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(tmp_path / "bad.yaml")
    lines = caught.value.lines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{tmp_path / 'bad.yaml'}: terrain.dem_file: "
                               f"{tmp_path / 'missing.tif'}: cannot read the DEM")


def test_radars_stand_on_the_dem():
    from iadsim.sensors.radar import radar_sites

    scenario = load_scenario(RIDGE_SCENARIO)
    document = scenario.model_dump()
    document["sensors"][0]["lat_deg"] = 40.0  # on the crest
    on_crest = scenario.model_validate(document)
    frame = LocalFrame(40.0, 33.0, 0.0)
    site = radar_sites(on_crest, frame)[0]
    assert site.alt_m == pytest.approx(415.0)
    assert site.height_m == pytest.approx(415.0)  # above the flat datum: its horizon
    flat = on_crest.model_validate({**on_crest.model_dump(), "terrain": None})
    assert radar_sites(flat, frame)[0].alt_m == 15.0


def test_the_mask_drops_what_the_ridge_hides_per_radar():
    ridge = gaussian_ridge()
    frame = LocalFrame(39.8, 33.0, 0.0)
    mask = TerrainMask(ridge, np.array([39.8, 40.25]), np.array([33.0, 33.0]),
                       np.array([20.0, 20.0]), frame)
    behind = frame.to_enu(40.2, 33.0, 300.0)  # behind the ridge for the first radar only
    seen = mask.visible(np.array([0, 1]), np.array([behind, behind]))
    assert seen.tolist() == [False, True]


def test_a_low_drone_behind_the_ridge_is_detected_later_than_over_a_smooth_earth():
    """The drone (500 m) is hidden until it is about 5.5 km past the crest (27.7 km from
    the radar, from the grazing line); over a smooth earth the radar sees it at once."""
    scenario = load_scenario(RIDGE_SCENARIO)
    smooth = scenario.model_validate({**scenario.model_dump(), "terrain": None})
    first = {}
    for label, model in (("terrain", scenario), ("smooth", smooth)):
        events = iadsim.run(model).events
        detections = events[events["kind"] == "detection"]
        first[label] = detections.iloc[0]
    assert first["smooth"]["time_s"] < 5.0 and first["smooth"]["north_m"] > 50_000
    assert first["terrain"]["time_s"] > 240.0
    assert 26_000 < first["terrain"]["north_m"] < 29_000
    again = iadsim.run(scenario).events
    assert again[again["kind"] == "detection"].iloc[0]["time_s"] == first["terrain"]["time_s"]


def test_the_radial_sweep_agrees_with_the_ray_by_ray_test():
    """viewshed (coverage maps) against line_of_sight (the simulation) on the ridge, for a
    grid of targets 50 m above the ground around a radar 22 km south of the crest and one
    on a spur east of it: the same cells in view but for a few on the grazing edge."""
    ridge = gaussian_ridge()
    lat, lon = np.meshgrid(np.linspace(39.72, 40.28, 90), np.linspace(32.72, 33.28, 90),
                           indexing="ij")
    alt = ridge.elevation_at(lat, lon) + 50.0
    for antenna in ((39.8, 33.0, 20.0), (40.003, 33.1, 410.0)):
        by_ray = line_of_sight(ridge, *antenna, lat, lon, alt)
        swept = viewshed(ridge, *antenna, lat, lon, alt, max_range_m=60_000.0)
        assert 0.2 < by_ray.mean() < 0.95
        assert (by_ray != swept).mean() < 0.01
    beyond = viewshed(ridge, 39.8, 33.0, 20.0, 39.8, 33.3, 5_000.0, max_range_m=20_000.0)
    assert not beyond  # 25.6 km away: outside the sweep
