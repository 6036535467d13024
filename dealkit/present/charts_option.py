"""Option charts: the scenario heatmap, the 4.99% cap under both readings of Option §10 and the
exercise plan (re-exported by :mod:`dealkit.present.charts`)."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

__all__ = ["option_heatmap", "cap_figure", "plan_figure"]


# ----------------------------------------------------------------------- option ---------------
def _switch_buttons(labels: list[str]) -> list[dict[str, Any]]:
    """One plotly button per trace, showing only it (they work offline in the HTML)."""
    return [
        {
            "label": label,
            "method": "update",
            "args": [
                {"visible": [i == j for j in range(len(labels))]},
                {"title.text": f"Cashless exercise now: {label}"},
            ],
        }
        for i, label in enumerate(labels)
    ]


def option_heatmap(grid, holdings_index: int = 0) -> go.Figure:
    """Shares issued on a cashless exercise (§2.2(b)) over FMV × outstanding, both §10 readings,
    with plotly buttons to switch reading and metric (they work offline in the HTML). Values are
    cast to float32 for drawing (exact figures are in the engine)."""
    import numpy as np

    outstanding = [int(v) for v in grid.outstanding]
    fmv = [float(v) for v in grid.fmv]
    traces: list[go.Heatmap] = []
    labels: list[str] = []
    for r, reading in enumerate(grid.readings):
        for metric, values, unit in (
            ("shares issued", grid.shares_issued, "shares"),
            ("value to holder", grid.value_cents / 100, "$"),
        ):
            drawn = np.asarray(values[:, :, holdings_index, r], dtype=np.float32)
            traces.append(
                go.Heatmap(
                    x=outstanding,
                    y=fmv,
                    z=drawn,
                    colorscale="Viridis",
                    visible=not traces,
                    colorbar={"title": unit},
                    hovertemplate="outstanding %{x:,}<br>FMV $%{y}<br>%{z:,.0f} " + unit + f"<extra>{reading}</extra>",
                )
            )
            labels.append(f"{metric} — {reading}")
    buttons = _switch_buttons(labels)
    fig = go.Figure(traces)
    fig.update_layout(
        title=f"Cashless exercise now: {labels[0]}",
        height=460,
        xaxis_title="shares outstanding before exercise",
        yaxis_title="Fair Market Value ($, log scale)",
        yaxis={"type": "log", "tickprefix": "$", "tickformat": ".5~f"},
        xaxis={"tickformat": ",d"},
        updatemenus=[{"buttons": buttons, "x": 1.0, "y": 1.15, "xanchor": "right"}],
        margin={"l": 70, "r": 20, "t": 80, "b": 50},
    )
    return fig


def cap_figure(outstanding_values, owned: int, readings: dict, remaining: int, cap) -> go.Figure:
    """§10: the most shares exercisable now against shares outstanding, one line per reading, under
    ``cap`` (the loaded deal's ``option.max_exercise_cap``: ``option.deal_terms(deal)["cap"]``)."""
    from dealkit.rules.option.cap import max_exercisable

    fig = go.Figure()
    for reading in readings:
        fig.add_trace(
            go.Scatter(
                x=list(outstanding_values),
                y=[
                    max_exercisable(int(o), owned, cap, reading=reading, remaining=remaining)
                    for o in outstanding_values
                ],
                mode="lines",
                name=reading,
                hovertemplate="outstanding %{x:,}<br>%{y:,} shares<extra>" + reading + "</extra>",
            )
        )
    fig.update_layout(
        title=f"§10: shares exercisable now under the {(cap * 100).normalize():f}% cap (holder owns {owned:,})",
        height=380,
        xaxis_title="shares outstanding",
        yaxis_title="shares exercisable",
        legend={"orientation": "h", "y": -0.25},
        margin={"l": 70, "r": 20, "t": 50, "b": 40},
    )
    return fig


def plan_figure(steps, total: int) -> go.Figure:
    """The exercise plan over time: shares exercised so far, and the Holder's ownership."""
    from plotly.subplots import make_subplots

    fig = make_subplots(specs=[[{"secondary_y": True}]])
    done, cum = 0, []
    for s in steps:
        done += s.exercised
        cum.append(done)
    dates = [s.date.isoformat() for s in steps]
    fig.add_trace(
        go.Scatter(x=dates, y=cum, mode="lines+markers", name="exercised so far", line={"shape": "hv"}),
        secondary_y=False,
    )
    fig.add_trace(
        go.Scatter(
            x=dates,
            y=[float(s.ownership_after) * 100 for s in steps],
            mode="lines",
            name="holder's ownership after (%)",
            line={"dash": "dot"},
        ),
        secondary_y=True,
    )
    fig.update_layout(
        title=f"Exercise plan: {len(steps)} exercises to get {total:,} shares out under §10",
        height=400,
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 70, "r": 60, "t": 50, "b": 40},
    )
    fig.update_xaxes(type="date", tickformat="%Y-%m-%d")
    fig.update_yaxes(title_text="shares", secondary_y=False)
    fig.update_yaxes(title_text="% of outstanding", secondary_y=True)
    return fig
