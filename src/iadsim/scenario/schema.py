"""The scenario file's schema: frozen pydantic v2 models, one per section.

Every field in a unit other than SI says so in its name (``max_range_km``, ``azimuth_sigma_deg``);
the stages convert once, when they are built from a validated :class:`Scenario`.

Heights and altitudes are metres above the local ground, which is taken as flat at
``origin.ground_elevation_m`` above the WGS84 ellipsoid until terrain models arrive.
Cross-references between sections (a battery naming a radar) are checked in
:mod:`iadsim.scenario.references`, where the error can name the exact field.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Name = Annotated[
    str,
    Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9 _.\-]*$"),
]
Latitude = Annotated[float, Field(ge=-90.0, le=90.0, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180.0, le=180.0, allow_inf_nan=False)]
Height = Annotated[float, Field(ge=0.0, le=100_000.0, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
Probability = Annotated[float, Field(gt=0.0, lt=1.0, allow_inf_nan=False)]

ThreatKind = Literal["aircraft", "cruise_missile", "drone", "ballistic_missile", "target_drone"]
THREAT_KINDS: tuple[str, ...] = ThreatKind.__args__  # type: ignore[attr-defined]


class StrictModel(BaseModel):
    """Unknown keys are errors, values are immutable, NaN and infinity are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


class Catalogued(StrictModel):
    """Fields shared by every entry that may come from the catalog of notional profiles."""

    name: Name
    profile: str | None = Field(
        None, description="Catalog profile this entry starts from; any field may override it."
    )
    description: str = ""
    source: str = Field("", description="Public source of the figures (notional profiles).")


class Sited(StrictModel):
    """A place on the ground: geodetic latitude/longitude and height above ground."""

    lat_deg: Latitude
    lon_deg: Longitude
    height_m: Height = 0.0


class Origin(StrictModel):
    lat_deg: Latitude
    lon_deg: Longitude
    ground_elevation_m: float = Field(0.0, ge=-500.0, le=9_000.0, allow_inf_nan=False)


class SimSettings(StrictModel):
    duration_s: float = Field(gt=0.0, le=7 * 86_400.0, allow_inf_nan=False)
    dt_s: float = Field(0.5, gt=0.0, le=60.0, allow_inf_nan=False)
    seed: int = Field(0, ge=0, le=2**63 - 1)
    record_detections: bool = Field(
        True, description="Write one event per radar detection (large raids: many rows)."
    )
    record_tracks: bool | None = Field(
        None, description="Keep run.tracks (one row per track update) and run.truth (live "
        "threats at the same times) and score the track quality in the summary; default: "
        "when the raid has at most 500 threats (the cost grows with threats times scans)."
    )

    @model_validator(mode="after")
    def _step_fits(self) -> SimSettings:
        if self.dt_s > self.duration_s:
            raise ValueError(
                f"dt_s must not exceed duration_s (got dt_s={self.dt_s}, "
                f"duration_s={self.duration_s})"
            )
        if self.duration_s / self.dt_s > 5_000_000:
            raise ValueError("duration_s / dt_s must be at most 5,000,000 steps")
        return self


class DefendedAsset(Sited):
    name: Name
    description: str = ""
    value: Positive = Field(description="Relative value, used to rank threats and score survival.")
    radius_m: Positive = Field(
        500.0, description="A threat that arrives within this distance damages the asset."
    )


class Outage(StrictModel):
    """A window in which a radar or its link delivers nothing."""

    start_s: NonNegative
    end_s: Positive

    @model_validator(mode="after")
    def _ordered(self) -> Outage:
        if self.end_s <= self.start_s:
            raise ValueError(
                f"end_s must be greater than start_s (got start_s={self.start_s}, "
                f"end_s={self.end_s})"
            )
        return self


class RadarEquation(StrictModel):
    """Monostatic radar-equation parameters (Skolnik, Introduction to Radar Systems, eq. 2.1)."""

    peak_power_w: Positive
    pulse_width_s: Positive
    frequency_hz: Positive
    gain_tx_db: float = Field(allow_inf_nan=False)
    gain_rx_db: float = Field(allow_inf_nan=False)
    system_temperature_k: Positive = 290.0
    loss_db: NonNegative = 0.0
    pulses_integrated: int = Field(1, ge=1, le=100_000)


