"""The run summary: who leaked, what was shot, what it cost, when each threat was seen.

Computed from the event log and the per-threat table only (the log is the single source),
so any stored run can be summarized again. Meanings:

- a threat a jammer defeated that fell has fate ``defeated``; one that flew off ends as
  ``withdrew`` (its route ends short of its asset);
- a leaker (fate ``leaked``) reached its asset's radius, or released a stand-off weapon
  within its ``weapon_range_km`` (assumed to reach the asset); an aimed threat that ended
  its path short of that withdrew (fate ``withdrew``), and is no leaker;
- each asset's ``damage`` sums its leakers' damage fractions, capped at 1
  (:mod:`iadsim.analysis.damage`);
- the cost exchange is over munitions only (missiles, drones): interceptor dollars spent
  per dollar of munitions destroyed (killed, or defeated by jamming and fallen); aircraft
  shot down are reported apart;
- ``layers``: rounds (laser and jammer dwells), kills (for a jammer, its defeats: fallen
  or turned away), Pk per shot and cost per layer (:mod:`iadsim.analysis.layers`);
- ``kill_assessment``: the battle manager's judgements scored against the truth
  (:mod:`iadsim.analysis.kill_assessment_score`);
- the verdict: ``defended`` only when no threat leaked and every threat was resolved
  (killed, arrived or withdrew); ``undecided`` when none leaked but some were still in
  flight or not launched when the run ended; ``not_defended`` when any leaked; ``trial``
  when the scenario defends no asset.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from iadsim.analysis.damage import asset_damage
from iadsim.analysis.kill_assessment_score import score_kill_assessments
from iadsim.analysis.layers import LAYERS, layer_of
from iadsim.scenario.schema import Scenario
from iadsim.sensors.burn_through import burn_through_table

NOTIONAL_NOTE = ("All system profiles are notional, built from open public figures; "
                 "results are for analysis, training and planning only.")


def threat_fates(events: pd.DataFrame, threats: pd.DataFrame) -> pd.Series:
    """Fate of each threat (indexed by threat id): killed, defeated (jammed, fell), leaked,
    withdrew (an aimed threat that ended its path short of its asset, a jammed drone that
    flew off included), completed_route (no target), crashed (flew into the ground),
    in_flight (still flying when the run ended) or not_launched."""
    kinds = events["kind"]
    threat_ids = events["threat_id"].to_numpy()
    # One boolean mask per kind (no grouping of a log of tens of millions of rows).
    updates = [(threat_ids[_equals(kinds, kind)], label)
               for kind, label in (("threat_launch", "in_flight"),
                                   ("route_complete", "completed_route"),
                                   ("leak", "leaked"), ("kill", "killed"))]
    withdrew = _equals(kinds, "route_complete") & events["asset"].notna().to_numpy()
    updates.append((threat_ids[withdrew], "withdrew"))
    crashed = _equals(kinds, "ground_impact") & (threat_ids >= 0)
    updates.append((threat_ids[crashed], "crashed"))  # a threat into the ground (no round)
    fell = _equals(kinds, "defeat") & (events["value"].to_numpy() == 0.0)
    updates.append((threat_ids[fell], "defeated"))
    index = threats["threat_id"]
    labels = index.to_numpy()
    count = labels.size
    if (labels == np.arange(count)).all() and all(
            concerned.size == 0 or (concerned.min() >= 0 and concerned.max() < count)
            for concerned, _ in updates):
        # Threat ids 0 .. n-1 in order (a run's threat table): labels are positions.
        values = np.full(count, "not_launched", dtype=object)
        for concerned, label in updates:
            values[concerned] = label
        return pd.Series(values, index=index, dtype=object)
    fate = pd.Series("not_launched", index=index, dtype=object)
    for concerned, label in updates:
        if concerned.size:
            fate.loc[concerned] = label
    return fate


#: Kinds that make up almost all of a log and that :func:`summarize` reads only for the
#: first detections.
BULK_KINDS = ("detection", "false_alarm", "track_start", "track_confirm", "track_drop",
              "track_merge")


def rare_events(events: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``events`` of every kind but :data:`BULK_KINDS`, in their order and
    with their index: picked once, so that the summary's many masks run over a few rows."""
    kinds = events["kind"]
    bulk = [kinds.cat.categories.get_loc(kind) for kind in BULK_KINDS
            if kind in kinds.cat.categories]
    return events[~np.isin(kinds.cat.codes.to_numpy(), bulk)]


