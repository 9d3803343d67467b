"""``continuity validate case=all``: every case's observed outcome against the model's share.

Each case with an observed outcome (``outcome`` in its pattern spec, docs/cases.md) is
validated as ``continuity validate case=NAME`` would (its baseline and its negative control on
the same seeds; no other counterfactual), into ``out/NAME/``; then one table compares, per case,
what happened at the turnover with the share of seeds in which the model reproduces it
(pattern ``federal_outcome``), the share of control seeds in which it wrongly does so without
its cause, and how many of the case's other patterns pass. Behavioural parameters are the
same for every case (``params``: the Mexico calibration); a case sets only its own inputs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from experiments.pattern_spec import DEFAULT_CASE, load_spec
from experiments.validate import Options, Validation, run_validation
from sim.api import atomic_write
from sim.errors import InputError

OUTCOME_PATTERN = "federal_outcome"
COLUMNS = (
    "case",
    "turnover",
    "observed",
    "evidence",
    "share",
    "reproduced",
    "control",
    "control_share",
    "patterns_passed",
    "patterns",
)


@dataclass
class CaseTable:
    """The outcome of :func:`validate_cases`: one row per case, and each case's validation."""

    table: pd.DataFrame
    validations: dict[str, Validation]
    threshold: float
    files: list[Path]

    @property
    def exit_code(self) -> int:
        """0 if every case's outcome is reproduced in at least ``threshold`` of the seeds."""
        return 0 if bool(self.table["reproduced"].all()) else 1


def outcome_cases() -> list[str]:
    """The cases whose spec gives an observed outcome, Mexico first, then by name."""
    from sim.cases import available_cases

    names = []
    for name in available_cases():
        try:
            spec = load_spec(name)
        except InputError:
            continue
        if spec.outcome is not None:
            names.append(name)
    return sorted(names, key=lambda n: (n != DEFAULT_CASE, n))


def validate_cases(options: Options, progress: bool = True) -> CaseTable:
    """Validate every case with an outcome; tabulate outcome against share; write the table.

    Args:
        options: The seeds, jobs, thresholds, output directory and overrides (applied to every
            case); ``case`` and ``counterfactuals`` are ignored.
        progress: Show a progress bar per case on stderr.

    Raises:
        InputError: A problem with any case's configs, before any run.

    """
    cases = outcome_cases()
    if not cases:
        raise InputError("case=all: no case has an observed outcome (outcome: in its patterns)")
    out = Path(options.out) if options.out is not None else Path("outputs/validate/cases")
    plans = {
        name: replace(
            options,
            case=name,
            counterfactuals=(),
            overrides=(f"case={name}", *options.overrides),
            out=out / name,
        )
        for name in cases
    }
    from experiments.validate import check_options, prepare

    found: dict[str, list[str]] = {}  # problem -> the cases that have it
    for name, plan in plans.items():  # every case's configs are checked before any run
        try:
            more = check_options(plan)
            if not more:
                prepare(plan)
        except InputError as exc:
            more = exc.problems
        for p in more:
            found.setdefault(p, []).append(name)
    if found:  # a problem every case shares (e.g. a missing posterior) is said once
        raise InputError(
            [
                f"{'every case' if len(names) == len(plans) > 1 else 'case ' + ', '.join(names)}: {p}"
                for p, names in found.items()
            ]
        )
    validations = {name: run_validation(plan, progress) for name, plan in plans.items()}
    table = outcome_table(validations, options.threshold)
    result = CaseTable(table, validations, options.threshold, [])
    result.files = write_cases(result, out)
    return result


def outcome_table(validations: dict[str, Validation], threshold: float) -> pd.DataFrame:
    """One row per case: observed outcome, share of seeds reproducing it, its control."""
    rows = []
    for name, v in validations.items():
        spec, patterns = v.spec, v.patterns
        row = patterns[patterns["name"] == OUTCOME_PATTERN].iloc[0]
        others = patterns[patterns["name"] != OUTCOME_PATTERN]
        caused = bool(row["turnover_caused"])
        rows.append(
            {
                "case": name,
                "turnover": v.t0,
                "observed": spec.outcome.observed,
                "evidence": spec.outcome.evidence,
                "share": float(row["share"]),
                "reproduced": bool(row["share"] >= threshold - 1e-12),
                "control": spec.control if caused else "",
                "control_share": float(row["control_share"]) if caused else math.nan,
                "patterns_passed": int(others["passed"].sum()),
                "patterns": len(others),
            }
        )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _pct(x: float) -> str:
    return "—" if x != x else f"{100 * x:.0f} %"


def format_cases(result: CaseTable, markdown: bool = False) -> str:
    """The table as text (terminal) or Markdown, with what each column means."""
    head = (
        "| case | turnover (T0) | observed outcome | evidence | model reproduces it | "
        "without its cause (control) | other patterns passed |"
    )
    lines = [head, "|---|---|---|---|---|---|---|"]
    for r in result.table.itertuples(index=False):
        verdict = "yes" if r.reproduced else "NO"
        control = f"{_pct(r.control_share)} ({r.control})" if r.control else "—"
        lines.append(
            f"| {r.case} | {r.turnover} | {r.observed} | {r.evidence}/5 | "
            f"{_pct(r.share)} of seeds ({verdict}) | {control} | "
            f"{r.patterns_passed} of {r.patterns} |"
        )
    first = next(iter(result.validations.values()))
    seeds = first.options.seeds
    if first.posterior is None:
        params = "Behavioural parameters are the same in every case"
    else:
        params = (
            f"Behavioural parameters are drawn from the posterior {first.posterior} "
            "(params=posterior: one draw per seed, the same draw for every case and its control; "
            "the posterior replaces only the calibrated keys)"
        )
    note = (
        f"\nShare of {seeds} seeds in which the federal strategy survives or dies as it did "
        f"(pattern {OUTCOME_PATTERN}; reproduced: at least {_pct(result.threshold)}). "
        "Control: the share of seeds of the case without its cause (its negative control) in "
        f"which the outcome still comes out the same (low is good). {params}; each case sets "
        f"only its own inputs. {first.uncertainty.replace('Intervals include', 'Shares include')} "
        f"Per case: {Path(first.options.out).parent}/CASE/."
    )
    return "\n".join(lines) + "\n" + note + "\n"


def write_cases(result: CaseTable, out: Path) -> list[Path]:
    """``cases.md`` and ``cases.parquet`` in ``out`` (each case's files are in its folder)."""
    out.mkdir(parents=True, exist_ok=True)
    text = "# Cases: observed outcome against the model\n\n" + format_cases(result, True)
    return [
        atomic_write(out / "cases.md", lambda p: Path(p).write_text(text, encoding="utf-8")),
        atomic_write(out / "cases.parquet", lambda p: result.table.to_parquet(p, index=False)),
    ]
