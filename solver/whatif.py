"""What-if scenarios: plan variations of one profile and compare them side by side.

A scenario is the loaded profile with a few fields overridden — the races (date, distance,
priority), sessions per week, strength sessions per week, availability, level, base weekly
minutes, plan start and end. Overrides are validated with the profile's own reader and bounds
(solver/profile.py), so a bad value fails the same way, naming the scenario, the field and the
fix. The profile as given is always the first scenario, "baseline".

Every scenario is planned independently (in parallel processes when the machine has cores;
each solve is single-worker and seeded, so the results do not depend on the parallelism), and
one comparison is made of the plans: feasibility (and the rule that blocks an infeasible one),
weeks of preparation, peak weekly running minutes and its week, the long-run peak, strength
sessions, taper start, rest days, the objective and how many preferences were met, and each
race's readiness (solver/readiness.py).

Scenario syntax (one `--scenario` each):  "NAME: key=value; key=value; ..."
  race=DATE DISTANCE [A|B] [HH:MM] [race name]   the first race= replaces the profile's races,
                                                 more race= add to them; race=none drops them
  sessions=N (or sessions_per_week=N)            runner.sessions_per_week
  strength=N or strength=MIN-MAX                 rules.strength_min / strength_max (R1)
  level=beginner|intermediate|advanced           runner.level (R4/R5 defaults follow the level)
  strength_level=beginner|intermediate|advanced  runner.strength_level (R7: the prescription's row)
  strength_before_key_hours=N                    rules.strength_before_key_hours (R13)
  restart_pct=N                                  rules.restart_pct (R6's restart after a break)
  weekly_minutes=N                               runner.weekly_minutes (R6 starts from it)
  start=DATE, end=DATE                           plan.start / plan.end
  days=mon,wed,fri,sun                           keep only these days' availability windows
  mon=HH:MM-HH:MM,HH:MM-HH:MM (… sun=…)          that day's windows; mon=none: no training
A TOML file holds the same as [[scenario]] tables: name, race (as [[scenario.race]] tables, like
the profile's [[race]]), sessions_per_week, strength (N or [MIN, MAX]), strength_min,
strength_max, level, weekly_minutes, start, end, days (a list) and availability (a table like
the profile's [availability]).
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import re
import warnings
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .domain import LEVELS, WEEKDAYS, Kind, Plan, Profile, Race, WeekTarget, Window
from .errors import InputError, NoPlanError, ProfileError, RuncalError, SolverTimeout
from .files import output_folder, write_atomic
from .inputs import parse_toml, read_text
from .limits import SCENARIOS, cores
from .busy import BusyEvent
from .ics import calendar_name, plan_to_ical
from .objective import plan_tally
from .periodization import plan_start, week_targets
from .profile import LEVEL_DEFAULTS, MAX_PLAN_WEEKS, RULE_BOUNDS, _Reader
from .offers import needs_offers, offer, offers_for, out_of_reach
from .readiness import assess
from .solve import ASIDE_ORDER, busy_for, busy_sources, make_plan, variants_planned

BASELINE = "baseline"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")  # fullmatch: "$" would let a trailing newline through
_CLOCK = re.compile(r"^\d{1,2}:\d{2}$")
NAME_FIX = "use 1-40 letters, digits, '.', '_' or '-', starting with a letter or digit, e.g. half-first"
SYNTAX_FIX = ('write it as "NAME: key=value; key=value", '
              'e.g. "half-first: race=2027-03-14 half B; race=2027-04-11 marathon A"')
KEYS = ("race", "sessions_per_week", "strength", "strength_min", "strength_max", "level", "weekly_minutes",
        "start", "end", "days", "availability", "strength_level", "strength_before_key_hours", "restart_pct")
RULE_KEYS = ("strength_before_key_hours", "restart_pct")  # rule parameters a scenario may set (R13, R6)
ALIASES = {"sessions": "sessions_per_week", "races": "race"}
DISTANCE_NAMES = {"5k": "5K", "10k": "10K", "half": "Half marathon", "marathon": "Marathon"}
VOLUME_KINDS = (Kind.EASY, Kind.LONG, Kind.QUALITY)  # races are not training volume


@dataclass(frozen=True)
class Scenario:
    name: str
    profile: Profile
    overrides: str = ""  # as given, for the report; "" for the baseline


# -- building scenarios ----------------------------------------------------------------------

def scenarios_for(base: Profile, texts: tuple[str, ...] | list[str] = (), file: str | Path | None = None
                  ) -> list[Scenario]:
    """The baseline, then the file's scenarios, then the `--scenario` texts, in order."""
    found = [Scenario(BASELINE, base)]
    if file is not None:
        found += load_scenarios(file, base)
    found += [parse_scenario(text, base) for text in texts]
    if len(found) > SCENARIOS + 1:  # each one is a whole plan
        raise InputError(f"{len(found) - 1} scenarios", "", f"more than the {SCENARIOS} runcal compares at once",
                         "compare them in smaller groups")
    seen: set[str] = set()
    for s in found:
        if s.name.lower() in seen:
            raise InputError(f"scenario {s.name!r}", "", "the name is used twice" if s.name != BASELINE else
                             f"{BASELINE!r} is the profile as given", "give each scenario its own name")
        seen.add(s.name.lower())
    return found


