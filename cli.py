"""runcal's command line: a thin shell over the `solver` library.

Exit codes: 0 done, 1 no plan exists / the plan breaks a rule, 2 bad input, 3 the solver ran out of
--time-limit before it found a plan or proved there is none (SolverTimeout).
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from solver.errors import InputError, RuncalError


class RuncalGroup(click.Group):
    """Turns library errors into one readable line and their exit code — never a traceback."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        from solver.inputs import command_scope

        try:
            with command_scope():  # the files this command reads: none of them is an output (solver/files.py)
                return super().invoke(ctx)
        except RuncalError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except click.UsageError as exc:  # a command's options: one line too, not click's usage block
            from solver.errors import printable

            command = f"{ctx.command_path} {exc.ctx.info_name}" if exc.ctx and exc.ctx is not ctx else ctx.command_path
            click.echo(f"Error: {printable(exc.format_message(), None)} Fix: see {command} --help", err=True)
            ctx.exit(exc.exit_code)


def busy_options(func):
    func = click.option("--all-day", "all_day", type=click.Choice(["opaque", "always", "never"]), default=None,
                        help="Do all-day events block the day? Default (or the profile's busy.all_day): "
                             "only those marked busy (opaque).")(func)
    return click.option("--busy", "busy", multiple=True, metavar="FILE|URL",
                        help="A calendar of yours whose events are busy time: an .ics, the .zip Google Calendar "
                             "exports, or caldav+https://SERVER/PATH/ (a CalDAV calendar; password from "
                             "$RUNCAL_CALDAV_PASSWORD or $RUNCAL_CALDAV_PASSWORD_FILE). Repeatable; adds to the "
                             "profile's busy.calendars.")(func)


def stamp_option(func):
    return click.option(
        "--now", "now", metavar="DATETIME",
        help="DTSTAMP for the events (ISO 8601, e.g. 2026-11-27T08:00:00Z). "
             "Default: $SOURCE_DATE_EPOCH if set, else the clock.")(func)


def resolve_stamp(now: str | None) -> dt.datetime:
    from solver.limits import check_date

    if now:
        try:
            value = dt.datetime.fromisoformat(now.replace("Z", "+00:00"))
        except ValueError:
            raise InputError("--now", "", f"{now!r} is not an ISO 8601 date-time",
                             "write it like 2026-11-27T08:00:00Z") from None
        check_date(value.date(), "--now")
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            value = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise InputError("SOURCE_DATE_EPOCH", "", f"{epoch!r} is not a number of seconds",
                             "unset it or give whole seconds since 1970") from None
        check_date(value.date(), "SOURCE_DATE_EPOCH")
        return value
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def html_option(what: str):
    return click.option("--html", "html", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
                        help=f"Also write {what} as one self-contained HTML page (charts, weeks, descriptions; "
                             "opens offline).")


def write_page(path: Path, page: str, calendars: tuple[Path | None, ...] = (), to_stderr: bool = False,
               option: str = "--html") -> None:
    """Write an HTML page atomically, never over one of the calendars it was drawn from (inputs of
    the command, and the command's other outputs: solver/files.py). The note goes to stderr when
    stdout carries data (whatif --format json)."""
    from solver.files import check_outputs, write_atomic

    check_outputs(*((c, "the calendar") for c in calendars if c is not None), (path, option), suffix=".html")
    write_atomic(path, page.encode("utf-8"), option=option, suffix=".html")
    click.echo(f"Wrote {path} — open it in a browser (it needs no network).", err=to_stderr)


def solver_flags(time_limit: float, workers: int = 1, workers_option: str = "--workers") -> None:
    """Resource flags within their bounds (solver/limits.py), or one line and exit code 2."""
    from solver.limits import check_time_limit, check_workers

    check_time_limit(time_limit)
    check_workers(workers, workers_option)


def checker_inputs(plan_file: Path, profile: Path | None, busy: tuple[str, ...], all_day: str | None):
    """The profile and busy time `check` and `show` check a plan against, and whether busy time is known."""
    from solver.check import plan_profile
    from solver.profile import load_profile
    from solver.solve import busy_for, busy_sources

    loaded = load_profile(profile) if profile else plan_profile(plan_file)
    if not profile:
        # The embedded profile has no file of its own: its calendars are looked for beside the plan.
        _, missing = busy_sources(loaded, plan_file)
        if missing:
            click.echo(f"Note: not checked against {', '.join(map(str, missing))}, which the plan's profile names "
                       "but is not beside the plan; pass --profile (its calendars are found relative to it).")
    busy_events = busy_for(loaded, busy, all_day, plan_file=None if profile else plan_file, skip_missing=True)
    return loaded, busy_events, bool(loaded.busy or busy)


