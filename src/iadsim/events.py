"""The event log: one typed row per discrete happening, the single source for metrics.

Every event has a time, a kind and the ids it concerns; unused ids are -1, unused names
are missing, unused numbers NaN. ``value`` carries the one number each kind needs:

=================== ==========================================================
kind                value
=================== ==========================================================
threat_launch       unit cost of the threat (USD)
detection           signal-to-noise ratio (dB) of the detection; with clutter or
                    jamming, signal to interference plus noise
false_alarm         NaN
track_start         NaN  (a tentative track is born)
track_confirm       NaN; with ``tracking.segment_association``, a new track that re-joined
                    a recently deleted one carries that one's number as ``track_id``
                    and its own (tentative) number here: the number is back in the
                    picture, and the tentative number ends (unless the battle
                    manager's kill judgement of the old number arrives in that step:
                    then a second track_confirm, value NaN, gives it its own back)
track_drop          seconds since the track's last update
track_merge         id of the track this one was merged into (a duplicate of the
                    same target; the merged track leaves the picture as on a drop)
assignment          predicted time of intercept (s since scenario start)
interceptor_launch  cost of the round (USD); for a laser or a jammer, the start of a
                    dwell and its cost
intercept           miss distance (m) at closest approach
kill                miss distance (m)
miss                miss distance (m)
self_destruct       flight time (s) when the round gave up
kill_assessment     1 if the battle manager judges the threat killed, else 0 (from the
                    picture; ``interceptor_id`` is the engagement's last round, which
                    the analysis uses to score the judgement against the truth)
leak                distance (m) from the target asset when the threat reached its
                    radius, or released a stand-off weapon within ``weapon_range_km``
route_complete      distance (m) from the target asset of an aimed threat that ended its
                    path short of it (withdrew, ``asset`` set); NaN for a threat with no
                    target
outage_start/end    NaN
reload              rounds loaded
seeker_lock         range (m) from the round to the threat its seeker locked
                    (``threat_id``: the locked threat, ``track_id``: the engaged track)
diverted            id of the intended threat, -1 if none (``threat_id``: the other
                    threat the seeker locked; logged with its ``seeker_lock``)
fault_start/end     index of the fault in the scenario's ``faults`` list (``sensor`` or
                    ``battery`` names its target)
dwell_end           seconds the laser was on its locked target (or the jammer jammed)
                    when the dwell ended (``interceptor_id``: the dwell's shot id,
                    ``threat_id``: the locked threat, -1 when nothing was locked); a
                    laser's ``kill``/``miss`` and a beam's ``intercept`` carry, in place
                    of a miss distance, the distance (m) from the cue (the track predicted
                    to the dwell's end) to that threat's true position
defeat              0 if the jammed threat falls, 1 if it flies off (``interceptor_id``:
                    the jamming dwell, ``battery``: the jammer)
ground_impact       a round or a threat flew into the ground (the DEM, or the smooth
                    earth). A round (``interceptor_id``, ``battery``): its flight time
                    (s), logged with the ``intercept`` and ``miss`` of the threat it was
                    guided at (their value: its distance from the round there; none when
                    it was guided at no threat); ``threat_id`` is -1, as for a
                    self-destruct. A threat (``threat_id``, no ``interceptor_id``): a
                    terrain-following threat that could not climb over the ground ahead
                    (its flight time, s); it is lost
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
    SEEKER_LOCK = "seeker_lock"
    DIVERTED = "diverted"
    TRACK_MERGE = "track_merge"
    FAULT_START = "fault_start"
    FAULT_END = "fault_end"
    DWELL_END = "dwell_end"
    DEFEAT = "defeat"
    GROUND_IMPACT = "ground_impact"


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


#: Logs of up to this many rows are time-ordered by NumPy's stable argsort and gathers
#: (about 100 MB of temporaries at most); longer ones by the leaner natural merge and
#: in-place permutation (:func:`_stable_time_order`, :func:`_permute_in_place`).
ARGSORT_MAX_ROWS = 1 << 22
#: Rows per storage block. Each column of a block lives in its own anonymous memory map
#: (:func:`_mapped_empty`), so a block freed on consolidation gives its memory back.
BLOCK_ROWS = 1 << 18
_STORED_DTYPES: dict[str, type] = {"time_s": np.float64, "kind_code": np.int8, **_DTYPES}
#: The stored columns in order (of a block's columns, :meth:`EventLog.room`).
STORED_COLUMNS = tuple(_STORED_DTYPES)
_FILL = {name: (-1 if np.issubdtype(dtype, np.integer) else np.nan)
         for name, dtype in _STORED_DTYPES.items()}
#: No rows of each id and number column (a column :meth:`EventLog.add_kinds` is not given).
_NO_ROWS = {name: np.zeros(0, dtype=dtype) for name, dtype in _DTYPES.items()}
#: The ``kind`` column's categorical dtype (made once: building its string categories took
#: about 0.4 ms a frame).
_KIND_DTYPE = pd.CategoricalDtype(pd.Index([k.value for k in _KINDS]))
#: Each kind's code as a stored scalar (made once, not per append).
_KIND_CODE_ARRAYS = [np.asarray(code, dtype=np.int8) for code in range(len(_KINDS))]


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
        #: The last block's columns in the order of :data:`STORED_COLUMNS`, and its rows
        #: (for :meth:`room`).
        self._last_columns: tuple[np.ndarray, ...] = ()
        self._last_rows = 0
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
        if not columns.keys() <= _DTYPES.keys():
            raise ValueError(f"unknown event columns: {sorted(set(columns) - set(_DTYPES))}")
        given = {"time_s": np.asarray(time_s, dtype=np.float64)}
        for name, value in columns.items():
            given[name] = np.asarray(value, dtype=_DTYPES[name])
        if position is not None:
            position = np.asarray(position, dtype=np.float32).reshape(-1, 3)
            given["east_m"], given["north_m"], given["up_m"] = position.T
        length = -1
        for name, value in given.items():
            if value.ndim:
                if length >= 0 and value.size != length:
                    sizes = sorted({v.size for v in given.values() if v.ndim})
                    raise ValueError(f"event columns have different lengths: {sizes}")
                length = value.size
                if value.ndim > 1:
                    given[name] = value.reshape(-1)
        if length == 0:
            return
        if length < 0:
            length = 1
        code = _KIND_CODE[kind]
        given["kind_code"] = _KIND_CODE_ARRAYS[code]
        self._write(given, length)
        self._kind_counts[code] += length

    def room(self, length: int) -> tuple[tuple[np.ndarray, ...], int] | None:
        """Where a compiled writer may put ``length`` more rows: the last block's columns,
        in the order of :data:`STORED_COLUMNS` (stored dtypes), and its first free row;
        None when they do not fit in it (then append them with :meth:`add` or
        :meth:`add_stored`). The writer sets every column of each row it writes, then
        calls :meth:`written` (the rows belong to the log only then)."""
        blocks = self._blocks
        if blocks and self._fill + length <= self._last_rows:
            return self._last_columns, self._fill
        return None

    def written(self, kind: EventKind, length: int) -> None:
        """``length`` rows of ``kind`` were written after the last (every column), where
        :meth:`room` said."""
        stop = self._fill + length
        self._fill = stop
        self._count += length
        self._kind_counts[_KIND_CODE[kind]] += length
        self._consolidated = False

    def add_stored(self, kind: EventKind, time_s: np.ndarray | np.float64, length: int,
                   columns: dict[str, np.ndarray]) -> None:
        """Append ``length`` events of one kind whose columns are already in their stored
        dtypes: ``time_s`` float64 (a scalar or ``(length,)``), ``columns`` 1-D arrays of
        ``length`` (``ID_DTYPES``, ``FLOAT_DTYPES``; positions as ``east_m``, ``north_m``,
        ``up_m``). The same rows as :meth:`add` given the same values, without its
        conversions and checks."""
        if length == 0:
            return
        code = _KIND_CODE[kind]
        self._write({"time_s": time_s, "kind_code": _KIND_CODE_ARRAYS[code], **columns},
                    length)
        self._kind_counts[code] += length

    def add_kinds(self, kind_code: np.ndarray, time_s: np.ndarray,
                  columns: dict[str, np.ndarray]) -> None:
        """Append rows of several kinds at once, in the order given: ``kind_code`` (k,)
        int8 codes (:func:`kind_code`), ``time_s`` (k,) float64 and ``columns`` 1-D
        arrays of length k already in their stored dtypes (``ID_DTYPES``, ``FLOAT_DTYPES``;
        positions as ``east_m``, ``north_m``, ``up_m``). The same rows as one :meth:`add` a
        kind in turn when the rows of each kind are contiguous; for hot paths that make
        their rows in a compiled kernel (no conversion, no checks)."""
        length = kind_code.size
        if length == 0:
            return
        room = self.room(length)
        if room is None:  # across blocks
            given = {"time_s": time_s, "kind_code": kind_code, **columns}
            self._write(given, length)
            self._kind_counts += np.bincount(kind_code, minlength=len(_KINDS))
            return
        # The common case: every column of the rows, and the counts, in one compiled call.
        block, first = room
        _write_rows(first, self._kind_counts, *block, time_s, kind_code,
                    *[columns.get(name, _NO_ROWS[name]) for name in _DTYPES])
        stop = first + length
        self._fill = stop
        self._count += length
        self._consolidated = False

    def _write(self, given: dict[str, np.ndarray], length: int) -> None:
        """Write ``length`` rows (``given``: stored columns, scalar or 1-D) after the last."""
        blocks = self._blocks
        if blocks and self._fill + length <= blocks[-1]["time_s"].size:
            # The common case: the rows fit in the last block. The columns not given get
            # the fill values, then the given columns are written. (Filling rows ahead of
            # the appends wrote most rows twice: most come from compiled writers that write
            # every column, :meth:`add_kinds`.)
            block, stop = blocks[-1], self._fill + length
            rows = slice(self._fill, stop)
            for name, column in block.items():
                if name not in given:
                    column[rows] = _FILL[name]
            for name, value in given.items():
                block[name][rows] = value
            self._fill = stop
        else:
            self._append_blocks(given, length)
        self._count += length
        self._consolidated = False

    def _append_blocks(self, given: dict[str, np.ndarray], length: int) -> None:
        """Write ``length`` rows (``given``: scalar or 1-D columns) across the last block
        and as many new blocks as they need."""
        done = 0
        while done < length:
            if not self._blocks or self._fill == self._blocks[-1]["time_s"].size:
                self._blocks.append({name: _mapped_empty(BLOCK_ROWS, dtype)
                                     for name, dtype in _STORED_DTYPES.items()})
                self._fill = 0
                self._last_block_changed()
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
            self._last_block_changed()
        codes = {label: store[f"{label}_index"] for label in ("sensor", "battery", "asset")}
        columns = {
            "time_s": store["time_s"],
            "kind": pd.Categorical.from_codes(store["kind_code"], dtype=_KIND_DTYPE),
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
        self._last_columns, self._last_rows = (), 0  # each column freed once placed
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
            if total <= ARGSORT_MAX_ROWS:
                # A short log (a Monte Carlo replication's): NumPy's stable sort (the same
                # order: a stable order is unique) and a gather of the two columns, about
                # six times faster than the merge and the cycle walks, at little memory.
                order = np.argsort(time_s, kind="stable")
                place = _inverse_permutation(order.astype(np.int32))
                time_s, kind_code = time_s[order], kind_code[order]
            else:
                place = _inverse_permutation(_stable_time_order(time_s))  # int32 < 2**31
                _permute_in_place(time_s, place)
                _permute_in_place(kind_code, place)
        store = {"time_s": time_s, "kind_code": kind_code}
        for name in _DTYPES:
            store[name] = gathered(name)
        self._blocks, self._fill, self._consolidated = [store], total, True
        self._last_block_changed()
        return store

    def _last_block_changed(self) -> None:
        """Note the last block's columns and rows (:meth:`room`) after it changed."""
        if self._blocks:
            block = self._blocks[-1]
            self._last_columns = tuple(block[name] for name in STORED_COLUMNS)
            self._last_rows = block["time_s"].size
        else:
            self._last_columns, self._last_rows = (), 0


