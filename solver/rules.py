"""The rule index: each rule ID of docs/RULES.md and where it lives in the code and the tests.

A newcomer follows an ID from docs/RULES.md to one row here, and from the row to the model's
constraint, the checker's clause, the "no plan" phrase and the tests that break and keep it.
tests/test_rules_doc.py holds the code to this table: every ID of docs/RULES.md has a row, every
function a row names exists, every paired test exists and names its rule, and every label a
constraint or a checker message carries is a rule ID or one of LABELS below.

This module is data only and imports nothing of the solver: the names are strings, so the
checker's independence (tests/test_checker.py) is not touched by it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: str
    tier: str  # "hard": a constraint and a checker clause; "table": a table lookup the checker verifies
    source: str  # the article's words (docs/RULES.md's "Source words")
    model: tuple[str, ...]  # functions of solver/model.py that add its constraints
    checks: tuple[str, ...]  # clauses of solver/check.py that verify it
    explain: str | None  # the key of its phrase in solver/explain.PHRASES
    breaks: str  # tests/test_checker.py: a hand-made plan that breaks it, reported under this ID
    keeps: str  # tests/test_checker.py: the same kind of plan keeping it, not reported
    why_not: str = ""  # why a field above is empty (no model function, no explain phrase)


RULES: dict[str, Rule] = {r.id: r for r in (
    Rule("R1", "hard", "Aim incorporate 1-2 sessions of resistance training per week alongside running",
         ("r1_strength_per_week",), ("r1_strength_per_week",), "R1",
         "test_r1_violation_reported_too_many", "test_r1_clean"),
    Rule("R2", "hard", "Don't add in extra training sessions, replace a running session with a resistance "
         "training session", ("r2_replace_dont_add",), ("r2_replace_dont_add",), "R2",
         "test_r2_violation_reported", "test_r2_clean"),
    Rule("R3", "hard", "Leave at least 8 hours between a run and a resistance training session",
         ("r3_run_strength_gap", "one_run_and_one_strength_a_day"), ("r3_run_strength_gap",), "R3",
         "test_r3_violation_reported", "test_r3_clean_at_exactly_8_hours"),
    Rule("R4", "hard", "a 24-48-hour rest period between the same session",
         ("r4_same_session_recovery",), ("r4_same_session_recovery",), "R4",
         "test_r4_strength_violation_reported", "test_r4_strength_clean"),
    Rule("R5", "hard", "Ensure you factor in rest days to allow your body to recover",
         ("r5_rest_days",), ("r5_rest_days",), "R5", "test_r5_violation_reported", "test_r5_clean"),
    # The ramp itself is solver/ramps.allowed_volume (periodization, model, readiness); the
    # checker's r6_ramp keeps its own copy on purpose.
    Rule("R6", "hard", "Build slowly alongside increasing running distance/mileage",
         ("r6_build_slowly",), ("r6_ramp", "r6_cutback", "r6_strength_intro", "r6_load_step"), "R6",
         "test_r6_ramp_violation_reported", "test_r6_ramp_clean_at_the_limit"),
    Rule("R7", "table", "Repetitions, sets, volume and load will be dependent on level, type of strength "
         "required and period of training particularly if in preparation for a race",
         (), ("r7_prescription",), None, "test_r7_hand_edited_dose_is_caught", "test_r7_clean_prescription",
         why_not="a table lookup (solver/prescriptions.py), not a constraint: every strength option carries its "
                 "prescription, so no plan can fail on R7 and no explanation needs a phrase for it"),
    Rule("R8", "hard", "Repetitions, sets, volume and load will be dependent on level, type of strength "
         "required and period of training particularly if in preparation for a race",
         ("r8_race_preparation",), ("r8_race_preparation",), "R8",
         "test_r8_strength_in_race_strength_free_days_reported",
         "test_r8_strength_before_race_strength_free_days_clean"),
    Rule("R9", "hard", "Seek a healthcare professional's advice if you sustain an injury",
         ("r9_injury",), ("r9_injury",), "R9",
         "test_r9_training_in_an_injury_pause_reported", "test_r9_rehab_in_an_injury_pause_clean"),
    Rule("R10", "hard", "Ensure you factor in rest days",
         ("r10_consecutive_days",), ("r10_consecutive_days",), "R10",
         "test_r10_across_week_boundary_reported", "test_r10_across_week_boundary_clean"),
    Rule("R11", "hard", "Build slowly alongside increasing running distance/mileage",
         ("r11_long_run",), ("r11_long_run",), "R11",
         "test_r11_long_run_ramp_violation_reported", "test_r11_long_run_ramp_clean_at_the_limit"),
    Rule("R12", "hard", "a 24-48-hour rest period between the same session",
         ("r12_hard_days_apart",), ("r12_hard_days_apart",), "R12",
         "test_r12_hard_runs_on_consecutive_days_across_weeks_reported", "test_r12_hard_runs_a_day_apart_clean"),
    Rule("R13", "hard", "Leave at least 8 hours between a run and a resistance training session",
         ("r13_strength_before_key",), ("r13_strength_before_key",), "R13",
         "test_r13_strength_the_evening_before_a_quality_run_reported",
         "test_r13_strength_after_the_quality_run_the_same_day_clean"),
)}


# Labels that are not rule IDs: what the runner asked for or what a calendar file must be, rather
# than a rule of the article. Each says what it means and which rule, if any, it serves.
LABELS: dict[str, str] = {
    # constraint groups of solver/model.py (the "no plan" explanation names them)
    "runs": "the week's planned number of runs (sessions_per_week less its strength sessions); serves R2",
    "one a day": "a day holds at most one run and one strength session; serves R3 (two on a day only 8 h apart)",
    "busy": "no session overlaps a busy event of the runner's calendars, with busy_buffer_min around it "
            "(RULES.md: Availability)",
    # message labels of solver/check.py
    "availability": "sessions start and end inside the availability windows and clear of busy time "
                    "(RULES.md: Availability)",
    "durations": "each run lasts what the profile's durations allow for its kind (easy_min … long_max)",
    "plan window": "every session lies between X-RUNCAL-PLAN-START and X-RUNCAL-PLAN-END",
    "workout": "a run's steps (X-RUNCAL-STEPS) and its description add up to the session and name a target",
    "uid": "every event has a UID of its own (RFC 5545 §3.8.4.7)",
}
