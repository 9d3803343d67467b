"""The stakeholder network coloured by actor type and commitment.

Reads the tables a run writes (``network_nodes.parquet`` and ``network_edges.parquet``, see
:meth:`sim.api.Result.network_tables`); never runs the model. :func:`plot_network` draws three
panels on one layout: (a) actor types, (b) commitment just before the first turnover, (c)
commitment at the end (or start and end if the run had no turnover). :func:`describe_network`
says the same in a few plain sentences.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.theme import (
    ACTOR_LABELS,
    ACTOR_TYPES,
    SEQUENTIAL,
    actor_colours,
    new_figure,
    save_figure,
)

NODE_COLUMNS = ("node", "type", "commitment_start", "commitment_final")
"""Columns the node table must have (``commitment_before_turnover``, ``coalition_member``,
``ai_office``, ``name`` and ``id`` are used when present)."""

EDGE_COLUMNS = ("source", "target")
"""Columns the edge table must have (a ``weight`` column, if present, shapes the layout)."""

INSTITUTIONS = ("administration", "senate", "dpa", "coalition")
"""The named institutional actors: drawn larger and labelled."""

MAX_LABELS = 8
"""Label the institutional actors only if there are at most this many."""

HOLD = 0.05
"""A mean commitment that drops by no more than this "held up" (:func:`describe_network`)."""

COMMITMENT_LABEL = "Commitment to the strategy"
EDGE_COLOUR = "#bdbdbd"
OUTLINE_COLOUR = "#222222"


class NetworkFigureError(ValueError):
    """The network tables cannot be drawn (missing columns, unknown types, dangling edges)."""


# --------------------------------------------------------------------------- tables
def check_tables(nodes: pd.DataFrame, edges: pd.DataFrame) -> None:
    """Raise :class:`NetworkFigureError` listing every problem of the two tables."""
    problems = []
    missing = [c for c in NODE_COLUMNS if c not in nodes.columns]
    if missing:
        problems.append(f"the node table lacks column(s) {', '.join(missing)}")
    missing = [c for c in EDGE_COLUMNS if c not in edges.columns]
    if missing:
        problems.append(f"the edge table lacks column(s) {', '.join(missing)}")
    if problems:
        raise NetworkFigureError("; ".join(problems))
    if nodes.empty:
        raise NetworkFigureError("the node table has no rows")
    if nodes["node"].duplicated().any():
        problems.append("the node table repeats node numbers")
    unknown = sorted(str(t) for t in set(nodes["type"]) - set(ACTOR_TYPES))
    if unknown:
        problems.append(
            f"unknown actor type(s) {', '.join(unknown)}; known: {', '.join(ACTOR_TYPES)}"
        )
    known = set(nodes["node"])
    dangling = ~(edges["source"].isin(known) & edges["target"].isin(known))
    if dangling.any():
        problems.append(f"{int(dangling.sum())} edge(s) name nodes not in the node table")
    if problems:
        raise NetworkFigureError("; ".join(problems))


def _degree(nodes: pd.DataFrame, edges: pd.DataFrame) -> pd.Series:
    """Number of ties of each node (indexed like ``nodes``)."""
    ends = pd.concat([edges["source"], edges["target"]], ignore_index=True)
    counts = ends.value_counts()
    return nodes["node"].map(counts).fillna(0).astype(int).set_axis(nodes.index)


def subset_network(
    nodes: pd.DataFrame, edges: pd.DataFrame, max_nodes: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``max_nodes`` best-connected nodes and the edges among them.

    The named institutions (:data:`INSTITUTIONS`) are always kept; the other places go to the
    nodes with the most ties in the whole network, ties broken by node number, so the same
    tables always give the same subset. Both tables are returned sorted (nodes by node number,
    edges by source and target), with a ``degree`` column on the nodes (ties in the whole
    network).

    Raises:
        NetworkFigureError: If the tables do not fit (see :func:`check_tables`) or
            ``max_nodes`` < 1.
    """
    check_tables(nodes, edges)
    if max_nodes < 1:
        raise NetworkFigureError(f"max_nodes must be at least 1, got {max_nodes}")
    nodes = nodes.assign(degree=_degree(nodes, edges), _other=~nodes["type"].isin(INSTITUTIONS))
    if len(nodes) > max_nodes:
        nodes = nodes.sort_values(
            ["_other", "degree", "node"], ascending=[True, False, True], kind="mergesort"
        ).head(max_nodes)
    nodes = nodes.drop(columns="_other").sort_values("node", kind="mergesort")
    nodes = nodes.reset_index(drop=True)
    keep = set(nodes["node"])
    edges = edges[edges["source"].isin(keep) & edges["target"].isin(keep)]
    edges = edges.sort_values(["source", "target"], kind="mergesort").reset_index(drop=True)
    return nodes, edges


