"""The same workouts on the watch: one FIT workout file per future session.

Encoded with Garmin's official FIT SDK for Python (`garmin-fit-sdk`, its Encoder), imported
only here. The plan is read the way `runcal check` reads it (solver/check.py: the events, the
embedded profile and X-RUNCAL-STEPS), so the watch gets exactly the steps, durations and targets
the calendar shows: a run's steps with their pace or heart-rate range (else an open target; the
RPE is in the step's notes), repeats as FIT repeat steps, a race as a distance step; a strength
session as Garmin's strength-training workout from its R7 prescription (sets as repeats of reps or
timed holds with the rest between). Files are named DATE-KIND.fit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from .check import Entry, PlanFile, read_plan, workout_steps
from .domain import Kind
from .errors import CalendarError
from .files import output_folder, write_atomic
from .prescriptions import Exercise, prescription
from .planfile import PROPS

FILE_WORKOUT, MESG_FILE_ID, MESG_WORKOUT, MESG_STEP = "workout", 0, 26, 27
# FIT intensity of each step kind (solver/workouts.py STEP_KINDS); walking is a recovery step.
INTENSITY = {"warmup": "warmup", "run": "active", "work": "interval", "recover": "recovery", "walk": "recovery",
             "cooldown": "cooldown", "race": "active"}
# Easy running is better held by heart rate than by pace (terrain, wind and heat move the pace, not
# the effort): the project's choice. Everything else takes the pace range when there is one.
HR_FIRST = {"easy", "recovery", "walk"}
# Garmin's exercise categories (FIT profile `exercise_category`), first keyword in the name wins.
CATEGORIES = (("calf", "calf_raise"), ("split squat", "lunge"), ("lunge", "lunge"), ("squat", "squat"),
              ("deadlift", "deadlift"), ("bridge", "hip_raise"), ("hip thrust", "hip_raise"), ("plank", "plank"),
              ("clamshell", "hip_stability"), ("dead bug", "core"), ("bird dog", "core"), ("hop", "plyo"),
              ("jump", "plyo"), ("bound", "plyo"), ("pogo", "plyo"), ("row", "row"), ("push-up", "push_up"))


def fit_files(data: bytes, source: str, since: dt.date, stamp: dt.datetime) -> dict[str, bytes]:
    """File name -> FIT bytes for every session on or after `since` (runs and strength)."""
    plan = read_plan(data, None, source)
    files: dict[str, bytes] = {}
    for entry in plan.sessions:
        if entry.day < since or entry.kind is Kind.REHAB:  # a physio's programme stays in their words
            continue
        name = f"{entry.day.isoformat()}-{entry.kind.value}.fit"
        files[name] = encode(workout_messages(plan, entry, source), entry, stamp)
    return files


def export_fit(data: bytes, source: str, out_dir: str | Path, since: dt.date, stamp: dt.datetime) -> list[Path]:
    """Write the files (each atomically) into `out_dir`, made if missing; the paths written."""
    files = fit_files(data, source, since, stamp)
    folder = output_folder(out_dir, "--fit")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CalendarError(str(folder), "", f"cannot make the folder ({exc.strerror})", "choose another --fit folder") from None
    written = []
    for name, blob in sorted(files.items()):
        write_atomic(folder / name, blob, option="--fit")
        written.append(folder / name)
    return written


def workout_messages(plan: PlanFile, entry: Entry, source: str) -> tuple[dict, list[dict]]:
    """(the workout message, its steps) for one session."""
    title = f"{entry.day:%d %b} {(entry.prop('SUMMARY') or entry.kind.value).split(' (')[0]}"[:40]
    if entry.kind.is_strength:
        steps = strength_steps(plan, entry, source)
        sport = {"sport": "training", "sub_sport": "strength_training"}
    else:
        try:
            items = workout_steps(entry)
        except ValueError as exc:
            raise CalendarError(source, f"{entry} X-RUNCAL-STEPS", f"unreadable ({exc})",
                                "plan again with `runcal plan`") from None
        if items is None:
            raise CalendarError(source, f"{entry} X-RUNCAL-STEPS", "missing: the run has no steps",
                                "plan again with `runcal plan` (plans written before workouts had none)")
        steps = run_steps(items)
        sport = {"sport": "running", "sub_sport": "generic"}
    workout = {"mesg_num": MESG_WORKOUT, "wkt_name": title, "num_valid_steps": len(steps), **sport}
    return workout, steps


def run_steps(items: list[dict]) -> list[dict]:
    """FIT workout steps for X-RUNCAL-STEPS: a repeat becomes its steps then a repeat step."""
    out: list[dict] = []
    for item in items:
        if "repeat" in item:
            first = len(out)
            for step in item["steps"]:
                out.append(_run_step(step, len(out)))
            out.append({"mesg_num": MESG_STEP, "message_index": len(out), "duration_type": "repeat_until_steps_cmplt",
                        "duration_value": first, "target_value": item["repeat"]})
        else:
            out.append(_run_step(item, len(out)))
    return out


def _run_step(step: dict, index: int) -> dict:
    msg = {"mesg_num": MESG_STEP, "message_index": index, "wkt_step_name": step.get("name", step["kind"])[:32],
           "intensity": INTENSITY.get(step["kind"], "active")}
    if step.get("m"):  # a race: the watch ends the step at the finish line
        msg |= {"duration_type": "distance", "duration_value": round(step["m"] * 100)}
    else:
        msg |= {"duration_type": "time", "duration_value": step["s"] * 1000}
    low, high = step["rpe"]
    note = f"RPE {low}" if low == high else f"RPE {low}-{high}"
    msg["notes"] = f"{note}; {step['note']}" if step.get("note") else note
    pace, hr = step.get("pace"), step.get("hr")
    if hr and (step.get("at") in HR_FIRST or not pace):
        msg |= {"target_type": "heart_rate", "target_value": 0, "custom_target_value_low": hr[0] + 100,
                "custom_target_value_high": hr[1] + 100}  # FIT: heart rates above 100 are bpm + 100
    elif pace:
        fast, slow = pace  # seconds per km -> mm/s, slow end low
        msg |= {"target_type": "speed", "target_value": 0, "custom_target_value_low": round(1e6 / slow),
                "custom_target_value_high": round(1e6 / fast)}
    else:
        msg["target_type"] = "open"
    return msg


def strength_steps(plan: PlanFile, entry: Entry, source: str) -> list[dict]:
    """Garmin's strength workout from the session's R7 cell: a warm-up, then each exercise's sets
    as a repeat of the set (reps, or a timed hold) and its rest."""
    template, period = entry.prop(PROPS.TEMPLATE), entry.prop(PROPS.RX_PERIOD)
    p = plan.profile
    try:
        rx = prescription(p.level, p.strength_type, period or "", template or "")
    except ValueError:
        raise CalendarError(source, f"{entry} X-RUNCAL-TEMPLATE", "names no R7 prescription",
                            "plan again with `runcal plan`") from None
    out: list[dict] = [{"mesg_num": MESG_STEP, "message_index": 0, "wkt_step_name": "Warm-up",
                        "duration_type": "time", "duration_value": 600_000, "target_type": "open",
                        "intensity": "warmup", "notes": "easy cardio and mobility"}]
    for ex in rx.exercises:
        first = len(out)
        out.append(exercise_step(ex, first))
        out.append({"mesg_num": MESG_STEP, "message_index": first + 1, "wkt_step_name": "Rest",
                    "duration_type": "time", "duration_value": ex.rest_s * 1000, "target_type": "open",
                    "intensity": "rest"})
        out.append({"mesg_num": MESG_STEP, "message_index": first + 2, "duration_type": "repeat_until_steps_cmplt",
                    "duration_value": first, "target_value": ex.sets})
    return out


def exercise_step(ex: Exercise, index: int) -> dict:
    msg = {"mesg_num": MESG_STEP, "message_index": index, "wkt_step_name": ex.name[:32], "target_type": "open",
           "intensity": "active", "notes": f"{ex.sets} × {ex.reps} @ {ex.load}, rest {ex.rest_s} s"}
    timed = re.match(r"^(\d+) s\b", ex.reps)
    counted = re.match(r"^(\d+)(?: each (?:leg|side)| contacts| steps each way)?$", ex.reps)  # not "20 m"
    if timed:
        msg |= {"duration_type": "time", "duration_value": int(timed[1]) * 1000}
    elif counted:
        msg |= {"duration_type": "reps", "duration_value": int(counted[1])}
    else:
        msg["duration_type"] = "open"
    category = next((c for word, c in CATEGORIES if word in ex.name.lower()), None)
    if category:
        msg["exercise_category"] = category
        number = _exercise_number(category, ex.name)
        if number is not None:
            msg["exercise_name"] = number
    return msg


def _exercise_number(category: str, name: str) -> int | None:
    """The FIT exercise_name number when Garmin's list for the category has this exact exercise."""
    from garmin_fit_sdk import Profile

    wanted = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    names = Profile["types"].get(f"{category}_exercise_name", {})
    return next((number for number, known in names.items() if known == wanted), None)


def encode(messages: tuple[dict, list[dict]], entry: Entry, stamp: dt.datetime) -> bytes:
    from garmin_fit_sdk import Encoder

    workout, steps = messages
    # Type, manufacturer, product and serial number identify a workout file on a device: the
    # serial comes from the session's identity, so a re-export replaces the same workout.
    key = f"{entry.prop('SUMMARY')}|{entry.start.isoformat()}".encode()
    serial = int.from_bytes(hashlib.sha256(key).digest()[:4], "big") or 1
    encoder = Encoder()
    encoder.write_mesg({"mesg_num": MESG_FILE_ID, "type": FILE_WORKOUT, "manufacturer": "development",
                        "product": 0, "serial_number": serial, "time_created": stamp.astimezone(dt.timezone.utc)})
    encoder.write_mesg(workout)
    for step in steps:
        encoder.write_mesg(step)
    return encoder.close()
