"""Terrain following: a waypoint threat's path lifted onto a DEM at its clearance, within a
climb and dive rate.

A group with ``terrain_following`` flies its route's altitudes as clearances ``c(s)`` above
the DEM's ground ``g(s)`` (iadsim.world.terrain) rather than above the flat ground. The
path is sampled every quarter DEM cell along its ground track (linear in latitude and longitude
between vertices, as the raid interpolates), the wanted altitude ``d = g + c`` is taken at
each sample, and the altitude flown is the lowest profile that stays at or above ``d``
and climbs or dives no faster than ``r`` (m/s) against the time ``t`` along the ground
track: ``h(t_i) = max_j (d_j - r |t_i - t_j|)``, the upper envelope of cones of slope
``r`` on the wanted points, computed in two cumulative-maximum passes (forward for the
dive, backward for the climb, so that it climbs early enough to clear a ridge ahead).
Where the terrain is gentler than ``r`` the threat flies exactly at ``g + c`` (at the
samples; linear between them); over steeper ground it rides above, cresting a ridge at
its clearance and descending at ``r`` on the far side. This is the set-clearance
envelope of terrain-following flight in its simplest kinematic form (an elementary
construction, no published model is claimed).

Look-ahead pull-up: the backward pass climbs early, as far ahead of a rise as the climb
at ``r`` needs (the look-ahead is the whole route: a mission-planned route over a stored
DEM). What it cannot do is leave its launch point higher than it is: the threat starts at
its route's first clearance, ``h(0) = d_0``, and can be no higher than ``d_0 + r t`` at
time ``t``. The altitude flown is therefore ``min(h(t), d_0 + r t)`` (still within the
rate: the lower of two profiles of slope at most ``r``). Where a rise ahead is closer to
the launch than the climb to clear it takes, the threat climbs at ``r`` from launch and
flies below its clearance; where even that profile goes below the ground, it flies into
the ground (:func:`follow_terrain` returns the path cut at the first crossing, linear
between samples, and flags it; the raid's threat then ends there in a ``ground_impact``
event, lost).

Pull-up limit: with a largest load factor ``n`` (``max_pull_up_g``, g) the threat cannot
change its flight-path angle at once. Leaving its launch point in level flight, the
highest it can be is on the pull-up circle of radius ``R = v^2 / (g (n - 1))`` (``v`` its
speed on the first leg, ``g`` standard gravity; the minimum radius of a vertical pull-up
from level flight, the load factor being ``n = 1 + v^2 / (g R)`` at the bottom of the
loop) until its climb reaches the rate ``r`` (a climb slope ``r / v`` over the ground), then
on the straight climb at ``r`` tangent to that circle: ``d_0 + R - sqrt(R^2 - x^2)`` at a
ground distance ``x`` up to ``x_1 = R s / sqrt(1 + s^2)`` (``s = r / v``), then
``d_0 + R (1 - 1 / sqrt(1 + s^2)) + r (t - t_1)``. That profile replaces ``d_0 + r t``
as the launch cap: a threat launched too near a rise to pull up in time flies into it.
Elsewhere the whole-route look-ahead lets the threat start every climb early enough, and
the corners of the rate-limited profile are still taken at once (the rounding of an
interior pull-up, which keeps the threat above that profile, is not drawn), as is the
push-over at a crest. Not modelled either: a finite sensor look-ahead.

Climb and dive rates (:data:`DEFAULT_CLIMB_RATE_MPS`) are a stated assumption, not a
published figure: a flight-path angle of about 6 degrees at the kind's catalog speed
(cruise missile 25 m/s at 250 m/s, one-way attack drone 5 m/s at 50 m/s, target drone
20 m/s at 200 m/s) and about 11 degrees for a strike aircraft (50 m/s at 250 m/s). The
speed along the path stays the leg's speed (flown along the 3-D path, so a climb takes a
little longer: the vertical rate is then at most ``r``). The pull-up limits of
:data:`DEFAULT_PULL_UP_G` are notional too: no open figure gives a cruise missile's or a
drone's terrain-following load factor; open descriptions of aircraft terrain-following
systems (the F-111's and LANTIRN's terrain-following radars) speak of automatic pull-ups of
a few g, well under a fighter's structural 7-9 g, and the figures below follow the
catalog's turn figures (about 2 g for a cruise missile and a target drone, 3 g for a strike
aircraft, under 1 g of turn for a one-way attack drone).
"""

from __future__ import annotations

import math

import numpy as np

