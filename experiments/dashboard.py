"""The interactive dashboard: one model per browser session, stepped live in Bokeh charts.

:func:`build_page` is what ``continuity app`` serves at ``/``: every browser session calls it
and gets its own :class:`Dashboard` (model, controls, charts, periodic callback). The baseline
band and the network layouts are computed once per process and shared
(:mod:`experiments.dashboard_charts`); the controls are in :mod:`experiments.dashboard_controls`,
the words in :mod:`experiments.dashboard_text` and the continuity index and verdict in
:mod:`experiments.dashboard_index`.
"""

from __future__ import annotations

import functools
import html
import time
import weakref
from typing import Any

import numpy as np
import panel as pn

from experiments import dashboard_text as text
from experiments.dashboard_case import case_selector, initial_case
from experiments.dashboard_charts import (
    BAND_SEEDS,
    baseline_band,
    contribution_figure,
    momentum_figure,
    month_ms,
    network_data,
    network_figure,
    private,
)
from experiments.dashboard_controls import (
    DEFAULTS,
    PRESETS,
    TACTIC_LABELS,
    TURNOVER_CHOICES,
    Controls,
)
from experiments.dashboard_index import (
    MEXICO_BASELINE,
    baseline_range,
    index_cell,
    live_index,
    verdict,
)
from sim.api import load_config
from sim.dates import format_month, parse_month
from sim.errors import InputError
from sim.model import ContinuityModel

__all__ = [
    "BAND_SEEDS",
    "DEFAULTS",
    "PRESETS",
    "TACTIC_LABELS",
    "TURNOVER_CHOICES",
    "Controls",
    "Dashboard",
    "baseline_band",
    "build_page",
    "month_ms",
    "network_data",
    "open_sessions",
    "private",
    "warm_up",
]

PERIOD_MS = 50
"""The play clock ticks every this many milliseconds (so at most 20 months per second)."""

SPEED_DEFAULT, SPEED_MAX = 4, 1000 // PERIOD_MS
"""Play speed in months per second: the default (2017–2030 in about 40 s) and the fastest.
A page opened as ``/?speed=N`` starts at N months per second."""

NETWORK_EVERY = 4
"""Play: recolour the network every this many months (it is the browser's costliest redraw)."""

FEED_LINES = 8
"""Routine events shown in "what just happened" (key events are pinned apart, all of them)."""

LIVE: weakref.WeakSet[Dashboard] = weakref.WeakSet()
"""The dashboards still in memory (one per open session; tests check closed ones go)."""


def _html(key: str, value: str, label: str) -> str:
    return (
        f'<div class="counter"><div style="font-size:0.8em;color:#555">{label}</div>'
        f'<div data-testid="{key}" style="font-size:1.6em;font-weight:600">{value}</div></div>'
    )


def _list(key: str, lines: list[str]) -> str:
    items = "".join(f"<li>{line}</li>" for line in lines)
    return f"<ul data-testid='{key}' style='font-size:1.05em;margin-top:0'>{items}</ul>"


