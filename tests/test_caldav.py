"""CalDAV against a real server (Radicale on 127.0.0.1): push, re-plan, push again, pull back;
the runner's moves on the server; busy time read from server calendars; bad URLs and logins."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from pathlib import Path
from urllib.parse import quote

import icalendar
import pytest
from click.testing import CliRunner
from conftest import ROOT, STAMP
from radicale_server import PASSWORD, USER, Radicale, free_port
from test_replan import SMALL

from cli import main
from solver import calsync, textprop
from solver.busy import read_busy
from solver.check import check_calendar, read_plan
from solver.errors import InputError
from solver.ics import plan_to_ical, planned_start
from solver.profile import load_profile, parse_profile
from solver.solve import busy_for, make_plan

MARATHON = ROOT / "sample_calendars" / "advanced_marathon.toml"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    radicale = Radicale(tmp_path_factory.mktemp("radicale"))
    yield radicale
    radicale.stop()


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory):
    radicale = Radicale(tmp_path_factory.mktemp("radicale-auth"), auth=True)
    yield radicale
    radicale.stop()


@pytest.fixture(scope="module")
def marathon():
    """The marathon sample planned around its busy calendar (126+ sessions), checked."""
    profile = load_profile(MARATHON)
    busy = busy_for(profile)
    plan = make_plan(profile, busy)
    data = plan_to_ical(plan, STAMP)
    assert check_calendar(data, profile, "marathon.ics", busy) == []
    return profile, busy, data


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env or {})


def _events(data: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def _server_events(server: Radicale, name: str) -> dict[str, tuple[str, icalendar.Calendar]]:
    """UID -> (etag, object) as the server returns them; each object holds exactly one VEVENT."""
    found = {}
    for href, (etag, data) in server.objects(name).items():
        cal = icalendar.Calendar.from_ical(data)
        (event,) = cal.walk("VEVENT")
        assert str(event["UID"]) not in found
        found[str(event["UID"])] = (etag, cal)
    return found


def _one_line_error(result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "Traceback" not in result.output, result.output
    for word in words:
        assert word in lines[0], lines[0]
    assert PASSWORD not in result.output


def test_push_replan_push_pull_round_trip(server, marathon, tmp_path):
    profile, busy, data = marathon
    path = tmp_path / "plan.ics"
    path.write_bytes(data)
    url = server.calendar_url("training")
    first = run("push", str(path), "--url", url, "--user", USER, "--create")
    assert first.exit_code == 0, first.output
    local = _events(data)
    assert len(local) >= 100
    stored = _server_events(server, "training")
    assert set(stored) == set(local)  # one object per session, keyed by UID
    plan_key = textprop.get(icalendar.Calendar.from_ical(data), "X-RUNCAL-PLAN-ID")
    for uid, (_, obj) in stored.items():
        assert [z["TZID"] for z in obj.walk("VTIMEZONE")] == [profile.timezone]
        assert textprop.get(obj, "X-RUNCAL-PLAN-ID") == plan_key
        assert obj.walk("VEVENT")[0].decoded("DTSTART") == local[uid].decoded("DTSTART")

    again = run("push", str(path), "--url", url, "--user", USER)
    assert again.exit_code == 0 and f"0 created, 0 updated, 0 deleted, {len(local)} unchanged" in again.output
    etags = {uid: etag for uid, (etag, _) in _server_events(server, "training").items()}
    assert {uid: etag for uid, (etag, _) in _server_events(server, "training").items()} == etags

    # Miss the strength sessions of week 3 and re-plan (with the busy calendar, via --profile).
    plan = read_plan(data, profile)
    week3 = [s for s in plan.sessions if plan.week_of(s.day) == 3 and s.kind.is_strength]
    assert week3
    today = max(s.day for s in week3) + dt.timedelta(days=1)
    args = [a for s in week3 for a in ("--missed", f"{s.day}:strength")]
    replanned = run("replan", str(path), "--today", str(today), *args, "--profile", str(MARATHON),
                    "--now", "2026-12-20T08:00:00Z")
    assert replanned.exit_code == 0, replanned.output
    after = path.read_bytes()
    assert check_calendar(after, profile, "replanned.ics", busy) == []
    changed = {uid for uid, e in _events(after).items() if e.to_ical() != local[uid].to_ical()}
    assert changed

    pushed = run("push", str(path), "--url", url, "--user", USER)
    assert pushed.exit_code == 0, pushed.output
    assert f"0 created, {len(changed)} updated, 0 deleted, {len(local) - len(changed)} unchanged" in pushed.output
    now, replanned_events = _server_events(server, "training"), _events(after)
    assert set(now) == set(local)  # same object count: updated in place
    for uid, (etag, obj) in now.items():
        event, mine = obj.walk("VEVENT")[0], replanned_events[uid]
        if uid in changed:
            assert etag != etags[uid] and int(event["SEQUENCE"]) > int(local[uid].get("SEQUENCE", 0))
            assert (event.decoded("DTSTART"), str(event["STATUS"])) == (mine.decoded("DTSTART"), str(mine["STATUS"]))
        else:
            assert etag == etags[uid]
    assert "0 created, 0 updated, 0 deleted" in run("push", str(path), "--url", url, "--user", USER).output

    # Pulled back from the server alone, the plan is the same plan: checked clean, re-plannable.
    pulled = tmp_path / "pulled.ics"
    result = run("pull", "--url", url, "--user", USER, "-o", str(pulled))
    assert result.exit_code == 0, result.output
    assert check_calendar(pulled.read_bytes(), None, "pulled.ics", busy) == []
    mine = icalendar.Calendar.from_ical(after)
    theirs = icalendar.Calendar.from_ical(pulled.read_bytes())
    assert calsync.fingerprint_plan(theirs) == calsync.fingerprint_plan(mine)
    missed = [e for e in theirs.walk("VEVENT") if textprop.get(e, "X-RUNCAL-MISSED") == str(today)]
    assert len(missed) == len(week3) and all(str(e["STATUS"]) == "CANCELLED" for e in missed)
    later = plan.first_day_of(8)
    missed_later = next(s for s in plan.sessions if plan.week_of(s.day) == 8 and s.kind.is_run)
    result = run("replan", str(pulled), "--today", str(missed_later.day + dt.timedelta(days=1)), "--missed",
                 f"{missed_later.day}:{missed_later.kind.value}", "--profile", str(MARATHON),
                 "--now", "2027-01-20T08:00:00Z")
    assert result.exit_code == 0 and later <= missed_later.day, result.output
    assert check_calendar(pulled.read_bytes(), profile, "pulled-replanned.ics", busy) == []


def test_a_move_on_the_server_is_kept_as_the_runners_move(server, marathon, tmp_path):
    profile, busy, data = marathon
    path = tmp_path / "plan.ics"
    path.write_bytes(data)
    url = server.calendar_url("moved")
    assert run("push", str(path), "--url", url, "--create").exit_code == 0
    # The runner drags a future easy run an hour later in their calendar app (the app keeps our X-
    # properties, as Radicale does; it may or may not raise SEQUENCE).
    plan = read_plan(data, profile)
    target = next(s for s in plan.sessions if plan.week_of(s.day) == 5 and s.kind.value == "easy")
    import caldav

    calendar = caldav.Calendar(server.client(), url=url)
    resource = next(r for r in calendar.get_events()
                    if icalendar.Calendar.from_ical(r.data).walk("VEVENT")[0].decoded("DTSTART") == target.local_start)
    obj = icalendar.Calendar.from_ical(resource.data)
    event = obj.walk("VEVENT")[0]
    uid = str(event["UID"])
    for name in ("DTSTART", "DTEND"):
        moved = event.decoded(name) + dt.timedelta(hours=1)
        del event[name]
        event.add(name, moved)
    resource.save(raw_data=obj.to_ical(), increase_seqno=False)
    server_etag = server.objects("moved")[str(resource.url)][0]

    pushed = run("push", str(path), "--url", url)
    assert pushed.exit_code == 0, pushed.output
    assert "kept:" in pushed.output and "your moves win" in pushed.output and "1 kept" in pushed.output
    assert server.objects("moved")[str(resource.url)][0] == server_etag  # the runner's copy untouched
    local = _events(path.read_bytes())[uid]
    assert local.decoded("DTSTART") == target.local_start + dt.timedelta(hours=1)
    assert textprop.get(local, "X-RUNCAL-PLANNED-START") == textprop.get(event, "X-RUNCAL-PLANNED-START")

    # The next re-plan plans around it and keeps it where the runner put it.
    result = run("replan", str(path), "--today", str(target.day - dt.timedelta(days=3)), "--profile", str(MARATHON),
                 "--now", "2026-12-21T08:00:00Z")
    assert result.exit_code == 0, result.output
    assert "your moves win" in result.output
    assert _events(path.read_bytes())[uid].decoded("DTSTART") == target.local_start + dt.timedelta(hours=1)
    assert run("push", str(path), "--url", url).exit_code == 0
    theirs = _server_events(server, "moved")[uid][1].walk("VEVENT")[0]
    assert theirs.decoded("DTSTART") == target.local_start + dt.timedelta(hours=1)

    # Pulled from the server, the move is a move too.
    pulled = calsync.pull(calsync.login(url))
    again = _events(pulled)[uid]
    assert textprop.get(again, "X-RUNCAL-PLANNED-START") != planned_start(again.decoded("DTSTART"))


def test_second_push_writes_nothing_and_a_stopped_push_can_be_run_again(server, marathon, tmp_path, monkeypatch):
    _, _, data = marathon
    url = server.calendar_url("interrupted")
    server.make_calendar("interrupted")
    import caldav

    real, count = caldav.DAVClient.put, {"n": 0}

    def flaky(self, *args, **kwargs):  # the network goes after 40 sessions
        count["n"] += 1
        if count["n"] > 40:
            raise ConnectionResetError("connection reset by peer")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(caldav.DAVClient, "put", flaky)
    with pytest.raises(Exception) as stopped:
        calsync.push(data, "plan.ics", calsync.login(url))
    assert "cannot reach the server" in str(stopped.value)
    assert len(server.objects("interrupted")) == 40  # whole objects, never a half-written one
    monkeypatch.setattr(caldav.DAVClient, "put", real)
    report = calsync.push(data, "plan.ics", calsync.login(url))
    assert (len(report.created), report.unchanged) == (len(_events(data)) - 40, 40)
    assert set(_server_events(server, "interrupted")) == set(_events(data))
    before = server.objects("interrupted")
    assert calsync.push(data, "plan.ics", calsync.login(url)).writes == 0
    assert server.objects("interrupted") == before


def test_a_change_made_on_the_server_during_a_push_is_not_overwritten(server, monkeypatch):
    """Writes are conditional on what push read: If-Match with the listed ETag for an update,
    If-None-Match: * for a new object. A change made in between is reported, not overwritten."""
    data = plan_to_ical(make_plan(parse_profile(SMALL, "s.toml")), STAMP)
    url = server.calendar_url("race")
    calsync.push(data, "plan.ics", calsync.login(url), create=True)
    moved = plan_to_ical(make_plan(parse_profile(SMALL + '\n[preferences]\nrun_time = "19:30"\n', "s.toml")), STAMP)
    real = calsync._remote_objects

    def listed_then_edited(calendar, plan_key):
        found = real(calendar, plan_key)
        for remote in found.values():  # the runner's app renames every event right after the listing
            obj = icalendar.Calendar.from_ical(remote.resource.data)
            obj.walk("VEVENT")[0]["SUMMARY"] = icalendar.vText("Renamed in my app")
            server.client().put(str(remote.resource.url), obj.to_ical().decode(), {"Content-Type": "text/calendar"})
        return found

    monkeypatch.setattr(calsync, "_remote_objects", listed_then_edited)
    with pytest.raises(InputError, match="an object changed on the server while pushing"):
        calsync.push(moved, "plan.ics", calsync.login(url))
    monkeypatch.undo()
    summaries = {str(cal.walk("VEVENT")[0]["SUMMARY"]) for _, cal in _server_events(server, "race").values()}
    assert summaries == {"Renamed in my app"}  # nothing of the stale push landed
    # A new object that appeared after the listing is not overwritten either (If-None-Match: *).
    uid, obj = next(iter(calsync.objects(icalendar.Calendar.from_ical(data)).items()))
    who = calsync.login(url)
    with pytest.raises(InputError, match="an object changed on the server while pushing"):
        with calsync._talking(who):
            calsync._create(server.client(), url + quote(uid, safe="") + ".ics", obj.to_ical())


def test_a_plan_made_again_replaces_the_old_one_on_the_server(server, tmp_path):
    """A fresh `runcal plan` starts SEQUENCE at 0: a changed time still goes up on the server."""
    first = plan_to_ical(make_plan(parse_profile(SMALL, "s.toml")), STAMP)
    url = server.calendar_url("remade")
    assert calsync.push(first, "plan.ics", calsync.login(url), create=True).created
    other = parse_profile(SMALL + '\n[preferences]\nrun_time = "19:30"\n', "s.toml")
    second = plan_to_ical(make_plan(other), STAMP)
    report = calsync.push(second, "plan.ics", calsync.login(url))
    assert report.updated and report.plan is not None
    stored = _server_events(server, "remade")
    for uid, event in _events(report.plan).items():
        theirs = stored[uid][1].walk("VEVENT")[0]
        assert theirs.decoded("DTSTART") == event.decoded("DTSTART") and theirs["SEQUENCE"] == event["SEQUENCE"]
    before = _events(first)
    moved = [u for u, e in _events(second).items() if e.decoded("DTSTART") != before[u].decoded("DTSTART")]
    assert moved and all(int(stored[u][1].walk("VEVENT")[0]["SEQUENCE"]) == 1 for u in moved)
    assert calsync.push(report.plan, "plan.ics", calsync.login(url)).writes == 0


# --- busy time from a CalDAV calendar ------------------------------------------------------------------

WORK = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//work//EN\r
BEGIN:VTIMEZONE\r
TZID:Europe/London\r
BEGIN:STANDARD\r
DTSTART:19701025T020000\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0000\r
TZNAME:GMT\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:19700329T010000\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
TZOFFSETFROM:+0000\r
TZOFFSETTO:+0100\r
TZNAME:BST\r
END:DAYLIGHT\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
UID:standup@work\r
DTSTAMP:20270101T000000Z\r
DTSTART;TZID=Europe/London:20270302T090000\r
DTEND;TZID=Europe/London:20270302T100000\r
RRULE:FREQ=WEEKLY;COUNT=6\r
EXDATE;TZID=Europe/London:20270316T090000\r
SUMMARY:Stand-up\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:standup@work\r
DTSTAMP:20270101T000000Z\r
RECURRENCE-ID;TZID=Europe/London:20270323T090000\r
DTSTART;TZID=Europe/London:20270323T140000\r
DTEND;TZID=Europe/London:20270323T150000\r
SUMMARY:Stand-up (moved)\r
END:VEVENT\r
END:VCALENDAR\r
"""

