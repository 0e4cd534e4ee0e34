"""Threat evaluation: which asset a track threatens, its time to go, and the ranking."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.c2.threat_evaluation import evaluate
from iadsim.world.atmosphere import STANDARD_GRAVITY_MPS2 as G_MPS2

# Two assets 50 km apart on the east axis: a valuable one at the origin, a lesser one east.
ASSETS = np.array([[0.0, 0.0, 0.0], [50_000.0, 0.0, 0.0]])
RADIUS = np.array([1_000.0, 1_000.0])
VALUE = np.array([10.0, 2.0])
CORRIDOR_M = 5_000.0


def run(position, velocity, priority="time_to_go", **kwargs):
    return evaluate(np.asarray(position, dtype=float), np.asarray(velocity, dtype=float),
                    ASSETS, RADIUS, VALUE, CORRIDOR_M, priority, **kwargs)


@pytest.mark.parametrize("heading_deg", [0.0, 37.0, 200.0])
def test_a_track_heading_at_an_asset_threatens_it_with_distance_over_speed(heading_deg):
    distance, speed = 42_000.0, 230.0
    bearing = np.radians(heading_deg)  # where the track is, seen from the asset
    position = [[distance * np.sin(bearing), distance * np.cos(bearing), 3_000.0]]
    velocity = [[-speed * np.sin(bearing), -speed * np.cos(bearing), -5.0]]
    result = run(position, velocity)
    assert result.asset.tolist() == [0]
    assert result.time_to_go_s[0] == pytest.approx(distance / speed, rel=1e-9)


def test_a_track_heading_away_threatens_nothing():
    result = run([[0.0, 30_000.0, 1_000.0], [-10_000.0, 0.0, 500.0]],
                 [[0.0, 250.0, 0.0], [-100.0, 0.0, 0.0]])
    assert result.asset.tolist() == [-1, -1]
    assert np.isinf(result.time_to_go_s).all()


def test_a_hovering_track_threatens_nothing():
    result = run([[0.0, 3_000.0, 100.0]], [[0.3, -0.3, 0.0]])
    assert result.asset.tolist() == [-1]


def test_a_track_passing_outside_radius_plus_corridor_threatens_nothing():
    # Flying south, 5.5 km and 6.5 km east of the asset (radius 1 km + corridor 5 km = 6 km).
    result = run([[5_500.0, 40_000.0, 1_000.0], [6_500.0, 40_000.0, 1_000.0]],
                 [[0.0, -200.0, 0.0], [0.0, -200.0, 0.0]])
    assert result.asset.tolist() == [0, -1]
    assert result.time_to_go_s[0] == pytest.approx(200.0)  # to the closest point


def test_velocity_uncertainty_widens_the_corridor():
    position, velocity = [[0.0, 60_000.0, 500.0]], [[25.0, -50.0, 0.0]]  # misses by ~27 km
    assert run(position, velocity).asset[0] == -1
    assert run(position, velocity, speed_sigma_mps=np.array([30.0])).asset[0] == 0


def test_order_by_time_to_go_puts_the_soonest_first_and_non_threats_last():
    position = [[0.0, 60_000.0, 0.0], [0.0, -90_000.0, 0.0], [0.0, -15_000.0, 0.0],
                [0.0, 5_000.0, 0.0], [0.0, 40_000.0, 0.0]]
    velocity = [[0.0, -300.0, 0.0], [0.0, -100.0, 0.0], [0.0, 100.0, 0.0],
                [0.0, 500.0, 0.0], [0.0, -100.0, 0.0]]  # tracks 1 and 3 fly away
    result = run(position, velocity)
    np.testing.assert_allclose(result.time_to_go_s, [200.0, np.inf, 150.0, np.inf, 400.0])
    # Non-threatening tracks last, the one nearer an asset (track 3, 5 km) first.
    assert result.order.tolist() == [2, 0, 4, 3, 1]


def test_order_by_asset_value_puts_the_valuable_asset_first():
    # Track 0 threatens the lesser asset soonest; tracks 1 and 2 threaten the valuable one.
    position = [[50_000.0, 20_000.0, 0.0], [0.0, 40_000.0, 0.0], [0.0, -90_000.0, 0.0],
                [-30_000.0, 30_000.0, 0.0]]
    velocity = [[0.0, -250.0, 0.0], [0.0, -250.0, 0.0], [0.0, 90.0, 0.0],
                [-100.0, 0.0, 0.0]]  # track 3 threatens nothing
    by_time = run(position, velocity, "time_to_go")
    assert by_time.order.tolist() == [0, 1, 2, 3]
    by_value = run(position, velocity, "asset_value")
    assert by_value.order.tolist() == [1, 2, 0, 3]
    assert by_value.asset.tolist() == [1, 0, 0, -1]


def test_a_track_threatening_two_assets_picks_the_higher_value_per_second():
    # Flying west along the east axis, over the lesser asset 10 km ahead, then the valuable
    # one 60 km ahead: value per second to go 2 / 50 s = 0.04 beats 10 / 300 s = 0.033.
    result = run([[60_000.0, 0.0, 0.0]], [[-200.0, 0.0, 0.0]])
    assert result.asset.tolist() == [1]
    assert result.time_to_go_s[0] == pytest.approx(50.0)
    # Farther out the valuable asset's larger value wins: 2 / 100 s < 10 / 350 s.
    result = run([[70_000.0, 0.0, 0.0]], [[-200.0, 0.0, 0.0]])
    assert result.asset.tolist() == [0]
    assert result.time_to_go_s[0] == pytest.approx(350.0)


def test_shapes_inputs_unchanged_and_repeatable():
    rng = np.random.default_rng(2)
    position = rng.uniform(-80e3, 80e3, (40, 3))
    velocity = rng.normal(0.0, 200.0, (40, 3))
    sigma = rng.uniform(0.0, 30.0, 40)
    copies = [a.copy() for a in (position, velocity, sigma, ASSETS, RADIUS, VALUE)]
    first = evaluate(position, velocity, ASSETS, RADIUS, VALUE, CORRIDOR_M, "asset_value",
                     speed_sigma_mps=sigma)
    second = evaluate(position, velocity, ASSETS, RADIUS, VALUE, CORRIDOR_M, "asset_value",
                      speed_sigma_mps=sigma)
    for before, after in zip(copies, (position, velocity, sigma, ASSETS, RADIUS, VALUE),
                             strict=True):
        np.testing.assert_array_equal(before, after)
    assert first.asset.shape == first.time_to_go_s.shape == first.order.shape == (40,)
    assert sorted(first.order.tolist()) == list(range(40))  # a permutation
    np.testing.assert_array_equal(first.order, second.order)
    assert ((first.asset >= 0) == np.isfinite(first.time_to_go_s)).all()


def test_no_tracks_or_no_assets():
    empty = evaluate(np.zeros((0, 3)), np.zeros((0, 3)), ASSETS, RADIUS, VALUE, CORRIDOR_M,
                     "time_to_go")
    assert empty.asset.size == empty.order.size == 0
    none = evaluate(np.zeros((2, 3)), np.ones((2, 3)), np.zeros((0, 3)), np.zeros(0),
                    np.zeros(0), CORRIDOR_M, "time_to_go")
    assert none.asset.tolist() == [-1, -1] and np.isinf(none.time_to_go_s).all()


def test_an_unknown_priority_raises_naming_the_argument():
    with pytest.raises(ValueError, match=r"priority must be one of .*'loudest'"):
        run([[0.0, 1.0, 0.0]], [[0.0, -1.0, 0.0]], "loudest")


def test_classify_by_kinematics():
    from iadsim.c2.threat_evaluation import THREAT_CLASSES, classify

    velocity = np.array([[1_800.0, 0.0, -600.0],  # ballistic: fast
                         [300.0, 0.0, -400.0],  # ballistic: diving fast
                         [250.0, 0.0, 0.0],  # high: aircraft
                         [240.0, 10.0, 0.0],  # low: cruise missile
                         [50.0, 0.0, 0.0],  # slow: drone
                         [50.0, 0.0, 0.0]])  # slow and high: still a drone
    height = np.array([30_000.0, 5_000.0, 8_000.0, 50.0, 800.0, 3_000.0])
    names = [THREAT_CLASSES[i] for i in classify(velocity, height)]
    assert names == ["ballistic_missile", "ballistic_missile", "aircraft", "cruise_missile",
                     "drone", "drone"]


def test_threat_score_weighs_value_and_time_to_go():
    from iadsim.c2.threat_evaluation import threat_score

    # Track 0: valuable asset, 300 s; 1: lesser asset, 60 s; 2: threatens nothing.
    result = run([[0.0, 60_000.0, 0.0], [50_000.0, 12_000.0, 0.0], [-30_000.0, 30_000.0, 0.0]],
                 [[0.0, -200.0, 0.0], [0.0, -200.0, 0.0], [-100.0, 0.0, 0.0]])
    by_time = threat_score(result, VALUE, "time_to_go")
    np.testing.assert_allclose(by_time, [10.0 * 60 / 360, 2.0 * 60 / 120,
                                         0.1 * 2.0 * 60 / 1_260])
    by_value = threat_score(result, VALUE, "asset_value")
    assert by_value[0] > by_value[1] > by_value[2]
    assert by_time[1] < by_time[0]  # 1.0 < 1.67: value still counts
    with pytest.raises(ValueError, match="priority must be one of"):
        threat_score(result, VALUE, "loudest")


def test_the_pictures_confident_classification_wins_over_the_rules():
    """A track the tracker classifies as an aircraft with confidence 0.9 is an aircraft
    even though it is slow and low (the rules say drone); an uncertain or unknown
    classification falls back to the rules."""
    from iadsim.c2.threat_evaluation import THREAT_CLASSES, picture_threat_class
    from iadsim.tracking.classification import KINEMATIC_KINDS

    aircraft = KINEMATIC_KINDS.index("aircraft")
    velocity = np.tile([60.0, 0.0, 0.0], (3, 1))  # 60 m/s at 300 m: a drone by the rules
    height = np.full(3, 300.0)
    classes = picture_threat_class(np.array([aircraft, aircraft, -1]),
                                   np.array([0.9, 0.3, 0.0]), velocity, height)
    assert [THREAT_CLASSES[c] for c in classes] == ["aircraft", "drone", "drone"]


def test_a_ballistic_track_threatens_the_asset_at_its_impact_point_not_the_one_it_overflies():
    """Two assets on the ballistic track's ground track: the valuable one 30 km ahead is
    overflown at about 24 km altitude; the missile falls on the lesser one 60 km ahead.
    The picture differs from the truth (200 m position and 10 m/s velocity noise per
    axis), 40 draws; horizontal extrapolation picks the overflown asset."""
    assets = np.array([[30_000.0, 0.0, 0.0], [60_000.0, 0.0, 0.0]])
    radius, value = np.array([1_000.0, 1_000.0]), np.array([10.0, 5.0])
    # Truth: from 40 km up, 1,000 m/s east, landing 60 km east 60 s later.
    true_position = np.array([0.0, 0.0, 40_000.0])
    true_velocity = np.array([1_000.0, 0.0, (0.5 * G_MPS2 * 60.0**2 - 40_000.0) / 60.0])
    rng = np.random.default_rng(7)
    count = 40
    position = true_position + rng.normal(0.0, 200.0, (count, 3))
    velocity = true_velocity + rng.normal(0.0, 10.0, (count, 3))
    sigma = np.full(count, 10.0)
    gravity = np.tile([0.0, 0.0, -G_MPS2], (count, 1))
    ballistic = evaluate(position, velocity, assets, radius, value, CORRIDOR_M, "time_to_go",
                         sigma, gravity)
    assert (ballistic.asset == 1).all()
    assert ballistic.time_to_go_s == pytest.approx(np.full(count, 60.0), abs=3.0)
    horizontal = evaluate(position, velocity, assets, radius, value, CORRIDOR_M,
                          "time_to_go", sigma)
    assert (horizontal.asset == 0).all()

