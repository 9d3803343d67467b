"""The dashboard's controls: shocks, law, coalition, tactics and presets, checked on the server.

A browser can send any value for any widget, so :meth:`Controls.invalid` checks every value
against what its widget offers before it becomes a config override.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import panel as pn

TACTIC_LABELS = {
    "law": "Campaign for an AI law",
    "diversified_funding": "Diversified funding",
    "subnational_hubs": "Subnational hubs",
    "broad_coalition": "Broad coalition",
    "international_commitments": "International commitments",
    "senate_champions": "Senate champions",
    "bureaucratic_embedding": "Bureaucratic embedding",
    "transition_briefings": "Transition briefings",
}
"""Tactic key (conf/tactics, docs/tactics.md) → label of its checkbox."""

DEFAULTS = {
    "turnover": "2018-12",
    "cut_size": 0.8,
    "cut_duration": 0,
    "law_2018": False,
    "coalition": True,
    "tactics": [],
}
"""Control values of the Mexico baseline (``cut_duration`` 0 = until the end)."""

PRESETS = {
    "Mexico baseline": {},
    "Law before 2018": {"law_2018": True},
    "No coalition": {"coalition": False},
    "Deep cut": {"cut_size": 1.0},
}
"""Scenario presets: changes from :data:`DEFAULTS` (the counterfactuals of conf/counterfactual)."""

TURNOVER_CHOICES = ["2018-06", "2018-12", "2019-06", "2019-12", "2020-12", "2022-12", "2024-10"]
"""The dates the turnover control offers."""


class Controls:
    """The widgets that set a run: shocks, law, coalition, tactics and the presets.

    Args:
        case: The case (docs/cases.md). Mexico's controls are written by hand; another case's
            come from its configuration (:func:`experiments.dashboard_case.case_facts`).
    """

    def __init__(self, case: str = "mexico") -> None:
        """Create the widgets at the case's baseline values."""
        self.case = case
        self.facts = None if case == "mexico" else _facts(case)
        self.defaults = dict(DEFAULTS) if self.facts is None else dict(self.facts.defaults)
        choices = TURNOVER_CHOICES if self.facts is None else list(self.facts.choices)
        self.turnover = pn.widgets.Select(
            name="First change of government", options=choices, value=self.defaults["turnover"]
        )
        self.cut_size = pn.widgets.FloatSlider(
            name="Funding cut (share of the federal budget)",
            start=0.0,
            end=1.0,
            step=0.05,
            value=self.defaults["cut_size"],
            css_classes=["cut-size"],
        )
        self.cut_duration = pn.widgets.IntSlider(
            name="Cut lasts (months; 0 = until 2030)", start=0, end=72, step=6, value=0
        )
        self.law_2018 = pn.widgets.Checkbox(
            name="AI law passed in April 2018 (before the turnover)"
        )
        self.coalition = pn.widgets.Checkbox(
            name="Civil-society coalition IA2030Mx founded", value=True
        )
        self.tactics = pn.widgets.CheckBoxGroup(
            name="Tactics", options={v: k for k, v in TACTIC_LABELS.items()}, value=[]
        )
        if self.facts is not None:
            self.law_2018.name = "AI law passed 8 months before the first change of government"
            self.coalition.value = self.facts.has_coalition
            self.coalition.name = (
                "Civil-society coalition founded"
                if self.facts.has_coalition
                else "No standing civil-society coalition in this case"
            )
            self.coalition.disabled = not self.facts.has_coalition
        self.presets = {
            name: pn.widgets.Button(
                name=_preset_label(name, self.facts),
                button_type="primary",
                button_style="outline",
                css_classes=[f"preset-{name.lower().replace(' ', '-')}"],
            )
            for name in PRESETS
        }

    @property
    def widgets(self) -> list[Any]:
        """The value widgets, in display order."""
        return [
            self.turnover,
            self.cut_size,
            self.cut_duration,
            self.law_2018,
            self.coalition,
            self.tactics,
        ]

    def values(self) -> dict[str, Any]:
        """The current values, keyed as :data:`DEFAULTS`."""
        return {k: getattr(self, k).value for k in DEFAULTS}

    def invalid(self) -> dict[str, str]:
        """Control key → why its value is not allowed, for every control a browser set badly.

        The browser enforces nothing the server can rely on: a visitor can send any value for
        any widget (from the console), so every value is checked against what the widget offers
        before it reaches a config override.
        """
        out = {}
        for key, value in self.values().items():
            why = _control_problem(getattr(self, key), value)
            if why:
                out[key] = why
        return out

    def set(self, values: dict[str, Any]) -> None:
        """Set every control (the caller mutes the change watchers)."""
        for k, v in values.items():
            getattr(self, k).value = list(v) if isinstance(v, list) else v

    def overrides(self) -> list[str]:
        """Hydra overrides of the current values (see ``conf/``)."""
        v = self.values()
        if self.facts is not None:
            return self._case_overrides(v)
        out = [
            f"shocks.turnover.dates=[{v['turnover']},2024-10]",
            f"shocks.funding_cut.size={v['cut_size']:.2f}",
            f"shocks.funding_cut.duration_months={v['cut_duration'] or 'null'}",
            f"tactics=[{','.join(v['tactics'])}]",
        ]
        if v["law_2018"]:
            out.append("scenario.law_enacted=2018-04")
        if not v["coalition"]:
            out.append("counterfactual=no_coalition")
        return out

    def _case_overrides(self, v: dict[str, Any]) -> list[str]:
        """The overrides for a case other than Mexico: its later turnovers are kept."""
        facts = self.facts
        dates = [v["turnover"], *(d for d in facts.later_turnovers if d > v["turnover"])]
        out = [
            f"case={self.case}",
            f"shocks.turnover.dates=[{','.join(dates)}]",
            f"shocks.funding_cut.size={v['cut_size']:.2f}",
            f"shocks.funding_cut.duration_months={v['cut_duration'] or 'null'}",
            f"tactics=[{','.join(v['tactics'])}]",
        ]
        if v["law_2018"]:
            out.append("scenario.law_enacted=turnover-8")
        if facts.has_coalition and not v["coalition"]:
            out.append("counterfactual=no_coalition")
        return out


def _facts(case: str) -> Any:
    from experiments.dashboard_case import case_facts

    return case_facts(case)


def _preset_label(name: str, facts: Any) -> str:
    """A preset's button label: Mexico's names, or the same presets in a case's words."""
    if facts is None:
        return name
    return {
        "Mexico baseline": f"{facts.country} baseline",
        "Law before 2018": "Law before turnover",
    }.get(name, name)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and np.isfinite(value)


def _control_problem(widget: Any, value: Any) -> str | None:
    """Why ``value`` is not one the widget offers (None if it is)."""
    if isinstance(widget, pn.widgets.Checkbox):
        return None if isinstance(value, bool) else "expected true or false"
    if isinstance(widget, pn.widgets.Select):
        return None if value in list(widget.options) else "not one of the choices"
    if isinstance(widget, pn.widgets.CheckBoxGroup):
        allowed = set(widget.options.values())
        ok = isinstance(value, list) and all(isinstance(v, str) and v in allowed for v in value)
        return None if ok and len(set(value)) == len(value) else "not a set of the tactics offered"
    if isinstance(widget, pn.widgets.IntSlider | pn.widgets.FloatSlider):
        if not _is_number(value) or not widget.start <= value <= widget.end:
            return f"expected a number from {widget.start} to {widget.end}"
        if isinstance(widget, pn.widgets.IntSlider) and value != int(value):
            return "expected a whole number"
        return None
    return "unknown control"  # pragma: no cover - every control is listed above
