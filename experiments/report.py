"""``continuity report DIR [value=...] [outcome=...]``: parse, check, then build the report."""

from __future__ import annotations

import sys
import time

from sim.errors import InputError

USAGE = """usage: continuity report DIR [value=METRIC] [outcome=RULE]

Reads the results in DIR (a 'continuity run' directory or a 'continuity sweep' directory; it
never runs the model) and writes DIR/report/index.html with every figure as PNG and SVG.
Sections are chosen to fit the data; the page lists the ones skipped and why.

  value=METRIC   the summary metric compared across runs (default continuity_index);
                 e.g. momentum_final, min_momentum_ratio, nonstate_share
  outcome=RULE   what counts as collapse for scenario discovery (default: survived, or
                 continuity_index<1 when (almost) every run survived); e.g.
                 outcome="continuity_index<0.8", outcome=survived, outcome="momentum_final<200"

Examples:
  continuity report sweeps/tactics
  continuity report outputs/run/2026-11-21/10-00-00
  continuity report sweeps/sensitivity value=momentum_final

Terms and figures: docs/analysis.md.
"""


def parse_args(args: list[str]) -> tuple[str, dict[str, str]]:
    """Split ``DIR key=value ...``; a missing or repeated DIR is an input error."""
    positional = [a for a in args if "=" not in a]
    if len(positional) != 1:
        raise InputError(
            f"DIR: expected one results directory, got {len(positional)}: {positional}"
        )
    return positional[0], dict(a.split("=", 1) for a in args if "=" in a)


def check_options(results, pairs: dict[str, str]):
    """Build the report options, checking the keys, the metric and the outcome rule."""
    from analysis.discovery import DiscoveryError, parse_outcome
    from analysis.report_sections import Options
    from sim.errors import did_you_mean

    problems = [
        f"{key}: unknown option{did_you_mean(key, ['value', 'outcome'])} (allowed: value, outcome)"
        for key in pairs
        if key not in ("value", "outcome")
    ]
    opt = Options(value=pairs.get("value", "continuity_index"), outcome=pairs.get("outcome"))
    runs = results.ok_runs
    numeric = [
        c
        for c in runs.columns
        if runs[c].dtype.kind in "fiub" and c not in ("run_id", "point_id", "replication", "seed")
    ]
    if opt.value not in numeric:
        problems.append(
            f"value: {opt.value!r} is not a numeric metric of these runs"
            f"{did_you_mean(opt.value, numeric)} (allowed: {', '.join(sorted(numeric))})"
        )
    if opt.outcome is not None:
        try:
            parse_outcome(opt.outcome).collapsed(runs)
        except (DiscoveryError, KeyError) as exc:
            problems.append(f"outcome: {exc}")
    if problems:
        raise InputError(problems)
    return opt


def main(args: list[str]) -> int:
    """Run the command; return its exit code (2 for bad input)."""
    from analysis.report import build_report
    from analysis.results import ResultsError, load_results

    directory, pairs = parse_args(args)
    try:
        results = load_results(directory)
    except ResultsError as exc:
        raise InputError([str(exc)]) from None
    options = check_options(results, pairs)
    start = time.perf_counter()
    print(f"continuity report: {results.title} ({len(results.runs)} runs)", flush=True)
    report = build_report(directory, options, progress=lambda s: print(s, flush=True))
    figures = sum(len([p for p in s.figures if p.suffix == ".png"]) for s in report.sections)
    print(
        f"wrote {report.index} ({len(report.sections)} sections, {figures} figures as PNG + SVG, "
        f"{len(report.skipped)} skipped) in {time.perf_counter() - start:.1f} s"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
