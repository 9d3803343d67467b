"""The dashboard shows any case: ``?case=NAME``, controls from the case, its own baseline band."""

from __future__ import annotations

import panel as pn
import pytest

from experiments.dashboard import Dashboard
from experiments.dashboard_case import case_facts, initial_case
from experiments.dashboard_charts import baseline_band


@pytest.fixture
def chile():
    d = Dashboard("chile")
    yield d
    d.close()


def test_a_case_page_runs_the_case_with_controls_from_its_configuration(chile):
    c = chile.controls
    assert chile.model.config.scenario.name == "chile"
    assert c.turnover.value == "2022-03" and "2022-03" in c.turnover.options
    assert c.cut_size.value == 0.0
    assert c.coalition.disabled and not c.coalition.value  # Chile has no coalition
    assert c.overrides()[:2] == ["case=chile", "shocks.turnover.dates=[2022-03,2026-03]"]
    c.turnover.value = "2023-03"  # a later first turnover keeps only the later ones after it
    assert "shocks.turnover.dates=[2023-03,2026-03]" in c.overrides()
    assert chile.model.calendar.first_turnover != 0
    c.law_2018.value = True
    assert "scenario.law_enacted=turnover-8" in c.overrides()
    assert chile.case_select.value == "chile"
    assert "chile" in chile.case_select.options and "argentina" in chile.case_select.options


def test_a_case_page_compares_with_its_own_baseline(chile):
    chile.advance(400)
    verdict = chile.notice.object
    assert "Chile&#x27;s baseline (change of government 2022-03, 0 % cut)" in verdict
    ours, mexico = baseline_band("chile"), baseline_band()
    assert ours["x"][0] != mexico["x"][0]  # Chile starts in 2019, Mexico in 2017
    assert baseline_band("chile") is ours  # computed once per process


def test_presets_reset_to_the_case_baseline(chile):
    chile.controls.cut_size.value = 0.5
    chile._on_preset("Mexico baseline", None)
    assert chile.controls.cut_size.value == 0.0
    assert chile.controls.presets["Mexico baseline"].name == "Chile baseline"


def test_the_address_picks_the_case_and_ignores_anything_else(monkeypatch):
    for query, expected in (
        ({"case": [b"colombia"]}, "colombia"),
        ({"case": [b"atlantis"]}, "mexico"),
        ({}, "mexico"),
    ):
        monkeypatch.setattr(type(pn.state), "session_args", property(lambda self, q=query: q))
        assert initial_case() == expected


def test_mexico_keeps_its_hand_written_controls():
    d = Dashboard("mexico")
    try:
        assert d.controls.facts is None
        assert d.controls.overrides()[0] == "shocks.turnover.dates=[2018-12,2024-10]"
    finally:
        d.close()
    assert case_facts("argentina").later_turnovers == ("2023-12",)
