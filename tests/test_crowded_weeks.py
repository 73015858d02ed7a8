"""The last resort before "no plan" (solve._solved, Instance.drops_anywhere): a week the hard rules
leave no room for all its sessions holds fewer (R2's sessions_per_week is an upper bound), when
it is local (race and taper weeks, or few ordinary weeks: solve._crowded_locally); a conflict that
recurs in ordinary weeks is still refused with its rule and its fix. Each
plan here goes through the independent checker of the profile as the runner wrote it."""

from __future__ import annotations

import pytest
from conftest import plan_checked, profile_text
from test_explain import ONE_A_DAY_TWO_IN_A_ROW, base

from solver.domain import Kind
from solver.errors import NoPlanError
from solver.profile import parse_profile
from solver.solve import CROWDED_WEEKS_SHARE, make_plan

def _profile(end: str) -> str:
    """Five sessions a week, one window a day, two days in a row at most (R10): every third week
    is a session short (tests/test_explain.py's R10 case, there over six weeks)."""
    return profile_text(base(5, end=end), ONE_A_DAY_TWO_IN_A_ROW)


def test_one_week_short_of_a_session_is_planned_with_one_fewer_and_says_why():
    plan, _ = plan_checked(_profile("2027-01-24"))  # three weeks: the third holds four training days
    counts = {w.index: sum(1 for s in plan.sessions if s.week == w.index and s.kind is not Kind.RACE)
              for w in plan.weeks}
    assert counts == {1: 5, 2: 5, 3: 4}
    assert len(plan.dropped) == 1
    note = plan.dropped[0]
    assert note.startswith("week 3 (2027-01-18): 1 ") and "R10" in note and "R2: sessions_per_week" in note


def test_a_session_short_in_too_many_weeks_is_still_refused_with_the_rule():
    # Six weeks, two of them short (3 and 6): more than one in CROWDED_WEEKS_SHARE of the weeks.
    assert 2 > max(1, 6 // CROWDED_WEEKS_SHARE)
    with pytest.raises(NoPlanError) as caught:
        make_plan(parse_profile(_profile("2027-02-14"), "p.toml"), time_limit=30)
    assert "R10" in caught.value.rules and "max_consecutive_days" in str(caught.value)


def test_busy_time_in_every_week_does_not_hide_the_profiles_own_conflict():
    # The six weeks refused above, with a five-minute call every Monday evening: every week is then
    # one busy time cuts into (such weeks could always leave sessions out), yet two ordinary weeks
    # short of a session is still the profile's conflict — judged without the calls, and said so.
    import datetime as dt
    from zoneinfo import ZoneInfo

    from solver.busy import BusyEvent

    london = ZoneInfo("Europe/London")
    calls = tuple(BusyEvent(dt.datetime(2027, 1, 4, 19, 55, tzinfo=london) + dt.timedelta(weeks=k),
                            dt.datetime(2027, 1, 4, 20, 0, tzinfo=london) + dt.timedelta(weeks=k), "Call", "work.ics")
                  for k in range(6))
    with pytest.raises(NoPlanError) as caught:
        make_plan(parse_profile(_profile("2027-02-14"), "p.toml"), calls, time_limit=30)
    assert "R10" in caught.value.rules and "max_consecutive_days" in str(caught.value)


def test_runcal_plan_writes_the_thinner_plan_and_says_which_session_it_left_out(tmp_path):
    from click.testing import CliRunner

    from cli import main

    profile, out = tmp_path / "p.toml", tmp_path / "plan.ics"
    profile.write_text(_profile("2027-01-24"))
    result = CliRunner().invoke(main, ["plan", str(profile), "-o", str(out), "--now", "2026-11-27T08:00:00Z"])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.output.splitlines() if line.startswith("Note: ") and "left out" in line]
    assert len(notes) == 1 and notes[0].startswith("Note: week 3 (2027-01-18): 1 ") and "R10 leave" in notes[0]
    checked = CliRunner().invoke(main, ["check", str(out), "--profile", str(profile)])
    assert checked.exit_code == 0 and checked.output.startswith("OK"), checked.output
