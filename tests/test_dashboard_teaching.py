"""What the dashboard tells a class: key events, their months, the continuity index, the verdict.

In-process (no server, no browser): the dashboard is stepped by hand and the play clock moved by
hand, so nothing here depends on the machine's speed. tests/test_app_browser_teaching.py checks
the same controls in a real browser.
"""

from __future__ import annotations

import dataclasses
import math
import re

import pytest

pn = pytest.importorskip("panel")


def _cell(dashboard, key: str) -> str:
    html = dashboard.counters.object
    start = html.index(f'data-testid="{key}"')
    return html[html.index(">", start) + 1 : html.index("<", start)]


def _run_to(dashboard, month: str) -> None:
    from sim.dates import format_month

    while format_month(dashboard.before.month) != month or dashboard.model.recorder.n == 0:
        dashboard.advance(1)


def _play(dashboard, clock: list[float], ticks: int) -> None:
    from experiments import dashboard as dash

    for _ in range(ticks):
        dashboard._tick()
        clock[0] += dash.PERIOD_MS / 1000


@pytest.fixture
def dashboard():
    from experiments.dashboard import Dashboard

    d = Dashboard()
    yield d
    d.close()


def test_the_coalition_is_reported_founded_in_its_own_month(dashboard):
    coalition = dashboard.model.coalitions[0]
    from sim.dates import format_month

    assert format_month(coalition.founded) == "2018-01"
    _run_to(dashboard, "2017-12")
    assert not any("coalition" in line and "founded" in line for line in dashboard.pinned)
    dashboard.advance(1)
    assert dashboard.pinned == [
        "2018-01: the coalition (IA2030Mx) was founded and starts recruiting organisations."
    ]


def test_key_events_stay_pinned_and_office_churn_stays_out_of_the_feed(dashboard):
    from experiments.dashboard import FEED_LINES

    dashboard.advance(200)  # to the end of 2030
    pinned = dashboard.pinned
    assert [line[:7] for line in pinned] == sorted(line[:7] for line in pinned)  # in order
    months = {line[:7]: line for line in pinned}
    assert "a new administration took office" in months["2018-12"]
    assert "cut federal funding by 80 %" in months["2018-12"]
    assert "a new administration took office" in months["2024-10"]
    assert "the coalition (IA2030Mx) was founded" in months["2018-01"]
    firsts = [line for line in pinned if "the first state opened an AI office" in line]
    assert len(firsts) == 1
    assert 0 < len(dashboard.log) <= FEED_LINES
    assert not any(
        "now have an AI office" in line or "an office closed" in line for line in dashboard.log
    )
    assert "Key events" not in dashboard.story.object
    assert "data-testid='key-events'" in dashboard.key_events.object
    for line in pinned:
        assert line in dashboard.key_events.object


def test_the_data_protection_authority_abolished_is_a_key_event():
    from experiments.dashboard_text import describe_changes, snapshot
    from sim.api import load_config
    from sim.model import ContinuityModel

    model = ContinuityModel(load_config(["shocks=mexico_later"]))
    before = snapshot(model)
    found = []
    while model.month <= model.calendar.end:
        model.step()
        after = snapshot(model)
        found += [e for e in describe_changes(before, after) if e.kind == "dpa_abolished"]
        before = after
    assert [(e.text[:7], e.key) for e in found] == [("2025-03", True)]


def test_the_live_index_is_the_summary_index_once_due(dashboard):
    from sim.summary import summarize

    assert _cell(dashboard, "index") == "–"
    _run_to(dashboard, "2018-11")
    assert _cell(dashboard, "index") == "–"  # no change of government yet
    dashboard.advance(1)  # 2018-12: the change of government
    assert "Continuity index (final in 2020-12)" in dashboard.counters.object
    assert _cell(dashboard, "index").endswith(" so far")
    _run_to(dashboard, "2020-11")
    assert _cell(dashboard, "index").endswith(" so far")
    dashboard.advance(1)  # 2020-12: T0 + 24 is recorded
    shown = _cell(dashboard, "index")
    assert re.fullmatch(r"\d\.\d\d", shown), shown
    assert "2020-12 ÷ 2018-11" in dashboard.counters.object
    dashboard.advance(200)
    model = dashboard.model
    expected = summarize(model, model.recorder.frame())["continuity_index"]
    assert shown == f"{expected:.2f}" == _cell(dashboard, "index")
    from experiments.dashboard_index import live_index

    assert live_index(model, finished=True).value == pytest.approx(expected, rel=1e-12)


def test_the_verdict_at_the_end_compares_with_the_baseline_range(dashboard):
    from experiments.dashboard import baseline_band
    from experiments.dashboard_index import baseline_range

    dashboard.advance(100)
    assert 'data-testid="verdict"' not in dashboard.notice.object
    dashboard.advance(200)
    text = dashboard.notice.object
    assert 'data-testid="verdict"' in text
    lo, hi = baseline_range(baseline_band()["continuity_index"])
    from experiments.dashboard_index import live_index

    kept = live_index(dashboard.model, finished=True).value
    assert f"Your strategy kept {100 * kept:.0f} % of its momentum" in text
    assert f"{100 * kept:.0f}" == f"{100 * float(_cell(dashboard, 'index')):.0f}"
    assert f"keeps {100 * lo:.0f}–{100 * hi:.0f} %" in text
    assert "10th–90th percentile of 20 runs" in text


