"""The interactive dashboard: one model per browser session, stepped live in Bokeh charts.

:func:`build_page` is what ``continuity app`` serves at ``/``: every browser session calls it
and gets its own :class:`Dashboard` (model, controls, charts, periodic callback). The baseline
band and the network layouts are computed once per process and shared.
"""

from __future__ import annotations

import functools
import html
import time
import weakref
from datetime import datetime
from typing import Any

import numpy as np
import panel as pn
from bokeh.models import BoxAnnotation, ColorBar, ColumnDataSource, HoverTool, Span
from bokeh.palettes import Viridis256
from bokeh.plotting import figure
from bokeh.transform import linear_cmap
from matplotlib.colors import to_hex

from analysis.network_figure import network_layout
from analysis.theme import ACTOR_LABELS, CONTRIBUTION_TYPES, actor_colours
from experiments import dashboard_text as text
from sim.api import load_config, run
from sim.config import PILLARS
from sim.dates import format_month, parse_month
from sim.errors import InputError
from sim.model import ContinuityModel

PERIOD_MS = 50
"""The play clock ticks every this many milliseconds (so at most 20 months per second)."""

SPEED_DEFAULT, SPEED_MAX = 4, 1000 // PERIOD_MS
"""Play speed in months per second: the default (2017–2030 in about 40 s) and the fastest.
A page opened as ``/?speed=N`` starts at N months per second."""

NETWORK_EVERY = 4
"""Play: recolour the network every this many months (it is the browser's costliest redraw)."""

BAND_SEEDS = 20
"""Seeds of the default Mexico run behind the baseline band."""

TACTIC_LABELS = {
    "law": "Campaign for an AI law",
    "diversified_funding": "Diversified funding",
    "subnational_hubs": "Subnational hubs",
    "broad_coalition": "Broad coalition",
    "international_commitments": "International commitments",
    "senate_champions": "Senate champions",
    "bureaucratic_embedding": "Bureaucratic embedding",
    "transition_briefings": "Transition briefings",
}
"""Tactic key (conf/tactics, docs/tactics.md) → label of its checkbox."""

DEFAULTS = {
    "turnover": "2018-12",
    "cut_size": 0.8,
    "cut_duration": 0,
    "law_2018": False,
    "coalition": True,
    "tactics": [],
}
"""Control values of the Mexico baseline (``cut_duration`` 0 = until the end)."""

PRESETS = {
    "Mexico baseline": {},
    "Law before 2018": {"law_2018": True},
    "No coalition": {"coalition": False},
    "Deep cut": {"cut_size": 1.0},
}
"""Scenario presets: changes from :data:`DEFAULTS` (the counterfactuals of conf/counterfactual)."""

LIVE: weakref.WeakSet[Dashboard] = weakref.WeakSet()
"""The dashboards still in memory (one per open session; tests check closed ones go)."""

TURNOVER_CHOICES = ["2018-06", "2018-12", "2019-06", "2019-12", "2020-12", "2022-12", "2024-10"]


