"""Issue 15: a busy series under a TZID no VTIMEZONE defines, ending with an RRULE UNTIL in UTC at
its last occurrence, kept that last occurrence only west of Greenwich.

Such times are floating (icalendar reads an unknown TZID as no zone; busy.py reads floating times
as the runner's wall clock). recurring-ical-events compared the UTC UNTIL with the floating times
as if they were UTC, so in Sydney (UTC+11) the last occurrence, 07:00 local = 20:00 UTC the day
before, fell "after" UNTIL and a long run was planned on it; `check --busy` agreed, reading the
calendar the same way. The expected occurrences here are written out by hand.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from conftest import STAMP, profile_text

from solver.busy import BusyEvent, read_busy
from solver.check import check_calendar
from solver.ics import plan_to_ical
from solver.profile import parse_profile
from solver.solve import make_plan

SERIES = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Outlook-style export//EN\r
{xwr}BEGIN:VEVENT\r
UID:physio-class@example.com\r
DTSTAMP:20261201T120000Z\r
DTSTART;TZID=Office Standard Time:20270201T070000\r
DTEND;TZID=Office Standard Time:20270201T090000\r
RRULE:FREQ=WEEKLY;UNTIL={until}\r
SUMMARY:Physio class\r
END:VEVENT\r
END:VCALENDAR\r
"""


@pytest.mark.parametrize("zone, until", [
    ("Australia/Sydney", "20270221T200000Z"),  # 2027-02-22 07:00 AEDT: east of Greenwich, was lost
    ("Asia/Kolkata", "20270222T013000Z"),  # 07:00 IST, a half-hour offset
    ("America/New_York", "20270222T120000Z"),  # 07:00 EST: west, was kept
])
def test_an_undefined_tzid_series_keeps_its_last_occurrence(tmp_path, zone, until):
    path = tmp_path / "busy.ics"
    path.write_text(SERIES.format(xwr="", until=until), newline="")
    found = read_busy([path], zone, dt.date(2027, 1, 25), dt.date(2027, 3, 7))
    tz = ZoneInfo(zone)
    want = [dt.datetime(2027, 2, d, 7, 0, tzinfo=tz) for d in (1, 8, 15, 22)]
    assert [e.start for e in found] == want
    assert all(e.end - e.start == dt.timedelta(hours=2) for e in found)


def test_with_x_wr_timezone_the_series_is_that_zones_wall_clock(tmp_path):
    """Google's convention: floating and undefined-TZID times are X-WR-TIMEZONE's (x-wr-timezone)."""
    path = tmp_path / "busy.ics"
    path.write_text(SERIES.format(xwr="X-WR-TIMEZONE:America/St_Johns\r\n", until="20270222T103000Z"), newline="")
    found = read_busy([path], "Australia/Sydney", dt.date(2027, 1, 25), dt.date(2027, 3, 7))
    tz = ZoneInfo("America/St_Johns")
    assert [e.start for e in found] == [dt.datetime(2027, 2, d, 7, 0, tzinfo=tz) for d in (1, 8, 15, 22)]


PROFILE = """
[runner]
name = "Sydney"
timezone = "Australia/Sydney"
level = "intermediate"
sessions_per_week = 3
weekly_minutes = 120
long_run_day = "mon"

[plan]
start = 2027-02-01
end = 2027-02-28

[rules]
busy_buffer_min = 0

[availability]
mon = ["06:00-10:00"]
wed = ["18:00-21:00"]
fri = ["18:00-21:00"]
sat = ["18:00-21:00"]
"""


def test_no_session_is_planned_on_the_last_occurrence(tmp_path):
    """The Monday window is all busy on the four Mondays: nothing may be planned on any of them,
    checked against the occurrences written out by hand (not the same expansion)."""
    path = tmp_path / "busy.ics"
    path.write_text(SERIES.format(xwr="", until="20270221T200000Z").replace("T090000", "T100000")
                    .replace("T070000", "T060000"), newline="")
    profile = parse_profile(profile_text(PROFILE), "p.toml")
    busy = read_busy([path], profile.timezone, dt.date(2027, 2, 1), dt.date(2027, 3, 7))
    plan = make_plan(profile, busy, time_limit=30)
    tz = ZoneInfo(profile.timezone)
    truth = tuple(BusyEvent(dt.datetime(2027, 2, d, 6, 0, tzinfo=tz), dt.datetime(2027, 2, d, 10, 0, tzinfo=tz),
                                "Physio class", str(path)) for d in (1, 8, 15, 22))
    assert not [s for s in plan.sessions if s.start.date() == dt.date(2027, 2, 22)]
    assert check_calendar(plan_to_ical(plan, STAMP), profile, "p.ics", truth) == []
