"""The pages: plan files in, one self-contained HTML document out (templates/, Jinja2).

Every number on a page is read off the plan file by the independent reader (solver/check.py):
the page shows what the file says, whichever command wrote it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from ..busy import BusyEvent
from ..check import PlanFile, check_calendar, read_plan
from ..domain import Profile
from . import charts
from .charts import Chart
from .diff import Diff, compare
from .rules import RULE_TITLES, Verdict
from .weeks import KIND_LABELS, PERIOD_LABELS, PlanView, plan_view


BAND_SHORT = {"recovery": "Cut", "race": "Race", "taper": "Tap"}  # period names on narrow bands


@dataclass(frozen=True)
class Shown:
    """One plan file as a page section: its weeks, its verdict and its charts."""

    view: PlanView
    verdict: Verdict
    charts: tuple[Chart, ...]
    source: str


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("solver.view", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.globals.update(marker_path=charts.marker_path, kinds=KIND_LABELS, periods=PERIOD_LABELS,
                       rule_titles=RULE_TITLES)
    env.filters["num"] = _num
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


# -- one plan --------------------------------------------------------------------------------

def shown(data: bytes, source: str, profile: Profile | None = None, busy: Sequence[BusyEvent] = (),
          busy_checked: bool = False, diff_against: PlanFile | None = None) -> tuple[Shown, Diff | None]:
    plan = read_plan(data, profile, source)
    verdict = Verdict(tuple(check_calendar(data, plan.profile, source, tuple(busy))), busy_checked)
    diff = compare(plan, diff_against) if diff_against is not None else None
    view = plan_view(plan, Path(source).name, diff.changes if diff else None, diff.ghosts if diff else ())
    return Shown(view, verdict, tuple(plan_charts(view)), source), diff


def plan_page(data: bytes, source: str, profile: Profile | None = None, busy: Sequence[BusyEvent] = (),
              busy_checked: bool = False) -> str:
    """`runcal show PLAN.ics`: the calendar, the charts, the descriptions and the checker's verdict."""
    page, _ = shown(data, source, profile, busy, busy_checked)
    return render("plan.html.j2", page=page, diff=None, before=None, title=_title(page.view))


def replan_page(new: bytes, old: bytes, new_source: str, old_source: str, profile: Profile | None = None,
                busy: Sequence[BusyEvent] = (), busy_checked: bool = False) -> str:
    """`runcal show NEW.ics --against OLD.ics`: the new plan with what the re-plan changed drawn on it."""
    before = read_plan(old, None, old_source)
    page, diff = shown(new, new_source, profile, busy, busy_checked, diff_against=before)
    assert diff is not None
    overlay = [overlay_chart("before-after-volume", "Weekly running minutes, before and after the re-plan",
                             "minutes of running", [("before", "before", before), ("after", "after", page.view.plan)],
                             "volume"),
               overlay_chart("before-after-long", "Long run, before and after the re-plan", "minutes",
                             [("before", "before", before), ("after", "after", page.view.plan)], "long")]
    return render("plan.html.j2", page=page, diff=diff, before=Path(old_source).name, overlay=overlay,
                  title=f"Re-plan of {_title(page.view)}")


def _title(view: PlanView) -> str:
    p = view.plan.profile
    goal = [r for r in p.races if r.priority == "A"] or list(p.races)
    return f"{p.name}'s plan" + (f" — {goal[-1].name}" if goal else "")


