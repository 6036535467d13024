"""Schedule charts: the obligations' timeline, the notes' debt service and the shares issued on
conversion (re-exported by :mod:`dealkit.present.charts`)."""

from __future__ import annotations

import plotly.graph_objects as go

__all__ = ["obligations_timeline", "debt_service_figure", "total_service_figure", "conversion_figure", "empty_figure"]


# ----------------------------------------------------------------------- obligations ----------
_STATUS_COLOURS = {
    "overdue": "#d62728",
    "performed late": "#ff7f0e",
    "due today": "#ff7f0e",
    "not yet due": "#1f77b4",
    "performed": "#2ca02c",
    "in effect": "#7f7f7f",
    "takes effect later": "#bbbbbb",
}


def obligations_timeline(deal, triggered, as_of) -> go.Figure:
    """Each triggered obligation as a line from its trigger to its due date, coloured by status
    on ``as_of`` (a vertical line); hover shows the duty and its section."""
    from dealkit.rules.obligations import party_label

    fig = go.Figure()
    shown = set()
    for t in [t for t in triggered if t.due is not None]:
        colour = _STATUS_COLOURS.get(t.status, "#000000")
        label = f"{t.obligation.id} ({t.event.date})"
        fig.add_trace(
            go.Scatter(
                x=[t.event.date.isoformat(), t.due.isoformat()],
                y=[label, label],
                mode="lines+markers",
                line={"color": colour, "width": 4},
                marker={"size": [6, 12], "symbol": ["circle", "diamond"]},
                name=t.status,
                legendgroup=t.status,
                showlegend=t.status not in shown,
                customdata=[
                    [
                        t.obligation.duty.value,
                        deal.cite(t.obligation.duty.source),
                        party_label(deal, t.obligation.obligor),
                        t.rule,
                    ]
                ]
                * 2,
                hovertemplate="%{x}<br>%{customdata[2]}: %{customdata[0]}<br>%{customdata[3]}<br>"
                "<i>%{customdata[1]}</i><extra>" + t.status + "</extra>",
            )
        )
        shown.add(t.status)
    if not any(t.due is not None for t in triggered):
        empty_figure(fig, "No obligation with a deadline was triggered by this date")
    fig.add_vline(x=as_of.isoformat(), line_dash="dash", line_color="#555")
    fig.add_annotation(x=as_of.isoformat(), y=1.02, yref="paper", text=f"as of {as_of}", showarrow=False)
    fig.update_layout(
        title="Triggered obligations: trigger → due date, by status",
        xaxis={"type": "date"},
        height=max(300, 60 + 28 * len(triggered)),
        margin={"l": 230, "r": 20, "t": 60, "b": 40},
        legend={"orientation": "h", "y": -0.15},
    )
    return fig


# ----------------------------------------------------------------------- notes ----------------
def debt_service_figure(schedule, title: str | None = None) -> go.Figure:
    """A note's payments by period, stacked: cash interest, cash principal, premium, principal
    paid in stock (valued at the conversion price)."""
    dates = [r["date"].isoformat() for r in schedule.rows]
    fig = go.Figure()
    for key, name in (
        ("interest", "cash interest"),
        ("principal_cash", "cash principal"),
        ("premium", "cash premium"),
        ("principal_stock", "principal paid in stock"),
    ):
        fig.add_trace(
            go.Bar(
                x=dates,
                y=[float(r[key]) for r in schedule.rows],
                name=name,
                hovertemplate="%{x}: $%{y:,.2f}<extra>" + name + "</extra>",
            )
        )
    fig.update_layout(
        barmode="stack",
        title=title or f"{schedule.note}: debt service by period",
        height=360,
        yaxis_title="$",
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 70, "r": 20, "t": 50, "b": 40},
    )
    return fig


def total_service_figure(schedules) -> go.Figure:
    """All notes: cash paid each period (interest, principal, premium), stacked by note."""
    fig = go.Figure()
    for s in schedules:
        fig.add_trace(
            go.Bar(
                x=[r["date"].isoformat() for r in s.rows],
                y=[float(r["interest"] + r["principal_cash"] + r["premium"]) for r in s.rows],
                name=s.note,
                hovertemplate="%{x}: $%{y:,.2f}<extra>" + s.note + "</extra>",
            )
        )
    fig.update_layout(
        barmode="stack",
        title="Total cash debt service by period",
        height=360,
        yaxis_title="$",
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 70, "r": 20, "t": 50, "b": 40},
    )
    if not any(s.rows for s in schedules):
        empty_figure(fig, "No payments in this scenario")
    return fig


def conversion_figure(schedules, outstanding: int) -> go.Figure:
    """Shares issued on conversion over time (cumulative) and the dilution they mean."""
    from plotly.subplots import make_subplots

    rows = sorted((r["date"], r["shares"]) for s in schedules for r in s.rows if r["shares"])
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    total, xs, ys, dil = 0, [], [], []
    for day, n in rows:
        total += n
        xs.append(day.isoformat())
        ys.append(total)
        dil.append(100 * total / (outstanding + total))
    fig.add_trace(
        go.Scatter(x=xs, y=ys, mode="lines+markers", line={"shape": "hv"}, name="shares issued (cumulative)"),
        secondary_y=False,
    )
    fig.add_trace(go.Scatter(x=xs, y=dil, mode="lines", line={"dash": "dot"}, name="dilution (%)"), secondary_y=True)
    fig.update_layout(
        title="Conversion shares and dilution",
        height=360,
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 80, "r": 70, "t": 50, "b": 40},
    )
    fig.update_xaxes(type="date", title_text="date of issue")
    fig.update_yaxes(title_text="shares issued (cumulative)", tickformat=",d", secondary_y=False)
    fig.update_yaxes(title_text="dilution (% of outstanding after)", ticksuffix="%", secondary_y=True)
    fig.update_traces(hovertemplate="%{x}: %{y:.2f}%<extra>dilution</extra>", selector={"name": "dilution (%)"})
    if not rows:
        empty_figure(fig, "No shares issued on conversion in this scenario")
    return fig


def empty_figure(fig: go.Figure, message: str) -> go.Figure:
    """An empty chart says so (a message in the middle) instead of collapsing to bare axes."""
    fig.add_annotation(
        text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font={"size": 15, "color": "#57606a"}
    )
    return fig
