"""The golden regression baseline: fixed cases at fixed seeds, stored in ``tests/golden/``.

``python -m experiments.baseline`` (``make baseline``) is the ONLY way to refresh the baseline:
it runs every case of :data:`CASES` through :func:`sim.api.load_config` and
:func:`sim.api.run` and writes

* ``tests/golden/baseline.parquet`` -- a long tidy table ``case, seed, date, variable, value``
  with every numeric column of ``result.timeseries`` (booleans as 0/1, integers as floats);
* ``tests/golden/summaries.json`` -- ``{"header": {...}, "summaries": {case: {seed: summary}}}``;
* ``tests/golden/README.md`` -- how, when and from which git commit it was made.

``tests/test_golden.py`` recomputes the cases and compares them with these files (see
:func:`compare`); it never writes them. A change of the model's outputs therefore fails that
test until the baseline is refreshed on purpose and the change is flagged ``[output-changing]``
in CHANGELOG.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import platform
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
GOLDEN_DIR = ROOT / "tests" / "golden"
TABLE = "baseline.parquet"
SUMMARIES = "summaries.json"
README = "README.md"
REFRESH_COMMAND = "make baseline"
SCRIPT = "python -m experiments.baseline"

CASES: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {
    "mexico": ((), (0, 1, 2, 3, 4)),
    "tactics_law_funding": (("tactics=[law,diversified_funding]",), (0, 1)),
    "no_coalition": (("counterfactual=no_coalition",), (0, 1)),
    "mexico_later": (("shocks=mexico_later",), (0, 1)),
    "synthetic_small": (
        ("network=synthetic", "network.n_agents=200", "network.mean_degree=6"),
        (0, 1),
    ),
}
"""Case name -> (config overrides, seeds)."""

RTOL = 1e-12
ATOL = 1e-12
"""Tolerance of :func:`compare`. Outputs are bit-identical on one machine (the test reports
whether they were), but the committed baseline is also checked on other CPUs, where numpy's
SIMD code paths may round the last bit of a transcendental function differently; such
differences pass, anything larger fails."""

KEYS = ["case", "seed", "date", "variable"]


def run_case(overrides: Sequence[str], seed: int):
    """One run of a case at a seed (the model is not kept)."""
    from sim.api import load_config, run

    return run(load_config(list(overrides), seed=seed), keep_model=False)


def tidy(ts: pd.DataFrame, case: str, seed: int) -> pd.DataFrame:
    """The numeric columns of a time series as long rows ``case, seed, date, variable, value``."""
    numeric = [
        c
        for c in ts.columns
        if c not in ("date", "step")
        and (pd.api.types.is_numeric_dtype(ts[c]) or pd.api.types.is_bool_dtype(ts[c]))
    ]
    wide = ts[numeric].astype(np.float64)
    wide.insert(0, "date", ts["date"].astype(str).to_numpy())
    long = wide.melt(id_vars="date", var_name="variable", value_name="value")
    long.insert(0, "seed", np.int64(seed))
    long.insert(0, "case", case)
    return long[[*KEYS, "value"]]


def compute(
    cases: Mapping[str, tuple[Sequence[str], Sequence[int]]] = CASES,
) -> tuple[pd.DataFrame, dict[str, dict[str, Any]]]:
    """Run every case at its seeds: the tidy table and the summaries (JSON-normalised)."""
    tables, summaries = [], {}
    for case, (overrides, seeds) in cases.items():
        summaries[case] = {}
        for seed in seeds:
            result = run_case(overrides, seed)
            tables.append(tidy(result.timeseries, case, seed))
            summaries[case][str(seed)] = json.loads(json.dumps(result.summary, allow_nan=True))
    table = pd.concat(tables, ignore_index=True)
    for col in ("case", "variable"):
        table[col] = table[col].astype(str)
    return table, summaries


def fingerprint(result) -> str:
    """A SHA-256 of a result's time series (columns, dtypes, values) and summary."""
    import hashlib

    ts = result.timeseries
    h = hashlib.sha256()
    h.update(json.dumps([list(ts.columns), [str(t) for t in ts.dtypes]]).encode())
    h.update(pd.util.hash_pandas_object(ts, index=True).to_numpy().tobytes())
    h.update(json.dumps(result.summary, sort_keys=True, allow_nan=True).encode())
    return h.hexdigest()


