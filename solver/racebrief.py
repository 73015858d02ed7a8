"""The race brief: target pace band, warm-up, splits, fuel and what to do if the day goes wrong.

The words and their sources live in solver/data/racebrief.toml. The pace comes from the race's
goal time, or from the pace the recent race predicts; a goal the recent race does not support is
reported and the brief starts at the predicted pace instead (solver/intensity.py goal_checks).
The race event holds one step: the race, over its distance, lasting the time set aside for it.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from .domain import Profile, Race
from .intensity import Runner, clock, goal_checks, pace_text
from .paces import DISTANCE_M, METRES_PER_MILE
from .workouts import Step, Workout

DATA_FILE = "racebrief.toml"


def race_workout(profile: Profile, race: Race, minutes: int, runner: Runner) -> Workout:
    """The race as a one-step workout with the brief as its notes."""
    data = _table()
    d = data["race"][race.distance]
    metres = DISTANCE_M[race.distance]
    centre, pace_line = _pace(profile, race, runner)
    pace = None
    if centre is not None:
        pct = data["band_pct"] / 100
        pace = (round(centre * (1 - pct)), round(centre * (1 + pct)))
    step = Step("race", minutes * 60, runner.target(d["at"], pace), "the effort rises through the race",
                distance_m=metres)
    notes = [pace_line, d["warmup"]]
    if centre is not None:
        notes.append(_splits(centre, metres, runner.units, d))
        finish = centre * metres / 1000
        if finish > minutes * 60:  # the event's length is runcal's estimate by level (periodization)
            notes.append(f"You will need about {clock(finish)}; the calendar keeps {minutes} min for the race, "
                         "an estimate by level: keep the time after it free.")
    notes.append(f"How to run it: {d['plan']}")
    if d["fuel"]:
        notes.append(d["fuel"])
    notes.append(data["brief"]["wrong"])
    notes.append(_framing(profile, race))
    return Workout("race", "race", race.distance, "", (step,), tuple(notes), tuple(d["sources"]))


def _pace(profile: Profile, race: Race, runner: Runner) -> tuple[float | None, str]:
    """(target pace s/km or None, the sentence saying where it comes from)."""
    units = runner.units
    metres = DISTANCE_M[race.distance]
    predicted = runner.race_pace(race.distance) if profile.fitness.recent_race else None
    check = next((c for c in goal_checks(profile) if c.race == race), None)
    if race.goal_time and (check is None or check.verdict != "ambitious"):
        pace = race.goal_time / metres * 1000
        said = f" ({check.line()})" if check and check.verdict == "cautious" else ""
        return pace, f"Pace: aim for {pace_text((round(pace),) * 2, units)}, your goal of {clock(race.goal_time)}{said}."
    if predicted is not None:
        head = (f"Pace: aim for {pace_text((round(predicted),) * 2, units)}, the "
                f"{clock(predicted * metres / 1000)} your recent race predicts")
        if check is not None:
            goal = race.goal_time / metres * 1000
            return predicted, (f"{head}. Your goal of {clock(race.goal_time)} ({pace_text((round(goal),) * 2, units)}) "
                               f"is ambitious — {check.line()}")
        return predicted, f"{head}."
    if runner.vdot is not None:  # paces from another race's goal time
        pace = runner.race_pace(race.distance)
        return pace, (f"Pace: aim for {pace_text((round(pace),) * 2, units)} ({clock(pace * metres / 1000)}), what "
                      f"{runner.basis} predicts for this distance.")
    return None, _table()["brief"]["no_pace"]


def _splits(pace: float, metres: float, units: str, d: dict[str, Any]) -> str:
    step = d["splits_mi"] * METRES_PER_MILE if units == "mile" else d["splits_m"]
    unit = "mi" if units == "mile" else "km"
    marks = [step * i for i in range(1, int(metres // step) + 1) if step * i < metres - 1]
    if metres > 20000 and all(abs(m - metres / 2) > 500 for m in marks):
        marks.append(metres / 2)
    marks = sorted(marks)
    scale = METRES_PER_MILE if units == "mile" else 1000
    parts = [("halfway" if abs(m - metres / 2) < 1 else f"{m / scale:g} {unit}") + f" {clock(pace * m / 1000)}"
             for m in marks]
    parts.append(f"finish {clock(pace * metres / 1000)}")
    return f"Splits at {pace_text((round(pace),) * 2, units)} (even pace): {' · '.join(parts)}."


def _framing(profile: Profile, race: Race) -> str:
    brief = _table()["brief"]
    if race.priority == "A":
        return brief["a_race"]
    a_race = next((r for r in profile.a_races if r.date > race.date), None)
    return brief["b_race"].format(a_race=a_race.name if a_race else "your next race",
                                  a_date=a_race.date if a_race else "its day",
                                  free_days=profile.rules.race_strength_free_days)


@cache
def _table() -> dict[str, Any]:
    data = tomllib.loads(resources.files("solver.data").joinpath(DATA_FILE).read_text("utf-8"))
    check_table(data)
    return data


def check_table(data: dict[str, Any]) -> None:
    from .intensity import names

    sources = data.get("sources") or {}
    for distance in DISTANCE_M:
        if distance == "mile":
            continue
        d = (data.get("race") or {}).get(distance)
        where = f"{DATA_FILE}: race.{distance}"
        if not isinstance(d, dict) or d.get("at") not in names():
            raise ValueError(f"{where}: needs a known intensity 'at'")
        for key in ("warmup", "plan", "fuel"):
            if not isinstance(d.get(key), str):
                raise ValueError(f"{where}: needs '{key}' text")
        if not d.get("sources") or any(s not in sources for s in d["sources"]):
            raise ValueError(f"{where}: needs 'sources' from [sources]")
    for key in ("wrong", "a_race", "b_race", "no_pace"):
        if not isinstance((data.get("brief") or {}).get(key), str):
            raise ValueError(f"{DATA_FILE}: brief.{key} missing")
