"""Golden regression test: the fixed cases of :mod:`experiments.baseline` against tests/golden/.

The default Mexico scenario at seeds 0..4 plus a tactic set, a counterfactual,
``shocks=mexico_later`` and a small synthetic network (see ``tests/golden/README.md``) are
recomputed and compared value by value with the stored baseline (every numeric column of the
monthly time series, and the summaries). Outputs are bit-identical on one machine; the
comparison allows a relative/absolute difference of 1e-12 (``experiments.baseline.RTOL``) so
that the last-bit rounding of numpy's SIMD code on another CPU does not fail it.

This test only READS the baseline. ``make baseline`` (``python -m experiments.baseline``) is the
only thing that rewrites it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from experiments import baseline

ADVICE = (
    "if the change is intended, run `make baseline` (python -m experiments.baseline) and flag "
    "it [output-changing] in CHANGELOG.md"
)


def _digest(directory: Path) -> dict[str, str]:
    return {
        name: hashlib.sha256((directory / name).read_bytes()).hexdigest()
        for name in (baseline.TABLE, baseline.SUMMARIES)
    }


@pytest.fixture(scope="module")
def stored():
    assert (baseline.GOLDEN_DIR / baseline.TABLE).exists(), (
        f"no golden baseline in {baseline.GOLDEN_DIR}; create it with `make baseline`"
    )
    before = _digest(baseline.GOLDEN_DIR)
    table, data = baseline.load()
    yield table, data
    assert _digest(baseline.GOLDEN_DIR) == before, "the golden test must never rewrite the baseline"


@pytest.fixture(scope="module")
def recomputed():
    return baseline.compute()


def test_baseline_cases_match_the_script(stored):
    _, data = stored
    cases = {
        name: {"overrides": list(o), "seeds": list(s)} for name, (o, s) in baseline.CASES.items()
    }
    assert data["header"]["cases"] == cases, (
        "experiments/baseline.py CASES changed since the baseline was made; " + ADVICE
    )


def test_baseline_is_small(stored):
    size = sum((baseline.GOLDEN_DIR / n).stat().st_size for n in (baseline.TABLE, "summaries.json"))
    assert size < 600_000, f"the golden baseline grew to {size / 1024:.0f} KB"


def test_outputs_match_the_golden_baseline(stored, recomputed):
    table, data = stored
    now, summaries = recomputed
    problems, identical = baseline.compare(table, now, data["summaries"], summaries)
    made = data["header"]
    assert not problems, (
        "outputs differ from the golden baseline (tests/golden, made "
        f"{made['date']} at commit {made['git_commit'][:12]}):\n  "
        + "\n  ".join(problems)
        + f"\n{ADVICE}."
    )
    if not identical:  # pragma: no cover - only on a platform that rounds differently
        print("golden baseline: equal within 1e-12 but not bit-identical on this platform")


def test_compare_names_the_first_difference(stored):
    table, data = stored
    changed = table.copy()
    mask = (
        (changed["case"] == "mexico_later")
        & (changed["seed"] == 1)
        & (changed["variable"] == "momentum")
        & (changed["date"] >= "2025-03")
    )
    changed.loc[mask, "value"] *= 1.01
    problems, identical = baseline.compare(table, changed, data["summaries"], data["summaries"])
    assert not identical
    assert len(problems) == 1
    assert "case=mexico_later seed=1 date=2025-03 variable=momentum" in problems[0]
    tiny = table.assign(value=table["value"] * (1 + 1e-15))
    assert baseline.compare(table, tiny, data["summaries"], data["summaries"])[0] == []
    missing = table[table["case"] != "no_coalition"]
    problems, _ = baseline.compare(table, missing, data["summaries"], data["summaries"])
    assert "in the baseline only" in problems[0] and "no_coalition" in problems[0]
    other = {**data["summaries"], "mexico": {**data["summaries"]["mexico"]}}
    other["mexico"]["0"] = {**other["mexico"]["0"], "continuity_index": 0.5}
    problems, _ = baseline.compare(table, table, data["summaries"], other)
    assert problems == ["summary of case=mexico seed=0 differs in: ['continuity_index']"]


def test_tidy_keeps_every_numeric_column():
    ts = pd.DataFrame(
        {
            "date": ["2017-01", "2017-02"],
            "step": [0, 1],
            "x": [1.5, 2.5],
            "n": [1, 2],
            "flag": [True, False],
            "label": ["a", "b"],
        }
    )
    out = baseline.tidy(ts, "c", 3)
    assert list(out.columns) == [*baseline.KEYS, "value"]
    assert sorted(out["variable"].unique()) == ["flag", "n", "x"]
    assert out.loc[out["variable"] == "flag", "value"].tolist() == [1.0, 0.0]
