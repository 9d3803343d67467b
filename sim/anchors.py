"""Institutional anchors: what a strategy rests on, and what that does at a change of government.

Mixed into :class:`sim.model.ContinuityModel`. A scenario lists the strategy's anchors
(``scenario.anchors``: a ministerial order, a decree, a plan with legal standing, a statute, a
dedicated agency) with the month each takes effect; a law the Senate passes during the run is a
statute. An anchor acts through four mechanisms, with values by kind in ``params.anchors``
(``params.law`` for a statute):

* **review** -- a new government reviews what it inherits; an anchor survives the review with
  probability ``review_survival`` (a statute is hard to repeal, a ministerial order is not:
  Lewis 2003, *Presidents and the Politics of Agency Design*; Berry, Burden & Howell 2010,
  AJPS 54:1, programme terminations after a change of party control);
* **floors** -- while in force it keeps the federal priority at least ``priority_floor`` and the
  budget at least ``budget_floor`` of the base budget, honoured each fiscal year with
  probability ``floor_reliability`` (a statutory floor is no guarantee of money: Argentina's
  science-financing law under a prorogued budget, 2024);
* **know-how** -- at least ``embedded_share`` of federal know-how survives a turnover (mandates
  and units outlive the government);
* **branding** -- ``branding_relief`` of the successor's partisan branding penalty is waived (an
  institutionalised policy belongs to the state, not to the predecessor's brand).
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.dates import resolve_when


@dataclass
class Anchor:
    """An anchor in force: its kind, name, the month it took effect, this year's floor.

    ``source`` is the position of its entry in ``scenario.anchors``, or -1 for a law the run
    enacted.
    """

    kind: str
    name: str
    since: int
    honoured: bool = True
    source: int = -1


class InstitutionalAnchors:
    """Adoption, review at turnover, yearly floors, and what the anchors in force guarantee."""

    def init_anchors(self) -> None:
        """No anchor in force at the start; dated anchors wait for their month.

        Anchors dated after the horizon never take effect; salience dated outside it is fine.
        """
        self.anchors: list[Anchor] = []
        self.anchor_dates = [  # an anchor older than the strategy's start is in force from it
            (max(self._anchor_month(a.date), self.calendar.active_from), a.kind, a.name)
            for a in self.config.scenario.anchors
        ]
        self.anchors_lost: list[tuple[str, int]] = []

    def _anchor_month(self, when: str) -> int:
        cal = self.calendar
        return resolve_when(when, cal.launch, cal.first_turnover)

    def anchor_params(self, kind: str):
        """The mechanism values of an anchor kind (``params.law`` for a statute)."""
        if kind == "statute":
            return self.params.law
        return getattr(self.params.anchors, kind)

    def adopt_anchor(self, kind: str, name: str, source: int = -1) -> None:
        """An anchor takes effect this month (its floor honoured until the next fiscal year)."""
        self.anchors.append(Anchor(kind, name, self.month, source=source))
        if kind == "statute" and self.law_passed_month is None:
            self.law_passed_month = self.month
        self.law_in_force = any(a.kind == "statute" for a in self.anchors)

    def adopt_dated_anchors(self) -> None:
        """The scenario's anchors dated this month take effect."""
        for k, (month, kind, name) in enumerate(self.anchor_dates):
            if month == self.month:
                self.adopt_anchor(kind, name, k)

    def review_anchors(self) -> None:
        """At a turnover each anchor survives the new government's review with p = survival.

        One draw per anchor from the ``review`` stream, in order of adoption.
        """
        kept = []
        for anchor in self.anchors:
            survival = self.anchor_params(anchor.kind).review_survival
            if self.streams.review.random() < survival:
                kept.append(anchor)
            else:
                self.anchors_lost.append((anchor.name, self.month))
        self.anchors = kept
        self.law_in_force = any(a.kind == "statute" for a in self.anchors)

    def honour_floors(self) -> None:
        """Each fiscal year (January) every anchor's budget floor is honoured with p = reliability."""
        if self.month % 12 != 0:
            return
        for anchor in self.anchors:
            reliability = self.anchor_params(anchor.kind).floor_reliability
            anchor.honoured = bool(self.streams.review.random() < reliability)

    def priority_floor(self) -> float:
        """The highest priority floor of the anchors in force (0 without one)."""
        return max((self.anchor_params(a.kind).priority_floor for a in self.anchors), default=0.0)

    def budget_floor(self) -> float:
        """The highest budget floor (share of the base budget) honoured this year."""
        return max(
            (self.anchor_params(a.kind).budget_floor for a in self.anchors if a.honoured),
            default=0.0,
        )

    def embedded_floor(self) -> float:
        """The highest share of federal know-how the anchors in force keep at a turnover."""
        return max((self.anchor_params(a.kind).embedded_share for a in self.anchors), default=0.0)

    def branding_relief(self) -> float:
        """The largest share of the branding penalty the anchors in force waive."""
        return max((self.anchor_params(a.kind).branding_relief for a in self.anchors), default=0.0)
