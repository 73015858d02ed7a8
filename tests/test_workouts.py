"""Structured workouts (issue 17): steps that add up, progress and differ by race, targets for every
step, fuelling and race briefs, and the checker's 'workout' clause, each broken and clean."""

from __future__ import annotations

import datetime as dt
import json
import re

import icalendar
import pytest
from click.testing import CliRunner

from cli import main
from conftest import BASE_PROFILE, EVERY_DAY, ROOT, plan_checked, profile_text
from solver.check import check_calendar, description_seconds, read_plan, steps_seconds, workout_steps
from solver.domain import Kind
from solver.intensity import Runner
from solver.workouts import KINDS, Part, fit, parse_table, table
from test_checker import BASE, WEEK1, at, calendar, ev, found, make_profile, steps_json

RUNS = (Kind.EASY, Kind.LONG, Kind.QUALITY, Kind.RACE)


def leaves(steps: list[dict]) -> list[dict]:
    return [leaf for s in steps for leaf in (leaves(s["steps"]) if "repeat" in s else [s])]


def run_entries(data: bytes):
    return [e for e in read_plan(data).sessions if e.kind in RUNS]


# -- every session of every sample -----------------------------------------------------------

def test_every_run_of_every_sample_adds_up_to_its_event_and_has_targets(sample_plan):
    plan, data = sample_plan  # the fixture has already passed the checker, 'workout' clause included
    entries = run_entries(data)
    assert len(entries) == sum(s.kind in RUNS for s in plan.sessions) > 10
    for e in entries:
        steps = workout_steps(e)
        assert steps_seconds(steps) == e.seconds, e
        said, lines, rated = description_seconds(e.prop("DESCRIPTION"))
        assert said == e.seconds and lines >= len(steps) and rated, e
        for leaf in leaves(steps):
            assert 1 <= leaf["rpe"][0] <= leaf["rpe"][1] <= 10, (e, leaf)


def test_samples_with_pace_data_give_paces_and_heart_rates(sample_plan):
    plan, data = sample_plan
    steps = [leaf for e in run_entries(data) for leaf in leaves(workout_steps(e))]
    fitness = plan.profile.fitness
    has_pace = any("pace" in s for s in steps)
    assert has_pace == (fitness.recent_race is not None or any(r.goal_time for r in plan.profile.races))
    assert any("hr" in s for s in steps) == (fitness.max_hr is not None or fitness.threshold_hr is not None)
    if has_pace:  # easy running always has a pace then; walks, jogs, hills and strides never do
        assert all("pace" in s for s in steps if s["at"] == "easy")
        assert not any("pace" in s for s in steps if s["at"] in ("recovery", "walk", "hills", "strides"))


def test_a_profile_without_any_pace_data_gets_rpe_and_talk_everywhere():
    plan, data = plan_checked(profile_text(BASE_PROFILE, EVERY_DAY), "no-pace.toml")
    for e in run_entries(data):
        for leaf in leaves(workout_steps(e)):
            assert "pace" not in leaf and "hr" not in leaf and leaf["rpe"]
        step_lines = [ln for ln in e.prop("DESCRIPTION").splitlines() if re.match(r"^(\d+|   [a-z])\. ", ln)]
        assert step_lines and all("RPE" in ln and ": " in ln.split("RPE", 1)[1] for ln in step_lines
                                  if "× repeat:" not in ln), e
        assert "Targets: by effort and the talk test" in e.prop("DESCRIPTION")


# -- progression --------------------------------------------------------------------------------

HALF_RUNNER = """
[runner]
name = "Progress"
timezone = "Europe/London"
level = "intermediate"
sessions_per_week = 5
weekly_minutes = 200
recent_race = { distance = "10k", time = "48:00", date = 2026-12-06 }

[plan]
start = 2027-01-04

[[race]]
name = "Goal race"
date = 2027-05-02
distance = "DISTANCE"
priority = "A"
"""


def quality_by_week(plan) -> dict[int, list[str]]:
    found_: dict[int, list[str]] = {}
    for s in plan.sessions:
        if s.kind is Kind.QUALITY:
            found_.setdefault(s.week, []).append(s.title.split(" (", 1)[1])
    return found_


