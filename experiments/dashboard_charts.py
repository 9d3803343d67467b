"""The dashboard's charts and the process-wide data behind them.

The baseline band (total momentum and continuity index over :data:`BAND_SEEDS` default runs)
and the network layouts are computed once per process and shared read-only; every session gets
its own data sources (:func:`private`), because Bokeh applies a browser's ``patch`` in place.
"""

from __future__ import annotations

import dataclasses
import functools
from datetime import datetime
from typing import Any

import numpy as np
from bokeh.models import (
    BoxAnnotation,
    ColorBar,
    ColumnDataSource,
    HoverTool,
    LabelSet,
    Legend,
    LegendItem,
    Span,
)
from bokeh.palettes import Viridis256
from bokeh.plotting import figure
from bokeh.transform import factor_mark, linear_cmap
from matplotlib.colors import to_hex

from analysis.network_figure import network_layout, short_name
from analysis.theme import ACTOR_LABELS, CONTRIBUTION_TYPES, actor_colours
from sim.api import load_config, run
from sim.config import PILLARS
from sim.dates import parse_month
from sim.model import ContinuityModel

BAND_SEEDS = 20
"""Seeds of the case's default run behind the baseline band."""

BAND_PARAMS: tuple[str, ...] = ()
"""Overrides of the band's runs besides the case: ``("params=posterior",
"params.posterior.file=PATH")`` draws each seed's parameters from a posterior (``continuity app
--posterior``, docs/posterior.md); empty: the case's fixed parameters."""

BAND_COLUMNS = ("x", "lo", "median", "hi")
"""The monthly columns of :func:`baseline_band` (drawn as the grey band)."""

MAIN_ACTORS = ("administration", "senate", "dpa", "coalition")
"""Actor types drawn large and labelled by name on the network."""

MARKERS = {
    "administration": "star",
    "senate": "diamond",
    "dpa": "triangle",
    "coalition": "hex",
    "state": "square",
    "company": "inverted_triangle",
    "organization": "circle",
    "international": "square_pin",
}
"""Marker of each actor type on the network (colour shows commitment, so shape shows type)."""


