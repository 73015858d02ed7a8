"""Re-plans and injuries around the runner's calendar as it is now: the profile's busy calendars
(found relative to --profile, else beside the plan) and --busy; a changed calendar moves exactly
the sessions that now clash, and the diff says which event caused each move."""

from __future__ import annotations

import datetime as dt
import shutil

import icalendar
import pytest
from click.testing import CliRunner
from conftest import ROOT, STAMP, plan_checked
from test_replan import SMALL

from cli import main
from solver import replan as replanning
from solver.busy import read_busy
from solver.check import check_calendar, read_plan
from solver.domain import Kind
from solver.ics import plan_to_ical
from solver.profile import load_profile, parse_profile
from solver.rehab import load_rehab
from solver.replan import Injury, replan
from solver.solve import busy_for, make_plan

SAMPLES = ROOT / "sample_calendars"
MARATHON = SAMPLES / "advanced_marathon.toml"
LATER = STAMP + dt.timedelta(days=20)


@pytest.fixture(scope="module")
def marathon():
    profile = load_profile(MARATHON)
    busy = busy_for(profile)
    assert busy  # the sample names its Google export
    data = plan_to_ical(make_plan(profile, busy), STAMP)
    assert check_calendar(data, profile, "marathon.ics", busy) == []
    return profile, busy, data