def test_consecutive_build_weeks_give_different_quality_sessions():
    plan, _ = plan_checked(profile_text(HALF_RUNNER.replace("DISTANCE", "half"), EVERY_DAY), "half.toml")
    quality = quality_by_week(plan)
    builds = [w.index for w in plan.weeks if w.period == "build" and w.index in quality]
    pairs = [(a, b) for a, b in zip(builds, builds[1:]) if b == a + 1]
    assert len(pairs) >= 2, builds
    for a, b in pairs:
        assert quality[a] != quality[b], (a, b, quality[a])
    # A ladder: threshold work grows through the build (3 × 5 min first, longer reps later).
    assert quality[builds[0]] == ["threshold: 3 × 5 min)"]
    assert len(set(map(tuple, (quality[w] for w in builds)))) >= len(builds) - 1


def test_5k_and_marathon_plans_differ_in_their_peak_weeks():
    quality, longs, steps, peaks = {}, {}, {}, {}
    for distance in ("5k", "marathon"):
        plan, _ = plan_checked(profile_text(HALF_RUNNER.replace("DISTANCE", distance), EVERY_DAY), f"{distance}.toml")
        peaks[distance] = [w.index for w in plan.weeks if w.period == "peak"]
        quality[distance] = quality_by_week(plan)
        longs[distance] = [s.title for s in plan.sessions if s.kind is Kind.LONG and s.week in peaks[distance]]
        steps[distance] = {leaf["at"] for s in plan.sessions if s.week in peaks[distance] and s.kind is Kind.QUALITY
                           for leaf in leaves(json.loads(s.prescription["STEPS"])["steps"])}
    assert peaks["5k"] == peaks["marathon"] and len(peaks["5k"]) >= 2
    for week in peaks["5k"]:  # week by week, the two runners' quality sessions differ
        assert quality["5k"][week] != quality["marathon"][week], week
    assert "fivek" in steps["5k"] and "fivek" not in steps["marathon"]
    # Marathon-pace blocks in the marathoner's peak long runs, none in the 5 km runner's.
    assert longs["marathon"] and all("marathon pace" in t for t in longs["marathon"])
    assert not any("marathon pace" in t for t in longs["5k"])


# -- fuel and the race brief ------------------------------------------------------------------

def test_long_runs_over_90_minutes_carry_a_fuel_and_hydration_note(sample_plan):
    plan, _ = sample_plan
    longs = [s for s in plan.sessions if s.kind is Kind.LONG]
    for s in longs:
        assert ("Fuel and drink:" in s.details) == (s.minutes > 90), s.title
    if plan.profile.name == "Sam":
        assert any(s.minutes > 90 for s in longs)


def race_text(plan, name: str) -> str:
    return next(s.details for s in plan.sessions if s.kind is Kind.RACE and s.race.name == name)


def test_race_briefs_of_the_marathon_sample():
    path = ROOT / "sample_calendars" / "advanced_marathon.toml"
    plan, _ = plan_checked(path.read_text(), str(path))
    marathon, half = race_text(plan, "Manchester Marathon"), race_text(plan, "Reading Half")
    assert "Pace: aim for 7:03 /mi, your goal of 3:05:00." in marathon
    assert "finish 3:05:00." in marathon and "halfway 1:32:30" in marathon
    assert "carbohydrate loading" in marathon and "no running warm-up needed" in marathon
    assert "If the day goes wrong:" in marathon and "trust it" in marathon
    assert "A B race: a rehearsal for Manchester Marathon on 2027-04-11" in half
    assert "5-10 min easy jog and 2-3 relaxed strides" in half and "Fuel:" in half
    steps = json.loads(steps_of(plan, "Manchester Marathon"))["steps"]
    assert len(steps) == 1 and steps[0]["kind"] == "race" and steps[0]["m"] == 42195.0
    fast, slow = steps[0]["pace"]
    assert fast < 11100 / 42.195 < slow  # 3:05:00 inside the ±1 % band


def steps_of(plan, race_name: str) -> str:
    return next(s.prescription["STEPS"] for s in plan.sessions if s.kind is Kind.RACE and s.race.name == race_name)


