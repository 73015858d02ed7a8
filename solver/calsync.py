"""Keep a plan in step with a CalDAV calendar (RFC 4791): push, pull, and busy time read from one.

One calendar object per session (VCALENDAR + the plan's VTIMEZONE + one VEVENT, as RFC 4791
§4.1 asks: one UID per object), stored at `<calendar>/<UID>.ics`, so a re-plan updates the same
objects. Each object also carries the plan's calendar-level X-RUNCAL-* properties, so the plan
can be pulled back from the server alone (`pull`).

Push compares every object with the server's copy, ignoring only SEQUENCE, DTSTAMP and
LAST-MODIFIED (servers rewrite the text: Radicale stores vobject's serialisation), and writes
only what differs: a second push of the same plan writes nothing. Each write is one PUT of one
object, conditional on the ETag just read (If-Match; If-None-Match: * for a new one), so a push
stopped halfway leaves every object either as it was or as the plan says, never half-written,
and running it again writes only the rest. Everything that can fail for a bad URL or login
(reaching the server, the login, whether the URL is a calendar) is checked before the first
write. Cancelled sessions are pushed as STATUS:CANCELLED (not deleted): the plan's record of
what was missed or dropped and why (R1 counts missed sessions) survives a pull. Objects of
this plan that are no longer in it at all (a plan made again) are deleted.

An event the runner moved on the server (its DTSTART is not runcal's X-RUNCAL-PLANNED-START)
is left as the runner put it, and its new time is copied into the plan file, where `replan`
sees it as the runner's move (user moves win).

Imported only by the commands that talk to a server: `caldav` costs ~0.4 s on first use.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import icalendar

from .icsbytes import calendar_bytes
from . import icsread, textprop
from .errors import CalendarError, InputError
from .ics import planned_start
from .inputs import format_size, read_text
from .limits import CALENDAR_EVENTS, DATE_MAX, FILES
from . import planfile
from .planfile import PROPS, kind_text

ENV_USER = "RUNCAL_CALDAV_USER"
ENV_PASSWORD = "RUNCAL_CALDAV_PASSWORD"
ENV_PASSWORD_FILE = "RUNCAL_CALDAV_PASSWORD_FILE"
UNCOMPARED = {"SEQUENCE", "DTSTAMP", "LAST-MODIFIED"}  # change bookkeeping, not content
SIGNIFICANT = ("DTSTART", "DTEND", "STATUS")  # RFC 5545 §3.8.7.4: these raise SEQUENCE
FIX_PLAN = "give a plan written by `runcal plan` (it carries X-RUNCAL-* properties)"
TIMEOUT = 30  # seconds without a byte from the server
# A server's answers are input too: each is read to at most a calendar file's cap, within a total time.
MAX_RESPONSE = FILES["calendar"].max_bytes
RESPONSE_SECONDS = 300


# --- logging in -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Login:
    url: str  # without user information
    user: str | None
    password: str | None = field(default=None, repr=False)  # never printed, never written


def login(url: str, user: str | None = None, password_file: str | Path | None = None) -> Login:
    """The URL without user information, the user (--user, else the URL's, else $RUNCAL_CALDAV_USER)
    and the password (--password-file, else $RUNCAL_CALDAV_PASSWORD, else the file named by
    $RUNCAL_CALDAV_PASSWORD_FILE). A password in the URL is refused: it would sit in the shell's
    history and in process listings."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(url, "", "is not an http:// or https:// URL", "give the calendar's URL, e.g. "
                         "https://cal.example.com/dav/calendars/sam/training/")
    if parts.password is not None:
        raise InputError(_bare(parts), "", "the URL holds a password",
                         f"remove it from the URL and give it in --password-file or ${ENV_PASSWORD}")
    password_file = password_file or os.environ.get(ENV_PASSWORD_FILE)
    if password_file:
        password = read_text(password_file, "password").splitlines()[0:1]
        password = password[0] if password else ""
    else:
        password = os.environ.get(ENV_PASSWORD)
    return Login(_bare(parts), user or parts.username or os.environ.get(ENV_USER), password)


def _bare(parts) -> str:
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit((parts.scheme, host, path, parts.query, ""))


