"""ipywidgets explorers for live JupyterLab sessions (``interactive=True``).

Report runs build none of these (a report has no kernel, so callbacks could never fire, and
``Output`` widgets are unreliable under papermill: jupyter/nbclient#24). The explorers update an
``HTML`` widget, not an ``Output`` widget.
"""

from __future__ import annotations

import html

import ipywidgets as w

from dealkit.deal.review import SEVERITIES, Review

__all__ = ["findings_explorer", "LiveChart", "exact_options"]

#: Slider labels are shown in full (ipywidgets cuts descriptions at 80px by default).
_STYLE = {"description_width": "initial"}
_WIDE = w.Layout(width="460px")


def _plain(value):
    """A plotly property value as plain JSON-comparable Python (arrays become lists)."""
    import json

    from plotly.utils import PlotlyJSONEncoder

    return json.loads(json.dumps(value, cls=PlotlyJSONEncoder))


def _changes(old: dict, new: dict, prefix: str = "") -> dict:
    """The property paths (``"link.value"``) whose values differ from ``old`` to ``new``: nested
    objects (a Sankey's ``link``/``node``, a ``marker``) are diffed key by key, never replaced whole;
    a property ``old`` has and ``new`` lacks is reset to ``None``."""
    out = {}
    for key in set(old) | set(new):
        if key in ("type", "uid"):
            continue
        a, b = old.get(key), new.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            out.update(_changes(a, b, f"{prefix}{key}."))
        elif a != b:
            out[f"{prefix}{key}"] = b
    return out


