"""Continuity tactics: what the strategy's allies choose to do, as switchable levers.

Each tactic is a config section ``tactics.<name>`` (``conf/tactics/<name>.yaml``,
several at once: ``continuity run tactics=[law,diversified_funding]``). A tactic is
*active* from its ``start`` month if ``enabled``; while active it changes one
named mechanism of the model, never an outcome directly. Where each one acts:

================================  =================================================
tactic                            mechanism it changes
================================  =================================================
``law``                           Senate bills and passage (``Senate``); a law in
                                  force locks in ``params.law`` floors
``diversified_funding``           coalition funding: private and international
                                  sources (``invest_companies``, ``pool_funding``)
``subnational_hubs``              state AI offices (``open_state_offices``,
                                  ``allocate_funding``)
``broad_coalition``               coalition recruitment (``recruit_members``)
``international_commitments``     the federal anchor (``international_pull``)
``senate_champions``              the Senate's anchor (``Senate.keep_champions``)
``bureaucratic_embedding``        turnover know-how loss and the cut
                                  (``succeed``, ``set_budget``)
``transition_briefings``          what the successor inherits (``succeed``)
================================  =================================================

docs/ODD.md (Tactics) describes each for modellers, docs/tactics.md for strategists.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, fields
from typing import Any

from sim.fields import _f, _money, _p, _when


@dataclass
class Tactic:
    """Common switches: on or off, from which month, and what it costs.

    ``cost_per_year`` is in staff-months of a coalition professional per year (12 = one
    full-time person): the one unit in which tactics are compared (docs/tactics.md gives the
    rationale of each value; they are judgements). It is also the campaign's size: a tactic's
    other numbers are its strength at its default cost, and :func:`at_effort` scales them
    with the staff it is given (strength per unit of cost).
    """

    enabled: bool = False
    start: str = _when("launch")
    cost_per_year: float = _f(12.0)


@dataclass
class LawTactic(Tactic):
    """Campaign for an AI law: more bills, drafted to pass (legal lock-in once passed)."""

    cost_per_year: float = _f(24.0)

    bill_boost: float = _f(1.0)
    passage_boost: float = _f(30.0, 1.0)


@dataclass
class DiversifiedFundingTactic(Tactic):
    """Raise private and international money for the coalition, not only federal grants."""

    cost_per_year: float = _f(12.0)

    private_boost: float = _f(2.0)
    international_grant: float = _money(0.5)


@dataclass
class SubnationalHubsTactic(Tactic):
    """Back state AI offices and hubs: lower the bar to open one, co-fund it, spread it."""

    cost_per_year: float = _f(18.0)

    initiative_threshold: float = _p(0.25)
    office_grant: float = _money(0.3)
    imitation_boost: float = _f(2.0)


@dataclass
class BroadCoalitionTactic(Tactic):
    """Recruit across parties and sectors: reach less committed actors, more outreach."""

    cost_per_year: float = _f(12.0)

    join_threshold: float = _p(0.15)
    outreach_boost: float = _f(1.5)


@dataclass
class InternationalCommitmentsTactic(Tactic):
    """Tie the strategy to international commitments and monitor them at home."""

    cost_per_year: float = _f(6.0)

    anchor_multiplier: float = _f(3.0)
    half_life_months: float = _f(72.0, 0.001)


@dataclass
class SenateChampionsTactic(Tactic):
    """Cultivate senators who keep AI on the chamber's agenda, legislature after legislature."""

    cost_per_year: float = _f(12.0)

    anchor_boost: float = _p(0.3)
    committee_budget: float = _money(1.0)


@dataclass
class BureaucraticEmbeddingTactic(Tactic):
    """Career units: know-how survives a turnover and part of the programme resists a cut."""

    cost_per_year: float = _f(12.0)

    embedded_share: float = _p(0.7)
    protected_share: float = _p(0.3)


@dataclass
class TransitionBriefingsTactic(Tactic):
    """Brief the incoming administration so it inherits more and rebrands less."""

    cost_per_year: float = _f(3.0)

    inheritance: float = _p(0.6)
    branding_penalty: float = _p(0.3)
    inherited_fading: float = _p(0.05)


