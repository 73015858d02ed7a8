"""The decision variables (a 0/1 literal per option, a rest literal per day) and the compact rows
written over them: maximal cliques, running sums and ranges of one day's options.

Only neighbouring days can interact under R3 (8 h) and R4 (≤ 48 h), so those rules are written per
option against the options of the next days, never as all-pairs clauses: at most one run and one
strength session fit a day, which makes "this option excludes every clashing option of that day" a
single linear constraint.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import cast

from ortools.sat.python import cp_model

from .domain import Kind
from .instance import WHOLE_PLAN, Instance, Option, Scope

# A linear expression or a constant, as the rules build them (cp_model.LinearExprT also admits
# numpy integers, which no rule makes: with it, mypy finds no overload for every sum).
Expr = cp_model.LinearExpr | int


LADDER_ABOVE = 6  # clique_sides: running sums once written-out cliques hold 6 literals an option


RANGE_WRITTEN_OUT = 40  # with_ranges: prefix-sum differences beyond 40 options (a window of 10 h or more)


@dataclass
class Variables:
    """The decision variables, named in domain terms so reports can quote them."""

    x: dict[Option, cp_model.IntVar] = field(default_factory=dict)
    by_day: dict[int, list[Option]] = field(default_factory=lambda: defaultdict(list))
    rest: dict[int, cp_model.IntVar] = field(default_factory=dict)
    objective: Expr = 0  # the weighted soft preferences, as minimised

    explain: bool = False  # guard every hard constraint by a literal per (rule, week), for explanations
    scope: Scope = WHOLE_PLAN  # build_model's: which part of the plan the rules are written for
    groups: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)

    def hard(self, model: cp_model.CpModel, constraint: cp_model.BoundedLinearExpression | bool, rule: str, week: int,
             *enforce: cp_model.LiteralT) -> None:
        """Add a hard constraint of `rule`, attributed to plan week `week` (issue: explain "no plan").

        A constraint between constants arrives as a bool: a true one adds nothing, a false one
        an always-false row, so that an explanation can still name it."""
        if isinstance(constraint, bool):
            if constraint:
                return
            constraint = model.new_constant(0) >= 1
        literals = list(enforce)
        if self.explain:
            key = (rule, week)
            if key not in self.groups:
                self.groups[key] = model.new_bool_var(f"{rule}(week={week})")
            literals.append(self.groups[key])
        added = model.add(constraint)
        if literals:
            added.only_enforce_if(literals)

    def at_most_one(self, model: cp_model.CpModel, lits: list[cp_model.IntVar], rule: str, week: int) -> None:
        """A hard at-most-one; as such (no enforcement literal possible) unless explaining."""
        if self.explain:
            self.hard(model, cp_model.LinearExpr.sum(lits) <= 1, rule, week)
        else:
            model.add_at_most_one(lits)

    def fix(self, model: cp_model.CpModel, assignment: Mapping[Option, bool] | Iterable[Option]) -> None:
        """Pin options in or out, as the cpsat-primer's tests pin an assignment and ask whether the
        rules still hold: a mapping pins each option to its value; other options stay free. An
        iterable pins those options in. Every option must be one of the model's (a pruned model
        lacks the options pruning dropped: build the instance with prune=False to pin any)."""
        pins = assignment.items() if isinstance(assignment, Mapping) else ((o, True) for o in assignment)
        for o, placed in pins:
            if o not in self.x:
                raise ValueError(f"{o} is not an option of this model (pruned, or never generated)")
            model.add(self.x[o] == int(bool(placed)))

    def extract(self, solver: cp_model.CpSolver) -> tuple[Option, ...]:
        """The options a solved model placed, in the model's order (what solve.py turns into sessions)."""
        return tuple(o for o, lit in self.x.items() if solver.boolean_value(lit))

    _options: dict[tuple[int, tuple[Kind, ...]], list[Option]] = field(default_factory=dict)

    _sorted: dict[tuple[int, tuple[Kind, ...], str], "Sorted"] = field(default_factory=dict)

    def by_start(self, day: int, kinds: Iterable[Kind]) -> "Sorted":
        return self._by(day, kinds, "start")

    def by_end(self, day: int, kinds: Iterable[Kind]) -> "Sorted":
        return self._by(day, kinds, "end")

    def _by(self, day: int, kinds: Iterable[Kind], attr: str) -> "Sorted":
        key = (day, kinds if type(kinds) is tuple else tuple(kinds), attr)
        found = self._sorted.get(key)
        if found is None:
            options = sorted(self.options(day, key[1]), key=lambda o: getattr(o, attr))
            found = self._sorted[key] = Sorted(options, [getattr(o, attr) for o in options])
        return found

    _prefixes: dict[tuple, dict[int, Expr]] = field(default_factory=dict)

    def prefix_sum(self, model: cp_model.CpModel, key: tuple, seq: list[Option], k: int) -> Expr:
        """seq[:k] summed, as a 0/1 variable (a plan holds at most one of seq): the nearest
        shorter prefix made so far plus the options in between. `key` names seq (it is shared
        across rules and days)."""
        made = self._prefixes.setdefault(key, {0: 0})
        if k not in made:
            below = max(j for j in made if j < k)
            total = model.new_bool_var("")
            model.add(total == made[below] + cp_model.LinearExpr.sum([self.x[o] for o in seq[below:k]]))
            made[k] = total
        return made[k]

    def options(self, day: int, kinds: Iterable[Kind]) -> list[Option]:
        """The day's options of these kinds (cached: the rules ask for the same ones many times;
        keyed by the kinds as given, a tuple, which is cheaper to hash than a frozenset)."""
        key = (day, kinds if type(kinds) is tuple else tuple(kinds))
        found = self._options.get(key)
        if found is None:
            found = self._options[key] = [o for o in self.by_day.get(day, ()) if o.kind in key[1]]
        return found


