"""Issue 6: when no plan exists, say which rules collide and the smallest change that helps.

One infeasible profile per hard rule family (R1, R2, R3, R4, R5, R8, R10, R12, R13, busy time). For each:
the error names the rule, `minimal_conflict` holds a group of it, and the first relaxation the
message suggests, written into the profile's TOML, gives a plan the independent checker accepts.
Then the reported conflict is checked to be minimal, and the CLI's "no plan" path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from dataclasses import dataclass

import icalendar
import pytest
from click.testing import CliRunner
from conftest import BASE_PROFILE, EVERY_DAY, STAMP, plan_checked, profile_text
from ortools.sat.python import cp_model

import solver.decompose
import solver.solve
from cli import main
from solver.busy import BusyEvent
from solver.check import check_calendar
from solver.errors import NoPlanError
from solver.explain import RULE_OF, minimal_conflict
from solver.ics import plan_to_ical
from solver.model import build_instance, build_model
from solver.periodization import week_targets
from solver.profile import parse_profile
from solver.solve import make_plan

NOW = "2026-11-27T08:00:00Z"
UTC = dt.timezone.utc  # Europe/London is on UTC in January


def base(sessions: int = 4, end: str = "2027-01-17", level: str = "intermediate") -> str:
    """BASE_PROFILE (plan from Monday 2027-01-04), shortened to `end` (two weeks by default)."""
    text = (BASE_PROFILE.replace("sessions_per_week = 4", f"sessions_per_week = {sessions}")
            .replace("end = 2027-01-31", f"end = {end}")
            .replace('level = "intermediate"', f'level = "{level}"'))
    assert f"sessions_per_week = {sessions}" in text and f"end = {end}" in text and f'"{level}"' in text
    return text


# Week 2 (Mon 11 … Sat 16 January): every window of the profile below is taken by a work trip.
BUSY_WEEK_2 = tuple(
    BusyEvent(dt.datetime(2027, 1, day, 6, 30, tzinfo=UTC), dt.datetime(2027, 1, day, 22, 0, tzinfo=UTC),
              "Work trip", "work.ics")
    for day in (11, 13, 15, 16))


EVENINGS = """
[availability]
mon = ["18:00-20:00"]
tue = ["18:00-20:00"]
wed = ["18:00-20:00"]
thu = ["18:00-20:00"]
fri = ["18:00-20:00"]
sat = ["18:00-20:00"]
sun = ["18:00-20:00"]
"""

# One window a day, never more than two training days in a row (R10): rest days fall every third
# day, so with five sessions a week the weeks hold 5, 5, then 4 training days.
ONE_A_DAY_TWO_IN_A_ROW = EVENINGS + """
[rules]
max_consecutive_days = 2
strength_min = 2
strength_intro_weeks = 0
"""


@dataclass(frozen=True)
class Case:
    text: str
    group: str  # the model's group (rule) the minimal conflict must hold
    named: tuple[str, ...]  # what the message must say
    first_fix: str  # the first relaxation the message must suggest
    busy: tuple[BusyEvent, ...] = ()


CASES: dict[str, Case] = {
    # Two strength sessions a week (strength_min = 2) but only a Saturday and a short Sunday
    # morning: two strength sessions can never be 24 h apart (R4), one can (R1 is the lever).
    "R1": Case(profile_text(base(3), """
        [availability]
        sat = ["07:00-09:00", "18:00-21:00"]
        sun = ["07:00-08:15"]

        [rules]
        strength_min = 2
        strength_max = 2
        recovery_hours = 24
        """), "R1", ("R1",), "lower rules.strength_min to 1"),
    # Four sessions on three days whose two windows are 8 h apart only for a run of at most 35
    # minutes (06:00-06:35, then strength 14:35-15:20, or the other way): the periodization sees
    # room for a run and strength on such a day (R2 is an upper bound: it plans no more runs than
    # the days can take), but this runner's runs are 50-70 minutes, so the three runs and the
    # strength session cannot all be placed.
    "R2": Case(profile_text(base(4).replace("weekly_minutes = 120", "weekly_minutes = 150"), """
        [availability]
        mon = ["06:00-08:00", "14:35-15:20"]
        wed = ["06:00-08:00", "14:35-15:20"]
        fri = ["06:00-08:00", "14:35-15:20"]
        """), "runs", ("R2", "sessions_per_week"), "lower sessions_per_week to 3"),
    # The same on Tuesday, Thursday and Saturday: R3 is the rule the days cannot keep.
    "R3": Case(profile_text(base(4).replace("weekly_minutes = 120", "weekly_minutes = 150"), """
        [availability]
        tue = ["06:00-08:00", "14:35-15:20"]
        thu = ["06:00-08:00", "14:35-15:20"]
        sat = ["06:00-08:00", "14:35-15:20"]
        """), "R3", ("R3",), "lower sessions_per_week to 3"),
    # Long and quality runs (advanced, 3 runs) must go on Fri/Sat/Sun in one-hour morning windows
    # (Tuesday's 20 minutes fit only strength): never 48 h apart, always 24 h.
    "R4": Case(profile_text(base(4, level="advanced"), """
        [availability]
        tue = ["18:00-18:20"]
        fri = ["07:00-08:00"]
        sat = ["07:00-08:00"]
        sun = ["07:00-08:00"]

        [durations]
        strength = 20

        [rules]
        recovery_hours = 48
        strength_max = 1
        """), "R4", ("R4",), "lower rules.recovery_hours to 24"),
    # Five sessions, three rest days: four training days, of which only Tuesday has two windows,
    # 8 h apart for a run of at most 35 minutes; the runs are 50-85 minutes, so the four days hold
    # four sessions (R5 is the lever: a fifth day).
    "R5": Case(profile_text(base(5).replace("weekly_minutes = 120", "weekly_minutes = 220"), """
        [availability]
        mon = ["18:00-20:00"]
        tue = ["06:00-08:00", "14:35-15:20"]
        wed = ["18:00-20:00"]
        thu = ["18:00-20:00"]
        fri = ["18:00-20:00"]
        sat = ["18:00-20:00"]
        sun = ["18:00-20:00"]

        [rules]
        rest_days_min = 3
        strength_intro_weeks = 0
        """), "R5", ("R5",), "lower rules.rest_days_min to 2"),
    # An A race on Monday 18 January with a one-week taper: the seven strength-free days before
    # it are the whole taper week, which R1 (maintenance) needs one strength session in.
    "R8": Case(profile_text(base(4, end="2027-01-18"), """
        [[race]]
        name = "Monday 5k"
        date = 2027-01-18
        distance = "5k"

        [availability]
        mon = ["18:00-21:00"]
        wed = ["18:00-21:00"]
        fri = ["18:00-21:00"]
        sat = ["07:00-10:00"]

        [rules]
        taper_weeks = 1
        race_strength_free_days = 7
        """), "R8", ("R8",), "lower rules.race_strength_free_days to 6"),
    # Five sessions a week (three runs, two strength), one a day, never more than two days in a
    # row: a rest day every third day leaves 5, 5, then 4 training days, every three weeks — too
    # many weeks short of a session for a thinner plan (solve._crowded_locally; three weeks plan).
    "R10": Case(profile_text(base(5, end="2027-02-14"), ONE_A_DAY_TWO_IN_A_ROW), "R10", ("R10",),
                "raise rules.max_consecutive_days to 3"),
    # Advanced (a quality run beside the long run): only Saturday and Sunday have windows a quality
    # run fits (Thursday's and Friday's 45 minutes hold an easy run or strength), so the long and
    # the quality run fall on consecutive days. R4 is met (Saturday morning to Sunday evening is
    # over 24 h); R12 says no.
    "R12": Case(profile_text(base(4, level="advanced").replace("weekly_minutes = 120", "weekly_minutes = 150"), """
        [availability]
        thu = ["18:00-18:45"]
        fri = ["18:00-18:45"]
        sat = ["06:00-08:30"]
        sun = ["18:00-21:00"]

        [durations]
        strength = 30
        quality = 50
        easy_max = 45
        """), "R12", ("R12",), "lower sessions_per_week to 3"),
    # A 65-minute strength session fits only Saturday evening (Wednesday's hour holds the easy run)
    # and the long run only Sunday morning: strength would end 12-14 h before the long run (R13).
    "R13": Case(profile_text(base(3).replace("weekly_minutes = 120", "weekly_minutes = 100\nlong_run_minutes = 70"), """
        [availability]
        wed = ["07:00-08:00"]
        sat = ["18:00-19:05"]
        sun = ["07:00-10:00"]

        [durations]
        strength = 65
        easy_max = 60
        """), "R13", ("R13",), "lower rules.strength_before_key_hours to 12"),
    # The busy calendar takes every window of week 2: runs may be left out there, but R1's one
    # strength session may not.
    "busy": Case(profile_text(base(4), """
        [availability]
        mon = ["18:00-21:00"]
        wed = ["18:00-21:00"]
        fri = ["18:00-21:00"]
        sat = ["07:00-10:00"]
        """), "busy", ("R1", "busy calendar"), "add a window on tue 18:00-21:00", BUSY_WEEK_2),
}
FAMILIES = sorted(CASES)


@functools.cache
def no_plan(family: str) -> NoPlanError:
    case = CASES[family]
    with pytest.raises(NoPlanError) as caught:
        make_plan(parse_profile(case.text, f"{family}.toml"), case.busy, time_limit=60)
    return caught.value


@functools.cache
def conflict(family: str) -> tuple[tuple[str, int], ...]:
    case = CASES[family]
    return tuple(minimal_conflict(parse_profile(case.text, f"{family}.toml"), case.busy))


# --- the advice, applied to the TOML text --------------------------------------------------------

def first_fix(message: str) -> str:
    """The first relaxation of "… Fix: A, or B, or C." (a window advice may list several days)."""
    assert message.count(" Fix: ") == 1, message
    fixes = message.split(" Fix: ")[1]
    assert fixes.endswith("."), message
    return fixes.removesuffix(".").split(", or ")[0]


def _set_key(text: str, section: str, key: str, value: str) -> str:
    lines = text.splitlines()
    if f"[{section}]" not in lines:
        return f"{text}\n[{section}]\n{key} = {value}\n"
    head = lines.index(f"[{section}]")
    stop = next((i for i in range(head + 1, len(lines)) if lines[i].startswith("[")), len(lines))
    for i in range(head + 1, stop):
        if re.match(rf"{key}\s*=", lines[i]):
            lines[i] = f"{key} = {value}"
            break
    else:
        lines.insert(head + 1, f"{key} = {value}")
    return "\n".join(lines) + "\n"


def _add_window(text: str, day: str, window: str) -> str:
    line = re.search(rf"^{day} = \[(.*)\]$", text, re.M)
    if line:
        return text[:line.start()] + f'{day} = [{line[1]}, "{window}"]' + text[line.end():]
    return _set_key(text, "availability", day, f'["{window}"]')


def apply_fix(text: str, fix: str) -> str:
    """Write one relaxation, as the message words it, into the profile's TOML."""
    before = parse_profile(text, "before.toml")
    if m := re.fullmatch(r"(?:lower|raise|set) rules\.(\w+) to (\d+)", fix):
        new = _set_key(text, "rules", m[1], m[2])
        assert getattr(parse_profile(new, "after.toml").rules, m[1]) == int(m[2]) != getattr(before.rules, m[1])
    elif m := re.fullmatch(r"lower sessions_per_week to (\d+)", fix):
        new = _set_key(text, "runner", "sessions_per_week", m[1])
        assert parse_profile(new, "after.toml").sessions_per_week == int(m[1]) < before.sessions_per_week
    elif m := re.match(r"add a window on (mon|tue|wed|thu|fri|sat|sun) (\d\d:\d\d-\d\d:\d\d)\b", fix):
        new = _add_window(text, m[1], m[2])
        added = len(parse_profile(new, "after.toml").availability[m[1]])
        assert added == len(before.availability.get(m[1], ())) + 1
    else:
        raise AssertionError(f"advice the test cannot apply: {fix!r}")
    return new