@contextmanager
def _talking(who: Login):
    """Every failure of the server or the network as one line naming the URL and the fix."""
    from caldav.lib import error

    try:
        yield
    except error.AuthorizationError:
        whom = f"user {who.user!r}" if who.user else "a login without a user name"
        raise InputError(who.url, "", f"the server refused {whom} (HTTP 401/403)",
                         f"check --user and the password (--password-file or ${ENV_PASSWORD})") from None
    except error.NotFoundError:
        raise InputError(who.url, "", "nothing there (HTTP 404)",
                         "give the URL of a calendar (push --create makes it)") from None
    except (error.ETagMismatchError, error.ConsistencyError):
        raise InputError(who.url, "", "an object changed on the server while pushing",
                         "run the same push again: it compares afresh") from None
    except error.DAVError as exc:
        raise InputError(who.url, "", f"is not a CalDAV server ({_first_line(exc)})",
                         "give the URL of a calendar on a CalDAV server") from None
    except SyntaxError:  # lxml: the answer was not WebDAV XML
        raise InputError(who.url, "", "is not a CalDAV server (its answer is not WebDAV XML)",
                         "give the URL of a calendar on a CalDAV server") from None
    except OSError as exc:  # niquests/requests connection errors and timeouts are OSErrors
        raise InputError(who.url, "", f"cannot reach the server ({type(exc).__name__})",
                         "check the URL and that the server is running") from None


def _first_line(exc: Exception) -> str:
    """"HTTP 501 Not Implemented" or the like: caldav's messages hold the status line somewhere."""
    text = " ".join(str(a) for a in exc.args) or str(getattr(exc, "reason", ""))
    for line in text.replace(" at '", "\n").splitlines():
        line = line.strip(" '")
        if line[:3].isdigit():
            return f"HTTP {line[:60]}"
    status = getattr(exc, "status", None)
    return f"HTTP {status}" if status else type(exc).__name__


def _client(who: Login):
    import logging

    import caldav

    # caldav logs what surprises it (an HTML answer, …) with tracebacks; runcal reports one line.
    logging.getLogger("caldav").addHandler(logging.NullHandler())
    logging.getLogger("caldav").propagate = False

    # A user without a password still logs in (an empty one): caldav sends no login at all
    # otherwise, and servers without passwords (Radicale's `auth type = none`) answer 401.
    password = who.password if who.password is not None or not who.user else ""
    client = caldav.DAVClient(url=who.url, username=who.user, password=password, timeout=TIMEOUT)
    client.session.hooks.setdefault("response", []).append(lambda r, **_: _capped(r, who))
    return client


class ServerAnswerError(InputError):
    """A server's answer larger or slower than runcal reads (raised inside the HTTP library)."""


def _capped(response, who: Login):
    """Make the response's body readable only up to MAX_RESPONSE bytes and RESPONSE_SECONDS: the
    HTTP library reads it after this hook, whole, into memory."""
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > MAX_RESPONSE:
        raise _too_large(who)
    if response.raw is not None:
        response.raw = _CappedBody(response.raw, who)
    return response


def _too_large(who: Login) -> ServerAnswerError:
    return ServerAnswerError(who.url, "", f"the server's answer is larger than {format_size(MAX_RESPONSE)}, more than "
                             "runcal reads", "give the URL of one calendar (not a whole account), or a smaller one")


class _CappedBody:
    """The body of an HTTP response, read in chunks and refused past the size or time cap."""

    def __init__(self, raw, who: Login) -> None:
        self._raw, self._who, self._read = raw, who, 0
        self._deadline = time.monotonic() + RESPONSE_SECONDS

    def __getattr__(self, name: str):
        return getattr(self._raw, name)

    def stream(self, amt: int = 65536, decode_content: bool | None = None):
        while chunk := self.read(amt, decode_content=decode_content):
            yield chunk

    def read(self, amt: int | None = None, decode_content: bool | None = None, **kwargs) -> bytes:
        if amt is not None and amt >= 0:
            return self._count(self._part(amt, decode_content, **kwargs))
        chunks = []
        while chunk := self._count(self._part(65536, decode_content)):
            chunks.append(chunk)
        return b"".join(chunks)

    def _part(self, amt: int, decode_content: bool | None, **kwargs) -> bytes:
        try:
            return self._raw.read(amt, decode_content=decode_content, **kwargs)
        except OSError:
            raise  # timeouts and resets: _talking names them
        except Exception as exc:  # a garbled answer (a bad chunk header, bad compression): the library's own types
            raise ServerAnswerError(self._who.url, "", f"the server's answer cannot be read ({type(exc).__name__})",
                                    "check the URL and the server") from None

    def _count(self, chunk: bytes) -> bytes:
        self._read += len(chunk or b"")
        if self._read > MAX_RESPONSE:
            raise _too_large(self._who)
        if time.monotonic() > self._deadline:
            raise ServerAnswerError(self._who.url, "", f"the server took more than {RESPONSE_SECONDS} s to answer",
                                    "try again later, or check the server")
        return chunk


