"""runcal benchmark: median wall time, peak memory, solver status and objective per case.

    python bench/run.py [--reps N] [--quick] [--batch N] [--json FILE]

Every time is also shown as a ratio to the import floor measured in the same run. See
bench/README.md for what each row means. Progress goes to stderr, the table to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import cases
import measure
import table

WORKER = Path(__file__).resolve().with_name("worker.py")


@dataclass
class Side:
    """One way of measuring a case (whole process, or in-process)."""

    walls: list[float] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    objectives: list[str] = field(default_factory=list)
    builds: list[float] = field(default_factory=list)
    solves: list[float] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # batch: which profile each run was
    peak_mib: float | None = None  # whole process: its peak RSS; in-process: growth over post-import RSS
    children_peak_mib: float | None = None  # in-process: largest peak RSS of a child it started, if any
    error: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.walls) if self.walls else None

    def add(self, wall: float, status: str | None, objective: str | None,
            build: float | None, solve: float | None) -> None:
        self.walls.append(wall)
        if status is not None:
            self.statuses.append(status)
        if objective is not None:
            self.objectives.append(objective)
        if build is not None:
            self.builds.append(build)
        if solve is not None:
            self.solves.append(solve)


@dataclass
class Result:
    key: str
    label: str
    process: Side | None = None
    inproc: Side | None = None
    unavailable: str | None = None  # the command does not exist (yet)
    error: str | None = None  # the case could not be set up


def measure_process(argv: list[str], reps: int, inp: cases.Inputs, timeout: float, has_solver: bool) -> Side:
    """`has_solver`: the command runs the solver, so its output must name a status ("?" if not)."""
    side = Side()
    for _ in range(reps):
        run = measure.run_process(argv, timeout=timeout, cwd=str(inp.dir), env=inp.env)
        if run.returncode != 0:
            side.error = _failure(run)
            break
        report = measure.parse_output(run.stdout) if has_solver else measure.SolverReport()
        side.add(run.wall, report.status or ("?" if has_solver else None), report.objective,
                 report.build, report.solve)
        side.peak_mib = max(side.peak_mib or 0.0, run.maxrss_mib)
    return side


def measure_batch(argvs: list[list[str]], inp: cases.Inputs, timeout: float) -> Side:
    """Each command once, as a whole process: its wall time, status and objective ("no plan" for
    exit 1, whose answer is a reason, not a plan); another failure stops the batch."""
    side = Side()
    for argv in argvs:
        run = measure.run_process(argv, timeout=timeout, cwd=str(inp.dir), env=inp.env)
        if run.returncode not in (0, 1):
            side.error = f"{Path(argv[2]).name}: {_failure(run)}"
            break
        report = measure.parse_output(run.stdout) if run.returncode == 0 else measure.SolverReport("no plan")
        side.add(run.wall, report.status or "?", report.objective, report.build, report.solve)
        side.names.append(Path(argv[2]).stem)
        side.peak_mib = max(side.peak_mib or 0.0, run.maxrss_mib)
    return side


def _failure(run: measure.ProcRun) -> str:
    if run.timed_out:
        return "timed out"
    lines = (run.stderr or run.stdout).strip().splitlines()
    return f"exit {run.returncode}: {lines[-1] if lines else 'no output'}"


def measure_inproc(spec: dict, reps: int, inp: cases.Inputs, timeout: float, name: str) -> Side:
    spec_path, result_path = inp.dir / f"{name}.spec.json", inp.dir / f"{name}.result.json"
    spec_path.write_text(json.dumps({**spec, "reps": reps}), "utf-8")
    runs = spec.get("count", reps)  # the batch is one run per profile
    run = measure.run_process([inp.python, str(WORKER), str(spec_path), str(result_path)],
                              timeout=timeout * runs, cwd=str(inp.dir), env=inp.env)
    if run.returncode != 0 or not result_path.exists():
        return Side(error=_failure(run))
    result = json.loads(result_path.read_text("utf-8"))
    side = Side(peak_mib=result["peak_growth_mib"], children_peak_mib=result.get("children_peak_mib") or None,
                error=result.get("error"))
    for r in result.get("runs", []):
        side.add(r["wall"], r["status"], r["objective"], r["build"], r["solve"])
        if "name" in r:
            side.names.append(r["name"])
    return side


def run_case(case: cases.Case, inp: cases.Inputs, reps: int, timeout: float) -> Result:
    result = Result(case.key, case.label)
    if case.needs and not inp.features[case.needs]:
        result.unavailable = "n/a (command not available yet)"
        return result
    reps = 1 if case.once else reps
    try:
        if case.processes:
            result.process = measure_batch(case.processes(inp), inp, timeout)
        if case.process:
            result.process = measure_process(case.process(inp), reps, inp, timeout, case.has_solver)
        if case.inproc:
            result.inproc = measure_inproc(case.inproc(inp), reps, inp, timeout, case.key)
    except Exception as exc:  # e.g. the re-plan base plan could not be made
        result.error = f"error: {exc}"
    return result


def remeasure_floor(results: list[Result], inp: cases.Inputs, reps: int, timeout: float) -> None:
    """Time the import floor again after the other cases and keep the median of both sets, so a
    change in the machine's load during the run skews the ratios less."""
    floor = next((r for r in results if r.key == "floor" and r.process and not r.process.error), None)
    if floor is None:
        return
    print("bench: import floor, again …", file=sys.stderr, flush=True)
    again = measure_process(cases.floor_argv(inp), reps, inp, timeout, has_solver=False)
    floor.process.walls += again.walls
    floor.process.peak_mib = max(floor.process.peak_mib or 0.0, again.peak_mib or 0.0)


