"""Re-joined track segments in the analysis: the number taken back is one track to
track_quality, and score_rejoins tells right re-joins from wrong ones (hand-built runs)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_track_quality import THREATS, event_frame, track_frame, truth_frame

from iadsim.analysis.track_quality import score_tracks
from iadsim.analysis.track_segments import rejoin_events, score_rejoins


def rejoined_run(number_after: int = 11) -> tuple[pd.DataFrame, pd.DataFrame]:
    """test_track_quality's run with threat 1's second track (12, from t = 5) re-joined to
    its first (11, dropped at t = 4): its rows carry ``number_after`` and a
    ``track_confirm`` at t = 4.5 carries 11 with value 12."""
    tracks = track_frame()
    tracks.loc[tracks["track_id"] == 12, "track_id"] = number_after
    events = event_frame()
    kinds = [*events["kind"].astype(str), "track_confirm", "track_confirm", "track_confirm"]
    events = pd.DataFrame({
        "time_s": [*events["time_s"], 1.9, 1.9, 4.5],
        "kind": pd.Categorical(kinds, categories=["detection", "track_drop",
                                                  "track_confirm"]),
        "threat_id": [*events["threat_id"], -1, -1, -1],
        "track_id": [*events["track_id"], 10, 11, 11],
        "value": [np.nan] * 6 + [12.0]}).sort_values("time_s", kind="stable",
                                                      ignore_index=True)
    return tracks, events


def test_a_rejoined_number_is_one_track_no_id_switch():
    """Threat 1 loses track 11 at t = 4 (one break, as before) and is followed by the same
    number again from t = 5: no ID switch (with a new number there was one), the number
    live again (two tracks at t = 5 and 6, both paired)."""
    tracks, events = rejoined_run()
    quality = score_tracks(tracks, truth_frame(), events, THREATS, c_m=1_000.0, p=2.0)
    assert list(quality["track_breaks"]) == [0, 0, 0, 1, 0, 0]
    assert list(quality["id_switches"]) == [0, 0, 0, 0, 0, 0]
    assert list(quality["assigned"]) == [0, 2, 2, 1, 2, 2]
    assert quality.attrs["summary"]["false_tracks"] == 1  # track 13, as before


def test_rejoins_are_scored_against_the_truth():
    """The re-join above is right (both sides on threat 1); handing 11 to threat 0's track
    instead (rows of 10 from t = 5 renamed 11) is wrong; to a false track, unowned."""
    tracks, events = rejoined_run()
    assert rejoin_events(events)[["track_id", "new_track_id"]].values.tolist() == [[11, 12]]
    right = score_rejoins(tracks, truth_frame(), events, 1_000.0)
    assert right == {"rejoins": 1, "right_rejoins": 1, "wrong_rejoins": 0,
                     "unowned_rejoins": 0, "rejoin_gap_s": 0.5}

    wrong_tracks = tracks[tracks["track_id"] != 11].copy()
    wrong_tracks = pd.concat([wrong_tracks, tracks[(tracks["track_id"] == 11)
                                                   & (tracks["time_s"] < 4.0)]])
    later_10 = (wrong_tracks["track_id"] == 10) & (wrong_tracks["time_s"] > 4.0)
    wrong_tracks.loc[later_10, "track_id"] = 11
    wrong = score_rejoins(wrong_tracks.sort_values("time_s", kind="stable"), truth_frame(),
                          events, 1_000.0)
    assert (wrong["right_rejoins"], wrong["wrong_rejoins"]) == (0, 1)

    far = tracks.copy()
    far.loc[(far["track_id"] == 11) & (far["time_s"] > 4.0), "north_m"] = 40_000.0
    unowned = score_rejoins(far, truth_frame(), events, 1_000.0)
    assert unowned["unowned_rejoins"] == 1


def test_without_rejoins_nothing_is_scored_and_a_bad_cut_off_is_named():
    assert score_rejoins(track_frame(), truth_frame(), event_frame().assign(value=np.nan),
                         1_000.0)["rejoins"] == 0
    with pytest.raises(ValueError, match="cutoff_m must be > 0"):
        score_rejoins(track_frame(), truth_frame(), event_frame(), 0.0)