def parse_scenario(text: str, base: Profile) -> Scenario:
    """One `--scenario "NAME: key=value; ..."` text."""
    name, sep, rest = text.partition(":")
    name = name.strip()
    if not sep or not name:
        raise InputError("--scenario", "", f"{text!r} has no scenario name before ':'", SYNTAX_FIX)
    _check_name(name, "--scenario")
    where = f"scenario {name!r}"
    table: dict[str, Any] = {}
    for item in (i.strip() for i in rest.split(";")):
        if not item:
            continue
        key, eq, value = item.partition("=")
        key, value = ALIASES.get(key.strip().lower(), key.strip().lower()), value.strip()
        if not eq or not key or not value:
            raise ProfileError(where, item, "is not key=value", SYNTAX_FIX)
        if key == "race":
            races = table.setdefault("race", [])
            if value.lower() == "none":
                races.clear()
            else:
                races.append(_race_text(value))
            continue
        if key in WEEKDAYS:
            days = table.setdefault("availability", {})
            if key in days:
                raise ProfileError(where, key, "is given twice", "give each override once")
            days[key] = [] if value.lower() == "none" else [w.strip() for w in value.split(",")]
            continue
        if key in table:
            raise ProfileError(where, key, "is given twice", "give each override once")
        if key == "strength":
            low, _, high = value.partition("-")
            table["strength_min"], table["strength_max"] = _number(low), _number(high or low)
            table[key] = True
        elif key in ("sessions_per_week", "weekly_minutes", "strength_min", "strength_max", *RULE_KEYS):
            table[key] = _number(value)
        elif key == "days":
            table[key] = [d.strip().lower() for d in value.split(",")]
        else:
            table[key] = value
    table.pop("strength", None)
    overrides = "; ".join(i.strip() for i in rest.split(";") if i.strip())
    return Scenario(name, apply_overrides(base, name, table), overrides)


def load_scenarios(path: str | Path, base: Profile) -> list[Scenario]:
    """[[scenario]] tables from a TOML file."""
    path = Path(path)
    data = parse_toml(read_text(path, "scenarios"), str(path))
    if set(data) - {"scenario"} or not isinstance(data.get("scenario"), list):
        raise InputError(str(path), "scenario", "the file must hold [[scenario]] tables and nothing else",
                         'start each one with [[scenario]] and name = "..."')
    found = []
    for i, raw in enumerate(data["scenario"]):
        if not isinstance(raw, dict):
            raise InputError(str(path), f"scenario[{i}]", "is not a table", "write each one as [[scenario]]")
        table = dict(raw)
        name = table.pop("name", None)
        if not isinstance(name, str):
            raise InputError(str(path), f"scenario[{i}].name", "missing", 'add name = "half-first"')
        _check_name(name, f"{path}: scenario[{i}].name")
        strength = table.pop("strength", None)
        if strength is not None:
            if isinstance(strength, list) and len(strength) == 2:
                table["strength_min"], table["strength_max"] = strength
            elif isinstance(strength, list):
                raise ProfileError(f"scenario {name!r}", "strength", f"{strength!r} is not N or [MIN, MAX]",
                                   "write strength = 1 or strength = [1, 2]")
            else:
                table["strength_min"] = table["strength_max"] = strength
        if isinstance(table.get("race"), dict):
            table["race"] = [table["race"]]
        summary = "; ".join(f"{k}={_show(v)}" for k, v in raw.items() if k != "name")
        found.append(Scenario(name, apply_overrides(base, name, table), summary))
    return found


