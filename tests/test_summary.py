"""The executive summary and the fully diluted cap table, against exact twins computed here."""

import math
from fractions import Fraction

from conftest import ROOT

import dealkit
from dealkit import notes
from dealkit.captable import cap_table, holder_view
from dealkit.present.captable_tables import captable_frame
from dealkit.summary import NOTES_DEFAULTS, SECTIONS, executive_summary


def test_defaults_are_the_notes_notebooks():
    import papermill

    declared = papermill.inspect_notebook(str(ROOT / "notebooks" / "01_notes.ipynb"))
    for name, value in NOTES_DEFAULTS.items():
        assert declared[name]["default"].strip("\"'") == value, name


def test_summary_figures_are_exact():
    deal = dealkit.load_deal()
    s = executive_summary(deal)
    e = s.exact
    # dilution: shares issued / (outstanding + issued), exactly
    o = deal.capitalization.outstanding_at_closing.value
    assert Fraction(e["dilution"]).limit_denominator(10**12) == Fraction(e["shares_issued"], o + e["shares_issued"])
    # stock vs cash from the schedules, the same numbers as 01_notes shows
    a = notes.assumptions_from_deal(deal)
    assert e["principal_stock"] + e["principal_cash"] <= sum(n.face.value for n in deal.notes.values())
    # the back-solve brackets: each end times 1.30 is below the demand (interest and fees are on top)
    demand = deal.default_demand.amount.value
    assert e["principal_low"] * a.default_multiple <= demand and e["principal_high"] * a.default_multiple <= demand
    assert e["principal_low"] <= e["principal_high"]
    labels = [f.label for f in s.figures]
    assert {"All-in annual cost to ATG", "What Laurus earns (XIRR)", "Modelled Default Payment"} <= set(labels)
    assert all(f.key in SECTIONS for f in s.figures)
    html = s.to_html("pages")
    assert 'href="01_notes.html#Default:-the-2008-demand"' in html and "tex2jax_ignore" in html
    assert 'href="#Default:-the-2008-demand"' in s.to_html("combined")
    assert any(sev == "high" for sev, _, _ in s.findings)


def test_holder_view_exact():
    deal = dealkit.load_deal()
    ct = cap_table(deal)
    view = holder_view(deal, ct)
    o = deal.capitalization.outstanding_at_closing.value
    assert view.at_once == math.floor(Fraction(deal.option.max_exercise_cap.value) * o)
    price = Fraction(deal.note_terms.fixed_conversion_price.value)
    conv = sum(math.floor(Fraction(n.face.value) / price) for n in deal.notes.values() if n.convertible)
    assert view.fully_diluted == deal.option.shares.value + conv  # the Warrant, unspecified, not counted
    assert view.fully_diluted_share == Fraction(view.fully_diluted, o + deal.option.shares.value + conv)
    assert holder_view(deal, ct, owned=10_000_000).at_once == view.at_once - 10_000_000


def test_cap_table_renders_as_a_finished_model():
    from dealkit import fmt

    ct = cap_table(dealkit.load_deal())
    html = fmt.table_html(
        captable_frame(ct), totals={"before": ct.total_before, "after": ct.total_after, "% after": 100}
    )
    assert "unspecified" in html and "2,300,250,000" in html and "100.00%" in html
    assert '<th class="num" scope="col">% after</th>' in html


def test_risk_ranges_in_the_summary_from_the_metrics_file():
    """The 05_risk metrics (percentiles over paths) become labelled, illustrative ranges."""
    from dealkit.summary import risk_figures

    metrics = {
        "defaulted": 0.25,
        "n_paths": 1000,
        "provenance": "gbm, seed 7 <b>",
        "percentiles": {
            "lender_xirr": {"p5": -0.05, "p50": 0.12, "p95": 0.4},
            "dilution": {"p5": 0.0, "p50": 0.01, "p95": 0.0476},
        },
    }
    xirr, dil = risk_figures(metrics)
    assert xirr.key == dil.key == "risk" and "illustrative" in xirr.label and "illustrative" in dil.label
    assert xirr.value == "-5.0% to 40.0%" and "median 12.0%" in xirr.detail and "1,000 simulated paths" in xirr.detail
    assert dil.value == "0.00% to 4.76%" and "25.0% of paths" in dil.detail
    assert risk_figures({"percentiles": {}}) == []  # no ranges: no figure, never a made-up one
    s = executive_summary(dealkit.load_deal(), risk=metrics)
    assert [f.label for f in s.figures][2:4] == [xirr.label, dil.label]
    assert "&lt;b&gt;" in s.to_html() and "<b>" not in s.to_html().split("dk-detail")[2]


