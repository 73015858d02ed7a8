"""The independent rule checker: the specification of a valid plan file.

`check_calendar` reads a plan (.ics, as docs/ics-format.md describes it) and a profile and
lists every rule of RULES.md that the plan breaks, one readable line each. It reads only the
file and the profile, never the model: a checker that shared the model's code would share its
bugs. So this module imports only the standard library and the plain data modules
(solver.domain, solver.profile, solver.errors); the file itself is read by solver/planfile.py,
which the re-plan shares and which imports no model code either.

Times: every event is turned into UTC instants for gaps (real elapsed time, so a daylight-saving
day is 23 or 25 h long) and into the runner's zone for dates, weeks and wall-clock windows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from .busy import BusyEvent
from .domain import PERIODS, WEEKDAYS, Kind, Profile, Race
from .errors import CalendarError, printable
from .inputs import json_value, read_bytes as read_input
# Entry, classify, plan_dates and recorded_injuries are the checker's names for what planfile reads.
from .planfile import Entry, classify, plan_dates, recorded_injuries  # noqa: F401
from .prescriptions import load_step, session_prescription
from . import planfile

UTC = dt.timezone.utc
R3_GAP = dt.timedelta(hours=8)
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
VOLUME_KINDS = (Kind.EASY, Kind.LONG, Kind.QUALITY)  # races are not training volume
HARD_KINDS = (Kind.LONG, Kind.QUALITY, Kind.RACE)
LONG_APART_DAYS = 5  # R12: two long runs (or a long run and a race) start this many calendar days apart
QUALITY_FREE_DAYS = 2  # R8 race recovery: no quality run on the days just after a race (docs/ics-format.md)
LONG_RUN_DEFAULT_PCT = 40  # R11: without runner.long_run_minutes, the current long run is this share


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {printable(self.message, None)}"  # names from the file, never raw escapes


# -- the plan as the checker sees it -------------------------------------------------------

@dataclass(frozen=True)
class PlanFile:
    profile: Profile
    first_day: dt.date  # X-RUNCAL-PLAN-START
    last_day: dt.date  # X-RUNCAL-PLAN-END
    sessions: tuple[Entry, ...]  # sorted by start
    busy: tuple[BusyEvent, ...] = ()  # from the runner's own calendars, when given
    missed: tuple[Entry, ...] = ()  # cancelled because the runner missed them: the plan held them
    injuries: tuple[tuple[dt.date, dt.date], ...] = ()  # R9 pauses, first and last day
    cancelled: tuple[Entry, ...] = ()  # every CANCELLED session, missed ones too (for views of re-plans)
    uids: tuple[tuple[str, str], ...] = ()  # (UID or "", how to name the event) of every VEVENT

    def injured(self, day: dt.date) -> bool:
        return any(a <= day <= b for a, b in self.injuries)

    def injured_week(self, week: int) -> bool:
        return any(self.injured(day) for day in self.week_days(week))

    @cached_property
    def weeks(self) -> range:
        return range(1, ((self.last_day - self.first_day).days + 7) // 7 + 1)

    def week_of(self, day: dt.date) -> int:
        return (day - self.first_day).days // 7 + 1

    def first_day_of(self, week: int) -> dt.date:
        """First day of the plan week (the runner's week start, whichever weekday it is)."""
        return self.first_day + dt.timedelta(weeks=week - 1)

    def week_days(self, week: int) -> list[dt.date]:
        return [self.first_day_of(week) + dt.timedelta(days=i) for i in range(7)]

    def week_name(self, week: int) -> str:
        return f"week {week} ({self.first_day_of(week)})"

    def week_key(self, week: int) -> dt.datetime:
        return dt.datetime.combine(self.first_day_of(week), dt.time())

    def in_week(self, week: int, kinds: Iterable[Kind] = tuple(Kind)) -> list[Entry]:
        kinds = tuple(kinds)
        return [s for s in self.sessions if s.kind in kinds and self.week_of(s.day) == week]

    def volume(self, week: int, known: dt.date | None = None) -> int:
        """R6's V(n) in seconds; V(0) is the runner's current weekly minutes. With `known` (the day
        a later week began), sessions missed but reported only on or after that day still count:
        a week is judged by what was known when it began (docs/ics-format.md)."""
        if week == 0:
            return self.profile.weekly_minutes * 60
        return sum(s.seconds for s in self.runs_of(week, known))

    def runs_of(self, week: int, known: dt.date | None = None) -> list[Entry]:
        """The week's runs (races aside), with the misses not yet known on `known`."""
        runs = self.in_week(week, VOLUME_KINDS)
        if known is not None:
            runs += [m for m in self.missed if m.kind in VOLUME_KINDS and self.week_of(m.day) == week
                     and m.reported is not None and m.reported >= known]
        return runs

    def long_run(self, week: int, known: dt.date | None = None) -> int:
        """Seconds of the week's longest long run (0: none); weeks before the plan hold the
        runner's current long run (R11)."""
        if week <= 0:
            return _current_long_run(self.profile) * 60
        return max((s.seconds for s in self.runs_of(week, known) if s.kind is Kind.LONG), default=0)

    @cached_property
    def race_weeks(self) -> dict[int, Race]:
        return {self.week_of(r.date): r for r in self.profile.races}

    @cached_property
    def taper_weeks(self) -> dict[int, tuple[Race, int]]:
        """Taper week -> (its A race, 1-based position in the taper): the taper_weeks weeks before
        the race's week that come after the previous A race's week."""
        taper = self.profile.rules.taper_weeks
        found, previous = {}, 0
        for race in self.profile.a_races:
            first = self.week_of(race.date) - taper
            for i in range(taper):
                if first + i >= 1 and first + i > previous:
                    found[first + i] = (race, i + 1)
            previous = self.week_of(race.date)
        return found


# -- reading the file ----------------------------------------------------------------------

def check_file(path: str | Path, profile: Profile | None = None,
               busy: tuple[BusyEvent, ...] = ()) -> list[Violation]:
    return check_calendar(read_bytes(path), profile, str(path), busy)


def read_bytes(path: str | Path) -> bytes:
    """A plan file's bytes, read the guarded way (a regular file, at most the plan's size cap)."""
    return read_input(path, "plan", CalendarError)


def plan_profile(path: str | Path) -> Profile:
    """The profile embedded in a plan file (X-RUNCAL-PROFILE)."""
    return read_plan(read_bytes(path), None, str(path)).profile


def check_calendar(data: bytes, profile: Profile | None = None, source: str = "<plan>",
                   busy: tuple[BusyEvent, ...] = ()) -> list[Violation]:
    """Every rule the plan breaks, in rule order, then in time order."""
    plan = replace(read_plan(data, profile, source), busy=tuple(busy))
    return [v for rule in CHECKS for v in rule(plan)]


def read_plan(data: bytes | str, profile: Profile | None = None, source: str = "<plan>") -> PlanFile:
    """The plan file as the rules read it (solver/planfile.py reads the file itself)."""
    return plan_of(planfile.parse(data, source), profile, source)


def plan_of(cal: icalendar.Calendar, profile: Profile | None = None, source: str = "<plan>") -> PlanFile:
    """The plan as the rules read it from its calendar, parsed (read_plan), or as a re-plan has just
    rewritten it in memory (replan reads its own result so, not parsing the bytes it wrote again:
    0.06 s of a 19-week plan; tests/test_replan.py holds the two readings equal)."""
    first, last = plan_dates(cal, source)
    profile = profile or planfile.embedded_profile(cal, source)
    uids = planfile.uids(cal, source)
    sessions, missed, cancelled = planfile.entries(cal, ZoneInfo(profile.timezone), source)
    return PlanFile(profile, first, last, tuple(sessions), missed=tuple(missed),
                    injuries=planfile.injuries(cal, last, source), cancelled=tuple(cancelled), uids=uids)


# -- the rules -----------------------------------------------------------------------------

Found = list[tuple[dt.datetime, str]]  # (local time the problem starts, message)


def _report(rule: str, found: Found) -> list[Violation]:
    return [Violation(rule, message) for _, message in sorted(found)]


def r1_strength_per_week(plan: PlanFile) -> list[Violation]:
    """R1 (hard): "Aim incorporate 1-2 sessions of resistance training per week alongside running".

    Strength sessions per week lie in [strength_min, strength_max]; a race week may hold 0 (R8)
    and a taper week at most strength_min (R8: strength to maintenance).
    """
    rules, found = plan.profile.rules, []
    for week in plan.weeks:
        low, high, notes = rules.strength_min, rules.strength_max, []
        if week in plan.race_weeks:
            low, notes = 0, [*notes, "race week"]
        if week in plan.taper_weeks:  # maintenance: the minimum, or none in the race week itself
            high, notes = low, [*notes, "taper week: maintenance"]
        if plan.injured_week(week):  # R9 lowers the floor only: what was done before the injury stays
            low, notes = 0, [*notes, "injury pause, R9"]
        count = len(plan.in_week(week, [Kind.STRENGTH]))
        held = count + sum(1 for m in plan.missed if m.kind is Kind.STRENGTH and plan.week_of(m.day) == week)
        if not (low <= held and count <= high):
            allowed = f"{low}" if low == high else f"{low}–{high}"
            note = f" ({', '.join(notes)})" if notes else ""
            found.append((plan.week_key(week), f"{plan.week_name(week)} holds {_n(count, 'strength session')}; "
                                               f"allowed {allowed}{note}"))
    return _report("R1", found)


def r2_replace_dont_add(plan: PlanFile) -> list[Violation]:
    """R2 (hard): "Don't add in extra training sessions, replace a running session with a resistance
    training session".

    Runs (races included) + strength sessions per week ≤ sessions_per_week.
    """
    limit, found = plan.profile.sessions_per_week, []
    for week in plan.weeks:
        sessions = plan.in_week(week)
        strength = sum(s.kind.is_strength for s in sessions)
        if len(sessions) > limit:
            found.append((plan.week_key(week), f"{plan.week_name(week)} holds {len(sessions)} sessions "
                          f"({_n(len(sessions) - strength, 'run')}, {strength} strength); "
                          f"allowed {limit} (sessions_per_week)"))
    return _report("R2", found)


def r3_run_strength_gap(plan: PlanFile) -> list[Violation]:
    """R3 (hard): "Leave at least 8 hours between a run and a resistance training session".

    Between every run/race and every strength session, in either order, ≥ 8 h from the end of
    the first to the start of the second; an overlap is a violation.
    """
    runs = [s for s in plan.sessions if s.kind.is_run]
    strength = [s for s in plan.sessions if s.kind.is_strength]  # rehab too (R9)
    found = []
    for pair in ((run, lift) for run in runs for lift in strength):
        a, b = sorted(pair, key=lambda s: (s.start, s.end))
        if b.start - a.end < R3_GAP:
            found.append((b.key, _gap_message(a, b, "needs 8 h")))
    return _report("R3", found)


def r4_same_session_recovery(plan: PlanFile) -> list[Violation]:
    """R4 (hard): "a 24-48-hour rest period between the same session".

    Two strength sessions, or two hard runs (long, quality, race), are ≥ recovery_hours apart,
    end to start.
    """
    hours = plan.profile.rules.recovery_hours
    need = dt.timedelta(hours=hours)
    found = []
    for kinds, what in (((Kind.STRENGTH, Kind.REHAB), "strength sessions"), (HARD_KINDS, "hard runs")):
        group = [s for s in plan.sessions if s.kind in kinds]
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if b.start - a.end >= need:
                    break  # later sessions start later still
                found.append((b.key, _gap_message(a, b, f"needs {hours} h between {what} (recovery_hours)")))
    return _report("R4", found)


def r5_rest_days(plan: PlanFile) -> list[Violation]:
    """R5 (hard): "Ensure you factor in rest days to allow your body to recover".

    Every week holds ≥ rest_days_min days on which no session starts or ends.
    """
    need, found = plan.profile.rules.rest_days_min, []
    busy = {day for s in plan.sessions for day in s.days}
    for week in plan.weeks:
        rest = [day for day in plan.week_days(week) if day not in busy]
        if len(rest) < need:
            which = f" ({', '.join(f'{DAY_NAMES[d.weekday()][:3]} {d}' for d in rest)})" if rest else ""
            found.append((plan.week_key(week), f"{plan.week_name(week)} has {_n(len(rest), 'rest day')}{which}; "
                                               f"needs {need} (rest_days_min)"))
    return _report("R5", found)


def r6_ramp(plan: PlanFile) -> list[Violation]:
    """R6 (hard): "Build slowly alongside increasing running distance/mileage".

    Ramp: 100·V(n) ≤ (100 + ramp_pct)·V(n-1), V(0) being the runner's weekly_minutes; after a
    cutback week (0 < V(n-1) ≤ 0.8·V(n-2)) week n may return to V(n-2); after a week with no running
    at all (illness, a break) week n may restart at up to restart_pct % of the last week that had
    running. Week n is judged by what was known when it began: a session of an earlier week
    reported missed only later still counts there (docs/ics-format.md).

    This is the checker's own copy of R6's ramp, kept apart on purpose from the planner's one
    reading (solver/ramps.py, used by periodization, the model and readiness): a mistake there is
    then not shared by the code that verifies the plans. tests/test_checker.py pins both to
    docs/RULES.md's numbers.
    """
    rules, found = plan.profile.rules, []
    pct = rules.ramp_pct
    for week in plan.weeks:
        known = plan.first_day_of(week)
        now = plan.volume(week)
        before, two_before = plan.volume(week - 1, known), plan.volume(week - 2, known) if week >= 2 else 0
        after_cutback = week >= 2 and 0 < before and 5 * before <= 4 * two_before  # none at all: the restart
        last_run = next((plan.volume(w, known) for w in range(week - 1, -1, -1) if plan.volume(w, known)), 0)
        restart = before == 0 and 100 * now <= rules.restart_pct * last_run
        if 100 * now <= (100 + pct) * before or (after_cutback and now <= two_before) or restart:
            continue
        base = f"week {week - 1}'s {_min(before)}" if week > 1 \
            else f"the current {_min(before)} a week (weekly_minutes)"
        limit = f"max {_num((100 + pct) * before / 6000)}"
        if after_cutback:
            limit += f", or week {week - 2}'s {_min(two_before)} after the cutback"
        if before == 0:
            limit += f", or {rules.restart_pct} % of the last week that ran (restart_pct)"
        found.append((plan.week_key(week), f"{plan.week_name(week)} runs {_min(now)}, "
                                           f"more than {pct} % over {base} ({limit})"))
    return _report("R6", found)


def r6_cutback(plan: PlanFile) -> list[Violation]:
    """R6 (hard): "Build slowly alongside increasing running distance/mileage".

    Cutback: among any cutback_every consecutive weeks at least one is reduced, V(n) ≤ 0.8·V(n-1)
    (week 1 against V(0); V(n-1) as known when week n began), or is a taper, race or injury (R9)
    week. One violation per stretch without one.
    """
    every, found, stretch = plan.profile.rules.cutback_every, [], []
    if every == 0:
        return []
    for week in [*plan.weeks, None]:  # None closes the last stretch
        reduced = week is None or week in plan.race_weeks or week in plan.taper_weeks \
            or plan.injured_week(week) \
            or 5 * plan.volume(week) <= 4 * plan.volume(week - 1, plan.first_day_of(week))
        if not reduced:
            stretch.append(week)
            continue
        if len(stretch) >= every:
            first, last = stretch[0], stretch[-1]
            found.append((plan.week_key(first), f"weeks {first}–{last} ({plan.first_day_of(first)} to "
                          f"{plan.first_day_of(last) + dt.timedelta(days=6)}) hold no cutback week; one in every "
                          f"{every} weeks must run ≤ 80 % of the week before (cutback_every)"))
        stretch = []
    return _report("R6", found)


def r6_strength_intro(plan: PlanFile) -> list[Violation]:
    """R6 (hard): "Build slowly alongside increasing running distance/mileage".

    Intro: in the first strength_intro_weeks weeks, strength sessions ≤ strength_min.
    """
    rules, found = plan.profile.rules, []
    for week in plan.weeks[:rules.strength_intro_weeks]:
        count = len(plan.in_week(week, [Kind.STRENGTH]))
        if count > rules.strength_min:
            found.append((plan.week_key(week), f"{plan.week_name(week)} holds {_n(count, 'strength session')}; "
                          f"the first {rules.strength_intro_weeks} weeks allow at most {rules.strength_min} "
                          "(strength_intro_weeks)"))
    return _report("R6", found)


def r7_prescription(plan: PlanFile) -> list[Violation]:
    """R7 (hard, a table lookup): "Repetitions, sets, volume and load will be dependent on level, type
    of strength required and period of training particularly if in preparation for a race".

    Each strength session names its table cell (template A/B, period) of the runner's strength
    level (strength_level, not their running level) and carries exactly that cell's title,
    warm-up, exercises with their cues and load step, fitted into durations.strength by the
    table's fitting rule; the event lasts at least what the prescription takes. How the load
    step moves from week to week is R6's (r6_load_step) and R8's (_taper_strength)."""
    p, found = plan.profile, []
    for s in plan.sessions:
        if s.kind is not Kind.STRENGTH:
            continue
        template, period = s.prop("X-RUNCAL-TEMPLATE"), s.prop("X-RUNCAL-RX-PERIOD")
        if template not in ("A", "B") or period not in PERIODS:
            found.append((s.key, f"{s} names no prescription (X-RUNCAL-TEMPLATE/X-RUNCAL-RX-PERIOD); "
                                 "every strength session takes one from the R7 table"))
            continue
        try:
            rx = session_prescription(p.strength_level, p.strength_type, period, template, p.durations.strength)
        except ValueError as exc:
            found.append((s.key, f"{s}: {exc}; the slot (durations.strength) is {p.durations.strength} min"))
            continue
        if s.prop("SUMMARY") != rx.title() or not (s.prop("DESCRIPTION") or "").startswith(rx.description()):
            found.append((s.key, f"{s} does not hold the table's {p.strength_level}/{p.strength_type}/{period} "
                                 f"template {template} (strength_level {p.strength_level}): expected \"{rx.title()}\""))
        if s.seconds < rx.minutes * 60:
            found.append((s.key, f"{s} lasts {_min(s.seconds)}; its prescription takes {rx.minutes} min "
                                 "(warm-up, every set and rest)"))
        if s.prop("X-RUNCAL-LOAD-STEP") != str(rx.step):
            found.append((s.key, f"{s} states load step {s.prop('X-RUNCAL-LOAD-STEP')}; the table's is {rx.step}"))
    return _report("R7", found)


def _load_steps(plan: PlanFile) -> list[tuple[Entry, int, int]]:
    """(session, plan week, the table's load step) of each strength session whose prescription
    the table holds (the others R7 reports)."""
    p, steps = plan.profile, []
    for s in plan.sessions:
        template, period = s.prop("X-RUNCAL-TEMPLATE"), s.prop("X-RUNCAL-RX-PERIOD")
        if s.kind is Kind.STRENGTH and template in ("A", "B") and period in PERIODS:
            try:
                rx = session_prescription(p.strength_level, p.strength_type, period, template, p.durations.strength)
            except ValueError:
                continue
            steps.append((s, plan.week_of(s.day), rx.step))
    return steps


def r6_load_step(plan: PlanFile) -> list[Violation]:
    """R6 (hard): "Build slowly alongside increasing running distance/mileage" — for strength: the
    prescribed load rises by at most one step a week (docs/RULES.md R6, "see R7")."""
    found, last = [], None
    for s, week, step in _load_steps(plan):
        if last and step - last[1] > week - last[0]:
            found.append((s.key, f"{s} jumps to load step {step} from step {last[1]} in week {last[0]}; "
                                 "R6 allows one step a week"))
        last = (week, step)
    return _report("R6", found)


def _taper_strength(plan: PlanFile) -> Found:
    """R8: strength to maintenance in the taper, below the peak's load step."""
    p = plan.profile
    peak = load_step(p.strength_level, p.strength_type, "peak")
    return [(s.key, f"{s} is in a taper week at the peak's load step {step}; R8 asks for maintenance")
            for s, week, step in _load_steps(plan) if week in plan.taper_weeks and step >= peak]


def r8_race_preparation(plan: PlanFile) -> list[Violation]:
    """R8 (hard): "Repetitions, sets, volume and load will be dependent on level, type of strength
    required and period of training particularly if in preparation for a race".

    Each race is a race event at its date and start time; taper and race weeks of an A race stay
    under taper_pct of the peak; no taper or race week holds more runs than the week before, and
    race-week runs are no longer than the week before's longest easy run; no strength in the
    race_strength_free_days before a race, on race day, nor the day after; no quality run in the
    days just after a race.
    """
    return _report("R8", _race_events(plan) + _taper_volume(plan) + _taper_runs(plan) + _race_strength_free(plan)
                   + _quality_after_races(plan) + _taper_strength(plan))


def _race_events(plan: PlanFile) -> Found:
    found = []
    for race in plan.profile.races:
        if plan.injured(race.date):
            continue  # R9: an injury pause cancels the race too
        if any(m.kind is Kind.RACE and m.day == race.date for m in plan.missed):
            continue  # the runner did not start: `runcal replan --missed` recorded it (X-RUNCAL-MISSED)
        same_day = [s for s in plan.sessions if s.kind is Kind.RACE and s.day == race.date]
        # A start time the clocks skip is read as the planner reads it (domain.wall_clock: 02:30 → 03:30).
        due = race.starts(ZoneInfo(plan.profile.timezone)).time()
        if any(s.local_start.time().replace(second=0, microsecond=0) == due for s in same_day):
            continue
        seen = f"; the race event that day starts at {same_day[0].local_start:%H:%M}" if same_day \
            else "; there is no race event that day"
        shifted = f" ({race.start:%H:%M} does not exist that day)" if due != race.start else ""
        found.append((dt.datetime.combine(race.date, race.start),
                      f"{race.name} is due {race.date} {due:%H:%M}{shifted}{seen}"))
    return found


def _taper_volume(plan: PlanFile) -> Found:
    """The i-th taper week ≤ taper_pct[i] % of the peak, the race week ≤ the last taper_pct; the
    peak is the biggest week after the previous A race and before this race's taper (as known
    when the week checked began); with none (back-to-back races) the previous race's peak."""
    found, previous = [], 0
    pcts = plan.profile.rules.taper_pct
    peak_weeks: list[int] = []
    for race in plan.profile.a_races:
        race_week = plan.week_of(race.date)
        taper = [(w, i) for w, (r, i) in sorted(plan.taper_weeks.items()) if r == race]
        build = [w for w in range(previous + 1, race_week - len(pcts)) if w in plan.weeks]
        peak_weeks = build or peak_weeks
        checks = [(w, pcts[i - 1], f"taper week {i} before {race.name}") for w, i in taper]
        checks.append((race_week, pcts[-1], f"the week of {race.name}"))
        for week, pct, what in checks:
            known = plan.first_day_of(week)
            peak = max((plan.volume(w, known) for w in peak_weeks), default=plan.volume(0))
            if week in plan.weeks and 100 * plan.volume(week) > pct * peak:
                found.append((plan.week_key(week), f"{plan.week_name(week)}, {what}, runs "
                              f"{_min(plan.volume(week))}, more than {pct} % of the {_min(peak)} peak "
                              f"(max {_num(pct * peak / 6000)})"))
        previous = race_week
    return found


def _taper_runs(plan: PlanFile) -> Found:
    """No taper or race week holds more runs than the week before it, and no run of a race week
    (the race aside) is longer than the longest easy run of the week before."""
    found = []
    weeks = sorted(set(plan.taper_weeks) | set(plan.race_weeks))
    for week in weeks:
        if week - 1 not in plan.weeks or week not in plan.weeks:
            continue
        known = plan.first_day_of(week)
        runs, before = plan.runs_of(week), plan.runs_of(week - 1, known)
        if len(runs) > len(before):
            found.append((plan.week_key(week), f"{plan.week_name(week)} holds {_n(len(runs), 'run')}, more "
                                               f"than the {len(before)} of the week before (a taper or race week)"))
        if week in plan.race_weeks:
            easy = max((r.seconds for r in before if r.kind is Kind.EASY), default=0)
            for r in runs:
                if r.seconds > easy:
                    found.append((r.key, f"{r} ({_min(r.seconds)}) in a race week is longer than the longest easy "
                                         f"run of the week before ({_min(easy)})"))
    return found


def _quality_after_races(plan: PlanFile) -> Found:
    """Race recovery: no quality run on the QUALITY_FREE_DAYS days after a race."""
    found = []
    for race in plan.profile.races:
        for s in plan.sessions:
            if s.kind is Kind.QUALITY and 1 <= (s.day - race.date).days <= QUALITY_FREE_DAYS:
                found.append((s.key, f"{s} is {_n((s.day - race.date).days, 'day')} after {race.name}; no quality "
                                     f"run in the {QUALITY_FREE_DAYS} days after a race"))
    return found


def _race_strength_free(plan: PlanFile) -> Found:
    free = plan.profile.rules.race_strength_free_days
    found = []
    strength = [s for s in plan.sessions if s.kind is Kind.STRENGTH]
    for race in plan.profile.races:
        for s in strength:
            offsets = [(race.date - day).days for day in s.days if -1 <= (race.date - day).days <= free]
            if offsets:
                found.append((s.key, f"{s} is {_days_before(offsets[0])} {race.name} ({race.date}); no strength "
                                     f"in the {free} days before a race, on race day, nor the day after "
                                     "(race_strength_free_days)"))
    return found


def r9_injury(plan: PlanFile) -> list[Violation]:
    """R9 (hard): "Seek a healthcare professional's advice if you sustain an injury".

    From an injury (X-RUNCAL-INJURY) until it is cleared, no session but the physiotherapist's
    rehab; rehab sessions only then (R3, R4 and R5 check them as strength sessions)."""
    found = []
    for s in plan.sessions:
        injured = plan.injured(s.day)
        if injured and s.kind is not Kind.REHAB:
            found.append((s.key, f"{s} falls in an injury pause; only a physiotherapist's rehab programme until cleared"))
        if not injured and s.kind is Kind.REHAB:
            found.append((s.key, f"{s} is a rehab session outside any reported injury"))
    return _report("R9", found)


def r10_consecutive_days(plan: PlanFile) -> list[Violation]:
    """R10 (hard): "Ensure you factor in rest days" / "you can risk overloading your tissues".

    No more than max_consecutive_days days in a row with a session, across week boundaries.
    """
    limit, found = plan.profile.rules.max_consecutive_days, []
    days = sorted({day for s in plan.sessions for day in s.days})
    run: list[dt.date] = []
    for day in [*days, None]:  # None closes the last run of days
        if run and day == run[-1] + dt.timedelta(days=1):
            run.append(day)
            continue
        if len(run) > limit:
            found.append((dt.datetime.combine(run[0], dt.time()), f"{len(run)} training days in a row, "
                          f"{run[0]} to {run[-1]}; at most {limit} (max_consecutive_days)"))
        run = [day] if day else []
    return _report("R10", found)


def r11_long_run(plan: PlanFile) -> list[Violation]:
    """R11 (hard): "Build slowly alongside increasing running distance/mileage" — the long run's own ramp.

    A long run is at most long_ramp_min minutes or long_ramp_pct % (whichever allows more) longer
    than the longest long run of the three plan weeks before it (weeks before the plan hold the
    profile's long_run_minutes; after three weeks without one, restart_pct % of the last long run
    before them); in a week of three runs or more it is at most long_share_max % of the week's
    running. Earlier weeks as known when the week began, the share as known when the long run
    began (missed sessions reported later count).
    """
    rules, found = plan.profile.rules, []
    for week in plan.weeks:
        known = plan.first_day_of(week)
        longs = [s for s in plan.in_week(week, [Kind.LONG])]
        if not longs:
            continue
        window = [plan.long_run(w, known) for w in range(week - 3, week)]
        reference = max(window)
        note = "the longest long run of the three weeks before"
        if not reference:
            earlier = next((plan.long_run(w, known) for w in range(week - 4, week - 4 - 520, -1)
                            if w <= 0 or plan.long_run(w, known)), 0)
            reference = rules.restart_pct * earlier // 100
            note = "restart_pct of the last long run, after three weeks without one"
        allowed = max(reference + rules.long_ramp_min * 60, reference * (100 + rules.long_ramp_pct) // 100)
        for s in longs:
            if s.seconds > allowed:
                found.append((s.key, f"{s} runs {_min(s.seconds)}, more than {_min(allowed)}: {note} is "
                                     f"{_min(reference)} (+{rules.long_ramp_min} min or +{rules.long_ramp_pct} %)"))
            # The share as known when the long run began: a run missed later in the week cannot
            # make a long run already run too long.
            runs = plan.runs_of(week, s.day)
            total = sum(r.seconds for r in runs)
            if len(runs) >= 3 and 100 * s.seconds > rules.long_share_max * total:
                found.append((s.key, f"{s} runs {_min(s.seconds)}, more than {rules.long_share_max} % of the week's "
                                     f"{_min(total)} of running (long_share_max)"))
    return _report("R11", found)


def r12_hard_days_apart(plan: PlanFile) -> list[Violation]:
    """R12 (hard): "a 24-48-hour rest period between the same session"; "you can risk overloading your tissues".

    Hard runs (quality, long, race) never on consecutive calendar days, across weeks; two long
    runs, or a long run and a race, start at least 5 calendar days apart.
    """
    hard = [s for s in plan.sessions if s.kind in HARD_KINDS]
    found = []
    for i, a in enumerate(hard):
        for b in hard[i + 1:]:
            days = (b.day - a.day).days
            if days > LONG_APART_DAYS:
                break
            if days == 1:
                found.append((b.key, f"{b} is the day after {a}; hard runs need a day between them"))
            elif days < LONG_APART_DAYS and {a.kind, b.kind} <= {Kind.LONG, Kind.RACE} and Kind.LONG in (a.kind, b.kind) \
                    and days != 0:
                found.append((b.key, f"{b} starts {_n(days, 'day')} after {a}; two long runs (or a long run and a "
                                     f"race) start at least {LONG_APART_DAYS} calendar days apart"))
    return _report("R12", found)


def r13_strength_before_key(plan: PlanFile) -> list[Violation]:
    """R13 (hard): "Leave at least 8 hours between a run and a resistance training session";
    "adding in more training to your schedule isn't always helpful".

    From the end of a strength or rehab session to the start of the next long run, quality run
    or race: at least strength_before_key_hours.
    """
    hours = plan.profile.rules.strength_before_key_hours
    need = dt.timedelta(hours=hours)
    keys = [s for s in plan.sessions if s.kind in HARD_KINDS]
    found = []
    for lift in (s for s in plan.sessions if s.kind.is_strength):
        nxt = next((k for k in keys if k.start >= lift.start), None)
        # Under 8 h it is R3's violation (R13 at 8 h "leaves only R3"): reported once, there.
        if nxt is not None and R3_GAP <= nxt.start - lift.end < need:
            found.append((nxt.key, _gap_message(lift, nxt, f"needs {hours} h from strength to a key run "
                                                           "(strength_before_key_hours)")))
    return _report("R13", found)


def run_lengths(plan: PlanFile) -> list[Violation]:
    """Durations (hard, the profile's own bounds): easy runs within easy_min…easy_max (a run/walk
    session, X-RUNCAL-RUN-WALK, may be shorter), long runs at most long_max, quality runs at most
    durations.quality, strength sessions as long as durations.strength."""
    d, found = plan.profile.durations, []
    bounds = {Kind.EASY: (d.easy_min, d.easy_max), Kind.LONG: (d.easy_min, d.long_max),
              Kind.QUALITY: (min(d.easy_min, d.quality), d.quality), Kind.STRENGTH: (d.strength, d.strength)}
    for s in plan.sessions:
        if s.kind not in bounds:
            continue
        low, high = bounds[s.kind]
        if s.run_walk:
            low = 0
        if not low * 60 <= s.seconds <= high * 60:
            found.append((s.key, f"{s} lasts {_min(s.seconds)}; durations allow {low}–{high} min for "
                                 f"{'an' if s.kind.label[0] in 'aeiou' else 'a'} {s.kind.label}"))
    return _report("durations", found)


def availability(plan: PlanFile) -> list[Violation]:
    """Availability (hard): "sessions start and end inside the runner's availability windows".

    Every session except a race starts and ends inside one availability window of its weekday,
    in local wall-clock time, on the same day.
    """
    found = []
    for s in plan.sessions:
        if s.kind is Kind.RACE:
            continue
        weekday = DAY_NAMES[s.day.weekday()]
        windows = plan.profile.availability.get(WEEKDAYS[s.day.weekday()], ())
        start, end = _clock(s.local_start, s.day), _clock(s.local_end, s.day)
        if end is None:
            found.append((s.key, f"{s}–{s.local_end:%Y-%m-%d %H:%M} runs past midnight; a session starts "
                                 "and ends on one day"))
            continue
        span = f"{s}–{end // 3600:02d}:{end // 60 % 60:02d}"
        if not windows:
            found.append((s.key, f"{span} is on a {weekday}, which has no availability window"))
        elif not any(w.start * 60 <= start and end <= w.end * 60 for w in windows):
            found.append((s.key, f"{span} lies outside {weekday}'s availability "
                                 f"{', '.join(str(w) for w in windows)}"))
    return _report("availability", found)


def busy_time(plan: PlanFile) -> list[Violation]:
    """Availability (hard): sessions "never overlap a busy event from the runner's own calendars
    (with a configurable buffer, default 30 min, for travel and changing)". Races are fixed."""
    buffer = dt.timedelta(minutes=plan.profile.rules.busy_buffer_min)
    found = []
    for s in plan.sessions:
        if s.kind is Kind.RACE:
            continue
        for b in plan.busy:
            if s.start < b.end + buffer and b.start - buffer < s.end:
                found.append((s.key, f"{s}–{s.local_end:%H:%M} clashes with busy {b.describe(s.local_start.tzinfo)}"
                                     f" + {plan.profile.rules.busy_buffer_min} min buffer"))
    return _report("availability", found)


def plan_window(plan: PlanFile) -> list[Violation]:
    """Plan window (hard, docs/ics-format.md): every session lies between X-RUNCAL-PLAN-START and
    X-RUNCAL-PLAN-END, so that the weekly rules above see all of it."""
    found = [(s.key, f"{s} lies outside the plan, {plan.first_day} to {plan.last_day}")
             for s in plan.sessions if s.days[0] < plan.first_day or s.days[-1] > plan.last_day]
    return _report("plan window", found)


def workout(plan: PlanFile) -> list[Violation]:
    """Workout (hard, issue 17): "the checker verifies, per session, that the steps in the description
    add up to the event's length and that every run has a target".

    Every run runcal planned (X-RUNCAL-KIND easy, long, quality or race) carries X-RUNCAL-STEPS
    whose step seconds (repeats multiplied out) add up to the event's real length, each step with a
    target (an RPE 1-10, and any pace or heart-rate range well formed), and a DESCRIPTION whose
    numbered step lines add up to the same length, each naming its RPE. Hand-added events are the
    runner's own and are not checked."""
    found = []
    for s in plan.sessions:
        if not s.kind.is_run or s.prop("X-RUNCAL-KIND") is None:
            continue
        for problem in _workout_problems(s):
            found.append((s.key, f"{s}: {problem}"))
    return _report("workout", found)


def workout_steps(entry: Entry) -> list | None:
    """The steps of X-RUNCAL-STEPS (RFC 5545 TEXT, unescaped when the entry was read, textprop), or
    None if absent; ValueError if unreadable. `runcal export --fit` reads them through this too."""
    raw = entry.prop("X-RUNCAL-STEPS")
    if raw is None:
        return None
    data = json_value(raw)  # bounded depth: the steps are walked recursively below
    if not isinstance(data, dict) or data.get("v") != 1 or not isinstance(data.get("steps"), list):
        raise ValueError("not a version-1 steps object")
    return data["steps"]


def steps_seconds(steps: list) -> int:
    """Total seconds of a steps list, repeats multiplied out; ValueError if malformed."""
    total = 0
    for step in steps:
        if not isinstance(step, dict):
            raise ValueError("a step is not an object")
        if "repeat" in step:
            times = step["repeat"]
            if type(times) is not int or times < 1 or not isinstance(step.get("steps"), list) or not step["steps"]:
                raise ValueError("a repeat needs a whole number of times and steps")
            total += times * steps_seconds(step["steps"])
            continue
        seconds = step.get("s")
        if type(seconds) is not int or seconds < 0:
            raise ValueError("a step needs its whole seconds 's'")
        total += seconds
    return total


def _leaves(steps: list) -> list[dict]:
    return [leaf for step in steps for leaf in (_leaves(step["steps"]) if "repeat" in step else [step])]


def _untargeted(step: dict) -> str | None:
    """Why a step has no usable target, or None."""
    rpe = step.get("rpe")
    if not (isinstance(rpe, list) and len(rpe) == 2 and all(type(v) is int for v in rpe) and 1 <= rpe[0] <= rpe[1] <= 10):
        return "has no target (an RPE 1-10 at least)"
    for key, low, high in (("pace", 60, 1800), ("hr", 30, 250)):
        value = step.get(key)
        if value is not None and not (isinstance(value, list) and len(value) == 2
                                      and all(type(v) is int for v in value) and low <= value[0] <= value[1] <= high):
            return f"has a malformed {key} range {value!r}"
    return None


_STEP_LINE = re.compile(r"^(?:\d+|   [a-z])\. (?:(\d+) × repeat:$|(?:(\d+) min)? ?(?:(\d+) s)? )")


def description_seconds(text: str) -> tuple[int, int, bool]:
    """(seconds, step lines, every step line names an RPE) from the DESCRIPTION's numbered lines."""
    total, lines, rated, times, block = 0, 0, True, 1, 0
    for line in text.splitlines():
        m = _STEP_LINE.match(line)
        if not m or not (m[1] or m[2] or m[3]):
            continue
        sub = line.startswith("   ")
        if not sub:
            total += times * block
            times, block = 1, 0
        if m[1]:
            times = int(m[1])
            continue
        lines += 1
        rated = rated and "RPE " in line
        seconds = int(m[2] or 0) * 60 + int(m[3] or 0)
        if sub:
            block += seconds
        else:
            total += seconds
    return total + times * block, lines, rated


def _workout_problems(s: Entry) -> list[str]:
    length = _duration(s.seconds)
    try:
        steps = workout_steps(s)
    except ValueError as exc:
        return [f"X-RUNCAL-STEPS is unreadable ({exc})"]
    if steps is None:
        return ["has no steps (X-RUNCAL-STEPS); every run lists its steps, each with a target"]
    problems = []
    try:
        total = steps_seconds(steps)
    except ValueError as exc:
        return [f"X-RUNCAL-STEPS is malformed ({exc})"]
    if total != s.seconds:
        problems.append(f"its steps add up to {_duration(total)}; the event lasts {length}")
    for n, leaf in enumerate(_leaves(steps), 1):
        why = _untargeted(leaf)
        if why:
            problems.append(f"step {n} ({leaf.get('name', leaf.get('kind', '?'))}) {why}")
    said, lines, rated = description_seconds(s.prop("DESCRIPTION") or "")
    if not lines:
        problems.append("its description lists no steps")
    elif said != s.seconds:
        problems.append(f"the steps in its description add up to {_duration(said)}; the event lasts {length}")
    if lines and not rated:
        problems.append("a step in its description names no RPE")
    return problems


def _duration(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def unique_uids(plan: PlanFile) -> list[Violation]:
    """UID (hard, RFC 5545 §3.8.4.7): "The UID itself MUST be a globally unique identifier."

    Every event of the plan has a UID of its own. Two events with one UID are one event to a
    calendar app (the second import overwrites the first, or is refused) and a re-plan cannot tell
    them apart; an event without one cannot be updated in place at all."""
    found, seen = [], {}
    for uid, name in plan.uids:
        if not uid:
            found.append(f"{name} has no UID; every event needs one (RFC 5545 §3.8.4.7)")
        elif uid in seen:
            found.append(f"{name} has the UID {printable(uid, 80)} of {seen[uid]}; each event needs its own")
        else:
            seen[uid] = name
    return [Violation("uid", message) for message in found]


CHECKS: tuple[Callable[[PlanFile], list[Violation]], ...] = (
    r1_strength_per_week,
    r2_replace_dont_add,
    r3_run_strength_gap,
    r4_same_session_recovery,
    r5_rest_days,
    r6_ramp,
    r6_cutback,
    r6_strength_intro,
    r6_load_step,
    r7_prescription,
    r8_race_preparation,
    r9_injury,
    r10_consecutive_days,
    r11_long_run,
    r12_hard_days_apart,
    r13_strength_before_key,
    run_lengths,
    availability,
    busy_time,
    plan_window,
    workout,
    unique_uids,
)


def _current_long_run(profile: Profile) -> int:
    return profile.long_run_minutes or profile.weekly_minutes * LONG_RUN_DEFAULT_PCT // 100


def format_report(violations: Iterable[Violation]) -> str:
    """The report `runcal check` prints: one line per violation, then a count."""
    violations = list(violations)
    if not violations:
        return "OK: the plan keeps every checked rule."
    rules = ", ".join(dict.fromkeys(v.rule for v in violations))
    return "\n".join([*map(str, violations), f"{_n(len(violations), 'violation')} ({rules})"])


# -- wording -------------------------------------------------------------------------------

def _gap_message(a: Entry, b: Entry, need: str) -> str:
    """`b` starts too soon after `a` ends (a.start ≤ b.start)."""
    gap = b.start - a.end
    if gap < dt.timedelta(0):
        return f"{b} overlaps {a} (ends {a.ending(b)}); {need}"
    return f"{b} starts {_hours(gap)} after {a.label} ending {a.ending(b)}; {need}"


def _hours(gap: dt.timedelta) -> str:
    minutes = int(gap.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min"


def _clock(moment: dt.datetime, day: dt.date) -> int | None:
    """Wall-clock seconds since the local midnight of `day`; 24:00 for the next midnight."""
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second
    if moment.date() == day:
        return seconds
    return 86400 if moment.date() == day + dt.timedelta(days=1) and seconds == 0 else None


def _min(seconds: float) -> str:
    return f"{_num(seconds / 60)} min"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _days_before(offset: int) -> str:
    if offset == 0:
        return "on the day of"
    if offset == -1:
        return "the day after"
    return f"{_n(offset, 'day')} before"


# -- solver.check(...), the library's API (solver/__init__.py) -----------------------------

def api(plan: bytes | str | Path, profile: Profile | None = None, busy: tuple[BusyEvent, ...] = ()) -> list[Violation]:
    """Every rule the plan breaks: `plan` is the file's bytes, or its path (str or Path)."""
    if isinstance(plan, bytes):
        return check_calendar(plan, profile, "<plan>", busy)
    return check_file(plan, profile, busy)


from . import callable_module  # noqa: E402  (the package's __init__: no cycle)

callable_module(__name__)
