"""Summary statistics for ABC: each pattern of a case as numbers with the window it wants.

A pattern (``experiments.patterns``) says yes or no; ABC needs to know *how far* a run is from
it. Each kind of pattern is turned here into one or more :class:`Stat`: the number the pattern
compares (the month of the federal peak, the federal effort's fall as a share of its peak, the
coalition's size at T0+24, ...), the window ``[low, high]`` the pattern's numbers allow and a
scale (what one unit of distance is worth). A pattern holds when every one of its statistics
is inside its window (up to a strict inequality at a window's edge). Quantitative facts
(:class:`experiments.abc.options.Fact`) add statistics of the same form. The distance of a run
is then :func:`distance`: how far, in scale units, its statistics are outside their windows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from experiments import case_patterns as C
from experiments import patterns as P
from experiments.abc.options import Fact
from sim.dates import parse_month

INF = math.inf
MISSING = 10.0
"""Distance (in scale units) of a statistic the run cannot compute (e.g. no coalition)."""


@dataclass(frozen=True)
class Stat:
    """One summary statistic of a run and the window of values the case allows."""

    name: str
    value: float
    low: float
    high: float
    scale: float

    def excess(self) -> float:
        """How far ``value`` is outside ``[low, high]``, in scale units (0 inside)."""
        if not math.isfinite(self.value):
            return MISSING
        return max(0.0, self.low - self.value, self.value - self.high) / self.scale


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else math.nan


def federal_peak(c: P.FederalPeak, r: P.Run) -> list[Stat]:
    """The month of the federal momentum's maximum, in months from T0."""
    series = r.values("contribution_federal", c.over)
    first, last = c.peak_in.months(r.anchors)
    month = r.span(c.over)[0] + int(np.argmax(series)) if series.size else math.nan
    return [Stat("federal_peak_month", month - r.t0, first - r.t0, last - r.t0, 3.0)]


def federal_collapse(c: P.FederalCollapse, r: P.Run) -> list[Stat]:
    """The federal effort's low after T0 and its highest later, as shares of its pre-T0 peak."""
    peak = r.values("federal_effort", c.peak_over)
    top = peak.max() if peak.size else 0.0
    early, later = (
        r.values("federal_effort", c.falls_within),
        r.values("federal_effort", c.stays_within),
    )
    low = _ratio(early.min(), top) if early.size else math.nan
    high = _ratio(later.max(), top) if later.size else math.nan
    return [
        Stat("federal_effort_fall", low, 0.0, c.falls_to, 0.1),
        Stat("federal_effort_later", high, 0.0, c.stays_below, 0.1),
    ]


def total_resilience(c: P.TotalResilience, r: P.Run) -> list[Stat]:
    """Total momentum after ÷ before, and how much less it fell than federal momentum."""
    total = _ratio(r.at("momentum", c.after), r.at("momentum", c.before))
    federal = _ratio(r.at("contribution_federal", c.after), r.at("contribution_federal", c.before))
    return [
        Stat("total_momentum_ratio", total, c.min_ratio, INF, 0.1),
        Stat("total_minus_federal_ratio", total - federal, 0.0, INF, 0.1),
    ]


def coalition_growth(c: P.CoalitionGrowth, r: P.Run) -> list[Stat]:
    """The coalition's founding month and size, its size later and its growth after T0."""
    members = r.column("coalition_members")
    joined = np.flatnonzero(members > 0)
    a, b = c.founded_within.months(r.anchors)
    founded = r.start + int(joined[0]) - a if joined.size else math.nan
    founding = members[joined[0]] if joined.size else math.nan
    later = r.at("coalition_members", c.size_at)
    growth = later - r.at("coalition_members", c.growing_from)
    return [
        Stat("coalition_founded_month", founded, 0.0, b - a, 3.0),
        Stat("coalition_founding_size", founding, *c.founding_size, 2.0),
        Stat("coalition_size", later, *c.size, 3.0),
        Stat("coalition_growth_after_t0", growth, 1.0, INF, 5.0),
    ]


def nonstate_shift(c: P.NonstateShift, r: P.Run) -> list[Stat]:
    """The non-state share of momentum after T0 and its rise over the year before."""
    before, after = c.share(r, c.before), c.share(r, c.after)
    return [
        Stat("nonstate_share_after", after, c.min_share, INF, 0.05),
        Stat("nonstate_share_rise", after - before, c.min_rise, INF, 0.05),
    ]