def _events(data: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def _changed(before: bytes, after: bytes) -> set[str]:
    a, b = _events(before), _events(after)
    return {uid for uid in a if a[uid].to_ical() != b[uid].to_ical()}


def test_missed_strength_sessions_of_the_marathon_sample_avoid_its_busy_calendar(marathon):
    """The issue's case: a missed strength session was moved onto the choir rehearsal. Every
    strength session of weeks 3 and 6, missed in turn, is re-planned clear of the calendar."""
    profile, busy, data = marathon
    plan = read_plan(data, profile)
    strength = [s for s in plan.sessions if plan.week_of(s.day) in (3, 6) and s.kind is Kind.STRENGTH]
    assert len(strength) >= 2
    for s in strength:
        result = replan(data, "plan.ics", today=s.day + dt.timedelta(days=1), missed=[f"{s.day}:strength"],
                        stamp=LATER, busy=busy)
        assert check_calendar(result.data, profile, "replanned.ics", busy) == [], s
        assert len(_changed(data, result.data)) == 1  # nothing else needed to change


def test_holding_later_weeks_still_works_with_a_whole_busy_calendar(marathon, monkeypatch):
    """Busy time that touches no planned session leaves its week undisturbed: the held-weeks
    re-plan is accepted, and every objective level equals the whole horizon's."""
    profile, busy, data = marathon
    plan = read_plan(data, profile)
    s = next(s for s in plan.sessions if plan.week_of(s.day) == 3 and s.kind is Kind.STRENGTH)
    kwargs = dict(today=s.day + dt.timedelta(days=1), missed=[f"{s.day}:strength"], stamp=LATER, busy=busy)
    seen, real = [], replanning._lexicographic

    def spy(inst, originals, time_limit, levels=4, **kwargs):
        out = real(inst, originals, time_limit, levels, **kwargs)
        seen.append((inst.keep_only is not None, out[2]))
        return out

    monkeypatch.setattr(replanning, "_lexicographic", spy)
    held = replan(data, "plan.ics", **kwargs)
    frozen = [values for is_frozen, values in seen if is_frozen]
    assert len(seen) == 2 and frozen, "the held-weeks re-plan was not accepted"
    seen.clear()
    monkeypatch.setattr(replanning, "_undisturbed_from", lambda *args: 10 ** 6)
    whole = replan(data, "plan.ics", **kwargs)
    assert [values for _, values in seen] == frozen
    assert held.data == whole.data


def _busy_file(path, events: list[tuple[str, dt.datetime, dt.datetime]]) -> None:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//test//new export//EN")
    cal.add("version", "2.0")
    for i, (summary, start, end) in enumerate(events):
        e = icalendar.Event()
        e.add("uid", f"new-{i}@example.com")
        e.add("dtstamp", STAMP)
        e.add("dtstart", start.astimezone(dt.timezone.utc))
        e.add("dtend", end.astimezone(dt.timezone.utc))
        e.add("summary", summary)
        cal.add_component(e)
    path.write_bytes(cal.to_ical())


SIX_WEEKS = SMALL.replace("end = 2027-01-31", "end = 2027-02-14")


def test_a_changed_calendar_moves_exactly_the_sessions_that_now_clash(tmp_path):
    profile = parse_profile(SIX_WEEKS, "six.toml")
    plan, data = plan_checked(SIX_WEEKS, "six.toml")
    path = tmp_path / "plan.ics"
    path.write_bytes(data)
    easy = next(s for s in plan.sessions if s.week == 2 and s.kind is Kind.EASY)
    strength = next(s for s in plan.sessions if s.week == 4 and s.kind is Kind.STRENGTH)
    days = {s.start.date() for s in plan.sessions}
    free_day = next(d for d in (plan.weeks[2].monday + dt.timedelta(days=i) for i in range(7)) if d not in days)
    noon = dt.datetime.combine(free_day, dt.time(12), easy.start.tzinfo)
    new = tmp_path / "new-export.ics"
    _busy_file(new, [("Dentist", easy.start + dt.timedelta(minutes=10), easy.start + dt.timedelta(minutes=40)),
                     ("Parents' evening", strength.start - dt.timedelta(minutes=20), strength.end),
                     ("Lunch with Jo", noon, noon + dt.timedelta(hours=1))])  # touches no session
    result = CliRunner().invoke(main, ["replan", str(path), "--today", str(plan.weeks[0].monday), "--busy", str(new),
                                       "--now", LATER.strftime("%Y-%m-%dT%H:%M:%SZ")])
    assert result.exit_code == 0, result.output
    after = path.read_bytes()
    busy = read_busy([new], profile.timezone, plan.weeks[0].monday, plan.weeks[-1].monday + dt.timedelta(days=7))
    assert check_calendar(after, profile, "replanned.ics", busy) == []
    changed = _changed(data, after)
    moved_uids = {uid for uid, e in _events(data).items()
                  if e.decoded("DTSTART") in (easy.start, strength.start)}
    assert changed == moved_uids  # exactly the two that clash, nothing else
    for uid in changed:
        assert int(_events(after)[uid]["SEQUENCE"]) == 1
    moves = [line for line in result.output.splitlines() if line.startswith("moved:")]
    assert len(moves) == 2
    assert any(f"easy run {easy.start:%Y-%m-%d %H:%M} →" in m and "'Dentist'" in m for m in moves)
    assert any(f"strength {strength.start:%Y-%m-%d %H:%M} →" in m and "'Parents' evening'" in m for m in moves)
    assert all(m.endswith("(availability)") for m in moves)
    assert "Week  Starts" in result.output and "unchanged:" in result.output  # the new weeks are printed


def test_resized_sessions_are_not_called_moves():
    """Missing week 1's long run re-derives the later weeks (R6): same times, new lengths."""
    plan, data = plan_checked(SMALL, "small.toml")
    missed = next(s for s in plan.sessions if s.week == 1 and s.kind is Kind.LONG)
    result = replan(data, "plan.ics", today=missed.start.date() + dt.timedelta(days=1),
                    missed=[f"{missed.start.date()}:long"], stamp=LATER)
    assert result.resized
    for label, old, new, why in result.resized:
        assert old != new and why.rule == "R6"
    for before, after, _ in result.moved:
        assert before.split()[-2:] != after.split()[:2]  # a move changes the time
    lines = [line for line in result.diff().splitlines() if line.startswith("resized:")]
    assert lines and all(" min — " in line and line.endswith("(R6)") for line in lines)
    label, old, new, _ = result.resized[0]
    assert f"resized:   {label}: {old} → {new} min" in result.diff()


def test_the_plans_own_calendars_are_found_beside_the_plan_or_named_as_missing(marathon, tmp_path):
    profile, busy, data = marathon
    plan = read_plan(data, profile)
    s = next(s for s in plan.sessions if plan.week_of(s.day) == 3 and s.kind is Kind.STRENGTH)
    args = ["--today", str(s.day + dt.timedelta(days=1)), "--missed", f"{s.day}:strength", "--now",
            LATER.strftime("%Y-%m-%dT%H:%M:%SZ")]
    alone = tmp_path / "alone" / "plan.ics"
    alone.parent.mkdir()
    alone.write_bytes(data)
    result = CliRunner().invoke(main, ["replan", str(alone), *args])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert "busy_google_export.ics" in result.output and "--profile" in result.output
    assert alone.read_bytes() == data  # nothing written
    note = CliRunner().invoke(main, ["check", str(alone)])
    assert note.exit_code == 0 and "Note: not checked against" in note.output

    beside = tmp_path / "beside" / "plan.ics"
    beside.parent.mkdir()
    beside.write_bytes(data)
    shutil.copy(SAMPLES / "busy_google_export.ics", beside.parent)
    result = CliRunner().invoke(main, ["replan", str(beside), *args])
    assert result.exit_code == 0, result.output
    assert check_calendar(beside.read_bytes(), profile, "beside.ics", busy) == []
    checked = CliRunner().invoke(main, ["check", str(beside)])
    assert checked.exit_code == 0 and "Note" not in checked.output

    via_profile = CliRunner().invoke(main, ["replan", str(alone), *args, "--profile", str(MARATHON)])
    assert via_profile.exit_code == 0, via_profile.output
    assert alone.read_bytes() == beside.read_bytes()  # the same calendar, found either way


def test_injury_respects_busy_time(marathon, tmp_path):
    """The sample's calendar plus a trip over the days the runner is cleared: rehab inside the
    injury and the return to training after it both stay clear of busy time."""
    profile, busy, data = marathon
    plan = read_plan(data, profile)
    start = plan.first_day_of(5) + dt.timedelta(days=2)
    until = start + dt.timedelta(days=13)
    zone = plan.sessions[0].local_start.tzinfo
    trip = tmp_path / "trip.ics"
    _busy_file(trip, [("Trip", dt.datetime.combine(until + dt.timedelta(days=1), dt.time(0), zone),
                       dt.datetime.combine(until + dt.timedelta(days=3), dt.time(0), zone))])
    busy = busy + read_busy([trip], profile.timezone, plan.first_day, plan.last_day)
    injury = Injury(start, until, load_rehab(SAMPLES / "rehab" / "achilles_example.toml"))
    result = replan(data, "plan.ics", start, stamp=LATER, injury=injury, busy=busy)
    assert check_calendar(result.data, profile, "injured.ics", busy) == []
    after = read_plan(result.data, profile)
    assert [e for e in after.sessions if e.kind is Kind.REHAB]  # the physio's sessions, clear of the calendar
    assert any(until < e.day <= until + dt.timedelta(days=7) for e in after.sessions)  # training resumes
    # Without the calendar the same injury puts sessions on the trip: the check above has teeth.
    blind = replan(data, "plan.ics", start, stamp=LATER, injury=injury)
    assert any(v.rule == "availability" for v in check_calendar(blind.data, profile, "blind.ics", busy))