def compile_sources() -> None:
    """runcal's modules as an installed runcal has them: compiled. pip compiles a package it
    installs; an editable install under PYTHONDONTWRITEBYTECODE (as this machine and CI set it)
    has no bytecode, and every run then compiles the modules it imports again (45 ms of the marathon
    sample's 0.7 s here). The floor's modules were compiled when they were installed."""
    root = Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "solver"), str(root / "cli.py")],
                   check=True, stdout=subprocess.DEVNULL)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5, help="repetitions per case (default 5)")
    parser.add_argument("--quick", action="store_true", help="one repetition, fewer cases, small batch (smoke test)")
    parser.add_argument("--batch", type=int, default=None, help="profiles in the batch (default 100; 3 with --quick)")
    parser.add_argument("--runners", type=int, default=None,
                        help="generated runners (busy calendars, B races) planned as whole processes "
                             "(default 200; 3 with --quick)")
    parser.add_argument("--only", default=None, metavar="KEY,…",
                        help="run only these cases (keys as in bench/cases.py; the import floor always runs)")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE", help="also save the figures as JSON")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds allowed per run (default 900)")
    args = parser.parse_args(argv)
    if args.quick:
        args.reps = 1
    if args.batch is None:
        args.batch = 3 if args.quick else 100
    if args.runners is None:
        args.runners = 3 if args.quick else 200
    if args.reps < 1:
        parser.error("--reps must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    selected = [c for c in cases.CASES if c.quick or not args.quick]
    if args.only:
        keys = set(args.only.split(",")) | {"floor"}
        unknown = keys - {c.key for c in cases.CASES}
        if unknown:
            print(f"bench: unknown case(s) {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        selected = [c for c in cases.CASES if c.key in keys]
    compile_sources()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="runcal-bench-") as tmp:
        inp = cases.Inputs(Path(tmp), args.batch, args.runners)
        results = []
        for case in selected:
            print(f"bench: {case.label} …", file=sys.stderr, flush=True)
            results.append(run_case(case, inp, args.reps, args.timeout))
        remeasure_floor(results, inp, args.reps, args.timeout)
        busy_events = inp.busy_events
    load = (load_before, os.getloadavg()[0])
    print(table.render(results, reps=args.reps, batch=args.batch, busy_events=busy_events, load=load,
                       runners=args.runners))
    if args.json:
        args.json.write_text(json.dumps(table.figures(results, args.reps), indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
