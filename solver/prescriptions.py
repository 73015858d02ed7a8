"""R7: the strength prescription table (solver/data/prescriptions.toml), loaded once.

The table is indexed by level × strength type × period; each cell holds a load step (R6: the
load rises by at most one step a week) and two alternating templates, A and B. All the numbers
live in the TOML file with their sources; this module only reads, checks and serves them.
"""

from __future__ import annotations

import tomllib
import re
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any

from .domain import LEVELS, PERIODS, STRENGTH_TYPES

TEMPLATES = ("A", "B")
DATA_FILE = "prescriptions.toml"
_CELL_KEYS = {"step", "A", "B", "sources", "note"}
_SAME_AS_KEYS = {"same_as", "sources", "note"}
_TEMPLATE_KEYS = {"focus", "exercises"}
_EXERCISE_KEYS = {"name", "sets", "reps", "load", "rest_s"}
_SESSION_KEYS = {"warm_up_min", "set_up_s", "rep_s", "tempo_rep_s", "contact_s", "metre_s", "step_s", "side_switch_s"}
_COUNT = re.compile(r"^(\d+)( s)?( contacts| m| steps)?( each (?:leg|side|way))?$")
MAIN_LIFT_MIN_SETS = 2  # the fitting rule keeps the main lift at two sets or more, others at one
MIN_EXERCISES = 2


class PrescriptionTableError(ValueError):
    """The prescription table file is malformed; the message names the cell."""


@dataclass(frozen=True)
class Timing:
    """How long each part of a session takes ([session] in the table)."""

    warm_up_min: int
    set_up_s: int
    rep_s: int
    tempo_rep_s: int
    contact_s: int
    metre_s: int
    step_s: int
    side_switch_s: int

    def work_s(self, name: str, reps: str) -> int:
        """Seconds one set takes: "8", "8 each leg", "30 s", "20 contacts", "20 m", "12 steps each way"."""
        m = _COUNT.match(reps)
        if m is None:
            raise ValueError(f"cannot time {reps!r}")
        count, seconds, unit, sides = int(m[1]), m[2], m[3], m[4]
        if seconds:
            each = count
        elif unit == " contacts":
            each = count * self.contact_s
        elif unit == " m":
            each = count * self.metre_s
        elif unit == " steps":
            each = count * self.step_s
        else:
            slow = "tempo" in name.lower() or "s down" in name.lower()
            each = count * (self.tempo_rep_s if slow else self.rep_s)
        return 2 * each + self.side_switch_s if sides else each


@dataclass(frozen=True)
class Exercise:
    name: str
    sets: int
    reps: str
    load: str
    rest_s: int
    cue: str = ""

    def line(self) -> str:
        cue = f" — {self.cue}" if self.cue else ""
        return f"- {self.name}: {self.sets} × {self.reps} @ {self.load}, rest {self.rest_s} s{cue}"

    def seconds(self, timing: Timing) -> int:
        return timing.set_up_s + self.sets * (timing.work_s(self.name, self.reps) + self.rest_s)


