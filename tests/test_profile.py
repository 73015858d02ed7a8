"""Bad profiles get one clear message naming the file, the field and the fix."""

from __future__ import annotations

import pytest
from conftest import BASE_PROFILE, EVERY_DAY, SAMPLES, profile_text

from solver.errors import ProfileError
from solver.profile import load_profile, parse_profile, profile_from_json, profile_json

GOOD = profile_text(BASE_PROFILE, EVERY_DAY)


def _error(text: str) -> str:
    with pytest.raises(ProfileError) as info:
        parse_profile(text, "me.toml")
    return str(info.value)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_samples_load_and_survive_the_json_round_trip(path):
    profile = load_profile(path)
    assert profile_from_json(profile_json(profile), str(path)) == profile


def test_builtin_sample_loads():
    assert load_profile(None).races


@pytest.mark.parametrize("text, expected", [
    ("[runner\nname=1", "me.toml: not valid TOML"),
    (GOOD + "\n[extra]\nx = 1\n", "me.toml: extra: unknown section"),
    (GOOD.replace('name = "Test Runner"', 'name = "T"\nshoe = 1'), "me.toml: runner.shoe: unknown field"),
    (GOOD.replace("Europe/London", "Mars/Olympus"), "me.toml: runner.timezone: unknown time zone 'Mars/Olympus'"),
    (GOOD + "\n[rules]\nramp_pct = 30\n", "me.toml: rules.ramp_pct: 30 is outside the allowed range [0, 20] (R6)"),
    (GOOD + "\n[rules]\nrecovery_hours = 12\n", "rules.recovery_hours: 12 is outside the allowed range [24, 48] (R4)"),
    (GOOD + "\n[rules]\nstrength_max = 3\n", "rules.strength_max: 3 is outside the allowed range [1, 2] (R1)"),
    (GOOD + "\n[rules]\nstrength_min = 2\nstrength_max = 1\n", "rules.strength_min: 2 is above strength_max 1 (R1)"),
    (GOOD + "\n[rules]\ntaper_weeks = 3\n", None),
    (GOOD + "\n[rules]\ntaper_pct = [60, 80]\n", "rules.taper_pct"),
    (GOOD.replace("end = 2027-01-31", "end = 2026-12-01"), "me.toml: plan.end: 2026-12-01 is before plan.start"),
    (GOOD.replace('level = "intermediate"', 'level = "pro"'), "runner.level: 'pro' is not allowed. Fix: use one of: beginner"),
    (GOOD.replace('"06:00-21:00"', '"21:00-06:00"', 1), "availability.mon: window '21:00-06:00' ends before it starts"),
    (GOOD.replace('"06:00-21:00"', '"6am"', 1), "availability.mon: '6am' is not a time window"),
    (profile_text(BASE_PROFILE, '[availability]\nmon = ["06:00-06:10"]\n'), "no window is long enough"),
    (GOOD.replace("weekly_minutes = 120", "weekly_minutes = 5"), "runner.weekly_minutes: 5 is outside"),
    (GOOD + '\n[[race]]\ndate = 2027-05-01\ndistance = "10k"\n', "race[0].date: 2027-05-01 lies outside the plan"),
    (GOOD + '\n[[race]]\ndate = 2027-01-20\ndistance = "ultra"\n', "race[0].distance: 'ultra' is not allowed"),
])
def test_bad_profiles_name_file_field_and_fix(text, expected):
    if expected is None:  # taper_weeks = 3 without taper_pct takes the 3-week default
        assert parse_profile(text, "me.toml").rules.taper_pct == (85, 70, 60)
        return
    message = _error(text)
    assert expected in message
    assert "Fix:" in message and "\n" not in message


def test_level_sets_rule_defaults():
    beginner = parse_profile(GOOD.replace('"intermediate"', '"beginner"'), "b.toml")
    assert (beginner.rules.recovery_hours, beginner.rules.rest_days_min) == (48, 2)
    advanced = parse_profile(GOOD.replace('"intermediate"', '"advanced"'), "a.toml")
    assert (advanced.rules.recovery_hours, advanced.rules.rest_days_min) == (24, 1)


def test_missing_file():
    with pytest.raises(ProfileError, match="nope.toml: file not found"):
        load_profile("nope.toml")