@dataclass(frozen=True)
class Sorted:
    """One day's options ordered by start (or end) minute, for range look-ups by bisection."""

    options: list[Option]
    keys: list[int]

    def before(self, limit: int) -> list[Option]:
        return self.options[:bisect_left(self.keys, limit)]

    def after(self, limit: int) -> list[Option]:
        return self.options[bisect_right(self.keys, limit):]

    def between(self, low: int, high: int) -> list[Option]:
        return self.options[bisect_left(self.keys, low):bisect_left(self.keys, high)]


Terms = list[tuple["Expr", int]]


Rule = Callable[[Instance, cp_model.CpModel, Variables], Terms]


def indexed(options: list[Option]) -> "Variables":
    v = Variables()
    for o in options:
        v.by_day[o.day].append(o)
    return v


def _cliques(first: list[Option], seq: list[Option], count: Callable[[Option], int]) -> Iterable[tuple[list, list]]:
    """For two sets of options of which a plan holds at most one each (one day's strength
    sessions, one day's runs), where each a of `first` clashes with the prefix seq[:count(a)]: the
    maximal cliques, as (the options a whose prefix reaches k, seq[:k]) for each distinct k > 0.
    Every pair in one clashes (within a side: one a day), and every clashing pair is in one."""
    by_count = sorted(((count(a), i) for i, a in enumerate(first)), reverse=True)
    members: list[Option] = []
    for i, (k, j) in enumerate(by_count):
        if k == 0:
            break
        members.append(first[j])
        if i + 1 == len(by_count) or by_count[i + 1][0] != k:
            yield list(members), seq[:k]


def clique_sides(model: cp_model.CpModel, v: Variables, first: list[Option], seq: list[Option],
                  count: Callable[[Option], int], seq_key: tuple) -> list[list[Expr]]:
    """Each maximal clique of _cliques as 0/1 variables that sum to it. Written out (the options'
    own literals) where that is small; where the cliques would repeat many literals (wide
    windows: every 15 minutes of a long day) each side is one running-sum variable instead
    (v.prefix_sum, and the members summed from the top): the same rows for the LP, in size
    linear in the options rather than quadratic (the every-day-free cliff: 1.2 M literals)."""
    rows = list(_cliques(first, seq, count))
    if sum(len(m) + len(p) for m, p in rows) <= LADDER_ABOVE * (len(first) + len(seq)):
        return [[*(v.x[a] for a in members), *(v.x[b] for b in prefix)] for members, prefix in rows]
    for _, prefix in reversed(rows):  # shortest first: each running sum adds only what is new
        v.prefix_sum(model, seq_key, seq, len(prefix))
    sides: list[list[Expr]] = []
    above: Expr = 0
    seen = 0
    for members, prefix in rows:  # member sets grow row by row
        total = model.new_bool_var("")
        model.add(total == above + cp_model.LinearExpr.sum([v.x[a] for a in members[seen:]]))
        above, seen = total, len(members)
        sides.append([total, v.prefix_sum(model, seq_key, seq, len(prefix))])
    return sides


def with_ranges(model: cp_model.CpModel, v: Variables, o: Option, ranges: list[tuple[tuple, list[Option], int, int]],
                 rule: str, week: int) -> None:
    """At most one of o and the options starting in [low, high) of each (key, seq sorted by start,
    low, high), which are options of one day and group (a plan holds at most one of them). The
    options written out where few; else each range as a difference of prefix sums
    (v.prefix_sum), two terms however wide the window."""
    found = []
    for key, seq, low, high in ranges:
        starts = [b.start for b in seq]  # small lists; bisect on them
        i, j = bisect_left(starts, low), bisect_left(starts, high)
        found.append((key, seq, i, j))
    if sum(j - i for _, _, i, j in found) <= RANGE_WRITTEN_OUT:
        lits = [v.x[b] for _, seq, i, j in found for b in seq[i:j]]
        if lits:
            v.at_most_one(model, [v.x[o], *lits], rule, week)
        return
    within = [v.prefix_sum(model, key, seq, j) - v.prefix_sum(model, key, seq, i) for key, seq, i, j in found if j > i]
    v.hard(model, v.x[o] + cp_model.LinearExpr.sum(within) <= 1, rule, week)


def prefix_cliques(model: cp_model.CpModel, v: Variables, first: list[Option], seq: list[Option],
                    count: Callable[[Option], int], rule: str, week: int, seq_key: tuple) -> None:
    """At most one of each clique (see _cliques): one row per distinct prefix instead of one per option."""
    for lits in clique_sides(model, v, first, seq, count, seq_key):
        # Each side is a literal: an option's, or a running sum of a non-empty prefix (a 0/1 variable).
        v.at_most_one(model, cast(list[cp_model.IntVar], lits), rule, week)
