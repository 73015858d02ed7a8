"""Busy time from the runner's own calendars (.ics files, or the .zip Google Calendar exports).

Expansion of RRULE/RDATE/EXDATE/RECURRENCE-ID is left to `recurring-ical-events`, and Google's
X-WR-TIMEZONE convention to `x-wr-timezone`: both are well kept and tested against real exports,
which our own expansion code would not be.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from .errors import CalendarError

ALL_DAY_MODES = ("opaque", "always", "never")
CALDAV_SCHEMES = ("caldav+http://", "caldav+https://")  # a calendar on a CalDAV server (solver/calsync.py)
MAX_BYTES = 200 * 1024 * 1024  # a calendar larger than this is not a personal calendar


@dataclass(frozen=True)
class BusyEvent:
    """One busy occurrence, zone-aware, with the words the runner gave it."""

    start: dt.datetime
    end: dt.datetime
    summary: str
    source: str

    def describe(self, zone: dt.tzinfo | None = None) -> str:
        """e.g. "'Team meeting' 2027-01-12 09:00–10:00 (work.ics)", in the runner's zone."""
        start, end = (self.start.astimezone(zone), self.end.astimezone(zone)) if zone else (self.start, self.end)
        stop = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"
        return f"'{self.summary}' {start:%Y-%m-%d %H:%M}–{stop} ({Path(self.source.split('!')[-1]).name})"


def is_caldav(source: str | Path) -> bool:
    return isinstance(source, str) and source.lower().startswith(CALDAV_SCHEMES)


def read_busy(paths: Iterable[str | Path], zone_name: str, first: dt.date, last: dt.date,
              all_day: str = "opaque") -> tuple[BusyEvent, ...]:
    """Every busy occurrence overlapping [first, last] (local dates of the runner's zone), from
    files and `caldav+https://…` calendars alike."""
    zone = ZoneInfo(zone_name)
    events: list[BusyEvent] = []
    for path in paths:
        if is_caldav(path):
            from .calsync import busy_objects  # the caldav library only where a server is read

            found = busy_objects(str(path))
        else:
            found = _calendars(Path(path))
        for name, data in found:
            events += _occurrences(name, data, zone, first, last, all_day)
    return tuple(sorted(events, key=lambda e: (e.start, e.end, e.summary)))


def _calendars(path: Path) -> list[tuple[str, bytes]]:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise CalendarError(str(path), "", f"is larger than {MAX_BYTES // 2**20} MiB",
                                "export only the calendars that hold busy time")
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.namelist() if m.lower().endswith(".ics")]
                if not members:
                    raise CalendarError(str(path), "", "the .zip holds no .ics file",
                                        "give the .zip that Google Calendar's export produces")
                return [(f"{path}!{m}", archive.read(m)) for m in sorted(members)]
        return [(str(path), path.read_bytes())]
    except FileNotFoundError:
        raise CalendarError(str(path), "", "file not found", "give the path of an .ics or .zip file") from None
    except (OSError, zipfile.BadZipFile) as exc:
        raise CalendarError(str(path), "", f"cannot be read ({exc})", "give an .ics or .zip file") from None


def _parse(name: str, data: bytes) -> icalendar.Calendar:
    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except (ValueError, IndexError, KeyError) as exc:
        raise CalendarError(name, "", f"is not a valid iCalendar file ({exc})",
                            "export the calendar again as .ics") from None
    calendars = [c for c in calendars if c.name == "VCALENDAR"]
    if not calendars:
        if b"BEGIN:VCALENDAR" in data.upper():  # icalendar drops a calendar that never ends
            raise CalendarError(name, "", "is cut short (BEGIN:VCALENDAR without END:VCALENDAR)",
                                "export the calendar again as .ics")
        raise CalendarError(name, "", "holds no VCALENDAR", "export the calendar again as .ics")
    if len(calendars) > 1:
        merged = icalendar.Calendar()
        for c in calendars:
            for sub in c.subcomponents:
                merged.add_component(sub)
        return merged
    return calendars[0]


def _occurrences(name: str, data: bytes, zone: ZoneInfo, first: dt.date, last: dt.date,
                 all_day: str) -> list[BusyEvent]:
    # Imported here, not at the top: a plan without busy calendars should not pay for them (and
    # dateutil) at start-up, which the benchmark counts against the import floor.
    import recurring_ical_events
    import x_wr_timezone

    cal = _parse(name, data)
    try:
        cal = x_wr_timezone.to_standard(cal)
        cal = _pin_floating(cal, zone, x_wr_timezone)
        begin = dt.datetime.combine(first - dt.timedelta(days=1), dt.time(0), zone)
        end = dt.datetime.combine(last + dt.timedelta(days=2), dt.time(0), zone)
        found = recurring_ical_events.of(cal, skip_bad_series=True).between(begin, end)
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError) as exc:
        raise CalendarError(name, "", f"its events cannot be read ({exc})", "export the calendar again as .ics") from None
    result = []
    for event in found:
        busy = _busy(event, name, zone, all_day)
        if busy is not None:
            result.append(busy)
    return result


def _pin_floating(cal: icalendar.Calendar, zone: ZoneInfo, x_wr_timezone) -> icalendar.Calendar:
    """Floating times (and times under a TZID no VTIMEZONE defines, which icalendar reads as
    floating) made the runner's wall clock before the expansion, as `_aware` reads them. Left
    floating, recurring-ical-events compares an RRULE's UTC UNTIL with the wall-clock times as if
    they were UTC: east of Greenwich the series lost its last occurrence (issue 15). A calendar
    with X-WR-TIMEZONE has none left (to_standard put them in that zone)."""

    class FloatingWalker(x_wr_timezone.CalendarWalker):
        def walk_value_datetime(self, moment: dt.datetime) -> dt.datetime:
            return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment

    return FloatingWalker().walk(cal)


def _busy(event: icalendar.Event, name: str, zone: ZoneInfo, all_day: str) -> BusyEvent | None:
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return None
    if str(event.get("UID", "")).endswith("@runcal"):
        return None  # a runcal session the runner imported or pushed into this calendar is not busy time
    transparent = str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT"
    start = event.get("DTSTART")
    if start is None:
        return None
    start = start.dt
    end = event["DTEND"].dt if "DTEND" in event else None
    summary = str(event.get("SUMMARY", "(no title)"))
    if not isinstance(start, dt.datetime):  # all-day: a date, DTEND exclusive
        if all_day == "never" or (all_day == "opaque" and transparent):
            return None
        stop = end if isinstance(end, dt.date) and not isinstance(end, dt.datetime) else start + dt.timedelta(days=1)
        return BusyEvent(_local(start, zone), _local(max(stop, start + dt.timedelta(days=1)), zone), summary, name)
    if transparent:
        return None
    if end is None:
        duration = event.get("DURATION")
        end = start + (duration.dt if duration is not None else dt.timedelta(0))
    start, end = _aware(start, zone), _aware(end, zone)
    return BusyEvent(start, max(start, end), summary, name)


def _local(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), zone)


def _aware(moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """Floating times are the runner's own wall-clock times."""
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment
