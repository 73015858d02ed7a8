"""Timing and memory of child processes, and parsing what runcal prints."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ProcRun:
    """One child process: wall time from spawn to reap, its own peak RSS, exit code, output."""

    wall: float
    maxrss_mib: float
    returncode: int
    timed_out: bool
    stdout: str
    stderr: str
    cpu: float = 0.0  # user + system seconds of the child (and the children it waited for)


def run_process(argv: list[str], *, timeout: float, cwd: str | None = None,
                env: dict[str, str] | None = None) -> ProcRun:
    """Run argv and reap it with os.wait4, whose rusage is this child's alone (ru_maxrss in KiB
    on Linux) — unlike RUSAGE_CHILDREN, which is a high-water mark over every child so far."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        killed = threading.Event()
        began = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, cwd=cwd, env=env)

        def kill() -> None:
            killed.set()
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - began
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        out.seek(0)
        err.seek(0)
        return ProcRun(wall, usage.ru_maxrss / 1024, proc.returncode, killed.is_set(),
                       out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                       usage.ru_utime + usage.ru_stime)


_STATUS = re.compile(r"Solver: (?P<status>\w+) \(objective (?P<objective>-?\d+)\)"
                     r"(?:, model built in (?P<build>[\d.]+) s, solved in (?P<solve>[\d.]+) s)?")

_WROTE = re.compile(r"^Wrote .* \((optimal|feasible)\)", re.MULTILINE)
_CHANGE = re.compile(r"^(moved|resized|dropped|added|unchanged):\s", re.MULTILINE)  # replan's diff lines


@dataclass(frozen=True)
class SolverReport:
    status: str | None = None  # "optimal", "feasible", "4/4 optimal", ...
    objective: str | None = None
    build: float | None = None
    solve: float | None = None


def parse_output(stdout: str) -> SolverReport:
    """Status, objective and build/solve seconds from a `Solver: …` line (plan), a `Wrote … (status)`
    line (replan), or JSON output (whatif --format json) holding an object with a "status" per scenario."""
    found = list(_STATUS.finditer(stdout))
    if len(found) == 1:
        m = found[0]
        return SolverReport(m["status"], m["objective"], _float(m["build"]), _float(m["solve"]))
    if len(found) > 1:
        return _combine([{"status": m["status"], "objective": m["objective"]} for m in found])
    wrote = _WROTE.search(stdout)
    if wrote:  # replan: "Wrote OUT.ics (optimal)"; its objective is lexicographic, so count changes
        changed = sum(1 for m in _CHANGE.finditer(stdout) if m[1] != "unchanged")
        return SolverReport(wrote[1], f"{changed} changed")
    try:
        data = json.loads(stdout)
    except ValueError:
        return SolverReport()
    return _combine(list(_status_objects(data)))


def _float(text: str | None) -> float | None:
    return float(text) if text else None


def _status_objects(data: Any):
    if isinstance(data, dict):
        if "status" in data:
            yield data
            return
        for value in data.values():
            yield from _status_objects(value)
    elif isinstance(data, list):
        for value in data:
            yield from _status_objects(value)


def _combine(items: list[dict]) -> SolverReport:
    """Several solves (one per scenario): "3/4 optimal", objectives joined with "/"."""
    if not items:
        return SolverReport()
    optimal = sum(1 for i in items if str(i.get("status")).lower() == "optimal")
    objectives = "/".join(str(i.get("objective", "?")) for i in items)
    return SolverReport(f"{optimal}/{len(items)} optimal", objectives)