# Google's convention: times in UTC, the calendar's zone in X-WR-TIMEZONE (09:00 Berlin all year).
GOOGLE = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Google Inc//Google Calendar 70.9054//EN\r
X-WR-TIMEZONE:Europe/Berlin\r
BEGIN:VEVENT\r
UID:choir@google.com\r
DTSTAMP:20270101T000000Z\r
DTSTART:20270304T080000Z\r
DTEND:20270304T090000Z\r
RRULE:FREQ=WEEKLY;COUNT=5\r
SUMMARY:Choir\r
END:VEVENT\r
END:VCALENDAR\r
"""

FREE = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//free//EN\r
BEGIN:VEVENT\r
UID:{uid}\r
DTSTAMP:20270101T000000Z\r
DTSTART:20270310T120000Z\r
DTEND:20270310T130000Z\r
{extra}\r
SUMMARY:{summary}\r
END:VEVENT\r
END:VCALENDAR\r
"""


def _busy_calendar(server: Radicale, name: str) -> str:
    calendar = server.make_calendar(name)
    for body in (WORK, GOOGLE, FREE.format(uid="c@x", extra="STATUS:CANCELLED", summary="Cancelled"),
                 FREE.format(uid="t@x", extra="TRANSP:TRANSPARENT", summary="Lunch (free)"),
                 FREE.format(uid="w03-easy-1@runcal", extra="X-RUNCAL-KIND:easy", summary="Easy run")):
        calendar.add_event(body, increase_seqno=False)
    return "caldav+" + server.calendar_url(name)


