"""A plan file as the page shows it: week rows of day cells with session blocks, and the series
the charts draw (weekly running minutes, long run, strength), all read off the plan file."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from ..check import PlanFile, Entry
from ..domain import Kind, Race
from ..readiness import target
from .ceilings import LongCeiling, r11_long_ceiling, r6_volume_ceiling
from ..planfile import PROPS

VOLUME_KINDS = (Kind.EASY, Kind.LONG, Kind.QUALITY)  # races are not training volume (docs/ics-format.md)
PERIOD_LABELS = {"base": "Base", "build": "Build", "peak": "Peak", "taper": "Taper", "race": "Race week",
                 "recovery": "Cutback (recovery)"}
KIND_LABELS = {Kind.EASY: "Easy run", Kind.LONG: "Long run", Kind.QUALITY: "Quality run", Kind.RACE: "Race",
               Kind.STRENGTH: "Strength", Kind.REHAB: "Rehab"}


@dataclass(frozen=True)
class Block:
    """One session in the calendar view. `change` is set when the page compares two plans."""

    key: str  # unique within the page: the popover's id
    entry: Entry
    cancelled: bool = False
    change: str = ""  # "unchanged", "moved", "resized", "added", "dropped", "dropped earlier"
    before: Entry | None = None  # a moved session's place in the plan before
    ghost: bool = False  # the place a moved session left (not a session of the plan)

    @property
    def kind(self) -> Kind:
        return self.entry.kind

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.entry.kind]

    @property
    def title(self) -> str:
        return self.entry.prop("SUMMARY") or self.kind_label

    @property
    def description(self) -> str:
        return self.entry.prop("DESCRIPTION") or ""

    @property
    def minutes(self) -> int:
        return self.entry.seconds // 60

    @property
    def clock(self) -> str:
        e = self.entry
        if e.local_start.time() == dt.time() and e.seconds and e.seconds % 86400 == 0:
            return "all day"
        end = f"{e.local_end:%H:%M}" if e.local_end.date() == e.day else f"{e.local_end:%a %H:%M}"
        return f"{e.local_start:%H:%M}–{end}"

    @property
    def reason(self) -> str:
        """Why a cancelled session was cancelled, in words (X-RUNCAL-DROPPED)."""
        why = self.entry.prop(PROPS.DROPPED) or "cancelled"
        return f"missed; {why}" if (self.entry.prop(PROPS.MISSED) or "").upper() == "TRUE" else why

    @property
    def uid(self) -> str:
        return self.entry.prop("UID") or ""


@dataclass(frozen=True)
class Day:
    date: dt.date
    blocks: tuple[Block, ...]
    rest: bool  # no session starts, ends or runs on it (R5's rest day)


@dataclass(frozen=True)
class Week:
    index: int
    first_day: dt.date
    days: tuple[Day, ...]
    period: str  # X-RUNCAL-PERIOD of its sessions ("" when it has none)
    run_minutes: float
    long_minutes: float  # longest long run (0: none)
    runs: int
    strength: int
    rehab: int
    r6_ceiling: float
    r11: LongCeiling
    races: tuple[Race, ...] = ()
    injured: bool = False
    reduced_pct: int | None = None  # drop against the week before, when ≥ 20 % (R6's cutback)

    @property
    def period_label(self) -> str:
        return PERIOD_LABELS.get(self.period, self.period.capitalize() if self.period else "—")

    @property
    def rest_days(self) -> int:
        return sum(d.rest for d in self.days)

    @property
    def over_r6(self) -> bool:
        return self.run_minutes > self.r6_ceiling + 1e-9

    @property
    def over_r11(self) -> bool:
        return self.long_minutes > self.r11.limit + 1e-9


@dataclass(frozen=True)
class RaceTarget:
    """The readiness target of one race (solver/data/readiness.toml) and the week it falls in."""

    race: Race
    week: int
    peak_weekly: int
    long_run: int


@dataclass(frozen=True)
class PlanView:
    plan: PlanFile
    name: str
    weeks: tuple[Week, ...]
    outside: tuple[Block, ...]  # sessions outside the plan weeks (a plan-window violation)
    targets: tuple[RaceTarget, ...]
    blocks: tuple[Block, ...] = field(default=())  # every block, in page order

    @property
    def sessions(self) -> list[Block]:
        return [b for b in self.blocks if not b.cancelled and not b.ghost]


def plan_view(plan: PlanFile, name: str, changes: dict[int, Block] | None = None,
              ghosts: tuple[Block, ...] = ()) -> PlanView:
    """The plan's week rows. `changes` maps id(entry) to the block a comparison made of it;
    `ghosts` are the places moved sessions left."""
    changes = changes or {}
    entries = [(e, False) for e in plan.sessions] + [(e, True) for e in plan.cancelled]
    entries.sort(key=lambda pair: (pair[0].start, pair[0].end, pair[0].kind.value))
    blocks = []
    for i, (e, cancelled) in enumerate(entries):
        made = changes.get(id(e))
        blocks.append(Block(f"s{i + 1}", e, cancelled, made.change, made.before) if made
                      else Block(f"s{i + 1}", e, cancelled))
    blocks += [Block(f"g{i + 1}", g.entry, False, g.change, g.before, ghost=True) for i, g in enumerate(ghosts)]
    by_day: dict[dt.date, list[Block]] = {}
    for b in sorted(blocks, key=lambda b: (b.entry.start, b.ghost)):
        by_day.setdefault(b.entry.day, []).append(b)
    trained = {day for e in plan.sessions for day in e.days}
    weeks = _numbers(plan)
    rows = []
    for n in plan.weeks:
        w = weeks[n - 1]
        days = tuple(Day(d, tuple(by_day.get(d, ())), d not in trained) for d in plan.week_days(n))
        rows.append(Week(n, plan.first_day_of(n), days, _period(plan, n), **w,
                         races=tuple(r for r in plan.profile.races if plan.week_of(r.date) == n),
                         injured=plan.injured_week(n)))
    inside = {b.key for w in rows for d in w.days for b in d.blocks}
    outside = tuple(b for b in blocks if b.key not in inside)
    ordered = tuple(b for w in rows for d in w.days for b in d.blocks) + outside
    targets = tuple(RaceTarget(r, plan.week_of(r.date), t.peak_weekly, t.long_run)
                    for r in plan.profile.races for t in [target(r.distance, plan.profile.level)])
    return PlanView(plan, name, tuple(rows), outside, targets, ordered)


def _numbers(plan: PlanFile) -> list[dict]:
    """Per week: running minutes, long run, run and strength counts, and the R6/R11 ceilings."""
    p, rules = plan.profile, plan.profile.rules
    volumes = [plan.volume(n) / 60 for n in plan.weeks]
    longs = [max((e.seconds / 60 for e in plan.in_week(n, [Kind.LONG])), default=0.0) for n in plan.weeks]
    runs = [len(plan.in_week(n, VOLUME_KINDS)) for n in plan.weeks]
    r6 = r6_volume_ceiling(volumes, p.weekly_minutes, rules.ramp_pct, rules.restart_pct)
    r11 = r11_long_ceiling(longs, volumes, runs, p.long_run_minutes or p.weekly_minutes * 40 // 100,
                           rules.long_ramp_min, rules.long_ramp_pct, rules.long_share_max)
    found = []
    for i, n in enumerate(plan.weeks):
        before = volumes[i - 1] if i else float(p.weekly_minutes)
        reduced = before > 0 and 5 * volumes[i] <= 4 * before  # the checker's reading of a cutback
        found.append(dict(run_minutes=volumes[i], long_minutes=longs[i], runs=runs[i],
                          strength=len(plan.in_week(n, [Kind.STRENGTH])), rehab=len(plan.in_week(n, [Kind.REHAB])),
                          r6_ceiling=r6[i], r11=r11[i],
                          reduced_pct=round(100 - 100 * volumes[i] / before) if reduced else None))
    return found


def _period(plan: PlanFile, week: int) -> str:
    """The week's period as its sessions carry it (X-RUNCAL-PERIOD), cancelled ones included."""
    periods = Counter(e.prop(PROPS.PERIOD) for e in (*plan.sessions, *plan.cancelled)
                      if plan.week_of(e.day) == week and e.prop(PROPS.PERIOD))
    return periods.most_common(1)[0][0] if periods else ""
