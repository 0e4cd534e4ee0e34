"""Interceptors in flight: every round launched in a run, flown step by step to its fate.

The rounds are a structure of arrays; one compiled call per simulation step
(:func:`iadsim.effectors.flyout_kernel.step_rounds`) flies all of them with the point-mass
model of :mod:`iadsim.effectors.flight`, command guidance on the engaged track in
midcourse and the seeker in the terminal phase. The kernel's module docstring states what
reads the truth and why (seeker physics, closest approach, scoring) and that guidance
commands never do.

Every round ends in one fate:

- **killed / missed its target**: the closest approach to the threat it was guided at (the
  one its seeker locked, or for a gun burst or a round without seeker the intended
  threat), with the lethality model's draw (:mod:`iadsim.effectors.lethality`); the miss
  adds the type's fuze and warhead aiming error (``aim_error_m``) across the approach;
- **diverted**: its seeker locked another threat than the intended one (the true threat
  nearest the engaged track when the round first flew, a scoring convention), then killed
  or missed that one; :class:`SeekerLocks` flags the diversion;
- **self-destructed**: no acquisition before passing the cue, flight time up, or too slow;
- **into the ground**: its path went below the ground (:attr:`InterceptorFleet.ground`:
  the scenario's DEM, or the smooth earth without one) before its closest approach; it
  ends there, a miss of the threat it was guided at (its lock, else the intended threat),
  ``Outcome.ground_impact`` set, its miss distance the distance to that threat there.

A gun burst is one ballistic projectile standing for the burst's centre, fired at the
fire-control solution and never steered; at its closest approach its shells spread around
the centre (``dispersion_rad`` x distance flown, normal per axis across the approach) and
the burst kills with ``1 - prod(1 - p_shell)``. The same shells can hit a neighbour: every
other live threat within :data:`NEIGHBOUR_RADIUS_M` of the burst's centre when it passes
its target is scored with those shells (their closest approach to it along the burst's
straight path relative to it) and killed with its own draw (``Outcome.neighbour_*``).
Scoring reads the truth (closest approaches); nothing that aims does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iadsim.effectors import flyout_kernel as kernel
from iadsim.effectors import flyout_step as fused
from iadsim.effectors.batteries import InterceptorTable
from iadsim.effectors.flight import (
    DRAG_MACH_TABLE,
    IS_GUN,
    LAUNCH_SPEED,
)
from iadsim.effectors.lethality import burst_kill_probability, kill_probability
from iadsim.world.terrain import TerrainView
from iadsim.world.terrain_ground import GroundModel

FLYING, RESOLVED = 1, 2
#: Per-round arrays of the fleet and their types (``state``: (n, STATE_COLUMNS)).
_STORED = {"state": np.float64, "type_index": np.int64, "battery": np.int64,
           "engagement_id": np.int64, "track_id": np.int64, "intended_threat": np.int64,
           "locked_threat": np.int64, "status": np.int8, "keys": np.uint64, "draws": np.int64}
#: Mean Earth radius used when no frame gives the osculating sphere's (m).
MEAN_EARTH_RADIUS_M = 6_371_000.0
#: A gun burst's shells are scored against every other live threat within this distance
#: of the burst's centre as it passes its target (m): beyond ten dispersion sigmas of a
#: 35 mm burst at 4 km plus the lethal radius, so no shell can reach farther.
NEIGHBOUR_RADIUS_M = 60.0


@dataclass(frozen=True, slots=True)
class SeekerLocks:
    """Seeker acquisitions in one step (arrays over those locks)."""

    interceptor_id: np.ndarray
    threat_id: np.ndarray  # the threat locked (truth: what the seeker physically saw)
    intended_threat_id: np.ndarray  # scoring: -1 when no threat was alive at launch
    range_m: np.ndarray
    time_s: np.ndarray
    diverted: np.ndarray  # bool: locked another threat than the intended one


@dataclass(frozen=True, slots=True)
class Outcome:
    """Rounds resolved in one step (arrays over those rounds), and the step's locks."""

    interceptor_id: np.ndarray
    engagement_id: np.ndarray
    battery: np.ndarray
    threat_id: np.ndarray  # threat at closest approach, -1 for a self-destruct
    miss_distance_m: np.ndarray  # NaN for a self-destruct
    killed: np.ndarray  # bool
    self_destructed: np.ndarray  # bool: gave up (not a ground impact)
    diverted: np.ndarray  # bool: the threat passed is not the intended one
    time_s: np.ndarray
    position_m: np.ndarray  # (k, 3)
    locks: SeekerLocks
    #: Neighbour hits: threats other than its target that a gun burst's shells killed
    #: (arrays over those kills; the interceptor is the burst).
    neighbour_interceptor_id: np.ndarray = None  # type: ignore[assignment]
    neighbour_threat_id: np.ndarray = None  # type: ignore[assignment]
    neighbour_miss_m: np.ndarray = None  # type: ignore[assignment]
    neighbour_time_s: np.ndarray = None  # type: ignore[assignment]
    #: bool: the round flew into the ground (a miss of ``threat_id``, -1 if none; neither
    #: killed nor self-destructed). None: no round did.
    ground_impact: np.ndarray = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.ground_impact is None:
            object.__setattr__(self, "ground_impact",
                               np.zeros(self.interceptor_id.size, dtype=bool))
        for name in ("neighbour_interceptor_id", "neighbour_threat_id"):
            if getattr(self, name) is None:
                object.__setattr__(self, name, _EMPTY_INT)
        for name in ("neighbour_miss_m", "neighbour_time_s"):
            if getattr(self, name) is None:
                object.__setattr__(self, name, _EMPTY_FLOAT)


