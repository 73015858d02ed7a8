"""Issue 15, daylight saving: one reading of a race start time the clocks skip, in planner and
checker alike (and the runner told); elapsed minutes in every report, also across the fall-back hour.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
from click.testing import CliRunner
from conftest import EVERY_DAY, plan_checked, profile_text

from cli import main
from solver import report
from solver.check import check_calendar, read_plan
from solver.domain import Kind, Race, wall_clock
from solver.profile import parse_profile

GAP = profile_text("""
[runner]
name = "Gap"
timezone = "{zone}"
level = "intermediate"
sessions_per_week = 4
weekly_minutes = 150

[plan]
start = {start}

[[race]]
name = "Spring 10K"
date = {day}
distance = "10k"
start_time = "{clock}"
""", EVERY_DAY)

# (zone, race day, start time in the gap, the time the clocks show then)
CASES = [
    ("America/New_York", "2027-03-14", "02:30", "03:30"),  # the example
    ("Europe/London", "2027-03-28", "01:00", "02:00"),  # the gap's first minute
    ("Australia/Lord_Howe", "2027-10-03", "02:15", "02:45"),  # a half-hour change
    ("America/Santiago", "2027-09-05", "00:30", "01:30"),  # southern spring, at midnight
]


@pytest.mark.parametrize("zone, day, clock, shown", CASES)
def test_a_race_in_the_spring_forward_gap_is_planned_and_checked_at_the_same_time(zone, day, clock, shown):
    race_day = dt.date.fromisoformat(day)
    text = GAP.format(zone=zone, start=race_day - dt.timedelta(weeks=8), day=day, clock=clock)
    plan, data = plan_checked(text)  # the checker once said "due 02:30 … starts at 03:30"
    race = next(s for s in plan.sessions if s.kind is Kind.RACE)
    assert f"{race.start:%H:%M}" == shown and race.start.date() == race_day
    profile = parse_profile(text)
    assert report.race_time_notes(profile) == [
        f"Spring 10K: {clock} does not exist on {day} (the clocks go forward); the race is at {shown}"]


def test_the_checker_still_rejects_a_race_at_another_time():
    text = GAP.format(zone="America/New_York", start="2027-01-17", day="2027-03-14", clock="02:30")
    _, data = plan_checked(text)
    cal = icalendar.Calendar.from_ical(data)
    event = next(e for e in cal.walk("VEVENT") if str(e.get("X-RUNCAL-KIND")) == "race")
    zone = ZoneInfo("America/New_York")
    for name, hour in (("DTSTART", 4), ("DTEND", 5)):
        del event[name]
        event.add(name, dt.datetime(2027, 3, 14, hour, 30, tzinfo=zone))
    found = [v for v in check_calendar(cal.to_ical(), parse_profile(text)) if v.rule == "R8"]
    assert [v.message for v in found] == [
        "Spring 10K is due 2027-03-14 03:30 (02:30 does not exist that day); the race event that day starts at 04:30"]


def test_runcal_plan_tells_the_runner(tmp_path):
    path = tmp_path / "gap.toml"
    path.write_text(GAP.format(zone="America/New_York", start="2027-01-17", day="2027-03-14", clock="02:30"))
    result = CliRunner().invoke(main, ["plan", str(path), "-o", str(tmp_path / "gap.ics"), "--now", "2026-11-27T08:00:00Z"])
    assert result.exit_code == 0, result.output
    assert "Note: Spring 10K: 02:30 does not exist on 2027-03-14 (the clocks go forward); the race is at 03:30" \
        in result.output


def test_wall_clock_reads_existing_and_repeated_times_as_they_are():
    zone = ZoneInfo("Europe/London")
    assert wall_clock(dt.date(2027, 3, 28), dt.time(9, 0), zone).utcoffset() == dt.timedelta(hours=1)
    first = wall_clock(dt.date(2027, 10, 31), dt.time(1, 30), zone)  # happens twice: the first, BST
    assert first.utcoffset() == dt.timedelta(hours=1) and f"{first:%H:%M}" == "01:30"
    assert Race("x", dt.date(2027, 10, 31), "5k", "A", dt.time(1, 30)).start_note(zone) is None


# A long run from 00:00 on the night the clocks go back (Europe/London, 2027-10-31): 150 minutes
# of running end at 01:30 on the wall clock.
FOLD = """
[runner]
name = "Fold"
timezone = "Europe/London"
level = "advanced"
sessions_per_week = 3
weekly_minutes = 300
long_run_minutes = 150
long_run_day = "sun"

[plan]
start = 2027-10-18
end = 2027-11-07

[durations]
long_max = 180

[preferences]
run_time = "00:00"

[availability]
tue = ["06:00-09:00"]
thu = ["06:00-09:00"]
sun = ["00:00-05:00"]
"""


def test_the_week_table_counts_elapsed_minutes_on_the_night_the_clocks_go_back():
    plan, data = plan_checked(FOLD)
    long_run = next(s for s in plan.sessions if s.start.date() == dt.date(2027, 10, 31))
    assert (f"{long_run.start:%H:%M}", f"{long_run.end:%H:%M}") == ("00:00", "01:30")
    assert long_run.minutes == 150  # was 90: same-zone datetimes subtract as wall-clock times
    checked = read_plan(data, plan.profile)
    rows = [line.split() for line in report.week_table(plan).splitlines()[1:] if line.split()[0].isdigit()]
    # Columns from the right: Run min, Long, Strength, Rest.
    assert [int(r[-4]) for r in rows] == [checked.volume(w) // 60 for w in checked.weeks]
    assert int(rows[1][-4]) == sum(s.minutes for s in plan.sessions if s.week == 2 and s.kind.is_run)
