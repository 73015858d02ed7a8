"""runcal as a library: make a plan, check it, re-plan it, compare what-ifs.

    import solver

    profile = solver.load_profile("sample_calendars/beginner_10k.toml")
    made = solver.plan(profile)                       # a Plan (solver.domain), or NoPlanError / SolverTimeout
    data = solver.to_ics(made)                         # the plan file's bytes (RFC 5545)
    assert solver.check(data) == []                   # the independent checker: its list of Violations
    later = solver.replan(data, dt.date(2027, 1, 12), missed=["2027-01-11"])  # a ReplanResult; .data: the new file
    rows = solver.whatif(profile, ["later: race=2027-03-21 10k A"])  # one summary dict per scenario

Errors are RuncalError subclasses, each with its exit code: InputError (bad input, 2; ProfileError
and CalendarError are InputErrors), NoPlanError (proven: no plan exists, 1), SolverTimeout (the
budget ran out first, 3).

Nothing heavy is imported here: `import solver` happens on every CLI start-up (which is
benchmarked), so each function imports its modules when called (OR-Tools only with the solver).
`check`, `replan` and `whatif` are also the names of their modules (solver.check, …): each of
those modules is callable as its API function (CallableModule below), so `solver.check(data)` and
`solver.check.check_calendar(...)` both work, however the module was first imported.
"""

from __future__ import annotations

import importlib
import sys
import types

from .errors import CalendarError, InputError, NoPlanError, ProfileError, RuncalError, SolverTimeout

TYPE_CHECKING = False  # not typing's: importing typing and datetime doubled `import solver`'s time
if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path
    from typing import Any

    from .domain import Plan, Profile

__all__ = ["plan", "to_ics", "check", "replan", "whatif", "load_profile", "parse_profile",
           "RuncalError", "InputError", "ProfileError", "CalendarError", "NoPlanError", "SolverTimeout"]

MODULES = ("check", "replan", "whatif")  # the API functions that are also modules


class CallableModule(types.ModuleType):
    """A module that is also the API function of its name (its `api`): a package attribute cannot
    be both a function and a submodule, since importing solver.check sets `solver.check` to the
    module whatever was there."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.api(*args, **kwargs)


def callable_module(name: str) -> None:
    """Make the module `name` callable as its `api` (each of MODULES calls this as it is loaded)."""
    sys.modules[name].__class__ = CallableModule


def plan(profile: Profile, busy: tuple = (), time_limit: float = 60.0, workers: int = 1,
         offers: bool = False) -> Plan:
    """Plan the profile (solver.solve.make_plan): a Plan whose every rule the checker can verify."""
    from .solve import make_plan

    return make_plan(profile, busy, time_limit=time_limit, workers=workers, offers=offers)


def to_ics(made: Plan, stamp: dt.datetime | None = None) -> bytes:
    """The plan file's bytes. `stamp` is DTSTAMP (default: now); the same stamp, the same bytes."""
    import datetime

    from .ics import plan_to_ical

    return plan_to_ical(made, stamp or datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0))


def load_profile(path: str | Path) -> Profile:
    """A profile .toml, validated (ProfileError names the field and the fix)."""
    from .profile import load_profile as load

    return load(path)


def parse_profile(text: str, source: str = "<profile>") -> Profile:
    from .profile import parse_profile as parse

    return parse(text, source)


def __getattr__(name: str) -> Any:
    """solver.check, solver.replan, solver.whatif on first use: the module, callable as its API."""
    if name in MODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