class InterceptorFleet:
    """Every round launched in a run (structure of arrays; row = interceptor id).

    Parameters
    ----------
    types:
        The interceptor types (SI arrays).
    rng:
        The run's ``effectors`` stream: fuze errors, per-round seeker keys, kill draws.
    earth_radius_m:
        Radius of the osculating sphere at the frame's origin (gravity, height).
    predict_intercept:
        Whether midcourse guidance predicts the intercept point with the envelope's
        time-of-flight table (default); the envelope's own flights, at points at rest,
        need no table (their PIP is the point).
    """

    def __init__(self, types: InterceptorTable, rng: np.random.Generator,
                 earth_radius_m: float = MEAN_EARTH_RADIUS_M, predict_intercept: bool = True):
        self.types = types
        self.rng = rng
        self.earth_radius_m = float(earth_radius_m)
        self.predict_intercept = predict_intercept
        #: (n_threats,) index into THREAT_KINDS of each threat (scoring: the Pk of a round
        #: against the kind it closed on); None: every kind gets the type's single_shot_pk.
        self.threat_kind_index: np.ndarray | None = None
        self._envelope_tables: tuple[np.ndarray, np.ndarray] | None = None
        #: The ground (:class:`iadsim.world.terrain_ground.GroundModel`), or None: rounds
        #: then fly through the earth (the envelope's flights) and seekers see through it.
        self._ground: GroundModel | None = None
        self._ground_arrays = _NO_GROUND
        # Storage with spare capacity (doubled when full); the public arrays are views of
        # the first ``size`` rows.
        self._count = 0
        self._flying: np.ndarray | None = None  # see flying
        self._store: dict[str, np.ndarray] = {
            name: np.zeros((0, kernel.STATE_COLUMNS) if name == "state" else 0, dtype=dtype)
            for name, dtype in _STORED.items()}
        # The per-round results of a step (:mod:`iadsim.effectors.flyout_step`), kept
        # between steps and grown with the rounds in flight.
        self._index_out = np.zeros((0, fused.INDEX_COLUMNS), dtype=np.int64)
        self._value_out = np.zeros((0, fused.VALUE_COLUMNS))

    @property
    def ground(self) -> GroundModel | None:
        """The ground the rounds end in (and, with a DEM, the terrain that hides threats
        from their seekers at each look); None: neither."""
        return self._ground

    @ground.setter
    def ground(self, ground: GroundModel | None) -> None:
        self._ground = ground
        self._ground_arrays = _NO_GROUND if ground is None else ground.arrays()

    @property
    def terrain(self) -> TerrainView | None:
        """The DEM as a :class:`iadsim.world.terrain.TerrainView`, or None."""
        ground = self._ground
        if ground is None or ground.terrain is None:
            return None
        return TerrainView(ground.terrain, ground.frame)

    @terrain.setter
    def terrain(self, view: TerrainView | None) -> None:
        """Set the ground from a DEM view alone: the DEM, the flat ground outside it."""
        self.ground = None if view is None else GroundModel(
            view.frame, view.terrain.outside_elevation_m, self.earth_radius_m, view.terrain)

    @property
    def size(self) -> int:
        return self._count

    def __getattr__(self, name: str) -> np.ndarray:
        store = self.__dict__.get("_store")
        if store is None or name not in store:
            raise AttributeError(name)
        return store[name][: self._count]

    def _grow(self) -> None:
        """Double the spare capacity of every stored array."""
        capacity = max(16, 2 * self._count)
        for name, array in self._store.items():
            grown = np.zeros((capacity, *array.shape[1:]), dtype=array.dtype)
            grown[: self._count] = array[: self._count]
            self._store[name] = grown

    @property
    def flying(self) -> np.ndarray:
        """Ids of the rounds in flight (do not modify: the array is kept between the only
        writes of ``status``, :meth:`launch` and :meth:`step`, as the engine asks for it
        several times a step)."""
        if self._flying is None:
            self._flying = (self.status == FLYING).nonzero()[0]
        return self._flying

    @property
    def position_m(self) -> np.ndarray:
        """(n, 3) ENU positions (a view)."""
        return self.state[:, kernel.POSITION : kernel.POSITION + 3]

    @property
    def velocity_mps(self) -> np.ndarray:
        """(n, 3) ENU velocities (a view)."""
        return self.state[:, kernel.VELOCITY : kernel.VELOCITY + 3]

    def kinematics(self, rows: np.ndarray) -> np.ndarray:
        """(k, 6) positions (m) and velocities (m/s) of the rounds ``rows`` (a new array)."""
        return self._store["state"][rows, kernel.POSITION : kernel.POSITION + 6]

    @property
    def launch_time_s(self) -> np.ndarray:
        return self.state[:, kernel.LAUNCH_TIME]

    @property
    def aim_offset_m(self) -> np.ndarray:
        """(n, 3) fuze and warhead aiming errors drawn at launch (a view)."""
        return self.state[:, kernel.AIM_OFFSET : kernel.AIM_OFFSET + 3]

    def launch(self, time_s: float, position_m: np.ndarray, aim_point_m: np.ndarray,
               type_index: int, battery: int, engagement_id: int, track_id: int,
               track_position_m: np.ndarray | None = None,
               track_velocity_mps: np.ndarray | None = None,
               track_acceleration_mps2: np.ndarray | None = None) -> int:
        """Add one round leaving ``position_m`` toward ``aim_point_m``; returns its id.

        A missile leaves toward the aim point raised by its loft; a gun's aim point is the
        fire-control solution (already corrected for the shell's drop). The track arrays
        (the picture at launch: position, velocity, known acceleration) cue the round until
        the flyout's first step; by default the aim point, at rest. Over a DEM
        (:attr:`ground`) the round leaves from the DEM's ground under ``position_m`` plus
        the launcher's height above the flat ground.
        """
        kind = int(type_index)
        parameters = self.types.flight[kind]
        origin = np.array(position_m, dtype=float)
        if self._ground is not None:
            # A launcher stands on the DEM, at its height above the flat ground (as its
            # fire-control director does).
            origin[2] += self._ground.lift_m(origin)
        direction = np.asarray(aim_point_m, dtype=float) - origin
        if parameters[IS_GUN] == 0.0:
            direction[2] += kernel.loft_height(parameters, float(np.hypot(direction[0],
                                                                          direction[1])))
        direction /= max(float(np.linalg.norm(direction)), 1e-9)
        row = np.zeros((1, kernel.STATE_COLUMNS))
        row[0, kernel.POSITION : kernel.POSITION + 3] = origin
        row[0, kernel.LAUNCH_POSITION : kernel.LAUNCH_POSITION + 3] = origin
        row[0, kernel.VELOCITY : kernel.VELOCITY + 3] = direction * parameters[LAUNCH_SPEED]
        row[0, kernel.LAUNCH_TIME] = time_s
        row[0, kernel.LAST_LOOK] = time_s
        row[0, kernel.CUE_POSITION : kernel.CUE_POSITION + 3] = (
            aim_point_m if track_position_m is None else track_position_m)
        if track_velocity_mps is not None:
            row[0, kernel.CUE_VELOCITY : kernel.CUE_VELOCITY + 3] = track_velocity_mps
        if track_acceleration_mps2 is not None:
            row[0, kernel.CUE_ACCELERATION : kernel.CUE_ACCELERATION + 3] = (
                track_acceleration_mps2)
        row[0, kernel.AIM_POINT : kernel.AIM_POINT + 3] = aim_point_m
        row[0, kernel.AIM_TIME] = np.nan  # no PIP solved yet
        row[0, kernel.CUE_TIME] = time_s
        # The round's fuze and warhead aiming error (1 sigma per axis), then its seeker key.
        row[0, kernel.AIM_OFFSET : kernel.AIM_OFFSET + 3] = (
            self.rng.standard_normal(3) * self.types.aim_error_m[kind])
        key = self.rng.integers(0, 2**63, dtype=np.uint64)
        if self._count == self._store["status"].shape[0]:
            self._grow()
        slot = self._count
        values = {"state": row[0], "type_index": kind, "battery": battery,
                  "engagement_id": engagement_id, "track_id": track_id,
                  "intended_threat": kernel.UNSET, "locked_threat": -1, "status": FLYING,
                  "keys": key, "draws": 0}
        for name, value in values.items():
            self._store[name][slot] = value
        self._count += 1
        self._flying = None
        return slot

    def step(self, time_s: float, dt_s: float, threat_start_m: np.ndarray,
             threat_end_m: np.ndarray, threat_alive: np.ndarray, threat_rcs_m2: np.ndarray,
             track_ids: np.ndarray, track_position_m: np.ndarray,
             track_velocity_mps: np.ndarray,
             track_position_cov_m2: np.ndarray | None = None,
             track_acceleration_mps2: np.ndarray | None = None) -> Outcome:
        """Fly every round from ``time_s`` to ``time_s + dt_s`` and resolve endgames.

        threat_start_m, threat_end_m: (n_threats, 3) true positions at both ends of the
        step; threat_alive: (n_threats,) bool; threat_rcs_m2: (n_threats,) true RCS (the
        seeker's physics). The track arrays are the picture at ``time_s`` (ids, positions,
        velocities of confirmed tracks; position covariances (n, 3, 3), whose RMS sigma
        per axis sizes the seeker's acquisition gate, by default none; known accelerations
        (n, 3), gravity for the tracks flown with the ballistic model, by default none).
        Inputs are not modified.
        """
        rows = self.flying
        if rows.size == 0:
            return _EMPTY_OUTCOME
        alive = np.asarray(threat_alive, dtype=bool)
        start_m = np.ascontiguousarray(threat_start_m, dtype=float)
        end_m = np.ascontiguousarray(threat_end_m, dtype=float)
        track_ids = np.asarray(track_ids, dtype=np.int64)
        order = track_ids.argsort()
        sorted_ids = track_ids[order]
        track_position = np.ascontiguousarray(track_position_m, dtype=float)
        track_velocity = np.ascontiguousarray(track_velocity_mps, dtype=float)
        # A degenerate filter's covariance (negative or NaN) gives the minimum gate; no
        # covariance (no rows) gives every track a sigma of 0.
        track_covariance = (_NO_COVARIANCE if track_position_cov_m2 is None
                            else np.ascontiguousarray(track_position_cov_m2, dtype=float))
        track_acceleration = (np.zeros((track_ids.size, 3)) if track_acceleration_mps2 is None
                              else np.ascontiguousarray(track_acceleration_mps2, dtype=float))
        time_of_flight, envelope_scalars = self._tables()
        ground_elevation, ground_scalars = self._ground_arrays
        if self._index_out.shape[0] < rows.size:
            capacity = max(16, 2 * rows.size)
            self._index_out = np.zeros((capacity, fused.INDEX_COLUMNS), dtype=np.int64)
            self._value_out = np.zeros((capacity, fused.VALUE_COLUMNS))
        store = self._store
        # The stored arrays whole (their capacity): the kernel reads and writes only rows.
        locked_count, resolved_count = fused.fly_rounds(
            rows, store["type_index"], store["state"], store["intended_threat"],
            store["locked_threat"], store["track_id"], store["keys"], store["draws"],
            self.types.flight, DRAG_MACH_TABLE, start_m, end_m, alive,
            np.ascontiguousarray(threat_rcs_m2, dtype=float), sorted_ids, order,
            track_position, track_velocity, track_covariance, track_acceleration,
            time_of_flight, envelope_scalars, float(time_s), float(dt_s),
            self.earth_radius_m, ground_elevation, ground_scalars, self._index_out,
            self._value_out)
        if locked_count == 0 and resolved_count == 0:
            return _EMPTY_OUTCOME  # most steps: nothing locked, nothing resolved
        index = self._index_out[: rows.size]
        value = self._value_out[: rows.size]
        lock_threat = index[:, fused.LOCK_THREAT]
        code = index[:, fused.CODE].astype(np.int8)
        locks = _EMPTY_LOCKS
        if locked_count:
            locked_rows = (lock_threat >= 0).nonzero()[0]
            locks = SeekerLocks(rows[locked_rows], lock_threat[locked_rows],
                                self.intended_threat[rows[locked_rows]],
                                value[locked_rows, fused.LOCK_RANGE],
                                value[locked_rows, fused.LOCK_TIME],
                                index[locked_rows, fused.DIVERTED] != 0)
        if resolved_count == 0:
            return Outcome(*_EMPTY_OUTCOME_ARRAYS, locks=locks)
        done = (code != kernel.NOT_RESOLVED).nonzero()[0]
        victim = index[:, fused.VICTIM]
        miss = value[:, fused.MISS]
        when = value[:, fused.WHEN]
        miss_vector = value[:, fused.MISS_VECTOR : fused.MISS_VECTOR + 3]
        relative_velocity = value[:, fused.RELATIVE_VELOCITY : fused.RELATIVE_VELOCITY + 3]
        final_position = value[:, fused.FINAL_POSITION : fused.FINAL_POSITION + 3]
        ids = rows[done]
        endgame = code[done] == kernel.ENDGAME
        ground_impact = code[done] == kernel.GROUND_IMPACT
        fuzed_vector = self._fuzed_miss_vector(ids, miss_vector[done], relative_velocity[done])
        miss_m = np.where(endgame, np.linalg.norm(fuzed_vector, axis=1), miss[done])
        victims = np.where(endgame | ground_impact, victim[done], -1)
        kills, shells = self._draw_kills(ids, endgame, miss_m, fuzed_vector,
                                         relative_velocity[done], final_position[done],
                                         victims)
        # Two rounds may kill the same threat in one step: the first (lowest id) counts.
        if kills.any():
            first = np.zeros(kills.size, dtype=bool)
            _, first_index = np.unique(victims[kills], return_index=True)
            first[kills.nonzero()[0][first_index]] = True
            kills = first
        self.status[ids] = RESOLVED
        self._flying = None
        neighbours = (self._neighbour_hits(ids, shells, victims, kills, when[done],
                                           final_position[done], fuzed_vector, start_m, end_m,
                                           alive, float(time_s), float(dt_s))
                      if shells else {})
        return Outcome(
            interceptor_id=ids, engagement_id=self.engagement_id[ids],
            battery=self.battery[ids], threat_id=victims,
            miss_distance_m=np.where(endgame | ground_impact, miss_m, np.nan), killed=kills,
            self_destructed=code[done] == kernel.SELF_DESTRUCT,
            diverted=endgame & (victims != self.intended_threat[ids]),
            time_s=when[done], position_m=final_position[done], locks=locks,
            ground_impact=ground_impact, **neighbours)

    def _neighbour_hits(self, ids: np.ndarray, shells: dict[int, np.ndarray],
                        victims: np.ndarray, kills: np.ndarray, when: np.ndarray,
                        position_m: np.ndarray, fuzed_vector: np.ndarray, start_m: np.ndarray,
                        end_m: np.ndarray, alive: np.ndarray, time_s: float, dt_s: float
                        ) -> dict[str, np.ndarray]:
        """Threats other than their targets that the bursts' shells killed (scoring: reads
        the true threats). Each burst centre passes its target at ``fuzed_vector`` from
        it; a neighbour's miss vector is its straight-line closest approach to the centre
        around that instant, and each shell passes it offset by the shell's own spread.
        One uniform per neighbour in reach, drawn only when there is one."""
        table = self.types
        killed_now = set(victims[kills].tolist())
        found: list[tuple[int, int, float, float]] = []
        alive_ids = np.asarray(alive, dtype=bool).nonzero()[0]
        velocity = (end_m[alive_ids] - start_m[alive_ids]) / dt_s
        for slot, offsets in shells.items():
            fraction = (when[slot] - time_s) / dt_s
            threat_position = start_m[alive_ids] + fraction * (end_m[alive_ids]
                                                              - start_m[alive_ids])
            # The burst's centre as its shells pass (the fuze/aim error moves all shells).
            centre = threat_position[alive_ids == victims[slot]]
            centre = (centre[0] if centre.size else position_m[slot]) + fuzed_vector[slot]
            gap = np.linalg.norm(threat_position - centre, axis=1)
            near = ((gap < NEIGHBOUR_RADIUS_M) & (alive_ids != victims[slot])).nonzero()[0]
            if near.size == 0:
                continue
            kind = int(self.type_index[ids[slot]])
            burst_velocity = self.velocity_mps[ids[slot]]
            for index in near:
                relative = centre - threat_position[index]
                closing = burst_velocity - velocity[index]
                along = closing / max(float(np.linalg.norm(closing)), 1e-9)
                miss_vector = relative - np.dot(relative, along) * along
                shell = offsets - np.outer(offsets @ along, along) + miss_vector
                threat = int(alive_ids[index])
                neighbour_pk = float(self.single_shot_pk(np.array([kind]),
                                                         np.array([threat]))[0])
                probability = burst_kill_probability(
                    np.linalg.norm(shell, axis=1), table.lethal_radius_m[kind],
                    neighbour_pk, int(table.lethality_model[kind]))
                if self.rng.random() < probability and threat not in killed_now:
                    killed_now.add(threat)
                    found.append((int(ids[slot]), threat, float(np.linalg.norm(miss_vector)),
                                  float(when[slot])))
        if not found:
            return {}
        columns = list(zip(*found, strict=True))
        return {"neighbour_interceptor_id": np.array(columns[0], dtype=np.int64),
                "neighbour_threat_id": np.array(columns[1], dtype=np.int64),
                "neighbour_miss_m": np.array(columns[2]),
                "neighbour_time_s": np.array(columns[3])}

    def _tables(self) -> tuple[np.ndarray, np.ndarray]:
        """The envelope's time-of-flight tables (n_types, 41, 21) and scalars (n_types, 4)
        for the PIP (computed once per fleet, cached per type), or empty ones."""
        if self._envelope_tables is None:
            if self.predict_intercept:
                # Imported here: the envelope is flown with this module's fleet.
                from iadsim.effectors.envelope import stacked_tables
                time_of_flight, _, scalars = stacked_tables(self.types, self.earth_radius_m)
                self._envelope_tables = (np.ascontiguousarray(time_of_flight),
                                         np.ascontiguousarray(scalars))
            else:
                self._envelope_tables = (np.zeros((0, 2, 2)), np.zeros((0, 4)))
        return self._envelope_tables

    def _fuzed_miss_vector(self, ids: np.ndarray, miss_vector: np.ndarray,
                           relative_velocity: np.ndarray) -> np.ndarray:
        """The flown miss vector (k, 3) plus the fuze and warhead aiming error across the
        approach (NaN rows stay NaN: self-destructs)."""
        offset = self.aim_offset_m[ids]
        along = relative_velocity / np.maximum(
            np.linalg.norm(relative_velocity, axis=1, keepdims=True), 1e-9)
        return miss_vector + offset - np.sum(offset * along, axis=1, keepdims=True) * along

    def single_shot_pk(self, types: np.ndarray, threats: np.ndarray) -> np.ndarray:
        """Single-shot Pk of rounds of ``types`` against the ``threats`` they close on
        (-1: none): the type's Pk against that threat's kind (``threat_kind_index``, set by
        the simulation from the raid), else the type's ``single_shot_pk``."""
        table = self.types
        pk = table.single_shot_pk[types]
        if table.single_shot_pk_by_kind is None or self.threat_kind_index is None:
            return pk
        known = threats >= 0
        kinds = self.threat_kind_index[np.where(known, threats, 0)]
        return np.where(known, table.single_shot_pk_by_kind[types, kinds], pk)

    def _draw_kills(self, ids: np.ndarray, endgame: np.ndarray, miss_m: np.ndarray,
                    fuzed_vector: np.ndarray, relative_velocity: np.ndarray,
                    position_m: np.ndarray, victims: np.ndarray
                    ) -> tuple[np.ndarray, dict[int, np.ndarray]]:
        """One uniform per resolved round (always, for common random numbers); a gun burst
        also draws its shells' dispersion. The Pk is the round's type's against the kind of
        the threat it closed on (``victims``). Returns the kills and, per burst (index into
        ``ids``), its shells' offsets (n_shells, 3) from the burst's centre."""
        shells: dict[int, np.ndarray] = {}
        types = self.type_index[ids]
        table = self.types
        pk = self.single_shot_pk(types, victims)
        probability = kill_probability(np.where(endgame, miss_m, np.inf),
                                       table.lethal_radius_m[types], pk,
                                       table.lethality_model[types])
        bursts = (endgame & table.is_gun[types]).nonzero()[0]
        if bursts.size:
            launched = self.state[ids[bursts], kernel.LAUNCH_POSITION : kernel.LAUNCH_POSITION
                                  + 3]
            flown = np.linalg.norm(position_m[bursts] - launched, axis=1)
            along = relative_velocity[bursts] / np.maximum(np.linalg.norm(
                relative_velocity[bursts], axis=1, keepdims=True), 1e-9)
            # Two unit vectors across the approach.
            first = _cross(along, _UP)
            flat = np.linalg.norm(first, axis=1) < 1e-6
            first[flat] = _cross(along[flat], _EAST)
            first /= np.linalg.norm(first, axis=1, keepdims=True)
            second = _cross(along, first)
            for index, slot in enumerate(bursts):
                kind = types[slot]
                spread = (self.rng.standard_normal((int(table.shells_per_burst[kind]), 2))
                          * table.dispersion_rad[kind] * flown[index])
                offsets = spread[:, :1] * first[index] + spread[:, 1:] * second[index]
                shells[int(slot)] = offsets
                shell_miss = np.linalg.norm(fuzed_vector[slot] + offsets, axis=1)
                probability[slot] = burst_kill_probability(
                    shell_miss, table.lethal_radius_m[kind], float(pk[slot]),
                    int(table.lethality_model[kind]))
        return self.rng.random(ids.size) < probability, shells