def apply_overrides(base: Profile, name: str, table: dict[str, Any]) -> Profile:
    """The profile with the overrides applied, validated with the profile's reader and bounds."""
    reader = _Reader(f"scenario {name!r}")
    for key in table:
        if key not in KEYS:
            raise reader.fail(key, "unknown override", "use one of: race, sessions, strength, level, strength_level, "
                              "weekly_minutes, strength_before_key_hours, restart_pct, start, end, days, mon … sun "
                              "(see `runcal whatif --help`)")
    level = reader.choice(table, "runner.level", LEVELS, base.level)
    rules = base.rules
    if level != base.level:  # R4/R5 defaults follow the level where the profile kept the old default
        rules = replace(rules, **{k: v for k, v in LEVEL_DEFAULTS[level].items()
                                  if getattr(rules, k) == LEVEL_DEFAULTS[base.level][k]})
    low = reader.integer(table, "rules.strength_min", *RULE_BOUNDS["strength_min"][:2], rules.strength_min,
                         RULE_BOUNDS["strength_min"][2])
    high = reader.integer(table, "rules.strength_max", *RULE_BOUNDS["strength_max"][:2],
                          max(rules.strength_max, low), RULE_BOUNDS["strength_max"][2])
    if low > high:
        raise reader.fail("rules.strength_min", f"{low} is above strength_max {high} (R1)",
                          "make strength_min ≤ strength_max, e.g. strength=1-2")
    rules = replace(rules, strength_min=low, strength_max=high,
                    **{k: reader.integer(table, f"rules.{k}", *RULE_BOUNDS[k][:2], getattr(rules, k), RULE_BOUNDS[k][2])
                       for k in RULE_KEYS})
    races = reader.races(_named(table["race"])) if "race" in table else base.races
    start = reader.date(table, "plan.start", base.start)
    if "end" in table:
        end = reader.date(table, "plan.end", None)
    elif "race" in table and races:
        tail = base.end - base.races[-1].date if base.races else dt.timedelta(0)
        end = races[-1].date + max(tail, dt.timedelta(0))
    else:
        end = base.end
    for i, race in enumerate(races):
        if race.date < start or race.date > end >= start:
            where = f"before the plan starts ({start})" if race.date < start else f"after the plan ends ({end})"
            raise reader.fail(f"race[{i}].date", f"{race.name} on {race.date} is {where}",
                              "move start/end or the race date")
    if end < start:
        raise reader.fail("plan.end", f"{end} is before plan.start {start}", "set end after start")
    if (end - start).days > MAX_PLAN_WEEKS * 7:
        raise reader.fail("plan.end", f"the plan would be longer than {MAX_PLAN_WEEKS} weeks",
                          "plan at most two years at a time")
    return replace(
        base,
        level=level,
        strength_level=reader.choice(table, "runner.strength_level", LEVELS, base.strength_level),
        sessions_per_week=reader.integer(table, "runner.sessions_per_week", 2, 14, base.sessions_per_week),
        weekly_minutes=reader.integer(table, "runner.weekly_minutes", 20, 1500, base.weekly_minutes, "R6"),
        start=start,
        end=end,
        races=races,
        availability=_availability(reader, base, table),
        rules=rules,
        source=f"{base.source} [scenario {name}]",
    )


