"""Structured workouts: every run as steps whose durations add up exactly to the session.

The library, the week-by-week progressions and the fuelling note live in
solver/data/workouts.toml with their sources; the targets of each step come from
solver/intensity.py. This module picks a workout for a session (race distance × period × level,
the week's place in its period), fits it into the minutes the planner gave the session, and
writes it as text for the calendar and as JSON for X-RUNCAL-STEPS (docs/ics-format.md), which
`runcal check` re-adds and `runcal export --fit` turns into watch workouts.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any

from .domain import DISTANCES, LEVELS, PERIODS, Kind, Profile, WeekTarget
from .intensity import Runner, Target, intensity, names as intensity_names, target_text

DATA_FILE = "workouts.toml"
STEPS_VERSION = 1
KINDS = ("easy", "long", "quality", "run_walk")
# Step kinds, in the order a watch shows them (solver/fit.py maps them to FIT intensities).
STEP_KINDS = ("warmup", "run", "work", "recover", "walk", "cooldown", "race")
STEP_WORDS = {"warmup": "warm-up", "cooldown": "cool-down", "race": "race"}


class WorkoutTableError(ValueError):
    """The workout table is malformed; the message names the entry."""


@dataclass(frozen=True)
class Step:
    kind: str  # one of STEP_KINDS
    seconds: int
    target: Target
    note: str = ""
    distance_m: float | None = None  # a race step: the watch ends it at the finish line

    def label(self) -> str:
        it = intensity(self.target.intensity)
        word = STEP_WORDS.get(self.kind)
        return f"{word}, {it.label}" if word else it.label


@dataclass(frozen=True)
class Repeat:
    times: int
    steps: tuple[Step, ...]

    @property
    def seconds(self) -> int:
        return self.times * sum(s.seconds for s in self.steps)


Item = Step | Repeat


@dataclass(frozen=True)
class Workout:
    kind: str  # easy, long, quality, race, run_walk
    focus: str  # the focus label, e.g. "threshold"
    summary: str  # the main set in words, e.g. "3 × 8 min" ("" for a plain run)
    why: str
    items: tuple[Item, ...]
    notes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    @property
    def seconds(self) -> int:
        return sum(i.seconds for i in self.items)

    def steps_json(self) -> str:
        """X-RUNCAL-STEPS: the steps with their resolved targets (docs/ics-format.md)."""
        return json.dumps({"v": STEPS_VERSION, "steps": [_item_json(i) for i in self.items]},
                          ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    def step_lines(self, units: str) -> list[str]:
        """One numbered line per step, a repeat's steps lettered under it (the checker re-adds them)."""
        lines = []
        for n, item in enumerate(self.items, 1):
            if isinstance(item, Repeat):
                lines.append(f"{n}. {item.times} × repeat:")
                lines += [f"   {chr(97 + k)}. {_step_line(s, units)}" for k, s in enumerate(item.steps)]
            else:
                lines.append(f"{n}. {_step_line(item, units)}")
        return lines


def _step_line(s: Step, units: str) -> str:
    extra = f" ({_distance(s.distance_m, units)})" if s.distance_m else ""
    note = f"; {s.note}" if s.note else ""
    return f"{duration(s.seconds)} {s.label()}{extra} — {target_text(s.target, units)}{note}"


def _distance(metres: float, units: str) -> str:
    return f"{metres / 1609.344:.1f} mi" if units == "mile" else f"{metres / 1000:.1f} km"


def duration(seconds: int) -> str:
    """ "15 min", "1 min 30 s", "20 s": the form the checker reads back."""
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def _item_json(item: Item) -> dict[str, Any]:
    if isinstance(item, Repeat):
        return {"repeat": item.times, "steps": [_item_json(s) for s in item.steps]}
    t = item.target
    data: dict[str, Any] = {"kind": item.kind, "s": item.seconds, "at": t.intensity, "rpe": list(t.rpe),
                            "name": item.label()}
    if t.pace:
        data["pace"] = list(t.pace)
    if t.hr:
        data["hr"] = list(t.hr)
    if item.note:
        data["note"] = item.note
    if item.distance_m:
        data["m"] = item.distance_m
    return data


# -- fitting a workout into the session's minutes -------------------------------------------

@dataclass
class Part:
    """One line of a workout's main set, as the table gives it."""

    reps: int
    s: int
    at: str
    rest_s: int = 0
    rest: str = "recovery"
    note: str = ""

    @property
    def seconds(self) -> int:
        return self.reps * (self.s + self.rest_s)