class Dashboard:
    """One session's model, charts and callbacks."""

    def __init__(self, case: str | None = None) -> None:
        """Build the controls, charts and a model from the default controls.

        Args:
            case: The case to show (docs/cases.md); default: the page's ``?case=NAME``, else
                Mexico.
        """
        self.case = case or initial_case()
        self.controls = Controls(self.case)
        self._valid = self.controls.values()
        self.model: ContinuityModel | None = None
        self.streamed = 0
        self.log: list[str] = []
        self.pinned: list[str] = []
        self._muted = False
        self._play_steps, self._play_start, self._due = 0, 0.0, 0.0
        self.momentum_fig, self.momentum_source, self.turnover_spans, self.cut_box = (
            momentum_figure(self.case)
        )
        self.contribution_fig, self.contribution_source = contribution_figure(
            self.momentum_fig.x_range
        )
        self.network_fig, self.node_source, self.edge_source, self.label_source = network_figure()
        self._build_widgets()
        self.reset()
        LIVE.add(self)
        if pn.state.curdoc is not None:
            pn.state.curdoc.on_session_destroyed(self._on_session_destroyed)

    def _on_session_destroyed(self, _context: Any) -> None:
        """Stop the session's callback and drop its model, so nothing of it stays in memory."""
        self.close()

    def close(self) -> None:
        """Stop the periodic callback and release the model and chart data."""
        callback, self.callback = self.callback, None
        if callback is not None:
            callback.stop()
        self.model = None
        self.before = None
        self.log, self.pinned = [], []
        for source in (
            self.momentum_source,
            self.contribution_source,
            self.node_source,
            self.edge_source,
            self.label_source,
        ):
            source.data = {k: [] for k in source.data}

    # ------------------------------------------------------------------ widgets
    def _build_widgets(self) -> None:
        self.step_button = pn.widgets.Button(
            name="Step ▸", button_type="primary", css_classes=["step"]
        )
        self.play_button = pn.widgets.Toggle(
            name="Play ▶ / Pause ❚❚", button_type="success", css_classes=["play"]
        )
        self.reset_button = pn.widgets.Button(
            name="Reset ↺", button_type="warning", css_classes=["reset"]
        )
        self.speed = pn.widgets.IntSlider(
            name="Speed (months per second)",
            start=1,
            end=SPEED_MAX,
            value=initial_speed(),
            width=220,
            css_classes=["speed"],
        )
        self.case_select = case_selector(self.case)
        self.pause_at_turnover = pn.widgets.Checkbox(
            name="Pause at each change of government",
            value=initial_pause(),
            css_classes=["pause-turnover"],
        )
        self.step_button.on_click(lambda _: self.advance(1))
        self.reset_button.on_click(lambda _: self.reset())
        self.play_button.param.watch(self._on_play, "value")
        for w in self.controls.widgets:
            w.param.watch(self._on_control, "value")
        for name, button in self.controls.presets.items():
            button.on_click(functools.partial(self._on_preset, name))
        self.counters = pn.pane.HTML("", sizing_mode="stretch_width")
        self.notice = pn.pane.HTML("", sizing_mode="stretch_width")
        self.settings = pn.pane.HTML("", sizing_mode="stretch_width")
        self.key_events = pn.pane.HTML("", sizing_mode="stretch_width")
        self.story = pn.pane.HTML("", sizing_mode="stretch_width", min_height=150)
        self.callback = _play_clock(self._tick)

    def page(self) -> pn.viewable.Viewable:
        """The whole page."""
        c = self.controls
        sidebar = pn.Column(
            self.case_select,
            "### Scenario",
            pn.FlexBox(*c.presets.values()),
            "### Shocks",
            c.turnover,
            c.cut_size,
            c.cut_duration,
            "### What the strategy had going for it",
            c.law_2018,
            c.coalition,
            "### Tactics of the strategy's supporters",
            c.tactics,
            self.settings,
            width=330,
        )
        main = pn.Column(
            pn.Row(
                self.step_button,
                self.play_button,
                self.reset_button,
                self.speed,
                self.pause_at_turnover,
            ),
            self.counters,
            self.notice,
            pn.pane.Bokeh(self.momentum_fig, sizing_mode="stretch_width"),
            pn.Row(
                pn.pane.Bokeh(self.network_fig),
                pn.Column(
                    "### Key events",
                    self.key_events,
                    "### What just happened",
                    self.story,
                    sizing_mode="stretch_width",
                ),
                sizing_mode="stretch_width",
            ),
            pn.pane.Bokeh(self.contribution_fig, sizing_mode="stretch_width"),
            sizing_mode="stretch_width",
        )
        header = pn.pane.HTML(
            f'<h1 style="margin:0.2em 0" data-testid="title">{text.title(c.facts)}</h1>'
            f'<p style="font-size:1.05em;max-width:70em">{html.escape(text.instructions(c.facts))}'
            "</p>",
            sizing_mode="stretch_width",
        )
        return pn.Column(
            header, pn.Row(sidebar, main, sizing_mode="stretch_width"), sizing_mode="stretch_width"
        )

    @property
    def _law_when(self) -> str:
        """When the law control puts a law in force, in words."""
        return "2018-04" if self.controls.facts is None else "8 months before the turnover"

    # ------------------------------------------------------------------ actions
    def reset(self) -> None:
        """Rebuild the model from the controls and clear the charts."""
        self.play_button.value = False
        self.settings.object = (
            f'<p data-testid="settings" style="font-size:0.85em;color:#333">'
            f"{text.settings_text(self.controls.values(), self._law_when)}</p>"
        )
        self._say("")
        try:
            cfg = load_config(self.controls.overrides())
        except InputError as exc:
            self.model = None
            self.story.object = "<b>These settings do not work:</b><br>" + "<br>".join(exc.problems)
            return
        self.model = m = ContinuityModel(cfg)
        self.streamed = 0
        self.momentum_source.data = {k: [] for k in self.momentum_source.data}
        self.contribution_source.data = {k: [] for k in self.contribution_source.data}
        turnovers = sorted(parse_month(d) for d in cfg.shocks.turnover.dates)
        for span, month in zip(self.turnover_spans, turnovers + [None] * 2, strict=False):
            span.location = None if month is None else month_ms(month)
        cut = m.calendar
        cut_start = turnovers[0] if cut.cut_with_turnover and turnovers else cut.cut_start
        if cut_start is not None and cut.cut_size > 0:
            end = cut_start + cut.cut_duration if cut.cut_duration else cut.end
            self.cut_box.left, self.cut_box.right = month_ms(cut_start), month_ms(end)
            self.cut_box.visible = True
        else:
            self.cut_box.visible = False
        nodes, edges, labels = network_data(m)
        self.node_source.data, self.edge_source.data = nodes, edges
        self.label_source.data = labels
        self.before = text.snapshot(m)
        self.log = [f"{format_month(m.month)}: the run starts. Press Step or Play."]
        self.pinned = []
        self._show()

    @property
    def finished(self) -> bool:
        """Whether the model has run its last month."""
        return self.model is not None and self.model.month > self.model.calendar.end

    def advance(self, n: int) -> None:
        """Step the model ``n`` months (fewer at the end, or at a change of government).

        While playing with *pause at each change of government* on, Play stops after the month
        of a change of government and says so.
        """
        m = self.model
        if m is None:
            return
        if not self.play_button.value:
            self._say("")
        for _ in range(n):
            if self.finished:
                self.play_button.value = False
                break
            m.step()
            after = text.snapshot(m)
            events = text.describe_changes(self.before, after)
            self.before = after
            self.pinned += [e.text for e in events if e.key]
            self.log = [e.text for e in events if not e.key][::-1] + self.log
            turnover = any(e.kind == "turnover" for e in events)
            if turnover and self.pause_at_turnover.value and self.play_button.value:
                self.play_button.value = False
                self._say(
                    f"Paused at the change of government ({format_month(after.month)}). "
                    "Look at who carries the momentum now, then press Play to go on."
                )
                break
        self.log = self.log[:FEED_LINES]
        self._stream()
        if self.finished:
            self.play_button.value = False
            state = live_index(m, finished=True)
            band = baseline_range(baseline_band(self.case)["continuity_index"])
            facts = self.controls.facts
            label = facts.baseline_label if facts is not None else MEXICO_BASELINE
            self._say(verdict(state, band, BAND_SEEDS, label), key="verdict")
        self._show()

    def _say(self, message: str, key: str = "notice") -> None:
        """Show ``message`` above the charts (an empty one clears it)."""
        self.notice.object = (
            f'<div data-testid="{key}" style="font-size:1.15em;padding:0.5em 0.8em;'
            f'background:#fff4e0;border-left:4px solid #D55E00">{html.escape(message)}</div>'
            if message
            else ""
        )

    def _stream(self) -> None:
        rec, k = self.model.recorder, self.streamed
        if rec.n == k:
            return
        x = [month_ms(int(mo)) for mo in rec.months[k : rec.n]]
        self.momentum_source.stream(
            {"x": x, **{c: rec.data[c][k : rec.n] for c in self.momentum_source.data if c != "x"}}
        )
        self.contribution_source.stream(
            {
                "x": x,
                **{c: rec.data[c][k : rec.n] for c in self.contribution_source.data if c != "x"},
            }
        )
        if not self.play_button.value or rec.n % NETWORK_EVERY == 0:  # the browser keeps up
            commitment = np.asarray(self.model.state.commitment, float).copy()
            self.node_source.data["commitment"] = commitment
        self.streamed = rec.n

    def _show(self) -> None:
        s = self.before
        m = self.model
        rate = ""
        if self.play_button.value and self._play_steps:
            rate = f"{self._play_steps / max(time.perf_counter() - self._play_start, 1e-9):.1f}"
        last = m.recorder.n and format_month(int(m.recorder.months[m.recorder.n - 1]))
        index, index_label = index_cell(live_index(m, finished=self.finished))
        cells = [
            _html("month", last or "not started", "Month"),
            _html("momentum", f"{s.momentum:.2f}", "Total momentum"),
            _html("index", index, index_label),
            _html("members", str(s.coalition_members), "Coalition members"),
            _html("offices", str(s.offices), "States with an AI office"),
            _html("playing", "playing" if self.play_button.value else "paused", "Play"),
            _html("rate", rate or "–", "Months per second (measured)"),
        ]
        self.counters.object = (
            '<div style="display:flex;gap:2.5em;flex-wrap:wrap">' + "".join(cells) + "</div>"
        )
        pinned = _list("key-events", self.pinned or ["None yet."])
        if pinned != self.key_events.object:
            self.key_events.object = pinned
        story = _list("feed", self.log)
        if story != self.story.object:
            self.story.object = story

    # ------------------------------------------------------------------ callbacks
    def _tick(self) -> None:
        """Every PERIOD_MS: one month while Play is on and the next month is due, else nothing.

        Months are due at the speed control's rate; a clock that fell behind (a busy machine)
        starts again from now rather than catching up in a burst. The periodic callback runs for
        the whole session instead of being started and stopped with the Play toggle: Panel defers
        a start requested inside an event handler to the next tick, so a quick Play-Pause could
        stop nothing and then start playing.
        """
        if not self.play_button.value or self.model is None:
            return
        now = time.perf_counter()
        if now < self._due:
            return
        step = 1.0 / max(1, int(self.speed.value))
        self._due = max(self._due + step, now - PERIOD_MS / 1000 + step)
        self._play_steps += 1
        self.advance(1)

    def _on_play(self, event: Any) -> None:
        """Start the play clock, and show the server's own play state (tests wait for it)."""
        if event.new:
            self._play_steps, self._play_start = 0, time.perf_counter()
            self._due = self._play_start
            if not self.finished:
                self._say("")
        if self.model is not None:
            self._show()

    def _on_control(self, _event: Any) -> None:
        if self._muted:
            return
        bad = self.invalid_controls()
        if bad:
            return
        self.reset()

    def invalid_controls(self) -> dict[str, str]:
        """Put back the last valid value of every control set to a value it does not offer.

        Returns:
            Control key → why its value was refused (shown in the story pane).
        """
        bad = self.controls.invalid()
        if not bad:
            self._valid = self.controls.values()
            return bad
        self._muted = True
        try:
            self.controls.set({k: self._valid[k] for k in bad})
        finally:
            self._muted = False
        self.story.object = "<b>Ignored a value no control offers:</b><br>" + "<br>".join(
            f"{html.escape(getattr(self.controls, k).name)}: {html.escape(why)}"
            for k, why in bad.items()
        )
        return bad

    def _on_preset(self, name: str, _event: Any) -> None:
        self._muted = True
        try:
            self.controls.set({**self.controls.defaults, **PRESETS[name]})
        finally:
            self._muted = False
        self.reset()


