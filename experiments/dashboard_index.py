"""The continuity index while a dashboard run is stepped, and the verdict at its end.

The index is the one of ``sim.summary.summarize``: M(T0 + h) / M(T0 − 1), with T0 the first
change of government at or after the launch and h = ``output.continuity_horizon_months`` (24).
:func:`live_index` reads it from the months recorded so far; :func:`verdict` compares the
finished run's index with the baseline's spread (:data:`VERDICT_PERCENTILES` of the default
Mexico run over the seeds of :func:`experiments.dashboard_charts.baseline_band`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.dates import format_month
from sim.summary import reference_month

VERDICT_PERCENTILES = (10, 90)
"""The baseline's usual range of the continuity index, as percentiles of its seeds."""


@dataclass(frozen=True)
class IndexState:
    """The continuity index as far as a run has gone.

    Attributes:
        t0: T0 (absolute month), None until a change of government has happened.
        due: The month the index is read (T0 + h), None until T0 is known.
        value: The index once ``due`` is recorded, else None.
        so_far: Momentum now ÷ M(T0 − 1) between T0 and ``due``, else None.
    """

    t0: int | None
    due: int | None
    value: float | None
    so_far: float | None


def live_index(model: Any, finished: bool = False) -> IndexState:
    """The continuity index of ``model`` from the months it has recorded.

    Args:
        model: A :class:`sim.model.ContinuityModel` being stepped.
        finished: The run has reached its end: with no change of government, T0 falls back to
            ``scenario.reference_date`` as in ``sim.summary``.

    Returns:
        The state of the index; its value equals the run summary's ``continuity_index`` once
        it is due.
    """
    rec = model.recorder
    launch = model.calendar.launch
    if not finished and not any(m >= launch for m in model.turnovers):
        return IndexState(None, None, None, None)
    t0 = reference_month(model)
    due = t0 + model.config.output.continuity_horizon_months
    i0 = t0 - model.calendar.start
    momentum = rec.data["momentum"]
    if not 1 <= i0 <= rec.n:
        return IndexState(t0, due, None, None)
    before = float(momentum[i0 - 1])
    if not before > 0:
        return IndexState(t0, due, None, None)
    i_due = due - model.calendar.start
    if i_due < rec.n:
        return IndexState(t0, due, float(momentum[i_due]) / before, None)
    so_far = float(momentum[rec.n - 1]) / before if rec.n > i0 else None
    return IndexState(t0, due, None, so_far)


def index_cell(state: IndexState) -> tuple[str, str]:
    """The counter's value and label for an :class:`IndexState`."""
    if state.t0 is None:
        return "–", "Continuity index (after the change of government)"
    due = format_month(state.due)
    if state.value is not None:
        return f"{state.value:.2f}", f"Continuity index ({due} ÷ {format_month(state.t0 - 1)})"
    if state.so_far is not None:
        return f"{state.so_far:.2f} so far", f"Continuity index (final in {due})"
    return "–", f"Continuity index (final in {due})"


def baseline_range(indices: np.ndarray) -> tuple[float, float]:
    """The :data:`VERDICT_PERCENTILES` of the baseline's continuity indices (NaNs left out)."""
    lo, hi = np.nanpercentile(np.asarray(indices, dtype=float), VERDICT_PERCENTILES)
    return float(lo), float(hi)


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


MEXICO_BASELINE = "the Mexico baseline (change of government 2018-12, 80 % cut)"


def verdict(
    state: IndexState, band: tuple[float, float], seeds: int, baseline: str = MEXICO_BASELINE
) -> str:
    """A plain sentence comparing a finished run's continuity index with the baseline's.

    Args:
        state: The finished run's index (:func:`live_index` with ``finished=True``).
        band: The baseline's range (:func:`baseline_range`).
        seeds: How many baseline runs the range comes from.
        baseline: How the sentence names the baseline (the case's, for another case).

    Returns:
        E.g. "Your strategy kept 105 % of its momentum two years after the change of government
        (2020-12 vs 2018-11); the Mexico baseline keeps 88–99 % (10th–90th percentile of 20
        runs). That is more than the baseline usually keeps."
    """
    lo, hi = band
    base = f"{baseline} keeps {100 * lo:.0f}–{_pct(hi)} (10th–90th percentile of {seeds} runs)"
    if state.value is None or state.t0 is None:
        return (
            "This run has no continuity index: momentum was zero before the change of "
            f"government or the end came before two years had passed. For comparison, {base}."
        )
    ci = state.value
    if ci > hi:
        compare = "That is more than the baseline usually keeps."
    elif ci < lo:
        compare = "That is less than the baseline usually keeps."
    else:
        compare = "That is within what the baseline usually keeps."
    return (
        f"Your strategy kept {_pct(ci)} of its momentum two years after the change of "
        f"government ({format_month(state.due)} vs {format_month(state.t0 - 1)}); {base}. "
        f"{compare}"
    )
