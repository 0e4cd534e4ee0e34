"""Kinematic classification of tracks: ballistic missile, cruise missile, aircraft, drone.

A naive Bayes classifier on what a track's kinematics show: its speed, its height above
the ground and its vertical acceleration. Each kind has independent Gaussian
class-conditional densities of log-speed, height and vertical acceleration (below), and
equal prior odds; the posterior of each kind is their normalized product, the class is
the most probable kind and the confidence its posterior. Kinematic classification of
this kind (speed-altitude feature likelihoods combined by Bayes' rule) is described in
Blackman and Popoli, Design and Analysis of Modern Tracking Systems (1999), sec. 11.3;
the class densities here are notional round values from the open figures of the
catalog's threat profiles (ballistic re-entry at 1-3 km/s falling under gravity; cruise
missiles at ~250 m/s below 500 m; aircraft at 150-600 m/s at altitude; one-way attack
drones at ~50 m/s), not from any real classifier.

Limits: kinematics alone cannot tell a low, fast aircraft from a cruise missile, or a
fast drone from a slow aircraft; the confidence says so (it falls towards 1/2 between
two kinds). A ballistic missile in boost, before burnout, looks like nothing here.

The tracker classifies the tracks each scan pass updated, after every pass: that runs in
compiled calls on the track table's rows (:func:`classify_table_rows`), bit for bit the
NumPy reference kept in tests/tracking/test_classification.py (NumPy's own ``log`` and
``exp`` kept between the compiled calls: compiled code's C library ones differ in the
last bit on a few per cent of arguments).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from iadsim.world.earth import EARTH_RADIUS_M

#: The kinds, in the order of ``kind_index``.
KINEMATIC_KINDS: tuple[str, ...] = ("ballistic_missile", "cruise_missile", "aircraft", "drone")
BALLISTIC = 0
#: Per kind: mean and standard deviation of ln(speed / 1 m/s), of height above ground (m)
#: and of vertical acceleration (m/s^2). Notional (see the module docstring).
_SPEED_LOG_MEAN = np.log(np.array([1_500.0, 240.0, 260.0, 50.0]))
_SPEED_LOG_SIGMA = np.array([0.45, 0.25, 0.35, 0.45])
_HEIGHT_MEAN_M = np.array([30_000.0, 150.0, 7_000.0, 800.0])
_HEIGHT_SIGMA_M = np.array([25_000.0, 300.0, 4_000.0, 1_200.0])
_VERTICAL_ACCELERATION_MEAN_MPS2 = np.array([-9.8, 0.0, 0.0, 0.0])
_VERTICAL_ACCELERATION_SIGMA_MPS2 = np.array([5.0, 3.0, 4.0, 3.0])
#: ``ln sigma`` of each, taken once by NumPy (the compiled classification reads them).
_SPEED_LOG_SIGMA_LOG = np.log(_SPEED_LOG_SIGMA)
_HEIGHT_SIGMA_LOG = np.log(_HEIGHT_SIGMA_M)
_VERTICAL_ACCELERATION_SIGMA_LOG = np.log(_VERTICAL_ACCELERATION_SIGMA_MPS2)


def classify(velocity_mps: np.ndarray, height_m: np.ndarray,
             vertical_acceleration_mps2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The most probable kind of each track and its posterior probability.

    Parameters
    ----------
    velocity_mps:
        Track velocities, (n, 3) m/s.
    height_m:
        Heights above the ground, (n,) m.
    vertical_acceleration_mps2:
        Estimated vertical accelerations, (n,) m/s^2; NaN where unknown (that feature is
        then left out).

    Returns
    -------
    kind_index:
        (n,) int8, indices into :data:`KINEMATIC_KINDS`.
    confidence:
        (n,) posterior probability of that kind, in [1/4, 1].
    """
    velocity = np.ascontiguousarray(velocity_mps, dtype=float).reshape(-1, 3)
    count = velocity.shape[0]
    rows = np.arange(count)
    shifted = np.empty((count, _SPEED_LOG_MEAN.size))
    kind_index = np.empty(count, dtype=np.int8)
    _shifted_log_likelihood(
        np.log(_speeds(velocity, rows, 0)),
        np.ascontiguousarray(height_m, dtype=float).reshape(-1),
        np.ascontiguousarray(vertical_acceleration_mps2, dtype=float).reshape(-1),
        shifted, kind_index)
    confidence = np.zeros(count)
    _write_classes(np.exp(shifted), kind_index, rows, np.zeros(count, dtype=np.int8),
                   confidence)
    return kind_index, confidence


