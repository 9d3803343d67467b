"""How non-state actors respond to the federal government's support and its withdrawal.

Mixed into :class:`sim.model.ContinuityModel`, run each month after the administration has set
its priority and budget and before commitments update. Which response wins -- demobilisation or
mobilisation -- is not chosen here: it follows from the case's inputs (its coalition's size and
resources, its funding mix, its anchors) through the rules below.

Four mechanisms (docs/ODD.md, Responses to the state):

* **withdrawal** W: how far official backing has fallen from its peak since the strategy began;
* **grant dependence**: the share of non-state actors' strategy resources that came from federal
  grants and contracts shrinks with the federal budget (resource dependence: Pfeffer & Salancik
  1978, *The External Control of Organizations*);
* **focal point and fatigue**: official backing is a focal point that makes the strategy worth
  others' while (Schelling 1960; expectations in policy networks: Sabatier & Weible 2007); when
  it goes, anchors fall, and without wins fatigue sets in (demobilisation: Tarrow 2011,
  *Power in Movement*, ch. 11; policy dismantling "by default": Bauer & Knill 2014);
* **mobilisation and venue shifting**: a coalition with capacity turns the government's
  withdrawal into a grievance and moves to other venues -- the Senate, the states, international
  fora (Baumgartner & Jones 1993, *Agendas and Instability*; arena shifting: Bauer & Knill 2014).
"""

from __future__ import annotations

import numpy as np

from sim.state import TYPE_CODE


class StateResponses:
    """Non-state responses to federal backing: dependence, focal point, fatigue, mobilisation."""

    def init_responses(self) -> None:
        """Reference levels and the stocks of the response rules."""
        codes = self.state.type_code
        # organisations and companies (a coalition's own anchor follows its coordinator)
        self.nonstate = np.isin(codes, (TYPE_CODE["organization"], TYPE_CODE["company"]))
        self.base_resources = self.state.resources.copy()
        self.priority_peak = 0.0
        self.budget_peak = 0.0
        self.withdrawal = 0.0
        self.capacity = 0.0
        self.mobilisation = 0.0
        self.fatigue = 0.0
        self.wins = 0

    def record_win(self) -> None:
        """Count a visible success this month (a law, an office, a commitment, guidance)."""
        self.wins += 1

    def read_federal_signal(self) -> None:
        """W = max(0, f − τ) / (1 − τ), f = 1 − priority / its peak since the strategy began.

        τ = ``response.withdrawal_tolerance``: drifts of the priority smaller than that are not
        read as the government walking away.

        Also the coalition's capacity K = min(1, s / s_ref), s the share of organisations and
        companies in a coalition and s_ref = ``response.capacity_reference``: organised actors
        can act on a grievance, scattered ones cannot (McCarthy & Zald 1977, AJS 82:1212).
        """
        priority = self.administration.priority
        self.priority_peak = max(self.priority_peak, priority)
        self.budget_peak = max(self.budget_peak, self.administration.budget)
        peak, tolerance = self.priority_peak, self.params.response.withdrawal_tolerance
        fall = 1.0 - priority / peak if peak > 0 else 0.0
        self.withdrawal = max(0.0, fall - tolerance) / (1.0 - tolerance) if tolerance < 1 else 0.0
        ref = self.params.response.capacity_reference
        share = self.coalition_share()
        self.capacity = min(1.0, share / ref) if ref > 0 else 1.0

    def accumulate_fatigue(self) -> None:
        """Fatigue F′ = F + φ_f W (1 − F), then F ← (1 − ρ) F′ after a month with a win.

        Fatigue builds while the government stays away (φ_f = ``fatigue_rate``) and a month
        with a visible win (a law, an office opened, guidance, an international commitment, a
        relaunch) takes ρ = ``fatigue_recovery`` of it away. Wins are counted from this rule's
        previous call: last month's rules and this month's dated events before it.
        """
        rp = self.params.response
        won = self.wins > 0
        self.fatigue += rp.fatigue_rate * self.withdrawal * (1.0 - self.fatigue)
        if won:
            self.fatigue -= rp.fatigue_recovery * self.fatigue
        self.wins = 0

    def mobilise(self) -> None:
        """Mobilisation m = μ K W (1 − F): the coalition turns the withdrawal into action.

        It needs organised capacity K and is worn down by fatigue F.
        """
        rp = self.params.response
        self.mobilisation = rp.mobilisation * self.capacity * self.withdrawal * (1.0 - self.fatigue)

    def set_nonstate_anchors(self) -> None:
        """Anchors of organisations and companies follow official backing.

        a_i = a_i⁰ (1 − σ W (1 − K))(1 − ε F), then for coalition members and coalitions
        a_i ← a_i + m (1 − a_i) for coalition members: the focal point σ = ``response.signal`` of official backing is
        lost with the withdrawal unless an organised coalition (capacity K) offers another one,
        fatigue ε = ``response.fatigue_effect`` wears commitment down, and mobilisation m lifts
        those organised to act on it.
        """
        rp = self.params.response
        st = self.state
        idx = self.nonstate
        lost = rp.signal * self.withdrawal * (1.0 - self.capacity)
        scale = (1.0 - lost) * (1.0 - rp.fatigue_effect * self.fatigue)
        anchor = self.base_anchor[idx] * scale
        organised = st.coalition[idx] >= 0
        anchor = np.where(organised, anchor + self.mobilisation * (1.0 - anchor), anchor)
        st.anchor[idx] = anchor

    def apply_grant_dependence(self) -> None:
        """Non-state resources r_i = r_i⁰ (1 − d + d g), g = federal budget / its peak.

        d = ``scenario.federal_dependence``: the share of what organisations and companies put
        into the strategy that came from federal grants and contracts (a case input).
        """
        d = self.config.scenario.federal_dependence
        peak = self.budget_peak
        g = self.administration.budget / peak if peak > 0 else 1.0
        idx = self.nonstate
        self.state.resources[idx] = self.base_resources[idx] * (1.0 - d + d * g)

    def venue_pressure(self) -> float:
        """Extra attention v m a mobilised coalition gives other venues: v = ``venue_shift``.

        While the executive backs the strategy the coalition works through it; when it walks
        away the coalition takes the agenda to the Senate, the states and its own outreach.
        """
        return self.params.response.venue_shift * self.mobilisation

    def venue_shift(self) -> float:
        """Multiplier 1 + v m of the states' own initiative and the coalition's outreach."""
        return 1.0 + self.venue_pressure()
