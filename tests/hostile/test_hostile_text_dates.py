"""Names, free text and dates (issue 16): a name is one line of printable text (a newline is refused
naming the field, a control character never reaches the .ics), what goes into the .ics is TEXT-
escaped; dates lie between 1970 and 2199 on the command line and in every file; zones are the IANA
database's; the command-line options that contradict each other or the plan are refused."""

from __future__ import annotations

import icalendar
import pytest
from bounded import NOW, PROFILE, assert_bounded, assert_refused, runcal, workdir

from solver.check import check_file
from solver.profile import load_profile

RACE = '\n[[race]]\nname = "{name}"\ndate = 2027-01-31\ndistance = "5k"\n'


def profile_with(old: str, new: str) -> str:
    assert old in PROFILE
    return PROFILE.replace(old, new)


@pytest.mark.parametrize("text, field, words", [
    (profile_with('"Test Runner"', '"Sam\\n"'), "runner.name", ("contains a line break",)),  # a trailing newline
    (profile_with('"Test Runner"', '"Sam\\r\\nBEGIN:VEVENT"'), "runner.name", ("contains a line break",)),
    (profile_with('"Test Runner"', '"Sam\\u0000"'), "runner.name", ("control character U+0000",)),
    (profile_with('"Test Runner"', '"\\u001b[2JSam"'), "runner.name", ("control character U+001B",)),
    (profile_with('"Test Runner"', '"\\u202eSam"'), "runner.name", ("control character U+202E",)),
    (profile_with('"Test Runner"', '"' + "S" * 101 + '"'), "runner.name", ("101 characters long, more than 100",)),
    (PROFILE + RACE.format(name="Park run\\n"), "race[0].name", ("contains a line break",)),
    (PROFILE + RACE.format(name="Park\\u001brun"), "race[0].name", ("control character U+001B",)),
])
def test_a_name_that_is_not_one_printable_line_is_refused_naming_the_field(tmp_path, text, field, words):
    folder, _ = workdir(tmp_path)
    (tmp_path / "bad.toml").write_text(text)
    before = folder.snapshot()
    line = assert_refused(runcal("plan", "bad.toml", "-o", "out.ics", "--now", NOW, cwd=tmp_path), "bad.toml", field,
                          *words)
    assert "\x1b" not in line and "\u202e" not in line
    assert folder.snapshot() == before


def test_whatif_writes_nothing_before_refusing_a_name(tmp_path):
    """A scenario name with a trailing newline (the name check let it through, and the calendar was
    written as 'half\n.ics') and a race name with one: refused before anything is written to --out-dir."""
    folder, _ = workdir(tmp_path)
    (tmp_path / "scenarios.toml").write_text('[[scenario]]\nname = "half\\n"\nsessions_per_week = 3\n')
    (tmp_path / "races.toml").write_text('[[scenario]]\nname = "park"\n[[scenario.race]]\nname = "Park\\nrun"\n'
                                         'date = 2027-01-31\ndistance = "5k"\n')
    before = folder.snapshot()
    run = runcal("whatif", "p.toml", "--scenarios-file", "scenarios.toml", "--out-dir", "whatif", "--now", NOW,
                 cwd=tmp_path)
    assert_refused(run, "scenario[0].name", "is not a usable scenario name")
    run = runcal("whatif", "p.toml", "--scenarios-file", "races.toml", "--out-dir", "whatif", "--now", NOW, cwd=tmp_path)
    assert_refused(run, "race[0].name", "contains a line break")
    assert folder.snapshot() == before  # no whatif/ folder, nothing in it


def test_rehab_names_are_one_line_and_notes_may_run_over_lines(tmp_path):
    folder, _ = workdir(tmp_path)
    (tmp_path / "bad.toml").write_text((tmp_path / "rehab.toml").read_text().replace('"Calf raise"', '"Calf\\u001b raise"'))
    (tmp_path / "notes.toml").write_text((tmp_path / "rehab.toml").read_text() + 'notes = """Slowly.\nNo pain."""\n')
    before = folder.snapshot()
    run = runcal("injury", "plan.ics", "--from", "2027-01-12", "--rehab", "bad.toml", "-o", "out.ics", "--now", NOW,
                 cwd=tmp_path)
    assert_refused(run, "bad.toml", "name", "control character U+001B")
    assert folder.snapshot() == before
    run = runcal("injury", "plan.ics", "--from", "2027-01-12", "--rehab", "notes.toml", "-o", "rehab.ics", "--now", NOW,
                 cwd=tmp_path)
    assert_bounded(run)
    assert run.returncode == 0, run.stderr
    assert check_file(tmp_path / "rehab.ics", load_profile(tmp_path / "p.toml")) == []


