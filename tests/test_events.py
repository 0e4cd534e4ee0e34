"""The event log: appending (broadcast, validation), counting, and the written frame
(time order, stable ties, name labels, documented columns and dtypes)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from iadsim import events as events_module
from iadsim.events import COLUMNS, FLOAT_COLUMNS, ID_COLUMNS, EventKind, EventLog, kind_code


def new_log() -> EventLog:
    return EventLog(["search", "fire-control"], ["north", "south", "gun"], ["city", "port"])


def test_scalars_broadcast_to_the_length_of_the_arrays():
    log = new_log()
    log.add(EventKind.INTERCEPTOR_LAUNCH, 12.0, interceptor_id=np.array([4, 5, 6]),
            battery_index=1, value=2.5e5)
    assert len(log) == 3 and log.count(EventKind.INTERCEPTOR_LAUNCH) == 3
    frame = log.to_frame()
    assert frame["time_s"].tolist() == [12.0] * 3
    assert frame["interceptor_id"].tolist() == [4, 5, 6]
    assert frame["battery"].tolist() == ["south"] * 3
    assert frame["value"].tolist() == [2.5e5] * 3
    assert frame["threat_id"].tolist() == [-1] * 3  # ids not concerned
    assert frame["sensor"].isna().all() and frame["asset"].isna().all()
    assert frame[["east_m", "north_m", "up_m"]].isna().all().all()


def test_time_may_be_an_array_and_all_scalars_make_one_row():
    log = new_log()
    log.add(EventKind.THREAT_LAUNCH, np.array([3.0, 1.0]), threat_id=np.array([0, 1]))
    log.add(EventKind.LEAK, 9.0, threat_id=4, asset_index=1, value=120.0)
    assert len(log) == 3
    frame = log.to_frame()
    assert frame["time_s"].tolist() == [1.0, 3.0, 9.0]
    assert frame["threat_id"].tolist() == [1, 0, 4]
    assert frame["asset"].tolist()[-1] == "port"


def test_positions_fill_east_north_up():
    log = new_log()
    position = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    log.add(EventKind.DETECTION, 2.0, threat_id=np.array([0, 1]), sensor_index=0,
            position_m=position)
    frame = log.to_frame()
    np.testing.assert_array_equal(frame[["east_m", "north_m", "up_m"]].to_numpy(), position)
    np.testing.assert_array_equal(position, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])  # unchanged


def test_an_unknown_column_is_rejected_and_named():
    log = new_log()
    with pytest.raises(ValueError, match="colour"):
        log.add(EventKind.KILL, 1.0, threat_id=2, colour=3)
    with pytest.raises(ValueError, match="sensor"):
        log.add(EventKind.KILL, 1.0, sensor="search")  # the label, not the index column
    assert len(log) == 0


def test_columns_of_different_lengths_are_rejected():
    log = new_log()
    with pytest.raises(ValueError, match="different lengths"):
        log.add(EventKind.KILL, 1.0, threat_id=np.array([1, 2]), value=np.array([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="different lengths"):
        log.add(EventKind.KILL, np.array([1.0, 2.0, 3.0]), threat_id=np.array([1, 2]))
    assert len(log) == 0


def test_empty_arrays_add_nothing():
    log = new_log()
    log.add(EventKind.FALSE_ALARM, 1.0, sensor_index=np.zeros(0, dtype=int),
            position_m=np.zeros((0, 3)))
    assert len(log) == 0 and log.count(EventKind.FALSE_ALARM) == 0
    assert len(log.to_frame()) == 0


def test_frame_is_ordered_by_time_keeping_the_order_of_appending_among_ties():
    log = new_log()
    log.add(EventKind.KILL, 5.0, threat_id=np.array([10, 11]))
    log.add(EventKind.ASSIGNMENT, 2.0, threat_id=20, battery_index=0)
    log.add(EventKind.MISS, 5.0, threat_id=12)
    log.add(EventKind.TRACK_START, np.array([5.0, 1.0, 5.0]), track_id=np.array([30, 31, 32]))
    frame = log.to_frame()
    assert frame["time_s"].tolist() == [1.0, 2.0, 5.0, 5.0, 5.0, 5.0, 5.0]
    assert frame["kind"].tolist() == ["track_start", "assignment", "kill", "kill", "miss",
                                      "track_start", "track_start"]
    assert frame["threat_id"].tolist() == [-1, 20, 10, 11, 12, -1, -1]
    assert frame["track_id"].tolist() == [31, -1, -1, -1, -1, 30, 32]
    assert frame.index.tolist() == list(range(7))


def test_frame_has_every_documented_column_with_its_dtype():
    log = new_log()
    for kind in EventKind:
        log.add(kind, 1.0, threat_id=1, track_id=2, interceptor_id=3, sensor_index=1,
                battery_index=2, asset_index=0, value=0.5, position_m=np.array([1.0, 2.0, 3.0]))
    frame = log.to_frame()
    assert list(frame.columns) == list(COLUMNS)
    assert frame["time_s"].dtype == np.float64
    assert isinstance(frame["kind"].dtype, pd.CategoricalDtype)
    assert set(frame["kind"].cat.categories) == {kind.value for kind in EventKind}
    assert frame["kind"].tolist() == [kind.value for kind in EventKind]
    for column in ("threat_id", "track_id", "interceptor_id"):
        assert frame[column].dtype == np.int32, column
    for column, names in (("sensor", ["search", "fire-control"]),
                          ("battery", ["north", "south", "gun"]), ("asset", ["city", "port"])):
        assert isinstance(frame[column].dtype, pd.CategoricalDtype), column
        assert frame[column].cat.categories.tolist() == names
    assert (frame["sensor"] == "fire-control").all() and (frame["battery"] == "gun").all()
    assert (frame["asset"] == "city").all()
    assert frame["value"].dtype == np.float64
    for column in ("east_m", "north_m", "up_m"):  # float32: 0.06 m at 1,000 km
        assert frame[column].dtype == np.float32, column
    assert set(FLOAT_COLUMNS) == {"value", "east_m", "north_m", "up_m"}
    assert set(ID_COLUMNS) >= {"sensor_index", "battery_index", "asset_index"}


def test_count_is_per_kind_and_writing_does_not_consume_the_log():
    log = new_log()
    log.add(EventKind.DETECTION, 1.0, threat_id=np.arange(4), sensor_index=0)
    log.add(EventKind.FALSE_ALARM, 1.0, sensor_index=np.array([0, 1]))
    log.add(EventKind.DETECTION, 2.0, threat_id=np.arange(3), sensor_index=1)
    assert log.count(EventKind.DETECTION) == 7
    assert log.count(EventKind.FALSE_ALARM) == 2
    assert log.count(EventKind.KILL) == 0
    first, second = log.to_frame(), log.to_frame()
    pd.testing.assert_frame_equal(first, second)
    assert len(log) == 9
    # The consolidated log still counts per kind, grows, and stays in time order.
    assert log.count(EventKind.DETECTION) == 7 and log.count(EventKind.FALSE_ALARM) == 2
    log.add(EventKind.KILL, 1.5, threat_id=2, value=3.0)
    assert log.count(EventKind.KILL) == 1 and len(log) == 10
    third = log.to_frame()
    assert third["kind"].tolist() == ["detection"] * 4 + ["false_alarm"] * 2 + ["kill"] + [
        "detection"] * 3
    pd.testing.assert_frame_equal(third.drop(index=6).reset_index(drop=True), first)


def test_the_arrays_added_are_not_modified():
    log = new_log()
    ids = np.array([[1, 2], [3, 4]])
    times = np.array([3.0, 1.0, 2.0, 0.5])
    log.add(EventKind.TRACK_DROP, times, track_id=ids, value=np.arange(4.0))
    log.to_frame()
    np.testing.assert_array_equal(ids, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(times, [3.0, 1.0, 2.0, 0.5])


@pytest.mark.parametrize("argsort_max_rows", [0, events_module.ARGSORT_MAX_ROWS])
@pytest.mark.parametrize("block_rows", [3, 4, 1 << 18])
def test_rows_spanning_blocks_come_out_in_time_order(monkeypatch, block_rows,
                                                     argsort_max_rows):
    # Ordered by the merge and in-place permutation (a log over ARGSORT_MAX_ROWS rows;
    # 0: this one) or by the stable argsort and gathers of a short log: the same frame.
    monkeypatch.setattr(events_module, "BLOCK_ROWS", block_rows)
    monkeypatch.setattr(events_module, "ARGSORT_MAX_ROWS", argsort_max_rows)
    log = new_log()
    log.add(EventKind.DETECTION, 5.0, threat_id=np.arange(5), sensor_index=1,
            value=np.arange(5.0), position_m=np.arange(15.0).reshape(5, 3))
    log.add(EventKind.KILL, np.array([1.0, 6.0]), threat_id=np.array([7, 8]), value=2.5)
    log.add(EventKind.DETECTION, 5.0, threat_id=9, sensor_index=0)
    frame = log.to_frame()
    assert frame["time_s"].tolist() == [1.0, 5, 5, 5, 5, 5, 5, 6]
    assert frame["threat_id"].tolist() == [7, 0, 1, 2, 3, 4, 9, 8]
    assert frame["kind"].tolist() == ["kill"] + ["detection"] * 6 + ["kill"]
    assert frame["east_m"].iloc[1:6].tolist() == [0.0, 3.0, 6.0, 9.0, 12.0]
    assert np.isnan(frame["east_m"].iloc[6]) and frame["sensor"].iloc[6] == "search"
    assert frame["value"].tolist()[:6] == [2.5, 0.0, 1.0, 2.0, 3.0, 4.0]
    assert log.count(EventKind.DETECTION) == 6 and log.count(EventKind.KILL) == 2
    # More rows after consolidation, then a release that empties the log.
    log.add(EventKind.LEAK, 0.5, threat_id=3, asset_index=1)
    released = log.to_frame(release=True)
    assert released["threat_id"].tolist() == [3, 7, 0, 1, 2, 3, 4, 9, 8]
    assert released["asset"].iloc[0] == "port"
    assert len(log) == 0 and log.count(EventKind.KILL) == 0 and len(log.to_frame()) == 0
    pd.testing.assert_frame_equal(released.iloc[1:].reset_index(drop=True), frame)


@pytest.mark.parametrize("shuffled_share", [0.0, 0.01, 1.0])
def test_sorting_a_log_matches_a_stable_argsort(shuffled_share):
    # Times on a 0.5 s grid (many ties), mostly in order with a share of rows displaced
    # back by up to a few steps (a run's tracker and endgame events), or all shuffled:
    # the natural merge sort gives NumPy's stable argsort, and the in-place permutation
    # by its inverse gives the sorted values.
    rng = np.random.default_rng(5)
    time_s = np.floor(np.arange(20_001) / 7.0) * 0.5
    displaced = rng.random(time_s.size) < shuffled_share
    time_s[displaced] -= rng.integers(0, 4, displaced.sum()) * 0.5
    if shuffled_share == 1.0:
        time_s = rng.permutation(time_s)
    expected = np.argsort(time_s, kind="stable")
    original = time_s.copy()
    order = events_module._stable_time_order(time_s)
    np.testing.assert_array_equal(time_s, original)  # not modified
    np.testing.assert_array_equal(order, expected)
    assert order.dtype == np.int32
    place = events_module._inverse_permutation(order)
    codes = (np.arange(time_s.size) % 100).astype(np.int8)
    expected_codes = codes[expected]
    events_module._permute_in_place(time_s, place)
    events_module._permute_in_place(codes, place)
    np.testing.assert_array_equal(time_s, original[expected])
    np.testing.assert_array_equal(codes, expected_codes)
    np.testing.assert_array_equal(place[expected], np.arange(time_s.size))  # restored


@pytest.mark.parametrize("block_rows", [7, 5, 64, 1 << 18])
def test_columns_not_given_hold_the_fill_values_whatever_the_blocks(monkeypatch, block_rows):
    """Appends with varying columns, across blocks, consolidations and a release, give the
    rows a plain record-by-record log would."""
    monkeypatch.setattr(events_module, "BLOCK_ROWS", block_rows)
    rng = np.random.default_rng(4)
    log, records = new_log(), []
    names = [*ID_COLUMNS, "value"]
    for step in range(60):
        length = int(rng.integers(0, 9))
        given = {name: rng.integers(0, 2, length) if name in ID_COLUMNS
                 else rng.normal(size=length)
                 for name in names if rng.random() < 0.4}
        position = rng.normal(size=(length, 3)) if rng.random() < 0.5 else None
        kind = list(EventKind)[step % len(EventKind)]
        log.add(kind, float(step), **given,
                **({} if position is None else {"position_m": position}))
        for row in range(length):
            record = {"time_s": float(step), "kind": kind.value}
            for name in names:
                record[name] = given[name][row] if name in given else (
                    -1 if name in ID_COLUMNS else np.nan)
            for axis, name in enumerate(("east_m", "north_m", "up_m")):
                record[name] = np.float32(position[row, axis]) if position is not None else np.nan
            records.append(record)
        if step % 17 == 16:
            log.to_frame()  # consolidate, then keep appending
    frame = log.to_frame(release=True)
    expected = pd.DataFrame.from_records(records)
    assert len(frame) == len(expected)
    for name in ("time_s", "threat_id", "track_id", "interceptor_id", "value"):
        np.testing.assert_array_equal(frame[name].to_numpy(), expected[name].to_numpy())
    for name in ("east_m", "north_m", "up_m"):
        np.testing.assert_array_equal(frame[name].to_numpy(),
                                      expected[name].to_numpy(dtype=np.float32))
    assert frame["kind"].astype(str).tolist() == expected["kind"].tolist()
    for label, column in (("sensor", "sensor_index"), ("battery", "battery_index"),
                          ("asset", "asset_index")):
        codes = frame[label].cat.codes.to_numpy()
        np.testing.assert_array_equal(codes, expected[column].to_numpy())
    assert len(log) == 0


def test_add_kinds_stores_what_one_add_a_kind_stores() -> None:
    """EventLog.add_kinds (the radar scan's one call a step) writes the rows, kind counts
    and dtypes that an add of each kind in turn writes."""
    position = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.5, 8.5, 9.5]])
    one_by_one, batched = EventLog(["a", "b"], [], []), EventLog(["a", "b"], [], [])
    for log in (one_by_one, batched):
        log.add(EventKind.TRACK_START, 0.5, track_id=[7])
    one_by_one.add(EventKind.DETECTION, [1.0, 1.0], threat_id=[3, 4], sensor_index=[0, 1],
                   value=[12.5, 14.0], position_m=position[:2])
    one_by_one.add(EventKind.FALSE_ALARM, [1.0], sensor_index=[1], position_m=position[2:])
    codes = np.array([kind_code(EventKind.DETECTION)] * 2 + [kind_code(EventKind.FALSE_ALARM)],
                     dtype=np.int8)
    single = position.astype(np.float32).T.copy()
    batched.add_kinds(codes, np.array([1.0, 1.0, 1.0]), {
        "threat_id": np.array([3, 4, -1], dtype=np.int32),
        "sensor_index": np.array([0, 1, 1], dtype=np.int16),
        "value": np.array([12.5, 14.0, np.nan]), "east_m": single[0], "north_m": single[1],
        "up_m": single[2]})
    assert batched.count(EventKind.DETECTION) == 2
    assert batched.count(EventKind.FALSE_ALARM) == 1
    assert len(batched) == len(one_by_one) == 4
    expected, frame = one_by_one.to_frame(), batched.to_frame()
    assert frame.equals(expected)
    assert list(frame.dtypes) == list(expected.dtypes)


@pytest.mark.parametrize("block_rows", [5, 64, 1 << 18])
def test_add_kinds_with_any_columns_across_blocks_stores_what_add_stores(monkeypatch,
                                                                         block_rows):
    """add_kinds given any subset of the columns (the others hold their fill values),
    into the last block's free rows or across blocks, after consolidations, between rows
    of add: the log an add of each kind's run of rows in turn writes."""
    monkeypatch.setattr(events_module, "BLOCK_ROWS", block_rows)
    rng = np.random.default_rng(9)
    batched, one_by_one = new_log(), new_log()
    names = [*ID_COLUMNS, "value", "east_m", "north_m", "up_m"]
    kinds = [EventKind.DETECTION, EventKind.FALSE_ALARM, EventKind.TRACK_START]
    for step in range(40):
        length = int(rng.integers(0, 12))
        codes = np.sort(rng.integers(0, 3, length))
        columns = {name: (rng.integers(0, 2, length).astype(events_module.ID_DTYPES[name])
                          if name in ID_COLUMNS
                          else rng.normal(size=length).astype(events_module.FLOAT_DTYPES[name]))
                   for name in names if rng.random() < 0.5}
        time_s = np.full(length, float(step))
        batched.add_kinds(np.array([kind_code(kinds[code]) for code in codes], dtype=np.int8),
                          time_s, columns)
        for code in np.unique(codes).tolist():
            rows = codes == code
            one_by_one.add(kinds[code], time_s[rows],
                           **{name: column[rows] for name, column in columns.items()})
        for log in (batched, one_by_one):
            log.add(EventKind.RELOAD, step + 0.5, value=1.0)
            if step % 13 == 12:
                log.to_frame()
    for kind in kinds:
        assert batched.count(kind) == one_by_one.count(kind) > 10
    assert len(batched) == len(one_by_one)
    assert batched.to_frame(release=True).equals(one_by_one.to_frame(release=True))
