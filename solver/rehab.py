"""A rehab programme that a physiotherapist prescribed (R9), read from a TOML file.

runcal never invents one: the file names who prescribed it, and every exercise comes from it.
Errors name the file, the line and the fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError
from .inputs import parse_toml, read_text
from .limits import REHAB_EXERCISES
from .profile import text_problem

EXAMPLE = ('[programme] with prescribed_by = "…", sessions_per_week = 3 and minutes = 30, then one [[exercise]] '
           'table for each exercise with name = "…", sets = 3 and reps = "15" (see README)')
# Free text that may run over several lines in the event's DESCRIPTION; everything else is one line.
MULTILINE = {"notes"}
KEYS = {"programme": {"prescribed_by", "sessions_per_week", "minutes", "notes"},
        "exercise": {"name", "sets", "reps", "frequency_per_week", "notes"}}


@dataclass(frozen=True)
class RehabExercise:
    name: str
    sets: int
    reps: str
    frequency_per_week: int
    notes: str = ""

    def line(self) -> str:
        note = f" ({self.notes})" if self.notes else ""
        return f"- {self.name}: {self.sets} × {self.reps}, {self.frequency_per_week}× a week{note}"


@dataclass(frozen=True)
class Rehab:
    prescribed_by: str
    sessions_per_week: int
    minutes: int
    exercises: tuple[RehabExercise, ...]
    notes: str = ""

    def title(self) -> str:
        return f"Rehab (physio programme) — {len(self.exercises)} exercises"

    def description(self) -> str:
        lines = [e.line() for e in self.exercises]
        lines += ["", f"Prescribed by {self.prescribed_by}. runcal copies this programme from your physio's file; "
                      "it never invents one (R9)."]
        if self.notes:
            lines.insert(0, self.notes)
        return "\n".join(lines)


def load_rehab(path: str | Path) -> Rehab:
    return parse_rehab(read_text(path, "rehab"), str(path))


def parse_rehab(text: str, source: str) -> Rehab:
    try:
        data = parse_toml(text, source)
    except InputError as exc:
        raise InputError(source, _line_of_error(exc.problem), exc.problem, exc.fix) from None
    reader = _Reader(source, text)
    for key in data:
        if key not in KEYS:
            raise reader.fail(key, key, "unknown section", "use [programme] and [[exercise]] tables")
    programme = data.get("programme")
    if not isinstance(programme, dict):
        raise reader.fail("[programme]", "programme", "section missing", f"start the file with {EXAMPLE}")
    reader.unknown(programme, "programme", "programme")
    who = reader.text(programme, "prescribed_by", "programme", None)
    items = data.get("exercise")
    if not isinstance(items, list) or not items:
        raise reader.fail("[[exercise]]", "[[exercise]]", "no exercises",
                          "copy each exercise your physiotherapist gave you as an [[exercise]] table")
    if len(items) > REHAB_EXERCISES:
        raise reader.fail("[[exercise]]", ("[[exercise]]", REHAB_EXERCISES), f"{len(items)} exercises, more than the "
                          f"{REHAB_EXERCISES} a programme may hold", "copy the programme your physiotherapist gave you")
    per_week = reader.number(programme, "sessions_per_week", "programme", 1, 7, None)
    exercises = []
    for i, item in enumerate(items):
        anchor = ("[[exercise]]", i)
        reader.unknown(item, "exercise", anchor)
        exercises.append(RehabExercise(
            name=reader.text(item, "name", anchor, None),
            sets=reader.number(item, "sets", anchor, 1, 20, None),
            reps=reader.text(item, "reps", anchor, None, numbers=True),
            frequency_per_week=reader.number(item, "frequency_per_week", anchor, 1, 14, per_week),
            notes=reader.text(item, "notes", anchor, ""),
        ))
    return Rehab(who, per_week, reader.number(programme, "minutes", "programme", 10, 120, 30), tuple(exercises),
                 reader.text(programme, "notes", "programme", ""))


class _Reader:
    def __init__(self, source: str, text: str) -> None:
        self.source, self.lines = source, text.splitlines()

    def line(self, anchor: Any, key: str | None = None) -> int:
        """1-based line of `key` inside the table `anchor` ("programme" or ("[[exercise]]", i))."""
        header = re.compile(r"^\s*\[programme\]" if anchor == "programme" else r"^\s*\[\[exercise\]\]")
        count = anchor[1] if isinstance(anchor, tuple) else 0
        start = next((n for n, text in enumerate(self.lines) if header.match(text) and (count := count - 1) < 0), 0)
        if key:
            for n in range(start + 1, len(self.lines)):
                if self.lines[n].lstrip().startswith("["):
                    break
                if re.match(rf"^\s*{re.escape(key)}\s*=", self.lines[n]):
                    return n + 1
        return start + 1

    def fail(self, field: str, anchor: Any, problem: str, fix: str, key: str | None = None) -> InputError:
        return InputError(self.source, f"line {self.line(anchor, key)}: {field}", problem, fix)

    def unknown(self, table: dict[str, Any], kind: str, anchor: Any) -> None:
        for key in table:
            if key not in KEYS[kind]:
                raise self.fail(key, anchor, "unknown field", f"use one of: {', '.join(sorted(KEYS[kind]))}", key)

    def value(self, table: dict[str, Any], key: str, anchor: Any, default: Any) -> Any:
        if key not in table:
            if default is None:
                raise self.fail(key, anchor, "missing", f"add {key} = … as your physiotherapist prescribed")
            return default
        return table[key]

    def text(self, table: dict[str, Any], key: str, anchor: Any, default: str | None, numbers: bool = False) -> str:
        value = self.value(table, key, anchor, default)
        if numbers and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # reps = 15 as well as reps = "15"
        if not isinstance(value, str) or (default is None and not value.strip()):
            raise self.fail(key, anchor, f"{value!r} is not text", "put the value in double quotes", key)
        # It goes into the calendar as written: no control characters, one line unless it is notes.
        problem = text_problem(value.replace("\n", " ") if key in MULTILINE else value, None)
        if problem:
            raise self.fail(key, anchor, problem, "write it as plain text" + ("" if key in MULTILINE else " on one line"),
                            key)
        return value

    def number(self, table: dict[str, Any], key: str, anchor: Any, low: int, high: int, default: int | None) -> int:
        value = self.value(table, key, anchor, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(key, anchor, f"{value!r} is not a whole number in [{low}, {high}]",
                            f"write a whole number between {low} and {high}", key)
        return value


def _line_of_error(message: str) -> str:
    found = re.search(r"line (\d+)", message)
    return f"line {found[1]}" if found else ""
