"""Issue 22, numerical edge cases: geometry and speeds where a formula divides by a
vanishing range, speed or vertical velocity. Each case runs end to end (no exception),
and no NaN or infinity reaches the outputs: the event log (NaN only where a kind has no
such number, as documented in iadsim/events.py), the threat, track, truth and
interceptor tables, the summary (checked before ``summary.json`` turns a non-finite
number into null) and the files of the run folder. Each case also asserts what
happened, so that a case which silently stops exercising its geometry fails.

(Four more cases, an empty raid, every radar down, two coincident threats crawling to a
point over a radar and magazines of one round, are in test_faults_and_api.py.)
"""

from __future__ import annotations

import copy
import json
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

import iadsim
from iadsim.analysis.inventory_campaign import play_campaign
from iadsim.scenario import scenario_from_dict
from small_site_builder import KM_PER_DEGREE_LON_AT_40N, SMALL_SITE

#: Kinds whose ``value`` is NaN by definition (iadsim/events.py); ``route_complete`` of a
#: threat with no target asset too.
VALUE_MAY_BE_NAN = {"false_alarm", "track_start", "track_confirm", "outage_start",
                    "outage_end", "route_complete"}
#: Kinds that always carry a position (every one of them in layered-defense does).
POSITIONED = {"threat_launch", "detection", "false_alarm", "track_start", "track_confirm",
              "track_drop", "assignment", "interceptor_launch", "intercept", "kill", "miss",
              "self_destruct", "leak"}
POSITION = ["east_m", "north_m", "up_m"]


def east_of_depot(km: float) -> float:
    """Longitude (deg) ``km`` east of the small site's depot (40 N, 33 E)."""
    return 33.0 + km / KM_PER_DEGREE_LON_AT_40N


def non_finite_numbers(value: Any, path: str = "summary") -> list[str]:
    """Paths of every float in a JSON-like value that is NaN or infinite."""
    if isinstance(value, float):
        return [] if math.isfinite(value) else [f"{path}={value}"]
    if isinstance(value, dict):
        return [bad for key, item in value.items()
                for bad in non_finite_numbers(item, f"{path}.{key}")]
    if isinstance(value, list | tuple):
        return [bad for index, item in enumerate(value)
                for bad in non_finite_numbers(item, f"{path}[{index}]")]
    return []


def check_events(events: pd.DataFrame) -> None:
    """No infinity; NaN only where the kind has no such number."""
    assert np.isfinite(events["time_s"]).all()
    numbers = events[["value", *POSITION]].to_numpy(dtype=float)
    assert not np.isinf(numbers).any()
    value_missing = events["value"].isna() & ~events["kind"].isin(VALUE_MAY_BE_NAN)
    assert not value_missing.any(), events[value_missing].head()
    missing = events[POSITION].isna()
    partial = missing.any(axis=1) & ~missing.all(axis=1)
    assert not partial.any(), events[partial].head()  # a position is whole or absent
    unplaced = missing.any(axis=1) & events["kind"].isin(POSITIONED)
    assert not unplaced.any(), events[unplaced].head()


def check_tables(run: iadsim.RunResult) -> None:
    for name in ("threats", "tracks", "truth", "interceptors"):
        table = getattr(run, name).select_dtypes("number")
        bad = ~np.isfinite(table.to_numpy(dtype=float))
        assert not bad.any(), (name, table.columns[bad.any(axis=0)].tolist())


def check_run(run: iadsim.RunResult, folder) -> None:
    """The run's outputs, in memory and as written, hold no NaN or infinity."""
    assert non_finite_numbers(run.summary) == []
    check_events(run.events)
    check_tables(run)
    run.write(folder)
    # (A null in summary.json is a deliberate None, e.g. no P(kill) when nothing fired.)
    written = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert non_finite_numbers(written) == []
    check_events(pd.read_parquet(folder / "events.parquet"))


