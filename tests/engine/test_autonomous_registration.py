"""Registration of a battery cut off from the network (``registration.autonomous_batteries``).

The small site (tests/small_site_builder.py) with four cruise missiles, two lanes 500 m
apart launched 10 s apart (close together: at 20-40 km a 3 degree error is 1-2 km, wider
than their spacing), and home-radar turned 3 degrees clockwise (east-radar unbiased).
sam-home's link is cut from the start: it fights alone on home-radar through its own
tracker and battle manager (:mod:`iadsim.c2.autonomous`); gun-home stays with the
network. A lone radar's bias is invisible to pair registration, so the battery's tracker
can only register home-radar with references:

* a surveyed tower 10 km east (``none`` against ``broadcast``);
* a cooperative airliner 13 km west reporting its navigation position, and no tower
  (``surveyed_points``: its reports come over the lost network, against ``broadcast``: an
  ADS-B-like receiver at the battery hears them).

The battery's confirmed tracks are scored against the truth step by step (analysis only);
the engagements are read from the event log. A further run scrambles the truth ids of
every plot the battery receives: the same events, bit for bit (its tracker and manager
never read them).
"""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pytest

from iadsim.c2.autonomous import AUTONOMOUS_TRACK_ID_BASE, AutonomousBattery
from iadsim.engine.simulation import Simulation
from iadsim.events import EventKind
from iadsim.scenario import scenario_from_dict
from iadsim.threats.raid import FLYING
from small_site_builder import KM_PER_DEGREE_LON_AT_40N, SMALL_SITE

TOWER = {"name": "tower", "lat_deg": 40.0, "lon_deg": 33.0 + 10.0 / KM_PER_DEGREE_LON_AT_40N,
         "height_m": 100.0}
AIRLINER = {"name": "liner", "speed_mps": 220.0, "report_sigma_m": 15.0, "rcs_m2": 20.0,
            "route": [{"lat_deg": 40.3, "lon_deg": 32.85, "altitude_m": 9_000.0},
                      {"lat_deg": 39.7, "lon_deg": 32.85, "altitude_m": 9_000.0}]}
BIAS_DEG = 3.0
#: The mode in which the battery cannot register home-radar, by reference.
UNREGISTERED = {"tower": "none", "airliner": "surveyed_points"}


def document(mode: str, reference: str) -> dict:
    """The site as the module docstring says; ``reference``: 'tower' or 'airliner'."""
    site = copy.deepcopy(SMALL_SITE)
    site["sensors"][0]["azimuth_bias_deg"] = BIAS_DEG
    site["threats"][0]["count"] = 4
    site["tracking"] = {"bias_estimation": True}
    site["faults"] = [{"kind": "link_cut", "target": "sam-home", "start_s": 0.0}]
    site["registration"] = {"autonomous_batteries": mode,
                            **({"reference_points": [TOWER]} if reference == "tower"
                               else {"cooperative_aircraft": [AIRLINER]})}
    return site


@dataclasses.dataclass
class Outcome:
    simulation: Simulation
    battery: AutonomousBattery
    #: Each confirmed track of the battery's picture: distance to the nearest threat in
    #: flight (m), at every step from 60 s (tracks settled, the estimate converged) to
    #: 130 s (before the first intercept, so that no track coasts on a dead missile).
    track_error_m: np.ndarray


def run(site: dict) -> Outcome:
    simulation = Simulation(scenario_from_dict(site))
    errors: list[np.ndarray] = []
    steps = int(np.ceil(simulation.scenario.sim.duration_s / simulation.dt_s - 1e-9))
    battery = None
    while simulation.steps < steps and not (simulation.steps > 0 and simulation.finished):
        simulation.step()
        battery = simulation.autonomous.get(0, battery)
        picture = battery.picture
        flying = (simulation.status == FLYING).nonzero()[0]
        if 60.0 <= simulation.time_s <= 130.0 and picture.size and flying.size:
            offsets = (simulation.threat_position_m[flying][None]
                       - picture.position_m[:, None])
            errors.append(np.linalg.norm(offsets, axis=2).min(axis=1))
    return Outcome(simulation, battery, np.concatenate(errors))


@pytest.fixture(scope="module")
def runs() -> dict[str, Outcome]:
    return {f"{reference}-{mode}": run(document(mode, reference))
            for reference, modes in (("tower", ("none", "broadcast")),
                                     ("airliner", ("surveyed_points", "broadcast")))
            for mode in modes}


@pytest.fixture(scope="module")
def unbiased_error_m() -> float:
    """The battery's median track error with home-radar unbiased and no references: the
    noise floor of one radar (0.2 degree plots at 27-45 km)."""
    site = document("none", "tower")
    site["sensors"][0]["azimuth_bias_deg"] = 0.0
    return float(np.median(run(site).track_error_m))


def events_of(outcome: Outcome):
    events = outcome.simulation.log.to_frame()
    return events, events.kind.astype(str)


