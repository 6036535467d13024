"""Issue 11, item 3 of the fixups: a rule function's keyword default for a term of the deal comes
from the embedded deal file (never a literal), and a loaded deal's value, passed in, wins."""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP
from decimal import Decimal as D
from fractions import Fraction

from dealkit import notes as n
from dealkit import option as op
from dealkit.loader import load_deal
from dealkit.present import charts

DEAL = load_deal()
T = DEAL.note_terms
C = DEAL.capitalization


def _half_up_cents(x: Fraction) -> D:
    return (D(x.numerator) / D(x.denominator)).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def test_default_payment_multiple_defaults_to_the_deal_file():
    p, i, f = D("1234567.89"), D("1000.01"), D("50.00")
    want = _half_up_cents(Fraction(p) * Fraction(T.default_payment_multiple.value)) + i + f
    assert n.default_payment(p, i, f) == want == n.default_payment(p, i, f, T.default_payment_multiple.value)
    other = D("1.25")
    assert n.default_payment(p, i, f, other) == _half_up_cents(Fraction(p) * Fraction(other)) + i + f


def test_default_interest_defaults_to_the_deal_file():
    p, start, end = D("1000000.00"), dt.date(2008, 1, 31), dt.date(2008, 3, 1)
    m = T.default_interest_monthly.value
    want = _half_up_cents(Fraction(p) * Fraction(m) * 12 * (end - start).days / 360)
    assert n.default_interest(p, start, end) == want
    assert n.default_interest(p, start, end, D("0.02")) == _half_up_cents(
        Fraction(p) * Fraction("0.02") * 12 * 30 / 360
    )


def test_market_counts_default_to_the_deal_file_and_for_deal_takes_a_loaded_one(write_deal):
    m = n.Market(D("0.06"), 1)
    assert (m.outstanding, m.authorized, m.series_d_ratio, m.series_d_until_authorized) == (
        C.outstanding_at_closing.value,
        C.series_d_until_authorized.value,
        C.series_d_ratio.value,
        C.series_d_until_authorized.value,
    )

    def edit(d):
        d["capitalization"]["outstanding_at_closing"]["value"] = 1_000_000_000
        d["capitalization"]["series_d_ratio"]["value"] = 1000

    edited = load_deal(write_deal(edit))
    m = n.Market.for_deal(edited, D("0.06"), 1, holder_owns=7)
    assert (m.outstanding, m.authorized, m.series_d_ratio, m.holder_owns) == (
        1_000_000_000,
        edited.capitalization.authorized_at_closing.value,
        1000,
        7,
    )
    # the Series D route rounds to whole preferred shares of the edited ratio (authorized < threshold)
    conv = n.optional_conversion(D("12345.67"), D("0.05"), m, D("0.0499"))
    shares = math.floor(Fraction("12345.67") / Fraction("0.05"))  # 246,913
    assert (conv.series_d, conv.shares) == (shares // 1000, shares // 1000 * 1000)
    assert conv.principal == (D(conv.shares) * D("0.05")).quantize(D("0.01"), rounding="ROUND_DOWN")


def test_the_cap_label_is_the_cap_in_force():
    m = n.Market(D("0.06"), 1, outstanding=10_000_000, holder_owns=0, authorized=C.series_d_until_authorized.value)
    assert n.optional_conversion(D("100000.00"), D("0.05"), m, D("0.0999")).limited_by == "9.99% cap"


def test_borrowing_base_at_closing_comes_from_the_deal_file(write_deal):
    (r,) = n.default_reports(DEAL)
    assert (r.receivables, r.inventory, r.draw) == (
        T.borrowing_base_receivables.value,
        T.borrowing_base_inventory.value,
        DEAL.notes["revolving"].face.value,
    )
    assert T.borrowing_base_receivables.source.kind == "assumed" and T.borrowing_base_receivables.range

    def edit(d):
        d["note_terms"]["borrowing_base_receivables"]["value"] = "3000000.00"

    edited = load_deal(write_deal(edit))
    (r,) = n.default_reports(edited)
    assert r.receivables == D("3000000.00")
    rows = n.assumptions_frame(edited, n.assumptions_from_deal(edited))
    assert "$3,000,000.00" in set(rows[rows.term == "Borrowing base receivables"]["in this run"])


def test_borrowing_base_must_be_in_the_deal_file(write_deal):
    import pytest

    from dealkit.errors import DealDataError

    def drop(d):
        del d["note_terms"]["borrowing_base_inventory"]

    with pytest.raises(DealDataError) as info:
        load_deal(write_deal(drop))
    assert "borrowing_base_inventory" in str(info.value)


def test_back_solve_bound_defaults_to_the_facility():
    a = n.assumptions_from_deal(DEAL)
    demand, due = DEAL.default_demand.amount.value, DEAL.default_demand.due_date.value
    assert n.back_solve_demand(demand, due, a).equals(
        n.back_solve_demand(demand, due, a, max_principal=DEAL.facility_total())
    )


def test_payment_dates_default_to_the_deals_convention():
    issue, maturity = DEAL.notes["term_a"].issue_date.value, DEAL.notes["term_a"].maturity.value
    conv = T.business_day_convention.value
    assert n.payment_dates(issue, maturity) == n.payment_dates(issue, maturity, conv)
    assert n.payment_dates(issue, maturity)[-1] == dt.date(2008, 9, 8)  # Saturday -> Monday
    assert n.payment_dates(issue, maturity, "unadjusted")[-1] == dt.date(2008, 9, 6)


def test_cap_figure_uses_the_cap_it_is_given():
    outstanding = range(100_000_000, 1_000_000_001, 300_000_000)
    shares = DEAL.option.shares.value
    for cap in (DEAL.option.max_exercise_cap.value, D("0.0999")):
        fig = charts.cap_figure(outstanding, 1_000_000, op.READINGS, shares, cap)
        for trace in fig.data:
            assert list(trace.y) == [
                op.max_exercisable(o, 1_000_000, cap, trace.name, remaining=shares) for o in outstanding
            ]
        # the literal reading's exact twin: floor(c x O) - H, at most the shares remaining
        literal = next(t for t in fig.data if t.name == "literal")
        assert list(literal.y) == [min(shares, max(0, math.floor(Fraction(cap) * o) - 1_000_000)) for o in outstanding]
        assert f"{(cap * 100).normalize():f}% cap" in fig.layout.title.text
