"""Where every moving object was, and when: the paths the exports draw and send.

A :class:`Path` is one object's samples in the scenario's ENU frame (metres, m/s) with
its time of appearance and disappearance; :meth:`Path.at` interpolates it linearly, which
is exact in ECEF too because ECEF is an affine image of ENU (:func:`enu_to_ecef`).

Threat paths are recomputed from the scenario (:func:`iadsim.threats.raid.build_raid`:
they are deterministic, the same in every run of the scenario) from launch to the
threat's end in the event log (kill, leak or route complete; the end of the run for one
still flying). Interceptor paths are the recorded true positions (``interceptors.parquet``)
between the launch and the end (intercept or self-destruct) that the event log places;
for a run without that recording they are the straight line from launch to end, and
:attr:`Path.recorded` says so.

This module reads the truth (where threats and rounds really flew) on purpose: it serves
playback and exports, never a deciding stage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from iadsim.interfaces.exports.run_folder import ExportError, RunFolder
from iadsim.threats.raid import Raid, build_raid
from iadsim.world.geodesy import LocalFrame, ecef_to_enu_rotation, geodetic_to_ecef

#: How a threat's path ended, by the event that ended it.
THREAT_ENDINGS = {"kill": "killed", "leak": "leaked", "route_complete": "withdrew"}
#: How a round's flight ended.
INTERCEPTOR_ENDINGS = {"kill": "killed", "miss": "missed", "self_destruct": "self_destruct"}


@dataclass(frozen=True)
class Path:
    """One moving object.

    kind: ``"threat"`` or ``"interceptor"``; identifier: its id in the event log;
    time_s: (k,) sample times, increasing, from ``start_s`` to ``end_s``;
    position_m, velocity_mps: (k, 3) ENU; fate: how it ended (``killed``, ``leaked``,
    ``withdrew``, ``in_flight`` for threats; ``killed``, ``missed``, ``self_destruct``,
    ``in_flight`` for rounds); label: a short name for viewers.
    """

    kind: str
    identifier: int
    label: str
    time_s: np.ndarray
    position_m: np.ndarray
    velocity_mps: np.ndarray
    fate: str
    recorded: bool = True

    @property
    def start_s(self) -> float:
        return float(self.time_s[0])

    @property
    def end_s(self) -> float:
        return float(self.time_s[-1])

    def at(self, time_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """ENU position (n, 3) and velocity (n, 3) at ``time_s`` (n,), linear between
        samples, held at the ends."""
        time_s = np.asarray(time_s, dtype=float)
        position = np.column_stack([np.interp(time_s, self.time_s, self.position_m[:, axis])
                                    for axis in range(3)])
        velocity = np.column_stack([np.interp(time_s, self.time_s, self.velocity_mps[:, axis])
                                    for axis in range(3)])
        return position, velocity


def enu_to_ecef(frame: LocalFrame, position_m: np.ndarray) -> np.ndarray:
    """Scenario ENU positions (..., 3), m, to ECEF (..., 3), m (affine, exact)."""
    origin = geodetic_to_ecef(frame.lat_deg, frame.lon_deg, frame.alt_m)
    return origin + enu_to_ecef_velocity(frame, position_m)


def enu_to_ecef_velocity(frame: LocalFrame, velocity_mps: np.ndarray) -> np.ndarray:
    """ENU vectors (..., 3) to ECEF vectors (..., 3) (a rotation).

    Summed term by term, not by ``@``: a matrix product goes through BLAS, whose kernel
    (and so the rounding of each row) depends on how many rows are multiplied at once on
    some machines (seen with OpenBLAS's Haswell kernels on an AMD EPYC: 18 of the 4,659
    PDUs of tests/interfaces/exports/test_dis.py's run differed in the last bit of one ECEF
    coordinate between a playback made at once and one made 0.1 s at a time). Each
    row here is rounded the same whatever the batch, so the DIS stream does not depend on
    its window (tests/interfaces/exports/test_dis.py)."""
    vectors = np.asarray(velocity_mps, dtype=float)
    rotation = ecef_to_enu_rotation(frame.lat_deg, frame.lon_deg)
    return (vectors[..., 0:1] * rotation[0] + vectors[..., 1:2] * rotation[1]
            + vectors[..., 2:3] * rotation[2])


def threat_endings(run: RunFolder) -> pd.DataFrame:
    """One row per threat: ``end_s`` and ``fate`` from the event log (first ending)."""
    events = run.events
    endings = events[events["kind"].isin(list(THREAT_ENDINGS))]
    endings = endings.drop_duplicates("threat_id", keep="first").set_index("threat_id")
    table = pd.DataFrame({"threat_id": run.threats["threat_id"].to_numpy()})
    table["end_s"] = table["threat_id"].map(endings["time_s"]).fillna(run.ended_s)
    table["fate"] = (table["threat_id"].map(endings["kind"].astype(str).map(THREAT_ENDINGS))
                     .fillna("in_flight"))
    return table.set_index("threat_id")


def _raid(run: RunFolder) -> Raid:
    try:
        return build_raid(run.scenario, run.frame)
    except (OSError, ValueError) as error:  # a recording file that moved, say
        raise ExportError(f"{run.folder / 'scenario.json'}: cannot rebuild the threat paths: "
                          f"{error}") from None


def threat_paths(run: RunFolder, sample_s: float = 1.0) -> list[Path]:
    """Every launched threat's path, sampled every ``sample_s`` from launch to its end
    (and at both ends exactly). Velocity is the central difference over 0.2 s."""
    if not sample_s > 0:
        raise ValueError(f"sample_s must be positive, got {sample_s}")
    raid, frame, endings = _raid(run), run.frame, threat_endings(run)
    launched = set(run.events.loc[run.events["kind"] == "threat_launch", "threat_id"])
    paths = []
    for threat_id in sorted(launched):
        start = float(raid.launch_time_s[threat_id])
        end = max(float(endings.at[threat_id, "end_s"]), start)
        times = np.unique(np.concatenate([np.arange(start, end, sample_s), [end]]))
        rows = np.full(times.size, threat_id)
        position = _raid_positions(raid, frame, times, rows)
        half = 0.1
        before = _raid_positions(raid, frame, np.maximum(times - half, start), rows)
        after = _raid_positions(raid, frame, np.minimum(times + half, end), rows)
        span = np.minimum(times + half, end) - np.maximum(times - half, start)
        velocity = np.divide(after - before, span[:, None], out=np.zeros_like(after),
                             where=span[:, None] > 0)
        group = run.threats.loc[run.threats["threat_id"] == threat_id, "group"].iloc[0]
        paths.append(Path("threat", int(threat_id), f"threat {threat_id} ({group})", times,
                          position, velocity, str(endings.at[threat_id, "fate"])))
    return paths


def _raid_positions(raid: Raid, frame: LocalFrame, times: np.ndarray,
                    rows: np.ndarray) -> np.ndarray:
    """ENU positions (n, 3) of threat ``rows[i]`` at ``times[i]`` (one threat per call in
    practice): linear in the raid's path table, as :meth:`Raid.geodetic_at`."""
    lat, lon, alt = np.empty(times.size), np.empty(times.size), np.empty(times.size)
    for row in np.unique(rows):
        mine = rows == row
        since = np.clip(times[mine] - raid.launch_time_s[row], 0.0, raid.flight_time_s[row])
        table = raid.path_time_s[row]
        lat[mine] = np.interp(since, table, raid.path_lat_deg[row])
        lon[mine] = np.interp(since, table, raid.path_lon_deg[row])
        alt[mine] = np.interp(since, table, raid.path_alt_m[row])
    return frame.to_enu(lat, lon, alt).reshape(-1, 3)


