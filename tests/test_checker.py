"""The independent checker (solver/check.py): each rule broken on a tiny hand-made plan, then fixed.

Every calendar here is written by hand, not by the planner, so a bug shared by the model and
the checker cannot hide. The base plan is two weeks that keep every rule; each test changes one
thing and asserts the exact rule ID and numbers of what the checker reports.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
from pathlib import Path

import pytest

from solver.check import (
    CHECKS,
    Violation,
    check_calendar,
    check_file,
    classify,
    format_report,
)
from solver.domain import WEEKDAYS, Kind
from solver.errors import CalendarError
from solver.prescriptions import session_prescription
from solver.profile import parse_profile, profile_json

TZ = "Europe/London"
WEEK1 = dt.date(2027, 1, 4)  # a Monday
WEEK2 = WEEK1 + dt.timedelta(weeks=1)


# -- building profiles and calendars by hand ------------------------------------------------

def make_profile(races: tuple[dict, ...] = (), **sections: dict):
    """A small intermediate profile (TOML, through the real loader); `sections` override fields."""
    data = {
        "runner": {"name": "Test", "timezone": TZ, "level": "intermediate", "strength_level": "intermediate",
                   "sessions_per_week": 4, "weekly_minutes": 110, "long_run_minutes": 40},
        "plan": {"start": WEEK1, "end": WEEK2 + dt.timedelta(days=6)},
        "availability": {day: ["06:00-21:00"] for day in WEEKDAYS},
        # The base plan keeps every rule; these loosen the rules that came later (R11, R13, run
        # lengths) so that each older test still breaks just its own rule. Their tests tighten them.
        "rules": {"cutback_every": 0, "strength_intro_weeks": 0, "strength_before_key_hours": 8,
                  "long_ramp_min": 20, "long_share_max": 60},
        "durations": {"easy_min": 10},
    }
    for name, fields in sections.items():
        data[name] = {**data[name], **fields}
    lines = []
    for name, fields in data.items():
        lines += [f"[{name}]", *(f"{k} = {_toml(v)}" for k, v in fields.items())]
    for race in races:
        lines += ["[[race]]", *(f"{k} = {_toml(v)}" for k, v in race.items())]
    return parse_profile("\n".join(lines), "test.toml")


def _toml(value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else json.dumps(value)


def race(date: dt.date, priority: str = "B", start: str = "10:00") -> dict:
    return {"name": "Test Race", "date": date, "distance": "10k", "priority": priority, "start_time": start}


def ev(kind: str | None, start: str, minutes: int, *, tz: str = TZ, summary: str | None = None,
       categories: str | None = None, status: str = "CONFIRMED", all_day: bool = False) -> str:
    """One VEVENT. `start` is local wall-clock "YYYY-MM-DD HH:MM"; the end is wall-clock start +
    minutes, so no test session may span a daylight-saving change."""
    begin = dt.datetime.fromisoformat(start)
    end = begin + dt.timedelta(minutes=minutes)
    if all_day:
        when = [f"DTSTART;VALUE=DATE:{begin:%Y%m%d}", f"DTEND;VALUE=DATE:{begin + dt.timedelta(days=1):%Y%m%d}"]
    elif tz == "UTC":
        when = [f"DTSTART:{begin:%Y%m%dT%H%M%S}Z", f"DTEND:{end:%Y%m%dT%H%M%S}Z"]
    else:
        when = [f"DTSTART;TZID={tz}:{begin:%Y%m%dT%H%M%S}", f"DTEND;TZID={tz}:{end:%Y%m%dT%H%M%S}"]
    label = kind or "session"
    rx = RX if kind == "strength" and summary is None else None
    lines = ["BEGIN:VEVENT", f"UID:{label}-{begin:%Y%m%dT%H%M}@test", "DTSTAMP:20270101T000000Z", *when,
             f"SUMMARY:{rx.title() if rx else summary or label.title()}",
             f"CATEGORIES:{categories or CATEGORY.get(kind, 'Running')}",
             f"STATUS:{status}"]
    if kind:
        lines.append(f"X-RUNCAL-KIND:{kind}")
    if kind in RUN_KINDS:  # a run carries its steps and their targets, as `runcal plan` writes them
        lines += [f"DESCRIPTION:{minutes} min in all:\\n1. {minutes} min easy — RPE 2–3: you can talk in full sentences",
                  f"X-RUNCAL-STEPS:{steps_json([{'kind': 'run', 's': minutes * 60, 'at': 'easy', 'rpe': [2, 3]}])}"]
    if rx:  # a strength session carries its R7 prescription, as `runcal plan` writes it
        description = rx.description().replace("\n", "\\n").replace(",", "\\,")
        lines += [f"DESCRIPTION:{description}", "X-RUNCAL-TEMPLATE:A", "X-RUNCAL-RX-PERIOD:base",
                  f"X-RUNCAL-LOAD-STEP:{rx.step}"]
    return "\r\n".join([*lines, "END:VEVENT"])


def calendar(*events: str, start: dt.date = WEEK1, end: dt.date | None = None, profile=None,
             extra: tuple[str, ...] = ()) -> bytes:
    end = end or start + dt.timedelta(days=13)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//runcal tests//EN", "CALSCALE:GREGORIAN",
             f"X-WR-TIMEZONE:{TZ}", f"X-RUNCAL-PLAN-START:{start}", f"X-RUNCAL-PLAN-END:{end}", *extra]
    if profile is not None:
        lines.append(f"X-RUNCAL-PROFILE:{profile_json(profile)}")
    return ("\r\n".join([*lines, *events, "END:VCALENDAR"]) + "\r\n").encode()


def at(day: dt.date, offset: int, clock: str) -> str:
    return f"{day + dt.timedelta(days=offset)} {clock}"


def week(monday: dt.date, easy: int | None = 30, quality: int | None = 40, long: int | None = 40,
         strength: bool = True) -> list[str]:
    """A clean week: easy Tue 07:00, strength Wed 18:00, quality Thu 07:00, long Sat 08:00 (None: left
    out). make_profile's strength_before_key_hours = 8 lets Wednesday's strength stand before
    Thursday's quality run; the R13 tests raise it."""
    planned = [("easy", 1, "07:00", easy), ("strength", 2, "18:00", 45 if strength else None),
               ("quality", 3, "07:00", quality), ("long", 5, "08:00", long)]
    return [ev(kind, at(monday, day, clock), minutes) for kind, day, clock, minutes in planned if minutes is not None]


CATEGORY = {"strength": "Strength", "race": "Race"}
RUN_KINDS = ("easy", "long", "quality", "race")


def steps_json(steps: list[dict]) -> str:
    """X-RUNCAL-STEPS as RFC 5545 TEXT (commas and semicolons escaped)."""
    return json.dumps({"v": 1, "steps": steps}, separators=(",", ":")).replace(",", "\\,").replace(";", "\\;")


RX = session_prescription("intermediate", "strength", "base", "A", 45)
BASE = [*week(WEEK1), *week(WEEK2)]