def five_k(goal: str, recent: str = "") -> str:
    runner = "\n".join(line for line in [recent] if line)
    return profile_text(BASE_PROFILE.replace('long_run_day = "sun"', f'long_run_day = "sun"\n{runner}'), EVERY_DAY,
                        f'[[race]]\nname = "Park 5K"\ndate = 2027-01-30\ndistance = "5k"\npriority = "A"\n{goal}')


def test_an_ambitious_goal_is_reported_and_the_brief_starts_at_the_predicted_pace(tmp_path):
    text = five_k('goal_time = "20:00"', 'recent_race = { distance = "5k", time = "25:00", date = 2026-12-20 }')
    plan, _ = plan_checked(text, "5k.toml")
    brief = race_text(plan, "Park 5K")
    assert "Pace: aim for 5:00 /km, the 25:00 your recent race predicts. Your goal of 20:00 (4:00 /km) is ambitious" in brief
    assert "4 × 20 s strides" in brief and "Fuel:" not in brief
    profile = tmp_path / "5k.toml"
    profile.write_text(text)
    result = CliRunner().invoke(main, ["plan", str(profile), "-o", str(tmp_path / "p.ics"), "--now", "2026-11-27T08:00:00Z"])
    assert result.exit_code == 0
    assert check_calendar((tmp_path / "p.ics").read_bytes(), plan.profile, "p.ics") == []
    assert "Note: Park 5K (2027-01-30): your goal 20:00 needs VDOT 49.8; your recent race gives 38.3, which " \
           "predicts 25:00. That is more than the weeks to race day usually add" in result.output


def test_without_pace_data_the_race_is_run_by_effort():
    plan, _ = plan_checked(five_k(""), "5k.toml")
    brief = race_text(plan, "Park 5K")
    assert "No recent race or goal time given: run by effort (RPE)" in brief and "Splits" not in brief
    (step,) = json.loads(steps_of(plan, "Park 5K"))["steps"]
    assert "pace" not in step and step["rpe"] == [8, 9]


# -- fitting ------------------------------------------------------------------------------------

@pytest.mark.parametrize("minutes", [20, 25, 33, 45, 60, 90, 120])
def test_every_library_workout_fits_any_session_length_exactly(minutes):
    runner = Runner(45.0, "", "", "km", max_hr=185, resting_hr=50)
    for name, spec in table().workouts.items():
        for week in (60, 240, 600):
            w = fit(spec["kind"], spec["focus"], [Part(**p) for p in spec["parts"]], minutes, runner, week)
            assert w.seconds == minutes * 60, (name, minutes, week)
            assert steps_seconds(json.loads(w.steps_json())["steps"]) == minutes * 60
            assert all(step["rpe"] for step in leaves(json.loads(w.steps_json())["steps"]))


def test_daniels_limits_cap_the_work_of_a_small_week():
    runner = Runner(45.0, "", "", "km")
    spec = table().workouts["t_tempo_25"]
    w = fit("quality", "threshold", [Part(**p) for p in spec["parts"]], 60, runner, week_minutes=150)
    work = [s for s in w.items if getattr(s, "target", None) and s.target.intensity == "threshold"]
    assert sum(s.seconds for s in work) == 15 * 60  # T at most 10 % of a 150-minute week
    assert w.summary == "15 min" and w.seconds == 3600


def test_run_walk_steps_for_new_runners():
    """The lead's run/walk stages (NHS Couch to 5K) can be expressed: walk warm-up, run/walk repeats."""
    runner = Runner(None, "", "", "km")
    w = fit("run_walk", "easy", [Part(reps=8, s=60, at="easy", rest_s=90, rest="walk")], 30, runner, 90)
    steps = json.loads(w.steps_json())["steps"]
    assert [s.get("kind", "repeat") for s in steps] == ["warmup", "repeat", "cooldown"]
    assert steps[0]["at"] == "walk" and steps[0]["s"] == 300 and steps[2]["at"] == "walk"
    assert steps[1]["repeat"] == 8 and [(s["kind"], s["s"]) for s in steps[1]["steps"]] == [("work", 60), ("walk", 90)]
    assert steps_seconds(steps) == 1800
    assert w.step_lines("km")[1:4] == ["2. 8 × repeat:", "   a. 1 min easy — RPE 2–3: you can talk in full sentences",
                                        "   b. 1 min 30 s walk — RPE 1–2: you could sing"]


