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

import icalendar
from ortools.sat.python import cp_model

from .busy import BusyEvent
from .domain import RUN_KINDS, Kind, Profile, Session, WeekTarget
from .errors import CalendarError, InputError, NoPlanError
from . import textprop
from .ics import planned_start, session_event, session_uid
from .model import (Busy, FixedSession, History, Instance, Option, Variables, build_instance, build_model, drop_cost_bound, free_days,
                    place_planned_sessions, planned_instance)
from .periodization import Ran, week_targets
from .profile import profile_digest, profile_from_json, profile_json
from .rehab import Rehab
from .replan_diff import ReplanResult, Slot, why_dropped, why_moved, why_resized
from .report import file_week_table
from .check import read_plan
from .solve import extract, solver_for
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

    @property
    def uid(self) -> str:
        return str(self.component["UID"])

    @property
    def label(self) -> str:
        return f"{self.kind.label} {self.start:%Y-%m-%d %H:%M}"

    @property
    def minutes(self) -> int:
        """Real elapsed minutes (a session across a clock change is not its wall-clock length)."""
        return int((self.end.astimezone(UTC) - self.start.astimezone(UTC)).total_seconds() // 60)




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
    cal = _parse(data, source)
    embedded = profile_from_json(_text(cal, "X-RUNCAL-PROFILE", source, json=True), source)
    notes = []
    if profile is None:
        profile = embedded
    elif profile_digest(profile) != textprop.get(cal, "X-RUNCAL-PROFILE-HASH", ""):
        notes.append("the profile differs from the one this plan was made with; re-planning with the new one")
    # The weeks as `runcal plan` shaped them with the same calendars (busy time that takes whole
    # days lowers those weeks' run counts), then re-derived below from what was run.
    weeks = planned_instance(profile, busy).weeks
    free = free_days(build_instance(profile, weeks, busy))
    if weeks[0].monday.isoformat() != _text(cal, "X-RUNCAL-PLAN-START", source):
        raise InputError(source, "X-RUNCAL-PLAN-START", "the plan and the profile start on different weeks",
                         "pass the profile the plan was made with, or plan again")
    inst = build_instance(profile, weeks)
    plan_end = weeks[-1].monday + dt.timedelta(days=6)
    pauses = [injury] if injury else []
    pauses += _recorded_injuries(cal, source)  # a re-plan keeps earlier injury pauses rest-only (R9)
    injured = lambda day: any(p.covers(day, plan_end) for p in pauses)  # noqa: E731
    events = _events(cal, inst, source)
    state = _classify(events, inst, today, [Selector(m) for m in missed], [Selector(d) for d in done],
                      missed_ranges, injured, source)
    state.missed_before = _missed_before(cal, inst)
    settled = lambda d: d < today or injured(d) or any(a <= d <= b for a, b in missed_ranges)  # noqa: E731
    targets = _targets_from_actual(profile, weeks, state, settled, free)
    if injury and injury.rehab:
        targets = tuple(_with_rehab(w, injury.rehab, [d for d in w.days if injured(d) and d >= today])
                        for w in targets)
    inst = build_instance(profile, targets, busy)
    inst = replace(inst, fixed=tuple(f for f in inst.fixed if not (f.race and injured(f.race.date))))
    injury_days = frozenset((d - weeks[0].monday).days for w in weeks for d in w.days if injured(d))
    if any(e.user_moved for e in events):
        notes.append(f"{sum(e.user_moved for e in events)} session(s) you moved by hand stay where you put "
                     "them (your moves win); the rest is planned around them")
    inst = _instance_with_history(inst, state, missed_ranges, injury_days)
    inst = replace(inst, extra_costs=_level_costs(inst, state.future + state.missed))
    chosen, status = _solve(inst, state, _undisturbed_from(weeks, targets, state, inst), time_limit)
    placed = list(extract(inst, chosen))
    stamp = stamp or dt.datetime.now(UTC).replace(microsecond=0)
    if injury and injury.rehab:
        placed = [_rehab_words(s, injury) if s.kind is Kind.REHAB else s for s in placed]
    result = _rewrite(cal, inst, state, placed, list(missed_ranges), stamp, busy, today)
    if injury:
        _record_injury(cal, injury, stamp, result)
    result.notes = notes + result.notes
    result.status = status
    if profile is not embedded:
        textprop.put(cal, "X-RUNCAL-PROFILE", profile_json(profile))
        textprop.put(cal, "X-RUNCAL-PROFILE-HASH", profile_digest(profile))
        result.data = cal.to_ical()
    result.table = file_week_table(read_plan(result.data, profile, source))
    return result


# --- reading the plan ----------------------------------------------------------------------------

def _parse(data: bytes, source: str) -> icalendar.Calendar:
    try:
        cal = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as exc:
        raise CalendarError(source, "", f"is not a valid iCalendar file ({exc})", FIX) from None
    if "X-RUNCAL-PLAN-START" not in cal or "X-RUNCAL-PROFILE" not in cal:
        raise CalendarError(source, "X-RUNCAL-PLAN-START", "is not a runcal plan (no X-RUNCAL-* properties)", FIX)
    return cal


def _text(cal: icalendar.Calendar, name: str, source: str, json: bool = False) -> str:
    value = textprop.get_json(cal, name) if json else textprop.get(cal, name)
    if value is None:
        raise CalendarError(source, name, "missing", FIX)
    return value


def _events(cal: icalendar.Calendar, inst: Instance, source: str) -> list[PlanEvent]:
    events = []
    for component in cal.walk("VEVENT"):
        kind_text = textprop.get(component, "X-RUNCAL-KIND")
        if str(component.get("STATUS", "")).upper() == "CANCELLED" or kind_text in (None, "note"):
            continue  # cancelled, added by hand, or a reminder: not a session
        try:
            kind = Kind(kind_text)
            start = _aware(component.decoded("DTSTART"), inst)
            end = _aware(component.decoded("DTEND"), inst)
        except (KeyError, ValueError) as exc:
            raise CalendarError(source, f"event {component.get('UID')}", f"cannot be read ({exc})", FIX) from None
        planned = textprop.get(component, "X-RUNCAL-PLANNED-START")
        moved = planned is not None and planned_start(start) != planned
        week = (start.date() - inst.weeks[0].monday).days // 7 + 1
        events.append(PlanEvent(component, kind, start, end, week, moved and kind is not Kind.RACE))
    return events


def _missed_before(cal: icalendar.Calendar, inst: Instance) -> Counter:
    """Strength sessions an earlier re-plan cancelled as missed (X-RUNCAL-MISSED): they still count
    towards R1's minimum of their week, as the checker counts them; forgetting them made a second
    re-plan of such a week infeasible."""
    found: Counter = Counter()
    for component in cal.walk("VEVENT"):
        if str(component.get("STATUS", "")).upper() == "CANCELLED" and \
                (textprop.get(component, "X-RUNCAL-MISSED", "") or "").strip() and \
                textprop.get(component, "X-RUNCAL-KIND") == Kind.STRENGTH.value:
            start = _aware(component.decoded("DTSTART"), inst)
            found[(start.date() - inst.weeks[0].monday).days // 7 + 1] += 1
    return found


def _aware(value: dt.datetime, inst: Instance) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise ValueError("all-day sessions are not runcal sessions")
    return value.replace(tzinfo=inst.timeline.zone) if value.tzinfo is None else value.astimezone(inst.timeline.zone)


@dataclass
class _State:
    done: list[PlanEvent]  # fixed: past and not missed, marked done, or moved by the runner
    missed: list[PlanEvent]  # to move within their week, or drop
    future: list[PlanEvent]  # planned, may move
    races: list[PlanEvent]
    first_open_day: int
    injured: list[PlanEvent] = field(default_factory=list)  # R9: cancelled until the injury is cleared
    missed_before: Counter = field(default_factory=Counter)  # week -> strength missed in an earlier re-plan


def _classify(events: list[PlanEvent], inst: Instance, today: dt.date, missed: list[Selector],
              done: list[Selector], ranges: list[tuple[dt.date, dt.date]], injured: Callable[[dt.date], bool],
              source: str) -> _State:
    for selector in [*missed, *done]:
        if not any(selector.matches(e) for e in events):
            raise InputError(source, selector.text, "no session of the plan matches it",
                             "name a session by its date (YYYY-MM-DD), date and kind (YYYY-MM-DD:strength) or UID")
    midnight = dt.datetime.combine(today, dt.time(0), inst.timeline.zone)
    state = _State([], [], [], [], max(0, (today - inst.weeks[0].monday).days))
    for e in events:
        in_range = any(a <= e.start.date() <= b for a, b in ranges)
        if e.kind is Kind.REHAB:
            state.done.append(e)  # the physio's sessions stay as scheduled
        elif injured(e.start.date()) and e.start >= midnight:
            state.injured.append(e)
        elif e.kind is Kind.RACE:
            state.races.append(e)
        elif any(s.matches(e) for s in missed) or (in_range and not any(s.matches(e) for s in done)):
            state.missed.append(e)
        elif e.start < midnight or e.user_moved or any(s.matches(e) for s in done):
            state.done.append(e)
        else:
            state.future.append(e)
    return state


def _targets_from_actual(profile: Profile, weeks: tuple[WeekTarget, ...], state: _State,
                         settled: Callable[[dt.date], bool], free: dict[int, frozenset[int]]) -> tuple[WeekTarget, ...]:
    """R6 from the volume actually run: weeks whose every day is past, missed or injured keep only
    what was done, and the weeks after them are re-derived from that."""
    over = {w.index for w in weeks if all(settled(d) for d in w.days)}
    runs: dict[int, list[tuple[Kind, int]]] = {i: [] for i in over}
    for e in state.done:
        if e.week in over and e.kind in RUN_KINDS:
            runs[e.week].append((e.kind, e.minutes))
    ran = {i: Ran(sum(m for _, m in r), max((m for k, m in r if k is Kind.LONG), default=0), len(r),
                  max((m for k, m in r if k is Kind.EASY), default=0)) for i, r in runs.items()}
    return week_targets(profile, ran, free)


def _recorded_injuries(cal: icalendar.Calendar, source: str) -> list[Injury]:
    found = []
    for value in textprop.get_all(cal, "X-RUNCAL-INJURY"):
        start, _, until = value.partition("/")
        try:
            found.append(Injury(dt.date.fromisoformat(start), dt.date.fromisoformat(until) if until else None))
        except ValueError:
            raise CalendarError(source, "X-RUNCAL-INJURY", f"{value!r} is not FROM/UNTIL dates", FIX) from None
    return found


def _with_rehab(week: WeekTarget, rehab: Rehab, days: list[dt.date]) -> WeekTarget:
    """R9: the physio's sessions a week, fewer in a week the injury only partly covers."""
    if not days:
        return week
    count = min(rehab.sessions_per_week, -(-rehab.sessions_per_week * len(days) // 7))
    return replace(week, rehab=count, rehab_minutes=rehab.minutes)


def _instance_with_history(inst: Instance, state: _State, ranges: list[tuple[dt.date, dt.date]],
                           injury_days: frozenset[int] = frozenset()) -> Instance:
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
    history = History(first_open_day=state.first_open_day, done=dict(done_counts), done_minutes=dict(minutes),
                      done_runs={w: tuple(r) for w, r in done_runs.items()},
                      missed_strength=dict(missed_strength), replanning=True, injury_days=injury_days)
    return replace(inst, fixed=inst.fixed + fixed, busy=inst.busy + blocked, history=history)


# --- the lexicographic objective -----------------------------------------------------------------

def _slot(inst: Instance, e: PlanEvent) -> tuple[int, Kind, int, int]:
    """Day, kind, start and end: a session is unchanged only if all four are."""
    tl = inst.timeline
    return ((e.start.date() - inst.weeks[0].monday).days, e.kind, tl.minutes(e.start), tl.minutes(e.end))


def _solve(inst: Instance, state: _State, undisturbed: int, time_limit: float) -> tuple[list[Option], str]:
    """The lexicographic optimum. Weeks from `undisturbed` on can keep every session as planned; a
    re-plan that changes nothing there is found first, with those weeks held to their original
    slots, and accepted when its first three levels equal those of the weeks before alone (a
    relaxation: fewer weeks, fewer constraints, fewer events to change), which makes it optimal:
    the later weeks then change nothing in any optimum, so the preference level is the one
    solved. Otherwise the whole horizon is solved."""
    originals = state.future + state.missed
    if undisturbed <= len(inst.weeks):
        slots = frozenset(_slot(inst, e) for e in originals if e.week >= undisturbed)
        frozen = replace(inst, keep_only=(7 * (undisturbed - 1), slots))
        chosen, status, values = _lexicographic(frozen, originals, time_limit)
        head = [e for e in originals if e.week < undisturbed]
        if status in ("optimal", "feasible"):  # the bound counts only if the relaxation is proven optimal
            _, bound_status, bound = _lexicographic(replace(inst, weeks=inst.weeks[:undisturbed - 1]), head,
                                                    time_limit, levels=3)
            if bound_status == "optimal" and values[:3] == bound:
                return chosen, status
        hint = chosen  # a plan of the whole horizon (the held weeks are part of it): where the search starts
    else:
        hint = []
    chosen, status, _ = _lexicographic(inst, originals, time_limit, hint=hint)
    if status in ("", "INFEASIBLE"):
        raise NoPlanError("No plan exists after the missed sessions. Fix: mark fewer sessions missed, or add "
                          "availability.")
    if status not in ("optimal", "feasible"):
        raise NoPlanError(f"No re-plan found within the time limit (solver status {status}). Fix: raise "
                          "--time-limit.")
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


def _lexicographic(inst: Instance, originals: list[PlanEvent], time_limit: float,
                   levels: int = 4, hint: list[Option] = ()) -> tuple[list[Option], str, list[int]]:
    """Fewest changed sessions, then fewest dropped, then least time shift, then preferences: each
    level solved to optimality and then held. Returns the chosen options, "optimal"/"feasible"
    (else the solver's status name for the level that found nothing) and each level's value; a
    status "feasible" at any level (time limit) makes the whole "feasible"."""
    model, v = build_model(inst)
    by_slot = {(o.day, o.kind, o.start, o.end): lit for o, lit in v.x.items()}
    keeps = [by_slot.get(_slot(inst, e)) for e in originals]
    changes = sum(1 - k for k in keeps if k is not None) + sum(1 for k in keeps if k is None)
    terms = place_planned_sessions(inst, model, v)
    drops = sum(coef * expr for expr, coef in terms)
    costs = inst.extra_costs
    shift = cp_model.LinearExpr.weighted_sum(list(v.x.values()), [costs(o)[1] for o in v.x])
    solver = solver_for(time_limit, 1)
    if hint:
        slots = {(o.day, o.kind, o.start, o.end) for o in hint}
        for o, lit in v.x.items():
            model.add_hint(lit, (o.day, o.kind, o.start, o.end) in slots)
    # The first two levels as one objective, changes weighted above every possible drop cost (the
    # same lexicographic optimum; one solve instead of two: the marathon sample's re-plan after a
    # missed quality run, CP-SAT deterministic time 0.41 -> 0.25 s over its levels).
    above = 1 + drop_cost_bound(inst)
    proven, values = True, []
    levels_exprs = [changes * above + drops, shift, v.objective][:max(1, levels - 1)]
    for i, expr in enumerate(levels_exprs):
        model.minimize(expr)
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return [], solver.status_name(status), values
        proven = proven and status == cp_model.OPTIMAL
        value = round(solver.objective_value)
        values += divmod(value, above) if i == 0 else [value]
        if i + 1 < len(levels_exprs):  # hold this level's optimum while improving the next
            model.add(expr <= value)
            _hint(model, v, solver)
    chosen = [o for o, lit in v.x.items() if solver.boolean_value(lit)]
    return chosen, "optimal" if proven else "feasible", values[:levels]


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
    for s in sorted(fresh, key=lambda s: s.start):
        candidates = movable.get((s.week, s.kind))
        if not candidates:  # a session with no original to carry over (rehab; a run whose original was cancelled)
            _add_event(cal, s, stamp, result)
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
        _move(e.component, s, stamp)
        kept.add(e.uid)
    for e in [*state.future, *state.missed, *state.injured]:
        if e.uid not in kept:
            stretch = next(((a, b) for a, b in ranges if a <= e.start.date() <= b), None)
            why = why_dropped(Slot(e.kind, e.start, e.end), busy, rules.busy_buffer_min, e in state.missed, stretch,
                              e in state.injured)
            result.dropped.append((e.label, why))
            _cancel(e.component, stamp, why.stored, missed=today if e in state.missed else None)
    every = len(state.future) + len(state.missed) + len(state.races) + len(state.done) + len(state.injured)
    result.unchanged = every - len(result.moved) - len(result.resized) - len(result.dropped)
    result.data = cal.to_ical()
    return result


def _move(component: icalendar.Event, s: Session, stamp: dt.datetime) -> None:
    """Same UID, new time (and new words when the re-plan changed its length), SEQUENCE + 1."""
    _bump(component, stamp)
    changes = [("DTSTART", s.start), ("DTEND", s.end),
               ("X-RUNCAL-PLANNED-START", planned_start(s.start))]
    if s.kind.is_run:  # a strength session keeps its own template and prescription (R7)
        changes += [("SUMMARY", s.title), ("DESCRIPTION", s.details), ("X-RUNCAL-PERIOD", s.period)]
        if "STEPS" in s.prescription:  # the run's workout, fitted to its new length (TEXT: vText escapes it)
            changes.append(("X-RUNCAL-STEPS", icalendar.vText(s.prescription["STEPS"])))
    for name, value in changes:
        if name.startswith("X-"):
            textprop.put(component, name, value)
        else:
            _replace_prop(component, name, value)


def _cancel(component: icalendar.Event, stamp: dt.datetime, why: str, missed: dt.date | None) -> None:
    """Cancelled, with why; a missed session records the day the miss was reported (the re-plan's
    today): the checker judges later weeks by what was known when they began."""
    _bump(component, stamp)
    _replace_prop(component, "STATUS", "CANCELLED")
    textprop.put(component, "X-RUNCAL-DROPPED", why)
    if missed is not None:
        textprop.put(component, "X-RUNCAL-MISSED", missed.isoformat())


def _bump(component: icalendar.Event, stamp: dt.datetime) -> None:
    sequence = int(component.get("SEQUENCE", 0)) + 1
    for name, value in (("SEQUENCE", sequence), ("DTSTAMP", stamp), ("LAST-MODIFIED", stamp)):
        if name in component:
            del component[name]
        component.add(name, value)


def _replace_prop(component, name: str, value) -> None:
    if name in component:
        del component[name]
    component.add(name, value)




def _add_event(cal: icalendar.Calendar, s: Session, stamp: dt.datetime, result: ReplanResult) -> None:
    """A new session: its identity names the re-plan that made it, so its UID is stable and new."""
    key = textprop.get(cal, "X-RUNCAL-PLAN-ID", "runcal")
    taken = {textprop.get(e, "X-RUNCAL-SESSION", "") for e in cal.walk("VEVENT")}
    n = 1
    while (ident := f"w{s.week:02d}-{s.kind.value}-r{n}") in taken:
        n += 1
    cal.add_component(session_event(replace(s, ident=ident), key, stamp))
    result.added.append(f"{s.kind.label} {s.start:%Y-%m-%d %H:%M}")


def _rehab_words(s: Session, injury: Injury) -> Session:
    why = f"\n\nWeek {s.week}: injured since {injury.start}; only your physiotherapist's programme (R9). " \
          "Rehab sessions keep 8 h from runs (R3), recovery between them (R4) and rest days (R5)."
    return replace(s, title=injury.rehab.title(), details=injury.rehab.description() + why)


def _record_injury(cal: icalendar.Calendar, injury: Injury, stamp: dt.datetime, result: ReplanResult) -> None:
    """An all-day reminder to get assessed, and the injury period for the checker (R9)."""
    key = textprop.get(cal, "X-RUNCAL-PLAN-ID", "runcal")
    note = icalendar.Event()
    note.add("uid", session_uid(key, f"injury-{injury.start}"))
    note.add("dtstamp", stamp)
    note.add("dtstart", injury.start)
    note.add("dtend", injury.start + dt.timedelta(days=1))
    note.add("summary", "Get assessed by a physiotherapist before resuming")
    note.add("description", "You reported an injury (R9). Seek a healthcare professional's advice: a "
                            "physiotherapist/osteopath can assess you and prescribe an individual rehab programme. "
                            "runcal pauses your training until you are cleared and never invents a rehab programme. "
                            "runcal is a planning tool, not medical advice.")
    note.add("transp", "TRANSPARENT")
    textprop.add(note, "x-runcal-kind", "note")
    cal.add_component(note)
    textprop.add(cal, "x-runcal-injury", f"{injury.start}/{injury.until or ''}")
    if not injury.rehab:
        result.notes.append("no rehab programme given: nothing is scheduled until you are cleared "
                            "(pass --rehab FILE with your physiotherapist's programme)")
    if injury.until is None:
        result.notes.append("the injury has no end date: re-plan with --until once you are cleared")
    result.data = cal.to_ical()
