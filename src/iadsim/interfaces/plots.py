"""Plots of one run (matplotlib, Agg, no display): map, engagement timeline, altitude
profile and magazines.

>>> from iadsim.interfaces.plots import plot_run            # doctest: +SKIP
>>> plot_run("runs/layered-defense", "timeline", "timeline.png")   # doctest: +SKIP

- ``map``: :mod:`iadsim.interfaces.run_map`.
- ``timeline``: above, one row per battery that fired: assignments, launches, kills,
  misses, self-destructs, reloads; below, one row per threat (per group past
  :data:`THREAT_ROWS_MAX` threats): launch, first detection, engagement (a round launched
  at it), fate.
- ``profile``: altitude against horizontal distance to the threat's target asset, for the
  threats (recorded truth, by fate) and the interceptors (straight from battery to end).
- ``magazines``: rounds ready on each battery's launchers over time (loaded at start,
  less launches, plus reloads).

Figures are built on :class:`matplotlib.figure.Figure` directly (no pyplot state), so
plots can be made from several threads. Files are written under a temporary name and
renamed: nothing half-written.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Literal

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from iadsim.interfaces.run_directory import StoredRun, read_run
from iadsim.interfaces.run_map import (
    FAINT_ABOVE_THREATS,
    FATE_COLOURS,
    INTERCEPTOR_COLOUR,
    draw_map,
    interceptor_flights_km,
    site_positions_km,
    threat_paths_km,
)

PlotKind = Literal["map", "timeline", "profile", "magazines"]
PLOT_KINDS: tuple[PlotKind, ...] = ("map", "timeline", "profile", "magazines")
THREAT_ROWS_MAX = 60
#: Battery-row markers: event kind -> (marker, colour, size, legend label).
BATTERY_MARKERS = {
    "assignment": ("|", "#999999", 40, "assignment"),
    "interceptor_launch": ("^", INTERCEPTOR_COLOUR, 22, "launch"),
    "kill": ("*", FATE_COLOURS["killed"], 70, "kill"),
    "miss": ("x", "black", 25, "miss"),
    "self_destruct": ("1", "grey", 30, "self-destruct"),
    "reload": ("s", "#E69F00", 22, "reload"),
}


class PlotError(ValueError):
    """A plot that cannot be written (one line, naming the file)."""


def figure_of(run: StoredRun, kind: PlotKind) -> Figure:
    """The figure of one kind for a run read with :func:`read_run`."""
    if kind == "map":
        figure = Figure(figsize=(13, 6.6), dpi=100, layout="constrained")
        draw_map(run, figure)
    elif kind == "timeline":
        figure = draw_timeline(run)
    elif kind == "profile":
        figure = Figure(figsize=(8, 4.5), dpi=110, layout="constrained")
        draw_profile(run, figure.add_subplot(1, 1, 1))
    elif kind == "magazines":
        figure = Figure(figsize=(8, 4), dpi=110, layout="constrained")
        draw_magazines(run, figure.add_subplot(1, 1, 1))
    else:
        raise ValueError(f"kind must be one of {', '.join(PLOT_KINDS)}, got {kind!r}")
    return figure


def plot_run(folder: str | Path | StoredRun, kind: PlotKind, out: str | Path) -> Path:
    """Write the ``kind`` plot of a run folder as a PNG (or SVG/PDF by ``out``'s suffix).

    Raises
    ------
    RunDirectoryError
        When the run folder or one of its files cannot be read.
    PlotError
        When ``out`` cannot be written.
    """
    run = folder if isinstance(folder, StoredRun) else read_run(folder)
    figure = figure_of(run, kind)
    return save_figure(figure, Path(out))


def save_figure(figure: Figure, out: Path) -> Path:
    """Save under a temporary name in ``out``'s folder, then rename into place."""
    suffix = out.suffix.lower() or ".png"
    if suffix not in (".png", ".svg", ".pdf"):
        raise PlotError(f"{out}: unknown picture type {suffix!r}; expected .png, .svg or .pdf")
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=suffix,
                                             dir=out.parent if str(out.parent) else ".")
        with os.fdopen(handle, "wb") as stream:
            figure.savefig(stream, format=suffix[1:])
        with_default_mode(temporary)
        os.replace(temporary, out)
        temporary = None
    except OSError as error:
        raise PlotError(f"{out}: cannot write ({error.strerror or error})") from None
    finally:
        if temporary is not None and os.path.exists(temporary):
            os.remove(temporary)
    return out


