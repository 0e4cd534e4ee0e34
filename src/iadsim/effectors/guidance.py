"""The linearized proportional-navigation homing loop, as a validation tool.

The canonical one-dimensional engagement of Zarchan's textbook: the relative displacement
``y`` of target and missile perpendicular to the initial line of sight, the closing speed
``V_c`` constant, the time to go ``t_go = t_F - t``. Proportional navigation commands

    n_c = N' V_c dλ/dt,   λ = y / (V_c t_go)   so   n_c = N' (y + ẏ t_go) / t_go**2,

(``y + ẏ t_go`` is the zero-effort miss), the flight-control system achieves
``n_L`` (equal to ``n_c`` with zero lag, or through a first-order lag of time constant
``T``: ``dn_L/dt = (n_c - n_L) / T``), and ``ÿ = n_T - n_L`` with ``n_T`` a constant
(step) target manoeuvre. A heading error ``HE`` enters as ``ẏ(0) = -V_m HE``.
The miss distance is ``y(t_F)``.

Augmented proportional navigation (``augmented=True``) adds the known target
acceleration to the zero-effort miss, ``n_c = N' (y + ẏ t_go + n_T t_go**2 / 2) / t_go**2
= PN + N' n_T / 2`` (Zarchan, ch. 8); the flyout's guidance uses it with the track's
known acceleration (gravity for a ballistic track).

With zero lag the loop has closed forms (Zarchan, ch. 2 and ch. 8):

    heading error:          n_c = -V_m HE N' / t_F (1 - t/t_F)**(N' - 2)
    target manoeuvre:       n_c = N' / (N' - 2) n_T (1 - (1 - t/t_F)**(N' - 2))
    manoeuvre, augmented:   n_c = N' / 2 n_T (1 - t/t_F)**(N' - 2)

and zero miss; with a lag, the miss falls as the flight time grows past about ten time
constants (Zarchan, ch. 3; the adjoint miss-distance curves, ch. 4).

Integration: fourth-order Runge-Kutta with a fixed step ``dt_s`` on a grid that ends
exactly at ``t_F``, each step split near intercept into sub-steps of at most a twentieth
of the time to go (the law's ``1/t_go`` terms make the loop stiff there). The guidance
law is singular at ``t_go = 0``, so over the last step the command is held at its value
one step before intercept (a zero-order hold, as a digital guidance computer would) and
the states are propagated in closed form under it (exactly for the lag). The zero-lag
loop is integrated as such (no small artificial lag). The model is linear: valid for
small heading errors and small angles of the line of sight; it has no acceleration limit
and no seeker noise.

Source: P. Zarchan, Tactical and Strategic Missile Guidance, 6th ed. (AIAA, 2012),
ch. 2 (eqs. for the zero-lag heading-error and step-manoeuvre responses), ch. 3 (the
single-lag loop) and ch. 4 (method of adjoints).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: Default steps per flight and per guidance time constant (the smaller step wins).
STEPS_PER_FLIGHT = 10_000
STEPS_PER_TIME_CONSTANT = 200
#: Near intercept a step is split so that each sub-step is at most t_go / 20.
SUBSTEPS_PER_TIME_TO_GO = 20


@dataclass(frozen=True, slots=True)
class EngagementResult:
    """One linearized engagement, sampled on the integration grid.

    All arrays have shape ``(steps + 1,)`` and follow ``time_s``. The command and the
    achieved acceleration at the last sample (``t_F``) are those held over the last step.
    """

    time_s: np.ndarray  # (steps + 1,) s, from 0 to t_F
    commanded_accel_mps2: np.ndarray  # (steps + 1,) m/s^2, n_c
    achieved_accel_mps2: np.ndarray  # (steps + 1,) m/s^2, n_L
    relative_displacement_m: np.ndarray  # (steps + 1,) m, y (target minus missile)
    relative_velocity_mps: np.ndarray  # (steps + 1,) m/s, dy/dt
    miss_distance_m: float  # |y(t_F)|, m
    step_s: float  # the integration step used, s


def linear_engagement(navigation_ratio: float, missile_speed_mps: float,
                      closing_speed_mps: float, time_of_flight_s: float,
                      heading_error_rad: float = 0.0, target_accel_mps2: float = 0.0,
                      guidance_time_constant_s: float = 0.0,
                      dt_s: float | None = None, augmented: bool = False
                      ) -> EngagementResult:
    """Simulate the linearized proportional-navigation homing loop (module docstring).

    Parameters
    ----------
    navigation_ratio : float
        Effective navigation ratio ``N'``; must exceed 2 (at ``N' <= 2`` the loop does not
        remove a heading error: ``n_c ~ t_go**(N' - 2)`` does not vanish) and be at most 20.
    missile_speed_mps : float
        Missile speed ``V_m`` (m/s), > 0; scales the heading error.
    closing_speed_mps : float
        Closing speed ``V_c`` (m/s), > 0. The loop's response does not depend on it in
        the linear model (it cancels between ``λ`` and ``n_c``); it is kept for the
        line-of-sight rate it implies and for the textbook's parameter list.
    time_of_flight_s : float
        Flight time ``t_F`` (s), > 0.
    heading_error_rad : float
        Heading error ``HE`` (rad), ``|HE| < pi / 2``; the model is linear, so small
        angles only.
    target_accel_mps2 : float
        Constant target manoeuvre ``n_T`` (m/s^2), perpendicular to the line of sight.
    guidance_time_constant_s : float
        First-order flight-control lag ``T`` (s), >= 0; 0 is the zero-lag loop.
    dt_s : float, optional
        Integration step (s); default ``min(t_F / 10,000, T / 200)``. Must be at most
        ``t_F / 100`` and, with a lag, at most ``T / 20``.
    augmented : bool
        Augmented PN: the command adds ``N' n_T / 2`` (the target's manoeuvre known to the
        guidance); default plain PN.

    Returns
    -------
    EngagementResult
        The histories and ``miss_distance_m``.

    Raises
    ------
    ValueError
        Naming the argument, for a non-finite or out-of-range value.
    """
    _check_finite(navigation_ratio=navigation_ratio, missile_speed_mps=missile_speed_mps,
                  closing_speed_mps=closing_speed_mps, time_of_flight_s=time_of_flight_s,
                  heading_error_rad=heading_error_rad, target_accel_mps2=target_accel_mps2,
                  guidance_time_constant_s=guidance_time_constant_s)
    if not 2.0 < navigation_ratio <= 20.0:
        raise ValueError(f"navigation_ratio must be in (2, 20], got {navigation_ratio}")
    for name, value in (("missile_speed_mps", missile_speed_mps),
                        ("closing_speed_mps", closing_speed_mps),
                        ("time_of_flight_s", time_of_flight_s)):
        if value <= 0.0:
            raise ValueError(f"{name} must be > 0, got {value}")
    if not abs(heading_error_rad) < math.pi / 2:
        raise ValueError(f"heading_error_rad must be in (-pi/2, pi/2), got {heading_error_rad}")
    time_constant = guidance_time_constant_s
    if time_constant < 0.0:
        raise ValueError(f"guidance_time_constant_s must be >= 0, got {time_constant}")
    if dt_s is None:
        dt_s = time_of_flight_s / STEPS_PER_FLIGHT
        if time_constant > 0.0:
            dt_s = min(dt_s, time_constant / STEPS_PER_TIME_CONSTANT)
    else:
        _check_finite(dt_s=dt_s)
        if not 0.0 < dt_s <= time_of_flight_s / 100.0:
            raise ValueError(f"dt_s must be in (0, time_of_flight_s / 100 = "
                             f"{time_of_flight_s / 100.0}], got {dt_s}")
        if time_constant > 0.0 and dt_s > time_constant / 20.0:
            raise ValueError(f"dt_s must be at most guidance_time_constant_s / 20 = "
                             f"{time_constant / 20.0}, got {dt_s}")
    steps = math.ceil(time_of_flight_s / dt_s - 1e-9)
    return _integrate(navigation_ratio, time_of_flight_s, -missile_speed_mps * heading_error_rad,
                      target_accel_mps2, time_constant, steps, bool(augmented))


def _check_finite(**values: float) -> None:
    for name, value in values.items():
        if not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}")


def _integrate(navigation_ratio: float, flight_s: float, initial_rate_mps: float,
               target_accel: float, time_constant: float, steps: int,
               augmented: bool = False) -> EngagementResult:
    """RK4 over ``steps - 1`` steps, then the held-command final step (module docstring)."""
    step = flight_s / steps
    time = np.arange(steps + 1) * step
    time[-1] = flight_s
    state = np.zeros((steps + 1, 3))  # y, dy/dt, n_L
    command = np.zeros(steps + 1)
    state[0] = (0.0, initial_rate_mps, 0.0)
    lagged = time_constant > 0.0
    known_accel = target_accel if augmented else 0.0

    def commanded(t: float, y: float, rate: float) -> float:
        time_to_go = flight_s - t
        return (navigation_ratio * (y + rate * time_to_go) / time_to_go**2
                + 0.5 * navigation_ratio * known_accel)

    def derivative(t: float, y: float, rate: float, achieved: float
                   ) -> tuple[float, float, float]:
        n_c = commanded(t, y, rate)
        if lagged:
            return rate, target_accel - achieved, (n_c - achieved) / time_constant
        return rate, target_accel - n_c, 0.0

    y, rate, achieved = state[0]
    for k in range(steps - 1):
        # Sub-steps of at most a twentieth of the time to go at the step's end, so that
        # the guidance law's 1/t_go stiffness stays well inside RK4's stable region.
        substeps = max(1, math.ceil(SUBSTEPS_PER_TIME_TO_GO / (steps - 1 - k)))
        h = step / substeps
        command[k] = commanded(time[k], y, rate)
        if not lagged:
            state[k, 2] = command[k]
        for j in range(substeps):
            t = time[k] + j * h
            a1, b1, c1 = derivative(t, y, rate, achieved)
            a2, b2, c2 = derivative(t + h / 2, y + h / 2 * a1, rate + h / 2 * b1,
                                    achieved + h / 2 * c1)
            a3, b3, c3 = derivative(t + h / 2, y + h / 2 * a2, rate + h / 2 * b2,
                                    achieved + h / 2 * c2)
            a4, b4, c4 = derivative(t + h, y + h * a3, rate + h * b3, achieved + h * c3)
            y += h / 6 * (a1 + 2 * a2 + 2 * a3 + a4)
            rate += h / 6 * (b1 + 2 * b2 + 2 * b3 + b4)
            achieved += h / 6 * (c1 + 2 * c2 + 2 * c3 + c4)
        state[k + 1] = (y, rate, achieved)
    # Last step: the command held at its value one step before intercept.
    y, rate, achieved = state[steps - 1]
    held = commanded(time[steps - 1], y, rate)
    command[steps - 1] = command[steps] = held
    if lagged:
        # n_L(s) = held + (n_L0 - held) e^(-s/T); integrate twice over the step.
        decay = math.exp(-step / time_constant)
        gap = achieved - held
        mean_accel_integral = (held * step + gap * time_constant * (1.0 - decay))
        second_integral = (held * step**2 / 2
                           + gap * time_constant * (step - time_constant * (1.0 - decay)))
        state[steps] = (y + rate * step + target_accel * step**2 / 2 - second_integral,
                        rate + target_accel * step - mean_accel_integral,
                        held + gap * decay)
    else:
        state[steps - 1, 2] = held
        state[steps] = (y + rate * step + (target_accel - held) * step**2 / 2,
                        rate + (target_accel - held) * step, held)
    return EngagementResult(time_s=time, commanded_accel_mps2=command,
                            achieved_accel_mps2=state[:, 2].copy(),
                            relative_displacement_m=state[:, 0].copy(),
                            relative_velocity_mps=state[:, 1].copy(),
                            miss_distance_m=float(abs(state[steps, 0])), step_s=step)
