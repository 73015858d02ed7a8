"""Re-plan after missed sessions, changing as little of the runner's calendar as possible.

The past is fixed: done sessions stay and still constrain the future (R3, R4 across "today",
R5, R10, and R6 counts the volume actually done). The future is solved again with a
lexicographic objective — fewest changed sessions, then fewest dropped, then the smallest
total time shift, then the usual preferences — each level solved to optimality and then held.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import icalendar
from ortools.sat.python import cp_model

from .icsbytes import calendar_bytes
from .busy import BusyEvent
from .describe import describe
from .domain import RUN_KINDS, Kind, Profile, Session, WeekTarget, elapsed_minutes
from .errors import CalendarError, InputError, NoPlanError, SolverTimeout
from . import textprop
from . import ics
from .ics import planned_start
from .model import (Busy, FixedSession, History, Instance, Option, Variables, build_instance, build_model, drop_cost_bound,
                    place_planned_sessions)
from .offers import needs_offers, offers_for
from .periodization import Ran, week_targets
from .readiness import WeekLoad, assess_loads
from .profile import profile_digest
from .rehab import Rehab
from .shaping import shaped
from .replan_diff import Reason, ReplanResult, Slot, why_dropped, why_moved, why_resized
from .report import file_week_table
from .check import plan_of, read_bytes
from . import planfile
from .planfile import PROPS, plan_dates, recorded_injuries
from .solve import extract, readiness_words, solver_for
from .timeline import UTC

FIX = "give a plan written by `runcal plan` (it carries X-RUNCAL-* properties)"


@dataclass
class PlanEvent:
    """One session event of an existing plan file."""

    component: icalendar.Event
    kind: Kind
    start: dt.datetime
    end: dt.datetime
    week: int
    user_moved: bool
    missed: bool = False  # named missed in this re-plan (or in a missed stretch)

    @property
    def uid(self) -> str:
        return str(self.component["UID"])

    @property
    def label(self) -> str:
        return f"{self.kind.label} {self.start:%Y-%m-%d %H:%M}"

    @property
    def minutes(self) -> int:
        """Real elapsed minutes (a session across a clock change is not its wall-clock length)."""
        return elapsed_minutes(self.start, self.end)




@dataclass(frozen=True)
class Selector:
    """A session named on the command line: a date, a date and kind, or a UID."""

    text: str

    def matches(self, e: PlanEvent) -> bool:
        if self.text == e.uid or self.text == e.uid.split("@")[0]:
            return True
        day, _, kind = self.text.partition(":")
        return day == e.start.date().isoformat() and (not kind or kind == e.kind.value)


@dataclass(frozen=True)
class Injury:
    """R9: no training from `start` until cleared (`until`, or open: the rest of the plan), except
    the rehab programme a physiotherapist prescribed, if one is given."""

    start: dt.date
    until: dt.date | None = None
    rehab: Rehab | None = None

    def covers(self, day: dt.date, plan_end: dt.date) -> bool:
        return self.start <= day <= (self.until or plan_end)


def replan(data: bytes, source: str, today: dt.date, missed: list[str] = (), done: list[str] = (),
           missed_ranges: list[tuple[dt.date, dt.date]] = (), profile: Profile | None = None,
           stamp: dt.datetime | None = None, time_limit: float = 60.0, injury: Injury | None = None,
           busy: tuple[BusyEvent, ...] = ()) -> ReplanResult:
    """Re-plan the plan file `data` around what was missed (or an injury) and the runner's busy
    calendars as they are now (`busy`): a session whose time now clashes with busy time moves
    (or, with no place left in its week, is dropped), the rest stays where it is if it can."""
    cal = planfile.parse_rewritable(data, source, FIX)
    embedded = planfile.embedded_profile(cal, source)  # as the checker reads it (and `runcal replan` before this)
    notes = []
    if profile is None:
        profile = embedded
    elif profile_digest(profile) != textprop.get(cal, PROPS.PROFILE_HASH, ""):
        notes.append("the profile differs from the one this plan was made with; re-planning with the new one")
    # The weeks as `runcal plan` shaped them with the same calendars (busy time that takes whole
    # days lowers those weeks' run counts), then re-derived below from what was run.
    # The free days planned_instance shaped them with (those of the unshaped weeks, and none in a
    # week that can hold no run), for the targets re-derived below from what was run.
    free, shaped_inst = shaped(profile, busy)
    weeks = shaped_inst.weeks
    if weeks[0].monday.isoformat() != _text(cal, PROPS.PLAN_START, source):
        raise InputError(source, PROPS.PLAN_START, "the plan and the profile start on different weeks",
                         "pass the profile the plan was made with, or plan again")
    inst = build_instance(profile, weeks)
    plan_end = weeks[-1].monday + dt.timedelta(days=6)
    _within_plan(weeks[0].monday, plan_end, injury, missed_ranges)
    pauses = [injury] if injury else []
    # A re-plan keeps earlier injury pauses rest-only (R9); the same injury reported again (with
    # its clearance, say) replaces its record.
    pauses += [p for p in _recorded_injuries(cal, source) if not (injury and p.start == injury.start)]
    injured = lambda day: any(p.covers(day, plan_end) for p in pauses)  # noqa: E731
    records = planfile.events(cal, inst.timeline.zone, source, FIX)
    events = _events(records, inst)
    state = _classify(events, inst, today, [Selector(m) for m in missed], [Selector(d) for d in done],
                      missed_ranges, injured, source)
    state.missed_before = _missed_before(records, inst)
    earlier = planfile.missed_ranges(cal, source, FIX)  # stretches missed at earlier re-plans: still free, still missed
    stretches = [(a, b, today) for a, b in missed_ranges] + earlier
    stretches += [(p.start, p.until or plan_end, p.start) for p in pauses]  # an injury is known from its day
    settled = lambda d: d < today or injured(d) or any(a <= d <= b for a, b, _ in stretches)  # noqa: E731
    reports = [({e.week}, today) for e in state.missed] + _earlier_misses(records, inst, today)
    reports += [({w.index for w in weeks if any(a <= d <= b for d in w.days)}, when) for a, b, when in stretches]
    ran = _ran(weeks, state, settled, _rerun_weeks(weeks, reports, stretches))
    targets = week_targets(profile, ran, free)
    # A week a report falls in (today's, or one the file records) began before it and keeps the
    # runs it was planned with then: a miss reported late, in a week before it, re-derives the
    # weeks from there, and re-derived it could plan fewer runs of a kind than it had already run
    # (harness seed 43: a long run missed on Sunday, reported on Monday: "no plan").
    began = _began_with(weeks, reports, targets, lambda t: week_targets(
        profile, _ran(weeks, state, settled, _rerun_weeks(weeks, [r for r in reports if r[1] < t], stretches)), free))
    targets = tuple(began.get(w.index, w) for w in targets)
    # What was done is done: a week partly run before a late-reported miss lowered its cap (the
    # checker judges it by what was known when it began) keeps at least what it ran.
    ran_so_far = Counter()
    for e in state.done:
        if e.kind in RUN_KINDS:
            ran_so_far[e.week] += e.minutes
    targets = tuple(replace(w, volume_cap=max(w.volume_cap, ran_so_far[w.index])) for w in targets)
    # The week today falls in began before today's reports: it answers to what was known then (the
    # model's R6, R8 and R11 read the weeks before it so, as the checker does), not to a build
    # re-derived from a miss it could not have known about; its planned cap stays its ceiling.
    targets = tuple(replace(w, volume_cap=max(w.volume_cap, p.volume_cap)) if w.monday < today <= w.days[-1]
                    else w for w, p in zip(targets, weeks))
    if injury and injury.rehab:
        targets = tuple(_with_rehab(w, injury.rehab, [d for d in w.days if injured(d) and d >= today])
                        for w in targets)
    inst = build_instance(profile, targets, busy)
    not_started = {e.start.date() for e in state.missed_races} | _missed_race_days(records)
    inst = replace(inst, fixed=tuple(f for f in inst.fixed
                                     if not (f.race and (injured(f.race.date) or f.race.date in not_started))))
    injury_days = frozenset((d - weeks[0].monday).days for w in weeks for d in w.days if injured(d))
    if any(e.user_moved for e in events):
        notes.append(f"{sum(e.user_moved for e in events)} session(s) you moved by hand stay where you put "
                     "them (your moves win); the rest is planned around them")
    inst = _instance_with_history(inst, state, list(missed_ranges) + [(a, b) for a, b, _ in earlier], injury_days,
                                  _missed_runs(records, inst, state, today))
    inst = replace(inst, extra_costs=_level_costs(inst, state.future + state.missed))
    chosen, status = _solve(inst, state, _undisturbed_from(weeks, targets, state, inst), time_limit)
    placed = list(extract(inst, chosen))
    stamp = stamp or dt.datetime.now(UTC).replace(microsecond=0)
    if injury and injury.rehab:
        placed = [_rehab_words(s, injury) if s.kind is Kind.REHAB else s for s in placed]
    result = _rewrite(cal, inst, state, placed, list(missed_ranges), stamp, busy, today)
    if injury:
        _record_injury(cal, injury, stamp, result)
    for a, b in missed_ranges:
        ics.record_missed_range(cal, a, b, today)
    result.notes = notes + result.notes
    result.status = status
    if profile is not embedded:
        ics.embed_profile(cal, profile)
    result.data = calendar_bytes(cal)  # once every change is in (each writing was 0.1 s of 19 weeks)
    new_plan = plan_of(cal, profile, source)
    # An offer changes the profile (more sessions, a later race): the weeks already over stay as
    # they were run, disturbed or not — the variant would re-derive an undisturbed one from itself.
    past = _ran(weeks, state, settled, {w.index for w in weeks})
    result.readiness = _readiness(profile, new_plan, lambda q: week_targets(q, past, free), set(past))
    if _say_readiness(cal, result.readiness, stamp, inst, source):
        result.data = calendar_bytes(cal)
    result.table = file_week_table(new_plan)
    return result


def _readiness(profile: Profile, plan, weeks_of, over: set[int]) -> tuple:
    """Each race of the re-planned file against its readiness target; one out of reach gets its
    offers, planned from the weeks already run (`over`: as they were run) (solver/offers.py)."""
    loads = {}
    for week in plan.weeks:
        runs = [s.seconds // 60 for s in plan.runs_of(week)]
        loads[week] = WeekLoad(week, sum(runs), max(runs, default=0))
    found = assess_loads(profile, plan.first_day, loads)
    done = {w: load for w, load in loads.items() if w in over}
    return tuple(replace(r, offers=offers_for(profile, r.race, weeks_of, done=done))
                 if needs_offers(r) else r for r in found)


def _say_readiness(cal: icalendar.Calendar, readiness: tuple, stamp: dt.datetime, inst: Instance, source: str) -> bool:
    """Each race event's description ends with its readiness, as `runcal plan` writes it; an event
    whose words change is updated like any other (SEQUENCE + 1). Whether anything changed."""
    changed = False
    lines = {r.race.date: readiness_words(r) for r in readiness}
    for record in planfile.events(cal, inst.timeline.zone, source, FIX):
        if record.kind is not Kind.RACE or record.cancelled:
            continue
        event = record.component
        words = lines.get(record.start.date())
        if words is None:
            continue
        text = str(event.get("DESCRIPTION", ""))
        head = text.split("\n\nReadiness (", 1)[0]
        if f"{head}\n\n{words}" != text:
            ics.describe_event(event, f"{head}\n\n{words}", stamp)
            changed = True
    return changed


# --- reading the plan ----------------------------------------------------------------------------

def _within_plan(first: dt.date, last: dt.date, injury: Injury | None,
                 ranges: list[tuple[dt.date, dt.date]]) -> None:
    """An injury or a missed stretch wholly outside the plan changes nothing: that is a mistake."""
    if injury and injury.start > last:
        raise InputError("--from", "", f"{injury.start} is after the plan's last day {last}",
                         "give the day the injury happened")
    if injury and injury.until and injury.until < first:
        raise InputError("--until", "", f"{injury.until} is before the plan's first day {first}",
                         "give the day you were cleared")
    for a, b in ranges:
        if b < first or a > last:
            raise InputError("--missed-from", "", f"{a} to {b} covers no day of the plan ({first} to {last})",
                             "give the days you missed")


def _text(cal: icalendar.Calendar, name: str, source: str) -> str:
    value = textprop.get(cal, name)
    if value is None:
        raise CalendarError(source, name, "missing", FIX)
    return value


def _events(records: list[planfile.Event], inst: Instance) -> list[PlanEvent]:
    """The sessions still planned (not cancelled), each with its plan week and whether the runner
    moved it by hand (its DTSTART is not where runcal put it; a race stays where it is)."""
    events = []
    for r in records:
        if r.cancelled:
            continue
        moved = r.planned is not None and planned_start(r.start) != r.planned
        events.append(PlanEvent(r.component, r.kind, r.start, r.end, _week(r.start, inst), moved and r.kind is not Kind.RACE))
    return events


def _week(start: dt.datetime, inst: Instance) -> int:
    return (start.date() - inst.weeks[0].monday).days // 7 + 1


def _cancelled_missed(records: list[planfile.Event]) -> list[planfile.Event]:
    """Sessions an earlier re-plan cancelled as missed (CANCELLED with X-RUNCAL-MISSED)."""
    return [r for r in records if r.cancelled and r.missed]


def _missed_before(records: list[planfile.Event], inst: Instance) -> Counter:
    """Strength sessions an earlier re-plan cancelled as missed (X-RUNCAL-MISSED): they still count
    towards R1's minimum of their week, as the checker counts them; forgetting them made a second
    re-plan of such a week infeasible."""
    return Counter(_week(r.start, inst) for r in _cancelled_missed(records) if r.kind is Kind.STRENGTH)


def _earlier_misses(records: list[planfile.Event], inst: Instance, today: dt.date) -> list[tuple[set[int], dt.date]]:
    """(week, day reported) of each session an earlier re-plan cancelled as missed
    (X-RUNCAL-MISSED:<date>; TRUE, from files before the date was kept: read as reported today)."""
    return [({_week(r.start, inst)}, r.reported or today) for r in _cancelled_missed(records)]


def _missed_runs(records: list[planfile.Event], inst: Instance, state: "_State",
                 today: dt.date) -> dict[int, tuple[tuple[Kind, int, int], ...]]:
    """Week -> (kind, minutes, day reported) of each run missed: named in this re-plan or cancelled
    by the injury it reports (reported today), or cancelled by an earlier one (X-RUNCAL-MISSED:<date>;
    TRUE, from files before the date was kept, is known from the start, as the checker reads it:
    nothing later to hold it to)."""
    first = inst.weeks[0].monday
    found: dict[int, list[tuple[Kind, int, int]]] = defaultdict(list)
    # A run an injury cancels today is not run either, and known from today on: a week that began
    # before it (its long run already run, say) is judged as a late miss is, not by the runs left.
    for e in state.missed + state.injured:
        if e.kind in RUN_KINDS:
            found[e.week].append((e.kind, e.minutes, (today - first).days))
    for r in records:
        if r.cancelled and r.kind in RUN_KINDS and r.reported is not None:
            found[_week(r.start, inst)].append((r.kind, elapsed_minutes(r.start, r.end), (r.reported - first).days))
    return {w: tuple(r) for w, r in found.items()}


def _rerun_weeks(weeks: tuple[WeekTarget, ...], reports: list[tuple[set[int], dt.date]],
                 stretches: list[tuple[dt.date, dt.date, dt.date]]) -> set[int]:
    """The weeks re-derived from what was run: those a disturbance touched (a miss, a missed
    stretch, an injury) and that were over on the day it was reported — every day past, or in a
    stretch or an injury known by then. Read from what the file records, this is the same set at
    every later re-plan, so a re-plan with nothing new re-derives nothing new."""
    def over(week: WeekTarget, when: dt.date) -> bool:
        return all(d < when or any(known <= when and a <= d <= b for a, b, known in stretches) for d in week.days)
    return {w.index for w in weeks for touched, when in reports if w.index in touched and over(w, when)}


def _began_with(weeks: tuple[WeekTarget, ...], reports: list[tuple[set[int], dt.date]], targets: tuple[WeekTarget, ...],
                known_before: Callable[[dt.date], tuple[WeekTarget, ...]]) -> dict[int, WeekTarget]:
    """Week -> its targets as derived from what was known before a report made while it ran (it
    began before the report day), for each such week whose runs the reports change. Read from
    the report days the file records, the same weeks at every later re-plan; the weeks after it
    are derived as before (the model's R6 holds them to what it runs)."""
    found: dict[int, WeekTarget] = {}
    for when in sorted({when for _, when in reports}):
        week = next((w for w in weeks if w.monday < when <= w.days[-1]), None)
        if week is None or week.index in found:
            continue
        then, now = known_before(when)[week.index - 1], targets[week.index - 1]
        if (now.runs, now.strength, now.rehab) != (then.runs, then.strength, then.rehab):
            found[week.index] = then
    return found


def _missed_race_days(records: list[planfile.Event]) -> set[dt.date]:
    """Days of races an earlier re-plan recorded as not started (CANCELLED, X-RUNCAL-MISSED)."""
    return {r.start.date() for r in _cancelled_missed(records) if r.kind is Kind.RACE}


@dataclass
class _State:
    done: list[PlanEvent]  # fixed: past and not missed, marked done, or moved by the runner
    missed: list[PlanEvent]  # to move within their week, or drop
    future: list[PlanEvent]  # planned, may move
    races: list[PlanEvent]
    first_open_day: int
    injured: list[PlanEvent] = field(default_factory=list)  # R9: cancelled until the injury is cleared
    missed_races: list[PlanEvent] = field(default_factory=list)  # races the runner did not start (R8)
    missed_before: Counter = field(default_factory=Counter)  # week -> strength missed in an earlier re-plan


def _classify(events: list[PlanEvent], inst: Instance, today: dt.date, missed: list[Selector],
              done: list[Selector], ranges: list[tuple[dt.date, dt.date]], injured: Callable[[dt.date], bool],
              source: str) -> _State:
    for selector in [*missed, *done]:
        if not any(selector.matches(e) for e in events):
            raise InputError(source, selector.text, "no session of the plan matches it",
                             "name a session by its date (YYYY-MM-DD), date and kind (YYYY-MM-DD:strength) or UID")
    for a, b in ranges:
        if b < a:
            raise InputError("--to", "", f"{b} is before --missed-from {a}", "give the stretch's last day on or after its first")
    for e in events:  # one session cannot be both: which one the runner meant is theirs to say
        said_missed = [s.text for s in missed if s.matches(e)]
        said_done = [s.text for s in done if s.matches(e)]
        if said_missed and said_done:
            raise InputError(source, f"--missed {said_missed[0]} --done {said_done[0]}",
                             f"both name {e.label}: it cannot be missed and done", "drop one of the two")
    midnight = dt.datetime.combine(today, dt.time(0), inst.timeline.zone)
    state = _State([], [], [], [], max(0, (today - inst.weeks[0].monday).days))
    for e in events:
        in_range = any(a <= e.start.date() <= b for a, b in ranges)
        if e.kind is Kind.REHAB:
            state.done.append(e)  # the physio's sessions stay as scheduled
        elif injured(e.start.date()) and e.start >= midnight:
            state.injured.append(e)
        elif e.kind is Kind.RACE:
            named = any(s.matches(e) for s in missed) or (in_range and not any(s.matches(e) for s in done))
            if named and e.start.date() > today:
                raise InputError(source, next((s.text for s in missed if s.matches(e)), "--missed-from/--to"),
                                 f"names {e.label}, which is still ahead: a race you will not run is not missed",
                                 "take it out of the profile's [[race]] tables and plan again, or mark it missed "
                                 "once its day has come")
            (state.missed_races if named else state.races).append(e)
        elif any(s.matches(e) for s in missed) or (in_range and not any(s.matches(e) for s in done)):
            e.missed = True
            state.missed.append(e)
        elif e.start < midnight or e.user_moved or any(s.matches(e) for s in done):
            state.done.append(e)
        else:
            state.future.append(e)
    return state


def _ran(weeks: tuple[WeekTarget, ...], state: _State, settled: Callable[[dt.date], bool],
         disturbed: set[int]) -> dict[int, Ran]:
    """What the disturbed weeks that are over (`_rerun_weeks`) really held: they keep only what was
    done, and the weeks after them are re-derived from it (R6, R8, R11). A week that went as the
    file planned it is not re-derived: its sessions were already placed under R6/R8/R11 from the
    same targets (the model holds the weeks after it to what was run), and re-deriving the build
    from it — a planned week may hold less than its target when busy time left a session out, and
    periodization reads a week that ran 20 % less as a cutback — changed a plan nothing had
    happened to (issue 15: a re-plan with nothing missed resized and dropped sessions)."""
    over = {w.index for w in weeks if all(settled(d) for d in w.days)} & disturbed
    runs: dict[int, list[tuple[Kind, int]]] = {i: [] for i in over}
    for e in state.done:
        if e.week in over and e.kind in RUN_KINDS:
            runs[e.week].append((e.kind, e.minutes))
    return {i: Ran(sum(m for _, m in r), max((m for k, m in r if k is Kind.LONG), default=0), len(r),
                   max((m for k, m in r if k is Kind.EASY), default=0)) for i, r in runs.items()}


def _recorded_injuries(cal: icalendar.Calendar, source: str) -> list[Injury]:
    """X-RUNCAL-INJURY, read (and checked) as the checker reads it."""
    _, last = plan_dates(cal, source)
    return [Injury(start, until) for start, until in recorded_injuries(cal, last, source)]


def _with_rehab(week: WeekTarget, rehab: Rehab, days: list[dt.date]) -> WeekTarget:
    """R9: the physio's sessions a week, fewer in a week the injury only partly covers."""
    if not days:
        return week
    count = min(rehab.sessions_per_week, -(-rehab.sessions_per_week * len(days) // 7))
    return replace(week, rehab=count, rehab_minutes=rehab.minutes)


def _instance_with_history(inst: Instance, state: _State, ranges: list[tuple[dt.date, dt.date]],
                           injury_days: frozenset[int] = frozenset(),
                           missed_runs: dict[int, tuple[tuple[Kind, int, int], ...]] | None = None) -> Instance:
    tl = inst.timeline
    done_counts: Counter[tuple[int, Kind]] = Counter((e.week, e.kind) for e in state.done)
    minutes: Counter[int] = Counter()
    done_runs: dict[int, list[tuple[Kind, int]]] = defaultdict(list)
    for e in state.done:
        if e.kind.is_run:
            minutes[e.week] += e.minutes
            done_runs[e.week].append((e.kind, e.minutes))
    # A strength session missed now or at an earlier re-plan still counts towards R1's minimum.
    missed_strength = Counter(e.week for e in state.missed if e.kind is Kind.STRENGTH) + state.missed_before
    fixed = tuple(FixedSession(e.kind, tl.minutes(e.start), tl.minutes(e.end), e.label) for e in state.done)
    # The days of a missed range, and the slot of a session missed ahead of time, are busy time.
    blocked = tuple(Busy(tl.minutes(dt.datetime.combine(a, dt.time(0), tl.zone)),
                         tl.minutes(dt.datetime.combine(b + dt.timedelta(days=1), dt.time(0), tl.zone)),
                         f"missed {a}–{b}") for a, b in ranges)
    blocked += tuple(Busy(tl.minutes(e.start), tl.minutes(e.end), f"missed {e.label}") for e in state.missed)
    first = inst.weeks[0].monday
    long_days = {e.week: (e.start.date() - first).days for e in state.done if e.kind is Kind.LONG}
    history = History(first_open_day=state.first_open_day, done=dict(done_counts), done_minutes=dict(minutes),
                      done_runs={w: tuple(r) for w, r in done_runs.items()},
                      missed_strength=dict(missed_strength), replanning=True, injury_days=injury_days,
                      missed_runs=missed_runs or {}, done_long_day=long_days)
    return replace(inst, fixed=inst.fixed + fixed, busy=inst.busy + blocked, history=history)


# --- the lexicographic objective -----------------------------------------------------------------

def _slot(inst: Instance, e: PlanEvent) -> tuple[int, Kind, int, int]:
    """Day, kind, start and end: a session is unchanged only if all four are."""
    tl = inst.timeline
    return ((e.start.date() - inst.weeks[0].monday).days, e.kind, tl.minutes(e.start), tl.minutes(e.end))


@dataclass
class _Budget:
    """--time-limit for the whole re-plan, in CP-SAT's deterministic seconds: every solve of every
    level and phase draws on it (it was each level's own, and a re-plan runs up to eleven solves).
    The last phase always gets a tenth of it, so that a re-plan is never left without an answer
    by the phases before it."""

    total: float
    spent: float = 0.0

    @property
    def left(self) -> float:
        return self.total - self.spent

    def limit(self, floor: bool) -> float:
        return max(self.left, self.total / 10 if floor else 0.0)


def _solve(inst: Instance, state: _State, undisturbed: int, time_limit: float) -> tuple[list[Option], str]:
    """The lexicographic optimum. Weeks from `undisturbed` on can keep every session as planned; a
    re-plan that changes nothing there is found first, with those weeks held to their original
    slots, and accepted when its first three levels equal those of the weeks before alone (a
    relaxation: fewer weeks, fewer constraints, fewer events to change), which makes it optimal:
    the later weeks then change nothing in any optimum, so the preference level is the one
    solved. Otherwise the whole horizon is solved. One budget for all of it (_Budget); when it
    runs out, the best re-plan found so far is the answer ("feasible")."""
    originals = state.future + state.missed
    budget = _Budget(time_limit)
    held = None  # the held-weeks re-plan: valid, but not proven the fewest changes
    if undisturbed <= len(inst.weeks):
        slots = frozenset(_slot(inst, e) for e in originals if e.week >= undisturbed)
        frozen = replace(inst, keep_only=(7 * (undisturbed - 1), slots))
        chosen, status, values = _lexicographic(frozen, originals, budget)
        head = [e for e in originals if e.week < undisturbed]
        if status in ("optimal", "feasible"):  # the bound counts only if the relaxation is proven optimal
            held = (chosen, values)
            if budget.left <= 0:
                return chosen, "feasible"
            # A held week that changes anyway (R6 capping it from the volume actually run, say)
            # costs changes the weeks before alone never count: the bound cannot match then.
            later = {_slot(inst, e) for e in originals if e.week >= undisturbed}
            if not later or later <= {(o.day, o.kind, o.start, o.end) for o in chosen}:
                # A held re-plan that shifts nothing in time needs only the first level's bound: with
                # the same changes and drops, its own sessions before the held weeks are a solution
                # of the bound's model at that optimum, so the bound's shift (never negative) is 0
                # too (the 16-week re-plan after a missed week: 0.17 s of its 0.77 s of CP-SAT).
                levels = 2 if len(values) >= 3 and values[2] == 0 else 3
                _, bound_status, bound = _lexicographic(replace(inst, weeks=inst.weeks[:undisturbed - 1]), head,
                                                        budget, levels=levels)
                if bound_status == "optimal" and values[:levels] == bound:
                    return chosen, status
            if budget.left <= 0:
                return chosen, "feasible"
    # The held weeks' re-plan is a plan of the whole horizon (the held weeks are part of it): where
    # the search starts.
    chosen, status, values = _lexicographic(inst, originals, budget, hint=held[0] if held else [])
    # The whole horizon, stopped by the budget, may do worse than the held weeks, or find nothing:
    # the held weeks' re-plan is valid (a restriction of the same model), so it is the answer then.
    if held is not None and (status not in ("optimal", "feasible")
                             or (status == "feasible" and values > held[1][:len(values)])):
        return held[0], "feasible"
    if status in ("", "INFEASIBLE"):
        raise NoPlanError("No plan exists after the missed sessions. Fix: mark fewer sessions missed, or add "
                          "availability.")
    if status == "UNKNOWN":  # the budget ran out before any level found a re-plan
        raise SolverTimeout(f"No re-plan found within the time limit (solver status {status}): the budget ran out "
                            "before a re-plan was found or proven impossible. Fix: raise --time-limit.", status)
    if status not in ("optimal", "feasible"):  # MODEL_INVALID: a bug of ours, not the input
        raise NoPlanError(f"No re-plan found (solver status {status}).")
    return chosen, status


def _undisturbed_from(planned: tuple[WeekTarget, ...], targets: tuple[WeekTarget, ...], state: _State,
                      inst: Instance) -> int:
    """The first week after which every week keeps its planned targets and has nothing missed,
    injured or already done in it (one week of slack after the last disturbed one)."""
    today = state.first_open_day // 7 + 1
    disturbed = {e.week for e in state.missed + state.injured} | {today}
    disturbed |= {w.index for w, t in zip(planned, targets) if (w.runs, w.strength, w.rehab) != (t.runs, t.strength, t.rehab)}
    disturbed |= {d // 7 + 1 for d in inst.history.injury_days}
    disturbed |= _clashing_weeks(inst, state.future)
    return max(disturbed) + 2


def _clashing_weeks(inst: Instance, events: list[PlanEvent]) -> set[int]:
    """Weeks holding a planned session that busy time (plus the buffer) now overlaps. Busy time
    that touches no planned session leaves its week as planned, so a whole calendar does not
    disturb every week (which would turn off holding the undisturbed weeks)."""
    buffer = inst.profile.rules.busy_buffer_min
    spans = sorted((inst.timeline.minutes(e.start), inst.timeline.minutes(e.end), e.week) for e in events)
    starts = [a for a, _, _ in spans]
    longest = max((b - a for a, b, _ in spans), default=0)
    weeks = set()
    for b in inst.busy:
        for a, end, week in spans[bisect_left(starts, b.start - buffer - longest):bisect_left(starts, b.end + buffer)]:
            if b.start - buffer < end:
                weeks.add(week)
    return weeks


def _lexicographic(inst: Instance, originals: list[PlanEvent], time_limit: "float | _Budget",
                   levels: int = 4, hint: list[Option] = ()) -> tuple[list[Option], str, list[int]]:
    """Fewest changed sessions, then fewest dropped, then least time shift, then preferences: each
    level solved to optimality and then held. Returns the chosen options, "optimal"/"feasible"
    (else the solver's status name for the first level, when it found nothing) and each level's
    value; a level stopped by the budget (time_limit: seconds, or the re-plan's _Budget) makes the
    whole "feasible", and a later level that finds nothing in what is left keeps the level
    before's answer (it was thrown away, and a re-plan whose first levels were proven optimal
    ended in "no re-plan found within the time limit")."""
    budget = time_limit if isinstance(time_limit, _Budget) else _Budget(time_limit)
    model, v = build_model(inst)
    _missed_move_later(inst, model, v, originals)
    by_slot = {(o.day, o.kind, o.start, o.end): lit for o, lit in v.x.items()}
    keeps = [by_slot.get(_slot(inst, e)) for e in originals]
    changes = sum(1 - k for k in keeps if k is not None) + sum(1 for k in keeps if k is None)
    terms = place_planned_sessions(inst, model, v)
    drops = sum(coef * expr for expr, coef in terms)
    costs = inst.extra_costs
    shift = cp_model.LinearExpr.weighted_sum(list(v.x.values()), [costs(o)[1] for o in v.x])
    if hint:
        slots = {(o.day, o.kind, o.start, o.end) for o in hint}
        for o, lit in v.x.items():
            model.add_hint(lit, (o.day, o.kind, o.start, o.end) in slots)
    # The first two levels as one objective, changes weighted above every possible drop cost (the
    # same lexicographic optimum; one solve instead of two: the marathon sample's re-plan after a
    # missed quality run, CP-SAT deterministic time 0.41 -> 0.25 s over its levels).
    above = 1 + drop_cost_bound(inst)
    proven, values, chosen = True, [], []
    levels_exprs = [changes * above + drops, shift, v.objective][:max(1, levels - 1)]
    for i, expr in enumerate(levels_exprs):
        if i == 1 and not any(costs(o)[1] for o in chosen):
            # The re-plan found so far moves nothing in time: the shift level's least value (its
            # costs are never negative) is already reached, so it is held without a solve (0.16 s
            # of the marathon sample's re-plan after a missed quality run).
            values.append(0)
            if i + 1 < len(levels_exprs):
                model.add(expr <= 0)
            continue
        limit = budget.limit(floor=not values)
        if limit <= 0:
            proven = False
            break
        solver = solver_for(limit, 1)
        model.minimize(expr)
        status = solver.solve(model)
        budget.spent += solver.deterministic_time
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if not values:
                return [], solver.status_name(status), values
            proven = False
            break
        proven = proven and status == cp_model.OPTIMAL
        value = round(solver.objective_value)
        values += divmod(value, above) if i == 0 else [value]
        chosen = [o for o, lit in v.x.items() if solver.boolean_value(lit)]
        if i + 1 < len(levels_exprs):  # hold this level's optimum while improving the next
            if i == 0:  # as two rows (the same set: changes is at its minimum): the shift level
                # then takes 0.10 s of deterministic time where the one combined row took 3.66 s
                # (marathon sample, a missed week around its busy calendar)
                model.add(changes <= values[0])
                model.add(drops <= values[1])
            else:
                model.add(expr <= value)
            _hint(model, v, solver)
    return chosen, "optimal" if proven else "feasible", values[:levels]


def _missed_move_later(inst: Instance, model: cp_model.CpModel, v: Variables, originals: list[PlanEvent]) -> None:
    """README: a missed session may move only to a later day of its own week. One missed ahead of
    time (its day not yet past) must not come back on its own day or an earlier one: from today to
    its day, the week holds no more sessions of its kind than the others planned there. (Weeks
    are solved as they were planned, so it never leaves its week.)"""
    missed = [e for e in originals if e.missed]
    for e in missed:
        day = _slot(inst, e)[0]
        days = range(max(inst.history.first_open_day, (e.week - 1) * 7), day + 1)
        if not days:
            continue
        kept = sum(1 for o in originals if o.kind is e.kind and o.week == e.week and o not in missed
                   and _slot(inst, o)[0] in days)
        lits = [v.x[o] for d in days for o in v.options(d, [e.kind])]
        if len(lits) > kept:
            model.add(sum(lits) <= kept)


def _hint(model: cp_model.CpModel, v: Variables, solver: cp_model.CpSolver) -> None:
    model.clear_hints()
    for lit in v.x.values():
        model.add_hint(lit, solver.boolean_value(lit))


def _level_costs(inst: Instance, originals: list[PlanEvent]) -> Callable[[Option], tuple[int, int]]:
    """Per option, its cost at the first and third levels: 1 unless it is an original session's
    slot (changes), and the minutes from the nearest original session of the same kind in the same
    week (shift; a week with none: 7 days). Pruning keeps an option unless another is no worse at
    every level."""
    slots = {_slot(inst, e) for e in originals}
    starts: dict[tuple[int, Kind], list[int]] = defaultdict(list)
    for e in originals:
        starts[e.week, e.kind].append(inst.timeline.minutes(e.start))

    def costs(o: Option) -> tuple[int, int]:
        near = starts.get((o.day // 7 + 1, o.kind), ())
        return (int((o.day, o.kind, o.start, o.end) not in slots),
                min((abs(o.start - s) for s in near), default=7 * 1440))
    return costs


# --- writing the new file ------------------------------------------------------------------------

def _rewrite(cal: icalendar.Calendar, inst: Instance, state: _State, placed: list[Session],
             ranges: list[tuple[dt.date, dt.date]], stamp: dt.datetime, busy: tuple[BusyEvent, ...],
             today: dt.date) -> ReplanResult:
    tl = inst.timeline
    rules = inst.profile.rules
    new_slots = [Slot(s.kind, s.start, s.end) for s in placed] + [Slot(e.kind, e.start, e.end) for e in state.done]
    result = ReplanResult(b"")
    original_slots = {_slot(inst, e): e for e in state.future + state.missed + state.races}
    fresh = []
    kept: set[str] = set()
    for s in placed:
        slot = ((s.start.date() - inst.weeks[0].monday).days, s.kind, tl.minutes(s.start), tl.minutes(s.end))
        e = original_slots.get(slot)
        if e is not None and e.uid not in kept and e not in state.missed:
            kept.add(e.uid)
        else:
            fresh.append(s)
    movable = defaultdict(list)
    for e in state.future + state.missed:
        if e.uid not in kept:
            movable[e.week, e.kind].append(e)
    added = []
    for s in sorted(fresh, key=lambda s: s.start):
        candidates = movable.get((s.week, s.kind))
        if not candidates:  # a session with no original to carry over (rehab; a run whose original was cancelled)
            added.append(s)
            continue
        e = min(candidates, key=lambda c: (abs((c.start - s.start).total_seconds()), c.uid))
        candidates.remove(e)
        old, new = Slot(e.kind, e.start, e.end), Slot(s.kind, s.start, s.end)
        if old.start == new.start and e not in state.missed:  # same time, new length: not a move
            result.resized.append((e.label, old.minutes, new.minutes, why_resized()))
        else:
            others = [o for o in new_slots if o.start != new.start or o.kind is not new.kind]
            why = why_moved(old, new, others, busy, rules.busy_buffer_min, rules.recovery_hours, e in state.missed)
            resized = f" ({old.minutes} → {new.minutes} min)" if new.minutes != old.minutes else ""
            result.moved.append((e.label, f"{s.start:%Y-%m-%d %H:%M}{resized}", why))
        ics.move_event(e.component, s, stamp)
        kept.add(e.uid)
    # Strength sessions that stay, moved or not, keep their own prescription (ics.move_event): the
    # week's load step as the file has it, which an added one takes too.
    kept_steps = {e.week: step for e in state.done + state.future + state.missed
                  if e.kind is Kind.STRENGTH and (e in state.done or e.uid in kept)
                  and (step := textprop.get(e.component, PROPS.LOAD_STEP, "")).isdigit()}
    for s in added:
        ics.add_session(cal, _with_weeks_load(s, inst, kept_steps), stamp)
        result.added.append(f"{s.kind.label} {s.start:%Y-%m-%d %H:%M}")
    for e in [*state.future, *state.missed, *state.injured]:
        if e.uid not in kept:
            stretch = next(((a, b) for a, b in ranges if a <= e.start.date() <= b), None)
            why = why_dropped(Slot(e.kind, e.start, e.end), busy, rules.busy_buffer_min, e in state.missed, stretch,
                              e in state.injured)
            result.dropped.append((e.label, why))
            # A run an injury cancels carries the day it became known, for the checker's "as known
            # when the week began" (R6, R11). Not a race (the marker says "not started", and a
            # clearance reported later gives the race back) nor strength (a missed one counts
            # towards R1's minimum, and the week may be healthy again once the injury is cleared).
            known = e in state.missed or (e in state.injured and e.kind in RUN_KINDS)
            ics.cancel_event(e.component, stamp, why.stored, missed=today if known else None)
    for e in state.missed_races:
        name = next((r.name for r in inst.profile.races if r.date == e.start.date()), "the race")
        why = Reason(f"you did not start {name}; the plan goes on from what you ran", "R8")
        result.dropped.append((e.label, why))
        ics.cancel_event(e.component, stamp, why.stored, missed=today)
    every = len(state.future) + len(state.missed) + len(state.races) + len(state.done) + len(state.injured) \
        + len(state.missed_races)
    result.unchanged = every - len(result.moved) - len(result.resized) - len(result.dropped)
    return result  # the caller writes the calendar's bytes once every change is made


def _with_weeks_load(s: Session, inst: Instance, steps: dict[int, str]) -> Session:
    """A strength session a re-plan adds, at the load step its week's other strength sessions keep
    (R6: the prescribed load rises by at most one step a week, and the checker reads the sessions
    in order: a week holding steps 3 and 4 broke it, harness seed 182 — an injury re-plan whose
    re-derived week added a session at the new week's step beside one kept at the plan's)."""
    step = steps.get(s.week)
    if s.kind is not Kind.STRENGTH or step is None or s.prescription.get("LOAD-STEP") == step:
        return s
    week = replace(inst.weeks[s.week - 1], load_step=int(step))
    title, details, props = describe(inst.profile, week, s.kind, s.minutes, s.prescription.get("TEMPLATE", "A"),
                                     None, inst.weeks)
    return replace(s, title=title, details=details, prescription=props)


def _rehab_words(s: Session, injury: Injury) -> Session:
    why = f"\n\nWeek {s.week}: injured since {injury.start}; only your physiotherapist's programme (R9). " \
          "Rehab sessions keep 8 h from runs (R3), recovery between them (R4) and rest days (R5)."
    return replace(s, title=injury.rehab.title(), details=injury.rehab.description() + why)


def _record_injury(cal: icalendar.Calendar, injury: Injury, stamp: dt.datetime, result: ReplanResult) -> None:
    """An all-day reminder to get assessed, and the injury period for the checker (R9)."""
    ics.record_injury(cal, injury.start, injury.until, stamp)
    if not injury.rehab:
        result.notes.append("no rehab programme given: nothing is scheduled until you are cleared "
                            "(pass --rehab FILE with your physiotherapist's programme)")
    if injury.until is None:
        result.notes.append("the injury has no end date: re-plan with --until once you are cleared")


# --- solver.replan(...), the library's API (solver/__init__.py) ------------------------------

def api(plan: bytes | str | Path, today: dt.date, missed: list[str] = (), done: list[str] = (),
        missed_ranges: list[tuple[dt.date, dt.date]] = (), profile: Profile | None = None,
        stamp: dt.datetime | None = None, time_limit: float = 60.0, injury: Injury | None = None,
        busy: tuple[BusyEvent, ...] = ()) -> ReplanResult:
    """`replan` of the plan file's bytes, or of the file at a path (read the checker's guarded way)."""
    source = "<plan>" if isinstance(plan, bytes) else str(plan)
    data = plan if isinstance(plan, bytes) else read_bytes(plan)
    return replan(data, source, today, missed, done, missed_ranges, profile, stamp, time_limit, injury, busy)


from . import callable_module  # noqa: E402  (the package's __init__: no cycle)

callable_module(__name__)
