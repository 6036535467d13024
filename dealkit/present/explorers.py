"""ipywidgets explorers for live JupyterLab sessions (``interactive=True``).

Report runs build none of these (a report has no kernel, so callbacks could never fire, and
``Output`` widgets are unreliable under papermill: jupyter/nbclient#24). The explorers update an
``HTML`` widget, not an ``Output`` widget, and draw their charts through
:class:`dealkit.present.livechart.LiveChart`.
"""

from __future__ import annotations

import ipywidgets as w

from dealkit.deal.review import SEVERITIES, Review
from dealkit.present.livechart import LiveChart

__all__ = [
    "exact_options",
    "findings_explorer",
    "escrow_editor",
    "option_explorer",
    "obligations_explorer",
    "notes_explorer",
]

#: Slider labels are shown in full (ipywidgets cuts descriptions at 80px by default).
_STYLE = {"description_width": "initial"}
_WIDE = w.Layout(width="460px")


def _safe(fig) -> dict:
    """The figure's dict with its text escaped as in the reports (:func:`dealkit.present.sanitize.sanitize_figure`):
    labels from the deal file or the instructions stay text in the widget too. A dict, not a new
    ``go.Figure``: validating it again (its template above all) cost more than the redraw."""
    from dealkit.present.sanitize import sanitize_figure

    return sanitize_figure(fig.to_dict())


def exact_options(value, low, high) -> list[tuple[str, object]]:
    """Choices for a price slider that starts at *exactly* the page's value: "nice" prices (1, 1.5,
    2, 2.5, 3, 4, 5, 6, 7, 8 × 10^k) between ``low`` and ``high``, plus ``value`` itself, as
    ``(label, Decimal)`` pairs (a log slider would snap $0.05 to $0.0501).

    Examples
    --------
    >>> [label for label, _ in exact_options("0.05", "0.03", "0.1")]
    ['$0.03', '$0.04', '$0.05', '$0.06', '$0.07', '$0.08', '$0.10']
    >>> exact_options("0.0501", "0.05", "0.06")[1]
    ('$0.0501', Decimal('0.0501'))
    """
    from decimal import Decimal

    from dealkit.present.fmt import money

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
    from dealkit.present.fmt import NO_MATH

    return f'<div class="{NO_MATH}">{html_text}</div>'


def findings_explorer(result: Review) -> w.VBox:
    """Filter the review findings by severity and kind; the table redraws on every change.

    Examples
    --------
    >>> from dealkit.deal.loader import load_deal
    >>> from dealkit.deal.review import review
    >>> box = findings_explorer(review(load_deal()))
    >>> (severity, kind), table = box.children[0].children, box.children[1]
    >>> "info" in severity.value, table.value.startswith("<p>")
    (False, True)
    """
    from dealkit.present.fmt import table_html

    kinds = sorted({f.kind for f in result.findings})
    severity = w.SelectMultiple(
        options=SEVERITIES, value=tuple(s for s in SEVERITIES if s != "info"), description="severity", rows=4
    )
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
    import html
    import json

    from dealkit.present.charts import sankey_figure
    from dealkit.present.escrow_tables import disbursement_frame
    from dealkit.present.fmt import money, table_html
    from dealkit.rules.escrow.disbursement import disburse_deal
    from dealkit.rules.escrow.instructions import parse_instructions
    from dealkit.rules.escrow.terms import InstructionError

    text = w.Textarea(
        value=json.dumps(instructions, indent=1),
        description="instructions",
        layout=w.Layout(width="100%", height="160px"),
    )
    fee = w.Text(value=str(agent_fee), description="agent fee $", style=_STYLE)
    status = w.HTML()
    table = w.HTML()
    escrowed = deal.escrow.escrowed_payment.value
    chart = LiveChart(_safe(sankey_figure(disburse_deal(deal, instructions, agent_fee), escrowed)))

    def redraw(*_):
        try:
            rows = disburse_deal(deal, parse_instructions(text.value, deal), fee.value)
        except (InstructionError, ValueError) as exc:
            status.value = _no_math(f'<b style="color:#b00">Not disbursed:</b> {html.escape(str(exc))}')
            return
        total = sum(r.amount for r in rows)
        status.value = _no_math(
            f"<b>Paid out {money(total)}</b> of {money(escrowed)} held: conserved to the cent."
            + "".join(f"<br><b>Finding:</b> {html.escape(f)}" for f in rows.findings)
        )
        table.value = table_html(
            disbursement_frame(rows).drop(columns=["shown"]), totals=["amount"], total_label="Paid out"
        )
        chart.show(_safe(sankey_figure(rows, escrowed)))

    text.observe(redraw, names="value")
    fee.observe(redraw, names="value")
    redraw()
    return w.VBox([fee, text, status, table, chart])


