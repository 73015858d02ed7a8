"""Solve a plan week by week, with a proof that the result is optimal for the whole plan.

When no week may leave a planned session out, every week's running volume is a constant, so R6
and R8's taper are checked once for the whole plan, and weeks meet only where they touch: R3 and
R4 between the last days of one week and the first days of the next, R10's window across the
boundary (max_consecutive_days ≤ 6 and every week has a rest day, so no window spans three
weeks), and the spread and 48 h preferences of those day pairs, whose weights are never negative.

A block of consecutive weeks solved on its own is then a relaxation of the whole model restricted
to those weeks. The spread pair across a boundary (Sunday, Monday) costs weight * max(0, trained
Sunday + trained Monday - 1) ≥ weight * trained Sunday + weight * trained Monday - weight: each
block is charged its side (model.prefer_spread, the scope's `open_ends`) and the bound takes the -weight, so

    lower bound = sum of the blocks' optima - weight_spread * (charged boundaries)  ≤  the optimum.

A boundary whose Sunday or Monday can never hold a session (no availability, no race) costs
nothing whatever the blocks do: it is not charged, or the bound would be loose by the weight there.

The blocks' solutions put together are evaluated in the whole model (only the chosen options
exist, so that model is tiny). Feasible and costing exactly the bound means optimal. Otherwise
each boundary that breaks a hard rule or costs more than its share is mended (the block after it
re-solved beside the one before, at its own optimum) or its two blocks merge and are solved
again; past half the plan the whole model is solved instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from .model import (LONG_APART_DAYS, WHOLE_PLAN, FixedSession, Instance, Option, Scope, blocked_weeks, build_model, fixed_on,
                    fixed_volumes_hold, session_options)

# Repair rounds before handing the plan to the whole model, when week by week was chosen because it
# looked cheaper (worth_decomposing): a plan whose candidate still fails after one round of mending
# and merging is usually one where they cost more than the whole model.
REPAIR_ROUNDS = 1
NewSolver = Callable[[bool], cp_model.CpSolver]  # argument: small (one week, or an evaluation)
Block = tuple[int, ...]  # plan week indices, consecutive


@dataclass
class Outcome:
    status: cp_model.CpSolverStatus | int  # a cp_model status; INFEASIBLE when a block, and so the whole plan, has no solution
    chosen: tuple[Option, ...] = ()
    objective: int = 0
    solves: int = 0  # models solved, evaluations included
    blocks: int = 1  # how many blocks the optimum was proven with
    build_seconds: float = 0.0
    solve_seconds: float = 0.0

    def add(self, other: "Outcome") -> None:
        self.solves += other.solves
        self.build_seconds += other.build_seconds
        self.solve_seconds += other.solve_seconds


def solve_instance(inst: Instance, new_solver: NewSolver, by_weeks: bool | None = None) -> Outcome:
    """The optimum of `inst`: block by block when that is exact and pays (`by_weeks`: whenever it
    is exact, or never), else the whole model at once."""
    wanted = worth_decomposing(inst) if by_weeks is None else by_weeks
    if not decomposable(inst) or not wanted:
        return solve_model(inst, new_solver(False))
    outcome = solve_by_weeks(inst, new_solver, repairs=REPAIR_ROUNDS if by_weeks is None else None)
    if outcome.status != cp_model.UNKNOWN:
        return outcome
    whole = solve_model(inst, new_solver(False))
    whole.add(outcome)  # the time spent on the blocks counts too
    return whole


def decomposable(inst: Instance) -> bool:
    """Weeks are independent but for their boundaries only when no week's volume is a variable."""
    h = inst.history
    fixed_weeks = not (h.replanning or h.done or h.first_open_day) and not (
        inst.allow_drops and (inst.drops_anywhere or blocked_weeks(inst)))
    return fixed_weeks and len(inst.weeks) > 1


def worth_decomposing(inst: Instance) -> bool:
    """Week by week pays where weeks repeat: a repeat is solved once and shifted, and the whole
    model of many alike weeks is big (52 weeks of the benchmark's profile: 0.13 s week by week,
    0.72 s whole). Where busy time cuts into the weeks, or fewer than half of them are repeats,
    most weeks are their own solve and the boundaries between them often fail (R10, R12, R13 reach
    across): the whole model is then faster (60 generated profiles: 5.3 s against 6.2 s all whole
    and 9.5 s all week by week; the generated runners with busy calendars: about 5x). Both
    answers are the optimum; this only picks the faster way."""
    if inst.busy and blocked_weeks(inst):
        return False
    keys = [_shape(inst, (w.index,)) for w in inst.weeks]
    distinct = len({k[0] for k in keys if k is not None}) + keys.count(None)
    # A whole model this large is a memory bound too (the marathon sample open 00:00-24:00 every
    # day: 52 k options, 600 MiB whole, 170 MiB week by week): its weeks are tried first.
    return 2 * distinct <= len(inst.weeks) or len(session_options(inst)) > LARGE_MODEL_OPTIONS


