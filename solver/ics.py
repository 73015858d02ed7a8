"""Write a plan as an RFC 5545 calendar that Google Calendar imports cleanly: the one writer of
plan files (runcal plan writes them whole, a re-plan updates one in place with the functions at
the end), with the property names of solver/planfile.py's PROPS table.

Stable UIDs (uuid5 of the plan id and the session's identity) let a re-import update events in
place; DTSTAMP comes from the caller so the same inputs give byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import replace
from zoneinfo import ZoneInfo

import icalendar

from .icsbytes import calendar_bytes
from .domain import Kind, Plan, Profile, Session, wall_clock
from .limits import SEQUENCE_MAX
from .planfile import PROPS
from .profile import profile_digest, profile_json
from . import icsread, textprop

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
    """The whole calendar as bytes (CRLF line ends, lines folded at 75 octets as icalendar folds them)."""
    p = plan.profile
    first, last = plan.weeks[0].monday, plan.weeks[-1].monday + dt.timedelta(days=6)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # X- values are TEXT (RFC 5545 §3.8.8.2): escaped, or vobject-based servers cut them at a comma.
    for prop, value in (("x-wr-calname", name or calendar_name(plan)), ("x-wr-timezone", p.timezone),
                        (PROPS.PLAN_START, first.isoformat()), (PROPS.PLAN_END, last.isoformat()),
                        (PROPS.PLAN_ID, plan_id(plan)), (PROPS.PROFILE_HASH, profile_digest(p)),
                        (PROPS.PROFILE, profile_json(p))):
        textprop.add(cal, prop, value)
    cal.add_component(vtimezone(p.timezone, first - dt.timedelta(days=7), last + dt.timedelta(days=7)))
    key = plan_id(plan)
    for session in sorted(plan.sessions, key=lambda s: (s.start, s.kind.value)):
        cal.add_component(session_event(session, key, stamp.astimezone(UTC)))
    return calendar_bytes(cal)


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
    textprop.add(event, PROPS.KIND, s.kind.value)
    textprop.add(event, PROPS.WEEK, str(s.week))
    textprop.add(event, PROPS.PERIOD, s.period)
    textprop.add(event, PROPS.SESSION, s.ident)
    # Where runcal put it: a re-plan that finds DTSTART elsewhere knows the runner moved it by hand.
    textprop.add(event, PROPS.PLANNED_START, planned_start(s.start))
    for prop, value in sorted(s.prescription.items()):
        # X- values are RFC 5545 TEXT (X-RUNCAL-STEPS holds JSON): escaped in one place, textprop.
        textprop.add(event, PROPS.prescription(prop), str(value))
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


# -- updating a plan file in place (the re-plan) ----------------------------------------------------

def move_event(component: icalendar.Event, s: Session, stamp: dt.datetime) -> None:
    """Same UID, new time (and new words when the re-plan changed a run's length), SEQUENCE + 1.
    A strength session keeps its own template and prescription (R7)."""
    bump(component, stamp)
    changes: list[tuple[str, object]] = [("DTSTART", ical_moment(s.start)), ("DTEND", ical_moment(s.end)),
                                         (PROPS.PLANNED_START, planned_start(s.start))]
    if s.kind.is_run:
        changes += [("SUMMARY", s.title), ("DESCRIPTION", s.details), (PROPS.PERIOD, s.period)]
        if "STEPS" in s.prescription:  # the run's workout, fitted to its new length
            changes.append((PROPS.STEPS, icalendar.vText(s.prescription["STEPS"])))
        # Run/walk or not is the week's, as the new words say (harness seed 265: an easy run of a
        # week an injury re-plan re-derived as Couch to 5K became "Easy run 19 min (Couch to 5K:
        # continuous)" without X-RUNCAL-RUN-WALK, and the checker held it to easy_min).
        if "RUN-WALK" in s.prescription:
            changes.append((PROPS.RUN_WALK, s.prescription["RUN-WALK"]))
        elif PROPS.RUN_WALK in component:
            del component[PROPS.RUN_WALK]
    for name, value in changes:
        if name.startswith("X-"):
            textprop.put(component, name, str(value))
        else:
            replace_prop(component, name, value)


def cancel_event(component: icalendar.Event, stamp: dt.datetime, why: str, missed: dt.date | None) -> None:
    """Cancelled, with why; a missed session records the day the miss was reported (the re-plan's
    today): the checker judges later weeks by what was known when they began."""
    bump(component, stamp)
    replace_prop(component, "STATUS", "CANCELLED")
    textprop.put(component, PROPS.DROPPED, why)
    if missed is not None:
        textprop.put(component, PROPS.MISSED, missed.isoformat())


def describe_event(component: icalendar.Event, text: str, stamp: dt.datetime) -> None:
    """New words for an event (a race's readiness), as any update: SEQUENCE + 1."""
    bump(component, stamp)
    replace_prop(component, "DESCRIPTION", text)


def bump(component: icalendar.Event, stamp: dt.datetime) -> None:
    """SEQUENCE + 1 (at most RFC 5545's), DTSTAMP and LAST-MODIFIED now: an update a calendar takes."""
    sequence = min(icsread.sequence(component, "", "plan again") + 1, SEQUENCE_MAX)  # read when parsed: a whole number
    for name, value in (("SEQUENCE", sequence), ("DTSTAMP", stamp), ("LAST-MODIFIED", stamp)):
        replace_prop(component, name, value)


def replace_prop(component, name: str, value) -> None:
    if name in component:
        del component[name]
    component.add(name, value)


def add_session(cal: icalendar.Calendar, s: Session, stamp: dt.datetime) -> None:
    """A session a re-plan adds: its identity names the re-plan that made it (w03-easy-r1), so
    its UID is stable and new."""
    key = textprop.get(cal, PROPS.PLAN_ID, "runcal")
    taken = {textprop.get(e, PROPS.SESSION, "") for e in cal.subcomponents if e.name == "VEVENT"}
    n = 1
    while (ident := f"w{s.week:02d}-{s.kind.value}-r{n}") in taken:
        n += 1
    cal.add_component(session_event(replace(s, ident=ident), key, stamp))


INJURY_NOTE = ("Get assessed by a physiotherapist before resuming",
               "You reported an injury (R9). Seek a healthcare professional's advice: a physiotherapist/osteopath can "
               "assess you and prescribe an individual rehab programme. runcal pauses your training until you are "
               "cleared and never invents a rehab programme. runcal is a planning tool, not medical advice.")


def record_injury(cal: icalendar.Calendar, start: dt.date, until: dt.date | None, stamp: dt.datetime) -> None:
    """X-RUNCAL-INJURY FROM/UNTIL for the checker (R9), and an all-day reminder to get assessed.
    The same injury reported again (its clearance, say): its record and reminder are updated, not
    doubled (the reminder's SEQUENCE + 1)."""
    uid = session_uid(textprop.get(cal, PROPS.PLAN_ID, "runcal"), f"injury-{start}")
    others = [v for v in textprop.get_all(cal, PROPS.INJURY) if v.partition("/")[0] != str(start)]
    if PROPS.INJURY in cal:
        del cal[PROPS.INJURY]
    for value in others:
        textprop.add(cal, PROPS.INJURY, value)
    sequence = 0
    for old in [e for e in cal.subcomponents if e.name == "VEVENT" and str(e.get("UID", "")) == uid]:
        sequence = icsread.sequence(old, "", "plan again") + 1
        cal.subcomponents.remove(old)
    note = icalendar.Event()
    note.add("uid", uid)
    note.add("dtstamp", stamp)
    note.add("dtstart", start)
    note.add("dtend", start + dt.timedelta(days=1))
    note.add("summary", INJURY_NOTE[0])
    note.add("description", INJURY_NOTE[1])
    note.add("transp", "TRANSPARENT")
    if sequence:
        note.add("sequence", sequence)
    textprop.add(note, PROPS.KIND, "note")
    cal.add_component(note)
    textprop.add(cal, PROPS.INJURY, f"{start}/{until or ''}")


def record_missed_range(cal: icalendar.Calendar, first: dt.date, last: dt.date, reported: dt.date) -> None:
    """X-RUNCAL-MISSED-RANGE FROM/TO/REPORTED: later re-plans keep the stretch free and missed."""
    textprop.add(cal, PROPS.MISSED_RANGE, f"{first}/{last}/{reported}")


def embed_profile(cal: icalendar.Calendar, profile: Profile) -> None:
    """X-RUNCAL-PROFILE and its hash: the profile the plan is now made with."""
    textprop.put(cal, PROPS.PROFILE, profile_json(profile))
    textprop.put(cal, PROPS.PROFILE_HASH, profile_digest(profile))
