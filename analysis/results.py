"""Read a run or sweep directory into the tidy tables the figures take (never runs the model).

* a run directory (``continuity run``): ``summary.json`` + ``timeseries.parquet`` (wide), and
  ``network_nodes.parquet`` / ``network_edges.parquet`` when present;
* a sweep directory (``continuity sweep``): ``sweep.json`` + ``runs.parquet`` +
  ``timeseries.parquet`` (long), and the network of its first run when present.

Both become a :class:`Results`: one row per run in :attr:`Results.runs` and the long monthly
table (``run_id, date, step, administration, variable, value``) read on demand by
:meth:`Results.series`, only for the variables a figure needs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.schemas import as_datetime


class ResultsError(ValueError):
    """The directory holds no results the report can read (one line, naming the directory)."""


@dataclass
class Results:
    """The results found in one directory.

    Attributes:
        directory: The directory read.
        kind: ``"run"`` or ``"sweep"``.
        runs: One row per run (run id, design values, status, every summary metric).
        plan: The sweep plan (``sweep.json``), or None for a run.
        design_keys: The swept config keys (empty for a run).
        nodes: The network's node table, or None.
        edges: The network's edge table, or None.
    """

    directory: Path
    kind: str
    runs: pd.DataFrame
    plan: dict[str, Any] | None = None
    design_keys: list[str] = field(default_factory=list)
    nodes: pd.DataFrame | None = None
    edges: pd.DataFrame | None = None
    _wide: pd.DataFrame | None = None

    @property
    def ok_runs(self) -> pd.DataFrame:
        """The runs that finished (``status == 'ok'``)."""
        return self.runs[self.runs["status"] == "ok"]

    @property
    def has_timeseries(self) -> bool:
        """Whether monthly tables are available."""
        return self._wide is not None or (self.directory / "timeseries.parquet").exists()

    @property
    def title(self) -> str:
        """What was run, in a few words."""
        if self.kind == "run":
            row = self.runs.iloc[0]
            return f"Run of the {row.get('scenario', '')} scenario, seed {row.get('seed', '')}"
        return f"Sweep '{self.plan.get('experiment', '')}'"

    @property
    def posterior_files(self) -> list[str]:
        """The posterior files the runs drew their parameters from (``params=posterior``).

        Read from the stored configs (``sweep.json``) or, for one run, its summary; empty when
        the parameters were fixed.
        """
        from sim.posterior import shown_file

        if self.plan is None:
            if "posterior_particle" in self.runs and self.runs["posterior_particle"].notna().any():
                return ["a posterior"]
            return []
        files = []
        for base in self.plan.get("bases", []):
            spec = (base.get("params") or {}).get("posterior")
            if isinstance(spec, dict):
                files.append(shown_file(spec.get("file")))
        return list(dict.fromkeys(files))

    @property
    def uncertainty(self) -> str:
        """One line: which uncertainty the intervals of the report include."""
        from sim.posterior import uncertainty_line

        files = self.posterior_files
        if not files:
            return uncertainty_line(None, None)
        ok = self.ok_runs
        draws = int(ok["posterior_particle"].nunique()) if "posterior_particle" in ok else 0
        paired = bool((self.plan or {}).get("design", {}).get("paired", False))
        return uncertainty_line(", ".join(files), draws, paired)

    def series(self, variables: list[str]) -> pd.DataFrame:
        """The long monthly table restricted to ``variables``, with a datetime ``month`` column.

        Raises:
            ResultsError: If there is no time series in the directory.
        """
        if self._wide is not None:
            present = [v for v in variables if v in self._wide.columns]
            long = self._wide.melt(
                id_vars=["date", "step", "administration"],
                value_vars=present,
                var_name="variable",
            )
            long.insert(0, "run_id", 0)
        else:
            path = self.directory / "timeseries.parquet"
            if not path.exists():
                raise ResultsError(f"{self.directory}: no timeseries.parquet")
            long = pd.read_parquet(path, filters=[("variable", "in", list(variables))])
            for col in ("variable", "administration"):
                long[col] = long[col].astype(str)
        long["month"] = as_datetime(long["date"])
        return long


def load_results(directory: str | Path) -> Results:
    """Read the run or sweep results in ``directory``.

    Raises:
        ResultsError: If the directory does not exist or holds no results.
    """
    d = Path(directory)
    if d.exists() and not d.is_dir():
        raise ResultsError(f"{d}: not a directory (give a run or sweep directory)")
    if not d.is_dir():
        raise ResultsError(f"{d}: no such directory")
    if (d / "sweep.json").exists():
        return _load_sweep(d)
    if (d / "summary.json").exists():
        return _load_run(d)
    raise ResultsError(
        f"{d}: no results here (expected summary.json from 'continuity run' "
        "or sweep.json + runs.parquet from 'continuity sweep')"
    )


def _network(d: Path) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    nodes, edges = d / "network_nodes.parquet", d / "network_edges.parquet"
    if nodes.exists() and edges.exists():
        return pd.read_parquet(nodes), pd.read_parquet(edges)
    return None, None


def _load_run(d: Path) -> Results:
    from experiments.run_tables import summary_row

    try:
        summary = json.loads((d / "summary.json").read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ResultsError(f"{d / 'summary.json'}: unreadable ({exc})") from None
    row = {"run_id": 0, "seed": summary.get("seed"), "label": "this run", "status": "ok"}
    row.update(summary_row(summary))
    wide = None
    if (d / "timeseries.parquet").exists():
        wide = pd.read_parquet(d / "timeseries.parquet")
    nodes, edges = _network(d)
    return Results(d, "run", month_text(pd.DataFrame([row])), nodes=nodes, edges=edges, _wide=wide)


def _load_sweep(d: Path) -> Results:
    try:
        plan = json.loads((d / "sweep.json").read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ResultsError(f"{d / 'sweep.json'}: unreadable ({exc})") from None
    if not (d / "runs.parquet").exists():
        hint = "run 'continuity collect " + str(d) + "'"
        if not any((d / "chunks").glob("*.done")):
            hint = "no run has finished yet"
        raise ResultsError(f"{d}: a sweep without runs.parquet ({hint})")
    runs = month_text(pd.read_parquet(d / "runs.parquet"))
    if not (runs["status"] == "ok").any():
        raise ResultsError(f"{d}: none of the {len(runs)} runs finished successfully")
    keys = list(plan.get("design", {}).get("parameters", {}))
    nodes, edges = _network(d)
    return Results(d, "sweep", runs, plan=plan, design_keys=keys, nodes=nodes, edges=edges)


def month_text(runs: pd.DataFrame) -> pd.DataFrame:
    """The run table as the figures read it: dates as ``YYYY-MM``, lists of them comma-joined.

    The files hold ``date32`` and lists (docs/data.md); the figures and texts work with the
    month labels the model uses.
    """
    import datetime as dt

    def label(v: Any) -> Any:
        return v.strftime("%Y-%m") if isinstance(v, dt.date) else v

    out = runs.copy()
    for col in out.columns:
        values = out[col].dropna()
        if not len(values) or out[col].dtype.kind != "O":
            continue
        first = values.iloc[0]
        if isinstance(first, dt.date):
            out[col] = out[col].map(label)
        elif not isinstance(first, str) and hasattr(first, "__len__"):
            out[col] = out[col].map(
                lambda v: (
                    v if v is None or isinstance(v, float) else ",".join(map(str, map(label, v)))
                )
            )
    return out


def varying_keys(results: Results) -> list[str]:
    """Design keys that take more than one value among the successful runs."""
    ok = results.ok_runs
    return [k for k in results.design_keys if k in ok.columns and ok[k].nunique() > 1]


def common_value(runs: pd.DataFrame, column: str) -> Any:
    """The value of ``column`` if all runs share it, else None."""
    if column not in runs.columns:
        return None
    values = runs[column].dropna().unique()
    return values[0] if len(values) == 1 else None
