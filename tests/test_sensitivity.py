"""Sensitivity analysis: known indices (Ishigami, linear Morris), sweep plumbing, figures, words."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from analysis.sensitivity import (
    INDEX_LABELS,
    MU_STAR_LABEL,
    SIGMA_LABEL,
    SensitivityError,
    _draw_morris,
    _draw_sobol,
    analyse_sweep,
    describe_morris,
    describe_sobol,
    morris_indices,
    plot_morris,
    plot_sobol,
    point_means,
    pretty_parameter,
    sobol_indices,
)

ISHIGAMI = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-math.pi, math.pi]] * 3}
ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)

LINEAR = {
    "num_vars": 5,
    "names": ["params.a", "params.b", "params.c", "params.d", "params.e"],
    "bounds": [[0.0, 1.0]] * 5,
}


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def linear(x: np.ndarray) -> np.ndarray:
    """3 a + b + 0 c + 2 d e: linear in a, b, c; d and e interact."""
    return 3 * x[:, 0] + x[:, 1] + 0 * x[:, 2] + 2 * x[:, 3] * x[:, 4]


@pytest.fixture(scope="module")
def ishigami_indices() -> pd.DataFrame:
    from SALib.sample import sobol

    x = sobol.sample(ISHIGAMI, 1024, calc_second_order=False, seed=3)
    return sobol_indices(ISHIGAMI, ishigami(x), seed=1)


@pytest.fixture(scope="module")
def linear_morris() -> pd.DataFrame:
    from SALib.sample import morris

    x = morris.sample(LINEAR, 40, num_levels=4, seed=2)
    return morris_indices(LINEAR, x, linear(x), levels=4, seed=2)


# --------------------------------------------------------------------------------------------
# Indices


def test_sobol_reproduces_ishigami(ishigami_indices: pd.DataFrame) -> None:
    table = ishigami_indices
    assert list(table.columns) == ["parameter", "index", "value", "conf"]
    assert list(table["parameter"].unique()) == ["x1", "x2", "x3"]
    for index, expected in (("S1", ISHIGAMI_S1), ("ST", ISHIGAMI_ST)):
        rows = table[table["index"] == index]
        assert rows["value"].to_numpy() == pytest.approx(expected, abs=0.05)
        assert ((rows["conf"] > 0) & (rows["conf"] < 0.2)).all()
        # the 95 % intervals cover the analytical values (with a little slack)
        assert (abs(rows["value"] - np.array(expected)) <= rows["conf"] + 0.02).all()


def test_sobol_is_reproducible_for_a_seed() -> None:
    from SALib.sample import sobol

    x = sobol.sample(ISHIGAMI, 64, calc_second_order=False, seed=1)
    first = sobol_indices(ISHIGAMI, ishigami(x), seed=0, num_resamples=100)
    second = sobol_indices(ISHIGAMI, ishigami(x), seed=0, num_resamples=100)
    pd.testing.assert_frame_equal(first, second)


def test_sobol_second_order_sample_is_accepted() -> None:
    from SALib.sample import sobol

    x = sobol.sample(ISHIGAMI, 64, calc_second_order=True, seed=1)
    table = sobol_indices(ISHIGAMI, ishigami(x), second_order=True, num_resamples=100)
    assert set(table["index"]) == {"S1", "ST"}
    with pytest.raises(SensitivityError, match="second_order"):
        sobol_indices(ISHIGAMI, ishigami(x), num_resamples=100)


@pytest.mark.parametrize(
    ("y", "match"),
    [
        (np.ones(5 * 8 + 1), "multiple of 5"),
        (np.r_[np.ones(39), np.nan], "NaN"),
        (np.ones(40), "constant"),
    ],
)
def test_sobol_rejects_unusable_outputs(y: np.ndarray, match: str) -> None:
    with pytest.raises(SensitivityError, match=match):
        sobol_indices(ISHIGAMI, y)


def test_morris_linear_function(linear_morris: pd.DataFrame) -> None:
    table = linear_morris.set_index("parameter")
    assert list(linear_morris.columns) == ["parameter", "mu", "mu_star", "sigma", "mu_star_conf"]
    assert table.loc[["params.a", "params.b", "params.c"], "mu_star"].to_numpy() == pytest.approx(
        [3.0, 1.0, 0.0], abs=1e-9
    )
    assert table.loc[["params.a", "params.b", "params.c"], "sigma"].to_numpy() == pytest.approx(
        [0.0, 0.0, 0.0], abs=1e-9
    )
    assert table.loc["params.a", "mu"] == pytest.approx(3.0)
    assert (table.loc[["params.d", "params.e"], "sigma"] > 0.1).all()
    ranked = linear_morris.sort_values("mu_star", ascending=False)["parameter"].tolist()
    assert ranked[0] == "params.a" and ranked[-1] == "params.c"


def test_morris_rejects_broken_trajectories() -> None:
    x = np.zeros((13, 5))
    with pytest.raises(SensitivityError, match="trajectories"):
        morris_indices(LINEAR, x, np.arange(13.0))
    with pytest.raises(SensitivityError, match="shape"):
        morris_indices(LINEAR, np.zeros((12, 4)), np.arange(12.0))
    with pytest.raises(SensitivityError, match="constant"):
        morris_indices(LINEAR, np.zeros((12, 5)), np.ones(12))


# --------------------------------------------------------------------------------------------
# Sweep results


def _runs(values: dict[int, list[float]], failed: dict[int, int] | None = None) -> pd.DataFrame:
    rows = [
        {"run_id": i, "point_id": p, "status": "ok", "continuity_index": v}
        for i, (p, v) in enumerate((p, v) for p, vs in values.items() for v in vs)
    ]
    for p, n in (failed or {}).items():
        rows += [{"point_id": p, "status": "failed", "continuity_index": 99.0}] * n
    return pd.DataFrame(rows).sample(frac=1, random_state=0)  # any row order


def test_point_means_averages_successful_runs_in_point_order() -> None:
    runs = _runs({2: [0.5, 0.7], 0: [0.1, 0.3], 1: [1.0]}, failed={0: 1, 1: 2})
    assert point_means(runs, "continuity_index", 3) == pytest.approx([0.2, 1.0, 0.6])


def test_point_means_takes_booleans_and_works_without_status() -> None:
    runs = pd.DataFrame({"point_id": [0, 0, 1, 1], "survived": [True, False, True, True]})
    assert point_means(runs, "survived", 2) == pytest.approx([0.5, 1.0])


def test_point_means_rejects_a_point_without_successful_run() -> None:
    runs = _runs({0: [0.1], 2: [0.3]}, failed={1: 2})
    with pytest.raises(SensitivityError, match="point 1 has no successful run"):
        point_means(runs, "continuity_index", 3)


@pytest.mark.parametrize(
    ("runs", "output", "match"),
    [
        (pd.DataFrame({"point_id": [0], "x": [1.0]}), "continuity_index", "not a column"),
        (pd.DataFrame({"point_id": [0], "label": ["a"]}), "label", "not numeric"),
        (pd.DataFrame({"point_id": [0], "x": [np.nan]}), "x", "NaN"),
        (pd.DataFrame({"point_id": [0, 5], "x": [1.0, 2.0]}), "x", "point 5"),
    ],
)
def test_point_means_rejects_unusable_columns(runs: pd.DataFrame, output: str, match: str) -> None:
    with pytest.raises(SensitivityError, match=match):
        point_means(runs, output, 1)


def _plan(kind: str, x: np.ndarray, problem: dict, **design: object) -> dict:
    names = problem["names"]
    points = [
        {"point_id": i, "base": 0, "values": dict(zip(names, map(float, row), strict=True))}
        for i, row in enumerate(x)
    ]
    parameters = dict(zip(names, problem["bounds"], strict=True))
    return {
        "design": {"kind": kind, "parameters": parameters, "seed": 0, **design},
        "problem": problem,
        "points": points,
    }


def _sweep_runs(x: np.ndarray, y: np.ndarray, replications: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = [
        {"point_id": p, "replication": r, "status": "ok", "continuity_index": y[p] + noise}
        for p in range(len(x))
        for r, noise in enumerate(rng.normal(0, 0.01, replications))
    ]
    rows.append({"point_id": 0, "replication": 9, "status": "failed", "continuity_index": 1e6})
    return pd.DataFrame(rows)


def test_analyse_sweep_sobol() -> None:
    from SALib.sample import sobol

    problem = {"num_vars": 2, "names": ["params.a", "params.b"], "bounds": [[0, 1], [0, 1]]}
    x = sobol.sample(problem, 64, calc_second_order=False, seed=0)
    plan = _plan("sobol", x, problem, samples=64, second_order=False)
    kind, table = analyse_sweep(plan, _sweep_runs(x, x[:, 0] + 3 * x[:, 1]))
    assert kind == "sobol"
    total = table[table["index"] == "ST"].set_index("parameter")["value"]
    assert total["params.b"] > 0.8 > 0.2 > total["params.a"] > 0


def test_analyse_sweep_morris_rebuilds_inputs_in_problem_order() -> None:
    from SALib.sample import morris

    x = morris.sample(LINEAR, 10, num_levels=4, seed=0)
    plan = _plan("morris", x, LINEAR, samples=10, levels=4)
    for point in plan["points"]:  # key order of the values must not matter
        point["values"] = dict(reversed(point["values"].items()))
    runs = _sweep_runs(x, linear(x), replications=1)
    runs["continuity_index"] = np.r_[linear(x), 0.0]  # no noise: exact elementary effects
    kind, table = analyse_sweep(plan, runs)
    assert kind == "morris"
    assert table.set_index("parameter")["mu_star"]["params.a"] == pytest.approx(3.0)


def test_analyse_sweep_rejects_a_grid() -> None:
    plan = {"design": {"kind": "grid", "parameters": {"a": [1, 2]}}, "points": []}
    with pytest.raises(SensitivityError, match="design kind 'grid' has no variance-based"):
        analyse_sweep(plan, pd.DataFrame())


# --------------------------------------------------------------------------------------------
# Figures and words


def test_draw_sobol_labels_and_error_bars(ishigami_indices: pd.DataFrame) -> None:
    from analysis.theme import new_figure

    fig, ax = new_figure()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _draw_sobol(ax, ishigami_indices, "ishigami output")
    assert ax.get_xlabel() == "Sobol' index of the ishigami output (bars: 95 % CI)"
    assert ax.get_ylabel() == "Parameter"
    # parameters by total index, largest first (x1, x2, x3)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["x1", "x2", "x3"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(INDEX_LABELS.values())
    fig.clf()


def test_draw_morris_labels(linear_morris: pd.DataFrame) -> None:
    from analysis.theme import new_figure

    fig, ax = new_figure()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _draw_morris(ax, linear_morris)
    assert ax.get_xlabel() == MU_STAR_LABEL
    assert ax.get_ylabel() == SIGMA_LABEL
    assert {t.get_text() for t in ax.texts} == {"a", "b", "c", "d", "e"}
    fig.clf()


@pytest.mark.parametrize("which", ["sobol", "morris"])
def test_plots_write_png_and_svg(which: str, request: pytest.FixtureRequest, tmp_path) -> None:
    plot = plot_sobol if which == "sobol" else plot_morris
    table = request.getfixturevalue("ishigami_indices" if which == "sobol" else "linear_morris")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        paths = plot(table, tmp_path / "figs" / which)
    assert [p.name for p in paths] == [f"{which}.png", f"{which}.svg"]
    assert all(p.stat().st_size > 1000 for p in paths)


def test_pretty_parameter() -> None:
    assert pretty_parameter("params.coalition.recruit_rate") == "coalition recruit rate"
    assert pretty_parameter("shocks.funding_cut.size") == "shocks funding cut size"


def test_describe_sobol(ishigami_indices: pd.DataFrame) -> None:
    sentences = describe_sobol(ishigami_indices, "output")
    assert 2 <= len(sentences) <= 4
    assert sentences[0].startswith("X1 drives the output most: alone it explains 3")
    assert any(s.startswith("Interactions matter") and "x1" in s for s in sentences)
    assert all(s.endswith(".") for s in sentences)


def test_describe_sobol_names_negligible_parameters() -> None:
    table = pd.DataFrame(
        {
            "parameter": ["params.p.big"] * 2 + ["params.p.tiny"] * 2,
            "index": ["S1", "ST"] * 2,
            "value": [0.95, 0.97, 0.01, 0.02],
            "conf": [0.05, 0.04, 0.01, 0.01],
        }
    )
    sentences = describe_sobol(table)
    assert "P big drives the continuity index most" in sentences[0]
    assert "95 % of the variance (95 % CI 90–100 %)" in sentences[0]
    assert any("P tiny barely matters" in s for s in sentences)
    assert sentences[-1].startswith("Interactions play a minor role")


def test_describe_morris(linear_morris: pd.DataFrame) -> None:
    sentences = describe_morris(linear_morris)
    assert 2 <= len(sentences) <= 4
    assert sentences[0].startswith("A has the largest effect on the continuity index")
    assert "raises" in sentences[0]
    assert any("c barely matters" in s.lower() for s in sentences)
