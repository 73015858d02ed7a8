"""The HTML view without a browser: the R6/R11 ceilings against the rule text and the checker, the
re-plan diff against replan's own account, the verdict's rule IDs, the commands' bad input, and
that `runcal plan` without --html loads none of the drawing code. tests/test_browser.py opens the
pages in Chromium."""

from __future__ import annotations

import datetime as dt
import fcntl
import html
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from click.testing import CliRunner
from conftest import BASE_PROFILE, EVERY_DAY, ROOT, STAMP, plan_checked, profile_text
from hypothesis import given, settings, strategies as st
from test_replan import SMALL  # three sessions a week on four free days

from cli import main
from solver.check import CHECKS, Entry, PlanFile, check_calendar, r6_ramp, read_plan
from solver.domain import Kind
from solver.profile import parse_profile
from solver.replan import replan
from solver.view.ceilings import r11_long_ceiling, r6_volume_ceiling
from solver.view.diff import compare
from solver.view.page import plan_page
from solver.view.weeks import plan_view
from solver.view.rules import RULE_TITLES, Verdict, checked_rules, id_span

UTC = dt.timezone.utc


# -- R6 ceiling ---------------------------------------------------------------------------------

def test_r6_ceiling_ramps_from_the_runners_weekly_minutes():
    # RULES.md R6: at most ramp_pct over the previous week; the first week against weekly_minutes.
    assert r6_volume_ceiling([100, 110], start=100, ramp_pct=10, restart_pct=50) == [110, 110]
    assert r6_volume_ceiling([200], start=200, ramp_pct=0, restart_pct=50) == [200]


def test_r6_ceiling_allows_the_return_after_a_cutback():
    # "the week after a cutback may return to (not above) the volume of the week before it"
    ceiling = r6_volume_ceiling([200, 150, 200], start=200, ramp_pct=10, restart_pct=50)
    assert ceiling == [220, 220, 200]  # week 3: max(150 × 1.1, 200 before the cutback)
    no_cutback = r6_volume_ceiling([200, 170, 200], start=200, ramp_pct=10, restart_pct=50)
    assert no_cutback[2] == pytest.approx(187)  # 170 is a drop of 15 %: no cutback, so the ramp only


def test_r6_ceiling_restarts_after_a_week_without_running():
    # "running restarts at no more than restart_pct % of the last week that had running"
    ceiling = r6_volume_ceiling([300, 0, 0, 100], start=300, ramp_pct=10, restart_pct=40)
    # Week 3 follows a week of 0: a break, not a cutback (it was read as one, and one week off let
    # the next return to week 1's 300), so it restarts at 40 % of week 1, as week 4 does after two.
    assert ceiling[1:] == [pytest.approx(330), 120, 120]


def _volume_plan(volumes: list[int], weekly: int, ramp: int) -> PlanFile:
    """A plan file with one easy run a week of the given minutes (0: none)."""
    profile = parse_profile(profile_text(BASE_PROFILE, EVERY_DAY).replace("weekly_minutes = 120",
                                                                           f"weekly_minutes = {weekly}")
                            + f"\n[rules]\nramp_pct = {ramp}\ncutback_every = 0\n", "r6.toml")
    zone, first = ZoneInfo(profile.timezone), dt.date(2027, 1, 4)
    sessions = []
    for week, minutes in enumerate(volumes):
        if minutes:
            start = dt.datetime.combine(first + dt.timedelta(weeks=week), dt.time(6), zone)
            end = start + dt.timedelta(minutes=minutes)
            sessions.append(Entry(Kind.EASY, start.astimezone(UTC), end.astimezone(UTC), start, end))
    return PlanFile(profile, first, first + dt.timedelta(weeks=len(volumes), days=-1), tuple(sessions))


