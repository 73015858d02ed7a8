"""FIT workout files (`runcal export --fit`): decoded by Garmin's own SDK decoder and by fitdecode (a
decoder we did not write), step for step against the calendar's X-RUNCAL-STEPS and event lengths."""

from __future__ import annotations

import datetime as dt
import io

import fitdecode
import pytest
from click.testing import CliRunner
from garmin_fit_sdk import Decoder, Stream

from cli import main
from conftest import STAMP
from solver.check import read_plan, workout_steps
from solver.domain import Kind
from solver.fit import fit_files
from solver.prescriptions import prescription
from test_checker import BASE, WEEK1, at, calendar, ev, make_profile, steps_json

REPEAT = "repeat_until_steps_cmplt"


def garmin(blob: bytes) -> tuple[dict, list[dict]]:
    decoder = Decoder(Stream.from_byte_array(bytearray(blob)))
    assert decoder.is_fit() and decoder.check_integrity()
    messages, errors = Decoder(Stream.from_byte_array(bytearray(blob))).read()
    assert errors == []
    (file_id,) = messages["file_id_mesgs"]
    assert file_id["type"] == "workout"
    (workout,) = messages["workout_mesgs"]
    return workout, messages["workout_step_mesgs"]


def second_opinion(blob: bytes) -> tuple[dict, list[dict]]:
    workout, steps = None, []
    with fitdecode.FitReader(io.BytesIO(blob), check_crc=fitdecode.CrcCheck.ENABLED) as reader:
        for frame in reader:
            if frame.frame_type != fitdecode.FIT_FRAME_DATA:
                continue
            values = {f.name: f.value for f in frame.fields}
            if frame.name == "workout":
                workout = values
            elif frame.name == "workout_step":
                steps.append(values)
    return workout, steps


def flatten_fit(steps: list[dict]) -> list[dict]:
    """The steps in the order the watch runs them, repeats multiplied out."""
    seq: list[dict] = []
    for i, step in enumerate(steps):
        if step["duration_type"] == REPEAT:
            block = [s for s in steps[step["duration_step"]:i] if s["duration_type"] != REPEAT]
            seq += block * (step["repeat_steps"] - 1)
        else:
            seq.append(step)
    return seq


def flatten_ics(steps: list[dict]) -> list[dict]:
    return [leaf for s in steps for leaf in (flatten_ics(s["steps"]) * s["repeat"] if "repeat" in s else [s])]


def assert_same_workout(ics_steps: list[dict], fit_steps: list[dict], seconds: int) -> None:
    planned, watch = flatten_ics(ics_steps), flatten_fit(fit_steps)
    assert len(planned) == len(watch)
    for p, w in zip(planned, watch):
        assert w["wkt_step_name"] == p["name"]
        if "m" in p:
            assert w["duration_type"] == "distance" and w["duration_distance"] == pytest.approx(p["m"], abs=0.01)
        else:
            assert w["duration_type"] == "time" and w["duration_time"] == p["s"]
        if w["target_type"] == "speed":
            fast, slow = p["pace"]
            assert w["custom_target_speed_low"] == pytest.approx(1000 / slow, abs=0.001)
            assert w["custom_target_speed_high"] == pytest.approx(1000 / fast, abs=0.001)
        elif w["target_type"] == "heart_rate":
            assert (w["custom_target_heart_rate_low"] - 100, w["custom_target_heart_rate_high"] - 100) == tuple(p["hr"])
        else:
            assert w["target_type"] == "open" and "pace" not in p and "hr" not in p
        low, high = p["rpe"]
        assert w["notes"].startswith(f"RPE {low}" if low == high else f"RPE {low}-{high}")
    if not any("m" in p for p in planned):  # a race is ended by its distance, every other run by time
        assert sum(w["duration_time"] for w in watch) == seconds


