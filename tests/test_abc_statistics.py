"""The ABC statistics agree with the patterns they stand for, and the distance is a distance."""

from __future__ import annotations

import math

import pytest

from experiments import patterns as P
from experiments.abc.options import Fact
from experiments.abc.statistics import MISSING, STATISTICS, Stat, distance, fact
from experiments.pattern_spec import load_spec
from experiments.pattern_windows import parse_window


def test_excess_is_zero_inside_and_scaled_outside():
    assert Stat("x", 5.0, 0.0, 10.0, 2.0).excess() == 0.0
    assert Stat("x", 14.0, 0.0, 10.0, 2.0).excess() == pytest.approx(2.0)
    assert Stat("x", -1.0, 0.0, math.inf, 0.5).excess() == pytest.approx(2.0)
    assert Stat("x", math.nan, 0.0, 1.0, 1.0).excess() == MISSING


def test_distance_is_the_root_of_summed_squares():
    stats = [Stat("a", 13.0, 0, 10, 1), Stat("b", -4.0, 0, 1, 1), Stat("c", 0.5, 0, 1, 1)]
    assert distance(stats) == pytest.approx(5.0)
    assert distance([Stat("c", 0.5, 0, 1, 1)]) == 0.0


@pytest.fixture(scope="module")
def runs(mexico_config):
    """Default Mexico runs and no-turnover controls: some patterns hold, some fail."""
    import dataclasses

    from sim.api import run

    out = []
    for overrides in ([], ["counterfactual=no_turnover"], ["counterfactual=no_coalition"]):
        cfg = mexico_config(overrides)
        for seed in (0, 1, 2):
            result = run(dataclasses.replace(cfg, seed=seed), keep_model=False)
            out.append(P.Run(result.timeseries, result.summary, cfg.scenario.strategy_launch))
    return out


def test_each_pattern_holds_exactly_when_its_statistics_are_in_their_windows(runs):
    spec = load_spec("mexico")
    seen = {True: 0, False: 0}
    for r in runs:
        for p in spec.patterns:
            stats = STATISTICS[type(p.check)](p.check, r)
            inside = all(s.excess() == 0.0 for s in stats)
            assert inside == p.holds(r), (p.name, [(s.name, s.value, s.low, s.high) for s in stats])
            seen[inside] += 1
    assert seen[True] > 0 and seen[False] > 0  # both outcomes were exercised


def test_a_fact_reads_a_column_over_its_window(runs):
    f = Fact("bills", "bills_introduced", parse_window("2020-01..2024-12"), None, 46, 70, 6, "")
    r = runs[0]
    stat = fact(f, r)
    assert stat.value == r.added("bills_introduced", f.added)
    assert (stat.low, stat.high, stat.scale) == (46, 70, 6)
