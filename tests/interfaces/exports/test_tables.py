"""Parquet and CSV tables of a run for other tools."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from iadsim.interfaces.cli import app

runner = CliRunner()
TABLES = ["events", "threats", "tracks", "truth", "interceptors"]


@pytest.mark.parametrize("file_format", ["parquet", "csv"])
def test_every_table_is_written_and_reads_back(run_dir, tmp_path, file_format):
    folder, result = run_dir
    out = tmp_path / "tables" / "nested"
    invoked = runner.invoke(app, ["export", file_format, str(folder), "--out", str(out)])
    assert invoked.exit_code == 0, invoked.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{name}.{file_format}"
                                                          for name in TABLES)
    for name in TABLES:
        expected = getattr(result, name)
        read = (pd.read_parquet(out / f"{name}.parquet") if file_format == "parquet"
                else pd.read_csv(out / f"{name}.csv"))
        assert list(read.columns) == list(expected.columns) and len(read) == len(expected)
    events = (pd.read_parquet(out / "events.parquet") if file_format == "parquet"
              else pd.read_csv(out / "events.csv"))
    kills = events[events["kind"].astype(str) == "kill"]
    assert kills["interceptor_id"].tolist() == [0] and kills["threat_id"].tolist() == [0]
    assert (events["time_s"].to_numpy() == result.events["time_s"].to_numpy()).all()
