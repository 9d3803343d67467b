"""``continuity calibrate``: bad input is refused up front; a small calibration runs, resumes and
is reproducible."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest
from cli_runner import continuity

from experiments.abc.command import finished, stopping_rules
from experiments.abc.options import load_options
from sim.errors import ConfigError


@pytest.mark.parametrize(
    "override, expected",
    [
        ("abc.population=ten", "abc.population: 'ten' is not allowed"),
        ("abc.population=5", "abc.population: 5 is not allowed; expected a whole number >= 20"),
        ("abc.quantile=1.5", "abc.quantile: 1.5 is not allowed"),
        ("+abc.speed=3", "abc.speed: unknown key"),
        (
            "+calibration.priors.params.nothing.here=[0,1]",
            "params.nothing.here: no such config key",
        ),
        ("++calibration.priors.params.coalition.intake=[3,1]", "expected [low, high], low < high"),
        (
            "+calibration.priors.params.coalition.join_threshold=[0.2,1.5]",
            "1.5 is outside the key's range",
        ),
        ("+calibration.priors.network.companies=[10,20]", "not a real-valued key"),
        ("calibration.patterns=atlantis", "calibration.patterns: case: no pattern spec"),
        ("calibration.facts.senate_bills_2020_2024.column=bills", "'bills' is not a column"),
    ],
)
def test_bad_settings_are_named_before_any_simulation(override, expected):
    with pytest.raises(ConfigError) as info:
        load_options([override])
    assert any(expected in p for p in info.value.problems), info.value.problems


def test_the_default_settings_are_valid():
    calibration = load_options([])
    assert calibration.case == "mexico"
    assert len(calibration.priors) >= 10
    assert calibration.abc.jobs == 2 and calibration.abc.population >= 100


def test_cli_bad_input_exits_2_without_traceback(tmp_path):
    done = continuity("calibrate", "abc.jobs=0", f"abc.out={tmp_path / 'c'}", cwd=tmp_path)
    assert done.returncode == 2
    assert "abc.jobs: 0 is not allowed" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "c").exists()


def test_cli_help_lists_the_keys(tmp_path):
    done = continuity("calibrate", "--help", cwd=tmp_path)
    assert done.returncode == 0 and "abc.population" in done.stdout


class _History:
    """A pyabc history with no finished generation, or one that must not be read."""

    def __init__(self, readable: bool):
        self.readable = readable

    @property
    def max_t(self) -> int:
        assert self.readable, "the stored generations were read"
        return -1


def test_a_stopped_calibration_is_not_tried_again_unless_its_stopping_rules_change():
    """A generation under the acceptance floor is not stored; the record says it stopped."""
    calibration = load_options([])
    info = {"stopped_with": stopping_rules(calibration)}
    assert finished(calibration, _History(readable=False), info)
    relaxed = load_options(["abc.min_acceptance=0.005"])
    assert not finished(relaxed, _History(readable=True), info)
    assert not finished(calibration, _History(readable=True), {})


SMALL = ["abc.population=20", "abc.predictive_draws=3", "abc.jobs=2"]


@pytest.mark.slow
def test_a_small_calibration_resumes_to_the_same_posterior(tmp_path):
    whole, split = tmp_path / "whole", tmp_path / "split"
    done = continuity(
        "calibrate", *SMALL, "abc.max_generations=2", f"abc.out={whole}", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "Posterior predictive check" in done.stdout
    # stopped after one generation, then continued: the same two generations
    first = continuity(
        "calibrate", *SMALL, "abc.max_generations=1", f"abc.out={split}", cwd=tmp_path
    )
    assert first.returncode == 0, first.stderr
    again = continuity(
        "calibrate", *SMALL, "abc.max_generations=2", "abc.jobs=1", f"abc.out={split}", cwd=tmp_path
    )
    assert again.returncode == 0, again.stderr
    assert "resuming after 1 finished generation" in again.stderr
    for name in ("populations.parquet", "posterior.parquet", "predictive.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(whole / name), pd.read_parquet(split / name))
    post = pd.read_parquet(whole / "posterior.parquet")
    assert list(post.columns[:2]) == ["particle", "weight"]
    assert abs(post["weight"].sum() - 1) < 1e-12 and len(post) == 20
    meta = pq.read_schema(whole / "posterior.parquet").metadata[b"continuity"]
    assert b'"case": "mexico"' in meta
    for figure in ("marginals", "pairs", "generations", "predictive"):
        assert (whole / "figures" / f"{figure}.png").is_file()
    # another seed in the same directory is refused, naming the key
    other = continuity("calibrate", *SMALL, "abc.seed=1", f"abc.out={whole}", cwd=tmp_path)
    assert other.returncode == 2 and "abc.out:" in other.stderr
