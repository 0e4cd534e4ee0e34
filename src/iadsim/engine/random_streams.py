"""Independent random streams, one per named subsystem, all from one run seed.

Streams are keyed by name rather than spawned in order, so adding a radar named
``"radar:new"`` does not change the numbers any other subsystem draws (common random
numbers across variants of a scenario). Same seed and name, same stream, bit for bit.
The name is hashed with SHA-256 into eight 32-bit words of the spawn key, so two names
share a stream only if their SHA-256 digests collide (a 32-bit CRC collides for
ordinary names such as ``"radar:plumless"`` and ``"radar:buckeroo"``).
"""

from __future__ import annotations

import hashlib

import numpy as np


def stream(seed: int, name: str) -> np.random.Generator:
    """The generator of subsystem ``name`` in the run seeded with ``seed``."""
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    key = tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 32, 4))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))
