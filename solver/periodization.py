"""What each plan week must hold, decided before placement.

Periods (R7), weekly running volume (R6 ramp and cutbacks, R8 taper), the long-run series (R11),
the number of strength sessions (R1, R2, R6 intro, R8) and the run sessions that carry the
volume. The CP-SAT model then places these sessions in time.

How the weeks are shaped (numbers and sources in solver/data/periodization.toml):
- Each A race closes a segment: build weeks, then the taper (R8), then the race week; the week
  after it recovers. The build is planned backwards from the race: the segment's goal volume
  (solver/data/readiness.toml) and its longest long run are reached in the peak period, the last
  weeks before the taper, and the weeks before it rise evenly towards them, never faster than
  R6 and R11 allow. A runner already above the goal keeps their volume.
- Cutbacks (R6) come every cutback_every weeks, moved one week earlier when they would fall
  just before a race or a taper, so a B race never follows a cutback and the week after a B
  race returns to a full week.
- The long run is planned first (R11's ramp over the three weeks before, at most long_share_max
  of the week); the other runs take what they can within easy_min…easy_max, and minutes they
  cannot take are left out, never piled onto the long run.
- Taper and race weeks never hold more runs than the week before; race-week runs are no longer
  than the longest easy run of the week before (R8); taper long runs fall with the volume.
- A new runner (beginner below the run/walk threshold) starts with run/walk sessions (NHS Couch
  to 5K stages), three a week where the sessions allow.
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any

from .domain import R3_GAP_MINUTES, WEEKDAYS, Durations, Kind, Profile, Race, WeekTarget
from .errors import ProfileError
from .prescriptions import load_step
from .ramps import PRE_PLAN_WEEKS, allowed_volume, is_cutback, long_allowed, long_reference
from .readiness import target as readiness_target

# Estimated race durations in minutes (the race is a fixed session of this length, R8).
RACE_MINUTES = {
    "5k": {"beginner": 35, "intermediate": 28, "advanced": 22},
    "10k": {"beginner": 70, "intermediate": 57, "advanced": 45},
    "half": {"beginner": 150, "intermediate": 125, "advanced": 100},
    "marathon": {"beginner": 330, "intermediate": 270, "advanced": 215},
}
MIN_RUNS = 3  # runs a week kept before a second strength session replaces one
# A quality run is durations.quality long, less in a small week: at most this share of it (project
# choice: with R11's 40 % long-run share a three-run week needs its other runs nearly as long).
QUALITY_SHARE_PCT = 35
# A week keeps the quality runs its period asks for, and its run count, unless that costs more than
# this share of the minutes it could hold (project choice: a coach gives up easy minutes before the
# week's key session; with three runs a week R11's 40 % share makes a quality run cost ~13 %).
SPLIT_TOLERANCE_PCT = 20
DATA_FILE = "periodization.toml"


@dataclass(frozen=True)
class Ran:
    """What a week that is over really held (re-plans build on it: R6, R8, R11)."""

    minutes: int
    long: int = 0  # the long run's minutes (0: none)
    runs: int = 0
    longest_easy: int = 0


# -- the shape table -------------------------------------------------------------------------

@dataclass(frozen=True)
class Shape:
    peak_weeks: int
    window_weeks: int
    cutback_pct: int
    cutback_long_pct: int
    taper_quality: int
    a_race_pct: int
    a_race_runs: int
    b_race_pct: int
    b_race_runs: int
    quality_free_days: int
    after_pct: int
    after_long_pct: int
    maintain_pct: int
    base_share_pct: int
    no_race_goal_pct: int
    quality: dict[str, dict[str, int]]
    run_walk_below: int
    run_walk_sessions: int
    run_walk_min: int
    run_walk_stages: tuple[tuple[int, int, int], ...]  # (walk warm-up min, run s, walk s)


class PeriodizationTableError(ValueError):
    """The periodization table file is malformed; the message names the entry."""


@cache
def shape() -> Shape:
    text = resources.files("solver.data").joinpath(DATA_FILE).read_text("utf-8")
    return parse_shape(tomllib.loads(text))


def parse_shape(data: dict[str, Any]) -> Shape:
    sources = data.get("sources")
    if not isinstance(sources, dict) or not sources:
        raise PeriodizationTableError(f"{DATA_FILE}: [sources] must map ids to citations")

    def section(name: str) -> dict[str, Any]:
        table = data.get(name)
        if not isinstance(table, dict):
            raise PeriodizationTableError(f"{DATA_FILE}: missing table [{name}]")
        cited = table.get("sources")
        if not isinstance(cited, list) or not cited or any(s not in sources for s in cited):
            raise PeriodizationTableError(f"{DATA_FILE}: [{name}] needs 'sources' from [sources]")
        if not isinstance(table.get("note"), str) or not table["note"].strip():
            raise PeriodizationTableError(f"{DATA_FILE}: [{name}] needs a 'note' saying how the numbers were chosen")
        return table

    def number(table: dict[str, Any], name: str, key: str, low: int, high: int) -> int:
        value = table.get(key)
        if type(value) is not int or not low <= value <= high:
            raise PeriodizationTableError(f"{DATA_FILE}: {name}.{key} must be a whole number in [{low}, {high}]")
        return value

    peak, cut, taper, race, after, base, walk = (section(n) for n in (
        "peak", "cutback", "taper", "race_week", "after_a_race", "base", "run_walk"))
    quality = section("quality_runs")
    levels = {}
    for level in ("beginner", "intermediate", "advanced"):
        row = quality.get(level)
        if not isinstance(row, dict) or set(row) != {"base", "build", "peak", "taper", "race", "recovery"}:
            raise PeriodizationTableError(f"{DATA_FILE}: quality_runs.{level} needs a count per period")
        levels[level] = {k: number(row, f"quality_runs.{level}", k, 0, 3) for k in row}
    stages = walk.get("stages")
    if not isinstance(stages, list) or not stages:
        raise PeriodizationTableError(f"{DATA_FILE}: run_walk.stages must be a non-empty list")
    parsed = tuple((number(s, "run_walk.stages", "walk_warmup_min", 0, 15), number(s, "run_walk.stages", "run_s", 10, 1800),
                    number(s, "run_walk.stages", "walk_s", 10, 600)) for s in stages)
    # R6 (cutback) needs a drop of at least 20 %: a shallower table cutback would be rejected by the checker.
    return Shape(
        peak_weeks=number(peak, "peak", "weeks", 1, 6), window_weeks=number(peak, "peak", "window_weeks", 1, 12),
        cutback_pct=number(cut, "cutback", "volume_pct", 40, 79), cutback_long_pct=number(cut, "cutback", "long_pct", 40, 100),
        taper_quality=number(taper, "taper", "quality_runs", 0, 2),
        a_race_pct=number(race, "race_week", "a_volume_pct_of_last_taper", 20, 100),
        a_race_runs=number(race, "race_week", "a_runs", 0, 5), b_race_pct=number(race, "race_week", "b_volume_pct", 30, 79),
        b_race_runs=number(race, "race_week", "b_runs", 0, 5),
        quality_free_days=number(race, "race_week", "quality_free_days_after", 1, 7),
        after_pct=number(after, "after_a_race", "volume_pct", 20, 100),
        after_long_pct=number(after, "after_a_race", "long_pct", 20, 100),
        maintain_pct=number(after, "after_a_race", "maintain_pct", 20, 100),
        base_share_pct=number(base, "base", "share_pct", 0, 100),
        no_race_goal_pct=number(base, "base", "no_race_goal_pct", 100, 200),
        quality=levels,
        run_walk_below=number(walk, "run_walk", "weekly_minutes_below", 20, 300),
        run_walk_sessions=number(walk, "run_walk", "sessions", 1, 7),
        run_walk_min=number(walk, "run_walk", "min_session_minutes", 5, 60),
        run_walk_stages=parsed,
    )


# -- public API -------------------------------------------------------------------------------

def plan_start(profile: Profile) -> dt.date:
    """The first day of plan week 1: the runner's week start on or after `plan.start`."""
    offset = (WEEKDAYS.index(profile.week_start) - profile.start.weekday()) % 7
    return profile.start + dt.timedelta(days=offset)


