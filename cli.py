"""runcal's command line: a thin shell over the `solver` library.

Exit codes: 0 done, 1 no plan exists / the plan breaks a rule, 2 bad input.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import click

from solver.errors import InputError, RuncalError


class RuncalGroup(click.Group):
    """Turns library errors into one readable line and their exit code — never a traceback."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except RuncalError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)


def busy_options(func):
    func = click.option("--all-day", "all_day", type=click.Choice(["opaque", "always", "never"]), default=None,
                        help="Do all-day events block the day? Default (or the profile's busy.all_day): "
                             "only those marked busy (opaque).")(func)
    return click.option("--busy", "busy", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
                        help="A calendar of yours (.ics, or the .zip Google Calendar exports) whose events are "
                             "busy time. Repeatable; adds to the profile's busy.calendars.")(func)


def stamp_option(func):
    return click.option(
        "--now", "now", metavar="DATETIME",
        help="DTSTAMP for the events (ISO 8601, e.g. 2026-11-27T08:00:00Z). "
             "Default: $SOURCE_DATE_EPOCH if set, else the clock.")(func)


def resolve_stamp(now: str | None) -> dt.datetime:
    if now:
        try:
            value = dt.datetime.fromisoformat(now.replace("Z", "+00:00"))
        except ValueError:
            raise InputError("--now", "", f"{now!r} is not an ISO 8601 date-time",
                             "write it like 2026-11-27T08:00:00Z") from None
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
        except ValueError:
            raise InputError("SOURCE_DATE_EPOCH", "", f"{epoch!r} is not a number of seconds",
                             "unset it or give whole seconds since 1970") from None
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def html_option(what: str):
    return click.option("--html", "html", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
                        help=f"Also write {what} as one self-contained HTML page (charts, weeks, descriptions; "
                             "opens offline).")


def write_page(path: Path, page: str, calendars: tuple[Path | None, ...], to_stderr: bool = False) -> None:
    """Write an HTML page atomically, never over one of the calendars it was drawn from. The note
    goes to stderr when stdout carries data (whatif --format json)."""
    from solver.files import write_atomic

    for calendar in calendars:
        if calendar is not None and path.resolve() == calendar.resolve():
            raise InputError(str(path), "", "is the calendar the page is drawn from",
                             "give the page its own name, e.g. plan.html")
    write_atomic(path, page.encode("utf-8"))
    click.echo(f"Wrote {path} — open it in a browser (it needs no network).", err=to_stderr)


def checker_inputs(plan_file: Path, profile: Path | None, busy: tuple[Path, ...], all_day: str | None):
    """The profile and busy time `check` and `show` check a plan against, and whether busy time is known."""
    from solver.check import plan_profile
    from solver.profile import load_profile
    from solver.solve import busy_for

    loaded = load_profile(profile) if profile else plan_profile(plan_file)
    if loaded.busy and not profile:
        # The embedded profile names its calendars relative to a profile file we do not have.
        click.echo("Note: the busy calendars named in the plan's profile are not checked (their paths are "
                   "relative to the profile file); pass --profile.")
        loaded = replace(loaded, busy=())
    return loaded, busy_for(loaded, busy, all_day), bool(loaded.busy or busy)


@click.group(cls=RuncalGroup)
@click.version_option(package_name="runcal")
def main() -> None:
    """runcal: a training calendar of runs and strength sessions that follows the rules in
    RULES.md (R1–R10), written as an .ics file for Google Calendar.

    Example:

        runcal plan sample_calendars/advanced_marathon.toml -o plan.ics

        runcal check plan.ics
    """


@main.command()
@click.argument("profile", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", default="plan.ics", show_default=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the calendar (replaced only once the new one is complete).")
@busy_options
@stamp_option
@click.option("--time-limit", default=60.0, show_default=True,
              help="Solver budget in CP-SAT's deterministic seconds (machine-independent, so results are too).")
