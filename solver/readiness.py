"""Readiness: what a runner should reach before race day, and whether a plan gets there.

The numbers (peak weekly running minutes, longest run, by distance × level) live with their
sources in solver/data/readiness.toml; this module reads and checks them, serves the peak
weekly target to periodization (the volume the planner builds towards), and assesses a plan:
for each race, the biggest week and the longest run before race day against the target. When
the plan falls short, the reason is named — most often R6 ("Build slowly"): from today's
weekly minutes, `ramp_pct` a week with a cutback every `cutback_every` weeks cannot reach the
target in the weeks before the race.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from .domain import DISTANCES, LEVELS, Kind, Plan, Profile, Race
from .ramps import fastest_volumes

DATA_FILE = "readiness.toml"
_CELL_KEYS = {"peak_weekly_min", "long_run_min", "sources", "note"}
VOLUME_KINDS = (Kind.EASY, Kind.LONG, Kind.QUALITY)  # races are not training volume


class ReadinessTableError(ValueError):
    """The readiness table file is malformed; the message names the cell."""


@dataclass(frozen=True)
class Target:
    distance: str
    level: str
    peak_weekly: int  # running minutes in the biggest week before the race
    long_run: int  # minutes of the longest run before the race
    sources: tuple[str, ...]
    note: str


def target(distance: str, level: str) -> Target:
    if distance not in DISTANCES or level not in LEVELS:
        raise ValueError(f"no readiness target for {distance!r} × {level!r}; "
                         f"expected a distance in {DISTANCES} and a level in {LEVELS}")
    return _table()[0][distance, level]


def peak_weekly_minutes(distance: str, level: str) -> int:
    """The weekly running minutes a runner should reach before a race of this distance."""
    return target(distance, level).peak_weekly


def table_sources() -> dict[str, str]:
    """Source id -> full citation, from the table's [sources]."""
    return dict(_table()[1])


@cache
def _table() -> tuple[dict[tuple[str, str], Target], dict[str, str]]:
    text = resources.files("solver.data").joinpath(DATA_FILE).read_text("utf-8")
    return parse_table(tomllib.loads(text))


def parse_table(data: dict[str, Any]) -> tuple[dict[tuple[str, str], Target], dict[str, str]]:
    """Check every distance × level cell; raise ReadinessTableError naming the first bad one."""
    sources = data.get("sources")
    if not isinstance(sources, dict) or not sources or not all(
            isinstance(v, str) and v.strip() for v in sources.values()):
        raise ReadinessTableError(f"{DATA_FILE}: [sources] must map ids to non-empty citations")
    unknown = set(data) - {"sources", *DISTANCES}
    if unknown:
        raise ReadinessTableError(f"{DATA_FILE}: unknown top-level table(s) {sorted(unknown)}")
    table: dict[tuple[str, str], Target] = {}
    for distance in DISTANCES:
        block = data.get(distance)
        if not isinstance(block, dict):
            raise ReadinessTableError(f"{DATA_FILE}: missing table [{distance}]")
        extra = set(block) - set(LEVELS)
        if extra:
            raise ReadinessTableError(f"{DATA_FILE}: {distance}: unknown level(s) {sorted(extra)}")
        for level in LEVELS:
            where = f"{distance}.{level}"
            cell = block.get(level)
            if not isinstance(cell, dict):
                raise ReadinessTableError(f"{DATA_FILE}: missing table [{where}]")
            if set(cell) != _CELL_KEYS:
                raise ReadinessTableError(f"{DATA_FILE}: {where}: keys must be {sorted(_CELL_KEYS)}, "
                                          f"got {sorted(cell)}")
            for key in ("peak_weekly_min", "long_run_min"):
                if type(cell[key]) is not int or not 10 <= cell[key] <= 1500:
                    raise ReadinessTableError(f"{DATA_FILE}: {where}: '{key}' must be whole minutes in [10, 1500]")
            if cell["long_run_min"] > cell["peak_weekly_min"]:
                raise ReadinessTableError(f"{DATA_FILE}: {where}: the long run cannot exceed the week")
            cited = cell["sources"]
            if not isinstance(cited, list) or not cited or not all(isinstance(s, str) for s in cited):
                raise ReadinessTableError(f"{DATA_FILE}: {where}: 'sources' must be a non-empty list of ids")
            missing = [s for s in cited if s not in sources]
            if missing:
                raise ReadinessTableError(f"{DATA_FILE}: {where}: source id(s) {missing} not in [sources]")
            if not isinstance(cell["note"], str) or not cell["note"].strip():
                raise ReadinessTableError(f"{DATA_FILE}: {where}: 'note' must say how the numbers were chosen")
            table[distance, level] = Target(distance, level, cell["peak_weekly_min"], cell["long_run_min"],
                                            tuple(cited), cell["note"])
    # A longer race needs at least as much as a shorter one: the planner builds towards these.
    for level in LEVELS:
        for short, long in zip(DISTANCES, DISTANCES[1:]):
            for attr in ("peak_weekly", "long_run"):
                if getattr(table[long, level], attr) < getattr(table[short, level], attr):
                    raise ReadinessTableError(f"{DATA_FILE}: {long}.{level}: {attr} below {short}.{level}'s")
    return table, sources


