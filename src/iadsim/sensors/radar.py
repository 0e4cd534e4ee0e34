"""Radars of a scenario: scan schedule, line of sight, detection draw, measurement noise.

Each radar refreshes its whole coverage once per ``revisit_s`` (at instants staggered by a
random phase). For every target it can see it draws the target's RCS fluctuation for this
look (its Swerling case, :mod:`iadsim.sensors.detection_table`) and then a detection with
the steady-target Pd of that look's SNR after ``pulses_per_dwell`` pulses, so that the
detection rate is the Swerling Pd of :func:`iadsim.sensors.detection.probability_of_detection`.
It adds a Poisson number of false alarms placed inside its surveillance volume
(:mod:`iadsim.sensors.false_alarms`). A target is visible when it is within instrumented
range, inside the azimuth sector and the elevation limits and above the 4/3-earth radar
horizon. Measurements are range, azimuth and elevation in the radar's own ENU frame with
independent Gaussian errors whose size follows the look's SNR when the radar has beam
parameters (:mod:`iadsim.sensors.accuracy`).

Optional, each off unless the scenario asks for it
(:mod:`iadsim.scenario.radar_environment_schema`): surface clutter (constant gamma,
:mod:`iadsim.sensors.clutter`) and noise jamming
(:mod:`iadsim.sensors.jamming`) that add to the noise, ``SINR = S / (N + C / I + J)``, in the
detection draw; RCS by aspect (nose, side, tail, interpolated in dB); a measured range rate.

Look times: with ``sim.radar_look_times: scheduled`` (the scenario default) each radar
looks at its own scheduled times inside a step, the targets moved (linearly over the step)
to the look time, and its reports carry that time; with ``step`` (and for a
:class:`RadarNetwork` built without ``look_times``) a radar looks at the end of the step
its scan falls in. Either way a step's looks (every radar, every look time) are detected
in one compiled call, each radar drawing from its own stream look after look, so that
``scheduled`` costs about 1.1 times the CPU of ``step`` on a ``layered-defense`` run
(1.3 times when each look was its own detection pass; the same events bit for bit).
The threats looked at inside a step are those flying at its end: a threat launched within
the step may be seen on its launch point up to one step before its launch, and one killed
or arrived within the step is missed by the step's looks before that instant.

With a DEM (``terrain_mask``, :mod:`iadsim.world.terrain`) a detection whose 4/3-earth ray
meets the terrain is dropped, a jammer the terrain hides does not jam, and a target's range
cell adds no clutter where the terrain shadows that ground.

Limits of this model: no multipath, no beam-by-beam scan timing (the
whole volume is sampled at the scan instant); one Pd per target per scan (no merged or split
detections).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numba import njit

from iadsim.engine.compiled_streams import (
    bit_generator,
    draw_double,
    draw_gamma,
    draw_normal,
    draw_poisson,
    stream_words,
)
from iadsim.engine.random_streams import stream
from iadsim.events import EventKind, EventLog, empty_stored_columns, kind_code
from iadsim.scenario.schema import Scenario
from iadsim.sensors.accuracy import MONOPULSE_SLOPE, measurement_sigmas
from iadsim.sensors.coverage_geometry import look_geometry
from iadsim.sensors.detection import detection_threshold, radar_equation_snr, required_snr_db
from iadsim.sensors.detection_table import (
    TABLE_SNR_DB,
    TABLE_START_DB,
    TABLE_STEP_DB,
    fluctuation,
    fluctuation_shape,
    steady_pd_table,
)
from iadsim.sensors.false_alarms import (
    SurveillanceVolume,
    _elevations,
    _place,
    elevation_grid,
    place_false_alarms_of_volumes,
    placement_tables,
    scan_resolution_cells,
)
from iadsim.sensors.jamming import jammer_geometry
from iadsim.sensors.measurements import _converted, converted_measurements
from iadsim.sensors.radar_environment import (
    Jammers,
    StepMotion,
    aspect_rcs,
    environment_fields,
    environment_row,
    look_interference,
)
from iadsim.world.earth import effective_earth_radius_m, radar_horizon_m
from iadsim.world.geodesy import LocalFrame, site_rotation
from iadsim.world.terrain import TerrainMask, site_ground_m

EFFECTIVE_EARTH_RADIUS_M = effective_earth_radius_m()


@dataclass(frozen=True, slots=True)
class DetectionBatch:
    """The reports of one radar scan, in the radar's own frame (threat_id -1: false alarm)."""

    radar_index: int
    time_s: float
    range_m: np.ndarray  # (k,)
    azimuth_rad: np.ndarray  # (k,) clockwise from north
    elevation_rad: np.ndarray  # (k,)
    snr_db: np.ndarray  # (k,) NaN for false alarms
    threat_id: np.ndarray  # (k,) truth, for the analysis only; never read by the tracker
    position_m: np.ndarray  # (k, 3) converted measurement, scenario ENU
    position_cov_m2: np.ndarray  # (k, 3, 3) its covariance
    # Measured range rate (m/s, + opening) and its 1 sigma, when the radar measures it.
    range_rate_mps: np.ndarray | None = None  # (k,)
    range_rate_sigma_mps: np.ndarray | None = None  # (k,)

    @property
    def size(self) -> int:
        return int(self.range_m.size)


#: The slot setter of each field of :class:`DetectionBatch`, in field order (for
#: :meth:`RadarNetwork._batches`).
_BATCH_SETTERS = tuple(DetectionBatch.__dict__[field.name].__set__
                       for field in dataclasses.fields(DetectionBatch))


@dataclass(frozen=True, slots=True)
class RadarSite:
    """One radar's fixed parameters, SI units (converted from the scenario once)."""

    name: str
    lat_deg: float
    lon_deg: float
    alt_m: float  # antenna, above the ellipsoid
    height_m: float  # antenna, above ground
    position_enu_m: np.ndarray  # (3,) in the scenario frame
    to_local: np.ndarray  # (3, 3) scenario ENU -> this radar's ENU
    snr_at_one_metre: float  # linear single-pulse SNR of 1 m^2 at 1 m: SNR = K sigma / R^4
    pfa: float
    swerling: int
    pulses_per_dwell: int
    max_range_m: float
    revisit_s: float
    min_elevation_rad: float
    max_elevation_rad: float
    range_sigma_m: float
    azimuth_sigma_rad: float
    elevation_sigma_rad: float
    false_alarms_per_scan: float
    latency_s: float
    outages_s: tuple[tuple[float, float], ...]
    # SNR-dependent accuracy: range resolution (m), beamwidths / monopulse slope (rad);
    # zeros when the radar has no beam parameters (errors are then the sigmas above).
    accuracy_scale: tuple[float, float, float] = (0.0, 0.0, 0.0)
    sector_center_rad: float = 0.0
    sector_width_rad: float = 2 * np.pi
    max_altitude_m: float = 30_000.0
    # Clutter: gamma x azimuth beamwidth x range cell (m); 0 without a surface.
    clutter_constant_m: float = 0.0
    clutter_improvement_db: float = 0.0
    elevation_beamwidth_rad: float = np.deg2rad(2.0)
    azimuth_beamwidth_rad: float = np.deg2rad(2.0)
    sidelobe_level_db: float = -30.0
    # Jamming: G_r lambda^2 / ((4 pi)^2 k T_s) (0: cannot be jammed) and the receiver's
    # noise bandwidth (Hz).
    jammer_constant: float = 0.0
    receiver_bandwidth_hz: float = 1e6
    range_rate_sigma_mps: float = 0.0  # 0: no range rate measured
    # True systematic errors (range m, azimuth rad, elevation rad) added to every plot of a
    # target: a registration error the tracker may estimate (tracking.bias_estimation).
    bias: tuple[float, float, float] = (0.0, 0.0, 0.0)

    @property
    def volume(self) -> SurveillanceVolume:
        """The surveillance volume where false alarms are counted and placed."""
        return SurveillanceVolume(self.height_m, self.max_range_m, self.min_elevation_rad,
                                  self.max_elevation_rad, self.sector_center_rad,
                                  self.sector_width_rad, self.max_altitude_m)


def radar_sites(scenario: Scenario, frame: LocalFrame) -> list[RadarSite]:
    """Convert each scenario radar to SI units and the scenario frame."""
    ground = scenario.origin.ground_elevation_m
    # On a DEM a radar stands on its ground; its height above the flat datum sets the
    # smooth-earth horizon (the terrain masks the rest).
    site_ground = site_ground_m(scenario, [r.lat_deg for r in scenario.sensors],
                                [r.lon_deg for r in scenario.sensors])
    sites = []
    for radar, under in zip(scenario.sensors, site_ground.tolist(), strict=True):
        if radar.radar_equation is not None:
            equation = radar.radar_equation
            constant = float(radar_equation_snr(
                1.0, 1.0, equation.peak_power_w, equation.pulse_width_s, equation.frequency_hz,
                equation.gain_tx_db, equation.gain_rx_db, equation.system_temperature_k,
                equation.loss_db, equation.pulses_integrated))
        else:
            assert radar.ref_range_km is not None  # schema guarantees one of the two
            ref_snr = 10.0 ** (_required_snr_db(float(radar.ref_pd), float(radar.pfa),
                                                int(radar.pulses_per_dwell),
                                                int(radar.swerling)) / 10.0)
            constant = ref_snr * (radar.ref_range_km * 1e3) ** 4 / radar.ref_rcs_m2
        alt = under + radar.height_m
        sector_width = np.deg2rad(radar.sector_width_deg)
        if radar.range_resolution_m is not None:
            azimuth_beam = np.deg2rad(radar.azimuth_beamwidth_deg)
            elevation_beam = np.deg2rad(radar.elevation_beamwidth_deg)
            scale = (radar.range_resolution_m, azimuth_beam / MONOPULSE_SLOPE,
                     elevation_beam / MONOPULSE_SLOPE)
        else:
            scale = (0.0, 0.0, 0.0)
        cells = scan_resolution_cells(radar)
        environment = environment_fields(scenario, radar)
        sites.append(RadarSite(
            name=radar.name, lat_deg=radar.lat_deg, lon_deg=radar.lon_deg, alt_m=alt,
            height_m=max(radar.height_m + (under - ground), 0.0),
            position_enu_m=frame.to_enu(radar.lat_deg, radar.lon_deg, alt),
            to_local=site_rotation(radar.lat_deg, radar.lon_deg, frame),
            snr_at_one_metre=constant, pfa=radar.pfa, swerling=radar.swerling,
            pulses_per_dwell=radar.pulses_per_dwell, max_range_m=radar.max_range_km * 1e3,
            revisit_s=radar.revisit_s,
            min_elevation_rad=np.deg2rad(radar.min_elevation_deg),
            max_elevation_rad=np.deg2rad(radar.max_elevation_deg),
            range_sigma_m=radar.range_sigma_m,
            azimuth_sigma_rad=np.deg2rad(radar.azimuth_sigma_deg),
            elevation_sigma_rad=np.deg2rad(radar.elevation_sigma_deg),
            false_alarms_per_scan=radar.pfa * cells,
            latency_s=radar.latency_s,
            outages_s=tuple((o.start_s, o.end_s) for o in radar.outages),
            accuracy_scale=scale, sector_center_rad=float(np.deg2rad(radar.sector_center_deg)),
            sector_width_rad=float(sector_width), max_altitude_m=radar.max_altitude_m,
            **environment,
            bias=(radar.range_bias_m, float(np.deg2rad(radar.azimuth_bias_deg)),
                  float(np.deg2rad(radar.elevation_bias_deg))),
        ))
    return sites


@functools.lru_cache(maxsize=256)
def _required_snr_db(pd: float, pfa: float, pulses: int, swerling: int) -> float:
    """:func:`required_snr_db` of one radar, solved once per process (a root search of
    about 1 ms that every run of a Monte Carlo worker would repeat)."""
    return float(required_snr_db(pd, pfa, pulses, swerling))


