"""Solve the model with a fixed seed and turn the assignment back into domain sessions."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping

from ortools.sat.python import cp_model

from .describe import describe
from .domain import Kind, Plan, Profile, Session, WeekTarget
from .errors import InputError, NoPlanError, RuncalError, SolverTimeout
from .explain import RULE_OF, explain, join_words, minimal_conflict, precheck, rule_order
from .busy import BusyEvent, is_caldav, read_busy
from .decompose import LARGE_MODEL_OPTIONS, Outcome, placeable_by_weeks, solve_instance
from .model import FixedSession, Instance, Option, Scope, blocked_weeks, build_model, session_options
from .forked import Forked
from .limits import cores
from .offers import FEASIBILITY_TIME_LIMIT, KINDS, needs_offers, offer, offers_for, out_of_reach
from .readiness import RaceReadiness, assess
from .periodization import plan_start, week_targets
from .shaping import planned_instance

SEED = 20261127
FEASIBILITY = Scope(feasibility=True)  # placeable's models: any plan keeping the hard rules
DEFAULT_TIME_LIMIT = 60.0
WALL_CLOCK_FACTOR = 10
# --time-limit bounds the whole plan, not each of the hundred-odd solves a hard profile takes (every
# day open 00:00-24:00): once the budget is spent, no solve is started, and an unfinished plan is
# "no plan within the time limit". (Solving the whole model with a last share of the budget was
# tried: on such a profile it found no solution either, and took 1.3 GB.)


class _OutOfTime(Exception):
    """The plan's budget is spent (raised where decompose asks for another solver)."""


class Budget:
    """One plan's solver budget in CP-SAT's deterministic seconds, shared by every solve made for
    it, so the same inputs stop at the same point on any machine."""

    def __init__(self, seconds: float, workers: int = 1) -> None:
        self.seconds, self.workers = seconds, workers
        self._used: list[cp_model.CpSolver] = []  # solvers handed out, each solved once (decompose)
        self._charged = 0.0  # solves made through solve()

    def spent(self) -> float:
        total = 0.0
        for solver in self._used:
            try:
                total += solver.response_proto.deterministic_time
            except RuntimeError:  # made but not solved yet
                pass
        return total

    def solve(self, solver: cp_model.CpSolver, model: cp_model.CpModel) -> int:
        """Solve with what is left of the budget (the solver may be used again): its status, or
        UNKNOWN without solving once the budget is spent."""
        left = self.seconds - self.spent() - self._charged
        if left <= 0:
            return cp_model.UNKNOWN
        solver.parameters.max_deterministic_time = left
        solver.parameters.max_time_in_seconds = WALL_CLOCK_FACTOR * left
        status = solver.solve(model)
        self._charged += solver.response_proto.deterministic_time
        return status

    def solver(self, small: bool = False) -> cp_model.CpSolver:
        left = self.seconds - self.spent() - self._charged
        if left <= 0:
            raise _OutOfTime
        solver = solver_for(left, self.workers, small)
        self._used.append(solver)
        return solver


def make_plan(profile: Profile, busy: tuple[BusyEvent, ...] = (), time_limit: float = DEFAULT_TIME_LIMIT,
              workers: int = 1, offers: bool = False, offers_aside: bool = False) -> Plan:
    """Plan the profile. One worker by default: CP-SAT is then deterministic, so the same inputs
    give the same plan (and a byte-identical .ics). Each race's readiness is assessed and written
    into its event; with `offers`, a race out of reach also gets the changes that would make it
    ready, each planned first (solver/offers.py). `offers_aside`: those offers are worked out in a
    forked child while the plan is solved (solver/forked.py), the same offers sooner; for a
    process of its own (runcal plan), not for one of several solving side by side (whatif)."""
    weeks = week_targets(profile)
    precheck(profile, weeks, busy)
    inst = planned_instance(profile, busy, weeks)
    # Aside only with a core to spare: --workers as many as the cores keeps them all solving.
    aside = _offers_aside(profile, busy, inst.weeks) if offers and offers_aside and workers < cores() else None
    try:
        return _solved(profile, busy, inst, time_limit, workers, offers, aside)
    finally:
        if aside is not None:
            aside.cancel()


def _offers_aside(profile: Profile, busy: tuple[BusyEvent, ...], weeks: tuple[WeekTarget, ...]) -> Forked | None:
    """The offers of each A race the planned weeks do not get ready even with every session placed
    (a plan places no more than its weeks plan, so it does not get them ready either), worked out
    in a child while the parent solves: one (kind, race name -> offer) item per kind, in ASIDE_ORDER."""
    races = out_of_reach(profile, weeks)
    if not races:
        return None
    def work():
        planned = variants_planned(busy)
        for index in ASIDE_ORDER:
            yield index, {race.name: offer(index, profile, race, *planned) for race in races}

    return Forked(work)


