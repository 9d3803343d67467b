"""Shocks in calendar time: turnovers, funding-cut windows, abolitions, elections.

The schedule turns the ``shocks`` config into month numbers once, before the
run. Stochastic turnover is drawn month by month from the model's RNG, and a cut
that starts ``with_turnover`` opens when the first turnover after the strategy's
launch happens, wherever that is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.config import Config, first_turnover, focus_month
from sim.dates import parse_month, resolve_when


@dataclass
class Schedule:
    """Month numbers (absolute, see :mod:`sim.dates`) of every scheduled shock."""

    start: int
    end: int
    launch: int
    focus: int
    active_from: int
    first_turnover: int
    turnover_mode: str
    turnover_months: set[int]
    turnover_hazard: float
    cut_size: float
    cut_budgets: tuple[str, ...]
    cut_with_turnover: bool
    cut_start: int | None
    cut_duration: int | None
    dpa_abolition: int | None
    law_enacted: int | None
    offices_abolition: int | None
    senate_elections: set[int]
    state_cycle: int
    opportunities: dict[int, list[str]] = field(default_factory=dict)
    tactic_starts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_config(cls, cfg: Config) -> Schedule:
        """Build the schedule of a validated config."""
        sc, sh = cfg.scenario, cfg.shocks
        start, end = parse_month(sc.start), parse_month(sc.end)
        t = sh.turnover
        if t.mode == "dates":
            turnovers = {parse_month(d) for d in t.dates}
        elif t.mode == "term":
            turnovers = set(range(parse_month(t.first), end + 1, t.term_months))
        else:
            turnovers = set()
        cut = sh.funding_cut
        launch = parse_month(sc.strategy_launch)
        turnover = first_turnover(cfg)
        turnover = launch if turnover is None else turnover
        active_from = parse_month(sc.strategy_start or sc.strategy_launch)
        opportunities: dict[int, list[str]] = {}
        for e in sc.international_opportunities:  # one older than the strategy: taken at its start
            month = max(parse_month(e.date), active_from)
            opportunities.setdefault(month, []).append(e.name)
        return cls(
            start=start,
            end=end,
            launch=launch,
            focus=focus_month(cfg),
            active_from=active_from,
            first_turnover=turnover,
            turnover_mode=t.mode,
            turnover_months=turnovers,
            turnover_hazard=t.hazard,
            cut_size=cut.size,
            cut_budgets=tuple(cut.budgets),
            cut_with_turnover=cut.start == "with_turnover",
            cut_start=None if cut.start == "with_turnover" else parse_month(cut.start),
            cut_duration=cut.duration_months,
            dpa_abolition=_not_before(_month_or_none(sh.abolition.dpa), active_from),
            law_enacted=_not_before(
                None if sc.law_enacted is None else resolve_when(sc.law_enacted, launch, turnover),
                active_from,
            ),
            offices_abolition=_not_before(_month_or_none(sh.abolition.ai_offices), active_from),
            senate_elections={parse_month(d) for d in sh.elections.senate},
            state_cycle=sh.elections.state_cycle_months,
            opportunities=opportunities,
            tactic_starts={
                name: resolve_when(getattr(cfg.tactics, name).start, launch, turnover)
                for name in cfg.tactics.enabled()
            },
        )

    def is_turnover(self, month: int, rng: np.random.Generator) -> bool:
        """Whether the administration changes at ``month`` (draws for stochastic mode)."""
        if self.turnover_mode == "stochastic":
            return month > self.start and bool(rng.random() < self.turnover_hazard)
        return month in self.turnover_months and month > self.start

    def open_cut_at(self, month: int) -> None:
        """A cut that comes ``with_turnover`` starts now (first turnover after the focus month).

        The focus month is the launch, or ``scenario.present`` if later.
        """
        if self.cut_with_turnover and self.cut_start is None and month >= self.focus:
            self.cut_start = month

    def cut_fraction(self, month: int, budget: str) -> float:
        """Fraction of ``budget`` cut at ``month`` (0 when no cut is active)."""
        if self.cut_start is None or budget not in self.cut_budgets or month < self.cut_start:
            return 0.0
        if self.cut_duration is not None and month >= self.cut_start + self.cut_duration:
            return 0.0
        return self.cut_size


def _not_before(month: int | None, first: int) -> int | None:
    """A dated event before the strategy begins happens in its first month.

    The model is dormant before it (``ContinuityModel.step``).
    """
    return None if month is None else max(month, first)


def _month_or_none(value: str | None) -> int | None:
    return None if value is None else parse_month(value)