def _ranked_institutions(nodes: pd.DataFrame, edges: pd.DataFrame, max_nodes: int) -> int:
    """How many institutions are among the ``max_nodes`` best-connected nodes by degree alone."""
    degree = _degree(nodes, edges)
    ranked = nodes.assign(degree=degree).sort_values(
        ["degree", "node"], ascending=[False, True], kind="mergesort"
    )
    return int(ranked["type"].head(max_nodes).isin(INSTITUTIONS).sum())


def network_layout(
    nodes: pd.DataFrame, edges: pd.DataFrame, seed: int = 0, iterations: int = 100
) -> np.ndarray:
    """Node positions (``len(nodes) x 2``, in ``nodes`` order), the same for the same seed.

    The Fruchterman–Reingold force-directed layout of networkx's ``spring_layout``: every pair
    of actors repels, tied actors attract (more so for a larger ``weight``, if the edge table
    has one), so groups that work together sit together. Written out here with numpy so that
    2,000 nodes take about 3 s (networkx's own takes 20 s above 500 nodes); the repulsion is
    computed in blocks of rows to bound memory.
    """
    n = len(nodes)
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2))
    if n < 2:
        return pos
    row = pd.Series(np.arange(n), index=nodes["node"].to_numpy())
    src = row[edges["source"]].to_numpy()
    dst = row[edges["target"]].to_numpy()
    weight = edges["weight"].to_numpy(dtype=float) if "weight" in edges else np.ones(len(edges))
    rows, cols, weight = np.r_[src, dst], np.r_[dst, src], np.r_[weight, weight]
    k2 = 1.0 / n  # the squared ideal distance between actors
    k = np.sqrt(k2)
    block = max(1, 2**20 // n)
    step = 0.1  # the largest move, cooling linearly
    cool = step / (iterations + 1)
    for _ in range(iterations):
        x, y = pos[:, 0], pos[:, 1]
        fx, fy = np.empty(n), np.empty(n)
        for a in range(0, n, block):
            dx = x[a : a + block, None] - x
            dy = y[a : a + block, None] - y
            scale = np.maximum(dx * dx + dy * dy, 1e-4)
            np.divide(k2, scale, out=scale)
            fx[a : a + block] = np.einsum("ij,ij->i", dx, scale)
            fy[a : a + block] = np.einsum("ij,ij->i", dy, scale)
        ex, ey = x[rows] - x[cols], y[rows] - y[cols]
        pull = weight * np.maximum(np.hypot(ex, ey), 0.01) / k
        fx -= np.bincount(rows, ex * pull, n)
        fy -= np.bincount(rows, ey * pull, n)
        move = step / np.maximum(np.hypot(fx, fy), 0.01)
        pos[:, 0] += fx * move
        pos[:, 1] += fy * move
        step -= cool
    return pos


# --------------------------------------------------------------------------- figure
def _has_before(nodes: pd.DataFrame) -> bool:
    return (
        "commitment_before_turnover" in nodes and nodes["commitment_before_turnover"].notna().any()
    )


def _sizes(nodes: pd.DataFrame) -> np.ndarray:
    """Marker areas (points²): grow with the number of ties; the institutions larger still."""
    degree = nodes["degree"].to_numpy(dtype=float)
    scale = np.sqrt(degree / max(degree.max(), 1.0))
    base, span = (12.0, 100.0) if len(nodes) <= 600 else (4.0, 60.0)
    sizes = base + span * scale
    institution = nodes["type"].isin(INSTITUTIONS).to_numpy()
    return np.where(institution, 1.6 * sizes + 70.0, sizes)


def short_name(row: pd.Series) -> str:
    """A short label: the acronym in brackets, a short name, else the actor type."""
    kind = row["type"]
    if kind == "administration":
        return ACTOR_LABELS[kind]
    name = str(row["name"]) if "name" in row and pd.notna(row["name"]) else ""
    acronym = re.search(r"\(([A-Z0-9][A-Za-z0-9-]{1,9})\)\s*$", name)
    if acronym:
        return acronym.group(1)
    return name if 0 < len(name) <= 24 else ACTOR_LABELS[kind]


def _draw(
    ax: Any,
    pos: np.ndarray,
    edges_xy: np.ndarray,
    sizes: np.ndarray,
    colours: np.ndarray,
    outline: np.ndarray,
) -> Any:
    """Edges, then nodes (small first, so the hubs stay on top); returns the nodes' scatter."""
    from matplotlib.collections import LineCollection

    fade = min(1.0, np.sqrt(2000 / max(len(edges_xy), 1)))  # many edges: fainter, thinner
    ax.add_collection(
        LineCollection(
            edges_xy, colors=EDGE_COLOUR, linewidths=0.2 + 0.2 * fade, alpha=0.6 * fade, zorder=1
        )
    )
    order = np.argsort(sizes, kind="stable")
    numeric = colours.ndim == 1
    scatter = ax.scatter(
        pos[order, 0],
        pos[order, 1],
        s=sizes[order],
        c=colours[order],
        cmap=SEQUENTIAL if numeric else None,
        vmin=0.0 if numeric else None,
        vmax=1.0 if numeric else None,
        edgecolors=np.where(outline, OUTLINE_COLOUR, "white")[order],
        linewidths=np.where(outline, 0.8, 0.3)[order],
        zorder=2,
    )
    ax.update_datalim(pos)
    ax.autoscale_view()
    ax.margins(0.03)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return scatter


def _place_labels(
    fig: Any, axes: Any, pos: np.ndarray, sizes: np.ndarray, labels: list[tuple[int, str]]
) -> None:
    """Name some nodes in every panel, each on the same side of its dot.

    The side is the first one where the label covers no other label and no other named dot.
    """
    from matplotlib.transforms import Bbox

    if not labels:
        return
    fig.canvas.draw()  # fix the layout, so that text extents are final
    renderer = fig.canvas.get_renderer()
    ax = axes[0]
    px = fig.dpi / 72.0
    dots = {}
    for i, _ in labels:
        x, y = ax.transData.transform(pos[i])
        r = np.sqrt(sizes[i]) / 2 * px
        dots[i] = Bbox.from_extents(x - r, y - r, x + r, y + r)
    placed: list[Any] = []
    chosen = {}
    for i, text in sorted(labels, key=lambda item: -sizes[item[0]]):
        r = np.sqrt(sizes[i]) / 2 + 2
        sides = [
            (0, r, "center", "bottom"), (0, -r, "center", "top"),
            (r, 0, "left", "center"), (-r, 0, "right", "center"),
            (r, r, "left", "bottom"), (-r, r, "right", "bottom"),
            (r, -r, "left", "top"), (-r, -r, "right", "top"),
        ]  # fmt: skip
        others = [b for j, b in dots.items() if j != i]
        for k, side in enumerate(sides):
            note = _label(ax, pos[i], text, side)
            box = note.get_window_extent(renderer)
            note.remove()
            if k == len(sides) - 1 or not any(box.overlaps(b) for b in placed + others):
                placed.append(box)
                chosen[i] = (text, side)
                break
    for ax in axes:
        for i, (text, side) in chosen.items():
            _label(ax, pos[i], text, side)


def _label(ax: Any, xy: np.ndarray, text: str, side: tuple) -> Any:
    dx, dy, ha, va = side
    return ax.annotate(
        text, xy, xytext=(dx, dy), textcoords="offset points", ha=ha, va=va, fontsize=9,
        zorder=3, bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
    )  # fmt: skip


def plot_network(
    nodes: pd.DataFrame,
    edges: pd.DataFrame,
    stem: str | Path,
    *,
    max_nodes: int = 2000,
    seed: int = 0,
    title: str | None = None,
) -> list[Path]:
    """Draw the network three times on one layout: actor types, commitment before and after.

    (a) colours each actor by type; (b) by its commitment just before the first turnover and
    (c) at the end, on one 0–1 scale. Without a turnover (``commitment_before_turnover`` all
    missing) the two commitment panels are the start and the end. Dots grow with the number of
    ties; the federal administration, Senate, data-protection authority and coalitions are drawn
    larger and named; coalition members are outlined. Above ``max_nodes`` actors only the
    best-connected ``max_nodes`` are drawn, and the title says so.

    Args:
        nodes: The node table (:data:`NODE_COLUMNS` at least).
        edges: The edge table (``source``, ``target``; ``weight`` shapes the layout).
        stem: Output path without suffix; ``STEM.png`` and ``STEM.svg`` are written.
        max_nodes: Draw at most this many actors.
        seed: Seed of the layout (the same seed gives the same picture).
        title: The figure title (default: a plain description).

    Returns:
        The files written.

    Raises:
        NetworkFigureError: If a table lacks a required column or does not fit the other.

    """
    from matplotlib.lines import Line2D

    total = len(nodes)
    shown, ties = subset_network(nodes, edges, max_nodes)
    pos = network_layout(shown, ties, seed)
    row = pd.Series(np.arange(len(shown)), index=shown["node"].to_numpy())
    edges_xy = np.stack(
        [pos[row[ties["source"]].to_numpy()], pos[row[ties["target"]].to_numpy()]], axis=1
    )
    sizes = _sizes(shown)
    outline = (
        shown["coalition_member"].eq(True).to_numpy()
        if "coalition_member" in shown
        else np.zeros(len(shown), dtype=bool)
    )
    institutions = np.flatnonzero(shown["type"].isin(INSTITUTIONS).to_numpy())
    labels = (
        [(int(i), short_name(shown.iloc[i])) for i in institutions]
        if len(institutions) <= MAX_LABELS
        else []
    )
    before = _has_before(nodes)
    panels = [
        ("commitment_before_turnover", "(b) Commitment just before the turnover")
        if before
        else ("commitment_start", "(b) Commitment at the start"),
        ("commitment_final", "(c) Commitment at the end"),
    ]
    palette = actor_colours()

    fig, grid = new_figure(
        2, 3, figsize=(15, 6.6), layout="constrained", gridspec_kw={"height_ratios": [1, 0.24]}
    )
    axes = grid[0]
    _draw(axes[0], pos, edges_xy, sizes, np.array([palette[t] for t in shown["type"]]), outline)
    axes[0].set_title("(a) Actor types", loc="left")
    for ax, (column, words) in zip(axes[1:], panels, strict=True):
        values = shown[column].to_numpy(dtype=float)
        scatter = _draw(ax, pos, edges_xy, sizes, values, outline)
        ax.set_title(words, loc="left")

    # the bottom row: the key to panel (a) under it, the colour scale under (b) and (c)
    layout = grid[1, 0].get_gridspec()
    for ax in grid[1]:
        ax.remove()
    key = fig.add_subplot(layout[1, 0])
    scale = fig.add_subplot(layout[1, 1:])
    for ax in (key, scale):
        ax.set_axis_off()
    counts = shown["type"].value_counts()
    handles = [
        Line2D([], [], ls="", marker="o", markersize=8, markerfacecolor=palette[t],
               markeredgecolor="white", label=f"{ACTOR_LABELS[t]} ({counts[t]:,})")
        for t in ACTOR_TYPES
        if t in counts.index
    ]  # fmt: skip
    if outline.any():
        handles.append(
            Line2D([], [], ls="", marker="o", markersize=8, markerfacecolor="white",
                   markeredgecolor=OUTLINE_COLOUR, markeredgewidth=1.2,
                   label="Coalition member (outlined)")
        )  # fmt: skip
    key.legend(
        handles=handles, loc="upper center", ncol=2, fontsize=9, frameon=False,
        title="Each dot is an actor (larger: more ties); each line a working tie",
        title_fontsize=9, borderaxespad=0,
    )  # fmt: skip
    bar = fig.colorbar(
        scatter, cax=scale.inset_axes([0.2, 0.72, 0.6, 0.16]), orientation="horizontal"
    )
    bar.set_label(COMMITMENT_LABEL + " (0 = none, 1 = full)")
    bar.outline.set_visible(False)

    heading = title or "The stakeholder network, coloured by actor type and by commitment"
    if len(shown) < total:
        heading += f"\n{len(shown):,} of {total:,} actors shown: the best connected"
        if shown["type"].isin(INSTITUTIONS).sum() > _ranked_institutions(nodes, edges, max_nodes):
            heading += " and the named institutions"
    fig.suptitle(heading, fontsize=14)
    _place_labels(fig, axes, pos, sizes, labels)
    return save_figure(fig, stem)


# --------------------------------------------------------------------------- words
_SINGULAR = {
    "state": "state",
    "coalition": "coalition",
    "company": "company",
    "organization": "member organisation",
    "international": "international body",
}


def _lower(kind: str, count: int = 2) -> str:
    """The plain name of an actor type inside a sentence (the Senate keeps its capital)."""
    if count == 1 and kind in _SINGULAR:
        return _SINGULAR[kind]
    label = ACTOR_LABELS[kind]
    return label if kind == "senate" else label[0].lower() + label[1:]


def _count_words(kind: str, count: int) -> str:
    if count != 1:
        return f"{count:,} {_lower(kind)}"
    return f"one {_SINGULAR[kind]}" if kind in _SINGULAR else f"the {_lower(kind)}"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def describe_network(nodes: pd.DataFrame, edges: pd.DataFrame) -> list[str]:
    """Two or three plain sentences: who is in the network, whose commitment held, the coalition.

    Commitment is compared between just before the first turnover and the end (from the start
    if the run had no turnover); a type whose mean commitment dropped by no more than
    :data:`HOLD` "held up" (one that rose by more "rose").

    Args:
        nodes: The node table (:data:`NODE_COLUMNS` at least).
        edges: The edge table.

    Returns:
        The sentences.

    Raises:
        NetworkFigureError: If a table lacks a required column or does not fit the other.

    """
    check_tables(nodes, edges)
    counts = nodes["type"].value_counts()
    present = sorted(counts.index, key=lambda t: (-counts[t], ACTOR_TYPES.index(t)))
    lines = [
        f"The network links {len(nodes):,} actors by {len(edges):,} ties: "
        + _join([_count_words(t, int(counts[t])) for t in present])
        + "."
    ]

    first = "commitment_before_turnover" if _has_before(nodes) else "commitment_start"
    since = "just before the turnover" if first == "commitment_before_turnover" else "the start"
    means = nodes.groupby("type")[[first, "commitment_final"]].mean()
    change = means["commitment_final"] - means[first]
    fell = sorted((t for t in present if change[t] < -HOLD), key=lambda t: change[t])
    rose = sorted((t for t in present if change[t] > HOLD), key=lambda t: -change[t])
    held = [t for t in present if t not in fell and t not in rose]

    def listed(types: list[str]) -> str:
        return _join(
            [
                f"{'the ' if counts[t] == 1 else ''}{_lower(t, counts[t])} "
                f"({means.loc[t, first]:.2f} → {means.loc[t, 'commitment_final']:.2f})"
                for t in types
            ]
        )

    start = f"From {since} to the end, mean commitment (0 to 1)"
    if not fell and not rose:
        lines.append(f"{start} held up for every actor type: {listed(held)}.")
    elif not held and not rose:
        lines.append(f"{start} fell for every actor type: {listed(fell)}.")
    else:
        parts = []
        if fell:
            parts.append(f"fell for {listed(fell)}")
        if rose:
            parts.append(f"rose for {listed(rose)}")
        if held:
            others = "the other types: " if len(held) > 1 else ""
            parts.append(f"held up for {others}{listed(held)}")
        lines.append(f"{start} " + "; ".join(parts) + ".")

    extra = []
    if "coalition_member" in nodes:
        members = int(nodes["coalition_member"].eq(True).sum())
        pool = int(nodes["type"].isin(["organization", "company"]).sum())
        share = f" ({members / pool:.0%} of the organisations and companies)" if pool else ""
        extra.append(f"{members:,} actors were coalition members{share}")
    if "ai_office" in nodes and "state" in counts.index:
        offices = int(nodes.loc[nodes["type"] == "state", "ai_office"].eq(True).sum())
        extra.append(f"{offices:,} of {int(counts['state']):,} states had an AI office")
    if extra:
        lines.append("At the end, " + _join(extra) + ".")
    return lines


__all__ = [
    "NetworkFigureError",
    "check_tables",
    "describe_network",
    "network_layout",
    "plot_network",
    "subset_network",
]