@click.group(cls=RuncalGroup)
@click.version_option(package_name="runcal")
def main() -> None:
    """runcal: a training calendar of runs and strength sessions that follows the rules in
    docs/RULES.md (R1–R13), written as an .ics file for Google Calendar.

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
              help="Solver budget for the whole plan, in CP-SAT's deterministic seconds (machine-independent, so "
                   "results are too); above 0, at most 86400.")
@click.option("--workers", default=1, show_default=True,
              help="Solver threads, 1 to the number of cores. The same inputs and the same --workers give the same "
                   "plan; another --workers may give a different plan of the same cost (and 1 is usually fastest).")
@html_option("the plan")
def plan(profile: Path | None, output: Path, busy: tuple[str, ...], all_day: str | None, now: str | None,
         time_limit: float, workers: int, html: Path | None) -> None:
    """Plan PROFILE (TOML) into an .ics calendar and print the weeks.

    Without PROFILE, plans the built-in sample (an advanced runner's spring marathon).

    Example:

        runcal plan sample_calendars/intermediate_half.toml -o half.ics --now 2026-11-27T08:00:00Z

        runcal plan my.toml --busy work.ics --busy family.ics -o plan.ics --html plan.html
    """
    from solver import ics, profile as profiles, report, solve
    from solver.files import check_outputs, write_atomic

    solver_flags(time_limit, workers)
    stamp = resolve_stamp(now)
    loaded = profiles.load_profile(profile)
    busy_events = solve.busy_for(loaded, busy, all_day)
    check_outputs((output, "-o"), (html, "--html"))  # before solving: nothing is written if one is refused
    result = solve.make_plan(loaded, busy_events, time_limit=time_limit, workers=workers, offers=True, offers_aside=True)
    data = ics.plan_to_ical(result, stamp)
    write_atomic(output, data)
    click.echo(report.week_table(result))
    from solver.objective import plan_tally, unmet_lines

    # The preferences the plan could not meet, counted by solver/objective.py on the plan's sessions
    # (not the model's; tests/test_objective.py holds it equal to the count read back from the
    # file, which costs a parse of the whole .ics: 0.35 s for 52 weeks).
    for line in unmet_lines(plan_tally(result)):
        click.echo(line)
    from solver.intensity import fitness_notes

    for line in fitness_notes(loaded):  # where the paces come from; a goal the recent race does not back
        click.echo(f"Note: {line}")
    for line in report.race_time_notes(loaded):  # a start time the clocks skip on race day
        click.echo(f"Note: {line}")
    for line in report.room_notes(loaded):  # fewer sessions than asked: R2 is an upper bound
        click.echo(f"Note: {line}")
    if result.dropped:
        click.echo(report.dropped_lines(result))
    click.echo(report.readiness_lines(result))
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
def check(plan_file: Path, profile: Path | None, busy: tuple[str, ...], all_day: str | None) -> None:
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
         busy: tuple[str, ...], all_day: str | None) -> None:
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
    from solver.files import check_outputs
    from solver.view.page import plan_page, replan_page

    target = output or plan_file.with_suffix(".html")
    loaded, busy_events, busy_known = checker_inputs(plan_file, profile, busy, all_day)
    data = read_bytes(plan_file)
    check_outputs((target, "-o"), suffix=".html")
    if against is None:
        page = plan_page(data, str(plan_file), loaded, busy_events, busy_known)
    else:
        page = replan_page(data, read_bytes(against), str(plan_file), str(against), loaded, busy_events, busy_known)
    write_page(target, page, option="-o")


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
@click.option("--time-limit", default=60.0, show_default=True,
              help="Solver budget for each scenario's plan, in CP-SAT's deterministic seconds; above 0, at most 86400.")
@click.option("--jobs", type=int, default=None,
              help="Scenarios solved at once, 1 to the number of cores (default: one per core). Results do not "
                   "depend on it.")
@html_option("the comparison")
def whatif(profile: Path, scenarios: tuple[str, ...], scenarios_file: Path | None, out_dir: Path | None,
           fmt: str, busy: tuple[str, ...], all_day: str | None, now: str | None, time_limit: float,
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
    from solver.files import check_outputs, output_folder

    solver_flags(time_limit, 1 if jobs is None else jobs, "--jobs")
    stamp = resolve_stamp(now)
    base = profiles.load_profile(profile)
    found = wi.scenarios_for(base, scenarios, scenarios_file)
    folder = output_folder(out_dir, "--out-dir") if out_dir is not None else None
    outputs = lambda: check_outputs((html, "--html"), *((folder / f"{s.name}.ics", "--out-dir") for s in found  # noqa: E731
                                                         if folder is not None and folder.is_dir()))
    outputs()  # before solving; again after, when the busy calendars have been read too
    with progress_bar(len(found), "Planning scenarios", "scenario") as tick:
        outcomes = wi.run_scenarios(found, time_limit, jobs, busy, all_day,
                                    progress=lambda o: tick(o.scenario.name))
    outputs()
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
            if bar.n == total:  # tqdm skips updates inside its mininterval: the last one is always drawn
                bar.refresh()
        yield tick


@main.command()
@click.argument("plan_file", metavar="PLAN.ics", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--fit", "fit_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the FIT workout files (made if missing), one per session: DATE-KIND.fit.")
@click.option("--from", "since", metavar="DATE", help="First day to export (default: today, from --now).")
@stamp_option
def export(plan_file: Path, fit_dir: Path, since: str | None, now: str | None) -> None:
    """Write every future run and strength session of PLAN.ics as a FIT workout for a watch.

    The files hold the same steps, durations and targets as the calendar (pace or heart-rate
    ranges when known, else open, with the RPE in the step notes). Copy them to the watch's
    GARMIN/NewFiles folder over USB, or import them in Garmin Connect (see README).

    Example:

        runcal export plan.ics --fit workouts/ --from 2027-01-04
    """
    from solver.check import read_bytes
    from solver.files import output_folder
    from solver.fit import export_fit

    output_folder(fit_dir, "--fit")
    stamp = resolve_stamp(now)
    first = _date(since, "--from") or stamp.date()
    written = export_fit(read_bytes(plan_file), str(plan_file), fit_dir, first, stamp)
    click.echo(f"Wrote {len(written)} FIT workouts to {fit_dir} (sessions from {first}). Copy them to the "
               "watch's GARMIN/NewFiles folder over USB, or import them in Garmin Connect.")


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
                     help="Solver budget for the whole re-plan (every objective level), in CP-SAT's deterministic "
                          "seconds, above 0 and at most 86400; when it runs out, the best re-plan found is written "
                          "(feasible)."),
        busy_options,
        click.option("--html", "html", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
                     help="Also write the change as an HTML page: the new plan with moved sessions (from → to), "
                          "dropped ones struck through with the reason, unchanged ones faded. Written with "
                          "--dry-run too, as a preview."),
    ]):
        func = option(func)
    return func


def _rewrite_inputs(plan_file: Path, profile: Path | None, busy: tuple[str, ...], all_day: str | None):
    """The profile to re-plan with (None: the plan's own) and the busy time as it is now: the
    profile's calendars (relative to --profile, else beside the plan) and --busy."""
    from solver.check import plan_profile
    from solver.profile import load_profile
    from solver.solve import busy_for

    loaded = load_profile(profile) if profile else None
    busy_events = busy_for(loaded or plan_profile(plan_file), busy, all_day, plan_file=None if profile else plan_file)
    return loaded, busy_events


def _finish_rewrite(result, plan_file: Path, output: Path | None, dry_run: bool, closing: str,
                    status: str | None = None, html: Path | None = None, before: bytes = b"") -> None:
    """Print the diff and the new weeks, then write the new plan atomically (unless --dry-run), and
    the page if asked."""
    from solver.files import write_atomic

    target = output or plan_file
    click.echo(result.diff())
    click.echo(result.table)
    if dry_run:
        click.echo("Dry run: the calendar is not written." if html else "Dry run: nothing written.")
    else:
        write_atomic(target, result.data, replaces=(plan_file,))  # the documented in-place rewrite
        click.echo(f"Wrote {target}{f' ({status})' if status else ''} — {closing}")
    if html is not None:
        from solver.view.page import replan_page

        write_page(html, replan_page(result.data, before, str(target), str(plan_file)), ())


def _date(value: str | None, option: str) -> dt.date | None:
    from solver.limits import check_date

    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(option, "", f"{value!r} is not a date", "write it as YYYY-MM-DD") from None
    return check_date(day, option)


def _rewrite_outputs(plan_file: Path, output: Path | None, html: Path | None, dry_run: bool) -> None:
    """Refuse the outputs of replan/injury before anything is solved: -o may be the plan itself (the
    documented in-place rewrite), never another input; the page never a calendar."""
    from solver.files import check_outputs, output_target

    if html is not None:
        output_target(html, "--html", suffix=".html")  # the page may replace no input, the plan least of all
    check_outputs((None if dry_run else output or plan_file, "-o"), (html, "--html"), replaces=(plan_file,))


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
           time_limit: float, busy: tuple[str, ...], all_day: str | None, html: Path | None) -> None:
    """Repair PLAN.ics after missed sessions, or around your calendar as it is now, changing as few
    sessions as possible.

    Busy time comes from the profile's busy calendars (relative to --profile, else looked for
    beside PLAN.ics) and --busy: a session whose time now clashes with it moves, and the diff
    names the event.

    Past sessions not marked missed count as done and still bind the future (R3, R4, R5, R6,
    R10). Unchanged sessions keep their UID, time and text; moved ones keep their UID with
    SEQUENCE + 1; dropped ones are written as STATUS:CANCELLED, so re-importing the file into
    Google Calendar updates the events already there.

    Example:

        runcal replan plan.ics --today 2027-01-21 --missed 2027-01-19:strength

        runcal replan plan.ics --today 2027-02-22 --missed-from 2027-02-15 --to 2027-02-21 --dry-run --html preview.html

        runcal replan plan.ics --today 2027-01-11 --busy new-export.ics
    """
    from solver import replan as replanning
    from solver.check import read_bytes

    solver_flags(time_limit)
    start = _date(missed_from, "--missed-from")
    ranges = [(start, _date(missed_to, "--to") or start)] if start else []
    if missed_to and not start:
        raise InputError("--to", "", "given without --missed-from", "add --missed-from DATE")
    if ranges and ranges[0][1] < ranges[0][0]:
        raise InputError("--to", "", f"{ranges[0][1]} is before --missed-from {ranges[0][0]}",
                         "give the last day missed, on or after the first")
    loaded, busy_events = _rewrite_inputs(plan_file, profile, busy, all_day)
    before = read_bytes(plan_file)
    _rewrite_outputs(plan_file, output, html, dry_run)
    result = replanning.replan(before, str(plan_file), _date(today, "--today"), list(missed), list(done),
                               ranges, loaded, resolve_stamp(now), time_limit, busy=busy_events)
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
           output: Path | None, dry_run: bool, now: str | None, time_limit: float, busy: tuple[str, ...],
           all_day: str | None, html: Path | None) -> None:
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
    from solver.rehab import load_rehab

    solver_flags(time_limit)
    first, last = _date(start, "--from"), _date(until, "--until")
    if last and last < first:
        raise InputError("--until", "", f"{last} is before --from {first}", "give the day you were cleared")
    hurt = replanning.Injury(first, last, load_rehab(rehab) if rehab else None)
    loaded, busy_events = _rewrite_inputs(plan_file, profile, busy, all_day)
    before = read_bytes(plan_file)
    _rewrite_outputs(plan_file, output, html, dry_run)
    result = replanning.replan(before, str(plan_file), first, profile=loaded, stamp=resolve_stamp(now),
                               time_limit=time_limit, injury=hurt, busy=busy_events)
    _finish_rewrite(result, plan_file, output, dry_run,
                    "get assessed by a physiotherapist before resuming. runcal is not medical advice.",
                    html=html, before=before)


