"""ipywidgets explorers for live JupyterLab sessions (``interactive=True``).

Report runs build none of these (a report has no kernel, so callbacks could never fire, and
``Output`` widgets are unreliable under papermill: jupyter/nbclient#24). The explorers update an
``HTML`` widget, not an ``Output`` widget.
"""

from __future__ import annotations

import html

import ipywidgets as w

from .review import SEVERITIES, Review

__all__ = ["findings_explorer", "exact_options"]

#: Slider labels are shown in full (ipywidgets cuts descriptions at 80px by default).
_STYLE = {"description_width": "initial"}
_WIDE = w.Layout(width="460px")


def exact_options(value, low, high) -> list[tuple[str, object]]:
    """Choices for a price slider that starts at *exactly* the page's value: "nice" prices (1, 1.5,
    2, 2.5, 3, 4, 5, 6, 7, 8 × 10^k) between ``low`` and ``high``, plus ``value`` itself, as
    ``(label, Decimal)`` pairs (a log slider would snap $0.05 to $0.0501)."""
    from decimal import Decimal

    from .fmt import money

    value, low, high = Decimal(str(value)), Decimal(str(low)), Decimal(str(high))
    picks = {value}
    k = low.adjusted()
    while Decimal(1).scaleb(k) <= high:
        for m in ("1", "1.5", "2", "2.5", "3", "4", "5", "6", "7", "8"):
            v = Decimal(m).scaleb(k)
            if low <= v <= high:
                picks.add(v)
        k += 1
    return [(money(v), v) for v in sorted(picks)]


def _no_math(html_text: str) -> str:
    """HTML for a widget, with JupyterLab's MathJax told to leave its dollars alone."""
    from .fmt import NO_MATH

    return f'<div class="{NO_MATH}">{html_text}</div>'


def findings_explorer(result: Review) -> w.VBox:
    """Filter the review findings by severity and kind; the table redraws on every change."""
    from .fmt import table_html

    kinds = sorted({f.kind for f in result.findings})
    severity = w.SelectMultiple(options=SEVERITIES, value=tuple(s for s in SEVERITIES if s != "info"),
                                description="severity", rows=4)
    kind = w.SelectMultiple(options=kinds, value=tuple(kinds), description="kind", rows=min(8, len(kinds)))
    table = w.HTML()

    def redraw(*_):
        frame = result.to_frame()
        frame = frame[frame["severity"].isin(severity.value) & frame["kind"].isin(kind.value)]
        table.value = f"<p>{len(frame)} findings</p>" + table_html(frame)

    severity.observe(redraw, names="value")
    kind.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([severity, kind]), table])


def escrow_editor(deal, instructions: list, agent_fee: str) -> w.VBox:
    """Edit the Joint Instructions (JSON) and the agent's fee; the disbursement table, the totals
    and the Sankey chart update on every change. A bad edit shows its error, never a wrong sum."""
    import json

    import plotly.graph_objects as go

    from .charts import sankey_figure
    from .escrow import InstructionError, disburse_deal, disbursement_frame, parse_instructions
    from .fmt import money, table_html

    text = w.Textarea(value=json.dumps(instructions, indent=1), description="instructions",
                      layout=w.Layout(width="100%", height="160px"))
    fee = w.Text(value=str(agent_fee), description="agent fee $", style=_STYLE)
    status = w.HTML()
    table = w.HTML()
    escrowed = deal.escrow.escrowed_payment.value
    chart = go.FigureWidget(sankey_figure(disburse_deal(deal, instructions, agent_fee), escrowed))

    def redraw(*_):
        try:
            rows = disburse_deal(deal, parse_instructions(text.value, deal), fee.value)
        except (InstructionError, ValueError) as exc:
            status.value = _no_math(f'<b style="color:#b00">Not disbursed:</b> {html.escape(str(exc))}')
            return
        total = sum(r.amount for r in rows)
        status.value = _no_math(f"<b>Paid out {money(total)}</b> of {money(escrowed)} held: conserved to the cent.")
        table.value = table_html(disbursement_frame(rows).drop(columns=["shown"]), totals=["amount"], total_label="Paid out")
        new = sankey_figure(rows, escrowed)
        with chart.batch_update():
            chart.data[0].node.label = new.data[0].node.label
            chart.data[0].link.update(new.data[0].link)

    text.observe(redraw, names="value")
    fee.observe(redraw, names="value")
    redraw()
    return w.VBox([fee, text, status, table, chart])


