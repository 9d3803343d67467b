"""Screening: the presets parse and follow the range rule, the noise rule, the ranking tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis.screening import (
    CLEAR,
    NOISE,
    add_verdicts,
    markdown,
    morris_ranking,
    sobol_table,
    verdict,
)
from analysis.sensitivity import morris_indices
from experiments.design import n_points, parse_design
from experiments.screening_outputs import screening_outputs
from experiments.screening_ranges import behavioural_ranges, rule_range, tactic_ranges
from experiments.sweep_plan import _preflight_inputs
from sim.tactics import TACTIC_NAMES

EXPERIMENTS = Path(__file__).resolve().parents[1] / "conf" / "experiment"


def _design(name: str):
    node = yaml.safe_load((EXPERIMENTS / f"{name}.yaml").read_text())["design"]
    return node, parse_design(node)


# --------------------------------------------------------------------------- presets


@pytest.mark.parametrize(
    ("name", "kind", "d"),
    [
        ("screening", "morris", 77),
        ("screening_tactics", "morris", 24),
        ("sobol_top", "sobol", None),
    ],
)
def test_presets_parse_with_their_stated_size(name: str, kind: str, d: int | None) -> None:
    node, design = _design(name)
    assert design.kind == kind
    if d is not None:
        assert len(design.names) == d
    points = n_points(design.kind, design.parameters, design.samples, design.second_order)
    per = len(design.names) + (1 if kind == "morris" else 2)
    assert points == design.samples * per
    header = (EXPERIMENTS / f"{name}.yaml").read_text().split("design:")[0]
    assert f"{points * design.replications:,} runs" in header  # the header states the size
    assert "Measured" in header and "s wall" in header


def test_behavioural_preset_follows_the_range_rule(mexico_config) -> None:
    _, design = _design("screening")
    assert design.parameters == behavioural_ranges(mexico_config([]))


def test_tactic_preset_follows_the_range_rule(mexico_config) -> None:
    cfg = mexico_config([f"tactics=[{','.join(TACTIC_NAMES)}]"])
    _, design = _design("screening_tactics")
    law = {k: v for k, v in behavioural_ranges(cfg).items() if k.startswith("params.law.")}
    assert design.parameters == {**tactic_ranges(cfg), **law}
    text = (EXPERIMENTS / "screening_tactics.yaml").read_text()
    assert all(f"- {name}" in text for name in TACTIC_NAMES)  # every tactic is on


def test_sobol_preset_ranges_are_those_of_the_screening() -> None:
    _, sobol = _design("sobol_top")
    _, morris = _design("screening")
    assert sobol.parameters.items() <= morris.parameters.items()


def test_rule_range_clips_to_the_allowed_range() -> None:
    assert rule_range(0.8, (0.0, 1.0)) == [0.4, 1.0]
    assert rule_range(2.0, (0.0, None)) == [1.0, 3.0]
    assert rule_range(24, (1, None)) == [12.0, 36.0]
    assert rule_range(0.93, (0.0, 1.0)) == [0.465, 1.0]


# --------------------------------------------------------------------------- noise rule


def test_verdict_negative_or_interval_including_zero_is_noise() -> None:
    assert verdict(-0.02, 0.01) == NOISE  # negative
    assert verdict(0.03, 0.05) == NOISE  # interval includes 0
    assert verdict(0.05, 0.05) == NOISE  # interval touches 0
    assert verdict(0.2, float("nan")) == NOISE  # no interval
    assert verdict(0.2, 0.05) == CLEAR


def test_noise_rule_on_a_hand_built_sobol_table() -> None:
    table = pd.DataFrame(
        {
            "parameter": ["a", "b", "c", "d"],
            "S1": [0.50, 0.10, -0.03, 0.01],
            "S1_conf": [0.04, 0.03, 0.02, 0.05],
            "ST": [0.62, 0.12, 0.01, 0.30],
            "ST_conf": [0.05, 0.03, 0.03, 0.06],
            "interaction": [0.12, 0.02, 0.04, 0.29],
            "interaction_conf": [0.05, 0.04, 0.05, 0.07],
        }
    )
    judged = add_verdicts(table).set_index("parameter")
    assert judged.loc["a"].tolist()[-3:] == [CLEAR, CLEAR, CLEAR]
    assert judged.loc["b", "interaction_verdict"] == NOISE  # 0.02 ± 0.04: no interaction
    assert judged.loc["c", "S1_verdict"] == NOISE  # negative
    assert judged.loc["c", "ST_verdict"] == NOISE  # 0.01 ± 0.03 includes 0
    assert judged.loc["d", "S1_verdict"] == NOISE
    assert judged.loc["d", "interaction_verdict"] == CLEAR
    text = "\n".join(markdown(judged.reset_index()))
    assert "not distinguishable from 0" in text and "(noise)" in text


def test_sobol_table_interaction_interval_on_a_known_function() -> None:
    from SALib.sample import sobol

    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[0.0, 1.0]] * 3}
    x = sobol.sample(problem, 512, calc_second_order=False, seed=1)
    y = 2 * x[:, 0] + 6 * (x[:, 1] - 0.5) * (x[:, 2] - 0.5)  # x1 alone; x2 and x3 only together
    table = sobol_table(problem, y, seed=0, num_resamples=200).set_index("parameter")
    assert table.loc["x1", "ST"] > table.loc["x2", "ST"]
    assert table.loc["x2", "S1_verdict"] == NOISE  # no effect alone
    assert table.loc["x1", "interaction_verdict"] == NOISE
    assert table.loc["x2", "interaction_verdict"] == CLEAR
    assert (table["interaction_conf"] > 0).all()


# --------------------------------------------------------------------------- Morris ranking


def test_morris_ranking_on_a_tiny_synthetic_result() -> None:
    from SALib.sample import morris

    problem = {"num_vars": 3, "names": ["params.a", "params.b", "params.c"], "bounds": [[0, 1]] * 3}
    x = morris.sample(problem, 20, num_levels=4, seed=2)
    y = 3 * x[:, 0] - 0.5 * x[:, 1]  # c does nothing
    ranking = morris_ranking(morris_indices(problem, x, y, seed=0))
    assert ranking["parameter"].tolist() == ["params.a", "params.b", "params.c"]
    assert ranking["rank"].tolist() == [1, 2, 3]
    assert ranking["mu_star"].iloc[0] == pytest.approx(3.0)
    assert ranking["relative"].tolist() == pytest.approx([1.0, 0.5 / 3, 0.0])
    assert ranking["verdict"].tolist() == [CLEAR, CLEAR, NOISE]
    assert ranking["influential"].tolist() == [True, False, False]  # b: 1/6 of a's effect
    lines = markdown(ranking)
    assert lines[2].startswith("| 1 | `a` |") and lines[-1].endswith("| noise |")


# --------------------------------------------------------------------------- outputs and plan


def test_screening_outputs_read_months_from_t0() -> None:
    dates = [f"{2017 + m // 12}-{m % 12 + 1:02d}" for m in range(120)]
    ts = pd.DataFrame(
        {"date": dates, "momentum": np.arange(120.0), "coalition_members": np.arange(120) * 2}
    )
    out = screening_outputs(ts, {"reference_date": "2018-12"})  # T0 = month 23
    assert out["coalition_members_t24"] == 2 * (23 + 24)
    assert out["momentum_late"] == pytest.approx(np.mean(np.arange(23 + 66, 23 + 73)))
    short = screening_outputs(ts.iloc[:60], {"reference_date": "2018-12"})
    assert short == {"coalition_members_t24": 94, "momentum_late": None}


def test_preflight_inputs_ignore_behavioural_and_scalar_scenario_keys() -> None:
    base = {"network": {"kind": "mexico"}, "scenario": {"start": "2017-01", "coalitions": []}}
    other = {**base, "scenario": {**base["scenario"], "federal_dependence": 0.3}}
    assert _preflight_inputs(base) == _preflight_inputs({**other, "params": {"x": 1}})
    assert _preflight_inputs(base) != _preflight_inputs({**base, "network": {"kind": "file"}})
