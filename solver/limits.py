"""The input contract: every bound runcal puts on what it reads, in one table (README "Input contract").

Each limit is far above anything a runner's own files hold and far below what would take minutes or
gigabytes to read: a bad or hostile input then gets one line naming the limit, never an unbounded
run. The project's choices, with the reason for each number beside it.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import dataclass

from .errors import InputError

KiB, MiB = 1024, 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    what: str  # how the fix names it: "give the path of {what}"
    max_bytes: int


# Every kind of file runcal opens, with its size cap. A profile is ~2 KiB, a 104-week plan ~3 MiB.
FILES = {
    "profile": FileKind("a profile .toml", 1 * MiB),
    "rehab": FileKind("the rehab .toml your physiotherapist's programme is in", 1 * MiB),
    "scenarios": FileKind("a scenarios .toml", 1 * MiB),
    "password": FileKind("a file holding the password", 64 * KiB),
    "plan": FileKind("the .ics file that `runcal plan` wrote", 20 * MiB),
    "calendar": FileKind("an .ics or .zip file", 50 * MiB),  # Google's export of a busy decade is ~10 MiB
}

# A .zip of calendars (Google Calendar's export): members, and bytes once inflated, in all.
ZIP_MEMBERS = 2_000
ZIP_INFLATED = 50 * MiB

# One calendar (a file, a zip member, a CalDAV calendar): parsing costs ~0.2 ms an event and ~25 µs a
# line, so these keep the worst file to a few seconds.
CALENDAR_EVENTS = 30_000  # VEVENTs
CALENDAR_LINES = 400_000  # content lines
CALENDAR_OCCURRENCES = 20_000  # busy occurrences inside the plan window, per calendar
# Steps the recurrence rules of one calendar may take from their DTSTARTs to the end of the plan
# (dateutil walks every period from the start, ~2-10 µs a step with recurring-ical-events): a daily
# event since 1900 is ~46 000, a weekday meeting since 1990 ~10 000.
RULE_STEPS = 200_000
RULE_FREQS = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 28, "YEARLY": 365}  # days a period; finer is refused
BUSY_SOURCES = 32  # --busy options plus busy.calendars

# The plan file (our own format): a 104-week plan holds ~1 500 events.
PLAN_EVENTS = 10_000
TEXT_VALUE = 256 * KiB  # one X-RUNCAL-* value (the embedded profile is ~2 KiB)
JSON_DEPTH = 16  # the embedded profile nests 4 deep, X-RUNCAL-STEPS 5
SEQUENCE_MAX = 2**31 - 1  # RFC 5545 §3.8.7.4: an INTEGER, which §3.3.8 makes a signed 32-bit value

# Names and free text that go into every event (SUMMARY, X-WR-CALNAME).
NAME_CHARS = 100

# Dates: the Unix epoch to two centuries ahead. Far beyond any training plan or recent race, and far
# enough inside Python's years 1-9999 that date arithmetic on them never overflows.
DATE_MIN = dt.date(1970, 1, 1)
DATE_MAX = dt.date(2199, 12, 31)

SCENARIOS = 50  # whatif: each one is a whole plan
REHAB_EXERCISES = 50  # each is a line of every rehab session's DESCRIPTION
TIME_LIMIT_MAX = 86_400.0  # --time-limit: a day of deterministic time is no limit at all


def cores() -> int:
    """Cores this process may run on (the affinity mask, which containers narrow), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def date_problem(value: dt.date) -> str | None:
    if not DATE_MIN <= value <= DATE_MAX:
        return f"{value} lies outside the dates runcal plans ({DATE_MIN} to {DATE_MAX})"
    return None


def check_date(value: dt.date, source: str, field: str = "") -> dt.date:
    problem = date_problem(value)
    if problem:
        raise InputError(source, field, problem, "give a date in that range")
    return value


def check_workers(count: int, option: str) -> int:
    """Solver threads or processes: 1 up to the cores this machine gives runcal."""
    most = cores()
    if not 1 <= count <= most:
        raise InputError(option, "", f"{count} is not between 1 and the {most} core{'s' if most > 1 else ''} "
                         "of this machine", f"give {option} 1 to {most}")
    return count


def check_time_limit(seconds: float, option: str = "--time-limit") -> float:
    if not (math.isfinite(seconds) and 0 < seconds <= TIME_LIMIT_MAX):
        raise InputError(option, "", f"{seconds} is not a number of seconds above 0 and at most {TIME_LIMIT_MAX:g}",
                         f"give {option} a positive number, e.g. 60")
    return seconds
