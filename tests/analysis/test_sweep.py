"""Sweeps: parameter paths and values, validated variants, the grid with common random
numbers, the table and the plots."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

import iadsim
from iadsim.analysis.monte_carlo import run_campaign
from iadsim.analysis.sweep import SweepParameter, grid, parse_parameter, sweep, variant
from iadsim.interfaces.cli import app


def test_parameters_are_read_as_yaml_scalars():
    assert parse_parameter("threats.drone-wave.count=50, 100") == SweepParameter(
        "threats.drone-wave.count", (50, 100))
    assert parse_parameter("doctrine.firing_policy=shoot_shoot").values == ("shoot_shoot",)
    assert parse_parameter("sensors.lr-search.revisit_s=2.5,5").values == (2.5, 5)
    for bad in ("threats.drone-wave.count", "=1,2", "threats.drone-wave.count="):
        with pytest.raises(ValueError, match="expected PATH=VALUE"):
            parse_parameter(bad)


def test_a_variant_changes_only_its_field_and_is_validated():
    base = iadsim.load_scenario("layered-defense")
    changed = variant(base, {"threats.drone-wave.count": 50,
                             "batteries.sr-battery-refinery.launchers": 4,
                             "doctrine.salvo_size": 2})
    assert [g.count for g in changed.threats] == [4, 6, 2, 50]
    launchers = {b.name: b.launchers for b in changed.batteries}
    assert launchers["sr-battery-refinery"] == 4
    assert launchers["sr-battery-center"] == base.batteries[3].launchers
    assert changed.doctrine.salvo_size == 2
    assert changed.model_dump(exclude={"threats", "batteries", "doctrine"}) == base.model_dump(
        exclude={"threats", "batteries", "doctrine"})
    assert base.threats[3].count == 12  # the base is not modified


@pytest.mark.parametrize(("changes", "message"), [
    ({"threats.no-such-group.count": 5},
     "--param threats.no-such-group.count: no entry named 'no-such-group' in threats; "
     "expected one of: ballistic-salvo, cruise-missiles, strike-package, drone-wave"),
    ({"radars.lr-search.revisit_s": 5}, "--param radars.lr-search.revisit_s: unknown section "
                                        "'radars'; expected one of: name, description"),
    ({"threats.drone-wave.cout": 5}, "--param threats.drone-wave.cout: unknown field 'cout' in "
                                     "threats.drone-wave; expected one of: name, profile"),
    ({"threats.drone-wave": 5}, "threats.drone-wave is an entry; expected a field of it"),
    ({"threats": 5}, "threats is a section; expected a field path"),
    ({"threats.drone-wave.count": -3}, "--param threats.drone-wave.count=-3: "
                                       "threats[3].count: Input should be greater than or "
                                       "equal to 1 (got -3)"),
    ({"threats.drone-wave.count": 2.5}, "threats[3].count: Input should be a valid integer"),
    ({"threats.drone-wave.target": "nowhere"}, "threats[3].target: unknown"),
])
def test_a_bad_path_or_value_is_one_line_naming_it(changes, message):
    with pytest.raises(ValueError) as raised:
        variant(iadsim.load_scenario("layered-defense"), changes)
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_bad_sweep_path_on_the_command_line_exits_2_with_one_line(tmp_path):
    result = CliRunner().invoke(app, ["sweep", "layered-defense", "--param",
                                      "threats.drone-wave.count=50,100", "--param",
                                      "batteries.sr-battery-nowhere.launchers=2,4", "-n", "2",
                                      "--out", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert result.stderr == ("error: --param batteries.sr-battery-nowhere.launchers: no entry "
                             "named 'sr-battery-nowhere' in batteries; expected one of: "
                             "lr-battery, mr-battery-north, mr-battery-west, sr-battery-center, "
                             "gun-center, sr-battery-airport, sr-battery-refinery, "
                             "gun-refinery, gun-refinery-east, sr-battery-akinci, "
                             "gun-akinci\n")
    assert not (tmp_path / "s").exists()  # nothing ran


def test_sweep_runs_the_grid_with_common_random_numbers(thread_clients, tmp_path):
    base = iadsim.load_scenario("sinop-trial")
    parameters = ["threats.high-run.count=1,2", "batteries.trial-battery.salvo_size=1,2"]
    assert len(grid(base, [parse_parameter(p) for p in parameters])) == 4
    result = sweep(base, parameters, 2, out=tmp_path, progress=False,
                   client=thread_clients[2])
    rows = result.replications
    assert sorted(rows.groupby("variant")["threats"].first()) == [3.0, 3.0, 4.0, 4.0]
    assert rows.groupby("variant")["seed"].apply(tuple).nunique() == 1  # same seeds
    point = rows[(rows["threats.high-run.count"] == 2)
                 & (rows["batteries.trial-battery.salvo_size"] == 2)]
    alone = run_campaign(thread_clients[1], variant(base, {
        "threats.high-run.count": 2, "batteries.trial-battery.salvo_size": 2}), 2,
        progress=False).replications
    assert point["summary_json"].tolist() == alone["summary_json"].tolist()
    table = pd.read_csv(tmp_path / "sweep.csv")
    assert set(table["variant"]) == {0, 1, 2, 3}
    assert "P(no leaker)" in set(table["metric"])
    metrics = result.intervals["metric"].nunique()
    assert len(result.plots) == 2 * metrics
    for plot in result.plots:
        assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
