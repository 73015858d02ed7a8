"""The printed table, the summary ratios with the project's targets, and the JSON figures."""

from __future__ import annotations

import os
import re
import statistics
import textwrap
from dataclasses import asdict

# (case key, what, most allowed value, measure): "ratio" is the whole-process median over the import
# floor; "p95" the 95th percentile of a batch's process times over the floor; "max s" its slowest
# process in seconds; "vs KEY" the in-process median over that of case KEY.
TARGETS = (
    ("plan16", "16-week plan", 2.0, "ratio"),
    ("plan52", "52-week plan", 4.0, "ratio"),
    ("replan_session", "re-plan, missed session", 2.0, "ratio"),
    ("replan_week", "re-plan, missed week", 2.0, "ratio"),
    *((f"sample_{k}", f"sample {k} + busy", 2.0, "ratio") for k in ("marathon", "half", "10k")),
    *((f"replan_{k}_{w}", f"replan {k}, {w}", 2.0, "ratio")
      for k in ("marathon", "half", "10k") for w in ("session", "week", "calendar")),
    ("whatif_marathon", "whatif marathon, 4 scen.", 4.0, "ratio"),
    ("runner_batch", "runner batch, median", 1.5, "ratio"),
    ("runner_batch", "runner batch, p95", 3.0, "p95"),
    ("runner_batch", "runner batch, slowest (s)", 10.0, "max s"),
    ("cliff", "cliff / whole model", 1.0, "vs cliff_whole"),
)
COLUMNS = (  # header, width, right-aligned
    ("case", 30, False), ("process", 9, True), ("×floor", 7, True), ("in-proc", 9, True),
    ("×floor", 7, True), ("build", 8, True), ("solve", 8, True), ("peak MiB", 8, True),
    ("+MiB", 6, True), ("status", 15, False), ("objective", 9, False),
)
DASH = "—"
LEGEND = ("Columns: process = whole `runcal` process, spawn to exit; in-proc = the same work in a warm "
          "interpreter (batch: total); ×floor = ratio to the import floor; build/solve = model build and "
          "CP-SAT solve (median); peak MiB = the process's max RSS; +MiB = in-process peak RSS growth "
          "after imports.")


def _secs(value: float | None) -> str:
    return DASH if value is None else f"{value:.2f} s"


def _ratio(value: float | None, base: float | None) -> str:
    return DASH if value is None or not base else f"{value / base:.1f}×"


def _mib(value: float | None) -> str:
    return DASH if value is None else f"{value:.0f}"


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def floor_seconds(results) -> float | None:
    floor = next((r for r in results if r.key == "floor"), None)
    return floor.process.median if floor and floor.process else None


def _sides(result):
    return [s for s in (result.process, result.inproc) if s is not None]


def status_of(result) -> str:
    """One status for the row: the batch counts its profiles, other rows agree across runs."""
    if result.key == "batch" and result.inproc and result.inproc.statuses:
        statuses = result.inproc.statuses
        return f"{statuses.count('optimal')}/{len(statuses)} optimal"
    if result.key == "runner_batch" and result.process and result.process.statuses:
        statuses = result.process.statuses
        return f"{statuses.count('optimal')}/{len(statuses)} optimal"
    seen = list(dict.fromkeys(s for side in _sides(result) for s in side.statuses))
    return ",".join(seen) or ("error" if any(s.error for s in _sides(result)) else DASH)


def objective_of(result) -> str:
    if result.key in ("floor", "floor_quick", "batch", "runner_batch"):
        return DASH
    seen = list(dict.fromkeys(o for side in _sides(result) for o in side.objectives))
    return ",".join(seen) or DASH


def _build_solve(result) -> tuple[float | None, float | None]:
    for side in (result.inproc, result.process):
        if side and side.builds:
            return _median(side.builds), _median(side.solves)
    return None, None


def row_cells(result, floor: float | None) -> list[str]:
    if result.unavailable or result.error:
        return [result.label, result.unavailable or result.error]
    proc, inproc = result.process, result.inproc
    proc_t = proc.median if proc else None
    inproc_t = sum(inproc.walls) if result.key == "batch" and inproc and inproc.walls else (inproc.median if inproc else None)
    build, solve = _build_solve(result)
    return [result.label, _secs(proc_t), _ratio(proc_t, floor), _secs(inproc_t), _ratio(inproc_t, floor),
            _secs(build), _secs(solve), _mib(proc.peak_mib if proc else None),
            _mib(inproc.peak_mib if inproc else None), status_of(result), objective_of(result)]