def server_options(func):
    """Where the CalDAV calendar is and who logs in: never the password itself (see solver/calsync.py)."""
    for option in reversed([
        click.option("--url", required=True, metavar="URL",
                     help="The CalDAV calendar, e.g. https://cal.example.com/dav/calendars/sam/training/."),
        click.option("--user", metavar="USER", help="User name (default: the URL's, else $RUNCAL_CALDAV_USER)."),
        click.option("--password-file", type=click.Path(dir_okay=False, path_type=Path),
                     help="A file whose first line is the password (default: $RUNCAL_CALDAV_PASSWORD, else the "
                          "file named by $RUNCAL_CALDAV_PASSWORD_FILE). Never on the command line."),
    ]):
        func = option(func)
    return func


@main.command()
@click.argument("plan_file", metavar="PLAN.ics", type=click.Path(dir_okay=False, path_type=Path))
@server_options
@click.option("--create", is_flag=True, help="Make the calendar (MKCALENDAR) if the URL has none yet.")
@click.option("--dry-run", is_flag=True, help="Say what would be written; write nothing, here or there.")
def push(plan_file: Path, url: str, user: str | None, password_file: Path | None, create: bool, dry_run: bool) -> None:
    """Put PLAN.ics on a CalDAV calendar, one object per session, updating the same objects after
    a re-plan.

    Only what differs from the server's copy is written: pushing the same plan twice writes
    nothing. Cancelled sessions stay as STATUS:CANCELLED. A session you moved on the server is
    left where you put it and its time is copied into PLAN.ics (your moves win; re-plan around
    it). A push stopped halfway is safe to run again.

    Example:

    \b
        RUNCAL_CALDAV_PASSWORD_FILE=~/.runcal-pw runcal push plan.ics \\
            --url https://cal.example.com/dav/calendars/sam/training/ --user sam

    \b
        runcal push plan.ics --url http://127.0.0.1:5232/sam/runcal/ --user sam --create
    """
    from solver import calsync
    from solver.check import read_bytes
    from solver.files import write_atomic

    data = read_bytes(plan_file)
    report = calsync.push(data, str(plan_file), calsync.login(url, user, password_file), create, dry_run)
    for line in report.lines(str(plan_file)):
        click.echo(line)
    if report.plan is not None and not dry_run:
        write_atomic(plan_file, report.plan, replaces=(plan_file,))  # push updates the plan in place (documented)
        click.echo(f"Wrote {plan_file} (the server's copy of your moves, and SEQUENCE where the server's was higher).")


