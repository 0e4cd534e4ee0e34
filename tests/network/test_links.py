"""The report links deliver each radar's scans after its latency, in a repeatable order."""

from __future__ import annotations

import numpy as np

from iadsim.network.links import ReportLinks
from iadsim.sensors.radar import DetectionBatch


def batch(radar: int, time_s: float) -> DetectionBatch:
    one = np.ones(1)
    return DetectionBatch(radar, time_s, one, one, one, one, np.zeros(1, dtype=int),
                          np.zeros((1, 3)), np.eye(3)[None])


def test_reports_arrive_after_their_radar_latency():
    links = ReportLinks([0.5, 2.0])
    links.send(batch(0, 10.0))
    links.send(batch(1, 10.0))
    assert links.deliver(10.4) == []
    arrived = links.deliver(10.5)
    assert [b.radar_index for b in arrived] == [0]
    assert links.deliver(11.9) == []
    assert [b.radar_index for b in links.deliver(12.0)] == [1]
    assert links.deliver(100.0) == []


def test_delivery_is_ordered_by_arrival_then_scan_time_then_radar():
    links = ReportLinks([1.0, 0.0, 1.0])
    links.send(batch(2, 5.0))
    links.send(batch(0, 5.0))
    links.send(batch(1, 6.0))  # arrives at 6.0, as do the two others
    links.send(batch(1, 5.5))  # arrives first
    order = [(b.radar_index, b.time_s) for b in links.deliver(6.0)]
    assert order == [(1, 5.5), (0, 5.0), (2, 5.0), (1, 6.0)]


def test_a_cut_link_loses_what_is_sent_while_cut_but_not_what_was_in_transit():
    links = ReportLinks([1.0, 1.0])
    links.send(batch(0, 10.0))  # in transit when the link is cut
    links.cut[0] = True
    links.send(batch(0, 10.5))
    links.send(batch(1, 10.5))  # the other radar's link is up
    links.cut[0] = False
    links.send(batch(0, 11.0))
    order = [(b.radar_index, b.time_s) for b in links.deliver(100.0)]
    assert order == [(0, 10.0), (1, 10.5), (0, 11.0)]
