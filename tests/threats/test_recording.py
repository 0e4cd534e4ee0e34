"""Recorded aircraft trajectories: import, cleaning counts, bad rows, the flown path."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import iadsim
from iadsim.engine.simulation import Simulation
from iadsim.errors import ScenarioError
from iadsim.interfaces.cli import app
from iadsim.scenario.loader import load_scenario
from iadsim.threats.recording import (
    FEET_TO_METRES,
    RecordingError,
    read_recording,
)

DATA = Path(__file__).parents[1] / "data" / "recordings"
RECORDING = DATA / "three-aircraft.csv"
SCENARIO = DATA / "airspace.yaml"


def raw() -> pd.DataFrame:
    return pd.read_csv(RECORDING, dtype={"icao24": str})


def test_the_shipped_recording_is_cleaned_with_each_fault_counted():
    """make_recording.py put in 2 reports without position, 1 garbled position, 1 altitude
    spike and 1 repeated report: exactly those are dropped, the rest kept."""
    recording = read_recording(RECORDING)
    assert recording.icao24 == ["4baa01", "4bab02", "4bac03"]
    assert recording.callsign == ["THY1AB", "PGT2CD", "SXS3EF"]
    assert recording.rows_read == len(raw()) == 491
    assert recording.dropped == {"missing_position": 2, "duplicate_time": 1,
                                 "position_jump": 1, "altitude_spike": 1,
                                 "too_few_points": 0}
    assert [times.size for times in recording.time_s] == [178, 159, 149]
    assert [times[0] for times in recording.time_s] == [0.0, 60.0, 120.0]
    # The kept altitudes have no spike: at most 100 m/s vertical between reports.
    for times, altitude in zip(recording.time_s, recording.alt_m, strict=True):
        assert (np.abs(np.diff(altitude)) / np.diff(times)).max() < 20.0


def test_filter_by_icao24_and_the_other_formats(tmp_path):
    only = read_recording(RECORDING, icao24=["4BAC03"])
    assert only.icao24 == ["4bac03"] and only.dropped["altitude_spike"] == 1
    assert only.dropped["position_jump"] == 0
    table = raw()
    table.to_parquet(tmp_path / "flights.parquet")
    table.to_json(tmp_path / "flights.json", orient="records")
    table.to_json(tmp_path / "flights.jsonl", orient="records", lines=True)
    reference = read_recording(RECORDING)
    table.assign(timestamp=pd.to_datetime(table["timestamp"])).to_parquet(
        tmp_path / "typed.parquet")  # timestamps as datetime64[ns, UTC], as traffic writes
    for name in ("flights.parquet", "typed.parquet", "flights.json", "flights.jsonl"):
        other = read_recording(tmp_path / name)
        assert other.dropped == reference.dropped, name
        for mine, theirs in zip(other.lat_deg, reference.lat_deg, strict=True):
            np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-9)


def test_unix_second_timestamps(tmp_path):
    table = raw()
    epoch = pd.Timestamp("1970-01-01", tz="UTC")
    table["timestamp"] = (pd.to_datetime(table["timestamp"]) - epoch) // pd.Timedelta("1s")
    table.to_csv(tmp_path / "unix.csv", index=False)
    recording = read_recording(tmp_path / "unix.csv")
    np.testing.assert_array_equal(recording.time_s[2], read_recording(RECORDING).time_s[2])


def test_bad_rows_are_named_by_row_number_in_one_line(tmp_path):
    table = raw().astype(object)
    table.loc[4, "latitude"] = "forty-two"
    table.loc[9, "timestamp"] = "yesterday"
    table.loc[11, "longitude"] = 190.0
    table.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(RecordingError) as caught:
        read_recording(tmp_path / "bad.csv")
    message = str(caught.value)
    assert "\n" not in message
    assert "3 bad row(s)" in message
    assert "row 5: latitude 'forty-two'" in message
    assert "row 10: timestamp 'yesterday'" in message
    assert "row 12: longitude '190.0'" in message


def test_missing_columns_and_unknown_formats(tmp_path):
    raw().drop(columns=["altitude"]).to_csv(tmp_path / "no-altitude.csv", index=False)
    with pytest.raises(RecordingError, match="missing column"):
        read_recording(tmp_path / "no-altitude.csv")
    (tmp_path / "flights.xml").write_text("<flights/>")
    with pytest.raises(RecordingError, match="unknown recording format"):
        read_recording(tmp_path / "flights.xml")


def test_each_aircraft_flies_its_recorded_path():
    """The raid's threat i passes through every kept report of aircraft i at its time
    (to 1e-9 degree and 1 mm), and between reports flies straight."""
    scenario = load_scenario(SCENARIO)
    simulation = Simulation(scenario)
    raid = simulation.raid
    recording = read_recording(RECORDING)
    assert raid.size == 3
    np.testing.assert_allclose(raid.launch_time_s, [0.0, 60.0, 120.0])
    for threat in range(3):
        times = recording.time_s[threat]
        for index in (0, 17, 80, times.size - 1):
            lat, lon, alt = raid.geodetic_at(times[index], np.array([threat]))
            assert lat[0] == pytest.approx(recording.lat_deg[threat][index], abs=1e-9)
            assert lon[0] == pytest.approx(recording.lon_deg[threat][index], abs=1e-9)
            assert alt[0] == pytest.approx(recording.alt_m[threat][index], abs=1e-3)
        middle = (times[10] + times[11]) / 2
        lat, _, alt = raid.geodetic_at(middle, np.array([threat]))
        assert lat[0] == pytest.approx(np.mean(recording.lat_deg[threat][10:12]), abs=1e-9)
        assert alt[0] == pytest.approx(np.mean(recording.alt_m[threat][10:12]), abs=1e-3)
    assert recording.alt_m[0][0] == pytest.approx(36_000 * FEET_TO_METRES)


def test_a_run_tracks_the_recorded_aircraft():
    """One radar, three recorded airliners: all three tracked, each by one track."""
    run = iadsim.run(SCENARIO, seed=5)
    assert run.summary["threats"]["total"] == 3
    (recorded,) = run.summary["recordings"]
    assert recorded["group"] == "airliners" and recorded["aircraft"] == 3
    assert recorded["rows_read"] == 491 and sum(recorded["dropped"].values()) == 5
    quality = run.summary["track_quality"]
    assert quality["threats_tracked"] == 3
    assert quality["id_switches"] == 0
    assert quality["position_rmse_m"] < 500.0


def test_scenario_errors_name_the_group_and_the_rows(tmp_path):
    shutil.copy(SCENARIO, tmp_path / "airspace.yaml")
    table = raw().astype(object)
    table.loc[2, "altitude"] = "high"
    table.to_csv(tmp_path / "three-aircraft.csv", index=False)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(tmp_path / "airspace.yaml")
    assert caught.value.problems[0][0] == "threats[0].recording"
    assert "row 3: altitude 'high'" in caught.value.problems[0][1]
    result = CliRunner().invoke(app, ["run", str(tmp_path / "airspace.yaml")])
    assert result.exit_code == 2
    assert "row 3: altitude 'high'" in result.output and "Traceback" not in result.output


def test_recording_fields_are_checked():
    document = load_scenario(SCENARIO).model_dump()
    group = document["threats"][0]
    for change in ({"count": 4}, {"kind": "ballistic_missile"},
                   {"recording": None, "icao24": ["4baa01"]}):
        with pytest.raises(ValueError):
            iadsim.Scenario.model_validate({**document, "threats": [{**group, **change}]})