class LiveChart(w.Box):
    """A plotly ``FigureWidget`` that redraws in place: :meth:`show` sends only the properties that
    changed, in one ``batch_update`` (one restyle + one relayout message), with the trace count
    fixed (a figure with fewer traces hides the rest: ``visible=False`` and empty data; more
    traces than ever shown are appended once, outside the batch).

    Why in-place edits used to be lost: ``chart.data = []`` followed by ``add_trace`` inside one
    ``batch_update`` sends a delete and adds that plotly's front end applies out of order ("indices
    must be valid indices for gd.data"), and assigning a whole ``link``/``node`` dict to a Sankey
    replaces nested objects the front end then redraws from stale state. Neither happens here:
    traces are never deleted, and nested properties are set path by path (``link.value``)."""

    def __init__(self, figure):
        import plotly.graph_objects as go

        self._go = go
        super().__init__([])
        self._retired = []
        self._start(figure)

    def _start(self, figure) -> None:
        """Show a new FigureWidget carrying ``figure`` in its first state."""
        import time

        if self.children:  # closing a widget whose front end still initializes makes anywidget throw
            self._retired = [(t, wd) for t, wd in self._retired if time.monotonic() - t < 30 or wd.close()]
            self._retired.append((time.monotonic(), self.children[0]))
        self.children = [self._go.FigureWidget(figure)]
        self._shown = [_plain(t.to_plotly_json()) for t in self.children[0].data]
        self._shown_layout = self._layout_json(self.children[0].layout)
        self._initial = ([dict(t) for t in self._shown], dict(self._shown_layout))
        self._edited = False
        self._drawn = False
        self.children[0].observe(self._resync, names="_js2py_traceDeltas")

    @staticmethod
    def in_place() -> bool:
        """In-place redraws are opt-in (``DEALKIT_LIVECHART_IN_PLACE=1``; always in a process with no
        front end): measured at 60-100 ms against ~1.2 s for a new widget, but on a loaded machine
        an edit right after the page loads can still be lost when anywidget's model set-up times
        out ("[anywidget] Failed to initialize model"; tests/test_app.py failed 1 run in 3 under
        load). Until that is fixed, a kernel replaces the widget by default."""
        import os

        return os.environ.get("DEALKIT_LIVECHART_IN_PLACE", "") == "1" or not LiveChart._front_end()

    @staticmethod
    def _front_end() -> bool:
        """Whether a front end can draw this chart (a kernel runs): outside one there is nothing to lose."""
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        return getattr(get_ipython(), "kernel", None) is not None

    def _resync(self, change) -> None:
        """Once, when a front end first reports its chart drawn: re-send every edit made since the
        chart was built. Edits sent while the front-end model was still initializing (a loaded
        machine: anywidget's model set-up can take seconds) reach no handler and were lost, so a
        Sankey could stay at its first state; re-sending is idempotent (values, not increments)."""
        if not change["new"]:
            return
        self._drawn = True
        fig = self.children[0]
        fig.unobserve(self._resync, names="_js2py_traceDeltas")
        if not self._edited:
            return
        for i, (old, now) in enumerate(zip(self._initial[0], self._shown)):
            diff = _changes(old, now)
            if diff:
                fig._send_update_msg({k: [v] for k, v in diff.items()}, {}, trace_indexes=[i])
        diff = _changes(self._initial[1], self._shown_layout)
        if diff:
            fig._send_update_msg({}, diff)

    @staticmethod
    def _layout_json(layout) -> dict:
        d = dict(layout if isinstance(layout, dict) else layout.to_plotly_json())
        d.pop("template", None)  # the same theme on every redraw; never re-sent
        return _plain(d)

    @property
    def figure(self):
        """The FigureWidget shown (always the same one)."""
        return self.children[0]

    @property
    def data(self):
        return self.children[0].data

    @property
    def layout(self):
        return self.children[0].layout

    @property
    def shown(self) -> list:
        """The visible traces (hidden padding left out)."""
        return [t for t in self.children[0].data if t.visible is not False]

    def show(self, figure) -> None:
        """Redraw as ``figure`` (a plotly figure or its dict) by editing the displayed traces and
        layout in place."""
        fig = self.children[0]
        if not isinstance(figure, dict):
            figure = {"data": [t.to_plotly_json() for t in figure.data], "layout": figure.layout.to_plotly_json()}
        want = [_plain(t) for t in figure.get("data", [])]
        extra = want[len(fig.data):]
        for t in extra:  # rare: more traces than ever shown; appended once, outside any batch
            fig.add_trace(self._go.Figure({"data": [t]}).data[0])
            self._shown.append(_plain(fig.data[-1].to_plotly_json()))
        if not self.in_place() or (not self._drawn and self._front_end()):
            # no front end has reported this chart drawn: its model may have failed to initialize
            # (anywidget gives up after 2 s on a loaded machine) and would drop every edit; a new
            # widget carries the whole figure in its first state (slow, ~1 s, but never lost)
            self._start(figure)
            return
        layout = self._layout_json(figure.get("layout", {}))
        self._edited = True
        with fig.batch_update():
            for i, trace in enumerate(fig.data):
                old = self._shown[i]
                if i < len(want) and want[i].get("type", "scatter") == old.get("type", "scatter"):
                    target = {"visible": None, **want[i]}
                else:  # padding: the same trace type, hidden and emptied
                    target = {"type": old.get("type"), "visible": False}
                    target.update({k: [] for k in ("x", "y") if k in old})
                    if "link" in old:
                        target["link"] = {**{k: v for k, v in old["link"].items()}, "value": []}
                for path, value in _changes(old, target).items():
                    trace[path] = value
                self._shown[i] = {**{k: v for k, v in old.items() if k in ("type", "uid")}, **target}
            for path, value in _changes(self._shown_layout, layout).items():
                fig.layout[path] = value
            self._shown_layout = layout


def _safe(fig) -> dict:
    """The figure's dict with its text escaped as in the reports (:func:`dealkit.present.sanitize.sanitize_figure`):
    labels from the deal file or the instructions stay text in the widget too. A dict, not a new
    ``go.Figure``: validating it again (its template above all) cost more than the redraw."""
    from dealkit.present.sanitize import sanitize_figure

    return sanitize_figure(fig.to_dict())

