"""Held-out validation across cases: ``validate case=NAME``, ``case=all`` and ``scenario.present``.

The comparison cases set only their own inputs; the behavioural parameters are the Mexico
calibration. These tests check the machinery on few seeds (the measured shares, on 50 seeds,
are in docs/validation.md and docs/cases.md).
"""

from __future__ import annotations

import pandas as pd
import pytest

from experiments.validate import ALL_CASES, parse_args
from experiments.validate_cases import format_cases, outcome_cases, validate_cases
from sim.errors import InputError


def test_every_shipped_case_has_an_outcome_and_mexico_comes_first():
    assert outcome_cases() == ["mexico", "argentina", "brazil", "chile", "colombia"]


def test_a_case_brings_its_scenario_and_its_own_counterfactuals(tmp_path):
    options = parse_args(["case=chile", "seeds=2", f"out={tmp_path}"])
    assert "case=chile" in options.overrides
    assert options.counterfactuals == ("no_anchor", "deep_cut", "law_before_turnover")
    given = parse_args(["case=chile", "seeds=2", "counterfactuals=[deep_cut]", f"out={tmp_path}"])
    assert given.counterfactuals == ("deep_cut",)


def test_an_unknown_case_is_one_line_before_any_run(tmp_path):
    with pytest.raises(InputError) as err:
        parse_args(["case=atlantis", "seeds=2", f"out={tmp_path}"])
    assert any("atlantis" in p and "available" in p for p in err.value.problems)


def test_case_all_tabulates_each_observed_outcome_against_the_model(tmp_path):
    options = parse_args([f"case={ALL_CASES}", "seeds=2", f"out={tmp_path}"])
    result = validate_cases(options, progress=False)
    table = result.table
    assert list(table["case"]) == ["mexico", "argentina", "brazil", "chile", "colombia"]
    assert list(table["observed"]) == ["dies", "dies", "survives", "survives", "survives"]
    assert table["share"].between(0, 1).all()
    assert list(table["control"]) == [
        "no_turnover",
        "decree_at_launch",
        "",
        "no_anchor",
        "no_anchor",
    ]
    stored = pd.read_parquet(tmp_path / "cases.parquet")
    pd.testing.assert_frame_equal(stored, table)
    text = format_cases(result)
    assert "| chile | 2022-03 | survives |" in text
    assert f"Per case: {tmp_path}/CASE/." in text  # where the files are, not a fixed name
    for case in table["case"]:
        assert (tmp_path / case / "validation.md").is_file()


def test_the_present_moves_t0_the_relative_dates_and_the_cut_to_the_next_turnover():
    import sim

    history = sim.simulate(["case=chile"], seed=1).summary
    ahead = sim.simulate(
        ["case=chile", "scenario.present=2026-03", "shocks.funding_cut.size=0.5"], seed=1
    ).summary
    assert history["reference_date"] == "2022-03" and history["funding_cut_start"] == "2022-03"
    assert ahead["reference_date"] == "2026-03" and ahead["funding_cut_start"] == "2026-03"
    with pytest.raises(InputError) as err:
        sim.load_config(["case=chile", "scenario.present=2040-01"])
    assert any("scenario.present" in p and "outside" in p for p in err.value.problems)


def test_the_knife_edge_check_reports_a_share_per_case():
    import pandas as pd

    from experiments.case_sensitivity import format_table, outcome_shares

    shares = outcome_shares(["params.turnover.inheritance=0.27"], seeds=1, jobs=1)
    assert list(shares) == ["mexico", "argentina", "brazil", "chile", "colombia"]
    assert all(s in (0.0, 1.0) for s in shares.values())
    text = format_table(pd.DataFrame([{"parameter": "x × 0.9", "value": 0.27} | shares]))
    assert (
        text.splitlines()[0]
        == "| parameter × factor | mexico | argentina | brazil | chile | colombia |"
    )
