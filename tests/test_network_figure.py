"""The stakeholder network figure and the network tables a run writes.

Fast: the figure tests use small hand-built tables; one default Mexico run (module fixture) checks
:meth:`sim.api.Result.network_tables`; one short ``continuity run`` and one in-process sweep chunk
check that the tables are written.
"""

from __future__ import annotations

import gc
import os
import subprocess
import warnings

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
from cli_runner import CONTINUITY

import analysis.network_figure as nf
from analysis.network_figure import (
    NetworkFigureError,
    describe_network,
    network_layout,
    plot_network,
    subset_network,
)

NETWORK_FILES = ("network_nodes.parquet", "network_edges.parquet")


# --------------------------------------------------------------------------- hand-built tables
def tiny_tables(before: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ten actors of every type; the administration loses commitment, the others hold."""
    types = [
        "administration",
        "state",
        "state",
        "senate",
        "coalition",
        "dpa",
        "company",
        "organization",
        "organization",
        "international",
    ]
    n = len(types)
    start = np.linspace(0.2, 0.8, n)
    final = start.copy()
    final[0] = 0.1  # the new administration
    nodes = pd.DataFrame(
        {
            "node": np.arange(n),
            "id": [f"a{i}" for i in range(n)],
            "name": [
                "Federal administration seat",
                "State A",
                "State B",
                "Senate of the Republic",
                "Coalition for AI",
                "Data Protection Institute (DPI)",
                "Company 1",
                "Organization 1",
                "Organization 2",
                "OECD",
            ],
            "type": types,
            "commitment_start": start,
            "commitment_before_turnover": start + 0.05 if before else np.nan,
            "commitment_final": final,
            "coalition_member": [False] * 6 + [True, True, False, False],
            "ai_office": [False, True, False] + [False] * 7,
        }
    )
    pairs = [(0, 1), (0, 2), (0, 3), (0, 5), (0, 9), (1, 2), (3, 4), (4, 6), (4, 7), (4, 8)]
    pairs += [(6, 7), (7, 8), (0, 4)]
    edges = pd.DataFrame(pairs, columns=["source", "target"]).assign(weight=0.5)
    return nodes, edges


def random_tables(n: int = 120, seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A random network with many tied degrees (for the subset)."""
    rng = np.random.default_rng(seed)
    types = np.where(np.arange(n) == 0, "administration", "organization")
    types[1] = "senate"  # few ties: kept only as a named institution
    nodes = pd.DataFrame(
        {
            "node": np.arange(n),
            "type": types,
            "commitment_start": rng.random(n),
            "commitment_before_turnover": rng.random(n),
            "commitment_final": rng.random(n),
            "coalition_member": rng.random(n) < 0.3,
        }
    )
    a, b = rng.integers(2, n, size=(2, 3 * n))
    keep = a < b
    pairs = {(int(i), int(j)) for i, j in zip(a[keep], b[keep], strict=True)}
    pairs |= {(0, j) for j in range(2, 30)} | {(1, 2)}
    edges = pd.DataFrame(sorted(pairs), columns=["source", "target"]).assign(weight=1.0)
    return nodes, edges


@pytest.fixture
def captured(monkeypatch):
    """The figures plot_network saves (inspected before they are closed)."""
    figures = []
    real = nf.save_figure

    def keep(fig, stem):
        figures.append(
            {
                "suptitle": fig._suptitle.get_text() if fig._suptitle else "",
                "titles": [ax.get_title(loc="left") for ax in fig.axes],
                "texts": [t.get_text() for ax in fig.axes for t in ax.texts],
                "legends": [
                    [t.get_text() for t in ax.get_legend().get_texts()]
                    for ax in fig.axes
                    if ax.get_legend()
                ],
                "xlabels": [c.get_xlabel() for ax in fig.axes for c in [ax, *ax.child_axes]],
                "collections": [len(ax.collections) for ax in fig.axes],
            }
        )
        return real(fig, stem)

    monkeypatch.setattr(nf, "save_figure", keep)
    return figures


# --------------------------------------------------------------------------- the figure
def test_plot_writes_png_and_svg_without_warnings(tmp_path, captured):
    nodes, edges = tiny_tables()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        paths = plot_network(nodes, edges, tmp_path / "net" / "network")
    assert [p.name for p in paths] == ["network.png", "network.svg"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert paths[0].stat().st_size > 10_000
    assert paths[1].read_text().lstrip().startswith("<?xml")
    fig = captured[0]
    assert fig["titles"][:3] == [
        "(a) Actor types",
        "(b) Commitment just before the turnover",
        "(c) Commitment at the end",
    ]
    assert fig["suptitle"] == "The stakeholder network, coloured by actor type and by commitment"
    assert "Commitment to the strategy (0 = none, 1 = full)" in fig["xlabels"]
    # every panel draws its edges and nodes
    assert fig["collections"][:3] == [2, 2, 2]
    (legend,) = fig["legends"]
    assert "Federal administration (1)" in legend and "States (2)" in legend
    assert "Coalition member (outlined)" in legend
    # the named institutions are labelled in every panel (short names: acronyms)
    for name in ("Federal administration", "Senate of the Republic", "Coalition for AI", "DPI"):
        assert fig["texts"].count(name) == 3, (name, fig["texts"])


def test_without_a_turnover_the_panels_are_start_and_end(tmp_path, captured):
    nodes, edges = tiny_tables(before=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plot_network(nodes, edges, tmp_path / "network", title="No turnover")
    fig = captured[0]
    assert fig["titles"][1:3] == ["(b) Commitment at the start", "(c) Commitment at the end"]
    assert fig["suptitle"] == "No turnover"


def test_optional_columns_may_be_missing(tmp_path, captured):
    nodes, edges = tiny_tables()
    nodes = nodes[["node", "type", "commitment_start", "commitment_final"]]
    plot_network(nodes, edges[["source", "target"]], tmp_path / "network")
    fig = captured[0]
    assert fig["titles"][1] == "(b) Commitment at the start"
    assert "Coalition member (outlined)" not in fig["legends"][0]
    assert len(describe_network(nodes, edges)) == 2  # no coalition or office sentence


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda n, e: (n.drop(columns=["commitment_final", "type"]), e), "type, commitment_final"),
        (lambda n, e: (n, e.drop(columns=["target"])), "target"),
        (lambda n, e: (n.assign(type=n["type"].replace("dpa", "alien")), e), "alien"),
        (lambda n, e: (n, pd.concat([e, pd.DataFrame({"source": [0], "target": [99]})])), "1 edge"),
        (lambda n, e: (n.iloc[:0], e.iloc[:0]), "no rows"),
    ],
)
def test_bad_tables_raise_a_clear_error(tmp_path, change, words):
    nodes, edges = change(*tiny_tables())
    for call in (
        lambda: plot_network(nodes, edges, tmp_path / "x"),
        lambda: describe_network(nodes, edges),
    ):
        with pytest.raises(NetworkFigureError, match=words):
            call()
    assert issubclass(NetworkFigureError, ValueError)
    assert not list(tmp_path.iterdir())


