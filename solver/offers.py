"""When a race is out of reach: changes the runner could make, each planned before it is offered.

For a race the plan does not get ready (solver/readiness.py), the variants tried are, in order:
the race later (a few weeks at a time), a shorter distance on the same day, and one or two more
sessions a week. A variant is offered only if planning it gets the race ready: its weeks are
planned (periodization with the same calendars, or from what was already run after a re-plan)
and, for a new plan, a placement keeping every hard rule is found (a CP-SAT feasibility solve
within a small deterministic budget). Run/walk for the race itself is not offered: no source we
have gives readiness numbers for a run/walk race.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from .domain import DISTANCES, Kind, Profile, Race, WeekTarget
from .errors import RuncalError
from .readiness import RaceReadiness, WeekLoad, assess_loads

LATER_WEEKS = (2, 4, 6, 8, 12, 16, 20, 26)  # how much later a race is tried
MORE_SESSIONS = (1, 2, 3)
MAX_SESSIONS = 14  # the profile's bound on sessions_per_week
MOST_OFFERS = 3
FEASIBILITY_TIME_LIMIT = 5.0  # CP-SAT deterministic seconds for each variant's placement check

Weeks = Callable[[Profile], tuple[WeekTarget, ...]]  # a variant's planned weeks (may raise RuncalError)
Verify = Callable[[Profile], bool]  # whether a variant's weeks can be placed under every hard rule


@dataclass(frozen=True)
class Variant:
    words: str  # what the runner would change, e.g. "race on 2027-05-09 (8 weeks later)"
    profile: Profile
    race: str  # the race's name in the variant
    later: int = 0  # how many weeks later the race is
    more: int = 0  # how many more sessions a week


def offers_for(profile: Profile, race: Race, weeks_of: Weeks, verify: Verify | None = None,
               done: dict[int, WeekLoad] | None = None, known: Mapping[int, str | None] | None = None) -> tuple[str, ...]:
    """The variants that make `race` ready, in words with their numbers: the smallest that works of
    each kind of change (a later race, a shorter one, more sessions, a later race with more
    sessions), at most MOST_OFFERS. `known`: kinds (indices into KINDS) already worked out (by
    solve.py's child, aside), read only when that kind is reached. When none works, says what
    was tried."""
    found: list[str] = []
    for index in range(len(KINDS)):
        line = known[index] if known is not None and index in known else offer(index, profile, race, weeks_of, verify, done)
        if line is not None:
            found.append(line)
        if len(found) >= MOST_OFFERS:
            break
    if not found:
        found.append(f"none of the changes tried (the race up to {LATER_WEEKS[-1]} weeks later, a shorter distance, "
                     f"up to {MORE_SESSIONS[-1]} more sessions a week, or both) gets it ready")
    return tuple(found)


def offer(index: int, profile: Profile, race: Race, weeks_of: Weeks, verify: Verify | None = None,
          done: dict[int, WeekLoad] | None = None) -> str | None:
    """The smallest change of kind KINDS[index] that gets `race` ready, in words, or None. Readiness
    is read on the variant's planned weeks (cheap), the weeks already over (`done`, after a
    re-plan) as they were run; `verify` then places the first one that is ready before it is offered."""
    variants = KINDS[index](profile, race)
    if KINDS[index] is _later_with_more_sessions:
        variants = _undominated(variants, profile, race, weeks_of, done or {})
    for variant in variants:
        ready = _readiness(variant, weeks_of, done or {})
        if ready is None or not ready.ready:
            continue
        # The smallest change of this kind that is ready on paper: offered if it can be placed.
        if verify is None or verify(variant.profile):
            return (f"{variant.words}: ready (peak week {ready.reached_weekly} of "
                    f"{ready.target.peak_weekly} min, long run {ready.reached_long} of {ready.target.long_run} min)")
        return None
    return None


def needs_offers(r: RaceReadiness) -> bool:
    """An A race out of reach gets offers (a B race is a tune-up: its readiness is only reported)."""
    return not r.ready and r.race.priority == "A"


def out_of_reach(profile: Profile, weeks: tuple[WeekTarget, ...]) -> list[Race]:
    """The races that need offers even with every planned session of `weeks` placed: a plan places
    no more than its weeks plan, so its readiness is no better (whatif and runcal plan start
    working offers out on this, before the plan is solved)."""
    return [r.race for r in assess_loads(profile, weeks[0].monday, target_loads(weeks)) if needs_offers(r)]


def target_loads(weeks: tuple[WeekTarget, ...]) -> dict[int, WeekLoad]:
    """What each week is planned to hold (when every planned session is placed)."""
    return {w.index: WeekLoad(w.index, w.run_minutes, max((m for k in (Kind.LONG, Kind.QUALITY, Kind.EASY)
                                                          for m in w.runs[k]), default=0)) for w in weeks}


def _readiness(variant: Variant, weeks_of: Weeks, done: dict[int, WeekLoad]) -> RaceReadiness | None:
    try:
        weeks = weeks_of(variant.profile)
    except RuncalError:  # the variant is not a valid profile, or its weeks cannot be planned
        return None
    assessed = assess_loads(variant.profile, weeks[0].monday, target_loads(weeks) | done)
    return next((r for r in assessed if r.race.name == variant.race), None)


def _undominated(variants: list[Variant], profile: Profile, race: Race, weeks_of: Weeks,
                 done: dict[int, WeekLoad]) -> list[Variant]:
    """The later-with-more-sessions variants that move the race less than the later race alone
    needs, and add fewer sessions than more sessions alone need (both read on paper): a delay the
    race is ready with alone, with sessions added as well, is a bigger change than one already
    offered ('race 16 weeks later' and '… 16 weeks later, with 5 sessions a week'; '7 sessions a
    week' and '2 weeks later, with 7 sessions a week'). The project's choice: dominance is read on
    paper, like the rest of a kind's search (its first variant ready on paper is the one placed), so
    where the change alone cannot be placed its dominated variants are not tried either. Each
    variant skipped can be a placement check saved (the hostile suite's 4-week profile: half its CPU)."""
    def needed(kind: Callable[[Profile, Race], list[Variant]], amount: Callable[[Variant], int]) -> int | None:
        return next((amount(v) for v in kind(profile, race) if (r := _readiness(v, weeks_of, done)) and r.ready), None)

    later, more = needed(_later, lambda v: v.later), needed(_more_sessions, lambda v: v.more)
    return [v for v in variants if (later is None or v.later < later) and (more is None or v.more < more)]


def _later(profile: Profile, race: Race) -> list[Variant]:
    """The race (and every race after it) some weeks later; the plan ends as much later."""
    found = []
    for weeks in LATER_WEEKS:
        shift = dt.timedelta(weeks=weeks)
        races = tuple(replace(r, date=r.date + shift) if r.date >= race.date else r for r in profile.races)
        moved = replace(profile, races=races, end=profile.end + shift)
        found.append(Variant(f"race on {race.date + shift} ({weeks} weeks later)", moved, race.name, weeks))
    return found


def _shorter(profile: Profile, race: Race) -> list[Variant]:
    found = []
    for distance in reversed(DISTANCES[:DISTANCES.index(race.distance)]):
        races = tuple(replace(r, distance=distance) if r == race else r for r in profile.races)
        found.append(Variant(f"run the {distance} on {race.date} instead", replace(profile, races=races), race.name))
    return found


def _later_with_more_sessions(profile: Profile, race: Race) -> list[Variant]:
    return [Variant(f"{later.words}, with {more.words}", more.profile, race.name, later.later, more.more)
            for later in _later(profile, race) for more in _more_sessions(later.profile, race)]


def _more_sessions(profile: Profile, race: Race) -> list[Variant]:
    return [Variant(f"{profile.sessions_per_week + more} sessions a week (sessions_per_week)",
                    replace(profile, sessions_per_week=profile.sessions_per_week + more), race.name, more=more)
            for more in MORE_SESSIONS if profile.sessions_per_week + more <= MAX_SESSIONS]


KINDS = (_later, _shorter, _more_sessions, _later_with_more_sessions)  # in the order they are offered