def test_busy_time_from_a_caldav_calendar_across_dst(server, tmp_path):
    from zoneinfo import ZoneInfo

    london, berlin = ZoneInfo("Europe/London"), ZoneInfo("Europe/Berlin")
    url = _busy_calendar(server, "work")
    found = read_busy([url], "Europe/London", dt.date(2027, 3, 1), dt.date(2027, 4, 30))
    standups = sorted(b.start.astimezone(london) for b in found if b.summary.startswith("Stand-up"))
    assert [(d.date().isoformat(), d.strftime("%H:%M")) for d in standups] == [
        ("2027-03-02", "09:00"), ("2027-03-09", "09:00"),  # 2027-03-16 is an EXDATE
        ("2027-03-23", "14:00"),  # RECURRENCE-ID: moved that week
        ("2027-03-30", "09:00"), ("2027-04-06", "09:00")]  # after the clocks went forward on 28 March: still 09:00
    choir = sorted(b.start.astimezone(berlin) for b in found if b.summary == "Choir")
    assert len(choir) == 5 and {d.strftime("%H:%M") for d in choir} == {"09:00"}  # X-WR-TIMEZONE applied
    assert {b.summary for b in found} == {"Stand-up", "Stand-up (moved)", "Choir"}  # no cancelled, free or runcal
    assert {Path(b.source.rstrip("/")).name for b in found} == {"work"}
    # A second opinion: the same calendars as files give the same busy time.
    files = []
    for i, body in enumerate((WORK, GOOGLE)):
        files.append(tmp_path / f"{i}.ics")
        files[-1].write_text(body)
    assert sorted((b.start, b.end, b.summary) for b in read_busy(files, "Europe/London", dt.date(2027, 3, 1),
                                                                 dt.date(2027, 4, 30))) == \
        sorted((b.start, b.end, b.summary) for b in found)


