"""The plan's soft objective, recomputed from what the plan holds: a second opinion on the solver's.

docs/RULES.md's soft preferences, each charged as the model charges it (solver/model.py's soft
rules), but counted here on the sessions of a plan — the .ics as the checker reads it
(check.PlanFile) or a solved Plan — with no model code, so that a wrong charge in the model and
a wrong count here do not hide each other (tests/test_objective.py asserts the two agree):

- time_of_day: a session starting h whole hours from run_time (runs) or strength_time (strength,
  rehab) costs weight_time · min(h, 6); met when it starts less than an hour away.
- long_run_day: a long run off long_run_day costs weight_long_run_day.
- recovery_48h: two consecutive sessions of one kind group (strength and rehab; long and quality
  runs) less than 48 h apart, end to start, cost weight_recovery_48h (R4 allows 24-48 h).
- spread: two calendar days in a row that both hold a session (a race too) cost weight_spread.
- placed: a planned session left out costs its kind's weight, above every preference (only when
  the week's planned sessions are given: they are the periodization's, not in the file).

The weights of `placed` are the model's DROP_WEIGHT, copied on purpose (this is its independent
definition); the others are the profile's [preferences].
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .domain import WEEKDAYS, Kind, Profile

TIME_CAP_HOURS = 6  # "per hour away, capped": a runner free only in the evening is not pushed to the weekend
PREFER_GAP = dt.timedelta(hours=48)
GROUPS = ((Kind.STRENGTH, Kind.REHAB), (Kind.LONG, Kind.QUALITY))  # R4's "same session"; races are fixed
PLACED_WEIGHT = {Kind.LONG: 1500, Kind.QUALITY: 1200, Kind.EASY: 1000, Kind.STRENGTH: 800, Kind.REHAB: 800}
PREFERENCES = ("time_of_day", "long_run_day", "recovery_48h", "spread", "placed")


@dataclass(frozen=True)
class Slot:
    """A session as the objective sees it: its kind, its local start and end, their instants."""

    kind: Kind
    start: dt.datetime  # zone-aware, the runner's zone
    end: dt.datetime

    @property
    def utc_start(self) -> dt.datetime:
        return self.start.astimezone(dt.timezone.utc)

    @property
    def utc_end(self) -> dt.datetime:
        return self.end.astimezone(dt.timezone.utc)


@dataclass(frozen=True)
class Charge:
    preference: str  # one of PREFERENCES
    cost: int
    what: str  # in words, for the runner


@dataclass(frozen=True)
class Tally:
    """Each preference: how often it applied, the charges it made."""

    applied: dict[str, int]
    charges: tuple[Charge, ...]

    @property
    def total(self) -> int:
        return sum(c.cost for c in self.charges)

    def met(self, preference: str) -> int:
        """Times the preference applied and cost nothing."""
        return self.applied[preference] - sum(1 for c in self.charges if c.preference == preference)


def tally(profile: Profile, slots: Iterable[Slot], days: list[dt.date],
          planned: Mapping[tuple[int, Kind], int] | None = None, week_of=None) -> Tally:
    """The objective of a plan of `slots` over `days` (every plan day, in order). With `planned`
    ((week, kind) -> sessions the week was meant to hold) and `week_of` (a day's plan week), the
    sessions left out are charged too."""
    slots = sorted(slots, key=lambda s: s.utc_start)
    sessions = [s for s in slots if s.kind is not Kind.RACE]
    parts = [_time_of_day(profile, sessions), _long_run_day(profile, sessions), _recovery(profile, sessions),
             _spread(profile, slots, days)]
    if planned is not None:
        parts.append(_placed(sessions, planned, week_of))
    return Tally({name: n for name, (n, _) in zip(PREFERENCES, parts)}, tuple(c for _, cs in parts for c in cs))


def _time_of_day(profile: Profile, sessions: list[Slot]) -> tuple[int, list[Charge]]:
    prefs, charges = profile.preferences, []
    for s in sessions:
        wanted = prefs.strength_time if s.kind.is_strength else prefs.run_time
        hours = abs(s.start.hour * 60 + s.start.minute - wanted) // 60
        if hours and prefs.weight_time:
            charges.append(Charge("time_of_day", prefs.weight_time * min(TIME_CAP_HOURS, hours),
                                  f"{s.kind.label} {s.start:%Y-%m-%d %H:%M} starts {hours} h from {_hhmm(wanted)}"))
    return len(sessions), charges


def _long_run_day(profile: Profile, sessions: list[Slot]) -> tuple[int, list[Charge]]:
    longs = [s for s in sessions if s.kind is Kind.LONG]
    weight, day = profile.preferences.weight_long_run_day, profile.long_run_day
    return len(longs), [Charge("long_run_day", weight, f"long run {s.start:%Y-%m-%d} is on a {s.start:%A}, not {day}")
                        for s in longs if weight and s.start.weekday() != WEEKDAYS.index(day)]


def _recovery(profile: Profile, sessions: list[Slot]) -> tuple[int, list[Charge]]:
    weight, pairs, charges = profile.preferences.weight_recovery_48h, 0, []
    for group in GROUPS:
        same = [s for s in sessions if s.kind in group]
        for a, b in zip(same, same[1:]):
            pairs += 1
            gap = b.utc_start - a.utc_end
            if weight and gap < PREFER_GAP:
                charges.append(Charge("recovery_48h", weight, f"{b.kind.label} {b.start:%Y-%m-%d %H:%M} starts "
                                      f"{_hours(gap)} after {a.kind.label} {a.start:%Y-%m-%d}, not 48 h"))
    return pairs, charges


def _spread(profile: Profile, slots: list[Slot], days: list[dt.date]) -> tuple[int, list[Charge]]:
    weight = profile.preferences.weight_spread
    trained = {s.start.date() for s in slots}
    return max(0, len(days) - 1), [Charge("spread", weight, f"{a} and {b} both hold a session")
                                   for a, b in zip(days, days[1:]) if weight and a in trained and b in trained]


def _placed(sessions: list[Slot], planned: Mapping[tuple[int, Kind], int], week_of) -> tuple[int, list[Charge]]:
    placed = Counter((week_of(s.start.date()), s.kind) for s in sessions)
    charges = [Charge("placed", (count - placed[(week, kind)]) * PLACED_WEIGHT[kind],
                      f"week {week}: {count - placed[(week, kind)]} of {count} {kind.label} session(s) left out")
               for (week, kind), count in sorted(planned.items(), key=lambda i: (i[0][0], i[0][1].value))
               if count > placed[(week, kind)]]
    return sum(planned.values()), charges


# -- the two ways in: a plan file (as the checker reads it) and a solved plan ----------------------

def file_tally(plan, planned: Mapping[tuple[int, Kind], int] | None = None) -> Tally:
    """The objective of a plan file (a check.PlanFile: the .ics as the checker reads it)."""
    slots = [Slot(s.kind, s.local_start, s.local_end) for s in plan.sessions]
    days = [d for w in plan.weeks for d in plan.week_days(w)]
    return tally(plan.profile, slots, days, planned, lambda day: plan.week_of(day))


def planned_sessions(weeks) -> dict[tuple[int, Kind], int]:
    """(week, kind) -> sessions the periodization meant the week to hold (domain.WeekTarget)."""
    return {(w.index, kind): n for w in weeks for kind, n in w.planned.items() if n}


def plan_tally(plan, with_placed: bool = True) -> Tally:
    """The objective of a solved plan (domain.Plan), its weeks' planned sessions included."""
    weeks = {day: w.index for w in plan.weeks for day in w.days}
    planned = planned_sessions(plan.weeks) if with_placed else None
    return tally(plan.profile, [Slot(s.kind, s.start, s.end) for s in plan.sessions], list(weeks), planned,
                 weeks.__getitem__)


def unmet_lines(t: Tally, most: int = 2) -> list[str]:
    """Short lines, one per preference the plan could not meet every time: how often, at what
    cost, and the first few cases."""
    lines = []
    for name in PREFERENCES:
        mine = [c for c in t.charges if c.preference == name]
        if mine:
            shown = "; ".join(c.what for c in mine[:most]) + ("; …" if len(mine) > most else "")
            lines.append(f"Preference not met: {name} ×{len(mine)} (cost {sum(c.cost for c in mine)}): {shown}")
    return lines


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _hours(gap: dt.timedelta) -> str:
    minutes = int(gap.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min"
