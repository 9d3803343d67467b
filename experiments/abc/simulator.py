"""One ABC simulation: a parameter set and a seed → one model run → its summary statistics.

The calibrated keys are set on a copy of the validated config (their priors were checked to
stay inside each key's allowed range, so the config need not be validated again); the run's
seed comes from ``numpy``'s global RNG, which :mod:`experiments.abc.sampler` seeds for every
evaluation from the calibration's seed, the generation and the evaluation's number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from experiments.abc.options import Calibration
from experiments.abc.statistics import Stat, statistics
from experiments.patterns import Run
from sim.config import Config
from sim.config_cache import copy_config


def with_values(cfg: Config, values: Mapping[str, float], seed: int | None = None) -> Config:
    """A copy of ``cfg`` with dotted keys set to ``values`` (and its seed, if given)."""
    out = copy_config(cfg)
    for key, value in values.items():
        *path, last = key.split(".")
        node: Any = out
        for part in path:
            node = getattr(node, part)
        setattr(node, last, float(value))
    if seed is not None:
        out.seed = int(seed)
    return out


def run_statistics(calibration: Calibration, cfg: Config) -> list[Stat]:
    """Run ``cfg`` and compute the calibration's statistics of the run."""
    from sim.api import run

    result = run(cfg, keep_model=False)
    r = Run(result.timeseries, result.summary, cfg.scenario.strategy_launch)
    return statistics(r, calibration.spec.patterns, calibration.facts)


class Simulator:
    """The pyabc model: ``Simulator(calibration)(parameters)`` → ``{statistic: value}``."""

    def __init__(self, calibration: Calibration):
        """Keep the calibration (its config is the base of every simulation)."""
        self.calibration = calibration
        self.__name__ = "continuity"

    def __call__(self, parameters: Mapping[str, float]) -> dict[str, float]:
        """Run the model ``abc.replicates`` times with ``parameters``, seeds from numpy's RNG.

        Statistic ``name`` of replicate ``r`` is ``name@r``; ``seed@r`` is the replicate's seed.
        """
        values = {k: float(parameters[k]) for k in self.calibration.keys}
        out: dict[str, float] = {}
        for r in range(self.calibration.abc.replicates):
            seed = int(np.random.randint(0, 2**31 - 1))
            cfg = with_values(self.calibration.config, values, seed)
            out.update({f"{s.name}@{r}": s.value for s in run_statistics(self.calibration, cfg)})
            out[f"seed@{r}"] = float(seed)
        return out


def window_distance(calibration: Calibration):
    """The pyabc distance: the statistics' excess over their windows, over every replicate.

    ``x_0`` is unused: the windows are the case's, the same for every run. With R replicates the
    distance is √(Σ over replicates and statistics of excess²): it is 0 only if every replicate
    reproduces the whole case.
    """
    from experiments.abc.statistics import MISSING

    targets = statistic_windows(calibration)

    def distance(x: Mapping[str, float], x_0: Mapping[str, float] | None = None) -> float:
        total = 0.0
        for r in range(calibration.abc.replicates):
            for name, (low, high, scale) in targets.items():
                value = x.get(f"{name}@{r}", np.nan)
                if not np.isfinite(value):
                    total += MISSING**2
                else:
                    total += (max(0.0, low - value, value - high) / scale) ** 2
        return float(np.sqrt(total))

    return distance


def statistic_windows(calibration: Calibration) -> dict[str, tuple[float, float, float]]:
    """``{statistic: (low, high, scale)}`` of the case, from one run at the base config."""
    stats = run_statistics(calibration, with_values(calibration.config, {}, calibration.abc.seed))
    return {s.name: (s.low, s.high, s.scale) for s in stats}