@click.option("--workers", default=1, show_default=True, help="Solver threads (results stay deterministic).")
@html_option("the plan")
def plan(profile: Path | None, output: Path, busy: tuple[Path, ...], all_day: str | None, now: str | None,
         time_limit: float, workers: int, html: Path | None) -> None:
    """Plan PROFILE (TOML) into an .ics calendar and print the weeks.

    Without PROFILE, plans the built-in sample (an advanced runner's spring marathon).

    Example:

        runcal plan sample_calendars/intermediate_half.toml -o half.ics --now 2026-11-27T08:00:00Z

        runcal plan my.toml --busy work.ics --busy family.ics -o plan.ics --html plan.html
    """
    from solver import ics, profile as profiles, report, solve
    from solver.files import write_atomic

    if html is not None and html.resolve() == output.resolve():
        raise InputError(str(html), "", "is also the calendar's -o path", "give the page its own name, e.g. plan.html")
    stamp = resolve_stamp(now)
    loaded = profiles.load_profile(profile)
    busy_events = solve.busy_for(loaded, busy, all_day)
    result = solve.make_plan(loaded, busy_events, time_limit=time_limit, workers=workers)
    data = ics.plan_to_ical(result, stamp)
    write_atomic(output, data)
    click.echo(report.week_table(result))
    if result.dropped:
        click.echo(report.dropped_lines(result))
    click.echo(report.status_line(result))
    click.echo(f"Wrote {output} — import it into Google Calendar (Settings → Import & export → Import).")
    if html is not None:
        from solver.view.page import plan_page  # Jinja2 and the page code only when a page is asked for

        write_page(html, plan_page(data, str(output), loaded, busy_events, bool(loaded.busy or busy)), (output,))


@main.command()
@click.argument("plan_file", metavar="PLAN.ics", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--profile", type=click.Path(dir_okay=False, path_type=Path),
              help="Profile whose rule parameters apply (default: the one embedded in the plan).")
@busy_options
def check(plan_file: Path, profile: Path | None, busy: tuple[Path, ...], all_day: str | None) -> None:
    """Verify PLAN.ics against every hard rule (R1–R6, R8, R10) and availability.

    Independent of the planner: it reads only the calendar (and the profile). Exit 0 when the
    plan is clean, 1 with one line per violation.

    Example:

        runcal check plan.ics --profile sample_calendars/advanced_marathon.toml

        runcal check plan.ics --busy work.ics
    """
    from solver.check import check_file, format_report

    loaded, busy_events, _ = checker_inputs(plan_file, profile, busy, all_day)
    violations = check_file(plan_file, loaded, busy_events)
    click.echo(format_report(violations))
    if violations:
        raise SystemExit(1)


