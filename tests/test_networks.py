"""Tests for sim.networks and sim.network_files."""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from sim.errors import ConfigError, NetworkFileError
from sim.networks import (
    ACTOR_TYPES,
    AUTOMATABLE_JOBS_BY_SECTOR,
    DEFAULT_COMMITMENT,
    DEFAULT_RESOURCES,
    NODE_COLUMNS,
    StakeholderNetwork,
    load_network,
    mexico_network,
    synthetic_network,
)

DATA = Path(__file__).parent / "data" / "networks"
MEXICO = Path(__file__).parents[1] / "sim" / "data" / "mexico"
MIX = {"company": 0.3, "organization": 0.6, "international": 0.1}


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def assert_well_formed(net: StakeholderNetwork) -> None:
    nodes, adj = net.nodes, net.adjacency
    assert tuple(nodes.columns) == NODE_COLUMNS
    assert isinstance(nodes.index, pd.RangeIndex) and nodes.index[0] == 0
    for col in ("id", "type", "name", "sector", "source"):
        assert pd.api.types.is_string_dtype(nodes[col]), col
    assert nodes["founding_member"].dtype == bool
    assert nodes["commitment"].dtype == np.float64 and nodes["resources"].dtype == np.float64
    assert nodes["id"].is_unique
    assert set(nodes["type"]) <= set(ACTOR_TYPES)
    assert nodes["commitment"].between(0, 1).all()
    assert (nodes["resources"] >= 0).all()
    assert (nodes.loc[nodes["type"] != "company", "sector"] == "").all()
    assert isinstance(adj, sparse.csr_matrix) and adj.dtype == np.float64
    assert adj.shape == (net.n, net.n)
    assert (adj != adj.T).nnz == 0, "not symmetric"
    assert not adj.diagonal().any(), "non-zero diagonal"
    assert (adj.data > 0).all(), "negative weights or explicit zeros"


def degree_counts(net: StakeholderNetwork) -> np.ndarray:
    return np.diff(net.adjacency.indptr)


# ---------------------------------------------------------------- Mexico network


@pytest.fixture(scope="module")
def mexico() -> StakeholderNetwork:
    return mexico_network(rng(42))


def test_mexico_shape(mexico):
    assert_well_formed(mexico)
    nodes = mexico.nodes
    counts = nodes["type"].value_counts()
    assert counts["administration"] == 1 and nodes.loc[0, "id"] == "federal"
    assert counts["state"] == 32 and "state_jalisco" in set(nodes["id"])
    assert counts["senate"] == 1 and nodes.loc[nodes["type"] == "senate", "id"].item() == "senate"
    assert nodes.loc[nodes["type"] == "coalition", "id"].tolist() == ["ia2030mx"]
    assert nodes.loc[nodes["type"] == "dpa", "id"].tolist() == ["inai"]
    founders = nodes.loc[nodes["founding_member"], "id"]
    assert len(founders) == 10 and "cminds" in set(founders)
    generated_orgs = nodes["id"].str.startswith("org_")
    assert generated_orgs.sum() == 240
    assert connected_components(mexico.adjacency, directed=False)[0] == 1


def test_mexico_founders_tied_to_coalition(mexico):
    ids = mexico.nodes["id"].tolist()
    coalition = ids.index("ia2030mx")
    for i in np.flatnonzero(mexico.nodes["founding_member"]):
        assert mexico.adjacency[i, coalition] >= 0.8, ids[i]
    assert mexico.adjacency[ids.index("cminds"), coalition] == 1.0


def test_mexico_jalisco_most_committed_state(mexico):
    states = mexico.nodes[mexico.nodes["type"] == "state"].set_index("id")["commitment"]
    assert states.idxmax() == "state_jalisco"
    assert states["state_jalisco"] > states.drop("state_jalisco").max()


