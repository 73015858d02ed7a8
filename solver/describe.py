"""Words for the runner: the title and description of each session."""

from __future__ import annotations

from .domain import PERIODS, Kind, Profile, Race, WeekTarget
from .intensity import Runner, runner_of
from .prescriptions import load_step, session_prescription
from .racebrief import race_workout
from .runwalk import run_walk_title, run_walk_workout
from .workouts import Workout, session_workout

PERIOD_WHY = {
    "base": "base period: build the habit and the aerobic base slowly (R6)",
    "build": "build period: volume rises by at most the ramp each week (R6)",
    "peak": "peak period: the highest training load before the taper (R6)",
    "taper": "taper: volume cut and strength at maintenance before the race (R8)",
    "race": "race week: keep legs fresh, no strength in the days before the race (R8)",
    "recovery": "cutback/recovery week: volume drops at least 20 % so tissues adapt (R6)",
}


def describe(profile: Profile, week: WeekTarget, kind: Kind, minutes: int, template: str,
             race: Race | None, weeks: tuple[WeekTarget, ...] = (), slot: int = 1) -> tuple[str, str, dict[str, str]]:
    """(title, description, properties) for one session. `weeks` (the whole plan) places the week in
    its period for the workout progressions; `slot` is the session's number among its kind that week."""
    why = f"Week {week.index}, {PERIOD_WHY[week.period]}."
    if kind is Kind.RACE and race is not None:
        title = f"Race: {race.name} ({race.distance}, {race.priority} race)"
        runner = runner_of(profile)
        brief = race_workout(profile, race, minutes, runner)
        return title, run_text(brief, minutes, runner, why, title), {"STEPS": brief.steps_json()}
    if kind is Kind.STRENGTH:
        period = strength_period(profile, week.period, week.load_step)
        rx = session_prescription(profile.strength_level, profile.strength_type, period, template,
                                  profile.durations.strength)
        fitted = (f"\nShortened to fit your {profile.durations.strength}-minute slot (durations.strength): "
                  f"{rx.shortened} set{'s' * (rx.shortened != 1)} fewer than the table's (R7).") if rx.shortened else ""
        text = (f"{rx.description()}\n\n{why}\nStrength replaces a run (R2); at least 8 h from any run (R3) "
                f"and {profile.rules.strength_before_key_hours} h before a long or quality run (R13).{fitted}"
                f"\nPrescription: {profile.strength_level} in strength training, "
                f"{profile.strength_type.replace('_', ' ')}, {period} ({rx.minutes} min, R7).")
        props = {"TEMPLATE": template, "LOAD-STEP": str(rx.step), "RX-PERIOD": period}
        return rx.title(), text, props
    if kind is Kind.REHAB:  # the words come from the physio's programme file (solver/rehab.py)
        return f"Rehab {minutes} min (physio programme)", f"Your physiotherapist's programme (R9).\n{why}", {}
    runner = runner_of(profile)
    if week.run_walk and kind is Kind.EASY:
        workout = run_walk_workout(week.run_walk, minutes, runner)
        text = run_text(workout, minutes, runner, f"{why}\nRun/walk counts its whole length for R6 and R11.")
        return run_walk_title(week.run_walk, minutes), text, {"STEPS": workout.steps_json(),
                                                               "RUN-WALK": str(week.run_walk)}
    workout = session_workout(profile, weeks, week, kind, minutes, slot, runner)
    title = run_title(kind, minutes, workout)
    return title, run_text(workout, minutes, runner, why), {"STEPS": workout.steps_json()}


def run_title(kind: Kind, minutes: int, w: Workout) -> str:
    """ "Easy run 40 min + 6 × 20 s strides", "Long run 120 min (30 min marathon pace)",
    "Quality run 50 min (threshold: 3 × 8 min)"."""
    if kind is Kind.EASY:
        return f"Easy run {minutes} min" + (f" + {w.summary} {w.focus}" if w.summary else "")
    if kind is Kind.LONG:
        return f"Long run {minutes} min ({f'{w.summary} {w.focus}' if w.summary else 'easy'})"
    return f"Quality run {minutes} min ({f'{w.focus}: {w.summary}' if w.summary else w.focus})"


def run_text(w: Workout, minutes: int, runner: Runner, why: str, head: str = "") -> str:
    """The description of a run: its steps with their targets, why, where the targets come from."""
    lines = [head] if head else []
    lines.append(f"{minutes} min {'set aside' if w.kind == 'race' else 'in all'}:")
    lines += w.step_lines(runner.units)
    lines.append("")
    if w.why:
        lines.append(f"Why: {w.why}")
    lines += list(w.notes)
    lines.append(targets_line(runner))
    lines.append(why)
    return "\n".join(lines)


def targets_line(runner: Runner) -> str:
    said = []
    if runner.vdot is not None:
        said.append(f"paces from {runner.basis}")
    if runner.hr_basis:
        said.append(f"heart rate from {runner.hr_basis}")
    effort = "RPE is effort from 1 (very easy) to 10 (all-out), Borg's CR-10"
    if not said:
        return (f"Targets: by effort and the talk test ({effort}); add runner.recent_race for paces, "
                "runner.max_hr and runner.resting_hr for heart rates.")
    return f"Targets: {'; '.join(said)}. {effort}."


def strength_period(profile: Profile, period: str, step: int) -> str:
    """The table cell whose load step the week may use (R6: at most one step up a week)."""
    if load_step(profile.strength_level, profile.strength_type, period) == step:
        return period
    for other in PERIODS:
        if load_step(profile.strength_level, profile.strength_type, other) == step:
            return other
    return period
