"""R9: an injury pauses training; only the physiotherapist's programme is scheduled; then R6 builds back."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from click.testing import CliRunner
from conftest import ROOT, STAMP, plan_checked

from cli import main
from solver.check import check_calendar
from solver.errors import InputError
from solver.profile import parse_profile
from solver.rehab import load_rehab, parse_rehab
from solver.replan import Injury, replan

REHAB = ROOT / "sample_calendars" / "rehab" / "achilles_example.toml"
PROFILE = (ROOT / "sample_calendars" / "intermediate_half.toml").read_text()
HURT, CLEARED = dt.date(2027, 2, 3), dt.date(2027, 2, 16)
LATER = STAMP + dt.timedelta(days=60)


@pytest.fixture(scope="module")
def injured():
    profile = parse_profile(PROFILE, "half.toml")
    plan, data = plan_checked(PROFILE, "half.toml")
    result = replan(data, "plan.ics", HURT, injury=Injury(HURT, CLEARED, load_rehab(REHAB)), stamp=LATER)
    return profile, plan, data, result


def _events(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def test_r9_injury_plan_passes_the_checker(injured):
    profile, _, _, result = injured
    assert check_calendar(result.data, profile, "injured.ics") == []


def test_r9_sessions_from_the_injury_are_cancelled_with_sequence_raised(injured):
    _, _, before, result = injured
    old = {str(e["UID"]): e for e in _events(before)}
    for e in _events(result.data):
        start = e.decoded("DTSTART")
        if str(e.get("X-RUNCAL-KIND")) in ("easy", "long", "quality", "strength") and isinstance(start, dt.datetime) \
                and HURT <= start.date() <= CLEARED:
            assert str(e["STATUS"]) == "CANCELLED" and int(e["SEQUENCE"]) == int(old[str(e["UID"])]["SEQUENCE"]) + 1
            assert str(e["X-RUNCAL-DROPPED"]).startswith("R9")


def test_r9_reminder_to_get_assessed(injured):
    _, _, _, result = injured
    notes = [e for e in _events(result.data) if str(e.get("X-RUNCAL-KIND")) == "note"]
    assert len(notes) == 1
    assert str(notes[0]["SUMMARY"]) == "Get assessed by a physiotherapist before resuming"
    assert notes[0].decoded("DTSTART") == HURT and "not medical advice" in str(notes[0]["DESCRIPTION"])


def test_r9_rehab_sessions_come_from_the_file_within_the_rules(injured):
    _, _, _, result = injured
    rehab = [e for e in _events(result.data) if str(e.get("X-RUNCAL-KIND")) == "rehab"]
    assert rehab, "the physio's programme must be scheduled"
    programme = load_rehab(REHAB)
    for e in rehab:
        assert HURT <= e.decoded("DTSTART").date() <= CLEARED
        assert str(e["SUMMARY"]) == programme.title()
        assert all(x.name in str(e["DESCRIPTION"]) for x in programme.exercises)
        assert e.decoded("DTEND") - e.decoded("DTSTART") == dt.timedelta(minutes=programme.minutes)
    weeks = [e.decoded("DTSTART").isocalendar().week for e in rehab]
    assert max(weeks.count(w) for w in set(weeks)) <= programme.sessions_per_week


def test_r9_training_builds_back_after_clearance(injured):
    profile, plan, _, result = injured
    live = [e for e in _events(result.data) if str(e.get("STATUS")) != "CANCELLED"
            and str(e.get("X-RUNCAL-KIND")) in ("easy", "long", "quality")]
    after = [e for e in live if e.decoded("DTSTART").date() > CLEARED]
    assert after
    week_after = sum((e.decoded("DTEND") - e.decoded("DTSTART")).total_seconds() / 60 for e in after
                     if e.decoded("DTSTART").date() < CLEARED + dt.timedelta(days=12))
    planned = max(w.run_minutes for w in plan.weeks)
    assert week_after < planned  # resumes at a reduced volume (R6 restart), not where the plan was


def test_r9_without_rehab_nothing_is_scheduled_until_cleared():
    profile = parse_profile(PROFILE, "half.toml")
    _, data = plan_checked(PROFILE, "half.toml")
    result = replan(data, "plan.ics", HURT, injury=Injury(HURT, None, None), stamp=LATER)
    assert check_calendar(result.data, profile) == []
    live = [e for e in _events(result.data) if str(e.get("STATUS")) != "CANCELLED" and
            isinstance(e.decoded("DTSTART"), dt.datetime) and e.decoded("DTSTART").date() >= HURT]
    assert live == []
    assert "nothing is scheduled until you are cleared" in result.diff()


def test_r9_checker_flags_training_inside_an_injury(injured):
    profile, _, _, result = injured
    text = result.data.decode()
    # Re-open one cancelled run inside the injury by hand.
    i = text.index("X-RUNCAL-DROPPED:R9")
    start = text.rindex("BEGIN:VEVENT", 0, i)
    end = text.index("END:VEVENT", i)
    event = text[start:end].replace("STATUS:CANCELLED", "STATUS:CONFIRMED")
    edited = (text[:start] + event + text[end:]).encode()
    assert any(v.rule == "R9" for v in check_calendar(edited, profile))


@pytest.mark.parametrize("text, expected", [
    ('[programme]\nsessions_per_week = 3\n\n[[exercise]]\nname = "Calf raise"\nsets = 3\nreps = "15"\n',
     "rehab.toml: line 1: prescribed_by: missing"),
    ('[programme]\nprescribed_by = "Dr P"\nsessions_per_week = 3\n\n[[exercise]]\nname = "Calf raise"\n'
     'sets = "three"\nreps = "15"\n', "rehab.toml: line 7: sets: 'three' is not a whole number in [1, 20]"),
    ('[programme]\nprescribed_by = "Dr P"\nsessions_per_week = 3\n\n[[exercise]]\nname = "A"\nsets = 3\nreps = "5"\n'
     '\n[[exercise]]\nname = "B"\nsets = 3\nreps = "5"\nload = "heavy"\n', "rehab.toml: line 14: load: unknown field"),
    ('[programme]\nprescribed_by = "Dr P"\nsessions_per_week = 3\n', "rehab.toml: line 1: [[exercise]]: no exercises"),
    ('[programme\nprescribed_by = "Dr P"\n', "rehab.toml: line 1: not valid TOML"),
])
def test_rehab_file_errors_name_the_line(text, expected):
    with pytest.raises(InputError) as info:
        parse_rehab(text, "rehab.toml")
    assert str(info.value).startswith(expected) and "Fix:" in str(info.value)


def test_cli_injury_end_to_end(tmp_path):
    runner = CliRunner()
    path = tmp_path / "plan.ics"
    profile = tmp_path / "half.toml"
    profile.write_text(PROFILE)
    assert runner.invoke(main, ["plan", str(profile), "-o", str(path), "--now", "2026-11-27T08:00:00Z"]).exit_code == 0
    result = runner.invoke(main, ["injury", str(path), "--from", str(HURT), "--until", str(CLEARED),
                                  "--rehab", str(REHAB), "--now", "2027-02-03T08:00:00Z"])
    assert result.exit_code == 0, result.output
    assert "added:     rehab" in result.output and "not medical advice" in result.output
    assert runner.invoke(main, ["check", str(path)]).exit_code == 0
    bad = tmp_path / "bad.toml"
    bad.write_text("[programme]\n")
    out = runner.invoke(main, ["injury", str(path), "--from", str(HURT), "--rehab", str(bad)])
    assert out.exit_code == 2 and out.output.startswith("Error: ") and "Traceback" not in out.output


def test_r9_only_runs_an_injury_cancels_are_marked_missed_so_a_clearance_gives_the_race_back():
    """R9, R11, R1, R8: a run an injury cancels counts as a miss known from the injury's day
    (X-RUNCAL-MISSED, for R11's share of a long run already run); a race or strength session it
    cancels does not — X-RUNCAL-MISSED on a race means "not started", and a missed strength session
    counts towards R1's minimum, which a week healthy again after the clearance still needs."""
    from conftest import BASE_PROFILE, EVERY_DAY, profile_text

    from solver.domain import Kind

    text = profile_text(BASE_PROFILE.replace("end = 2027-01-31", "end = 2027-02-21"), EVERY_DAY, """
    [[race]]
    name = "Winter 10K"
    date = 2027-02-14
    distance = "10k"
    priority = "B"
    """)
    profile = parse_profile(text, "p.toml")
    _, data = plan_checked(text, "p.toml")
    hurt = dt.date(2027, 2, 1)
    open_ended = replan(data, "plan.ics", hurt, injury=Injury(hurt), stamp=STAMP + dt.timedelta(days=60))
    cancelled = [e for e in icalendar.Calendar.from_ical(open_ended.data).walk("VEVENT")
                 if str(e.get("STATUS")) == "CANCELLED"]
    marked = {str(e["X-RUNCAL-KIND"]) for e in cancelled if "X-RUNCAL-MISSED" in e}
    assert marked and marked <= {k.value for k in (Kind.EASY, Kind.QUALITY, Kind.LONG)}
    assert {"race", "strength"} <= {str(e["X-RUNCAL-KIND"]) for e in cancelled}  # cancelled, unmarked
    cleared = replan(open_ended.data, "plan.ics", hurt, injury=Injury(hurt, dt.date(2027, 2, 5)),
                     stamp=STAMP + dt.timedelta(days=61))
    assert "race 2027-02-14 09:00" in cleared.added
    assert check_calendar(cleared.data, profile, "cleared.ics") == []
    # The pair: the healthy week after the clearance without its strength breaks R1.
    cal = icalendar.Calendar.from_ical(cleared.data)
    for e in [e for e in cal.walk("VEVENT") if str(e.get("X-RUNCAL-KIND")) == "strength"
              and str(e.get("STATUS")) != "CANCELLED" and e.decoded("DTSTART").date() >= dt.date(2027, 2, 15)]:
        cal.subcomponents.remove(e)
    assert "R1" in {v.rule for v in check_calendar(cal.to_ical(), profile, "cleared.ics")}
