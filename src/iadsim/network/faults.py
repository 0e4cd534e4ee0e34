"""Scenario-driven faults: when each radar outage or cut link starts and ends.

A fault is active over ``[start_s, end_s)`` (``end_s`` None: to the end of the run). The
schedule only says which faults start or end at a step; the run applies them (a radar
down stops scanning, a cut radar link loses its reports, a cut battery link sends the
battery to autonomous defense) and logs ``fault_start`` / ``fault_end`` events.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iadsim.scenario.schema import Fault


@dataclass(frozen=True, slots=True)
class FaultChange:
    """One fault starting or ending at a step."""

    index: int  # in the scenario's faults list
    fault: Fault
    started: bool  # True: it starts; False: it ends


class FaultSchedule:
    """The scenario's faults and which of them are active."""

    def __init__(self, faults: list[Fault]):
        self.faults = faults
        self.start_s = np.array([fault.start_s for fault in faults], dtype=float)
        self.end_s = np.array([np.inf if fault.end_s is None else fault.end_s
                               for fault in faults], dtype=float)
        self.active = np.zeros(len(faults), dtype=bool)

    def update(self, time_s: float) -> list[FaultChange]:
        """Faults whose state changes at ``time_s`` (each reported once), in list order."""
        if not self.faults:
            return []
        now = (self.start_s <= time_s + 1e-9) & (time_s + 1e-9 < self.end_s)
        changed = (now != self.active).nonzero()[0]
        self.active = now
        return [FaultChange(int(index), self.faults[index], bool(now[index]))
                for index in changed]

    def windows(self, kind: str, target: str) -> tuple[tuple[float, float], ...]:
        """(start_s, end_s) of every fault of one kind on one target."""
        return tuple((float(self.start_s[index]), float(self.end_s[index]))
                     for index, fault in enumerate(self.faults)
                     if fault.kind == kind and fault.target == target)
