"""Scenario sections for what a radar faces besides the targets' own echo: the surface
under it (clutter), noise jammers, the receive side a jammer is measured against, and
targets' RCS by aspect.

The models follow the rules of :class:`iadsim.scenario.schema.StrictModel` (unknown keys
are errors, values are frozen, no NaN or infinity, no type coercion); they do not import
it because ``schema.py`` imports this module for its fields. Every one is optional and off
by default, so a scenario that does not name them runs as before.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

#: Practical bounds (what a value beyond would mean): no jammer radiates a gigawatt ERP;
#: radar and jammer bands lie below 1 THz; no RCS exceeds a million square metres.
Power = Annotated[float, Field(gt=0.0, le=1e9, allow_inf_nan=False)]
Frequency = Annotated[float, Field(gt=0.0, le=1e12, allow_inf_nan=False)]
Rcs = Annotated[float, Field(gt=0.0, le=1e6, allow_inf_nan=False)]
LandType = Literal["flatland", "farmland", "woods", "wooded_hill", "metropolitan",
                   "rugged_mountain"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


class Surface(_Strict):
    """The surface radars look over, for the constant-gamma clutter model
    (:mod:`iadsim.sensors.clutter`). ``none`` (the default): no clutter."""

    kind: Literal["none", "land", "sea"] = "none"
    land_type: LandType = Field("farmland", description="Land: the gamma of this terrain.")
    sea_state: int = Field(3, ge=0, le=6, description="Sea: the Douglas sea state.")
    gamma_db: float | None = Field(
        None, ge=-80.0, le=0.0, allow_inf_nan=False,
        description="Overrides the tabulated gamma (dB, at the radar's frequency).")


class Receiver(_Strict):
    """Receive side of a radar set by a reference point (no radar_equation): what a noise
    jammer's J/N is measured against."""

    gain_rx_db: float = Field(ge=0.0, le=70.0, allow_inf_nan=False)
    frequency_hz: Frequency
    bandwidth_hz: Frequency = Field(description="Receiver noise bandwidth.")
    system_temperature_k: float = Field(290.0, gt=0.0, le=1e6, allow_inf_nan=False)


class NoiseJammer(_Strict):
    """A noise jammer: effective radiated power over a bandwidth covering the radars'."""

    erp_w: Power = Field(description="Effective radiated power (W), toward the radar.")
    bandwidth_hz: Frequency = Field(description="Jamming bandwidth (Hz); at least the "
                                    "radar's receiver bandwidth for barrage noise.")


class StandOffJammer(NoiseJammer):
    """A jammer at a fixed place (a stand-off jamming aircraft on station), on from
    ``start_s`` to ``end_s``."""

    name: str = Field(min_length=1, max_length=80)
    lat_deg: float = Field(ge=-90.0, le=90.0, allow_inf_nan=False)
    lon_deg: float = Field(ge=-180.0, le=180.0, allow_inf_nan=False)
    altitude_m: float = Field(0.0, ge=0.0, le=100_000.0, allow_inf_nan=False)
    start_s: float = Field(0.0, ge=0.0, le=7 * 86_400.0, allow_inf_nan=False)
    end_s: float | None = Field(None, gt=0.0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _ordered(self) -> StandOffJammer:
        if self.end_s is not None and self.end_s <= self.start_s:
            raise ValueError(f"end_s must be greater than start_s (got start_s="
                             f"{self.start_s}, end_s={self.end_s})")
        return self


class AspectRcs(_Strict):
    """RCS (m^2) seen from the nose, the side and the tail; interpolated in dB between,
    by the angle between the threat's velocity and its line of sight to the radar."""

    nose_m2: Rcs
    side_m2: Rcs
    tail_m2: Rcs