def week_targets(profile: Profile, ran: dict[int, Ran] | None = None,
                 free_days: dict[int, frozenset[int]] | None = None) -> tuple[WeekTarget, ...]:
    """The weeks' targets; `ran` (week index → what it held) replaces the plan's numbers of weeks
    already over, so a re-plan builds from what was really run (R6, R8, R11); `free_days` (week
    index → the days, 0 = the week's first, a run can still go on when busy time takes whole
    days) lowers a week's run and hard-run counts (R2 is an upper bound; R12 keeps hard days
    apart) instead of leaving the solver to drop runs."""
    first = plan_start(profile)
    if first > profile.end:
        raise ProfileError(profile.source, "plan.end", f"the plan holds no whole week starting on a "
                           f"{profile.week_start} (first one: {first})", "set plan.end at least a week after plan.start")
    for race in profile.races:
        if race.date < first:
            raise ProfileError(profile.source, f"race {race.name!r}", f"{race.name} on {race.date} is before the "
                               f"first plan week ({first})", "start the plan earlier (plan.start)")
    n_weeks = math.ceil(((profile.end - first).days + 1) / 7)
    mondays = [first + dt.timedelta(weeks=i) for i in range(n_weeks)]
    races = {i: tuple(r for r in profile.races if m <= r.date < m + dt.timedelta(days=7)) for i, m in enumerate(mondays)}
    return _Builder(profile, mondays, races, ran or {}, free_days or {}).build()


