"""Where a threat's planned path enters the DEM's ground, and the path cut there.

A threat that does not follow the terrain flies its route's altitudes above the flat
ground (``origin.ground_elevation_m``); over a scenario DEM its straight legs can run into
a hill. With ``sim.threat_ground: terrain`` the raid cuts such a path where it first goes
below the DEM's ground by more than :data:`GROUND_TOLERANCE_M` (the rounds' tolerance,
:mod:`iadsim.world.terrain_ground`): the threat ends there with fate ``crashed`` (a
``ground_impact`` event), as a terrain-following threat that cannot climb over a rise
(:mod:`iadsim.threats.terrain_following`). This is computed once per distinct path from
its planned vertices, before the run: the path between vertices is straight in latitude,
longitude and altitude (as :class:`iadsim.threats.raid.Raid` interpolates it, in time),
sampled every quarter DEM cell of ground track (the bilinear ground bends at cell edges),
linear between the last sample above the ground and the first below, so the crossing found
lies within a fraction of a cell of the exact one along the path.

A threat diving onto its target meets the ground there by design: samples within the
target's radius (``spare_radius_m``, horizontal, of the path's last point) are not counted
as in the ground.

:func:`planned_ground_impacts` lists, from a built raid, every threat whose path ends in the
ground (either cause), with where and how far along: what ``iadsim validate`` and ``iadsim
run`` warn of.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iadsim.scenario.schema import Scenario
from iadsim.threats.route_shaping import METRES_PER_DEGREE_LAT
from iadsim.world.geodesy import LocalFrame
from iadsim.world.terrain import Terrain
from iadsim.world.terrain_ground import GROUND_TOLERANCE_M

#: Ground-track samples per DEM cell (as terrain following).
SAMPLES_PER_CELL = 4
#: Most samples along one path (a long route over a fine DEM is sampled coarser).
MAX_SAMPLES = 20_000


def ground_track_m(lat_deg: np.ndarray, lon_deg: np.ndarray) -> np.ndarray:
    """Length (m) of each segment's ground track between successive vertices (flat-earth
    scale factors at the segment's mid latitude, as :mod:`iadsim.threats.route_shaping`);
    shape ``(vertices - 1,)``."""
    lat, lon = np.asarray(lat_deg, dtype=float), np.asarray(lon_deg, dtype=float)
    east = (lon[1:] - lon[:-1]) * METRES_PER_DEGREE_LAT * np.cos(np.radians(
        0.5 * (lat[1:] + lat[:-1])))
    north = (lat[1:] - lat[:-1]) * METRES_PER_DEGREE_LAT
    return np.hypot(east, north)


def first_ground_crossing(lat_deg: np.ndarray, lon_deg: np.ndarray, alt_m: np.ndarray,
                          terrain: Terrain, spare_radius_m: float = 0.0
                          ) -> tuple[int, float] | None:
    """Where a path first goes below the DEM's ground (module docstring).

    Parameters
    ----------
    lat_deg, lon_deg, alt_m : numpy.ndarray
        The path's vertices, shape ``(vertices,)`` (deg, deg unwrapped, m above the datum).
    terrain : Terrain
        The DEM.
    spare_radius_m : float
        Samples within this horizontal distance (m) of the last vertex are not counted.

    Returns
    -------
    tuple or None
        The segment (index of its first vertex) and the fraction (0-1) along it where the
        path enters the ground, or None when it stays above it. Inputs are not modified.
    """
    lat, lon = np.asarray(lat_deg, dtype=float), np.asarray(lon_deg, dtype=float)
    alt = np.asarray(alt_m, dtype=float)
    if lat.size < 2:
        return None
    length = ground_track_m(lat, lon)
    spacing = max(terrain.cell_size_m / SAMPLES_PER_CELL, float(length.sum()) / MAX_SAMPLES,
                  1.0)
    pieces = np.maximum(1, np.ceil(length / spacing)).astype(np.int64)
    segment = np.append(np.repeat(np.arange(length.size), pieces), length.size - 1)
    fraction = np.append((np.arange(segment.size - 1)
                          - np.repeat(np.cumsum(pieces) - pieces, pieces))
                         / pieces[segment[:-1]], 1.0)
    sample_lat = lat[segment] + fraction * (lat[segment + 1] - lat[segment])
    sample_lon = lon[segment] + fraction * (lon[segment + 1] - lon[segment])
    sample_alt = alt[segment] + fraction * (alt[segment + 1] - alt[segment])
    margin = sample_alt - terrain.elevation_at(sample_lat, sample_lon) + GROUND_TOLERANCE_M
    below = margin < 0.0
    if spare_radius_m > 0.0:
        east = (sample_lon - lon[-1]) * METRES_PER_DEGREE_LAT * np.cos(np.radians(lat[-1]))
        north = (sample_lat - lat[-1]) * METRES_PER_DEGREE_LAT
        below &= np.hypot(east, north) > spare_radius_m
    if not below.any():
        return None
    first = int(below.argmax())
    if first == 0:
        return 0, 0.0
    previous = first - 1
    share = margin[previous] / (margin[previous] - margin[first])
    # The sample after ``previous`` lies on its segment at its fraction, or ends it (1.0).
    end = fraction[first] if segment[first] == segment[previous] else 1.0
    return (int(segment[previous]),
            float(fraction[previous] + share * (end - fraction[previous])))


def cut_at(columns: tuple[np.ndarray, ...], segment: int, fraction: float
           ) -> tuple[np.ndarray, ...]:
    """Per-vertex columns (each ``(vertices,)``) cut at ``fraction`` of ``segment``: the
    vertices up to the segment's start, then the point there (linear between vertices)."""
    return tuple(np.append(np.asarray(column[:segment + 1], dtype=float),
                           column[segment] + fraction * (column[segment + 1] - column[segment]))
                 for column in columns)


