"""The CP-SAT model: options → variables → one function per rule → one objective.

A session option is (day, kind, start) inside an availability window. Only neighbouring days can
interact under R3 (8 h) and R4 (≤ 48 h), so those rules are written per option against the
options of the next days, never as all-pairs clauses: at most one run and one strength session
fit a day, which makes "this option excludes every clashing option of that day" a single
linear constraint.
"""

from __future__ import annotations

import datetime as dt
import functools
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from ortools.sat.python import cp_model

from .busy import BusyEvent
from .domain import R3_GAP_MINUTES, RUN_KINDS, STRENGTH_KINDS, WEEKDAYS, Kind, Profile, Race, WeekTarget
from .periodization import current_long_run, plan_start, race_minutes, shape, week_targets
from .ramps import CUTBACK_MAX_PCT, PRE_PLAN_WEEKS, allowed_volume, long_allowed
from .timeline import Timeline

GRID_MINUTES = 15
PREFER_GAP_MINUTES = 48 * 60
TIME_COST_CAP_HOURS = 6
# Leaving a planned session out costs more than every preference of a week together.
DROP_WEIGHT = {Kind.LONG: 1500, Kind.QUALITY: 1200, Kind.EASY: 1000, Kind.STRENGTH: 800, Kind.REHAB: 800}
MAX_SESSIONS_PER_DAY = 2  # one run and one strength session, R3 apart
R4_GROUPS = (STRENGTH_KINDS, (Kind.LONG, Kind.QUALITY))  # R4's "same session": strength, and the hard runs
HARD_RUNS = (Kind.LONG, Kind.QUALITY)  # R12's hard runs and R13's key runs (with races, always fixed)
LADDER_ABOVE = 6  # _clique_sides: running sums once written-out cliques hold 6 literals an option
RANGE_WRITTEN_OUT = 40  # _with_ranges: prefix-sum differences beyond 40 options (a window of 10 h or more)
MAX_PRUNING_ROUNDS = 3  # pruned_options: rounds of dominance (each exact; the 4th to 8th drop 4 % more options, cost more than they save)
LONG_APART_DAYS = 5  # R12: two long runs (or a long run and a race) start at least 5 calendar days apart


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
    prune: bool = True  # leave out options another option of the same day and kind can always replace
    # Solving some of the plan's weeks on their own (decompose.py):
    only: tuple[Option, ...] | None = None  # exactly these options, to evaluate a candidate plan
    volumes_checked: bool = False  # R6/R8's volumes are constants, already checked on the whole plan
    open_ends: tuple[bool, bool] = (False, False)  # plan weeks come before / after these ones
    trained_before: int = 0  # training days in a row just before the first day (R10)
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

    @cached_property
    def blocked_weeks(self) -> frozenset[int]:
        """Weeks in which busy time (plus the buffer) takes away at least one place a session could go."""
        if not self.busy:
            return frozenset()
        return frozenset(o.day // 7 + 1 for o in overlapping_busy(self, _index(session_options(self))))


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


@dataclass
class Variables:
    """The decision variables, named in domain terms so reports can quote them."""

    x: dict[Option, cp_model.IntVar] = field(default_factory=dict)
    by_day: dict[int, list[Option]] = field(default_factory=lambda: defaultdict(list))
    rest: dict[int, cp_model.IntVar] = field(default_factory=dict)
    objective: cp_model.LinearExprT = 0  # the weighted soft preferences, as minimised

    explain: bool = False  # guard every hard constraint by a literal per (rule, week), for explanations
    groups: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)

    def hard(self, model: cp_model.CpModel, constraint: cp_model.BoundedLinearExpression, rule: str, week: int,
             *enforce: cp_model.LiteralT) -> None:
        """Add a hard constraint of `rule`, attributed to plan week `week` (issue: explain "no plan").

        A constraint between constants arrives as a bool: a true one adds nothing, a false one
        an always-false row, so that an explanation can still name it."""
        if isinstance(constraint, bool):
            if constraint:
                return
            constraint = model.new_constant(0) >= 1
        literals = list(enforce)
        if self.explain:
            key = (rule, week)
            if key not in self.groups:
                self.groups[key] = model.new_bool_var(f"{rule}(week={week})")
            literals.append(self.groups[key])
        added = model.add(constraint)
        if literals:
            added.only_enforce_if(literals)

    def at_most_one(self, model: cp_model.CpModel, lits: list[cp_model.IntVar], rule: str, week: int) -> None:
        """A hard at-most-one; as such (no enforcement literal possible) unless explaining."""
        if self.explain:
            self.hard(model, cp_model.LinearExpr.sum(lits) <= 1, rule, week)
        else:
            model.add_at_most_one(lits)

    _options: dict[tuple[int, tuple[Kind, ...]], list[Option]] = field(default_factory=dict)

    _sorted: dict[tuple[int, tuple[Kind, ...], str], "Sorted"] = field(default_factory=dict)

    def by_start(self, day: int, kinds: Iterable[Kind]) -> "Sorted":
        return self._by(day, kinds, "start")

    def by_end(self, day: int, kinds: Iterable[Kind]) -> "Sorted":
        return self._by(day, kinds, "end")

    def _by(self, day: int, kinds: Iterable[Kind], attr: str) -> "Sorted":
        key = (day, kinds if type(kinds) is tuple else tuple(kinds), attr)
        found = self._sorted.get(key)
        if found is None:
            options = sorted(self.options(day, key[1]), key=lambda o: getattr(o, attr))
            found = self._sorted[key] = Sorted(options, [getattr(o, attr) for o in options])
        return found

    _prefixes: dict[tuple, dict[int, cp_model.LinearExprT]] = field(default_factory=dict)

    def prefix_sum(self, model: cp_model.CpModel, key: tuple, seq: list[Option], k: int) -> cp_model.LinearExprT:
        """seq[:k] summed, as a 0/1 variable (a plan holds at most one of seq): the nearest
        shorter prefix made so far plus the options in between. `key` names seq (it is shared
        across rules and days)."""
        made = self._prefixes.setdefault(key, {0: 0})
        if k not in made:
            below = max(j for j in made if j < k)
            total = model.new_bool_var("")
            model.add(total == made[below] + cp_model.LinearExpr.sum([self.x[o] for o in seq[below:k]]))
            made[k] = total
        return made[k]

    def options(self, day: int, kinds: Iterable[Kind]) -> list[Option]:
        """The day's options of these kinds (cached: the rules ask for the same ones many times;
        keyed by the kinds as given, a tuple, which is cheaper to hash than a frozenset)."""
        key = (day, kinds if type(kinds) is tuple else tuple(kinds))
        found = self._options.get(key)
        if found is None:
            found = self._options[key] = [o for o in self.by_day.get(day, ()) if o.kind in key[1]]
        return found


@dataclass(frozen=True)
class Sorted:
    """One day's options ordered by start (or end) minute, for range look-ups by bisection."""

    options: list[Option]
    keys: list[int]

    def before(self, limit: int) -> list[Option]:
        return self.options[:bisect_left(self.keys, limit)]

    def after(self, limit: int) -> list[Option]:
        return self.options[bisect_right(self.keys, limit):]

    def between(self, low: int, high: int) -> list[Option]:
        return self.options[bisect_left(self.keys, low):bisect_left(self.keys, high)]


Terms = list[tuple[cp_model.LinearExprT, int]]
Rule = Callable[[Instance, cp_model.CpModel, Variables], Terms]


