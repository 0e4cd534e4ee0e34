"""Flyable paths for waypoint threats: turn arcs at corners, terminal pop-up or weave.

A route's waypoints are joined by straight legs (linear in latitude, longitude and
altitude). At each inner waypoint the threat turns at no more than its turn rate ``w``:
the corner becomes a circular arc of radius ``r = v / w`` (``v`` the speed of the leg
arriving at the corner), tangent to both legs, starting ``r tan(D / 2)`` before the
waypoint (``D`` the change of heading). Where a leg is too short for that (a tangent
length over half of either adjacent leg), the arc is tightened to fit and the turn is
faster than ``w``; such corners are rare in real routes and are reported by no error.
Arcs are drawn with a vertex every :data:`ARC_STEP_RAD` at most; the chord between two
vertices lies within ``r (1 - cos(ARC_STEP_RAD / 2))`` of the arc (1.0e-4 r).

Altitude follows the route (sea-skimming or low as the route gives it, height above the
flat local ground; over a DEM a ``terrain_following`` group is lifted onto it afterwards,
:mod:`iadsim.threats.terrain_following`); along an arc it goes linearly from its value at
the arc's start to its value at its end.

Terminal manoeuvres, over the last ``terminal_range_m`` of the final straight stretch
(clipped to it):

* ``popup``: climb linearly from the route's altitude to ``popup_altitude_m`` over the
  first two thirds, then dive to the last waypoint over the final third;
* ``weave``: a sinusoidal lateral offset ``A sin(pi k s / L)`` over the stretch's length
  ``L`` (``s`` the distance into it), ``k`` the whole number of half-periods closest to
  ``2 L / (v T)`` (at least one), so that the weave starts and ends on the route: the
  period flown is ``2 L / (k v)``, within a half-period's rounding of ``T``.

Geometry is computed in a local tangent plane at each corner (east/north metres from the
corner, the flat-earth scale factors of latitude and longitude there), accurate to well
under a metre over arcs of a few kilometres. Sources: the constant-rate turn (``r = v / w``)
and the fillet of two straight legs are elementary kinematics (e.g. Zarchan, Tactical
and Strategic Missile Guidance, 6th ed., ch. 1 for turn rate and lateral acceleration,
``a = v w``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

METRES_PER_DEGREE_LAT = 111_132.0
ARC_STEP_RAD = math.radians(3.0)
#: Heading changes below this are not turned (the waypoint is kept as it is).
MIN_TURN_RAD = math.radians(0.1)
#: Weave samples per half-period.
WEAVE_SAMPLES_PER_HALF_PERIOD = 12


@dataclass(frozen=True, slots=True)
class TerminalManoeuvre:
    """What a threat does over the last ``range_m`` of its route (module docstring)."""

    kind: str = "none"  # "none", "popup" or "weave"
    range_m: float = 0.0
    popup_altitude_m: float = 0.0  # above the ellipsoid, as the route's altitudes
    weave_amplitude_m: float = 0.0
    weave_period_s: float = 0.0


def shape_route(lat_deg: np.ndarray, lon_deg: np.ndarray, alt_m: np.ndarray,
                speed_mps: np.ndarray, turn_rate_rad_s: float,
                terminal: TerminalManoeuvre = TerminalManoeuvre()
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One member's flyable path from its waypoints.

    Parameters
    ----------
    lat_deg, lon_deg, alt_m : numpy.ndarray
        Waypoints, shape ``(points,)``; longitudes unwrapped; altitude in metres above
        the ellipsoid.
    speed_mps : numpy.ndarray
        Speed on each leg (m/s), shape ``(points - 1,)``.
    turn_rate_rad_s : float
        Largest turn rate (rad/s), > 0.
    terminal : TerminalManoeuvre
        The terminal manoeuvre, if any.

    Returns
    -------
    tuple of numpy.ndarray
        Latitude (deg), longitude (deg), altitude (m) of the path's vertices, shape
        ``(vertices,)``, and the speed on each segment between them, ``(vertices - 1,)``.
        The first and last vertices are the first and last waypoints.
    """
    points = np.stack([lon_deg, lat_deg], axis=1).astype(float)
    alt = np.asarray(alt_m, dtype=float)
    speeds = np.asarray(speed_mps, dtype=float)
    corner_points, corner_alt, corner_speed = _corner_arcs(points, alt, speeds,
                                                           turn_rate_rad_s)
    path = np.concatenate([points[:1], corner_points, points[-1:]])
    path_alt = np.concatenate([alt[:1], corner_alt, alt[-1:]])
    path_speed = np.concatenate([speeds[:1], corner_speed])
    if terminal.kind != "none" and terminal.range_m > 0.0:
        path, path_alt, path_speed = _terminal(path, path_alt, path_speed, terminal)
    return path[:, 1], path[:, 0], path_alt, path_speed