def exact_options(value, low, high) -> list[tuple[str, object]]:
    """Choices for a price slider that starts at *exactly* the page's value: "nice" prices (1, 1.5,
    2, 2.5, 3, 4, 5, 6, 7, 8 × 10^k) between ``low`` and ``high``, plus ``value`` itself, as
    ``(label, Decimal)`` pairs (a log slider would snap $0.05 to $0.0501)."""
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
    """Filter the review findings by severity and kind; the table redraws on every change."""
    from dealkit.present.fmt import table_html

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
    import html
    import json


    from dealkit.present.charts import sankey_figure
    from dealkit.escrow import InstructionError, disburse_deal, disbursement_frame, parse_instructions
    from dealkit.present.fmt import money, table_html

    text = w.Textarea(value=json.dumps(instructions, indent=1), description="instructions",
                      layout=w.Layout(width="100%", height="160px"))
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
        status.value = _no_math(f"<b>Paid out {money(total)}</b> of {money(escrowed)} held: conserved to the cent."
                                + "".join(f"<br><b>Finding:</b> {html.escape(f)}" for f in rows.findings))
        table.value = table_html(disbursement_frame(rows).drop(columns=["shown"]), totals=["amount"],
                                 total_label="Paid out")
        chart.show(_safe(sankey_figure(rows, escrowed)))

    text.observe(redraw, names="value")
    fee.observe(redraw, names="value")
    redraw()
    return w.VBox([fee, text, status, table, chart])


def option_explorer(deal, fmv: str, outstanding: int, owned: int, reading: str) -> w.VBox:
    """Sliders for FMV, shares outstanding and the Holder's shares, and a §10 reading toggle; the
    exercise comparison and the cap chart redraw live (Option §2.2, §10)."""
    from decimal import Decimal

    from dealkit.present.charts import cap_figure
    from dealkit.present.fmt import money, pct, table_html
    from dealkit.option import READINGS, cashless_exercisable, exercise_comparison, max_exercisable

    remaining, cap, strike = deal.option.shares.value, deal.option.max_exercise_cap.value, deal.option.exercise_price.value
    price = w.SelectionSlider(options=exact_options(fmv, strike, "1"), value=Decimal(str(fmv)), description="FMV",
                              style=_STYLE, layout=_WIDE)
    out = w.IntSlider(value=outstanding, min=min(100_000_000, outstanding), max=max(10_000_000_000, outstanding),
                      step=50_000_000, description="shares outstanding", style=_STYLE, layout=_WIDE)
    own = w.IntSlider(value=owned, min=0, max=max(owned, max(10_000_000_000, outstanding) // 20), step=1_000_000, description="holder owns",
                      style=_STYLE, layout=_WIDE)
    toggle = w.ToggleButtons(options=list(READINGS), value=reading, description="§10 reading", style=_STYLE)
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
            + table_html(exercise_comparison(y, fmv_d, strike, cashless_exercisable(y, fmv_d, strike, remaining))))
        chart.show(cap_figure(range(100_000_000, 10_000_000_001, 100_000_000), own.value, READINGS, remaining, cap))

    for control in (price, out, own, toggle):
        control.observe(redraw, names="value")
    redraw()
    return w.VBox([price, out, own, toggle, w.HBox([chart, info], layout=w.Layout(flex_flow="row wrap"))])


def obligations_explorer(deal, events, as_of, promptly: int) -> w.VBox:
    """Filter the obligations by party and move the as-of date; the calendar table and the
    timeline redraw live."""
    import plotly.graph_objects as go

    from dealkit.present.charts import obligations_timeline
    from dealkit.present.fmt import table_html
    from dealkit.obligations import calendar_frame, party_label, trigger

    parties = ["(all)"] + sorted({party_label(deal, ob.obligor) for ob in deal.obligations}
                                 | {party_label(deal, ob.obligee) for ob in deal.obligations})
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
        fresh = _safe(obligations_timeline(deal, [t for t in triggered if keep is None or t.obligation.id in keep],
                                           date.value))
        chart.show(fresh)

    who.observe(redraw, names="value")
    date.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([who, date]), table, chart])


