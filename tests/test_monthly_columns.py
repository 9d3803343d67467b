"""A run's monthly numbers read without the DataFrame are the table's (sim.monthly)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from experiments.run_tables import compact
from experiments.screening_outputs import screening_outputs
from sim.api import run
from sim.model import ContinuityModel
from sim.monthly import FRAME_COLUMNS, MonthlyColumns
from sim.summary import summarize


def _same_arrays(a: tuple, b: tuple) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert x.dtype == y.dtype and x.shape == y.shape
        assert x.flags.c_contiguous == y.flags.c_contiguous
        if x.dtype.kind == "f":
            assert np.array_equal(x, y, equal_nan=True)
        else:
            assert (x == y).all() and [type(v) for v in x.ravel()] == [type(v) for v in y.ravel()]


@pytest.mark.parametrize("case", ["mexico", "chile", "argentina", "brazil"])
@pytest.mark.parametrize("seed", [0, 11])
def test_columns_summary_and_compact_arrays_are_the_tables(mexico_config, case, seed):
    cfg = replace(mexico_config([] if case == "mexico" else [f"case={case}"]), seed=seed)
    model = ContinuityModel(cfg)
    model.run()
    columns, frame = model.recorder.columns(), model.recorder.frame()
    assert list(columns.columns) == list(frame.columns) == list(FRAME_COLUMNS)
    assert len(columns) == len(frame)
    for name in FRAME_COLUMNS:
        _same_arrays((columns.column(name),), (frame[name].to_numpy(),))
        if name not in ("date", "administration"):
            expected = frame[name].to_numpy(np.float64)
            _same_arrays((columns.column(name, np.float64),), (expected,))
    _same_arrays(columns.compact(), compact(frame))
    assert summarize(model, columns) == summarize(model, frame)
    summary = summarize(model, frame)
    assert screening_outputs(columns, summary) == screening_outputs(frame, summary)


def test_a_table_of_no_month_and_one_of_some_months(mexico_config):
    model = ContinuityModel(mexico_config(), engine="numpy")
    empty = model.recorder.columns()
    assert len(empty) == 0 and empty.frame().shape == (0, len(FRAME_COLUMNS))
    for _ in range(30):
        model.step()
    partial = model.recorder.columns()
    assert len(partial) == 30
    _same_arrays(partial.compact(), compact(model.recorder.frame()))


def test_the_result_makes_its_table_once_and_it_is_the_recorders(mexico_config):
    cfg = mexico_config()
    result = run(cfg)
    assert isinstance(result.monthly, MonthlyColumns)
    table = result.timeseries
    assert table is result.timeseries  # made once, then kept
    assert table.equals(result.model.recorder.frame())


def test_the_columns_are_a_copy_and_a_float_column_a_view_of_it(mexico_config):
    model = ContinuityModel(mexico_config())
    model.run()
    columns = model.recorder.columns()
    columns.column("momentum")[5] = np.nan  # what the sweep's NaN test hook does
    assert np.isnan(columns.frame()["momentum"].iloc[5])
    assert np.isnan(columns.compact()[0][5, 0])
    assert np.isfinite(model.recorder.frame()["momentum"].to_numpy()).all()
    with pytest.raises(KeyError):
        columns.column("no_such_column")
