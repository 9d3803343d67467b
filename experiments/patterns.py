"""The kinds of pattern a case can be validated against, as checks on one run's outputs.

Each check reads only the run's tidy monthly table and its summary (never the model), so patterns
can be re-evaluated on stored results. Every number and window of a check comes from the case's
pattern spec (``conf/patterns/CASE.yaml``, loaded by :mod:`experiments.pattern_spec`); windows
are relative to the run's T0 (``summary["reference_date"]``: the first turnover at or after the
launch, or ``scenario.reference_date`` in a run without one) or to the strategy's launch
(``summary["launch_date"]``, else the config's ``scenario.strategy_launch``). Windows are clipped
to the run; ``continuity validate`` refuses a horizon that does not cover them. The patterns in
plain words and their sources: docs/validation.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from experiments.pattern_windows import Anchors, Point, Window
from sim.dates import parse_month

if TYPE_CHECKING:  # pragma: no cover
    from experiments.pattern_spec import PatternSpec

NONSTATE = ("contribution_coalitions", "contribution_companies", "contribution_organizations")
"""The non-state contributions to momentum (pattern ``nonstate_shift``)."""

Range = tuple[float, float]
"""An inclusive ``[low, high]`` range."""


class Run:
    """One run's outputs, read through windows relative to its T0 and launch."""

    def __init__(
        self, timeseries: pd.DataFrame, summary: dict[str, Any], launch: str | None = None
    ):
        """Index one run.

        Args:
            timeseries: The run's monthly table (``date`` column ``YYYY-MM``).
            summary: The run's summary (``reference_date`` is T0).
            launch: The strategy's launch (``YYYY-MM``) when the summary has no ``launch_date``.

        """
        self.ts = timeseries
        self.summary = summary
        first, last = timeseries["date"].iloc[0], timeseries["date"].iloc[-1]
        self.start, self.end = parse_month(first), parse_month(last)
        launch = summary.get("launch_date") or launch
        self.anchors = Anchors(
            t0=parse_month(summary["reference_date"]),
            launch=None if launch is None else parse_month(launch),
            # the strategy's first month (before it the run is dormant), else the run's first
            start=max(self.start, parse_month(summary.get("strategy_start") or first)),
            end=self.end,
        )
        self.t0 = self.anchors.t0

    def month(self, point: Point) -> int:
        """The absolute month number of ``point`` in this run (not clipped)."""
        return point.month(self.anchors)

    def span(self, window: Window) -> tuple[int, int]:
        """``(first, last)`` month numbers of ``window`` clipped to the run."""
        a, b = window.months(self.anchors)
        return max(a, self.start), min(b, self.end)

    def covers(self, window: Window) -> bool:
        """Whether the run covers every month of ``window``."""
        a, b = window.months(self.anchors)
        return self.start <= a and b <= self.end

    def column(self, name: str) -> np.ndarray:
        """The whole monthly column ``name`` as floats."""
        return self.ts[name].to_numpy(dtype=float)

    def at(self, name: str, month: int | Point) -> float:
        """Value of ``name`` in ``month`` (a month number or a point), clipped to the run."""
        m = self.month(month) if isinstance(month, Point) else int(month)
        return float(self.column(name)[int(np.clip(m - self.start, 0, self.end - self.start))])

    def values(self, name: str, window: Window) -> np.ndarray:
        """Values of ``name`` over ``window`` (clipped to the run; empty if outside it)."""
        a, b = self.span(window)
        return self.column(name)[a - self.start : b - self.start + 1] if a <= b else np.empty(0)

    def added(self, name: str, window: Window) -> float:
        """How much the cumulative column ``name`` grew over ``window`` (clipped to the run)."""
        a, b = self.span(window)
        if a > b:
            return 0.0
        before = self.at(name, a - 1) if a > self.start else 0.0
        return self.at(name, b) - before


def longest_run(flags: np.ndarray) -> int:
    """Length of the longest run of consecutive ``True`` values."""
    best = current = 0
    for flag in flags:
        current = current + 1 if flag else 0
        best = max(best, current)
    return best


def _pct(share: float) -> str:
    return f"{100 * share:g} %"