def plan_checked_busy(text: str, busy: tuple[BusyEvent, ...]) -> None:
    if not busy:
        plan_checked(text)
        return
    profile = parse_profile(text, "fixed.toml")
    plan = make_plan(profile, busy, time_limit=60)
    violations = check_calendar(plan_to_ical(plan, STAMP), profile, "fixed.toml", busy)
    assert violations == [], "\n".join(map(str, violations))


def busy_ics(path, events: tuple[BusyEvent, ...]) -> None:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//runcal tests//busy//EN")
    cal.add("version", "2.0")
    for i, b in enumerate(events):
        event = icalendar.Event()
        event.add("uid", f"busy-{i}@runcal-tests")
        event.add("dtstamp", STAMP)
        event.add("dtstart", b.start)
        event.add("dtend", b.end)
        event.add("summary", b.summary)
        cal.add_component(event)
    path.write_bytes(cal.to_ical())


# --- one infeasible profile per rule family ------------------------------------------------------

@pytest.mark.parametrize("family", FAMILIES)
def test_no_plan_message_names_the_rule(family):
    case, error = CASES[family], no_plan(family)
    message = str(error)
    assert message.startswith("No plan: "), message
    assert "\n" not in message
    for words in case.named:
        assert words in message, f"{words!r} missing from: {message}"
    if case.group.startswith("R"):
        assert re.search(rf"\b{case.group} needs|\b{case.group} allows|\b{case.group} keeps", message), message
    # The message speaks of the week where the conflict starts, and the error carries its rules.
    core = conflict(family)
    assert f"week{'s' if len({w for _, w in core}) > 1 else ''} {min(w for _, w in core)}" in message, message
    assert set(error.rules) == {RULE_OF.get(rule, rule) for rule, _ in core}


