"""ContinuityModel: the monthly schedule of the simulator.

Agents are the API (``model.actors[i]``, ``model.agents_by_type``); their
numeric state lives in :class:`sim.state.ActorState` arrays and the stakeholder
network is a sparse matrix. See docs/ODD.md for the full description.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import scipy.sparse as sp

from sim.agents import (
    AGENT_CLASSES,
    Coalition,
    DataProtectionAuthority,
    FederalAdministration,
    Senate,
)
from sim.agents.bulk import PLAIN_CLASSES
from sim.agents.lazy import LazyAgents, PendingAgents, collected_registrations
from sim.anchors import InstitutionalAnchors
from sim.config import ACTOR_KEYS, PILLARS, CoalitionSpec, Config
from sim.dates import parse_month
from sim.errors import ConfigError
from sim.networks import (
    StakeholderNetwork,
    case_network,
    load_network,
    mexico_network,
    synthetic_network,
)
from sim.node_facts import NodeFacts
from sim.numerics import GroupSums, RowSums
from sim.recorder import Recorder
from sim.responses import StateResponses
from sim.rules import VectorisedRules
from sim.schedule import Schedule
from sim.state import TYPE_CODE, ActorState
from sim.streams import spawn_streams
from sim.tactics import at_effort

_RICH_KINDS = frozenset(k for k, cls in AGENT_CLASSES.items() if cls not in PLAIN_CLASSES)
"""The actor types whose agents are made at set-up (the others when read: sim.agents.lazy)."""

ENGINES = ("compiled", "numpy")
"""How the months are computed: the compiled kernels, or the numpy reference rules."""


def build_network(cfg: Config, rng: np.random.Generator) -> StakeholderNetwork:
    """Build the stakeholder network named by ``cfg.network`` with the model's RNG."""
    net = cfg.network
    if net.kind == "mexico":
        return mexico_network(
            rng, organizations_pool=net.organizations_pool, companies=net.companies
        )
    if net.kind == "case":
        return case_network(
            rng,
            net.data,
            list(net.hubs),
            organizations_pool=net.organizations_pool,
            companies=net.companies,
        )
    if net.kind == "synthetic":
        return synthetic_network(
            rng,
            n_agents=net.n_agents,
            mean_degree=net.mean_degree,
            mix=dict(net.mix),
            n_states=net.n_states,
            n_coalitions=net.n_coalitions,
        )
    return load_network(net.nodes, net.edges or None)