def found(violations: list[Violation], rule: str | None = None) -> list[str]:
    return [str(v) for v in violations if rule is None or v.rule == rule]


def rules_of(violations: list[Violation]) -> list[str]:
    return sorted({v.rule for v in violations})


# -- the base plan and general behaviour ----------------------------------------------------

def test_base_plan_is_clean():
    assert check_calendar(calendar(*BASE), make_profile()) == []


def test_component_order_does_not_matter():
    broken = [*BASE, ev("strength", at(WEEK1, 3, "12:00"), 45), ev("easy", at(WEEK2, 6, "05:00"), 10)]
    profile = make_profile(runner={"sessions_per_week": 6})
    forward = check_calendar(calendar(*broken), profile)
    assert forward == check_calendar(calendar(*reversed(broken)), profile)
    assert [v.rule for v in forward] == ["R3", "R4", "availability"]  # rule order, then time


def test_every_check_names_its_rule_and_source_sentence():
    for check in CHECKS:
        doc = check.__doc__ or ""
        assert doc.split(" ")[0] in {"R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10", "R11", "R12", "R13",
                                     "Availability", "Plan", "Durations", "Workout", "UID"}, check
        assert '"' in doc or check.__name__ in ("plan_window", "run_lengths"), f"{check.__name__} quotes no source sentence"