def with_default_mode(path: str) -> None:
    """Give a file made by :func:`tempfile.mkstemp` (mode 0600) the mode a plain ``open``
    would have given it (0666 less the umask), so a picture or report is readable."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def batteries_that_fired(run: StoredRun) -> list[str]:
    """Names of the batteries that launched at least one round, in scenario order."""
    fired = set(run.events.loc[run.events["kind"] == "interceptor_launch", "battery"]
                .astype(str))
    return [b.name for b in run.scenario.batteries if b.name in fired]


def draw_timeline(run: StoredRun) -> Figure:
    """Battery rows above, threat rows below, sharing the time axis."""
    batteries = batteries_that_fired(run)
    threats = run.threats
    by_group = len(threats) > THREAT_ROWS_MAX
    threat_rows = (list(dict.fromkeys(threats["group"].astype(str))) if by_group
                   else [f"{row.group} #{row.threat_id}" for row in threats.itertuples()])
    height = 1.6 + 0.22 * (max(len(batteries), 1) + len(threat_rows))
    figure = Figure(figsize=(9, min(height, 16)), dpi=110, layout="constrained")
    upper, lower = figure.subplots(2, 1, sharex=True, gridspec_kw={
        "height_ratios": [max(len(batteries), 1) + 1, len(threat_rows) + 1]})
    _battery_rows(run, upper, batteries)
    _threat_rows(run, lower, threat_rows, by_group)
    lower.set_xlabel("time since scenario start (s)")
    upper.set_title(f"{run.summary['scenario']}, seed {run.summary['seed']}: engagements",
                    fontsize=9, loc="left")
    return figure


def _battery_rows(run: StoredRun, axes: Axes, batteries: list[str]) -> None:
    events = run.events
    row_of = {name: index for index, name in enumerate(batteries)}
    battery = events["battery"].astype(object)
    for kind, (marker, colour, size, label) in BATTERY_MARKERS.items():
        chosen = (events["kind"] == kind).to_numpy() & battery.isin(row_of).to_numpy()
        if not chosen.any():
            continue
        rows = battery[chosen].map(row_of).to_numpy(dtype=float)
        axes.scatter(events["time_s"].to_numpy()[chosen], rows, marker=marker, c=colour,
                     s=size, linewidths=1.0, label=label, zorder=3, gid=f"battery-{kind}")
    axes.set_yticks(range(len(batteries)), batteries, fontsize=7)
    axes.set_ylim(max(len(batteries), 1) - 0.5, -0.5)  # one empty row when none fired
    axes.grid(axis="x", alpha=0.3)
    if not batteries:
        axes.text(0.5, 0.5, "no battery fired", transform=axes.transAxes, ha="center")
    else:
        axes.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.005, 1.0), framealpha=0.85)


def _threat_rows(run: StoredRun, axes: Axes, rows: list[str], by_group: bool) -> None:
    threats = run.threats
    events = run.events
    if by_group:
        row_of_threat = threats["group"].astype(str).map({g: i for i, g in enumerate(rows)})
    else:
        row_of_threat = np.arange(len(threats))
    row = dict(zip(threats["threat_id"], np.asarray(row_of_threat, dtype=float), strict=True))
    end_kinds = events[events["kind"].isin(["kill", "leak", "route_complete",
                                              "ground_impact"])
                       & (events["threat_id"] >= 0)]
    end_time = end_kinds.drop_duplicates("threat_id", keep="first").set_index("threat_id")[
        "time_s"]
    last_time = float(run.summary["sim"]["ended_s"] or events["time_s"].max())
    launch = threats.set_index("threat_id")["launch_time_s"]
    for fate, colour in FATE_COLOURS.items():
        ids = threats.loc[threats["fate"] == fate, "threat_id"].to_numpy()
        if not ids.size or fate == "not_launched":
            continue
        starts = launch.loc[ids].to_numpy()
        ends = end_time.reindex(ids).fillna(last_time).to_numpy()
        ys = np.array([row[i] for i in ids])
        axes.hlines(ys, starts, ends, colors=colour, linewidth=1.2 if not by_group else 0.4,
                    alpha=0.8 if not by_group else 0.3, label=f"in flight, {fate}",
                    gid=f"threat-{fate}")
    detections = run.summary.get("first_detection", [])
    if detections:
        axes.scatter([d["first_detection_s"] for d in detections],
                     [row.get(d["threat_id"], np.nan) for d in detections], marker="o", s=12,
                     facecolors="none", edgecolors="#444444", label="first detection",
                     zorder=3)
    flights = interceptor_flights_km(run)
    engaged = flights[flights["threat_id"] >= 0]
    if len(engaged):
        axes.scatter(engaged["launch_s"], engaged["threat_id"].map(row), marker="^", s=14,
                     c=INTERCEPTOR_COLOUR, label="round launched at it", zorder=3)
    for kind, marker, colour in (("kill", "*", FATE_COLOURS["killed"]),
                                 ("leak", "X", FATE_COLOURS["leaked"])):
        chosen = events[events["kind"] == kind].drop_duplicates("threat_id")
        if len(chosen):
            axes.scatter(chosen["time_s"], chosen["threat_id"].map(row), marker=marker, s=40,
                         c=colour, label=kind, zorder=4)
    axes.set_yticks(range(len(rows)), rows, fontsize=5 if len(rows) > 30 else 7)
    axes.set_ylim(len(rows) - 0.5, -0.5)
    axes.grid(axis="x", alpha=0.3)
    axes.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.005, 1.0), framealpha=0.85)


def _distance_km(points: np.ndarray, target: np.ndarray) -> np.ndarray:
    return np.hypot(points[..., 0] - target[0], points[..., 1] - target[1])


def draw_profile(run: StoredRun, axes: Axes) -> None:
    """Altitude against horizontal distance to each threat's target asset."""
    sites = site_positions_km(run)["assets"]
    paths = threat_paths_km(run)
    threats = run.threats.set_index("threat_id")
    fallback = np.zeros(2)
    target_of = {t: sites.get(str(threats.at[t, "target"]), fallback) for t in threats.index}
    faint = len(paths) > FAINT_ABOVE_THREATS
    for fate, colour in FATE_COLOURS.items():
        ids = [t for t in threats.index[threats["fate"] == fate] if t in paths]
        if ids:
            lines = [np.column_stack([_distance_km(paths[t], target_of[t]), paths[t][:, 2]])
                     for t in ids]
            axes.add_collection(LineCollection(
                lines, colors=colour, linewidths=0.5 if faint else 0.8,
                alpha=0.35 if faint else 0.7, gid=f"profile-{fate}", in_layout=False,
                label=f"threat {fate.replace('_', ' ')} ({len(ids)})"))
    flights = interceptor_flights_km(run)
    flights = flights[flights["threat_id"] >= 0]
    if len(flights):
        targets = np.array([target_of.get(t, fallback) for t in flights["threat_id"]])
        start = np.hypot(flights["launch_east_km"] - targets[:, 0],
                         flights["launch_north_km"] - targets[:, 1]).to_numpy()
        end = np.hypot(flights["end_east_km"] - targets[:, 0],
                       flights["end_north_km"] - targets[:, 1]).to_numpy()
        segments = np.stack([np.column_stack([start, flights["launch_up_km"]]),
                             np.column_stack([end, flights["end_up_km"]])], axis=1)
        axes.add_collection(LineCollection(
            list(segments), colors=INTERCEPTOR_COLOUR, linestyles=(0, (2, 2)), linewidths=0.6,
            alpha=0.6, gid="profile-interceptors",
            label=f"interceptor, launch to end ({len(flights)})"))
        killed = (flights["outcome"] == "kill").to_numpy()
        axes.scatter(end[killed], flights["end_up_km"].to_numpy()[killed], marker="*", s=50,
                     c=FATE_COLOURS["killed"], zorder=4, label="kill")
        axes.scatter(end[~killed], flights["end_up_km"].to_numpy()[~killed], marker="x", s=16,
                     c="black", linewidths=0.8, zorder=4, label="miss or self-destruct")
    axes.autoscale_view()
    axes.set_xlabel("horizontal distance to the threat's target asset (km)")
    axes.set_ylabel("height above the plane tangent at the origin (km)")
    axes.set_xlim(left=0)
    axes.set_ylim(bottom=0)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=6, loc="upper right")
    axes.set_title(f"{run.summary['scenario']}, seed {run.summary['seed']}: altitude "
                   "profile (interceptor flyouts straight, not recorded)", fontsize=9,
                   loc="left")