@main.command()
@click.argument("plan_file", metavar="PLAN.ics", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the page (default: PLAN.html beside the calendar).")
@click.option("--against", metavar="OLD.ics", type=click.Path(dir_okay=False, path_type=Path),
              help="The plan before a re-plan: draw what changed (moved from → to, dropped struck through with "
                   "the reason, unchanged faded).")
@click.option("--profile", type=click.Path(dir_okay=False, path_type=Path),
              help="Profile whose rule parameters the checker's verdict uses (default: the one embedded in the plan).")
@busy_options
def show(plan_file: Path, output: Path | None, against: Path | None, profile: Path | None,
         busy: tuple[Path, ...], all_day: str | None) -> None:
    """Draw PLAN.ics as one self-contained HTML page that opens offline.

    The page shows every week with its sessions at their times (click one for its description:
    workout steps, strength prescription), charts of the weekly running minutes with the R6
    ceiling, the long run with the R11 ceiling, strength per week and each race's readiness
    target, and the independent checker's verdict. Works for any plan file runcal wrote, also
    after replan or injury. Exit 0 once written, 2 for an unreadable calendar.

    Example:

        runcal show plan.ics -o plan.html

        runcal show replanned.ics --against plan.ics -o replan.html
    """
    from solver.check import read_bytes
    from solver.view.page import plan_page, replan_page

    target = output or plan_file.with_suffix(".html")
    loaded, busy_events, busy_known = checker_inputs(plan_file, profile, busy, all_day)
    data = read_bytes(plan_file)
    if against is None:
        page = plan_page(data, str(plan_file), loaded, busy_events, busy_known)
    else:
        page = replan_page(data, read_bytes(against), str(plan_file), str(against), loaded, busy_events, busy_known)
    write_page(target, page, (plan_file, against))


@main.command()
@click.argument("profile", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-s", "--scenario", "scenarios", multiple=True, metavar='"NAME: KEY=VALUE; ..."',
              help="A variation of the profile (repeatable). Keys: race=DATE DISTANCE [A|B] [HH:MM] [name] "
                   "(the first replaces the profile's races, race=none drops them), sessions=N, strength=N or "
                   "MIN-MAX, level=…, weekly_minutes=N, start=DATE, end=DATE, days=mon,wed,…, "
                   "mon=HH:MM-HH:MM,… (or none).")
@click.option("--scenarios-file", type=click.Path(dir_okay=False, path_type=Path),
              help="TOML file of [[scenario]] tables with the same keys (see solver/whatif.py).")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write each planned scenario's calendar here as NAME.ics.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="A side-by-side table, or the same numbers as JSON.")
@busy_options
@stamp_option
@click.option("--time-limit", default=60.0, show_default=True, help="Seconds each scenario's solver may take.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Scenarios solved at once (default: one per core). Results do not depend on it.")
@html_option("the comparison")
def whatif(profile: Path, scenarios: tuple[str, ...], scenarios_file: Path | None, out_dir: Path | None,
           fmt: str, busy: tuple[Path, ...], all_day: str | None, now: str | None, time_limit: float,
           jobs: int | None, html: Path | None) -> None:
    """Compare plans for variations of PROFILE side by side, before committing to one.

    The profile as given is the "baseline" scenario. Each scenario is planned on its own; one
    that has no plan is reported with the rule that blocks it and does not stop the others.
    Each race is checked for readiness (peak week and long run against
    solver/data/readiness.toml). Exit 0 once the comparison ran, 2 for bad input.

    Example:

    \b
        runcal whatif sample_calendars/advanced_marathon.toml \\
            -s "marathon-only: race=2027-04-11 marathon A Manchester Marathon" \\
            -s "four-days: sessions=4; days=tue,thu,sat,sun" --out-dir whatif/ --html whatif.html
    """
    from solver import profile as profiles, whatif as wi

    stamp = resolve_stamp(now)
    base = profiles.load_profile(profile)
    found = wi.scenarios_for(base, scenarios, scenarios_file)
    with progress_bar(len(found), "Planning scenarios", "scenario") as tick:
        outcomes = wi.run_scenarios(found, time_limit, jobs, busy, all_day,
                                    progress=lambda o: tick(o.scenario.name))
    written = wi.write_calendars(outcomes, out_dir, stamp) if out_dir else {}
    rows = [wi.summarize(o, written.get(o.scenario.name)) for o in outcomes]
    click.echo(wi.format_json(rows) if fmt == "json" else wi.format_table(rows))
    if html is not None:
        from solver.solve import busy_for
        from solver.view.page import whatif_page

        plans = {o.scenario.name: (wi.scenario_calendar(o, stamp), o.scenario.profile,
                                   busy_for(o.scenario.profile, busy, all_day)) for o in outcomes if o.plan}
        write_page(html, whatif_page(rows, wi.comparison_table(rows), plans, bool(base.busy or busy)), (),
                   to_stderr=fmt == "json")


@contextmanager
def progress_bar(total: int, what: str, unit: str):
    """A progress bar on stderr while `total` (> 1) pieces of work run; nothing when stderr is not a
    terminal (tqdm's disable=None), so piped and CI output stay clean. Yields tick(name)."""
    if total < 2:
        yield lambda name: None
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=what, unit=unit, disable=None, leave=False, file=sys.stderr,
              dynamic_ncols=True) as bar:
        def tick(name: str) -> None:
            bar.set_postfix_str(name, refresh=False)
            bar.update()
        yield tick


def rewrite_options(func):
    """Options shared by the commands that rewrite an existing plan (replan, injury)."""
    for option in reversed([
        click.option("--profile", type=click.Path(dir_okay=False, path_type=Path),
                     help="Profile to re-plan with (default: the one embedded in the plan)."),
        click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                     help="Where to write the plan (default: replace PLAN.ics, atomically)."),
        click.option("--dry-run", is_flag=True, help="Print what would change; write nothing."),
        stamp_option,
        click.option("--time-limit", default=60.0, show_default=True,
                     help="Solver budget per objective level, in CP-SAT's deterministic seconds."),
        click.option("--html", "html", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
                     help="Also write the change as an HTML page: the new plan with moved sessions (from → to), "
                          "dropped ones struck through with the reason, unchanged ones faded. Written with "
                          "--dry-run too, as a preview."),
    ]):
        func = option(func)
    return func


def _finish_rewrite(result, plan_file: Path, output: Path | None, dry_run: bool, closing: str,
                    status: str | None = None, html: Path | None = None, before: bytes = b"") -> None:
    """Print the diff, then write the new plan atomically (unless --dry-run), and the page if asked."""
    from solver.files import write_atomic

    target = output or plan_file
    if html is not None and html.resolve() in (target.resolve(), plan_file.resolve()):
        raise InputError(str(html), "", "is a calendar path", "give the page its own name, e.g. replan.html")
    click.echo(result.diff())
    if dry_run:
        click.echo("Dry run: the calendar is not written." if html else "Dry run: nothing written.")
    else:
        write_atomic(target, result.data)
        click.echo(f"Wrote {target}{f' ({status})' if status else ''} — {closing}")
    if html is not None:
        from solver.view.page import replan_page

        write_page(html, replan_page(result.data, before, str(target), str(plan_file)), ())


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(option, "", f"{value!r} is not a date", "write it as YYYY-MM-DD") from None