def session_room(profile: Profile, days: frozenset[int] | None = None, durations: Durations | None = None) -> int:
    """Sessions a week can hold (`days`: the week's days with a window, 0 = its first; default all
    the profile's): R5 leaves 7 - rest_days_min training days, and a day holds a run and a
    strength session only if its windows keep them R3's 8 h apart. R2's sessions_per_week is an
    upper bound: runs a week has no room for are not planned."""
    d = durations or runnable_durations(profile)
    first = WEEKDAYS.index(profile.week_start)
    if days is None:
        days = frozenset(k for k in range(7) if profile.availability.get(WEEKDAYS[(first + k) % 7]))
    room = []
    for k in days:
        windows = profile.availability.get(WEEKDAYS[(first + k) % 7], ())
        two = any(a.start + short + R3_GAP_MINUTES + other <= b.end
                  for a in windows for b in windows for short, other in ((d.easy_min, d.strength), (d.strength, d.easy_min))
                  if a.start + short <= a.end)
        room.append(2 if two else 1)
    return sum(sorted(room, reverse=True)[:7 - profile.rules.rest_days_min])


def runnable_durations(profile: Profile) -> Durations:
    """The profile's run lengths, none longer than its longest availability window: a run the
    runner has no window for could never be placed."""
    d = profile.durations
    longest = max((w.end - w.start for ws in profile.availability.values() for w in ws), default=0)
    return replace(d, long_max=min(d.long_max, longest), easy_max=max(d.easy_min, min(d.easy_max, longest)),
                   quality=min(d.quality, longest))


def race_minutes(race: Race, level: str) -> int:
    return RACE_MINUTES[race.distance][level]


def current_long_run(profile: Profile) -> int:
    """R11's starting point: the runner's long run now."""
    return profile.long_run_minutes or profile.weekly_minutes * 40 // 100


def peak_window(weeks: tuple[WeekTarget, ...], race: Race, taper_weeks: int) -> list[WeekTarget]:
    """The weeks where an A race's build should peak: the last `window_weeks` before its taper,
    after the previous A race."""
    race_week = next(w.index for w in weeks if w.monday <= race.date < w.monday + dt.timedelta(days=7))
    previous = max((w.index for w in weeks if w.index < race_week
                    and any(r.priority == "A" for r in w.races)), default=0)
    first = max(previous + 1, race_week - taper_weeks - shape().window_weeks)
    return [w for w in weeks if first <= w.index < race_week - taper_weeks]


# -- the builder -------------------------------------------------------------------------------

@dataclass
class _Segment:
    """Weeks up to and including an A race's week (race None: the weeks after the last A race)."""

    first: int  # 0-based week indices
    last: int
    race: Race | None
    goal: int = 0  # the volume the build reaches in the peak period
    long_goal: int = 0
    peak: int = 0  # the biggest week and long run so far (R8's taper is measured on them)
    peak_long: int = 0
    full: int = 0  # the biggest full build week so far (not a cutback): the build's floor
    curve: dict[int, int] = field(default_factory=dict)  # week -> desired volume
    long_curve: dict[int, int] = field(default_factory=dict)


