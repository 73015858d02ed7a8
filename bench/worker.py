"""In-process measurements, run in a fresh interpreter per case so that peak memory is the case's own.

    python bench/worker.py SPEC.json RESULT.json

SPEC modes:
  {"mode": "library", "profile": PATH, "reps": N}    parse_profile + make_plan, N times
  {"mode": "cli", "argv": [...], "reps": N}          the click command called in-process, N times
  {"mode": "batch", "count": N, "seed": S}           N generated profiles through make_plan, once each
  {"mode": "whole", "profile": PATH, "reps": N}      the plan as one CP-SAT model (no week-by-week solving)

Everything is imported before the clock starts (the import floor is measured on its own), so
these times are the work a warm process does. RESULT holds per-run wall times, statuses,
objectives, build/solve seconds and the peak RSS growth over the post-import RSS.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import pkgutil
import resource
import sys
import time
import traceback
from pathlib import Path

import measure  # bench/ sibling module (the script's directory is on sys.path)


def preload() -> None:
    """Import the CLI and every solver module (commands import theirs lazily, on first call)."""
    import solver

    importlib.import_module("cli")
    for info in pkgutil.iter_modules(solver.__path__, "solver."):
        with contextlib.suppress(Exception):  # a module mid-edit by someone else must not stop us
            importlib.import_module(info.name)


def maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_library(profile_path: str, reps: int) -> list[dict]:
    from solver.profile import parse_profile
    from solver.solve import make_plan

    text = Path(profile_path).read_text("utf-8")
    runs = []
    for _ in range(reps):
        began = time.perf_counter()
        plan = make_plan(parse_profile(text, profile_path))
        runs.append({"wall": time.perf_counter() - began, "status": plan.status,
                     "objective": str(plan.objective), "build": plan.build_seconds, "solve": plan.solve_seconds})
    return runs


def run_whole(profile_path: str, reps: int) -> list[dict]:
    """The reference for week-by-week solving: the plan's instance (every planned session
    required, as make_plan solves first) built and solved as one model."""
    from dataclasses import replace

    from solver.decompose import solve_model
    from solver.shaping import planned_instance
    from solver.profile import load_profile
    from solver.solve import busy_for, solver_for

    runs = []
    for _ in range(reps):
        began = time.perf_counter()
        profile = load_profile(profile_path)
        inst = replace(planned_instance(profile, busy_for(profile)), allow_drops=False)
        outcome = solve_model(inst, solver_for(60.0, 1))
        status = {4: "optimal", 2: "feasible"}.get(outcome.status, str(outcome.status))
        runs.append({"wall": time.perf_counter() - began, "status": status, "objective": str(outcome.objective),
                     "build": outcome.build_seconds, "solve": outcome.solve_seconds})
    return runs


def run_cli(argv: list[str], reps: int) -> list[dict]:
    from cli import main

    runs = []
    for _ in range(reps):
        out, err = io.StringIO(), io.StringIO()
        began = time.perf_counter()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = _invoke(main, argv)
        wall = time.perf_counter() - began
        if code != 0:
            last = (err.getvalue() or out.getvalue()).strip().splitlines() or ["no output"]
            raise RuntimeError(f"exit {code}: {last[-1]}")
        report = measure.parse_output(out.getvalue())
        runs.append({"wall": wall, "status": report.status or "?", "objective": report.objective,
                     "build": report.build, "solve": report.solve})
    return runs


def _invoke(main, argv: list[str]) -> int:
    try:
        result = main.main(args=argv, prog_name="runcal", standalone_mode=False)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return result if isinstance(result, int) else 0


def run_batch(count: int, seed: int) -> list[dict]:
    import inputs
    from solver.errors import NoPlanError
    from solver.profile import parse_profile
    from solver.solve import make_plan

    runs = []
    for i, text in enumerate(inputs.batch_profiles(count, seed)):
        name = inputs.batch_name(i)
        began = time.perf_counter()
        try:
            plan = make_plan(parse_profile(text, f"{name}.toml"))
            status, objective, build, solve = plan.status, str(plan.objective), plan.build_seconds, plan.solve_seconds
        except NoPlanError:
            status, objective, build, solve = "no plan", None, None, None
        runs.append({"wall": time.perf_counter() - began, "status": status, "objective": objective,
                     "build": build, "solve": solve, "name": name})
    return runs


def main(spec_path: str, result_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text("utf-8"))
    preload()
    baseline = maxrss_mib()
    result: dict = {"rss_after_import_mib": baseline}
    try:
        if spec["mode"] == "library":
            result["runs"] = run_library(spec["profile"], spec["reps"])
        elif spec["mode"] == "cli":
            result["runs"] = run_cli(spec["argv"], spec["reps"])
        elif spec["mode"] == "whole":
            result["runs"] = run_whole(spec["profile"], spec["reps"])
        elif spec["mode"] == "batch":
            result["runs"] = run_batch(spec["count"], spec["seed"])
        else:
            raise ValueError(f"unknown mode {spec['mode']!r}")
    except Exception:  # reported in the bench's notes, not as a crash
        result["error"] = traceback.format_exc(limit=1).strip().splitlines()[-1]
    result["peak_growth_mib"] = maxrss_mib() - baseline
    # Commands that solve in a process pool (whatif) use memory outside this process:
    result["children_peak_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    Path(result_path).write_text(json.dumps(result), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