def build_instance(profile: Profile, weeks: tuple[WeekTarget, ...], busy: tuple[BusyEvent, ...] = (),
                   fixed: tuple[FixedSession, ...] = ()) -> Instance:
    timeline = Timeline.starting(plan_start(profile), profile.timezone)
    blocked = tuple(Busy(timeline.minutes(b.start), timeline.minutes(b.end), b.summary) for b in busy)
    races = []
    for race in profile.races:
        begin = timeline.minutes(race.starts(timeline.zone))  # a start inside a DST gap: domain.wall_clock
        races.append(FixedSession(Kind.RACE, begin, begin + race_minutes(race, profile.level), race.name, race))
    return Instance(profile, weeks, timeline, tuple(races) + tuple(fixed), blocked)


def planned_instance(profile: Profile, busy: tuple[BusyEvent, ...] = ()) -> Instance:
    """The plan's weeks and instance: periodization, then, when busy time takes whole days from
    some weeks, periodization again with those weeks' free days (fewer runs there: R2 is an upper
    bound), so the planner and the explainer solve the same model."""
    inst = build_instance(profile, week_targets(profile), busy)
    free = free_days(inst)
    return build_instance(profile, week_targets(profile, free_days=free), busy) if free else inst


def session_options(inst: Instance) -> list[Option]:
    """Availability: every start on the 15-minute grid where the whole session fits a window."""
    if inst.only is not None:
        return list(inst.only)
    # Made once per set of weeks: the plan, its strict twin (`replace`) and the busy checks all ask.
    made_from = (inst.weeks, inst.profile, inst.timeline, inst.keep_only)  # compared by identity
    values = (inst.history.first_open_day, inst.history.injury_days)
    slot = ("session_options", id(inst.weeks))  # the entry holds the weeks, so the id stays theirs
    memo = inst.memo.get(slot)
    if memo is None or memo[1] != values or not all(a is b for a, b in zip(memo[0], made_from)):
        memo = inst.memo[slot] = (made_from, values, _session_options(inst))
    return list(memo[2])


def _session_options(inst: Instance) -> list[Option]:
    keep = inst.keep_only
    injury = inst.history.injury_days
    options = []
    make = Option._make
    for w in inst.weeks:
        lengths = [(k, m) for k, d in w.runs.items() for m in sorted(set(d))]
        if w.strength:
            lengths.append((Kind.STRENGTH, inst.profile.durations.strength))
        if w.rehab:
            lengths.append((Kind.REHAB, w.rehab_minutes))
        for day_date in w.days:
            day = (day_date - inst.epoch).days
            if day < inst.history.first_open_day:
                continue
            # R9: nothing but the physio's programme while injured, and only then
            here = [(k, m) for k, m in lengths if (k is Kind.REHAB) == (day in injury)]
            midnight = inst.timeline.plain_day(day_date)
            for window in inst.profile.availability[WEEKDAYS[day_date.weekday()]]:
                close = inst.timeline.day_end(day_date, window.end) if midnight is None else midnight + window.end
                if close is None:
                    continue
                for clock in range(window.start, window.end, GRID_MINUTES):
                    if midnight is not None:
                        start = midnight + clock
                    elif (moment := inst.timeline.local(day_date, clock)) is not None:
                        start = inst.timeline.minutes(moment)
                    else:
                        continue
                    for kind, minutes in here:
                        if start + minutes <= close and (keep is None or day < keep[0]
                                                         or (day, kind, start, start + minutes) in keep[1]):
                            options.append(make(day, kind, start, start + minutes, clock))
    return options


