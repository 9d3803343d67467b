"""The proposal of each ABC-SMC generation: a defensive mixture of the last population and the prior.

pyabc's default proposal is a Gaussian kernel density estimate of the last generation. Its
importance weights (prior ÷ proposal density) become very unequal with many parameters: in 17
dimensions a first calibration kept an effective sample size of 3–17 particles out of 400.
Here a share ``defensive`` of the proposals comes from the prior itself (Hesterberg's defensive
importance sampling), so the proposal density is never below ``defensive`` × the prior's and no
weight exceeds ``1 / defensive`` times the prior's: the effective sample size stays a large share
of the population, at the cost of some proposals from the prior being rejected.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from pyabc import Parameter
from pyabc.transition import MultivariateNormalTransition


class DefensiveTransition(MultivariateNormalTransition):
    """``defensive`` × the uniform prior + (1 − ``defensive``) × a Gaussian KDE of the population.

    Args:
        bounds: ``{parameter: (low, high)}`` of the uniform prior.
        defensive: The prior's share of the proposals (0 < defensive < 1).
    """

    def __init__(self, bounds: Mapping[str, tuple[float, float]], defensive: float = 0.25):
        super().__init__()
        self.bounds = dict(bounds)
        self.defensive = float(defensive)

    def fit(self, X: pd.DataFrame, w: np.ndarray) -> None:
        """Fit the kernel density estimate; keep the prior's box in the columns' order."""
        super().fit(X, w)
        columns = list(X.columns)
        self._low = np.array([self.bounds[c][0] for c in columns], dtype=float)
        self._high = np.array([self.bounds[c][1] for c in columns], dtype=float)
        self._prior = 1.0 / float(np.prod(self._high - self._low))

    def rvs_single(self) -> Parameter:
        """One proposal: from the prior with probability ``defensive``, else from the KDE."""
        if np.random.uniform() < self.defensive:
            u = np.random.uniform(size=len(self._low))
            values = self._low + u * (self._high - self._low)
            return Parameter(dict(zip(self.X.columns, values, strict=True)))
        return super().rvs_single()

    def pdf(self, x: Parameter | pd.Series | pd.DataFrame) -> float | np.ndarray:
        """The mixture's density at ``x`` (one parameter or a table of them)."""
        kde = super().pdf(x)
        if isinstance(x, pd.DataFrame):
            arr = x[self.X.columns].to_numpy(dtype=float)
        else:
            arr = np.array([x[key] for key in self.X.columns], dtype=float)
        inside = np.all((arr >= self._low) & (arr <= self._high), axis=-1)
        return self.defensive * inside * self._prior + (1 - self.defensive) * kde
