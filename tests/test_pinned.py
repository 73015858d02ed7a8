"""Pinned-variable tests per hard rule (issue 19), as the cpsat-primer tests its models: build the
model for a two-week instance, pin an assignment that breaks rule X (each pinned option's literal
set to 1) and CP-SAT proves it INFEASIBLE; pin one that keeps X and it is FEASIBLE.

That the breaking pin fails because of X, and not of some other rule, is shown with the model's
explanation guards (Variables.groups, one literal per (rule, week)): with X's guards off (and
those of the rules X is implied by, for R2) the same pin is FEASIBLE again, with them on it is not.

Not pinned here, and why: R6 and R11 bound sums of run lengths, and an option carries only a run
length the periodization chose within R6/R11 for its week, so no choice of options breaks them in
a fresh plan (their rows are exercised by re-plans, tests/test_issue_15_replan.py, and the checker
pairs); R9's pause is kept by option generation (no option other than rehab exists on an injured
day), so there is nothing to pin; R7 is a table lookup.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import pytest
from conftest import BASE_PROFILE, EVERY_DAY, profile_text
from ortools.sat.python import cp_model

from solver.busy import BusyEvent
from solver.domain import Kind
from solver.model import build_model
from solver.shaping import planned_instance
from solver.profile import parse_profile

MONDAY = dt.date(2027, 1, 4)  # day 0 of the instance; week 2 starts on day 7
UTC = dt.timezone.utc  # Europe/London is on UTC in January
Pin = tuple[int, Kind, str]  # (day, kind, local start "HH:MM")
E, Q, L, S = Kind.EASY, Kind.QUALITY, Kind.LONG, Kind.STRENGTH


@dataclass(frozen=True)
class Case:
    breaks: tuple[Pin, ...]
    keeps: tuple[Pin, ...]
    rules: str = ""  # [rules] lines for this case
    runner: str = ""  # [runner] lines added
    races: str = ""
    busy: tuple[BusyEvent, ...] = ()
    implied_by: frozenset[str] = frozenset()  # groups that also forbid the breaking pin (relaxed with it)
    alone: bool = True  # False: an unguarded row forbids the breach too (said where), so no relaxed solve


CASES: dict[str, Case] = {
    # one strength session a week planned (strength_intro_weeks): two break the week's target (and,
    # with the week's three runs, R2's four sessions)
    "R1": Case(breaks=((0, S, "18:00"), (3, S, "18:00")), keeps=((0, S, "18:00"),), implied_by=frozenset({"R2"})),
    # five sessions in week 1 of four: the week's strength target forbids it too
    "R2": Case(breaks=((0, E, "07:00"), (1, Q, "07:00"), (2, S, "18:00"), (4, S, "18:00"), (5, L, "07:00")),
               keeps=((0, E, "07:00"), (1, Q, "07:00"), (2, S, "18:00"), (5, L, "07:00")),
               rules="strength_before_key_hours = 8\nrecovery_hours = 24", implied_by=frozenset({"R1"})),
    "R3": Case(breaks=((1, E, "07:00"), (1, S, "12:00")), keeps=((1, E, "07:00"), (1, S, "18:00"))),
    # Sunday 18:00 and Monday 18:00: under recovery_hours = 36
    "R4": Case(breaks=((6, S, "18:00"), (7, S, "18:00")), keeps=((5, S, "06:00"), (7, S, "18:00"))),
    # five sessions (two of them strength) on five days with three rest days asked for
    "R5": Case(breaks=((0, E, "07:00"), (1, Q, "07:00"), (2, S, "18:00"), (4, S, "18:00"), (5, L, "07:00")),
               keeps=((0, E, "07:00"), (1, Q, "07:00"), (1, S, "18:00"), (4, S, "18:00"), (5, L, "07:00")),
               rules="rest_days_min = 3\nstrength_min = 2\nstrength_intro_weeks = 0\nstrength_before_key_hours = 8\n"
                     "recovery_hours = 24", runner="sessions_per_week = 5"),
    # strength the Friday before a race on Monday (race_strength_free_days = 4)
    "R8": Case(breaks=((4, S, "18:00"),), keeps=((0, S, "18:00"),),
               races='[[race]]\nname = "Test 10k"\ndate = 2027-01-11\ndistance = "10k"\npriority = "B"\n'
                     'start_time = "10:00"\n'),
    # four training days in a row (Monday to Thursday) with max_consecutive_days = 3
    "R10": Case(breaks=((0, Q, "07:00"), (1, E, "07:00"), (2, S, "18:00"), (3, L, "07:00")),
                keeps=((0, Q, "07:00"), (1, E, "07:00"), (2, S, "18:00"), (4, L, "07:00")),
                rules="max_consecutive_days = 3\nstrength_before_key_hours = 8"),
    # quality on Tuesday, long run on Wednesday: 24 h 15 min apart, so R4 (24 h) holds and R12 alone breaks
    "R12": Case(breaks=((1, Q, "07:00"), (2, L, "08:00")), keeps=((1, Q, "07:00"), (3, L, "08:00")),
                rules="recovery_hours = 24"),
    # strength on Tuesday evening, quality run on Wednesday morning: 12 h of the 24 R13 asks
    "R13": Case(breaks=((1, S, "18:00"), (2, Q, "07:00")), keeps=((1, Q, "07:00"), (1, S, "18:00"))),
    # R5's rest-day rows (a day's runs and its rest literal, at most one) also hold a day to one run
    "one a day": Case(breaks=((1, E, "07:00"), (1, Q, "18:00")), keeps=((1, E, "07:00"), (2, Q, "18:00")),
                      alone=False),
    "busy": Case(breaks=((1, E, "07:00"),), keeps=((2, E, "07:00"),),
                 busy=(BusyEvent(dt.datetime(2027, 1, 5, 6, tzinfo=UTC), dt.datetime(2027, 1, 5, 12, tzinfo=UTC),
                                 "Dentist", "family.ics"),)),
}


def _instance(case: Case):
    runner = BASE_PROFILE.replace("end = 2027-01-31", "end = 2027-01-17")
    for change in case.runner.splitlines():  # "key = value" replacing the [runner] line of that key
        key = change.split(" = ")[0]
        runner = "\n".join(change if line.startswith(key + " ") else line for line in runner.splitlines())
    text = profile_text(runner, EVERY_DAY, f"[rules]\n{case.rules}\n" if case.rules else "", case.races)
    inst = planned_instance(parse_profile(text, "pinned.toml"), case.busy)
    return dataclasses.replace(inst, prune=False)  # every option, so that any assignment can be pinned


def _solve(case: Case, pins: tuple[Pin, ...], relaxed: frozenset[str] | None = None) -> int:
    """CP-SAT's status for the instance with `pins` chosen; with `relaxed`, the explanation model
    with those groups' guards off and every other guard on."""
    inst = _instance(case)
    model, v = build_model(inst, explain=relaxed is not None)
    model.clear_objective()  # feasibility is the question, not the best plan
    for day, kind, clock in pins:
        minute = int(clock[:2]) * 60 + int(clock[3:])
        option = next((o for o in v.by_day.get(day, ()) if o.kind is kind and o.clock == minute), None)
        assert option is not None, f"no {kind.value} option on day {day} at {clock}"
        model.add(v.x[option] == 1)
    for (rule, _), guard in v.groups.items():
        model.add(guard == int(rule not in (relaxed or ())))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 60
    return solver.solve(model)


FEASIBLE = (cp_model.OPTIMAL, cp_model.FEASIBLE)


@pytest.mark.parametrize("rule", CASES)
def test_pinning_a_breach_of_the_rule_is_infeasible(rule):
    case = CASES[rule]
    assert _solve(case, case.breaks) == cp_model.INFEASIBLE


@pytest.mark.parametrize("rule", CASES)
def test_pinning_a_plan_that_keeps_the_rule_is_feasible(rule):
    case = CASES[rule]
    assert _solve(case, case.keeps) in FEASIBLE


@pytest.mark.parametrize("rule", [rule for rule, case in CASES.items() if case.alone])
def test_the_breach_is_infeasible_because_of_that_rule(rule):
    case = CASES[rule]
    others = case.implied_by
    assert _solve(case, case.breaks, relaxed=others) == cp_model.INFEASIBLE  # the rule alone still forbids it
    assert _solve(case, case.breaks, relaxed=others | {rule}) in FEASIBLE  # without it the pin stands


def test_every_hard_rule_with_options_to_pin_has_a_case():
    from solver.rules import RULES

    pinned = set(CASES) & set(RULES)
    assert pinned == {r for r, row in RULES.items() if row.tier == "hard"} - {"R6", "R9", "R11"}
