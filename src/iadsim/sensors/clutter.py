"""Surface clutter: the constant-gamma model of land and sea backscatter, the clutter cell
of a ground-based radar, and the signal-to-clutter ratio after MTI/Doppler processing.

The surface reflectivity (RCS per unit area) is ``sigma0 = gamma sin(psi)`` at grazing angle
``psi`` (the constant-gamma model: M. W. Long, Radar Reflectivity of Land and Sea, 3rd ed.
(2001); M. A. Richards, Fundamentals of Radar Signal Processing, 2nd ed. (2014), eq. 2.64;
D. K. Barton, Radar Equations for Modern Radar (2013), ch. 9). At the low grazing angles of
a ground radar the cell is pulse-limited: ``A = R theta_az delta_R sec(psi)`` (Skolnik,
Introduction to Radar Systems, 3rd ed. (2001), eq. 7.5; Nathanson, Reilly and Cohen, Radar
Design Principles, 2nd ed. (1999), ch. 2), so the clutter RCS in the target's cell is
``sigma_c = gamma tan(psi) R theta_az delta_R``.

The grazing angle is that of the surface point at slant range ``R`` seen from an antenna
``h`` above a smooth earth of effective radius ``a_e`` (4/3 earth):
``sin(psi) = h / R + h^2 / (2 a_e R) - R / (2 a_e)`` (the exact spherical triangle; Barton
(2013) sec. 9.1 gives its small-height form ``h / R - R / (2 a_e)``). Beyond the radar's
own horizon the surface is shadowed and there is no clutter.

The clutter that competes with a target is the surface at the target's range, weighted by
the two-way elevation pattern between the beam (pointed at the target) and the surface
point below it: a Gaussian beam ``exp(-8 ln 2 (delta / theta_el)^2)`` (two-way, one-way
3 dB beamwidth ``theta_el``), floored at the two-way sidelobe level. A sea-skimmer sits in
the clutter; an aircraft a few beamwidths up does not.

MTI or pulse-Doppler processing suppresses clutter by the improvement factor ``I``; what is
left adds to the noise: ``SINR = 1 / (1 / SNR + 1 / (I SCR))`` (Skolnik 2001, sec. 3.6;
Richards 2014, eq. 17.5), with jamming added to the noise the same way
(:mod:`iadsim.sensors.jamming`).

Gamma values (:data:`LAND_GAMMA_DB`, :func:`surface_gamma_db`) are those tabulated at
10 GHz for the constant-gamma model (sea states 3 and 5, woods, metropolitan, rugged
mountains from Long (2001); farmland, wooded hills, flatland from Nathanson (1999)), scaled
with frequency as ``gamma(f) = gamma(10 GHz) + 5 log10(f / 10 GHz)`` (D. K. Barton, "Land
clutter models for radar design and analysis", Proc. IEEE 73(2), 1985). Other sea states
are interpolated and extrapolated at 5 dB a sea state from the two published points
(notional). Limits: homogeneous surface, no discrete clutter, no clutter fluctuation or
spectrum (the improvement factor stands for the whole Doppler processing), no
multipath; valid for grazing angles below the plateau's upper end (about 30 deg).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numba import njit

from iadsim.sensors import argument_checks as checks
from iadsim.world.earth import effective_earth_radius_m

#: gamma (dB) of each land type at 10 GHz (Nathanson 1999; Long 2001).
LAND_GAMMA_DB: dict[str, float] = {
    "flatland": -20.0,
    "farmland": -15.0,
    "woods": -15.0,
    "wooded_hill": -10.0,
    "metropolitan": -10.0,
    "rugged_mountain": -5.0,
}
#: gamma (dB) of the sea at 10 GHz for sea states 3 and 5 (Long 2001).
SEA_GAMMA_DB: dict[int, float] = {3: -40.0, 5: -30.0}
#: Frequency the tabulated gamma values are for (Hz).
GAMMA_REFERENCE_FREQUENCY_HZ = 10e9
#: Two-way Gaussian pattern exponent: one-way power gain exp(-4 ln2 (d / theta)^2), squared.
TWO_WAY_PATTERN_EXPONENT = 8.0 * np.log(2.0)

SurfaceKind = Literal["none", "land", "sea"]


def surface_gamma_db(kind: SurfaceKind, land_type: str = "farmland", sea_state: int = 3,
                     frequency_hz: float | None = None) -> float:
    """gamma (dB) of a surface for the constant-gamma model; ``-inf`` for ``"none"``.

    kind: ``"land"`` (by ``land_type``, a key of :data:`LAND_GAMMA_DB`), ``"sea"`` (by
    ``sea_state`` 0-6: the published -40 dB at 3 and -30 dB at 5, 5 dB a state between and
    beyond) or ``"none"``. frequency_hz: the radar's (Hz); None keeps the 10 GHz value.
    """
    if kind == "none":
        return -np.inf
    if kind == "land":
        if land_type not in LAND_GAMMA_DB:
            raise ValueError(f"land_type must be one of {sorted(LAND_GAMMA_DB)}, got "
                             f"{land_type!r}")
        gamma_db = LAND_GAMMA_DB[land_type]
    elif kind == "sea":
        if not (isinstance(sea_state, int) and 0 <= sea_state <= 6):
            raise ValueError(f"sea_state must be an integer in 0..6, got {sea_state!r}")
        gamma_db = SEA_GAMMA_DB[3] + 5.0 * (sea_state - 3)
    else:
        raise ValueError(f"kind must be 'none', 'land' or 'sea', got {kind!r}")
    if frequency_hz is not None:
        if not frequency_hz > 0:
            raise ValueError(f"frequency_hz must be > 0, got {frequency_hz}")
        gamma_db += 5.0 * np.log10(frequency_hz / GAMMA_REFERENCE_FREQUENCY_HZ)
    return float(gamma_db)




def grazing_angle_rad(antenna_height_m, range_m, k: float = 4.0 / 3.0) -> np.ndarray:
    """Grazing angle (rad) of the smooth-earth surface point at slant ``range_m`` (m) from
    an antenna ``antenna_height_m`` (m) above it, over the ``k`` effective earth; NaN beyond
    the antenna's horizon (shadowed). Broadcasts."""
    height = checks.nonnegative("antenna_height_m", antenna_height_m)
    range_m = checks.positive("range_m", range_m)
    radius = effective_earth_radius_m(k)
    sine = height / range_m + height * height / (2.0 * radius * range_m) - range_m / (
        2.0 * radius)
    with np.errstate(invalid="ignore"):
        return np.where(sine > 0.0, np.arcsin(np.minimum(sine, 1.0)), np.nan)


