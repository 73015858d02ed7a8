"""The soft rules: placing each planned session (weighted above everything else) and the runner's
preferences, each returned as (literal or expression, weight) terms for build_model's one objective.
R4's 48 h preference is written with R4's rows (solver/hard_rules.py), whose cliques it shares."""

from __future__ import annotations

from ortools.sat.python import cp_model

from .domain import WEEKDAYS, Kind
from .instance import Instance, Option, week_days
from .variables import Rule, Terms, Variables


TIME_COST_CAP_HOURS = 6


# Leaving a planned session out costs more than every preference of a week together.
DROP_WEIGHT = {Kind.LONG: 1500, Kind.QUALITY: 1200, Kind.EASY: 1000, Kind.STRENGTH: 800, Kind.REHAB: 800}


def place_planned_sessions(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """Soft, weighted above every other preference: place each planned session. A session is left
    out only when busy time or the hard rules leave it no place; the plan reports it."""
    terms: Terms = []
    for week in inst.weeks:
        days = week_days(inst, week)
        for kind, count in week.planned.items():
            count -= inst.history.done.get((week.index, kind), 0)
            if count > 0:
                placed = sum(v.x[o] for d in days for o in v.options(d, [kind]))
                terms.append((count - placed, DROP_WEIGHT[kind]))
    return terms


def drop_cost_bound(inst: Instance) -> int:
    """The most place_planned_sessions' terms can cost: every planned session left out."""
    total = 0
    for week in inst.weeks:
        for kind, count in week.planned.items():
            total += max(0, count - inst.history.done.get((week.index, kind), 0)) * DROP_WEIGHT[kind]
    return total


def prefer_times_of_day(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """Soft: start runs near run_time and strength near strength_time, per hour away; capped so a
    runner free only in the evening is not pushed onto the weekend by a morning wish."""
    return [(lit, cost) for o, lit in v.x.items() if (cost := time_cost(inst, o))]


def time_cost(inst: Instance, o: Option) -> int:
    prefs = inst.profile.preferences
    wanted = prefs.strength_time if o.kind.is_strength else prefs.run_time
    return prefs.weight_time * min(TIME_COST_CAP_HOURS, abs(o.clock - wanted) // 60)


def prefer_long_run_day(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """Soft: the long run on the runner's preferred day."""
    return [(lit, cost) for o, lit in v.x.items() if (cost := long_day_cost(inst, o))]


def long_day_cost(inst: Instance, o: Option) -> int:
    if o.kind is not Kind.LONG:
        return 0
    off = (inst.epoch.weekday() + o.day) % 7 != WEEKDAYS.index(inst.profile.long_run_day)
    return inst.profile.preferences.weight_long_run_day if off else 0


def prefer_spread(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """Soft: sessions spread over the week — each pair of back-to-back training days costs a little."""
    weight = inst.profile.preferences.weight_spread
    if not weight:
        return []
    terms: Terms = []
    days = sorted(v.rest)
    for a, b in zip(days, days[1:]):
        both = model.new_bool_var(f"back_to_back({inst.date(a)})")
        model.add(both >= 1 - v.rest[a] - v.rest[b])
        terms.append((both, weight))
    # Part of a plan solved block by block (decompose.py): the pair across each open end costs at
    # least weight * (trained before + trained after - 1), charged here as weight * trained on
    # this side; the block before pays the -weight (in decompose.py's bound).
    for day, is_open in zip((days[0], days[-1]), v.scope.open_ends):
        if is_open:
            terms.append((1 - v.rest[day], weight))
    return terms


SOFT_RULES: tuple[Rule, ...] = (place_planned_sessions, prefer_times_of_day, prefer_long_run_day, prefer_spread)