@main.command()
@click.argument("plan_file", metavar="PLAN.ics", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--today", required=True, metavar="DATE", help="Today's date (YYYY-MM-DD): sessions before it are past.")
@click.option("--missed", multiple=True, metavar="SESSION",
              help="A missed session: YYYY-MM-DD (every session that day), YYYY-MM-DD:KIND, or its UID. Repeatable.")
@click.option("--done", multiple=True, metavar="SESSION", help="A session already done today or ahead of time. Repeatable.")
@click.option("--missed-from", metavar="DATE", help="First day of a stretch missed (illness, travel)…")
@click.option("--to", "missed_to", metavar="DATE", help="…and its last day (default: --missed-from).")
@rewrite_options
def replan(plan_file: Path, today: str, missed: tuple[str, ...], done: tuple[str, ...], missed_from: str | None,
           missed_to: str | None, profile: Path | None, output: Path | None, dry_run: bool, now: str | None,
           time_limit: float, html: Path | None) -> None:
    """Repair PLAN.ics after missed sessions, changing as few sessions as possible.

    Past sessions not marked missed count as done and still bind the future (R3, R4, R5, R6,
    R10). Unchanged sessions keep their UID, time and text; moved ones keep their UID with
    SEQUENCE + 1; dropped ones are written as STATUS:CANCELLED, so re-importing the file into
    Google Calendar updates the events already there.

    Example:

        runcal replan plan.ics --today 2027-01-21 --missed 2027-01-19:strength

        runcal replan plan.ics --today 2027-02-22 --missed-from 2027-02-15 --to 2027-02-21 --dry-run --html preview.html
    """
    from solver import replan as replanning
    from solver.check import read_bytes
    from solver.profile import load_profile

    start = _date(missed_from, "--missed-from")
    ranges = [(start, _date(missed_to, "--to") or start)] if start else []
    if missed_to and not start:
        raise InputError("--to", "", "given without --missed-from", "add --missed-from DATE")
    before = read_bytes(plan_file)
    result = replanning.replan(before, str(plan_file), _date(today, "--today"), list(missed), list(done),
                               ranges, load_profile(profile) if profile else None, resolve_stamp(now), time_limit)
    _finish_rewrite(result, plan_file, output, dry_run,
                    "import it again: Google Calendar updates the same events.", result.status, html, before)


@main.command()
@click.argument("plan_file", metavar="PLAN.ics", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--from", "start", required=True, metavar="DATE", help="The day the injury happened (YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="The day a healthcare professional cleared you (default: not yet).")
@click.option("--rehab", type=click.Path(dir_okay=False, path_type=Path),
              help="Your physiotherapist's rehab programme (TOML, see README). runcal never invents one.")
@rewrite_options
def injury(plan_file: Path, start: str, until: str | None, rehab: Path | None, profile: Path | None,
           output: Path | None, dry_run: bool, now: str | None, time_limit: float, html: Path | None) -> None:
    """Pause training from an injury (R9): get assessed first, then only your physio's programme.

    From --from, every run and strength session is cancelled (STATUS:CANCELLED, SEQUENCE + 1) and an
    all-day reminder "Get assessed by a physiotherapist before resuming" is added. With --rehab, the
    programme your physiotherapist prescribed is scheduled under R3, R4, R5 and your availability.
    With --until, training resumes after it at a reduced volume and builds back under R6.
    Not medical advice.

    Example:

        runcal injury plan.ics --from 2027-02-01 --until 2027-02-14 --rehab rehab.toml -o plan.ics
    """
    from solver import replan as replanning
    from solver.check import read_bytes
    from solver.profile import load_profile
    from solver.rehab import load_rehab

    first, last = _date(start, "--from"), _date(until, "--until")
    if last and last < first:
        raise InputError("--until", "", f"{last} is before --from {first}", "give the day you were cleared")
    hurt = replanning.Injury(first, last, load_rehab(rehab) if rehab else None)
    before = read_bytes(plan_file)
    result = replanning.replan(before, str(plan_file), first, profile=load_profile(profile) if profile else None,
                               stamp=resolve_stamp(now), time_limit=time_limit, injury=hurt)
    _finish_rewrite(result, plan_file, output, dry_run,
                    "get assessed by a physiotherapist before resuming. runcal is not medical advice.",
                    html=html, before=before)


if __name__ == "__main__":
    main()