def _line(cells: list[str]) -> str:
    if len(cells) == 2:  # an unavailable row: label, then the reason
        return f"{cells[0]:<{COLUMNS[0][1]}}  {cells[1]}"
    parts = [f"{c:>{w}}" if right else f"{c:<{w}}" for c, (_, w, right) in zip(cells, COLUMNS)]
    return "  ".join(parts).rstrip()


def targets(results) -> list[dict]:
    """Each target with its measured value and verdict ("met", "missed", or "n/a")."""
    floor = floor_seconds(results)
    by_key = {r.key: r for r in results}
    verdicts = []
    for key, what, limit, measure in TARGETS:
        value = _measured(by_key.get(key), measure, floor, by_key)
        verdict = "n/a (not measured)" if value is None else ("met" if value <= limit else "missed")
        verdicts.append({"what": what, "limit": limit, "ratio": value, "verdict": verdict, "measure": measure})
    verdicts.append(_all_optimal(results))
    return verdicts


def _measured(r, measure: str, floor: float | None, by_key: dict) -> float | None:
    if r is None:
        return None
    if measure.startswith("vs "):
        other = by_key.get(measure[3:])
        a, b = (x.inproc.median if x and x.inproc and not x.inproc.error else None for x in (r, other))
        return a / b if a is not None and b else None
    side = r.process
    if side is None or side.error or not side.walls:
        return None
    if measure == "max s":
        return max(side.walls)
    t = percentile(side.walls, 95) if measure == "p95" else side.median
    return t / floor if floor else None


