"""The event log: one typed row per discrete happening, the single source for metrics.

Every event has a time, a kind and the ids it concerns; unused ids are -1, unused names
are missing, unused numbers NaN. ``value`` carries the one number each kind needs:

=================== ==========================================================
kind                value
=================== ==========================================================
threat_launch       unit cost of the threat (USD)
detection           signal-to-noise ratio (dB) of the detection
false_alarm         NaN
track_start         NaN  (a tentative track is born)
track_confirm       NaN
track_drop          seconds since the track's last update
assignment          predicted time of intercept (s since scenario start)
interceptor_launch  cost of the round (USD)
intercept           miss distance (m) at closest approach
kill                miss distance (m)
miss                miss distance (m)
self_destruct       flight time (s) when the round gave up
kill_assessment     1 if the battle manager judges the threat killed, else 0
leak                distance (m) from the target asset at arrival
route_complete      NaN  (a threat with no target finished its path)
outage_start/end    NaN
reload              rounds loaded
=================== ==========================================================

Rows are appended in batches (vectorized); :meth:`EventLog.to_frame` orders them by time,
keeping the order of appending among equal times, so a run repeats exactly.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd


class EventKind(StrEnum):
    THREAT_LAUNCH = "threat_launch"
    DETECTION = "detection"
    FALSE_ALARM = "false_alarm"
    TRACK_START = "track_start"
    TRACK_CONFIRM = "track_confirm"
    TRACK_DROP = "track_drop"
    ASSIGNMENT = "assignment"
    INTERCEPTOR_LAUNCH = "interceptor_launch"
    INTERCEPT = "intercept"
    KILL = "kill"
    MISS = "miss"
    SELF_DESTRUCT = "self_destruct"
    KILL_ASSESSMENT = "kill_assessment"
    LEAK = "leak"
    ROUTE_COMPLETE = "route_complete"
    OUTAGE_START = "outage_start"
    OUTAGE_END = "outage_end"
    RELOAD = "reload"


#: Integer id columns (-1 when not concerned) and their dtype.
ID_COLUMNS = ("threat_id", "track_id", "interceptor_id", "sensor_index", "battery_index",
              "asset_index")
#: Float columns (NaN when not concerned).
FLOAT_COLUMNS = ("value", "east_m", "north_m", "up_m")
#: Columns of the written log, in order.
COLUMNS = ("time_s", "kind", "threat_id", "track_id", "interceptor_id", "sensor", "battery",
           "asset", "value", "east_m", "north_m", "up_m")


class EventLog:
    """Append-only, columnar event log of one run.

    Parameters
    ----------
    sensor_names, battery_names, asset_names:
        Names by index, used to label the ``*_index`` columns when the log is written.
    """

    def __init__(self, sensor_names: list[str], battery_names: list[str],
                 asset_names: list[str]):
        self._names = {"sensor": sensor_names, "battery": battery_names, "asset": asset_names}
        self._batches: list[tuple[EventKind, int, dict[str, np.ndarray]]] = []
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def add(self, kind: EventKind, time_s: Any, **columns: Any) -> None:
        """Append events of one kind; arrays and scalars broadcast to a common length.

        Column names are those of :data:`ID_COLUMNS` and :data:`FLOAT_COLUMNS`; a
        ``position_m`` array of shape ``(n, 3)`` fills ``east_m``, ``north_m``, ``up_m``.
        """
        position = columns.pop("position_m", None)
        if position is not None:
            position = np.asarray(position, dtype=float).reshape(-1, 3)
            columns.update(east_m=position[:, 0], north_m=position[:, 1], up_m=position[:, 2])
        unknown = set(columns) - set(ID_COLUMNS) - set(FLOAT_COLUMNS)
        if unknown:
            raise ValueError(f"unknown event columns: {sorted(unknown)}")
        values = [np.asarray(time_s, dtype=np.float64), *(np.asarray(v) for v in columns.values())]
        sizes = {value.size for value in values if value.ndim}
        if len(sizes) > 1:
            raise ValueError(f"event columns have different lengths: {sorted(sizes)}")
        length = sizes.pop() if sizes else 1
        if length == 0:
            return
        # Scalars stay scalars (broadcast when the log is written): cheaper per call.
        batch = {"time_s": values[0].reshape(-1) if values[0].ndim > 1 else values[0]}
        for name, array in zip(columns, values[1:], strict=True):
            batch[name] = array.reshape(-1) if array.ndim > 1 else array
        self._batches.append((kind, length, batch))
        self._count += length

    def count(self, kind: EventKind) -> int:
        """Number of events of one kind so far."""
        return sum(length for k, length, _ in self._batches if k == kind)

    def to_frame(self) -> pd.DataFrame:
        """The log as a DataFrame, ordered by time (stable), with the documented columns."""
        total = self._count
        data: dict[str, np.ndarray] = {"time_s": np.empty(total)}
        data.update({name: np.full(total, -1, dtype=np.int32) for name in ID_COLUMNS})
        data.update({name: np.full(total, np.nan) for name in FLOAT_COLUMNS})
        kind_codes = np.empty(total, dtype=np.int16)
        kinds = list(EventKind)
        kind_index = {kind: i for i, kind in enumerate(kinds)}
        start = 0
        for kind, length, batch in self._batches:
            stop = start + length
            kind_codes[start:stop] = kind_index[kind]
            for name, values in batch.items():
                data[name][start:stop] = values
            start = stop
        order = np.argsort(data["time_s"], kind="stable")
        frame = pd.DataFrame({
            "time_s": data["time_s"][order],
            "kind": pd.Categorical.from_codes(kind_codes[order],
                                              categories=[k.value for k in kinds]),
        })
        for column in ("threat_id", "track_id", "interceptor_id"):
            frame[column] = data[column][order]
        for label in ("sensor", "battery", "asset"):
            codes = data[f"{label}_index"][order]
            frame[label] = pd.Categorical.from_codes(
                codes, categories=pd.Index(self._names[label], dtype=object))
        for column in FLOAT_COLUMNS:
            frame[column] = data[column][order]
        return frame[list(COLUMNS)]