class ContinuityModel(StateResponses, InstitutionalAnchors, VectorisedRules, LazyAgents):
    """Agent-based model of a national AI strategy across changes of government.

    Args:
        config: A validated :class:`sim.config.Config`.
        network: A prebuilt network (default: built from ``config.network`` with
            the model's RNG).
        engine: ``"compiled"`` (default) runs the months with the compiled kernels of
            :mod:`sim.compiled`; ``"numpy"`` with the methods below, one numpy operation at a
            time. Both give the same floats (``tests/test_compiled_equivalence.py``); the numpy
            rules are the reference the kernels are checked against, and the readable form of
            each rule.

    Attributes:
        state: The actors' arrays.
        actors: Agents by network index.
        administration: The federal administration in office.
        momentum: Momentum stock per pillar (``PILLARS`` order).
        momentum_by_type: The same stock attributed to each actor type.
        law_in_force: Whether an AI law has been passed.
        turnovers: Months (absolute) of each turnover so far.
        commitment_before_turnover: Every actor's commitment just before the first
            turnover (``None`` until it happens).
        commitments_made: ``(name, month)`` of international commitments made.

    """

    def __init__(
        self,
        config: Config,
        network: StakeholderNetwork | None = None,
        engine: str = "compiled",
    ):
        if engine not in ENGINES:
            raise ValueError(f"engine: {engine!r} is not one of {', '.join(ENGINES)}")
        super().__init__(rng=config.seed)
        self.engine = engine
        self._compiled = None
        self.streams = spawn_streams(config.seed)
        self.config = config
        self.params = config.params
        self.calendar = Schedule.from_config(config)
        # each active tactic at the strength its staff buys; none with no staff (sim.tactics)
        self.tactics_at_effort = {
            name: at_effort(name, getattr(config.tactics, name), config.params)
            for name in self.calendar.tactic_starts
            if getattr(config.tactics, name).cost_per_year > 0
        }
        self.month = self.calendar.start
        self._built_network = network is None  # then its remembered facts are the table's
        self.network = network if network is not None else build_network(config, self.rng)
        self._init_arrays()
        self._init_agents(strict=network is None and config.network.kind != "synthetic")
        self.momentum = np.zeros(len(PILLARS))
        self.momentum_by_type = np.zeros(len(ACTOR_KEYS))
        self.federal_knowhow = 0.0
        self.appropriation: float | None = None
        self.law_in_force = False
        self.law_passed_month: int | None = None
        self.offices_abolished = False
        self.turnovers: list[int] = []
        self.commitment_before_turnover: np.ndarray | None = None
        self.commitments_made: list[tuple[str, int]] = []
        self.relaunches: list[int] = []
        self.ecosystem_investment = 0.0
        self.init_responses()
        self.init_anchors()
        self.recorder = Recorder(self, self.calendar.end - self.calendar.start + 1)

    # ------------------------------------------------------------------ set-up
    def _init_arrays(self) -> None:
        nodes = self.network.nodes
        # the id and type columns, read once (``_init_agents`` uses them too)
        facts = getattr(self.network, "facts", None) if self._built_network else None
        self._facts = facts = facts if facts is not None else NodeFacts.of(nodes)
        self._node_ids, self._node_types = facts.ids, facts.types
        codes = facts.codes
        self.state = st = ActorState.empty(codes)
        st.commitment[:] = nodes["commitment"].to_numpy(dtype=float)
        st.anchor[:] = st.commitment
        st.resources[:] = nodes["resources"].to_numpy(dtype=float)
        sus = self.params.commitment.susceptibility
        st.susceptibility[:] = np.array([sus[t] for t in ACTOR_KEYS])[codes]

        adj = sp.csr_matrix(self.network.adjacency, dtype=float)
        self.adjacency = adj
        deg = np.asarray(adj.sum(axis=1)).ravel()
        self.degree = np.where(deg > 0, deg, 1.0)
        self.weights = influence_weights(adj)
        self.detached = np.zeros(adj.shape[0], dtype=bool)

        self.seat = int(st.of_type("administration")[0])
        self.state_idx = st.of_type("state")
        self.company_idx = st.of_type("company")
        self.intl_idx = st.of_type("international")
        self.recruitable = np.isin(codes, (TYPE_CODE["organization"], TYPE_CODE["company"]))
        self.recruitable_count = int(np.count_nonzero(self.recruitable))
        is_intl = (codes == TYPE_CODE["international"]).astype(float)
        self.intl_share = (adj @ is_intl) / self.degree
        self.international_ties = np.minimum(1.0, adj @ is_intl)
        s = self.state_idx
        self.state_ties = sp.csr_matrix(adj[s][:, s])
        sdeg = np.asarray(self.state_ties.sum(axis=1)).ravel()
        self.state_degree = np.where(sdeg > 0, sdeg, 1.0)
        self.state_offset = self._state_election_offsets()
        raw = self.params.momentum.pillar_weights
        matrix = np.zeros((len(ACTOR_KEYS), len(PILLARS)))
        for j, t in enumerate(ACTOR_KEYS):
            if t in raw:  # international bodies exert no effort and have no weights
                matrix[j] = np.asarray(raw[t], dtype=float) / sum(raw[t])
        self.pillar_matrix = matrix

    @cached_property
    def type_sums(self) -> GroupSums:
        """Effort by type code, ``np.bincount(type_code, effort, 8)`` (the numpy rules only)."""
        return GroupSums(self.state.type_code.astype(np.int64), 8)

    @cached_property
    def funding_sums(self) -> RowSums:
        """``funding.sum(axis=1)``, bit for bit (the numpy rules only: made on first use)."""
        return RowSums(*self.state.funding.shape)

    def _state_election_offsets(self) -> np.ndarray:
        """Month of each state's election within the cycle: from the calendar, else at random.

        ``shocks.elections.state_calendar`` maps a state's node id to the month of one
        of its elections; states it does not list get a uniformly random month of the
        cycle (drawn for every state, so listing one state does not shift the others). Months
        count from year 0, so the calendar does not depend on ``scenario.start``.
        """
        cycle = max(1, self.calendar.state_cycle)
        offsets = self.streams.elections.integers(0, cycle, size=self.state_idx.size)
        listed = self.config.shocks.elections.state_calendar
        if not listed:
            return offsets
        all_ids = self._node_ids
        ids = [all_ids[i] for i in self.state_idx.tolist()]
        for k, node_id in enumerate(ids):
            if node_id in listed:
                offsets[k] = parse_month(listed[node_id]) % cycle
        return offsets

    def _init_agents(self, strict: bool) -> None:
        nodes = self.network.nodes
        sc = self.config.scenario
        ids, types = self._node_ids, self._node_types
        facts = self._facts
        coalition_ids = [ids[i] for i in facts.of_type.get("coalition", ())]
        founding = founding_months(
            self.config.scenario.coalitions, coalition_ids, strict, self.calendar.start
        )
        row = facts.row
        coordinators = {
            spec.node: sorted((parse_month(k.start), row[k.node]) for k in spec.coordinators)
            for spec in self.config.scenario.coalitions
            if spec.node in row and all(k.node in row for k in spec.coordinators)
        }
        self.coalitions: list[Coalition] = []
        self.dpas: list[DataProtectionAuthority] = []
        self.senate: Senate | None = None
        first = sc.administrations[0]
        names = nodes["name"]
        first_id = self.next_agent_id()  # actor i's unique_id is first_id + i (sim.agents.lazy)
        actors: list = [None] * len(ids)  # the plain actors' agents are made when first read
        rich: dict[int, list] = {}
        with collected_registrations(self) as made:  # registered when the registries are read
            for i in facts.indices(_RICH_KINDS):
                kind, node_id = types[i], ids[i]
                cls = AGENT_CLASSES[kind]
                self.set_next_agent_id(first_id + i)
                before = len(made)
                if kind == "administration":
                    agent = FederalAdministration(
                        self,
                        i,
                        node_id,
                        first.name,
                        first.agenda_priority,
                        orientation=first.orientation,
                    )
                    self.state.anchor[i] = self.state.commitment[i] = first.agenda_priority
                    self.administration = agent
                elif kind == "coalition":
                    founded = founding[node_id]
                    if not sc.coalitions_active:
                        founded = None
                    elif founded is not None:  # a coalition founded before the strategy begins
                        founded = max(founded, self.calendar.active_from)
                    name = names.iat[i]
                    agent = Coalition(self, i, node_id, name, len(self.coalitions), founded)
                    agent.coordinators = coordinators.get(node_id, [])
                    self.coalitions.append(agent)
                else:
                    agent = cls(self, i, node_id, names.iat[i])
                if kind == "dpa":
                    self.dpas.append(agent)
                if kind == "senate" and self.senate is None:
                    self.senate = agent
                actors[i] = agent
                rich[i] = made[before:]
        self.set_next_agent_id(first_id + len(ids))
        self._actors = actors
        self.defer_plain_agents(
            PendingAgents(types, AGENT_CLASSES, ids, names, nodes["sector"], first_id, rich)
        )
        self.coalition_nodes = np.array([c.index for c in self.coalitions], dtype=np.int64)
        self.base_anchor = self.state.anchor.copy()
        self.founders = self._founders_by_coalition()

    def _founders_by_coalition(self) -> dict[str, np.ndarray]:
        """Founding members of each coalition: flagged organisations/companies tied to it."""
        flagged = self.network.nodes["founding_member"].to_numpy(dtype=bool)
        out = {}
        for c in self.coalitions:
            adj = self.adjacency
            ties = adj.indices[adj.indptr[c.index] : adj.indptr[c.index + 1]]
            out[c.node_id] = ties[flagged[ties] & self.recruitable[ties]]
        return out

    # ------------------------------------------------------------------ schedule
    def step(self) -> None:
        """One month, in this order (see docs/ODD.md, process overview).

        Before the strategy begins (``scenario.strategy_start``, default the launch) only
        turnovers happen and the month is recorded: the strategy's stocks start from zero when
        it starts, whatever ``scenario.start`` is. Then:

        1. shocks and events (anchors, turnover and review, abolitions, elections);
        2. the administration sets its anchor, budget and know-how;
        3. non-state actors respond to federal backing (withdrawal, fatigue, mobilisation,
           anchors, grant dependence);
        4. commitments update over the network (synchronous);
        5. funding by source; companies invest; coalitions found, recruit,
           lose members and pool funding;
        6. states open offices; the Senate introduces and votes bills; DPAs
           issue guidance; international commitments are made;
        7. effort → momentum; the month is recorded.
        """
        if self.month < self.calendar.active_from:
            if self.calendar.is_turnover(self.month, self.streams.turnover):
                self.turn_over()
            self.recorder.record()
            self.month += 1
            return
        if self.engine == "compiled":
            self.compiled_engine().advance(self.month)
            return
        self.apply_shocks()
        self.administration.step()
        self.read_federal_signal()
        self.accumulate_fatigue()
        self.mobilise()
        self.set_nonstate_anchors()
        self.apply_grant_dependence()
        self.update_commitments()
        self.allocate_funding()
        self.invest_companies()
        for coalition in self.coalitions:
            coalition.step()
        self.open_state_offices()
        if self.senate is not None:
            self.senate.step()
        for dpa in self.dpas:
            dpa.step()
        self.make_international_commitments()
        self.exert_effort()
        self.update_momentum()
        self.recorder.record()
        self.month += 1

    def run(self) -> None:
        """Run from the scenario start to its end, one step per month.

        With the compiled engine the months from the strategy's start to the end are one call
        of the compiled loop (interrupted only by turnovers and abolitions).
        """
        end = self.calendar.end
        while self.month <= end:
            if self.engine == "compiled" and self.month >= self.calendar.active_from:
                self.compiled_engine().advance(end)
            else:
                self.step()

    def __getstate__(self) -> dict:
        """A copy or pickle of the model makes its own compiled engine when it next runs.

        The engine holds the addresses of this model's random streams; a copy has its own.
        """
        state = self.__dict__.copy()
        state["_compiled"] = None
        return state

    def compiled_engine(self):
        """The model's :class:`sim.compiled.bridge.CompiledEngine` (made on first use)."""
        if self._compiled is None:
            from sim.compiled.bridge import CompiledEngine

            self._compiled = CompiledEngine(self)
        return self._compiled

    # ------------------------------------------------------------------ shocks
    def apply_shocks(self) -> None:
        """Apply this month's shocks and events: turnover, abolitions, elections, a dated law."""
        month, cal = self.month, self.calendar
        self.adopt_dated_anchors()
        if month == cal.law_enacted and not self.law_in_force:
            self.enact_law()
        if cal.is_turnover(month, self.streams.turnover):
            self.turn_over()
        self.honour_floors()
        if month == cal.dpa_abolition:
            for dpa in self.dpas:
                dpa.abolish()
        if month == cal.offices_abolition:
            self.state.ai_office[:] = False
            self.offices_abolished = True
        if month in cal.senate_elections and self.senate is not None:
            self.senate.hold_election()
        self.hold_state_elections()

    def turn_over(self) -> None:
        """A new administration replaces the one in office (a new agent).

        The successor is the next one of ``scenario.administrations`` (beyond the list, a
        generated one whose camp is the predecessor's or the opposite with equal chance). It
        reviews the anchors it inherits (:meth:`review_anchors`); its priority follows from the
        turnover rules (``FederalAdministration.succeed``) unless the scenario gives its
        ``agenda_priority``. A cut that comes ``with_turnover`` starts now. At the first
        turnover, a copy of every actor's commitment is kept as ``commitment_before_turnover``
        (for the network figure).
        """
        if self.commitment_before_turnover is None:
            self.commitment_before_turnover = self.state.commitment.copy()
        specs = self.config.scenario.administrations
        k = len(self.turnovers) + 1
        if k < len(specs):
            name, agenda, orientation = (
                specs[k].name,
                specs[k].agenda_priority,
                specs[k].orientation,
            )
        else:
            name, agenda = f"Administration {k + 1}", None
            same = self.streams.turnover.random() < 0.5
            orientation = self.administration.orientation * (1.0 if same else -1.0)
        self.review_anchors()
        self.administration = self.administration.succeed(name, agenda, orientation)
        self._actors[self.seat] = self.administration  # not making the plain agents
        self.turnovers.append(self.month)
        self.calendar.open_cut_at(self.month)

    def detach(self, index: int) -> None:
        """Remove an actor's influence on others' commitment (e.g. an abolished institution)."""
        self.detached[index] = True
        mask = sp.diags((~self.detached).astype(float))
        self.weights = influence_weights(sp.csr_matrix(mask @ self.adjacency @ mask))

    def cut_fraction(self, budget: str) -> float:
        """Fraction of a federal budget line cut this month."""
        return self.calendar.cut_fraction(self.month, budget)

    def tactic(self, name: str):
        """Tactic ``name`` if it is active this month, else ``None``.

        Active: enabled, started and with ``cost_per_year`` > 0; returned at the strength its
        staff buys (:func:`sim.tactics.at_effort`).
        """
        start = self.calendar.tactic_starts.get(name)
        if start is not None and self.month >= start:
            return self.tactics_at_effort.get(name)
        return None

    def enact_law(self) -> None:
        """An AI law enters into force: a statute anchor (legal lock-in: :mod:`sim.anchors`)."""
        self.adopt_anchor("statute", "AI law")
        self.law_passed_month = self.month
        self.record_win()

    def salience(self) -> float:
        """Public salience of AI this month: the last ``scenario.salience`` value dated by now."""
        value = 0.0
        for spec in self.config.scenario.salience:
            if parse_month(spec.date) <= self.month:
                value = spec.value
        return value

    def coalition_grant_each(self) -> float:
        """The federal coalition grants shared equally among active coalitions."""
        active = sum(c.active for c in self.coalitions)
        return self.administration.lines["coalition_grants"] / active if active else 0.0

    def international_pull(self) -> float:
        """The anchor the international commitments made so far add to the federal agenda.

        The ``international_commitments`` tactic multiplies each commitment's pull
        and slows its fading (commitments kept visible at home).
        """
        ip = self.params.international
        boost, half_life = ip.anchor_boost, ip.half_life_months
        tactic = self.tactic("international_commitments")
        if tactic is not None:  # commitments publicised and monitored at home
            boost, half_life = boost * tactic.anchor_multiplier, tactic.half_life_months
        return boost * sum(
            0.5 ** ((self.month - made) / half_life) for _, made in self.commitments_made
        )

    def make_international_commitments(self) -> None:
        """At an international opportunity, join with p = base + (1 − base) × priority.

        International commitments are cheap signals made through foreign affairs
        rather than the strategy's budget, so they can happen despite a domestic
        cut (seed 000: OECD principles 2019, GPAI founding member 2020). Each one
        raises the administration's anchor (see ``FederalAdministration.set_anchor``).
        """
        base = self.params.international.join_base
        for name in self.calendar.opportunities.get(self.month, []):
            p = base + (1.0 - base) * self.administration.priority
            if self.streams.international.random() < p:
                self.commitments_made.append((name, self.month))
                self.record_win()


