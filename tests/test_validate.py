"""``continuity validate``: the library on a reduced seed count, the CLI end to end, bad inputs.

Most tests check shapes, ranges, pairing, reproducibility and exit codes. One, the calibration
regression (``test_calibrated_mexico_scenario_passes_on_20_seeds``), runs the real command on 20
seeds and requires every pattern in >= 80 % of them, every negative control failing its
turnover-caused pattern in >= 80 % of the control seeds and every counterfactual in its expected
direction with an interval excluding zero -- the acceptance criterion on fewer seeds. The
patterns themselves are tested on hand-built tables in tests/test_patterns.py.
"""

from __future__ import annotations

import datetime as dt
import math
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
from cli_runner import continuity

import sim
from analysis.validation_figure import plot_validation
from experiments.cli import main as cli_main
from experiments.pattern_spec import load_spec
from experiments.validate import (
    COUNTERFACTUALS,
    FILES,
    METRICS,
    available_counterfactuals,
    momentum_2024,
    parse_args,
    prepare,
    run_validation,
)
from experiments.validation_tables import mean_interval
from sim.errors import InputError
from sim.schemas import month_start

PATTERNS = load_spec("mexico").patterns


# 2017-01..2025-06: both turnovers, T0+72 (2024-12: the patterns, momentum_late) and all of 2024.
SHORT = ["scenario.end=2025-06"]
SEEDS = 4
CHOSEN = ["no_coalition", "deep_cut"]
ARGS = [f"seeds={SEEDS}", f"counterfactuals=[{','.join(CHOSEN)}]", "first_seed=3", *SHORT]
TABLES = ("patterns.parquet", "runs.parquet", "trajectories.parquet")


@pytest.fixture(scope="module")
def validation(tmp_path_factory):
    out = tmp_path_factory.mktemp("validate") / "v1"
    return run_validation(parse_args([*ARGS, f"out={out}"]), progress=False)


