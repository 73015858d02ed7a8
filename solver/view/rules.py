"""The rule IDs the page names, and the checker's verdict in words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..check import CHECKS, Violation

# The "Rule" column of docs/RULES.md (tests/test_view.py keeps the two in step).
RULE_TITLES = {
    "R1": "1–2 strength sessions a week",
    "R2": "Replace, don't add",
    "R3": "8 h between a run and strength",
    "R4": "24–48 h between the same session",
    "R5": "Rest days",
    "R6": "Build slowly",
    "R7": "Dose by level, type and period",
    "R8": "Race preparation",
    "R9": "Injury",
    "R10": "Rest between weeks of work",
    "R11": "The long run builds slowly",
    "R12": "Hard days apart",
    "R13": "No strength before a key run",
}
# Checks that are not numbered rules, by their function name in solver/check.py.
OTHER_CHECKS = {"availability": "availability", "busy_time": "busy time", "plan_window": "plan window"}


def checked_rules() -> list[str]:
    """Rule IDs the checker has a check for, read off its CHECKS (functions are named r<N>_…),
    so the verdict names new rules as soon as the checker checks them."""
    found = {int(m[1]) for f in CHECKS if (m := re.match(r"r(\d+)_", f.__name__))}
    return [f"R{n}" for n in sorted(found)]


def id_span(ids: list[str]) -> str:
    """["R1", "R2", "R3", "R5"] -> "R1–R3, R5"."""
    numbers = sorted(int(i[1:]) for i in ids)
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][-1] + 1:
            spans[-1].append(n)
        else:
            spans.append([n])
    return ", ".join(f"R{s[0]}" if len(s) == 1 else f"R{s[0]}–R{s[-1]}" for s in spans)


@dataclass(frozen=True)
class Verdict:
    """What `runcal check` says of the plan file, as the page shows it."""

    violations: tuple[Violation, ...]
    busy_checked: bool  # the runner's busy calendars were given, so busy time was checked

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def checked(self) -> list[str]:
        return checked_rules()

    @property
    def unchecked(self) -> list[str]:
        return [r for r in RULE_TITLES if r not in self.checked]

    def line(self) -> str:
        others = ["availability", "plan window"] + (["busy time"] if self.busy_checked else [])
        if self.ok:
            return f"The checker finds no violation: the plan keeps every rule {id_span(self.checked)}, " \
                   f"and {', '.join(others)}."
        rules = ", ".join(dict.fromkeys(v.rule for v in self.violations))
        n = len(self.violations)
        return f"The checker finds {n} violation{'s' if n != 1 else ''} ({rules})."

    def notes(self) -> list[str]:
        notes = []
        if self.unchecked:
            notes.append(f"Not checked by this version of the checker: {id_span(self.unchecked)}.")
        if not self.busy_checked:
            notes.append("Busy time was not checked: give your calendars with --busy (or --profile).")
        return notes
