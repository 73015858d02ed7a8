"""Typed errors. The CLI turns each into one readable line and an exit code."""

from __future__ import annotations

import re

# Characters that would break the one line a message is, or play tricks on a terminal: C0/C1 controls
# (ESC starts terminal escape sequences), line and paragraph separators, bidirectional overrides.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
PART_CHARS = 300  # a value quoted from a file (a 1 MB list, say) is cut to this many characters


def printable(text: str, limit: int | None = PART_CHARS) -> str:
    """`text` as one printable line: unprintable characters written as escapes, cut at `limit`."""
    text = _UNPRINTABLE.sub(lambda m: "\\n" if m[0] == "\n" else f"\\u{ord(m[0]):04x}", str(text))
    return text if limit is None or len(text) <= limit else text[:limit - 1] + "…"


class RuncalError(Exception):
    """Base of every error runcal reports to a user."""

    exit_code = 2


class InputError(RuncalError, ValueError):
    """Bad input: names the file, the field and the fix (exit code 2)."""

    def __init__(self, source: str, field: str, problem: str, fix: str = "") -> None:
        self.source, self.field, self.problem, self.fix = source, field, problem, fix
        super().__init__(str(self))

    def __str__(self) -> str:
        # Source, field and problem may quote the input itself (a name, a calendar's SUMMARY): never
        # let it echo escape sequences or break the line.
        source, field, problem = (printable(part) for part in (self.source, self.field, self.problem))
        where = f"{source}: {field}" if field else source
        text = f"{where}: {problem}"
        return f"{text}. Fix: {printable(self.fix, None)}" if self.fix else text


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


class SolverTimeout(RuncalError):
    """The solver ran out of its budget (--time-limit) before it found a plan or proved there is
    none (exit code 3). Not a NoPlanError on purpose: a NoPlanError is a proof (its explanation's
    fixes are checked to plan), and code that acts on "no plan exists" (changing the profile,
    judging the explanation) must not be handed a time-out, which proves nothing; catch both
    where either means "nothing to write"."""

    exit_code = 3

    def __init__(self, message: str, status: str = "UNKNOWN") -> None:
        self.status = status  # CP-SAT's status name when it stopped (UNKNOWN: budget spent)
        super().__init__(message)
