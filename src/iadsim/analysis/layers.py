"""The layers of a defense: each battery's interceptor type sorted into a range class.

A laser is the ``directed_energy`` layer, a jammer the ``electronic_attack`` layer, a gun
the ``gun`` layer; a missile is ``long_range`` from
:data:`LONG_RANGE_MIN_KM` of maximum range, ``medium_range`` from
:data:`MEDIUM_RANGE_MIN_KM`, ``short_range`` below. The thresholds are a convention of
this toolkit (roughly: area defense, regional defense, point defense), not a standard.
"""

from __future__ import annotations

from iadsim.scenario.schema import InterceptorType

LONG_RANGE_MIN_KM = 150.0
MEDIUM_RANGE_MIN_KM = 20.0
#: Layers from the outermost in.
LAYERS = ("long_range", "medium_range", "short_range", "gun", "directed_energy",
          "electronic_attack")
#: The layer of each interceptor kind that is not sorted by range.
KIND_LAYERS = {"gun": "gun", "laser": "directed_energy", "jammer": "electronic_attack"}


def layer_of(interceptor: InterceptorType) -> str:
    """The layer an interceptor type belongs to."""
    if interceptor.kind in KIND_LAYERS:
        return KIND_LAYERS[interceptor.kind]
    if interceptor.max_range_km >= LONG_RANGE_MIN_KM:
        return "long_range"
    if interceptor.max_range_km >= MEDIUM_RANGE_MIN_KM:
        return "medium_range"
    return "short_range"
