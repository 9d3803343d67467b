"""Continuity tactics: each moves the outcome the expected way; bad names get clear errors.

Directions are tested on paired runs (same seeds with and without the tactic) of the
default Mexico scenario: the mean continuity index must rise, except for international
commitments, whose measured effect is negative (a finding reported in docs/tactics.md). Single rules are tested on
the tiny hand-built network of ``conftest.py``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.api import CONF_DIR, compose, load_config, run
from sim.config import validate
from sim.errors import InputError
from sim.tactics import TACTIC_NAMES, TacticsConfig

SEEDS = range(10)


@pytest.fixture(scope="module")
def baseline_ci() -> np.ndarray:
    return _continuity([])


def _continuity(overrides: list[str]) -> np.ndarray:
    data = compose([*overrides, "output.figure=false"])
    return np.array(
        [
            run(validate(data | {"seed": s}), keep_model=False).summary["continuity_index"]
            for s in SEEDS
        ]
    )


HELPING = tuple(n for n in TACTIC_NAMES if n not in ("international_commitments", "law"))


@pytest.mark.parametrize("name", HELPING)
def test_each_tactic_raises_continuity(name, baseline_ci):
    """These tactics help the strategy through the turnover and the cut (docs/tactics.md)."""
    diff = _continuity([f"tactics=[{name}]"]) - baseline_ci
    assert diff.mean() > 0, f"{name}: mean change in continuity index {diff.mean():+.4f}"


def test_a_law_campaign_raises_late_momentum(baseline_ci):
    """A finding (docs/tactics.md): in Mexico the campaign's law rarely passes before the turnover
    (+0.014 on the continuity index over 100 seeds; none of these 10), but it passes later and
    raises momentum at the end of the run."""
    law = _continuity(["tactics=[law]"])
    assert law.mean() >= baseline_ci.mean()
    base = [run(load_config(["output.figure=false"], seed=s), keep_model=False) for s in SEEDS]
    with_law = [
        run(load_config(["output.figure=false", "tactics=[law]"], seed=s), keep_model=False)
        for s in SEEDS
    ]
    assert sum(r.summary["law_passed_date"] is not None for r in with_law) > sum(
        r.summary["law_passed_date"] is not None for r in base
    )
    final = np.array([r.summary["momentum_final"] for r in with_law])
    assert final.mean() > np.mean([r.summary["momentum_final"] for r in base])


def test_international_commitments_hold_the_federal_priority_but_not_continuity(baseline_ci):
    """A finding, not a tuning target (docs/tactics.md): commitments kept visible at home raise
    the successor's priority, so the government walks away less -- and the coalition, seeing
    less withdrawal, mobilises less. In Mexico the net effect on the continuity index is small
    and negative (100 paired seeds: -0.009 [-0.010, -0.008])."""
    name = "international_commitments"
    diff = _continuity([f"tactics=[{name}]"]) - baseline_ci
    assert diff.mean() < 0
    base = run(load_config(["output.figure=false"], seed=1), keep_model=False).timeseries
    tact = run(load_config(["output.figure=false", f"tactics=[{name}]"], seed=1), keep_model=False)
    after = (base["date"] >= "2019-06") & (base["date"] <= "2020-12")
    ts = tact.timeseries
    assert ts.loc[after, "federal_priority"].mean() > base.loc[after, "federal_priority"].mean()
    assert ts.loc[after, "mobilisation"].mean() < base.loc[after, "mobilisation"].mean()


def test_tactics_combine(baseline_ci):
    """Several at once: more than the baseline and more than either of them alone."""
    both = _continuity(["tactics=[bureaucratic_embedding,subnational_hubs]"])
    one = _continuity(["tactics=[bureaucratic_embedding]"])
    other = _continuity(["tactics=[subnational_hubs]"])
    assert both.mean() > max(one.mean(), other.mean())
    assert min(one.mean(), other.mean()) > baseline_ci.mean()


def test_a_tactic_before_its_start_changes_nothing():
    """A tactic starting in 2025-01 leaves every month before 2025 as in the baseline."""
    short = ["output.figure=false"]
    base = run(load_config(short, seed=3)).timeseries
    late = run(load_config([*short, "tactics=[law]", "tactics.law.start=2025-01"], seed=3))
    before = base["date"] < "2025-01"
    assert late.timeseries[before].equals(base[before])
    assert late.summary["tactics"] == ["law"]


def test_unknown_tactic_lists_the_valid_names():
    with pytest.raises(InputError) as err:
        load_config(["tactics=[law,lobbying]"])
    (line,) = err.value.problems
    assert "tactics: no option 'lobbying'" in line
    for name in TACTIC_NAMES:
        assert name in line


def test_a_tactic_key_without_the_tactic_says_how_to_select_it():
    with pytest.raises(InputError) as err:
        load_config(["tactics.law.passage_boost=3"])
    assert err.value.problems == [
        "tactics.law.passage_boost: tactic 'law' is not selected; add tactics=[law] first"
    ]


def test_tactic_values_are_checked():
    with pytest.raises(InputError) as err:
        load_config(["tactics=[law]", "tactics.law.passage_boost=0.5", "tactics.law.start=2040-01"])
    assert sorted(err.value.problems) == [
        "tactics.law.passage_boost: 0.5 is out of range; allowed [1, 1000]",
        "tactics.law.start: '2040-01' is outside the horizon 2017-01..2030-12",
    ]


def test_unknown_counterfactual_lists_the_valid_names():
    with pytest.raises(InputError) as err:
        load_config(["counterfactual=no_senate"])
    (line,) = err.value.problems
    assert line.startswith("counterfactual: no option 'no_senate'")
    assert "; available: " in line
    for name in ("no_coalition", "law_before_turnover", "deep_cut", "no_turnover"):
        assert name in line


@pytest.mark.parametrize("name", TACTIC_NAMES)
def test_tactic_yaml_equals_the_dataclass_defaults(name):
    """conf/tactics/<name>.yaml switches the tactic on with exactly the schema's defaults."""
    path = Path(CONF_DIR) / "tactics" / f"{name}.yaml"
    data = yaml.safe_load(path.read_text())
    expected = dataclasses.asdict(getattr(TacticsConfig(), name)) | {"enabled": True}
    assert data == {name: expected}


