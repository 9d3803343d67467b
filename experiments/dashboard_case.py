"""Which case a dashboard shows: ``?case=NAME`` in the page's address, and that case's facts.

Mexico (the default) keeps the dashboard's hand-written controls; any other case
(docs/cases.md) gets its controls from its own configuration: the change-of-government dates
around its first turnover, its funding cut, whether it has a coalition.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import panel as pn

from sim.cases import DEFAULT_CASE, available_cases
from sim.dates import format_month, parse_month

SHIFTS = (-12, -6, 0, 6, 12, 24)
"""The turnover control offers the case's first change of government moved by these months."""


@dataclass(frozen=True)
class CaseFacts:
    """What the dashboard needs to know about a case (from its composed configuration)."""

    name: str
    country: str
    summary: str
    first_turnover: str
    later_turnovers: tuple[str, ...]
    cut_size: float
    has_coalition: bool
    choices: tuple[str, ...]
    defaults: dict[str, Any] = field(default_factory=dict)

    @property
    def baseline_label(self) -> str:
        """How the verdict names the baseline, e.g. "Chile's baseline (change of government …)"."""
        return (
            f"{self.country}'s baseline (change of government {self.first_turnover}, "
            f"{100 * self.cut_size:.0f} % cut)"
        )


@functools.lru_cache(maxsize=16)
def case_facts(case: str) -> CaseFacts:
    """The facts of ``case`` from ``load_config(["case=NAME"])`` (cached per process)."""
    from sim.api import load_config
    from sim.config import first_turnover

    cfg = load_config([f"case={case}"])
    first = first_turnover(cfg)
    start, end = parse_month(cfg.scenario.strategy_launch), parse_month(cfg.scenario.end)
    dates = sorted(parse_month(d) for d in cfg.shocks.turnover.dates)
    later = tuple(format_month(m) for m in dates if first is not None and m > first)
    first = first if first is not None else parse_month(cfg.scenario.reference_date)
    choices = tuple(format_month(first + s) for s in SHIFTS if start <= first + s <= end - 24)
    country = (cfg.case.title or case).split(":")[0].strip() or case.title()
    has_coalition = bool(cfg.scenario.coalitions) and cfg.scenario.coalitions_active
    defaults = {
        "turnover": format_month(first),
        "cut_size": round(float(cfg.shocks.funding_cut.size), 2),
        "cut_duration": int(cfg.shocks.funding_cut.duration_months or 0),
        "law_2018": False,
        "coalition": has_coalition,
        "tactics": [],
    }
    return CaseFacts(
        case,
        country,
        cfg.case.summary,
        format_month(first),
        later,
        float(cfg.shocks.funding_cut.size),
        has_coalition,
        choices,
        defaults,
    )


def initial_case() -> str:
    """The case a new page shows: ``?case=NAME`` in its address if it names a case, else Mexico."""
    args = getattr(pn.state, "session_args", None) or {}
    raw = args.get("case", [b""])[0]
    name = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)
    return name if name in available_cases() else DEFAULT_CASE


def case_selector(case: str) -> pn.widgets.Select:
    """A select of every case; choosing one opens the page again with ``?case=NAME``."""
    select = pn.widgets.Select(
        name="Case (country)", options=available_cases(), value=case, css_classes=["case"]
    )
    select.jscallback(value="window.location.search = '?case=' + cb_obj.value;")
    return select