def _calendar(client, who: Login, create_name: str | None = None):
    """The calendar at the URL, after checking it is one (nothing is written before this)."""
    import caldav
    from caldav.elements import dav
    from caldav.lib import error

    # RFC 4791 §5.1: a CalDAV server names "calendar-access" in the DAV header of OPTIONS.
    answer = client.options(who.url)
    if answer.status in (401, 403):
        raise error.AuthorizationError(who.url, str(answer.status))
    if "calendar-access" not in str(answer.headers.get("DAV", "")):
        raise InputError(who.url, "", f"is not a CalDAV server (HTTP {answer.status}, no calendar-access in its DAV "
                         "header)", "give the URL of a calendar on a CalDAV server")
    calendar = caldav.Calendar(client, url=who.url)
    try:
        kinds = calendar.get_properties([dav.ResourceType()]).get(dav.ResourceType.tag) or []
    except error.NotFoundError:
        if create_name is None:
            raise
        try:  # discovery from the server's root (RFC 6764); Radicale makes the user's home then
            parts = urlsplit(who.url)
            _client(Login(urlunsplit((parts.scheme, parts.netloc, "/", "", "")), who.user, who.password)).principal()
        except error.DAVError:
            pass
        parent, _, name = who.url.rstrip("/").rpartition("/")
        try:
            return caldav.CalendarSet(client, url=parent + "/").make_calendar(name=create_name, cal_id=name)
        except error.MkcalendarError as exc:
            raise InputError(who.url, "", f"the server would not make a calendar there ({_first_line(exc)})",
                             "make it in your calendar app, or give a URL inside your calendar home") from None
    if not any(str(k).endswith("}calendar") for k in (kinds if isinstance(kinds, list) else [kinds])):
        raise InputError(who.url, "", "is on a WebDAV server but is not a calendar",
                         "give the URL of a calendar collection (e.g. …/sam/training/), or a new one with --create")
    return calendar


# --- the plan as calendar objects ------------------------------------------------------------

def _parse_plan(data: bytes, source: str) -> icalendar.Calendar:
    """The local plan file, read as the checker reads it (solver/planfile.py), each event with a UID."""
    cal = planfile.parse(data, source, FIX_PLAN)
    for event in cal.walk("VEVENT"):
        icsread.sequence(event, source, FIX_PLAN)
        if not str(event.get("UID", "")).strip():
            raise CalendarError(source, icsread.label(event), "has no UID, so it has no object on the server", FIX_PLAN)
    if textprop.get(cal, PROPS.PLAN_ID) is None:
        raise CalendarError(source, PROPS.PLAN_ID, "is not a runcal plan", FIX_PLAN)
    return cal


def objects(cal: icalendar.Calendar) -> dict[str, icalendar.Calendar]:
    """UID -> one calendar object: the plan's calendar properties, its VTIMEZONE, one VEVENT."""
    found = {}
    zones = list(cal.walk("VTIMEZONE"))
    for event in cal.walk("VEVENT"):
        obj = icalendar.Calendar()
        for name, value in cal.items():
            obj[name] = value
        for zone in zones:
            obj.add_component(zone)
        obj.add_component(event)
        found[str(event["UID"])] = obj
    return found


