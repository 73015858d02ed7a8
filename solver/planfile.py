"""The plan file (.ics, docs/ics-format.md) read in one place: the calendar's X-RUNCAL-* properties
and each event's kind, status, times, UID, SEQUENCE, missed and injury properties.

The checker (solver/check.py) builds its PlanFile from these, and the re-plan (solver/replan.py)
its PlanEvents, so both read a file the same way: a STATUS is CANCELLED whatever its case and
spaces, a kind is read lower-cased, a date that is not a date is one CalendarError. (They were two
copies that had drifted, issue 19.) The property names are the table PROPS, which the writer
(solver/ics.py) uses too. Busy calendars are not plan files: solver/busy.py reads those.

Like the checker, this module imports only the standard library, icalendar and runcal's plain
modules (domain, errors, limits, profile, icsread, textprop): never the model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar

from .domain import Kind, Profile
from .errors import CalendarError, InputError, ProfileError, printable
from .limits import DATE_MAX, DATE_MIN, PLAN_EVENTS, check_date, date_problem
from .profile import MAX_PLAN_WEEKS, profile_from_json
from . import icsread, textprop

UTC = dt.timezone.utc
FIX_FILE = "give the .ics file that `runcal plan` wrote"


class PROPS:
    """The X-RUNCAL-* properties of a plan file (docs/ics-format.md), by what they hold."""

    # the calendar's
    PLAN_START = "X-RUNCAL-PLAN-START"  # the first day of week 1
    PLAN_END = "X-RUNCAL-PLAN-END"  # the last day of the last week
    PLAN_ID = "X-RUNCAL-PLAN-ID"  # the plan's identity across re-plans (UIDs derive from it)
    PROFILE = "X-RUNCAL-PROFILE"  # the profile as JSON
    PROFILE_HASH = "X-RUNCAL-PROFILE-HASH"
    INJURY = "X-RUNCAL-INJURY"  # FROM/UNTIL, one per injury (R9)
    MISSED_RANGE = "X-RUNCAL-MISSED-RANGE"  # FROM/TO/REPORTED, one per stretch marked missed
    # each event's
    KIND = "X-RUNCAL-KIND"  # easy, long, quality, race, strength, rehab; note: a reminder
    WEEK = "X-RUNCAL-WEEK"
    PERIOD = "X-RUNCAL-PERIOD"
    SESSION = "X-RUNCAL-SESSION"  # the session's identity within the plan
    PLANNED_START = "X-RUNCAL-PLANNED-START"  # where runcal put it (UTC): elsewhere means moved by hand
    DROPPED = "X-RUNCAL-DROPPED"  # why a re-plan cancelled it, rule ID first
    MISSED = "X-RUNCAL-MISSED"  # the day the miss was reported (TRUE in older files)
    STEPS = "X-RUNCAL-STEPS"  # the workout's steps as JSON
    TEMPLATE = "X-RUNCAL-TEMPLATE"  # R7: the strength prescription's template, table period and load step
    RX_PERIOD = "X-RUNCAL-RX-PERIOD"
    LOAD_STEP = "X-RUNCAL-LOAD-STEP"
    RUN_WALK = "X-RUNCAL-RUN-WALK"

    @staticmethod
    def prescription(key: str) -> str:
        """The property of a session's prescription entry (Session.prescription: STEPS, TEMPLATE, …)."""
        return f"X-RUNCAL-{key.upper()}"


# docs/ics-format.md: how a hand-added event (no X-RUNCAL-KIND) is classified, first match wins.
FAMILIES = (("race", Kind.RACE), ("strength", Kind.STRENGTH))
RUN_WORDS = (("long", Kind.LONG), ("quality", Kind.QUALITY), ("tempo", Kind.QUALITY), ("interval", Kind.QUALITY))


