"""The domain: plain dataclasses that know nothing of CP-SAT or iCalendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LEVELS = ("beginner", "intermediate", "advanced")
STRENGTH_TYPES = ("muscular_endurance", "strength", "power")
DISTANCES = ("5k", "10k", "half", "marathon")
PERIODS = ("base", "build", "peak", "taper", "race", "recovery")


class Kind(str, Enum):
    EASY = "easy"
    LONG = "long"
    QUALITY = "quality"
    RACE = "race"
    STRENGTH = "strength"
    REHAB = "rehab"  # a physiotherapist's programme during an injury (R9): a strength session for R3–R5

    @property
    def is_run(self) -> bool:
        return self not in STRENGTH_KINDS

    @property
    def is_strength(self) -> bool:
        return self in STRENGTH_KINDS

    @property
    def label(self) -> str:
        """How messages name the kind: "easy run", "strength", …"""
        return f"{self.value} run" if self in RUN_KINDS else self.value

    @property
    def is_hard(self) -> bool:
        """R4's "same session" for runs: quality, long and race are the hard kinds."""
        return self in (Kind.QUALITY, Kind.LONG, Kind.RACE)


RUN_KINDS = (Kind.LONG, Kind.QUALITY, Kind.EASY)
R3_GAP_MINUTES = 8 * 60  # R3: at least 8 h between a run and a strength session
STRENGTH_KINDS = (Kind.STRENGTH, Kind.REHAB)


@dataclass(frozen=True, order=True)
class Window:
    """A daily availability window in local wall-clock minutes since midnight."""

    start: int
    end: int

    def __str__(self) -> str:
        return f"{_hhmm(self.start)}-{_hhmm(self.end)}"


@dataclass(frozen=True)
class Race:
    name: str
    date: dt.date
    distance: str
    priority: str  # "A" or "B"
    start: dt.time = dt.time(9, 0)
    goal_time: int | None = None  # the runner's goal finish time in seconds, if they gave one

    def starts(self, zone: dt.tzinfo) -> dt.datetime:
        """The moment the race starts: its start time on its date, in the runner's zone (see wall_clock)."""
        return wall_clock(self.date, self.start, zone)

    def start_note(self, zone: dt.tzinfo) -> str | None:
        """Words for a start time the clocks skip on race day (None when it exists)."""
        moment = self.starts(zone)
        if moment.time() == self.start:
            return None
        return (f"{self.name}: {self.start:%H:%M} does not exist on {self.date} (the clocks go forward); "
                f"the race is at {moment:%H:%M}")


def wall_clock(day: dt.date, time: dt.time, zone: dt.tzinfo) -> dt.datetime:
    """The moment a wall-clock time names, one reading for planner and checker alike (issue 15): a
    time inside a spring-forward gap is the time the clocks show as long after the change as the
    time is after the gap's start (02:30 on a day the clocks go from 02:00 to 03:00 is 03:30); a
    time that happens twice (fall back) is the first."""
    moment = dt.datetime.combine(day, time.replace(fold=0), zone)  # fold 0: the offset before the change
    return moment.astimezone(dt.timezone.utc).astimezone(zone)


@dataclass(frozen=True)
class RecentRace:
    """A race the runner ran lately: how fast they are now (Daniels & Gilbert's VDOT)."""

    distance: str  # one of DISTANCES
    seconds: int
    date: dt.date


@dataclass(frozen=True)
class Fitness:
    """How fast the runner is, all optional: paces, heart-rate ranges and units for the workouts."""

    recent_race: RecentRace | None = None
    max_hr: int | None = None
    resting_hr: int | None = None
    threshold_hr: int | None = None
    units: str = "km"  # paces per "km" or per "mile"


@dataclass(frozen=True)
class Rules:
    """Every rule parameter RULES.md lets a profile change (already validated)."""

    strength_min: int
    strength_max: int
    recovery_hours: int
    rest_days_min: int
    ramp_pct: int
    cutback_every: int
    strength_intro_weeks: int
    taper_weeks: int
    taper_pct: tuple[int, ...]
    race_strength_free_days: int
    max_consecutive_days: int
    busy_buffer_min: int
    restart_pct: int = 50  # R6: restart after a week without running, % of the last week that ran
    long_ramp_min: int = 10  # R11: the long run may grow this many minutes…
    long_ramp_pct: int = 10  # R11: …or this many %, whichever allows more
    long_share_max: int = 40  # R11: % of the week's running the long run may take (weeks of ≥ 3 runs)
    strength_before_key_hours: int = 24  # R13: strength end to the next key run's start


