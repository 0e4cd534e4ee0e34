"""Electronic attack against drones: jamming that defeats a drone, which falls or flies off.

A jammer radiates a beam (full width ``jam_beamwidth_deg``) pointed at the engaged track.
Every drone physically inside that beam, within the jammer's range and line of sight, is
defeated at a constant rate per second of jamming (``defeat_rate_per_s``, by threat
kind: a one-way attack drone that loses its satellite navigation or its control link),
so over a step of ``dt`` the probability is ``1 - exp(-rate dt)`` (a Poisson process:
independent of how the dwell is cut into steps). Neighbours inside the beam are jammed
too; kinds with rate 0 (missiles, aircraft here) are immune.

A defeated drone either falls (share ``fall_fraction``: it leaves the truth at once, fate
``defeated``) or flies off: it turns onto a heading drawn within
:data:`FLYOFF_SPREAD_DEG` of the direction away from the jammer, keeps its speed and
altitude for ``flyoff_distance_km``, and its route ends there (it withdraws). The turn
is instantaneous (a drone turning at 10 deg/s takes a dozen seconds to reverse: the
model is early by that much). Either way the battle manager sees it only through the
picture: the track stops being updated, or turns away (kill assessment reads a change of
kinematics).

The defeat rates and the fall share of the catalog are notional, set to the order of the
open claims for counter-UAS jammers (drones defeated within seconds at a few km).
"""

from __future__ import annotations

import numpy as np

from iadsim.threats.raid import Raid
from iadsim.world.geodesy import LocalFrame

#: A drone that flies off turns onto a heading within this of straight away (deg).
FLYOFF_SPREAD_DEG = 60.0


def defeat_probability(rate_per_s: np.ndarray, dt_s: float) -> np.ndarray:
    """Probability that a drone jammed for ``dt_s`` at ``rate_per_s`` is defeated:
    ``1 - exp(-rate dt)``."""
    return -np.expm1(-np.asarray(rate_per_s, dtype=float) * dt_s)


def predicted_jam_kill_probability(rate_per_s: np.ndarray, dwell_s: np.ndarray) -> np.ndarray:
    """Probability that a dwell of ``dwell_s`` defeats a drone jammed at ``rate_per_s``
    (the battle manager's predicted Pk of one jamming shot)."""
    return -np.expm1(-np.asarray(rate_per_s, dtype=float) * np.asarray(dwell_s, dtype=float))


def flyoff_heading_rad(jammer_m: np.ndarray, threat_m: np.ndarray,
                       rng: np.random.Generator) -> float:
    """Heading (rad, from east, counter-clockwise) of a defeated drone that flies off:
    away from the jammer, spread uniformly by +-:data:`FLYOFF_SPREAD_DEG`. One draw."""
    away = np.arctan2(threat_m[1] - jammer_m[1], threat_m[0] - jammer_m[0])
    return float(away + np.radians(FLYOFF_SPREAD_DEG) * (2.0 * rng.random() - 1.0))


def fly_off(raid: Raid, frame: LocalFrame, threat: int, time_s: float, position_m: np.ndarray,
            heading_rad: float, distance_m: float) -> None:
    """Rewrite one threat's path from ``time_s``: from ``position_m`` (ENU, m) straight on
    ``heading_rad`` for ``distance_m`` at its current speed and altitude, then the route
    ends. Modifies ``raid``'s path arrays in place (the truth changes: physics)."""
    elapsed = time_s - raid.launch_time_s[threat]
    back = raid.geodetic_at(max(time_s - 1.0, raid.launch_time_s[threat]),
                            np.array([threat]))
    before = frame.to_enu(*back).reshape(3)
    speed = max(float(np.linalg.norm(position_m - before)
                      / max(min(1.0, elapsed), 1e-9)), 1.0)
    end = position_m + distance_m * np.array([np.cos(heading_rad), np.sin(heading_rad), 0.0])
    lat, lon, _ = frame.to_geodetic(np.vstack([position_m, end]))
    here_lat, here_lon, here_alt = raid.geodetic_at(time_s, np.array([threat]))
    # Keep the altitude above the ellipsoid, as flown: a level flight off.
    raid.path_lat_deg[threat, :] = lat[1]
    raid.path_lon_deg[threat, :] = lon[1]
    raid.path_alt_m[threat, :] = here_alt[0]
    raid.path_lat_deg[threat, 0], raid.path_lon_deg[threat, 0] = here_lat[0], here_lon[0]
    duration = distance_m / speed
    raid.path_time_s[threat, :] = elapsed + duration
    raid.path_time_s[threat, 0] = elapsed
    raid.flight_time_s[threat] = elapsed + duration
