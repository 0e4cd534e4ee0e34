"""Beam weapons in action: laser and jammer dwells on tracks, step by step, to their fate.

A ``laser`` or ``jammer`` battery does not launch rounds: the battle manager opens an
engagement on a track as for any battery, and after the reaction time a **dwell** (one
"shot", which takes one shot of the battery's thermal magazine) holds the fire channel
until it ends. Each dwell has an id from :data:`BEAM_SHOT_ID_BASE` up, logged in the
``interceptor_id`` column, so that rounds and dwells never share an id.

Laser dwell (:mod:`iadsim.effectors.directed_energy` for the physics):

- the beam director is cued on the engaged **track** (the picture at the step's start,
  predicted to its end); its fine tracker locks the true object nearest the cue inside
  its field of view (``fine_track_field_of_view_mrad``), within range and above the
  horizon. A picture that is off by more than the field of view locks nothing; one that
  sits between two drones may lock the neighbour (the dwell then burns that one);
- once locked, the fine track follows that object physically; the jitter spreads the
  time-averaged spot, and the fluence over the kill spot accumulates on the **true**
  target at its true range until it reaches the target kind's kill fluence (``kill``,
  at the instant within the step it does), the target dies or leaves range or line of
  sight, or ``max_dwell_s`` passes (``miss``).

Jammer dwell (:mod:`iadsim.effectors.electronic_attack`): the beam points at the cued
track for ``max_dwell_s``, or until the battle manager releases it (:meth:`BeamWeapons.cease`,
``doctrine.jammer_dwell_release``: its picture no longer holds the track, or shows it past
its asset); every live, not yet defeated threat inside the beam is
defeated at its kind's rate (``defeat``: it falls or flies off). The dwell is scored
(its ``intercept`` event) against the live threat nearest its first cue, as a round's
intended threat is: never one that had already ended (killed, fallen, leaked).

Reads the truth (physics only, as a seeker does): true threat positions for what the
fine tracker can lock and what a beam covers, true ranges for the fluence, true kinds for
hardness and susceptibility. Nothing here decides: the battle manager chose the track,
and what it learns is only when each dwell ended (:class:`BeamOutcome` goes to the
event log; the managers receive ``shot_id`` and ``time_s``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iadsim.effectors import directed_energy, electronic_attack
from iadsim.scenario.schema import THREAT_KINDS, Scenario
from iadsim.world.earth import radar_horizon_m

#: First id of a beam dwell (rounds count from 0; event ids are int32).
BEAM_SHOT_ID_BASE = 1_500_000_000
#: Threat classes of the battle manager (:data:`iadsim.c2.threat_evaluation.THREAT_CLASSES`)
#: as threat kinds, for the predicted hardness and susceptibility of a track.
CLASS_KINDS = ("ballistic_missile", "aircraft", "cruise_missile", "drone")


@dataclass(frozen=True, slots=True)
class BeamTable:
    """Beam parameters of every interceptor type (row = type; zeros for missiles, guns)."""

    is_laser: np.ndarray  # bool
    is_jammer: np.ndarray  # bool
    max_dwell_s: np.ndarray
    power_w: np.ndarray
    wavelength_um: np.ndarray
    aperture_m: np.ndarray
    beam_quality: np.ndarray
    jitter_rad: np.ndarray
    field_of_view_rad: np.ndarray
    kill_spot_radius_m: np.ndarray
    extinction_per_km: np.ndarray  # at the scenario's visibility and the type's wavelength
    kill_fluence_j_cm2: np.ndarray  # (n_types, len(THREAT_KINDS))
    jam_half_angle_rad: np.ndarray
    defeat_rate_per_s: np.ndarray  # (n_types, len(THREAT_KINDS))
    fall_fraction: np.ndarray
    flyoff_distance_m: np.ndarray

    @property
    def is_beam(self) -> np.ndarray:
        return self.is_laser | self.is_jammer


def beam_table(scenario: Scenario) -> BeamTable:
    """Beam parameters of the scenario's interceptor types, SI units."""
    types = scenario.interceptors
    visibility = scenario.weather.visibility_km

    def column(getter) -> np.ndarray:
        return np.array([getter(t) for t in types], dtype=float)

    def by_kind(getter) -> np.ndarray:
        return np.array([[getattr(getter(t), kind) for kind in THREAT_KINDS] for t in types],
                        dtype=float).reshape(len(types), len(THREAT_KINDS))

    return BeamTable(
        is_laser=np.array([t.kind == "laser" for t in types], dtype=bool),
        is_jammer=np.array([t.kind == "jammer" for t in types], dtype=bool),
        max_dwell_s=column(lambda t: t.max_dwell_s),
        power_w=column(lambda t: t.laser_power_kw * 1e3),
        wavelength_um=column(lambda t: t.wavelength_um),
        aperture_m=column(lambda t: t.beam_director_aperture_m),
        beam_quality=column(lambda t: t.beam_quality),
        jitter_rad=column(lambda t: t.pointing_jitter_urad * 1e-6),
        field_of_view_rad=column(lambda t: t.fine_track_field_of_view_mrad * 1e-3),
        kill_spot_radius_m=column(lambda t: t.kill_spot_radius_cm * 1e-2),
        extinction_per_km=column(lambda t: float(directed_energy.extinction_coefficient_per_km(
            visibility, t.wavelength_um))),
        kill_fluence_j_cm2=by_kind(lambda t: t.kill_fluence_j_cm2),
        jam_half_angle_rad=column(lambda t: np.radians(0.5 * t.jam_beamwidth_deg)),
        defeat_rate_per_s=by_kind(lambda t: t.defeat_rate_per_s),
        fall_fraction=column(lambda t: t.fall_fraction),
        flyoff_distance_m=column(lambda t: t.flyoff_distance_km * 1e3))


