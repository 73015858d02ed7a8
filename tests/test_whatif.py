"""Issue 5: what-if scenarios, the B-race mini taper and race readiness.

Every plan made here goes through the independent checker. The profile is short (5 weeks) and
its windows narrow, so each solve takes a fraction of a second.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

import pytest
from click.testing import CliRunner
from conftest import STAMP

from cli import main
from solver import readiness, whatif
from solver.ramps import fastest_volumes
from solver.check import check_calendar, check_file
from solver.domain import Kind, Plan
from solver.errors import InputError, NoPlanError
from solver.ics import plan_to_ical
from solver.periodization import week_targets
from solver.profile import parse_profile
from solver.solve import make_plan

NOW = "2026-11-27T08:00:00Z"
PROFILE = """
[runner]
name = "What If"
timezone = "Europe/London"
level = "intermediate"
sessions_per_week = 4
weekly_minutes = 100
long_run_day = "sun"

[plan]
start = 2027-01-04

[[race]]
name = "Test Marathon"
date = 2027-02-07
distance = "marathon"
priority = "A"

[availability]
mon = ["06:00-08:00", "18:00-20:00"]
tue = ["06:00-08:00", "18:00-20:00"]
wed = ["06:00-08:00", "18:00-20:00"]
thu = ["06:00-08:00", "18:00-20:00"]
sat = ["07:00-10:00"]
sun = ["07:00-10:00"]
"""
LATER = "later: race=2027-02-28 marathon A"
HALF_FIRST = "half-first: race=2027-01-24 half B; race=2027-03-14 marathon A"
FOUR_WEEKS = "four-weeks: weekly_minutes=60; race=2027-01-31 marathon A"
# 40-minute windows on two mornings: no 45-minute strength session fits anywhere, so R1's
# "1-2 sessions of resistance training per week" cannot hold.
NO_STRENGTH = "no-strength: mon=06:00-06:40; tue=06:00-06:40; wed=none; thu=none; sat=none; sun=none"
SCENARIOS = [LATER, HALF_FIRST, NO_STRENGTH, FOUR_WEEKS]


@pytest.fixture(scope="module")
def base():
    return parse_profile(PROFILE, "whatif.toml")


@pytest.fixture(scope="module")
def profile_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("whatif") / "whatif.toml"
    path.write_text(PROFILE)
    return path


@pytest.fixture(scope="module")
def compared(profile_file):
    """One CLI run of every scenario, as a table and as JSON, with the calendars written."""
    out = profile_file.parent / "calendars"
    args = ["whatif", str(profile_file), *sum((["-s", s] for s in SCENARIOS), []), "--now", NOW,
            "--out-dir", str(out)]
    runner = CliRunner()
    table = runner.invoke(main, args)  # one process per core
    as_json = runner.invoke(main, [*args, "--format", "json", "--jobs", "1"])  # in-process: must match
    assert table.exit_code == 0, table.output
    assert as_json.exit_code == 0, as_json.output
    return table.output, json.loads(as_json.output)["scenarios"], out


def solved(scenario) -> Plan:
    """Plan a scenario and assert the independent checker finds nothing."""
    plan = make_plan(scenario.profile, time_limit=60)
    violations = check_calendar(plan_to_ical(plan, STAMP), scenario.profile, scenario.name)
    assert not violations, "\n".join(map(str, violations))
    return plan


def weekly(plan: Plan) -> dict[int, int]:
    volume = defaultdict(int)
    for s in plan.sessions:
        if s.kind in (Kind.EASY, Kind.LONG, Kind.QUALITY):
            volume[s.week] += s.minutes
    return {w.index: volume[w.index] for w in plan.weeks}


# -- the comparison ----------------------------------------------------------------------------

def test_later_race_allows_a_higher_peak_as_r6_says(base):
    """R6: +ramp_pct a week from weekly_minutes. The race on 2027-02-07 (week 5, taper weeks 3-4)
    leaves 2 build weeks, so no week may exceed 100 · 1.1² = 121 min; three weeks later leaves 5
    build weeks and a higher ceiling, which the plan uses."""
    early = solved(whatif.Scenario("baseline", base))
    late = solved(whatif.parse_scenario(LATER, base))
    ramp = 1 + base.rules.ramp_pct / 100
    for plan, build_weeks in ((early, 2), (late, 5)):
        volumes = weekly(plan)
        peak_week = max(volumes, key=volumes.get)
        assert peak_week <= build_weeks
        assert volumes[peak_week] <= base.weekly_minutes * ramp ** peak_week + 1e-9
    early_peak, late_peak = max(weekly(early).values()), max(weekly(late).values())
    assert early_peak <= base.weekly_minutes * ramp ** 2 < late_peak
    assert late_peak <= base.weekly_minutes * ramp ** 5


def test_marathon_four_weeks_from_60_minutes_is_not_ready(compared):
    table, rows, _ = compared
    row = next(r for r in rows if r["name"] == "four-weeks")
    assert row["feasible"] and row["ready"] is False
    (race,) = row["readiness"]
    target = readiness.target("marathon", "intermediate")
    assert (race["target_weekly_minutes"], race["target_long_run_minutes"]) == (target.peak_weekly, target.long_run)
    assert race["reached_weekly_minutes"] == row["peak_weekly_minutes"] < target.peak_weekly
    assert race["reached_long_run_minutes"] < target.long_run
    assert race["r6_limit_minutes"] == 66  # one build week before the 2-week taper: 60 · 1.1
    summary = (f"Marathon (marathon, A, 2027-01-31): not ready — peak week {race['reached_weekly_minutes']} of "
               f"380 min, long run {race['reached_long_run_minutes']} of 150 min (week 1, before the taper). R6 "
               "(+10 % a week, a cutback every 4 weeks) lets 60 min a week grow to at most 66 min "
               "in the 1 week(s) before the taper; "
               f"reaching 380 takes {race['r6_weeks_needed']} weeks.")
    assert race["summary"].startswith(summary)
    assert f"  {race['summary']}" in table.splitlines()
    assert re.search(r"^ready +.*NOT READY", table, re.M)


def test_infeasible_scenario_is_reported_with_its_rule_and_others_still_plan(compared, base):
    table, rows, out = compared
    by_name = {r["name"]: r for r in rows}
    blocked = by_name["no-strength"]
    with pytest.raises(NoPlanError) as no_plan:
        make_plan(whatif.parse_scenario(NO_STRENGTH, base).profile, time_limit=60)
    assert not blocked["feasible"] and blocked["status"] == "no plan"
    assert blocked["problem"] == str(no_plan.value) and blocked["rules"] == list(no_plan.value.rules)
    assert re.search(r"\bR\d+", blocked["problem"])  # the message names the rule(s)
    assert f"  no plan: {no_plan.value}" in table.splitlines()
    assert blocked["peak_weekly_minutes"] is None and blocked["ics"] is None
    assert not (out / "no-strength.ics").exists()
    assert [r["feasible"] for r in rows] == [True, True, True, False, True]


def test_every_written_calendar_passes_runcal_check(compared):
    _, rows, out = compared
    runner = CliRunner()
    written = sorted(out.glob("*.ics"))
    assert [p.stem for p in written] == sorted(r["name"] for r in rows if r["feasible"])
    for row in rows:
        if not row["feasible"]:
            continue
        path = out / f"{row['name']}.ics"
        assert row["ics"] == str(path)
        result = runner.invoke(main, ["check", str(path)])
        assert result.exit_code == 0 and result.output.startswith("OK"), result.output
        assert check_file(path) == []
        assert "X-WR-CALNAME:runcal: What If — ".encode() in path.read_bytes()
        assert f"(what-if: {row['name']})".encode() in path.read_bytes()


def test_json_parses_and_matches_the_table(compared):
    table, rows, _ = compared
    assert table.rstrip("\n") == whatif.format_table(rows)
    lines = table.splitlines()
    header = lines[0].split()
    assert header == [r["name"] for r in rows] == ["baseline", "later", "half-first", "no-strength", "four-weeks"]
    cells = {line.split("  ")[0]: re.split(r"\s{2,}", line.strip())[1:] for line in lines[1:13]}
    assert cells["peak run min/week"] == [
        f"{r['peak_weekly_minutes']} (week {r['peak_week']})" if r["feasible"] else "—" for r in rows]
    assert cells["objective"] == [str(r["objective"]) if r["feasible"] else "—" for r in rows]
    assert cells["weeks of preparation"] == [str(r["weeks_of_preparation"]) for r in rows] == ["5", "8", "10", "5", "4"]
    assert cells["taper starts"][:3] == ["2027-01-18", "2027-02-08", "2027-02-22"]
    assert cells["plan"] == ["optimal", "optimal", "optimal", "NO PLAN", "optimal"]
    for r in rows:
        if r["feasible"]:
            prefs = r["preferences"]
            assert r["preferences_met"] == sum(p["met"] for p in prefs.values())
            assert r["sessions_placed"] <= r["sessions_planned"]


def test_b_race_gets_a_mini_taper_and_the_build_resumes(base):
    """A B race's week is a cutback (≤ 80 % of the week before, R6) with no strength (R1's race-week
    exception, R8); the next week returns to the pre-race volume, and the ramp goes on from there."""
    scenario = whatif.parse_scenario(HALF_FIRST, base)
    plan = solved(scenario)
    volumes = weekly(plan)
    b_week = next(w.index for w in plan.weeks if any(r.priority == "B" for r in w.races))
    before, during, after = volumes[b_week - 1], volumes[b_week], volumes[b_week + 1]
    assert 10 * during <= 8 * before
    assert not [s for s in plan.sessions if s.week == b_week and s.kind is Kind.STRENGTH]
    assert after == before
    assert max(v for w, v in volumes.items() if w > b_week + 1) > before
    assert plan.weeks[b_week - 1].period == "race" and plan.weeks[b_week - 2].period != "taper"


def test_results_do_not_depend_on_parallel_workers(base):
    scenarios = [whatif.Scenario("baseline", base), whatif.parse_scenario(LATER, base),
                 whatif.parse_scenario(NO_STRENGTH, base)]
    serial = [whatif.summarize(o) for o in whatif.run_scenarios(scenarios, 60, jobs=1)]
    parallel = [whatif.summarize(o) for o in whatif.run_scenarios(scenarios, 60, jobs=2)]
    assert serial == parallel


# -- scenario input --------------------------------------------------------------------------

def test_scenarios_file_gives_the_same_profiles_as_the_option(base, tmp_path):
    path = tmp_path / "scenarios.toml"
    path.write_text("""
