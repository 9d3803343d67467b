"""The Senate: support for the strategy, bills, and endogenous passage of a law."""

from __future__ import annotations

import numpy as np

from sim.agents.base import ActorAgent
from sim.state import OWN


class Senate(ActorAgent):
    """The upper chamber; committees take up AI and may pass a law.

    Attributes:
        bills_introduced: Cumulative number of AI bills introduced.
        pending: Bills introduced and not yet voted into law.

    """

    def __init__(self, model, index, node_id, name):
        super().__init__(model, index, node_id, name)
        self.bills_introduced = 0
        self.pending = 0

    @property
    def support(self) -> float:
        """Support = commitment × (base + lobbying × coalition share × venue pressure), ≤ 1.

        Senators turn ``base_support`` of their commitment into legislative
        activity on their own; coalition lobbying adds ``coalition_lobbying`` per
        unit of the share of the recruitable population that is in a coalition
        and of the venue pressure
        (seed 002: the coalition "is currently participating in legislative
        initiatives"). The coalition lobbies the Senate when it shifts venue, after the
        government walks away: lobbying scales with the venue pressure v m
        (:meth:`StateResponses.venue_pressure`).
        """
        m = self.model
        sp = m.params.senate
        lobbying = sp.coalition_lobbying * m.coalition_share() * m.venue_pressure()
        return min(1.0, self.commitment * (sp.base_support + lobbying))

    def step(self) -> None:
        """Monthly rules: keep champions (tactic), introduce bills, then vote on pending ones."""
        self.keep_champions()
        support = self.support  # the same for both: nothing in between moves it
        self.introduce_bills(support)
        self.vote_on_bills(support)

    def keep_champions(self) -> None:
        """Tactic ``senate_champions``: anchor ≥ base + ``anchor_boost``; committee resources.

        Senators who champion the strategy keep it on the chamber's agenda,
        including after an election renews the chamber, and put committee work
        and forums behind it (``committee_budget`` a month, own funding; later
        reporting: a Senate-hosted national AI alliance, 2023–24). Issue champions
        and policy entrepreneurs: Kingdon 1984; seed 002 lesson 3, involve the Senate.
        """
        tactic = self.model.tactic("senate_champions")
        if tactic is None:
            return
        st = self.model.state
        floor = min(1.0, self.model.base_anchor[self.index] + tactic.anchor_boost)
        st.anchor[self.index] = max(st.anchor[self.index], floor)
        st.funding[self.index, OWN] += tactic.committee_budget

    def introduce_bills(self, support: float | None = None) -> None:
        """New bills ~ Poisson(``bill_rate`` × support): interest costs little.

        The ``law`` tactic (a campaign for an AI law) adds ``bill_boost`` times as many.

        Args:
            support: :attr:`support`, if the caller has it.

        """
        if support is None:
            support = self.support
        rate = self.model.params.senate.bill_rate * support
        tactic = self.model.tactic("law")
        if tactic is not None:
            rate *= 1.0 + tactic.bill_boost
        k = int(self.model.streams.bills.poisson(rate))
        self.bills_introduced += k
        self.pending += k

    def vote_on_bills(self, support: float | None = None) -> None:
        """With bills pending, a law passes this month with p = ``passage_rate × support × priority``.

        A law needs both the chamber and the executive's majority behind it: in
        Mexico the governing coalition controls the legislative agenda, so
        passage scales with the federal priority too (many AI bills 2020–24, none
        passed: later public reporting). Pending bills are competing
        drafts of one law, so their number does not multiply the chance: it
        takes one decision to legislate. Passage locks in the law. Under the
        ``law`` tactic the bills are drafted with the coalition to pass
        (cross-party sponsors, negotiated text): p is multiplied by ``passage_boost``.

        Args:
            support: :attr:`support`, if the caller has it.

        """
        m = self.model
        draw = m.streams.passage.random()  # drawn every month: common random numbers
        if m.law_in_force or self.pending == 0:
            return
        if support is None:
            support = self.support
        fed = m.administration.priority
        p = m.params.senate.passage_rate * support * fed
        tactic = m.tactic("law")
        if tactic is not None:
            p = min(1.0, p * tactic.passage_boost)
        if draw < p:
            m.enact_law()
            self.pending = 0

    def hold_election(self) -> None:
        """A new legislature: its anchor is renewed and pending bills lapse.

        The anchor moves by ``shocks.elections.renewal`` towards a fresh draw
        (``ContinuityModel.renew_anchors``); bills not passed by the outgoing
        legislature are dropped (the end of a legislature clears its backlog).
        """
        self.model.renew_anchors(np.array([self.index]))
        self.pending = 0
