"""Resource flags and profiles that are expensive to plan (issue 16): --workers and --jobs at most
the machine's cores, --time-limit finite and above 0 — else one line and exit code 2, before
anything is solved — and --time-limit bounds the whole plan, so a profile open every day
00:00-24:00 ends within it. The help's determinism claim is tested: the same --workers gives the
same bytes."""

from __future__ import annotations

import re

import pytest
from bounded import NOW, PEAK_MIB, PROFILE, ROOT, assert_bounded, assert_refused, runcal, workdir

from solver.check import check_file
from solver.limits import cores
from solver.profile import load_profile

SAMPLE = ROOT / "sample_calendars" / "advanced_marathon.toml"


@pytest.mark.parametrize("args, words", [
    (["plan", "p.toml", "--workers", "1000"], ("--workers", f"1000 is not between 1 and the {cores()} core")),
    (["plan", "p.toml", "--workers", "0"], ("--workers", "0 is not between 1")),
    (["whatif", "p.toml", "-s", "a: sessions=3", "-s", "b: sessions=5", "--jobs", "1000"], ("--jobs", "1000 is not")),
    (["whatif", "p.toml", "-s", "a: sessions=3", "--jobs", "0"], ("--jobs", "0 is not")),
    (["plan", "p.toml", "--time-limit", "0"], ("--time-limit", "0.0 is not a number of seconds above 0")),
    (["plan", "p.toml", "--time-limit", "nan"], ("--time-limit", "nan")),
    (["plan", "p.toml", "--time-limit", "inf"], ("--time-limit", "inf")),
    (["plan", "p.toml", "--time-limit", "1e300"], ("--time-limit", "at most 86400")),
    (["replan", "plan.ics", "--today", "2027-01-12", "--time-limit", "0"], ("--time-limit",)),
    (["injury", "plan.ics", "--from", "2027-01-12", "--time-limit", "-5"], ("--time-limit",)),
])
def test_a_resource_flag_out_of_bounds_is_one_line_before_solving(tmp_path, args, words):
    """--workers 1000 used 1.65 GB and whatif --jobs 1000 started 31 processes (5.3 GB); --time-limit
    0/-1/nan was exit 1 "MODEL_INVALID"."""
    folder, _ = workdir(tmp_path)
    before = folder.snapshot()
    run = runcal(*args, "-o" if args[0] in ("plan", "replan", "injury") else "--format", "out.ics" if args[0] != "whatif"
                 else "table", "--now", NOW, cwd=tmp_path)
    assert_refused(run, *words)
    assert run.cpu < 5  # refused before any model is built
    assert folder.snapshot() == before


def test_a_profile_open_all_day_every_day_is_planned_within_bounds(tmp_path):
    folder, _ = workdir(tmp_path)
    (tmp_path / "open.toml").write_text(PROFILE.replace('"06:00-21:00"', '"00:00-24:00"'))
    run = runcal("plan", "open.toml", "-o", "open.ics", "--now", NOW, cwd=tmp_path)
    assert_bounded(run)
    assert run.returncode == 0, run.stderr
    assert check_file(tmp_path / "open.ics", load_profile(tmp_path / "open.toml")) == []


def test_the_time_limit_bounds_the_whole_plan(tmp_path):
    """The 19-week marathon sample open 00:00-24:00 every day took a hundred-odd solves (273 s):
    with --time-limit 4 it ends within the bounds, with a plan the checker passes or one line."""
    folder, _ = workdir(tmp_path)
    text = re.sub(r"^(mon|tue|wed|thu|fri|sat|sun) = \[.*\]$", r'\1 = ["00:00-24:00"]', SAMPLE.read_text(), flags=re.M)
    (tmp_path / "open.toml").write_text(re.sub(r"^calendars = .*$", "", text, flags=re.M))
    run = runcal("plan", "open.toml", "-o", "out.ics", "--now", NOW, "--time-limit", "4", cwd=tmp_path)
    assert_bounded(run)
    if run.returncode == 0:
        assert check_file(tmp_path / "out.ics", load_profile(tmp_path / "open.toml")) == []
    else:
        # exit code 3: the budget ran out (SolverTimeout), not a proof that no plan exists (1)
        assert run.returncode == 3 and run.stderr.startswith("Error: No plan found within the time limit"), run.stderr
        assert "Fix: raise --time-limit" in run.stderr
        assert run.stderr.count("\n") == 1
        assert (tmp_path / "out.ics").read_bytes().startswith(b"precious")


@pytest.mark.skipif(cores() < 2, reason="one core: --workers 2 is refused, as the test above checks")
def test_the_same_workers_give_the_same_bytes(tmp_path):
    """The help's claim: the same inputs and the same --workers give the same plan. (--workers 2 may
    give another plan than --workers 1, of the same cost: also what the help says.)"""
    folder, _ = workdir(tmp_path)
    (tmp_path / "short.toml").write_text(PROFILE.replace("end = 2027-01-31", "end = 2027-01-10"))  # one week: 2 workers are slow
    status = {}
    for name, workers in (("one.ics", "1"), ("two.ics", "2"), ("two-again.ics", "2")):
        run = runcal("plan", "short.toml", "-o", name, "--now", NOW, "--workers", workers, cwd=tmp_path)
        assert not run.timed_out and run.maxrss_mib <= PEAK_MIB  # CPU: two threads count twice (interleaved search)
        assert run.returncode == 0, run.stderr
        status[name] = re.search(r"Solver: (\w+) \(objective (\d+)\)", run.stdout).groups()
        assert check_file(tmp_path / name, load_profile(tmp_path / "short.toml")) == []
    assert (tmp_path / "two.ics").read_bytes() == (tmp_path / "two-again.ics").read_bytes()
    assert status["one.ics"] == status["two.ics"] == ("optimal", status["one.ics"][1])