def test_the_workout_table_is_checked():
    data = {
        "sources": {"s": "A source."},
        "fill": {k: {"warmup": [600, 1200], "cooldown": [300, 900], "at": "easy"} for k in KINDS},
        "focus": {"easy": {"label": "easy", "why": "why", "sources": ["s"]}},
        "workout": {"a": {"kind": "quality", "focus": "easy", "parts": [{"s": 60, "at": "threshold"}]}},
        "progression": {"any": {"base": {"quality": {"all": [["a", "a"]]}}}},
        "fuel": {"text": "t", "long_over_minutes": 90, "sources": ["s"]},
    }
    with pytest.raises(ValueError, match="'a' follows itself"):
        parse_table(json.loads(json.dumps(data)))
    data["workout"]["a"]["parts"][0]["at"] = "warp speed"
    with pytest.raises(ValueError, match="workout.a.parts"):
        parse_table(json.loads(json.dumps(data)))


# -- X-RUNCAL-STEPS as RFC 5545 TEXT ------------------------------------------------------------

def test_steps_with_commas_semicolons_backslashes_and_newlines_round_trip():
    steps = [{"kind": "run", "s": 1800, "at": "easy", "rpe": [2, 3], "note": 'hills, wind; a \\ and\na "quote"'}]
    text = json.dumps({"v": 1, "steps": steps})
    event = icalendar.Event()
    event.add("x-runcal-steps", icalendar.vText(text))
    raw = event.to_ical().decode()
    assert "\\," in raw and "\\;" in raw and "\\n" in raw and "\n a" not in raw.replace("\r\n ", "")
    data = calendar(*BASE).replace(b"END:VCALENDAR", b"").decode() + \
        ev("easy", at(WEEK1, 0, "07:00"), 30).replace(
            "X-RUNCAL-STEPS:" + steps_json([{"kind": "run", "s": 1800, "at": "easy", "rpe": [2, 3]}]),
            raw.split("\r\n", 1)[1].rsplit("\r\nEND:VEVENT", 1)[0]) + "\r\nEND:VCALENDAR\r\n"
    entry = next(e for e in read_plan(data.encode(), make_profile()).sessions if e.day == WEEK1)
    assert workout_steps(entry) == steps


# -- the checker's 'workout' clause -------------------------------------------------------------

def one_run(minutes: int, steps: list[dict] | None, description: str | None = None, kind: str = "easy") -> bytes:
    event = ev(kind, at(WEEK1, 0, "07:00"), minutes)
    lines = [ln for ln in event.split("\r\n") if not ln.startswith(("X-RUNCAL-STEPS:", "DESCRIPTION:"))]
    if steps is not None:
        lines.insert(-1, f"X-RUNCAL-STEPS:{steps_json(steps)}")
    if description is not None:
        lines.insert(-1, "DESCRIPTION:" + description.replace("\n", "\\n").replace(",", "\\,").replace(";", "\\;"))
    return calendar(*BASE, "\r\n".join(lines))


def workout_found(data: bytes) -> list[str]:
    return found(check_calendar(data, make_profile(runner={"sessions_per_week": 5})), "workout")


STEPS_30 = [{"kind": "warmup", "s": 600, "at": "easy", "rpe": [2, 3]},
            {"repeat": 3, "steps": [{"kind": "work", "s": 240, "at": "threshold", "rpe": [6, 7], "pace": [290, 300]},
                                    {"kind": "recover", "s": 120, "at": "recovery", "rpe": [1, 2]}]},
            {"kind": "cooldown", "s": 120, "at": "easy", "rpe": [2, 3], "hr": [120, 140]}]
TEXT_30 = ("30 min in all:\n1. 10 min warm-up, easy — RPE 2–3: you can talk\n2. 3 × repeat:\n"
           "   a. 4 min threshold — 4:50–5:00 /km · RPE 6–7: a few words\n   b. 2 min easy jog — RPE 1–2: settle\n"
           "3. 2 min cool-down, easy — HR 120–140 · RPE 2–3: you can talk\n\nWhy: 3 × 4 min at threshold.")


def test_workout_clean_with_repeats():
    assert workout_found(one_run(30, STEPS_30, TEXT_30)) == []