def _availability(reader: _Reader, base: Profile, table: dict[str, Any]) -> dict[str, tuple[Window, ...]]:
    windows = {day: [str(w) for w in base.availability.get(day, ())] for day in WEEKDAYS}
    if "days" in table:
        days = table["days"]
        if not isinstance(days, list) or not all(isinstance(d, str) for d in days):
            raise reader.fail("days", f"{days!r} is not a list of weekdays", "e.g. days=mon,wed,fri,sun")
        for day in days:
            if day not in WEEKDAYS:
                raise reader.fail("days", f"{day!r} is not a weekday", f"use {', '.join(WEEKDAYS)}")
            if not windows[day] and day not in table.get("availability", {}):
                raise reader.fail("days", f"the profile has no availability on {day}",
                                  f"give its windows too, e.g. {day}=06:00-08:00")
        windows = {day: (ws if day in days else []) for day, ws in windows.items()}
    given = table.get("availability", {})
    if not isinstance(given, dict):
        raise reader.fail("availability", "must be a table of weekdays",
                          'e.g. availability = { mon = ["06:00-08:00"] }')
    reader.unknown(given, "availability")
    return reader.availability({**windows, **given}, base.durations)


def _race_text(text: str) -> dict[str, Any]:
    """"2027-04-11 marathon A 09:30 Manchester Marathon" → a [[race]] table (DATE DISTANCE [A|B], then
    the name and an optional HH:MM start time in either order)."""
    tokens = text.split()
    race: dict[str, Any] = {"date": tokens[0]}
    rest = tokens[1:]
    if rest:
        race["distance"] = rest.pop(0).lower()
    if rest and rest[0].upper() in ("A", "B"):
        race["priority"] = rest.pop(0).upper()
    clock = next((t for t in rest if _CLOCK.match(t)), None)  # the start time may follow the name
    if clock:
        race["start_time"] = clock
        rest.remove(clock)
    if rest:
        race["name"] = " ".join(rest)
    return race


def _named(races: Any) -> Any:
    """Races without a name are called after their distance ("Marathon"), not "Race N"."""
    if isinstance(races, dict):
        races = [races]
    if not isinstance(races, list):
        return races
    return [({"name": DISTANCE_NAMES[r["distance"]], **r} if isinstance(r, dict) and "name" not in r
             and r.get("distance") in DISTANCE_NAMES else r) for r in races]


def _number(text: str) -> int | str:
    text = text.strip()
    # ASCII digits only: "²".isdigit() is true, and int("²") fails
    return int(text) if text.isascii() and text.isdigit() else text  # a non-number is left for the reader to reject


def _check_name(name: str, where: str) -> None:
    if not _NAME.fullmatch(name):
        raise InputError(where, "", f"{name!r} is not a usable scenario name", NAME_FIX)


def _show(value: Any) -> str:
    """A TOML scenario's value in the --scenario syntax, for the report."""
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value)
    if isinstance(value, dict):
        if "date" in value:  # a race
            name = [str(value["name"])] if "name" in value else []
            return " ".join([*(str(v) for k, v in value.items() if k != "name"), *name])
        return "; ".join(f"{k}={_show(v)}" for k, v in value.items())
    return str(value)


# -- solving -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    scenario: Scenario
    status: str  # "optimal", "feasible", "no plan", "time limit" (nothing found, nothing proven) or "invalid"
    plan: Plan | None = None
    weeks: tuple[WeekTarget, ...] = ()  # what periodization asked of each week (also without a plan)
    problem: str = ""  # why there is no plan, in the rules' words
    rules: tuple[str, ...] = ()  # the rule IDs that block it, when known


