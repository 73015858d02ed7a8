"""The rules ship with the project: docs/RULES.md is the contract the code answers to, kept in step
with the team's copy (shared/RULES.md, beside the repository on the team's machines)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from solver import model
from solver.check import CHECKS
from solver.explain import PHRASES, RULE_OF
from solver.rules import LABELS, RULES

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "RULES.md"
SHARED = ROOT.parent / "shared" / "RULES.md"
RULE_ROW = re.compile(r"^\| (R\d+) \| ([^|]+) \|", re.M)


def _rows(text: str) -> dict[str, str]:
    return {rule: name.strip() for rule, name in RULE_ROW.findall(text)}


def test_the_rule_table_ships_with_the_project_r1_to_r13():
    rows = _rows(DOC.read_text("utf-8"))
    assert list(rows) == [f"R{i}" for i in range(1, 14)]


def test_the_projects_copy_says_what_the_teams_says():
    # On a team machine the shared table sits beside the repository; a clone on its own (CI) has
    # only docs/RULES.md, which is then the whole contract.
    if SHARED.exists():
        assert _rows(DOC.read_text("utf-8")) == _rows(SHARED.read_text("utf-8"))
        doc_table = [line for line in DOC.read_text("utf-8").splitlines() if line.startswith("| R")]
        shared_table = [line for line in SHARED.read_text("utf-8").splitlines() if line.startswith("| R")]
        assert doc_table == shared_table


def test_every_rule_has_a_checker_clause_a_model_function_and_an_explain_phrase():
    rules = list(_rows(DOC.read_text("utf-8")))
    assert list(RULES) == rules, "solver/rules.py: one row per rule of docs/RULES.md, in its order"
    checks = {f.__name__ for f in CHECKS}
    for rule in rules:
        row = RULES[rule]
        assert row.tier in ("hard", "table")
        assert row.source.split(";")[0] in DOC.read_text("utf-8"), f"{rule}: source words not in docs/RULES.md"
        assert row.checks and set(row.checks) <= checks, f"{rule}: checker clause missing from solver/check.py"
        assert all(f.startswith(f"r{rule[1:]}_") for f in row.checks), f"{rule}: a clause named after another rule"
        for name in row.model:
            assert callable(getattr(model, name, None)), f"{rule}: solver/model.py has no {name}"
            assert getattr(model, name) in model.HARD_RULES, f"{rule}: {name} is not among the model's HARD_RULES"
        assert row.model or row.why_not, f"{rule}: no model function and no reason why not"
        assert row.explain in PHRASES if row.explain else row.why_not, f"{rule}: no explain phrase and no reason"
        # tier "hard" means a constraint; "table" is R7 alone (docs/RULES.md: "R7 is a table lookup")
        assert bool(row.model) == (row.tier == "hard")


def _functions(path: Path) -> dict[str, str]:
    tree = ast.parse(path.read_text("utf-8"))
    return {f.name: ast.get_source_segment(path.read_text("utf-8"), f) or ""
            for f in tree.body if isinstance(f, ast.FunctionDef)}


def test_every_rule_has_a_breaking_and_a_clean_checker_test():
    tests = _functions(ROOT / "tests" / "test_checker.py")
    for rule, row in RULES.items():
        assert row.breaks in tests, f"{rule}: tests/test_checker.py has no {row.breaks}"
        assert row.keeps in tests, f"{rule}: tests/test_checker.py has no {row.keeps}"
        # The breaking test asserts a report under this ID; the clean one asserts there is none.
        assert f"{rule}:" in tests[row.breaks] or f'"{rule}"' in tests[row.breaks], row.breaks
        assert "== []" in tests[row.keeps], f"{row.keeps} asserts no violation"


def _string_args(path: Path, calls: dict[str, int]) -> set[str]:
    """The string constants passed at argument `calls[name]` to calls of `name` in one module."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            where = calls.get(name)
            if where is not None and len(node.args) > where and isinstance(node.args[where], ast.Constant):
                found.add(node.args[where].value)
    return found


# The model's layers (solver/model.py builds; the rules and their rows live in these).
MODEL_FILES = ("model.py", "instance.py", "variables.py", "options.py", "pruning.py", "hard_rules.py", "soft_rules.py")


def _rule_ids(path: Path) -> set[str]:
    return {node.value for node in ast.walk(ast.parse(path.read_text("utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(r"R\d+", node.value)}


def test_every_label_a_constraint_or_a_message_carries_is_a_rule_or_documented():
    solver = ROOT / "solver"
    model_labels = set().union(*(_string_args(solver / name, {"hard": 2, "at_most_one": 2}) for name in MODEL_FILES))
    check_labels = _string_args(solver / "check.py", {"_report": 0, "Violation": 0})
    # the scan sees what it must: the rule groups and the labels of their own
    assert {"R1", "R6", "runs", "one a day", "busy"} <= model_labels
    assert {"R1", "R9", "availability", "durations", "plan window", "workout", "uid"} <= check_labels
    labels = model_labels | check_labels | set(PHRASES) | set(RULE_OF)
    known = set(RULES) | set(LABELS)
    assert labels <= known, f"undocumented labels (add them to solver/rules.LABELS): {sorted(labels - known)}"
    for path in (*(solver / name for name in MODEL_FILES), solver / "check.py", solver / "explain.py"):
        assert _rule_ids(path) <= set(RULES), f"{path.name}: an ID docs/RULES.md does not define"
    # and every documented label is in use, so the table cannot rot
    assert set(LABELS) <= labels, f"documented but unused: {sorted(set(LABELS) - labels)}"
