"""The data-protection authority: AI guidance, international network, abolition."""

from __future__ import annotations

from sim.agents.base import ActorAgent


class DataProtectionAuthority(ActorAgent):
    """A DPA (e.g. INAI) that issues AI guidance and can be abolished.

    Attributes:
        alive: False once abolished.
        guidance_months: Months (absolute) in which AI guidance was issued.

    """

    def __init__(self, model, index, node_id, name):
        super().__init__(model, index, node_id, name)
        self.alive = True
        self.guidance_months: list[int] = []

    @property
    def guidance_issued(self) -> int:
        """Cumulative number of AI guidance documents issued."""
        return len(self.guidance_months)

    def step(self) -> None:
        """Monthly rule: issue guidance (while alive)."""
        draw = self.model.streams.guidance.random()  # drawn every month: common random numbers
        if self.alive:
            self.issue_guidance(draw)

    def issue_guidance(self, draw: float | None = None) -> None:
        """Issue AI guidance with probability ``rate × commitment × (1 + boost × net)``.

        ``net`` is the share of the DPA's ties that are international bodies: the
        Ibero-American network RIPD adopted AI guidelines in 2019 and INAI
        co-sponsored the 2020 GPA resolution on AI accountability (seed 000) —
        the network keeps the DPA working on AI without federal backing.
        """
        m = self.model
        dp = m.params.dpa
        p = dp.guidance_rate * self.commitment * (1.0 + dp.network_boost * m.intl_share[self.index])
        if draw is None:
            draw = m.streams.guidance.random()
        if draw < min(1.0, p):
            self.guidance_months.append(m.month)
            m.record_win()

    def abolish(self) -> None:
        """Abolish the authority: no more guidance or resources, no more influence.

        Its commitment and resources go to zero and its ties stop carrying
        influence in commitment updating (``ContinuityModel.detach``).

        Later public reporting: INAI abolished by constitutional reform
        (late 2024, effective 2025).
        """
        self.alive = False
        self.model.detach(self.index)
        st = self.model.state
        st.resources[self.index] = 0.0
        st.anchor[self.index] = 0.0
        st.commitment[self.index] = 0.0
        st.susceptibility[self.index] = 0.0
