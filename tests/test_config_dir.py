"""Users' own configuration outside the repository: ``--config-dir DIR`` (docs/configuration.md).

A directory outside the repository adds options to the packaged groups (a new experiment, a new
counterfactual) and replaces packaged options of the same name; run, sweep and validate read it.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from cli_runner import continuity as run_cli

from experiments.cli import main as cli_main
from experiments.cli import split_config_dir
from sim.paths import USER_ENV

EXPERIMENT = """# @package _global_
design:
  kind: grid
  parameters:
    shocks.funding_cut.size: [0.3, 0.9]
  samples: 1
  replications: 1
  seed: 0
"""
COUNTERFACTUAL = """# @package _global_
shocks:
  funding_cut:
    size: 0.25
"""


def continuity(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The console command without the caller's ``CONTINUITY_*`` settings."""
    return run_cli(*args, cwd=cwd, drop=("HYDRA_", "CONTINUITY_"))


@pytest.fixture
def user_dir(tmp_path) -> Path:
    d = tmp_path / "my_conf"
    (d / "experiment").mkdir(parents=True)
    (d / "counterfactual").mkdir()
    (d / "experiment" / "my_cut.yaml").write_text(EXPERIMENT)
    (d / "counterfactual" / "quarter_cut.yaml").write_text(COUNTERFACTUAL)
    return d


@pytest.fixture(autouse=True)
def _no_user_dir():
    """``--config-dir`` sets an environment variable (for worker processes): never leak it."""
    os.environ.pop(USER_ENV, None)
    yield
    os.environ.pop(USER_ENV, None)


def test_run_takes_a_counterfactual_from_the_user_directory(user_dir, tmp_path):
    done = continuity(
        "run",
        "--config-dir",
        str(user_dir),
        "counterfactual=quarter_cut",
        "hydra.run.dir=out",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    hydra = (tmp_path / "out" / ".hydra" / "config.yaml").read_text()
    assert "size: 0.25" in hydra
    without = continuity("run", "counterfactual=quarter_cut", cwd=tmp_path)
    assert without.returncode == 2 and "quarter_cut" in without.stderr


def test_a_user_file_replaces_the_packaged_option_of_the_same_name(user_dir):
    from sim.api import compose
    from sim.paths import set_user_config_dir

    (user_dir / "counterfactual" / "deep_cut.yaml").write_text(COUNTERFACTUAL)
    assert compose(["counterfactual=deep_cut"])["shocks"]["funding_cut"]["size"] == 1.0
    set_user_config_dir(user_dir)
    try:
        assert compose(["counterfactual=deep_cut"])["shocks"]["funding_cut"]["size"] == 0.25
        assert compose([])["shocks"]["funding_cut"]["size"] == 0.8  # the rest is packaged
    finally:
        set_user_config_dir(None)


@pytest.mark.slow
def test_sweep_runs_a_user_experiment_from_outside_the_repository(user_dir, tmp_path):
    done = continuity(
        "sweep",
        "--config-dir",
        str(user_dir),
        "experiment=my_cut",
        "hydra.sweep.dir=sw",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    runs = pd.read_parquet(tmp_path / "sw" / "runs.parquet")
    assert sorted(runs["shocks.funding_cut.size"]) == [0.3, 0.9]
    assert json.loads((tmp_path / "sw" / "sweep.json").read_text())["experiment"] == "my_cut"
    helped = continuity("sweep", "--config-dir", str(user_dir), "--help", cwd=tmp_path)
    assert "my_cut" in helped.stdout


def test_validate_lists_the_user_counterfactuals(user_dir, tmp_path, capsys):
    code = cli_main(
        ["validate", f"--config-dir={user_dir}", "counterfactuals=[nope]", f"out={tmp_path}/v"]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "quarter_cut" in err and "deep_cut" in err


def test_a_missing_config_dir_is_refused(tmp_path, capsys):
    assert cli_main(["run", "--config-dir", str(tmp_path / "nope")]) == 2
    assert "--config-dir" in capsys.readouterr().err
    assert cli_main(["report", "--config-dir", str(tmp_path), str(tmp_path)]) == 2
    assert "only run, sweep, validate, app, case" in capsys.readouterr().err


def test_split_config_dir_forms():
    assert split_config_dir(["--config-dir", "a", "seed=1"]) == ("a", ["seed=1"], [])
    assert split_config_dir(["seed=1", "--config-dir=b"]) == ("b", ["seed=1"], [])
    assert split_config_dir(["-cd", "c"]) == ("c", [], [])
    assert split_config_dir(["--config-dir"])[2]
