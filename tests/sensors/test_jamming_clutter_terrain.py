"""Jamming and clutter over the ridge DEM: a stand-off jammer the ridge hides from a radar
leaves every detection as without it (same SINR, bit for bit) while the same jammer in view
jams; a target's range cell behind the ridge, which the radar cannot see, adds no clutter,
while the same cell over a smooth earth does."""

from __future__ import annotations

import numpy as np
import pytest

import iadsim
from iadsim.world.geodesy import LocalFrame
from iadsim.world.terrain import TerrainMask, gaussian_ridge
from ridge_builder import VALLEY_RADAR, ridge_scenario

pytest.importorskip("rasterio", reason="the terrain extra (rasterio) is absent")

#: The radar stands 22.2 km south of the crest (40.0 N).
RADAR = VALLEY_RADAR
CREST_NORTH_M = (40.0 - 39.8) * 111_195.0


def document(altitude_m: float, radar: dict | None = None, **sections) -> dict:
    """An aircraft flying due south from 40.25 N to 39.85 N at ``altitude_m``, over the
    ridge, toward the radar."""
    return {"name": "ridge-environment", "origin": {"lat_deg": 39.8, "lon_deg": 33.0},
            "sim": {"duration_s": 260.0, "dt_s": 1.0, "seed": 6},
            "sensors": [radar or RADAR],
            "threats": [{"name": "strike", "kind": "aircraft", "count": 1, "rcs_m2": 1.0,
                         "speed_mps": 200.0,
                         "route": [{"lat_deg": 40.25, "lon_deg": 33.0,
                                    "altitude_m": altitude_m},
                                   {"lat_deg": 39.85, "lon_deg": 33.0,
                                    "altitude_m": altitude_m}]}],
            **sections}


def detections(scenario):
    events = iadsim.run(scenario).events
    return events[events["kind"] == "detection"][["time_s", "value", "north_m"]].reset_index(
        drop=True)


def stand_off(altitude_m: float) -> dict:
    """A jammer on the target's bearing 5.6 km beyond the crest (the ridge's grazing line
    from the radar is about 500 m there)."""
    return {"jammers": [{"name": "soj", "lat_deg": 40.05, "lon_deg": 33.0,
                         "altitude_m": altitude_m, "erp_w": 10.0, "bandwidth_hz": 100e6}]}


def test_a_jammer_the_ridge_hides_leaves_the_sinr_unchanged():
    clear = detections(ridge_scenario(document(3_000.0)))
    hidden = detections(ridge_scenario(document(3_000.0, **stand_off(100.0))))
    in_view = detections(ridge_scenario(document(3_000.0, **stand_off(3_000.0))))
    assert len(clear) > 50
    # Hidden: every detection as without the jammer (times, SINR and places, bit for bit).
    assert hidden.equals(clear)
    # In view (the twin): the mainbeam jammer holds the radar off (seed 6: first detection
    # at 160 s instead of 14 s, 31 detections instead of 82).
    assert len(in_view) < 0.5 * len(clear)
    assert in_view["time_s"].min() > clear["time_s"].min() + 100.0


CLUTTER_RADAR = {**RADAR, "height_m": 100.0, "elevation_beamwidth_deg": 10.0,
                 "surface": {"kind": "land", "land_type": "rugged_mountain"}}


def test_clutter_counts_only_where_the_radar_sees_the_ground_of_the_range_cell():
    """A 100 m mast (smooth-earth clutter horizon 41 km) and a 10 deg fan beam; the target
    at 1,200 m. Beyond the crest the range cell's ground is in the ridge's shadow: the
    detections there are those of the same run without a surface, bit for bit. Over a
    smooth earth the same cells clutter; in front of the ridge they clutter with the DEM
    too (rugged mountains, gamma -5 dB at 10 GHz: few detections survive). Seed 6: beyond
    the crest 40 detections with the DEM, with or without the surface, and 7 over a smooth
    earth with it; in front of the ridge 1 with the surface and 30 without."""
    quiet_radar = {key: value for key, value in CLUTTER_RADAR.items() if key != "surface"}
    ridge = detections(ridge_scenario(document(1_200.0, CLUTTER_RADAR)))
    quiet = detections(ridge_scenario(document(1_200.0, quiet_radar)))
    smooth = detections(ridge_scenario(document(1_200.0, CLUTTER_RADAR), terrain=False))
    quiet_smooth = detections(ridge_scenario(document(1_200.0, quiet_radar), terrain=False))
    beyond = CREST_NORTH_M + 1_000.0
    ridge_far, quiet_far = ridge[ridge["north_m"] > beyond], quiet[quiet["north_m"] > beyond]
    assert len(quiet_far) > 10
    assert ridge_far.reset_index(drop=True).equals(quiet_far.reset_index(drop=True))
    # The twins: clutter where the ground is in view.
    smooth_far = smooth[smooth["north_m"] > beyond]
    quiet_smooth_far = quiet_smooth[quiet_smooth["north_m"] > beyond]
    assert len(smooth_far) < len(quiet_smooth_far) / 3
    near = CREST_NORTH_M - 5_000.0
    assert (ridge["north_m"] < near).sum() < (quiet["north_m"] < near).sum() / 3


def test_the_ground_view_is_the_smooth_earth_horizon_less_the_ridge_shadow():
    frame = LocalFrame(39.8, 33.0, 0.0)
    mask = TerrainMask(gaussian_ridge(), np.array([39.8]), np.array([33.0]),
                       np.array([100.0]), frame, np.array([80_000.0]))
    north = np.array([10e3, 21e3, 23e3, 30e3, 39e3, 45e3])
    targets = np.stack([np.zeros(6), north, np.full(6, 1_200.0)], axis=1)
    seen = mask.clutter_in_view(np.array([0]), np.array([True]), targets)
    # In front of the crest in view; behind it shadowed; beyond the 41 km horizon, none.
    assert seen[0].tolist() == [True, True, False, False, False, False]
    east = np.stack([north, np.zeros(6), np.full(6, 1_200.0)], axis=1)  # along the ridge
    assert mask.clutter_in_view(np.array([0]), np.array([True]), east)[0].tolist() == [
        True, True, True, True, True, False]
