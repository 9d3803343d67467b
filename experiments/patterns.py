"""The nine patterns of the Mexico case (BRIEF §4), as checks on one run's outputs.

Each check reads only the run's tidy monthly table and its summary (never the
model), so patterns can be re-evaluated on stored results. T0 is the run's
``summary["reference_date"]`` (the first turnover after the launch: 2018-12 in
the Mexico scenario). Calendar windows ("by end-2020", "by 2024") are the
BRIEF's; windows "after T0" move with the turnover. The operational
definitions are listed in docs/calibration.md (Targets).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.dates import parse_month

NONSTATE = ("contribution_coalitions", "contribution_companies", "contribution_organizations")
END_2020 = "2020-12"
END_2024 = "2024-12"
FROM_2019 = "2019-01"


@dataclass(frozen=True)
class Pattern:
    """One pattern: its number, short name, the BRIEF's wording and its check."""

    number: int
    name: str
    text: str
    check: Callable[[Run], bool]


class Run:
    """One run's outputs, indexed by calendar month for the checks."""

    def __init__(self, timeseries: pd.DataFrame, summary: dict[str, Any]):
        self.ts = timeseries
        self.summary = summary
        self.months = np.array([parse_month(d) for d in timeseries["date"]])
        self.start = int(self.months[0])
        self.t0 = parse_month(summary["reference_date"])

    def at(self, column: str, month: int | str) -> float:
        """Value of ``column`` in ``month`` (a month number or ``YYYY-MM``); clipped to the run."""
        return float(self.ts[column].to_numpy()[self._pos(month)])

    def window(self, column: str, first: int | str, last: int | str) -> np.ndarray:
        """Values of ``column`` from ``first`` to ``last`` inclusive (clipped to the run)."""
        a, b = self._pos(first), self._pos(last)
        return self.ts[column].to_numpy()[a : b + 1]

    def _pos(self, month: int | str) -> int:
        m = parse_month(month) if isinstance(month, str) else int(month)
        return int(np.clip(m - self.start, 0, len(self.months) - 1))


def federal_peak(r: Run) -> bool:
    """1. Federal momentum (``contribution_federal``) over 2017–2024 peaks in T0−12 … T0−1."""
    series = r.window("contribution_federal", r.start, END_2024)
    peak = r.start + int(np.argmax(series))
    return r.t0 - 12 <= peak <= r.t0 - 1


def federal_effort_collapse(r: Run) -> bool:
    """2. Federal effort ≤ 30 % of its pre-T0 peak within T0 … T0+5, and < 50 % over T0 … T0+35."""
    peak = r.window("federal_effort", r.start, r.t0 - 1).max()
    if peak <= 0:
        return False
    early = r.window("federal_effort", r.t0, r.t0 + 5).min() <= 0.3 * peak
    stays = r.window("federal_effort", r.t0, r.t0 + 35).max() < 0.5 * peak
    return bool(early and stays)


def total_resilience(r: Run) -> bool:
    """3. M(T0+24)/M(T0−1) ≥ 0.4 and larger than the same ratio for federal momentum."""
    before, before_fed = r.at("momentum", r.t0 - 1), r.at("contribution_federal", r.t0 - 1)
    if before <= 0 or before_fed <= 0:
        return False
    total = r.at("momentum", r.t0 + 24) / before
    federal = r.at("contribution_federal", r.t0 + 24) / before_fed
    return bool(total >= 0.4 and total > federal)


def coalition_growth(r: Run) -> bool:
    """4. First membership (in 2018) 8–15; 100–130 members in 2020-12; more than at T0."""
    members = r.window("coalition_members", r.start, END_2024)
    joined = np.flatnonzero(members > 0)
    if joined.size == 0:
        return False
    first_month = r.start + int(joined[0])
    founding = parse_month("2018-01") <= first_month <= parse_month("2018-12")
    founding &= 8 <= members[joined[0]] <= 15
    end_2020 = r.at("coalition_members", END_2020)
    return bool(founding and 100 <= end_2020 <= 130 and end_2020 > r.at("coalition_members", r.t0))


