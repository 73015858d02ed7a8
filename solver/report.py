"""The week-by-week table `runcal plan` prints."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from .domain import Kind, Plan

LETTER = {Kind.EASY: "E", Kind.LONG: "L", Kind.QUALITY: "Q", Kind.RACE: "R", Kind.STRENGTH: "S", Kind.REHAB: "P"}
LEGEND = "E easy run · L long run · Q quality run · R race · S strength · P physio rehab · - rest day"


def week_table(plan: Plan) -> str:
    by_day: dict[dt.date, list[str]] = defaultdict(list)
    for s in sorted(plan.sessions, key=lambda s: s.start):
        by_day[s.start.date()].append(LETTER[s.kind])
    first = plan.weeks[0].monday
    names = [(first + dt.timedelta(days=i)).strftime("%a") for i in range(7)]
    lines = [f"{'Week':>4}  {'Starts':<10}  {'Period':<8}  " + " ".join(f"{n:<3}" for n in names)
             + "  Run min  Strength  Rest"]
    for week in plan.weeks:
        cells = ["+".join(by_day[d]) or "-" for d in week.days]
        minutes = sum(s.minutes for s in plan.sessions if s.week == week.index and s.kind in (Kind.EASY, Kind.LONG, Kind.QUALITY))
        strength = sum(1 for s in plan.sessions if s.week == week.index and s.kind is Kind.STRENGTH)
        rest = sum(1 for c in cells if c == "-")
        lines.append(f"{week.index:>4}  {week.monday.isoformat():<10}  {week.period:<8}  "
                     + " ".join(f"{c:<3}" for c in cells) + f"  {minutes:>7}  {strength:>8}  {rest:>4}")
    lines.append(LEGEND)
    return "\n".join(lines)


def dropped_lines(plan: Plan) -> str:
    return "\n".join(f"Note: {d}" for d in plan.dropped)


def status_line(plan: Plan) -> str:
    return (f"Solver: {plan.status} (objective {plan.objective}), model built in {plan.build_seconds:.2f} s, "
            f"solved in {plan.solve_seconds:.2f} s; {len(plan.sessions)} sessions over {len(plan.weeks)} weeks.")