def _play_clock(tick: Any) -> Any:
    """Start the session's play clock: ``tick`` every :data:`PERIOD_MS`, for the whole session.

    What ``pn.state.add_periodic_callback`` does, with two of Panel's options off: ``background``
    (a foreground callback marks Panel's process-wide ``busy`` state at every call, and every
    session's tick then costs every other session too: 30 idle sessions took 94 % of a core)
    and ``log``.
    """
    from panel.io.callbacks import PeriodicCallback

    callback = PeriodicCallback(callback=tick, period=PERIOD_MS, background=True, log=False)
    callback.start()
    doc = pn.state.curdoc
    if doc is not None:
        pn.state._periodic.setdefault(doc, []).append(callback)
    return callback


def initial_speed() -> int:
    """The play speed a new page starts at: ``?speed=N`` in its address, else the default.

    A value that is not a whole number from 1 to :data:`SPEED_MAX` is ignored (the default
    is used), so a mistyped address still opens the page.
    """
    args = getattr(pn.state, "session_args", None) or {}
    raw = args.get("speed", [b""])[0]
    try:
        value = int(raw.decode() if isinstance(raw, bytes) else raw)
    except (TypeError, ValueError):
        return SPEED_DEFAULT
    return value if 1 <= value <= SPEED_MAX else SPEED_DEFAULT


def initial_pause() -> bool:
    """Whether a new page pauses at each change of government: ``?pause=turnover`` in its address."""
    args = getattr(pn.state, "session_args", None) or {}
    raw = args.get("pause", [b""])[0]
    return (raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)) == "turnover"


def open_sessions() -> int:
    """How many dashboards are open now (built and not yet closed)."""
    return sum(1 for d in list(LIVE) if d.callback is not None)


def warm_up() -> None:
    """Compute the process-wide caches (baseline band, Hydra, the Mexico layout) before serving."""
    baseline_band()
    network_data(ContinuityModel(load_config(Controls().overrides())))


def build_page() -> pn.viewable.Viewable:
    """A new dashboard for one browser session (what ``pn.serve`` calls per session)."""
    return Dashboard().page()
