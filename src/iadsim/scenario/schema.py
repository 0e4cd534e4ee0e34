"""The scenario file's schema: frozen pydantic v2 models, one per section.

Every field in a unit other than SI says so in its name (``max_range_km``, ``azimuth_sigma_deg``);
the stages convert once, when they are built from a validated :class:`Scenario`.

Heights and altitudes are metres above the local ground, which is taken as flat at
``origin.ground_elevation_m`` above the WGS84 ellipsoid. With ``terrain`` (a DEM), radars
stand on the DEM and are masked by it, as are seekers, fire-control directors, jammers and
surface clutter; threats fly at their altitudes above that flat ground and end where their
planned path enters the DEM's ground (``sim.threat_ground``), unless their group is
``terrain_following``: then the route's altitudes are clearances above the DEM, flown within
a climb and dive rate and a pull-up limit.
Cross-references between sections (a battery naming a radar) are checked in
:mod:`iadsim.scenario.references`, where the error can name the exact field.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from iadsim.scenario.bounds import field_bound_message
from iadsim.scenario.campaign_schema import Campaign
from iadsim.scenario.radar_environment_schema import (
    AspectRcs,
    NoiseJammer,
    Receiver,
    StandOffJammer,
    Surface,
)

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

    @field_validator("*", mode="after")
    @classmethod
    def _within_bounds(cls, value: object, info: ValidationInfo) -> object:
        """Physical and practical bounds with their reasons (:mod:`iadsim.scenario.bounds`)."""
        message = field_bound_message(cls, info.field_name or "", value)
        if message is not None:
            raise ValueError(message)
        return value


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
    radar_look_times: Literal["step", "scheduled"] = Field(
        "scheduled", description="When radars look: 'scheduled' (default) at each radar's "
        "own revisit times inside a step, the targets moved to the look time (reports carry "
        "it); 'step' at the end of the step the look falls in (snapped to the step: about "
        "0.95 times the CPU of layered-defense, benchmarks/look_times_cost.py).")
    interceptor_ground: Literal["terrain", "earth", "none"] = Field(
        "terrain", description="Where interceptor rounds end in the ground (a ground_impact "
        "event and a miss of the threat they were guided at): 'terrain' (default) over the "
        "scenario's DEM when it has one (the flat ground around it included), else nowhere; "
        "'earth' also over the smooth earth at origin.ground_elevation_m without a DEM; "
        "'none' never (rounds fly through the ground).")
    interceptor_clearance_m: float = Field(
        0.0, ge=0.0, le=1_000.0, allow_inf_nan=False,
        description="Midcourse guidance keeps the round's path ahead at least this far (m) "
        "above the ground where rounds end in it (sim.interceptor_ground), and its "
        "predicted intercept point too, by a look-ahead pull-up "
        "(iadsim.effectors.midcourse_clearance): a round at a low target far out no "
        "longer grazes the earth or a hill on its chord. 0 (default): off.")
    threat_ground: Literal["terrain", "none"] = Field(
        "terrain", description="Where threats that do not follow the terrain end in the ground, "
        "with a scenario DEM: 'terrain' where their planned path first enters the DEM's "
        "ground (default: fate crashed, a ground_impact event; ballistic missiles launch from "
        "and land on the DEM's ground; iadsim.threats.ground_crossing); 'none' nowhere: "
        "they fly through hills at their altitudes over the flat ground. Terrain-following "
        "threats crash where they cannot climb over the ground either way.")
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
    swerling: int = Field(
        1, ge=0, le=4, description="Swerling case of the targets' RCS fluctuation as this "
        "radar sees them (0 steady, 1/3 scan to scan, 2/4 pulse to pulse), drawn per look.")
    pulses_per_dwell: int = Field(
        1, ge=1, le=1_000, description="Pulses integrated non-coherently per look; the "
        "reference point and the Pd both assume this number.")
    range_sigma_m: Positive = Field(
        50.0, description="Range error (1 sigma); with range_resolution_m, its floor at high SNR.")
    azimuth_sigma_deg: Positive = Field(
        0.2, description="Azimuth error (1 sigma); with azimuth_beamwidth_deg, its floor.")
    elevation_sigma_deg: Positive = Field(
        0.3, description="Elevation error (1 sigma); with elevation_beamwidth_deg, its floor.")
    range_resolution_m: Positive | None = Field(
        None, description="Range cell (m). With the beamwidths it makes the errors follow "
        "SNR and sets the number of resolution cells of the surveillance volume.")
    azimuth_beamwidth_deg: Positive | None = Field(None, description="3 dB beamwidth (deg).")
    elevation_beamwidth_deg: Positive | None = Field(None, description="3 dB beamwidth (deg).")
    sector_center_deg: float = Field(
        0.0, ge=0.0, lt=360.0, allow_inf_nan=False,
        description="Centre of the azimuth sector covered, clockwise from north.")
    sector_width_deg: float = Field(
        360.0, gt=0.0, le=360.0, allow_inf_nan=False,
        description="Width of the azimuth sector covered (360 = all round).")
    max_altitude_m: Positive = Field(
        30_000.0, description="Ceiling of the surveillance volume: no plot above it.")
    resolution_cells: NonNegative | None = Field(
        None, description="Cells tested per scan (false alarms per scan = pfa x cells). By "
        "default counted from the surveillance volume when range_resolution_m and both "
        "beamwidths are given, else 1e5."
    )
    latency_s: NonNegative = Field(0.5, description="Delay from scan to the battle manager.")
    outages: list[Outage] = Field(default_factory=list)
    surface: Surface | None = Field(
        None, description="The surface this radar looks over (clutter); default: the "
        "scenario's surface.")
    clutter_improvement_db: NonNegative = Field(
        0.0, le=80.0, description="MTI / pulse-Doppler clutter improvement factor (dB): "
        "residual clutter is the clutter over this.")
    sidelobe_level_db: float = Field(
        -30.0, ge=-60.0, le=-10.0, allow_inf_nan=False,
        description="One-way sidelobe level below the mainbeam peak (dB): the gain toward a "
        "stand-off jammer off the mainbeam and the clutter floor.")
    receiver: Receiver | None = Field(
        None, description="Receive side for jamming of a radar set by a reference point.")
    range_rate_sigma_mps: Positive | None = Field(
        None, description="Measure range rate (Doppler) with this 1-sigma error; default: "
        "no range rate in the reports.")
    range_bias_m: float = Field(
        0.0, ge=-10_000.0, le=10_000.0, allow_inf_nan=False,
        description="True systematic range error added to every plot of this radar (a "
        "registration error, for studies and tests of tracking.bias_estimation).")
    azimuth_bias_deg: float = Field(
        0.0, ge=-10.0, le=10.0, allow_inf_nan=False,
        description="True systematic azimuth error (clockwise) added to every plot.")
    elevation_bias_deg: float = Field(
        0.0, ge=-10.0, le=10.0, allow_inf_nan=False,
        description="True systematic elevation error added to every plot.")
    track_capacity: int | None = Field(
        None, ge=1, le=10_000, description="Fire-control (engagement) role: the tracks it can "
        "hold for fire control at once, each target under engagement plus each round in "
        "flight it guides (interceptor types with guidance_uplink). A missile battery with "
        "such a radar among its radars engages only targets inside its coverage (now and at "
        "the intercept point) while it has free slots (c2/fire_control_radars.py); its "
        "revisit_s is then the engaged track's update interval. None: surveillance only.")

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
        beam = (self.range_resolution_m, self.azimuth_beamwidth_deg, self.elevation_beamwidth_deg)
        if any(value is None for value in beam) and any(value is not None for value in beam):
            raise ValueError("give all three of range_resolution_m, azimuth_beamwidth_deg and "
                             "elevation_beamwidth_deg, or none")
        if self.receiver is not None and self.radar_equation is not None:
            raise ValueError("receiver is for a radar set by a reference point; a "
                             "radar_equation radar's receive side is in radar_equation")
        if self.ref_range_km is not None and self.ref_pd <= self.pfa:
            raise ValueError(f"ref_pd must exceed pfa (got ref_pd={self.ref_pd}, pfa={self.pfa})")
        return self


class ThreatKindValues(StrictModel):
    """One value per threat kind (the kinds of :data:`THREAT_KINDS`, in that order): the
    base of the per-kind tables :class:`PkByThreatKind`, :class:`KillFluence` and
    :class:`DefeatRate`. Each names the kinds again for its own default (pydantic takes a
    default from the field's declaration); a test checks they all have exactly the kinds."""

    aircraft: NonNegative
    cruise_missile: NonNegative
    drone: NonNegative
    ballistic_missile: NonNegative
    target_drone: NonNegative


#: A single-shot Pk in (0, 1], or None (the interceptor's ``single_shot_pk``).
KindPk = Annotated[float | None, Field(gt=0.0, le=1.0, allow_inf_nan=False)]


class PkByThreatKind(ThreatKindValues):
    """Single-shot Pk of an interceptor against each threat kind where it differs from its
    ``single_shot_pk`` (unset kinds keep that). The warhead and fuze of a round suit some
    targets better than others: a fragmentation warhead tuned for aircraft is less sure of a
    hard re-entry vehicle; a 35 mm shell of a cruise missile than of a drone."""

    aircraft: KindPk = None
    cruise_missile: KindPk = None
    drone: KindPk = None
    ballistic_missile: KindPk = None
    target_drone: KindPk = None


class KillFluence(ThreatKindValues):
    """Laser: incident fluence (J/cm^2, averaged over the kill spot) that kills a threat of
    each kind; notional round values (the hardness, absorptance included)."""

    aircraft: NonNegative = 10_000.0
    cruise_missile: NonNegative = 5_000.0
    drone: NonNegative = 1_500.0
    ballistic_missile: NonNegative = 50_000.0
    target_drone: NonNegative = 3_000.0


class DefeatRate(ThreatKindValues):
    """Jammer: rate (per second of jamming) at which a threat of each kind in the beam is
    defeated (its control or navigation link lost); 0 = immune. Notional."""

    aircraft: NonNegative = 0.0
    cruise_missile: NonNegative = 0.0
    drone: NonNegative = 0.05
    ballistic_missile: NonNegative = 0.0
    target_drone: NonNegative = 0.02


class Weather(StrictModel):
    """The weather the effectors fight in (today: the optical visibility lasers see)."""

    visibility_km: Positive = Field(
        23.0, description="Meteorological optical range (2 % contrast threshold at 550 nm); "
        "23 km is a clear day, 5 km haze, under 1 km fog. Sets the laser's Beer-Lambert "
        "extinction (effectors/directed_energy.py).")


class TerrainSettings(StrictModel):
    """A digital elevation model that masks radars, seekers, fire-control directors, jammers
    and clutter, and that terrain-following threats fly over (iadsim.world.terrain)."""

    dem_file: str = Field(
        min_length=1, max_length=4096,
        description="GeoTIFF DEM on a geographic latitude-longitude grid (EPSG:4326), "
        "relative to the scenario file or absolute; read with rasterio (the terrain extra). "
        "Radars stand on it (antenna at the DEM's elevation + height_m) and are masked by "
        "it along the 4/3-earth ray, as are seekers, gun directors, jammers and clutter; "
        "outside it the ground is origin.ground_elevation_m.")


class InterceptorType(Catalogued):
    """An interceptor missile, a gun burst, a laser or a jammer: envelope, flyout or dwell,
    lethality and cost.

    A ``laser`` or ``jammer`` does not fly: a shot is a dwell on a track of up to
    ``max_dwell_s`` (:mod:`iadsim.effectors.beam_weapons`); ``speed_mps`` and the flight
    fields are not used, the envelope is ``min/max_range_km`` and ``min/max_altitude_m``.
    """

    kind: Literal["missile", "gun", "laser", "jammer"] = "missile"
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
    single_shot_pk_by_threat_kind: PkByThreatKind = Field(
        default_factory=PkByThreatKind,
        description="single_shot_pk against particular threat kinds (unset: single_shot_pk); "
        "the lethality function keeps its lethal_radius_m.")
    seeker_range_km: NonNegative = Field(
        0.0, description="Seeker acquisition range for a target of seeker_reference_rcs_m2 "
        "(probability 0.5 per look; detection falls as RCS / range^4, none beyond twice it); "
        "0 = no seeker, command guidance on the track to the end. Not used by guns."
    )
    aim_error_m: NonNegative = Field(
        0.0, description="Fuze and warhead aiming error added to the flown closest approach, "
        "1 sigma per axis (m)."
    )
    max_flight_time_s: Positive | None = None
    cost_per_round_usd: NonNegative = 0.0
    guidance_uplink: bool = Field(
        True, description="Missile: guided by its battery's fire-control radar from launch "
        "until it resolves (midcourse uplink, illumination or track-via-missile), so each "
        "round in flight takes one of that radar's track slots; false for a round that "
        "needs nothing from the radar once launched. Guns, lasers and jammers take none.")
    # Flight model (effectors/flight.py): point mass with a boost-sustain-coast motor.
    launch_mass_kg: Positive = Field(
        100.0, description="Mass at launch (kg); for a gun, the mass of one projectile.")
    reference_area_m2: Positive = Field(
        0.02, description="Drag reference area (m^2), usually the body cross-section.")
    drag_coefficient: Positive = Field(
        0.3, description="Zero-lift drag coefficient at Mach 2; the built-in Mach table "
        "(effectors/flight.py) scales it across Mach numbers.")
    boost_time_s: NonNegative = Field(3.0, description="Burn time of the boost phase (s).")
    boost_thrust_n: NonNegative | None = Field(
        None, description="Boost thrust (N); by default sized so that the burnout speed is "
        "about 1.6 x speed_mps (specific impulse 250 s).")
    sustain_time_s: NonNegative = Field(0.0, description="Burn time of the sustain phase (s).")
    sustain_thrust_n: NonNegative = Field(0.0, description="Sustain thrust (N).")
    propellant_mass_kg: NonNegative | None = Field(
        None, description="Propellant burnt over boost and sustain (kg), at a rate "
        "proportional to thrust; by default from the boost thrust at 250 s specific impulse.")
    launch_speed_mps: NonNegative = Field(
        30.0, description="Speed leaving the launcher (missile); a gun uses muzzle_velocity_mps.")
    max_lateral_acceleration_g: Positive = Field(
        30.0, description="Lateral acceleration limit (g, 9.80665 m/s^2).")
    min_speed_mps: NonNegative = Field(
        150.0, description="After burnout, a round slower than this self-destructs.")
    navigation_ratio: float = Field(
        4.0, ge=3.0, le=5.0, allow_inf_nan=False,
        description="Proportional navigation constant N (terminal and midcourse).")
    guidance_time_constant_s: Positive = Field(
        0.2, description="Time constant of the first-order filter on the seeker's "
        "line-of-sight rate (s).")
    midcourse_loft_deg: float = Field(
        0.0, ge=0.0, le=60.0, allow_inf_nan=False,
        description="Midcourse loft: the command-guidance aim point is raised by "
        "tan(loft) x the horizontal distance still to fly beyond the terminal phase (the "
        "seeker's maximum range, at least 10 km): thinner air at long range.")
    seeker_field_of_view_deg: float = Field(
        30.0, gt=0.0, le=90.0, allow_inf_nan=False,
        description="Seeker field-of-view half-angle around its boresight, which the "
        "command link points at the track's predicted target position (deg).")
    seeker_reference_rcs_m2: Positive = Field(
        1.0, description="RCS for which seeker_range_km is the acquisition range "
        "(probability 0.5 per look, Swerling 1).")
    seeker_angle_noise_deg: NonNegative = Field(
        0.05, description="1-sigma noise of the seeker's line-of-sight angle per look (deg).")
    lethality_model: Literal["cookie_cutter", "carleton"] = Field(
        "cookie_cutter", description="Kill probability vs miss distance: cookie_cutter "
        "(single_shot_pk within lethal_radius_m) or carleton (single_shot_pk x "
        "exp(-miss^2 / lethal_radius_m^2), same lethal area); effectors/lethality.py.")
    muzzle_velocity_mps: Positive = Field(1_050.0, description="Gun: muzzle velocity (m/s).")
    rate_of_fire_rpm: Positive = Field(1_100.0, description="Gun: shells per minute.")
    shells_per_burst: int = Field(25, ge=1, le=1_000, description="Gun: shells per burst.")
    dispersion_mrad: NonNegative = Field(
        1.0, description="Gun: 1-sigma angular dispersion of the shells per axis (mrad); "
        "for a gun lethal_radius_m and single_shot_pk are those of one shell.")
    max_dwell_s: Positive = Field(
        10.0, description="Laser or jammer: longest dwell of one shot on a track (s).")
    laser_power_kw: Positive = Field(50.0, description="Laser: output power (kW).")
    wavelength_um: Positive = Field(1.07, description="Laser: wavelength (micrometres).")
    beam_director_aperture_m: Positive = Field(
        0.3, description="Laser: beam director aperture diameter (m); the beam's waist "
        "radius is half of it.")
    beam_quality: float = Field(
        2.0, ge=1.0, le=100.0, allow_inf_nan=False,
        description="Laser: beam quality factor M^2 (1 = diffraction-limited Gaussian).")
    pointing_jitter_urad: NonNegative = Field(
        5.0, description="Laser: 1-sigma pointing jitter per axis of the beam on the fine "
        "track (microradians), which spreads the time-averaged spot.")
    fine_track_field_of_view_mrad: Positive = Field(
        10.0, description="Laser: half-angle of the fine tracker's field of view around "
        "the radar cue (mrad); it locks the object nearest the cue inside it.")
    kill_spot_radius_cm: Positive = Field(
        5.0, description="Laser: radius of the area that must receive the kill fluence (cm).")
    kill_fluence_j_cm2: KillFluence = Field(default_factory=KillFluence)
    jam_beamwidth_deg: float = Field(
        30.0, gt=0.0, le=360.0, allow_inf_nan=False,
        description="Jammer: full width of the jamming beam (deg); 360 = omnidirectional.")
    defeat_rate_per_s: DefeatRate = Field(default_factory=DefeatRate)
    fall_fraction: float = Field(
        0.5, ge=0.0, le=1.0, allow_inf_nan=False,
        description="Jammer: share of defeated threats that fall; the others fly off.")
    flyoff_distance_km: Positive = Field(
        20.0, description="Jammer: a defeated threat that flies off goes this far on its new "
        "heading, then its route ends (it withdraws).")

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


class FireControl(StrictModel):
    """A battery's own fire-control sensor (a gun's tracking radar or electro-optical
    director): one per fire channel, slewed to the engaged track of the picture, it locks
    the return nearest the cue and tracks it alone, at its own rate and accuracy; the
    battery aims from its filtered track, not from the common picture."""

    range_sigma_m: Positive = Field(description="1-sigma range noise of one measurement (m).")
    angle_sigma_mrad: Positive = Field(
        description="1-sigma noise of one measurement in azimuth and in elevation (mrad).")
    update_rate_hz: float = Field(gt=0.0, le=100.0, allow_inf_nan=False,
                                  description="Measurements per second while locked.")
    max_range_km: Positive = Field(description="Tracking range: no lock or track beyond it.")
    acquisition_gate_m: Positive = Field(
        150.0, description="Only a return within this distance of the cued position is "
        "locked (the nearest to it).")
    process_noise_mps2: NonNegative = Field(
        2.0, description="White-acceleration sigma of the director's constant-velocity "
        "filter (m/s^2): the target manoeuvre it expects.")


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
    link_latency_s: NonNegative = Field(
        0.0, description="Delay of the battle manager's orders over the battery's link; added "
        "to the reaction time while the battery is commanded over the network.")
    salvo_size: int | None = Field(None, ge=1, le=8, description="Overrides doctrine.salvo_size.")
    fire_control: FireControl | None = Field(
        None, description="The battery's own fire-control sensor, one per fire channel "
        "(guns); without it the battery aims from the common track picture.")


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
    ``speed_mps`` (or per-leg speeds), turning at ``max_turn_rate_deg_s`` at corners, with
    an optional terminal pop-up or weave; a ballistic missile flies from ``launch`` to
    ``impact`` (default: its target asset) with either ``apogee_km`` or ``launch_angle_deg``,
    boosting for ``burn_time_s`` and braking in the air by its ``ballistic_coefficient_kg_m2``
    (see :mod:`iadsim.threats.ballistic_flight` and :mod:`iadsim.threats.route_shaping`).
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
    rcs_by_aspect: AspectRcs | None = Field(
        None, description="RCS by aspect (nose, side, tail) as the radars see it; default: "
        "rcs_m2 from every side.")
    jammer: NoiseJammer | None = Field(
        None, description="A self-screening noise jammer carried by every threat of the "
        "group, on while it flies.")
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
    burn_time_s: Positive | None = Field(
        None, description="Ballistic missile boost duration (default 60 s).")
    ballistic_coefficient_kg_m2: Positive | None = Field(
        None, description="Ballistic missile m / (C_D A) for drag (default 10,000 kg/m^2).")
    max_turn_rate_deg_s: Positive | None = Field(
        None, description="Waypoint threats: largest turn rate at a corner (default per kind, "
        "iadsim.threats.raid.DEFAULT_TURN_RATE_DEG_S).")
    terminal_manoeuvre: Literal["none", "popup", "weave"] = Field(
        "none", description="Waypoint threats: pop-up (climb then dive) or weave over the "
        "last terminal_range_km.")
    terminal_range_km: Positive | None = None
    popup_altitude_m: Height | None = Field(
        None, description="Height above ground at the top of the pop-up.")
    weave_amplitude_m: Positive | None = None
    weave_period_s: Positive | None = None
    terrain_following: bool = Field(
        False, description="Waypoint threats, with a scenario DEM (terrain): the route's "
        "altitude_m (and popup_altitude_m) are clearances above the DEM's ground, flown "
        "within max_climb_rate_mps up and down (iadsim.threats.terrain_following). Without "
        "a DEM the altitudes stay above the flat ground, as without this field.")
    max_climb_rate_mps: Positive | None = Field(
        None, description="Terrain following: largest climb and dive rate (m/s; default per "
        "kind, iadsim.threats.terrain_following.DEFAULT_CLIMB_RATE_MPS).")
    max_pull_up_g: float | None = Field(
        None, gt=1.0, le=20.0, allow_inf_nan=False,
        description="Terrain following: largest load factor (g) of the pull-up from level "
        "flight at launch: the climb follows a circle of radius v^2 / (g (n - 1)) until it "
        "reaches max_climb_rate_mps, so a threat launched too near a rise flies into it "
        "default: the kind's notional figure, "
        "iadsim.threats.terrain_following.DEFAULT_PULL_UP_G).")
    recording: str | None = Field(
        None, description="A recorded trajectory file (CSV, Parquet, JSON; OpenSky / traffic "
        "layout), relative to the scenario file: one threat per aircraft flying its real "
        "path, from start_s + its first report (see iadsim.threats.recording).")
    icao24: list[str] | None = Field(
        None, description="With a recording: only these aircraft (hex addresses).")

    @model_validator(mode="after")
    def _trajectory_fields(self) -> ThreatGroup:
        for name in ("max_climb_rate_mps", "max_pull_up_g"):
            if getattr(self, name) is not None and not self.terrain_following:
                raise ValueError(f"{name} applies to terrain_following: true only")
        if self.terrain_following and (self.kind == "ballistic_missile"
                                       or self.recording is not None):
            raise ValueError("terrain_following is for waypoint threats flying a route, not "
                             + ("a recording" if self.recording is not None
                                else "ballistic_missile"))
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
            if self.terminal_manoeuvre != "none" or self.max_turn_rate_deg_s is not None:
                raise ValueError("max_turn_rate_deg_s and terminal_manoeuvre are for waypoint "
                                 "threats, not ballistic_missile")
        else:
            for field in ("launch", "impact", "apogee_km", "launch_angle_deg", "burn_time_s",
                          "ballistic_coefficient_kg_m2"):
                if getattr(self, field) is not None:
                    raise ValueError(f"{field} is only for ballistic_missile, not {self.kind}")
            needed = {"popup": ("terminal_range_km", "popup_altitude_m"),
                      "weave": ("terminal_range_km", "weave_amplitude_m", "weave_period_s"),
                      "none": ()}[self.terminal_manoeuvre]
            for field in needed:
                if getattr(self, field) is None:
                    raise ValueError(f"terminal_manoeuvre {self.terminal_manoeuvre} needs "
                                     f"{field}")
            for field in ("terminal_range_km", "popup_altitude_m", "weave_amplitude_m",
                          "weave_period_s"):
                if field not in needed and getattr(self, field) is not None:
                    raise ValueError(f"{field} does not apply to terminal_manoeuvre "
                                     f"{self.terminal_manoeuvre}")
            if self.route is None or len(self.route) < 2:
                raise ValueError(f"a {self.kind} needs a route of at least 2 waypoints")
            if self.speed_mps is None and any(p.speed_mps is None for p in self.route[:-1]):
                raise ValueError("give speed_mps, or speed_mps on every waypoint but the last")
        return self


class ThreatWorth(StrictModel):
    """What the defender would pay to kill one threat of each kinematic class (USD).

    Used by the cost rule only: a battery hands a track over to cheaper layers only when
    its salvo costs more than the worth of the track's class. Notional round values.
    """

    ballistic_missile: NonNegative = 5_000_000.0
    aircraft: NonNegative = 40_000_000.0
    cruise_missile: NonNegative = 1_500_000.0
    drone: NonNegative = 50_000.0


class Doctrine(StrictModel):
    """How the battle manager fights: salvo size, firing policy, priorities."""

    salvo_size: int = Field(1, ge=1, le=8)
    firing_policy: Literal["shoot_look_shoot", "shoot_shoot"] = "shoot_look_shoot"
    priority: Literal["time_to_go", "asset_value"] = "time_to_go"
    battery_preference: Literal["earliest_intercept", "cheapest_round", "cheapest_in_time"] = Field(
        "earliest_intercept",
        description="Which batteries may compete for a track in each cycle's weapon-target "
        "assignment. earliest_intercept: every battery that can engage it now (the outer "
        "layer, which can first, engages first); cheapest_round: not a battery while a "
        "cheaper one with channels to spare can engage it now; cheapest_in_time (layered "
        "defense): not a battery whose salvo costs more than the track's threat_worth_usd "
        "while cheaper layers, counting their free fire channels, are expected to kill it "
        "before it arrives with probability >= handover_kill_probability.")
    handover_kill_probability: float = Field(
        0.9, gt=0.0, le=1.0, allow_inf_nan=False,
        description="cheapest_in_time: the kill probability the cheaper layers must be "
        "expected to reach in time for a costlier battery to hold fire.")
    threat_worth_usd: ThreatWorth = Field(default_factory=ThreatWorth)
    magazine_reserve_fraction: float = Field(
        0.0, ge=0.0, lt=1.0, allow_inf_nan=False,
        description="A battery whose rounds left (ready, reloading and in reserve, not yet "
        "promised) fall to this fraction of its initial load or below keeps them for threats "
        "still to come: it fires only at tracks no other battery can engage now or later. "
        "0 = never.")
    cycle_s: Positive = 2.0
    salvo_interval_s: NonNegative = 2.0
    kill_assessment_delay_s: NonNegative = 5.0
    threat_corridor_m: NonNegative = Field(
        5_000.0, description="A track threatens an asset when it passes within its radius + this."
    )
    fire_control_track_age_s: Positive = Field(
        12.0, description="A battery fires only on tracks one of its radars updated this recently."
    )
    kill_assessment_looks: int = Field(
        2, ge=0, le=20, description="Kill assessment waits at least this many revisits (plus "
        "report latency) of the fastest radar that held the track after the last round.")
    kill_assessment_cue: Literal["velocity_change", "speed_or_fall"] = Field(
        "velocity_change", description="The kinematic cue by which kill assessment reads an "
        "updated track as killed (iadsim.c2.kill_assessment). velocity_change: its velocity "
        "vector changed by more than half its speed since the last launch (a live target's "
        "60-degree turn trips it). speed_or_fall: it slowed below 60 % of its speed or its "
        "descent rate grew beyond its picture class's bound (a turn at constant speed and "
        "height reads as alive; a ballistic track only by loss of track). Notional "
        "thresholds.")
    beam_dwell_before_arrival: bool = Field(
        True, description="A laser's or jammer's predicted Pk of a dwell on a track counts "
        "only the dwell time before the track's predicted arrival at its asset (the "
        "picture's time to go, less the reaction time): a laser is not given a track that "
        "arrives before its dwell kills, a jammer's chance shrinks with the time left "
        "(1 - exp(-rate t)). False (the default before): every dwell is predicted whole "
        "(max_dwell_s).")
    jammer_dwell_release: bool = Field(
        True, description="A jamming dwell ends, and frees its fire channel, at the first "
        "cycle whose picture no longer holds its track (dropped: deleted or judged killed) "
        "or shows it past the asset it threatened at assignment (moving away from it: its "
        "predicted arrival is behind it, as after a leak or a turn away). The jammer points "
        "at the picture, so a dwell the picture says can no longer help is released "
        "instead of held to max_dwell_s. False (the default before): every jamming dwell "
        "runs its max_dwell_s.")
    false_kill_probability: float = Field(
        0.02, ge=0.0, le=1.0, allow_inf_nan=False,
        description="Probability that a live track is judged killed, divided by the number of "
        "radars still updating it (the track is dropped and not engaged again).")
    missed_kill_probability: float = Field(
        0.05, ge=0.0, le=1.0, allow_inf_nan=False,
        description="Probability that a killed target is judged alive, divided by the number "
        "of radars that held it (its coasting track may draw another round).")
    launch_on_remote: bool = Field(
        False, description="A missile battery may engage on the fused track from any radar "
        "linked to the battle manager, not only its own radars (guns always need their own).")


class Fault(StrictModel):
    """A scenario-driven failure: a radar stops scanning, or a link to the battle manager is
    cut, from ``start_s`` until ``end_s`` (or the end of the run).

    ``radar_down``: ``target`` names a radar; it neither scans nor reports.
    ``link_cut``: ``target`` names a radar (its reports no longer reach the battle manager;
    a battery it belongs to still sees them) or a battery (it no longer takes orders and
    falls back to autonomous defense on its own radars' reports).
    """

    kind: Literal["radar_down", "link_cut"]
    target: Name
    start_s: NonNegative
    end_s: Positive | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Fault:
        if self.end_s is not None and self.end_s <= self.start_s:
            raise ValueError(
                f"end_s must be greater than start_s (got start_s={self.start_s}, "
                f"end_s={self.end_s})"
            )
        return self


class Tracking(StrictModel):
    """Central tracker settings: gating, confirmation, deletion, motion model."""

    gate_probability: Probability = 0.9999
    association_cost: Literal["distance", "likelihood", "coasting_likelihood"] = Field(
        "coasting_likelihood", description="What the global-nearest-neighbour assignment maximizes "
        "over the gated (track, report) pairs: 'distance' (the gain G - d^2, G the "
        "chi-square gate, d^2 the squared Mahalanobis distance), 'likelihood' (the "
        "log-likelihood ratio of the pair against a missed track and a false alarm or "
        "new target, G_L - d^2 - ln|S|, G_L = 2 ln(P_D / ((1 - P_D) (1 + "
        "new_target_density_ratio) beta (2 pi)^(3/2))), beta the report's false-alarm "
        "density, P_D score_detection_probability; Blackman and Popoli 1999, sec. 6.5): "
        "the ln|S| term stops a coasting track's wide gate winning a neighbour's report; "
        "or 'coasting_likelihood' (G - d^2 - max(ln|S| - ln|S_ref|, 0), S_ref the "
        "track's innovation covariance had it been updated coast_free_revisits revisits "
        "ago: only the width gained by coasting past that is priced, so a coasting "
        "track's wide gate does not win a neighbour's report, and neighbours in a crowd "
        "that miss a detection are priced as by 'distance'; the default).")
    coast_free_revisits: float = Field(
        2.0, ge=1.0, le=100.0, allow_inf_nan=False,
        description="association_cost: coasting_likelihood: the "
        "revisits (of the radar that last updated a track) since its last update whose "
        "growth of the track's gate is not priced (2: one missed scan is free).")
    coast_speed_gate: bool = Field(
        True, description="A confirmed track classified a waypoint kind (aircraft, cruise "
        "missile, drone) that has coasted past coast_free_revisits revisits takes a report "
        "only if the speed the update gives it is within plausibility_speed_margin and "
        "plausibility_sigmas standard deviations (its velocity covariance along its "
        "velocity) of its speed at its last update: a "
        "coasting track's grown velocity covariance lets a clutter plot or a neighbour's "
        "report in its wide gate turn an airliner's track into one flying at 600-1,500 "
        "m/s, which runs away from its aircraft (iadsim.tracking.coast_gate). The default "
        "since session 11: split aircraft of the marginal-Pd hour 8 / 8 -> 5 / 5 of 30 "
        "(seeds 7 / 8, benchmarks/recorded_traffic.py), no false track.")
    empty_scans: bool = Field(
        False, description="Radars deliver every look to the tracker, also one that "
        "reported nothing (an end-of-scan message), and the tracker counts its misses. "
        "Without it a look with no report is not delivered, so a radar with no false "
        "alarms charges no miss when it misses its targets (a confirmed track it alone "
        "sees is then deleted only by max_position_sigma_m or coast_timeout_s stretched "
        "to its allowed run of revisits); every catalog radar has false alarms, and a look "
        "of one with several a scan is empty about once in a thousand.")
    confirm_hits: int = Field(
        4, ge=1, le=100, description="M of the M-of-N confirmation. 4 of 6 by default: with "
        "the radars' false alarms counted over their real surveillance volumes (3-7 a scan "
        "each) and step looks, 3 of 5 confirmed 103 false tracks in layered-defense (seed "
        "1), 4 of 6 five (benchmarks/false_tracks.py); over 30 minutes of the network's "
        "false alarms alone 4 of 6 confirms 6-9, none with the default score veto "
        "(confirmation: m_of_n_and_score; benchmarks/clutter_confirms.py).")
    confirm_window: int = Field(
        6, ge=1, le=100, description="N of the M-of-N confirmation: a tentative track is "
        "deleted once it has missed more than N - M of the scans that could see it.")
    one_plot_misses: int = Field(
        0, ge=0, le=10, description="Scans that could have seen a one-plot track and did "
        "not that it survives (its gate grows as max_target_speed_mps x the time since its "
        "plot). 0: its second plot must come in the next such scan.")
    tentative_timeout_s: Positive = 30.0
    coast_timeout_s: Positive = Field(
        30.0, description="A confirmed track not updated for this long is deleted (with "
        "deletion: misses, an outer bound, stretched to (deletion_misses + 1) revisits of "
        "the slowest radar that has reported it).")
    deletion: Literal["coast_timeout", "misses", "miss_probability"] = Field(
        "miss_probability", description="How a confirmed track is deleted besides "
        "max_position_sigma_m and kill assessment: 'coast_timeout' (not updated for "
        "coast_timeout_s) or 'misses' (by the evidence: once every radar that has reported "
        "it and holds it in its coverage has missed it deletion_misses scans in a row, and "
        "not before coast_timeout_s without an update; a track in no radar's coverage is "
        "deleted by max_position_sigma_m or by coast_timeout_s stretched to "
        "(deletion_misses + 1) revisits of the slowest radar that has reported it). 30 s "
        "is three scans of a 10 s radar, two once the third scan's report is in flight: "
        "at a Pd of 0.72 two misses in a row come every few minutes. 'misses' (the "
        "default before 'miss_probability'): at Pd 0.72 it split 18 of 30 aircraft "
        "where the timeout split 26 (benchmarks/recorded_traffic.py, seed 7), and "
        "layered-defense (seeds 1-4) kills, leaks and fires the same "
        "(benchmarks/deletion_outcomes.py). "
        "'miss_probability': as 'misses', but each radar's run of misses that deletes is "
        "the shortest whose probability under the track's own detection probability by "
        "that radar (deletion_detection_model: by default its hit ratio over its "
        "covered looks, with a prior; 'range': predicted at each missed look's range "
        "from the target's estimated strength) is at most "
        "deletion_probability: ceil(ln(deletion_probability) / ln(1 - P_D)) "
        "(iadsim.tracking.deletion). 'miss_probability' is the default since session 10 "
        "(with max_position_sigma_m 50 km): at Pd 0.72 it split 7 of 30 aircraft where "
        "'misses' split 18 (benchmarks/recorded_traffic.py, seeds 7 and 8); with the "
        "defaults of now (coasting_likelihood, coast_speed_gate) 5 of 30 on both seeds; "
        "layered-defense (seeds 1-4), attrition (seed 1) and the 1,000-threat raid (seeds "
        "1-2) kill, leak and fire the same, saturation (seeds 1-3) within one (233 kills "
        "against 234; benchmarks/README.md, session 10).")
    deletion_misses: int = Field(
        6, ge=1, le=100, description="deletion: misses: scans in a row in a radar's "
        "coverage with no report of a confirmed track, by every radar that has reported it "
        "and covers it, that delete it. A true track of Pd p is lost in a window of scans "
        "with probability (1 - p)^deletion_misses (0.28^6 = 5e-4 at p = 0.72); a "
        "vanished target's track lives deletion_misses revisits of the slowest such radar "
        "(at least coast_timeout_s).")
    deletion_probability: float = Field(
        1e-4, gt=0.0, lt=1.0, allow_inf_nan=False, description="deletion: "
        "miss_probability: a confirmed track is deleted once the probability that a live "
        "target of its estimated detection probability P_D gives its run of misses, (1 - "
        "P_D)^misses, is at most this, by every radar that has reported it and covers it "
        "(at 1e-4: 4 misses at P_D 0.9, 8 at 0.72, 14 at 0.5, 26 at 0.3); a live track is "
        "deleted in a given window of looks with at most this probability.")
    deletion_prior_detection_probability: float = Field(
        0.7, gt=0.0, lt=1.0, allow_inf_nan=False, description="deletion: "
        "miss_probability: the detection probability a confirmed track is credited with "
        "before its own looks (the mean of the estimate's beta prior).")
    deletion_prior_looks: float = Field(
        4.0, gt=0.0, le=1_000.0, allow_inf_nan=False, description="deletion: "
        "miss_probability: the weight of that prior, in looks.")
    deletion_memory_looks: float = Field(
        20.0, ge=1.0, le=100_000.0, allow_inf_nan=False, description="deletion: "
        "miss_probability: the detection probability is estimated over about this many of "
        "a radar's recent covered looks (each older look faded by 1 - 1 / this), so that "
        "it follows the target's range.")
    deletion_detection_model: Literal["hit_ratio", "range"] = Field(
        "hit_ratio", description="deletion: miss_probability: the P_D a run of misses is "
        "tested with. 'hit_ratio' (the default): the track's faded hit ratio by radar, "
        "over the ranges it was seen at (one allowed run, set at each report). 'range': "
        "predicted at each missed look's range from the target's strength "
        "(RCS-equivalent), estimated from the track's hits and misses under the radar's "
        "own design detection curve (its nominal SNR of 1 m^2 at 1 m, Pfa, Swerling "
        "case, pulses), and the run deleted once the probability of its misses under "
        "that estimate (with the strength known, the product of 1 - P_D(R) over the "
        "misses at their ranges) is at most deletion_probability "
        "(iadsim.tracking.deletion): a target receding from the radar is allowed the "
        "longer run its falling P_D gives. At Pd 0.72 (benchmarks/recorded_traffic.py, "
        "0.1 m^2, seeds 7-10) 'range' splits 14 of 120 aircraft where 'hit_ratio' splits "
        "20, no false track either way, and the built-in scenarios kill, leak and fire "
        "the same; not the default for its cost: the tracker's miss counting folds a "
        "71-strength likelihood at every report and miss of a confirmed track, about "
        "0.11 CPU s more a layered-defense replication (of about 0.57) and several times "
        "the tracker's CPU in saturation (benchmarks/README.md, session 12).")
    segment_association: bool = Field(
        False, description="Track segment association (Yeom, Kirubarajan and Bar-Shalom "
        "2004): keep each confirmed track deleted by its misses, the coast timeout or the "
        "covariance bound (not on a kill judgement) for segment_window_revisits; a track "
        "that confirms and continues one (the segment predicted to it, their state "
        "difference within the chi-square gate of segment_gate_probability, 6 degrees of "
        "freedom, assigned one to one) takes its number back (iadsim.tracking.segments).")
    segment_window_revisits: int = Field(
        10, ge=1, le=1_000, description="segment_association: revisits of the slowest radar "
        "that had reported a deleted track during which a new track may re-join it.")
    segment_gate_probability: Probability = Field(
        0.99, description="segment_association: probability of the chi-square gate on the "
        "state difference (6 degrees of freedom) of a new track and a deleted one.")
    segment_process_noise_mps2: Positive | None = Field(
        None, description="segment_association: acceleration noise level of a deleted "
        "track's constant-velocity prediction over the gap; default process_noise_mps2.")
    process_noise_mps2: Positive = Field(
        30.0, description="Acceleration noise level sigma_a of the constant-velocity filter "
        "(continuous white noise of power spectral density sigma_a^2 x 1 s).")
    max_target_speed_mps: Positive = Field(
        2_500.0, description="Fastest speed expected of the scenario's threat kinds: bounds "
        "the velocity prior of a new track and the gate of a one-plot track.")
    initial_speed_sigma_mps: Positive | None = Field(
        None, description="Velocity prior of a new track, 1 sigma per axis; default "
        "max_target_speed_mps / sqrt(3).")
    max_position_sigma_m: Positive = Field(
        50_000.0, description="A track whose predicted position sigma (square root of the "
        "trace of its position covariance) exceeds this is deleted. 50 km (10 km until "
        "h-splits) is about the sigma a 10 s radar's track reaches at the default "
        "process_noise_mps2 over the run of misses deletion: miss_probability allows at a "
        "Pd of 0.5 (14 scans, 140 s: 30 x 140^1.5 m): a tighter bound overrides the "
        "evidence (10 km is 3-4 misses; 30 km split 9 of 30 aircraft at Pd 0.72 where 50 "
        "km split 7, measured before coast_speed_gate, with which 50 km splits 5), a "
        "wider one only lets a vanished target's track coast longer.")
    merge_probability: Probability = Field(
        0.99, description="Two confirmed tracks whose state difference passes the "
        "chi-square test at this probability (6 degrees of freedom) ...")
    merge_checks: int = Field(
        3, ge=1, le=100, description="... at this many successive checks are merged.")
    merge_remembers_resolution: bool = Field(
        False, description="Two confirmed tracks seen resolved at a merge check (they took "
        "reports of one scan of one radar: two targets) stay unmerged while they remain in "
        "each other's merge position gate, also at checks after one of them missed a scan. "
        "Without it the evidence lasts only while their last reports by that radar are of "
        "one scan: two aircraft 120 m apart (2 cross-range sigmas) seen at Pd 0.6 were "
        "merged in 3 of 8 seeds (tests/tracking/test_duplicate_merging.py; h-dupes). Not "
        "the default: the recorded-traffic hour (no merge there), layered-defense, "
        "sinop-trial and attrition are identical with it, saturation (seeds 1-3) kills, "
        "leaks and fires the same with 1-2 fewer merges a run: not measured better.")
    ballistic_model: bool = Field(
        True, description="Predict the tracks classified as ballistic missiles under "
        "gravity (the ballistic model) instead of at constant velocity.")
    ballistic_model_confidence: Probability = Field(
        0.9, description="... when the classification's confidence is at least this.")
    ballistic_drag: bool = Field(
        False, description="With ballistic_model: add to gravity each track's re-entry drag "
        "-rho(h) |v| v / (2 beta), the ballistic coefficient beta estimated from the "
        "track's own deceleration (bounded to 500-100,000 kg/m^2; no drag until known), "
        "the U.S. Standard Atmosphere 1976 density (iadsim.tracking.drag).")
    motion_model: Literal["cv", "imm", "imm_for_manoeuvring"] = Field(
        "cv", description="Filter of the tracks not flown with the ballistic model: 'cv' "
        "(nearly constant velocity, process_noise_mps2), 'imm' (interacting multiple "
        "model, constant velocity + constant acceleration, for manoeuvring targets) for "
        "every confirmed track, or 'imm_for_manoeuvring': the IMM only for the confirmed "
        "tracks classified aircraft or cruise missile (kinematic classification), CV for "
        "the others (drones, ballistic missiles in boost).")
    imm_cv_noise_mps2: Positive = Field(
        5.0, description="IMM: acceleration noise level of its constant-velocity model.")
    imm_ca_noise_mps3: Positive = Field(
        20.0, description="IMM: jerk noise level of its constant-acceleration model.")
    imm_initial_acceleration_mps2: Positive = Field(
        30.0, description="IMM: 1-sigma acceleration per axis of the constant-acceleration "
        "model when a track enters the IMM.")
    imm_manoeuvre_reference_speed_mps: Positive | None = Field(
        None, description="IMM: the constant-acceleration model's jerk noise and initial "
        "acceleration are for a target at this speed or faster (a notional corner speed); "
        "a slower track's are scaled by the square of its speed over this (at least 0.01), "
        "since the lift a target can turn with grows as its speed squared (not a rocket's "
        "thrust: a ballistic missile's boost is slow and hard). None: no scaling.")
    imm_pricing: Literal["cv_model", "combined"] = Field(
        "cv_model", description="IMM: what a track's gated pairs are priced with in the "
        "assignment (its gate is its broadest model's): 'cv_model' (its constant-velocity "
        "model's prediction) or 'combined' (its moment-matched prediction).")
    imm_broad_gate_reports: Literal["unambiguous", "any"] = Field(
        "unambiguous", description="IMM: when a track takes a report that only its broad "
        "gate holds (outside its pricing's gate: the onset of a hard manoeuvre, or a "
        "neighbour's report or clutter): 'unambiguous', only when that report is the only "
        "one in the track's gate for that scan and in no other confirmed track's gate; "
        "'any' (the earlier behaviour), whenever no track prices the report higher.")
    imm_initial_ca_probability: Probability = Field(
        0.02, description="IMM: probability of the constant-acceleration "
        "mode when a track enters the IMM (at confirmation). A young track's velocity is "
        "still rough, and a manoeuvre mode likely from the start read its neighbours' "
        "reports as turns (0.1 until h-imm4: tests/tracking/test_imm_crowd.py).")
    imm_cv_sojourn_s: Positive = Field(
        120.0, description="IMM: mean time in the constant-velocity mode (its switching "
        "probability over dt is 1 - exp(-dt / sojourn)). Aircraft fly straight legs of "
        "minutes; with 30 s (until h-imm4) the manoeuvre mode stood at 10-30 % on a straight "
        "leg and read neighbours' reports as turns (tests/tracking/test_imm_crowd.py).")
    imm_ca_sojourn_s: Positive = Field(
        10.0, description="IMM: mean time in the constant-acceleration mode.")
    imm_models: Literal["cv_ca", "cv_ca_gentle_ca"] = Field(
        "cv_ca", description="IMM: its models: 'cv_ca' (constant velocity and one "
        "constant-acceleration model, imm_ca_noise_mps3, for hard turns) or "
        "'cv_ca_gentle_ca' (a third, gentle constant-acceleration model of jerk noise "
        "imm_gentle_ca_noise_mps3: a sustained 1-3 g pull or a steady coordinated turn, "
        "which CV misfits and the hard CA model is too broad to win).")
    imm_gentle_ca_noise_mps3: Positive = Field(
        1.0, description="IMM, 'cv_ca_gentle_ca': jerk noise level of the gentle "
        "constant-acceleration model (a steady turn's jerk is |a|^2 / v: 1 g at 250 m/s "
        "is 0.4 m/s^3).")
    imm_gentle_ca_sojourn_s: Positive = Field(
        30.0, description="IMM, 'cv_ca_gentle_ca': mean time in the gentle "
        "constant-acceleration mode.")
    imm_initial_gentle_ca_probability: Probability = Field(
        0.02, description="IMM, 'cv_ca_gentle_ca': probability of the gentle "
        "constant-acceleration mode when a track enters the IMM (the constant-velocity "
        "mode gets what the two acceleration modes leave).")
    confirmation: Literal["m_of_n", "score", "m_of_n_and_score"] = Field(
        "m_of_n_and_score", description="How a tentative track is confirmed: 'm_of_n' "
        "(confirm_hits of confirm_window), 'score' (sequential probability ratio test on "
        "the track's log-likelihood ratio, thresholds from false_track_probability and "
        "missed_track_probability; the score also deletes) or 'm_of_n_and_score' (the "
        "default: M of N confirms and deletes, but not while the score is below the "
        "test's confirmation threshold: clutter crowded near a radar, where the "
        "false-alarm density is high, passes 4 of 6 and not the score; over the "
        "layered-defense network's false alarms alone for 30 minutes it confirms none "
        "where M of N confirms 6-9; layered-defense (seed 1) and saturation (seeds 1-3) "
        "engage exactly as under M of N).")
    false_track_probability: Probability = Field(
        1e-6, description="Score confirmation: probability of confirming a false track "
        "(alpha of Wald's test): confirm at ln((1 - beta) / alpha).")
    missed_track_probability: Probability = Field(
        0.01, description="Score confirmation: probability of deleting a true track while "
        "tentative (beta of Wald's test): delete at ln(beta / (1 - alpha)).")
    score_detection_probability: Probability = Field(
        0.8, description="Score confirmation: the detection probability the score assumes "
        "(and association_cost: likelihood).")
    new_target_density_ratio: Positive = Field(
        1.0, description="Score confirmation: new-target density over false-alarm density "
        "at a new track's plot; its logarithm is the track's first score (and "
        "association_cost: likelihood prices a report left to start a track with it).")
    initiation: Literal["one_plot_tracks", "plot_pairs"] = Field(
        "one_plot_tracks", description="How tracks start: 'one_plot_tracks' (every report "
        "no track takes starts a tentative track, with its events) or 'plot_pairs' (such "
        "reports are held, and a tentative track starts only when a later look's plot "
        "falls in a held plot's one-plot gate; clutter that never pairs logs nothing; "
        "iadsim.tracking.initiation).")
    duplicate_guard: bool = Field(
        False, description="Keep a tentative track tentative while it lies in the gate of "
        "a live confirmed track (their summed position covariance) and never took a report "
        "of one scan of one radar with it: a second track on one target is not confirmed.")
    bias_estimation: bool = Field(
        False, description="Estimate each radar's range, azimuth and elevation bias from "
        "confirmed tracks seen by several radars, and correct its plots with it.")
    kinematic_plausibility: bool = Field(
        True, description="Do not confirm a tentative track whose estimated velocity no "
        "threat kind the scenario declares could fly at its height: faster than the "
        "fastest declared waypoint speed (with plausibility_speed_margin) unless the "
        "scenario has ballistic missiles and the track climbs or dives steeply "
        "(plausibility_ballistic_path_angle_deg) or is above 15 km. Kills the lane-hopping "
        "ghosts of dense raids (iadsim.tracking.plausibility).")
    plausibility_speed_margin: float = Field(
        0.5, ge=0.0, le=10.0, allow_inf_nan=False, description="kinematic_plausibility: "
        "fraction over the fastest declared waypoint speed still plausible.")
    plausibility_ballistic_path_angle_deg: float = Field(
        20.0, ge=0.0, le=90.0, allow_inf_nan=False, description="kinematic_plausibility: "
        "smallest flight-path angle (degrees, climb or dive) of a track faster than the "
        "waypoint bound below 15 km when the scenario has ballistic missiles.")
    plausibility_sigmas: float = Field(
        3.0, ge=0.0, le=10.0, allow_inf_nan=False, description="kinematic_plausibility: "
        "standard deviations of the track's velocity estimate given to it (speed and "
        "vertical speed) before it is refused.")

    @model_validator(mode="after")
    def _window_fits(self) -> Tracking:
        if self.confirm_window < self.confirm_hits:
            raise ValueError(
                f"confirm_window must be at least confirm_hits (got confirm_hits="
                f"{self.confirm_hits}, confirm_window={self.confirm_window})")
        if (self.imm_models == "cv_ca_gentle_ca"
                and self.imm_initial_ca_probability + self.imm_initial_gentle_ca_probability
                >= 1.0):
            raise ValueError(
                "imm_initial_ca_probability + imm_initial_gentle_ca_probability must be "
                f"below 1 with imm_models 'cv_ca_gentle_ca' (got "
                f"{self.imm_initial_ca_probability} + "
                f"{self.imm_initial_gentle_ca_probability})")
        return self


class ReferencePoint(Sited):
    """A surveyed fixed reference the radars see: a calibration reflector or a beacon on
    a tower. Its surveyed position is the truth by definition (the fusion centre uses it
    with ``survey_sigma_m``); the radars see it at its RCS like any target."""

    name: Name
    rcs_m2: Positive = Field(100.0, description="Radar cross-section (a corner reflector).")
    survey_sigma_m: Positive = Field(
        1.0, description="1-sigma error per axis of the surveyed position.")


class CooperativeAircraft(StrictModel):
    """A cooperative aircraft that reports its own navigation position to the fusion
    centre (ADS-B-like) every ``report_interval_s`` with a stated ``report_sigma_m``. It
    flies ``route`` once at ``speed_mps`` from ``start_s`` (straight legs, then it is
    gone); the radars see it at ``rcs_m2``. It is not a threat: the battle manager never
    sees its plots once the fusion centre has associated them with its reports."""

    name: Name
    route: list[Waypoint] = Field(min_length=2)
    speed_mps: Positive
    start_s: NonNegative = 0.0
    rcs_m2: Positive = 10.0
    report_interval_s: Positive = Field(
        1.0, description="Time between its navigation reports (s).")
    report_sigma_m: Positive = Field(
        10.0, description="Stated 1-sigma error per axis of its reported position; the "
        "reports' noise is drawn with it from a seeded stream.")
    report_error_m: tuple[float, float, float] = Field(
        (0.0, 0.0, 0.0), description="A systematic error (east, north, up, m) of its "
        "navigation that its stated sigma does not cover, unknown to the fusion centre "
        "(studies of a wrong reference).")

    @field_validator("report_error_m", mode="before")
    @classmethod
    def _three_numbers(cls, value: object) -> object:
        """A YAML list of three numbers is accepted for the tuple (the model is strict)."""
        if isinstance(value, list | tuple) and len(value) != 3:
            raise ValueError(f"expected three numbers (east, north, up in metres), got "
                             f"{len(value)}")
        return tuple(value) if isinstance(value, list) else value

    @field_validator("report_error_m", mode="after")
    @classmethod
    def _within_reach(cls, value: tuple[float, float, float]) -> tuple[float, float, float]:
        if max(abs(component) for component in value) > 100_000.0:
            raise ValueError("expected each component within 100 km (a navigation error "
                             f"beyond that is no reference), got {value}")
        return value


class Registration(StrictModel):
    """References with known positions for absolute registration of the radars
    (``tracking.bias_estimation`` must be on): each plot the fusion centre associates
    with a reference measures its radar's bias alone (:mod:`iadsim.tracking.registration`)."""

    reference_points: list[ReferencePoint] = Field(default_factory=list)
    cooperative_aircraft: list[CooperativeAircraft] = Field(default_factory=list)
    autonomous_batteries: Literal["none", "surveyed_points", "broadcast"] = Field(
        "broadcast", description="What a battery cut off from the network registers its own "
        "radars with (iadsim.c2.autonomous). none: nothing (its tracker sees no "
        "reference). surveyed_points: its radars' plots of every reference reach its "
        "tracker, which knows the surveyed points but not the cooperative aircraft's "
        "reports (they come over the network, which it has lost): their plots are "
        "unknown targets to it. broadcast: as surveyed_points, and an ADS-B-like "
        "receiver at the battery hears the aircraft's navigation reports (a broadcast "
        "needs no network link).")


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
    faults: list[Fault] = Field(default_factory=list)
    weather: Weather = Field(default_factory=Weather)
    terrain: TerrainSettings | None = Field(
        None, description="Terrain masking from a DEM; without it, a smooth earth.")
    surface: Surface = Field(
        default_factory=Surface, description="The surface radars look over (clutter), "
        "unless a radar gives its own.")
    jammers: list[StandOffJammer] = Field(
        default_factory=list, max_length=1_000,
        description="Stand-off noise jammers at fixed places (at most 1,000: each adds to "
        "every radar look's cost).")
    campaign: Campaign | None = Field(
        None, description="Days of nightly raids with magazines carried over and resupply "
        "(iadsim campaign; see iadsim.scenario.campaign_schema). iadsim run plays one night "
        "of the threats as written.")
    registration: Registration | None = Field(
        None, description="Reference points and cooperative aircraft with known positions "
        "for absolute registration of the radars' biases (needs tracking.bias_estimation).")
