"""The per-threat-kind tables of the schema (Pk, laser kill fluence, jammer defeat rate):
one field per threat kind, in the order of THREAT_KINDS, so that a kind added to the
schema cannot be forgotten in one of them; their bounds and messages."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from iadsim.scenario.schema import (
    THREAT_KINDS,
    DefeatRate,
    KillFluence,
    PkByThreatKind,
    ThreatKindValues,
)


@pytest.mark.parametrize("table", [ThreatKindValues, PkByThreatKind, KillFluence, DefeatRate])
def test_every_table_has_one_field_per_threat_kind_in_order(table):
    assert issubclass(table, ThreatKindValues)
    assert tuple(table.model_fields) == THREAT_KINDS


def test_defaults_and_bounds_of_each_table():
    assert PkByThreatKind().model_dump() == dict.fromkeys(THREAT_KINDS)
    assert KillFluence().drone == 1_500.0 and DefeatRate().drone == 0.05
    assert PkByThreatKind(drone=1.0).drone == 1.0
    for table, bad, message in ((PkByThreatKind, 0.0, "Input should be greater than 0"),
                                (PkByThreatKind, 1.5, "less than or equal to 1"),
                                (KillFluence, -1.0, "greater than or equal to 0"),
                                (DefeatRate, float("nan"), "finite number")):
        with pytest.raises(ValidationError, match=message):
            table(drone=bad)
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        KillFluence(frog=1.0)
