"""Scenario discovery (analysis.discovery): outcomes, features, boxes, words and the figure."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import analysis.theme
from analysis.discovery import (
    DiscoveryError,
    describe_discovery,
    design_parameters,
    discover,
    feature_table,
    parse_outcome,
    plot_discovery,
    pretty_parameter,
)

BELOW_ONE = parse_outcome("continuity_index<1")


def runs_table(design: dict[str, object], collapsed: np.ndarray) -> pd.DataFrame:
    """A runs table as a sweep writes it: ids, seed, design columns, label, status, metrics."""
    n = len(collapsed)
    table = pd.DataFrame(
        {"run_id": range(n), "point_id": range(n), "replication": 0, "seed": range(100, 100 + n)}
    )
    for name, values in design.items():
        table[name] = values
    table["label"] = "x"
    table["status"] = "ok"
    table["error"] = None
    table["continuity_index"] = np.where(collapsed, 0.8, 1.2)
    table["survived"] = ~collapsed
    return table


@pytest.fixture(scope="module")
def box_runs() -> pd.DataFrame:
    """400 runs; collapse iff x > 0.6 and y < 0.5; z is noise."""
    rng = np.random.default_rng(1)
    x, y, z = rng.uniform(size=(3, 400))
    return runs_table({"x": x, "y": y, "z": z}, (x > 0.6) & (y < 0.5))


@pytest.fixture(scope="module")
def box_found(box_runs):
    return discover(box_runs, ["x", "y", "z"], BELOW_ONE)


@pytest.fixture(scope="module")
def month_runs() -> pd.DataFrame:
    """Every other month 2019-01..2021-11 x four tactic sets x 3 replications.

    Collapse iff the tactic "law" is not used and the first turnover comes after 2020-01.
    """
    months = [f"{y}-{m:02d}" for y in (2019, 2020, 2021) for m in range(1, 13, 2)]
    tactics = ["none", "law", "broad_coalition", "law+broad_coalition"]
    grid = [(m, t) for m in months for t in tactics for _ in range(3)]
    month, tactic = (np.array(v, dtype=object) for v in zip(*grid, strict=True))
    collapsed = np.array(["law" not in t.split("+") and m > "2020-01" for m, t in grid], dtype=bool)
    return runs_table({"shocks.turnover.first": month, "tactics": tactic}, collapsed)


# --- outcomes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "column", "op", "threshold", "words"),
    [
        ("survived", "survived", "not", None, "the strategy did not survive"),
        ("not  survived", "survived", "not", None, "the strategy did not survive"),
        ("continuity_index<1", "continuity_index", "<", 1.0, "continuity index below 1"),
        ("continuity_index <= 0.9", "continuity_index", "<=", 0.9, "continuity index at most 0.9"),
        ("min_momentum_ratio>0.5", "min_momentum_ratio", ">", 0.5, "min momentum ratio above 0.5"),
        ("momentum_final>=200", "momentum_final", ">=", 200.0, "momentum final at least 200"),
    ],
)
def test_parse_outcome_reads_every_form(text, column, op, threshold, words):
    outcome = parse_outcome(text)
    assert (outcome.column, outcome.op, outcome.threshold) == (column, op, threshold)
    assert outcome.describe() == words


def test_outcome_marks_the_collapsed_runs():
    runs = pd.DataFrame({"continuity_index": [0.5, 1.0, 1.5, np.nan], "survived": [1, 0, 1, 1]})
    assert parse_outcome("continuity_index<1").collapsed(runs).tolist() == [1, 0, 0, 0]
    assert parse_outcome("continuity_index<=1").collapsed(runs).tolist() == [1, 1, 0, 0]
    assert parse_outcome("continuity_index>1").collapsed(runs).tolist() == [0, 0, 1, 0]
    assert parse_outcome("continuity_index>=1").collapsed(runs).tolist() == [0, 1, 1, 0]
    assert parse_outcome("survived").collapsed(runs).tolist() == [0, 1, 0, 0]
    assert parse_outcome("continuity_index<1").known(runs).tolist() == [1, 1, 1, 0]
    assert (
        parse_outcome("continuity_index<1").describe(negate=True) == "continuity index at least 1"
    )
    assert parse_outcome("survived").describe(negate=True) == "the strategy survived"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("wealth<1", "unknown outcome column 'wealth'"),
        ("continuity_index<abc", "threshold 'abc'"),
        ("continuity_index<nan", "threshold 'nan'"),
        ("continuity_index<", "threshold ''"),
        ("continuity_index==1", "cannot read outcome"),
        ("", "cannot read outcome"),
    ],
)
def test_parse_outcome_rejects_bad_text(text, fragment):
    with pytest.raises(DiscoveryError, match=fragment) as err:
        parse_outcome(text)
    assert "\n" not in str(err.value)


def test_unknown_column_message_lists_the_allowed_ones():
    with pytest.raises(DiscoveryError, match="allowed: continuity_index, "):
        parse_outcome("wealth<1")
    assert parse_outcome("wealth<1", columns=["wealth"]).column == "wealth"


def test_outcome_on_a_table_without_its_column():
    with pytest.raises(DiscoveryError, match="no column 'momentum_final'"):
        parse_outcome("momentum_final<1").collapsed(pd.DataFrame({"x": [1]}))


# --- features ----------------------------------------------------------------------------------


def test_pretty_parameter():
    assert pretty_parameter("params.coalition.recruit_rate") == "coalition recruit rate"
    assert pretty_parameter("shocks.funding_cut.size") == "funding cut size"
    assert pretty_parameter("shocks.turnover.first") == "first turnover"
    assert pretty_parameter("x") == "x"


def test_feature_table_encodes_months_tactics_and_drops_constants():
    runs = pd.DataFrame(
        {
            "shocks.turnover.first": ["2019-06", "2020-01", "2020-06"],
            "tactics": ["none", "law", "law+broad_coalition"],
            "shocks.funding_cut.size": [0.2, 0.4, 0.6],
            "params.constant": [1.0, 1.0, 1.0],
            "scenario.name": ["a", "b", "a"],
        }
    )
    table, meta = feature_table(runs, list(runs.columns))
    assert list(table.columns) == [
        "shocks.turnover.first",
        "tactic: broad_coalition",
        "tactic: law",
        "shocks.funding_cut.size",
        "scenario.name: a",
        "scenario.name: b",
    ]
    assert table["shocks.turnover.first"].tolist() == pytest.approx(
        [2019 + 5 / 12, 2020, 2020 + 5 / 12]
    )
    assert table["tactic: law"].tolist() == [0, 1, 1]
    month = meta["shocks.turnover.first"]
    assert month.format_value(2019 + 5 / 12) == "2019-06"
    assert month.condition(2019.7, math.inf) == "first turnover 2020-01 or later"
    assert month.condition(-math.inf, 2020.2) == "first turnover 2020-01 or earlier"
    assert month.condition(-math.inf, 2019.7) == "first turnover in 2019-06"
    assert meta["tactic: law"].condition(-math.inf, 0.5) == "tactic law not used"
    assert meta["tactic: law"].condition(0.5, math.inf) == "tactic law used"
    assert meta["scenario.name: a"].condition(0.5, math.inf) == "scenario name is a"
    size = meta["shocks.funding_cut.size"]
    assert size.condition(0.3, math.inf) == "funding cut size ≥ 0.4"
    assert size.condition(0.1, 0.5) == "funding cut size from 0.2 to 0.4"
    assert size.condition(-math.inf, 0.3) == "funding cut size = 0.2"
    assert size.condition(0.5, math.inf) == "funding cut size = 0.6"
    assert month.condition(2019.5, 2020.1) == "first turnover in 2020-01"


def test_feature_table_unknown_parameter():
    with pytest.raises(DiscoveryError, match="unknown parameter.*'nope'"):
        feature_table(pd.DataFrame({"x": [1.0]}), ["nope"])


def test_design_parameters_are_the_columns_between_seed_and_label(month_runs):
    assert design_parameters(month_runs) == ["shocks.turnover.first", "tactics"]


# --- discovery ---------------------------------------------------------------------------------


def test_discover_finds_the_known_box(box_runs, box_found):
    found = box_found
    assert found.n_runs == 400
    assert found.n_collapsed == int((box_runs["continuity_index"] < 1).sum())
    assert found.depth == 2
    best = found.best_box
    assert set(best.bounds) == {"x", "y"}
    assert best.bounds["x"][0] == pytest.approx(0.6, abs=0.05)
    assert best.bounds["x"][1] == math.inf
    assert best.bounds["y"][0] == -math.inf
    assert best.bounds["y"][1] == pytest.approx(0.5, abs=0.05)
    assert best.coverage >= 0.9 and best.density >= 0.9
    assert best.conditions[0].startswith("x ≥ 0.") and best.conditions[1].startswith("y ≤ 0.")
    importance = found.importances.set_index("feature")["importance"]
    assert importance["z"] < 0.02
    assert importance["x"] > 0.3 and importance["y"] > 0.3


def test_box_counts_match_the_runs_inside(box_runs, box_found):
    table, _ = feature_table(box_runs, ["x", "y", "z"])
    collapsed = (box_runs["continuity_index"] < 1).to_numpy()
    for box in box_found.boxes:
        inside = box.contains(table)
        assert box.n == inside.sum() and box.n_collapsed == collapsed[inside].sum()
        assert box.coverage == pytest.approx(box.n_collapsed / collapsed.sum())
        assert box.density == pytest.approx(box.n_collapsed / box.n)
    scores = [b.coverage * b.density for b in box_found.boxes]
    assert scores == sorted(scores, reverse=True)


def test_discover_reads_months_and_tactics_in_plain_words(month_runs):
    found = discover(month_runs, design_parameters(month_runs), BELOW_ONE)
    best = found.best_box
    assert sorted(best.conditions) == ["first turnover 2020-03 or later", "tactic law not used"]
    assert best.coverage == 1.0 and best.density == 1.0
    assert found.importances.set_index("feature")["importance"]["tactic: broad_coalition"] == 0
    words = " ".join(describe_discovery(found))
    assert "first turnover 2020-03 or later" in words and "tactic law not used" in words
    assert "100 % of them (coverage)" in words


def test_describe_discovery_gives_two_to_four_sentences(box_found):
    sentences = describe_discovery(box_found)
    assert 2 <= len(sentences) <= 4
    assert sentences[0].startswith(f"Runs with continuity index below 1: {box_found.n_collapsed}")
    assert "(coverage)" in sentences[1] and "(density)" in sentences[1]
    assert all(s.endswith(".") for s in sentences)


def test_discover_is_deterministic(box_runs, box_found):
    again = discover(box_runs, ["x", "y", "z"], BELOW_ONE)
    assert again.boxes == box_found.boxes
    assert again.depth == box_found.depth and again.cv_accuracy == box_found.cv_accuracy


def test_failed_runs_are_left_out(box_runs):
    runs = box_runs.copy()
    runs.loc[:9, "status"] = "failed"
    runs.loc[10:14, "continuity_index"] = np.nan
    found = discover(runs, ["x", "y", "z"], BELOW_ONE)
    assert (found.n_runs, found.n_excluded) == (385, 15)


def test_too_few_runs():
    runs = runs_table({"x": np.arange(19.0)}, np.arange(19) % 2 == 0)
    with pytest.raises(DiscoveryError, match="only 19 usable runs of 19.*at least 20"):
        discover(runs, ["x"], BELOW_ONE)


def test_one_class_only():
    runs = runs_table({"x": np.arange(480.0)}, np.zeros(480, dtype=bool))
    message = "no runs with continuity index below 1 among the 480 runs: nothing to separate"
    with pytest.raises(DiscoveryError, match=message):
        discover(runs, ["x"], BELOW_ONE)
    with pytest.raises(DiscoveryError, match="no runs where the strategy did not survive"):
        discover(runs, ["x"], parse_outcome("survived"))


def test_too_few_of_one_class():
    runs = runs_table({"x": np.arange(100.0)}, np.arange(100) >= 96)
    with pytest.raises(DiscoveryError, match="only 4 runs with continuity index below 1"):
        discover(runs, ["x"], BELOW_ONE)


def test_constant_parameters_and_bad_options(box_runs):
    runs = box_runs.assign(flat=1.0)
    with pytest.raises(DiscoveryError, match="none of the parameters varies"):
        discover(runs, ["flat"], BELOW_ONE)
    with pytest.raises(DiscoveryError, match="max_depth"):
        discover(box_runs, ["x"], BELOW_ONE, max_depth=0)
    with pytest.raises(DiscoveryError, match="min_leaf_share"):
        discover(box_runs, ["x"], BELOW_ONE, min_leaf_share=0.7)


# --- figure ------------------------------------------------------------------------------------


@pytest.fixture
def saved_axes(monkeypatch):
    """The axes of every figure saved through analysis.theme.save_figure."""
    seen: list = []
    original = analysis.theme.save_figure

    def record(fig, stem):
        seen.append(list(fig.axes))
        return original(fig, stem)

    monkeypatch.setattr(analysis.theme, "save_figure", record)
    return seen


def plot_quietly(runs, found, stem):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return plot_discovery(runs, found, stem)


def check_written(paths, stem):
    assert [p.name for p in paths] == [f"{stem.name}.png", f"{stem.name}.svg"]
    assert all(p.stat().st_size > 1000 for p in paths)


def test_plot_two_features(box_runs, box_found, tmp_path, saved_axes):
    stem = tmp_path / "box"
    check_written(plot_quietly(box_runs, box_found, stem), stem)
    scatter = saved_axes[0][0]
    assert {scatter.get_xlabel(), scatter.get_ylabel()} == {"X", "Y"}
    legend = [t.get_text() for t in scatter.get_legend().get_texts()]
    assert legend[0].startswith("Continuity index at least 1")
    assert legend[1].startswith("Continuity index below 1")


def test_plot_months_and_tactics(month_runs, tmp_path, saved_axes):
    found = discover(month_runs, design_parameters(month_runs), BELOW_ONE)
    stem = tmp_path / "tactics"
    check_written(plot_quietly(month_runs, found, stem), stem)
    scatter = saved_axes[0][0]
    labels = {scatter.get_xlabel(), scatter.get_ylabel()}
    assert labels == {"First turnover", "Tactic law"}
    ticks = [t.get_text() for t in scatter.get_xticklabels() + scatter.get_yticklabels()]
    assert "2020-01" in ticks and "2020-07" in ticks and "not used" in ticks


def test_plot_one_feature(tmp_path, saved_axes):
    x = np.random.default_rng(3).uniform(size=200)
    runs = runs_table({"params.momentum.decay": x}, x > 0.6)
    found = discover(runs, ["params.momentum.decay"], parse_outcome("survived"))
    assert found.depth == 1 and found.best_box.conditions[0].startswith("momentum decay ≥ 0.6")
    stem = tmp_path / "one"
    check_written(plot_quietly(runs, found, stem), stem)
    ax = saved_axes[0][0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("Momentum decay", "Runs")


def test_no_box_when_collapse_is_chance(tmp_path, saved_axes):
    rng = np.random.default_rng(5)
    x, y = rng.uniform(size=(2, 300))
    runs = runs_table({"x": x, "y": y}, rng.uniform(size=300) < 0.15)
    found = discover(runs, ["x", "y"], parse_outcome("survived"))
    assert found.boxes == [] and found.best_box is None
    assert found.coverage == 0 and math.isnan(found.density)
    sentences = describe_discovery(found)
    assert sentences[1].startswith("No range of the parameters holds mostly runs where")
    assert "explain little" in sentences[-1]
    stem = tmp_path / "none"
    check_written(plot_quietly(runs, found, stem), stem)
