"""The validated configuration: YAML in ``conf/`` → these dataclasses → ``run``.

Groups mirror ``conf/``: ``scenario`` (actors, dates and events of a case),
``network`` (which stakeholder network), ``shocks`` (what the world does to the
strategy), ``params`` (behavioural parameters of the rules) and ``output``.
:func:`validate` checks the whole composed config at once and raises
:class:`sim.errors.ConfigError` listing every problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from sim.bounds import check_horizon, check_network_size
from sim.dates import format_month, parse_month, parse_when, resolve_when
from sim.errors import ConfigError
from sim.fields import _date, _dates, _f, _i, _money, _p, _when
from sim.tactics import TACTIC_NAMES, TacticsConfig
from sim.validation import build

ACTOR_KEYS = (
    "administration",
    "state",
    "senate",
    "coalition",
    "dpa",
    "company",
    "organization",
    "international",
)
EFFORT_KEYS = tuple(k for k in ACTOR_KEYS if k != "international")
"""Actor types that exert effort on the strategy (and so have pillar weights)."""
PILLARS = ("governance", "research", "skills", "data", "ethics")
BUDGETS = ("federal_program", "state_transfers", "coalition_grants")
ANCHOR_KINDS = ("ministerial_order", "decree", "plan", "statute", "agency")
"""What a strategy can rest on, weakest to strongest (docs/ODD.md, Institutional anchors)."""


def _by_type(**values: float) -> Any:
    return field(default_factory=lambda: dict(values), metadata={"range": (0.0, 1.0)})


# --------------------------------------------------------------------------- case
@dataclass
class CaseConfig:
    """Which case (country) the run is about: its name, a title and a summary (docs/cases.md)."""

    name: str = "mexico"
    title: str = ""
    summary: str = ""


# --------------------------------------------------------------------------- scenario
@dataclass
class AdministrationSpec:
    """One federal administration of the scenario, in order of office."""

    name: str = "administration"
    agenda_priority: float | None = _p(None)
    orientation: float = _f(0.0, -1.0, 1.0)


@dataclass
class EventSpec:
    """A dated opportunity, e.g. an international commitment the country may join."""

    name: str = "event"
    date: str = _date("2019-05")


@dataclass
class AnchorSpec:
    """An institutional anchor of the strategy, in force from a month on."""

    kind: Literal["ministerial_order", "decree", "plan", "statute", "agency"] = "decree"
    name: str = "anchor"
    date: str = _when("launch")


@dataclass
class SalienceSpec:
    """Public salience of AI from a month on (0 = nobody talks about it, 1 = top of the agenda)."""

    date: str = _date("2017-01")
    value: float = _p(0.0)


@dataclass
class CoordinatorSpec:
    """A coalition's coordinating institution (a network node) from a month on."""

    node: str = ""
    start: str = _date("2018-01")


@dataclass
class CoalitionSpec:
    """A coalition of the scenario: which network node, when founded, who coordinates it."""

    node: str = "ia2030mx"
    founded: str | None = _date("2018-01")
    coordinators: list[CoordinatorSpec] = field(default_factory=list)


@dataclass
class ScenarioConfig:
    """A case: horizon, administrations, coalitions and dated events."""

    name: str = "mexico"
    start: str = _date("2017-01")
    end: str = _date("2030-12")
    strategy_start: str | None = _date(None)
    strategy_launch: str = _date("2018-03")
    reference_date: str = _date("2018-12")
    present: str | None = _date(None)
    law_enacted: str | None = _when(None)
    administrations: list[AdministrationSpec] = field(default_factory=list)
    coalitions: list[CoalitionSpec] = field(default_factory=list)
    coalitions_active: bool = True
    international_opportunities: list[EventSpec] = field(default_factory=list)
    anchors: list[AnchorSpec] = field(default_factory=list)
    salience: list[SalienceSpec] = field(default_factory=list)
    federal_dependence: float = _p(0.3)


