"""Plots of a run: what each picture holds, and the plot command's bad inputs."""

from __future__ import annotations

import os

import numpy as np
import pytest
from matplotlib.colors import to_rgba

from iadsim.interfaces.cli import main
from iadsim.interfaces.plots import (
    batteries_that_fired,
    figure_of,
    magazine_series,
)
from iadsim.interfaces.run_directory import read_run
from iadsim.interfaces.run_map import FATE_COLOURS, POINTS_PER_PATH, threat_paths_km

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def run(small_run_folder):
    return read_run(small_run_folder)


def by_gid(axes, gid):
    found = [artist for artist in axes.get_children() if artist.get_gid() == gid]
    assert len(found) == 1, f"expected one artist {gid!r}, found {len(found)}"
    return found[0]


def test_the_map_has_each_threat_path_in_its_fate_colour(run):
    whole, defended = figure_of(run, "map").axes
    for axes in (whole, defended):
        killed, leaked = by_gid(axes, "threats-killed"), by_gid(axes, "threats-leaked")
        assert len(killed.get_segments()) == 3
        assert len(leaked.get_segments()) == 1
        assert np.allclose(killed.get_colors()[0][:3], to_rgba(FATE_COLOURS["killed"])[:3])
        assert np.allclose(leaked.get_colors()[0][:3], to_rgba(FATE_COLOURS["leaked"])[:3])
        assert not [a for a in axes.get_children() if a.get_gid() == "threats-withdrew"]
        # 3 SAM kills, 2 gun misses: five rounds, each a line from its battery to its end.
        assert len(by_gid(axes, "interceptors").get_segments()) == 5
        assert len(by_gid(axes, "ends-kill").get_offsets()) == 3
        assert len(by_gid(axes, "ends-miss").get_offsets()) == 2
        for battery in ("sam-home", "gun-home", "sam-far"):
            ring = by_gid(axes, f"ring-{battery}")
            assert ring.get_radius() == pytest.approx({"sam-home": 25.0, "gun-home": 4.0,
                                                       "sam-far": 25.0}[battery])
        by_gid(axes, "scale-bar")


def test_a_leaked_path_ends_at_its_asset(run):
    paths = threat_paths_km(run)
    for threat in (1,):  # the leaker: it ends within the depot's 1 km radius
        assert np.hypot(*paths[threat][-1, :2]) < 1.0
    assert all(len(path) <= POINTS_PER_PATH + 1 for path in paths.values())


def test_the_timeline_has_one_row_per_battery_that_fired_and_one_per_threat(run):
    upper, lower = figure_of(run, "timeline").axes[:2]
    assert [label.get_text() for label in upper.get_yticklabels()] == ["sam-home", "gun-home"]
    assert batteries_that_fired(run) == ["sam-home", "gun-home"]
    assert len(by_gid(upper, "battery-interceptor_launch").get_offsets()) == 5
    assert len(by_gid(upper, "battery-kill").get_offsets()) == 3
    reload = by_gid(upper, "battery-reload").get_offsets()
    assert reload.shape == (1, 2) and reload[0, 1] == 0  # on the sam-home row
    assert [label.get_text() for label in lower.get_yticklabels()] == [
        "cruise-pair #0", "cruise-pair #1", "late-drones #2", "late-drones #3",
        "late-drones #4"]


def test_magazines_count_down_per_launch_and_up_per_reload(run):
    series = magazine_series(run)
    times, ready = series["sam-home"]
    assert ready.tolist() == [2, 1, 0, 1, 0, 0]
    assert times[0] == 0 and times[-1] == run.summary["sim"]["ended_s"]
    assert series["gun-home"][1].tolist() == [2, 1, 0, 0]
    assert series["sam-far"][1].tolist() == [2, 2]
    axes = figure_of(run, "magazines").axes[0]
    assert [line.get_gid() for line in axes.get_lines()] == ["magazine-sam-home",
                                                            "magazine-gun-home"]
    assert any(text.get_text() == "did not fire: sam-far" for text in axes.texts)


def test_the_profile_draws_every_threat_and_round(run):
    axes = figure_of(run, "profile").axes[0]
    assert len(by_gid(axes, "profile-killed").get_segments()) == 3
    assert len(by_gid(axes, "profile-leaked").get_segments()) == 1
    rounds = by_gid(axes, "profile-interceptors").get_segments()
    assert len(rounds) == 5
    # Each round starts at its battery: 0 km from the depot for sam-home and gun-home.
    assert all(segment[0][0] < 0.2 for segment in rounds)


def test_plot_command_writes_a_png(small_run_folder, tmp_path, capsys):
    out = tmp_path / "timeline.png"
    with pytest.raises(SystemExit) as exited:
        main(["plot", str(small_run_folder), "--kind", "timeline", "--out", str(out)])
    assert exited.value.code == 0
    assert out.read_bytes()[:8] == PNG_MAGIC
    assert capsys.readouterr().out.strip() == f"Wrote {out}"
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # as open() would, not 0600


@pytest.mark.parametrize("arguments, expected", [
    (["--kind", "radar"], "--kind: expected one of map, timeline, profile, magazines"),
    (["--out", "{tmp}/no/such/folder/map.png"], "no/such/folder/map.png: cannot write"),
    (["--out", "{tmp}/map.bmp"], "map.bmp: unknown picture type '.bmp'"),
])
def test_plot_bad_input_is_one_line_and_exit_2(small_run_folder, tmp_path, capsys,
                                               arguments, expected):
    arguments = [a.replace("{tmp}", str(tmp_path)) for a in arguments]
    if "--out" not in arguments:
        arguments += ["--out", str(tmp_path / "x.png")]
    with pytest.raises(SystemExit) as exited:
        main(["plot", str(small_run_folder), *arguments])
    assert exited.value.code == 2
    error = capsys.readouterr().err.strip()
    assert expected in error and len(error.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []  # nothing written, no temporary left


def test_plot_of_an_unknown_folder_names_it(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["plot", str(tmp_path / "ghost"), "--out", str(tmp_path / "m.png")])
    assert exited.value.code == 2
    assert capsys.readouterr().err.strip() == (
        f"error: {tmp_path / 'ghost'}: no such run folder; expected the --out folder of "
        "'iadsim run' (events.parquet, threats.parquet, summary.json)")


def test_interceptor_flyouts_follow_their_recorded_paths(run):
    """Each round's line starts at its battery, passes through its recorded positions
    (interceptors.parquet) and ends where the round ended; without the recording it is
    one straight segment."""
    import dataclasses

    from iadsim.interfaces.run_map import interceptor_flights_km, interceptor_paths_km

    flights = interceptor_flights_km(run)
    paths = interceptor_paths_km(run, flights)
    recorded = run.interceptors
    assert len(recorded) > 0
    for row, path in enumerate(paths):
        interceptor = int(flights["interceptor_id"].iloc[row])
        own = recorded[recorded["interceptor_id"] == interceptor]
        assert 2 < len(path) <= 2 + len(own)
        np.testing.assert_allclose(path[0], flights[["launch_east_km", "launch_north_km"]]
                                   .to_numpy()[row])
        np.testing.assert_allclose(path[-1], flights[["end_east_km", "end_north_km"]]
                                   .to_numpy()[row])
        np.testing.assert_allclose(path[1], own.sort_values("time_s")[["east_m", "north_m"]]
                                   .to_numpy()[0] / 1e3)
    bare = dataclasses.replace(run, interceptors=recorded.iloc[:0], cache={})
    assert [len(path) for path in interceptor_paths_km(bare, flights)] == [2] * len(flights)
