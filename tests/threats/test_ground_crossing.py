"""Threats that do not follow the terrain meet the DEM's ground (sim.threat_ground: terrain):
a drone at a fixed altitude into the ridge of ridge.tif ends where its path enters the
ground, within one DEM cell of the analytic crossing; one that clears flies as before; a
ballistic missile lands on the DEM's surface; the CLI warns once per threat; end to end the
threat is 'crashed' at the crossing, the same for the same seed."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest

import iadsim
from iadsim.analysis.summary import threat_fates
from iadsim.interfaces.cli import main
from iadsim.threats.ground_crossing import first_ground_crossing, planned_ground_impacts
from iadsim.threats.raid import build_raid
from iadsim.world.geodesy import LocalFrame
from iadsim.world.terrain import gaussian_ridge, load_terrain
from ridge_builder import M_PER_DEG_LAT, RIDGE_PATH, ridge_scenario

pytest.importorskip("rasterio", reason="the terrain extra (rasterio) is absent")

FRAME = LocalFrame(39.8, 33.0, 0.0)
#: ridge.tif: crest 400 m at 40.0 N, Gaussian section of width (standard deviation) 800 m,
#: cells of 0.0025 deg (278 m of latitude).
CREST_M, WIDTH_M, CELL_M = 400.0, 800.0, 0.0025 * M_PER_DEG_LAT


def crossing_north_m(altitude_m: float) -> float:
    """Where a level path at ``altitude_m`` meets the ridge's north slope (m north of the
    crest): ``CREST exp(-y^2 / (2 WIDTH^2)) = altitude``."""
    return WIDTH_M * math.sqrt(2.0 * math.log(CREST_M / altitude_m))


def drone_document(altitudes_m: list[float], threat_ground: str = "terrain",
                   **group_fields) -> dict:
    """ridge-drone.yaml's 100 m/s drone due south over the crest, one group per altitude
    (above the flat ground at 0 m), from 40.28 N to the depot at 39.8 N."""
    route = [{"lat_deg": 40.28, "lon_deg": 33.0}, {"lat_deg": 39.8, "lon_deg": 33.0}]
    groups = [{"name": f"drone-{index}", "kind": "drone", "count": 1, "rcs_m2": 0.1,
               "speed_mps": 100.0, "target": "depot", "start_s": 10.0 * index,
               "route": [{**point, "altitude_m": altitude} for point in route],
               **group_fields}
              for index, altitude in enumerate(altitudes_m)]
    return {"name": "ridge-drones", "origin": {"lat_deg": 39.8, "lon_deg": 33.0},
            "sim": {"duration_s": 600.0, "dt_s": 1.0, "seed": 5,
                    "threat_ground": threat_ground},
            "defended_assets": [{"name": "depot", "lat_deg": 39.8, "lon_deg": 33.0,
                                 "radius_m": 1000.0, "value": 1.0}],
            "sensors": [{"name": "valley-radar", "lat_deg": 39.8, "lon_deg": 33.0,
                         "height_m": 15.0, "ref_range_km": 50.0, "ref_rcs_m2": 0.1,
                         "ref_pd": 0.9, "max_range_km": 60.0, "revisit_s": 2.0,
                         "latency_s": 0.3}],
            "threats": groups}


@pytest.mark.parametrize("altitude_m", [100.0, 250.0, 390.0])
def test_a_level_threat_ends_within_one_dem_cell_of_the_analytic_crossing(altitude_m):
    """The path is cut where it enters the north slope: within one cell (278 m) of the
    closed-form crossing (in fact within 3%, the 1 m tolerance and the bilinear ground)."""
    raid = build_raid(ridge_scenario(drone_document([altitude_m])), FRAME)
    assert raid.ground_impact.tolist() == [True]
    end_north_m = (raid.path_lat_deg[0, -1] - 40.0) * M_PER_DEG_LAT
    assert abs(end_north_m - crossing_north_m(altitude_m)) < CELL_M
    assert raid.path_alt_m[0, -1] == pytest.approx(altitude_m)
    # It flew there at 100 m/s from 40.28 N.
    flown_m = (40.28 - raid.path_lat_deg[0, -1]) * 111_132.0
    assert raid.flight_time_s[0] == pytest.approx(flown_m / 100.0, rel=2e-3)


def test_the_crossing_of_a_synthetic_ridge_is_within_a_cell_on_a_coarse_dem():
    """Directly on first_ground_crossing, on a coarser ridge (cells of 0.01 deg, 1.1 km):
    still within one cell of the closed form; a path above the crest: no crossing."""
    terrain = gaussian_ridge(cell_deg=0.01, width_m=3_000.0)
    lat, lon = np.array([40.25, 39.75]), np.array([33.0, 33.0])
    segment, fraction = first_ground_crossing(lat, lon, np.array([200.0, 200.0]), terrain)
    north_m = (lat[0] + fraction * (lat[1] - lat[0]) - 40.0) * M_PER_DEG_LAT
    expected_m = 3_000.0 * math.sqrt(2.0 * math.log(400.0 / 200.0))
    assert segment == 0 and abs(north_m - expected_m) < 0.01 * M_PER_DEG_LAT
    assert first_ground_crossing(lat, lon, np.array([420.0, 420.0]), terrain) is None


def test_a_threat_that_clears_the_ridge_flies_exactly_as_before():
    """500 m over the 400 m crest: no crossing, the same path as with threat_ground none."""
    new = build_raid(ridge_scenario(drone_document([500.0])), FRAME)
    old = build_raid(ridge_scenario(drone_document([500.0], "none")), FRAME)
    assert new.ground_impact.tolist() == [False]
    for column in ("path_lat_deg", "path_lon_deg", "path_alt_m", "path_time_s"):
        assert np.array_equal(getattr(new, column), getattr(old, column))


def test_with_threat_ground_none_it_flies_through_the_ridge():
    raid = build_raid(ridge_scenario(drone_document([100.0], "none")), FRAME)
    assert raid.ground_impact.tolist() == [False]
    assert raid.path_lat_deg[0, -1] == pytest.approx(39.8)


@pytest.mark.parametrize("radius_m, crashes", [(1_000.0, True), (2_500.0, False)])
def test_a_dive_onto_a_target_on_the_crest_is_spared_within_its_radius(radius_m, crashes):
    """From 500 m down to a target on the crest (altitude 0 over the flat ground, under the
    DEM there): the straight dive meets the north slope about 1.9 km before the target. It
    crashes there unless that is within the target's radius."""
    document = drone_document([500.0])
    document["defended_assets"][0].update(lat_deg=40.0, radius_m=radius_m)
    document["threats"][0]["route"][1].update(lat_deg=40.0, altitude_m=0.0)
    raid = build_raid(ridge_scenario(document), FRAME)
    assert raid.ground_impact.tolist() == [crashes]
    if crashes:
        north_m = (raid.path_lat_deg[0, -1] - 40.0) * M_PER_DEG_LAT
        assert 1_700.0 < north_m < 2_100.0


