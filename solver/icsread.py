"""Parse an iCalendar input (a busy calendar, a plan file, an object from a CalDAV server) within bounds.

Before icalendar sees the bytes they must be UTF-8 text starting with BEGIN:VCALENDAR, within the
caps on events, lines and nesting (solver/limits.py). After parsing, before any date of the file
is used, every recurrence rule is checked: the events' and also the VTIMEZONEs', whose rules
dateutil walks from their DTSTART the first time an offset is asked for (a VTIMEZONE repeating
every second made that first question take hours). A rule must repeat at most once a day, with
INTERVAL ≥ 1, and all the rules of a calendar together may take at most RULE_STEPS steps to
reach the end of what is read.

Only the standard library, icalendar and runcal's plain modules: the checker uses it too.
"""

from __future__ import annotations

import datetime as dt
import re

import icalendar

from .errors import CalendarError, InputError, printable
from .inputs import UTF8_BOM, what_binary
from .limits import CALENDAR_EVENTS, CALENDAR_LINES, RULE_FREQS, RULE_STEPS, SEQUENCE_MAX

MAX_NESTING = 8  # VCALENDAR > VTIMEZONE > STANDARD is 3; VEVENT > VALARM 3
_BEGIN_END = re.compile(rb"^(BEGIN|END):", re.I | re.M)
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EVENT = re.compile(rb"^BEGIN:VEVENT\s*$", re.I | re.M)
FINER = {"SECONDLY": "every second", "MINUTELY": "every minute", "HOURLY": "every hour"}
NEWLINE = b"\n"
YEAR_9999 = dt.date(9999, 12, 31)  # how far dateutil may walk a VTIMEZONE rule: any date a file can hold


def parse(data: bytes, source: str, fix: str, error: type[InputError] = CalendarError,
          events: int = CALENDAR_EVENTS, merge: bool = True, strict: bool = False) -> icalendar.Calendar:
    """The calendar, or one clear error. `merge`: several VCALENDARs in one file are read as one
    (their components, as exports of several calendars are); otherwise more than one is an error.
    `strict` (runcal's own files): a control character anywhere is an error, as RFC 5545 §3.1 has it."""
    data = check_bytes(data, source, fix, error, events)
    if strict:
        found = _CONTROL.search(data)
        if found:
            raise error(source, _line(data, found.start()), f"holds the control character U+{found[0][0]:04X}, "
                        "which RFC 5545 allows in no value", fix)
    try:
        found = icalendar.Calendar.from_ical(data, multiple=True)
    except Exception as exc:  # icalendar reports malformed input with assorted exception types
        raise error(source, "", f"is not a valid iCalendar file ({_first_line(exc)})", fix) from None
    found = [c for c in found if c.name == "VCALENDAR"]
    if not found:
        if b"BEGIN:VCALENDAR" in data.upper():  # icalendar drops a calendar that never ends
            raise error(source, "", "is cut short (BEGIN:VCALENDAR without END:VCALENDAR)", fix)
        raise error(source, "", "holds no VCALENDAR", fix)
    if strict:
        for component in found[0].walk():
            for name, problem in getattr(component, "errors", ()):
                raise error(source, f"{label(component)} {name}", f"cannot be read ({printable(str(problem), 80)})", fix)
    if len(found) == 1:
        return found[0]
    if not merge:
        raise error(source, "", f"holds {len(found)} VCALENDARs", fix)
    merged = icalendar.Calendar()
    for cal in found:
        for sub in cal.subcomponents:
            merged.add_component(sub)
    return merged