@main.command()
@server_options
@click.option("-o", "--output", default="plan.ics", show_default=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the plan (replaced only once the new one is complete).")
@click.option("--plan-id", metavar="ID", help="Which plan, when the calendar holds several (X-RUNCAL-PLAN-ID).")
def pull(url: str, user: str | None, password_file: Path | None, output: Path, plan_id: str | None) -> None:
    """Rebuild a plan file from its sessions on a CalDAV calendar (as pushed by `runcal push`),
    with the moves you made there, ready for `runcal replan` and `runcal check`.

    Example:

        runcal pull --url http://127.0.0.1:5232/sam/runcal/ --user sam -o plan.ics
    """
    from solver import calsync
    from solver.check import read_plan
    from solver.files import output_target, write_atomic

    who = calsync.login(url, user, password_file)
    output_target(output)  # before talking to the server: not the password file, not a device
    data = calsync.pull(who, plan_id)
    plan = read_plan(data, None, url)  # fails before writing if the server's copy is not a readable plan
    write_atomic(output, data)
    click.echo(f"Wrote {output}: {len(plan.sessions)} sessions, {len(plan.missed)} missed, from {url}")


@main.command()
@click.argument("plan_file", metavar="PLAN.ics", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but 127.0.0.1/localhost lets others on the network read the plan.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free one).")
def serve(plan_file: Path, host: str, port: int) -> None:
    """Serve PLAN.ics as a calendar feed to subscribe to, re-read whenever the file changes.

    text/calendar; charset=utf-8 with ETag and Last-Modified, so clients that ask again get
    304 Not Modified until the plan changes. Google Calendar refreshes a subscribed feed only
    every 12-24 h and may not update events it already has: where updates matter, use
    `runcal push` to a CalDAV calendar. Stop with Ctrl-C.

    Example:

        runcal serve plan.ics --port 8765
    """
    from solver import feed

    gc.enable()  # run() turned it off for commands that end; a server runs until it is stopped
    server = feed.make_server(plan_file, host, port)
    click.echo(f"Serving {plan_file} at {feed.url_of(server, plan_file)} (Ctrl-C stops)", err=True)
    if not feed.is_loopback(host):
        click.echo(f"Note: listening on {host}: anyone who can reach this address can read your plan.", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def run() -> None:
    """The `runcal` command: main(), then out without the interpreter's teardown. Everything the
    command writes is closed by then (files are written atomically, process pools joined), and
    tearing down OR-Tools, pandas and numpy's modules takes 0.1-0.2 s on the 2-core machine,
    about a third of the import floor (bench/README.md). Only a finished command leaves this
    way: an exception that is not SystemExit ends the usual way, traceback and all.

    Python's cyclic garbage collector is off for the command: a plan allocates a few hundred
    thousand small objects (options, rows, events), and the collections they set off scan every
    object the imports made too (a 52-week plan 1.40 -> 1.16 s, the marathon sample 0.76 -> 0.71 s).
    What it would have found is small (a 52-week plan around a 305-event calendar: 20 k objects,
    +2 MiB of 170); `runcal serve`, which runs until stopped, turns it back on."""
    gc.disable()
    try:
        main()
        code = 0
    except SystemExit as done:
        code = done.code
    if code is None:
        code = 0
    elif not isinstance(code, int):  # sys.exit("message"): Python prints it and exits 1
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (runcal show | head): nothing left to say
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
