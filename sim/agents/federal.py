"""The federal administration in office: priority, budget, know-how, succession."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.agents.base import ActorAgent

if TYPE_CHECKING:  # pragma: no cover
    from sim.model import ContinuityModel


class FederalAdministration(ActorAgent):
    """One federal administration; successive administrations are successive agents.

    The administration occupies the network's federal seat (one node). Its
    commitment *is* its priority for the strategy. Its anchor is its own agenda
    plus what it inherited from its predecessor (fading) plus the pull of the
    international commitments the country has made.

    Args:
        model: The model.
        index: The federal seat's row in the model arrays.
        node_id: The seat's node id.
        name: The administration's name (e.g. "López Obrador (2018-2024)").
        agenda_priority: Priority of the strategy on its own agenda, in [0, 1].
        inherited: Priority inherited from the predecessor at take-over.

    """

    def __init__(
        self,
        model: ContinuityModel,
        index: int,
        node_id: str,
        name: str,
        agenda_priority: float,
        inherited: float = 0.0,
    ):
        super().__init__(model, index, node_id, name)
        self.agenda_priority = agenda_priority
        self.inherited = inherited
        self.took_office = model.month
        self.budget = 0.0

    @property
    def priority(self) -> float:
        """The strategy's priority for this administration, in [0, 1]."""
        return self.commitment

    def step(self) -> None:
        """Monthly rules, in order: anchor the agenda, budget, learn."""
        self.set_anchor()
        self.set_budget()
        self.learn_know_how()

    def set_anchor(self) -> None:
        """Anchor = own agenda + fading inheritance + international pull (+ law floor).

        The inherited priority fades by ``params.federal.adjust_rate`` per month:
        a new government keeps its predecessor's programmes running for a while,
        then its own agenda dominates (policy succession: Hogwood & Peters 1982).
        Each international commitment made k months ago adds
        ``anchor_boost × 0.5^(k / half_life_months)`` (commitments as external
        anchors that fade unless renewed: Friedkin & Johnsen 1990; OECD 2019
        principles). A law in force sets a floor (``params.law.priority_floor``).
        Under ``transition_briefings`` the inheritance fades at the tactic's
        ``inherited_fading`` instead (a briefed team adopts items as its own).
        """
        p = self.model.params
        briefed = self.model.tactic("transition_briefings")
        fading = briefed.inherited_fading if briefed is not None else p.federal.adjust_rate
        self.inherited *= 1.0 - fading
        anchor = self.agenda_priority + self.inherited + self.model.international_pull()
        if self.model.law_in_force:
            anchor = max(anchor, p.law.priority_floor)
        self.model.state.anchor[self.index] = min(1.0, anchor)

    def set_budget(self) -> None:
        """The appropriation moves towards base budget × priority; a cut takes its share at once.

        A ← A + λ (B₀ · max(priority, law floor) − A), λ = ``federal.budget_adjust``:
        budgets are incremental, so an appropriation follows a new priority over
        budget cycles (Wildavsky 1964; Davis, Dempster & Wildavsky 1966, APSR 60:529),
        while a cut is an explicit decision that applies at once to the lines it
        names. The appropriation is split into the federal programme, transfers to
        states and grants to coalitions. A law in force keeps at least
        ``params.law.budget_floor`` of the base budget whatever the priority or the
        cut (legal lock-in of an appropriation). Under ``bureaucratic_embedding``
        a ``protected_share`` of the programme sits in career units the cut spares.
        """
        m = self.model
        fed = m.params.federal
        target = fed.base_budget * max(self.priority, m.law_floor_priority())
        if m.appropriation is None:
            m.appropriation = target
        m.appropriation += fed.budget_adjust * (target - m.appropriation)
        budget = m.appropriation
        lines = {
            "state_transfers": budget * fed.state_transfer_share,
            "coalition_grants": budget * fed.coalition_grant_share,
        }
        # the rest; at least 0 (shares summing to 1 can leave a rounding error below 0)
        lines["federal_program"] = max(0.0, budget - sum(lines.values()))
        career = m.tactic("bureaucratic_embedding")
        for line in lines:
            cut = m.cut_fraction(line)
            if career is not None and line == "federal_program":
                cut *= 1.0 - career.protected_share  # career units keep their line
            lines[line] *= 1.0 - cut
        if m.law_in_force:
            floor = m.params.law.budget_floor * fed.base_budget
            total = sum(lines.values())
            if 0 < total < floor:
                lines = {k: v * floor / total for k, v in lines.items()}
            elif total == 0 < floor:
                lines = dict.fromkeys(lines, 0.0) | {"federal_program": floor}
        self.lines = lines
        self.budget = sum(lines.values())

    def learn_know_how(self) -> None:
        """Federal know-how grows with the programme: K += rate × (programme / base) × (1 − K).

        Know-how (teams, methods, relationships) grows with the federal programme
        actually funded (so a cut slows learning) and raises the efficiency of
        federal effort; what is not embedded in law or career units is lost at
        turnover (see :meth:`succeed`).
        """
        fed = self.model.params.federal
        funded = (
            min(1.0, self.lines["federal_program"] / fed.base_budget) if fed.base_budget else 0.0
        )
        self.model.federal_knowhow += (
            fed.learning_rate * funded * (1.0 - self.model.federal_knowhow)
        )

    def succeed(self, name: str, agenda_priority: float) -> FederalAdministration:
        """Leave office and create the successor administration (a new agent).

        The successor inherits ``inheritance × priority × (1 − branding_penalty)``:
        a new government rebrands or drops its predecessor's flagship programmes
        (partisan branding penalty). Federal know-how not embedded in law or the
        bureaucracy is lost: K ← K × e, with e = ``turnover.embedded_share``, or
        ``law.embedded_share`` if that is larger and a law is in force (a law
        creates mandates and units that outlive the administration).
        Tactics: ``transition_briefings`` replaces the inheritance and branding
        penalty by its own (an incoming team that was briefed keeps more);
        ``bureaucratic_embedding`` keeps at least its ``embedded_share``.

        Args:
            name: The successor's name.
            agenda_priority: The strategy's priority on the successor's own agenda.

        Returns:
            The new administration, now in office.

        """
        m = self.model
        tp = m.params.turnover
        inheritance, penalty = tp.inheritance, tp.branding_penalty
        briefings = m.tactic("transition_briefings")
        if briefings is not None:
            inheritance, penalty = briefings.inheritance, briefings.branding_penalty
        inherited = inheritance * self.priority * (1.0 - penalty)
        embedded = tp.embedded_share
        if m.law_in_force:
            embedded = max(embedded, m.params.law.embedded_share)
        career = m.tactic("bureaucratic_embedding")
        if career is not None:
            embedded = max(embedded, career.embedded_share)
        m.federal_knowhow *= embedded
        successor = FederalAdministration(
            m, self.index, self.node_id, name, agenda_priority, inherited=inherited
        )
        self.remove()
        successor.commitment = min(1.0, agenda_priority + inherited)
        return successor