@dataclass
class TacticsConfig:
    """Every tactic; ``conf/tactics/<name>.yaml`` switches one on with its parameters."""

    law: LawTactic = field(default_factory=LawTactic)
    diversified_funding: DiversifiedFundingTactic = field(default_factory=DiversifiedFundingTactic)
    subnational_hubs: SubnationalHubsTactic = field(default_factory=SubnationalHubsTactic)
    broad_coalition: BroadCoalitionTactic = field(default_factory=BroadCoalitionTactic)
    international_commitments: InternationalCommitmentsTactic = field(
        default_factory=InternationalCommitmentsTactic
    )
    senate_champions: SenateChampionsTactic = field(default_factory=SenateChampionsTactic)
    bureaucratic_embedding: BureaucraticEmbeddingTactic = field(
        default_factory=BureaucraticEmbeddingTactic
    )
    transition_briefings: TransitionBriefingsTactic = field(
        default_factory=TransitionBriefingsTactic
    )

    def enabled(self) -> list[str]:
        """Names of the tactics switched on, in declaration order."""
        return [f.name for f in fields(self) if getattr(self, f.name).enabled]


TACTIC_NAMES: tuple[str, ...] = tuple(f.name for f in fields(TacticsConfig))
"""The tactics, in declaration order (= the files of ``conf/tactics/``)."""

TACTIC_COSTS: dict[str, float] = {
    name: getattr(TacticsConfig(), name).cost_per_year for name in TACTIC_NAMES
}
"""Default cost of each tactic in staff-months per year (docs/tactics.md, Costs)."""


NEUTRAL: dict[str, dict[str, float | str]] = {
    "law": {"bill_boost": 0.0, "passage_boost": 1.0},
    "diversified_funding": {"private_boost": 0.0, "international_grant": 0.0},
    "subnational_hubs": {
        "initiative_threshold": "states.initiative_threshold",
        "office_grant": 0.0,
        "imitation_boost": 1.0,
    },
    "broad_coalition": {"join_threshold": "coalition.join_threshold", "outreach_boost": 1.0},
    "international_commitments": {
        "anchor_multiplier": 1.0,
        "half_life_months": "international.half_life_months",
    },
    "senate_champions": {"anchor_boost": 0.0, "committee_budget": 0.0},
    "bureaucratic_embedding": {
        "embedded_share": "turnover.embedded_share",
        "protected_share": 0.0,
    },
    "transition_briefings": {
        "inheritance": "turnover.inheritance",
        "branding_penalty": "turnover.branding_penalty",
        "inherited_fading": "federal.adjust_rate",
    },
}
"""What each strength field of each tactic is without the tactic: a number (no boost,
multiplier 1), or the dotted key under ``params`` of the model's own value (the base threshold,
the share of know-how kept at a turnover, ...)."""


def neutral(name: str, key: str, params: Any) -> float:
    """The value of field ``key`` of tactic ``name`` without the tactic (:data:`NEUTRAL`)."""
    value = NEUTRAL[name][key]
    if isinstance(value, str):
        for part in value.split("."):
            params = getattr(params, part)
        return float(params)
    return value


def effort(name: str, tactic: Tactic) -> float:
    """The campaign's size e = ``cost_per_year`` ÷ the tactic's default cost (1 = as shipped)."""
    reference = TACTIC_COSTS[name]
    return tactic.cost_per_year / reference if reference > 0 else 1.0


def at_effort(name: str, tactic: Tactic, params: Any) -> Tactic:
    """The tactic with its strength scaled by its effort: x = x₀ + e (x_default − x₀).

    x₀ is the field's value without the campaign (:data:`NEUTRAL`), x_default the configured
    value (the strength bought by the default cost) and e = :func:`effort`: half the staff,
    half the distance from doing nothing; twice the staff, twice (clipped to the field's
    range). Linear returns to effort are a judgement (docs/tactics.md). At e = 1 the config is
    returned as it is.
    """
    e = effort(name, tactic)
    if e == 1.0:
        return tactic
    changes = {}
    for key in NEUTRAL[name]:
        x0 = neutral(name, key, params)
        value = x0 + e * (getattr(tactic, key) - x0)
        low, high = next(f for f in fields(tactic) if f.name == key).metadata["range"]
        if low is not None:
            value = max(low, value)
        if high is not None:
            value = min(high, value)
        changes[key] = value
    return dataclasses.replace(tactic, **changes)