def influence_weights(adjacency: sp.csr_matrix) -> sp.csr_matrix:
    """Row-normalised tie weights W for commitment updating.

    An actor with no ties keeps its own commitment (a 1 on the diagonal), so it
    moves only towards its anchor.
    """
    deg = np.asarray(adjacency.sum(axis=1)).ravel()
    inv = np.divide(1.0, deg, out=np.zeros_like(deg), where=deg > 0)
    fast = _scaled_rows(adjacency, deg, inv)
    if fast is not None:
        return fast
    weights = sp.diags(inv) @ adjacency + sp.diags((deg == 0).astype(float))
    return sp.csr_matrix(weights)


def _scaled_rows(adjacency, deg: np.ndarray, inv: np.ndarray) -> sp.csr_matrix | None:
    """``diags(inv) @ adjacency + diags(deg == 0)`` without the sparse products, when exact.

    With every degree positive (no diagonal to add), a canonical float64 CSR matrix (sorted,
    no duplicates) and no entry that is or becomes zero (both products drop zeros), scipy's
    result has the same rows, columns and order as ``adjacency``, each entry ``inv[i] * a_ij``.
    Otherwise ``None`` (use the products). ``tests/test_performance_equivalence.py`` checks it.
    """
    if (
        not sp.issparse(adjacency)
        or adjacency.format != "csr"
        or adjacency.dtype != np.float64
        or not adjacency.has_canonical_format
        or not np.all(deg > 0)
    ):
        return None
    data = adjacency.data * np.repeat(inv, np.diff(adjacency.indptr))
    if not np.all(data != 0):
        return None
    return sp.csr_matrix(
        (data, adjacency.indices.copy(), adjacency.indptr.copy()), shape=adjacency.shape
    )


