"""Damage to a defended asset from the threats that reached it.

Each leaker adds the damage fraction of its kind's warhead (or stand-off weapon load) to
its asset; an asset's damage is the sum, capped at 1 (destroyed). The fractions are
notional and coarse, chosen only to rank outcomes: a ballistic missile's large unitary
warhead does more than a cruise missile's, a strike aircraft's stand-off load more than
one drone's small warhead; a target drone carries none. They are not from any source
and take no account of asset hardness, aim point or warhead type beyond the kind.
"""

from __future__ import annotations

import numpy as np

#: Fraction of an asset destroyed by one leaker of each threat kind (notional).
DAMAGE_FRACTION: dict[str, float] = {
    "ballistic_missile": 0.5,
    "cruise_missile": 0.3,
    "aircraft": 0.4,
    "drone": 0.1,
    "target_drone": 0.0,
}


def asset_damage(leaker_kinds: list[str]) -> float:
    """Damage fraction in [0, 1] of one asset from the kinds of the leakers that reached it.

    Raises ``ValueError`` naming an unknown kind.
    """
    unknown = sorted(set(leaker_kinds) - set(DAMAGE_FRACTION))
    if unknown:
        raise ValueError(f"leaker_kinds must be threat kinds {sorted(DAMAGE_FRACTION)}, "
                         f"got {unknown}")
    return float(min(1.0, np.sum([DAMAGE_FRACTION[kind] for kind in leaker_kinds])))