@dataclass(frozen=True)
class Entry:
    """One session of the plan file: UTC instants for gaps, local datetimes for days and clocks."""

    kind: Kind
    start: dt.datetime  # UTC
    end: dt.datetime  # UTC
    local_start: dt.datetime
    local_end: dt.datetime
    props: tuple[tuple[str, str], ...] = ()  # SUMMARY, DESCRIPTION and X-RUNCAL-* text, for R7

    def prop(self, name: str) -> str | None:
        return dict(self.props).get(name)

    @property
    def reported(self) -> dt.date | None:
        """The day a missed session was reported (X-RUNCAL-MISSED:YYYY-MM-DD); None when unknown
        (TRUE, from plans written before the date was kept: known from the start)."""
        try:
            return dt.date.fromisoformat((self.prop(PROPS.MISSED) or "").strip())
        except ValueError:
            return None

    @property
    def run_walk(self) -> bool:
        return (self.prop(PROPS.RUN_WALK) or "0").strip() not in ("", "0")

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def seconds(self) -> int:
        return int((self.end - self.start).total_seconds())

    @property
    def day(self) -> dt.date:
        return self.local_start.date()

    @property
    def days(self) -> list[dt.date]:
        """Local dates the session touches; one ending at midnight does not touch the next day."""
        last = self.local_end - dt.timedelta(microseconds=1) if self.end > self.start else self.local_start
        return [self.day + dt.timedelta(days=i) for i in range((last.date() - self.day).days + 1)]

    @property
    def key(self) -> dt.datetime:
        return self.local_start.replace(tzinfo=None)

    def ending(self, other: Entry) -> str:
        """The end time, with its date only when it differs from `other`'s start date."""
        same = self.local_end.date() == other.day
        return f"{self.local_end:%H:%M}" if same else f"{self.local_end:%Y-%m-%d %H:%M}"

    def __str__(self) -> str:
        return f"{self.label} {self.local_start:%Y-%m-%d %H:%M}"


# -- the calendar and its events, as the checker reads them ------------------------------------

def uids(cal: Calendar, source: str) -> tuple[tuple[str, str], ...]:
    """(UID or "", the event named for a message) of every VEVENT, reminders too."""
    return tuple(uid_and_name(event, source) for event in cal.walk("VEVENT"))


def uid_and_name(event, source: str) -> tuple[str, str]:
    """(UID or "", the event named for a message), after checking its SEQUENCE."""
    icsread.sequence(event, source, FIX_FILE)
    uid = event.get("UID")
    return (str(uid).strip() if uid is not None else ""), icsread.label(event)


def plan_dates(cal: Calendar, source: str) -> tuple[dt.date, dt.date]:
    """X-RUNCAL-PLAN-START and -END, each a date in the contract's range, at most 104 weeks apart."""
    first, last = date_prop(cal, PROPS.PLAN_START, source), date_prop(cal, PROPS.PLAN_END, source)
    if last < first:
        raise CalendarError(source, PROPS.PLAN_END, f"{last} is before X-RUNCAL-PLAN-START {first}", FIX_FILE)
    if (last - first).days > (MAX_PLAN_WEEKS + 1) * 7:
        raise CalendarError(source, PROPS.PLAN_END, f"the plan would be longer than {MAX_PLAN_WEEKS} weeks", FIX_FILE)
    return first, last


def recorded_injuries(cal: Calendar, last: dt.date, source: str) -> tuple[tuple[dt.date, dt.date | None], ...]:
    """X-RUNCAL-INJURY as (first day, day cleared or None: not yet)."""
    return tuple((a, None if b == last and not v.partition("/")[2] else b)
                 for (a, b), v in zip(injuries(cal, last, source), textprop.get_all(cal, PROPS.INJURY)))


def injuries(cal: Calendar, last: dt.date, source: str) -> tuple[tuple[dt.date, dt.date], ...]:
    """X-RUNCAL-INJURY values "FROM/UNTIL" (UNTIL empty: not cleared yet, so to the plan's end)."""
    found = []
    for value in textprop.get_all(cal, PROPS.INJURY):
        start, _, until = value.partition("/")
        try:
            found.append((check_date(dt.date.fromisoformat(start), source, PROPS.INJURY),
                          check_date(dt.date.fromisoformat(until), source, PROPS.INJURY) if until else last))
        except ValueError as exc:
            why = exc.problem if isinstance(exc, InputError) else f"{value!r} is not FROM/UNTIL dates"
            raise CalendarError(source, PROPS.INJURY, why, "write it as 2027-02-01/2027-02-14") from None
    return tuple(found)


def cancelled(event) -> bool:
    return str(event.get("STATUS", "")).strip().upper() == "CANCELLED"


