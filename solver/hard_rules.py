"""The hard rules, one function per rule ID of docs/RULES.md (its docstring quotes the rule), each
adding its rows to the model; helpers that list the options a fixed session (a race, a session
done) rules out, shared with solver/pruning.py."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import cast

from ortools.sat.python import cp_model

from .domain import R3_GAP_MINUTES, RUN_KINDS, STRENGTH_KINDS, Kind, WeekTarget
from .instance import FixedSession, Instance, Option, first_day, fixed_day, fixed_on, in_past, week_days
from .options import blocked_weeks, overlapping_busy
from .periodization import current_long_run, shape
from .ramps import CUTBACK_MAX_PCT, PRE_PLAN_WEEKS, allowed_volume, long_allowed
from .variables import Expr, Rule, Terms, Variables, clique_sides, prefix_cliques, with_ranges


PREFER_GAP_MINUTES = 48 * 60


MAX_SESSIONS_PER_DAY = 2  # one run and one strength session, R3 apart


R4_GROUPS = (STRENGTH_KINDS, (Kind.LONG, Kind.QUALITY))  # R4's "same session": strength, and the hard runs


HARD_RUNS = (Kind.LONG, Kind.QUALITY)  # R12's hard runs and R13's key runs (with races, always fixed)


LONG_APART_DAYS = 5  # R12: two long runs (or a long run and a race) start at least 5 calendar days apart


ANY_KIND = "any"  # r12_apart: every later option


def r12_apart(kind: Kind, ahead: int) -> Kind | str | None:
    """The options `ahead` days after one of `kind` that R12 never lets into the same plan as it:
    ANY_KIND (hard runs on consecutive days), Kind.LONG (a long run after a long run within
    LONG_APART_DAYS), or None."""
    if kind in HARD_RUNS and ahead == 1:
        return ANY_KIND
    if kind is Kind.LONG and ahead < LONG_APART_DAYS:
        return Kind.LONG
    return None


def flexible(inst: Instance, week: WeekTarget) -> bool:
    """A week may leave planned sessions out when the runner's busy calendar cuts into it, or, as
    the last resort (`drops_anywhere`), when the hard rules leave some week no room for all of its
    sessions: R2's sessions_per_week is an upper bound, so such a plan is the runner's plan."""
    return inst.history.replanning or (inst.allow_drops and (inst.drops_anywhere or week.index in blocked_weeks(inst)))


def _clash(a_start: int, a_end: int, b_start: int, b_end: int, gap: int) -> bool:
    """True when the two sessions are less than `gap` minutes apart, end to start, either way."""
    return a_end + gap > b_start and b_end + gap > a_start


def r1_strength_per_week(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """R1 (Hard): "Aim incorporate 1-2 sessions of resistance training per week alongside running".

    Each week holds between strength_min and its target of strength sessions (the target lies in
    [strength_min, strength_max]); a race week's target is 0 (R8's exception)."""
    low, h = inst.profile.rules.strength_min, inst.history
    for week in inst.weeks:
        lits = [v.x[o] for d in week_days(inst, week) for o in v.options(d, [Kind.STRENGTH])]
        done = h.done.get((week.index, Kind.STRENGTH), 0)
        v.hard(model, sum(lits) + done <= max(week.strength, done), "R1", week.index)
        floor = min(low, week.strength) if flexible(inst, week) else week.strength
        if any(d in h.injury_days for d in week_days(inst, week)):
            floor = 0  # R9's exception: an injury pauses strength too
        # A strength session the runner missed still counts towards the week's minimum: the plan held it.
        floor -= done + h.missed_strength.get(week.index, 0)
        v.hard(model, sum(lits) >= floor, "R1", week.index)
    return []


def r2_replace_dont_add(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """R2 (Hard): "Don't add in extra training sessions, replace a running session with a resistance
    training session". At most the week's planned runs of each kind; runs, races and strength
    together ≤ sessions_per_week."""
    spw = inst.profile.sessions_per_week
    for week in inst.weeks:
        days = week_days(inst, week)
        for kind in RUN_KINDS:
            options = [o for d in days for o in v.options(d, [kind])]
            wanted = max(0, len(week.runs[kind]) - inst.history.done.get((week.index, kind), 0))
            if flexible(inst, week):
                v.hard(model, sum(v.x[o] for o in options) <= wanted, "runs", week.index)
            else:
                v.hard(model, sum(v.x[o] for o in options) == wanted, "runs", week.index)
            lengths = Counter(week.runs[kind])
            if len(lengths) > 1:  # runs of one kind but different lengths: each length as planned, at most
                for minutes, count in lengths.items():
                    v.hard(model, sum(v.x[o] for o in options if o.end - o.start == minutes) <= count,
                           "runs", week.index)
        fixed = sum(len(fixed_on(inst, d)) for d in days)
        every = [v.x[o] for d in days for o in v.by_day.get(d, ())]
        v.hard(model, sum(every) + fixed <= spw, "R2", week.index)
    return []


def one_run_and_one_strength_a_day(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """Hard (R3's "two sessions on one day are allowed only this way"): at most one run and one
    strength session a day; never a second session on a race day."""
    for day in v.by_day:
        fixed = fixed_on(inst, day)
        for group in (RUN_KINDS, STRENGTH_KINDS):
            lits = [v.x[o] for o in v.options(day, group)]
            if any(f.kind.is_run == (group is RUN_KINDS) for f in fixed):
                v.hard(model, cp_model.LinearExpr.sum(lits) <= 0, "one a day", day // 7 + 1)
            else:
                v.at_most_one(model, lits, "one a day", day // 7 + 1)
    return []


def r3_run_strength_gap(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """R3 (Hard): "Leave at least 8 hours between a run and a resistance training session".

    A strength option excludes every run option of the same and neighbouring days that ends less
    than 8 h before it or starts less than 8 h after it; fixed sessions exclude clashing options."""
    for day in v.by_day:
        strength = v.options(day, STRENGTH_KINDS)
        if not strength:
            continue
        same, before, after = v.options(day, RUN_KINDS), v.by_end(day - 1, RUN_KINDS), v.by_start(day + 1, RUN_KINDS)
        week = day // 7 + 1
        by_length: dict[int, list[Option]] = defaultdict(list)
        for r in sorted(same, key=lambda r: r.start):
            by_length[r.end - r.start].append(r)
        for s in strength:
            # A run of length m clashes when it starts in (s.start - 8 h - m, s.end + 8 h): one
            # range of starts per length.
            ranges = [((day, "R3 same", m), runs, s.start - R3_GAP_MINUTES - m + 1, s.end + R3_GAP_MINUTES)
                      for m, runs in by_length.items()]
            with_ranges(model, v, s, ranges, "R3", week)
        # Only sessions of neighbouring days can be closer than 8 h: yesterday's runs ending after
        # s.start - 8 h (a suffix by end time), tomorrow's starting before s.end + 8 h (a prefix).
        latest = before.options[::-1]
        prefix_cliques(model, v, strength, latest, lambda s: len(before.after(s.start - R3_GAP_MINUTES)), "R3", week,
                        (day - 1, RUN_KINDS, "latest"))
        prefix_cliques(model, v, strength, after.options,
                        lambda s: bisect_left(after.keys, s.end + R3_GAP_MINUTES), "R3", week, (day + 1, RUN_KINDS, "start"))
    for o in near_fixed_r3(inst, v):
        v.hard(model, v.x[o] == 0, "R3", o.day // 7 + 1)
    return []


def near_fixed_r3(inst: Instance, v: Variables) -> Iterable[Option]:
    """R3: options less than 8 h from a fixed session (a race, a session already done)."""
    for f in inst.fixed:
        yield from _near(v, f, STRENGTH_KINDS if f.kind.is_run else RUN_KINDS, R3_GAP_MINUTES)


def r4_same_session_recovery(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """R4 (Hard): "a 24-48-hour rest period between the same session".

    Two strength sessions, or two hard runs (long, quality, race), are at least recovery_hours
    apart, end to start. Soft: each pair of days whose chosen sessions are closer than 48 h costs
    weight_recovery_48h."""
    hours = inst.profile.rules.recovery_hours
    weight = inst.profile.preferences.weight_recovery_48h
    terms: Terms = []
    for group in R4_GROUPS:
        for day in v.by_day:
            mine = v.options(day, group)
            if not mine:
                continue
            # Up to 3 days ahead: 48 h after a late session on a 23-hour DST day reaches day + 3.
            for ahead in (1, 2, 3):
                later = v.by_start(day + ahead, group)
                if not later.options or (r12_apart(group[0], ahead) is ANY_KIND and not v.explain):
                    continue  # hard runs on consecutive days: R12's row already keeps them apart
                # A later day's session starts after a ends: the clashes are a prefix by start time.
                seq_key = (day + ahead, group, "start")
                prefix_cliques(model, v, mine, later.options,
                                lambda a: bisect_left(later.keys, a.end + hours * 60), "R4", day // 7 + 1, seq_key)
                if not weight:
                    continue
                under = {a: bisect_left(later.keys, a.end + PREFER_GAP_MINUTES) for a in mine}
                if not any(k > bisect_left(later.keys, a.end + hours * 60) for a, k in under.items()):
                    continue  # no allowed pair of these days is under 48 h
                short = model.new_bool_var(f"r4_prefer_48h({inst.date(day)}+{ahead}d,{group[0].value})")
                terms.append((short, weight))
                # short is 1 when the day's session and the later one are chosen less than 48 h apart
                # (pairs under recovery_hours are never both chosen, so a row may hold them too).
                for lits in clique_sides(model, v, mine, later.options, under.__getitem__, seq_key):
                    model.add(cp_model.LinearExpr.sum(lits) - 1 <= short)
    for o in near_fixed_r4(inst, v):
        v.hard(model, v.x[o] == 0, "R4", o.day // 7 + 1)
    return terms


def near_fixed_r4(inst: Instance, v: Variables) -> Iterable[Option]:
    """R4: options of the fixed session's own kind less than recovery_hours from it."""
    for f in inst.fixed:
        if f.kind.is_hard or f.kind.is_strength:
            kinds = STRENGTH_KINDS if f.kind.is_strength else (Kind.LONG, Kind.QUALITY)
            gap = inst.profile.rules.recovery_hours * 60
            if f.context and inst.profile.preferences.weight_recovery_48h:
                gap = PREFER_GAP_MINUTES
            yield from _near(v, f, kinds, gap)


def _near(v: Variables, f: FixedSession, kinds: tuple[Kind, ...], gap: int) -> Iterable[Option]:
    day = max(0, f.start // 1440)
    for other in range(day - 3, day + 4):
        for o in v.options(other, kinds):
            if _clash(f.start, f.end, o.start, o.end, gap):
                yield o


def r5_rest_days(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """R5 (Hard): "Ensure you factor in rest days to allow your body to recover".

    rest[d] can be true only when day d holds no session; each week holds ≥ rest_days_min of them
    (nothing forces rest[d] on an empty day: R5, R10 and the spread preference all want it)."""
    for day, rest in v.rest.items():
        if fixed_on(inst, day):
            model.add(rest == 0)
            continue
        # One clique per kind group (a day holds at most one run and one strength session): a much
        # tighter LP relaxation than a single big-M row over the whole day.
        for group in (RUN_KINDS, STRENGTH_KINDS):
            model.add_at_most_one([*(v.x[o] for o in v.options(day, group)), rest])
    for week in inst.weeks:
        v.hard(model, sum(v.rest[d] for d in week_days(inst, week)) >= inst.profile.rules.rest_days_min, "R5",
               week.index)
    return []


def week_volume(inst: Instance, v: Variables, week: WeekTarget) -> Expr:
    """Running minutes done or placed in the week (races are not training volume). A week that must
    place every planned session has a known volume: a constant keeps R6 and R8 out of the solver."""
    if not flexible(inst, week):
        return week.run_minutes
    placed = sum((o.end - o.start) * v.x[o] for d in week_days(inst, week) for o in v.options(d, RUN_KINDS))
    return placed + inst.history.done_minutes.get(week.index, 0)


def r6_build_slowly(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """R6 (Hard): "Build slowly alongside increasing running distance/mileage".

    On the minutes actually placed: each week ≤ its planned cap; ≤ ramp_pct over the week before
    (week 1 over today's weekly_minutes), unless the week before was a cutback (≥ 20 % down, some
    running), after which the volume may return to the week before that, or ran nothing, after
    which it restarts at restart_pct of the last week that ran; and among any cutback_every
    consecutive weeks without a race or taper, one is a cutback. A week that loses sessions to
    busy time therefore cannot be "made up" by the next."""
    if v.scope.volumes_checked:
        return []
    rules = inst.profile.rules
    volumes: list[Expr] = [inst.profile.weekly_minutes]
    for week in inst.weeks:
        volume = week_volume(inst, v, week)
        i = week.index
        if in_past(inst, week):  # what was done was done: only later weeks answer to it
            volumes.append(volume)
            continue
        # periodization's cap: R8's taper before an A race and in its week, R6's ramp in the others
        tapered = week.period == "taper" or any(race.priority == "A" for race in week.races)
        v.hard(model, volume <= week.volume_cap, "R8" if tapered else "R6", i)
        if all(isinstance(x, int) for x in volumes):  # the weeks before are over: a known allowance
            # A re-plan late in a week may find more already run than the allowance: then no more.
            allowance = max(allowed_volume(_known_volumes(inst, week, cast(list[int], volumes)), rules),
                            inst.history.done_minutes.get(i, 0))
            v.hard(model, volume <= allowance, "R6", i)
            volumes.append(volume)
            continue
        # One of R6's three allowances holds (ramps.allowed_volume on known volumes).
        within = model.new_bool_var(f"r6_within_ramp(week={i})")
        v.hard(model, 100 * volume <= (100 + rules.ramp_pct) * volumes[-1], "R6", i, within)
        ways = [within]
        if len(volumes) >= 2:
            back = model.new_bool_var(f"r6_back_after_cutback(week={i})")
            v.hard(model, 100 * volumes[-1] <= CUTBACK_MAX_PCT * volumes[-2], "R6", i, back)
            _ran_something(inst, model, v, inst.weeks[i - 2], volumes[-1], back)  # none at all: a break, the restart
            v.hard(model, volume <= volumes[-2], "R6", i, back)
            ways.append(back)
            # After a week without running, restart_pct of the last week that had running: the
            # latest week not surely empty (if it ran nothing after all, the bound is 0: sound).
            last = next((x for x in reversed(volumes[:-1]) if not (isinstance(x, int) and x == 0)), None)
            if last is not None:
                restart = model.new_bool_var(f"r6_restart(week={i})")
                v.hard(model, volumes[-1] == 0, "R6", i, restart)
                v.hard(model, 100 * volume <= rules.restart_pct * last, "R6", i, restart)
                ways.append(restart)
        model.add_bool_or(ways)
        volumes.append(volume)
    if rules.cutback_every:
        _cutback_windows(inst, model, v, volumes, rules.cutback_every)
    return []


def _ran_something(inst: Instance, model: cp_model.CpModel, v: Variables, week: WeekTarget, volume: Expr,
                   back: cp_model.IntVar) -> None:
    """R6's return after a cutback only after a week that ran: a week with no running is a break,
    and the restart applies — a clause over the week's runs, nothing when the week surely ran. It
    costs: the marathon sample's re-plan after a missed quality run 0.85 -> 1.11 s in-process (the
    same as a linear row "its minutes ≥ 1"), the price of a re-plan no longer letting a week the
    solver empties be followed by the full volume. `volume`: the week's, as R6 reads it."""
    if isinstance(volume, int):  # known: ran or not
        if volume == 0:
            model.add(back == 0)
        return
    if inst.history.done_minutes.get(week.index, 0):  # some of it already run
        return
    model.add_bool_or([back.Not(), *(v.x[o] for d in week_days(inst, week) for o in v.options(d, RUN_KINDS))])


def _known_volumes(inst: Instance, week: WeekTarget, volumes: list[int]) -> list[int]:
    """R6's volumes before `week` as known when it began: a run of a week already over that was
    reported missed on or after the week's first day still counts (only the week a re-plan falls
    in can differ from what was done)."""
    if not inst.history.missed_runs:
        return volumes
    as_of = first_day(inst, week)
    return volumes[:1] + [sum(m for _, m in inst.history.known_runs(w.index, as_of)) if in_past(inst, w)
                          else volumes[w.index] for w in inst.weeks[:week.index - 1]]


def fixed_volumes_hold(inst: Instance) -> bool:
    """When no week may leave a session out, every week's volume is a constant: R6, R8's taper and
    R11 are then facts about the periodization, true or false without a solver."""
    model = cp_model.CpModel()
    r6_build_slowly(inst, model, Variables())
    _taper_volumes(inst, model, Variables())
    _taper_runs(inst, model, Variables())
    r11_long_run(inst, model, Variables())
    return not model.proto.constraints


def _cutback_windows(inst: Instance, model: cp_model.CpModel, v: Variables, volumes: list, every: int) -> None:
    exempt = {w.index for w in inst.weeks if w.races or w.period == "taper"}
    reduced: dict[int, Expr] = {}
    for week in inst.weeks:
        if week.index in exempt:
            continue
        # The week before as known when this one began, as the checker reads it: a run of it
        # reported missed later does not turn this week's planned cutback into none.
        cut = 100 * volumes[week.index] <= CUTBACK_MAX_PCT * _known_volumes(inst, week, volumes)[week.index - 1]
        if isinstance(cut, bool):  # both volumes known
            reduced[week.index] = int(cut)
        else:
            reduced[week.index] = model.new_bool_var(f"r6_cutback(week={week.index})")
            model.add(cut).only_enforce_if(reduced[week.index])
    past = {w.index for w in inst.weeks if in_past(inst, w)}
    for first in range(1, len(inst.weeks) - every + 2):
        window = range(first, first + every)
        if not exempt.intersection(window) and not past.issuperset(window):
            v.hard(model, sum(reduced[i] for i in window) >= 1, "R6", first + every - 1)


def r8_race_preparation(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """R8 (Hard): "Repetitions, sets, volume and load will be dependent on … period of training
    particularly if in preparation for a race". No strength in the race_strength_free_days before a
    race, on race day, nor the day after (volume taper is part of R6's weekly cap)."""
    if not v.scope.volumes_checked:
        _taper_volumes(inst, model, v)
        _taper_runs(inst, model, v)
    for o in strength_near_races(inst, v):
        v.hard(model, v.x[o] == 0, "R8", o.day // 7 + 1)
    for o in quality_after_races(inst, v):
        v.hard(model, v.x[o] == 0, "R8", o.day // 7 + 1)
    return []


def strength_near_races(inst: Instance, v: Variables) -> Iterable[Option]:
    """R8: the strength options in the race_strength_free_days before a race, on it and the day after."""
    free = inst.profile.rules.race_strength_free_days
    first = inst.epoch
    for race in inst.profile.races:
        for offset in range(-free, 2):
            yield from v.options((race.date - first).days + offset, [Kind.STRENGTH])


def quality_after_races(inst: Instance, v: Variables) -> Iterable[Option]:
    """R8 (race recovery): no quality run on the days just after a race (periodization's table)."""
    days = shape().quality_free_days
    for f in inst.fixed:
        if f.kind is Kind.RACE:
            day = fixed_day(inst, f)
            for other in range(day + 1, day + days + 1):
                yield from v.options(other, [Kind.QUALITY])


def _taper_runs(inst: Instance, model: cp_model.CpModel, v: Variables) -> None:
    """R8: no taper or race week holds more runs than the week before it, and no run of a race week
    (the race aside) is longer than the longest easy run of the week before."""
    for before, week in zip(inst.weeks, inst.weeks[1:]):
        if (week.period != "taper" and not week.races) or in_past(inst, week):
            continue
        as_of = first_day(inst, week)
        reference = _run_count(inst, v, before)
        if in_past(inst, before):  # over: as known when this week began; what was done here is done
            reference = max(len(inst.history.known_runs(before.index, as_of)),
                            len(inst.history.done_runs.get(week.index, ())))
        v.hard(model, _run_count(inst, v, week) <= reference, "R8", week.index)
        if not week.races:
            continue
        done = [m for k, m in inst.history.known_runs(before.index, as_of) if k is Kind.EASY]
        for length in sorted({m for k in RUN_KINDS for m in week.runs[k]}):
            if max(done, default=0) >= length:
                continue
            if not flexible(inst, before) and not in_past(inst, before):
                v.hard(model, max(before.runs[Kind.EASY], default=0) >= length, "R8", week.index)
                continue
            runs = [v.x[o] for d in week_days(inst, week) for o in v.options(d, RUN_KINDS) if o.end - o.start == length]
            longer = [v.x[o] for d in week_days(inst, before) for o in v.options(d, [Kind.EASY])
                      if o.end - o.start >= length]
            if runs:
                v.hard(model, sum(runs) <= len(runs) * sum(longer), "R8", week.index)


def _run_count(inst: Instance, v: Variables, week: WeekTarget) -> Expr:
    """Runs the week holds (races aside): a constant when it must place every planned session."""
    done = len(inst.history.done_runs.get(week.index, ()))
    if in_past(inst, week):
        return done
    if not flexible(inst, week):
        return sum(len(r) for r in week.runs.values())
    return done + sum(v.x[o] for d in week_days(inst, week) for o in v.options(d, RUN_KINDS))


def _taper_volumes(inst: Instance, model: cp_model.CpModel, v: Variables) -> None:
    """Taper weeks stay under taper_pct of the peak, the race week under the last taper_pct. The
    peak is the build weeks' (after the previous A race, before this race's taper; with none, the
    previous race's): at least the biggest of those whose volume is known (over, or fixed), as
    known when the checked week begins, and at least the placed volume of the one still open
    that periodization planned the biggest; before the first A race without one, the runner's
    weekly minutes. A lower bound of the checker's peak, so this is sound."""
    rules = inst.profile.rules
    segment = 0
    build: tuple[WeekTarget, ...] = ()
    for r, week in enumerate(inst.weeks):
        if not any(race.priority == "A" for race in week.races):
            continue
        build = inst.weeks[segment:max(segment, r - rules.taper_weeks)] or build
        checks = [(r - rules.taper_weeks + k, rules.taper_pct[k]) for k in range(rules.taper_weeks)]
        for t, pct in checks + [(r, rules.taper_pct[-1])]:
            if t < segment or in_past(inst, inst.weeks[t]):  # t < 0: a race too early for its taper
                continue
            checked = inst.weeks[t]
            volume = 100 * week_volume(inst, v, checked)
            known, open_top = _peak(inst, v, build, checked)
            if open_top is None:
                v.hard(model, volume <= _taper_allowance(inst, checked, pct, known), "R8", t + 1)
                continue
            # The peak is the bigger of the two: one literal picks which one the week answers to.
            by_open = model.new_bool_var(f"r8_open_peak(week={t + 1})")
            v.hard(model, volume <= pct * open_top, "R8", t + 1, by_open)
            v.hard(model, volume <= _taper_allowance(inst, checked, pct, known), "R8", t + 1, by_open.Not())
        segment = r + 1


def _peak(inst: Instance, v: Variables, build: tuple[WeekTarget, ...], checked: WeekTarget) -> tuple[int, Expr | None]:
    """The taper peak's two lower bounds: the biggest build week whose volume is known as of the
    day `checked` begins (a week over counts what was run and the runs reported missed since;
    a week that must place every session, its planned volume), and the placed volume of the
    open week periodization planned the biggest (None when even all of it would not be bigger).
    The known one only grows as weeks end, with what they held, so a re-plan of a re-plan reads
    a peak at least as big (harness seed 205: the peak was the one week planned the biggest, a
    week that had lost its long run once the week it had tied with was over, and the re-plan of
    the re-plan, with nothing new, dropped a taper long run the first re-plan kept)."""
    if not build:
        return inst.profile.weekly_minutes, None
    as_of = first_day(inst, checked)
    known, top, top_planned, top_most = 0, None, -1, 0
    for w in build:
        if in_past(inst, w):
            known = max(known, inst.history.done_minutes.get(w.index, 0),
                        sum(m for _, m in inst.history.known_runs(w.index, as_of)))
            continue
        if not flexible(inst, w):  # every planned session placed: its volume is its plan
            known = max(known, w.run_minutes)
        elif w.run_minutes > top_planned:  # the first of the biggest, as periodization planned them
            top, top_planned, top_most = w, w.run_minutes, w.run_minutes + inst.history.done_minutes.get(w.index, 0)
    return known, (week_volume(inst, v, top) if top is not None and top_most > known else None)


def _taper_allowance(inst: Instance, week: WeekTarget, pct: int, peak: Expr) -> Expr:
    """100 × the minutes R8 lets a taper or race week hold: pct of the peak, and never less than
    what was already run in it (what was run is run; nothing more is added)."""
    if isinstance(peak, int):
        return max(pct * peak, 100 * inst.history.done_minutes.get(week.index, 0))
    return pct * peak


def r9_injury(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """R9 (Hard): "Seek a healthcare professional's advice if you sustain an injury"; "Programmes are
    more effective if targeted towards areas of weakness/deficits … being assessed by a
    physiotherapist". From the injury until it is cleared only the physiotherapist's rehab sessions
    are placed (option generation keeps every other kind off those days), at most as many a week as
    the programme asks; they are strength sessions for R3, R4 and R5."""
    for week in inst.weeks:
        if week.rehab:
            lits = [v.x[o] for d in week_days(inst, week) for o in v.options(d, [Kind.REHAB])]
            v.hard(model, sum(lits) <= week.rehab, "R9", week.index)
    return []


def r10_consecutive_days(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """R10 (Hard): "Ensure you factor in rest days" / "you can risk overloading your tissues".

    Any max_consecutive_days + 1 consecutive days, across week boundaries, hold a rest day."""
    span = inst.profile.rules.max_consecutive_days + 1
    days = sorted(v.rest)
    for i in range(len(days) - span + 1):
        v.hard(model, sum(v.rest[d] for d in days[i:i + span]) >= 1, "R10", days[i + span - 1] // 7 + 1)
    if v.scope.trained_before:  # the days trained just before count towards the first window
        first = days[:span - v.scope.trained_before]
        v.hard(model, sum(v.rest[d] for d in first) >= 1, "R10", days[0] // 7 + 1)
    return []


def r11_long_run(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """R11 (Hard): "Build slowly alongside increasing running distance/mileage" — the long run, the
    week's biggest single load, gets its own ramp.

    A long run is at most long_ramp_min minutes or long_ramp_pct % (whichever allows more) longer
    than the longest long run of the three plan weeks before it (weeks before the plan hold the
    runner's current long run), and in a week of three runs or more at most long_share_max % of
    the week's running. Periodization plans the long runs this way; here the rule binds the weeks
    whose sessions may be left out (a dropped long run lowers the reference of the weeks after
    it) and checks the planned ones (constants)."""
    if v.scope.volumes_checked:
        return []
    rules = inst.profile.rules
    pre = current_long_run(inst.profile)
    longs: list[list[tuple[int, Expr]]] = [[(pre, 1)]] * PRE_PLAN_WEEKS
    for week in inst.weeks:
        here = _week_longs(inst, v, week)
        target = week.runs[Kind.LONG][0] if week.runs[Kind.LONG] else 0
        if target and not in_past(inst, week) and not inst.history.done_long(week.index):
            placed = _long_placed(inst, v, week)
            known = _known_longs(inst, week, longs)
            window = [c for w in known[-PRE_PLAN_WEEKS:] for c in w]
            if any(_sure(lit) and long_allowed(m, rules) >= target for m, lit in window):
                pass  # a long run already run (or planned for sure) is reference enough
            elif not window:  # three weeks without a long run: R11's restart, from the last one before
                last = _last_possible([c for w in known[:-PRE_PLAN_WEEKS] for c in w])
                restart = long_allowed(rules.restart_pct * last // 100, rules)
                v.hard(model, placed * target <= restart, "R11", week.index)
            else:
                enough = [lit for m, lit in window if long_allowed(m, rules) >= target]
                v.hard(model, placed <= sum(enough), "R11", week.index)
            _long_share(inst, model, v, week, target)
        elif inst.history.done_long(week.index) and not in_past(inst, week) and flexible(inst, week):
            _done_long_share(inst, model, v, week)
        longs.append(here)
    return []


def _known_longs(inst: Instance, week: WeekTarget, longs: list[list[tuple[int, Expr]]]
                 ) -> list[list[tuple[int, Expr]]]:
    """R11's long runs before `week` as known when it began: a long run of a week already over
    that was reported missed on or after the week's first day still counts."""
    if not inst.history.missed_runs:
        return longs
    as_of, known = first_day(inst, week), list(longs)
    for j, w in enumerate(inst.weeks[:week.index - 1]):
        if in_past(inst, w):
            m = max((m for k, m in inst.history.known_runs(w.index, as_of) if k is Kind.LONG), default=0)
            known[PRE_PLAN_WEEKS + j] = [(m, 1)] if m else []
    return known


def _done_long_share(inst: Instance, model: cp_model.CpModel, v: Variables, week: WeekTarget) -> None:
    """R11's share for a long run already run: the week's other runs are not left out so far that
    it becomes more than long_share_max % of the week, as known when it was run (a run missed
    later still counts)."""
    h, share = inst.history, inst.profile.rules.long_share_max
    long_run, day = h.done_long(week.index), h.done_long_day.get(week.index, first_day(inst, week))
    late = [m for _, m, reported in h.missed_runs.get(week.index, ()) if reported >= day]
    runs: Expr = sum(v.x[o] for d in week_days(inst, week) for o in v.options(d, RUN_KINDS))
    runs += len(h.done_runs.get(week.index, ())) + len(late)
    three = model.new_bool_var(f"r11_three_runs(week={week.index})")
    model.add(runs <= 2 + 7 * three)
    v.hard(model, 100 * long_run <= share * (week_volume(inst, v, week) + sum(late)), "R11", week.index, three)


def _sure(lit: Expr) -> bool:
    return isinstance(lit, int) and lit == 1


def _last_possible(entries: list[tuple[int, Expr]]) -> int:
    """The smallest value "the last long run before" can take: any of the latest entries that
    may be left out, back to the latest one that is sure (sound for R11's restart)."""
    values = []
    for minutes, lit in reversed(entries):
        values.append(minutes)
        if _sure(lit):
            break
    else:
        values.append(0)
    return min(values)


def _week_longs(inst: Instance, v: Variables, week: WeekTarget) -> list[tuple[int, Expr]]:
    """The week's long run as (minutes, placed: 1, 0 or a literal) for R11's reference."""
    done = inst.history.done_long(week.index)
    if done or in_past(inst, week):
        return [(done, 1)] if done else []
    if not week.runs[Kind.LONG]:
        return []
    return [(week.runs[Kind.LONG][0], _long_placed(inst, v, week))]


def _long_placed(inst: Instance, v: Variables, week: WeekTarget) -> Expr:
    if not flexible(inst, week):
        return 1
    return sum(v.x[o] for d in week_days(inst, week) for o in v.options(d, [Kind.LONG]))


def _long_share(inst: Instance, model: cp_model.CpModel, v: Variables, week: WeekTarget, target: int) -> None:
    """R11: in a week of three runs or more the long run is at most long_share_max % of it, the
    week as known when the long run begins: a run missed and reported on the long run's day or
    later still counts (the checker's runs_of(week, day); harness seed 209: a miss reported on the
    long run's own day left two runs, the share unchecked, and the checker counted three). One
    constraint for each set of misses still to be reported, binding when the long run is placed
    on a day that set is the one known on (a week without misses: one, for every day)."""
    share = inst.profile.rules.long_share_max
    volume = week_volume(inst, v, week)
    missed = inst.history.missed_runs.get(week.index, ())
    if not flexible(inst, week) and not missed:
        count = sum(len(r) for r in week.runs.values())
        v.hard(model, count < 3 or 100 * target <= share * volume, "R11", week.index)
        return
    runs: Expr = sum(v.x[o] for d in week_days(inst, week) for o in v.options(d, RUN_KINDS))
    runs += len(inst.history.done_runs.get(week.index, ()))
    by_late: dict[tuple[int, ...], list[int]] = {}
    for day in week_days(inst, week):
        by_late.setdefault(tuple(m for _, m, reported in missed if reported >= day), []).append(day)
    for late, days in by_late.items():
        on: Expr = sum(v.x[o] for d in days for o in v.options(d, [Kind.LONG]))
        three = model.new_bool_var(f"r11_three_runs(week={week.index}, late={len(late)})")
        model.add(runs + len(late) <= 2 + (7 + len(late)) * three)  # a week's days hold 7 runs, and the misses
        v.hard(model, 100 * target * on - share * (volume + sum(late)) <= 100 * target * (1 - three), "R11",
               week.index)


def r12_hard_days_apart(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """R12 (Hard): "a 24-48-hour rest period between the same session"; "you can risk overloading
    your tissues".

    Hard runs (quality, long, race) never fall on consecutive calendar days, across week
    boundaries too: the hard options of a day and the next are at most one. Two long runs, or a
    long run and a race, start at least LONG_APART_DAYS calendar days apart: the long options
    of any such span of days are at most one. Fixed sessions (races, sessions done) exclude
    the options next to them."""
    for day in sorted(v.by_day):
        pair = v.options(day, HARD_RUNS) + v.options(day + 1, HARD_RUNS)
        if v.options(day, HARD_RUNS) and v.options(day + 1, HARD_RUNS):
            v.at_most_one(model, [v.x[o] for o in pair], "R12", day // 7 + 1)
        span = [o for d in range(day, day + LONG_APART_DAYS) for o in v.options(d, [Kind.LONG])]
        if len({o.day for o in span}) > 1:
            v.at_most_one(model, [v.x[o] for o in span], "R12", day // 7 + 1)
    for o in near_fixed_r12(inst, v):
        v.hard(model, v.x[o] == 0, "R12", o.day // 7 + 1)
    return []


def near_fixed_r12(inst: Instance, v: Variables) -> Iterable[Option]:
    """R12: hard options on the days next to a fixed hard session; long options within
    LONG_APART_DAYS of a fixed long run or race."""
    for f in inst.fixed:
        if not f.kind.is_hard:
            continue
        day = fixed_day(inst, f)
        for other in (day - 1, day + 1):
            yield from v.options(other, HARD_RUNS)
        if f.kind in (Kind.LONG, Kind.RACE):
            for other in range(day - LONG_APART_DAYS + 1, day + LONG_APART_DAYS):
                yield from v.options(other, [Kind.LONG])


def r13_strength_before_key(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """R13 (Hard): "Leave at least 8 hours between a run and a resistance training session";
    "adding in more training to your schedule isn't always helpful".

    From the end of a strength (or rehab) session to the start of the next long run, quality run
    or race: at least strength_before_key_hours. A strength option excludes the key-run options of
    the same and next three days that start after it and before its end plus the gap (a day holds
    one run, so each day's clashes are one at-most-one row). Strength after a key run the same day
    (R3's 8 h later) is untouched: that is the pattern the rule aims for."""
    gap = inst.profile.rules.strength_before_key_hours * 60
    for day in v.by_day:
        strength = v.options(day, STRENGTH_KINDS)
        if not strength:
            continue
        week = day // 7 + 1
        same = v.by_start(day, HARD_RUNS).options
        for s in strength:
            with_ranges(model, v, s, [((day, HARD_RUNS, "start"), same, s.start, s.end + gap)], "R13", week)
        for ahead in (1, 2, 3):  # a later day's key runs start after s: the clashes are a prefix
            later = v.by_start(day + ahead, HARD_RUNS)
            prefix_cliques(model, v, strength, later.options, lambda s: bisect_left(later.keys, s.end + gap), "R13", week,
                            (day + ahead, HARD_RUNS, "start"))
    for o in near_fixed_r13(inst, v):
        v.hard(model, v.x[o] == 0, "R13", o.day // 7 + 1)
    return []


def near_fixed_r13(inst: Instance, v: Variables) -> Iterable[Option]:
    """R13: strength options ending too soon before a fixed key run or race; key-run options
    starting too soon after a fixed strength or rehab session."""
    gap = inst.profile.rules.strength_before_key_hours * 60
    for f in inst.fixed:
        day = max(0, f.start // 1440)
        if f.kind.is_hard:
            for other in range(day - 3, day + 1):
                yield from (o for o in v.options(other, STRENGTH_KINDS) if o.start <= f.start < o.end + gap)
        elif f.kind.is_strength:
            for other in range(day, day + 4):
                yield from (o for o in v.options(other, HARD_RUNS) if f.start <= o.start < f.end + gap)


def availability(inst: Instance, model: cp_model.CpModel, v: Variables) -> Terms:
    """Hard: sessions start and end inside availability windows (only such options exist) and
    never overlap busy time plus the buffer."""
    for o in overlapping_busy(inst, v):
        v.hard(model, v.x[o] == 0, "busy", o.day // 7 + 1)
    return []


HARD_RULES: tuple[Rule, ...] = (
    r1_strength_per_week,
    r2_replace_dont_add,
    one_run_and_one_strength_a_day,
    r3_run_strength_gap,
    r4_same_session_recovery,
    r5_rest_days,
    r6_build_slowly,
    r8_race_preparation,
    r9_injury,
    r10_consecutive_days,
    r11_long_run,
    r12_hard_days_apart,
    r13_strength_before_key,
    availability,
)
