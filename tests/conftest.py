"""Shared helpers: every plan a test makes goes through the independent checker."""

from __future__ import annotations

import datetime as dt
import sys
import textwrap
from pathlib import Path

import pytest

from solver.check import check_calendar
from solver.domain import Plan
from solver.ics import plan_to_ical
from solver.profile import load_profile, parse_profile
from solver.solve import make_plan

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "sample_calendars").glob("*.toml"))
STAMP = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.timezone.utc)

BASE_PROFILE = """
[runner]
name = "Test Runner"
timezone = "Europe/London"
level = "intermediate"
sessions_per_week = 4
weekly_minutes = 120
long_run_day = "sun"

[plan]
start = 2027-01-04
end = 2027-01-31
"""

EVERY_DAY = """
[availability]
mon = ["06:00-21:00"]
tue = ["06:00-21:00"]
wed = ["06:00-21:00"]
thu = ["06:00-21:00"]
fri = ["06:00-21:00"]
sat = ["06:00-21:00"]
sun = ["06:00-21:00"]
"""

# A working week: mornings and evenings, one evening only, longer weekend windows.
MORNINGS_AND_EVENINGS = """
[availability]
mon = ["06:00-08:00", "18:00-21:00"]
tue = ["06:00-08:00", "18:00-21:00"]
wed = ["18:00-21:00"]
thu = ["06:00-08:00", "18:00-21:00"]
fri = ["06:00-08:00", "17:30-20:00"]
sat = ["07:00-12:00", "14:00-18:00"]
sun = ["07:00-13:00"]
"""


def profile_text(*parts: str) -> str:
    """A profile from TOML fragments; later fragments add sections (keep section names unique)."""
    return "\n".join(textwrap.dedent(p) for p in parts)


def plan_checked(text: str, source: str = "test.toml") -> tuple[Plan, bytes]:
    """Plan a profile, write the .ics and assert the independent checker finds nothing."""
    profile = parse_profile(text, source)
    plan = make_plan(profile, time_limit=60)
    data = plan_to_ical(plan, STAMP)
    violations = check_calendar(data, profile, source)
    assert not violations, "\n".join(map(str, violations))
    return plan, data


_sample_cache: dict[str, tuple[Plan, bytes]] = {}


@pytest.fixture(params=SAMPLES, ids=lambda p: p.stem)
def sample_plan(request) -> tuple[Plan, bytes]:
    """Each sample profile, planned once per test session and checked."""
    path = request.param
    if path.name not in _sample_cache:
        plan = make_plan(load_profile(path), time_limit=60)
        data = plan_to_ical(plan, STAMP)
        violations = check_calendar(data, plan.profile, str(path))
        assert not violations, "\n".join(map(str, violations))
        _sample_cache[path.name] = (plan, data)
    return _sample_cache[path.name]


def generated_runners(folder: Path, count: int) -> list[Path]:
    """The benchmark's generated runners (bench/runner_inputs.py: Google-style busy calendars, B
    races), written into `folder`: each profile's .toml beside its calendar."""
    sys.path.insert(0, str(ROOT / "bench"))
    import runner_inputs

    paths = []
    for name, text, calendar in runner_inputs.runner_profiles(count):
        (folder / f"{name}.ics").write_bytes(calendar)
        (folder / f"{name}.toml").write_text(text, "utf-8")
        paths.append(folder / f"{name}.toml")
    return paths
