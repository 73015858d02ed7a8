"""Busy calendars that would take unbounded time or memory to expand, or whose events are broken
(issue 16). Expansion is bounded — the plan window only, rules at most daily with INTERVAL ≥ 1, a
step budget per calendar from each rule's start, caps on events, lines and occurrences — and an
event that cannot be read is named (file, summary, UID, what is wrong), never dropped."""

from __future__ import annotations

import datetime as dt

import pytest
from bounded import NOW, assert_bounded, assert_refused, runcal, workdir

from solver.busy import read_busy
from solver.check import check_file
from solver.limits import CALENDAR_EVENTS, CALENDAR_LINES, CALENDAR_OCCURRENCES, RULE_STEPS
from solver.profile import load_profile

HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tests//hostile//EN\r\n"
TAIL = "END:VCALENDAR\r\n"


def event(uid: str, start: str, end: str, rule: str = "", summary: str = "Meeting", tzid: str = "") -> str:
    zone = f";TZID={tzid}" if tzid else ""
    lines = ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20261201T000000Z", f"DTSTART{zone}:{start}",
             f"DTEND{zone}:{end}", f"SUMMARY:{summary}"] + ([f"RRULE:{rule}"] if rule else []) + ["END:VEVENT"]
    return "\r\n".join(lines) + "\r\n"


EVIL_ZONE = ("BEGIN:VTIMEZONE\r\nTZID:Evil/Zone\r\n"
             "BEGIN:STANDARD\r\nDTSTART:20000101T000000\r\nRRULE:FREQ=SECONDLY\r\nTZOFFSETFROM:+0100\r\n"
             "TZOFFSETTO:+0000\r\nEND:STANDARD\r\n"
             "BEGIN:DAYLIGHT\r\nDTSTART:20000101T000001\r\nRRULE:FREQ=SECONDLY\r\nTZOFFSETFROM:+0000\r\n"
             "TZOFFSETTO:+0100\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n")

# name -> (the calendar, words of the one line that refuses it). Each of the first ones ran past
# 300 s at 4-5 GB, or for tens of seconds, before issue 16.
BOUNDED = {
    "secondly": (event("s@t", "20260101T000000Z", "20260101T000001Z", "FREQ=SECONDLY", "Ticker"),
                 ("'Ticker' 2026-01-01 00:00 (UID s@t) RRULE", "repeats every second")),
    "minutely": (event("m@t", "20260101T000000Z", "20260101T000030Z", "FREQ=MINUTELY", "Ping"),
                 ("'Ping'", "repeats every minute")),
    "hourly": (event("h@t", "20260101T000000Z", "20260101T000030Z", "FREQ=HOURLY", "Hourly"),
               ("'Hourly'", "repeats every hour")),
    "count-1e9": (event("c@t", "20260101T000000Z", "20260101T000001Z", "FREQ=SECONDLY;COUNT=1000000000", "Count"),
                  ("'Count'", "repeats every second")),
    "interval-0": (event("i@t", "20260101T100000Z", "20260101T110000Z", "FREQ=DAILY;INTERVAL=0", "Stuck"),
                   ("'Stuck'", "INTERVAL=0 is not a whole number of 1 or more")),
    "twice-a-day": (event("t@t", "20260101T100000Z", "20260101T110000Z", "FREQ=DAILY;BYHOUR=9,17", "Twice"),
                    ("'Twice'", "repeats more than once a day (BYHOUR")),
    "vtimezone-secondly": (EVIL_ZONE + event("v@t", "20270105T100000", "20270105T110000", tzid="Evil/Zone",
                                             summary="In an evil zone"),
                           ("VTIMEZONE Evil/Zone RRULE", "FREQ=SECONDLY", "once a year")),
    "daily-since-year-1": (event("y@t", "00010101T100000Z", "00010101T110000Z", "FREQ=DAILY", "Ancient"),
                           ("'Ancient' 0001-01-01 10:00 (UID y@t) RRULE", f"more than the {RULE_STEPS:,} repeats")),
    "broken-rrule": (event("b@t", "20270105T100000Z", "20270105T110000Z", "FREQ=FOO;BYDAY=XX", "Broken rule"),
                     ("'Broken rule'", "(UID b@t) RRULE", "cannot be read")),
    "broken-dtend": (event("d@t", "20270105T100000Z", "2027010", summary="Broken end"),
                     ("'Broken end'", "DTEND", "cannot be read")),
    "no-dtstart": ("BEGIN:VEVENT\r\nUID:n@t\r\nDTSTAMP:20261201T000000Z\r\nSUMMARY:Timeless\r\nEND:VEVENT\r\n",
                   ("'Timeless' (UID n@t)", "has no DTSTART")),
    "nested": ("BEGIN:VEVENT\r\n" * 12 + "END:VEVENT\r\n" * 12, ("nests components more than",)),
}


