"""A plan file is input too (issue 16): replan, injury and check use its embedded X-RUNCAL-PROFILE
only after the profile reader has read it (the same code and bounds as a profile file), and
SEQUENCE, UID, dates and the other X-RUNCAL values are checked before anything is computed from
them. An edited plan is one line and exit code 2, never a traceback, never a re-plan that breaks
the rules; `check` flags events sharing a UID."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

import icalendar
import pytest
from bounded import NOW, assert_bounded, assert_refused, plan_bytes, runcal, workdir
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings, strategies as st

from cli import main
from solver import textprop
from solver.check import check_calendar
from solver.profile import load_profile

TODAY = "2027-01-12"
CLEARED = dt.date(2027, 1, 17)


def embedded(data: bytes) -> dict:
    return json.loads(textprop.get_json(icalendar.Calendar.from_ical(data), "X-RUNCAL-PROFILE"))


def with_profile(data: bytes, profile, rehash: bool = True) -> bytes:
    """The plan with X-RUNCAL-PROFILE replaced (any JSON value, or raw text), its hash made to match
    (an edit that knows the format) unless `rehash` is False."""
    cal = icalendar.Calendar.from_ical(data)
    text = profile if isinstance(profile, str) else json.dumps(profile, sort_keys=True, separators=(",", ":"))
    textprop.put(cal, "X-RUNCAL-PROFILE", text)
    if rehash:
        textprop.put(cal, "X-RUNCAL-PROFILE-HASH", hashlib.sha256(text.encode()).hexdigest()[:16])
    return cal.to_ical()


def edited(path: list, value):
    """The plan's embedded profile with one value replaced (made when the test runs)."""
    def make() -> dict:
        profile = embedded(plan_bytes())
        table = profile
        for key in path[:-1]:
            table = table[key]
        table[path[-1]] = value
        return profile
    return make


PROFILE_EDITS = {  # edit -> words of the one line (the profile reader's own field names and bounds)
    "out-of-bounds": (edited(["sessions_per_week"], 99), ("runner.sessions_per_week", "[2, 14]")),
    "wrong-type": (edited(["weekly_minutes"], "120"), ("runner.weekly_minutes", "'120' is not a whole number")),
    "taper-empty": (edited(["rules", "taper_pct"], []), ("rules.taper_pct", "[] is not 2 falling percentages")),
    "strength-0-min": (edited(["durations", "strength"], 0), ("durations.strength", "[20, 120]")),
    "null": (lambda: "null", ("X-RUNCAL-PROFILE", "is null in JSON, not an object")),
    "deep": (lambda: "[" * 100_000 + "]" * 100_000, ("X-RUNCAL-PROFILE", "nested too deeply")),
    "nan": (lambda: json.dumps(embedded(plan_bytes())).replace('"weekly_minutes": 120', '"weekly_minutes": NaN'),
            ("NaN is not a number JSON allows",)),
    "unknown-field": (lambda: {**embedded(plan_bytes()), "bogus": 1}, ("X-RUNCAL-PROFILE bogus", "unknown field")),
    "zone-folder": (edited(["timezone"], "Europe"), ("runner.timezone", "unknown time zone 'Europe'")),
    "year-9999": (edited(["end"], "9999-12-31"), ("plan.end", "9999-12-31 lies outside")),
    "name-newline": (edited(["name"], "Sam\nEvil"), ("runner.name", "contains a line break")),
    "race-bad-goal": (edited(["races"], [{"name": "R", "date": "2027-01-31", "distance": "5k", "priority": "A",
                                          "start": "09:00:00", "goal_time": 1}]), ("race[0].goal_time",)),
}


# check and injury read the embedded profile through the checker's reader, replan through its own call.
@pytest.mark.parametrize("edit, command", [(edit, command) for edit in sorted(PROFILE_EDITS)
                                           for command in ("check", "replan")] + [("out-of-bounds", "injury")])
