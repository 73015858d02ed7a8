"""A run missed in a week that is not over yet (solver/replan.py's `_ran`, weeks ahead): the weeks
after it are re-derived from what that week still holds, as they are when the same miss is
reported once the week is over. Before, they kept their planned runs, R6's ramp from the smaller
week capped them, and runs of fixed lengths could only be dropped: one missed quality run of the
marathon sample dropped a run from seven later weeks (a quality run among them). Every re-plan
here goes through the independent checker with the busy calendar."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from conftest import ROOT, STAMP

from solver.check import check_calendar
from solver.domain import RUN_KINDS, Kind
from solver.ics import plan_to_ical
from solver.profile import load_profile
from solver.replan import replan
from solver.solve import busy_for, make_plan

SAMPLE = ROOT / "sample_calendars" / "advanced_marathon.toml"
LATER = STAMP + dt.timedelta(days=60)


@pytest.fixture(scope="module")
def sample():
    profile = load_profile(SAMPLE)
    busy = busy_for(profile)
    plan = make_plan(profile, busy)
    return profile, busy, plan, plan_to_ical(plan, STAMP)


def _checked(result, profile, busy):
    violations = check_calendar(result.data, profile, str(SAMPLE), busy)
    assert not violations, "\n".join(map(str, violations))
    return result


def _week_runs(data: bytes, first: dt.date) -> dict[int, list[int]]:
    """Week -> the minutes of each live run (not cancelled), read back from the file."""
    found: dict[int, list[int]] = {}
    runs = {k.value for k in RUN_KINDS}
    for e in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        if str(e.get("STATUS")) == "CANCELLED" or str(e["X-RUNCAL-KIND"]) not in runs:
            continue
        start, end = e.decoded("DTSTART"), e.decoded("DTEND")
        week = (start.date() - first).days // 7 + 1
        found.setdefault(week, []).append(int((end - start).total_seconds() // 60))
    return found


def test_a_quality_run_missed_mid_week_drops_nothing_later(sample):
    profile, busy, plan, data = sample
    missed = next(s for s in plan.sessions if s.week == 9 and s.kind is Kind.QUALITY)
    day = missed.start.date()
    result = _checked(replan(data, str(SAMPLE), day + dt.timedelta(days=1), missed=[f"{day}:quality"],
                             profile=profile, stamp=LATER, busy=busy), profile, busy)
    # Only the missed run itself is left out; the weeks after it follow R6 with shorter runs.
    assert [what for what, _ in result.dropped] == [f"quality run {missed.start:%Y-%m-%d %H:%M}"], result.diff()
    assert result.resized and all(why.rule.startswith("R6") for *_, why in result.resized), result.diff()
    before, after = _week_runs(data, plan.weeks[0].monday), _week_runs(result.data, plan.weeks[0].monday)
    for week in range(10, len(plan.weeks) + 1):
        assert len(after.get(week, [])) == len(before.get(week, [])), week
    assert sum(after[10]) <= (100 + profile.rules.ramp_pct) * sum(after[9]) // 100


def test_the_same_miss_reported_after_its_week_plans_the_same_weeks_after_it(sample):
    # The pair: reported on the Monday after, the week is over and was always re-derived from what
    # it ran. Reported the day after the miss, the weeks after it now come out the same.
    profile, busy, plan, data = sample
    missed = next(s for s in plan.sessions if s.week == 9 and s.kind is Kind.QUALITY)
    day = missed.start.date()
    monday_after = plan.weeks[9].monday
    early = _checked(replan(data, str(SAMPLE), day + dt.timedelta(days=1), missed=[f"{day}:quality"],
                            profile=profile, stamp=LATER, busy=busy), profile, busy)
    late = _checked(replan(data, str(SAMPLE), monday_after, missed=[f"{day}:quality"],
                           profile=profile, stamp=LATER, busy=busy), profile, busy)
    early_runs, late_runs = _week_runs(early.data, plan.weeks[0].monday), _week_runs(late.data, plan.weeks[0].monday)
    for week in range(10, len(plan.weeks) + 1):
        assert sorted(early_runs.get(week, [])) == sorted(late_runs.get(week, [])), week


def test_a_replan_of_it_with_nothing_new_changes_nothing(sample):
    profile, busy, plan, data = sample
    missed = next(s for s in plan.sessions if s.week == 9 and s.kind is Kind.QUALITY)
    day = missed.start.date()
    first = replan(data, str(SAMPLE), day + dt.timedelta(days=1), missed=[f"{day}:quality"],
                   profile=profile, stamp=LATER, busy=busy)
    for today in (day + dt.timedelta(days=1), plan.weeks[9].monday):
        again = _checked(replan(first.data, str(SAMPLE), today, profile=profile, stamp=LATER, busy=busy), profile, busy)
        assert (again.moved, again.resized, again.dropped) == ([], [], []), again.diff()


def test_a_missed_strength_session_re_derives_nothing(sample):
    # Runs all still planned: the week is as its targets planned it, and nothing after it changes.
    profile, busy, plan, data = sample
    missed = next(s for s in plan.sessions if s.week == 9 and s.kind is Kind.STRENGTH)
    day = missed.start.date()
    result = _checked(replan(data, str(SAMPLE), day + dt.timedelta(days=1), missed=[f"{day}:strength"],
                             profile=profile, stamp=LATER, busy=busy), profile, busy)
    assert result.resized == [] and [w for w, _ in result.dropped] == [f"strength {missed.start:%Y-%m-%d %H:%M}"], \
        result.diff()