@pytest.mark.parametrize("module", ["check.py", "planfile.py"])
def test_checker_does_not_import_the_model(module):
    # The checker is the specification; sharing the model's code would let one bug pass both. The
    # plan-file reader it shares with the re-plan (planfile.py) is held to the same imports.
    tree = ast.parse(Path(__file__).parents[1].joinpath("solver", module).read_text())
    relative = {node.module or "__init__" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level}
    absolute = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and not node.level}
    absolute |= {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
    # busy: reading the runner's own calendars is input, not model building.
    # prescriptions: the R7 table is data the plan must match, read by both sides.
    # textprop: RFC 5545 TEXT escaping of X- values, the file format itself.
    # inputs, icsread, limits: reading a file within the input contract's bounds (issue 16).
    # planfile: the plan file read in one place; __init__: the package (callable_module), below.
    assert relative <= {"busy", "domain", "errors", "icsread", "inputs", "limits", "prescriptions", "profile",
                        "textprop", "planfile", "__init__"}
    assert {m.split(".")[0] for m in absolute} <= {"__future__", "collections", "dataclasses", "datetime",
                                                    "functools", "icalendar", "json", "pathlib", "re", "zoneinfo",
                                                    "sys"}


def test_the_package_imports_nothing_heavy_when_loaded():
    """solver/__init__.py (which the checker's `from . import callable_module` loads) imports only
    the errors at module level; its API functions import the solver when called."""
    tree = ast.parse(Path(__file__).parents[1].joinpath("solver", "__init__.py").read_text())
    top = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    relative = {node.module for node in top if isinstance(node, ast.ImportFrom) and node.level}
    assert relative == {"errors"}


# -- R1 -------------------------------------------------------------------------------------

def test_r1_violation_reported_too_many():
    week2 = [ev("strength", at(WEEK2, 0, "07:00"), 45), ev("easy", at(WEEK2, 1, "07:00"), 30),
             ev("strength", at(WEEK2, 2, "18:00"), 45), ev("quality", at(WEEK2, 3, "07:00"), 40),
             ev("strength", at(WEEK2, 4, "18:00"), 45), ev("long", at(WEEK2, 5, "08:00"), 40)]
    result = check_calendar(calendar(*week(WEEK1), *week2), make_profile(runner={"sessions_per_week": 7}))
    assert found(result) == ["R1: week 2 (2027-01-11) holds 3 strength sessions; allowed 1–2"]


def test_r1_violation_reported_too_few():
    result = check_calendar(calendar(*week(WEEK1), *week(WEEK2, strength=False)), make_profile())
    assert found(result) == ["R1: week 2 (2027-01-11) holds 0 strength sessions; allowed 1–2"]


def test_r1_clean():
    assert found(check_calendar(calendar(*BASE), make_profile()), "R1") == []


def _race_week_plan() -> bytes:
    # Week 2 holds a B race on Sunday and no strength (the R8 exception): two short easy runs, no
    # longer than week 1's easy run, and no long run before it (R4, R12).
    return calendar(*week(WEEK1), ev("easy", at(WEEK2, 1, "07:00"), 30), ev("easy", at(WEEK2, 3, "07:00"), 30),
                    ev("race", at(WEEK2, 6, "10:00"), 60))


def test_r1_race_week_may_hold_no_strength():
    assert check_calendar(_race_week_plan(), make_profile(races=(race(WEEK2 + dt.timedelta(days=6)),))) == []


def test_r1_without_the_race_the_same_week_needs_strength():
    result = check_calendar(_race_week_plan(), make_profile())
    assert found(result) == ["R1: week 2 (2027-01-11) holds 0 strength sessions; allowed 1–2"]


# -- R2 -------------------------------------------------------------------------------------

def _five_sessions_in_week2() -> bytes:
    return calendar(*week(WEEK1), *week(WEEK2, easy=10), ev("easy", at(WEEK2, 4, "07:00"), 20))


def test_r2_violation_reported():
    result = check_calendar(_five_sessions_in_week2(), make_profile())
    assert found(result) == ["R2: week 2 (2027-01-11) holds 5 sessions (4 runs, 1 strength); "
                             "allowed 4 (sessions_per_week)"]


def test_r2_clean():
    assert check_calendar(_five_sessions_in_week2(), make_profile(runner={"sessions_per_week": 5})) == []


# -- R3 -------------------------------------------------------------------------------------

def _strength_thursday(clock: str) -> bytes:
    # Week 1's strength moves from Wednesday evening to Thursday, after the 07:00–07:40 quality run.
    return calendar(*week(WEEK1, strength=False), ev("strength", at(WEEK1, 3, clock), 45), *week(WEEK2))


def test_r3_violation_reported():
    result = check_calendar(_strength_thursday("12:00"), make_profile())
    assert found(result) == ["R3: strength 2027-01-07 12:00 starts 4 h 20 min after quality run ending 07:40; "
                             "needs 8 h"]


def test_r3_clean_at_exactly_8_hours():
    assert check_calendar(_strength_thursday("15:40"), make_profile()) == []


def test_r3_overlap_reported():
    result = check_calendar(_strength_thursday("07:20"), make_profile())
    assert found(result, "R3") == ["R3: strength 2027-01-07 07:20 overlaps quality run 2027-01-07 07:00 "
                                   "(ends 07:40); needs 8 h"]


def test_r3_run_after_strength_reported_with_dates():
    wide = make_profile(availability={day: ["00:00-24:00"] for day in WEEKDAYS})
    week1 = [*week(WEEK1, quality=None), ev("quality", at(WEEK1, 3, "02:00"), 40)]
    result = check_calendar(calendar(*week1, *week(WEEK2)), wide)
    assert found(result) == ["R3: quality run 2027-01-07 02:00 starts 7 h 15 min after strength ending "
                             "2027-01-06 18:45; needs 8 h"]


def _dst_plan(strength_clock: str) -> bytes:
    # Europe/London springs forward at 01:00 on Sunday 28 March 2027: that night is an hour short.
    monday = dt.date(2027, 3, 22)
    events = [ev("easy", "2027-03-23 07:00", 20), ev("long", "2027-03-27 22:30", 60),
              ev("strength", f"2027-03-28 {strength_clock}", 45)]
    return calendar(*events, start=monday, end=monday + dt.timedelta(days=6))


def _dst_profile():
    return make_profile(runner={"weekly_minutes": 80},
                        plan={"start": dt.date(2027, 3, 22), "end": dt.date(2027, 3, 28)},
                        availability={day: ["00:00-24:00"] for day in WEEKDAYS})


def test_r3_dst_night_counts_real_hours_clean():
    # 23:30 GMT to 08:30 BST is 8 h of real time, although the clock moved 9 h.
    assert check_calendar(_dst_plan("08:30"), _dst_profile()) == []


def test_r3_dst_night_counts_real_hours_violation():
    result = check_calendar(_dst_plan("07:30"), _dst_profile())
    assert found(result) == ["R3: strength 2027-03-28 07:30 starts 7 h 00 min after long run ending "
                             "2027-03-27 23:30; needs 8 h"]


def test_r3_dst_with_the_vtimezone_of_a_real_plan_file():
    vtimezone = ("BEGIN:VTIMEZONE", "TZID:Europe/London", "BEGIN:STANDARD", "DTSTART:20261025T020000",
                 "TZNAME:GMT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0000", "END:STANDARD", "BEGIN:DAYLIGHT",
                 "DTSTART:20270328T010000", "TZNAME:BST", "TZOFFSETFROM:+0000", "TZOFFSETTO:+0100",
                 "END:DAYLIGHT", "END:VTIMEZONE")
    data = _dst_plan("07:30").replace(b"CALSCALE:GREGORIAN\r\n",
                                      ("CALSCALE:GREGORIAN\r\n" + "\r\n".join(vtimezone) + "\r\n").encode())
    assert found(check_calendar(data, _dst_profile())) == [
        "R3: strength 2027-03-28 07:30 starts 7 h 00 min after long run ending 2027-03-27 23:30; needs 8 h"]


# -- R4 -------------------------------------------------------------------------------------

def _quality_thursday_evening(long_clock: str) -> bytes:
    # Week 1's quality run moves to Thursday 19:00-19:40 and its long run to Saturday: a day apart
    # (R12), so only R4's recovery_hours can be short.
    week1 = [*week(WEEK1, long=None, quality=None), ev("quality", at(WEEK1, 3, "19:00"), 40),
             ev("long", at(WEEK1, 5, long_clock), 40)]
    return calendar(*week1, *week(WEEK2))


def test_r4_hard_runs_violation_reported():
    result = check_calendar(_quality_thursday_evening("06:00"), make_profile())
    assert found(result) == ["R4: long run 2027-01-09 06:00 starts 34 h 20 min after quality run ending "
                             "2027-01-07 19:40; needs 36 h between hard runs (recovery_hours)"]


def test_r4_hard_runs_clean_at_recovery_hours():
    assert check_calendar(_quality_thursday_evening("07:40"), make_profile()) == []


def _second_strength_friday(clock: str) -> bytes:
    return calendar(*week(WEEK1), ev("strength", at(WEEK1, 4, clock), 45), *week(WEEK2))


def test_r4_strength_violation_reported():
    result = check_calendar(_second_strength_friday("06:00"), make_profile(runner={"sessions_per_week": 5}))
    assert found(result) == ["R4: strength 2027-01-08 06:00 starts 35 h 15 min after strength ending "
                             "2027-01-06 18:45; needs 36 h between strength sessions (recovery_hours)"]


def test_r4_strength_clean():
    assert check_calendar(_second_strength_friday("06:45"), make_profile(runner={"sessions_per_week": 5})) == []


def test_r4_uses_the_profiles_recovery_hours():
    beginner = make_profile(runner={"level": "beginner", "sessions_per_week": 5}, rules={"rest_days_min": 1})
    assert found(check_calendar(_second_strength_friday("06:45"), beginner), "R4")[0].endswith(
        "needs 48 h between strength sessions (recovery_hours)")


# -- R5 -------------------------------------------------------------------------------------

def _sunday_run_in_week1() -> bytes:
    # Week 1 then rests only on Monday and Friday.
    return calendar(*week(WEEK1, easy=10), ev("easy", at(WEEK1, 6, "08:00"), 20), *week(WEEK2))


def test_r5_violation_reported():
    result = check_calendar(_sunday_run_in_week1(), make_profile(runner={"sessions_per_week": 5},
                                                                 rules={"rest_days_min": 3}))
    assert found(result) == ["R5: week 1 (2027-01-04) has 2 rest days (Mon 2027-01-04, Fri 2027-01-08); "
                             "needs 3 (rest_days_min)"]


def test_r5_clean():
    profile = make_profile(runner={"sessions_per_week": 5}, rules={"rest_days_min": 2})
    assert check_calendar(_sunday_run_in_week1(), profile) == []


def test_r5_a_session_past_midnight_takes_both_days():
    wide = {day: ["00:00-24:00"] for day in WEEKDAYS}
    late = ev("easy", at(WEEK1, 0, "23:30"), 60)  # Monday 23:30 to Tuesday 00:30
    profile = make_profile(runner={"sessions_per_week": 5}, rules={"rest_days_min": 3}, availability=wide)
    result = check_calendar(calendar(*week(WEEK1, easy=10), late, *week(WEEK2)), profile)
    assert "R5: week 1 (2027-01-04) has 2 rest days (Fri 2027-01-08, Sun 2027-01-10); needs 3 (rest_days_min)" \
        in found(result)
    assert "availability: easy run 2027-01-04 23:30–2027-01-05 00:30 runs past midnight; a session starts and " \
        "ends on one day" in found(result)


def test_r5_a_session_ending_at_midnight_leaves_the_next_day_free():
    wide = {day: ["00:00-24:00"] for day in WEEKDAYS}
    late = ev("easy", at(WEEK1, 0, "23:30"), 30)  # Monday 23:30 to 24:00; Tuesday stays a rest day
    profile = make_profile(rules={"rest_days_min": 3}, availability=wide)
    assert check_calendar(calendar(*week(WEEK1, easy=None), late, *week(WEEK2)), profile) == []


# -- R6 -------------------------------------------------------------------------------------

def test_r6_ramp_violation_reported():
    result = check_calendar(calendar(*week(WEEK1), *week(WEEK2, long=52)), make_profile())
    assert found(result) == ["R6: week 2 (2027-01-11) runs 122 min, more than 10 % over week 1's 110 min (max 121)"]


def test_r6_ramp_clean_at_the_limit():
    assert check_calendar(calendar(*week(WEEK1), *week(WEEK2, long=51)), make_profile()) == []


def test_r6_ramp_week1_against_current_minutes():
    result = check_calendar(calendar(*BASE), make_profile(runner={"weekly_minutes": 90}))
    assert found(result) == ["R6: week 1 (2027-01-04) runs 110 min, more than 10 % over the current 90 min "
                             "a week (weekly_minutes) (max 99)"]


def _three_weeks(long3: int) -> tuple[bytes, object]:
    week3 = WEEK2 + dt.timedelta(weeks=1)
    data = calendar(*week(WEEK1), *week(WEEK2, long=10), *week(week3, long=long3), end=week3 + dt.timedelta(days=6))
    return data, make_profile(plan={"end": week3 + dt.timedelta(days=6)})


def test_r6_ramp_after_cutback_may_return_to_the_week_before():
    data, profile = _three_weeks(long3=40)  # 110, 80 (cutback), 110
    assert check_calendar(data, profile) == []


def test_r6_ramp_after_cutback_not_above_the_week_before():
    data, profile = _three_weeks(long3=45)  # 110, 80, 115
    assert found(check_calendar(data, profile)) == [
        "R6: week 3 (2027-01-18) runs 115 min, more than 10 % over week 2's 80 min "
        "(max 88, or week 1's 110 min after the cutback)"]


def test_r6_cutback_violation_reported():
    result = check_calendar(calendar(*BASE), make_profile(rules={"cutback_every": 2}))
    assert found(result) == ["R6: weeks 1–2 (2027-01-04 to 2027-01-17) hold no cutback week; one in every 2 weeks "
                             "must run ≤ 80 % of the week before (cutback_every)"]


def test_r6_cutback_clean_at_80_percent():
    data = calendar(*week(WEEK1), *week(WEEK2, long=18))  # 88 = 0.8 · 110
    assert check_calendar(data, make_profile(rules={"cutback_every": 2})) == []


def _two_strength_week1() -> bytes:
    return calendar(*week(WEEK1), ev("strength", at(WEEK1, 5, "18:00"), 45), *week(WEEK2))


def test_r6_intro_violation_reported():
    profile = make_profile(runner={"sessions_per_week": 5}, rules={"strength_intro_weeks": 2})
    assert found(check_calendar(_two_strength_week1(), profile)) == [
        "R6: week 1 (2027-01-04) holds 2 strength sessions; the first 2 weeks allow at most 1 (strength_intro_weeks)"]


def test_r6_intro_clean():
    profile = make_profile(runner={"sessions_per_week": 5}, rules={"strength_intro_weeks": 0})
    assert check_calendar(_two_strength_week1(), profile) == []


# -- R8 -------------------------------------------------------------------------------------

RACE_DAY = WEEK2 + dt.timedelta(days=6)  # Sunday 2027-01-17


def test_r8_race_at_the_wrong_time_reported():
    data = _race_week_plan().replace(b"T110000", b"T120000").replace(b"T100000", b"T110000")  # the race an hour later
    result = check_calendar(data, make_profile(races=(race(RACE_DAY),)))
    assert found(result) == ["R8: Test Race is due 2027-01-17 10:00; the race event that day starts at 11:00"]


def test_r8_race_missing_reported():
    data = calendar(*week(WEEK1), *week(WEEK2))
    result = check_calendar(data, make_profile(races=(race(RACE_DAY),)))
    assert "R8: Test Race is due 2027-01-17 10:00; there is no race event that day" in found(result)


def _strength_before_race(offset: int) -> bytes:
    return calendar(*week(WEEK1), ev("easy", at(WEEK2, 1, "07:00"), 30), ev("easy", at(WEEK2, 3, "07:00"), 30),
                    ev("strength", at(WEEK2, offset, "18:00"), 45), ev("race", at(WEEK2, 6, "10:00"), 60))


def test_r8_strength_in_race_strength_free_days_reported():
    result = check_calendar(_strength_before_race(2), make_profile(races=(race(RACE_DAY),)))
    assert found(result) == ["R8: strength 2027-01-13 18:00 is 4 days before Test Race (2027-01-17); no strength "
                             "in the 4 days before a race, on race day, nor the day after (race_strength_free_days)"]


def test_r8_strength_before_race_strength_free_days_clean():
    assert check_calendar(_strength_before_race(1), make_profile(races=(race(RACE_DAY),))) == []


def test_r8_strength_the_day_after_a_race_reported():
    week3 = WEEK2 + dt.timedelta(weeks=1)
    events = [*week(WEEK1), ev("easy", at(WEEK2, 1, "07:00"), 30), ev("easy", at(WEEK2, 3, "07:00"), 30),
              ev("race", at(WEEK2, 6, "10:00"), 60), ev("strength", at(week3, 0, "18:00"), 45),
              ev("easy", at(week3, 2, "07:00"), 30)]
    data = calendar(*events, end=week3 + dt.timedelta(days=6))
    profile = make_profile(races=(race(RACE_DAY),), plan={"end": week3 + dt.timedelta(days=6)})
    assert found(check_calendar(data, profile), "R8") == [
        "R8: strength 2027-01-18 18:00 is the day after Test Race (2027-01-17); no strength in the 4 days "
        "before a race, on race day, nor the day after (race_strength_free_days)"]


def _a_race_plan(taper_long: int, taper_strength: int = 1) -> tuple[bytes, object]:
    # Week 1 builds (110 min, the peak), week 2 tapers to ≤ 60 %, week 3 is the race week.
    week3 = WEEK2 + dt.timedelta(weeks=1)
    race_day = week3 + dt.timedelta(days=6)
    taper = week(WEEK2, easy=20, quality=26, long=taper_long)
    if taper_strength == 2:
        taper.append(ev("strength", at(WEEK2, 5, "18:00"), 45))
    events = [*week(WEEK1), *taper, ev("strength", at(week3, 0, "18:00"), 45),
              ev("easy", at(week3, 1, "07:00"), 20), ev("race", at(week3, 6, "10:00"), 60)]
    profile = make_profile(races=(race(race_day, "A"),), plan={"end": race_day},
                           runner={"sessions_per_week": 5}, rules={"taper_weeks": 1})
    return calendar(*events, end=race_day), profile


def test_r8_taper_volume_clean_at_the_cap():
    data, profile = _a_race_plan(taper_long=20)  # 66 min = 60 % of 110
    assert check_calendar(data, profile) == []


def test_r8_taper_volume_over_the_cap_reported():
    data, profile = _a_race_plan(taper_long=21)
    assert found(check_calendar(data, profile)) == [
        "R8: week 2 (2027-01-11), taper week 1 before Test Race, runs 67 min, more than 60 % of the 110 min peak "
        "(max 66)"]


def test_r1_taper_week_holds_at_most_one_strength():
    data, profile = _a_race_plan(taper_long=20, taper_strength=2)
    assert found(check_calendar(data, profile), "R1") == [
        "R1: week 2 (2027-01-11) holds 2 strength sessions; allowed 1 (taper week: maintenance)"]


# -- R10 ------------------------------------------------------------------------------------

def _across_weekend(friday_run: bool) -> bytes:
    week1 = [ev("easy", at(WEEK1, 1, "07:00"), 30), ev("strength", at(WEEK1, 2, "18:00"), 45),
             ev("long", at(WEEK1, 5, "08:00"), 40), ev("easy", at(WEEK1, 6, "08:00"), 20)]
    if friday_run:
        week1.append(ev("easy", at(WEEK1, 4, "07:00"), 20))
    week2 = [ev("easy", at(WEEK2, 0, "07:00"), 20), ev("strength", at(WEEK2, 2, "18:00"), 45),
             ev("quality", at(WEEK2, 3, "07:00"), 40), ev("long", at(WEEK2, 5, "08:00"), 40)]
    return calendar(*week1, *week2)


R10_PROFILE = {"runner": {"sessions_per_week": 5}, "rules": {"max_consecutive_days": 3, "ramp_pct": 20}}


def test_r10_across_week_boundary_reported():
    result = check_calendar(_across_weekend(friday_run=True), make_profile(**R10_PROFILE))
    assert found(result) == ["R10: 4 training days in a row, 2027-01-08 to 2027-01-11; at most 3 "
                             "(max_consecutive_days)"]


def test_r10_across_week_boundary_clean():
    assert check_calendar(_across_weekend(friday_run=False), make_profile(**R10_PROFILE)) == []


# -- availability and plan window -----------------------------------------------------------

def test_availability_violation_reported():
    data = calendar(*week(WEEK1, easy=None), ev("easy", at(WEEK1, 1, "05:30"), 30), *week(WEEK2))
    assert found(check_calendar(data, make_profile())) == [
        "availability: easy run 2027-01-05 05:30–06:00 lies outside Tuesday's availability 06:00-21:00"]


def test_availability_clean_at_window_start():
    data = calendar(*week(WEEK1, easy=None), ev("easy", at(WEEK1, 1, "06:00"), 30), *week(WEEK2))
    assert check_calendar(data, make_profile()) == []


def test_availability_day_without_windows_reported():
    profile = make_profile(availability={"sat": []})
    assert found(check_calendar(calendar(*BASE), profile), "availability") == [
        "availability: long run 2027-01-09 08:00–08:40 is on a Saturday, which has no availability window",
        "availability: long run 2027-01-16 08:00–08:40 is on a Saturday, which has no availability window"]


def test_plan_window_violation_reported():
    data = calendar(*BASE, ev("easy", at(WEEK2, 7, "07:00"), 20))
    assert found(check_calendar(data, make_profile())) == [
        "plan window: easy run 2027-01-18 07:00 lies outside the plan, 2027-01-04 to 2027-01-17"]


def test_plan_window_clean():
    data = calendar(*BASE, ev("easy", at(WEEK2, 7, "07:00"), 20), end=WEEK2 + dt.timedelta(days=13))
    assert found(check_calendar(data, make_profile()), "plan window") == []


# -- hand-edited plans ----------------------------------------------------------------------

def test_hand_added_event_without_kind_is_classified_and_checked():
    gym = ev(None, at(WEEK1, 3, "12:00"), 45, summary="Gym: strength circuit", categories="Fitness")
    result = check_calendar(calendar(*BASE, gym), make_profile(runner={"sessions_per_week": 5}))
    assert found(result) == ["R3: strength 2027-01-07 12:00 starts 4 h 20 min after quality run ending 07:40; "
                             "needs 8 h",
                             "R4: strength 2027-01-07 12:00 starts 17 h 15 min after strength ending 2027-01-06 "
                             "18:45; needs 36 h between strength sessions (recovery_hours)",
                             # A gym session added by hand carries no R7 prescription from the table.
                             "R7: strength 2027-01-07 12:00 names no prescription (X-RUNCAL-TEMPLATE/"
                             "X-RUNCAL-RX-PERIOD); every strength session takes one from the R7 table"]


def test_hand_moved_event_is_checked_where_it_now_is():
    moved = calendar(*BASE).replace(b"DTSTART;TZID=Europe/London:20270106T180000",
                                    b"DTSTART;TZID=Europe/London:20270107T100000")
    moved = moved.replace(b"DTEND;TZID=Europe/London:20270106T184500", b"DTEND;TZID=Europe/London:20270107T104500")
    assert found(check_calendar(moved, make_profile())) == [
        "R3: strength 2027-01-07 10:00 starts 2 h 20 min after quality run ending 07:40; needs 8 h"]


@pytest.mark.parametrize(("categories", "summary", "kind"), [
    ("", "Parkrun race", Kind.RACE),
    ("Race", "Strength of will 10K", Kind.RACE),
    ("", "Race day, no strength", Kind.RACE),  # first match wins: race before strength
    ("Fitness", "Gym: strength circuit", Kind.STRENGTH),
    ("Strength", "Long core session", Kind.STRENGTH),
    ("", "Strength for long runs", Kind.STRENGTH),
    ("Running", "Long run", Kind.LONG),
    ("Running", "Quality run 60 min (race pace)", Kind.QUALITY),  # CATEGORIES say it is a run
    ("Running", "Tempo 4 x 5 min", Kind.QUALITY),
    ("", "Track intervals", Kind.QUALITY),
    ("", "Quality session", Kind.QUALITY),
    ("Running", "Easy jog", Kind.EASY),
    ("", "Morning shake-out", Kind.EASY),
])
def test_classify_hand_added_events(categories, summary, kind):
    assert classify([categories] if categories else [], summary) is kind


def test_all_day_hand_added_event_covers_its_local_day():
    gym = ev(None, at(WEEK1, 3, "00:00"), 0, summary="Strength day", categories="Gym", all_day=True)
    result = check_calendar(calendar(*BASE, gym), make_profile(runner={"sessions_per_week": 5}))
    assert "R3: quality run 2027-01-07 07:00 overlaps strength 2027-01-07 00:00 (ends 2027-01-08 00:00); " \
        "needs 8 h" in found(result)
    assert "availability: strength 2027-01-07 00:00–24:00 lies outside Thursday's availability 06:00-21:00" \
        in found(result)


def test_utc_and_other_zone_times_are_converted_to_the_runners_zone():
    # 07:00 UTC is 07:00 in London in January; 02:00 New York is 07:00 London.
    week1 = [*week(WEEK1, easy=None, quality=None),
             ev("easy", at(WEEK1, 1, "07:00"), 30, tz="UTC"),
             ev("quality", at(WEEK1, 3, "02:00"), 40, tz="America/New_York")]
    assert check_calendar(calendar(*week1, *week(WEEK2)), make_profile()) == []


def test_cancelled_event_is_ignored():
    cancelled = ev("strength", at(WEEK1, 3, "12:00"), 45, status="CANCELLED")
    assert check_calendar(calendar(*BASE, cancelled), make_profile()) == []


def test_the_same_event_confirmed_is_checked():
    confirmed = ev("strength", at(WEEK1, 3, "12:00"), 45)
    assert "R3" in rules_of(check_calendar(calendar(*BASE, confirmed), make_profile()))


# -- the profile: explicit or embedded ------------------------------------------------------

def test_profile_taken_from_x_runcal_profile():
    data = calendar(*BASE, ev("easy", at(WEEK1, 4, "07:00"), 10), profile=make_profile())
    assert found(check_calendar(data)) == ["R2: week 1 (2027-01-04) holds 5 sessions (4 runs, 1 strength); "
                                           "allowed 4 (sessions_per_week)"]


def test_explicit_profile_wins_over_the_embedded_one():
    data = calendar(*BASE, ev("easy", at(WEEK1, 4, "07:00"), 10), profile=make_profile())
    assert check_calendar(data, make_profile(runner={"sessions_per_week": 5})) == []


def test_embedded_profile_written_with_text_escapes():
    escaped = profile_json(make_profile()).replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    data = calendar(*BASE, extra=(f"X-RUNCAL-PROFILE:{escaped}",))
    assert check_calendar(data) == []


def test_no_profile_at_all_asks_for_one():
    with pytest.raises(CalendarError, match="--profile"):
        check_calendar(calendar(*BASE))


def test_unreadable_embedded_profile_asks_for_one():
    with pytest.raises(CalendarError, match="X-RUNCAL-PROFILE.*--profile"):
        check_calendar(calendar(*BASE, extra=('X-RUNCAL-PROFILE:{"name":"x"}',)))


# -- files that are not plans ---------------------------------------------------------------

@pytest.mark.parametrize("data", [
    b"this is not a calendar",
    b"",
    b"\x89PNG\r\n\x1a\n\x00\x00",
    calendar(*BASE)[:400],  # truncated mid-file
    b"BEGIN:VEVENT\r\nDTSTART:20270105T070000Z\r\nEND:VEVENT\r\n",  # an event, not a calendar
], ids=["text", "empty", "binary", "truncated", "bare-event"])
def test_garbage_raises_calendar_error(data):
    with pytest.raises(CalendarError, match="<plan>"):
        check_calendar(data, make_profile())


def test_missing_plan_start_raises_calendar_error():
    data = calendar(*BASE).replace(b"X-RUNCAL-PLAN-START:2027-01-04\r\n", b"")
    with pytest.raises(CalendarError, match="X-RUNCAL-PLAN-START: missing"):
        check_calendar(data, make_profile())


def test_missing_plan_end_raises_calendar_error():
    data = calendar(*BASE).replace(b"X-RUNCAL-PLAN-END:2027-01-17\r\n", b"")
    with pytest.raises(CalendarError, match="X-RUNCAL-PLAN-END: missing"):
        check_calendar(data, make_profile())


def test_unknown_kind_raises_calendar_error():
    data = calendar(*BASE).replace(b"X-RUNCAL-KIND:long", b"X-RUNCAL-KIND:sprint", 1)
    with pytest.raises(CalendarError, match="'sprint' is not a session kind"):
        check_calendar(data, make_profile())


def test_check_file_reads_a_file(tmp_path):
    path = tmp_path / "plan.ics"
    path.write_bytes(calendar(*BASE, ev("strength", at(WEEK1, 3, "12:00"), 45), profile=make_profile()))
    assert rules_of(check_file(path)) == ["R2", "R3", "R4"]
    assert rules_of(check_file(str(path), make_profile(runner={"sessions_per_week": 5}))) == ["R3", "R4"]


def test_check_file_missing_names_the_file(tmp_path):
    with pytest.raises(CalendarError, match="nowhere.ics: file not found"):
        check_file(tmp_path / "nowhere.ics")


# -- the report -----------------------------------------------------------------------------

def test_violation_str():
    assert str(Violation("R3", "strength too soon")) == "R3: strength too soon"


def test_format_report_lists_lines_and_a_count():
    report = format_report([Violation("R1", "a"), Violation("R3", "b"), Violation("R3", "c")])
    assert report == "R1: a\nR3: b\nR3: c\n3 violations (R1, R3)"


def test_format_report_when_clean():
    assert format_report([]) == "OK: the plan keeps every checked rule."


# -- R7 ---------------------------------------------------------------------------------------

def _with_strength(**props: str) -> bytes:
    """Week 1's Wednesday strength session with some of its properties replaced."""
    text = calendar(*BASE).decode()
    start = text.index("UID:strength-20270106T1800@test")
    end = text.index("END:VEVENT", start)
    event = text[start:end]
    for name, value in props.items():
        key = name.replace("_", "-").upper()
        lines = [line for line in event.split("\r\n") if not line.startswith(key + ":")]
        if value is not None:
            lines.insert(-1, f"{key}:{value}")
        event = "\r\n".join(lines)
    return (text[:start] + event + text[end:]).encode()


def test_r7_clean_prescription():
    assert found(check_calendar(_with_strength(), make_profile()), "R7") == []


def test_r7_strength_without_prescription():
    result = check_calendar(_with_strength(x_runcal_template=None), make_profile())
    assert found(result) == ["R7: strength 2027-01-06 18:00 names no prescription (X-RUNCAL-TEMPLATE/"
                             "X-RUNCAL-RX-PERIOD); every strength session takes one from the R7 table"]


def test_r7_hand_edited_dose_is_caught():
    result = check_calendar(_with_strength(summary="Strength A — lower body (5×5, 90% 1RM)"), make_profile())
    assert found(result) == [f'R7: strength 2027-01-06 18:00 does not hold the table\'s intermediate/strength/base '
                             f'template A (strength_level intermediate): expected "{RX.title()}"']


def test_r7_load_step_must_match_the_table():
    result = check_calendar(_with_strength(x_runcal_load_step="9"), make_profile())
    assert found(result) == [f"R7: strength 2027-01-06 18:00 states load step 9; the table's is {RX.step}"]


def test_r6_load_rises_at_most_one_step_a_week():
    peak = session_prescription("intermediate", "strength", "peak", "A", 45)
    assert peak.step - RX.step >= 2
    edited = _with_strength(x_runcal_rx_period="peak", summary=peak.title(), x_runcal_load_step=str(peak.step),
                            description=peak.description().replace("\n", "\\n").replace(",", "\\,"))
    # Week 1 at the peak's load, week 2 back at base: falling is fine, and a first session has no week before it.
    assert found(check_calendar(edited, make_profile()), "R7") == []
    # Base in week 1, then the peak's load in week 2: a rise of two or more steps in one week.
    text = calendar(*week(WEEK1), *week(WEEK2)).decode()
    w2 = text.index("UID:strength-20270113T1800@test")
    end = text.index("END:VEVENT", w2)
    event = text[w2:end].replace(f"SUMMARY:{RX.title()}", f"SUMMARY:{peak.title()}")
    event = event.replace("X-RUNCAL-RX-PERIOD:base", "X-RUNCAL-RX-PERIOD:peak")
    event = event.replace(f"X-RUNCAL-LOAD-STEP:{RX.step}", f"X-RUNCAL-LOAD-STEP:{peak.step}")
    event = event.replace(RX.description().replace("\n", "\\n").replace(",", "\\,"),
                          peak.description().replace("\n", "\\n").replace(",", "\\,"))
    result = check_calendar((text[:w2] + event + text[end:]).encode(), make_profile())
    assert found(result, "R6") == [f"R6: strength 2027-01-13 18:00 jumps to load step {peak.step} from step "
                                   f"{RX.step} in week 1; R6 allows one step a week"]
    assert found(result, "R7") == []  # the step rise is R6's (docs/RULES.md), not the table's


# -- R11 --------------------------------------------------------------------------------------

R11_RULES = {"long_ramp_min": 10, "long_ramp_pct": 10, "long_share_max": 40}


def test_r11_long_run_ramp_violation_reported():
    # long_run_minutes = 40 before the plan: week 1's long run may be 50 (+10 min beats +10 %).
    result = check_calendar(calendar(*week(WEEK1, long=51), *week(WEEK2)), make_profile(rules=R11_RULES | {"long_share_max": 60}))
    assert found(result) == ["R11: long run 2027-01-09 08:00 runs 51 min, more than 50 min: the longest long run "
                             "of the three weeks before is 40 min (+10 min or +10 %)"]


def test_r11_long_run_ramp_clean_at_the_limit():
    data = calendar(*week(WEEK1, long=50), *week(WEEK2))
    assert check_calendar(data, make_profile(rules=R11_RULES | {"long_share_max": 60})) == []


def test_r11_a_cutback_week_does_not_reset_the_long_run():
    # 50, then a 30-minute cutback long run, then 60: measured against the 50 two weeks before.
    week3 = WEEK2 + dt.timedelta(weeks=1)
    data = calendar(*week(WEEK1, long=50), *week(WEEK2, long=30), *week(week3, long=60),
                    end=week3 + dt.timedelta(days=6))
    profile = make_profile(rules=R11_RULES | {"long_share_max": 60, "ramp_pct": 20},
                           plan={"end": week3 + dt.timedelta(days=6)})
    assert found(check_calendar(data, profile), "R11") == []


def test_r11_long_run_share_violation_reported():
    result = check_calendar(calendar(*week(WEEK1, long=50), *week(WEEK2, long=50)), make_profile(rules=R11_RULES))
    assert found(result, "R11") == [
        "R11: long run 2027-01-09 08:00 runs 50 min, more than 40 % of the week's 120 min of running (long_share_max)",
        "R11: long run 2027-01-16 08:00 runs 50 min, more than 40 % of the week's 120 min of running (long_share_max)"]


def test_r11_long_run_share_clean():
    assert found(check_calendar(calendar(*BASE), make_profile(rules=R11_RULES)), "R11") == []  # 40 of 110


# -- R12 --------------------------------------------------------------------------------------

def _sunday_long_then(day2: int, clock: str) -> bytes:
    """Week 1's long run on Sunday, week 2's quality run on day `day2` of week 2 at `clock`."""
    week1 = [*week(WEEK1, long=None), ev("long", at(WEEK1, 6, "08:00"), 40)]
    week2 = [*week(WEEK2, quality=None), ev("quality", at(WEEK2, day2, clock), 40)]
    return calendar(*week1, *week2)


R12_PROFILE = {"rules": {"recovery_hours": 24}}  # R4 is met, so only R12 can break


def test_r12_hard_runs_on_consecutive_days_across_weeks_reported():
    result = check_calendar(_sunday_long_then(0, "20:00"), make_profile(**R12_PROFILE))
    assert found(result) == ["R12: quality run 2027-01-11 20:00 is the day after long run 2027-01-10 08:00; "
                             "hard runs need a day between them"]


def test_r12_hard_runs_a_day_apart_clean():
    assert check_calendar(_sunday_long_then(1, "07:00"), make_profile(**R12_PROFILE)) == []


def _long_runs_apart(days: int) -> bytes:
    """Week 1's long run on Saturday, week 2's `days` later (week 2's quality run left out)."""
    long2 = WEEK1 + dt.timedelta(days=5 + days)
    return calendar(*week(WEEK1), *week(WEEK2, quality=None, long=None), ev("long", f"{long2} 08:00", 40))


def test_r12_long_runs_closer_than_five_days_reported():
    result = check_calendar(_long_runs_apart(4), make_profile())
    assert found(result, "R12") == ["R12: long run 2027-01-13 08:00 starts 4 days after long run 2027-01-09 08:00; "
                                    "two long runs (or a long run and a race) start at least 5 calendar days apart"]


def test_r12_long_runs_five_days_apart_clean():
    assert found(check_calendar(_long_runs_apart(5), make_profile()), "R12") == []


# -- R13 --------------------------------------------------------------------------------------

def test_r13_strength_the_evening_before_a_quality_run_reported():
    result = check_calendar(calendar(*BASE), make_profile(rules={"strength_before_key_hours": 24}))
    assert found(result) == [
        "R13: quality run 2027-01-07 07:00 starts 12 h 15 min after strength ending 2027-01-06 18:45; needs 24 h "
        "from strength to a key run (strength_before_key_hours)",
        "R13: quality run 2027-01-14 07:00 starts 12 h 15 min after strength ending 2027-01-13 18:45; needs 24 h "
        "from strength to a key run (strength_before_key_hours)"]


def test_r13_strength_after_the_quality_run_the_same_day_clean():
    # The pattern R13 aims for: quality at 07:00, strength at 18:00 (R3's 8 h), long run two days later.
    moved = calendar(*BASE).replace(b"20270106T18", b"20270107T18").replace(b"20270113T18", b"20270114T18")
    assert check_calendar(moved, make_profile(rules={"strength_before_key_hours": 24})) == []


def test_r13_under_eight_hours_is_reported_once_as_r3():
    wide = {d: ["00:00-24:00"] for d in WEEKDAYS}
    result = check_calendar(_strength_thursday("05:00"), make_profile(availability=wide,
                                                                      rules={"strength_before_key_hours": 24}))
    assert [v for v in found(result) if "2027-01-07" in v] == [
        "R3: quality run 2027-01-07 07:00 starts 1 h 15 min after strength ending 05:45; needs 8 h"]


# -- run lengths --------------------------------------------------------------------------------

def test_durations_easy_run_below_easy_min_reported():
    result = check_calendar(calendar(*BASE), make_profile(durations={"easy_min": 35}))
    assert found(result) == [
        "durations: easy run 2027-01-05 07:00 lasts 30 min; durations allow 35–70 min for an easy run",
        "durations: easy run 2027-01-12 07:00 lasts 30 min; durations allow 35–70 min for an easy run"]


def test_durations_run_walk_may_be_shorter_than_easy_min():
    walk = calendar(*BASE).replace(b"X-RUNCAL-KIND:easy\r\n", b"X-RUNCAL-KIND:easy\r\nX-RUNCAL-RUN-WALK:1\r\n")
    assert check_calendar(walk, make_profile(durations={"easy_min": 35})) == []


def test_r7_strength_slot_shorter_than_its_prescription_reported():
    short = calendar(*BASE).replace(b"20270106T184500", b"20270106T183000")  # 30 of the 37 minutes
    result = check_calendar(short, make_profile())
    assert f"R7: strength 2027-01-06 18:00 lasts 30 min; its prescription takes {RX.minutes} min (warm-up, every set " \
           "and rest)" in found(result)


# -- R8 amended -----------------------------------------------------------------------------------

def test_r8_race_week_with_more_runs_than_the_week_before_reported():
    extra = ev("easy", at(WEEK2, 4, "07:00"), 20)
    result = check_calendar(calendar(*week(WEEK1, quality=None), ev("easy", at(WEEK2, 1, "07:00"), 30),
                                     ev("easy", at(WEEK2, 3, "07:00"), 30), extra, ev("race", at(WEEK2, 6, "10:00"), 60)),
                            make_profile(races=(race(RACE_DAY),)))
    assert found(result, "R8") == ["R8: week 2 (2027-01-11) holds 3 runs, more than the 2 of the week before (a taper "
                                   "or race week)"]


def test_r8_race_week_run_longer_than_the_easy_run_before_reported():
    data = _race_week_plan().replace(b"DTEND;TZID=Europe/London:20270112T073000",
                                     b"DTEND;TZID=Europe/London:20270112T074000")
    assert found(check_calendar(data, make_profile(races=(race(RACE_DAY),))), "R8") == [
        "R8: easy run 2027-01-12 07:00 (40 min) in a race week is longer than the longest easy run of the week before "
        "(30 min)"]


def test_r8_quality_run_two_days_after_a_race_reported():
    week3 = WEEK2 + dt.timedelta(weeks=1)
    data = calendar(*week(WEEK1), ev("easy", at(WEEK2, 1, "07:00"), 30), ev("easy", at(WEEK2, 3, "07:00"), 30),
                    ev("race", at(WEEK2, 6, "10:00"), 60), ev("quality", at(week3, 1, "07:00"), 40),
                    ev("strength", at(week3, 3, "18:00"), 45), end=week3 + dt.timedelta(days=6))
    profile = make_profile(races=(race(RACE_DAY),), plan={"end": week3 + dt.timedelta(days=6)})
    assert found(check_calendar(data, profile), "R8") == [
        "R8: quality run 2027-01-19 07:00 is 2 days after Test Race; no quality run in the 2 days after a race"]


# -- weeks judged by what was known when they began ---------------------------------------------

def _late_miss(reported: str) -> tuple[bytes, object]:
    """Week 2 holds an extra 10-minute easy run, cancelled as missed and reported on `reported`;
    week 3 runs 125 min: within 10 % of week 2 as planned (120), not of week 2 as run (110)."""
    week3 = WEEK2 + dt.timedelta(weeks=1)
    extra = ev("easy", at(WEEK2, 4, "07:00"), 10, status="CANCELLED").replace(
        "STATUS:CANCELLED", f"STATUS:CANCELLED\r\nX-RUNCAL-MISSED:{reported}")
    data = calendar(*BASE, extra, *week(week3, long=55), end=week3 + dt.timedelta(days=6))
    return data, make_profile(runner={"sessions_per_week": 5}, plan={"end": week3 + dt.timedelta(days=6)})


def test_r6_a_miss_reported_after_the_next_week_began_does_not_make_it_wrong():
    data, profile = _late_miss("2027-01-19")  # reported on Tuesday of week 3, which had begun
    assert check_calendar(data, profile) == []


def test_r6_a_miss_known_before_the_next_week_holds_it_to_what_was_run():
    data, profile = _late_miss("2027-01-17")
    assert found(check_calendar(data, profile), "R6") == [
        "R6: week 3 (2027-01-18) runs 125 min, more than 10 % over week 2's 110 min (max 121)"]


# -- R9 ---------------------------------------------------------------------------------------

INJURED_FROM_WEEK2 = ("X-RUNCAL-INJURY:2027-01-11/",)  # reported for Monday of week 2, not cleared yet


def test_r9_training_in_an_injury_pause_reported():
    result = check_calendar(calendar(*week(WEEK1), ev("easy", at(WEEK2, 1, "07:00"), 30), extra=INJURED_FROM_WEEK2),
                            make_profile())
    assert found(result) == ["R9: easy run 2027-01-12 07:00 falls in an injury pause; only a physiotherapist's "
                             "rehab programme until cleared"]


def test_r9_rehab_in_an_injury_pause_clean():
    rehab = ev("rehab", at(WEEK2, 1, "18:00"), 30, categories="Strength")
    assert check_calendar(calendar(*week(WEEK1), rehab, extra=INJURED_FROM_WEEK2), make_profile()) == []


def _taper_strength(period: str) -> bytes:
    """Week 1 a taper week before an A race on week 2's Sunday; its strength at `period`'s load."""
    rx = session_prescription("intermediate", "strength", period, "A", 45)
    text = _race_week_plan().decode()
    start = text.index("UID:strength-20270106T1800@test")
    end = text.index("END:VEVENT", start)
    event = text[start:end].replace(f"SUMMARY:{RX.title()}", f"SUMMARY:{rx.title()}")
    event = event.replace("X-RUNCAL-RX-PERIOD:base", f"X-RUNCAL-RX-PERIOD:{period}")
    event = event.replace(f"X-RUNCAL-LOAD-STEP:{RX.step}", f"X-RUNCAL-LOAD-STEP:{rx.step}")
    event = event.replace(RX.description().replace("\n", "\\n").replace(",", "\\,"),
                          rx.description().replace("\n", "\\n").replace(",", "\\,"))
    return (text[:start] + event + text[end:]).encode()


TAPER_PROFILE = {"races": (race(RACE_DAY, priority="A"),), "rules": {"taper_weeks": 1, "taper_pct": [80]}}


def test_r8_taper_strength_at_the_peaks_load_reported():
    peak = session_prescription("intermediate", "strength", "peak", "A", 45)
    result = check_calendar(_taper_strength("peak"), make_profile(**TAPER_PROFILE))
    assert f"R8: strength 2027-01-06 18:00 is in a taper week at the peak's load step {peak.step}; R8 asks for " \
           "maintenance" in found(result, "R8")
    assert found(result, "R7") == []  # the cell is the table's own: only its place in the taper is wrong


def test_r8_taper_strength_below_the_peaks_load_clean():
    result = check_calendar(_taper_strength("taper"), make_profile(**TAPER_PROFILE))
    assert not [v for v in found(result) if "maintenance" in v] and found(result, "R7") == []