def laser_dwell_time_s(table: BeamTable, kind: int, range_m: np.ndarray,
                       kill_fluence_j_cm2: np.ndarray) -> np.ndarray:
    """Dwell time (s) of laser type ``kind`` to kill at ``range_m`` (broadcasts)."""
    return directed_energy.dwell_time_s(
        range_m, kill_fluence_j_cm2, table.power_w[kind], table.wavelength_um[kind],
        table.aperture_m[kind], table.beam_quality[kind], table.jitter_rad[kind],
        table.kill_spot_radius_m[kind], table.extinction_per_km[kind])


def predicted_beam_kill_probability(table: BeamTable, kind: np.ndarray,
                                    single_shot_pk: np.ndarray, range_m: np.ndarray,
                                    track_class: np.ndarray,
                                    dwell_limit_s: np.ndarray | None = None) -> np.ndarray:
    """(n_batteries, n_tracks) predicted Pk of one dwell, for beam batteries (0 for others).

    kind, single_shot_pk: (n_batteries,) each battery's type and that type's rated
    probability that the fine tracker holds the target (laser); range_m: (n_batteries,
    n_tracks) from the battery to the predicted engagement point; track_class: (n_tracks,)
    index into :data:`CLASS_KINDS` (from the picture, never the truth). A laser's Pk is
    ``single_shot_pk`` when the dwell model kills the class's hardness at that range
    within ``max_dwell_s``, else 0; a jammer's is ``1 - exp(-rate max_dwell_s)`` for the
    class's defeat rate. dwell_limit_s: (n_batteries, n_tracks) the dwell time (s) that
    counts, when shorter than ``max_dwell_s`` (the time before the track arrives; NaN or
    None: no limit); a laser then needs its dwell within it, a jammer jams for it
    (``1 - exp(-rate t)``, 0 when it is not positive).
    """
    kind = np.asarray(kind)
    n_batteries, n_tracks = np.shape(range_m)
    probability = np.zeros((n_batteries, n_tracks))
    column = np.array([THREAT_KINDS.index(name) for name in CLASS_KINDS])[track_class]
    for battery in np.nonzero(table.is_beam[kind])[0]:
        row = int(kind[battery])
        dwell_s = table.max_dwell_s[row]
        if dwell_limit_s is not None:
            limit = np.asarray(dwell_limit_s[battery], dtype=float)
            dwell_s = np.maximum(np.where(limit < dwell_s, limit, dwell_s), 0.0)
        if table.is_laser[row]:
            dwell = laser_dwell_time_s(table, row, range_m[battery],
                                       table.kill_fluence_j_cm2[row, column])
            probability[battery] = np.where(dwell <= dwell_s, single_shot_pk[battery], 0.0)
        else:
            probability[battery] = electronic_attack.predicted_jam_kill_probability(
                table.defeat_rate_per_s[row, column], dwell_s)
    return probability


@dataclass(frozen=True, slots=True)
class BeamOutcome:
    """Dwells that ended in one step, and the threats jammers defeated in it."""

    shot_id: np.ndarray
    battery: np.ndarray
    track_id: np.ndarray  # the engaged track
    threat_id: np.ndarray  # laser: the locked threat; jammer: the live one nearest its
    # first cue; -1
    killed: np.ndarray  # bool (lasers)
    time_s: np.ndarray
    lased_s: np.ndarray  # laser: time on target (s); jammer: time jamming
    cue_offset_m: np.ndarray  # distance from the cue to threat_id's true position; NaN
    position_m: np.ndarray  # (k, 3) threat_id's true position (the cue when none)
    defeated_threat: np.ndarray
    defeated_by_shot: np.ndarray
    defeated_battery: np.ndarray
    defeated_falls: np.ndarray  # bool: falls (else flies off)
    defeated_time_s: np.ndarray
    defeated_position_m: np.ndarray  # (d, 3)