LARGE_MODEL_OPTIONS = 20_000  # see solve_model


def solve_model(inst: Instance, solver: cp_model.CpSolver, fix: bool = False, scope: Scope = WHOLE_PLAN) -> Outcome:
    """Build and solve one model (of the part `scope` names); `fix` requires every option of the
    model (an evaluation)."""
    began = time.perf_counter()
    model, v = build_model(inst, scope=scope)
    if fix:
        v.fix(model, tuple(v.x))
    if len(v.x) > LARGE_MODEL_OPTIONS:
        # solve.solver_for's whole-model settings (no probing, every LP row from the start) pay on
        # the samples (2-3 k options) and cost three times the CPU per deterministic second on
        # the marathon sample open 00:00-24:00 every day (52 k options: 14.1 s of CPU for 4
        # deterministic seconds, 4.7 s with CP-SAT's defaults), where --time-limit must bound it.
        solver.parameters.add_lp_constraints_lazily = True
        solver.parameters.cp_model_probing_level = 2
    built = time.perf_counter()
    status = solver.solve(model)
    outcome = Outcome(status, solves=1, build_seconds=built - began, solve_seconds=time.perf_counter() - built)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        outcome.chosen = tuple(o for o, lit in v.x.items() if solver.boolean_value(lit))
        outcome.objective = round(solver.objective_value)
    return outcome


def solve_by_weeks(inst: Instance, new_solver: NewSolver, repairs: int | None = None) -> Outcome:
    """The optimum found block by block; status UNKNOWN when a block is not solved to optimality
    within the budget, the pieces do not meet the bound, or they still do not after `repairs`
    rounds of mending and merging (None: as many as it takes; the caller then solves the whole model)."""
    total = Outcome(cp_model.OPTIMAL)
    if not fixed_volumes_hold(inst):
        total.status = cp_model.INFEASIBLE
        return total
    blocks: list[Block] = [(w.index,) for w in inst.weeks]
    best: dict[Block, Outcome] = {}  # each block's optimum on its own: its share of the bound
    chosen: dict[Block, tuple[Option, ...]] = {}  # its sessions now: an optimum on its own
    shapes: dict[tuple, Outcome] = {}  # weeks alike up to a shift in time have shifted optima
    for block in blocks:
        if not _solve_block(inst, block, best, chosen, new_solver, total, shapes):
            return _gave_up(total)
    for _ in range(len(blocks) + 1):  # each round merges blocks or mends every boundary
        charged = sum(_charged(inst, b[0]) for b in blocks[1:])
        bound = sum(best[b].objective for b in blocks) - inst.profile.preferences.weight_spread * charged
        candidate = tuple(o for b in blocks for o in chosen[b])
        if _evaluate(inst, inst.weeks, candidate, new_solver, total) == bound:
            total.chosen, total.objective, total.blocks = candidate, bound, len(blocks)
            return total
        if repairs is not None:
            if repairs == 0:
                return _gave_up(total)
            repairs -= 1
        fixed = _repair(inst, blocks, best, chosen, new_solver, total)
        if not fixed:  # None: a solver failure or blocks too big; []: every boundary holds, yet the whole does not
            return _gave_up(total)
        blocks = fixed
    return _gave_up(total)


def placeable_by_weeks(inst: Instance, new_solver: NewSolver) -> bool | None:
    """Whether every planned session can be placed, found week by week: each week's feasibility
    solved beside the weeks before it (their sessions as context), then the whole assignment
    evaluated in the full model. True is a proof (a plan exists); None: the greedy walk got stuck,
    which proves nothing (the caller tries the whole model)."""
    if not decomposable(inst) or not fixed_volumes_hold(inst):
        return None
    chosen: tuple[Option, ...] = ()
    for week in inst.weeks:
        part, scope = _part(inst, (week.index,), chosen)
        model, v = build_model(part, scope=replace(scope, feasibility=True))
        solver = new_solver(True)
        solver.parameters.linearization_level = 0  # any solution will do: no LP to prove bounds with
        solver.parameters.stop_after_first_solution = True
        # Probing (in presolve and at the root) costs more than the first solution it is for: the
        # 19 week models of an every-day-open 20-week offer variant 4.0 -> 1.4 det-s (2.3 -> 1.3 s)
        # with presolve on and probing off; presolve without probing is cheaper than none.
        solver.parameters.cp_model_presolve = True
        solver.parameters.cp_model_probing_level = 0
        if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        chosen += tuple(o for o, lit in v.x.items() if solver.boolean_value(lit))
    return True if _evaluate(inst, inst.weeks, chosen, new_solver, Outcome(cp_model.OPTIMAL)) is not None else None


