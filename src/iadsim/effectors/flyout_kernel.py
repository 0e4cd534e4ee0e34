"""The compiled flyout step: guidance, seeker, flight and endgame of every round in flight.

One call flies every round over one simulation step, in sub-steps:

- **Sub-steps.** 1 s in midcourse more than three terminal distances from the cue, 0.5 s
  nearer (also under thrust); 0.25 s while searching with the cue beyond the acquisition range
  (up to the seeker's maximum range) and when locked more than 3 s from the closest
  approach; 0.1 s when searching within the acquisition range or locked within 3 s of it;
  0.05 s for a gun burst. Near the closest approach they shrink to a tenth of the time to
  go (never below 1 ms), so that the miss distance is the closest approach of two nearly
  straight sub-step segments (error under 1 cm at 400 m/s^2 of relative acceleration).
  The threats' true positions are interpolated linearly within the simulation step.
  Sub-steps never cross the simulation step's end.
- **Midcourse (command guidance; reads only the picture).** While the motor burns or
  the track is beyond the terminal distance (the seeker's maximum range, at least
  :data:`LOFT_END_M`), proportional navigation toward the predicted intercept point (PIP),
  a point at rest, solved at each step's start from the envelope's time-of-flight table
  with the track predicted under its known acceleration (gravity for a ballistic track;
  :mod:`iadsim.effectors.intercept_prediction`); the aim is raised by the type's loft
  (:func:`loft_height`). Then, coasting within the terminal distance, augmented PN on the
  track itself (plus ``N/2`` times its known acceleration across the line of sight).
  Why a PIP: PN on the moving track uses the round's present speed as if it would keep
  it, so a boosting round leads the target too far and reaches burnout far off its
  collision course (the long-range round against a diving ballistic missile: 10-12 km
  off with 10 s to go, misses of 3-4 km). The track is extrapolated with its known
  acceleration; when the track is dropped the round keeps extrapolating the last track
  it had.
- **Terminal (reads only the seeker's measurement).** The seeker looks once per
  sub-step (10 Hz, faster near the closest approach). Before lock it searches around its
  boresight, which the command link points at the track's predicted target position;
  each threat physically within its range gate and field of view is detected with the
  Swerling 1 probability of :mod:`iadsim.effectors.seeker`; of those detected within the
  acquisition gate around the position the track gives (3 track sigmas, at least 150 m:
  the cue basket), it locks the one nearest that position (cueing), which can be a
  neighbour of the intended threat when the picture put the cue there. After lock,
  proportional navigation on the noisy line of sight: the line-of-sight rate is the
  change of successive measured directions over the time between looks, filtered at the
  type's guidance time constant; closing speed from the seeker's Doppler; augmented by
  ``N/2`` times the track's known acceleration across the measured line of sight (gravity
  for a ballistic track, zero otherwise: Zarchan, ch. 8). With a DEM the seeker sees
  only what the terrain leaves in view, tested at each look (the 4/3-earth ray of
  :mod:`iadsim.world.terrain` from the round to the threat's true position at the look's
  time: a seeker looks several times a simulation step, so a test at the step's start
  would see through a crest the round passes within the step): a hidden candidate is not
  detected (no draw), a hidden lock is held without looks until it reappears.
- **Truth.** The seeker's detection draws, its measured direction (truth plus noise) and
  its Doppler read the true threat positions, as does the endgame (closest approach,
  sub-step size near it): that is physics. The guidance command is computed only from the
  track (midcourse) or the seeker's measurement (terminal). The intended threat (the true
  threat nearest the engaged track at the round's first step; for a gun burst, nearest the
  fire-control solution it was fired on, extrapolated) is scoring only: it marks a
  lock on another threat as a diversion, and it is the threat a gun burst or a round
  without seeker is scored against. No guidance decision reads it.
- **Fates.** A locked round resolves at its closest approach to the locked threat (the
  range closing at the start of a sub-step and opening at its end); a gun burst or a round
  without seeker at its closest approach to the intended threat (once the fuze is armed,
  ``ARMING_TIME_S`` after launch).
  With ``sim.interceptor_clearance_m``, midcourse toward the PIP also pulls up to keep
  the path ahead that far above the ground, and the PIP at least that high
  (:mod:`iadsim.effectors.midcourse_clearance`; reads the ground model, not the truth).
  A round whose path goes below the ground (the DEM, or the smooth earth at the
  scenario's ground elevation; :mod:`iadsim.world.terrain_ground`, sampled every DEM cell
  along each sub-step) ends there, unless its closest approach came first in that
  sub-step: a ground impact, scored as a miss of the threat it was guided at.
  A round self-destructs when its flight time is up, when it is slower than
  its minimum speed after burnout, or when it has passed the cue (range to the track
  opening, within the seeker's maximum range) without a lock.

The module is about 480 lines: it is one compiled sub-step loop with its two
small helpers (the seeker's candidate search is apart, in
:mod:`iadsim.effectors.seeker_search`); splitting the loop would scatter one algorithm.

Sources: proportional navigation as in Zarchan, Tactical and Strategic Missile Guidance,
6th ed. (2012), ch. 2 (``a = N Vc dlambda/dt``, in three dimensions
``a = N Vc (omega x r_hat)`` with ``omega = r x v_rel / |r|^2``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from iadsim.effectors.flight import (
    GUIDANCE_TAU,
    IS_GUN,
    LOFT_TAN,
    MAX_FLIGHT_TIME,
    MIN_SPEED,
    NAVIGATION_RATIO,
    SEEKER_ANGLE_NOISE,
    SEEKER_COS_FOV,
    SEEKER_RANGE,
    SEEKER_REFERENCE_RCS,
    burnout_time_s,
    fly_substep,
)
from iadsim.effectors.intercept_geometry import closest_approach_of
from iadsim.effectors.intercept_prediction import predicted_intercept_point
from iadsim.effectors.midcourse_clearance import clearance_pull_up_mps2
from iadsim.effectors.seeker import (
    SEEKER_MAX_RANGE_RATIO,
    detection_probability,
    noisy_direction,
    uniform_draw,
)
from iadsim.sorted_search import index_of
from iadsim.world.terrain_ground import (
    HAS_DEM,
    IMPACTS,
    MIDCOURSE_CLEARANCE,
    clearance_m,
    first_below_ground,
    in_view,
)

FAR_SUBSTEP_S = 1.0
MIDCOURSE_SUBSTEP_S = 0.5
TERMINAL_SUBSTEP_S = 0.1
SEARCH_SUBSTEP_S = 0.25
TERMINAL_TIME_TO_GO_S = 3.0
GUN_SUBSTEP_S = 0.05
MIN_SUBSTEP_S = 1e-3
#: Fuze arming delay after launch (s): a round without a lock scores its closest approach
#: to the intended threat from then on, under thrust or not (a short-range round passes a
#: close target long before its motor burns out).
ARMING_TIME_S = 0.5
LOFT_END_M = 10_000.0

# Per-round float state (row = interceptor id): columns.
POSITION, VELOCITY, LAUNCH_TIME, AIM_OFFSET = 0, 3, 6, 7
CUE_POSITION, CUE_VELOCITY, CUE_TIME = 10, 13, 16
LOS, LOS_RATE, LAST_LOOK, COMMAND, LAUNCH_POSITION, CUE_SIGMA = 17, 20, 23, 24, 27, 30
CUE_ACCELERATION, AIM_POINT, AIM_TIME = 31, 34, 37
STATE_COLUMNS = 38
#: The seeker accepts a detection only within this many track sigmas of the cued position
#: (and never a gate narrower than ``MIN_ACQUISITION_GATE_M``).
ACQUISITION_GATE_SIGMAS = 3.0
MIN_ACQUISITION_GATE_M = 150.0

# Resolution codes.
NOT_RESOLVED, ENDGAME, SELF_DESTRUCT, GROUND_IMPACT = 0, 1, 2, 3
UNSET = -2  # intended threat not yet decided


@njit(cache=True, error_model="numpy")
def gate_sigmas(position_cov_m2: np.ndarray) -> np.ndarray:
    """RMS position sigma per axis (m) of each track (k,) from its covariance (k, 3, 3):
    ``sqrt(trace / 3)``, a negative variance (or -0) taken as +0 and a NaN one as 0 (a degenerate
    filter's covariance gives the minimum acquisition gate), an infinite one as the largest
    float: element by element what ``np.trace`` (summed in axis order), ``np.clip`` and
    ``np.nan_to_num`` give, in one call."""
    sigmas = np.empty(position_cov_m2.shape[0])
    largest = np.finfo(np.float64).max
    for track in range(position_cov_m2.shape[0]):
        variance = (position_cov_m2[track, 0, 0] + position_cov_m2[track, 1, 1]
                    + position_cov_m2[track, 2, 2]) / 3.0
        if np.isnan(variance) or not variance > 0.0:  # np.clip gives +0.0 for -0.0
            variance = 0.0
        elif np.isinf(variance):
            variance = largest
        sigmas[track] = np.sqrt(variance)
    return sigmas


@njit(cache=True, error_model="numpy")
def _threat_at(threat_start: np.ndarray, threat_end: np.ndarray, threat: int, fraction: float,
               dt_s: float) -> tuple[float, float, float, float, float, float]:
    """True position and velocity of a threat at ``fraction`` of the step (linear)."""
    vx = (threat_end[threat, 0] - threat_start[threat, 0]) / dt_s
    vy = (threat_end[threat, 1] - threat_start[threat, 1]) / dt_s
    vz = (threat_end[threat, 2] - threat_start[threat, 2]) / dt_s
    elapsed = fraction * dt_s
    return (threat_start[threat, 0] + vx * elapsed, threat_start[threat, 1] + vy * elapsed,
            threat_start[threat, 2] + vz * elapsed, vx, vy, vz)


@njit(cache=True, error_model="numpy")
def step_rounds(rows: np.ndarray, type_index: np.ndarray, state: np.ndarray,
                intended: np.ndarray, locked: np.ndarray, track_id: np.ndarray,
                keys: np.ndarray, draws: np.ndarray, parameters: np.ndarray,
                drag_table: np.ndarray, threat_start: np.ndarray, threat_end: np.ndarray,
                threat_alive: np.ndarray, threat_rcs: np.ndarray, candidate_start: np.ndarray,
                candidates: np.ndarray, sorted_track_ids: np.ndarray, track_order: np.ndarray,
                track_position: np.ndarray, track_velocity: np.ndarray,
                track_sigma: np.ndarray, track_acceleration: np.ndarray,
                time_of_flight: np.ndarray, envelope_scalars: np.ndarray, time_s: float,
                dt_s: float, earth_radius_m: float, ground_elevation: np.ndarray,
                ground_scalars: np.ndarray) -> tuple[np.ndarray, ...]:
    """Fly the rounds ``rows`` from ``time_s`` to ``time_s + dt_s`` (see the module).

    Updates ``state``, ``intended``, ``locked`` and ``draws`` in place for those rows.
    Candidates (CSR: ``candidates[candidate_start[k]:candidate_start[k + 1]]``) are the
    live threats the seeker of round ``k`` could reach this step. ``track_acceleration``
    (n_tracks, 3) is each track's known acceleration (gravity for a ballistic track);
    ``time_of_flight`` (n_types, 41, 21) and ``envelope_scalars`` (n_types, 4) are the
    envelope tables (:func:`iadsim.effectors.envelope.stacked_tables`), or empty (no type
    rows: the time to go then comes from the round's own speed). ``ground_elevation`` and
    ``ground_scalars``: the ground (:meth:`iadsim.world.terrain_ground.GroundModel.arrays`),
    or an empty ``ground_scalars``: no ground (the rounds fly through the earth, as the
    envelope's flights do). With a ground whose impacts are on, a round whose path goes
    below it ends there (``GROUND_IMPACT``); with a DEM, each seeker look sees only what
    the terrain leaves in view at that look (a hidden candidate is not detected, a hidden
    lock is held but not measured: no look, the guidance keeps its last command, the
    seeker's memory).

    Returns per round: lock threat (-1 none), lock range (m), lock time (s), whether the
    lock is a diversion, resolution code, victim threat (for a ground impact, the threat
    it was guided at, -1 if none), miss distance (m; for a ground impact the distance to
    that threat there), time (s), miss vector (k, 3) from threat to round at closest
    approach, relative velocity (k, 3) of the round to the threat there, and position
    (k, 3) (at closest approach for an endgame, at the impact for a ground impact; the
    round's state keeps it there, as it is resolved).
    """
    count = rows.size
    lock_threat = np.full(count, -1, dtype=np.int64)
    lock_range = np.full(count, np.nan)
    lock_time = np.full(count, np.nan)
    lock_diverted = np.zeros(count, dtype=np.bool_)
    code = np.zeros(count, dtype=np.int8)
    victim = np.full(count, -1, dtype=np.int64)
    miss = np.full(count, np.nan)
    when = np.full(count, time_s + dt_s)
    miss_vector = np.full((count, 3), np.nan)
    relative_velocity = np.full((count, 3), np.nan)
    final_position = np.empty((count, 3))
    position = np.empty(3)
    velocity = np.empty(3)
    command = np.empty(3)
    substep_start = np.empty(3)
    alive_ids = threat_alive.nonzero()[0]
    has_ground = ground_scalars.size > 0 and ground_scalars[IMPACTS] != 0.0
    masking = ground_scalars.size > 0 and ground_scalars[HAS_DEM] != 0.0
    # The least clearance midcourse keeps above the ground (0: none; midcourse_clearance).
    clearance_floor = ground_scalars[MIDCOURSE_CLEARANCE] if has_ground else 0.0
    for k in range(count):
        row = rows[k]
        kind = type_index[row]
        params = parameters[kind]
        gun = params[IS_GUN] != 0.0
        reference_range = params[SEEKER_RANGE]
        has_seeker = reference_range > 0.0 and not gun
        max_seeker_range = SEEKER_MAX_RANGE_RATIO * reference_range
        terminal_distance = max(max_seeker_range, LOFT_END_M)
        burnout = burnout_time_s(params)
        for axis in range(3):
            position[axis] = state[row, POSITION + axis]
            velocity[axis] = state[row, VELOCITY + axis]
            command[axis] = state[row, COMMAND + axis]
        # The picture: the engaged track, when the tracker still holds it. A gun burst
        # flies unguided: its cue stays the fire-control solution it was fired on.
        found = index_of(sorted_track_ids, track_id[row])
        if found >= 0 and not gun:
            track = track_order[found]
            for axis in range(3):
                state[row, CUE_POSITION + axis] = track_position[track, axis]
                state[row, CUE_VELOCITY + axis] = track_velocity[track, axis]
                state[row, CUE_ACCELERATION + axis] = track_acceleration[track, axis]
            state[row, CUE_TIME] = time_s
            state[row, CUE_SIGMA] = track_sigma[track]
        # The cue at the step's start: the track extrapolated with its known acceleration.
        cue_age = time_s - state[row, CUE_TIME]
        cue_ax, cue_ay = state[row, CUE_ACCELERATION], state[row, CUE_ACCELERATION + 1]
        cue_az = state[row, CUE_ACCELERATION + 2]
        half_age2 = 0.5 * cue_age * cue_age
        cue_x0 = (state[row, CUE_POSITION] + state[row, CUE_VELOCITY] * cue_age
                  + cue_ax * half_age2)
        cue_y0 = (state[row, CUE_POSITION + 1] + state[row, CUE_VELOCITY + 1] * cue_age
                  + cue_ay * half_age2)
        cue_z0 = (state[row, CUE_POSITION + 2] + state[row, CUE_VELOCITY + 2] * cue_age
                  + cue_az * half_age2)
        cue_vx0 = state[row, CUE_VELOCITY] + cue_ax * cue_age
        cue_vy0 = state[row, CUE_VELOCITY + 1] + cue_ay * cue_age
        cue_vz0 = state[row, CUE_VELOCITY + 2] + cue_az * cue_age
        cue_vx, cue_vy, cue_vz = cue_vx0, cue_vy0, cue_vz0
        # Midcourse toward the PIP while the motor burns or the target is far; then, coasting
        # within the terminal distance, augmented PN on the track (the PIP is solved only
        # for the steps that start in the PIP phase).
        since_launch0 = time_s - state[row, LAUNCH_TIME]
        start_range2 = ((cue_x0 - position[0]) ** 2 + (cue_y0 - position[1]) ** 2
                        + (cue_z0 - position[2]) ** 2)
        toward_pip = (not gun and locked[row] < 0
                      and (since_launch0 < burnout
                           or start_range2 > terminal_distance * terminal_distance))
        if toward_pip:
            aim = predicted_intercept_point(
                cue_x0, cue_y0, cue_z0, cue_vx0, cue_vy0, cue_vz0, cue_ax, cue_ay, cue_az,
                state[row, LAUNCH_POSITION], state[row, LAUNCH_POSITION + 1],
                state[row, LAUNCH_POSITION + 2], position[0], position[1], position[2],
                np.sqrt(velocity[0] ** 2 + velocity[1] ** 2 + velocity[2] ** 2), kind,
                since_launch0, time_of_flight, envelope_scalars, earth_radius_m,
                state[row, AIM_TIME] - time_s)
            aim_z = aim[2]
            if has_ground:
                # The target is not predicted below the ground: a PIP extrapolated into it
                # (a low flyer's track descending) is raised to the ground's surface, or to
                # the midcourse clearance above it.
                aim_z += max(clearance_floor - clearance_m(aim[0], aim[1], aim[2],
                                                           ground_elevation, ground_scalars),
                             0.0)
            state[row, AIM_POINT], state[row, AIM_POINT + 1] = aim[0], aim[1]
            state[row, AIM_POINT + 2] = aim_z
            state[row, AIM_TIME] = time_s + aim[3]  # the next step's first guess
        # Scoring only: the true threat nearest the engaged track at the first step.
        if intended[row] == UNSET:
            best, nearest = np.inf, -1
            for threat in alive_ids:
                gap = ((threat_start[threat, 0] - cue_x0) ** 2
                       + (threat_start[threat, 1] - cue_y0) ** 2
                       + (threat_start[threat, 2] - cue_z0) ** 2)
                if gap < best:
                    best, nearest = gap, threat
            intended[row] = nearest
        if locked[row] >= 0 and not threat_alive[locked[row]]:
            locked[row] = -1  # the locked threat died: search again
            for axis in range(3):
                state[row, LOS + axis] = 0.0
                state[row, LOS_RATE + axis] = 0.0
        # The body whose closest approach ends the flight: the locked threat, or for a
        # gun or a round without seeker the intended threat (when alive).
        elapsed = 0.0
        while elapsed < dt_s - 1e-12 and code[k] == NOT_RESOLVED:
            now = time_s + elapsed
            since_launch = now - state[row, LAUNCH_TIME]
            fraction = elapsed / dt_s
            speed = np.sqrt(velocity[0] ** 2 + velocity[1] ** 2 + velocity[2] ** 2)
            half_elapsed2 = 0.5 * elapsed * elapsed
            cue_x = cue_x0 + cue_vx0 * elapsed + cue_ax * half_elapsed2
            cue_y = cue_y0 + cue_vy0 * elapsed + cue_ay * half_elapsed2
            cue_z = cue_z0 + cue_vz0 * elapsed + cue_az * half_elapsed2
            cue_vx = cue_vx0 + cue_ax * elapsed
            cue_vy = cue_vy0 + cue_ay * elapsed
            cue_vz = cue_vz0 + cue_az * elapsed
            to_cue_x, to_cue_y = cue_x - position[0], cue_y - position[1]
            to_cue_z = cue_z - position[2]
            cue_range = np.sqrt(to_cue_x ** 2 + to_cue_y ** 2 + to_cue_z ** 2)
            body = locked[row]
            if body < 0 and (gun or not has_seeker):
                body = intended[row] if intended[row] >= 0 and threat_alive[
                    intended[row]] else -1
            # Sub-step.
            searching = has_seeker and locked[row] < 0 and cue_range < max_seeker_range
            if gun:
                substep = GUN_SUBSTEP_S
            elif searching and cue_range < reference_range:
                substep = TERMINAL_SUBSTEP_S
            elif locked[row] >= 0 or searching:
                substep = SEARCH_SUBSTEP_S
            elif since_launch < burnout or cue_range < 3.0 * max(max_seeker_range,
                                                                 LOFT_END_M):
                substep = MIDCOURSE_SUBSTEP_S
            else:
                substep = FAR_SUBSTEP_S
            if body >= 0:
                qx, qy, qz, qvx, qvy, qvz = _threat_at(threat_start, threat_end, body,
                                                       fraction, dt_s)
                rx0, ry0, rz0 = position[0] - qx, position[1] - qy, position[2] - qz
                ux, uy, uz = velocity[0] - qvx, velocity[1] - qvy, velocity[2] - qvz
                closing = -(rx0 * ux + ry0 * uy + rz0 * uz)
                if closing > 0.0:
                    time_to_go = (rx0 * rx0 + ry0 * ry0 + rz0 * rz0) / closing
                    if time_to_go < TERMINAL_TIME_TO_GO_S:
                        substep = min(substep, TERMINAL_SUBSTEP_S)
                    substep = min(substep, max(MIN_SUBSTEP_S, 0.1 * time_to_go))
            substep = min(substep, dt_s - elapsed)
            # Seeker look (none at a lock the terrain hides at this look).
            masked = False
            if masking and has_seeker and locked[row] >= 0:
                qx, qy, qz, _, _, _ = _threat_at(threat_start, threat_end, locked[row],
                                                 fraction, dt_s)
                masked = not in_view(position[0], position[1], position[2], qx, qy, qz,
                                     ground_elevation, ground_scalars)
            if has_seeker and (locked[row] >= 0 or searching) and not masked:
                since_look = now - state[row, LAST_LOOK]
                state[row, LAST_LOOK] = now
                if locked[row] >= 0:
                    qx, qy, qz, qvx, qvy, qvz = _threat_at(threat_start, threat_end,
                                                           locked[row], fraction, dt_s)
                    lx, ly, lz = qx - position[0], qy - position[1], qz - position[2]
                    mx, my, mz = noisy_direction(lx, ly, lz, params[SEEKER_ANGLE_NOISE],
                                                 keys[row], draws[row])
                    draws[row] += 2
                    px, py, pz = state[row, LOS], state[row, LOS + 1], state[row, LOS + 2]
                    if px * px + py * py + pz * pz > 0.0 and since_look > 0.0:
                        wx = (py * mz - pz * my) / since_look
                        wy = (pz * mx - px * mz) / since_look
                        wz = (px * my - py * mx) / since_look
                        gain = since_look / (params[GUIDANCE_TAU] + since_look)
                        state[row, LOS_RATE] += gain * (wx - state[row, LOS_RATE])
                        state[row, LOS_RATE + 1] += gain * (wy - state[row, LOS_RATE + 1])
                        state[row, LOS_RATE + 2] += gain * (wz - state[row, LOS_RATE + 2])
                    state[row, LOS], state[row, LOS + 1], state[row, LOS + 2] = mx, my, mz
                    # Doppler closing speed (the seeker measures it).
                    distance = np.sqrt(lx * lx + ly * ly + lz * lz)
                    closing = -(lx * (qvx - velocity[0]) + ly * (qvy - velocity[1])
                                + lz * (qvz - velocity[2])) / distance
                    gain = params[NAVIGATION_RATIO] * max(closing, 0.0)
                    wx, wy = state[row, LOS_RATE], state[row, LOS_RATE + 1]
                    wz = state[row, LOS_RATE + 2]
                    # Augmented PN: plus N/2 times the track's known target acceleration
                    # across the measured line of sight (zero but for ballistic tracks).
                    along = cue_ax * mx + cue_ay * my + cue_az * mz
                    augment = 0.5 * params[NAVIGATION_RATIO]
                    command[0] = gain * (wy * mz - wz * my) + augment * (cue_ax - along * mx)
                    command[1] = gain * (wz * mx - wx * mz) + augment * (cue_ay - along * my)
                    command[2] = gain * (wx * my - wy * mx) + augment * (cue_az - along * mz)
                else:
                    gate = max(MIN_ACQUISITION_GATE_M,
                               ACQUISITION_GATE_SIGMAS * state[row, CUE_SIGMA])
                    chosen, chosen_score, chosen_range = -1, gate * gate, 0.0
                    bx, by, bz = to_cue_x / cue_range, to_cue_y / cue_range, to_cue_z / cue_range
                    for index in range(candidate_start[k], candidate_start[k + 1]):
                        threat = candidates[index]
                        qx, qy, qz, _, _, _ = _threat_at(threat_start, threat_end, threat,
                                                         fraction, dt_s)
                        lx, ly, lz = qx - position[0], qy - position[1], qz - position[2]
                        distance = np.sqrt(lx * lx + ly * ly + lz * lz)
                        if distance > max_seeker_range or distance <= 0.0:
                            continue
                        if (lx * bx + ly * by + lz * bz) / distance < params[SEEKER_COS_FOV]:
                            continue  # outside the field of view
                        # Cueing: only a return inside the acquisition gate around the
                        # cued position is processed; the nearest detection to it wins.
                        score = (qx - cue_x) ** 2 + (qy - cue_y) ** 2 + (qz - cue_z) ** 2
                        if score > chosen_score:
                            continue
                        if masking and not in_view(position[0], position[1], position[2],
                                                   qx, qy, qz, ground_elevation,
                                                   ground_scalars):
                            continue  # the terrain hides it at this look
                        chance = detection_probability(distance, threat_rcs[threat],
                                                       reference_range,
                                                       params[SEEKER_REFERENCE_RCS])
                        draw = uniform_draw(keys[row], draws[row])
                        draws[row] += 1
                        if draw < chance:
                            chosen, chosen_score, chosen_range = threat, score, distance
                    if chosen >= 0:
                        locked[row] = chosen
                        lock_threat[k], lock_range[k], lock_time[k] = chosen, chosen_range, now
                        lock_diverted[k] = chosen != intended[row]
                        for axis in range(3):
                            state[row, LOS + axis] = 0.0
                            state[row, LOS_RATE + axis] = 0.0
            if locked[row] < 0 and not gun:
                if toward_pip and (since_launch < burnout or cue_range > terminal_distance):
                    # Toward the predicted intercept point, a point at rest.
                    _midcourse_command(command, position, velocity, speed,
                                       state[row, AIM_POINT], state[row, AIM_POINT + 1],
                                       state[row, AIM_POINT + 2], 0.0, 0.0, 0.0, 0.0, 0.0,
                                       0.0, params)
                    if clearance_floor > 0.0:  # keep the path ahead above the ground
                        command[2] += clearance_pull_up_mps2(position, velocity,
                                                             clearance_floor,
                                                             ground_elevation, ground_scalars)
                else:
                    # Coasting near the target: augmented PN on the track itself.
                    _midcourse_command(command, position, velocity, speed, cue_x, cue_y, cue_z,
                                       cue_vx, cue_vy, cue_vz, cue_ax, cue_ay, cue_az, params)
            if gun:
                command[:] = 0.0
            body = locked[row] if locked[row] >= 0 else body
            rx0 = ry0 = rz0 = 0.0
            if body >= 0:
                qx, qy, qz, _, _, _ = _threat_at(threat_start, threat_end, body, fraction,
                                                 dt_s)
                rx0, ry0, rz0 = position[0] - qx, position[1] - qy, position[2] - qz
            start_x, start_y, start_z = position[0], position[1], position[2]
            fly_substep(params, drag_table, position, velocity, command, since_launch,
                        earth_radius_m, substep)
            elapsed += substep
            since_launch += substep
            # Where the sub-step's path first goes below the ground (2: it does not).
            impact = 2.0
            if has_ground:
                substep_start[0], substep_start[1] = start_x, start_y
                substep_start[2] = start_z
                impact = first_below_ground(substep_start, position, ground_elevation,
                                            ground_scalars)
            # Endgame: the closest approach to the body falls within this sub-step.
            if body >= 0 and (locked[row] >= 0 or gun or since_launch > ARMING_TIME_S):
                qx, qy, qz, qvx, qvy, qvz = _threat_at(threat_start, threat_end, body,
                                                       elapsed / dt_s, dt_s)
                rx1, ry1, rz1 = position[0] - qx, position[1] - qy, position[2] - qz
                dx, dy, dz = rx1 - rx0, ry1 - ry0, rz1 - rz0
                # A real closest approach: closing at the sub-step's start, not at its end
                # (and before the ground, if the path goes into it).
                if rx0 * dx + ry0 * dy + rz0 * dz < 0.0 <= rx1 * dx + ry1 * dy + rz1 * dz:
                    offset, distance = closest_approach_of(rx0, ry0, rz0, dx / substep,
                                                           dy / substep, dz / substep, substep)
                else:
                    offset, distance = np.inf, np.nan
                if offset <= impact * substep:
                    code[k], victim[k], miss[k] = ENDGAME, body, distance
                    when[k] = now + offset
                    miss_vector[k, 0] = rx0 + dx / substep * offset
                    miss_vector[k, 1] = ry0 + dy / substep * offset
                    miss_vector[k, 2] = rz0 + dz / substep * offset
                    relative_velocity[k, 0], relative_velocity[k, 1] = dx / substep, dy / substep
                    relative_velocity[k, 2] = dz / substep
                    share = offset / substep  # the round's position at closest approach
                    position[0] = start_x + (position[0] - start_x) * share
                    position[1] = start_y + (position[1] - start_y) * share
                    position[2] = start_z + (position[2] - start_z) * share
                    break
            if impact <= 1.0:
                # The path went into the ground: the round ends there, a miss of the threat
                # it was guided at (its lock, else the intended threat while alive).
                target = locked[row]
                if target < 0 and intended[row] >= 0 and threat_alive[intended[row]]:
                    target = intended[row]
                position[0] = start_x + (position[0] - start_x) * impact
                position[1] = start_y + (position[1] - start_y) * impact
                position[2] = start_z + (position[2] - start_z) * impact
                code[k], victim[k] = GROUND_IMPACT, target
                when[k] = now + impact * substep
                if target >= 0:
                    qx, qy, qz, _, _, _ = _threat_at(threat_start, threat_end, target,
                                                     (elapsed - substep + impact * substep)
                                                     / dt_s, dt_s)
                    miss[k] = np.sqrt((position[0] - qx) ** 2 + (position[1] - qy) ** 2
                                      + (position[2] - qz) ** 2)
                break
            # Self-destruct.
            speed = np.sqrt(velocity[0] ** 2 + velocity[1] ** 2 + velocity[2] ** 2)
            passed = False
            if not gun and locked[row] < 0 and since_launch > burnout:
                ax, ay, az = cue_x - position[0], cue_y - position[1], cue_z - position[2]
                opening = (ax * (cue_vx - velocity[0]) + ay * (cue_vy - velocity[1])
                           + az * (cue_vz - velocity[2])) > 0.0
                gate = max_seeker_range if has_seeker else 1_000.0
                passed = opening and ax * ax + ay * ay + az * az < gate * gate
            if (since_launch >= params[MAX_FLIGHT_TIME] - 1e-9 or passed
                    or (not gun and since_launch > burnout and speed < params[MIN_SPEED])):
                code[k] = SELF_DESTRUCT
                when[k] = now + substep
        for axis in range(3):
            state[row, POSITION + axis] = position[axis]
            state[row, VELOCITY + axis] = velocity[axis]
            state[row, COMMAND + axis] = command[axis]
            final_position[k, axis] = position[axis]
    return (lock_threat, lock_range, lock_time, lock_diverted, code, victim, miss, when,
            miss_vector, relative_velocity, final_position)


@njit(cache=True, error_model="numpy")
def loft_height(params: np.ndarray, horizontal_m: float) -> float:
    """How far above the track the midcourse aims (m): ``tan(loft)`` times the horizontal
    distance still to fly beyond the terminal distance (the seeker's maximum range, at
    least :data:`LOFT_END_M`), so that the round comes down onto the intercept point before
    its seeker must find the target."""
    terminal = max(SEEKER_MAX_RANGE_RATIO * params[SEEKER_RANGE], LOFT_END_M)
    return params[LOFT_TAN] * max(horizontal_m - terminal, 0.0)


@njit(cache=True, error_model="numpy")
def _midcourse_command(command: np.ndarray, position: np.ndarray, velocity: np.ndarray,
                       speed: float, cue_x: float, cue_y: float, cue_z: float, cue_vx: float,
                       cue_vy: float, cue_vz: float, cue_ax: float, cue_ay: float,
                       cue_az: float, params: np.ndarray) -> None:
    """Augmented proportional navigation toward an aim point (the PIP, at rest, or the
    track with its known acceleration ``cue_a``), the aim raised by the loft.

    Writes the lateral command (m/s^2) into ``command``: ``N Vc (omega x r_hat)`` plus
    ``N / 2`` times the aim's acceleration across the line of sight (Zarchan, ch. 8,
    augmented PN). Uses the round's own speed as the closing speed when the aim is not
    closing faster (launch, tail chase).
    """
    rx, ry, rz = cue_x - position[0], cue_y - position[1], cue_z - position[2]
    rz += loft_height(params, np.sqrt(rx * rx + ry * ry))
    vx, vy, vz = cue_vx - velocity[0], cue_vy - velocity[1], cue_vz - velocity[2]
    distance2 = rx * rx + ry * ry + rz * rz
    if distance2 <= 0.0:
        command[:] = 0.0
        return
    distance = np.sqrt(distance2)
    wx = (ry * vz - rz * vy) / distance2
    wy = (rz * vx - rx * vz) / distance2
    wz = (rx * vy - ry * vx) / distance2
    closing = max(-(rx * vx + ry * vy + rz * vz) / distance, speed)
    gain = params[NAVIGATION_RATIO] * closing / distance
    along = (cue_ax * rx + cue_ay * ry + cue_az * rz) / distance2
    augment = 0.5 * params[NAVIGATION_RATIO]
    command[0] = gain * (wy * rz - wz * ry) + augment * (cue_ax - along * rx)
    command[1] = gain * (wz * rx - wx * rz) + augment * (cue_ay - along * ry)
    command[2] = gain * (wx * ry - wy * rx) + augment * (cue_az - along * rz)

