"""Hand the model's state to the compiled month loop and take it back.

:class:`CompiledEngine` belongs to one :class:`sim.model.ContinuityModel`. The actors' arrays
(commitment, anchors, funding, ...) and the network are passed as they are: the kernels update
them in place. The few Python-level facts of the rule-rich actors (the administration's agenda,
the anchors in force, the commitments made, ...) are copied into the flat ``S`` array before a
call and back after it (:meth:`pack`, :meth:`unpack`), so the agents and every method of the
model read the same values whichever engine ran the month.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.compiled import cache

_FOLDER = cache.configure()  # before the kernels are defined
_WARM = cache.is_warm(_FOLDER)

from sim.anchors import Anchor  # noqa: E402
from sim.compiled import layout as L  # noqa: E402
from sim.compiled.month import run_months  # noqa: E402
from sim.compiled.streams import addresses  # noqa: E402
from sim.config import ANCHOR_KINDS  # noqa: E402
from sim.dates import parse_month  # noqa: E402
from sim.recorder import CONTRIBUTIONS  # noqa: E402
from sim.state import TYPE_CODE  # noqa: E402
from sim.streams import PROCESSES  # noqa: E402

if TYPE_CHECKING:  # pragma: no cover
    from sim.model import ContinuityModel

NEVER = 2**62
"""Month of something that does not happen (a tactic that is not active)."""


def _announce_once() -> None:
    global _WARM
    if not _WARM:
        cache.announce(_FOLDER)
        _WARM = True


def constants(model: ContinuityModel) -> np.ndarray:
    """The ``P`` array of a model: parameters, tactic strengths and calendar months."""
    p, cfg, cal = model.params, model.config, model.calendar
    tactics = {name: getattr(cfg.tactics, name) for name in L.TACTIC_ORDER}
    tactics.update(model.tactics_at_effort)
    mode = {"dates": 0, "term": 0, "stochastic": 1}.get(cal.turnover_mode, 2)
    values = {
        "start": cal.start,
        "end": cal.end,
        "state_cycle": cal.state_cycle,
        "offices_abolition": -1 if cal.offices_abolition is None else cal.offices_abolition,
        "law_enacted": -1 if cal.law_enacted is None else cal.law_enacted,
        "turnover_mode": mode,
        "turnover_hazard": cal.turnover_hazard,
        "cut_size": cal.cut_size,
        "cut_duration": -1 if cal.cut_duration is None else cal.cut_duration,
        "cut_state_transfers": "state_transfers" in cal.cut_budgets,
        "cut_coalition_grants": "coalition_grants" in cal.cut_budgets,
        "cut_federal_program": "federal_program" in cal.cut_budgets,
        "seat": model.seat,
        "senate": -1 if model.senate is None else model.senate.index,
        "clarity_memory": p.clarity.memory_months,
        "member_pull": p.commitment.member_pull,
        "office_budget": p.states.office_budget,
        "initiative_threshold": p.states.initiative_threshold,
        "imitation_rate": p.states.imitation_rate,
        "initiative_rate": p.states.initiative_rate,
        "close_at_election": p.states.close_at_election,
        "no_office_engagement": p.states.no_office_engagement,
        "fresh_concentration": cfg.shocks.elections.fresh_concentration,
        "renewal": cfg.shocks.elections.renewal,
        "nonmember_engagement": p.coalition.nonmember_engagement,
        "coordination_gain": p.coalition.coordination_gain,
        "outreach_cost": p.coalition.outreach_cost,
        "join_threshold": p.coalition.join_threshold,
        "outreach_rate": p.coalition.outreach_rate,
        "recruit_rate": p.coalition.recruit_rate,
        "intake": p.coalition.intake,
        "leave_rate": p.coalition.leave_rate,
        "dues_share": p.coalition.dues_share,
        "base_investment": p.companies.base_investment,
        "momentum_response": p.companies.momentum_response,
        "momentum_reference": p.companies.momentum_reference,
        "clarity_response": p.companies.clarity_response,
        "company_coalition_share": p.companies.coalition_share,
        "decay": p.momentum.decay,
        "efficiency": p.momentum.efficiency,
        "clarity_law": p.clarity.law,
        "clarity_per_guidance": p.clarity.per_guidance,
        "dpa_international_grant": p.dpa.international_grant,
        "guidance_rate": p.dpa.guidance_rate,
        "network_boost": p.dpa.network_boost,
        "coalition_intl_grant": p.international.coalition_grant,
        "intl_anchor_boost": p.international.anchor_boost,
        "intl_half_life": p.international.half_life_months,
        "join_base": p.international.join_base,
        "salience_weight": p.turnover.salience_weight,
        "coalition_pressure": p.turnover.coalition_pressure,
        "international_pressure": p.turnover.international_pressure,
        "relaunch_delay": p.turnover.relaunch_delay_months,
        "relaunch_threshold": p.turnover.relaunch_threshold,
        "relaunch_priority": p.turnover.relaunch_priority,
        "adjust_rate": p.federal.adjust_rate,
        "base_budget": p.federal.base_budget,
        "budget_adjust": p.federal.budget_adjust,
        "state_transfer_share": p.federal.state_transfer_share,
        "coalition_grant_share": p.federal.coalition_grant_share,
        "learning_rate": p.federal.learning_rate,
        "withdrawal_tolerance": p.response.withdrawal_tolerance,
        "capacity_reference": p.response.capacity_reference,
        "fatigue_rate": p.response.fatigue_rate,
        "fatigue_recovery": p.response.fatigue_recovery,
        "mobilisation": p.response.mobilisation,
        "signal": p.response.signal,
        "fatigue_effect": p.response.fatigue_effect,
        "venue_shift": p.response.venue_shift,
        "federal_dependence": cfg.scenario.federal_dependence,
        "coalition_lobbying": p.senate.coalition_lobbying,
        "base_support": p.senate.base_support,
        "bill_rate": p.senate.bill_rate,
        "passage_rate": p.senate.passage_rate,
        "law_bill_boost": tactics["law"].bill_boost,
        "law_passage_boost": tactics["law"].passage_boost,
        "div_private_boost": tactics["diversified_funding"].private_boost,
        "div_international_grant": tactics["diversified_funding"].international_grant,
        "hubs_initiative_threshold": tactics["subnational_hubs"].initiative_threshold,
        "hubs_office_grant": tactics["subnational_hubs"].office_grant,
        "hubs_imitation_boost": tactics["subnational_hubs"].imitation_boost,
        "broad_join_threshold": tactics["broad_coalition"].join_threshold,
        "broad_outreach_boost": tactics["broad_coalition"].outreach_boost,
        "intl_anchor_multiplier": tactics["international_commitments"].anchor_multiplier,
        "intl_tactic_half_life": tactics["international_commitments"].half_life_months,
        "champions_anchor_boost": tactics["senate_champions"].anchor_boost,
        "champions_committee_budget": tactics["senate_champions"].committee_budget,
        "embedding_protected_share": tactics["bureaucratic_embedding"].protected_share,
        "handover_inherited_fading": tactics["transition_briefings"].inherited_fading,
        "dpa_abolition": -1 if cal.dpa_abolition is None else cal.dpa_abolition,
    }
    return np.array([float(values[name]) for name in L.P_NAMES], dtype=np.float64)


def _by_month(model: ContinuityModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Turnover months, Senate elections and salience, one entry per month of the run."""
    cal = model.calendar
    months = range(cal.start, cal.end + 1)
    turnover = np.array([m in cal.turnover_months for m in months], dtype=np.bool_)
    senate = np.array([m in cal.senate_elections for m in months], dtype=np.bool_)
    salience = np.zeros(len(months))
    for spec in model.config.scenario.salience:  # as ContinuityModel.salience: the last one dated
        salience[max(0, parse_month(spec.date) - cal.start) :] = spec.value
    return turnover, senate, salience


