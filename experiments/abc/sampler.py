"""A pyabc sampler whose result depends on the seed only, not on the number of workers.

pyabc's multicore samplers reseed each worker from the clock and keep whichever particles
finish first, so two runs of the same calibration differ. Here every evaluation has a number
``k`` within its generation ``t``, and before it runs, numpy's and Python's global RNGs are
seeded from ``(seed, t, k)``: the proposal, the model run's seed and the acceptance draw of
evaluation ``k`` are the same whichever process runs it. Evaluations run in batches (forked
worker processes, or this process with one job); the generation keeps the first ``n``
accepted evaluations *in number order* and discards the rest, so it is bit-identical for any
number of workers, and (as in pyabc's own evaluation-parallel sampler) not biased towards
fast simulations.
"""

from __future__ import annotations

import multiprocessing
import random
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
from pyabc.sampler import Sampler

_TASK: tuple[Callable[[], Any], int, int] | None = None
"""(simulate_one, seed, generation) of the batch being evaluated (inherited by forked workers)."""


def evaluation_seed(seed: int, t: int, k: int) -> int:
    """The RNG seed of evaluation ``k`` of generation ``t`` (``t`` may be -1: the prior sample)."""
    return int(np.random.SeedSequence([seed, t + 2, k]).generate_state(1)[0])


def _quiet_worker() -> None:
    """Workers leave Ctrl-C and termination to the parent (which ends the pool)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _evaluate(k: int) -> Any:
    simulate_one, seed, t = _TASK  # type: ignore[misc]
    value = evaluation_seed(seed, t, k)
    np.random.seed(value)
    random.seed(value)
    return simulate_one()


class SeededSampler(Sampler):
    """Evaluate numbered proposals in batches; keep the first ``n`` accepted by number.

    Args:
        seed: The calibration's seed.
        jobs: Worker processes (forked; 1 = evaluate in this process).
        progress: Print a progress line per batch to stderr.
    """

    def __init__(self, seed: int, jobs: int = 1, progress: bool = True):
        super().__init__()
        self.seed = seed
        self.jobs = jobs
        self.progress = progress

    def _batch(self, n: int, accepted: int, done: int) -> int:
        """How many evaluations to run next: enough for the rest at the rate seen so far."""
        rate = (accepted + 1) / (done + 2)
        need = (n - accepted) / max(rate, 0.005) * 1.1
        return int(min(max(need, 8 * self.jobs), 4 * n + 8 * self.jobs))

    def sample_until_n_accepted(
        self,
        n,
        simulate_one,
        t,
        *,
        max_eval=np.inf,
        all_accepted=False,  # noqa: ARG002 - every particle of the prior sample is accepted
        ana_vars=None,  # noqa: ARG002
    ):
        """The generation's sample: the first ``n`` accepted evaluations by number."""
        global _TASK
        _TASK = (simulate_one, self.seed, int(t))
        particles: list[Any] = []
        accepted = 0
        pool = None
        if self.jobs > 1:
            pool = multiprocessing.get_context("fork").Pool(self.jobs, _quiet_worker)
        finished = False
        try:
            while accepted < n and len(particles) < max_eval:
                start = len(particles)
                size = self._batch(n, accepted, start)
                if np.isfinite(max_eval):
                    size = int(min(size, max_eval - start))
                numbers = range(start, start + size)
                if pool is None:
                    batch = [_evaluate(k) for k in numbers]
                else:
                    chunk = max(1, size // (4 * self.jobs))
                    batch = pool.map(_evaluate, numbers, chunksize=chunk)
                for particle in batch:
                    particles.append(particle)
                    accepted += bool(particle.accepted)
                    if accepted >= n:
                        break
                if self.progress:
                    print(
                        f"\r  generation {t}: {accepted}/{n} accepted of {len(particles)} "
                        "simulations",
                        end="",
                        file=sys.stderr,
                        flush=True,
                    )
            finished = True
        finally:
            if pool is not None:
                if finished:
                    pool.close()
                else:
                    pool.terminate()
                pool.join()
            _TASK = None
        if self.progress:
            print(file=sys.stderr)
        sample = self._create_empty_sample()
        for particle in particles:
            sample.append(particle)
        self.nr_evaluations_ = len(particles)
        if sample.n_accepted < n:
            sample.ok = False
        return sample
