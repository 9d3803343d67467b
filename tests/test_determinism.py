"""Determinism: the same config and seed give the same outputs however and wherever they run.

Covered here, with a SHA-256 of each run's time series and summary
(:func:`experiments.baseline.fingerprint`) over the cases of the golden baseline
(:data:`experiments.baseline.CASES`: the Mexico scenario, a tactic set, a counterfactual,
``shocks=mexico_later``, a small synthetic network):

* repeated runs in one process;
* run order: the cases forward, then reversed in the same process (with the Mexico network
  caches of :mod:`sim.mexico_network` cleared and the dashboard's cached baseline band
  computed in between), and in two fresh processes (forward and reversed, with different
  ``PYTHONHASHSEED``), all identical to each other;
* the dashboard's baseline band itself, recomputed after other runs;
* relabelling a user-supplied network file: the same network with its nodes renamed and the
  rows of both files shuffled gives statistically the same outputs over 30 seeds
  (two-sample KS test). Not identical ones: the row order decides which actor gets which
  random draw, so a given seed follows a different path.

Launchers, worker counts, chunk sizes and kill/resume of sweeps are covered by
tests/test_sweep.py (basic vs joblib vs submitit_local vs the Slurm stand-ins, identical
``runs.parquet`` and ``timeseries.parquet``); the golden values themselves by
tests/test_golden.py.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from experiments import baseline
from sim import case_network as mexico_network
from sim.api import load_config, run
from sim.networks import NODE_COLUMNS, synthetic_network

ORDER = list(baseline.CASES)


def _clear_mexico_caches() -> None:
    mexico_network._cached_named_part.cache_clear()
    mexico_network._nodes_template.cache_clear()


@pytest.fixture(scope="module")
def forward() -> dict[str, str]:
    return baseline.fingerprints(ORDER)


def test_repeated_runs_in_one_process_are_identical(forward):
    again = baseline.fingerprints(["mexico", "mexico", "synthetic_small"])
    assert again == {k: forward[k] for k in again}
    cfg = load_config([], seed=0)
    first = run(cfg, keep_model=False)
    second = run(cfg, keep_model=True)  # keeping the model changes nothing either
    assert baseline.fingerprint(first) == baseline.fingerprint(second) == forward["mexico/0"]


def test_reversed_order_cold_caches_and_the_baseline_band_change_nothing(forward):
    from experiments import dashboard

    dashboard.baseline_band.cache_clear()
    band = dashboard.baseline_band()  # 20 default runs in between
    _clear_mexico_caches()
    assert baseline.fingerprints(ORDER[::-1]) == forward
    dashboard.baseline_band.cache_clear()
    _clear_mexico_caches()
    again = dashboard.baseline_band()
    assert band.keys() == again.keys()
    for key in band:
        np.testing.assert_array_equal(band[key], again[key])
    assert baseline.fingerprints(["mexico"]) == {"mexico/0": forward["mexico/0"]}


def _in_fresh_process(order: list[str], hash_seed: str) -> subprocess.Popen:
    code = (
        "import json, sys\n"
        "from experiments.baseline import fingerprints\n"
        "print(json.dumps(fingerprints(sys.argv[1:])))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("HYDRA_")}
    env["PYTHONHASHSEED"] = hash_seed
    return subprocess.Popen(
        [sys.executable, "-c", code, *order],
        cwd=baseline.ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_fresh_processes_in_either_order_agree_with_this_one(forward):
    procs = [_in_fresh_process(ORDER, "0"), _in_fresh_process(ORDER[::-1], "4242")]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert json.loads(out.strip().splitlines()[-1]) == forward


# --------------------------------------------------------------------------- relabelled network
SEEDS = range(30)
OUTPUTS = ("continuity_index", "momentum_final", "coalition_members_final")


def _write(nodes: pd.DataFrame, edges: pd.DataFrame, directory, stem: str) -> tuple[str, str]:
    paths = directory / f"{stem}_nodes.csv", directory / f"{stem}_edges.csv"
    nodes.to_csv(paths[0], index=False)
    edges.to_csv(paths[1], index=False)
    return str(paths[0]), str(paths[1])


def _overrides(paths: tuple[str, str], coalition: str, coordinator: str) -> list[str]:
    return [
        "network=file",
        f"network.nodes={paths[0]}",
        f"network.edges={paths[1]}",
        # the Mexico calendar names the Mexico states: states get a random month of the cycle
        "~shocks.elections.state_calendar",
        f"scenario.coalitions=[{{node:{coalition},founded:'2018-01',"
        f"coordinators:[{{node:{coordinator},start:'2018-01'}}]}}]",
    ]


@pytest.fixture(scope="module")
def network_files(tmp_path_factory):
    """A 120-actor network as CSV files, and the same network relabelled and shuffled."""
    directory = tmp_path_factory.mktemp("relabel")
    rng = np.random.default_rng(2024)
    net = synthetic_network(
        rng,
        n_agents=120,
        mean_degree=6,
        mix={"company": 0.3, "organization": 0.68, "international": 0.02},
        n_states=6,
        n_coalitions=1,
    )
    nodes = net.nodes[list(NODE_COLUMNS)].copy()
    ids = nodes["id"].to_numpy()
    nodes["name"] = ids  # a name that does not give the old id away is not needed
    upper = net.adjacency.tocoo()
    keep = upper.row < upper.col
    edges = pd.DataFrame(
        {"source": ids[upper.row[keep]], "target": ids[upper.col[keep]], "weight": upper.data[keep]}
    )
    coalition = nodes.loc[nodes["type"] == "coalition", "id"].iloc[0]
    coordinator = nodes.loc[nodes["type"] == "organization", "id"].iloc[0]
    original = _write(nodes, edges, directory, "original")

    new_ids = {old: f"actor_{k:03d}" for old, k in zip(ids, rng.permutation(len(ids)), strict=True)}
    renamed = nodes.assign(id=nodes["id"].map(new_ids), name=nodes["id"].map(new_ids))
    renamed = renamed.iloc[rng.permutation(len(renamed))].reset_index(drop=True)
    swap = rng.random(len(edges)) < 0.5
    src, dst = edges["source"].map(new_ids), edges["target"].map(new_ids)
    relabelled_edges = pd.DataFrame(
        {"source": np.where(swap, dst, src), "target": np.where(swap, src, dst)}
    ).assign(weight=edges["weight"].to_numpy())
    relabelled_edges = relabelled_edges.iloc[rng.permutation(len(edges))]
    relabelled = _write(renamed, relabelled_edges, directory, "relabelled")
    return (
        (_overrides(original, coalition, coordinator), new_ids, nodes, edges),
        (
            _overrides(relabelled, new_ids[coalition], new_ids[coordinator]),
            new_ids,
            renamed,
            relabelled_edges,
        ),
    )


def _outputs(overrides: list[str]) -> pd.DataFrame:
    cfg = load_config(overrides)
    rows = [run(dataclasses.replace(cfg, seed=s), keep_model=False).summary for s in SEEDS]
    return pd.DataFrame(rows)[list(OUTPUTS)].astype(float)


def test_relabelled_files_describe_the_same_network(network_files):
    (_, new_ids, nodes, edges), (overrides, _, renamed, relabelled_edges) = network_files
    back = {new: old for old, new in new_ids.items()}
    assert not renamed["id"].equals(nodes["id"].map(new_ids))  # the rows really moved
    restored = renamed.assign(id=renamed["id"].map(back), name=renamed["name"].map(back))
    restored = restored.set_index("id").loc[nodes["id"]].reset_index()
    pd.testing.assert_frame_equal(restored, nodes, check_dtype=False)

    def ties(table: pd.DataFrame, rename=None) -> set:
        s, t = table["source"], table["target"]
        if rename:
            s, t = s.map(rename), t.map(rename)
        return {(frozenset((a, b)), w) for a, b, w in zip(s, t, table["weight"], strict=True)}

    assert ties(relabelled_edges, back) == ties(edges)
    model_net = run(load_config(overrides, seed=0)).model.network
    assert model_net.n == len(nodes)


def test_relabelling_a_network_file_keeps_the_output_distributions(network_files):
    """30 seeds each: every output passes a two-sample KS test (p > 0.01)."""
    (original, *_), (relabelled, *_) = network_files
    a, b = _outputs(original), _outputs(relabelled)
    assert not a.equals(b)  # not identical: the row order changes which actor draws what
    for col in OUTPUTS:
        assert a[col].notna().all() and b[col].notna().all(), col
        p = stats.ks_2samp(a[col], b[col]).pvalue
        assert p > 0.01, (
            f"{col}: original mean {a[col].mean():.4g} (sd {a[col].std():.3g}), relabelled "
            f"mean {b[col].mean():.4g} (sd {b[col].std():.3g}), KS p = {p:.3g}"
        )
