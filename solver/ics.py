"""Write a plan as an RFC 5545 calendar that Google Calendar imports cleanly.

Stable UIDs (uuid5 of the plan id and the session's identity) let a re-import update events in
place; DTSTAMP comes from the caller so the same inputs give byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from zoneinfo import ZoneInfo

import icalendar

from .domain import Kind, Plan, Session, wall_clock
from .profile import profile_digest, profile_json
from . import textprop

PRODID = "-//runcal//runcal training planner 0.1//EN"
UID_NAMESPACE = uuid.UUID("6f1c3d2e-8a4b-5c7d-9e0f-1a2b3c4d5e6f")
CATEGORY = {Kind.EASY: "Running", Kind.LONG: "Running", Kind.QUALITY: "Running", Kind.RACE: "Race",
            Kind.STRENGTH: "Strength", Kind.REHAB: "Rehab"}
UTC = dt.timezone.utc


def plan_id(plan: Plan) -> str:
    """Identity of a plan across re-plans: the runner and the plan's first week, not the details."""
    p = plan.profile
    return hashlib.sha256(f"{p.name}|{p.timezone}|{plan.weeks[0].monday}".encode()).hexdigest()[:16]


def session_uid(plan_key: str, ident: str) -> str:
    return f"{uuid.uuid5(UID_NAMESPACE, f'{plan_key}/{ident}')}@runcal"


def calendar_name(plan: Plan) -> str:
    races = [r for r in plan.profile.races if r.priority == "A"] or list(plan.profile.races)
    goal = f" — {races[-1].name}" if races else ""
    return f"runcal: {plan.profile.name}{goal}"


def plan_to_ical(plan: Plan, stamp: dt.datetime, name: str | None = None) -> bytes:
    """The whole calendar as bytes (CRLF line ends, lines folded at 75 octets by icalendar)."""
    p = plan.profile
    first, last = plan.weeks[0].monday, plan.weeks[-1].monday + dt.timedelta(days=6)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # X- values are TEXT (RFC 5545 §3.8.8.2): escaped, or vobject-based servers cut them at a comma.
    for prop, value in (("x-wr-calname", name or calendar_name(plan)), ("x-wr-timezone", p.timezone),
                        ("x-runcal-plan-start", first.isoformat()), ("x-runcal-plan-end", last.isoformat()),
                        ("x-runcal-plan-id", plan_id(plan)), ("x-runcal-profile-hash", profile_digest(p)),
                        ("x-runcal-profile", profile_json(p))):
        textprop.add(cal, prop, value)
    cal.add_component(vtimezone(p.timezone, first - dt.timedelta(days=7), last + dt.timedelta(days=7)))
    key = plan_id(plan)
    for session in sorted(plan.sessions, key=lambda s: (s.start, s.kind.value)):
        cal.add_component(session_event(session, key, stamp.astimezone(UTC)))
    return cal.to_ical()


def session_event(s: Session, plan_key: str, stamp: dt.datetime, sequence: int = 0) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", session_uid(plan_key, s.ident))
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("sequence", sequence)
    event.add("dtstart", ical_moment(s.start))
    event.add("dtend", ical_moment(s.end))
    event.add("summary", s.title)
    event.add("description", s.details)
    event.add("categories", [CATEGORY[s.kind]])
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    textprop.add(event, "x-runcal-kind", s.kind.value)
    textprop.add(event, "x-runcal-week", str(s.week))
    textprop.add(event, "x-runcal-period", s.period)
    textprop.add(event, "x-runcal-session", s.ident)
    # Where runcal put it: a re-plan that finds DTSTART elsewhere knows the runner moved it by hand.
    textprop.add(event, "x-runcal-planned-start", planned_start(s.start))
    for prop, value in sorted(s.prescription.items()):
        # X- values are RFC 5545 TEXT (X-RUNCAL-STEPS holds JSON): escaped in one place, textprop.
        textprop.add(event, f"x-runcal-{prop.lower()}", str(value))
    return event


def ical_moment(moment: dt.datetime) -> dt.datetime:
    """DTSTART/DTEND as written: the local time with its TZID, unless that wall-clock time names
    another moment. RFC 5545 §3.3.5 reads a local time that happens twice (the hour the clocks go
    back) as the first one, so a run ending in the second 01:30 would read 60 minutes short; that
    end is written in UTC, which names it exactly (issue 15)."""
    if wall_clock(moment.date(), moment.time(), moment.tzinfo).astimezone(UTC) == moment.astimezone(UTC):
        return moment
    return moment.astimezone(UTC)


def planned_start(start: dt.datetime) -> str:
    """X-RUNCAL-PLANNED-START: the UTC instant runcal gave a session."""
    return start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def vtimezone(zone_name: str, first: dt.date, last: dt.date) -> icalendar.Timezone:
    """One VTIMEZONE with every offset change between `first` and `last`, each DTSTART given in the
    local time of the offset it changes from (RFC 5545 §3.6.5), and no COMMENT (which
    icalendar's own add_missing_timezones writes where the RFC does not allow one)."""
    zone = ZoneInfo(zone_name)
    tz = icalendar.Timezone()
    tz.add("tzid", zone_name)
    start = dt.datetime.combine(first, dt.time(0), UTC)
    tz.add_component(_observance(zone, start, start))
    for instant in _transitions(zone, start, dt.datetime.combine(last, dt.time(0), UTC)):
        tz.add_component(_observance(zone, instant - dt.timedelta(seconds=1), instant))
    return tz


def _observance(zone: ZoneInfo, before: dt.datetime, at: dt.datetime) -> icalendar.cal.Component:
    old, new = before.astimezone(zone), at.astimezone(zone)
    part = icalendar.TimezoneDaylight() if new.dst() else icalendar.TimezoneStandard()
    part.add("dtstart", (at + old.utcoffset()).replace(tzinfo=None))
    part.add("tzoffsetfrom", old.utcoffset())
    part.add("tzoffsetto", new.utcoffset())
    part.add("tzname", new.tzname())
    return part


def _transitions(zone: ZoneInfo, start: dt.datetime, stop: dt.datetime) -> list[dt.datetime]:
    """UTC instants where the zone's offset changes, found day by day, then to the second."""
    found = []
    step = dt.timedelta(days=1)
    t = start
    while t < stop:
        if t.astimezone(zone).utcoffset() != (t + step).astimezone(zone).utcoffset():
            lo, hi = t, t + step
            while hi - lo > dt.timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                if mid.astimezone(zone).utcoffset() == lo.astimezone(zone).utcoffset():
                    lo = mid
                else:
                    hi = mid
            found.append(hi.replace(microsecond=0))
        t += step
    return found
