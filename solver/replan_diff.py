"""What a re-plan changed, and why, in words a runner reads (rule IDs after the words).

A session that keeps its start but not its length is "resized", not moved; a move names what
caused it: the busy event its old time now clashes with, a miss, or the session that moved next
to it (R3, R4); the new plan's week table follows the diff.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from .busy import BusyEvent
from .domain import Kind, elapsed_minutes

R3_GAP = dt.timedelta(hours=8)


@dataclass(frozen=True)
class Reason:
    words: str
    rule: str

    def __str__(self) -> str:  # for the runner: words first, the rule after them
        return f"{self.words} ({self.rule})"

    @property
    def stored(self) -> str:
        """X-RUNCAL-DROPPED's form: the rule ID first, for the checker and for tools."""
        return f"{self.rule}: {self.words}"


@dataclass(frozen=True)
class Slot:
    """A session as the diff sees it: kind and zone-aware times."""

    kind: Kind
    start: dt.datetime
    end: dt.datetime

    @property
    def minutes(self) -> int:
        return elapsed_minutes(self.start, self.end)  # real elapsed time, also across a clock change

    @property
    def label(self) -> str:
        return f"{self.kind.label} {self.start:%Y-%m-%d %H:%M}"


@dataclass
class ReplanResult:
    data: bytes
    moved: list[tuple[str, str, Reason]] = field(default_factory=list)  # (from, to, why)
    resized: list[tuple[str, int, int, Reason]] = field(default_factory=list)  # (session, old, new min, why)
    dropped: list[tuple[str, Reason]] = field(default_factory=list)  # (session, why)
    unchanged: int = 0
    added: list[str] = field(default_factory=list)  # new sessions (R9 rehab)
    notes: list[str] = field(default_factory=list)
    status: str = "optimal"
    table: str = ""  # the new plan's weeks, read back from the rewritten file
    readiness: tuple = ()  # each race of the new plan against solver/data/readiness.toml

    def diff(self) -> str:
        lines = [f"Note: {n}" for n in self.notes]
        lines += [f"moved:     {a} → {b} — {why}" for a, b, why in sorted(self.moved, key=_by_time)]
        lines += [f"resized:   {a}: {old} → {new} min — {why}" for a, old, new, why in sorted(self.resized, key=_by_time)]
        lines += [f"dropped:   {a} — {why}" for a, why in sorted(self.dropped, key=_by_time)]
        lines += [f"added:     {a}" for a in self.added]
        lines.append(f"unchanged: {self.unchanged} sessions")
        lines += [f"readiness: {r.line()}" for r in self.readiness]
        return "\n".join(lines)


def _by_time(change: tuple) -> tuple[str, str]:
    return tuple(change[0].split()[-2:])  # "easy run 2027-01-19 05:30": date and time


def busy_clashes(slot: Slot, busy: Iterable[BusyEvent], buffer_min: int) -> list[BusyEvent]:
    buffer = dt.timedelta(minutes=buffer_min)
    return [b for b in busy if slot.start < b.end + buffer and b.start - buffer < slot.end]


def why_moved(old: Slot, new: Slot, others: Iterable[Slot], busy: Iterable[BusyEvent], buffer_min: int,
              recovery_hours: int, missed: bool) -> Reason:
    """The first cause found, in this order: busy time at the old slot, a miss, a session placed
    next to the old slot (R3's 8 h or R4's recovery), a new length (R6), else the re-plan's search
    (the fewest changes that keep R5's rest days and R10)."""
    clashes = busy_clashes(old, busy, buffer_min)
    if clashes:
        zone = old.start.tzinfo
        return Reason(f"its time now clashes with {_names(clashes, zone)} in your calendar (+ {buffer_min} min "
                      "buffer)", "availability")
    if missed:
        return Reason("missed; moved to a later day of its own week, not doubled up", "R2")
    for other in others:
        if old.kind.is_run != other.kind.is_run and _gap(old, other) < R3_GAP:
            return Reason(f"its old time is less than 8 h from {other.label}", "R3")
        if _same_session(old.kind, other.kind) and _gap(old, other) < dt.timedelta(hours=recovery_hours):
            return Reason(f"its old time is less than {recovery_hours} h from {other.label}", "R4")
    if new.minutes != old.minutes:
        return Reason("this week's running volume follows what you actually ran", "R6")
    return Reason("the fewest changes that keep rest days and days in a row after the other moves", "R5, R10")


def why_resized() -> Reason:
    return Reason("this week's running volume follows what you actually ran", "R6")


def why_dropped(old: Slot, busy: Iterable[BusyEvent], buffer_min: int, missed: bool,
                stretch: tuple[dt.date, dt.date] | None, injured: bool) -> Reason:
    if injured:
        return Reason("injured — no training until a healthcare professional clears you", "R9")
    if missed and stretch:
        return Reason(f"missed ({stretch[0]} to {stretch[1]}); not made up on other days", "R2")
    if missed:
        return Reason("missed; no later place this week keeps 8 h from runs, recovery, rest days, days in a row "
                      "and your availability — not doubled up", "R2; R3, R4, R5, R10")
    clashes = busy_clashes(old, busy, buffer_min)
    if clashes:
        return Reason(f"its time now clashes with {_names(clashes, old.start.tzinfo)} in your calendar and no "
                      "other place this week is free", "availability; R3, R4, R5")
    return Reason("the volume you actually ran caps this week (missed minutes are not crammed in later), or no "
                  "place is left", "R6; R3, R4, R5")


def _names(clashes: list[BusyEvent], zone) -> str:
    named = ", ".join(b.describe(zone) for b in clashes[:2])
    return named + (f" and {len(clashes) - 2} more" if len(clashes) > 2 else "")


def _gap(a: Slot, b: Slot) -> dt.timedelta:
    """End of the earlier to start of the later; negative when they overlap."""
    first, second = (a, b) if a.start <= b.start else (b, a)
    return second.start - first.end


def _same_session(a: Kind, b: Kind) -> bool:
    return (a.is_strength and b.is_strength) or (a.is_hard and b.is_hard)
