"""Coverage: where each radar of a scenario detects a target of a given RCS at a given
altitude, on a latitude-longitude grid, per radar and combined; and the range-altitude
(vertical) coverage of each radar with its horizon.

Map (:func:`coverage`): for every grid point the target sits at ``altitude_m`` above the
ground (the scenario's flat ground, or the DEM's when the scenario has one: a terrain-
following target); each radar sees it when it is within instrumented range, inside the
azimuth sector and the elevation limits and above the 4/3-earth horizon (the same tests as
the simulation's detection kernel), and, with a DEM, when the 4/3-earth ray clears the
terrain (:func:`iadsim.world.terrain.viewshed`, the radial-sweep form of the
simulation's :func:`~iadsim.world.terrain.line_of_sight`); it then detects it with the Pd of
:func:`iadsim.sensors.detection.probability_of_detection` (the radar's Swerling case and
pulses per dwell) at the radar-equation SNR. Combined: ``1 - prod(1 - Pd)`` (independent
looks).

Clutter and jamming (both maps): the SNR becomes the simulation's SINR,
``SNR / (1 + (C / I + J) / N)``, the sum taken by
:func:`iadsim.sensors.radar_environment.interference_to_noise` (the detection kernel's own
sum: one implementation) with the beam on each point. Surface clutter applies by default
wherever a radar sees a surface (the scenario's or its own, with a range resolution), so
the picture is what the simulation would see; ``clutter=False`` leaves it out for
comparison. Jamming applies on request: the scenario's stand-off jammers on at
``jammers_at_s`` and, with ``self_screening``, the jammer of that threat group carried by
the target at every point. With a DEM the map masks both as the simulation does, through
the same :class:`~iadsim.world.terrain.TerrainMask` calls as the radar network: a
stand-off jammer counts only for a radar whose 4/3-earth ray to it clears the terrain
(:meth:`~iadsim.world.terrain.TerrainMask.jammers_in_view`), and clutter only where the
radar sees the ground of the target's range cell
(:meth:`~iadsim.world.terrain.TerrainMask.clutter_in_view`). Without a surface and without
jammers the results are those of the radar equation alone, bit for bit.

The range, horizon, elevation and sector tests are
:func:`iadsim.sensors.coverage_geometry.coverage_matrix`, the detection kernel's own.

Vertical (:func:`vertical_coverage`): Pd against ground range and altitude over a smooth
4/3 earth, and the horizon curve, the lowest altitude in view at each ground range
(L. V. Blake, Radar Range-Performance Analysis, 1980, ch. 5: the tangent ray over the
effective earth). Elevation is the apparent (refracted) one of the effective-earth
geometry.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from iadsim.scenario.loader import load_scenario
from iadsim.scenario.schema import Scenario
from iadsim.sensors.coverage_geometry import coverage_table, covered
from iadsim.sensors.detection import probability_of_detection
from iadsim.sensors.radar import RadarSite, radar_sites
from iadsim.sensors.radar_environment import interference_to_noise, run_jammers
from iadsim.world.earth import effective_earth_radius_m, radar_horizon_m
from iadsim.world.geodesy import LocalFrame
from iadsim.world.terrain import TerrainMask, terrain_mask

#: The Pd a coverage picture outlines.
COVERED_PD = 0.9


@dataclass(frozen=True, slots=True)
class CoverageGrid:
    """Pd on a grid: ``pd`` (n_radars, n_lat, n_lon), ``combined_pd`` (n_lat, n_lon).

    ``ground_m`` (n_lat, n_lon): the ground under each point (m above the datum; the DEM's
    with terrain); ``terrain`` says whether a DEM masked the radars.
    """

    radar_names: tuple[str, ...]
    lat_deg: np.ndarray  # (n_lat,)
    lon_deg: np.ndarray  # (n_lon,)
    altitude_m: float
    rcs_m2: float
    pd: np.ndarray
    combined_pd: np.ndarray
    ground_m: np.ndarray | None = None
    terrain: bool = False
    interference: Interference | None = None

    def covered_area_km2(self, threshold: float = COVERED_PD) -> tuple[np.ndarray, float]:
        """Area (km^2) where Pd >= ``threshold``: per radar (n_radars,), and combined."""
        lat = np.radians(self.lat_deg)
        cell_km2 = (np.gradient(lat)[:, None] * np.cos(lat)[:, None]
                    * np.gradient(np.radians(self.lon_deg))[None, :] * 6_371.0088**2)
        cell_km2 = np.abs(cell_km2)
        per_radar = ((self.pd >= threshold) * cell_km2).sum(axis=(1, 2))
        return per_radar, float(((self.combined_pd >= threshold) * cell_km2).sum())


@dataclass(frozen=True, slots=True)
class Interference:
    """What a coverage picture added to the noise (:func:`interference_to_noise`).

    ``clutter_radars``: the radars whose surface clutter was applied (none: no surface, or
    ``clutter=False``); ``jammers_at_s``: the time the stand-off jammers were taken at (None:
    not asked), ``stand_off_jammers`` the names of those on then; ``self_screening``: the
    threat group whose jammer rides on the target, or None; ``jammed_radars``: the radars
    a jammer can reach (those with a receiver model and, with a DEM, in view of a jammer);
    ``hidden_by_terrain``: the (radar, stand-off jammer) pairs the DEM hides from each
    other (that jammer does not jam that radar).
    """

    clutter_radars: tuple[str, ...] = ()
    jammers_at_s: float | None = None
    stand_off_jammers: tuple[str, ...] = ()
    self_screening: str | None = None
    jammed_radars: tuple[str, ...] = ()
    hidden_by_terrain: tuple[tuple[str, str], ...] = ()

    @property
    def clutter(self) -> bool:
        """Whether surface clutter entered any radar's Pd."""
        return bool(self.clutter_radars)

    @property
    def jamming(self) -> bool:
        """Whether a jammer entered any radar's Pd."""
        return bool(self.jammed_radars) and (bool(self.stand_off_jammers)
                                             or self.self_screening is not None)

    def describe(self) -> str:
        """One phrase for a summary line: which clutter and jamming were applied."""
        parts = [f"clutter on {len(self.clutter_radars)} radar(s)" if self.clutter
                 else "no clutter"]
        if not self.jamming:
            parts.append("no jamming")
        else:
            jammers = []
            if self.stand_off_jammers:
                jammers.append(f"stand-off {', '.join(self.stand_off_jammers)} at "
                               f"{self.jammers_at_s:g} s")
            if self.self_screening is not None:
                jammers.append(f"self-screening {self.self_screening}")
            parts.append(f"jamming ({'; '.join(jammers)}) on "
                         f"{len(self.jammed_radars)} radar(s)")
        if self.hidden_by_terrain:
            parts.append(f"terrain hides {len(self.hidden_by_terrain)} jammer-radar pair(s)")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class _Environment:
    """The interference of one picture: the sites as used (clutter removed when not
    applied), the stand-off jammers' arrays and the carried jammer (ERP W, bandwidth Hz)."""

    sites: list[RadarSite]
    jammers: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None
    carried: tuple[float, float] | None
    record: Interference

    def applies(self, site: RadarSite) -> bool:
        return site.clutter_constant_m > 0.0 or (
            site.jammer_constant > 0.0 and (self.jammers is not None
                                            or self.carried is not None))