# --------------------------------------------------------------------------- network
@dataclass
class NetworkConfig:
    """Which stakeholder network: a case's actors and pool, a synthetic one, or a user's file.

    ``kind: case`` reads ``actors.csv`` and ``ties.csv`` of the case named by ``data`` and adds
    a generated pool of ``companies`` and ``organizations_pool`` organisations tied to the
    ``hubs`` (:func:`sim.case_network.case_network`); ``kind: mexico`` is the same with Mexico's
    data and hubs.
    """

    kind: Literal["mexico", "case", "synthetic", "file"] = "mexico"
    data: str = ""
    hubs: list[str] = field(default_factory=list)
    organizations_pool: int = _i(240)
    companies: int = _i(60)
    n_agents: int = _i(1000, 1)
    mean_degree: float = _f(10.0)
    n_states: int = _i(32)
    n_coalitions: int = _i(1)
    mix: dict[str, float] = field(
        default_factory=lambda: {"company": 0.3, "organization": 0.68, "international": 0.02},
        metadata={"range": (0.0, 1.0)},
    )
    nodes: str = ""
    edges: str = ""


# --------------------------------------------------------------------------- shocks
@dataclass
class TurnoverShock:
    """When federal administrations change."""

    mode: Literal["dates", "term", "stochastic", "none"] = "dates"
    dates: list[str] = _dates(["2018-12", "2024-10"])
    first: str = _date("2018-12")
    term_months: int = _i(72, 1)
    hazard: float = _p(1 / 72)


@dataclass
class FundingCutShock:
    """A cut of the strategy's federal budgets."""

    size: float = _p(0.8)
    start: str = field(default="with_turnover", metadata={"date_or": ("with_turnover",)})
    duration_months: int | None = _i(None, 1)
    budgets: list[str] = field(default_factory=lambda: list(BUDGETS), metadata={"choices": BUDGETS})


@dataclass
class AbolitionShock:
    """Institutions abolished at a date (``null`` = never)."""

    dpa: str | None = _date(None)
    ai_offices: str | None = _date(None)


@dataclass
class ElectionsShock:
    """Senate and state elections."""

    senate: list[str] = _dates(["2018-07", "2024-06"])
    state_cycle_months: int = _i(72, 0)
    state_calendar: dict[str, str] = field(default_factory=dict, metadata={"date": True})
    renewal: float = _p(0.5)
    fresh_concentration: float = _f(7.0, 0.01)


@dataclass
class ShocksConfig:
    """What the world does: turnover, funding cut, abolition, elections."""

    turnover: TurnoverShock = field(default_factory=TurnoverShock)
    funding_cut: FundingCutShock = field(default_factory=FundingCutShock)
    abolition: AbolitionShock = field(default_factory=AbolitionShock)
    elections: ElectionsShock = field(default_factory=ElectionsShock)


# --------------------------------------------------------------------------- params
@dataclass
class CommitmentParams:
    """Friedkin–Johnsen commitment updating."""

    susceptibility: dict[str, float] = _by_type(
        administration=0.1,
        state=0.3,
        senate=0.2,
        coalition=0.1,
        dpa=0.2,
        company=0.4,
        organization=0.4,
        international=0.0,
    )
    member_pull: float = _p(0.05)


@dataclass
class MomentumParams:
    """Effort → momentum stock per pillar."""

    decay: float = _p(0.08)
    efficiency: float = _f(1.0)
    pillar_weights: dict[str, list[float]] = field(
        default_factory=lambda: {
            "administration": [0.35, 0.15, 0.15, 0.25, 0.10],
            "state": [0.40, 0.10, 0.30, 0.15, 0.05],
            "senate": [0.40, 0.00, 0.00, 0.00, 0.60],
            "coalition": [0.20, 0.20, 0.20, 0.15, 0.25],
            "dpa": [0.10, 0.00, 0.00, 0.30, 0.60],
            "company": [0.05, 0.35, 0.20, 0.35, 0.05],
            "organization": [0.10, 0.40, 0.30, 0.10, 0.10],
        },
        metadata={"range": (0.0, None)},
    )