@dataclass(frozen=True)
class Check:
    """A kind of pattern: its parameters (the fields) and its check on one run."""

    kind: ClassVar[str]

    def holds(self, r: Run) -> bool:  # pragma: no cover - every kind overrides it
        """Whether the pattern holds in the run."""
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover - every kind overrides it
        """The pattern in one line, with its numbers and windows."""
        raise NotImplementedError


@dataclass(frozen=True)
class FederalPeak(Check):
    """Federal momentum (``contribution_federal``) over ``over`` peaks inside ``peak_in``."""

    kind: ClassVar[str] = "federal_peak"
    peak_in: Window
    over: Window

    def holds(self, r: Run) -> bool:
        """The month of the maximum over ``over`` lies in ``peak_in``."""
        series = r.values("contribution_federal", self.over)
        if series.size == 0:
            return False
        peak = r.span(self.over)[0] + int(np.argmax(series))
        first, last = self.peak_in.months(r.anchors)
        return bool(first <= peak <= last)

    def describe(self) -> str:
        """One line."""
        return f"federal momentum peaks in {self.peak_in} (maximum over {self.over})"


@dataclass(frozen=True)
class FederalCollapse(Check):
    """Federal effort collapses after T0 and stays low."""

    kind: ClassVar[str] = "federal_effort_collapse"
    peak_over: Window
    falls_within: Window
    falls_to: float
    stays_within: Window
    stays_below: float

    def holds(self, r: Run) -> bool:
        """The effort falls to ``falls_to`` × P and stays below ``stays_below`` × P.

        Min over ``falls_within`` ≤ ``falls_to`` × P and max over ``stays_within`` <
        ``stays_below`` × P, where P is the maximum of ``federal_effort`` over ``peak_over`` (the pre-T0 peak).
        """
        peak = r.values("federal_effort", self.peak_over)
        early = r.values("federal_effort", self.falls_within)
        later = r.values("federal_effort", self.stays_within)
        if peak.size == 0 or early.size == 0 or later.size == 0 or peak.max() <= 0:
            return False
        top = peak.max()
        return bool(early.min() <= self.falls_to * top and later.max() < self.stays_below * top)

    def describe(self) -> str:
        """One line."""
        return (
            f"federal effort ≤ {_pct(self.falls_to)} of its peak ({self.peak_over}) within "
            f"{self.falls_within}, < {_pct(self.stays_below)} over {self.stays_within}"
        )


@dataclass(frozen=True)
class TotalResilience(Check):
    """Total momentum keeps a share of its pre-T0 level and falls less than federal momentum."""

    kind: ClassVar[str] = "total_resilience"
    before: Point
    after: Point
    min_ratio: float

    def holds(self, r: Run) -> bool:
        """M(after)/M(before) ≥ ``min_ratio`` and > the same ratio of federal momentum."""
        total0, fed0 = r.at("momentum", self.before), r.at("contribution_federal", self.before)
        if total0 <= 0 or fed0 <= 0:
            return False
        total = r.at("momentum", self.after) / total0
        federal = r.at("contribution_federal", self.after) / fed0
        return bool(total >= self.min_ratio and total > federal)

    def describe(self) -> str:
        """One line."""
        return (
            f"total momentum at {self.after} ≥ {_pct(self.min_ratio)} of {self.before} "
            "and falls less than federal momentum"
        )


@dataclass(frozen=True)
class CoalitionGrowth(Check):
    """The coalition is founded small and grows to a size range, still growing after T0."""

    kind: ClassVar[str] = "coalition_growth"
    founded_within: Window
    founding_size: Range
    size_at: Point
    size: Range
    growing_from: Point

    def holds(self, r: Run) -> bool:
        """Founded small in its window, in the size range later, and growing.

        First membership in ``founded_within`` with ``founding_size`` members; ``size`` at
        ``size_at``; more members at ``size_at`` than at ``growing_from``.
        """
        members = r.column("coalition_members")
        joined = np.flatnonzero(members > 0)
        if joined.size == 0:
            return False
        first_month = r.start + int(joined[0])
        a, b = self.founded_within.months(r.anchors)
        founding = a <= first_month <= b
        founding &= self.founding_size[0] <= members[joined[0]] <= self.founding_size[1]
        later = r.at("coalition_members", self.size_at)
        grows = later > r.at("coalition_members", self.growing_from)
        return bool(founding and self.size[0] <= later <= self.size[1] and grows)

    def describe(self) -> str:
        """One line."""
        lo, hi = self.founding_size
        return (
            f"coalition founded in {self.founded_within} with {lo:g}–{hi:g} members, "
            f"{self.size[0]:g}–{self.size[1]:g} at {self.size_at}, more than at {self.growing_from}"
        )


