"""The benchmark cases, as a data table: what to run as a whole process and what in-process."""

from __future__ import annotations

import datetime as dt
import functools
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import inputs
import runner_cases

NOW = "2026-11-27T08:00:00Z"
SOURCE_DATE_EPOCH = "1795766400"  # the same instant, for commands without --now
FLOOR_CODE = "from ortools.sat.python import cp_model; import icalendar, click"
PLAN_WEEKS = (8, 16, 26, 52)
REPLAN_BASE_WEEKS, REPLAN_WEEK = 16, 8
SAMPLE_MARATHON = Path(__file__).resolve().parents[1] / "sample_calendars" / "advanced_marathon.toml"
BATCH_SEED = inputs.BATCH_SEED


class Inputs:
    """Generated inputs in a scratch directory; the replan base plan is made on first use."""

    def __init__(self, directory: Path, batch_count: int, runner_batch_count: int = 200) -> None:
        self.dir = directory
        self.batch_count = batch_count
        self.runner_batch_count = runner_batch_count
        self.python = sys.executable
        self.runcal = str(Path(sys.executable).with_name("runcal"))
        self.profiles = inputs.write_plan_profiles(directory, PLAN_WEEKS)
        self.busy = directory / "busy.ics"
        self.busy_events = inputs.write_busy_calendar(self.busy)
        self.env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
        self.runner = runner_cases.RunnerInputs(self)

    def out(self, name: str) -> str:
        return str(self.dir / name)

    def run_runcal(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([self.runcal, *args], capture_output=True, text=True, env=self.env,
                              cwd=self.dir, timeout=600)

    @functools.cached_property
    def features(self) -> dict[str, bool]:
        """Which of the commands still being built exist in this tree."""
        plan_help = self.run_runcal("plan", "--help")
        return {
            "busy": plan_help.returncode == 0 and "--busy" in plan_help.stdout,
            "replan": self.run_runcal("replan", "--help").returncode == 0,
            "whatif": self.run_runcal("whatif", "--help").returncode == 0,
        }

    @functools.cached_property
    def replan_base(self) -> tuple[str, list[dict]]:
        """The 16-week plan every re-plan case starts from (made once, not timed), and its
        week-8 sessions as {"date", "kind"} in time order."""
        path = self.out("replan_base.ics")
        made = self.run_runcal("plan", str(self.profiles[REPLAN_BASE_WEEKS]), "-o", path, "--now", NOW)
        if made.returncode != 0:
            raise RuntimeError(f"could not make the re-plan base plan: {made.stderr.strip()}")
        return path, week_sessions(Path(path), REPLAN_WEEK)


    @functools.cached_property
    def marathon_base(self) -> tuple[str, list[dict]]:
        """The marathon sample planned around its busy calendar (made once, not timed), and the
        strength sessions of its week 3."""
        path = self.out("marathon_base.ics")
        made = self.run_runcal("plan", str(SAMPLE_MARATHON), "-o", path, "--now", NOW)
        if made.returncode != 0:
            raise RuntimeError(f"could not plan the marathon sample: {made.stderr.strip()}")
        return path, [s for s in week_sessions(Path(path), 3) if s["kind"] == "strength"]


def week_sessions(ics_path: Path, week: int) -> list[dict]:
    import icalendar

    cal = icalendar.Calendar.from_ical(ics_path.read_bytes())
    found = []
    for event in cal.walk("VEVENT"):
        kind = str(event.get("X-RUNCAL-KIND", ""))
        if str(event.get("X-RUNCAL-WEEK", "")) == str(week) and kind and kind != "race":
            found.append((event.decoded("DTSTART"), kind))
    return [{"date": start.date(), "kind": kind} for start, kind in sorted(found)]


def all_sessions(ics_path: Path) -> list[dict]:
    """Every session of a plan in time order: {"start" (aware), "minutes", "week", "kind"}."""
    import icalendar

    cal = icalendar.Calendar.from_ical(ics_path.read_bytes())
    found = []
    for event in cal.walk("VEVENT"):
        kind = str(event.get("X-RUNCAL-KIND", ""))
        if kind and str(event.get("STATUS", "")).upper() != "CANCELLED":
            start, end = event.decoded("DTSTART"), event.decoded("DTEND")
            found.append({"start": start, "minutes": int((end - start).total_seconds() // 60),
                          "week": int(str(event.get("X-RUNCAL-WEEK"))), "kind": kind})
    return sorted(found, key=lambda s: (s["start"], s["kind"]))


# ---------------------------------------------------------------------------------------------
# Command lines. Each takes the Inputs and returns a full argv.

def floor_argv(inp: Inputs) -> list[str]:
    return [inp.python, "-c", FLOOR_CODE]


def floor_quick_exit_argv(inp: Inputs) -> list[str]:
    """The floor without the interpreter's teardown, as the installed runcal leaves (cli.run):
    shown beside the floor, not used for the ratios."""
    return [inp.python, "-c", FLOOR_CODE + "; import os; os._exit(0)"]


def plan_argv(weeks: int, busy: bool = False) -> Callable[[Inputs], list[str]]:
    def argv(inp: Inputs) -> list[str]:
        suffix = "_busy" if busy else ""
        cmd = [inp.runcal, "plan", str(inp.profiles[weeks]), "-o", inp.out(f"plan_{weeks:02d}w{suffix}.ics"), "--now", NOW]
        return cmd + (["--busy", str(inp.busy)] if busy else [])
    return argv


def replan_session_argv(inp: Inputs) -> list[str]:
    base, sessions = inp.replan_base
    missed = sessions[0]
    today = missed["date"] + dt.timedelta(days=1)
    return [inp.runcal, "replan", base, "--today", today.isoformat(),
            "--missed", f"{missed['date'].isoformat()}:{missed['kind']}", "-o", inp.out("replan_session.ics")]


def replan_week_argv(inp: Inputs) -> list[str]:
    base, _ = inp.replan_base
    monday = inputs.week_monday(REPLAN_WEEK)
    return [inp.runcal, "replan", base, "--today", (monday + dt.timedelta(weeks=1)).isoformat(),
            "--missed-from", monday.isoformat(), "--to", (monday + dt.timedelta(days=6)).isoformat(),
            "-o", inp.out("replan_week.ics")]


def replan_busy_argv(inp: Inputs) -> list[str]:
    """The issue's case: the marathon sample's first strength session of week 3 missed, re-planned
    around the sample's busy calendar (found through --profile)."""
    base, strength = inp.marathon_base
    missed = strength[0]
    return [inp.runcal, "replan", base, "--today", (missed["date"] + dt.timedelta(days=1)).isoformat(),
            "--missed", f"{missed['date'].isoformat()}:strength", "--profile", str(SAMPLE_MARATHON),
            "-o", inp.out("replan_busy.ics")]


def whatif_scenarios(weeks: int = 16) -> list[str]:
    """Four variations of the 16-week half (whatif also plans the profile as given, "baseline")."""
    race = inputs.race_day(weeks)
    return [
        f"marathon-instead: race={race.isoformat()} marathon A",
        f"two-weeks-earlier: race={(race - dt.timedelta(weeks=2)).isoformat()} half A",
        f"10k-in-week-12: race={inputs.race_day(12).isoformat()} 10k A",
        "four-days: sessions=4; days=tue,thu,sat,sun",
    ]


def whatif_argv(inp: Inputs) -> list[str]:
    scenarios = [arg for s in whatif_scenarios() for arg in ("--scenario", s)]
    return [inp.runcal, "whatif", str(inp.profiles[16]), *scenarios, "--format", "json"]


# In-process specs for bench/worker.py.

def library_spec(weeks: int) -> Callable[[Inputs], dict]:
    return lambda inp: {"mode": "library", "profile": str(inp.profiles[weeks])}


def cli_spec(argv: Callable[[Inputs], list[str]]) -> Callable[[Inputs], dict]:
    return lambda inp: {"mode": "cli", "argv": argv(inp)[1:]}


def batch_spec(inp: Inputs) -> dict:
    return {"mode": "batch", "count": inp.batch_count, "seed": BATCH_SEED}


def whole_spec(profile: Callable[[Inputs], Path]) -> Callable[[Inputs], dict]:
    """The profile's plan as one CP-SAT model, no week-by-week solving (the reference for the cliff)."""
    return lambda inp: {"mode": "whole", "profile": str(profile(inp))}


def cliff_spec(inp: Inputs) -> dict:
    return {"mode": "library", "profile": str(inp.runner.cliff)}


@dataclass(frozen=True)
class Case:
    key: str
    label: str
    process: Callable[[Inputs], list[str]] | None  # whole-process command, timed with its peak RSS
    inproc: Callable[[Inputs], dict] | None  # worker spec, timed inside a warm interpreter
    needs: str | None = None  # feature that must exist (see Inputs.features)
    quick: bool = False  # part of --quick
    once: bool = False  # one repetition whatever --reps says (the batch)
    has_solver: bool = True  # runs the solver, so it has a status and an objective
    processes: Callable[[Inputs], list[list[str]]] | None = None  # a batch of commands, each run once


CASES: tuple[Case, ...] = (
    Case("floor", "import floor", floor_argv, None, quick=True, has_solver=False),
    Case("floor_quick", "import floor, no teardown", floor_quick_exit_argv, None, has_solver=False),
    *(Case(f"plan{w}", f"plan {w} weeks", plan_argv(w), library_spec(w), quick=w in (8, 16)) for w in PLAN_WEEKS),
    *(Case(f"plan{w}_busy", f"plan {w} weeks + busy", plan_argv(w, busy=True), cli_spec(plan_argv(w, busy=True)),
           needs="busy", quick=w == 8) for w in PLAN_WEEKS),
    Case("replan_session", "replan: missed session wk 8/16", replan_session_argv, cli_spec(replan_session_argv),
         needs="replan", quick=True),
    Case("replan_week", "replan: missed week 8/16", replan_week_argv, cli_spec(replan_week_argv), needs="replan"),
    Case("replan_busy", "replan: marathon sample + busy calendar", replan_busy_argv, cli_spec(replan_busy_argv),
         needs="replan"),
    Case("whatif", "whatif: 4 scenarios, 16 weeks", whatif_argv, cli_spec(whatif_argv), needs="whatif", quick=True),
    Case("batch", "batch of generated profiles", None, batch_spec, quick=True, once=True),
    # Issue 20: the inputs a runner brings (bench/runner_cases.py).
    *(Case(f"sample_{k}", f"sample {k} + busy calendar", runner_cases.sample_plan_argv(k),
           cli_spec(runner_cases.sample_plan_argv(k)), quick=k == "marathon") for k in runner_cases.SAMPLES),
    *(Case(f"replan_{k}_{what}", f"replan {k}: {label}", runner_cases.sample_replan_argv(k, what),
           cli_spec(runner_cases.sample_replan_argv(k, what)), needs="replan", quick=(k, what) == ("half", "session"))
      for k in runner_cases.SAMPLES
      for what, label in (("session", "missed session"), ("week", "missed week"), ("calendar", "changed calendar"))),
    Case("whatif_marathon", "whatif: marathon sample, 4 scen.", runner_cases.whatif_marathon_argv,
         cli_spec(runner_cases.whatif_marathon_argv), needs="whatif"),
    Case("runner_batch", "runners + calendars + B races", None, None, quick=True, once=True,
         processes=runner_cases.batch_argvs),
    Case("cliff", "cliff: rest Sun+Mon, 12 weeks", runner_cases.cliff_argv, cliff_spec, once=True),
    Case("cliff_whole", "cliff: whole model (reference)", None, whole_spec(lambda inp: inp.runner.cliff), once=True),
)
