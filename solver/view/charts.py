"""Chart geometry for the page's inline SVG: scales, ticks, bars, lines, step lines, bands and
reference lines, in SVG user units. The markup itself is in templates/chart.svg.j2.

Drawn by hand rather than with a plotting library: these are four kinds of marks on linear
scales, and owning the markup gives what the page needs and a plotting library's SVG does not —
each series a labelled group, each datum a <title> tooltip and data attributes the browser tests
read, text as text, byte-identical output, and no import of a large library.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH, HEIGHT = 760, 300
LEFT, TOP, BOTTOM = 56, 30, 42  # room for the y ticks, band labels, x ticks
RIGHT, RIGHT_LABELLED = 20, 130  # room on the right, also for the names at the ends of lines
MARKERS = ("circle", "square", "triangle", "diamond", "cross")
DASHES = ("", "8 4", "2 3", "10 3 2 3", "4 4")


@dataclass(frozen=True)
class Mark:
    """One datum as drawn: a bar (w, h), a point (w = 0) or a step segment (h = 0)."""

    x: float
    y: float
    w: float
    h: float
    value: float
    tip: str  # the tooltip, in words
    week: int
    over: bool = False  # above the ceiling drawn with it (flagged in words too)


@dataclass(frozen=True)
class Series:
    key: str  # data-series attribute, e.g. "volume", "r6-ceiling", "scenario-baseline"
    name: str  # legend text
    style: str  # "bar", "line" or "step"
    css: str
    marks: tuple[Mark, ...]
    path: str = ""
    marker: str = "circle"
    dash: str = ""
    end: tuple[float, float, str] | None = None  # a text label at the line's end


@dataclass(frozen=True)
class Band:
    x: float
    w: float
    label: str
    css: str
    tip: str


@dataclass(frozen=True)
class Ref:
    """A horizontal reference line (a readiness target, an R1 bound) with its label."""

    key: str
    x1: float
    x2: float
    y: float
    value: float
    label: str
    label_y: float
    css: str = "ref"


@dataclass
class Chart:
    key: str
    title: str
    summary: str  # what the chart shows, in words (the SVG's <desc>)
    y_label: str
    x_label: str
    weeks: int
    y_max: float
    series: list[Series] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    right: int = RIGHT

    # -- scales -------------------------------------------------------------------------------
    @property
    def plot(self) -> tuple[float, float, float, float]:
        return LEFT, TOP, self.width - self.right, self.height - BOTTOM

    def x(self, week: float) -> float:
        left, _, right, _ = self.plot
        return round(left + (week - 0.5) / self.weeks * (right - left), 1)

    def y(self, value: float) -> float:
        _, top, _, bottom = self.plot
        return round(bottom - min(value, self.y_max) / self.y_max * (bottom - top), 1)

    @property
    def slot(self) -> float:
        left, _, right, _ = self.plot
        return (right - left) / self.weeks

    @property
    def y_ticks(self) -> list[tuple[float, str]]:
        step = tick_step(self.y_max)
        return [(self.y(v), _num(v)) for v in _frange(0, self.y_max, step)]

    @property
    def x_ticks(self) -> list[tuple[float, str]]:
        every = max(1, math.ceil(self.weeks / 13))
        return [(self.x(w), str(w)) for w in range(1, self.weeks + 1) if w == 1 or w % every == 0]

    @property
    def flagged(self) -> bool:
        """Some datum lies above its ceiling."""
        return any(m.over for s in self.series for m in s.marks)

    def table(self) -> list[tuple[int, list[float | None]]]:
        """The chart's numbers, one row per week: the page's text alternative to the drawing."""
        values = [{m.week: m.value for m in s.marks} for s in self.series]
        weeks = sorted({w for v in values for w in v})
        return [(w, [v.get(w) for v in values]) for w in weeks]

    # -- marks --------------------------------------------------------------------------------
    def bars(self, key: str, name: str, values: Sequence[float], tips: Sequence[str], css: str,
             offset: float = 0.0, share: float = 0.7, over: Sequence[bool] = ()) -> None:
        w = self.slot * share
        marks = []
        for week, (v, tip) in enumerate(zip(values, tips), 1):
            top = self.y(v)
            x = self.x(week) + offset * self.slot - w / 2
            flagged = bool(over) and over[week - 1]
            marks.append(Mark(round(x, 1), top, round(w, 1), round(self.y(0) - top, 1), v, tip, week, flagged))
        self.series.append(Series(key, name, "bar", css, tuple(marks)))

    def line(self, key: str, name: str, values: Sequence[float | None], tips: Sequence[str], css: str,
             marker: str = "circle", dash: str = "", first_week: int = 1, end_label: str = "",
             over: Sequence[bool] = ()) -> None:
        """A line through the weeks that have a value; None leaves a gap."""
        marks, path, pen_down = [], [], False
        for week, (v, tip) in enumerate(zip(values, tips), first_week):
            if v is None:
                pen_down = False
                continue
            x, y = self.x(week), self.y(v)
            path.append(f"{'L' if pen_down else 'M'}{x} {y}")
            pen_down = True
            marks.append(Mark(x, y, 0, 0, v, tip, week, bool(over) and over[week - first_week]))
        end = (marks[-1].x + 8, marks[-1].y + 4, end_label) if marks and end_label else None
        self.series.append(Series(key, name, "line", css, tuple(marks), " ".join(path), marker, dash, end))

    def step(self, key: str, name: str, values: Sequence[float], tips: Sequence[str], css: str) -> None:
        """A ceiling: one horizontal segment per week, joined into a staircase."""
        marks, path = [], []
        for week, (v, tip) in enumerate(zip(values, tips), 1):
            x1, x2, y = self.x(week - 0.5), self.x(week + 0.5), self.y(v)
            path.append(f"{'L' if path else 'M'}{x1} {y} H{x2}")
            marks.append(Mark(x1, y, round(x2 - x1, 1), 0, v, tip, week))
        self.series.append(Series(key, name, "step", css, tuple(marks), " ".join(path)))

    def band(self, first: int, last: int, label: str, short: str, css: str, tip: str) -> None:
        """A shaded run of weeks, named by `label`, or by `short` where the label does not fit."""
        x1, x2 = self.x(first - 0.5), self.x(last + 0.5)
        room = x2 - x1 - 4
        text = next((t for t in (label, short, short[:1]) if len(t) * 6.2 <= room), "")
        self.bands.append(Band(x1, round(x2 - x1, 1), text, css, tip))

    def ref(self, key: str, value: float, label: str, last_week: int | None = None, css: str = "ref") -> None:
        x2 = self.x((last_week or self.weeks) + 0.5)
        y = self.y(value)
        label_y = y - 4
        for other in self.refs:  # keep labels of close lines apart
            if abs(other.label_y - label_y) < 11 and abs(other.x2 - x2) < 160:
                label_y = other.label_y - 12
        self.refs.append(Ref(key, self.x(0.5), x2, y, value, label, label_y, css))


def tick_step(top: float) -> float:
    """A 1-2-5 step that gives about five ticks up to `top`."""
    raw = max(top, 1) / 5
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def nice_max(value: float) -> float:
    """The axis top: the first tick at or above the largest value (and at least 1)."""
    step = tick_step(value * 1.05)
    return max(step, math.ceil(value * 1.05 / step) * step)


def marker_path(shape: str, x: float, y: float, r: float = 4.0) -> str:
    """SVG path data of a point marker: series differ by shape too, not by colour alone."""
    if shape == "square":
        return f"M{x - r} {y - r}h{2 * r}v{2 * r}h{-2 * r}z"
    if shape == "triangle":
        return f"M{x} {y - r - 1}L{x + r + 1} {y + r}H{x - r - 1}z"
    if shape == "diamond":
        return f"M{x} {y - r - 1}L{x + r + 1} {y}L{x} {y + r + 1}L{x - r - 1} {y}z"
    if shape == "cross":
        return f"M{x - r} {y - r}L{x + r} {y + r}M{x + r} {y - r}L{x - r} {y + r}"
    return f"M{x - r} {y}a{r} {r} 0 1 0 {2 * r} 0a{r} {r} 0 1 0 {-2 * r} 0z"


def _frange(start: float, stop: float, step: float) -> list[float]:
    count = int(round((stop - start) / step))
    return [start + i * step for i in range(count + 1)]


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")