def interceptor_paths(run: RunFolder) -> list[Path]:
    """Every round's path from its launch to its end (or the end of the run)."""
    events = run.events
    launches = events[events["kind"] == "interceptor_launch"].drop_duplicates("interceptor_id")
    ends = events[events["kind"].isin(["kill", "miss", "self_destruct"])].drop_duplicates(
        "interceptor_id").set_index("interceptor_id")
    recorded = run.interceptors
    by_round = dict(tuple(recorded.groupby("interceptor_id"))) if len(recorded) else {}
    columns = ["east_m", "north_m", "up_m"]
    velocity_columns = ["velocity_east_mps", "velocity_north_mps", "velocity_up_mps"]
    paths = []
    for launch in launches.itertuples(index=False):
        round_id = int(launch.interceptor_id)
        start = np.array([launch.east_m, launch.north_m, launch.up_m], dtype=float)
        samples = by_round.get(round_id)
        times, positions, velocities = [float(launch.time_s)], [start], []
        if samples is not None:
            times.extend(samples["time_s"].to_numpy(float))
            positions.extend(samples[columns].to_numpy(float))
            velocities.extend(samples[velocity_columns].to_numpy(float))
        fate = "in_flight"
        if round_id in ends.index:
            end = ends.loc[round_id]
            fate = INTERCEPTOR_ENDINGS[str(end["kind"])]
            end_time = float(end["time_s"])
            if end_time > times[-1]:
                times.append(end_time)
                positions.append(end[columns].to_numpy(float))
        elif run.ended_s > times[-1] and samples is None:
            times.append(run.ended_s)
            positions.append(start)
        time_array, position_array = np.array(times), np.array(positions)
        velocity_array = _velocities(time_array, position_array, velocities)
        battery = launch.battery
        paths.append(Path("interceptor", round_id, f"round {round_id} ({battery})",
                          time_array, position_array, velocity_array, fate,
                          recorded=samples is not None))
    return paths


def _velocities(times: np.ndarray, positions: np.ndarray, recorded: list[np.ndarray]
                ) -> np.ndarray:
    """A velocity per sample: the recorded ones for the recorded samples (index 1..), the
    first recorded (or the mean over the flight) at launch and the last at the end."""
    count = times.size
    if count < 2:
        return np.zeros((count, 3))
    mean = (positions[-1] - positions[0]) / max(times[-1] - times[0], 1e-9)
    if not recorded:
        return np.repeat(mean[None, :], count, axis=0)
    velocity = np.empty((count, 3))
    velocity[1 : 1 + len(recorded)] = recorded
    velocity[0] = recorded[0]
    velocity[1 + len(recorded):] = recorded[-1]
    return velocity
