"""The compiled scan's kept work arrays (radar._ScanWork) and the Pd table bounds
(radar.pd_table_bounds) change no number: arrays far too small for a step are replaced by
larger ones mid-run with the same events, and a draw decided by its block's bounds is the
draw the interpolated Pd decides."""

from __future__ import annotations

import numpy as np

import iadsim
from iadsim.engine.simulation import Simulation
from iadsim.sensors.detection_table import steady_pd_table
from iadsim.sensors.radar import PD_BLOCK_SHIFT, _ScanWork, pd_table_bounds


def _tiny_work() -> _ScanWork:
    """Work arrays of one row, one detection and one false alarm: every step outgrows them."""
    work = _ScanWork(0)
    work.rows = _ScanWork.row_arrays(1)
    work.detections = tuple(array[:1].copy() for array in work.detections)
    radar, rows_of, uniforms, elevation, rates, sine = work.alarms
    work.alarms = (radar[:1].copy(), rows_of[:1].copy(), uniforms[:, :1].copy(),
                   elevation[:1].copy(), rates[:1].copy(), sine[:1].copy())
    return work


def test_work_arrays_outgrown_mid_run_give_the_same_events() -> None:
    scenario = iadsim.load_scenario("layered-defense")
    kept, shrunk = Simulation(scenario, seed=2), Simulation(scenario, seed=2)
    shrunk.radars._work = _tiny_work()
    grown_steps = 0
    for _ in range(300):
        before = shrunk.radars._work.alarms[0].size
        kept.step()
        shrunk.step()
        grown_steps += shrunk.radars._work.alarms[0].size > before
    assert grown_steps > 0  # the false-alarm arrays were replaced during the run
    assert shrunk.radars._work.rows[0].size > 1
    assert shrunk.radars._work.detections[0].size > 1
    left, right = kept.log.to_frame(), shrunk.log.to_frame()
    assert (left["kind"] == "false_alarm").sum() > 100
    assert left.equals(right)
    for column in left.columns:
        if left[column].dtype.kind == "f":
            assert left[column].to_numpy().tobytes() == right[column].to_numpy().tobytes()


def test_interpolated_pd_lies_within_its_block_bounds() -> None:
    tables = np.array([steady_pd_table(1e-6, 1), steady_pd_table(1e-7, 4)])
    bounds = pd_table_bounds(tables)
    rng = np.random.default_rng(5)
    position = rng.uniform(0.0, tables.shape[1] - 1, 200_000)
    index = position.astype(np.intp)
    fraction = position - index
    block = index >> PD_BLOCK_SHIFT
    for radar in range(tables.shape[0]):
        pd = tables[radar, index] * (1.0 - fraction) + tables[radar, index + 1] * fraction
        low, high = bounds[radar, block, 0], bounds[radar, block, 1]
        assert (low < pd).all() and (pd < high).all()
        # Draws the bounds decide, decided as the interpolated Pd decides them; the bounds
        # are tight enough to decide most draws.
        draw = rng.uniform(0.0, 1.0, position.size)
        below, above = draw < low, draw >= high
        assert (draw[below] < pd[below]).all() and not (draw[above] < pd[above]).any()
        assert (below | above).mean() > 0.9
