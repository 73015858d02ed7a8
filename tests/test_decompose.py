"""Week-by-week solving (solver/decompose.py) must find the whole model's optimum, never a worse plan.

Each case is solved both ways: the same status and objective, and the week-by-week plan passes
the independent checker (through conftest.plan_checked, which goes through make_plan).
"""

from __future__ import annotations

import dataclasses

import pytest

import solver.decompose as decompose
from solver.model import build_instance
from solver.periodization import week_targets
from solver.profile import load_profile, parse_profile
from solver.solve import busy_for, solver_for

from conftest import BASE_PROFILE, ROOT, SAMPLES, plan_checked, profile_text

WEEKDAY_EVENINGS = """
[availability]
mon = ["06:00-08:00", "18:00-21:00"]
tue = ["06:00-08:00", "18:00-21:00"]
wed = ["06:00-08:00", "18:00-21:00"]
thu = ["06:00-08:00", "18:00-21:00"]
fri = ["06:00-08:00", "17:30-20:00"]
sat = ["07:00-12:00", "14:00-18:00"]
sun = ["07:00-13:00"]
"""

TIGHT = """
[availability]
mon = ["05:30-07:30"]
tue = ["06:00-07:30", "18:30-21:30"]
wed = ["06:30-09:00", "18:00-19:30"]
thu = ["05:30-08:00", "17:30-20:00"]
fri = ["05:30-08:00", "17:30-20:30"]
sat = ["07:30-10:30", "14:00-18:00"]
sun = ["08:00-14:00"]
"""

RACE = """
[[race]]
name = "Goal half"
date = {date}
distance = "half"
priority = "A"
"""

CASES = {
    # Repeated weeks: solved once and shifted; no boundary fails.
    "ten weeks, weekday mornings and evenings": profile_text(
        BASE_PROFILE.replace("2027-01-31", "2027-03-14"), WEEKDAY_EVENINGS),
    # Six sessions, one rest day: the weeks' own optima clash at their boundaries (R10, 48 h), so
    # boundaries are mended or blocks merged.
    "advanced, six sessions, tight windows": profile_text(
        BASE_PROFILE.replace("intermediate", "advanced").replace("sessions_per_week = 4", "sessions_per_week = 6")
        .replace("weekly_minutes = 120", "weekly_minutes = 300").replace("2027-01-31", "2027-02-28"),
        TIGHT, RACE.format(date="2027-02-28")),
    # R12 and R13 across the week boundary: long runs on Mondays (5 days from the last one, not
    # next to a quality run on Sunday), strength 48 h before a key run, a B race on a Wednesday.
    "long runs on Mondays, strength 48 h before key runs, a midweek B race": profile_text(
        BASE_PROFILE.replace("intermediate", "advanced").replace("sessions_per_week = 4", "sessions_per_week = 6")
        .replace("weekly_minutes = 120", "weekly_minutes = 300").replace('long_run_day = "sun"', 'long_run_day = "mon"')
        .replace("2027-01-31", "2027-02-28"),
        WEEKDAY_EVENINGS, "[rules]\nstrength_before_key_hours = 48\n",
        RACE.format(date="2027-02-10").replace('"half"', '"10k"').replace('"A"', '"B"')),
    # The clocks go forward on 2027-03-28: that week is not shifted from another one.
    "across the spring-forward week": profile_text(
        BASE_PROFILE.replace("2027-01-04", "2027-03-08").replace("2027-01-31", "2027-04-25"), WEEKDAY_EVENINGS,
        RACE.format(date="2027-04-25")),
}


def test_a_boundary_whose_sunday_or_monday_cannot_train_is_not_charged():
    """With no availability on Sunday and Monday the spread pair across every boundary costs 0
    whatever the weeks do: charging it would make the bound loose and merge every week."""
    text = profile_text(BASE_PROFILE.replace("2027-01-31", "2027-03-28").replace('long_run_day = "sun"', 'long_run_day = "sat"'),
                        WEEKDAY_EVENINGS.replace('mon = ["06:00-08:00", "18:00-21:00"]', "mon = []")
                        .replace('sun = ["07:00-13:00"]', "sun = []"))
    profile = parse_profile(text, "no-sun-mon.toml")
    inst = build_instance(profile, week_targets(profile))
    by_weeks, whole = _both(inst)
    assert (by_weeks.status, by_weeks.objective) == (whole.status, whole.objective)
    assert by_weeks.blocks == len(inst.weeks)


def _both(inst) -> tuple[decompose.Outcome, decompose.Outcome]:
    new_solver = lambda small=False: solver_for(60, 1, small)  # noqa: E731
    assert decompose.decomposable(inst)
    return decompose.solve_instance(inst, new_solver, by_weeks=True), decompose.solve_model(inst, new_solver())


