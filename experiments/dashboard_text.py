"""Plain-language text of the dashboard: title, instructions and "what just happened".

:func:`snapshot` reads the few facts of a model the story needs; :func:`describe_changes`
compares two snapshots (before and after a step) and says what changed in short
:class:`Event` sentences, each either a key event (pinned on the page) or routine (the feed).
Nothing here draws or serves anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.dates import format_month

TITLE = "Continuity — will Mexico's AI strategy survive the change of government?"

INSTRUCTIONS = (
    "Mexico launched a national AI strategy in March 2018; in December 2018 a new "
    "administration took office and cut its funding. Pick a scenario or set the shocks and "
    "tactics on the left, then press <b>Step</b> (one month) or <b>Play</b>. The grey band "
    "is what usually happens in the Mexico baseline (5–95 % of 20 runs); your run is the "
    "black line. Key events stay pinned on the right; the <b>continuity index</b> (momentum two "
    "years after the change of government ÷ momentum the month before it) appears once it can "
    "be computed, and at the end the page compares it with the baseline. Changing any control "
    "starts the run again."
)


def title(facts: Any) -> str:
    """The page's title: Mexico's, or the same question about another case (``facts``)."""
    if facts is None:
        return TITLE
    return f"Continuity — will {facts.country}'s AI strategy survive the change of government?"


def instructions(facts: Any) -> str:
    """The page's instructions: Mexico's, or the case's summary and the same how-to."""
    if facts is None:
        return INSTRUCTIONS
    how_to = INSTRUCTIONS[INSTRUCTIONS.index("Pick a scenario") :]
    how_to = how_to.replace("the Mexico baseline", f"{facts.country}'s baseline")
    return f"{facts.summary} {how_to}"


KEY_KINDS = frozenset({"turnover", "cut", "law", "coalition", "first_office", "dpa_abolished"})
"""Kinds of :class:`Event` pinned apart from the routine feed."""

MEMBER_MILESTONES = (25, 50, 100, 150, 200, 300)
"""Coalition sizes the routine feed mentions when the coalition first reaches them."""

NON_STATE = ("contribution_coalitions", "contribution_companies", "contribution_organizations")
"""Contributions carried by actors outside government (coalitions, companies, organisations)."""


@dataclass(frozen=True)
class Snapshot:
    """The facts of one month the explanation talks about."""

    month: int
    turnovers: int
    cut_active: bool
    cut_size: float
    law_in_force: bool
    coalitions_active: int
    coalition_members: int
    offices: int
    had_office: bool
    dpas_alive: int
    momentum: float
    non_state_share: float


@dataclass(frozen=True)
class Event:
    """One sentence of "what just happened".

    Attributes:
        month: The absolute month it happened.
        kind: What happened (``turnover``, ``cut``, ``cut_end``, ``law``, ``coalition``,
            ``first_office``, ``no_office``, ``dpa_abolished``, ``members``, ``year``).
        text: The sentence, starting with the month.
    """

    month: int
    kind: str
    text: str

    @property
    def key(self) -> bool:
        """Whether the event is pinned (:data:`KEY_KINDS`) rather than routine."""
        return self.kind in KEY_KINDS


