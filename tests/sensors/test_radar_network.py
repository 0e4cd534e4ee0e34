"""The radar network: detection probability, horizon, elevation limits, noise, false
alarms, outages, and each radar's own random stream."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from iadsim.engine.events import EventKind, EventLog
from iadsim.scenario import scenario_from_dict
from iadsim.scenario.loader import builtin_text
from iadsim.sensors.radar import RadarNetwork, radar_sites
from iadsim.world.geodesy import LocalFrame


def network(radars: list[dict], seed: int = 1) -> tuple[RadarNetwork, LocalFrame, EventLog]:
    document = yaml.safe_load(builtin_text("sinop-trial"))
    document["sensors"] = radars
    document["batteries"] = []
    scenario = scenario_from_dict(document)
    frame = LocalFrame(scenario.origin.lat_deg, scenario.origin.lon_deg)
    log = EventLog([r["name"] for r in radars], [], [])
    return RadarNetwork(radar_sites(scenario, frame), seed, 0.0), frame, log


def radar(name="r", **fields) -> dict:
    base = {"name": name, "lat_deg": 42.0, "lon_deg": 35.0, "height_m": 20.0,
            "ref_range_km": 100.0, "ref_rcs_m2": 1.0, "ref_pd": 0.5, "pfa": 1e-6,
            "max_range_km": 300.0, "revisit_s": 1.0, "min_elevation_deg": -1.0,
            "max_elevation_deg": 80.0, "range_sigma_m": 50.0, "resolution_cells": 0.0}
    return {**base, **fields}


def targets_at(frame, east_m: float, height_m: float, count: int):
    lat, lon = np.full(count, 42.0), 35.0 + east_m / (111_320.0 * np.cos(np.radians(42.0)))
    position = frame.to_enu(lat, np.full(count, lon), np.full(count, height_m))
    return position, np.full(count, height_m)


def scans(net, log, position, height, rcs, times):
    ids = np.arange(position.shape[0])
    return [batch for t in times for batch in net.scan(t, position, height, rcs, ids, log)]


def test_pd_at_the_reference_range_is_the_reference_pd():
    net, frame, log = network([radar()])
    position, height = targets_at(frame, 100_000.0, 5_000.0, 2_000)
    slant = np.linalg.norm(position - net.position_m[0], axis=1)
    rcs = (slant / 100_000.0) ** 4  # exactly the reference SNR at this slant range
    batches = scans(net, log, position, height, rcs, [1.0, 2.0, 3.0])
    detected = sum(batch.size for batch in batches)
    # 6,000 Bernoulli(0.5) draws: 4.5 sigma is 0.029.
    assert detected / 6_000 == pytest.approx(0.5, abs=0.03)


def test_targets_below_the_horizon_or_elevation_limit_are_never_seen():
    net, frame, log = network([radar(ref_range_km=1_000.0)])
    # 100 km out at 100 m: the 4/3-earth horizon from 20 m + 100 m is ~60 km.
    low, low_height = targets_at(frame, 100_000.0, 100.0, 50)
    assert sum(b.size for b in scans(net, log, low, low_height, np.full(50, 10.0),
                                     np.arange(1.0, 20.0))) == 0
    # Directly above the radar at 30 km: elevation 90 deg, above the 80 deg limit.
    high, high_height = targets_at(frame, 0.0, 30_000.0, 50)
    assert sum(b.size for b in scans(net, log, high, high_height, np.full(50, 10.0),
                                     np.arange(1.0, 20.0))) == 0


def test_range_errors_have_the_stated_sigma():
    net, frame, log = network([radar(ref_range_km=1_000.0, range_sigma_m=80.0)])
    position, height = targets_at(frame, 50_000.0, 5_000.0, 4_000)
    truth = np.linalg.norm(position - net.position_m[0], axis=1)
    batch = scans(net, log, position, height, np.full(4_000, 10.0), [1.0])[0]
    errors = batch.range_m - truth[batch.threat_id]
    assert batch.size > 3_900
    assert errors.std() == pytest.approx(80.0, rel=0.05)
    assert abs(errors.mean()) < 5.0


def test_false_alarms_average_pfa_times_cells_and_are_logged():
    net, _frame, log = network([radar(resolution_cells=2e6)])  # 2 per scan
    empty = np.zeros((0, 3))
    batches = scans(net, log, empty, np.zeros(0), np.zeros(0), np.arange(1.0, 501.0))
    alarms = sum(b.size for b in batches)
    assert alarms / 500 == pytest.approx(2.0, abs=0.3)
    assert all((b.threat_id == -1).all() for b in batches)
    assert log.count(EventKind.FALSE_ALARM) == alarms


def test_outage_silences_the_radar_and_is_logged():
    net, frame, log = network([radar(outages=[{"start_s": 5.0, "end_s": 10.0}])])
    position, height = targets_at(frame, 30_000.0, 3_000.0, 5)
    seen = {t: len(net.scan(t, position, height, np.full(5, 5.0), np.arange(5), log))
            for t in np.arange(1.0, 15.0)}
    assert all(seen[t] == 0 for t in (5.0, 7.0, 9.0))
    assert seen[3.0] == 1 and seen[12.0] == 1
    assert log.count(EventKind.OUTAGE_START) == 1 and log.count(EventKind.OUTAGE_END) == 1


def test_adding_a_radar_leaves_the_first_radars_draws_alone():
    """Common random numbers: each radar draws from its own named stream."""
    single, frame, log = network([radar("a", resolution_cells=1e5)], seed=4)
    double, _, log2 = network([radar("a", resolution_cells=1e5),
                               radar("b", lat_deg=42.2, resolution_cells=1e5)], seed=4)
    position, height = targets_at(frame, 60_000.0, 2_000.0, 20)
    one = scans(single, log, position, height, np.full(20, 1.0), np.arange(1.0, 6.0))
    both = [b for b in scans(double, log2, position, height, np.full(20, 1.0),
                             np.arange(1.0, 6.0)) if b.radar_index == 0]
    assert len(one) == len(both)
    for first, second in zip(one, both, strict=True):
        np.testing.assert_array_equal(first.range_m, second.range_m)
        np.testing.assert_array_equal(first.threat_id, second.threat_id)