@dataclass(frozen=True)
class Prescription:
    level: str
    strength_type: str
    period: str
    template: str  # "A" / "B"
    step: int
    focus: str
    exercises: tuple[Exercise, ...]
    sources: tuple[str, ...]
    shortened: int = 0  # sets taken away by the fitting rule to fit the runner's slot

    @property
    def total_sets(self) -> int:
        return sum(e.sets for e in self.exercises)

    @property
    def minutes(self) -> int:
        """What the session takes: the warm-up, then each exercise's set-up, sets and rests, in
        whole minutes rounded up (R7: the slot is at least this long)."""
        timing = _table().timing
        seconds = timing.warm_up_min * 60 + sum(e.seconds(timing) for e in self.exercises)
        return -(-seconds // 60)

    def title(self) -> str:
        """E.g. "Strength A — lower body (3×8, RPE 7)", from the first (main) exercise."""
        main = self.exercises[0]
        return f"Strength {self.template} — {self.focus} ({main.sets}×{main.reps}, {main.load})"

    def description(self) -> str:
        """Plain text: the warm-up, one exercise per line with its technique cue, then what the load
        notation means (once)."""
        words = _table()
        loads = {e.load for e in self.exercises}
        notes = [words.notation["rpe"]] if any(x.startswith("RPE") for x in loads) else []
        if any("1RM" in x for x in loads):
            notes.append(words.notation["one_rm"])
        if loads & {"bodyweight", "band"}:
            notes.append(words.notation["bodyweight"])
        return "\n".join([words.warm_up, *(e.line() for e in self.exercises), *notes])

    def fitted(self, slot: int) -> "Prescription":
        """This prescription fitted into a slot of `slot` minutes by the table's fitting rule:
        sets off the exercise with the most sets (the later one first; the main lift keeps
        MAIN_LIFT_MIN_SETS, the others one), then the last exercise, keeping MIN_EXERCISES.
        Raises ValueError when even that does not fit."""
        rx = self
        while rx.minutes > slot:
            exercises = list(rx.exercises)
            floors = [MAIN_LIFT_MIN_SETS if i == 0 else 1 for i in range(len(exercises))]
            can = [i for i, e in enumerate(exercises) if e.sets > floors[i]]
            if can:
                i = max(can, key=lambda i: (exercises[i].sets, i))
                exercises[i] = replace(exercises[i], sets=exercises[i].sets - 1)
                taken = 1
            elif len(exercises) > MIN_EXERCISES:
                taken = exercises.pop().sets
            else:
                raise ValueError(f"a {self.level} {self.strength_type} {self.period} session needs at least "
                                 f"{rx.minutes} min")
            rx = replace(rx, exercises=tuple(exercises), shortened=rx.shortened + taken)
        return rx


@dataclass(frozen=True)
class _Words:
    """The table's cells and the words every session carries."""

    cells: dict[tuple[str, str, str, str], Prescription]
    sources: dict[str, str]
    timing: Timing
    warm_up: str
    notation: dict[str, str]


def prescription(level: str, strength_type: str, period: str, template: str) -> Prescription:
    """The cell as the table writes it; `level` is the runner's strength level (R7)."""
    _check_key(level, strength_type, period)
    if template not in TEMPLATES:
        raise ValueError(f"unknown strength template {template!r}; expected one of {TEMPLATES}")
    return _table().cells[level, strength_type, period, template]


def session_prescription(level: str, strength_type: str, period: str, template: str, slot: int) -> Prescription:
    """The cell fitted into the runner's slot (durations.strength) by the table's fitting rule."""
    return prescription(level, strength_type, period, template).fitted(slot)


def shortest_session(level: str, strength_type: str) -> int:
    """The fewest minutes a slot needs so that every period's sessions fit after the fitting rule."""
    need = 0
    for period in PERIODS:
        for template in TEMPLATES:
            rx = prescription(level, strength_type, period, template)
            low, high = 1, rx.minutes
            while low < high:  # the smallest slot the fitting rule can fill
                mid = (low + high) // 2
                try:
                    rx.fitted(mid)
                    high = mid
                except ValueError:
                    low = mid + 1
            need = max(need, low)
    return need


def load_step(level: str, strength_type: str, period: str) -> int:
    _check_key(level, strength_type, period)
    return _table().cells[level, strength_type, period, "A"].step


def table_sources() -> dict[str, str]:
    """Source id -> full citation, from the table's [sources]."""
    return dict(_table().sources)


def _check_key(level: str, strength_type: str, period: str) -> None:
    for what, value, allowed in (("level", level, LEVELS), ("strength type", strength_type, STRENGTH_TYPES),
                                 ("period", period, PERIODS)):
        if value not in allowed:
            raise ValueError(f"unknown {what} {value!r}; expected one of {allowed}")


# ---------------------------------------------------------------- loading and validation

@cache
def _table() -> _Words:
    text = resources.files("solver.data").joinpath(DATA_FILE).read_text("utf-8")
    return parse_words(tomllib.loads(text))


def parse_words(data: dict[str, Any]) -> _Words:
    """The whole file: cells (parse_table), session timing, warm-up, notation and cues."""
    cells, sources = parse_table(data)
    session = _block(data, "session", sources)
    if not _SESSION_KEYS <= set(session) or not all(type(session[k]) is int and session[k] >= 0 for k in _SESSION_KEYS):
        raise PrescriptionTableError(f"{DATA_FILE}: [session] needs whole numbers {sorted(_SESSION_KEYS)}")
    timing = Timing(**{k: session[k] for k in _SESSION_KEYS})
    warm_up = _block(data, "warmup", sources).get("text")
    notation = _block(data, "notation", sources)
    cues = _block(data, "cues", sources)
    if not isinstance(warm_up, str) or not all(isinstance(notation.get(k), str) for k in ("rpe", "one_rm", "bodyweight")):
        raise PrescriptionTableError(f"{DATA_FILE}: [warmup] needs text and [notation] rpe, one_rm, bodyweight")
    for key, rx in list(cells.items()):
        exercises = []
        for e in rx.exercises:
            cue = cues.get(e.name.split(" (")[0])
            if not isinstance(cue, str) or not cue.strip():
                raise PrescriptionTableError(f"{DATA_FILE}: [cues] has no technique cue for {e.name!r}")
            try:
                timing.work_s(e.name, e.reps)
            except ValueError:
                raise PrescriptionTableError(f"{DATA_FILE}: {'.'.join(key)}: reps {e.reps!r} cannot be timed") from None
            exercises.append(replace(e, cue=cue))
        cells[key] = replace(rx, exercises=tuple(exercises))
    return _Words(cells, sources, timing, warm_up, {k: notation[k] for k in ("rpe", "one_rm", "bodyweight")})


def _block(data: dict[str, Any], name: str, sources: dict[str, str]) -> dict[str, Any]:
    block = data.get(name)
    if not isinstance(block, dict):
        raise PrescriptionTableError(f"{DATA_FILE}: missing table [{name}]")
    cited = block.get("sources")
    if not isinstance(cited, list) or not cited or any(c not in sources for c in cited):
        raise PrescriptionTableError(f"{DATA_FILE}: [{name}] needs 'sources' from [sources]")
    return block


def parse_table(data: dict[str, Any]) -> tuple[dict[tuple[str, str, str, str], Prescription], dict[str, str]]:
    """Resolve and check every cell; raise PrescriptionTableError naming the first bad one."""
    sources = data.get("sources")
    if not isinstance(sources, dict) or not sources or not all(
            isinstance(v, str) and v.strip() for v in sources.values()):
        raise PrescriptionTableError(f"{DATA_FILE}: [sources] must map ids to non-empty citations")
    unknown = set(data) - {"sources", "session", "warmup", "notation", "cues", *LEVELS}
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
    focus, exercises = raw["focus"], raw["exercises"]
    if not isinstance(focus, str) or not focus.strip():
        raise PrescriptionTableError(f"{DATA_FILE}: {where}: 'focus' must be a non-empty string")
    if not isinstance(exercises, list) or not exercises:
        raise PrescriptionTableError(f"{DATA_FILE}: {where}: 'exercises' must be a non-empty list")
    return Prescription(level, strength_type, period, template, step, focus, tuple(
        _exercise(e, f"{where}.exercises[{i}]") for i, e in enumerate(exercises)), sources)


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
