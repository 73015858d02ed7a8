"""What each plan week must hold, decided before placement.

Periods (R7), weekly running volume (R6 ramp and cutbacks, R8 taper), the number
of strength sessions (R1, R2, R6 intro, R8) and the run sessions that carry the
volume. The CP-SAT model then places these sessions in time.
"""

from __future__ import annotations

import datetime as dt
import math

from .domain import WEEKDAYS, Kind, Profile, Race, WeekTarget
from .errors import ProfileError
from .prescriptions import load_step
from .readiness import peak_weekly_minutes

# Estimated race durations in minutes (the race is a fixed session of this length, R8).
RACE_MINUTES = {
    "5k": {"beginner": 35, "intermediate": 28, "advanced": 22},
    "10k": {"beginner": 70, "intermediate": 57, "advanced": 45},
    "half": {"beginner": 150, "intermediate": 125, "advanced": 100},
    "marathon": {"beginner": 330, "intermediate": 270, "advanced": 215},
}
# Quality runs a week by level and period; never more than the runs can carry.
QUALITY_RUNS = {
    "beginner": {"base": 0, "build": 1, "peak": 1, "taper": 1, "race": 0, "recovery": 0},
    "intermediate": {"base": 1, "build": 1, "peak": 1, "taper": 1, "race": 0, "recovery": 0},
    "advanced": {"base": 1, "build": 2, "peak": 2, "taper": 1, "race": 0, "recovery": 1},
}
# Share of the week's volume that the long run takes, by the number of runs.
LONG_SHARE = {1: 1.0, 2: 0.55, 3: 0.4, 4: 0.33, 5: 0.3}
LONG_SHARE_MANY = 0.27
CUTBACK_PCT = 75  # R6 asks for a drop of at least 20 %; 25 % leaves room for rounding
B_RACE_WEEK_PCT = 70  # a B race's week is a mini-taper, which also counts as a cutback
A_RACE_WEEK_PCT_OF_TAPER = 65  # race week runs are short shake-outs below the last taper week
POST_RACE_PCT = 50  # the week after an A race starts recovery at half the peak
RACE_WEEK_RUNS = 2  # shake-out runs beside the race itself
PEAK_WEEKS = 3
MIN_RUNS = 3  # runs a week kept before a second strength session replaces one
BASE_SHARE = 0.4


def plan_start(profile: Profile) -> dt.date:
    """The first day of plan week 1: the runner's week start on or after `plan.start`."""
    offset = (WEEKDAYS.index(profile.week_start) - profile.start.weekday()) % 7
    return profile.start + dt.timedelta(days=offset)


def week_targets(profile: Profile, actual: dict[int, int] | None = None) -> tuple[WeekTarget, ...]:
    """The weeks' targets; `actual` (week index → minutes run) replaces the plan's volumes of weeks
    already over, so a re-plan builds from what was really run (R6)."""
    first = plan_start(profile)
    if first > profile.end:
        raise ProfileError(profile.source, "plan.end", f"the plan holds no whole week starting on a "
                           f"{profile.week_start} (first one: {first})", "set plan.end at least a week after plan.start")
    n_weeks = math.ceil(((profile.end - first).days + 1) / 7)
    mondays = [first + dt.timedelta(weeks=i) for i in range(n_weeks)]
    races = {i: tuple(r for r in profile.races if m <= r.date < m + dt.timedelta(days=7)) for i, m in enumerate(mondays)}
    for race in profile.races:
        if race.date < first:
            raise ProfileError(profile.source, "plan.start", f"race {race.name} on {race.date} is before the first "
                               f"plan week ({first})", "start the plan earlier")
    periods = _periods(profile, n_weeks, races)
    return _Builder(profile, mondays, races, periods, actual or {}).build()