def notes_explorer(deal, a, market, term_b_maturity, stop, option_holder: str | None = None,
                   demand=None) -> w.VBox:
    """Sliders for the margin, the floor, the Fixed Conversion Price and a price shock, and the
    ``option_holder`` choice (whose flows the Option's value enters: laurus, gssf or excluded);
    the schedules' totals, the lender's XIRR, the Default Payment (default on ``stop``, demanded on
    ``demand``, by default the next day) and the dilution beside the total debt service chart,
    recomputed and redrawn live. Every control starts at exactly the page's value."""
    import dataclasses
    import html
    from decimal import Decimal

    import datetime as dt

    from dealkit.present.charts import total_service_figure
    from dealkit.present.fmt import date as fmt_date
    from dealkit.present.fmt import money, pct, yes_no
    from dealkit.notes import (OPTION_HOLDERS, build_schedules, default_option_holder, default_scenario, lender_cash_flows,
                        option_value, xirr)

    pct_style = {"style": _STYLE, "layout": _WIDE, "readout_format": ".2f"}
    margin = w.FloatSlider(value=float(a.margin) * 100, min=0, max=5, step=0.25, description="margin over prime %",
                           **pct_style)
    floor = w.FloatSlider(value=float(a.floor) * 100, min=0, max=12, step=0.25, description="rate floor %", **pct_style)
    fcp = w.SelectionSlider(options=exact_options(a.fixed_conversion_price, "0.001", "1"), value=a.fixed_conversion_price,
                            description="Fixed Conversion Price", style=_STYLE, layout=_WIDE)
    shock = w.FloatSlider(value=float(market.shock), min=0.1, max=3, step=0.1, description="price shock ×",
                          style=_STYLE, layout=_WIDE, readout_format=".1f")
    holder = w.Dropdown(options=list(OPTION_HOLDERS), value=option_holder or default_option_holder(deal),
                        description="Option in", style=_STYLE)
    info = w.HTML(layout=w.Layout(min_width="300px", max_width="420px"))

    def compute():
        aa = dataclasses.replace(a, margin=Decimal(f"{margin.value:.2f}") / 100, floor=Decimal(f"{floor.value:.2f}") / 100,
                                 fixed_conversion_price=fcp.value)
        mm = dataclasses.replace(market, shock=Decimal(f"{shock.value:.1f}"))
        schedules = build_schedules(deal, aa, mm, term_b_maturity=term_b_maturity, stop=stop)
        flows = lender_cash_flows(list(schedules.values()), mm, deal.escrow.escrowed_payment.value,
                                  deal.deal.closing_date.value, deal.escrow.closing_payment.value,
                                  option_holder=holder.value, option=option_value(deal, mm))
        rate = xirr(flows)
        ds = default_scenario(schedules, stop, demand or stop + dt.timedelta(days=1), aa) if stop else None
        issued = sum(s.shares for s in schedules.values())
        base = mm.outstanding or 0
        dilution = Decimal(issued) / Decimal(base + issued) if base + issued else None
        side = (f"<p>Lender XIRR (no default recovery; the Option {html.escape(OPTION_HOLDERS[holder.value])}): "
                f"<b>{'none' if rate is None else pct(rate, 2)}</b>; "
                + (f"Default Payment <b>{money(ds.payment)}</b> on {fmt_date(ds.demand_date)}; " if ds else "no default; ")
                + f"dilution <b>{pct(dilution) if dilution is not None else '—'}</b> ({issued:,} shares)</p>")
        info.value = _no_math(side + "<ul>" + "".join(
            f"<li><b>{html.escape(s.note)}</b>: interest {money(s.interest)}; cash principal {money(s.principal_cash)}; "
            f"stock {money(s.principal_stock)} ({s.shares:,} shares); conserved {yes_no(s.conserved())}</li>"
            for s in schedules.values()) + "</ul>")
        return _safe(total_service_figure(list(schedules.values())))

    chart = LiveChart(compute())

    def redraw(*_):
        chart.show(compute())

    for control in (margin, floor, fcp, shock, holder):
        control.observe(redraw, names="value")
    return w.VBox([margin, floor, fcp, shock, holder, w.HBox([chart, info], layout=w.Layout(flex_flow="row wrap"))])