def clutter_reflectivity(gamma_db, grazing_rad) -> np.ndarray:
    """sigma0 = gamma sin(psi) (m^2 per m^2, linear) of the constant-gamma model."""
    grazing = checks.nonnegative("grazing_rad", grazing_rad)
    return 10.0 ** (np.asarray(gamma_db, dtype=float) / 10.0) * np.sin(grazing)


def clutter_cell_area_m2(range_m, azimuth_beamwidth_rad, range_resolution_m,
                         grazing_rad) -> np.ndarray:
    """Pulse-limited clutter cell ``R theta_az delta_R sec(psi)`` (m^2). Broadcasts."""
    range_m = checks.positive("range_m", range_m)
    beam = checks.positive("azimuth_beamwidth_rad", azimuth_beamwidth_rad)
    resolution = checks.positive("range_resolution_m", range_resolution_m)
    grazing = checks.nonnegative("grazing_rad", grazing_rad)
    return range_m * beam * resolution / np.cos(grazing)


def clutter_rcs_m2(range_m, antenna_height_m, gamma_db, azimuth_beamwidth_rad,
                   range_resolution_m, k: float = 4.0 / 3.0) -> np.ndarray:
    """Clutter RCS (m^2) in the mainbeam cell at ``range_m``: ``sigma0 A``; 0 beyond the
    antenna's horizon."""
    grazing = grazing_angle_rad(antenna_height_m, range_m, k)
    lit = np.isfinite(grazing)
    grazing = np.where(lit, grazing, 0.0)
    area = clutter_cell_area_m2(range_m, azimuth_beamwidth_rad, range_resolution_m, grazing)
    return np.where(lit, clutter_reflectivity(gamma_db, grazing) * area, 0.0)


