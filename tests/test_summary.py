"""The executive summary and the fully diluted cap table, against exact twins computed here."""

import math
from decimal import Decimal
from fractions import Fraction

import dealkit
from conftest import ROOT
from dealkit import notes
from dealkit.captable import cap_table
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


def test_cap_table_exact():
    deal = dealkit.load_deal()
    ct = cap_table(deal)
    price = Fraction(deal.note_terms.fixed_conversion_price.value)
    conv = sum(math.floor(Fraction(n.face.value) / price) for n in deal.notes.values() if n.convertible)
    o = deal.capitalization.outstanding_at_closing.value
    assert ct.fully_diluted == o + deal.option.shares.value + conv
    assert ct.unspecified == ("Warrant",)  # shown as unspecified, never a made-up number
    frame = ct.frame()
    warrant = frame[frame["security"] == "Warrant"].iloc[0]
    assert warrant["shares"] == "unspecified" and warrant["ownership_fully_diluted"] is None
    assert ct.holder_cap_shares == math.floor(Fraction(deal.option.max_exercise_cap.value) * o)
    ratio = deal.capitalization.series_d_ratio.value
    option = frame.iloc[1]
    assert option["series_d_equivalent"] == deal.option.shares.value // ratio
    for _, row in frame.iterrows():
        if isinstance(row["shares"], int):
            exact = Fraction(row["shares"], ct.fully_diluted)
            assert abs(Fraction(row["ownership_fully_diluted"]) - exact) <= Fraction(1, 20000)
    # another outstanding count and price flow through
    other = cap_table(deal, outstanding=1_000_000_000, conversion_price=Decimal("0.10"))
    assert other.fully_diluted == 1_000_000_000 + deal.option.shares.value + conv // 2
