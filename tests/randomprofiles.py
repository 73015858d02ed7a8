"""Random runners for the property harness (issue 15): a profile, and the busy calendar it names.

Everything is drawn from one `random.Random`, so a case is its seed. The busy calendar is written
the way Google Calendar exports one (UTC times, X-WR-TIMEZONE, weekly RRULEs with EXDATE, UNTIL and
a RECURRENCE-ID override, all-day trips, cancelled and transparent events) and, beside it, the
generator keeps its own list of the occurrences it meant (`Case.truth`): an expansion that is not
the one solver/busy.py uses (recurring-ical-events), so the harness can check the reading too.

Odd corners on purpose: zones with southern-hemisphere DST, half-hour and 45-minute offsets and
Lord Howe's half-hour DST shift; plans across DST changes; race start times inside a
spring-forward gap; availability windows across the change, up to 24:00, short ones; 2–10
sessions a week; run/walk beginners; B races and back-to-back A races.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from solver.busy import BusyEvent
from solver.domain import DISTANCES, LEVELS, STRENGTH_TYPES, WEEKDAYS

UTC = dt.timezone.utc
ZONES = (
    "Europe/London", "America/New_York", "Australia/Sydney", "Pacific/Auckland", "America/Santiago",
    "Asia/Kolkata", "Asia/Kathmandu", "Australia/Adelaide", "America/St_Johns", "Australia/Lord_Howe",
    "UTC", "Europe/Berlin",
)
CALENDAR_NAME = "busy.ics"
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# (earliest, latest) plan start: 2027, whose DST changes fall on known Sundays in every zone above.
FIRST_START, LAST_START = dt.date(2027, 1, 4), dt.date(2027, 11, 1)
# Days around which the zones change their clocks in 2027 (a plan starting near one crosses it).
DST_DAYS = (dt.date(2027, 3, 14), dt.date(2027, 3, 28), dt.date(2027, 4, 4), dt.date(2027, 4, 3),
            dt.date(2027, 9, 5), dt.date(2027, 9, 26), dt.date(2027, 10, 3), dt.date(2027, 10, 31),
            dt.date(2027, 11, 7))


@dataclass
class Case:
    """One random runner: the profile text, the busy calendar it names and what that calendar means."""

    seed: int
    profile_text: str
    calendar: bytes | None  # the profile's busy.calendars file (CALENDAR_NAME), None: no [busy]
    truth: tuple[BusyEvent, ...] = ()  # every busy occurrence the calendar means, the generator's own expansion
    notes: list[str] = field(default_factory=list)  # what is odd about it, for the failure report


def case(seed: int, max_weeks: int = 8) -> Case:
    rnd = random.Random(seed)
    return _Draw(rnd, seed, max_weeks).case()


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class _Draw:
    def __init__(self, rnd: random.Random, seed: int, max_weeks: int) -> None:
        self.rnd, self.seed, self.max_weeks = rnd, seed, max_weeks
        self.notes: list[str] = []

    def chance(self, p: float) -> bool:
        return self.rnd.random() < p

    def case(self) -> Case:
        r = self.rnd
        zone = r.choice(ZONES)
        if self.chance(0.4):  # near a DST change of some zone: plans across it
            start = r.choice(DST_DAYS) - dt.timedelta(days=r.randint(3, 30))
        else:
            start = FIRST_START + dt.timedelta(days=r.randint(0, (LAST_START - FIRST_START).days))
        weeks = r.randint(3, self.max_weeks)
        end = start + dt.timedelta(days=7 * weeks - 1 - r.randint(0, 3))
        level = r.choice(LEVELS)
        spw = r.choice((2, 3, 3, 4, 4, 5, 5, 6, 7, 8, 9, 10))
        minutes = {"beginner": (30, 150), "intermediate": (90, 300), "advanced": (180, 520)}[level]
        weekly = r.randint(*minutes)
        lines = ["[runner]", f'name = "Seed {self.seed}"', f'timezone = "{zone}"', f'level = "{level}"',
                 f"sessions_per_week = {spw}", f"weekly_minutes = {weekly}",
                 f'long_run_day = "{r.choice(WEEKDAYS)}"']
        if self.chance(0.25):
            lines.append(f'week_start = "{r.choice(WEEKDAYS)}"')
        if self.chance(0.3):
            lines.append(f"long_run_minutes = {r.randint(10, min(150, weekly))}")
        if level == "beginner" and self.chance(0.5):
            lines.append(f"run_walk = {'true' if self.chance(0.8) else 'false'}")
            self.notes.append("run/walk set")
        if self.chance(0.5):
            lines.append(f'strength_level = "{r.choice(LEVELS)}"')
        lines += ["", "[plan]", f"start = {start}", f"end = {end}", f'strength_type = "{r.choice(STRENGTH_TYPES)}"']
        rules, taper_weeks = self.rules(level)
        durations, easy_min, strength_len = self.durations()
        races = self.races(start, end, zone, taper_weeks)
        lines += races
        lines += ["", "[rules]", *rules]
        lines += ["", "[durations]", *durations]
        lines += ["", "[availability]", *self.availability(max(easy_min, strength_len))]
        if self.chance(0.3):
            lines += ["", "[preferences]", f'run_time = "{_hhmm(r.randrange(5 * 60, 21 * 60, 30))}"',
                      f'strength_time = "{_hhmm(r.randrange(6 * 60, 21 * 60, 30))}"']
        calendar, truth = None, ()
        if self.chance(0.8):
            calendar, truth = _BusyCalendar(r, zone, start, end, self.notes).build()
            lines += ["", "[busy]", f'calendars = ["{CALENDAR_NAME}"]']
            if self.chance(0.2):
                lines.append('all_day = "opaque"')
        return Case(self.seed, "\n".join(lines) + "\n", calendar, truth, self.notes)

    def rules(self, level: str) -> tuple[list[str], int]:
        r, out = self.rnd, []
        strength_min = r.choice((1, 1, 1, 2))
        if strength_min == 2 or self.chance(0.3):
            out += [f"strength_min = {strength_min}", f"strength_max = {r.randint(strength_min, 2)}"]
        for key, low, high, p in (("recovery_hours", 24, 48, 0.3), ("rest_days_min", 1, 3, 0.3), ("ramp_pct", 0, 20, 0.3),
                                  ("strength_intro_weeks", 0, 4, 0.2), ("race_strength_free_days", 1, 7, 0.2),
                                  ("max_consecutive_days", 2, 6, 0.3), ("busy_buffer_min", 0, 90, 0.3),
                                  ("restart_pct", 25, 80, 0.1), ("long_ramp_min", 0, 20, 0.2), ("long_ramp_pct", 0, 20, 0.2),
                                  ("long_share_max", 25, 60, 0.2), ("strength_before_key_hours", 8, 48, 0.2)):
            if self.chance(p):
                out.append(f"{key} = {r.randint(low, high)}")
        if self.chance(0.3):
            out.append(f"cutback_every = {r.choice((0, 2, 3, 4, 5))}")
        taper_weeks = 2
        if self.chance(0.3):
            taper_weeks = r.randint(1, 3)
            out.append(f"taper_weeks = {taper_weeks}")
            if self.chance(0.5):
                pcts = sorted((r.randint(30, 95) for _ in range(taper_weeks)), reverse=True)
                out.append(f"taper_pct = {pcts}")
                self.notes.append(f"taper_pct {pcts}")
        return out, taper_weeks

    def durations(self) -> tuple[list[str], int, int]:
        r, out = self.rnd, []
        easy_min, strength = 20, 45
        if self.chance(0.35):
            easy_min = r.choice((10, 15, 20, 25, 30, 40))
            easy_max = r.randint(max(15, easy_min), 100)
            out += [f"easy_min = {easy_min}", f"easy_max = {easy_max}"]
        if self.chance(0.25):
            out.append(f"long_max = {r.randint(40, 240)}")
        if self.chance(0.25):
            out.append(f"quality = {r.randint(20, 90)}")
        if self.chance(0.2):
            strength = r.choice((45, 50, 60, 75))
            out.append(f"strength = {strength}")
        return out, easy_min, strength

    def availability(self, longest_needed: int) -> list[str]:
        """Odd shapes: every day open, weekends only, two windows a day, short windows, up to
        24:00, windows across the hours clocks change at (01:00-04:00)."""
        r = self.rnd
        shape = r.choice(("open", "workweek", "weekends", "scattered", "short", "night"))
        self.notes.append(f"availability {shape}")
        days: dict[str, list[str]] = {d: [] for d in WEEKDAYS}
        for i, day in enumerate(WEEKDAYS):
            if shape == "open":
                days[day] = ["06:00-21:00"]
            elif shape == "workweek":
                days[day] = ["06:00-08:00", "18:00-21:30"] if i < 5 else ["07:00-13:00"]
            elif shape == "weekends":
                days[day] = ["07:00-18:00"] if i >= 5 or (i == 2 and self.chance(0.5)) else []
            elif shape == "scattered":
                if self.chance(0.7):
                    a = r.randrange(5 * 60, 20 * 60, 15)
                    b = min(24 * 60, a + r.randrange(45, 6 * 60, 15))
                    days[day] = [f"{_hhmm(a)}-{_hhmm(b)}"]
                    if b < 19 * 60 and self.chance(0.4):
                        c = r.randrange(b + 15, 21 * 60, 15)
                        days[day].append(f"{_hhmm(c)}-{_hhmm(min(24 * 60, c + r.randrange(60, 4 * 60, 15)))}")
            elif shape == "short":
                a = r.randrange(6 * 60, 19 * 60, 30)
                days[day] = [f"{_hhmm(a)}-{_hhmm(a + max(longest_needed, r.choice((30, 45, 60, 75))))}"]
            elif shape == "night":  # clocks change in these hours: a window may lose or gain an hour
                days[day] = ["00:30-04:30", "19:00-24:00"] if self.chance(0.6) else ["01:00-03:30"]
        if not any(days.values()):
            days["sat"] = ["07:00-12:00"]
        # One long enough window somewhere (the profile refuses availability that holds no session).
        days["sun"] = days["sun"] or ["07:00-12:00"]
        return [f'{d} = [{", ".join(f"{chr(34)}{w}{chr(34)}" for w in ws)}]' for d, ws in days.items()]

    def races(self, start: dt.date, end: dt.date, zone: str, taper_weeks: int) -> list[str]:
        r, out = self.rnd, []
        count = r.choice((0, 0, 1, 1, 1, 2, 2, 3))
        span = (end - start).days
        dates: list[dt.date] = []
        for _ in range(count):
            # Mostly after the taper can fit (else precheck refuses it, whose advice is checked too).
            earliest = 7 * (taper_weeks + 2) if self.chance(0.9) else 7 * taper_weeks
            day = start + dt.timedelta(days=r.randint(min(span, earliest), span))
            if all(abs((day - d).days) >= 7 for d in dates):
                dates.append(day)
        if count and self.chance(0.5) and end not in dates and all(abs((end - d).days) >= 7 for d in dates):
            dates.append(end)  # the plan ends on a race, as a profile without plan.end does
        for i, day in enumerate(sorted(dates)):
            priority = "A" if i == len(dates) - 1 or self.chance(0.5) else "B"
            clock = _hhmm(r.choice((7 * 60, 8 * 60 + 30, 9 * 60, 10 * 60, 18 * 60)))
            gap = _gap_time(day, zone)
            if gap and self.chance(0.7):
                clock = gap
                self.notes.append(f"race at {gap} on {day}, inside the DST gap")
            out += ["", "[[race]]", f'name = "Race {i + 1}"', f"date = {day}",
                    f'distance = "{r.choice(DISTANCES)}"', f'priority = "{priority}"', f'start_time = "{clock}"']
        return out


def _gap_time(day: dt.date, zone: str) -> str | None:
    """A wall-clock time that does not exist on `day` in `zone` (spring forward), or None."""
    tz = ZoneInfo(zone)
    for minute in range(0, 24 * 60, 30):
        naive = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)
        there = naive.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        if there != naive:
            return _hhmm(minute)
    return None


# -- busy calendars, Google-export style ------------------------------------------------------

def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


class _BusyCalendar:
    """Events written as Google writes them, and the occurrences they mean (`truth`)."""

    def __init__(self, rnd: random.Random, runner_zone: str, start: dt.date, end: dt.date, notes: list[str]) -> None:
        self.r, self.notes = rnd, notes
        self.runner = ZoneInfo(runner_zone)
        # Google writes X-WR-TIMEZONE, usually the runner's own zone, sometimes another one (a runner
        # who moved); other exporters write none (then a weekly series in UTC repeats at one UTC time,
        # and floating times are the runner's wall clock).
        self.zone_name = (runner_zone if rnd.random() < 0.7 else rnd.choice(ZONES)) if rnd.random() < 0.75 else None
        self.zone = ZoneInfo(self.zone_name) if self.zone_name else UTC
        self.floating = ZoneInfo(self.zone_name) if self.zone_name else self.runner
        self.start, self.end = start, end
        self.events: list[str] = []
        self.truth: list[BusyEvent] = []
        self.n = 0

    def uid(self) -> str:
        self.n += 1
        return f"{self.r.getrandbits(64):016x}{self.n}@google.com"

    def build(self) -> tuple[bytes, tuple[BusyEvent, ...]]:
        r = self.r
        if r.random() < 0.7:
            self.weekly_work()
        if r.random() < 0.5:
            self.weekly_evening()
        for _ in range(r.randint(0, 4)):
            self.meeting()
        for _ in range(r.randint(0, 2)):
            self.trip()
        if r.random() < 0.4:
            self.undefined_tzid_series()
        if r.random() < 0.3:
            self.free_events()
        head = ["BEGIN:VCALENDAR", "PRODID:-//Google Inc//Google Calendar 70.9054//EN", "VERSION:2.0",
                "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "X-WR-CALNAME:Busy"]
        if self.zone_name:
            head.append(f"X-WR-TIMEZONE:{self.zone_name}")
        else:
            self.notes.append("no X-WR-TIMEZONE")
        text = "\r\n".join([*head, *self.events, "END:VCALENDAR"]) + "\r\n"
        return text.encode(), tuple(sorted(self.truth, key=lambda e: (e.start, e.end, e.summary)))

    def add(self, lines: list[str]) -> None:
        self.events += ["BEGIN:VEVENT", "DTSTAMP:20261127T080000Z", *lines, "END:VEVENT"]

    def keep(self, start: dt.datetime, end: dt.datetime, summary: str) -> None:
        self.truth.append(BusyEvent(start.astimezone(UTC), end.astimezone(UTC), summary, CALENDAR_NAME))

    def day(self, lo: int = -10, hi: int | None = None) -> dt.date:
        span = (self.end - self.start).days
        return self.start + dt.timedelta(days=self.r.randint(lo, span + 3 if hi is None else hi))

    def series(self, summary: str, days: list[int], clock: int, length: int, first: dt.date,
               until: dt.date | None) -> None:
        """A weekly series at a local wall-clock time of the calendar's zone (Google: UTC in the
        file, the wall clock kept across DST), with EXDATEs and, sometimes, one moved occurrence."""
        r = self.r
        while first.weekday() not in days:
            first += dt.timedelta(days=1)
        local = lambda d: dt.datetime.combine(d, dt.time(clock // 60, clock % 60), self.zone)  # noqa: E731
        last = until or (self.end + dt.timedelta(days=14))
        occurrences = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)
                       if (first + dt.timedelta(days=i)).weekday() in days]
        excluded = set(r.sample(occurrences, min(len(occurrences), r.randint(0, 3))))
        moved = r.choice([d for d in occurrences if d not in excluded]) if r.random() < 0.5 and \
            len(occurrences) > len(excluded) else None
        uid = self.uid()
        lines = [f"DTSTART:{_utc(local(first))}", f"DTEND:{_utc(local(first) + dt.timedelta(minutes=length))}",
                 "RRULE:FREQ=WEEKLY;" + (f"UNTIL={_utc(local(until))};" if until else "")
                 + "BYDAY=" + ",".join(BYDAY[d] for d in days)]
        lines += [f"EXDATE:{_utc(local(d))}" for d in sorted(excluded)]
        lines += [f"UID:{uid}", f"SUMMARY:{summary}", "STATUS:CONFIRMED", "TRANSP:OPAQUE"]
        self.add(lines)
        for d in occurrences:
            if d not in excluded and d != moved:
                self.keep(local(d), local(d) + dt.timedelta(minutes=length), summary)
        if moved is not None:  # RECURRENCE-ID: that one occurrence moved to another day and time
            new = local(moved) + dt.timedelta(days=r.choice((-1, 1)), minutes=r.choice((-120, -30, 60, 180)))
            self.add([f"DTSTART:{_utc(new)}", f"DTEND:{_utc(new + dt.timedelta(minutes=length))}", f"UID:{uid}",
                      f"RECURRENCE-ID:{_utc(local(moved))}", f"SUMMARY:{summary} (moved)", "SEQUENCE:1",
                      "STATUS:CONFIRMED", "TRANSP:OPAQUE"])
            self.keep(new, new + dt.timedelta(minutes=length), f"{summary} (moved)")
            self.notes.append("RECURRENCE-ID override")

    def weekly_work(self) -> None:
        r = self.r
        days = sorted(r.sample(range(5), r.randint(1, 5)))
        clock = r.choice((8 * 60, 8 * 60 + 30, 9 * 60))
        until = self.day(5) if r.random() < 0.4 else None
        self.series("Work", days, clock, r.choice((8 * 60, 8 * 60 + 30, 9 * 60)), self.day(-20, 0), until)

    def weekly_evening(self) -> None:
        r = self.r
        days = [r.randrange(7)]
        until = self.day(7) if r.random() < 0.5 else None
        self.series(r.choice(("Choir", "Five-a-side", "Evening class")), days, r.choice((17 * 60, 18 * 60 + 30, 19 * 60)),
                    r.choice((60, 90, 120)), self.day(-10, 10), until)

    def meeting(self) -> None:
        r = self.r
        start = dt.datetime.combine(self.day(0), dt.time(0), self.runner) + dt.timedelta(
            minutes=r.randrange(6 * 60, 21 * 60, 15))
        end = start + dt.timedelta(minutes=r.choice((30, 45, 60, 120, 240)))
        self.add([f"DTSTART:{_utc(start)}", f"DTEND:{_utc(end)}", f"UID:{self.uid()}", "SUMMARY:Meeting",
                  "STATUS:CONFIRMED"])
        self.keep(start, end, "Meeting")

    def trip(self) -> None:
        """All-day days away (opaque: busy; transparent: free unless all_day = always), or a timed
        trip across midnight."""
        r = self.r
        first = self.day(0)
        if r.random() < 0.7:
            days = r.randint(1, 5)
            opaque = r.random() < 0.6
            self.add([f"DTSTART;VALUE=DATE:{first:%Y%m%d}", f"DTEND;VALUE=DATE:{first + dt.timedelta(days=days):%Y%m%d}",
                      f"UID:{self.uid()}", "SUMMARY:Trip", f"TRANSP:{'OPAQUE' if opaque else 'TRANSPARENT'}"])
            if opaque:  # an all-day event blocks whole days of the runner's own calendar (busy.py)
                self.keep(dt.datetime.combine(first, dt.time(0), self.runner),
                          dt.datetime.combine(first + dt.timedelta(days=days), dt.time(0), self.runner), "Trip")
            self.notes.append(f"all-day trip, {'opaque' if opaque else 'transparent'}")
        else:
            start = dt.datetime.combine(first, dt.time(0), self.runner) + dt.timedelta(minutes=r.randrange(14 * 60, 22 * 60, 30))
            end = start + dt.timedelta(hours=r.randint(10, 40))
            self.add([f"DTSTART:{_utc(start)}", f"DTEND:{_utc(end)}", f"UID:{self.uid()}", "SUMMARY:Flight"])
            self.keep(start, end, "Flight")

    def undefined_tzid_series(self) -> None:
        """A series under a TZID no VTIMEZONE defines (Outlook exports do this), ending with an
        UNTIL in UTC at its last occurrence's start: read as a floating time, the calendar's
        X-WR-TIMEZONE wall clock, else the runner's."""
        r = self.r
        first = self.day(-7, 5)
        clock = r.choice((6 * 60 + 30, 7 * 60, 12 * 60, 18 * 60))
        length = r.choice((45, 60, 90))
        count = r.randint(2, 10)
        local = lambda d: dt.datetime.combine(d, dt.time(clock // 60, clock % 60), self.floating)  # noqa: E731
        days = [first + dt.timedelta(weeks=i) for i in range(count)]
        naive = lambda d: local(d).strftime("%Y%m%dT%H%M%S")  # noqa: E731
        self.add([f"DTSTART;TZID=Office Standard Time:{naive(first)}",
                  f"DTEND;TZID=Office Standard Time:{(local(first) + dt.timedelta(minutes=length)).strftime('%Y%m%dT%H%M%S')}",
                  f"RRULE:FREQ=WEEKLY;UNTIL={_utc(local(days[-1]))}", f"UID:{self.uid()}", "SUMMARY:Physio class"])
        for d in days:
            self.keep(local(d), local(d) + dt.timedelta(minutes=length), "Physio class")
        self.notes.append("undefined TZID with UNTIL in UTC")

    def free_events(self) -> None:
        """Events that are not busy time: cancelled, transparent, runcal's own sessions."""
        for extra, summary in ((["STATUS:CANCELLED"], "Cancelled meeting"), (["TRANSP:TRANSPARENT"], "Reminder")):
            start = dt.datetime.combine(self.day(0), dt.time(7, 0), self.runner)
            self.add([f"DTSTART:{_utc(start)}", f"DTEND:{_utc(start + dt.timedelta(hours=2))}", f"UID:{self.uid()}",
                      f"SUMMARY:{summary}", *extra])
        start = dt.datetime.combine(self.day(0), dt.time(7, 0), self.runner)
        self.add([f"DTSTART:{_utc(start)}", f"DTEND:{_utc(start + dt.timedelta(hours=1))}",
                  "UID:0123456789abcdef@runcal", "SUMMARY:Easy run 60 min"])