def _environment(scenario: Scenario, frame: LocalFrame, sites: list[RadarSite], clutter: bool,
                 jammers_at_s: float | None, self_screening: str | None) -> _Environment:
    """Check the clutter and jamming options and gather what the Pd needs."""
    if jammers_at_s is not None and not (np.isfinite(jammers_at_s) and jammers_at_s >= 0):
        raise ValueError(f"jammers_at_s must be a time >= 0 s, got {jammers_at_s}")
    carried = None
    if self_screening is not None:
        groups = {group.name: group for group in scenario.threats}
        if self_screening not in groups:
            raise ValueError(f"self_screening must name a threat group of the scenario "
                             f"({', '.join(sorted(groups)) or 'none'}), got {self_screening!r}")
        jammer = groups[self_screening].jammer
        if jammer is None:
            raise ValueError(f"self_screening: threat group {self_screening!r} carries no "
                             f"jammer")
        carried = (float(jammer.erp_w), float(jammer.bandwidth_hz))
    if not clutter:
        sites = [replace(site, clutter_constant_m=0.0) for site in sites]
    jammers, names = None, ()
    if jammers_at_s is not None:
        every = run_jammers(scenario, frame, np.zeros(0, dtype=int))
        on = (every.fixed_start_s <= jammers_at_s) & (jammers_at_s < every.fixed_end_s)
        if on.any():
            jammers = (every.fixed_position_m[on], every.fixed_height_m[on],
                       every.fixed_erp_w[on], every.fixed_bandwidth_hz[on])
            names = tuple(j.name for j, lit in zip(scenario.jammers, on.tolist(), strict=True)
                          if lit)
    reachable = jammers is not None or carried is not None
    record = Interference(
        tuple(site.name for site in sites if site.clutter_constant_m > 0.0), jammers_at_s,
        names, self_screening,
        tuple(site.name for site in sites if reachable and site.jammer_constant > 0.0))
    return _Environment(sites, jammers, carried, record)


