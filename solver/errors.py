"""Typed errors. The CLI turns each into one readable line and an exit code."""

from __future__ import annotations


class RuncalError(Exception):
    """Base of every error runcal reports to a user."""

    exit_code = 2


class InputError(RuncalError, ValueError):
    """Bad input: names the file, the field and the fix (exit code 2)."""

    def __init__(self, source: str, field: str, problem: str, fix: str = "") -> None:
        self.source, self.field, self.problem, self.fix = source, field, problem, fix
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.source}: {self.field}" if self.field else self.source
        text = f"{where}: {self.problem}"
        return f"{text}. Fix: {self.fix}" if self.fix else text


class ProfileError(InputError):
    """A profile (TOML) that cannot be used as written."""


class CalendarError(InputError):
    """An .ics file that cannot be read."""


class NoPlanError(RuncalError):
    """The solver proved that no plan satisfies the hard rules (exit code 1)."""

    exit_code = 1

    def __init__(self, message: str, rules: tuple[str, ...] = ()) -> None:
        self.rules = rules
        super().__init__(message)
