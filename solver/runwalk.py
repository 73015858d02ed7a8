"""Run/walk sessions for new runners: the NHS Couch to 5K stages (solver/data/periodization.toml)
turned into steps that add up to the session exactly.

A session of any length holds a brisk walk, whole repeats of the stage's run:walk ratio on a
15-second beat, and an easy walk with the seconds left; past the last stage the session is
continuous easy running after the walk (NHS weeks 7-9).
"""

from __future__ import annotations

from .intensity import Runner
from .periodization import shape
from .workouts import Repeat, Step, Workout

BEAT_S = 15  # repeats are timed in quarter minutes, as a watch or the NHS app counts them
WHY = ("Couch to 5K: run gently enough to talk and walk to recover; the walking is part of the session, "
       "and the running share grows from stage to stage (NHS).")


def run_walk_title(stage: int, minutes: int) -> str:
    if stage > len(shape().run_walk_stages):
        return f"Easy run {minutes} min (Couch to 5K: continuous)"
    return f"Run/walk {minutes} min (Couch to 5K stage {stage})"


def run_walk_workout(stage: int, minutes: int, runner: Runner) -> Workout:
    stages = shape().run_walk_stages
    total = minutes * 60
    if stage > len(stages):
        warm = min(5, minutes // 4) * 60
        items = (Step("walk", warm, runner.target("walk"), "brisk"), Step("run", total - warm, runner.target("easy")))
        return Workout("run_walk", "continuous easy running", "", WHY, items, sources=("nhs_c25k",))
    warm_min, run_s, walk_s = stages[stage - 1]
    warm = min(warm_min, minutes // 3) * 60
    left = total - warm
    repeats = max(1, round(left / (run_s + walk_s)))
    cycle = left // repeats // BEAT_S * BEAT_S
    run = max(BEAT_S, round(cycle * run_s / (run_s + walk_s) / BEAT_S) * BEAT_S)
    walk = cycle - run
    rest = left - repeats * cycle
    items: list = [Step("walk", warm, runner.target("walk"), "brisk")]
    pair = (Step("run", run, runner.target("easy")),) + ((Step("walk", walk, runner.target("walk")),) if walk else ())
    items.append(Repeat(repeats, pair))
    if rest:
        items.append(Step("walk", rest, runner.target("walk")))
    summary = f"{repeats} × ({_words(run)} run, {_words(walk)} walk)" if walk else f"{repeats} × {_words(run)} run"
    return Workout("run_walk", f"run/walk, stage {stage}", summary, WHY, tuple(items), sources=("nhs_c25k",))


def _words(seconds: int) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"{minutes} min {secs} s" if secs and minutes else f"{secs} s" if secs else f"{minutes} min"
