"""Issue 19: a solver that runs out of --time-limit is not a proof that no plan exists.

Every command that solves (plan, replan, injury, whatif) reports it as SolverTimeout: exit code 3
(1 stays "no plan exists", proven; 2 bad input), one line naming the fix, and no file touched.
A tiny --time-limit (CP-SAT's deterministic seconds) stops the first solve before it finds anything.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import ROOT

from cli import main
import datetime as dt

from solver.check import check_file, read_plan
from solver.errors import NoPlanError, RuncalError, SolverTimeout

NOW = "2026-11-27T08:00:00Z"
SAMPLE = str(ROOT / "sample_calendars" / "beginner_10k.toml")
TINY = "0.0001"


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory):
    out = tmp_path_factory.mktemp("timeout") / "plan.ics"
    result = CliRunner().invoke(main, ["plan", SAMPLE, "-o", str(out), "--now", NOW])
    assert result.exit_code == 0, result.output
    assert check_file(out) == []
    return out


@pytest.fixture(scope="module")
def day(plan_file) -> dt.date:
    """The day of the plan's first session of its second week: missed, or hurt, there."""
    plan = read_plan(plan_file.read_bytes())
    return min(s.day for s in plan.sessions if plan.week_of(s.day) == 2)


def _one_line_timeout(result, what: str) -> None:
    assert result.exit_code == 3, result.output
    assert result.output.startswith(f"Error: No {what} found within the time limit"), result.output
    assert "Fix: raise --time-limit" in result.output and result.output.count("\n") == 1
    assert "Traceback" not in result.output


def test_the_error_is_its_own_class_with_exit_code_3():
    assert issubclass(SolverTimeout, RuncalError) and not issubclass(SolverTimeout, NoPlanError)
    assert (SolverTimeout("x").exit_code, NoPlanError("x").exit_code) == (3, 1)


def test_plan_out_of_time_exits_3_and_leaves_the_file(tmp_path):
    out = tmp_path / "plan.ics"
    out.write_bytes(b"precious")
    result = CliRunner().invoke(main, ["plan", SAMPLE, "-o", str(out), "--now", NOW, "--time-limit", TINY])
    _one_line_timeout(result, "plan")
    assert out.read_bytes() == b"precious"


@pytest.mark.parametrize("name", ["replan", "injury"])
def test_replan_and_injury_out_of_time_exit_3_and_leave_the_plan(plan_file, day, tmp_path, name):
    copy = tmp_path / "plan.ics"
    copy.write_bytes(plan_file.read_bytes())
    after = (day + dt.timedelta(days=1)).isoformat()
    rest = ["--today", after, "--missed", day.isoformat()] if name == "replan" else \
        ["--from", after, "--until", (day + dt.timedelta(days=15)).isoformat()]  # weeks to build back: a real solve
    result = CliRunner().invoke(main, [name, str(copy), *rest, "--now", NOW, "--time-limit", TINY])
    _one_line_timeout(result, "re-plan")
    assert copy.read_bytes() == plan_file.read_bytes()
    # With the default budget the same command re-plans, and the checker passes the result.
    done = CliRunner().invoke(main, [name, str(copy), *rest, "--now", NOW, "-o", str(tmp_path / "new.ics")])
    assert done.exit_code == 0, done.output
    assert check_file(tmp_path / "new.ics") == []


def test_whatif_names_a_scenario_out_of_time_apart_from_no_plan():
    result = CliRunner().invoke(main, ["whatif", SAMPLE, "-s", "fewer: weekly_minutes=60", "--now", NOW,
                                       "--time-limit", TINY, "--jobs", "1", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    rows = rows["scenarios"] if isinstance(rows, dict) else rows
    assert [r["status"] for r in rows] == ["time limit", "time limit"]
    assert all(not r["feasible"] and "Fix: raise --time-limit" in r["problem"] for r in rows)
    table = CliRunner().invoke(main, ["whatif", SAMPLE, "-s", "fewer: weekly_minutes=60", "--now", NOW,
                                      "--time-limit", TINY, "--jobs", "1"])
    assert table.exit_code == 0, table.output
    assert "NONE (time limit)" in table.output and "NO PLAN" not in table.output
