"""Pruning: the options without those that can never be chosen and those another option of the same
day, kind and length can always replace at no greater cost (tests/test_pruning.py checks the optimum
stays the same against the plain model)."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable

from .domain import R3_GAP_MINUTES, RUN_KINDS, STRENGTH_KINDS, Kind
from .hard_rules import (ANY_KIND, HARD_RUNS, PREFER_GAP_MINUTES, R4_GROUPS, near_fixed_r3, near_fixed_r4,
                         near_fixed_r12, near_fixed_r13, quality_after_races, r12_apart, strength_near_races)
from .instance import Instance, Option
from .options import overlapping_busy, session_options
from .soft_rules import long_day_cost, time_cost
from .variables import Variables, indexed


# pruned_options: rounds of dominance (each exact; the 4th to 8th drop 4 % more options, cost more than they save)
MAX_PRUNING_ROUNDS = 3


def pruned_options(inst: Instance, feasibility: bool = False) -> list[Option]:
    """The options without those that can never be chosen (busy time, a fixed session's R3/R4, R8's
    strength-free days) and without those another option can always replace at no greater cost.

    For two options of one day, kind and length, the sets of other options each clashes with
    (R3, R4) or lies under 48 h from depend only on where its start falls among the earlier
    neighbours' thresholds (p.end + gap) and its end among the later neighbours' (p.start - gap).
    An earlier option a with the start rank of a later b has b's earlier-side sets and smaller
    later-side ones (hard clashes are a prefix; under-48-h ones end sooner): a plan holding b
    stays feasible with a instead, at no greater cost if a costs no more, level by level. Mirror
    image: a later option with the same end rank. Each dropped option has a replacement with a
    smaller (cost, start), so a chain of replacements ends at a kept option: the optimum is the
    same, only equivalent or worse plans are lost.

    `feasibility` (any plan keeping the hard rules will do): every option costs the same and only
    the hard rules' gaps (R3, R4, R13) set thresholds, not the 48 h preference's, so more options
    share a rank; the argument above, read for feasibility alone, still holds."""
    options = session_options(inst)
    v = indexed(options)
    gone = {*overlapping_busy(inst, v), *near_fixed_r3(inst, v), *near_fixed_r4(inst, v), *strength_near_races(inst, v),
            *near_fixed_r12(inst, v), *near_fixed_r13(inst, v), *quality_after_races(inst, v)}
    options = [o for o in options if o not in gone]
    costs = {o: (0,) if feasibility else option_costs(inst, o) for o in options}
    groups: dict[int, dict[tuple, list[Option]]] = defaultdict(lambda: defaultdict(list))  # day -> groups
    for o in sorted(options, key=lambda o: o.start):
        groups[o.day][o.kind, o.end - o.start].append(o)
    # Each round keeps the optimum of the options the round started from, so rounds can repeat: an
    # option dropped takes its thresholds with it, which lets more of its neighbours share a rank.
    # Thresholds reach 3 days (R4, R13), so only days that near a drop are looked at again.
    alive = set(options)
    days = set(groups)
    for _ in range(MAX_PRUNING_ROUNDS):
        before, after = _thresholds(inst, indexed([o for o in options if o in alive]), days, feasibility)
        dropped: set[Option] = set()
        for day in days:
            base = day * 1440 - _BIT_OFFSET
            for (kind, _), group in groups[day].items():
                bits = before[day, kind]  # a new rank wherever a threshold t has prev.start < t <= o.start
                starts = [o.start - base for o in group]
                breaks = [i > 0 and (bits >> (starts[i - 1] + 1)) & ((1 << (starts[i] - starts[i - 1])) - 1) != 0
                          for i in range(len(group))]
                dropped.update(_dominated(group, breaks, costs, strict=False))
                bits = after[day, kind]  # mirror image: a new rank wherever prev.end <= t < o.end
                ends = [o.end - base for o in group]
                breaks = [i + 1 < len(group) and (bits >> ends[i]) & ((1 << (ends[i + 1] - ends[i])) - 1) != 0
                          for i in range(len(group))]
                dropped.update(_dominated(group[::-1], [False, *breaks[::-1][1:]], costs, strict=True))
        if not dropped:
            break
        alive -= dropped
        for day in {o.day for o in dropped}:
            groups[day] = {key: kept for key, group in groups[day].items()
                           if (kept := [o for o in group if o not in dropped])}
        days = {d + k for d in {o.day for o in dropped} for k in range(-3, 4)} & set(groups)
    return [o for o in options if o in alive]


def option_costs(inst: Instance, o: Option) -> tuple[int, ...]:
    """An option's own cost at each level of the objective (a re-plan's levels first)."""
    extra = inst.extra_costs(o) if inst.extra_costs else ()
    return (*extra, time_cost(inst, o) + long_day_cost(inst, o))


def _dominated(group: list[Option], breaks: list[bool], costs: dict, strict: bool) -> Iterable[Option]:
    """Options with an earlier one (in `group`'s order) of the same rank (no break between them)
    that costs no more at every level (`strict`: and less at one)."""
    seen: list[tuple[int, ...]] = []
    least = None  # one level (a plan's objective): the least cost seen decides
    for o, new_rank in zip(group, breaks):
        if new_rank:
            seen, least = [], None
        cost = costs[o]
        if len(cost) == 1:
            if least is not None and (least < cost if strict else least <= cost):
                yield o
            elif least is None or cost < least:
                least = cost
        elif any(all(a <= b for a, b in zip(c, cost)) and (c != cost or not strict) for c in seen):
            yield o
        else:
            seen.append(cost)


_BIT_OFFSET = 3 * 1440  # _thresholds: bit i of a day's threshold set is minute day * 1440 - offset + i


def _thresholds(inst: Instance, v: Variables, days: Iterable[int], feasibility: bool = False) -> tuple[dict, dict]:
    """Per (day, kind), the minutes where the set of clashing or under-48-h options changes, as the
    bits of an int (bit i: minute day * 1440 - _BIT_OFFSET + i): `before` for the option's start
    (earlier options' ends plus a gap), `after` for its end (later options' starts minus a gap). The
    gaps and day ranges are exactly those of R3, R4 and R13 below. A threshold earlier than the
    offset reaches lies before every option of the day, so it tells none from another."""
    recovery = inst.profile.rules.recovery_hours * 60
    key_gap = inst.profile.rules.strength_before_key_hours * 60
    gaps = (recovery,) if feasibility else (recovery, PREFER_GAP_MINUTES)
    marks: dict[tuple, int] = {}

    def shifted(of: int, kinds: tuple[Kind, ...], attr: str, by: int, day: int) -> int:
        """Day `of`'s options of these kinds: their start or end minutes plus `by`, as bits of `day`."""
        key = (of, kinds, attr)
        if key not in marks:
            base = of * 1440 - _BIT_OFFSET
            bits = 0
            for minute in {getattr(o, attr) for o in v.options(of, kinds)}:
                bits |= 1 << (minute - base)
            marks[key] = bits
        move = (of - day) * 1440 + by
        return marks[key] << move if move >= 0 else marks[key] >> -move

    before: dict[tuple[int, Kind], int] = {}
    after: dict[tuple[int, Kind], int] = {}
    for day in [d for d in days if d in v.by_day]:
        for kind in {o.kind for o in v.by_day[day]}:
            other = STRENGTH_KINDS if kind in RUN_KINDS else RUN_KINDS
            low = shifted(day - 1, other, "end", R3_GAP_MINUTES, day) | shifted(day, other, "end", R3_GAP_MINUTES, day)
            high = shifted(day, other, "start", -R3_GAP_MINUTES, day) | shifted(day + 1, other, "start", -R3_GAP_MINUTES, day)
            for ahead, group in _r4_neighbours(kind):
                for gap in gaps:
                    low |= shifted(day - ahead, group, "end", gap, day)
                    high |= shifted(day + ahead, group, "start", -gap, day)
            # R13: a strength option's end against later key runs' starts, a key run's start
            # against earlier strength options' ends.
            for ahead in (0, 1, 2, 3):
                if kind in STRENGTH_KINDS:
                    high |= shifted(day + ahead, HARD_RUNS, "start", -key_gap, day)
                elif kind in HARD_RUNS:
                    low |= shifted(day - ahead, STRENGTH_KINDS, "end", key_gap, day)
            before[day, kind] = low
            after[day, kind] = high
    return before, after


@functools.cache
def _r4_neighbours(kind: Kind) -> list[tuple[int, tuple[Kind, ...]]]:
    """(days ahead, kinds) whose options R4 and its 48 h preference compare with an option of
    `kind`, up to 3 days (48 h after a late session on a 23-hour day). Pairs R12 already keeps apart
    by calendar day are left out (hard runs on consecutive days, long runs within LONG_APART_DAYS):
    no plan holds both, so their gaps tell no option from another."""
    group = next((g for g in R4_GROUPS if kind in g), ())
    found = []
    for ahead in (1, 2, 3):
        apart = r12_apart(kind, ahead)
        kinds = () if apart is ANY_KIND else tuple(k for k in group if k is not apart)
        if kinds:
            found.append((ahead, kinds))
    return found
