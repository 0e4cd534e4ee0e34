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

Altitude follows the route (terrain-following or sea-skimming as the route gives it,
height above the local ground); along an arc it goes linearly from its value at the
arc's start to its value at its end.

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


def _scale(lat_deg: float) -> np.ndarray:
    """Metres per degree of (longitude, latitude) at a latitude (flat-earth factors)."""
    return np.array([METRES_PER_DEGREE_LAT * math.cos(math.radians(lat_deg)),
                     METRES_PER_DEGREE_LAT])


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
    out_points, out_alt, out_speed = [points[0]], [alt[0]], []
    for corner in range(1, len(points) - 1):
        arc = _corner_arc(points[corner - 1], points[corner], points[corner + 1],
                          alt[corner - 1], alt[corner], alt[corner + 1],
                          speed_mps[corner - 1] / turn_rate_rad_s)
        if arc is None:
            out_points.append(points[corner])
            out_alt.append(alt[corner])
            out_speed.append(speed_mps[corner - 1])
            continue
        arc_points, arc_alt = arc
        out_points.extend(arc_points)
        out_alt.extend(arc_alt)
        out_speed.extend([speed_mps[corner - 1]] * len(arc_points))
    out_points.append(points[-1])
    out_alt.append(alt[-1])
    out_speed.append(speed_mps[-1])
    path, path_alt, speeds = np.array(out_points), np.array(out_alt), np.array(out_speed)
    if terminal.kind != "none" and terminal.range_m > 0.0:
        path, path_alt, speeds = _terminal(path, path_alt, speeds, terminal)
    return path[:, 1], path[:, 0], path_alt, speeds


def _corner_arc(previous: np.ndarray, corner: np.ndarray, following: np.ndarray,
                alt_previous: float, alt_corner: float, alt_following: float,
                radius_m: float) -> tuple[list[np.ndarray], list[float]] | None:
    """Vertices (lon, lat) and altitudes of the arc replacing one corner, or None."""
    scale = _scale(corner[1])
    incoming = (corner - previous) * scale
    outgoing = (following - corner) * scale
    length_in, length_out = np.linalg.norm(incoming), np.linalg.norm(outgoing)
    if length_in == 0.0 or length_out == 0.0:
        return None
    u_in, u_out = incoming / length_in, outgoing / length_out
    cross = u_in[0] * u_out[1] - u_in[1] * u_out[0]
    turn = math.atan2(cross, float(u_in @ u_out))  # > 0: left turn
    sweep = abs(turn)
    if sweep < MIN_TURN_RAD:
        return None
    tangent = radius_m * math.tan(sweep / 2.0)
    limit = 0.5 * min(length_in, length_out)
    if tangent > limit:
        tangent = limit
        radius_m = tangent / math.tan(sweep / 2.0)
    start = -tangent * u_in  # metres from the corner
    left = np.array([-u_in[1], u_in[0]])
    centre = start + math.copysign(radius_m, turn) * left
    segments = max(2, math.ceil(sweep / ARC_STEP_RAD))
    start_angle = math.atan2(start[1] - centre[1], start[0] - centre[0])
    angles = start_angle + math.copysign(1.0, turn) * sweep * np.arange(segments + 1) / segments
    offsets = centre + radius_m * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    alt_start = alt_corner + (alt_previous - alt_corner) * tangent / length_in
    alt_end = alt_corner + (alt_following - alt_corner) * tangent / length_out
    altitudes = alt_start + (alt_end - alt_start) * np.arange(segments + 1) / segments
    return [corner + offset / scale for offset in offsets], list(altitudes)


def _terminal(path: np.ndarray, alt: np.ndarray, speeds: np.ndarray,
              terminal: TerminalManoeuvre) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Insert the terminal manoeuvre on the last segment (module docstring)."""
    scale = _scale(path[-1, 1])
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
