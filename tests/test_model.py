"""The default Mexico run end to end: outputs, summary, turnover, reproducibility."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from expected_outputs import AGENT_CLASSES as EXPECTED_AGENT_CLASSES
from expected_outputs import REQUIRED_COLUMNS
from expected_outputs import SUMMARY_KEYS as EXPECTED_SUMMARY_KEYS

import sim
from sim.agents import FederalAdministration
from sim.dates import month_range, parse_month
from sim.model import ContinuityModel
from sim.schemas import run_timeseries, to_arrow

DIAGNOSTIC_COLUMNS = {
    "federal_effort",
    "federal_knowhow",
    "senate_support",
    "bills_introduced",
    "dpa_guidance",
    "international_commitments",
    # v2: the AI ecosystem as context, and the responses to the state (docs/ODD.md §4.11)
    "ecosystem_investment",
    "federal_withdrawal",
    "coalition_capacity",
    "mobilisation",
    "fatigue",
    "anchors_in_force",
    "relaunches",
}
"""The diagnostic columns docs/ODD.md §4.11 lists besides the required ones (for the patterns)."""

SUMMARY_KEYS = set(EXPECTED_SUMMARY_KEYS)
AGENT_CLASSES = set(EXPECTED_AGENT_CLASSES)
ADMINISTRATIONS = ["Peña Nieto (2012-2018)", "López Obrador (2018-2024)", "Sheinbaum (2024-2030)"]


@pytest.fixture(scope="module")
def default_run() -> sim.Result:
    return sim.simulate()


@pytest.fixture(scope="module")
def stepped():
    """The default model stepped by hand, watching the administration each month."""
    model = ContinuityModel(sim.load_config())
    seen = []  # (month, administration agent, FederalAdministration agents in model.agents)
    while model.month <= model.calendar.end:
        month = model.month
        model.step()
        feds = [a for a in model.agents if isinstance(a, FederalAdministration)]
        assert model.actors[model.seat] is model.administration
        seen.append((month, model.administration, feds))
    return model, seen


# ----------------------------------------------------------------------------- time series
def test_timeseries_columns(default_run):
    ts = default_run.timeseries
    columns = list(ts.columns)
    assert [c for c in columns if c in REQUIRED_COLUMNS] == REQUIRED_COLUMNS
    assert columns[:2] == ["date", "step"] and columns[-1] == "administration"
    assert set(columns) == set(REQUIRED_COLUMNS) | DIAGNOSTIC_COLUMNS
    assert len(columns) == len(set(columns))


def test_timeseries_rows_and_types(default_run):
    ts = default_run.timeseries
    assert len(ts) == 168
    assert ts["date"].tolist() == month_range("2017-01", "2030-12")
    assert all(re.fullmatch(r"\d{4}-\d{2}", d) for d in ts["date"])
    assert ts["step"].tolist() == list(range(168))
    for col in ("coalition_members", "states_with_ai_office", "step"):
        assert pd.api.types.is_integer_dtype(ts[col]), col
    for col in ("law_in_force", "dpa_active"):
        assert pd.api.types.is_bool_dtype(ts[col]), col
    numeric = [c for c in REQUIRED_COLUMNS if c not in ("date", "administration")]
    values = ts[numeric].to_numpy(dtype=float)
    assert np.isfinite(values).all()
    assert (values >= 0).all()
    assert ts["federal_priority"].between(0, 1).all()


def test_timeseries_accounting(default_run):
    ts = default_run.timeseries
    pillars = ts.filter(regex=r"^momentum_").sum(axis=1)
    contributions = ts.filter(regex=r"^contribution_").sum(axis=1)
    np.testing.assert_allclose(pillars, ts["momentum"], rtol=1e-10)
    np.testing.assert_allclose(contributions, ts["momentum"], rtol=1e-10)
    assert ts["dpa_active"].all()  # no abolition in the default scenario
    assert ts["states_with_ai_office"].le(32).all()


def test_administration_changes_name_at_each_turnover(default_run):
    ts = default_run.timeseries
    changed = ts["date"][ts["administration"].ne(ts["administration"].shift())].tolist()
    assert changed == ["2017-01", "2018-12", "2024-10"]
    assert ts["administration"].drop_duplicates().tolist() == ADMINISTRATIONS


# ----------------------------------------------------------------------------- summary
def test_summary_keys_and_values(default_run):
    s = default_run.summary
    assert SUMMARY_KEYS <= set(s)
    assert s["seed"] == 42
    assert s["scenario"] == "mexico"
    assert s["turnovers"] == ["2018-12", "2024-10"]
    assert AGENT_CLASSES <= set(s["agents_by_type"])
    assert s["agents_by_type"]["FederalAdministration"] == 1
    assert s["agents_by_type"]["State"] == 32
    assert s["agents_by_type"]["Senate"] == 1
    assert s["agents_by_type"]["DataProtectionAuthority"] == 1
    assert s["coalition_members_final"] == default_run.timeseries["coalition_members"].iloc[-1]
    json.dumps(s, allow_nan=False)


def test_agents_by_type_matches_the_network(default_run):
    model = default_run.model
    types = model.network.nodes["type"].value_counts().to_dict()
    counts = default_run.summary["agents_by_type"]
    assert counts["Company"] == types["company"]
    assert counts["Organization"] == types["organization"]
    assert counts["Coalition"] == types["coalition"]
    assert sum(counts.values()) == model.network.n


def test_summary_metrics_follow_their_definitions(default_run):
    ts, s = default_run.timeseries, default_run.summary
    m = ts["momentum"].to_numpy()
    t0 = ts.index[ts["date"] == "2018-12"][0]
    before = m[t0 - 1]
    assert s["continuity_index"] == pytest.approx(m[t0 + 24] / before)
    assert s["min_momentum_after_turnover"] == pytest.approx(m[t0:].min())
    assert s["survived"] == bool(m[-1] >= 0.4 * before)
    nonstate = ts[
        ["contribution_coalitions", "contribution_companies", "contribution_organizations"]
    ].sum(axis=1)
    assert s["nonstate_share"] == pytest.approx((nonstate / ts["momentum"]).iloc[t0:].mean())
    after = m[t0:]
    k = s["months_to_recover"]
    if after.min() >= before:
        assert k == 0
    else:  # back to M(T0 - 1) after the lowest point, or never
        low = int(np.argmin(after))
        back = np.flatnonzero(after[low:] >= before)
        assert k == (low + int(back[0]) if back.size else None)
    law = ts["date"][ts["law_in_force"]]
    assert s["law_passed_date"] == (law.iloc[0] if len(law) else None)


# ----------------------------------------------------------------------------- turnover
def test_turnover_replaces_the_administration_agent(stepped):
    model, seen = stepped
    turnovers = {parse_month("2018-12"), parse_month("2024-10")}
    admins = []
    for k, (month, adm, feds) in enumerate(seen):
        assert feds == [adm], "exactly one FederalAdministration, the one in office"
        if k and month in turnovers:
            assert adm is not seen[k - 1][1]
        elif k:
            assert adm is seen[k - 1][1]
        if adm not in admins:
            admins.append(adm)
    assert [a.name for a in admins] == ADMINISTRATIONS
    assert [a.took_office for a in admins[1:]] == sorted(turnovers)
    assert all(a not in model.agents for a in admins[:-1])
    assert model.administration is admins[-1] in model.agents
    assert model.turnovers == sorted(turnovers)


def test_stepping_by_hand_equals_simulate(stepped, default_run):
    model, _ = stepped
    pd.testing.assert_frame_equal(model.recorder.frame(), default_run.timeseries)


# ----------------------------------------------------------------------------- reproducibility
def test_same_seed_same_bytes(default_run, tmp_path):
    again = sim.simulate()
    default_run.write(tmp_path / "a", figure=False)
    again.write(tmp_path / "b", figure=False)
    for name in ("timeseries.parquet", "summary.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert not (tmp_path / "a" / "momentum.png").exists()
    back = pq.read_table(tmp_path / "a" / "timeseries.parquet")
    assert back.equals(to_arrow(default_run.timeseries, run_timeseries()))  # docs/data.md


def test_different_seed_different_run(default_run):
    other = sim.simulate(seed=43)
    assert other.summary["seed"] == 43
    assert not np.array_equal(
        other.timeseries["momentum"].to_numpy(), default_run.timeseries["momentum"].to_numpy()
    )


def test_synthetic_network_run():
    result = sim.simulate(["network=synthetic", "network.n_agents=2000", "network.mean_degree=10"])
    ts, s = result.timeseries, result.summary
    assert len(ts) == 168
    numeric = ts.drop(columns=["date", "administration"]).to_numpy(dtype=float)
    assert np.isfinite(numeric).all()
    assert ts["momentum"].iloc[-1] > 0
    assert sum(s["agents_by_type"].values()) == 2000
    assert s["agents_by_type"]["FederalAdministration"] == 1
    assert s["turnovers"] == ["2018-12", "2024-10"]
    assert ts["coalition_members"].max() <= result.model.recruitable_count


# ----------------------------------------------------------------------------- summary edge cases
def _summary(make_model, overrides):
    from sim.summary import summarize

    model = make_model(
        overrides=["scenario.end=2020-12", "shocks.elections.senate=[2018-07]", *overrides]
    )
    model.run()
    ts = model.recorder.frame()
    summary = summarize(model, ts)
    json.dumps(summary, allow_nan=False)
    return ts, summary


def test_summary_without_turnover_uses_the_reference_date(make_model):
    ts, s = _summary(make_model, ["shocks.turnover.mode=none", "scenario.reference_date=2018-06"])
    assert s["turnovers"] == [] and s["reference_date"] == "2018-06"
    m = ts["momentum"].to_numpy()
    t0 = int(ts.index[ts["date"] == "2018-06"][0])
    assert s["momentum_before_turnover"] == pytest.approx(m[t0 - 1])
    assert s["continuity_index"] == pytest.approx(m[t0 + 24] / m[t0 - 1])
    assert s["funding_cut_start"] is None  # a with_turnover cut never opens


def test_summary_turnover_too_late_for_the_index(make_model):
    ts, s = _summary(make_model, ["shocks.turnover.dates=[2020-06]"])
    assert s["reference_date"] == "2020-06"
    assert s["continuity_index"] is None  # T0 + 24 is past the horizon
    assert s["momentum_before_turnover"] == pytest.approx(ts["momentum"].iloc[40])  # 2020-05
    assert s["funding_cut_start"] == "2020-06"


def test_summary_without_momentum(make_model):
    ts, s = _summary(
        make_model, ["shocks.turnover.dates=[2018-12]", "params.momentum.efficiency=0"]
    )
    assert (ts["momentum"] == 0).all()
    assert s["momentum_before_turnover"] is None
    assert s["continuity_index"] is None and s["min_momentum_ratio"] is None
    assert s["months_to_recover"] is None and s["nonstate_share"] is None
    assert s["survived"] is False
