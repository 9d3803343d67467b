"""``python -m experiments.calibrate``: check and sweep on a few seeds, bad arguments.

Like the validation tests, no test asserts which patterns hold: only that the procedure runs,
reports every pattern and target, moves the parameter it says it moves, and rejects bad input.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from experiments.calibrate import PARAMETERS, main, parameter, parse_args, variants
from experiments.calibration_tables import TARGETS
from experiments.pattern_spec import load_spec
from sim.errors import InputError

PATTERNS = load_spec("mexico").patterns

# 2017-01..2021-12, one turnover (2018-12): T0 + 36 is inside; later windows are cut short.
SHORT = [
    "scenario.end=2021-12",
    "shocks.turnover.dates=[2018-12]",
    "shocks.elections.senate=[2018-07]",
]


def test_check_prints_every_pattern_and_target(capsys, tmp_path):
    out = tmp_path / "check.md"
    assert main(["seeds=2", "first_seed=5", f"out={out}", *SHORT]) == 0
    text = capsys.readouterr().out
    assert "# Calibration check — Mexico scenario, 2 seeds (5..6)" in text
    assert "does not cover every pattern window" in text
    for p in PATTERNS:
        assert f"| {p.number} | {p.text} | " in text
    for t in TARGETS:
        assert f"| {t.label} | " in text
    assert out.read_text(encoding="utf-8") == text


def test_sweep_moves_one_parameter(capsys):
    key = "params.coalition.join_threshold"
    args = ["sweep", "seeds=2", f"grid={key}", "factors=[0.5,5]", *SHORT]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert f"| {key} | ×0.5 | 0.125 |" in text
    assert f"| {key} | ×5 | 1 |" in text  # 1.25 clipped to the range [0, 1]
    assert f"| {key} | 0.25 | ×0.5 (0.125): " in text  # the identifiability row
    assert text.count("| baseline |") == 1


def test_variants_are_validated_configs():
    options = parse_args(["grid=network.organizations_pool", "factors=[0.5,1]", *SHORT])
    base, moved = variants(options)  # ×1 is the default again: not run
    assert base.key is None and moved.value == 120 and moved.default == 240
    assert moved.config.network.organizations_pool == 120
    assert moved.config.scenario.end == "2021-12"  # overrides apply to every variant


def test_grid_names():
    assert parse_args(["grid=senate"]).grid == PARAMETERS["senate"]
    everything = parse_args(["sweep"]).grid
    assert len(everything) == sum(len(keys) for keys in PARAMETERS.values())
    assert parse_args(["grid=[momentum,params.dpa.guidance_rate]"]).grid == (
        "params.momentum.decay",
        "params.dpa.guidance_rate",
    )


def test_parameter_reads_value_and_range():
    from sim.api import load_config

    cfg = load_config(SHORT)
    assert parameter(cfg, "params.commitment.susceptibility.senate") == (0.2, (0.0, 1.0))
    assert parameter(cfg, "params.federal.base_budget")[1] == (0.0, None)
    with pytest.raises(KeyError):
        parameter(cfg, "scenario.name")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["seeds=1"], "seeds: 1 is too small"),
        (["jobs=two"], "jobs: 'two' is not a whole number"),
        (["seed=3"], "the seeds are set by seeds= and first_seed="),
        (["threshold=1.5"], "threshold: '1.5' is not a share in [0, 1]"),
        (["factors=[a]"], "factors: '[a]' is not a list of factors"),
        (["check", "grid=senate"], "grid: a grid is swept"),
        (["bogus"], "'bogus': expected check, sweep or key=value"),
        (["grid=params.nothing"], "grid: 'params.nothing' is not a numeric config key"),
        (["seeds=3", "sweep"], "sweep: the mode comes first"),
        (
            ["grid=params.federal.state_transfer_share", "factors=[10]"],
            "state_transfer_share + coalition_grant_share = 1.05",
        ),
        (["params.coalition.recruit_rate=2"], "params.coalition.recruit_rate"),
        (["seeds=0", "+typo=1"], "typo"),
    ],
)
def test_bad_arguments_exit_2(capsys, args, message):
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "calibrate: invalid input" in captured.err
    assert message in captured.err


def test_bad_arguments_are_all_reported():
    with pytest.raises(InputError) as caught:
        parse_args(["seeds=x", "jobs=0", "params.momentum.decay=7"])
    assert len(caught.value.problems) == 3


def test_module_entry_point(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "experiments.calibrate", "--help"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        timeout=60,
    )
    assert done.returncode == 0
    assert "usage: python -m experiments.calibrate" in done.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "experiments.calibrate", "seeds=1"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert bad.returncode == 2
    assert "seeds: 1 is too small" in bad.stderr