@pytest.mark.parametrize("name", list(CASES))
def test_week_by_week_finds_the_whole_models_optimum(name):
    profile = parse_profile(CASES[name], f"{name}.toml")
    by_weeks, whole = _both(build_instance(profile, week_targets(profile)))
    assert by_weeks.status == whole.status == 4  # cp_model.OPTIMAL
    assert by_weeks.objective == whole.objective
    assert by_weeks.blocks > 1, "solved as one block: the case does not exercise the decomposition"
    plan_checked(CASES[name], f"{name}.toml")


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_week_by_week_finds_the_optimum_of_the_samples_with_their_busy_calendars(path):
    profile = load_profile(path)
    inst = dataclasses.replace(build_instance(profile, week_targets(profile), busy_for(profile)), allow_drops=False)
    by_weeks, whole = _both(inst)
    assert (by_weeks.status, by_weeks.objective) == (whole.status, whole.objective)


def test_failing_boundaries_are_mended_or_merged(monkeypatch):
    calls = []
    real = decompose._repair

    def spy(*args):
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(decompose, "_repair", spy)
    # Seven sessions on the tight windows: some weeks' own optima clash at their boundaries.
    text = CASES["advanced, six sessions, tight windows"].replace("sessions_per_week = 6", "sessions_per_week = 7")
    profile = parse_profile(text, "tight.toml")
    by_weeks, whole = _both(build_instance(profile, week_targets(profile)))
    assert calls, "no boundary failed: the case no longer exercises _repair"
    assert by_weeks.objective == whole.objective


def test_a_week_with_no_solution_makes_the_whole_plan_infeasible():
    """A block is a relaxation: no solution for a week alone means none for the plan (then explain.py speaks).
    Friday is the only day to train and R1 asks for two strength sessions a week: a day holds one."""
    text = profile_text(BASE_PROFILE, '[availability]\nfri = ["06:00-21:00"]\n',
                        "[rules]\nstrength_min = 2\nstrength_intro_weeks = 0\n")
    profile = parse_profile(text, "thin.toml")
    by_weeks, whole = _both(build_instance(profile, week_targets(profile)))
    assert by_weeks.status == whole.status == 3  # cp_model.INFEASIBLE


def test_the_whole_model_is_chosen_where_week_by_week_does_not_pay():
    """Busy time cutting into the weeks (the marathon sample's calendar), or fewer than half the
    weeks repeats (ten weeks of a build): the whole model. 39 weeks, most of them alike: week by week."""
    marathon = load_profile(ROOT / "sample_calendars" / "advanced_marathon.toml")
    inst = dataclasses.replace(build_instance(marathon, week_targets(marathon), busy_for(marathon)), allow_drops=False)
    assert decompose.decomposable(inst) and not decompose.worth_decomposing(inst)
    ten = parse_profile(CASES["ten weeks, weekday mornings and evenings"], "ten.toml")
    assert not decompose.worth_decomposing(build_instance(ten, week_targets(ten)))
    long = parse_profile(profile_text(BASE_PROFILE.replace("2027-01-31", "2027-10-03"), WEEKDAY_EVENINGS), "long.toml")
    inst = build_instance(long, week_targets(long))
    assert decompose.worth_decomposing(inst)
    new_solver = lambda small=False: solver_for(60, 1, small)  # noqa: E731
    chosen = decompose.solve_instance(inst, new_solver)
    assert chosen.blocks > 1 and (chosen.status, chosen.objective) == (4, decompose.solve_model(inst, new_solver()).objective)


def test_a_chosen_decomposition_gives_up_after_one_round_of_repairs(monkeypatch):
    """Chosen automatically, week by week hands a plan whose candidate keeps failing to the whole
    model after REPAIR_ROUNDS rounds; the answer is the whole model's optimum all the same."""
    rounds = []
    real = decompose._repair
    monkeypatch.setattr(decompose, "_repair", lambda *args: rounds.append(1) or real(*args))
    monkeypatch.setattr(decompose, "worth_decomposing", lambda inst: True)
    profile = parse_profile(CASES["advanced, six sessions, tight windows"], "tight.toml")
    inst = build_instance(profile, week_targets(profile))
    new_solver = lambda small=False: solver_for(60, 1, small)  # noqa: E731
    auto = decompose.solve_instance(inst, new_solver)
    assert len(rounds) <= decompose.REPAIR_ROUNDS
    assert (auto.status, auto.objective) == (4, decompose.solve_model(inst, new_solver()).objective)