# -- R6: how far and how fast the volume may grow --------------------------------------------

def r6_max_volume(start: int, ramp_pct: int, cutback_every: int, weeks: int) -> float:
    """The most running minutes R6 allows in any of the next `weeks` weeks, from `start` a week:
    +ramp_pct a week, and among every `cutback_every` weeks one at ≤ 80 % of the week before,
    after which the volume may return to the week before the cutback (solver/ramps.py, the
    planner's one reading of R6)."""
    return max(fastest_volumes(start, ramp_pct, cutback_every, weeks), default=float(start))


def r6_weeks_to(start: int, goal: int, ramp_pct: int, cutback_every: int, horizon: int = 520) -> int | None:
    """Weeks R6 needs, at the fastest, to take the volume from `start` to `goal` (None: never)."""
    if start >= goal:
        return 0
    for week, volume in enumerate(fastest_volumes(start, ramp_pct, cutback_every, horizon), 1):
        if volume >= goal:
            return week
    return None


# -- assessing a plan --------------------------------------------------------------------------

@dataclass(frozen=True)
class WeekLoad:
    """What one plan week holds, for readiness: running minutes and its longest run."""

    week: int
    minutes: int
    longest: int


@dataclass(frozen=True)
class RaceReadiness:
    """One race of a plan: what the plan reaches in the weeks that count against the readiness target."""

    race: Race
    target: Target
    reached_weekly: int
    peak_week: int | None  # plan week of the biggest week among those that count
    reached_long: int
    counted: tuple[int, int]  # first and last plan week that count (before the taper for an A race)
    build_weeks: int  # plan weeks before the race (before the taper for an A race)
    r6_limit: int  # the most R6 allows in those weeks, from today's weekly minutes
    weeks_needed: int | None  # weeks R6 needs to reach the weekly target (None: never)
    reasons: tuple[str, ...]
    offers: tuple[str, ...] = ()  # changes that were planned and make the race reachable (solver/offers.py)

    @property
    def ready(self) -> bool:
        return self.reached_weekly >= self.target.peak_weekly and self.reached_long >= self.target.long_run

    def line(self, offers: bool = True) -> str:
        """The verdict with its numbers and reasons (and, with `offers`, what would make it ready)."""
        r = self.race
        head = f"{r.name} ({r.distance}, {r.priority}, {r.date})"
        first, last = self.counted
        where = f"weeks {first}–{last}" if first != last else f"week {first}"
        before = "before the taper" if r.priority == "A" else "before the race"
        numbers = (f"peak week {self.reached_weekly} of {self.target.peak_weekly} min, "
                   f"long run {self.reached_long} of {self.target.long_run} min ({where}, {before})")
        if self.ready:
            return f"{head}: ready — {numbers}"
        offers = f" Offers, each planned: {'; '.join(self.offers)}." if self.offers and offers else ""
        return f"{head}: not ready — {numbers}. " + " ".join(self.reasons) + offers

    def as_dict(self) -> dict[str, Any]:
        return {
            "race": self.race.name, "distance": self.race.distance, "priority": self.race.priority,
            "date": self.race.date.isoformat(), "ready": self.ready,
            "target_weekly_minutes": self.target.peak_weekly, "reached_weekly_minutes": self.reached_weekly,
            "peak_week": self.peak_week, "counted_weeks": list(self.counted),
            "target_long_run_minutes": self.target.long_run, "reached_long_run_minutes": self.reached_long,
            "build_weeks": self.build_weeks, "r6_limit_minutes": self.r6_limit,
            "r6_weeks_needed": self.weeks_needed, "reasons": list(self.reasons), "offers": list(self.offers),
            "sources": list(self.target.sources), "summary": self.line(),
        }