from iadsim.threats.route_shaping import METRES_PER_DEGREE_LAT
from iadsim.world.atmosphere import STANDARD_GRAVITY_MPS2
from iadsim.world.terrain import Terrain

#: Largest climb and dive rate (m/s) of each waypoint kind when the group gives none
#: (an assumption: see the module docstring).
DEFAULT_CLIMB_RATE_MPS = {"aircraft": 50.0, "cruise_missile": 25.0, "drone": 5.0,
                          "target_drone": 20.0}
#: Notional largest load factor (g) of each waypoint kind's terrain-following pull-up (module
#: docstring): a group's ``max_pull_up_g`` when it gives none.
DEFAULT_PULL_UP_G = {"aircraft": 3.0, "cruise_missile": 2.0, "drone": 1.5,
                     "target_drone": 2.0}
#: Samples per DEM cell along the ground track: the bilinear ground bends at every cell
#: edge, and a straight line between samples a quarter cell apart cuts under a crest by
#: at most a sixteenth of what one a cell apart would.
SAMPLES_PER_CELL = 4
#: Most samples along one path (a long route over a fine DEM is sampled coarser).
MAX_SAMPLES = 20_000
#: Samples where the altitude flown is straight (slopes differing by less than this, m/s)
#: are dropped from the path table, but for the route's own vertices.
STRAIGHT_TOLERANCE_MPS = 1e-6


def follow_terrain(lat_deg: np.ndarray, lon_deg: np.ndarray, alt_m: np.ndarray,
                   speed_mps: np.ndarray, terrain: Terrain, flat_ground_m: float,
                   climb_rate_mps: float, pull_up_g: float | None = None
                   ) -> tuple[np.ndarray, ...]:
    """One member's path lifted onto the DEM (module docstring).

    Parameters
    ----------
    lat_deg, lon_deg, alt_m : numpy.ndarray
        The shaped path's vertices, shape ``(vertices,)`` (deg, deg unwrapped, m above the
        datum: the flat ground ``flat_ground_m`` plus the clearance).
    speed_mps : numpy.ndarray
        Speed on each segment, ``(vertices - 1,)``.
    terrain : Terrain
        The DEM.
    flat_ground_m : float
        The scenario's flat ground (m above the datum) the route's altitudes are over.
    climb_rate_mps : float
        Largest climb and dive rate (m/s), > 0.
    pull_up_g : float or None
        Largest load factor of the pull-up from launch (g, > 1); None: the climb rate
        is reached at once (module docstring).

    Returns
    -------
    tuple
        Latitude, longitude, altitude (m above the datum) of the new vertices and the
        speed on each segment between them, as :func:`iadsim.threats.route_shaping.shape_route`,
        and whether the path ends in the ground (bool: then its last vertex is where it
        first goes below it). Inputs are not modified.
    """
    if not climb_rate_mps > 0:
        raise ValueError(f"climb_rate_mps must be > 0, got {climb_rate_mps}")
    if pull_up_g is not None and not pull_up_g > 1.0:
        raise ValueError(f"pull_up_g must be > 1, got {pull_up_g}")
    lat, lon = np.asarray(lat_deg, dtype=float), np.asarray(lon_deg, dtype=float)
    alt, speed = np.asarray(alt_m, dtype=float), np.asarray(speed_mps, dtype=float)
    east = (lon[1:] - lon[:-1]) * METRES_PER_DEGREE_LAT * np.cos(np.radians(
        0.5 * (lat[1:] + lat[:-1])))
    north = (lat[1:] - lat[:-1]) * METRES_PER_DEGREE_LAT
    length = np.hypot(east, north)
    spacing = max(terrain.cell_size_m / SAMPLES_PER_CELL, float(length.sum()) / MAX_SAMPLES,
                  1.0)
    pieces = np.maximum(1, np.ceil(length / spacing)).astype(np.int64)
    # Sample k of segment i at fraction k / pieces[i]; the last vertex closes the path.
    segment = np.repeat(np.arange(length.size), pieces)
    fraction = (np.arange(segment.size) - np.repeat(np.cumsum(pieces) - pieces, pieces)
                ) / pieces[segment]
    new_lat = np.append(lat[segment] + fraction * (lat[segment + 1] - lat[segment]), lat[-1])
    new_lon = np.append(lon[segment] + fraction * (lon[segment + 1] - lon[segment]), lon[-1])
    clearance = np.append(alt[segment] + fraction * (alt[segment + 1] - alt[segment]),
                          alt[-1]) - flat_ground_m
    new_speed = speed[segment]
    wanted = terrain.elevation_at(new_lat, new_lon) + clearance
    step_s = (length / pieces / speed)[segment]
    time_s = np.concatenate([[0.0], np.cumsum(step_s)])
    # The lowest rate-limited profile above the wanted one, no higher than the climb
    # from the launch point allows.
    climb_from_launch = climb_rate_mps * time_s
    if pull_up_g is not None:
        distance_m = np.concatenate([[0.0], np.cumsum((length / pieces)[segment])])
        climb_from_launch = pull_up_climb(distance_m, time_s, float(speed[0]),
                                          climb_rate_mps, pull_up_g)
    flown = np.minimum(ride_line(time_s, wanted, climb_rate_mps),
                       wanted[0] + climb_from_launch)
    keep = _bends(time_s, flown)
    keep[np.concatenate([[0], np.cumsum(pieces)])] = True  # the route's own vertices
    clearance_m = flown - (wanted - clearance)  # above the ground
    below = (clearance_m < 0.0).nonzero()[0]
    if below.size:
        # Into the ground: cut between the last sample above it and the first below.
        last = int(below[0])
        above = clearance_m[last - 1]
        share = above / (above - clearance_m[last]) if last > 0 else 0.0
        kept = keep[:last].nonzero()[0]
        cut = [float(v[last - 1] + share * (v[last] - v[last - 1])) if last > 0
               else float(v[0]) for v in (new_lat, new_lon, flown)]
        return (np.append(new_lat[kept], cut[0]), np.append(new_lon[kept], cut[1]),
                np.append(flown[kept], cut[2]), new_speed[kept], True)
    kept = keep.nonzero()[0]
    # A kept vertex's outgoing segment runs at the speed of the sample it starts from.
    return new_lat[kept], new_lon[kept], flown[kept], new_speed[kept[:-1]], False


