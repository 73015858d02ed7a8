"""Deterministic benchmark inputs: plan profiles, a busy calendar and a batch of random profiles.

Everything here is a pure function of its arguments (and fixed seeds), so two runs of the
benchmark solve exactly the same problems.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

TIMEZONE = "Europe/London"
PLAN_START = dt.date(2027, 1, 4)  # a Monday; every plan week starts on a Monday
BUSY_SEED = 8
BATCH_SEED = 100
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri")

# Realistic availability for someone with a day job: before and after work on weekdays,
# long windows at the weekend (cf. sample_calendars/intermediate_half.toml).
PLAN_AVAILABILITY = {
    "mon": ["06:00-08:00", "18:00-21:00"],
    "tue": ["06:00-08:00", "18:00-21:00"],
    "wed": ["06:00-08:00", "18:00-21:00"],
    "thu": ["06:00-08:00", "18:00-21:00"],
    "fri": ["06:00-08:00", "17:30-20:00"],
    "sat": ["07:00-12:00", "14:00-18:00"],
    "sun": ["07:00-13:00"],
}
# Goal race at the end of each plan, by plan length in weeks.
RACE_BY_WEEKS = {8: "10k", 16: "half", 26: "marathon", 52: "marathon"}


def race_day(weeks: int, start: dt.date = PLAN_START) -> dt.date:
    """The Sunday of the last plan week."""
    return start + dt.timedelta(weeks=weeks, days=-1)


def week_monday(week: int, start: dt.date = PLAN_START) -> dt.date:
    return start + dt.timedelta(weeks=week - 1)


def _toml_list(items: list[str]) -> str:
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


def profile_toml(*, weeks: int, start: dt.date = PLAN_START, level: str = "intermediate",
                 sessions_per_week: int = 5, weekly_minutes: int = 180, distance: str | None = None,
                 availability: dict[str, list[str]] | None = None, name: str = "Bench Runner") -> str:
    """A profile that plans `weeks` weeks from `start` towards one A race on the last Sunday."""
    availability = PLAN_AVAILABILITY if availability is None else availability
    distance = distance or RACE_BY_WEEKS.get(weeks, "half")
    avail = "\n".join(f"{day} = {_toml_list(ws)}" for day, ws in availability.items())
    return f"""\
[runner]
name = "{name}"
timezone = "{TIMEZONE}"
level = "{level}"
sessions_per_week = {sessions_per_week}
weekly_minutes = {weekly_minutes}
long_run_day = "sun"

[plan]
start = {start.isoformat()}
end = {race_day(weeks, start).isoformat()}

[[race]]
name = "Goal {distance}"
date = {race_day(weeks, start).isoformat()}
distance = "{distance}"
priority = "A"

[availability]
{avail}

[preferences]
run_time = "07:00"
strength_time = "18:30"
"""


def write_plan_profiles(directory: Path, weeks_list: tuple[int, ...]) -> dict[int, Path]:
    paths = {}
    for weeks in weeks_list:
        path = directory / f"plan_{weeks:02d}w.toml"
        path.write_text(profile_toml(weeks=weeks), "utf-8")
        paths[weeks] = path
    return paths


# ---------------------------------------------------------------------------------------------
# The busy calendar: a year of a working parent's diary.

@dataclass(frozen=True)
class BusyEvent:
    summary: str
    start: dt.datetime
    minutes: int
    rrule: dict | None = None


def busy_events(seed: int = BUSY_SEED, start: dt.date = PLAN_START, weeks: int = 52) -> list[BusyEvent]:
    """~300 events: work meeting series (weekly, a few weeks to a few months each), a school run,
    term-time evening classes, kids' Saturday swimming, and one-off evenings/weekend plans."""
    rng = random.Random(seed)
    zone = ZoneInfo(TIMEZONE)

    def at(day: dt.date, hhmm: str) -> dt.datetime:
        h, m = map(int, hhmm.split(":"))
        return dt.datetime(day.year, day.month, day.day, h, m, tzinfo=zone)

    events = [
        BusyEvent("School run", at(start, "08:15"), 45,
                  {"freq": "weekly", "byday": ["MO", "TU", "WE", "TH", "FR"], "until": _until(start, weeks)}),
        BusyEvent("Kids' swimming", at(start + dt.timedelta(days=5), "09:00"), 90,
                  {"freq": "weekly", "until": _until(start, weeks)}),
    ]
    for term in range(3):  # Tuesday evening class, three 10-week terms
        first = start + dt.timedelta(weeks=1 + 17 * term, days=1)
        events.append(BusyEvent(f"Evening class term {term + 1}", at(first, "19:00"), 120,
                                {"freq": "weekly", "count": 10}))
    for i in range(240):  # work meeting series
        day = start + dt.timedelta(weeks=rng.randrange(weeks), days=rng.randrange(5))
        clock = f"{rng.randrange(9, 17):02d}:{rng.choice((0, 30)):02d}"
        minutes = rng.choice((30, 30, 45, 60, 60, 90))
        minutes = min(minutes, 17 * 60 - (int(clock[:2]) * 60 + int(clock[3:])))  # ends by 17:00
        events.append(BusyEvent(f"Meeting {i + 1:03d}", at(day, clock), minutes,
                                {"freq": "weekly", "count": rng.randrange(4, 17)}))
    for i in range(60):  # one-offs: dinners, appointments, weekend plans
        day = start + dt.timedelta(days=rng.randrange(7 * weeks))
        weekend = day.weekday() >= 5
        clock = rng.choice(("10:00", "13:00", "15:00")) if weekend else rng.choice(("19:00", "19:30", "12:30"))
        events.append(BusyEvent(f"Plans {i + 1:02d}", at(day, clock), rng.choice((60, 120, 180))))
    return events


