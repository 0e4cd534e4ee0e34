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

Storage is compact, because a large raid logs tens of millions of detections: ids are
int32, positions float32 (a resolution of 0.06 m at 1,000 km from the origin, finer than
any radar here measures), ``value`` and ``time_s`` float64; 47 bytes per event. Writing
the frame sorts the log once into one consolidated store, column by column, freeing each
column of the batches as it goes; ``to_frame(release=True)`` then hands that store to the
frame without a copy.
"""

from __future__ import annotations

import mmap
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd
from numba import njit


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


#: Integer id columns (-1 when not concerned) and their stored dtype.
ID_DTYPES: dict[str, type] = {"threat_id": np.int32, "track_id": np.int32,
                              "interceptor_id": np.int32, "sensor_index": np.int16,
                              "battery_index": np.int16, "asset_index": np.int16}
#: Float columns (NaN when not concerned) and their stored dtype.
FLOAT_DTYPES: dict[str, type] = {"value": np.float64, "east_m": np.float32,
                                 "north_m": np.float32, "up_m": np.float32}
ID_COLUMNS = tuple(ID_DTYPES)
FLOAT_COLUMNS = tuple(FLOAT_DTYPES)
_DTYPES = {**ID_DTYPES, **FLOAT_DTYPES}
_KINDS = list(EventKind)
_KIND_CODE = {kind: code for code, kind in enumerate(_KINDS)}
#: Columns of the written log, in order.
COLUMNS = ("time_s", "kind", "threat_id", "track_id", "interceptor_id", "sensor", "battery",
           "asset", "value", "east_m", "north_m", "up_m")


#: Rows per storage block. Each column of a block lives in its own anonymous memory map
#: (:func:`_mapped_empty`), so a block freed on consolidation gives its memory back.
BLOCK_ROWS = 1 << 18
_STORED_DTYPES: dict[str, type] = {"time_s": np.float64, "kind_code": np.int8, **_DTYPES}
_FILL = {name: (-1 if np.issubdtype(dtype, np.integer) else np.nan)
         for name, dtype in _STORED_DTYPES.items()}


def _mapped_empty(rows: int, dtype: type) -> np.ndarray:
    """A writable array of ``rows`` in its own anonymous memory map.

    Freeing it unmaps its pages at once. Memory from the C allocator need not go back:
    glibc raises its mmap threshold after the first large free, so later blocks come from
    the heap and stay with the process when freed. A 10,000-threat log (1.2 GB) then
    peaked at twice its size while it was consolidated.
    """
    item = np.dtype(dtype)
    return np.frombuffer(mmap.mmap(-1, rows * item.itemsize), dtype=item)


class EventLog:
    """Append-only, columnar event log of one run.

    Rows go into fixed-size blocks of typed columns (:data:`BLOCK_ROWS` rows each); the
    first block may instead be the consolidated, time-ordered store that :meth:`to_frame`
    leaves behind.

    Parameters
    ----------
    sensor_names, battery_names, asset_names:
        Names by index, used to label the ``*_index`` columns when the log is written.
    """

    def __init__(self, sensor_names: list[str], battery_names: list[str],
                 asset_names: list[str]):
        self._names = {"sensor": sensor_names, "battery": battery_names, "asset": asset_names}
        self._blocks: list[dict[str, np.ndarray]] = []
        self._fill = 0  # rows used in the last block
        self._count = 0
        self._kind_counts = np.zeros(len(_KINDS), dtype=np.int64)
        self._consolidated = False  # True while the only block is the time-ordered store

    def __len__(self) -> int:
        return self._count

    def add(self, kind: EventKind, time_s: Any, **columns: Any) -> None:
        """Append events of one kind; arrays and scalars broadcast to a common length.

        Column names are those of :data:`ID_COLUMNS` and :data:`FLOAT_COLUMNS`; a
        ``position_m`` array of shape ``(n, 3)`` fills ``east_m``, ``north_m``, ``up_m``.
        """
        position = columns.pop("position_m", None)
        if position is not None:
            position = np.asarray(position, dtype=np.float32).reshape(-1, 3)
            columns.update(east_m=position[:, 0], north_m=position[:, 1], up_m=position[:, 2])
        unknown = set(columns) - set(_DTYPES)
        if unknown:
            raise ValueError(f"unknown event columns: {sorted(unknown)}")
        given = {"time_s": np.asarray(time_s, dtype=np.float64),
                 **{name: np.asarray(v, dtype=_DTYPES[name]) for name, v in columns.items()}}
        sizes = {value.size for value in given.values() if value.ndim}
        if len(sizes) > 1:
            raise ValueError(f"event columns have different lengths: {sorted(sizes)}")
        length = sizes.pop() if sizes else 1
        if length == 0:
            return
        given = {name: value.reshape(-1) if value.ndim > 1 else value
                 for name, value in given.items()}
        given["kind_code"] = np.asarray(_KIND_CODE[kind], dtype=np.int8)
        done = 0
        while done < length:
            if not self._blocks or self._fill == self._blocks[-1]["time_s"].size:
                self._blocks.append({name: _mapped_empty(BLOCK_ROWS, dtype)
                                     for name, dtype in _STORED_DTYPES.items()})
                self._fill = 0
            block = self._blocks[-1]
            take = min(length - done, block["time_s"].size - self._fill)
            rows = slice(self._fill, self._fill + take)
            for name, column in block.items():
                value = given.get(name)
                if value is None:
                    column[rows] = _FILL[name]
                elif value.ndim == 0:
                    column[rows] = value
                else:
                    column[rows] = value[done : done + take]
            self._fill += take
            done += take
        self._count += length
        self._kind_counts[_KIND_CODE[kind]] += length
        self._consolidated = False

    def count(self, kind: EventKind) -> int:
        """Number of events of one kind so far."""
        return int(self._kind_counts[_KIND_CODE[kind]])

    def to_frame(self, release: bool = False) -> pd.DataFrame:
        """The log as a DataFrame, ordered by time (stable), with the documented columns.

        By default the log keeps its rows (consolidated) and may grow further; the frame
        has its own copy. With ``release=True`` the rows are handed to the frame without a
        copy and the log is left empty: what a finished run does, so that a raid of tens
        of millions of events does not hold them twice.
        """
        store = self._consolidate()
        if release:
            self._blocks, self._fill, self._count = [], 0, 0
            self._kind_counts[:] = 0
            self._consolidated = False
        codes = {label: store[f"{label}_index"] for label in ("sensor", "battery", "asset")}
        columns = {
            "time_s": store["time_s"],
            "kind": pd.Categorical.from_codes(store["kind_code"],
                                              categories=[k.value for k in _KINDS]),
            **{name: store[name] for name in ("threat_id", "track_id", "interceptor_id")},
            **{label: pd.Categorical.from_codes(
                codes[label], categories=pd.Index(self._names[label], dtype=object))
               for label in codes},
            **{name: store[name] for name in FLOAT_COLUMNS},
        }
        return pd.DataFrame({name: columns[name] for name in COLUMNS}, copy=not release)

    def _consolidate(self) -> dict[str, np.ndarray]:
        """Merge every block into one time-ordered store (stable), one column at a time,
        releasing each block's column once it is placed."""
        blocks, total = self._blocks, self._count
        if self._consolidated:
            return blocks[0]
        used = [block["time_s"].size for block in blocks[:-1]] + [self._fill] if blocks else []

        def gathered(name: str) -> np.ndarray:
            column = np.empty(total, dtype=_STORED_DTYPES[name])
            start = 0
            for block, rows in zip(blocks, used, strict=True):
                part = block.pop(name)[:rows]
                if place is None:
                    column[start : start + rows] = part
                else:
                    column[place[start : start + rows]] = part
                start += rows
            return column

        place = None
        time_s = gathered("time_s")
        kind_code = gathered("kind_code")
        # Each row's place in time order (stable); None when the rows already are in order.
        # Later columns are scattered straight to their place: no unsorted full copy.
        if total and not (time_s[1:] >= time_s[:-1]).all():
            order = _sort_nearly_sorted(time_s)  # sorts time_s in place
            place = _inverse_permutation(order)
            kind_code = kind_code[order]
            del order
        store = {"time_s": time_s, "kind_code": kind_code}
        for name in _DTYPES:
            store[name] = gathered(name)
        self._blocks, self._fill, self._consolidated = [store], total, True
        return store


