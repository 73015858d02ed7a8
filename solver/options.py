"""Option generation: every place a session could go (availability on the 15-minute grid), the
options busy time takes away, and the weeks and days it takes them from."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from .domain import WEEKDAYS, Kind, WeekTarget
from .instance import WHOLE_PLAN, Instance, Option, Scope
from .variables import Variables, indexed


GRID_MINUTES = 15


def session_options(inst: Instance, scope: Scope = WHOLE_PLAN) -> list[Option]:
    """Availability: every start on the 15-minute grid where the whole session fits a window (a
    scope's own options when it evaluates a candidate plan)."""
    if scope.only is not None:
        return list(scope.only)
    # Made once per set of weeks: the plan, its strict twin (`replace`) and the busy checks all ask.
    made_from = (inst.weeks, inst.profile, inst.timeline, inst.keep_only)  # compared by identity
    values = (inst.history.first_open_day, inst.history.injury_days)
    slot = ("session_options", id(inst.weeks))  # the entry holds the weeks, so the id stays theirs
    memo = inst.memo.get(slot)
    if memo is None or memo[1] != values or not all(a is b for a, b in zip(memo[0], made_from)):
        memo = inst.memo[slot] = (made_from, values, _session_options(inst))
    return list(memo[2])


def _lengths(inst: Instance, w: WeekTarget) -> list[tuple[Kind, int]]:
    """Every (kind, minutes) the week places."""
    lengths = [(k, m) for k, d in w.runs.items() for m in sorted(set(d))]
    if w.strength:
        lengths.append((Kind.STRENGTH, inst.profile.durations.strength))
    if w.rehab:
        lengths.append((Kind.REHAB, w.rehab_minutes))
    return lengths


def _session_options(inst: Instance) -> list[Option]:
    keep = inst.keep_only
    injury = inst.history.injury_days
    options = []
    make = Option._make
    for w in inst.weeks:
        lengths = _lengths(inst, w)
        for day_date in w.days:
            day = (day_date - inst.epoch).days
            if day < inst.history.first_open_day:
                continue
            # R9: nothing but the physio's programme while injured, and only then
            here = [(k, m) for k, m in lengths if (k is Kind.REHAB) == (day in injury)]
            for clock, start, close in _starts(inst, day_date):
                for kind, minutes in here:
                    if start + minutes <= close and (keep is None or day < keep[0]
                                                     or (day, kind, start, start + minutes) in keep[1]):
                        options.append(make(day, kind, start, start + minutes, clock))
    return options


def overlapping_busy(inst: Instance, v: Variables) -> Iterable[Option]:
    buffer = inst.profile.rules.busy_buffer_min
    for b in inst.busy:
        for day in range(max(0, b.start // 1440 - 1), b.end // 1440 + 2):
            for o in v.by_day.get(day, ()):
                if o.start < b.end + buffer and b.start - buffer < o.end:
                    yield o


def blocked_weeks(inst: Instance) -> frozenset[int]:
    """Weeks in which busy time (plus the buffer) takes away at least one place a session could go.

    Made once per instance (kept on it as functools.cached_property would keep it: a `replace`d
    instance, with other weeks or busy time, makes its own)."""
    found = inst.__dict__.get(_BLOCKED)
    if found is None:
        found = inst.__dict__[_BLOCKED] = _blocked_weeks(inst)
    return found


_BLOCKED = "_blocked_weeks"  # blocked_weeks' entry in the instance's own attributes


def _blocked_weeks(inst: Instance) -> frozenset[int]:
    if not inst.busy:
        return frozenset()
    return frozenset(o.day // 7 + 1 for o in overlapping_busy(inst, indexed(session_options(inst))))


def free_days(inst: Instance) -> dict[int, frozenset[int]]:
    """Plan weeks in which busy time takes every place a run could go on some day with a window:
    week index -> the days of the week (0 = its first) that still have one. It shapes
    periodization, which comes before any slot is kept, so a re-plan's keep_only plays no part
    (its caller, shaping.shaping_days, asks it of instances fresh from build_instance)."""
    if not inst.busy:
        return {}
    buffer = inst.profile.rules.busy_buffer_min
    near: dict[int, list[tuple[int, int]]] = defaultdict(list)  # day -> busy spans overlapping_busy checks there
    for b in inst.busy:
        for day in range(max(0, b.start // 1440 - 1), b.end // 1440 + 2):
            near[day].append((b.start - buffer, b.end + buffer))
    found = {}
    for w in inst.weeks:
        if not any(w.runs.values()):
            continue
        # A run of any length that fits at a start and misses busy time, so does a shorter one
        # there: the shortest run has a place on exactly the days some run has.
        shortest = min(m for d in w.runs.values() for m in d)
        windows, free = set(), set()
        for day_date in w.days:
            day = (day_date - inst.epoch).days
            if day < inst.history.first_open_day or day in inst.history.injury_days:
                continue
            starts = [(start, close) for _, start, close in _starts(inst, day_date) if start + shortest <= close]
            if starts:
                windows.add(day % 7)
            if any(all(not (a < start + shortest and start < z) for a, z in near.get(day, ())) for start, _ in starts):
                free.add(day % 7)
        if free != windows:
            found[w.index] = frozenset(free)
    return found


def _starts(inst: Instance, day_date: dt.date) -> list[tuple[int, int, int]]:
    """(wall-clock minute, start, window close), the last two in elapsed minutes, of every start on
    the 15-minute grid of the day's windows (none at a wall-clock time the clocks skip or repeat)."""
    found = []
    midnight = inst.timeline.plain_day(day_date)
    for window in inst.profile.availability[WEEKDAYS[day_date.weekday()]]:
        close = inst.timeline.day_end(day_date, window.end) if midnight is None else midnight + window.end
        if close is None:
            continue
        for clock in range(window.start, window.end, GRID_MINUTES):
            if midnight is not None:
                found.append((clock, midnight + clock, close))
            elif (moment := inst.timeline.local(day_date, clock)) is not None:
                found.append((clock, inst.timeline.minutes(moment), close))
    return found
