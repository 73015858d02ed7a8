"""solver/icsbytes.py writes exactly what icalendar writes, only faster: its fold against
icalendar's own on generated lines (escape characters at every fold boundary, non-ASCII), and
whole calendars against Component.to_ical()."""

from __future__ import annotations

import random

import icalendar
import pytest
from icalendar.parser.string import _foldline

from solver.icsbytes import LIMIT, calendar_bytes, fold


def _lines() -> list[str]:
    rng = random.Random(20261201)
    lines = ["", "a" * (LIMIT - 2), "a" * (LIMIT - 1), "a" * LIMIT, "a" * (3 * LIMIT)]
    # an escape character at each position around a fold boundary, alone and doubled
    for at in range(LIMIT - 4, LIMIT + 2):
        for escape in ("\\", "^", "\\\\", "\\n"):
            lines.append("x" * at + escape + "y" * 80)
            lines.append("x" * (at + LIMIT - 1) + escape + "y" * 80)
    for n in range(4000):
        alphabet = "ab\\^,;:\n " if n % 2 else "ab\\^x,é€😀"
        lines.append("".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 400))).replace("\n", "\\n"))
    return lines


def test_fold_is_icalendars_fold():
    lines = _lines()
    assert any(not line.isascii() for line in lines) and any(len(line) > 3 * LIMIT for line in lines)
    different = [line for line in lines if fold(line) != _foldline(line).encode()]
    assert not different, different[:3]


def test_folded_pieces_are_at_most_74_octets():
    for line in _lines():
        assert all(len(piece) < LIMIT for piece in fold(line).split(b"\r\n "))


def test_calendar_bytes_are_to_ical_for_every_sample_plan(sample_plan):
    _, data = sample_plan
    cal = icalendar.Calendar.from_ical(data)
    assert calendar_bytes(cal) == cal.to_ical() == data


@pytest.mark.parametrize("summary", ["Run, easy; 45 min", "Laufen \u2014 locker", "x" * 200 + "\\", "🏃" * 40])
def test_calendar_bytes_of_an_event(summary):
    event = icalendar.Event()
    event.add("summary", summary)
    event.add("description", summary * 3)
    assert calendar_bytes(event) == event.to_ical()
