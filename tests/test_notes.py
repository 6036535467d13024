"""The notes: interest golden values worked by hand (a month straddling a prime change), their
Decimal twins, schedules that conserve principal exactly, conversion, default, economics, and
Hypothesis properties."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealkit import load_deal
from dealkit import notes as n
from dealkit import option

D = Decimal
DEAL = load_deal()
A = n.assumptions_from_deal(DEAL)
ISSUE, MATURITY = dt.date(2005, 9, 7), dt.date(2008, 9, 6)
MARKET = n.Market(D("0.06"), 5_000_000)


def test_contract_rate():
    assert n.contract_rate(D("0.065"), D("0.02"), D("0.08")) == D("0.085")
    assert n.contract_rate(D("0.0525"), D("0.02"), D("0.08")) == D("0.08")  # the floor binds (2008-03-18 prime)


def test_accrued_interest_straddling_the_2005_09_20_prime_change():
    # $7,000,000, 2005-09-07 to 2005-10-03: 13 days at 6.50% + 2% = 8.50%, then 13 days at 8.75%
    # 7,000,000 x (0.085 x 13 + 0.0875 x 13) / 360 = 43,604.1666... -> $43,604.17 (half-up, period)
    got = n.accrued_interest(D("7000000.00"), ISSUE, dt.date(2005, 10, 3), D("0.02"), D("0.08"))
    assert got == D("43604.17")
    segs = n.interest_segments(D("7000000.00"), ISSUE, dt.date(2005, 10, 3), D("0.02"), D("0.08"))
    assert [(s.start, s.days, s.rate) for s in segs] == [(ISSUE, 13, D("0.085")), (dt.date(2005, 9, 20), 13, D("0.0875"))]


def test_accrued_interest_decimal_twin_and_daily_rounding():
    exact = D("7000000.00") * (D("0.085") * 13 + D("0.0875") * 13) / D(360)
    assert n.accrued_interest(D("7000000.00"), ISSUE, dt.date(2005, 10, 3), D("0.02"), D("0.08")) == exact.quantize(D("0.01"), "ROUND_HALF_UP")
    # daily: 7,000,000 x 0.085 / 360 = 1,652.777... -> 1,652.78 x 13; 0.0875 -> 1,701.388... -> 1,701.39 x 13
    daily = n.accrued_interest(D("7000000.00"), ISSUE, dt.date(2005, 10, 3), D("0.02"), D("0.08"), rounding="daily")
    assert daily == D("1652.78") * 13 + D("1701.39") * 13 == D("43604.21")


def test_floor_binds_after_march_2008():
    # prime 5.25% from 2008-03-18: 5.25 + 2 = 7.25% < 8% floor. $1,000,000 x 8% x 30/360 = $6,666.67
    assert n.accrued_interest(D("1000000.00"), dt.date(2008, 4, 1), dt.date(2008, 5, 1), D("0.02"), D("0.08")) == D("6666.67")


def test_payment_dates_first_business_day():
    dates = n.payment_dates(ISSUE, MATURITY)
    assert dates[0] == dt.date(2005, 10, 3)  # Sat 10-01 -> Mon 10-03
    assert dt.date(2006, 1, 3) in dates      # Sun 01-01, Mon 01-02 New Year's observed -> Tue 01-03
    # Oct 2005 .. Sep 2008 (36), then the maturity: Saturday 2008-09-06 paid Monday 2008-09-08 (following)
    assert dates[-1] == dt.date(2008, 9, 8) and len(dates) == 37


def test_term_a_conserves_principal_and_converts_when_the_tests_pass():
    s = n.term_a_schedule(D("3000000.00"), ISSUE, MATURITY, A, MARKET)
    assert s.conserved() and s.outstanding == 0
    assert s.principal_stock == D("3000000.00")  # $0.06 >= 110% x $0.05 and within the volume cap
    assert s.rows[5]["date"] == dt.date(2006, 3, 1) and s.rows[5]["shares"] == 2_000_000  # $100,000 / $0.05


def test_term_a_pays_cash_with_premium_when_the_price_test_fails():
    low = n.Market(D("0.054"), 5_000_000)  # below 110% x $0.05 = $0.055
    s = n.term_a_schedule(D("3000000.00"), ISSUE, MATURITY, A, low)
    assert s.principal_stock == 0 and s.principal_cash == D("3000000.00")
    assert s.premium == D("60000.00")  # 2% of $3,000,000
    assert all(r["limited_by"] in ("price test", "") for r in s.rows)


def test_term_a_volume_cap_splits_a_payment():
    thin = n.Market(D("0.06"), 10_000)  # 22 days x 10,000 x $0.06 x 25% = $3,300 a month in stock
    s = n.term_a_schedule(D("3000000.00"), ISSUE, MATURITY, A, thin)
    row = s.rows[5]
    assert row["principal_stock"] == D("3300.00") and row["principal_cash"] == D("96700.00")
    assert row["limited_by"] == "volume cap" and s.conserved()


def test_series_d_route_and_the_shared_4_99_cap():
    capped = n.Market(D("0.06"), 5_000_000, outstanding=10_000_000, holder_owns=0, authorized=5_000_000_000)
    conv = n.optional_conversion(D("100000.00"), D("0.05"), capped, D("0.0499"))
    # 2,000,000 shares wanted; 4.99% of 10,000,000 = 499,000 (option.max_exercisable); whole preferred: 490,000
    assert option.max_exercisable(10_000_000, 0) == 499_000
    assert (conv.shares, conv.series_d, conv.principal, conv.limited_by) == (490_000, 49, D("24500.00"), "4.99% cap")


def test_term_b_maturity_conversion_test():
    s = n.term_b_schedule(D("2000000.00"), ISSUE, dt.date(2007, 3, 6), A, n.Market(D("0.059"), 5_000_000))
    assert s.rows[-1]["principal_stock"] == 0 and s.conserved()  # $0.059 < 120% x $0.05 = $0.06
    s = n.term_b_schedule(D("2000000.00"), ISSUE, dt.date(2007, 3, 6), A, n.Market(D("0.06"), 5_000_000))
    # volume cap: 25% x 22 x 5,000,000 x $0.06 = $1,650,000 in stock, $350,000 in cash
    last = s.rows[-1]
    assert (last["principal_stock"], last["principal_cash"], last["shares"]) == (D("1650000.00"), D("350000.00"), 33_000_000)
    assert s.conserved()


def test_revolver_overadvance_and_mbn_minimum():
    reports = [n.BorrowingBase(ISSUE, D("6000000"), D("4000000"), D("2000000.00")),
               n.BorrowingBase(dt.date(2006, 6, 15), D("1000000"), D("0"), D("0.00"))]
    s = n.revolver_schedule(D("7000000.00"), D("3000000.00"), ISSUE, MATURITY, A, reports)
    first = s.rows[0]
    # interest on the MBN's $3,000,000 (not the $2,000,000 drawn): 3,000,000 x (0.085x13 + 0.0875x13)/360
    assert first["interest"] == D("18687.50")
    july = next(r for r in s.rows if r["date"] == dt.date(2006, 7, 3))
    # base 1,000,000 x 90% = 900,000; overadvance 1,100,000 x 2% x 12 x 32/360 = 23,466.67
    assert july["overadvance"] == D("1100000.00") and july["overadvance_interest"] == D("23466.67")
    assert s.conserved() and s.drawn == D("2000000.00")
    with pytest.raises(ValueError, match="exceeds the line"):
        n.revolver_schedule(D("7000000.00"), D("3000000.00"), ISSUE, MATURITY, A,
                            [n.BorrowingBase(ISSUE, D("1"), D("1"), D("8000000.00"))])


def test_default_payment_and_waterfall():
    assert n.default_payment(D("10000000.00"), D("100000.00"), D("5000.00")) == D("13105000.00")
    paid = n.apply_payment(D("1000.00"), fees=D("300.00"), interest=D("500.00"), principal_due=D("13000.00"))
    assert (paid["fees"], paid["interest"], paid["principal"], paid["principal_unpaid"]) == (D("300.00"), D("500.00"), D("200.00"), D("12800.00"))
    assert n.default_interest(D("1000000.00"), dt.date(2008, 1, 31), dt.date(2008, 3, 1)) == D("15000.00")  # 18% x 30/360


def test_back_solve_gives_a_range_consistent_with_the_demand():
    solve = n.back_solve_demand(D("13580810.00"), dt.date(2008, 2, 1), A, months_unpaid=(0, 3),
                                default_dates=(None, dt.date(2007, 3, 6)), fee_rates=(D(0), D("0.02")))
    assert len(solve) == 8
    # no interest, no fees: 13,580,810 / 1.30 = 10,446,776.92
    assert solve.iloc[0]["principal"] == D("10446776.92")
    for _, row in solve.iterrows():
        assert abs(row["total (rounding ±1¢ a part)"] - D("13580810.00")) <= D("0.03")
    assert solve["principal"].min() < solve["principal"].max() <= D("12000000.00")


def test_default_scenario_and_xirr():
    sched = n.build_schedules(DEAL, A, MARKET, term_b_maturity=dt.date(2008, 1, 31), stop=dt.date(2008, 1, 31))
    ds = n.default_scenario(sched, dt.date(2008, 1, 31), dt.date(2008, 2, 1), A)
    assert ds.payment == n.default_payment(ds.principal, ds.accrued_interest + ds.default_interest, D("0.00"))
    flows = n.lender_cash_flows(list(sched.values()), MARKET, D("12000000.00"), ISSUE, D("450000.00"),
                                ds.payment, dt.date(2008, 2, 1))
    assert flows[0][1] == D("-12000000.00")
    rate = n.xirr(flows)
    assert rate is not None and 0.05 < rate < 0.60
    assert n.xirr([(ISSUE, D("-1.00"), "x")]) is None


def test_unknown_override_refused():
    with pytest.raises(ValueError, match="unknown assumption"):
        n.assumptions_from_deal(DEAL, marginn=D("0.01"))


# ------------------------------------------------------------------ properties -------------
rates = st.decimals(min_value=D("0"), max_value=D("0.05"), places=4)


@settings(max_examples=40, deadline=None)
@given(monthly=st.decimals(min_value=D("1000.00"), max_value=D("500000.00"), places=2),
       price=st.decimals(min_value=D("0.001"), max_value=D("0.20"), places=4),
       volume=st.integers(0, 50_000_000), shock=st.decimals(min_value=D("0.1"), max_value=D("3"), places=1))
def test_property_principal_is_conserved(monthly, price, volume, shock):
    a = n.assumptions_from_deal(DEAL, monthly_amount=monthly)
    m = n.Market(price, volume, shock=shock, authorized=5_000_000_000)
    s = n.term_a_schedule(D("3000000.00"), ISSUE, MATURITY, a, m)
    assert s.principal_cash + s.principal_stock + s.outstanding == D("3000000.00")
    assert s.outstanding == 0


@settings(max_examples=60, deadline=None)
@given(m1=rates, m2=rates, f1=rates, f2=rates)
def test_property_interest_monotone_in_margin_and_floor(m1, m2, f1, f2):
    lo_m, hi_m = sorted((m1, m2))
    lo_f, hi_f = sorted((f1, f2))
    low = n.accrued_interest(D("1000000.00"), ISSUE, dt.date(2008, 9, 6), lo_m, lo_f)
    high = n.accrued_interest(D("1000000.00"), ISSUE, dt.date(2008, 9, 6), hi_m, hi_f)
    assert low <= high


@settings(max_examples=40, deadline=None)
@given(p1=st.decimals(min_value=D("0.01"), max_value=D("0.20"), places=4),
       p2=st.decimals(min_value=D("0.01"), max_value=D("0.20"), places=4))
def test_property_a_higher_price_never_converts_less(p1, p2):
    lo, hi = sorted((p1, p2))
    s_lo = n.term_a_schedule(D("3000000.00"), ISSUE, MATURITY, A, n.Market(lo, 1_000_000))
    s_hi = n.term_a_schedule(D("3000000.00"), ISSUE, MATURITY, A, n.Market(hi, 1_000_000))
    assert s_lo.principal_stock <= s_hi.principal_stock
