"""Kill assessment from the picture: did the engaged threat die, judged from what the
radars show after the intercept?

The battle manager knows when each of its rounds reached its aim point (the fuze or
self-destruct time), never whether it killed. After the engagement's last round, it
waits ``kill_assessment_delay_s`` and at least ``kill_assessment_looks`` revisits of the
fastest radar that held the track (plus that radar's report latency), then reads the
track:

- the track is gone from the picture (the tracker dropped it) -> ``vanished``: killed;
- no radar has updated it since the intercept -> ``not_updated``: killed;
- its velocity now differs from its velocity before the intercept by more than
  :data:`KINEMATIC_CHANGE_FRACTION` of the speed before (falling, slowed, broken up)
  -> ``kinematics_changed``: killed;
- otherwise (updated since the intercept, same kinematics) -> ``updated``: alive, and the
  track may be engaged again.

The kinematic cue is the doctrine's ``kill_assessment_cue``:

- ``velocity_change`` (the default): the norm of the change of the velocity vector above
  :data:`KINEMATIC_CHANGE_FRACTION` of the speed before. A live target's turn trips it: a
  60-degree turn at constant speed is a change of 1.0 x speed, so a drone that turns a
  waypoint corner after a missed round reads as killed and its accurate track is dropped.
- ``speed_or_fall``: only what a killed air-breather does and a live one does not: it
  slows (speed now below ``1 -`` :data:`SPEED_LOSS_FRACTION` of the speed before) ->
  ``slowed``, or it falls (its descent rate grew by more than
  :data:`FALL_CHANGE_MPS` of its picture class, the class of the track as the picture
  classifies it, never the truth) -> ``fell``. A turn at constant speed and height reads
  as alive. A track the picture classes as a ballistic missile has no kinematic cue (it
  gains g x flyout time of descent rate in the fall, and re-entry drag can halve its
  speed within seconds): only a lost or no longer updated track reads as its kill.

A jamming engagement (:mod:`iadsim.effectors.electronic_attack`) is read by
:func:`read_jamming_evidence`: the track gone or not updated, or now opening from the
asset it threatened (``turned_away``: a jammed drone that flies off), reads as defeated;
a drone still closing on its asset reads as alive, whatever turns its route makes during
the dwell (the velocity-change cue would read every waypoint corner as a kill).

The judgement is then wrong with a probability that depends on the radars' view
(:func:`error_probability`): a false kill (a live threat judged killed: its track is
dropped and not engaged again) with ``false_kill_probability``, a missed kill (a dead
threat judged alive: a round is wasted on its coasting track) with
``missed_kill_probability``, each divided by the number of radars whose reports the
judgement rests on (more independent looks, fewer errors). The draws come from the
battle manager's own random stream, so they never shift another subsystem's draws.

Limits: the velocity before is the track's at the engagement's last launch, so a target
that accelerates a lot during a long flyout (a ballistic missile gains g x flyout time of
downward speed) nears the threshold; threats close together can hand the engaged track
to a neighbour, which then reads as alive (see :mod:`iadsim.analysis.kill_assessment_score`).

The cues (loss of track, change of speed or altitude; debris and signature cues are not
modelled) are the generic ones of radar kill assessment (e.g. Skolnik, Introduction to
Radar Systems, 3rd ed., on target kill assessment; U.S. Joint Publication 3-01, Countering
Air and Missile Threats, on combat assessment); the thresholds (the speed-loss fraction,
the fall bounds by class) and the error model are notional: one probability per error
kind, scaled by the radar count (no SNR or debris model yet). Nothing here reads the truth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: A velocity change larger than this fraction of the speed before the intercept (the
#: norm of the difference of the two velocity vectors) is read as a killed target.
KINEMATIC_CHANGE_FRACTION = 0.5

#: ``speed_or_fall``: a speed now below ``1 -`` this fraction of the speed before reads as a
#: killed target (notional: a live target at constant speed keeps it; a tracker lagging a
#: 90-degree turn cuts the corner and may show cos 45 = 0.71 of it for a moment).
SPEED_LOSS_FRACTION = 0.4

#: ``speed_or_fall``: a descent rate (m/s) grown by more than this since the last launch
#: reads as a killed target, by the track's picture class (notional: above the dives the
#: classes fly, e.g. a drone's terminal pop-up dive of some 15 m/s or a cruise missile's of
#: some 80 m/s; a killed drone falls at g). A ballistic missile has none (module docstring).
FALL_CHANGE_MPS = {"ballistic_missile": float("inf"), "aircraft": 100.0,
                   "cruise_missile": 100.0, "drone": 30.0}

#: The kinematic cues a doctrine may choose (``kill_assessment_cue``).
KINEMATIC_CUES = ("velocity_change", "speed_or_fall")

VANISHED, NOT_UPDATED, KINEMATICS_CHANGED, UPDATED = (
    "vanished", "not_updated", "kinematics_changed", "updated")
SLOWED, FELL = "slowed", "fell"
TURNED_AWAY = "turned_away"


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the picture shows about one engaged track at assessment time."""

    reason: str  # VANISHED, NOT_UPDATED, KINEMATICS_CHANGED, SLOWED, FELL or UPDATED
    radars: int  # radars the judgement rests on (at least 1)

    @property
    def looks_killed(self) -> bool:
        return self.reason != UPDATED


