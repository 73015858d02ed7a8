"""Busy calendars (issue 3): reading the runner's own calendars and planning around them.

Layout after python-recurring-ical-events: every tricky calendar is a small file in
`tests/calendars/`, exposed as a fixture named after the file. Each fixture of a valid calendar
runs twice, on the file as written and with its VEVENTs in reversed order (RFC 5545 imposes no
order): the same tests must give the same occurrences and the same plan.

Every plan made here goes through the independent checker with the same busy events, and through
an explicit overlap test of its own (session vs. occurrence ± buffer).
"""

from __future__ import annotations

import datetime as dt
import re
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from conftest import ROOT, STAMP, profile_text

from cli import main
from solver.busy import BusyEvent, read_busy
from solver.check import check_calendar
from solver.domain import Kind, Plan
from solver.errors import CalendarError
from solver.ics import plan_to_ical
from solver.profile import load_profile, parse_profile
from solver.solve import busy_for, make_plan

CALENDARS = ROOT / "tests" / "calendars"
SAMPLE = ROOT / "sample_calendars" / "advanced_marathon.toml"
GOOGLE_EXPORT = ROOT / "sample_calendars" / "busy_google_export.ics"
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
UTC = dt.timezone.utc
NOW = "2026-11-27T08:00:00Z"
BAD = ("not_icalendar", "truncated")  # files that must be refused, not read
JAN4, JAN17, JAN24 = dt.date(2027, 1, 4), dt.date(2027, 1, 17), dt.date(2027, 1, 24)


