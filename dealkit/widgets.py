"""ipywidgets explorers for live JupyterLab sessions (``interactive=True``).

Report runs build none of these (a report has no kernel, so callbacks could never fire, and
``Output`` widgets are unreliable under papermill: jupyter/nbclient#24). The explorers update an
``HTML`` widget, not an ``Output`` widget.
"""

from __future__ import annotations

import html

import ipywidgets as w

from .review import SEVERITIES, Review

__all__ = ["findings_explorer", "LiveChart"]


class LiveChart(w.Box):
    """A plotly chart that redraws by replacing its ``FigureWidget`` with a new one built from the
    new figure. Editing a displayed FigureWidget sends update messages that plotly's front end
    sometimes loses (a redraw that never shows; traces removed and re-added race: "indices must be
    valid indices for gd.data"); a new widget carries its whole figure in its first state."""

    def __init__(self, figure):
        import plotly.graph_objects as go

        self._go = go
        super().__init__([go.FigureWidget(figure)])

    @property
    def figure(self):
        """The FigureWidget shown now."""
        return self.children[0]

    @property
    def data(self):
        return self.children[0].data

    @property
    def layout(self):
        return self.children[0].layout

    #: seconds a replaced FigureWidget lives on before it is closed: closing a widget whose front
    #: end is still initializing makes anywidget throw ("Failed to initialize model")
    RETIRE_AFTER = 30.0

    def show(self, figure) -> None:
        """Show ``figure`` in place of the current chart."""
        import time

        now = time.monotonic()
        retired = getattr(self, "_retired", [])
        keep = []
        for when, widget in retired:
            if now - when > self.RETIRE_AFTER:
                widget.close()
            else:
                keep.append((when, widget))
        keep.append((now, self.children[0]))
        self._retired = keep
        self.children = [self._go.FigureWidget(figure)]



def _safe(fig):
    """The figure with its text escaped as in the reports (:func:`dealkit.export.sanitize_figure`):
    labels from the deal file or the instructions stay text in the widget too."""
    import plotly.graph_objects as go

    from .export import sanitize_figure

    return go.Figure(sanitize_figure(fig.to_dict()))

def findings_explorer(result: Review) -> w.VBox:
    """Filter the review findings by severity and kind; the table redraws on every change."""
    kinds = sorted({f.kind for f in result.findings})
    severity = w.SelectMultiple(options=SEVERITIES, value=tuple(s for s in SEVERITIES if s != "info"),
                                description="severity", rows=4)
    kind = w.SelectMultiple(options=kinds, value=tuple(kinds), description="kind", rows=min(8, len(kinds)))
    table = w.HTML()

    def redraw(*_):
        frame = result.to_frame()
        frame = frame[frame["severity"].isin(severity.value) & frame["kind"].isin(kind.value)]
        table.value = f"<p>{len(frame)} findings</p>" + frame.to_html(index=False, escape=True)

    severity.observe(redraw, names="value")
    kind.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([severity, kind]), table])


def escrow_editor(deal, instructions: list, agent_fee: str) -> w.VBox:
    """Edit the Joint Instructions (JSON) and the agent's fee; the disbursement table, the totals
    and the Sankey chart update on every change. A bad edit shows its error, never a wrong sum."""
    import html
    import json


    from .charts import sankey_figure
    from .escrow import InstructionError, disburse_deal, disbursement_frame, parse_instructions

    text = w.Textarea(value=json.dumps(instructions, indent=1), description="instructions",
                      layout=w.Layout(width="100%", height="160px"))
    fee = w.Text(value=str(agent_fee), description="agent fee $")
    status = w.HTML()
    table = w.HTML()
    escrowed = deal.escrow.escrowed_payment.value
    chart = LiveChart(_safe(sankey_figure(disburse_deal(deal, instructions, agent_fee), escrowed)))

    def redraw(*_):
        try:
            rows = disburse_deal(deal, parse_instructions(text.value, deal), fee.value)
        except (InstructionError, ValueError) as exc:
            status.value = f'<b style="color:#b00">Not disbursed:</b> {html.escape(str(exc))}'
            return
        total = sum(r.amount for r in rows)
        status.value = (f"<b>Paid out ${total:,.2f}</b> of ${escrowed:,.2f} held: conserved to the cent."
                        + "".join(f"<br><b>Finding:</b> {html.escape(f)}" for f in rows.findings))
        table.value = disbursement_frame(rows).drop(columns=["amount"]).to_html(index=False)
        chart.show(_safe(sankey_figure(rows, escrowed)))

    text.observe(redraw, names="value")
    fee.observe(redraw, names="value")
    redraw()
    return w.VBox([fee, text, status, table, chart])


