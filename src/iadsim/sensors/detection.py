"""Detection theory: probability of detection of a square-law detector with non-coherent
integration, its exact inverse, and the two standard closed-form approximations.

The detector sums the square-law outputs of ``n_pulses`` pulses (noise power 1 per pulse)
and compares the sum with a threshold set for the false-alarm probability ``pfa``: the
noise-only sum is Gamma(n, 1), so the threshold is ``T = Q^-1(n, pfa)`` (regularised upper
incomplete gamma). ``snr_db`` is always the single-pulse SNR. Target models:

- Swerling 0 (steady target): the sum is noncentral chi-square with 2n degrees of
  freedom, ``Pd = Q_n(sqrt(2 n snr), sqrt(2 T))``, the generalised Marcum Q, evaluated as
  SciPy's noncentral chi-square survival function.
- Swerling 1 and 3 (RCS constant over the dwell, chi-square with 2 and 4 degrees of
  freedom, fluctuating scan to scan) and Swerling 2 and 4 (independent from pulse to
  pulse): closed forms obtained by writing the detector-sum moment generating function as
  a mixture of Gamma laws (the derivation is given at each private function). They agree
  with DiFranco and Rubin, Radar Detection (1968), ch. 11, and M. A. Richards,
  Fundamentals of Radar Signal Processing, 2nd ed. (2014), sec. 7.2 and table 7.2 (Swerling
  1 and 2); the test suite checks every case against numerical integration of the
  Swerling 0 law over the target's RCS distribution.

Approximations, as published (single-pulse SNR in dB):

- Albersheim: W. J. Albersheim, "A closed-form approximation to Robertson's detection
  characteristics", Proc. IEEE 69(7), 1981, p. 839; steady target, linear detector,
  error < 0.2 dB for 1e-7 <= pfa <= 1e-3, 0.1 <= pd <= 0.9, 1 <= n <= 8096.
- Shnidman: D. A. Shnidman, "Determination of required SNR values", IEEE Trans. AES 38(3),
  2002, pp. 1059-1064; Swerling 0-4, error < 0.5 dB for 1e-9 <= pfa <= 1e-3,
  0.1 <= pd <= 0.99, 1 <= n <= 100.

The legacy skeleton functions (``swerling1_pd``, ``swerling1_required_snr``,
``snr_from_reference``, ``radar_equation_snr``) stay for their callers; they are the
n = 1 Swerling 1 case and the linear-SNR radar equation.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, special, stats

from iadsim.sensors.radar_equation import (
    BOLTZMANN_J_PER_K,
    SPEED_OF_LIGHT_MPS,
    _snr_linear,
)

__all__ = [
    "BOLTZMANN_J_PER_K", "SPEED_OF_LIGHT_MPS", "albersheim_snr_db",
    "detection_threshold", "probability_of_detection", "radar_equation_snr",
    "required_snr_db", "shnidman_snr_db", "snr_from_reference", "swerling1_pd",
    "swerling1_required_snr",
]

SWERLING_CASES = (0, 1, 2, 3, 4)
#: Degrees of freedom / 2 of the chi-square RCS law per dwell: steady, 1, n, 2, 2n.
INTEGRATIONS = ("noncoherent", "coherent")


def _check_probability(name: str, value) -> np.ndarray:
    array = np.asarray(value, dtype=float)
    if np.isnan(array).any() or not ((array > 0) & (array < 1)).all():
        raise ValueError(f"{name} must be in (0, 1), got {value}")
    return array


def _check_pulses(n_pulses) -> np.ndarray:
    array = np.asarray(n_pulses)
    if (not np.issubdtype(array.dtype, np.integer)
            and not (np.isfinite(array).all() and (array == np.round(array)).all())):
        raise ValueError(f"n_pulses must be a positive integer, got {n_pulses}")
    if not (array >= 1).all():
        raise ValueError(f"n_pulses must be a positive integer, got {n_pulses}")
    return array.astype(np.int64)


def _check_swerling(swerling) -> int:
    if isinstance(swerling, bool) or swerling not in SWERLING_CASES:
        raise ValueError(f"swerling must be one of {SWERLING_CASES}, got {swerling!r}")
    return int(swerling)


def detection_threshold(pfa, n_pulses=1) -> np.ndarray:
    """Threshold on the sum of ``n_pulses`` square-law outputs (noise power 1 per pulse) that
    the noise alone exceeds with probability ``pfa``: ``gammainccinv(n, pfa)``.

    Source: Richards (2014) eq. 7.8 (n = 1: ``T = -ln pfa``). Broadcasts.
    """
    pfa = _check_probability("pfa", pfa)
    return special.gammainccinv(_check_pulses(n_pulses), pfa)


def probability_of_detection(snr_db, pfa, n_pulses=1, swerling: int = 0,
                             integration: str = "noncoherent") -> np.ndarray:
    """Probability of detection of a square-law detector after integrating ``n_pulses``.

    Parameters
    ----------
    snr_db : array_like
        Single-pulse signal-to-noise ratio (dB), average over the RCS fluctuation.
    pfa : array_like
        False-alarm probability per resolution cell, in (0, 1).
    n_pulses : int or array_like of int
        Pulses integrated per dwell (>= 1).
    swerling : {0, 1, 2, 3, 4}
        Target fluctuation model (0 = steady target, Marcum).
    integration : {"noncoherent", "coherent"}
        ``"coherent"`` integrates the n pulses before detection (single-look Pd at n times
        the SNR); only for Swerling 0, 1 and 3, whose RCS is constant over the dwell.

    Returns
    -------
    numpy.ndarray
        Pd, the broadcast shape of the inputs. Inputs are not modified.
    """
    swerling = _check_swerling(swerling)
    if integration not in INTEGRATIONS:
        raise ValueError(f"integration must be one of {INTEGRATIONS}, got {integration!r}")
    snr_db = np.asarray(snr_db, dtype=float)
    if np.isnan(snr_db).any():
        raise ValueError("snr_db must not be NaN")
    pfa = _check_probability("pfa", pfa)
    n_pulses = _check_pulses(n_pulses)
    if integration == "coherent":
        if swerling in (2, 4):
            raise ValueError("integration='coherent' needs an RCS constant over the dwell: "
                             f"swerling must be 0, 1 or 3, got {swerling}")
        snr_db = snr_db + 10.0 * np.log10(n_pulses)
        n_pulses = np.ones_like(n_pulses)
    snr = 10.0 ** (snr_db / 10.0)
    snr, pfa, n_pulses = np.broadcast_arrays(snr, pfa, n_pulses)
    threshold = special.gammainccinv(n_pulses, pfa)
    if n_pulses.size and (n_pulses == n_pulses.flat[0]).all():
        n = int(n_pulses.flat[0])
        return _PD[swerling](snr, threshold, n)
    out = np.empty(snr.shape)
    for n in np.unique(n_pulses):
        where = n_pulses == n
        out[where] = _PD[swerling](snr[where], threshold[where], int(n))
    return out


def _pd_swerling0(snr, threshold, n: int) -> np.ndarray:
    """Marcum: the sum is noncentral chi-square (2n dof, noncentrality 2 n snr) / 2."""
    return stats.ncx2.sf(2.0 * threshold, 2 * n, 2.0 * n * snr)


def _pd_swerling2(snr, threshold, n: int) -> np.ndarray:
    """Each pulse is complex Gaussian of power 1 + snr: the sum is Gamma(n, 1 + snr)."""
    return special.gammaincc(n, threshold / (1.0 + snr))


def _pd_scan_to_scan(snr, threshold, n: int, shape: int) -> np.ndarray:
    """Swerling 1 (shape 1) and 3 (shape 2): one RCS x ~ Gamma(shape, 1/shape) per dwell.

    The sum's moment generating function is ``(1 + t)^(shape - n) (1 + c t)^-shape`` with
    ``c = 1 + n snr / shape``: for n >= shape, a Gamma(n - shape, 1) plus an independent
    Gamma(shape, c). Integrating the second's survival function over the first gives, with
    ``d = 1 - 1/c`` and P the regularised lower incomplete gamma:
    shape 1: ``Q(n-1, T) + e^(-T/c) d^-(n-1) P(n-1, d T)`` (Richards 2014, table 7.2);
    shape 2: ``Q(n-2, T) + e^(-T/c) [(1 + T/c) d^-(n-2) P(n-2, d T)
    - (n-2)/c d^-(n-1) P(n-1, d T)]``. For n < shape (Swerling 3, n = 1) the MGF is the
    mixture ``(1/c) Gamma(1, c) + (1 - 1/c) Gamma(2, c)``.
    """
    c = 1.0 + n * snr / shape
    d = 1.0 - 1.0 / c
    tail = np.exp(-threshold / c)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        log_d = np.log(d)
        if shape == 1:
            if n == 1:
                return tail
            mixed = np.exp(-threshold / c - (n - 1) * log_d
                           + np.log(special.gammainc(n - 1, d * threshold)))
            return special.gammaincc(n - 1, threshold) + np.nan_to_num(mixed)
        if n == 1:
            return tail * (1.0 / c + d * (1.0 + threshold / c))
        if n == 2:
            return tail * (1.0 + threshold / c)
        first = np.exp(-threshold / c - (n - 2) * log_d
                       + np.log(special.gammainc(n - 2, d * threshold)))
        second = np.exp(-threshold / c - (n - 1) * log_d
                        + np.log(special.gammainc(n - 1, d * threshold)))
        mixed = (1.0 + threshold / c) * np.nan_to_num(first) - (n - 2) / c * np.nan_to_num(second)
    return special.gammaincc(n - 2, threshold) + mixed


def _pd_swerling4(snr, threshold, n: int) -> np.ndarray:
    """Each pulse's RCS is chi-square with 4 dof, independent pulse to pulse.

    One pulse's MGF is ``(1 + t) / (1 + b t)^2`` with ``b = 1 + snr / 2``; writing
    ``1 + t = (1/b)(1 + b t) + (1 - 1/b)`` and expanding the n-th power gives the binomial
    mixture ``sum_k C(n, k) b^-k (1 - 1/b)^(n-k) Gamma(2n - k, b)``, all terms positive.
    """
    b = 1.0 + snr / 2.0
    k = np.arange(n + 1)
    weights = stats.binom.pmf(k, n, (1.0 / b)[..., None])
    tails = special.gammaincc(2 * n - k, (threshold / b)[..., None])
    return (weights * tails).sum(axis=-1)


_PD = {
    0: _pd_swerling0,
    1: lambda snr, threshold, n: _pd_scan_to_scan(snr, threshold, n, 1),
    2: _pd_swerling2,
    3: lambda snr, threshold, n: _pd_scan_to_scan(snr, threshold, n, 2),
    4: _pd_swerling4,
}


def required_snr_db(pd, pfa, n_pulses=1, swerling: int = 0) -> np.ndarray:
    """Single-pulse SNR (dB) at which :func:`probability_of_detection` equals ``pd``.

    The exact inverse, solved by Brent's method on the SNR in dB to 1e-10 dB; requires
    ``pfa < pd < 1``. Broadcasts over ``pd``, ``pfa`` and ``n_pulses``.
    """
    swerling = _check_swerling(swerling)
    pd = _check_probability("pd", pd)
    pfa = _check_probability("pfa", pfa)
    n_pulses = _check_pulses(n_pulses)
    pd, pfa, n_pulses = np.broadcast_arrays(pd, pfa, n_pulses)
    if not (pd > pfa).all():
        raise ValueError(f"pd must exceed pfa, got pd={pd}, pfa={pfa}")
    out = np.empty(pd.shape)
    for index in np.ndindex(pd.shape):
        target, p, n = float(pd[index]), float(pfa[index]), int(n_pulses[index])

        def excess(snr_db: float, target=target, p=p, n=n) -> float:
            return float(_PD[swerling](np.array(10.0 ** (snr_db / 10.0)),
                                       special.gammainccinv(n, p), n)) - target

        low, high = -60.0, 40.0
        while excess(high) < 0:
            high += 40.0
        while excess(low) > 0:
            low -= 40.0
        out[index] = optimize.brentq(excess, low, high, xtol=1e-10, rtol=1e-14)
    return out if out.ndim else out[()]


def albersheim_snr_db(pd, pfa, n_pulses=1) -> np.ndarray:
    """Albersheim's approximation of the single-pulse SNR (dB) a steady target needs.

    ``SNR = -5 log10 n + (6.2 + 4.54 / sqrt(n + 0.44)) log10(A + 0.12 A B + 1.7 B)``,
    ``A = ln(0.62 / pfa)``, ``B = ln(pd / (1 - pd))``. Albersheim (1981); Richards (2014)
    sec. 6.2. Valid as stated in the module docstring.
    """
    pd = _check_probability("pd", pd)
    pfa = _check_probability("pfa", pfa)
    n = _check_pulses(n_pulses).astype(float)
    a = np.log(0.62 / pfa)
    b = np.log(pd / (1.0 - pd))
    return (-5.0 * np.log10(n)
            + (6.2 + 4.54 / np.sqrt(n + 0.44)) * np.log10(a + 0.12 * a * b + 1.7 * b))


def shnidman_snr_db(pd, pfa, n_pulses=1, swerling: int = 0) -> np.ndarray:
    """Shnidman's approximation of the single-pulse SNR (dB), Swerling 0 to 4.

    Shnidman (2002), eqs. 1-9: ``K`` = infinity, 1, n, 2, 2n for Swerling 0-4;
    ``alpha = 0`` for n < 40 else 1/4;
    ``eta = sqrt(-0.8 ln(4 pfa (1 - pfa))) + sign(pd - 0.5) sqrt(-0.8 ln(4 pd (1 - pd)))``;
    ``X_inf = eta (eta + 2 sqrt(n/2 + alpha - 1/4))``;
    ``C1 = (((17.7006 pd - 18.4496) pd + 14.5339) pd - 3.525) / K``;
    ``C2 = (exp(27.31 pd - 25.14) + (pd - 0.8)(0.7 ln(1e-5 / pfa) + (2n - 20) / 80)) / K``;
    ``C_dB = C1`` for pd <= 0.872, ``C1 + C2`` above; ``SNR = 10 log10(10^(C_dB/10) X_inf / n)``.
    """
    swerling = _check_swerling(swerling)
    pd = _check_probability("pd", pd)
    pfa = _check_probability("pfa", pfa)
    n = _check_pulses(n_pulses).astype(float)
    alpha = np.where(n < 40, 0.0, 0.25)
    eta = (np.sqrt(-0.8 * np.log(4.0 * pfa * (1.0 - pfa)))
           + np.sign(pd - 0.5) * np.sqrt(-0.8 * np.log(4.0 * pd * (1.0 - pd))))
    x_inf = eta * (eta + 2.0 * np.sqrt(n / 2.0 + alpha - 0.25))
    if swerling == 0:
        c_db = np.zeros(np.broadcast(pd, pfa, n).shape)
    else:
        k = {1: 1.0, 2: n, 3: 2.0, 4: 2.0 * n}[swerling]
        c1 = (((17.7006 * pd - 18.4496) * pd + 14.5339) * pd - 3.525) / k
        c2 = (np.exp(27.31 * pd - 25.14)
              + (pd - 0.8) * (0.7 * np.log(1e-5 / pfa) + (2.0 * n - 20.0) / 80.0)) / k
        c_db = np.where(pd <= 0.872, c1, c1 + c2)
    return 10.0 * np.log10(10.0 ** (c_db / 10.0) * x_inf / n)


def swerling1_pd(snr: np.ndarray, pfa: float) -> np.ndarray:
    """Single-look Pd of a Swerling 1 target, square-law detector: ``pfa ** (1 / (1 + snr))``.

    snr: linear SNR (not dB), any shape. Returns Pd, same shape. Richards (2014) sec. 7.2;
    the n = 1 case of :func:`probability_of_detection` with ``swerling=1``.
    """
    return np.power(pfa, 1.0 / (1.0 + np.asarray(snr, dtype=float)))


def swerling1_required_snr(pd: float, pfa: float) -> float:
    """Linear SNR at which a Swerling 1 target is detected with ``pd`` at ``pfa`` (one look).

    The exact inverse of :func:`swerling1_pd`: ``SNR = ln(Pfa) / ln(Pd) - 1``.
    """
    if not 0.0 < pfa < pd < 1.0:
        raise ValueError(f"need 0 < pfa < pd < 1, got pfa={pfa}, pd={pd}")
    return float(np.log(pfa) / np.log(pd) - 1.0)


def snr_from_reference(range_m: np.ndarray, rcs_m2: np.ndarray, ref_snr: float,
                       ref_range_m: float, ref_rcs_m2: float) -> np.ndarray:
    """Linear SNR scaled from a reference point: SNR falls as R^-4 and rises with RCS.

    ``SNR = ref_snr * (ref_range / R)**4 * (rcs / ref_rcs)`` (the radar equation with
    everything but range and RCS held fixed; Skolnik 3rd ed., eq. 2.1).
    """
    range_m = np.maximum(np.asarray(range_m, dtype=float), 1.0)
    return ref_snr * (ref_range_m / range_m) ** 4 * (np.asarray(rcs_m2, dtype=float) / ref_rcs_m2)


def radar_equation_snr(range_m: np.ndarray, rcs_m2: np.ndarray, peak_power_w: float,
                       pulse_width_s: float, frequency_hz: float, gain_tx_db: float,
                       gain_rx_db: float, system_temperature_k: float = 290.0,
                       loss_db: float = 0.0, pulses_integrated: int = 1) -> np.ndarray:
    """Linear SNR of the monostatic radar equation with coherent integration of n pulses
    (:func:`iadsim.sensors.radar_equation.snr_db` in linear units, times n; ranges below
    1 m are taken as 1 m)."""
    range_m = np.maximum(np.asarray(range_m, dtype=float), 1.0)
    return pulses_integrated * _snr_linear(range_m, range_m, rcs_m2, peak_power_w,
                                           pulse_width_s, frequency_hz, gain_tx_db, gain_rx_db,
                                           system_temperature_k, loss_db)
