"""A step's looks drawn and detected in one compiled pass (RadarNetwork._draw_step,
the default without a DEM) give the events and plots of the NumPy reference that draws
look by look in waves (``compiled_draws = False``), bit for bit: the same numbers drawn
from each radar's stream in the same order."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from test_radar_look_waves import fast_revisit

import iadsim
from iadsim.engine.simulation import Simulation
from iadsim.events import EventLog
from iadsim.scenario import scenario_from_dict
from iadsim.threats.raid import FLYING


def _run(scenario, seed: int, compiled: bool, steps: int):
    simulation = Simulation(scenario, seed=seed)
    radars = simulation.radars
    radars.compiled_draws = compiled
    batches = []
    scan = radars.scan

    def recorded_scan(*arguments, **keywords):
        scanned = scan(*arguments, **keywords)
        batches.append([(b.radar_index, b.time_s, b.range_m, b.azimuth_rad, b.elevation_rad,
                         b.snr_db, b.threat_id, b.position_m, b.position_cov_m2,
                         b.range_rate_mps, b.range_rate_sigma_mps) for b in scanned])
        return scanned

    radars.scan = recorded_scan
    for _ in range(steps):
        simulation.step()
    return simulation.log.to_frame(), batches


def _same(left, right) -> bool:
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, np.ndarray):
        return left.dtype == right.dtype and left.tobytes() == right.tobytes()
    return left == right


@pytest.mark.parametrize(("scenario", "seed", "steps"), [
    ("layered-defense", 2, 420), ("saturation", 1, 150), ("fast-revisit", 3, 200)])
def test_compiled_step_matches_numpy_reference(scenario: str, seed: int, steps: int) -> None:
    model = (scenario_from_dict(fast_revisit("scheduled")) if scenario == "fast-revisit"
             else iadsim.load_scenario(scenario))
    compiled_events, compiled_batches = _run(model, seed, True, steps)
    reference_events, reference_batches = _run(model, seed, False, steps)
    radar_kinds = compiled_events["kind"].isin(["detection", "false_alarm"])
    assert radar_kinds.sum() > 100  # the test sees detections and false alarms
    assert (compiled_events["kind"] == "false_alarm").sum() > 10
    assert compiled_events.equals(reference_events)
    for column in compiled_events.columns:
        left, right = compiled_events[column], reference_events[column]
        if left.dtype.kind == "f":
            assert left.to_numpy().tobytes() == right.to_numpy().tobytes(), column
    assert len(compiled_batches) == len(reference_batches)
    for step_compiled, step_reference in zip(compiled_batches, reference_batches,
                                             strict=True):
        assert len(step_compiled) == len(step_reference)
        for one, other in zip(step_compiled, step_reference, strict=True):
            assert all(_same(a, b) for a, b in zip(one, other, strict=True))


def test_a_copied_network_draws_from_its_own_streams() -> None:
    """The kernel reaches each stream by address: a deep copy (or an unpickled network)
    takes new addresses, so scanning with the copy leaves the original's streams alone
    and draws what the original would."""
    simulation = Simulation(iadsim.load_scenario("layered-defense"), seed=4)
    for _ in range(30):
        simulation.step()
    original = simulation.radars
    state = [rng.bit_generator.state for rng in original._rngs]
    duplicate = copy.deepcopy(original)
    flying = (simulation.status == FLYING).nonzero()[0]
    log = EventLog([site.name for site in simulation.sites], [], [])
    scans = [network.scan(31.0, simulation.threat_position_m, simulation.threat_height_m,
                          simulation.raid.rcs_m2, flying, log)
             for network in (duplicate, copy.deepcopy(duplicate))]
    assert [rng.bit_generator.state for rng in original._rngs] == state
    assert sum(batch.size for batch in scans[0]) > 0
    assert [batch.range_m.tobytes() for batch in scans[0]] == [
        batch.range_m.tobytes() for batch in scans[1]]