# The kinds of offer the child works out, in its order: from the costliest, a later race with more
# sessions (up to 24 variants: 60 generated runners, 6.3 s of the 11 s their offers took), which
# the parent often does not need (three offers found before it); the parent, once it has solved,
# takes them from the other end (offers_for's order) and stops where the child has been.
ASIDE_ORDER = tuple(reversed(range(len(KINDS))))


class _Aside(Mapping):
    """One race's offers worked out aside, as offers_for's `known`: the kinds the child has
    delivered, and the one it is working on (waited for: begun before the parent would begin
    it); a result that is not a line of words (or None) is not taken."""

    def __init__(self, aside: Forked, race: str) -> None:
        self.aside, self.race = aside, race

    def _delivered(self) -> dict[int, str | None]:
        found: dict[int, str | None] = {}
        for item in self.aside.items:
            if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], dict) and self.race in item[1]:
                line = item[1][self.race]
                if item[0] in ASIDE_ORDER and (line is None or isinstance(line, str)):
                    found[item[0]] = line
        return found

    def __contains__(self, index: object) -> bool:
        self.aside.take()
        while (index not in self._delivered() and not self.aside.finished
               and ASIDE_ORDER[min(len(self.aside.items), len(ASIDE_ORDER) - 1)] == index):
            self.aside.take(wait=True)  # the child is on this kind now
        return index in self._delivered()

    def __getitem__(self, index: int) -> str | None:
        return self._delivered()[index]

    def __iter__(self):
        return iter(self._delivered())

    def __len__(self) -> int:
        return len(self._delivered())


def _solved(profile: Profile, busy: tuple[BusyEvent, ...], inst: Instance, time_limit: float, workers: int,
            offers: bool, aside: Forked | None) -> Plan:
    weeks = inst.weeks
    budget = Budget(time_limit, workers)
    # First with every planned session required: when that is feasible it is also the optimum of
    # the model that may leave sessions out (leaving one out costs more than any week's
    # preferences can gain), and it is a smaller model that solves week by week. Only if busy
    # time makes it infeasible is the model allowed to leave sessions out.
    strict = replace(inst, allow_drops=False) if blocked_weeks(inst) else inst
    outcome = solve_within(strict, budget)
    if outcome.status == cp_model.INFEASIBLE and strict is not inst:
        first = outcome
        outcome = solve_within(inst, budget)
        outcome.add(first)
        if outcome.status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and not _crowded_locally(inst, outcome, budget):
            outcome.status = cp_model.INFEASIBLE  # busy time in every week does not hide the profile's conflict
    else:
        inst = strict
    crowding: list = []
    if outcome.status == cp_model.INFEASIBLE:
        # The last resort: where the hard rules leave a week no room for all its sessions (R8's
        # strength-free days, R12, R13 and short windows before a race), that week holds fewer —
        # R2's sessions_per_week is an upper bound, so that is the runner's plan, not "no plan".
        # Only what no week can give up (R1's minimum, a race) is refused, with why.
        first, inst = outcome, replace(inst, allow_drops=True, drops_anywhere=True)
        outcome = solve_within(inst, budget)
        outcome.add(first)
        if outcome.status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and _crowded_locally(inst, outcome, budget):
            crowding = minimal_conflict(profile, busy)  # the rules that crowd it, for the plan's notes
        else:
            # The profile's own conflict (its fix, not a thinner plan), or the budget ran out on the
            # last resort (nothing found, or a plan short in more weeks than the optimum may be): the
            # plan as the runner asked for it was proven impossible, so "no plan" and why is true.
            outcome.status = cp_model.INFEASIBLE
    if outcome.status == cp_model.INFEASIBLE:
        refused = explain(profile, busy)
        if busy and not refused.rules:  # busy weeks could leave sessions out: the conflict is the profile's own
            refused = explain(profile, ())
        raise refused
    if outcome.status == cp_model.UNKNOWN:  # the budget ran out: nothing found, nothing proven
        status = cp_model.CpSolver().status_name(outcome.status)
        raise SolverTimeout(f"No plan found within the time limit (solver status {status}): the budget ran out "
                            "before a plan was found or proven impossible. Fix: raise --time-limit or shorten the plan.",
                            status)
    if outcome.status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # MODEL_INVALID: a bug of ours, not the input
        raise NoPlanError(f"No plan found (solver status {cp_model.CpSolver().status_name(outcome.status)}).")
    sessions = extract(inst, outcome.chosen)
    plan = Plan(
        profile=profile,
        weeks=weeks,
        sessions=sessions,
        dropped=dropped_sessions(weeks, sessions, crowding_rules(crowding, weeks, blocked_weeks(inst))),
        status="optimal" if outcome.status == cp_model.OPTIMAL else "feasible",
        objective=outcome.objective,
        solve_seconds=outcome.solve_seconds,
        build_seconds=outcome.build_seconds,
    )
    return with_readiness(plan, variants_planned(busy) if offers else None, aside)