# --------------------------------------------------------------------------- the library
def test_writes_every_file(validation):
    out = validation.options.out
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)  # no temporary files left
    assert [p.name for p in validation.files] == list(FILES)
    assert (out / "validation.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert validation.exit_code in (0, 1)


def test_runs_table(validation):
    runs = pd.read_parquet(validation.options.out / "runs.parquet")
    variants = ["baseline", *CHOSEN, "no_turnover"]  # the control runs even if not chosen
    assert len(runs) == len(variants) * SEEDS
    assert runs["variant"].tolist() == [v for v in variants for _ in range(SEEDS)]
    assert runs["seed"].tolist() == list(range(3, 3 + SEEDS)) * len(variants)
    for column in ("momentum_late", "momentum_2024", "continuity_index", "reference_date"):
        assert column in runs.columns
    assert np.isfinite(runs["momentum_late"]).all() and np.isfinite(runs["momentum_2024"]).all()
    assert (runs["reference_date"] == month_start(validation.t0)).all()  # date32 in the file


def test_pattern_tables(validation):
    runs = pd.read_parquet(validation.options.out / "patterns.parquet")
    assert list(runs.columns) == ["variant", "seed", "number", "pattern", "held"]
    assert len(runs) == 2 * SEEDS * len(PATTERNS)
    assert runs["variant"].unique().tolist() == ["baseline", "no_turnover"]
    assert runs["held"].dtype == bool
    table = validation.patterns
    assert table["number"].tolist() == [p.number for p in PATTERNS]
    assert table["share"].between(0, 1).all() and table["control_share"].between(0, 1).all()
    assert (table["n"] == SEEDS).all() and (table["control_n"] == SEEDS).all()
    for p in table.itertuples():
        mine = runs[runs["pattern"] == p.name]
        assert p.share == pytest.approx(mine.loc[mine["variant"] == "baseline", "held"].mean())
        control = mine.loc[mine["variant"] == "no_turnover", "held"].mean()
        assert p.control_share == pytest.approx(control)
        assert p.passed == (p.share >= 0.8)
        if p.turnover_caused:
            assert p.control_passed == (1 - control >= 0.8)
        else:
            assert pd.isna(p.control_passed)
    ok = table["passed"].all() and not table["control_passed"].eq(False).any()
    assert validation.exit_code == (0 if ok else 1)


def test_paired_differences_come_from_the_runs_table(validation):
    runs = pd.read_parquet(validation.options.out / "runs.parquet")
    comparisons = validation.comparisons
    assert len(comparisons) == len(CHOSEN) * len(METRICS)
    base = runs[runs["variant"] == "baseline"].set_index("seed")
    for row in comparisons.itertuples():
        other = runs[runs["variant"] == row.counterfactual].set_index("seed")
        diff = (other[row.metric] - base[row.metric]).dropna().to_numpy()
        mean, low, high = mean_interval(diff)
        assert row.n == len(diff)
        assert row.difference == pytest.approx(diff.mean())
        assert (row.ci_low, row.ci_high) == pytest.approx((low, high))
        assert row.baseline_mean == pytest.approx(base[row.metric].mean())
        expectation = COUNTERFACTUALS[row.counterfactual]
        if expectation.metric == row.metric:
            side = row.ci_high < 0 if expectation.direction == "lower" else row.ci_low > 0
            assert row.expected == expectation.direction and row.holds == side
        else:
            assert pd.isna(row.expected) and pd.isna(row.holds)


def test_trajectories_table(validation):
    traj = pd.read_parquet(validation.options.out / "trajectories.parquet")
    assert list(traj.columns) == ["variant", "seed", "date", "momentum"]
    months = 8 * 12 + 6  # 2017-01..2025-06
    assert len(traj) == (2 + len(CHOSEN)) * SEEDS * months
    assert traj["date"].iloc[0] == dt.date(2017, 1, 1)  # date32 in the file (docs/data.md)
    assert traj["date"].iloc[months - 1] == dt.date(2025, 6, 1)
    traj["date"] = [d.strftime("%Y-%m") for d in traj["date"]]  # as held in memory
    runs = pd.read_parquet(validation.options.out / "runs.parquet")
    first = traj[(traj["variant"] == "deep_cut") & (traj["seed"] == 3)].reset_index(drop=True)
    row = runs.query("variant == 'deep_cut' and seed == 3")
    assert momentum_2024(first) == row["momentum_2024"].item()
    late = first.loc[first["date"].between("2024-06", "2024-12"), "momentum"].mean()  # T0+66..72
    assert row["momentum_late"].item() == pytest.approx(late, rel=1e-12)


def test_baseline_equals_a_plain_run(validation):
    runs = pd.read_parquet(validation.options.out / "runs.parquet")
    result = sim.simulate(SHORT, seed=4)
    row = runs.query("variant == 'baseline' and seed == 4").iloc[0]
    assert row["momentum_2024"] == momentum_2024(result.timeseries)
    assert row["momentum_late"] == result.timeseries["momentum"].iloc[89:96].mean()
    ci = result.summary["continuity_index"]
    assert row["continuity_index"] == (ci if ci is not None else pytest.approx(math.nan))


def test_markdown_report(validation):
    text = (validation.options.out / "validation.md").read_text()
    for p in PATTERNS:
        assert p.text in text
    assert "holds in no_turnover" in text and "fails in ≥ 80 %" in text
    assert "(docs/validation.md)" in text  # the patterns are cited from the project's own docs
    for name in CHOSEN:
        assert f"| {name} |" in text
    assert "`scenario.end=2025-06`" in text
    assert "4 seeds (3..6)" in text
    assert "**Verdict:**" in text and "validation.png" in text


def test_jobs_do_not_change_results(validation, tmp_path):
    parallel = run_validation(parse_args([*ARGS, f"out={tmp_path}", "jobs=2"]), progress=False)
    for name in TABLES:
        pdt.assert_frame_equal(
            pd.read_parquet(tmp_path / name),
            pd.read_parquet(validation.options.out / name),
        )
    pdt.assert_frame_equal(parallel.comparisons, validation.comparisons)
    pdt.assert_frame_equal(parallel.patterns, validation.patterns)


def test_default_arguments():
    options = parse_args([], now=datetime(2026, 1, 2, 3, 4, 5))
    assert options.seeds == 50 and options.seed_list == list(range(50))
    assert options.jobs == 1 and options.threshold == 0.8 and options.control_threshold == 0.8
    assert options.case == "mexico"
    assert options.out == Path("outputs/validate/2026-01-02/03-04-05")
    assert list(options.counterfactuals) == list(COUNTERFACTUALS)
    assert set(COUNTERFACTUALS) <= set(available_counterfactuals())
    assert "none" not in available_counterfactuals()


def test_argument_problems_are_reported_together():
    with pytest.raises(InputError) as exc:
        parse_args(
            ["seeds=1", "jobs=0", "threshold=2", "counterfactuals=[nope]", "oops"]
            + ["control_threshold=x", "case=atlantis"]
        )
    text = "\n".join(exc.value.problems)
    for word in ("seeds", "jobs", "threshold", "nope", "oops", "deep_cut", "control_threshold"):
        assert word in text
    assert "case: no case 'atlantis'" in text and "available: argentina" in text
    assert len(exc.value.problems) == 7


def test_horizon_must_cover_t0_plus_72():
    with pytest.raises(InputError) as exc:
        prepare(parse_args(["scenario.end=2024-11", "shocks.turnover.dates=[2018-12]"]))
    assert "2024-12" in exc.value.problems[0] and "T0+72" in exc.value.problems[0]


def test_horizon_moves_with_the_turnover():
    # T0 = 2020-12: the windows reach T0+72 = 2026-12
    options = parse_args(["scenario.end=2026-11", "shocks.turnover.dates=[2020-12]"])
    with pytest.raises(InputError) as exc:
        prepare(options)
    assert "2026-12" in exc.value.problems[0]
    configs = prepare(parse_args(["scenario.end=2026-12", "shocks.turnover.dates=[2020-12]"]))
    assert set(configs) == {"baseline", *COUNTERFACTUALS}


def test_help_in_process(capsys):
    assert cli_main(["validate", "--help"]) == 0
    assert "seeds=" in capsys.readouterr().out


# --------------------------------------------------------------------------- the interval
def test_mean_interval_by_hand():
    # x = 1, 2, 3, 4: mean 2.5, s = sqrt(5/3), se = s/2 = 0.645497; t(0.975, 3) = 3.182446
    mean, low, high = mean_interval([1.0, 2.0, 3.0, 4.0])
    half = 3.182446305284263 * math.sqrt(5 / 3) / 2
    assert mean == 2.5
    assert low == pytest.approx(2.5 - half, abs=1e-9) and high == pytest.approx(2.5 + half)
    assert low == pytest.approx(0.445739, abs=1e-6)


def test_mean_interval_edge_cases():
    mean, low, high = mean_interval([3.0])
    assert mean == 3.0 and math.isnan(low) and math.isnan(high)
    assert all(math.isnan(v) for v in mean_interval([]))
    assert mean_interval([1.0, np.nan, 3.0])[0] == 2.0
    assert mean_interval([2.0, 2.0, 2.0]) == (2.0, 2.0, 2.0)


# --------------------------------------------------------------------------- the figure
def test_plot_validation_on_a_hand_made_table(tmp_path):
    dates = ["2018-10", "2018-11", "2018-12", "2019-01", "2019-02", "2019-03"]
    rows = [
        {"variant": variant, "seed": seed, "date": d, "momentum": 10.0 + i * scale + seed}
        for variant, scale in (("baseline", 1.0), ("no_coalition", -0.5))
        for seed in range(3)
        for i, d in enumerate(dates)
    ]
    path = plot_validation(
        pd.DataFrame(rows), "2018-12", tmp_path / "f.png", turnovers=["2018-12", "2024-10"]
    )
    assert path == tmp_path / "f.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --------------------------------------------------------------------------- the CLI
@pytest.mark.slow
def test_cli_end_to_end(tmp_path):
    out = tmp_path / "v"
    proc = continuity("validate", "seeds=3", f"out={out}", cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    for p in PATTERNS:
        assert p.text in proc.stdout
    assert "holds in no_turnover" in proc.stdout
    for name in COUNTERFACTUALS:
        assert name in proc.stdout
    assert str(out) in proc.stdout
    assert ("PASS" if proc.returncode == 0 else "FAIL") in proc.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v"]


@pytest.mark.slow
def test_calibrated_mexico_scenario_passes_on_20_seeds(tmp_path):
    out = tmp_path / "v"
    proc = continuity("validate", "seeds=20", "jobs=2", f"out={out}", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "counterfactuals as expected: 4 of 4" in proc.stdout, proc.stdout
    table = pd.read_parquet(out / "patterns.parquet")
    shares = table[table["variant"] == "baseline"].groupby("pattern")["held"].mean()
    assert len(shares) == len(PATTERNS)
    assert (shares >= 0.8).all(), shares
    control = table[table["variant"] == "no_turnover"].groupby("pattern")["held"].mean()
    caused = [p.name for p in PATTERNS if p.turnover_caused]
    assert (control[caused] <= 0.2).all(), control


def test_cli_default_output_directory_in_parallel(tmp_path):
    proc = continuity("validate", "seeds=10", "jobs=2", cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    written = list((tmp_path / "outputs" / "validate").glob("*/*"))
    assert len(written) == 1
    assert sorted(p.name for p in written[0].iterdir()) == sorted(FILES)
    assert len(pd.read_parquet(written[0] / "runs.parquet")) == 10 * (1 + len(COUNTERFACTUALS))


BAD_INPUTS = {
    "unknown counterfactual": (["counterfactuals=[nope]"], ["nope", *COUNTERFACTUALS]),
    "seeds not a number": (["seeds=abc"], ["seeds", "abc"]),
    "too few seeds": (["seeds=1"], ["seeds", "at least 2"]),
    "unknown override": (["params.nope=1"], ["params.nope", "unknown"]),
    "counterfactual as override": (["counterfactual=deep_cut"], ["counterfactuals="]),
    "unknown case": (["case=atlantis"], ["case", "atlantis", "mexico"]),
    "bad control threshold": (["control_threshold=1.5"], ["control_threshold", "1.5"]),
    "several problems at once": (
        ["seeds=abc", "params.nope=1", "counterfactuals=[nope]"],
        ["seeds", "abc", "params.nope", "nope", "deep_cut"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS), ids=list(BAD_INPUTS))
def test_bad_input_exits_2_and_writes_nothing(case, tmp_path):
    args, expected = BAD_INPUTS[case]
    proc = continuity("validate", *args, f"out={tmp_path / 'v'}", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("continuity validate: invalid input")
    for word in expected:
        assert word in proc.stderr, f"{word!r} not in stderr:\n{proc.stderr}"
    assert list(tmp_path.iterdir()) == []