#: The first-detection search reads the log this many rows at a time.
FIRST_DETECTION_CHUNK_ROWS = 1 << 20


def first_detection_rows(events: pd.DataFrame) -> np.ndarray:
    """Row of each detected threat's first detection (the log is in time order), in
    order of first detection.

    Read a chunk of rows at a time, so that a raid of tens of millions of detections
    never holds an index of all of them (200 MB at 10,000 threats).
    """
    kinds = events["kind"]
    if "detection" not in kinds.cat.categories:
        return np.zeros(0, dtype=np.intp)
    detection = kinds.cat.categories.get_loc("detection")
    codes = kinds.cat.codes.to_numpy()
    threat_ids = events["threat_id"].to_numpy()
    seen = np.zeros(int(threat_ids.max(initial=-1)) + 1, dtype=bool)
    parts = []
    for start in range(0, codes.size, FIRST_DETECTION_CHUNK_ROWS):
        rows = start + (codes[start : start + FIRST_DETECTION_CHUNK_ROWS]
                        == detection).nonzero()[0]
        ids = threat_ids[rows]
        new = ~seen[ids]
        rows, ids = rows[new], ids[new]
        _, first = np.unique(ids, return_index=True)  # first row of each id in the chunk
        first.sort()
        parts.append(rows[first])
        seen[ids] = True
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.intp)