@njit(cache=True)
def _write_rows(first: int, kind_counts: np.ndarray, block_time: np.ndarray,
                block_kind: np.ndarray, block_threat: np.ndarray, block_track: np.ndarray,
                block_interceptor: np.ndarray, block_sensor: np.ndarray,
                block_battery: np.ndarray, block_asset: np.ndarray, block_value: np.ndarray,
                block_east: np.ndarray, block_north: np.ndarray, block_up: np.ndarray,
                time_s: np.ndarray, kind: np.ndarray, threat: np.ndarray, track: np.ndarray,
                interceptor: np.ndarray, sensor: np.ndarray, battery: np.ndarray,
                asset: np.ndarray, value: np.ndarray, east: np.ndarray, north: np.ndarray,
                up: np.ndarray) -> None:
    """:meth:`EventLog.add_kinds` into the last block (``block_*``, its columns) from row
    ``first``: ``kind.size`` rows, every column written (a column given no rows, the fill
    value: -1 for ids, NaN for numbers), and each kind counted in ``kind_counts``."""
    length = kind.size
    for row in range(length):
        at = first + row
        block_time[at] = time_s[row]
        block_kind[at] = kind[row]
        kind_counts[kind[row]] += 1
        block_threat[at] = threat[row] if threat.size else -1
        block_track[at] = track[row] if track.size else -1
        block_interceptor[at] = interceptor[row] if interceptor.size else -1
        block_sensor[at] = sensor[row] if sensor.size else -1
        block_battery[at] = battery[row] if battery.size else -1
        block_asset[at] = asset[row] if asset.size else -1
        block_value[at] = value[row] if value.size else np.nan
        block_east[at] = east[row] if east.size else np.nan
        block_north[at] = north[row] if north.size else np.nan
        block_up[at] = up[row] if up.size else np.nan


