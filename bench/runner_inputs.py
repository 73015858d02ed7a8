"""The inputs a runner brings (issue 20): Google-Calendar-style busy exports and profiles with B races.

A Google export writes timed events in UTC (`DTSTART:…Z`) under `X-WR-TIMEZONE`, weekly series
as `RRULE`s with `EXDATE`s and moved occurrences (`RECURRENCE-ID`), trips as multi-day all-day
events, a transparent birthday, a cancelled meeting. Everything is a pure function of its
arguments and seeds, so two runs of the benchmark read exactly the same files.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import inputs

RUNNER_SEED = 20
ZONES = ("Europe/London", "Europe/London", "Europe/London", "Europe/Berlin", "America/New_York",
         "Australia/Sydney")
UTC = dt.timezone.utc
STAMP = "20261127T080000Z"
WEEKDAY_ONE_OFFS = (("Dinner", "19:00", 180), ("Early call", "07:00", 60), ("Dentist", "12:30", 60),
                    ("Parents' evening", "18:00", 90), ("Drinks", "18:30", 150))
WEEKEND_ONE_OFFS = (("Brunch", "10:00", 120), ("Birthday party", "13:00", 180), ("Car boot sale", "08:00", 60))


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _date(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


@dataclass
class _Export:
    """The VEVENTs of one calendar, as RFC 5545 lines (CRLF-joined at the end)."""

    zone: ZoneInfo
    lines: list[str]
    count: int = 0

    def local(self, day: dt.date, hhmm: str) -> dt.datetime:
        h, m = map(int, hhmm.split(":"))
        return dt.datetime(day.year, day.month, day.day, h, m, tzinfo=self.zone)

    def event(self, summary: str, start: str, end: str, *extra: str, transparent: bool = False,
              status: str = "CONFIRMED", uid: str | None = None) -> str:
        self.count += 1
        uid = uid or f"bench{self.count:04d}x{len(summary):02d}@google.com"
        self.lines += ["BEGIN:VEVENT", start, end, *extra, f"DTSTAMP:{STAMP}", f"UID:{uid}",
                       "CREATED:20260901T091500Z", "DESCRIPTION:", "LAST-MODIFIED:20261120T170200Z", "LOCATION:",
                       "SEQUENCE:0", f"STATUS:{status}", f"SUMMARY:{summary}",
                       f"TRANSP:{'TRANSPARENT' if transparent else 'OPAQUE'}", "END:VEVENT"]
        return uid

    def timed(self, summary: str, start: dt.datetime, minutes: int, *extra: str, **kw) -> str:
        return self.event(summary, f"DTSTART:{_utc(start)}", f"DTEND:{_utc(start + dt.timedelta(minutes=minutes))}",
                          *extra, **kw)

    def all_day(self, summary: str, first: dt.date, days: int, *extra: str, **kw) -> str:
        return self.event(summary, f"DTSTART;VALUE=DATE:{_date(first)}",
                          f"DTEND;VALUE=DATE:{_date(first + dt.timedelta(days=days))}", *extra, **kw)


def google_export(seed: int, zone_name: str, first: dt.date, weeks: int, name: str = "Runner") -> bytes:
    """A runner's busy calendar over `weeks` weeks from the Monday `first`: office hours (most
    runners), a weekly evening commitment with holiday EXDATEs and one moved rehearsal, a
    Saturday-morning kids' activity, a trip or two (all-day, several days), a timed weekend away,
    one-off evenings and mornings, a transparent birthday and a cancelled meeting."""
    rng = random.Random(seed)
    zone = ZoneInfo(zone_name)
    cal = _Export(zone, [])
    last = first + dt.timedelta(weeks=weeks)
    until = _utc(dt.datetime.combine(last, dt.time(0), zone))

    if rng.random() < 0.7:  # office hours, weekdays, a couple of days off
        clock = rng.choice(("08:30", "09:00"))
        start = cal.local(first, clock)
        offs = sorted(rng.sample(range(weeks * 7), 3))
        exdates = [f"EXDATE:{_utc(cal.local(first + dt.timedelta(days=d), clock))}" for d in offs
                   if (first + dt.timedelta(days=d)).weekday() < 5]
        cal.timed("Work", start, rng.choice((480, 510, 540)), "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", *exdates)
    evening_day = rng.randrange(5)  # a weekly evening commitment, with an exception or two
    day0 = first + dt.timedelta(days=evening_day)
    clock = rng.choice(("18:30", "19:00", "19:30"))
    skipped = [day0 + dt.timedelta(weeks=w) for w in rng.sample(range(1, weeks), min(2, weeks - 1))]
    uid = cal.timed(rng.choice(("Choir rehearsal", "Evening class", "Five-a-side", "Book club")), cal.local(day0, clock),
                    120, f"RRULE:FREQ=WEEKLY;UNTIL={until};BYDAY={'MO TU WE TH FR'.split()[evening_day]}",
                    *(f"EXDATE:{_utc(cal.local(d, clock))}" for d in skipped))
    moved = day0 + dt.timedelta(weeks=rng.randrange(1, weeks))
    if moved not in skipped:  # one occurrence moved a day later (RECURRENCE-ID, same UID)
        cal.timed("Moved: extra rehearsal", cal.local(moved + dt.timedelta(days=1), clock), 120,
                  f"RECURRENCE-ID:{_utc(cal.local(moved, clock))}", uid=uid)
    if rng.random() < 0.5:  # kids' Saturday activity
        sat = first + dt.timedelta(days=5)
        cal.timed("Kids' swimming", cal.local(sat, "09:00"), 90, f"RRULE:FREQ=WEEKLY;UNTIL={until}")
    if rng.random() < 0.5:  # a school run
        cal.timed("School run", cal.local(first, "08:00"), 45, f"RRULE:FREQ=WEEKLY;UNTIL={until};BYDAY=MO,TU,WE,TH,FR")
    for _ in range(rng.randrange(0, 3)):  # trips: whole days away
        cal.all_day(rng.choice(("Trip to Edinburgh", "Conference", "Family visit")),
                    first + dt.timedelta(days=rng.randrange(7 * weeks - 4)), rng.randrange(2, 5))
    if rng.random() < 0.5:  # a weekend away, timed: Friday evening to Sunday evening
        friday = first + dt.timedelta(weeks=rng.randrange(weeks), days=4)
        cal.timed("Weekend away", cal.local(friday, "17:30"), 48 * 60 + 150)
    for i in range(rng.randrange(5, 25)):  # one-offs
        day = first + dt.timedelta(days=rng.randrange(7 * weeks))
        summary, clock, minutes = rng.choice(WEEKEND_ONE_OFFS if day.weekday() >= 5 else WEEKDAY_ONE_OFFS)
        cal.timed(summary, cal.local(day, clock), minutes)
    birthday = first + dt.timedelta(days=rng.randrange(7 * weeks))
    cal.all_day("Mum's birthday", birthday, 1, "RRULE:FREQ=YEARLY", transparent=True)
    cancelled = first + dt.timedelta(days=rng.randrange(7 * weeks))
    cal.timed("Club committee meeting", cal.local(cancelled, "18:30"), 90, status="CANCELLED")
    return _calendar(zone_name, name, cal.lines)


def _calendar(zone_name: str, name: str, events: list[str]) -> bytes:
    head = ["BEGIN:VCALENDAR", "PRODID:-//Google Inc//Google Calendar 70.9054//EN", "VERSION:2.0",
            "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{name} (busy)", f"X-WR-TIMEZONE:{zone_name}"]
    return ("\r\n".join([*head, *events, "END:VCALENDAR"]) + "\r\n").encode("utf-8")


def add_events(calendar: bytes, zone_name: str, moments: list[tuple[dt.datetime, int, str]]) -> bytes:
    """The same calendar with a few new timed events (a changed calendar: a re-export)."""
    cal = _Export(ZoneInfo(zone_name), [])
    for start, minutes, summary in moments:
        cal.timed(summary, start, minutes, uid=f"new-{_utc(start)}@google.com")
    text = calendar.decode("utf-8")
    return text.replace("END:VCALENDAR\r\n", "\r\n".join(cal.lines) + "\r\nEND:VCALENDAR\r\n").encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Runner profiles with A and B races and a busy calendar, for the batch.

B_DISTANCES = {"5k": ("5k",), "10k": ("5k",), "half": ("5k", "10k"), "marathon": ("10k", "half")}


def runner_profiles(count: int, seed: int = RUNNER_SEED) -> list[tuple[str, str, bytes]]:
    """`count` (name, profile TOML, busy calendar) triples; profile i is the same whatever `count`.
    Each plans 8–20 weeks to an A race; about two in three also run a B race 3–6 weeks before it."""
    rng = random.Random(seed)
    found = []
    for i in range(count):
        level = rng.choice(tuple(inputs.LEVEL_RANGES))
        (spw_lo, spw_hi), (min_lo, min_hi) = inputs.LEVEL_RANGES[level]
        weeks = rng.randrange(8, 21)
        start = inputs.PLAN_START + dt.timedelta(weeks=rng.randrange(0, 48))
        zone = rng.choice(ZONES)
        distance = rng.choice(("5k", "10k", "half", "marathon" if weeks >= 12 else "half"))
        a_day = inputs.race_day(weeks, start)
        races = [("Goal " + distance, a_day, distance, "A")]
        if rng.random() < 0.65 and weeks >= 8:
            b_day = a_day - dt.timedelta(weeks=rng.randrange(3, 7), days=rng.choice((0, 1)))
            races.append(("Tune-up " + rng.choice(B_DISTANCES[distance]), b_day,
                          rng.choice(B_DISTANCES[distance]), "B"))
        name = f"runner-{i + 1:03d}"
        text = runner_profile_toml(name=name, zone=zone, level=level, start=start, end=a_day,
                                   sessions=rng.randrange(spw_lo, spw_hi + 1),
                                   minutes=rng.randrange(min_lo, min_hi + 1, 10),
                                   long_run_day=rng.choice(("sat", "sun", "sun")),
                                   availability=inputs.random_availability(rng), races=races,
                                   busy=f"{name}.ics")
        found.append((name, text, google_export(rng.randrange(10**9), zone, start, weeks, name)))
    return found


def runner_profile_toml(*, name: str, zone: str, level: str, start: dt.date, end: dt.date, sessions: int,
                        minutes: int, long_run_day: str, availability: dict[str, list[str]],
                        races: list[tuple[str, dt.date, str, str]], busy: str) -> str:
    avail = "\n".join(f"{day} = {inputs._toml_list(ws)}" for day, ws in availability.items())
    race_tables = "\n".join(f'[[race]]\nname = "{n}"\ndate = {d.isoformat()}\ndistance = "{dist}"\npriority = "{p}"\n'
                            for n, d, dist, p in races)
    return f"""\
[runner]
name = "{name}"
timezone = "{zone}"
level = "{level}"
sessions_per_week = {sessions}
weekly_minutes = {minutes}
long_run_day = "{long_run_day}"

[plan]
start = {start.isoformat()}
end = {end.isoformat()}

{race_tables}
[availability]
{avail}

[preferences]
run_time = "07:00"
strength_time = "18:30"

[busy]
calendars = ["{busy}"]
"""