def test_an_edited_embedded_profile_is_read_as_a_profile_file_is(tmp_path, edit, command):
    make, words = PROFILE_EDITS[edit]
    folder, _ = workdir(tmp_path)
    (tmp_path / "plan.ics").write_bytes(with_profile(plan_bytes(), make()))
    before = folder.snapshot()
    args = {"check": ["check", "plan.ics"],
            "replan": ["replan", "plan.ics", "--today", TODAY, "--now", NOW],
            "injury": ["injury", "plan.ics", "--from", TODAY, "--now", NOW]}[command]
    assert_refused(runcal(*args, cwd=tmp_path), "plan.ics", "X-RUNCAL-PROFILE", *words)
    assert folder.snapshot() == before


def test_an_embedded_profile_edited_without_its_hash_is_refused(tmp_path):
    """An edit within every bound (five sessions instead of four) is still not the profile the plan
    was made with: the hash runcal wrote beside it says so, and check would otherwise judge the plan
    by rules it was not made with."""
    folder, _ = workdir(tmp_path)
    (tmp_path / "plan.ics").write_bytes(with_profile(plan_bytes(), edited(["sessions_per_week"], 5)(), rehash=False))
    before = folder.snapshot()
    for args in (["check", "plan.ics"], ["replan", "plan.ics", "--today", TODAY, "--now", NOW]):
        assert_refused(runcal(*args, cwd=tmp_path), "X-RUNCAL-PROFILE", "was changed after runcal wrote it",
                       "--profile")
    assert folder.snapshot() == before


def _first_event(data: bytes, edit) -> bytes:
    text = data.decode()
    at = text.index("BEGIN:VEVENT", text.index("END:VTIMEZONE"))
    end = text.index("END:VEVENT", at)
    return (text[:at] + edit(text[at:end]) + text[end:]).encode()


EVENT_EDITS = {
    "sequence-abc": (lambda e: e.replace("SEQUENCE:0", "SEQUENCE:abc"), ("SEQUENCE", "cannot be read", "abc")),
    "sequence-huge": (lambda e: e.replace("SEQUENCE:0", "SEQUENCE:" + "9" * 5000), ("SEQUENCE", "cannot be read")),
    "sequence-2**31": (lambda e: e.replace("SEQUENCE:0", "SEQUENCE:2147483648"), ("SEQUENCE", "cannot be read")),
    "sequence-negative": (lambda e: e.replace("SEQUENCE:0", "SEQUENCE:-1"), ("SEQUENCE", "-1 is not a whole number")),
    "year-9999": (lambda e: re.sub(r"(DTSTART|DTEND)(;TZID=Europe/London)?:\d{4}", r"\1\2:9999", e),
                  ("DTSTART", "9999-01-04 lies outside")),
    "not-a-date": (lambda e: re.sub(r"DTSTART;TZID=Europe/London:\S+", "DTSTART;TZID=Europe/London:soon", e),
                   ("DTSTART",)),
    "control-char": (lambda e: e.replace("SUMMARY:", "SUMMARY:\x1b[31m", 1), ("control character U+001B",)),
    "secondly-rrule": (lambda e: e.replace("SEQUENCE:0", "SEQUENCE:0\r\nRRULE:FREQ=SECONDLY"), ("repeats every second",)),
}


@pytest.mark.parametrize("command", ["check", "replan"])
@pytest.mark.parametrize("edit", sorted(EVENT_EDITS))
def test_an_edited_event_is_one_line(tmp_path, edit, command):
    change, words = EVENT_EDITS[edit]
    folder, _ = workdir(tmp_path)
    (tmp_path / "plan.ics").write_bytes(_first_event(plan_bytes(), change))
    before = folder.snapshot()
    args = ["check", "plan.ics"] if command == "check" else ["replan", "plan.ics", "--today", TODAY, "--now", NOW]
    assert_refused(runcal(*args, cwd=tmp_path), "plan.ics", *words)
    assert folder.snapshot() == before


