"""The defensive proposal: never below its prior share, so importance weights stay bounded."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyabc")

from experiments.abc.transition import DefensiveTransition  # noqa: E402

BOUNDS = {"a": (0.0, 2.0), "b": (10.0, 20.0)}


def _fitted(defensive: float = 0.25) -> DefensiveTransition:
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(0.5, 0.05, 50), "b": rng.normal(12, 0.3, 50)})
    t = DefensiveTransition(BOUNDS, defensive)
    t.fit(X, np.full(50, 1 / 50))
    return t


def test_density_is_at_least_the_prior_share_inside_the_box():
    t = _fitted()
    prior = 1 / (2.0 * 10.0)
    far = pd.DataFrame({"a": [1.9, 0.1], "b": [19.5, 10.2]})  # far from every particle
    assert np.all(t.pdf(far) >= 0.25 * prior)
    assert np.all(t.pdf(far) <= 0.25 * prior * 1.01)  # ... and not much more there
    # so prior / proposal <= 1 / 0.25 = 4 everywhere in the box
    assert np.all(prior / t.pdf(far) <= 4.0 + 1e-9)


def test_density_outside_the_box_has_no_prior_part():
    t = _fitted()
    assert t.pdf(pd.DataFrame({"a": [3.0], "b": [25.0]}))[0] == pytest.approx(0.0, abs=1e-12)


def test_a_quarter_of_the_proposals_come_from_the_prior():
    t = _fitted()
    np.random.seed(1)
    draws = pd.DataFrame([t.rvs_single() for _ in range(4000)])
    far = (draws["a"] > 0.8) | (draws["a"] < 0.2)  # the kernel part almost never goes there
    share_from_prior_far = far.mean()
    # from the prior, P(a outside 0.2..0.8) = 1 - 0.6/2 = 0.7
    assert share_from_prior_far == pytest.approx(0.25 * 0.7, abs=0.03)
