"""Play follows the Speed control, pauses at once, and shows the server's play state.

The periodic callback is called by hand (no server), with the play clock moved by hand, so these
tests do not depend on the machine's speed.
"""

from __future__ import annotations

import pytest

pn = pytest.importorskip("panel")


def _counter(dashboard, key: str) -> str:
    html = dashboard.counters.object
    start = html.index(f'data-testid="{key}"')
    return html[html.index(">", start) + 1 : html.index("<", start)]


def test_months_advance_at_the_speed_set_and_stop_on_pause(monkeypatch):
    from experiments import dashboard as dash

    clock = [100.0]
    monkeypatch.setattr(dash.time, "perf_counter", lambda: clock[0])
    d = dash.Dashboard()
    d.speed.value = 4
    assert _counter(d, "playing") == "paused"
    d.play_button.value = True
    assert _counter(d, "playing") == "playing"
    for _ in range(40):  # two seconds of 50 ms ticks at 4 months per second
        d._tick()
        clock[0] += dash.PERIOD_MS / 1000
    assert d.model.recorder.n == 8
    d.play_button.value = False
    assert _counter(d, "playing") == "paused"
    for _ in range(40):
        d._tick()
        clock[0] += dash.PERIOD_MS / 1000
    assert d.model.recorder.n == 8
    d.close()


def test_a_clock_that_fell_behind_does_not_catch_up_in_a_burst(monkeypatch):
    from experiments import dashboard as dash

    clock = [100.0]
    monkeypatch.setattr(dash.time, "perf_counter", lambda: clock[0])
    d = dash.Dashboard()
    d.speed.value = 2
    d.play_button.value = True
    d._tick()
    clock[0] += 30.0  # the server was busy for 30 s
    for _ in range(5):
        d._tick()
    assert d.model.recorder.n == 2  # one month at the start, one after the stall; no burst of 60
    d.close()


@pytest.mark.parametrize(
    "query, expected",
    [
        ({}, 4),
        ({"speed": [b"2"]}, 2),
        ({"speed": [b"20"]}, 20),
        ({"speed": [b"0"]}, 4),
        ({"speed": [b"21"]}, 4),
        ({"speed": [b"fast"]}, 4),
        ({"speed": [b"1e9"]}, 4),
    ],
)
def test_the_address_sets_the_starting_speed_and_a_bad_one_is_ignored(monkeypatch, query, expected):
    from experiments import dashboard as dash

    monkeypatch.setattr(type(pn.state), "session_args", property(lambda self: query))
    assert dash.initial_speed() == expected
