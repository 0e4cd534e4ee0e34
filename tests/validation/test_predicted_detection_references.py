"""The detection probability predicted at a track's range
(``tracking.deletion_detection_model: range``, iadsim.tracking.deletion) against closed
forms.

- The design curve's table against the Swerling 1 single-pulse closed form, ``Pd =
  Pfa^(1 / (1 + SNR))`` (M. A. Richards, *Fundamentals of Radar Signal Processing*, 2nd
  ed., 2014, sec. 7.2, table 7.2; the square-law detector's Pd of a Rayleigh target),
  each look's SNR ``K sigma / R^4`` (the radar equation with everything but range and RCS
  fixed, Skolnik, *Radar Handbook*, 3rd ed., eq. 2.1), times 1 - the unmodelled misses:
  within 2e-5 (linear interpolation over 0.1 dB steps; the curve's second derivative in
  dB is at most 0.0121 per dB^2, so the error is under 0.1^2 / 8 x 0.0121 = 1.5e-5).
- A run of misses' log-probability under a strength posterior of one or two strengths,
  against ``ln sum_j w_j prod_i (1 - Pd_j(R_i))`` by hand with that closed form: within
  1e-4 relative (the table's error above, over runs of 10 misses).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from iadsim.tracking import deletion

#: A single-pulse Swerling 1 radar: Pfa 1e-6, Pd 0.5 on 1 m^2 at 150 km by design.
PFA = 1e-6
SNR_AT_ONE_METRE = (math.log(PFA) / math.log(0.5) - 1.0) * 150_000.0**4
KEEP = 1.0 - deletion.UNMODELLED_MISS_PROBABILITY


def swerling1(strength_db: float, range_m: np.ndarray) -> np.ndarray:
    """Richards 2014, table 7.2 (n = 1): Pfa^(1 / (1 + SNR)), SNR = K sigma / R^4."""
    snr = SNR_AT_ONE_METRE * 10.0 ** (strength_db / 10.0) / np.asarray(range_m) ** 4
    return PFA ** (1.0 / (1.0 + snr))


@pytest.fixture(scope="module")
def table():
    return deletion.design_detection_table(PFA, 1, 1)


def test_the_design_table_is_the_swerling_one_closed_form(table):
    snr_db = 10.0 * math.log10(SNR_AT_ONE_METRE)
    ranges = np.linspace(20_000.0, 400_000.0, 397)
    for strength_db in (-20.0, -7.0, 0.0, 13.0):
        index = round((strength_db - deletion.STRENGTH_START_DB) / deletion.STRENGTH_STEP_DB)
        for range_m in ranges.tolist():
            at = (deletion.look_table_position(range_m, snr_db)
                  + deletion.STRENGTH_STRIDE * index)
            expected = KEEP * float(swerling1(strength_db, range_m))
            tabled = np.exp(deletion._table_value(table, deletion.LOG_HIT_ROW, at))
            missed = np.exp(deletion._table_value(table, deletion.LOG_MISS_ROW, at))
            assert deletion._table_value(table, deletion.PD_ROW, at) == pytest.approx(
                expected, abs=2e-5)
            assert tabled == pytest.approx(expected, abs=2e-5)
            assert missed == pytest.approx(1.0 - expected, abs=2e-5)


@pytest.mark.parametrize("weights", [{-6.0: 1.0}, {-6.0: 0.3, 4.0: 0.7}])
def test_a_runs_log_probability_is_the_mixture_of_its_products(table, weights):
    """A receding run of ten misses at 120-300 km under a posterior of one strength (the
    product of 1 - Pd at each range: Wald's sequential test with P_D known) or two
    (their mixture)."""
    snr_db = 10.0 * math.log10(SNR_AT_ONE_METRE)
    log_likelihood = np.full(deletion.STRENGTH_DB.size, -1e4)
    for strength_db, weight in weights.items():
        log_likelihood[np.isclose(deletion.STRENGTH_DB, strength_db)] = math.log(weight)
    ranges = np.linspace(120_000.0, 300_000.0, 10)
    run = np.zeros(deletion.STRENGTH_DB.size)
    for range_m in ranges.tolist():
        deletion.add_look(run, 1.0, table, deletion.look_table_position(range_m, snr_db),
                          False)
    expected = math.log(sum(weight * np.prod(1.0 - KEEP * swerling1(strength_db, ranges))
                            for strength_db, weight in weights.items()))
    assert deletion.run_log_probability(log_likelihood, run) == pytest.approx(expected,
                                                                               rel=1e-4)
