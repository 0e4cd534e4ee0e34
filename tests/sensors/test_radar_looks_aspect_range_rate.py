"""Looks at a radar's own scheduled times inside a step, RCS by aspect, range rate."""

from __future__ import annotations

import numpy as np
import pytest

import iadsim
from iadsim.events import EventLog
from iadsim.scenario import scenario_from_dict
from iadsim.sensors.radar import RadarNetwork, radar_sites
from iadsim.sensors.radar_environment import StepMotion, aspect_rcs_table
from iadsim.world.geodesy import LocalFrame

LAT, LON = 42.0, 35.0
FRAME = LocalFrame(LAT, LON, 0.0)


def network(look_times: str = "scheduled", threats: list[dict] | None = None,
            **fields) -> tuple[RadarNetwork, EventLog]:
    radar = {"name": "r", "lat_deg": LAT, "lon_deg": LON, "height_m": 20.0,
             "ref_range_km": 400.0, "max_range_km": 300.0, "revisit_s": 3.3,
             "resolution_cells": 0.0, "swerling": 0, "range_sigma_m": 0.01,
             "azimuth_sigma_deg": 1e-4, "elevation_sigma_deg": 1e-4, **fields}
    scenario = scenario_from_dict({
        "name": "looks", "origin": {"lat_deg": LAT, "lon_deg": LON},
        "sim": {"duration_s": 1000.0}, "sensors": [radar], "threats": threats or []})
    aspect = None
    if threats:
        aspect = aspect_rcs_table(scenario, np.zeros(1, dtype=int))
    net = RadarNetwork(radar_sites(scenario, FRAME), 1, 0.0, look_times=look_times,
                       aspect_rcs_m2=aspect)
    return net, EventLog(["r"], [], [])


# One target 40 km east at 5 km, flying north at 300 m/s.
START = np.array([[40e3, 0.0, 5_000.0]])
VELOCITY = np.array([[0.0, 300.0, 0.0]])
HEIGHT = np.array([5_000.0])
RCS = np.array([1.0])
IDS = np.array([0])


def step_through(net, log, dt_s: float, steps: int):
    """Step the target and the radar like the simulation; returns every batch."""
    batches = []
    for step in range(steps):
        start_s, end_s = step * dt_s, (step + 1) * dt_s
        start = START + VELOCITY * start_s
        end = START + VELOCITY * end_s
        motion = StepMotion(start_s, start, HEIGHT, VELOCITY)
        batches += net.scan(end_s, end, HEIGHT, RCS, IDS, log, motion)
    return batches


def test_a_3_3_s_revisit_looks_every_3_3_s_not_on_the_step():
    net, log = network()
    phase = float(net._next_scan_s[0])
    batches = step_through(net, log, 1.0, 40)
    times = np.array([batch.time_s for batch in batches])
    count = int(np.floor((40.0 - phase) / 3.3)) + 1
    assert times.size == count
    np.testing.assert_allclose(times, phase + 3.3 * np.arange(count), atol=1e-9)
    assert not np.allclose(times, np.round(times))  # not snapped to the 1 s step


def test_the_target_is_measured_where_it_is_at_the_look_time():
    """Range measured (errors of 1 cm) is the range at the look time, not at the step end:
    a 300 m/s target moves up to 300 m in a 1 s step."""
    net, log = network()
    for batch in step_through(net, log, 1.0, 40):
        truth = START[0] + VELOCITY[0] * batch.time_s
        local = net.to_local[0] @ (truth - net.position_m[0])
        assert batch.range_m[0] == pytest.approx(np.linalg.norm(local), abs=0.1)


def test_several_looks_in_one_long_step_are_each_reported():
    net, log = network(revisit_s=0.4)
    batches = step_through(net, log, 2.0, 5)
    times = np.array([batch.time_s for batch in batches])
    assert times.size == 25 and np.allclose(np.diff(times), 0.4)


def test_step_mode_keeps_the_scan_at_the_step_end():
    net, log = network("step")
    phase = float(net._next_scan_s[0])
    times = [batch.time_s for batch in step_through(net, log, 1.0, 40)]
    assert times == [float(t) for t in np.round(times)]
    assert len(times) == int(np.floor((40.0 - phase) / 3.3)) + 1


def test_scheduled_looks_repeat_bit_for_bit():
    first = step_through(*network(), 1.0, 20)
    second = step_through(*network(), 1.0, 20)
    assert [b.time_s for b in first] == [b.time_s for b in second]
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a.position_m, b.position_m)


def group(**fields) -> dict:
    return {"name": "g", "kind": "aircraft", "rcs_m2": 1.0, "speed_mps": 300.0,
            "route": [{"lat_deg": LAT, "lon_deg": LON, "altitude_m": 5000.0},
                      {"lat_deg": LAT + 1, "lon_deg": LON, "altitude_m": 5000.0}], **fields}


ASPECT = {"rcs_by_aspect": {"nose_m2": 0.01, "side_m2": 10.0, "tail_m2": 1.0}}