def _until(start: dt.date, weeks: int) -> dt.datetime:
    end = start + dt.timedelta(weeks=weeks)
    return dt.datetime(end.year, end.month, end.day, tzinfo=dt.timezone.utc)


def busy_calendar_bytes(events: list[BusyEvent]) -> bytes:
    """The events as an RFC 5545 calendar: TZID date-times plus the matching VTIMEZONE."""
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//runcal bench//busy calendar//EN")
    cal.add("version", "2.0")
    cal.add_component(_vtimezone(events))
    stamp = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.timezone.utc)
    for i, e in enumerate(events):
        event = icalendar.Event()
        event.add("uid", f"busy-{i:04d}@runcal-bench")
        event.add("dtstamp", stamp)
        event.add("summary", e.summary)
        event.add("dtstart", e.start)
        event.add("dtend", e.start + dt.timedelta(minutes=e.minutes))
        if e.rrule:
            event.add("rrule", e.rrule)
        cal.add_component(event)
    return cal.to_ical()


def _vtimezone(events: list[BusyEvent]):
    import icalendar

    first = min(e.start for e in events).date() - dt.timedelta(days=7)
    last = max(e.start for e in events).date() + dt.timedelta(weeks=20)  # covers every RRULE's span
    tz = icalendar.Timezone.from_tzinfo(ZoneInfo(TIMEZONE), first_date=first, last_date=last)
    tz.pop("COMMENT", None)  # icalendar adds one; RFC 5545 allows COMMENT only in its sub-components
    return tz


def write_busy_calendar(path: Path) -> int:
    events = busy_events()
    path.write_bytes(busy_calendar_bytes(events))
    return len(events)


# ---------------------------------------------------------------------------------------------
# The batch: 100 varied profiles, solved through the library.

LEVEL_RANGES = {  # level -> (sessions_per_week range, weekly_minutes range)
    "beginner": ((3, 4), (60, 150)),
    "intermediate": ((4, 6), (120, 240)),
    "advanced": ((5, 7), (200, 420)),
}


def _window(rng: random.Random, earliest: int, latest: int, min_len: int, max_len: int) -> str:
    begin = rng.randrange(earliest, latest) * 30
    length = rng.randrange(min_len, max_len + 1) * 30
    return f"{begin // 60:02d}:{begin % 60:02d}-{(begin + length) // 60:02d}:{(begin + length) % 60:02d}"


def random_availability(rng: random.Random) -> dict[str, list[str]]:
    """Weekdays: a morning and/or an evening window (sometimes none); weekend: long windows."""
    avail: dict[str, list[str]] = {}
    for day in WEEKDAY_KEYS:
        roll = rng.random()
        windows = []
        if roll < 0.85:
            windows.append(_window(rng, 11, 14, 3, 5))  # starts 05:30-06:30, 1.5-2.5 h
        if roll > 0.15:
            windows.append(_window(rng, 35, 38, 3, 6))  # starts 17:30-18:30, 1.5-3 h
        avail[day] = windows
    avail["sat"] = [_window(rng, 14, 18, 6, 10), _window(rng, 28, 30, 4, 8)]
    avail["sun"] = [_window(rng, 14, 18, 8, 12)]
    return avail


def batch_name(index: int) -> str:
    return f"batch-{index + 1:03d}"


def batch_profiles(count: int, seed: int = BATCH_SEED) -> list[str]:
    """`count` profiles; profile i is the same whatever `count` (inputs.batch_profiles(100)[i])."""
    rng = random.Random(seed)
    texts = []
    for i in range(count):
        level = rng.choice(tuple(LEVEL_RANGES))
        (spw_lo, spw_hi), (min_lo, min_hi) = LEVEL_RANGES[level]
        weeks = rng.randrange(8, 17)
        start = PLAN_START + dt.timedelta(weeks=rng.randrange(0, 40))
        texts.append(profile_toml(
            weeks=weeks, start=start, level=level, name=batch_name(i),
            sessions_per_week=rng.randrange(spw_lo, spw_hi + 1),
            weekly_minutes=rng.randrange(min_lo, min_hi + 1, 10),
            distance=rng.choice(("5k", "10k", "half", "marathon" if weeks >= 12 else "half")),
            availability=random_availability(rng),
        ))
    return texts
