"""R7: the strength prescription table (solver/data/prescriptions.toml), loaded once.

The table is indexed by level × strength type × period; each cell holds a load step (R6: the
load rises by at most one step a week) and two alternating templates, A and B. All the numbers
live in the TOML file with their sources; this module only reads, checks and serves them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from .domain import LEVELS, PERIODS, STRENGTH_TYPES

TEMPLATES = ("A", "B")
DATA_FILE = "prescriptions.toml"
_CELL_KEYS = {"step", "A", "B", "sources", "note"}
_SAME_AS_KEYS = {"same_as", "sources", "note"}
_TEMPLATE_KEYS = {"focus", "minutes", "exercises"}
_EXERCISE_KEYS = {"name", "sets", "reps", "load", "rest_s"}


class PrescriptionTableError(ValueError):
    """The prescription table file is malformed; the message names the cell."""


@dataclass(frozen=True)
class Exercise:
    name: str
    sets: int
    reps: str
    load: str
    rest_s: int

    def line(self) -> str:
        return f"- {self.name}: {self.sets} × {self.reps} @ {self.load}, rest {self.rest_s} s"


@dataclass(frozen=True)
class Prescription:
    level: str
    strength_type: str
    period: str
    template: str  # "A" / "B"
    step: int
    focus: str
    exercises: tuple[Exercise, ...]
    minutes: int
    sources: tuple[str, ...]

    @property
    def total_sets(self) -> int:
        return sum(e.sets for e in self.exercises)

    def title(self) -> str:
        """E.g. "Strength A — lower body (3×8, RPE 7)", from the first (main) exercise."""
        main = self.exercises[0]
        return f"Strength {self.template} — {self.focus} ({main.sets}×{main.reps}, {main.load})"

    def description(self) -> str:
        """Plain text, one exercise per line."""
        return "\n".join(e.line() for e in self.exercises)


def prescription(level: str, strength_type: str, period: str, template: str) -> Prescription:
    _check_key(level, strength_type, period)
    if template not in TEMPLATES:
        raise ValueError(f"unknown strength template {template!r}; expected one of {TEMPLATES}")
    return _table()[0][level, strength_type, period, template]


def load_step(level: str, strength_type: str, period: str) -> int:
    _check_key(level, strength_type, period)
    return _table()[0][level, strength_type, period, "A"].step


def table_sources() -> dict[str, str]:
    """Source id -> full citation, from the table's [sources]."""
    return dict(_table()[1])


def _check_key(level: str, strength_type: str, period: str) -> None:
    for what, value, allowed in (("level", level, LEVELS), ("strength type", strength_type, STRENGTH_TYPES),
                                 ("period", period, PERIODS)):
        if value not in allowed:
            raise ValueError(f"unknown {what} {value!r}; expected one of {allowed}")


# ---------------------------------------------------------------- loading and validation

@cache
def _table() -> tuple[dict[tuple[str, str, str, str], Prescription], dict[str, str]]:
    text = resources.files("solver.data").joinpath(DATA_FILE).read_text("utf-8")
    return parse_table(tomllib.loads(text))


def parse_table(data: dict[str, Any]) -> tuple[dict[tuple[str, str, str, str], Prescription], dict[str, str]]:
    """Resolve and check every cell; raise PrescriptionTableError naming the first bad one."""
    sources = data.get("sources")
    if not isinstance(sources, dict) or not sources or not all(
            isinstance(v, str) and v.strip() for v in sources.values()):
        raise PrescriptionTableError(f"{DATA_FILE}: [sources] must map ids to non-empty citations")
    unknown = set(data) - {"sources", *LEVELS}
    if unknown:
        raise PrescriptionTableError(f"{DATA_FILE}: unknown top-level table(s) {sorted(unknown)}")
    table: dict[tuple[str, str, str, str], Prescription] = {}
    for level in LEVELS:
        for strength_type in STRENGTH_TYPES:
            name = f"{level}.{strength_type}"
            extra = set(_table_at(data, name, name)) - {"sources", "note", *PERIODS}
            if extra:
                raise PrescriptionTableError(f"{DATA_FILE}: {name}: unknown key(s) {sorted(extra)}")
            for period in PERIODS:
                where = f"{name}.{period}"
                chain, block = _resolve(data, where)
                cell = chain[-1]
                cited = _sources(chain, block, where, sources)
                step = cell.get("step")
                if type(step) is not int or step < 1:
                    raise PrescriptionTableError(f"{DATA_FILE}: {where}: 'step' must be an integer >= 1")
                for template in TEMPLATES:
                    table[level, strength_type, period, template] = _template(
                        cell.get(template), f"{where}.{template}", level, strength_type, period, template,
                        step, cited)
    return table, sources


