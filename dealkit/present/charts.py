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

__all__ = ["use_notebook_renderer", "timeline_figure", "prime_figure", "TIMELINE_ORDER"]

#: Event categories of the deal timeline, top to bottom.
TIMELINE_ORDER = ("Closing", "Maturity", "Prime change", "Registration", "Amendment", "Waiver",
                  "Default", "Sale")
_COLOURS = {"Closing": "#1f77b4", "Maturity": "#d62728", "Prime change": "#7f7f7f",
            "Registration": "#9467bd", "Amendment": "#8c564b", "Waiver": "#2ca02c",
            "Default": "#000000", "Sale": "#ff7f0e"}


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


def use_notebook_renderer() -> None:
    """Emit figures as ``application/vnd.plotly.v1+json`` only (no plotly.js per figure).

    Registered as IPython's display hook for ``go.Figure`` (the same bundle plotly's
    ``plotly_mimetype`` renderer produces; no other representation is computed), which spares
    each kernel plotly's renderer set-up: it imports nbformat and jsonschema (~0.2 s a kernel).
    ``FigureWidget`` keeps its own display.
    Outside IPython it falls back to ``pio.renderers.default = "plotly_mimetype"``.
    """
    if pio.templates.default != "plotly_white":  # setting it validates the template again (~30 ms)
        pio.templates.default = "plotly_white"
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
        fig.add_trace(go.Scatter(
            x=[d.isoformat() for d in sub["date"]], y=[category] * len(sub), mode="markers",
            name=category, marker={"size": 12, "color": _COLOURS[category], "symbol": "diamond"},
            customdata=list(zip(sub["event"], sub["source"])),
            hovertemplate="%{x}<br>%{customdata[0]}<br><i>%{customdata[1]}</i><extra></extra>"))
    fig.update_layout(title="Deal timeline, 2005–2008", height=420, showlegend=False,
                      margin={"l": 110, "r": 20, "t": 50, "b": 40},
                      yaxis={"categoryorder": "array", "categoryarray": list(reversed(TIMELINE_ORDER))},
                      xaxis={"type": "date"})
    return fig


def prime_figure(prime: PrimeSeries, start: dt.date, end: dt.date, *, floor=None, margin=None) -> go.Figure:
    """The WSJ prime as a step line from ``start`` to ``end``; with ``margin`` and ``floor`` also
    the contract rate max(prime + margin, floor) (an assumption: note_terms)."""
    dates = [start] + [d for d, _ in prime.changes_between(start, end)] + [end]
    rates = [prime.rate_on(d) for d in dates]
    fig = go.Figure(go.Scatter(x=[d.isoformat() for d in dates], y=[float(r * 100) for r in rates],
                               mode="lines", line={"shape": "hv"}, name="WSJ prime",
                               hovertemplate="%{x}: %{y:.2f}%<extra>WSJ prime</extra>"))
    if margin is not None and floor is not None:
        contract = [max(r + margin, floor) for r in rates]
        fig.add_trace(go.Scatter(x=[d.isoformat() for d in dates], y=[float(r * 100) for r in contract],
                                 mode="lines", line={"shape": "hv", "dash": "dash"},
                                 name=f"contract rate (prime + {float(margin * 100):g}%, floor {float(floor * 100):g}%; assumed)",
                                 hovertemplate="%{x}: %{y:.2f}%<extra>contract</extra>"))
    fig.update_layout(title=f"Wall Street Journal prime rate ({prime.source})", height=360,
                      yaxis_title="% per year", margin={"l": 60, "r": 20, "t": 50, "b": 40},
                      legend={"orientation": "h", "y": -0.2})
    return fig


# ----------------------------------------------------------------------- escrow ---------------
def sankey_figure(rows, escrowed, title: str = "Where the Escrowed Payment goes") -> go.Figure:
    """A Sankey chart from the Escrowed Payment to each payee (FEA §3.1(a)); hover shows the exact
    amount and its basis. Floats are for drawing only; the labels carry the exact cents."""
    rows = [r for r in rows if r.amount > 0]
    labels = [f"Escrowed Payment ${escrowed:,.2f}"] + [f"{r.payee}<br>${r.amount:,.2f}" for r in rows]
    fig = go.Figure(go.Sankey(
        node={"label": labels, "pad": 18, "thickness": 16},
        link={"source": [0] * len(rows), "target": list(range(1, len(rows) + 1)),
              "value": [float(r.amount) for r in rows],
              "customdata": [f"${r.amount:,.2f} — {r.basis} ({r.section})" for r in rows],
              "hovertemplate": "%{customdata}<extra></extra>"}))
    fig.update_layout(title=title, height=420, margin={"l": 20, "r": 20, "t": 50, "b": 20})
    return fig