def at(text: str, zone: dt.tzinfo = LONDON) -> dt.datetime:
    """'2027-01-05 06:30' as a wall-clock time in `zone` (the runner's, London, by default)."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=zone)


def occurrences(path: Path, first: dt.date = JAN4, last: dt.date = JAN17, all_day: str = "opaque",
                zone: str = "Europe/London") -> list[tuple[dt.datetime, dt.datetime, str]]:
    return [(e.start, e.end, e.summary) for e in read_busy([path], zone, first, last, all_day)]


def local(moment: dt.datetime) -> str:
    return f"{moment.astimezone(LONDON):%Y-%m-%d %H:%M}"


# -- the calendar files as fixtures ----------------------------------------------------------

def reverse_events(data: bytes) -> bytes:
    """The same calendar with its VEVENT components in reversed order (other components stay)."""
    text = data.decode()
    spans = [m.span() for m in re.finditer(r"BEGIN:VEVENT\r?\n.*?END:VEVENT\r?\n", text, re.S)]
    blocks = [text[a:b] for a, b in spans]
    out, last = [], 0
    for (a, b), block in zip(spans, reversed(blocks)):
        out += [text[last:a], block]
        last = b
    return ("".join(out) + text[last:]).encode()


@pytest.fixture(scope="session", params=["as_written", "reversed"])
def order(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def reversed_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("reversed")


def calendar_path(name: str, order: str, folder: Path) -> Path:
    """The calendar file, or a copy (same file name) with its events reversed."""
    path = CALENDARS / f"{name}.ics"
    if order == "as_written":
        return path
    data = path.read_bytes()
    flipped = reverse_events(data)
    if data.count(b"BEGIN:VEVENT") > 1:
        assert flipped != data, f"{name}: reversing its events changed nothing"
    copy = folder / path.name
    copy.write_bytes(flipped)
    return copy


def _valid_fixture(name: str):
    @pytest.fixture
    def fixture(order, reversed_dir) -> Path:
        return calendar_path(name, order, reversed_dir)
    fixture.__doc__ = f"tests/calendars/{name}.ics, as written and with its events reversed."
    return fixture


def _bad_fixture(name: str):
    @pytest.fixture
    def fixture() -> Path:
        return CALENDARS / f"{name}.ics"
    fixture.__doc__ = f"tests/calendars/{name}.ics (must be refused)."
    return fixture


CALENDAR_NAMES = sorted(p.stem for p in CALENDARS.glob("*.ics"))
for _name in CALENDAR_NAMES:
    globals()[_name] = (_bad_fixture if _name in BAD else _valid_fixture)(_name)


def test_reverse_events_keeps_every_event():
    data = (CALENDARS / "recurrence_id.ics").read_bytes()
    flipped = reverse_events(data)
    assert flipped != data and sorted(flipped.splitlines()) == sorted(data.splitlines())
    assert flipped.index(b"RECURRENCE-ID") < flipped.index(b"RRULE:FREQ=WEEKLY")


# -- reading: the occurrences that matter ----------------------------------------------------

def test_rrule_count_stops_after_count(rrule_count):
    assert occurrences(rrule_count, JAN4, JAN24) == [
        (at("2027-01-05 06:30"), at("2027-01-05 08:00"), "Physio course"),
        (at("2027-01-12 06:30"), at("2027-01-12 08:00"), "Physio course"),
    ]


def test_rrule_until_includes_until_and_stops(rrule_until):
    assert occurrences(rrule_until, JAN4, JAN24) == [
        (at("2027-01-07 06:30"), at("2027-01-07 08:00"), "Breakfast briefing"),
        (at("2027-01-14 06:30"), at("2027-01-14 08:00"), "Breakfast briefing"),
    ]


def test_rrule_byday_several_days(rrule_byday):
    found = occurrences(rrule_byday, JAN4, JAN24)
    assert [local(s) for s, _, _ in found] == [
        "2027-01-04 06:30", "2027-01-06 06:30", "2027-01-08 06:30",
        "2027-01-11 06:30", "2027-01-13 06:30", "2027-01-15 06:30",
    ]
    assert all(e - s == dt.timedelta(hours=1) for s, e, _ in found)


def test_exdate_removes_those_days(exdate):
    days = [s.astimezone(LONDON).day for s, _, _ in occurrences(exdate, JAN4, JAN24)]
    assert days == [4, 5, 7, 8, 10, 11, 12, 14, 15, 16, 17]  # COUNT=14 from the 4th, less 6, 9, 13


def test_rdate_adds_those_days_only(rdate):
    assert [local(s) for s, _, _ in occurrences(rdate, JAN4, JAN24)] == [
        "2027-01-05 06:30", "2027-01-08 06:30", "2027-01-14 06:30"]


def test_recurrence_id_moves_and_renames_one_occurrence(recurrence_id):
    assert occurrences(recurrence_id, JAN4, JAN24) == [
        (at("2027-01-06 06:30"), at("2027-01-06 08:00"), "Choir rehearsal"),
        (at("2027-01-14 18:00"), at("2027-01-14 20:00"), "Choir dress rehearsal"),  # was 13th 06:30
        (at("2027-01-20 06:30"), at("2027-01-20 08:00"), "Choir rehearsal"),
    ]


def test_all_day_covers_whole_local_days_dtend_exclusive(all_day):
    assert occurrences(all_day) == [
        (at("2027-01-06 00:00"), at("2027-01-07 00:00"), "Conference"),
        (at("2027-01-14 00:00"), at("2027-01-17 00:00"), "Ski trip"),  # 14th-16th; the 17th is free
    ]


def test_all_day_follows_the_runners_zone(all_day):
    """An all-day event is a local date: midnight to midnight wherever the runner lives."""
    first = occurrences(all_day, zone="America/New_York")[0]
    assert first[:2] == (at("2027-01-06 00:00", NEW_YORK), at("2027-01-07 00:00", NEW_YORK))


def test_event_crossing_midnight_ends_next_day(midnight):
    assert occurrences(midnight) == [(at("2027-01-08 22:00"), at("2027-01-09 02:00"), "Night shift")]


def test_floating_times_are_the_runners_wall_clock(floating):
    expected = [("2027-01-05 06:30", "2027-01-05 08:00", "Floating breakfast"),
                ("2027-01-12 06:30", "2027-01-12 08:00", "Floating breakfast again")]  # the 2nd: DURATION
    for zone in (LONDON, NEW_YORK):
        assert occurrences(floating, zone=str(zone)) == [(at(s, zone), at(e, zone), n) for s, e, n in expected]


def test_utc_times_are_instants(utc):
    for zone in ("Europe/London", "America/New_York"):
        assert occurrences(utc, zone=zone) == [(at("2027-01-05 06:30", UTC), at("2027-01-05 08:00", UTC),
                                                "Call with Singapore")]


def test_tzid_with_vtimezone(tzid_vtimezone):
    assert occurrences(tzid_vtimezone) == [
        (at("2027-01-05 01:30", NEW_YORK), at("2027-01-05 03:00", NEW_YORK), "New York late call"),
        # "Customized Time Zone" is known only from its VTIMEZONE (UTC-5, as Outlook writes it).
        (at("2027-01-12 06:30", UTC), at("2027-01-12 08:00", UTC), "Outlook custom zone call"),
    ]
    assert local(occurrences(tzid_vtimezone)[0][0]) == "2027-01-05 06:30"


@pytest.mark.parametrize("runner_zone", ["Europe/London", "America/New_York"])
def test_google_x_wr_timezone_keeps_local_time_across_dst(google_dst, runner_zone):
    """Google writes DTSTART in UTC and the zone in X-WR-TIMEZONE: a weekly 09:00 London meeting
    stays at 09:00 London after the clocks go forward on 28 March 2027 (08:00 UTC, not 09:00)."""
    found = occurrences(google_dst, dt.date(2027, 3, 15), dt.date(2027, 4, 5), zone=runner_zone)
    assert [local(s) for s, _, _ in found] == [
        "2027-03-15 09:00", "2027-03-22 09:00", "2027-03-29 09:00", "2027-04-05 09:00"]
    assert [s.astimezone(UTC).hour for s, _, _ in found] == [9, 9, 8, 8]
    assert all(e - s == dt.timedelta(hours=1) for s, e, _ in found)


def test_without_x_wr_timezone_the_same_file_would_drift(google_dst, tmp_path):
    """The trap the test above guards against is real: read in UTC (no X-WR-TIMEZONE), the
    meeting after 28 March lands at 10:00 London."""
    plain = tmp_path / "no_zone.ics"
    plain.write_bytes(google_dst.read_bytes().replace(b"X-WR-TIMEZONE:Europe/London\r\n", b""))
    found = occurrences(plain, dt.date(2027, 3, 15), dt.date(2027, 4, 5))
    assert [local(s) for s, _, _ in found][2:] == ["2027-03-29 10:00", "2027-04-05 10:00"]


def test_transparent_events_are_free(transparent):
    assert occurrences(transparent) == []


def test_cancelled_events_and_occurrences_are_free(cancelled):
    """A cancelled event, and one occurrence cancelled by a RECURRENCE-ID override (Google's way
    of deleting one instance), leave only the other occurrence."""
    assert occurrences(cancelled) == [(at("2027-01-14 06:30"), at("2027-01-14 08:00"), "Breakfast club")]


def test_rrule_without_end_expands_only_over_the_window(rrule_unbounded):
    found = occurrences(rrule_unbounded, JAN4, JAN17)
    days = [s.astimezone(LONDON).date() for s, _, _ in found]
    assert len(days) == len(set(days))
    wanted = {JAN4 + dt.timedelta(days=i) for i in range(14)}
    assert wanted <= set(days)
    # a day's margin either side (buffers cross midnight), never the 8 years since DTSTART
    assert min(days) >= JAN4 - dt.timedelta(days=1) and max(days) <= JAN17 + dt.timedelta(days=1)
    assert all(e - s == dt.timedelta(minutes=45) for s, e, _ in found)


def test_unknown_tzid_without_vtimezone_is_read_as_the_runners_wall_clock(unknown_tzid):
    """Decision: a TZID that is neither a known zone nor defined by a VTIMEZONE is read like a
    floating time (the runner's own wall clock) — the calendar is the runner's own, and refusing
    the whole file for one odd event would leave the runner with no busy time at all."""
    assert occurrences(unknown_tzid) == [(at("2027-01-05 06:30"), at("2027-01-05 08:00"), "Rover check-in")]
    assert occurrences(unknown_tzid, zone="America/New_York")[0][0] == at("2027-01-05 06:30", NEW_YORK)


def test_not_icalendar_is_refused_naming_the_file(not_icalendar):
    with pytest.raises(CalendarError) as err:
        read_busy([not_icalendar], "Europe/London", JAN4, JAN17)
    assert str(err.value).startswith(f"{not_icalendar}: is not a valid iCalendar file")
    assert "Fix: export the calendar again as .ics" in str(err.value)


def test_truncated_file_is_refused_naming_the_file(truncated):
    with pytest.raises(CalendarError) as err:
        read_busy([truncated], "Europe/London", JAN4, JAN17)
    assert str(err.value) == (f"{truncated}: is cut short (BEGIN:VCALENDAR without END:VCALENDAR). "
                              "Fix: export the calendar again as .ics")


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(CalendarError, match="nope.ics: file not found"):
        read_busy([tmp_path / "nope.ics"], "Europe/London", JAN4, JAN17)


# -- all-day modes ---------------------------------------------------------------------------

@pytest.mark.parametrize("mode, expected", [
    ("opaque", ["Conference", "Ski trip"]),
    ("always", ["Conference", "Mum's birthday", "Ski trip"]),
    ("never", []),
])
def test_all_day_modes(all_day, transparent, mode, expected):
    """opaque: only all-day events marked busy block the day; always: every all-day event does,
    even a transparent birthday; never: none does. Timed transparent events stay free in each."""
    found = read_busy([all_day, transparent], "Europe/London", JAN4, JAN17, mode)
    assert [e.summary for e in found] == expected
    assert all(e.end - e.start >= dt.timedelta(days=1) for e in found)
    if mode == "always":
        birthday = next(e for e in found if e.summary == "Mum's birthday")
        assert (birthday.start, birthday.end) == (at("2027-01-07 00:00"), at("2027-01-08 00:00"))


# -- planning against each calendar ----------------------------------------------------------

DEFAULT_WINDOWS = {day: ["06:00-09:00", "17:00-21:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@dataclass(frozen=True)
class PlanCase:
    """A small profile whose long run is drawn (long_run_day, run_time) onto a busy occurrence, so
    a plan that ignored the calendar would clash. `free` lists local times ("2027-01-19 06:30-08:00")
    that only a wrong reading would block (an occurrence past COUNT or UNTIL, an EXDATE, a moved,
    cancelled or transparent one): the plan must use each of them, buffer included."""

    long_run_day: str
    run_time: str = "06:30"
    first: dt.date = JAN4
    last: dt.date = JAN17
    windows: dict[str, list[str]] = field(default_factory=dict)
    free: tuple[str, ...] = ()

    def profile_text(self, buffer: int = 30) -> str:
        windows = DEFAULT_WINDOWS | self.windows
        avail = "\n".join(f"{day} = {ws!r}".replace("'", '"') for day, ws in windows.items())
        return profile_text(f"""
            [runner]
            name = "Busy Runner"
            timezone = "Europe/London"
            level = "intermediate"
            sessions_per_week = 4
            weekly_minutes = 120
            long_run_day = "{self.long_run_day}"

            [plan]
            start = {self.first}
            end = {self.last}

            [rules]
            cutback_every = 0
            strength_intro_weeks = 0
            busy_buffer_min = {buffer}

            [preferences]
            run_time = "{self.run_time}"
            """, "[availability]\n" + avail)


PLAN_CASES = {
    "rrule_count": PlanCase("tue", last=JAN24, free=("2027-01-19 06:30-08:00",)),
    "rrule_until": PlanCase("thu", last=JAN24, free=("2027-01-21 06:30-08:00",)),
    "rrule_byday": PlanCase("mon"),
    "exdate": PlanCase("wed", free=("2027-01-06 06:30-08:00", "2027-01-13 06:30-08:00")),
    "rdate": PlanCase("fri", free=("2027-01-15 06:30-08:00",)),
    "recurrence_id": PlanCase("wed", last=JAN24, free=("2027-01-13 06:30-08:00",)),
    "all_day": PlanCase("wed", free=("2027-01-17 00:00-23:59",)),
    "midnight": PlanCase("fri", run_time="22:00", free=("2027-01-15 22:00-23:59",),
                         windows={"fri": ["17:00-24:00"], "sat": ["00:00-03:00", "07:00-10:00"]}),
    "floating": PlanCase("tue"),
    "utc": PlanCase("tue", free=("2027-01-12 06:30-08:00",)),
    "tzid_vtimezone": PlanCase("tue"),
    "google_dst": PlanCase("mon", run_time="09:00", first=dt.date(2027, 3, 15), last=dt.date(2027, 4, 4),
                           windows={"mon": ["07:00-12:00"]}),
    "transparent": PlanCase("thu", free=("2027-01-07 00:00-23:59",)),
    "cancelled": PlanCase("thu", free=("2027-01-07 06:30-08:00",)),
    "rrule_unbounded": PlanCase("tue"),
    "unknown_tzid": PlanCase("tue"),
}


def test_every_calendar_file_is_a_plan_case_or_a_bad_input():
    """Adding a calendar file adds a test: it must be planned against or be refused."""
    assert sorted([*PLAN_CASES, *BAD]) == CALENDAR_NAMES


def overlaps(plan: Plan, busy: tuple[BusyEvent, ...], buffer_min: int) -> list[str]:
    """Every (session, busy occurrence) pair closer than the buffer — independent of the checker."""
    buffer = dt.timedelta(minutes=buffer_min)
    return [f"{s.ident} {local(s.start)}–{local(s.end)} vs {b.describe(LONDON)}"
            for s in plan.sessions if s.kind is not Kind.RACE
            for b in busy if s.start < b.end + buffer and b.start - buffer < s.end]


_plans: dict[tuple[str, str], tuple[Plan, bytes]] = {}


def planned(name: str, path: Path, order: str) -> tuple[Plan, bytes, tuple[BusyEvent, ...]]:
    """The case's plan against the calendar at `path`, once per (case, order)."""
    case = PLAN_CASES[name]
    profile = parse_profile(case.profile_text(), f"{name}.toml")
    busy = read_busy([path], profile.timezone, case.first, case.last + dt.timedelta(days=7), "opaque")
    if (name, order) not in _plans:
        plan = make_plan(profile, busy, time_limit=30)
        _plans[name, order] = plan, plan_to_ical(plan, STAMP)
    return *_plans[name, order], busy


_unbusy: dict[str, Plan] = {}


def plan_ignoring_busy(name: str) -> Plan:
    if name not in _unbusy:
        _unbusy[name] = make_plan(parse_profile(PLAN_CASES[name].profile_text(), f"{name}.toml"), time_limit=30)
    return _unbusy[name]


@pytest.mark.parametrize("name", PLAN_CASES)
def test_plan_avoids_every_busy_occurrence(name, order, request):
    path = request.getfixturevalue(name)
    plan, data, busy = planned(name, path, order)
    profile = plan.profile
    assert plan.sessions, "the plan should hold sessions"
    violations = check_calendar(data, profile, f"{name}.ics", busy)
    assert violations == [], "\n".join(map(str, violations))
    assert overlaps(plan, busy, profile.rules.busy_buffer_min) == []
    buffer = dt.timedelta(minutes=profile.rules.busy_buffer_min)
    for wanted in PLAN_CASES[name].free:
        day, clock = wanted.split()
        begin, end = (at(f"{day} {c}") for c in clock.split("-"))
        assert [s for s in plan.sessions if s.start < end + buffer and begin - buffer < s.end], \
            f"{wanted} is free in {name}.ics, yet unused: {[local(s.start) for s in plan.sessions]}"
    if busy:  # the calendar really tempts: a plan that ignored it would clash
        assert overlaps(plan_ignoring_busy(name), busy, profile.rules.busy_buffer_min)


@pytest.mark.parametrize("name", PLAN_CASES)
def test_reversed_events_give_the_same_occurrences_and_plan(name, reversed_dir):
    """Metamorphic: RFC 5545 imposes no order on components."""
    written = planned(name, calendar_path(name, "as_written", reversed_dir), "as_written")
    flipped = planned(name, calendar_path(name, "reversed", reversed_dir), "reversed")
    assert [(b.start, b.end, b.summary) for b in written[2]] == [(b.start, b.end, b.summary) for b in flipped[2]]
    assert written[1] == flipped[1]


def test_dst_week_plan_keeps_clear_of_the_meeting_in_local_time(google_dst):
    """On 29 March 2027 the stand-up is 09:00–10:00 BST (08:00 UTC): nothing from 08:30 to 10:30."""
    plan, _, busy = planned("google_dst", google_dst, "as_written")
    blocked = (at("2027-03-29 08:30"), at("2027-03-29 10:30"))
    assert [b for b in busy if local(b.start) == "2027-03-29 09:00"]
    assert not [s for s in plan.sessions if s.start < blocked[1] and blocked[0] < s.end]
    assert [s for s in plan_ignoring_busy("google_dst").sessions if s.start < blocked[1] and blocked[0] < s.end]


# -- the buffer ------------------------------------------------------------------------------

BUFFER_PROFILE = """
[runner]
name = "Swimmer"
timezone = "Europe/London"
level = "intermediate"
sessions_per_week = 3
weekly_minutes = 90
long_run_day = "sun"

[plan]
start = 2027-01-04
end = 2027-01-17

[availability]
# Swim squad is 06:30-07:30 on Mon, Wed and Fri: these windows fit a session only without buffer.
mon = ["07:30-08:30"]
wed = ["07:30-08:30"]
fri = ["07:30-08:30"]
sat = ["07:00-10:00"]
sun = ["07:00-10:00"]

[durations]
easy_min = 40
strength = 45

[rules]
cutback_every = 0
strength_intro_weeks = 0
busy_buffer_min = {buffer}
"""


def test_buffer_is_applied_by_planner_and_checker(rrule_byday):
    busy = read_busy([rrule_byday], "Europe/London", JAN4, JAN24)
    swim_days = {b.start.date() for b in busy}
    tight = parse_profile(BUFFER_PROFILE.format(buffer=0), "buffer0.toml")
    padded = parse_profile(BUFFER_PROFILE.format(buffer=30), "buffer30.toml")

    no_buffer = make_plan(tight, busy, time_limit=30)
    after_swim = [s for s in no_buffer.sessions if s.start.date() in swim_days]
    assert after_swim, "without a buffer the windows right after the swim should be used"
    assert all(s.start - b.end < dt.timedelta(minutes=30) for s in after_swim for b in busy
               if b.start.date() == s.start.date())
    assert check_calendar(plan_to_ical(no_buffer, STAMP), tight, "buffer0.ics", busy) == []

    # The same sessions break the 30-minute buffer, and the checker says so, naming the event.
    lines = [str(v) for v in check_calendar(plan_to_ical(no_buffer, STAMP), padded, "buffer0.ics", busy)]
    assert len(lines) == len(after_swim)
    assert all(ln.startswith("availability: ") and "'Swim squad'" in ln and "+ 30 min buffer" in ln for ln in lines)

    with_buffer = make_plan(padded, busy, time_limit=30)
    assert not [s for s in with_buffer.sessions if s.start.date() in swim_days]
    assert check_calendar(plan_to_ical(with_buffer, STAMP), padded, "buffer30.ics", busy) == []
    assert overlaps(with_buffer, busy, 30) == []


# -- the checker names the clash -------------------------------------------------------------

def move_first(data: bytes, kind: str, start: str, end: str) -> bytes:
    """Hand-edit a plan: move the first event of `kind` to local `start`–`end` (YYYYMMDDTHHMMSS)."""
    text = data.decode()
    marker = text.index(f"X-RUNCAL-KIND:{kind}")
    begin, finish = text.rindex("BEGIN:VEVENT", 0, marker), text.index("END:VEVENT", marker)
    event = re.sub(r"DTSTART;TZID=([^:]+):\d{8}T\d{6}", rf"DTSTART;TZID=\1:{start}", text[begin:finish])
    event = re.sub(r"DTEND;TZID=([^:]+):\d{8}T\d{6}", rf"DTEND;TZID=\1:{end}", event)
    return (text[:begin] + event + text[finish:]).encode()


def test_checker_names_the_clashing_event_by_summary_and_time(rrule_count, tmp_path):
    plan, data, busy = planned("rrule_count", rrule_count, "as_written")
    edited = move_first(data, "long", "20270105T070000", "20270105T080000")
    lines = [str(v) for v in check_calendar(edited, plan.profile, "edited.ics", busy)]
    expected = "clashes with busy 'Physio course' 2027-01-05 06:30–08:00 (rrule_count.ics) + 30 min buffer"
    assert [ln for ln in lines if ln.startswith("availability: ") and expected in ln], lines

    # The same through the CLI.
    out = tmp_path / "edited.ics"
    out.write_bytes(edited)
    result = CliRunner().invoke(main, ["check", str(out), "--busy", str(rrule_count)])
    assert result.exit_code == 1
    assert expected in result.output


# -- the command line: --busy, --all-day, bad input, Google's .zip -----------------------------

def write_profile(tmp_path: Path, case: str) -> Path:
    path = tmp_path / f"{case}.toml"
    path.write_text(PLAN_CASES[case].profile_text())
    return path


def test_cli_all_day_modes(tmp_path, transparent, all_day):
    """The transparent case's plan runs on Mum's birthday (free by default): --all-day always makes
    the birthday busy, so the checker flags it; never frees the opaque conference too."""
    profile = write_profile(tmp_path, "transparent")
    out = tmp_path / "plan.ics"
    runner = CliRunner()
    made = runner.invoke(main, ["plan", str(profile), "-o", str(out), "--now", NOW, "--busy", str(transparent)])
    assert made.exit_code == 0, made.output
    clean = runner.invoke(main, ["check", str(out), "--profile", str(profile), "--busy", str(transparent)])
    assert clean.exit_code == 0 and clean.output.startswith("OK"), clean.output
    always = runner.invoke(main, ["check", str(out), "--profile", str(profile), "--busy", str(transparent),
                                  "--all-day", "always"])
    assert always.exit_code == 1 and "'Mum's birthday' 2027-01-07 00:00–2027-01-08 00:00" in always.output
    # The plan was made without the opaque all-day events (ski trip, conference) and uses their days.
    opaque = runner.invoke(main, ["check", str(out), "--profile", str(profile), "--busy", str(all_day)])
    assert opaque.exit_code == 1 and "'Ski trip' 2027-01-14 00:00–2027-01-17 00:00 (all_day.ics)" in opaque.output
    never = runner.invoke(main, ["check", str(out), "--profile", str(profile), "--busy", str(all_day),
                                 "--all-day", "never"])
    assert never.exit_code == 0, never.output


@pytest.mark.parametrize("name, problem", [
    ("not_icalendar", "is not a valid iCalendar file"),
    ("truncated", "is cut short"),
])
@pytest.mark.parametrize("command", ["plan", "check"])
def test_cli_bad_calendar_is_one_line_exit_2(tmp_path, name, problem, command):
    calendar = CALENDARS / f"{name}.ics"
    profile = write_profile(tmp_path, "utc")
    out = tmp_path / "plan.ics"
    if command == "plan":
        out.write_bytes(b"precious")
        args = ["plan", str(profile), "-o", str(out), "--now", NOW, "--busy", str(calendar)]
    else:
        assert CliRunner().invoke(main, ["plan", str(profile), "-o", str(out), "--now", NOW]).exit_code == 0
        args = ["check", str(out), "--profile", str(profile), "--busy", str(calendar)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {calendar}: {problem}")
    assert "Traceback" not in result.output and result.output.count("\n") == 1
    if command == "plan":
        assert out.read_bytes() == b"precious"


def test_cli_unknown_tzid_plans_around_the_wall_clock_reading(tmp_path, unknown_tzid):
    profile = write_profile(tmp_path, "unknown_tzid")
    out = tmp_path / "plan.ics"
    made = CliRunner().invoke(main, ["plan", str(profile), "-o", str(out), "--now", NOW, "--busy", str(unknown_tzid)])
    assert made.exit_code == 0 and "Error" not in made.output, made.output
    checked = CliRunner().invoke(main, ["check", str(out), "--profile", str(profile), "--busy", str(unknown_tzid)])
    assert checked.exit_code == 0 and checked.output.startswith("OK"), checked.output


def test_cli_missing_and_empty_zip_are_refused(tmp_path):
    profile = write_profile(tmp_path, "utc")
    empty = tmp_path / "export.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("readme.txt", "no calendars here")
    for calendar, problem in ((tmp_path / "missing.ics", "file not found"), (empty, "the .zip holds no .ics file")):
        args = ["plan", str(profile), "-o", str(tmp_path / "p.ics"), "--busy", str(calendar)]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2 and result.output.startswith(f"Error: {calendar}: {problem}. Fix: ")
        assert "Traceback" not in result.output and result.output.count("\n") == 1


def test_google_zip_export_is_read_through_the_cli(tmp_path):
    """Google's export is a .zip with one .ics per calendar."""
    export = tmp_path / "takeout.zip"
    with zipfile.ZipFile(export, "w") as archive:
        archive.writestr("sam.runner@gmail.com.ics", (CALENDARS / "rrule_count.ics").read_bytes())
        archive.writestr("Family_abc123@group.calendar.google.com.ics", (CALENDARS / "utc.ics").read_bytes())
    busy = read_busy([export], "Europe/London", JAN4, JAN24)
    assert [(local(b.start), b.summary) for b in busy] == [
        ("2027-01-05 06:30", "Call with Singapore"), ("2027-01-05 06:30", "Physio course"),
        ("2027-01-12 06:30", "Physio course")]
    assert {b.source for b in busy} == {f"{export}!sam.runner@gmail.com.ics",
                                        f"{export}!Family_abc123@group.calendar.google.com.ics"}
    assert "(sam.runner@gmail.com.ics)" in busy[1].describe(LONDON)

    profile = write_profile(tmp_path, "rrule_count")
    out = tmp_path / "plan.ics"
    made = CliRunner().invoke(main, ["plan", str(profile), "-o", str(out), "--now", NOW, "--busy", str(export)])
    assert made.exit_code == 0, made.output
    checked = CliRunner().invoke(main, ["check", str(out), "--profile", str(profile), "--busy", str(export)])
    assert checked.exit_code == 0 and checked.output.startswith("OK"), checked.output
    # Without the zip the same profile's long run lands on the busy Tuesday mornings.
    bare = CliRunner().invoke(main, ["plan", str(profile), "-o", str(tmp_path / "bare.ics"), "--now", NOW])
    assert bare.exit_code == 0
    clash = CliRunner().invoke(main, ["check", str(tmp_path / "bare.ics"), "--profile", str(profile),
                                      "--busy", str(export)])
    assert clash.exit_code == 1 and "'Physio course' 2027-01-05 06:30" in clash.output


# -- a large calendar --------------------------------------------------------------------------

def test_large_calendar_is_read_in_bounded_time(tmp_path):
    """20 000 one-off events (every 3 h from 2021 to 2027, Google's UTC form) and five daily RRULEs
    without end since 2010: only the plan window's occurrences come back."""
    lines = ["BEGIN:VCALENDAR", "PRODID:-//Google Inc//Google Calendar 70.9054//EN", "VERSION:2.0",
             "X-WR-CALNAME:Everything", "X-WR-TIMEZONE:Europe/London"]
    base = dt.datetime(2021, 1, 1, 1, 0, tzinfo=UTC)
    for i in range(20_000):
        start = base + dt.timedelta(hours=3 * i)
        lines += ["BEGIN:VEVENT", f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
                  f"DTEND:{start + dt.timedelta(minutes=30):%Y%m%dT%H%M%SZ}", "DTSTAMP:20261127T080000Z",
                  f"UID:one-off-{i}@google.com", f"SUMMARY:Meeting {i}", "END:VEVENT"]
    for j in range(5):
        lines += ["BEGIN:VEVENT", f"DTSTART:2010010{j + 1}T{12 + j:02d}1500Z",
                  f"DTEND:2010010{j + 1}T{12 + j:02d}4500Z",
                  "RRULE:FREQ=DAILY", "DTSTAMP:20261127T080000Z", f"UID:daily-{j}@google.com",
                  f"SUMMARY:Daily {j}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    path = tmp_path / "big.ics"
    path.write_text("\r\n".join(lines) + "\r\n")
    last_one_off = base + dt.timedelta(hours=3 * 19_999)
    assert last_one_off > at("2027-01-18 00:00")  # the one-offs cover the window

    began = time.perf_counter()
    found = read_busy([path], "Europe/London", JAN4, JAN17)
    print(f"\n20 005 events read in {time.perf_counter() - began:.1f} s; {len(found)} occurrences")
    lo, hi = at("2027-01-04 00:00"), at("2027-01-18 00:00")
    inside = [b for b in found if b.start < hi and lo < b.end]
    assert sum(b.summary.startswith("Meeting") for b in inside) == 14 * 8
    assert sum(b.summary.startswith("Daily") for b in inside) == 14 * 5
    assert all(lo - dt.timedelta(days=1) <= b.start < hi + dt.timedelta(days=1) for b in found)


# -- the sample: a Google export with the marathon profile -----------------------------------------

def test_sample_google_export_reads_as_intended():
    profile = load_profile(SAMPLE)
    assert profile.busy == ("busy_google_export.ics",)
    busy = busy_for(profile)
    by_name: dict[str, list[BusyEvent]] = {}
    for b in busy:
        by_name.setdefault(b.summary, []).append(b)
    assert set(by_name) == {"Work", "Choir rehearsal", "Choir: concert run-through", "Edinburgh weekend",
                            "Dentist", "Pasta night before the half"}  # no birthday, no cancelled meeting
    work = {local(b.start) for b in by_name["Work"]}
    assert not {"2026-12-25 08:30", "2026-12-28 08:30", "2027-01-01 08:30"} & work  # EXDATE holidays
    assert {"2026-12-24 08:30", "2027-03-26 08:30", "2027-03-29 08:30"} <= work  # 08:30 local either side of DST
    assert all(b.end - b.start == dt.timedelta(hours=9) for b in by_name["Work"])
    choir = {local(b.start) for b in by_name["Choir rehearsal"]}
    assert "2027-02-03 19:00" not in choir and "2026-12-30 19:00" not in choir
    assert {"2027-01-27 19:00", "2027-03-31 19:00"} <= choir  # BST after 28 March, UNTIL inclusive
    assert [local(b.start) for b in by_name["Choir: concert run-through"]] == ["2027-02-04 18:30"]
    [trip] = by_name["Edinburgh weekend"]
    assert (trip.start, trip.end) == (at("2027-02-13 00:00"), at("2027-02-15 00:00"))


def test_sample_marathon_with_google_export_plans_and_checks_via_cli(tmp_path):
    out = tmp_path / "marathon.ics"
    runner = CliRunner()
    made = runner.invoke(main, ["plan", str(SAMPLE), "-o", str(out), "--now", NOW])
    assert made.exit_code == 0, made.output
    print("\n" + made.output)
    checked = runner.invoke(main, ["check", str(out), "--profile", str(SAMPLE)])
    assert checked.exit_code == 0 and checked.output.startswith("OK"), checked.output
    data = out.read_bytes()
    for day in (b"20270213", b"20270214"):  # the Edinburgh weekend stays free
        assert not re.search(rb"DTSTART;TZID=Europe/London:" + day, data)
    # The check really reads the profile's calendar: a session moved onto the trip is caught.
    edited = tmp_path / "edited.ics"
    edited.write_bytes(move_first(data, "easy", "20270213T080000", "20270213T084500"))
    caught = runner.invoke(main, ["check", str(edited), "--profile", str(SAMPLE)])
    assert caught.exit_code == 1
    assert "clashes with busy 'Edinburgh weekend' 2027-02-13 00:00–2027-02-15 00:00" in caught.output