def month_ms(month: int) -> float:
    """Milliseconds since the epoch of the first day of an absolute month (Bokeh's datetime)."""
    return (datetime(month // 12, month % 12 + 1, 1) - datetime(1970, 1, 1)).total_seconds() * 1e3


@functools.cache
def baseline_band() -> dict[str, np.ndarray]:
    """The 5–95 % band and median of total momentum over :data:`BAND_SEEDS` default runs."""
    import dataclasses

    cfg = load_config([])
    runs = [
        run(dataclasses.replace(cfg, seed=s), keep_model=False).timeseries
        for s in range(BAND_SEEDS)
    ]
    values = np.vstack([r["momentum"].to_numpy() for r in runs])
    months = [parse_month(d) for d in runs[0]["date"]]
    lo, med, hi = np.percentile(values, [5, 50, 95], axis=0)
    band = {"x": np.array([month_ms(m) for m in months]), "lo": lo, "median": med, "hi": hi}
    return _frozen(band)


def _frozen(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Make cached arrays read-only.

    A session that tried to change one in place would fail loudly instead of changing what
    every later session sees.
    """
    for a in arrays.values():
        a.flags.writeable = False
    return arrays


def private(data: dict[str, Any]) -> dict[str, Any]:
    """A session's own copy of a data source's columns (arrays and lists copied).

    Bokeh applies a browser's ``patch`` of a data source in place, so a source must never hold
    an array shared with another session or with a process-wide cache.
    """
    return {
        k: (np.array(v, copy=True) if isinstance(v, np.ndarray) else list(v))
        for k, v in data.items()
    }


@functools.lru_cache(maxsize=8)
def _layout(ids: tuple[str, ...], src: bytes, dst: bytes) -> np.ndarray:
    import pandas as pd

    nodes = pd.DataFrame({"node": np.arange(len(ids)), "type": "organization"})
    edges = pd.DataFrame({"source": np.frombuffer(src, int), "target": np.frombuffer(dst, int)})
    pos = network_layout(nodes, edges, seed=0)
    pos.flags.writeable = False
    return pos


def network_data(model: ContinuityModel) -> tuple[dict[str, Any], dict[str, Any]]:
    """Node and edge columns of the model's network at a layout computed once per network."""
    import scipy.sparse as sp

    table = model.network.nodes
    upper = sp.triu(model.adjacency, k=1).tocoo()
    src, dst = upper.row.astype(int), upper.col.astype(int)
    pos = _layout(tuple(table["id"].tolist()), src.tobytes(), dst.tobytes())
    types = table["type"].tolist()
    big = {"administration", "senate", "dpa", "coalition"}
    nodes = {
        "x": pos[:, 0].copy(),
        "y": pos[:, 1].copy(),
        "name": table["name"].tolist(),
        "type": [ACTOR_LABELS.get(t, t) for t in types],
        "size": [14 if t in big else 7 for t in types],
        "commitment": np.asarray(model.state.commitment, dtype=float).copy(),
    }
    edges = {
        "xs": np.c_[pos[src, 0], pos[dst, 0]].tolist(),
        "ys": np.c_[pos[src, 1], pos[dst, 1]].tolist(),
    }
    return nodes, edges


class Controls:
    """The widgets that set a run: shocks, law, coalition, tactics and the presets."""

    def __init__(self) -> None:
        """Create the widgets at the Mexico baseline values."""
        self.turnover = pn.widgets.Select(
            name="First change of government", options=TURNOVER_CHOICES, value="2018-12"
        )
        self.cut_size = pn.widgets.FloatSlider(
            name="Funding cut (share of the federal budget)",
            start=0.0,
            end=1.0,
            step=0.05,
            value=0.8,
            css_classes=["cut-size"],
        )
        self.cut_duration = pn.widgets.IntSlider(
            name="Cut lasts (months; 0 = until 2030)", start=0, end=72, step=6, value=0
        )
        self.law_2018 = pn.widgets.Checkbox(
            name="AI law passed in April 2018 (before the turnover)"
        )
        self.coalition = pn.widgets.Checkbox(
            name="Civil-society coalition IA2030Mx founded", value=True
        )
        self.tactics = pn.widgets.CheckBoxGroup(
            name="Tactics", options={v: k for k, v in TACTIC_LABELS.items()}, value=[]
        )
        self.presets = {
            name: pn.widgets.Button(
                name=name,
                button_type="primary",
                button_style="outline",
                css_classes=[f"preset-{name.lower().replace(' ', '-')}"],
            )
            for name in PRESETS
        }

    @property
    def widgets(self) -> list[Any]:
        """The value widgets, in display order."""
        return [
            self.turnover,
            self.cut_size,
            self.cut_duration,
            self.law_2018,
            self.coalition,
            self.tactics,
        ]

    def values(self) -> dict[str, Any]:
        """The current values, keyed as :data:`DEFAULTS`."""
        return {k: getattr(self, k).value for k in DEFAULTS}

    def invalid(self) -> dict[str, str]:
        """Control key → why its value is not allowed, for every control a browser set badly.

        The browser enforces nothing the server can rely on: a visitor can send any value for
        any widget (from the console), so every value is checked against what the widget offers
        before it reaches a config override.
        """
        out = {}
        for key, value in self.values().items():
            why = _control_problem(getattr(self, key), value)
            if why:
                out[key] = why
        return out

    def set(self, values: dict[str, Any]) -> None:
        """Set every control (the caller mutes the change watchers)."""
        for k, v in values.items():
            getattr(self, k).value = list(v) if isinstance(v, list) else v

    def overrides(self) -> list[str]:
        """Hydra overrides of the current values (see ``conf/``)."""
        v = self.values()
        out = [
            f"shocks.turnover.dates=[{v['turnover']},2024-10]",
            f"shocks.funding_cut.size={v['cut_size']:.2f}",
            f"shocks.funding_cut.duration_months={v['cut_duration'] or 'null'}",
            f"tactics=[{','.join(v['tactics'])}]",
        ]
        if v["law_2018"]:
            out.append("scenario.law_enacted=2018-04")
        if not v["coalition"]:
            out.append("counterfactual=no_coalition")
        return out


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and np.isfinite(value)


def _control_problem(widget: Any, value: Any) -> str | None:
    """Why ``value`` is not one the widget offers (None if it is)."""
    if isinstance(widget, pn.widgets.Checkbox):
        return None if isinstance(value, bool) else "expected true or false"
    if isinstance(widget, pn.widgets.Select):
        return None if value in list(widget.options) else "not one of the choices"
    if isinstance(widget, pn.widgets.CheckBoxGroup):
        allowed = set(widget.options.values())
        ok = isinstance(value, list) and all(isinstance(v, str) and v in allowed for v in value)
        return None if ok and len(set(value)) == len(value) else "not a set of the tactics offered"
    if isinstance(widget, pn.widgets.IntSlider | pn.widgets.FloatSlider):
        if not _is_number(value) or not widget.start <= value <= widget.end:
            return f"expected a number from {widget.start} to {widget.end}"
        if isinstance(widget, pn.widgets.IntSlider) and value != int(value):
            return "expected a whole number"
        return None
    return "unknown control"  # pragma: no cover - every control is listed above


def _html(key: str, value: str, label: str) -> str:
    return (
        f'<div class="counter"><div style="font-size:0.8em;color:#555">{label}</div>'
        f'<div data-testid="{key}" style="font-size:1.6em;font-weight:600">{value}</div></div>'
    )


class Dashboard:
    """One session's model, charts and callbacks."""

    def __init__(self) -> None:
        """Build the controls, charts and a model from the default controls."""
        self.controls = Controls()
        self._valid = self.controls.values()
        self.model: ContinuityModel | None = None
        self.streamed = 0
        self.log: list[str] = []
        self._muted = False
        self._play_steps, self._play_start, self._due = 0, 0.0, 0.0
        self._build_charts()
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
        self.log = []
        for source in (
            self.momentum_source,
            self.contribution_source,
            self.node_source,
            self.edge_source,
        ):
            source.data = {k: [] for k in source.data}

    # ------------------------------------------------------------------ charts
    def _build_charts(self) -> None:
        band = baseline_band()
        x0, x1 = band["x"][0], band["x"][-1]
        fig = figure(
            title="Momentum of the strategy (your run vs. the baseline band)",
            x_axis_type="datetime",
            height=330,
            sizing_mode="stretch_width",
            x_range=(x0, x1),
            toolbar_location=None,
        )
        fig.varea(
            "x",
            "lo",
            "hi",
            source=ColumnDataSource(private(band), name="band_source"),
            color="#cccccc",
            alpha=0.6,
            legend_label="Baseline 5–95 %",
        )
        fig.line(
            "x",
            "median",
            source=ColumnDataSource(private(band), name="median_source"),
            color="#999999",
            line_dash="dashed",
            legend_label="Baseline median",
        )
        cols = ["x", "momentum"] + [f"momentum_{p}" for p in PILLARS]
        self.momentum_source = ColumnDataSource({c: [] for c in cols}, name="momentum_source")
        pillar_colours = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9"]  # Okabe–Ito
        for p, c in zip(PILLARS, pillar_colours, strict=True):
            fig.line(
                "x",
                f"momentum_{p}",
                source=self.momentum_source,
                color=c,
                line_width=1.5,
                legend_label=p.capitalize(),
            )
        fig.line(
            "x",
            "momentum",
            source=self.momentum_source,
            color="black",
            line_width=3,
            legend_label="Total",
        )
        self.turnover_spans = [
            Span(
                dimension="height",
                line_color="#D55E00",
                line_dash="dashed",
                line_width=2,
                location=None,
            )
            for _ in range(2)
        ]
        self.cut_box = BoxAnnotation(fill_color="#D55E00", fill_alpha=0.07)
        fig.renderers.extend([*self.turnover_spans, self.cut_box])
        fig.add_layout(fig.legend[0], "right")
        fig.legend.label_text_font_size = "9pt"
        fig.legend.background_fill_alpha = 0.7
        fig.yaxis.axis_label = "Momentum"
        self.momentum_fig = fig

        colours = actor_colours()
        keys = list(CONTRIBUTION_TYPES)
        self.contribution_source = ColumnDataSource({c: [] for c in ["x", *keys]})
        cfig = figure(
            title="Who carries the momentum (contribution by actor type)",
            x_axis_type="datetime",
            height=260,
            sizing_mode="stretch_width",
            x_range=fig.x_range,
            toolbar_location=None,
        )
        cfig.varea_stack(
            keys,
            x="x",
            source=self.contribution_source,
            color=[to_hex(colours[CONTRIBUTION_TYPES[k]]) for k in keys],
            legend_label=[ACTOR_LABELS[CONTRIBUTION_TYPES[k]] for k in keys],
        )
        cfig.add_layout(cfig.legend[0], "right")
        cfig.legend.label_text_font_size = "8pt"
        cfig.legend.background_fill_alpha = 0.7
        self.contribution_fig = cfig

        self.node_source = ColumnDataSource(
            {k: [] for k in ("x", "y", "name", "type", "size", "commitment")}, name="node_source"
        )
        self.edge_source = ColumnDataSource({"xs": [], "ys": []})
        nfig = figure(
            title="Stakeholder network (colour = commitment)",
            height=420,
            width=440,
            toolbar_location=None,
            tools="",
        )
        nfig.multi_line(
            "xs", "ys", source=self.edge_source, color="#bdbdbd", alpha=0.4, line_width=0.5
        )
        mapper = linear_cmap("commitment", Viridis256, 0.0, 1.0)
        nodes = nfig.scatter(
            "x",
            "y",
            size="size",
            source=self.node_source,
            fill_color=mapper,
            line_color="#222222",
            line_width=0.5,
        )
        nfig.add_tools(
            HoverTool(
                renderers=[nodes],
                tooltips=[("", "@name"), ("type", "@type"), ("commitment", "@commitment{0.00}")],
            )
        )
        nfig.add_layout(
            ColorBar(color_mapper=mapper["transform"], width=10, title="Commitment"), "right"
        )
        nfig.axis.visible = False
        nfig.grid.visible = False
        self.network_fig = nfig

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
        self.step_button.on_click(lambda _: self.advance(1))
        self.reset_button.on_click(lambda _: self.reset())
        self.play_button.param.watch(self._on_play, "value")
        for w in self.controls.widgets:
            w.param.watch(self._on_control, "value")
        for name, button in self.controls.presets.items():
            button.on_click(functools.partial(self._on_preset, name))
        self.counters = pn.pane.HTML("", sizing_mode="stretch_width")
        self.settings = pn.pane.HTML("", sizing_mode="stretch_width")
        self.story = pn.pane.HTML("", sizing_mode="stretch_width", min_height=150)
        self.callback = pn.state.add_periodic_callback(self._tick, period=PERIOD_MS, start=True)

    def page(self) -> pn.viewable.Viewable:
        """The whole page."""
        c = self.controls
        sidebar = pn.Column(
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
            pn.Row(self.step_button, self.play_button, self.reset_button, self.speed),
            self.counters,
            pn.pane.Bokeh(self.momentum_fig, sizing_mode="stretch_width"),
            pn.Row(
                pn.pane.Bokeh(self.network_fig),
                pn.Column("### What just happened", self.story, sizing_mode="stretch_width"),
                sizing_mode="stretch_width",
            ),
            pn.pane.Bokeh(self.contribution_fig, sizing_mode="stretch_width"),
            sizing_mode="stretch_width",
        )
        header = pn.pane.HTML(
            f'<h1 style="margin:0.2em 0" data-testid="title">{text.TITLE}</h1>'
            f'<p style="font-size:1.05em;max-width:70em">{text.INSTRUCTIONS}</p>',
            sizing_mode="stretch_width",
        )
        return pn.Column(
            header, pn.Row(sidebar, main, sizing_mode="stretch_width"), sizing_mode="stretch_width"
        )

    # ------------------------------------------------------------------ actions
    def reset(self) -> None:
        """Rebuild the model from the controls and clear the charts."""
        self.play_button.value = False
        self.settings.object = (
            f'<p data-testid="settings" style="font-size:0.85em;color:#333">'
            f"{text.settings_text(self.controls.values())}</p>"
        )
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
        nodes, edges = network_data(m)
        self.node_source.data, self.edge_source.data = nodes, edges
        self.before = text.snapshot(m)
        self.log = [f"{format_month(m.month)}: the run starts. Press Step or Play."]
        self._show()

    def advance(self, n: int) -> None:
        """Step the model ``n`` months (fewer at the end of the horizon) and update the page."""
        m = self.model
        if m is None:
            return
        for _ in range(n):
            if m.month > m.calendar.end:
                self.play_button.value = False
                break
            m.step()
            after = text.snapshot(m)
            self.log = text.describe_changes(self.before, after)[::-1] + self.log
            self.before = after
        self.log = self.log[:8]
        self._stream()
        self._show()

    def _stream(self) -> None:
        rec, k = self.model.recorder, self.streamed
        if rec.n == k:
            return
        x = [month_ms(int(mo)) for mo in rec.months[k : rec.n]]
        self.momentum_source.stream(
            {"x": x, **{c: rec.data[c][k : rec.n] for c in self.momentum_source.data if c != "x"}}
        )
        self.contribution_source.stream(
            {"x": x, **{c: rec.data[c][k : rec.n] for c in CONTRIBUTION_TYPES}}
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
        cells = [
            _html("month", last or "not started", "Month"),
            _html("momentum", f"{s.momentum:.2f}", "Total momentum"),
            _html("members", str(s.coalition_members), "Coalition members"),
            _html("offices", str(s.offices), "States with an AI office"),
            _html("playing", "playing" if self.play_button.value else "paused", "Play"),
            _html("rate", rate or "–", "Months per second (measured)"),
        ]
        self.counters.object = (
            '<div style="display:flex;gap:2.5em;flex-wrap:wrap">' + "".join(cells) + "</div>"
        )
        story = (
            "<ul style='font-size:1.05em'>"
            + "".join(f"<li>{line}</li>" for line in self.log)
            + "</ul>"
        )
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
            self.controls.set({**DEFAULTS, **PRESETS[name]})
        finally:
            self._muted = False
        self.reset()


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


def warm_up() -> None:
    """Compute the process-wide caches (baseline band, Hydra, the Mexico layout) before serving."""
    baseline_band()
    network_data(ContinuityModel(load_config(Controls().overrides())))


def build_page() -> pn.viewable.Viewable:
    """A new dashboard for one browser session (what ``pn.serve`` calls per session)."""
    return Dashboard().page()