def fingerprint(obj: icalendar.Calendar) -> tuple:
    """What the object says, however a server spelled it: values decoded, X- text unescaped,
    times as UTC instants; without SEQUENCE, DTSTAMP and LAST-MODIFIED."""
    event = _event(obj)
    calendar = tuple(sorted((k, tuple(textprop.get_all(obj, k))) for k in obj if k.startswith("X-RUNCAL-")))
    return calendar, tuple(sorted((k, _canonical(event, k)) for k in event if k not in UNCOMPARED))


def fingerprint_plan(cal: icalendar.Calendar) -> tuple:
    """A whole plan's fingerprint: every object's, in UID order (a plan and its pulled copy agree)."""
    return tuple(fingerprint(obj) for _, obj in sorted(objects(cal).items()))


def _canonical(event, name: str) -> tuple:
    values = event.get(name)
    out = []
    for v in values if isinstance(values, list) else [values]:
        if hasattr(v, "dt"):
            when = v.dt
            out.append(when.astimezone(dt.timezone.utc).isoformat() if getattr(when, "tzinfo", None) else str(when))
        elif name.startswith("X-"):
            out.append(textprop.unescape(str(v)))
        elif hasattr(v, "cats"):
            out.append(",".join(map(str, v.cats)))
        else:
            out.append(str(v))
    return tuple(out)


def _event(obj: icalendar.Calendar) -> icalendar.Event:
    return next(iter(obj.walk("VEVENT")))


def _label(event) -> str:
    start = event.decoded("DTSTART")
    kind = kind_text(event) or "event"
    word = f"{kind} run" if kind in ("easy", "long", "quality") else kind
    return f"{word} {start:%Y-%m-%d %H:%M}" if isinstance(start, dt.datetime) else f"{word} {start}"


# --- the server's side ------------------------------------------------------------------------

@dataclass
class Remote:
    resource: object  # caldav.Event, with the URL and ETag it was read with
    cal: icalendar.Calendar

    @property
    def event(self) -> icalendar.Event:
        return _event(self.cal)


def _remote_objects(calendar, plan_key: str | None) -> dict[str, Remote]:
    """UID -> the server's object, for runcal objects of this plan (all plans: plan_key None)."""
    found = {}
    for resource in _bounded(calendar.get_events(), str(calendar.url)):
        try:
            data = resource.data.encode("utf-8")
            cal = icsread.parse(data, str(resource.url), FIX_PLAN, merge=False)
            icsread.check_rules(cal, str(resource.url), DATE_MAX, FIX_PLAN)
            event = _event(cal)
            icsread.sequence(event, str(resource.url), FIX_PLAN)
        except (InputError, StopIteration):
            continue  # not ours to judge, or not readable as one of ours
        uid = str(event.get("UID", ""))
        if uid.endswith("@runcal") and (plan_key is None or textprop.get(cal, PROPS.PLAN_ID) == plan_key):
            found[uid] = Remote(resource, cal)
    return found


def _moved_on_server(remote: icalendar.Event, local: icalendar.Event) -> bool:
    """The runner moved this session on the server: its time is not where runcal put it."""
    if kind_text(local) in (None, "note", "race"):
        return False
    start = remote.decoded("DTSTART")
    if not isinstance(start, dt.datetime) or start == local.decoded("DTSTART"):
        return False
    planned = textprop.get(remote, PROPS.PLANNED_START)
    if planned is None:  # the server kept no X- properties: judge by the plan file's record
        planned = textprop.get(local, PROPS.PLANNED_START)
        if int(remote.get("SEQUENCE", 0)) < int(local.get("SEQUENCE", 0)):
            return False  # the server holds an older version of runcal's own
    return planned_start(start) != planned


# --- push --------------------------------------------------------------------------------------

@dataclass
class PushReport:
    url: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # moved by the runner on the server
    unchanged: int = 0
    plan: bytes | None = None  # the plan file with the runner's moves copied in, if any
    dry_run: bool = False

    @property
    def writes(self) -> int:
        return len(self.created) + len(self.updated) + len(self.deleted)

    def lines(self, plan_name: str) -> list[str]:
        would = "would be " if self.dry_run else ""
        out = [f"updated:   {u}" for u in self.updated] + [f"deleted:   {d}" for d in self.deleted]
        copied = "" if self.dry_run else f"; copied into {plan_name}"
        out += [f"kept:      {k} — you moved it on the server (your moves win){copied}" for k in self.kept]
        out.append(f"{self.url}: {len(self.created)} {would}created, {len(self.updated)} {would}updated, "
                   f"{len(self.deleted)} {would}deleted, {self.unchanged} unchanged, {len(self.kept)} kept as you moved them")
        if self.kept:
            out.append(f"Re-plan around your moves (runcal replan {plan_name} --today YYYY-MM-DD), then push again.")
        return out