def signal_to_clutter_db(rcs_m2, range_m, antenna_height_m, gamma_db, azimuth_beamwidth_rad,
                         range_resolution_m, improvement_factor_db=0.0,
                         pattern_loss_db=0.0, k: float = 4.0 / 3.0) -> np.ndarray:
    """Signal-to-clutter ratio (dB) after processing: ``sigma_t / sigma_c + I`` in dB, minus
    nothing else; ``pattern_loss_db`` (>= 0) is how far the two-way pattern toward the
    surface is below the target's (0 for a target on the surface). ``+inf`` where there is no
    clutter (beyond the horizon, ``gamma_db = -inf``)."""
    rcs = checks.positive("rcs_m2", rcs_m2)
    checks.nonnegative("improvement_factor_db", improvement_factor_db)
    checks.nonnegative("pattern_loss_db", pattern_loss_db)
    clutter = clutter_rcs_m2(range_m, antenna_height_m, gamma_db, azimuth_beamwidth_rad,
                             range_resolution_m, k)
    with np.errstate(divide="ignore"):
        return (10.0 * np.log10(rcs) - 10.0 * np.log10(clutter) + improvement_factor_db
                + pattern_loss_db)


def effective_sinr_db(snr_db, scr_db=np.inf, jnr_db=-np.inf) -> np.ndarray:
    """Signal to interference plus noise (dB): ``S / (N + C + J)`` =
    ``1 / (1 / SNR + 1 / SCR)`` with the jamming as ``J / N`` on top of the noise.
    ``scr_db`` is after MTI/Doppler improvement; ``+inf`` means no clutter, ``jnr_db``
    ``-inf`` no jamming."""
    snr = 10.0 ** (np.asarray(snr_db, dtype=float) / 10.0)
    scr = 10.0 ** (np.asarray(scr_db, dtype=float) / 10.0)
    jnr = 10.0 ** (np.asarray(jnr_db, dtype=float) / 10.0)
    with np.errstate(divide="ignore"):
        return -10.0 * np.log10((1.0 + jnr) / snr + 1.0 / scr)


def two_way_pattern(offset_rad, beamwidth_rad, sidelobe_level_db: float) -> np.ndarray:
    """Two-way power pattern of a Gaussian beam at ``offset_rad`` from its axis, relative to
    the peak, floored at twice the one-way ``sidelobe_level_db`` (dB below the peak, < 0)."""
    offset = np.asarray(offset_rad, dtype=float) / checks.positive("beamwidth_rad", beamwidth_rad)
    return np.maximum(np.exp(-TWO_WAY_PATTERN_EXPONENT * offset * offset),
                      10.0 ** (2.0 * sidelobe_level_db / 10.0))


@njit(cache=True)
def clutter_to_noise(snr_constant: float, slant_m: float, target_elevation_rad: float,
                     antenna_height_m: float, clutter_constant: float,
                     elevation_beamwidth_rad: float, sidelobe_floor: float,
                     earth_radius_m: float) -> float:
    """Single-pulse clutter-to-noise ratio (linear, before improvement) of the cell at
    ``slant_m`` for a beam pointed at ``target_elevation_rad``: the hot-path form of
    :func:`clutter_rcs_m2` times the radar's ``snr_constant / R^4`` and the two-way pattern
    toward the surface. ``clutter_constant`` = gamma theta_az delta_R (m^2 per m); 0 when
    the radar sees no surface. No argument checks (trusted caller)."""
    if clutter_constant <= 0.0:
        return 0.0
    height = antenna_height_m
    sine = (height / slant_m + height * height / (2.0 * earth_radius_m * slant_m)
            - slant_m / (2.0 * earth_radius_m))
    if sine <= 0.0 or sine >= 1.0:
        # Beyond the horizon (shadowed), or nearer than the surface below the antenna (no
        # surface point at this range; sine 1 is the nadir alone, a cell of no area).
        return 0.0
    cosine = np.sqrt(1.0 - sine * sine)
    # Depression of the surface point from the antenna: the same triangle seen from the
    # antenna, sin(d) = (2 a h + h^2 + R^2) / (2 (a + h) R).
    depression_sine = ((2.0 * earth_radius_m * height + height * height + slant_m * slant_m)
                       / (2.0 * (earth_radius_m + height) * slant_m))
    depression = np.arcsin(min(depression_sine, 1.0))
    offset = (target_elevation_rad + depression) / elevation_beamwidth_rad
    pattern = max(np.exp(-TWO_WAY_PATTERN_EXPONENT * offset * offset), sidelobe_floor)
    clutter_rcs = clutter_constant * slant_m * sine / cosine
    return snr_constant * clutter_rcs * pattern / slant_m**4
