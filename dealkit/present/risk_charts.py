"""Figures of the risk notebook (05_risk): fan charts, distributions, the stock-test pass rates,
the tornado and the two-way table. Data is summarized before it reaches a figure (percentile
bands, histogram counts, float32), so a page stays small whatever the path count."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

__all__ = ["fan_figure", "distribution_figure", "pass_rate_figure", "tornado_figure", "two_way_figure"]

_BANDS = ((5, 95, "rgba(31,119,180,0.15)", "5–95%"), (25, 75, "rgba(31,119,180,0.35)", "25–75%"))


def fan_figure(dates: Sequence[dt.date], values: np.ndarray, title: str, yaxis: str, log: bool = False) -> go.Figure:
    """Percentile bands (5–95, 25–75) and the median across paths (rows of ``values``) over time."""
    q = np.percentile(values, [5, 25, 50, 75, 95], axis=0).astype(np.float32)
    qi = {5: q[0], 25: q[1], 50: q[2], 75: q[3], 95: q[4]}
    x = list(dates)
    fig = go.Figure()
    for lo, hi, colour, name in _BANDS:
        fig.add_trace(go.Scatter(x=x, y=qi[hi], mode="lines", line=dict(width=0), showlegend=False, hoverinfo="skip"))
        fig.add_trace(
            go.Scatter(x=x, y=qi[lo], mode="lines", line=dict(width=0), fill="tonexty", fillcolor=colour, name=name)
        )
    fig.add_trace(go.Scatter(x=x, y=qi[50], mode="lines", line=dict(color="#1f77b4"), name="median"))
    fig.update_layout(title=title, yaxis_title=yaxis, height=380, margin=dict(t=50, b=40))
    if log:
        fig.update_yaxes(type="log")
    return fig


def distribution_figure(values: np.ndarray, title: str, xaxis: str, bins: int = 60) -> go.Figure:
    """A histogram of a metric across paths (counts computed here: no raw points in the page)."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    counts, edges = np.histogram(v, bins=bins) if v.size else (np.zeros(1), np.array([0.0, 1.0]))
    mid = ((edges[:-1] + edges[1:]) / 2).astype(np.float32)
    fig = go.Figure(
        go.Bar(
            x=mid,
            y=counts / max(v.size, 1),
            width=float(edges[1] - edges[0]),
            marker_color="#1f77b4",
            name="share of paths",
        )
    )
    if v.size:
        for q, dash in ((5, "dot"), (50, "dash"), (95, "dot")):
            fig.add_vline(
                x=float(np.percentile(v, q)),
                line_dash=dash,
                line_color="#d62728",
                annotation_text=f"p{q}",
                annotation_position="top",
            )
    fig.update_layout(
        title=title, xaxis_title=xaxis, yaxis_title="share of paths", height=340, margin=dict(t=50, b=40), bargap=0
    )
    return fig


def pass_rate_figure(frame) -> go.Figure:
    """Per Term A payment date: the share of paths whose 5-day average close passes the 110% test,
    and the share paid fully in stock (volume and 4.99% caps allowing)."""
    fig = go.Figure()
    x = [str(d) for d in frame["date"]]
    fig.add_trace(go.Bar(x=x, y=frame["price test passes"], name="price test passes", marker_color="#9ecae1"))
    fig.add_trace(go.Bar(x=x, y=frame["paid fully in stock"], name="paid fully in stock", marker_color="#1f77b4"))
    fig.add_trace(
        go.Scatter(
            x=x, y=frame["defaulted before"], name="defaulted before", mode="lines+markers", line=dict(color="#d62728")
        )
    )
    fig.update_layout(
        title="Term A Monthly Amounts: probability of payment in stock",
        barmode="overlay",
        yaxis=dict(tickformat=".0%", range=[0, 1]),
        height=360,
        margin=dict(t=50, b=40),
    )
    return fig


def tornado_figure(frame, metric: str, stat: str) -> go.Figure:
    """One bar per assumed term: the metric at the low and the high end of its range, around the base."""
    base = float(frame["base"].iloc[0]) if len(frame) else 0.0
    rows = frame.iloc[::-1]
    fig = go.Figure()
    for end, name, color in (("low", "low end", "#9ecae1"), ("high", "high end", "#1f77b4")):
        fig.add_trace(
            go.Bar(
                y=rows["term"],
                x=rows[f"at {end}"] - base,
                base=base,
                orientation="h",
                name=name,
                marker_color=color,
                text=rows[end],
                hovertemplate="%{y} = %{text}: %{x}<extra></extra>",
            )
        )
    fig.add_vline(x=base, line_color="#444")
    fig.update_layout(
        title=f"Tornado: {stat} {metric} over each assumed term's range",
        barmode="overlay",
        height=80 + 40 * len(frame),
        margin=dict(t=50, b=40, l=170),
    )
    return fig


def two_way_figure(frame, metric: str, stat: str) -> go.Figure:
    """Heatmap of the metric by Fixed Conversion Price (rows) × volatility (columns)."""
    z = frame.to_numpy(dtype=np.float32)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=list(frame.columns),
            y=list(frame.index),
            colorscale="Blues",
            text=[[f"{v:,.3g}" for v in row] for row in z],
            texttemplate="%{text}",
        )
    )
    fig.update_layout(
        title=f"{stat} {metric}: Fixed Conversion Price × volatility",
        xaxis_title="volatility (annual)",
        yaxis_title="Fixed Conversion Price",
        height=360,
        margin=dict(t=50, b=40),
    )
    return fig
