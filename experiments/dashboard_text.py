"""Plain-language text of the dashboard: title, instructions and "what just happened".

:func:`snapshot` reads the few facts of a model the story needs; :func:`describe_changes`
compares two snapshots (before and after a step) and says what changed in short sentences.
Nothing here draws or serves anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.dates import format_month

TITLE = "Continuity — will Mexico's AI strategy survive the change of government?"

INSTRUCTIONS = (
    "Mexico launched a national AI strategy in March 2018; in December 2018 a new "
    "administration took office and cut its funding. Pick a scenario or set the shocks and "
    "tactics on the left, then press <b>Step</b> (one month) or <b>Play</b>. The grey band "
    "is what usually happens in the Mexico baseline (5–95 % of 20 runs); your run is the "
    "black line. Changing any control starts the run again."
)

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
    momentum: float
    non_state_share: float


def snapshot(model: Any) -> Snapshot:
    """Read a :class:`Snapshot` of ``model`` after its last step (or before its first).

    Args:
        model: A :class:`sim.model.ContinuityModel`.

    Returns:
        The snapshot; the month is the last one recorded (the start month before any step).
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
    else:
        total = non_state = 0.0
        members = offices = 0
    return Snapshot(
        month=month,
        turnovers=len(model.turnovers),
        cut_active=cal.cut_fraction(month, "federal_program") > 0,
        cut_size=cal.cut_size,
        law_in_force=bool(model.law_in_force),
        coalitions_active=sum(bool(c.active) for c in model.coalitions),
        coalition_members=members,
        offices=offices,
        momentum=total,
        non_state_share=non_state / total if total > 0 else 0.0,
    )


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def describe_changes(before: Snapshot, after: Snapshot) -> list[str]:
    """Sentences saying what changed between two snapshots, each starting with its month.

    Args:
        before: The snapshot before the step(s).
        after: The snapshot after them.

    Returns:
        Zero or more short sentences (most important first).
    """
    when = format_month(after.month)
    out = []
    if after.turnovers > before.turnovers:
        text = f"{when}: a new administration took office"
        if after.cut_active and not before.cut_active:
            text += f" and cut federal funding by {_pct(after.cut_size)}"
        out.append(
            text + f"; the coalition and its members now carry {_pct(after.non_state_share)} "
            "of the momentum."
        )
    elif after.cut_active and not before.cut_active:
        out.append(f"{when}: federal funding of the strategy was cut by {_pct(after.cut_size)}.")
    elif before.cut_active and not after.cut_active and after.turnovers == before.turnovers:
        out.append(f"{when}: the funding cut ended; federal money flows again.")
    if after.law_in_force and not before.law_in_force:
        out.append(f"{when}: an AI law entered into force — a floor under federal priority.")
    if after.coalitions_active > before.coalitions_active:
        out.append(
            f"{when}: the coalition (IA2030Mx) was founded and starts recruiting organisations."
        )
    if after.offices != before.offices:
        states = f"{after.offices} state" + ("" if after.offices == 1 else "s")
        if after.offices > before.offices:
            out.append(f"{when}: {states} now have an AI office.")
        else:
            out.append(f"{when}: an office closed; {states} still have an AI office.")
    if after.month % 12 == 11 and after.month != before.month:  # December: a year in review
        out.append(
            f"{when}: total momentum {after.momentum:.2f}; {after.coalition_members} coalition "
            f"members; non-state actors carry {_pct(after.non_state_share)} of it."
        )
    return out


def settings_text(values: dict[str, Any]) -> str:
    """One plain line summarising the controls (shown under them, read by the tests).

    Args:
        values: The control values (see :meth:`experiments.dashboard.Controls.values`).

    Returns:
        E.g. ``"Turnover 2018-12 · cut 80 % for ever · law never · coalition yes · tactics none"``.
    """
    duration = values["cut_duration"]
    lasting = "until 2030" if not duration else f"for {duration} months"
    tactics = ", ".join(values["tactics"]) or "none"
    law = "2018-04" if values["law_2018"] else "never (unless passed)"
    return (
        f"Turnover {values['turnover']} · cut {_pct(values['cut_size'])} {lasting} · "
        f"law {law} · coalition {'yes' if values['coalition'] else 'no'} · tactics {tactics}"
    )