def test_conf_tactics_has_one_file_per_tactic():
    files = sorted(p.stem for p in (Path(CONF_DIR) / "tactics").glob("*.yaml"))
    assert files == sorted(TACTIC_NAMES)


# ------------------------------------------------------------------ single rules
def _with(make_model, name: str, *extra: str):
    model = make_model(overrides=[f"tactics=[{name}]", f"tactics.{name}.start=2017-01", *extra])
    return model


def test_bureaucratic_embedding_spares_the_protected_programme(make_model):
    plain = make_model(overrides=["shocks.funding_cut.start=2017-01"])
    career = _with(make_model, "bureaucratic_embedding", "shocks.funding_cut.start=2017-01")
    for model in (plain, career):
        model.administration.set_budget()
    full = plain.administration.lines["federal_program"] / (1 - 0.8)
    assert career.administration.lines["federal_program"] == pytest.approx(
        full * (1 - 0.8 * (1 - 0.3))
    )
    assert career.administration.lines["state_transfers"] == pytest.approx(
        plain.administration.lines["state_transfers"]
    )


def test_transition_briefings_raise_what_the_successor_inherits(make_model):
    plain = make_model()
    briefed = _with(make_model, "transition_briefings")
    for model in (plain, briefed):
        model.administration.commitment = 0.8
        model.turn_over()
    assert plain.administration.inherited == pytest.approx(0.3 * 0.8 * (1 - 0.6))
    assert briefed.administration.inherited == pytest.approx(0.6 * 0.8 * (1 - 0.3))


def test_broad_coalition_reaches_less_committed_actors(make_model, idx):
    # join threshold 0.5 in the plain model; the tactic lowers it to 0.3
    args = ["params.coalition.join_threshold=0.5", "params.coalition.recruit_rate=1"]
    for name, joins in (("plain", False), ("broad_coalition", True)):
        model = make_model(overrides=args) if name == "plain" else _with(make_model, name, *args)
        st = model.state
        model.coalitions[0].pooled = 100.0  # outreach at full capacity
        st.commitment[idx(model, "org_b")] = 0.45
        for _ in range(200):
            model.coalitions[0].recruit_members()
        assert (st.coalition[idx(model, "org_b")] == 0) == joins, name


def test_senate_champions_keep_the_anchor_and_add_committee_work(make_model, idx):
    model = _with(make_model, "senate_champions")
    senate = idx(model, "senate")
    model.state.anchor[senate] = 0.0  # e.g. a legislature with no interest
    model.administration.set_budget()
    model.allocate_funding()
    own = model.state.funding[senate].sum()
    model.senate.keep_champions()
    assert model.state.anchor[senate] == pytest.approx(min(1.0, model.base_anchor[senate] + 0.3))
    assert model.state.funding[senate].sum() == pytest.approx(own + 1.0)


# ----------------------------------------------------------------------- strength per unit cost
@pytest.mark.parametrize("name", TACTIC_NAMES)
def test_a_tactic_with_no_staff_does_nothing(name):
    """cost_per_year=0: the run is the baseline's, month for month."""
    short = ["output.figure=false"]
    base = run(load_config(short, seed=2), keep_model=False).timeseries
    idle = run(
        load_config([*short, f"tactics=[{name}]", f"tactics.{name}.cost_per_year=0"], seed=2),
        keep_model=False,
    ).timeseries
    pd.testing.assert_frame_equal(idle, base, check_exact=True)


@pytest.mark.parametrize("name", TACTIC_NAMES)
def test_strength_scales_with_the_staff_a_tactic_gets(name):
    """x = x₀ + e (x_default − x₀): half the cost, half the distance from no tactic."""
    from sim.tactics import NEUTRAL, TACTIC_COSTS, at_effort, neutral

    cfg = load_config([f"tactics=[{name}]"])
    tactic = getattr(cfg.tactics, name)
    assert at_effort(name, tactic, cfg.params) is tactic  # the default cost: as configured
    half = dataclasses.replace(tactic, cost_per_year=TACTIC_COSTS[name] / 2)
    scaled = at_effort(name, half, cfg.params)
    for key in NEUTRAL[name]:
        x0, x = neutral(name, key, cfg.params), getattr(tactic, key)
        assert getattr(scaled, key) == pytest.approx(x0 + 0.5 * (x - x0)), key
    assert set(NEUTRAL[name]) == {
        f.name
        for f in dataclasses.fields(tactic)
        if f.name not in ("enabled", "start", "cost_per_year")
    }


def test_a_bigger_campaign_has_a_bigger_effect(baseline_ci):
    """broad_coalition with half, the default and twice its staff: the effect grows."""
    effects = [
        (
            _continuity(["tactics=[broad_coalition]", f"tactics.broad_coalition.cost_per_year={c}"])
            - baseline_ci
        ).mean()
        for c in (6, 12, 24)
    ]
    assert 0 < effects[0] < effects[1] < effects[2], effects