@dataclass
class FederalParams:
    """The federal administration's priority, budget and know-how."""

    base_budget: float = _money(25.0)
    budget_adjust: float = _p(0.05)
    adjust_rate: float = _p(0.15)
    learning_rate: float = _p(0.03)
    state_transfer_share: float = _p(0.1)
    coalition_grant_share: float = _p(0.05)


@dataclass
class TurnoverParams:
    """What a new administration keeps from its predecessor."""

    inheritance: float = _p(0.3)
    branding_penalty: float = _p(0.6)
    embedded_share: float = _p(0.2)
    baseline_priority: float = _p(0.05)
    coalition_pressure: float = _p(0.1)
    international_pressure: float = _f(1.0)
    salience_weight: float = _p(0.3)
    relaunch_delay_months: int = _i(24, 1)
    relaunch_threshold: float = _p(0.4)
    relaunch_priority: float = _p(0.5)


@dataclass
class ResponseParams:
    """How non-state actors respond to the federal government's support and its withdrawal."""

    withdrawal_tolerance: float = _p(0.15)
    signal: float = _p(0.5)
    fatigue_rate: float = _p(0.02)
    fatigue_recovery: float = _p(0.1)
    fatigue_effect: float = _p(0.5)
    mobilisation: float = _p(0.6)
    capacity_reference: float = _p(0.3)
    venue_shift: float = _f(6.0)


@dataclass
class AnchorKindParams:
    """What one kind of institutional anchor does at and after a turnover."""

    review_survival: float = _p(0.5)
    budget_floor: float = _p(0.0)
    floor_reliability: float = _p(1.0)
    priority_floor: float = _p(0.0)
    embedded_share: float = _p(0.2)
    branding_relief: float = _p(0.0)


def _anchor(**values: float) -> Any:
    return field(default_factory=lambda: AnchorKindParams(**values))


@dataclass
class AnchorParams:
    """The mechanisms of each anchor kind (docs/ODD.md, Institutional anchors).

    A statute (kind ``statute``, or a law the Senate passes in the run) uses ``params.law``.
    """

    ministerial_order: AnchorKindParams = _anchor(
        review_survival=0.3,
        budget_floor=0.0,
        priority_floor=0.05,
        embedded_share=0.2,
        branding_relief=0.1,
    )
    decree: AnchorKindParams = _anchor(
        review_survival=0.7,
        budget_floor=0.2,
        floor_reliability=0.8,
        priority_floor=0.15,
        embedded_share=0.35,
        branding_relief=0.4,
    )
    plan: AnchorKindParams = _anchor(
        review_survival=0.85,
        budget_floor=0.3,
        floor_reliability=0.8,
        priority_floor=0.2,
        embedded_share=0.4,
        branding_relief=0.5,
    )
    agency: AnchorKindParams = _anchor(
        review_survival=0.9,
        budget_floor=0.25,
        floor_reliability=0.9,
        priority_floor=0.1,
        embedded_share=0.6,
        branding_relief=0.3,
    )


@dataclass
class CoalitionParams:
    """Coalition recruitment and funding."""

    recruit_rate: float = _p(0.5)
    outreach_rate: float = _p(0.35)
    join_threshold: float = _p(0.25)
    leave_rate: float = _p(0.01)
    dues_share: float = _p(0.1)
    outreach_cost: float = field(default=2.0, metadata={"range": (0.001, None), "money": True})
    coordination_gain: float = _f(1.5)
    nonmember_engagement: float = _p(0.5)
    intake: float = _f(2.8, 0.001)


@dataclass
class CompanyParams:
    """Company AI investment and its funding of coalitions."""

    base_investment: float = _p(0.3)
    momentum_response: float = _f(0.5)
    clarity_response: float = _f(0.3)
    coalition_share: float = _p(0.1)
    momentum_reference: float = field(
        default=200.0, metadata={"range": (0.001, None), "money": True}
    )


@dataclass
class StateParams:
    """State AI offices: own initiative, imitation, closure at elections."""

    initiative_rate: float = _p(0.3)
    initiative_threshold: float = _p(0.4)
    imitation_rate: float = _p(0.02)
    office_budget: float = _money(0.5)
    close_at_election: float = _p(0.5)
    no_office_engagement: float = _p(0.2)