_PHASE_XY = {"holding": (0, 2), "released": (1, 3), "disbursed": (2, 3), "disputed": (1, 1.5),
             "interpleader": (2, 1.5), "remitted_by_court_order": (3, 2.25), "resigning": (1, 0),
             "transferred_to_successor": (2, 0), "deposited_with_court": (3, 0.75),
             "terminated_by_agreement": (0, 0.5)}


def state_diagram_figure(transitions, targets, path=()) -> go.Figure:
    """The escrow's phases and the events between them (FEA Art. III-V); the edges a scenario
    took (``path``: (from, to) pairs) are drawn bold."""
    taken = {(a, b) for a, b in path if a != b}
    edges = {("holding", "released", "all four §3.1(a) conditions")}
    for event, (allowed, _actor, _section) in transitions.items():
        to = targets.get(event)
        for frm in allowed:
            if to and to != frm:
                edges.add((frm, to, event))
    arrows = []
    for frm, to in sorted({(f, t) for f, t, _ in edges}):  # one arrow per pair of phases
        (x0, y0), (x1, y1) = _PHASE_XY[frm], _PHASE_XY[to]
        bold = (frm, to) in taken
        arrows.append({"x": x1, "y": y1, "ax": x0, "ay": y0, "xref": "x", "yref": "y", "axref": "x", "ayref": "y",
                       "showarrow": True, "arrowhead": 3, "arrowsize": 1.2, "arrowwidth": 3 if bold else 1,
                       "arrowcolor": "#d62728" if bold else "#bbbbbb", "standoff": 14, "startstandoff": 14})
    # all arrows at once: add_annotation re-validates every earlier annotation on each call
    fig = go.Figure()
    fig.layout.annotations = arrows
    names = list(_PHASE_XY)
    visited = {p for pair in taken for p in pair} | ({path[0][0]} if path else set())
    fig.add_trace(go.Scatter(
        x=[_PHASE_XY[p][0] for p in names], y=[_PHASE_XY[p][1] for p in names], mode="markers+text",
        text=[p.replace("_", " ") for p in names], textposition="top center",
        marker={"size": 18, "color": ["#d62728" if p in visited else "#1f77b4" for p in names],
                "symbol": ["square" if p in {"disbursed", "remitted_by_court_order", "deposited_with_court",
                                             "transferred_to_successor", "terminated_by_agreement"} else "circle"
                           for p in names]},
        hovertext=[", ".join(sorted(e for f, t, e in edges if f == p)) or "terminal (FEA §5.1)" for p in names],
        hovertemplate="%{text}<br>events out: %{hovertext}<extra></extra>"))
    fig.update_layout(title="Escrow phases (squares end the escrow); the scenario's path in red", height=460,
                      showlegend=False, xaxis={"visible": False, "range": [-0.5, 3.6]},
                      yaxis={"visible": False, "range": [-0.5, 3.6]}, margin={"l": 10, "r": 10, "t": 50, "b": 10})
    return fig


def ledger_timeline_figure(ledger) -> go.Figure:
    """The scenario's recorded events on a date axis, by the phase they left the escrow in."""
    fig = go.Figure(go.Scatter(
        x=[e.date.isoformat() for e in ledger], y=[e.phase_after.replace("_", " ") for e in ledger],
        mode="markers+lines", line={"shape": "hv", "color": "#aaaaaa"}, marker={"size": 12},
        customdata=[(e.event, e.actor, e.section, e.detail) for e in ledger],
        hovertemplate="%{x}: %{customdata[0]} by %{customdata[1]}<br>%{customdata[3]}<br><i>%{customdata[2]}</i>"
                      "<extra></extra>"))
    first, last = min(e.date for e in ledger), max(e.date for e in ledger)
    pad = max(dt.timedelta(days=3), (last - first) / 20)
    fig.update_layout(title="Scenario timeline (events and the phase after each)", height=360,
                      xaxis={"type": "date", "range": [(first - pad).isoformat(), (last + pad).isoformat()]},
                      margin={"l": 170, "r": 20, "t": 50, "b": 40})
    return fig


