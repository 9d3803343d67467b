"""A short, readable summary of one run for the terminal."""

from __future__ import annotations

from pathlib import Path

from sim.api import Result


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.0f} %"


def format_summary(result: Result, files: list[Path] | None = None) -> str:
    """Plain-language summary of a run: shocks, continuity, who carried the strategy."""
    s, cfg, ts = result.summary, result.config, result.timeseries
    sc = cfg.scenario
    agents = sum(s["agents_by_type"].values())
    lines = [
        f"Continuity — scenario {s['scenario']}, seed {s['seed']}, {sc.start}..{sc.end} "
        f"({len(ts)} months, {agents} agents)",
    ]
    turnovers = ", ".join(s["turnovers"]) or "none"
    cut = cfg.shocks.funding_cut
    cut_text = (
        f"funding cut {cut.size:.0%} from {s['funding_cut_start']}"
        if s["funding_cut_start"] and cut.size > 0
        else "no funding cut"
    )
    lines.append(f"  Turnovers: {turnovers}; {cut_text}")
    tactics = s.get("tactics") or []
    lines.append(f"  Tactics: {', '.join(tactics) if tactics else 'none'}")
    if s.get("posterior_particle") is not None:
        values = ", ".join(f"{k}={v:.4g}" for k, v in s["posterior_values"].items())
        lines.append(f"  Parameters: posterior particle {s['posterior_particle']} ({values})")
    t0 = s["reference_date"]
    before = s["momentum_before_turnover"]
    if before is not None:
        lines.append(f"  Momentum just before {t0}: {before:.1f}")
    if s["continuity_index"] is not None:
        lines.append(
            f"  Momentum {cfg.output.continuity_horizon_months} months later: "
            f"{s['continuity_index'] * before:.1f}  → continuity index {s['continuity_index']:.2f}"
        )
    if s["min_momentum_ratio"] is not None:
        rec = s["months_to_recover"]
        if rec == 0:
            rec_text = "it never fell below that level"
        elif rec is None:
            rec_text = "never recovered"
        else:
            rec_text = f"back to its pre-{t0} level after {rec} months"
        lines.append(
            f"  Lowest point after {t0}: {_pct(s['min_momentum_ratio'])} of before; {rec_text}"
        )
    lines.append(
        f"  Non-state actors carried {_pct(s['nonstate_share'])} of the momentum from {t0} on; "
        f"strategy {'survived' if s['survived'] else 'did not survive'} to {sc.end}"
    )
    law = s["law_passed_date"] or "no AI law passed"
    lines.append(
        f"  Coalition members at the end: {s['coalition_members_final']}; states with an AI office: "
        f"{s['states_with_ai_office_final']}; {law if s['law_passed_date'] is None else 'AI law passed ' + law}"
    )
    if s["international_commitments"]:
        made = ", ".join(f"{c['name']} ({c['date']})" for c in s["international_commitments"])
        lines.append(f"  International commitments: {made}")
    if files:
        lines.append(f"  Results in {files[0].parent}/: " + ", ".join(p.name for p in files))
    return "\n".join(lines)
