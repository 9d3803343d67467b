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
        agenda_priority: Priority of the strategy on its own agenda, in [0, 1]; ``None``: it
            follows from the turnover rules (:meth:`own_agenda`, :meth:`succeed`).
        inherited: Priority inherited from the predecessor at take-over.
        orientation: Its place on the left (−1) … right (+1) axis; opposite camps are 2 apart.

    """

    def __init__(
        self,
        model: ContinuityModel,
        index: int,
        node_id: str,
        name: str,
        agenda_priority: float | None,
        inherited: float = 0.0,
        orientation: float = 0.0,
    ):
        super().__init__(model, index, node_id, name)
        self.endogenous = agenda_priority is None
        self.agenda_priority = (
            model.params.turnover.baseline_priority if agenda_priority is None else agenda_priority
        )
        self.inherited = inherited
        self.orientation = orientation
        self.took_office = model.month
        self.relaunched = False
        self.budget = 0.0

    @property
    def priority(self) -> float:
        """The strategy's priority for this administration, in [0, 1]."""
        return self.commitment

    def step(self) -> None:
        """Monthly rules, in order: consider a relaunch, anchor the agenda, budget, learn."""
        self.consider_relaunch()
        self.set_anchor()
        self.set_budget()
        self.learn_know_how()

    def pressure(self) -> float:
        """Outside pressure on an administration that did not choose the strategy itself.

        P = w_s S + w_c K + w_i I + A: public salience S of AI (``scenario.salience``), the
        coalition's capacity K to press for it (:meth:`ContinuityModel.read_federal_signal`),
        the pull I of the international commitments made, with weights ``salience_weight``,
        ``coalition_pressure`` and ``international_pressure`` (issue attention and outside
        pressure on executive agendas: Kingdon 1984; Baumgartner & Jones 1993), and the push A
        of the institutional anchors in force -- their priority floor: a mandate and a unit
        that keep asking for the policy (:mod:`sim.anchors`).
        """
        m = self.model
        tp = m.params.turnover
        return (
            tp.salience_weight * m.salience()
            + tp.coalition_pressure * m.capacity
            + tp.international_pressure * m.international_pull()
            + m.priority_floor()
        )

    def own_agenda(self) -> float:
        """The strategy's place on the agenda: the given priority, or baseline + pressure."""
        if not self.endogenous:
            return self.agenda_priority
        return self.agenda_priority + self.pressure()

    def consider_relaunch(self) -> None:
        """A successor that did not choose the strategy re-launches it under its own name.

        Once it has been in office ``relaunch_delay_months``, if the pressure reaches
        ``relaunch_threshold`` it adopts the policy as its own: the base of its agenda rises to
        ``relaunch_priority`` (the pressure still adds to it: :meth:`own_agenda`) and nothing of
        it is "inherited" any more (opposite-camp
        governments re-launch after 18–36 months: Brazil's PBIA, Colombia's CONPES 4144,
        Chile's 2024 update). Once per administration.
        """
        m = self.model
        tp = m.params.turnover
        if not self.endogenous or self.relaunched:
            return
        if m.month - self.took_office < tp.relaunch_delay_months:
            return
        if self.pressure() >= tp.relaunch_threshold:
            self.relaunched = True
            self.agenda_priority = max(self.agenda_priority, tp.relaunch_priority)
            self.inherited = 0.0
            m.relaunches.append(m.month)
            m.record_win()

    def set_anchor(self) -> None:
        """Anchor = own agenda + fading inheritance + international pull, at least the floor.

        The inherited priority fades by ``params.federal.adjust_rate`` per month:
        a new government keeps its predecessor's programmes running for a while,
        then its own agenda dominates (policy succession: Hogwood & Peters 1982).
        Each international commitment made k months ago adds
        ``anchor_boost × 0.5^(k / half_life_months)`` (commitments as external
        anchors that fade unless renewed: Friedkin & Johnsen 1990; OECD 2019
        principles). The institutional anchors in force set a floor
        (:meth:`ContinuityModel.priority_floor`). Under ``transition_briefings`` the
        inheritance fades at the tactic's ``inherited_fading`` instead (a briefed team adopts
        items as its own).
        """
        m = self.model
        p = m.params
        briefed = m.tactic("transition_briefings")
        fading = briefed.inherited_fading if briefed is not None else p.federal.adjust_rate
        self.inherited *= 1.0 - fading
        anchor = self.own_agenda() + self.inherited
        if not self.endogenous:  # an endogenous agenda already counts the pull in its pressure
            anchor += m.international_pull()
        anchor = max(anchor, m.priority_floor())
        m.state.anchor[self.index] = min(1.0, anchor)

    def set_budget(self) -> None:
        """The appropriation moves towards base budget × priority; a cut takes its share at once.

        A ← A + λ (B₀ · max(priority, law floor) − A), λ = ``federal.budget_adjust``:
        budgets are incremental, so an appropriation follows a new priority over
        budget cycles (Wildavsky 1964; Davis, Dempster & Wildavsky 1966, APSR 60:529),
        while a cut is an explicit decision that applies at once to the lines it
        names. The appropriation is split into the federal programme, transfers to
        states and grants to coalitions. The anchors in force keep at least their
        honoured ``budget_floor`` of the base budget whatever the priority or the
        cut (lock-in of an appropriation: :mod:`sim.anchors`). Under ``bureaucratic_embedding``
        a ``protected_share`` of the programme sits in career units the cut spares.
        """
        m = self.model
        fed = m.params.federal
        target = fed.base_budget * max(self.priority, m.priority_floor())
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
        floor = m.budget_floor() * fed.base_budget
        if floor > 0:
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

    def succeed(
        self, name: str, agenda_priority: float | None, orientation: float = 0.0
    ) -> FederalAdministration:
        """Leave office and create the successor administration (a new agent).

        The successor inherits ``inheritance × priority × (1 − b d (1 − r))``: a new government
        rebrands or drops its predecessor's flagship programmes, the more so the further apart
        their camps (d = |orientation difference| / 2, b = ``branding_penalty``) and the less
        the strategy is institutionalised (r = the anchors' ``branding_relief``). Its own agenda
        is ``agenda_priority`` if the scenario gives one, else the turnover rules
        (:meth:`own_agenda`). Federal know-how not embedded is lost: K ← K × e, e the largest of
        ``turnover.embedded_share`` and the anchors' ``embedded_share``.
        Tactics: ``transition_briefings`` replaces the inheritance and branding
        penalty by its own (an incoming team that was briefed keeps more);
        ``bureaucratic_embedding`` keeps at least its ``embedded_share``.

        Args:
            name: The successor's name.
            agenda_priority: The strategy's priority on the successor's own agenda (``None``:
                from the turnover rules).
            orientation: The successor's place on the left–right axis.

        Returns:
            The new administration, now in office.

        """
        m = self.model
        tp = m.params.turnover
        inheritance, penalty = tp.inheritance, tp.branding_penalty
        briefings = m.tactic("transition_briefings")
        if briefings is not None:
            inheritance, penalty = briefings.inheritance, briefings.branding_penalty
        distance = abs(orientation - self.orientation) / 2.0
        penalty *= distance * (1.0 - m.branding_relief())
        inherited = inheritance * self.priority * (1.0 - penalty)
        embedded = max(tp.embedded_share, m.embedded_floor())
        career = m.tactic("bureaucratic_embedding")
        if career is not None:
            embedded = max(embedded, career.embedded_share)
        m.federal_knowhow *= embedded
        successor = FederalAdministration(
            m,
            self.index,
            self.node_id,
            name,
            agenda_priority,
            inherited=inherited,
            orientation=orientation,
        )
        self.remove()
        successor.commitment = min(1.0, successor.own_agenda() + inherited)
        return successor