def test_text_special_characters_are_escaped_in_every_text_value(tmp_path):
    """`;` `,` `\\` in the runner's and a race's name: X-WR-CALNAME (an X- property: TEXT, RFC 5545
    §3.8.8.2) and SUMMARY are escaped (§3.3.11), and read back as written."""
    folder, _ = workdir(tmp_path)
    name = "Sam; Jo, \\\\ and co"  # TOML for: Sam; Jo, \ and co
    (tmp_path / "odd.toml").write_text(profile_with('"Test Runner"', f'"{name}"') + RACE.format(name="5k; fun, run"))
    run = runcal("plan", "odd.toml", "-o", "odd.ics", "--now", NOW, cwd=tmp_path)
    assert_bounded(run)
    assert run.returncode == 0, run.stderr
    data = (tmp_path / "odd.ics").read_bytes()
    unfolded = data.replace(b"\r\n ", b"").decode()
    assert "X-WR-CALNAME:runcal: Sam\\; Jo\\, \\\\ and co — 5k\\; fun\\, run\r\n" in unfolded
    assert "SUMMARY:Race: 5k\\; fun\\, run" in unfolded
    cal = icalendar.Calendar.from_ical(data)
    race = next(e for e in cal.walk("VEVENT") if str(e.get("X-RUNCAL-KIND")) == "race")
    assert str(race["SUMMARY"]).startswith("Race: 5k; fun, run")  # icalendar's own TEXT reading
    assert check_file(tmp_path / "odd.ics", load_profile(tmp_path / "odd.toml")) == []


@pytest.mark.parametrize("old, new, field", [
    ("start = 2027-01-04", "start = 0001-01-01", "plan.start"),
    ("start = 2027-01-04\nend = 2027-01-31", "start = 9999-12-01\nend = 9999-12-28", "plan.start"),
    ("end = 2027-01-31", "end = 9999-12-31", "plan.end"),
])
def test_a_date_outside_the_window_in_a_profile_is_one_line(tmp_path, old, new, field):
    folder, _ = workdir(tmp_path)
    (tmp_path / "bad.toml").write_text(profile_with(old, new))
    before = folder.snapshot()
    assert_refused(runcal("plan", "bad.toml", "-o", "out.ics", "--now", NOW, cwd=tmp_path), "bad.toml", field,
                   "lies outside the dates runcal plans (1970-01-01 to 2199-12-31)")
    assert folder.snapshot() == before


def test_a_recent_race_in_year_1_is_one_line(tmp_path):
    folder, _ = workdir(tmp_path)
    (tmp_path / "bad.toml").write_text(profile_with('long_run_day = "sun"', 'long_run_day = "sun"\nrecent_race = '
                                                    '{ distance = "10k", time = "52:30", date = 0001-01-01 }'))
    run = runcal("plan", "bad.toml", "-o", "out.ics", "--now", NOW, cwd=tmp_path)
    assert_refused(run, "bad.toml", "runner.recent_race.date")


