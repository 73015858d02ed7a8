"""Targets for every step a runner is asked to run: pace, heart rate, effort (RPE) and the talk test.

The intensities and their sources live in solver/data/intensities.toml; this module reads and
checks that table and turns it into numbers for one runner: paces from their VDOT (Daniels &
Gilbert, solver/paces.py) when a recent race or a goal time is known, heart-rate ranges from
their heart rates when given, and always an RPE and a talk-test line.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from .domain import Profile, Race
from .paces import DISTANCE_M, METRES_PER_MILE, race_seconds, speed_at, vdot

DATA_FILE = "intensities.toml"
_KEYS = {"label", "rpe", "talk", "vdot_pct", "race", "band_pct", "hrr_pct", "hrmax_pct", "lthr_pct",
         "cap_pct", "sources"}
# Daniels (2014, ch. 5): without a race to measure it, raise the training VDOT by about 1 after
# 4-6 weeks of training at it. A goal needing more than 1 per 4 weeks (the generous end), plus one
# point for a good day, is reported as ambitious; one 3 points below the race's, as cautious.
WEEKS_PER_VDOT = 4
GOAL_SLACK = 1.0
GOAL_CAUTIOUS = 3.0


class IntensityTableError(ValueError):
    """The intensity table is malformed; the message names the entry."""


@dataclass(frozen=True)
class Intensity:
    name: str
    label: str
    rpe: tuple[int, int]
    talk: str
    vdot_pct: tuple[float, float] | None = None
    race: str | None = None
    band_pct: float = 0.0
    hrr_pct: tuple[float, float] | None = None
    hrmax_pct: tuple[float, float] | None = None
    lthr_pct: tuple[float, float] | None = None
    cap_pct: int | None = None


@dataclass(frozen=True)
class Target:
    """What one step asks for. pace: (fast, slow) seconds per km; hr: (low, high) beats per minute."""

    intensity: str
    rpe: tuple[int, int]
    talk: str
    pace: tuple[int, int] | None = None
    hr: tuple[int, int] | None = None


@dataclass(frozen=True)
class Runner:
    """What is known of how fast one runner is."""

    vdot: float | None
    basis: str  # where the paces come from, in words ("" without paces)
    hr_basis: str  # where the heart rates come from ("" without)
    units: str
    max_hr: int | None = None
    resting_hr: int | None = None
    threshold_hr: int | None = None

    def target(self, name: str, pace: tuple[int, int] | None = None) -> Target:
        """The target for intensity `name`; `pace` replaces the computed one (a race's goal band)."""
        it = intensity(name)
        return Target(name, it.rpe, it.talk, pace or self.pace(it), self.heart_rate(it))

    def pace(self, it: Intensity) -> tuple[int, int] | None:
        if self.vdot is None:
            return None
        if it.race is not None:
            return band(DISTANCE_M[it.race] / (race_seconds(self.vdot, DISTANCE_M[it.race]) / 60), it.band_pct)
        if it.vdot_pct is None:
            return None
        low, high = it.vdot_pct
        if low == high:
            return band(speed_at(self.vdot, low / 100), it.band_pct)
        return round(60000 / speed_at(self.vdot, high / 100)), round(60000 / speed_at(self.vdot, low / 100))

    def heart_rate(self, it: Intensity) -> tuple[int, int] | None:
        if self.max_hr is not None and self.resting_hr is not None and it.hrr_pct:  # Karvonen
            reserve = self.max_hr - self.resting_hr
            return tuple(round(self.resting_hr + p / 100 * reserve) for p in it.hrr_pct)  # type: ignore[return-value]
        if self.threshold_hr is not None and it.lthr_pct:  # Friel
            return tuple(round(p / 100 * self.threshold_hr) for p in it.lthr_pct)  # type: ignore[return-value]
        if self.max_hr is not None and it.hrmax_pct and self.resting_hr is None:  # Daniels' %HRmax
            return tuple(round(p / 100 * self.max_hr) for p in it.hrmax_pct)  # type: ignore[return-value]
        return None

    def race_pace(self, distance: str) -> float | None:
        """Predicted race pace over `distance`, s/km."""
        if self.vdot is None:
            return None
        return race_seconds(self.vdot, DISTANCE_M[distance]) / DISTANCE_M[distance] * 1000


def band(speed_m_min: float, pct: float) -> tuple[int, int]:
    """(fast, slow) s/km for a speed ± pct %."""
    return round(60000 / (speed_m_min * (1 + pct / 100))), round(60000 / (speed_m_min * (1 - pct / 100)))


def runner_of(profile: Profile) -> Runner:
    """Paces from the recent race, else from the next A race's goal time; heart rates as given."""
    f = profile.fitness
    level, basis = None, ""
    if f.recent_race is not None:
        r = f.recent_race
        level = vdot(DISTANCE_M[r.distance], r.seconds)
        basis = f"your {r.distance} of {clock(r.seconds)} on {r.date} (VDOT {level:.1f}, Daniels & Gilbert)"
    else:
        goal = next((r for r in _by_priority(profile.races) if r.goal_time), None)
        if goal is not None:
            level = vdot(DISTANCE_M[goal.distance], goal.goal_time)
            basis = (f"your goal of {clock(goal.goal_time)} for {goal.name} (VDOT {level:.1f}, Daniels & Gilbert; "
                     "no recent race given: check them against how the first weeks feel)")
    hr_basis = ""
    if f.max_hr is not None and f.resting_hr is not None:
        hr_basis = f"your heart-rate reserve ({f.resting_hr}-{f.max_hr} bpm, Karvonen)"
    elif f.threshold_hr is not None:
        hr_basis = f"your threshold heart rate ({f.threshold_hr} bpm, Friel's zones)"
    elif f.max_hr is not None:
        hr_basis = f"your maximum heart rate ({f.max_hr} bpm, Daniels' %HRmax)"
    return Runner(level, basis, hr_basis, f.units, f.max_hr, f.resting_hr, f.threshold_hr)


def _by_priority(races: tuple[Race, ...]) -> list[Race]:
    return sorted(races, key=lambda r: (r.priority != "A", r.date))


@dataclass(frozen=True)
class GoalCheck:
    """A race's goal time against what the recent race predicts (reported, never silently used)."""

    race: Race
    goal_vdot: float
    now_vdot: float
    predicted: int  # seconds, from today's VDOT
    reachable_vdot: float  # today's VDOT plus the training gain the weeks allow
    verdict: str  # "realistic", "ambitious" or "cautious"

    def line(self) -> str:
        r = self.race
        head = (f"{r.name} ({r.date}): your goal {clock(r.goal_time)} needs VDOT {self.goal_vdot:.1f}; your recent "
                f"race gives {self.now_vdot:.1f}, which predicts {clock(self.predicted)}")
        if self.verdict == "ambitious":
            return (f"{head}. That is more than the weeks to race day usually add (about 1 VDOT per "
                    f"{WEEKS_PER_VDOT}-6 weeks, Daniels): the race brief starts you at the predicted pace and "
                    "moves to the goal only if halfway feels good.")
        if self.verdict == "cautious":
            return f"{head}. The goal is well within reach; the race brief paces the goal and says so."
        return f"{head}: realistic; the race brief paces the goal."


def goal_checks(profile: Profile) -> list[GoalCheck]:
    recent = profile.fitness.recent_race
    if recent is None:
        return []
    now = vdot(DISTANCE_M[recent.distance], recent.seconds)
    found = []
    for r in profile.races:
        if not r.goal_time:
            continue
        goal = vdot(DISTANCE_M[r.distance], r.goal_time)
        reachable = now + max(0, (r.date - recent.date).days) / 7 / WEEKS_PER_VDOT
        verdict = ("ambitious" if goal > reachable + GOAL_SLACK else
                   "cautious" if goal < now - GOAL_CAUTIOUS else "realistic")
        found.append(GoalCheck(r, goal, now, round(race_seconds(now, DISTANCE_M[r.distance])), reachable, verdict))
    return found


def fitness_notes(profile: Profile) -> list[str]:
    """What `runcal plan` tells the runner about their paces and goals."""
    runner = runner_of(profile)
    notes = []
    if runner.vdot is None:
        notes.append("no recent race or goal time given: every run is set by effort (RPE) and the talk test; "
                     "add runner.recent_race for paces")
    else:
        notes.append(f"paces from {runner.basis}")
        recent = profile.fitness.recent_race
        if recent is not None and (profile.start - recent.date).days > 26 * 7:
            notes.append(f"your recent race ({recent.date}) is more than six months old: paces may be off; "
                         "race again, or update runner.recent_race")
    notes += [c.line() for c in goal_checks(profile) if c.verdict != "realistic"]
    return notes


# -- formatting ------------------------------------------------------------------------------

def clock(seconds: float) -> str:
    s = round(seconds)
    h, rest = divmod(s, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"


def pace_text(pace: tuple[int, int], units: str) -> str:
    """ "5:40–6:10 /km" or "9:07–9:55 /mi"."""
    factor, unit = (METRES_PER_MILE / 1000, "/mi") if units == "mile" else (1.0, "/km")
    fast, slow = (round(p * factor) for p in pace)
    one = lambda s: f"{s // 60}:{s % 60:02d}"  # noqa: E731
    return f"{one(fast)} {unit}" if fast == slow else f"{one(fast)}–{one(slow)} {unit}"


def target_text(t: Target, units: str) -> str:
    """ "5:40–6:10 /km · HR 128–142 · RPE 2–3: you can talk in full sentences"."""
    parts = []
    if t.pace:
        parts.append(pace_text(t.pace, units))
    if t.hr:
        parts.append(f"HR {t.hr[0]}–{t.hr[1]}")
    low, high = t.rpe
    parts.append(f"RPE {low}" if low == high else f"RPE {low}–{high}")
    return f"{' · '.join(parts)}: {t.talk}"


# -- the table -------------------------------------------------------------------------------

def intensity(name: str) -> Intensity:
    table = _table()
    if name not in table:
        raise KeyError(f"unknown intensity {name!r}; expected one of {sorted(table)}")
    return table[name]


def names() -> tuple[str, ...]:
    return tuple(_table())


@cache
def _table() -> dict[str, Intensity]:
    text = resources.files("solver.data").joinpath(DATA_FILE).read_text("utf-8")
    return parse_table(tomllib.loads(text))


def parse_table(data: dict[str, Any]) -> dict[str, Intensity]:
    sources = data.get("sources")
    if not isinstance(sources, dict) or not sources:
        raise IntensityTableError(f"{DATA_FILE}: [sources] must map ids to citations")
    table = {}
    for name, raw in data.get("intensity", {}).items():
        where = f"{DATA_FILE}: intensity.{name}"
        if not isinstance(raw, dict) or set(raw) - _KEYS:
            raise IntensityTableError(f"{where}: unknown key(s) {sorted(set(raw) - _KEYS) if isinstance(raw, dict) else raw}")
        cited = raw.get("sources")
        if not cited or any(s not in sources for s in cited):
            raise IntensityTableError(f"{where}: needs 'sources' from [sources]")
        rpe = _pair(raw.get("rpe"), where, "rpe")
        if not 1 <= rpe[0] <= rpe[1] <= 10:
            raise IntensityTableError(f"{where}: 'rpe' must be 1 <= low <= high <= 10")
        if not isinstance(raw.get("talk"), str) or not isinstance(raw.get("label"), str):
            raise IntensityTableError(f"{where}: needs 'label' and 'talk' text")
        pct = raw.get("vdot_pct")
        if pct is not None:
            pct = (float(pct), float(pct)) if isinstance(pct, (int, float)) else _pair(pct, where, "vdot_pct")
        if raw.get("race") is not None and raw["race"] not in DISTANCE_M:
            raise IntensityTableError(f"{where}: 'race' must be one of {sorted(DISTANCE_M)}")
        if pct is not None and raw.get("race") is not None:
            raise IntensityTableError(f"{where}: give 'vdot_pct' or 'race', not both")
        single = raw.get("race") is not None or (pct is not None and pct[0] == pct[1])
        if single != ("band_pct" in raw):
            raise IntensityTableError(f"{where}: a single pace needs 'band_pct' (and a range none)")
        table[name] = Intensity(
            name, raw["label"], rpe, raw["talk"], pct, raw.get("race"), float(raw.get("band_pct", 0)),
            *(_pair(raw[k], where, k) if k in raw else None for k in ("hrr_pct", "hrmax_pct", "lthr_pct")),
            raw.get("cap_pct"))
    if not table:
        raise IntensityTableError(f"{DATA_FILE}: no [intensity.*] tables")
    return table


def _pair(value: Any, where: str, key: str) -> tuple[Any, Any]:
    if not isinstance(value, list) or len(value) != 2 or not all(isinstance(v, (int, float)) for v in value) \
            or value[0] > value[1]:
        raise IntensityTableError(f"{where}: '{key}' must be [low, high]")
    return value[0], value[1]