def test_report_summary_shows_the_risk_range_of_this_run(report_run):
    proc, out = report_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Laurus XIRR across price paths (illustrative)" in index
    assert 'href="05_risk.html#The-distribution-of-outcomes"' in index


def test_overview_declares_the_notes_parameters_with_the_same_defaults():
    """00_overview's summary runs the notes on the same parameters as 01_notes (a report run
    passes the run's values to both)."""
    import papermill

    overview = papermill.inspect_notebook(str(ROOT / "notebooks" / "00_overview.ipynb"))
    notes_nb = papermill.inspect_notebook(str(ROOT / "notebooks" / "01_notes.ipynb"))
    for name in NOTES_DEFAULTS:
        assert overview[name]["default"] == notes_nb[name]["default"], name


def test_summary_follows_a_term_parameter():
    """A parameter that sets an assumed term moves the figures and the key assumptions shown."""
    deal = dealkit.load_deal()
    base = executive_summary(deal)
    raised = executive_summary(deal, params={"margin": "0.05", "conversion_price": "0.04"})
    assert dict(raised.assumptions)["Margin over WSJ prime"] in ("5%", "5.00%")
    assert dict(raised.assumptions)["Fixed Conversion Price"] == "$0.04"
    assert raised.exact["lender_xirr"] != base.exact["lender_xirr"]
    assert raised.exact["fully_diluted"] != base.exact["fully_diluted"]  # conversions at the new price


def test_report_run_gives_the_overview_and_the_index_the_runs_parameters(tmp_path):
    from conftest import run_cli

    out = tmp_path / "r"
    proc = run_cli(
        "report", "--out", str(out), "-p", "margin=0.05", "--notebook", "00_overview", "--notebook", "01_notes"
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    expected = executive_summary(dealkit.load_deal(), params={"margin": "0.05"})
    page = (out / "00_overview.html").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    for figure in expected.figures[:2]:  # the two XIRRs, which the margin moves
        assert figure.value in page and figure.value in index, figure
    assert expected.figures[0].value != executive_summary(dealkit.load_deal()).figures[0].value


def test_summary_file_round_trip_and_hostile_files(tmp_path):
    from dealkit.report.summary_files import SUMMARY_FILE, read_summary, summary_json, write_summary

    s = executive_summary(dealkit.load_deal())
    path = write_summary(s, tmp_path)
    back = read_summary(path)
    assert back is not None and back.to_html() == s.to_html()
    assert back.exact["default_payment"] == str(s.exact["default_payment"])
    good = summary_json(s)
    for bad in (
        "",
        "[]",
        "{}",
        "null",
        good.replace('"figures"', '"figurez"'),
        good.replace('"xirr"', '"nowhere"', 1),
        good.replace('"inputs": {', '"inputs": {"x": 1, ', 1),
        "\x00" * 10,
        '{"figures": 1e999}',
    ):
        (tmp_path / SUMMARY_FILE).write_text(bad, encoding="utf-8")
        assert read_summary(tmp_path / SUMMARY_FILE) is None, bad[:40]
    (tmp_path / SUMMARY_FILE).unlink()
    (tmp_path / SUMMARY_FILE).symlink_to(path.with_name("elsewhere.json"))
    assert read_summary(tmp_path / SUMMARY_FILE) is None


def test_the_run_shows_the_overviews_summary_or_computes_its_own(tmp_path):
    """With 00_overview in the run, the index and combined report show the summary it wrote (not
    computed twice); if that file is missing or corrupt, the runner computes the summary itself."""
    from dealkit.report.finish import _ExecutiveSummary
    from dealkit.report.notebook import NotebookResult
    from dealkit.report.summary_files import SUMMARY_FILE, write_summary

    deal = dealkit.load_deal()
    paths = [ROOT / "notebooks" / "00_overview.ipynb", ROOT / "notebooks" / "01_notes.ipynb"]
    plan = {p: {} for p in paths}
    ok = [NotebookResult(p.stem, p.stem, True, 1.0, None, None) for p in paths]
    marked = executive_summary(deal)
    marked.figures[0] = type(marked.figures[0])("xirr", "marker", "from 00_overview")
    write_summary(marked, tmp_path)
    runner = _ExecutiveSummary(deal, plan, paths).start()
    assert runner.thread.ident is None  # no second computation while the notebooks run
    assert runner.result(tmp_path, ok).figures[0].value == "from 00_overview"
    (tmp_path / SUMMARY_FILE).write_text("{not json", encoding="utf-8")
    computed = _ExecutiveSummary(deal, plan, paths).start().result(tmp_path, ok)
    assert computed.figures[0].value == executive_summary(deal).figures[0].value