def _table_at(data: dict[str, Any], path: str, where: str) -> dict[str, Any]:
    node: Any = data
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            raise PrescriptionTableError(f"{DATA_FILE}: {where}: missing table [{path}]")
    if not isinstance(node, dict):
        raise PrescriptionTableError(f"{DATA_FILE}: {where}: [{path}] must be a table")
    return node


def _resolve(data: dict[str, Any], where: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Follow `same_as` links to a full cell: (the cells passed, last = full one; its level×type block)."""
    seen = [where]
    chain: list[dict[str, Any]] = []
    path = where
    while True:
        cell = _table_at(data, path, where)
        chain.append(cell)
        if "same_as" not in cell:
            extra = set(cell) - _CELL_KEYS
            if extra:
                raise PrescriptionTableError(f"{DATA_FILE}: {path}: unknown key(s) {sorted(extra)}")
            return chain, _table_at(data, path.rsplit(".", 1)[0], where)
        extra = set(cell) - _SAME_AS_KEYS
        if extra:
            raise PrescriptionTableError(
                f"{DATA_FILE}: {path}: a 'same_as' cell may only add 'sources'/'note', not {sorted(extra)}")
        target = cell["same_as"]
        if not isinstance(target, str) or not target:
            raise PrescriptionTableError(f"{DATA_FILE}: {path}: 'same_as' must be a period or a level.type.period path")
        if "." not in target:
            target = f"{path.rsplit('.', 1)[0]}.{target}"
        parts = target.split(".")
        if len(parts) != 3 or parts[0] not in LEVELS or parts[1] not in STRENGTH_TYPES or parts[2] not in PERIODS:
            raise PrescriptionTableError(f"{DATA_FILE}: {path}: 'same_as' names no cell: {cell['same_as']!r}")
        if target in seen:
            raise PrescriptionTableError(f"{DATA_FILE}: {where}: 'same_as' loop {' -> '.join([*seen, target])}")
        seen.append(target)
        path = target


def _sources(chain: list[dict[str, Any]], block: dict[str, Any], where: str,
             known: dict[str, str]) -> tuple[str, ...]:
    """The first `sources` along the same_as chain, else the full cell's block's."""
    cited = next((c["sources"] for c in chain if "sources" in c), block.get("sources"))
    if not isinstance(cited, list) or not cited or not all(isinstance(s, str) for s in cited):
        raise PrescriptionTableError(f"{DATA_FILE}: {where}: needs 'sources', a non-empty list of source ids")
    missing = [s for s in cited if s not in known]
    if missing:
        raise PrescriptionTableError(f"{DATA_FILE}: {where}: source id(s) {missing} not in [sources]")
    return tuple(cited)


def _template(raw: Any, where: str, level: str, strength_type: str, period: str, template: str,
              step: int, sources: tuple[str, ...]) -> Prescription:
    if not isinstance(raw, dict):
        raise PrescriptionTableError(f"{DATA_FILE}: {where}: missing template table")
    if set(raw) != _TEMPLATE_KEYS:
        raise PrescriptionTableError(f"{DATA_FILE}: {where}: keys must be {sorted(_TEMPLATE_KEYS)}, got {sorted(raw)}")
    focus, minutes, exercises = raw["focus"], raw["minutes"], raw["exercises"]
    if not isinstance(focus, str) or not focus.strip():
        raise PrescriptionTableError(f"{DATA_FILE}: {where}: 'focus' must be a non-empty string")
    if type(minutes) is not int or minutes < 1:
        raise PrescriptionTableError(f"{DATA_FILE}: {where}: 'minutes' must be a positive integer")
    if not isinstance(exercises, list) or not exercises:
        raise PrescriptionTableError(f"{DATA_FILE}: {where}: 'exercises' must be a non-empty list")
    return Prescription(level, strength_type, period, template, step, focus, tuple(
        _exercise(e, f"{where}.exercises[{i}]") for i, e in enumerate(exercises)), minutes, sources)


def _exercise(raw: Any, where: str) -> Exercise:
    if not isinstance(raw, dict) or set(raw) != _EXERCISE_KEYS:
        got = sorted(raw) if isinstance(raw, dict) else type(raw).__name__
        raise PrescriptionTableError(f"{DATA_FILE}: {where}: keys must be {sorted(_EXERCISE_KEYS)}, got {got}")
    for key in ("name", "reps", "load"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise PrescriptionTableError(f"{DATA_FILE}: {where}: '{key}' must be a non-empty string")
    if type(raw["sets"]) is not int or raw["sets"] < 1:
        raise PrescriptionTableError(f"{DATA_FILE}: {where}: 'sets' must be an integer >= 1")
    if type(raw["rest_s"]) is not int or raw["rest_s"] < 0:
        raise PrescriptionTableError(f"{DATA_FILE}: {where}: 'rest_s' must be an integer >= 0")
    return Exercise(raw["name"], raw["sets"], raw["reps"], raw["load"], raw["rest_s"])