def assess(plan: Plan) -> tuple[RaceReadiness, ...]:
    """Each race of the plan against its readiness target, from the sessions actually placed."""
    loads: dict[int, WeekLoad] = {}
    for w in plan.weeks:
        runs = [s.minutes for s in plan.sessions if s.week == w.index and s.kind in VOLUME_KINDS]
        loads[w.index] = WeekLoad(w.index, sum(runs), max(runs, default=0))
    return assess_loads(plan.profile, plan.weeks[0].monday, loads)


def assess_loads(profile: Profile, first_monday: dt.date, loads: dict[int, WeekLoad]) -> tuple[RaceReadiness, ...]:
    """Each race against its readiness target, from the weeks' loads (a plan, or a plan file after a
    re-plan). The weeks that count are those after the previous A race and, for an A race, before
    its taper (readiness is about the build, not the biggest week anywhere)."""
    found, previous_a = [], 0
    for race in profile.races:
        race_week = (race.date - first_monday).days // 7 + 1
        found.append(_assess_race(profile, race, race_week, previous_a, loads))
        if race.priority == "A":
            previous_a = race_week
    return tuple(found)


def _assess_race(profile: Profile, race: Race, race_week: int, previous_a: int,
                 loads: dict[int, WeekLoad]) -> RaceReadiness:
    rules = profile.rules
    goal = target(race.distance, profile.level)
    last = race_week - 1 - (rules.taper_weeks if race.priority == "A" else 0)
    counted = [w for w in range(previous_a + 1, last + 1) if w in loads]
    if not counted:  # a race too soon after the last one for a build: what it had
        counted = [w for w in range(previous_a + 1, race_week) if w in loads] or [race_week]
    volume = {w: loads[w].minutes if w in loads else 0 for w in counted}
    peak_week = max(counted, key=lambda w: (volume[w], -w))
    reached = volume[peak_week]
    longest = max((loads[w].longest for w in counted if w in loads), default=0)
    build = max(0, last)
    limit = int(r6_max_volume(profile.weekly_minutes, rules.ramp_pct, rules.cutback_every, build))
    needed = r6_weeks_to(profile.weekly_minutes, goal.peak_weekly, rules.ramp_pct, rules.cutback_every)
    reasons = []
    if reached < goal.peak_weekly:
        before = "before the taper" if race.priority == "A" else "before the race"
        cutback = f", a cutback every {rules.cutback_every} weeks" if rules.cutback_every else ""
        if needed is None:
            reasons.append(f"R6: with ramp_pct = 0 the volume cannot rise from {profile.weekly_minutes} min a week.")
        elif limit < goal.peak_weekly:
            reasons.append(f"R6 (+{rules.ramp_pct} % a week{cutback}) lets {profile.weekly_minutes} min a week grow to "
                           f"at most {limit} min in the {build} week(s) {before}; reaching {goal.peak_weekly} "
                           f"takes {needed} weeks.")
        allowed = min(limit, goal.peak_weekly)
        # When R6 is what falls short, a gap of a few minutes is the planner's rounding, not a cause.
        if needed is not None and (limit >= goal.peak_weekly or 10 * reached < 9 * allowed):
            reasons.append(f"The plan's biggest week stays below the {allowed} min R6 allows in time: "
                           "sessions_per_week, run lengths (durations.easy_max, long_max, your windows), "
                           "availability or busy time hold the volume down.")
    if longest < goal.long_run:
        if profile.durations.long_max < goal.long_run:
            reasons.append(f"durations.long_max = {profile.durations.long_max} caps the long run below "
                           f"{goal.long_run} min.")
        elif reached >= goal.peak_weekly:
            reasons.append(f"R11 holds the long run to {rules.long_share_max} % of the week (long_share_max) and "
                           f"+{rules.long_ramp_min} min a week: fewer, longer runs or more weeks would lengthen it.")
        else:
            reasons.append("The long run grows with the weekly volume (R11).")
    return RaceReadiness(race, goal, reached, peak_week, longest, (counted[0], counted[-1]), build, limit, needed,
                         tuple(reasons))
