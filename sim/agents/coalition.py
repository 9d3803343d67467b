"""Coalitions: founding, recruitment over the network, pooled funding."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.agents.base import ActorAgent
from sim.numerics import _sum, matvec_rows
from sim.rules import interest_above
from sim.state import FEDERAL, INTERNATIONAL, OWN

if TYPE_CHECKING:  # pragma: no cover
    from sim.model import ContinuityModel


_any = np.logical_or.reduce  # what ndarray.any calls, without its Python-level wrapper


class Coalition(ActorAgent):
    """A multi-stakeholder coalition (e.g. IA2030Mx) and its members.

    Args:
        model: The model.
        index: The coalition's row in the model arrays.
        node_id: Its node id.
        name: Its name.
        number: Its position in the model's coalition list (the value stored in
            ``state.coalition`` for its members).
        founded: Month (absolute) it is founded, or ``None`` if never.

    """

    def __init__(
        self,
        model: ContinuityModel,
        index: int,
        node_id: str,
        name: str,
        number: int = 0,
        founded: int | None = None,
    ):
        super().__init__(model, index, node_id, name)
        self.number = number
        self.founded = founded
        self.pooled = 0.0
        self.intake_room = 0.0  # places left this month (fractions carry over, see admit)
        self.coordinators: list[tuple[int, int]] = []  # (from month, node index), by month

    @property
    def active(self) -> bool:
        """Whether the coalition has been founded."""
        return self.founded is not None and self.model.month >= self.founded

    @property
    def members(self) -> np.ndarray:
        """Indices of the member actors."""
        return (self.model.state.coalition == self.number).nonzero()[0]  # 1-D: flatnonzero

    @property
    def size(self) -> int:
        """Number of members."""
        return int(np.count_nonzero(self.model.state.coalition == self.number))

    def step(self) -> None:
        """Monthly rules: found (once), recruit, lose members, pool funding."""
        if not self.active:
            return
        if self.model.month == self.founded:
            self.found()
        self.follow_coordinator()
        self.recruit_members()
        self.pool_funding(self.lose_members())

    def found(self) -> None:
        """Founding members (``founding_member`` in the network) join at once.

        Source: IA2030Mx "started as the collaboration of 10 institutions" (seed 002).
        """
        founders = self.model.founders.get(self.node_id, np.empty(0, dtype=int))
        free = founders[self.model.state.coalition[founders] < 0]
        self.model.state.coalition[free] = self.number

    @property
    def coordinator(self) -> int | None:
        """Node index of the coordinating institution this month, if the scenario names one."""
        current = [node for start, node in self.coordinators if start <= self.model.month]
        return current[-1] if current else None

    def follow_coordinator(self) -> None:
        """The coalition's anchor is its coordinating institution's commitment.

        A coalition's agenda follows the institution that coordinates it (its
        Friedkin–Johnsen anchor), so a hand-over moves it (seed 000: IA México
        selected as "Coordinating Institution 2021-2022" of IA2030Mx). Without a
        named coordinator the anchor stays the coalition's own.
        """
        node = self.coordinator
        if node is not None:
            st = self.model.state
            st.anchor[self.index] = st.commitment[node]

    def recruit_members(self) -> None:
        """Non-members join with probability rising with exposure and commitment.

        For a non-member organisation or company *i* with commitment c_i,
        p_i = 1 − exp(−κ_i (r · e_i + o · u)), with interest
        κ_i = max(0, c_i − θ) / (1 − θ): only actors whose commitment exceeds the
        join threshold θ consider joining (participation thresholds: Granovetter
        1978, AJS 83:1420). e_i is the weighted share of its ties that are members
        (social contagion over the network: Centola & Macy 2007; coalition
        recruitment through networks: Diani 2015), r the recruit rate, o the
        outreach rate and u = min(1, pooled / outreach_cost) the coalition's
        outreach capacity (national consultations, events: seed 002 reports a
        consultation reaching 1,500+ people). The ``broad_coalition`` tactic
        lowers θ to its own ``join_threshold`` and multiplies o by ``outreach_boost``.
        When the government walks away a mobilised coalition campaigns harder: u is multiplied
        by the venue shift 1 + v m (:meth:`StateResponses.venue_shift`; the 2019–2020 national
        consultation and agenda with 400+ actors came after the federal withdrawal, seed 000).
        Those who would join are admitted within the coalition's intake (:meth:`admit`).
        """
        m, st = self.model, self.model.state
        cp = m.params.coalition
        candidates = (st.coalition < 0) & m.recruitable
        outreach = min(1.0, self.pooled / cp.outreach_cost)
        theta, outreach_rate = cp.join_threshold, cp.outreach_rate
        broad = m.tactic("broad_coalition")
        if broad is not None:  # reach across parties and sectors
            theta = min(theta, broad.join_threshold)
            outreach_rate *= broad.outreach_boost
        draws = m.streams.recruitment.random(len(st.commitment))
        if theta >= 1:  # nobody is interested (interest_above is 0: no hazard, no join)
            return
        # Only candidates above the threshold can join: elsewhere the hazard is 0 (or NaN) and
        # ``draws < 1 − exp(−hazard)`` fails. Their hazards alone, entry for entry the same.
        able = (candidates & (st.commitment > theta)).nonzero()[0]
        if able.size == 0:
            return
        is_member = (st.coalition == self.number).astype(float)
        exposure = matvec_rows(m.adjacency, able, is_member) / m.degree[able]
        interest = interest_above(st.commitment[able], theta)
        outreach *= m.venue_shift()  # a mobilised coalition campaigns harder
        hazard = interest * (cp.recruit_rate * exposure + outreach_rate * outreach)
        p_join = 1.0 - np.exp(-hazard)
        drawn = draws[able]
        ready = drawn < p_join
        eagerness = drawn[ready] / p_join[ready]  # smaller = further inside its odds
        intake = cp.intake * (broad.outreach_boost if broad is not None else 1.0)
        st.coalition[self.admit(able[ready], eagerness, intake)] = self.number

    def admit(self, applicants: np.ndarray, eagerness: np.ndarray, intake: float) -> np.ndarray:
        """Admit at most n = n₀ (1 + m) applicants a month, the most eager first.

        A coalition takes members in through its secretariat (vetting, onboarding, working
        groups), so its growth is limited by that capacity, not only by who is willing:
        n₀ = ``coalition.intake`` members a month (times the ``broad_coalition`` tactic's
        ``outreach_boost``), raised by mobilisation m when the government walks away
        (resource mobilisation: McCarthy & Zald 1977, AJS 82:1212). Unused places do not
        accumulate beyond one month; fractions carry over, so n₀ = 2.8 admits 14 members in
        five months. Seed 002: IA2030Mx grew from 10 institutions (2018) to more than 110
        (2020), about three a month. Which applicants come first uses the draws already made
        (the smallest draw relative to its joining probability), so no extra random number.

        Args:
            applicants: Actor indices who would join this month.
            eagerness: Their draw ÷ joining probability (in [0, 1)).
            intake: n₀ this month.

        Returns:
            The admitted actors, in index order.

        """
        places = intake * (1.0 + self.model.mobilisation)
        self.intake_room += places
        room = int(self.intake_room + 1e-9)  # 5 × 2.8 places are 14, not 13.999…
        if applicants.size > room:
            first = np.argsort(eagerness, kind="stable")[:room]
            applicants = np.sort(applicants[first])
        self.intake_room = min(self.intake_room - applicants.size, places)
        return applicants

    def lose_members(self) -> np.ndarray:
        """Members leave with probability ``leave_rate × (1 − commitment)``.

        Returns:
            The members who stay (``self.members`` after the departures, in the same order).

        """
        m, st = self.model, self.model.state
        draws = m.streams.leaving.random(len(st.commitment))  # one per actor: common numbers
        members = self.members
        if members.size == 0:
            return members
        p_leave = m.params.coalition.leave_rate * (1.0 - st.commitment[members])
        leaves = draws[members] < p_leave
        if not _any(leaves):  # nobody leaves
            return members
        st.coalition[members[leaves]] = -1
        return members[~leaves]

    def pool_funding(self, members: np.ndarray | None = None) -> None:
        """Pool the coalition's monthly resources by source.

        Own: members' dues, ``dues_share`` of their own resources this month,
        moved from the members to the coalition. Federal: the administration's coalition grants (shared among
        active coalitions). Private: companies' contributions (set by
        ``invest_companies``). International: grants from the international
        bodies the coalition is tied to, plus ``international_grant`` under the
        ``diversified_funding`` tactic. Seed 002 lesson 5: public *and private*
        funding sustains a strategy.

        Args:
            members: The coalition's members, if the caller has them (``self.members``).

        """
        m, st = self.model, self.model.state
        if members is None:  # else the caller's ``self.members`` of this month
            members = self.members
        row = st.funding[self.index]
        own = st.funding[:, OWN]  # a column view: faster to index than st.funding[members, OWN]
        dues = m.params.coalition.dues_share * own[members]
        own[members] -= dues
        row[OWN] = float(_sum(dues))
        row[FEDERAL] = m.coalition_grant_each()
        row[INTERNATIONAL] = (
            m.params.international.coalition_grant * m.international_ties[self.index]
        )
        diversified = m.tactic("diversified_funding")
        if diversified is not None:
            row[INTERNATIONAL] += diversified.international_grant
        self.pooled = float(_sum(row))
