"""Helpers of the hostile-input suite (issue 16): run runcal in a subprocess and hold it to the
input contract.

Each hostile input is run as a real `runcal` process, reaped with os.wait4 (bench/measure.py), so
its CPU time and peak memory are its own. The bounds are generous on purpose — the suite is about
"bounded", not a benchmark: CPU time rather than wall time (a loaded machine does not fail it), and
a wall-clock limit only to catch a hang (a FIFO that blocks forever).
"""

from __future__ import annotations

import os
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.measure import ProcRun, run_process  # noqa: E402
from conftest import BASE_PROFILE, EVERY_DAY, STAMP, profile_text  # noqa: E402  (tests/conftest.py)

CPU_SECONDS = 10.0
PEAK_MIB = 500.0
HANG_SECONDS = 120.0
NOW = "2026-11-27T08:00:00Z"

# A small profile (4 weeks, every day open 06:00-21:00): plans in well under a second.
PROFILE = profile_text(BASE_PROFILE, EVERY_DAY)
REHAB = textwrap.dedent("""
    [programme]
    prescribed_by = "Dr P"
    sessions_per_week = 3
    minutes = 30

    [[exercise]]
    name = "Calf raise"
    sets = 3
    reps = "15"
    """)


def runcal_argv() -> list[str]:
    script = Path(sys.executable).with_name("runcal")  # the venv's entry point, as a user runs it
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from cli import main; sys.argv[0] = 'runcal'; main()"]


def runcal(*args: str | Path, cwd: Path, env: dict[str, str] | None = None, file_size: int | None = None) -> ProcRun:
    """One runcal process. `file_size`: RLIMIT_FSIZE in bytes (a disk that is full past that size)."""
    argv = runcal_argv() + [str(a) for a in args]
    if file_size is not None:
        argv = ["prlimit", f"--fsize={file_size}", *argv]
    return run_process(argv, timeout=HANG_SECONDS, cwd=str(cwd), env={**os.environ, **(env or {})})


def assert_bounded(run: ProcRun) -> None:
    assert not run.timed_out, f"still running after {HANG_SECONDS:.0f} s (a hang)"
    assert run.cpu <= CPU_SECONDS, f"{run.cpu:.1f} s CPU > {CPU_SECONDS} s"
    assert run.maxrss_mib <= PEAK_MIB, f"peak {run.maxrss_mib:.0f} MiB > {PEAK_MIB} MiB"


def assert_refused(run: ProcRun, *words: str) -> str:
    """Exit code 2, one line on stderr naming `words`, no traceback, within the bounds. Returns the line."""
    assert_bounded(run)
    assert "Traceback" not in run.stderr + run.stdout, run.stderr[-2000:]
    lines = run.stderr.splitlines()
    assert run.returncode == 2, (run.returncode, run.stdout[-500:], run.stderr[-1000:])
    assert len(lines) == 1 and lines[0].startswith("Error: "), run.stderr
    assert "\x1b" not in lines[0] and "\x00" not in lines[0]
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


@dataclass
class Folder:
    """A working folder whose files must come out of a refused command as they went in."""

    path: Path

    def snapshot(self) -> dict[str, tuple[bytes | str, int]]:
        found = {}
        for p in sorted(self.path.rglob("*")):
            st = p.lstat()
            if p.is_symlink():
                found[str(p.relative_to(self.path))] = (os.readlink(p), st.st_mode)
            elif p.is_file():
                found[str(p.relative_to(self.path))] = (p.read_bytes(), st.st_mode)
            else:
                found[str(p.relative_to(self.path))] = (b"", st.st_mode)
        return found


_PLAN: dict[str, bytes] = {}


def plan_bytes() -> bytes:
    """PROFILE planned once (in-process: it is an input here, not what is tested) and checked."""
    if "plan" not in _PLAN:
        from solver.check import check_calendar
        from solver.ics import plan_to_ical
        from solver.profile import parse_profile
        from solver.solve import make_plan

        profile = parse_profile(PROFILE, "p.toml")
        data = plan_to_ical(make_plan(profile), STAMP)
        assert check_calendar(data, profile) == []
        _PLAN["plan"] = data
    return _PLAN["plan"]


def workdir(tmp_path: Path) -> tuple[Folder, dict[str, tuple[bytes | str, int]]]:
    """tmp_path with the profile (p.toml), its plan (plan.ics), a rehab file and an output that must
    survive (out.ics); and the snapshot to compare with afterwards."""
    (tmp_path / "p.toml").write_text(PROFILE)
    (tmp_path / "rehab.toml").write_text(REHAB)
    (tmp_path / "out.ics").write_bytes(b"precious: an earlier plan\r\n")
    (tmp_path / "plan.ics").write_bytes(plan_bytes())
    folder = Folder(tmp_path)
    return folder, folder.snapshot()
