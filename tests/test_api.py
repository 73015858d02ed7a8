"""Issue 19: the library's public API is `import solver` — plan, write, check, re-plan, compare.

Only the names solver/__init__.py exports are used here; every plan made is judged by the
independent checker (solver.check), never by the solver's own status.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from conftest import ROOT

import solver

SAMPLE = ROOT / "sample_calendars" / "beginner_10k.toml"
STAMP = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def made():
    profile = solver.load_profile(SAMPLE)
    return profile, solver.plan(profile)


def test_plan_check_replan_through_import_solver_only(made, tmp_path):
    profile, plan = made
    data = solver.to_ics(plan, STAMP)
    assert data == solver.to_ics(plan, STAMP)  # the same stamp, the same bytes
    assert solver.check(data) == [] and solver.check(data, profile) == []
    path = tmp_path / "plan.ics"
    path.write_bytes(data)
    assert solver.check(path) == [] and solver.check(str(path)) == []
    # Miss the first session of week 2, report it the day after: the re-plan passes the checker.
    first = min(s.start for s in plan.sessions if s.week == 2)
    later = solver.replan(data, first.date() + dt.timedelta(days=1), missed=[first.date().isoformat()],
                          stamp=STAMP)
    assert later.data != data and (later.moved or later.dropped or later.resized)
    assert solver.check(later.data, profile) == []
    assert solver.replan(path, first.date() + dt.timedelta(days=1), missed=[first.date().isoformat()],
                         stamp=STAMP).data == later.data  # a path reads the same file


def test_the_checker_catches_what_the_api_is_handed(made):
    _, plan = made
    data = solver.to_ics(plan, STAMP)
    broken = data.replace(b"X-RUNCAL-KIND:strength", b"X-RUNCAL-KIND:easy", 1)  # a strength session too few
    assert any(v.rule == "R1" for v in solver.check(broken))


def test_whatif_and_the_errors(made):
    profile, _ = made
    rows = solver.whatif(profile, ["fewer: weekly_minutes=60"])
    assert [r["name"] for r in rows] == ["baseline", "fewer"] and all(r["feasible"] for r in rows)
    with pytest.raises(solver.ProfileError):
        solver.parse_profile("[runner]\nname = 1\n", "bad.toml")
    with pytest.raises(solver.SolverTimeout) as caught:
        solver.plan(profile, time_limit=0.0001)
    assert isinstance(caught.value, solver.RuncalError) and not isinstance(caught.value, solver.NoPlanError)
    assert issubclass(solver.CalendarError, solver.InputError)
    assert set(solver.__all__) >= {"plan", "check", "replan", "whatif", "NoPlanError", "SolverTimeout", "InputError"}


def test_the_modules_stay_modules():
    """solver.check is also a module (solver.check.check_calendar), however it was first imported."""
    from solver.check import check_calendar
    import solver.replan as module

    assert solver.check.check_calendar is check_calendar and callable(solver.check)
    assert module is solver.replan and callable(module.replan)
    # An API function named like a submodule would be replaced by the module once it is imported.
    for name in set(solver.__all__) - set(solver.MODULES):
        assert not (ROOT / "solver" / f"{name}.py").exists() and not (ROOT / "solver" / name).is_dir(), name


def test_import_solver_is_light():
    """`import solver` (every CLI start-up) imports no OR-Tools, icalendar or profile code; the
    checker brings no OR-Tools either (it shares no code with the model)."""
    code = ("import sys, solver; heavy = [m for m in ('ortools', 'icalendar', 'solver.profile') if m in sys.modules];"
            "solver.check; print(heavy, 'ortools' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[]", "False"]
