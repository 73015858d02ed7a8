"""Issue 19: the plan file is read in one module (solver/planfile.py) and written by one (solver/ics.py).

The checker and the re-plan read a file the same way (they were two drifted copies: the re-plan
refused an X-RUNCAL-KIND the checker read, and read a STATUS the checker read as CANCELLED as
planned). The source scans keep it so: a new reader elsewhere fails here with the rule to follow.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from conftest import ROOT, STAMP

import solver
from solver.check import check_calendar, read_plan
from solver.errors import CalendarError
from solver.planfile import PROPS
from solver.replan import replan

SOLVER = Path(ROOT) / "solver"
SAMPLE = Path(ROOT) / "sample_calendars" / "beginner_10k.toml"
# Where a calendar may be walked event by event, and why it is not a second plan-file reader.
WALKS = {
    "planfile.py": "the plan-file reader",
    "icsread.py": "the bounds every calendar is checked against before it is read (RRULEs)",
    "busy.py": "the runner's busy calendars, not plan files",
    "calsync.py": "a plan split into CalDAV objects and joined again, one VEVENT each; it parses with planfile",
}
# Property names spelled as strings outside planfile.PROPS. check.py: the rule clauses (R7 reads
# the prescription's properties), which the rule-registry work of issue 19 owns. profile.py: a
# message naming where an embedded profile came from (planfile imports profile, not the reverse).
SPELLED = {"planfile.py", "check.py", "profile.py"}


def sources():
    return sorted(p for p in SOLVER.rglob("*.py"))


def test_only_icsread_parses_icalendar_text():
    found = [p.relative_to(SOLVER) for p in sources() if "from_ical" in p.read_text() and p.name != "icsread.py"]
    assert found == [], f"{found}: parse a plan with solver.planfile.parse, any calendar with solver.icsread.parse"


def test_only_the_reader_and_the_documented_exceptions_walk_events():
    found = {p.name for p in sources() if re.search(r"""walk\(\s*["']VEVENT["']\s*\)""", p.read_text())}
    assert found <= set(WALKS), f"{sorted(found - set(WALKS))}: read a plan's events with solver.planfile"


def test_property_names_come_from_the_one_table():
    spelled = {}
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and re.fullmatch(r"X-RUNCAL-[A-Z-]+", node.value, re.I):
                spelled.setdefault(path.name, set()).add(node.value)
    assert set(spelled) <= SPELLED, {k: v for k, v in spelled.items() if k not in SPELLED}
    table = {v for k, v in vars(PROPS).items() if k.isupper()}
    assert spelled.get("check.py", set()) <= table  # the rules name properties the table has


@pytest.fixture(scope="module")
def plan_data():
    profile = solver.load_profile(SAMPLE)
    made = solver.plan(profile)
    return profile, made, solver.to_ics(made, STAMP)


def _second_week(made):
    return sorted((s for s in made.sessions if s.week == 2), key=lambda s: s.start)


def _edit_event(data: bytes, marker: str, old: str, new: str) -> bytes:
    """Replace `old` by `new` inside the one VEVENT whose text holds `marker`."""
    text = data.decode()
    at = text.index(marker)
    begin, end = text.rindex("BEGIN:VEVENT", 0, at), text.index("END:VEVENT", at)
    event = text[begin:end]
    assert old in event, (old, event)
    return (text[:begin] + event.replace(old, new, 1) + text[end:]).encode()


def test_the_kind_is_read_alike_whatever_its_case(plan_data):
    """X-RUNCAL-KIND:EASY is an easy run to the checker and to the re-plan (the re-plan refused it)."""
    profile, made, data = plan_data
    first, later = _second_week(made)[0], _second_week(made)[-1]
    marker = f"X-RUNCAL-SESSION:{later.ident}"
    shouted = _edit_event(data, marker, f"X-RUNCAL-KIND:{later.kind.value}", f"X-RUNCAL-KIND:{later.kind.value.upper()}")
    assert check_calendar(shouted, profile) == []
    assert [s.kind for s in read_plan(shouted).sessions] == [s.kind for s in read_plan(data).sessions]
    today = first.start.date() + dt.timedelta(days=1)
    result = replan(shouted, "shouted.ics", today, missed=[first.start.date().isoformat()], stamp=STAMP)
    assert check_calendar(result.data, profile) == []
    plain = replan(data, "plan.ics", today, missed=[first.start.date().isoformat()], stamp=STAMP)
    assert (len(result.moved), len(result.dropped), result.added) == (len(plain.moved), len(plain.dropped), plain.added)


def test_an_unknown_kind_is_the_same_error_for_both(plan_data):
    profile, made, data = plan_data
    s = _second_week(made)[-1]
    odd = _edit_event(data, f"X-RUNCAL-SESSION:{s.ident}", f"X-RUNCAL-KIND:{s.kind.value}", "X-RUNCAL-KIND:jog")
    with pytest.raises(CalendarError, match="'jog' is not a session kind") as checked:
        check_calendar(odd, profile)
    with pytest.raises(CalendarError, match="'jog' is not a session kind") as replanned:
        replan(odd, "<plan>", s.start.date(), stamp=STAMP)
    assert checked.value.field == replanned.value.field


def test_a_cancelled_status_is_read_alike_with_spaces_and_case(plan_data):
    """STATUS: cancelled (spaces, lower case): cancelled to the checker and the re-plan alike, so
    the re-plan does not count it as planned."""
    profile, made, data = plan_data
    s = _second_week(made)[-1]
    odd = _edit_event(data, f"X-RUNCAL-SESSION:{s.ident}", "STATUS:CONFIRMED", "STATUS: cancelled ")
    assert s.start.replace(tzinfo=None) in {e.key for e in read_plan(odd).cancelled}
    first = _second_week(made)[0]
    result = replan(odd, "<plan>", first.start.date() + dt.timedelta(days=1), stamp=STAMP)
    assert f"{s.kind.label} {s.start:%Y-%m-%d %H:%M}" not in [label for label, *_ in result.moved + result.dropped]
    assert check_calendar(result.data, profile) == []  # and the week it left short of R6 is repaired


def test_an_all_day_runcal_session_is_one_error_not_a_traceback(plan_data):
    """A cancelled strength session made all-day by hand: one CalendarError (two re-plan helpers
    raised a bare ValueError for it)."""
    _, made, data = plan_data
    s = next(x for x in _second_week(made) if x.kind.value == "strength")
    text = _edit_event(data, f"X-RUNCAL-SESSION:{s.ident}", "STATUS:CONFIRMED", "STATUS:CANCELLED\r\nX-RUNCAL-MISSED:2027-01-01")
    start = f"DTSTART;TZID={made.profile.timezone}:{s.start:%Y%m%dT%H%M%S}"
    end = f"DTEND;TZID={made.profile.timezone}:{s.end:%Y%m%dT%H%M%S}"
    text = _edit_event(text, f"X-RUNCAL-SESSION:{s.ident}", start, f"DTSTART;VALUE=DATE:{s.start:%Y%m%d}")
    text = _edit_event(text, f"X-RUNCAL-SESSION:{s.ident}", end, f"DTEND;VALUE=DATE:{s.start + dt.timedelta(days=1):%Y%m%d}")
    with pytest.raises(CalendarError, match="all-day events are not runcal sessions"):
        replan(text, "<plan>", s.start.date() + dt.timedelta(days=1), stamp=STAMP)


def test_the_embedded_profile_is_read_alike(plan_data):
    """A profile edited after runcal wrote it (its hash no longer matches): the checker and the
    re-plan refuse it with the same error (the re-plan read it through its own call)."""
    _, made, data = plan_data
    text = data.decode()
    line = next(ln for ln in text.split("\r\n") if ln.startswith("X-RUNCAL-PROFILE-HASH:"))
    doctored = text.replace(line, "X-RUNCAL-PROFILE-HASH:0000000000000000").encode()
    with pytest.raises(CalendarError, match="was changed after runcal wrote it") as checked:
        check_calendar(doctored)
    with pytest.raises(CalendarError, match="was changed after runcal wrote it") as replanned:
        replan(doctored, "<plan>", _second_week(made)[0].start.date(), stamp=STAMP)
    assert str(checked.value) == str(replanned.value)