def empty_stored_columns() -> tuple[np.ndarray, ...]:
    """Zero rows of each stored column, in the order of :data:`STORED_COLUMNS` (what a
    compiled writer is given when :meth:`EventLog.room` has none)."""
    return tuple(np.zeros(0, dtype=dtype) for dtype in _STORED_DTYPES.values())


def kind_code(kind: EventKind) -> int:
    """The stored code of an event kind (for :meth:`EventLog.add_kinds`)."""
    return _KIND_CODE[kind]


def _stable_time_order(time_s: np.ndarray) -> np.ndarray:
    """The stable sort order of ``time_s`` (``sorted = time_s[order]``), as int32 while the
    log has fewer than 2**31 rows; ``time_s`` is not modified.

    A natural merge sort: a run's log is a few thousand long runs already in time order
    (each step's events, and the tracker's at the earlier time its reports were taken),
    merged pairwise. It needs only the order and one buffer of the same 4-byte integers,
    where NumPy's ``argsort`` builds an 8-byte index plus its own buffer (with the inverse
    and an ``arange`` after it): the 10,000-threat run's peak fell by 196 MiB
    (``benchmarks/memory_stages.py``).
    """
    order = np.arange(time_s.size, dtype=np.int32 if time_s.size < 2**31 else np.int64)
    return _merge_runs(time_s, order)