def fit(kind: str, focus: str, parts: list[Part], minutes: int, runner: Runner, week_minutes: int) -> Workout:
    """The workout with its steps summing to exactly `minutes`: parts capped by their intensity's
    share of the week (Daniels' per-session limits), reduced until they fit, the rest warm-up,
    cool-down and easy running ([fill] in the table)."""
    total = minutes * 60
    rules = _table().fill[kind]
    (wu_min, wu_max), (cd_min, cd_max) = rules["warmup"], rules["cooldown"]
    parts = [replace(p) for p in parts]
    _cap(parts, week_minutes)
    if not parts or wu_min + cd_min >= total:
        parts = []
    while parts and wu_min + cd_min + sum(p.seconds for p in parts) > total:
        _shrink(parts)
    the_focus = _table().focus["easy" if not parts and kind == "quality" else focus]
    at = rules["at"]
    if not parts:  # a plain run (or a session too short for its set): one steady step
        step = Step("run" if at != "walk" else "walk", total, runner.target(at))
        return Workout(kind, the_focus["label"], "", the_focus["why"], (step,), sources=tuple(the_focus["sources"]))
    left = total - wu_min - cd_min - sum(p.seconds for p in parts)
    wu = wu_min + min(left, wu_max - wu_min)
    wu -= wu % 60 if wu - wu % 60 >= wu_min else 0  # whole minutes; the seconds go to the cool-down
    left -= wu - wu_min
    cd = cd_min + min(left, cd_max - cd_min)
    extra = left - (cd - cd_min)
    # Before a quality set it is a warm-up; in an easy or long run it is the run itself.
    items: list[Item] = [Step("warmup" if kind in ("quality", "run_walk") else "run", wu, runner.target(at))]
    for p in parts:
        work = Step("work" if p.rest_s else "run", p.s, runner.target(p.at), p.note)
        if p.rest_s:
            rest_kind = "walk" if p.rest == "walk" else "recover"
            items.append(Repeat(p.reps, (work, Step(rest_kind, p.rest_s, runner.target(p.rest)))))
        else:
            items += [work] * p.reps
    if extra:
        items.append(Step("run", extra, runner.target(at)))
    items.append(Step("cooldown", cd, runner.target(at)))
    summary = " + ".join(f"{p.reps} × {duration(p.s)}" if p.reps > 1 else duration(p.s) for p in parts)
    return Workout(kind, the_focus["label"], summary, the_focus["why"], tuple(items), sources=tuple(the_focus["sources"]))


