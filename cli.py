"""runcal's command line: a thin shell over the `solver` library.

Exit codes: 0 done, 1 no plan exists / the plan breaks a rule, 2 bad input.
"""

from __future__ import annotations

import datetime as dt
import os
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
@click.option("--time-limit", default=60.0, show_default=True, help="Seconds the solver may take.")
@click.option("--workers", default=1, show_default=True, help="Solver threads (results stay deterministic).")
def plan(profile: Path | None, output: Path, busy: tuple[Path, ...], all_day: str | None, now: str | None,
         time_limit: float, workers: int) -> None:
    """Plan PROFILE (TOML) into an .ics calendar and print the weeks.

    Without PROFILE, plans the built-in sample (an advanced runner's spring marathon).

    Example:

        runcal plan sample_calendars/intermediate_half.toml -o half.ics --now 2026-11-27T08:00:00Z

        runcal plan my.toml --busy work.ics --busy family.ics -o plan.ics
    """
    from solver import ics, profile as profiles, report, solve
    from solver.files import write_atomic

    stamp = resolve_stamp(now)
    loaded = profiles.load_profile(profile)
    busy_events = solve.busy_for(loaded, busy, all_day)
    result = solve.make_plan(loaded, busy_events, time_limit=time_limit, workers=workers)
    write_atomic(output, ics.plan_to_ical(result, stamp))
    click.echo(report.week_table(result))
    if result.dropped:
        click.echo(report.dropped_lines(result))
    click.echo(report.status_line(result))
    click.echo(f"Wrote {output} — import it into Google Calendar (Settings → Import & export → Import).")


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
    from solver.check import check_file, format_report, plan_profile
    from solver.profile import load_profile
    from solver.solve import busy_for

    loaded = load_profile(profile) if profile else plan_profile(plan_file)
    if loaded.busy and not profile:
        # The embedded profile names its calendars relative to a profile file we do not have.
        click.echo("Note: the profile's busy calendars are not checked; pass --profile or --busy.")
        loaded = replace(loaded, busy=())
    busy_events = busy_for(loaded, busy, all_day)
    violations = check_file(plan_file, loaded, busy_events)
    click.echo(format_report(violations))
    if violations:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