# --------------------------------------------------------------------------- subset and layout
def test_subset_keeps_the_best_connected_deterministically():
    nodes, edges = random_tables()
    shown, ties = subset_network(nodes, edges, 40)
    again, ties_again = subset_network(nodes.sample(frac=1, random_state=1), edges[::-1], 40)
    pdt.assert_frame_equal(shown[again.columns], again)
    pdt.assert_frame_equal(ties, ties_again)
    assert len(shown) == 40 and shown["node"].is_monotonic_increasing
    # the institutions, then the highest degrees, ties broken by the lower node number
    degree = pd.concat([edges["source"], edges["target"]]).value_counts()
    others = nodes[nodes["type"] == "organization"].assign(degree=lambda d: d["node"].map(degree))
    expected = others.sort_values(["degree", "node"], ascending=[False, True])["node"].head(38)
    assert set(shown["node"]) == {0, 1, *expected}
    assert degree[1] < degree[expected.iloc[-1]]  # the Senate is in only as an institution
    assert ties["source"].isin(shown["node"]).all() and ties["target"].isin(shown["node"]).all()
    assert (
        len(ties)
        == (edges["source"].isin(shown["node"]) & edges["target"].isin(shown["node"])).sum()
    )


def test_a_large_network_says_how_many_actors_are_shown(tmp_path, captured):
    nodes, edges = random_tables()
    plot_network(nodes, edges, tmp_path / "network", max_nodes=40)
    assert captured[0]["suptitle"].endswith(
        "\n40 of 120 actors shown: the best connected and the named institutions"
    )
    plot_network(nodes, edges, tmp_path / "network", max_nodes=120)
    assert "shown" not in captured[1]["suptitle"]