def _option_controls(deal, fmv: str, outstanding: int, owned: int, reading: str) -> list:
    """The option explorer's controls, each at exactly the page's value: FMV (:func:`exact_options`
    from the Exercise Price to $1), shares outstanding, the Holder's shares and the §10 reading."""
    from decimal import Decimal

    from dealkit.rules.option.cap import READINGS

    strike = deal.option.exercise_price.value
    price = w.SelectionSlider(
        options=exact_options(fmv, strike, "1"), value=Decimal(str(fmv)), description="FMV", style=_STYLE, layout=_WIDE
    )
    top = max(10_000_000_000, outstanding)
    out = w.IntSlider(
        value=outstanding,
        min=min(100_000_000, outstanding),
        max=top,
        step=50_000_000,
        description="shares outstanding",
        style=_STYLE,
        layout=_WIDE,
    )
    own = w.IntSlider(
        value=owned,
        min=0,
        max=max(owned, top // 20),
        step=1_000_000,
        description="holder owns",
        style=_STYLE,
        layout=_WIDE,
    )
    toggle = w.ToggleButtons(options=list(READINGS), value=reading, description="§10 reading", style=_STYLE)
    return [price, out, own, toggle]


def option_explorer(deal, fmv: str, outstanding: int, owned: int, reading: str) -> w.VBox:
    """Sliders for FMV, shares outstanding and the Holder's shares, and a §10 reading toggle; the
    exercise comparison and the cap chart redraw live (Option §2.2, §10).

    Dilution of the other holders on a cash exercise of y shares = y ÷ (outstanding + y); value =
    (FMV − Exercise Price) × y."""
    from decimal import Decimal

    from dealkit.present.charts import cap_figure
    from dealkit.present.fmt import money, pct, table_html
    from dealkit.present.option_tables import exercise_comparison
    from dealkit.rules.option.cap import READINGS, max_exercisable
    from dealkit.rules.option.exercise import cashless_exercisable

    remaining, cap = deal.option.shares.value, deal.option.max_exercise_cap.value
    strike = deal.option.exercise_price.value
    controls = _option_controls(deal, fmv, outstanding, owned, reading)
    price, out, own, toggle = controls
    info = w.HTML(layout=w.Layout(min_width="300px", max_width="520px"))
    chart = LiveChart(cap_figure(range(100_000_000, 10_000_000_001, 100_000_000), owned, READINGS, remaining, cap))

    def redraw(*_):
        y = max_exercisable(out.value, own.value, cap, reading=toggle.value, remaining=remaining)
        fmv_d = price.value
        diluted = Decimal(y) / Decimal(out.value + y) if out.value + y else Decimal(0)
        info.value = _no_math(
            f"<p>Exercisable now under §10 ({toggle.value}): <b>{y:,}</b> shares; dilution of the other holders on "
            f"a cash exercise: <b>{pct(diluted)}</b>; value at FMV {money(fmv_d)} over the Exercise Price: "
            f"<b>{money((fmv_d - strike) * y)}</b></p>"
            + table_html(exercise_comparison(y, fmv_d, strike, cashless_exercisable(y, fmv_d, strike, remaining)))
        )
        chart.show(cap_figure(range(100_000_000, 10_000_000_001, 100_000_000), own.value, READINGS, remaining, cap))

    for control in controls:
        control.observe(redraw, names="value")
    redraw()
    return w.VBox([*controls, w.HBox([chart, info], layout=w.Layout(flex_flow="row wrap"))])


def obligations_explorer(deal, events, as_of, promptly: int) -> w.VBox:
    """Filter the obligations by party and move the as-of date; the calendar table and the
    timeline redraw live."""
    from dealkit.present.charts import obligations_timeline
    from dealkit.present.fmt import table_html
    from dealkit.present.obligations_tables import calendar_frame
    from dealkit.rules.obligations import party_label, trigger

    parties = ["(all)"] + sorted(
        {party_label(deal, ob.obligor) for ob in deal.obligations}
        | {party_label(deal, ob.obligee) for ob in deal.obligations}
    )
    who = w.Dropdown(options=parties, value="(all)", description="party")
    date = w.DatePicker(value=as_of, description="as of")
    table = w.HTML()
    chart = LiveChart(_safe(obligations_timeline(deal, trigger(deal, events, as_of, promptly), as_of)))

    def redraw(*_):
        if date.value is None:
            return
        party = None if who.value == "(all)" else who.value
        triggered = trigger(deal, events, date.value, promptly)
        frame = calendar_frame(deal, triggered, party)
        table.value = f"<p>{len(frame)} obligations</p>" + table_html(frame)
        keep = set(frame["obligation"]) if party else None
        fresh = _safe(
            obligations_timeline(deal, [t for t in triggered if keep is None or t.obligation.id in keep], date.value)
        )
        chart.show(fresh)

    who.observe(redraw, names="value")
    date.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([who, date]), table, chart])