def test_r2_family_message_quotes_sessions_per_week():
    message = str(no_plan("R2"))
    assert "you asked for 4 sessions a week (sessions_per_week; R2: strength replaces runs), 3 of them runs" in message, message


# Days that hold fewer sessions than sessions_per_week asks (R2 is an upper bound): the plan has as
# many as they hold and says so. Each was a "no plan" before (issue 15's harness: refused, though a
# plan with fewer sessions keeps every rule).
ROOM = {
    # Three one-hour evening windows: a day holds one session (R3's 8 h): 3, not 4.
    "one session a day": (profile_text(base(4), """
        [availability]
        mon = ["18:00-19:00"]
        wed = ["18:00-19:00"]
        fri = ["18:00-19:00"]
        """), 3),
    # A two-hour window every day, three rest days (R5): 4 training days, one session each: 4, not 5.
    "rest days": (profile_text(base(5), EVENINGS, """
        [rules]
        rest_days_min = 3
        """), 4),
}


@pytest.mark.parametrize("name", sorted(ROOM))
def test_days_with_room_for_fewer_sessions_plan_as_many_and_say_so(name, tmp_path):
    text, room = ROOM[name]
    plan, _ = plan_checked(text)
    per_week = {w.index: sum(1 for s in plan.sessions if s.week == w.index) for w in plan.weeks}
    assert max(per_week.values()) == room, per_week
    assert any(s.kind.is_strength for s in plan.sessions) and any(s.kind.is_run for s in plan.sessions)
    profile = tmp_path / "room.toml"
    profile.write_text(text)
    result = CliRunner().invoke(main, ["plan", str(profile), "-o", str(tmp_path / "plan.ics"), "--now", NOW])
    assert result.exit_code == 0, result.output
    note = next(line for line in result.output.splitlines() if "sessions a week, not the" in line)
    assert note.startswith(f"Note: your availability holds at most {room} sessions a week, not the "
                           f"{parse_profile(text, 'room.toml').sessions_per_week} of sessions_per_week"), note
    assert f"lower sessions_per_week to {room}" in note