@dataclass
class SenateParams:
    """Senate bills and passage."""

    bill_rate: float = _f(2.0)
    passage_rate: float = _p(0.002)
    base_support: float = _f(0.5)
    coalition_lobbying: float = _f(2.5)


@dataclass
class DpaParams:
    """DPA guidance on AI."""

    guidance_rate: float = _p(0.1)
    network_boost: float = _f(0.5)
    international_grant: float = _money(0.2)


@dataclass
class InternationalParams:
    """International commitments as anchors."""

    join_base: float = _p(0.93)
    anchor_boost: float = _p(0.05)
    coalition_grant: float = _money(0.3)
    half_life_months: float = _f(36.0, 0.001)


@dataclass
class ClarityParams:
    """Regulatory clarity: what a law and recent DPA guidance signal to companies."""

    law: float = _p(0.6)
    per_guidance: float = _p(0.2)
    memory_months: int = _i(24, 1)


@dataclass
class LawParams:
    """What a law in force locks in."""

    priority_floor: float = _p(0.3)
    budget_floor: float = _p(0.3)
    embedded_share: float = _p(0.5)
    review_survival: float = _p(0.95)
    floor_reliability: float = _p(0.7)
    branding_relief: float = _p(0.5)


@dataclass
class PosteriorConfig:
    """Draw the calibrated parameters from a stored ABC posterior (``params=posterior``).

    ``file`` is the posterior's Parquet table (null: the shipped Mexico posterior,
    ``sim/data/posterior/mexico.parquet``). Each run draws one particle from an RNG seeded only
    from its seed, so runs with the same seed share the parameter set (docs/posterior.md).
    """

    file: str | None = None


@dataclass
class Params:
    """Behavioural parameters of every rule (and, optionally, a posterior to draw them from)."""

    commitment: CommitmentParams = field(default_factory=CommitmentParams)
    momentum: MomentumParams = field(default_factory=MomentumParams)
    federal: FederalParams = field(default_factory=FederalParams)
    turnover: TurnoverParams = field(default_factory=TurnoverParams)
    coalition: CoalitionParams = field(default_factory=CoalitionParams)
    companies: CompanyParams = field(default_factory=CompanyParams)
    states: StateParams = field(default_factory=StateParams)
    senate: SenateParams = field(default_factory=SenateParams)
    dpa: DpaParams = field(default_factory=DpaParams)
    international: InternationalParams = field(default_factory=InternationalParams)
    clarity: ClarityParams = field(default_factory=ClarityParams)
    law: LawParams = field(default_factory=LawParams)
    response: ResponseParams = field(default_factory=ResponseParams)
    anchors: AnchorParams = field(default_factory=AnchorParams)
    posterior: PosteriorConfig | None = None


@dataclass
class OutputConfig:
    """What a run writes."""

    figure: bool = True
    survival_threshold: float = _p(0.4)
    continuity_horizon_months: int = _i(24, 1)


@dataclass
class Config:
    """The whole validated configuration of one run."""

    seed: int = _i(42, 0)
    case: CaseConfig = field(default_factory=CaseConfig)
    scenario: ScenarioConfig = field(default_factory=ScenarioConfig)
    network: NetworkConfig = field(default_factory=NetworkConfig)
    shocks: ShocksConfig = field(default_factory=ShocksConfig)
    params: Params = field(default_factory=Params)
    tactics: TacticsConfig = field(default_factory=TacticsConfig)
    output: OutputConfig = field(default_factory=OutputConfig)


# --------------------------------------------------------------------------- checks
def validate(data: dict[str, Any]) -> Config:
    """Validate a plain config dict (e.g. a composed Hydra config) as a whole.

    Field problems (types, ranges, unknown keys) and cross-field problems (dates
    in the horizon and in order, shares summing to one, ...) are collected
    together; a cross-field rule is skipped only when its own inputs are invalid.

    Args:
        data: The config as nested dicts and lists (``hydra`` key excluded).

    Returns:
        The typed :class:`Config`.

    Raises:
        ConfigError: Listing every problem found, one plain line each.
    """
    problems: list[str] = []
    cfg = build(Config, data, "", problems)
    if cfg is not None:
        check(cfg, problems)
    if problems:
        raise ConfigError(problems)
    return cfg


