"""The plan's weeks as the runner's calendar shapes them, before any session is placed: the weeks
busy time takes whole days from plan fewer runs (options.free_days), and a week whose free places
can hold none of its runs plans no run at all, so the weeks after it are planned as R6's restart
instead of being left to the solver to thin out. Shared by plan, replan and explain, so they
solve one model."""

from __future__ import annotations

from dataclasses import replace

from ortools.sat.python import cp_model

from .busy import BusyEvent
from .domain import RUN_KINDS, Profile, WeekTarget
from .instance import Instance, Scope, build_instance, week_days
from .model import build_model
from .options import free_days
from .periodization import week_targets


# A one-week feasibility model: the weeks of the bench runners take 0.002-0.01 deterministic seconds;
# the limit only bounds a pathological week, and a week not proven runless within it stays planned.
RUNLESS_TIME_LIMIT = 0.2


def shaping_days(profile: Profile, busy: tuple[BusyEvent, ...] = (),
                 weeks: tuple[WeekTarget, ...] | None = None) -> dict[int, frozenset[int]]:
    """periodization's `free_days`: week index -> the days of the week (0 = its first) a run can
    still go on, for the weeks busy time takes whole days from; an empty set for a week that can
    hold none of its runs (runless_weeks). `weeks`: the unshaped weeks, when already made."""
    return shaped(profile, busy, weeks)[0]


def planned_instance(profile: Profile, busy: tuple[BusyEvent, ...] = (),
                     weeks: tuple[WeekTarget, ...] | None = None) -> Instance:
    """The plan's weeks and instance: periodization (`weeks`, when already made), then, when busy
    time takes whole days from some weeks, periodization again with those weeks' free days (fewer
    runs there: R2 is an upper bound; none where none can go), so the planner and the explainer
    solve the same model."""
    return shaped(profile, busy, weeks)[1]


def shaped(profile: Profile, busy: tuple[BusyEvent, ...] = (),
           weeks: tuple[WeekTarget, ...] | None = None) -> tuple[dict[int, frozenset[int]], Instance]:
    """Both: the free days (shaping_days) and the instance of the weeks shaped by them."""
    inst = build_instance(profile, week_targets(profile) if weeks is None else weeks, busy)
    free = free_days(inst)
    if not free:
        return free, inst
    inst = build_instance(profile, week_targets(profile, free_days=free), busy)
    runless = runless_weeks(inst, free)
    if not runless:
        return free, inst
    free = {**free, **{i: frozenset() for i in runless}}
    return free, build_instance(profile, week_targets(profile, free_days=free), busy)


def runless_weeks(inst: Instance, crowded: dict[int, frozenset[int]]) -> list[int]:
    """The crowded weeks (without a race) in which no plan can place one of the runs periodization
    planned for them: the week on its own, with every hard rule and any of its sessions left out,
    cannot hold one. The week alone is a relaxation of the plan's model (the rules across its
    edges, R6's volumes and R10's days in a row, are left out; its runs have the planned lengths
    the model has), so a week found here runs nothing in any plan the model can make, and the
    weeks after it are R6's restart whatever they are shaped for. (A shorter run might fit where
    the planned ones do not: periodization shapes a crowded week by its free days, not by the
    length of its windows; a week shaped to its windows is left for later.)

    Why it matters (bench runner 118): a trip leaves one 90-minute slot in a week and R1's minimum
    strength session takes it. The week runs nothing, so R6 restarts the week after at restart_pct,
    and weeks shaped for the full build cannot fit under that cap: the solver dropped their long and
    quality runs for four weeks. Planned as a week without running, the weeks after it are shaped
    as the restart (periodization's allowed_volume) and keep a long run and a quality run."""
    found = []
    few = inst.profile.rules.strength_max
    for week in inst.weeks:
        # Only weeks whose free days R1's strength sessions could take all of: a week with more
        # days free for a run is planned as before (a week missed here is the old plan, not a wrong
        # one). Every variant a readiness offer plans asks this again: runner 141 of the bench, 14
        # crowded weeks, spent 1.1 s of its 1.4 s here when every crowded week was solved.
        if week.index not in crowded or len(crowded[week.index]) > few or week.races or not any(week.runs.values()):
            continue
        part = replace(inst, weeks=(week,), allow_drops=True, drops_anywhere=True)
        model, v = build_model(part, scope=Scope(volumes_checked=True, feasibility=True))
        runs = [v.x[o] for d in week_days(part, week) for o in v.options(d, RUN_KINDS)]
        if runs:
            with_a_run = model.clone()
            with_a_run.add(sum(runs) >= 1)
            if _solver().solve(with_a_run) != cp_model.INFEASIBLE:
                continue
        # Only a week that can be planned at all is runless: one the hard rules leave no plan for
        # (R1's minimum alone) stays as it is, for the solver and the explainer to find.
        if _solver().solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found.append(week.index)
    return found


def _solver() -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # deterministic
    solver.parameters.max_deterministic_time = RUNLESS_TIME_LIMIT
    solver.parameters.cp_model_presolve = False  # one week: presolve costs more than it saves
    solver.parameters.stop_after_first_solution = True
    return solver
