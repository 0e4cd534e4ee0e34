"""Noise jamming of a radar: the jammer-to-noise ratio at the radar, the self-screening
jammer-to-signal ratio, and the burn-through range.

A noise jammer of effective radiated power ``ERP_j`` spread over ``B_j`` puts into a radar
receiver of gain ``G_r`` (toward the jammer), wavelength ``lambda`` and noise bandwidth
``B_r <= B_j`` the power ``J = ERP_j G_r lambda^2 B_r / ((4 pi)^2 R_j^2 B_j)`` against
the noise ``N = k T_s B_r``, so ``J / N = ERP_j G_r lambda^2 / ((4 pi)^2 R_j^2 k T_s B_j)``:
one-way, falling as ``R_j^2`` where the echo falls as ``R^4``. A jammer narrower than the
receiver puts all its power in it (``B_j`` is then replaced by ``B_r``). A stand-off
jammer off the mainbeam enters through the receive pattern: a Gaussian mainbeam
``exp(-4 ln 2 (delta / theta)^2)`` floored at the sidelobe level.

For a self-screening jammer (on the target, in the mainbeam, ``R_j = R``),
``J / S = 4 pi R^2 ERP_j B_r L / (ERP_r sigma B_j)`` with the radar's ``ERP_r = P_t G_t``
and losses ``L`` on the echo; in decibels with ``R`` in km and ERPs in the same unit,
``J/S = 71 + ERP_j - ERP_r + 20 log R - 10 log sigma`` (D. Adamy, EW 101: A First Course in
Electronic Warfare (2001), ch. 9, self-protection jamming). The burn-through range, where
the echo overcomes the jamming by the required ``S/J``, is then
``R_bt = sqrt(ERP_r sigma B_j / (4 pi ERP_j B_r L (S/J)_req))`` (Skolnik, Introduction to
Radar Systems, 3rd ed. (2001), ch. 10, electronic counter-countermeasures; Adamy (2001)
ch. 9): below it
the radar detects through the jamming.

The simulation uses the effective ``SINR = S / (N + J + C)`` (:mod:`iadsim.sensors.clutter`)
in the detection law, and reports the self-screening detection range with noise
included (:func:`detection_range_under_jamming_m`), which tends to ``R_bt`` when the jamming
dominates and to the unjammed range without it. Limits: barrage or spot noise covering the
receiver; no deception jamming, no sidelobe cancellers or blanking, no home-on-jam. With a
DEM a jammer the terrain hides from a radar (the 4/3-earth ray of
:mod:`iadsim.world.terrain`, no diffraction) does not jam it.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from iadsim.sensors import argument_checks as checks
from iadsim.sensors.radar_equation import BOLTZMANN_J_PER_K, SPEED_OF_LIGHT_MPS

#: One-way Gaussian mainbeam exponent: relative gain exp(-4 ln2 (delta / theta)^2).
ONE_WAY_PATTERN_EXPONENT = 4.0 * np.log(2.0)
FOUR_PI = 4.0 * np.pi





def jammer_constant(gain_rx_db: float, frequency_hz: float,
                    system_temperature_k: float = 290.0) -> float:
    """``G_r lambda^2 / ((4 pi)^2 k T_s)`` (m^2 per W/Hz): the radar's part of ``J / N``.
    ``J / N = constant x ERP_j / (B_j R_j^2)`` for a jammer in the mainbeam."""
    checks.finite("gain_rx_db", gain_rx_db)
    wavelength = SPEED_OF_LIGHT_MPS / float(checks.positive("frequency_hz", frequency_hz))
    temperature = float(checks.positive("system_temperature_k", system_temperature_k))
    return float(10.0 ** (gain_rx_db / 10.0) * wavelength**2
                 / (FOUR_PI**2 * BOLTZMANN_J_PER_K * temperature))


def jammer_to_noise_db(jammer_erp_w, jammer_bandwidth_hz, range_m, gain_rx_db, frequency_hz,
                       receiver_bandwidth_hz, system_temperature_k=290.0,
                       relative_gain_db=0.0) -> np.ndarray:
    """J/N (dB) of a noise jammer ``range_m`` (m) from the radar; ``relative_gain_db`` (<= 0)
    is the radar's receive gain toward the jammer relative to its peak (0 in the mainbeam,
    the sidelobe level off it). Broadcasts; inputs are not modified."""
    erp = checks.positive("jammer_erp_w", jammer_erp_w)
    bandwidth = np.maximum(checks.positive("jammer_bandwidth_hz", jammer_bandwidth_hz),
                           checks.positive("receiver_bandwidth_hz", receiver_bandwidth_hz))
    range_m = checks.positive("range_m", range_m)
    relative = checks.finite("relative_gain_db", relative_gain_db)
    constant = jammer_constant(gain_rx_db, frequency_hz, system_temperature_k)
    return 10.0 * np.log10(constant * erp / (bandwidth * range_m**2)) + relative


def self_screening_jammer_to_signal_db(range_m, rcs_m2, jammer_erp_w, radar_erp_w,
                                       jammer_bandwidth_hz, receiver_bandwidth_hz,
                                       loss_db=0.0) -> np.ndarray:
    """J/S (dB) of a self-screening jammer: ``4 pi R^2 ERP_j B_r L / (ERP_r sigma B_j)``.

    range_m (m), rcs_m2 (m^2), ERPs (W), bandwidths (Hz; the jammer's at least the
    receiver's), loss_db: the radar's losses on the echo (dB >= 0). Broadcasts.
    Source: Adamy (2001) ch. 9, ``J/S = 71 + ERP_J - ERP_S + 20 log R_km - 10 log sigma``.
    """
    range_m = checks.positive("range_m", range_m)
    rcs = checks.positive("rcs_m2", rcs_m2)
    jammer = checks.positive("jammer_erp_w", jammer_erp_w)
    radar = checks.positive("radar_erp_w", radar_erp_w)
    ratio = (checks.positive("receiver_bandwidth_hz", receiver_bandwidth_hz)
             / np.maximum(checks.positive("jammer_bandwidth_hz", jammer_bandwidth_hz),
                          receiver_bandwidth_hz))
    return (10.0 * np.log10(FOUR_PI * range_m**2 * jammer * ratio / (radar * rcs))
            + checks.loss(loss_db))


def burn_through_range_m(required_signal_to_jamming_db, rcs_m2, radar_erp_w, jammer_erp_w,
                         jammer_bandwidth_hz, receiver_bandwidth_hz,
                         loss_db=0.0) -> np.ndarray:
    """Self-screening burn-through range (m): where ``S/J`` reaches the required value,
    ``sqrt(ERP_r sigma B_j / (4 pi ERP_j B_r L (S/J)_req))`` (jamming dominating the noise).

    Sources: Adamy (2001) ch. 9 (the J/S equation solved for R); Skolnik (2001) ch. 10.
    Broadcasts; bad arguments raise ``ValueError`` naming the argument.
    """
    required = 10.0 ** (checks.finite("required_signal_to_jamming_db",
                                required_signal_to_jamming_db) / 10.0)
    rcs = checks.positive("rcs_m2", rcs_m2)
    radar = checks.positive("radar_erp_w", radar_erp_w)
    jammer = checks.positive("jammer_erp_w", jammer_erp_w)
    receiver = checks.positive("receiver_bandwidth_hz", receiver_bandwidth_hz)
    bandwidth = np.maximum(checks.positive("jammer_bandwidth_hz", jammer_bandwidth_hz), receiver)
    loss = 10.0 ** (checks.loss(loss_db) / 10.0)
    return np.sqrt(radar * rcs * bandwidth / (FOUR_PI * jammer * receiver * loss * required))


def detection_range_under_jamming_m(required_snr_db, rcs_m2, snr_at_one_metre,
                                    jnr_at_one_metre) -> np.ndarray:
    """Range (m) at which a self-screening target reaches the required single-pulse SINR,
    noise included: ``K sigma / R^4 / (1 + J1 / R^2) = SNR_req`` with ``K``
    (``snr_at_one_metre``: SNR of 1 m^2 at 1 m) and ``J1`` (``jnr_at_one_metre``: J/N at
    1 m), so ``R^2 = 2 a / (J1 + sqrt(J1^2 + 4 a))`` with ``a = K sigma / SNR_req``. Equals
    the unjammed range ``a^(1/4)`` for ``J1 = 0`` and tends to the burn-through range
    ``sqrt(a / J1)`` when the jamming dominates."""
    required = 10.0 ** (checks.finite("required_snr_db", required_snr_db) / 10.0)
    signal = (checks.positive("rcs_m2", rcs_m2)
              * checks.positive("snr_at_one_metre", snr_at_one_metre) / required)
    jamming = np.asarray(jnr_at_one_metre, dtype=float)
    if np.isnan(jamming).any() or (jamming < 0).any():
        raise ValueError(f"jnr_at_one_metre must be >= 0, got {jnr_at_one_metre}")
    return np.sqrt(2.0 * signal / (jamming + np.sqrt(jamming * jamming + 4.0 * signal)))


def receive_pattern(offset_rad, beamwidth_rad, sidelobe_level_db: float) -> np.ndarray:
    """One-way receive gain at ``offset_rad`` from the beam axis, relative to the peak: a
    Gaussian mainbeam of 3 dB width ``beamwidth_rad`` floored at ``sidelobe_level_db``."""
    offset = np.asarray(offset_rad, dtype=float) / checks.positive("beamwidth_rad", beamwidth_rad)
    return np.maximum(np.exp(-ONE_WAY_PATTERN_EXPONENT * offset * offset),
                      10.0 ** (sidelobe_level_db / 10.0))


#: Columns of a :func:`jammer_geometry` row.
JAMMER_EAST, JAMMER_NORTH, JAMMER_UP, JAMMER_POWER, JAMMER_SPREAD = range(5)


@njit(cache=True)
def jammer_geometry(radar_position_m: np.ndarray, radar_constant: float,
                    receiver_bandwidth_hz: float, radar_horizon_m: float, earth_radius_m: float,
                    jammer_position_m: np.ndarray, jammer_height_m: np.ndarray,
                    jammer_erp_w: np.ndarray, jammer_bandwidth_hz: np.ndarray,
                    jammer_in_view: np.ndarray) -> np.ndarray:
    """What one radar's J/N needs of each jammer, whatever the target: (k, 5) rows for the
    k jammers above the radar's 4/3-earth horizon and, with a DEM, that ``jammer_in_view``
    (one bool a jammer; empty: every jammer) says the terrain does not hide from the radar
    (:class:`iadsim.world.terrain.TerrainMask`), in the given order: the jammer's offset
    from the radar (east, north, up; m, scenario ENU), ``radar_constant x ERP`` and
    ``bandwidth x distance^2`` (the jammer's J/N at the peak of the beam is their ratio).
    Computed once per radar look (not once per target); :func:`jamming_from_geometry` adds
    the receive pattern toward each target. Hot path: no argument checks."""
    rows = np.empty((jammer_erp_w.size, 5))
    count = 0
    masked = jammer_in_view.size > 0
    for jammer in range(jammer_erp_w.size):
        if masked and not jammer_in_view[jammer]:
            continue  # behind the terrain
        east = jammer_position_m[jammer, 0] - radar_position_m[0]
        north = jammer_position_m[jammer, 1] - radar_position_m[1]
        up = jammer_position_m[jammer, 2] - radar_position_m[2]
        distance = max(np.sqrt(east * east + north * north + up * up), 1.0)
        height = max(jammer_height_m[jammer], 0.0)
        if distance > radar_horizon_m + np.sqrt(height * (2.0 * earth_radius_m + height)):
            continue
        bandwidth = max(jammer_bandwidth_hz[jammer], receiver_bandwidth_hz)
        rows[count, JAMMER_EAST], rows[count, JAMMER_NORTH], rows[count, JAMMER_UP] = (
            east, north, up)
        rows[count, JAMMER_POWER] = radar_constant * jammer_erp_w[jammer]
        rows[count, JAMMER_SPREAD] = bandwidth * distance * distance
        count += 1
    return rows[:count]


@njit(cache=True)
def jamming_from_geometry(geometry: np.ndarray, target_east: float, target_north: float,
                          target_up: float, beamwidth_rad: float,
                          sidelobe_floor: float) -> float:
    """Total J/N (linear) at one radar whose beam points at the target (``target_*``: the
    target's offset from the radar, m, scenario ENU), from the radar's
    :func:`jammer_geometry`: each jammer's peak J/N times :func:`receive_pattern` at its
    angle from the target. Hot path: no argument checks."""
    total = 0.0
    target_range = np.sqrt(target_east**2 + target_north**2 + target_up**2)
    for jammer in range(geometry.shape[0]):
        east = geometry[jammer, JAMMER_EAST]
        north = geometry[jammer, JAMMER_NORTH]
        up = geometry[jammer, JAMMER_UP]
        cross_e = target_north * up - target_up * north
        cross_n = target_up * east - target_east * up
        cross_u = target_east * north - target_north * east
        offset = np.arctan2(np.sqrt(cross_e**2 + cross_n**2 + cross_u**2),
                            target_east * east + target_north * north + target_up * up)
        if target_range == 0.0:
            offset = 0.0
        scaled = offset / beamwidth_rad
        gain = max(np.exp(-ONE_WAY_PATTERN_EXPONENT * scaled * scaled), sidelobe_floor)
        total += geometry[jammer, JAMMER_POWER] * gain / geometry[jammer, JAMMER_SPREAD]
    return total


@njit(cache=True)
def jamming_to_noise(radar_position_m: np.ndarray, target_east: float, target_north: float,
                     target_up: float, radar_constant: float, receiver_bandwidth_hz: float,
                     beamwidth_rad: float, sidelobe_floor: float, radar_horizon_m: float,
                     earth_radius_m: float, jammer_position_m: np.ndarray,
                     jammer_height_m: np.ndarray, jammer_erp_w: np.ndarray,
                     jammer_bandwidth_hz: np.ndarray, jammer_in_view: np.ndarray) -> float:
    """Total J/N (linear) of all jammers at one radar whose beam points at the target
    (``target_*``: the target's offset from the radar, m, scenario ENU). A jammer counts
    when it is above the 4/3-earth horizon and, with a DEM, when ``jammer_in_view`` (one
    bool a jammer; empty: every jammer) says the terrain does not hide it from the radar
    (:class:`iadsim.world.terrain.TerrainMask`); its gain is :func:`receive_pattern` at
    its angle from the target. :func:`jammer_geometry` then :func:`jamming_from_geometry`;
    a caller with many targets per radar computes the geometry once. Hot path: no checks."""
    geometry = jammer_geometry(radar_position_m, radar_constant, receiver_bandwidth_hz,
                               radar_horizon_m, earth_radius_m, jammer_position_m,
                               jammer_height_m, jammer_erp_w, jammer_bandwidth_hz,
                               jammer_in_view)
    return jamming_from_geometry(geometry, target_east, target_north, target_up,
                                 beamwidth_rad, sidelobe_floor)
