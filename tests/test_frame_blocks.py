"""The monthly table made block by block is the one pandas makes from a dict of columns."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from sim.model import ContinuityModel


def _layout(frame: pd.DataFrame) -> list:
    """The frame's blocks: dtype and column positions of each, in order."""
    return [(str(b.dtype), [int(k) for k in b.mgr_locs]) for b in frame._mgr.blocks]


def _assert_same(fast: pd.DataFrame, slow: pd.DataFrame) -> None:
    assert fast.equals(slow)
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    assert list(fast.columns) == list(slow.columns)
    assert fast.columns.dtype == slow.columns.dtype
    assert list(fast.dtypes) == list(slow.dtypes)
    assert type(fast.index) is type(slow.index) and fast.index.equals(slow.index)
    assert _layout(fast) == _layout(slow)


@pytest.mark.parametrize("case", ["mexico", "chile", "argentina", "brazil"])
@pytest.mark.parametrize("seed", [0, 11])
def test_frame_is_the_dict_built_frame(mexico_config, case, seed):
    cfg = replace(mexico_config([] if case == "mexico" else [f"case={case}"]), seed=seed)
    model = ContinuityModel(cfg)
    model.run()
    _assert_same(model.recorder.frame(), model.recorder.frame_from_columns())


def test_frame_of_a_partial_and_an_empty_run(mexico_config):
    model = ContinuityModel(mexico_config(), engine="numpy")
    _assert_same(model.recorder.frame(), model.recorder.frame_from_columns())
    for _ in range(40):
        model.step()
    _assert_same(model.recorder.frame(), model.recorder.frame_from_columns())


def test_writing_to_one_table_changes_no_other(mexico_config):
    cfg = mexico_config()
    first = ContinuityModel(cfg)
    first.run()
    table = first.recorder.frame()
    reference = first.recorder.frame_from_columns()
    table.loc[0, "date"] = "changed"
    table.loc[0, "administration"] = "changed"
    table.loc[0, "momentum"] = -1.0
    table.loc[0, "step"] = 99
    second = ContinuityModel(cfg)
    second.run()
    _assert_same(second.recorder.frame(), reference)
    _assert_same(first.recorder.frame(), reference)