def _unsigned(index: np.ndarray) -> np.ndarray:
    """A sparse matrix's index array viewed as unsigned (no copy).

    Compiled code checks every signed index for a negative value (Python's wrap-around), a
    branch in the innermost loop of the sparse products that made them 1.7x slower than scipy's
    at a million actors; CSR indices are never negative, so the unsigned view reads the same.
    """
    return index.view(np.uint32 if index.dtype.itemsize == 4 else np.uint64)


def _ragged(rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Rows of integers as (values, row pointers)."""
    ptr = np.zeros(len(rows) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(r) for r in rows])
    values = np.array([v for r in rows for v in r], dtype=np.int64)
    return values, ptr


class CompiledEngine:
    """Runs a model's months with the compiled kernels (:func:`sim.compiled.month.run_months`).

    Args:
        model: The model, built (arrays, agents, calendar) but not yet run.

    """

    def __init__(self, model: ContinuityModel):
        _announce_once()
        m, st, cal = model, model.state, model.calendar
        self.model = m
        n_months = cal.end - cal.start + 1
        self.P = constants(m)
        self.S = np.zeros(len(L.S_NAMES))
        self.tactic_start = np.array(
            [
                cal.tactic_starts[name]
                if name in cal.tactic_starts and name in m.tactics_at_effort
                else NEVER
                for name in L.TACTIC_ORDER
            ],
            dtype=np.int64,
        )
        self.turnover_at, self.senate_election_at, self.salience_at = _by_month(m)
        self.nonstate = np.ascontiguousarray(m.nonstate, dtype=np.bool_)
        self.recruitable = np.ascontiguousarray(m.recruitable, dtype=np.bool_)
        self.type_code = st.type_code.astype(np.int64)
        self.state_offset = np.asarray(m.state_offset, dtype=np.int64)
        coalitions = m.coalitions
        self.co_founded = np.array(
            [-1 if c.founded is None else c.founded for c in coalitions], dtype=np.int64
        )
        self.co_pooled = np.zeros(len(coalitions))
        self.co_room = np.zeros(len(coalitions))
        coordinators = [c.coordinators for c in coalitions]
        self.co_coord_start, self.co_coord_ptr = _ragged([[s for s, _ in r] for r in coordinators])
        self.co_coord_node, _ = _ragged([[n for _, n in r] for r in coordinators])
        empty = np.empty(0, dtype=np.int64)
        self.co_founders, self.co_founders_ptr = _ragged(
            [m.founders.get(c.node_id, empty).tolist() for c in coalitions]
        )
        self.dpa_node = np.array([d.index for d in m.dpas], dtype=np.int64)
        self.dpa_alive = np.ones(len(m.dpas), dtype=np.bool_)
        self.guidance = np.zeros((len(m.dpas), n_months + 1), dtype=np.int64)
        self.n_guidance = np.zeros(len(m.dpas), dtype=np.int64)
        self.kinds = np.array(
            [[getattr(m.anchor_params(k), f) for f in L.ANCHOR_FIELDS] for k in ANCHOR_KINDS]
        )
        self.kind_code = {k: i for i, k in enumerate(ANCHOR_KINDS)}
        self.da_month = np.array([d[0] for d in m.anchor_dates], dtype=np.int64)
        self.da_kind = np.array([self.kind_code[d[1]] for d in m.anchor_dates], dtype=np.int64)
        capacity = len(m.anchor_dates) + n_months + 2
        self.an_kind = np.zeros(capacity, dtype=np.int64)
        self.an_source = np.zeros(capacity, dtype=np.int64)
        self.an_since = np.zeros(capacity, dtype=np.int64)
        self.an_honoured = np.zeros(capacity, dtype=np.bool_)
        opportunities = sorted(cal.opportunities.items())
        self.opp_month = np.array([mo for mo, names in opportunities for _ in names], np.int64)
        self.opp_name = [name for _, names in opportunities for name in names]
        self.opp_index = {}
        for k, (mo, name) in enumerate(zip(self.opp_month.tolist(), self.opp_name, strict=True)):
            self.opp_index.setdefault((name, mo), k)
        self.made_month = np.zeros(len(self.opp_name) + 1, dtype=np.int64)
        self.made_opp = np.zeros(len(self.opp_name) + 1, dtype=np.int64)
        self.relaunch_months = np.zeros(n_months + 1, dtype=np.int64)
        self.contribution_types = np.array(
            [TYPE_CODE[t] for t in CONTRIBUTIONS.values()], dtype=np.int64
        )
        self.streams = tuple(getattr(m.streams, name) for name in PROCESSES)
        self.rng = addresses(self.streams)  # valid while the model holds its streams

    # ------------------------------------------------------------ Python state <-> S
    def pack(self) -> None:
        """Copy the Python-level state of the model and its rule-rich agents into the arrays."""
        m, S = self.model, self.S
        adm, senate = m.administration, m.senate
        lines = getattr(adm, "lines", None) or {}
        values = {
            "month": m.month,
            "knowhow": m.federal_knowhow,
            "appropriation": 0.0 if m.appropriation is None else m.appropriation,
            "appropriation_set": m.appropriation is not None,
            "law_in_force": m.law_in_force,
            "law_passed": -1 if m.law_passed_month is None else m.law_passed_month,
            "ecosystem_investment": m.ecosystem_investment,
            "priority_peak": m.priority_peak,
            "budget_peak": m.budget_peak,
            "withdrawal": m.withdrawal,
            "capacity": m.capacity,
            "mobilisation": m.mobilisation,
            "fatigue": m.fatigue,
            "wins": m.wins,
            "agenda": adm.agenda_priority,
            "inherited": adm.inherited,
            "endogenous": adm.endogenous,
            "took_office": adm.took_office,
            "relaunched": adm.relaunched,
            "budget": adm.budget,
            "line_state_transfers": lines.get("state_transfers", 0.0),
            "line_coalition_grants": lines.get("coalition_grants", 0.0),
            "line_federal_program": lines.get("federal_program", 0.0),
            "bills": senate.bills_introduced if senate is not None else 0,
            "pending": senate.pending if senate is not None else 0,
            "n_anchors": len(m.anchors),
            "n_made": len(m.commitments_made),
            "n_relaunches": len(m.relaunches),
            "cut_start": -1 if m.calendar.cut_start is None else m.calendar.cut_start,
            "offices_abolished": m.offices_abolished,
            "rec_n": m.recorder.n,
            "turnover_due": 0.0,
        }
        S[:] = [float(values[name]) for name in L.S_NAMES]
        for k, a in enumerate(m.anchors):
            self.an_kind[k] = self.kind_code[a.kind]
            self.an_source[k], self.an_since[k], self.an_honoured[k] = a.source, a.since, a.honoured
        for k, (name, month) in enumerate(m.commitments_made):
            self.made_month[k], self.made_opp[k] = month, self.opp_index.get((name, month), 0)
        self.relaunch_months[: len(m.relaunches)] = m.relaunches
        for j, c in enumerate(m.coalitions):
            self.co_pooled[j], self.co_room[j] = c.pooled, c.intake_room
        for k, d in enumerate(m.dpas):
            self.dpa_alive[k] = d.alive
            self.n_guidance[k] = len(d.guidance_months)
            self.guidance[k, : len(d.guidance_months)] = d.guidance_months

    def unpack(self) -> None:
        """Copy the arrays back into the model and its agents (the inverse of :meth:`pack`)."""
        m, S = self.model, self.S
        v = dict(zip(L.S_NAMES, S.tolist(), strict=True))
        rec = m.recorder
        new_rows = int(v["rec_n"]) - rec.n
        if new_rows:
            rec.administration.extend([m.administration.name] * new_rows)
            rec.n = int(v["rec_n"])
        m.month = int(v["month"])
        m.federal_knowhow = v["knowhow"]
        m.appropriation = v["appropriation"] if v["appropriation_set"] else None
        m.law_in_force = bool(v["law_in_force"])
        m.law_passed_month = None if v["law_passed"] < 0 else int(v["law_passed"])
        m.ecosystem_investment = v["ecosystem_investment"]
        m.priority_peak, m.budget_peak = v["priority_peak"], v["budget_peak"]
        m.withdrawal, m.capacity = v["withdrawal"], v["capacity"]
        m.mobilisation, m.fatigue, m.wins = v["mobilisation"], v["fatigue"], int(v["wins"])
        m.offices_abolished = bool(v["offices_abolished"])
        adm = m.administration
        adm.agenda_priority, adm.inherited = v["agenda"], v["inherited"]
        adm.relaunched, adm.budget = bool(v["relaunched"]), v["budget"]
        if v["appropriation_set"]:
            adm.lines = {
                "state_transfers": v["line_state_transfers"],
                "coalition_grants": v["line_coalition_grants"],
                "federal_program": v["line_federal_program"],
            }
        if m.senate is not None:
            m.senate.bills_introduced, m.senate.pending = int(v["bills"]), int(v["pending"])
        names = [name for _, _, name in m.anchor_dates]
        m.anchors = [
            Anchor(
                ANCHOR_KINDS[self.an_kind[k]],
                names[self.an_source[k]] if self.an_source[k] >= 0 else "AI law",
                int(self.an_since[k]),
                bool(self.an_honoured[k]),
                int(self.an_source[k]),
            )
            for k in range(int(v["n_anchors"]))
        ]
        m.commitments_made = [
            (self.opp_name[self.made_opp[k]], int(self.made_month[k]))
            for k in range(int(v["n_made"]))
        ]
        m.relaunches = self.relaunch_months[: int(v["n_relaunches"])].tolist()
        for j, c in enumerate(m.coalitions):
            c.pooled, c.intake_room = float(self.co_pooled[j]), float(self.co_room[j])
        for k, d in enumerate(m.dpas):
            d.guidance_months = self.guidance[k, : self.n_guidance[k]].tolist()

    # ------------------------------------------------------------ running
    def call(self, last: int, phase: int) -> int:
        """One call of the compiled loop (months ``model.month .. last``)."""
        m, st = self.model, self.model.state
        w, a, s = m.weights, m.adjacency, m.state_ties
        u = _unsigned
        rec = m.recorder
        self.pack()
        status = run_months(
            last, phase, self.P, self.S, self.tactic_start, self.turnover_at,
            self.senate_election_at, self.salience_at,
            u(w.indptr), u(w.indices), w.data, u(a.indptr), u(a.indices), a.data, m.degree,
            u(s.indptr), u(s.indices), s.data, m.state_degree, m.intl_share, m.international_ties,
            self.type_code, st.commitment, st.anchor, st.susceptibility, st.resources,
            st.funding, st.effort, st.coalition, st.ai_office, st.office_opened, m.base_anchor,
            m.base_resources, self.nonstate, self.recruitable, m.recruitable_count, m.state_idx,
            self.state_offset, m.company_idx, m.intl_idx, m.pillar_matrix, m.momentum,
            m.momentum_by_type,
            m.coalition_nodes, self.co_founded, self.co_pooled, self.co_room,
            self.co_coord_start, self.co_coord_node, self.co_coord_ptr, self.co_founders,
            self.co_founders_ptr,
            self.dpa_node, self.dpa_alive, self.guidance, self.n_guidance, self.kinds,
            self.da_month, self.da_kind, self.an_kind, self.an_source, self.an_since,
            self.an_honoured, self.opp_month, self.made_month, self.made_opp,
            self.relaunch_months,
            rec.table, rec.months, self.contribution_types,
            self.rng,
        )  # fmt: skip
        self.unpack()
        return int(status)

    def advance(self, last: int) -> None:
        """Run the model's months up to ``last`` (inclusive), handing turnovers to Python."""
        m = self.model
        phase = 0
        while m.month <= last:
            if self.call(last, phase) == L.DONE:
                return
            if self.S[L.S_TURNOVER_DUE]:
                m.turn_over()
            if m.month == m.calendar.dpa_abolition:
                for dpa in m.dpas:
                    dpa.abolish()
            phase = 1
