"""Pattern kinds for the cross-case comparison: does the federal strategy survive the turnover?

Every case's observed outcome (docs/cases.md) is written as the same check, so the cases are
compared on one definition: the **federal strategy survives** a change of government if the
successor keeps at least ``threshold`` of the federal effort the strategy had before it (mean of
``federal_effort`` over ``after`` against the mean over ``before``); otherwise it **dies**. A
successor that re-launches the strategy under its own name counts through its effort, and its
re-launch is checked on its own (:class:`Relaunch`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from experiments.pattern_windows import Window
from experiments.patterns import KINDS, Check, Run, _pct


@dataclass(frozen=True)
class FederalOutcome(Check):
    """The federal strategy survives (or dies): the successor's effort against the predecessor's."""

    kind: ClassVar[str] = "federal_outcome"
    before: Window
    after: Window
    threshold: float
    survives: bool

    def retention(self, r: Run) -> float:
        """Mean federal effort over ``after`` / mean over ``before`` (NaN if undefined)."""
        before = r.values("federal_effort", self.before)
        after = r.values("federal_effort", self.after)
        if before.size == 0 or after.size == 0 or before.mean() <= 0:
            return float("nan")
        return float(after.mean() / before.mean())

    def holds(self, r: Run) -> bool:
        """Retention ≥ ``threshold`` if the strategy ``survives``, < it if it dies."""
        kept = self.retention(r)
        if kept != kept:  # NaN: no federal effort before, nothing to survive
            return False
        return bool(kept >= self.threshold) == self.survives

    def describe(self) -> str:
        """One line."""
        verb = "keeps" if self.survives else "keeps less than"
        verdict = "survives" if self.survives else "dies"
        return (
            f"the federal strategy {verdict}: the successor {verb} {_pct(self.threshold)} of the "
            f"federal effort (mean over {self.after} against {self.before})"
        )


@dataclass(frozen=True)
class Relaunch(Check):
    """A successor re-launches the strategy under its own name within a window (or does not)."""

    kind: ClassVar[str] = "relaunch"
    within: Window
    expected: bool

    def holds(self, r: Run) -> bool:
        """Whether the count of re-launches grew over ``within`` is ``expected``."""
        return bool(r.added("relaunches", self.within) > 0) == self.expected

    def describe(self) -> str:
        """One line."""
        if self.expected:
            return f"a successor re-launches the strategy under its own name within {self.within}"
        return f"no successor re-launches the strategy within {self.within}"


ALL_KINDS: dict[str, type[Check]] = {**KINDS, **{k.kind: k for k in (FederalOutcome, Relaunch)}}
"""Every kind of pattern a spec may use, by name."""