def magazine_series(run: StoredRun) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per battery: (times s, rounds ready after each change), starting at 0 s with the
    launchers full (``launchers * missiles_per_launcher``)."""
    events = run.events
    changes = events[events["kind"].isin(["interceptor_launch", "reload"])]
    battery = changes["battery"].astype(object)
    end_s = float(run.summary["sim"]["ended_s"] or 0.0)
    series = {}
    for config in run.scenario.batteries:
        mine = changes[(battery == config.name).to_numpy()]
        step = np.where(mine["kind"] == "reload", mine["value"].fillna(0.0), -1.0)
        times = np.r_[0.0, mine["time_s"].to_numpy(), max(end_s, 0.0)]
        ready = config.launchers * config.missiles_per_launcher + np.cumsum(np.r_[0.0, step])
        series[config.name] = (times, np.r_[ready, ready[-1]])
    return series


def draw_magazines(run: StoredRun, axes: Axes) -> None:
    """Rounds ready over time, as steps, for each battery that fired; the others are
    named in a note (their lines would be flat)."""
    fired = batteries_that_fired(run)
    colours = matplotlib.colormaps["tab10" if len(fired) <= 10 else "tab20"].colors
    series = magazine_series(run)
    for index, name in enumerate(fired):
        times, ready = series[name]
        axes.step(times, ready, where="post", linewidth=1.3, label=name,
                  color=colours[index % len(colours)], gid=f"magazine-{name}")
    idle = [name for name in series if name not in fired]
    if idle:
        axes.text(0.01, 0.01, "did not fire: " + ", ".join(idle), transform=axes.transAxes,
                  fontsize=6, color="#555555", va="bottom", wrap=True)
    axes.set_xlabel("time since scenario start (s)")
    axes.set_ylabel("rounds ready on the launchers")
    axes.set_ylim(bottom=0)
    axes.grid(alpha=0.3)
    if fired:
        axes.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.005, 1.0))
    axes.set_title(f"{run.summary['scenario']}, seed {run.summary['seed']}: magazines",
                   fontsize=9, loc="left")