def state_offices(c: P.StateOffices, r: P.Run) -> list[Stat]:
    """The longest-kept state office, the share of states ever with one, offices opened after T0."""
    n_states = int(r.summary.get("agents_by_type", {}).get("State", 0))
    active = r.values("states_with_ai_office", c.within) >= 1
    ever = r.values("states_ever_ai_office", c.within)
    share = ever[-1] / n_states if ever.size and n_states > 0 else math.nan
    stats = [
        Stat("state_office_months", float(P.longest_run(active)), c.min_months, INF, 6.0),
        Stat("states_ever_share", share, 0.0, c.max_share_ever, 0.05),
    ]
    if c.opens_after:
        opened = r.added("states_ever_ai_office", c.within)
        stats.append(Stat("states_opening_after_t0", opened, 1.0, INF, 1.0))
    return stats


def senate_venue_shift(c: P.SenateVenueShift, r: P.Run) -> list[Stat]:
    """Bills after T0, the bill rate after minus the wanted multiple of before, months of law."""
    before, after, bills = c.rates(r)
    law = float(r.values("law_in_force", c.no_law_within).sum())
    return [
        Stat("senate_bills_after_t0", bills, c.min_bills, INF, 1.0),
        Stat("senate_rate_excess", after - c.min_ratio * before, 0.0, INF, 0.1),
        Stat("law_months", law, 0.0, 0.0, 1.0),
    ]


def dpa_guidance(c: P.DpaGuidance, r: P.Run) -> list[Stat]:
    """Guidance documents the DPA issues in the window (to its abolition)."""
    issued = r.added("dpa_guidance", c.within)
    active = r.values("dpa_active", c.within)
    if active.size and not active.all():
        first, _ = r.span(c.within)
        last = first + int(np.argmin(active)) - 1
        issued = (
            r.at("dpa_guidance", last) - r.at("dpa_guidance", first - 1) if last >= first else 0
        )
    return [Stat("dpa_guidance_documents", float(issued), c.min_documents, INF, 1.0)]


def international(c: P.InternationalCommitments, r: P.Run) -> list[Stat]:
    """Commitments made in each window while the funding cut is on."""
    cut = r.summary.get("funding_cut_start")
    made: list[int] = []
    if cut is not None:
        on, off = parse_month(cut), r.summary.get("funding_cut_end")
        off = parse_month(off) if off else None
        made = [parse_month(x["date"]) for x in r.summary.get("international_commitments", [])]
        made = [m for m in made if m >= on and (off is None or m < off)]
    stats = []
    for i, window in enumerate(c.each_within, 1):
        a, b = window.months(r.anchors)
        count = float(sum(a <= m <= b for m in made))
        stats.append(Stat(f"international_commitments_{i}", count, 1.0, INF, 1.0))
    return stats


def federal_outcome(c: C.FederalOutcome, r: P.Run) -> list[Stat]:
    """The successor's mean federal effort as a share of the predecessor's."""
    kept = c.retention(r)
    low, high = (c.threshold, INF) if c.survives else (0.0, c.threshold)
    return [Stat("federal_retention", kept, low, high, 0.1)]


def relaunch(c: C.Relaunch, r: P.Run) -> list[Stat]:
    """Re-launches in the window (one or more wanted, or none)."""
    count = r.added("relaunches", c.within)
    low, high = (1.0, INF) if c.expected else (0.0, 0.0)
    return [Stat("relaunches", count, low, high, 1.0)]


STATISTICS: dict[type[P.Check], Callable[..., list[Stat]]] = {
    P.FederalPeak: federal_peak,
    P.FederalCollapse: federal_collapse,
    P.TotalResilience: total_resilience,
    P.CoalitionGrowth: coalition_growth,
    P.NonstateShift: nonstate_shift,
    P.StateOffices: state_offices,
    P.SenateVenueShift: senate_venue_shift,
    P.DpaGuidance: dpa_guidance,
    P.InternationalCommitments: international,
    C.FederalOutcome: federal_outcome,
    C.Relaunch: relaunch,
}
"""The kinds of pattern a calibration can read, with their statistics."""


def fact(f: Fact, r: P.Run) -> Stat:
    """A fact's statistic: the column's growth over its window, or its value at its month."""
    value = r.added(f.column, f.added) if f.added is not None else r.at(f.column, f.at)
    return Stat(f.name, float(value), f.low, f.high, f.scale)


def statistics(r: P.Run, spec_patterns: Sequence[P.Pattern], facts: Sequence[Fact]) -> list[Stat]:
    """Every statistic of one run: each pattern's, then each fact's."""
    out = [s for p in spec_patterns for s in STATISTICS[type(p.check)](p.check, r)]
    return out + [fact(f, r) for f in facts]


def distance(stats: Sequence[Stat]) -> float:
    """The run's distance to the case: √(Σ excess²) over its statistics (0: all in windows)."""
    return math.sqrt(sum(s.excess() ** 2 for s in stats))


def unsupported(spec_patterns: Sequence[P.Pattern]) -> list[str]:
    """The patterns whose kind has no statistics here (a calibration refuses them)."""
    return [p.name for p in spec_patterns if type(p.check) not in STATISTICS]