def variants_planned(busy: tuple[BusyEvent, ...]) -> tuple[Callable, Callable]:
    """offers_for's two questions of a variant, sharing its planned instance: offers_for asks
    for a variant's weeks and then, for the one it offers, whether they can be placed (planning
    a variant's weeks twice was a third of what its offers cost)."""
    made: dict[int, tuple[Profile, Instance]] = {}  # id(profile) -> (the profile, kept so the id stays its own; its instance)

    def instance(q: Profile) -> Instance:
        if id(q) not in made:
            made[id(q)] = (q, planned_instance(q, busy))
        return made[id(q)][1]

    return (lambda q: instance(q).weeks), (lambda q: placeable(q, busy, inst=instance(q)))


def with_readiness(plan: Plan, planned: tuple[Callable, Callable] | None = None, aside: Forked | None = None) -> Plan:
    """The plan with each race's readiness, also in words in the race's event; with `planned` (a
    variant's weeks, and whether they can be placed), a race out of reach gets its offers
    (solver/offers.py), the kind worked out `aside` taken from there."""
    found = assess(plan)
    if planned is not None:
        found = tuple(replace(r, offers=offers_for(plan.profile, r.race, *planned,
                                                   known=_Aside(aside, r.race.name) if aside else None))
                      if needs_offers(r) else r for r in found)
    lines = {r.race: readiness_words(r) for r in found}
    sessions = tuple(replace(s, details=f"{s.details}\n\n{lines[s.race]}") if s.race in lines else s
                     for s in plan.sessions)
    return replace(plan, sessions=sessions, readiness=found)


def readiness_words(r: RaceReadiness) -> str:
    """What the race's event says of its readiness: the verdict and its numbers (the offers are
    printed when the plan is made, not kept in the calendar, where they would go stale)."""
    return f"Readiness (solver/data/readiness.toml): {r.line(offers=False)}"


def placeable(profile: Profile, busy: tuple[BusyEvent, ...] = (), time_limit: float = FEASIBILITY_TIME_LIMIT,
              inst: Instance | None = None) -> bool:
    """Whether the profile's weeks can be placed keeping every hard rule and every planned session
    (a feasibility solve within a deterministic budget): how solver/offers.py checks a variant.
    `inst`: the profile's planned instance, when it is already made."""
    try:
        planned = planned_instance(profile, busy) if inst is None else inst
        precheck(profile, planned.weeks)  # it reads only which week each race is in
        inst = replace(planned, allow_drops=False)
    except RuncalError:
        return False
    # The whole model at once: 60 generated runners' offers 9.3 -> 6.5 s against week by week
    # first (a model per week cost more to build than the one solve), except for models so large
    # that the whole is a memory bound (decompose.LARGE_MODEL_OPTIONS), tried week by week first.
    if len(session_options(inst)) > LARGE_MODEL_OPTIONS and placeable_by_weeks(
            inst, lambda small: solver_for(time_limit, 1, small)):
        return True
    model, _ = build_model(inst, scope=FEASIBILITY)
    solver = solver_for(time_limit, 1)
    solver.parameters.linearization_level = 0
    solver.parameters.stop_after_first_solution = True
    return solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def solve_within(inst: Instance, budget: Budget) -> Outcome:
    """solve_instance within the budget (UNKNOWN once it runs out)."""
    try:
        return solve_instance(inst, budget.solver)
    except _OutOfTime:
        return Outcome(cp_model.UNKNOWN)


def busy_sources(profile: Profile, plan_file: str | Path | None = None) -> tuple[list[str | Path], list[Path]]:
    """The profile's [busy] calendars, and those of them that are not there. A `caldav+https://…`
    entry is a server calendar. A file name is relative to the profile's .toml; a profile
    embedded in a plan (X-RUNCAL-PROFILE, `plan_file` given) has no file of its own, so its
    calendars are looked for beside the plan file."""
    if plan_file is not None:
        base = Path(plan_file).parent
    else:
        base = Path(profile.source).parent if not profile.source.startswith("<") else Path(".")
    found: list[str | Path] = []
    missing: list[Path] = []
    for name in profile.busy:
        if is_caldav(name):
            found.append(name)
        elif (base / name).exists() or plan_file is None:  # beside the .toml: read_busy names a missing one
            found.append(base / name)
        else:
            missing.append(base / name)
    return found, missing