@dataclass(frozen=True, slots=True)
class PlannedGroundImpact:
    """A threat whose planned path ends in the ground: where, and how far along."""

    threat_id: int
    group: str
    member: int  # within its group, from 0
    lat_deg: float
    lon_deg: float
    ground_m: float  # altitude there (m above the datum): the ground it meets
    along_km: float  # ground track flown from launch
    route_km: float  # ground track of the planned route (its waypoints, straight legs)
    after_s: float  # time since launch
    crashes: bool  # False: sim.threat_ground none lets it fly on through the ground

    def line(self) -> str:
        """One line for the user (``iadsim validate`` and ``iadsim run``)."""
        outcome = ("it crashes there" if self.crashes
                   else "it flies on through the ground (sim.threat_ground: none)")
        return (f"threat {self.threat_id} ({self.group} #{self.member}): its planned route "
                f"goes into the ground at {self.lat_deg:.4f} N {self.lon_deg:.4f} E "
                f"(ground {self.ground_m:,.0f} m), {self.along_km:.1f} km along "
                f"(of {self.route_km:.1f} km), {self.after_s:.0f} s after launch; "
                f"{outcome}")


def planned_ground_impacts(scenario: Scenario) -> list[PlannedGroundImpact]:
    """Every threat of ``scenario`` whose planned path ends in the ground (a route into the
    DEM, whatever ``sim.threat_ground`` says, or a terrain-following threat that cannot
    climb over a rise), in threat order. Without a DEM: none, at no cost."""
    if scenario.terrain is None:
        return []
    from iadsim.threats.raid import build_raid  # the raid builds on this module

    frame = LocalFrame(scenario.origin.lat_deg, scenario.origin.lon_deg, 0.0)
    raid = build_raid(scenario, frame, threat_ground=True)
    crashes = scenario.sim.threat_ground == "terrain"
    found = []
    for row in raid.ground_impact.nonzero()[0]:
        group_index = int(raid.group_index[row])
        group = scenario.threats[group_index]
        route = group.route or []
        route_km = (float(ground_track_m([p.lat_deg for p in route],
                                         [p.lon_deg for p in route]).sum()) / 1e3
                    if len(route) > 1 else float("nan"))
        lat, lon = raid.path_lat_deg[row], raid.path_lon_deg[row]  # padded: ends there
        found.append(PlannedGroundImpact(
            threat_id=int(row), group=group.name,
            member=int(row - (raid.group_index == group_index).argmax()),
            lat_deg=float(lat[-1]), lon_deg=float((lon[-1] + 180.0) % 360.0 - 180.0),
            ground_m=float(raid.path_alt_m[row, -1]),
            along_km=float(ground_track_m(lat, lon).sum()) / 1e3, route_km=route_km,
            after_s=float(raid.flight_time_s[row]),
            crashes=crashes or group.terrain_following))
    return found
