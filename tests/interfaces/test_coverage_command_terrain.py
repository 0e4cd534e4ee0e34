"""``iadsim coverage`` over a DEM with a stand-off jammer: the summary line says when the
terrain hides the jammer from the radar (the map is then as without it) and says it jams
when it is in the open."""

from __future__ import annotations

import pytest
import yaml
from typer.testing import CliRunner

from iadsim.interfaces.cli import app
from ridge_builder import RIDGE_PATH

runner = CliRunner()


def scenario_file(folder, jammer_altitude_m: float):
    """The valley radar 22 km south of the ridge's crest and a jammer 5.6 km beyond it."""
    document = {
        "name": "ridge-jammer", "origin": {"lat_deg": 39.8, "lon_deg": 33.0},
        "sim": {"duration_s": 60.0}, "terrain": {"dem_file": str(RIDGE_PATH)},
        "sensors": [{"name": "valley", "lat_deg": 39.8, "lon_deg": 33.0, "height_m": 20.0,
                     "ref_range_km": 40.0, "ref_rcs_m2": 1.0, "max_range_km": 80.0,
                     "revisit_s": 2.0, "azimuth_beamwidth_deg": 2.0,
                     "elevation_beamwidth_deg": 2.0, "range_resolution_m": 150.0,
                     "receiver": {"gain_rx_db": 35.0, "frequency_hz": 3e9,
                                  "bandwidth_hz": 1e6}}],
        "jammers": [{"name": "soj", "lat_deg": 40.05, "lon_deg": 33.0,
                     "altitude_m": jammer_altitude_m, "erp_w": 10.0,
                     "bandwidth_hz": 100e6}]}
    path = folder / f"ridge-jammer-{jammer_altitude_m:g}.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


@pytest.mark.parametrize(("altitude_m", "phrase"), [
    (100.0, "(with terrain; no clutter, no jamming, terrain hides 1 jammer-radar pair(s))"),
    (3_000.0, "(with terrain; no clutter, jamming (stand-off soj at 10 s) on 1 radar(s))"),
])
def test_the_summary_says_whether_the_terrain_hides_the_jammer(tmp_path, altitude_m, phrase):
    pytest.importorskip("rasterio", reason="the terrain extra (rasterio) is absent")
    out = tmp_path / "map.png"
    result = runner.invoke(app, ["coverage", str(scenario_file(tmp_path, altitude_m)),
                                 "--rcs-m2", "1", "--altitude-m", "3000", "--cells", "30",
                                 "--jamming-at-s", "10", "--out", str(out)],
                           terminal_width=250)
    assert result.exit_code == 0, result.output
    assert phrase in result.stdout
