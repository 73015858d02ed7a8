"""The installed `runcal` command leaves with os._exit once a command is done (cli.run): nothing it
writes or prints may be lost that way, and the exit codes stay those of cli.main."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from solver.check import check_calendar
from solver.profile import load_profile

from conftest import ROOT

RUNCAL = Path(sys.executable).with_name("runcal")
HALF = ROOT / "sample_calendars" / "intermediate_half.toml"


def _runcal(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(RUNCAL), *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_the_installed_command_is_the_quick_exit_entry_point():
    assert RUNCAL.exists(), "runcal is not installed in this environment (pip install -e .)"
    assert "from cli import run" in RUNCAL.read_text("utf-8")


def test_a_plan_written_and_its_piped_output_complete(tmp_path):
    out = tmp_path / "half.ics"
    done = _runcal("plan", str(HALF), "-o", str(out), "--now", "2026-11-27T08:00:00Z", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().splitlines()[-1].startswith(f"Wrote {out}")  # the last line, flushed through the pipe
    profile = load_profile(HALF)
    assert not check_calendar(out.read_bytes(), profile, str(out))


def test_exit_codes_are_kept(tmp_path):
    bad = _runcal("plan", str(tmp_path / "missing.toml"), "-o", str(tmp_path / "x.ics"), cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.startswith("Error: ") and "Traceback" not in bad.stderr
    assert not (tmp_path / "x.ics").exists()
    usage = _runcal("plan", "--no-such-option", cwd=tmp_path)
    assert usage.returncode == 2 and "no such option" in usage.stderr.lower()
    assert _runcal("--help", cwd=tmp_path).returncode == 0


def test_whatif_json_is_complete_after_its_process_pool(tmp_path):
    done = _runcal("whatif", str(HALF), "-s", "four: sessions=3", "--format", "json", "--jobs", "2", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)  # the whole document arrived
    assert "baseline" in json.dumps(data) and "four" in json.dumps(data)


def test_two_processes_with_different_hash_seeds_write_the_same_bytes(tmp_path):
    """Same inputs, byte-identical output across processes: nothing in the model's construction may
    follow set or identity-hash order (Options hash by identity), or CP-SAT could pick another of
    equal optima. The marathon sample with its busy calendar: the whole model, cliques, pruning."""
    import os

    marathon = ROOT / "sample_calendars" / "advanced_marathon.toml"
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"m{seed}.ics"
        done = subprocess.run([str(RUNCAL), "plan", str(marathon), "-o", str(out), "--now", "2026-11-27T08:00:00Z"],
                              capture_output=True, text=True, cwd=tmp_path, timeout=300,
                              env={**os.environ, "PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
