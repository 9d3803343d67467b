"""The seeded ABC sampler: the same posterior for any number of workers, first accepted by number."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pyabc = pytest.importorskip("pyabc")

from experiments.abc.sampler import SeededSampler, evaluation_seed  # noqa: E402


def _toy(tmp_path, jobs: int, seed: int = 3) -> pd.DataFrame:
    """A Gaussian toy model: two generations of ABC-SMC, the final population."""

    def model(p):
        return {"y": p["mu"] + 0.5 * np.random.normal()}

    abc = pyabc.ABCSMC(
        model,
        pyabc.Distribution(mu=pyabc.RV("uniform", -5, 10)),
        lambda x, x0: abs(x["y"] - x0["y"]),
        population_size=40,
        sampler=SeededSampler(seed, jobs, progress=False),
    )
    np.random.seed(seed)
    abc.new(f"sqlite:///{tmp_path / f'toy{jobs}.db'}", {"y": 1.0})
    history = abc.run(max_nr_populations=2)
    frame, weights = history.get_distribution()
    return frame.assign(weight=weights).reset_index(drop=True)


def test_same_seed_same_population_for_one_or_two_workers(tmp_path):
    one, two = _toy(tmp_path, 1), _toy(tmp_path, 2)
    pd.testing.assert_frame_equal(one, two, check_exact=True)
    assert abs(np.average(one["mu"], weights=one["weight"]) - 1.0) < 1.0


def test_another_seed_gives_another_population(tmp_path):
    assert not _toy(tmp_path, 1, seed=3).equals(_toy(tmp_path, 1, seed=4))


def test_evaluation_seeds_differ_by_generation_and_number():
    seeds = {evaluation_seed(0, t, k) for t in (-1, 0, 1) for k in range(50)}
    assert len(seeds) == 150


class _Particle:
    def __init__(self, k: int):
        self.k = k
        self.accepted = k % 3 == 0
        self.preliminary = False
        self.proposal_id = 0
        self.distance = float(k)
        self.weight = 1.0
        self.parameter = {}
        self.sum_stat = {}
        self.accepted_sum_stats = []
        self.accepted_distances = []


def test_keeps_every_evaluation_up_to_the_nth_accepted_in_number_order():
    sampler = SeededSampler(0, 1, progress=False)
    counter = iter(range(1000))
    sample = sampler.sample_until_n_accepted(4, lambda: _Particle(next(counter)), 0)
    # accepted: 0, 3, 6, 9 -> the 4th is evaluation 9: ten evaluations kept, four accepted
    assert sampler.nr_evaluations_ == 10
    assert sample.n_accepted == 4
