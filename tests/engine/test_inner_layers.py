"""The inner layers end to end: the built-in saturation raid with its laser and jammer."""

from __future__ import annotations

import numpy as np
import pytest

import iadsim
from iadsim.c2 import kill_assessment
from iadsim.effectors.electronic_attack import fly_off
from iadsim.scenario.loader import load_scenario
from iadsim.threats.raid import build_raid
from iadsim.world.geodesy import LocalFrame


@pytest.fixture(scope="module")
def saturation() -> iadsim.RunResult:
    return iadsim.run("saturation", seed=1)


def test_saturation_laser_kills_and_jammer_defeats(saturation):
    # Seed 1, re-pinned when the battle manager began to check each round's launch
    # solution and to free a target at once when its engagement fired nothing (laser
    # 50 / 40 and jammer 115 / 46 before), and again when radars began to look at their
    # own scheduled times by default (laser 48 / 34, jammer 116 / 35, 193 leakers before;
    # 177), and again when kinematic plausibility became the default (laser 49 / 39,
    # jammer 114 / 45, 21 turned away, 177 leakers before; 172 now: no ghost confirmed,
    # the lanes' picture differs from the first engagements on), and again when the
    # coasting likelihood became the association cost (laser 47 / 35, jammer 115 / 51,
    # 27 turned away, 172 leakers before; 177 now): a killed drone's coasting track no
    # longer takes its neighbour's reports in the 300 m lanes (false kill judgements 68
    # -> 57, ID switches 1,916 -> 1,731), so the engagements differ from the first kills
    # on (seeds 1-3: kills 234 -> 242, leakers 517 -> 510, benchmarks/deletion_outcomes.py).
    # Deletion by the probability of the misses, the default since, leaves this seed as
    # it is under the coasting likelihood (alone, it moved it: docs/models.md, Deletion).
    # Re-pinned when the coasting speed gate became the default (laser 48 / 39, jammer
    # 112 / 47, 23 turned away, 177 leakers before; 179 now): a coasting drone track no
    # longer takes a report that would change its speed past the gate, so the picture
    # differs from a few coasts on (seeds 1-3: kills 242 -> 238, leakers 510 -> 514,
    # rounds 719 -> 702, false kill judgements 156 -> 153, missed kills 47 -> 32;
    # benchmarks/deletion_outcomes.py, docs/models.md, "Coasting speed gate").
    # Re-pinned when doctrine.beam_dwell_before_arrival became the default (laser 47 / 37,
    # jammer 113 / 46, 24 fell, 22 turned away, 179 leakers before; 155 now): the laser
    # and the jammer are no longer given drones that arrive before their dwell could
    # kill or defeat them, and take those they have time for.
    # Re-pinned when doctrine.jammer_dwell_release became the default (laser 46 / 39,
    # jammer 112 / 65, 28 fell, 37 turned away, 155 leakers before; 140 now): a jamming
    # dwell whose track the picture drops or shows past its asset ends at the next cycle
    # (about 5 s of jammer channel time a seed), and the engagements differ from the
    # first release on (seeds 1-6: leakers 892 -> 878, seed by seed -15, -1, 0, 0, +5, -3:
    # mostly the divergence; benchmarks/picture_defaults.py, jammer_dwell_hold.py).
    summary, events = saturation.summary, saturation.events
    batteries = summary["interceptors"]["by_battery"]
    assert (batteries["laser"]["fired"], batteries["laser"]["kills"]) == (54, 49)
    assert (batteries["jammer"]["fired"], batteries["jammer"]["defeats"]) == (113, 69)
    assert batteries["jammer"]["kills"] == 0
    assert summary["threats"]["leaked"] == 140
    defeats = events[events["kind"] == "defeat"]
    assert (defeats["value"] == 0).sum() == summary["threats"]["defeated"] == 30
    assert (defeats["value"] == 1).sum() == summary["threats"]["turned_away"] == 39
    # A laser kill is a dwell that ended on its locked target.
    dwells = events[(events["kind"] == "dwell_end") & (events["battery"] == "laser")]
    assert len(dwells) == batteries["laser"]["fired"]
    kills = events[(events["kind"] == "kill") & (events["battery"] == "laser")]
    assert set(kills["interceptor_id"]) <= set(dwells["interceptor_id"])
    assert (dwells["value"] <= 10.0 + 1e-9).all()


