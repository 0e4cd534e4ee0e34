"""Plot-level track initiation: plots no track took are held, not made tracks, until a
plot of a later look pairs with one.

With ``initiation: plot_pairs`` a report no track takes is kept in :class:`HeldPlots`
(a structure of arrays: position, covariance, time, radar, missed looks) instead of
starting a one-plot tentative track. A tentative track starts only when a plot of a
later look (or of another radar's look at the same time) falls in a held plot's
one-plot gate: a sphere of radius ``max_target_speed_mps`` times the time between the
two plots, plus both plots' errors (the gate a one-plot track had; Blackman and Popoli,
Design and Analysis of Modern Tracking Systems, 1999, sec. 7.2, two-point initiation).
The pairs are assigned by global nearest neighbour (each held plot and each new plot in
at most one pair), and the track is the first plot's, updated with the second: with a
velocity prior wide against the plots' errors, that is two-point differencing.

A held plot is dropped, as a one-plot track was deleted, at its radar's first look past
``one_plot_misses`` that gave it no pair (a plot lies inside its own radar's coverage, so
the coverage test is not made), or ``tentative_timeout_s`` after it was taken. A plot
that never pairs costs a few array rows and no event: the radars' false alarms are
already in the event log when detections are recorded (``false_alarm``), and a plot that
starts nothing is not a happening of the tracker, so no aggregate count is logged either.

Measured (``layered-defense``, seed 1, benchmarks/initiation.py, back to back in one
process): 1,657 tracks started instead of 22,194 and 38,012 events instead of 79,044,
the same 37 confirmations, 51 rounds and 24 kills; tracker CPU the same (0.954 s against
0.947 s). The one-plot tracks had cost less than their number suggests (they were
started, gated and dropped in whole-array batches once a step), and three steps in four
still hold a pair of plots within the one-plot gate (2,500 m/s times up to a 10 s
revisit), mostly clutter near the radars, which then lives as a tentative track for a
few looks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numba import njit

from iadsim.tracking.kernels import _distance2


def _empty(*shape: int, dtype: type = float) -> np.ndarray:
    return np.zeros((0, *shape), dtype=dtype)


@dataclass(slots=True)
class HeldPlots:
    """Plots waiting for a second plot (one row a plot).

    ``position_m`` (h, 3) and ``position_cov_m2`` (h, 3, 3): the converted plot (bias
    corrected); ``time_s`` (h,); ``radar_index`` (h,); ``misses`` (h,): looks of its radar
    since (a plot is inside its own radar's coverage: that radar saw it there, so each
    later look of that radar could have seen it again); ``polar`` (h, 3): range,
    azimuth, elevation (for the score and the bias estimation), ``raw_m`` (h, 3): its
    position before the bias correction (bias estimation).
    """

    position_m: np.ndarray = field(default_factory=lambda: _empty(3))
    position_cov_m2: np.ndarray = field(default_factory=lambda: _empty(3, 3))
    time_s: np.ndarray = field(default_factory=lambda: _empty())
    radar_index: np.ndarray = field(default_factory=lambda: _empty(dtype=np.intp))
    misses: np.ndarray = field(default_factory=lambda: _empty(dtype=np.int32))
    polar: np.ndarray = field(default_factory=lambda: _empty(3))
    raw_m: np.ndarray = field(default_factory=lambda: _empty(3))

    COLUMNS = ("position_m", "position_cov_m2", "time_s", "radar_index", "misses",
               "polar", "raw_m")

    @property
    def size(self) -> int:
        return int(self.time_s.size)

    def add(self, position_m: np.ndarray, position_cov_m2: np.ndarray,
            time_s: np.ndarray, radar_index: np.ndarray, polar: np.ndarray | None = None,
            raw_m: np.ndarray | None = None) -> None:
        """Hold new plots (k rows each; ``polar`` and ``raw_m`` zeros when not given)."""
        count = time_s.size
        if count == 0:
            return
        new = {"position_m": position_m, "position_cov_m2": position_cov_m2,
               "time_s": time_s, "radar_index": radar_index,
               "misses": np.zeros(count, dtype=np.int32),
               "polar": np.zeros((count, 3)) if polar is None else polar,
               "raw_m": np.zeros((count, 3)) if raw_m is None else raw_m}
        for name in self.COLUMNS:
            setattr(self, name, np.concatenate([getattr(self, name), new[name]]))

    def keep(self, rows: np.ndarray) -> None:
        """Keep only the held plots where the boolean ``rows`` is set."""
        for name in self.COLUMNS:
            setattr(self, name, getattr(self, name)[rows])

    def looks(self, scan_time_s: np.ndarray, scan_radar: np.ndarray) -> np.ndarray:
        """Whether each of the scans (``scan_time_s``, ``scan_radar``, (g,) each) is a look
        that could have seen each held plot: by its radar, after its time. (h, g)."""
        return ((self.radar_index[:, None] == scan_radar[None, :])
                & (self.time_s[:, None] < scan_time_s[None, :]))


def pair_gate_cov(held_cov_m2: np.ndarray, lag_s: np.ndarray, velocity_variance: float,
                  process_noise_density: float) -> np.ndarray:
    """The covariance (h, 3, 3) of held plots moved by ``lag_s`` (h,): their own grown on
    the diagonal by ``velocity_variance lag^2 + q |lag|^3 / 3`` (``velocity_variance`` the
    one-plot gate's per-axis velocity variance, m^2/s^2; ``q`` the
    ``process_noise_density``, m^2/s^3), the gate of a one-plot track."""
    lag = np.abs(lag_s)
    growth = velocity_variance * lag * lag + process_noise_density * lag**3 / 3.0
    return held_cov_m2 + growth[:, None, None] * np.eye(3)


@njit(cache=True)
def plot_pairs(position: np.ndarray, covariance: np.ndarray, time_s: np.ndarray,
               group: np.ndarray, first_later: int, gate_threshold: float,
               velocity_variance: float, process_noise_density: float,
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair of plots (positions (p, 3), covariances (p, 3, 3), times (p,)) that may
    start a track: an earlier plot ``i`` and a later plot ``j >= first_later`` of a later
    ``group`` (nondecreasing: held plots first, then a pass's scans in order), with ``j``
    in the one-plot gate of ``i``: ``r^T (R_i + g I + R_j)^-1 r <= gate_threshold``,
    ``g = velocity_variance dt^2 + q |dt|^3 / 3`` over the lag ``dt`` between them (``q``
    the ``process_noise_density``). Returns (earlier, later, d^2), by later then earlier."""
    count = position.shape[0]
    capacity = max(0, count - first_later) * count
    earlier = np.empty(capacity, dtype=np.intp)
    later = np.empty(capacity, dtype=np.intp)
    distance2 = np.empty(capacity)
    kept = 0
    for j in range(first_later, count):
        for i in range(j):
            if group[i] >= group[j]:
                continue
            lag = abs(time_s[j] - time_s[i])
            growth = velocity_variance * lag * lag + process_noise_density * lag ** 3 / 3.0
            value = _distance2(
                position[j, 0] - position[i, 0], position[j, 1] - position[i, 1],
                position[j, 2] - position[i, 2],
                covariance[i, 0, 0] + covariance[j, 0, 0] + growth,
                covariance[i, 0, 1] + covariance[j, 0, 1],
                covariance[i, 0, 2] + covariance[j, 0, 2],
                covariance[i, 1, 1] + covariance[j, 1, 1] + growth,
                covariance[i, 1, 2] + covariance[j, 1, 2],
                covariance[i, 2, 2] + covariance[j, 2, 2] + growth)
            if value <= gate_threshold:
                earlier[kept], later[kept], distance2[kept] = i, j, value
                kept += 1
    return earlier[:kept].copy(), later[:kept].copy(), distance2[:kept].copy()
