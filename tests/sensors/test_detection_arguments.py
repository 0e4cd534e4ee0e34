"""Bad arguments of the public detection, radar-equation and earth functions raise
ValueError naming the argument; the functions broadcast over arrays and leave inputs alone."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.sensors import detection, radar_equation
from iadsim.world import earth


@pytest.mark.parametrize(("call", "name"), [
    (lambda: detection.probability_of_detection(10.0, 1.5), "pfa"),
    (lambda: detection.probability_of_detection(10.0, 0.0), "pfa"),
    (lambda: detection.probability_of_detection(10.0, float("nan")), "pfa"),
    (lambda: detection.probability_of_detection(float("nan"), 1e-6), "snr_db"),
    (lambda: detection.probability_of_detection(10.0, 1e-6, 0), "n_pulses"),
    (lambda: detection.probability_of_detection(10.0, 1e-6, 2.5), "n_pulses"),
    (lambda: detection.probability_of_detection(10.0, 1e-6, 1, 5), "swerling"),
    (lambda: detection.probability_of_detection(10.0, 1e-6, 1, 0, "magic"), "integration"),
    (lambda: detection.probability_of_detection(10.0, 1e-6, 4, 2, "coherent"), "swerling"),
    (lambda: detection.required_snr_db(1.0, 1e-6), "pd"),
    (lambda: detection.required_snr_db(1e-7, 1e-6), "pd"),
    (lambda: detection.albersheim_snr_db(0.9, -1.0), "pfa"),
    (lambda: detection.shnidman_snr_db(0.9, 1e-6, 1, 7), "swerling"),
    (lambda: radar_equation.snr_db(-1.0, 1.0, 1e6, 1e-6, 1e9, 30, 30), "range_m"),
    (lambda: radar_equation.snr_db(1e3, 1.0, 1e6, 1e-6, 1e9, 30, 30, 290, -1), "loss_db"),
    (lambda: radar_equation.snr_db(1e3, 0.0, 1e6, 1e-6, 1e9, 30, 30), "rcs_m2"),
    (lambda: radar_equation.bistatic_snr_db(1e3, float("nan"), 1.0, 1e6, 1e-6, 1e9, 30, 30),
     "range_rx_m"),
    (lambda: radar_equation.max_range_m(13.0, 1.0, 1e6, 1e-6, 0.0, 30, 30), "frequency_hz"),
    (lambda: radar_equation.required_peak_power_w(13.0, 1e3, 1.0, -1e-6, 1e9, 30, 30),
     "pulse_width_s"),
    (lambda: radar_equation.search_snr_db(1e3, 1.0, 1e4, 1.0, 20.0), "solid_angle_sr"),
    (lambda: earth.effective_earth_radius_m(0.0), "k"),
    (lambda: earth.slant_range_m(-5.0, 100.0, 0.0), "antenna_height_m"),
    (lambda: earth.ground_range_m(5.0, 100.0, 2.0), "elevation_rad"),
])
def test_bad_argument_raises_value_error_naming_it(call, name):
    with pytest.raises(ValueError, match=name):
        call()


@pytest.mark.parametrize("swerling", [0, 1, 2, 3, 4])
def test_probability_of_detection_broadcasts_and_rises_with_snr(swerling):
    snr = np.array([[-10.0], [5.0], [15.0], [30.0]])
    kept = snr.copy()
    pd = detection.probability_of_detection(snr, np.array([1e-6, 1e-4]), 3, swerling)
    assert pd.shape == (4, 2)
    assert (np.diff(pd, axis=0) >= 0).all() and (np.diff(pd[:3], axis=0) > 0).all()
    assert (pd[:3, 1] > pd[:3, 0]).all()  # a higher Pfa detects more
    np.testing.assert_array_equal(snr, kept)


def test_mixed_pulse_counts_are_each_evaluated_with_their_own_count():
    together = detection.probability_of_detection(10.0, 1e-6, np.array([1, 5, 20]), 1)
    alone = [float(detection.probability_of_detection(10.0, 1e-6, n, 1)) for n in (1, 5, 20)]
    np.testing.assert_allclose(together, alone, rtol=1e-14)
