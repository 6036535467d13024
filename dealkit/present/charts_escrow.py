"""Escrow charts: where the Escrowed Payment goes (FEA §3.1(a)), the escrow's phases as a state
diagram (FEA Art. III-V), and a ledger's timeline (re-exported by :mod:`dealkit.present.charts`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import plotly.graph_objects as go

__all__ = ["sankey_figure", "state_diagram_figure", "ledger_timeline_figure"]


def sankey_figure(rows, escrowed, title: str = "Where the Escrowed Payment goes") -> go.Figure:
    """A Sankey chart from the Escrowed Payment to each payee (FEA §3.1(a)); hover shows the exact
    amount and its basis. Floats are for drawing only; the labels carry the exact cents."""
    rows = [r for r in rows if r.amount > 0]
    labels = [f"Escrowed Payment ${escrowed:,.2f}"] + [f"{r.payee}<br>${r.amount:,.2f}" for r in rows]
    fig = go.Figure(
        go.Sankey(
            node={"label": labels, "pad": 18, "thickness": 16},
            link={
                "source": [0] * len(rows),
                "target": list(range(1, len(rows) + 1)),
                "value": [float(r.amount) for r in rows],
                "customdata": [f"${r.amount:,.2f} — {r.basis} ({r.section})" for r in rows],
                "hovertemplate": "%{customdata}<extra></extra>",
            },
        )
    )
    fig.update_layout(title=title, height=420, margin={"l": 20, "r": 20, "t": 50, "b": 20})
    return fig


_PHASE_XY = {
    "holding": (0, 2),
    "released": (1, 3),
    "disbursed": (2, 3),
    "disputed": (1, 1.5),
    "interpleader": (2, 1.5),
    "remitted_by_court_order": (3, 2.25),
    "resigning": (1, 0),
    "transferred_to_successor": (2, 0),
    "deposited_with_court": (3, 0.75),
    "terminated_by_agreement": (0, 0.5),
}


#: The phases that end the escrow (drawn as squares).
_TERMINAL = {
    "disbursed",
    "remitted_by_court_order",
    "deposited_with_court",
    "transferred_to_successor",
    "terminated_by_agreement",
}


def _state_edges(transitions: dict[str, Any], targets: dict[str, str]) -> set[tuple[str, str, str]]:
    """(from phase, to phase, event) for every event that moves the escrow."""
    edges = {("holding", "released", "all four §3.1(a) conditions")}
    for event, (allowed, _actor, _section) in transitions.items():
        to = targets.get(event)
        for frm in allowed:
            if to and to != frm:
                edges.add((frm, to, event))
    return edges


def _add_arrows(fig: go.Figure, edges: set[tuple[str, str, str]], taken: set[tuple[str, str]]) -> None:
    """One arrow per pair of phases; the scenario's in bold red. All arrows are set at once:
    ``add_annotation`` re-validates every earlier annotation on each call (50 ms against 6 ms)."""
    arrows = []
    for frm, to in sorted({(f, t) for f, t, _ in edges}):
        (x0, y0), (x1, y1) = _PHASE_XY[frm], _PHASE_XY[to]
        bold = (frm, to) in taken
        arrows.append(
            {
                "x": x1,
                "y": y1,
                "ax": x0,
                "ay": y0,
                "xref": "x",
                "yref": "y",
                "axref": "x",
                "ayref": "y",
                "showarrow": True,
                "arrowhead": 3,
                "arrowsize": 1.2,
                "arrowwidth": 3 if bold else 1,
                "arrowcolor": "#d62728" if bold else "#bbbbbb",
                "standoff": 14,
                "startstandoff": 14,
            }
        )
    fig.layout.annotations = arrows


def _phase_markers(edges: set[tuple[str, str, str]], visited: set[str]) -> go.Scatter:
    """The phases as markers: red where the scenario went, squares where the escrow ends."""
    names = list(_PHASE_XY)
    return go.Scatter(
        x=[_PHASE_XY[name][0] for name in names],
        y=[_PHASE_XY[name][1] for name in names],
        mode="markers+text",
        text=[name.replace("_", " ") for name in names],
        textposition="top center",
        marker={
            "size": 18,
            "color": ["#d62728" if name in visited else "#1f77b4" for name in names],
            "symbol": ["square" if name in _TERMINAL else "circle" for name in names],
        },
        hovertext=[", ".join(sorted(e for f, _, e in edges if f == name)) or "terminal (FEA §5.1)" for name in names],
        hovertemplate="%{text}<br>events out: %{hovertext}<extra></extra>",
    )


def state_diagram_figure(
    transitions: dict[str, Any], targets: dict[str, str], path: tuple[tuple[str, str], ...] | list[tuple[str, str]] = ()
) -> go.Figure:
    """The escrow's phases and the events between them (FEA Art. III-V); the edges a scenario
    took (``path``: (from, to) pairs) are drawn bold."""
    taken = {(a, b) for a, b in path if a != b}
    edges = _state_edges(transitions, targets)
    fig = go.Figure()
    _add_arrows(fig, edges, taken)
    visited = {phase for pair in taken for phase in pair} | ({path[0][0]} if path else set())
    fig.add_trace(_phase_markers(edges, visited))
    fig.update_layout(
        title="Escrow phases (squares end the escrow); the scenario's path in red",
        height=460,
        showlegend=False,
        xaxis={"visible": False, "range": [-0.5, 3.6]},
        yaxis={"visible": False, "range": [-0.5, 3.6]},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return fig


def ledger_timeline_figure(ledger) -> go.Figure:
    """The scenario's recorded events on a date axis, by the phase they left the escrow in."""
    fig = go.Figure(
        go.Scatter(
            x=[e.date.isoformat() for e in ledger],
            y=[e.phase_after.replace("_", " ") for e in ledger],
            mode="markers+lines",
            line={"shape": "hv", "color": "#aaaaaa"},
            marker={"size": 12},
            customdata=[(e.event, e.actor, e.section, e.detail) for e in ledger],
            hovertemplate="%{x}: %{customdata[0]} by %{customdata[1]}<br>%{customdata[3]}<br><i>%{customdata[2]}</i>"
            "<extra></extra>",
        )
    )
    first, last = min(e.date for e in ledger), max(e.date for e in ledger)
    pad = max(dt.timedelta(days=3), (last - first) / 20)
    fig.update_layout(
        title="Scenario timeline (events and the phase after each)",
        height=360,
        xaxis={"type": "date", "range": [(first - pad).isoformat(), (last + pad).isoformat()]},
        margin={"l": 170, "r": 20, "t": 50, "b": 40},
    )
    return fig