class Radar(Catalogued, Sited):
    """A surveillance or fire-control radar feeding the common track picture.

    Detection is set either by a reference point (``ref_range_km`` at which a target of
    ``ref_rcs_m2`` is detected with probability ``ref_pd`` at false-alarm probability
    ``pfa``) or by full ``radar_equation`` parameters; one of the two, not both.
    """

    ref_range_km: Positive | None = None
    ref_rcs_m2: Positive = 1.0
    ref_pd: Probability = 0.5
    radar_equation: RadarEquation | None = None
    pfa: float = Field(1e-6, gt=0.0, lt=0.1, allow_inf_nan=False)
    max_range_km: Positive
    revisit_s: Positive
    min_elevation_deg: float = Field(-1.0, ge=-10.0, le=90.0, allow_inf_nan=False)
    max_elevation_deg: float = Field(85.0, ge=-10.0, le=90.0, allow_inf_nan=False)
    range_sigma_m: Positive = 50.0
    azimuth_sigma_deg: Positive = 0.2
    elevation_sigma_deg: Positive = 0.3
    resolution_cells: NonNegative = Field(
        1e5, description="Cells tested per scan; false alarms per scan = pfa x resolution_cells."
    )
    latency_s: NonNegative = Field(0.5, description="Delay from scan to the battle manager.")
    outages: list[Outage] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Radar:
        if (self.ref_range_km is None) == (self.radar_equation is None):
            raise ValueError(
                "give exactly one of ref_range_km (with ref_rcs_m2, ref_pd) or radar_equation"
            )
        if self.min_elevation_deg >= self.max_elevation_deg:
            raise ValueError(
                "min_elevation_deg must be less than max_elevation_deg (got "
                f"{self.min_elevation_deg} >= {self.max_elevation_deg})"
            )
        if self.ref_range_km is not None and self.ref_pd <= self.pfa:
            raise ValueError(f"ref_pd must exceed pfa (got ref_pd={self.ref_pd}, pfa={self.pfa})")
        return self


class InterceptorType(Catalogued):
    """An interceptor missile or a gun burst: envelope, flyout, lethality and cost."""

    kind: Literal["missile", "gun"] = "missile"
    min_range_km: NonNegative
    max_range_km: Positive
    min_altitude_m: NonNegative = 0.0
    max_altitude_m: Positive
    speed_mps: Positive = Field(description="Average flyout speed.")
    max_target_speed_mps: Positive = 5_000.0
    lethal_radius_m: Positive
    single_shot_pk: float = Field(
        gt=0.0, le=1.0, allow_inf_nan=False,
        description="Probability of kill when the round passes within lethal_radius_m.",
    )
    seeker_range_km: NonNegative = Field(
        0.0, description="Range at which the round's own seeker (for a gun: the fire-control "
        "radar) locks on to the nearest threat; 0 = guided on the track to the end."
    )
    aim_error_m: NonNegative = Field(
        0.0, description="Terminal aiming error after lock, 1 sigma per axis (guidance error, "
        "gun dispersion)."
    )
    max_flight_time_s: Positive | None = None
    cost_per_round_usd: NonNegative = 0.0

    @model_validator(mode="after")
    def _envelope(self) -> InterceptorType:
        if self.min_range_km >= self.max_range_km:
            raise ValueError(
                f"min_range_km must be less than max_range_km (got {self.min_range_km} >= "
                f"{self.max_range_km})"
            )
        if self.min_altitude_m >= self.max_altitude_m:
            raise ValueError(
                f"min_altitude_m must be less than max_altitude_m (got {self.min_altitude_m} >= "
                f"{self.max_altitude_m})"
            )
        return self


class Battery(Catalogued, Sited):
    """A fire unit: launchers with rounds, fire channels, and the radars it may fire on."""

    radars: list[Name] = Field(min_length=1)
    interceptor: Name
    launchers: int = Field(ge=1, le=1_000)
    missiles_per_launcher: int = Field(ge=1, le=10_000)
    reserve_missiles: int = Field(0, ge=0, le=1_000_000)
    fire_channels: int = Field(ge=1, le=1_000)
    reload_s: Positive
    reaction_time_s: NonNegative = Field(5.0, description="From assignment to first launch.")
    salvo_size: int | None = Field(None, ge=1, le=8, description="Overrides doctrine.salvo_size.")


class Waypoint(StrictModel):
    lat_deg: Latitude
    lon_deg: Longitude
    altitude_m: Height
    speed_mps: Positive | None = Field(None, description="Speed on the leg that starts here.")


class GeoPoint(StrictModel):
    lat_deg: Latitude
    lon_deg: Longitude
    altitude_m: Height = 0.0