def summarize(events: pd.DataFrame, threats: pd.DataFrame, scenario: Scenario, seed: int,
              ended_s: float, steps: int, wall_time_s: float) -> dict[str, Any]:
    """The summary dictionary written to ``summary.json`` (plain JSON types only)."""
    log = events
    # The rows of each kind read by masks of the kind codes, then only the columns read
    # (no frame filtered per kind), and the threat table's columns as arrays (no frame
    # grouped, joined or iterated row by row): a replication's summary.
    kind = log["kind"]

    def rows_of(name: str) -> np.ndarray:
        return _equals(kind, name).nonzero()[0]

    value = log["value"].to_numpy()
    all_fates = threat_fates(log, threats).to_numpy()

    def count(label: str, fates: np.ndarray = all_fates) -> int:
        return int((fates == label).sum())

    kind_column = threats["kind"]
    kind_codes, kind_names = _codes(kind_column)
    by_kind = {}
    for code in np.unique(kind_codes[kind_codes >= 0]).tolist():  # as groupby(sort=True)
        fates = all_fates[kind_codes == code]
        by_kind[str(kind_names[code])] = {
            "total": int(fates.size), "killed": count("killed", fates),
            "defeated": count("defeated", fates), "leaked": count("leaked", fates),
            "withdrew": count("withdrew", fates),
            "completed_route": count("completed_route", fates),
            "in_flight_at_end": count("in_flight", fates)}

    # Each threat's first detection (NaN: none) and the sensor that made it (a left join
    # of the first detections on the threat ids).
    first_rows = first_detection_rows(log)
    first_ids = pd.Index(log["threat_id"].to_numpy()[first_rows])
    match = first_ids.get_indexer(threats["threat_id"].to_numpy())
    found = match >= 0
    first_detection_s = np.full(len(threats), np.nan)
    first_detection_s[found] = log["time_s"].to_numpy()[first_rows][match[found]]
    first_sensor = np.full(len(threats), np.nan, dtype=object)
    first_sensor[found] = log["sensor"].iloc[first_rows].to_numpy()[match[found]]
    launch_time_s = threats["launch_time_s"].to_numpy()
    detection_delay_s = first_detection_s - launch_time_s
    detected_total = int(np.count_nonzero(~np.isnan(first_detection_s)))

    groups = []
    group_codes, group_names = _codes(threats["group"])
    present = group_codes[group_codes >= 0]
    _, first_at = np.unique(present, return_index=True)
    for code in present[np.sort(first_at)].tolist():  # as groupby(sort=False)
        members = group_codes == code
        delay = detection_delay_s[members]
        delay = pd.Series(delay[~np.isnan(delay)])
        fates = all_fates[members]
        groups.append({
            "group": str(group_names[code]),
            "kind": str(kind_column.iloc[int(members.argmax())]), "count": int(fates.size),
            "killed": count("killed", fates), "leaked": count("leaked", fates),
            "withdrew": count("withdrew", fates),
            "completed_route": count("completed_route", fates),
            "detected": int(delay.size),
            "median_first_detection_after_launch_s": _round(delay.median()) if delay.size
            else None,
        })

    leaks = rows_of("leak")
    leak_asset, leak_value = log["asset"].iloc[leaks], value[leaks]
    leak_threat = log["threat_id"].to_numpy()[leaks]
    aimed_at = _counts(threats["target"])
    kind_of: pd.Series | None = None  # made when some asset was hit
    assets = []
    for asset in scenario.defended_assets:
        hits = _equals(leak_asset, asset.name)
        leakers = int(hits.sum())
        reached = int((leak_value[hits] <= asset.radius_m).sum())
        damage = 0.0
        if leakers:
            if kind_of is None:
                kind_of = threats.set_index("threat_id")["kind"].astype(str)
            damage = asset_damage(kind_of.loc[leak_threat[hits]].tolist())
        assets.append({"asset": asset.name, "value": asset.value,
                       "threats_aimed": aimed_at.get(asset.name, 0),
                       "leakers": leakers, "survived": leakers == 0,
                       "reached_radius": reached, "stand_off_releases": leakers - reached,
                       "damage": round(damage, 3)})

    launches, kills, defeats = rows_of("interceptor_launch"), rows_of("kill"), rows_of("defeat")
    cost_of_type = {i.name: i.cost_per_round_usd for i in scenario.interceptors}
    layer_of_type = {i.name: layer_of(i) for i in scenario.interceptors}
    battery_column = log["battery"]
    fired_by, kills_by, defeats_by = (_counts(battery_column.iloc[launches]),
                                      _counts(battery_column.iloc[kills]),
                                      _counts(battery_column.iloc[defeats]))
    by_battery = {}
    for battery in scenario.batteries:
        fired = fired_by.get(battery.name, 0)
        by_battery[battery.name] = {
            "interceptor": battery.interceptor, "fired": fired,
            "kills": kills_by.get(battery.name, 0),
            "defeats": defeats_by.get(battery.name, 0),
            "cost_usd": fired * cost_of_type[battery.interceptor],
            "layer": layer_of_type[battery.interceptor],
        }
    by_type: dict[str, dict[str, float]] = {}
    for battery in by_battery.values():
        entry = by_type.setdefault(battery["interceptor"], {"fired": 0, "kills": 0,
                                                            "cost_usd": 0.0})
        for key in ("fired", "kills", "cost_usd"):
            entry[key] += battery[key]

    layers: dict[str, dict[str, Any]] = {}
    for layer in LAYERS:
        members = [b for b in by_battery.values() if b["layer"] == layer]
        if not members:
            continue
        fired = sum(b["fired"] for b in members)
        # A jammer's defeats are its kills (the threat fell or turned away).
        layer_kills = sum(b["kills"] + b["defeats"] for b in members)
        layers[layer] = {"batteries": len(members), "fired": fired, "kills": layer_kills,
                         "pk_per_shot": _round(layer_kills / fired, 3) if fired else None,
                         "cost_usd": float(sum(b["cost_usd"] for b in members))}

    interceptor_cost = float(log["value"].iloc[launches].sum())
    unit_cost = threats["unit_cost_usd"]
    killed = all_fates == "killed"
    killed_value = float(unit_cost[killed].sum())
    aircraft_killed = unit_cost[killed & _equals(kind_column, "aircraft")]
    defeated_value = float(unit_cost[all_fates == "defeated"].sum())
    munitions_killed_value = (killed_value - float(aircraft_killed.sum())
                              + defeated_value)
    leaked_total = count("leaked")
    hit_assets = [a["asset"] for a in assets if not a["survived"]]
    defended = leaked_total == 0
    unresolved = count("in_flight") + count("not_launched")
    if not scenario.defended_assets:
        verdict = "trial"
        verdict_text = (f"TRIAL: {count('killed')} of {len(threats)} targets killed, "
                        f"{count('completed_route')} completed their run, "
                        f"{detected_total} detected.")
    elif defended and unresolved:
        # No leaker yet, but threats still flying or not launched when the run ended: the
        # defense is not proven (a longer run might see them leak).
        verdict = "undecided"
        flying, waiting = count("in_flight"), count("not_launched")
        plural = "s" if unresolved != 1 else ""
        at = _number(ended_s)
        if flying and waiting:
            state = (f"{unresolved} threats unresolved at {at} s ({flying} still in flight, "
                     f"{waiting} not launched)")
        elif flying:
            state = f"{flying} threat{plural} still in flight at {at} s"
        else:
            state = f"{waiting} threat{plural} not launched by {at} s"
        verdict_text = f"UNDECIDED: {state}; no leaker before then."
    elif defended:
        verdict, verdict_text = "defended", "DEFENDED: no threat reached a defended asset."
    else:
        verdict = "not_defended"
        damage = ", ".join(f"{a['asset']} {a['damage']:.0%}" for a in assets
                           if not a["survived"])
        verdict_text = (f"NOT DEFENDED: {leaked_total} leaker(s) reached "
                        f"{len(hit_assets)} asset(s); damage {damage}.")
    # Self-screening burn-through per radar and jamming group, only when jammers fly.
    burn_through = burn_through_table(scenario)
    return {
        "scenario": scenario.name,
        "seed": seed,
        "notional": NOTIONAL_NOTE,
        "verdict": verdict,
        "verdict_text": verdict_text,
        "sim": {"duration_s": scenario.sim.duration_s, "dt_s": scenario.sim.dt_s,
                "ended_s": _round(ended_s), "steps": steps,
                "wall_time_s": _round(wall_time_s, 3), "events": len(log)},
        "threats": {"total": len(threats), "launched": len(threats) - count("not_launched"),
                    "detected": detected_total,
                    "killed": count("killed"), "defeated": count("defeated"),
                    "turned_away": int((value[defeats] == 1.0).sum()),
                    "leaked": leaked_total,
                    "withdrew": count("withdrew"),
                    "completed_route": count("completed_route"),
                    "in_flight_at_end": count("in_flight"),
                    "not_launched": count("not_launched")},
        "by_kind": by_kind,
        "by_group": groups,
        "assets": assets,
        "interceptors": {"fired": int(launches.size), "kills": int(kills.size),
                         "by_type": by_type, "by_battery": by_battery},
        "layers": layers,
        "kill_assessment": score_kill_assessments(log),
        "cost": {
            "interceptors_usd": interceptor_cost,
            "threats_total_usd": float(threats["unit_cost_usd"].sum()),
            "threats_killed_usd": killed_value,
            "threats_defeated_usd": defeated_value,
            "munitions_killed_usd": munitions_killed_value,
            "aircraft_killed": len(aircraft_killed),
            "aircraft_killed_usd": float(aircraft_killed.sum()),
            # Munitions only: aircraft would swamp the ratio (one is worth 20 missiles).
            "interceptor_usd_per_threat_usd_killed":
                _round(interceptor_cost / munitions_killed_value, 3)
                if munitions_killed_value > 0 else None,
        },
        "first_detection": [
            {"threat_id": int(threat_id), "group": str(group),
             "launch_s": _round(launch), "first_detection_s": _round(first),
             "after_launch_s": _round(delay),
             "sensor": None if pd.isna(sensor) else str(sensor)}
            for threat_id, group, launch, first, delay, sensor in zip(
                threats["threat_id"].to_numpy()[found].tolist(),
                threats["group"].to_numpy()[found].tolist(), launch_time_s[found].tolist(),
                first_detection_s[found].tolist(), detection_delay_s[found].tolist(),
                first_sensor[found].tolist(), strict=True)
        ],
        **({"burn_through": burn_through} if burn_through else {}),
    }