def _checked(scenario: Scenario | str | Path, rcs_m2: float, cells: int) -> Scenario:
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if not rcs_m2 > 0:
        raise ValueError(f"rcs_m2 must be > 0, got {rcs_m2}")
    if not (isinstance(cells, int) and cells >= 2):
        raise ValueError(f"cells must be an integer >= 2, got {cells}")
    if not scenario.sensors:
        raise ValueError("scenario has no sensors: nothing to cover")
    return scenario


def coverage(scenario: Scenario | str | Path, rcs_m2: float = 0.1, altitude_m: float = 100.0,
             cells: int = 200, margin_km: float = 20.0, terrain: bool = True,
             horizon_limited: bool = False, clutter: bool = True,
             jammers_at_s: float | None = None,
             self_screening: str | None = None) -> CoverageGrid:
    """Pd of every radar of ``scenario`` on a ``cells`` x ``cells`` grid spanning all radars'
    instrumented ranges (plus ``margin_km``), for a target of ``rcs_m2`` (m^2) at
    ``altitude_m`` (m above the ground under it). ``scenario``: a Scenario, a built-in
    name or a file path. ``terrain``: mask with the scenario's DEM when it has one (False:
    a smooth earth even then). ``horizon_limited``: span only each radar's reach at this
    altitude, the smaller of its instrumented range and its smooth-earth horizon (a finer
    grid for a low target; the DEM's highest ground counts). ``clutter``: apply each
    radar's surface clutter (after its improvement factor) when it has one (False: leave it
    out, for comparison). ``jammers_at_s``: add the scenario's stand-off jammers on at this
    time (s; None: none). ``self_screening``: a threat group's name; its noise jammer rides
    on the target at every point. Returns a :class:`CoverageGrid`, whose ``interference``
    says what was applied."""
    scenario = _checked(scenario, rcs_m2, cells)
    if not altitude_m >= 0:
        raise ValueError(f"altitude_m must be >= 0, got {altitude_m}")
    frame = LocalFrame(scenario.origin.lat_deg, scenario.origin.lon_deg, 0.0)
    environment = _environment(scenario, frame, radar_sites(scenario, frame), clutter,
                               jammers_at_s, self_screening)
    sites = environment.sites
    ground = scenario.origin.ground_elevation_m
    # The simulation's own mask of the DEM (the radar network's): jammers and clutter.
    mask = terrain_mask(scenario, sites, frame) if terrain else None
    dem = None if mask is None else mask.terrain
    jammer_views = _jammer_views(mask, environment)
    record = _masked_record(environment, jammer_views)
    reach_m = np.array([site.max_range_m for site in sites])
    if horizon_limited:
        highest = altitude_m + (0.0 if dem is None
                                else max(float(dem.elevation_m.max()) - ground, 0.0))
        heights = np.array([site.height_m for site in sites])
        reach_m = np.minimum(reach_m, radar_horizon_m(heights, highest))
    reach_deg = (reach_m.max() / 1e3 + margin_km) / 111.0
    lats = np.array([site.lat_deg for site in sites])
    lons = np.array([site.lon_deg for site in sites])
    cos_lat = np.cos(np.radians(lats.mean()))
    lat = np.linspace(lats.min() - reach_deg, lats.max() + reach_deg, cells)
    lon = np.linspace(lons.min() - reach_deg / cos_lat, lons.max() + reach_deg / cos_lat, cells)
    grid_lat, grid_lon = np.meshgrid(lat, lon, indexing="ij")
    under = (np.full(grid_lat.shape, ground) if dem is None
             else dem.elevation_at(grid_lat, grid_lon))
    target_alt = under + altitude_m
    target = frame.to_enu(grid_lat, grid_lon, target_alt)
    # Height above the flat datum, as the simulation's horizon test takes it.
    target_height = np.maximum(target_alt - ground, 0.0)
    pd = np.zeros((len(sites), cells, cells))
    in_view = covered(target, target_height, [site.position_enu_m for site in sites],
                      [site.to_local for site in sites], coverage_table(sites))
    for index, site in enumerate(sites):
        visible = in_view[:, index].reshape(cells, cells)
        if mask is not None and visible.any():
            visible[visible] = mask.viewshed(index, grid_lat[visible], grid_lon[visible],
                                             target_alt[visible])
        if not visible.any():
            continue
        points = target[visible]
        range_m = np.maximum(np.linalg.norm(points - site.position_enu_m, axis=-1), 1.0)
        pd[index][visible] = _pd(site, rcs_m2, range_m, environment, points,
                                 target_height[visible],
                                 None if jammer_views is None else jammer_views[index],
                                 _clutter_view(mask, index, site, points))
    combined = 1.0 - np.prod(1.0 - pd, axis=0)
    return CoverageGrid(tuple(site.name for site in sites), lat, lon, float(altitude_m),
                        float(rcs_m2), pd, combined, under, dem is not None, record)


