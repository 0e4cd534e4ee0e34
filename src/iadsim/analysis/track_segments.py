"""Scoring of re-joined track segments against the truth (``tracking.segment_association``).

A re-join (a ``track_confirm`` event whose ``value`` is the new track's own number) gives a
deleted track's number to a new track. It is right when both sides followed the same
threat at the join. Each number's recorded life (``run.tracks``) is cut at its re-joins
into segments; each side of a join is owned by the threat nearest to its sample nearest
the join among those within the cut-off (the old segment's last such sample, the new
one's first; each sample against the threats live at its time, as
``benchmarks/recorded_traffic.py`` gives tracks to aircraft): what the re-join compared
was the old segment's last estimate with the new track's first. A segment that drifts
onto another threat later is the tracker's mis-association, not the re-join's. A re-join
is right when its two sides have the same owner, wrong when they have different owners,
and unowned when a side had no sample within the cut-off (a false segment).

This module reads the truth: it is the analysis, after the run; the tracker never does.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def rejoin_events(events: pd.DataFrame) -> pd.DataFrame:
    """The re-joins of a run: ``time_s``, ``track_id`` (the number taken back) and
    ``new_track_id`` (the new track's own number), in time order."""
    kind = events["kind"].astype(str).to_numpy()
    confirms = events[(kind == "track_confirm") & events["value"].notna().to_numpy()]
    return pd.DataFrame({"time_s": confirms["time_s"].to_numpy(),
                         "track_id": confirms["track_id"].to_numpy(dtype=np.int64),
                         "new_track_id": confirms["value"].to_numpy().astype(np.int64)})


def segment_owners(tracks: pd.DataFrame, truth: pd.DataFrame, cutoff_m: float
                   ) -> pd.Series:
    """The threat each recorded sample of ``tracks`` is nearest to at its time when within
    ``cutoff_m`` (m), -1 otherwise; indexed like ``tracks``."""
    owner = pd.Series(-1, index=tracks.index, dtype=np.int64)
    truth_by_time = {time_s: frame for time_s, frame in truth.groupby("time_s")}
    for time_s, frame in tracks.groupby("time_s"):
        live = truth_by_time.get(time_s)
        if live is None or live.empty:
            continue
        difference = (frame[["east_m", "north_m", "up_m"]].to_numpy()[:, None, :]
                      - live[["east_m", "north_m", "up_m"]].to_numpy()[None, :, :])
        distance = np.linalg.norm(difference, axis=2)
        nearest = distance.argmin(axis=1)
        close = distance[np.arange(nearest.size), nearest] < cutoff_m
        owner.loc[frame.index] = np.where(close, live["threat_id"].to_numpy()[nearest], -1)
    return owner


def score_rejoins(tracks: pd.DataFrame, truth: pd.DataFrame, events: pd.DataFrame,
                  cutoff_m: float = 1_000.0) -> dict[str, Any]:
    """Right and wrong re-joins of a run (see the module docstring).

    Parameters
    ----------
    tracks, truth, events:
        ``run.tracks``, ``run.truth`` and ``run.events``.
    cutoff_m:
        A sample farther than this (m) from every threat follows none.

    Returns
    -------
    dict
        ``rejoins``, ``right_rejoins``, ``wrong_rejoins``, ``unowned_rejoins`` (a side
        followed no threat), and ``rejoin_gap_s``: the mean seconds from the number's
        drop to its re-join (None without re-joins).
    """
    if cutoff_m <= 0.0:
        raise ValueError(f"cutoff_m must be > 0, got {cutoff_m}")
    joins = rejoin_events(events)
    outcome = {"rejoins": len(joins), "right_rejoins": 0, "wrong_rejoins": 0,
               "unowned_rejoins": 0, "rejoin_gap_s": None}
    if joins.empty:
        return outcome
    kind = events["kind"].astype(str).to_numpy()
    drops = events[kind == "track_drop"]
    gaps = []
    owner = segment_owners(tracks, truth, cutoff_m)
    for number, its_joins in joins.groupby("track_id"):
        samples = tracks["track_id"].to_numpy() == number
        sample_time = tracks["time_s"].to_numpy()[samples]
        sample_owner = owner.to_numpy()[samples]
        cuts = np.sort(its_joins["time_s"].to_numpy())
        piece = np.searchsorted(cuts, sample_time, side="right")  # 0 before the first join
        for index, join_s in enumerate(cuts.tolist()):
            before = _owner(sample_owner[piece == index][::-1])
            after = _owner(sample_owner[piece == index + 1])
            if before < 0 or after < 0:
                outcome["unowned_rejoins"] += 1
            elif before == after:
                outcome["right_rejoins"] += 1
            else:
                outcome["wrong_rejoins"] += 1
            dropped = drops["time_s"].to_numpy()[(drops["track_id"].to_numpy() == number)
                                                  & (drops["time_s"].to_numpy() <= join_s)]
            if dropped.size:
                gaps.append(join_s - float(dropped.max()))
    outcome["rejoin_gap_s"] = round(float(np.mean(gaps)), 1) if gaps else None
    return outcome


def _owner(sample_owner: np.ndarray) -> int:
    """The threat the first of these samples within the cut-off was nearest to, -1 when
    none was."""
    followed = sample_owner[sample_owner >= 0]
    return int(followed[0]) if followed.size else -1
