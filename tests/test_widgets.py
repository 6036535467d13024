"""The JupyterLab explorer: built from the review, and its table follows the controls."""

from decimal import Decimal

from dealkit import load_deal, review
from dealkit.present.widgets import findings_explorer


def test_findings_explorer_filters():
    result = review(load_deal())
    box = findings_explorer(result)
    (severity, kind), table = box.children[0].children, box.children[1]
    shown = sum(1 for f in result.findings if f.severity != "info")
    assert f"<p>{shown} findings</p>" in table.value
    severity.value = ("high",)
    assert "<p>3 findings</p>" in table.value
    kind.value = ("holder",)
    assert "<p>1 findings</p>" in table.value
    assert "GSSF Master Fund" in table.value


def test_escrow_editor_updates_and_refuses_bad_edits():
    import json
    from decimal import Decimal

    from dealkit import escrow
    from dealkit.present.widgets import escrow_editor

    deal = load_deal()
    box = escrow_editor(deal, escrow.default_instructions(deal), "0.00")
    fee, text, status, table, chart = box.children
    assert "Paid out $12,000,000.00" in status.value
    assert "NTSCO pension plan account" in table.value
    text.value = json.dumps([{"payee": "Solo", "remainder": True}])
    assert "Solo" in table.value and "Paid out $12,000,000.00" in status.value
    assert any("Solo" in label for label in chart.data[0].node.label)
    assert sum(chart.data[0].link.value) == float(Decimal("12000000.00"))
    fee.value = "-3"
    assert "Not disbursed" in status.value and "agent_fee" in status.value
    assert "Solo" in table.value  # the last good table stays; no wrong sum is shown


def test_option_explorer_redraws():
    from dealkit.present.widgets import option_explorer

    deal = load_deal()
    box = option_explorer(deal, "0.02", 2_000_000_000, 0, "literal")
    price, out, own, toggle, side = box.children
    chart, info = side.children
    assert price.value == Decimal("0.02")  # exactly the page's value, no log-slider snapping
    assert "Exercisable now under §10 (literal): <b>99,800,000</b>" in info.value
    assert "mathjax_ignore" in info.value and "dilution" in info.value
    toggle.value = "post_issuance"
    assert "(post_issuance): <b>105,041,574</b>" in info.value  # floor(99,800,000 / 0.9501)
    own.value = 200_000_000
    assert "<b>0</b>" in info.value
    assert chart.data[0].y[0] == 0 and chart.data[0].y[-1] == 140_250_000  # redrawn for 200,000,000 owned
    price.value = Decimal("0.00001")
    assert "not available" in info.value


def test_obligations_explorer_filters_and_moves_the_date():
    import datetime as dt

    from dealkit import obligations
    from dealkit.present.widgets import obligations_explorer

    deal = load_deal()
    events = obligations.load_events("sample", deal)
    box = obligations_explorer(deal, events, dt.date(2006, 7, 1), 2)
    (who, date), table, chart = box.children[0].children, box.children[1], box.children[2]
    assert "<p>7 obligations</p>" in table.value
    date.value = dt.date(2008, 6, 30)
    assert "<p>9 obligations</p>" in table.value  # + the 75-day notice (2006-09-01) and the default (2008-01-31)
    who.value = "the Escrow Agent (Loeb & Loeb LLP)"
    assert "<p>1 obligations</p>" in table.value and "fea_4_1d_successor" in table.value
    assert len(chart.shown) == 1  # the other traces stay, hidden: the trace count never changes in place
    fig, count = chart.figure, len(chart.data)
    who.value = "(all)"
    assert chart.figure is fig and len(chart.data) == count and len(chart.shown) > 1


