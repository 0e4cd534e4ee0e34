"""No consumer of the track picture writes into it.

A picture is read by several stages (the track recording, the battle manager, the
rounds' guidance and the beams on the next step), one picture object shared between
them within a step: a stage that wrote into it would change what the next one reads.
Every picture the tracker hands out in a run of ``layered-defense`` is copied when made
and compared, bit for bit, after the run.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from iadsim.engine.simulation import Simulation
from iadsim.events import EventKind
from iadsim.scenario.loader import load_scenario
from iadsim.tracking.tracker import CentralTracker, TrackPicture


def test_no_stage_writes_into_a_picture(monkeypatch):
    made: list[tuple[TrackPicture, dict[str, np.ndarray]]] = []
    picture = CentralTracker.picture

    def kept(tracker, time_s, track_ids=None):
        result = picture(tracker, time_s, track_ids)
        made.append((result, {field.name: np.array(getattr(result, field.name), copy=True)
                              for field in dataclasses.fields(TrackPicture)
                              if isinstance(getattr(result, field.name), np.ndarray)}))
        return result

    monkeypatch.setattr(CentralTracker, "picture", kept)
    simulation = Simulation(load_scenario("layered-defense"), seed=1)
    simulation.run()
    # The pictures were used to shoot (battle manager) and to guide rounds.
    assert simulation.log.count(EventKind.INTERCEPTOR_LAUNCH) > 10
    assert len(made) > 1_000 and sum(result.size for result, _ in made) > 5_000
    changed = [(index, name) for index, (result, copies) in enumerate(made)
               for name, copy in copies.items()
               if getattr(result, name).tobytes() != copy.tobytes()]
    assert changed == []