def _month(value: Any) -> int | None:
    """A ``YYYY-MM`` value as a month number, or None when it is not a valid date."""
    try:
        return parse_month(value)
    except ValueError:
        return None


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check(cfg: Config, problems: list[str]) -> None:
    """Cross-field rules: dates in the horizon and in order, shares, weights."""
    sc = cfg.scenario
    start, end = _month(sc.start), _month(sc.end)
    if start is None or end is None:
        return
    horizon = f"the horizon {sc.start}..{sc.end}"
    if end < start:
        problems.append(f"scenario.end: {sc.end!r} is before scenario.start {sc.start!r}")
        return
    check_horizon(start, end, problems, sc.end)
    if any(p.startswith("scenario.end:") for p in problems):
        return

    def in_horizon(key: str, value: Any) -> None:
        month = _month(value) if value is not None else None
        if month is not None and not start <= month <= end:
            problems.append(f"{key}: {value!r} is outside {horizon}")

    in_horizon("scenario.strategy_launch", sc.strategy_launch)
    in_horizon("scenario.reference_date", sc.reference_date)
    in_horizon("scenario.present", sc.present)
    launch = _month(sc.strategy_launch)
    turnover = first_turnover(cfg)

    def when_in_horizon(key: str, value: Any) -> None:
        try:
            kind, _ = parse_when(value)
        except ValueError:
            return  # reported by the field check
        if kind == "date" or launch is None:
            in_horizon(key, value)
            return
        month = resolve_when(value, launch, turnover if turnover is not None else launch)
        if not start <= month <= end:
            problems.append(f"{key}: {value!r} falls on {format_month(month)}, outside {horizon}")

    if sc.law_enacted is not None:
        when_in_horizon("scenario.law_enacted", sc.law_enacted)
    if isinstance(sc.administrations, list) and not sc.administrations:
        problems.append("scenario.administrations: at least one administration is required")
    elif isinstance(sc.administrations, list) and sc.administrations[0].agenda_priority is None:
        problems.append(
            "scenario.administrations[0].agenda_priority: the administration in office at the "
            "start needs a priority in [0, 1] (later ones may leave it null: it then follows "
            "from the turnover rules)"
        )
    in_horizon("scenario.strategy_start", sc.strategy_start)
    for i, c in enumerate(_items(sc.coalitions)):
        in_horizon(f"scenario.coalitions[{i}].founded", getattr(c, "founded", None))
    for i, e in enumerate(_items(sc.international_opportunities)):
        in_horizon(f"scenario.international_opportunities[{i}].date", getattr(e, "date", None))

    for name in TACTIC_NAMES:
        tactic = getattr(cfg.tactics, name, None)
        if getattr(tactic, "enabled", False):
            when_in_horizon(f"tactics.{name}.start", tactic.start)
    _check_shocks(cfg, start, end, in_horizon, problems)
    _check_params(cfg, problems)
    _check_network(cfg, problems)
    _check_posterior(cfg, problems)


def first_turnover(cfg: Config) -> int | None:
    """The month that relative dates call "turnover".

    The first scheduled turnover at or after the launch (or at or after ``scenario.present``,
    if later: a run that asks about the next change of government); with none scheduled
    (``none`` or ``stochastic`` mode), ``scenario.reference_date``.
    """
    sc, t = cfg.scenario, cfg.shocks.turnover
    launch = focus_month(cfg)
    if launch is None:
        return None
    months: list[int] = []
    if t.mode == "dates":
        months = [m for m in (_month(d) for d in _items(t.dates)) if m is not None]
    elif t.mode == "term" and _month(t.first) is not None and isinstance(t.term_months, int):
        first, end = _month(t.first), _month(sc.end) or 0
        months = list(range(first, end + 1, max(1, t.term_months)))
    after = [m for m in months if m >= launch]
    return min(after) if after else _month(sc.reference_date)


