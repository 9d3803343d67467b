"""The cheaper set-up of a run computes what the plain expressions compute, bit for bit."""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import sparse, stats

from sim.case_network import beta_ppf
from sim.config_cache import copy_config
from sim.networks import _symmetric_csr
from sim.numerics import ColumnSums, GroupSums, RowSums
from sim.summary import column, summarize


def _scipy_symmetric(n: int, lo: np.ndarray, hi: np.ndarray, data: np.ndarray):
    indptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(lo, minlength=n), out=indptr[1:])
    upper = sparse.csr_matrix((data, hi.astype(np.int32), indptr), shape=(n, n))
    matrix = (upper + upper.T).tocsr()
    matrix.eliminate_zeros()
    return matrix


@pytest.mark.parametrize("seed", range(6))
def test_symmetric_csr_is_scipys_sum(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 300))
    pairs = rng.integers(0, n, (int(rng.integers(0, 3 * n)), 2))
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    keys = np.unique(np.minimum(pairs[:, 0], pairs[:, 1]) * n + np.maximum(*pairs.T))
    lo, hi = keys // n, keys % n
    data = rng.uniform(0.1, 0.9, keys.size)
    ours, theirs = _symmetric_csr(n, lo, hi, data), _scipy_symmetric(n, lo, hi, data)
    for name in ("data", "indices", "indptr"):
        a, b = getattr(ours, name), getattr(theirs, name)
        assert a.dtype == b.dtype and np.array_equal(a, b), name
        assert a.tobytes() == b.tobytes(), name
    assert ours.shape == theirs.shape
    assert ours.has_canonical_format and theirs.has_canonical_format


@pytest.mark.parametrize("seed", range(4))
def test_beta_ppf_is_scipy_stats(seed):
    rng = np.random.default_rng(seed)
    q = (rng.permutation(200) + rng.random(200)) / 200
    a, b = rng.uniform(0.5, 9, 200), rng.uniform(0.5, 9, 200)
    assert beta_ppf(q, a, b).tobytes() == stats.beta.ppf(q, a, b).tobytes()
    assert beta_ppf(q, 3.0, 4.0).tobytes() == stats.beta.ppf(q, 3.0, 4.0).tobytes()


def test_beta_ppf_edges_go_through_scipy_stats():
    q = np.array([0.0, 0.5, 1.0])
    assert np.array_equal(beta_ppf(q, 2.0, 8.0), stats.beta.ppf(q, 2.0, 8.0))
    bad = beta_ppf(np.array([0.5]), -1.0, 2.0)
    assert np.isnan(bad).all()


def test_numpy_engine_helpers_are_made_only_when_used(make_model):
    model = make_model()
    assert "type_sums" not in vars(model) and "funding_sums" not in vars(model)
    model.run()  # the compiled engine
    assert "type_sums" not in vars(model) and "funding_sums" not in vars(model)
    codes = model.state.type_code.astype(np.int64)
    effort = np.random.default_rng(0).random(codes.size)
    assert np.array_equal(model.type_sums(effort), GroupSums(codes, 8)(effort))
    assert np.array_equal(model.type_sums(effort), np.bincount(codes, effort, 8))
    funding = np.random.default_rng(1).random(model.state.funding.shape)
    assert np.array_equal(model.funding_sums(funding), RowSums(*funding.shape)(funding))
    assert isinstance(model.recorder._funding_sums, ColumnSums)


def test_numpy_engine_results_unchanged_by_lazy_helpers(make_model):
    one, two = make_model(), make_model()
    two.type_sums, two.funding_sums  # noqa: B018 - made up front, as before
    one.engine = two.engine = "numpy"
    one.run()
    two.run()
    assert np.array_equal(one.recorder.table, two.recorder.table)


def _same_structure(a, b, path="config"):
    """``b`` is a deep copy of ``a``: equal, same types, no shared list, dict or dataclass."""
    assert type(a) is type(b), path
    if isinstance(a, list | dict) or dataclasses.is_dataclass(a):
        assert a is not b, path
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same_structure(x, y, f"{path}[{i}]")
    elif isinstance(a, dict):
        assert list(a) == list(b), path
        for k in a:
            _same_structure(a[k], b[k], f"{path}.{k}")
    elif dataclasses.is_dataclass(a):
        assert list(vars(a)) == list(vars(b)), path
        for k in vars(a):
            _same_structure(getattr(a, k), getattr(b, k), f"{path}.{k}")
    else:
        assert a == b or (a != a and b != b), path


@pytest.mark.parametrize("overrides", [[], ["case=chile", "tactics=[law]"]])
def test_copy_config_is_a_deep_copy(mexico_config, overrides):
    cfg = mexico_config(overrides)
    copied = copy_config(cfg)
    assert copied == cfg == copy.deepcopy(cfg)
    _same_structure(cfg, copied)
    copied.scenario.administrations[0].name = "changed"
    assert cfg.scenario.administrations[0].name != "changed"


def test_copy_config_copies_other_values_as_before():
    value = {"t": (1, [2.0]), "s": {3}, "n": [None, True, "x"]}
    copied = copy_config(value)
    assert copied == value and copied["t"][1] is not value["t"][1]
    assert copied["s"] is not value["s"]


def test_summary_columns_are_the_frames(make_model):
    model = make_model()
    model.run()
    ts = model.recorder.frame()
    for name in ("momentum", "coalition_members", "contribution_companies", "date"):
        assert np.array_equal(column(ts, name), ts[name].to_numpy())
        assert column(ts, name).dtype == ts[name].to_numpy().dtype
    as_float = column(ts, "coalition_members", np.float64)
    assert as_float.dtype == np.float64
    assert np.array_equal(as_float, ts["coalition_members"].to_numpy(dtype=np.float64))
    doubled = pd.concat([ts, ts[["momentum"]]], axis=1)  # duplicate names: through pandas
    assert column(doubled, "step").tolist() == ts["step"].tolist()
    assert summarize(model, ts) == summarize(model, ts.copy())