def site(**changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(SMALL_SITE)
    document["sim"]["duration_s"] = 300.0
    document.update(changes)
    return document


def test_a_ballistic_missile_engaged_at_apogee(tmp_path):
    """A 200 km shot with a 30 km apogee (reached about 100 km from the launch), and a
    battery 25 km short of the apogee's ground point whose rounds reach 40 km: its first
    chance meets the missile at the apogee, where the vertical velocity goes through zero
    (the track's climb rate, the predicted intercept and the closing geometry all see a
    level target)."""
    document = site()
    document["sim"]["duration_s"] = 400.0
    document["threats"] = [{"name": "srbm", "profile": "srbm-class", "count": 1,
                            "target": "depot", "apogee_km": 30.0,
                            "launch": {"lat_deg": 40.0, "lon_deg": east_of_depot(200.0)}}]
    document["sensors"] = [dict(document["sensors"][0], name="mid-radar",
                                lon_deg=east_of_depot(130.0), max_range_km=200.0,
                                ref_range_km=150.0)]
    document["interceptors"] = [dict(document["interceptors"][0], max_altitude_m=40_000.0,
                                     min_range_km=0.0, max_range_km=40.0, speed_mps=1_500.0,
                                     max_target_speed_mps=3_000.0)]
    document["batteries"] = [dict(document["batteries"][0], lon_deg=east_of_depot(75.0),
                                  radars=["mid-radar"])]
    run = iadsim.run(document, seed=1)
    check_run(run, tmp_path / "run")
    kills = run.events[run.events["kind"] == "kill"]
    assert len(kills) == 1 and run.summary["verdict"] == "defended"
    truth = run.truth
    at = truth.iloc[(truth["time_s"] - kills["time_s"].iloc[0]).abs().argsort()[:1]]
    velocity = at[["velocity_east_mps", "velocity_north_mps", "velocity_up_mps"]].to_numpy()[0]
    assert abs(velocity[2]) < 0.02 * np.linalg.norm(velocity)  # level within 1 degree
    assert kills["up_m"].iloc[0] > 28_000.0


@pytest.mark.parametrize(("case", "min_range_km"), [("inside minimum range", 0.5),
                                                     ("point blank", 0.0)])
def test_an_interceptor_at_point_blank(tmp_path, case, min_range_km):
    """Drones flying straight over the battery at 100 m: inside its minimum range while
    overhead (no round may leave: the range and closing geometry vanish), or with no
    minimum range and a reach of 600 m, launched at a target a few hundred metres away."""
    document = site()
    document["interceptors"] = [dict(document["interceptors"][0], min_range_km=min_range_km,
                                     max_range_km=0.6 if min_range_km == 0 else 25.0)]
    document["batteries"] = [dict(document["batteries"][0], reaction_time_s=0.0)]
    document["threats"] = [dict(document["threats"][0], kind="drone", speed_mps=40.0,
                                count=2, spacing_s=5.0, lanes=1, route=[
                                    {"lat_deg": 40.0, "lon_deg": east_of_depot(6.0),
                                     "altitude_m": 100.0},
                                    {"lat_deg": 40.0, "lon_deg": east_of_depot(-6.0),
                                     "altitude_m": 100.0}])]
    document["defended_assets"] = [dict(document["defended_assets"][0],
                                        lon_deg=east_of_depot(-6.0))]
    run = iadsim.run(document, seed=4)
    check_run(run, tmp_path / "run")
    launches = run.events[run.events["kind"] == "interceptor_launch"]
    assert len(launches) >= 1
    # The battery is at the scenario origin; an assignment's position is the predicted
    # intercept point, a few hundred metres out at point blank.
    aimed = run.events[run.events["kind"] == "assignment"]
    distance_m = np.hypot(aimed["east_m"], aimed["north_m"]).to_numpy()
    if min_range_km == 0:
        assert (distance_m < 600.0).all()  # within its reach
    else:
        assert (distance_m > 450.0).all()
    intercepts = run.events[run.events["kind"] == "intercept"]
    assert len(intercepts) >= 1 and (intercepts["value"] >= 0).all()


@pytest.mark.parametrize("case", ["aircraft over the radar", "missile onto the radar"])
def test_a_target_directly_overhead_a_radar(tmp_path, case):
    """Elevation 90 deg: the azimuth of the measurement is undefined and the ground range
    is zero. An aircraft crossing exactly over the home radar at 8 km, and a ballistic
    missile falling straight onto it (the depot shares the radar's site)."""
    document = site()
    # The batteries fire on the east radar, which is down: nothing is shot down before
    # it passes over the home radar.
    document["faults"] = [{"kind": "radar_down", "target": "east-radar", "start_s": 0.0}]
    for battery in document["batteries"]:
        battery["radars"] = ["east-radar"]
    if case == "aircraft over the radar":
        document["threats"] = [dict(document["threats"][0], kind="aircraft",
                                    speed_mps=250.0, count=1, lanes=1, route=[
                                        {"lat_deg": 40.0, "lon_deg": east_of_depot(40.0),
                                         "altitude_m": 8_000.0},
                                        {"lat_deg": 40.0, "lon_deg": 33.0,
                                         "altitude_m": 8_000.0},
                                        {"lat_deg": 40.0, "lon_deg": east_of_depot(-20.0),
                                         "altitude_m": 8_000.0}])]
        document["defended_assets"] = [dict(document["defended_assets"][0],
                                            lon_deg=east_of_depot(-20.0))]
    else:
        document["threats"] = [{"name": "srbm", "profile": "srbm-class", "count": 1,
                                "target": "depot", "apogee_km": 20.0,
                                "launch": {"lat_deg": 40.0,
                                           "lon_deg": east_of_depot(80.0)}}]
        document["sensors"][0]["max_altitude_m"] = 100_000.0
    run = iadsim.run(document, seed=5)
    check_run(run, tmp_path / "run")
    truth = run.truth
    if case == "aircraft over the radar":  # it flew on across the radar's vertical
        assert truth["east_m"].min() < -5_000 < 5_000 < truth["east_m"].max()
        near = truth[truth["east_m"].abs() < 2_000.0]  # (a great circle: north drifts)
        assert len(near) >= 2 and near["north_m"].abs().max() < 50.0
    else:  # it fell onto the radar
        over = truth.loc[(truth["east_m"] ** 2 + truth["north_m"] ** 2).idxmin()]
        assert math.hypot(over["east_m"], over["north_m"]) < 300.0
    assert run.summary["threats"]["detected"] == 1
    assert run.summary["interceptors"]["fired"] == 0


@pytest.mark.parametrize("speed_mps", [1e-3, 1e-9])
def test_tiny_speeds(tmp_path, speed_mps):
    """Threats that barely move (a millimetre or a nanometre a second): still in flight
    when the run ends, so the verdict is undecided, and nothing divides by their speed."""
    document = site()
    document["threats"] = [dict(document["threats"][0], kind="drone", speed_mps=speed_mps,
                                lanes=1)]
    run = iadsim.run(document, seed=6)
    check_run(run, tmp_path / "run")
    assert run.summary["verdict"] == "undecided"
    assert run.summary["threats"]["detected"] == 2


def test_many_coincident_targets(tmp_path):
    """Forty drones launched together from one point along one route: every report falls
    in every gate, the battle manager sees tracks at one place."""
    document = site()
    document["threats"] = [dict(document["threats"][0], kind="drone", speed_mps=60.0,
                                count=40, spacing_s=0.0, lanes=1, route=[
                                    {"lat_deg": 40.0, "lon_deg": east_of_depot(15.0),
                                     "altitude_m": 300.0},
                                    {"lat_deg": 40.0, "lon_deg": 33.0,
                                     "altitude_m": 300.0}])]
    run = iadsim.run(document, seed=7)
    check_run(run, tmp_path / "run")
    assert run.summary["threats"]["total"] == 40
    assert run.summary["interceptors"]["fired"] >= 1


def test_a_campaign_night_that_starts_with_empty_magazines():
    """Day 3 of a campaign whose battery ran dry on day 2: no round to fire, and the day's
    row is finite."""
    document = copy.deepcopy(SMALL_SITE)
    document["batteries"] = [dict(document["batteries"][0], launchers=1,
                                  missiles_per_launcher=3)]
    document["interceptors"] = [dict(document["interceptors"][0], single_shot_pk=1.0,
                                     lethal_radius_m=50.0)]
    document["campaign"] = {"days": 3}
    days = play_campaign(scenario_from_dict(document))
    assert days["start_sam_missile"].tolist()[2] == 0
    assert days["fired_sam_missile"].tolist()[2] == 0
    numbers = days.select_dtypes("number").to_numpy(dtype=float)
    assert np.isfinite(numbers).all()


# --- The formulas under the cases above, at their singular points ------------------------

def test_intercept_time_at_point_blank_and_against_a_level_target():
    """Target at the launcher (range 0): intercept at launch, not NaN or a division by
    zero; a level target (apogee) overhead: finite; as fast as the interceptor and flying
    across (the linear root divides by zero): no intercept (NaN), not infinity."""
    from iadsim.effectors.intercept_geometry import intercept_time

    assert intercept_time(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1_000.0, 0.0) == 0.0
    assert intercept_time(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1_000.0, 2.0) == 2.0
    at_apogee = intercept_time(20_000.0, 0.0, 30_000.0, -1_400.0, 0.0, 0.0, 1_500.0, 1.0)
    assert math.isfinite(at_apogee) and at_apogee > 1.0
    assert math.isnan(intercept_time(1_000.0, 0.0, 0.0, 0.0, 800.0, 0.0, 800.0, 0.0))
    assert math.isnan(intercept_time(0.0, 0.0, 0.0, 0.0, 800.0, 0.0, 800.0, 0.0))


def test_closest_approach_of_bodies_that_do_not_move_apart():
    """No relative velocity (a hovering target, coincident rounds): the miss is the
    current distance, at time 0, not 0/0."""
    from iadsim.effectors.intercept_geometry import closest_approach_of

    assert closest_approach_of(3.0, 4.0, 0.0, 0.0, 0.0, 0.0, 10.0) == (0.0, 5.0)
    assert closest_approach_of(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 10.0) == (0.0, 0.0)


@pytest.mark.parametrize(("range_m", "elevation_deg"), [(8_000.0, 90.0), (0.0, 0.0),
                                                        (0.0, 90.0), (1e-9, 45.0)])
def test_a_measurement_straight_overhead_or_at_zero_range_converts_to_finite_numbers(
        range_m, elevation_deg):
    """Overhead the azimuth is undefined and at zero range the angles are: the converted
    position and covariance stay finite, symmetric and positive semi-definite (the
    tracker adds its own uncertainty, so a flat covariance does not reach a division)."""
    from iadsim.sensors.measurements import converted_measurement

    position, covariance = converted_measurement(
        np.array([range_m]), np.array([0.3]), np.array([np.deg2rad(elevation_deg)]),
        np.zeros(3), np.eye(3), 50.0, 0.002, 0.003)
    assert np.isfinite(position).all() and np.isfinite(covariance).all()
    np.testing.assert_allclose(covariance[0], covariance[0].T)
    assert np.linalg.eigvalsh(covariance[0]).min() > -1e-9
    if elevation_deg == 90.0:
        np.testing.assert_allclose(position[0], [0.0, 0.0, range_m], atol=1e-9)