def test_replan_with_a_caldav_busy_calendar_moves_the_clashing_session(server, tmp_path):
    profile = parse_profile(SMALL, "small.toml")
    plan = make_plan(profile)
    data = plan_to_ical(plan, STAMP)
    path = tmp_path / "plan.ics"
    path.write_bytes(data)
    target = next(s for s in plan.sessions if s.week == 2 and s.kind.value == "easy")
    calendar = server.make_calendar("dentist")
    calendar.add_event(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:dentist@x\r\n"
                       f"DTSTAMP:20270101T000000Z\r\nDTSTART:{target.start.astimezone(dt.timezone.utc):%Y%m%dT%H%M%SZ}\r\n"
                       f"DURATION:PT30M\r\nSUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", increase_seqno=False)
    result = run("replan", str(path), "--today", str(plan.weeks[0].monday), "--busy", "caldav+" +
                 server.calendar_url("dentist"), "--now", "2027-01-01T08:00:00Z")
    assert result.exit_code == 0, result.output
    moved = [line for line in result.output.splitlines() if line.startswith("moved:")]
    assert len(moved) == 1 and f"easy run {target.start:%Y-%m-%d %H:%M}" in moved[0]
    assert "'Dentist'" in moved[0] and moved[0].endswith("(availability)")
    busy = read_busy(["caldav+" + server.calendar_url("dentist")], "Europe/London", dt.date(2027, 1, 1),
                     dt.date(2027, 3, 1))
    assert check_calendar(path.read_bytes(), profile, "replanned.ics", busy) == []


