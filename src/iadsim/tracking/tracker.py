"""The central tracker: one track picture fused from every radar's reports.

The scans delivered in a step are processed in one pass, whatever their times (radars
looking at their own scheduled times, late deliveries): each track is predicted to each
report's own time and gated there, GNN assigns once (each track takes at most one report
from each scan), each assigned track is updated with its reports in time order (those of
one time combined), and a tentative track on every report no track took. Fusing the
scans in one pass, rather than radar after radar or time after time, gates every report
against the tracks as they were before the pass; most of a step's cost was NumPy's fixed
cost per call, paid once per pass (1.25x faster on a 1,000-threat raid than radar after
radar; with scheduled looks, 2.0x less tracker CPU in ``layered-defense`` than time after
time). A tentative track's later reports are gated again in turn, and a miss that
deletes it stops it taking later reports, as time after time would
(:meth:`CentralTracker._gated_in_turn`, :meth:`CentralTracker._alive_at`).

Track management (Blackman and Popoli, Design and Analysis of Modern Tracking Systems,
1999, sec. 7.2 and 7.3; Bar-Shalom, Li, Kirubarajan, Estimation with Applications to
Tracking and Navigation, 2001, sec. 11.6):

* Initiation from two plots. A new track starts at a report with zero velocity and a
  velocity prior of ``initial_speed_sigma_mps`` per axis (default
  ``max_target_speed_mps / sqrt(3)``, the largest per-axis spread of any isotropic
  velocity bounded by that speed). While it holds one plot, its gate is bounded by
  ``max_target_speed_mps`` times the time since that plot (plus the measurement errors),
  and it is deleted at the first scan that could have seen it again and did not: the
  second plot must come in the next scan, so the gate of a one-plot track is never wider
  than the fastest threat flies in one revisit. ``one_plot_misses`` (default 0) lets it
  survive that many such scans, its gate growing with the time since its plot (Stone
  Soup's ``MultiMeasurementInitiator`` with ``UpdateTimeStepsDeleter(2)`` keeps a one-plot
  track through one missed scan). The Kalman update with the second plot
  is then two-point differencing (the prior is wide against the plots' errors).
* Plot-level initiation (``initiation: plot_pairs``): a report no track takes is held
  as a plot, not made a one-plot track, and a track starts only when a later look's plot
  falls in its one-plot gate (the same track, state and times as the one-plot track
  taking its second plot; no event for a plot that never pairs;
  :mod:`iadsim.tracking.initiation`).
* Duplicate guard (``duplicate_guard``): a tentative track that lies in a live confirmed
  track's gate (position, their summed covariances) and never took a report of one scan
  of one radar with it is not confirmed while so (:meth:`CentralTracker._duplicates`).
* M-of-N confirmation: a tentative track is confirmed by its ``confirm_hits``-th report
  (the one that started it counts as the first; reports of one time count in radar
  order), and deleted once it has missed more than ``confirm_window - confirm_hits``
  opportunities. An opportunity is a scan by a radar that has already reported the
  track and whose coverage holds the track's predicted position (instrumented range,
  4/3-earth horizon, elevation limits and azimuth sector, as the detection kernel tests
  them): a radar that never saw a target does not count against it, so a target seen by
  one radar among several is judged on that radar's scans, and a target that leaves a
  radar's sector is not charged that radar's scans.
* Score confirmation (``confirmation: score``), instead of M of N: each tentative track
  carries its log-likelihood ratio (:mod:`iadsim.tracking.score`; Blackman and Popoli
  1999, sec. 6.2), raised by each plot and lowered by each missed opportunity, and is
  confirmed or deleted at Wald's thresholds from ``false_track_probability`` and
  ``missed_track_probability``.
* M of N and score (``confirmation: m_of_n_and_score``, the default): M of N confirms and
  deletes as above, but a track whose score is below the confirmation threshold is not confirmed
  (it stays tentative, and confirms at its first report past ``confirm_hits`` that finds
  the score there). The score's false-alarm density is taken where the plot lies, so
  near a radar, where false alarms crowd, clutter passing 4 of 6 is held back, while a
  real target, whose score mostly passes the threshold before its fourth hit, confirms
  when M of N would have.
* Deletion: any track is deleted when not updated for ``coast_timeout_s``
  (``tentative_timeout_s`` for a tentative one; for a confirmed one with ``deletion:
  coast_timeout``, by its misses with ``deletion: misses``, below), when its predicted
  position sigma (root of the trace of its position covariance) exceeds
  ``max_position_sigma_m``, or when the battle manager assesses it killed.
* Deletion by misses (``deletion: misses``), instead of the coast timeout
  for confirmed tracks: each confirmed track counts, radar by radar, the scans in a row
  that held it in their coverage (as for confirmation, :meth:`_covered`) and gave it no
  report, from the radar's last report of it; it is deleted once every radar that has
  reported it and whose last scan covered it has missed it ``deletion_misses`` scans in
  a row (:meth:`_count_misses`, :func:`pass_kernels.count_misses`), and not before
  ``coast_timeout_s`` without an update (never sooner than the coast timeout: a 1 s
  radar's six misses do not delete what the 30 s timeout kept). A radar that still sees
  it keeps it alive, whatever the others miss (a radar that saw it once at the edge of
  its detection range does not delete it). A track in no radar's coverage misses
  nothing: the covariance bound and ``coast_timeout_s``, stretched to ``deletion_misses
  + 1`` revisits of the slowest radar that has reported it, delete it. A time-out of a
  few revisits deletes a true track at its first run of that many misses (at Pd 0.72 and
  10 s scans, the 30 s timeout made 98 of 100 breaks, 60 of them after two misses, the
  third scan's report in flight: docs/models.md, "Deletion by missed scans"). This is the
  missed-update deletion of the references above (a track deleted after a run of scans
  without an update), a miss counted only where a radar could have seen the track: a true track of
  detection probability ``P_D`` is lost in a given window of scans with probability
  ``(1 - P_D)^deletion_misses`` (0.28^6 = 5e-4 at P_D = 0.72), whatever the revisit.
* Deletion by the probability of the misses (``deletion: miss_probability``, the
  default, with ``max_position_sigma_m`` 50 km): as by
  misses, but each radar's run that deletes is the shortest whose probability under the
  track's own detection probability by that radar (its faded hit ratio over its covered
  looks while confirmed, with a beta prior, folded in only at a report) is at most
  ``deletion_probability``: ``ceil(ln(deletion_probability) / ln(1 - P_D))`` (4 misses at
  P_D 0.9, 14 at 0.5 for 1e-4), so a live track is deleted in a window of looks with the
  same small probability whatever its P_D, and a track seen at every scan that vanishes
  goes sooner (:mod:`iadsim.tracking.deletion`). With ``deletion_detection_model: range``
  (an option, for its cost; the default is ``hit_ratio``) the P_D of each missed look is
  predicted at that look's range from the target's strength, estimated under the radar's
  design detection curve,
  and the run is deleted once its probability under that estimate is at most
  ``deletion_probability``: a target receding from the radar is allowed a longer run.
* Duplicate merging: two confirmed tracks are one target when their state difference
  passes the chi-square test at ``merge_probability`` (6 degrees of freedom, covariance
  the sum of theirs: Bar-Shalom, Li, Kirubarajan 2001, sec. 8.3 without the
  cross-covariance) at ``merge_checks`` successive checks (made at the end of
  :meth:`process_scans`, at most every ``MERGE_CHECK_INTERVAL_S``; a check counts when
  both tracks were updated since the last counted one, so a coasting track is left to
  the coast timeout), and they never took reports of one scan of one radar (a radar
  reports a target at most once a scan, so two such tracks are two resolved targets,
  however close; with ``merge_remembers_resolution``, also at later checks while they
  stay in each other's merge position gate). The younger is merged into the
  older, which keeps its number (logged as ``track_merge``). Two targets each seen by a
  different radar only, closer than their tracks' errors, are merged: a limit.
* Classification and motion model: after each :meth:`process_scans`, the tracks it
  updated are classified from their kinematics
  (:mod:`iadsim.tracking.classification`); those classified ballistic with at least
  ``ballistic_model_confidence`` are then predicted under gravity (the ballistic model;
  with ``ballistic_drag`` plus each track's re-entry drag from its estimated ballistic
  coefficient, :mod:`iadsim.tracking.drag`), the others at constant velocity, or, with
  ``motion_model: imm``, the
  confirmed ones with the IMM (constant velocity + constant acceleration, and with
  ``imm_models: cv_ca_gentle_ca`` a third, gentle constant-acceleration model,
  :mod:`iadsim.tracking.imm`, run compiled: :mod:`iadsim.tracking.imm_kernels`; with
  ``imm_for_manoeuvring`` only those classified
  aircraft or cruise missile), whose combined estimate the table's row holds, whose
  broadest model's prediction gates them and whose CV model's prediction (or combined
  one: ``imm_pricing``) prices their gated pairs in the assignment
  (:meth:`_imm_update`, :meth:`_imm_pricing`; a report only the broad gate holds is
  taken only when unambiguous, :meth:`_ambiguous_broad_pairs`), and whose
  combined acceleration the picture carries (:meth:`picture`).
* Bias estimation (``bias_estimation``): pairs of raw plots of one confirmed track by
  two radars estimate every radar's range, azimuth and elevation bias, and each radar's
  plots are corrected by its estimate before gating
  (:class:`iadsim.tracking.bias.BiasEstimator`). With references of known positions
  (:attr:`CentralTracker.registration`), their plots are associated, measure their
  radar's bias alone and are taken out of the scans (:mod:`iadsim.tracking.registration`).
* Segment association (``segment_association``): a confirmed track deleted by these rules
  (not on a kill judgement) is kept for a few revisits, and a track that confirms and
  continues it takes its number back (:mod:`iadsim.tracking.segments`).
* Track numbers are never reused, but for a re-joined segment's (its own target's).

The battle manager reads :class:`TrackPicture`; the truth is never visible here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat
from operator import attrgetter, getitem, is_

import numpy as np
from scipy.special import gammaincinv

from iadsim.events import EventKind, EventLog, empty_stored_columns, kind_code
from iadsim.scenario.schema import Tracking
from iadsim.sensors.coverage_geometry import coverage_matrix, coverage_table
from iadsim.sensors.radar import DetectionBatch, RadarSite
from iadsim.tracking import (
    assignment_pass,
    coast_gate,
    deletion,
    drag,
    imm,
    imm_kernels,
    kalman,
    kernels,
    lapack3,
    pass_kernels,
    score,
    table_kernels,
)
from iadsim.tracking.association import (
    BRUTE_FORCE_PAIRS,
    DENSE_ASSIGNMENT_SIZE,
    MAX_PAIRS_PER_TRACK,
    CrowdLimits,
    assign,
    coasting_distance2,
    gated_pairs,
    gated_pairs_by_slice,
    likelihood_log_odds,
    may_gate,
    may_gate_later,
    pair_distance2,
    priced_gain,
)
from iadsim.tracking.bias import MAX_PAIR_LAG_S, BiasEstimator, plot_jacobian
from iadsim.tracking.classification import (
    BALLISTIC,
    KINEMATIC_KINDS,
    ClassificationScratch,
    classify_table_rows,
)
from iadsim.tracking.initiation import HeldPlots, pair_gate_cov, plot_pairs
from iadsim.tracking.picture_kernels import confirmed_picture
from iadsim.tracking.plausibility import SpeedBound
from iadsim.tracking.registration import ReferenceRegistration
from iadsim.tracking.segments import DeletedSegments
from iadsim.world.atmosphere import STANDARD_GRAVITY_MPS2
from iadsim.world.earth import EARTH_RADIUS_M

TENTATIVE, CONFIRMED = 1, 2
#: Tracks predicted within a radar's instrumented range plus this margin are gated
#: against its reports; the others cannot be in its scan.
COVERAGE_MARGIN_M = 20_000.0
#: The columns of the track table, one row a track.
TABLE_COLUMNS = ("track_id", "state", "covariance", "time_s", "status", "hits", "misses",
                 "born_s", "last_update_s", "last_update_by_radar_s",
                 "vertical_acceleration_mps2", "kind_index", "kind_confidence",
                 "ballistic_acceleration_mps2")
#: Columns kept only with ``ballistic_drag``: each track's fit of its inverse ballistic
#: coefficient (:mod:`iadsim.tracking.drag`): the estimate (m^2/kg, 0 unknown), the fit's
#: faded sums, and the velocity and time its next deceleration is measured from.
DRAG_COLUMNS = ("inverse_ballistic_coefficient_m2_kg", "drag_information",
                "drag_weighted_sum", "drag_reference_velocity_mps", "drag_reference_time_s")
#: Columns kept only with ``motion_model: imm``: each track's model-conditioned estimates
#: (n, r, 9) and (n, r, 9, 9), mode probabilities (n, r) (r = 2 models, or 3 with
#: ``imm_models: cv_ca_gentle_ca``), and whether they are current
#: (False while the track is flown with the CV or the ballistic model).
IMM_COLUMNS = ("imm_state", "imm_covariance", "mode_probability", "imm_active")
#: Column kept only with ``confirmation: score``: each track's log-likelihood ratio.
SCORE_COLUMNS = ("score",)
#: Columns kept only with ``deletion: misses``: each confirmed track's scans in a row that
#: missed it by radar (n, radars), and whether that radar's last scan held it in its
#: coverage (n, radars).
DELETION_COLUMNS = ("missed_scans", "covering")
#: Columns kept only with ``deletion: miss_probability``: each confirmed track's covered
#: looks and detections by radar (faded counts, (n, radars)) and the run of misses that
#: deletes it (n, radars) (:mod:`iadsim.tracking.deletion`).
DETECTION_COLUMNS = ("covered_looks", "detected_looks", "misses_to_delete")
#: Columns kept only with ``deletion_detection_model: range``: each confirmed track's
#: strength log-likelihood by radar (n, radars, G), the misses since its radar's last
#: report, faded as the estimate fades (n, radars, G) and unfaded (the run under test, n,
#: radars, G), and the log-probability of that run (n, radars)
#: (:mod:`iadsim.tracking.deletion`).
RANGE_DETECTION_COLUMNS = ("strength_log_likelihood", "pending_log_likelihood",
                           "run_log_likelihood", "run_log_miss")
#: Columns kept only with ``bias_estimation``: each track's last raw plot from each radar
#: (n, radars, 3), its time, Jacobian by (range, azimuth, elevation) and covariance.
BIAS_COLUMNS = ("plot_position_m", "plot_time_s", "plot_jacobian", "plot_cov_m2")
#: The kinematic kinds (:data:`iadsim.tracking.classification.KINEMATIC_KINDS` indices)
#: flown with the IMM under ``motion_model: imm_for_manoeuvring``: those that manoeuvre on
#: lift (aircraft, cruise missiles), not drones (under 1 g) nor ballistic missiles (thrust
#: in boost, gravity after).
#: The kinematic classes flown at nearly constant speed (``coast_speed_gate``): all but
#: the ballistic missile.
WAYPOINT_KINDS = np.array([KINEMATIC_KINDS.index(kind)
                           for kind in ("cruise_missile", "aircraft", "drone")], dtype=np.int8)
MANOEUVRING_KINDS = np.array([KINEMATIC_KINDS.index("cruise_missile"),
                              KINEMATIC_KINDS.index("aircraft")], dtype=np.int8)
#: Duplicate checks are made at most this often (s of scenario time): a check costs a
#: gating of every confirmed track against every other.
MERGE_CHECK_INTERVAL_S = 2.0
#: Weight of the newest measurement in the smoothed vertical acceleration of a track.
ACCELERATION_SMOOTHING = 0.3
#: Shortest interval (s) over which a change of vertical speed is read at full weight as an
#: acceleration: two radars looking a few milliseconds apart (scheduled looks) would turn
#: the velocity noise of one update into hundreds of m/s^2 (a drone read as ballistic).
ACCELERATION_BASELINE_S = 1.0
GRAVITY_MPS2 = np.array([0.0, 0.0, -STANDARD_GRAVITY_MPS2])
#: Candidates of several slices, each small enough to test every pair, are gated in one
#: compiled call when they have at most this many pairs to test in all (the call's memory).
MOST_SMALL_SLICE_TESTS = 32 * BRUTE_FORCE_PAIRS
#: No known acceleration, for :func:`kernels.predict_candidate_positions`.
NO_ACCELERATION = np.zeros((0, 3))
#: No track ids, for :func:`picture_kernels.confirmed_picture` (every track wanted).
NO_TRACK_IDS = np.zeros(0, dtype=np.int64)
#: No surviving track ids, for :func:`table_kernels.remove_rows` when not merging.
_NO_TRACK_IDS = np.zeros(0, dtype=np.int64)
#: The events logged on a track start, by (the caller leaves ``track_start`` to the
#: kernel, the track confirms at once), and their codes (:func:`table_kernels.start_rows`).
_START_EVENTS = {(log_start, confirmed): (((EventKind.TRACK_START,) if log_start else ())
                                          + ((EventKind.TRACK_CONFIRM,) if confirmed else ()))
                 for log_start in (False, True) for confirmed in (False, True)}
_START_KINDS = {key: np.array([kind_code(kind) for kind in kinds], dtype=np.int8)
                for key, kinds in _START_EVENTS.items()}
#: The event columns a kernel is given when it does not log (no room in the block).
_NO_LOG_COLUMNS = empty_stored_columns()
#: Placeholders for the compiled pass's arguments that a call does not use.
_NO_TIMES = np.zeros(0)
_NO_SCAN_POSITIONS = np.zeros((0, 0, 3))
_NO_RADARS = np.zeros(0, dtype=np.int64)
_NO_POLAR = np.zeros((0, 3))
#: Prices gated pairs: (track indices, report indices) -> squared distances, each (m,).
Pricing = Callable[[np.ndarray, np.ndarray], np.ndarray]


def chi_square_quantile(probability: float, degrees_of_freedom: int) -> float:
    """``chi2.ppf(probability, degrees_of_freedom)`` written with the inverse regularized
    gamma function (scipy.stats is slow to import)."""
    return float(2.0 * gammaincinv(degrees_of_freedom / 2.0, probability))


@dataclass(frozen=True, slots=True)
class TrackPicture:
    """Confirmed tracks predicted to one time: what the battle manager sees.

    Arrays are over confirmed tracks; ``last_update_by_radar_s`` is (n, n_radars).
    ``kind_index`` indexes :data:`iadsim.tracking.classification.KINEMATIC_KINDS`
    (ballistic missile, cruise missile, aircraft, drone; -1 before the track has a
    velocity), ``kind_confidence`` is that kind's posterior probability (0 when -1).
    ``acceleration_mps2`` (n, 3) is the acceleration the tracker predicts each track with:
    gravity (plus its drag with ``ballistic_drag``) for a track flown with the ballistic
    model, the IMM's combined acceleration
    estimate for a track flown with the IMM, zero for the others; None (the default, for
    pictures made elsewhere) means zero for every track. ``ballistic_model`` (n,) says
    which tracks are flown with the ballistic model (their acceleration is gravity, and
    they end at an impact point); None means every track with a downward acceleration is.
    """

    time_s: float
    track_id: np.ndarray  # (n,)
    position_m: np.ndarray  # (n, 3) scenario ENU
    velocity_mps: np.ndarray  # (n, 3)
    position_cov_m2: np.ndarray  # (n, 3, 3)
    last_update_by_radar_s: np.ndarray  # (n, n_radars)
    speed_sigma_mps: np.ndarray  # (n,) 1-sigma velocity error per axis (RMS of the three)
    kind_index: np.ndarray  # (n,) int8, kinematic class, -1 unknown
    kind_confidence: np.ndarray  # (n,) its posterior probability
    acceleration_mps2: np.ndarray | None = None  # (n, 3) motion model's known acceleration
    ballistic_model: np.ndarray | None = None  # (n,) bool, flown with the ballistic model

    @property
    def size(self) -> int:
        return int(self.track_id.size)

    @property
    def ballistic_acceleration_mps2(self) -> np.ndarray | None:
        """The acceleration of the tracks flown with the ballistic model (gravity), zero
        for the others (n, 3); what threat evaluation reads to find impact points (an
        IMM's manoeuvre estimate is not a fall to the ground). Gravity only: the drag a
        track may also be flown with (``ballistic_drag``) is left out, since held
        constant all the way to the ground it would overstate the slowing (a steep
        re-entry's drag has an upward part larger than g: no fall at all). None when
        ``acceleration_mps2`` is."""
        if self.acceleration_mps2 is None or self.ballistic_model is None:
            return self.acceleration_mps2
        return np.where(self.ballistic_model[:, None], GRAVITY_MPS2, 0.0)


class CentralTracker:
    """The track table (structure of arrays) and the scan-by-scan processing."""

    def __init__(self, settings: Tracking, sites: list[RadarSite], log: EventLog,
                 ground_elevation_m: float = 0.0, first_track_id: int = 0):
        """``first_track_id``: the id of the first track started; a second tracker in the
        same run (an autonomous battery's) starts elsewhere so that ids stay unique."""
        self.settings = settings
        #: Ground height at the scenario origin (m above the ellipsoid), for the heights
        #: the classification reads.
        self.ground_elevation_m = float(ground_elevation_m)
        self.sites = sites
        self.log = log
        self.gate_threshold = chi_square_quantile(settings.gate_probability, 3)
        self.merge_threshold = chi_square_quantile(settings.merge_probability, 6)
        self.initial_speed_sigma_mps = (
            settings.initial_speed_sigma_mps if settings.initial_speed_sigma_mps is not None
            else settings.max_target_speed_mps / np.sqrt(3.0))
        # The velocity variance per axis that makes a one-plot track's chi-square gate a
        # sphere of radius max_target_speed_mps x dt (when narrower than the prior's).
        self._one_plot_gate_variance = min(self.initial_speed_sigma_mps**2,
                                           settings.max_target_speed_mps**2
                                           / self.gate_threshold)
        self._next_id = first_track_id
        #: The association's bounds on work in a crowd, counted (and warned once).
        self.crowd_limits = CrowdLimits()
        # Successive merge checks passed, by pair of track ids (older, younger): the count
        # and each track's last update time at the last counted check.
        self._merge_streak: dict[tuple[int, int], tuple[int, float, float]] = {}
        # Pairs of track ids (older, younger) seen resolved (reports of one scan of one
        # radar) at a check and in each other's merge position gate at every check since
        # (``merge_remembers_resolution``).
        self._resolved_pairs: set[tuple[int, int]] = set()
        self._next_merge_check_s = -np.inf
        self._any_ballistic = False
        #: The settings the picture and the known acceleration read at every call.
        self._ballistic_model = bool(settings.ballistic_model)
        self._ballistic_model_confidence = float(settings.ballistic_model_confidence)
        self._process_noise_mps2 = float(settings.process_noise_mps2)
        #: ``ballistic_drag``: the ballistic model adds each track's estimated drag.
        self._drag = bool(settings.ballistic_model and settings.ballistic_drag)
        self._classification_scratch = ClassificationScratch()
        radars = len(sites)
        self._imm = settings.motion_model in ("imm", "imm_for_manoeuvring")
        #: The IMM's models (CV, CA, and with ``imm_models: cv_ca_gentle_ca`` the gentle
        #: CA): their mode probabilities when a track enters it, and their mean sojourns.
        if settings.imm_models == "cv_ca_gentle_ca":
            entry = [settings.imm_initial_ca_probability,
                     settings.imm_initial_gentle_ca_probability]
            sojourn = [settings.imm_cv_sojourn_s, settings.imm_ca_sojourn_s,
                       settings.imm_gentle_ca_sojourn_s]
        else:
            entry = [settings.imm_initial_ca_probability]
            sojourn = [settings.imm_cv_sojourn_s, settings.imm_ca_sojourn_s]
        self._imm_entry_mode_probability = np.array([1.0 - sum(entry), *entry])
        self._imm_sojourn_s = np.array(sojourn)
        imm_models = self._imm_sojourn_s.size
        #: Each tentative track carries its score (``score`` and ``m_of_n_and_score``);
        #: the score alone confirms and deletes (``score``), or vetoes M of N's
        #: confirmation while below Wald's confirmation threshold (``m_of_n_and_score``).
        self._score = settings.confirmation in ("score", "m_of_n_and_score")
        self._score_decides = settings.confirmation == "score"
        #: Plots no track took, waiting for a second plot (``initiation: plot_pairs``; with
        #: one-hit M-of-N confirmation every plot starts a confirmed track at once).
        self.held = HeldPlots()
        self._plot_pairs = (settings.initiation == "plot_pairs"
                            and (self._score or settings.confirm_hits > 1))
        self._delete_score, self._confirm_score = score.wald_thresholds(
            settings.false_track_probability, settings.missed_track_probability)
        #: Looks a held plot may miss and stay held: ``one_plot_misses``, and with score
        #: confirmation fewer when its misses bring its score to the deletion threshold.
        self._held_misses_allowed = settings.one_plot_misses
        if self._score_decides:
            first_score = np.log(settings.new_target_density_ratio)
            per_miss = score.miss_score(settings.score_detection_probability)
            self._held_misses_allowed = min(settings.one_plot_misses, max(
                0, int(np.ceil((self._delete_score - first_score) / per_miss)) - 1))
        self.bias_estimator = BiasEstimator(sites) if settings.bias_estimation else None
        #: References with known positions (absolute registration), set by the run when
        #: the scenario has them: their plots are taken out of the scans before fusing.
        self.registration: ReferenceRegistration | None = None
        #: Confirmed tracks deleted by their misses in coverage (``deletion: misses``).
        self._delete_by_misses = settings.deletion in ("misses", "miss_probability")
        #: ... each radar's run allowed by the probability of the misses under the track's
        #: own detection probability (``deletion: miss_probability``).
        self._delete_by_probability = settings.deletion == "miss_probability"
        self._log_deletion_probability = float(np.log(settings.deletion_probability))
        self._detection_memory = 1.0 - 1.0 / settings.deletion_memory_looks
        self._prior_misses_to_delete = int(deletion.misses_to_delete(
            settings.deletion_prior_detection_probability, settings.deletion_probability))
        #: ``deletion_detection_model: range``: each radar's P_D predicted at the track's
        #: range from its strength, under the radar's design detection curve
        #: (:func:`deletion.design_detection_tables`).
        self._delete_by_range = (self._delete_by_probability
                                 and settings.deletion_detection_model == "range")
        self._design_tables, self._snr_at_one_metre_db = (
            deletion.design_detection_tables(sites) if self._delete_by_range
            else (np.zeros((len(sites), 3, 1)), np.zeros(len(sites))))
        self._site_revisit_s = np.array([site.revisit_s for site in sites], dtype=float)
        #: Recently deleted confirmed tracks a new track may re-join
        #: (``segment_association``; :mod:`iadsim.tracking.segments`).
        self.segments = (DeletedSegments(
            self._site_revisit_s, settings.segment_window_revisits,
            chi_square_quantile(settings.segment_gate_probability, 6),
            settings.process_noise_mps2 if settings.segment_process_noise_mps2 is None
            else settings.segment_process_noise_mps2) if settings.segment_association
            else None)
        #: Re-joins since the last :meth:`drop`: the number taken back -> the track's own
        #: number and birth time (a kill judgement of that number, made before, undoes it).
        self._rejoined_since_drop: dict[int, tuple[int, float]] = {}
        #: The speeds the scenario's threat kinds may fly at (``kinematic_plausibility``),
        #: set by the run: a tentative track outside them is not confirmed.
        self.plausibility: SpeedBound | None = None
        self._columns = (TABLE_COLUMNS + (IMM_COLUMNS if self._imm else ())
                         + (SCORE_COLUMNS if self._score else ())
                         + (DELETION_COLUMNS if self._delete_by_misses else ())
                         + (DETECTION_COLUMNS if self._delete_by_probability else ())
                         + (RANGE_DETECTION_COLUMNS if self._delete_by_range else ())
                         + (BIAS_COLUMNS if self.bias_estimator is not None else ())
                         + (DRAG_COLUMNS if self._drag else ()))
        #: ``association_cost: likelihood``: pairs priced by G_L - d^2 - ln|S|
        #: (:func:`iadsim.tracking.association.likelihood_gain`), not G - d^2.
        self._likelihood_cost = settings.association_cost == "likelihood"
        #: ``association_cost: coasting_likelihood``: pairs priced by G - d^2 less the
        #: width gained coasting past ``coast_free_revisits`` (:meth:`_coast_pricing`).
        self._coasting_cost = settings.association_cost == "coasting_likelihood"
        self._likelihood_log_odds = likelihood_log_odds(
            settings.score_detection_probability, settings.new_target_density_ratio)
        self._false_alarm_constant = np.array(
            [score.false_alarm_density_constant(site) for site in sites]
            if self._score or self._likelihood_cost else np.zeros(radars))
        # Each radar's coverage (as the detection kernel tests it), for miss counting.
        self._site_position = np.array([site.position_enu_m for site in sites]).reshape(-1, 3)
        self._site_rotation = np.array([site.to_local for site in sites]).reshape(-1, 3, 3)
        self._site_coverage = coverage_table(sites)
        #: The score of a missed opportunity (score confirmation), and placeholders for
        #: the deletion columns the miss-counting kernel takes when they are not kept.
        self._miss_score = score.miss_score(settings.score_detection_probability)
        self._no_missed_scans = np.zeros((0, radars), dtype=np.int32)
        self._no_covering = np.zeros((0, radars), dtype=bool)
        self._no_misses_to_delete = np.zeros((0, radars), dtype=np.int32)
        self._no_looks = np.zeros((0, radars))
        #: :meth:`_count_misses`' constants from the settings, and the settings they were
        #: made of.
        self._miss_settings: tuple = ()
        self._fold_settings: tuple = ()
        self._miss_settings_of: Tracking | None = None
        #: Each radar's instrumented range plus the candidates' margin (m).
        self._site_reach_m = np.array([site.max_range_m for site in sites],
                                      dtype=float) + COVERAGE_MARGIN_M
        self.track_id = np.zeros(0, dtype=np.int64)
        self.state = np.zeros((0, 6))
        self.covariance = np.zeros((0, 6, 6))
        self.time_s = np.zeros(0)
        self.status = np.zeros(0, dtype=np.int8)
        self.hits = np.zeros(0, dtype=np.int32)
        self.misses = np.zeros(0, dtype=np.int32)
        self.born_s = np.zeros(0)
        self.last_update_s = np.zeros(0)
        self.last_update_by_radar_s = np.zeros((0, radars))
        self.vertical_acceleration_mps2 = np.zeros(0)
        self.kind_index = np.zeros(0, dtype=np.int8)
        self.kind_confidence = np.zeros(0)
        #: The ballistic model's acceleration of each track (n, 3): gravity, plus with
        #: ``ballistic_drag`` its drag at its estimate (:meth:`_update_drag`).
        self.ballistic_acceleration_mps2 = np.zeros((0, 3))
        self.inverse_ballistic_coefficient_m2_kg = np.zeros(0)
        self.drag_information = np.zeros(0)
        self.drag_weighted_sum = np.zeros(0)
        self.drag_reference_velocity_mps = np.zeros((0, 3))
        self.drag_reference_time_s = np.zeros(0)
        self.imm_state = np.zeros((0, imm_models, imm.DIMENSION))
        self.imm_covariance = np.zeros((0, imm_models, imm.DIMENSION, imm.DIMENSION))
        self.mode_probability = np.zeros((0, imm_models))
        self.imm_active = np.zeros(0, dtype=bool)
        self.score = np.zeros(0)
        self.missed_scans = np.zeros((0, radars), dtype=np.int32)
        self.covering = np.zeros((0, radars), dtype=bool)
        self.covered_looks = np.zeros((0, radars))
        self.detected_looks = np.zeros((0, radars))
        self.misses_to_delete = np.zeros((0, radars), dtype=np.int32)
        strengths = deletion.STRENGTH_DB.size if self._delete_by_range else 0
        self.strength_log_likelihood = np.zeros((0, radars, strengths))
        self.pending_log_likelihood = np.zeros((0, radars, strengths))
        self.run_log_likelihood = np.zeros((0, radars, strengths))
        self.run_log_miss = np.zeros((0, radars))
        self.plot_position_m = np.zeros((0, radars, 3))
        self.plot_time_s = np.zeros((0, radars))
        self.plot_jacobian = np.zeros((0, radars, 3, 3))
        self.plot_cov_m2 = np.zeros((0, radars, 3, 3))
        #: The table's arena (:meth:`_make_arena`): every column's buffer, a region of it,
        #: by name and in column order (the column is its first rows); where each region
        #: starts and the bytes of its rows; a new track's row of each column, as bytes.
        self._arena = np.zeros(0, dtype=np.uint8)
        self._capacity = 0
        self._buffers: dict[str, np.ndarray] = {}
        self._buffer_list: list[np.ndarray] = []
        #: The column views of each table size made in this arena (:meth:`_set_size`).
        self._views_by_size: dict[int, tuple[tuple[np.ndarray, ...],
                                             dict[str, np.ndarray]]] = {}
        self._layout = np.zeros((3, 0), dtype=np.int64)
        self._template = np.zeros(0, dtype=np.uint8)
        #: The column views the table set last (None: none yet), to tell a column set
        #: from outside; reads every column at once.
        self._arena_views: tuple[np.ndarray, ...] | None = None
        self._column_getter = attrgetter(*self._columns)
        #: :meth:`drop`'s constants from the settings, and the settings they were made of.
        self._drop_settings: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
        self._drop_settings_of: Tracking | None = None
        #: A new track's value of the columns :meth:`_append` is not given.
        self._new_track_values = {
            "misses": 0, "vertical_acceleration_mps2": np.nan, "kind_index": -1,
            "kind_confidence": 0.0, "imm_state": 0.0, "imm_covariance": 0.0,
            "mode_probability": self._imm_entry_mode_probability, "imm_active": False,
            "score": np.log(settings.new_target_density_ratio), "missed_scans": 0,
            "covering": False, "covered_looks": 0.0, "detected_looks": 0.0,
            "misses_to_delete": self._prior_misses_to_delete, "strength_log_likelihood": 0.0,
            "pending_log_likelihood": 0.0, "run_log_likelihood": 0.0, "run_log_miss": 0.0,
            "plot_position_m": 0.0,
            "plot_time_s": -np.inf, "plot_jacobian": 0.0, "plot_cov_m2": 0.0,
            "ballistic_acceleration_mps2": GRAVITY_MPS2, "drag_reference_time_s": np.nan}
        #: A new track's velocity covariance: the velocity prior, per axis.
        self._velocity_prior_cov = np.eye(3) * self.initial_speed_sigma_mps**2

    @property
    def size(self) -> int:
        return int(self.track_id.size)

    def process(self, batch: DetectionBatch) -> None:
        """Fuse one radar scan's reports into the track table (see :meth:`process_scans`)."""
        self.process_scans([batch])

    def process_scans(self, batches: Sequence[DetectionBatch]) -> None:
        """Fuse delivered scans into the track table in one pass, then merge duplicates.

        The scans may have been taken at different times (radars looking at their own
        scheduled times inside a step, late deliveries). Every report is gated against
        its track's prediction to the report's own time, made from the track as it was
        before these scans; each track takes at most one report from each scan (one joint
        assignment over all the scans); each track is then updated with its reports in
        time order: those of one time (several radars) with their information-weighted
        combination, which is the same as updating it radar after radar
        (:func:`kalman.combine_measurements`), then predicted on to the next time's. A
        report older than the track's last update (out of sequence) updates it at its own
        time. Reports no track takes start tracks scan by scan, in time then radar order,
        so that two radars seeing a new target in these scans start one track, not two.
        One pass rather than one per scan time: with scheduled looks a step holds about
        six look times in ``layered-defense``, and the fixed cost of each pass was most
        of the tracker's.
        """
        if self.registration is not None and self.bias_estimator is not None:
            batches = self.registration.take_reference_plots(batches, self.bias_estimator,
                                                             self._confirmed_positions)
        scans = [batch for batch in batches if batch.range_m.size]  # not empty
        if len(scans) > 1:
            scans.sort(key=attrgetter("time_s", "radar_index"))  # stable, as sorted()
        if not scans:
            if self.settings.empty_scans:
                self._count_empty_scans(batches)
            return
        self._fuse(scans)
        if self.settings.empty_scans:
            self._count_empty_scans(batches)
        selected = self.last_update_s >= scans[0].time_s
        selected &= self.hits > 1
        self._classify(selected)
        if scans[-1].time_s >= self._next_merge_check_s:
            self._next_merge_check_s = scans[-1].time_s + MERGE_CHECK_INTERVAL_S
            self._merge_duplicates(scans[-1].time_s)
        if self._drag:
            self._update_drag()

    def _fuse(self, scans: list[DetectionBatch]) -> None:
        """Reports of the ``scans`` (in time then radar order) into the table, in one pass.

        The scans' distinct times are *slices*. A track is a candidate in a slice when its
        position predicted to the slice's time (at constant velocity) lies near the
        coverage of one of the slice's radars. Only what is needed is predicted: the
        candidates' positions (and their covariance) at their slices' times, for gating;
        the full state of the tracks that are updated, at their reports' times. Tracks not
        updated keep their own time.
        """
        sizes = [scan.size for scan in scans]
        if len(scans) == 1:
            measurement, measurement_cov = scans[0].position_m, scans[0].position_cov_m2
        else:
            measurement = np.concatenate([scan.position_m for scan in scans])
            measurement_cov = np.concatenate([scan.position_cov_m2 for scan in scans])
        radars = np.array([scan.radar_index for scan in scans], dtype=np.int64)
        scan_time = np.array([scan.time_s for scan in scans], dtype=float)
        # Scans are in time order, so each slice is a run of scans (and of reports). Every
        # track's position at each scan's time (n, g, 3), and the candidates of each slice,
        # by slice then by row.
        (slice_time, _, scan_of, radar_of, report_time, report_slice, position,
         row_slice, rows) = pass_kernels.scan_layout(
            scan_time, radars, np.array(sizes, dtype=np.intp), self.state, self.time_s,
            self._site_position, self._site_reach_m)
        # Range, azimuth and elevation of each plot, and its raw position, for the track
        # score and the bias estimation; the positions are then corrected for the biases.
        polar = raw = None
        if self._score or self._likelihood_cost or self.bias_estimator is not None:
            # The three columns in one concatenation, transposed into a C-ordered copy
            # (np.column_stack's result in three calls, not a dozen).
            columns = [scan.range_m for scan in scans]
            columns += [scan.azimuth_rad for scan in scans]
            columns += [scan.elevation_rad for scan in scans]
            polar = np.concatenate(columns).reshape(3, -1).T.copy()
        if self.bias_estimator is not None:
            raw = measurement
            measurement = self.bias_estimator.correct(radar_of, polar[:, 0], polar[:, 1],
                                                      polar[:, 2])
        taken = np.zeros(measurement.shape[0], dtype=bool)
        if self.size:
            if rows.size:
                taken[self._assign_and_update(
                    rows, row_slice, slice_time, measurement, measurement_cov,
                    report_slice, scan_of, radar_of, len(scans), polar, raw,
                    (scan_time, position, radars))] = True
            self._count_misses(scan_time, position, radars)
        if self._plot_pairs:
            self._initiate_from_plots((~taken).nonzero()[0], sizes, scan_time, radars,
                                      measurement, measurement_cov, radar_of, report_time,
                                      scan_of, polar, raw)
            return
        # What no track took starts tracks, scan by scan: two radars may have seen one
        # new target, so a later scan's leftovers first extend the tracks an earlier scan
        # started in this pass (what processing the scans in turn would do).
        # Leftovers that can extend no track wait, and start their tracks together with the
        # next ones (the same tracks, ids and events as scan by scan: nothing happens in
        # between), unless a track confirms on its first report (its confirm events would
        # then come in another order).
        left = (~taken).nonzero()[0]
        if left.size == 0:
            return
        if self.settings.confirm_hits > 1 and not may_gate_later(
                measurement, measurement_cov, report_time, scan_of, left,
                self.gate_threshold, self._one_plot_gate_variance,
                self.settings.process_noise_mps2**2):
            # No leftover can extend a track an earlier scan's leftovers start: the scan
            # by scan pass below would start them all at the end, together.
            self._start_waiting([left], measurement, measurement_cov, radar_of, report_time)
            return
        started: list[np.ndarray] = []
        waiting: list[np.ndarray] = []
        stop = 0
        for scan, size in enumerate(sizes):
            start, stop = stop, stop + size
            left = start + (~taken[start:stop]).nonzero()[0]
            if left.size == 0:
                continue
            time_s = float(scan_time[scan])
            if (started or waiting) and self._may_extend(time_s, started, waiting, measurement,
                                                         measurement_cov, report_time, left):
                started += self._start_waiting(waiting, measurement, measurement_cov,
                                               radar_of, report_time)
                rows = np.concatenate(started)
                nowhere = np.zeros(left.size, dtype=np.intp)
                extended = self._assign_and_update(
                    rows, np.zeros(rows.size, dtype=np.intp), scan_time[scan:scan + 1],
                    measurement[left], measurement_cov[left], nowhere, nowhere,
                    radar_of[left], 1, None if polar is None else polar[left],
                    None if raw is None else raw[left])
                left = np.delete(left, extended)
            if left.size:
                waiting.append(left)
                if self.settings.confirm_hits <= 1:
                    started += self._start_waiting(waiting, measurement, measurement_cov,
                                                   radar_of, report_time)
        self._start_waiting(waiting, measurement, measurement_cov, radar_of, report_time)

    def _start_waiting(self, waiting: list[np.ndarray], measurement: np.ndarray,
                       measurement_cov: np.ndarray, radar_of: np.ndarray,
                       report_time: np.ndarray) -> list[np.ndarray]:
        """Start a track on each of the ``waiting`` reports (emptied), at the report's
        time; returns the new rows, as a list of at most one array."""
        if not waiting:
            return []
        left = np.concatenate(waiting) if len(waiting) > 1 else waiting[0]
        waiting.clear()
        return [self._start_reports(left, radar_of, report_time, measurement, measurement_cov)]

    def _initiate_from_plots(self, left: np.ndarray, sizes: list[int], scan_time: np.ndarray,
                             radars: np.ndarray, measurement: np.ndarray,
                             measurement_cov: np.ndarray, radar_of: np.ndarray,
                             report_time: np.ndarray, scan_of: np.ndarray,
                             polar: np.ndarray | None, raw: np.ndarray | None) -> None:
        """``initiation: plot_pairs``: the reports ``left`` (no track took them) pair with
        held plots or are held (:mod:`iadsim.tracking.initiation`), with the result of
        taking the scans one by one in time then radar order, as tracks were started: a
        later scan's leftovers first extend the tracks an earlier scan's pairs started in
        this pass, then pair with the held plots (those of earlier scans of this pass
        included); after the scans of each time, each held plot is charged the looks of
        its radar that could have seen it, and is dropped past ``one_plot_misses``.

        In one pass rather than scan by scan: the leftovers join the held plots (the
        pool), every pair that could start a track is found by one compiled gating
        (:func:`initiation.plot_pairs`), and the scan at which each plot's looks drop it
        by one array operation; only the scans that hold a pair, or that follow a track
        started here, are then visited. A step whose plots pair with none costs a few
        array operations and no event."""
        held = self.held
        if left.size == 0 and held.size == 0:
            return
        first_leftover = held.size
        if left.size:
            # A plot is inside its own radar's coverage (that radar saw it there): its
            # radar's next look is a miss, with no coverage test.
            held.add(measurement[left], measurement_cov[left], report_time[left],
                     radar_of[left], None if polar is None else polar[left],
                     None if raw is None else raw[left])
        # The scan at which each pooled plot's looks drop it (len(sizes): none does), and
        # its misses before each scan.
        looks = np.cumsum(held.looks(scan_time, radars), axis=1, dtype=np.int32)
        over = (held.misses[:, None] + looks) > self._held_misses_allowed
        dropped_at = np.where(over.any(axis=1), over.argmax(axis=1), len(sizes))
        used = np.zeros(held.size, dtype=bool)
        if left.size:
            group = np.full(held.size, -1, dtype=np.intp)
            group[first_leftover:] = scan_of[left]
            earlier, later, distance2 = plot_pairs(
                held.position_m, held.position_cov_m2, held.time_s, group, first_leftover,
                self.gate_threshold, self._one_plot_gate_variance,
                float(self.settings.process_noise_mps2**2))
            if earlier.size:
                self._pair_time_by_time(earlier, later, distance2, group, dropped_at, used,
                                        looks, left, scan_time, measurement, measurement_cov,
                                        radar_of, report_time, polar, raw)
        held.misses = held.misses + looks[:, -1]
        held.keep(~used & (dropped_at == len(sizes)))

    def _pair_time_by_time(self, earlier: np.ndarray, later: np.ndarray,
                           distance2: np.ndarray, group: np.ndarray, dropped_at: np.ndarray,
                           used: np.ndarray, looks: np.ndarray, left: np.ndarray,
                           scan_time: np.ndarray, measurement: np.ndarray,
                           measurement_cov: np.ndarray, radar_of: np.ndarray,
                           report_time: np.ndarray, polar: np.ndarray | None,
                           raw: np.ndarray | None) -> None:
        """Visit the times of :meth:`_initiate_from_plots`'s scans that hold a candidate
        pair (``earlier``, ``later``, ``distance2``: pooled plot indices and gate
        distances) or follow a track started here, in order. At each, the unused pooled
        plots of its scans first extend the tracks started in this pass (each taking at
        most one plot a scan); then the plots of an earlier time that no look has dropped
        take this time's plots, each at most one a scan (GNN over (plot, scan) slots, gain
        ``G - d^2``), and each that took any starts a track; then what is left pairs
        across this time's radars (two radars seeing a new target at once start one
        track). Marks the plots taken in ``used``."""
        held = self.held
        first_leftover = held.size - left.size
        later_scan = group[later]
        pair_time = scan_time[later_scan]
        earlier_time = held.time_s[earlier]
        started: list[np.ndarray] = []
        scans = len(scan_time)
        first = 0
        while first < scans:
            stop = int(np.searchsorted(scan_time, scan_time[first], side="right"))
            here_pairs = (later_scan >= first) & (later_scan < stop)
            if started or here_pairs.any():
                time_s = float(scan_time[first])
                if started:
                    here = first_leftover + ((group[first_leftover:] >= first)
                                             & (group[first_leftover:] < stop)).nonzero()[0]
                    here = here[~used[here]]
                    if here.size:
                        rows = np.concatenate(started)
                        reports = left[here - first_leftover]
                        slot = group[here] - first
                        extended = self._assign_and_update(
                            rows, np.zeros(rows.size, dtype=np.intp), scan_time[first:first + 1],
                            measurement[reports], measurement_cov[reports],
                            np.zeros(here.size, dtype=np.intp), slot, radar_of[reports],
                            stop - first, None if polar is None else polar[reports],
                            None if raw is None else raw[reports])
                        used[here[extended]] = True
                misses = held.misses + (looks[:, first - 1] if first > 0 else 0)
                for same_time in (False, True):
                    usable = (here_pairs & ~used[later] & ~used[earlier]
                              & (dropped_at[earlier] >= first)
                              & ((earlier_time == pair_time) == same_time))
                    if not usable.any():
                        continue
                    pairs = usable.nonzero()[0]
                    slots = stop - first
                    slot, second = assign(earlier[pairs] * slots + (later_scan[pairs] - first),
                                          later[pairs],
                                          (self.gate_threshold - distance2[pairs]) + 1e-9,
                                          held.size * slots, held.size, self.crowd_limits)
                    opening = slot // slots
                    if same_time:  # a plot that a pair took as its second opens none
                        keep = ~np.isin(opening, second)
                        opening, second = opening[keep], second[keep]
                    if opening.size == 0:
                        continue
                    started.append(self._start_from_pairs(
                        opening, misses, second, left[second - first_leftover], time_s,
                        measurement, measurement_cov, radar_of, report_time, polar, raw))
                    used[opening] = used[second] = True
            first = stop

    def _start_from_pairs(self, opening: np.ndarray, misses: np.ndarray, pooled: np.ndarray,
                          second: np.ndarray, time_s: float, measurement: np.ndarray,
                          measurement_cov: np.ndarray, radar_of: np.ndarray,
                          report_time: np.ndarray, polar: np.ndarray | None,
                          raw: np.ndarray | None) -> np.ndarray:
        """Start a tentative track on each held plot of ``opening`` (pool indices, one a
        pair; ``misses``: every pooled plot's missed looks) with the reports ``second``
        (taken at ``time_s``; ``pooled``: their pool indices) it paired with: the held
        plot's track (its time, velocity prior, radar), updated with the reports, as a
        one-plot track took its second plot(s). Tracks are numbered in the order of their
        first report; each logs ``track_start`` at ``time_s``, at that report. Returns the
        new rows."""
        held = self.held
        order = np.lexsort((pooled, opening))
        opening, pooled, second = opening[order], pooled[order], second[order]
        if (self.bias_estimator is None and (np.diff(opening) > 0).all()
                and (held.time_s[opening] < time_s).all()
                and (self._score or self.settings.confirm_hits > 2)):
            rows = self._start_two_plot_tracks(opening, misses, pooled, second, time_s,
                                               measurement, measurement_cov, radar_of, polar)
            if rows is not None:
                return rows
        tracks, first_pair, track_of_pair = np.unique(opening, return_index=True,
                                                      return_inverse=True)
        numbering = np.argsort(pooled[first_pair], kind="stable")
        tracks, first_pair = tracks[numbering], first_pair[numbering]
        rank = np.empty(numbering.size, dtype=np.intp)
        rank[numbering] = np.arange(numbering.size)
        rows = self._start_tracks(held.radar_index[tracks], held.time_s[tracks],
                                  held.position_m[tracks], held.position_cov_m2[tracks],
                                  log_start=False)
        self.misses[rows] = misses[tracks]
        pair_rows = rows[rank[track_of_pair.reshape(-1)]]
        self.log.add(EventKind.TRACK_START, time_s, track_id=self.track_id[rows],
                     sensor_index=radar_of[second[first_pair]],
                     position_m=measurement[second[first_pair]])
        if self._score:
            detection = self.settings.score_detection_probability
            self.score[rows] += misses[tracks] * score.miss_score(detection)
            np.add.at(self.score, pair_rows, self._pair_plot_score(
                opening, second, time_s, measurement, measurement_cov, radar_of, polar))
        if self.bias_estimator is not None:
            first_time = held.time_s[tracks]
            for when in np.unique(first_time).tolist():
                at = first_time == when
                self._observe_bias(when, rows[at], held.radar_index[tracks[at]],
                                   held.raw_m[tracks[at]], held.position_cov_m2[tracks[at]],
                                   held.polar[tracks[at]])
            self._observe_bias(time_s, pair_rows, radar_of[second], raw[second],
                               measurement_cov[second], polar[second])
        self._update(pair_rows, measurement, measurement_cov, second, radar_of, report_time)
        return rows

    def _pair_plot_score(self, opening: np.ndarray, second: np.ndarray, time_s: float,
                         measurement: np.ndarray, measurement_cov: np.ndarray,
                         radar_of: np.ndarray, polar: np.ndarray) -> np.ndarray:
        """The score increment (:func:`score.plot_score`) of each report ``second`` taken
        by the held plot of ``opening``: its innovation against the held plot in the
        one-plot gate's covariance, at the false-alarm density where the report lies."""
        held = self.held
        gate_cov = pair_gate_cov(held.position_cov_m2[opening], time_s - held.time_s[opening],
                                 self._one_plot_gate_variance,
                                 self.settings.process_noise_mps2**2)
        residual = measurement[second] - held.position_m[opening]
        innovation_cov = gate_cov + measurement_cov[second]
        distance2 = lapack3.mahalanobis3_rows(residual, innovation_cov)[0]
        density = score.false_alarm_density(self._false_alarm_constant[radar_of[second]],
                                            polar[second, 0], polar[second, 2])
        return score.plot_score(self.settings.score_detection_probability, density,
                                distance2, innovation_cov)

    def _start_two_plot_tracks(self, opening: np.ndarray, misses: np.ndarray,
                               pooled: np.ndarray, second: np.ndarray, time_s: float,
                               measurement: np.ndarray, measurement_cov: np.ndarray,
                               radar_of: np.ndarray,
                               polar: np.ndarray | None) -> np.ndarray | None:
        """:meth:`_start_from_pairs` in one batch when each held plot of ``opening`` took
        one report, of a later time, and no new track can confirm on it: the same
        prediction and update (:func:`kalman.predict`, :func:`kalman.update`, the held
        plot's position with the velocity prior, to the report: two-point differencing)
        and the same table rows as starting each track on its held plot and updating it
        with the report, without the general update's bookkeeping. None (nothing done)
        when a track would confirm (score confirmation)."""
        held = self.held
        order = pooled.argsort(kind="stable")  # numbered in the order of their reports
        opening, second = opening[order], second[order]
        count = opening.size
        first_time = held.time_s[opening]
        state = np.zeros((count, 6))
        state[:, :3] = held.position_m[opening]
        covariance = np.zeros((count, 6, 6))
        covariance[:, :3, :3] = held.position_cov_m2[opening]
        covariance[:, 3:, 3:] = self._velocity_prior_cov
        if self._score:
            detection = self.settings.score_detection_probability
            track_score = (np.log(self.settings.new_target_density_ratio)
                           + misses[opening] * score.miss_score(detection)
                           + self._pair_plot_score(opening, second, time_s, measurement,
                                                   measurement_cov, radar_of, polar))
            if (track_score >= self._confirm_score).any():
                return None
        state, covariance = kalman.predict(state, covariance, time_s - first_time,
                                           self.settings.process_noise_mps2)
        state, covariance = kalman.update(state, covariance, measurement[second],
                                          measurement_cov[second])
        first_row = self.size
        ids = np.arange(self._next_id, self._next_id + count)
        self._next_id += count
        by_radar = np.full((count, len(self.sites)), -np.inf)
        by_radar[np.arange(count), held.radar_index[opening]] = first_time
        by_radar[np.arange(count), radar_of[second]] = time_s
        self._append(ids, state, covariance, np.full(count, time_s),
                     np.full(count, TENTATIVE, dtype=np.int8), np.full(count, 2, dtype=np.int32),
                     by_radar)
        rows = np.arange(first_row, first_row + count)
        self.born_s[rows] = first_time
        self.misses[rows] = misses[opening]
        if self._score:
            self.score[rows] = track_score
        self.log.add(EventKind.TRACK_START, time_s, track_id=ids, sensor_index=radar_of[second],
                     position_m=measurement[second])
        return rows

    def _may_extend(self, time_s: float, started: list[np.ndarray], waiting: list[np.ndarray],
                    measurement: np.ndarray, measurement_cov: np.ndarray,
                    report_time: np.ndarray, left: np.ndarray) -> bool:
        """Whether any report ``left`` (taken at ``time_s``) may gate with a track
        ``started`` in this pass or about to start on a ``waiting`` report; False skips a
        gating that finds nothing (most of a radar's false alarms), with the same result.

        A one-plot track (started, or a waiting report's) is gated as
        :meth:`_assign_and_update` gates it: at its plot's position (its velocity is
        zero), the plot's covariance grown over the lag ``dt`` to ``time_s`` by the
        one-plot gate's velocity variance times ``dt^2`` and the process noise
        ``q |dt|^3 / 3``; nothing grows when the plot is of ``time_s``. A started track
        that already holds two plots and is of another time moves: True."""
        position, position_cov, lag = [], [], []
        if started:
            rows = np.concatenate(started)
            rows_lag = time_s - self.time_s[rows]
            if rows_lag.any() and not (self.hits[rows] == 1).all():
                return True
            position.append(self.state[rows, :3])
            position_cov.append(self.covariance[rows, :3, :3])
            lag.append(rows_lag)
        for reports in waiting:
            position.append(measurement[reports])
            position_cov.append(measurement_cov[reports])
            lag.append(time_s - report_time[reports])
        position_cov = np.concatenate(position_cov)
        lag = np.abs(np.concatenate(lag))
        if lag.any():
            growth = (self._one_plot_gate_variance * lag * lag
                      + self.settings.process_noise_mps2**2 * lag**3 / 3.0)
            position_cov = position_cov + growth[:, None, None] * np.eye(3)
        return may_gate(np.concatenate(position), position_cov, measurement[left],
                        measurement_cov[left], self.gate_threshold)

    def _count_misses(self, scan_time: np.ndarray, position: np.ndarray,
                      radars: np.ndarray) -> None:
        """Miss bookkeeping after the scans of ``radars`` (g,) at ``scan_time`` (g,)
        (``position`` (n, g, 3): every track's position predicted to each scan's time, at
        constant velocity, from its state before the scans), in one compiled pass
        (:func:`pass_kernels.count_misses`); the tracks it condemns are deleted together,
        at the last scan's time.

        Tentative tracks (confirmation): each scan of a radar that has reported a track
        before that scan, holds it in its coverage (:meth:`_covered`) and gave it nothing
        then is a miss. A one-plot track is deleted at its first miss past
        ``one_plot_misses``; another tentative track once it has missed more than
        ``confirm_window - confirm_hits`` (M of N), or once its score has fallen to the
        deletion threshold, each miss costing ``ln(1 - P_D)`` (score). Misses are counted
        after the scans' updates (:meth:`_alive_at` has kept a track from taking reports
        after a miss that deletes it).

        Confirmed tracks, ``deletion: misses``: scan by scan, in time order, for each
        radar that has reported a track, a scan no earlier than the radar's last report of
        it (its report, or one before it) clears the radar's count of scans in a row that
        missed it; a later scan that holds the track in its coverage adds one; one that
        does not leaves the count, and marks the radar as not covering it. A track lost by
        its misses (above, every such radar) and not updated for more than
        ``coast_timeout_s`` is deleted (one lost sooner, by a fast radar's misses, is
        deleted by :meth:`drop` once that long). With ``deletion: miss_probability`` (the
        default) the run is each radar's own (:meth:`_misses_to_delete`), from its
        detections folded in first (:func:`deletion.fold_detections`)."""
        if self._miss_settings_of is not self.settings:  # made once (the settings, as read)
            self._miss_settings_of = settings = self.settings
            self._miss_settings = (
                int(settings.one_plot_misses),
                int(settings.confirm_window - settings.confirm_hits), self._score,
                self._score_decides, self._miss_score, float(self._delete_score),
                self._delete_by_misses, int(settings.deletion_misses),
                float(settings.coast_timeout_s))
            self._fold_settings = (
                self._detection_memory, float(settings.deletion_prior_detection_probability),
                float(settings.deletion_prior_looks), self._log_deletion_probability)
        by_misses, by_probability = self._delete_by_misses, self._delete_by_probability
        by_range = self._delete_by_range
        # deletion.fold_detections (deletion: miss_probability; with
        # deletion_detection_model: range, fold_detections_by_range and
        # charge_misses_by_range), then pass_kernels.count_misses, in one call.
        doomed, any_doomed = assignment_pass.fold_and_count_misses(
            self.status, self.hits, self.misses, self.score if self._score else self.time_s,
            self.last_update_by_radar_s, self.last_update_s,
            self.missed_scans if by_misses else self._no_missed_scans,
            self.covering if by_misses else self._no_covering,
            scan_time, radars, position, self._site_position, self._site_rotation,
            self._site_coverage, self.ground_elevation_m, *self._miss_settings,
            self.misses_to_delete if by_probability else self._no_misses_to_delete,
            by_probability, self.covered_looks if by_probability else self._no_looks,
            self.detected_looks if by_probability else self._no_looks, *self._fold_settings,
            by_range, self.strength_log_likelihood, self.pending_log_likelihood,
            self.run_log_likelihood, self.run_log_miss if by_range else self._no_looks,
            self._design_tables, self._snr_at_one_metre_db)
        if any_doomed:  # at the last scan's time (the scans are in time order)
            self._remove(float(scan_time[-1]), doomed)

    def _count_empty_scans(self, batches: Sequence[DetectionBatch]) -> None:
        """``tracking.empty_scans``: the misses of the delivered scans that held no report
        (an end-of-scan message), counted after the pass over the others as
        :meth:`_count_misses` counts a pass's scans (each track predicted to each scan's
        time at constant velocity): a scan no later than a radar's last report of a track
        (taken in this pass) is not a miss of it. Without them a radar that reports
        nothing, which a radar without false alarms does whenever it misses its targets,
        charges no miss."""
        empty = sorted((batch for batch in batches if not batch.size),
                       key=attrgetter("time_s", "radar_index"))
        if not empty or not self.size:
            return
        scan_time = np.array([batch.time_s for batch in empty], dtype=float)
        radars = np.array([batch.radar_index for batch in empty], dtype=np.int64)
        lead = scan_time[None, :] - self.time_s[:, None]
        position = self.state[:, None, :3] + self.state[:, None, 3:] * lead[:, :, None]
        self._count_misses(scan_time, np.ascontiguousarray(position), radars)

    def _misses_to_delete(self) -> np.ndarray:
        """Each confirmed track's run of misses that deletes it, by radar (n, radars), with
        ``deletion: miss_probability``; otherwise an empty (0, radars) array, and the
        kernels use ``deletion_misses``."""
        return (self.misses_to_delete if self._delete_by_probability
                else self._no_misses_to_delete)

    def _hopeless(self, rows: np.ndarray, misses: np.ndarray,
                  track_score: np.ndarray | None) -> np.ndarray:
        """Whether the tentative tracks ``rows`` are deleted with ``misses`` missed
        opportunities (and, with score confirmation, the score ``track_score``): a one-plot
        track at its first miss past ``one_plot_misses``, another past ``confirm_window -
        confirm_hits`` misses (M of N) or at the score's deletion threshold."""
        one_plot_missed = (self.hits[rows] == 1) & (misses > self.settings.one_plot_misses)
        if self._score_decides:
            return one_plot_missed | (track_score <= self._delete_score)
        allowed = self.settings.confirm_window - self.settings.confirm_hits
        return one_plot_missed | (misses > allowed)

    def _gated_in_turn(self, track_rows: np.ndarray, report_time: np.ndarray,
                       measurement: np.ndarray, measurement_cov: np.ndarray) -> np.ndarray:
        """Which of the assigned pairs (a track row, a report's time, position (k, 3) and
        covariance (k, 3, 3) each) stand when a tentative track's reports are gated one
        time after the other: a report of a later time than the track's first here must
        also pass the gate of the track updated with its earlier reports (constant
        velocity), as it would processing the times in turn. A young track's prediction
        is poor, so its gate before any of these reports is wide (a one-plot track's a
        sphere of the fastest target's flight since its plot): without this, it took a
        false alarm from each of a step's looks and confirmed on clutter (11 false tracks
        against none in ``layered-defense``, seed 1, scheduled looks). Confirmed tracks
        keep the joint assignment: their prediction barely changes within a step."""
        keep = np.ones(track_rows.size, dtype=bool)
        if not pass_kernels.any_later_tentative_report(track_rows, report_time, self.status):
            return keep
        tentative = (self.status[track_rows] == TENTATIVE).nonzero()[0]
        order = tentative[np.lexsort((report_time[tentative], track_rows[tentative]))]
        rows, times = track_rows[order], report_time[order]
        later = times > times[np.searchsorted(rows, rows)]  # after its track's first time
        tracks, local = np.unique(rows, return_inverse=True)
        local = local.reshape(-1)
        state, covariance = self.state[tracks], self.covariance[tracks]
        track_time, plots = self.time_s[tracks].copy(), self.hits[tracks].copy()
        acceleration = self._known_acceleration(tracks)
        process_noise = self.settings.process_noise_mps2
        for when in np.unique(times).tolist():
            now = (times == when).nonzero()[0]
            now = now[track_time[local[now]] <= when]  # an out-of-sequence one: kept as is
            if now.size == 0:
                continue
            tested = now[later[now]]
            if tested.size:
                which = local[tested]
                tested_cov = covariance[which]
                one_plot = plots[which] == 1
                tested_cov[one_plot, 3:, 3:] = np.eye(3) * self._one_plot_gate_variance
                position, position_cov = kalman.predict_position(
                    state[which], tested_cov, when - track_time[which], process_noise,
                    None if acceleration is None else acceleration[which])
                residual = measurement[order[tested]] - position
                distance2 = lapack3.mahalanobis3_rows(
                    residual, position_cov + measurement_cov[order[tested]])[0]
                outside = tested[distance2 > self.gate_threshold]
                keep[order[outside]] = False
                now = now[keep[order[now]]]
            if now.size == 0:
                continue
            # Update the tracks with what stands (one report a track at a time: a track
            # takes at most one report per scan, and scans of one time are of distinct
            # radars, whose reports combine).
            which, first = np.unique(local[now], return_index=True)
            combined, combined_cov = kalman.combine_measurements(
                first, measurement[order[now]], measurement_cov[order[now]])
            predicted, predicted_cov = kalman.predict(
                state[which], covariance[which], when - track_time[which], process_noise,
                None if acceleration is None else acceleration[which])
            state[which], covariance[which] = kalman.update(predicted, predicted_cov,
                                                            combined, combined_cov)
            track_time[which] = when
            plots[which] += np.bincount(local[now], minlength=tracks.size)[which].astype(
                plots.dtype)
        return keep

    def _alive_at(self, track_rows: np.ndarray, report_time: np.ndarray,
                  scan_time: np.ndarray, position: np.ndarray,
                  radars: np.ndarray) -> np.ndarray:
        """Which of the assigned pairs (a track row and a report time each) stand: those of
        a tentative track that the misses of the scans before its first report here
        (``scan_time`` (g,), ``position`` (n, g, 3), ``radars`` (g,), as
        :meth:`_count_misses` counts them) would have deleted first, as processing the
        scans one time after the other would, do not; their reports start tracks
        instead. (A one-plot false track would otherwise live on by taking another radar's
        false alarm a moment after its own radar missed it.)"""
        keep = np.ones(track_rows.size, dtype=bool)
        tracks, missed = pass_kernels.misses_before_first_report(
            track_rows, report_time, self.status, self.last_update_by_radar_s, scan_time,
            position, radars, self._site_position, self._site_rotation, self._site_coverage,
            self.ground_elevation_m)
        if not missed.any():
            return keep
        return self._not_doomed(track_rows, tracks, missed)

    def _not_doomed(self, track_rows: np.ndarray, tracks: np.ndarray,
                    missed: np.ndarray) -> np.ndarray:
        """Which of the pairs' ``track_rows`` stand, given the tentative ``tracks`` and
        their ``missed`` scans before their first report here (:meth:`_alive_at`): not
        those the misses make hopeless (:meth:`_hopeless`)."""
        track_score = None
        if self._score_decides:
            track_score = self.score[tracks] + missed * score.miss_score(
                self.settings.score_detection_probability)
        hopeless = self._hopeless(tracks, self.misses[tracks] + missed, track_score)
        if not hopeless.any():
            return np.ones(track_rows.size, dtype=bool)
        doomed = np.zeros(self.size, dtype=bool)
        doomed[tracks[hopeless]] = True
        return ~doomed[track_rows]

    def _covered(self, position: np.ndarray, radars: np.ndarray) -> np.ndarray:
        """Whether each radar of ``radars`` (g,) could see a target at each of the
        positions (k, 3): within its instrumented range and the 4/3-earth horizon (at the
        position's height), between its elevation limits and inside its azimuth sector,
        the geometry the detection kernel tests (one implementation,
        :func:`iadsim.sensors.coverage_geometry.coverage_matrix`). (k, g) booleans."""
        position = np.ascontiguousarray(position, dtype=float).reshape(-1, 3)
        return coverage_matrix(position, np.ascontiguousarray(self._height_m(position)),
                               self._site_position[radars], self._site_rotation[radars],
                               self._site_coverage[radars])

    def _assign_and_update(self, rows: np.ndarray, row_slice: np.ndarray,
                           slice_time: np.ndarray, measurement: np.ndarray,
                           measurement_cov: np.ndarray, report_slice: np.ndarray,
                           slot_of: np.ndarray, radar_of: np.ndarray, slots: int,
                           polar: np.ndarray | None = None,
                           raw: np.ndarray | None = None,
                           misses: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
                           ) -> np.ndarray:
        """Gate candidate tracks against the reports, assign, update; returns the indices
        of the reports taken.

        ``slice_time`` (m,): the distinct report times, in order; ``report_slice`` (k,):
        each report's (nondecreasing); ``rows`` (v,): the candidates, a track row each,
        ``row_slice`` (v,) the slice it is a candidate in (sorted by slice, then by row;
        a track may be a candidate in several slices). Each candidate is predicted to its
        slice's time and gated against that slice's reports only. ``slot_of`` numbers each
        report's scan among ``slots``: a track takes at most one report from each scan.
        ``polar`` (k, 3): each report's range, azimuth and elevation (for the score and
        the bias estimation); ``raw``: its position before the bias correction.
        ``misses``: the scans' times, the tracks' positions at them and their radars (as
        :meth:`_count_misses` takes them): a tentative track that their misses would have
        deleted before its first report here takes none (:meth:`_alive_at`)."""
        if self._fused_pass:
            taken = self._assign_and_update_fused(
                rows, row_slice, slice_time, measurement, measurement_cov, report_slice,
                slot_of, radar_of, slots, polar, misses)
            if taken is not None:
                return taken
        # A one-plot track is gated with its velocity variance bounded so that the gate is
        # a sphere of at most max_target_speed_mps x dt (see the module docstring).
        row_time = slice_time[row_slice]
        acceleration = self._known_acceleration(rows)
        position, position_cov = kernels.predict_candidate_positions(
            self.state, self.covariance, self.time_s, self.hits, rows, row_time,
            float(self._one_plot_gate_variance), float(self.settings.process_noise_mps2),
            NO_ACCELERATION if acceleration is None else acceleration)
        # association_cost: likelihood: what each report's G_L is formed from.
        likelihood = None if not self._likelihood_cost else (
            self._false_alarm_constant[radar_of], np.ascontiguousarray(polar, dtype=float))
        pricing = None
        if self._imm:
            # Tracks flown with the IMM are gated on its prediction (the broadest model)
            # and their pairs priced by tracking.imm_pricing (_imm_pricing).
            active = self.imm_active[rows] & (row_time >= self.time_s[rows])
            if active.any():
                position[active], position_cov[active], combined_cov, cv_position, cv_cov = (
                    self._imm_gate_moments(rows[active], row_time[active]))
                pricing = self._imm_pricing(active, position[active], combined_cov,
                                            cv_position, cv_cov, measurement,
                                            measurement_cov, likelihood)
        one_time = slice_time.size == 1
        if one_time:
            tracks, track_of_row = rows, None
            pair_row, pair_measurement, distance2 = gated_pairs(
                position, position_cov, measurement, measurement_cov, self.gate_threshold,
                limits=self.crowd_limits)
            pair_track = pair_row
        else:
            measurement = np.ascontiguousarray(measurement, dtype=float)
            measurement_cov = np.ascontiguousarray(measurement_cov, dtype=float)
            (tracks, track_of_row, track_bounds, measurement_bounds, tests, pair_row,
             pair_measurement, distance2, pair_track, gated) = (
                pass_kernels.gate_candidates_by_slice(
                    position, position_cov, rows, row_slice, measurement, measurement_cov,
                    report_slice, slice_time.size, self.size, self.gate_threshold,
                    MAX_PAIRS_PER_TRACK, BRUTE_FORCE_PAIRS, MOST_SMALL_SLICE_TESTS))
            if gated:
                self.crowd_limits.distances_computed += tests
            else:  # many pairs to test, or a crowd: the general gating
                pair_row, pair_measurement, distance2 = gated_pairs_by_slice(
                    position, position_cov, track_bounds, measurement, measurement_cov,
                    measurement_bounds, self.gate_threshold, limits=self.crowd_limits)
                pair_track = track_of_row[pair_row]
        if likelihood is not None:  # priced by the likelihood: G - D = G_L - d^2 - ln|S|
            distance2 = kernels.likelihood_distance2(
                distance2, position_cov, measurement_cov, pair_row, pair_measurement,
                *likelihood, self._likelihood_log_odds, self.gate_threshold)
        if self._coasting_cost:  # association_cost: coasting_likelihood
            distance2, pricing = self._coast_pricing(rows, row_time, measurement_cov,
                                                     pair_row, pair_measurement, distance2,
                                                     pricing)
        if self.settings.coast_speed_gate:
            distance2 = self._gate_coast_speed(rows, row_time, position, position_cov,
                                               measurement, measurement_cov, pair_row,
                                               pair_measurement, distance2)
        slot, taken = self._associate(tracks, pair_track, pair_measurement, distance2,
                                      slot_of, slots, measurement.shape[0], pricing, pair_row)
        if taken.size and not one_time:
            track_rows, taken_time = tracks[slot // slots], slice_time[report_slice[taken]]
            # Only a tentative track's report after the first slice can be of a later time
            # than its first, or come after a miss.
            if ((self.status[track_rows] == TENTATIVE) & (taken_time > slice_time[0])).any():
                keep = self._gated_in_turn(track_rows, taken_time, measurement[taken],
                                           measurement_cov[taken])
                if misses is not None:
                    keep &= self._alive_at(track_rows, taken_time, *misses)
                if not keep.all():
                    slot, taken = slot[keep], taken[keep]
        if taken.size:
            track_rows = tracks[slot // slots]
            if one_time:
                row = slot // slots
            else:  # the candidate row of each pair: its track's in its report's slice
                row = np.searchsorted(row_slice * self.size + rows,
                                      report_slice[taken] * self.size + track_rows)
            if self._score:
                self._score_plots(track_rows, position[row], position_cov[row],
                                  measurement[taken], measurement_cov[taken], radar_of[taken],
                                  polar[taken])
            if self.bias_estimator is not None:
                # In time order, as the plots were taken.
                taken_slice = report_slice[taken]
                for index in np.unique(taken_slice).tolist():
                    here = taken[taken_slice == index]
                    self._observe_bias(float(slice_time[index]),
                                       track_rows[taken_slice == index], radar_of[here],
                                       raw[here], measurement_cov[here], polar[here])
            self._update(track_rows, measurement, measurement_cov, taken, radar_of,
                         slice_time[report_slice])
        return taken

    @cached_property
    def _fused_pass(self) -> bool:
        """Whether :meth:`_assign_and_update` takes the compiled pass
        (:mod:`iadsim.tracking.assignment_pass`): constant velocity (or ballistic),
        the distance or coasting_likelihood cost (the latter's pricing computed in the
        pass, as :meth:`_coast_pricing` computes it; ``coast_speed_gate``'s refusals
        too, as :meth:`_gate_coast_speed` makes them), no bias estimation."""
        return not (self._imm or self._likelihood_cost or self.bias_estimator is not None)

    @cached_property
    def _fused_constants(self) -> tuple[float, float]:
        """``ln P_D`` and ``ln (2 pi)^(3/2)`` of the plot score, as
        :func:`score.plot_score` computes them."""
        return (float(np.log(self.settings.score_detection_probability)),
                float(score.LOG_GAUSSIAN_NORMALIZATION_3D))

    def _assign_and_update_fused(self, rows: np.ndarray, row_slice: np.ndarray,
                                 slice_time: np.ndarray, measurement: np.ndarray,
                                 measurement_cov: np.ndarray, report_slice: np.ndarray,
                                 slot_of: np.ndarray, radar_of: np.ndarray, slots: int,
                                 polar: np.ndarray | None,
                                 misses: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
                                 ) -> np.ndarray | None:
        """:meth:`_assign_and_update` in two compiled calls
        (:func:`assignment_pass.associate_scan`, :func:`assignment_pass.score_and_update`),
        the same results bit for bit; None (nothing done) when the general way is needed
        (a crowd for the general gate or the sparse solver)."""
        settings = self.settings
        measurement = np.ascontiguousarray(measurement, dtype=float)
        measurement_cov = np.ascontiguousarray(measurement_cov, dtype=float)
        scan_time, scan_position, radars = (
            misses if misses is not None else (_NO_TIMES, _NO_SCAN_POSITIONS, _NO_RADARS))
        ballistic = bool(settings.ballistic_model and self._any_ballistic)
        (done, tests, pairs_taken, keep, tracks_missed, any_missed, scored_pairs,
         scored) = assignment_pass.associate_scan(
            self.state, self.covariance, self.time_s, self.hits, self.status,
            self.kind_index, self.kind_confidence, self.last_update_by_radar_s, ballistic,
            BALLISTIC, float(settings.ballistic_model_confidence),
            self.ballistic_acceleration_mps2, rows, row_slice, slice_time, measurement,
            measurement_cov, report_slice, slot_of,
            slots, float(self._one_plot_gate_variance), float(settings.process_noise_mps2),
            self.gate_threshold, MAX_PAIRS_PER_TRACK, BRUTE_FORCE_PAIRS,
            MOST_SMALL_SLICE_TESTS, DENSE_ASSIGNMENT_SIZE, misses is not None, scan_time,
            scan_position, radars, self._site_position, self._site_rotation,
            self._site_coverage, self.ground_elevation_m, self._score, radar_of,
            self._false_alarm_constant, _NO_POLAR if polar is None else polar,
            self._coasting_cost, self._site_revisit_s, float(settings.coast_free_revisits),
            bool(settings.coast_speed_gate), WAYPOINT_KINDS,
            float(settings.plausibility_speed_margin), float(settings.plausibility_sigmas))
        if not done:
            return None
        self.crowd_limits.distances_computed += tests
        if pairs_taken.shape[1] == 0:
            return pairs_taken[1]
        if any_missed:
            keep &= self._not_doomed(pairs_taken[0], tracks_missed[0], tracks_missed[1])
        log_density = _NO_TIMES
        if scored_pairs.size:
            log_density = np.log(score.false_alarm_density(
                scored[assignment_pass.SCORED_CONSTANT], scored[assignment_pass.SCORED_RANGE],
                scored[assignment_pass.SCORED_ELEVATION]))
        log_detection_probability, log_normalization = self._fused_constants
        kept, time_of, confirming, updated, any_confirming = assignment_pass.score_and_update(
            keep, pairs_taken, scored_pairs, scored, log_density, log_detection_probability,
            log_normalization, slice_time,
            report_slice, radar_of, measurement, measurement_cov, self.state,
            self.covariance, self.time_s, self.hits, self.last_update_s,
            self.last_update_by_radar_s, self.vertical_acceleration_mps2, self.status,
            self.score if self._score else self.time_s,
            self._score and not self._score_decides, self._score_decides,
            float(self._confirm_score), int(settings.confirm_hits),
            float(settings.process_noise_mps2), ballistic, self.kind_index,
            self.kind_confidence, BALLISTIC, float(settings.ballistic_model_confidence),
            self.ballistic_acceleration_mps2, ACCELERATION_SMOOTHING, ACCELERATION_BASELINE_S)
        kept_taken = kept[1]
        if kept_taken.size == 0:
            return kept_taken
        if not updated:  # a report older than its track: the general update
            self._update(kept[0], measurement, measurement_cov, kept_taken, radar_of,
                         slice_time[report_slice])
        elif any_confirming:
            self._confirm(kept[2], kept[3], time_of, confirming, radar_of)
        return kept_taken

    def _coasting(self, rows: np.ndarray, row_time: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
        """Which candidates ``rows`` (v,) at ``row_time`` (v,) coast past their allowance
        (``coast_free_revisits`` revisits of the radar that last updated them), and each
        one's allowance (s): what ``association_cost: coasting_likelihood`` prices."""
        last_radar = np.argmax(self.last_update_by_radar_s[rows], axis=1)
        allowance = self.settings.coast_free_revisits * self._site_revisit_s[last_radar]
        return row_time - self.time_s[rows] > allowance, allowance

    def _coast_pricing(self, rows: np.ndarray, row_time: np.ndarray,
                       measurement_cov: np.ndarray, pair_row: np.ndarray,
                       pair_measurement: np.ndarray, distance2: np.ndarray,
                       pricing: tuple[np.ndarray, Pricing] | None,
                       ) -> tuple[np.ndarray, tuple[np.ndarray, Pricing] | None]:
        """``association_cost: coasting_likelihood``: the gated pairs' distances (and the
        IMM tracks' pricing) with the width each track gained by coasting past its
        allowance added (:func:`iadsim.tracking.association.coasting_distance2`).

        The candidates ``rows`` (v,) at ``row_time`` (v,), the pairs ``pair_row`` (into
        the candidates) and ``pair_measurement`` (into ``measurement_cov`` (k, 3, 3)).
        ``ln|S|`` is the CV prediction's from the track's last update to the report's
        time, ``ln|S_ref|`` that to at most ``coast_free_revisits`` revisits of the radar
        that last updated it (for an IMM track, of its combined estimate in the table:
        the growth measures the coast, the pricing itself stays the IMM's). A track on
        schedule has ``S_ref = S``: its pairs are priced as by ``distance``."""
        settings = self.settings
        coasting_candidate, allowance = self._coasting(rows, row_time)
        if not coasting_candidate.any():  # every candidate on schedule: S_ref = S
            return distance2, pricing
        # Only the coasting candidates' pairs are priced anew (the others' excess is 0).
        coasting_rows = coasting_candidate.nonzero()[0]
        local = np.full(rows.size, -1)
        local[coasting_rows] = np.arange(coasting_rows.size)
        reference_time = self.time_s[rows[coasting_rows]] + allowance[coasting_rows]
        predicted = [kernels.predict_candidate_positions(
            self.state, self.covariance, self.time_s, self.hits, rows[coasting_rows], when,
            float(self._one_plot_gate_variance), float(settings.process_noise_mps2),
            NO_ACCELERATION)[1] for when in (row_time[coasting_rows], reference_time)]
        measurement_cov = np.ascontiguousarray(measurement_cov, dtype=float)

        def coasting(candidate: np.ndarray, measurement_index: np.ndarray,
                     priced_distance2: np.ndarray) -> np.ndarray:
            pairs = coasting_candidate[candidate].nonzero()[0]
            if pairs.size == 0:
                return priced_distance2
            result = priced_distance2.copy()
            result[pairs] = coasting_distance2(priced_distance2[pairs], *(
                kernels.pair_log_determinant(cov, measurement_cov, local[candidate[pairs]],
                                             measurement_index[pairs]) for cov in predicted))
            return result

        distance2 = coasting(pair_row, pair_measurement, distance2)
        if pricing is None:
            return distance2, None
        priced, price = pricing

        def coasting_price(candidate: np.ndarray, measurement_index: np.ndarray
                           ) -> np.ndarray:
            return coasting(candidate, measurement_index, price(candidate, measurement_index))

        return distance2, (priced, coasting_price)

    def _speed_gated(self, rows: np.ndarray, row_time: np.ndarray) -> np.ndarray:
        """Which candidates ``rows`` (v,) at ``row_time`` (v,) ``coast_speed_gate`` gates:
        confirmed, of a waypoint kind (:data:`WAYPOINT_KINDS`), coasting past their
        allowance (:meth:`_coasting`). (v,) bool."""
        waypoint = ((self.status[rows] == CONFIRMED)
                    & np.isin(self.kind_index[rows], WAYPOINT_KINDS))
        if not waypoint.any():
            return waypoint
        return waypoint & self._coasting(rows, row_time)[0]

    def _gate_coast_speed(self, rows: np.ndarray, row_time: np.ndarray,
                          position: np.ndarray, position_cov: np.ndarray,
                          measurement: np.ndarray, measurement_cov: np.ndarray,
                          pair_row: np.ndarray, pair_measurement: np.ndarray,
                          distance2: np.ndarray) -> np.ndarray:
        """``tracking.coast_speed_gate``: the gated pairs' distances (m,) with those put
        outside the gate (no gain) whose update would change the speed of a confirmed
        track of a waypoint kind coasting past its allowance (:meth:`_coasting`) beyond
        ``plausibility_speed_margin`` and ``plausibility_sigmas`` standard deviations
        (:mod:`iadsim.tracking.coast_gate`).
        ``position``, ``position_cov``: the candidates ``rows`` predicted to ``row_time``;
        ``pair_row`` indexes them, ``pair_measurement`` the reports."""
        pairs = self._speed_gated(rows, row_time)[pair_row].nonzero()[0]
        if pairs.size == 0:
            return distance2
        candidate, report = pair_row[pairs], pair_measurement[pairs]
        track = rows[candidate]
        covariance = self.covariance[track]
        refused = coast_gate.refused(
            self.state[track, 3:], covariance[:, 3:, 3:], covariance[:, 3:, :3],
            row_time[candidate] - self.time_s[track], float(self.settings.process_noise_mps2),
            position_cov[candidate] + measurement_cov[report],
            measurement[report] - position[candidate],
            float(self.settings.plausibility_speed_margin),
            float(self.settings.plausibility_sigmas))
        if not refused.any():
            return distance2
        distance2 = distance2.copy()
        distance2[pairs[refused]] = self.gate_threshold + 1.0
        return distance2

    def _score_plots(self, track_rows: np.ndarray, position: np.ndarray,
                     position_cov: np.ndarray, measurement: np.ndarray,
                     measurement_cov: np.ndarray, radar_of: np.ndarray,
                     polar: np.ndarray) -> None:
        """Add to the score of each tentative track of ``track_rows`` its plots' increments
        (:func:`score.plot_score`), against the tracks' predicted ``position`` and
        ``position_cov`` (each plot of one time against the same prediction)."""
        tentative = self.status[track_rows] == TENTATIVE
        if not tentative.any():
            return
        residual = measurement[tentative] - position[tentative]
        innovation_cov = position_cov[tentative] + measurement_cov[tentative]
        distance2 = lapack3.mahalanobis3_rows(residual, innovation_cov)[0]
        density = score.false_alarm_density(self._false_alarm_constant[radar_of[tentative]],
                                            polar[tentative, 0], polar[tentative, 2])
        # A track may take plots of several times: their increments are added in turn
        # (what ``np.add.at`` does; compiled, a tenth of its fixed cost).
        pass_kernels.add_in_order(self.score, track_rows[tentative], score.plot_score(
            self.settings.score_detection_probability, density, distance2, innovation_cov))

    def _observe_bias(self, time_s: float, track_rows: np.ndarray, radar_of: np.ndarray,
                      raw: np.ndarray, raw_cov: np.ndarray, polar: np.ndarray) -> None:
        """Pair each raw plot taken by a confirmed track with the track's last plot from
        each other radar within :data:`bias.MAX_PAIR_LAG_S`, moved to ``time_s`` with the
        track's velocity, and fold the pairs into the bias estimate
        (:class:`iadsim.tracking.bias.BiasEstimator`); then keep each plot as its track's
        last from its radar."""
        estimator = self.bias_estimator
        jacobian = plot_jacobian(polar[:, 0], polar[:, 1], polar[:, 2],
                                 self._site_rotation[radar_of])
        lag = time_s - self.plot_time_s[track_rows]  # (m, radars)
        usable = ((self.status[track_rows] == CONFIRMED)[:, None] & (lag >= 0.0)
                  & (lag <= MAX_PAIR_LAG_S))
        usable[np.arange(track_rows.size), radar_of] = False
        plot, other = usable.nonzero()
        if plot.size:
            rows = track_rows[plot]
            lag = lag[plot, other]
            moved = self.plot_position_m[rows, other] + self.state[rows, 3:] * lag[:, None]
            velocity_cov = self.covariance[rows, 3:, 3:]
            noise = (raw_cov[plot] + self.plot_cov_m2[rows, other]
                     + (lag * lag)[:, None, None] * velocity_cov
                     + np.eye(3) * (self.settings.process_noise_mps2**2 * lag**3
                                    / 3.0)[:, None, None])
            estimator.observe(radar_of[plot], jacobian[plot], other,
                              self.plot_jacobian[rows, other], raw[plot] - moved, noise)
        self.plot_position_m[track_rows, radar_of] = raw
        self.plot_time_s[track_rows, radar_of] = time_s
        self.plot_jacobian[track_rows, radar_of] = jacobian
        self.plot_cov_m2[track_rows, radar_of] = raw_cov

    def _imm_predict(self, rows: np.ndarray, time_s: float | np.ndarray) -> imm.ImmEstimate:
        """The IMM prediction (mixing and model-matched predictions) of the tracks
        ``rows``, whose IMM estimates are current, to ``time_s`` (one for all or one a
        track, not before the track's time), compiled (:mod:`imm_kernels`; the
        arithmetic of :func:`imm.predict` with :func:`imm.transition_matrices_per_track`
        and :func:`imm.mode_transitions`, to rounding)."""
        return imm_kernels.predict(
            imm.ImmEstimate(self.imm_state[rows], self.imm_covariance[rows],
                            self.mode_probability[rows]),
            time_s - self.time_s[rows], self.settings.imm_cv_noise_mps2,
            self._imm_ca_noise(rows), self._imm_sojourn_s)

    def _imm_ca_noise(self, rows: np.ndarray) -> np.ndarray:
        """The jerk noise levels (m/s^3) of the IMM's CA models for the tracks ``rows``:
        (k,) with one CA model, (k, 2) with the gentle one (CA, gentle CA), each scaled
        by :func:`imm.manoeuvre_scale`."""
        settings = self.settings
        scale = imm.manoeuvre_scale(self.state[rows, 3:6],
                                    settings.imm_manoeuvre_reference_speed_mps)
        if self._imm_sojourn_s.size == 2:
            return settings.imm_ca_noise_mps3 * scale
        return np.outer(scale, [settings.imm_ca_noise_mps3,
                                settings.imm_gentle_ca_noise_mps3])

    def _imm_gate_moments(self, rows: np.ndarray, time_s: np.ndarray
                          ) -> tuple[np.ndarray, ...]:
        """The gating and pricing moments of the IMM tracks ``rows`` predicted to their
        ``time_s`` (:func:`imm_kernels.predict_gate_moments`, the position block of
        :meth:`_imm_predict` with :func:`imm.gate_and_price_moments`, read from the
        table by row): combined position, broadest model's and combined position
        covariance, the CV model's position and its covariance."""
        return imm_kernels.predict_gate_moments(
            self.imm_state, self.imm_covariance, self.mode_probability, rows,
            time_s - self.time_s[rows], self.settings.imm_cv_noise_mps2,
            self._imm_ca_noise(rows), self._imm_sojourn_s)

    def _imm_pricing(self, active: np.ndarray, position: np.ndarray,
                     combined_cov: np.ndarray, cv_position: np.ndarray, cv_cov: np.ndarray,
                     measurement: np.ndarray, measurement_cov: np.ndarray,
                     likelihood: tuple[np.ndarray, np.ndarray] | None = None,
                     ) -> tuple[np.ndarray, Pricing]:
        """The pricing of the gated pairs of the IMM tracks (``active`` among the
        candidates) for :meth:`_associate`, by ``tracking.imm_pricing``: their squared
        distance under the CV model's prediction (``cv_model``: ``cv_position`` (a, 3),
        ``cv_cov`` (a, 3, 3), the active tracks' in order), or under the combined
        (moment-matched) prediction, ``position`` (a, 3) and ``combined_cov``
        (a, 3, 3) (``combined``; :func:`imm.gate_and_price_moments`). Either is
        tighter than the broadest model's gate while the CV mode is likely; the CV
        model's, unlike the combined one, does not widen or move toward a neighbour's
        report when the manoeuvre mode comes up (tests/tracking/test_imm_crowd.py).
        ``likelihood``: each report's false-alarm constant (k,) and (range, azimuth,
        elevation) (k, 3) under ``association_cost: likelihood``; the pricing is then
        :func:`kernels.likelihood_distance2`'s ``D`` (its ``ln|S|`` the pricing
        covariance's)."""
        local = np.full(active.size, -1)
        local[active] = np.arange(position.shape[0])
        if self.settings.imm_pricing == "cv_model":
            position, combined_cov = cv_position, cv_cov

        def price(track_index: np.ndarray, measurement_index: np.ndarray) -> np.ndarray:
            distance2 = pair_distance2(position, combined_cov, measurement, measurement_cov,
                                       local[track_index], measurement_index)
            if likelihood is None:
                return distance2
            return kernels.likelihood_distance2(  # association_cost: likelihood
                distance2, combined_cov, measurement_cov, local[track_index],
                measurement_index, *likelihood, self._likelihood_log_odds,
                self.gate_threshold)

        return active, price

    def _ambiguous_broad_pairs(self, broad: np.ndarray, tracks: np.ndarray,
                               pair_track: np.ndarray, pair_measurement: np.ndarray,
                               slot_of: np.ndarray, slots: int,
                               measurements: int) -> np.ndarray:
        """Of the gated pairs ``broad`` (indices into the pairs of :meth:`_associate`: IMM
        tracks' pairs that only the broad gate holds, outside their pricing's gate), those
        whose report is ambiguous: the track's gate holds another report of that scan, or
        another confirmed track's gate holds that report
        (``tracking.imm_broad_gate_reports: unambiguous``).

        The broad gate (the manoeuvre model's) is there for the onset of a hard turn, when
        the target's report falls outside what the CV model expects and nothing else is
        near. In a crowd or in clutter it also holds a neighbour's report or a false
        alarm, and a track that missed its own report took one with the gate's small gain
        (:func:`iadsim.tracking.association.priced_gain`), read it as a manoeuvre (its
        CA mode rose) and followed it: in the crossing groups of
        tests/tracking/test_imm_crowd.py most of the IMM's 106 track changes (CV: 5) came
        from such pairs; gating on the CV model alone left 25, but lost 12 g turns. An
        unambiguous report (alone in the track's gate, in no other confirmed track's) is
        still taken, so an isolated target's hard turn is held. Returns pair indices."""
        if broad.size == 0:
            return broad
        pair_slot = pair_track * slots + slot_of[pair_measurement]
        reports_of_slot = np.bincount(pair_slot, minlength=tracks.size * slots)
        confirmed = self.status[tracks[pair_track]] == CONFIRMED
        confirmed_tracks_of_report = np.bincount(pair_measurement[confirmed],
                                                 minlength=measurements)
        ambiguous = ((reports_of_slot[pair_slot[broad]] > 1)
                     | (confirmed_tracks_of_report[pair_measurement[broad]] > 1))
        return broad[ambiguous]

    def _associate(self, tracks: np.ndarray, pair_track: np.ndarray,
                   pair_measurement: np.ndarray, distance2: np.ndarray, slot_of: np.ndarray,
                   slots: int, measurements: int,
                   pricing: tuple[np.ndarray, Pricing] | None = None,
                   pair_row: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """GNN in two passes over the gated pairs (``pair_track`` indexes the track rows
        ``tracks``, ``pair_measurement`` the ``measurements`` reports, ``distance2`` their
        squared Mahalanobis distance): confirmed tracks choose first, tentative tracks
        take what is left, so a young track in a dense raid cannot steal an established
        track's report. A track takes at most one report from each scan: the rows of the
        assignment are (track, scan) slots, ``track * slots + slot_of[report]``.
        ``pricing``: which candidates (bool, over the candidates ``pair_row`` indexes:
        a track in a slice) have their gated pairs priced otherwise than by their gate
        distance, and the function that prices them (pairs' candidate and report indices
        -> squared distances; :func:`iadsim.tracking.association.priced_gain`; IMM
        tracks). Returns (slots, report indices) assigned. Under ``association_cost:
        likelihood`` the distances are :func:`kernels.likelihood_distance2`'s ``D``: the gain
        ``G - D`` is then the likelihood gain."""
        # Gain G - d^2, nudged so that a pair exactly on the gate is still taken.
        gain = (self.gate_threshold - distance2) + 1e-9
        if pricing is not None:
            priced, price = pricing
            pair_row = pair_track if pair_row is None else pair_row
            pairs = priced[pair_row].nonzero()[0]
            if pairs.size:
                pricing_distance2 = price(pair_row[pairs], pair_measurement[pairs])
                gain[pairs] = priced_gain(pricing_distance2, distance2[pairs],
                                          self.gate_threshold) + 1e-9
                if self.settings.imm_broad_gate_reports == "unambiguous":
                    gain[self._ambiguous_broad_pairs(
                        pairs[pricing_distance2 >= self.gate_threshold], tracks, pair_track,
                        pair_measurement, slot_of, slots, measurements)] = 0.0
        pair_slot = pair_track * slots + slot_of[pair_measurement]
        pair_status = self.status[tracks[pair_track]]
        if pricing is None:
            # Both passes in one compiled call, unless a cluster needs a sparse solver.
            chosen_slot, chosen_measurement, solved = pass_kernels.assign_confirmed_first(
                pair_slot, pair_measurement, gain, pair_status, tracks.size * slots,
                measurements, DENSE_ASSIGNMENT_SIZE)
            if solved:
                return chosen_slot, chosen_measurement
        chosen_slots, chosen_measurements = [], []
        free = np.ones(measurements, dtype=bool)
        for status in (CONFIRMED, TENTATIVE):
            usable = (pair_status == status) & free[pair_measurement]
            if not usable.any():
                continue
            assigned_slots, assigned = assign(pair_slot[usable], pair_measurement[usable],
                                              gain[usable], tracks.size * slots, measurements,
                                              self.crowd_limits)
            chosen_slots.append(assigned_slots)
            chosen_measurements.append(assigned)
            free[assigned] = False
        if not chosen_slots:
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
        return np.concatenate(chosen_slots), np.concatenate(chosen_measurements)

    def _update(self, track_rows: np.ndarray, measurement: np.ndarray,
                measurement_cov: np.ndarray, taken: np.ndarray, radar_of: np.ndarray,
                report_time: np.ndarray) -> None:
        """Kalman-update the tracks in ``track_rows`` with the reports ``taken`` (pairwise;
        ``report_time``: every report's time), each track with its reports in time order:
        those of one time (from different radars) combined into one update, then on to
        the next time's (:meth:`_update_round`, one round per rank of a time among a
        track's). Counts hits and confirms tentative tracks."""
        if not self._imm:
            # Constant velocity (or ballistic): all of it in one compiled call, unless a
            # report is older than its track (then the general path below).
            sorted_rows, sorted_taken, time_of, confirming, done = pass_kernels.update_in_turn(
                track_rows, taken, report_time, radar_of, measurement, measurement_cov,
                *self._update_table_arguments())
            if done:
                self._confirm(sorted_rows, sorted_taken, time_of, confirming, radar_of)
            else:
                self._update_late_first(track_rows, measurement, measurement_cov, taken,
                                        radar_of, report_time)
            return
        # The IMM, or a report out of sequence: by track, time, report (a report is
        # taken once); each track's first pair and count; the runs of one track's reports
        # of one time (groups), updated round after round.
        (track_rows, taken, time_of, first, tracks, counts, group_start, combined,
         combined_cov, group_row, group_time, time_before, vertical_speed_before) = (
            self._update_groups(track_rows, measurement, measurement_cov, taken,
                                report_time))
        if group_start.size == tracks.size:
            self._update_round(group_row, group_time, combined, combined_cov)
        else:
            first_group = np.searchsorted(group_row, tracks)
            rank = np.arange(group_row.size) - first_group.repeat(
                np.diff(np.append(first_group, group_row.size)))
            for round_index in range(int(rank.max()) + 1):
                now = rank == round_index
                self._update_round(group_row[now], group_time[now], combined[now],
                                   combined_cov[now])
        # One smoothing of the vertical acceleration over the whole interval (a track
        # only updated out of sequence has not moved on: no interval, no smoothing).
        self._smooth_vertical_acceleration(tracks, vertical_speed_before,
                                           self.time_s[tracks] - time_before)
        hits_before = self.hits[tracks]
        self.hits[tracks] += counts.astype(self.hits.dtype)
        self.last_update_s[tracks] = np.maximum(self.last_update_s[tracks],
                                                time_of[first + counts - 1])
        # In time order per track: of a radar's two looks in these scans, the later stays.
        self.last_update_by_radar_s[track_rows, radar_of[taken]] = time_of
        if self._score_decides:
            # Score: a tentative track is confirmed when its score (its plots of these
            # scans added) reaches the confirmation threshold; the first of them is logged.
            confirming = np.zeros(track_rows.size, dtype=bool)
            confirming[first] = ((self.status[tracks] == TENTATIVE)
                                 & (self.score[tracks] >= self._confirm_score))
        else:
            # M of N: a tentative track is confirmed by the report that brings it to
            # confirm_hits (reports counted in time, then radar order), or, held back by
            # the duplicate guard, by its first report since.
            may_confirm = self.status[tracks] == TENTATIVE
            if self._score:
                # M of N and score: not while the score (its plots of these scans added)
                # is below the confirmation threshold; it confirms at its first report
                # past M hits that finds the score there.
                may_confirm &= self.score[tracks] >= self._confirm_score
            confirming = pass_kernels.first_confirming(first, counts, may_confirm,
                                                       hits_before,
                                                       int(self.settings.confirm_hits))
        self._confirm(track_rows, taken, time_of, confirming, radar_of)

    def _update_table_arguments(self) -> tuple:
        """The track table's columns and the settings :func:`pass_kernels.update_in_turn`
        and :func:`pass_kernels.update_groups` take after their pairs (the same tail)."""
        settings = self.settings
        return (self.state, self.covariance, self.time_s, self.hits, self.last_update_s,
                self.last_update_by_radar_s, self.vertical_acceleration_mps2, self.status,
                self.score if self._score else self.time_s,
                self._score and not self._score_decides, self._score_decides,
                float(self._confirm_score), int(settings.confirm_hits),
                float(settings.process_noise_mps2),
                bool(settings.ballistic_model and self._any_ballistic), self.kind_index,
                self.kind_confidence, BALLISTIC, float(settings.ballistic_model_confidence),
                self.ballistic_acceleration_mps2, ACCELERATION_SMOOTHING, ACCELERATION_BASELINE_S)

    def _update_groups(self, track_rows: np.ndarray, measurement: np.ndarray,
                       measurement_cov: np.ndarray, taken: np.ndarray,
                       report_time: np.ndarray) -> tuple[np.ndarray, ...]:
        """The pairs of an update put in order (by track, time, report;
        :func:`pass_kernels.update_order`) and grouped: each track's reports of one time
        combined into one measurement. Returns the sorted ``track_rows``, ``taken`` and
        report times, each track's first pair, the tracks and their pair counts, each
        group's start, combined measurement and covariance, row and time, and the tracks'
        time and vertical speed before the update (for the smoothed acceleration)."""
        track_rows, taken, time_of, first, tracks, counts, group_start = (
            pass_kernels.update_order(track_rows, taken, report_time, self.size))
        combined, combined_cov = measurement[taken], measurement_cov[taken]
        if group_start.size < track_rows.size:
            combined, combined_cov = kalman.combine_measurements(group_start, combined,
                                                                 combined_cov)
        return (track_rows, taken, time_of, first, tracks, counts, group_start, combined,
                combined_cov, track_rows[group_start], time_of[group_start],
                self.time_s[tracks], self.state[tracks, 5])

    def _update_late_first(self, track_rows: np.ndarray, measurement: np.ndarray,
                           measurement_cov: np.ndarray, taken: np.ndarray,
                           radar_of: np.ndarray, report_time: np.ndarray) -> None:
        """:meth:`_update` without the IMM when a report is older than its track: the
        same rounds, in fewer calls. A track's groups older than its time come first in
        its time order, and are applied out of sequence round after round
        (:func:`kalman.update_out_of_sequence`, on the same rows as
        :meth:`_update_round`'s rounds give it); then every track's other groups, the
        smoothing, the counts and the confirmations in one compiled call
        (:func:`pass_kernels.update_groups`)."""
        settings = self.settings
        (track_rows, taken, time_of, first, tracks, counts, group_start, combined,
         combined_cov, group_row, group_time, time_before, vertical_speed_before) = (
            self._update_groups(track_rows, measurement, measurement_cov, taken,
                                report_time))
        late = group_time < self.time_s[group_row]
        pending = late.nonzero()[0]
        while pending.size:  # round after round: each track's first group still pending
            pending_rows = group_row[pending]
            now = np.ones(pending.size, dtype=bool)
            now[1:] = pending_rows[1:] != pending_rows[:-1]
            groups, pending = pending[now], pending[~now]
            rows = group_row[groups]
            self.state[rows], self.covariance[rows] = kalman.update_out_of_sequence(
                self.state[rows], self.covariance[rows], group_time[groups] - self.time_s[rows],
                combined[groups], combined_cov[groups], settings.process_noise_mps2,
                self._known_acceleration(rows))
        confirming = pass_kernels.update_groups(
            track_rows, taken, time_of, first, tracks, counts, group_start, combined,
            combined_cov, late, time_before, vertical_speed_before, radar_of,
            *self._update_table_arguments())
        if confirming.any():
            self._confirm(track_rows, taken, time_of, confirming, radar_of)

    def _confirm(self, track_rows: np.ndarray, taken: np.ndarray, time_of: np.ndarray,
                 confirming: np.ndarray, radar_of: np.ndarray) -> None:
        """Confirm the tracks of the ``confirming`` pairs (of :meth:`_update`'s pairs in
        update order: ``track_rows``, reports ``taken``, their times ``time_of``), less
        those the kinematic plausibility or the duplicate guard hold back; log
        ``track_confirm`` each."""
        if confirming.any() and self.plausibility is not None:
            candidates = confirming.nonzero()[0]
            rows = track_rows[candidates]
            confirming[candidates] = self.plausibility.plausible(
                self.state[rows, 3:], self.covariance[rows, 3:, 3:],
                self._height_m(self.state[rows, :3]))
        if confirming.any() and self.settings.duplicate_guard:
            candidates = confirming.nonzero()[0]
            confirming[candidates[self._duplicates(track_rows[candidates])]] = False
        if confirming.any():
            confirmed = track_rows[confirming]
            self.status[confirmed] = CONFIRMED
            rejoined = {}
            if self.segments is not None and self.segments.size:
                rejoined = self._rejoin(confirmed)
            self.log.add(EventKind.TRACK_CONFIRM, time_of[confirming],
                         track_id=self.track_id[confirmed],
                         sensor_index=radar_of[taken[confirming]],
                         position_m=self.state[confirmed, :3], **rejoined)

    def _rejoin(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        """Segment association of the tracks ``rows`` that have just confirmed: those that
        continue a recently deleted track take its number and birth time
        (:mod:`iadsim.tracking.segments`). Returns the ``value`` column of their
        ``track_confirm`` events (each one's own number, NaN for the others), or nothing
        when none re-joined."""
        joined = self.segments.rejoin(self.state[rows], self.covariance[rows],
                                      self.time_s[rows], self.last_update_by_radar_s[rows],
                                      self._known_acceleration(rows))
        if joined.index.size == 0:
            return {}
        value = np.full(rows.size, np.nan)
        value[joined.index] = self.track_id[rows[joined.index]]
        for number, own, born in zip(joined.track_id.tolist(),
                                     self.track_id[rows[joined.index]].tolist(),
                                     self.born_s[rows[joined.index]].tolist(), strict=True):
            self._rejoined_since_drop[number] = (own, born)
        self.track_id[rows[joined.index]] = joined.track_id
        self.born_s[rows[joined.index]] = joined.born_s
        return {"value": value}

    def _undo_rejoins(self, time_s: float, killed_track_ids: np.ndarray,
                      rejoined: dict[int, tuple[int, float]]) -> None:
        """A number re-joined since the last :meth:`drop` (``rejoined``: the number taken
        back -> the track's own number and birth time) that the battle manager has now
        judged killed was judged on the old segment's absence, before the re-join (the
        judgement reaches the tracker a step late): the track takes its own number back,
        so the battle manager sees a new track it may engage, and its ``track_confirm``
        is logged again under that number (value NaN)."""
        undone = [number for number in killed_track_ids.tolist() if number in rejoined]
        if not undone:
            return
        rows = np.isin(self.track_id, undone).nonzero()[0]
        for row in rows.tolist():
            self.track_id[row], self.born_s[row] = rejoined[int(self.track_id[row])]
        self.log.add(EventKind.TRACK_CONFIRM, time_s, track_id=self.track_id[rows],
                     position_m=self.state[rows, :3])

    def _duplicates(self, rows: np.ndarray) -> np.ndarray:
        """Whether each of the tentative tracks ``rows`` (distinct) duplicates a live
        confirmed track (``duplicate_guard``): its position lies in the confirmed track's
        gate, both predicted to the later of their times (the chi-square gate on their
        summed position covariances), and the two never took reports of one scan of one
        radar (a radar reports a target once a scan: two such tracks are two resolved
        targets, however close). Such a track stays tentative: a broken track's plots,
        taken by a new track beside its live confirmed track, confirm no second track on
        one target; it confirms once the two are resolved or apart, or the confirmed
        track has gone."""
        confirmed = (self.status == CONFIRMED).nonzero()[0]
        duplicate = np.zeros(rows.size, dtype=bool)
        if confirmed.size == 0:
            return duplicate
        when = max(float(self.time_s[rows].max()), float(self.time_s[confirmed].max()))
        process_noise = self.settings.process_noise_mps2
        position, position_cov = kalman.predict_position(
            self.state[rows], self.covariance[rows], when - self.time_s[rows],
            process_noise, self._known_acceleration(rows))
        confirmed_position, confirmed_cov = kalman.predict_position(
            self.state[confirmed], self.covariance[confirmed],
            when - self.time_s[confirmed], process_noise,
            self._known_acceleration(confirmed))
        track, candidate, _ = gated_pairs(confirmed_position, confirmed_cov, position,
                                          position_cov, self.gate_threshold,
                                          limits=self.crowd_limits)
        if track.size == 0:
            return duplicate
        own = self.last_update_by_radar_s[confirmed[track]]
        resolved = ((own == self.last_update_by_radar_s[rows[candidate]])
                    & np.isfinite(own)).any(axis=1)
        duplicate[candidate[~resolved]] = True
        return duplicate

    def _update_round(self, rows: np.ndarray, time_s: np.ndarray, measurement: np.ndarray,
                      measurement_cov: np.ndarray) -> None:
        """Update each track of ``rows`` (distinct) with one (combined) measurement (k, 3)
        taken at its ``time_s`` (k,): predicted there and updated, or, for a track
        already past that time (a report that arrived out of sequence), updated at its own
        time (:func:`kalman.update_out_of_sequence`); moves each track's time on."""
        dt = time_s - self.time_s[rows]
        on_time = rows
        late = dt < 0.0  # out-of-sequence reports: the track is already past them
        if late.any():
            late_rows = rows[late]
            self.state[late_rows], self.covariance[late_rows] = kalman.update_out_of_sequence(
                self.state[late_rows], self.covariance[late_rows], dt[late],
                measurement[late], measurement_cov[late], self.settings.process_noise_mps2,
                self._known_acceleration(late_rows))
            if self._imm:
                self.imm_active[late_rows] = False  # re-entered from the CV estimate later
            on_time, dt, time_s = rows[~late], dt[~late], time_s[~late]
            measurement, measurement_cov = measurement[~late], measurement_cov[~late]
        flown = np.zeros(on_time.size, dtype=bool)
        if self._imm and on_time.size:
            # Each track to its own time, in one call (the tracks are independent).
            flown = self._imm_update(on_time, time_s, measurement, measurement_cov)
        rest = on_time[~flown]
        if rest.size:
            state, covariance = kalman.predict(
                self.state[rest], self.covariance[rest], dt[~flown],
                self.settings.process_noise_mps2, self._known_acceleration(rest))
            self.state[rest], self.covariance[rest] = kalman.update(
                state, covariance, measurement[~flown], measurement_cov[~flown])
        self.time_s[on_time] = time_s

    def _imm_update(self, rows: np.ndarray, time_s: np.ndarray, measurement: np.ndarray,
                    measurement_cov: np.ndarray) -> np.ndarray:
        """Update with the IMM those of the tracks ``rows`` (not past ``time_s``) that fly
        it: confirmed tracks not flown with the ballistic model (with ``motion_model:
        imm_for_manoeuvring``, of those only the ones classified aircraft or cruise
        missile: :data:`MANOEUVRING_KINDS`; a track whose class changes leaves or
        re-enters the IMM). A track enters the IMM
        from its CV estimate (:func:`imm.from_cv`) once confirmed; its table row then
        holds the IMM's combined estimate. Tentative tracks stay with the CV filter: the
        IMM's manoeuvre mode widens the gate, which let clutter confirm (17 false tracks
        against 9 in layered-defense, seed 1, benchmarks/false_tracks.py). ``time_s``:
        each track's report time (k,). Returns which of ``rows`` were updated."""
        flown = self.status[rows] == CONFIRMED
        if self.settings.motion_model == "imm_for_manoeuvring":
            flown &= np.isin(self.kind_index[rows], MANOEUVRING_KINDS)
        acceleration = self._known_acceleration(rows)
        if acceleration is not None:
            flown &= ~acceleration.any(axis=1)
        self.imm_active[rows[~flown]] = False
        if not flown.any():
            return flown
        rows = rows[flown]
        entering = rows[~self.imm_active[rows]]
        if entering.size:
            scale = imm.manoeuvre_scale(self.state[entering, 3:6],
                                        self.settings.imm_manoeuvre_reference_speed_mps)
            estimate = imm.from_cv(self.state[entering], self.covariance[entering],
                                   self.settings.imm_initial_acceleration_mps2 * scale,
                                   self._imm_entry_mode_probability)
            self.imm_state[entering] = estimate.state
            self.imm_covariance[entering] = estimate.covariance
            self.mode_probability[entering] = estimate.mode_probability
            self.imm_active[entering] = True
        updated, _, state, covariance = imm_kernels.update(
            self._imm_predict(rows, time_s[flown]), measurement[flown], measurement_cov[flown])
        self.imm_state[rows], self.imm_covariance[rows] = updated.state, updated.covariance
        self.mode_probability[rows] = updated.mode_probability
        self.state[rows], self.covariance[rows] = state[:, :6], covariance[:, :6, :6]
        return flown

    def _start_tracks(self, radar_index: np.ndarray, time_s: float | np.ndarray,
                      position: np.ndarray, position_cov: np.ndarray,
                      log_start: bool = True) -> np.ndarray:
        """Start a track on each report (``radar_index``: each report's radar; ``time_s``:
        its time, one for all or one each); returns the new tracks' rows. ``log_start``
        False: the caller logs the ``track_start`` events (a pair of plots)."""
        count = position.shape[0]
        report_time = (np.full(count, time_s, dtype=np.float64) if np.ndim(time_s) == 0
                       else np.ascontiguousarray(time_s, dtype=np.float64))
        return self._start_reports(
            np.arange(count), np.ascontiguousarray(radar_index, dtype=np.intp), report_time,
            np.ascontiguousarray(position, dtype=np.float64),
            np.ascontiguousarray(position_cov, dtype=np.float64), log_start)

    def _start_reports(self, reports: np.ndarray, radar_of: np.ndarray,
                       report_time: np.ndarray, measurement: np.ndarray,
                       measurement_cov: np.ndarray, log_start: bool = True) -> np.ndarray:
        """:meth:`_start_tracks` on the reports ``reports`` (indices into ``radar_of``,
        ``report_time``, ``measurement`` and ``measurement_cov``), in one compiled call
        that writes the new rows and their events (:func:`table_kernels.start_rows`);
        returns the new tracks' rows."""
        count = reports.size
        first = self.size
        stop = first + count
        if self._capacity < stop or not self._table_in_arena():
            self._make_arena(max(stop, 2 * first, 64))
        confirmed = self.settings.confirm_hits <= 1 and not self._score
        kinds = _START_KINDS[log_start, confirmed]
        room = self.log.room(kinds.size * count)
        log_columns, first_row = (_NO_LOG_COLUMNS, table_kernels.NO_LOG) if room is None else room
        buffers = self._buffers
        table_kernels.start_rows(
            self._arena, self._layout, self._template, first, reports, radar_of, report_time,
            measurement, measurement_cov, self._next_id, self._velocity_prior_cov,
            CONFIRMED if confirmed else TENTATIVE, buffers["track_id"], buffers["state"],
            buffers["covariance"], buffers["time_s"], buffers["status"], buffers["hits"],
            buffers["born_s"], buffers["last_update_s"], buffers["last_update_by_radar_s"],
            kinds, first_row, *log_columns)
        self._next_id += count
        self._set_size(stop)
        for kind in _START_EVENTS[log_start, confirmed]:
            if room is not None:
                self.log.written(kind, count)
            else:  # the log's block is full: its next one starts with these events
                self.log.add(kind, report_time[reports], track_id=self.track_id[first:stop],
                             sensor_index=radar_of[reports], position_m=measurement[reports])
        return np.arange(first, stop)

    def _append(self, ids: np.ndarray, state: np.ndarray, covariance: np.ndarray,
                time_s: float | np.ndarray, status: int | np.ndarray, hits: int | np.ndarray,
                by_radar: np.ndarray) -> None:
        """Append ``ids.size`` tracks: the given columns (arrays of one row a track, or
        scalars for all), the others at their new-track values
        (:attr:`_new_track_values`).

        Each column is a view of the first rows of its region of the table's arena
        (:meth:`_make_arena`), so that most appends write the new rows in place: a step
        starts tracks on its clutter (about 20 a step in ``layered-defense``), and a
        concatenation of every column each time was a tenth of the tracker's time. An
        arena full, or a column set from outside (not the view the table set), is copied
        into a new arena twice as large."""
        size = self.size
        stop = size + ids.size
        if self._capacity < stop or not self._table_in_arena():
            self._make_arena(max(stop, 2 * size, 64))
        table_kernels.fill_new_rows(self._arena, self._layout, self._template, size, stop)
        given = {"track_id": ids, "state": state, "covariance": covariance, "time_s": time_s,
                 "status": status, "hits": hits, "born_s": time_s, "last_update_s": time_s,
                 "last_update_by_radar_s": by_radar}
        buffers = self._buffers
        for name, value in given.items():
            buffers[name][size:stop] = value
        self._set_size(stop)

    def _table_in_arena(self) -> bool:
        """Whether every column is still the view of its arena region that the table set
        last (not one set from outside, as a test may)."""
        views = self._arena_views
        return views is not None and all(map(is_, self._column_getter(self), views))

    def _set_size(self, size: int) -> None:
        """Make each column the view of the first ``size`` rows of its arena region. The
        views of a size are made once per arena and kept (a table's size comes back to the
        same few dozen values: slicing every column at each birth and death of tracks was
        a few per cent of the tracker's time)."""
        found = self._views_by_size.get(size)
        if found is None:
            views = tuple(map(getitem, self._buffer_list, repeat(slice(size))))
            found = (views, dict(zip(self._columns, views, strict=True)))
            self._views_by_size[size] = found
        self.__dict__.update(found[1])  # from a dict kept with the views: no pairs made
        self._arena_views = found[0]

    def _make_arena(self, capacity: int) -> None:
        """Move the table into a new arena with room for ``capacity`` rows: one byte array
        holding each column's buffer as a region of its own (aligned to 64 bytes, C
        order), so that one compiled call sees every column (:mod:`table_kernels`); the
        columns' rows copied to the first rows of their buffers. Also makes the bytes of
        one new track's row of each column (:attr:`_new_track_values`; zero for the
        columns an append is given)."""
        size = self.size
        layout = []
        end = 0
        for name in self._columns:
            column = getattr(self, name)
            width = column.dtype.itemsize * int(np.prod(column.shape[1:], dtype=np.int64))
            layout.append((name, column, end, width))
            end += -(-capacity * width // 64) * 64
        arena = np.zeros(max(end, 64), dtype=np.uint8)
        buffers: dict[str, np.ndarray] = {}
        template = []
        for name, column, start, width in layout:
            buffer = arena[start:start + capacity * width].view(column.dtype).reshape(
                capacity, *column.shape[1:])
            buffer[:size] = column
            buffers[name] = buffer
            row = np.zeros((1, *column.shape[1:]), dtype=column.dtype)
            value = self._new_track_values.get(name)
            if value is not None:
                row[...] = value
            row_bytes = row.reshape(-1).view(np.uint8)
            template.append(np.concatenate([row_bytes,
                                            np.zeros(-row_bytes.size % 8, dtype=np.uint8)]))
        self._arena, self._capacity, self._buffers = arena, capacity, buffers
        self._buffer_list = [buffers[name] for name in self._columns]
        self._views_by_size = {}
        self._template = np.concatenate(template)  # each row padded to whole words
        self._layout = np.array(
            [[start for _, _, start, _ in layout], [width for _, _, _, width in layout],
             np.concatenate([[0], np.cumsum([part.size for part in template])[:-1]])],
            dtype=np.int64)
        self._set_size(size)

    def _remove(self, time_s: float, rows: np.ndarray,
                merged_into: np.ndarray | None = None,
                killed: np.ndarray | None = None) -> None:
        """Delete the tracks where the boolean ``rows`` is set; log ``track_drop`` (value:
        seconds since the last update) or, given the surviving ids ``merged_into`` (one per
        deleted track), ``track_merge`` (value: the surviving track's id). With
        ``segment_association``, the confirmed tracks dropped, but not those where the
        boolean ``killed`` is set (judged killed), are kept as segments.

        The events' columns are read and the rows kept moved to the first rows of every
        column in one compiled call (:func:`table_kernels.remove_rows`)."""
        if merged_into is None and self.segments is not None:
            segment = rows & (self.status == CONFIRMED)
            if killed is not None:
                segment &= ~killed
            if segment.any():
                self.segments.keep(time_s, self.track_id[segment], self.state[segment],
                                   self.covariance[segment], self.time_s[segment],
                                   self.born_s[segment],
                                   self.last_update_by_radar_s[segment],
                                   self._known_acceleration(segment.nonzero()[0]))
        if not self._table_in_arena():
            self._make_arena(max(self.size, 64))
        kind = EventKind.TRACK_DROP if merged_into is None else EventKind.TRACK_MERGE
        log = self.log
        room = log.room(self.size)
        if room is None:  # the log's block is full: its next one starts with these events
            log.add(kind, time_s, track_id=self.track_id[rows],
                    value=(time_s - self.last_update_s[rows] if merged_into is None
                           else merged_into.astype(float)),
                    position_m=self.state[rows, :3])
            room = (_NO_LOG_COLUMNS, table_kernels.NO_LOG)
        kept, count = table_kernels.remove_rows(
            self._arena, self._layout, np.asarray(rows, dtype=np.bool_), self.track_id,
            self.state, self.last_update_s, float(time_s),
            _NO_TRACK_IDS if merged_into is None else merged_into, merged_into is not None,
            kind_code(kind), room[1], *room[0])
        if room[1] != table_kernels.NO_LOG:
            log.written(kind, count)
        self._set_size(kept)

    def drop(self, time_s: float, killed_track_ids: np.ndarray | None = None) -> None:
        """Delete stale tracks, tracks whose position sigma has grown past
        ``max_position_sigma_m`` and tracks assessed killed; log one event each. Held
        plots older than ``tentative_timeout_s`` are dropped (no event)."""
        rejoined = self._rejoined_since_drop
        if rejoined:
            self._rejoined_since_drop = {}
        held = self.held
        if held.time_s.size:
            fresh = time_s - held.time_s <= self.settings.tentative_timeout_s
            if not fresh.all():
                held.keep(fresh)
        track_time_s = self.time_s
        if track_time_s.size == 0:
            return
        settings = self.settings
        if self._drop_settings_of is not settings:  # made once (the settings, as read here)
            self._drop_settings_of = settings
            self._drop_settings = (
                float(settings.process_noise_mps2**2), float(settings.max_position_sigma_m**2),
                float(settings.tentative_timeout_s), float(settings.coast_timeout_s))
        by_misses = self._delete_by_misses
        # |dt|^3 in NumPy (its power loop's bits), in place: ``** 3`` calls the same
        # float power loop as ``np.power(..., 3.0)``, through two more arrays.
        lag_cubed = np.subtract(time_s, track_time_s)
        np.abs(lag_cubed, out=lag_cubed)
        np.power(lag_cubed, 3.0, out=lag_cubed)
        stale, any_stale = pass_kernels.stale_tracks(
            float(time_s), track_time_s, self.last_update_s, self.status, self.hits,
            self.covariance, lag_cubed, *self._drop_settings,
            by_misses, self.last_update_by_radar_s,
            self.missed_scans if by_misses else self._no_missed_scans,
            self.covering if by_misses else self._no_covering,
            self._site_revisit_s, int(settings.deletion_misses), self._misses_to_delete(),
            self.run_log_miss if self._delete_by_range else self._no_looks,
            self._log_deletion_probability)
        killed = None
        if killed_track_ids is not None and killed_track_ids.size:
            if rejoined:
                self._undo_rejoins(time_s, killed_track_ids, rejoined)
            killed = np.isin(self.track_id, killed_track_ids)
            stale |= killed
            any_stale = bool(stale.any())
            if self.segments is not None:  # judged killed after its deletion: not re-joined
                self.segments.forget(killed_track_ids)
        if any_stale:
            self._remove(time_s, stale, killed=killed)

    def _position_variance(self, time_s: float) -> np.ndarray:
        """The trace of each track's position covariance predicted to ``time_s`` (m^2):
        ``tr P_pp + 2 dt tr P_pv + dt^2 tr P_vv`` plus the CWNA noise ``3 q dt^3 / 3``."""
        dt = np.abs(time_s - self.time_s)
        # Elements by flat index in each row's 6 x 6 matrix (basic indexing: views, no
        # gathers; the sums of three in the order a reduction of three adds them).
        element = self.covariance.reshape(-1, 36)
        position_trace = element[:, 0] + element[:, 7] + element[:, 14]
        cross = element[:, 3] + element[:, 10] + element[:, 17]
        velocity_trace = element[:, 21] + element[:, 28] + element[:, 35]
        return (position_trace + 2.0 * dt * cross + dt * dt * velocity_trace
                + self.settings.process_noise_mps2**2 * dt**3)

    def _merge_duplicates(self, time_s: float) -> None:
        """Find pairs of confirmed tracks that are one target and merge those that have
        been so for ``merge_checks`` successive checks (see the module docstring).

        Candidates come from the position gate at the 6-degree-of-freedom threshold (the
        position part of a quadratic form never exceeds the whole), so only near pairs
        are tested on their full state."""
        confirmed = (self.status == CONFIRMED).nonzero()[0]
        if confirmed.size < 2:
            self._merge_streak, self._resolved_pairs = {}, set()
            return
        acceleration = self._known_acceleration(confirmed)
        if not table_kernels.may_merge(
                self.state, self.covariance, self.time_s, self.status, CONFIRMED,
                float(time_s), float(self.settings.process_noise_mps2),
                NO_ACCELERATION if acceleration is None else acceleration,
                self.merge_threshold):
            # No two tracks near each other: no pair counts this check, none is due (what
            # the steps below give on no pairs, without predicting and gating them).
            self._merge_streak, self._resolved_pairs = {}, set()
            return
        state, covariance = kalman.predict(self.state[confirmed], self.covariance[confirmed],
                                           time_s - self.time_s[confirmed],
                                           self.settings.process_noise_mps2, acceleration)
        first, second, _ = gated_pairs(state[:, :3], covariance[:, :3, :3], state[:, :3],
                                       covariance[:, :3, :3], self.merge_threshold,
                                       limits=self.crowd_limits)
        ids = self.track_id[confirmed]
        distinct = ids[first] < ids[second]
        if not distinct.any():
            # No two tracks near each other (each track's gate holds itself): no pair
            # counts this check, none is due (what the steps below give on no pairs).
            self._merge_streak, self._resolved_pairs = {}, set()
            return
        first, second = first[distinct], second[distinct]
        difference = state[first] - state[second]
        distance2 = np.einsum("ki,ki->k", difference, np.linalg.solve(
            covariance[first] + covariance[second], difference[:, :, None])[:, :, 0])
        # Two tracks that took reports of one scan of one radar are two resolved targets,
        # however close: a radar reports each target at most once a scan.
        by_radar = self.last_update_by_radar_s[confirmed]
        shared = by_radar[first]
        resolved = ((shared == by_radar[second]) & np.isfinite(shared)).any(axis=1)
        if self.settings.merge_remembers_resolution:
            resolved = self._remember_resolution(ids[first], ids[second], resolved)
        same = (distance2 <= self.merge_threshold) & ~resolved
        # A check counts only when both tracks were updated since the pair's last counted
        # check: a coasting track drifting near a live one is left to the coast timeout.
        updated = self.last_update_s[confirmed]
        streak = {}
        for older, younger, older_update, younger_update in zip(
                ids[first[same]].tolist(), ids[second[same]].tolist(),
                updated[first[same]].tolist(), updated[second[same]].tolist(), strict=True):
            count, older_seen, younger_seen = self._merge_streak.get(
                (older, younger), (0, -np.inf, -np.inf))
            if older_update > older_seen and younger_update > younger_seen:
                count, older_seen, younger_seen = count + 1, older_update, younger_update
            streak[(older, younger)] = (count, older_seen, younger_seen)
        self._merge_streak = streak
        due = sorted(pair for pair, (count, _, _) in streak.items()
                     if count >= self.settings.merge_checks)
        if not due:
            return
        row_of = dict(zip(ids.tolist(), range(ids.size), strict=True))
        merged = np.zeros(self.size, dtype=bool)
        survivors: list[int] = []
        for older, younger in due:
            keep, gone = row_of[older], row_of[younger]
            if merged[confirmed[keep]] or merged[confirmed[gone]]:
                continue  # one merge per track per check; the rest wait for the next
            self._absorb(confirmed[keep], confirmed[gone], state, covariance, keep, gone,
                         time_s)
            merged[confirmed[gone]] = True
            survivors.append(older)
            del streak[(older, younger)]
        self._remove(time_s, merged, merged_into=np.array(survivors, dtype=np.int64))

    def _remember_resolution(self, older: np.ndarray, younger: np.ndarray,
                             resolved: np.ndarray) -> np.ndarray:
        """``merge_remembers_resolution``: the pairs of this check (track ids ``older``,
        ``younger`` (k,), in each other's merge position gate) that are resolved now
        (``resolved`` (k,) bool: their last reports by a radar are of one scan) or were
        at an earlier check since which they have stayed in each other's gate (k,) bool.

        Why: a radar reports a target at most once a scan, so two tracks that took
        reports of one scan are two targets, and stay two while they fly together; the
        test on the last reports alone forgets it at the first scan that misses one of
        them, and two close aircraft seen at a marginal Pd then take the reports in turn
        and pass the merge's checks (Bar-Shalom, Li and Kirubarajan 2001, sec. 8.3: the
        state test decides only between tracks not known to be distinct). A pair that
        leaves the gate is forgotten (the tracks may later swap onto one target)."""
        pairs = list(zip(older.tolist(), younger.tolist(), strict=True))
        remembered = np.array([pair in self._resolved_pairs for pair in pairs], dtype=bool)
        resolved = resolved | remembered
        self._resolved_pairs = {pair for pair, seen in zip(pairs, resolved.tolist(),
                                                           strict=True) if seen}
        return resolved

    def _absorb(self, keep_row: int, gone_row: int, state: np.ndarray,
                covariance: np.ndarray, keep: int, gone: int, time_s: float) -> None:
        """The surviving track ``keep_row`` takes the better of the two estimates (the
        smaller position covariance), predicted to ``time_s`` (``state`` and
        ``covariance`` rows ``keep`` and ``gone``), and the union of their histories."""
        best = gone if (np.trace(covariance[gone, :3, :3])
                        < np.trace(covariance[keep, :3, :3])) else keep
        self.state[keep_row] = state[best]
        self.covariance[keep_row] = covariance[best]
        self.time_s[keep_row] = time_s
        self.hits[keep_row] += self.hits[gone_row]
        self.born_s[keep_row] = min(self.born_s[keep_row], self.born_s[gone_row])
        self.last_update_s[keep_row] = max(self.last_update_s[keep_row],
                                           self.last_update_s[gone_row])
        if self._delete_by_misses:
            # Each radar's count of misses in a row goes with its later report of the two.
            later = self.last_update_by_radar_s[gone_row] > self.last_update_by_radar_s[keep_row]
            self.missed_scans[keep_row, later] = self.missed_scans[gone_row, later]
            self.covering[keep_row, later] = self.covering[gone_row, later]
            if self._delete_by_probability:  # ... and its detection counts
                for name in DETECTION_COLUMNS + (
                        RANGE_DETECTION_COLUMNS if self._delete_by_range else ()):
                    column = getattr(self, name)
                    column[keep_row, later] = column[gone_row, later]
        self.last_update_by_radar_s[keep_row] = np.maximum(
            self.last_update_by_radar_s[keep_row], self.last_update_by_radar_s[gone_row])
        best_row = gone_row if best == gone else keep_row
        for name in ("vertical_acceleration_mps2", "kind_index", "kind_confidence"):
            column = getattr(self, name)
            column[keep_row] = column[best_row]
        if self._imm:
            self.imm_active[keep_row] = False  # re-enters the IMM from the merged estimate

    def _update_drag(self) -> None:
        """``ballistic_drag``: move each track's fit of its inverse ballistic coefficient on
        from its estimate (the tracks flown with the ballistic model), then set the
        ballistic model's acceleration of every track, gravity plus its drag at its
        estimate, for the predictions until the next call (:mod:`iadsim.tracking.drag`)."""
        flown = ((self.kind_index == BALLISTIC)
                 & (self.kind_confidence >= self._ballistic_model_confidence))
        drag.estimate_inverse_coefficients(
            self.state, self.time_s, flown, GRAVITY_MPS2, self.drag_reference_velocity_mps,
            self.drag_reference_time_s, self.drag_information, self.drag_weighted_sum,
            self.inverse_ballistic_coefficient_m2_kg)
        drag.ballistic_accelerations(self.state, self.inverse_ballistic_coefficient_m2_kg,
                                     GRAVITY_MPS2, self.ballistic_acceleration_mps2)

    def _known_acceleration(self, rows: np.ndarray) -> np.ndarray | None:
        """The known acceleration (k, 3) of the tracks ``rows`` in their prediction:
        gravity (plus the track's drag with ``ballistic_drag``) for those classified
        ballistic with enough confidence (the ballistic model), none for the others; None
        when no track of ``rows`` has one."""
        if not (self._ballistic_model and self._any_ballistic):
            return None
        acceleration, found = pass_kernels.known_acceleration(
            self.kind_index, self.kind_confidence, np.asarray(rows, dtype=np.intp),
            BALLISTIC, self._ballistic_model_confidence, self.ballistic_acceleration_mps2)
        return acceleration if found else None

    def _smooth_vertical_acceleration(self, rows: np.ndarray,
                                      vertical_speed_before: np.ndarray,
                                      dt_s: np.ndarray) -> None:
        """After an update of the tracks ``rows`` (their vertical speed was
        ``vertical_speed_before`` ``dt_s`` earlier): smooth their vertical acceleration
        exponentially (weight ``ACCELERATION_SMOOTHING``), unknown (NaN) until the
        velocity itself is known, from the third plot.

        An update less than ``ACCELERATION_BASELINE_S`` after the previous one weighs in
        proportion to its interval (its velocity change counts as over the baseline, so
        that the noise of ``dv / dt`` does not grow as ``1 / dt``: several updates within
        the baseline weigh as one over it), and cannot give the first estimate."""
        previous = self.vertical_acceleration_mps2[rows]
        first = np.isnan(previous)
        valid = ((self.hits[rows] > 2) & (dt_s > 0.0)
                 & ~(first & (dt_s < ACCELERATION_BASELINE_S)))
        if not valid.any():
            return
        rows, dt_s, previous, first = rows[valid], dt_s[valid], previous[valid], first[valid]
        measured = (self.state[rows, 5] - vertical_speed_before[valid]) / dt_s
        weight = ACCELERATION_SMOOTHING * np.minimum(dt_s / ACCELERATION_BASELINE_S, 1.0)
        self.vertical_acceleration_mps2[rows] = np.where(
            first, measured, previous + weight * (measured - previous))

    def _classify(self, rows: np.ndarray) -> None:
        """Classify the tracks where the boolean ``rows`` (n,) is set
        (:func:`iadsim.tracking.classification.classify`, bit for bit)."""
        # In place, in compiled calls (classify_table_rows); and whether any track may
        # use the ballistic model (a shortcut for the others; tracks deleted since may
        # leave it set, which only costs the check).
        any_ballistic = classify_table_rows(
            self.state, self.vertical_acceleration_mps2, rows, self.ground_elevation_m,
            self.kind_index, self.kind_confidence, self._classification_scratch)
        if any_ballistic is not None:
            self._any_ballistic = any_ballistic

    def _height_m(self, position_m: np.ndarray) -> np.ndarray:
        """Height above the ground (m) of ENU positions (k, 3): the up coordinate plus the
        fall of the earth's surface below the origin's horizontal plane at that distance,
        ``d^2 / (2 R)``, less the origin's ground elevation (terrain elsewhere unknown)."""
        horizontal2 = position_m[:, 0] ** 2 + position_m[:, 1] ** 2
        return (position_m[:, 2] + horizontal2 / (2.0 * EARTH_RADIUS_M)
                - self.ground_elevation_m)

    def _confirmed_positions(self, time_s: float) -> tuple[np.ndarray, np.ndarray]:
        """The confirmed tracks' positions (n, 3) and covariances (n, 3, 3) at ``time_s``
        (for registration, which leaves a plot in a track's gate to the tracker)."""
        picture = self.picture(time_s)
        return picture.position_m, picture.position_cov_m2

    def picture(self, time_s: float, track_ids: np.ndarray | None = None) -> TrackPicture:
        """Confirmed tracks extrapolated to ``time_s`` (the table itself is not changed).

        ``track_ids``: only these tracks (those still confirmed), e.g. the ones rounds in
        flight are guided on; default all. Each call makes new arrays (a consumer may keep
        them; none writes into them). Without the IMM, one compiled call
        (:func:`iadsim.tracking.picture_kernels.confirmed_picture`, bit for bit the NumPy
        of :meth:`_picture_numpy`).
        """
        if self._imm:
            return self._picture_numpy(time_s, track_ids)
        every = track_ids is None
        (track_id, position, velocity, covariance, last_update_by_radar_s, speed_sigma,
         kind_index, kind_confidence, acceleration, ballistic) = (
            confirmed_picture(
                self.status, CONFIRMED, self.track_id,
                NO_TRACK_IDS if every else np.asarray(track_ids, dtype=np.int64).reshape(-1),
                every, self.kind_index, self.kind_confidence,
                self._ballistic_model and self._any_ballistic, BALLISTIC,
                self._ballistic_model_confidence, self.ballistic_acceleration_mps2, self.state,
                self.covariance,
                self.time_s, float(time_s), self._process_noise_mps2,
                self.last_update_by_radar_s))
        return TrackPicture(time_s, track_id, position, velocity, covariance[:, :3, :3],
                            last_update_by_radar_s, speed_sigma, kind_index, kind_confidence,
                            acceleration, ballistic)

    def _picture_numpy(self, time_s: float, track_ids: np.ndarray | None = None
                       ) -> TrackPicture:
        """:meth:`picture` in NumPy calls: the IMM's picture (its combined acceleration,
        :meth:`_imm_picture_acceleration`), and the reference of the compiled one."""
        confirmed = self.status == CONFIRMED
        if track_ids is not None:
            confirmed &= np.isin(self.track_id, track_ids)
        rows = confirmed.nonzero()[0]
        acceleration = self._known_acceleration(rows)
        ballistic = (np.zeros(rows.size, dtype=bool) if acceleration is None
                     else acceleration.any(axis=1))
        if self._imm:
            manoeuvre = self._imm_picture_acceleration(rows[~ballistic])
            if manoeuvre is not None:
                if acceleration is None:
                    acceleration = np.zeros((rows.size, 3))
                acceleration[~ballistic] = manoeuvre
        state, covariance, speed_sigma = pass_kernels.predict_rows(
            self.state, self.covariance, self.time_s, rows, float(time_s),
            float(self.settings.process_noise_mps2),
            NO_ACCELERATION if acceleration is None
            else np.ascontiguousarray(acceleration, dtype=float))
        # Contiguous copies: compiled readers then see one memory layout whatever the size.
        return TrackPicture(time_s, self.track_id[rows], state[:, :3].copy(),
                            state[:, 3:].copy(), covariance[:, :3, :3],
                            self.last_update_by_radar_s[rows], speed_sigma,
                            self.kind_index[rows], self.kind_confidence[rows],
                            np.zeros((rows.size, 3)) if acceleration is None else acceleration,
                            ballistic)

    def _imm_picture_acceleration(self, rows: np.ndarray) -> np.ndarray | None:
        """The acceleration (k, 3) the picture predicts the tracks ``rows`` (not flown with
        the ballistic model) with: for a track whose IMM estimate is current, the IMM's
        combined (moment-matched) acceleration, ``sum_j mu_j a_j`` (the CV model's is
        zero, so on a straight leg it is the CA model's noise weighted by a mode
        probability of a few per cent); zero otherwise. None when no track has one."""
        active = self.imm_active[rows]
        if not active.any():
            return None
        acceleration = np.zeros((rows.size, 3))
        acceleration[active] = np.einsum("nj,njk->nk", self.mode_probability[rows[active]],
                                         self.imm_state[rows[active], :, 6:])
        return acceleration