class ClassificationScratch:
    """The intermediate arrays of :func:`classify_table_rows`, kept across calls and
    grown with the track table (each array a compiled call returned cost about a
    microsecond to hand back; the tracker classifies after every scan pass)."""

    def __init__(self) -> None:
        self.rows = np.empty(0, dtype=np.intp)  # (capacity,) the selected rows
        self.speed_mps = np.empty(0)  # (capacity,) their speeds
        self.height_m = np.empty(0)  # (capacity,) heights above the ground
        self.acceleration_mps2 = np.empty(0)  # (capacity,) vertical accelerations
        self.shifted = np.empty((0, len(KINEMATIC_KINDS)))  # (capacity, kinds)
        self.kind_index = np.empty(0, dtype=np.int8)  # (capacity,)

    def reserve(self, size: int) -> None:
        """Room for ``size`` rows."""
        if size <= self.rows.size:
            return
        capacity = max(size, 2 * self.rows.size, 64)
        self.rows = np.empty(capacity, dtype=np.intp)
        self.speed_mps = np.empty(capacity)
        self.height_m = np.empty(capacity)
        self.acceleration_mps2 = np.empty(capacity)
        self.shifted = np.empty((capacity, len(KINEMATIC_KINDS)))
        self.kind_index = np.empty(capacity, dtype=np.int8)


def classify_table_rows(state: np.ndarray, vertical_acceleration_mps2: np.ndarray,
                        selected: np.ndarray, ground_elevation_m: float,
                        kind_index: np.ndarray, kind_confidence: np.ndarray,
                        scratch: ClassificationScratch | None = None) -> bool | None:
    """:func:`classify` of the track table's rows where ``selected`` (n,) is set, written
    into ``kind_index`` and ``kind_confidence`` (n,) in place (with ``scratch``'s
    arrays, the only arguments modified); returns whether any row of the whole table is
    then classified ballistic (None, and nothing written, when no row is selected).

    ``state`` (n, 6) ENU position (m) and velocity (m/s), ``vertical_acceleration_mps2``
    (n,), NaN where unknown; the height above the ground is read from the position as
    :meth:`iadsim.tracking.tracker.CentralTracker._height_m` reads it (the fall of the
    earth's surface, less ``ground_elevation_m``). ``scratch``: arrays kept across
    calls for the intermediate results (default: new ones).

    Bit for bit what :func:`classify` of the gathered rows gives, in three compiled calls
    and two NumPy ones: ``np.log`` and ``np.exp`` stay NumPy's (its SIMD ``exp`` and
    ``log`` differ from the C library's, which compiled code calls, in the last bit of a
    few per cent of arguments), and the speed is summed in the order of NumPy's
    ``einsum("ij,ij->i")`` (``(vx^2 + vz^2) + vy^2``). The tracker classifies after every
    scan pass; a call of :func:`classify` with its gathers cost ten times more.
    """
    if scratch is None:
        scratch = ClassificationScratch()
    scratch.reserve(selected.size)
    count = _table_features(state, vertical_acceleration_mps2, selected,
                            float(ground_elevation_m), scratch.rows, scratch.speed_mps,
                            scratch.height_m, scratch.acceleration_mps2)
    if count == 0:
        return None
    shifted = scratch.shifted[:count]
    _shifted_log_likelihood(np.log(scratch.speed_mps[:count]), scratch.height_m,
                            scratch.acceleration_mps2, shifted, scratch.kind_index)
    return _write_classes(np.exp(shifted), scratch.kind_index, scratch.rows, kind_index,
                          kind_confidence)


#: ``2 R``, R the earth's radius (m): the fall of the surface below the horizontal plane
#: at a distance d is ``d^2 / (2 R)``.
_TWICE_EARTH_RADIUS_M = 2.0 * EARTH_RADIUS_M


@njit(cache=True)
def _speeds(velocity: np.ndarray, rows: np.ndarray, first_column: int) -> np.ndarray:
    """The speeds (k,) of the rows ``rows`` (k,) of ``velocity`` (its columns
    ``first_column`` to ``first_column + 2``), at least 1e-3 m/s (NaN kept), summed as
    NumPy's ``einsum("ij,ij->i")`` sums three squares: ``(x^2 + z^2) + y^2``."""
    speed = np.empty(rows.size)
    for index in range(rows.size):
        row = rows[index]
        x = velocity[row, first_column]
        y = velocity[row, first_column + 1]
        z = velocity[row, first_column + 2]
        root = np.sqrt((x * x + z * z) + y * y)
        speed[index] = root if (root >= 1e-3 or root != root) else 1e-3
    return speed