def _corner_arcs(points: np.ndarray, alt: np.ndarray, speeds: np.ndarray,
                 turn_rate_rad_s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The vertices replacing every inner waypoint, all corners at once.

    points: (points, 2) longitude, latitude (deg); alt (points,); speeds (points - 1,).
    Returns the vertices (lon, lat), their altitudes and the speed on the segment leaving
    each: a corner that is not turned (too straight, or a zero-length leg) keeps its
    waypoint as its one vertex.
    """
    previous, corner, following = points[:-2], points[1:-1], points[2:]
    scale = np.stack([METRES_PER_DEGREE_LAT * np.cos(np.radians(corner[:, 1])),
                      np.full(len(corner), METRES_PER_DEGREE_LAT)], axis=1)
    incoming, outgoing = (corner - previous) * scale, (following - corner) * scale
    length_in = np.linalg.norm(incoming, axis=1)
    length_out = np.linalg.norm(outgoing, axis=1)
    usable = (length_in > 0.0) & (length_out > 0.0)
    u_in = incoming / np.where(usable, length_in, 1.0)[:, None]
    u_out = outgoing / np.where(usable, length_out, 1.0)[:, None]
    turn = np.arctan2(u_in[:, 0] * u_out[:, 1] - u_in[:, 1] * u_out[:, 0],
                      (u_in * u_out).sum(axis=1))  # > 0: left turn
    turned = usable & (np.abs(turn) >= MIN_TURN_RAD)
    sweep = np.where(turned, np.abs(turn), 0.0)
    half_tan = np.tan(sweep / 2.0)
    tangent = np.minimum(speeds[:-1] / turn_rate_rad_s * half_tan,
                         0.5 * np.minimum(length_in, length_out))
    radius = np.where(turned, tangent / np.where(turned, half_tan, 1.0), 0.0)
    tangent = np.where(turned, tangent, 0.0)
    side = np.sign(turn)
    start = -tangent[:, None] * u_in  # metres from the corner
    centre = start + (side * radius)[:, None] * np.stack([-u_in[:, 1], u_in[:, 0]], axis=1)
    start_angle = np.arctan2(start[:, 1] - centre[:, 1], start[:, 0] - centre[:, 0])
    segments = np.where(turned, np.maximum(2, np.ceil(sweep / ARC_STEP_RAD)), 0).astype(int)
    # One row per vertex: its corner and its index k along the corner's arc.
    owner = np.repeat(np.arange(len(corner)), segments + 1)
    k = np.arange(owner.size) - np.repeat(np.cumsum(segments + 1) - (segments + 1),
                                          segments + 1)
    fraction = k / np.maximum(segments[owner], 1)
    angle = start_angle[owner] + side[owner] * sweep[owner] * fraction
    offsets = centre[owner] + radius[owner, None] * np.stack([np.cos(angle), np.sin(angle)],
                                                             axis=1)
    vertices = corner[owner] + offsets / scale[owner]
    alt_start = alt[1:-1] + (alt[:-2] - alt[1:-1]) * tangent / np.where(usable, length_in, 1.0)
    alt_end = alt[1:-1] + (alt[2:] - alt[1:-1]) * tangent / np.where(usable, length_out, 1.0)
    altitudes = alt_start[owner] + (alt_end - alt_start)[owner] * fraction
    leaving = np.where(k < segments[owner], speeds[:-1][owner], speeds[1:][owner])
    return vertices, altitudes, leaving


def _terminal(path: np.ndarray, alt: np.ndarray, speeds: np.ndarray,
              terminal: TerminalManoeuvre) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Insert the terminal manoeuvre on the last segment (module docstring)."""
    scale = np.array([METRES_PER_DEGREE_LAT * math.cos(math.radians(path[-1, 1])),
                      METRES_PER_DEGREE_LAT])
    last = (path[-1] - path[-2]) * scale
    length = float(np.linalg.norm(last))
    stretch = min(terminal.range_m, length)
    if stretch <= 0.0:
        return path, alt, speeds
    direction = last / length
    speed = speeds[-1]
    end, end_alt = path[-1], alt[-1]
    start_alt = end_alt + (alt[-2] - end_alt) * stretch / length
    if terminal.kind == "popup":
        distances = np.array([stretch, stretch / 3.0, 0.0])
        new_alt = np.array([start_alt, terminal.popup_altitude_m, end_alt])
        lateral = np.zeros(3)
    else:
        half_periods = max(1, round(2.0 * stretch / (speed * terminal.weave_period_s)))
        samples = half_periods * WEAVE_SAMPLES_PER_HALF_PERIOD
        into = stretch * np.arange(samples + 1) / samples
        distances = stretch - into
        new_alt = start_alt + (end_alt - start_alt) * into / stretch
        lateral = terminal.weave_amplitude_m * np.sin(np.pi * half_periods * into / stretch)
    left = np.array([-direction[1], direction[0]])
    offsets = -distances[:, None] * direction + lateral[:, None] * left
    new_points = end + offsets / scale
    keep = slice(None, -1) if stretch < length else slice(None, -2)
    kept = len(path[keep])
    # Kept segments, the segment into the stretch's start, then the stretch's own.
    speeds = np.concatenate([speeds[:kept], np.full(len(new_points) - 1, speed)])
    return (np.concatenate([path[keep], new_points]), np.concatenate([alt[keep], new_alt]),
            speeds)
