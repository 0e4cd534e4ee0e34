"""What a radar faces besides the targets' echo, converted for the detection kernel: each
radar's clutter, jamming and range-rate parameters, the run's noise jammers, the threats'
RCS by aspect and their motion over a step.

Scenario fields: :mod:`iadsim.scenario.radar_environment_schema`. Models:
:mod:`iadsim.sensors.clutter` and :mod:`iadsim.sensors.jamming`. The detection kernel in
:mod:`iadsim.sensors.radar` reads these. The clutter plus jamming added to the noise is one
compiled function, :func:`look_interference`, which the detection kernel calls per
(radar, target) and :func:`interference_to_noise` per point for callers outside the
simulation (coverage maps).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from iadsim.scenario.schema import Radar, RadarEquation, Scenario
from iadsim.sensors.clutter import clutter_to_noise, surface_gamma_db
from iadsim.sensors.jamming import jammer_constant, jammer_geometry, jamming_from_geometry
from iadsim.world.earth import effective_earth_radius_m, radar_horizon_m
from iadsim.world.geodesy import LocalFrame

if TYPE_CHECKING:
    from iadsim.sensors.radar import RadarSite

def environment_fields(scenario: Scenario, radar: Radar) -> dict[str, float]:
    """The clutter, jamming and range-rate fields of one radar's :class:`RadarSite`."""
    fields: dict[str, float] = {"clutter_improvement_db": radar.clutter_improvement_db,
                                "sidelobe_level_db": radar.sidelobe_level_db}
    if radar.azimuth_beamwidth_deg is not None:
        fields["azimuth_beamwidth_rad"] = float(np.deg2rad(radar.azimuth_beamwidth_deg))
    if radar.elevation_beamwidth_deg is not None:
        fields["elevation_beamwidth_rad"] = float(np.deg2rad(radar.elevation_beamwidth_deg))
    receive = radar.radar_equation if radar.radar_equation is not None else radar.receiver
    frequency_hz = None if receive is None else receive.frequency_hz
    surface = radar.surface if radar.surface is not None else scenario.surface
    if surface.kind != "none" and radar.range_resolution_m is not None:
        gamma_db = (surface.gamma_db if surface.gamma_db is not None else surface_gamma_db(
            surface.kind, surface.land_type, surface.sea_state, frequency_hz))
        fields["clutter_constant_m"] = float(10.0 ** (gamma_db / 10.0)
                                             * fields["azimuth_beamwidth_rad"]
                                             * radar.range_resolution_m)
    if receive is not None:
        fields["jammer_constant"] = jammer_constant(receive.gain_rx_db, receive.frequency_hz,
                                                    receive.system_temperature_k)
        fields["receiver_bandwidth_hz"] = (1.0 / receive.pulse_width_s
                                           if isinstance(receive, RadarEquation)
                                           else receive.bandwidth_hz)
    if radar.range_rate_sigma_mps is not None:
        fields["range_rate_sigma_mps"] = radar.range_rate_sigma_mps
    return fields


@dataclass(frozen=True, slots=True)
class Jammers:
    """The noise jammers of a run: fixed (stand-off) ones and those threats carry.

    fixed_*: (f,) or (f, 3) arrays, scenario ENU (m), height above ground (m), ERP (W),
    bandwidth (Hz), on from ``fixed_start_s`` to ``fixed_end_s``; carried_*: (n_threats,),
    ERP 0 for a threat with no jammer.
    """

    fixed_position_m: np.ndarray
    fixed_height_m: np.ndarray
    fixed_erp_w: np.ndarray
    fixed_bandwidth_hz: np.ndarray
    fixed_start_s: np.ndarray
    fixed_end_s: np.ndarray
    carried_erp_w: np.ndarray
    carried_bandwidth_hz: np.ndarray

    @property
    def any(self) -> bool:
        return bool(self.fixed_erp_w.size) or bool((self.carried_erp_w > 0).any())


