"""The compiled look schedule (radar._scheduled_rows) gives the looks of the Python loop
it replaced bit for bit: the same look times (repeated sums of the revisit), the same
radars per look in radar order, outages skipped, the clocks advanced past the step's end
the same way, and each look's fraction of the step."""

from __future__ import annotations

import numpy as np

from iadsim.sensors.radar import _scheduled_rows


def _python_schedule(next_scan_s: np.ndarray, revisit_s: np.ndarray,
                     outages_s: list[tuple[tuple[float, float], ...]], start_s: float,
                     end_s: float) -> tuple[list[tuple[float, list[int]]], list[float]]:
    """The loop of RadarNetwork.scheduled_looks at b104529 and scan's fractions."""
    looks: dict[float, list[int]] = {}
    limit_s = end_s + 1e-9
    for radar, look_s in enumerate(next_scan_s.tolist()):
        if look_s > limit_s:
            continue
        while look_s <= limit_s:
            if not any(start <= look_s < end for start, end in outages_s[radar]):
                looks.setdefault(look_s, []).append(radar)
            look_s += float(revisit_s[radar])
        next_scan_s[radar] = look_s
    ordered = [(look_s, looks[look_s]) for look_s in sorted(looks)]
    span_s = end_s - start_s
    return ordered, [(look_s - start_s) / span_s if span_s > 0 else 1.0
                     for look_s, _ in ordered]


def _table(outages_s: list[tuple[tuple[float, float], ...]]) -> tuple[np.ndarray, np.ndarray]:
    table = np.zeros((len(outages_s), max(1, max(len(o) for o in outages_s)), 2))
    for radar, windows in enumerate(outages_s):
        for window, pair in enumerate(windows):
            table[radar, window] = pair
    return table, np.array([len(o) for o in outages_s], dtype=np.intp)


def test_schedule_matches_the_python_loop_over_many_steps() -> None:
    rng = np.random.default_rng(3)
    # Revisits shorter and longer than the step, two radars with the same clock (looks at
    # the same instant), outages starting and ending inside steps.
    revisit_s = np.array([0.3, 1.0, 1.0, 2.5, 10.0, 0.7, 4.0])
    outages_s = [(), ((5.0, 9.3),), (), ((0.0, 1.0), (20.0, 20.5)), (), ((13.35, 14.0),), ()]
    table, count = _table(outages_s)
    phase = rng.uniform(0.0, revisit_s)
    phase[2] = phase[1]
    compiled_clock, python_clock = phase.copy(), phase.copy()
    dt_s = 1.0
    seen_shared = seen_several = 0
    for step in range(60):
        start_s, end_s = step * dt_s, (step + 1) * dt_s
        times, radars, look_of_row, fractions = _scheduled_rows(
            compiled_clock, revisit_s, table, count, start_s, end_s)
        expected, expected_fractions = _python_schedule(python_clock, revisit_s, outages_s,
                                                        start_s, end_s)
        assert times.tolist() == [look_s for look_s, _ in expected]
        assert fractions.tolist() == expected_fractions
        bounds = np.searchsorted(look_of_row, np.arange(times.size + 1))
        assert [radars[bounds[k]:bounds[k + 1]].tolist() for k in range(times.size)] == [
            looking for _, looking in expected]
        assert compiled_clock.tobytes() == python_clock.tobytes()
        seen_shared += any(len(looking) > 1 for _, looking in expected)
        seen_several += (radars == 0).sum() > 1
    assert seen_shared and seen_several  # the case the insertion order matters for


def test_an_empty_schedule_and_a_zero_length_step() -> None:
    table, count = _table([()])
    clock = np.array([5.0])
    times, radars, look_of_row, fractions = _scheduled_rows(
        clock, np.array([2.0]), table, count, 0.0, 1.0)
    assert times.size == radars.size == look_of_row.size == fractions.size == 0
    assert clock[0] == 5.0  # not advanced: no look in the step
    times, radars, _, fractions = _scheduled_rows(clock, np.array([2.0]), table, count,
                                                  5.0, 5.0)
    assert times.tolist() == [5.0] and radars.tolist() == [0] and fractions.tolist() == [1.0]
    assert clock[0] == 7.0