def solve_scenario(job: tuple[Scenario, tuple[BusyEvent, ...], float], offers: bool = True) -> Outcome:
    """Plan one scenario; a scenario without a plan is an outcome, not an exception. Without
    `offers`, a race out of reach has none yet (run_scenarios works them out as tasks of their own)."""
    scenario, busy, time_limit = job
    try:
        weeks = week_targets(scenario.profile)
    except InputError as exc:
        return Outcome(scenario, "invalid", problem=str(exc))
    try:
        plan = make_plan(scenario.profile, busy, time_limit=time_limit, offers=offers)
    except NoPlanError as exc:
        return Outcome(scenario, "no plan", weeks=weeks, problem=str(exc), rules=tuple(exc.rules))
    except SolverTimeout as exc:  # not a "no plan": more time may find one
        return Outcome(scenario, "time limit", weeks=weeks, problem=str(exc))
    return Outcome(scenario, plan.status, plan=plan, weeks=plan.weeks)


def run_scenarios(scenarios: list[Scenario], time_limit: float, jobs: int | None = None,
                  busy: tuple[str | Path, ...] = (), all_day: str | None = None,
                  progress: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Solve every scenario, in parallel when there are cores; outcomes in scenario order.

    Busy time (the profile's busy calendars plus `busy`) is read here, once per scenario's plan
    window, so an unreadable calendar is bad input before anything is solved. `progress` is
    called with each outcome as it is done (in the order they finish)."""
    work = [(s, events, time_limit) for s, events in zip(scenarios, _busy_of(scenarios, busy, all_day))]
    done = progress or (lambda outcome: None)
    workers = max(1, min(jobs or cores(), len(scenarios)))  # cores(): the affinity mask, as --jobs is checked
    if workers == 1:
        outcomes = []
        for job in work:
            outcomes.append(solve_scenario(job))
            done(outcomes[-1])
        return outcomes
    with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool, warnings.catch_warnings():
        # Python 3.12+ warns at fork() when any other thread exists (OpenBLAS's, from numpy); no
        # thread of ours runs then and the children never call into BLAS (see _pool_context).
        warnings.filterwarnings("ignore", message=r".*multi-threaded, use of fork\(\)", category=DeprecationWarning)
        # The costliest first, so the last to finish is a cheap one: plans whose A race is out of
        # reach even on paper (they have offers to work out), then the longest plans (more weeks,
        # more sessions).
        order = sorted(range(len(work)), key=lambda i: (not _offers_ahead(work[i][0].profile), -_size(work[i][0].profile)))
        return _pooled(pool, work, order, done)


def _pool_context() -> multiprocessing.context.BaseContext:
    """fork where the platform has it: a child starts with everything imported (a spawned one
    spends about 0.5 s importing OR-Tools, pandas and numpy, a third of what the marathon
    sample's four scenarios take on two cores). Nothing is solving when the pool starts: a CP-SAT
    solve with one worker leaves no thread behind, so no solver state is cut in half by fork().
    Elsewhere: spawn, fresh interpreters."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _pooled(pool: ProcessPoolExecutor, work: list, order: list[int], done: Callable[[Outcome], None]) -> list[Outcome]:
    """Each scenario planned as a task, and each kind of offer for a race a plan leaves out of
    reach as a task of its own once that plan is in: a scenario's offers (each planned and
    placed: the marathon sample's six-sessions scenario, 0.42 of its 0.75 s) then spread over
    the cores instead of making the run's tail. The offers are those make_plan would give
    (offers_for over the kinds, every one worked out)."""
    outcomes: dict[int, Outcome] = {}
    waiting: dict[int, dict[str, dict[int, str | None]]] = {}  # scenario -> race -> kind -> offer
    tasks = {pool.submit(solve_scenario, work[i], False): ("plan", i) for i in order}
    while tasks:
        finished = next(as_completed(tasks))
        what = tasks.pop(finished)
        if what[0] == "plan":
            i = what[1]
            outcome = outcomes[i] = finished.result()
            races = [r.race for r in (outcome.plan.readiness if outcome.plan else ()) if needs_offers(r)]
            waiting[i] = {race.name: {} for race in races}
            for race in races:
                for index in ASIDE_ORDER:
                    tasks[pool.submit(offer_task, work[i][0].profile, race, index, work[i][1])] = ("offer", i, race.name, index)
        else:
            _, i, name, index = what
            waiting[i][name][index] = finished.result()
        i = what[1]
        if i in waiting and all(len(kinds) == len(ASIDE_ORDER) for kinds in waiting[i].values()):
            outcomes[i] = _with_offers(outcomes[i], waiting.pop(i))
            done(outcomes[i])
    return [outcomes[i] for i in range(len(work))]


def offer_task(profile: Profile, race: Race, index: int, busy: tuple[BusyEvent, ...]) -> str | None:
    """One kind of offer for one race (offers.offer, with the variants planned and placed as
    make_plan plans them)."""
    return offer(index, profile, race, *variants_planned(busy))


def _with_offers(outcome: Outcome, found: dict[str, dict[int, str | None]]) -> Outcome:
    plan = outcome.plan
    if plan is None or not found:
        return outcome
    unused = lambda q: ()  # noqa: E731 - every kind is known: offers_for plans no variant itself
    readiness = tuple(replace(r, offers=offers_for(plan.profile, r.race, unused, known=found[r.race.name]))
                      if r.race.name in found else r for r in plan.readiness)
    return replace(outcome, plan=replace(plan, readiness=readiness))


def _busy_of(scenarios: list[Scenario], busy: tuple[str | Path, ...], all_day: str | None) -> list[tuple[BusyEvent, ...]]:
    """Each scenario's busy time, read once for the scenarios that read the same calendars over
    the same weeks (most keep the plan's dates: the marathon sample's Google export took 30 ms a
    scenario)."""
    read: dict[tuple, tuple[BusyEvent, ...]] = {}
    found = []
    for s in scenarios:
        p = s.profile
        # The calendars as found (a scenario's source names it, its folder is the profile's).
        key = (tuple(map(str, busy_sources(p)[0])), p.timezone, plan_start(p), p.end, p.all_day_busy)
        if key not in read:
            read[key] = busy_for(p, busy, all_day)
        found.append(read[key])
    return found


def _offers_ahead(profile: Profile) -> bool:
    """Whether an A race is out of reach with every planned session placed (its plan then works
    out offers); a scenario whose weeks cannot be planned is cheap, its answer is an error."""
    try:
        weeks = week_targets(profile)
    except RuncalError:
        return False
    return bool(out_of_reach(profile, weeks))


def _size(profile: Profile) -> int:
    """Roughly how much a scenario's plan takes to solve: sessions a week times weeks."""
    return profile.sessions_per_week * ((profile.end - profile.start).days // 7 + 1)


def write_calendars(outcomes: list[Outcome], out_dir: str | Path, stamp: dt.datetime) -> dict[str, Path]:
    """Each planned scenario's .ics in `out_dir` as NAME.ics; its calendar name names the scenario."""
    out_dir = output_folder(out_dir, "--out-dir")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(str(out_dir), "", f"cannot create the folder ({exc.strerror or exc})",
                         "choose another --out-dir") from None
    written = {}
    for o in outcomes:
        if o.plan is not None:
            path = out_dir / f"{o.scenario.name}.ics"
            write_atomic(path, scenario_calendar(o, stamp), option="--out-dir")
            written[o.scenario.name] = path
    return written


def scenario_calendar(outcome: Outcome, stamp: dt.datetime) -> bytes:
    """A planned scenario's .ics; its calendar name names the scenario."""
    assert outcome.plan is not None
    name = f"{calendar_name(outcome.plan)} (what-if: {outcome.scenario.name})"
    return plan_to_ical(outcome.plan, stamp, name=name)


# -- comparing -----------------------------------------------------------------------------------

def summarize(outcome: Outcome, ics: Path | None = None) -> dict[str, Any]:
    """One scenario as JSON-ready values; the table is drawn from exactly these."""
    s, plan, weeks = outcome.scenario, outcome.plan, outcome.weeks
    profile = s.profile
    row: dict[str, Any] = {
        "name": s.name,
        "overrides": s.overrides,
        "feasible": plan is not None,
        "status": outcome.status,
        "problem": outcome.problem or None,
        "rules": list(outcome.rules),
        "races": [{"name": r.name, "date": r.date.isoformat(), "distance": r.distance, "priority": r.priority}
                  for r in profile.races],
        "plan_start": weeks[0].monday.isoformat() if weeks else None,
        "plan_weeks": len(weeks) if weeks else None,
        "weeks_of_preparation": _prep_weeks(profile, weeks) if weeks else None,
    }
    empty = dict.fromkeys((
        "peak_weekly_minutes", "peak_week", "peak_week_start", "long_run_peak_minutes", "strength_total",
        "strength_per_week", "taper_start", "rest_days_per_week", "objective", "preferences_met",
        "preferences_total", "preferences", "sessions_planned", "sessions_placed", "dropped", "readiness",
        "ready"))
    if plan is None:
        return {**row, **empty, "ics": None}
    volume, strength, busy_days = defaultdict(int), defaultdict(int), defaultdict(set)
    for x in plan.sessions:
        if x.kind in VOLUME_KINDS:
            volume[x.week] += x.minutes
        if x.kind is Kind.STRENGTH:
            strength[x.week] += 1
        busy_days[x.week].add(x.start.date())
    peak_week = max((w.index for w in plan.weeks), key=lambda i: (volume[i], -i))
    monday = {w.index: w.monday for w in plan.weeks}
    prefs = preferences_met(plan)
    readiness = plan.readiness or assess(plan)
    return {
        **row,
        "peak_weekly_minutes": volume[peak_week],
        "peak_week": peak_week,
        "peak_week_start": monday[peak_week].isoformat(),
        "long_run_peak_minutes": max((x.minutes for x in plan.sessions if x.kind is Kind.LONG), default=0),
        "strength_total": sum(strength.values()),
        "strength_per_week": _span(strength[w.index] for w in plan.weeks),
        "taper_start": _taper_starts(plan),
        "rest_days_per_week": _span(7 - len(busy_days[w.index]) for w in plan.weeks),
        "objective": plan.objective,
        "preferences_met": sum(m for m, _ in prefs.values()),
        "preferences_total": sum(t for _, t in prefs.values()),
        "preferences": {k: {"met": m, "of": t} for k, (m, t) in prefs.items()},
        "sessions_planned": sum(len(d) for w in plan.weeks for d in w.runs.values())
        + sum(w.strength for w in plan.weeks),
        "sessions_placed": sum(1 for x in plan.sessions if x.kind is not Kind.RACE),
        "dropped": list(getattr(plan, "dropped", ())),
        "readiness": [r.as_dict() for r in readiness],
        "ready": all(r.ready for r in readiness) if readiness else None,
        "ics": str(ics) if ics else None,
    }


# whatif's names for the objective's preferences (solver/objective.py)
PREFERENCE_NAMES = {"time_of_day": "time_of_day", "long_run_day": "long_run_day", "recovery_48h": "recovery_48h",
                    "spread": "no_back_to_back_days"}


def preferences_met(plan: Plan) -> dict[str, tuple[int, int]]:
    """Each soft preference of RULES.md, counted on the plan: (times met, times it applied). Met
    means charged nothing by the objective (solver/objective.py, the model's charges recounted):
    a session starting less than an hour from its wished time, not "within 60 minutes" of a
    definition of its own."""
    t = plan_tally(plan, with_placed=False)
    return {key: (t.met(name), t.applied[name]) for name, key in PREFERENCE_NAMES.items()}


def _prep_weeks(profile: Profile, weeks: tuple[WeekTarget, ...]) -> int:
    """Weeks up to and including the goal race (the last A race, else the last race)."""
    goal = (profile.a_races or profile.races)
    if not goal:
        return len(weeks)
    return next(w.index for w in weeks if w.monday <= goal[-1].date < w.monday + dt.timedelta(days=7))


def _taper_starts(plan: Plan) -> list[str]:
    starts = []
    for i, week in enumerate(plan.weeks):
        if week.period == "taper" and (i == 0 or plan.weeks[i - 1].period != "taper"):
            starts.append(week.monday.isoformat())
    return starts


def _span(values) -> list[int]:
    values = list(values)
    return [min(values), max(values)] if values else [0, 0]


# -- output -------------------------------------------------------------------------------------

# A scenario's "plan" cell by its status: a time-out is neither a plan nor a proof that none exists.
PLAN_CELL = {"optimal": "optimal", "feasible": "feasible (time limit)", "no plan": "NO PLAN",
             "time limit": "NONE (time limit)", "invalid": "INVALID"}
ROWS = (
    ("plan", lambda r: PLAN_CELL.get(r["status"], "INVALID")),
    ("races", lambda r: ", ".join(f"{x['distance']} {x['priority']} {x['date']}" for x in r["races"]) or "none"),
    ("weeks of preparation", lambda r: _or_dash(r["weeks_of_preparation"])),
    ("peak run min/week", lambda r: None if r["peak_weekly_minutes"] is None
     else f"{r['peak_weekly_minutes']} (week {r['peak_week']})"),
    ("long-run peak min", lambda r: _or_dash(r["long_run_peak_minutes"])),
    ("strength sessions", lambda r: None if r["strength_total"] is None
     else f"{r['strength_total']} ({_range(r['strength_per_week'])}/week)"),
    ("taper starts", lambda r: None if not r["taper_start"] else ", ".join(r["taper_start"])),
    ("rest days/week", lambda r: None if r["rest_days_per_week"] is None else _range(r["rest_days_per_week"])),
    ("sessions placed", lambda r: None if r["sessions_placed"] is None
     else f"{r['sessions_placed']}/{r['sessions_planned']}"),
    ("objective", lambda r: _or_dash(r["objective"])),
    ("preferences met", lambda r: None if r["preferences_met"] is None
     else f"{r['preferences_met']}/{r['preferences_total']}"),
    ("ready", lambda r: None if r["ready"] is None else "yes" if r["ready"] else "NOT READY"),
)


def comparison_table(rows: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    """The comparison's rows: (label, one cell per scenario), as the table and the HTML page show them."""
    return [(label, [_or_dash(fn(r)) for r in rows]) for label, fn in ROWS]


def format_table(rows: list[dict[str, Any]]) -> str:
    """Scenarios side by side (one column each), then what each row's numbers need said in words."""
    cells = [[label, *values] for label, values in comparison_table(rows)]
    header = [""] + [r["name"] for r in rows]
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in [header, *cells]]
    notes = []
    for r in rows:
        what = r["overrides"] or "the profile as given"
        notes.append(f"{r['name']}: {what}")
        if r["problem"]:
            notes.append(f"  {r['status'] if r['status'] in ('no plan', 'time limit') else 'invalid'}: {r['problem']}")
        for dropped in r["dropped"] or []:
            notes.append(f"  dropped: {dropped}")
        for ready in r["readiness"] or []:
            notes.append(f"  {ready['summary']}")
        if r["ics"]:
            notes.append(f"  wrote {r['ics']}")
    return "\n".join(lines + [""] + notes)


def format_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps({"scenarios": rows}, indent=2, ensure_ascii=False)


def _range(span: list[int]) -> str:
    return str(span[0]) if span[0] == span[1] else f"{span[0]}–{span[1]}"


def _or_dash(value: Any) -> str:
    return "—" if value is None else str(value)


# -- solver.whatif(...), the library's API (solver/__init__.py) ---------------------------------

def api(profile: Profile, scenarios: list[str] | tuple[str, ...] = (), time_limit: float = 60.0,
        jobs: int | None = 1, busy: tuple[str | Path, ...] = ()) -> list[dict[str, Any]]:
    """The baseline and each scenario text ("NAME: KEY=VALUE; …"), planned: one `summarize` row each."""
    return [summarize(o) for o in run_scenarios(scenarios_for(profile, scenarios), time_limit, jobs, busy)]


from . import callable_module  # noqa: E402  (the package's __init__: no cycle)

callable_module(__name__)