def check_bytes(data: bytes, source: str, fix: str, error: type[InputError] = CalendarError,
                events: int = CALENDAR_EVENTS) -> bytes:
    """The bytes (a UTF-8 BOM dropped) if they can be an iCalendar file of bounded size."""
    data = data.removeprefix(UTF8_BOM)
    other = what_binary(data)
    if other:
        raise error(source, "", f"is not a valid iCalendar file (it is {other})", fix)
    if not data.lstrip().upper().startswith(b"BEGIN:VCALENDAR"):
        raise error(source, "", "is not a valid iCalendar file (it does not start with BEGIN:VCALENDAR)", fix)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(source, _line(data, exc.start), f"is not UTF-8 text (byte 0x{data[exc.start]:02x})",
                    "save or export it as UTF-8") from None
    lines = data.count(b"\n")
    if lines > CALENDAR_LINES:
        raise error(source, "", f"has {lines:,} lines, more than the {CALENDAR_LINES:,} runcal reads from one calendar",
                    "export a shorter stretch of time, or only the calendars that hold busy time")
    count = len(_EVENT.findall(data))
    if count > events:
        raise error(source, "", f"holds {count:,} events, more than the {events:,} runcal reads from one calendar",
                    "export a shorter stretch of time, or only the calendars that hold busy time")
    depth = 0
    for m in _BEGIN_END.finditer(data):
        depth += 1 if m[1].upper() == b"BEGIN" else -1
        if depth > MAX_NESTING:
            raise error(source, _line(data, m.start()), f"nests components more than {MAX_NESTING} deep", fix)
    return data


def check_rules(cal: icalendar.Calendar, source: str, until: dt.date, fix: str,
                error: type[InputError] = CalendarError, spent: int = 0) -> int:
    """Every RRULE of the file repeats at most daily, and all of them reach `until` (events) or
    any date (VTIMEZONEs) within RULE_STEPS steps, `spent` of which other files of the same
    calendar took already. Returns the steps spent now. Call before using any date of the file."""
    steps: list[tuple[int, icalendar.cal.Component, str]] = []
    for zone in cal.walk("VTIMEZONE"):
        for part in zone.subcomponents:
            for rule in _rules(part, zone, source, fix, error, yearly=True):
                steps.append((_steps(rule, part, YEAR_9999, zone, source, fix, error), zone, "its time zone rule"))
    for event in cal.walk("VEVENT"):  # the only component expanded (recurring-ical-events' default)
        for rule in _rules(event, event, source, fix, error):
            steps.append((_steps(rule, event, until, event, source, fix, error), event, "it"))
    total = spent + sum(n for n, _, _ in steps)
    if total > RULE_STEPS:
        n, worst, what = max(steps, key=lambda s: s[0])
        raise error(source, f"{label(worst)} RRULE", f"{what} repeats about {n:,} times between its start and the end "
                    f"of the plan; with the calendar's other repeating events that is more than the {RULE_STEPS:,} "
                    "repeats runcal works through in one calendar", "give the repeating event a later start (DTSTART), "
                    "or leave it out of the export")
    return total


def sequence(component, source: str, fix: str, error: type[InputError] = CalendarError) -> int:
    """The event's SEQUENCE (0 if absent): a whole number in RFC 5545's range, or one clear error."""
    value = component.get("SEQUENCE", 0)
    if broken_property(component, ("SEQUENCE",)) or isinstance(value, bool) or not isinstance(value, int) \
            or not 0 <= value <= SEQUENCE_MAX:
        raise error(source, f"{label(component)} SEQUENCE", f"{printable(str(value), 30)} is not a whole number from 0 "
                    f"to {SEQUENCE_MAX}", "write SEQUENCE:0, or plan again")
    return value


def label(component) -> str:
    """How messages name an event: its summary and UID (a VTIMEZONE: its TZID), made printable."""
    if component.name == "VTIMEZONE":
        return printable(str(component.get("TZID", "(no TZID)")), 60)
    if component.name in ("VCALENDAR", "STANDARD", "DAYLIGHT", "VALARM"):
        return component.name
    summary = component.get("SUMMARY")
    uid = component.get("UID")
    words = [f"'{printable(str(summary), 60)}'" if summary is not None else "an event without SUMMARY"]
    when = time_value(component, "DTSTART")
    if isinstance(when, dt.date):  # strftime without %z: no time zone rule is walked for it
        words.append(f"{when.date().isoformat()} {when:%H:%M}" if isinstance(when, dt.datetime) else when.isoformat())
    if uid is not None:
        words.append(f"(UID {printable(str(uid), 80)})")
    return " ".join(words)