_NO_ALARMS = np.zeros((0, 3))
_NO_ALARMS.flags.writeable = False
_NO_ASPECT = np.zeros((0, 3))
_NO_JAMMERS = (np.zeros((0, 3)), np.zeros(0), np.zeros(0), np.zeros(0))
#: No jammer on in any look (:func:`_draw_and_detect_into` then reads no bounds).
_NO_JAMMER_BOUNDS = np.zeros(0, dtype=np.intp)
#: Table entries a block of :func:`pd_table_bounds` (as a shift: 64).
PD_BLOCK_SHIFT = 6
#: No Pd bounds: every Pd interpolated in its table (:func:`_detect_into`).
_NO_PD_BOUNDS = np.zeros((0, 0, 2))


def pd_table_bounds(pd_tables: np.ndarray, margin: float = 1e-9) -> np.ndarray:
    """(n, blocks, 2) the least and the greatest Pd of each block of 64 entries (and the
    next entry, which the block's last interpolates towards) of each row of ``pd_tables``
    (n, size), less and plus ``margin``: any Pd interpolated within a block lies between
    the two (an interpolation's rounding is a few 1e-16), so a draw below the first is a
    detection and one at or above the second is not, whatever the exact Pd. A step's
    detection kernel reads the tables (112 KB a radar) only for the draws in between, and
    so misses the cache less after the rest of the step has run (a small gain: 35 to 33 ms
    a ``layered-defense`` replication)."""
    count, size = pd_tables.shape
    block = 1 << PD_BLOCK_SHIFT
    blocks = max(-(-(size - 1) // block), 1)
    bounds = np.empty((count, blocks, 2))
    for index in range(blocks):
        part = pd_tables[:, index * block:min(index * block + block + 1, size)]
        bounds[:, index, 0] = part.min(axis=1) - margin
        bounds[:, index, 1] = part.max(axis=1) + margin
    return bounds


#: No range rates (a network whose radars measure none).
_NO_RATES = np.zeros((2, 0))
#: No event-log columns (a scan that records nothing); also the stored dtypes.
_NO_LOG_COLUMNS = empty_stored_columns()
#: No DEM: every jammer and every clutter cell in view (the kernel reads (0, 0) as all).
_IN_VIEW = np.zeros((0, 0), dtype=np.bool_)
#: Largest range rate a false alarm reports (m/s), for radars that measure range rate.
FALSE_ALARM_RANGE_RATE_MPS = 1_000.0


@dataclass(frozen=True, slots=True)
class LookPositions:
    """The threats at the start and the end of a step (indexed by threat id), and where
    a look a ``fraction`` of the way through the step sees them: moved linearly, exactly
    the end positions from a fraction of 1 on."""

    start_position_m: np.ndarray  # (n, 3) scenario ENU
    end_position_m: np.ndarray  # (n, 3)
    start_height_m: np.ndarray  # (n,) above ground
    end_height_m: np.ndarray  # (n,)

    def of(self, fraction: float) -> tuple[np.ndarray, np.ndarray]:
        """Every threat's position (n, 3) and height (n,) at ``fraction`` of the step."""
        if fraction >= 1.0:
            return self.end_position_m, self.end_height_m
        return (self.start_position_m + fraction * (self.end_position_m
                                                    - self.start_position_m),
                self.start_height_m + fraction * (self.end_height_m - self.start_height_m))

    def of_rows(self, fraction: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Positions (k, 3) of threats ``ids`` (k,), each at its own ``fraction`` (k,) of the
        step, element by element the values :meth:`of` gives."""
        start, end = self.start_position_m[ids], self.end_position_m[ids]
        return np.where((fraction >= 1.0)[:, None], end,
                        start + fraction[:, None] * (end - start))


@dataclass(frozen=True, slots=True)
class _WaveDetections:
    """What a wave of looks found (see :meth:`RadarNetwork._looks`): detections by row (of
    the step's looks) then threat column, their noise, and the false alarms by row."""

    row: np.ndarray  # (k,) the look row of each detection
    column: np.ndarray  # (k,) into the ids in flight
    measured: np.ndarray  # (k, 3) true range, azimuth, elevation
    snr: np.ndarray  # (k,) linear dwell SINR
    range_rate: np.ndarray  # (k,) true, plus its error for radars that measure it
    noise: np.ndarray  # (k, 3) standard normals of the position errors
    alarms: np.ndarray  # (f, 3) false-alarm plots
    alarm_row: np.ndarray  # (f,)
    alarm_range_rate: np.ndarray | None  # (f,) when some radar measures range rate

    @staticmethod
    def joined(waves: list[_WaveDetections]) -> _WaveDetections:
        """The waves as one, detections and false alarms each in row order (stable)."""
        if len(waves) == 1:
            return waves[0]
        row = np.concatenate([wave.row for wave in waves])
        order = row.argsort(kind="stable")
        alarm_row = np.concatenate([wave.alarm_row for wave in waves])
        alarm_order = alarm_row.argsort(kind="stable")
        rates = None
        if waves[0].alarm_range_rate is not None:
            rates = np.concatenate([wave.alarm_range_rate for wave in waves])[alarm_order]

        def joined_detections(name: str) -> np.ndarray:
            return np.concatenate([getattr(wave, name) for wave in waves])[order]

        return _WaveDetections(
            row[order], joined_detections("column"), joined_detections("measured"),
            joined_detections("snr"), joined_detections("range_rate"),
            joined_detections("noise"),
            np.concatenate([wave.alarms for wave in waves])[alarm_order],
            alarm_row[alarm_order], rates)


class _ScanWork:
    """The arrays a step's compiled scan writes into (:func:`_draw_and_detect_into`, then
    :func:`_placed_plots_into`), kept between steps so that a step allocates little more
    than its plots; the first kernel makes larger ones when a step needs more, and returns
    only those (each array a kernel returns costs its boxing, about 0.4 us).

    rows: per row of the step's looks the radar, its look and its plots (intp), and the
    look times and fractions (by look) and each row's time; detections: row, column (intp),
    true measure (k, 3), linear SNR, range rate, noise (k, 3), SNR dB; alarms: row, radar
    (intp), the four uniforms (4, f), elevation, range rate, the elevation's sine.
    """

    __slots__ = ("alarms", "detections", "rows")

    def __init__(self, radars: int) -> None:
        self.rows = self.row_arrays(max(16, 4 * radars))
        detections = 16 * max(radars, 1)
        self.detections = (np.zeros(detections, dtype=np.intp),
                           np.zeros(detections, dtype=np.intp), np.zeros((detections, 3)),
                           np.zeros(detections), np.zeros(detections),
                           np.zeros((detections, 3)), np.zeros(detections))
        alarms = 16 * max(radars, 1)
        self.alarms = (np.zeros(alarms, dtype=np.intp), np.zeros(alarms, dtype=np.intp),
                       np.zeros((4, alarms)), np.zeros(alarms), np.zeros(alarms),
                       np.zeros(alarms))

    @staticmethod
    def row_arrays(size: int) -> tuple[np.ndarray, ...]:
        """Row arrays of ``size`` rows (see the class)."""
        return (np.zeros(size, dtype=np.intp), np.zeros(size, dtype=np.intp),
                np.zeros(size, dtype=np.intp), np.zeros(size), np.zeros(size), np.zeros(size))


class RadarNetwork:
    """All radars of a run: their scan clocks, outage state and random streams.

    Geometry of all radars due at a step is computed at once; each radar keeps its own
    random stream, keyed by its name, so adding a radar or changing one radar's coverage
    leaves every other radar's draws alone.
    """

    def __init__(self, sites: list[RadarSite], seed: int, ground_elevation_m: float,
                 record_detections: bool = True, jammers: Jammers | None = None,
                 aspect_rcs_m2: np.ndarray | None = None, look_times: str = "step",
                 terrain_mask: TerrainMask | None = None):
        self.sites = sites
        #: Deliver a batch for every look, also one that reported nothing (an end-of-scan
        #: message; ``tracking.empty_scans``), so the tracker can count its misses.
        self.empty_scans = False
        self.terrain_mask = terrain_mask  # a DEM: what it hides is not detected
        self.record_detections = record_detections
        self.jammers = jammers if jammers is not None and jammers.any else None
        self.aspect_rcs_m2 = (aspect_rcs_m2 if aspect_rcs_m2 is not None
                              and np.isfinite(aspect_rcs_m2).any() else None)
        if look_times not in ("step", "scheduled"):
            raise ValueError(f"look_times must be 'step' or 'scheduled', got {look_times!r}")
        self.scheduled = look_times == "scheduled"
        self.ground_elevation_m = ground_elevation_m
        self._rngs = [stream(seed, f"radar:{site.name}") for site in sites]
        # Scan phases are staggered so that radars do not all look at the same instant.
        self._next_scan_s = np.array([rng.uniform(0.0, site.revisit_s)
                                      for rng, site in zip(self._rngs, sites, strict=True)])
        self._in_outage = np.zeros(len(sites), dtype=bool)
        self.revisit_s = np.array([site.revisit_s for site in sites])
        self.position_m = np.array([site.position_enu_m for site in sites]).reshape(-1, 3)
        self.to_local = np.array([site.to_local for site in sites]).reshape(-1, 3, 3)
        self.height_m = np.array([site.height_m for site in sites])
        # The radar's half of the 4/3-earth horizon sum, fixed per radar.
        self.horizon_m = radar_horizon_m(self.height_m, 0.0)
        # Per-radar scalars packed in one table, gathered once per step.
        self._table = np.array([[site.max_range_m, site.min_elevation_rad,
                                 site.max_elevation_rad, site.snr_at_one_metre,
                                 float(site.pulses_per_dwell), site.sector_center_rad,
                                 0.5 * site.sector_width_rad]
                                for site in sites]).reshape(-1, 7)
        # The steady-target Pd of each radar's Pfa and pulses, tabulated once (one
        # implementation: probability_of_detection); the look's fluctuation is drawn.
        self._pd_tables = np.array([steady_pd_table(site.pfa, site.pulses_per_dwell)
                                    for site in sites]).reshape(len(sites), TABLE_SNR_DB.size)
        self._pd_bounds = pd_table_bounds(self._pd_tables)
        self._shapes = [fluctuation_shape(site.swerling, site.pulses_per_dwell)
                        for site in sites]
        self.sigmas = np.array([[site.range_sigma_m, site.azimuth_sigma_rad,
                                 site.elevation_sigma_rad] for site in sites]).reshape(-1, 3)
        self.accuracy_scale = np.array([site.accuracy_scale for site in sites]).reshape(-1, 3)
        self.bias = np.array([site.bias for site in sites]).reshape(-1, 3)
        self._has_bias = bool(self.bias.any())
        # A false alarm is a plot just over the threshold: its errors at that SNR.
        self._threshold_snr = np.array([
            float(detection_threshold(site.pfa, site.pulses_per_dwell)) for site in sites])
        self._volumes = [site.volume for site in sites]
        self._alarm_rate = [site.false_alarms_per_scan for site in sites]
        grids = [elevation_grid(volume) for volume in self._volumes]
        self._alarm_bins = [(low, np.cumsum(weight) / weight.sum()) for low, weight in grids]
        self._placement = placement_tables(self._volumes, self._alarm_bins)
        self._has_outages = any(site.outages_s for site in sites)
        # Each radar's stream as machine words, for the kernel that draws a whole step's
        # looks (:func:`_draw_and_detect_into`); the generators above stay the streams.
        self._stream_words = stream_words(self._rngs)
        self._shape_table = np.array(self._shapes, dtype=float)
        self._alarm_rate_table = np.array(self._alarm_rate, dtype=float)
        # Clutter, jamming and range-rate parameters, one row per radar (see _detect).
        self._environment = np.array([environment_row(site) for site in sites]).reshape(-1, 10)
        self._measures_range_rate = bool((self._environment[:, 8] > 0).any())
        self._rate_measured = (self._environment[:, 8] > 0).tolist()
        #: Whether scan needs the step's motion (looks inside the step, aspect, range rate).
        self.needs_motion = (self.scheduled or self.aspect_rcs_m2 is not None
                             or self._measures_range_rate)
        # Each radar's outage windows as a padded table, for the compiled look schedule.
        most = max([len(site.outages_s) for site in sites], default=0)
        self._outage_count = np.array([len(site.outages_s) for site in sites], dtype=np.intp)
        self._outage_table = np.zeros((len(sites), max(most, 1), 2))
        for index, site in enumerate(sites):
            for window, (start_s, end_s) in enumerate(site.outages_s):
                self._outage_table[index, window] = start_s, end_s
        # The looks of the last scan as arrays: look times, and per row (look, then radar
        # order) the radar and its look (see :attr:`last_looks`).
        self._look_times = np.zeros(0)
        self._look_radars = np.zeros(0, dtype=np.intp)
        self._look_of_row = np.zeros(0, dtype=np.intp)
        self._last_looks: list[tuple[float, np.ndarray]] | None = []
        # What the compiled scan writes into, kept between steps (:class:`_ScanWork`), and
        # (rows, looks) when the last scan's looks are its first ones (scheduled in the
        # kernel), None when they are the arrays above.
        self._work = _ScanWork(len(sites))
        self._work_looks: tuple[int, int] | None = None
        #: Without a DEM, draw and detect a step's looks in one compiled pass and make
        #: their plots in a second (:meth:`_compiled_looks`); False: by NumPy calls, wave
        #: by wave (:meth:`_detect_wave`, the reference the tests compare it with; the
        #: same numbers either way).
        self.compiled_draws = True

    @property
    def last_looks(self) -> list[tuple[float, np.ndarray]]:
        """The looks of the last :meth:`scan`: (look time, radar indices), in time order
        (built from the scan's arrays when first asked for)."""
        if self._last_looks is None:
            look_times, look_radars, look_of_row = self._look_arrays()
            times = look_times.tolist()
            bounds = np.searchsorted(look_of_row, np.arange(len(times) + 1)).tolist()
            self._last_looks = [(look_s, look_radars[bounds[look]:bounds[look + 1]])
                                for look, look_s in enumerate(times)]
        return self._last_looks

    def _look_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The last scan's look times, and per row its radar and look (copies when the
        compiled scan scheduled them into its work arrays)."""
        if self._work_looks is None:
            return self._look_times, self._look_radars, self._look_of_row
        rows, looks = self._work_looks
        radars, look_of_row, _, look_times, _, _ = self._work.rows
        return look_times[:looks].copy(), radars[:rows].copy(), look_of_row[:rows].copy()

    def __getstate__(self) -> dict:
        """A copy (pickle, ``copy.deepcopy``) takes the generators, not the machine words
        of this object's: they would draw from the original's streams."""
        state = self.__dict__.copy()
        del state["_stream_words"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._stream_words = stream_words(self._rngs)

    def _log_outages(self, time_s: float, log: EventLog) -> None:
        """Log each radar's outage starts and ends as of ``time_s``."""
        for index, site in enumerate(self.sites):
            down = any(start <= time_s < end for start, end in site.outages_s)
            if down != self._in_outage[index]:
                kind = EventKind.OUTAGE_START if down else EventKind.OUTAGE_END
                log.add(kind, time_s, sensor_index=index)
                self._in_outage[index] = down

    def due(self, time_s: float, log: EventLog) -> np.ndarray:
        """Indices of the radars that scan at ``time_s`` (advancing their clocks)."""
        if self._has_outages:
            self._log_outages(time_s, log)
        due = (time_s + 1e-9 >= self._next_scan_s).nonzero()[0]
        if due.size == 0:
            return due
        missed = np.floor((time_s - self._next_scan_s[due]) / self.revisit_s[due]) + 1
        self._next_scan_s[due] += missed * self.revisit_s[due]
        return due[~self._in_outage[due]] if self._has_outages else due

    def scheduled_looks(self, start_s: float, end_s: float,
                        log: EventLog) -> list[tuple[float, np.ndarray]]:
        """The looks of every radar in ``(start_s, end_s]`` at its own revisit times, as
        (look time, radar indices) in time order; radars in an outage at a look skip it.
        Outage transitions are logged at ``end_s``; clocks advance past ``end_s``."""
        self._schedule(start_s, end_s, log)
        return self.last_looks

    def _schedule(self, start_s: float, end_s: float, log: EventLog) -> np.ndarray:
        """:meth:`scheduled_looks` as arrays (:attr:`_look_times`, :attr:`_look_radars`,
        :attr:`_look_of_row`) in one compiled call (:func:`_scheduled_rows`); returns each
        look's fraction of the step ``(start_s, end_s]``."""
        if self._has_outages:
            self._log_outages(end_s, log)
        (self._look_times, self._look_radars, self._look_of_row,
         fractions) = _scheduled_rows(self._next_scan_s, self.revisit_s, self._outage_table,
                                      self._outage_count, float(start_s), float(end_s))
        self._last_looks = None
        self._work_looks = None
        return fractions

    def scan(self, time_s: float, threat_position_m: np.ndarray, threat_height_m: np.ndarray,
             threat_rcs_m2: np.ndarray, visible_ids: np.ndarray, log: EventLog,
             motion: StepMotion | None = None) -> list[DetectionBatch]:
        """Scan with every radar whose revisit falls due at ``time_s``.

        threat_position_m (n, 3) scenario ENU, threat_height_m (n,) above ground and
        threat_rcs_m2 (n,) are indexed by threat id; ``visible_ids`` are the ids in flight.
        ``motion`` (the step's start and the threats' velocity) is needed for scheduled
        looks, and gives the aspect and range rate (without it the threats stand still).
        Logs outage transitions and (when recording) every detection and false alarm;
        returns one batch per radar look that reported anything (every look with
        ``empty_scans``), in time then radar order.
        """
        scheduled = self.scheduled and motion is not None
        if (scheduled and self.terrain_mask is None and self.compiled_draws
                and self.jammers is None):
            # The common case: the step's looks scheduled, drawn and detected in one
            # compiled call, their plots made in a second (:meth:`_compiled_looks`).
            if self._has_outages:
                self._log_outages(time_s, log)
            return self._compiled_looks(
                (float(motion.start_s), float(time_s)), motion.start_position_m,
                threat_position_m, motion.start_height_m, threat_height_m, threat_rcs_m2,
                visible_ids, motion.velocity_mps, log)
        if not scheduled:
            radars = self.due(time_s, log)
            self._look_times = np.full(1 if radars.size else 0, float(time_s))
            self._look_radars = radars
            self._look_of_row = np.zeros(radars.size, dtype=np.intp)
            self._last_looks = None
            self._work_looks = None
            # Where the threats are at each look: at the end of the step.
            fractions = np.ones(self._look_times.size)
        else:
            # Moved linearly from the step's start, by the fraction of the step elapsed (1:
            # at the end of the step, the given positions).
            fractions = self._schedule(motion.start_s, time_s, log)
        if self._look_radars.size == 0:
            return []
        if motion is None:
            start_position, start_height = threat_position_m, threat_height_m
            velocity = np.zeros((threat_position_m.shape[0], 3))
        else:
            start_position, start_height = motion.start_position_m, motion.start_height_m
            velocity = motion.velocity_mps
        return self._look_rows(self._look_times, self._look_radars, self._look_of_row,
                               fractions,
                               LookPositions(start_position, threat_position_m, start_height,
                                             threat_height_m),
                               threat_rcs_m2, visible_ids, velocity, log)

    def _looks(self, looks: list[tuple[float, np.ndarray]], fractions: np.ndarray,
               at: LookPositions, threat_rcs_m2: np.ndarray, visible_ids: np.ndarray,
               velocity_mps: np.ndarray, log: EventLog) -> list[DetectionBatch]:
        """The looks of one step, ``looks`` (look time, radar indices) in time order, the
        threats of look ``k`` at ``fractions[k]`` of the way through the step (``at``): every
        look's detections in one compiled pass, then one pass over all their plots.

        Each radar draws from its own stream, look after look in time order: per look one
        uniform per threat in flight, one RCS fluctuation per threat in flight (none for a
        steady target), then three normals per detection (and one per detection for range
        rate), then its false alarms. A radar that looks twice in the step needs its first
        look's detections before its second look's draws, so the looks are detected in waves
        (a radar's first looks, then its second ones), each wave one kernel call."""
        look_times = np.array([look_s for look_s, _ in looks])
        radars = np.concatenate([looking for _, looking in looks])
        look_of_row = np.repeat(np.arange(len(looks)), [looking.size for _, looking in looks])
        return self._look_rows(look_times, radars, look_of_row, fractions, at, threat_rcs_m2,
                               visible_ids, velocity_mps, log)

    def _look_rows(self, look_times: np.ndarray, radars: np.ndarray, look_of_row: np.ndarray,
                   fractions: np.ndarray, at: LookPositions, threat_rcs_m2: np.ndarray,
                   visible_ids: np.ndarray, velocity_mps: np.ndarray,
                   log: EventLog) -> list[DetectionBatch]:
        """:meth:`_looks` of the looks as arrays: ``look_times`` (looks,), and per row (the
        looks' radars, look then radar order) ``radars`` and ``look_of_row``."""
        if self.terrain_mask is None and self.compiled_draws:
            # Every look of the step in one compiled pass, draws included; then the false
            # alarms placed and every plot made in a second.
            jammers = None
            if self.jammers is not None:
                jammers = self._look_jammers(look_times, fractions, at, visible_ids)
            self._give_looks(look_times, radars, look_of_row, fractions)
            return self._compiled_looks(
                None, at.start_position_m, at.end_position_m, at.start_height_m,
                at.end_height_m, threat_rcs_m2, visible_ids, velocity_mps, log,
                (radars.size, look_times.size), jammers)
        # A row's wave: how many looks its radar made earlier in the step (almost always 0).
        radar_list = radars.tolist()
        if len(set(radar_list)) == len(radar_list):
            detections = self._detect_wave(np.arange(radars.size), radars, look_times,
                                           look_of_row, fractions, at, threat_rcs_m2,
                                           visible_ids, velocity_mps)
        else:
            wave = np.zeros(radars.size, dtype=np.intp)
            seen: dict[int, int] = {}
            for row, radar in enumerate(radar_list):
                wave[row] = seen.get(radar, 0)
                seen[radar] = wave[row] + 1
            detections = _WaveDetections.joined([
                self._detect_wave((wave == index).nonzero()[0], radars, look_times,
                                  look_of_row, fractions, at, threat_rcs_m2, visible_ids,
                                  velocity_mps)
                for index in range(int(wave.max()) + 1)])
        # Detections then false alarms, row by row (look, then radar), their errors
        # applied and converted to the scenario frame in one compiled pass, with the
        # log's rows; only the SNR in dB is taken by NumPy, as it always was.
        (order, radar_of, measured, snr_db, threat_id, per_row, position, covariance,
         log_rows) = _step_plots(
            radars, detections.row, detections.column, visible_ids, detections.measured,
            detections.snr, 10.0 * np.log10(detections.snr), detections.noise,
            detections.alarms, detections.alarm_row, self.sigmas, self.accuracy_scale,
            self._threshold_snr, self.bias, self._has_bias, self.position_m,
            self.to_local, look_times, look_of_row, self.record_detections,
            _DETECTION_CODE, _FALSE_ALARM_CODE)
        if radar_of.size == 0:
            return [self._empty_batch(radar, look_times[look])
                    for radar, look in zip(radar_list, look_of_row.tolist(), strict=True)
                    ] if self.empty_scans else []
        if self.record_detections:
            # Detections then false alarms, each in look then radar order: the log's stable
            # time order puts each look's detections before its false alarms.
            log_time, log_kind, log_threat, log_sensor, log_value, log_position = log_rows
            log.add_kinds(log_kind, log_time, {
                "threat_id": log_threat, "sensor_index": log_sensor, "value": log_value,
                "east_m": log_position[0], "north_m": log_position[1],
                "up_m": log_position[2]})
        range_rate = rate_sigma = None
        if self._measures_range_rate:
            rates = detections.range_rate
            if detections.alarm_range_rate is not None:
                rates = np.concatenate([rates, detections.alarm_range_rate])
            range_rate, rate_sigma = rates[order], self._environment[radar_of, 8]
        return self._batches(radar_list, look_times[look_of_row].tolist(), per_row.tolist(),
                             measured, snr_db, threat_id, position, covariance, range_rate,
                             rate_sigma)

    def _batches(self, radars: list[int], row_time: list[float], per_row: list[int],
                 measured: np.ndarray, snr_db: np.ndarray, threat_id: np.ndarray,
                 position: np.ndarray, covariance: np.ndarray, range_rate: np.ndarray | None,
                 rate_sigma: np.ndarray | None) -> list[DetectionBatch]:
        """One batch per row (radar ``radars[i]`` looking at ``row_time[i]``) that made any
        of its ``per_row[i]`` plots, each a view of the step's plots (row by row).

        Each batch's fields are set by their slots (:data:`_BATCH_SETTERS`), not by the
        frozen dataclass's ``__init__`` (an ``object.__setattr__`` call a field): the same
        objects at a third of the cost, for the five or so batches of every step."""
        batches, start = [], 0
        rate_measured = self._rate_measured
        (set_radar, set_time, set_range, set_azimuth, set_elevation, set_snr, set_threat,
         set_position, set_covariance, set_rate, set_rate_sigma) = _BATCH_SETTERS
        new = object.__new__
        ranges, azimuths, elevations = measured[:, 0], measured[:, 1], measured[:, 2]
        for radar, time_s, count in zip(radars, row_time, per_row, strict=True):
            if count:
                stop = start + count
                measures = range_rate is not None and rate_measured[radar]
                batch = new(DetectionBatch)
                set_radar(batch, radar)
                set_time(batch, time_s)
                set_range(batch, ranges[start:stop])
                set_azimuth(batch, azimuths[start:stop])
                set_elevation(batch, elevations[start:stop])
                set_snr(batch, snr_db[start:stop])
                set_threat(batch, threat_id[start:stop])
                set_position(batch, position[start:stop])
                set_covariance(batch, covariance[start:stop])
                set_rate(batch, range_rate[start:stop] if measures else None)
                set_rate_sigma(batch, rate_sigma[start:stop] if measures else None)
                batches.append(batch)
                start = stop
            elif self.empty_scans:
                batches.append(self._empty_batch(radar, time_s))
        return batches

    @staticmethod
    def _empty_batch(radar: int, time_s: float) -> DetectionBatch:
        """The batch of a look that reported nothing (``empty_scans``): it tells the
        tracker the radar looked."""
        nothing = np.zeros(0)
        return DetectionBatch(radar, float(time_s), nothing, nothing, nothing, nothing,
                              np.zeros(0, dtype=np.int64), np.zeros((0, 3)),
                              np.zeros((0, 3, 3)))

    def _give_looks(self, look_times: np.ndarray, radars: np.ndarray, look_of_row: np.ndarray,
                    fractions: np.ndarray) -> None:
        """Copy a step's looks (made by :meth:`due` or :meth:`_schedule`) into the work
        arrays of :meth:`_compiled_looks` (grown when they are too short)."""
        work = self._work
        if work.rows[0].size < radars.size:
            work.rows = _ScanWork.row_arrays(2 * radars.size)
        work_radars, work_look_of_row, _, work_times, work_fractions, _ = work.rows
        work_radars[:radars.size] = radars
        work_look_of_row[:radars.size] = look_of_row
        work_times[:look_times.size] = look_times
        work_fractions[:look_times.size] = fractions

    def _look_jammers(self, look_times: np.ndarray, fractions: np.ndarray, at: LookPositions,
                      ids: np.ndarray) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        """The jammers on at each look (:meth:`_active_jammers`, the threats at the look's
        fraction of the step) as one set of arrays, look ``k``'s rows ``bounds[k]`` to
        ``bounds[k + 1]``: (bounds, (position, height, ERP, bandwidth))."""
        jammer_bounds = np.zeros(len(look_times) + 1, dtype=np.intp)
        per_look = []
        for look, fraction in enumerate(fractions.tolist()):
            position, height = at.of(fraction)
            per_look.append(self._active_jammers(float(look_times[look]), position, height,
                                                 ids))
        jammer_bounds[1:] = np.cumsum([look_jammers[2].size for look_jammers in per_look])
        return jammer_bounds, tuple(np.concatenate([look_jammers[part]
                                                    for look_jammers in per_look])
                                    for part in range(4))

    def _compiled_looks(self, span_s: tuple[float, float] | None,
                        start_position_m: np.ndarray, end_position_m: np.ndarray,
                        start_height_m: np.ndarray, end_height_m: np.ndarray,
                        threat_rcs_m2: np.ndarray, ids: np.ndarray, velocity_mps: np.ndarray,
                        log: EventLog, given: tuple[int, int] = (0, 0),
                        jammers: tuple[np.ndarray, tuple[np.ndarray, ...]] | None = None
                        ) -> list[DetectionBatch]:
        """The step's looks without a DEM in two compiled calls: every look's draws and
        detections (:func:`_draw_and_detect_into`: each radar draws from its own stream in
        the order :meth:`_looks` gives, the same numbers as :meth:`_detect_wave` draws by
        NumPy calls; tests/sensors/test_radar_step_kernel.py compares the two), then, after
        the SNR in dB and the false alarms' elevation sine taken by NumPy (as they always
        were), the plots and their log rows (:func:`_placed_plots_into`). With ``span_s``
        (the step's start and end) the looks are scheduled in the first call; otherwise
        they are the ``given`` (rows, looks) put in the work arrays by :meth:`_give_looks`.
        The threats move linearly from ``start_*`` to ``end_*`` over the step; ``jammers``:
        :meth:`_look_jammers` (None: no jammer on)."""
        work = self._work
        jammer_bounds, jammer_arrays = _NO_JAMMER_BOUNDS, _NO_JAMMERS
        if jammers is not None:
            jammer_bounds, jammer_arrays = jammers
        start_s, end_s = (0.0, 0.0) if span_s is None else span_s
        aspect = self.aspect_rcs_m2 if self.aspect_rcs_m2 is not None else _NO_ASPECT
        placement = self._placement
        counts, rows_grown, detections_grown, alarms_grown = _draw_and_detect_into(
            span_s is not None, self._next_scan_s, self.revisit_s, self._outage_table,
            self._outage_count, start_s, end_s, given[0], given[1], work.rows,
            work.detections, work.alarms, self.position_m, self.to_local, self.horizon_m,
            self._table, start_position_m, end_position_m, start_height_m, end_height_m,
            threat_rcs_m2, ids, self._pd_tables, self._pd_bounds, TABLE_START_DB,
            TABLE_STEP_DB, self._environment, EFFECTIVE_EARTH_RADIUS_M, velocity_mps, aspect,
            jammer_bounds,
            *jammer_arrays, self._stream_words, self._shape_table, self._alarm_rate_table,
            self._measures_range_rate, FALSE_ALARM_RANGE_RATE_MPS, placement.bin_low_rad,
            placement.bin_cumulative, placement.bin_count, placement.bin_width_rad)
        if rows_grown is not None:
            work.rows = rows_grown
        if detections_grown is not None:
            work.detections = detections_grown
        if alarms_grown is not None:
            work.alarms = alarms_grown
        rows, looks, found, alarms = counts
        if span_s is not None:
            self._work_looks = (rows, looks)
            self._last_looks = None
        total = found + alarms
        if total == 0:
            if not self.empty_scans:
                return []
            radars, _, _, _, _, row_time = work.rows
            return [self._empty_batch(radar, time_s) for radar, time_s in
                    zip(radars[:rows].tolist(), row_time[:rows].tolist(), strict=True)]
        if found:  # (times 10 in the kernel: the same product)
            np.log10(work.detections[3][:found], out=work.detections[6][:found])
        if alarms:
            np.sin(work.alarms[3][:alarms], out=work.alarms[5][:alarms])
        record = self.record_detections
        room = log.room(total) if record else None
        if room is not None:
            log_columns, log_first = room
        else:
            log_columns = (tuple(np.empty(total, dtype=column.dtype)
                                 for column in _NO_LOG_COLUMNS) if record else _NO_LOG_COLUMNS)
            log_first = 0
        out = (np.empty((total, 3)), np.empty(total), np.empty(total, dtype=np.intp),
               np.empty((total, 3)), np.empty((total, 3, 3)),
               np.empty((2, total)) if self._measures_range_rate else _NO_RATES)
        _placed_plots_into(
            counts, work.rows, work.detections, work.alarms, placement.scalars,
            EFFECTIVE_EARTH_RADIUS_M, ids, self.sigmas, self.accuracy_scale,
            self._threshold_snr, self.bias, self._has_bias, self.position_m, self.to_local,
            self._environment, self._measures_range_rate, record, _DETECTION_CODE,
            _FALSE_ALARM_CODE, log_first, log_columns, out)
        measured, snr_db, threat_id, position, covariance, rates = out
        if record:
            # Detections then false alarms, each in look then radar order: the log's stable
            # time order puts each look's detections before its false alarms.
            if room is not None:
                log.written(EventKind.DETECTION, found)
                log.written(EventKind.FALSE_ALARM, alarms)
            else:  # the log's block is full: its next one starts with these rows
                (log_time, log_kind, log_threat, _, _, log_sensor, _, _, log_value, east,
                 north, up) = log_columns
                log.add_kinds(log_kind, log_time, {
                    "threat_id": log_threat, "sensor_index": log_sensor, "value": log_value,
                    "east_m": east, "north_m": north, "up_m": up})
        radars, _, per_row, _, _, row_time = work.rows
        range_rate = rate_sigma = None
        if self._measures_range_rate:
            range_rate, rate_sigma = rates
        return self._batches(radars[:rows].tolist(), row_time[:rows].tolist(),
                             per_row[:rows].tolist(), measured, snr_db, threat_id, position,
                             covariance, range_rate, rate_sigma)

    def _detect_wave(self, rows: np.ndarray, radars: np.ndarray, look_times: np.ndarray,
                     look_of_row: np.ndarray, fractions: np.ndarray, at: LookPositions,
                     threat_rcs_m2: np.ndarray, visible_ids: np.ndarray,
                     velocity_mps: np.ndarray) -> _WaveDetections:
        """The detections, noise and false alarms of ``rows`` (at most one look a radar,
        rows into ``radars``, in look order), drawn from each radar's stream in its order
        (see :meth:`_looks`)."""
        ids = visible_ids
        radars, look_of_row = radars[rows], look_of_row[rows]
        radar_list = radars.tolist()
        # The wave's looks: their first row (rows of a look are contiguous) and fraction,
        # and each row's look among them (a handful of rows: Python lists beat NumPy here).
        first_list: list[int] = []
        row_look_list: list[int] = []
        previous = -1
        for row, look in enumerate(look_of_row.tolist()):
            if look != previous:
                first_list.append(row)
                previous = look
            row_look_list.append(len(first_list) - 1)
        first = np.array(first_list, dtype=np.intp)
        row_look = np.array(row_look_list, dtype=np.intp)
        looks = look_of_row[first]
        look_fraction = fractions[looks]
        # Each row's uniforms and fluctuations drawn straight into their rows (the same
        # numbers as drawing arrays and copying them).
        draws = np.empty((radars.size, ids.size))
        fluctuations = np.empty((radars.size, ids.size))
        for row, radar in enumerate(radar_list):
            rng = self._rngs[radar]
            rng.random(out=draws[row])
            shape = self._shapes[radar]
            if shape == 0.0:  # a steady target: no draw (detection_table.fluctuation)
                fluctuations[row] = 1.0
            else:
                rng.standard_gamma(shape, out=fluctuations[row])
                fluctuations[row] /= shape
        aspect = self.aspect_rcs_m2 if self.aspect_rcs_m2 is not None else _NO_ASPECT
        jammer_bounds = np.zeros(looks.size + 1, dtype=np.intp)
        jammers = _NO_JAMMERS
        jammer_view, clutter_view = _IN_VIEW, _IN_VIEW
        if self.jammers is not None or self.terrain_mask is not None:
            per_look, jammer_views, clutter_views = [], [], []
            for look, fraction, start, stop in zip(
                    looks.tolist(), look_fraction.tolist(), first_list,
                    [*first_list[1:], rows.size], strict=True):
                position, height = at.of(fraction)
                look_jammers = self._active_jammers(float(look_times[look]), position, height,
                                                    ids)
                per_look.append(look_jammers)
                if self.terrain_mask is not None:  # what the DEM hides neither jams nor clutters
                    jammer_views.append(self.terrain_mask.jammers_in_view(
                        radars[start:stop], look_jammers[0]))
                    clutter_views.append(self.terrain_mask.clutter_in_view(
                        radars[start:stop], self._environment[radars[start:stop], 0] > 0.0,
                        position[ids]))
            jammer_bounds[1:] = np.cumsum([look_jammers[2].size for look_jammers in per_look])
            jammers = tuple(np.concatenate([look_jammers[part] for look_jammers in per_look])
                            for part in range(4))
            if self.terrain_mask is not None:
                jammer_view = np.zeros((radars.size, max(1, int(np.diff(jammer_bounds).max()))),
                                       dtype=np.bool_)
                for start, view in zip(first_list, jammer_views, strict=True):
                    jammer_view[start:start + view.shape[0], :view.shape[1]] = view
                clutter_view = np.ascontiguousarray(np.concatenate(clutter_views))
        row, column, measured, snr, range_rate = _detect_looks(
            radars, row_look, look_fraction, self.position_m, self.to_local, self.horizon_m,
            self._table, at.start_position_m, at.end_position_m, at.start_height_m,
            at.end_height_m, threat_rcs_m2, ids, draws, fluctuations, self._pd_tables,
            TABLE_START_DB, TABLE_STEP_DB, self._environment, EFFECTIVE_EARTH_RADIUS_M,
            velocity_mps, aspect, jammer_bounds, *jammers, jammer_view, clutter_view)
        if self.terrain_mask is not None:
            detected_at = at.of_rows(look_fraction[row_look[row]], ids[column])
            seen = self.terrain_mask.visible(radars[row], detected_at)
            row, column, measured = row[seen], column[seen], measured[seen]
            snr, range_rate = snr[seen], range_rate[seen]
        # Position errors, row by row (the kernel gives detections in row order), drawn
        # into one array; then range-rate errors, by radars that measure range rate.
        per_radar = np.bincount(row, minlength=radars.size).tolist()
        noise = np.empty((row.size, 3))
        rate_noise = np.zeros(row.size) if self._measures_range_rate else None
        start = 0
        for radar, count in zip(radar_list, per_radar, strict=True):
            if count:
                stop = start + count
                self._rngs[radar].standard_normal(out=noise[start:stop])
                start = stop
        if rate_noise is not None:
            start = 0
            for radar, count in zip(radar_list, per_radar, strict=True):
                stop = start + count
                if count and self._environment[radar, 8] > 0:
                    self._rngs[radar].standard_normal(out=rate_noise[start:stop])
                start = stop
            range_rate = range_rate + self._environment[radars[row], 8] * rate_noise
        alarms, alarm_counts, alarm_range_rate = self._false_alarms(radars)
        return _WaveDetections(rows[row], column, measured, snr, range_rate, noise, alarms,
                               rows.repeat(alarm_counts), alarm_range_rate)

    def sight(self, time_s: float, radars: np.ndarray, position_m: np.ndarray,
              height_m: np.ndarray, rcs_m2: np.ndarray, rngs: Sequence[np.random.Generator],
              plot_id: int) -> list[DetectionBatch]:
        """One look at ``time_s`` by each of ``radars`` at other objects than the threats
        (registration references, :mod:`iadsim.sensors.reference_targets`), drawing from
        ``rngs`` (one generator per radar of the network) so that the threats' draws are
        unchanged: the same coverage, Pd, clutter, terrain masking, noise and bias as a
        threat's plot (no jamming, no range rate). ``position_m`` (k, 3) scenario ENU,
        ``height_m`` (k,) above ground, ``rcs_m2`` (k,); the plots carry ``plot_id`` as
        their truth id. Returns one batch per radar that saw any."""
        ids = np.arange(position_m.shape[0])
        if ids.size == 0 or radars.size == 0:
            return []
        draws = np.empty((radars.size, ids.size))
        fluctuations = np.empty((radars.size, ids.size))
        for row, radar in enumerate(radars.tolist()):
            draws[row] = rngs[radar].random(ids.size)
            fluctuations[row] = fluctuation(rngs[radar], self._shapes[radar], ids.size)
        clutter_view = _IN_VIEW
        if self.terrain_mask is not None:  # what the DEM hides does not clutter
            clutter_view = self.terrain_mask.clutter_in_view(
                radars, self._environment[radars, 0] > 0.0, position_m)
        row, column, measured, snr, _ = _detect(
            radars, self.position_m, self.to_local, self.horizon_m, self._table, position_m,
            height_m, rcs_m2, ids, draws, fluctuations, self._pd_tables, TABLE_START_DB,
            TABLE_STEP_DB, self._environment, EFFECTIVE_EARTH_RADIUS_M,
            np.zeros((ids.size, 3)), _NO_ASPECT, *_NO_JAMMERS, _IN_VIEW, clutter_view)
        if self.terrain_mask is not None:
            seen = self.terrain_mask.visible(radars[row], position_m[column])
            row, measured, snr = row[seen], measured[seen], snr[seen]
        batches = []
        for index, radar in enumerate(radars.tolist()):
            mine = row == index
            count = int(mine.sum())
            if count == 0:
                continue
            sigmas = measurement_sigmas(snr[mine], self.sigmas[[radar] * count],
                                        self.accuracy_scale[[radar] * count])
            plot = (measured[mine] + sigmas * rngs[radar].standard_normal((count, 3))
                    + self.bias[radar])
            plot[:, 0] = np.maximum(plot[:, 0], 1.0)
            plot[:, 1] = np.mod(plot[:, 1], 2 * np.pi)
            position, covariance = converted_measurements(
                plot, np.full(count, radar), self.position_m, self.to_local, sigmas)
            batches.append(DetectionBatch(radar, time_s, plot[:, 0], plot[:, 1], plot[:, 2],
                                          10.0 * np.log10(snr[mine]),
                                          np.full(count, plot_id), position, covariance))
        return batches

    def _active_jammers(self, time_s: float, threat_position_m: np.ndarray,
                        threat_height_m: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, ...]:
        """Position (m, 3), height (m,), ERP (m,) and bandwidth (m,) of the jammers on at
        ``time_s``: the stand-off ones in their window and those carried by ``ids``."""
        jammers = self.jammers
        if jammers is None:
            return _NO_JAMMERS
        on = (jammers.fixed_start_s <= time_s) & (time_s < jammers.fixed_end_s)
        carriers = ids[jammers.carried_erp_w[ids] > 0]
        return (np.concatenate([jammers.fixed_position_m[on], threat_position_m[carriers]]),
                np.concatenate([jammers.fixed_height_m[on], threat_height_m[carriers]]),
                np.concatenate([jammers.fixed_erp_w[on], jammers.carried_erp_w[carriers]]),
                np.concatenate([jammers.fixed_bandwidth_hz[on],
                                jammers.carried_bandwidth_hz[carriers]]))

    def _false_alarm_range_rates(self, radar: int, count: int) -> np.ndarray:
        """Range rates of a radar's false alarms: uniform over +-FALSE_ALARM_RANGE_RATE_MPS
        (noise in any Doppler cell) for a radar that measures range rate, else NaN."""
        if self._environment[radar, 8] <= 0 or count == 0:
            return np.full(count, np.nan)
        return self._rngs[radar].uniform(-FALSE_ALARM_RANGE_RATE_MPS,
                                         FALSE_ALARM_RANGE_RATE_MPS, count)

    def _false_alarms(self, radars: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """False alarms of one scan of each of ``radars``: a Poisson count per radar, uniform
        over its volume's cells. Returns the plots (k, 3) (range m, azimuth rad, elevation
        rad), radar by radar, the count of each of ``radars`` (its size) and, when some
        radar measures range rate, their range rates (k,) (NaN for the others). Each radar
        draws from its own stream: its count, its plots' uniforms, then their range rates."""
        counts, uniforms, rates = [], [], []
        for radar in radars.tolist():
            rng = self._rngs[radar]
            count = int(rng.poisson(self._alarm_rate[radar]))
            counts.append(count)
            if count:
                uniforms.append(rng.random((4, count)))
            if self._measures_range_rate:
                rates.append(self._false_alarm_range_rates(radar, count))
        alarm_counts = np.array(counts, dtype=np.intp)
        range_rate = np.concatenate(rates) if self._measures_range_rate else None
        if not uniforms:
            return _NO_ALARMS, alarm_counts, range_rate
        plots = place_false_alarms_of_volumes(np.concatenate(uniforms, axis=1),
                                              radars.repeat(alarm_counts), self._placement)
        return plots, alarm_counts, range_rate


@njit(cache=True)
def _schedule_into(next_scan_s: np.ndarray, revisit_s: np.ndarray, outage_table: np.ndarray,
                   outage_count: np.ndarray, start_s: float, end_s: float, row_work: tuple
                   ) -> tuple[tuple, int, int, bool]:
    """:func:`_scheduled_rows` into the arrays ``row_work`` (see :class:`_ScanWork`; new
    ones when the step has more looks than they hold): the radar and look of each row, the
    look times and fractions. Returns the arrays, the rows, the looks and whether the
    arrays are new."""
    radars, look_of_row, per_row, look_times, fractions, row_time = row_work
    limit_s = end_s + 1e-9
    radar_count = next_scan_s.size
    total = 0
    for radar in range(radar_count):
        look_s = next_scan_s[radar]
        while look_s <= limit_s:
            total += 1
            look_s += revisit_s[radar]
    grew = total > radars.size
    if grew:
        size = 2 * total
        radars, look_of_row = np.empty(size, dtype=np.intp), np.empty(size, dtype=np.intp)
        per_row = np.empty(size, dtype=np.intp)
        look_times, fractions, row_time = np.empty(size), np.empty(size), np.empty(size)
    rows = 0
    for radar in range(radar_count):
        look_s = next_scan_s[radar]
        if look_s > limit_s:
            continue
        while look_s <= limit_s:
            down = False
            for window in range(outage_count[radar]):
                if outage_table[radar, window, 0] <= look_s < outage_table[radar, window, 1]:
                    down = True
                    break
            if not down:
                # Insert in time order, after the equal times (rows are made radar by
                # radar, so a look's radars stay in radar order).
                slot = rows
                while slot > 0 and row_time[slot - 1] > look_s:
                    row_time[slot] = row_time[slot - 1]
                    radars[slot] = radars[slot - 1]
                    slot -= 1
                row_time[slot] = look_s
                radars[slot] = radar
                rows += 1
            look_s += revisit_s[radar]
        next_scan_s[radar] = look_s
    looks = 0
    for row in range(rows):
        if looks == 0 or row_time[row] != look_times[looks - 1]:
            look_times[looks] = row_time[row]
            looks += 1
        look_of_row[row] = looks - 1
    span_s = end_s - start_s
    for look in range(looks):
        fractions[look] = (look_times[look] - start_s) / span_s if span_s > 0 else 1.0
    return (radars, look_of_row, per_row, look_times, fractions, row_time), rows, looks, grew


@njit(cache=True)
def _scheduled_rows(next_scan_s: np.ndarray, revisit_s: np.ndarray, outage_table: np.ndarray,
                    outage_count: np.ndarray, start_s: float, end_s: float
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every radar's looks in ``(start_s, end_s]`` (within 1 ns) at its own revisit times
    from ``next_scan_s`` (advanced in place past ``end_s``, by repeated sums of
    ``revisit_s`` as :meth:`RadarNetwork.scheduled_looks` always summed them); a radar in
    one of its outage windows (``outage_table[r, :outage_count[r]]``, start and end, end
    excluded) at a look skips it. Returns the distinct look times in time order, per row
    (look, then radar order) the radar and its look, and each look's fraction of the step
    (1 when the step is empty)."""
    none = np.zeros(0, dtype=np.intp)
    nothing = np.zeros(0)
    row_work, rows, looks, _ = _schedule_into(next_scan_s, revisit_s, outage_table,
                                              outage_count, start_s, end_s,
                                              (none, none, none, nothing, nothing, nothing))
    radars, look_of_row, _, look_times, fractions, _ = row_work
    return (look_times[:looks].copy(), radars[:rows].copy(), look_of_row[:rows].copy(),
            fractions[:looks].copy())


@njit(cache=True)
def _detect(radars: np.ndarray, radar_position_m: np.ndarray, to_local: np.ndarray,
            radar_horizon_m: np.ndarray, table: np.ndarray, threat_position_m: np.ndarray,
            threat_height_m: np.ndarray, threat_rcs_m2: np.ndarray, ids: np.ndarray,
            draws: np.ndarray, fluctuations: np.ndarray, pd_tables: np.ndarray,
            table_start_db: float, table_step_db: float, environment: np.ndarray,
            earth_radius_m: float, velocity_mps: np.ndarray, aspect_rcs_m2: np.ndarray,
            jammer_position_m: np.ndarray, jammer_height_m: np.ndarray,
            jammer_erp_w: np.ndarray, jammer_bandwidth_hz: np.ndarray,
            jammer_in_view: np.ndarray, clutter_in_view: np.ndarray,
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Which threats ``ids`` each of the ``radars`` detects, given one uniform draw and one
    RCS fluctuation (look SNR over mean SNR) per (radar, threat): a threat is in view within
    the instrumented range, the 4/3-earth horizon, the azimuth sector and the elevation
    limits, and detected when its draw falls below the steady-target Pd of the look's
    single-pulse SINR, interpolated in the radar's row of ``pd_tables`` (tabulated from
    :func:`iadsim.sensors.detection.probability_of_detection`). The SINR is the SNR over
    ``1 + C / (N I) + J / N``
    (:func:`iadsim.sensors.radar_environment.look_interference`: residual clutter when the
    radar has a surface, jamming when jammers are on, their geometry taken once per radar).
    Returns the row (into ``radars``) and column (into ``ids``) of each detection, its true
    (range, azimuth, elevation), its linear dwell SINR (all pulses) and its true range rate
    (m/s), radar by radar. ``table`` rows: max range, min and max elevation, single-pulse
    SNR at 1 m for 1 m^2, pulses per dwell, sector centre and half width. ``environment``
    rows: :func:`iadsim.sensors.radar_environment.environment_row`. ``aspect_rcs_m2``:
    (n, 3) nose/side/tail RCS, NaN rows (or no rows) for threats seen at ``threat_rcs_m2``
    from every side. With a DEM, ``jammer_in_view`` (radars, jammers) and
    ``clutter_in_view`` (radars, ids) say which jammers and which targets' clutter cells
    the terrain leaves in view; (0, 0): all."""
    capacity = radars.size * ids.size  # at most every threat by every radar
    rows = np.empty(capacity, dtype=np.intp)
    columns = np.empty(capacity, dtype=np.intp)
    measured = np.empty((capacity, 3))
    snrs = np.empty(capacity)
    range_rates = np.empty(capacity)
    found = _detect_into(radars, radar_position_m, to_local, radar_horizon_m, table,
                         threat_position_m, threat_height_m, threat_rcs_m2, ids, draws,
                         fluctuations, pd_tables, _NO_PD_BOUNDS, table_start_db,
                         table_step_db, environment,
                         earth_radius_m, velocity_mps, aspect_rcs_m2, jammer_position_m,
                         jammer_height_m, jammer_erp_w, jammer_bandwidth_hz, jammer_in_view,
                         clutter_in_view, 0, rows, columns, measured, snrs, range_rates, 0)
    return (rows[:found].copy(), columns[:found].copy(), measured[:found].copy(),
            snrs[:found].copy(), range_rates[:found].copy())


@njit(cache=True)
def _detect_into(radars: np.ndarray, radar_position_m: np.ndarray, to_local: np.ndarray,
                 radar_horizon_m: np.ndarray, table: np.ndarray, threat_position_m: np.ndarray,
                 threat_height_m: np.ndarray, threat_rcs_m2: np.ndarray, ids: np.ndarray,
                 draws: np.ndarray, fluctuations: np.ndarray, pd_tables: np.ndarray,
                 pd_bounds: np.ndarray, table_start_db: float, table_step_db: float,
                 environment: np.ndarray, earth_radius_m: float, velocity_mps: np.ndarray,
                 aspect_rcs_m2: np.ndarray, jammer_position_m: np.ndarray,
                 jammer_height_m: np.ndarray, jammer_erp_w: np.ndarray,
                 jammer_bandwidth_hz: np.ndarray, jammer_in_view: np.ndarray,
                 clutter_in_view: np.ndarray, row_offset: int, rows: np.ndarray,
                 columns: np.ndarray, measured: np.ndarray, snrs: np.ndarray,
                 range_rates: np.ndarray, found: int) -> int:
    """The loop of :func:`_detect`, writing each detection into the caller's arrays from
    index ``found`` on (its row offset by ``row_offset``); returns the new count. One set
    of output arrays serves every look of :func:`_detect_looks`. ``pd_bounds``:
    :func:`pd_table_bounds` of ``pd_tables`` (no rows: every Pd interpolated), which decide
    most draws without reading the large tables (the same detections)."""
    last = pd_tables.shape[1] - 1
    bounded = pd_bounds.shape[0] > 0
    has_aspect = aspect_rcs_m2.shape[0] > 0
    jammed = jammer_erp_w.size > 0
    no_jammers = np.empty((0, 5))
    every_jammer = np.zeros(0, dtype=np.bool_)
    jammers_masked = jammer_in_view.shape[0] > 0
    clutter_masked = clutter_in_view.shape[0] > 0
    for row in range(radars.size):
        radar = radars[row]
        max_range, min_elevation, max_elevation = table[radar, 0], table[radar, 1], table[radar, 2]
        snr_constant, pulses = table[radar, 3], table[radar, 4]
        sector_center, sector_half = table[radar, 5], table[radar, 6]
        radar_environment = environment[radar]
        # The jammers' geometry at this radar, once per look (not once per threat).
        jammers = no_jammers
        if jammed and environment[radar, 4] > 0.0:
            jammers = jammer_geometry(radar_position_m[radar], environment[radar, 4],
                                      environment[radar, 5], radar_horizon_m[radar],
                                      earth_radius_m, jammer_position_m, jammer_height_m,
                                      jammer_erp_w, jammer_bandwidth_hz,
                                      jammer_in_view[row] if jammers_masked else every_jammer)
        rotation = to_local[radar]
        for column in range(ids.size):
            threat = ids[column]
            east = threat_position_m[threat, 0] - radar_position_m[radar, 0]
            north = threat_position_m[threat, 1] - radar_position_m[radar, 1]
            up = threat_position_m[threat, 2] - radar_position_m[radar, 2]
            # The coverage geometry shared with the tracker, the fire-control radars and
            # the coverage maps (one implementation).
            in_view, slant, azimuth, elevation = look_geometry(
                east, north, up, rotation, threat_height_m[threat], max_range,
                radar_horizon_m[radar], min_elevation, max_elevation, sector_center,
                sector_half)
            if not in_view:
                continue
            rcs = threat_rcs_m2[threat]
            closing = (velocity_mps[threat, 0] * east + velocity_mps[threat, 1] * north
                       + velocity_mps[threat, 2] * up)
            if has_aspect and not np.isnan(aspect_rcs_m2[threat, 0]):
                rcs = aspect_rcs(aspect_rcs_m2[threat], closing, slant,
                                  velocity_mps[threat])
            snr = (snr_constant * rcs / max(slant, 1.0) ** 4
                   * fluctuations[row, column])
            if snr <= 0.0:
                continue
            interference = look_interference(radar_environment, snr_constant, max(slant, 1.0),
                                             elevation, east, north, up, jammers,
                                             earth_radius_m,
                                             not clutter_masked or clutter_in_view[row, column])
            if interference > 0.0:
                snr = snr / (1.0 + interference)
            position = (10.0 * np.log10(snr) - table_start_db) / table_step_db
            draw = draws[row, column]
            if position <= 0.0:
                detected = draw < pd_tables[radar, 0]
            elif position >= last:
                detected = draw < 1.0
            else:
                index = int(position)
                block = index >> PD_BLOCK_SHIFT
                if bounded and draw < pd_bounds[radar, block, 0]:
                    detected = True  # below every Pd of the block
                elif bounded and draw >= pd_bounds[radar, block, 1]:
                    detected = False  # above every Pd of the block
                else:
                    fraction = position - index
                    pd = (pd_tables[radar, index] * (1.0 - fraction)
                          + pd_tables[radar, index + 1] * fraction)
                    detected = draw < pd
            if not detected:
                continue
            rows[found], columns[found], snrs[found] = row + row_offset, column, snr * pulses
            measured[found, 0], measured[found, 1], measured[found, 2] = slant, azimuth, elevation
            range_rates[found] = closing / max(slant, 1.0)
            found += 1
    return found


@njit(cache=True)
def _positions_at_look(fraction: float, ids: np.ndarray, start_position_m: np.ndarray,
                       end_position_m: np.ndarray, start_height_m: np.ndarray,
                       end_height_m: np.ndarray, position: np.ndarray,
                       height: np.ndarray) -> None:
    """Write the threats ``ids``' positions and heights at a look ``fraction`` of the way
    through the step (1: its end) into ``position`` and ``height``: the straight-line
    interpolation both look kernels use."""
    if fraction >= 1.0:
        for threat in ids:
            position[threat] = end_position_m[threat]
            height[threat] = end_height_m[threat]
    else:
        for threat in ids:
            for axis in range(3):
                position[threat, axis] = start_position_m[threat, axis] + fraction * (
                    end_position_m[threat, axis] - start_position_m[threat, axis])
            height[threat] = start_height_m[threat] + fraction * (
                end_height_m[threat] - start_height_m[threat])


@njit(cache=True)
def _detect_looks(radars: np.ndarray, row_look: np.ndarray, look_fraction: np.ndarray,
                  radar_position_m: np.ndarray, to_local: np.ndarray,
                  radar_horizon_m: np.ndarray, table: np.ndarray,
                  start_position_m: np.ndarray, end_position_m: np.ndarray,
                  start_height_m: np.ndarray, end_height_m: np.ndarray,
                  threat_rcs_m2: np.ndarray, ids: np.ndarray, draws: np.ndarray,
                  fluctuations: np.ndarray, pd_tables: np.ndarray, table_start_db: float,
                  table_step_db: float, environment: np.ndarray, earth_radius_m: float,
                  velocity_mps: np.ndarray, aspect_rcs_m2: np.ndarray,
                  jammer_bounds: np.ndarray, jammer_position_m: np.ndarray,
                  jammer_height_m: np.ndarray, jammer_erp_w: np.ndarray,
                  jammer_bandwidth_hz: np.ndarray, jammer_in_view: np.ndarray,
                  clutter_in_view: np.ndarray,
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_detect` of several looks in one call: row ``i`` is radar ``radars[i]``
    looking at ``look_fraction[row_look[i]]`` of the way through the step, the rows of a
    look contiguous. A look sees the threats moved linearly from ``start_position_m``
    (``start_height_m``) towards ``end_position_m`` (``end_height_m``), element by element
    as :meth:`LookPositions.of` moves them, and the end positions themselves from a
    fraction of 1 on; the jammers of look ``k`` are rows ``jammer_bounds[k]`` to
    ``jammer_bounds[k + 1]`` of the jammer arrays. With a DEM, ``jammer_in_view`` (rows,
    at least the most jammers of a look) and ``clutter_in_view`` (rows, ids); (0, 0): all
    in view. Returns what :func:`_detect` returns, rows into ``radars``: every look's
    detections written once, into one set of arrays (:func:`_detect_into`)."""
    capacity = radars.size * ids.size
    rows = np.empty(capacity, dtype=np.intp)
    columns = np.empty(capacity, dtype=np.intp)
    measured = np.empty((capacity, 3))
    snrs = np.empty(capacity)
    range_rates = np.empty(capacity)
    position = np.empty_like(end_position_m)
    height = np.empty_like(end_height_m)
    jammers_masked = jammer_in_view.shape[0] > 0
    clutter_masked = clutter_in_view.shape[0] > 0
    found = 0
    start = 0
    while start < radars.size:
        look = row_look[start]
        stop = start + 1
        while stop < radars.size and row_look[stop] == look:
            stop += 1
        _positions_at_look(look_fraction[look], ids, start_position_m, end_position_m,
                           start_height_m, end_height_m, position, height)
        first_jammer, last_jammer = jammer_bounds[look], jammer_bounds[look + 1]
        jammer_view = (jammer_in_view[start:stop, :last_jammer - first_jammer].copy()
                       if jammers_masked else jammer_in_view)
        clutter_view = clutter_in_view[start:stop].copy() if clutter_masked else clutter_in_view
        found = _detect_into(
            radars[start:stop], radar_position_m, to_local, radar_horizon_m, table, position,
            height, threat_rcs_m2, ids, draws[start:stop], fluctuations[start:stop],
            pd_tables, _NO_PD_BOUNDS, table_start_db, table_step_db, environment,
            earth_radius_m,
            velocity_mps, aspect_rcs_m2, jammer_position_m[first_jammer:last_jammer],
            jammer_height_m[first_jammer:last_jammer], jammer_erp_w[first_jammer:last_jammer],
            jammer_bandwidth_hz[first_jammer:last_jammer], jammer_view, clutter_view, start,
            rows, columns, measured, snrs, range_rates, found)
        start = stop
    return (rows[:found].copy(), columns[:found].copy(), measured[:found].copy(),
            snrs[:found].copy(), range_rates[:found].copy())


@njit(cache=True)
def _draw_and_detect_into(schedule: bool, next_scan_s: np.ndarray, revisit_s: np.ndarray,
                          outage_table: np.ndarray, outage_count: np.ndarray, start_s: float,
                          end_s: float, given_rows: int, given_looks: int, row_work: tuple,
                          detection_work: tuple, alarm_work: tuple,
                          radar_position_m: np.ndarray, to_local: np.ndarray,
                          radar_horizon_m: np.ndarray, table: np.ndarray,
                          start_position_m: np.ndarray, end_position_m: np.ndarray,
                          start_height_m: np.ndarray, end_height_m: np.ndarray,
                          threat_rcs_m2: np.ndarray, ids: np.ndarray, pd_tables: np.ndarray,
                          pd_bounds: np.ndarray, table_start_db: float, table_step_db: float,
                          environment: np.ndarray, earth_radius_m: float,
                          velocity_mps: np.ndarray, aspect_rcs_m2: np.ndarray,
                          jammer_bounds: np.ndarray, jammer_position_m: np.ndarray,
                          jammer_height_m: np.ndarray, jammer_erp_w: np.ndarray,
                          jammer_bandwidth_hz: np.ndarray, streams: np.ndarray,
                          shapes: np.ndarray, alarm_rate: np.ndarray,
                          measures_range_rate: bool, alarm_range_rate_mps: float,
                          bin_low_rad: np.ndarray, bin_cumulative: np.ndarray,
                          bin_count: np.ndarray, bin_width_rad: np.ndarray):
    """The looks of a whole step detected, each row's draws taken inside, into the arrays
    of :class:`_ScanWork` (kept between steps; grown here when a step needs more, and
    returned, grown or not). With ``schedule`` the step's looks are first made here
    (:func:`_schedule_into`, the clocks ``next_scan_s`` advanced past ``end_s``);
    otherwise they are the first ``given_rows`` rows and ``given_looks`` looks of
    ``row_work``. Row ``i`` is radar ``radars[i]`` looking at ``fractions[look_of_row[i]]``
    of the step (rows of a look contiguous, looks in time order; no DEM); the jammers of
    look ``k`` are rows ``jammer_bounds[k]`` to ``jammer_bounds[k + 1]`` of the jammer
    arrays (none: no jammer arrays, ``jammer_bounds`` not read).

    Row by row, radar ``r`` draws from its stream (``streams[r]``,
    :func:`iadsim.engine.compiled_streams.stream_words`) exactly what
    :meth:`RadarNetwork._detect_wave` draws by NumPy calls, in its order: one uniform per
    threat in flight, one fluctuation per threat (``standard_gamma`` of ``shapes[r]`` over
    it; none when 0), three normals per detection, one normal per detection when it
    measures range rate (``environment[r, 8] > 0``), a Poisson count of false alarms (rate
    ``alarm_rate[r]``), their four uniforms a plot (bin, offset within the bin, range,
    azimuth; each ``count`` long, in that order) and, when some radar measures range rate,
    their range rates (uniform in +-``alarm_range_rate_mps`` for a radar that measures it,
    else NaN and no draw).

    Writes the detections (row, column, true measure (k, 3), linear dwell SINR, range rate
    with its error, standard normals (k, 3)) in row order, and the false alarms (row,
    radar, the four uniforms (4, f), elevation from
    :func:`iadsim.sensors.false_alarms._elevations`, range rate) in row order; the caller
    takes the SNR's log10 and the elevations' sine by NumPy and places the false alarms
    (:func:`_placed_plots_into`). Returns (rows, looks, detections, false alarms) and the
    three tuples of arrays, each None when the given arrays held the step (new arrays
    otherwise, which the caller keeps)."""
    rows_grew = False
    if schedule:
        row_work, rows, looks, rows_grew = _schedule_into(
            next_scan_s, revisit_s, outage_table, outage_count, start_s, end_s, row_work)
    else:
        rows, looks = given_rows, given_looks
    radars, look_of_row, _, _, fractions, _ = row_work
    (detection_row, columns, measured, snrs, range_rates, noise,
     snr_db) = detection_work
    alarm_row, alarm_radar, alarm_uniforms, alarm_elevation, alarm_rates, sine = alarm_work
    count = ids.size
    capacity = rows * count
    detections_grew = capacity > detection_row.size
    if detections_grew:
        size = 2 * capacity
        detection_row, columns = np.empty(size, dtype=np.intp), np.empty(size, dtype=np.intp)
        measured, snrs, range_rates = np.empty((size, 3)), np.empty(size), np.empty(size)
        noise, snr_db = np.empty((size, 3)), np.empty(size)
    position = np.empty_like(end_position_m)
    height = np.empty_like(end_height_m)
    draws = np.empty((1, count))
    fluctuations = np.empty((1, count))
    in_view = np.zeros((0, 0), dtype=np.bool_)
    jammed = jammer_erp_w.size > 0
    alarms_grew = False
    alarms = 0
    found = 0
    start = 0
    while start < rows:
        look = look_of_row[start]
        stop = start + 1
        while stop < rows and look_of_row[stop] == look:
            stop += 1
        _positions_at_look(fractions[look], ids, start_position_m, end_position_m,
                           start_height_m, end_height_m, position, height)
        first_jammer = last_jammer = 0
        if jammed:
            first_jammer, last_jammer = jammer_bounds[look], jammer_bounds[look + 1]
        for row in range(start, stop):
            radar = radars[row]
            generator = bit_generator(streams, radar)
            for column in range(count):
                draws[0, column] = draw_double(generator)
            shape = shapes[radar]
            if shape == 0.0:  # a steady target: no draw (detection_table.fluctuation)
                fluctuations[0, :] = 1.0
            else:
                for column in range(count):
                    fluctuations[0, column] = draw_gamma(generator, shape) / shape
            before = found
            found = _detect_into(
                radars[row:row + 1], radar_position_m, to_local, radar_horizon_m, table,
                position, height, threat_rcs_m2, ids, draws, fluctuations, pd_tables,
                pd_bounds, table_start_db, table_step_db, environment, earth_radius_m,
                velocity_mps,
                aspect_rcs_m2, jammer_position_m[first_jammer:last_jammer],
                jammer_height_m[first_jammer:last_jammer],
                jammer_erp_w[first_jammer:last_jammer],
                jammer_bandwidth_hz[first_jammer:last_jammer], in_view, in_view, row,
                detection_row, columns, measured, snrs, range_rates, found)
            for detection in range(before, found):
                for axis in range(3):
                    noise[detection, axis] = draw_normal(generator)
            if measures_range_rate:
                sigma = environment[radar, 8]
                for detection in range(before, found):
                    error = draw_normal(generator) if sigma > 0 else 0.0
                    range_rates[detection] = range_rates[detection] + sigma * error
            new = draw_poisson(generator, alarm_rate[radar])
            if alarms + new > alarm_row.size:
                grown = max(2 * alarm_row.size, alarms + new)
                more_rows = np.empty(grown, dtype=np.intp)
                more_rows[:alarms] = alarm_row[:alarms]
                more_uniforms = np.empty((4, grown))
                more_uniforms[:, :alarms] = alarm_uniforms[:, :alarms]
                more_rates = np.empty(grown)
                more_rates[:alarms] = alarm_rates[:alarms]
                more_radars = np.empty(grown, dtype=np.intp)
                more_radars[:alarms] = alarm_radar[:alarms]
                alarm_row, alarm_uniforms, alarm_rates = more_rows, more_uniforms, more_rates
                alarm_radar, alarm_elevation = more_radars, np.empty(grown)
                sine = np.empty(grown)
                alarms_grew = True
            for part in range(4):
                for index in range(alarms, alarms + new):
                    alarm_uniforms[part, index] = draw_double(generator)
            for index in range(alarms, alarms + new):
                alarm_row[index] = row
                alarm_radar[index] = radar
                alarm_rates[index] = np.nan
            if measures_range_rate and environment[radar, 8] > 0:
                for index in range(alarms, alarms + new):
                    alarm_rates[index] = (-alarm_range_rate_mps + 2.0 * alarm_range_rate_mps
                                          * draw_double(generator))
            alarms += new
        start = stop
    if alarms:
        alarm_elevation[:alarms] = _elevations(
            alarm_uniforms[0, :alarms], alarm_uniforms[1, :alarms], alarm_radar[:alarms],
            bin_low_rad, bin_cumulative, bin_count, bin_width_rad)
    # Only new arrays are returned (None: the given ones hold the step): each array
    # returned costs its boxing.
    return ((rows, looks, found, alarms), row_work if rows_grew else None,
            (detection_row, columns, measured, snrs, range_rates, noise, snr_db)
            if detections_grew else None,
            (alarm_row, alarm_radar, alarm_uniforms, alarm_elevation, alarm_rates, sine)
            if alarms_grew else None)


#: Stored codes of the scan's event kinds (for EventLog.add_kinds).
_DETECTION_CODE = kind_code(EventKind.DETECTION)
_FALSE_ALARM_CODE = kind_code(EventKind.FALSE_ALARM)


@njit(cache=True)
def _step_plots(radars: np.ndarray, detection_row: np.ndarray, column: np.ndarray,
                ids: np.ndarray, measured: np.ndarray, snr: np.ndarray, snr_db: np.ndarray,
                noise: np.ndarray, alarms: np.ndarray, alarm_row: np.ndarray,
                sigma_floor: np.ndarray, accuracy_scale: np.ndarray,
                threshold_snr: np.ndarray, bias: np.ndarray, has_bias: bool,
                radar_position_m: np.ndarray, to_local: np.ndarray, look_times: np.ndarray,
                look_of_row: np.ndarray, record: bool, detection_code: int,
                false_alarm_code: int):
    """:func:`_plots`, then the plots' positions and covariances in the scenario frame
    (:func:`iadsim.sensors.measurements.converted_measurements`) and, when ``record``, the
    event-log rows of the step: every detection then every false alarm, each in plot order
    (time, int8 kind code, int32 threat id, int16 radar, SNR dB or NaN, float32 positions
    (3, m)), the rows and dtypes :meth:`iadsim.events.EventLog.add` would store.

    Returns ``order``, ``radar_of``, the plots (m, 3), their SNR dB, threat ids, plots per
    row, positions (m, 3), covariances (m, 3, 3) and the log rows."""
    order, row_of, radar_of, plots, sigmas, plot_snr_db, threat_id, per_row = _plots(
        radars, detection_row, column, ids, measured, snr, snr_db, noise, alarms, alarm_row,
        sigma_floor, accuracy_scale, threshold_snr, bias, has_bias)
    position, covariance = _converted(plots, radar_of, radar_position_m, to_local, sigmas)
    total = order.size if record else 0
    log_time = np.empty(total)
    log_kind = np.empty(total, dtype=np.int8)
    log_threat = np.empty(total, dtype=np.int32)
    log_sensor = np.empty(total, dtype=np.int16)
    log_value = np.empty(total)
    log_position = np.empty((3, total), dtype=np.float32)
    detected = detection_row.size
    written = 0
    for alarm_pass in range(2 if record else 0):
        for plot in range(total):
            if (order[plot] >= detected) != (alarm_pass == 1):
                continue
            log_time[written] = look_times[look_of_row[row_of[plot]]]
            log_kind[written] = false_alarm_code if alarm_pass else detection_code
            log_threat[written] = threat_id[plot]
            log_sensor[written] = radar_of[plot]
            log_value[written] = plot_snr_db[plot]
            for axis in range(3):
                log_position[axis, written] = position[plot, axis]
            written += 1
    return (order, radar_of, plots, plot_snr_db, threat_id, per_row, position, covariance,
            (log_time, log_kind, log_threat, log_sensor, log_value, log_position))


@njit(cache=True)
def _placed_plots_into(counts: tuple, row_work: tuple, detection_work: tuple,
                       alarm_work: tuple, placement_scalars: np.ndarray,
                       earth_radius_m: float, ids: np.ndarray, sigma_floor: np.ndarray,
                       accuracy_scale: np.ndarray, threshold_snr: np.ndarray,
                       bias: np.ndarray, has_bias: bool, radar_position_m: np.ndarray,
                       to_local: np.ndarray, environment: np.ndarray,
                       measures_range_rate: bool, record: bool, detection_code: int,
                       false_alarm_code: int, log_first: int, log_columns: tuple,
                       out: tuple) -> None:
    """The plots of a step from what :func:`_draw_and_detect_into` wrote (``counts``: its
    rows, looks, detections and false alarms; the SNR's ``log10`` and the elevations'
    sine taken by NumPy into ``detection_work`` and ``alarm_work`` in between): the false
    alarms placed in their volumes (:func:`iadsim.sensors.false_alarms._place`), every
    plot made row by row (:func:`_plots`) and converted to the scenario frame
    (:func:`iadsim.sensors.measurements._converted`), and, when ``record``, the step's
    event-log rows written into ``log_columns`` (an :class:`iadsim.events.EventLog`
    block's stored columns, :meth:`~iadsim.events.EventLog.room`) from row ``log_first``:
    every detection then every false alarm, each in plot order, the rows
    :meth:`~iadsim.events.EventLog.add_kinds` would store (the caller then says they were
    :meth:`~iadsim.events.EventLog.written`). Writes each row's plots and time into
    ``row_work``.

    Writes into ``out`` (new arrays of the caller's, of which the step's batches are
    views; returning them from here would cost their boxing) the plots (m, 3), their SNR
    dB, threat ids (intp), positions (m, 3), covariances (m, 3, 3) and, when
    ``measures_range_rate``, each plot's range rate and its sigma (2, m)."""
    rows, _, found, alarms = counts
    radars, look_of_row, per_row, look_times, _, row_time = row_work
    detection_row, column, measured, snr, range_rate, noise, snr_db = detection_work
    alarm_row, alarm_radar, alarm_uniforms, alarm_elevation, alarm_rates, sine = alarm_work
    for detection in range(found):  # the SNR's log10, by NumPy, to dB
        snr_db[detection] = 10.0 * snr_db[detection]
    placed = _place(alarm_elevation[:alarms], sine[:alarms], alarm_uniforms[2, :alarms],
                    alarm_uniforms[3, :alarms], alarm_radar[:alarms], placement_scalars,
                    earth_radius_m)
    order, row_of, radar_of, plots, sigmas, plot_snr_db, threat_id, plots_per_row = _plots(
        radars[:rows], detection_row[:found], column[:found], ids, measured[:found],
        snr[:found], snr_db[:found], noise[:found], placed, alarm_row[:alarms], sigma_floor,
        accuracy_scale, threshold_snr, bias, has_bias)
    position, covariance = _converted(plots, radar_of, radar_position_m, to_local, sigmas)
    total = order.size
    for row in range(rows):
        per_row[row] = plots_per_row[row]
        row_time[row] = look_times[look_of_row[row]]
    out_plots, out_snr_db, out_threat_id, out_position, out_covariance, rates = out
    out_plots[:] = plots
    out_snr_db[:] = plot_snr_db
    out_threat_id[:] = threat_id
    out_position[:] = position
    out_covariance[:] = covariance
    if measures_range_rate:
        for plot in range(total):
            index = order[plot]
            rates[0, plot] = (range_rate[index] if index < found
                              else alarm_rates[index - found])
            rates[1, plot] = environment[radar_of[plot], 8]
    if record:
        (log_time, log_kind, log_threat, log_track, log_interceptor, log_sensor, log_battery,
         log_asset, log_value, log_east, log_north, log_up) = log_columns
        written = log_first
        for alarm_pass in range(2):
            for plot in range(total):
                if (order[plot] >= found) != (alarm_pass == 1):
                    continue
                log_time[written] = row_time[row_of[plot]]
                log_kind[written] = false_alarm_code if alarm_pass else detection_code
                log_threat[written] = threat_id[plot]
                log_track[written] = -1
                log_interceptor[written] = -1
                log_sensor[written] = radar_of[plot]
                log_battery[written] = -1
                log_asset[written] = -1
                log_value[written] = plot_snr_db[plot]
                log_east[written] = position[plot, 0]
                log_north[written] = position[plot, 1]
                log_up[written] = position[plot, 2]
                written += 1


@njit(cache=True)
def _plots(radars: np.ndarray, detection_row: np.ndarray, column: np.ndarray, ids: np.ndarray,
           measured: np.ndarray, snr: np.ndarray, snr_db: np.ndarray, noise: np.ndarray,
           alarms: np.ndarray, alarm_row: np.ndarray, sigma_floor: np.ndarray,
           accuracy_scale: np.ndarray, threshold_snr: np.ndarray, bias: np.ndarray,
           has_bias: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                    np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The plots of a step's looks, row by row (each row's detections, then its false
    alarms): detections ``detection_row`` (k,) (rows into ``radars``, in row order) at
    their true ``measured`` (k, 3) with linear dwell SNR ``snr`` (k,) (``snr_db`` its dB,
    taken by NumPy) and standard normals ``noise`` (k, 3); false alarms ``alarms`` (f, 3)
    on rows ``alarm_row`` (f,) (in row order), their errors at the radar's threshold SNR.

    Each plot's 1-sigma errors are those of
    :func:`iadsim.sensors.accuracy.measurement_sigmas` and a detection's plot is its true
    measure plus sigma times noise, plus the radar's bias, then the range floored at 1 m
    and the azimuth wrapped to [0, 2 pi) as ``np.mod`` wraps it: operation by operation
    the NumPy arithmetic this replaces (no transcendental function, so the same bits).

    Returns ``order`` (each plot's index in the detections then the false alarms),
    ``row_of``, ``radar_of``, the plots (m, 3), their sigmas (m, 3), the SNR in dB (NaN
    for a false alarm), the threat id (-1 for a false alarm) and the plots per row.
    """
    detected, alarmed = detection_row.size, alarm_row.size
    total = detected + alarmed
    order = np.empty(total, dtype=np.intp)
    row_of = np.empty(total, dtype=np.intp)
    radar_of = np.empty(total, dtype=np.intp)
    plots = np.empty((total, 3))
    sigmas = np.empty((total, 3))
    plot_snr_db = np.empty(total)
    threat_id = np.empty(total, dtype=np.intp)
    per_row = np.zeros(radars.size, dtype=np.intp)
    two_pi = 2 * np.pi
    detection, alarm = 0, 0
    for out in range(total):
        if alarm >= alarmed or (detection < detected
                                and detection_row[detection] <= alarm_row[alarm]):
            row = detection_row[detection]
            radar = radars[row]
            look_snr = snr[detection]
            order[out] = detection
            plot_snr_db[out] = snr_db[detection]
            threat_id[out] = ids[column[detection]]
        else:
            row = alarm_row[alarm]
            radar = radars[row]
            look_snr = threshold_snr[radar]
            order[out] = detected + alarm
            plot_snr_db[out] = np.nan
            threat_id[out] = -1
        root = np.sqrt(2.0 * max(look_snr, 1e-3))
        for axis in range(3):
            thermal = accuracy_scale[radar, axis] / root
            floor = sigma_floor[radar, axis]
            sigmas[out, axis] = np.sqrt(floor * floor + thermal * thermal)
        if order[out] < detected:
            for axis in range(3):
                value = measured[detection, axis] + sigmas[out, axis] * noise[detection, axis]
                if has_bias:
                    value = value + bias[radar, axis]
                plots[out, axis] = value
            detection += 1
        else:
            for axis in range(3):
                plots[out, axis] = alarms[alarm, axis]
            alarm += 1
        plots[out, 0] = max(plots[out, 0], 1.0)
        # Python's float modulo, which np.mod follows: fmod, then the divisor's sign.
        plots[out, 1] = plots[out, 1] % two_pi
        row_of[out], radar_of[out] = row, radar
        per_row[row] += 1
    return order, row_of, radar_of, plots, sigmas, plot_snr_db, threat_id, per_row