# --- bad input: one line, exit 2, nothing written ----------------------------------------------------------

def test_logins_against_an_htpasswd_server(auth_server, marathon, tmp_path):
    _, _, data = marathon
    path = tmp_path / "plan.ics"
    path.write_bytes(data)
    secret = tmp_path / "pw"
    secret.write_text(PASSWORD + "\n")
    wrong = tmp_path / "wrong"
    wrong.write_text("not it\n")
    url = auth_server.calendar_url("training")
    auth_server.make_calendar("training")
    _one_line_error(run("push", str(path), "--url", url, "--user", USER, "--password-file", str(wrong)),
                    url, "refused user 'sam'", "Fix:")
    _one_line_error(run("push", str(path), "--url", url, "--user", USER), "refused")  # no password at all
    assert auth_server.objects("training") == {}  # nothing half-written
    ok = run("push", str(path), "--url", url, "--user", USER, "--password-file", str(secret))
    assert ok.exit_code == 0 and PASSWORD not in ok.output, ok.output
    count = len(auth_server.objects("training"))
    assert count == len(_events(data))
    by_env = run("push", str(path), "--url", url, "--user", USER, env={"RUNCAL_CALDAV_PASSWORD": PASSWORD})
    assert by_env.exit_code == 0 and "0 created, 0 updated" in by_env.output
    by_file_env = run("pull", "--url", url, "-o", str(tmp_path / "back.ics"),
                      env={"RUNCAL_CALDAV_USER": USER, "RUNCAL_CALDAV_PASSWORD_FILE": str(secret)})
    assert by_file_env.exit_code == 0, by_file_env.output
    _one_line_error(run("push", str(path), "--url", url.replace("://", f"://{USER}:pw@")), "holds a password")
    assert PASSWORD not in path.read_text() and PASSWORD not in (tmp_path / "back.ics").read_text()


