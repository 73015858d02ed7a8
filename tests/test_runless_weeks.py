"""A week the runner's calendar leaves no room for a run (solver/shaping.py): planned as a week
without running, so the weeks after it are shaped as R6's restart and keep their long and quality
runs, instead of being planned for the full build and thinned out by the solver (bench runner 118:
no long run for four weeks before a marathon). Every plan here goes through the independent
checker with the busy calendar; each case has its pair."""

from __future__ import annotations

import datetime as dt

from conftest import STAMP, profile_text

from solver.busy import read_busy
from solver.check import check_calendar
from solver.domain import RUN_KINDS, Kind
from solver.ics import plan_to_ical
from solver.periodization import plan_start
from solver.profile import parse_profile
from solver.replan import replan
from solver.shaping import planned_instance, runless_weeks, shaping_days
from solver.solve import make_plan

PROFILE = """
[runner]
name = "Trip"
timezone = "America/New_York"
level = "advanced"
sessions_per_week = 6
weekly_minutes = 320
long_run_day = "sat"

[plan]
start = 2027-05-24
end = 2027-07-18

[availability]
mon = ["06:30-08:30", "17:30-20:30"]
tue = ["06:00-08:00"]
wed = ["06:00-08:30", "18:30-20:30"]
thu = ["05:30-08:00", "17:30-19:30"]
fri = {fri}
sat = ["08:30-12:00", "14:30-16:30"]
sun = ["07:30-13:30"]

[preferences]
run_time = "07:00"
strength_time = "18:30"
"""

ONE_FRIDAY_SLOT = '["06:00-07:30"]'  # the trip week's only free place: R1's strength session takes it
TWO_FRIDAY_SLOTS = '["06:00-07:30", "15:00-17:00"]'  # room for a run and, R3's 8 h later, strength

# Week 4 (14-20 June 2027): away Monday to Thursday (an all-day event, DTEND exclusive), then a
# weekend away from Friday 17:30: only Friday's daytime windows are left.
TRIP = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//runcal tests//trip//EN\r
BEGIN:VEVENT\r
UID:trip@runcal-tests\r
DTSTAMP:20270101T000000Z\r
DTSTART;VALUE=DATE:20270614\r
DTEND;VALUE=DATE:20270618\r
SUMMARY:Trip to Edinburgh\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:weekend@runcal-tests\r
DTSTAMP:20270101T000000Z\r
DTSTART;TZID=America/New_York:20270618T173000\r
DTEND;TZID=America/New_York:20270620T200000\r
SUMMARY:Weekend away\r
END:VEVENT\r
END:VCALENDAR\r
"""

TRIP_WEEK = 4


def _planned(tmp_path, fri: str):
    text = profile_text(PROFILE.replace("{fri}", fri))
    profile = parse_profile(text, "trip.toml")
    (tmp_path / "trip.ics").write_bytes(TRIP)
    busy = read_busy([tmp_path / "trip.ics"], profile.timezone, plan_start(profile), profile.end + dt.timedelta(days=7))
    plan = make_plan(profile, busy, time_limit=60)
    data = plan_to_ical(plan, STAMP)
    violations = check_calendar(data, profile, "trip.toml", busy)
    assert not violations, "\n".join(map(str, violations))
    return profile, busy, plan, data


def _runs(plan, week: int, kinds=RUN_KINDS) -> list:
    return [s for s in plan.sessions if s.week == week and s.kind in kinds]


def test_a_week_whose_one_free_slot_goes_to_strength_is_planned_without_running(tmp_path):
    profile, busy, plan, _ = _planned(tmp_path, ONE_FRIDAY_SLOT)
    assert _runs(plan, TRIP_WEEK) == [] and _runs(plan, TRIP_WEEK, [Kind.STRENGTH])  # R1 keeps its minimum
    # R6's restart, planned: the weeks after the trip are shaped for what R6 lets them run, so each
    # keeps its long run and its quality run, and nothing after the trip week is left out.
    for week in range(TRIP_WEEK + 1, len(plan.weeks) + 1):
        assert _runs(plan, week, [Kind.LONG]) and _runs(plan, week, [Kind.QUALITY]), week
    assert all(note.startswith(f"week {TRIP_WEEK} ") for note in plan.dropped), plan.dropped
    ran = {w.index: sum(s.minutes for s in _runs(plan, w.index)) for w in plan.weeks}
    before = ran[TRIP_WEEK - 1] or ran[TRIP_WEEK - 2]
    assert ran[TRIP_WEEK + 1] <= profile.rules.restart_pct * before // 100
    assert shaping_days(profile, busy)[TRIP_WEEK] == frozenset()
    assert not any(plan.weeks[TRIP_WEEK - 1].runs.values())


def test_the_same_trip_with_room_for_a_run_is_a_cutback_not_a_break(tmp_path):
    # The pair: a second Friday window lets the week hold a run besides its strength session. The
    # week then runs a little (R6's cutback), and the week after it may return to the full week.
    profile, busy, plan, _ = _planned(tmp_path, TWO_FRIDAY_SLOTS)
    assert shaping_days(profile, busy).get(TRIP_WEEK) != frozenset()
    assert _runs(plan, TRIP_WEEK)
    ran = {w.index: sum(s.minutes for s in _runs(plan, w.index)) for w in plan.weeks}
    assert ran[TRIP_WEEK + 1] > profile.rules.restart_pct * ran[TRIP_WEEK - 1] // 100


def test_runless_weeks_is_a_relaxation_it_never_names_a_week_that_can_run(tmp_path):
    for fri, expected in ((ONE_FRIDAY_SLOT, [TRIP_WEEK]), (TWO_FRIDAY_SLOTS, [])):
        profile = parse_profile(profile_text(PROFILE.replace("{fri}", fri)), "trip.toml")
        (tmp_path / "trip.ics").write_bytes(TRIP)
        busy = read_busy([tmp_path / "trip.ics"], profile.timezone, plan_start(profile),
                         profile.end + dt.timedelta(days=7))
        inst = planned_instance(profile, busy)
        crowded = {w.index: frozenset(range(7)) for w in inst.weeks}  # ask of every week
        # planned_instance already planned the trip week without runs; ask the others
        assert [w for w in runless_weeks(inst, crowded) if w != TRIP_WEEK] == []
        assert (TRIP_WEEK in shaping_days(profile, busy) and not shaping_days(profile, busy)[TRIP_WEEK]) == bool(expected)


def test_a_replan_with_nothing_missed_keeps_the_plan_around_the_trip(tmp_path):
    profile, busy, plan, data = _planned(tmp_path, ONE_FRIDAY_SLOT)
    result = replan(data, "plan.ics", dt.date(2027, 6, 1), profile=profile, stamp=STAMP, busy=busy)
    assert (result.moved, result.resized, result.dropped, result.added) == ([], [], [], []), result.diff()
    assert result.unchanged == len(plan.sessions)  # no race: every session is one the re-plan could move
    violations = check_calendar(result.data, profile, "plan.ics", busy)
    assert not violations, "\n".join(map(str, violations))
