"""Chart fixes: the heatmap's dropdown keeps the title, log-spaced axes are log axes, the
conversion chart has axis titles and percents, empty charts say so."""

import datetime as dt
from decimal import Decimal

from dealkit import load_deal, notes, option
from dealkit.option_engine import scenario_grid
from dealkit.present import charts


def test_heatmap_dropdown_keeps_the_title_and_fmv_is_a_log_axis():
    grid = scenario_grid(
        option.fmv_axis("0.00002", "0.2", 5), option.outstanding_axis(500_000_000, 5_000_000_000, 4), [0]
    )
    fig = charts.option_heatmap(grid)
    assert fig.layout.yaxis.type == "log"
    for button in fig.layout.updatemenus[0].buttons:
        layout_args = button.args[1]
        assert set(layout_args) == {"title.text"}  # relayout of the title's text: the title stays
        assert layout_args["title.text"].startswith("Cashless exercise now: ")


def test_conversion_chart_axis_titles_and_percents():
    deal = load_deal()
    a = notes.assumptions_from_deal(deal)
    market = notes.Market(
        Decimal("0.06"),
        5_000_000,
        outstanding=deal.capitalization.outstanding_at_closing.value,
        authorized=deal.capitalization.authorized_at_closing.value,
    )
    schedules = notes.build_schedules(deal, a, market, term_b_maturity=dt.date(2008, 1, 31), stop=dt.date(2008, 1, 31))
    fig = charts.conversion_figure(list(schedules.values()), market.outstanding)
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text and fig.layout.yaxis2.title.text
    assert fig.layout.yaxis2.ticksuffix == "%"
    assert not fig.layout.annotations


def test_empty_charts_say_so():
    assert "No shares issued" in charts.conversion_figure([], 1_000).layout.annotations[0].text
    assert "No payments" in charts.total_service_figure([]).layout.annotations[0].text
    texts = [a.text for a in charts.obligations_timeline(load_deal(), [], dt.date(2006, 1, 1)).layout.annotations]
    assert any("No obligation" in t for t in texts)


def test_use_template_sets_plotly_white_as_the_setter_would():
    """use_template stores a registered name without plotly's validation copy; a new figure then
    carries exactly the template plotly's own setter would have given it."""
    import subprocess
    import sys

    code = """
import json, plotly.io as pio, plotly.graph_objects as go
from dealkit.present import charts
pio.templates.default = "plotly"
charts.use_template(charts.CHART_TEMPLATE)
assert pio.templates.default == "plotly_white"
ours = go.Figure(go.Scatter(x=[1], y=[2])).to_plotly_json()["layout"]["template"]
pio.templates.default = "plotly"
pio.templates.default = "plotly_white"
theirs = go.Figure(go.Scatter(x=[1], y=[2])).to_plotly_json()["layout"]["template"]
assert json.dumps(ours, sort_keys=True, default=str) == json.dumps(theirs, sort_keys=True, default=str)
assert ours["layout"]["plot_bgcolor"] == "white"
try:
    charts.use_template("no_such_template")
except ValueError:
    print("refused")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "refused"  # an unknown name still goes through plotly's validation