def missing_busy_error(plan_file: str | Path, missing: list[Path]) -> InputError:
    names = ", ".join(str(m) for m in missing)
    return InputError(str(plan_file), "X-RUNCAL-PROFILE busy.calendars",
                      f"the plan's profile names busy calendars that are not beside the plan ({names}); re-planning "
                      "without them could put sessions on busy time",
                      "pass --profile with the profile .toml (its calendars are found relative to it), or copy the "
                      "calendars next to the plan")


def busy_for(profile: Profile, extra: tuple[str | Path, ...] = (), all_day: str | None = None,
             plan_file: str | Path | None = None, skip_missing: bool = False) -> tuple[BusyEvent, ...]:
    """Busy occurrences from the profile's calendars and any given on the command line (`extra`:
    files or `caldav+https://…` URLs). `plan_file`: the profile is the one embedded in that plan
    (see busy_sources); a calendar it names that is not beside the plan is an error, unless
    `skip_missing` (the checker, which says so in a note)."""
    sources, missing = busy_sources(profile, plan_file)
    if missing and not skip_missing:
        raise missing_busy_error(plan_file, missing)
    sources += [e if is_caldav(e) else Path(e) for e in extra]
    if not sources:
        return ()
    first = plan_start(profile)
    return read_busy(sources, profile.timezone, first, profile.end + dt.timedelta(days=7),
                     all_day or profile.all_day_busy)


def solver_for(time_limit: float, workers: int, small: bool = False) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.random_seed = SEED
    # The budget is CP-SAT's deterministic time, not the wall clock: a plan stopped at the limit is
    # then the same plan on a slow or a busy machine. The wall clock only guards against runaways.
    solver.parameters.max_deterministic_time = time_limit
    solver.parameters.max_time_in_seconds = WALL_CLOCK_FACTOR * time_limit
    solver.parameters.num_workers = workers
    # Level 2 puts the per-day cliques into the LP: the 19-week marathon sample goes from
    # "feasible after 60 s" to proven optimal in about 4 s.
    solver.parameters.linearization_level = 2
    if small:
        # One week (or an evaluation of fixed sessions): presolve costs more than it saves. 52 weeks
        # solved week by week 0.55 -> 0.29 s; bigger blocks keep it (a 16-week profile whose
        # weeks merge into blocks of four: 2.4 s with presolve, 5.0 s without).
        solver.parameters.cp_model_presolve = False
    else:
        # Whole models: probing in presolve finds little in these at-most-one rows, and the LP
        # does better with every row from the start than with rows added as they are violated
        # (31 whole models, the marathon sample and generated runners with busy calendars: CP-SAT
        # deterministic time 1.21 -> 0.75, CPU 2.56 -> 1.95 s, the same optima).
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.add_lp_constraints_lazily = False
    if workers > 1:
        solver.parameters.interleave_search = True  # deterministic with several workers
    return solver