def test_r6_a_week_without_running_restarts_the_next_in_every_reading():
    """R6: "After a week with no running at all (illness, injury), running restarts at no more than
    restart_pct % of the last week that had running". A week of 0 is a drop of ≥ 20 % too; read as
    a cutback, it let the week after return to the full volume before the break — in the planner's
    ramp (solver/ramps.py), the checker, the page's ceiling and the model alike. The pair: after a
    week that still ran a little, the return stays allowed."""
    from solver.ramps import allowed_volume

    rules = parse_profile(profile_text(BASE_PROFILE, EVERY_DAY), "p.toml").rules  # ramp 10 %, restart 50 %
    assert allowed_volume([300, 300, 0], rules) == 150
    assert allowed_volume([300, 300, 60], rules) == 300  # a cutback: back to the week before it
    flagged = lambda volumes: {int(re.match(r"week (\d+)", v.message)[1]) for v in r6_ramp(_volume_plan(volumes, 300, 10))}  # noqa: E731
    assert flagged([300, 0, 300]) == {3} and flagged([300, 0, 150]) == set()
    assert flagged([300, 60, 300]) == set()
    assert r6_volume_ceiling([300, 0, 300], start=300, ramp_pct=10, restart_pct=50)[2] == 150


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 600), min_size=1, max_size=12), st.integers(20, 600), st.integers(0, 20))
def test_r6_ceiling_agrees_with_the_checker(volumes, weekly, ramp):
    """A week is over the drawn ceiling exactly when the independent checker reports R6 for it.
    (restart_pct stays at its default, 50, the checker's reading.)"""
    plan = _volume_plan(volumes, weekly, ramp)
    ceiling = r6_volume_ceiling(volumes, weekly, ramp, plan.profile.rules.restart_pct)
    over = {i + 1 for i, (v, c) in enumerate(zip(volumes, ceiling)) if v > c + 1e-9}
    flagged = {int(re.match(r"week (\d+)", v.message)[1]) for v in r6_ramp(plan)}
    assert flagged == over


# -- R11 ceiling --------------------------------------------------------------------------------

def _r11(longs, volumes=None, runs=None, start=60, ramp_min=10, ramp_pct=10, share=40):
    volumes = volumes or [1000] * len(longs)
    runs = runs or [2] * len(longs)
    return r11_long_ceiling(longs, volumes, runs, start, ramp_min, ramp_pct, share)


def test_r11_ceiling_whichever_of_minutes_and_percent_allows_more():
    # "at most long_ramp_min minutes or long_ramp_pct % — whichever allows more — longer"
    assert _r11([0], start=60)[0].ramp == 70  # 10 min beats 10 % of 60
    assert _r11([0], start=150)[0].ramp == 165  # 10 % of 150 beats 10 min


def test_r11_ceiling_looks_back_three_weeks_and_before_the_plan_at_long_run_minutes():
    # "longer than the longest long run of the three plan weeks before it (so a cutback week does
    # not reset the progression); the first is measured against the runner's current long run"
    found = _r11([70, 80, 50, 60, 0], start=60)
    assert [c.base for c in found] == [60, 70, 80, 80, 80]
    assert [c.base for c in _r11([40, 40, 40, 40], start=90)] == [90, 90, 90, 40]  # weeks 0, -1, -2 count as 90


def test_r11_share_limit_applies_in_weeks_of_three_runs_or_more():
    # "In a week with three runs or more, the long run is at most long_share_max % of that week's running minutes"
    two, three = _r11([100, 100], volumes=[200, 200], runs=[2, 3], start=100)
    assert two.share is None and two.limit == 110
    assert three.share == 80 and three.limit == 80 and three.binding == "share"


# -- verdict ------------------------------------------------------------------------------------

def test_rule_titles_are_those_of_rules_md():
    text = (ROOT / "docs" / "RULES.md").read_text("utf-8")
    table = dict(re.findall(r"^\| (R\d+) \| ([^|]+?) \|", text, re.M))
    assert table == RULE_TITLES


def test_verdict_names_the_rules_the_checker_checks():
    numbered = {f"R{m[1]}" for f in CHECKS if (m := re.match(r"r(\d+)_", f.__name__))}
    assert set(checked_rules()) == numbered and numbered <= set(RULE_TITLES)
    assert id_span(["R1", "R2", "R3", "R5", "R7", "R8"]) == "R1–R3, R5, R7–R8"
    line = Verdict((), busy_checked=True).line()
    assert id_span(checked_rules()) in line and "busy time" in line