def _jammer_views(mask: TerrainMask | None, environment: _Environment
                  ) -> np.ndarray | None:
    """(n_radars, n_jammers) bool: which stand-off jammers each radar sees over the DEM,
    the radar network's own test (:meth:`TerrainMask.jammers_in_view`, one 4/3-earth ray a
    pair); None without a DEM or without stand-off jammers."""
    if mask is None or environment.jammers is None:
        return None
    return mask.jammers_in_view(np.arange(len(environment.sites)), environment.jammers[0])


def _masked_record(environment: _Environment, jammer_views: np.ndarray | None
                   ) -> Interference:
    """The picture's :class:`Interference` once the DEM has hidden jammers: the (radar,
    jammer) pairs it hides, and as jammed only the radars some jammer still reaches."""
    record = environment.record
    if jammer_views is None:
        return record
    names = record.stand_off_jammers
    hidden = tuple((site.name, names[jammer]) for index, site in enumerate(environment.sites)
                   if site.jammer_constant > 0.0
                   for jammer in np.flatnonzero(~jammer_views[index]).tolist())
    reached = tuple(site.name for index, site in enumerate(environment.sites)
                    if site.name in record.jammed_radars
                    and (environment.carried is not None or jammer_views[index].any()))
    return replace(record, hidden_by_terrain=hidden, jammed_radars=reached)


def _clutter_view(mask: TerrainMask | None, index: int, site: RadarSite,
                  points_m: np.ndarray) -> np.ndarray | None:
    """(k,) bool: whether radar ``index`` sees the ground of the range cell of each point
    (k, 3) over the DEM, the radar network's own test
    (:meth:`TerrainMask.clutter_in_view`); None without a DEM or without clutter."""
    if mask is None or site.clutter_constant_m <= 0.0:
        return None
    return mask.clutter_in_view(np.array([index]), np.array([True]), points_m)[0]


def _pd(site: RadarSite, rcs_m2: float, range_m: np.ndarray, environment: _Environment,
        points_m: np.ndarray, height_m: np.ndarray, jammer_in_view: np.ndarray | None = None,
        clutter_in_view: np.ndarray | None = None) -> np.ndarray:
    """Swerling Pd at the single-pulse SINR of targets at ``points_m`` (k, 3) scenario ENU,
    ``range_m`` (k,) from the radar (>= 1 m), ``height_m`` (k,) above the flat ground:
    the radar-equation SNR, over ``1 + (C / I + J) / N`` where clutter or a jammer applies
    (the detection kernel's SINR), with a DEM only from the jammers (``jammer_in_view``)
    and the range cells' ground (``clutter_in_view``) the radar sees."""
    snr = site.snr_at_one_metre * rcs_m2 / range_m**4
    if environment.applies(site):
        snr = snr / (1.0 + interference_to_noise(site, points_m, environment.jammers,
                                                 environment.carried, height_m,
                                                 jammer_in_view, clutter_in_view))
    snr_db = 10 * np.log10(snr)
    return probability_of_detection(snr_db, site.pfa, site.pulses_per_dwell, site.swerling)


@dataclass(frozen=True, slots=True)
class VerticalCoverage:
    """Pd against ground range and altitude, per radar, over a smooth 4/3 earth.

    ``ground_range_m`` (n_radars, n_range): each radar's ranges, up to its instrumented
    range; ``pd`` (n_radars, n_altitude, n_range); ``horizon_altitude_m``
    (n_radars, n_range): the lowest altitude above the ground each radar sees there.
    """

    radar_names: tuple[str, ...]
    ground_range_m: np.ndarray
    altitude_m: np.ndarray  # (n_altitude,)
    rcs_m2: float
    pd: np.ndarray
    horizon_altitude_m: np.ndarray
    antenna_height_m: np.ndarray  # (n_radars,)
    interference: Interference | None = None


