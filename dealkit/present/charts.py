"""Plotly figures for the notebooks, and the one place the renderer is chosen.

Reports: figures are emitted as the plotly mimetype only (JupyterLab renders it natively), and
:mod:`dealkit.export` turns each into a ``<div>`` with plotly.js inlined once per HTML page.
(plotly 7 drops out of nbconvert otherwise: plotly/plotly.py#5365, jupyter/nbconvert#2235.)
"""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import plotly.io as pio

from dealkit.deal.loader import PrimeSeries
from dealkit.present.charts_escrow import ledger_timeline_figure, sankey_figure, state_diagram_figure
from dealkit.present.charts_option import cap_figure, option_heatmap, plan_figure
from dealkit.present.charts_schedules import (
    conversion_figure,
    debt_service_figure,
    obligations_timeline,
    total_service_figure,
)

__all__ = [
    "use_notebook_renderer",
    "use_template",
    "CHART_TEMPLATE",
    "timeline_figure",
    "prime_figure",
    "TIMELINE_ORDER",
    "PLOTLY_MIME",
    "sankey_figure",
    "state_diagram_figure",
    "ledger_timeline_figure",
    "option_heatmap",
    "cap_figure",
    "plan_figure",
    "obligations_timeline",
    "debt_service_figure",
    "total_service_figure",
    "conversion_figure",
]

#: Event categories of the deal timeline, top to bottom.
TIMELINE_ORDER = ("Closing", "Maturity", "Prime change", "Registration", "Amendment", "Waiver", "Default", "Sale")
_COLOURS = {
    "Closing": "#1f77b4",
    "Maturity": "#d62728",
    "Prime change": "#7f7f7f",
    "Registration": "#9467bd",
    "Amendment": "#8c564b",
    "Waiver": "#2ca02c",
    "Default": "#000000",
    "Sale": "#ff7f0e",
}


PLOTLY_MIME = "application/vnd.plotly.v1+json"


def _mimebundle(fig: go.Figure) -> dict:
    """What plotly's ``plotly_mimetype`` renderer emits: the figure as plotly JSON."""
    import json

    from plotly.io._json import to_json_plotly

    return {PLOTLY_MIME: json.loads(to_json_plotly(fig.to_dict(), pretty=False))}


def _display(fig: go.Figure) -> bool:
    from IPython.display import display

    display(_mimebundle(fig), raw=True)
    return True


#: The plotly template of every chart.
CHART_TEMPLATE = "plotly_white"


def use_template(name: str) -> None:
    """Make ``name``, one of plotly's registered templates, the default of every new figure.

    plotly's setter (``pio.templates.default = name``) validates the template by building a deep
    copy of it: about 0.1 s in each process, every report kernel included, for a name plotly
    itself registered. The name is checked here (registered, no ``+`` merge) and stored as the
    setter stores it; the setter runs only where plotly keeps the default elsewhere.
    """
    templates = pio.templates
    if templates.default == name:
        return
    if name in templates and "+" not in name and hasattr(templates, "_default"):
        templates._default = name  # what the setter stores once validation passes
    else:
        templates.default = name


def use_notebook_renderer() -> None:
    """Emit figures as ``application/vnd.plotly.v1+json`` only (no plotly.js per figure).

    Registered as IPython's display hook for ``go.Figure`` (the same bundle plotly's
    ``plotly_mimetype`` renderer produces; no other representation is computed), which spares
    each kernel plotly's renderer set-up: it imports nbformat and jsonschema (~0.2 s a kernel).
    ``FigureWidget`` keeps its own display.
    Outside IPython it falls back to ``pio.renderers.default = "plotly_mimetype"``.
    """
    use_template(CHART_TEMPLATE)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        get_ipython = lambda: None  # noqa: E731
    shell = get_ipython()
    if shell is None:
        pio.renderers.default = "plotly_mimetype"
        return
    shell.display_formatter.ipython_display_formatter.for_type(go.Figure, _display)


def timeline_figure(events) -> go.Figure:
    """A date × category scatter of the deal's events (``overview.timeline_events`` frame).

    Hover shows the event and its source, so each point traces to its citation.
    """
    fig = go.Figure()
    for category in TIMELINE_ORDER:
        sub = events[events["category"] == category]
        if sub.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=[d.isoformat() for d in sub["date"]],
                y=[category] * len(sub),
                mode="markers",
                name=category,
                marker={"size": 12, "color": _COLOURS[category], "symbol": "diamond"},
                customdata=list(zip(sub["event"], sub["source"], strict=True)),
                hovertemplate="%{x}<br>%{customdata[0]}<br><i>%{customdata[1]}</i><extra></extra>",
            )
        )
    fig.update_layout(
        title="Deal timeline, 2005–2008",
        height=420,
        showlegend=False,
        margin={"l": 110, "r": 20, "t": 50, "b": 40},
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(TIMELINE_ORDER))},
        xaxis={"type": "date"},
    )
    return fig


def prime_figure(prime: PrimeSeries, start: dt.date, end: dt.date, *, floor=None, margin=None) -> go.Figure:
    """The WSJ prime as a step line from ``start`` to ``end``; with ``margin`` and ``floor`` also
    the contract rate max(prime + margin, floor) (an assumption: note_terms)."""
    dates = [start] + [d for d, _ in prime.changes_between(start, end)] + [end]
    rates = [prime.rate_on(d) for d in dates]
    fig = go.Figure(
        go.Scatter(
            x=[d.isoformat() for d in dates],
            y=[float(r * 100) for r in rates],
            mode="lines",
            line={"shape": "hv"},
            name="WSJ prime",
            hovertemplate="%{x}: %{y:.2f}%<extra>WSJ prime</extra>",
        )
    )
    if margin is not None and floor is not None:
        contract = [max(r + margin, floor) for r in rates]
        fig.add_trace(
            go.Scatter(
                x=[d.isoformat() for d in dates],
                y=[float(r * 100) for r in contract],
                mode="lines",
                line={"shape": "hv", "dash": "dash"},
                name=f"contract rate (prime + {float(margin * 100):g}%, floor {float(floor * 100):g}%; assumed)",
                hovertemplate="%{x}: %{y:.2f}%<extra>contract</extra>",
            )
        )
    fig.update_layout(
        title=f"Wall Street Journal prime rate ({prime.source})",
        height=360,
        yaxis_title="% per year",
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
        legend={"orientation": "h", "y": -0.2},
    )
    return fig
