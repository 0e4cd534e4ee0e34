"""``iadsim coverage``: writes the map and the range-altitude picture, prints the covered
areas, and refuses bad arguments and bad DEMs with one line and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from iadsim.interfaces.cli import app, main

runner = CliRunner()
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
RIDGE_SCENARIO = Path(__file__).parents[1] / "data" / "terrain" / "ridge-drone.yaml"


def test_the_map_is_a_png_and_the_areas_are_printed(tmp_path):
    out = tmp_path / "low.png"
    result = runner.invoke(app, ["coverage", "layered-defense", "--rcs-m2", "0.1",
                                 "--altitude-m", "10", "--cells", "60", "--out", str(out)],
                           terminal_width=200)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(PNG_SIGNATURE)
    line = result.stdout.strip()
    assert line.startswith(f"Wrote {out}: Pd >= 0.9 for 0.1 m² at 10 m (smooth earth; no "
                           "clutter, no jamming) over ")
    assert "lr-search" in line and "sr-radar-akinci" in line
    assert [p.name for p in tmp_path.iterdir()] == ["low.png"]  # no temporary left


def test_the_vertical_picture_is_a_png(tmp_path):
    out = tmp_path / "vertical.png"
    result = runner.invoke(app, ["coverage", "sinop-trial", "--vertical", "--rcs-m2", "1",
                                 "--cells", "40", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(PNG_SIGNATURE)
    assert result.stdout.strip() == f"Wrote {out} (clutter on 2 radar(s), no jamming)"


def test_the_map_of_a_scenario_with_a_dem_says_it_is_masked(tmp_path):
    pytest.importorskip("rasterio", reason="the terrain extra (rasterio) is absent")
    out = tmp_path / "ridge.png"
    result = runner.invoke(app, ["coverage", str(RIDGE_SCENARIO), "--cells", "40",
                                 "--out", str(out)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "(with terrain; no clutter, no jamming)" in result.stdout
    assert out.read_bytes().startswith(PNG_SIGNATURE)


@pytest.mark.parametrize(("arguments", "message"), [
    (["--rcs-m2", "0"], "error: --rcs-m2: expected a radar cross-section > 0 m², got 0.0"),
    (["--altitude-m", "-5"], "error: --altitude-m: expected an altitude from 0 to 100000 m, "
                             "got -5.0"),
    (["--cells", "3"], "error: --cells: expected 10 to 2000 cells a side, got 3"),
    (["--rcs-m2", "big"], "error: Invalid value for '--rcs-m2': "),
])
def test_bad_arguments_are_one_line_and_exit_2(tmp_path, capsys, arguments, message):
    out = tmp_path / "never.png"
    with pytest.raises(SystemExit) as exited:
        main(["coverage", "layered-defense", *arguments, "--out", str(out)])
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(message) and captured.err.count("\n") == 1
    assert not out.exists()


def test_a_missing_scenario_or_dem_is_one_line_and_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["coverage", str(tmp_path / "absent.yaml")])
    assert exited.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1
    document = yaml.safe_load(RIDGE_SCENARIO.read_text())
    document["terrain"] = {"dem_file": "ridge.png"}
    (tmp_path / "ridge.png").write_bytes(PNG_SIGNATURE + b"not really")
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(yaml.safe_dump(document))
    with pytest.raises(SystemExit) as exited:
        main(["coverage", str(scenario), "--out", str(tmp_path / "never.png")])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert error.startswith(f"error: {scenario}: terrain.dem_file: {tmp_path / 'ridge.png'}: ")
    assert not (tmp_path / "never.png").exists()


def test_sea_clutter_is_applied_by_default_and_can_be_left_out(tmp_path):
    """sinop-trial looks over the sea: the summary says clutter was applied; --no-clutter
    gives the radar equation alone, never a smaller area for the sea-skimmer."""
    def summary(*options: str) -> str:
        result = runner.invoke(app, ["coverage", "sinop-trial", "--rcs-m2", "0.1",
                                     "--altitude-m", "10", "--cells", "60", "--out",
                                     str(tmp_path / "sea.png"), *options], terminal_width=300)
        assert result.exit_code == 0, result.output
        return result.stdout.strip()

    def combined_km2(line: str) -> float:
        return float(line.split(" over ")[1].split(" km²")[0].replace(",", ""))

    with_clutter = summary()
    without = summary("--no-clutter")
    assert "(smooth earth; clutter on 2 radar(s), no jamming)" in with_clutter
    assert "(smooth earth; no clutter, no jamming)" in without
    assert combined_km2(without) >= combined_km2(with_clutter)


def test_jamming_options_are_reported_or_refused(tmp_path, capsys):
    document = yaml.safe_load(Path(__file__).parents[2].joinpath(
        "src/iadsim/scenario/builtin/sinop-trial.yaml").read_text())
    receiver = {"gain_rx_db": 35.0, "frequency_hz": 3e9, "bandwidth_hz": 1e6}
    for sensor in document["sensors"]:
        if "radar_equation" not in sensor:
            sensor["receiver"] = receiver
    document["jammers"] = [{"name": "soj", "lat_deg": 42.9, "lon_deg": 35.2,
                            "altitude_m": 9000.0, "erp_w": 500.0, "bandwidth_hz": 1e8}]
    path = tmp_path / "jammed.yaml"
    path.write_text(yaml.safe_dump(document))
    result = runner.invoke(app, ["coverage", str(path), "--cells", "40", "--jamming-at-s",
                                 "10", "--out", str(tmp_path / "jam.png")],
                           terminal_width=300)
    assert result.exit_code == 0, result.output
    assert "jamming (stand-off soj at 10 s) on 2 radar(s)" in result.stdout
    with pytest.raises(SystemExit) as exit_info:
        main(["coverage", str(path), "--cells", "40", "--self-screening", "nobody"])
    assert exit_info.value.code == 2
    assert "--self-screening: expected a threat group with a jammer" in capsys.readouterr().err