@pytest.mark.parametrize(("velocity", "expected_m2"), [
    ((-300.0, 0.0, 0.0), 0.01),  # flying at the radar: nose
    ((0.0, 300.0, 0.0), 10.0),  # crossing: side
    ((300.0, 0.0, 0.0), 1.0),  # flying away: tail
    ((-300.0, 300.0, 0.0), np.sqrt(0.01 * 10.0)),  # 45 deg: halfway in dB
])
def test_rcs_by_aspect_sets_the_snr(velocity, expected_m2):
    """Swerling 0: the detection's SNR is the radar equation's with the aspect's RCS
    (target on the radar's horizontal, 40 km east; the 5 km height tilts the line of
    sight by 7 deg, so the aspect is computed in 3-D: compare with that)."""
    net, log = network("step", threats=[group(**ASPECT)])
    velocity = np.array([velocity])
    (batch,) = net.scan(3.3, START, HEIGHT, RCS, IDS, log,
                        StepMotion(0.0, START, HEIGHT, velocity))
    site = net.sites[0]
    offset = START[0] - site.position_enu_m
    cosine = -(velocity[0] @ offset) / (np.linalg.norm(velocity) * np.linalg.norm(offset))
    aspect = np.arccos(cosine) / (np.pi / 2)
    table = np.log10([0.01, 10.0, 1.0])
    low = min(int(aspect), 1)
    rcs = 10 ** (table[low] + (aspect - low) * (table[low + 1] - table[low]))
    expected = 10 * np.log10(site.snr_at_one_metre * rcs / np.linalg.norm(offset) ** 4)
    assert batch.snr_db[0] == pytest.approx(expected, abs=1e-9)
    # The 7 deg tilt moves the nose aspect to 0.017 m^2; the others barely.
    assert rcs == pytest.approx(expected_m2, rel=0.8)


def test_range_rate_is_measured_with_its_sigma_when_asked():
    net, log = network("step", range_rate_sigma_mps=2.0)
    velocity = np.array([[-250.0, 0.0, 0.0]])  # closing along the line of sight, mostly
    rates = []
    for step in range(1, 200):
        for batch in net.scan(float(step), START, HEIGHT, RCS, IDS, log,
                              StepMotion(step - 1.0, START, HEIGHT, velocity)):
            assert batch.range_rate_sigma_mps is not None
            assert batch.range_rate_sigma_mps[0] == 2.0
            rates.append(batch.range_rate_mps[0])
    offset = START[0] - net.sites[0].position_enu_m
    truth = velocity[0] @ offset / np.linalg.norm(offset)
    rates = np.array(rates)
    assert abs(rates.mean() - truth) < 4 * 2.0 / np.sqrt(rates.size)
    assert 1.5 < rates.std() < 2.5
    plain, log = network("step")
    (batch,) = plain.scan(3.3, START, HEIGHT, RCS, IDS, log)
    assert batch.range_rate_mps is None and batch.range_rate_sigma_mps is None


def test_a_run_with_scheduled_looks_logs_detections_at_their_look_times():
    document = {
        "name": "looks-run", "origin": {"lat_deg": LAT, "lon_deg": LON},
        "sim": {"duration_s": 60.0, "dt_s": 1.0, "radar_look_times": "scheduled"},
        "sensors": [{"name": "r", "lat_deg": LAT, "lon_deg": LON, "ref_range_km": 200.0,
                     "max_range_km": 300.0, "revisit_s": 3.3, "resolution_cells": 0.0}],
        "threats": [group(**ASPECT)]}
    events = iadsim.run(document, seed=2).events
    times = events.loc[events["kind"] == "detection", "time_s"].to_numpy()
    assert times.size > 5
    steps = np.diff(times) / 3.3
    np.testing.assert_allclose(steps, np.round(steps), atol=1e-6)  # multiples of 3.3 s
    assert not np.allclose(times, np.round(times))


@pytest.mark.parametrize("look_times", [None, "step", "scheduled"])
def test_looks_keep_their_own_times_by_default_and_step_snaps_them(look_times):
    """A scenario that says nothing (or ``scheduled``) looks at the radars' own times;
    ``step`` snaps each look to the end of its step (whole seconds here)."""
    sim = {"duration_s": 60.0, "dt_s": 1.0}
    if look_times is not None:
        sim["radar_look_times"] = look_times
    document = {
        "name": "looks-default", "origin": {"lat_deg": LAT, "lon_deg": LON}, "sim": sim,
        "sensors": [{"name": "r", "lat_deg": LAT, "lon_deg": LON, "ref_range_km": 200.0,
                     "max_range_km": 300.0, "revisit_s": 3.3, "resolution_cells": 0.0}],
        "threats": [group(**ASPECT)]}
    events = iadsim.run(document, seed=2).events
    times = events.loc[events["kind"] == "detection", "time_s"].to_numpy()
    assert times.size > 5
    assert np.allclose(times, np.round(times)) == (look_times == "step")