def _counts(column: pd.Series) -> dict[Any, int]:
    """Rows of ``column`` per value (missing values left out): what ``(column ==
    value).sum()`` gives for each value, in one pass (by codes for a categorical)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        counts = np.bincount(codes[codes >= 0], minlength=len(column.cat.categories))
        return dict(zip(column.cat.categories.tolist(), counts.tolist(), strict=True))
    return {value: int(number) for value, number in column.value_counts().items()}


def _codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of ``column``'s values (-1: missing) and the values they stand for:
    a categorical's own, else those of ``pd.factorize`` (sorted)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(), column.cat.categories
    codes, uniques = pd.factorize(column, sort=True)
    return codes, pd.Index(uniques)


def _equals(column: pd.Series, value: Any) -> np.ndarray:
    """``(column == value).to_numpy()``, by codes for a categorical (a few rows compared
    many times)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = column.cat.categories
        if value not in categories:
            return np.zeros(len(column), dtype=bool)
        return column.cat.codes.to_numpy() == categories.get_loc(value)
    return (column == value).to_numpy()


def _number(value: float) -> str:
    """A time for the verdict line: ``400``, ``400.5``."""
    return f"{value:,.1f}".removesuffix(".0")


def _round(value: float, digits: int = 2) -> float | None:
    if value is None or not np.isfinite(value):
        return None
    return round(float(value), digits)
