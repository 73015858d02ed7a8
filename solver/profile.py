"""Read and validate a runner's profile (TOML) against RULES.md's bounds."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import asdict, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .domain import (
    DISTANCES,
    LEVELS,
    STRENGTH_TYPES,
    WEEKDAYS,
    Durations,
    Preferences,
    Profile,
    Race,
    Rules,
    Window,
)
from .busy import ALL_DAY_MODES
from .errors import ProfileError
from .inputs import parse_json, parse_toml, read_text
from .limits import NAME_CHARS, TEXT_VALUE, date_problem
from .prescriptions import shortest_session
from .fitness import read_fitness, read_goal_time

# RULES.md bounds for every parameter a profile may change: (low, high, rule ID).
RULE_BOUNDS: dict[str, tuple[int, int, str]] = {
    "strength_min": (1, 2, "R1"),
    "strength_max": (1, 2, "R1"),
    "recovery_hours": (24, 48, "R4"),
    "rest_days_min": (1, 3, "R5"),
    "ramp_pct": (0, 20, "R6"),
    "cutback_every": (0, 12, "R6"),
    "strength_intro_weeks": (0, 8, "R6"),
    "taper_weeks": (1, 3, "R8"),
    "race_strength_free_days": (1, 7, "R8"),
    "max_consecutive_days": (2, 6, "R10"),
    "busy_buffer_min": (0, 180, "availability"),
    "restart_pct": (25, 80, "R6"),
    "long_ramp_min": (0, 20, "R11"),
    "long_ramp_pct": (0, 20, "R11"),
    "long_share_max": (25, 60, "R11"),
    "strength_before_key_hours": (8, 48, "R13"),
}

# RULES.md defaults that depend on the runner's level (R4, R5).
LEVEL_DEFAULTS = {
    "beginner": {"recovery_hours": 48, "rest_days_min": 2},
    "intermediate": {"recovery_hours": 36, "rest_days_min": 1},
    "advanced": {"recovery_hours": 24, "rest_days_min": 1},
}
RULE_DEFAULTS = {
    "strength_min": 1,
    "strength_max": 2,
    "ramp_pct": 10,
    "cutback_every": 4,
    "strength_intro_weeks": 2,
    "taper_weeks": 2,
    "race_strength_free_days": 4,
    "max_consecutive_days": 6,
    "busy_buffer_min": 30,
    "restart_pct": 50,
    "long_ramp_min": 10,
    "long_ramp_pct": 10,
    "long_share_max": 40,
    "strength_before_key_hours": 24,
}

# R8: taper volume as % of peak, one entry per taper week ("80 % then 60 %" for two).
TAPER_PCT_DEFAULTS = {1: (60,), 2: (80, 60), 3: (85, 70, 60)}

DURATION_BOUNDS = {
    "strength": (20, 120),
    "quality": (20, 120),
    "long_max": (30, 300),
    "easy_min": (10, 90),
    "easy_max": (15, 150),
}
PREFERENCE_WEIGHTS = ("weight_time", "weight_long_run_day", "weight_recovery_48h", "weight_spread")

SECTIONS = {
    "runner": {"name", "timezone", "level", "strength_level", "sessions_per_week", "weekly_minutes",
               "long_run_minutes", "long_run_day", "week_start", "run_walk",
               "recent_race", "max_hr", "resting_hr", "threshold_hr", "units"},  # fitness: solver/fitness.py
    "plan": {"start", "end", "strength_type"},
    "race": {"name", "date", "distance", "priority", "start_time", "goal_time"},
    "availability": set(WEEKDAYS),
    "durations": set(DURATION_BOUNDS),
    "rules": set(RULE_BOUNDS) | {"taper_pct"},
    "preferences": {"run_time", "strength_time", *PREFERENCE_WEIGHTS},
    "busy": {"calendars", "all_day"},
}
DEFAULT_PLAN_WEEKS = 12
MAX_PLAN_WEEKS = 104

_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


def load_profile(path: str | Path | None) -> Profile:
    """Load a profile file, or the built-in sample when `path` is None."""
    if path is None:
        text = resources.files("solver.data").joinpath("default_profile.toml").read_text("utf-8")
        return parse_profile(text, "<built-in sample profile>")
    return parse_profile(read_text(path, "profile", ProfileError), str(path))


def parse_profile(text: str, source: str = "<profile>") -> Profile:
    return _Reader(source).profile(parse_toml(text, source, ProfileError))


def busy_paths(profile: Profile) -> list[Path]:
    """The profile's busy calendars, relative to the profile file's folder."""
    base = Path(profile.source).parent if not profile.source.startswith("<") else Path(".")
    return [base / name for name in profile.busy]


def profile_digest(profile: Profile) -> str:
    """A short hash of everything that shapes the plan; re-plans use it to notice a changed profile."""
    return hashlib.sha256(profile_json(profile).encode()).hexdigest()[:16]


def profile_json(profile: Profile) -> str:
    """The resolved profile as compact, sorted JSON (embedded in the .ics for `runcal check`)."""
    data = asdict(profile)
    data.pop("source")
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=_json_default)


def profile_from_json(text: str, source: str, digest: str | None = None) -> Profile:
    """Rebuild a Profile from `profile_json` output (a plan's X-RUNCAL-PROFILE), validated exactly
    as a profile file is: the JSON is turned back into the profile's TOML tables and read by the
    same reader, with the same bounds. `source` becomes the profile's source; errors name it
    followed by X-RUNCAL-PROFILE. `digest` (X-RUNCAL-PROFILE-HASH, when the plan has one): runcal
    wrote it beside the JSON, so a JSON it does not match was edited after runcal wrote it."""
    where = source if source.endswith("X-RUNCAL-PROFILE") else f"{source} X-RUNCAL-PROFILE"
    if len(text) > TEXT_VALUE:
        raise ProfileError(where, "", f"is longer than {TEXT_VALUE // 1024} KiB", "pass --profile")
    if digest is not None and hashlib.sha256(text.encode()).hexdigest()[:16] != digest.strip():
        raise ProfileError(where, "", "was changed after runcal wrote it (X-RUNCAL-PROFILE-HASH is not its hash), "
                           "so the rules it holds are not the ones the plan was made with",
                           "pass --profile with the runner's profile .toml")
    data = parse_json(text, where, "", ProfileError)
    return replace(_Reader(where).profile(_tables_from_json(data, where)), source=source)


# profile_json's keys -> the TOML section they come from ("": converted below).
_JSON_SECTIONS = {
    "name": "runner", "timezone": "runner", "level": "runner", "strength_level": "runner",
    "sessions_per_week": "runner", "weekly_minutes": "runner", "long_run_minutes": "runner",
    "long_run_day": "runner", "week_start": "runner", "run_walk": "runner",
    "start": "plan", "end": "plan", "strength_type": "plan",
    "races": "", "availability": "", "durations": "", "rules": "", "preferences": "", "busy": "",
    "all_day_busy": "", "fitness": "",
}


def _tables_from_json(data: Any, where: str) -> dict[str, Any]:
    """profile_json's object as the TOML tables it was read from. A value of the wrong shape is
    passed on as it is, for the reader to reject naming the field."""
    if not isinstance(data, dict):
        kind = {list: "an array", str: "a string", bool: "true or false", type(None): "null"}.get(type(data), "a number")
        raise ProfileError(where, "", f"is {kind} in JSON, not an object", "pass --profile")
    for key in data:
        if key not in _JSON_SECTIONS:
            raise ProfileError(where, str(key), "unknown field", "pass --profile")
    runner = {k: v for k, v in data.items() if _JSON_SECTIONS[k] == "runner"}
    if runner.get("long_run_minutes") == 0:
        del runner["long_run_minutes"]  # 0: the default (a share of weekly_minutes), not a length
    if "run_walk" in runner and runner["run_walk"] is None:
        del runner["run_walk"]
    runner.update(_fitness_tables(data.get("fitness")))
    races = data.get("races", [])
    return {
        "runner": runner,
        "plan": {k: v for k, v in data.items() if _JSON_SECTIONS[k] == "plan"},
        "race": [_race_table(r) for r in races] if isinstance(races, list) else races,
        "availability": _availability_tables(data.get("availability", {})),
        "durations": data.get("durations", {}),
        "rules": data.get("rules", {}),
        "preferences": _clock_fields(data.get("preferences", {}), ("run_time", "strength_time")),
        "busy": {"calendars": data.get("busy", []), "all_day": data.get("all_day_busy", "opaque")},
    }


def _fitness_tables(fitness: Any) -> dict[str, Any]:
    """The runner's fitness fields (solver/fitness.py reads them from [runner])."""
    if fitness is None or fitness == {}:  # absent in files written before it existed
        return {}
    if not isinstance(fitness, dict):
        return {"recent_race": fitness}
    out = {k: v for k, v in fitness.items() if v is not None and k != "recent_race"}
    recent = fitness.get("recent_race")
    if isinstance(recent, dict) and set(recent) == {"distance", "seconds", "date"}:
        out["recent_race"] = {"distance": recent["distance"], "time": _seconds_text(recent["seconds"]),
                              "date": _date_value(recent["date"])}
    elif recent is not None:
        out["recent_race"] = recent
    return out


def _race_table(race: Any) -> Any:
    if not isinstance(race, dict):
        return race
    table = {("start_time" if k == "start" else k): v for k, v in race.items() if not (k == "goal_time" and v is None)}
    if isinstance(table.get("start_time"), str) and re.fullmatch(r"\d{2}:\d{2}:00", table["start_time"]):
        table["start_time"] = table["start_time"][:5]
    if "goal_time" in table:
        table["goal_time"] = _seconds_text(table["goal_time"])
    return table


def _availability_tables(days: Any) -> Any:
    if not isinstance(days, dict):
        return days
    out: dict[str, Any] = {}
    for day, windows in days.items():
        if isinstance(windows, list) and all(isinstance(w, dict) and set(w) == {"start", "end"}
                                             and all(_minute(v) for v in w.values()) for w in windows):
            out[day] = [str(Window(w["start"], w["end"])) for w in windows]
        else:
            out[day] = windows
    return out


def _clock_fields(table: Any, keys: tuple[str, ...]) -> Any:
    if not isinstance(table, dict):
        return table
    return {k: (f"{v // 60:02d}:{v % 60:02d}" if k in keys and _minute(v) else v) for k, v in table.items()}


def _minute(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 24 * 60


def _seconds_text(value: Any) -> Any:
    """Whole seconds as the profile's "H:MM:SS" race time; anything else as it is."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 100 * 3600:
        return value
    return f"{value // 3600}:{value % 3600 // 60:02d}:{value % 60:02d}"


def _date_value(value: Any) -> Any:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return value


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    raise TypeError(type(value))


_LINE_BREAK = re.compile("[\n\r\u2028\u2029\x0b\x0c\x85]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def text_problem(value: str, most: int | None = NAME_CHARS) -> str | None:
    """Why `value` cannot be a name in the calendar (None: it can): line breaks and control
    characters would be written raw into the .ics, which no calendar reads."""
    if _LINE_BREAK.search(value):
        return "contains a line break"
    found = _CONTROL.search(value)
    if found:
        return f"contains the control character U+{ord(found[0]):04X}"
    if most is not None and len(value) > most:
        return f"is {len(value)} characters long, more than {most}"
    return None


@lru_cache(maxsize=1)
def iana_zones() -> frozenset[str]:
    """The zone names of the IANA database runcal ships with (tzdata's list), less Factory."""
    try:
        names = resources.files("tzdata").joinpath("zones").read_text("utf-8").split()
    except (ModuleNotFoundError, OSError):
        from zoneinfo import available_timezones

        names = list(available_timezones())
    return frozenset(names) - {"Factory"}


class _Reader:
    """Validates one profile; every error names the file, the field and the fix."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, field: str, problem: str, fix: str) -> ProfileError:
        return ProfileError(self.source, field, problem, fix)

    def profile(self, data: dict[str, Any]) -> Profile:
        for key in data:
            if key not in SECTIONS:
                raise self.fail(key, "unknown section", f"use one of [{'], ['.join(sorted(SECTIONS))}]")
        runner = self.table(data, "runner", required=True)
        plan = self.table(data, "plan")
        level = self.choice(runner, "runner.level", LEVELS, "intermediate")
        tz = self.timezone(runner)
        spw = self.integer(runner, "runner.sessions_per_week", 2, 14, None)
        minutes = self.integer(runner, "runner.weekly_minutes", 20, 1500, None, "R6")
        # 0 keeps "40 % of weekly_minutes", so a what-if that changes weekly_minutes moves it too.
        long_run = self.integer(runner, "runner.long_run_minutes", 10, min(300, minutes), 0, "R11")
        week_start = self.choice(runner, "runner.week_start", WEEKDAYS, "mon")
        races = self.races(data.get("race", []))
        start = self.date(plan, "plan.start", dt.date.today() if "start" not in plan else None)
        for i, race in enumerate(races):  # before end_date, which would blame plan.end for it
            if race.date < start:
                raise self.fail(f"race[{i}].date", f"{race.date} is before plan.start {start}",
                                "move plan.start before the race, or correct the race date")
        end = self.end_date(plan, start, races)
        for i, race in enumerate(races):
            if not start <= race.date <= end:
                raise self.fail(f"race[{i}].date", f"{race.date} lies outside the plan ({start} to {end})",
                                "move plan.start/plan.end or the race date")
        rules = self.rules(self.table(data, "rules"), level)
        durations = self.durations(self.table(data, "durations"))
        strength_level = self.choice(runner, "runner.strength_level", LEVELS, "beginner")
        strength_type = self.choice(plan, "plan.strength_type", STRENGTH_TYPES, "strength")
        need = shortest_session(strength_level, strength_type)
        if durations.strength < need:  # R7: the slot holds the prescription (after the fitting rule)
            raise self.fail("durations.strength", f"{durations.strength} min is shorter than the shortest "
                            f"{strength_level} {strength_type.replace('_', ' ')} session of the R7 table "
                            f"({need} min with its warm-up, after taking away every set the table allows)",
                            f"set durations.strength to {need} or more")
        profile = Profile(
            name=self.string(runner, "runner.name", "Runner"),
            timezone=tz,
            level=level,
            sessions_per_week=spw,
            weekly_minutes=minutes,
            long_run_day=self.choice(runner, "runner.long_run_day", WEEKDAYS, "sun"),
            week_start=week_start,
            start=start,
            end=end,
            strength_type=strength_type,
            races=races,
            availability=self.availability(self.table(data, "availability", required=True), durations),
            durations=durations,
            rules=rules,
            preferences=self.preferences(self.table(data, "preferences")),
            source=self.source,
            **self.busy(self.table(data, "busy")),
            strength_level=strength_level,
            long_run_minutes=long_run,
            run_walk=self.boolean(runner, "runner.run_walk", None),
            fitness=read_fitness(runner, self.fail, start),
        )
        self.unknown(runner, "runner")
        self.unknown(plan, "plan")
        return profile

    # -- sections -------------------------------------------------------------
    def table(self, data: dict[str, Any], name: str, required: bool = False) -> dict[str, Any]:
        value = data.get(name)
        if value is None:
            if required:
                raise self.fail(f"[{name}]", "section missing", f"add a [{name}] section (see README)")
            return {}
        if not isinstance(value, dict):
            raise self.fail(name, "must be a table", f"write it as [{name}] with key = value lines")
        return dict(value)

    def unknown(self, table: dict[str, Any], section: str) -> None:
        for key in table:
            if key not in SECTIONS[section]:
                raise self.fail(f"{section}.{key}", "unknown field",
                                f"use one of: {', '.join(sorted(SECTIONS[section]))}")

    def races(self, items: Any) -> tuple[Race, ...]:
        if isinstance(items, dict):
            items = [items]
        if not isinstance(items, list):
            raise self.fail("race", "must be a list of [[race]] tables", "write each race as [[race]]")
        races = []
        for i, item in enumerate(items):
            field = f"race[{i}]"
            if not isinstance(item, dict):
                raise self.fail(field, "must be a table", "write each race as [[race]]")
            for key in item:
                if key not in SECTIONS["race"]:
                    raise self.fail(f"{field}.{key}", "unknown field", f"use one of: {', '.join(sorted(SECTIONS['race']))}")
            if "date" not in item:
                raise self.fail(f"{field}.date", "missing", "add date = YYYY-MM-DD")
            races.append(Race(
                name=self.string(item, f"{field}.name", f"Race {i + 1}"),
                date=self.date(item, f"{field}.date", None),
                distance=self.choice(item, f"{field}.distance", DISTANCES, None),
                priority=self.choice(item, f"{field}.priority", ("A", "B"), "A"),
                start=dt.time(*divmod(self.clock(item, f"{field}.start_time", 9 * 60), 60)),
                goal_time=read_goal_time(item, field, item.get("distance"), self.fail),
            ))
        races.sort(key=lambda r: r.date)
        for a, b in zip(races, races[1:]):
            if (b.date - a.date).days < 7:
                raise self.fail("race", f"races on {a.date} and {b.date} are less than a week apart",
                                "keep one race per week")
        return tuple(races)

    def end_date(self, plan: dict[str, Any], start: dt.date, races: tuple[Race, ...]) -> dt.date:
        if "end" in plan:
            end = self.date(plan, "plan.end", None)
        elif races:
            end = races[-1].date
        else:
            end = start + dt.timedelta(weeks=DEFAULT_PLAN_WEEKS, days=-1)
        if end < start:
            raise self.fail("plan.end", f"{end} is before plan.start {start}", "set plan.end after plan.start")
        if (end - start).days > MAX_PLAN_WEEKS * 7:
            raise self.fail("plan.end", f"the plan would be longer than {MAX_PLAN_WEEKS} weeks",
                            "plan at most two years at a time")
        return end

    def rules(self, table: dict[str, Any], level: str) -> Rules:
        self.unknown(table, "rules")
        defaults = {**RULE_DEFAULTS, **LEVEL_DEFAULTS[level]}
        values = {}
        for key, (low, high, rule) in RULE_BOUNDS.items():
            values[key] = self.integer(table, f"rules.{key}", low, high, defaults[key], rule)
        if values["strength_min"] > values["strength_max"]:
            raise self.fail("rules.strength_min", f"{values['strength_min']} is above strength_max "
                            f"{values['strength_max']} (R1)", "make strength_min ≤ strength_max")
        taper = table.get("taper_pct", TAPER_PCT_DEFAULTS[values["taper_weeks"]])
        if (not isinstance(taper, (list, tuple)) or len(taper) != values["taper_weeks"]
                or not all(isinstance(p, int) and 30 <= p <= 95 for p in taper)
                or list(taper) != sorted(taper, reverse=True)):
            raise self.fail("rules.taper_pct", f"{taper!r} is not {values['taper_weeks']} falling percentages "
                            "in [30, 95] (R8)", "e.g. taper_pct = [80, 60] for taper_weeks = 2")
        return Rules(**values, taper_pct=tuple(taper))

    def durations(self, table: dict[str, Any]) -> Durations:
        self.unknown(table, "durations")
        base = Durations()
        values = {k: self.integer(table, f"durations.{k}", lo, hi, getattr(base, k))
                  for k, (lo, hi) in DURATION_BOUNDS.items()}
        if values["easy_min"] > values["easy_max"]:
            raise self.fail("durations.easy_min", "is above durations.easy_max", "make easy_min ≤ easy_max")
        return Durations(**values)

    def preferences(self, table: dict[str, Any]) -> Preferences:
        self.unknown(table, "preferences")
        base = Preferences()
        return Preferences(
            run_time=self.clock(table, "preferences.run_time", base.run_time),
            strength_time=self.clock(table, "preferences.strength_time", base.strength_time),
            **{k: self.integer(table, f"preferences.{k}", 0, 1000, getattr(base, k)) for k in PREFERENCE_WEIGHTS},
        )

    def availability(self, table: dict[str, Any], durations: Durations) -> dict[str, tuple[Window, ...]]:
        self.unknown(table, "availability")
        result: dict[str, tuple[Window, ...]] = {}
        for day in WEEKDAYS:
            raw = table.get(day, [])
            if isinstance(raw, str):
                raw = [raw]
            if not isinstance(raw, list):
                raise self.fail(f"availability.{day}", "must be a list of \"HH:MM-HH:MM\" strings",
                                f'e.g. {day} = ["06:00-08:00", "18:00-21:00"]')
            windows = sorted(self.window(f"availability.{day}", item) for item in raw)
            for a, b in zip(windows, windows[1:]):
                if b.start < a.end:
                    raise self.fail(f"availability.{day}", f"windows {a} and {b} overlap", "merge them into one")
            result[day] = tuple(windows)
        shortest = min(durations.easy_min, durations.strength)
        if not any(w.end - w.start >= shortest for ws in result.values() for w in ws):
            raise self.fail("availability", f"no window is long enough for a {shortest}-minute session",
                            f"add at least one window of {shortest} minutes or more")
        return result

    def busy(self, table: dict[str, Any]) -> dict[str, Any]:
        self.unknown(table, "busy")
        calendars = table.get("calendars", [])
        if isinstance(calendars, str):
            calendars = [calendars]
        if not isinstance(calendars, list) or not all(isinstance(c, str) and c for c in calendars):
            raise self.fail("busy.calendars", f"{calendars!r} is not a list of file names",
                            'e.g. calendars = ["work.ics"] (paths relative to this profile)')
        mode = self.choice(table, "busy.all_day", ALL_DAY_MODES, "opaque")
        return {"busy": tuple(calendars), "all_day_busy": mode}

    # -- scalars --------------------------------------------------------------
    def window(self, field: str, text: Any) -> Window:
        fix = 'write windows as "HH:MM-HH:MM", e.g. "18:00-21:00" (use 24:00 for midnight)'
        if not isinstance(text, str) or text.count("-") != 1:
            raise self.fail(field, f"{text!r} is not a time window", fix)
        a, b = (self.parse_clock(field, part.strip(), fix) for part in text.split("-"))
        if b <= a:
            raise self.fail(field, f"window {text!r} ends before it starts", fix)
        return Window(a, b)

    def parse_clock(self, field: str, text: str, fix: str) -> int:
        m = _TIME.match(text)
        if not m or int(m[1]) > 24 or int(m[2]) > 59 or (int(m[1]) == 24 and int(m[2]) != 0):
            raise self.fail(field, f"{text!r} is not a time of day", fix)
        return int(m[1]) * 60 + int(m[2])

    def clock(self, table: dict[str, Any], field: str, default: int) -> int:
        key = field.rsplit(".", 1)[1]
        if key not in table:
            return default
        value = table[key]
        fix = 'write a time of day as "HH:MM"'
        if not isinstance(value, str):
            raise self.fail(field, f"{value!r} is not a time of day", fix)
        minutes = self.parse_clock(field, value, fix)
        if minutes >= 24 * 60:
            raise self.fail(field, f"{value!r} is not a time of day", fix)
        return minutes

    def timezone(self, runner: dict[str, Any]) -> str:
        name = runner.get("timezone")
        if not isinstance(name, str) or not name:
            raise self.fail("runner.timezone", "missing", 'add an IANA zone name, e.g. timezone = "Europe/London"')
        # Only the IANA database's zones: "localtime" and "posixrules" are whatever this machine is
        # set to (the plan would differ between machines), "Factory" is no place's time.
        try:
            ZoneInfo(name)
            known = name in iana_zones()
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" is a folder of zones
            known = False
        if not known:
            raise self.fail("runner.timezone", f"unknown time zone {name!r}",
                            'use an IANA zone name such as "Europe/London" or "America/New_York"')
        return name

    def string(self, table: dict[str, Any], field: str, default: str) -> str:
        """A name: one line of printable text (it goes into every event's SUMMARY or calendar name)."""
        value = table.get(field.rsplit(".", 1)[1], default)
        if not isinstance(value, str):
            raise self.fail(field, f"{value!r} is not text", "put the value in double quotes")
        problem = text_problem(value, NAME_CHARS)
        if problem:
            raise self.fail(field, problem, f"write it on one line, at most {NAME_CHARS} characters, "
                            "letters, digits and punctuation only")
        return value

    def boolean(self, table: dict[str, Any], field: str, default: bool | None) -> bool | None:
        value = table.get(field.rsplit(".", 1)[1], default)
        if value is not default and not isinstance(value, bool):
            raise self.fail(field, f"{value!r} is not true or false", "write true or false (no quotes)")
        return value

    def choice(self, table: dict[str, Any], field: str, options: tuple[str, ...], default: str | None) -> str:
        key = field.rsplit(".", 1)[1]
        if key not in table:
            if default is None:
                raise self.fail(field, "missing", f"add one of: {', '.join(options)}")
            return default
        value = table[key]
        if value not in options:
            raise self.fail(field, f"{value!r} is not allowed", f"use one of: {', '.join(options)}")
        return value

    def integer(self, table: dict[str, Any], field: str, low: int, high: int, default: int | None,
                rule: str = "") -> int:
        key = field.rsplit(".", 1)[1]
        if key not in table:
            if default is None:
                raise self.fail(field, "missing", f"add a whole number between {low} and {high}")
            return default
        value = table[key]
        tag = f" ({rule})" if rule else ""
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(field, f"{value!r} is not a whole number", f"use a whole number between {low} and {high}")
        if not low <= value <= high:
            raise self.fail(field, f"{value} is outside the allowed range [{low}, {high}]{tag}",
                            f"use a value between {low} and {high}")
        return value

    def date(self, table: dict[str, Any], field: str, default: dt.date | None) -> dt.date:
        key = field.rsplit(".", 1)[1]
        if key not in table:
            if default is None:
                raise self.fail(field, "missing", "add a date as YYYY-MM-DD")
            return default
        value = table[key]
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            if isinstance(value, str):
                try:
                    value = dt.date.fromisoformat(value)
                except ValueError:
                    pass
            if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
                raise self.fail(field, f"{value!r} is not a date", "write a date as YYYY-MM-DD (no quotes needed)")
        problem = date_problem(value)
        if problem:
            raise self.fail(field, problem, "give a date in that range")
        return value