# -- the re-plan diff, against replan's own account ----------------------------------------------



@pytest.mark.parametrize("kind", [Kind.STRENGTH, Kind.LONG])
def test_diff_from_the_files_matches_what_replan_did(kind):
    plan, data = plan_checked(SMALL, "view.toml")
    missed = next(s for s in plan.sessions if s.week == 2 and s.kind is kind)
    result = replan(data, "plan.ics", today=missed.start.date() + dt.timedelta(days=1),
                    missed=[f"{missed.start.date()}:{kind.value}"], stamp=STAMP + dt.timedelta(days=9))
    assert check_calendar(result.data, plan.profile) == []
    diff = compare(read_plan(result.data), read_plan(data))
    label = lambda e: f"{e.label} {e.local_start:%Y-%m-%d %H:%M}"  # noqa: E731
    assert sorted(label(a) for a, _ in diff.moved) == sorted(a for a, *_ in result.moved)
    assert sorted(label(a) for a, _ in diff.resized) == sorted(a for a, *_ in result.resized)
    assert sorted(label(e) for e in diff.dropped) == sorted(a for a, _ in result.dropped)
    assert {e.prop("X-RUNCAL-DROPPED") for e in diff.dropped} == {why.stored for _, why in result.dropped}
    assert diff.unchanged == result.unchanged and not diff.added and not diff.removed
    assert diff.moved or diff.dropped  # the missed session went somewhere


# -- any calendar: hand-added events, all-day and across midnight --------------------------------

HAND_MADE = """BEGIN:VEVENT\r
UID:hand-1@example\r
DTSTAMP:20261127T080000Z\r
DTSTART;VALUE=DATE:20270109\r
SUMMARY:Hill race\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:hand-2@example\r
DTSTAMP:20261127T080000Z\r
DTSTART;TZID=Europe/London:20270112T233000\r
DTEND;TZID=Europe/London:20270113T003000\r
SUMMARY:Night run\r
CATEGORIES:Running\r
END:VEVENT\r
"""


def test_hand_added_all_day_and_midnight_events_are_drawn():
    """A runner's own events (no X-RUNCAL-KIND): an all-day race and a run across midnight. The
    page places them on their start day, says "all day" / the next day's end, and the verdict
    lists what the checker finds (they lie outside the availability windows)."""
    _, data = plan_checked(profile_text(BASE_PROFILE, EVERY_DAY))
    doctored = data.replace(b"END:VCALENDAR", HAND_MADE.encode() + b"END:VCALENDAR")
    plan = read_plan(doctored)
    view = plan_view(plan, "hand.ics")
    assert len(view.sessions) == len(plan.sessions) == len(read_plan(data).sessions) + 2
    blocks = {b.uid: b for b in view.sessions}
    race, night = blocks["hand-1@example"], blocks["hand-2@example"]
    assert race.kind is Kind.RACE and race.clock == "all day" and race.minutes == 24 * 60
    assert night.kind is Kind.EASY and night.clock == "23:30–Wed 00:30" and night.minutes == 60
    days = {d.date: d for w in view.weeks for d in w.days}
    assert night in days[dt.date(2027, 1, 12)].blocks and not days[dt.date(2027, 1, 13)].rest  # it runs into Wed
    page = plan_page(doctored, "hand.ics")
    violations = check_calendar(doctored)
    assert violations and page.count('<li data-rule="') == len(violations)
    assert "Night run" in page and "Hill race" in page


def test_dst_day_sessions_show_wall_clock_times_and_real_minutes():
    """Across the March change (Europe/London, 28 March 2027): times as on the wall, lengths real."""
    text = profile_text(BASE_PROFILE, EVERY_DAY).replace("start = 2027-01-04\nend = 2027-01-31",
                                                          "start = 2027-03-22\nend = 2027-04-04")
    _, data = plan_checked(text)
    view = plan_view(read_plan(data), "dst.ics")
    cal_events = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}
    changed = [b for b in view.sessions if b.entry.day == dt.date(2027, 3, 28)]
    for b in view.sessions:
        e = cal_events[b.uid]
        assert b.clock.startswith(f"{e.decoded('DTSTART'):%H:%M}")
        real = (e.decoded("DTEND").astimezone(UTC) - e.decoded("DTSTART").astimezone(UTC)).total_seconds() // 60
        assert b.minutes == real
    assert changed and all(b.entry.local_start.utcoffset() == dt.timedelta(hours=1) for b in changed)  # BST