def test_workout_steps_that_do_not_add_up_reported():
    short = [dict(STEPS_30[0], s=300), *STEPS_30[1:]]
    assert workout_found(one_run(30, short, TEXT_30)) == [
        "workout: easy run 2027-01-04 07:00: its steps add up to 25 min; the event lasts 30 min"]


def test_workout_description_that_does_not_add_up_reported():
    text = TEXT_30.replace("2. 3 × repeat:", "2. 2 × repeat:")
    assert workout_found(one_run(30, STEPS_30, text)) == [
        "workout: easy run 2027-01-04 07:00: the steps in its description add up to 24 min; the event lasts 30 min"]


def test_workout_step_without_a_target_reported():
    untargeted = [STEPS_30[0], {"repeat": 3, "steps": [{k: v for k, v in STEPS_30[1]["steps"][0].items() if k != "rpe"},
                                                       STEPS_30[1]["steps"][1]]}, STEPS_30[2]]
    assert workout_found(one_run(30, untargeted, TEXT_30)) == [
        "workout: easy run 2027-01-04 07:00: step 2 (work) has no target (an RPE 1-10 at least)"]
    bad_pace = [STEPS_30[0], STEPS_30[1], dict(STEPS_30[2], pace=[400, 300])]
    assert workout_found(one_run(30, bad_pace, TEXT_30)) == [
        "workout: easy run 2027-01-04 07:00: step 4 (cooldown) has a malformed pace range [400, 300]"]
    assert workout_found(one_run(30, STEPS_30, TEXT_30.replace("· RPE 6–7", ""))) == [
        "workout: easy run 2027-01-04 07:00: a step in its description names no RPE"]


def test_workout_run_without_steps_reported_and_hand_added_events_exempt():
    assert workout_found(one_run(30, None, TEXT_30, kind="quality")) == [
        "workout: quality run 2027-01-04 07:00: has no steps (X-RUNCAL-STEPS); every run lists its steps, each with a target"]
    hand_added = ev(None, at(WEEK1, 0, "07:00"), 30, summary="Parkrun with friends", categories="Running")
    assert workout_found(calendar(*BASE, hand_added)) == []


def test_workout_clause_catches_an_edited_real_plan():
    plan, data = plan_checked(profile_text(BASE_PROFILE, EVERY_DAY), "edit.toml")
    quality = next(s for s in plan.sessions if s.kind is Kind.QUALITY)
    text = data.decode()
    start = text.index(f"SUMMARY:{quality.title}")
    broken = text[:start] + text[start:].replace('X-RUNCAL-STEPS:{"steps"', "X-RUNCAL-STEPS:{steps", 1)
    (problem,) = found(check_calendar(broken.encode(), plan.profile), "workout")
    assert problem.startswith(f"workout: quality run {quality.start:%Y-%m-%d %H:%M}: X-RUNCAL-STEPS is unreadable (")
    # Lengthen the event by 15 minutes without new steps: steps and description no longer add up.
    old_end = quality.end.strftime("DTEND;TZID=Europe/London:%Y%m%dT%H%M%S")
    new_end = (quality.end + dt.timedelta(minutes=15)).strftime("DTEND;TZID=Europe/London:%Y%m%dT%H%M%S")
    longer = text.replace(old_end, new_end, 1)
    lines = found(check_calendar(longer.encode(), plan.profile), "workout")
    m = quality.minutes
    assert lines == [f"workout: {quality.kind.label} {quality.start:%Y-%m-%d %H:%M}: its steps add up to {m} min; "
                     f"the event lasts {m + 15} min",
                     f"workout: {quality.kind.label} {quality.start:%Y-%m-%d %H:%M}: the steps in its description "
                     f"add up to {m} min; the event lasts {m + 15} min"]


def test_a_race_longer_than_the_time_set_aside_says_so():
    plan, _ = plan_checked(five_k('goal_time = "31:00"'), "5k.toml")
    race = next(s for s in plan.sessions if s.kind is Kind.RACE)
    assert race.minutes < 31
    assert (f"You will need about 31:00; the calendar keeps {race.minutes} min for the race, an estimate by level"
            in race.details)
    assert "Pace: aim for 6:12 /km, your goal of 31:00." in race.details