# ----------------------------------------------------------------------- option ---------------
def option_heatmap(grid, holdings_index: int = 0) -> go.Figure:
    """Shares issued on a cashless exercise (§2.2(b)) over FMV × outstanding, both §10 readings,
    with plotly buttons to switch reading and metric (they work offline in the HTML). Values are
    cast to float32 for drawing (exact figures are in the engine)."""
    import numpy as np

    x = [int(v) for v in grid.outstanding]
    y = [float(v) for v in grid.fmv]
    traces, labels = [], []
    for r, reading in enumerate(grid.readings):
        for metric, arr, unit in (("shares issued", grid.shares_issued, "shares"),
                                  ("value to holder", grid.value_cents / 100, "$")):
            z = np.asarray(arr[:, :, holdings_index, r], dtype=np.float32)
            traces.append(go.Heatmap(x=x, y=y, z=z, colorscale="Viridis", visible=not traces,
                                     colorbar={"title": unit},
                                     hovertemplate="outstanding %{x:,}<br>FMV $%{y}<br>%{z:,.0f} " + unit
                                                   + f"<extra>{reading}</extra>"))
            labels.append(f"{metric} — {reading}")
    buttons = [{"label": lab, "method": "update",
                "args": [{"visible": [i == j for j in range(len(traces))]}, {"title.text": f"Cashless exercise now: {lab}"}]}
               for i, lab in enumerate(labels)]
    fig = go.Figure(traces)
    fig.update_layout(title=f"Cashless exercise now: {labels[0]}", height=460,
                      xaxis_title="shares outstanding before exercise", yaxis_title="Fair Market Value ($, log scale)",
                      yaxis={"type": "log", "tickprefix": "$", "tickformat": ".5~f"}, xaxis={"tickformat": ",d"},
                      updatemenus=[{"buttons": buttons, "x": 1.0, "y": 1.15, "xanchor": "right"}],
                      margin={"l": 70, "r": 20, "t": 80, "b": 50})
    return fig


def cap_figure(outstanding_values, owned: int, readings: dict, remaining: int, cap) -> go.Figure:
    """§10: the most shares exercisable now against shares outstanding, one line per reading, under
    ``cap`` (the loaded deal's ``option.max_exercise_cap``: ``option.deal_terms(deal)["cap"]``)."""
    from dealkit.option import max_exercisable

    fig = go.Figure()
    for reading in readings:
        fig.add_trace(go.Scatter(x=list(outstanding_values),
                                 y=[max_exercisable(int(o), owned, cap, reading=reading, remaining=remaining)
                                    for o in outstanding_values], mode="lines", name=reading,
                                 hovertemplate="outstanding %{x:,}<br>%{y:,} shares<extra>" + reading + "</extra>"))
    fig.update_layout(title=f"§10: shares exercisable now under the {(cap * 100).normalize():f}% cap "
                            f"(holder owns {owned:,})", height=380,
                      xaxis_title="shares outstanding", yaxis_title="shares exercisable",
                      legend={"orientation": "h", "y": -0.25}, margin={"l": 70, "r": 20, "t": 50, "b": 40})
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
    fig.add_trace(go.Scatter(x=dates, y=cum, mode="lines+markers", name="exercised so far", line={"shape": "hv"}),
                  secondary_y=False)
    fig.add_trace(go.Scatter(x=dates, y=[float(s.ownership_after) * 100 for s in steps], mode="lines",
                             name="holder's ownership after (%)", line={"dash": "dot"}), secondary_y=True)
    fig.update_layout(title=f"Exercise plan: {len(steps)} exercises to get {total:,} shares out under §10",
                      height=400, legend={"orientation": "h", "y": -0.2}, margin={"l": 70, "r": 60, "t": 50, "b": 40})
    fig.update_xaxes(type="date", tickformat="%Y-%m-%d")
    fig.update_yaxes(title_text="shares", secondary_y=False)
    fig.update_yaxes(title_text="% of outstanding", secondary_y=True)
    return fig


# ----------------------------------------------------------------------- obligations ----------
_STATUS_COLOURS = {"overdue": "#d62728", "performed late": "#ff7f0e", "due today": "#ff7f0e",
                   "not yet due": "#1f77b4", "performed": "#2ca02c", "in effect": "#7f7f7f",
                   "takes effect later": "#bbbbbb"}