[[scenario]]
name = "half-first"
[[scenario.race]]
date = 2027-01-24
distance = "half"
priority = "B"
[[scenario.race]]
date = 2027-03-14
distance = "marathon"

[[scenario]]
name = "four-days"
sessions_per_week = 4
strength = [1, 1]
days = ["tue", "thu", "sat", "sun"]
availability = { sun = ["08:00-11:00"] }
""")
    from_file = whatif.scenarios_for(base, [], path)
    from_text = whatif.scenarios_for(base, [HALF_FIRST, "four-days: sessions=4; strength=1; days=tue,thu,sat,sun; "
                                                        "sun=08:00-11:00"])
    assert [s.name for s in from_file] == ["baseline", "half-first", "four-days"]
    assert [s.profile for s in from_file] == [s.profile for s in from_text]
    four = from_file[2].profile
    assert (four.rules.strength_min, four.rules.strength_max) == (1, 1)
    assert [d for d, ws in four.availability.items() if ws] == ["tue", "thu", "sat", "sun"]
    assert str(four.availability["sun"][0]) == "08:00-11:00"


def test_overrides_keep_everything_else_and_follow_the_level(base):
    s = whatif.parse_scenario("beginner: level=beginner; start=2027-01-11", base)
    p = s.profile
    assert (p.level, p.rules.recovery_hours, p.rules.rest_days_min) == ("beginner", 48, 2)  # R4/R5 level defaults
    assert p.start.isoformat() == "2027-01-11" and p.end == base.end and p.races == base.races
    assert p.availability == base.availability and p.durations == base.durations
    later = whatif.parse_scenario(LATER, base).profile
    assert later.end.isoformat() == "2027-02-28" and later.races[0].name == "Marathon"
    named = whatif.parse_scenario("named: race=2027-02-28 marathon A 08:30 Big City Marathon", base).profile
    assert (named.races[0].name, named.races[0].start.isoformat()) == ("Big City Marathon", "08:30:00")
    after = whatif.parse_scenario("after: race=2027-02-28 marathon Big City Marathon 08:30", base).profile
    assert after.races == named.races  # priority A by default, the time may follow the name


@pytest.mark.parametrize("scenario, expected", [
    ("no name", "Error: --scenario: 'no name' has no scenario name before ':'"),
    ("x: sessions=20", "Error: scenario 'x': runner.sessions_per_week: 20 is outside the allowed range [2, 14]. "
                       "Fix: use a value between 2 and 14"),
    ("x: strength=3", "Error: scenario 'x': rules.strength_min: 3 is outside the allowed range [1, 2] (R1)"),
    ("x: race=2027-03-14 halfmarathon B", "Error: scenario 'x': race[0].distance: 'halfmarathon' is not allowed. "
                                          "Fix: use one of: 5k, 10k, half, marathon"),
    ("x: race=2026-12-01 10k", "Error: scenario 'x': race[0].date: 10K on 2026-12-01 is before the plan starts "
                               "(2027-01-04). Fix: move start/end or the race date"),
    ("x: end=2027-01-31", "Error: scenario 'x': race[0].date: Test Marathon on 2027-02-07 is after the plan ends "
                          "(2027-01-31)"),
    ("x: colour=red", "Error: scenario 'x': colour: unknown override"),
    ("x: days=mon,fri", "Error: scenario 'x': days: the profile has no availability on fri. "
                        "Fix: give its windows too, e.g. fri=06:00-08:00"),
    ("x: mon=6-8", "Error: scenario 'x': availability.mon: '6' is not a time of day. Fix: write windows as"),
    ("x: weekly_minutes=lots", "Error: scenario 'x': runner.weekly_minutes: 'lots' is not a whole number"),
    ("baseline: sessions=3", "Error: scenario 'baseline': 'baseline' is the profile as given"),
    ("bad name!: sessions=3", "Error: --scenario: 'bad name!' is not a usable scenario name"),
])
def test_bad_scenario_is_one_line_exit_2(profile_file, scenario, expected):
    result = CliRunner().invoke(main, ["whatif", str(profile_file), "-s", scenario, "--now", NOW])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(expected) and result.output.count("\n") == 1
    assert "Traceback" not in result.output


def test_scenario_without_a_whole_week_is_reported_not_raised(base):
    odd = whatif.parse_scenario("odd: race=none; start=2027-01-05; end=2027-01-09", base)
    outcome, = whatif.run_scenarios([odd], 60, jobs=1)
    row = whatif.summarize(outcome)
    assert (row["status"], row["feasible"], row["weeks_of_preparation"]) == ("invalid", False, None)
    assert row["problem"].startswith("whatif.toml [scenario odd]: plan.end: the plan holds no whole week")
    assert "  invalid: whatif.toml [scenario odd]: plan.end" in whatif.format_table([row])
    assert re.search(r"^plan +INVALID$", whatif.format_table([row]), re.M)


def test_same_scenario_name_twice_is_bad_input(base):
    with pytest.raises(InputError, match="the name is used twice"):
        whatif.scenarios_for(base, [LATER, LATER])


# -- readiness table ---------------------------------------------------------------------------

def test_readiness_table_is_complete_sourced_and_drives_periodization(base):
    sources = readiness.table_sources()
    for distance in ("5k", "10k", "half", "marathon"):
        for level in ("beginner", "intermediate", "advanced"):
            t = readiness.target(distance, level)
            assert 0 < t.long_run <= t.peak_weekly and t.note
            assert set(t.sources) <= set(sources)
    # The planner builds towards the table's peak, and reaches it in the peak period before the
    # taper: from 350 min a week in six runs, the goal week is never exceeded and is held there.
    near = whatif.parse_scenario("near: weekly_minutes=350; sessions=7; race=2027-03-14 marathon A", base).profile
    weeks = week_targets(near)
    goal = readiness.peak_weekly_minutes("marathon", "intermediate")
    assert max(w.volume_cap for w in weeks) == goal
    assert max(w.run_minutes for w in weeks if w.period == "peak") >= goal - 5  # runs in 5-minute steps


def test_readiness_table_rejects_a_cell_without_sources():
    import tomllib
    from importlib import resources
    data = tomllib.loads(resources.files("solver.data").joinpath("readiness.toml").read_text("utf-8"))
    data["half"]["advanced"]["sources"] = ["nobody"]
    with pytest.raises(readiness.ReadinessTableError, match=r"half\.advanced: source id\(s\) \['nobody'\]"):
        readiness.parse_table(data)


def test_r6_walk_counts_cutbacks():
    # +10 % for three weeks, a cutback to 80 %, back to the pre-cutback week, then +10 % again, in
    # whole minutes as the model and the checker count them (solver/ramps.py, R6's one reading).
    assert fastest_volumes(100, 10, 4, 6) == [110, 121, 133, 106, 133, 146]
    assert readiness.r6_max_volume(100, 10, 4, 6) == 146
    assert readiness.r6_weeks_to(100, 146, 10, 4) == 6
    assert readiness.r6_weeks_to(100, 150, 0, 4) is None
    assert readiness.r6_weeks_to(400, 380, 10, 4) == 0


def test_offers_worked_out_as_pool_tasks_are_make_plans_offers():
    """In the pool, a scenario whose A race is out of reach has its kinds of offer worked out as
    tasks of their own: the outcomes (offers included) are those of planning each scenario in
    one process, and of make_plan itself. The marathon sample with six sessions leaves the
    marathon out of reach (the bench's what-if)."""
    from conftest import ROOT
    from solver.profile import load_profile

    base = load_profile(ROOT / "sample_calendars" / "advanced_marathon.toml")
    scenarios = whatif.scenarios_for(base, ["six-sessions: sessions=6", "intermediate: level=intermediate"])
    serial = whatif.run_scenarios(scenarios, 60, jobs=1)
    parallel = whatif.run_scenarios(scenarios, 60, jobs=2)
    assert any(r.offers for o in serial for r in o.plan.readiness), "no race out of reach: nothing compared"
    assert [o.plan.readiness for o in parallel] == [o.plan.readiness for o in serial]
    assert [o.plan.sessions for o in parallel] == [o.plan.sessions for o in serial]
    assert [whatif.summarize(o) for o in parallel] == [whatif.summarize(o) for o in serial]


def test_busy_time_is_read_once_for_scenarios_that_share_their_weeks(monkeypatch):
    """The marathon sample's Google export, five scenarios over three plan windows: three reads,
    and each scenario gets what reading for it alone gives."""
    from conftest import ROOT
    from solver.profile import load_profile
    from solver.solve import busy_for

    base = load_profile(ROOT / "sample_calendars" / "advanced_marathon.toml")
    scenarios = whatif.scenarios_for(base, [
        "six-sessions: sessions=6", "intermediate: level=intermediate",
        "later: race=2027-03-07 half B 09:00 Reading Half; race=2027-04-25 marathon A 09:00 Manchester Marathon",
        "earlier: race=2027-03-07 half B 09:00 Reading Half; race=2027-03-28 marathon A 09:00 Manchester Marathon"])
    reads = []
    monkeypatch.setattr(whatif, "busy_for", lambda *a, **k: reads.append(a) or busy_for(*a, **k))
    found = whatif._busy_of(scenarios, (), None)
    assert len(reads) == 3 and all(found)
    assert found == [busy_for(s.profile) for s in scenarios]