def test_injury_html_draws_the_pause_and_the_physios_sessions(tmp_path):
    """`runcal injury … --html`: rehab sessions as blocks, the dropped ones struck through with the
    R9 reason, every week of the pause labelled "get assessed"."""
    sample = ROOT / "sample_calendars" / "beginner_10k.toml"
    plan_file, out, page = tmp_path / "plan.ics", tmp_path / "injured.ics", tmp_path / "injury.html"
    runner = CliRunner()
    made = runner.invoke(main, ["plan", str(sample), "-o", str(plan_file), "--now", "2026-11-27T08:00:00Z"])
    assert made.exit_code == 0, made.output
    first = read_plan(plan_file.read_bytes()).first_day
    start, until = first + dt.timedelta(weeks=2, days=1), first + dt.timedelta(weeks=3, days=5)
    made = runner.invoke(main, ["injury", str(plan_file), "--from", str(start), "--until", str(until), "-o", str(out),
                                "--rehab", str(ROOT / "sample_calendars" / "rehab" / "achilles_example.toml"),
                                "--html", str(page), "--now", "2026-12-01T08:00:00Z"])
    assert made.exit_code == 0, made.output
    after = read_plan(out.read_bytes())
    assert check_calendar(out.read_bytes()) == []
    text = page.read_text("utf-8")
    rehab = [e for e in after.sessions if e.kind is Kind.REHAB]
    assert rehab and text.count('data-kind="rehab"') == len(rehab)
    assert not read_plan(plan_file.read_bytes()).cancelled  # so every cancelled session was dropped now
    assert text.count('data-state="cancelled" data-change="dropped"') == len(after.cancelled)
    paused = [e for e in after.cancelled if after.injured(e.day)]
    assert paused and all("R9" in e.prop("X-RUNCAL-DROPPED") for e in paused)  # the reason, with its rule
    assert all(f"Cancelled: {html.escape(e.prop('X-RUNCAL-DROPPED'))}" in text for e in paused)  # in words
    injured_weeks = [n for n in after.weeks if after.injured_week(n)]
    labelled = text.count("get assessed by a physiotherapist before resuming</span>")
    assert injured_weeks and labelled == len(injured_weeks)


# -- commands -------------------------------------------------------------------------------------

def test_show_bad_input_is_one_line_and_touches_nothing(tmp_path):
    runner = CliRunner()
    out = tmp_path / "page.html"
    missing = runner.invoke(main, ["show", str(tmp_path / "nope.ics"), "-o", str(out)])
    assert missing.exit_code == 2 and missing.output.count("\n") == 1 and "nope.ics" in missing.output
    broken = tmp_path / "broken.ics"
    broken.write_text("BEGIN:VCALENDAR\nVERSION:2.0\n")
    bad = runner.invoke(main, ["show", str(broken), "-o", str(out)])
    assert bad.exit_code == 2 and "broken.ics" in bad.output and "Traceback" not in bad.output
    assert not out.exists()
    _, data = plan_checked(profile_text(BASE_PROFILE, EVERY_DAY))
    plan_file = tmp_path / "plan.ics"
    plan_file.write_bytes(data)
    over = runner.invoke(main, ["show", str(plan_file), "-o", str(plan_file)])
    assert over.exit_code == 2 and "plan.html" in over.output and plan_file.read_bytes() == data


