"""When no plan exists: which rules collide, in their own words, and the smallest change that helps.

Every hard constraint is guarded by a literal per (rule, week) (`Variables.hard`). Solving with
those literals as assumptions gives CP-SAT's sufficient set for infeasibility; a deletion filter
shrinks it to a minimal one, so every item of the message is really needed. Then each input
the profile may change is relaxed alone, and the relaxations that give a plan are suggested.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from ortools.sat.python import cp_model

from .busy import BusyEvent
from .domain import WEEKDAYS, Profile, Window, WeekTarget
from .errors import NoPlanError
from .profile import TAPER_PCT_DEFAULTS
from .model import build_model
from .periodization import week_targets
from .shaping import planned_instance

RELAX_TIME_LIMIT = 10.0
Group = tuple[str, int]


@dataclass(frozen=True)
class Relaxation:
    rules: frozenset[str]  # the core's rule IDs it can help with
    advice: str
    apply: Callable[[Profile], Profile]


def precheck(profile: Profile, weeks: tuple[WeekTarget, ...], busy: tuple[BusyEvent, ...] = ()) -> None:
    """Cheap checks before solving, each with its own message. A fix is offered only once the
    profile with it plans (as suggestions() checks every other fix); when none alone does, the
    message goes on with why the shorter taper still has no plan."""
    taper = profile.rules.taper_weeks
    for race in profile.a_races:
        week = next(w for w in weeks if w.monday <= race.date < w.monday + dt.timedelta(days=7))
        if week.index > taper:
            continue
        if week.index == 1:
            raise NoPlanError(f"No plan: {race.name} on {race.date} falls in the plan's first week; R6 and R8 need "
                              "weeks to build and taper. Fix: start the plan earlier (plan.start).", ("R8",))
        problem = (f"No plan: R8 needs {taper} taper week(s) before {race.name} on {race.date}, but the race is in "
                   f"plan week {week.index}.")
        earlier = profile.start - dt.timedelta(weeks=taper - week.index + 1)
        shorter = week.index - 1
        pct = TAPER_PCT_DEFAULTS[shorter]
        # taper_pct follows taper_weeks when it is the default; a profile's own list must change too
        custom = profile.rules.taper_pct != TAPER_PCT_DEFAULTS[taper]
        fixes = [(f"start the plan on {earlier} or earlier (plan.start)",
                  dataclasses.replace(profile, start=earlier)),
                 (f"set rules.taper_weeks to {shorter}" + (f" and rules.taper_pct to {list(pct)}" if custom else ""),
                  dataclasses.replace(profile, rules=dataclasses.replace(profile.rules, taper_weeks=shorter,
                                                                         taper_pct=pct)))]
        good = [advice for advice, fixed in fixes if _feasible(fixed, busy)]
        if good:
            raise NoPlanError(f"{problem} Fix: {', or '.join(good)}.", ("R8",))
        rest = explain(fixes[1][1], busy)
        # Its fixes were found for the shorter taper: they fix the profile only together with it.
        head, said, fix = str(rest).removeprefix("No plan: ").partition(" Fix: ")
        words = f"{head} Fix: {fixes[1][0]}, and then {fix}" if said else head
        raise NoPlanError(f"{problem} With a {shorter}-week taper there is still no plan: {words}",
                          tuple(dict.fromkeys(("R8", *rest.rules))))


def minimal_conflict(profile: Profile, busy: tuple[BusyEvent, ...] = ()) -> list[Group]:
    """A minimal set of (rule, week) groups that cannot hold together (empty if none is found)."""
    inst = planned_instance(profile, busy)
    model, v = build_model(inst, explain=True)
    model.clear_objective()
    keys = sorted(v.groups)
    core = _core(model, v.groups, keys)
    if core is None:
        return []
    for group in list(core):  # deletion filter: drop every item the conflict does not need
        if group not in core:
            continue
        trial = [g for g in core if g != group]
        smaller = _core(model, v.groups, trial)
        if smaller is not None:
            core = smaller
    return core


def _core(model: cp_model.CpModel, groups: dict[Group, cp_model.IntVar], keys: list[Group]) -> list[Group] | None:
    model.clear_assumptions()
    model.add_assumptions([groups[k] for k in keys])
    solver = _solver()
    if solver.solve(model) != cp_model.INFEASIBLE:
        return None
    index = {groups[k].index: k for k in keys}
    return sorted(index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in index)


def explain(profile: Profile, busy: tuple[BusyEvent, ...] = ()) -> NoPlanError:
    """The NoPlanError to raise: the conflict in words, with the relaxations that make a plan."""
    weeks = planned_instance(profile, busy).weeks
    core = minimal_conflict(profile, busy)
    if not core:
        return NoPlanError("No plan exists: the hard rules (R1–R13) and your availability cannot all hold "
                           "together. Fix: add availability windows or lower sessions_per_week.")
    groups = sorted({rule for rule, _ in core}, key=rule_order)
    week = weeks[min(w for _, w in core) - 1]
    fixes = suggestions(profile, busy, set(groups))
    fix = f" Fix: {', or '.join(fixes)}." if fixes else " No single change of the profile fixes it."
    rules = tuple(dict.fromkeys(RULE_OF.get(g, g) for g in groups))
    return NoPlanError(f"No plan: {describe_conflict(profile, week, core, busy)}.{fix}", rules)


# The rule behind each group of constraints that is not named after one.
RULE_OF = {"runs": "R2", "one a day": "R3", "busy": "availability"}


def rule_order(group: str) -> tuple[int, str]:
    """R1 < R2 < … < R10, then the groups named after inputs."""
    return (int(group[1:]), group) if group[:1] == "R" and group[1:].isdigit() else (99, group)


def describe_conflict(profile: Profile, week: WeekTarget, core: list[Group], busy: tuple[BusyEvent, ...] = ()) -> str:
    days = [d for d in WEEKDAYS if profile.availability.get(d)]
    windows = sum(len(profile.availability[d]) for d in days)
    runs = sum(len(d) for d in week.runs.values())
    needs = [PHRASES[rule](profile, week) for rule in sorted({r for r, _ in core}, key=rule_order)]
    if "busy" in {r for r, _ in core}:
        needs[-1] = _busy_phrase(profile, week, busy)
    weeks = sorted({w for _, w in core})
    where = f"in week {week.index} ({week.monday})" if len(weeks) == 1 else \
        f"in weeks {', '.join(map(str, weeks))} (from {week.monday})"
    return (f"{where} your availability has {windows} window{'s' * (windows != 1)} on {len(days)} "
            f"day{'s' * (len(days) != 1)}, but {join_words(needs)}; the week holds {runs} run{'s' * (runs != 1)} "
            f"and {week.strength} strength session{'s' * (week.strength != 1)}")


PHRASES: dict[str, Callable[[Profile, WeekTarget], str]] = {
    "R1": lambda p, w: f"R1 needs {w.strength} strength session{'s' * (w.strength != 1)} a week",
    "runs": lambda p, w: f"you asked for {p.sessions_per_week} sessions a week (sessions_per_week; R2: strength "
                         f"replaces runs), {sum(len(d) for d in w.runs.values())} of them runs",
    "R2": lambda p, w: f"R2 allows at most {p.sessions_per_week} sessions in all",
    "one a day": lambda p, w: "a day holds at most one run and one strength session (R3)",
    "R3": lambda p, w: "R3 needs 8 h between a run and strength on the same or neighbouring days",
    "R4": lambda p, w: f"R4 needs {p.rules.recovery_hours} h between two hard runs or two strength sessions",
    "R5": lambda p, w: f"R5 needs {p.rules.rest_days_min} rest day{'s' * (p.rules.rest_days_min != 1)}",
    "R6": lambda p, w: f"R6 caps the week's running at {w.volume_cap} min",
    "R8": lambda p, w: f"R8 keeps strength off the {p.rules.race_strength_free_days} days before a race and the "
                       "day after (and caps the taper's volume)",
    "R9": lambda p, w: f"R9 allows only the physiotherapist's rehab ({w.rehab} session{'s' * (w.rehab != 1)} a "
                       "week) from an injury until it is cleared",
    "R10": lambda p, w: f"R10 allows at most {p.rules.max_consecutive_days} training days in a row",
    "R11": lambda p, w: f"R11 keeps each long run within +{p.rules.long_ramp_min} min or +{p.rules.long_ramp_pct} % of "
                        f"the longest of the three weeks before and at most {p.rules.long_share_max} % of its week",
    "R12": lambda p, w: "R12 keeps hard runs (long, quality, race) off consecutive days and long runs 5 days apart",
    "R13": lambda p, w: f"R13 needs {p.rules.strength_before_key_hours} h from a strength session to the next long "
                        "or quality run",
    "busy": lambda p, w: "your busy calendar blocks some of those windows",
}


def suggestions(profile: Profile, busy: tuple[BusyEvent, ...], rules: set[str], most: int = 3) -> list[str]:
    """Relaxations that alone give a plan: parameter changes first, then one more window."""
    found, windows = [], []
    for r in relaxations(profile):
        window = r.advice.startswith("add a window")
        if not r.rules & rules or len(found) >= most or (window and len(windows) >= 3):
            continue
        if _feasible(r.apply(profile), busy):
            (windows if window else found).append(r.advice.removeprefix("add a window on ").replace("(e.g. ", "").rstrip(")"))
    if windows:
        found.append(f"add a window on {join_words(windows, 'or')}")
    return found


def _busy_phrase(profile: Profile, week: WeekTarget, busy: tuple[BusyEvent, ...]) -> str:
    first = dt.datetime.combine(week.monday, dt.time(0), ZoneInfo(profile.timezone))
    inside = [b for b in busy if b.start < first + dt.timedelta(days=7) and b.end > first]
    named = "; ".join(b.describe(first.tzinfo) for b in inside[:2]) + ("; …" if len(inside) > 2 else "")
    return f"your busy calendar takes those windows ({len(inside)} event{'s' * (len(inside) != 1)}: {named})"


def relaxations(profile: Profile) -> list[Relaxation]:
    """Each input the profile may change, relaxed alone by one step, smallest change first."""
    p, r = profile, profile.rules
    found = []

    def rule(**changes) -> Callable[[Profile], Profile]:
        return lambda q: dataclasses.replace(q, rules=dataclasses.replace(q.rules, **changes))

    if r.rest_days_min > 1:
        found.append(Relaxation(frozenset({"R5", "R10"}), f"lower rules.rest_days_min to {r.rest_days_min - 1}",
                                rule(rest_days_min=r.rest_days_min - 1)))
    if r.strength_max > r.strength_min:
        # One strength session fewer frees a day and a slot for every rule that counts them (harness
        # seed 100: seven sessions on seven one-window days, R5's rest day; "no single change" before).
        found.append(Relaxation(frozenset({"R1", "R2", "R3", "R4", "R5", "R10", "R13", "runs", "one a day"}),
                                f"lower rules.strength_max to {r.strength_max - 1}",
                                rule(strength_max=r.strength_max - 1)))
    if r.recovery_hours > 24:
        found.append(Relaxation(frozenset({"R4"}), "lower rules.recovery_hours to 24", rule(recovery_hours=24)))
    if r.max_consecutive_days < 6:
        found.append(Relaxation(frozenset({"R10"}), f"raise rules.max_consecutive_days to {r.max_consecutive_days + 1}",
                                rule(max_consecutive_days=r.max_consecutive_days + 1)))
    if r.strength_before_key_hours > 8:
        lower = max(8, r.strength_before_key_hours - 12)
        found.append(Relaxation(frozenset({"R13"}), f"lower rules.strength_before_key_hours to {lower}",
                                rule(strength_before_key_hours=lower)))
    if r.long_share_max < 60:
        found.append(Relaxation(frozenset({"R11"}), f"raise rules.long_share_max to {min(60, r.long_share_max + 10)}",
                                rule(long_share_max=min(60, r.long_share_max + 10))))
    if r.race_strength_free_days > 1:
        found.append(Relaxation(frozenset({"R8"}), f"lower rules.race_strength_free_days to {r.race_strength_free_days - 1}",
                                rule(race_strength_free_days=r.race_strength_free_days - 1)))
    if p.sessions_per_week > 2:
        found.append(Relaxation(frozenset({"runs", "R2", "R3", "R4", "R5", "R10", "R12", "R13", "one a day", "busy"}),
                                f"lower sessions_per_week to {p.sessions_per_week - 1}",
                                lambda q: dataclasses.replace(q, sessions_per_week=q.sessions_per_week - 1)))
    for day in WEEKDAYS:
        window = _free_window(p.availability.get(day, ()))
        if window is not None:
            found.append(Relaxation(frozenset({"R1", "R2", "R3", "R4", "R5", "R10", "R12", "R13", "runs", "one a day",
                                               "busy"}),
                                    f"add a window on {day} (e.g. {window})", _with_window(day, window)))
    if r.strength_min > 1:
        found.append(Relaxation(frozenset({"R1"}), "lower rules.strength_min to 1", rule(strength_min=1)))
    return found


def _free_window(windows: tuple[Window, ...]) -> Window | None:
    for candidate in (Window(18 * 60, 21 * 60), Window(6 * 60, 8 * 60), Window(12 * 60, 14 * 60)):
        if all(candidate.end <= w.start or w.end <= candidate.start for w in windows):
            return candidate
    return None


def _with_window(day: str, window: Window) -> Callable[[Profile], Profile]:
    def apply(q: Profile) -> Profile:
        availability = dict(q.availability)
        availability[day] = tuple(sorted(availability.get(day, ()) + (window,)))
        return dataclasses.replace(q, availability=availability)
    return apply


def _feasible(profile: Profile, busy: tuple[BusyEvent, ...]) -> bool:
    try:
        precheck(profile, week_targets(profile), busy)
    except NoPlanError:
        return False
    model, _ = build_model(planned_instance(profile, busy))
    model.clear_objective()
    return _solver().solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _solver() -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # sufficient_assumptions_for_infeasibility needs a single worker
    solver.parameters.max_deterministic_time = RELAX_TIME_LIMIT  # machine-independent, like solve.py
    return solver


def join_words(items: list[str], word: str = "and") -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"

