"""Track segment association: a new track that continues a recently deleted one takes its
number back (``tracking.segment_association``).

A target whose detections stop for a few scans (a run of misses at a marginal detection
probability, a fade, a turn through a blind sector) loses its confirmed track; when it is
seen again a new track starts, confirms, and the target now has two numbers in its life
(a split). Segment association re-joins the two: each confirmed track deleted by the
tracker's own rules (its misses, the coast timeout, the covariance bound) is kept here as
a *segment* (its number, its last state and covariance, their time) for a bounded time;
when tracks confirm, each is tested against the segments kept:

1. the segment's state is predicted to the test time with the tracker's motion model
   (constant velocity, or the ballistic model's gravity for a track flown with it; the
   process noise ``process_noise_mps2`` grows its covariance over the gap), the new track
   too (it is at most a step older);
2. the difference of the two states, ``d = x_new - x_segment``, with the sum of their
   covariances ``S = P_new + P_segment``, is gated with the chi-square test on position
   and velocity, ``d^T S^-1 d <= chi2(6, segment_gate_probability)``;
3. the new tracks and the segments that pass are assigned one to one: first as many
   pairs as possible, then the cheapest, by the cost ``d^T S^-1 d + ln |S|`` (the
   negative log-likelihood of the pair, up to a constant: without ``ln |S|`` the vaguest
   segment, the longest lost, would win every new track near it);
4. a new track so paired takes the segment's number and birth time; the segment is used.

This is the track segment association of Yeom, Kirubarajan and Bar-Shalom, "Track segment
association, fine-step IMM and initialization with Doppler for improved track
performance", IEEE Trans. AES 40(1), 2004, sec. II (an old segment predicted forward, a
young one's first estimate, a chi-square test on their difference and an assignment),
with the state difference test of Bar-Shalom, Li and Kirubarajan, *Estimation with
Applications to Tracking and Navigation*, 2001, sec. 8.3 (as the duplicate merge). The
cross-covariance of the two estimates is neglected: they share no measurement, only the
target's own process noise over the gap, which correlates their errors positively, so
``S`` is larger than the difference's true covariance and the test errs toward joining;
the window bounds how far it may.

Which segments are kept, and for how long:

* confirmed tracks deleted by the tracker's rules; not tentative tracks, nor merged ones
  (the survivor carries on), nor tracks deleted on the battle manager's kill judgement:
  the battle manager never engages again a number it judged killed, so a threat that
  survived (a wrong judgement) and came back under that number would be left to leak; a
  new number is engaged afresh. A segment judged killed after its deletion (a kill
  assessment that found the track gone) is forgotten for the same reason; a judgement
  that reaches the tracker in the step a new track re-joined the judged number (made
  before the re-join, on the track's absence) undoes the re-join: the track takes its
  own number back (its ``track_confirm`` logged again under it);
* ``segment_window_revisits`` revisits of the slowest radar that had reported the track,
  counted from its deletion (10 of a 10 s radar: 100 s). The battle manager never sees
  a segment: a dead track does not coast in the picture, it only lends its number.

What the battle manager sees: the re-joined track under its old number, so an engagement
still open on it (rounds guided on it, a kill assessment waiting for it) finds it again,
and a kill assessment reads it present. Its class is the kinematic classification of its
new estimate (made from the current kinematics anyway).

The confirmation is logged as ``track_confirm`` with the old number as ``track_id`` and
the new track's own number as ``value`` (NaN for a confirmation that re-joined nothing);
the new track's own number ends there (its ``track_start`` remains).

Limits: tracks confirmed on their first plot (``confirm_hits: 1`` without the score) are
not tested; over a long gap the gate is wide (the constant-velocity model's process noise
over minutes), and the assignment rather than the gate decides.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iadsim.tracking import kalman
from iadsim.tracking.association import CrowdLimits, assign, gated_pairs

#: Gain of a gated pair in the assignment: so much larger than any pair's cost that the
#: assignment first takes as many pairs as it can, then the cheapest.
PAIR_GAIN = 1.0e6


@dataclass(frozen=True, slots=True)
class Rejoin:
    """The outcome of one test: ``index`` (m,) into the tested new tracks, each re-joined to
    the segment whose number is ``track_id`` (m,) and birth time ``born_s`` (m,)."""

    index: np.ndarray
    track_id: np.ndarray
    born_s: np.ndarray


NO_REJOIN = Rejoin(np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.int64), np.zeros(0))


class DeletedSegments:
    """The recently deleted confirmed tracks (segments), structure of arrays.

    Parameters
    ----------
    revisit_s:
        Each radar's revisit time (radars,), s.
    window_revisits:
        A segment is kept this many revisits of the slowest radar that had reported it
        after its deletion.
    gate_threshold:
        Chi-square threshold of the 6-dimensional state difference.
    process_noise_mps2:
        Acceleration noise level of the constant-velocity prediction (the tracker's).
    """

    def __init__(self, revisit_s: np.ndarray, window_revisits: int, gate_threshold: float,
                 process_noise_mps2: float):
        self.revisit_s = np.asarray(revisit_s, dtype=float)
        self.window_revisits = int(window_revisits)
        self.gate_threshold = float(gate_threshold)
        self.process_noise_mps2 = float(process_noise_mps2)
        self.limits = CrowdLimits()
        radars = self.revisit_s.size
        self.track_id = np.zeros(0, dtype=np.int64)
        self.state = np.zeros((0, 6))
        self.covariance = np.zeros((0, 6, 6))
        self.time_s = np.zeros(0)
        self.born_s = np.zeros(0)
        self.last_update_by_radar_s = np.zeros((0, radars))
        self.acceleration_mps2 = np.zeros((0, 3))
        self.expires_s = np.zeros(0)

    @property
    def size(self) -> int:
        return int(self.track_id.size)

    def keep(self, deleted_s: float, track_id: np.ndarray, state: np.ndarray,
             covariance: np.ndarray, time_s: np.ndarray, born_s: np.ndarray,
             last_update_by_radar_s: np.ndarray,
             acceleration_mps2: np.ndarray | None) -> None:
        """Keep deleted confirmed tracks (k,) as segments: their numbers, states (k, 6) and
        covariances (k, 6, 6) at their times ``time_s`` (k,), birth times, last update by
        each radar (k, radars) and known acceleration (k, 3; None: none), deleted at
        ``deleted_s``. The arrays are copied; expired segments are let go."""
        slowest = np.where(np.isfinite(last_update_by_radar_s), self.revisit_s,
                           0.0).max(axis=1, initial=0.0)
        count = track_id.size
        fresh = self.expires_s >= deleted_s
        columns = {
            "track_id": np.asarray(track_id, dtype=np.int64), "state": state,
            "covariance": covariance, "time_s": time_s, "born_s": born_s,
            "last_update_by_radar_s": last_update_by_radar_s,
            "acceleration_mps2": (np.zeros((count, 3)) if acceleration_mps2 is None
                                  else acceleration_mps2),
            "expires_s": deleted_s + self.window_revisits * slowest}
        for name, added in columns.items():
            setattr(self, name, np.concatenate([getattr(self, name)[fresh], added]))

    def forget(self, track_ids: np.ndarray) -> None:
        """Let go of the segments numbered ``track_ids`` (judged killed after deletion)."""
        if self.size:
            self._keep_only(~np.isin(self.track_id, track_ids))

    def rejoin(self, state: np.ndarray, covariance: np.ndarray, time_s: np.ndarray,
               last_update_by_radar_s: np.ndarray,
               acceleration_mps2: np.ndarray | None = None) -> Rejoin:
        """Test tracks that have just confirmed (n,) against the segments and take the
        segments they re-join (see the module docstring).

        state (n, 6), covariance (n, 6, 6) at ``time_s`` (n,); ``last_update_by_radar_s``
        (n, radars): a track and a segment that took reports of one scan of one radar are
        two targets (a radar reports a target once a scan), never joined;
        ``acceleration_mps2`` (n, 3) or None: the tracks' known acceleration. Reads only
        the tracks' estimates. Returns the re-joins (:class:`Rejoin`)."""
        if self.size == 0:
            return NO_REJOIN
        when = float(np.max(time_s))
        live = self.expires_s >= when
        if not live.all():
            self._keep_only(live)
            if self.size == 0:
                return NO_REJOIN
        noise = self.process_noise_mps2
        track_state, track_cov = kalman.predict(state, covariance, when - time_s, noise,
                                                acceleration_mps2)
        segment_state, segment_cov = kalman.predict(
            self.state, self.covariance, when - self.time_s, noise,
            self.acceleration_mps2 if self.acceleration_mps2.any() else None)
        # Candidates by position at the 6-dimensional threshold (the position part of the
        # quadratic form never exceeds the whole), then the whole state.
        track, segment, _ = gated_pairs(track_state[:, :3], track_cov[:, :3, :3],
                                        segment_state[:, :3], segment_cov[:, :3, :3],
                                        self.gate_threshold, limits=self.limits)
        if track.size == 0:
            return NO_REJOIN
        own = last_update_by_radar_s[track]
        resolved = ((own == self.last_update_by_radar_s[segment])
                    & np.isfinite(own)).any(axis=1)
        track, segment = track[~resolved], segment[~resolved]
        if track.size == 0:
            return NO_REJOIN
        difference = track_state[track] - segment_state[segment]
        summed = track_cov[track] + segment_cov[segment]
        distance2 = np.einsum("ki,ki->k", difference,
                              np.linalg.solve(summed, difference[:, :, None])[:, :, 0])
        gated = distance2 <= self.gate_threshold
        if not gated.any():
            return NO_REJOIN
        track, segment, distance2 = track[gated], segment[gated], distance2[gated]
        cost = distance2 + np.linalg.slogdet(summed[gated])[1]
        chosen_track, chosen_segment = assign(track, segment, PAIR_GAIN - cost,
                                              state.shape[0], self.size, self.limits)
        joined = Rejoin(chosen_track, self.track_id[chosen_segment].copy(),
                        self.born_s[chosen_segment].copy())
        used = np.zeros(self.size, dtype=bool)
        used[chosen_segment] = True
        self._keep_only(~used)
        return joined

    def _keep_only(self, rows: np.ndarray) -> None:
        for name in ("track_id", "state", "covariance", "time_s", "born_s",
                     "last_update_by_radar_s", "acceleration_mps2", "expires_s"):
            setattr(self, name, getattr(self, name)[rows])
