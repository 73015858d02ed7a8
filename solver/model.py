"""The CP-SAT model, in the layers of the cpsat-primer's examples, each its own module:

- instance data (solver/instance.py): Instance, History, FixedSession, Busy, Option, build_instance;
- variables (solver/variables.py): Variables, with fix() and extract(), and the compact rows;
- options (solver/options.py) and pruning (solver/pruning.py): where sessions could go;
- hard rules (solver/hard_rules.py): one function per rule ID;
- soft rules (solver/soft_rules.py): placing planned sessions and the runner's preferences;
- here: build_model, the one place the objective is minimised.

The names other modules and tests import from solver.model are re-exported here.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from .domain import RUN_KINDS, STRENGTH_KINDS
from .hard_rules import (ANY_KIND, HARD_RULES, HARD_RUNS, LONG_APART_DAYS, MAX_SESSIONS_PER_DAY, PREFER_GAP_MINUTES,
                         R4_GROUPS, availability, fixed_volumes_hold, flexible, near_fixed_r3, near_fixed_r4, near_fixed_r12,
                         near_fixed_r13, one_run_and_one_strength_a_day, quality_after_races, r1_strength_per_week,
                         r2_replace_dont_add, r3_run_strength_gap, r4_same_session_recovery, r5_rest_days, r6_build_slowly,
                         r8_race_preparation, r9_injury, r10_consecutive_days, r11_long_run, r12_apart,
                         r12_hard_days_apart, r13_strength_before_key, strength_near_races, week_volume)
from .instance import (WHOLE_PLAN, Busy, FixedSession, History, Instance, Option, Scope, build_instance, first_day,
                       fixed_day, fixed_on, in_past, week_days)
from .options import GRID_MINUTES, blocked_weeks, free_days, overlapping_busy, session_options
from .pruning import MAX_PRUNING_ROUNDS, option_costs, pruned_options
from .soft_rules import (DROP_WEIGHT, SOFT_RULES, TIME_COST_CAP_HOURS, drop_cost_bound, long_day_cost,
                         place_planned_sessions, prefer_long_run_day, prefer_spread, prefer_times_of_day, time_cost)
from .variables import LADDER_ABOVE, RANGE_WRITTEN_OUT, Rule, Sorted, Terms, Variables, indexed

__all__ = [
    "ANY_KIND", "DROP_WEIGHT", "GRID_MINUTES", "HARD_RULES", "HARD_RUNS", "LADDER_ABOVE", "LONG_APART_DAYS",
    "MAX_PRUNING_ROUNDS", "MAX_SESSIONS_PER_DAY", "PREFER_GAP_MINUTES", "R4_GROUPS", "RANGE_WRITTEN_OUT", "RUN_KINDS",
    "SOFT_RULES", "STRENGTH_KINDS", "TIME_COST_CAP_HOURS", "WHOLE_PLAN", "Busy", "FixedSession", "History", "Instance",
    "Option", "Rule", "Scope", "Sorted", "Terms", "Variables", "availability", "blocked_weeks", "build_instance",
    "build_model", "drop_cost_bound",
    "first_day", "fixed_day", "fixed_on", "fixed_volumes_hold", "flexible", "free_days", "in_past", "indexed",
    "long_day_cost", "near_fixed_r3", "near_fixed_r4", "near_fixed_r12", "near_fixed_r13", "new_variables",
    "one_run_and_one_strength_a_day", "option_costs", "overlapping_busy", "place_planned_sessions",
    "prefer_long_run_day", "prefer_spread", "prefer_times_of_day", "pruned_options", "quality_after_races",
    "r1_strength_per_week", "r2_replace_dont_add", "r3_run_strength_gap", "r4_same_session_recovery", "r5_rest_days",
    "r6_build_slowly", "r8_race_preparation", "r9_injury", "r10_consecutive_days", "r11_long_run", "r12_apart",
    "r12_hard_days_apart", "r13_strength_before_key", "session_options", "strength_near_races", "time_cost",
    "week_days", "week_volume",
]


def new_variables(inst: Instance, model: cp_model.CpModel, explain: bool = False, scope: Scope = WHOLE_PLAN
                  ) -> Variables:
    v = Variables(explain=explain, scope=scope)
    prune = inst.prune and not explain and scope.only is None
    for o in pruned_options(inst, scope.feasibility) if prune else session_options(inst, scope):
        v.x[o] = model.new_bool_var(f"{o.kind.value}[day {o.day} {o.clock // 60:02d}:{o.clock % 60:02d}]")
        v.by_day[o.day].append(o)
    for week in inst.weeks:
        for day in week_days(inst, week):
            v.rest[day] = model.new_bool_var(f"rest[{inst.date(day)}]")
    return v


def build_model(inst: Instance, explain: bool = False, scope: Scope = WHOLE_PLAN) -> tuple[cp_model.CpModel, Variables]:
    """The model of `inst` (of the part of it `scope` names: decompose.py's blocks), with the
    hard rules as constraints and the soft rules' terms as the one objective."""
    model = cp_model.CpModel()
    v = new_variables(inst, model, explain, scope)
    terms: Terms = []
    for rule in HARD_RULES if scope.feasibility else HARD_RULES + SOFT_RULES:
        terms += rule(inst, model, v)
    v.objective = cp_model.LinearExpr.weighted_sum([lit for lit, _ in terms], [coef for _, coef in terms])
    if not scope.feasibility:
        model.minimize(v.objective)
    return model, v