def test_live_chart_redraws_in_place_with_only_what_changed():
    """LiveChart.show edits the one FigureWidget: after several redraws its traces equal the new
    figure's exactly, the trace count is fixed, and a Sankey's link is edited path by path."""
    import plotly.graph_objects as go

    from dealkit.present.widgets import LiveChart, _changes

    def bars(ys, title):
        f = go.Figure([go.Bar(x=list(range(len(y))), y=y, name=f"s{i}") for i, y in enumerate(ys)])
        f.update_layout(title=title)
        return f

    chart = LiveChart(bars([[1, 2], [3, 4], [5, 6]], "a"))
    widget = chart.figure
    for step, ys in enumerate(([[7, 8], [9, 10], [11, 12]], [[1]], [[2, 3, 4], [5, 6, 7]], [[0, 0], [1, 1], [2, 2]])):
        chart.show(bars(ys, f"t{step}"))
        assert chart.figure is widget and len(chart.data) == 3
        assert [list(t.y) for t in chart.shown] == ys
        assert chart.layout.title.text == f"t{step}"
        assert all(t.visible is False and list(t.y) == [] for t in chart.data[len(ys) :])
    assert _changes(
        {"link": {"value": [1, 2], "source": [0, 0]}, "type": "sankey"},
        {"link": {"value": [1, 3], "source": [0, 0]}, "type": "sankey"},
    ) == {"link.value": [1, 3]}
    assert _changes({"x": [1], "name": "a"}, {"x": [1]}) == {"name": None}


def test_notes_explorer_recomputes():
    import datetime as dt

    from dealkit import notes
    from dealkit.present.widgets import notes_explorer

    deal = load_deal()
    a = notes.assumptions_from_deal(deal)
    market = notes.Market(notes.Decimal("0.06"), 5_000_000)
    box = notes_explorer(deal, a, market, dt.date(2008, 1, 31), dt.date(2008, 1, 31))
    margin, floor, fcp, shock, holder, side = box.children
    chart, info = side.children
    assert fcp.value == a.fixed_conversion_price and margin.value == float(a.margin) * 100  # the page's values
    assert holder.value == "gssf" and "Lender XIRR" in info.value
    before = info.value
    assert "conserved Yes" in before and len(chart.data) == 3
    assert "Default Payment" in before and "dilution" in before and "mathjax_ignore" in before
    margin.value = 4.0
    assert info.value != before and "conserved Yes" in info.value
    shock.value = 0.5  # $0.03 < 110% of $0.05: Term A paid in cash
    assert "Term A</b>: interest" in info.value and "stock $0.00 (0 shares)" in info.value
    without = info.value
    holder.value = "laurus"  # the Option's value now enters Laurus's flows: a higher XIRR
    assert info.value != without and "in Laurus&#x27;s flows" in info.value


def test_live_chart_rebuilds_with_the_latest_figure_when_an_edit_is_not_acknowledged():
    """The acknowledgement bookkeeping of LiveChart on the real FigureWidget: an edit whose
    ``trace_edit_id`` a view reported back keeps the widget; an edit never reported (a front-end
    model that dropped it) makes the deadline check rebuild the widget with exactly the latest figure,
    whose state then needs no further message; a report from a retired widget is ignored."""
    import plotly.graph_objects as go

    from dealkit.present.widgets import LiveChart

    def bars(ys):
        return go.Figure([go.Bar(x=list(range(len(y))), y=y) for y in ys]).to_dict()

    def report(chart, edit, widget=None):  # what plotly's view sends after applying an edit
        chart._ack({"new": {"trace_deltas": [], "trace_edit_id": edit}, "owner": widget or chart.figure})

    chart = LiveChart(bars([[1, 2], [3, 4]]))
    first = chart.figure
    report(chart, 0)  # the view drew the widget's first state
    chart.show(bars([[5, 6], [7, 8]]))
    sent = first._last_trace_edit_id
    assert sent > 0 and chart._sent == sent and chart._acked == 0
    report(chart, sent)
    chart._check()  # acknowledged: the same widget stays
    assert chart.figure is first and chart.rebuilds == 0

    chart.show(bars([[9, 10], [11, 12]]))
    chart.show(bars([[13, 14]]))  # a second quick move; neither is acknowledged
    chart._check()
    assert chart.rebuilds == 1 and chart.figure is not first
    assert [list(t.y) for t in chart.figure.data] == [[13, 14]]  # the latest figure, in its first state
    assert chart._sent == chart.figure._last_trace_edit_id and chart._acked is None
    report(chart, 99, widget=first)  # the retired widget's view: ignored
    assert chart._acked is None
    report(chart, chart._sent)
    chart._check()
    assert chart.rebuilds == 1
    chart.show(bars([[1, 1], [2, 2], [3, 3]]))  # in place again on the new widget, traces appended
    assert [list(t.y) for t in chart.shown] == [[1, 1], [2, 2], [3, 3]] and chart.rebuilds == 1