@pytest.mark.parametrize("companies", [10, 60, 137])
def test_mexico_companies_by_sector(companies):
    net = mexico_network(rng(1), organizations_pool=30, companies=companies)
    generated = net.nodes[net.nodes["id"].str.startswith("company_")]
    per_sector = generated["sector"].value_counts()
    assert per_sector.sum() == companies
    assert set(per_sector.index) == set(AUTOMATABLE_JOBS_BY_SECTOR)
    assert per_sector.min() >= 1
    assert per_sector.idxmax() == "manufacturing" or companies == 10
    if companies > 20:
        assert per_sector["manufacturing"] > per_sector.drop("manufacturing").max()
    assert connected_components(net.adjacency, directed=False)[0] == 1
    assert_well_formed(net)


def test_mexico_small_pools_stay_connected():
    for pool in (0, 1, 2):
        net = mexico_network(rng(3), organizations_pool=pool, companies=10)
        assert connected_components(net.adjacency, directed=False)[0] == 1
        assert_well_formed(net)


def test_mexico_same_seed_same_network():
    a, b = mexico_network(rng(7)), mexico_network(rng(7))
    pd.testing.assert_frame_equal(a.nodes, b.nodes)
    assert (a.adjacency != b.adjacency).nnz == 0


def test_mexico_different_seed_different_generated_ties():
    a, b = mexico_network(rng(7)), mexico_network(rng(8))
    assert (a.adjacency != b.adjacency).nnz > 0
    # The named part is the same: data, not randomness.
    named = ~a.nodes["source"].str.startswith("generated")
    pd.testing.assert_frame_equal(a.nodes[named], b.nodes[named])


def test_mexico_named_ties_kept(mexico):
    ids = {node_id: i for i, node_id in enumerate(mexico.nodes["id"])}
    with open(MEXICO / "ties.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            weight = mexico.adjacency[ids[row["source_id"]], ids[row["target_id"]]]
            assert weight >= float(row["weight"]), row
            assert 0 < float(row["weight"]) <= 1 and row["citation"].strip()


def test_mexico_data_every_named_actor_has_a_tie_and_a_source():
    actors = pd.read_csv(MEXICO / "actors.csv", dtype=str, keep_default_na=False)
    ties = pd.read_csv(MEXICO / "ties.csv", dtype=str, keep_default_na=False)
    tied = set(ties["source_id"]) | set(ties["target_id"])
    untied = set(actors.loc[actors["type"] != "state", "id"]) - tied
    assert not untied
    assert (actors["source"].str.strip() != "").all()
    assert len(actors[actors["type"] == "state"]["name"].unique()) == 32


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"companies": 9}, "network.companies"),
        ({"organizations_pool": -1}, "network.organizations_pool"),
        ({"companies": 12.5}, "network.companies"),
    ],
)
def test_mexico_bad_sizes(kwargs, key):
    with pytest.raises(ConfigError, match=key):
        mexico_network(rng(), **kwargs)


# ---------------------------------------------------------------- synthetic network


def test_synthetic_counts_and_degree():
    n = 20_000
    net = synthetic_network(rng(5), n, 10, MIX, n_states=32, n_coalitions=2)
    assert_well_formed(net)
    assert net.n == n
    counts = net.nodes["type"].value_counts()
    assert net.nodes.loc[0, "type"] == "administration"
    assert counts["administration"] == counts["senate"] == counts["dpa"] == 1
    assert counts["state"] == 32 and counts["coalition"] == 2
    rest = n - 3 - 32 - 2
    for key, share in MIX.items():
        assert abs(counts[key] - share * rest) <= 1
    assert counts[list(MIX)].sum() == rest
    assert degree_counts(net).mean() == pytest.approx(10, rel=0.05)
    assert (net.adjacency.data == 1.0).all()
    assert net.nodes["founding_member"].sum() == 20
    coalitions = np.flatnonzero(net.nodes["type"] == "coalition")
    for c in coalitions:
        founders_tied = net.adjacency[c].toarray().ravel()[net.nodes["founding_member"]]
        assert (founders_tied == 1.0).sum() >= 10
    companies = net.nodes[net.nodes["type"] == "company"]
    assert set(companies["sector"]) <= set(AUTOMATABLE_JOBS_BY_SECTOR)


