"""The fast paths of a run give the same numbers, bit for bit, as the plain ones they replace."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from sim import case_network as mn
from sim.model import ContinuityModel, influence_weights
from sim.networks import build_nodes_frame, load_network, symmetric_adjacency
from sim.numerics import ColumnSums, GroupSums, RowSums, matvec, matvec_rows, row_sums
from sim.recorder import NUMERIC_COLUMNS, Recorder


def _random_csr(rng: np.random.Generator, n: int, ties: int) -> sp.csr_matrix:
    src, dst = rng.integers(0, n, ties), rng.integers(0, n, ties)
    weight = rng.random(ties) * 10.0 ** rng.integers(-6, 6, ties)
    return symmetric_adjacency(n, src, dst, weight)


@pytest.mark.parametrize("seed", range(5))
def test_matvec_is_scipy_product_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    adj = _random_csr(rng, 300, 1500)
    for matrix in (adj, influence_weights(adj), sp.csr_matrix(adj[:40][:, :40])):
        x = rng.random(matrix.shape[1]) * 10.0 ** rng.integers(-6, 6, matrix.shape[1])
        assert np.array_equal(matvec(matrix, x), matrix @ x)
        assert matvec(matrix, x).tobytes() == (matrix @ x).tobytes()


def test_matvec_falls_back_to_the_operator():
    rng = np.random.default_rng(0)
    adj = _random_csr(rng, 50, 200)
    x = rng.random(50)
    assert np.array_equal(matvec(adj.tocsc(), x), adj @ x)
    assert np.array_equal(matvec(adj, (x > 0.5)), adj @ (x > 0.5))


def test_row_sums_are_numpy_row_sums_bit_for_bit():
    rng = np.random.default_rng(0)
    special = np.array([0.0, -0.0, 5e-324, -5e-324, 1e-300, 1.0, -1.0, 1e16, -1e16, 3.0])
    for k in range(1, 8):
        table = rng.choice(special, (4000, k)) * rng.random((4000, k)) ** rng.integers(0, 2)
        table[: len(special) ** 2 // 10] = rng.choice(special, (len(special) ** 2 // 10, k))
        table = np.vstack([table, rng.random((4000, k)) * 10.0 ** rng.integers(-8, 8, (4000, k))])
        assert row_sums(table).tobytes() == table.sum(axis=1).tobytes()
    table = rng.random((100, 9))  # long rows: numpy's own sum
    assert row_sums(table).tobytes() == table.sum(axis=1).tobytes()


def _mexico_network_uncached(rng, organizations_pool=240, companies=60):
    """The Mexico network as built before the cache: read, check and assemble every time."""
    actors, ties = mn._mexico_file("actors.csv"), mn._mexico_file("ties.csv")
    named = load_network(actors, ties)
    assert mn.check_case_files(actors, ties) == []
    generated = mn._mexico_generated_nodes(rng, companies, organizations_pool)
    columns = {
        c: np.concatenate([named.nodes[c].to_numpy(object), generated[c]]) for c in mn.NODE_COLUMNS
    }
    return build_nodes_frame(columns)


@pytest.mark.parametrize(("seed", "pool", "companies"), [(0, 240, 60), (3, 30, 12), (9, 0, 10)])
def test_cached_mexico_nodes_equal_a_fresh_build(seed, pool, companies):
    cached = mn.mexico_network(np.random.default_rng(seed), pool, companies).nodes
    fresh = _mexico_network_uncached(np.random.default_rng(seed), pool, companies)
    pd.testing.assert_frame_equal(cached, fresh, check_exact=True)


def test_mutating_a_network_leaves_the_cache_alone():
    first = mn.mexico_network(np.random.default_rng(1))
    expected = mn.mexico_network(np.random.default_rng(1)).nodes.copy(deep=True)
    first.nodes.loc[0, "name"] = "changed"
    first.nodes["commitment"] *= 0.0
    first.nodes.loc[1, "founding_member"] = not first.nodes.loc[1, "founding_member"]
    again = mn.mexico_network(np.random.default_rng(1)).nodes
    pd.testing.assert_frame_equal(again, expected, check_exact=True)


def test_named_part_is_read_only():
    named = mn._named_part(mn._mexico_file("actors.csv"), mn._mexico_file("ties.csv"))
    with pytest.raises(ValueError):
        named.ties[2][0] = 0.0
    with pytest.raises(ValueError):
        named.columns["commitment"][0] = 0.0


class _PlainRecorder(Recorder):
    """The recorder as written before the row table: one dict entry at a time."""

    def record(self) -> None:
        from sim.config import PILLARS
        from sim.recorder import CONTRIBUTIONS
        from sim.state import SOURCES

        m, st, k = self.model, self.model.state, self.n
        d = self.data
        d["momentum"][k] = m.momentum.sum()
        for j, p in enumerate(PILLARS):
            d[f"momentum_{p}"][k] = m.momentum[j]
        adm = m.administration
        d["federal_priority"][k] = adm.priority
        d["federal_budget"][k] = adm.budget
        d["federal_effort"][k] = st.effort[m.seat]
        d["federal_knowhow"][k] = m.federal_knowhow
        for col, kind in CONTRIBUTIONS.items():
            d[f"contribution_{col}"][k] = m.momentum_by_type[self._type_pos[kind]]
        d["coalition_members"][k] = np.count_nonzero(st.coalition >= 0)
        d["states_with_ai_office"][k] = np.count_nonzero(st.ai_office)
        d["states_ever_ai_office"][k] = np.count_nonzero(st.office_opened)
        d["law_in_force"][k] = m.law_in_force
        d["dpa_active"][k] = any(dpa.alive for dpa in m.dpas)
        totals = st.funding.sum(axis=0)
        for j, s in enumerate(SOURCES):
            d[f"funding_{s}"][k] = totals[j]
        d["senate_support"][k] = m.senate.support if m.senate is not None else 0.0
        d["bills_introduced"][k] = m.senate.bills_introduced if m.senate is not None else 0
        d["dpa_guidance"][k] = sum(dpa.guidance_issued for dpa in m.dpas)
        d["international_commitments"][k] = len(m.commitments_made)
        d["ecosystem_investment"][k] = m.ecosystem_investment
        d["federal_withdrawal"][k] = m.withdrawal
        d["coalition_capacity"][k] = m.capacity
        d["mobilisation"][k] = m.mobilisation
        d["fatigue"][k] = m.fatigue
        d["anchors_in_force"][k] = len(m.anchors)
        d["relaunches"][k] = len(m.relaunches)
        self.months[k] = m.month
        self.administration.append(adm.name)
        self.n += 1


def test_recorder_rows_equal_the_plain_recorder(make_model):
    model = make_model()
    model.engine = "numpy"  # the Python recorder (the compiled loop records in the kernel)
    plain = _PlainRecorder(model, model.recorder.table.shape[1])
    fast = model.recorder.record

    def both() -> None:
        fast()
        plain.record()

    model.recorder.record = both
    model.run()
    assert model.recorder.n == plain.n
    assert list(model.recorder.data) == NUMERIC_COLUMNS
    pd.testing.assert_frame_equal(model.recorder.frame(), plain.frame(), check_exact=True)


def test_model_arrays_do_not_depend_on_the_cache(mexico_config):
    cfg = mexico_config()
    a = ContinuityModel(cfg)
    mn._cached_named_part.cache_clear()
    mn._nodes_template.cache_clear()
    b = ContinuityModel(cfg)
    pd.testing.assert_frame_equal(a.network.nodes, b.network.nodes, check_exact=True)
    assert np.array_equal(a.state.type_code, b.state.type_code)
    assert (a.weights != b.weights).nnz == 0


_SPECIAL = np.array([0.0, -0.0, 5e-324, -5e-324, 1e-300, 1.0, -1.0, 1e16, -1e16, 3.0, np.inf])


def _awkward_table(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    """Floats of very different magnitudes (rounding depends on the order), ±0, subnormals."""
    table = rng.random((n, k)) * 10.0 ** rng.integers(-8, 8, (n, k))
    table[rng.random((n, k)) < 0.3] = 0.0
    table[: n // 10] = rng.choice(_SPECIAL[:-1], (n // 10, k))
    return table


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(("n", "k"), [(1, 4), (2, 1), (7, 4), (360, 4), (5000, 4), (3001, 3)])
def test_column_sums_are_numpy_axis0_sums_bit_for_bit(seed, n, k):
    rng = np.random.default_rng(seed)
    table = _awkward_table(rng, n, k)
    sums = ColumnSums(n, k)
    assert sums(table).tobytes() == table.sum(axis=0).tobytes()
    assert sums(-table).tobytes() == (-table).sum(axis=0).tobytes()
    signed = rng.choice(np.array([0.0, -0.0]), (n, k))  # all-zero columns keep numpy's sign
    assert sums(signed).tobytes() == signed.sum(axis=0).tobytes()
    signed[:, 0] = -0.0
    assert sums(signed).tobytes() == signed.sum(axis=0).tobytes()
    table[n // 2, 0] = np.inf
    table[0, -1] = np.nan
    assert sums(table).tobytes() == table.sum(axis=0).tobytes()


def test_column_sums_fall_back_for_other_tables():
    rng = np.random.default_rng(0)
    table = _awkward_table(rng, 100, 4)
    sums = ColumnSums(100, 4)
    for other in (np.asfortranarray(table), table[::2], table.astype(np.float32), table[:, :3]):
        assert sums(other).tobytes() == other.sum(axis=0).tobytes()


@pytest.mark.parametrize("seed", range(4))
def test_group_sums_are_bincount_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    for n, groups in ((1, 8), (50, 3), (4000, 8), (4000, 12)):
        codes = rng.integers(0, groups, n).astype(np.int8)
        sums = GroupSums(codes, 8)
        weights = _awkward_table(rng, n, 1)[:, 0] * rng.choice([-1.0, 1.0], n)
        expected = np.bincount(codes, weights=weights, minlength=8)
        assert sums(weights).tobytes() == expected.tobytes()
        zeros = rng.choice(np.array([0.0, -0.0]), n)
        assert sums(zeros).tobytes() == np.bincount(codes, zeros, 8).tobytes()
        ints = rng.integers(0, 5, n)  # not float64: bincount itself
        assert sums(ints).tobytes() == np.bincount(codes, ints, 8).tobytes()


def _recruit_members_plain(self) -> None:
    """``Coalition.recruit_members`` as it was: hazards over every actor."""
    from sim.rules import interest_above

    m, st = self.model, self.model.state
    cp = m.params.coalition
    is_member = (st.coalition == self.number).astype(float)
    exposure = matvec(m.adjacency, is_member) / m.degree
    candidates = (st.coalition < 0) & m.recruitable
    outreach = min(1.0, self.pooled / cp.outreach_cost)
    theta, outreach_rate = cp.join_threshold, cp.outreach_rate
    broad = m.tactic("broad_coalition")
    if broad is not None:
        theta = min(theta, broad.join_threshold)
        outreach_rate *= broad.outreach_boost
    interest = interest_above(st.commitment, theta)
    outreach *= m.venue_shift()
    hazard = interest * (cp.recruit_rate * exposure + outreach_rate * outreach)
    draws = m.streams.recruitment.random(len(st.commitment))
    p_join = 1.0 - np.exp(-hazard)
    ready = (candidates & (draws < p_join)).nonzero()[0]
    intake = cp.intake * (broad.outreach_boost if broad is not None else 1.0)
    st.coalition[self.admit(ready, draws[ready] / p_join[ready], intake)] = self.number


def _plain_step_parts(monkeypatch):
    """Put back the plain versions of the fast paths (recruitment, funding sums, momentum)."""
    from sim.agents.coalition import Coalition

    monkeypatch.setattr(Coalition, "recruit_members", _recruit_members_plain)

    def plain_sums(self, table):
        return table.sum(axis=0)

    def plain_groups(self, weights):
        return np.bincount(self.codes, weights=weights, minlength=self.n_groups)

    monkeypatch.setattr(ColumnSums, "__call__", plain_sums)
    monkeypatch.setattr(GroupSums, "__call__", plain_groups)


@pytest.mark.parametrize(
    "overrides",
    [
        [],
        ["tactics=[law,broad_coalition,subnational_hubs,diversified_funding]"],
        ["params.coalition.join_threshold=0.05"],
        ["params.coalition.join_threshold=1.0"],
        ["network=synthetic", "network.n_agents=2000", "network.mean_degree=6"],
    ],
)
def test_fast_step_parts_give_the_plain_run(overrides, monkeypatch):
    from sim.api import load_config, run

    cfg = load_config(overrides, seed=3)
    fast = run(cfg, keep_model=False)
    with monkeypatch.context() as patch:
        _plain_step_parts(patch)
        plain = run(load_config(overrides, seed=3), keep_model=False)
    pd.testing.assert_frame_equal(fast.timeseries, plain.timeseries, check_exact=True)
    for c in NUMERIC_COLUMNS:
        assert fast.timeseries[c].to_numpy().tobytes() == plain.timeseries[c].to_numpy().tobytes()
    assert fast.summary == plain.summary


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(("n", "ties"), [(300, 1500), (4000, 30000)])
def test_matvec_rows_is_the_rows_of_the_product_bit_for_bit(seed, n, ties):
    rng = np.random.default_rng(seed)
    adj = _random_csr(rng, n, ties)
    x = rng.random(n) * 10.0 ** rng.integers(-6, 6, n)
    member = (rng.random(n) < 0.3).astype(float)
    for matrix in (adj, influence_weights(adj)):
        for share in (0.0, 0.01, 0.1, 0.3, 1.0):
            rows = np.flatnonzero(rng.random(n) < share)
            for vector in (x, member):
                expected = (matrix @ vector)[rows]
                assert matvec_rows(matrix, rows, vector).tobytes() == expected.tobytes()


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(("n", "k"), [(1, 4), (2, 1), (7, 4), (360, 4), (5000, 4), (3001, 7)])
def test_row_sums_object_is_numpy_axis1_sums_bit_for_bit(seed, n, k):
    rng = np.random.default_rng(seed)
    table = _awkward_table(rng, n, k)
    sums = RowSums(n, k)
    assert sums(table).tobytes() == table.sum(axis=1).tobytes()
    assert sums(-table).tobytes() == (-table).sum(axis=1).tobytes()
    signed = rng.choice(np.array([0.0, -0.0]), (n, k))  # all-zero rows keep numpy's sign
    assert sums(signed).tobytes() == signed.sum(axis=1).tobytes()
    signed[0] = -0.0
    assert sums(signed).tobytes() == signed.sum(axis=1).tobytes()
    table[n // 2, 0] = np.inf
    table[0, -1] = np.nan
    assert sums(table).tobytes() == table.sum(axis=1).tobytes()
    for other in (np.asfortranarray(table), table[::2], table.astype(np.float32), table[:, :1]):
        assert RowSums(n, k)(other).tobytes() == other.sum(axis=1).tobytes()


def _influence_weights_plain(adjacency: sp.csr_matrix) -> sp.csr_matrix:
    """``influence_weights`` as written before the fast path: two sparse products."""
    deg = np.asarray(adjacency.sum(axis=1)).ravel()
    inv = np.divide(1.0, deg, out=np.zeros_like(deg), where=deg > 0)
    return sp.csr_matrix(sp.diags(inv) @ adjacency + sp.diags((deg == 0).astype(float)))


def _same_csr(a: sp.csr_matrix, b: sp.csr_matrix) -> bool:
    return (
        a.shape == b.shape
        and a.indptr.dtype == b.indptr.dtype
        and a.indices.dtype == b.indices.dtype
        and np.array_equal(a.indptr, b.indptr)
        and np.array_equal(a.indices, b.indices)
        and a.data.tobytes() == b.data.tobytes()
    )


@pytest.mark.parametrize("seed", range(6))
def test_influence_weights_equal_the_sparse_products(seed, mexico_config):
    rng = np.random.default_rng(seed)
    adj = _random_csr(rng, 300, 1500)  # isolated actors: the products (a 1 on the diagonal)
    assert _same_csr(influence_weights(adj), _influence_weights_plain(adj))
    connected = _random_csr(rng, 60, 3000)  # every actor tied: the fast path
    assert np.all(np.diff(connected.indptr) > 0)
    assert _same_csr(influence_weights(connected), _influence_weights_plain(connected))
    tiny = connected.copy()
    tiny.data[:5] = 5e-324  # products that underflow to 0 are dropped: the products
    assert _same_csr(influence_weights(tiny), _influence_weights_plain(tiny))
    model = ContinuityModel(mexico_config([f"seed={seed}"]))
    assert _same_csr(model.weights, _influence_weights_plain(model.adjacency))
    model.detach(model.dpas[0].index)  # a detached actor: a row of zeros
    masked = sp.diags((~model.detached).astype(float))
    plain = _influence_weights_plain(sp.csr_matrix(masked @ model.adjacency @ masked))
    assert _same_csr(model.weights, plain)


@pytest.mark.parametrize("overrides", [[], ["counterfactual=no_turnover"]])
def test_summary_counts_and_shares_equal_the_plain_ones(mexico_config, overrides):
    from collections import Counter

    from sim.summary import NONSTATE_COLUMNS, reference_month, summarize

    model = ContinuityModel(mexico_config(overrides))
    model.run()
    ts = model.recorder.frame()
    summary = summarize(model, ts)
    plain = Counter(type(a).__name__ for a in model.agents)
    assert summary["agents_by_type"] == dict(sorted(plain.items()))
    assert list(summary["agents_by_type"]) == sorted(plain)
    t0 = reference_month(model) - model.calendar.start
    total = ts["momentum"].to_numpy()[t0:]
    nonstate = ts.loc[:, list(NONSTATE_COLUMNS)].to_numpy().sum(axis=1)[t0:]
    shares = np.where(total > 0, nonstate / np.where(total > 0, total, 1.0), np.nan)
    expected = float(np.nanmean(shares)) if np.isfinite(shares).any() else None
    assert summary["nonstate_share"] == expected