@pytest.mark.parametrize("prop, value, words", [
    ("X-RUNCAL-PLAN-END", "9999-12-31", ("X-RUNCAL-PLAN-END", "9999-12-31 lies outside")),
    ("X-RUNCAL-PLAN-START", "0001-01-01", ("X-RUNCAL-PLAN-START", "0001-01-01 lies outside")),
    ("X-RUNCAL-PLAN-END", "2031-01-31", ("X-RUNCAL-PLAN-END", "longer than 104 weeks")),
    ("X-RUNCAL-INJURY", "2027-01-05/9999-01-01", ("X-RUNCAL-INJURY", "9999-01-01 lies outside")),
])
def test_an_edited_calendar_property_is_one_line(tmp_path, prop, value, words):
    folder, _ = workdir(tmp_path)
    cal = icalendar.Calendar.from_ical(plan_bytes())
    textprop.put(cal, prop, value)
    (tmp_path / "plan.ics").write_bytes(cal.to_ical())
    before = folder.snapshot()
    for args in (["check", "plan.ics"], ["replan", "plan.ics", "--today", TODAY, "--now", NOW]):
        assert_refused(runcal(*args, cwd=tmp_path), "plan.ics", *words)
    assert folder.snapshot() == before


def test_check_flags_events_sharing_a_uid_or_without_one(tmp_path):
    folder, _ = workdir(tmp_path)
    text = plan_bytes().decode()
    uids = re.findall(r"^UID:(\S+)\r$", text, re.M)
    twice = text.replace(f"UID:{uids[1]}\r\n", f"UID:{uids[0]}\r\n")
    (tmp_path / "twice.ics").write_text(twice, newline="")
    (tmp_path / "none.ics").write_text(text.replace(f"UID:{uids[2]}\r\n", ""), newline="")
    run = runcal("check", "twice.ics", cwd=tmp_path)
    assert_bounded(run)
    assert run.returncode == 1 and f"has the UID {uids[0]} of" in run.stdout and "uid:" in run.stdout, run.stdout
    run = runcal("check", "none.ics", cwd=tmp_path)
    assert run.returncode == 1 and "has no UID" in run.stdout, run.stdout
    for name in ("twice.ics", "none.ics"):  # a re-plan cannot tell them apart: it refuses
        assert_refused(runcal("replan", name, "--today", TODAY, "--now", NOW, cwd=tmp_path), name, "UID")


def test_the_same_injury_reported_twice_keeps_one_event_per_uid(tmp_path):
    """Reported, then reported again with the clearance: one reminder (SEQUENCE raised), one
    X-RUNCAL-INJURY, training back after the clearance, and the checker finds nothing."""
    folder, _ = workdir(tmp_path)
    first = runcal("injury", "plan.ics", "--from", "2027-01-12", "--now", NOW, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    again = runcal("injury", "plan.ics", "--from", "2027-01-12", "--until", "2027-01-17", "--now", NOW, cwd=tmp_path)
    assert_bounded(again)
    assert again.returncode == 0, again.stderr
    data = (tmp_path / "plan.ics").read_bytes()
    cal = icalendar.Calendar.from_ical(data)
    uids = [str(e["UID"]) for e in cal.walk("VEVENT")]
    assert len(uids) == len(set(uids))
    notes = [e for e in cal.walk("VEVENT") if textprop.get(e, "X-RUNCAL-KIND") == "note"]
    assert len(notes) == 1 and int(notes[0]["SEQUENCE"]) == 1
    assert textprop.get_all(cal, "X-RUNCAL-INJURY") == ["2027-01-12/2027-01-17"]
    after = [e for e in cal.walk("VEVENT") if str(e.get("STATUS")) != "CANCELLED"
             and textprop.get(e, "X-RUNCAL-KIND") not in ("note", "race") and e.decoded("DTSTART").date() > CLEARED]
    assert after, "training resumes after the clearance"
    assert check_calendar(data, load_profile(tmp_path / "p.toml")) == []


# -- mutations: whatever is done to the X-RUNCAL values, check and replan answer without a traceback ---

CALENDAR_PROPS = ("X-RUNCAL-PLAN-START", "X-RUNCAL-PLAN-END", "X-RUNCAL-PLAN-ID", "X-RUNCAL-PROFILE-HASH",
                  "X-RUNCAL-INJURY", "X-WR-TIMEZONE")
EVENT_PROPS = ("X-RUNCAL-KIND", "X-RUNCAL-WEEK", "X-RUNCAL-PERIOD", "X-RUNCAL-SESSION", "X-RUNCAL-PLANNED-START",
               "X-RUNCAL-MISSED", "X-RUNCAL-STEPS", "X-RUNCAL-TEMPLATE", "X-RUNCAL-LOAD-STEP", "X-RUNCAL-RX-PERIOD",
               "X-RUNCAL-RUN-WALK", "X-RUNCAL-DROPPED", "SEQUENCE", "UID", "STATUS")
TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "0", "-1", "2147483648", "9" * 5000, "0001-01-01", "9999-12-31", "2027-01-05",
                     "2027-01-05/", "/", "TRUE", "note", "race", "easy", "strength", "CANCELLED", "null", "[]", "{}",
                     '{"v":1,"steps":[]}', "[" * 2000, "NaN", "\x1b[2J", "a\nb", "é" * 100]),
)
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                    max_leaves=8)


