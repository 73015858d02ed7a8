"""Daniels & Gilbert's running equations: how fast a runner is (VDOT) and what that predicts.

From J. Daniels and J. Gilbert, *Oxygen Power: Performance Tables for Distance Runners* (1979),
the equations behind the VDOT tables of J. Daniels, *Daniels' Running Formula*, 3rd ed. (Human
Kinetics, 2014), ch. 5:

- the oxygen cost of running at speed v (m/min), in ml/kg/min:
      VO2(v) = -4.60 + 0.182258 v + 0.000104 v²
- the fraction of VO2max a runner can sustain for a race lasting t minutes:
      %max(t) = 0.8 + 0.1894393 e^(-0.012778 t) + 0.2989558 e^(-0.1932605 t)
- VDOT, the "pseudo-VO2max" a race performance shows: VDOT = VO2(d / t) / %max(t).

Everything else here follows from these three lines: the race time a VDOT predicts over another
distance (the t at which the race's VDOT equals it, found by bisection: VDOT falls as t grows),
and the speed whose oxygen cost is a given share of VDOT (the quadratic solved for v). The
tests compare them with the book's published tables (tests/test_paces.py).
"""

from __future__ import annotations

import math

DISTANCE_M = {"mile": 1609.344, "5k": 5000.0, "10k": 10000.0, "half": 21097.5, "marathon": 42195.0}
METRES_PER_MILE = 1609.344


def vo2_cost(speed_m_min: float) -> float:
    """Oxygen cost (ml/kg/min) of running at `speed_m_min` metres per minute."""
    return -4.60 + 0.182258 * speed_m_min + 0.000104 * speed_m_min ** 2


def sustainable_fraction(minutes: float) -> float:
    """The fraction of VO2max that can be held for a race of `minutes`."""
    return 0.8 + 0.1894393 * math.exp(-0.012778 * minutes) + 0.2989558 * math.exp(-0.1932605 * minutes)


def vdot(distance_m: float, seconds: float) -> float:
    """The VDOT of running `distance_m` metres in `seconds`."""
    minutes = seconds / 60
    return vo2_cost(distance_m / minutes) / sustainable_fraction(minutes)


def race_seconds(vdot_value: float, distance_m: float) -> float:
    """The time (s) a runner of this VDOT is predicted to race `distance_m` in."""
    lo, hi = 1.0, 24 * 60.0  # minutes; vdot() falls as the time grows, so bisection finds it
    for _ in range(80):
        mid = (lo + hi) / 2
        if vdot(distance_m, mid * 60) > vdot_value:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2 * 60


def speed_at(vdot_value: float, fraction: float) -> float:
    """The speed (m/min) whose oxygen cost is `fraction` of VDOT: VO2(v) = fraction · VDOT solved for v."""
    a, b, c = 0.000104, 0.182258, -4.60 - fraction * vdot_value
    return (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)


def pace_s_per_km(speed_m_min: float) -> float:
    return 60000.0 / speed_m_min
