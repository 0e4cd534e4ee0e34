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


class HidingDirectors:
    """Fire-control directors on battery A whose cue the terrain hides for the tracks in
    ``hidden`` (a test double of :class:`iadsim.sensors.fire_control.FireControlDirectors`:
    the battle manager asks it only these questions). No director track ever settles."""

    def __init__(self, hidden: set[int], unseen: set[int] | None = None) -> None:
        self.hidden = hidden
        self.unseen = unseen or set()  # tracks whose picture position the map hides
        self.released: list[int] = []

    def hidden_from_batteries(self, position_m: np.ndarray) -> np.ndarray:
        """Battery A cannot see the tracks of ``unseen`` (told apart by their lanes,
        300 m apart on the picture's north axis: bearing 90 degrees)."""
        track = np.rint(-position_m[:, 1] / 300.0).astype(int)
        hidden = np.zeros((1, len(position_m)), dtype=bool)  # the one battery, A
        hidden[A] = np.isin(track, list(self.unseen))
        return hidden

    def has_directors(self, battery: int) -> bool:
        return battery == A

    def cue(self, time_s, battery, track_id, position_m, velocity_mps, speed_sigma) -> None:
        pass

    def cue_hidden(self, time_s: float, battery: int, track_id: int) -> bool:
        return track_id in self.hidden

    def solution(self, time_s: float, battery: int, track_id: int) -> None:
        return None

    def release(self, battery: int, track_id: int) -> None:
        self.released.append(track_id)


def hidden_manager(hidden: set[int], unseen: set[int] | None = None):
    bm = manager(capacity_a=None)
    bm.fire_control = HidingDirectors(hidden, unseen)
    return bm


def test_a_hidden_cue_holds_its_round_at_most_the_fire_control_wait_then_frees_the_channel():
    """Tracks 0 and 1 stay hidden from the director: their rounds (due at 2 s) wait, and at
    7 s (5 s late) the engagements end with nothing fired; tracks 2 and 3, in view, fire at
    7 s, when their unsettled directors' wait runs out, from the picture."""
    bm = hidden_manager({0, 1})
    bm.step(0.0, picture(0.0))
    stock = int(bm.batteries.rounds_left()[A])
    for time_s in (2.0, 4.0, 6.0):
        bm.step(time_s, picture(time_s))
        assert launched_tracks(bm) == []
        assert bm.batteries.channels_busy[A] == 4
    bm.step(7.0, picture(7.0))
    assert launched_tracks(bm) == [2, 3]
    cancelled = sorted(e.track_id for e in bm.engagements.values() if e.cancelled)
    assert cancelled == [0, 1]
    assert sorted(bm.fire_control.released) == [0, 1]
    assert bm.batteries.channels_busy[A] == 2
    assert int(bm.batteries.rounds_left()[A]) == stock - 2
    assert bm.batteries.reserved[A] == 0


def test_a_hidden_cue_that_passes_out_of_reach_is_cancelled_at_once():
    """Track 0 is hidden and turns away at 2 s: no point waiting, its engagement ends then;
    track 1, hidden but still inbound, keeps waiting."""
    bm = hidden_manager({0, 1})
    bm.step(0.0, picture(0.0))
    bm.step(2.0, turned_away(2.0, (0,)))
    assert launched_tracks(bm) == []
    cancelled = sorted(e.track_id for e in bm.engagements.values() if e.cancelled)
    assert cancelled == [0]
    assert bm.batteries.channels_busy[A] == 3


def test_a_cue_that_comes_into_view_is_fired_on_once_the_wait_is_over():
    """Track 0 is hidden until 4 s, then in view: its round goes at 7 s with the others."""
    bm = hidden_manager({0})
    bm.step(0.0, picture(0.0))
    bm.step(2.0, picture(2.0))
    bm.fire_control.hidden.clear()
    bm.step(4.0, picture(4.0))
    bm.step(7.0, picture(7.0))
    assert launched_tracks(bm) == [0, 1, 2, 3]
    assert not any(e.cancelled for e in bm.engagements.values())


def test_a_director_battery_is_not_assigned_a_track_the_terrain_hides_from_it():
    """Tracks 1 and 2 (of four, 300 m apart) are behind a ridge as the battery's directors
    see the map: at 0 s only tracks 0 and 3 are assigned; at 2 s track 1 is in view and
    is assigned; track 2 never is."""
    bm = hidden_manager(set(), unseen={1, 2})
    bm.step(0.0, picture(0.0))
    assert sorted(e.track_id for e in bm.engagements.values()) == [0, 3]
    bm.fire_control.unseen = {2}
    bm.step(2.0, picture(2.0))
    assert sorted(e.track_id for e in bm.engagements.values()) == [0, 1, 3]
