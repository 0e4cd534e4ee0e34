"""The battle manager's launch check: no round leaves without an intercept in its envelope.

An engagement is planned at assignment and its rounds fire after the battery's reaction
time (and, for a gun, after its director settles, up to 5 s later). By then the track may
be out of reach. The fire-control computer checks each round's launch solution against the
envelope from the picture of that moment; with none, the round stays in the magazine, the
engagement ends and the track may be assigned afresh. Driven directly with hand-made
pictures of four tracks 300 m apart (the battle manager never sees the truth).
"""

from __future__ import annotations

import numpy as np
from test_fire_control_radars import A, manager, picture

from iadsim.events import EventKind


def turned_away(time_s: float, tracks: tuple[int, ...]) -> object:
    """:func:`picture` at ``time_s`` with ``tracks`` 70 km out and flying away at 250 m/s:
    beyond the 25 km, 60 s envelope of the battery's rounds."""
    view = picture(time_s)
    for row in tracks:
        view.position_m[row] = [70_000.0, 300.0 * row, 300.0]
        view.velocity_mps[row] = [250.0, 0.0, 0.0]
    return view


def launched_tracks(bm) -> list[int]:
    events = bm.log.to_frame()
    return sorted(events.loc[events["kind"] == EventKind.INTERCEPTOR_LAUNCH,
                             "track_id"].tolist())


def test_a_track_out_of_reach_at_launch_time_gets_no_round():
    bm = manager(capacity_a=None)
    bm.step(0.0, picture(0.0))  # four engagements, rounds due at 2 s (reaction time)
    assert sorted(e.track_id for e in bm.engagements.values()) == [0, 1, 2, 3]
    stock = int(bm.batteries.rounds_left()[A])
    bm.step(2.0, turned_away(2.0, (0, 1)))
    assert launched_tracks(bm) == [2, 3]
    cancelled = sorted(e.track_id for e in bm.engagements.values() if e.cancelled)
    assert cancelled == [0, 1]
    # The two cancelled rounds went back to stock; two fired; two channels are free.
    assert bm.batteries.reserved[A] == 0
    assert int(bm.batteries.rounds_left()[A]) == stock - 2
    assert bm.batteries.channels_busy[A] == 2


def test_a_track_still_in_reach_gets_its_round():
    bm = manager(capacity_a=None)
    bm.step(0.0, picture(0.0))
    bm.step(2.0, picture(2.0))
    assert launched_tracks(bm) == [0, 1, 2, 3]
    assert not any(e.cancelled for e in bm.engagements.values())


def test_a_cancelled_track_is_engaged_again_once_back_in_reach():
    bm = manager(capacity_a=None)
    bm.step(0.0, picture(0.0))
    bm.step(2.0, turned_away(2.0, (0,)))
    assert launched_tracks(bm) == [1, 2, 3]
    bm.step(4.0, picture(4.0))  # the next cycle: track 0 is inbound at 17 km again
    assert [e.track_id for e in bm.engagements.values() if not e.cancelled].count(0) == 1
    bm.step(6.0, picture(6.0))
    assert launched_tracks(bm) == [0, 1, 2, 3]
    assert np.isfinite(bm.batteries.position_m).all()