@pytest.mark.parametrize(("n", "degree"), [(50, 10.0), (200, 150.0), (1000, 0.0), (38, 37)])
def test_synthetic_small_and_dense(n, degree):
    net = synthetic_network(rng(2), n, degree, {"organization": 1.0}, n_states=32)
    assert_well_formed(net)
    m = round(n * degree / 2)
    assert net.adjacency.nnz // 2 >= min(m, n * (n - 1) // 2)


def test_synthetic_same_seed_same_network():
    a = synthetic_network(rng(11), 5000, 8, MIX)
    b = synthetic_network(rng(11), 5000, 8, MIX)
    c = synthetic_network(rng(12), 5000, 8, MIX)
    pd.testing.assert_frame_equal(a.nodes, b.nodes)
    assert (a.adjacency != b.adjacency).nnz == 0
    assert (a.adjacency != c.adjacency).nnz > 0


def test_synthetic_100k():
    net = synthetic_network(rng(0), 100_000, 10, MIX)
    assert net.n == 100_000
    assert net.nodes["id"].is_unique
    assert degree_counts(net).mean() == pytest.approx(10, rel=0.01)


@pytest.mark.parametrize(
    ("mix", "expected"),
    [
        ({"company": 0.5, "organization": 0.4}, "sum to 0.9"),
        ({"company": 1.2, "organization": -0.2}, "network.mix.organization"),
        ({"company": 0.5, "organization": 0.5, "startups": 0.0}, "startups"),
        ({"company": "lots", "organization": 0.5}, "network.mix.company"),
        ({"company": float("nan"), "organization": 1.0}, "network.mix.company"),
        ([0.5, 0.5], "network.mix"),
    ],
)
def test_synthetic_mix_errors(mix, expected):
    with pytest.raises(ConfigError, match="network.mix") as info:
        synthetic_network(rng(), 1000, 4, mix)
    assert expected in str(info.value)


def test_synthetic_mix_unknown_key_lists_allowed():
    with pytest.raises(ConfigError) as info:
        synthetic_network(rng(), 1000, 4, {"company": 1.0, "ngo": 0.0})
    assert "company, organization, international" in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"n_agents": 10}, "network.n_agents"),
        ({"mean_degree": -1}, "network.mean_degree"),
        ({"mean_degree": 5000}, "network.mean_degree"),
        ({"n_states": -2}, "network.n_states"),
        ({"n_coalitions": 1.5}, "network.n_coalitions"),
    ],
)
def test_synthetic_parameter_errors(kwargs, key):
    args = {"n_agents": 1000, "mean_degree": 4, "mix": MIX, **kwargs}
    with pytest.raises(ConfigError, match=key):
        synthetic_network(rng(), **args)


# ---------------------------------------------------------------- load_network: valid files


def test_to_networkx(mexico):
    graph = mexico.to_networkx()
    assert graph.number_of_nodes() == mexico.n
    assert graph.number_of_edges() == mexico.adjacency.nnz // 2
    assert graph.nodes["state_jalisco"]["type"] == "state"
    assert set(graph.nodes["federal"]) >= set(NODE_COLUMNS)
    assert nx.is_connected(graph)
    u, v, w = next(iter(graph.edges(data="weight")))
    assert 0 < w <= 1


def assert_same_network(a: StakeholderNetwork, b: StakeholderNetwork) -> None:
    pd.testing.assert_frame_equal(a.nodes, b.nodes)
    assert (a.adjacency != b.adjacency).nnz == 0


def test_round_trip_graphml(mexico, tmp_path):
    path = tmp_path / "mexico.graphml"
    nx.write_graphml(mexico.to_networkx(), path)
    assert_same_network(load_network(path), mexico)


def write_csv(net: StakeholderNetwork, tmp_path: Path) -> tuple[Path, Path]:
    nodes_path, edges_path = tmp_path / "nodes.csv", tmp_path / "edges.csv"
    net.nodes.to_csv(nodes_path, index=False)
    upper = sparse.triu(net.adjacency, k=1).tocoo()
    ids = net.nodes["id"].to_numpy(object)
    edges = pd.DataFrame({"source": ids[upper.row], "target": ids[upper.col], "weight": upper.data})
    edges.to_csv(edges_path, index=False)
    return nodes_path, edges_path


