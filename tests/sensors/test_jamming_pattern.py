"""The compiled jamming sum applies the receive pattern of :func:`receive_pattern` (the
checked, public form): one jammer at known angles off the beam axis, each J/N the
jammer's peak J/N times that pattern (rtol 1e-12)."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.sensors.jamming import (
    JAMMER_POWER,
    JAMMER_SPREAD,
    jamming_from_geometry,
    receive_pattern,
)

BEAMWIDTH_RAD = np.radians(2.0)
SIDELOBE_DB = -30.0


@pytest.mark.parametrize("offset_deg", [0.0, 0.5, 1.0, 2.0, 4.0, 30.0, 120.0])
def test_the_kernel_jn_is_the_peak_jn_times_the_receive_pattern(offset_deg):
    offset = np.radians(offset_deg)
    distance = 80_000.0
    row = np.zeros(5)
    row[:3] = distance * np.array([np.sin(offset), np.cos(offset), 0.0])  # jammer
    row[JAMMER_POWER], row[JAMMER_SPREAD] = 3.0e12, 5.0e16
    target = np.array([0.0, 40_000.0, 0.0])  # the beam points north
    total = jamming_from_geometry(row[None, :], *target, BEAMWIDTH_RAD,
                                  10.0 ** (SIDELOBE_DB / 10.0))
    peak = row[JAMMER_POWER] / row[JAMMER_SPREAD]
    expected = peak * float(receive_pattern(offset, BEAMWIDTH_RAD, SIDELOBE_DB))
    assert total == pytest.approx(expected, rel=1e-12)
    if offset_deg >= 30.0:
        assert total == pytest.approx(peak * 1e-3, rel=1e-12)  # in the sidelobe floor