class _Builder:
    """Walks the weeks in order so that each week's numbers respect the ones before it (R6, R11)."""

    def __init__(self, profile: Profile, mondays: list[dt.date], races: dict[int, tuple[Race, ...]],
                 ran: dict[int, Ran], free_days: dict[int, frozenset[int]]) -> None:
        self.p, self.rules, self.s = profile, profile.rules, shape()
        self.free_days = free_days
        self.d = runnable_durations(profile)
        self.mondays, self.races, self.ran = mondays, races, ran
        self.n = len(mondays)
        self.roles, self.taper_pos = self._roles()
        self.cutbacks = self._cutbacks()
        self.segments = self._segments()
        self.volumes = [profile.weekly_minutes]  # V(0) = today's volume
        self.longs = [current_long_run(profile)] * PRE_PLAN_WEEKS
        self.runs = [0]  # runs a week (index 0: before the plan, unknown)
        self.easy = [self.d.easy_max]  # longest easy run a week
        self.step = 0
        self.stage = 0  # run/walk stage reached
        self.run_walk = self._starts_run_walk()
        self.prev_peak = (profile.weekly_minutes, current_long_run(profile))

    # -- calendar layout: roles, cutbacks, segments --------------------------------------------
    def _roles(self) -> tuple[list[str], dict[int, tuple[int, int]]]:
        """Per week: "race", "taper", "after" (the week after an A race) or "build"; and for taper
        weeks (race week, 0-based position in the taper)."""
        roles = ["build"] * self.n
        taper: dict[int, tuple[int, int]] = {}
        previous = -1
        for r in self.a_weeks():
            for i in range(max(previous + 1, r - self.rules.taper_weeks), r):
                taper[i] = (r, self.rules.taper_weeks - (r - i))
                roles[i] = "taper"
            if r + 1 < self.n:
                roles[r + 1] = "after"
            previous = r
        for i in taper:
            roles[i] = "taper"  # a taper week of the next race outranks the recovery of the last
        for i, week_races in self.races.items():
            if week_races:
                roles[i] = "race"
        return roles, taper

    def a_weeks(self) -> list[int]:
        return [i for i in range(self.n) if any(r.priority == "A" for r in self.races[i])]

    def _cutbacks(self, first: int = 0) -> set[int]:
        """R6: a cutback every cutback_every weeks, counted from the last reduced week (race and
        taper weeks are reduced too) or from `first`; moved one week earlier when the week it would
        fall on comes just before a race or a taper, so that week stays full."""
        every = self.rules.cutback_every
        if not every:
            return set()
        found: set[int] = set()
        since = 0  # non-reduced weeks in a row
        for i in range(first, self.n):
            if self.roles[i] in ("race", "taper"):
                since = 0
                continue
            due = since >= every - 1
            early = (since == every - 2 and i + 2 < self.n and self.roles[i + 1] not in ("race", "taper")
                     and self.roles[i + 2] in ("race", "taper"))
            # A week busy time takes whole days from holds less anyway: let it be the cutback, so the
            # week after may return to the full week before it (R6) instead of building from less.
            crowded = i + 1 in self.free_days and since > 0
            if due or early or crowded:
                found.add(i)
                since = 0
            else:
                since += 1
        return found

    def _segments(self) -> list[_Segment]:
        found, first = [], 0
        for r in self.a_weeks():
            found.append(_Segment(first, r, next(x for x in self.races[r] if x.priority == "A")))
            first = r + 1
        if first < self.n or not found:
            found.append(_Segment(first, self.n - 1, None))
        return found

    def _segment(self, i: int) -> _Segment:
        return next(s for s in self.segments if s.first <= i <= s.last)

    def _starts_run_walk(self) -> bool:
        choice = self.p.run_walk
        if choice is not None:
            return choice
        return self.p.level == "beginner" and self.p.weekly_minutes < self.s.run_walk_below

    # -- the walk ---------------------------------------------------------------------------
    def build(self) -> tuple[WeekTarget, ...]:
        return tuple(self.week(i) for i in range(self.n))

    def week(self, i: int) -> WeekTarget:
        seg = self._segment(i)
        if not seg.curve and self.roles[i] == "build":
            self._plan_build(seg, i)
        role = self.roles[i]
        races = self.races[i]
        period = self._period(i, seg)
        strength = self._strength(i, period, races)
        # The intro weeks' lighter strength (R6) leaves a session free, not a run more: the runs
        # stay as many as in the weeks after, so the volume does not fall when strength comes in.
        ordinary = min(strength if races else self._regular_strength(), self.p.sessions_per_week)
        n_runs = max(0, self.p.sessions_per_week - max(strength, ordinary) - len(races))
        # Runs the week's days have no room for are not planned (R5's training days, R3's 8 h).
        n_runs = min(n_runs, self._run_capacity(i), max(1, self._session_capacity(i) - strength - len(races)))
        volume_cap, long_want, quality = self._caps(i, seg, role, races, period)
        quality = max(0, min(quality, self._hard_capacity(i) - 1))
        volume_cap = min(volume_cap, allowed_volume(self.volumes, self.rules))
        long_cap = min(long_allowed(long_reference(self.longs, self.rules), self.rules), self.d.long_max)
        # A build week's long run may grow past its planned step as far as R11 allows, when its few
        # runs need that to hold the week (the easy runs are never longer than the long run); a
        # taper, race or cutback week's long run stays at its planned length.
        growing = role == "build" and i not in self.cutbacks
        long_want = min(long_want, long_cap)
        long_cap = long_cap if growing else long_want
        stage = 0
        if role in ("race", "taper") or races:
            n_runs = min(n_runs, self.runs[-1] if i else n_runs)
        if role == "race":
            most = self.s.a_race_runs if any(r.priority == "A" for r in races) else self.s.b_race_runs
            runs = self._race_week(volume_cap, min(n_runs, most))
            stage = self.stage if self.run_walk and runs[Kind.EASY] else 0
        elif self.run_walk:
            # Couch to 5K is itself the progression: a run/walk week takes what R6 allows.
            if role == "build" and i not in self.cutbacks:
                volume_cap = allowed_volume(self.volumes, self.rules)
            runs, stage = self._run_walk_week(volume_cap, long_want, long_cap, n_runs, quality, i in self.cutbacks)
        else:
            # A build week never falls below the segment's biggest full week so far: the peak comes
            # at the end of the build, so a second quality run waits until the volume allows it.
            floor = min(volume_cap, seg.full) if growing else 0
            runs = split(self.p, volume_cap, long_want, n_runs, quality, long_cap, self.d, floor)
        planned = WeekTarget(i + 1, self.mondays[i], period, volume_cap, runs, strength,
                             self._load_step(period), races, run_walk=stage)
        self._record(i, seg, planned)
        return planned

    def _period(self, i: int, seg: _Segment) -> str:
        role = self.roles[i]
        if role in ("race", "taper"):
            return role
        if role == "after" or i in self.cutbacks:
            return "recovery"
        build = [j for j in range(seg.first, seg.last + 1) if self.roles[j] == "build"]
        if seg.race is not None and i in build[-self.s.peak_weeks:]:
            return "peak"
        base = math.ceil(len(build) * self.s.base_share_pct / 100)
        return "base" if build.index(i) < base else "build"

    def _caps(self, i: int, seg: _Segment, role: str, races: tuple[Race, ...],
              period: str) -> tuple[int, int, int]:
        """(most running minutes, longest long run, quality runs) the week is meant to hold."""
        s, rules, level = self.s, self.rules, self.p.level
        last = self.volumes[-1]
        last_long = max(self.longs[-1:])
        peak, peak_long = self._taper_reference(seg)
        if role == "taper" or i in self.taper_pos:
            # taper_pct of the peak (R8), and never more than the week before: a taper only falls,
            # also when a break (illness) left the weeks before it below the segment's peak.
            k = self.taper_pos[i][1]
            before = next((self.volumes[j + 1] for j in range(i - 1, -1, -1) if self.roles[j] != "race"), peak)
            cap = min(rules.taper_pct[k] * peak // 100, before)
            long_cap = min(rules.taper_pct[k] * peak_long // 100, max(self.longs[-PRE_PLAN_WEEKS:]))
            if role == "race":  # a B race inside an A race's taper: the lower of the two
                cap = min(cap, s.b_race_pct * last // 100)
            return cap, long_cap, min(s.taper_quality, s.quality[level]["peak"])
        if role == "race":
            if any(r.priority == "A" for r in races):
                return rules.taper_pct[-1] * peak * s.a_race_pct // 10000, 0, 0
            return s.b_race_pct * last // 100, 0, 0
        if role == "after":
            ref, ref_long = self.prev_peak
            return s.after_pct * ref // 100, s.after_long_pct * ref_long // 100, 0
        if i in self.cutbacks:
            return s.cutback_pct * last // 100, s.cutback_long_pct * last_long // 100, s.quality[level][period]
        return seg.curve.get(i, last), seg.long_curve.get(i, last_long), s.quality[level][period]

    def _taper_reference(self, seg: _Segment) -> tuple[int, int]:
        """R8's peak: the biggest week (and long run) of the segment before its taper; a segment
        with none (back-to-back races) keeps the previous A race's."""
        if seg.peak:
            return seg.peak, seg.peak_long
        return self.prev_peak

    def _plan_build(self, seg: _Segment, i: int) -> None:
        """Backwards from the race: the goal volume and long run in the peak period, the build
        weeks before it rising evenly towards them from where the runner is now."""
        s = self.s
        goal, long_goal = self._goals(seg)
        # After a cutback the week may return to the one before it (R6); after a week without
        # running the build starts from R6's restart, not from nothing.
        last = self.volumes[-1]
        reduced = is_cutback(self.volumes)
        start = self.volumes[-2] if reduced and last else last or allowed_volume(self.volumes, self.rules)
        start_long = long_reference(self.longs, self.rules)
        build = [j for j in range(i, seg.last + 1) if self.roles[j] == "build"]
        peak = build[-s.peak_weeks:] if seg.race is not None else []
        before = [j for j in build if j not in peak]
        # A week after a cutback or a B race returns to the week before it (R6): no growth step.
        returns = {j for j in build if j - 1 in self.cutbacks or (j > 0 and self.roles[j - 1] == "race")}
        growth = [j for j in before + peak[:1] if j not in self.cutbacks and j not in returns]
        long_growth = [j for j in before + peak[:1] if j not in self.cutbacks]
        seg.goal = goal = max(goal, start)
        seg.long_goal = long_goal = max(long_goal, start_long)
        rate = (goal / start) ** (1 / len(growth)) if growth and start else 1.0
        rate = min(rate, 1 + self.rules.ramp_pct / 100)
        step = (long_goal - start_long) / len(long_growth) if long_growth else 0
        volume, long_run, k, k_long = start, start_long, 0, 0
        for j in build:
            if j in growth:
                k += 1
                volume = start * rate ** k
            if j in long_growth:
                k_long += 1
                long_run = start_long + step * k_long
            seg.curve[j] = goal if j in peak else min(goal, int(volume))
            seg.long_curve[j] = long_goal if j in peak else min(long_goal, _round5_down(long_run))

    def _goals(self, seg: _Segment) -> tuple[int, int]:
        """The segment's goal week and long run: the readiness table for its A race; after the
        last A race, maintenance; without races, a modest build (the table's B races if any)."""
        p, s = self.p, self.s
        if seg.race is not None:
            goal = readiness_target(seg.race.distance, p.level)
            return goal.peak_weekly, min(p.durations.long_max, goal.long_run)
        if any(sg.race is not None for sg in self.segments):
            ref, ref_long = self.prev_peak
            return s.maintain_pct * ref // 100, s.maintain_pct * ref_long // 100
        if p.races:
            goals = [readiness_target(r.distance, p.level) for r in p.races]
            best = max(goals, key=lambda g: g.peak_weekly)
            return best.peak_weekly, min(p.durations.long_max, best.long_run)
        goal = s.no_race_goal_pct * p.weekly_minutes // 100
        return goal, min(p.durations.long_max, _round5_down(goal * 30 / 100))

    def _days(self, i: int) -> frozenset[int]:
        """The week's days (0 = its first) with a window, free of busy time."""
        first = WEEKDAYS.index(self.p.week_start)
        usual = frozenset(k for k in range(7) if self.p.availability.get(WEEKDAYS[(first + k) % 7]))
        return self.free_days.get(i + 1, usual)

    def _run_capacity(self, i: int) -> int:
        """One run a day at most (R3), on days with a window (and free of busy time), leaving R5's
        rest days. A week that busy time takes whole days from plans one run fewer than it has days
        left (project choice: its runs then crowd the days next to the weeks around it, where R10's
        days in a row and R12's long-run spacing also count); a week with no day left for a run
        (solver/shaping.py) plans none, and the weeks after it build from R6's restart."""
        days = self._days(i)
        crowded = i + 1 in self.free_days
        if crowded and not days:
            return 0
        return max(1, min(len(days) - crowded, 7 - self.rules.rest_days_min))

    def _session_capacity(self, i: int) -> int:
        return session_room(self.p, self._days(i), self.d)

    def _hard_capacity(self, i: int) -> int:
        """Hard runs (long, quality) the week can hold apart (R12): days of it, no two next to each
        other, and not its first day when the week before ends on the runner's long-run day."""
        days = set(self._days(i))
        long_day = (WEEKDAYS.index(self.p.long_run_day) - WEEKDAYS.index(self.p.week_start)) % 7
        if long_day == 6 and i > 0 and 6 in self._days(i - 1):
            days.discard(0)
        count, last = 0, -2
        for day in sorted(days):  # greedy from the left is a maximum independent set on a path
            if day > last + 1:
                count, last = count + 1, day
        return count

    def _race_week(self, volume: int, n_runs: int) -> dict[Kind, tuple[int, ...]]:
        """Short easy runs beside the race, none longer than the week before's longest easy run (R8)."""
        d = self.d
        runs = _empty()
        longest = min(d.easy_max, self.easy[-1])
        for n in range(n_runs, 0, -1):
            each = min(longest, _round5_down(volume / n))
            if each >= min(d.easy_min, longest) and each > 0:
                runs[Kind.EASY] = (each,) * n
                return runs
        return runs

    def _run_walk_week(self, volume: int, long_want: int, long_cap: int, n_runs: int, quality: int,
                       cutback: bool) -> tuple[dict[Kind, tuple[int, ...]], int]:
        """NHS Couch to 5K: three run/walk sessions a week at the next stage (a cutback week
        repeats the stage), as long as R6 lets the week be. After the last stage the sessions
        are continuous easy runs (NHS weeks 7-9) until the week can hold runs of the usual
        lengths (easy_min and up), then the plan's usual runs take over."""
        s = self.s
        if not cutback or not self.stage:
            self.stage = min(self.stage + 1, len(s.run_walk_stages) + 1)
        want = min(s.run_walk_sessions, n_runs)
        if self.stage > len(s.run_walk_stages):
            runs = split(self.p, volume, long_want, n_runs, quality, long_cap, self.d)
            if sum(len(r) for r in runs.values()) >= want:
                self.run_walk = False
                return runs, 0
        runs = _empty()
        for n in range(want, 0, -1):
            # No session longer than easy_max (or the longest window): minutes the sessions cannot
            # take are left out, as split() leaves them out of continuous weeks.
            each, extra = divmod(min(volume, n * self.d.easy_max), n)
            if each == self.d.easy_max:
                extra = 0
            if each >= s.run_walk_min:
                # Whole minutes, some a minute longer: equal sessions rounded down could never
                # grow under R6's 10 % while they are this short.
                runs[Kind.EASY] = (each + 1,) * extra + (each,) * (n - extra)
                break
        return runs, self.stage

    def _strength(self, i: int, period: str, races: tuple[Race, ...]) -> int:
        """R1 within [min, max]; R6 intro weeks at min; R8 taper at maintenance; race week none."""
        rules = self.rules
        if races:
            return 0
        if i < rules.strength_intro_weeks or period == "taper" or self.run_walk:
            return rules.strength_min
        return self._regular_strength()

    def _regular_strength(self) -> int:
        """Strength sessions of an ordinary week. Strength replaces runs (R2) but must not replace
        running: a second session only while three runs a week remain (a long run, a quality run
        and an easy one)."""
        rules = self.rules
        return max(rules.strength_min, min(rules.strength_max, self.p.sessions_per_week - MIN_RUNS))

    def _load_step(self, period: str) -> int:
        """R6: the prescribed load rises by at most one step a week (R7: by strength level)."""
        step = load_step(self.p.strength_level, self.p.strength_type, period)
        self.step = min(step, self.step + 1) if self.step else step
        return self.step

    def _reduced_by_what_was_run(self, i: int, minutes: int) -> bool:
        scheduled = i in self.cutbacks or self.roles[i] in ("race", "taper")
        return not scheduled and is_cutback([self.volumes[-1], minutes])

    def _record(self, i: int, seg: _Segment, week: WeekTarget) -> None:
        """Push the week's numbers (or what was really run) into the history R6/R8/R11 read."""
        runs = week.runs
        done = self.ran.get(i + 1)
        if done is None:
            done = Ran(week.run_minutes, runs[Kind.LONG][0] if runs[Kind.LONG] else 0,
                       sum(len(r) for r in runs.values()), max(runs[Kind.EASY], default=0))
        if i + 1 in self.ran and self._reduced_by_what_was_run(i, done.minutes):
            # A week over that ran ≥ 20 % less than the one before was a cutback in R6's terms: count
            # the next cutback from it and plan the rest of the build again from what was run.
            self.cutbacks = {c for c in self.cutbacks if c <= i} | self._cutbacks(i + 1)
            seg.curve.clear()
            seg.long_curve.clear()
        self.volumes.append(done.minutes)
        self.longs.append(done.long)
        self.runs.append(done.runs)
        self.easy.append(done.longest_easy)
        role = self.roles[i]
        if role not in ("taper", "race") and i not in self.taper_pos and seg.race is not None:
            seg.peak = max(seg.peak, done.minutes)
            seg.peak_long = max(seg.peak_long, done.long)
        if role == "build" and i not in self.cutbacks and i + 1 not in self.ran:
            seg.full = max(seg.full, done.minutes)
        if role == "race" and seg.race is not None and i == seg.last:
            self.prev_peak = self._taper_reference(seg)


def split(profile: Profile, volume: int, long_want: int, n_max: int, quality_want: int,
          long_cap: int | None = None, durations: Durations | None = None, floor: int = 0) -> dict[Kind, tuple[int, ...]]:
    """Share at most `volume` minutes between a long run (the planned `long_want`, up to `long_cap`
    when the week's few runs need it; at most R11's share of the week), quality runs and easy runs
    within easy_min…easy_max and never longer than the long run. Of every run count and quality
    count that fits, the one whose long run keeps its planned step, then with the most quality
    runs (as the period asks), then the most runs wins, among those holding nearly the most minutes
    (SPLIT_TOLERANCE_PCT); minutes no run can take are left out."""
    d, rules = durations or runnable_durations(profile), profile.rules
    long_want = max(long_want, d.easy_min)  # a long run is at least as long as the shortest easy run
    long_cap = long_want if long_cap is None else max(long_cap, long_want)
    options = []
    quality_len = max(d.easy_min, min(d.quality, _round5_down(volume * QUALITY_SHARE_PCT / 100)))
    for n in range(n_max, 0, -1):
        for q in range(min(quality_want, max(0, n - 2)), -1, -1):
            runs = _lengths(volume, long_want, long_cap, n - 1 - q, q, quality_len, d, rules.long_share_max)
            if runs is not None:
                options.append((sum(sum(v) for v in runs.values()), n, q, runs))
    if not options:
        return _empty()
    options = [o for o in options if o[0] >= floor] or options  # the week's least, when it can be held
    most = max(o[0] for o in options)
    near = [o for o in options if 100 * o[0] >= (100 - SPLIT_TOLERANCE_PCT) * most]
    def keeps_step(o: tuple) -> bool:  # the long run as planned, or as long as R11's share lets it be
        share = _round5_down(rules.long_share_max * o[0] / 100) if o[1] >= 3 else long_want
        return o[3][Kind.LONG][0] >= min(_round5_down(long_want), share)

    # The long run's planned step first (R11's progression), then the period's quality runs, then
    # more runs, then more minutes.
    return max(near, key=lambda o: (keeps_step(o), o[2], o[1], o[0]))[3]


def _lengths(volume: int, long_want: int, long_cap: int, n_easy: int, q: int, quality_len: int, d, share: int
             ) -> dict[Kind, tuple[int, ...]] | None:
    """The long and easy run lengths for this mix, or None if it cannot be held."""
    rest = volume - q * quality_len
    # The long run grows past its plan only as far as the easy runs beside it need to fill the week.
    needed = _round5_up(rest / (1 + n_easy)) if n_easy and rest / (1 + n_easy) <= d.easy_max else long_want
    most = _round5_down(min(long_cap, max(long_want, needed), rest - n_easy * d.easy_min))
    runs_in_week = 1 + n_easy + q
    for long_run in range(most, d.easy_min - 1, -5):  # the longest long run the mix can hold
        easy = _easy_runs(volume - long_run - q * quality_len, n_easy, min(d.easy_max, long_run))
        total = long_run + q * quality_len + sum(easy)
        if any(e < d.easy_min for e in easy) or total > volume:
            continue
        if runs_in_week >= 3 and 100 * long_run > share * total:  # R11's share of the week
            continue
        runs = _empty()
        runs[Kind.LONG] = (long_run,)
        runs[Kind.QUALITY] = (quality_len,) * q
        runs[Kind.EASY] = easy
        return runs
    return None


def _easy_runs(minutes: int, n: int, longest: int) -> tuple[int, ...]:
    """`n` easy runs sharing at most `minutes`, in 5-minute steps, none over `longest`: some 5 minutes
    longer than the others, so a small week can still grow by less than 5 minutes a run."""
    if n == 0:
        return ()
    total = min(_round5_down(max(0, minutes)), n * _round5_down(longest))
    base = total // n // 5 * 5
    extra = (total - base * n) // 5
    return (base + 5,) * extra + (base,) * (n - extra)


def _empty() -> dict[Kind, tuple[int, ...]]:
    return {Kind.LONG: (), Kind.QUALITY: (), Kind.EASY: ()}


def _round5_down(minutes: float) -> int:
    return int(minutes // 5 * 5)


def _round5_up(minutes: float) -> int:
    return int(-(-minutes // 5) * 5)
