"""Words for the runner: the title and description of each session."""

from __future__ import annotations

from .domain import PERIODS, Kind, Profile, Race, WeekTarget
from .periodization import shape
from .prescriptions import load_step, session_prescription

QUALITY_FOCUS = {
    "base": ("hills", "6–8 × 30 s uphill at a strong effort, jog back down"),
    "build": ("tempo", "20–30 min at comfortably-hard pace inside the run"),
    "peak": ("intervals", "5–6 × 4 min at 10 km effort, 2 min easy jog between"),
    "taper": ("race pace", "3–4 × 5 min at goal race pace, full recovery"),
    "race": ("strides", "4 × 20 s relaxed strides"),
    "recovery": ("fartlek", "6 × 1 min brisk, 2 min easy"),
}
PERIOD_WHY = {
    "base": "base period: build the habit and the aerobic base slowly (R6)",
    "build": "build period: volume rises by at most the ramp each week (R6)",
    "peak": "peak period: the highest training load before the taper (R6)",
    "taper": "taper: volume cut and strength at maintenance before the race (R8)",
    "race": "race week: keep legs fresh, no strength in the days before the race (R8)",
    "recovery": "cutback/recovery week: volume drops at least 20 % so tissues adapt (R6)",
}


def describe(profile: Profile, week: WeekTarget, kind: Kind, minutes: int, template: str,
             race: Race | None) -> tuple[str, str, dict[str, str]]:
    """(title, description, prescription properties) for one session."""
    why = f"Week {week.index}, {PERIOD_WHY[week.period]}."
    if kind is Kind.RACE and race is not None:
        title = f"Race: {race.name} ({race.distance}, {race.priority} race)"
        return title, f"{title}\nGoal race, a fixed session (R8). Warm up well; enjoy it.", {}
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
    if kind is Kind.LONG:
        return f"Long run {minutes} min (easy)", f"Long run, {minutes} min at an easy, conversational pace.\n{why}", {}
    if kind is Kind.QUALITY:
        focus, detail = QUALITY_FOCUS[week.period]
        return (f"Quality run {minutes} min ({focus})",
                f"{minutes} min in all: 15 min easy warm-up, {detail}, easy cool-down.\n{why}", {})
    if week.run_walk:
        title, steps = run_walk(week.run_walk, minutes)
        return title, f"{steps}\n{why}\nRun/walk counts its whole length for R6 and R11.", {"RUN-WALK": str(week.run_walk)}
    return f"Easy run {minutes} min", f"Easy run, {minutes} min at a relaxed pace.\n{why}", {}


def run_walk(stage: int, minutes: int) -> tuple[str, str]:
    """(title, steps) of a run/walk session of `minutes` at an NHS Couch to 5K stage
    (solver/data/periodization.toml): a brisk walk, whole run/walk repeats, an easy walk to
    finish; the steps add up to the session exactly. Past the last stage: continuous running."""
    stages = shape().run_walk_stages
    total = minutes * 60
    if stage > len(stages):
        warm = min(5, minutes // 4) * 60
        steps = [f"{_clock(warm)} brisk walk", f"{_clock(total - warm)} easy running without walking breaks"]
        return f"Easy run {minutes} min (Couch to 5K: continuous)", "Run/walk done: " + ", then ".join(steps) + "."
    warm_min, run_s, walk_s = stages[stage - 1]
    warm = min(warm_min, minutes // 3) * 60
    left = total - warm
    # Whole repeats of the stage's run:walk ratio filling the time left, on a 15-second beat.
    repeats = max(1, round(left / (run_s + walk_s)))
    cycle = left // repeats // 15 * 15
    run = max(15, round(cycle * run_s / (run_s + walk_s) / 15) * 15)
    walk = cycle - run
    rest = left - repeats * cycle
    steps = [f"{_clock(warm)} brisk walk", f"{repeats} × ({_clock(run)} easy running, {_clock(walk)} walking)"]
    if rest:
        steps.append(f"{_clock(rest)} easy walk")
    return (f"Run/walk {minutes} min (Couch to 5K stage {stage})",
            f"Run/walk, {minutes} min: " + ", then ".join(steps) + ". Run gently enough to talk.")


def _clock(seconds: int) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"{minutes} min {secs} s" if secs and minutes else f"{secs} s" if secs else f"{minutes} min"


def strength_period(profile: Profile, period: str, step: int) -> str:
    """The table cell whose load step the week may use (R6: at most one step up a week)."""
    if load_step(profile.strength_level, profile.strength_type, period) == step:
        return period
    for other in PERIODS:
        if load_step(profile.strength_level, profile.strength_type, other) == step:
            return other
    return period
