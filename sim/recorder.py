"""Monthly records read straight from the model arrays (no per-agent reporters)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.config import ACTOR_KEYS, PILLARS
from sim.dates import format_month
from sim.state import SOURCES

if TYPE_CHECKING:  # pragma: no cover
    from sim.model import ContinuityModel

CONTRIBUTIONS = {
    "federal": "administration",
    "states": "state",
    "senate": "senate",
    "coalitions": "coalition",
    "dpa": "dpa",
    "companies": "company",
    "organizations": "organization",
}
"""Output column suffix → actor type whose momentum stock it reports."""

NUMERIC_COLUMNS = (
    ["momentum"]
    + [f"momentum_{p}" for p in PILLARS]
    + ["federal_priority", "federal_budget", "federal_effort", "federal_knowhow"]
    + [f"contribution_{k}" for k in CONTRIBUTIONS]
    + ["coalition_members", "states_with_ai_office", "states_ever_ai_office"]
    + ["law_in_force", "dpa_active"]
    + [f"funding_{s}" for s in SOURCES]
    + ["senate_support", "bills_introduced", "dpa_guidance", "international_commitments"]
)
"""Numeric columns of the monthly time series, in order (after ``date`` and ``step``)."""

_INT_COLUMNS = {
    "coalition_members",
    "states_with_ai_office",
    "bills_introduced",
    "dpa_guidance",
    "international_commitments",
}
_BOOL_COLUMNS = {"law_in_force", "dpa_active"}


class Recorder:
    """Collects one row per month into preallocated arrays.

    Args:
        model: The model to read.
        n_months: Number of months the run will record.

    """

    def __init__(self, model: ContinuityModel, n_months: int):
        self.model = model
        self.n = 0
        self.data = {c: np.zeros(n_months) for c in NUMERIC_COLUMNS}
        self.months = np.zeros(n_months, dtype=np.int64)
        self.administration: list[str] = []
        self._type_pos = {t: i for i, t in enumerate(ACTOR_KEYS)}

    def record(self) -> None:
        """Append the current month's row."""
        m, st, k = self.model, self.model.state, self.n
        d = self.data
        d["momentum"][k] = m.momentum.sum()
        for j, p in enumerate(PILLARS):
            d[f"momentum_{p}"][k] = m.momentum[j]
        adm = m.administration
        d["federal_priority"][k] = adm.priority
        d["federal_budget"][k] = adm.budget
        d["federal_effort"][k] = st.effort[m.seat]
        d["federal_knowhow"][k] = m.federal_knowhow
        for col, kind in CONTRIBUTIONS.items():
            d[f"contribution_{col}"][k] = m.momentum_by_type[self._type_pos[kind]]
        d["coalition_members"][k] = np.count_nonzero(st.coalition >= 0)
        d["states_with_ai_office"][k] = np.count_nonzero(st.ai_office)
        d["states_ever_ai_office"][k] = np.count_nonzero(st.office_opened)
        d["law_in_force"][k] = m.law_in_force
        d["dpa_active"][k] = any(dpa.alive for dpa in m.dpas)
        totals = st.funding.sum(axis=0)
        for j, s in enumerate(SOURCES):
            d[f"funding_{s}"][k] = totals[j]
        d["senate_support"][k] = m.senate.support if m.senate is not None else 0.0
        d["bills_introduced"][k] = m.senate.bills_introduced if m.senate is not None else 0
        d["dpa_guidance"][k] = sum(dpa.guidance_issued for dpa in m.dpas)
        d["international_commitments"][k] = len(m.commitments_made)
        self.months[k] = m.month
        self.administration.append(adm.name)
        self.n += 1

    def frame(self) -> pd.DataFrame:
        """The tidy monthly table: one row per month."""
        n = self.n
        out = {
            "date": [format_month(int(x)) for x in self.months[:n]],
            "step": np.arange(n, dtype=np.int64),
        }
        for c in NUMERIC_COLUMNS:
            col = self.data[c][:n]
            if c in _INT_COLUMNS:
                col = col.astype(np.int64)
            elif c in _BOOL_COLUMNS:
                col = col.astype(bool)
            out[c] = col
        out["administration"] = self.administration[:n]
        return pd.DataFrame(out)