def run_jammers(scenario: Scenario, frame: LocalFrame, group_index: np.ndarray) -> Jammers:
    """The jammers of a scenario: its stand-off jammers and each threat's (by its group,
    ``group_index`` (n_threats,))."""
    ground = scenario.origin.ground_elevation_m
    fixed = scenario.jammers
    position = (frame.to_enu([j.lat_deg for j in fixed], [j.lon_deg for j in fixed],
                             [ground + j.altitude_m for j in fixed]).reshape(-1, 3)
                if fixed else np.zeros((0, 3)))
    group_erp = np.array([0.0 if g.jammer is None else g.jammer.erp_w
                          for g in scenario.threats] + [0.0])
    group_bandwidth = np.array([1.0 if g.jammer is None else g.jammer.bandwidth_hz
                                for g in scenario.threats] + [1.0])
    return Jammers(position, np.array([j.altitude_m for j in fixed], dtype=float),
                   np.array([j.erp_w for j in fixed], dtype=float),
                   np.array([j.bandwidth_hz for j in fixed], dtype=float),
                   np.array([j.start_s for j in fixed], dtype=float),
                   np.array([np.inf if j.end_s is None else j.end_s for j in fixed],
                            dtype=float),
                   group_erp[group_index], group_bandwidth[group_index])


def aspect_rcs_table(scenario: Scenario, group_index: np.ndarray) -> np.ndarray:
    """Each threat's RCS by aspect (nose, side, tail), m^2, shape (n_threats, 3); NaN rows
    for threats of groups without ``rcs_by_aspect``."""
    table = np.full((len(scenario.threats) + 1, 3), np.nan)
    for index, group in enumerate(scenario.threats):
        if group.rcs_by_aspect is not None:
            aspect = group.rcs_by_aspect
            table[index] = (aspect.nose_m2, aspect.side_m2, aspect.tail_m2)
    return table[group_index]


@dataclass(frozen=True, slots=True)
class StepMotion:
    """Where the threats were at the start of the step and how fast they move, for looks
    inside the step, RCS by aspect and range rate. Arrays indexed by threat id."""

    start_s: float
    start_position_m: np.ndarray  # (n, 3) scenario ENU
    start_height_m: np.ndarray  # (n,)
    velocity_mps: np.ndarray  # (n, 3) mean over the step




@njit(cache=True)
def aspect_rcs(nose_side_tail_m2: np.ndarray, radial: float, slant_m: float,
                velocity_mps: np.ndarray) -> float:
    """RCS (m^2) at the aspect the radar sees: the angle between the threat's velocity and
    its line of sight to the radar (0 nose on, pi tail on), interpolated in dB between
    nose (0), side (pi/2) and tail (pi). ``radial``: velocity . (threat - radar), so the
    threat flies toward the radar when it is negative. A threat at rest shows its side."""
    speed = np.sqrt(velocity_mps[0] ** 2 + velocity_mps[1] ** 2 + velocity_mps[2] ** 2)
    if speed * slant_m <= 0.0:
        return nose_side_tail_m2[1]
    cosine = min(max(-radial / (speed * slant_m), -1.0), 1.0)
    aspect = np.arccos(cosine) / (0.5 * np.pi)  # 0 nose, 1 side, 2 tail
    lower = min(int(aspect), 1)
    fraction = aspect - lower
    low_db = np.log10(nose_side_tail_m2[lower])
    high_db = np.log10(nose_side_tail_m2[lower + 1])
    return 10.0 ** (low_db + fraction * (high_db - low_db))


#: Columns of an :func:`environment_row`.
(CLUTTER_CONSTANT, ELEVATION_BEAMWIDTH, CLUTTER_FLOOR, IMPROVEMENT, JAMMER_CONSTANT,
 RECEIVER_BANDWIDTH, AZIMUTH_BEAMWIDTH, JAMMER_FLOOR, RANGE_RATE_SIGMA,
 ANTENNA_HEIGHT) = range(10)


def environment_row(site: RadarSite) -> np.ndarray:
    """(10,) the radar's clutter, jamming and range-rate parameters as the compiled
    kernels read them (columns named by the constants above): clutter constant (m),
    elevation beamwidth (rad), two-way sidelobe floor, improvement factor (linear),
    jammer constant, receiver bandwidth (Hz), azimuth beamwidth (rad), one-way sidelobe
    floor, range-rate sigma (m/s), antenna height above ground (m)."""
    return np.array([
        site.clutter_constant_m, site.elevation_beamwidth_rad,
        10.0 ** (2.0 * site.sidelobe_level_db / 10.0),
        10.0 ** (site.clutter_improvement_db / 10.0), site.jammer_constant,
        site.receiver_bandwidth_hz, site.azimuth_beamwidth_rad,
        10.0 ** (site.sidelobe_level_db / 10.0), site.range_rate_sigma_mps, site.height_m])