@pytest.mark.parametrize("args, words", [
    (["plan", "p.toml", "-o", "out.ics", "--now", "0001-01-01T00:00:00Z"], ("--now", "0001-01-01 lies outside")),
    (["plan", "p.toml", "-o", "out.ics", "--now", "9999-12-31T23:59:59Z"], ("--now", "9999-12-31 lies outside")),
    (["replan", "plan.ics", "--today", "9999-12-31", "--now", NOW], ("--today", "9999-12-31 lies outside")),
    (["injury", "plan.ics", "--from", "0001-01-01", "--now", NOW], ("--from", "0001-01-01 lies outside")),
    (["replan", "plan.ics", "--today", "2027-01-12", "--missed-from", "2027-01-05", "--to", "9999-01-01", "--now", NOW],
     ("--to", "9999-01-01 lies outside")),
    (["export", "plan.ics", "--fit", "fit", "--from", "0001-01-01"], ("--from", "lies outside")),
])
def test_a_date_outside_the_window_on_the_command_line_is_one_line(tmp_path, args, words):
    folder, _ = workdir(tmp_path)
    before = folder.snapshot()
    assert_refused(runcal(*args, cwd=tmp_path), *words)
    assert folder.snapshot() == before


def test_source_date_epoch_out_of_range_is_one_line(tmp_path):
    folder, _ = workdir(tmp_path)
    before = folder.snapshot()
    for epoch in ("99999999999999999999", "-99999999999", "253402300800"):  # the last: year 10000
        run = runcal("plan", "p.toml", "-o", "out.ics", cwd=tmp_path, env={"SOURCE_DATE_EPOCH": epoch})
        assert_refused(run, "SOURCE_DATE_EPOCH")
    assert folder.snapshot() == before


@pytest.mark.parametrize("zone", ["Europe", "localtime", "Factory", "posixrules", "../etc/passwd"])
def test_a_zone_that_is_not_an_iana_place_is_refused(tmp_path, zone):
    folder, _ = workdir(tmp_path)
    (tmp_path / "bad.toml").write_text(profile_with('"Europe/London"', f'"{zone}"'))
    before = folder.snapshot()
    assert_refused(runcal("plan", "bad.toml", "-o", "out.ics", "--now", NOW, cwd=tmp_path), "runner.timezone",
                   f"unknown time zone {zone!r}")
    assert folder.snapshot() == before


def test_a_race_before_the_start_is_blamed_on_the_race(tmp_path):
    folder, _ = workdir(tmp_path)
    (tmp_path / "bad.toml").write_text(profile_with("end = 2027-01-31\n", "") + RACE.format(name="Early").replace(
        "2027-01-31", "2026-12-01"))
    line = assert_refused(runcal("plan", "bad.toml", "-o", "out.ics", "--now", NOW, cwd=tmp_path),
                          "race[0].date", "2026-12-01 is before plan.start 2027-01-04")
    assert "plan.end" not in line


@pytest.mark.parametrize("scenario", ["a: weekly_minutes=²", "a: strength=¹-٣"])
def test_whatif_numbers_that_are_unicode_digits_are_one_line(tmp_path, scenario):
    folder, _ = workdir(tmp_path)
    assert_refused(runcal("whatif", "p.toml", "-s", scenario, "--now", NOW, cwd=tmp_path), "scenario 'a'",
                   "is not a whole number")


@pytest.mark.parametrize("args, words", [
    (["--missed-from", "2027-01-10", "--to", "2027-01-05"], ("--to", "2027-01-05 is before --missed-from 2027-01-10")),
    (["--missed", "2027-01-04", "--done", "2027-01-04"], ("both name", "cannot be missed and done",)),
    (["--missed-from", "2026-06-01", "--to", "2026-06-07"], ("covers no day of the plan",)),
])
def test_replan_options_that_contradict_each_other_or_the_plan_are_refused(tmp_path, args, words):
    folder, _ = workdir(tmp_path)
    before = folder.snapshot()
    assert_refused(runcal("replan", "plan.ics", "--today", "2027-01-12", *args, "--now", NOW, cwd=tmp_path), *words)
    assert folder.snapshot() == before


@pytest.mark.parametrize("args, words", [
    (["--from", "2027-06-01"], ("--from", "2027-06-01 is after the plan's last day 2027-01-31")),
    (["--from", "2026-06-01", "--until", "2026-06-20"], ("--until", "2026-06-20 is before the plan's first day")),
])
def test_an_injury_wholly_outside_the_plan_is_refused(tmp_path, args, words):
    folder, _ = workdir(tmp_path)
    before = folder.snapshot()
    assert_refused(runcal("injury", "plan.ics", *args, "--now", NOW, cwd=tmp_path), *words)
    assert folder.snapshot() == before
