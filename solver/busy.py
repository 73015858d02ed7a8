"""Busy time from the runner's own calendars (.ics files, or the .zip Google Calendar exports).

Expansion of RRULE/RDATE/EXDATE/RECURRENCE-ID is left to `recurring-ical-events`, and Google's
X-WR-TIMEZONE convention to `x-wr-timezone`: both are well kept and tested against real exports,
which our own expansion code would not be.
"""

from __future__ import annotations

import datetime as dt
import io
import stat
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from . import icsread
from .errors import CalendarError, printable
from .inputs import format_size, read_bytes
from .limits import BUSY_SOURCES, CALENDAR_OCCURRENCES, ZIP_INFLATED, ZIP_MEMBERS

ALL_DAY_MODES = ("opaque", "always", "never")
CALDAV_SCHEMES = ("caldav+http://", "caldav+https://")  # a calendar on a CalDAV server (solver/calsync.py)
FIX = "export the calendar again as .ics"
# Properties that decide when an event is busy: one of them unreadable makes the event unreadable.
TIME_PROPERTIES = ("DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID", "STATUS", "TRANSP")


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
    files and `caldav+https://…` calendars alike. Each calendar is read within the bounds of
    solver/limits.py; an event that cannot be read is an error naming it, never left out."""
    paths = list(paths)
    if len(paths) > BUSY_SOURCES:
        raise CalendarError(f"{len(paths)} busy calendars", "", f"more than the {BUSY_SOURCES} runcal reads at once",
                            "merge some of them into one export")
    zone = ZoneInfo(zone_name)
    begin = dt.datetime.combine(first - dt.timedelta(days=1), dt.time(0), zone)
    end = dt.datetime.combine(last + dt.timedelta(days=2), dt.time(0), zone)
    events: list[BusyEvent] = []
    for path in paths:
        if is_caldav(path):
            from .calsync import busy_objects  # the caldav library only where a server is read

            found = busy_objects(str(path))
        else:
            found = calendar_files(Path(path))
        steps, count = 0, 0
        for name, data in found:
            cal = icsread.parse(data, name, FIX)
            steps = icsread.check_rules(cal, name, end.date(), FIX, spent=steps)
            occurrences = _occurrences(name, cal, zone, begin, end, all_day)
            count += len(occurrences)
            if count > CALENDAR_OCCURRENCES:
                raise CalendarError(str(path), "", f"holds more than {CALENDAR_OCCURRENCES:,} busy times within the "
                                    "plan's weeks, more than runcal reads from one calendar",
                                    "export only the calendars that hold busy time")
            events += occurrences
    return tuple(sorted(events, key=lambda e: (e.start, e.end, e.summary)))


def calendar_files(path: Path) -> list[tuple[str, bytes]]:
    """(name, bytes) of the file, or of each .ics member of a .zip (Google Calendar's export)."""
    data = read_bytes(path, "calendar", CalendarError)
    if not data.startswith(b"PK\x03\x04"):
        return [(str(path), data)]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > ZIP_MEMBERS:
                raise CalendarError(str(path), "", f"holds {len(infos):,} files, more than the {ZIP_MEMBERS:,} runcal "
                                    "reads from a .zip", "export only the calendars that hold busy time")
            members = sorted((i for i in infos if i.filename.lower().endswith(".ics") and not i.is_dir()),
                             key=lambda i: i.filename)
            if not members:
                raise CalendarError(str(path), "", "the .zip holds no .ics file",
                                    "give the .zip that Google Calendar's export produces")
            found, size = [], 0
            for info in members:
                name = f"{path}!{info.filename}"
                if info.flag_bits & 0x1:
                    raise CalendarError(name, "", "is encrypted", "export the calendar again without a password")
                if stat.S_ISLNK(info.external_attr >> 16):
                    raise CalendarError(name, "", "is a symbolic link, not a calendar", "give the .zip of the export")
                with archive.open(info) as member:  # read to the cap, whatever the header claims
                    blob = member.read(ZIP_INFLATED - size + 1)
                size += len(blob)
                if size > ZIP_INFLATED:
                    raise CalendarError(str(path), "", f"unpacks to more than {format_size(ZIP_INFLATED)}, more than "
                                        "runcal reads from a .zip", "export only the calendars that hold busy time")
                found.append((name, blob))
            return found
    except CalendarError:
        raise
    except Exception as exc:  # BadZipFile, a bad CRC, an unknown compression method, zlib's errors
        raise CalendarError(str(path), "", f"cannot be read as a .zip ({type(exc).__name__}: "
                            f"{printable(str(exc), 80)})", "give an .ics or the .zip of the export") from None


def _occurrences(name: str, cal: icalendar.Calendar, zone: ZoneInfo, begin: dt.datetime, end: dt.datetime,
                 all_day: str) -> list[BusyEvent]:
    # Imported here, not at the top: a plan without busy calendars should not pay for them (and
    # dateutil) at start-up, which the benchmark counts against the import floor.
    import recurring_ical_events
    import x_wr_timezone

    for event in cal.walk("VEVENT"):
        _check_event(event, name)
    try:
        cal = x_wr_timezone.to_standard(cal)
        cal = _pin_floating(cal, zone, x_wr_timezone)
    except Exception as exc:  # a library's errors on a file it cannot convert
        raise CalendarError(name, "X-WR-TIMEZONE", f"cannot be applied ({_why(exc)})", FIX) from None
    try:
        found = recurring_ical_events.of(cal).between(begin, end)
    except Exception:
        raise _culprit(cal, name, begin, end) from None
    result = []
    for event in found:
        try:
            busy = _busy(event, name, zone, all_day)
        except Exception as exc:  # an occurrence whose times cannot be computed (year 9999, …)
            raise CalendarError(name, icsread.label(event), f"its time cannot be read ({_why(exc)})", FIX) from None
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
def _check_event(event, name: str) -> None:
    """An event whose time cannot be read is reported, not skipped: a session might land on it."""
    broken = icsread.broken_property(event, TIME_PROPERTIES)
    if broken:
        raise CalendarError(name, f"{icsread.label(event)} {broken[0]}", f"cannot be read ({broken[1]})", FIX)
    if "DTSTART" not in event:
        raise CalendarError(name, icsread.label(event), "has no DTSTART, so its time is unknown", FIX)


def _culprit(cal: icalendar.Calendar, name: str, begin: dt.datetime, end: dt.datetime) -> CalendarError:
    """The error naming the first series (events of one UID) that cannot be expanded."""
    import recurring_ical_events

    zones = list(cal.walk("VTIMEZONE"))
    series: dict[str, list] = {}
    for event in cal.walk("VEVENT"):
        series.setdefault(str(event.get("UID", id(event))), []).append(event)
    for events in series.values():
        alone = icalendar.Calendar()
        for part in zones + events:
            alone.add_component(part)
        try:
            recurring_ical_events.of(alone).between(begin, end)
        except Exception as exc:
            return CalendarError(name, icsread.label(events[0]), f"cannot be expanded ({_why(exc)})", FIX)
    return CalendarError(name, "", "its events cannot be expanded together", FIX)


def _why(exc: Exception) -> str:
    text = str(exc).strip()
    return printable(f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__, 120)


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
    # The summary is printed in messages: never with the terminal escapes a calendar may hold.
    summary = printable(str(event.get("SUMMARY", "(no title)")), 80)
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
