"""One Hydra job of a sweep: run a chunk of the planned runs in-process and store its rows.

``continuity sweep`` launches ``python -m experiments.sweep_job --multirun sweep_dir=DIR
attempt=A chunk=range(0,K)`` with the launcher the user chose, so each Hydra job runs many runs
(Hydra costs 0.2-1.3 s per job here). A job needs nothing but the sweep directory: every run's
config and seed are in ``DIR/sweep.json``.

A failing run is recorded with its error text (status ``failed``) and the chunk goes on.
For fault-injection tests, ``CONTINUITY_FAIL_RUNS=3,17`` makes those run ids raise, and
``CONTINUITY_FAULT=ACTION@STAGE:CHUNK`` kills or fails a chunk
(:func:`experiments.results_store.inject_fault`; ``mid`` is after the chunk's first run).

The first run of the plan (run id 0) also writes its stakeholder network as
``DIR/network_nodes.parquet`` and ``DIR/network_edges.parquet`` (see
:meth:`sim.api.Result.network_tables`), for the network figure of the report.
"""

from __future__ import annotations

import gc
import json
import os
import time
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import hydra
from omegaconf import DictConfig

from experiments.results_store import chunk_name, inject_fault, is_finished, write_chunk
from sim.api import CONF_DIR

FAIL_ENV = "CONTINUITY_FAIL_RUNS"
NAN_ENV = "CONTINUITY_NAN_RUNS"
"""Test hook: these run ids get a NaN in their monthly table after the run (as a model whose
arithmetic overflowed would), to check that a non-finite result is recorded as a failure."""
PROGRESS_EVERY_S = 0.25


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> dict[str, Any]:
    return json.loads(Path(path).read_text())


def import_job_code() -> None:
    """Import what a job's runs need beyond this module (the model, its tables and summary)."""
    import experiments.run_tables  # noqa: F401
    import sim.model  # noqa: F401
    import sim.summary  # noqa: F401


def load_json(path: Path) -> dict[str, Any]:
    """Read a JSON file once per process (cached by path and modification time)."""
    return _load(str(path), path.stat().st_mtime)


def _injected_failures(env: str = FAIL_ENV) -> set[int]:
    text = os.environ.get(env, "")
    return {int(x) for x in text.split(",") if x.strip()}


_POINT_CELLS: dict[tuple[str, int], dict[str, Any]] = {}


def _make_row(plan: dict[str, Any], run: list[int]) -> dict[str, Any]:
    run_id, point_id, replication, seed = run
    key = (plan["digest"], point_id)
    cells = _POINT_CELLS.get(key)
    if cells is None:  # a point's design cells and label, made once per point
        from experiments.sweep_plan import format_value

        if len(_POINT_CELLS) >= 4096:
            _POINT_CELLS.clear()
        point = plan["points"][point_id]
        cells = {k: format_value(v) for k, v in point["values"].items()}
        cells["label"] = point["label"]
        _POINT_CELLS[key] = cells
    return {
        "run_id": run_id,
        "point_id": point_id,
        "replication": replication,
        "seed": seed,
        **cells,
    }


_CONFIGS: dict[tuple[str, int], Any] = {}


def point_config(plan: dict[str, Any], point_id: int) -> Any:
    """The validated config of a point (seed 0), cached: a point's runs differ only by seed."""
    from experiments.sweep_plan import config_for
    from sim.config import validate

    key = (plan["digest"], point_id)
    if key not in _CONFIGS:
        if len(_CONFIGS) >= 64:
            _CONFIGS.clear()
        _CONFIGS[key] = validate(config_for(plan["bases"], plan["points"][point_id], 0))
    return _CONFIGS[key]


NETWORK_RUN = 0
"""The run whose stakeholder network a sweep keeps (the first of the plan)."""


def run_one(
    plan: dict[str, Any], run: list[int], network_dir: Path | None = None
) -> tuple[dict[str, Any], Any]:
    """Run one planned run; return its summary row and its monthly table (None if it failed).

    Run :data:`NETWORK_RUN` writes its network tables into ``network_dir`` if one is given.
    """
    row, result, _ = _run(plan, run, network_dir)
    return row, None if result is None else result.timeseries


