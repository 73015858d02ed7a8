"""Readiness offers (solver/offers.py): the smallest change of each kind, and no offer that is the
same delay as another with more sessions on top (a bigger change the runner gains nothing from)."""

from __future__ import annotations

import re

from conftest import BASE_PROFILE, EVERY_DAY, STAMP, generated_runners, profile_text
from solver.check import check_calendar
from solver.errors import RuncalError
from solver.ics import plan_to_ical
from solver.offers import _later, _later_with_more_sessions, _undominated, offer
from solver.profile import load_profile, parse_profile
from solver.solve import busy_for, make_plan, variants_planned

FIVE_K = '\n[[race]]\nname = "Park 5k"\ndate = 2027-01-31\ndistance = "5k"\n'
LATER = re.compile(r"^race on \S+ \((\d+) weeks later\)(?:, with (\d+) sessions a week)?")
MORE = re.compile(r"^(\d+) sessions a week")


def _delays(offers: tuple[str, ...]) -> tuple[int | None, int | None, list[tuple[int, int]]]:
    """The later race's delay, the more-sessions offer's sessions, and each later-with-more-sessions
    offer's (delay, sessions)."""
    alone, sessions, both = None, None, []
    for line in offers:
        if (m := LATER.match(line)) is not None:
            if m.group(2):
                both.append((int(m.group(1)), int(m.group(2))))
            else:
                alone = int(m.group(1))
        elif (m := MORE.match(line)) is not None:
            sessions = int(m.group(1))
    return alone, sessions, both


def _checked(plan, source: str, busy=()) -> None:
    violations = check_calendar(plan_to_ical(plan, STAMP), plan.profile, source, busy)
    assert not violations, "\n".join(map(str, violations))


def test_a_later_race_is_not_offered_again_with_more_sessions():
    """The 4-week, every-day-open profile with a 5k out of reach (120 min a week, the 5k wants 210):
    16 weeks later gets it ready; '16 weeks later, with 5 sessions a week' was offered beside it,
    and its placement check was half the plan's CPU."""
    text = profile_text(BASE_PROFILE, EVERY_DAY) + FIVE_K
    plan = make_plan(parse_profile(text, "five.toml"), offers=True)
    _checked(plan, "five.toml")
    (race,) = plan.readiness
    assert not race.ready
    alone, _, both = _delays(race.offers)
    assert alone == 16, race.offers
    assert both == [], race.offers


def test_the_later_with_more_sessions_kind_tries_only_smaller_delays():
    """Its pair, on the kind itself: without the filter the kind's variants reach the later race's
    own delay and beyond; with it, each moves the race less than the later race alone needs."""
    profile = parse_profile(profile_text(BASE_PROFILE, EVERY_DAY) + FIVE_K, "five.toml")
    (race,) = profile.races
    weeks_of, _ = variants_planned(())
    every = _later_with_more_sessions(profile, race)
    kept = _undominated(every, profile, race, weeks_of, {})
    assert max(v.later for v in every) >= 16
    assert kept and all(v.later < 16 for v in kept)
    assert {v.later for v in _later(profile, race)} >= {v.later for v in kept}


def test_the_same_sessions_a_week_with_a_later_race_is_not_offered_beside_them(tmp_path):
    """Generated runner 6 (6 sessions a week, its goal race out of reach): '7 sessions a week' gets
    it ready, and '2 weeks later, with 7 sessions a week' was offered beside it."""
    path = generated_runners(tmp_path, 6)[5]
    profile = load_profile(path)
    busy = busy_for(profile)
    plan = make_plan(profile, busy, offers=True)
    _checked(plan, str(path), busy)
    (race,) = [r for r in plan.readiness if r.offers]
    _, sessions, both = _delays(race.offers)
    assert sessions == profile.sessions_per_week + 1, race.offers
    assert both == [], race.offers


def test_generated_runners_offers_never_repeat_a_delay_with_more_sessions(tmp_path):
    """Generated runners whose goal race is out of reach: a later-with-more-sessions offer moves the
    race less than the later-race offer (when there is one), and every plan keeps every rule."""
    compared = 0
    for path in generated_runners(tmp_path, 24):
        profile = load_profile(path)
        busy = busy_for(profile)
        try:
            plan = make_plan(profile, busy, offers=True)
        except RuncalError:
            continue
        _checked(plan, str(path), busy)
        for r in plan.readiness:
            alone, sessions, both = _delays(r.offers)
            compared += bool(r.offers)
            assert all(alone is None or later < alone for later, _ in both), r.offers
            assert all(sessions is None or more < sessions for _, more in both), r.offers
    assert compared >= 3, "too few races out of reach: nothing compared"


def test_offer_of_the_kind_is_the_smallest_that_works():
    """offer() of the later kind on the 5k profile: the first delay ready on paper (and placed)."""
    profile = parse_profile(profile_text(BASE_PROFILE, EVERY_DAY) + FIVE_K, "five.toml")
    (race,) = profile.races
    weeks_of, verify = variants_planned(())
    line = offer(0, profile, race, weeks_of, verify)
    assert line is not None and line.startswith("race on 2027-05-23 (16 weeks later): ready"), line
