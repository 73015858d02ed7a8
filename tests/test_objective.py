"""Issue 19: the soft objective has an independent definition (solver/objective.py).

It is recomputed from the .ics as the checker reads it and from the profile, and must equal the
solver's own objective (Plan.objective) on the samples and on profiles that make every preference
cost something; then each preference's charge on hand-made sessions, with known numbers.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from conftest import BASE_PROFILE, EVERY_DAY, plan_checked, profile_text

from solver import objective
from solver.check import read_plan
from solver.domain import Kind
from solver.objective import Slot, file_tally, plan_tally, planned_sessions, tally, unmet_lines
from solver.profile import parse_profile

ZONE = ZoneInfo("Europe/London")

PROFILES = {
    # weekday evenings and a Saturday morning: long runs off Sunday, runs far from 07:00
    "evenings": profile_text(BASE_PROFILE, """
        [availability]
        mon = ["17:00-21:00"]
        tue = ["17:00-21:00"]
        wed = ["06:00-08:00", "17:00-21:00"]
        thu = ["17:00-21:00"]
        sat = ["07:00-12:00"]
        """),
    # five sessions on five days with two strength sessions: training days side by side
    "five_days": profile_text(BASE_PROFILE.replace("sessions_per_week = 4", "sessions_per_week = 5"), """
        [availability]
        mon = ["06:00-21:00"]
        tue = ["06:00-21:00"]
        thu = ["06:00-21:00"]
        sat = ["06:00-21:00"]
        sun = ["06:00-21:00"]

        [rules]
        strength_min = 2
        strength_max = 2
        strength_intro_weeks = 0
        """),
    "every_day": profile_text(BASE_PROFILE, EVERY_DAY),
}


def _file_objective(plan, data: bytes) -> objective.Tally:
    return file_tally(read_plan(data, plan.profile), planned_sessions(plan.weeks))


def test_the_samples_objective_recomputed_from_the_file_equals_the_solvers(sample_plan):
    plan, data = sample_plan
    assert plan.status == "optimal"
    assert _file_objective(plan, data).total == plan.objective
    assert plan_tally(plan).total == plan.objective


@pytest.mark.parametrize("name", PROFILES)
def test_a_profiles_objective_recomputed_from_the_file_equals_the_solvers(name):
    plan, data = plan_checked(PROFILES[name])
    assert plan.status == "optimal"
    found = _file_objective(plan, data)
    assert found.total == plan.objective
    assert plan_tally(plan).total == plan.objective


def test_the_profiles_make_the_preferences_cost_something():
    # The equality above is worth more when the objective is not 0: these profiles charge both
    # the time of day and the long-run day.
    plan, data = plan_checked(PROFILES["evenings"])
    charged = {c.preference for c in _file_objective(plan, data).charges}
    assert {"time_of_day", "long_run_day"} <= charged and plan.objective > 0


def test_the_file_is_what_is_counted():
    # Week 1's long run moved by hand from Monday 17:00 (10 h from run_time 07:00: the 6 h cap) to
    # Monday 08:00 (1 h): the same day, so only its time-of-day charge changes, by 5.
    plan, data = plan_checked(PROFILES["evenings"])
    before = _file_objective(plan, data)
    long1 = next(s for s in plan.sessions if s.kind is Kind.LONG and s.week == 1)
    assert f"{long1.start:%Y-%m-%d %H:%M}" == "2027-01-04 17:00"
    moved = data.replace(b"20270104T1700", b"20270104T0800").replace(
        f"{long1.end:%Y%m%dT%H%M}".encode(), f"{long1.end - dt.timedelta(hours=9):%Y%m%dT%H%M}".encode())
    assert moved != data
    after = _file_objective(plan, moved)
    assert after.total == before.total - 5


def _at(day: int, clock: str, minutes: int, kind: Kind) -> Slot:
    start = dt.datetime.combine(dt.date(2027, 1, 4) + dt.timedelta(days=day), dt.time.fromisoformat(clock), ZONE)
    return Slot(kind, start, start + dt.timedelta(minutes=minutes))


DAYS = [dt.date(2027, 1, 4) + dt.timedelta(days=i) for i in range(7)]
PROFILE = parse_profile(profile_text(BASE_PROFILE, EVERY_DAY), "test.toml")  # run 07:00, strength 18:00, long run on Sunday


def test_time_of_day_charges_whole_hours_away_capped_at_6():
    t = tally(PROFILE, [_at(0, "07:59", 30, Kind.EASY), _at(2, "09:00", 30, Kind.EASY),
                        _at(4, "22:00", 30, Kind.QUALITY), _at(2, "16:30", 40, Kind.STRENGTH)], DAYS)
    assert [c.cost for c in t.charges if c.preference == "time_of_day"] == [2, 1, 6]  # 2 h, 1 h 30 → 1, 15 h → 6
    assert t.met("time_of_day") == 1 and t.applied["time_of_day"] == 4


def test_long_run_day_and_48_hours_and_spread():
    slots = [_at(0, "18:00", 40, Kind.STRENGTH), _at(2, "07:00", 40, Kind.STRENGTH),  # 36 h 20 apart
             _at(5, "07:00", 60, Kind.LONG), _at(6, "07:00", 30, Kind.EASY)]  # Saturday long, then Sunday
    t = tally(PROFILE, slots, DAYS)
    by = {p: [c.cost for c in t.charges if c.preference == p] for p in objective.PREFERENCES}
    assert by["long_run_day"] == [30]  # weight_long_run_day
    assert by["recovery_48h"] == [10]  # weight_recovery_48h
    assert by["spread"] == [10]  # Saturday and Sunday
    assert by["time_of_day"] == [6]  # strength at 18:00 is on time; strength at 07:00 is 11 h away → 6
    assert t.total == 56


def test_a_planned_session_left_out_costs_its_kinds_weight():
    slots = [_at(1, "07:00", 30, Kind.EASY)]
    t = tally(PROFILE, slots, DAYS, {(1, Kind.EASY): 2, (1, Kind.LONG): 1}, lambda day: 1)
    assert [(c.preference, c.cost) for c in t.charges] == [("placed", 1000), ("placed", 1500)]


def test_unmet_preferences_are_named_in_short_lines():
    t = tally(PROFILE, [_at(5, "07:00", 60, Kind.LONG)], DAYS)
    assert unmet_lines(t) == ["Preference not met: long_run_day ×1 (cost 30): long run 2027-01-09 is on a "
                              "Saturday, not sun"]


def test_runcal_plan_lists_the_preferences_it_could_not_meet(tmp_path):
    import re

    from click.testing import CliRunner

    from cli import main

    (tmp_path / "p.toml").write_text(PROFILES["evenings"], "utf-8")
    result = CliRunner().invoke(main, ["plan", str(tmp_path / "p.toml"), "-o", str(tmp_path / "p.ics"),
                                       "--now", "2026-11-27T08:00:00Z"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Preference not met: ")]
    assert [line.split()[3] for line in lines] == ["time_of_day", "long_run_day"]
    assert "long run 2027-01-04 is on a Monday, not sun" in lines[1]
    # the lines' costs add up to the objective the solver reports
    costs = sum(int(re.search(r"\(cost (\d+)\)", line)[1]) for line in lines)
    assert f"(objective {costs})" in result.output


def test_whatif_counts_a_preference_met_when_the_objective_charges_nothing_for_it():
    from solver.whatif import PREFERENCE_NAMES, preferences_met

    plan, data = plan_checked(PROFILES["evenings"])
    from_file = _file_objective(plan, data)
    met = preferences_met(plan)
    for name, key in PREFERENCE_NAMES.items():
        charged = sum(1 for c in from_file.charges if c.preference == name)
        assert met[key] == (from_file.applied[name] - charged, from_file.applied[name]), key
    assert met["long_run_day"] == (0, 4)  # every long run on Monday, none on Sunday


def test_the_objective_imports_no_model_code():
    import ast
    from pathlib import Path

    tree = ast.parse(Path(objective.__file__).read_text("utf-8"))
    relative = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level}
    assert relative == {"domain"}
