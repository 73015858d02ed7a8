"""One test per rule: the smallest profile that tempts the solver to break it.

Each plan is verified by the independent checker (`plan_checked`), then the test looks at the
very thing the temptation was about, so a model that dropped the rule would fail here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from conftest import BASE_PROFILE, EVERY_DAY, plan_checked, profile_text

from solver.domain import Kind


def _weeks(plan):
    by_week: dict[int, list] = {}
    for s in plan.sessions:
        by_week.setdefault(s.week, []).append(s)
    return by_week


def _gap_hours(a, b) -> float:
    first, second = sorted((a, b), key=lambda s: s.start)
    return (second.start - first.end).total_seconds() / 3600


def test_r1_strength_sessions_each_week_within_bounds():
    # Eight sessions a week and room everywhere: a solver free to add strength would.
    text = profile_text(BASE_PROFILE.replace("sessions_per_week = 4", "sessions_per_week = 8"), EVERY_DAY,
                        "[rules]\nstrength_min = 1\nstrength_max = 2\nstrength_intro_weeks = 1\n")
    plan, _ = plan_checked(text)
    counts = [sum(s.kind is Kind.STRENGTH for s in week) for week in _weeks(plan).values()]
    assert counts[0] == 1  # R6 intro week at strength_min
    assert all(1 <= c <= 2 for c in counts)
    assert 2 in counts


def test_r2_strength_replaces_a_run():
    plan, _ = plan_checked(profile_text(BASE_PROFILE, EVERY_DAY, "[rules]\nstrength_intro_weeks = 0\n"))
    for week in _weeks(plan).values():
        kinds = Counter(s.kind for s in week)
        assert sum(kinds.values()) <= 4
        runs = sum(n for k, n in kinds.items() if k.is_run)
        assert runs == 4 - kinds[Kind.STRENGTH]


def test_r3_run_and_strength_on_one_day_are_8_hours_apart():
    # Three free days for four sessions forces a double day; wishing for strength at 09:00 right
    # after a 07:00 run tempts the solver to put them back to back.
    text = profile_text(BASE_PROFILE, """
        [availability]
        tue = ["06:00-21:00"]
        thu = ["06:00-21:00"]
        sat = ["06:00-21:00"]

        [preferences]
        run_time = "07:00"
        strength_time = "09:00"
        """)
    plan, _ = plan_checked(text)
    doubles = 0
    for week in _weeks(plan).values():
        runs = [s for s in week if s.kind.is_run]
        strength = [s for s in week if s.kind is Kind.STRENGTH]
        for s in strength:
            for r in runs:
                assert _gap_hours(s, r) >= 8
                doubles += r.start.date() == s.start.date()
    assert doubles >= 1


def test_r4_hard_runs_and_strength_respect_recovery_hours():
    # Only a Saturday and Sunday to run on: long and quality runs would love to sit back to back.
    text = profile_text(BASE_PROFILE.replace("level = \"intermediate\"", "level = \"advanced\""), """
        [availability]
        fri = ["06:00-21:00"]
        sat = ["06:00-21:00"]
        sun = ["06:00-21:00"]
        mon = ["06:00-21:00"]

        [rules]
        recovery_hours = 36
        """)
    plan, _ = plan_checked(text)
    hard = sorted((s for s in plan.sessions if s.kind.is_hard), key=lambda s: s.start)
    strength = sorted((s for s in plan.sessions if s.kind is Kind.STRENGTH), key=lambda s: s.start)
    assert len(hard) >= 4
    for group in (hard, strength):
        for a, b in zip(group, group[1:]):
            assert _gap_hours(a, b) >= 36


def test_r5_rest_days_every_week():
    text = profile_text(BASE_PROFILE.replace("sessions_per_week = 4", "sessions_per_week = 6"), EVERY_DAY,
                        "[rules]\nrest_days_min = 2\n")
    plan, _ = plan_checked(text)
    for week in plan.weeks:
        used = {s.start.date() for s in plan.sessions if s.week == week.index}
        assert 7 - len(used) >= 2


def test_r6_volume_ramps_by_at_most_ramp_pct_and_cuts_back():
    text = profile_text(BASE_PROFILE.replace("2027-01-31", "2027-03-28"), EVERY_DAY, """
        [[race]]
        date = 2027-03-28
        distance = "marathon"
        """, "[rules]\nramp_pct = 5\ncutback_every = 3\n")
    plan, _ = plan_checked(text)
    volumes = [120] + [sum(s.minutes for s in plan.sessions if s.week == w.index and s.kind in
                           (Kind.EASY, Kind.LONG, Kind.QUALITY)) for w in plan.weeks]
    assert max(volumes[1:]) > volumes[0]  # it does build
    assert volumes[1] * 100 <= 105 * volumes[0]
    assert any(10 * volumes[i] <= 8 * volumes[i - 1] for i in (1, 2, 3))  # cutback within 3 weeks


def test_r8_no_strength_near_race_and_taper_cuts_volume():
    text = profile_text(BASE_PROFILE.replace("2027-01-31", "2027-02-28"), EVERY_DAY, """
        [[race]]
        name = "Test 10K"
        date = 2027-02-24
        distance = "10k"
        start_time = "19:00"

        [preferences]
        strength_time = "18:00"
        """)
    plan, _ = plan_checked(text)
    race_day = dt.date(2027, 2, 24)
    races = [s for s in plan.sessions if s.kind is Kind.RACE]
    assert [r.start.date() for r in races] == [race_day]
    assert races[0].start.time() == dt.time(19, 0)
    for s in plan.sessions:
        if s.kind is Kind.STRENGTH:
            assert not -4 <= (s.start.date() - race_day).days <= 1
    taper = [w for w in plan.weeks if w.period == "taper"]
    assert taper and all(w.run_minutes < max(x.run_minutes for x in plan.weeks) for w in taper)


def test_r10_no_more_consecutive_days_than_allowed_across_weeks():
    text = profile_text(BASE_PROFILE.replace("sessions_per_week = 4", "sessions_per_week = 5"), EVERY_DAY,
                        "[rules]\nmax_consecutive_days = 2\nrest_days_min = 1\n")
    plan, _ = plan_checked(text)
    days = sorted({s.start.date() for s in plan.sessions})
    run = longest = 1
    for a, b in zip(days, days[1:]):
        run = run + 1 if (b - a).days == 1 else 1
        longest = max(longest, run)
    assert longest <= 2


def test_availability_sessions_inside_windows():
    text = profile_text(BASE_PROFILE, """
        [availability]
        mon = ["06:15-07:30"]
        wed = ["19:00-21:00"]
        fri = ["12:00-13:15"]
        sat = ["08:00-11:00"]
        sun = ["08:00-11:00"]

        [durations]
        strength = 40
        """)
    plan, _ = plan_checked(text)
    windows = {0: (6 * 60 + 15, 7 * 60 + 30), 2: (19 * 60, 21 * 60), 4: (12 * 60, 13 * 60 + 15),
               5: (8 * 60, 11 * 60), 6: (8 * 60, 11 * 60)}
    for s in plan.sessions:
        lo, hi = windows[s.start.weekday()]
        start = s.start.hour * 60 + s.start.minute
        assert lo <= start and start + s.minutes <= hi
        assert s.start.minute % 15 == 0  # the 15-minute grid