def test_plan_html_is_the_page_show_draws_from_the_written_file(tmp_path):
    sample = ROOT / "sample_calendars" / "advanced_marathon.toml"  # with busy calendars
    runner = CliRunner()
    ics, page = tmp_path / "plan.ics", tmp_path / "plan.html"
    made = runner.invoke(main, ["plan", str(sample), "-o", str(ics), "--html", str(page),
                                "--now", "2026-11-27T08:00:00Z"])
    assert made.exit_code == 0, made.output
    shown = runner.invoke(main, ["show", str(ics), "--profile", str(sample)])
    assert shown.exit_code == 0, shown.output
    assert page.read_bytes() == ics.with_suffix(".html").read_bytes()  # same inputs, byte-identical
    assert 'data-verdict="ok"' in page.read_text("utf-8") and "busy time" in page.read_text("utf-8")
    assert runner.invoke(main, ["plan", str(sample), "-o", str(ics), "--html", str(ics)]).exit_code == 2


def test_a_violation_is_on_the_page_with_its_rule_id():
    _, data = plan_checked(profile_text(BASE_PROFILE, EVERY_DAY))
    # Make the runner's weekly minutes tiny: week 1 then breaks R6's ramp (the checker says so).
    unfolded = data.replace(b"\r\n ", b"")
    doctored = re.sub(rb'\\?"weekly_minutes\\?": ?(\d+)', lambda m: m[0].replace(m[1], b"20"), unfolded)
    # The profile's hash would tell the checker the profile was edited (issue 16): drop it, as a hand edit would.
    doctored = re.sub(rb"X-RUNCAL-PROFILE-HASH:[0-9a-f]+\r\n", b"", doctored)
    violations = check_calendar(doctored)
    assert any(v.rule == "R6" for v in violations)
    page = plan_page(doctored, "doctored.ics")
    assert 'data-verdict="violations"' in page
    assert page.count('<li data-rule="') == len(violations)
    over = [w.index for w in plan_view(read_plan(doctored), "x").weeks if w.over_r6]
    assert 1 in over  # the chart and the week row flag it as well, in words
    assert page.count('class="mark over"') == len(over) and page.count(">above the R6 ceiling<") == len(over)


def test_plan_without_html_loads_no_drawing_code(tmp_path):
    """`runcal plan`'s start-up is benchmarked: the page code, Jinja2 and tqdm stay unloaded."""
    code = ("import sys; from click.testing import CliRunner; from cli import main; "
            f"r = CliRunner().invoke(main, ['plan', {str(ROOT / 'sample_calendars' / 'beginner_10k.toml')!r}, "
            f"'-o', {str(tmp_path / 'p.ics')!r}]); assert r.exit_code == 0, r.output; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('jinja2', 'tqdm', 'markupsafe') "
            "or m.startswith('solver.view')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


# -- whatif's progress bar -----------------------------------------------------------------------

WHATIF = ["whatif", str(ROOT / "sample_calendars" / "beginner_10k.toml"), "-s", "four: sessions=4",
          "-s", "strong: strength=1-2", "--jobs", "1"]


def _runcal() -> str:
    return str(Path(sys.executable).with_name("runcal"))


def test_whatif_progress_bar_on_a_terminal():
    """stderr on a pseudo-terminal: tqdm draws its bar and counts the three scenarios."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a 100-column terminal
    proc = subprocess.Popen([_runcal(), *WHATIF], stdout=subprocess.PIPE, stderr=follower, cwd=ROOT)
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        seen += chunk
    out, _ = proc.communicate(timeout=120)
    os.close(leader)
    assert proc.returncode == 0
    assert b"Planning scenarios" in seen and b"3/3" in seen
    assert b"Planning scenarios" not in out  # the table on stdout stays clean


def test_whatif_is_quiet_off_a_terminal(tmp_path):
    proc = subprocess.run([_runcal(), *WHATIF, "--format", "json"], capture_output=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0 and proc.stderr == b""
    assert [s["name"] for s in json.loads(proc.stdout)["scenarios"]] == ["baseline", "four", "strong"]
    page = tmp_path / "whatif.html"
    with_page = subprocess.run([_runcal(), *WHATIF, "--format", "json", "--html", str(page)], capture_output=True,
                               cwd=ROOT, timeout=120)
    assert with_page.returncode == 0 and page.exists() and b"whatif.html" in with_page.stderr
    assert json.loads(with_page.stdout) == json.loads(proc.stdout)  # stdout stays the same JSON
