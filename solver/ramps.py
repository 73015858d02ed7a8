"""R6's weekly ramp and R11's long-run ramp on known numbers: the planner's one reading.

Periodization, the model (weeks already over), readiness and the what-if report use these; the
independent checker (solver/check.py) keeps its own copy on purpose, so that a mistake here is
not shared by the code that verifies the plans.
"""

from __future__ import annotations

from .domain import Rules

PRE_PLAN_WEEKS = 3  # R11 looks back three weeks; before the plan they hold the current long run


CUTBACK_MAX_PCT = 80  # R6: a cutback week runs at most 80 % of the week before ("drops by ≥ 20 %")


def allowed_volume(volumes: list[int], rules: Rules) -> int:
    """R6 on known volumes V(0)…V(n-1) (V(0) = weekly_minutes): the most week n may run. At most
    ramp_pct above last week; back to the week before a cutback (≥ 20 % down, some running); after
    a week without running, a restart at restart_pct of the last week that had running."""
    return ramp_allowance(volumes, rules.ramp_pct, rules.restart_pct)


def ramp_allowance(volumes: list[int], ramp_pct: int, restart_pct: int) -> int:
    """allowed_volume on the two parameters it reads."""
    last = volumes[-1]
    allowed = (100 + ramp_pct) * last // 100
    # A week with no running is a break, not a cutback: RULES.md's restart clause, not the return
    # to the week before it (read as a cutback, one week off let the next run its full volume).
    if is_cutback(volumes) and last > 0:
        allowed = max(allowed, volumes[-2])
    if last == 0:
        allowed = max(allowed, restart_pct * next((v for v in reversed(volumes) if v), 0) // 100)
    return allowed


def is_cutback(volumes: list[int]) -> bool:
    """R6: the last of the known weeks ran at most CUTBACK_MAX_PCT % of the week before it."""
    return len(volumes) >= 2 and 100 * volumes[-1] <= CUTBACK_MAX_PCT * volumes[-2]


def fastest_volumes(start: int, ramp_pct: int, cutback_every: int, weeks: int) -> list[int]:
    """The volumes R6 allows at its fastest from `start` a week, over `weeks` weeks: the most
    allowed_volume lets each week run, and every cutback_every-th week the shallowest cutback R6
    accepts (CUTBACK_MAX_PCT %). An upper bound on any plan, so readiness names R6 only when
    R6 itself is what stands between the runner and the target (the planner's own cutbacks go
    deeper: solver/data/periodization.toml's cutback.volume_pct, a project choice inside R6)."""
    volumes, since_cut = [start], 0
    for _ in range(weeks):
        if cutback_every and since_cut >= cutback_every - 1:
            volumes.append(CUTBACK_MAX_PCT * volumes[-1] // 100)
            since_cut = 0
        else:
            volumes.append(ramp_allowance(volumes, ramp_pct, restart_pct=0))
            since_cut += 1
    return volumes[1:]


def long_reference(longs: list[int], rules: Rules) -> int:
    """R11's reference for the next week: the longest long run of the three weeks before (weeks
    before the plan hold the runner's current long run). After three weeks without any long run
    (illness, injury) it is restart_pct of the last long run before them, as R6 restarts the
    volume (RULES.md is silent; read literally the long run would restart at long_ramp_min)."""
    window = longs[-PRE_PLAN_WEEKS:]
    if any(window):
        return max(window)
    earlier = next((m for m in reversed(longs[:-PRE_PLAN_WEEKS]) if m), 0)
    return rules.restart_pct * earlier // 100


def long_allowed(reference: int, rules: Rules) -> int:
    """R11: at most long_ramp_min minutes or long_ramp_pct % longer than the reference, whichever
    allows more."""
    return max(reference + rules.long_ramp_min, reference * (100 + rules.long_ramp_pct) // 100)


def long_share_ok(long_minutes: int, week_minutes: int, runs: int, rules: Rules) -> bool:
    """R11: in a week with three runs or more the long run takes at most long_share_max %."""
    return runs < 3 or 100 * long_minutes <= rules.long_share_max * week_minutes
