"""The property harness of issue 15: plan a random runner, re-plan and injure the plan, and judge
every result with the independent checker (and the generator's own reading of the busy calendar).

`run_case(case)` returns the failures it found, each with a class (`Failure.kind`, e.g.
"replan/check R8") so a large run can be grouped; tests/test_issue_15_harness.py runs a few
seeds in `make test`, and this file run as a script runs many:

    .venv/bin/python tests/harness.py --seeds 0:300 --jobs 2 --max-weeks 16

What it asserts, per case:
- busy: the calendar read by solver/busy.py holds exactly the occurrences the generator meant;
- plan: `runcal check`'s verdict (check_calendar with the busy calendar) is clean; the week
  table's minutes are the checker's (elapsed) volumes;
- no plan: a typed NoPlanError whose explanation holds: each suggested fix plans, and the
  profile with one session a week fewer gives no plan the original profile's checker accepts
  (R2 is an upper bound: such a plan would be a plan of the original);
- every re-plan (a miss reported on time, late, or ahead of time; a missed stretch; nothing
  missed; an injury; a re-plan of the re-plan): clean under the checker, the past unchanged, a
  missed session moved only to a later day of its own week, nothing changed when nothing was
  missed, a missed race recorded (or refused with a clear error), never "no plan".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

from randomprofiles import CALENDAR_NAME, Case, case as make_case  # noqa: E402

from solver import explain, report  # noqa: E402
from solver.check import check_calendar, read_plan  # noqa: E402
from solver.errors import InputError, NoPlanError, ProfileError, SolverTimeout  # noqa: E402
from solver.ics import plan_to_ical  # noqa: E402
from solver.periodization import plan_start  # noqa: E402
from solver.profile import load_profile  # noqa: E402
from solver.rehab import load_rehab  # noqa: E402
from solver.replan import Injury, replan  # noqa: E402
from solver.solve import busy_for, make_plan  # noqa: E402

STAMP = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.timezone.utc)
REHAB = HERE.parent / "sample_calendars" / "rehab" / "achilles_example.toml"
UTC = dt.timezone.utc


@dataclass
class Failure:
    kind: str  # the class: "<command>/<what>", e.g. "plan/check R1", "replan/no plan"
    detail: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.detail}"


@dataclass
class Outcome:
    seed: int
    failures: list[Failure] = field(default_factory=list)
    events: list[str] = field(default_factory=list)  # what happened (planned, no plan, …), for statistics
    seconds: dict[str, float] = field(default_factory=dict)  # the slowest step of each command
    notes: list[str] = field(default_factory=list)  # the no-plan explanations, for statistics

    def fail(self, kind: str, detail: str) -> None:
        self.failures.append(Failure(kind, detail))

    def timed(self, what: str, seconds: float) -> None:
        self.seconds[what] = max(self.seconds.get(what, 0.0), seconds)


def run_case(case: Case, time_limit: float = 20.0, thorough: bool = False, workdir: Path | None = None) -> Outcome:
    out = Outcome(case.seed)
    with tempfile.TemporaryDirectory(prefix="runcal-harness-") as tmp:
        folder = workdir or Path(tmp)
        try:
            _run(case, folder, out, time_limit, thorough)
        except Exception as exc:  # a crash is a failure class of its own, with where it happened
            where = traceback.extract_tb(exc.__traceback__)[-1]
            out.fail(f"crash {type(exc).__name__}", f"{exc} ({Path(where.filename).name}:{where.lineno})")
    return out


def _run(case: Case, folder: Path, out: Outcome, time_limit: float, thorough: bool) -> None:
    path = folder / "profile.toml"
    path.write_text(case.profile_text)
    if case.calendar is not None:
        (folder / CALENDAR_NAME).write_bytes(case.calendar)
    try:
        profile = load_profile(path)
    except ProfileError as exc:
        out.events.append("profile refused")
        out.fail("profile/refused", str(exc))  # the generator draws only valid profiles
        return
    busy = busy_for(profile)
    _compare_busy(profile, busy, case.truth, out)
    truth = case.truth
    begun = time.perf_counter()
    try:
        plan = make_plan(profile, busy, time_limit=time_limit)
    except SolverTimeout as exc:  # neither a plan nor a proof: a finding of its own
        out.timed("plan", time.perf_counter() - begun)
        out.events.append("time limit")
        out.fail("plan/time limit", str(exc)[:160])
        return
    except NoPlanError as exc:
        out.timed("plan", time.perf_counter() - begun)
        out.events.append("no plan")
        out.notes.append(str(exc))
        _judge_no_plan(profile, busy, truth, exc, out, time_limit, thorough)
        return
    out.timed("plan", time.perf_counter() - begun)
    out.events.append(f"planned ({plan.status})")
    data = plan_to_ical(plan, STAMP)
    for v in check_calendar(data, profile, str(path), truth):
        out.fail(f"plan/check {v.rule}", str(v))
    _week_table(plan, data, profile, out)
    rnd = random.Random(case.seed * 7919 + 1)
    for action in _actions(rnd, data, profile, thorough):
        _replan(action, data, profile, busy, truth, out, time_limit, rnd, depth=0)


# -- busy time -------------------------------------------------------------------------------

def _compare_busy(profile, busy, truth, out: Outcome) -> None:
    """Both readings, restricted to what overlaps the plan's days (read_busy's window)."""
    zone = ZoneInfo(profile.timezone)
    lo = dt.datetime.combine(plan_start(profile), dt.time(0), zone)
    hi = dt.datetime.combine(profile.end + dt.timedelta(days=7), dt.time(0), zone)

    def spans(events):
        return Counter((e.start.astimezone(UTC), e.end.astimezone(UTC)) for e in events if e.start < hi and e.end > lo)

    read, meant = spans(busy), spans(truth)
    if read != meant:
        missing = sorted((meant - read).elements())
        extra = sorted((read - meant).elements())
        out.fail("busy/expansion", f"read_busy misses {[f'{a:%Y-%m-%d %H:%M}Z' for a, _ in missing][:4]} and adds "
                                   f"{[f'{a:%Y-%m-%d %H:%M}Z' for a, _ in extra][:4]}")


# -- reports ---------------------------------------------------------------------------------

def _week_table(plan, data: bytes, profile, out: Outcome) -> None:
    """`runcal plan`'s table counts the elapsed minutes the checker counts (R6's V(n))."""
    checked = read_plan(data, profile)
    for line in report.week_table(plan).splitlines()[1:]:
        cells = line.split()
        if not cells or not cells[0].isdigit():
            continue
        week, minutes = int(cells[0]), int(cells[-4])  # from the right: Run min, Long, Strength, Rest
        if minutes * 60 != checked.volume(week):
            out.fail("report/week table minutes", f"week {week}: the table says {minutes} min, the checker's volume "
                                                  f"is {checked.volume(week) / 60:g} min")


# -- no plan ---------------------------------------------------------------------------------

def _judge_no_plan(profile, busy, truth, exc: NoPlanError, out: Outcome, time_limit: float, thorough: bool) -> None:
    message = str(exc)
    if not message.startswith("No plan"):
        out.fail("plan/untyped no plan", message[:160])
    fixes = _suggested(profile, message)
    for advice, fixed in fixes[: None if thorough else 1]:
        try:
            plan = make_plan(fixed, busy, time_limit=time_limit)
        except (NoPlanError, SolverTimeout) as again:
            out.fail("no plan/suggested fix does not plan", f"'{advice}' → {str(again)[:120]}")
            continue
        for v in check_calendar(plan_to_ical(plan, STAMP), fixed, "<fixed>", truth):
            out.fail(f"no plan/suggested fix's plan: check {v.rule}", str(v))
    # R2 is an upper bound: a plan with one session fewer a week that the original profile's own
    # checker accepts is a plan of the original profile, which was refused — unless the refusal
    # says so itself: a conflict in many weeks is refused with that fix by design (a plan short
    # of a session only in a few weeks is made instead: solve._crowded_locally).
    fixes_said = message.partition("Fix:")[2]
    fewer_fix = f"lower sessions_per_week to {profile.sessions_per_week - 1}"
    tries = [replace(profile, sessions_per_week=profile.sessions_per_week - 1)] \
        if profile.sessions_per_week > 2 and fewer_fix not in fixes_said else []
    # R1's strength_max is an upper bound too: the same holds for a refusal that says to lower it.
    lighter_fix = f"lower rules.strength_max to {profile.rules.strength_max - 1}"
    if thorough and profile.rules.strength_max > profile.rules.strength_min and lighter_fix not in fixes_said:
        tries.append(replace(profile, rules=replace(profile.rules, strength_max=profile.rules.strength_max - 1)))
    for fewer in tries:
        try:
            plan = make_plan(fewer, busy, time_limit=time_limit)
        except (NoPlanError, SolverTimeout):
            continue
        data = plan_to_ical(replace(plan, profile=profile), STAMP)
        if not check_calendar(data, profile, "<original>", truth):
            out.fail("no plan/refused but a plan exists",
                     f"refused ({message[:100]}), yet a plan made with sessions_per_week={fewer.sessions_per_week}, "
                     f"strength_max={fewer.rules.strength_max} keeps every rule of the original profile")
            break


def _suggested(profile, message: str) -> list[tuple[str, object]]:
    """The relaxations the message suggests, applied (explain.relaxations' advice texts)."""
    found = []
    if "Fix:" not in message:
        return found
    fix = message.split("Fix:", 1)[1]

    def tapered(weeks: int):
        pcts = {1: (60,), 2: (80, 60), 3: (85, 70, 60)}[weeks]
        return replace(profile, rules=replace(profile.rules, taper_weeks=weeks, taper_pct=pcts))

    # "set rules.taper_weeks to N, and then <fix>": the fixes found for the shorter taper, with it.
    both = re.search(r"set rules\.taper_weeks to (\d+)(?: and rules\.taper_pct to \[[^]]*\])?, and then ", fix)
    base = tapered(int(both[1])) if both else profile
    for r in explain.relaxations(base):
        advice = r.advice
        if advice.startswith("add a window on "):
            advice = advice.removeprefix("add a window on ").replace("(e.g. ", "").rstrip(")")
        if advice in (fix[both.end():] if both else fix):
            found.append((r.advice, r.apply(base)))
    if "set rules.taper_weeks to " in fix and not both:
        weeks = int(re.search(r"set rules\.taper_weeks to (\d+)", fix)[1])
        found.append((f"taper_weeks {weeks}", tapered(weeks)))
    return found


# -- re-plans --------------------------------------------------------------------------------

@dataclass
class Action:
    what: str  # "miss", "late miss", "ahead miss", "stretch", "nothing", "injury", "done"
    today: dt.date
    missed: list[str] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    ranges: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    injury: Injury | None = None
    targets: list[str] = field(default_factory=list)  # UIDs of the sessions named missed
    after: str = ""  # the re-plan this one re-plans, in words

    def __str__(self) -> str:
        parts = [f"({self.after}) then" if self.after else "", f"{self.what}: --today {self.today}"]
        parts += [f"--missed {m}" for m in self.missed] + [f"--done {d}" for d in self.done]
        parts += [f"--missed-from {a} --to {b}" for a, b in self.ranges]
        if self.injury:
            parts.append(f"injury --from {self.injury.start} --until {self.injury.until} rehab={bool(self.injury.rehab)}")
        return " ".join(p for p in parts if p)


def _sessions(data: bytes) -> list[icalendar.Event]:
    cal = icalendar.Calendar.from_ical(data)
    return [e for e in cal.walk("VEVENT") if str(e.get("X-RUNCAL-KIND", "")) not in ("", "note")
            and str(e.get("STATUS", "")).upper() != "CANCELLED"]


def _day(e) -> dt.date:
    return e.decoded("DTSTART").date()


def _selector(rnd: random.Random, e) -> str:
    style = rnd.random()
    if style < 0.5:
        return f"{_day(e)}:{e['X-RUNCAL-KIND']}"
    if style < 0.8:
        return str(e["UID"])
    return str(_day(e))


def _matching(selector: str, events: list) -> list[str]:
    """UIDs of the sessions a --missed selector names (replan.Selector's reading)."""
    day, _, kind = selector.partition(":")
    return [str(e["UID"]) for e in events
            if selector == str(e["UID"]) or (day == str(_day(e)) and (not kind or kind == str(e["X-RUNCAL-KIND"])))]


def _actions(rnd: random.Random, data: bytes, profile, thorough: bool) -> list[Action]:
    events = _sessions(data)
    first = plan_start(profile)
    last = max(_day(e) for e in events) if events else first
    days = (last - first).days
    pick = lambda kinds: rnd.choice([e for e in events if str(e["X-RUNCAL-KIND"]) in kinds] or events)  # noqa: E731
    found = []
    kinds = ["miss", "late miss", "ahead miss", "stretch", "nothing", "injury", "race miss"]
    chosen = kinds if thorough else rnd.sample(kinds, 3)
    for what in chosen:
        if not events:
            break
        if what == "race miss" and not any(str(e["X-RUNCAL-KIND"]) == "race" for e in events):
            continue
        if what in ("miss", "late miss", "ahead miss", "race miss"):
            e = pick(("race",) if what == "race miss" else ("easy", "long", "quality", "strength"))
            day = _day(e)
            today = {"miss": day + dt.timedelta(days=rnd.choice((0, 1))),
                     "late miss": day + dt.timedelta(days=rnd.randint(7, 10)),
                     "ahead miss": max(first, day - dt.timedelta(days=rnd.randint(0, 3))),
                     "race miss": day + dt.timedelta(days=1)}[what]
            selector = _selector(rnd, e)
            found.append(Action(what, today, missed=[selector], targets=_matching(selector, events)))
        elif what == "stretch":
            a = first + dt.timedelta(days=rnd.randint(0, max(0, days - 3)))
            b = a + dt.timedelta(days=rnd.randint(0, 9))
            today = a + dt.timedelta(days=rnd.randint(0, (b - a).days + 2))
            found.append(Action(what, today, ranges=[(a, b)]))
        elif what == "nothing":
            found.append(Action(what, first + dt.timedelta(days=rnd.randint(0, days))))
        elif what == "injury":
            start = first + dt.timedelta(days=rnd.randint(1, max(1, days)))
            until = start + dt.timedelta(days=rnd.randint(3, 20)) if rnd.random() < 0.7 else None
            rehab = load_rehab(REHAB) if rnd.random() < 0.5 else None
            found.append(Action(what, start, injury=Injury(start, until, rehab)))
    return found


def _replan(action: Action, data: bytes, profile, busy, truth, out: Outcome, time_limit: float,
            rnd: random.Random, depth: int) -> None:
    command = "injury" if action.injury else "replan" if depth == 0 else "replan of replan"
    begun = time.perf_counter()
    try:
        result = replan(data, "plan.ics", action.today, action.missed, action.done, action.ranges, None, STAMP,
                        time_limit, injury=action.injury, busy=busy)
    except (NoPlanError, SolverTimeout) as exc:
        out.fail(f"{command}/no plan", f"{action}: {str(exc)[:160]}")
        return
    except InputError as exc:
        if action.what in ("race miss", "stretch") and "still ahead" in str(exc):
            out.events.append("race miss refused")
            return  # a clear error about the race is an acceptable answer
        out.fail(f"{command}/input error", f"{action}: {exc}")
        return
    finally:
        out.timed(command, time.perf_counter() - begun)
    out.events.append(f"{command} {action.what}")
    for v in check_calendar(result.data, profile, "replanned.ics", truth):
        out.fail(f"{command}/check {v.rule}", f"{action}: {v}")
    _past_kept(action, data, result.data, out, command)
    if action.what in ("miss", "late miss", "ahead miss"):
        _missed_moved_later(action, data, result.data, profile, out, command)
    if action.what == "race miss":
        _race_recorded(action, result, out, command)
    if action.what == "nothing" and (result.moved or result.dropped or result.resized):
        out.fail(f"{command}/changes with nothing missed",
                 f"{action}: {len(result.moved)} moved, {len(result.resized)} resized, {len(result.dropped)} dropped, "
                 f"e.g. {(result.moved + result.resized + result.dropped)[0]}")
    if depth == 0 and action.what in ("miss", "late miss", "injury", "stretch"):
        later = action.today + dt.timedelta(days=rnd.randint(2, 12))
        if action.injury and action.injury.until:
            later = max(later, action.injury.until + dt.timedelta(days=1))
        _replan(Action("nothing", later, after=str(action)), result.data, profile, busy, truth, out, time_limit, rnd, depth + 1)


def _by_uid(data: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(data)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def _past_kept(action: Action, before: bytes, after: bytes, out: Outcome, command: str) -> None:
    """Sessions that ended before today keep their times and status, unless named missed."""
    old, new = _by_uid(before), _by_uid(after)
    for uid, e in old.items():
        if str(e.get("X-RUNCAL-KIND", "")) in ("", "note") or not isinstance(e.decoded("DTSTART"), dt.datetime):
            continue
        if e.decoded("DTSTART").date() >= action.today or uid in action.targets:
            continue
        if any(a <= _day(e) <= b for a, b in action.ranges):
            continue
        n = new.get(uid)
        same = n is not None and n.decoded("DTSTART") == e.decoded("DTSTART") and n.decoded("DTEND") == e.decoded("DTEND") \
            and str(n.get("STATUS", "")) == str(e.get("STATUS", ""))
        if not same:
            out.fail(f"{command}/past changed",
                     f"{action}: {e['X-RUNCAL-KIND']} {e.decoded('DTSTART'):%Y-%m-%d %H:%M} "
                     f"became {n.decoded('DTSTART') if n else 'absent'} {n.get('STATUS') if n else ''}")


def _missed_moved_later(action: Action, before: bytes, after: bytes, profile, out: Outcome, command: str) -> None:
    """README: "A missed session may move to a later day of its own week if the rules allow"."""
    old, new = _by_uid(before), _by_uid(after)
    first = plan_start(profile)
    for uid in action.targets:
        e, n = old[uid], new.get(uid)
        if n is None or str(n.get("STATUS", "")).upper() == "CANCELLED":
            continue
        was, now = _day(e), _day(n)
        week = lambda d: (d - first).days // 7  # noqa: E731
        if not (now > was and week(now) == week(was) and now >= action.today):
            out.fail(f"{command}/missed session not moved to a later day of its week",
                     f"{action}: {e['X-RUNCAL-KIND']} {e.decoded('DTSTART'):%Y-%m-%d %H:%M} "
                     f"→ {n.decoded('DTSTART'):%Y-%m-%d %H:%M}")


def _race_recorded(action: Action, result, out: Outcome, command: str) -> None:
    new = _by_uid(result.data)
    for uid in action.targets:
        n = new[uid]
        if str(n.get("X-RUNCAL-KIND")) != "race":
            continue
        if str(n.get("STATUS", "")).upper() != "CANCELLED" or not str(n.get("X-RUNCAL-MISSED", "")).strip():
            out.fail(f"{command}/missed race ignored", f"{action}: the race stays {n.get('STATUS')} with no note")


# -- the large run ---------------------------------------------------------------------------

def _one(args) -> dict:
    seed, max_weeks, time_limit, thorough = args
    begun = time.perf_counter()
    outcome = run_case(make_case(seed, max_weeks), time_limit, thorough)
    return {"seed": seed, "failures": [(f.kind, f.detail) for f in outcome.failures], "events": outcome.events,
            "notes": outcome.notes,
            "seconds": outcome.seconds, "total": time.perf_counter() - begun}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the issue-15 property harness over many seeds.")
    parser.add_argument("--seeds", default="0:50", help="START:STOP (a range of seeds)")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--max-weeks", type=int, default=16)
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--thorough", action="store_true", help="every re-plan kind and every suggested fix")
    parser.add_argument("--out", type=Path, help="write every outcome as JSON lines here")
    args = parser.parse_args(argv)
    a, b = (int(x) for x in args.seeds.split(":"))
    work = [(s, args.max_weeks, args.time_limit, args.thorough) for s in range(a, b)]
    if args.jobs > 1:
        import multiprocessing

        with multiprocessing.Pool(args.jobs) as pool:
            results = list(pool.imap_unordered(_one, work))
    else:
        results = [_one(w) for w in work]
    results.sort(key=lambda r: r["seed"])
    if args.out:
        args.out.write_text("".join(json.dumps(r) + "\n" for r in results))
    classes: dict[str, list[int]] = defaultdict(list)
    for r in results:
        for kind in dict.fromkeys(k for k, _ in r["failures"]):
            classes[kind].append(r["seed"])
    events = Counter(e for r in results for e in r["events"])
    print(f"{len(results)} cases, {sum(1 for r in results if r['failures'])} with failures")
    print("events:", dict(sorted(events.items())))
    for kind, seeds in sorted(classes.items(), key=lambda kv: -len(kv[1])):
        print(f"{len(seeds):4d}  {kind}  seeds {seeds[:12]}")
    slow = sorted(((max(r["seconds"].values(), default=0), r["seed"]) for r in results), reverse=True)[:5]
    print("slowest steps (s, seed):", [(round(s, 1), seed) for s, seed in slow])
    return 0


if __name__ == "__main__":
    sys.exit(main())
