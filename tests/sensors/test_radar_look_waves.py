"""Scheduled radar looks detected in one compiled pass a step (2026-12-01, h-batchlooks),
event for event as when each look was its own detection pass.

Two cases the built-in scenarios and tests/sensors/test_radar_look_bits.py leave out:

* a radar that looks several times inside one step (revisit 0.4 s, ``dt_s`` 1 s: its
  second look's draws follow its first look's detections in its stream, so the step's
  looks are detected in waves), with jamming, sea clutter, RCS by aspect, range rate,
  registration bias and false alarms;
* a DEM (the ridge of tests/data/terrain): the terrain hides detections, jammers and
  clutter cells look by look, each at the threats' place at that look.

The expected digests, of the radar's own events (detections and false alarms, every
column), were printed by main at d406666, where each scheduled look was its own detection
pass: a change to the look that changes any of them, by one bit, fails here.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from test_radar_look_bits import COASTAL, SEARCH, document, events_digest

import iadsim
from iadsim.scenario import scenario_from_dict

RIDGE_RADAR = {"name": "valley", "lat_deg": 39.8, "lon_deg": 33.0, "height_m": 100.0,
               "ref_range_km": 40.0, "ref_rcs_m2": 1.0, "max_range_km": 80.0,
               "revisit_s": 0.7, "pfa": 1e-5, "resolution_cells": 1e5,
               "azimuth_beamwidth_deg": 2.0, "elevation_beamwidth_deg": 10.0,
               "range_resolution_m": 150.0,
               "surface": {"kind": "land", "land_type": "rugged_mountain"},
               "receiver": {"gain_rx_db": 35.0, "frequency_hz": 3e9, "bandwidth_hz": 1e6,
                            "system_temperature_k": 500.0}}
RIDGE_SEARCH = {**RIDGE_RADAR, "name": "crest-search", "lat_deg": 39.9, "lon_deg": 33.1,
                "height_m": 20.0, "revisit_s": 1.3, "max_range_km": 120.0,
                "elevation_beamwidth_deg": 2.0, "surface": {"kind": "land",
                                                              "land_type": "farmland"}}


def fast_revisit(look_times: str) -> dict:
    """The radar-look-bits scenario with the coastal radar looking every 0.4 s."""
    fast = copy.deepcopy(document(look_times))
    fast["sensors"] = [SEARCH, {**COASTAL, "revisit_s": 0.4}]
    return fast


def ridge(look_times: str) -> dict:
    """Aircraft carrying jammers, cruise missiles and a stand-off jammer the ridge hides
    from the valley radar, over the ridge DEM; two radars with land clutter, one looking
    every 0.7 s, the other every 1.3 s. Each part matters (seed 6: 421 detections; 330
    over a smooth earth, where the stand-off jammer is in view; 890 without the carried
    jammers; 843 without the clutter)."""
    from ridge_builder import RIDGE_PATH

    strike = {"name": "strike", "kind": "aircraft", "count": 3, "spacing_s": 25.0,
              "rcs_m2": 1.0, "speed_mps": 200.0,
              "jammer": {"erp_w": 0.02, "bandwidth_hz": 100e6},
              "route": [{"lat_deg": 40.25, "lon_deg": 33.0, "altitude_m": 1_500.0},
                        {"lat_deg": 39.85, "lon_deg": 33.05, "altitude_m": 1_000.0}]}
    low = {"name": "low", "kind": "cruise_missile", "count": 2, "spacing_s": 30.0,
           "rcs_m2": 0.1, "speed_mps": 250.0,
           "route": [{"lat_deg": 40.25, "lon_deg": 33.2, "altitude_m": 300.0},
                     {"lat_deg": 39.8, "lon_deg": 33.0, "altitude_m": 300.0}]}
    return {"name": "ridge-looks", "origin": {"lat_deg": 39.8, "lon_deg": 33.0},
            # threat_ground none: the low cruise missiles (300 m) fly on through the
            # 400 m ridge, as this digest was taken (with the default they crash into it).
            "sim": {"duration_s": 240.0, "dt_s": 1.0, "seed": 6,
                    "radar_look_times": look_times, "threat_ground": "none"},
            "sensors": [RIDGE_RADAR, RIDGE_SEARCH], "threats": [strike, low],
            "jammers": [{"name": "soj", "lat_deg": 40.05, "lon_deg": 33.0,
                         "altitude_m": 100.0, "erp_w": 10.0, "bandwidth_hz": 100e6}],
            "terrain": {"dem_file": str(RIDGE_PATH)}}


def radar_events(document: dict, seed: int):
    events = iadsim.run(scenario_from_dict(document), seed=seed).events
    return events[events["kind"].isin(["detection", "false_alarm"])].reset_index(drop=True)


# Digests of d406666's radar events (h-batchlooks), re-taken once the event kinds gained
# ground_impact (the category list is hashed; every value is the same, checked column by
# column against the h-batchlooks branch).
EXPECTED = {
    ("fast", 1): "efb962fbd8b87ef97a55d27707d8d51d3ca1ad2755a8677e39df7614b2b42104",
    ("fast", 2): "d4d2359cb4fbb5285144b2d5a1c2b28bf6bf12b46128646ccbb698a63682017a",
    ("ridge", 6): "9fcb46acbea628c939f19235e8291b73c5858c8ca02e18b22de3c3b152289817",
}


@pytest.mark.parametrize("seed", [1, 2])
def test_several_looks_of_a_radar_in_a_step_are_the_looks_one_at_a_time(seed):
    events = radar_events(fast_revisit("scheduled"), seed)
    coastal = events[events["sensor"] == "coastal"]
    # The coastal radar reports at up to 3 look times a step (revisit 0.4 s; a look may
    # report nothing), at 2 or more in most steps.
    per_step = coastal.groupby(np.ceil(coastal["time_s"]))["time_s"].nunique()
    assert per_step.max() == 3 and (per_step >= 2).mean() > 0.6
    assert (events["kind"] == "detection").sum() > 300
    assert (events["kind"] == "false_alarm").sum() > 100
    assert events_digest(events) == EXPECTED[("fast", seed)]


def test_terrain_hides_each_look_at_its_own_time():
    pytest.importorskip("rasterio", reason="the terrain extra (rasterio) is absent")
    events = radar_events(ridge("scheduled"), 6)
    assert (events["kind"] == "detection").sum() > 400
    assert events_digest(events) == EXPECTED[("ridge", 6)]
