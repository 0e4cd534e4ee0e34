"""Detection theory against published values, closed forms and numerical integration.

Sources named per test; tolerances stated. The exact Pd of Swerling 1-4 is checked against
an independent computation: the Swerling 0 (Marcum) Pd averaged over the target's
chi-square RCS law by adaptive quadrature (SciPy), which shares no code with the closed
forms under test.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, special, stats

from iadsim.sensors.detection import (
    albersheim_snr_db,
    detection_threshold,
    probability_of_detection,
    required_snr_db,
    shnidman_snr_db,
)


def marcum_pd(total_snr: float, threshold: float, n: int) -> float:
    """Pd of a steady target whose n pulses sum to ``total_snr`` (noncentral chi-square)."""
    return float(stats.ncx2.sf(2.0 * threshold, 2 * n, 2.0 * total_snr))


def averaged_pd(snr: float, pfa: float, n: int, swerling: int) -> float:
    """Swerling 1-4 as the Marcum Pd averaged over the Gamma law of the dwell's total SNR:
    shape 1 (Sw 1), n (Sw 2), 2 (Sw 3), 2n (Sw 4), mean n snr (Swerling 1954; Richards 2014
    sec. 7.2: the detector sum depends on the pulses' SNRs only through their total)."""
    shape = {1: 1, 2: n, 3: 2, 4: 2 * n}[swerling]
    threshold = float(special.gammainccinv(n, pfa))
    law = stats.gamma(shape, scale=n * snr / shape)
    upper = float(law.isf(1e-13))  # the tail beyond contributes < 1e-13
    value, _ = integrate.quad(lambda y: marcum_pd(y, threshold, n) * law.pdf(y), 0.0, upper,
                              epsabs=1e-12, epsrel=1e-10, limit=400,
                              points=[law.mean(), threshold])
    return value


@pytest.mark.parametrize("swerling", [1, 2, 3, 4])
@pytest.mark.parametrize("n", [1, 2, 3, 10, 30])
@pytest.mark.parametrize("snr_db", [-5.0, 5.0, 12.0, 20.0])
def test_swerling_closed_forms_match_marcum_averaged_over_the_rcs_law(swerling, n, snr_db):
    """Closed forms vs quadrature of the Marcum law over the chi-square RCS; atol 1e-7."""
    pfa = 1e-6
    got = float(probability_of_detection(snr_db, pfa, n, swerling))
    assert got == pytest.approx(averaged_pd(10 ** (snr_db / 10), pfa, n, swerling), abs=1e-7)


def test_swerling0_single_pulse_needs_13_2_db_for_pd_0_9_at_pfa_1e_6():
    """Skolnik, Introduction to Radar Systems, 3rd ed. (2001), fig. 2.7: 13.2 dB for
    Pd 0.9, Pfa 1e-6 (steady target, one pulse); tolerance 0.1 dB (read from the chart)."""
    assert float(required_snr_db(0.9, 1e-6)) == pytest.approx(13.2, abs=0.1)


def test_swerling1_single_pulse_matches_its_closed_inverse():
    """Richards (2014) sec. 7.2: one look, ``SNR = ln(Pfa) / ln(Pd) - 1``; 21.14 dB at
    Pd 0.9, Pfa 1e-6. rtol 1e-9."""
    expected = 10 * np.log10(np.log(1e-6) / np.log(0.9) - 1.0)
    assert float(required_snr_db(0.9, 1e-6, 1, 1)) == pytest.approx(expected, rel=1e-9)
    assert expected == pytest.approx(21.14, abs=0.01)


def test_swerling0_single_pulse_is_marcum_q1():
    """Marcum (1960): Pd = Q1(sqrt(2 snr), sqrt(-2 ln pfa)); SciPy's ncx2 with 2 dof. The
    threshold is Richards eq. 7.8 (``T = -ln pfa``). rtol 1e-12."""
    assert float(detection_threshold(1e-6)) == pytest.approx(-np.log(1e-6), rel=1e-12)
    snr = 10 ** 1.2
    expected = stats.ncx2.sf(-2 * np.log(1e-6), 2, 2 * snr)
    assert float(probability_of_detection(12.0, 1e-6)) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("swerling", [0, 1, 2, 3, 4])
@pytest.mark.parametrize("n", [1, 4, 20])
@pytest.mark.parametrize("pd", [0.3, 0.9, 0.99])
def test_required_snr_is_the_exact_inverse(swerling, n, pd):
    """probability_of_detection(required_snr_db(pd)) == pd; atol 1e-9."""
    snr = required_snr_db(pd, 1e-6, n, swerling)
    assert float(probability_of_detection(snr, 1e-6, n, swerling)) == pytest.approx(pd, abs=1e-9)


def test_swerling_cases_agree_where_theory_says():
    """Swerling 1 and 2 (and 3 and 4) coincide for one pulse; Swerling 2 tends to Swerling 0
    as n grows (pulse-to-pulse diversity). Richards (2014) sec. 7.2; atol 1e-12 and 0.7 dB."""
    for low, high in ((1, 2), (3, 4)):
        for snr in (0.0, 10.0, 20.0):
            assert float(probability_of_detection(snr, 1e-6, 1, low)) == pytest.approx(
                float(probability_of_detection(snr, 1e-6, 1, high)), abs=1e-12)
    diff = float(required_snr_db(0.9, 1e-6, 100, 2) - required_snr_db(0.9, 1e-6, 100, 0))
    assert 0 < diff < 0.7


#: Worst |Shnidman - exact| (dB) measured on the grid below (Pd 0.1-0.99, Pfa 1e-9 to 1e-3,
#: n 1-100). Shnidman states 0.5 dB; Swerling 0 and 4 keep to it, Swerling 1-3 exceed it
#: at corners (Pd 0.1 with Pfa 1e-3; Pd 0.95 with Pfa 1e-9 and n = 2: 0.88 dB for Swerling
#: 1), which the bounds record so that a regression in either function shows.
SHNIDMAN_WORST_DB = {0: 0.5, 1: 1.1, 2: 1.1, 3: 0.7, 4: 0.5}


@pytest.mark.parametrize("swerling", [0, 1, 2, 3, 4])
def test_shnidman_against_the_exact_value_over_its_published_domain(swerling):
    """Shnidman, IEEE Trans. AES 38(3), 2002: stated error 0.5 dB for 0.1 <= Pd <= 0.99,
    1e-9 <= Pfa <= 1e-3, 1 <= n <= 100; bounds per case in SHNIDMAN_WORST_DB, and 0.5 dB
    (0.6 for Swerling 3: 0.55 measured at Pd 0.9, n 100) for every case at Pd 0.5-0.9 with
    Pfa <= 1e-6."""
    worst, worst_core = 0.0, 0.0
    for pd in (0.1, 0.5, 0.8, 0.9, 0.95, 0.99):
        for pfa in (1e-9, 1e-6, 1e-3):
            for n in (1, 2, 10, 50, 100):
                exact = float(required_snr_db(pd, pfa, n, swerling))
                error = abs(float(shnidman_snr_db(pd, pfa, n, swerling)) - exact)
                worst = max(worst, error)
                if 0.5 <= pd <= 0.9 and pfa <= 1e-6:
                    worst_core = max(worst_core, error)
    assert worst < SHNIDMAN_WORST_DB[swerling]
    assert worst_core < (0.6 if swerling == 3 else 0.5)


def test_albersheim_against_the_exact_value():
    """Albersheim, Proc. IEEE 69(7), 1981: stated error < 0.2 dB against Robertson's
    linear-detector curves for 0.1 <= Pd <= 0.9, 1e-7 <= Pfa <= 1e-3, 1 <= n <= 8096.
    Measured against the exact square-law value: within 0.3 dB for Pd 0.5-0.9 and n up to
    1000 (the detector law adds up to ~0.2 dB at large n; Skolnik 2001 sec. 2.6), within
    0.1 dB for one pulse; at Pd 0.1 it is optimistic by 0.4-4 dB (worst at Pfa 1e-3), a
    known weakness where ``A + 0.12 A B + 1.7 B`` approaches zero."""
    worst_single, worst = 0.0, 0.0
    for pd in (0.5, 0.7, 0.9):
        for pfa in (1e-7, 1e-5, 1e-3):
            for n in (1, 10, 100, 1000):
                error = abs(float(albersheim_snr_db(pd, pfa, n) - required_snr_db(pd, pfa, n)))
                worst = max(worst, error)
                if n == 1:
                    worst_single = max(worst_single, error)
    assert worst_single < 0.1
    assert worst < 0.3
    assert float(albersheim_snr_db(0.1, 1e-3) - required_snr_db(0.1, 1e-3)) < -3.0


def test_coherent_integration_is_one_look_at_n_times_the_snr():
    """Coherent integration of n pulses of a steady target gains exactly n (Richards 2014
    sec. 6.1); atol 1e-14."""
    assert float(probability_of_detection(3.0, 1e-6, 10, 0, "coherent")) == pytest.approx(
        float(probability_of_detection(13.0, 1e-6, 1, 0)), abs=1e-14)