def fingerprints(order: Sequence[str], seeds_per_case: int = 1) -> dict[str, str]:
    """Fingerprints of the cases named in ``order`` (run in that order), at their first seeds.

    Used by tests/test_determinism.py in-process and in fresh ``python -c`` processes.
    """
    out = {}
    for case in order:
        overrides, seeds = CASES[case]
        for seed in seeds[:seeds_per_case]:
            out[f"{case}/{seed}"] = fingerprint(run_case(overrides, seed))
    return out


def _git(*args: str) -> str:
    try:
        out = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip()


def header() -> dict[str, Any]:
    """How the baseline was made: date, git commit, platform, cases."""
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    return {
        "made_by": f"{SCRIPT} ({REFRESH_COMMAND}); only this script refreshes the baseline",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(dirty) if dirty != "unknown" else None,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "platform": f"{platform.system()} {platform.machine()}",
        "cases": {name: {"overrides": list(o), "seeds": list(s)} for name, (o, s) in CASES.items()},
    }


def _readme(head: dict[str, Any], size_kb: float, rows: int) -> str:
    cases = "\n".join(
        f"| `{name}` | `{' '.join(c['overrides']) or '(default Mexico scenario)'}` | "
        f"{', '.join(map(str, c['seeds']))} |"
        for name, c in head["cases"].items()
    )
    dirty = " (with uncommitted changes)" if head["git_dirty"] else ""
    return f"""# Golden regression baseline

Generated by `{SCRIPT}` (`{REFRESH_COMMAND}`) -- **do not edit by hand; only that script
refreshes these files. `tests/test_golden.py` only reads them.**

- made: {head["date"]}, git commit `{head["git_commit"]}`{dirty}
- platform: {head["platform"]}, Python {head["python"]}, numpy {head["numpy"]}, \
pandas {head["pandas"]}
- `{TABLE}`: {rows} rows ({size_kb:.0f} KB), long tidy `case, seed, date, variable, value`:
  every numeric column of `result.timeseries` (booleans as 0/1)
- `{SUMMARIES}`: `header` (this information) and `summaries[case][seed]` = `result.summary`

| case | overrides | seeds |
|---|---|---|
{cases}

When `tests/test_golden.py` fails and the change of outputs is intended, run
`{REFRESH_COMMAND}`, commit the refreshed files and flag the change `[output-changing]` in
CHANGELOG.md.
"""


def write(directory: Path = GOLDEN_DIR) -> list[Path]:
    """Compute the baseline and write it (the only writer of ``tests/golden/``)."""
    directory.mkdir(parents=True, exist_ok=True)
    table, summaries = compute()
    head = header()
    table_path = directory / TABLE
    table.to_parquet(table_path, index=False, compression="zstd")
    summaries_path = directory / SUMMARIES
    summaries_path.write_text(
        json.dumps({"header": head, "summaries": summaries}, indent=1, allow_nan=True) + "\n"
    )
    readme_path = directory / README
    readme_path.write_text(_readme(head, table_path.stat().st_size / 1024, len(table)))
    return [table_path, summaries_path, readme_path]