def focus_month(cfg: Config) -> int | None:
    """The month from which "the turnover" is looked for: the launch, or the present if later."""
    launch = _month(cfg.scenario.strategy_launch)
    present = _month(cfg.scenario.present) if cfg.scenario.present is not None else None
    if launch is None or (cfg.scenario.present is not None and present is None):
        return None
    return launch if present is None else max(launch, present)


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _check_shocks(cfg: Config, start: int, end: int, in_horizon, problems: list[str]) -> None:
    sc, sh = cfg.scenario, cfg.shocks
    t = sh.turnover
    if t is not None and t.mode == "dates":
        months = [_month(d) for d in _items(t.dates)]
        for i, d in enumerate(_items(t.dates)):
            in_horizon(f"shocks.turnover.dates[{i}]", d)
            if months[i] == start:
                problems.append(
                    f"shocks.turnover.dates[{i}]: {d!r} is the scenario start; the first "
                    "administration is in office then (turnovers must come after it)"
                )
        valid = [m for m in months if m is not None]
        if len(valid) == len(months) and (valid != sorted(valid) or len(set(valid)) != len(valid)):
            problems.append(f"shocks.turnover.dates: {t.dates} must be strictly increasing dates")
    if t is not None and t.mode == "term":
        in_horizon("shocks.turnover.first", t.first)
        if _month(t.first) == start:
            problems.append(
                f"shocks.turnover.first: {t.first!r} is the scenario start; the first "
                "administration is in office then (turnovers must come after it)"
            )

    cut = sh.funding_cut
    if cut is not None and cut.start != "with_turnover":
        begin = _month(cut.start)
        in_horizon("shocks.funding_cut.start", cut.start)
        if begin is not None and isinstance(cut.duration_months, int):
            stop = begin + cut.duration_months - 1
            if stop > end:
                problems.append(
                    f"shocks.funding_cut.duration_months: the cut would end "
                    f"{format_month(stop)}, after scenario.end {sc.end}"
                )
    if sh.abolition is not None:
        in_horizon("shocks.abolition.dpa", sh.abolition.dpa)
        in_horizon("shocks.abolition.ai_offices", sh.abolition.ai_offices)
    if sh.elections is not None:
        for i, d in enumerate(_items(sh.elections.senate)):
            in_horizon(f"shocks.elections.senate[{i}]", d)


def _check_params(cfg: Config, problems: list[str]) -> None:
    sus = cfg.params.commitment.susceptibility
    if isinstance(sus, dict):
        for key in sus:
            if key not in ACTOR_KEYS:
                problems.append(
                    f"params.commitment.susceptibility.{key}: unknown actor type; "
                    f"allowed: {', '.join(ACTOR_KEYS)}"
                )
        missing = set(ACTOR_KEYS) - set(sus)
        if missing:
            problems.append(
                f"params.commitment.susceptibility: missing actor types {', '.join(sorted(missing))}"
            )
    weights = cfg.params.momentum.pillar_weights
    if isinstance(weights, dict):
        for key, row in weights.items():
            name = f"params.momentum.pillar_weights.{key}"
            if key not in EFFORT_KEYS:
                problems.append(
                    f"{name}: not an actor type that exerts effort; allowed: {', '.join(EFFORT_KEYS)}"
                )
            elif not isinstance(row, list) or not all(_number(w) for w in row):
                continue  # reported by the field check
            elif len(row) != len(PILLARS):
                problems.append(
                    f"{name}: {row} needs {len(PILLARS)} weights, one per pillar "
                    f"({', '.join(PILLARS)})"
                )
            elif sum(row) <= 0:
                problems.append(f"{name}: {row} must have a positive sum")
        missing = set(EFFORT_KEYS) - set(weights)
        if missing:
            problems.append(
                f"params.momentum.pillar_weights: missing actor types {', '.join(sorted(missing))}"
            )
    fed = cfg.params.federal
    if _number(fed.state_transfer_share) and _number(fed.coalition_grant_share):
        total = fed.state_transfer_share + fed.coalition_grant_share
        if total > 1:
            problems.append(
                f"params.federal: state_transfer_share + coalition_grant_share = {total:g}; "
                "must be at most 1"
            )


