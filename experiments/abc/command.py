"""``continuity calibrate``: ABC-SMC of a case's behavioural parameters, resumable.

1. Compose and check everything (:func:`experiments.abc.options.load_options`).
2. Start, or resume from ``DIR/abc.db`` (same settings, code and versions only).
3. Run pyabc's ABC-SMC with uniform priors, the window distance of
   :mod:`experiments.abc.statistics`, a quantile tolerance schedule and the seeded sampler
   (:mod:`experiments.abc.sampler`): stop when the tolerance reaches ``abc.min_epsilon``, after
   ``abc.max_generations``, below ``abc.min_acceptance`` or past ``abc.max_simulations``.
4. Write the tables (:mod:`experiments.abc.store`), the posterior predictive checks
   (:mod:`experiments.abc.predictive`), the figures (:mod:`analysis.posterior_figures`) and a
   plain-text summary (:mod:`experiments.abc.summary`).
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import numpy as np

from experiments.abc import store
from experiments.abc.options import Calibration, load_options
from experiments.abc.sampler import SeededSampler
from experiments.abc.simulator import Simulator, statistic_windows, window_distance
from experiments.abc.transition import DefensiveTransition

USAGE = """usage: continuity calibrate [KEY=VALUE ...]

ABC-SMC (pyabc) of a case's behavioural parameters against its patterns and quantitative facts
(docs/calibration.md). Writes DIR (abc.out, default calibrations/CASE): posterior.parquet,
populations.parquet, generations.parquet, predictive.parquet, summary.txt, figures/*.png.
Run again with the same settings to resume an interrupted calibration.

Keys (conf/calibrate.yaml; any run key of the case too, e.g. case=..., params.X=...):
  abc.population=400        particles per generation
  abc.max_generations=12    at most this many generations
  abc.min_epsilon=0         stop at this tolerance (0: every statistic inside its window)
  abc.quantile=0.5          next tolerance = this quantile of the last generation's distances
  abc.defensive=0.25        share of each generation's proposals drawn from the prior
  abc.min_acceptance=0.02   stop below this acceptance rate
  abc.max_simulations=100000  stop after this many simulations
  abc.replicates=2          runs per parameter set (seeds); every one must reproduce the case
  abc.jobs=2                worker processes (the posterior does not depend on it)
  abc.seed=0                same seed, same posterior
  abc.predictive_draws=200  posterior predictive check: draws, each in the scenario and its control
  abc.out=DIR               where to write (and resume)
  ++calibration.priors.KEY=[low,high]  set or add a prior (conf/calibration/CASE.yaml lists them)

Examples:
  continuity calibrate                                        (Mexico, the documented budget)
  continuity calibrate abc.population=100 abc.max_generations=3 abc.out=/tmp/quick
"""


def safe_names(calibration: Calibration) -> dict[str, str]:
    """Pyabc parameter names (no dots) → config keys."""
    return {k.replace(".", "__"): k for k in calibration.keys}


def build_abc(calibration: Calibration, progress: bool) -> Any:
    """The pyabc ABCSMC object: uniform priors, window distance, seeded sampler."""
    import pyabc

    names = safe_names(calibration)
    priors = {p.key: p for p in calibration.priors}
    prior = pyabc.Distribution(
        **{
            safe: pyabc.RV("uniform", priors[key].low, priors[key].high - priors[key].low)
            for safe, key in names.items()
        }
    )
    simulator = Simulator(calibration)
    unsafe = {safe: key for safe, key in names.items()}

    def model(parameters: dict[str, float]) -> dict[str, float]:
        return simulator({unsafe[k]: v for k, v in parameters.items()})

    abc = pyabc.ABCSMC(
        model,
        prior,
        window_distance(calibration),
        population_size=calibration.abc.population,
        sampler=SeededSampler(calibration.abc.seed, calibration.abc.jobs, progress),
        eps=pyabc.QuantileEpsilon(alpha=calibration.abc.quantile, weighted=True),
        transitions=DefensiveTransition(
            {safe: (priors[key].low, priors[key].high) for safe, key in names.items()},
            calibration.abc.defensive,
        ),
    )
    return abc


def _quiet_pyabc() -> None:
    import logging

    for name in ("ABC", "Sampler", "Epsilon", "Distance", "Acceptor", "Population", "pyabc"):
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("History").setLevel(logging.ERROR)


def prepare_directory(calibration: Calibration) -> tuple[dict[str, Any], bool]:
    """Create or check ``abc.out``: ``(record, resume)``; refuse a different calibration there."""
    from sim.errors import ConfigError

    out = calibration.abc.out
    info = store.record(
        json.loads(json.dumps(calibration.settings, default=str)), calibration.overrides
    )
    path = out / "calibration.json"
    if path.is_file():
        old = json.loads(path.read_text())
        reasons = store.same_calibration(old, info)
        if reasons:
            raise ConfigError(
                f"abc.out: {str(out)!r} holds another calibration ({'; '.join(reasons)}); "
                "choose another abc.out or delete that directory"
            )
        info["seconds"] = old.get("seconds", 0.0)
        if "stopped_with" in old:
            info["stopped_with"] = old["stopped_with"]
        return info, (out / "abc.db").is_file()
    if out.exists() and any(out.iterdir()):
        raise ConfigError(
            f"abc.out: {str(out)!r} is not empty and holds no calibration; choose another"
        )
    out.mkdir(parents=True, exist_ok=True)
    store.write_json(path, info)
    return info, False


def stopping_rules(calibration: Calibration) -> dict[str, float]:
    """The settings that end a calibration (a resumed one continues only if they changed)."""
    abc = calibration.abc
    return {
        "max_generations": abc.max_generations,
        "min_epsilon": abc.min_epsilon,
        "min_acceptance": abc.min_acceptance,
        "max_simulations": abc.max_simulations,
    }


def finished(calibration: Calibration, history: Any, info: dict[str, Any]) -> bool:
    """Whether a stored calibration has met a stopping rule of ``calibration.abc``.

    A calibration that stopped because a generation fell under the acceptance floor stored
    no trace of that generation; ``info['stopped_with']`` remembers that it stopped, and with
    which rules, so running the same command again does not try that generation again.
    """
    if info.get("stopped_with") == stopping_rules(calibration):
        return True
    if history.max_t < 0:
        return False
    table = history.get_all_populations()
    table = table[table["t"] >= 0]
    last = table.iloc[-1]
    n = history.get_nr_particles_per_population().iloc[-1]
    return bool(
        history.max_t + 1 >= calibration.abc.max_generations
        or last["epsilon"] <= calibration.abc.min_epsilon
        or table["samples"].sum() >= calibration.abc.max_simulations
        or n / last["samples"] < calibration.abc.min_acceptance
    )


def calibrate(calibration: Calibration, progress: bool = True) -> dict[str, Any]:
    """Run (or resume) the calibration and write every output; return what was written."""
    import pyabc

    _quiet_pyabc()
    info, resume = prepare_directory(calibration)
    out = calibration.abc.out
    db = f"sqlite:///{out / 'abc.db'}"
    started = time.perf_counter()
    names = safe_names(calibration)
    history = pyabc.History(db) if resume else None
    if history is None or not finished(calibration, history, info):
        if progress:
            print("continuity calibrate: checking the case (one run) ...", file=sys.stderr)
        windows = statistic_windows(calibration)
        abc = build_abc(calibration, progress)
        np.random.seed(calibration.abc.seed)
        if resume:
            done = abc.load(db, 1).max_t + 1
            if progress:
                print(f"  resuming after {done} finished generation(s)", file=sys.stderr)
        else:
            abc.new(db, {f"{name}@0": float(low) for name, (low, _, _) in windows.items()})
            done = 0
        abc.run(
            minimum_epsilon=calibration.abc.min_epsilon,
            max_nr_populations=calibration.abc.max_generations - done,
            min_acceptance_rate=calibration.abc.min_acceptance,
            max_total_nr_simulations=calibration.abc.max_simulations,
        )
        info["seconds"] = info.get("seconds", 0.0) + time.perf_counter() - started
        info["stopped_with"] = stopping_rules(calibration)
        store.write_json(out / "calibration.json", info)
        (out / "predictive.parquet").unlink(missing_ok=True)  # new generations: check again
    return export(calibration, info, pyabc.History(db), names, progress)


def export(
    calibration: Calibration,
    info: dict[str, Any],
    history: Any,
    names: dict[str, str],
    progress: bool,
) -> dict[str, Any]:
    """Write the tables, the predictive checks, the figures and the summary."""
    from analysis.posterior_figures import draw_all
    from experiments.abc.predictive import predictive, shares
    from experiments.abc.summary import summary_text

    out = calibration.abc.out
    pops = store.populations(history, names)
    gens = store.generations(history, pops, calibration.abc.replicates)
    post = store.posterior(pops, calibration.keys)
    meta = store.posterior_metadata(info, calibration.case, calibration.abc.seed, len(gens))
    store.write_parquet(out / "populations.parquet", pops)
    store.write_parquet(out / "generations.parquet", gens)
    store.write_parquet(out / "posterior.parquet", post, meta)
    priors = store.pd.DataFrame(
        [{"key": p.key, "low": p.low, "high": p.high} for p in calibration.priors]
    )
    store.write_parquet(out / "priors.parquet", priors)
    predictive_path = out / "predictive.parquet"
    if not predictive_path.is_file():
        if progress:
            n = calibration.abc.predictive_draws
            print(f"  posterior predictive check: {n} draws x 2 arms ...", file=sys.stderr)
        table = predictive(calibration, post, calibration.abc.jobs)
        store.write_parquet(predictive_path, table)
    table = store.pd.read_parquet(predictive_path)
    checks = shares(table, calibration) if len(table) else None
    store.write_parquet(out / "predictive_shares.parquet", checks) if checks is not None else None
    figures = draw_all(out)
    text = summary_text(calibration, info, gens, post, priors, checks)
    (out / "summary.txt").write_text(text + "\n", encoding="utf-8")
    return {
        "text": text,
        "figures": figures,
        "posterior": post,
        "generations": gens,
        "checks": checks,
    }


def main(argv: list[str]) -> int:
    """The command: check, calibrate, print the summary; exit 0, 2 on bad input, 130 on Ctrl-C."""
    from sim.errors import InputError

    if any(a in ("-h", "--help") for a in argv):
        print(USAGE)
        return 0
    try:
        calibration = load_options(argv)
        result = calibrate(calibration)
    except InputError as exc:
        print("continuity calibrate: invalid input", file=sys.stderr)
        for p in exc.problems:
            print(f"  - {p}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "\ncontinuity calibrate: interrupted; the finished generations are kept: run the "
            "same command again to resume",
            file=sys.stderr,
        )
        return 130
    print(result["text"])
    return 0
