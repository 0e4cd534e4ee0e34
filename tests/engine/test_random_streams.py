"""Named random streams: same seed and name, same numbers; other names, independent."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.engine.random_streams import stream


def test_a_stream_is_a_numpy_generator():
    assert isinstance(stream(0, "radar:a"), np.random.Generator)


def test_same_seed_and_name_give_identical_draws():
    first = stream(42, "radar:search")
    second = stream(42, "radar:search")
    np.testing.assert_array_equal(first.random(1_000), second.random(1_000))
    np.testing.assert_array_equal(first.standard_normal((10, 3)),
                                  second.standard_normal((10, 3)))


def test_other_names_or_seeds_give_other_draws():
    reference = stream(42, "radar:search").random(100)
    for seed, name in ((42, "radar:fire-control"), (43, "radar:search"), (42, "radar:Search"),
                       (42, "interceptors")):
        assert not np.array_equal(stream(seed, name).random(100), reference), (seed, name)


def test_streams_of_different_names_are_uncorrelated():
    count = 200_000
    a = stream(7, "radar:a").standard_normal(count)
    b = stream(7, "radar:b").standard_normal(count)
    lagged = stream(7, "radar:b").standard_normal(count + 1)[1:]
    for other in (b, lagged):
        assert abs(np.corrcoef(a, other)[0, 1]) < 4.5 / np.sqrt(count)


def test_drawing_from_one_stream_does_not_move_another():
    alone = stream(3, "threats").random(50)
    busy = stream(3, "radar:a")
    busy.random(10_000)
    np.testing.assert_array_equal(stream(3, "threats").random(50), alone)


def test_large_seeds_are_accepted():
    assert stream(2**63 - 1, "x").random() == stream(2**63 - 1, "x").random()


def test_a_negative_seed_raises_naming_the_argument():
    with pytest.raises(ValueError, match=r"seed must be >= 0, got -1"):
        stream(-1, "radar:a")


def test_names_with_colliding_crc32_still_get_independent_streams():
    first = stream(1, "radar:plumless").random(100)
    second = stream(1, "radar:buckeroo").random(100)
    assert not np.array_equal(first, second)  # fails: identical draws