#: Rows a nearly sorted log may move in all before it is sorted the general way.
MAX_INSERTION_MOVES_PER_ROW = 4


def _sort_nearly_sorted(time_s: np.ndarray) -> np.ndarray:
    """Sort ``time_s`` in place (stable) and return the order applied (int32 while the
    log has fewer than 2**31 rows): ``sorted = original[order]``.

    A run's log is in time order but for the few events a step logs at times inside the
    step (interceptor endgames) after events at its start: an insertion sort moves only
    those, in one pass and without the 8-byte index a general sort builds (200 MB at
    25 million events). A log further out of order is finished by NumPy's stable sort.
    """
    dtype = np.int32 if time_s.size < 2**31 else np.int64
    order = np.arange(time_s.size, dtype=dtype)
    if not _insertion_sort(time_s, order, MAX_INSERTION_MOVES_PER_ROW * time_s.size):
        # Equal times are still in log order, so a stable sort of what is left finishes
        # the stable sort of the whole.
        rest = np.argsort(time_s, kind="stable")
        order = order[rest]
        time_s[:] = time_s[rest]
    return order


@njit(cache=True)
def _insertion_sort(time_s: np.ndarray, order: np.ndarray, max_moves: int) -> bool:
    """Stable insertion sort of ``time_s`` in place, applying the same moves to
    ``order``; stops after the insertion that exceeds ``max_moves`` row moves (returns
    False), leaving a permutation whose equal times are still in their first order."""
    moves = 0
    for i in range(1, time_s.size):
        value = time_s[i]
        if value >= time_s[i - 1]:
            continue
        origin = order[i]
        j = i - 1
        while j >= 0 and time_s[j] > value:  # strictly greater: equal times keep order
            time_s[j + 1] = time_s[j]
            order[j + 1] = order[j]
            j -= 1
        moves += i - 1 - j
        time_s[j + 1] = value
        order[j + 1] = origin
        if moves > max_moves:
            return False
    return True


@njit(cache=True)
def _inverse_permutation(order: np.ndarray) -> np.ndarray:
    """``place`` with ``place[order[k]] = k`` (same integer type, no temporary)."""
    place = np.empty_like(order)
    for position in range(order.size):
        place[order[position]] = position
    return place