def test_the_battery_registers_its_lone_radar_only_with_references(runs):
    """With the tower (or the airliner's broadcast reports) the battery's estimate of
    home-radar's azimuth bias is within 0.1 degree of 3 (about 100 references used: one a
    2 s scan while the tower is seen); without, it stays 0: a lone radar gives no pairs.
    With the airliner but no reports (surveyed_points) nothing is used either. The
    central tracker registers home-radar too in every run (its own references)."""
    for name, outcome in runs.items():
        estimator = outcome.battery.tracker.bias_estimator
        azimuth_deg = np.rad2deg(estimator.bias[0, 1])
        if name.endswith("broadcast"):
            assert azimuth_deg == pytest.approx(BIAS_DEG, abs=0.1), name
            assert estimator.references_used > 60, name
            assert outcome.battery.tracker.registration.plots_used.sum() == (
                estimator.references_used)
        else:
            assert azimuth_deg == 0.0, name
            assert estimator.references_used == estimator.pairs_used == 0, name
        central = np.rad2deg(outcome.simulation.tracker.bias_estimator.bias[0, 1])
        assert central == pytest.approx(BIAS_DEG, abs=0.1), name


def test_the_battery_track_error_against_the_truth(runs, unbiased_error_m):
    """Median distance from each of the battery's confirmed tracks to the nearest missile,
    60-130 s (ranges 45-27 km): without registration about 3 degrees of the range (over
    1 km, five times the noise floor); registered within 10 % of the floor, the same radar
    unbiased (about 200 m: one radar's 0.2 degree plots)."""
    median = {name: float(np.median(outcome.track_error_m))
              for name, outcome in runs.items()}
    assert 100.0 < unbiased_error_m < 300.0
    for reference in ("tower", "airliner"):
        unregistered = median[f"{reference}-{UNREGISTERED[reference]}"]
        registered = median[f"{reference}-broadcast"]
        assert unregistered > max(1_000.0, 5.0 * unbiased_error_m), median
        assert registered == pytest.approx(unbiased_error_m, rel=0.1), median


def test_the_engagements_with_and_without_references(runs):
    """Registered, sam-home fires one round at each missile (four rounds on four tracks of
    its own), every one locks and kills, nothing leaks. Unregistered, its rounds are
    guided 1-2 km off: none of them locks a missile, sam-home kills nothing, gun-home
    (networked, registered) is left with all four and four leak."""
    for name, outcome in runs.items():
        events, kind = events_of(outcome)
        launches = events[kind == EventKind.INTERCEPTOR_LAUNCH.value]
        sam = launches[launches.battery == "sam-home"]
        assert (sam.track_id >= AUTONOMOUS_TRACK_ID_BASE).all(), name
        locks = events[kind == EventKind.SEEKER_LOCK.value]
        kills = events[kind == EventKind.KILL.value]
        if name.endswith("broadcast"):
            assert sam.track_id.nunique() == len(sam) == 4, name
            assert locks.battery.tolist() == ["sam-home"] * 4, name
            assert sorted(kills.threat_id.tolist()) == [0, 1, 2, 3], name
            assert kills.battery.tolist() == ["sam-home"] * 4, name
            assert (kind == EventKind.LEAK.value).sum() == 0, name
        else:
            assert len(sam) >= 6, name
            assert (locks.battery == "sam-home").sum() == 0, name
            assert (kills.battery == "sam-home").sum() == 0, name
            assert (kind == EventKind.LEAK.value).sum() == 4, name


def test_without_reports_the_airliner_is_an_unknown_target_to_the_battery(runs):
    """surveyed_points: the airliner's plots reach the battery's tracker with no report to
    tell them from a threat's, so it holds a track on it (and, with no identification in
    this simulator, fires at it); broadcast: its plots are taken as references and no
    track of the battery is ever near it."""
    no_reports, reports = runs["airliner-surveyed_points"], runs["airliner-broadcast"]
    events, kind = events_of(no_reports)
    early = events[(kind == EventKind.INTERCEPTOR_LAUNCH.value) & (events.time_s < 90.0)]
    assert len(early) >= 1 and (early.battery == "sam-home").all()  # no missile is near yet
    events, kind = events_of(reports)
    assert (events[kind == EventKind.INTERCEPTOR_LAUNCH.value].time_s > 90.0).all()


def test_the_battery_never_reads_the_truth_ids(runs, monkeypatch):
    """The airliner run with broadcast reports, every plot the battery receives carrying a
    wrong truth id: the same events and bias estimate, bit for bit."""
    step = AutonomousBattery.step

    def scrambled(self, time_s, batches, reports=None):
        batches = [dataclasses.replace(batch, threat_id=np.full(batch.size, 7))
                   for batch in batches]
        return step(self, time_s, batches, reports)

    monkeypatch.setattr(AutonomousBattery, "step", scrambled)
    again = run(document("broadcast", "airliner"))
    reference = runs["airliner-broadcast"]
    assert again.simulation.log.to_frame().equals(reference.simulation.log.to_frame())
    np.testing.assert_array_equal(again.battery.tracker.bias_estimator.bias,
                                  reference.battery.tracker.bias_estimator.bias)


def test_references_never_become_the_battery_tracks(runs):
    """The battery confirms one track a missile (four) in every run but one: with the
    airliner and no reports it confirms a fifth, on the airliner. The tower never makes
    a track, neither when its plots are withheld (none) nor when they are used."""
    for name, outcome in runs.items():
        events, kind = events_of(outcome)
        confirmed = events[(kind == EventKind.TRACK_CONFIRM.value)
                           & (events.track_id >= AUTONOMOUS_TRACK_ID_BASE)]
        assert len(confirmed) == (5 if name == "airliner-surveyed_points" else 4), name
