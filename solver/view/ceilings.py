"""The ceilings R6 and R11 put on each plan week, from the plan's own numbers.

Pure functions of plain numbers (minutes per plan week and the profile's rule parameters), kept
apart from the drawing so they can be tested against the rule text (docs/RULES.md) and against
the independent checker. Index 0 of every list is plan week 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

CUTBACK = 0.8  # R6: a cutback week runs at most 80 % of the week before
R11_LOOKBACK = 3  # R11: the longest long run of the three plan weeks before


def r6_volume_ceiling(volumes: Sequence[float], start: float, ramp_pct: int, restart_pct: int) -> list[float]:
    """R6, "Build slowly": the most running minutes each week may hold, given the weeks before it.

    The ramp allows (100 + ramp_pct) % of the week before (week 1 against `start`, the runner's
    weekly_minutes); the week after a cutback (≤ 80 % of the week before it, some running) may
    return to the week before the cutback; after a week with no running at all, running restarts at
    restart_pct % of the last week that had running. The largest of what applies is the ceiling.
    """
    history = [float(start), *map(float, volumes)]  # history[n] is V(n)
    ceilings = []
    for week in range(1, len(history)):
        before = history[week - 1]
        limits = [before * (100 + ramp_pct) / 100]
        if week >= 2 and 0 < before <= CUTBACK * history[week - 2]:  # none at all: a break, the restart
            limits.append(history[week - 2])
        if before == 0:
            last = next((v for v in reversed(history[:week]) if v > 0), 0.0)
            limits.append(last * restart_pct / 100)
        ceilings.append(max(limits))
    return ceilings


@dataclass(frozen=True)
class LongCeiling:
    """R11 for one week: the ramp limit, the share limit (weeks of ≥ 3 runs), and the one that binds."""

    base: float  # longest long run of the three plan weeks before (before the plan: long_run_minutes)
    ramp: float  # base + max(long_ramp_min, long_ramp_pct % of base)
    share: float | None  # long_share_max % of the week's running minutes, or None (fewer than 3 runs)

    @property
    def limit(self) -> float:
        return self.ramp if self.share is None else min(self.ramp, self.share)

    @property
    def binding(self) -> str:
        return "share" if self.share is not None and self.share < self.ramp else "ramp"


def r11_long_ceiling(long_runs: Sequence[float], volumes: Sequence[float], runs: Sequence[int], start_long: float,
                     long_ramp_min: int, long_ramp_pct: int, long_share_max: int) -> list[LongCeiling]:
    """R11, "The long run builds slowly": the longest long run each week may hold.

    `long_runs[i]` is week i+1's longest long run (0 without one), `volumes[i]` its running
    minutes and `runs[i]` its number of runs (easy, long, quality; races are not training
    volume). A long run may be `long_ramp_min` minutes or `long_ramp_pct` % longer, whichever
    allows more, than the longest long run of the three plan weeks before it; weeks before the
    plan count as `start_long` (the profile's long_run_minutes). In a week of three runs or more
    it is also at most `long_share_max` % of the week's running minutes.
    """
    history = [float(start_long)] * R11_LOOKBACK + [float(v) for v in long_runs]
    found = []
    for i in range(len(long_runs)):
        base = max(history[i:i + R11_LOOKBACK])
        ramp = base + max(long_ramp_min, base * long_ramp_pct / 100)
        share = volumes[i] * long_share_max / 100 if runs[i] >= 3 else None
        found.append(LongCeiling(base, ramp, share))
    return found
