"""The model's instance data: everything a plan is solved from, already in elapsed minutes since
the plan epoch (no file or zone parsing here), and the day arithmetic the rules share.

A session option is (day, kind, start) inside an availability window (solver/options.py makes them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from .busy import BusyEvent
from .domain import WEEKDAYS, Kind, Profile, Race, WeekTarget
from .periodization import plan_start, race_minutes
from .timeline import Timeline


@dataclass(frozen=True, eq=False)
class Option:
    """One place a session could go: real elapsed minutes since the plan epoch. Each option is made
    once, so identity is equality (a field-by-field hash was a tenth of the model build)."""

    day: int
    kind: Kind
    start: int
    end: int
    clock: int  # local wall-clock minute of the start, for time-of-day preferences

    @classmethod
    def _make(cls, day: int, kind: Kind, start: int, end: int, clock: int) -> "Option":
        """The same as Option(...), without the frozen dataclass's per-field __setattr__ (a model
        makes thousands)."""
        o = object.__new__(cls)
        o.__dict__.update(day=day, kind=kind, start=start, end=end, clock=clock)
        return o


@dataclass(frozen=True)
class Busy:
    """A time the runner is not free (busy calendars, done sessions on re-plan), in elapsed minutes."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class FixedSession:
    """A session that is already decided: a race, or a done session when re-planning."""

    kind: Kind
    start: int
    end: int
    label: str
    race: Race | None = None
    context: bool = False  # a session of the block before (decompose.py): keep 48 h from it, not just R4's


@dataclass
class Instance:
    """Everything the model needs, already in elapsed minutes; no file or zone parsing here."""

    profile: Profile
    weeks: tuple[WeekTarget, ...]
    timeline: Timeline
    fixed: tuple[FixedSession, ...] = ()
    busy: tuple[Busy, ...] = ()
    history: History = field(default_factory=lambda: History())
    allow_drops: bool = True  # False: every planned session must be placed, even in busy weeks
    # The last resort before "no plan": any week may leave planned sessions out (the fewest), when
    # the hard rules and the calendar cannot hold them all even where busy time lets weeks do so.
    drops_anywhere: bool = False
    prune: bool = True  # leave out options another option of the same day and kind can always replace
    # A re-plan's steering (replan.py; still data here: it flows through solve.py and decompose.py):
    extra_costs: Callable[[Option], tuple[int, ...]] | None = None  # a re-plan's own levels, per option
    keep_only: tuple[int, frozenset] | None = None  # from this day on, only these (day, kind, start, end) slots
    # Derived data kept across `replace` (the same dict), each entry with the inputs it was made from.
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def epoch(self) -> dt.date:
        """Day 0: the plan's first Monday, also when the instance holds only some of its weeks."""
        return self.timeline.moment(0).date()

    def date(self, day: int) -> dt.date:
        return self.epoch + dt.timedelta(days=day)

    @cached_property
    def trainable_days(self) -> frozenset[int]:
        """Days that might hold a session: an availability window on that weekday, or a fixed session."""
        days = {(d - self.epoch).days for w in self.weeks for d in w.days
                if self.profile.availability[WEEKDAYS[d.weekday()]]}
        return frozenset(days | {(self.timeline.moment(f.start).date() - self.epoch).days for f in self.fixed})



@dataclass(frozen=True)
class Scope:
    """What a model is built for when it is not the whole plan: decompose.py solves some of the plan's
    weeks on their own and evaluates candidate plans. Given to build_model beside the instance, so
    the instance stays the plan's data and the rules read the steering from one argument."""

    only: tuple[Option, ...] | None = None  # exactly these options, to evaluate a candidate plan
    volumes_checked: bool = False  # R6/R8's volumes are constants, already checked on the whole plan
    open_ends: tuple[bool, bool] = (False, False)  # plan weeks come before / after these ones
    trained_before: int = 0  # training days in a row just before the first day (R10)
    # Any plan keeping every hard rule will do (an offer's placement check): no objective, and
    # pruning may leave out options that differ from a kept one only in cost or in soft gaps.
    feasibility: bool = False


WHOLE_PLAN = Scope()


@dataclass(frozen=True)
class History:
    """What a re-plan inherits: the past is fixed (done sessions are FixedSessions too)."""

    first_open_day: int = 0  # no session is placed before this day (today, on re-plan)
    done: dict[tuple[int, Kind], int] = field(default_factory=dict)  # (week, kind) -> sessions done
    done_minutes: dict[int, int] = field(default_factory=dict)  # week -> running minutes done
    done_runs: dict[int, tuple[tuple[Kind, int], ...]] = field(default_factory=dict)  # week -> (kind, minutes) run
    missed_strength: dict[int, int] = field(default_factory=dict)  # week -> strength sessions missed
    # week -> (kind, minutes, day reported) of each run missed: R6, R8 and R11 judge a week by what
    # was known when it began (the checker's reading), so a miss reported later still counts.
    missed_runs: dict[int, tuple[tuple[Kind, int, int], ...]] = field(default_factory=dict)
    done_long_day: dict[int, int] = field(default_factory=dict)  # week -> day of the long run done
    injury_days: frozenset[int] = frozenset()  # R9: days from an injury until cleared: rehab only
    replanning: bool = False  # every week may leave planned sessions out (the fewest possible)

    def done_long(self, week: int) -> int:
        """Minutes of the long run done in the week (0: none)."""
        return max((m for k, m in self.done_runs.get(week, ()) if k is Kind.LONG), default=0)

    def known_runs(self, week: int, as_of: int) -> tuple[tuple[Kind, int], ...]:
        """The week's runs as known on day `as_of`: those done, and those missed but reported only
        on or after that day (docs/ics-format.md: a week is judged by what was known when it began)."""
        late = tuple((k, m) for k, m, reported in self.missed_runs.get(week, ()) if reported >= as_of)
        return self.done_runs.get(week, ()) + late


def build_instance(profile: Profile, weeks: tuple[WeekTarget, ...], busy: tuple[BusyEvent, ...] = (),
                   fixed: tuple[FixedSession, ...] = ()) -> Instance:
    timeline = Timeline.starting(plan_start(profile), profile.timezone)
    blocked = tuple(Busy(timeline.minutes(b.start), timeline.minutes(b.end), b.summary) for b in busy)
    races = []
    for race in profile.races:
        begin = timeline.minutes(race.starts(timeline.zone))  # a start inside a DST gap: domain.wall_clock
        races.append(FixedSession(Kind.RACE, begin, begin + race_minutes(race, profile.level), race.name, race))
    return Instance(profile, weeks, timeline, tuple(races) + tuple(fixed), blocked)


def week_days(inst: Instance, week: WeekTarget) -> range:
    first = (week.monday - inst.epoch).days
    return range(first, first + 7)


def first_day(inst: Instance, week: WeekTarget) -> int:
    return (week.monday - inst.epoch).days


def in_past(inst: Instance, week: WeekTarget) -> bool:
    return (week.monday - inst.epoch).days + 7 <= inst.history.first_open_day


def fixed_day(inst: Instance, f: FixedSession) -> int:
    """The plan day (local calendar date) a fixed session starts on."""
    return (inst.timeline.moment(f.start).date() - inst.epoch).days


def fixed_on(inst: Instance, day: int) -> list[FixedSession]:
    lo, hi = day * 1440 - 180, (day + 1) * 1440 + 180  # a day is 23-25 h; compare by local date below
    date = inst.date(day)
    return [f for f in inst.fixed if lo <= f.start <= hi and inst.timeline.moment(f.start).date() == date]