def read_evidence(present: bool, last_update_by_radar_s: np.ndarray, intercept_time_s: float,
                  velocity_before_mps: np.ndarray, velocity_now_mps: np.ndarray,
                  holding_radars: int, cue: str = "velocity_change",
                  threat_class: str = "drone") -> Evidence:
    """Read one track's evidence of a kill.

    Parameters
    ----------
    present:
        Whether the track is still in the picture.
    last_update_by_radar_s:
        (n_radars,) time (s) each radar last updated the track; -inf for never.
        Ignored when the track is absent.
    intercept_time_s:
        Time (s) the engagement's first round reached its aim point.
    velocity_before_mps, velocity_now_mps:
        (3,) the track's ENU velocity (m/s) at the engagement's last launch and now.
    holding_radars:
        Radars that held the track (in fire-control time) at the last launch.
    cue:
        The kinematic cue, one of :data:`KINEMATIC_CUES` (module docstring).
    threat_class:
        The track's class as the picture shows it (a key of :data:`FALL_CHANGE_MPS`);
        read by ``speed_or_fall`` only.
    """
    if not present:
        return Evidence(VANISHED, max(holding_radars, 1))
    since = np.asarray(last_update_by_radar_s) >= intercept_time_s
    if not since.any():
        return Evidence(NOT_UPDATED, max(holding_radars, 1))
    radars = int(since.sum())
    before = np.asarray(velocity_before_mps, dtype=float)
    now = np.asarray(velocity_now_mps, dtype=float)
    speed_before = float(np.linalg.norm(before))
    if cue == "speed_or_fall":
        fall_bound = FALL_CHANGE_MPS[threat_class]
        if fall_bound == float("inf"):  # a ballistic missile: no kinematic cue
            return Evidence(UPDATED, radars)
        if float(np.linalg.norm(now)) < (1.0 - SPEED_LOSS_FRACTION) * speed_before:
            return Evidence(SLOWED, radars)
        if float(before[2] - now[2]) > fall_bound:
            return Evidence(FELL, radars)
        return Evidence(UPDATED, radars)
    if cue != "velocity_change":
        raise ValueError(f"cue must be one of {KINEMATIC_CUES}, got {cue!r}")
    change = float(np.linalg.norm(now - before))
    if change > KINEMATIC_CHANGE_FRACTION * speed_before:
        return Evidence(KINEMATICS_CHANGED, radars)
    return Evidence(UPDATED, radars)


def read_jamming_evidence(present: bool, last_update_by_radar_s: np.ndarray,
                          intercept_time_s: float, position_now_m: np.ndarray,
                          velocity_now_mps: np.ndarray, asset_position_m: np.ndarray | None,
                          holding_radars: int) -> Evidence:
    """Read one jammed track's evidence of a defeat (see the module docstring).

    position_now_m, velocity_now_mps: (3,) the track now (ENU, m and m/s); ignored when
    the track is absent. asset_position_m: (3,) the asset the track threatened at
    assignment, None when none (then only a lost track reads as defeated). The other
    parameters as :func:`read_evidence`; ``intercept_time_s`` is the end of the dwell.
    """
    if not present:
        return Evidence(VANISHED, max(holding_radars, 1))
    since = np.asarray(last_update_by_radar_s) >= intercept_time_s
    if not since.any():
        return Evidence(NOT_UPDATED, max(holding_radars, 1))
    if asset_position_m is not None:
        toward = np.asarray(asset_position_m, dtype=float)[:2] - np.asarray(position_now_m)[:2]
        if float(np.dot(toward, np.asarray(velocity_now_mps)[:2])) <= 0.0:
            return Evidence(TURNED_AWAY, int(since.sum()))
    return Evidence(UPDATED, int(since.sum()))


def error_probability(evidence: Evidence, false_kill_probability: float,
                      missed_kill_probability: float) -> float:
    """Probability that the judgement contradicts the evidence.

    Evidence of a kill is misread as a live target (a missed kill) with
    ``missed_kill_probability / radars``; evidence of a live target is misread as a kill
    (a false kill) with ``false_kill_probability / radars``.
    """
    base = missed_kill_probability if evidence.looks_killed else false_kill_probability
    return base / max(evidence.radars, 1)


def judge(evidence: Evidence, false_kill_probability: float, missed_kill_probability: float,
          rng: np.random.Generator | None) -> tuple[bool, bool]:
    """The battle manager's judgement: (judged killed, contradicted the evidence).

    ``rng`` None: the evidence is taken as it reads (no draw). Otherwise exactly one
    uniform is drawn per assessment, whatever the evidence, so that the stream stays
    aligned across variants.
    """
    if rng is None:
        return evidence.looks_killed, False
    flipped = bool(rng.random() < error_probability(evidence, false_kill_probability,
                                                    missed_kill_probability))
    return evidence.looks_killed != flipped, flipped
