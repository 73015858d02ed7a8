"""Variables.fix() and Variables.extract(): pin an assignment, read a solved one back (the
cpsat-primer's way of testing a model one assignment at a time)."""

from __future__ import annotations

import dataclasses

import pytest
from ortools.sat.python import cp_model

from solver.domain import Kind
from solver.model import (HARD_RULES, SOFT_RULES, build_instance, build_model, new_variables, pruned_options,
                          r3_run_strength_gap, session_options)
from solver.periodization import week_targets
from solver.profile import parse_profile
from solver.solve import solver_for

from conftest import BASE_PROFILE, MORNINGS_AND_EVENINGS, plan_checked, profile_text

TWO_WEEKS = profile_text(BASE_PROFILE.replace("2027-01-31", "2027-01-17"), MORNINGS_AND_EVENINGS)


def _instance(prune: bool):
    profile = parse_profile(TWO_WEEKS, "two-weeks.toml")
    return dataclasses.replace(build_instance(profile, week_targets(profile)), prune=prune)


def _solve(model: cp_model.CpModel) -> tuple[str, cp_model.CpSolver]:
    solver = solver_for(60, 1)
    return solver.status_name(solver.solve(model)), solver


def _without(rule, inst):
    """The whole model but one rule: to show a pinned assignment fails because of that rule."""
    model = cp_model.CpModel()
    v = new_variables(inst, model)
    terms = []
    for r in HARD_RULES + SOFT_RULES:
        if r is not rule:
            terms += r(inst, model, v)
    model.minimize(cp_model.LinearExpr.weighted_sum([t for t, _ in terms], [c for _, c in terms]))
    return model, v


def test_an_extracted_plan_pinned_into_the_plain_model_is_its_optimum_again():
    inst = _instance(prune=True)
    model, v = build_model(inst)
    status, solver = _solve(model)
    assert status == "OPTIMAL"
    chosen = v.extract(solver)
    assert {o.kind for o in chosen} >= {Kind.LONG, Kind.STRENGTH}
    best = round(solver.objective_value)
    # Every option of the unpruned model (the same options: `replace` keeps them) pinned: the
    # chosen ones in, all others out.
    plain, w = build_model(dataclasses.replace(inst, prune=False))
    assert set(chosen) <= set(w.x)
    w.fix(plain, {o: o in chosen for o in w.x})
    status, again = _solve(plain)
    assert status == "OPTIMAL" and round(again.objective_value) == best
    assert w.extract(again) == tuple(o for o in w.x if o in chosen)
    plan_checked(TWO_WEEKS, "two-weeks.toml")  # the plan runcal makes of it passes the checker


def _strength_and_easy_runs(inst):
    options = session_options(inst)
    strength = next(o for o in options if o.kind is Kind.STRENGTH and o.day == 0 and o.clock == 6 * 60)
    runs = [o for o in options if o.kind is Kind.EASY and o.day == 0]
    return strength, runs


def test_pinning_a_run_under_8_h_from_strength_breaks_r3_and_only_r3():
    inst = _instance(prune=False)
    strength, runs = _strength_and_easy_runs(inst)
    close = next(r for r in runs if strength.end <= r.start < strength.end + 8 * 60)
    model, v = build_model(inst)
    v.fix(model, [strength, close])
    assert _solve(model)[0] == "INFEASIBLE"
    model, v = _without(r3_run_strength_gap, inst)
    v.fix(model, [strength, close])
    assert _solve(model)[0] == "OPTIMAL"


def test_pinning_a_run_8_h_or_more_from_strength_keeps_r3():
    inst = _instance(prune=False)
    strength, runs = _strength_and_easy_runs(inst)
    apart = next(r for r in runs if r.start >= strength.end + 8 * 60)
    model, v = build_model(inst)
    v.fix(model, {strength: True, apart: True})
    status, solver = _solve(model)
    assert status == "OPTIMAL"
    assert {strength, apart} <= set(v.extract(solver))


def test_an_option_pruning_dropped_cannot_be_pinned():
    inst = _instance(prune=True)
    kept = set(pruned_options(inst))
    dropped = next(o for o in session_options(inst) if o not in kept)
    model, v = build_model(inst)
    with pytest.raises(ValueError, match="not an option of this model"):
        v.fix(model, [dropped])