def option_explorer(deal, fmv: str, outstanding: int, owned: int, reading: str) -> w.VBox:
    """Sliders for FMV, shares outstanding and the Holder's shares, and a §10 reading toggle; the
    exercise comparison and the cap chart redraw live (Option §2.2, §10)."""
    from decimal import Decimal

    import plotly.graph_objects as go

    from .charts import cap_figure
    from .fmt import money, pct, table_html
    from .option import READINGS, exercise_comparison, max_exercisable

    remaining = deal.option.shares.value
    strike = deal.option.exercise_price.value
    price = w.SelectionSlider(options=exact_options(fmv, strike, "1"), value=Decimal(str(fmv)), description="FMV",
                              style=_STYLE, layout=_WIDE)
    out = w.IntSlider(value=outstanding, min=min(100_000_000, outstanding), max=max(10_000_000_000, outstanding),
                      step=50_000_000, description="shares outstanding", style=_STYLE, layout=_WIDE)
    own = w.IntSlider(value=owned, min=0, max=max(500_000_000, owned), step=1_000_000, description="holder owns",
                      style=_STYLE, layout=_WIDE)
    toggle = w.ToggleButtons(options=list(READINGS), value=reading, description="§10 reading", style=_STYLE)
    info = w.HTML()
    chart = go.FigureWidget(cap_figure(range(100_000_000, 10_000_000_001, 100_000_000), owned, READINGS, remaining))

    def redraw(*_):
        y = max_exercisable(out.value, own.value, reading=toggle.value, remaining=remaining)
        fmv_d = price.value
        diluted = Decimal(y) / Decimal(out.value + y) if out.value + y else Decimal(0)
        info.value = _no_math(f"<p>Exercisable now under §10 ({toggle.value}): <b>{y:,}</b> shares; dilution of "
                              f"the other holders on a cash exercise: <b>{pct(diluted)}</b>; value at FMV "
                              f"{money(fmv_d)}: <b>{money(fmv_d * y - strike * y)}</b> over the Exercise Price</p>"
                              + table_html(exercise_comparison(y, fmv_d, strike)))
        new = cap_figure(range(100_000_000, 10_000_000_001, 100_000_000), own.value, READINGS, remaining)
        with chart.batch_update():
            for trace, fresh in zip(chart.data, new.data):
                trace.y = fresh.y
            chart.layout.title.text = new.layout.title.text

    for control in (price, out, own, toggle):
        control.observe(redraw, names="value")
    redraw()
    return w.VBox([price, out, own, toggle, w.HBox([chart, info], layout=w.Layout(flex_flow="row wrap"))])


def obligations_explorer(deal, events, as_of, promptly: int) -> w.VBox:
    """Filter the obligations by party and move the as-of date; the calendar table and the
    timeline redraw live."""
    import plotly.graph_objects as go

    from .charts import obligations_timeline
    from .fmt import table_html
    from .obligations import calendar_frame, party_label, trigger

    parties = ["(all)"] + sorted({party_label(deal, ob.obligor) for ob in deal.obligations}
                                 | {party_label(deal, ob.obligee) for ob in deal.obligations})
    who = w.Dropdown(options=parties, value="(all)", description="party")
    date = w.DatePicker(value=as_of, description="as of")
    table = w.HTML()
    chart = go.FigureWidget(obligations_timeline(deal, trigger(deal, events, as_of, promptly), as_of))

    def redraw(*_):
        if date.value is None:
            return
        party = None if who.value == "(all)" else who.value
        triggered = trigger(deal, events, date.value, promptly)
        frame = calendar_frame(deal, triggered, party)
        table.value = f"<p>{len(frame)} obligations</p>" + table_html(frame)
        keep = set(frame["obligation"]) if party else None
        fresh = obligations_timeline(deal, [t for t in triggered if keep is None or t.obligation.id in keep], date.value)
        with chart.batch_update():
            chart.data = []
            for trace in fresh.data:
                chart.add_trace(trace)
            chart.layout.shapes = fresh.layout.shapes
            chart.layout.annotations = fresh.layout.annotations

    who.observe(redraw, names="value")
    date.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([who, date]), table, chart])


