"""Property: any valid profile gives a plan the independent checker passes, or a typed "no plan"."""

from __future__ import annotations

import datetime as dt

import icalendar
from conftest import STAMP
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from solver.check import check_calendar
from solver.domain import DISTANCES, LEVELS, WEEKDAYS
from solver.errors import NoPlanError, ProfileError, SolverTimeout
from solver.ics import plan_to_ical
from solver.profile import parse_profile
from solver.solve import make_plan

ZONES = ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]
WINDOWS = ["06:00-07:30", "06:30-08:00", "12:00-13:00", "17:30-19:30", "18:00-21:00", "19:00-22:30", "08:00-12:00"]


@st.composite
def profiles(draw) -> str:
    start = dt.date(2027, 1, 4) + dt.timedelta(days=draw(st.integers(0, 330)))
    weeks = draw(st.integers(2, 6))
    end = start + dt.timedelta(weeks=weeks)
    strength_min = draw(st.integers(1, 2))
    lines = [
        "[runner]", 'name = "Prop"', f'timezone = "{draw(st.sampled_from(ZONES))}"',
        f'level = "{draw(st.sampled_from(LEVELS))}"',
        f"sessions_per_week = {draw(st.integers(2, 7))}",
        f"weekly_minutes = {draw(st.integers(30, 400))}",
        f'long_run_day = "{draw(st.sampled_from(WEEKDAYS))}"',
        "[plan]", f"start = {start}", f"end = {end}",
        "[rules]",
        f"strength_min = {strength_min}", f"strength_max = {draw(st.integers(strength_min, 2))}",
        f"recovery_hours = {draw(st.integers(24, 48))}",
        f"rest_days_min = {draw(st.integers(1, 3))}",
        f"ramp_pct = {draw(st.integers(0, 20))}",
        f"cutback_every = {draw(st.sampled_from([0, 3, 4]))}",
        f"max_consecutive_days = {draw(st.integers(3, 6))}",
        "[availability]",
    ]
    for day in WEEKDAYS:
        chosen = sorted(set(draw(st.lists(st.sampled_from(WINDOWS), max_size=2))))
        lines.append(f"{day} = {chosen!r}".replace("'", '"'))
    if draw(st.booleans()):
        lines += ["[[race]]", f"date = {end - dt.timedelta(days=draw(st.integers(0, 6)))}",
                  f'distance = "{draw(st.sampled_from(DISTANCES))}"']
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles())
def test_random_profiles_plan_and_pass_the_checker_or_say_no_plan(text):
    try:
        profile = parse_profile(text, "random.toml")
    except ProfileError as exc:
        assume(False)  # overlapping windows, races outside the plan… rejected with a message
        raise AssertionError from exc
    try:
        plan = make_plan(profile, time_limit=20)
    except NoPlanError as exc:
        assert str(exc).startswith("No plan")
        event(f"no plan: {str(exc)[:40]}")
        return
    except SolverTimeout:  # neither a plan nor a proof: nothing to check (exit code 3 in the CLI)
        event("time limit")
        return
    event("planned")
    data = plan_to_ical(plan, STAMP)
    assert check_calendar(data, profile, "random.toml") == []
    cal = icalendar.Calendar.from_ical(data)
    assert len(cal.walk("VEVENT")) == len(plan.sessions)