@njit(cache=True)
def _table_features(state: np.ndarray, vertical_acceleration_mps2: np.ndarray,
                    selected: np.ndarray, ground_elevation_m: float, rows: np.ndarray,
                    speed_mps: np.ndarray, height_m: np.ndarray,
                    acceleration_mps2: np.ndarray) -> int:
    """The selected rows of the track table and their speeds, heights above the ground
    and vertical accelerations, written into the first places of ``rows``, ``speed_mps``,
    ``height_m`` and ``acceleration_mps2``; returns how many
    (:func:`classify_table_rows`)."""
    count = 0
    for row in range(selected.size):
        if selected[row]:
            rows[count] = row
            count += 1
    speed = _speeds(state, rows[:count], 3)
    for index in range(count):
        row = rows[index]
        speed_mps[index] = speed[index]
        east, north = state[row, 0], state[row, 1]
        horizontal2 = east * east + north * north
        height_m[index] = (state[row, 2] + horizontal2 / _TWICE_EARTH_RADIUS_M
                           - ground_elevation_m)
        acceleration_mps2[index] = vertical_acceleration_mps2[row]
    return count


@njit(cache=True)
def _shifted_log_likelihood(log_speed: np.ndarray, height_m: np.ndarray,
                            vertical_acceleration_mps2: np.ndarray, shifted: np.ndarray,
                            kind_index: np.ndarray) -> None:
    """Each track's log-likelihood of each kind less its largest, written into the
    first rows of ``shifted`` (k, 4), and the most likely kind into those of
    ``kind_index`` (int8; the first of the largest, or of the NaNs, as ``argmax``), k the
    size of ``log_speed``: the operations of the NumPy version of :func:`classify`, in
    its order (speed term plus height term, plus the acceleration term where it is
    finite; each term ``-0.5 * s * s - ln sigma``, ``s = (value - mean) / sigma``)."""
    count = log_speed.size
    kinds = _SPEED_LOG_MEAN.size
    for index in range(count):
        acceleration = vertical_acceleration_mps2[index]
        known = np.isfinite(acceleration)
        for kind in range(kinds):
            scaled = (log_speed[index] - _SPEED_LOG_MEAN[kind]) / _SPEED_LOG_SIGMA[kind]
            value = -0.5 * scaled * scaled - _SPEED_LOG_SIGMA_LOG[kind]
            scaled = (height_m[index] - _HEIGHT_MEAN_M[kind]) / _HEIGHT_SIGMA_M[kind]
            value = value + (-0.5 * scaled * scaled - _HEIGHT_SIGMA_LOG[kind])
            if known:
                scaled = ((acceleration - _VERTICAL_ACCELERATION_MEAN_MPS2[kind])
                          / _VERTICAL_ACCELERATION_SIGMA_MPS2[kind])
                value = value + (-0.5 * scaled * scaled
                                 - _VERTICAL_ACCELERATION_SIGMA_LOG[kind])
            shifted[index, kind] = value
        largest = shifted[index, 0]  # NaN if any is NaN, as ndarray.max
        for kind in range(1, kinds):
            value = shifted[index, kind]
            if largest != largest or value != value:
                largest = np.nan
            elif value > largest:
                largest = value
        best = -1
        for kind in range(kinds):
            value = shifted[index, kind] - largest
            shifted[index, kind] = value
            if best < 0 and value != value:
                best = kind  # argmax: the first NaN
        if best < 0:
            best = 0
            for kind in range(1, kinds):
                if shifted[index, kind] > shifted[index, best]:
                    best = kind
        kind_index[index] = best


@njit(cache=True)
def _write_classes(posterior: np.ndarray, kind: np.ndarray, rows: np.ndarray,
                   kind_index: np.ndarray, kind_confidence: np.ndarray) -> bool:
    """Write each of the k rows' (k = the rows of ``posterior`` (k, 4)) kind (the first
    k of ``kind``) and confidence (the reciprocal of its posteriors' sum, summed in order
    as ``sum(axis=1)`` sums four) into ``kind_index`` and ``kind_confidence`` at the
    first k of ``rows``; whether any row of ``kind_index`` is then ballistic."""
    count, kinds = posterior.shape
    for index in range(count):
        total = posterior[index, 0]
        for column in range(1, kinds):
            total = total + posterior[index, column]
        kind_index[rows[index]] = kind[index]
        kind_confidence[rows[index]] = 1.0 / total
    return _any_kind(kind_index, BALLISTIC)


@njit(cache=True)
def _any_kind(kind_index: np.ndarray, kind: int) -> bool:
    """Whether any of ``kind_index`` (n,) is ``kind``."""
    found = False
    for row in range(kind_index.size):
        if kind_index[row] == kind:
            found = True
            break
    return found
