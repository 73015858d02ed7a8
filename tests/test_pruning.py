"""Leaving out interchangeable options (model.pruned_options) must never change the optimum.

Each case is solved twice, with and without pruning: same status, same objective, and the pruned
plan passes the independent checker like every other plan of the suite.
"""

from __future__ import annotations

import dataclasses
import random

import pytest
from ortools.sat.python import cp_model

from solver.model import WHOLE_PLAN, Scope, build_instance, build_model, pruned_options, session_options
from solver.periodization import week_targets
from solver.profile import load_profile, parse_profile
from solver.solve import busy_for, solver_for

from conftest import BASE_PROFILE, EVERY_DAY, MORNINGS_AND_EVENINGS, ROOT, SAMPLES, plan_checked, profile_text

EVENINGS = MORNINGS_AND_EVENINGS

CASES = {
    "every day 06-21": profile_text(BASE_PROFILE, EVERY_DAY),
    "weekday mornings and evenings": profile_text(BASE_PROFILE, EVENINGS),
    "spring-forward week (R3/R4 across a 23 h day)": profile_text(
        BASE_PROFILE.replace("2027-01-04", "2027-03-15").replace("2027-01-31", "2027-04-11"), EVENINGS),
    "advanced, 36 h → 24 h recovery, race": profile_text(BASE_PROFILE.replace("intermediate", "advanced")
                                                         .replace("sessions_per_week = 4", "sessions_per_week = 6"),
                                                         EVENINGS, """
[[race]]
name = "Test 10k"
date = 2027-01-31
distance = "10k"
"""),
    # Pruning runs to a fixpoint (MAX_PRUNING_ROUNDS) with R12's calendar-day pairs left out of
    # R4's thresholds and R13's gaps in: key runs on Mondays, strength 48 h before them, a B race.
    "advanced, long runs on Mondays, R13 at 48 h, B race": profile_text(
        BASE_PROFILE.replace("intermediate", "advanced").replace("sessions_per_week = 4", "sessions_per_week = 6")
        .replace('long_run_day = "sun"', 'long_run_day = "mon"'), EVENINGS, "[rules]\nstrength_before_key_hours = 48\n", """
[[race]]
name = "Test 5k"
date = 2027-01-20
distance = "5k"
priority = "B"
"""),
}


def _optimum(inst) -> tuple[str, int, int]:
    model, v = build_model(inst)
    solver = solver_for(60, 1)
    status = solver.solve(model)
    return solver.status_name(status), round(solver.objective_value), len(v.x)


@pytest.mark.parametrize("name", list(CASES))
def test_pruning_keeps_the_optimum(name):
    profile = parse_profile(CASES[name], f"{name}.toml")
    inst = build_instance(profile, week_targets(profile))
    pruned = _optimum(inst)
    full = _optimum(dataclasses.replace(inst, prune=False))
    assert pruned[:2] == full[:2] == ("OPTIMAL", pruned[1])
    assert pruned[2] < full[2], "nothing was pruned: the case does not exercise pruned_options"
    plan_checked(CASES[name], f"{name}.toml")


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_pruning_keeps_the_optimum_of_the_samples_with_their_busy_calendars(path):
    profile = load_profile(path)
    inst = dataclasses.replace(build_instance(profile, week_targets(profile), busy_for(profile)), allow_drops=False)
    assert _optimum(inst)[:2] == _optimum(dataclasses.replace(inst, prune=False))[:2]


def test_options_no_plan_can_use_are_left_out():
    """Busy time, a race's R3/R4 neighbourhood and R8's strength-free days remove options outright."""
    profile = load_profile(ROOT / "sample_calendars" / "advanced_marathon.toml")
    inst = build_instance(profile, week_targets(profile), busy_for(profile))
    kept = set(pruned_options(inst))
    race = profile.races[0]
    first = inst.weeks[0].monday
    race_day = (race.date - first).days
    every = session_options(inst)
    before_race = [o for o in every if o.kind.value == "strength" and race_day - 4 <= o.day <= race_day + 1]
    assert before_race and not kept.intersection(before_race)  # R8
    buffer = profile.rules.busy_buffer_min
    clashing = [o for o in every if any(o.start < b.end + buffer and b.start - buffer < o.end for b in inst.busy)]
    assert clashing and not kept.intersection(clashing)



def _feasible(inst, scope, pins=()) -> bool:
    model, v = build_model(inst, scope=scope)
    v.fix(model, pins)
    return solver_for(60, 1).solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


@pytest.mark.parametrize("name", list(CASES))
def test_feasibility_pruning_keeps_feasibility_with_pinned_sessions(name):
    """Offers' placement checks (solve.placeable) prune for feasibility alone: equal costs, only
    the hard rules' gaps. A dropped option's replacement works whatever else the plan holds, so
    with any kept options pinned in, the pruned model is feasible exactly when the plain one is.
    Pins of two or three sessions close together make many of the cases infeasible: the edge."""
    profile = parse_profile(CASES[name], f"{name}.toml")
    inst = dataclasses.replace(build_instance(profile, week_targets(profile)), allow_drops=False)
    kept = pruned_options(inst, feasibility=True)
    assert len(kept) < len(pruned_options(inst)), "feasibility pruning keeps no fewer options than the optimum's"
    rng = random.Random(name)
    verdicts = []
    for _ in range(12):
        first = rng.choice(kept)
        near = [o for o in kept if o is not first and abs(o.day - first.day) <= 1]
        pins = [first, *rng.sample(near, min(len(near), rng.choice((1, 2))))]
        pruned = _feasible(inst, Scope(feasibility=True), pins)
        assert pruned == _feasible(dataclasses.replace(inst, prune=False), WHOLE_PLAN, pins), pins
        verdicts.append(pruned)
    assert any(verdicts) and not all(verdicts), f"pins never reached the edge: {verdicts}"