def free_days(inst: Instance) -> dict[int, frozenset[int]]:
    """Plan weeks in which busy time takes every place a run could go on some day with a window:
    week index -> the days of the week (0 = its first) that still have one."""
    if not inst.busy:
        return {}
    options = [o for o in session_options(inst) if o.kind.is_run]
    blocked = set(overlapping_busy(inst, _index(options)))
    windows: dict[int, set[int]] = defaultdict(set)
    free: dict[int, set[int]] = defaultdict(set)
    for o in options:
        windows[o.day // 7 + 1].add(o.day % 7)
        if o not in blocked:
            free[o.day // 7 + 1].add(o.day % 7)
    return {w: frozenset(free[w]) for w, days in windows.items() if free[w] != days}


def pruned_options(inst: Instance) -> list[Option]:
    """The options without those that can never be chosen (busy time, a fixed session's R3/R4, R8's
    strength-free days) and without those another option can always replace at no greater cost.

    For two options of one day, kind and length, the sets of other options each clashes with
    (R3, R4) or lies under 48 h from depend only on where its start falls among the earlier
    neighbours' thresholds (p.end + gap) and its end among the later neighbours' (p.start - gap).
    An earlier option a with the start rank of a later b has b's earlier-side sets and smaller
    later-side ones (hard clashes are a prefix; under-48-h ones end sooner): a plan holding b
    stays feasible with a instead, at no greater cost if a costs no more, level by level. Mirror
    image: a later option with the same end rank. Each dropped option has a replacement with a
    smaller (cost, start), so a chain of replacements ends at a kept option: the optimum is the
    same, only equivalent or worse plans are lost."""
    options = session_options(inst)
    v = _index(options)
    gone = {*overlapping_busy(inst, v), *near_fixed_r3(inst, v), *near_fixed_r4(inst, v), *strength_near_races(inst, v),
            *near_fixed_r12(inst, v), *near_fixed_r13(inst, v), *quality_after_races(inst, v)}
    options = [o for o in options if o not in gone]
    costs = {o: option_costs(inst, o) for o in options}
    groups: dict[int, dict[tuple, list[Option]]] = defaultdict(lambda: defaultdict(list))  # day -> groups
    for o in sorted(options, key=lambda o: o.start):
        groups[o.day][o.kind, o.end - o.start].append(o)
    # Each round keeps the optimum of the options the round started from, so rounds can repeat: an
    # option dropped takes its thresholds with it, which lets more of its neighbours share a rank.
    # Thresholds reach 3 days (R4, R13), so only days that near a drop are looked at again.
    alive = set(options)
    days = set(groups)
    for _ in range(MAX_PRUNING_ROUNDS):
        before, after = _thresholds(inst, _index([o for o in options if o in alive]), days)
        dropped: set[Option] = set()
        for day in days:
            base = day * 1440 - _BIT_OFFSET
            for (kind, _), group in groups[day].items():
                bits = before[day, kind]  # a new rank wherever a threshold t has prev.start < t <= o.start
                starts = [o.start - base for o in group]
                breaks = [i > 0 and (bits >> (starts[i - 1] + 1)) & ((1 << (starts[i] - starts[i - 1])) - 1) != 0
                          for i in range(len(group))]
                dropped.update(_dominated(group, breaks, costs, strict=False))
                bits = after[day, kind]  # mirror image: a new rank wherever prev.end <= t < o.end
                ends = [o.end - base for o in group]
                breaks = [i + 1 < len(group) and (bits >> ends[i]) & ((1 << (ends[i + 1] - ends[i])) - 1) != 0
                          for i in range(len(group))]
                dropped.update(_dominated(group[::-1], [False, *breaks[::-1][1:]], costs, strict=True))
        if not dropped:
            break
        alive -= dropped
        for day in {o.day for o in dropped}:
            groups[day] = {key: kept for key, group in groups[day].items()
                           if (kept := [o for o in group if o not in dropped])}
        days = {d + k for d in {o.day for o in dropped} for k in range(-3, 4)} & set(groups)
    return [o for o in options if o in alive]


def option_costs(inst: Instance, o: Option) -> tuple[int, ...]:
    """An option's own cost at each level of the objective (a re-plan's levels first)."""
    extra = inst.extra_costs(o) if inst.extra_costs else ()
    return (*extra, time_cost(inst, o) + long_day_cost(inst, o))


def _dominated(group: list[Option], breaks: list[bool], costs: dict, strict: bool) -> Iterable[Option]:
    """Options with an earlier one (in `group`'s order) of the same rank (no break between them)
    that costs no more at every level (`strict`: and less at one)."""
    seen: list[tuple[int, ...]] = []
    least = None  # one level (a plan's objective): the least cost seen decides
    for o, new_rank in zip(group, breaks):
        if new_rank:
            seen, least = [], None
        cost = costs[o]
        if len(cost) == 1:
            if least is not None and (least < cost if strict else least <= cost):
                yield o
            elif least is None or cost < least:
                least = cost
        elif any(all(a <= b for a, b in zip(c, cost)) and (c != cost or not strict) for c in seen):
            yield o
        else:
            seen.append(cost)


def _index(options: list[Option]) -> "Variables":
    v = Variables()
    for o in options:
        v.by_day[o.day].append(o)
    return v


_BIT_OFFSET = 3 * 1440  # _thresholds: bit i of a day's threshold set is minute day * 1440 - offset + i


def _thresholds(inst: Instance, v: Variables, days: Iterable[int]) -> tuple[dict, dict]:
    """Per (day, kind), the minutes where the set of clashing or under-48-h options changes, as the
    bits of an int (bit i: minute day * 1440 - _BIT_OFFSET + i): `before` for the option's start
    (earlier options' ends plus a gap), `after` for its end (later options' starts minus a gap). The
    gaps and day ranges are exactly those of R3, R4 and R13 below. A threshold earlier than the
    offset reaches lies before every option of the day, so it tells none from another."""
    recovery = inst.profile.rules.recovery_hours * 60
    key_gap = inst.profile.rules.strength_before_key_hours * 60
    gaps = (recovery, PREFER_GAP_MINUTES)
    marks: dict[tuple, int] = {}

    def shifted(of: int, kinds: tuple[Kind, ...], attr: str, by: int, day: int) -> int:
        """Day `of`'s options of these kinds: their start or end minutes plus `by`, as bits of `day`."""
        key = (of, kinds, attr)
        if key not in marks:
            base = of * 1440 - _BIT_OFFSET
            bits = 0
            for minute in {getattr(o, attr) for o in v.options(of, kinds)}:
                bits |= 1 << (minute - base)
            marks[key] = bits
        move = (of - day) * 1440 + by
        return marks[key] << move if move >= 0 else marks[key] >> -move

    before: dict[tuple[int, Kind], int] = {}
    after: dict[tuple[int, Kind], int] = {}
    for day in [d for d in days if d in v.by_day]:
        for kind in {o.kind for o in v.by_day[day]}:
            other = STRENGTH_KINDS if kind in RUN_KINDS else RUN_KINDS
            low = shifted(day - 1, other, "end", R3_GAP_MINUTES, day) | shifted(day, other, "end", R3_GAP_MINUTES, day)
            high = shifted(day, other, "start", -R3_GAP_MINUTES, day) | shifted(day + 1, other, "start", -R3_GAP_MINUTES, day)
            for ahead, group in _r4_neighbours(kind):
                for gap in gaps:
                    low |= shifted(day - ahead, group, "end", gap, day)
                    high |= shifted(day + ahead, group, "start", -gap, day)
            # R13: a strength option's end against later key runs' starts, a key run's start
            # against earlier strength options' ends.
            for ahead in (0, 1, 2, 3):
                if kind in STRENGTH_KINDS:
                    high |= shifted(day + ahead, HARD_RUNS, "start", -key_gap, day)
                elif kind in HARD_RUNS:
                    low |= shifted(day - ahead, STRENGTH_KINDS, "end", key_gap, day)
            before[day, kind] = low
            after[day, kind] = high
    return before, after


ANY_KIND = "any"  # _r12_apart: every later option


def _r12_apart(kind: Kind, ahead: int) -> Kind | str | None:
    """The options `ahead` days after one of `kind` that R12 never lets into the same plan as it:
    ANY_KIND (hard runs on consecutive days), Kind.LONG (a long run after a long run within
    LONG_APART_DAYS), or None."""
    if kind in HARD_RUNS and ahead == 1:
        return ANY_KIND
    if kind is Kind.LONG and ahead < LONG_APART_DAYS:
        return Kind.LONG
    return None


@functools.cache
def _r4_neighbours(kind: Kind) -> list[tuple[int, tuple[Kind, ...]]]:
    """(days ahead, kinds) whose options R4 and its 48 h preference compare with an option of
    `kind`, up to 3 days (48 h after a late session on a 23-hour day). Pairs R12 already keeps apart
    by calendar day are left out (hard runs on consecutive days, long runs within LONG_APART_DAYS):
    no plan holds both, so their gaps tell no option from another."""
    group = next((g for g in R4_GROUPS if kind in g), ())
    found = []
    for ahead in (1, 2, 3):
        apart = _r12_apart(kind, ahead)
        kinds = () if apart is ANY_KIND else tuple(k for k in group if k is not apart)
        if kinds:
            found.append((ahead, kinds))
    return found


def new_variables(inst: Instance, model: cp_model.CpModel, explain: bool = False) -> Variables:
    v = Variables(explain=explain)
    prune = inst.prune and not explain and inst.only is None
    for o in pruned_options(inst) if prune else session_options(inst):
        v.x[o] = model.new_bool_var(f"{o.kind.value}[day {o.day} {o.clock // 60:02d}:{o.clock % 60:02d}]")
        v.by_day[o.day].append(o)
    for week in inst.weeks:
        for day in _week_days(inst, week):
            v.rest[day] = model.new_bool_var(f"rest[{inst.date(day)}]")
    return v


def _week_days(inst: Instance, week: WeekTarget) -> range:
    first = (week.monday - inst.epoch).days
    return range(first, first + 7)


def _in_past(inst: Instance, week: WeekTarget) -> bool:
    return (week.monday - inst.epoch).days + 7 <= inst.history.first_open_day


def _flexible(inst: Instance, week: WeekTarget) -> bool:
    """A week may leave planned sessions out only when the runner's busy calendar cuts into it;
    when plain availability cannot hold the plan, the runner should hear "no plan" and why."""
    return inst.history.replanning or (inst.allow_drops and week.index in inst.blocked_weeks)


def _fixed_on(inst: Instance, day: int) -> list[FixedSession]:
    lo, hi = day * 1440 - 180, (day + 1) * 1440 + 180  # a day is 23-25 h; compare by local date below
    date = inst.date(day)
    return [f for f in inst.fixed if lo <= f.start <= hi and inst.timeline.moment(f.start).date() == date]


def _clash(a_start: int, a_end: int, b_start: int, b_end: int, gap: int) -> bool:
    """True when the two sessions are less than `gap` minutes apart, end to start, either way."""
    return a_end + gap > b_start and b_end + gap > a_start


def _cliques(first: list[Option], seq: list[Option], count: Callable[[Option], int]) -> Iterable[tuple[list, list]]:
    """For two sets of options of which a plan holds at most one each (one day's strength
    sessions, one day's runs), where each a of `first` clashes with the prefix seq[:count(a)]: the
    maximal cliques, as (the options a whose prefix reaches k, seq[:k]) for each distinct k > 0.
    Every pair in one clashes (within a side: one a day), and every clashing pair is in one."""
    by_count = sorted(((count(a), i) for i, a in enumerate(first)), reverse=True)
    members: list[Option] = []
    for i, (k, j) in enumerate(by_count):
        if k == 0:
            break
        members.append(first[j])
        if i + 1 == len(by_count) or by_count[i + 1][0] != k:
            yield list(members), seq[:k]


def _clique_sides(model: cp_model.CpModel, v: Variables, first: list[Option], seq: list[Option],
                  count: Callable[[Option], int], seq_key: tuple) -> list[list[cp_model.IntVar]]:
    """Each maximal clique of _cliques as 0/1 variables that sum to it. Written out (the options'
    own literals) where that is small; where the cliques would repeat many literals (wide
    windows: every 15 minutes of a long day) each side is one running-sum variable instead
    (v.prefix_sum, and the members summed from the top): the same rows for the LP, in size
    linear in the options rather than quadratic (the every-day-free cliff: 1.2 M literals)."""
    rows = list(_cliques(first, seq, count))
    if sum(len(m) + len(p) for m, p in rows) <= LADDER_ABOVE * (len(first) + len(seq)):
        return [[*(v.x[a] for a in members), *(v.x[b] for b in prefix)] for members, prefix in rows]
    for _, prefix in reversed(rows):  # shortest first: each running sum adds only what is new
        v.prefix_sum(model, seq_key, seq, len(prefix))
    sides, above, seen = [], 0, 0
    for members, prefix in rows:  # member sets grow row by row
        total = model.new_bool_var("")
        model.add(total == above + cp_model.LinearExpr.sum([v.x[a] for a in members[seen:]]))
        above, seen = total, len(members)
        sides.append([total, v.prefix_sum(model, seq_key, seq, len(prefix))])
    return sides


def _with_ranges(model: cp_model.CpModel, v: Variables, o: Option, ranges: list[tuple[tuple, list[Option], int, int]],
                 rule: str, week: int) -> None:
    """At most one of o and the options starting in [low, high) of each (key, seq sorted by start,
    low, high), which are options of one day and group (a plan holds at most one of them). The
    options written out where few; else each range as a difference of prefix sums
    (v.prefix_sum), two terms however wide the window."""
    found = []
    for key, seq, low, high in ranges:
        starts = [b.start for b in seq]  # small lists; bisect on them
        i, j = bisect_left(starts, low), bisect_left(starts, high)
        found.append((key, seq, i, j))
    if sum(j - i for _, _, i, j in found) <= RANGE_WRITTEN_OUT:
        lits = [v.x[b] for _, seq, i, j in found for b in seq[i:j]]
        if lits:
            v.at_most_one(model, [v.x[o], *lits], rule, week)
        return
    within = [v.prefix_sum(model, key, seq, j) - v.prefix_sum(model, key, seq, i) for key, seq, i, j in found if j > i]
    v.hard(model, v.x[o] + cp_model.LinearExpr.sum(within) <= 1, rule, week)


def _prefix_cliques(model: cp_model.CpModel, v: Variables, first: list[Option], seq: list[Option],
                    count: Callable[[Option], int], rule: str, week: int, seq_key: tuple) -> None:
    """At most one of each clique (see _cliques): one row per distinct prefix instead of one per option."""
    for lits in _clique_sides(model, v, first, seq, count, seq_key):
        v.at_most_one(model, lits, rule, week)


# --- hard rules -------------------------------------------------------------------------------

def r1_strength_per_week(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """R1 (Hard): "Aim incorporate 1-2 sessions of resistance training per week alongside running".

    Each week holds between strength_min and its target of strength sessions (the target lies in
    [strength_min, strength_max]); a race week's target is 0 (R8's exception)."""
    low, h = inst.profile.rules.strength_min, inst.history
    for week in inst.weeks:
        lits = [v.x[o] for d in _week_days(inst, week) for o in v.options(d, [Kind.STRENGTH])]
        done = h.done.get((week.index, Kind.STRENGTH), 0)
        v.hard(model, sum(lits) + done <= max(week.strength, done), "R1", week.index)
        floor = min(low, week.strength) if _flexible(inst, week) else week.strength
        if any(d in h.injury_days for d in _week_days(inst, week)):
            floor = 0  # R9's exception: an injury pauses strength too
        # A strength session the runner missed still counts towards the week's minimum: the plan held it.
        floor -= done + h.missed_strength.get(week.index, 0)
        v.hard(model, sum(lits) >= floor, "R1", week.index)
    return []


def r2_replace_dont_add(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """R2 (Hard): "Don't add in extra training sessions, replace a running session with a resistance
    training session". At most the week's planned runs of each kind; runs, races and strength
    together ≤ sessions_per_week."""
    spw = inst.profile.sessions_per_week
    for week in inst.weeks:
        days = _week_days(inst, week)
        for kind in RUN_KINDS:
            options = [o for d in days for o in v.options(d, [kind])]
            wanted = max(0, len(week.runs[kind]) - inst.history.done.get((week.index, kind), 0))
            if _flexible(inst, week):
                v.hard(model, sum(v.x[o] for o in options) <= wanted, "runs", week.index)
            else:
                v.hard(model, sum(v.x[o] for o in options) == wanted, "runs", week.index)
            lengths = Counter(week.runs[kind])
            if len(lengths) > 1:  # runs of one kind but different lengths: each length as planned, at most
                for minutes, count in lengths.items():
                    v.hard(model, sum(v.x[o] for o in options if o.end - o.start == minutes) <= count,
                           "runs", week.index)
        fixed = sum(len(_fixed_on(inst, d)) for d in days)
        every = [v.x[o] for d in days for o in v.by_day.get(d, ())]
        v.hard(model, sum(every) + fixed <= spw, "R2", week.index)
    return []


def one_run_and_one_strength_a_day(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """Hard (R3's "two sessions on one day are allowed only this way"): at most one run and one
    strength session a day; never a second session on a race day."""
    for day in v.by_day:
        fixed = _fixed_on(inst, day)
        for group in (RUN_KINDS, STRENGTH_KINDS):
            lits = [v.x[o] for o in v.options(day, group)]
            if any(f.kind.is_run == (group is RUN_KINDS) for f in fixed):
                v.hard(model, cp_model.LinearExpr.sum(lits) <= 0, "one a day", day // 7 + 1)
            else:
                v.at_most_one(model, lits, "one a day", day // 7 + 1)
    return []


def r3_run_strength_gap(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """R3 (Hard): "Leave at least 8 hours between a run and a resistance training session".

    A strength option excludes every run option of the same and neighbouring days that ends less
    than 8 h before it or starts less than 8 h after it; fixed sessions exclude clashing options."""
    for day in v.by_day:
        strength = v.options(day, STRENGTH_KINDS)
        if not strength:
            continue
        same, before, after = v.options(day, RUN_KINDS), v.by_end(day - 1, RUN_KINDS), v.by_start(day + 1, RUN_KINDS)
        week = day // 7 + 1
        by_length: dict[int, list[Option]] = defaultdict(list)
        for r in sorted(same, key=lambda r: r.start):
            by_length[r.end - r.start].append(r)
        for s in strength:
            # A run of length m clashes when it starts in (s.start - 8 h - m, s.end + 8 h): one
            # range of starts per length.
            ranges = [((day, "R3 same", m), runs, s.start - R3_GAP_MINUTES - m + 1, s.end + R3_GAP_MINUTES)
                      for m, runs in by_length.items()]
            _with_ranges(model, v, s, ranges, "R3", week)
        # Only sessions of neighbouring days can be closer than 8 h: yesterday's runs ending after
        # s.start - 8 h (a suffix by end time), tomorrow's starting before s.end + 8 h (a prefix).
        latest = before.options[::-1]
        _prefix_cliques(model, v, strength, latest, lambda s: len(before.after(s.start - R3_GAP_MINUTES)), "R3", week,
                        (day - 1, RUN_KINDS, "latest"))
        _prefix_cliques(model, v, strength, after.options,
                        lambda s: bisect_left(after.keys, s.end + R3_GAP_MINUTES), "R3", week, (day + 1, RUN_KINDS, "start"))
    for o in near_fixed_r3(inst, v):
        v.hard(model, v.x[o] == 0, "R3", o.day // 7 + 1)
    return []


def r4_same_session_recovery(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """R4 (Hard): "a 24-48-hour rest period between the same session".

    Two strength sessions, or two hard runs (long, quality, race), are at least recovery_hours
    apart, end to start. Soft: each pair of days whose chosen sessions are closer than 48 h costs
    weight_recovery_48h."""
    hours = inst.profile.rules.recovery_hours
    weight = inst.profile.preferences.weight_recovery_48h
    terms: Terms = []
    for group in R4_GROUPS:
        for day in v.by_day:
            mine = v.options(day, group)
            if not mine:
                continue
            # Up to 3 days ahead: 48 h after a late session on a 23-hour DST day reaches day + 3.
            for ahead in (1, 2, 3):
                later = v.by_start(day + ahead, group)
                if not later.options or (_r12_apart(group[0], ahead) is ANY_KIND and not v.explain):
                    continue  # hard runs on consecutive days: R12's row already keeps them apart
                # A later day's session starts after a ends: the clashes are a prefix by start time.
                seq_key = (day + ahead, group, "start")
                _prefix_cliques(model, v, mine, later.options,
                                lambda a: bisect_left(later.keys, a.end + hours * 60), "R4", day // 7 + 1, seq_key)
                if not weight:
                    continue
                under = {a: bisect_left(later.keys, a.end + PREFER_GAP_MINUTES) for a in mine}
                if not any(k > bisect_left(later.keys, a.end + hours * 60) for a, k in under.items()):
                    continue  # no allowed pair of these days is under 48 h
                short = model.new_bool_var(f"r4_prefer_48h({inst.date(day)}+{ahead}d,{group[0].value})")
                terms.append((short, weight))
                # short is 1 when the day's session and the later one are chosen less than 48 h apart
                # (pairs under recovery_hours are never both chosen, so a row may hold them too).
                for lits in _clique_sides(model, v, mine, later.options, under.__getitem__, seq_key):
                    model.add(cp_model.LinearExpr.sum(lits) - 1 <= short)
    for o in near_fixed_r4(inst, v):
        v.hard(model, v.x[o] == 0, "R4", o.day // 7 + 1)
    return terms


def r5_rest_days(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """R5 (Hard): "Ensure you factor in rest days to allow your body to recover".

    rest[d] can be true only when day d holds no session; each week holds ≥ rest_days_min of them
    (nothing forces rest[d] on an empty day: R5, R10 and the spread preference all want it)."""
    for day, rest in v.rest.items():
        if _fixed_on(inst, day):
            model.add(rest == 0)
            continue
        # One clique per kind group (a day holds at most one run and one strength session): a much
        # tighter LP relaxation than a single big-M row over the whole day.
        for group in (RUN_KINDS, STRENGTH_KINDS):
            model.add_at_most_one([*(v.x[o] for o in v.options(day, group)), rest])
    for week in inst.weeks:
        v.hard(model, sum(v.rest[d] for d in _week_days(inst, week)) >= inst.profile.rules.rest_days_min, "R5",
               week.index)
    return []


def week_volume(inst: Instance, v: Variables, week: WeekTarget) -> cp_model.LinearExprT:
    """Running minutes done or placed in the week (races are not training volume). A week that must
    place every planned session has a known volume: a constant keeps R6 and R8 out of the solver."""
    if not _flexible(inst, week):
        return week.run_minutes
    placed = sum((o.end - o.start) * v.x[o] for d in _week_days(inst, week) for o in v.options(d, RUN_KINDS))
    return placed + inst.history.done_minutes.get(week.index, 0)


def r6_build_slowly(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """R6 (Hard): "Build slowly alongside increasing running distance/mileage".

    On the minutes actually placed: each week ≤ its planned cap; ≤ ramp_pct over the week before
    (week 1 over today's weekly_minutes), unless the week before was a cutback (≥ 20 % down),
    after which the volume may return to the week before that; and among any cutback_every
    consecutive weeks without a race or taper, one is a cutback. A week that loses sessions to
    busy time therefore cannot be "made up" by the next."""
    if inst.volumes_checked:
        return []
    rules = inst.profile.rules
    volumes: list[cp_model.LinearExprT] = [inst.profile.weekly_minutes]
    for week in inst.weeks:
        volume = week_volume(inst, v, week)
        i = week.index
        if _in_past(inst, week):  # what was done was done: only later weeks answer to it
            volumes.append(volume)
            continue
        # periodization's cap: R8's taper before an A race and in its week, R6's ramp in the others
        tapered = week.period == "taper" or any(race.priority == "A" for race in week.races)
        v.hard(model, volume <= week.volume_cap, "R8" if tapered else "R6", i)
        if all(isinstance(x, int) for x in volumes):  # the weeks before are over: a known allowance
            # A re-plan late in a week may find more already run than the allowance: then no more.
            allowance = max(allowed_volume(_known_volumes(inst, week, volumes), rules),
                            inst.history.done_minutes.get(i, 0))
            v.hard(model, volume <= allowance, "R6", i)
            volumes.append(volume)
            continue
        # One of R6's three allowances holds (ramps.allowed_volume on known volumes).
        within = model.new_bool_var(f"r6_within_ramp(week={i})")
        v.hard(model, 100 * volume <= (100 + rules.ramp_pct) * volumes[-1], "R6", i, within)
        ways = [within]
        if len(volumes) >= 2:
            back = model.new_bool_var(f"r6_back_after_cutback(week={i})")
            v.hard(model, 100 * volumes[-1] <= CUTBACK_MAX_PCT * volumes[-2], "R6", i, back)
            v.hard(model, volume <= volumes[-2], "R6", i, back)
            ways.append(back)
            # After a week without running, restart_pct of the last week that had running: the
            # latest week not surely empty (if it ran nothing after all, the bound is 0: sound).
            last = next((x for x in reversed(volumes[:-1]) if not (isinstance(x, int) and x == 0)), None)
            if last is not None:
                restart = model.new_bool_var(f"r6_restart(week={i})")
                v.hard(model, volumes[-1] == 0, "R6", i, restart)
                v.hard(model, 100 * volume <= rules.restart_pct * last, "R6", i, restart)
                ways.append(restart)
        model.add_bool_or(ways)
        volumes.append(volume)
    if rules.cutback_every:
        _cutback_windows(inst, model, v, volumes, rules.cutback_every)
    return []


def _first_day(inst: Instance, week: WeekTarget) -> int:
    return (week.monday - inst.epoch).days


def _known_volumes(inst: Instance, week: WeekTarget, volumes: list[int]) -> list[int]:
    """R6's volumes before `week` as known when it began: a run of a week already over that was
    reported missed on or after the week's first day still counts (only the week a re-plan falls
    in can differ from what was done)."""
    if not inst.history.missed_runs:
        return volumes
    as_of = _first_day(inst, week)
    return volumes[:1] + [sum(m for _, m in inst.history.known_runs(w.index, as_of)) if _in_past(inst, w)
                          else volumes[w.index] for w in inst.weeks[:week.index - 1]]


def fixed_volumes_hold(inst: Instance) -> bool:
    """When no week may leave a session out, every week's volume is a constant: R6, R8's taper and
    R11 are then facts about the periodization, true or false without a solver."""
    model = cp_model.CpModel()
    r6_build_slowly(inst, model, Variables())
    _taper_volumes(inst, model, Variables())
    _taper_runs(inst, model, Variables())
    r11_long_run(inst, model, Variables())
    return not model.proto.constraints


def _cutback_windows(inst: Instance, model: cp_model.CpModel, v: Variables, volumes: list, every: int) -> None:
    exempt = {w.index for w in inst.weeks if w.races or w.period == "taper"}
    reduced = {}
    for week in inst.weeks:
        if week.index in exempt:
            continue
        cut = 100 * volumes[week.index] <= CUTBACK_MAX_PCT * volumes[week.index - 1]
        if isinstance(cut, bool):  # both volumes known
            reduced[week.index] = int(cut)
        else:
            reduced[week.index] = model.new_bool_var(f"r6_cutback(week={week.index})")
            model.add(cut).only_enforce_if(reduced[week.index])
    past = {w.index for w in inst.weeks if _in_past(inst, w)}
    for first in range(1, len(inst.weeks) - every + 2):
        window = range(first, first + every)
        if not exempt.intersection(window) and not past.issuperset(window):
            v.hard(model, sum(reduced[i] for i in window) >= 1, "R6", first + every - 1)


def r8_race_preparation(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """R8 (Hard): "Repetitions, sets, volume and load will be dependent on … period of training
    particularly if in preparation for a race". No strength in the race_strength_free_days before a
    race, on race day, nor the day after (volume taper is part of R6's weekly cap)."""
    if not inst.volumes_checked:
        _taper_volumes(inst, model, v)
        _taper_runs(inst, model, v)
    for o in strength_near_races(inst, v):
        v.hard(model, v.x[o] == 0, "R8", o.day // 7 + 1)
    for o in quality_after_races(inst, v):
        v.hard(model, v.x[o] == 0, "R8", o.day // 7 + 1)
    return []


def _taper_runs(inst: Instance, model: cp_model.CpModel, v: Variables) -> None:
    """R8: no taper or race week holds more runs than the week before it, and no run of a race week
    (the race aside) is longer than the longest easy run of the week before."""
    for before, week in zip(inst.weeks, inst.weeks[1:]):
        if (week.period != "taper" and not week.races) or _in_past(inst, week):
            continue
        as_of = _first_day(inst, week)
        reference = _run_count(inst, v, before)
        if _in_past(inst, before):  # over: as known when this week began; what was done here is done
            reference = max(len(inst.history.known_runs(before.index, as_of)),
                            len(inst.history.done_runs.get(week.index, ())))
        v.hard(model, _run_count(inst, v, week) <= reference, "R8", week.index)
        if not week.races:
            continue
        done = [m for k, m in inst.history.known_runs(before.index, as_of) if k is Kind.EASY]
        for length in sorted({m for k in RUN_KINDS for m in week.runs[k]}):
            if max(done, default=0) >= length:
                continue
            if not _flexible(inst, before) and not _in_past(inst, before):
                v.hard(model, max(before.runs[Kind.EASY], default=0) >= length, "R8", week.index)
                continue
            runs = [v.x[o] for d in _week_days(inst, week) for o in v.options(d, RUN_KINDS) if o.end - o.start == length]
            longer = [v.x[o] for d in _week_days(inst, before) for o in v.options(d, [Kind.EASY])
                      if o.end - o.start >= length]
            if runs:
                v.hard(model, sum(runs) <= len(runs) * sum(longer), "R8", week.index)


def _run_count(inst: Instance, v: Variables, week: WeekTarget) -> cp_model.LinearExprT:
    """Runs the week holds (races aside): a constant when it must place every planned session."""
    done = len(inst.history.done_runs.get(week.index, ()))
    if _in_past(inst, week):
        return done
    if not _flexible(inst, week):
        return sum(len(r) for r in week.runs.values())
    return done + sum(v.x[o] for d in _week_days(inst, week) for o in v.options(d, RUN_KINDS))


def strength_near_races(inst: Instance, v: Variables) -> Iterable[Option]:
    """R8: the strength options in the race_strength_free_days before a race, on it and the day after."""
    free = inst.profile.rules.race_strength_free_days
    first = inst.epoch
    for race in inst.profile.races:
        for offset in range(-free, 2):
            yield from v.options((race.date - first).days + offset, [Kind.STRENGTH])


def _taper_volumes(inst: Instance, model: cp_model.CpModel, v: Variables) -> None:
    """Taper weeks stay under taper_pct of the peak, the race week under the last taper_pct. The
    peak is bounded below by the week periodization made the biggest, so this is sound."""
    rules = inst.profile.rules
    segment = 0
    peak: cp_model.LinearExprT = inst.profile.weekly_minutes  # before the first A race with no build week
    for r, week in enumerate(inst.weeks):
        if not any(race.priority == "A" for race in week.races):
            continue
        build = inst.weeks[segment:max(segment, r - rules.taper_weeks)]
        top = None
        if build:  # else back-to-back races: the previous race's peak stands
            # A week that is over counts what was run in it, not what it was planned to hold.
            top = max(build, key=lambda w: inst.history.done_minutes.get(w.index, 0) if _in_past(inst, w)
                      else w.run_minutes)
            peak = week_volume(inst, v, top)
        for k in range(rules.taper_weeks):
            t = r - rules.taper_weeks + k
            if t >= segment and not _in_past(inst, inst.weeks[t]):
                v.hard(model, 100 * week_volume(inst, v, inst.weeks[t])
                       <= _taper_allowance(inst, inst.weeks[t], rules.taper_pct[k], peak, top), "R8", t + 1)
        if not _in_past(inst, week):
            v.hard(model, 100 * week_volume(inst, v, week) <= _taper_allowance(inst, week, rules.taper_pct[-1], peak, top),
                   "R8", r + 1)
        segment = r + 1


def _taper_allowance(inst: Instance, week: WeekTarget, pct: int, peak: cp_model.LinearExprT,
                     top: WeekTarget | None) -> cp_model.LinearExprT:
    """100 × the minutes R8 lets a taper or race week hold: pct of the peak as known when the week
    began (a peak week already over counts the runs reported missed since), and never less than
    what was already run in it (what was run is run; nothing more is added)."""
    if top is not None and _in_past(inst, top):
        peak = max(peak, sum(m for _, m in inst.history.known_runs(top.index, _first_day(inst, week))))
    if isinstance(peak, int):
        return max(pct * peak, 100 * inst.history.done_minutes.get(week.index, 0))
    return pct * peak


def r9_injury(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """R9 (Hard): "Seek a healthcare professional's advice if you sustain an injury"; "Programmes are
    more effective if targeted towards areas of weakness/deficits … being assessed by a
    physiotherapist". From the injury until it is cleared only the physiotherapist's rehab sessions
    are placed (option generation keeps every other kind off those days), at most as many a week as
    the programme asks; they are strength sessions for R3, R4 and R5."""
    for week in inst.weeks:
        if week.rehab:
            lits = [v.x[o] for d in _week_days(inst, week) for o in v.options(d, [Kind.REHAB])]
            v.hard(model, sum(lits) <= week.rehab, "R9", week.index)
    return []


def r10_consecutive_days(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """R10 (Hard): "Ensure you factor in rest days" / "you can risk overloading your tissues".

    Any max_consecutive_days + 1 consecutive days, across week boundaries, hold a rest day."""
    span = inst.profile.rules.max_consecutive_days + 1
    days = sorted(v.rest)
    for i in range(len(days) - span + 1):
        v.hard(model, sum(v.rest[d] for d in days[i:i + span]) >= 1, "R10", days[i + span - 1] // 7 + 1)
    if inst.trained_before:  # the days trained just before count towards the first window
        first = days[:span - inst.trained_before]
        v.hard(model, sum(v.rest[d] for d in first) >= 1, "R10", days[0] // 7 + 1)
    return []


def r11_long_run(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """R11 (Hard): "Build slowly alongside increasing running distance/mileage" — the long run, the
    week's biggest single load, gets its own ramp.

    A long run is at most long_ramp_min minutes or long_ramp_pct % (whichever allows more) longer
    than the longest long run of the three plan weeks before it (weeks before the plan hold the
    runner's current long run), and in a week of three runs or more at most long_share_max % of
    the week's running. Periodization plans the long runs this way; here the rule binds the weeks
    whose sessions may be left out (a dropped long run lowers the reference of the weeks after
    it) and checks the planned ones (constants)."""
    if inst.volumes_checked:
        return []
    rules = inst.profile.rules
    pre = current_long_run(inst.profile)
    longs: list[list[tuple[int, cp_model.LinearExprT]]] = [[(pre, 1)]] * PRE_PLAN_WEEKS
    for week in inst.weeks:
        here = _week_longs(inst, v, week)
        target = week.runs[Kind.LONG][0] if week.runs[Kind.LONG] else 0
        if target and not _in_past(inst, week) and not inst.history.done_long(week.index):
            placed = _long_placed(inst, v, week)
            known = _known_longs(inst, week, longs)
            window = [c for w in known[-PRE_PLAN_WEEKS:] for c in w]
            if any(_sure(lit) and long_allowed(m, rules) >= target for m, lit in window):
                pass  # a long run already run (or planned for sure) is reference enough
            elif not window:  # three weeks without a long run: R11's restart, from the last one before
                last = _last_possible([c for w in known[:-PRE_PLAN_WEEKS] for c in w])
                restart = long_allowed(rules.restart_pct * last // 100, rules)
                v.hard(model, placed * target <= restart, "R11", week.index)
            else:
                enough = [lit for m, lit in window if long_allowed(m, rules) >= target]
                v.hard(model, placed <= sum(enough), "R11", week.index)
            _long_share(inst, model, v, week, placed, target)
        elif inst.history.done_long(week.index) and not _in_past(inst, week) and _flexible(inst, week):
            _done_long_share(inst, model, v, week)
        longs.append(here)
    return []


def _known_longs(inst: Instance, week: WeekTarget, longs: list[list[tuple[int, cp_model.LinearExprT]]]
                 ) -> list[list[tuple[int, cp_model.LinearExprT]]]:
    """R11's long runs before `week` as known when it began: a long run of a week already over
    that was reported missed on or after the week's first day still counts."""
    if not inst.history.missed_runs:
        return longs
    as_of, known = _first_day(inst, week), list(longs)
    for j, w in enumerate(inst.weeks[:week.index - 1]):
        if _in_past(inst, w):
            m = max((m for k, m in inst.history.known_runs(w.index, as_of) if k is Kind.LONG), default=0)
            known[PRE_PLAN_WEEKS + j] = [(m, 1)] if m else []
    return known


def _done_long_share(inst: Instance, model: cp_model.CpModel, v: Variables, week: WeekTarget) -> None:
    """R11's share for a long run already run: the week's other runs are not left out so far that
    it becomes more than long_share_max % of the week, as known when it was run (a run missed
    later still counts)."""
    h, share = inst.history, inst.profile.rules.long_share_max
    long_run, day = h.done_long(week.index), h.done_long_day.get(week.index, _first_day(inst, week))
    late = [m for _, m, reported in h.missed_runs.get(week.index, ()) if reported >= day]
    runs = sum(v.x[o] for d in _week_days(inst, week) for o in v.options(d, RUN_KINDS))
    runs += len(h.done_runs.get(week.index, ())) + len(late)
    three = model.new_bool_var(f"r11_three_runs(week={week.index})")
    model.add(runs <= 2 + 7 * three)
    v.hard(model, 100 * long_run <= share * (week_volume(inst, v, week) + sum(late)), "R11", week.index, three)


def _sure(lit: cp_model.LinearExprT) -> bool:
    return isinstance(lit, int) and lit == 1


def _last_possible(entries: list[tuple[int, cp_model.LinearExprT]]) -> int:
    """The smallest value "the last long run before" can take: any of the latest entries that
    may be left out, back to the latest one that is sure (sound for R11's restart)."""
    values = []
    for minutes, lit in reversed(entries):
        values.append(minutes)
        if _sure(lit):
            break
    else:
        values.append(0)
    return min(values)


def _week_longs(inst: Instance, v: Variables, week: WeekTarget) -> list[tuple[int, cp_model.LinearExprT]]:
    """The week's long run as (minutes, placed: 1, 0 or a literal) for R11's reference."""
    done = inst.history.done_long(week.index)
    if done or _in_past(inst, week):
        return [(done, 1)] if done else []
    if not week.runs[Kind.LONG]:
        return []
    return [(week.runs[Kind.LONG][0], _long_placed(inst, v, week))]


def _long_placed(inst: Instance, v: Variables, week: WeekTarget) -> cp_model.LinearExprT:
    if not _flexible(inst, week):
        return 1
    return sum(v.x[o] for d in _week_days(inst, week) for o in v.options(d, [Kind.LONG]))


def _long_share(inst: Instance, model: cp_model.CpModel, v: Variables, week: WeekTarget,
                placed: cp_model.LinearExprT, target: int) -> None:
    """R11: in a week of three runs or more the long run is at most long_share_max % of it."""
    share = inst.profile.rules.long_share_max
    volume = week_volume(inst, v, week)
    if not _flexible(inst, week):
        runs = sum(len(r) for r in week.runs.values())
        v.hard(model, runs < 3 or 100 * target <= share * volume, "R11", week.index)
        return
    runs = sum(v.x[o] for d in _week_days(inst, week) for o in v.options(d, RUN_KINDS))
    runs += len(inst.history.done_runs.get(week.index, ()))
    three = model.new_bool_var(f"r11_three_runs(week={week.index})")
    model.add(runs <= 2 + 7 * three)
    v.hard(model, 100 * target * placed - share * volume <= 100 * target * (1 - three), "R11", week.index)


def r12_hard_days_apart(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """R12 (Hard): "a 24-48-hour rest period between the same session"; "you can risk overloading
    your tissues".

    Hard runs (quality, long, race) never fall on consecutive calendar days, across week
    boundaries too: the hard options of a day and the next are at most one. Two long runs, or a
    long run and a race, start at least LONG_APART_DAYS calendar days apart: the long options
    of any such span of days are at most one. Fixed sessions (races, sessions done) exclude
    the options next to them."""
    for day in sorted(v.by_day):
        pair = v.options(day, HARD_RUNS) + v.options(day + 1, HARD_RUNS)
        if v.options(day, HARD_RUNS) and v.options(day + 1, HARD_RUNS):
            v.at_most_one(model, [v.x[o] for o in pair], "R12", day // 7 + 1)
        span = [o for d in range(day, day + LONG_APART_DAYS) for o in v.options(d, [Kind.LONG])]
        if len({o.day for o in span}) > 1:
            v.at_most_one(model, [v.x[o] for o in span], "R12", day // 7 + 1)
    for o in near_fixed_r12(inst, v):
        v.hard(model, v.x[o] == 0, "R12", o.day // 7 + 1)
    return []


def near_fixed_r12(inst: Instance, v: Variables) -> Iterable[Option]:
    """R12: hard options on the days next to a fixed hard session; long options within
    LONG_APART_DAYS of a fixed long run or race."""
    for f in inst.fixed:
        if not f.kind.is_hard:
            continue
        day = _fixed_day(inst, f)
        for other in (day - 1, day + 1):
            yield from v.options(other, HARD_RUNS)
        if f.kind in (Kind.LONG, Kind.RACE):
            for other in range(day - LONG_APART_DAYS + 1, day + LONG_APART_DAYS):
                yield from v.options(other, [Kind.LONG])


def quality_after_races(inst: Instance, v: Variables) -> Iterable[Option]:
    """R8 (race recovery): no quality run on the days just after a race (periodization's table)."""
    days = shape().quality_free_days
    for f in inst.fixed:
        if f.kind is Kind.RACE:
            day = _fixed_day(inst, f)
            for other in range(day + 1, day + days + 1):
                yield from v.options(other, [Kind.QUALITY])


def r13_strength_before_key(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """R13 (Hard): "Leave at least 8 hours between a run and a resistance training session";
    "adding in more training to your schedule isn't always helpful".

    From the end of a strength (or rehab) session to the start of the next long run, quality run
    or race: at least strength_before_key_hours. A strength option excludes the key-run options of
    the same and next three days that start after it and before its end plus the gap (a day holds
    one run, so each day's clashes are one at-most-one row). Strength after a key run the same day
    (R3's 8 h later) is untouched: that is the pattern the rule aims for."""
    gap = inst.profile.rules.strength_before_key_hours * 60
    for day in v.by_day:
        strength = v.options(day, STRENGTH_KINDS)
        if not strength:
            continue
        week = day // 7 + 1
        same = v.by_start(day, HARD_RUNS).options
        for s in strength:
            _with_ranges(model, v, s, [((day, HARD_RUNS, "start"), same, s.start, s.end + gap)], "R13", week)
        for ahead in (1, 2, 3):  # a later day's key runs start after s: the clashes are a prefix
            later = v.by_start(day + ahead, HARD_RUNS)
            _prefix_cliques(model, v, strength, later.options, lambda s: bisect_left(later.keys, s.end + gap), "R13", week,
                            (day + ahead, HARD_RUNS, "start"))
    for o in near_fixed_r13(inst, v):
        v.hard(model, v.x[o] == 0, "R13", o.day // 7 + 1)
    return []


def near_fixed_r13(inst: Instance, v: Variables) -> Iterable[Option]:
    """R13: strength options ending too soon before a fixed key run or race; key-run options
    starting too soon after a fixed strength or rehab session."""
    gap = inst.profile.rules.strength_before_key_hours * 60
    for f in inst.fixed:
        day = max(0, f.start // 1440)
        if f.kind.is_hard:
            for other in range(day - 3, day + 1):
                yield from (o for o in v.options(other, STRENGTH_KINDS) if o.start <= f.start < o.end + gap)
        elif f.kind.is_strength:
            for other in range(day, day + 4):
                yield from (o for o in v.options(other, HARD_RUNS) if f.start <= o.start < f.end + gap)


def _fixed_day(inst: Instance, f: FixedSession) -> int:
    """The plan day (local calendar date) a fixed session starts on."""
    return (inst.timeline.moment(f.start).date() - inst.epoch).days


def availability(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """Hard: sessions start and end inside availability windows (only such options exist) and
    never overlap busy time plus the buffer."""
    for o in overlapping_busy(inst, v):
        v.hard(model, v.x[o] == 0, "busy", o.day // 7 + 1)
    return []


def overlapping_busy(inst: Instance, v: Variables) -> Iterable[Option]:
    buffer = inst.profile.rules.busy_buffer_min
    for b in inst.busy:
        for day in range(max(0, b.start // 1440 - 1), b.end // 1440 + 2):
            for o in v.by_day.get(day, ()):
                if o.start < b.end + buffer and b.start - buffer < o.end:
                    yield o


def near_fixed_r3(inst: Instance, v: Variables) -> Iterable[Option]:
    """R3: options less than 8 h from a fixed session (a race, a session already done)."""
    for f in inst.fixed:
        yield from _near(v, f, STRENGTH_KINDS if f.kind.is_run else RUN_KINDS, R3_GAP_MINUTES)


def near_fixed_r4(inst: Instance, v: Variables) -> Iterable[Option]:
    """R4: options of the fixed session's own kind less than recovery_hours from it."""
    for f in inst.fixed:
        if f.kind.is_hard or f.kind.is_strength:
            kinds = STRENGTH_KINDS if f.kind.is_strength else (Kind.LONG, Kind.QUALITY)
            gap = inst.profile.rules.recovery_hours * 60
            if f.context and inst.profile.preferences.weight_recovery_48h:
                gap = PREFER_GAP_MINUTES
            yield from _near(v, f, kinds, gap)


def _near(v: Variables, f: FixedSession, kinds: tuple[Kind, ...], gap: int) -> Iterable[Option]:
    day = max(0, f.start // 1440)
    for other in range(day - 3, day + 4):
        for o in v.options(other, kinds):
            if _clash(f.start, f.end, o.start, o.end, gap):
                yield o


# --- soft preferences ---------------------------------------------------------------------------

def prefer_times_of_day(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """Soft: start runs near run_time and strength near strength_time, per hour away; capped so a
    runner free only in the evening is not pushed onto the weekend by a morning wish."""
    return [(lit, cost) for o, lit in v.x.items() if (cost := time_cost(inst, o))]


def time_cost(inst: Instance, o: Option) -> int:
    prefs = inst.profile.preferences
    wanted = prefs.strength_time if o.kind.is_strength else prefs.run_time
    return prefs.weight_time * min(TIME_COST_CAP_HOURS, abs(o.clock - wanted) // 60)


def prefer_long_run_day(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """Soft: the long run on the runner's preferred day."""
    return [(lit, cost) for o, lit in v.x.items() if (cost := long_day_cost(inst, o))]


def long_day_cost(inst: Instance, o: Option) -> int:
    if o.kind is not Kind.LONG:
        return 0
    off = (inst.epoch.weekday() + o.day) % 7 != WEEKDAYS.index(inst.profile.long_run_day)
    return inst.profile.preferences.weight_long_run_day if off else 0


def prefer_spread(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """Soft: sessions spread over the week — each pair of back-to-back training days costs a little."""
    weight = inst.profile.preferences.weight_spread
    if not weight:
        return []
    terms: Terms = []
    days = sorted(v.rest)
    for a, b in zip(days, days[1:]):
        both = model.new_bool_var(f"back_to_back({inst.date(a)})")
        model.add(both >= 1 - v.rest[a] - v.rest[b])
        terms.append((both, weight))
    # Part of a plan solved block by block (decompose.py): the pair across each open end costs at
    # least weight * (trained before + trained after - 1), charged here as weight * trained on
    # this side; the block before pays the -weight (in decompose.py's bound).
    for day, is_open in zip((days[0], days[-1]), inst.open_ends):
        if is_open:
            terms.append((1 - v.rest[day], weight))
    return terms


HARD_RULES: tuple[Rule, ...] = (
    r1_strength_per_week,
    r2_replace_dont_add,
    one_run_and_one_strength_a_day,
    r3_run_strength_gap,
    r4_same_session_recovery,
    r5_rest_days,
    r6_build_slowly,
    r8_race_preparation,
    r9_injury,
    r10_consecutive_days,
    r11_long_run,
    r12_hard_days_apart,
    r13_strength_before_key,
    availability,
)
def place_planned_sessions(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """Soft, weighted above every other preference: place each planned session. A session is left
    out only when busy time or the hard rules leave it no place; the plan reports it."""
    terms: Terms = []
    for week in inst.weeks:
        days = _week_days(inst, week)
        for kind, count in week.planned.items():
            count -= inst.history.done.get((week.index, kind), 0)
            if count > 0:
                placed = sum(v.x[o] for d in days for o in v.options(d, [kind]))
                terms.append((count - placed, DROP_WEIGHT[kind]))
    return terms


def drop_cost_bound(inst: Instance) -> int:
    """The most place_planned_sessions' terms can cost: every planned session left out."""
    total = 0
    for week in inst.weeks:
        for kind, count in week.planned.items():
            total += max(0, count - inst.history.done.get((week.index, kind), 0)) * DROP_WEIGHT[kind]
    return total


SOFT_RULES: tuple[Rule, ...] = (place_planned_sessions, prefer_times_of_day, prefer_long_run_day, prefer_spread)


def build_model(inst: Instance, explain: bool = False) -> tuple[cp_model.CpModel, Variables]:
    model = cp_model.CpModel()
    v = new_variables(inst, model, explain)
    terms: Terms = []
    for rule in HARD_RULES + SOFT_RULES:
        terms += rule(inst, model, v)
    v.objective = cp_model.LinearExpr.weighted_sum([lit for lit, _ in terms], [coef for _, coef in terms])
    model.minimize(v.objective)
    return model, v