def _notes_controls(deal, assumptions, market, option_holder: str | None) -> list:
    """The notes explorer's controls, each at exactly the page's value: margin and floor (percent
    sliders), the Fixed Conversion Price (:func:`exact_options`), the price shock and the Option's
    holder (:data:`dealkit.rules.notes.flows.OPTION_HOLDERS`)."""
    from dealkit.rules.notes.flows import OPTION_HOLDERS, default_option_holder

    pct_style = {"style": _STYLE, "layout": _WIDE, "readout_format": ".2f"}
    margin = w.FloatSlider(
        value=float(assumptions.margin) * 100, min=0, max=5, step=0.25, description="margin over prime %", **pct_style
    )
    floor = w.FloatSlider(
        value=float(assumptions.floor) * 100, min=0, max=12, step=0.25, description="rate floor %", **pct_style
    )
    fcp = w.SelectionSlider(
        options=exact_options(assumptions.fixed_conversion_price, "0.001", "1"),
        value=assumptions.fixed_conversion_price,
        description="Fixed Conversion Price",
        style=_STYLE,
        layout=_WIDE,
    )
    shock = w.FloatSlider(
        value=float(market.shock),
        min=0.1,
        max=3,
        step=0.1,
        description="price shock ×",
        style=_STYLE,
        layout=_WIDE,
        readout_format=".1f",
    )
    holder = w.Dropdown(
        options=list(OPTION_HOLDERS),
        value=option_holder or default_option_holder(deal),
        description="Option in",
        style=_STYLE,
    )
    return [margin, floor, fcp, shock, holder]