@njit(cache=True)
def look_interference(environment: np.ndarray, snr_constant: float, slant_m: float,
                      elevation_rad: float, east_m: float, north_m: float, up_m: float,
                      jammers: np.ndarray, earth_radius_m: float,
                      clutter_in_view: bool = True) -> float:
    """``(C / I + J) / N`` (linear) of one radar whose beam points at a target: residual
    clutter (:func:`iadsim.sensors.clutter.clutter_to_noise` over the improvement factor,
    when the radar has a surface) plus jamming
    (:func:`iadsim.sensors.jamming.jamming_from_geometry`, when a jammer reaches it), so
    that ``SINR = SNR / (1 + this)``. ``environment``: the radar's :func:`environment_row`;
    ``slant_m`` (at least 1 m) and ``elevation_rad`` the target's in the radar's frame;
    ``east_m, north_m, up_m`` its offset from the radar (scenario ENU); ``jammers`` the
    radar's :func:`iadsim.sensors.jamming.jammer_geometry` (no rows: no jamming);
    ``clutter_in_view``: False where a DEM shadows the target's range cell (no clutter).
    The one sum of the detection kernel and of coverage maps. Hot path: no checks."""
    total = 0.0
    if environment[CLUTTER_CONSTANT] > 0.0 and clutter_in_view:
        total += clutter_to_noise(
            snr_constant, slant_m, elevation_rad, environment[ANTENNA_HEIGHT],
            environment[CLUTTER_CONSTANT], environment[ELEVATION_BEAMWIDTH],
            environment[CLUTTER_FLOOR], earth_radius_m) / environment[IMPROVEMENT]
    if jammers.shape[0]:
        total += jamming_from_geometry(jammers, east_m, north_m, up_m,
                                       environment[AZIMUTH_BEAMWIDTH], environment[JAMMER_FLOOR])
    return total


def interference_to_noise(site: RadarSite, target_position_m: np.ndarray,
                          jammers: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
                          | None = None, carried_jammer: tuple[float, float] | None = None,
                          target_height_m: np.ndarray | None = None,
                          jammer_in_view: np.ndarray | None = None,
                          clutter_in_view: np.ndarray | None = None) -> np.ndarray:
    """``(C / I + J) / N`` (linear) of one radar for targets at ``target_position_m``
    (..., 3), scenario ENU (m), each with the beam pointed at it: the detection kernel's
    sum (:func:`look_interference`), for coverage maps (``SINR = SNR / (1 + this)``).
    ``jammers``: (position (m, 3) ENU, height above ground (m,), ERP W (m,), bandwidth Hz
    (m,)), or None. ``carried_jammer``: (ERP W, bandwidth Hz) of a self-screening jammer on
    every target, added to ``jammers`` at the target's own place as the kernel adds a
    threat's jammer; it needs ``target_height_m`` (..., same shape as the points; m above
    the flat ground, for the jammer's horizon test). With a DEM, the terrain's masks as
    the simulation takes them (:class:`iadsim.world.terrain.TerrainMask`):
    ``jammer_in_view`` (m,) bool, which of ``jammers`` the radar sees
    (:meth:`~iadsim.world.terrain.TerrainMask.jammers_in_view`; the carried jammer rides on
    a target the radar sees, so it is in view), and ``clutter_in_view`` (..., the points'
    shape) bool, whether the ground of each target's range cell is in view
    (:meth:`~iadsim.world.terrain.TerrainMask.clutter_in_view`); None: all in view. Zero
    where the radar has no surface (or does not see the cell's ground) and no jammer
    reaches it. Inputs are not modified.
    """
    points = np.asarray(target_position_m, dtype=float)
    flat = np.ascontiguousarray(points.reshape(-1, 3))
    if jammers is None or site.jammer_constant <= 0.0:
        jammers = (np.zeros((0, 3)), np.zeros(0), np.zeros(0), np.zeros(0))
        jammer_in_view = None
    jammer_arrays = tuple(np.ascontiguousarray(array, dtype=float) for array in jammers)
    jammer_view = _EVERY_JAMMER
    if jammer_in_view is not None:
        jammer_view = np.ascontiguousarray(jammer_in_view, dtype=np.bool_).reshape(-1)
        if jammer_view.size != jammer_arrays[2].size:
            raise ValueError(f"jammer_in_view must hold one bool a jammer "
                             f"({jammer_arrays[2].size}), got {jammer_view.size}")
    clutter_view = _EVERY_POINT
    if clutter_in_view is not None:
        clutter_view = np.ascontiguousarray(np.broadcast_to(
            np.asarray(clutter_in_view, dtype=np.bool_), points.shape[:-1])).reshape(-1)
    carried = np.zeros(2)
    carried_height = np.zeros(0)
    if carried_jammer is not None and site.jammer_constant > 0.0:
        if target_height_m is None:
            raise ValueError("target_height_m is needed with carried_jammer")
        carried = np.array(carried_jammer, dtype=float)
        carried_height = np.ascontiguousarray(np.broadcast_to(
            np.asarray(target_height_m, dtype=float), points.shape[:-1]).reshape(-1))
    result = _interference_grid(
        np.asarray(site.position_enu_m, dtype=float), np.asarray(site.to_local, dtype=float),
        flat, site.snr_at_one_metre, environment_row(site),
        float(radar_horizon_m(site.height_m, 0.0)), effective_earth_radius_m(),
        *jammer_arrays, carried, carried_height, jammer_view, clutter_view)
    return result.reshape(points.shape[:-1])


