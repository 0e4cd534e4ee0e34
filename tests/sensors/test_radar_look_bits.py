"""The radar look, event for event as it was before its hot path was reworked (2026-12-01:
the jammers' geometry once per radar look, the clutter plus jamming sum in one kernel,
false alarms of all due radars placed together, the plots converted by one kernel).

No built-in scenario has radar jamming, clutter, range rate, registration bias, aspect RCS
and scheduled looks at once; this one does, with false alarms, and each matters (seed 1:
214 detections; 397 without the jammers, 222 without the stand-off one, 223 without the
sea). The expected digests, of the radar's own events (detections and false alarms, every
column), were printed by the code before the rework (main at 8adcc63): a change to the
radar look that changes any of them, by one bit, fails here. A deliberate change of the
model updates them. The tracker's events are left out: they follow the tracker, which
changed since (a step's scheduled looks fused in one pass), not the radar. The digest
hashes the kind column's categories too: the event kind ground_impact (h-terrainflight)
changed the three digests and nothing else (every column and the kind codes equal to
main's, row for row).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

import iadsim
from iadsim.scenario import scenario_from_dict

LAT, LON = 40.0, 30.0

SEARCH = {"name": "search", "lat_deg": LAT, "lon_deg": LON, "height_m": 20.0,
          "ref_range_km": 100.0, "ref_rcs_m2": 1.0, "max_range_km": 250.0, "revisit_s": 2.0,
          "pfa": 1e-5, "resolution_cells": 2e5, "azimuth_beamwidth_deg": 2.0,
          "elevation_beamwidth_deg": 2.0, "range_resolution_m": 150.0,
          "range_rate_sigma_mps": 3.0, "range_bias_m": 40.0, "azimuth_bias_deg": 0.05,
          "receiver": {"gain_rx_db": 35.0, "frequency_hz": 3e9, "bandwidth_hz": 1e6,
                       "system_temperature_k": 500.0}}
COASTAL = {"name": "coastal", "lat_deg": LAT - 0.2, "lon_deg": LON + 0.1, "height_m": 100.0,
           "ref_range_km": 60.0, "ref_rcs_m2": 1.0, "max_range_km": 150.0, "revisit_s": 1.0,
           "pfa": 1e-5, "resolution_cells": 1e5, "range_resolution_m": 150.0,
           "azimuth_beamwidth_deg": 2.0, "elevation_beamwidth_deg": 2.0,
           "clutter_improvement_db": 20.0, "surface": {"kind": "sea", "sea_state": 4},
           "receiver": {"gain_rx_db": 30.0, "frequency_hz": 9e9, "bandwidth_hz": 2e6,
                        "system_temperature_k": 600.0}}


def document(look_times: str) -> dict:
    jammed = {"name": "strike", "kind": "aircraft", "count": 3, "spacing_s": 20.0,
              "rcs_m2": 5.0, "speed_mps": 250.0, "jammer": {"erp_w": 1.0,
                                                            "bandwidth_hz": 100e6},
              "rcs_by_aspect": {"nose_m2": 1.0, "side_m2": 10.0, "tail_m2": 3.0},
              "route": [{"lat_deg": LAT + 150 / 111.0, "lon_deg": LON, "altitude_m": 8000.0},
                        {"lat_deg": LAT + 5 / 111.0, "lon_deg": LON, "altitude_m": 8000.0}]}
    skimmers = {"name": "skimmers", "kind": "cruise_missile", "count": 2, "spacing_s": 15.0,
                "rcs_m2": 0.1, "speed_mps": 250.0,
                "route": [{"lat_deg": LAT + 60 / 111.0, "lon_deg": LON + 0.3,
                           "altitude_m": 10.0},
                          {"lat_deg": LAT, "lon_deg": LON, "altitude_m": 10.0}]}
    stand_off = {"name": "soj", "lat_deg": LAT + 250 / 111.0, "lon_deg": LON + 0.5,
                 "altitude_m": 9000.0, "erp_w": 500.0, "bandwidth_hz": 100e6}
    return {"name": "radar-look-bits", "origin": {"lat_deg": LAT, "lon_deg": LON},
            "sim": {"duration_s": 300.0, "dt_s": 1.0, "seed": 3,
                    "radar_look_times": look_times},
            "sensors": [SEARCH, COASTAL], "threats": [jammed, skimmers],
            "jammers": [stand_off]}


def events_digest(events: pd.DataFrame) -> str:
    """SHA-256 over every column's name, dtype and raw values, in order."""
    digest = hashlib.sha256()
    for name in events.columns:
        column = events[name]
        digest.update(f"{name}:{column.dtype}".encode())
        if isinstance(column.dtype, pd.CategoricalDtype):
            digest.update(repr(list(column.cat.categories)).encode())
            digest.update(column.cat.codes.to_numpy().tobytes())
        else:
            digest.update(np.ascontiguousarray(column.to_numpy()).tobytes())
    return digest.hexdigest()


EXPECTED = {
    ("step", 1): "342c1c4a673137d7926f617c54099002f9a21788355e325c8ea5fc1904ccecce",
    ("step", 2): "e05b42dd37e837af59e8ad31c36128837c27c2f743b63f98dded284a7e439e9b",
    ("scheduled", 1): "418b1503038a9a6f449315fce9c0b46e0548175fa9bbf7ba9b11010e57620a34",
}


@pytest.mark.parametrize(("look_times", "seed"), list(EXPECTED))
def test_every_event_is_the_one_before_the_rework(look_times, seed):
    result = iadsim.run(scenario_from_dict(document(look_times)), seed=seed)
    kinds = result.events["kind"].value_counts()
    assert kinds.get("detection", 0) > 100 and kinds.get("false_alarm", 0) > 100
    radar = result.events[result.events["kind"].isin(["detection", "false_alarm"])]
    assert events_digest(radar.reset_index(drop=True)) == EXPECTED[(look_times, seed)]