def test_round_trip_csv(mexico, tmp_path):
    assert_same_network(load_network(*write_csv(mexico, tmp_path)), mexico)


def test_round_trip_synthetic_csv(tmp_path):
    net = synthetic_network(rng(4), 500, 6, MIX)
    assert_same_network(load_network(*write_csv(net, tmp_path)), net)


def test_csv_defaults_duplicates_self_loops():
    net = load_network(DATA / "tiny_nodes.csv", DATA / "tiny_edges.csv")
    assert_well_formed(net)
    nodes = net.nodes.set_index("id")
    assert nodes.loc["s1", "name"] == "s1"  # name defaults to the id
    assert nodes.loc["s2", "type"] == "state"  # types are case-insensitive
    assert nodes.loc["s1", "commitment"] == DEFAULT_COMMITMENT["state"]
    assert nodes.loc["org1", "resources"] == DEFAULT_RESOURCES["organization"]
    assert nodes.loc["gov", "source"] == "tiny_nodes.csv"
    assert not nodes["founding_member"].any()
    ids = list(nodes.index)
    adj = net.adjacency
    assert adj[ids.index("gov"), ids.index("s1")] == 0.5  # listed twice: the larger weight
    assert adj[ids.index("gov"), ids.index("s2")] == 1.0  # empty weight: 1
    assert adj[ids.index("s2"), ids.index("coal")] == 0  # weight 0: no tie
    assert adj.nnz == 2 * 3  # the self-loop org1-org1 is dropped


def test_csv_without_edges():
    net = load_network(DATA / "tiny_nodes.csv")
    assert net.n == 5 and net.adjacency.nnz == 0


def test_graphml_defaults():
    net = load_network(DATA / "tiny.graphml")
    assert_well_formed(net)
    nodes = net.nodes.set_index("id")
    assert nodes.loc["gov", "commitment"] == 0.7
    assert nodes.loc["s1", "commitment"] == DEFAULT_COMMITMENT["state"]
    assert nodes.loc["s1", "resources"] == DEFAULT_RESOURCES["state"]
    assert nodes.loc["org1", "name"] == "org1"
    assert net.adjacency[0, 1] == 0.4 and net.adjacency[1, 2] == 1.0


# ---------------------------------------------------------------- load_network: malformed files

NODES_HEADER = "id,type,name,sector,founding_member,commitment,resources,source\n"
GOV = "gov,administration,Gov,,false,0.8,10,x\n"


def problems_of(tmp_path: Path, nodes: str | bytes | None, edges: str | bytes | None = None):
    """Write the files (None = not written) and return the NetworkFileError's problem lines."""
    paths = []
    for name, content in (("nodes.csv", nodes), ("edges.csv", edges)):
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif content is not None:
            path.write_text(content, encoding="utf-8")
        paths.append(path)
    with pytest.raises(NetworkFileError) as info:
        load_network(paths[0], paths[1] if edges is not None else None)
    return info.value.problems


