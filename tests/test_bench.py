"""Smoke test: the benchmark script still runs end to end (one repetition, few cases).

It asserts nothing about time — figures depend on the machine; targets are reported, not tested.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_quick_runs_and_prints_the_table(tmp_path):
    figures = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--json", str(figures)],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "case" in out and "×floor" in out and "peak MiB" in out and "status" in out  # table header
    assert any(line.startswith("import floor ") for line in out.splitlines())
    assert "16-week plan" in out and "target ≤ 2×" in out  # a ratio line
    assert "t(52 weeks) / t(16 weeks)" in out
    assert figures.read_text("utf-8").lstrip().startswith("{")
    # Every case that ran reports a solver status the script could read from the command's output.
    rows = [line for line in out.splitlines() if line.startswith(("plan ", "replan", "whatif"))]
    assert rows and all(" ? " not in row for row in rows), rows