def extract(inst: Instance, chosen: Iterable[Option]) -> tuple[Session, ...]:
    """The chosen options, and the races, as sessions with their titles and prescriptions (R7)."""
    placed: list[tuple[int, Kind, int, int, FixedSession | None]] = [
        (o.day // 7, o.kind, o.start, o.end, None) for o in chosen
    ]
    for f in inst.fixed:
        if f.race is not None:
            placed.append(((inst.timeline.moment(f.start).date() - inst.weeks[0].monday).days // 7,
                           f.kind, f.start, f.end, f))
    placed.sort(key=lambda p: (p[2], p[1].value))
    counters: dict[tuple[int, Kind], int] = defaultdict(int)
    strength_seen = 0
    sessions = []
    for week_i, kind, start, end, fixed in placed:
        week = inst.weeks[week_i]
        counters[week_i, kind] += 1
        template = ""
        if kind is Kind.STRENGTH:
            template = "AB"[strength_seen % 2]
            strength_seen += 1
        title, details, prescription = describe(inst.profile, week, kind, end - start, template,
                                                fixed.race if fixed else None, inst.weeks, counters[week_i, kind])
        sessions.append(Session(
            kind=kind,
            start=inst.timeline.moment(start),
            end=inst.timeline.moment(end),
            week=week.index,
            period=week.period,
            ident=f"w{week.index:02d}-{kind.value}-{counters[week_i, kind]}",
            title=title,
            details=details,
            race=fixed.race if fixed else None,
            prescription=prescription,
        ))
    return tuple(sessions)


CROWDED_WEEKS_SHARE = 4  # project's choice: see _crowded_locally


def _crowded_locally(inst: Instance, outcome: Outcome, budget: Budget) -> bool:
    """Whether a plan that leaves sessions out does so locally: in race and taper weeks, where R8,
    R12 and R13 crowd a calendar by design, in any number; in the other weeks, in at most one in
    CROWDED_WEEKS_SHARE of the plan's weeks (and at least one). A week or two around a race or a
    trip that cannot hold every session is the calendar's doing, and the plan around it is worth
    having; a conflict that recurs in ordinary weeks is the profile's (more sessions than the rules
    let its windows hold), and the runner is better served by "no plan", the rules and the fix
    (lower sessions_per_week, say) than by a plan short of a session week after week, its volume
    still counted for the sessions it left out (project's choice). When that many weeks are short
    with busy time, it is judged again without it (the same weeks' targets): busy time touching
    every week, a five-minute call, does not hide the profile's own conflict; when that judgement
    runs out of budget, the plan found stands."""
    most = max(1, len(inst.weeks) // CROWDED_WEEKS_SHARE)
    if len(_short_weeks(inst, outcome.chosen)) <= most:
        return True
    if not inst.busy:
        return False
    alone = replace(inst, busy=(), allow_drops=True, drops_anywhere=True)  # the same weeks' targets
    judged = solve_within(replace(alone, allow_drops=False), budget)  # most profiles: nothing short
    if judged.status == cp_model.INFEASIBLE:
        judged = solve_within(alone, budget)
    if judged.status == cp_model.INFEASIBLE:
        return False
    return judged.status != cp_model.OPTIMAL or len(_short_weeks(alone, judged.chosen)) <= most


def _short_weeks(inst: Instance, chosen: Iterable[Option]) -> set[int]:
    """The ordinary weeks (no race, no taper) the chosen options leave short of a planned session."""
    placed = Counter((o.day // 7 + 1, o.kind) for o in chosen)
    return {w.index for w in inst.weeks if not w.races and w.period not in ("race", "taper")
            and any(placed[w.index, kind] < count for kind, count in w.planned.items())}


def dropped_sessions(weeks: tuple[WeekTarget, ...], sessions: tuple[Session, ...],
                     crowded: Mapping[int, tuple[str, ...]] | None = None) -> tuple[str, ...]:
    """Planned sessions that found no place, in words: busy time, or the hard rules themselves
    (`crowded`: week -> the rules that crowd it, from crowding_rules)."""
    placed = Counter((s.week, s.kind) for s in sessions)
    notes = []
    for week in weeks:
        for kind, count in week.planned.items():
            missing = count - placed[week.index, kind]
            if missing > 0:
                what = kind.label if kind.is_run else f"{kind.value} session"
                rules = (crowded or {}).get(week.index)
                verb = "leaves" if rules and len(rules) == 1 and rules[0] != "the hard rules" else "leave"
                why = (f"{join_words(list(rules))} {verb} the week's windows no place for every session it planned "
                       "(R2: sessions_per_week is the most a week holds, not a number it must)") if rules else \
                    ("busy time leaves no place for it under R3, R4, R5 and R10, or R6 holds the week "
                     "to what the week before could run")
                notes.append(f"week {week.index} ({week.monday}): {missing} {what}{'s' if missing > 1 else ''} left out — "
                             f"{why}")
    return tuple(notes)


def crowding_rules(core: list[tuple[str, int]], weeks: tuple[WeekTarget, ...],
                   busy_weeks: frozenset[int]) -> dict[int, tuple[str, ...]]:
    """Week -> the rules that crowd it: those of the conflict (explain.minimal_conflict) in that
    week; in a week the conflict does not name, busy time when it cuts into the week (no entry:
    dropped_sessions says so), else the whole conflict's (the solver may leave a session out next
    to the weeks the conflict names), else "the hard rules" (no conflict found in its time)."""
    def named(groups) -> tuple[str, ...]:
        groups = set(groups)
        rules = dict.fromkeys(sorted((RULE_OF.get(r, r) for r in groups), key=rule_order))
        found = tuple(r for r in rules if r not in ("availability", "R2"))  # R2: said after them
        return (found + ("busy time",) * ("busy" in groups)) or ("the hard rules",)
    found = {}
    for w in weeks:
        own = [r for r, week in core if week == w.index]
        if own:
            found[w.index] = named(own)
        elif w.index not in busy_weeks:
            found[w.index] = named(r for r, _ in core)
    return found