def _cap(parts: list[Part], week_minutes: int) -> None:
    """Daniels' per-session limits: at most cap_pct of the week's running at one intensity."""
    for name in dict.fromkeys(p.at for p in parts):
        cap_pct = intensity(name).cap_pct
        if cap_pct is None:
            continue
        cap = cap_pct * week_minutes * 60 // 100
        group = [p for p in parts if p.at == name]
        while sum(p.reps * p.s for p in group) > cap:
            p = max(group, key=lambda q: (q.reps, q.s))
            if p.reps > 1:
                p.reps -= 1
            elif p.s > 30:
                p.s = max(30, min(p.s - 30, cap // 30 * 30))
            else:
                parts.remove(p)
                group.remove(p)
                if not group:
                    break


def _shrink(parts: list[Part]) -> None:
    """One step smaller: a rep less, else a shorter rep (and recovery), else one part less."""
    p = max(parts, key=lambda q: (q.reps, q.seconds))
    if p.reps > 1:
        p.reps -= 1
    elif p.s > 60:
        p.s -= 30
        p.rest_s = min(p.rest_s, p.s)
    else:
        parts.remove(p)


# -- choosing the workout for a session ------------------------------------------------------

def session_workout(profile: Profile, weeks: tuple[WeekTarget, ...], week: WeekTarget, kind: Kind,
                    minutes: int, slot: int, runner: Runner) -> Workout:
    """The workout for a run of `minutes` (the `slot`-th of its kind in the week)."""
    name = choose(profile, weeks, week, kind, slot, minutes)
    spec = _table().workouts[name]
    workout = fit(spec["kind"], spec["focus"], [Part(**p) for p in spec["parts"]], minutes, runner, week.run_minutes)
    fuel = _table().fuel
    if kind is Kind.LONG and minutes > fuel["long_over_minutes"]:
        workout = replace(workout, notes=(*workout.notes, fuel["text"]), sources=(*workout.sources, *fuel["sources"]))
    return workout


def choose(profile: Profile, weeks: tuple[WeekTarget, ...], week: WeekTarget, kind: Kind, slot: int,
           minutes: int | None = None) -> str:
    """The table's workout name for this session: the progression of the week's race distance,
    period and level, at the week's place in its period."""
    cell = progression(race_distance(profile, week), week.period, kind.value, profile.level)
    if kind is Kind.EASY and slot > 1:
        return "easy"
    lists = cell if kind is Kind.QUALITY else [cell[0]]
    names = lists[min(slot, len(lists)) - 1]
    history = [*period_weeks(weeks, week), week]
    return walk(names, [(w, _session_minutes(w, kind, slot, minutes if w is week else None)) for w in history],
                skip=max(0, slot - len(lists)))


def walk(names: list[str], history: list[tuple[WeekTarget, int | None]], skip: int = 0) -> str:
    """The entry for the last week of `history` (the period's weeks so far, with the session's
    minutes): one entry further each week, the last two alternating past the end; an entry that
    would come out the same as last week's (Daniels' caps or a short session can make two rungs
    equal) is passed over, so consecutive weeks differ."""
    index, last = min(skip, len(names) - 1), None
    for n, (w, minutes) in enumerate(history):
        if n:
            index = _next(index, len(names))
        shape = _shape(names[index], w, minutes)
        for _ in range(len(names)):
            if shape != last:
                break
            index = _next(index, len(names))
            shape = _shape(names[index], w, minutes)
        last = shape
    return names[index]


def _next(index: int, count: int) -> int:
    if index + 1 < count:
        return index + 1
    return max(0, count - 2) if index == count - 1 else count - 1


def _shape(name: str, week: WeekTarget, minutes: int | None) -> tuple:
    """What the runner would see of a workout in that week: its focus and main set once fitted."""
    spec = _table().workouts[name]
    w = fit(spec["kind"], spec["focus"], [Part(**p) for p in spec["parts"]], minutes or 60, Runner(None, "", "", "km"),
            week.run_minutes)
    return w.focus, w.summary


def _session_minutes(week: WeekTarget, kind: Kind, slot: int, given: int | None) -> int | None:
    if given is not None:
        return given
    lengths = week.runs.get(kind, ())
    return lengths[min(slot, len(lengths)) - 1] if lengths else None


def period_weeks(weeks: tuple[WeekTarget, ...], week: WeekTarget) -> list[WeekTarget]:
    """The weeks of `week`'s period before it, since the last A race."""
    found: list[WeekTarget] = []
    for w in weeks:
        if w.index >= week.index:
            break
        if any(r.priority == "A" for r in w.races):
            found = []
        elif w.period == week.period:
            found.append(w)
    return found


def race_distance(profile: Profile, week: WeekTarget) -> str | None:
    """The distance the week prepares for: the next A race, else the next race, else the last A race."""
    ahead = [r for r in profile.races if r.date >= week.monday]
    a_ahead = [r for r in ahead if r.priority == "A"]
    chosen = (a_ahead or ahead or list(profile.a_races) or list(profile.races) or [None])[0]
    return chosen.distance if chosen else None


def progression(distance: str | None, period: str, what: str, level: str) -> list[list[str]]:
    """The lists of workout names for (distance, period, kind of run, level); quality has one list
    per quality run of the week, long and easy one list."""
    table = _table().progression
    for key in ([distance] if distance else []) + ["any"]:
        cell = table.get(key, {}).get(period, {}).get(what)
        if cell is not None:
            found = cell.get(level, cell.get("all"))
            if found is not None:
                return found
    raise WorkoutTableError(f"{DATA_FILE}: no progression for {what} runs in {period} ({level})")


# -- the table -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Table:
    sources: dict[str, str]
    focus: dict[str, dict[str, Any]]
    workouts: dict[str, dict[str, Any]]
    progression: dict[str, dict[str, dict[str, dict[str, list[list[str]]]]]]
    fill: dict[str, dict[str, Any]]
    fuel: dict[str, Any] = field(default_factory=dict)


@cache
def _table() -> Table:
    text = resources.files("solver.data").joinpath(DATA_FILE).read_text("utf-8")
    return parse_table(tomllib.loads(text))


def table() -> Table:
    return _table()


_PART_KEYS = {"reps", "s", "at", "rest_s", "rest", "note"}


def parse_table(data: dict[str, Any]) -> Table:
    """Check every entry; raise WorkoutTableError naming the first bad one."""
    def bad(where: str, problem: str) -> WorkoutTableError:
        return WorkoutTableError(f"{DATA_FILE}: {where}: {problem}")

    sources = data.get("sources") or {}
    known = set(intensity_names())
    fill = {}
    for kind in KINDS:
        rule = (data.get("fill") or {}).get(kind)
        if not isinstance(rule, dict) or rule.get("at") not in known:
            raise bad(f"fill.{kind}", "needs warmup, cooldown and a known intensity 'at'")
        for key in ("warmup", "cooldown"):
            lo_hi = rule.get(key)
            if not (isinstance(lo_hi, list) and len(lo_hi) == 2 and 0 <= lo_hi[0] <= lo_hi[1]):
                raise bad(f"fill.{kind}.{key}", "must be [min, max] seconds")
        fill[kind] = {"warmup": tuple(rule["warmup"]), "cooldown": tuple(rule["cooldown"]), "at": rule["at"]}
    focus = data.get("focus") or {}
    for name, f in focus.items():
        if not isinstance(f.get("label"), str) or not isinstance(f.get("why"), str):
            raise bad(f"focus.{name}", "needs 'label' and 'why'")
        if not f.get("sources") or any(s not in sources for s in f["sources"]):
            raise bad(f"focus.{name}", "needs 'sources' from [sources]")
    workouts = data.get("workout") or {}
    for name, w in workouts.items():
        where = f"workout.{name}"
        if w.get("kind") not in KINDS or w.get("focus") not in focus:
            raise bad(where, f"needs kind in {KINDS} and a focus from [focus]")
        for i, p in enumerate(w.get("parts", [])):
            if not isinstance(p, dict) or set(p) - _PART_KEYS or p.get("at") not in known \
                    or p.get("rest", "recovery") not in known:
                raise bad(f"{where}.parts[{i}]", f"keys {sorted(_PART_KEYS)}, with known intensities")
            if not (type(p.get("s")) is int and p["s"] > 0 and type(p.get("reps", 1)) is int and p.get("reps", 1) > 0
                    and type(p.get("rest_s", 0)) is int and p.get("rest_s", 0) >= 0):
                raise bad(f"{where}.parts[{i}]", "'s' > 0, 'reps' ≥ 1 and 'rest_s' ≥ 0 must be whole numbers")
        w["parts"] = [{"reps": 1, "rest_s": 0, "rest": "recovery", "note": "", **p} for p in w.get("parts", [])]
    progression = data.get("progression") or {}
    for distance, periods in progression.items():
        if distance not in (*DISTANCES, "any"):
            raise bad(f"progression.{distance}", f"distance must be one of {DISTANCES} or any")
        for period, cell in periods.items():
            if period not in PERIODS:
                raise bad(f"progression.{distance}.{period}", f"period must be one of {PERIODS}")
            for what, levels in cell.items():
                where = f"progression.{distance}.{period}.{what}"
                if what not in ("quality", "long", "easy"):
                    raise bad(where, "must be quality, long or easy")
                for level, lists in levels.items():
                    if level not in (*LEVELS, "all"):
                        raise bad(f"{where}.{level}", f"level must be one of {LEVELS} or all")
                    if what != "quality":
                        lists = levels[level] = [lists]
                    _check_lists(lists, what, workouts, f"{where}.{level}", bad)
    for period in PERIODS:
        for what in ("quality", "long", "easy"):
            cell = progression.get("any", {}).get(period, {}).get(what, {})
            if not all(level in cell for level in LEVELS) and "all" not in cell:
                raise bad(f"progression.any.{period}.{what}", "must cover every level (or give 'all')")
    fuel = data.get("fuel") or {}
    if not isinstance(fuel.get("text"), str) or type(fuel.get("long_over_minutes")) is not int \
            or any(s not in sources for s in fuel.get("sources", [None])):
        raise bad("fuel", "needs text, long_over_minutes and sources")
    return Table(sources, focus, workouts, progression, fill, fuel)


def _check_lists(lists: Any, what: str, workouts: dict[str, Any], where: str, bad) -> None:
    if not isinstance(lists, list) or not lists:
        raise bad(where, "must be a non-empty list")
    for names in lists:
        if not isinstance(names, list) or not names:
            raise bad(where, "each progression must be a non-empty list of workout names")
        for name in names:
            if name not in workouts:
                raise bad(where, f"unknown workout {name!r}")
            if workouts[name]["kind"] != what:
                raise bad(where, f"{name!r} is a {workouts[name]['kind']} workout, not {what}")
        for a, b in zip(names, names[1:]):
            if a == b:
                raise bad(where, f"{a!r} follows itself: consecutive weeks must differ")