@dataclass(frozen=True)
class NonstateShift(Check):
    """Momentum shifts to non-state actors after T0."""

    kind: ClassVar[str] = "nonstate_shift"
    before: Window
    after: Window
    min_rise: float
    min_share: float

    def share(self, r: Run, window: Window) -> float:
        """Mean over ``window`` of the monthly non-state share of momentum (NaN if none)."""
        total = r.values("momentum", window)
        nonstate = sum(r.values(c, window) for c in NONSTATE)
        ok = total > 0
        return float(np.mean(nonstate[ok] / total[ok])) if ok.any() else float("nan")

    def holds(self, r: Run) -> bool:
        """Share over ``after`` − share over ``before`` ≥ ``min_rise``; share after > ``min_share``."""
        before, after = self.share(r, self.before), self.share(r, self.after)
        if not (np.isfinite(before) and np.isfinite(after)):
            return False
        return bool(after - before >= self.min_rise - 1e-12 and after > self.min_share)

    def describe(self) -> str:
        """One line."""
        return (
            f"non-state share of momentum over {self.after} > {_pct(self.min_share)} and "
            f"≥ {100 * self.min_rise:g} points above {self.before}"
        )


@dataclass(frozen=True)
class StateOffices(Check):
    """Some states take up the strategy after T0; most do not."""

    kind: ClassVar[str] = "state_offices"
    within: Window
    min_months: int
    max_share_ever: float
    opens_after: bool

    def holds(self, r: Run) -> bool:
        """Some office lasts, few states ever open one (and one opens after T0).

        ≥ 1 office active ``min_months`` consecutive months in ``within``; the states that ever
        opened one by its end are fewer than ``max_share_ever`` of all; with ``opens_after``, at
        least one state opens its first office within ``within``.
        """
        n_states = int(r.summary.get("agents_by_type", {}).get("State", 0))
        active = r.values("states_with_ai_office", self.within) >= 1
        ever = r.values("states_ever_ai_office", self.within)
        if n_states <= 0 or ever.size == 0:
            return False
        opened = r.added("states_ever_ai_office", self.within) >= 1 if self.opens_after else True
        few = ever[-1] < self.max_share_ever * n_states
        return bool(longest_run(active) >= self.min_months and few and opened)

    def describe(self) -> str:
        """One line."""
        new = "a state opens an office and " if self.opens_after else "≥ 1 state "
        return (
            f"{new}keeps one ≥ {self.min_months} months in {self.within}; fewer than "
            f"{100 * self.max_share_ever:.0f} % of states ever open one"
        )


@dataclass(frozen=True)
class SenateVenueShift(Check):
    """The Senate takes up the strategy after T0, but passes no law."""

    kind: ClassVar[str] = "senate_venue_shift"
    before: Window
    after: Window
    min_ratio: float
    min_bills: int
    no_law_within: Window

    def rates(self, r: Run) -> tuple[float, float, float]:
        """Bills per month over ``before`` and ``after``, and the bills over ``after``."""
        rates = []
        for window in (self.before, self.after):
            a, b = r.span(window)
            rates.append(r.added("bills_introduced", window) / max(1, b - a + 1))
        return rates[0], rates[1], r.added("bills_introduced", self.after)

    def holds(self, r: Run) -> bool:
        """More bills per month after than before, and no law.

        Rate after ≥ ``min_ratio`` × rate before, ≥ ``min_bills`` bills after, no law in force
        in ``no_law_within``.
        """
        before, after, bills = self.rates(r)
        no_law = not r.values("law_in_force", self.no_law_within).any()
        return bool(bills >= self.min_bills and after >= self.min_ratio * before and no_law)

    def describe(self) -> str:
        """One line."""
        return (
            f"Senate bills per month over {self.after} ≥ {self.min_ratio:g} × over {self.before} "
            f"(≥ {self.min_bills} bill), no AI law in {self.no_law_within}"
        )