def push(data: bytes, source: str, who: Login, create: bool = False, dry_run: bool = False) -> PushReport:
    cal = _parse_plan(data, source)
    plan_key = textprop.get(cal, PROPS.PLAN_ID)
    local = objects(cal)
    report = PushReport(who.url, dry_run=dry_run)
    with _talking(who):
        client = _client(who)
        calendar = _calendar(client, who, create_name=textprop.get(cal, "X-WR-CALNAME", "runcal") if create and
                             not dry_run else None)
        remote = _remote_objects(calendar, plan_key)
        plan_changed = False
        writes: list[tuple[str, bytes, Remote | None]] = []
        for uid, obj in sorted(local.items(), key=lambda item: (_sort_key(_event(item[1])), item[0])):
            event, there = _event(obj), remote.get(uid)
            if there is None:
                writes.append((uid, calendar_bytes(obj), None))
                report.created.append(_label(event))
            elif _moved_on_server(there.event, event):
                report.kept.append(f"{_label(event)} → {there.event.decoded('DTSTART'):%Y-%m-%d %H:%M}")
                _adopt_move(event, there.event)
                plan_changed = True
            elif fingerprint(obj) == fingerprint(there.cal):
                report.unchanged += 1
            else:
                plan_changed |= _raise_sequence(event, there.event)
                writes.append((uid, calendar_bytes(obj), there))
                report.updated.append(f"{_label(event)} (SEQUENCE {event.get('SEQUENCE', 0)})")
        stale = [r for uid, r in sorted(remote.items()) if uid not in local]
        report.deleted = [f"{_label(r.event)} (no longer in the plan)" for r in stale]
        if dry_run:
            return report
        for uid, body, there in writes:
            if there is None:
                _create(client, _object_url(calendar, uid), body)
            else:  # If-Match with the ETag it was listed with: a change made since then is not overwritten
                there.resource.save(raw_data=body, increase_seqno=False, precondition="etag")
        for r in stale:
            r.resource.delete(if_match=True, precondition="etag")
    if plan_changed:
        report.plan = calendar_bytes(cal)
    return report


def _create(client, url: str, body: bytes) -> None:
    """PUT with If-None-Match: * (RFC 9110 §13.1.2): an object made there since the listing is not
    overwritten. (caldav's own no_overwrite searches the calendar for the UID first, ~0.4 s a
    session on Radicale.)"""
    from caldav.lib import error

    answer = client.put(url, body.decode("utf-8"), {"Content-Type": "text/calendar; charset=utf-8",
                                                    "If-None-Match": "*"})
    if answer.status == 412:
        raise error.ConsistencyError(url, "412 Precondition Failed")
    if answer.status in (401, 403):
        raise error.AuthorizationError(url, str(answer.status))
    if answer.status >= 400:
        raise error.PutError(url, f"{answer.status} {getattr(answer, 'reason', '')}".strip())


def _sort_key(event) -> str:
    start = event.decoded("DTSTART")
    return start.astimezone(dt.timezone.utc).isoformat() if isinstance(start, dt.datetime) else str(start)


def _object_url(calendar, uid: str) -> str:
    return str(calendar.url).rstrip("/") + "/" + quote(uid, safe="") + ".ics"


def _adopt_move(local: icalendar.Event, remote: icalendar.Event) -> None:
    """The runner's time goes into the plan file; X-RUNCAL-PLANNED-START stays runcal's, which is
    how a re-plan knows the runner moved it."""
    for name in ("DTSTART", "DTEND"):
        value = remote.decoded(name)
        del local[name]
        local.add(name, value)
    sequence = max(int(local.get("SEQUENCE", 0)), int(remote.get("SEQUENCE", 0)))
    del local["SEQUENCE"]
    local.add("SEQUENCE", sequence)