@dataclass(frozen=True)
class Durations:
    """Session lengths in minutes; run lengths follow the week's volume inside these bounds."""

    strength: int = 45
    quality: int = 50
    long_max: int = 150
    easy_min: int = 20
    easy_max: int = 70


@dataclass(frozen=True)
class Preferences:
    """Soft preferences: wall-clock start times wished for, and the objective's weights."""

    run_time: int = 7 * 60
    strength_time: int = 18 * 60
    weight_time: int = 1
    weight_long_run_day: int = 30
    weight_recovery_48h: int = 10
    weight_spread: int = 10


@dataclass(frozen=True)
class Profile:
    name: str
    timezone: str
    level: str
    sessions_per_week: int
    weekly_minutes: int
    long_run_day: str
    week_start: str
    start: dt.date
    end: dt.date
    strength_type: str
    races: tuple[Race, ...]
    availability: dict[str, tuple[Window, ...]]
    durations: Durations
    rules: Rules
    preferences: Preferences
    source: str = "<profile>"
    busy: tuple[str, ...] = ()  # the runner's own calendars (.ics/.zip), as written in the profile
    all_day_busy: str = "opaque"  # all-day events block a day: "opaque" ones, "always" or "never"
    strength_level: str = "beginner"  # R7: experience in strength training, not in running
    long_run_minutes: int = 0  # R11: the runner's current long run (0: 40 % of weekly_minutes, periodization.current_long_run)
    run_walk: bool | None = None  # run/walk sessions for a new runner; None: decided from level and minutes
    fitness: Fitness = Fitness()  # paces and heart rate for the workouts (solver/intensity.py)

    @property
    def a_races(self) -> tuple[Race, ...]:
        return tuple(r for r in self.races if r.priority == "A")


@dataclass(frozen=True)
class WeekTarget:
    """What one plan week must hold, decided before placement (R1, R2, R6, R7, R8)."""

    index: int  # 1-based
    monday: dt.date  # first day of the plan week (the configured week start)
    period: str
    volume_cap: int  # R6/R8: most running minutes this week may hold (races excluded)
    runs: dict[Kind, tuple[int, ...]]  # run kind -> durations of that kind's sessions
    strength: int  # number of strength sessions (R1)
    load_step: int  # R6/R7: prescription load step
    races: tuple[Race, ...] = ()
    rehab: int = 0  # R9: rehab sessions the physio's programme asks for this week
    rehab_minutes: int = 0
    run_walk: int = 0  # the easy runs are run/walk sessions at this Couch to 5K stage (0: running)

    @property
    def days(self) -> list[dt.date]:
        return [self.monday + dt.timedelta(days=i) for i in range(7)]

    @property
    def run_minutes(self) -> int:
        return sum(sum(d) for d in self.runs.values())

    @property
    def planned(self) -> dict[Kind, int]:
        """Sessions of each kind the week is meant to hold (races are fixed apart from these)."""
        return {k: len(d) for k, d in self.runs.items()} | {Kind.STRENGTH: self.strength, Kind.REHAB: self.rehab}


@dataclass(frozen=True)
class Session:
    """A placed session: zone-aware start and end, real elapsed duration."""

    kind: Kind
    start: dt.datetime
    end: dt.datetime
    week: int
    period: str
    ident: str  # stable identity within the plan, e.g. "w03-long-1"
    title: str = ""
    details: str = ""
    race: Race | None = None
    prescription: dict[str, str] = field(default_factory=dict)

    @property
    def minutes(self) -> int:
        """Real elapsed minutes. Aware datetimes of one zone subtract as wall-clock times in
        Python, so a run across the clock change would count 180 min for 240 (issue 15)."""
        return elapsed_minutes(self.start, self.end)


def elapsed_minutes(start: dt.datetime, end: dt.datetime) -> int:
    return int((end.astimezone(dt.timezone.utc) - start.astimezone(dt.timezone.utc)).total_seconds() // 60)


@dataclass(frozen=True)
class Plan:
    profile: Profile
    weeks: tuple[WeekTarget, ...]
    sessions: tuple[Session, ...]
    status: str  # "optimal" or "feasible"
    objective: int
    solve_seconds: float
    build_seconds: float
    dropped: tuple[str, ...] = ()  # planned sessions busy time left no room for, in words
    readiness: tuple = ()  # each race against solver/data/readiness.toml (readiness.RaceReadiness)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