@dataclass(frozen=True)
class DpaGuidance(Check):
    """The data-protection authority keeps issuing AI guidance after T0."""

    kind: ClassVar[str] = "dpa_guidance"
    within: Window
    min_documents: int

    def holds(self, r: Run) -> bool:
        """≥ ``min_documents`` guidance documents over ``within``, or to the DPA's abolition."""
        active = r.values("dpa_active", self.within)
        if active.size == 0:
            return False
        first, last = r.span(self.within)
        if not active.all():
            last = first + int(np.argmin(active)) - 1
        if last < first:
            return False
        issued = r.at("dpa_guidance", last) - (
            r.at("dpa_guidance", first - 1) if first > r.start else 0.0
        )
        return bool(issued >= self.min_documents)

    def describe(self) -> str:
        """One line."""
        return f"the DPA issues ≥ {self.min_documents} AI guidance documents in {self.within}"


@dataclass(frozen=True)
class InternationalCommitments(Check):
    """International commitments are made while the domestic cut is in force."""

    kind: ClassVar[str] = "international_commitments"
    each_within: tuple[Window, ...]

    def holds(self, r: Run) -> bool:
        """In each window of ``each_within``, ≥ 1 commitment made while the funding cut is on.

        The cut is on from ``summary["funding_cut_start"]`` (no cut: the pattern fails) to
        ``summary["funding_cut_end"]`` where the summary has it.
        """
        cut = r.summary.get("funding_cut_start")
        if cut is None:
            return False
        on, off = parse_month(cut), r.summary.get("funding_cut_end")
        off = parse_month(off) if off else None
        made = [parse_month(c["date"]) for c in r.summary.get("international_commitments", [])]
        made = [m for m in made if m >= on and (off is None or m < off)]
        for window in self.each_within:
            a, b = window.months(r.anchors)
            if not any(a <= m <= b for m in made):
                return False
        return True

    def describe(self) -> str:
        """One line."""
        windows = " and ".join(map(str, self.each_within))
        return f"international commitments in each of {windows}, while the funding cut is on"


KINDS: dict[str, type[Check]] = {
    k.kind: k
    for k in (
        FederalPeak,
        FederalCollapse,
        TotalResilience,
        CoalitionGrowth,
        NonstateShift,
        StateOffices,
        SenateVenueShift,
        DpaGuidance,
        InternationalCommitments,
    )
}
"""The Mexico kinds of pattern, by name (:data:`experiments.case_patterns.ALL_KINDS` adds the
cross-case ones: what a spec may use)."""


@dataclass(frozen=True)
class Pattern:
    """One pattern of a case: its number, name, cause, source and check.

    Attributes:
        number: Its position in the spec (1-based).
        name: The spec's key (also the kind of check).
        turnover_caused: Whether the turnover (and its cut) is the pattern's cause: the negative
            control (the scenario without them) must then fail it.
        source: Where the case fact comes from (the spec's citation).
        check: The check with the spec's numbers and windows.

    """

    number: int
    name: str
    turnover_caused: bool
    source: str
    check: Check

    @property
    def text(self) -> str:
        """The pattern in one line, with its numbers and windows."""
        return self.check.describe()

    def holds(self, r: Run) -> bool:
        """Whether the pattern holds in the run."""
        return bool(self.check.holds(r))


def evaluate(
    timeseries: pd.DataFrame,
    summary: dict[str, Any],
    spec: PatternSpec,
    launch: str | None = None,
) -> dict[str, bool]:
    """Which patterns of ``spec`` hold in one run: ``{pattern name: held}`` in spec order.

    Args:
        timeseries: The run's monthly table.
        summary: The run's summary.
        spec: The case's patterns.
        launch: The strategy's launch (``YYYY-MM``), used when the summary has no
            ``launch_date`` (pass the config's ``scenario.strategy_launch``).

    """
    run = Run(timeseries, summary, launch)
    return {p.name: p.holds(run) for p in spec.patterns}
