"""Draws from a NumPy Generator inside a kernel (iadsim.engine.compiled_streams) are
NumPy's own draws, bit for bit, and leave the stream where NumPy's calls would."""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit

from iadsim.engine.compiled_streams import (
    bit_generator,
    draw_double,
    draw_gamma,
    draw_normal,
    draw_poisson,
    stream_words,
)
from iadsim.engine.random_streams import stream


@njit(cache=True)
def _draws(words: np.ndarray, row: int, kind: int, parameter: float,
           count: int) -> np.ndarray:
    generator = bit_generator(words, row)
    out = np.empty(count)
    for index in range(count):
        if kind == 0:
            out[index] = draw_double(generator)
        elif kind == 1:
            out[index] = draw_normal(generator)
        elif kind == 2:
            out[index] = draw_gamma(generator, parameter)
        else:
            out[index] = draw_poisson(generator, parameter)
    return out


def _numpy(generator: np.random.Generator, kind: int, parameter: float,
           count: int) -> np.ndarray:
    if kind == 0:
        return generator.random(count)
    if kind == 1:
        return generator.standard_normal(count)
    if kind == 2:
        return generator.standard_gamma(parameter, count)
    return generator.poisson(parameter, count).astype(float)


@pytest.mark.parametrize(("kind", "parameter"), [
    (0, 0.0), (1, 0.0), (2, 1.0), (2, 0.4), (2, 2.0), (2, 20.0), (3, 0.0), (3, 0.7),
    (3, 4.5), (3, 9.99), (3, 10.0), (3, 37.0)])
def test_kernel_draws_are_numpy_draws(kind: int, parameter: float) -> None:
    reference, compiled = stream(5, "radar:a"), stream(5, "radar:a")
    other = stream(5, "radar:b")
    words = stream_words([other, compiled])
    expected = _numpy(reference, kind, parameter, 20_000)
    drawn = _draws(words, 1, kind, parameter, 20_000)
    assert np.array_equal(drawn, expected)
    # The stream is left where NumPy leaves it: Python draws carry on in step.
    assert np.array_equal(compiled.random(5), reference.random(5))
    assert other.bit_generator.state == stream(5, "radar:b").bit_generator.state


def test_kernel_and_python_draws_interleave() -> None:
    reference, compiled = stream(9, "x"), stream(9, "x")
    words = stream_words([compiled])
    expected = np.concatenate([reference.random(3), reference.standard_normal(4),
                               reference.random(2)])
    drawn = np.concatenate([_draws(words, 0, 0, 0.0, 3), compiled.standard_normal(4),
                            _draws(words, 0, 0, 0.0, 2)])
    assert np.array_equal(drawn, expected)
