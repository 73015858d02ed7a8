"""The model's compact rows must say exactly what the rules say.

R3, R4 (with its 48 h preference) and R13 are written as maximal cliques, as running sums where
windows are wide, with pairs R12 already keeps apart left out, and over pruned options
(solver/hard_rules.py, solver/variables.py, solver/pruning.py). Each case here is solved twice:
with the model as runcal builds it, and with a plain reference written in this file from
RULES.md's words: every clashing pair of options its own "not both" row, every pair under 48 h
its own row, no pruning. Same status, same optimum, and the production plan passes the
independent checker.
"""

from __future__ import annotations

import dataclasses

import pytest
from ortools.sat.python import cp_model

import solver.model as M
from solver.domain import Kind
from solver.model import build_instance, build_model
from solver.periodization import week_targets
from solver.profile import parse_profile
from solver.solve import solver_for

from conftest import BASE_PROFILE, MORNINGS_AND_EVENINGS, plan_checked, profile_text

KEY_RUNS = (Kind.LONG, Kind.QUALITY)


def _pairs(v, day: int, first_kinds, later_kinds, ahead_days):
    for a in v.options(day, first_kinds):
        for ahead in ahead_days:
            for b in v.options(day + ahead, later_kinds):
                yield a, b


def reference_r3(inst, model, v):
    """R3: a run and a strength session at least 8 h apart, end to start, either way."""
    for day in list(v.by_day):
        for s, r in _pairs(v, day, M.STRENGTH_KINDS, M.RUN_KINDS, (-1, 0, 1)):
            if r.end + 8 * 60 > s.start and s.end + 8 * 60 > r.start:
                model.add_bool_or([v.x[s].Not(), v.x[r].Not()])
    for o in M.near_fixed_r3(inst, v):
        model.add(v.x[o] == 0)
    return []


def reference_r4(inst, model, v):
    """R4: two strength sessions, or two hard runs, at least recovery_hours apart, end to start;
    each pair of days whose chosen sessions are under 48 h apart costs weight_recovery_48h."""
    gap = inst.profile.rules.recovery_hours * 60
    weight = inst.profile.preferences.weight_recovery_48h
    terms = []
    for group in (M.STRENGTH_KINDS, KEY_RUNS):
        for day in list(v.by_day):
            for ahead in (1, 2, 3):
                short = None
                for a, b in _pairs(v, day, group, group, (ahead,)):
                    if b.start - a.end < gap:
                        model.add_bool_or([v.x[a].Not(), v.x[b].Not()])
                    elif b.start - a.end < 48 * 60 and weight:
                        if short is None:
                            short = model.new_bool_var("")
                            terms.append((short, weight))
                        model.add(v.x[a] + v.x[b] - 1 <= short)
    for o in M.near_fixed_r4(inst, v):
        model.add(v.x[o] == 0)
    return terms


def reference_r13(inst, model, v):
    """R13: from the end of a strength session to the start of the next key run, at least
    strength_before_key_hours."""
    gap = inst.profile.rules.strength_before_key_hours * 60
    for day in list(v.by_day):
        for s, k in _pairs(v, day, M.STRENGTH_KINDS, KEY_RUNS, (0, 1, 2, 3)):
            if s.start <= k.start < s.end + gap:
                model.add_bool_or([v.x[s].Not(), v.x[k].Not()])
    for o in M.near_fixed_r13(inst, v):
        model.add(v.x[o] == 0)
    return []


REFERENCE = {M.r3_run_strength_gap: reference_r3, M.r4_same_session_recovery: reference_r4,
             M.r13_strength_before_key: reference_r13}


def reference_model(inst):
    model = cp_model.CpModel()
    v = M.new_variables(dataclasses.replace(inst, prune=False), model)
    terms = []
    for rule in M.HARD_RULES + M.SOFT_RULES:
        terms += REFERENCE.get(rule, rule)(inst, model, v)
    model.minimize(cp_model.LinearExpr.weighted_sum([t for t, _ in terms], [c for _, c in terms]))
    return model


def _solve(model) -> tuple[str, int]:
    solver = solver_for(120, 1)
    status = solver.solve(model)
    return solver.status_name(status), round(solver.objective_value)


NORMAL = MORNINGS_AND_EVENINGS
# Long windows: cliques that would repeat many literals become running sums (LADDER_ABOVE,
# RANGE_WRITTEN_OUT), as on the every-day-free profile.
WIDE = """
[availability]
mon = ["06:00-18:00"]
tue = ["09:00-21:00"]
wed = ["06:00-18:00"]
thu = ["06:00-21:00"]
fri = ["06:00-18:00"]
sat = ["06:00-18:00"]
sun = ["06:00-16:00"]
"""
RACE = """
[[race]]
name = "Test 10k"
date = {date}
distance = "10k"
priority = "{priority}"
"""
ADVANCED = (BASE_PROFILE.replace("intermediate", "advanced").replace("sessions_per_week = 4", "sessions_per_week = 6")
            .replace("weekly_minutes = 120", "weekly_minutes = 280"))

CASES = {
    "advanced, six sessions, B race mid-plan": profile_text(ADVANCED, NORMAL, RACE.format(date="2027-01-17", priority="B")),
    "intermediate, wide windows, two weeks": profile_text(BASE_PROFILE.replace("2027-01-31", "2027-01-17"), WIDE),
    "beginner, 48 h recovery, strength 48 h before key runs": profile_text(
        BASE_PROFILE.replace("intermediate", "beginner").replace("sessions_per_week = 4", "sessions_per_week = 3"),
        NORMAL, "[rules]\nstrength_before_key_hours = 48\n"),
    "across the spring-forward day, R13 at 8 h": profile_text(
        ADVANCED.replace("2027-01-04", "2027-03-15").replace("2027-01-31", "2027-04-04"), NORMAL,
        "[rules]\nstrength_before_key_hours = 8\n"),
    # Strength wanted at dawn, runs at 18:00: R13 (12 h) keeps the same day's key runs to 18:45 on.
    "strength mornings, key runs evenings, R13 at 12 h": profile_text(
        ADVANCED, NORMAL, '[rules]\nstrength_before_key_hours = 12\n',
        '[preferences]\nrun_time = "18:00"\nstrength_time = "06:00"\n'),
    "advanced, A race in week 3": profile_text(ADVANCED.replace("2027-01-31", "2027-01-24"), NORMAL,
                                               RACE.format(date="2027-01-24", priority="A")),
}


@pytest.mark.parametrize("name", list(CASES))
def test_compact_rows_keep_the_plain_models_optimum(name):
    profile = parse_profile(CASES[name], f"{name}.toml")
    inst = dataclasses.replace(build_instance(profile, week_targets(profile)), allow_drops=False)
    model, v = build_model(inst)
    production = _solve(model)
    assert production[0] == "OPTIMAL"
    assert _solve(reference_model(inst)) == production
    plan_checked(CASES[name], f"{name}.toml")


def test_the_wide_case_uses_running_sums():
    """Otherwise the case above would not exercise them."""
    profile = parse_profile(CASES["intermediate, wide windows, two weeks"], "wide.toml")
    model, v = build_model(build_instance(profile, week_targets(profile)))
    assert any(v._prefixes.values()), "no prefix sums were made"