def snapshot(model: Any) -> Snapshot:
    """Read a :class:`Snapshot` of ``model`` after its last step (or before its first).

    Args:
        model: A :class:`sim.model.ContinuityModel`.

    Returns:
        The snapshot; the month is the last one recorded (the start month before any step).
        Everything is read as of that month: after a step the model's own clock has already
        moved to the next month, so a coalition counts as founded only from its founding month
        (``Coalition.active`` would count it a month early).
    """
    rec = model.recorder
    k = rec.n - 1
    cal = model.calendar
    month = int(rec.months[k]) if k >= 0 else cal.start
    if k >= 0:
        total = float(rec.data["momentum"][k])
        non_state = sum(float(rec.data[c][k]) for c in NON_STATE)
        members = int(rec.data["coalition_members"][k])
        offices = int(rec.data["states_with_ai_office"][k])
        had_office = bool(np.any(rec.data["states_with_ai_office"][: k + 1] > 0))
    else:
        total = non_state = 0.0
        members = offices = 0
        had_office = False
    founded = sum(c.founded is not None and c.founded <= month and k >= 0 for c in model.coalitions)
    return Snapshot(
        month=month,
        turnovers=len(model.turnovers),
        cut_active=cal.cut_fraction(month, "federal_program") > 0,
        cut_size=cal.cut_size,
        law_in_force=bool(model.law_in_force),
        coalitions_active=founded,
        coalition_members=members,
        offices=offices,
        had_office=had_office,
        dpas_alive=sum(bool(d.alive) for d in model.dpas),
        momentum=total,
        non_state_share=non_state / total if total > 0 else 0.0,
    )


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def describe_changes(before: Snapshot, after: Snapshot) -> list[Event]:
    """What changed between two snapshots, most important first.

    Key events (:data:`KEY_KINDS`): a change of government, a funding cut, a law in force, the
    coalition founded, the first state AI office, the data-protection authority abolished.
    Routine: a cut ending, the last state office closing, the coalition reaching a size of
    :data:`MEMBER_MILESTONES`, and each December a year in review (momentum, members, offices).
    States opening or closing offices month by month are left to the year in review.

    Args:
        before: The snapshot before the step(s).
        after: The snapshot after them.

    Returns:
        Zero or more events.
    """
    when = format_month(after.month)
    out = []

    def add(kind: str, text: str) -> None:
        out.append(Event(after.month, kind, f"{when}: {text}"))

    if after.turnovers > before.turnovers:
        text = "a new administration took office"
        if after.cut_active and not before.cut_active:
            text += f" and cut federal funding by {_pct(after.cut_size)}"
        add(
            "turnover",
            text + f"; the coalition and its members now carry {_pct(after.non_state_share)} "
            "of the momentum.",
        )
    elif after.cut_active and not before.cut_active:
        add("cut", f"federal funding of the strategy was cut by {_pct(after.cut_size)}.")
    elif before.cut_active and not after.cut_active and after.turnovers == before.turnovers:
        add("cut_end", "the funding cut ended; federal money flows again.")
    if after.law_in_force and not before.law_in_force:
        add("law", "an AI law entered into force — a floor under federal priority.")
    if after.coalitions_active > before.coalitions_active:
        add(
            "coalition", "the coalition (IA2030Mx) was founded and starts recruiting organisations."
        )
    if after.offices and not before.had_office:
        add("first_office", "the first state opened an AI office.")
    elif before.offices and not after.offices:
        add("no_office", "no state has an AI office any more.")
    if after.dpas_alive < before.dpas_alive:
        add("dpa_abolished", "the data-protection authority was abolished; its AI guidance stops.")
    for size in MEMBER_MILESTONES:
        if before.coalition_members < size <= after.coalition_members:
            add("members", f"the coalition reached {size} members.")
    if after.month % 12 == 11 and after.month != before.month:  # December: a year in review
        states = f"{after.offices} state" + ("" if after.offices == 1 else "s")
        add(
            "year",
            f"total momentum {after.momentum:.2f}; {after.coalition_members} coalition members; "
            f"{states} with an AI office; non-state actors carry "
            f"{_pct(after.non_state_share)} of it.",
        )
    return out


def settings_text(values: dict[str, Any], law_when: str = "2018-04") -> str:
    """One plain line summarising the controls (shown under them, read by the tests).

    Args:
        values: The control values (see :meth:`experiments.dashboard.Controls.values`).
        law_when: When the law control puts a law in force, in words.

    Returns:
        E.g. ``"Turnover 2018-12 · cut 80 % for ever · law never · coalition yes · tactics none"``.
    """
    duration = values["cut_duration"]
    lasting = "until 2030" if not duration else f"for {duration} months"
    tactics = ", ".join(values["tactics"]) or "none"
    law = law_when if values["law_2018"] else "never (unless passed)"
    return (
        f"Turnover {values['turnover']} · cut {_pct(values['cut_size'])} {lasting} · "
        f"law {law} · coalition {'yes' if values['coalition'] else 'no'} · tactics {tactics}"
    )
