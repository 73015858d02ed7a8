"""The rules ship with the project: docs/RULES.md is the contract the code answers to, kept in step
with the team's copy (shared/RULES.md, beside the repository on the team's machines)."""

from __future__ import annotations

import re
from pathlib import Path

from solver.check import CHECKS
from solver.explain import PHRASES
from solver.model import HARD_RULES

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
    checked = {m[1] for f in CHECKS if (m := re.match(r"r(\d+)_", f.__name__))}
    modelled = {m[1] for f in HARD_RULES if (m := re.match(r"r(\d+)_", f.__name__))}
    for rule in rules:
        number = rule[1:]
        assert number in checked, f"{rule}: no checker clause r{number}_… in solver/check.py"
        # R7 is a table lookup (RULES.md: "checked by the checker like the rest"), not a constraint.
        assert number in modelled or rule == "R7", f"{rule}: no model function r{number}_… in solver/hard_rules.py"
        assert rule in PHRASES or rule in ("R7", "R9"), f"{rule}: no explain phrase in solver/explain.py"