def plan_charts(view: PlanView) -> list[Chart]:
    weeks = view.weeks
    n = len(weeks)
    tips = [f"Week {w.index} (from {w.first_day}), {w.period_label}" for w in weeks]
    rules = view.plan.profile.rules

    volume = [w.run_minutes for w in weeks]
    ceiling = [w.r6_ceiling for w in weeks]
    top = max([*volume, *ceiling, *(t.peak_weekly for t in view.targets), 1])
    c1 = Chart("volume", "Weekly running minutes",
               f"Running minutes in each of the {n} plan weeks (bars), the R6 ramp ceiling "
               f"(+{rules.ramp_pct} % over the week before, a return after a cutback, a restart at "
               f"{rules.restart_pct} % after a week without running) and each race's readiness target.",
               "minutes of running", "plan week", n, charts.nice_max(top))
    _bands(c1, weeks)
    over6 = [w.over_r6 for w in weeks]
    c1.bars("volume", "running minutes", volume,
            [f"{t}: {_num(v)} min running" + (f" — above the R6 ceiling of {_num(w.r6_ceiling)}" if w.over_r6 else "")
             for t, v, w in zip(tips, volume, weeks)], "bar-volume", over=over6)
    c1.step("r6-ceiling", "R6 ceiling", ceiling, [f"Week {w.index}: R6 allows at most {_num(w.r6_ceiling)} min"
                                                   for w in weeks], "ceiling")
    for i, t in enumerate(view.targets):
        c1.ref(f"target-{i + 1}", t.peak_weekly, f"{t.race.name}: target {t.peak_weekly} min", t.week)

    longs = [w.long_minutes or None for w in weeks]
    limits = [w.r11.limit for w in weeks]
    top = max([*(v or 0 for v in longs), *limits, *(t.long_run for t in view.targets), 1])
    c2 = Chart("long", "Long run",
               f"The longest long run of each week (points; weeks without one have none), the R11 ceiling "
               f"(at most +{rules.long_ramp_min} min or +{rules.long_ramp_pct} %, whichever allows more, over the "
               f"longest long run of the three weeks before; at most {rules.long_share_max} % of a week of three "
               "runs or more) and each race's long-run target.", "minutes", "plan week", n, charts.nice_max(top))
    _bands(c2, weeks)
    above = [f" — above the R11 ceiling of {_num(w.r11.limit)}" if w.over_r11 else "" for w in weeks]
    c2.line("long-run", "long run", longs,
            [f"{t}: long run {_num(v)} min{a}" if v else f"{t}: no long run" for t, v, a in zip(tips, longs, above)],
            "line-long", over=[w.over_r11 for w in weeks])
    c2.step("r11-ceiling", "R11 ceiling", limits, [_r11_tip(w, rules.long_share_max) for w in weeks], "ceiling")
    for i, t in enumerate(view.targets):
        c2.ref(f"target-{i + 1}", t.long_run, f"{t.race.name}: long run {t.long_run} min", t.week)

    strength = [w.strength for w in weeks]
    rehab = [w.rehab for w in weeks]
    top = max([*strength, *rehab, rules.strength_max, 1])
    c3 = Chart("strength", "Strength sessions per week",
               f"Strength sessions in each week (bars) against R1's {rules.strength_min}–{rules.strength_max} a week "
               "(a race week may hold none; a taper week holds strength_min)"
               + ("; physiotherapist's rehab sessions beside them (R9)." if any(rehab) else "."),
               "sessions", "plan week", n, float(top + 1))
    _bands(c3, weeks)
    split = any(rehab)
    c3.bars("strength", "strength sessions", strength, [f"{t}: {v} strength" for t, v in zip(tips, strength)],
            "bar-strength", offset=-0.2 if split else 0.0, share=0.38 if split else 0.6)
    if split:
        c3.bars("rehab", "rehab sessions", rehab, [f"{t}: {v} rehab" for t, v in zip(tips, rehab)], "bar-rehab",
                offset=0.2, share=0.38)
    c3.ref("r1-max", rules.strength_max, f"R1 max {rules.strength_max}", css="ref ref-rule")
    c3.ref("r1-min", rules.strength_min, f"R1 min {rules.strength_min}", css="ref ref-rule")
    return [c1, c2, c3]


def _r11_tip(w, share_max: int) -> str:
    r = w.r11
    text = f"Week {w.index}: R11 allows a long run of at most {_num(r.limit)} min ({_num(r.ramp)} by the ramp " \
           f"over {_num(r.base)}"
    if r.share is not None:
        text += f"; {share_max} % of {_num(w.run_minutes)} min is {_num(r.share)}"
    return text + ")"