def _gave_up(total: Outcome) -> Outcome:
    """INFEASIBLE stays (a block with no solution: neither has the plan); anything else: UNKNOWN."""
    if total.status != cp_model.INFEASIBLE:
        total.status = cp_model.UNKNOWN
    return total


def _solve_block(inst: Instance, block: Block, best: dict, chosen: dict, new_solver: NewSolver,
                 total: Outcome, shapes: dict | None = None) -> bool:
    shape = _shape(inst, block) if shapes is not None else None
    if shapes is not None and shape is not None and shape[0] in shapes:
        best[block] = part = _shifted(shapes[shape[0]], shape[1])
    else:
        part_inst, scope = _part(inst, block)
        part = solve_model(part_inst, new_solver(len(block) == 1), scope=scope)
        total.add(part)
        if part.status == cp_model.INFEASIBLE:
            total.status = cp_model.INFEASIBLE
        if part.status != cp_model.OPTIMAL:
            return False
        best[block] = part
        if shapes is not None and shape is not None:
            shapes[shape[0]] = _shifted(part, (-shape[1][0], -shape[1][1]))
    chosen[block] = part.chosen
    return True


def _shape(inst: Instance, block: Block) -> tuple[tuple, tuple[int, int]] | None:
    """A one-week block's model up to a shift in time: (what it depends on, (day, minute) of its
    Monday). None near a race, busy time or a daylight-saving change: such a week is solved on its own."""
    week = inst.weeks[block[0] - 1]
    first = (week.monday - inst.epoch).days
    base = inst.timeline.plain_day(week.monday)
    if len(block) != 1 or base is None or any(inst.timeline.plain_day(inst.date(d)) is None
                                              for d in range(first, first + 7)):
        return None
    near = range((first - 21) * 1440, (first + 28) * 1440)  # R8's strength-free days reach past the race
    if any(f.start in near for f in inst.fixed) or any(b.end > base - 1440 and b.start < base + 8 * 1440
                                                        for b in inst.busy):
        return None
    key = (tuple(sorted((k.value, d) for k, d in week.runs.items())), week.strength, week.rehab,
           week.rehab_minutes, _open_ends(inst, block))
    return key, (first, base)


def _shifted(part: Outcome, by: tuple[int, int]) -> Outcome:
    days, minutes = by
    chosen = tuple(Option(o.day + days, o.kind, o.start + minutes, o.end + minutes, o.clock) for o in part.chosen)
    return Outcome(part.status, chosen, part.objective)