CASES = {
    "missing file": (None, None, "nodes.csv: file not found"),
    "empty file": ("", None, "nodes.csv: file is empty (0 bytes)"),
    "binary file": (b"\x89PNG\r\n\x1a\n\x00\x00\x00", None, "nodes.csv: binary file"),
    "not utf-8": (b"id,type\ngov,administration\nst\xe9,state\n", None, "not UTF-8 text"),
    "bad CSV quoting": ('id,type\ngov,"admin"istration\n', None, "line 2: not valid CSV"),
    "missing column": ("id,kind\ngov,administration\n", None, "missing required column(s) type"),
    "wrong field count": ("id,type\ngov,administration,extra\n", None, "line 2: 3 fields"),
    "unknown type": (
        NODES_HEADER + GOV + "s1,province,S,,false,0.2,0.5,x\n",
        None,
        "line 3: node 's1': unknown actor type 'province' (allowed types: administration, state",
    ),
    "duplicate id": (
        NODES_HEADER + GOV + "s1,state,S,,false,0.2,0.5,x\ns1,state,S,,false,0.2,0.5,x\n",
        None,
        "line 4: duplicate node id 's1' (first defined on line 3",
    ),
    "commitment above 1": (
        NODES_HEADER + GOV + "s1,state,S,,false,1.5,0.5,x\n",
        None,
        "line 3: node 's1': commitment '1.5' is out of range (allowed: a number in [0, 1])",
    ),
    "commitment not a number": (
        NODES_HEADER + GOV + "s1,state,S,,false,high,0.5,x\n",
        None,
        "commitment 'high' is not a number",
    ),
    "commitment NaN": (
        NODES_HEADER + GOV + "s1,state,S,,false,nan,0.5,x\n",
        None,
        "commitment 'nan' is not a number",
    ),
    "negative resources": (
        NODES_HEADER + GOV + "s1,state,S,,false,0.2,-1,x\n",
        None,
        "line 3: node 's1': resources '-1' is out of range (allowed: a finite number >= 0)",
    ),
    "bad boolean": (
        NODES_HEADER + GOV + "s1,state,S,,maybe,0.2,0.5,x\n",
        None,
        "founding_member 'maybe' is not a boolean",
    ),
    "no administration": (
        "id,type\ns1,state\n",
        None,
        "found no node of type 'administration'; exactly one is required (the federal",
    ),
    "two administrations": (
        "id,type\ngov,administration\ngov2,administration\n",
        None,
        "found 2 nodes (gov, gov2) of type 'administration'; exactly one is required",
    ),
    "empty node list": ("id,type\n", None, "no nodes"),
    "dangling edge": (
        "id,type\ngov,administration\ns1,state\n",
        "source,target,weight\ngov,s1,0.5\ngov,s9,0.5\n",
        "edges.csv: line 3: edge target 's9' is not a node id in nodes.csv (dangling edge)",
    ),
    "negative weight": (
        "id,type\ngov,administration\ns1,state\n",
        "source,target,weight\ngov,s1,-0.5\n",
        "edges.csv: line 2: edge gov-s1: weight '-0.5' is out of range",
    ),
    "NaN weight": (
        "id,type\ngov,administration\ns1,state\n",
        "source,target,weight\ngov,s1,NaN\n",
        "edges.csv: line 2: edge gov-s1: weight 'NaN' is not a number",
    ),
    "non-numeric weight": (
        "id,type\ngov,administration\ns1,state\n",
        "source,target,weight\ngov,s1,strong\n",
        "edges.csv: line 2: edge gov-s1: weight 'strong' is not a number",
    ),
    "edges missing column": (
        "id,type\ngov,administration\n",
        "from,to\ngov,gov\n",
        "edges.csv: line 1: missing required column(s) source, target",
    ),
    "empty edges file": ("id,type\ngov,administration\n", "", "edges.csv: file is empty"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_malformed_csv(case, tmp_path):
    nodes, edges, expected = CASES[case]
    problems = problems_of(tmp_path, nodes, edges)
    assert any(expected in line for line in problems), problems
    assert all(str(tmp_path) in line for line in problems)  # every line names its file
    assert all("\n" not in line for line in problems)


def test_all_problems_collected(tmp_path):
    problems = problems_of(
        tmp_path,
        "id,type,commitment,resources\ns1,state,2,-1\ns2,planet,0.5,0\n",
        "source,target,weight\ns1,s3,-1\n",
    )
    text = "\n".join(problems)
    for expected in ("commitment '2'", "resources '-1'", "'planet'", "administration", "'s3'"):
        assert expected in text
    assert "weight '-1'" in text


def test_problem_list_is_capped(tmp_path):
    rows = "".join(f"s{i},state,,,,5\n" for i in range(150))
    problems = problems_of(tmp_path, "id,type,name,sector,founding_member,commitment\n" + rows)
    assert len(problems) == 101 + 1  # 100 shown + the administration problem + the summary
    assert problems[-1].endswith("... and 50 more problems")
    assert any("administration" in line for line in problems)


def test_binary_fixture():
    with pytest.raises(NetworkFileError, match="binary.csv: binary file"):
        load_network(DATA / "binary.csv")


def test_directory_instead_of_file(tmp_path):
    with pytest.raises(NetworkFileError, match="is a directory"):
        load_network(tmp_path)


GRAPHML_HEAD = """<?xml version='1.0' encoding='utf-8'?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="t" for="node" attr.name="type" attr.type="string" />
  <key id="c" for="node" attr.name="commitment" attr.type="double" />
  <key id="w" for="edge" attr.name="weight" attr.type="string" />
  <graph edgedefault="undirected">
"""
GRAPHML_TAIL = "  </graph>\n</graphml>\n"
GOV_XML = '<node id="gov"><data key="t">administration</data></node>\n'

GRAPHML_CASES = {
    "not xml": ("this is not xml", "not valid GraphML"),
    "truncated": (GRAPHML_HEAD + GOV_XML, "not valid GraphML"),
    "missing type": (
        GRAPHML_HEAD + GOV_XML + '<node id="s1"/>\n' + GRAPHML_TAIL,
        "node 's1': no type (allowed types: administration",
    ),
    "unknown type": (
        GRAPHML_HEAD + GOV_XML + '<node id="s1"><data key="t">town</data></node>\n' + GRAPHML_TAIL,
        "node 's1': unknown actor type 'town'",
    ),
    "commitment out of range": (
        GRAPHML_HEAD
        + GOV_XML
        + '<node id="s1"><data key="t">state</data><data key="c">-0.1</data></node>\n'
        + GRAPHML_TAIL,
        "node 's1': commitment -0.1 is out of range",
    ),
    "dangling edge": (
        GRAPHML_HEAD + GOV_XML + '<edge source="gov" target="ghost"/>\n' + GRAPHML_TAIL,
        "edge 'gov'-'ghost': edge target 'ghost' is not a node id in g.graphml (dangling edge)",
    ),
    "bad weight": (
        GRAPHML_HEAD
        + GOV_XML
        + '<node id="s1"><data key="t">state</data></node>\n'
        + '<edge source="gov" target="s1"><data key="w">heavy</data></edge>\n'
        + GRAPHML_TAIL,
        "edge 'gov'-'s1': weight 'heavy' is not a number",
    ),
    "duplicate id": (
        GRAPHML_HEAD + GOV_XML + GOV_XML + GRAPHML_TAIL,
        "node 'gov': duplicate node id (2 times",
    ),
    "no administration": (
        GRAPHML_HEAD + '<node id="s1"><data key="t">state</data></node>\n' + GRAPHML_TAIL,
        "exactly one is required",
    ),
    "no nodes": (GRAPHML_HEAD + GRAPHML_TAIL, "no nodes"),
}


@pytest.mark.parametrize("case", list(GRAPHML_CASES))
def test_malformed_graphml(case, tmp_path):
    text, expected = GRAPHML_CASES[case]
    path = tmp_path / "g.graphml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(NetworkFileError) as info:
        load_network(path)
    problems = info.value.problems
    assert any(expected in line for line in problems), problems
    assert all(line.startswith(str(path)) for line in problems)


def test_graphml_with_edge_file_is_an_error(tmp_path):
    with pytest.raises(NetworkFileError, match="only read with a CSV node list"):
        load_network(DATA / "tiny.graphml", DATA / "tiny_edges.csv")


def test_rejected_administration_row_is_explained(tmp_path):
    problems = problems_of(tmp_path, "id,type\ngov,adminstration\ns1,state\n")
    assert any("line 2: node 'gov': unknown actor type 'adminstration'" in p for p in problems)
    assert any("1 rejected node row(s) not counted" in p for p in problems)
    assert not any("no nodes" in p for p in problems)


def test_edges_to_rejected_nodes_are_not_called_dangling(tmp_path):
    problems = problems_of(
        tmp_path, "id,type\ngov,administration\ns1,town\n", "source,target\ngov,s1\n"
    )
    assert not any("dangling" in p for p in problems)


def test_edge_columns_source_id_target_id_accepted(tmp_path):
    (tmp_path / "n.csv").write_text("id,type\ngov,administration\ns1,state\n", encoding="utf-8")
    (tmp_path / "e.csv").write_text("source_id,target_id,weight,citation\ngov,s1,0.5,x\n")
    net = load_network(tmp_path / "n.csv", tmp_path / "e.csv")
    assert net.adjacency[0, 1] == 0.5
