"""NumPy random streams drawn from inside compiled (Numba) kernels: the same numbers.

A kernel that loops over a handful of radars per step spends most of its time in NumPy's
cost per call when every draw is a ``Generator`` method call from Python. Numba can draw
from a ``numpy.random.Generator`` itself (its ``numba.np.random`` package ports NumPy's
distributions, algorithm for algorithm, and calls the generator's own bit generator, so
the stream advances exactly as NumPy's calls would advance it), but unboxing a
``Generator`` argument costs about 25 us a call. Here a stream is handed to a kernel as
four machine words instead (:func:`stream_words`: the address of the bit generator's
state and of its ``next_uint64``, ``next_uint32`` and ``next_double`` functions, from its
documented ``ctypes`` interface), and :func:`bit_generator` turns them back into Numba's
bit-generator value inside the kernel. The kernel then draws with the ``draw_*``
functions below, which are Numba's ports: the numbers and the stream's state afterwards
are NumPy's, bit for bit (tests/engine/test_compiled_streams.py compares them draw by
draw for every distribution used).

The words are valid while the ``Generator`` they were taken from is alive: the caller
keeps it (and may go on drawing from it in Python between kernel calls).

Relies on Numba's bit-generator data model (``numba.np.random.generator_core``), stable
since Numba 0.56; the parity tests fail loudly if a release changes it.
"""

from __future__ import annotations

import ctypes

import numpy as np
from numba.core import cgutils, types
from numba.extending import intrinsic, register_jitable
from numba.np.random.distributions import (
    random_poisson,
    random_standard_gamma,
    random_standard_normal,
)
from numba.np.random.generator_core import _bit_gen_type, next_double

#: Columns of :func:`stream_words`.
STATE, NEXT_UINT64, NEXT_UINT32, NEXT_DOUBLE = range(4)


def stream_words(generators: list[np.random.Generator]) -> np.ndarray:
    """The machine words (n, 4) that hand each of ``generators`` to a kernel: its bit
    generator's state address and its three ``next_*`` function addresses (uintp)."""
    words = np.zeros((len(generators), 4), dtype=np.uintp)
    for row, generator in enumerate(generators):
        interface = generator.bit_generator.ctypes
        words[row, STATE] = interface.state_address
        for column, function in ((NEXT_UINT64, interface.next_uint64),
                                 (NEXT_UINT32, interface.next_uint32),
                                 (NEXT_DOUBLE, interface.next_double)):
            words[row, column] = ctypes.cast(function, ctypes.c_void_p).value
    return words


@intrinsic
def _bit_generator(typing_context, state, next_uint64, next_uint32, next_double_address):
    """Numba's bit-generator value from the four words (no Python object behind it)."""
    signature = _bit_gen_type(types.uintp, types.uintp, types.uintp, types.uintp)

    def codegen(context, builder, signature, arguments):
        value = cgutils.create_struct_proxy(_bit_gen_type)(context, builder)
        value.parent = context.get_constant_null(types.pyobject)
        value.state_address = arguments[0]
        value.state = arguments[0]
        value.fnptr_next_uint64 = arguments[1]
        value.fnptr_next_uint32 = arguments[2]
        value.fnptr_next_double = arguments[3]
        value.bit_generator = arguments[0]
        return value._getvalue()

    return signature, codegen


@register_jitable
def bit_generator(words: np.ndarray, row: int):
    """The bit generator of row ``row`` of :func:`stream_words`, inside a kernel."""
    return _bit_generator(words[row, STATE], words[row, NEXT_UINT64], words[row, NEXT_UINT32],
                          words[row, NEXT_DOUBLE])


@register_jitable
def draw_double(generator) -> float:
    """One ``Generator.random()``: a uniform double in [0, 1)."""
    return next_double(generator)


@register_jitable
def draw_normal(generator) -> float:
    """One ``Generator.standard_normal()``."""
    return random_standard_normal(generator)


@register_jitable
def draw_gamma(generator, shape: float) -> float:
    """One ``Generator.standard_gamma(shape)``."""
    return random_standard_gamma(generator, shape)


@register_jitable
def draw_poisson(generator, rate: float) -> int:
    """One ``Generator.poisson(rate)``."""
    return random_poisson(generator, rate)