class ThreatGroup(Catalogued):
    """A group of identical threats launched one after another along one path.

    Waypoint kinds (aircraft, cruise missile, drone, target drone) fly ``route`` at
    ``speed_mps`` (or per-leg speeds); a ballistic missile flies from ``launch`` to
    ``impact`` (default: its target asset) with either ``apogee_km`` or ``launch_angle_deg``.
    """

    kind: ThreatKind
    count: int = Field(1, ge=1, le=100_000)
    start_s: NonNegative = 0.0
    spacing_s: NonNegative = Field(0.0, description="Time between successive launches.")
    lanes: int = Field(
        1, ge=1, le=1_000,
        description="Parallel lanes the group spreads over; with a target the lanes start "
        "apart and converge on it, without one they stay parallel to the end.",
    )
    lane_spacing_m: NonNegative = 0.0
    rcs_m2: Positive
    unit_cost_usd: NonNegative = 0.0
    target: Name | None = None
    weapon_range_km: NonNegative = Field(
        0.0, description="Stand-off weapon range: the route end must be within it of the target."
    )
    speed_mps: Positive | None = None
    route: list[Waypoint] | None = None
    launch: GeoPoint | None = None
    impact: GeoPoint | None = None
    apogee_km: Positive | None = None
    launch_angle_deg: float | None = Field(None, gt=0.0, lt=90.0, allow_inf_nan=False)
    recording: str | None = Field(
        None, description="A recorded trajectory file (CSV, Parquet, JSON; OpenSky / traffic "
        "layout), relative to the scenario file: one threat per aircraft flying its real "
        "path, from start_s + its first report (see iadsim.threats.recording).")
    icao24: list[str] | None = Field(
        None, description="With a recording: only these aircraft (hex addresses).")

    @model_validator(mode="after")
    def _trajectory_fields(self) -> ThreatGroup:
        if self.recording is not None:
            if self.kind == "ballistic_missile":
                raise ValueError("a recording is for waypoint kinds, not ballistic_missile")
            for name, default in (("route", None), ("speed_mps", None), ("count", 1),
                                  ("spacing_s", 0.0), ("lanes", 1)):
                if getattr(self, name) != default:
                    raise ValueError(f"{name} is not used with a recording (one threat per "
                                     "recorded aircraft, on its recorded path)")
            return self
        if self.icao24 is not None:
            raise ValueError("icao24 selects aircraft of a recording; give recording too")
        if self.kind == "ballistic_missile":
            if self.route is not None:
                raise ValueError("a ballistic_missile takes launch/impact, not route")
            if self.launch is None:
                raise ValueError("a ballistic_missile needs launch (lat_deg, lon_deg)")
            if self.impact is None and self.target is None:
                raise ValueError("a ballistic_missile needs impact or target")
            if (self.apogee_km is None) == (self.launch_angle_deg is None):
                raise ValueError("a ballistic_missile needs exactly one of apogee_km or "
                                 "launch_angle_deg")
        else:
            for field in ("launch", "impact", "apogee_km", "launch_angle_deg"):
                if getattr(self, field) is not None:
                    raise ValueError(f"{field} is only for ballistic_missile, not {self.kind}")
            if self.route is None or len(self.route) < 2:
                raise ValueError(f"a {self.kind} needs a route of at least 2 waypoints")
            if self.speed_mps is None and any(p.speed_mps is None for p in self.route[:-1]):
                raise ValueError("give speed_mps, or speed_mps on every waypoint but the last")
        return self


class Doctrine(StrictModel):
    """How the battle manager fights: salvo size, firing policy, priorities."""

    salvo_size: int = Field(1, ge=1, le=8)
    firing_policy: Literal["shoot_look_shoot", "shoot_shoot"] = "shoot_look_shoot"
    priority: Literal["time_to_go", "asset_value"] = "time_to_go"
    battery_preference: Literal["earliest_intercept", "cheapest_round", "cheapest_in_time"] = Field(
        "earliest_intercept",
        description="earliest_intercept: the battery that intercepts soonest; cheapest_round: "
        "the cheapest battery able to fire now; cheapest_in_time: hold fire for the cheapest "
        "battery that can still intercept before the threat arrives (layered defense).")
    cycle_s: Positive = 2.0
    salvo_interval_s: NonNegative = 2.0
    kill_assessment_delay_s: NonNegative = 5.0
    threat_corridor_m: NonNegative = Field(
        5_000.0, description="A track threatens an asset when it passes within its radius + this."
    )
    fire_control_track_age_s: Positive = Field(
        12.0, description="A battery fires only on tracks one of its radars updated this recently."
    )


class Tracking(StrictModel):
    """Central tracker settings: gating, confirmation, deletion, motion model."""

    gate_probability: Probability = 0.9999
    confirm_hits: int = Field(3, ge=1, le=100)
    tentative_timeout_s: Positive = 30.0
    coast_timeout_s: Positive = 30.0
    process_noise_mps2: Positive = Field(
        30.0, description="Acceleration noise level sigma_a of the constant-velocity filter "
        "(continuous white noise of power spectral density sigma_a^2 x 1 s).")
    initial_speed_sigma_mps: Positive = 1_000.0


class Scenario(StrictModel):
    """A whole scenario: where, how long, what is defended, by what, against what."""

    name: Name
    description: str = ""
    origin: Origin
    sim: SimSettings
    defended_assets: list[DefendedAsset] = Field(default_factory=list)
    sensors: list[Radar] = Field(default_factory=list)
    interceptors: list[InterceptorType] = Field(default_factory=list)
    batteries: list[Battery] = Field(default_factory=list)
    threats: list[ThreatGroup] = Field(default_factory=list)
    doctrine: Doctrine = Field(default_factory=Doctrine)
    tracking: Tracking = Field(default_factory=Tracking)
