"""Read and check how fast the runner is: a recent race, goal times, heart rates and units.

Called from solver/profile.py's reader, so every error has the same shape: one line naming the
file, the field and the fix (exit code 2). A race time is checked through the VDOT it implies
(solver/paces.py): above 85 it would beat the world records (Daniels' tables stop at 85, about
world-record level), below 15 it was walked more than run and gives no running paces.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable

from .domain import DISTANCES, Fitness, RecentRace
from .errors import ProfileError
from .limits import date_problem
from .paces import DISTANCE_M, vdot

VDOT_MAX = 85
VDOT_MIN = 15
UNITS = {"km": "km", "metric": "km", "mile": "mile", "miles": "mile", "imperial": "mile"}
# Bounds that no adult runner's heart rate lies outside (beats per minute).
HR_BOUNDS = {"max_hr": (120, 230), "resting_hr": (30, 110), "threshold_hr": (100, 220)}
_CLOCK = re.compile(r"^(?:(\d{1,2}):)?(\d{1,3}):(\d{2})$")

Fail = Callable[[str, str, str], ProfileError]


def read_fitness(runner: dict[str, Any], fail: Fail, plan_start: dt.date) -> Fitness:
    """The runner's fitness fields; `fail(field, problem, fix)` makes the profile's error."""
    hr = {key: _heart_rate(runner, key, fail) for key in HR_BOUNDS}
    if hr["resting_hr"] is not None and hr["max_hr"] is None:
        raise fail("runner.resting_hr", "is used only with runner.max_hr (heart-rate reserve, Karvonen)",
                    "add runner.max_hr, or remove runner.resting_hr")
    if hr["max_hr"] is not None:
        for key in ("resting_hr", "threshold_hr"):
            if hr[key] is not None and hr[key] >= hr["max_hr"]:
                raise fail(f"runner.{key}", f"{hr[key]} is not below runner.max_hr {hr['max_hr']}",
                           "check both heart rates (beats per minute)")
    units = runner.get("units", "km")
    if units not in UNITS:
        raise fail("runner.units", f"{units!r} is not allowed", f"use one of: {', '.join(UNITS)}")
    return Fitness(recent_race=_recent_race(runner, fail, plan_start), units=UNITS[units], **hr)


def read_goal_time(item: dict[str, Any], field: str, distance: str, fail: Fail) -> int | None:
    """A race's goal_time in seconds, or None."""
    if "goal_time" not in item:
        return None
    return race_time(item["goal_time"], f"{field}.goal_time", distance, fail)


def race_time(value: Any, field: str, distance: str, fail: Fail) -> int:
    """A finish time over `distance`, in seconds, that a runner can have run."""
    key = field.rsplit(".", 1)[1]
    time_fix = f'write it as "MM:SS" or "H:MM:SS" in quotes, e.g. {key} = "52:30" or "1:52:30"'
    if isinstance(value, dt.time):  # TOML's local time: time = 00:52:30
        seconds = value.hour * 3600 + value.minute * 60 + value.second
    else:
        m = _CLOCK.match(value.strip()) if isinstance(value, str) else None
        if not m or int(m[3]) > 59 or (m[1] is not None and int(m[2]) > 59):
            raise fail(field, f"{value!r} is not a race time", time_fix)
        seconds = int(m[1] or 0) * 3600 + int(m[2]) * 60 + int(m[3])
    shown = _clock(seconds)
    if seconds <= 0:
        raise fail(field, f"{value!r} is not a race time", time_fix)
    level = vdot(DISTANCE_M[distance], seconds)
    if level > VDOT_MAX:
        raise fail(field, f"a {distance} in {shown} would be faster than the world record "
                          f"(VDOT {level:.0f}; Daniels' tables end at {VDOT_MAX})",
                   f"check the time; {time_fix}")
    if level < VDOT_MIN:
        raise fail(field, f"a {distance} in {shown} is walking speed (VDOT {level:.0f}, below {VDOT_MIN}), "
                          "which gives no running paces",
                   "check the time, or leave it out and train by effort (RPE)")
    return seconds


def _recent_race(runner: dict[str, Any], fail: Fail, plan_start: dt.date) -> RecentRace | None:
    raw = runner.get("recent_race")
    if raw is None:
        return None
    example = 'e.g. recent_race = { distance = "10k", time = "52:30", date = 2026-10-12 }'
    if not isinstance(raw, dict):
        raise fail("runner.recent_race", "must be a table", example)
    for key in raw:
        if key not in ("distance", "time", "date"):
            raise fail(f"runner.recent_race.{key}", "unknown field", f"use distance, time and date; {example}")
    for key in ("distance", "time", "date"):
        if key not in raw:
            raise fail(f"runner.recent_race.{key}", "missing", example)
    distance = raw["distance"]
    if distance not in DISTANCES:
        raise fail("runner.recent_race.distance", f"{distance!r} is not allowed", f"use one of: {', '.join(DISTANCES)}")
    when = raw["date"]
    if isinstance(when, dt.datetime) or not isinstance(when, dt.date):
        raise fail("runner.recent_race.date", f"{when!r} is not a date", "write a date as YYYY-MM-DD (no quotes needed)")
    if date_problem(when):
        raise fail("runner.recent_race.date", date_problem(when), "give the date of a race you ran")
    if when > plan_start:
        raise fail("runner.recent_race.date", f"{when} is after plan.start {plan_start}",
                   "give a race you have already run")
    return RecentRace(distance, race_time(raw["time"], "runner.recent_race.time", distance, fail), when)


def _heart_rate(runner: dict[str, Any], key: str, fail: Fail) -> int | None:
    if key not in runner:
        return None
    value, (low, high) = runner[key], HR_BOUNDS[key]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise fail(f"runner.{key}", f"{value!r} is not a heart rate in [{low}, {high}] beats per minute",
                   "give a whole number of beats per minute, measured or from a test")
    return value


def _clock(seconds: int) -> str:
    h, rest = divmod(seconds, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"
