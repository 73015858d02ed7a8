"""options.free_days (which weeks busy time takes whole days from, so periodization plans fewer
runs there) against its definition read off the options themselves: every run option of the
week, with the ones busy time overlaps taken away. free_days looks only at each week's shortest
run (a longer run that fits and misses busy time at a start means the shorter does too), which
is what makes the readiness offers' variants cheap to plan; the two must agree everywhere."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo
from collections import defaultdict

import pytest

from conftest import ROOT, SAMPLES, generated_runners
from solver.busy import BusyEvent, read_busy
from solver.instance import History, build_instance
from solver.options import free_days, overlapping_busy, session_options
from solver.periodization import week_targets
from solver.profile import load_profile, parse_profile
from solver.solve import busy_for
from solver.variables import indexed


def by_options(inst) -> dict[int, frozenset[int]]:
    """The definition: days with a run option, against days with one busy time leaves."""
    options = [o for o in session_options(inst) if o.kind.is_run]
    blocked = set(overlapping_busy(inst, indexed(options)))
    windows, free = defaultdict(set), defaultdict(set)
    for o in options:
        windows[o.day // 7 + 1].add(o.day % 7)
        if o not in blocked:
            free[o.day // 7 + 1].add(o.day % 7)
    return {w: frozenset(free[w]) for w, days in windows.items() if free[w] != days}


def test_free_days_of_generated_runners_with_google_calendars(tmp_path):
    nonempty = 0
    for path in generated_runners(tmp_path, 40):
        profile = load_profile(path)
        inst = build_instance(profile, week_targets(profile), busy_for(profile))
        assert free_days(inst) == by_options(inst), path.name
        nonempty += bool(by_options(inst))
    assert nonempty >= 20, "too few runners lose whole days to busy time: the test compares empty results"


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_free_days_of_the_samples(path, tmp_path):
    profile = load_profile(path)
    busy = busy_for(profile) or read_busy([ROOT / "sample_calendars" / "busy_google_export.ics"],
                                          profile.timezone, week_targets(profile)[0].monday, profile.end)
    inst = build_instance(profile, week_targets(profile), busy)
    assert free_days(inst) == by_options(inst)


def test_free_days_around_injury_and_today(tmp_path):
    """A re-plan's instance: no run before today, none on injury days (R9) — whole days either way."""
    path = generated_runners(tmp_path, 1)[0]
    profile = load_profile(path)
    inst = build_instance(profile, week_targets(profile), busy_for(profile))
    history = History(first_open_day=10, injury_days=frozenset(range(20, 31)))
    inst = dataclasses.replace(inst, history=history)
    assert free_days(inst) == by_options(inst)
    assert 2 not in free_days(inst) or free_days(inst)[2] <= frozenset({3, 4, 5, 6})


def test_free_days_across_the_clocks_changing():
    """Busy evenings in the week the clocks go forward (a 23-hour day: no plain day arithmetic)."""
    text = (ROOT / "sample_calendars" / "intermediate_half.toml").read_text("utf-8")
    profile = parse_profile(text, "half.toml")
    weeks = week_targets(profile)
    dst_week = next(w for w in weeks if dt.date(2027, 3, 28) in w.days)
    zone = ZoneInfo(profile.timezone)
    busy = tuple(BusyEvent(dt.datetime.combine(d, dt.time(5), zone), dt.datetime.combine(d, dt.time(23), zone), "away", "test")
                 for d in dst_week.days[1:])  # Monday free: the week keeps a day
    inst = build_instance(profile, weeks, busy)
    assert free_days(inst) == by_options(inst)
    assert free_days(inst).get(dst_week.index) is not None
