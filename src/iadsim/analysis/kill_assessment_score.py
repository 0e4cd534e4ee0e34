"""Scoring the battle manager's kill assessments against the truth (the analysis may).

Each ``kill_assessment`` event names its track, its battery, the judgement (value 1:
killed) and the engagement's last round (``interceptor_id``). The threat judged is the
one that round passed closest to (its ``intercept`` event), if it passed within
:data:`SCORING_MISS_LIMIT_M` of it (for a laser or jammer dwell, the threat it locked or
was cued on); the threat was dead at the assessment when it has a ``kill`` or a
``defeat`` event (a jammed drone that fell or turned away) at or before it. Then:

- false kill: judged killed while the threat lived (its track was dropped: the threat
  goes on unengaged under that track); ``false_kills_then_leaked`` counts those that
  went on to leak;
- missed kill: judged alive while the threat was dead; ``rounds_after_missed_kills``
  counts the rounds launched afterwards at the same track (wasted on a dead target).

An assessment whose last round passed no threat (it self-destructed, or passed farther
than the limit from any: its track was false or lost) cannot be scored and is counted
``unscored``. The nearest threat is the physics' choice: with threats close together
(drones in lanes a few hundred metres apart) the engaged track may, after the kill, take
a neighbour's reports and go on with the same kinematics; the manager then judges it
alive, which is scored a missed kill, although the rounds that follow go to the
neighbour.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

#: A round that passed farther than this from every threat judged no threat (m).
SCORING_MISS_LIMIT_M = 1_000.0


def score_kill_assessments(events: pd.DataFrame) -> dict[str, Any]:
    """Counts of assessments, judged kills, false kills and missed kills (plain ints)."""
    # Masks from the categorical's codes: no object array of a log of millions of rows.
    kinds = events["kind"]
    codes = kinds.cat.codes.to_numpy()

    def rows(kind: str) -> pd.DataFrame:
        if kind not in kinds.cat.categories:
            return events.iloc[:0]
        return events[codes == kinds.cat.categories.get_loc(kind)]

    assessed = rows("kill_assessment")
    result = {"assessments": len(assessed), "judged_killed": int((assessed["value"] == 1).sum()),
              "false_kills": 0, "missed_kills": 0, "unscored": 0,
              "false_kills_then_leaked": 0, "rounds_after_missed_kills": 0}
    if assessed.empty:
        return result
    intercepts = rows("intercept")
    near = intercepts[intercepts["value"] <= SCORING_MISS_LIMIT_M]
    threat_of_round = pd.Series(near["threat_id"].to_numpy(),
                                index=near["interceptor_id"].to_numpy())
    # Dead: killed, or defeated by a jammer (fell, or turned away: no longer a threat).
    ends = pd.concat([rows("kill"), rows("defeat")])
    killed_at = ends.groupby("threat_id", observed=True)["time_s"].min()
    leaked = set(rows("leak")["threat_id"].tolist())
    launches = rows("interceptor_launch")
    threat = threat_of_round.reindex(assessed["interceptor_id"].to_numpy()).to_numpy()
    threat = np.where(np.isnan(threat.astype(float)), -1, threat).astype(np.int64)
    scored = threat >= 0
    dead_at = killed_at.reindex(threat).to_numpy(dtype=float)
    dead = np.nan_to_num(dead_at, nan=np.inf) <= assessed["time_s"].to_numpy()
    judged = assessed["value"].to_numpy() == 1
    false_kill = scored & judged & ~dead
    missed_kill = scored & ~judged & dead
    result["unscored"] = int((~scored).sum())
    result["false_kills"] = int(false_kill.sum())
    result["missed_kills"] = int(missed_kill.sum())
    result["false_kills_then_leaked"] = int(sum(t in leaked for t in threat[false_kill]))
    launch_track = launches["track_id"].to_numpy()
    launch_time = launches["time_s"].to_numpy()
    missed = assessed[missed_kill]
    result["rounds_after_missed_kills"] = int(sum(
        ((launch_track == track) & (launch_time > time)).sum()
        for track, time in zip(missed["track_id"].tolist(), missed["time_s"].tolist(),
                               strict=True)))
    return result