def test_every_future_session_of_every_sample_decodes_and_matches_the_plan(sample_plan):
    plan, data = sample_plan
    since = plan.weeks[len(plan.weeks) // 2].monday
    files = fit_files(data, "plan.ics", since, STAMP)
    entries = [e for e in read_plan(data).sessions if e.day >= since and e.kind is not Kind.REHAB]
    assert sorted(files) == sorted(f"{e.day}-{e.kind.value}.fit" for e in entries) and len(files) > 5
    for e in entries:
        blob = files[f"{e.day}-{e.kind.value}.fit"]
        for workout, steps in (garmin(blob), second_opinion(blob)):
            assert workout["num_valid_steps"] == len(steps)
            if e.kind.is_run:
                assert (workout["sport"], workout["sub_sport"]) == ("running", "generic")
                assert_same_workout(workout_steps(e), steps, e.seconds)
            else:
                assert (workout["sport"], workout["sub_sport"]) == ("training", "strength_training")
                assert_strength(plan.profile, e, steps)


def assert_strength(profile, entry, steps: list[dict]) -> None:
    rx = prescription(profile.level, profile.strength_type, entry.prop("X-RUNCAL-RX-PERIOD"),
                      entry.prop("X-RUNCAL-TEMPLATE"))
    exercises = [s for s in steps if s.get("intensity") == "active"]
    assert [s["wkt_step_name"] for s in exercises] == [x.name for x in rx.exercises]
    repeats = [s for s in steps if s["duration_type"] == REPEAT]
    assert [r["repeat_steps"] for r in repeats] == [x.sets for x in rx.exercises]
    for step, x in zip(exercises, rx.exercises):
        if step["duration_type"] == "reps":
            assert x.reps.split()[0] == str(step["duration_reps"]) and x.reps.split()[1:2] not in (["s"], ["m"])
        elif step["duration_type"] == "time":
            assert x.reps.startswith(f"{int(step['duration_time'])} s")
        else:  # a carry over metres: the lap button ends it, the notes say how far
            assert step["duration_type"] == "open" and x.reps.endswith(" m") and x.reps in step["notes"]


def test_export_is_deterministic_and_names_files_by_date_and_kind(sample_plan):
    _, data = sample_plan
    first = fit_files(data, "plan.ics", dt.date(2026, 1, 1), STAMP)
    assert first == fit_files(data, "plan.ics", dt.date(2026, 1, 1), STAMP)
    assert all(name.endswith(".fit") and dt.date.fromisoformat(name[:10]) for name in first)


def test_run_walk_steps_reach_the_watch_as_walks():
    steps = [{"kind": "warmup", "s": 300, "at": "walk", "rpe": [1, 2], "name": "warm-up, walk"},
             {"repeat": 8, "steps": [{"kind": "work", "s": 60, "at": "easy", "rpe": [2, 3], "name": "easy"},
                                     {"kind": "walk", "s": 90, "at": "walk", "rpe": [1, 2], "name": "walk"}]},
             {"kind": "cooldown", "s": 300, "at": "walk", "rpe": [1, 2], "name": "cool-down, walk"}]
    run = ev("easy", at(WEEK1, 0, "07:00"), 30)
    run = run.replace(run[run.index("X-RUNCAL-STEPS:"):].split("\r\n")[0], f"X-RUNCAL-STEPS:{steps_json(steps)}")
    data = calendar(*BASE, run, profile=make_profile(runner={"sessions_per_week": 5}))
    blob = fit_files(data, "rw.ics", WEEK1, STAMP)[f"{WEEK1}-easy.fit"]
    for _, decoded in (garmin(blob), second_opinion(blob)):
        assert_same_workout(steps, decoded, 1800)
        assert [s.get("intensity") for s in decoded] == ["warmup", "interval", "recovery", None, "cooldown"]
        assert decoded[3]["repeat_steps"] == 8 and decoded[3]["duration_step"] == 1


def test_cli_export_writes_the_files(tmp_path, sample_plan):
    _, data = sample_plan
    plan_file = tmp_path / "plan.ics"
    plan_file.write_bytes(data)
    result = CliRunner().invoke(main, ["export", str(plan_file), "--fit", str(tmp_path / "watch"),
                                       "--from", "2027-01-01", "--now", "2026-11-27T08:00:00Z"])
    assert result.exit_code == 0, result.output
    written = sorted((tmp_path / "watch").glob("*.fit"))
    assert written and result.output.startswith(f"Wrote {len(written)} FIT workouts to {tmp_path / 'watch'}")
    assert {p.name: p.read_bytes() for p in written} == fit_files(data, str(plan_file), dt.date(2027, 1, 1), STAMP)


def test_cli_export_of_runs_without_steps_is_one_line_and_exit_2(tmp_path):
    old = calendar(*BASE, profile=make_profile()).replace(b"X-RUNCAL-STEPS:", b"X-OLD-STEPS:")
    plan_file = tmp_path / "old.ics"
    plan_file.write_bytes(old)
    result = CliRunner().invoke(main, ["export", str(plan_file), "--fit", str(tmp_path / "w"), "--from", "2027-01-01"])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert "X-RUNCAL-STEPS: missing: the run has no steps. Fix: plan again with `runcal plan`" in result.output
    assert not (tmp_path / "w").exists() or not list((tmp_path / "w").iterdir())


def test_every_strength_exercise_of_the_r7_table_becomes_a_watch_step():
    from solver.domain import LEVELS, PERIODS, STRENGTH_TYPES
    from solver.fit import exercise_step

    kinds = set()
    for level in LEVELS:
        for kind in STRENGTH_TYPES:
            for period in PERIODS:
                for template in "AB":
                    for x in prescription(level, kind, period, template).exercises:
                        step = exercise_step(x, 1)
                        kinds.add(step["duration_type"])
                        if step["duration_type"] == "reps":
                            assert str(step["duration_value"]) == x.reps.split()[0]
                        elif step["duration_type"] == "time":
                            assert step["duration_value"] == int(x.reps.split()[0]) * 1000 and " s" in x.reps
                        else:
                            assert x.reps.endswith(" m"), x
    assert kinds == {"reps", "time", "open"}