def option_explorer(deal, fmv: str, outstanding: int, owned: int, reading: str) -> w.VBox:
    """Sliders for FMV, shares outstanding and the Holder's shares, and a §10 reading toggle; the
    exercise comparison and the cap chart redraw live (Option §2.2, §10)."""
    from decimal import Decimal

    from .charts import cap_figure
    from .option import READINGS, cashless_exercisable, exercise_comparison, max_exercisable

    remaining, cap, strike = deal.option.shares.value, deal.option.max_exercise_cap.value, deal.option.exercise_price.value
    price = w.FloatLogSlider(value=float(fmv), base=10, min=-5, max=0, step=0.05, description="FMV $",
                             readout_format=".5f")
    out = w.IntSlider(value=outstanding, min=100_000_000, max=10_000_000_000, step=50_000_000,
                      description="outstanding")
    # the Holder's own shares: up to a twentieth of the largest count outstanding (the §10 cap's scale)
    own = w.IntSlider(value=owned, min=0, max=max(owned, out.max // 20), step=1_000_000, description="holder owns")
    toggle = w.ToggleButtons(options=list(READINGS), value=reading, description="§10 reading")
    info = w.HTML()
    chart = LiveChart(cap_figure(range(100_000_000, 10_000_000_001, 100_000_000), owned, READINGS, remaining, cap))

    def redraw(*_):
        y = max_exercisable(out.value, own.value, cap, reading=toggle.value, remaining=remaining)
        fmv_d = Decimal(f"{price.value:.5f}")
        info.value = (f"<p>Exercisable now under §10 ({toggle.value}): <b>{y:,}</b> shares</p>"
                      + exercise_comparison(y, fmv_d, strike, cashless_exercisable(y, fmv_d, strike, remaining))
                      .to_html(index=False))
        chart.show(cap_figure(range(100_000_000, 10_000_000_001, 100_000_000), own.value, READINGS, remaining, cap))

    for control in (price, out, own, toggle):
        control.observe(redraw, names="value")
    redraw()
    return w.VBox([price, out, own, toggle, info, chart])


def obligations_explorer(deal, events, as_of, promptly: int) -> w.VBox:
    """Filter the obligations by party and move the as-of date; the calendar table and the
    timeline redraw live."""
    import plotly.graph_objects as go

    from .charts import obligations_timeline
    from .obligations import calendar_frame, party_label, trigger

    parties = ["(all)"] + sorted({party_label(deal, ob.obligor) for ob in deal.obligations}
                                 | {party_label(deal, ob.obligee) for ob in deal.obligations})
    who = w.Dropdown(options=parties, value="(all)", description="party")
    date = w.DatePicker(value=as_of, description="as of")
    table = w.HTML()
    chart = go.FigureWidget(_safe(obligations_timeline(deal, trigger(deal, events, as_of, promptly), as_of)))

    def redraw(*_):
        if date.value is None:
            return
        party = None if who.value == "(all)" else who.value
        triggered = trigger(deal, events, date.value, promptly)
        frame = calendar_frame(deal, triggered, party)
        table.value = f"<p>{len(frame)} obligations</p>" + frame.to_html(index=False)
        keep = set(frame["obligation"]) if party else None
        fresh = _safe(obligations_timeline(deal, [t for t in triggered if keep is None or t.obligation.id in keep],
                                           date.value))
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


def notes_explorer(deal, a, market, term_b_maturity, stop, option_holder: str | None = None) -> w.VBox:
    """Sliders for the margin, the floor, the Fixed Conversion Price and a price shock, and the
    ``option_holder`` choice (whose flows the Option's value enters: laurus, gssf or excluded);
    the schedules' totals, the lender's XIRR and the total debt service chart are recomputed and
    redrawn live."""
    import dataclasses
    import html
    from decimal import Decimal

    from .charts import total_service_figure
    from .notes import (OPTION_HOLDERS, build_schedules, default_option_holder, lender_cash_flows, option_value,
                        xirr)

    margin = w.FloatSlider(value=float(a.margin) * 100, min=0, max=5, step=0.25, description="margin %")
    floor = w.FloatSlider(value=float(a.floor) * 100, min=0, max=12, step=0.25, description="floor %")
    fcp = w.FloatLogSlider(value=float(a.fixed_conversion_price), base=10, min=-3, max=0, step=0.05,
                           description="conv. price $", readout_format=".4f")
    shock = w.FloatSlider(value=float(market.shock), min=0.1, max=3, step=0.1, description="price shock ×")
    holder = w.Dropdown(options=list(OPTION_HOLDERS), value=option_holder or default_option_holder(deal),
                        description="Option in")
    info = w.HTML()

    def compute():
        aa = dataclasses.replace(a, margin=Decimal(f"{margin.value:.2f}") / 100, floor=Decimal(f"{floor.value:.2f}") / 100,
                                 fixed_conversion_price=Decimal(f"{fcp.value:.4f}"))
        mm = dataclasses.replace(market, shock=Decimal(f"{shock.value:.1f}"))
        schedules = build_schedules(deal, aa, mm, term_b_maturity=term_b_maturity, stop=stop)
        flows = lender_cash_flows(list(schedules.values()), mm, deal.escrow.escrowed_payment.value,
                                  deal.deal.closing_date.value, deal.escrow.closing_payment.value,
                                  option_holder=holder.value, option=option_value(deal, mm))
        rate = xirr(flows)
        info.value = "<ul>" + "".join(
            f"<li><b>{html.escape(s.note)}</b>: interest ${s.interest:,.2f}; cash principal ${s.principal_cash:,.2f}; "
            f"stock ${s.principal_stock:,.2f} ({s.shares:,} shares); conserved {s.conserved()}</li>"
            for s in schedules.values()) + (
            f"<li>Lender XIRR (no default recovery; the Option {html.escape(OPTION_HOLDERS[holder.value])}): "
            f"<b>{'none' if rate is None else f'{rate:.2%}'}</b></li>") + "</ul>"
        return _safe(total_service_figure(list(schedules.values())))

    chart = LiveChart(compute())

    def redraw(*_):
        chart.show(compute())

    for control in (margin, floor, fcp, shock, holder):
        control.observe(redraw, names="value")
    return w.VBox([margin, floor, fcp, shock, holder, info, chart])
