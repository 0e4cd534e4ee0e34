"""Kinematic plausibility at confirmation (``tracking.kinematic_plausibility``): a tentative
track whose estimated velocity no threat kind of the scenario could fly at its height is
not confirmed.

Why: a young track's velocity prior is bounded only by ``max_target_speed_mps`` (2,500
m/s by default, kept high by ballistic missiles). In the 1,000-threat raid of
``benchmarks/engine_scale.py`` (ten lanes 1.5 km apart, a 2 s revisit), both confirmation
rules confirmed ghost tracks moving at 560-900 m/s below 3 km, hopping from one threat's
plots to the next lane's (1.5 km over 2 s is 750 m/s): 76 under ``m_of_n_and_score`` and
231 under ``score`` in seed 5 (``benchmarks/confirmation_rounds.py``). Rounds fired at
them lock nothing. A velocity gate at initiation, the speeds the targets of interest can
have, is the classical remedy (Blackman and Popoli, *Design and Analysis of Modern
Tracking Systems*, 1999, sec. 7.2, track initiation: a velocity gate of maximum and
minimum target speed on the plots of a new track; Bar-Shalom, Willett and Tian,
*Tracking and Data Fusion*, 2011, sec. 3.6, the same velocity bound in initiation). Here
it is applied at confirmation, where the track's velocity is the estimate of several
plots rather than a difference of two.

The bound (:class:`SpeedBound`) is what a planner knows, never the threats' states: the
scenario's declared threat kinds and their declared speeds.

* Waypoint kinds (aircraft, cruise missile, drone, target drone) fly their legs at their
  declared speeds: the fastest declared speed of any waypoint group (a group's
  ``speed_mps`` or its legs'), times ``1 + plausibility_speed_margin``, bounds them at
  any height. A group with no declared speed (a recording) lifts the bound to
  ``max_target_speed_mps`` (nothing is refused on speed).
* A ballistic missile (when the scenario has any) is fast, high and, below
  :data:`BALLISTIC_LEVEL_FLIGHT_HEIGHT_M`, climbing or descending steeply: a track there
  faster than the waypoint bound is plausible when its flight-path angle may be at least
  ``plausibility_ballistic_path_angle_deg`` (an SRBM's re-entry is at 30-60 degrees;
  Zarchan, *Tactical and Strategic Missile Guidance*, 6th ed., 2012, ch. 30, re-entry at
  flight-path angles of tens of degrees). Above that height (above the ceilings of the
  catalog's aircraft and cruise missiles) any speed up to ``max_target_speed_mps`` is
  plausible, the level flight near apogee included.

The estimate's uncertainty is allowed for: a track is refused only when its speed less
``plausibility_sigmas`` standard deviations (its velocity covariance along its velocity)
exceeds the bound, and its flight-path angle is read with its vertical speed moved by
``plausibility_sigmas`` standard deviations away from zero. A refused track stays
tentative (it keeps its plots and its score) and confirms at a later report once its
estimate is plausible; M of N deletes it after its misses, the score at its deletion
threshold, and both at ``tentative_timeout_s``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from iadsim.scenario.schema import Scenario, ThreatGroup, Tracking

#: Height (m above the ground) above which any speed up to ``max_target_speed_mps`` is
#: plausible when the scenario has ballistic missiles: above the ceilings of the catalog's
#: aircraft (about 8-12 km) and cruise missiles; a ballistic missile flies level there
#: only near its apogee.
BALLISTIC_LEVEL_FLIGHT_HEIGHT_M = 15_000.0


@dataclass(frozen=True, slots=True)
class SpeedBound:
    """The speeds the scenario's threat kinds may fly at, by height (see the module
    docstring). ``waypoint_speed_mps``: the bound of the waypoint kinds (with the margin);
    ``ballistic``: whether the scenario has ballistic missiles; ``max_speed_mps``: the
    tracker's ``max_target_speed_mps``; ``min_path_angle_rad``: the smallest flight-path
    angle of a fast ballistic missile below :data:`BALLISTIC_LEVEL_FLIGHT_HEIGHT_M`;
    ``sigmas``: the estimate's standard deviations allowed."""

    waypoint_speed_mps: float
    ballistic: bool
    max_speed_mps: float
    min_path_angle_rad: float
    sigmas: float

    @classmethod
    def for_threats(cls, threats: Sequence[ThreatGroup], settings: Tracking) -> SpeedBound:
        """The bound of the declared ``threats`` (their kinds and declared speeds only)."""
        fastest = 0.0
        for group in threats:
            if group.kind == "ballistic_missile":
                continue
            speeds = [group.speed_mps] + [point.speed_mps for point in group.route or ()]
            declared = [speed for speed in speeds if speed is not None]
            if not declared:  # a recording: its speed is not declared
                fastest = settings.max_target_speed_mps
                break
            fastest = max(fastest, *declared)
        waypoint = min(settings.max_target_speed_mps,
                       fastest * (1.0 + settings.plausibility_speed_margin))
        return cls(waypoint_speed_mps=waypoint,
                   ballistic=any(group.kind == "ballistic_missile" for group in threats),
                   max_speed_mps=settings.max_target_speed_mps,
                   min_path_angle_rad=np.radians(settings.plausibility_ballistic_path_angle_deg),
                   sigmas=settings.plausibility_sigmas)

    @classmethod
    def for_scenario(cls, scenario: Scenario) -> SpeedBound | None:
        """The scenario's bound, or None when ``tracking.kinematic_plausibility`` is off."""
        if not scenario.tracking.kinematic_plausibility:
            return None
        return cls.for_threats(scenario.threats, scenario.tracking)

    def plausible(self, velocity_mps: np.ndarray, velocity_cov_m2s2: np.ndarray,
                  height_m: np.ndarray) -> np.ndarray:
        """Whether each track (velocity (k, 3) ENU, its covariance (k, 3, 3), height above
        the ground (k,)) may be a threat of the scenario's kinds (bool (k,))."""
        speed = np.linalg.norm(velocity_mps, axis=1)
        direction = velocity_mps / np.maximum(speed, 1e-9)[:, None]
        along_variance = np.einsum("ki,kij,kj->k", direction, velocity_cov_m2s2, direction)
        slowest = speed - self.sigmas * np.sqrt(np.maximum(along_variance, 0.0))
        plausible = slowest <= self.waypoint_speed_mps
        if self.ballistic:
            vertical_sigma = np.sqrt(np.maximum(velocity_cov_m2s2[:, 2, 2], 0.0))
            steepest = np.abs(velocity_mps[:, 2]) + self.sigmas * vertical_sigma
            steep = steepest >= np.sin(self.min_path_angle_rad) * speed
            plausible |= (slowest <= self.max_speed_mps) & (
                steep | (height_m >= BALLISTIC_LEVEL_FLIGHT_HEIGHT_M))
        return plausible
