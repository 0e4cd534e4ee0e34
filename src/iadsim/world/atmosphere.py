"""The standard atmosphere: temperature, pressure, density and speed of sound with altitude.

The U.S. Standard Atmosphere 1976 (identical to the ICAO standard atmosphere up to 32 km
and to ISO 2533 up to 80 km): seven layers of constant lapse rate in geopotential
altitude from 0 to 84.852 km (86 km geometric), hydrostatic pressure within each layer,
ideal-gas density. Above 86 km the model continues isothermally at the top layer's
temperature, an approximation (the 1976 standard's upper layers differ) that is harmless
where it is used: air above 86 km weighs less than 7e-6 kg/m^3, too little to matter for
drag on an interceptor or a re-entering warhead. Below sea level the lowest layer is
extended down to -5 km.

Source: U.S. Standard Atmosphere, 1976, NOAA/NASA/USAF, NOAA-S/T 76-1562, tables 4 and 8
(layer bases, lapse rates, base pressures; constants R* = 8.31432 J/(mol K),
M0 = 28.9644 kg/kmol, g0 = 9.80665 m/s^2, r0 = 6,356,766 m).

The scalar functions are Numba-compiled so that flight kernels (interceptor flyout,
ballistic re-entry) can call them per body and per step; the array functions wrap them.
"""

from __future__ import annotations

import numpy as np
from numba import njit

STANDARD_GRAVITY_MPS2 = 9.80665
#: Specific gas constant of dry air, R* / M0 (J/(kg K)).
GAS_CONSTANT_AIR = 8.31432 / 0.0289644
#: Effective earth radius of the geopotential altitude conversion (m).
GEOPOTENTIAL_EARTH_RADIUS_M = 6_356_766.0
HEAT_CAPACITY_RATIO = 1.4

#: Layer bases in geopotential altitude (m), base temperatures (K), lapse rates (K/m)
#: and base pressures (Pa), from the 1976 standard.
LAYER_BASE_M = np.array([0.0, 11_000.0, 20_000.0, 32_000.0, 47_000.0, 51_000.0, 71_000.0,
                         84_852.0])
LAYER_TEMPERATURE_K = np.array([288.15, 216.65, 216.65, 228.65, 270.65, 270.65, 214.65,
                                186.946])
LAYER_LAPSE_K_PER_M = np.array([-0.0065, 0.0, 0.001, 0.0028, 0.0, -0.0028, -0.002, 0.0])
LAYER_PRESSURE_PA = np.array([101_325.0, 22_632.06, 5_474.889, 868.0187, 110.9063, 66.93887,
                              3.956420, 0.3733836])

_LOWEST_ALTITUDE_M = -5_000.0


@njit(cache=True, error_model="numpy")
def _state_at(altitude_m: float, layer_base_m: np.ndarray, layer_temperature_k: np.ndarray,
              layer_lapse: np.ndarray, layer_pressure_pa: np.ndarray) -> tuple[float, float]:
    """Temperature (K) and pressure (Pa) at a geometric altitude above mean sea level (m)."""
    geometric = max(altitude_m, _LOWEST_ALTITUDE_M)
    height = (GEOPOTENTIAL_EARTH_RADIUS_M * geometric
              / (GEOPOTENTIAL_EARTH_RADIUS_M + geometric))
    layer = 0
    for index in range(1, layer_base_m.size):
        if height >= layer_base_m[index]:
            layer = index
    above = height - layer_base_m[layer]
    base_temperature = layer_temperature_k[layer]
    lapse = layer_lapse[layer]
    exponent = STANDARD_GRAVITY_MPS2 / GAS_CONSTANT_AIR
    if lapse == 0.0:
        temperature = base_temperature
        pressure = layer_pressure_pa[layer] * np.exp(-exponent * above / base_temperature)
    else:
        temperature = base_temperature + lapse * above
        pressure = layer_pressure_pa[layer] * (base_temperature / temperature) ** (
            exponent / lapse)
    return temperature, pressure


@njit(cache=True, error_model="numpy")
def density_at(altitude_m: float) -> float:
    """Air density (kg/m^3) at one geometric altitude above mean sea level (m)."""
    temperature, pressure = _state_at(altitude_m, LAYER_BASE_M, LAYER_TEMPERATURE_K,
                                      LAYER_LAPSE_K_PER_M, LAYER_PRESSURE_PA)
    return pressure / (GAS_CONSTANT_AIR * temperature)


@njit(cache=True, error_model="numpy")
def speed_of_sound_at(altitude_m: float) -> float:
    """Speed of sound (m/s) at one geometric altitude above mean sea level (m)."""
    temperature, _ = _state_at(altitude_m, LAYER_BASE_M, LAYER_TEMPERATURE_K,
                               LAYER_LAPSE_K_PER_M, LAYER_PRESSURE_PA)
    return np.sqrt(HEAT_CAPACITY_RATIO * GAS_CONSTANT_AIR * temperature)


@njit(cache=True, error_model="numpy")
def _states(altitude_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    temperature = np.empty(altitude_m.size)
    pressure = np.empty(altitude_m.size)
    for k in range(altitude_m.size):
        temperature[k], pressure[k] = _state_at(altitude_m[k], LAYER_BASE_M,
                                                LAYER_TEMPERATURE_K, LAYER_LAPSE_K_PER_M,
                                                LAYER_PRESSURE_PA)
    return temperature, pressure


def standard_atmosphere(altitude_m: np.ndarray | float
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Temperature (K), pressure (Pa), density (kg/m^3) and speed of sound (m/s).

    altitude_m: geometric altitude above mean sea level (m), any shape; NaN is refused.
    Each result has the shape of ``altitude_m``. The input is not modified.
    """
    altitude = np.asarray(altitude_m, dtype=float)
    if np.isnan(altitude).any():
        raise ValueError("altitude_m must not contain NaN")
    temperature, pressure = _states(np.ascontiguousarray(altitude).reshape(-1))
    density = pressure / (GAS_CONSTANT_AIR * temperature)
    sound = np.sqrt(HEAT_CAPACITY_RATIO * GAS_CONSTANT_AIR * temperature)
    shape = altitude.shape
    return (temperature.reshape(shape), pressure.reshape(shape), density.reshape(shape),
            sound.reshape(shape))