def notes_explorer(deal, a, market, term_b_maturity, stop, demand=None) -> w.VBox:
    """Sliders for the margin, the floor, the Fixed Conversion Price and a price shock; the
    schedules' totals and the total debt service chart are recomputed and redrawn live, with the
    lender's XIRR, the Default Payment (default on ``stop``, demanded on ``demand``, default the
    next day) and the dilution beside the chart. Every control starts at exactly the page's value."""
    import dataclasses
    from decimal import Decimal

    import plotly.graph_objects as go

    import datetime as dt

    from .charts import total_service_figure
    from .fmt import date as fmt_date
    from .fmt import money, pct, yes_no
    from .notes import build_schedules, default_scenario, lender_cash_flows, xirr

    pct_style = {"style": _STYLE, "layout": _WIDE, "readout_format": ".2f"}
    margin = w.FloatSlider(value=float(a.margin) * 100, min=0, max=5, step=0.25, description="margin over prime %", **pct_style)
    floor = w.FloatSlider(value=float(a.floor) * 100, min=0, max=12, step=0.25, description="rate floor %", **pct_style)
    fcp = w.SelectionSlider(options=exact_options(a.fixed_conversion_price, "0.001", "1"), value=a.fixed_conversion_price,
                            description="Fixed Conversion Price", style=_STYLE, layout=_WIDE)
    shock = w.FloatSlider(value=float(market.shock), min=0.1, max=3, step=0.1, description="price shock ×",
                          style=_STYLE, layout=_WIDE, readout_format=".1f")
    info = w.HTML(layout=w.Layout(min_width="300px", max_width="420px"))

    def compute():
        aa = dataclasses.replace(a, margin=Decimal(f"{margin.value:.2f}") / 100, floor=Decimal(f"{floor.value:.2f}") / 100,
                                 fixed_conversion_price=fcp.value)
        mm = dataclasses.replace(market, shock=Decimal(f"{shock.value:.1f}"))
        return aa, mm, build_schedules(deal, aa, mm, term_b_maturity=term_b_maturity, stop=stop)

    chart = go.FigureWidget(total_service_figure(list(compute()[2].values())))

    def redraw(*_):
        aa, mm, schedules = compute()
        ds = default_scenario(schedules, stop, demand or stop + dt.timedelta(days=1), aa) if stop else None
        flows = lender_cash_flows(list(schedules.values()), mm, deal.escrow.escrowed_payment.value,
                                  deal.deal.closing_date.value, deal.escrow.closing_payment.value,
                                  ds.payment if ds else None, ds.demand_date if ds else None)
        rate = xirr(flows)
        issued = sum(s.shares for s in schedules.values())
        base = mm.outstanding or 0
        dilution = Decimal(issued) / Decimal(base + issued) if base + issued else None
        side = (f"<p>Lender XIRR <b>{pct(rate, 1) if rate is not None else 'none'}</b>; "
                + (f"Default Payment <b>{money(ds.payment)}</b> on {fmt_date(ds.demand_date)}; " if ds else "no default; ")
                + f"dilution <b>{pct(dilution) if dilution is not None else '—'}</b> ({issued:,} shares)</p>")
        info.value = _no_math(side + "<ul>" + "".join(
            f"<li><b>{html.escape(s.note)}</b>: interest {money(s.interest)}; cash principal {money(s.principal_cash)}; "
            f"stock {money(s.principal_stock)} ({s.shares:,} shares); conserved {yes_no(s.conserved())}</li>"
            for s in schedules.values()) + "</ul>")
        fresh = total_service_figure(list(schedules.values()))
        with chart.batch_update():  # only the data that changed: the traces are updated in place
            for trace, new in zip(chart.data, fresh.data):
                trace.x, trace.y = new.x, new.y

    for control in (margin, floor, fcp, shock):
        control.observe(redraw, names="value")
    redraw()
    return w.VBox([margin, floor, fcp, shock, w.HBox([chart, info], layout=w.Layout(flex_flow="row wrap"))])
