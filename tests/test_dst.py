"""Daylight-saving weeks: R3/R4 hours are real elapsed hours (RULES.md: a DST day is 23 or 25 h)."""

from __future__ import annotations

import datetime as dt

from conftest import plan_checked

from solver.domain import Kind
from solver.timeline import Timeline

# A Saturday-evening run and a Sunday-morning strength session are 8 h 15 min apart on an
# ordinary weekend, but only 7 h 15 min apart on the night the clocks go forward (28 March 2027).
PROFILE = """
[runner]
name = "DST"
timezone = "Europe/London"
level = "intermediate"
sessions_per_week = 2
weekly_minutes = 40
long_run_minutes = 40
long_run_day = "sat"

[plan]
start = 2027-03-15
end = 2027-04-04

[availability]
wed = ["18:00-19:00"]
sat = ["21:00-22:00"]
sun = ["06:00-07:00"]

[durations]
strength = 30
easy_min = 20

[rules]
cutback_every = 0
strength_intro_weeks = 0

[preferences]
run_time = "21:00"
strength_time = "06:00"
weight_spread = 0
"""


def test_timeline_counts_real_hours_across_the_change():
    tl = Timeline.starting(dt.date(2027, 3, 22), "Europe/London")
    sat = tl.minutes(tl.local(dt.date(2027, 3, 27), 22 * 60))
    sun = tl.minutes(tl.local(dt.date(2027, 3, 28), 6 * 60))
    assert sun - sat == 7 * 60
    assert tl.local(dt.date(2027, 3, 28), 60 + 30) is None  # 01:30 does not exist that night
    autumn = Timeline.starting(dt.date(2027, 10, 25), "Europe/London")
    assert autumn.local(dt.date(2027, 10, 31), 60 + 30) is None  # 01:30 happens twice: never planned


def test_r3_holds_in_real_hours_in_the_dst_week():
    plan, _ = plan_checked(PROFILE, "dst.toml")
    by_week = {w.index: [s for s in plan.sessions if s.week == w.index] for w in plan.weeks}

    def weekend_pair(sessions):
        run = next(s for s in sessions if s.kind.is_run)
        strength = next(s for s in sessions if s.kind is Kind.STRENGTH)
        return run.start.weekday() == 5 and strength.start.weekday() == 6, run, strength

    ordinary, run, strength = weekend_pair(by_week[1])
    assert ordinary, "the ordinary weekend should tempt: run Saturday night, strength Sunday morning"
    assert (strength.start - run.end) >= dt.timedelta(hours=8)
    dst_pair, run, strength = weekend_pair(by_week[2])
    assert not dst_pair, "on the DST night that pair is only ~7 h apart: R3 must move a session"
    assert abs(strength.start - run.end) >= dt.timedelta(hours=8) or abs(run.start - strength.end) >= dt.timedelta(hours=8)
    assert by_week[3][0].start.utcoffset() == dt.timedelta(hours=1)  # BST from then on
