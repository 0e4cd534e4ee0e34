"""Sensor-to-C2 links: each radar's reports arrive ``latency_s`` after its scan.

Reports are delivered in the order (arrival time, scan time, radar index), so the
tracker always processes scans in a repeatable order. Outages are modelled at the radar
(no scan, no report) in :mod:`iadsim.sensors.radar`; a cut link loses what is sent on it.
"""

from __future__ import annotations

import heapq
import itertools

import numpy as np

from iadsim.sensors.radar import DetectionBatch


class ReportLinks:
    """A delivery queue of detection batches, delayed by each radar's latency.

    ``cut[radar]`` (set by the run when a ``link_cut`` fault starts or ends) loses every
    batch that radar sends while it is True; batches already in transit still arrive.
    """

    def __init__(self, latency_s: list[float]):
        self._latency_s = latency_s
        self._queue: list[tuple[float, float, int, int, DetectionBatch]] = []
        self._counter = itertools.count()
        self.cut = np.zeros(len(latency_s), dtype=bool)

    def send(self, batch: DetectionBatch) -> None:
        if self.cut[batch.radar_index]:
            return
        arrival_s = batch.time_s + self._latency_s[batch.radar_index]
        heapq.heappush(self._queue, (arrival_s, batch.time_s, batch.radar_index,
                                     next(self._counter), batch))

    def send_all(self, batches: list[DetectionBatch]) -> None:
        """:meth:`send` each batch in turn (one call a step for the run's scans)."""
        cut, latency_s, queue, counter = self.cut, self._latency_s, self._queue, self._counter
        for batch in batches:
            radar = batch.radar_index
            if cut[radar]:
                continue
            heapq.heappush(queue, (batch.time_s + latency_s[radar], batch.time_s, radar,
                                   next(counter), batch))

    def deliver(self, time_s: float) -> list[DetectionBatch]:
        """Every batch that has arrived by ``time_s``, oldest first."""
        delivered = []
        while self._queue and self._queue[0][0] <= time_s + 1e-9:
            delivered.append(heapq.heappop(self._queue)[-1])
        return delivered
