"""Issue 15, re-plans: holes the random-profile harness found in solver/replan.py, one test per class.

Each plan and re-plan goes through the independent checker; each test fails without its fix.
"""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from click.testing import CliRunner
from conftest import BASE_PROFILE, EVERY_DAY, STAMP, plan_checked, profile_text

from cli import main
from solver.check import check_calendar
from solver.domain import Kind
from solver.errors import InputError
from solver.profile import parse_profile
from solver.replan import replan

LATER = STAMP + dt.timedelta(days=30)

RACE = profile_text(BASE_PROFILE.replace("end = 2027-01-31", "end = 2027-02-21"), EVERY_DAY, """
[[race]]
name = "Winter 10K"
date = 2027-02-14
distance = "10k"
priority = "B"
""")


def _events(data: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def _checked(result_data: bytes, text: str) -> None:
    violations = check_calendar(result_data, parse_profile(text, "p.toml"), "replanned.ics")
    assert not violations, "\n".join(map(str, violations))


# -- a race the runner did not start -----------------------------------------------------------

def test_a_race_named_missed_is_recorded_as_not_started_and_the_plan_still_checks():
    plan, data = plan_checked(RACE, "p.toml")
    race = next(s for s in plan.sessions if s.kind is Kind.RACE)
    result = replan(data, "plan.ics", dt.date(2027, 2, 15), missed=[f"{race.start.date()}:race"], stamp=LATER)
    event = next(e for e in _events(result.data).values() if str(e.get("X-RUNCAL-KIND")) == "race")
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["X-RUNCAL-MISSED"]) == "2027-02-15"
    assert str(event["X-RUNCAL-DROPPED"]).startswith("R8: you did not start Winter 10K")
    assert any("Winter 10K" in str(why) for _, why in result.dropped)
    _checked(result.data, RACE)
    # Later re-plans keep it not started (it is no fixed session any more) and still check clean.
    again = replan(result.data, "plan.ics", dt.date(2027, 2, 17), stamp=LATER)
    assert not again.moved and not again.dropped and not again.resized
    _checked(again.data, RACE)


def test_the_checker_still_wants_a_race_that_was_neither_run_nor_recorded_missed():
    _, data = plan_checked(RACE, "p.toml")
    cal = icalendar.Calendar.from_ical(data)
    event = next(e for e in cal.walk("VEVENT") if str(e.get("X-RUNCAL-KIND")) == "race")
    event["STATUS"] = "CANCELLED"  # cancelled by hand, not reported missed
    found = check_calendar(cal.to_ical(), parse_profile(RACE, "p.toml"))
    assert [v.rule for v in found] == ["R8"] and "no race event that day" in found[0].message