def _cross(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """``np.cross`` of rows (k, 3) with rows (k, 3) or one vector (3,): the same products
    and differences in the same order (so the same bits), without its axis handling (three
    times its cost on a few rows)."""
    a0, a1, a2 = first[:, 0], first[:, 1], first[:, 2]
    b0, b1, b2 = second[..., 0], second[..., 1], second[..., 2]
    out = np.empty((first.shape[0], 3))
    np.multiply(a1, b2, out=out[:, 0])
    out[:, 0] -= a2 * b1
    np.multiply(a2, b0, out=out[:, 1])
    out[:, 1] -= a0 * b2
    np.multiply(a0, b1, out=out[:, 2])
    out[:, 2] -= a1 * b0
    return out


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


_UP = _frozen(np.array([0.0, 0.0, 1.0]))
_EAST = _frozen(np.array([1.0, 0.0, 0.0]))
_EMPTY_INT = _frozen(np.zeros(0, dtype=np.int64))
_EMPTY_FLOAT = _frozen(np.zeros(0))
_EMPTY_BOOL = _frozen(np.zeros(0, dtype=bool))
_EMPTY_LOCKS = SeekerLocks(_EMPTY_INT, _EMPTY_INT, _EMPTY_INT, _EMPTY_FLOAT, _EMPTY_FLOAT,
                           _EMPTY_BOOL)
_EMPTY_OUTCOME_ARRAYS = (_EMPTY_INT, _EMPTY_INT, _EMPTY_INT, _EMPTY_INT, _EMPTY_FLOAT,
                         _EMPTY_BOOL, _EMPTY_BOOL, _EMPTY_BOOL, _EMPTY_FLOAT,
                         _frozen(np.zeros((0, 3))))
_EMPTY_OUTCOME = Outcome(*_EMPTY_OUTCOME_ARRAYS, locks=_EMPTY_LOCKS)
#: No track covariance: every track's gate sigma is 0.
_NO_COVARIANCE = _frozen(np.zeros((0, 3, 3)))
#: No ground: an empty scalar vector (read as "none" by the kernel).
_NO_GROUND = (np.zeros((1, 1)), np.zeros(0))
