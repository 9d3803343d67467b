"""Months and windows of the pattern specs, relative to a run's turnover, launch or horizon.

A *point* is an anchor with an optional month offset: ``T0`` (the run's reference turnover,
``summary["reference_date"]``), ``launch`` (the strategy's launch), ``start`` (the strategy's
first month, ``summary["strategy_start"]``, else the run's first month), ``end`` (the run's last
month), or a calendar month ``YYYY-MM`` (for patterns that are not about the
turnover). Examples: ``T0``, ``T0-1``, ``T0+24``, ``launch-2``, ``end``, ``2024-12``.

A *window* is ``POINT..POINT``, both ends included (``T0+1..T0+24``), or a single point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sim.dates import format_month, parse_month

ANCHORS = ("T0", "launch", "start", "end")
"""The named anchors a point may use."""

_POINT = re.compile(r"^\s*(T0|launch|start|end|\d{4}-\d{2})\s*(?:([+-])\s*(\d+))?\s*$")

EXAMPLE = "e.g. 'T0+1..T0+24' or 'T0-1'; anchors T0, launch, start, end or a YYYY-MM month"


@dataclass(frozen=True)
class Anchors:
    """The absolute month numbers (:mod:`sim.dates`) the anchors stand for in one run."""

    t0: int
    launch: int | None
    start: int
    end: int

    def month(self, anchor: str) -> int:
        """The month number of ``anchor`` (a name of :data:`ANCHORS` or ``YYYY-MM``).

        Raises:
            ValueError: ``launch`` is used but the run's launch is unknown.

        """
        if anchor == "T0":
            return self.t0
        if anchor == "launch":
            if self.launch is None:
                raise ValueError("the run's launch date is unknown (no summary launch_date)")
            return self.launch
        if anchor == "start":
            return self.start
        if anchor == "end":
            return self.end
        return parse_month(anchor)


@dataclass(frozen=True)
class Point:
    """An anchor plus a month offset, e.g. ``T0+24``."""

    anchor: str
    offset: int = 0

    def month(self, anchors: Anchors) -> int:
        """The absolute month number in a run with these anchors."""
        return anchors.month(self.anchor) + self.offset

    def __str__(self) -> str:
        if self.offset == 0:
            return self.anchor
        return f"{self.anchor}{'+' if self.offset > 0 else '−'}{abs(self.offset)}"


@dataclass(frozen=True)
class Window:
    """A closed window of months ``first..last``."""

    first: Point
    last: Point

    def months(self, anchors: Anchors) -> tuple[int, int]:
        """``(first, last)`` absolute month numbers (not clipped to the run)."""
        return self.first.month(anchors), self.last.month(anchors)

    @property
    def fixed(self) -> bool:
        """Whether both ends are calendar months (the window does not move with T0)."""
        return all(p.anchor not in ANCHORS for p in (self.first, self.last))

    def dates(self, anchors: Anchors) -> str:
        """``YYYY-MM..YYYY-MM`` in a run with these anchors."""
        a, b = self.months(anchors)
        return f"{format_month(a)}..{format_month(b)}"

    def __str__(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}..{self.last}"


def parse_point(text: str) -> Point:
    """Read ``T0+24``, ``launch-2``, ``end`` or ``2024-12`` into a :class:`Point`.

    Raises:
        ValueError: The text is not a point.

    """
    match = _POINT.match(str(text))
    if not match:
        raise ValueError(text)
    anchor, sign, number = match.groups()
    if anchor not in ANCHORS:
        parse_month(anchor)  # a calendar month must be a real one
    offset = int(number or 0) * (-1 if sign == "-" else 1)
    return Point(anchor, offset)


def parse_window(text: object) -> Window:
    """Read ``POINT..POINT`` (or one ``POINT``) into a :class:`Window`.

    Raises:
        ValueError: The text is not a window, or its end comes before its start wherever the
            two ends share an anchor.

    """
    if not isinstance(text, str):
        raise ValueError(text)
    first, sep, last = text.partition("..")
    window = Window(parse_point(first), parse_point(last if sep else first))
    a, b = window.first, window.last
    if a.anchor == b.anchor and b.offset < a.offset:
        raise ValueError(text)
    if window.fixed and parse_month(b.anchor) + b.offset < parse_month(a.anchor) + a.offset:
        raise ValueError(text)
    return window