def ballistic_document(threat_ground: str, impact_lat_deg: float = 40.0) -> dict:
    document = drone_document([500.0], threat_ground)
    document["threats"] = [{"name": "tbm", "kind": "ballistic_missile", "rcs_m2": 0.5,
                            "launch": {"lat_deg": 40.25, "lon_deg": 33.0},
                            "impact": {"lat_deg": impact_lat_deg, "lon_deg": 33.0},
                            "apogee_km": 10.0}]
    return document


def test_a_ballistic_missile_lands_on_the_dem_surface_not_below_it():
    """Aimed at the crest: it ends on the DEM's 400 m there (before: at the flat ground's 0 m,
    400 m inside the ridge), with no crash short of it."""
    new = build_raid(ridge_scenario(ballistic_document("terrain")), FRAME)
    old = build_raid(ridge_scenario(ballistic_document("none")), FRAME)
    ground = float(load_terrain(RIDGE_PATH).elevation_at(40.0, 33.0))
    assert ground == pytest.approx(400.0, abs=1.0)
    assert new.path_alt_m[0, -1] == pytest.approx(ground, abs=1e-3)
    assert old.path_alt_m[0, -1] == pytest.approx(0.0, abs=1e-3)
    assert new.ground_impact.tolist() == [False]


def test_the_warning_names_each_threat_where_and_how_far_along():
    """Two of three drones (100 m and 250 m) go into the ridge, the 500 m one clears it."""
    impacts = planned_ground_impacts(ridge_scenario(drone_document([100.0, 500.0, 250.0])))
    assert [(i.threat_id, i.group, i.member) for i in impacts] == [(0, "drone-0", 0),
                                                                   (2, "drone-2", 0)]
    first = impacts[0]
    north_km = (first.lat_deg - 40.0) * M_PER_DEG_LAT / 1e3
    assert abs(north_km - crossing_north_m(100.0) / 1e3) < CELL_M / 1e3
    assert first.along_km == pytest.approx((40.28 - first.lat_deg) * 111.132, rel=1e-6)
    assert first.route_km == pytest.approx(0.48 * 111.132, rel=1e-6)
    assert first.line().startswith("threat 0 (drone-0 #0): its planned route goes into the "
                                   "ground at 40.01")
    assert first.line().endswith("it crashes there")
    # With threat_ground none the same routes are reported, flying on through.
    through = planned_ground_impacts(ridge_scenario(drone_document([100.0, 500.0, 250.0],
                                                                   "none")))
    assert [i.threat_id for i in through] == [0, 2]
    assert through[0].line().endswith("flies on through the ground (sim.threat_ground: none)")


