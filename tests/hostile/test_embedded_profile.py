"""The embedded profile (X-RUNCAL-PROFILE) is read by the profile reader itself (issue 16), so every
field a profile may hold must come back from profile_json exactly — R11-R13's long run and
strength-before-key parameters, run/walk, the fitness fields, race goal times, busy calendars — and
a JSON the reader rejects must be rejected naming the profile's own field. In-process: this is
about the round trip, not about bounds (test_hostile_plan_state.py runs the commands)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import event, given, settings, strategies as st

from solver.errors import ProfileError
from solver.profile import RULE_BOUNDS, parse_profile, profile_from_json, profile_json

NAMES = ["Sam", "Zoë; O, Brien", "Jo \\\\ co"]  # TOML for Jo \ co: TEXT's special characters
WINDOWS = ["06:00-08:00", "12:00-13:30", "18:00-21:00", "00:00-24:00", "05:15-06:45"]
RULES = {k: v for k, v in RULE_BOUNDS.items() if k not in ("strength_min", "strength_max", "taper_weeks")}


@st.composite
def profile_texts(draw) -> str:
    start = dt.date(2027, 1, 4) + dt.timedelta(days=draw(st.integers(0, 300)))
    weeks = draw(st.integers(3, 30))
    end = start + dt.timedelta(weeks=weeks, days=-1)
    minutes = draw(st.integers(20, 600))
    runner = [f'name = "{draw(st.sampled_from(NAMES))}"',
              f'timezone = "{draw(st.sampled_from(["Europe/London", "America/New_York", "Asia/Kolkata", "UTC"]))}"',
              f'level = "{draw(st.sampled_from(["beginner", "intermediate", "advanced"]))}"',
              f'strength_level = "{draw(st.sampled_from(["beginner", "intermediate", "advanced"]))}"',
              f"sessions_per_week = {draw(st.integers(3, 7))}", f"weekly_minutes = {minutes}",
              f'long_run_day = "{draw(st.sampled_from(["sat", "sun"]))}"',
              f'week_start = "{draw(st.sampled_from(["mon", "sun"]))}"']
    if draw(st.booleans()):
        runner.append(f"long_run_minutes = {draw(st.integers(10, min(300, minutes)))}")
    if draw(st.booleans()):
        runner.append(f"run_walk = {draw(st.sampled_from(['true', 'false']))}")
    if draw(st.booleans()):
        runner.append('recent_race = { distance = "10k", time = "%d:%02d", date = %s }' % (
            draw(st.integers(40, 70)), draw(st.integers(0, 59)), start - dt.timedelta(days=draw(st.integers(0, 400)))))
    if draw(st.booleans()):
        runner += ["max_hr = 190", f"resting_hr = {draw(st.integers(40, 70))}"]
    if draw(st.booleans()):
        runner.append('units = "mile"')
    taper = draw(st.sampled_from([(1, "[60]"), (2, "[80, 60]"), (3, "[85, 70, 60]")]))
    rules = [f"{k}={draw(st.integers(lo, hi))}" for k, (lo, hi, _) in RULES.items() if draw(st.booleans())]
    rules += [f"taper_weeks = {taper[0]}", f"taper_pct = {taper[1]}", "strength_min = 1", "strength_max = 2"]
    lines = ["[runner]", *runner, "[plan]", f"start = {start}", f"end = {end}",
             f'strength_type = "{draw(st.sampled_from(["muscular_endurance", "strength", "power"]))}"',
             "[rules]", *rules, "[durations]", "strength = 60", "[preferences]",
             f'run_time = "{draw(st.integers(5, 9)):02d}:{draw(st.sampled_from([0, 15, 30, 45])):02d}"',
             f"weight_spread = {draw(st.integers(0, 50))}", "[busy]", 'calendars = ["work.ics", "caldav+https://x.test/c/"]',
             f'all_day = "{draw(st.sampled_from(["opaque", "always", "never"]))}"', "[availability]"]
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
        lines.append(f"{day} = {json.dumps(draw(st.lists(st.sampled_from(WINDOWS[:3]), max_size=2, unique=True)))}")
    if draw(st.booleans()):
        lines += ["[[race]]", 'name = "Goal; race"', f"date = {end}", 'distance = "half"', 'start_time = "09:30"',
                  f'goal_time = "{draw(st.integers(1, 2))}:{draw(st.integers(10, 59)):02d}:00"']
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(text=profile_texts())
def test_every_field_survives_the_round_trip_through_the_reader(text):
    try:
        profile = parse_profile(text, "gen.toml")
    except ProfileError as exc:
        event(f"refused: {exc.field}")  # --hypothesis-show-statistics: how often, and why
        return  # a combination the reader refuses: nothing to embed
    event("round trip")
    back = profile_from_json(profile_json(profile), "gen.toml")
    assert back == profile
    assert profile_json(back) == profile_json(profile)


def test_the_round_trip_covers_the_new_fields():
    """Every field issue 17 and R11-R13 added, set away from its default, in one fixed profile."""
    profile = parse_profile("""
        [runner]
        name = "Sam"
        timezone = "Europe/London"
        level = "intermediate"
        strength_level = "advanced"
        sessions_per_week = 5
        weekly_minutes = 200
        long_run_minutes = 75
        run_walk = false
        recent_race = { distance = "10k", time = "48:10", date = 2026-11-01 }
        max_hr = 188
        resting_hr = 52
        threshold_hr = 170
        units = "mile"
        [plan]
        start = 2027-01-04
        end = 2027-03-28
        [rules]
        restart_pct = 60
        long_ramp_min = 15
        long_ramp_pct = 12
        long_share_max = 45
        strength_before_key_hours = 30
        [availability]
        tue = ["06:00-08:00", "18:00-21:00"]
        thu = ["18:00-21:00"]
        sat = ["07:00-11:00"]
        sun = ["07:00-11:00"]
        [[race]]
        name = "Hastings Half"
        date = 2027-03-28
        distance = "half"
        start_time = "10:00"
        goal_time = "1:45:00"
        """.replace("\n        ", "\n"), "full.toml")
    back = profile_from_json(profile_json(profile), "full.toml")
    assert back == profile
    assert (back.long_run_minutes, back.strength_level, back.run_walk, back.fitness.units) == (75, "advanced", False, "mile")
    assert (back.rules.restart_pct, back.rules.long_ramp_min, back.rules.long_ramp_pct, back.rules.long_share_max,
            back.rules.strength_before_key_hours) == (60, 15, 12, 45, 30)
    assert back.fitness.recent_race.seconds == 48 * 60 + 10 and back.races[0].goal_time == 6300
    assert (back.fitness.max_hr, back.fitness.resting_hr, back.fitness.threshold_hr) == (188, 52, 170)


@pytest.mark.parametrize("path, value, field", [
    (["rules", "long_share_max"], 99, "rules.long_share_max"),
    (["rules", "strength_before_key_hours"], 2, "rules.strength_before_key_hours"),
    (["long_run_minutes"], 5, "runner.long_run_minutes"),
    (["run_walk"], "yes", "runner.run_walk"),
    (["fitness", "max_hr"], 400, "runner.max_hr"),
    (["fitness", "units"], "furlong", "runner.units"),
    (["fitness", "recent_race"], {"distance": "10k", "seconds": 1, "date": "2026-11-01"}, "runner.recent_race.time"),
    (["strength_level"], "expert", "runner.strength_level"),
    (["busy"], [""], "busy.calendars"),
    (["availability", "mon"], [{"start": 600, "end": 500}], "availability.mon"),
    (["preferences", "run_time"], 5000, "preferences.run_time"),
])
def test_a_bad_embedded_value_is_named_by_its_profile_field(path, value, field):
    profile = parse_profile("""[runner]\nname = "Sam"\ntimezone = "Europe/London"\nsessions_per_week = 4
weekly_minutes = 150\nrecent_race = { distance = "10k", time = "50:00", date = 2026-11-01 }\nmax_hr = 190
[plan]\nstart = 2027-01-04\nend = 2027-02-28\n[availability]\nmon = ["18:00-21:00"]\nwed = ["18:00-21:00"]
sat = ["08:00-12:00"]\nsun = ["08:00-12:00"]\n""", "p.toml")
    data = json.loads(profile_json(profile))
    table = data
    for key in path[:-1]:
        table = table[key]
    table[path[-1]] = value
    with pytest.raises(ProfileError) as err:
        profile_from_json(json.dumps(data), "plan.ics")
    assert err.value.field == field and err.value.source == "plan.ics X-RUNCAL-PROFILE", str(err.value)