@pytest.mark.parametrize("name", sorted(BOUNDED))
def test_a_busy_calendar_that_would_run_away_is_refused_naming_the_event(tmp_path, name):
    body, words = BOUNDED[name]
    folder, _ = workdir(tmp_path)
    (tmp_path / f"{name}.ics").write_text(HEAD + body + TAIL)
    before = folder.snapshot()
    run = runcal("plan", "p.toml", "-o", "out.ics", "--now", NOW, "--busy", f"{name}.ics", cwd=tmp_path)
    assert_refused(run, f"{name}.ics", *words)
    assert folder.snapshot() == before


def test_too_many_events_lines_or_occurrences_are_refused(tmp_path):
    folder, _ = workdir(tmp_path)
    # 200 000 events (178 s and 1.7 GB before): refused on its line count, before parsing.
    short = "".join(f"BEGIN:VEVENT\r\nDTSTART:20250101T0{i % 10}0000Z\r\nUID:{i}\r\nEND:VEVENT\r\n" for i in range(200_000))
    (tmp_path / "huge.ics").write_text(HEAD + short + TAIL)
    # Past the event cap with fewer lines than the line cap (3 lines an event, packed).
    few_lines = "".join(f"BEGIN:VEVENT\r\nUID:{i}\r\nEND:VEVENT\r\n" for i in range(CALENDAR_EVENTS + 1))
    (tmp_path / "many.ics").write_text(HEAD + few_lines + TAIL)
    # 700 daily events from the plan's start: 21 000 occurrences in the window, few steps each.
    daily = "".join(event(f"d{i}@t", f"20270101T{6 + i % 14:02d}{i % 60:02d}00Z", f"20270101T{6 + i % 14:02d}{i % 60:02d}30Z",
                          "FREQ=DAILY") for i in range(700))
    (tmp_path / "dense.ics").write_text(HEAD + daily + TAIL)
    before = folder.snapshot()
    for name, words in (("huge.ics", (f"more than the {CALENDAR_LINES:,}", "lines")),
                        ("many.ics", (f"more than the {CALENDAR_EVENTS:,}", "events")),
                        ("dense.ics", (f"more than {CALENDAR_OCCURRENCES:,} busy times",))):
        run = runcal("plan", "p.toml", "-o", "out.ics", "--now", NOW, "--busy", name, cwd=tmp_path)
        assert_refused(run, name, *words)
    assert folder.snapshot() == before


def test_a_summary_with_terminal_escapes_is_printed_escaped(tmp_path):
    """A calendar event named with escape sequences (ESC [ 2 J clears the screen) clashes with a session:
    the checker names it, escaped."""
    folder, _ = workdir(tmp_path)
    made = runcal("plan", "p.toml", "-o", "plan2.ics", "--now", NOW, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    first = min(line for line in (tmp_path / "plan2.ics").read_text().splitlines()
                if line.startswith("DTSTART;TZID=Europe/London:2027"))
    start = first.split(":")[1]  # local London time in January: the same as UTC
    (tmp_path / "escape.ics").write_text(HEAD + event("e@t", start + "Z", start[:9] + "235900Z",
                                                      summary="\x1b[2J\x1b[31mgotcha\x07") + TAIL)
    run = runcal("check", "plan2.ics", "--profile", "p.toml", "--busy", "escape.ics", cwd=tmp_path)
    assert_bounded(run)
    assert run.returncode == 1 and "gotcha" in run.stdout, run.stdout
    assert "\x1b" not in run.stdout + run.stderr and "\x07" not in run.stdout
    assert "\\u001b[2J" in run.stdout


def test_a_real_calendar_within_the_caps_is_read_in_full(tmp_path):
    """The caps leave ordinary calendars alone: a weekday meeting since 1990 and a birthday since
    1950, expanded over the plan only; the plan keeps clear of them (the checker says so)."""
    folder, _ = workdir(tmp_path)
    body = (event("w@t", "19900101T083000Z", "19900101T093000Z", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "Stand-up")
            + event("b@t", "19500110", "19500111", "FREQ=YEARLY", "Birthday").replace("DTSTART:", "DTSTART;VALUE=DATE:")
            .replace("DTEND:", "DTEND;VALUE=DATE:"))
    (tmp_path / "work.ics").write_text(HEAD + body + TAIL)
    run = runcal("plan", "p.toml", "-o", "out.ics", "--now", NOW, "--busy", "work.ics", cwd=tmp_path)
    assert_bounded(run)
    assert run.returncode == 0, run.stderr
    busy = read_busy([tmp_path / "work.ics"], "Europe/London", dt.date(2027, 1, 4), dt.date(2027, 1, 31))
    assert sum(b.summary == "Stand-up" for b in busy) >= 20 and sum(b.summary == "Birthday" for b in busy) == 1
    assert check_file(tmp_path / "out.ics", load_profile(tmp_path / "p.toml"), busy) == []