@st.composite
def mutated_plan(draw) -> bytes:
    cal = icalendar.Calendar.from_ical(plan_bytes())
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(["calendar", "event", "profile"]))
        if where == "calendar":
            textprop.put(cal, draw(st.sampled_from(CALENDAR_PROPS)), draw(TEXT))
        elif where == "event":
            event = draw(st.sampled_from(cal.walk("VEVENT")))
            name = draw(st.sampled_from(EVENT_PROPS))
            if draw(st.booleans()) and name in event:
                del event[name]
            elif name.startswith("X-"):
                textprop.put(event, name, draw(TEXT))
            else:  # SEQUENCE, UID, STATUS as any text, not as icalendar's typed values
                event[name] = icalendar.vUnknown(textprop.escape(draw(TEXT)))
        else:  # one value of the embedded profile replaced, its hash kept in step
            profile = json.loads(textprop.get_json(cal, "X-RUNCAL-PROFILE"))
            table = profile
            while isinstance(table, dict) and table and draw(st.booleans()):
                key = draw(st.sampled_from(sorted(table)))
                if not isinstance(table[key], dict):
                    break
                table = table[key]
            if isinstance(table, dict) and table:
                table[draw(st.sampled_from(sorted(table)))] = draw(JSON)
            text = json.dumps(profile, sort_keys=True, separators=(",", ":"))
            textprop.put(cal, "X-RUNCAL-PROFILE", text)
            textprop.put(cal, "X-RUNCAL-PROFILE-HASH", hashlib.sha256(text.encode()).hexdigest()[:16])
    return cal.to_ical()


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=mutated_plan(), command=st.sampled_from(["check", "replan"]))
def test_mutated_x_runcal_values_never_trace_back(tmp_path, data, command):
    path = tmp_path / "plan.ics"
    path.write_bytes(data)
    args = ["check", str(path)] if command == "check" else [
        "replan", str(path), "--today", TODAY, "--now", NOW, "--dry-run", "--time-limit", "5"]
    result = CliRunner().invoke(main, args)
    event(f"{command} exit {result.exit_code}")  # --hypothesis-show-statistics: how often each answer came
    assert result.exit_code in (0, 1, 2, 3), result.output  # 3: the re-plan ran out of --time-limit (SolverTimeout)
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        errors = [line for line in result.output.splitlines() if line.startswith("Error: ")]
        assert len(errors) == 1 and "\x1b" not in errors[0], result.output
