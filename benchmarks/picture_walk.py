"""Step a run to its end and score its confirmed picture against the threats in flight.

Shared by the tracking benchmarks that judge the picture against the truth
(``false_tracks.py``, ``confirmation_seeds.py``). This is analysis: it reads the truth to
score the picture; the tracker never does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from iadsim.engine.simulation import Simulation
from iadsim.threats.raid import FLYING
from iadsim.tracking.tracker import TrackPicture


@dataclass(frozen=True)
class ScoredPicture:
    """One step's confirmed picture against the threats in flight: ``flying`` their rows;
    per track, ``distance_m`` to the nearest, ``nearest`` its index into ``flying`` and
    ``near`` whether it is within the radius."""

    picture: TrackPicture
    flying: np.ndarray
    distance_m: np.ndarray
    nearest: np.ndarray
    near: np.ndarray


def scored_pictures(simulation: Simulation, radius_m: float,
                    near_ever: dict[int, bool]) -> Iterator[ScoredPicture]:
    """Run ``simulation`` step by step to its end (its duration, or earlier once it has
    finished); after each step, ``near_ever[track]`` records whether each confirmed track
    has had a live threat within ``radius_m`` yet (a track that never has is false), and a
    :class:`ScoredPicture` is yielded for each step with tracks and threats in flight."""
    total_steps = int(np.ceil(simulation.scenario.sim.duration_s / simulation.dt_s - 1e-9))
    while simulation.steps < total_steps and not (simulation.steps > 0 and simulation.finished):
        simulation.step()
        picture = simulation.tracker.picture(simulation.time_s)
        if picture.size == 0:
            continue
        flying = (simulation.status == FLYING).nonzero()[0]
        ids = picture.track_id.tolist()
        if flying.size == 0:
            for track in ids:
                near_ever.setdefault(track, False)
            continue
        distance, nearest = cKDTree(simulation.threat_position_m[flying]).query(
            picture.position_m)
        near = distance <= radius_m
        for track, is_near in zip(ids, near.tolist(), strict=True):
            near_ever[track] = near_ever.get(track, False) or is_near
        yield ScoredPicture(picture, flying, distance, nearest, near)
