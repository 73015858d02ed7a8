"""Issue 20's cases: the inputs a runner brings. Each sample profile with a busy calendar (the
marathon sample's own Google export; for the half and the 10k, which have none, a generated
Google-style export in their zone), its re-plans (a missed quality run, a missed week, a changed
calendar), what-if on the marathon sample, a batch of generated runners with B races and busy
calendars (whole processes), and the Sunday–Monday cliff against the whole model."""

from __future__ import annotations

import datetime as dt
import functools
import re
import shutil
from pathlib import Path

import runner_inputs

ROOT = Path(__file__).resolve().parents[1]
SAMPLES_DIR = ROOT / "sample_calendars"
NOW = "2026-11-27T08:00:00Z"
SAMPLES = {  # key -> (sample file, seed of the generated calendar or None: its own)
    "marathon": ("advanced_marathon.toml", None),
    "half": ("intermediate_half.toml", 21),
    "10k": ("beginner_10k.toml", 22),
}
WHATIF_MARATHON = (  # sessions, level and race date (the B race kept where the date moves)
    "six-sessions: sessions=6",
    "intermediate: level=intermediate",
    "two-weeks-later: race=2027-03-07 half B 09:00 Reading Half; race=2027-04-25 marathon A 09:00 Manchester Marathon",
    "two-weeks-earlier: race=2027-03-07 half B 09:00 Reading Half; race=2027-03-28 marathon A 09:00 Manchester Marathon",
)
# The known cliff (README): every day free, long run on Saturday, the optimum rests on Sunday and Monday.
CLIFF = """\
[runner]
name = "Cliff"
timezone = "Europe/London"
level = "intermediate"
sessions_per_week = 4
weekly_minutes = 120
long_run_day = "sat"

[plan]
start = 2027-01-04
end = 2027-03-28

[availability]
mon = ["06:00-21:00"]
tue = ["06:00-21:00"]
wed = ["06:00-21:00"]
thu = ["06:00-21:00"]
fri = ["06:00-21:00"]
sat = ["06:00-21:00"]
sun = ["06:00-21:00"]
"""


class RunnerInputs:
    """The samples (copied with their calendars into the scratch directory), their plans (made
    once on first use, not timed), the re-plan inputs, the batch files and the cliff profile."""

    def __init__(self, inp) -> None:
        self.inp = inp
        self.dir = inp.dir / "runner"
        self.dir.mkdir(exist_ok=True)

    @functools.cached_property
    def samples(self) -> dict[str, Path]:
        found = {}
        for key, (name, seed) in SAMPLES.items():
            text = (SAMPLES_DIR / name).read_text("utf-8")
            if seed is None:  # the sample names its own calendar: copy it along
                for calendar in re.findall(r'"([^"]+\.ics)"', text.split("[busy]", 1)[1]):
                    shutil.copy(SAMPLES_DIR / calendar, self.dir / calendar)
            else:
                zone = re.search(r'timezone = "([^"]+)"', text)[1]
                start = dt.date.fromisoformat(re.search(r"start = (\d{4}-\d\d-\d\d)", text)[1])
                monday = start - dt.timedelta(days=start.weekday())
                (self.dir / f"{key}_busy.ics").write_bytes(runner_inputs.google_export(seed, zone, monday, 20, key))
                text += f'\n[busy]\ncalendars = ["{key}_busy.ics"]\n'
            path = self.dir / name
            path.write_text(text, "utf-8")
            found[key] = path
        return found

    @functools.lru_cache(maxsize=None)
    def plan(self, key: str) -> tuple[Path, list[dict]]:
        """The sample's plan (made once, not timed) and every session of it in time order."""
        from cases import all_sessions

        path = self.dir / f"{key}_plan.ics"
        made = self.inp.run_runcal("plan", str(self.samples[key]), "-o", str(path), "--now", NOW)
        if made.returncode != 0:
            raise RuntimeError(f"could not plan the {key} sample: {made.stderr.strip()}")
        return path, all_sessions(path)

    def middle_week(self, key: str) -> int:
        _, sessions = self.plan(key)
        return max(s["week"] for s in sessions) // 2

    def new_events(self, key: str) -> Path:
        """A changed calendar: two new events over the first two sessions after Monday of the middle
        week (re-planned from that Monday)."""
        _, sessions = self.plan(key)
        week = [s for s in sessions if s["week"] == self.middle_week(key) and s["kind"] != "race"]
        zone = re.search(r'timezone = "([^"]+)"', self.samples[key].read_text("utf-8"))[1]
        moments = [(s["start"] - dt.timedelta(minutes=15), s["minutes"] + 30, summary)
                   for s, summary in zip(week[1:3], ("Board meeting", "Late train home"))]
        path = self.dir / f"{key}_new_events.ics"
        path.write_bytes(runner_inputs.add_events(runner_inputs._calendar(zone, key, []), zone, moments))
        return path

    @functools.cached_property
    def batch(self) -> list[Path]:
        paths = []
        batch_dir = self.dir / "batch"
        batch_dir.mkdir(exist_ok=True)
        for name, text, calendar in runner_inputs.runner_profiles(self.inp.runner_batch_count):
            (batch_dir / f"{name}.ics").write_bytes(calendar)
            path = batch_dir / f"{name}.toml"
            path.write_text(text, "utf-8")
            paths.append(path)
        return paths

    @functools.cached_property
    def cliff(self) -> Path:
        path = self.dir / "cliff.toml"
        path.write_text(CLIFF, "utf-8")
        return path


