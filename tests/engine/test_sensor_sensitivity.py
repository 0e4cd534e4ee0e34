"""The outcome depends on the picture: much worse radars cost kills per round.

Every radar of a built-in scenario degraded to much larger range, azimuth and elevation
sigmas; seeds 1-3. Kills per round (threats killed / interceptors fired) must fall in both
``sinop-trial`` and ``layered-defense``: seekers are cued off the target and rounds fly to
where the track, not the threat, is.

The degradation differs per scenario. In ``layered-defense`` (many threats, crowded
picture) 3 km and 3 degrees already cost a quarter of the kills per round. In the
``sinop-trial`` (four drones one at a time, a dedicated engagement radar) the tracker's
M-of-N confirmation and filtering absorb 3 km and 3 degrees (0.808 vs 0.792 over 20 seeds,
equal on seeds 1-3), so the trial is degraded to 6 km and 6 degrees, where cue errors beyond
the seeker's acquisition gate cost kills on every seed range we tried.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from iadsim.scenario.loader import load_scenario
from sensor_sensitivity import degraded, kills_per_round


@pytest.mark.parametrize(("name", "sigma_m", "sigma_deg"), [
    ("sinop-trial", 6_000.0, 6.0),
    # Was a strict xfail (guns waste every burst, issue 16); with the SNR-dependent errors
    # and realistic false alarms of issue 20 the shipped picture again beats the degraded one.
    ("layered-defense", 3_000.0, 3.0)])
def test_much_worse_radars_lower_kills_per_round(name, sigma_m, sigma_deg):
    shipped = load_scenario(name)
    seeds = range(1, 4)
    noise = {"range_sigma_m": sigma_m, "azimuth_sigma_deg": sigma_deg,
             "elevation_sigma_deg": sigma_deg}
    good = kills_per_round(shipped, seeds)
    bad = kills_per_round(degraded(shipped, noise), seeds)
    assert good["fired"] > 0 and bad["fired"] > 0
    assert bad["kills_per_round"] < good["kills_per_round"]


def test_degraded_radars_change_only_the_measurement_noise():
    shipped = load_scenario("layered-defense")
    worse = degraded(shipped)
    noise = {"range_sigma_m", "azimuth_sigma_deg", "elevation_sigma_deg"}
    for before, after in zip(shipped.sensors, worse.sensors, strict=True):
        assert (after.range_sigma_m, after.azimuth_sigma_deg, after.elevation_sigma_deg) == (
            3_000.0, 3.0, 3.0)
        assert after.model_dump(exclude=noise) == before.model_dump(exclude=noise)