def _run(
    plan: dict[str, Any],
    run: list[int],
    network_dir: Path | None = None,
    fail: frozenset[int] | None = None,
    nan: frozenset[int] | None = None,
) -> tuple[dict[str, Any], Any, Any]:
    """:func:`run_one`, returning the result (its table not made) and the table's arrays.

    The :class:`~sim.api.Result` and the arrays (:meth:`~sim.monthly.MonthlyColumns.compact`)
    are None if the run failed.

    ``fail`` and ``nan`` are the test hooks' run ids (read from the environment if None).
    """
    from experiments.run_tables import summary_row
    from experiments.screening_outputs import screening_outputs
    from sim.api import all_finite, nonfinite, write_network_tables
    from sim.api import run as run_model
    from sim.errors import NumericalError

    run_id, point_id, _, seed = run
    row = _make_row(plan, run)
    start = time.perf_counter()
    try:
        if run_id in (_injected_failures() if fail is None else fail):
            raise RuntimeError(f"injected failure ({FAIL_ENV})")
        cfg = replace(point_config(plan, point_id), seed=seed)
        keep = network_dir is not None and run_id == NETWORK_RUN
        result = run_model(cfg, keep_model=keep)
        if run_id in (_injected_failures(NAN_ENV) if nan is None else nan):
            result.monthly.column("momentum")[5] = float("nan")  # a view of the run's numbers
        monthly = result.monthly.compact()  # the table's arrays, without making the table
        # sim.api.run checks this too; here only the arrays are scanned (the full check, which
        # names the column and month, runs only if they hold a non-finite number)
        if not all_finite(monthly[0], result.summary):
            problem = nonfinite(result.timeseries, result.summary)
            if problem:
                raise NumericalError(problem)
        if keep:
            write_network_tables(*result.network_tables(), network_dir)
    except Exception as exc:  # noqa: BLE001 - a failing run is recorded, never fatal
        row.update(status="failed", error=f"{type(exc).__name__}: {exc}")
        row["elapsed_s"] = time.perf_counter() - start
        return row, None, None
    row.update(status="ok", error=None, **summary_row(result.summary))
    row.update(screening_outputs(result.monthly, result.summary))
    row["elapsed_s"] = time.perf_counter() - start
    return row, result, monthly


def run_chunk(sweep_dir: Path, attempt: int, chunk: int) -> int:
    """Run chunk ``chunk`` of attempt ``attempt`` unless it is already finished.

    Returns:
        The number of runs done (0 if the chunk was already finished).
    """
    from experiments.run_tables import long_timeseries

    name = chunk_name(attempt, chunk)
    if is_finished(sweep_dir, name):
        return 0
    plan = load_json(sweep_dir / "sweep.json")
    run_ids = load_json(sweep_dir / "attempts" / f"{attempt:03d}.json")["chunks"][chunk]
    progress = sweep_dir / "progress" / name
    progress.parent.mkdir(parents=True, exist_ok=True)
    gc.freeze()  # the plan and the imported modules: no need to scan them at every collection
    rows, series = [], []
    fail, nan = frozenset(_injected_failures()), frozenset(_injected_failures(NAN_ENV))
    start = last = time.perf_counter()
    for i, run_id in enumerate(run_ids, 1):
        row, _, monthly = _run(plan, plan["runs"][run_id], sweep_dir, fail, nan)
        rows.append(row)
        if monthly is not None:
            series.append((run_id, monthly))
        if i == 1:
            inject_fault("mid", name)
        if time.perf_counter() - last > PROGRESS_EVERY_S:
            progress.write_text(str(i))
            last = time.perf_counter()
    timeseries = long_timeseries(series) if plan["settings"]["timeseries"] else None
    write_chunk(
        sweep_dir, name, rows, timeseries, time.perf_counter() - start, digest=plan["digest"]
    )
    progress.write_text(str(len(run_ids)))
    return len(run_ids)


@hydra.main(config_path=str(CONF_DIR), config_name="sweep_job", version_base="1.3")
def main(cfg: DictConfig) -> None:
    """Hydra task: run one chunk."""
    run_chunk(Path(cfg.sweep_dir), int(cfg.attempt), int(cfg.chunk))


if __name__ == "__main__":  # pragma: no cover
    main()
