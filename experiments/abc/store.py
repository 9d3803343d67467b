"""What a calibration writes: Parquet tables with their provenance, and the resume record.

``DIR/abc.db`` is pyabc's own store (SQLite): every finished generation, which is what a
resumed calibration continues from. From it come the tables users read (tidy, one row per
observation), written atomically:

- ``populations.parquet``: every particle of every generation (``generation``, ``particle``,
  ``weight``, ``distance``, one column per calibrated key);
- ``posterior.parquet``: the last generation in the posterior format (``particle``,
  ``weight``, one column per key) with the calibration's provenance in the file's metadata
  (key ``continuity``): what ``params=posterior`` reads;
- ``generations.parquet``: per generation its tolerance, simulations, acceptance rate and
  effective sample size.

``DIR/calibration.json`` records the settings, the versions and a digest of the model's code;
a calibration started again in the same directory resumes only if they are the same.
"""

from __future__ import annotations

import hashlib
import json
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
CODE = ("sim", "experiments/abc", "experiments/patterns.py", "experiments/pattern_spec.py")
"""The code whose digest a resume must match (the model and the statistics)."""
METADATA_KEY = b"continuity"


def code_digest() -> str:
    """SHA-256 over the model's and the statistics' Python files (names and contents)."""
    digest = hashlib.sha256()
    for base in CODE:
        path = ROOT / base
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def versions() -> dict[str, str]:
    """The versions of Python and of the packages a calibration's result depends on."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in ("continuity", "numpy", "scipy", "pandas", "pyabc", "numba", "mesa"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:  # pragma: no cover - a source tree without an install
            out[name] = "unknown"
    return out


def record(settings: dict[str, Any], overrides: tuple[str, ...]) -> dict[str, Any]:
    """What ``calibration.json`` holds: settings, command, versions, code digest."""
    return {
        "settings": settings,
        "command": " ".join(["continuity calibrate", *overrides]),
        "versions": versions(),
        "code": code_digest(),
    }


def same_calibration(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Why a stored calibration cannot be resumed with ``new`` (empty: it can)."""
    reasons = []
    if old.get("settings") != new["settings"]:
        reasons.append("its settings differ (calibration, abc or the model's config)")
    if old.get("code") != new["code"]:
        reasons.append("the model's code changed since it started")
    if old.get("versions") != new["versions"]:
        reasons.append("package versions changed since it started")
    return reasons


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` as JSON atomically."""
    from sim.api import atomic_write

    atomic_write(path, lambda p: Path(p).write_text(json.dumps(data, indent=2, default=str) + "\n"))


def write_parquet(path: Path, table: pd.DataFrame, metadata: dict[str, Any] | None = None) -> None:
    """Write ``table`` as Parquet atomically, with ``metadata`` (JSON) under ``continuity``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from sim.api import atomic_write

    arrow = pa.Table.from_pandas(table, preserve_index=False)
    if metadata is not None:
        extra = {METADATA_KEY: json.dumps(metadata, default=str).encode()}
        arrow = arrow.replace_schema_metadata({**(arrow.schema.metadata or {}), **extra})
    atomic_write(path, lambda p: pq.write_table(arrow, p))


def populations(history: Any, names: dict[str, str]) -> pd.DataFrame:
    """Every generation's particles: generation, particle, weight, distance, the keys."""
    frames = []
    for t in range(history.max_t + 1):
        params, weights = history.get_distribution(t=t)
        distances = history.get_weighted_distances(t=t)["distance"].to_numpy()
        frame = pd.DataFrame({"generation": t, "particle": np.arange(len(weights))})
        frame["weight"] = np.asarray(weights, dtype=float) / np.sum(weights)
        frame["distance"] = distances.astype(float)
        for safe, key in names.items():
            frame[key] = params[safe].to_numpy(dtype=float)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def generations(history: Any, pops: pd.DataFrame, replicates: int = 1) -> pd.DataFrame:
    """Per generation: tolerance, parameter sets tried, model runs, acceptance, ESS."""
    table = history.get_all_populations()
    table = table[table["t"] >= 0].reset_index(drop=True)
    ess = pops.groupby("generation")["weight"].apply(lambda w: 1.0 / float(np.sum(w**2)))
    n = pops.groupby("generation").size()
    return pd.DataFrame(
        {
            "generation": table["t"].astype(int),
            "epsilon": table["epsilon"].astype(float),
            "simulations": table["samples"].astype(int),
            "model_runs": table["samples"].astype(int) * replicates,
            "particles": n.reindex(table["t"]).to_numpy(dtype=int),
            "acceptance_rate": n.reindex(table["t"]).to_numpy() / table["samples"].to_numpy(),
            "ess": ess.reindex(table["t"]).to_numpy(dtype=float),
        }
    )


def posterior(pops: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The last generation in the posterior format: particle, weight, one column per key."""
    last = pops[pops["generation"] == pops["generation"].max()]
    out = last[["particle", "weight", *keys]].reset_index(drop=True).copy()
    out["particle"] = out["particle"].astype("int64")
    out["weight"] = out["weight"] / out["weight"].sum()
    return out


def posterior_metadata(info: dict[str, Any], case: str, seed: int, n_generations: int) -> dict:
    """The metadata a posterior file carries (informative: what made it)."""
    return {
        "case": case,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed": seed,
        "versions": info["versions"],
        "code": info["code"],
        "config": info["settings"],
        "generations": n_generations,
        "command": info["command"],
    }