@pytest.mark.parametrize(
    "value, words",
    [
        (1.30, "more than the baseline usually keeps"),
        (0.90, "within what the baseline usually keeps"),
        (0.50, "less than the baseline usually keeps"),
        (None, "This run has no continuity index"),
    ],
)
def test_the_verdict_says_where_the_run_falls(value, words):
    from experiments.dashboard_index import IndexState, verdict

    state = IndexState(t0=2018 * 12 + 11, due=2020 * 12 + 11, value=value, so_far=None)
    text = verdict(state, (0.80, 1.0), 20)
    assert words in text
    assert "keeps 80–100 % (10th–90th percentile of 20 runs)" in text
    if value is not None:
        assert f"kept {100 * value:.0f} % of its momentum" in text
        assert "(2020-12 vs 2018-11)" in text


def test_the_baseline_range_is_the_10th_to_90th_percentile_of_twenty_seeds():
    import numpy as np

    from experiments.dashboard import BAND_SEEDS, baseline_band
    from experiments.dashboard_index import baseline_range

    index = baseline_band()["continuity_index"]
    assert index.shape == (BAND_SEEDS,) and np.isfinite(index).all()
    lo, hi = baseline_range(index)
    assert lo == np.percentile(index, 10) and hi == np.percentile(index, 90)
    assert 0 < lo <= np.median(index) <= hi
    assert math.isclose(baseline_range(np.array([1.0, np.nan, 3.0]))[0], 1.2)


def test_play_pauses_at_each_change_of_government_and_says_so(dashboard, monkeypatch):
    from experiments import dashboard as dash

    clock = [100.0]
    monkeypatch.setattr(dash.time, "perf_counter", lambda: clock[0])
    dashboard.speed.value = 20
    dashboard.pause_at_turnover.value = True
    dashboard.play_button.value = True
    _play(dashboard, clock, 400)  # 20 s: far past 2018-12 if Play did not stop
    assert dashboard.play_button.value is False
    assert _cell(dashboard, "month") == "2018-12" and _cell(dashboard, "playing") == "paused"
    assert "Paused at the change of government (2018-12)" in dashboard.notice.object
    dashboard.play_button.value = True  # go on: the notice goes, Play runs to the next one
    assert dashboard.notice.object == ""
    _play(dashboard, clock, 2000)
    assert _cell(dashboard, "month") == "2024-10"
    assert "Paused at the change of government (2024-10)" in dashboard.notice.object
    dashboard.pause_at_turnover.value = False
    dashboard.play_button.value = True
    _play(dashboard, clock, 2000)
    assert _cell(dashboard, "month") == "2030-12"
    assert 'data-testid="verdict"' in dashboard.notice.object


def test_without_the_option_play_runs_through_the_change_of_government(dashboard, monkeypatch):
    from experiments import dashboard as dash

    clock = [100.0]
    monkeypatch.setattr(dash.time, "perf_counter", lambda: clock[0])
    dashboard.speed.value = 20
    dashboard.play_button.value = True
    _play(dashboard, clock, 60)  # 3 s at 20 months a second: to 2021-12
    assert dashboard.play_button.value is True
    assert _cell(dashboard, "month") > "2019-06"
    assert dashboard.notice.object == ""


def test_step_is_not_stopped_by_the_option(dashboard):
    dashboard.pause_at_turnover.value = True
    _run_to(dashboard, "2018-11")
    dashboard.advance(2)
    assert _cell(dashboard, "month") == "2019-01"
    assert dashboard.notice.object == ""


@pytest.mark.parametrize(
    "query, expected",
    [({}, False), ({"pause": [b"turnover"]}, True), ({"pause": [b"yes"]}, False)],
)
def test_the_address_can_switch_pause_at_turnover_on(monkeypatch, query, expected):
    from experiments import dashboard as dash

    monkeypatch.setattr(type(pn.state), "session_args", property(lambda self: query))
    assert dash.initial_pause() is expected


def test_every_legend_swatch_is_drawn_before_the_first_step(dashboard):
    """A legend item whose renderers have no data is drawn without a swatch in Bokeh."""
    from bokeh.models import Legend

    figures = (dashboard.momentum_fig, dashboard.contribution_fig, dashboard.network_fig)
    labels = []
    for fig in figures:
        for legend in fig.select({"type": Legend}):
            for item in legend.items:
                label = item.label["value"]
                labels.append(label)
                sizes = [len(next(iter(r.data_source.data.values()))) for r in item.renderers]
                assert sizes and min(sizes) >= 1, f"{label}: no data before the first step"
    assert {"Total", "Governance", "Organisations", "Coalitions", "Senate"} <= set(labels)
    assert "Member organisations" not in labels


def test_the_network_names_its_main_actors_and_shapes_each_type(dashboard):
    from experiments.dashboard_charts import MARKERS

    labels = dashboard.label_source.data["text"]
    assert set(labels) == {
        "Federal administration",
        "Senate of the Republic",
        "IA2030Mx coalition",
        "INAI",
    }
    assert set(dashboard.node_source.data["kind"]) <= set(MARKERS)
    assert len(set(MARKERS.values())) == len(MARKERS)


def test_events_are_read_as_of_their_month_not_the_models_next_month(dashboard):
    """After a step the model's clock is already one month on (the cause of the early founding)."""
    from experiments.dashboard_text import snapshot

    _run_to(dashboard, "2017-12")
    m = dashboard.model
    assert m.coalitions[0].active  # the model's clock says 2018-01
    assert snapshot(m).coalitions_active == 0
    assert dataclasses.replace(snapshot(m)).month == m.month - 1
