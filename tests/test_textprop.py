"""X- property values are RFC 5545 TEXT: escaped on write, unescaped on read, and a plan's state
survives parsers we did not write (vobject, which Radicale stores its rewrite with)."""

from __future__ import annotations

import datetime as dt
import os
import stat

import icalendar
import pytest
import vobject
from conftest import STAMP, plan_checked, profile_text, BASE_PROFILE, EVERY_DAY
from hypothesis import given, strategies as st

from solver import textprop
from solver.check import check_calendar, read_plan
from solver.files import write_atomic
from solver.profile import parse_profile, profile_json
from solver.replan import replan

# A profile whose JSON holds every character TEXT escapes: commas (always), a semicolon, a
# backslash and a double quote in the runner's name.
NAME = 'Sam "Rocket" O\\Brien; Jr., Esq.'
PROFILE = profile_text(BASE_PROFILE.replace('name = "Test Runner"', r'name = "Sam \"Rocket\" O\\Brien; Jr., Esq."'),
                       EVERY_DAY)


@given(st.text())
def test_escape_and_unescape_are_exact_inverses(text):
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    assert textprop.unescape(textprop.escape(text)) == expected
    assert not any(c in textprop.escape(text).replace("\\,", "").replace("\\;", "").replace("\\\\", "")
                   for c in ",;\n")


def test_written_values_are_escaped_and_read_back():
    cal = icalendar.Calendar()
    textprop.add(cal, "X-RUNCAL-DROPPED", "R6: a, b; c\\d\nnext")
    raw = cal.to_ical().decode()
    assert "X-RUNCAL-DROPPED:R6: a\\, b\\; c\\\\d\\nnext\r\n" in raw
    back = icalendar.Calendar.from_ical(raw)
    assert textprop.get(back, "X-RUNCAL-DROPPED") == "R6: a, b; c\\d\nnext"


def test_profile_json_is_written_escaped():
    profile = parse_profile(PROFILE, "p.toml")
    assert profile.name == NAME
    _, data = plan_checked(PROFILE, "p.toml")
    unfolded = data.decode().replace("\r\n ", "")
    line = next(ln for ln in unfolded.split("\r\n") if ln.startswith("X-RUNCAL-PROFILE:"))
    value = line.partition(":")[2]
    assert "," in profile_json(profile) and not any(  # every comma and semicolon is escaped
        c in value.replace("\\,", "").replace("\\;", "").replace("\\\\", "") for c in ",;")
    assert read_plan(data, None, "plan.ics").profile.name == NAME


def test_plan_written_before_escaping_still_reads():
    """runcal wrote X-RUNCAL-PROFILE raw until now: such files keep working."""
    _, data = plan_checked(PROFILE, "p.toml")
    cal = icalendar.Calendar.from_ical(data)
    raw = profile_json(parse_profile(PROFILE, "p.toml"))
    del cal["X-RUNCAL-PROFILE"]
    cal.add("X-RUNCAL-PROFILE", raw)  # as the old writer did: commas unescaped
    old = cal.to_ical()
    assert f"X-RUNCAL-PROFILE:{raw[:40]}".encode() in old.replace(b"\r\n ", b"")
    assert read_plan(old, None, "old.ics").profile.name == NAME


def _through_vobject(data: bytes) -> bytes:
    """What a vobject-based server (Radicale) stores: vobject's parse and re-serialisation."""
    return vobject.readOne(data.decode("utf-8")).serialize().encode("utf-8")


def test_profile_with_commas_survives_a_vobject_round_trip():
    profile = parse_profile(PROFILE, "p.toml")
    plan, data = plan_checked(PROFILE, "p.toml")
    back = _through_vobject(data)
    assert back != data  # vobject did rewrite it
    again = read_plan(back, None, "vobject.ics")
    assert profile_json(again.profile) == profile_json(profile)
    assert check_calendar(back, None, "vobject.ics") == []  # the checker reads the rewrite, profile and all
    # ...and a re-plan works from vobject's rewrite, and its own output survives vobject too.
    week2 = plan.weeks[1].monday
    result = replan(back, "vobject.ics", today=week2 + dt.timedelta(days=7),
                    missed_ranges=[(week2, week2 + dt.timedelta(days=6))], stamp=STAMP + dt.timedelta(days=9))
    after = _through_vobject(result.data)
    assert check_calendar(after, profile, "replanned.ics") == []

    def reasons(data: bytes) -> dict[str, str]:
        return {str(e["UID"]): textprop.get(e, "X-RUNCAL-DROPPED") for e in icalendar.Calendar.from_ical(data).walk("VEVENT")
                if "X-RUNCAL-DROPPED" in e}

    assert any("," in why or ";" in why for why in reasons(result.data).values())
    assert reasons(after) == reasons(result.data)  # reasons with commas come back whole
    assert textprop.get(icalendar.Calendar.from_ical(after), "X-WR-CALNAME") == f"runcal: {NAME}"


def test_unescaped_values_are_what_vobject_cuts():
    """The reason for all this: the raw form runcal used to write does not survive vobject."""
    _, data = plan_checked(PROFILE, "p.toml")
    cal = icalendar.Calendar.from_ical(data)
    raw = profile_json(parse_profile(PROFILE, "p.toml"))
    del cal["X-RUNCAL-PROFILE"]
    cal.add("X-RUNCAL-PROFILE", raw)
    back = icalendar.Calendar.from_ical(_through_vobject(cal.to_ical()))
    assert str(back["X-RUNCAL-PROFILE"]) != raw


def test_new_files_get_the_umask_and_existing_files_keep_their_mode(tmp_path):
    old = os.umask(0o027)
    try:
        fresh = tmp_path / "new.ics"
        write_atomic(fresh, b"x")
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o640
        kept = tmp_path / "kept.ics"
        kept.write_bytes(b"old")
        kept.chmod(0o604)
        write_atomic(kept, b"new")
        assert kept.read_bytes() == b"new" and stat.S_IMODE(kept.stat().st_mode) == 0o604
    finally:
        os.umask(old)


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600)])
def test_cli_output_mode_follows_the_umask(tmp_path, umask, mode):
    from click.testing import CliRunner

    from cli import main

    old = os.umask(umask)
    try:
        out = tmp_path / "plan.ics"
        result = CliRunner().invoke(main, ["plan", "-o", str(out), "--now", "2026-11-27T08:00:00Z"])
        assert result.exit_code == 0, result.output
        assert stat.S_IMODE(out.stat().st_mode) == mode
    finally:
        os.umask(old)