def _raise_sequence(local: icalendar.Event, remote: icalendar.Event) -> bool:
    """A changed time or status must carry a SEQUENCE above the server's (RFC 5545 §3.8.7.4). A
    re-plan has raised it already; a plan made again from scratch starts at 0, so it is raised
    here and in the plan file. True if the plan file changed."""
    mine, theirs = int(local.get("SEQUENCE", 0)), int(remote.get("SEQUENCE", 0))
    significant = any(_canonical(local, k) != _canonical(remote, k) for k in SIGNIFICANT)
    if mine > theirs or not significant:
        return False
    del local["SEQUENCE"]
    local.add("SEQUENCE", theirs + 1)
    return True


# --- pull --------------------------------------------------------------------------------------

def pull(who: Login, plan_key: str | None = None) -> bytes:
    """The plan, rebuilt from its objects on the server as the server returns them."""
    with _talking(who):
        calendar = _calendar(_client(who), who)
        remote = _remote_objects(calendar, None)
    plans = Counter(textprop.get(r.cal, PROPS.PLAN_ID) for r in remote.values())
    if plan_key is None and len(plans) > 1:
        names = ", ".join(f"{k} ({n} events)" for k, n in sorted(plans.items(), key=lambda kv: str(kv[0])))
        raise InputError(who.url, PROPS.PLAN_ID, f"holds more than one runcal plan: {names}",
                         "pass --plan-id with the one to pull")
    plan_key = plan_key or next(iter(plans), None)
    mine = [r for r in remote.values() if textprop.get(r.cal, PROPS.PLAN_ID) == plan_key]
    if not mine:
        raise InputError(who.url, "", "holds no runcal plan" + (f" with id {plan_key}" if plan_key else ""),
                         "push a plan there first (runcal push PLAN.ics --url URL)")
    # Calendar-level properties from the object written last (a push stopped halfway may leave
    # older copies on some).
    latest = max(mine, key=lambda r: (str(r.event.get("LAST-MODIFIED", r.event.get("DTSTAMP")).to_ical()), str(r.event["UID"])))
    cal = icalendar.Calendar()
    for name, value in latest.cal.items():
        cal[name] = value
    for zone in latest.cal.walk("VTIMEZONE"):
        cal.add_component(zone)
    for r in sorted(mine, key=lambda r: (_sort_key(r.event), str(r.event["UID"]))):
        cal.add_component(r.event)
    return calendar_bytes(cal)


# --- busy time from a server ---------------------------------------------------------------------

def busy_objects(source: str) -> list[tuple[str, bytes]]:
    """Every event object of the calendar at `caldav+https://…` (or of every calendar under it,
    when the URL is a calendar home or principal), raw as the server returns them. Expansion
    happens in solver/busy.py with recurring-ical-events, like a file's: servers' own expansion is
    wrong across a DST change (Radicale 3.9)."""
    import caldav
    from caldav.elements import dav

    who = login(source.split("+", 1)[1])
    found = []
    with _talking(who):
        client = _client(who)
        here = caldav.Calendar(client, url=who.url)
        kinds = here.get_properties([dav.ResourceType()]).get(dav.ResourceType.tag) or []
        is_calendar = any(str(k).endswith("}calendar") for k in (kinds if isinstance(kinds, list) else [kinds]))
        calendars = [here] if is_calendar else caldav.CalendarSet(client, url=who.url).calendars()
        for calendar in calendars:
            for resource in _bounded(calendar.get_events(), source):
                found.append((str(calendar.url), resource.data.encode("utf-8")))
            if len(found) > CALENDAR_EVENTS:
                raise _too_many(source)
    return found


def _bounded(resources: list, source: str) -> list:
    """A calendar's objects, refused when there are more than a calendar file may hold events."""
    if len(resources) > CALENDAR_EVENTS:
        raise _too_many(source)
    return resources


def _too_many(source: str) -> InputError:
    return InputError(source, "", f"holds more than {CALENDAR_EVENTS:,} events, more than runcal reads from one calendar",
                      "give the URL of one calendar, or one that holds fewer events")