def test_layout_is_deterministic():
    nodes, edges = random_tables(60)
    a = network_layout(nodes, edges, seed=5)
    assert a.shape == (60, 2) and np.isfinite(a).all()
    np.testing.assert_array_equal(a, network_layout(nodes, edges, seed=5))
    assert not np.allclose(a, network_layout(nodes, edges, seed=6))
    # tied actors end up closer than untied ones, on average
    dist = np.linalg.norm(a[:, None] - a[None], axis=-1)
    tied = dist[edges["source"], edges["target"]].mean()
    assert tied < dist[np.triu_indices(60, 1)].mean()


# --------------------------------------------------------------------------- the words
def test_describe_network_names_the_types_and_who_fell():
    nodes, edges = tiny_tables()
    lines = describe_network(nodes, edges)
    assert 2 <= len(lines) <= 3
    text = " ".join(lines)
    assert "10 actors by 13 ties" in text
    for words in (
        "2 states",
        "2 organisations",
        "the Senate",
        "one coalition",
        "one company",
    ):
        assert words in text, words
    assert "fell for the federal administration (0.25 → 0.10)" in text
    assert "held up for the other types" in text
    assert "just before the turnover" in text
    assert "2 actors were coalition members (67% of the organisations and companies)" in text
    assert "1 of 2 states had an AI office" in text
    assert "from the start" not in text.lower()
    no_turnover = " ".join(describe_network(*tiny_tables(before=False)))
    assert "From the start to the end" in no_turnover


# --------------------------------------------------------------------------- the model's tables
@pytest.fixture(scope="module")
def default_result():
    from sim.api import simulate

    return simulate()


def test_network_tables_of_the_default_run(default_result):
    model = default_result.model
    nodes, edges = default_result.network_tables()
    n = model.adjacency.shape[0]
    assert list(nodes.columns) == [
        "node",
        "id",
        "name",
        "type",
        "commitment_start",
        "commitment_before_turnover",
        "commitment_final",
        "coalition_member",
        "ai_office",
    ]
    assert nodes["node"].tolist() == list(range(n))
    assert nodes["id"].tolist() == model.network.nodes["id"].tolist()
    assert nodes["type"].tolist() == model.network.nodes["type"].tolist()
    assert len(edges) == model.adjacency.nnz // 2
    assert (edges["source"] < edges["target"]).all()
    assert not edges.duplicated(["source", "target"]).any()
    dense = model.adjacency.toarray()
    np.testing.assert_array_equal(edges["weight"], dense[edges["source"], edges["target"]])
    assert nodes["commitment_before_turnover"].notna().all()
    np.testing.assert_array_equal(nodes["commitment_final"], model.state.commitment)
    for column in ("commitment_start", "commitment_before_turnover", "commitment_final"):
        assert nodes[column].between(0, 1).all(), column
    # the start is the node table's, except the administration's agenda priority
    start = model.network.nodes["commitment"].to_numpy().copy()
    start[model.seat] = model.config.scenario.administrations[0].agenda_priority
    np.testing.assert_allclose(nodes["commitment_start"], start)
    # before the turnover the administration in office was still the first
    assert (
        nodes.loc[model.seat, "commitment_before_turnover"]
        != nodes.loc[model.seat, "commitment_final"]
    )
    summary = default_result.summary
    assert nodes["coalition_member"].sum() == summary["coalition_members_final"]
    assert nodes["ai_office"].sum() == summary["states_with_ai_office_final"]
    assert nodes["coalition_member"].dtype == bool and nodes["ai_office"].dtype == bool


def test_keeping_the_commitment_changes_no_output(default_result):
    from sim.api import simulate

    again = simulate()
    pdt.assert_frame_equal(again.timeseries, default_result.timeseries)
    assert again.summary == default_result.summary
    for a, b in zip(again.network_tables(), default_result.network_tables(), strict=True):
        pdt.assert_frame_equal(a, b)