_COLUMNS = {"type_index": np.int64, "battery": np.int64, "engagement_id": np.int64,
            "track_id": np.int64, "start_s": np.float64, "fluence_j_m2": np.float64,
            "lased_s": np.float64, "locked": np.int64, "intended": np.int64,
            "on": np.bool_, "stop_s": np.float64}


class BeamWeapons:
    """Every dwell of a run (structure of arrays; row = shot id - BEAM_SHOT_ID_BASE).

    Parameters
    ----------
    table:
        Beam parameters by interceptor type.
    max_range_m:
        (n_types,) each type's maximum range (m): no lock, no jamming beyond it.
    director_position_m:
        (n_batteries, 3) ENU position of each battery's beam director or jammer (m).
    director_height_m:
        (n_batteries,) its height above the ground (m), for the line of sight.
    rng:
        The run's ``beam_weapons`` stream (jamming draws, fly-off headings).
    """

    def __init__(self, table: BeamTable, max_range_m: np.ndarray,
                 director_position_m: np.ndarray, director_height_m: np.ndarray,
                 rng: np.random.Generator):
        self.table = table
        self.max_range_m = np.asarray(max_range_m, dtype=float)
        self.director_position_m = np.asarray(director_position_m, dtype=float).reshape(-1, 3)
        self.director_height_m = np.asarray(director_height_m, dtype=float)
        self.rng = rng
        self._columns = {name: np.zeros(0, dtype=dtype) for name, dtype in _COLUMNS.items()}
        self._cue = np.zeros((0, 3))
        self.defeated: np.ndarray = np.zeros(0, dtype=bool)  # per threat, grown on demand

    @property
    def size(self) -> int:
        return int(self._columns["on"].size)

    @property
    def active(self) -> np.ndarray:
        """Rows of the dwells still on."""
        return np.nonzero(self._columns["on"])[0]

    def __getattr__(self, name: str) -> np.ndarray:
        columns = self.__dict__.get("_columns")
        if columns is None or name not in columns:
            raise AttributeError(name)
        return columns[name]

    def start(self, time_s: float, type_index: int, battery: int, engagement_id: int,
              track_id: int, track_position_m: np.ndarray) -> int:
        """Begin a dwell at ``time_s`` on a track; returns its shot id."""
        values = {"type_index": type_index, "battery": battery, "engagement_id": engagement_id,
                  "track_id": track_id, "start_s": time_s, "fluence_j_m2": 0.0,
                  "lased_s": 0.0, "locked": -1, "intended": -1, "on": True,
                  "stop_s": np.inf}
        for name, value in values.items():
            self._columns[name] = np.append(self._columns[name],
                                            np.asarray(value, dtype=_COLUMNS[name]))
        self._cue = np.vstack([self._cue, np.asarray(track_position_m, dtype=float)[None, :]])
        return BEAM_SHOT_ID_BASE + self.size - 1

    def cease(self, shot_id: int, time_s: float) -> None:
        """Order the dwell ``shot_id`` to stop at ``time_s`` (the battle manager's release,
        :meth:`iadsim.c2.battle_manager.BattleManager._release_spent_dwells`): it ends at
        the start of the next :meth:`step`, before any jamming or lasing in it, at
        ``time_s`` (a ``miss``-free end: nothing more is done on the target). A dwell
        already ended is left alone."""
        shot = int(shot_id) - BEAM_SHOT_ID_BASE
        if self.on[shot]:
            self.stop_s[shot] = min(float(self.stop_s[shot]), float(time_s))

    def step(self, start_s: float, dt_s: float, threat_position_m: np.ndarray,
             threat_height_m: np.ndarray, threat_alive: np.ndarray,
             threat_kind_index: np.ndarray, track_id: np.ndarray, track_position_m: np.ndarray,
             track_velocity_mps: np.ndarray, picture_time_s: float) -> BeamOutcome:
        """Run every active dwell from ``start_s`` to ``start_s + dt_s``.

        threat_position_m (n_threats, 3), threat_height_m (n_threats,): true positions and
        heights above ground at the step's end; threat_alive, threat_kind_index
        (n_threats,): the truth (physics). The track arrays are the picture taken at
        ``picture_time_s`` (ids, positions, velocities); a dwell whose track is absent
        keeps its last cue; a dwell the battle manager released (:meth:`cease`) ends at
        the step's start. A jamming dwell's scored threat is the live threat nearest its
        first cue, as a round's intended threat is: a threat that has ended (killed,
        fallen, leaked, route over) stays in the truth arrays at the point where it ended,
        and every later dwell cued near that point (a leaker's: the asset) would otherwise
        be scored against it. Inputs are not modified.
        """
        end_s = start_s + dt_s
        n_threats = threat_alive.size
        if self.defeated.size < n_threats:
            self.defeated = np.concatenate(
                [self.defeated, np.zeros(n_threats - self.defeated.size, dtype=bool)])
        row_of_track = {int(track): row for row, track in enumerate(np.asarray(track_id)
                                                                    .tolist())}
        ended: list[tuple[int, int, bool, float, float, float, np.ndarray]] = []
        defeats: list[tuple[int, int, int, bool, float, np.ndarray]] = []
        alive = np.asarray(threat_alive, dtype=bool).copy()
        for shot in self.active.tolist():
            if self.stop_s[shot] <= start_s + 1e-9:  # released by the battle manager
                ended.append(self._end(shot, int(self.intended[shot]), False,
                                       float(self.stop_s[shot]), threat_position_m))
                continue
            track_row = row_of_track.get(int(self.track_id[shot]))
            if track_row is not None:
                self._cue[shot] = (track_position_m[track_row] + track_velocity_mps[track_row]
                                   * (end_s - picture_time_s))
            if self.table.is_laser[self.type_index[shot]]:
                result = self._laser_step(shot, start_s, end_s, threat_position_m,
                                          threat_height_m, alive, threat_kind_index)
            else:
                result = self._jammer_step(shot, start_s, end_s, threat_position_m,
                                           threat_height_m, alive, threat_kind_index, defeats)
            if result is not None:
                ended.append(result)
        return self._outcome(ended, defeats)

    def _visible(self, battery: int, threat_position_m: np.ndarray, threat_height_m: np.ndarray,
                 alive: np.ndarray, max_range_m: float) -> tuple[np.ndarray, np.ndarray]:
        """Live threats in range and above the horizon of a battery: (ids, ranges m)."""
        offset = threat_position_m - self.director_position_m[battery]
        distance = np.linalg.norm(offset, axis=1)
        horizon = radar_horizon_m(self.director_height_m[battery], threat_height_m)
        ids = np.nonzero(alive & (distance <= max_range_m) & (distance <= horizon))[0]
        return ids, distance[ids]

    def _angles(self, battery: int, shot: int, threat_position_m: np.ndarray,
                ids: np.ndarray) -> np.ndarray:
        """Angle (rad) between the cue and each threat ``ids`` seen from the battery."""
        origin = self.director_position_m[battery]
        cue = self._cue[shot] - origin
        offset = threat_position_m[ids] - origin
        cosine = offset @ cue / np.maximum(np.linalg.norm(offset, axis=1)
                                           * np.linalg.norm(cue), 1e-9)
        return np.arccos(np.clip(cosine, -1.0, 1.0))

    def _laser_step(self, shot: int, start_s: float, end_s: float,
                    threat_position_m: np.ndarray, threat_height_m: np.ndarray,
                    alive: np.ndarray, kind_index: np.ndarray):
        table, kind, battery = self.table, int(self.type_index[shot]), int(self.battery[shot])
        max_range = self.max_range_m[kind]
        ids, distance = self._visible(battery, threat_position_m, threat_height_m, alive,
                                      max_range)
        locked = int(self.locked[shot])
        if locked < 0 and ids.size:
            angle = self._angles(battery, shot, threat_position_m, ids)
            inside = angle <= table.field_of_view_rad[kind]
            if inside.any():
                locked = int(ids[inside][np.argmin(angle[inside])])
                self.locked[shot] = locked
                self.intended[shot] = locked
        from_s = max(start_s, float(self.start_s[shot]))
        if locked >= 0:
            where = np.nonzero(ids == locked)[0]
            if where.size == 0:  # dead, out of range or below the horizon
                return self._end(shot, locked, False, from_s, threat_position_m)
            range_m = float(distance[where[0]])
            needed = (table.kill_fluence_j_cm2[kind, kind_index[locked]] * 1e4
                      - self.fluence_j_m2[shot])
            irradiance = float(directed_energy.spot_irradiance_w_m2(
                table.power_w[kind],
                directed_energy.transmission(range_m, table.extinction_per_km[kind]),
                directed_energy.spot_radius_m(range_m, table.wavelength_um[kind],
                                              table.aperture_m[kind], table.beam_quality[kind],
                                              table.jitter_rad[kind]),
                table.kill_spot_radius_m[kind]))
            lasing = end_s - from_s
            if irradiance * lasing >= needed:
                kill_time = from_s + needed / irradiance
                self.lased_s[shot] += kill_time - from_s
                alive[locked] = False  # no other dwell burns it after this step's kill
                return self._end(shot, locked, True, kill_time, threat_position_m)
            self.fluence_j_m2[shot] += irradiance * lasing
            self.lased_s[shot] += lasing
        if end_s - float(self.start_s[shot]) >= table.max_dwell_s[kind] - 1e-9:
            return self._end(shot, locked, False, end_s, threat_position_m)
        return None

    def _jammer_step(self, shot: int, start_s: float, end_s: float,
                     threat_position_m: np.ndarray, threat_height_m: np.ndarray,
                     alive: np.ndarray, kind_index: np.ndarray, defeats: list):
        table, kind, battery = self.table, int(self.type_index[shot]), int(self.battery[shot])
        ids, _ = self._visible(battery, threat_position_m, threat_height_m, alive,
                               self.max_range_m[kind])
        from_s = max(start_s, float(self.start_s[shot]))
        if self.intended[shot] < 0:  # scoring only: the live threat nearest the first cue
            live = np.nonzero(alive)[0]
            if live.size:
                distance = np.linalg.norm(threat_position_m[live] - self._cue[shot], axis=1)
                self.intended[shot] = int(live[np.argmin(distance)])
        if ids.size:
            angle = self._angles(battery, shot, threat_position_m, ids)
            rate = table.defeat_rate_per_s[kind, kind_index[ids]]
            jammed = ids[(angle <= table.jam_half_angle_rad[kind]) & (rate > 0.0)
                         & ~self.defeated[ids]]
            if jammed.size:
                probability = electronic_attack.defeat_probability(
                    table.defeat_rate_per_s[kind, kind_index[jammed]], end_s - from_s)
                draws = self.rng.random((jammed.size, 2))
                for threat, chance, (defeat_draw, fall_draw) in zip(
                        jammed.tolist(), probability.tolist(), draws.tolist(), strict=True):
                    if defeat_draw < chance:
                        self.defeated[threat] = True
                        falls = fall_draw < table.fall_fraction[kind]
                        if falls:
                            alive[threat] = False
                        defeats.append((threat, shot, battery, falls, end_s,
                                        threat_position_m[threat].copy()))
        self.lased_s[shot] += end_s - from_s
        if end_s - float(self.start_s[shot]) >= table.max_dwell_s[kind] - 1e-9:
            return self._end(shot, int(self.intended[shot]), False, end_s, threat_position_m)
        return None

    def _end(self, shot: int, threat: int, killed: bool, time_s: float,
             threat_position_m: np.ndarray):
        self.on[shot] = False
        position = threat_position_m[threat] if threat >= 0 else self._cue[shot]
        offset = (float(np.linalg.norm(threat_position_m[threat] - self._cue[shot]))
                  if threat >= 0 else np.nan)
        return (shot, threat, killed, time_s, float(self.lased_s[shot]), offset,
                np.array(position, dtype=float))

    def _outcome(self, ended: list, defeats: list) -> BeamOutcome:
        shots = np.array([item[0] for item in ended], dtype=np.int64)
        return BeamOutcome(
            shot_id=BEAM_SHOT_ID_BASE + shots, battery=self.battery[shots],
            track_id=self.track_id[shots],
            threat_id=np.array([item[1] for item in ended], dtype=np.int64),
            killed=np.array([item[2] for item in ended], dtype=bool),
            time_s=np.array([item[3] for item in ended], dtype=float),
            lased_s=np.array([item[4] for item in ended], dtype=float),
            cue_offset_m=np.array([item[5] for item in ended], dtype=float),
            position_m=np.array([item[6] for item in ended], dtype=float).reshape(-1, 3),
            defeated_threat=np.array([item[0] for item in defeats], dtype=np.int64),
            defeated_by_shot=BEAM_SHOT_ID_BASE + np.array([item[1] for item in defeats],
                                                          dtype=np.int64),
            defeated_battery=np.array([item[2] for item in defeats], dtype=np.int64),
            defeated_falls=np.array([item[3] for item in defeats], dtype=bool),
            defeated_time_s=np.array([item[4] for item in defeats], dtype=float),
            defeated_position_m=np.array([item[5] for item in defeats],
                                         dtype=float).reshape(-1, 3))