@pytest.mark.parametrize("family", FAMILIES)
def test_minimal_conflict_holds_the_rule(family):
    core = conflict(family)
    assert core, "no conflict found for an infeasible profile"
    assert CASES[family].group in {rule for rule, _ in core}, core
    assert len(set(core)) == len(core) and list(core) == sorted(core)


@pytest.mark.parametrize("family", FAMILIES)
def test_first_suggested_relaxation_gives_a_checked_plan(family):
    case = CASES[family]
    fix = first_fix(str(no_plan(family)))
    assert fix.startswith(case.first_fix), f"first fix is {fix!r}"
    plan_checked_busy(apply_fix(case.text, fix), case.busy)


@pytest.mark.parametrize("family", ["R2", "R8", "busy"])
def test_cli_no_plan_is_one_line_exit_1_and_no_file(family, tmp_path):
    case = CASES[family]
    profile = tmp_path / f"{family}.toml"
    profile.write_text(case.text)
    out = tmp_path / "plan.ics"
    args = ["plan", str(profile), "-o", str(out), "--now", NOW]
    if case.busy:
        busy_ics(tmp_path / "work.ics", case.busy)
        args += ["--busy", str(tmp_path / "work.ics")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: No plan: "), result.output
    assert lines[0] == f"Error: {no_plan(family)}"  # the .ics gives the same busy time as the events
    assert not out.exists()
    assert not [p.name for p in tmp_path.iterdir() if p.name not in (profile.name, "work.ics")]  # no temp file left


# --- minimality ----------------------------------------------------------------------------------

@pytest.mark.parametrize("family", ["R3", "R5", "R10", "busy"])
def test_reported_conflict_is_minimal(family):
    case = CASES[family]
    profile = parse_profile(case.text, f"{family}.toml")
    core = list(conflict(family))
    model, v = build_model(build_instance(profile, week_targets(profile), case.busy), explain=True)
    model.clear_objective()
    assert set(core) <= set(v.groups)

    def status(assumed: list[tuple[str, int]]) -> int:
        model.clear_assumptions()
        model.add_assumptions([v.groups[g] for g in assumed])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 20
        return solver.solve(model)

    assert status(core) == cp_model.INFEASIBLE
    assert status(sorted(v.groups)) == cp_model.INFEASIBLE
    for dropped in core:
        rest = [g for g in core if g != dropped]
        assert status(rest) in (cp_model.OPTIMAL, cp_model.FEASIBLE), f"{dropped} is not needed in {core}"


# --- precheck ------------------------------------------------------------------------------------

RACE = """
[[race]]
name = "Winter 10k"
date = {date}
distance = "10k"
"""


@pytest.mark.parametrize("date, words, fix", [
    ("2027-01-16", "R8 needs 2 taper week(s) before Winter 10k on 2027-01-16, but the race is in plan week 2",
     "Fix: start the plan on 2026-12-28 or earlier (plan.start), or set rules.taper_weeks to 1."),
    ("2027-01-07", "Winter 10k on 2027-01-07 falls in the plan's first week; R6 and R8",
     "Fix: start the plan earlier (plan.start)."),
])
def test_a_race_inside_the_taper_fails_fast_with_r8(date, words, fix, monkeypatch):
    # The precheck answers before the plan's own model and conflict search; the fixes it offers
    # are each planned first (explain._feasible), so only those models are built.
    text = profile_text(BASE_PROFILE, RACE.format(date=date), EVERY_DAY)

    def no_solver(*args, **kwargs):
        raise AssertionError("the precheck should stop before the plan is solved or explained")

    monkeypatch.setattr(solver.decompose, "build_model", no_solver)
    monkeypatch.setattr(solver.solve, "explain", no_solver)
    with pytest.raises(NoPlanError) as caught:
        make_plan(parse_profile(text, "race.toml"))
    message = str(caught.value)
    assert message.startswith("No plan: ") and words in message, message
    assert caught.value.rules == ("R8",)
    assert message.endswith(fix), message


def test_precheck_fix_taper_weeks_gives_a_checked_plan():
    text = profile_text(BASE_PROFILE, RACE.format(date="2027-01-16"), EVERY_DAY)
    with pytest.raises(NoPlanError) as caught:
        make_plan(parse_profile(text, "race.toml"))
    fix = str(caught.value).split(" or ")[-1].removesuffix(".")
    assert fix == "set rules.taper_weeks to 1"
    plan, _ = plan_checked(apply_fix(text, fix))
    assert any(s.race is not None for s in plan.sessions)


def test_r6_and_r9_phrases_name_the_rule_and_the_weeks_numbers():
    # A profile cannot make R6 or R9 collide in `runcal plan`: periodization asks for no more
    # running than R6 allows, and injuries come in through `runcal injury` (solver/rules.py). Their
    # phrases still say the rule and the week's own numbers when a core holds them.
    from solver.explain import PHRASES

    profile = parse_profile(profile_text(base(), EVERY_DAY), "test.toml")
    week = dataclasses.replace(week_targets(profile)[0], rehab=2)
    assert PHRASES["R6"](profile, week) == f"R6 caps the week's running at {week.volume_cap} min"
    assert PHRASES["R9"](profile, week) == ("R9 allows only the physiotherapist's rehab (2 sessions a week) from an "
                                            "injury until it is cleared")