@njit(cache=True)
def _interference_grid(radar_position_m: np.ndarray, to_local: np.ndarray,
                       points_m: np.ndarray, snr_constant: float, environment: np.ndarray,
                       radar_horizon: float, earth_radius_m: float,
                       jammer_position_m: np.ndarray, jammer_height_m: np.ndarray,
                       jammer_erp_w: np.ndarray, jammer_bandwidth_hz: np.ndarray,
                       carried: np.ndarray, carried_height_m: np.ndarray,
                       jammer_in_view: np.ndarray, clutter_in_view: np.ndarray) -> np.ndarray:
    out = np.zeros(points_m.shape[0])
    jammable = environment[JAMMER_CONSTANT] > 0.0
    clutter_masked = clutter_in_view.size > 0
    in_view = jammer_in_view
    # A self-screening jammer rides on each point: one more row in the jammer arrays,
    # moved to the point before each sum (the kernel's threat-carried jammer), so the
    # jammers' geometry is then recomputed per point; without one, once.
    if carried_height_m.size:
        count = jammer_erp_w.size
        position = np.empty((count + 1, 3))
        position[:count] = jammer_position_m
        height = np.empty(count + 1)
        height[:count] = jammer_height_m
        erp = np.empty(count + 1)
        erp[:count] = jammer_erp_w
        erp[count] = carried[0]
        bandwidth = np.empty(count + 1)
        bandwidth[:count] = jammer_bandwidth_hz
        bandwidth[count] = carried[1]
        if jammer_in_view.size:  # the carried jammer rides on a target in view
            in_view = np.ones(count + 1, dtype=np.bool_)
            in_view[:count] = jammer_in_view
    else:
        position, height = jammer_position_m, jammer_height_m
        erp, bandwidth = jammer_erp_w, jammer_bandwidth_hz
    geometry = np.empty((0, 5))
    if jammable and erp.size:
        geometry = jammer_geometry(radar_position_m, environment[JAMMER_CONSTANT],
                                   environment[RECEIVER_BANDWIDTH], radar_horizon,
                                   earth_radius_m, position, height, erp, bandwidth,
                                   in_view)
    for k in range(points_m.shape[0]):
        if carried_height_m.size:
            position[-1, 0], position[-1, 1] = points_m[k, 0], points_m[k, 1]
            position[-1, 2] = points_m[k, 2]
            height[-1] = carried_height_m[k]
            if jammable:
                geometry = jammer_geometry(radar_position_m, environment[JAMMER_CONSTANT],
                                           environment[RECEIVER_BANDWIDTH], radar_horizon,
                                           earth_radius_m, position, height, erp, bandwidth,
                                           in_view)
        east = points_m[k, 0] - radar_position_m[0]
        north = points_m[k, 1] - radar_position_m[1]
        up = points_m[k, 2] - radar_position_m[2]
        x = to_local[0, 0] * east + to_local[0, 1] * north + to_local[0, 2] * up
        y = to_local[1, 0] * east + to_local[1, 1] * north + to_local[1, 2] * up
        z = to_local[2, 0] * east + to_local[2, 1] * north + to_local[2, 2] * up
        slant = max(np.sqrt(x * x + y * y + z * z), 1.0)
        elevation = np.arctan2(z, np.hypot(x, y))
        out[k] = look_interference(environment, snr_constant, slant, elevation, east, north,
                                   up, geometry, earth_radius_m,
                                   not clutter_masked or clutter_in_view[k])
    return out


#: No terrain mask: every jammer, every clutter cell in view (coverage maps without a DEM).
_EVERY_JAMMER = np.zeros(0, dtype=np.bool_)
_EVERY_POINT = np.zeros(0, dtype=np.bool_)