def load(directory: Path = GOLDEN_DIR) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The stored table and the stored ``summaries.json`` (header and summaries)."""
    table = pd.read_parquet(directory / TABLE)
    for col in ("case", "variable"):
        table[col] = table[col].astype(str)
    return table, json.loads((directory / SUMMARIES).read_text())


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=RTOL, abs_tol=ATOL)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def compare(
    expected: pd.DataFrame,
    actual: pd.DataFrame,
    expected_summaries: Mapping[str, Any],
    actual_summaries: Mapping[str, Any],
) -> tuple[list[str], bool]:
    """Compare recomputed outputs with the baseline.

    Returns:
        The problems (empty if equal within :data:`RTOL`/:data:`ATOL`), the first one naming
        the first differing case, seed, date and variable; and whether everything was also
        bit-identical.
    """
    problems: list[str] = []
    exp = expected.sort_values(KEYS, kind="stable").reset_index(drop=True)
    act = actual.sort_values(KEYS, kind="stable").reset_index(drop=True)
    exp_keys = exp[KEYS].astype({"seed": "int64"})
    act_keys = act[KEYS].astype({"seed": "int64"})
    if not exp_keys.equals(act_keys):
        merged = exp_keys.merge(act_keys, how="outer", indicator=True)
        only = merged[merged["_merge"] != "both"]
        for side, label in (("left_only", "in the baseline only"), ("right_only", "new")):
            rows = only[only["_merge"] == side]
            if len(rows):
                r = rows.iloc[0]
                problems.append(
                    f"{len(rows)} rows {label}, e.g. case={r['case']} seed={r['seed']} "
                    f"date={r['date']} variable={r['variable']}"
                )
        return problems, False
    a, b = exp["value"].to_numpy(), act["value"].to_numpy()
    identical = bool(np.array_equal(a, b, equal_nan=True))
    bad = ~np.isclose(b, a, rtol=RTOL, atol=ATOL, equal_nan=True)
    if bad.any():
        diff = exp.loc[bad, KEYS].assign(expected=a[bad], actual=b[bad])
        order = {c: i for i, c in enumerate(CASES)}
        diff = diff.assign(_case=diff["case"].map(order).fillna(len(order)))
        first = diff.sort_values(["_case", "seed", "date", "variable"]).iloc[0]
        same_run = diff[(diff["case"] == first["case"]) & (diff["seed"] == first["seed"])]
        at_date = same_run.loc[same_run["date"] == first["date"], "variable"].tolist()
        problems.append(
            f"first difference: case={first['case']} seed={first['seed']} date={first['date']} "
            f"variable={first['variable']}: baseline {first['expected']!r}, "
            f"now {first['actual']!r} (variables differing at that date: {', '.join(at_date)}; "
            f"{int(bad.sum())} of {bad.size} values differ in "
            f"{diff[['case', 'seed']].drop_duplicates().shape[0]} runs)"
        )
    for case in sorted(set(expected_summaries) | set(actual_summaries)):
        e, n = expected_summaries.get(case, {}), actual_summaries.get(case, {})
        for seed in sorted(set(e) | set(n), key=int):
            if not _close(e.get(seed), n.get(seed)):
                keys = sorted(
                    k
                    for k in set(e.get(seed) or {}) | set(n.get(seed) or {})
                    if not _close((e.get(seed) or {}).get(k), (n.get(seed) or {}).get(k))
                )
                problems.append(f"summary of case={case} seed={seed} differs in: {keys}")
            elif e.get(seed) != n.get(seed):
                identical = False
    return problems, identical


def main(argv: Sequence[str] | None = None) -> int:
    """Refresh the baseline (``python -m experiments.baseline [--out DIR]``)."""
    parser = argparse.ArgumentParser(
        prog=SCRIPT,
        description="Refresh the golden regression baseline in tests/golden/ (overwrites it).",
    )
    parser.add_argument(
        "--out", type=Path, default=GOLDEN_DIR, help="directory (default: tests/golden)"
    )
    args = parser.parse_args(argv)
    for path in write(args.out):
        print(f"wrote {path} ({path.stat().st_size / 1024:.1f} KB)")
    print("Flag the change [output-changing] in CHANGELOG.md.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