def coalition_node_ids(network: StakeholderNetwork) -> list[str]:
    """Ids of the coalition nodes of a network, in network order."""
    nodes = network.nodes
    return [
        node_id
        for node_id, kind in zip(nodes["id"].tolist(), nodes["type"].tolist(), strict=True)
        if kind == "coalition"
    ]


def founding_months(
    specs: list[CoalitionSpec], coalition_ids: list[str], strict: bool, start: int
) -> dict[str, int | None]:
    """Founding month of each coalition node from ``scenario.coalitions``.

    A spec applies to the coalition node with its id; coalition nodes without
    one take the remaining specs in order (synthetic networks name their
    coalitions generically), then the last spec's date (``start`` if there are
    no specs). With the Mexico network or a user's file (``strict``) every spec
    must name a coalition node of the network.

    Raises:
        ConfigError: In strict mode, for each spec naming no coalition node.
    """
    by_id = {s.node: s for s in specs if s.node in coalition_ids}
    if strict:
        problems = [
            f"scenario.coalitions[{k}].node: {s.node!r} is not a coalition node of the "
            f"network; coalition nodes: {', '.join(coalition_ids) or '(none)'}"
            for k, s in enumerate(specs)
            if s.node not in coalition_ids
        ]
        if problems:
            raise ConfigError(problems)
    spare = iter([s for s in specs if s.node not in by_id])
    default = _month(specs[-1].founded) if specs else start
    out = {}
    for cid in coalition_ids:
        spec = by_id.get(cid) or next(spare, None)
        out[cid] = default if spec is None else _month(spec.founded)
    return out


def _month(value: str | None) -> int | None:
    return None if value is None else parse_month(value)