def _bands(chart: Chart, weeks) -> None:
    """Shade runs of weeks in the same period, each with its name."""
    start = 0
    for i in range(1, len(weeks) + 1):
        if i == len(weeks) or weeks[i].period != weeks[start].period:
            w0, w1 = weeks[start], weeks[i - 1]
            span = f"week {w0.index}" if w0 is w1 else f"weeks {w0.index}–{w1.index}"
            chart.band(w0.index, w1.index, w0.period_label, BAND_SHORT.get(w0.period, w0.period_label),
                       f"band band-{w0.period or 'none'}", f"{w0.period_label}, {span}")
            start = i


# -- several plans on one chart (what-if scenarios, a re-plan before and after) ---------------

def overlay_chart(key: str, title: str, y_label: str, plans: Sequence[tuple[str, str, PlanFile]],
                  measure: str) -> Chart:
    """One line per plan (`measure` "volume" or "long"), on a common axis of weeks from the earliest
    plan start; lines differ by dash and marker shape as well as colour, and are named at their ends."""
    first = min(p.first_day for _, _, p in plans)
    offsets = [(p.first_day - first).days // 7 for _, _, p in plans]
    n = max(o + len(p.weeks) for o, (_, _, p) in zip(offsets, plans))
    series = []
    for (key_, name, p), offset in zip(plans, offsets):
        view = plan_view(p, name)
        values = [w.run_minutes if measure == "volume" else (w.long_minutes or None) for w in view.weeks]
        series.append((key_, name, view, values, offset))
    top = max([1.0, *(v for *_, values, _ in series for v in values if v)])
    what = "running minutes of each week" if measure == "volume" else "longest long run of each week"
    chart = Chart(key, title, f"The {what}, one line per plan: " + ", ".join(s[1] for s in series)
                  + f". Weeks counted from {first}.", y_label, f"week from {first}", n, charts.nice_max(top),
                  right=charts.RIGHT_LABELLED)
    for i, (key_, name, view, values, offset) in enumerate(series):
        tips = [f"{name}, week {w.index} (from {w.first_day}): " + (f"{_num(v)} min" if v else "none")
                for w, v in zip(view.weeks, values)]
        chart.line(f"plan-{key_}", name, values, tips, f"line-{i % len(charts.MARKERS)}",
                   charts.MARKERS[i % len(charts.MARKERS)], charts.DASHES[i % len(charts.DASHES)],
                   first_week=offset + 1, end_label=name)
    _spread_end_labels(chart)
    return chart


def _spread_end_labels(chart: Chart, gap: float = 12.0) -> None:
    """Lines that end close together get their names moved apart, so each stays readable."""
    ends = sorted((s.end[1], i) for i, s in enumerate(chart.series) if s.end)
    placed: list[float] = []
    for y, i in ends:
        y = max(y, placed[-1] + gap) if placed else y
        placed.append(y)
        s = chart.series[i]
        chart.series[i] = replace(s, end=(s.end[0], round(y, 1), s.end[2]))


# -- what-if ---------------------------------------------------------------------------------

def whatif_page(rows: list[dict[str, Any]], table: list[tuple[str, list[str]]],
                plans: dict[str, tuple[bytes, Profile, tuple[BusyEvent, ...]]], busy_checked: bool) -> str:
    """Scenarios side by side: `rows` are solver.whatif.summarize's, `table` its comparison table
    (label, one cell per scenario), `plans` each planned scenario's plan file."""
    sections = {}
    for name, (data, profile, busy) in plans.items():
        sections[name], _ = shown(data, f"{name}.ics", profile, busy, busy_checked)
    lines = [(name, name, s.view.plan) for name, s in sections.items()]
    overlay = [overlay_chart("whatif-volume", "Weekly running minutes by scenario", "minutes of running",
                             lines, "volume"),
               overlay_chart("whatif-long", "Long run by scenario", "minutes", lines, "long")] if lines else []
    return render("whatif.html.j2", rows=rows, table=table, sections=sections, overlay=overlay,
                  title=f"What-if: {len(rows)} scenarios")


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
