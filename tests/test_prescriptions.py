"""R7: the prescription table (solver/data/prescriptions.toml) and its loader."""

from __future__ import annotations

import copy
import dataclasses
import re
import tomllib
from importlib import resources

import pytest

from solver.domain import LEVELS, PERIODS, STRENGTH_TYPES
from solver.prescriptions import (
    Exercise,
    Prescription,
    PrescriptionTableError,
    load_step,
    parse_table,
    parse_words,
    prescription,
    shortest_session,
    table_sources,
)

TEMPLATES = ("A", "B")
BLOCKS = [(level, kind) for level in LEVELS for kind in STRENGTH_TYPES]
CELLS = [(level, kind, period) for level, kind in BLOCKS for period in PERIODS]
JUMP_WORDS = ("jump", "plyo", "pogo", "bound", "hop")


@pytest.fixture(scope="module")
def raw() -> dict:
    """The table file read independently of the loader."""
    return tomllib.loads(resources.files("solver.data").joinpath("prescriptions.toml").read_text("utf-8"))


def raw_cue(name: str) -> str:
    data = tomllib.loads(resources.files("solver.data").joinpath("prescriptions.toml").read_text("utf-8"))
    return data["cues"][name]


def session_minutes(raw: dict, exercises: list[dict]) -> int:
    """The session length from the table's [session] timings, computed here independently of the
    loader: warm-up, then per exercise a set-up and every set's work and rest."""
    t = raw["session"]
    seconds = t["warm_up_min"] * 60
    for e in exercises:
        count, *rest = e["reps"].split(" ")
        words = " ".join(rest)
        slow = "tempo" in e["name"].lower() or "s down" in e["name"].lower()
        per = {"s": 1, "contacts": t["contact_s"], "m": t["metre_s"], "steps": t["step_s"]}.get(
            words.split(" ")[0] if words else "", t["tempo_rep_s"] if slow else t["rep_s"])
        work = int(count) * per
        if "each" in words:
            work = 2 * work + t["side_switch_s"]
        seconds += t["set_up_s"] + e["sets"] * (work + e["rest_s"])
    return -(-seconds // 60)


def total_sets(level: str, kind: str, period: str, template: str) -> int:
    return prescription(level, kind, period, template).total_sets


# ---------------------------------------------------------------- every cell resolves

def test_table_has_54_cells():
    assert len(CELLS) == 54


@pytest.mark.parametrize(("level", "kind", "period"), CELLS)
@pytest.mark.parametrize("template", TEMPLATES)
def test_every_cell_resolves(level, kind, period, template):
    rx = prescription(level, kind, period, template)
    assert isinstance(rx, Prescription)
    assert (rx.level, rx.strength_type, rx.period, rx.template) == (level, kind, period, template)
    assert len(rx.exercises) >= 3
    assert all(isinstance(e, Exercise) and e.sets >= 1 and e.rest_s >= 0 for e in rx.exercises)
    assert all(e.name and e.reps and e.load for e in rx.exercises)
    assert rx.step >= 1 and rx.minutes > 0 and rx.focus
    assert rx.sources
    assert rx.total_sets == sum(e.sets for e in rx.exercises)
    assert load_step(level, kind, period) == rx.step


# ---------------------------------------------------------------- values come from the file

def raw_exercises(cell: dict, template: str) -> list[tuple]:
    return [(e["name"], e["sets"], e["reps"], e["load"], e["rest_s"]) for e in cell[template]["exercises"]]


def as_tuples(rx: Prescription) -> list[tuple]:
    return [(e.name, e.sets, e.reps, e.load, e.rest_s) for e in rx.exercises]


@pytest.mark.parametrize(("level", "kind", "period", "template"), [
    ("beginner", "muscular_endurance", "base", "A"),
    ("beginner", "power", "peak", "B"),
    ("intermediate", "strength", "build", "A"),
    ("intermediate", "power", "taper", "B"),
    ("advanced", "strength", "peak", "A"),
    ("advanced", "power", "race", "B"),
])
def test_cells_equal_the_file(raw, level, kind, period, template):
    cell = raw[level][kind][period]
    rx = prescription(level, kind, period, template)
    assert rx.step == cell["step"]
    assert rx.focus == cell[template]["focus"]
    assert rx.minutes == session_minutes(raw, cell[template]["exercises"])
    assert as_tuples(rx) == raw_exercises(cell, template)
    assert list(rx.sources) == cell.get("sources", raw[level][kind]["sources"])


def test_known_cell_literal_values():
    rx = prescription("intermediate", "strength", "build", "A")
    assert rx.step == 3
    assert rx.exercises[0] == Exercise("Back squat", 3, "8", "RPE 7", 120, raw_cue("Back squat"))
    # 8 min warm-up; 60 s set-up + 3 × (8 reps × 3 s + 120 s rest) = 492 s for the squat, and so on.
    assert rx.minutes == 36


@pytest.mark.parametrize(("level", "kind"), BLOCKS)
def test_same_as_cells_resolve_to_their_target(raw, level, kind):
    for period in PERIODS:
        cell = raw[level][kind][period]
        if "same_as" not in cell:
            continue
        target = cell["same_as"]
        path = target.split(".") if "." in target else [level, kind, target]
        for template in TEMPLATES:
            got, want = prescription(level, kind, period, template), prescription(*path, template)
            assert got.period == period
            assert (got.step, got.focus, got.exercises, got.minutes) == \
                   (want.step, want.focus, want.exercises, want.minutes)


# ---------------------------------------------------------------- beginners: bodyweight/band, no jumps

@pytest.mark.parametrize("kind", STRENGTH_TYPES)
@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("template", TEMPLATES)
def test_beginners_bodyweight_or_band_and_no_jumps(kind, period, template):
    for e in prescription("beginner", kind, period, template).exercises:
        assert "%" not in e.load and "1RM" not in e.load, e
        assert e.load in ("bodyweight", "band"), e
        assert not any(word in e.name.lower() for word in JUMP_WORDS), e


def test_beginner_power_substitute_is_documented(raw):
    note = raw["beginner"]["power"]["note"].lower()
    assert "substitute" in note and "no plyometrics" in note


def test_jumps_appear_for_trained_power_runners():
    """The substitute is beginner-only: intermediate and advanced power get real plyometrics."""
    for level in ("intermediate", "advanced"):
        names = " ".join(e.name.lower() for t in TEMPLATES
                         for e in prescription(level, "power", "peak", t).exercises)
        assert any(word in names for word in JUMP_WORDS)


# ---------------------------------------------------------------- periods: volume and steps (R6, R8)

@pytest.mark.parametrize(("level", "kind"), BLOCKS)
@pytest.mark.parametrize("template", TEMPLATES)
def test_taper_below_peak_and_race_lowest_volume(level, kind, template):
    taper, peak = total_sets(level, kind, "taper", template), total_sets(level, kind, "peak", template)
    race = total_sets(level, kind, "race", template)
    assert taper < peak
    assert race <= taper
    assert race == min(total_sets(level, kind, p, template) for p in PERIODS)


@pytest.mark.parametrize(("level", "kind"), BLOCKS)
def test_steps_rise_one_at_a_time(level, kind):
    step = {p: load_step(level, kind, p) for p in PERIODS}
    assert step["base"] < step["build"] <= step["peak"]
    assert step["build"] - step["base"] <= 1
    assert step["peak"] - step["build"] <= 1
    assert step["taper"] < step["peak"]
    assert step["recovery"] < step["peak"]
    assert all(step["race"] < step[p] for p in PERIODS if p != "race")
    assert step["race"] >= 1


@pytest.mark.parametrize(("level", "kind"), BLOCKS)
def test_both_templates_share_the_cell_step(level, kind):
    for period in PERIODS:
        assert prescription(level, kind, period, "A").step == prescription(level, kind, period, "B").step


# ---------------------------------------------------------------- sources

def test_sources_table(raw):
    sources = table_sources()
    assert sources == raw["sources"]
    assert {"acsm2009", "blagrove2018", "beattie2014", "ronnestad2014", "cason"} <= set(sources)
    assert "687-708" in sources["acsm2009"] and "1117-1149" in sources["blagrove2018"]
    table_sources()["acsm2009"] = "changed"  # a copy: callers cannot corrupt the table
    assert table_sources() == raw["sources"]


@pytest.mark.parametrize(("level", "kind", "period"), CELLS)
def test_every_cited_source_exists(level, kind, period):
    sources = table_sources()
    for template in TEMPLATES:
        cited = prescription(level, kind, period, template).sources
        assert cited and all(s in sources for s in cited)


@pytest.mark.parametrize(("level", "kind"), BLOCKS)
def test_blocks_carry_sources_and_note(raw, level, kind):
    block = raw[level][kind]
    assert block["sources"] and all(s in raw["sources"] for s in block["sources"])
    assert block["note"].strip()


# ---------------------------------------------------------------- words

TITLE = re.compile(r"^Strength (?P<t>[AB]) — (?P<focus>.+) \((?P<sets>\d+)×(?P<reps>[^,]+), (?P<load>.+)\)$")


@pytest.mark.parametrize(("level", "kind", "period"), CELLS)
@pytest.mark.parametrize("template", TEMPLATES)
def test_title_format(level, kind, period, template):
    rx = prescription(level, kind, period, template)
    m = TITLE.match(rx.title())
    assert m, rx.title()
    main = rx.exercises[0]
    assert m["t"] == template and m["focus"] == rx.focus
    assert (int(m["sets"]), m["reps"], m["load"]) == (main.sets, main.reps, main.load)


def test_title_example():
    assert prescription("intermediate", "strength", "build", "A").title() == "Strength A — lower body (3×8, RPE 7)"


def test_description_warm_up_then_one_line_per_exercise_with_its_cue_then_the_notation():
    rx = prescription("intermediate", "strength", "build", "A")
    lines = rx.description().splitlines()
    assert lines[0].startswith("Warm-up (8 min): ")
    assert lines[1] == ("- Back squat: 3 × 8 @ RPE 7, rest 120 s — brace your trunk, knees track over your toes, "
                        "hips and shoulders rise together")
    assert lines[1 + len(rx.exercises)].startswith("RPE 6–8 is effort out of 10")  # explained once
    for level, kind, period in CELLS:
        rx = prescription(level, kind, period, "B")
        lines = rx.description().splitlines()
        assert "<" not in rx.description() and ">" not in rx.description()
        assert lines[0].startswith("Warm-up")
        exercises = lines[1:1 + len(rx.exercises)]
        assert all(re.fullmatch(r"- .+: \d+ × .+ @ .+, rest \d+ s — .+", line) for line in exercises)
        notes = lines[1 + len(rx.exercises):]
        loads = {e.load for e in rx.exercises}
        assert any("1RM" in n for n in notes) == any("1RM" in x for x in loads)
        assert any(n.startswith("RPE") for n in notes) == any(x.startswith("RPE") for x in loads)


def test_one_rm_is_explained_with_a_safe_estimate():
    text = prescription("advanced", "strength", "peak", "A").description()
    assert "Never test a true maximum on your own" in text and "1RM ≈ weight × (1 + reps ÷ 30)" in text


def test_every_exercise_has_a_technique_cue(raw):
    names = {e["name"].split(" (")[0] for level in LEVELS for kind in STRENGTH_TYPES for period in PERIODS
             for template in TEMPLATES if "exercises" in raw[level][kind][period].get(template, {})
             for e in raw[level][kind][period][template]["exercises"]}
    assert names <= set(raw["cues"]) - {"sources", "note"}


def test_missing_cue_is_named(raw):
    data = copy.deepcopy(raw)
    del data["cues"]["Back squat"]
    with pytest.raises(PrescriptionTableError, match="no technique cue for 'Back squat'"):
        parse_words(data)


# ---------------------------------------------------------------- fitting a slot (R7 amended)

def test_a_slot_long_enough_keeps_the_table_prescription():
    rx = prescription("intermediate", "strength", "build", "A")
    assert rx.fitted(rx.minutes) == rx and rx.fitted(120).shortened == 0


def test_a_short_slot_takes_sets_off_the_exercise_with_most_sets_later_first():
    rx = prescription("intermediate", "strength", "peak", "A")
    fitted = rx.fitted(rx.minutes - 5)
    assert fitted.minutes <= rx.minutes - 5 and fitted.shortened > 0
    assert fitted.exercises[0].sets >= 2 and all(e.sets >= 1 for e in fitted.exercises)
    taken = [a.sets - b.sets for a, b in zip(rx.exercises, fitted.exercises)]
    assert sum(taken) == fitted.shortened and taken[0] <= max(taken[1:])  # accessories go before the main lift
    assert fitted.title() == f"Strength A — {rx.focus} ({fitted.exercises[0].sets}×{rx.exercises[0].reps}, " \
                             f"{rx.exercises[0].load})"


def test_a_slot_too_short_for_any_fitting_raises():
    with pytest.raises(ValueError, match="needs at least"):
        prescription("advanced", "power", "peak", "A").fitted(10)


def test_shortest_session_fits_every_period():
    need = shortest_session("advanced", "power")
    for period in PERIODS:
        for template in TEMPLATES:
            assert prescription("advanced", "power", period, template).fitted(need).minutes <= need
    with pytest.raises(ValueError):
        for period in PERIODS:
            for template in TEMPLATES:
                prescription("advanced", "power", period, template).fitted(need - 1)


# ---------------------------------------------------------------- API errors and caching

@pytest.mark.parametrize(("args", "word"), [
    (("novice", "strength", "base", "A"), "level"),
    (("beginner", "hypertrophy", "base", "A"), "strength type"),
    (("beginner", "strength", "offseason", "A"), "period"),
    (("beginner", "strength", "base", "C"), "template"),
])
def test_unknown_keys_raise_value_error(args, word):
    with pytest.raises(ValueError, match=word):
        prescription(*args)


def test_load_step_rejects_unknown_period():
    with pytest.raises(ValueError, match="period"):
        load_step("advanced", "power", "offseason")


def test_loaded_once_and_frozen():
    a = prescription("advanced", "power", "peak", "A")
    assert a is prescription("advanced", "power", "peak", "A")
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.step = 9  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.exercises[0].sets = 9  # type: ignore[misc]


# ---------------------------------------------------------------- a malformed table fails loudly

def broken(raw: dict, edit) -> str:
    data = copy.deepcopy(raw)
    edit(data)
    with pytest.raises(PrescriptionTableError) as info:
        parse_table(data)
    return str(info.value)


def test_parse_table_accepts_the_file(raw):
    table, sources = parse_table(copy.deepcopy(raw))
    assert len(table) == 54 * 2 and sources == raw["sources"]


def test_missing_cell_is_named(raw):
    msg = broken(raw, lambda d: d["advanced"]["strength"].pop("taper"))
    assert "advanced.strength.taper" in msg


def test_bad_sets_is_named(raw):
    def edit(d):
        d["intermediate"]["power"]["peak"]["B"]["exercises"][1]["sets"] = 0
    assert "intermediate.power.peak.B.exercises[1]" in broken(raw, edit)


def test_missing_template_is_named(raw):
    assert "beginner.strength.build.B" in broken(raw, lambda d: d["beginner"]["strength"]["build"].pop("B"))


def test_non_integer_step_is_named(raw):
    def edit(d):
        d["beginner"]["power"]["race"]["step"] = "1"
    assert "beginner.power.race" in broken(raw, edit)


def test_unknown_source_id_is_named(raw):
    def edit(d):
        d["advanced"]["muscular_endurance"]["sources"] = ["acsm2009", "nobody2020"]
    msg = broken(raw, edit)
    assert "advanced.muscular_endurance" in msg and "nobody2020" in msg


def test_same_as_to_nowhere_and_loops_are_named(raw):
    def nowhere(d):
        d["intermediate"]["strength"]["recovery"] = {"same_as": "offseason"}
    assert "intermediate.strength.recovery" in broken(raw, nowhere)

    def loop(d):
        d["intermediate"]["strength"]["recovery"] = {"same_as": "taper"}
        d["intermediate"]["strength"]["taper"] = {"same_as": "recovery"}
    assert "loop" in broken(raw, loop)


def test_same_as_with_its_own_prescription_is_rejected(raw):
    def edit(d):
        d["advanced"]["power"]["recovery"]["step"] = 1
    assert "advanced.power.recovery" in broken(raw, edit)


def test_unknown_exercise_key_is_named(raw):
    def edit(d):
        d["beginner"]["muscular_endurance"]["base"]["A"]["exercises"][0]["weight"] = "5 kg"
    assert "beginner.muscular_endurance.base.A.exercises[0]" in broken(raw, edit)