def _notes_side(schedules, rate, holder: str, default, dilution, issued: int) -> str:
    """The notes explorer's figures beside its chart: the lender's XIRR, the Default Payment, the
    dilution (issued ÷ (outstanding + issued)) and each schedule's totals, as HTML (text escaped)."""
    import html

    from dealkit.present.fmt import date as fmt_date
    from dealkit.present.fmt import money, pct, yes_no
    from dealkit.rules.notes.flows import OPTION_HOLDERS

    side = (
        f"<p>Lender XIRR (no default recovery; the Option {html.escape(OPTION_HOLDERS[holder])}): "
        f"<b>{'none' if rate is None else pct(rate, 2)}</b>; "
        + (
            f"Default Payment <b>{money(default.payment)}</b> on {fmt_date(default.demand_date)}; "
            if default
            else "no default; "
        )
        + f"dilution <b>{pct(dilution) if dilution is not None else '—'}</b> ({issued:,} shares)</p>"
    )
    return _no_math(
        side
        + "<ul>"
        + "".join(
            f"<li><b>{html.escape(s.note)}</b>: interest {money(s.interest)}; "
            f"cash principal {money(s.principal_cash)}; "
            f"stock {money(s.principal_stock)} ({s.shares:,} shares); conserved {yes_no(s.conserved())}</li>"
            for s in schedules.values()
        )
        + "</ul>"
    )


def _notes_outcome(deal, a, market, values: list, term_b_maturity, stop, demand):
    """The notes on the controls' ``values`` (margin %, floor %, Fixed Conversion Price, price shock,
    Option holder): the schedules, the lender's XIRR, the default scenario (or ``None``), the
    dilution = shares issued ÷ (shares outstanding + shares issued) and the shares issued."""
    import dataclasses
    import datetime as dt
    from decimal import Decimal

    from dealkit.core.cashflows import xirr
    from dealkit.rules.notes.default import default_scenario
    from dealkit.rules.notes.flows import lender_cash_flows, option_value
    from dealkit.rules.notes.revolver import build_schedules

    margin, floor, fcp, shock, holder = values
    terms = dataclasses.replace(
        a, margin=Decimal(f"{margin:.2f}") / 100, floor=Decimal(f"{floor:.2f}") / 100, fixed_conversion_price=fcp
    )
    shocked = dataclasses.replace(market, shock=Decimal(f"{shock:.1f}"))
    schedules = build_schedules(deal, terms, shocked, term_b_maturity=term_b_maturity, stop=stop)
    flows = lender_cash_flows(
        list(schedules.values()),
        shocked,
        deal.escrow.escrowed_payment.value,
        deal.deal.closing_date.value,
        deal.escrow.closing_payment.value,
        option_holder=holder,
        option=option_value(deal, shocked),
    )
    default = default_scenario(schedules, stop, demand or stop + dt.timedelta(days=1), terms) if stop else None
    issued = sum(s.shares for s in schedules.values())
    base = shocked.outstanding or 0
    dilution = Decimal(issued) / Decimal(base + issued) if base + issued else None
    return schedules, xirr(flows), default, dilution, issued


def notes_explorer(deal, a, market, term_b_maturity, stop, option_holder: str | None = None, demand=None) -> w.VBox:
    """Sliders for the margin, the floor, the Fixed Conversion Price and a price shock, and the
    ``option_holder`` choice (whose flows the Option's value enters: laurus, gssf or excluded);
    the schedules' totals, the lender's XIRR, the Default Payment (default on ``stop``, demanded on
    ``demand``, by default the next day) and the dilution beside the total debt service chart,
    recomputed and redrawn live (:func:`_notes_outcome`). Every control starts at exactly the
    page's value."""
    from dealkit.present.charts import total_service_figure

    controls = _notes_controls(deal, a, market, option_holder)
    holder = controls[-1]
    info = w.HTML(layout=w.Layout(min_width="300px", max_width="420px"))

    def compute():
        values = [control.value for control in controls]
        schedules, rate, default, dilution, issued = _notes_outcome(
            deal, a, market, values, term_b_maturity, stop, demand
        )
        info.value = _notes_side(schedules, rate, holder.value, default, dilution, issued)
        return _safe(total_service_figure(list(schedules.values())))

    chart = LiveChart(compute())

    def redraw(*_):
        chart.show(compute())

    for control in controls:
        control.observe(redraw, names="value")
    return w.VBox([*controls, w.HBox([chart, info], layout=w.Layout(flex_flow="row wrap"))])
