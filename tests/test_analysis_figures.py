"""Each figure function on small synthetic tables: files written, axes labelled, no warnings."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from analysis_tables import long_series, sweep_runs

from analysis.contributions import contribution_table, describe_contributions, plot_contributions
from analysis.heatmap import describe_heatmap, heatmap_table, plot_heatmap, pretty_key
from analysis.tactic_effects import describe_tactic_effects, plot_tactic_effects, tactic_effects
from analysis.trajectories import band_table, describe_trajectories, plot_trajectories


@pytest.fixture(autouse=True)
def _warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def _check_files(paths, *labels):
    assert sorted(p.suffix for p in paths) == [".png", ".svg"]
    for p in paths:
        assert p.stat().st_size > 1000
    svg = next(p for p in paths if p.suffix == ".svg").read_text()
    for label in labels:  # text stays text in the SVG (svg.fonttype = none)
        assert label in svg, f"{label!r} not in the figure"


def test_trajectories_band_per_group(tmp_path):
    runs = sweep_runs(reps=5)
    ts = long_series(list(runs["run_id"]))
    groups = runs.set_index("run_id")["shocks.funding_cut.size"].map(lambda c: f"cut {c}")
    paths = plot_trajectories(
        ts,
        tmp_path / "traj",
        groups=groups,
        turnovers={"cut 0.0": ["2018-12"], "cut 0.5": ["2018-12"], "cut 1.0": ["2018-12"]},
        cut_start="2018-12",
        title="Test",
    )
    _check_files(paths, "Total momentum (index)", "Research &amp; development", "cut 0.5")
    bands = band_table(ts, groups)
    assert set(bands["group"]) == {"cut 0.0", "cut 0.5", "cut 1.0"}
    assert (bands["low"] <= bands["median"]).all() and (bands["median"] <= bands["high"]).all()
    assert (bands["runs"] == 15).all()  # 3 turnover dates x 5 seeds per cut level


def test_trajectories_single_run_has_no_band(tmp_path):
    ts = long_series([0])
    paths = plot_trajectories(ts, tmp_path / "one")
    _check_files(paths, "one run")
    lines = describe_trajectories(band_table(ts), "2019-01")
    assert lines and "two years after the turnover of 2019-01" in lines[0]


def test_describe_trajectories_says_what_rose():
    ts = long_series([0, 1])
    text = " ".join(describe_trajectories(band_table(ts), "2019-01"))
    assert "above its level the month before" in text  # the synthetic series grows


def test_heatmap_table_and_figure(tmp_path):
    runs = sweep_runs(reps=3)
    x, y = "shocks.turnover.first", "shocks.funding_cut.size"
    table = heatmap_table(runs, x, y, "continuity_index")
    assert table.shape == (3, 3)
    assert table.loc[0.0, "2018-06"] == pytest.approx(1.2, abs=0.02)
    paths = plot_heatmap(runs, x, y, tmp_path / "heat")
    _check_files(paths, "first turnover", "funding cut size", "2018-12")
    text = " ".join(describe_heatmap(table, x, y, "continuity_index"))
    assert "falls steadily as funding cut size increases" in text
    assert "highest (1.20)" in text


def test_heatmap_of_another_metric(tmp_path):
    runs = sweep_runs(reps=2)
    paths = plot_heatmap(
        runs, "shocks.turnover.first", "shocks.funding_cut.size", tmp_path / "h2", "momentum_final"
    )
    _check_files(paths, "final momentum")


def test_pretty_key():
    assert pretty_key("shocks.funding_cut.size") == "funding cut size"
    assert pretty_key("params.coalition.recruit_rate") == "coalition recruit rate"
    assert pretty_key("shocks.turnover.first") == "first turnover"


def test_tactic_effects_paired_and_unpaired():
    runs = sweep_runs(tactics=["none", "law", "law+hubs"], reps=6)
    eff = tactic_effects(runs)
    assert list(eff["tactics"]) == ["law+hubs", "law"]
    assert eff.loc[0, "effect"] == pytest.approx(0.2, abs=0.02)
    assert (eff["low"] < eff["effect"]).all() and (eff["effect"] < eff["high"]).all()
    unpaired = tactic_effects(runs, paired=False)
    assert unpaired.loc[0, "effect"] == pytest.approx(eff.loc[0, "effect"])
    # the paired interval removes the between-point variance: it is much narrower
    assert (eff["high"] - eff["low"]).max() < (unpaired["high"] - unpaired["low"]).min()


def test_tactic_effects_need_a_baseline():
    runs = sweep_runs(tactics=["law"], reps=2)
    with pytest.raises(ValueError, match="no baseline"):
        tactic_effects(runs)


def test_tactic_effect_figure_and_reading(tmp_path):
    runs = sweep_runs(tactics=["none", "law", "hubs", "law+hubs"], reps=4)
    eff = tactic_effects(runs)
    _check_files(plot_tactic_effects(eff, tmp_path / "tac"), "Tactics in force", "law + hubs")
    text = " ".join(describe_tactic_effects(eff))
    assert "The best combination is law + hubs" in text


def test_contributions(tmp_path):
    ts = long_series([0, 1, 2])
    table = contribution_table(ts)
    assert list(table.columns)[:2] == ["administration", "state"]
    np.testing.assert_allclose(
        table.sum(axis=1), ts[ts.variable == "momentum"].groupby("month")["value"].mean()
    )
    paths = plot_contributions(table, tmp_path / "c", turnovers=["2018-12"], runs=3)
    _check_files(paths, "Share of total momentum", "Organisations", "mean of 3 runs")
    text = describe_contributions(table, "2018-12")
    assert text[0].startswith("Largest shares of momentum the month before the turnover")


def test_contributions_empty_reference():
    assert describe_contributions(pd.DataFrame(), None) == []


def test_tactic_effects_per_full_time_person():
    """With the runs' tactic cost, effects are also given per 12 staff-months a year."""
    runs = sweep_runs(tactics=["none", "law", "hubs"], reps=6)
    cost = {"none": 0.0, "law": 24.0, "hubs": 6.0}
    runs["tactic_cost_per_year"] = runs["tactics"].map(cost)
    eff = tactic_effects(runs).set_index("tactics")
    for name in ("law", "hubs"):
        ftes = cost[name] / 12
        assert eff.loc[name, "per_fte"] == pytest.approx(eff.loc[name, "effect"] / ftes)
        assert eff.loc[name, "per_fte_low"] == pytest.approx(eff.loc[name, "low"] / ftes)
    text = " ".join(describe_tactic_effects(eff.reset_index()))
    # the same effect (+0.1 each), but hubs cost a quarter as much
    assert "the single tactic that buys most is hubs (+0.19" in text or "is hubs (+0.20" in text
    assert "it costs 6 staff-months a year" in text
    free = runs.assign(tactic_cost_per_year=0.0)
    assert tactic_effects(free)["per_fte"].isna().all()
