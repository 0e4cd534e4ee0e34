"""Lethality by target type: an interceptor's single-shot Pk against each threat kind.

The round's kill draw uses its type's Pk against the kind of the threat it closed on
(``single_shot_pk_by_threat_kind``); unset kinds keep ``single_shot_pk``, so scenarios that
set nothing run exactly as before.
"""

from __future__ import annotations

import copy

import numpy as np

import iadsim
from iadsim.effectors.batteries import interceptor_table
from iadsim.effectors.flyout import InterceptorFleet
from iadsim.scenario import scenario_from_dict
from iadsim.scenario.schema import THREAT_KINDS
from small_site_builder import SMALL_SITE


def site_with(pk_by_kind: dict) -> iadsim.Scenario:
    document = copy.deepcopy(SMALL_SITE)
    document["interceptors"][0]["single_shot_pk_by_threat_kind"] = pk_by_kind
    return scenario_from_dict(document)


def test_the_table_holds_each_kinds_pk_and_the_types_pk_elsewhere():
    table = interceptor_table(site_with({"cruise_missile": 0.2, "drone": 0.95}))
    sam = table.single_shot_pk_by_kind[0]
    assert sam[THREAT_KINDS.index("cruise_missile")] == 0.2
    assert sam[THREAT_KINDS.index("drone")] == 0.95
    assert sam[THREAT_KINDS.index("aircraft")] == 0.9  # the type's single_shot_pk
    np.testing.assert_array_equal(table.single_shot_pk_by_kind[1], 0.5)  # the gun: unset


def test_the_fleet_reads_the_pk_of_the_kind_it_closed_on():
    table = interceptor_table(site_with({"cruise_missile": 0.2}))
    fleet = InterceptorFleet(table, np.random.default_rng(0))
    types, threats = np.array([0, 0, 0]), np.array([0, 1, -1])
    # No kinds known: the type's Pk for every round.
    np.testing.assert_array_equal(fleet.single_shot_pk(types, threats), [0.9, 0.9, 0.9])
    fleet.threat_kind_index = np.array([THREAT_KINDS.index("cruise_missile"),
                                        THREAT_KINDS.index("drone")])
    np.testing.assert_array_equal(fleet.single_shot_pk(types, threats), [0.2, 0.9, 0.9])


def test_a_warhead_poor_against_cruise_missiles_kills_none_that_the_default_kills():
    """The small site's SAM kills both cruise missiles (Pk 0.9, misses of a few metres);
    with a Pk of 0.001 against cruise missiles the same rounds pass as close and kill
    nothing, so the battle manager fires again (and the gun, its Pk unchanged, ends
    them)."""
    default = iadsim.run(site_with({}), seed=3).events
    poor = iadsim.run(site_with({"cruise_missile": 0.001}), seed=3).events
    assert sorted(default.loc[default["kind"] == "kill", "threat_id"]) == [0, 1]
    assert set(poor.loc[poor["kind"] == "kill", "battery"].astype(str)) <= {"gun-home"}
    sam_kills = poor[(poor["kind"] == "kill") & (poor["battery"] == "sam-home")]
    assert len(sam_kills) == 0
    close = poor[(poor["kind"] == "miss") & (poor["value"] < 15.0)]  # within lethal radius
    assert len(close) >= 2
    assert (poor["kind"] == "interceptor_launch").sum() > (
        default["kind"] == "interceptor_launch").sum()


def test_the_battle_manager_predicts_the_salvo_pk_of_the_tracks_class():
    """The weapon-target assignment weighs a battery by its Pk against the track's class
    as the picture shows it: a drone-looking track (60 m/s at 300 m) gets the SAM's drone
    Pk, a cruise-missile-looking one (250 m/s at 300 m) its cruise-missile Pk."""
    from iadsim.c2.battle_manager import BattleManager, DefendedAssets
    from iadsim.effectors.batteries import Batteries
    from iadsim.effectors.lethality import predicted_single_shot_pk
    from iadsim.events import EventLog
    from iadsim.tracking.tracker import TrackPicture
    from iadsim.world.geodesy import LocalFrame

    scenario = site_with({"drone": 0.3, "cruise_missile": 0.6})
    frame = LocalFrame(40.0, 33.0, 0.0)
    types = interceptor_table(scenario)
    batteries = Batteries(scenario, frame, types)
    manager = BattleManager(scenario.doctrine, batteries, types,
                            DefendedAssets(np.zeros((1, 3)), np.array([1_000.0]),
                                           np.array([5.0])),
                            InterceptorFleet(types, np.random.default_rng(0)), frame, 0.0,
                            EventLog(["home-radar", "east-radar"], ["sam-home", "gun-home"],
                                     ["depot"]))
    picture = TrackPicture(
        0.0, np.array([1, 2]), np.array([[10_000.0, 0.0, 300.0], [12_000.0, 0.0, 300.0]]),
        np.array([[-60.0, 0.0, 0.0], [-250.0, 0.0, 0.0]]), np.tile(np.eye(3), (2, 1, 1)),
        np.zeros((2, 2)), np.ones(2), np.full(2, -1, dtype=np.int8), np.zeros(2))
    salvo = manager._salvo_pk_against(manager._track_classes(picture), (2, 2))
    sam = types.single_shot_pk_by_kind[0]
    expected = predicted_single_shot_pk(15.0, 2.0, np.array(
        [sam[THREAT_KINDS.index("drone")], sam[THREAT_KINDS.index("cruise_missile")]]))
    np.testing.assert_allclose(salvo[0], expected)  # salvo of one
    assert expected[0] < expected[1]