def horizon_altitude_m(antenna_height_m: float, ground_range_m, k: float = 4.0 / 3.0
                       ) -> np.ndarray:
    """Lowest altitude (m) in view at ``ground_range_m`` from an antenna at
    ``antenna_height_m`` over a smooth earth: 0 inside the antenna's horizon, beyond it the
    height of the tangent ray, ``k a / cos(phi - phi_h) - k a`` with ``phi = ground / (k a)``
    and ``cos(phi_h) = k a / (k a + h_a)``. Source: Blake (1980) ch. 5; it meets
    :func:`iadsim.world.earth.radar_horizon_m` (the slant range to that altitude is the
    horizon range)."""
    radius = effective_earth_radius_m(k)
    angle = np.asarray(ground_range_m, dtype=float) / radius
    tangent = np.arccos(radius / (radius + max(float(antenna_height_m), 0.0)))
    beyond = np.maximum(angle - tangent, 0.0)
    return radius / np.cos(beyond) - radius


def vertical_coverage(scenario: Scenario | str | Path, rcs_m2: float = 1.0,
                      max_altitude_m: float = 30_000.0, cells: int = 300,
                      clutter: bool = True, jammers_at_s: float | None = None,
                      self_screening: str | None = None) -> VerticalCoverage:
    """Range-altitude Pd of every radar of ``scenario`` (``cells`` ground ranges up to each
    radar's instrumented range, ``cells`` altitudes up to ``max_altitude_m`` above the
    ground), for a target of ``rcs_m2`` (m^2), over a smooth 4/3 earth, in the centre of
    each radar's sector. ``clutter``, ``jammers_at_s``, ``self_screening``: as for
    :func:`coverage` (a stand-off jammer counts by its bearing from that sector centre).
    Returns a :class:`VerticalCoverage`."""
    scenario = _checked(scenario, rcs_m2, cells)
    if not max_altitude_m > 0:
        raise ValueError(f"max_altitude_m must be > 0, got {max_altitude_m}")
    frame = LocalFrame(scenario.origin.lat_deg, scenario.origin.lon_deg, 0.0)
    environment = _environment(scenario, frame, radar_sites(scenario, frame), clutter,
                               jammers_at_s, self_screening)
    sites = environment.sites
    radius = effective_earth_radius_m()
    ground_range = np.array([np.linspace(0.0, site.max_range_m, cells) for site in sites])
    altitude = np.linspace(0.0, max_altitude_m, cells)
    target_radius = radius + altitude[:, None]
    pd = np.zeros((len(sites), cells, cells))
    horizon = np.zeros((len(sites), cells))
    for index, site in enumerate(sites):
        angle = ground_range[index][None, :] / radius
        antenna_radius = radius + site.height_m
        vertical = target_radius * np.cos(angle) - antenna_radius
        horizontal = target_radius * np.sin(angle)
        slant = np.hypot(vertical, horizontal)
        elevation = np.arctan2(vertical, horizontal)
        visible = ((slant <= site.max_range_m)
                   & (slant <= radar_horizon_m(site.height_m, altitude[:, None]))
                   & (elevation >= site.min_elevation_rad)
                   & (elevation <= site.max_elevation_rad))
        # The points in the radar's own frame (toward the sector centre), back in
        # scenario ENU for the interference sum, which needs slant, elevation and bearing.
        local = np.stack(np.broadcast_arrays(
            horizontal * np.sin(site.sector_center_rad),
            horizontal * np.cos(site.sector_center_rad), vertical), axis=-1)
        points = site.position_enu_m + local[visible] @ site.to_local
        heights = np.broadcast_to(altitude[:, None], visible.shape)[visible]
        pd[index][visible] = _pd(site, rcs_m2, np.maximum(slant[visible], 1.0), environment,
                                 points, heights)
        horizon[index] = horizon_altitude_m(site.height_m, ground_range[index])
    return VerticalCoverage(tuple(site.name for site in sites), ground_range, altitude,
                            float(rcs_m2), pd, horizon,
                            np.array([site.height_m for site in sites]),
                            environment.record)
