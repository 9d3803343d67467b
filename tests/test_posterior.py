"""``params=posterior``: reading, checking and drawing a stored ABC posterior (sim/posterior.py).

Every test writes its own tiny posterior into ``tmp_path``; none needs the shipped one.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import sim
from sim import posterior
from sim.api import load_config
from sim.errors import ConfigError

KEYS = ("params.coalition.intake", "params.response.mobilisation")
SHORT = [
    "scenario.end=2020-12",
    "shocks.turnover.dates=[2018-12]",
    "shocks.elections.senate=[2018-07]",
    "output.figure=false",
]


def write_posterior(
    path: Path,
    weights: list[float] | None = None,
    columns: dict[str, list] | None = None,
    particles: list[int] | None = None,
) -> Path:
    """A posterior table in the documented format (``particle``, ``weight``, one column per key)."""
    weights = [0.5, 0.0, 0.25, 0.25] if weights is None else weights
    n = len(weights)
    if columns is None:
        columns = {
            "params.coalition.intake": [2.0 + i for i in range(n)],
            "params.response.mobilisation": [0.3 + 0.1 * i for i in range(n)],
        }
    table = pa.table(
        {
            "particle": pa.array(list(range(n)) if particles is None else particles, pa.int64()),
            "weight": pa.array(weights, pa.float64()),
            **columns,
        }
    )
    meta = {"case": "mexico", "command": "continuity calibrate (test)", "generations": 3}
    table = table.replace_schema_metadata({b"continuity": json.dumps(meta).encode()})
    pq.write_table(table, path)
    return path


def on(path: Path) -> list[str]:
    return ["params=posterior", f"params.posterior.file={path}"]


@pytest.fixture
def post_file(tmp_path) -> Path:
    return write_posterior(tmp_path / "posterior.parquet")


# --------------------------------------------------------------------------- drawing
def test_the_same_seed_draws_the_same_particle(post_file):
    p = posterior.load(str(post_file))
    assert [posterior.draw(p, s) for s in range(20)] == [posterior.draw(p, s) for s in range(20)]
    assert posterior.load(str(post_file)) is p  # cached by path and modification time


def test_draws_follow_the_weights_and_never_a_zero_weight_particle(post_file):
    p = posterior.load(str(post_file))
    counts = Counter(posterior.draw(p, s)[0] for s in range(4000))
    assert counts[1] == 0  # weight 0
    assert set(counts) == {0, 2, 3}
    # a fixed seed list: deterministic, so it cannot flake; the bounds are > 6 sd wide
    assert abs(counts[0] / 4000 - 0.5) < 0.05
    assert abs(counts[2] / 4000 - 0.25) < 0.045
    assert abs(counts[3] / 4000 - 0.25) < 0.045


def test_the_draw_depends_only_on_the_seed_so_arms_are_paired(post_file):
    arms = [
        [],
        ["counterfactual=no_coalition"],
        ["counterfactual=no_turnover"],
        ["tactics=[law,broad_coalition]"],
    ]
    configs = [load_config([*on(post_file), *arm]) for arm in arms]
    for seed in (0, 1, 7, 123456789):
        drawn = {
            posterior.apply(dataclasses.replace(cfg, seed=seed))[1].particle for cfg in configs
        }
        assert len(drawn) == 1, f"seed {seed}: arms drew different particles {drawn}"


def test_apply_sets_only_the_calibrated_keys(post_file):
    cfg = load_config(on(post_file), seed=3)
    used, draw = posterior.apply(cfg)
    assert draw.values == {
        "params.coalition.intake": used.params.coalition.intake,
        "params.response.mobilisation": used.params.response.mobilisation,
    }
    assert cfg.params.coalition.intake == 2.8  # the config given is not changed
    assert used.params.coalition.recruit_rate == cfg.params.coalition.recruit_rate
    assert posterior.apply(load_config([], seed=3))[1] is None


def test_a_run_records_its_particle_and_values(post_file):
    result = sim.simulate([*SHORT, *on(post_file)], seed=5)
    particle, values = posterior.draw(posterior.load(str(post_file)), 5)
    assert result.summary["posterior_particle"] == particle
    assert result.summary["posterior_values"] == values
    assert result.config.params.coalition.intake == values["params.coalition.intake"]
    fixed = sim.simulate(SHORT, seed=5).summary
    assert "posterior_particle" not in fixed and "posterior_values" not in fixed


def test_the_dict_and_mapping_keys_can_be_calibrated(tmp_path):
    path = write_posterior(
        tmp_path / "p.parquet",
        weights=[1.0],
        columns={
            "params.commitment.susceptibility.state": [0.25],
            "params.anchors.decree.review_survival": [0.6],
            "scenario.federal_dependence": [0.4],
            "notes": [1.0],  # no dot: ignored
        },
    )
    used, draw = posterior.apply(load_config(on(path), seed=0))
    assert used.params.commitment.susceptibility["state"] == 0.25
    assert used.params.anchors.decree.review_survival == 0.6
    assert used.scenario.federal_dependence == 0.4
    assert set(draw.values) == {
        "params.commitment.susceptibility.state",
        "params.anchors.decree.review_survival",
        "scenario.federal_dependence",
    }


# --------------------------------------------------------------------------- bad input
def _bad(tmp_path: Path, case: str) -> Path:
    path = tmp_path / "bad.parquet"
    if case == "not parquet":
        path.write_text("particle,weight\n0,1\n")
        return path
    if case == "no rows":
        return write_posterior(path, weights=[], columns={KEYS[0]: pa.array([], pa.float64())})
    if case == "unknown key":
        return write_posterior(path, weights=[1.0], columns={"params.coalition.intke": [1.0]})
    if case == "out of range":
        return write_posterior(
            path, weights=[0.5, 0.5], columns={"params.response.mobilisation": [0.5, 1.7]}
        )
    if case == "negative weight":
        return write_posterior(path, weights=[1.5, -0.5])
    if case == "weights sum":
        return write_posterior(path, weights=[0.5, 0.5, 0.5, 0.5])
    if case == "seed":
        return write_posterior(path, weights=[1.0], columns={"seed.x": [1.0]})
    if case == "not numeric":
        return write_posterior(path, weights=[1.0], columns={"scenario.start": [1.0]})
    if case == "missing value":
        return write_posterior(path, weights=[0.5, 0.5], columns={KEYS[0]: [1.0, None]})
    if case == "no keys":
        return write_posterior(path, weights=[1.0], columns={"notes": [1.0]})
    if case == "duplicate particles":
        return write_posterior(
            path, weights=[0.5, 0.5], columns={KEYS[0]: [1.0, 2.0]}, particles=[0, 0]
        )
    raise AssertionError(case)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("not parquet", "is not a readable Parquet posterior"),
        ("no rows", "has no particles"),
        ("unknown key", "column 'params.coalition.intke': not a config key ('intke'"),
        (
            "out of range",
            "particle 1: params.response.mobilisation: 1.7 is out of range; allowed [0, 1]",
        ),
        ("negative weight", "weight -0.5 in row 1 is negative"),
        ("weights sum", "the weights sum to 2; they must sum to 1"),
        ("seed", "the seed cannot be calibrated"),
        ("not numeric", "column 'scenario.start': not a numeric config key"),
        (
            "missing value",
            "column 'params.coalition.intake' has a missing or non-finite value in row 1",
        ),
        ("no keys", "has no calibrated key columns"),
        ("duplicate particles", "particle must hold distinct whole numbers"),
    ],
)
def test_a_bad_posterior_is_one_line_naming_what_is_wrong(tmp_path, case, message):
    path = _bad(tmp_path, case)
    with pytest.raises(ConfigError) as exc:
        load_config(on(path))
    assert len(exc.value.problems) == 1, exc.value.problems
    (line,) = exc.value.problems
    assert line.startswith("params.posterior.file: ")
    assert message in line


def test_a_particle_breaking_a_cross_field_rule_is_named(tmp_path):
    path = write_posterior(
        tmp_path / "p.parquet",
        weights=[0.5, 0.5],
        columns={"params.federal.state_transfer_share": [0.5, 0.97]},
    )
    with pytest.raises(ConfigError) as exc:
        load_config(on(path))
    assert exc.value.problems == [
        f"params.posterior.file: {path}: particle 1: params.federal: state_transfer_share + "
        "coalition_grant_share = 1.02; must be at most 1"
    ]


def test_a_missing_posterior_says_how_to_make_one(tmp_path):
    with pytest.raises(
        ConfigError, match=r"no posterior at .*missing.parquet; run `continuity calibrate`"
    ):
        load_config(on(tmp_path / "missing.parquet"))


def test_the_default_file_is_the_shipped_mexico_posterior():
    assert posterior.resolve(None) == posterior.DEFAULT_FILE
    assert posterior.DEFAULT_FILE.parts[-3:] == ("data", "posterior", "mexico.parquet")
    if not posterior.DEFAULT_FILE.exists():
        with pytest.raises(
            ConfigError,
            match=r"the shipped Mexico posterior\); run `continuity calibrate` or give params.posterior.file=PATH",
        ):
            load_config(["params=posterior"])


def test_overriding_a_calibrated_key_with_the_posterior_on_is_refused(post_file):
    with pytest.raises(ConfigError) as exc:
        load_config([*on(post_file), "params.coalition.intake=3"])
    assert exc.value.problems == [
        "params.coalition.intake: set by the posterior with params=posterior (a calibrated key); "
        "drop the override, or drop params=posterior to run with fixed parameters"
    ]
    load_config([*on(post_file), "params.coalition.recruit_rate=0.4"])  # not calibrated: fine


def test_scenario_replace_refuses_a_calibrated_key(post_file):
    scenario = sim.load(on(post_file))
    with pytest.raises(ConfigError, match="params.coalition.intake: set by the posterior"):
        scenario.replace({"params.coalition.intake": 3.0})
    scenario.replace({"params.coalition.recruit_rate": 0.4})


def test_a_posterior_file_without_params_posterior_says_what_to_add(post_file):
    with pytest.raises(
        ConfigError, match="the posterior is not selected; add params=posterior first"
    ):
        load_config([f"params.posterior.file={post_file}"])


def test_a_sweep_refuses_to_vary_a_calibrated_key(post_file):
    from experiments.sweep_plan import make_plan

    with pytest.raises(ConfigError, match=r"params.coalition.intake: set by the posterior"):
        make_plan("replications", [*on(post_file), "params.coalition.intake=3"])


# --------------------------------------------------------------------------- reports
def test_the_uncertainty_line():
    assert posterior.uncertainty_line(None, None) == (
        "Intervals include seed noise only (fixed parameters)."
    )
    assert posterior.uncertainty_line("p.parquet", 12) == (
        "Intervals include seed noise and parameter uncertainty (12 posterior draws from "
        "p.parquet, paired across arms)."
    )


def test_a_sweep_report_reads_its_uncertainty_from_the_stored_configs(tmp_path):
    from analysis.results import Results

    runs = pd.DataFrame({"status": ["ok"] * 4, "posterior_particle": [0, 2, 0, 2]})
    plan = {"design": {"paired": True}, "bases": [{"params": {"posterior": {"file": "p.parquet"}}}]}
    res = Results(tmp_path, "sweep", runs, plan=plan)
    assert res.uncertainty.endswith("(2 posterior draws from p.parquet, paired across arms).")
    fixed = Results(
        tmp_path, "sweep", runs.drop(columns="posterior_particle"), plan={"bases": [{}]}
    )
    assert fixed.uncertainty == "Intervals include seed noise only (fixed parameters)."


def test_validate_with_the_posterior_pairs_its_variants_and_says_so(post_file, tmp_path):
    from experiments.validate import Options, run_validation
    from experiments.validation_tables import format_text

    opts = Options(
        seeds=2,
        counterfactuals=("no_coalition",),
        out=tmp_path / "val",
        overrides=tuple(on(post_file)),
    )
    v = run_validation(opts, progress=False)
    per_seed = v.runs.groupby("seed")["posterior_particle"].nunique()
    assert (per_seed == 1).all()  # every variant of a seed used the same parameter set
    assert v.runs["posterior_particle"].notna().all()
    text = format_text(v)
    assert "Intervals include seed noise and parameter uncertainty" in text
    assert "paired across arms" in (tmp_path / "val" / "validation.md").read_text()
    written = pq.read_table(tmp_path / "val" / "runs.parquet")
    assert written.schema.field("posterior_particle").type == pa.int64()


def test_the_dashboard_band_option_checks_the_file(tmp_path, monkeypatch):
    from experiments import app, dashboard_charts

    monkeypatch.setattr(dashboard_charts, "BAND_PARAMS", ())
    problem = app._use_posterior(str(tmp_path / "none.parquet"))
    assert problem.startswith("params.posterior.file: no posterior at")
    assert dashboard_charts.BAND_PARAMS == ()
    assert dashboard_charts.band_overrides(None) == ()
    assert dashboard_charts.band_overrides("") == ("params=posterior",)


def test_the_dashboard_band_draws_each_seed_from_the_posterior(post_file, monkeypatch):
    from experiments import dashboard_charts

    monkeypatch.setattr(
        dashboard_charts, "BAND_PARAMS", dashboard_charts.band_overrides(str(post_file))
    )
    drawn = dashboard_charts.baseline_band()
    monkeypatch.setattr(dashboard_charts, "BAND_PARAMS", ())
    fixed = dashboard_charts.baseline_band()
    assert drawn is not fixed and not (drawn["median"] == fixed["median"]).all()


# --------------------------------------------------------------------------- end to end
def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HYDRA_")}
    env["MPLBACKEND"] = "Agg"
    return subprocess.run(
        [sys.executable, "-m", "experiments.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_continuity_run_with_the_posterior_writes_the_particle(post_file, tmp_path):
    proc = _cli("run", *SHORT, *on(post_file), f"hydra.run.dir={tmp_path / 'run'}", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    particle, values = posterior.draw(posterior.load(str(post_file)), 42)
    assert summary["posterior_particle"] == particle
    assert summary["posterior_values"] == values
    assert f"posterior particle {particle}" in proc.stdout


@pytest.mark.slow
def test_continuity_run_with_a_bad_posterior_fails_before_any_work(tmp_path):
    bad = _bad(tmp_path, "out of range")
    proc = _cli("run", *on(bad), f"hydra.run.dir={tmp_path / 'run'}", cwd=tmp_path)
    assert proc.returncode == 2
    assert "params.response.mobilisation: 1.7 is out of range" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "run").exists()


@pytest.mark.slow
def test_validate_with_the_posterior_is_the_same_on_1_and_2_workers(post_file, tmp_path):
    from experiments.validate import Options, run_validation

    tables = []
    for jobs in (1, 2):
        opts = Options(
            seeds=2,
            counterfactuals=(),
            jobs=jobs,
            out=tmp_path / f"jobs{jobs}",
            overrides=tuple(on(post_file)),
        )
        run_validation(opts, progress=False)
        tables.append(pd.read_parquet(tmp_path / f"jobs{jobs}" / "trajectories.parquet"))
    pd.testing.assert_frame_equal(tables[0], tables[1], check_exact=True)


def test_a_sweep_records_the_posterior_file_it_reads(post_file):
    from experiments.provenance import changed_files, provenance

    bases = [{"params": {"posterior": {"file": str(post_file)}}}]
    before = provenance(bases)
    assert str(post_file.resolve()) in before["files"]
    write_posterior(post_file, weights=[1.0, 0.0, 0.0, 0.0])  # the posterior is re-made
    assert str(post_file.resolve()) in changed_files(before, provenance(bases))


def test_validate_case_all_says_a_missing_posterior_once(tmp_path):
    from experiments.validate import Options
    from experiments.validate_cases import validate_cases
    from sim.errors import InputError

    opts = Options(seeds=2, out=tmp_path, overrides=tuple(on(tmp_path / "none.parquet")))
    with pytest.raises(InputError) as exc:
        validate_cases(opts, progress=False)
    (line,) = exc.value.problems
    assert line.startswith("every case: params.posterior.file: no posterior at")


@pytest.mark.slow
def test_validate_case_all_predicts_every_case_with_posterior_draws(post_file, tmp_path):
    from experiments.validate import Options
    from experiments.validate_cases import format_cases, validate_cases

    opts = Options(seeds=2, out=tmp_path / "cases", overrides=tuple(on(post_file)))
    result = validate_cases(opts, progress=False)
    particles = {
        name: v.runs.sort_values("seed")["posterior_particle"].drop_duplicates().tolist()
        for name, v in result.validations.items()
    }
    assert len({tuple(p) for p in particles.values()}) == 1  # the same draws in every case
    text = format_cases(result)
    assert f"drawn from the posterior {post_file}" in text
    assert "Shares include seed noise and parameter uncertainty" in text
