"""The run map draws a threat that flew into the ground (fate 'crashed') in its own colour,
with a marker where it met the ground and a legend entry; the timeline ends it there."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import to_rgba

import iadsim
from iadsim.interfaces.plots import figure_of
from iadsim.interfaces.run_directory import read_run
from iadsim.interfaces.run_map import FATE_COLOURS
from ridge_builder import ridge_scenario

pytest.importorskip("rasterio", reason="the terrain extra (rasterio) is absent")


@pytest.fixture(scope="module")
def crashed_run(tmp_path_factory):
    """A drone at 100 m flies into the ridge of ridge.tif (threat 0, crashed 1.33 km north
    of the crest); one at 500 m flies over it onto the depot (threat 1)."""
    route = [{"lat_deg": 40.28, "lon_deg": 33.0}, {"lat_deg": 39.8, "lon_deg": 33.0}]
    document = {
        "name": "ridge-crash", "origin": {"lat_deg": 39.8, "lon_deg": 33.0},
        "sim": {"duration_s": 600.0, "dt_s": 1.0, "seed": 5, "threat_ground": "terrain"},
        "defended_assets": [{"name": "depot", "lat_deg": 39.8, "lon_deg": 33.0,
                             "radius_m": 1000.0, "value": 1.0}],
        "sensors": [{"name": "valley-radar", "lat_deg": 39.8, "lon_deg": 33.0,
                     "height_m": 15.0, "ref_range_km": 50.0, "ref_rcs_m2": 0.1,
                     "ref_pd": 0.9, "max_range_km": 60.0, "revisit_s": 2.0}],
        "threats": [{"name": f"drone-{index}", "kind": "drone", "rcs_m2": 0.1,
                     "speed_mps": 100.0, "target": "depot",
                     "route": [{**point, "altitude_m": altitude} for point in route]}
                    for index, altitude in enumerate([100.0, 500.0])]}
    folder = tmp_path_factory.mktemp("crashed-run")
    iadsim.run(ridge_scenario(document)).write(folder)
    return read_run(folder)


def test_fates_are_crashed_and_leaked(crashed_run):
    assert crashed_run.threats.sort_values("threat_id")["fate"].tolist() == ["crashed",
                                                                             "leaked"]


def test_the_map_draws_the_crashed_threat_in_its_colour_with_a_legend_entry(crashed_run):
    figure = figure_of(crashed_run, "map")
    whole = figure.axes[0]
    crashed = [a for a in whole.get_children() if a.get_gid() == "threats-crashed"]
    assert len(crashed) == 1 and len(crashed[0].get_segments()) == 1
    assert np.allclose(crashed[0].get_colors()[0][:3], to_rgba(FATE_COLOURS["crashed"])[:3])
    assert len(set(FATE_COLOURS.values())) == len(FATE_COLOURS)  # a colour of its own
    ends = [a for a in whole.get_children() if a.get_gid() == "ends-crashed"]
    assert len(ends) == 1
    (east_km, north_km), = ends[0].get_offsets()
    assert abs(east_km) < 0.1 and 23.3 < north_km < 23.8  # 22.24 km + 1.33 km: the slope
    labels = [text.get_text() for text in whole.get_legend().get_texts()]
    assert "threat crashed (1)" in labels and "crash into the ground (1)" in labels


def test_the_timeline_ends_the_crashed_threat_at_its_ground_impact(crashed_run):
    upper, lower = figure_of(crashed_run, "timeline").axes[:2]
    lines = [a for axes in (upper, lower) for a in axes.get_children()
             if a.get_gid() == "threat-crashed"]
    assert len(lines) == 1
    (_, _), (end, _) = lines[0].get_segments()[0]
    events = crashed_run.events
    impact = events[(events["kind"] == "ground_impact") & (events["threat_id"] == 0)]
    assert end == pytest.approx(float(impact["time_s"].iloc[0]))