@njit(cache=True)
def _merge_runs(time_s: np.ndarray, order: np.ndarray) -> np.ndarray:
    """:func:`_stable_time_order` given ``order = arange``; returns ``order`` or its
    buffer, whichever holds the result."""
    count = time_s.size
    starts = [0]
    for row in range(1, count):
        if time_s[row] < time_s[row - 1]:
            starts.append(row)
    starts.append(count)
    if len(starts) <= 2:
        return order
    bounds = np.array(starts)
    source, target = order, np.empty_like(order)
    while bounds.size > 2:
        runs = bounds.size - 1
        merged = np.empty(runs // 2 + runs % 2 + 1, dtype=bounds.dtype)
        for pair in range(0, runs, 2):
            low, middle = bounds[pair], bounds[min(pair + 1, runs)]
            high = bounds[min(pair + 2, runs)]
            left, right, out = low, middle, low
            while left < middle and right < high:
                # Left first on equal times: the merge is stable.
                if time_s[source[right]] < time_s[source[left]]:
                    target[out] = source[right]
                    right += 1
                else:
                    target[out] = source[left]
                    left += 1
                out += 1
            while left < middle:
                target[out] = source[left]
                left += 1
                out += 1
            while right < high:
                target[out] = source[right]
                right += 1
                out += 1
            merged[pair // 2] = low
        merged[-1] = count
        bounds = merged
        source, target = target, source
    return source


@njit(cache=True)
def _permute_in_place(values: np.ndarray, place: np.ndarray) -> None:
    """Move ``values[i]`` to ``values[place[i]]`` for every ``i``, in place, one cycle of
    the permutation at a time (no copy of ``values``). ``place`` is marked (bitwise
    complement) while it is walked and restored at the end."""
    for start in range(values.size):
        if place[start] < 0:
            continue
        carried = values[start]
        current = start
        while True:
            destination = place[current]
            place[current] = ~destination
            if destination == start:
                values[start] = carried
                break
            carried, values[destination] = values[destination], carried
            current = destination
    for row in range(place.size):
        place[row] = ~place[row]


@njit(cache=True)
def _inverse_permutation(order: np.ndarray) -> np.ndarray:
    """``place`` with ``place[order[k]] = k`` (same integer type, no temporary)."""
    place = np.empty_like(order)
    for position in range(order.size):
        place[order[position]] = position
    return place
