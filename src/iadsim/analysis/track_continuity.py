"""Track continuity: breaks and ID switches that outlast a hold, and drop breaks.

:func:`iadsim.analysis.track_quality.score_tracks` pairs the picture with the truth at
every scored time (the optimal OSPA/GOSPA assignment, cut-off ``c``). Counted time by
time, a pairing lost at one time is a break and a pairing with another track an ID
switch. That count reads a held track whose error sits near the cut-off, crossing it
back and forth between sparse updates, as many breaks (and a neighbour's track briefly
nearer as two switches), which no planner would call losing the threat.

:class:`ContinuityCounter` counts, per threat, with a hold ``H`` (``break_hold_s``):

* a *held break*: the threat, paired before, is unpaired at every scored time for at
  least ``H`` (counted at the first time it is still unpaired ``H`` after the loss), or
  the track that held it is dropped (``track_drop``) while it is unpaired and alive;
  one loss counts at most once, re-pairing with any track ends the loss;
* a *drop break* (the track's point of view): the track that held the threat is dropped
  while the threat is alive and no other track holds it (a merge is not a drop);
* a *held ID switch*: the threat is paired with another track than the one holding it,
  and either it is still paired with that same track (and no other in between) at
  least ``H`` after it first was, or the holding track has ended (dropped or merged).
  The new track then holds it.

A threat is *held* by the first track it is paired with, and afterwards by the track of
its last confirmed switch. Each count is reported at the time its loss (or switch)
began. With ``H = 0`` the held counts equal the time-by-time ones exactly (a loss counts
at once; a switch is confirmed at once); drop breaks do not depend on ``H``. A loss the
threat's end cuts shorter than ``H`` (killed or arrived while unpaired) is not a held
break unless its track was dropped: a limit of the hold.

This module reads nothing itself; its caller compares with the truth (the analysis).
"""

from __future__ import annotations

import numpy as np

#: Default hold: two revisits of the slowest search radar in the built-in scenarios (the
#: long-range search radar of layered-defense scans every 10 s). A pairing lost for less
#: is one update missed or a cut-off crossing between updates; for longer, two updates
#: in a row left the track farther than the cut-off from the threat.
DEFAULT_BREAK_HOLD_S = 20.0


class ContinuityCounter:
    """Per-threat hold state over a run's scored times; the counts by scored time.

    Parameters
    ----------
    n_threats:
        Threat ids are ``0 .. n_threats - 1``.
    n_times:
        Number of scored times (the rows the counts are reported on).
    track_end_s:
        Each track's end (its drop or merge time, s; ``inf`` while it lives), (n_tracks,).
    track_dropped:
        Whether each track ended by a drop (not a merge), (n_tracks,) bool.

    Both arrays are read at every step, not copied (float and bool arrays are kept as
    given): a caller taking the ends in time order updates them in place, and a number
    re-joined after its drop (``tracking.segment_association``) lives again.
    break_hold_s:
        The hold ``H``, s, >= 0.
    """

    def __init__(self, n_threats: int, n_times: int, track_end_s: np.ndarray,
                 track_dropped: np.ndarray, break_hold_s: float) -> None:
        self.track_end_s = np.asarray(track_end_s, dtype=float)
        self.track_dropped = np.asarray(track_dropped, dtype=bool)
        self.hold_s = float(break_hold_s)
        self.holder = np.full(n_threats, -1)
        self.lost_row = np.full(n_threats, -1)
        self.lost_s = np.zeros(n_threats)
        self.lost_counted = np.zeros(n_threats, dtype=bool)
        self.drop_counted = np.zeros(n_threats, dtype=bool)
        self.candidate = np.full(n_threats, -1)
        self.candidate_row = np.zeros(n_threats, dtype=np.intp)
        self.candidate_s = np.zeros(n_threats)
        self.held_breaks = np.zeros(n_times, dtype=np.int64)
        self.drop_breaks = np.zeros(n_times, dtype=np.int64)
        self.held_switches = np.zeros(n_times, dtype=np.int64)

    def step(self, row: int, time_s: float, threat_ids: np.ndarray,
             paired_track: np.ndarray) -> None:
        """Take one scored time.

        row: its index; time_s: its time, s; threat_ids: the live threats (n,);
        paired_track: the track index each is paired with, -1 when unpaired (n,).
        """
        paired = paired_track >= 0
        self._losses(row, time_s, threat_ids[~paired])
        self._pairings(row, time_s, threat_ids[paired], paired_track[paired])

    def _losses(self, row: int, time_s: float, unpaired: np.ndarray) -> None:
        threats = unpaired[self.holder[unpaired] >= 0]
        if threats.size == 0:
            return
        opening = threats[self.lost_row[threats] < 0]
        self.lost_row[opening] = row
        self.lost_s[opening] = time_s
        self.lost_counted[opening] = False
        holder = self.holder[threats]
        dropped = (self.track_dropped[holder] & (self.track_end_s[holder] <= time_s)
                   & ~self.drop_counted[threats])
        np.add.at(self.drop_breaks, self.lost_row[threats[dropped]], 1)
        self.drop_counted[threats[dropped]] = True
        counted = ~self.lost_counted[threats] & (
            dropped | (time_s - self.lost_s[threats] >= self.hold_s))
        np.add.at(self.held_breaks, self.lost_row[threats[counted]], 1)
        self.lost_counted[threats[counted]] = True

    def _pairings(self, row: int, time_s: float, threats: np.ndarray,
                  tracks: np.ndarray) -> None:
        self.lost_row[threats] = -1  # paired again: any loss ends
        holder = self.holder[threats]
        first = holder < 0
        self.holder[threats[first]] = tracks[first]
        same = holder == tracks
        self.candidate[threats[same]] = -1
        other = ~first & ~same
        if not other.any():
            return
        threats, tracks, holder = threats[other], tracks[other], holder[other]
        fresh = self.candidate[threats] != tracks
        self.candidate[threats[fresh]] = tracks[fresh]
        self.candidate_s[threats[fresh]] = time_s
        self.candidate_row[threats[fresh]] = row
        confirmed = ((self.track_end_s[holder] <= time_s)
                     | (time_s - self.candidate_s[threats] >= self.hold_s))
        threats, tracks = threats[confirmed], tracks[confirmed]
        np.add.at(self.held_switches, self.candidate_row[threats], 1)
        self.holder[threats] = tracks
        self.candidate[threats] = -1
        self.drop_counted[threats] = False