def test_write_adds_the_network_tables_only_with_the_model(default_result, tmp_path):
    from dataclasses import replace

    written = default_result.write(tmp_path / "with", figure=False)
    assert [p.name for p in written] == [
        "timeseries.parquet",
        *NETWORK_FILES,
        "summary.json",
    ]
    nodes, edges = default_result.network_tables()
    # the files follow docs/data.md (``type`` is dictionary-encoded): same values
    stored = pd.read_parquet(tmp_path / "with" / NETWORK_FILES[0])
    assert isinstance(stored["type"].dtype, pd.CategoricalDtype)
    stored["type"] = stored["type"].astype(str)
    pdt.assert_frame_equal(stored, nodes, check_dtype=False)
    pdt.assert_frame_equal(pd.read_parquet(tmp_path / "with" / NETWORK_FILES[1]), edges)
    assert not [p for p in (tmp_path / "with").iterdir() if p.name.startswith(".")]

    bare = replace(default_result, model=None)
    written = bare.write(tmp_path / "without", figure=False)
    assert [p.name for p in written] == ["timeseries.parquet", "summary.json"]
    with pytest.raises(ValueError, match="keep_model"):
        bare.network_tables()


def test_the_default_run_draws(default_result, tmp_path):
    nodes, edges = default_result.network_tables()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        paths = plot_network(nodes, edges, tmp_path / "network")
    assert all(p.stat().st_size > 10_000 for p in paths)
    text = " ".join(describe_network(nodes, edges))
    assert "fell for the federal administration" in text


# --------------------------------------------------------------------------- written by runs
def test_continuity_run_writes_the_network_tables(tmp_path):
    assert CONTINUITY, "the continuity console command is not installed"
    run_dir = tmp_path / "run"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HYDRA_")}
    env["MPLBACKEND"] = "Agg"
    proc = subprocess.run(
        [
            CONTINUITY,
            "run",
            "scenario.end=2020-06",
            "shocks.turnover.dates=[2018-12]",
            "shocks.elections.senate=[2018-07]",
            "output.figure=false",
            f"hydra.run.dir={run_dir}",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    for name in NETWORK_FILES:
        assert name in proc.stdout
    nodes = pd.read_parquet(run_dir / NETWORK_FILES[0])
    edges = pd.read_parquet(run_dir / NETWORK_FILES[1])
    assert len(nodes) == 360 and nodes["commitment_before_turnover"].notna().all()
    assert edges["target"].max() < len(nodes)


def test_the_first_run_of_a_sweep_writes_the_network_tables(tmp_path):
    from experiments.sweep import prepare_directory, write_attempt
    from experiments.sweep_job import run_chunk, run_one
    from experiments.sweep_plan import make_plan

    plan = make_plan(
        "turnover_x_cut",
        [
            "scenario.end=2020-06",
            "shocks.elections.senate=[2018-07]",
            "design.parameters.shocks.turnover.first=[2018-12]",
            "design.parameters.shocks.funding_cut.size=[0.4]",
            "design.replications=2",
        ],
    )
    prepare_directory(plan, tmp_path)
    attempt, _ = write_attempt(tmp_path, [1, 0], size=1)  # run 1 in chunk 0, run 0 in chunk 1
    try:
        run_chunk(tmp_path, attempt, 0)
        assert not any((tmp_path / name).exists() for name in NETWORK_FILES)
        run_chunk(tmp_path, attempt, 1)
    finally:
        gc.unfreeze()  # run_chunk freezes the job's objects; not this test process's
    nodes = pd.read_parquet(tmp_path / NETWORK_FILES[0])
    edges = pd.read_parquet(tmp_path / NETWORK_FILES[1])
    assert len(nodes) == 360 and len(edges) > 0
    assert nodes["commitment_before_turnover"].notna().all()
    # keeping the model changes nothing in the run's row or monthly table
    manifest = plan.to_json()
    row, ts = run_one(manifest, manifest["runs"][0])
    kept_row, kept_ts = run_one(manifest, manifest["runs"][0], network_dir=tmp_path / "again")
    assert {k: v for k, v in row.items() if k != "elapsed_s"} == {
        k: v for k, v in kept_row.items() if k != "elapsed_s"
    }
    pdt.assert_frame_equal(ts, kept_ts)
    assert row["status"] == "ok"