def write_document(document: dict, folder) -> str:
    """The document as a YAML file beside a copy of ridge.tif."""
    import yaml

    (folder / "ridge.tif").write_bytes(RIDGE_PATH.read_bytes())
    document = {**copy.deepcopy(document), "terrain": {"dem_file": "ridge.tif"}}
    path = folder / "ridge-drones.yaml"
    path.write_text(yaml.safe_dump(document))
    return str(path)


@pytest.mark.parametrize("command", ["validate", "run"])
def test_validate_and_run_warn_once_per_threat(command, tmp_path, capsys):
    """A group of three drones at 100 m (three threats, one path) and one at 500 m: three
    warning lines, one per drone into the ridge, none for the one that clears it."""
    document = drone_document([100.0, 500.0])
    document["threats"][0].update(count=3, spacing_s=5.0)
    path = write_document(document, tmp_path)
    arguments = [command, path] + (["--out", str(tmp_path / "out"), "--quiet"]
                                   if command == "run" else [])
    with pytest.raises(SystemExit) as exited:
        main(arguments)
    assert exited.value.code == 0
    warnings = capsys.readouterr().err.strip().splitlines()
    assert len(warnings) == 3
    for member, line in enumerate(warnings):
        assert line.startswith(f"warning: threat {member} (drone-0 #{member}): its planned "
                               "route goes into the ground at 40.01")


def test_a_bad_threat_ground_is_one_line_and_exit_2(tmp_path, capsys):
    document = drone_document([100.0], "dem")
    path = write_document(document, tmp_path)
    with pytest.raises(SystemExit) as exited:
        main(["validate", path])
    assert exited.value.code == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert "sim.threat_ground" in error and "'terrain'" in error and "'none'" in error


def run_twice(document: dict):
    first = iadsim.run(ridge_scenario(document))
    second = iadsim.run(ridge_scenario(document))
    return first, second


def test_end_to_end_the_low_drone_crashes_on_the_north_slope_and_the_high_one_flies_on():
    """Drone 0 at 100 m: one ground_impact event (no round), 1.33 km north of the crest,
    fate 'crashed', never seen by the radar behind the ridge; drone 1 at 500 m is not
    'crashed'. The same seed gives the same events."""
    first, second = run_twice(drone_document([100.0, 500.0]))
    events = first.events
    impacts = events[events["kind"] == "ground_impact"]
    assert impacts["threat_id"].tolist() == [0]
    assert (impacts["interceptor_id"] == -1).all()
    crest_north_m = 22_239.0  # 40.0 N in the frame at 39.8 N
    assert abs(float(impacts["north_m"].iloc[0]) - crest_north_m
               - crossing_north_m(100.0)) < CELL_M
    assert float(impacts["up_m"].iloc[0]) > 0.0
    fates = threat_fates(events, first.threats).tolist()
    assert fates[0] == "crashed" and fates[1] != "crashed"
    assert not ((events["kind"] == "detection") & (events["threat_id"] == 0)).any()
    assert events.equals(second.events)