def nonstate_majority(r: Run) -> bool:
    """5. Coalitions + companies + organisations carry > 50 % of momentum every month 2019–2024."""
    total = r.window("momentum", FROM_2019, END_2024)
    nonstate = sum(r.window(c, FROM_2019, END_2024) for c in NONSTATE)
    return bool(np.all(nonstate > 0.5 * total))


def state_offices(r: Run) -> bool:
    """6. Offices active ≥ 24 consecutive months in 2019–2024; < 1/3 of states ever opened one."""
    n_states = int(r.summary.get("agents_by_type", {}).get("State", 32))
    active = r.window("states_with_ai_office", FROM_2019, END_2024) >= 1
    ever = r.at("states_ever_ai_office", END_2024)
    return bool(longest_run(active) >= 24 and 3 * ever < n_states)


def longest_run(flags: np.ndarray) -> int:
    """Length of the longest run of consecutive ``True`` values."""
    best = current = 0
    for flag in flags:
        current = current + 1 if flag else 0
        best = max(best, current)
    return best


def senate_without_law(r: Run) -> bool:
    """7. Bills per month after T0 (to 2024-12) exceed those before T0, ≥ 1 bill; no law by 2024."""
    bills = r.window("bills_introduced", r.start, END_2024)
    t0 = r.t0 - r.start
    before = bills[t0 - 1] / t0 if t0 > 0 else 0.0
    after_count = bills[-1] - (bills[t0 - 1] if t0 > 0 else 0)
    after = after_count / max(1, len(bills) - t0)
    no_law = not r.window("law_in_force", r.start, END_2024).any()
    return bool(after_count >= 1 and after > before and no_law)


def dpa_keeps_guiding(r: Run) -> bool:
    """8. ≥ 2 AI guidance documents from T0 to 2024-12 (or to the DPA's abolition if earlier)."""
    active = r.window("dpa_active", r.t0, END_2024)
    last = r.t0 + (int(np.argmin(active)) - 1 if not active.all() else len(active) - 1)
    if last < r.t0:
        return False
    issued = r.at("dpa_guidance", last) - r.at("dpa_guidance", r.t0 - 1)
    return bool(issued >= 2)


def international_despite_cut(r: Run) -> bool:
    """9. Commitments made in 2019 and in 2020, while the funding cut was in force."""
    cut = r.summary.get("funding_cut_start")
    if cut is None:
        return False
    dates = [c["date"] for c in r.summary.get("international_commitments", [])]
    years = {d[:4] for d in dates if d >= cut}
    return {"2019", "2020"} <= years


PATTERNS: tuple[Pattern, ...] = (
    Pattern(1, "federal_peak", "federal momentum peaks in the 12 months before T0", federal_peak),
    Pattern(
        2,
        "federal_effort_collapse",
        "federal effort ≤ 30 % of peak within 6 months of T0, < 50 % for ≥ 36 months",
        federal_effort_collapse,
    ),
    Pattern(
        3,
        "total_resilience",
        "total momentum falls less than federal, ≥ 40 % of pre-T0 level at T0 + 24",
        total_resilience,
    ),
    Pattern(
        4,
        "coalition_growth",
        "coalition grows from about 10 (2018) to 100–130 by end-2020, growing after T0",
        coalition_growth,
    ),
    Pattern(
        5,
        "nonstate_majority",
        "non-state actors carry most momentum from 2019 on",
        nonstate_majority,
    ),
    Pattern(
        6,
        "state_offices",
        "≥ 1 state keeps an AI office; fewer than a third open one by 2024",
        state_offices,
    ),
    Pattern(
        7,
        "senate_without_law",
        "Senate activity rises but no AI law passes by 2024",
        senate_without_law,
    ),
    Pattern(8, "dpa_guidance", "the DPA keeps issuing AI guidance after T0", dpa_keeps_guiding),
    Pattern(
        9,
        "international_commitments",
        "international commitments (2019, 2020) happen despite the domestic cut",
        international_despite_cut,
    ),
)
"""The nine patterns, in the BRIEF's order."""


def evaluate(timeseries: pd.DataFrame, summary: dict[str, Any]) -> dict[str, bool]:
    """Which patterns hold in one run: ``{pattern name: held}`` in :data:`PATTERNS` order."""
    run = Run(timeseries, summary)
    return {p.name: bool(p.check(run)) for p in PATTERNS}