def month_ms(month: int) -> float:
    """Milliseconds since the epoch of the first day of an absolute month (Bokeh's datetime)."""
    return (datetime(month // 12, month % 12 + 1, 1) - datetime(1970, 1, 1)).total_seconds() * 1e3


def baseline_band(case: str = "mexico") -> dict[str, np.ndarray]:
    """The case's default run over seeds ``0 .. BAND_SEEDS - 1``, computed once per process.

    With :data:`BAND_PARAMS` naming a posterior, each seed runs with its own posterior draw
    (:mod:`sim.posterior`), so the band includes parameter uncertainty.

    Returns:
        Read-only arrays: the months ``x`` (Bokeh datetime), the 5 %, 50 % and 95 % points of
        total momentum each month (``lo``, ``median``, ``hi``) and ``continuity_index``, the
        continuity index of every seed (``sim.summary``; NaN where a run has none).
    """
    return _band(case, BAND_PARAMS)


def band_overrides(posterior: str | None) -> tuple[str, ...]:
    """:data:`BAND_PARAMS` for a posterior file (``""``: the shipped one; None: no posterior)."""
    if posterior is None:
        return ()
    return ("params=posterior", *((f"params.posterior.file={posterior}",) if posterior else ()))


@functools.lru_cache(maxsize=8)
def _band(case: str, params: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
    """:func:`baseline_band`, cached per case (``baseline_band.cache_clear()`` empties it)."""
    cfg = load_config([*([] if case == "mexico" else [f"case={case}"]), *params])
    results = [run(dataclasses.replace(cfg, seed=s), keep_model=False) for s in range(BAND_SEEDS)]
    values = np.vstack([r.timeseries["momentum"].to_numpy() for r in results])
    months = [parse_month(d) for d in results[0].timeseries["date"]]
    lo, med, hi = np.percentile(values, [5, 50, 95], axis=0)
    index = [r.summary["continuity_index"] for r in results]
    band = {
        "x": np.array([month_ms(m) for m in months]),
        "lo": lo,
        "median": med,
        "hi": hi,
        "continuity_index": np.array([np.nan if v is None else v for v in index], dtype=float),
    }
    return _frozen(band)


baseline_band.cache_clear = _band.cache_clear  # type: ignore[attr-defined]


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


def network_data(
    model: ContinuityModel,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Node, edge and label columns of the model's network at a layout computed once per network.

    Returns:
        The nodes (position, name, type key and label, size, commitment), the edges (one line
        per tie) and the labels of the main actors (:data:`MAIN_ACTORS`).
    """
    import scipy.sparse as sp

    table = model.network.nodes
    upper = sp.triu(model.adjacency, k=1).tocoo()
    src, dst = upper.row.astype(int), upper.col.astype(int)
    pos = _layout(tuple(table["id"].tolist()), src.tobytes(), dst.tobytes())
    types = table["type"].tolist()
    nodes = {
        "x": pos[:, 0].copy(),
        "y": pos[:, 1].copy(),
        "name": table["name"].tolist(),
        "kind": [t if t in MARKERS else "organization" for t in types],
        "type": [ACTOR_LABELS.get(t, t) for t in types],
        "size": [16 if t in MAIN_ACTORS else 8 for t in types],
        "commitment": np.asarray(model.state.commitment, dtype=float).copy(),
    }
    main = [i for i, t in enumerate(types) if t in MAIN_ACTORS]
    labels = {
        "x": [float(pos[i, 0]) for i in main],
        "y": [float(pos[i, 1]) for i in main],
        "text": [short_name(table.iloc[i]) for i in main],
    }
    edges = {
        "xs": np.c_[pos[src, 0], pos[dst, 0]].tolist(),
        "ys": np.c_[pos[src, 1], pos[dst, 1]].tolist(),
    }
    return nodes, edges, labels


def momentum_figure(
    case: str = "mexico",
) -> tuple[Any, ColumnDataSource, list[Span], BoxAnnotation]:
    """Total momentum and its pillars against the case's baseline band.

    Returns:
        The figure, the session's momentum source (empty), the two turnover markers and the
        shaded funding cut (the caller places them).
    """
    band = baseline_band(case)
    columns = {k: band[k] for k in BAND_COLUMNS}
    fig = figure(
        title="Momentum of the strategy (your run vs. the baseline band)",
        x_axis_type="datetime",
        height=330,
        sizing_mode="stretch_width",
        x_range=(band["x"][0], band["x"][-1]),
        toolbar_location=None,
    )
    fig.varea(
        "x",
        "lo",
        "hi",
        source=ColumnDataSource(private(columns), name="band_source"),
        color="#cccccc",
        alpha=0.6,
        legend_label="Baseline 5–95 %",
    )
    fig.line(
        "x",
        "median",
        source=ColumnDataSource(private(columns), name="median_source"),
        color="#999999",
        line_dash="dashed",
        legend_label="Baseline median",
    )
    cols = ["x", "momentum"] + [f"momentum_{p}" for p in PILLARS]
    source = ColumnDataSource({c: [] for c in cols}, name="momentum_source")
    pillar_colours = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9"]  # Okabe–Ito
    lines = [
        (f"momentum_{p}", p.capitalize(), c, 1.5)
        for p, c in zip(PILLARS, pillar_colours, strict=True)
    ]
    lines.append(("momentum", "Total", "black", 3))
    for column, label, colour, width in lines:
        fig.line("x", column, source=source, color=colour, line_width=width)
        # the legend's swatch: a line of its own with one (invisible) point, so that it is
        # drawn before the first step too
        swatch = fig.line(x=[np.nan], y=[np.nan], color=colour, line_width=width)
        fig.legend[0].items.append(LegendItem(label=label, renderers=[swatch]))
    spans = [
        Span(
            dimension="height",
            line_color="#D55E00",
            line_dash="dashed",
            line_width=2,
            location=None,
        )
        for _ in range(2)
    ]
    cut_box = BoxAnnotation(fill_color="#D55E00", fill_alpha=0.07)
    fig.renderers.extend([*spans, cut_box])
    fig.add_layout(fig.legend[0], "right")
    fig.legend.label_text_font_size = "9pt"
    fig.legend.background_fill_alpha = 0.7
    fig.yaxis.axis_label = "Momentum"
    return fig, source, spans, cut_box


def contribution_figure(x_range: Any) -> tuple[Any, ColumnDataSource]:
    """Who carries the momentum: the contribution of each actor type, stacked.

    The legend's swatches are drawn from one-row sources of their own (a point off the chart),
    so they show before the first step, when the stacked areas have no data yet.

    Returns:
        The figure and the session's contribution source (empty).
    """
    colours = actor_colours()
    keys = list(CONTRIBUTION_TYPES)
    source = ColumnDataSource({c: [] for c in ["x", *keys]}, name="contribution_source")
    fig = figure(
        title="Who carries the momentum (contribution by actor type)",
        x_axis_type="datetime",
        height=260,
        sizing_mode="stretch_width",
        x_range=x_range,
        toolbar_location=None,
    )
    fills = [to_hex(colours[CONTRIBUTION_TYPES[k]]) for k in keys]
    fig.varea_stack(keys, x="x", source=source, color=fills)
    items = []
    for key, fill in zip(keys, fills, strict=True):
        swatch = fig.varea(x=[np.nan, np.nan], y1=[np.nan, np.nan], y2=[np.nan, np.nan], color=fill)
        items.append(LegendItem(label=ACTOR_LABELS[CONTRIBUTION_TYPES[key]], renderers=[swatch]))
    fig.add_layout(
        Legend(
            items=items[::-1],  # top of the legend = top of the stack
            label_text_font_size="8pt",
            background_fill_alpha=0.7,
            name="contribution_legend",
        ),
        "right",
    )
    return fig, source


def network_figure() -> tuple[Any, ColumnDataSource, ColumnDataSource, ColumnDataSource]:
    """The stakeholder network: colour = commitment, shape = actor type, main actors named.

    Returns:
        The figure and the session's node, edge and label sources (empty).
    """
    node_source = ColumnDataSource(
        {k: [] for k in ("x", "y", "name", "kind", "type", "size", "commitment")},
        name="node_source",
    )
    edge_source = ColumnDataSource({"xs": [], "ys": []})
    label_source = ColumnDataSource({"x": [], "y": [], "text": []}, name="label_source")
    fig = figure(
        title="Stakeholder network (colour = commitment, shape = type)",
        height=520,
        width=460,
        toolbar_location=None,
        tools="",
    )
    fig.multi_line("xs", "ys", source=edge_source, color="#bdbdbd", alpha=0.4, line_width=0.5)
    mapper = linear_cmap("commitment", Viridis256, 0.0, 1.0)
    kinds = list(MARKERS)
    nodes = fig.scatter(
        "x",
        "y",
        size="size",
        source=node_source,
        marker=factor_mark("kind", [MARKERS[k] for k in kinds], kinds),
        fill_color=mapper,
        line_color="#222222",
        line_width=0.5,
    )
    fig.add_layout(
        LabelSet(
            x="x",
            y="y",
            text="text",
            source=label_source,
            x_offset=9,
            y_offset=4,
            text_font_size="9pt",
            text_font_style="bold",
            background_fill_color="white",
            background_fill_alpha=0.7,
        )
    )
    fig.add_tools(
        HoverTool(
            renderers=[nodes],
            tooltips=[("", "@name"), ("type", "@type"), ("commitment", "@commitment{0.00}")],
        )
    )
    fig.add_layout(
        ColorBar(color_mapper=mapper["transform"], width=10, title="Commitment"), "right"
    )
    items = []
    for kind in kinds:
        swatch = fig.scatter(
            x=[np.nan],
            y=[np.nan],
            marker=MARKERS[kind],
            size=10,
            fill_color="#9e9e9e",
            line_color="#222222",
        )
        items.append(LegendItem(label=ACTOR_LABELS[kind], renderers=[swatch]))
    fig.add_layout(
        Legend(
            items=items,
            ncols=2,
            label_text_font_size="8pt",
            glyph_width=18,
            glyph_height=18,
            spacing=0,
            padding=4,
            name="network_legend",
        ),
        "below",
    )
    fig.axis.visible = False
    fig.grid.visible = False
    return fig, node_source, edge_source, label_source