def _periods(profile: Profile, n_weeks: int, races: dict[int, tuple[Race, ...]]) -> list[str]:
    """base → build → peak → taper → race for each A race; a cutback week becomes recovery later."""
    periods = ["build"] * n_weeks
    taper = profile.rules.taper_weeks
    segment_start = 0
    a_weeks = [i for i in range(n_weeks) if any(r.priority == "A" for r in races[i])]
    for week in a_weeks:
        taper_from = max(segment_start, week - taper)
        _fill_segment(periods, segment_start, taper_from, has_peak=True)
        for i in range(taper_from, week):
            periods[i] = "taper"
        periods[week] = "race"
        if week + 1 < n_weeks:
            periods[week + 1] = "recovery"
        segment_start = week + 2
    _fill_segment(periods, segment_start, n_weeks, has_peak=False)
    for i, week_races in races.items():
        if week_races:
            periods[i] = "race"
    return periods


def _fill_segment(periods: list[str], start: int, stop: int, has_peak: bool) -> None:
    length = stop - start
    if length <= 0:
        return
    peak = min(PEAK_WEEKS, length // 4) if has_peak else 0
    base = math.ceil((length - peak) * BASE_SHARE)
    for i in range(start, stop):
        k = i - start
        periods[i] = "base" if k < base else "peak" if k >= length - peak else "build"


class _Builder:
    """Walks the weeks in order so that each week's volume respects the ones before it (R6)."""

    def __init__(self, profile: Profile, mondays: list[dt.date], races: dict[int, tuple[Race, ...]],
                 periods: list[str], actual: dict[int, int]) -> None:
        self.p, self.mondays, self.races, self.periods = profile, mondays, races, periods
        self.actual = actual
        self.volumes = [profile.weekly_minutes]  # V(0) = today's volume
        self.peak_since_a_race = 0
        self.weeks_since_reduced = 0
        self.step = 0

    def build(self) -> tuple[WeekTarget, ...]:
        return tuple(self.week(i) for i in range(len(self.mondays)))

    def week(self, i: int) -> WeekTarget:
        p, rules = self.p, self.p.rules
        period, races = self.periods[i], self.races[i]
        a_race = any(r.priority == "A" for r in races)
        cutback = (not races and period not in ("taper", "recovery") and rules.cutback_every > 0
                   and self.weeks_since_reduced >= rules.cutback_every - 1)
        if cutback:
            period = self.periods[i] = "recovery"
        reduced = bool(races) or period == "taper" or cutback
        desired = self.desired_volume(i, period, races, cutback)
        cap = min(desired, self.allowed_volume())
        strength = self.strength_count(i, period, races)
        n_runs = max(0, p.sessions_per_week - strength - len(races))
        if races:
            n_runs = min(n_runs, RACE_WEEK_RUNS if a_race else RACE_WEEK_RUNS + 1)
        runs = self.split(cap, n_runs, period, bool(races))
        volume = self.actual.get(i + 1, sum(sum(d) for d in runs.values()))
        reduced = reduced or 10 * volume <= 8 * self.volumes[-1]
        self.weeks_since_reduced = 0 if reduced else self.weeks_since_reduced + 1
        self.volumes.append(volume)
        if period != "taper" and not a_race:
            self.peak_since_a_race = max(self.peak_since_a_race, volume)
        if a_race:
            self.peak_after_race = self.peak_since_a_race
            self.peak_since_a_race = 0
        step = self.load_step(period)
        return WeekTarget(i + 1, self.mondays[i], period, cap, runs, strength, step, races)

    def desired_volume(self, i: int, period: str, races: tuple[Race, ...], cutback: bool) -> int:
        p, last = self.p, self.volumes[-1]
        # With no build week before the taper (a race early in the plan), today's volume is the peak.
        peak = self.peak_since_a_race or p.weekly_minutes
        if period == "taper":
            k = self.taper_index(i)
            return p.rules.taper_pct[k] * peak // 100
        if any(r.priority == "A" for r in races):
            return p.rules.taper_pct[-1] * peak * A_RACE_WEEK_PCT_OF_TAPER // 10000
        if races:
            return B_RACE_WEEK_PCT * last // 100
        if cutback:
            return CUTBACK_PCT * last // 100
        if period == "recovery" and i > 0 and any(r.priority == "A" for r in self.races[i - 1]):
            return POST_RACE_PCT * getattr(self, "peak_after_race", last) // 100
        return self.peak_target()

    def taper_index(self, i: int) -> int:
        """0 for the first taper week before the coming A race, 1 for the next…"""
        week = next(j for j in range(i, len(self.mondays)) if any(r.priority == "A" for r in self.races[j]))
        return self.p.rules.taper_weeks - (week - i)

    def allowed_volume(self) -> int:
        return allowed_volume(self.volumes, self.p.rules.ramp_pct)

    def peak_target(self) -> int:
        """The volume to build towards: the readiness table's peak weekly minutes for the A races
        (solver/data/readiness.toml, sourced); without a race, 25 % above today's volume."""
        p = self.p
        goal = [peak_weekly_minutes(r.distance, p.level) for r in p.races if r.priority == "A"]
        if not goal:
            goal = [peak_weekly_minutes(r.distance, p.level) for r in p.races] or [p.weekly_minutes * 5 // 4]
        return max(max(goal), p.weekly_minutes)

    def strength_count(self, i: int, period: str, races: tuple[Race, ...]) -> int:
        """R1 within [min, max]; R6 intro weeks at min; R8 taper at maintenance; race week none."""
        rules = self.p.rules
        if races:
            return 0
        if i < rules.strength_intro_weeks or period == "taper":
            return rules.strength_min
        # Strength replaces runs (R2) but must not replace running: a second session only while
        # three runs a week remain (a long run, a quality run and an easy one).
        return max(rules.strength_min, min(rules.strength_max, self.p.sessions_per_week - MIN_RUNS))

    def split(self, volume: int, n_runs: int, period: str, race_week: bool) -> dict[Kind, tuple[int, ...]]:
        """Share the week's minutes between a long run, quality runs and easy runs."""
        d = self.p.durations
        runs: dict[Kind, tuple[int, ...]] = {Kind.LONG: (), Kind.QUALITY: (), Kind.EASY: ()}
        if n_runs == 0 or volume <= 0:
            return runs
        easy_min = min(d.easy_min, volume)
        if race_week:
            n = max(1, min(n_runs, volume // easy_min))
            runs[Kind.EASY] = (min(d.easy_max, volume // n),) * n
            return runs
        n_quality = min(QUALITY_RUNS[self.p.level][period], max(0, n_runs - 2))
        long_run = _round5(volume * LONG_SHARE.get(n_runs, LONG_SHARE_MANY))
        long_run = max(easy_min, min(d.long_max, long_run, volume))
        quality = max(easy_min, min(d.quality, _round5(volume * 0.2)))
        n_easy = n_runs - 1 - n_quality
        while n_quality and long_run + n_quality * quality + n_easy * easy_min > volume:
            n_quality -= 1
            n_easy += 1
        while n_easy and long_run + n_quality * quality + n_easy * easy_min > volume:
            n_easy -= 1
        easy = min(d.easy_max, (volume - long_run - n_quality * quality) // n_easy) if n_easy else 0
        spare = volume - long_run - n_quality * quality - n_easy * easy
        long_run = min(d.long_max, long_run + spare)
        runs[Kind.LONG] = (long_run,)
        runs[Kind.QUALITY] = (quality,) * n_quality
        runs[Kind.EASY] = (easy,) * n_easy
        return runs

    def load_step(self, period: str) -> int:
        """R6: the prescribed load rises by at most one step a week."""
        step = load_step(self.p.level, self.p.strength_type, period)
        self.step = min(step, self.step + 1) if self.step else step
        return self.step


def allowed_volume(volumes: list[int], ramp_pct: int) -> int:
    """R6 on known volumes V(0)…V(n-1): the most week n may run. At most ramp_pct above last week;
    back to the week before a cutback (≥ 20 % down); after a week without running, a restart at
    half the last week that had running (RULES.md is silent; the literal ramp from 0 stays at 0)."""
    last = volumes[-1]
    allowed = (100 + ramp_pct) * last // 100
    if len(volumes) >= 2 and 10 * last <= 8 * volumes[-2]:
        allowed = max(allowed, volumes[-2])
    if last == 0:
        allowed = max(allowed, next((v for v in reversed(volumes) if v), 0) // 2)
    return allowed


def _round5(minutes: float) -> int:
    return int(5 * round(minutes / 5))


def race_minutes(race: Race, level: str) -> int:
    return RACE_MINUTES[race.distance][level]
