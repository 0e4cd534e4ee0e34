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
- assessed after leak (``assessed_after_leak``, not a false kill): judged killed after
  the threat had already left the truth unkilled (a ``leak``: it struck its asset; a
  ``route_complete``; a threat's ``ground_impact``) at or before the assessment: its
  track ended because the threat did, and nothing was left to re-engage, so the
  judgement cost nothing (the leak is counted as a leak);
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
    # Masks from the categorical's codes and plain NumPy columns: no object array of a log
    # of millions of rows, and no frame filtered per kind (a replication's summary ran
    # this once per run).
    kinds = events["kind"]
    codes = kinds.cat.codes.to_numpy()
    categories = kinds.cat.categories

    def rows(kind: str) -> np.ndarray:
        if kind not in categories:
            return np.zeros(0, dtype=np.intp)
        return (codes == categories.get_loc(kind)).nonzero()[0]

    value = events["value"].to_numpy()
    assessed = rows("kill_assessment")
    judged = value[assessed] == 1
    result = {"assessments": int(assessed.size), "judged_killed": int(judged.sum()),
              "false_kills": 0, "missed_kills": 0, "unscored": 0,
              "false_kills_then_leaked": 0, "assessed_after_leak": 0,
              "rounds_after_missed_kills": 0}
    if assessed.size == 0:
        return result
    time_s = events["time_s"].to_numpy()
    threat_id = events["threat_id"].to_numpy()
    interceptor_id = events["interceptor_id"].to_numpy()
    track_id = events["track_id"].to_numpy()
    intercepts = rows("intercept")
    near = intercepts[value[intercepts] <= SCORING_MISS_LIMIT_M]
    # The threat each assessment's last round passed (-1: none near).
    threat = _lookup(interceptor_id[near], threat_id[near].astype(np.int64),
                     interceptor_id[assessed], -1, "intercepts")
    scored = threat >= 0
    # Dead: killed, or defeated by a jammer (fell, or turned away: no longer a threat).
    ends = np.concatenate([rows("kill"), rows("defeat")])
    end_threats, first = np.unique(threat_id[ends], return_inverse=True)
    killed_at = np.full(end_threats.size, np.inf)
    np.minimum.at(killed_at, first, time_s[ends])
    dead_at = _lookup(end_threats, killed_at, threat, np.inf, "kills")
    dead = dead_at <= time_s[assessed]
    # Left the truth unkilled: struck its asset, flew its route out, or into the ground.
    impacts = rows("ground_impact")
    gone = np.concatenate([rows("leak"), rows("route_complete"),
                           impacts[interceptor_id[impacts] < 0]])
    gone_threats, first = np.unique(threat_id[gone], return_inverse=True)
    gone_at = np.full(gone_threats.size, np.inf)
    np.minimum.at(gone_at, first, time_s[gone])
    left = _lookup(gone_threats, gone_at, threat, np.inf, "leaks") <= time_s[assessed]
    after_leak = scored & judged & ~dead & left
    false_kill = scored & judged & ~dead & ~left
    missed_kill = scored & ~judged & dead
    leaked = set(threat_id[rows("leak")].tolist())
    result["unscored"] = int((~scored).sum())
    result["false_kills"] = int(false_kill.sum())
    result["missed_kills"] = int(missed_kill.sum())
    result["false_kills_then_leaked"] = int(sum(t in leaked for t in threat[false_kill]))
    result["assessed_after_leak"] = int(after_leak.sum())
    launches = rows("interceptor_launch")
    launch_track = track_id[launches]
    launch_time = time_s[launches]
    missed = assessed[missed_kill]
    result["rounds_after_missed_kills"] = int(sum(
        ((launch_track == track) & (launch_time > time)).sum()
        for track, time in zip(track_id[missed].tolist(), time_s[missed].tolist(),
                               strict=True)))
    return result


def _lookup(keys: np.ndarray, values: np.ndarray, wanted: np.ndarray, missing: Any,
            label: str) -> np.ndarray:
    """``values`` of the ``wanted`` keys (``missing`` for a key not in ``keys``); the keys
    must be unique (as a reindex requires)."""
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    if sorted_keys.size > 1 and (sorted_keys[1:] == sorted_keys[:-1]).any():
        raise ValueError(f"{label}: cannot score kill assessments, a key is repeated")
    place = np.searchsorted(sorted_keys, wanted)
    inside = place < sorted_keys.size
    found = np.zeros(wanted.size, dtype=bool)
    found[inside] = sorted_keys[place[inside]] == wanted[inside]
    result = np.full(wanted.size, missing, dtype=values.dtype)
    result[found] = values[order[place[found]]]
    return result