def percentile(values: list[float], pct: float) -> float:
    """The nearest-rank percentile (the value below which pct % of the runs fall)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, -(-len(ordered) * pct // 100) - 1))]


def _is_optimal(status: str) -> bool:
    """"optimal", or "N/N optimal" for a case with several solves (whatif scenarios)."""
    return status == "optimal" or re.fullmatch(r"(\d+)/\1 optimal", status) is not None


def _all_optimal(results) -> dict:
    measured = [r for r in results if not r.unavailable and r.key not in ("floor", "floor_quick")]
    failed = [r.label for r in measured if r.error or any(side.error for side in _sides(r))]
    # A generated runner whose calendar leaves no plan gets a proof of that (exit 1, the blocking
    # rule), not a plan: an exact answer, counted apart.
    not_optimal = [r.label for r in measured
                   if any(not _is_optimal(s) and s != "no plan" for side in _sides(r) for s in side.statuses)]
    no_plan = sum(s == "no plan" for r in measured for side in _sides(r) for s in side.statuses)
    bad = list(dict.fromkeys(not_optimal + failed))
    verdict = "missed; not optimal: " + ", ".join(bad) if bad else ("met" if measured else "n/a (not measured)")
    if no_plan and not bad:
        verdict += f" ({no_plan} generated runner(s) proven to have no plan)"
    return {"what": "all OPTIMAL", "limit": None, "ratio": None, "verdict": verdict}


def ratio_52_16(results) -> dict:
    by_key = {r.key: r for r in results}
    a, b = by_key.get("plan52"), by_key.get("plan16")
    if not (a and b and a.process and b.process):
        return {}
    figures = {
        "process": (a.process.median, b.process.median),
        "in-process": (a.inproc.median if a.inproc else None, b.inproc.median if b.inproc else None),
        "build": (_build_solve(a)[0], _build_solve(b)[0]),
        "solve": (_build_solve(a)[1], _build_solve(b)[1]),
    }
    return {k: x / y for k, (x, y) in figures.items() if x is not None and y}


def render(results, *, reps: int, batch: int, busy_events: int, load: tuple[float, float],
           runners: int = 0) -> str:
    floor = floor_seconds(results)
    lines = [f"runcal benchmark — median of {reps} run(s) per case; batch of {batch} profiles solved once each; "
             f"busy calendar: {busy_events} events",
             f"{os.cpu_count()} cores; 1-minute load average {load[0]:.1f} at start, {load[1]:.1f} at end "
             "(other work on the machine inflates every time)",
             "import floor: median of its runs before and after all the other cases",
             "",
             _line([h for h, _, _ in COLUMNS])]
    lines.append("-" * len(lines[-1]))
    lines += [_line(row_cells(r, floor)) for r in results]
    lines += ["", *textwrap.wrap(LEGEND, 110)]
    lines += _batch_lines(results, floor)
    lines += _runner_batch_lines(results, floor)
    lines += ["", "Ratios and targets (whole process / import floor):"]
    for t in targets(results):
        unit = " s" if t.get("measure") == "max s" else "×"
        shown = f"{t['ratio']:.1f}{unit}" if t["ratio"] is not None else DASH
        limit = f"target ≤ {t['limit']:g}{unit}" if t["limit"] else "target"
        lines.append(f"  {t['what']:<26} {shown:>7}   {limit:<14} {t['verdict']}")
    r = ratio_52_16(results)
    if r:
        lines.append("  t(52 weeks) / t(16 weeks): " + ", ".join(f"{k} {v:.1f}×" for k, v in r.items()))
    else:
        lines.append("  t(52 weeks) / t(16 weeks): n/a (needs the 16- and 52-week plan rows; not run with --quick)")
    lines += _notes(results)
    return "\n".join(lines)


def _batch_lines(results, floor: float | None) -> list[str]:
    r = next((r for r in results if r.key == "batch" and r.inproc and r.inproc.walls), None)
    if r is None:
        return []
    side = r.inproc
    s, per = side.statuses, side.median
    lines = ["", f"Batch: {len(s)} profiles in {sum(side.walls):.1f} s, median {per:.2f} s per profile "
                 f"({_ratio(per, floor)} floor), slowest {max(side.walls):.2f} s; "
                 f"optimal {s.count('optimal')}, feasible {s.count('feasible')}, no plan {s.count('no plan')}"]
    odd = [f"{name} ({status}, {wall:.1f} s)" for name, status, wall in zip(side.names, s, side.walls)
           if status != "optimal"]
    if odd:
        lines.append("  not optimal: " + ", ".join(odd) + " — regenerate with bench/inputs.py batch_profiles()")
    return lines


def _runner_batch_lines(results, floor: float | None) -> list[str]:
    r = next((r for r in results if r.key == "runner_batch" and r.process and r.process.walls), None)
    if r is None:
        return []
    side, s = r.process, r.process.statuses
    walls = side.walls
    lines = ["", f"Runner batch: {len(walls)} generated runners (Google-style busy calendars, B races), one "
                 f"`runcal plan` process each: median {side.median:.2f} s ({_ratio(side.median, floor)} floor), "
                 f"p95 {percentile(walls, 95):.2f} s ({_ratio(percentile(walls, 95), floor)}), "
                 f"slowest {max(walls):.2f} s; optimal {s.count('optimal')}, feasible {s.count('feasible')}, "
                 f"no plan {s.count('no plan')}"]
    slowest = sorted(zip(walls, side.names), reverse=True)[:5]
    lines.append("  slowest: " + ", ".join(f"{name} {wall:.2f} s" for wall, name in slowest))
    odd = [f"{name} ({status})" for name, status in zip(side.names, s) if status not in ("optimal", "no plan")]
    if odd:
        lines.append("  not optimal: " + ", ".join(odd) + " — regenerate with bench/runner_inputs.py runner_profiles()")
    return lines


def _notes(results) -> list[str]:
    notes = [f"  {r.label}: {side.error}" for r in results for side in _sides(r) if side.error]
    notes += [f"  {r.label}: {r.error}" for r in results if r.error]
    notes += [f"  {r.label}: solves in child processes (largest peak {r.inproc.children_peak_mib:.0f} MiB); "
              "peak MiB is the largest single process of the tree, +MiB the parent's growth only"
              for r in results if r.inproc and r.inproc.children_peak_mib]
    return ["", "Notes:", *notes] if notes else []


def figures(results, reps: int) -> dict:
    floor = floor_seconds(results)
    out = []
    for r in results:
        entry = {"key": r.key, "label": r.label, "unavailable": r.unavailable, "error": r.error,
                 "status": None if r.unavailable or r.error else status_of(r)}
        for name in ("process", "inproc"):
            side = getattr(r, name)
            if side is not None:
                entry[name] = {**asdict(side), "median": side.median,
                               "ratio_to_floor": side.median / floor if side.median and floor else None}
        out.append(entry)
    return {"reps": reps, "import_floor_s": floor, "cases": out, "targets": targets(results),
            "ratio_52w_16w": ratio_52_16(results)}
