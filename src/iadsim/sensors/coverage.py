"""Coverage: where each radar of a scenario detects a target of a given RCS at a given
altitude, on a latitude-longitude grid, per radar and combined.

For every grid point the target sits at ``altitude_m`` above the scenario's ground; each
radar sees it when it is within instrumented range, inside the azimuth sector and the
elevation limits and above the 4/3-earth horizon (the same tests as the simulation's
detection kernel), and then detects it with the Pd of
:func:`iadsim.sensors.detection.probability_of_detection` (the radar's Swerling case and
pulses per dwell) at the radar-equation SNR. Combined: ``1 - prod(1 - Pd)`` (independent
looks). Smooth earth: no terrain, no clutter, no jamming.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from iadsim.scenario.loader import load_scenario
from iadsim.scenario.schema import Scenario
from iadsim.sensors.detection import probability_of_detection
from iadsim.sensors.radar import radar_sites
from iadsim.world.earth import radar_horizon_m
from iadsim.world.geodesy import LocalFrame


@dataclass(frozen=True, slots=True)
class CoverageGrid:
    """Pd on a grid: ``pd`` (n_radars, n_lat, n_lon), ``combined_pd`` (n_lat, n_lon)."""

    radar_names: tuple[str, ...]
    lat_deg: np.ndarray  # (n_lat,)
    lon_deg: np.ndarray  # (n_lon,)
    altitude_m: float
    rcs_m2: float
    pd: np.ndarray
    combined_pd: np.ndarray


def coverage(scenario: Scenario | str | Path, rcs_m2: float = 0.1, altitude_m: float = 100.0,
             cells: int = 200, margin_km: float = 20.0) -> CoverageGrid:
    """Pd of every radar of ``scenario`` on a ``cells`` x ``cells`` grid spanning all radars'
    instrumented ranges (plus ``margin_km``), for a target of ``rcs_m2`` (m^2) at
    ``altitude_m`` (m above the scenario ground). ``scenario``: a Scenario, a built-in
    name or a file path. Returns a :class:`CoverageGrid`."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if not rcs_m2 > 0:
        raise ValueError(f"rcs_m2 must be > 0, got {rcs_m2}")
    if not altitude_m >= 0:
        raise ValueError(f"altitude_m must be >= 0, got {altitude_m}")
    if not (isinstance(cells, int) and cells >= 2):
        raise ValueError(f"cells must be an integer >= 2, got {cells}")
    frame = LocalFrame(scenario.origin.lat_deg, scenario.origin.lon_deg, 0.0)
    sites = radar_sites(scenario, frame)
    if not sites:
        raise ValueError("scenario has no sensors: nothing to cover")
    ground = scenario.origin.ground_elevation_m
    reach_deg = (max(site.max_range_m for site in sites) / 1e3 + margin_km) / 111.0
    lats = np.array([site.lat_deg for site in sites])
    lons = np.array([site.lon_deg for site in sites])
    cos_lat = np.cos(np.radians(lats.mean()))
    lat = np.linspace(lats.min() - reach_deg, lats.max() + reach_deg, cells)
    lon = np.linspace(lons.min() - reach_deg / cos_lat, lons.max() + reach_deg / cos_lat, cells)
    grid_lat, grid_lon = np.meshgrid(lat, lon, indexing="ij")
    target = frame.to_enu(grid_lat, grid_lon, np.full(grid_lat.shape, ground + altitude_m))
    pd = np.zeros((len(sites), cells, cells))
    for index, site in enumerate(sites):
        local = (target - site.position_enu_m) @ site.to_local.T
        slant = np.linalg.norm(local, axis=-1)
        elevation = np.arctan2(local[..., 2], np.hypot(local[..., 0], local[..., 1]))
        azimuth = np.arctan2(local[..., 0], local[..., 1]) % (2 * np.pi)
        off = (azimuth - site.sector_center_rad + np.pi) % (2 * np.pi) - np.pi
        visible = ((slant <= site.max_range_m)
                   & (slant <= radar_horizon_m(site.height_m, altitude_m))
                   & (elevation >= site.min_elevation_rad)
                   & (elevation <= site.max_elevation_rad)
                   & ((site.sector_width_rad >= 2 * np.pi)
                      | (np.abs(off) <= 0.5 * site.sector_width_rad)))
        if not visible.any():
            continue
        range_m = np.maximum(slant[visible], 1.0)
        snr_db = 10 * np.log10(site.snr_at_one_metre * rcs_m2 / range_m**4)
        pd[index][visible] = probability_of_detection(snr_db, site.pfa, site.pulses_per_dwell,
                                                      site.swerling)
    combined = 1.0 - np.prod(1.0 - pd, axis=0)
    return CoverageGrid(tuple(site.name for site in sites), lat, lon, float(altitude_m),
                        float(rcs_m2), pd, combined)