# ---------------------------------------------------------------------------------------------
# Command lines (each takes the benchmark's Inputs, whose .runner is a RunnerInputs).

def sample_plan_argv(key: str):
    def argv(inp) -> list[str]:
        return [inp.runcal, "plan", str(inp.runner.samples[key]), "-o", inp.out(f"sample_{key}.ics"), "--now", NOW]
    return argv


def sample_replan_argv(key: str, what: str):
    def argv(inp) -> list[str]:
        r = inp.runner
        base, sessions = r.plan(key)
        week = r.middle_week(key)
        in_week = [s for s in sessions if s["week"] == week and s["kind"] != "race"]
        profile = ["--profile", str(r.samples[key])]
        out = ["-o", inp.out(f"replan_{key}_{what}.ics"), "--now", NOW]
        monday = min(s["start"] for s in in_week).date()
        monday -= dt.timedelta(days=monday.weekday())
        if what == "session":  # a missed quality run (else the week's first session), re-planned the day after
            missed = next((s for s in in_week if s["kind"] == "quality"), in_week[0])
            day = missed["start"].date()
            return [inp.runcal, "replan", str(base), "--today", (day + dt.timedelta(days=1)).isoformat(),
                    "--missed", f"{day.isoformat()}:{missed['kind']}", *profile, *out]
        if what == "week":
            return [inp.runcal, "replan", str(base), "--today", (monday + dt.timedelta(weeks=1)).isoformat(),
                    "--missed-from", monday.isoformat(), "--to", (monday + dt.timedelta(days=6)).isoformat(),
                    *profile, *out]
        return [inp.runcal, "replan", str(base), "--today", monday.isoformat(), "--busy", str(r.new_events(key)),
                *profile, *out]
    return argv


def whatif_marathon_argv(inp) -> list[str]:
    scenarios = [arg for s in WHATIF_MARATHON for arg in ("--scenario", s)]
    return [inp.runcal, "whatif", str(inp.runner.samples["marathon"]), *scenarios, "--format", "json"]


def cliff_argv(inp) -> list[str]:
    return [inp.runcal, "plan", str(inp.runner.cliff), "-o", inp.out("cliff.ics"), "--now", NOW]


def batch_argvs(inp) -> list[list[str]]:
    return [[inp.runcal, "plan", str(p), "-o", str(p.with_suffix(".plan.ics")), "--now", NOW]
            for p in inp.runner.batch]