def _check_posterior(cfg: Config, problems: list[str]) -> None:
    """``params.posterior`` names a readable, valid posterior of numeric keys in range."""
    spec = cfg.params.posterior
    if spec is None or not (spec.file is None or isinstance(spec.file, str)):
        return
    from sim.posterior import KEY, display_path, load

    try:
        post = load(spec.file)
    except ConfigError as exc:
        problems.extend(exc.problems)
        return
    fed = cfg.params.federal
    shares = ("params.federal.state_transfer_share", "params.federal.coalition_grant_share")
    if any(k in post.keys for k in shares) and all(
        _number(getattr(fed, k.rsplit(".", 1)[1])) for k in shares
    ):  # the one cross-field rule of the parameters a posterior can break (see _check_params)
        total = sum(
            post.values[:, post.keys.index(k)]
            if k in post.keys
            else getattr(fed, k.rsplit(".", 1)[1])
            for k in shares
        )
        bad = [int(i) for i in (total > 1).nonzero()[0]]
        if bad:
            problems.append(
                f"{KEY}: {display_path(post.path)}: particle {int(post.particles[bad[0]])}: "
                f"params.federal: state_transfer_share + coalition_grant_share = "
                f"{float(total[bad[0]]):g}; must be at most 1"
            )


def _check_network(cfg: Config, problems: list[str]) -> None:
    net = cfg.network
    if net.kind == "synthetic":
        allowed = ("company", "organization", "international")
        mix = net.mix if isinstance(net.mix, dict) else {}
        for key in mix:
            if key not in allowed:
                problems.append(
                    f"network.mix.{key}: not a mixable actor type; allowed: {', '.join(allowed)}"
                )
        if mix and all(_number(v) for v in mix.values()):
            total = sum(mix.values())
            if abs(total - 1.0) > 1e-6:
                problems.append(f"network.mix: shares sum to {total:g}; they must sum to 1")
        counts = (net.n_agents, net.n_states, net.n_coalitions)
        if any(p.startswith(("network.n_", "network.mean_degree")) for p in problems):
            return  # a size out of range is reported already
        if all(isinstance(v, int) for v in counts) and _number(net.mean_degree):
            check_network_size(net.n_agents, net.mean_degree, problems)
            singles = 3 + net.n_states + net.n_coalitions
            if net.n_agents < singles:
                problems.append(
                    f"network.n_agents: {net.n_agents} is too small; at least {singles} "
                    "(administration, senate, DPA, states and coalitions)"
                )
            elif _number(net.mean_degree) and net.mean_degree > net.n_agents - 1:
                problems.append(
                    f"network.mean_degree: {net.mean_degree:g} is more than a network of "
                    f"{net.n_agents} agents allows; at most {net.n_agents - 1}"
                )
    if net.kind == "file" and not net.nodes:
        problems.append("network.nodes: a path to a GraphML or CSV node file is required")
    if net.kind == "case":
        _check_case_network(net, problems)


def _check_case_network(net: NetworkConfig, problems: list[str]) -> None:
    """``network.data`` names a case with actors.csv and ties.csv; ``hubs`` are given."""
    from sim.cases import DATA_FILES, available_cases, data_folder

    if not isinstance(net.data, str) or not net.data.strip():
        problems.append("network.data: give the case whose actors.csv and ties.csv to use")
        return
    if net.data not in available_cases():
        known = ", ".join(available_cases())
        problems.append(f"network.data: no case {net.data!r}; available: {known}")
        return
    folder = data_folder(net.data)
    for name in DATA_FILES:
        if not (folder / name).is_file():
            problems.append(f"network.data: case {net.data!r} has no {name} in {folder}")
    if isinstance(net.hubs, list) and not net.hubs:
        problems.append(
            "network.hubs: give at least one actor id the generated pool ties to "
            "(e.g. the coalition or a university)"
        )
