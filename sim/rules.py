"""The vectorised monthly rules: one short method per process, over all actors at once.

These are mixed into :class:`sim.model.ContinuityModel`. They read and write the
model's arrays (:class:`sim.state.ActorState`) and the sparse network, so a
month costs a handful of numpy/scipy operations whatever the number of actors.
Within a rule every actor is updated from the same previous values
(synchronous update); rules run one after another in the order of
``ContinuityModel.step``.
"""

from __future__ import annotations

import numpy as np

from sim.numerics import _clip, _sum, matvec  # noqa: F401  (speed helpers)
from sim.state import FEDERAL, INTERNATIONAL, OWN, PRIVATE


def interest_above(commitment: np.ndarray, theta: float) -> np.ndarray | float:
    """Interest max(0, c − θ) / (1 − θ): zero up to the threshold θ, 1 at full commitment.

    Used for joining a coalition (``join_threshold``) and a state's own initiative
    (``initiative_threshold``); θ = 1 means nobody acts.
    """
    if theta >= 1:
        return 0.0
    return np.maximum(0.0, commitment - theta) / (1.0 - theta)


class VectorisedRules:
    """Processes of states, companies, organisations and the momentum stock."""

    def update_commitments(self) -> None:
        """Friedkin–Johnsen update of every actor's commitment (synchronous).

        c ← s ⊙ (W c) + (1 − s) ⊙ a, with W the row-normalised tie weights, s the
        susceptibility of each actor type and a each actor's anchor (its own
        predisposition; the administration's agenda). Coalition members are also
        pulled towards their coalition's commitment by ``member_pull``.
        Friedkin & Johnsen (1990, J. Math. Sociol. 15:193); Friedkin (2015,
        IEEE Control Systems 35(3)).
        """
        st = self.state
        c = st.commitment
        sus = st.susceptibility
        # s ⊙ (W c) + (1 − s) ⊙ a: the same operations, in place (one temporary instead of four)
        new = matvec(self.weights, c)
        np.multiply(sus, new, out=new)
        own = np.subtract(1.0, sus)
        np.multiply(own, st.anchor, out=own)
        np.add(new, own, out=new)
        members = (st.coalition >= 0).nonzero()[0]  # np.flatnonzero of a 1-D array
        if members.size:
            nodes = self.coalition_nodes
            # each member's coalition commitment (with one coalition: the same for all, so its
            # scalar gives the same differences without gathering it per member)
            target = c[nodes[0]] if nodes.size == 1 else c[nodes[st.coalition[members]]]
            pull = self.params.commitment.member_pull
            # new[members] += pull * (target - new[members]), gathering new[members] once
            moved = new[members]
            moved += pull * (target - moved)
            new[members] = moved
        _clip(new, 0.0, 1.0, out=new)
        st.commitment = new

    def allocate_funding(self) -> None:
        """Each actor's resources this month by source, before private investment.

        Own resources for every actor (states add their AI office's budget);
        the federal programme to the federal seat; federal transfers to states in
        proportion to their commitment; international grants to the DPA through
        its network; under ``subnational_hubs``, private co-funding of each state
        AI office (``office_grant``). Coalitions pool theirs in ``Coalition.pool_funding``.
        """
        st, adm = self.state, self.administration
        f = st.funding
        f[:] = 0.0
        f[:, OWN] = st.resources
        f[self.seat, OWN] = 0.0
        f[self.seat, FEDERAL] = adm.lines["federal_program"]
        s = self.state_idx
        # column views: indexing them is several times faster than f[s, OWN] (same values)
        own, federal, private = f[:, OWN], f[:, FEDERAL], f[:, PRIVATE]
        if s.size:
            own[s] += self.params.states.office_budget * st.ai_office[s]
            hubs = self.tactic("subnational_hubs")
            if hubs is not None:  # hub partners co-fund each office
                private[s] += hubs.office_grant * st.ai_office[s]
            weight = st.commitment[s]
            total = _sum(weight)
            if total > 0:
                federal[s] = adm.lines["state_transfers"] * weight / total
        for dpa in self.dpas:
            if dpa.alive:
                f[dpa.index, INTERNATIONAL] = (
                    self.params.dpa.international_grant * self.intl_share[dpa.index]
                )
        own[self.coalition_nodes] = 0.0

    def invest_companies(self) -> None:
        """Companies invest in AI in response to momentum and regulatory clarity (context).

        I_i = r_i c_i (b + β_M M / (M + M_ref) + β_R R), with r_i the company's
        resources, M total momentum (saturating), R the regulatory clarity (a law in force, recent DPA
        guidance). This is the AI ecosystem's own activity, reported as
        ``ecosystem_investment``, not the strategy's momentum. Members give
        ``coalition_share`` of it to their coalition (private funding of the coalition: seed
        002 lesson 5; Facebook/IDB with C Minds and INAI, seed 000); ``diversified_funding``
        multiplies that share by 1 + ``private_boost``. Investment responds to policy
        certainty: Baker, Bloom & Davis (2016, QJE 131:1593).
        """
        st, cp = self.state, self.params.companies
        i = self.company_idx
        if i.size == 0:
            self.ecosystem_investment = 0.0
            return
        total_momentum = self.total_momentum
        drive = (
            cp.base_investment
            + cp.momentum_response * total_momentum / (total_momentum + cp.momentum_reference)
            + cp.clarity_response * self.regulatory_clarity()
        )
        invest = st.resources[i] * st.commitment[i] * drive
        self.ecosystem_investment = float(_sum(invest))
        member = st.coalition[i]
        share = cp.coalition_share
        diversified = self.tactic("diversified_funding")
        if diversified is not None:  # the coalition asks its companies for more
            share = min(1.0, share * (1.0 + diversified.private_boost))
        joined = member >= 0
        given = np.where(joined, invest * share, 0.0)
        private = st.funding[:, PRIVATE]
        if self.coalitions:
            pooled = np.bincount(
                member[joined], weights=given[joined], minlength=len(self.coalitions)
            )
            private[self.coalition_nodes] = pooled

    def open_state_offices(self) -> None:
        """States open AI offices by own initiative and by imitating peer states.

        Hazard h_s = ι v m max(0, c_s − θ) / (1 − θ) + μ e_s: a state acts on its own only
        when the strategy ranks above θ (``initiative_threshold``) in its government's
        priorities and a mobilised coalition brings the agenda to it (venue pressure v m,
        :meth:`StateResponses.venue_pressure`: while the federal government leads, states follow
        its programme rather than open offices of their own), and e_s is the weighted share of its ties to other states that
        have an office (policy diffusion: Berry & Berry 1990, APSR 84:395; Shipan &
        Volden 2008). Jalisco's AI office and hub (seed 002; El Economista,
        2019-11-21) is the case in point: one state acted while the rest did not.
        The ``subnational_hubs`` tactic lowers θ to its own ``initiative_threshold``
        and multiplies μ by ``imitation_boost``.
        """
        st, sp = self.state, self.params.states
        s = self.state_idx
        if s.size == 0 or self.offices_abolished:
            return
        office = st.ai_office[s]
        exposure = matvec(self.state_ties, office.astype(float)) / self.state_degree
        theta, imitation = sp.initiative_threshold, sp.imitation_rate
        hubs = self.tactic("subnational_hubs")
        if hubs is not None:  # the coalition backs state hubs and shows peers what works
            theta, imitation = (
                min(theta, hubs.initiative_threshold),
                imitation * hubs.imitation_boost,
            )
        own = sp.initiative_rate * interest_above(st.commitment[s], theta) * self.venue_pressure()
        hazard = own + imitation * exposure
        draws = self.streams.offices.random(s.size)
        opened = ~office & (draws < 1.0 - np.exp(-hazard))
        if opened.any():
            self.record_win()
        office = office | opened
        st.ai_office[s] = office
        st.office_opened[s] |= office  # what st.ai_office[s] now holds (s has no repeats)

    def hold_state_elections(self) -> None:
        """States with an election this month renew their government.

        Staggered cycles of ``state_cycle_months`` (Mexican governorships: six
        years, staggered calendars; 0 = no state elections). A new government's
        anchor is renewed (:meth:`renew_anchors`), and an AI office closes with
        probability ``close_at_election × (1 − commitment)``.
        """
        st = self.state
        cycle = self.calendar.state_cycle
        if cycle == 0:
            return
        due = self.state_idx[self.month % cycle == self.state_offset]
        if due.size == 0:
            return
        self.renew_anchors(due)
        p_close = self.params.states.close_at_election * (1.0 - st.commitment[due])
        closing = self.streams.elections.random(due.size) < p_close
        st.ai_office[due[closing]] = False

    def exert_effort(self) -> None:
        """Effort = commitment × resources of all sources: the actors' policy work.

        Organisations and companies outside any coalition devote only
        ``nonmember_engagement`` of it to the strategy (joining is what turns
        interest into coordinated work: seed 002, lesson 2); states without an
        AI office devote ``no_office_engagement`` of theirs. Federal effort is the
        federal programme the bureaucracy executes (the administration's priority
        acts through the appropriation and any cut: ``FederalAdministration.set_budget``),
        scaled by know-how (0.5 + 0.5 K); a coalition's pooled effort by its
        coordination gain; international bodies anchor and fund but do not
        exert effort themselves; an abolished DPA has no resources left.
        """
        st = self.state
        total = self.funding_sums(st.funding)  # st.funding.sum(axis=1)
        effort = st.commitment * total
        effort[self.seat] = total[self.seat]  # the administration acts through its budget
        outside = self.recruitable & (st.coalition < 0)
        # effort[outside] *= g without the boolean gather and scatter: the others are multiplied
        # by 1.0, which leaves every float as it is
        g = self.params.coalition.nonmember_engagement
        np.multiply(effort, np.where(outside, g, 1.0), out=effort)
        s = self.state_idx
        effort[s] *= np.where(st.ai_office[s], 1.0, self.params.states.no_office_engagement)
        effort[self.seat] *= 0.5 + 0.5 * self.federal_knowhow
        effort[self.coalition_nodes] *= self.params.coalition.coordination_gain
        effort[self.intl_idx] = 0.0
        st.effort = effort

    def update_momentum(self) -> None:
        """Momentum per pillar is a stock: M ← (1 − δ) M + η Σ_i e_i w_{type(i)}.

        Each actor type spreads its effort over the five pillars of the strategy
        (seed 002: governance; R&D; skills; data; ethics) by
        ``params.momentum.pillar_weights``. The same stock is kept by actor type
        so contributions add up to total momentum. Stock-and-flow with decay:
        policy momentum fades unless renewed (Sterman 2000, ch. 6).
        """
        decay = self.params.momentum.decay
        eta = self.params.momentum.efficiency
        by_type = self.type_sums(self.state.effort)  # np.bincount(type_code, effort, 8)
        self.momentum = (1.0 - decay) * self.momentum + eta * (by_type @ self.pillar_matrix)
        self.momentum_by_type = (1.0 - decay) * self.momentum_by_type + eta * by_type

    def renew_anchors(self, idx: np.ndarray) -> None:
        """New office-holders: anchors move by ``renewal`` towards fresh draws.

        a ← (1 − r) a + r · x, x ~ Beta(κ a₀, κ (1 − a₀)): an elected government
        brings its own predisposition towards the strategy, drawn around the
        body's structural one a₀ (its initial anchor: e.g. Jalisco's technology
        ecosystem outlasts its governors) with concentration κ =
        ``fresh_concentration`` (smaller κ, more varied newcomers).
        """
        el = self.config.shocks.elections
        base = np.clip(self.base_anchor[idx], 0.01, 0.99)
        kappa = el.fresh_concentration
        fresh = self.streams.elections.beta(kappa * base, kappa * (1.0 - base))
        self.state.anchor[idx] = (1.0 - el.renewal) * self.state.anchor[idx] + el.renewal * fresh

    # --------------------------------------------------------------- helpers
    @property
    def total_momentum(self) -> float:
        """Total momentum (sum over pillars)."""
        return float(_sum(self.momentum))

    def regulatory_clarity(self) -> float:
        """Clarity R in [0, 1] that companies respond to.

        R = min(1, ``clarity.law`` · [law in force] + ``clarity.per_guidance`` · g),
        with g the number of DPA guidance documents of the last
        ``clarity.memory_months`` months (rules of the game reduce uncertainty).
        """
        cl = self.params.clarity
        recent = sum(
            1 for dpa in self.dpas for m in dpa.guidance_months if self.month - m < cl.memory_months
        )
        return min(1.0, cl.law * self.law_in_force + cl.per_guidance * recent)

    def coalition_share(self) -> float:
        """Share of organisations and companies that belong to a coalition."""
        pool = self.recruitable_count
        if pool == 0:
            return 0.0
        return float(np.count_nonzero(self.state.coalition >= 0)) / pool
