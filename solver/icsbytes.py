"""A calendar's bytes: what icalendar's Component.to_ical() writes, with a faster line fold.

icalendar folds every content line one character at a time, encoding each to count its octets:
half of writing a plan (0.10 of 0.19 s for the marathon sample, whose descriptions carry the
structured steps, race briefs and strength prescriptions). Most lines are ASCII, which folds by
slicing. The result is byte for byte icalendar's own (tests/test_icsbytes.py compares the two on
every sample plan and on generated lines), so this changes no file, only how fast it is written.
"""

from __future__ import annotations

from icalendar.parser.string import _foldline

LIMIT = 75  # icalendar's: a piece ends before the octet that would reach 75 (74 octets at most)
_ESCAPES = "\\^"  # icalendar keeps an escape character with the character it escapes (its issue #1501)


def calendar_bytes(component) -> bytes:
    """component.to_ical(), sorted as icalendar sorts (content_lines decides order and escaping)."""
    return b"\r\n".join(fold(line).encode("utf-8") for line in component.content_lines() if line) + b"\r\n"


def fold(line: str) -> str:
    """icalendar's _foldline(line): ASCII lines by slicing, any other through icalendar itself."""
    if not line.isascii():
        return _foldline(line)
    width = LIMIT - 1
    if len(line) <= width:
        return line
    pieces = []
    start = 0
    while len(line) - start > width:
        end = start + width
        # icalendar moves a trailing escape character to the next piece (when the piece keeps one more)
        if end - start > 1 and line[end - 1] in _ESCAPES:
            end -= 1
        pieces.append(line[start:end])
        start = end
    pieces.append(line[start:])
    return "\r\n ".join(pieces)
