"""The engine's compiled threat motion (path interpolation and geodetic to ECEF in one
call, :mod:`iadsim.engine.threat_motion`) gives the positions and heights of the NumPy
round trip ``frame.to_enu(*raid.geodetic_at(time_s, rows))`` bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

import iadsim
from iadsim.engine.simulation import Simulation
from iadsim.engine.threat_motion import threat_offsets, threat_offsets_into
from iadsim.world.geodesy import LocalFrame, geodetic_to_ecef, geodetic_to_ecef_point


@pytest.mark.parametrize("scenario", ["layered-defense", "saturation", "sinop-trial"])
def test_threat_offsets_match_the_numpy_round_trip_bit_for_bit(scenario: str) -> None:
    simulation = Simulation(iadsim.load_scenario(scenario), seed=1)
    raid, frame = simulation.raid, simulation.frame
    rows = np.arange(raid.size)[::-1].copy()  # any order: results follow the rows
    end_s = float(raid.launch_time_s.max() + raid.flight_time_s.max())
    for time_s in np.linspace(0.0, end_s, 97):
        offsets, alt = threat_offsets(float(time_s), rows, raid.launch_time_s,
                                      raid.flight_time_s, raid.path_time_s,
                                      raid.path_lat_deg, raid.path_lon_deg, raid.path_alt_m,
                                      frame.origin_ecef_m)
        lat, lon, reference_alt = raid.geodetic_at(time_s, rows)
        reference = frame.to_enu(lat, lon, reference_alt).reshape(-1, 3)
        assert frame.rotate_to_enu(offsets).tobytes() == reference.tobytes()
        assert alt.tobytes() == reference_alt.tobytes()


def test_threat_offsets_into_write_the_heights_the_engine_took_in_numpy() -> None:
    """The heights written in place are ``alt - ground`` bit for bit, only at the rows
    given; the offsets are threat_offsets'; with the transposed rotation kept by the
    engine, the positions are frame.rotate_to_enu's."""
    simulation = Simulation(iadsim.load_scenario("layered-defense"), seed=1)
    raid, frame = simulation.raid, simulation.frame
    ground = 123.25
    rows = np.arange(0, raid.size, 2)[::-1].copy()
    for time_s in (0.0, 150.5, 400.0):
        arguments = (float(time_s), rows, raid.launch_time_s, raid.flight_time_s,
                     raid.path_time_s, raid.path_lat_deg, raid.path_lon_deg,
                     raid.path_alt_m, frame.origin_ecef_m)
        offsets, alt = threat_offsets(*arguments)
        height = np.full(raid.size, -7.0)
        written = threat_offsets_into(*arguments, ground, height)
        assert written.tobytes() == offsets.tobytes()
        assert height[rows].tobytes() == (alt - ground).tobytes()
        untouched = np.ones(raid.size, dtype=bool)
        untouched[rows] = False
        assert (height[untouched] == -7.0).all()
        rotation = frame.ecef_to_enu_rotation.T
        assert (written @ rotation).tobytes() == frame.rotate_to_enu(offsets).tobytes()


def test_threat_offsets_of_no_rows_are_empty() -> None:
    simulation = Simulation(iadsim.load_scenario("layered-defense"), seed=1)
    raid = simulation.raid
    offsets, alt = threat_offsets(10.0, np.zeros(0, dtype=np.int64), raid.launch_time_s,
                                  raid.flight_time_s, raid.path_time_s, raid.path_lat_deg,
                                  raid.path_lon_deg, raid.path_alt_m,
                                  simulation.frame.origin_ecef_m)
    assert offsets.shape == (0, 3) and alt.shape == (0,)


def test_compiled_geodetic_to_ecef_matches_numpy_over_the_globe() -> None:
    """The compiled point conversion uses the platform's sine, cosine and square root as
    NumPy does here: the same bits over latitudes, longitudes and altitudes of any run
    (a platform where NumPy's vector sine rounds differently would fail here first)."""
    rng = np.random.default_rng(11)
    lat = rng.uniform(-90.0, 90.0, 20_000)
    lon = rng.uniform(-180.0, 360.0, 20_000)
    alt = rng.uniform(-500.0, 400_000.0, 20_000)
    reference = geodetic_to_ecef(lat, lon, alt)
    compiled = np.array([geodetic_to_ecef_point(a, b, c)
                         for a, b, c in zip(lat.tolist(), lon.tolist(), alt.tolist(),
                                            strict=True)])
    assert compiled.tobytes() == reference.tobytes()
    frame = LocalFrame(41.0, 29.0, 0.0)
    assert frame.origin_ecef_m.tobytes() == geodetic_to_ecef(41.0, 29.0, 0.0).tobytes()