def pull_up_radius_m(speed_mps: float, load_factor_g: float) -> float:
    """Minimum radius (m) of a vertical pull-up from level flight at ``speed_mps`` (m/s)
    and load factor ``load_factor_g`` (g, > 1): ``v^2 / (g (n - 1))``."""
    return speed_mps ** 2 / (STANDARD_GRAVITY_MPS2 * (load_factor_g - 1.0))


def pull_up_climb(distance_m: np.ndarray, time_s: np.ndarray, speed_mps: float,
                  climb_rate_mps: float, load_factor_g: float) -> np.ndarray:
    """Highest climb (m above the launch altitude) from level flight at launch, at the
    ground distances ``distance_m`` (m) and times ``time_s`` (s) of samples along the path
    (both from launch, increasing): on the pull-up circle of radius
    :func:`pull_up_radius_m` until the climb slope reaches ``climb_rate_mps / speed_mps``,
    then at ``climb_rate_mps`` (module docstring)."""
    radius = pull_up_radius_m(speed_mps, load_factor_g)
    slope = climb_rate_mps / speed_mps
    arc_end_m = radius * slope / math.sqrt(1.0 + slope * slope)
    arc_end_climb_m = radius * (1.0 - 1.0 / math.sqrt(1.0 + slope * slope))
    arc_end_s = float(np.interp(arc_end_m, distance_m, time_s))
    on_arc = distance_m < arc_end_m
    across = np.where(on_arc, distance_m, 0.0)
    return np.where(on_arc, radius - np.sqrt(radius * radius - across * across),
                    arc_end_climb_m + climb_rate_mps * (time_s - arc_end_s))


def ride_line(time_s: np.ndarray, wanted_m: np.ndarray, rate_mps: float) -> np.ndarray:
    """The lowest profile at or above ``wanted_m`` (m, at the increasing times ``time_s``,
    s) whose slope is within ``rate_mps``: ``max_j (wanted_j - rate |t_i - t_j|)``."""
    forward = np.maximum.accumulate(wanted_m + rate_mps * time_s) - rate_mps * time_s
    backward = (np.maximum.accumulate((forward - rate_mps * time_s)[::-1])[::-1]
                + rate_mps * time_s)
    return backward


def _bends(time_s: np.ndarray, altitude_m: np.ndarray) -> np.ndarray:
    """Samples where the altitude's slope changes (the ends always)."""
    slope = np.diff(altitude_m) / np.maximum(np.diff(time_s), 1e-12)
    keep = np.ones(time_s.size, dtype=bool)
    keep[1:-1] = np.abs(np.diff(slope)) > STRAIGHT_TOLERANCE_MPS
    return keep
