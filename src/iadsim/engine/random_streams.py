"""Independent random streams, one per named subsystem, all from one run seed.

Streams are keyed by name rather than spawned in order, so adding a radar named
``"radar:new"`` does not change the numbers any other subsystem draws (common random
numbers across variants of a scenario). Same seed and name, same stream, bit for bit.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, name: str) -> np.random.Generator:
    """The generator of subsystem ``name`` in the run seeded with ``seed``."""
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    key = zlib.crc32(name.encode("utf-8"))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(key,))))