def parse(data: bytes | str, source: str, fix: str = FIX_FILE) -> Calendar:
    """The plan's calendar, within the bounds of solver/limits.py, its rules checked (icsread)."""
    cal = icsread.parse(data.encode("utf-8") if isinstance(data, str) else data, source, fix,
                        events=PLAN_EVENTS, merge=False, strict=True)
    icsread.check_rules(cal, source, DATE_MAX, fix)
    return cal


def date_prop(cal: Calendar, name: str, source: str) -> dt.date:
    value = textprop.get(cal, name)
    if value is None:
        raise CalendarError(source, name, "missing, so the plan weeks are unknown",
                            f"check a plan written by `runcal plan`, or add {name}:YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise CalendarError(source, name, f"{str(value)!r} is not a date", "write it as YYYY-MM-DD") from None
    return check_date(day, source, name)


def embedded_profile(cal: Calendar, source: str) -> Profile:
    raw = textprop.get_json(cal, PROPS.PROFILE)
    if raw is None:
        raise CalendarError(source, PROPS.PROFILE, "missing, and no profile was given",
                            "pass --profile with the runner's profile .toml")
    try:
        return profile_from_json(raw, f"{source} X-RUNCAL-PROFILE", textprop.get(cal, PROPS.PROFILE_HASH))
    except ProfileError as exc:  # validated as a profile file is: the field is the profile's own
        field = f"X-RUNCAL-PROFILE {exc.field}".strip()
        raise CalendarError(source, field, exc.problem, "pass --profile with the runner's profile .toml (the "
                            "plan's embedded copy is not one runcal wrote)") from None


def read_entry(event, zone: ZoneInfo, source: str) -> Entry:
    name = printable(str(event.get("UID") or event.get("SUMMARY") or "an event without UID"), 80)
    if "RRULE" in event or "RDATE" in event:
        raise CalendarError(source, f"{name} RRULE", "repeating events are not checked one by one",
                            "replace the repeating event by single events")
    start = moment(event, "DTSTART", zone, source, name)
    if start is None:
        raise CalendarError(source, f"{name} DTSTART", "missing", "give every event a DTSTART")
    end = _end(event, start, zone, source, name)
    if end < start:
        raise CalendarError(source, f"{name} DTEND", "is before DTSTART", "make the event end after it starts")
    kind = event_kind(event, source, name)
    props = tuple((k, textprop.get(event, k, "") or "" if k.startswith("X-") else str(event[k]))
                  for k in R7_PROPS + VIEW_PROPS if k in event)
    return Entry(kind, start, end, start.astimezone(zone), end.astimezone(zone), props)


R7_PROPS = ("SUMMARY", "DESCRIPTION", PROPS.TEMPLATE, PROPS.RX_PERIOD, PROPS.LOAD_STEP, PROPS.PERIOD, PROPS.RUN_WALK,
            PROPS.MISSED, PROPS.KIND, PROPS.STEPS)
# Not used by any rule: what the HTML view (solver/view) shows and how it pairs sessions across re-plans.
VIEW_PROPS = ("UID", PROPS.WEEK, PROPS.SESSION, PROPS.DROPPED)


def moment(event, prop: str, zone: ZoneInfo, source: str, name: str) -> dt.datetime | None:
    """DTSTART/DTEND as a UTC instant; a date means local midnight, a floating time the runner's zone."""
    value = event.get(prop)
    if value is None:
        return None
    try:
        when = value.dt
        if not isinstance(when, dt.date):
            raise ValueError(type(when).__name__)
        if not DATE_MIN <= (when.date() if isinstance(when, dt.datetime) else when) <= DATE_MAX:
            raise CalendarError(source, f"{name} {prop}", f"{when:%Y-%m-%d} lies outside the dates runcal plans "
                                f"({DATE_MIN} to {DATE_MAX})", FIX_FILE)
        if not isinstance(when, dt.datetime):
            return dt.datetime.combine(when, dt.time(), zone).astimezone(UTC)
        if when.tzinfo is None:
            when = when.replace(tzinfo=_zone(value, zone))
        return when.astimezone(UTC)
    except (AttributeError, ValueError, TypeError, OverflowError) as exc:
        if isinstance(exc, CalendarError):
            raise
        raise CalendarError(source, f"{name} {prop}", "is not a date or date-time",
                            "write it as YYYYMMDDTHHMMSS with a TZID") from None


def _zone(value, default: ZoneInfo) -> dt.tzinfo:
    tzid = getattr(value, "params", {}).get("TZID")
    try:
        return ZoneInfo(tzid) if tzid else default
    except (ZoneInfoNotFoundError, ValueError):
        return default


def _end(event, start: dt.datetime, zone: ZoneInfo, source: str, name: str) -> dt.datetime:
    end = moment(event, "DTEND", zone, source, name)
    if end is not None:
        return end
    all_day = not isinstance(event["DTSTART"].dt, dt.datetime)
    duration = icsread.time_value(event, "DURATION")
    if all_day:  # RFC 5545: an all-day event without an end covers its one day
        days = max(1, duration.days) if isinstance(duration, dt.timedelta) else 1
        local = start.astimezone(zone).date() + dt.timedelta(days=days)
        return dt.datetime.combine(local, dt.time(), zone).astimezone(UTC)
    return start + duration if isinstance(duration, dt.timedelta) else start


def event_kind(event, source: str, name: str) -> Kind:
    raw = textprop.get(event, PROPS.KIND)
    if raw is not None:
        try:
            return Kind(raw.strip().lower())
        except ValueError:
            raise CalendarError(source, f"{name} X-RUNCAL-KIND", f"{str(raw)!r} is not a session kind",
                                "use easy, long, quality, race, strength or rehab, or remove the line") from None
    cats = event.get("CATEGORIES", [])
    cats = cats if isinstance(cats, list) else [cats]
    return classify([str(c) for cat in cats for c in getattr(cat, "cats", [cat])], str(event.get("SUMMARY", "")))


def classify(categories: Iterable[str], summary: str) -> Kind:
    """The kind of a hand-added event: race, strength, long, quality (tempo, interval), else easy.

    CATEGORIES name the family first, so the planner's own "Running" event titled
    "Quality run (race pace)" stays a run; only without a family word does SUMMARY decide it.
    """
    cats = " ".join(categories).lower()
    text = f"{cats} {summary.lower()}"
    family = next((kind for word, kind in FAMILIES if word in cats), None)
    if family is None and "run" not in cats:
        family = next((kind for word, kind in FAMILIES if word in text), None)
    return family or next((kind for word, kind in RUN_WORDS if word in text), Kind.EASY)



# -- what the checker and the re-plan both ask of an event -------------------------------------

def kind_text(event) -> str | None:
    """X-RUNCAL-KIND as read everywhere: stripped and lower-cased; None for a hand-added event."""
    raw = textprop.get(event, PROPS.KIND)
    return raw.strip().lower() if raw is not None else None


def is_note(event) -> bool:
    """A reminder runcal added (the injury's "get assessed"): not a session."""
    return kind_text(event) == "note"


def missed_text(event) -> str:
    """X-RUNCAL-MISSED, stripped: the day the miss was reported, TRUE in older files, "" if none."""
    return (textprop.get(event, PROPS.MISSED, "") or "").strip()


def reported_on(text: str) -> dt.date | None:
    """The day in X-RUNCAL-MISSED; None when it holds none (TRUE: known from the start)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def entries(cal: Calendar, zone: ZoneInfo, source: str) -> tuple[list[Entry], list[Entry], list[Entry]]:
    """The sessions (sorted by start), the missed ones (cancelled with X-RUNCAL-MISSED) and every
    cancelled one (sorted by start): the checker's view of the events, reminders left out."""
    events = [e for e in cal.walk("VEVENT") if not is_note(e)]
    sessions = sorted((read_entry(e, zone, source) for e in events if not cancelled(e)),
                      key=lambda s: (s.start, s.end, s.kind.value))
    missed = [read_entry(e, zone, source) for e in events if cancelled(e) and missed_text(e)]
    gone = sorted((read_entry(e, zone, source) for e in events if cancelled(e)), key=lambda s: s.start)
    return sessions, missed, gone


def missed_ranges(cal: Calendar, source: str, fix: str = FIX_FILE) -> list[tuple[dt.date, dt.date, dt.date]]:
    """X-RUNCAL-MISSED-RANGE values FROM/TO/REPORTED: the stretches earlier re-plans marked missed."""
    found = []
    for value in textprop.get_all(cal, PROPS.MISSED_RANGE):
        try:
            a, b, reported = (dt.date.fromisoformat(part) for part in value.split("/"))
        except ValueError:
            raise CalendarError(source, PROPS.MISSED_RANGE, f"{value!r} is not FROM/TO/REPORTED dates", fix) from None
        found.append((a, b, reported))
    return found


# -- the re-plan's view: events it may rewrite in place ---------------------------------------------

@dataclass(frozen=True)
class Event:
    """A VEVENT runcal planned (an X-RUNCAL-KIND other than note), cancelled or not, its times in
    the runner's zone. `component` is the VEVENT itself: the re-plan rewrites it in place."""

    component: object
    kind: Kind
    start: dt.datetime
    end: dt.datetime
    cancelled: bool
    missed: str  # X-RUNCAL-MISSED, stripped ("" when not missed)
    planned: str | None  # X-RUNCAL-PLANNED-START

    @property
    def reported(self) -> dt.date | None:
        return reported_on(self.missed)


def parse_rewritable(data: bytes, source: str, fix: str) -> Calendar:
    """The plan's calendar, read as the checker reads it (bounds, rules), and a runcal plan whose
    every event has its own UID, a readable SEQUENCE and readable times: a re-plan rewrites them."""
    cal = parse(data, source)  # the checker's words for what it cannot read
    if PROPS.PLAN_START not in cal or PROPS.PROFILE not in cal:
        raise CalendarError(source, PROPS.PLAN_START, "is not a runcal plan (no X-RUNCAL-* properties)", fix)
    plan_dates(cal, source)  # dates in range, at most 104 weeks
    seen: dict[str, str] = {}
    for event in cal.walk("VEVENT"):
        name = icsread.label(event)
        icsread.sequence(event, source, fix)
        uid = str(event.get("UID", "")).strip()
        if not uid:
            raise CalendarError(source, name, "has no UID, so a re-plan cannot update it in place", fix)
        if uid in seen:
            raise CalendarError(source, name, f"has the same UID as {seen[uid]}, so a re-plan cannot tell them apart",
                                "give each event its own UID, or plan again")
        seen[uid] = name
        for prop in ("DTSTART", "DTEND"):
            _readable_time(event, prop, name, source, fix)
    return cal


def _readable_time(event, prop: str, name: str, source: str, fix: str) -> None:
    if prop not in event:
        return
    day = icsread.time_value(event, prop)
    day = day.date() if isinstance(day, dt.datetime) else day
    problem = date_problem(day) if isinstance(day, dt.date) else "is not a date or date-time"
    if problem:
        raise CalendarError(source, f"{name} {prop}", problem, fix)


def events(cal: Calendar, zone: ZoneInfo, source: str, fix: str) -> list[Event]:
    """Every event runcal planned, in file order. Each is a timed session with DTSTART and DTEND
    (the re-plan rewrites both; an all-day event is not a runcal session) and a kind the checker
    reads too."""
    found = []
    for component in cal.walk("VEVENT"):
        text = kind_text(component)
        if text in (None, "note"):
            continue  # added by hand, or a reminder: not a session
        name = printable(str(component.get("UID") or component.get("SUMMARY") or "an event without UID"), 80)
        times = [icsread.time_value(component, prop) for prop in ("DTSTART", "DTEND")]
        if not all(isinstance(t, dt.datetime) for t in times):
            raise CalendarError(source, f"event {name}", "cannot be read (a runcal session has a DTSTART and a DTEND "
                                "with a time; all-day events are not runcal sessions)", fix)
        start, end = (_local(component, prop, zone, source, name) for prop in ("DTSTART", "DTEND"))
        found.append(Event(component, event_kind(component, source, name), start, end, cancelled(component),
                           missed_text(component), textprop.get(component, PROPS.PLANNED_START)))
    return found


def _local(component, prop: str, zone: ZoneInfo, source: str, name: str) -> dt.datetime:
    """DTSTART or DTEND, known to be a date-time, in the runner's zone."""
    when = moment(component, prop, zone, source, name)
    assert when is not None  # events() checked it is there
    return when.astimezone(zone)