def _repair(inst: Instance, blocks: list[Block], best: dict, chosen: dict, new_solver: NewSolver,
            total: Outcome) -> list[Block] | None:
    """Left to right, make every failing boundary hold: re-solve the block after it with the block
    before it as context, keeping the block's own optimum (so the bound stands); merge the two if
    no such solution exists. Returns the new blocks ([] when nothing failed), None on a solver
    failure or when the blocks grow past half the plan."""
    blocks = list(blocks)
    holds = lambda i: _holds(inst, blocks[i - 1:i + 1], best, chosen, new_solver, total)  # noqa: E731
    suspects = {blocks[i] for i in _failing(inst, blocks, best, chosen, new_solver, total, 0, len(blocks) - 1)}
    if not suspects:
        return []
    i = 1
    while i < len(blocks):
        left, block = blocks[i - 1], blocks[i]
        if block not in suspects or holds(i):
            i += 1
            continue
        part_inst, scope = _part(inst, block, chosen[left])
        context = solve_model(part_inst, new_solver(len(block) == 1), scope=scope)
        total.add(context)
        if context.status == cp_model.OPTIMAL and context.objective == best[block].objective:
            previous, chosen[block] = chosen[block], context.chosen
            if holds(i):
                suspects.update(blocks[i + 1:i + 2])  # the block changed: its next boundary too
                i += 1
                continue
            chosen[block] = previous
        merged = left + block
        if len(merged) > max(4, len(inst.weeks) // 2):
            return None  # blocks this big: the whole model at once is cheaper than more merging
        blocks[i - 1:i + 1] = [merged]
        if not _solve_block(inst, merged, best, chosen, new_solver, total):
            return None
        suspects.update([merged, *blocks[i:i + 1]])
        i = max(1, i - 1)
    return blocks


def _failing(inst: Instance, blocks: list[Block], best: dict, chosen: dict, new_solver: NewSolver,
             total: Outcome, lo: int, hi: int) -> list[int]:
    """The boundaries (index of the block after) among blocks[lo..hi] that fail, by bisection:
    one evaluation answers for a whole run of blocks whose boundaries all hold."""
    if lo >= hi or _holds(inst, blocks[lo:hi + 1], best, chosen, new_solver, total):
        return []
    if hi == lo + 1:
        return [hi]
    mid = (lo + hi) // 2
    return _failing(inst, blocks, best, chosen, new_solver, total, lo, mid) + \
        _failing(inst, blocks, best, chosen, new_solver, total, mid, hi)


def _holds(inst: Instance, run: list[Block], best: dict, chosen: dict, new_solver: NewSolver,
           total: Outcome) -> bool:
    """The chosen sessions of these consecutive blocks break no hard rule together and cost their
    blocks' own costs plus, at each boundary between them, just the spread share the bound charged
    (a boundary never costs less than that, so the sum answers for each)."""
    weeks = tuple(inst.weeks[i - 1] for b in run for i in b)
    sessions = tuple(o for b in run for o in chosen[b])
    value = _evaluate(inst, weeks, sessions, new_solver, total)
    if value is None:
        return False
    weight = inst.profile.preferences.weight_spread
    own = sum(best[b].objective - weight * sum(_open_days_trained(inst, b, chosen[b])) for b in run)
    shares = 0
    for a, b in zip(run, run[1:]):
        if _charged(inst, b[0]):
            sunday = (inst.weeks[b[0] - 1].monday - inst.epoch).days - 1
            shares += weight * (_trained(inst, chosen[a], sunday) + _trained(inst, chosen[b], sunday + 1) - 1)
    return value == own + shares


def _charged(inst: Instance, week: int) -> bool:
    """Whether the spread pair just before plan week `week` is charged to the blocks beside it: only
    when both its days can hold a session."""
    monday = (inst.weeks[week - 1].monday - inst.epoch).days
    return week > 1 and {monday - 1, monday} <= inst.trainable_days


def _open_days_trained(inst: Instance, block: Block, sessions: tuple[Option, ...]) -> list[bool]:
    """Whether the block's first and last days are trained, where the plan goes on past them (the
    spread charges of model.prefer_spread)."""
    first = (inst.weeks[block[0] - 1].monday - inst.epoch).days
    last = first + 7 * len(block) - 1
    ends = _open_ends(inst, block)
    return [ends[0] and _trained(inst, sessions, first), ends[1] and _trained(inst, sessions, last)]


def _open_ends(inst: Instance, block: Block) -> tuple[bool, bool]:
    return _charged(inst, block[0]), block[-1] < len(inst.weeks) and _charged(inst, block[-1] + 1)


def _part(inst: Instance, block: Block, context: tuple[Option, ...] = ()) -> tuple[Instance, Scope]:
    """The block's weeks on their own, charged their side of the spread pairs at open ends; with
    `context` (the sessions of the block before), also kept clear of those under R3, 48 h and R10."""
    weeks = tuple(inst.weeks[i - 1] for i in block)
    part = replace(inst, weeks=weeks, allow_drops=False)
    scope = Scope(volumes_checked=True, open_ends=_open_ends(inst, block))
    if not context:
        return part, scope
    first = (weeks[0].monday - inst.epoch).days
    near = tuple(FixedSession(o.kind, o.start, o.end, "context", context=True)
                 for o in context if o.day >= first - LONG_APART_DAYS)
    trained = 0
    while _trained(inst, context, first - 1 - trained) and trained < 7:
        trained += 1
    return replace(part, fixed=inst.fixed + near), replace(scope, trained_before=trained)


def _trained(inst: Instance, chosen: tuple[Option, ...], day: int) -> bool:
    return any(o.day == day for o in chosen) or bool(fixed_on(inst, day))


def _evaluate(inst: Instance, weeks: tuple, chosen: tuple[Option, ...], new_solver: NewSolver,
              total: Outcome) -> int | None:
    """The model's objective over `weeks` for exactly these sessions, or None if they break a hard rule."""
    first = (weeks[0].monday - inst.epoch).days
    days = range(first, first + 7 * len(weeks))
    part = replace(inst, weeks=weeks, allow_drops=False)
    scope = Scope(only=tuple(o for o in chosen if o.day in days), volumes_checked=True, open_ends=(False, False))
    outcome = solve_model(part, new_solver(True), fix=True, scope=scope)
    total.add(outcome)
    return outcome.objective if outcome.status == cp_model.OPTIMAL else None