def test_an_unreachable_server_is_one_line(marathon, tmp_path):
    path = tmp_path / "plan.ics"
    path.write_bytes(marathon[2])
    url = f"http://127.0.0.1:{free_port()}/sam/training/"
    _one_line_error(run("push", str(path), "--url", url), "cannot reach the server", "Fix:")
    _one_line_error(run("replan", str(path), "--today", "2026-12-01", "--profile", str(MARATHON), "--busy",
                        "caldav+" + url), "cannot reach the server")
    assert path.read_bytes() == marathon[2]


class _NotCalDAV(http.server.BaseHTTPRequestHandler):
    """A web server that is not a CalDAV server; it records every request it gets."""

    seen: list[str] = []

    def _page(self):
        self.seen.append(self.command)
        body = b"<html><body>Hello</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_OPTIONS = do_PUT = do_PROPFIND = do_REPORT = do_MKCALENDAR = do_DELETE = _page

    def log_message(self, *args) -> None:
        pass


def test_a_url_that_is_not_caldav_is_one_line(server, marathon, tmp_path):
    path = tmp_path / "plan.ics"
    path.write_bytes(marathon[2])
    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotCalDAV)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{web.server_address[1]}/calendar/"
        _one_line_error(run("push", str(path), "--url", url, "--create"), "is not a CalDAV server", "Fix:")
        assert _NotCalDAV.seen and not {"PUT", "MKCALENDAR", "DELETE"} & set(_NotCalDAV.seen)
    finally:
        web.shutdown()
    # A CalDAV server, but the URL is the user's principal, not a calendar; or nothing at all.
    _one_line_error(run("push", str(path), "--url", server.root + USER + "/"), "is not a calendar")
    _one_line_error(run("push", str(path), "--url", server.calendar_url("typo")), "nothing there (HTTP 404)",
                    "--create")
    assert "typo" not in str(server.client().principal().calendars())


def test_pull_of_a_calendar_with_two_plans_asks_which(server, tmp_path):
    url = server.calendar_url("two-plans")
    for name in ("One", "Two"):
        data = plan_to_ical(make_plan(parse_profile(SMALL.replace('"Replan"', f'"{name}"'), "s.toml")), STAMP)
        calsync.push(data, "plan.ics", calsync.login(url), create=True)
    _one_line_error(run("pull", "--url", url, "-o", str(tmp_path / "x.ics")), "more than one runcal plan", "--plan-id")
    assert not (tmp_path / "x.ics").exists()