def test_every_jammer_dwell_is_scored_against_a_threat_alive_when_it_began(saturation):
    """A dwell's ``intercept`` event names the live threat nearest its first cue: never a
    leaker (whose truth stays where it struck, at the asset), a fallen or a killed drone.
    Before, 14 dwells of this seed from 1,194 to 1,638 s named threat 28, which had leaked
    at 1,176.7 s, 450-620 m from their cues."""
    events = saturation.events
    kind = events["kind"].astype(str)
    fell = (kind == "defeat") & (events["value"] == 0)
    ended = events[kind.isin(["leak", "route_complete", "kill"]) | fell
                   | ((kind == "ground_impact") & (events["interceptor_id"] < 0))]
    ended_at = ended.groupby("threat_id", observed=True)["time_s"].min()
    jammer = events["battery"] == "jammer"
    dwells = events[(kind == "dwell_end") & jammer].set_index("interceptor_id")
    scored = events[(kind == "intercept") & jammer]
    assert len(scored) == saturation.summary["interceptors"]["by_battery"]["jammer"]["fired"]
    assert (scored["threat_id"] >= 0).all()
    began = (scored["time_s"] - dwells.loc[scored["interceptor_id"], "value"].to_numpy())
    # Chosen at the dwell's first step among the threats still flying then: each ended
    # after the dwell began (within that first step at the earliest).
    end = ended_at.reindex(scored["threat_id"].to_numpy()).fillna(np.inf).to_numpy()
    assert (end > began.to_numpy()).all()


def test_saturation_summary_has_the_two_new_layer_rows(saturation):
    layers = saturation.summary["layers"]
    assert list(layers) == ["medium_range", "short_range", "gun", "directed_energy",
                            "electronic_attack"]
    # Re-pinned with beam_dwell_before_arrival the default (47 / 37, 0.787, 470 USD and
    # 113 / 46, 0.407 before), and with jammer_dwell_release (46 / 39, 0.848, 460 USD and
    # 112 / 65, 0.58, 112 USD before).
    assert layers["directed_energy"] == {"batteries": 1, "fired": 54, "kills": 49,
                                         "pk_per_shot": 0.907, "cost_usd": 540.0}
    assert layers["electronic_attack"] == {"batteries": 1, "fired": 113, "kills": 69,
                                           "pk_per_shot": 0.611, "cost_usd": 113.0}


def test_defeated_drones_fall_or_turn_away_in_the_truth(saturation):
    events, threats = saturation.events, saturation.summary["threats"]
    defeats = events[events["kind"] == "defeat"]
    fell = set(defeats.loc[defeats["value"] == 0, "threat_id"])
    turned = set(defeats.loc[defeats["value"] == 1, "threat_id"])
    leaked = set(events.loc[events["kind"] == "leak", "threat_id"])
    # A fallen drone never leaks nor is killed later; a drone that flew off never leaks.
    assert not fell & leaked and not turned & leaked
    assert not fell & set(events.loc[events["kind"] == "kill", "threat_id"])
    fates = (threats["killed"] + threats["defeated"] + threats["leaked"] + threats["withdrew"]
             + threats["completed_route"] + threats["in_flight_at_end"]
             + threats["not_launched"])
    assert fates == threats["total"]


def test_fly_off_turns_the_true_path_away():
    scenario = load_scenario("saturation")
    frame = LocalFrame(scenario.origin.lat_deg, scenario.origin.lon_deg, 0.0)
    raid = build_raid(scenario, frame)
    threat, time_s = 0, raid.launch_time_s[0] + 300.0
    here = frame.to_enu(*raid.geodetic_at(time_s, np.array([threat]))).reshape(3)
    fly_off(raid, frame, threat, time_s, here, 0.0, 20_000.0)  # due east
    altitude = raid.geodetic_at(time_s, np.array([threat]))[2]
    later_geodetic = raid.geodetic_at(time_s + 100.0, np.array([threat]))
    later = frame.to_enu(*later_geodetic).reshape(3)
    assert later[0] - here[0] == pytest.approx(5_000.0, rel=0.02)  # 50 m/s for 100 s
    # Level flight (the ENU up falls with the earth's curvature, 38 km from the origin).
    assert abs(later[1] - here[1]) < 50.0 and later_geodetic[2] == pytest.approx(altitude)
    assert raid.flight_time_s[threat] == pytest.approx(300.0 + 400.0, rel=0.02)


def test_jamming_evidence_reads_a_turn_away_not_a_route_corner():
    asset = np.array([0.0, 0.0, 0.0])
    updated = np.array([100.0])
    closing = kill_assessment.read_jamming_evidence(
        True, updated, 90.0, np.array([3_000.0, 0.0, 100.0]), np.array([-40.0, 30.0, 0.0]),
        asset, 1)
    assert closing.reason == kill_assessment.UPDATED  # turned a corner, still closing
    away = kill_assessment.read_jamming_evidence(
        True, updated, 90.0, np.array([3_000.0, 0.0, 100.0]), np.array([40.0, 30.0, 0.0]),
        asset, 1)
    assert away.reason == kill_assessment.TURNED_AWAY and away.looks_killed
    stale = kill_assessment.read_jamming_evidence(
        True, np.array([80.0]), 90.0, np.zeros(3), np.zeros(3), asset, 1)
    assert stale.reason == kill_assessment.NOT_UPDATED