def time_value(component, name: str):
    """The property's date, date-time or duration (`.dt`), or None if absent or unreadable."""
    try:
        return component.get(name).dt if name in component else None
    except (AttributeError, ValueError):  # icalendar's vBroken raises a ValueError for .dt
        return None


def broken_property(component, names: tuple[str, ...]) -> tuple[str, str] | None:
    """(property, what icalendar said) for the first of `names` whose value could not be read."""
    for name, problem in getattr(component, "errors", ()):
        if str(name).upper() in names:
            return str(name).upper(), printable(str(problem), 80)
    return None


def _rules(component, named, source: str, fix: str, error: type[InputError], yearly: bool = False) -> list:
    """The component's RRULEs, each checked; `yearly`: a VTIMEZONE's, which change once a year."""
    if "RRULE" not in component:
        return []
    broken = broken_property(component, ("RRULE",))
    if broken:
        raise error(source, f"{label(named)} RRULE", f"cannot be read ({broken[1]})", fix)
    rules = component["RRULE"]
    rules = rules if isinstance(rules, list) else [rules]
    for rule in rules:
        if not hasattr(rule, "get"):
            raise error(source, f"{label(named)} RRULE", "cannot be read", fix)
        freq = _freq(rule)
        if yearly and freq != "YEARLY":
            raise error(source, f"VTIMEZONE {label(named)} RRULE", f"FREQ={printable(freq, 20)}, but time zone rules "
                        "change once a year (FREQ=YEARLY)", fix)
        if freq in FINER:
            raise error(source, f"{label(named)} RRULE", f"repeats {FINER[freq]}; runcal reads rules that repeat at "
                        "most once a day (FREQ=DAILY, WEEKLY, MONTHLY or YEARLY)",
                        "block that time with a daily event, or leave the event out of the export")
        if freq not in RULE_FREQS:
            raise error(source, f"{label(named)} RRULE", f"FREQ={printable(freq, 20)} is not a frequency", fix)
        interval = (rule.get("INTERVAL") or [1])[0]
        if isinstance(interval, bool) or not isinstance(interval, int) or interval < 1:
            raise error(source, f"{label(named)} RRULE", f"INTERVAL={printable(str(interval), 20)} is not a whole "
                        "number of 1 or more", fix)
        for key in ("BYHOUR", "BYMINUTE", "BYSECOND"):
            if len(rule.get(key) or ()) > 1:
                raise error(source, f"{label(named)} RRULE", f"repeats more than once a day ({key} has several "
                            "values); runcal reads rules that repeat at most once a day",
                            "make one daily event for each time, or leave the event out of the export")
    return rules


def _freq(rule) -> str:
    return str((rule.get("FREQ") or [""])[0]).upper()


def _steps(rule, component, until: dt.date, named, source: str, fix: str, error: type[InputError]) -> int:
    """How many steps dateutil takes from DTSTART to `until` (or the rule's UNTIL): periods times
    the days each may produce, never more than one a day."""
    start = time_value(component, "DTSTART")
    if not isinstance(start, dt.date):
        raise error(source, f"{label(named)} DTSTART", "missing or unreadable, so its RRULE has no start", fix)
    first = start.date() if isinstance(start, dt.datetime) else start
    stop = until
    for end in rule.get("UNTIL") or ():
        end = end.date() if isinstance(end, dt.datetime) else end
        if isinstance(end, dt.date):
            stop = min(stop, end)
    days = (stop - first).days
    if days < 0:
        return 0
    freq = _freq(rule)
    period = RULE_FREQS[freq] * (rule.get("INTERVAL") or [1])[0]
    many = 1
    for key in ("BYMONTH", "BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY"):
        many *= max(1, len(rule.get(key) or ()))
    per_period = max(1, min(many, {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 31, "YEARLY": 366}[freq]))
    return (days // period + 1) * per_period


def _line(data: bytes, offset: int) -> str:
    return f"line {data.count(NEWLINE, 0, offset) + 1}"


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return printable(text.splitlines()[0], 100) if text else type(exc).__name__
