"""The per-run summary: continuity metrics computed from the monthly table."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.dates import format_month, parse_month
from sim.monthly import MonthlyColumns

if TYPE_CHECKING:  # pragma: no cover
    from sim.model import ContinuityModel

NONSTATE_COLUMNS = (
    "contribution_coalitions",
    "contribution_companies",
    "contribution_organizations",
)


def reference_month(model: ContinuityModel) -> int:
    """T0: the first turnover at or after the launch, else ``scenario.reference_date``.

    With ``scenario.present`` set, the first turnover at or after the present (if later).
    """
    launch = model.calendar.focus
    after = [m for m in model.turnovers if m >= launch]
    return after[0] if after else parse_month(model.config.scenario.reference_date)


def summarize(model: ContinuityModel, ts: pd.DataFrame | MonthlyColumns) -> dict[str, Any]:
    """Summary metrics of a finished run.

    Definitions (T0 = :func:`reference_month`, M = total momentum):

    - ``continuity_index`` = M(T0 + h) / M(T0 − 1), h = ``output.continuity_horizon_months``
      (24); null if T0 + h is past the horizon or M(T0 − 1) = 0;
    - ``min_momentum_after_turnover`` = min M over T0..end;
      ``min_momentum_ratio`` the same divided by M(T0 − 1);
    - ``months_to_recover``: 0 if M never falls below M(T0 − 1) from T0 on; otherwise
      the months from T0 until M is back to M(T0 − 1) after its lowest point, null if never;
    - ``survived``: M(end) ≥ ``output.survival_threshold`` × M(T0 − 1);
    - ``nonstate_share``: mean over T0..end of the share of momentum carried by
      coalitions, companies and organisations.
    """
    m = column(ts, "momentum")
    start = model.calendar.start
    t0 = reference_month(model) - start
    before = float(m[t0 - 1]) if 1 <= t0 <= len(m) else float("nan")
    after = m[t0:] if 0 <= t0 < len(m) else np.empty(0)
    horizon = model.config.output.continuity_horizon_months
    valid = np.isfinite(before) and before > 0
    ci = float(m[t0 + horizon]) / before if valid and t0 + horizon < len(m) else None
    recover = None
    if valid and after.size:
        if after.min() >= before:
            recover = 0
        else:
            low = int(np.argmin(after))
            back = np.flatnonzero(after[low:] >= before)
            recover = int(low + back[0]) if back.size else None
    total = m[t0:] if 0 <= t0 < len(m) else np.empty(0)
    # ts.loc[:, NONSTATE_COLUMNS].to_numpy().sum(axis=1): rows of 3 are summed from 0.0 in
    # column order, so the same floats come from adding the columns one after the other
    nonstate = np.zeros(len(ts))
    for c in NONSTATE_COLUMNS:
        nonstate += column(ts, c, np.float64)
    nonstate = nonstate[t0:]
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(total > 0, nonstate / np.where(total > 0, total, 1.0), np.nan)
    cut_start = model.calendar.cut_start
    return {
        "seed": model.config.seed,
        "scenario": model.config.scenario.name,
        "reference_date": format_month(t0 + start),
        "momentum_before_turnover": before if valid else None,
        "continuity_index": ci,
        "min_momentum_after_turnover": float(after.min()) if after.size else None,
        "min_momentum_ratio": float(after.min()) / before if valid and after.size else None,
        "months_to_recover": recover,
        "survived": bool(valid and m[-1] >= model.config.output.survival_threshold * before),
        "nonstate_share": float(np.nanmean(shares)) if np.isfinite(shares).any() else None,
        "momentum_final": float(m[-1]),
        "coalition_members_final": int(column(ts, "coalition_members")[-1]),
        "states_with_ai_office_final": int(column(ts, "states_with_ai_office")[-1]),
        "law_passed_date": (
            format_month(model.law_passed_month) if model.law_passed_month is not None else None
        ),
        "funding_cut_start": format_month(cut_start) if cut_start is not None else None,
        "international_commitments": [
            {"name": n, "date": format_month(mo)} for n, mo in model.commitments_made
        ],
        "turnovers": [format_month(mo) for mo in model.turnovers],
        "launch_date": format_month(model.calendar.launch),
        "strategy_start": format_month(model.calendar.active_from),
        "anchors_final": [
            {"kind": a.kind, "name": a.name, "since": format_month(a.since)} for a in model.anchors
        ],
        "anchors_lost": [{"name": n, "date": format_month(mo)} for n, mo in model.anchors_lost],
        "relaunches": [format_month(mo) for mo in model.relaunches],
        "tactics": model.config.tactics.enabled(),
        "tactic_cost_per_year": sum(
            getattr(model.config.tactics, name).cost_per_year
            for name in model.config.tactics.enabled()
        ),
        "agents_by_type": _agents_by_type(model),
    }


def column(ts: pd.DataFrame | MonthlyColumns, name: str, dtype: type | None = None) -> np.ndarray:
    """``ts[name].to_numpy(dtype=dtype)`` without making a Series (for reading only).

    ``ts`` is a monthly table or a run's :class:`~sim.monthly.MonthlyColumns` (the same arrays).

    Uses pandas' column accessor when the columns are unique and the column is a numpy one
    (about 10 µs a column less); otherwise ``ts[name].to_numpy(dtype=dtype)``.
    """
    if isinstance(ts, MonthlyColumns):
        return ts.column(name, dtype)
    get = getattr(ts, "_get_column_array", None)
    if get is not None and ts.columns.is_unique:
        values = get(ts.columns.get_loc(name))
        if isinstance(values, np.ndarray):
            return values if dtype is None else np.asarray(values, dtype=dtype)
    return ts[name].to_numpy(dtype=dtype)


def _agents_by_type(model: ContinuityModel) -> dict[str, int]:
    """Number of registered agents by class name, sorted by name (classes with none left out).

    The same counts as ``Counter(type(a).__name__ for a in model.agents)``, from the model's
    counts by class (:meth:`sim.agents.lazy.LazyAgents.registered_counts`, which does not make
    the agents it has not made yet) or Mesa's per-class agent sets.
    """
    counted = getattr(model, "registered_counts", None)
    by_class = (
        counted()
        if counted is not None
        else {cls: len(agents) for cls, agents in model.agents_by_type.items()}
    )
    counts: Counter[str] = Counter()
    for cls, n in by_class.items():
        if n:
            counts[cls.__name__] += n
    return dict(sorted(counts.items()))
