"""The command line: exit codes, one-line errors, atomic output, documented commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from cli import main

NOW = "2026-11-27T08:00:00Z"
SAMPLE = str(ROOT / "sample_calendars" / "beginner_10k.toml")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_plan_then_check(runner, tmp_path):
    out = tmp_path / "plan.ics"
    result = runner.invoke(main, ["plan", SAMPLE, "-o", str(out), "--now", NOW])
    assert result.exit_code == 0, result.output
    assert "Week  Starts" in result.output and "Solver: optimal" in result.output
    first = out.read_bytes()
    checked = runner.invoke(main, ["check", str(out)])
    assert checked.exit_code == 0 and checked.output.startswith("OK")
    with_profile = runner.invoke(main, ["check", str(out), "--profile", SAMPLE])
    assert with_profile.exit_code == 0
    again = runner.invoke(main, ["plan", SAMPLE, "-o", str(out), "--now", NOW])
    assert again.exit_code == 0 and out.read_bytes() == first


def test_source_date_epoch_sets_dtstamp(runner, tmp_path):
    out = tmp_path / "plan.ics"
    result = runner.invoke(main, ["plan", SAMPLE, "-o", str(out)], env={"SOURCE_DATE_EPOCH": "1798329600"})
    assert result.exit_code == 0
    assert b"DTSTAMP:20261227T000000Z" in out.read_bytes()


def test_plan_without_profile_uses_builtin_sample(runner, tmp_path):
    out = tmp_path / "p.ics"
    result = runner.invoke(main, ["plan", "-o", str(out), "--now", NOW])
    assert result.exit_code == 0, result.output
    assert b"Manchester Marathon" in out.read_bytes()


def test_check_reports_a_hand_edited_violation(runner, tmp_path):
    out = tmp_path / "plan.ics"
    runner.invoke(main, ["plan", SAMPLE, "-o", str(out), "--now", NOW])
    text = out.read_bytes().decode()
    # Move the first strength session onto the race day, by hand.
    head, _, rest = text.partition("X-RUNCAL-KIND:strength")
    start = head.rindex("BEGIN:VEVENT")
    event = head[start:]
    lines = event.split("\r\n")
    lines = [("DTSTART;TZID=America/New_York:20270314T170000" if ln.startswith("DTSTART") else
              "DTEND;TZID=America/New_York:20270314T173000" if ln.startswith("DTEND") else ln) for ln in lines]
    out.write_bytes((head[:start] + "\r\n".join(lines) + "X-RUNCAL-KIND:strength" + rest).encode())
    result = runner.invoke(main, ["check", str(out)])
    assert result.exit_code == 1
    assert "R8:" in result.output and "R3:" in result.output


@pytest.mark.parametrize("content, expected", [
    ("not = [toml", "bad.toml: not valid TOML"),
    ('[runner]\ntimezone = "Nowhere/Land"\n', "bad.toml: runner.timezone: unknown time zone"),
])
def test_bad_profile_exit_2_no_traceback_output_untouched(runner, tmp_path, content, expected):
    bad = tmp_path / "bad.toml"
    bad.write_text(content)
    out = tmp_path / "plan.ics"
    out.write_bytes(b"precious")
    result = runner.invoke(main, ["plan", str(bad), "-o", str(out), "--now", NOW])
    assert result.exit_code == 2
    assert result.output.startswith("Error: ") and expected in result.output
    assert "Traceback" not in result.output and result.output.count("\n") == 1
    assert out.read_bytes() == b"precious"
    assert set(tmp_path.iterdir()) == {bad, out}  # no temp file left behind


def test_bad_now_option(runner, tmp_path):
    result = runner.invoke(main, ["plan", SAMPLE, "-o", str(tmp_path / "x.ics"), "--now", "yesterday"])
    assert result.exit_code == 2 and "--now: 'yesterday' is not an ISO 8601 date-time" in result.output


def test_check_on_garbage_is_exit_2(runner, tmp_path):
    junk = tmp_path / "junk.ics"
    junk.write_text("hello")
    result = runner.invoke(main, ["check", str(junk)])
    assert result.exit_code == 2 and result.output.startswith("Error: ")
    assert "Traceback" not in result.output


def test_no_plan_exists_is_exit_1(runner, tmp_path):
    # Saturday is the only day to train, and R1 asks for two strength sessions a week from week 1:
    # one day holds one strength session (R3's "two sessions on one day are allowed only this way").
    profile = tmp_path / "tight.toml"
    text = (ROOT / "sample_calendars" / "beginner_10k.toml").read_text()
    days = text[text.index("mon = "):text.index("[durations]")]
    profile.write_text(text.replace(days, 'sat = ["08:00-20:00"]\n\n[rules]\nstrength_min = 2\n'
                                          "strength_intro_weeks = 0\n\n"))
    out = tmp_path / "plan.ics"
    result = runner.invoke(main, ["plan", str(profile), "-o", str(out), "--now", NOW])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: No plan: ") and "R1" in result.output and "Fix:" in result.output
    assert not out.exists()


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help_with_an_example(runner, command):
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output


def test_core_commands_exist():
    assert {"plan", "check"} <= set(main.commands)


def test_console_script_entry_point_declared():
    # cli.run: main, then a quick exit (test_quick_exit.py)
    assert 'runcal = "cli:run"' in (Path(ROOT) / "pyproject.toml").read_text()