def test_a_race_still_ahead_cannot_be_missed_and_the_error_says_what_to_do(tmp_path):
    _, data = plan_checked(RACE, "p.toml")
    with pytest.raises(InputError, match="still ahead: a race you will not run is not missed"):
        replan(data, "plan.ics", dt.date(2027, 2, 10), missed=["2027-02-14:race"], stamp=LATER)
    path = tmp_path / "plan.ics"
    path.write_bytes(data)
    result = CliRunner().invoke(main, ["replan", str(path), "--today", "2027-02-10", "--missed", "2027-02-14:race"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "[[race]]" in result.output
    assert path.read_bytes() == data


# -- a session missed ahead of time ------------------------------------------------------------

@pytest.mark.parametrize("kind", [Kind.STRENGTH, Kind.EASY])
def test_a_session_missed_ahead_of_time_moves_only_to_a_later_day_of_its_week(kind):
    """README: "A missed session may move to a later day of its own week if the rules allow". With
    every day open, the smallest shift was the same day, a few minutes later."""
    text = profile_text(BASE_PROFILE, EVERY_DAY)
    plan, data = plan_checked(text, "p.toml")
    target = next(s for s in plan.sessions if s.week == 2 and s.kind is kind)
    today = max(plan.weeks[1].monday, target.start.date() - dt.timedelta(days=1))
    result = replan(data, "plan.ics", today, missed=[f"{target.start.date()}:{kind.value}"], stamp=LATER)
    _checked(result.data, text)
    monday, sunday = plan.weeks[1].monday, plan.weeks[1].monday + dt.timedelta(days=6)
    assert not any("the day after" in why.words for _, _, why in result.moved)
    for label, to, _ in result.moved:
        if label.startswith(kind.label) and label.split()[-2] == str(target.start.date()):
            day = dt.date.fromisoformat(to.split()[0])
            assert target.start.date() < day <= sunday and day >= monday, f"{label} → {to}"
            break
    else:
        assert any(label.split()[-2] == str(target.start.date()) for label, _ in result.dropped), result.diff()


# -- nothing missed: nothing changes -----------------------------------------------------------

# Two sessions a week, one of them a 140-minute run, for a runner at 353 min a week: week 1 holds
# 20 % less than weekly_minutes as planned (no cutback); re-derived "from what was run" it was read
# as an unplanned cutback and the next cutback moved a week.
SHORT_WEEKS = """
[runner]
name = "Two a week"
timezone = "Australia/Adelaide"
level = "advanced"
sessions_per_week = 2
weekly_minutes = 353
long_run_day = "fri"

[plan]
start = 2027-05-24
end = 2027-06-27

[rules]
cutback_every = 4
strength_intro_weeks = 0

[availability]
tue = ["06:00-08:00", "18:00-21:30"]
wed = ["06:00-08:00", "18:00-21:30"]
fri = ["06:00-08:00", "18:00-21:30"]
sat = ["07:00-13:00"]
"""


@pytest.mark.parametrize("today", ["2027-06-10", "2027-06-16"])
def test_a_replan_with_nothing_missed_changes_nothing(today):
    plan, data = plan_checked(SHORT_WEEKS, "p.toml")
    result = replan(data, "plan.ics", dt.date.fromisoformat(today), stamp=LATER)
    assert (result.moved, result.resized, result.dropped) == ([], [], []), result.diff()
    assert result.data == data  # not a byte changed: no SEQUENCE bump either
    _checked(result.data, SHORT_WEEKS)


# A run/walk beginner with a cutback every other week (the harness's seed 11, without its busy
# calendar): after a late-reported miss the first re-plan re-derives the weeks after it; a second
# re-plan, with two more weeks over as the first one placed them, re-derived again and resized.
RUN_WALK = """
[runner]
name = "Run walk"
timezone = "Australia/Adelaide"
level = "beginner"
sessions_per_week = 7
weekly_minutes = 90
long_run_minutes = 67
run_walk = true

[plan]
start = 2027-08-30
end = 2027-11-06

[rules]
cutback_every = 2

[availability]
mon = ["19:00-24:00"]
tue = ["19:00-22:00"]
wed = ["19:00-24:00"]
thu = ["19:00-24:00"]
fri = ["19:00-24:00"]
sat = ["19:00-24:00"]
sun = ["19:00-24:00"]
"""


def test_a_replan_of_a_replan_with_nothing_new_missed_changes_nothing():
    plan, data = plan_checked(RUN_WALK, "p.toml")
    target = [s for s in plan.sessions if s.week == 7 and s.kind is Kind.EASY][-1]
    first = replan(data, "plan.ics", target.start.date() + dt.timedelta(days=10),
                   missed=[f"{target.start.date()}:easy"], stamp=LATER)
    assert first.resized or first.dropped, "the late miss re-derives the weeks after it"
    _checked(first.data, RUN_WALK)
    again = replan(first.data, "plan.ics", target.start.date() + dt.timedelta(days=21), stamp=LATER)
    assert (again.moved, again.resized, again.dropped) == ([], [], []), again.diff()
    _checked(again.data, RUN_WALK)


# -- a missed stretch, re-planned again ----------------------------------------------------------

@pytest.mark.parametrize("text", [RUN_WALK, profile_text(BASE_PROFILE.replace("end = 2027-01-31", "end = 2027-02-28"),
                                                         EVERY_DAY)], ids=["run-walk", "every-day"])
def test_a_missed_stretch_is_remembered_by_later_replans(text):
    """The stretch is recorded (X-RUNCAL-MISSED-RANGE: FROM/TO/REPORTED): a later re-plan keeps its
    days free and re-derives the same weeks from what was run, so with nothing new it changes nothing.
    Without the record the second re-plan no longer knew which days were missed."""
    plan, data = plan_checked(text, "p.toml")
    first_day = plan.weeks[2].monday + dt.timedelta(days=2)
    stretch = (first_day, first_day + dt.timedelta(days=8))
    first = replan(data, "plan.ics", first_day + dt.timedelta(days=1), missed_ranges=[stretch], stamp=LATER)
    _checked(first.data, text)
    cal = icalendar.Calendar.from_ical(first.data)
    assert str(cal["X-RUNCAL-MISSED-RANGE"]) == f"{stretch[0]}/{stretch[1]}/{first_day + dt.timedelta(days=1)}"
    for later in (5, 12):
        again = replan(first.data, "plan.ics", first_day + dt.timedelta(days=later), stamp=LATER)
        assert (again.moved, again.resized, again.dropped, again.added) == ([], [], [], []), again.diff()
        inside = [e for e in _events(again.data).values() if str(e.get("STATUS")) == "CONFIRMED"
                  and str(e.get("X-RUNCAL-KIND")) not in ("", "note")
                  and stretch[0] <= e.decoded("DTSTART").date() <= stretch[1]]
        assert not inside
        _checked(again.data, text)


# -- what the runner says must make sense ------------------------------------------------------

@pytest.mark.parametrize("args, words", [
    (["--missed-from", "2027-01-20", "--to", "2027-01-18"], "--to: 2027-01-18 is before --missed-from 2027-01-20"),
    (["--missed", "{easy}", "--done", "{easy}:easy"], "it cannot be missed and done"),
])
def test_contradictions_are_one_line_exit_2_and_nothing_written(tmp_path, args, words):
    plan, data = plan_checked(profile_text(BASE_PROFILE, EVERY_DAY), "p.toml")
    # An easy run of the plan's week 3, whichever day the solver gave it.
    easy = next(s.start.date() for s in plan.sessions if s.week == 3 and s.kind is Kind.EASY)
    args = [a.format(easy=easy) for a in args]
    path = tmp_path / "plan.ics"
    path.write_bytes(data)
    result = CliRunner().invoke(main, ["replan", str(path), "--today", "2027-01-25", *args])
    assert result.exit_code == 2, result.output
    assert words in result.output and result.output.count("\n") == 1, result.output
    assert path.read_bytes() == data


# -- a late miss in the week before a week already mostly run --------------------------------------

def test_a_week_already_run_keeps_what_it_ran_when_a_late_miss_lowers_its_cap():
    """The long run of week 2 reported missed on week 3's last day: week 3 is re-derived from week 2's
    smaller volume, but it is already run (the checker judges it by what was known when it began).
    Its cap came out below what it ran, and the re-plan had no plan at all."""
    text = profile_text(BASE_PROFILE.replace("end = 2027-01-31", "end = 2027-02-28"), EVERY_DAY, """
[rules]
cutback_every = 0
""")
    plan, data = plan_checked(text, "p.toml")
    long_run = next(s for s in plan.sessions if s.week == 2 and s.kind is Kind.LONG)
    result = replan(data, "plan.ics", plan.weeks[2].monday + dt.timedelta(days=6),
                    missed=[f"{long_run.start.date()}:long"], stamp=LATER)
    _checked(result.data, text)
