"""The week-by-week table `runcal plan` prints, and the readiness lines under it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from .domain import Kind, Plan, Profile
from .planfile import PROPS

LETTER = {Kind.EASY: "E", Kind.LONG: "L", Kind.QUALITY: "Q", Kind.RACE: "R", Kind.STRENGTH: "S", Kind.REHAB: "P"}
LEGEND = "E easy run · L long run · Q quality run · R race · S strength · P physio rehab · - rest day"


def week_table(plan: Plan) -> str:
    return _table([(w.index, w.monday, w.period) for w in plan.weeks],
                  [(s.start.date(), s.week, s.kind, s.minutes) for s in plan.sessions])


def file_week_table(plan) -> str:
    """The same table for a plan as its file says it is now (a `check.PlanFile`: after a re-plan,
    with the runner's own moves): a week's period is the one its sessions name."""
    periods: dict[int, str] = {}
    for s in plan.sessions:
        periods.setdefault(plan.week_of(s.day), s.prop(PROPS.PERIOD) or "")
    weeks = [(w, plan.first_day_of(w), periods.get(w) or ("injury" if plan.injured_week(w) else "-"))
             for w in plan.weeks]
    return _table(weeks, [(s.day, plan.week_of(s.day), s.kind, s.seconds // 60) for s in plan.sessions])


def _table(weeks: list[tuple[int, dt.date, str]], sessions: list[tuple[dt.date, int, Kind, int]]) -> str:
    by_day: dict[dt.date, list[str]] = defaultdict(list)
    for day, _, kind, _ in sorted(sessions, key=lambda s: s[0]):
        by_day[day].append(LETTER[kind])
    first = weeks[0][1]
    names = [(first + dt.timedelta(days=i)).strftime("%a") for i in range(7)]
    lines = [f"{'Week':>4}  {'Starts':<10}  {'Period':<8}  " + " ".join(f"{n:<3}" for n in names)
             + "  Run min  Long  Strength  Rest"]
    for index, monday, period in weeks:
        cells = ["+".join(by_day[monday + dt.timedelta(days=i)]) or "-" for i in range(7)]
        minutes = sum(m for _, w, kind, m in sessions if w == index and kind in (Kind.EASY, Kind.LONG, Kind.QUALITY))
        long_run = max((m for _, w, kind, m in sessions if w == index and kind is Kind.LONG), default=0)
        strength = sum(1 for _, w, kind, _ in sessions if w == index and kind is Kind.STRENGTH)
        rest = sum(1 for c in cells if c == "-")
        lines.append(f"{index:>4}  {monday.isoformat():<10}  {period:<8}  "
                     + " ".join(f"{c:<3}" for c in cells)
                     + f"  {minutes:>7}  {long_run or '-':>4}  {strength:>8}  {rest:>4}")
    lines.append(LEGEND)
    return "\n".join(lines)


def readiness_lines(plan: Plan) -> str:
    """Each race, ready or not, with the numbers (solver/readiness.py) and, when not, the offers."""
    return "\n".join(f"Readiness: {r.line()}" for r in plan.readiness)
def race_time_notes(profile) -> list[str]:
    """A race start time inside a spring-forward gap, and when the race is then (domain.wall_clock)."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(profile.timezone)
    return [note for race in profile.races if (note := race.start_note(zone))]


def room_notes(profile: Profile) -> list[str]:
    """When the runner's week cannot hold the sessions they asked for: how many it holds and why."""
    from .periodization import session_room

    room = session_room(profile)
    if room >= profile.sessions_per_week:
        return []
    rest = profile.rules.rest_days_min
    return [f"your availability holds at most {room} sessions a week, not the {profile.sessions_per_week} of "
            f"sessions_per_week: R5 keeps {rest} rest day{'s' * (rest != 1)} and a day holds a run and a strength "
            f"session only when its windows keep them 8 h apart (R3); the plan has at most {room} (R2 is an upper "
            f"bound). Fix: give a day a second window 8 h from its first, or lower sessions_per_week to {room}"]


def dropped_lines(plan: Plan) -> str:
    return "\n".join(f"Note: {d}" for d in plan.dropped)


def status_line(plan: Plan) -> str:
    return (f"Solver: {plan.status} (objective {plan.objective}), model built in {plan.build_seconds:.2f} s, "
            f"solved in {plan.solve_seconds:.2f} s; {len(plan.sessions)} sessions over {len(plan.weeks)} weeks.")