def obligations_timeline(deal, triggered, as_of) -> go.Figure:
    """Each triggered obligation as a line from its trigger to its due date, coloured by status
    on ``as_of`` (a vertical line); hover shows the duty and its section."""
    from dealkit.obligations import party_label

    fig = go.Figure()
    shown = set()
    for t in [t for t in triggered if t.due is not None]:
        colour = _STATUS_COLOURS.get(t.status, "#000000")
        label = f"{t.obligation.id} ({t.event.date})"
        fig.add_trace(go.Scatter(
            x=[t.event.date.isoformat(), t.due.isoformat()], y=[label, label], mode="lines+markers",
            line={"color": colour, "width": 4}, marker={"size": [6, 12], "symbol": ["circle", "diamond"]},
            name=t.status, legendgroup=t.status, showlegend=t.status not in shown,
            customdata=[[t.obligation.duty.value, deal.cite(t.obligation.duty.source),
                         party_label(deal, t.obligation.obligor), t.rule]] * 2,
            hovertemplate="%{x}<br>%{customdata[2]}: %{customdata[0]}<br>%{customdata[3]}<br>"
                          "<i>%{customdata[1]}</i><extra>" + t.status + "</extra>"))
        shown.add(t.status)
    if not any(t.due is not None for t in triggered):
        _empty(fig, "No obligation with a deadline was triggered by this date")
    fig.add_vline(x=as_of.isoformat(), line_dash="dash", line_color="#555")
    fig.add_annotation(x=as_of.isoformat(), y=1.02, yref="paper", text=f"as of {as_of}", showarrow=False)
    fig.update_layout(title="Triggered obligations: trigger → due date, by status", xaxis={"type": "date"},
                      height=max(300, 60 + 28 * len(triggered)), margin={"l": 230, "r": 20, "t": 60, "b": 40},
                      legend={"orientation": "h", "y": -0.15})
    return fig


# ----------------------------------------------------------------------- notes ----------------
def debt_service_figure(schedule, title: str | None = None) -> go.Figure:
    """A note's payments by period, stacked: cash interest, cash principal, premium, principal
    paid in stock (valued at the conversion price)."""
    dates = [r["date"].isoformat() for r in schedule.rows]
    fig = go.Figure()
    for key, name in (("interest", "cash interest"), ("principal_cash", "cash principal"),
                      ("premium", "cash premium"), ("principal_stock", "principal paid in stock")):
        fig.add_trace(go.Bar(x=dates, y=[float(r[key]) for r in schedule.rows], name=name,
                             hovertemplate="%{x}: $%{y:,.2f}<extra>" + name + "</extra>"))
    fig.update_layout(barmode="stack", title=title or f"{schedule.note}: debt service by period", height=360,
                      yaxis_title="$", legend={"orientation": "h", "y": -0.2}, margin={"l": 70, "r": 20, "t": 50, "b": 40})
    return fig


def total_service_figure(schedules) -> go.Figure:
    """All notes: cash paid each period (interest, principal, premium), stacked by note."""
    fig = go.Figure()
    for s in schedules:
        fig.add_trace(go.Bar(x=[r["date"].isoformat() for r in s.rows],
                             y=[float(r["interest"] + r["principal_cash"] + r["premium"]) for r in s.rows],
                             name=s.note, hovertemplate="%{x}: $%{y:,.2f}<extra>" + s.note + "</extra>"))
    fig.update_layout(barmode="stack", title="Total cash debt service by period", height=360, yaxis_title="$",
                      legend={"orientation": "h", "y": -0.2}, margin={"l": 70, "r": 20, "t": 50, "b": 40})
    if not any(s.rows for s in schedules):
        _empty(fig, "No payments in this scenario")
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
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines+markers", line={"shape": "hv"}, name="shares issued (cumulative)"),
                  secondary_y=False)
    fig.add_trace(go.Scatter(x=xs, y=dil, mode="lines", line={"dash": "dot"}, name="dilution (%)"), secondary_y=True)
    fig.update_layout(title="Conversion shares and dilution", height=360, legend={"orientation": "h", "y": -0.2},
                      margin={"l": 80, "r": 70, "t": 50, "b": 40})
    fig.update_xaxes(type="date", title_text="date of issue")
    fig.update_yaxes(title_text="shares issued (cumulative)", tickformat=",d", secondary_y=False)
    fig.update_yaxes(title_text="dilution (% of outstanding after)", ticksuffix="%", secondary_y=True)
    fig.update_traces(hovertemplate="%{x}: %{y:.2f}%<extra>dilution</extra>", selector={"name": "dilution (%)"})
    if not rows:
        _empty(fig, "No shares issued on conversion in this scenario")
    return fig


def _empty(fig: go.Figure, message: str) -> go.Figure:
    """An empty chart says so (a message in the middle) instead of collapsing to bare axes."""
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font={"size": 15, "color": "#57606a"})
    return fig
