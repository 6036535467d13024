"""The notes: interest golden values worked by hand (a month straddling a prime change), their
Decimal twins, schedules that conserve principal exactly, conversion, default, economics, and
Hypothesis properties."""

import datetime as dt
from decimal import Decimal

import pytest
from conftest import ROOT, full_or
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dealkit import load_deal, option
from dealkit import notes as n
from dealkit.core.calendar import add_months

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
    assert [(s.start, s.days, s.rate) for s in segs] == [
        (ISSUE, 13, D("0.085")),
        (dt.date(2005, 9, 20), 13, D("0.0875")),
    ]


def test_accrued_interest_decimal_twin_and_daily_rounding():
    exact = D("7000000.00") * (D("0.085") * 13 + D("0.0875") * 13) / D(360)
    assert n.accrued_interest(D("7000000.00"), ISSUE, dt.date(2005, 10, 3), D("0.02"), D("0.08")) == exact.quantize(
        D("0.01"), "ROUND_HALF_UP"
    )
    # daily: 7,000,000 x 0.085 / 360 = 1,652.777... -> 1,652.78 x 13; 0.0875 -> 1,701.388... -> 1,701.39 x 13
    daily = n.accrued_interest(D("7000000.00"), ISSUE, dt.date(2005, 10, 3), D("0.02"), D("0.08"), rounding="daily")
    assert daily == D("1652.78") * 13 + D("1701.39") * 13 == D("43604.21")


def test_floor_binds_after_march_2008():
    # prime 5.25% from 2008-03-18: 5.25 + 2 = 7.25% < 8% floor. $1,000,000 x 8% x 30/360 = $6,666.67
    assert n.accrued_interest(D("1000000.00"), dt.date(2008, 4, 1), dt.date(2008, 5, 1), D("0.02"), D("0.08")) == D(
        "6666.67"
    )


def test_payment_dates_first_business_day():
    dates = n.payment_dates(ISSUE, MATURITY)
    assert dates[0] == dt.date(2005, 10, 3)  # Sat 10-01 -> Mon 10-03
    assert dt.date(2006, 1, 3) in dates  # Sun 01-01, Mon 01-02 New Year's observed -> Tue 01-03
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
    assert (last["principal_stock"], last["principal_cash"], last["shares"]) == (
        D("1650000.00"),
        D("350000.00"),
        33_000_000,
    )
    assert s.conserved()


def test_revolver_overadvance_and_mbn_minimum():
    reports = [
        n.BorrowingBase(ISSUE, D("6000000"), D("4000000"), D("2000000.00")),
        n.BorrowingBase(dt.date(2006, 6, 15), D("1000000"), D("0"), D("0.00")),
    ]
    s = n.revolver_schedule(D("7000000.00"), D("3000000.00"), ISSUE, MATURITY, A, reports)
    first = s.rows[0]
    # interest on the MBN's $3,000,000 (not the $2,000,000 drawn): 3,000,000 x (0.085x13 + 0.0875x13)/360
    assert first["interest"] == D("18687.50")
    july = next(r for r in s.rows if r["date"] == dt.date(2006, 7, 3))
    # base 1,000,000 x 90% = 900,000 from the report of 2006-06-15 on (daily balance, issue 10 item 1):
    # overadvance 1,100,000 x 2% x 12 x 18/360 (06-15 .. 07-02) = 13,200.00, not the whole 32-day period
    assert july["overadvance"] == D("1100000.00") and july["overadvance_interest"] == D("13200.00")
    assert s.conserved() and s.drawn == D("2000000.00")
    with pytest.raises(ValueError, match="exceeds the line"):
        n.revolver_schedule(
            D("7000000.00"),
            D("3000000.00"),
            ISSUE,
            MATURITY,
            A,
            [n.BorrowingBase(ISSUE, D("1"), D("1"), D("8000000.00"))],
        )


def test_default_payment_and_waterfall():
    assert n.default_payment(D("10000000.00"), D("100000.00"), D("5000.00")) == D("13105000.00")
    paid = n.apply_payment(D("1000.00"), fees=D("300.00"), interest=D("500.00"), principal_due=D("13000.00"))
    assert (paid["fees"], paid["interest"], paid["principal"], paid["principal_unpaid"]) == (
        D("300.00"),
        D("500.00"),
        D("200.00"),
        D("12800.00"),
    )
    assert n.default_interest(D("1000000.00"), dt.date(2008, 1, 31), dt.date(2008, 3, 1)) == D(
        "15000.00"
    )  # 18% x 30/360


def test_back_solve_gives_a_range_consistent_with_the_demand():
    solve = n.back_solve_demand(
        D("13580810.00"),
        dt.date(2008, 2, 1),
        A,
        months_unpaid=(0, 3),
        default_dates=(None, dt.date(2007, 3, 6)),
        fee_rates=(D(0), D("0.02")),
    )
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
    flows = n.lender_cash_flows(
        list(sched.values()), MARKET, D("12000000.00"), ISSUE, D("450000.00"), ds.payment, dt.date(2008, 2, 1)
    )
    lent = [(d, amt) for d, amt, what in flows if amt < 0]
    assert lent == [(ISSUE, D("-3000000.00")), (ISSUE, D("-2000000.00")), (ISSUE, D("-7000000.00"))]
    rate = n.xirr(flows)
    assert rate is not None and 0.05 < rate < 0.60
    assert n.xirr([(ISSUE, D("-1.00"), "x")]) is None


def test_unknown_override_refused():
    with pytest.raises(ValueError, match="unknown assumption"):
        n.assumptions_from_deal(DEAL, marginn=D("0.01"))


# ------------------------------------------------------------------ properties -------------
rates = st.decimals(min_value=D("0"), max_value=D("0.05"), places=4)


@settings(max_examples=full_or(40, 2000), deadline=None)
@given(
    monthly=st.decimals(min_value=D("1000.00"), max_value=D("500000.00"), places=2),
    price=st.decimals(min_value=D("0.001"), max_value=D("0.20"), places=4),
    volume=st.integers(0, 50_000_000),
    shock=st.decimals(min_value=D("0.1"), max_value=D("3"), places=1),
)
def test_property_principal_is_conserved(monthly, price, volume, shock):
    a = n.assumptions_from_deal(DEAL, monthly_amount=monthly)
    m = n.Market(price, volume, shock=shock, authorized=5_000_000_000)
    s = n.term_a_schedule(D("3000000.00"), ISSUE, MATURITY, a, m)
    assert s.principal_cash + s.principal_stock + s.outstanding == D("3000000.00")
    assert s.outstanding == 0


@settings(max_examples=full_or(60, 2000), deadline=None)
@given(m1=rates, m2=rates, f1=rates, f2=rates)
def test_property_interest_monotone_in_margin_and_floor(m1, m2, f1, f2):
    lo_m, hi_m = sorted((m1, m2))
    lo_f, hi_f = sorted((f1, f2))
    low = n.accrued_interest(D("1000000.00"), ISSUE, dt.date(2008, 9, 6), lo_m, lo_f)
    high = n.accrued_interest(D("1000000.00"), ISSUE, dt.date(2008, 9, 6), hi_m, hi_f)
    assert low <= high


@settings(max_examples=full_or(40, 2000), deadline=None)
@given(
    p1=st.decimals(min_value=D("0.01"), max_value=D("0.20"), places=4),
    p2=st.decimals(min_value=D("0.01"), max_value=D("0.20"), places=4),
)
def test_property_a_higher_price_never_converts_less(p1, p2):
    lo, hi = sorted((p1, p2))
    s_lo = n.term_a_schedule(D("3000000.00"), ISSUE, MATURITY, A, n.Market(lo, 1_000_000))
    s_hi = n.term_a_schedule(D("3000000.00"), ISSUE, MATURITY, A, n.Market(hi, 1_000_000))
    assert s_lo.principal_stock <= s_hi.principal_stock


# ================================================================== issue 10: the notes ====
# An independent exact twin: prime read straight from the CSV, every day summed as a Fraction,
# rounded once half-up.
import calendar as _stdcal  # noqa: E402
import csv  # noqa: E402
import math  # noqa: E402
from fractions import Fraction as F  # noqa: E402

with (ROOT / "data" / "prime_rate.csv").open(encoding="utf-8") as _fh:
    _PRIME = sorted((dt.date.fromisoformat(r["effective_date"]), F(r["rate"])) for r in csv.DictReader(_fh))


def _prime_on(day):
    return [r for d, r in _PRIME if d <= day][-1]


def _rate_on(day, margin, floor):
    return max(_prime_on(day) + F(margin), F(floor))


def _half_up(x: F) -> D:
    """A non-negative Fraction to the cent, half-up."""
    cents = math.floor(x * 100 + F(1, 2))
    return D(cents) / 100


def _days(a, b):
    d = a
    while d < b:
        yield d
        d += dt.timedelta(days=1)


def _twin_revolver_period(events, mbn, start, end, margin, floor, adv_r, adv_i, over_monthly, limit):
    """Interest of [start, end) on the daily balance: events (date, receivables, inventory, draw)
    dated on or before a day apply to it. Returns (contract, overadvance), each rounded once."""
    contract = over = F(0)
    for day in _days(start, end):
        bal, base = F(0), F(0)
        for d, rec, inv, draw in events:
            if d <= day:
                bal += F(draw)
                base = min(F(limit), F(math.floor((F(rec) * F(adv_r) + F(inv) * F(adv_i)) * 100), 100))
        contract += max(bal, F(mbn)) * _rate_on(day, margin, floor) / 360
        over += max(F(0), bal - base) * F(over_monthly) * 12 / 360
    return _half_up(contract), _half_up(over)


def test_revolver_interest_on_the_daily_balance_golden():
    # $2,000,000 drawn at the issue, $3,000,000 more on 2005-09-20 (a prime change day too).
    # 09-07..09-19: max(2M, MBN 3M) = 3M at 8.50% (13 days); 09-20..10-02: 5M at 8.75% (13 days)
    # (3,000,000 x 0.085 x 13 + 5,000,000 x 0.0875 x 13) / 360 = 25,006.944... -> 25,006.94
    # (the whole period on 5M, as before the fix, gave 31,145.83)
    reports = [
        n.BorrowingBase(ISSUE, D("6000000"), D("4000000"), D("2000000.00")),
        n.BorrowingBase(dt.date(2005, 9, 20), D("6000000"), D("4000000"), D("3000000.00")),
    ]
    s = n.revolver_schedule(D("7000000.00"), D("3000000.00"), ISSUE, MATURITY, A, reports)
    first = s.rows[0]
    assert first["interest"] == D("25006.94")
    assert (first["opening"], first["draw"], first["closing"]) == (D("0.00"), D("5000000.00"), D("5000000.00"))
    # a repayment inside a period stops interest from its own day: 1M repaid 2005-10-17
    reports.append(n.BorrowingBase(dt.date(2005, 10, 17), D("6000000"), D("4000000"), D("-1000000.00")))
    s = n.revolver_schedule(D("7000000.00"), D("3000000.00"), ISSUE, MATURITY, A, reports)
    # 10-03..10-16: 5M at 8.75% (14 days); 10-17..10-31: 4M at 8.75% (15 days) -> 17,013.888... + 14,583.333...
    assert s.rows[1]["interest"] == D("31597.22") and s.rows[1]["repaid"] == D("1000000.00")
    assert s.conserved()


def test_revolver_draw_on_a_payment_date_opens_the_next_period():
    reports = [
        n.BorrowingBase(ISSUE, D("6000000"), D("4000000"), D("4000000.00")),
        n.BorrowingBase(dt.date(2005, 10, 3), D("6000000"), D("4000000"), D("1000000.00")),
    ]
    s = n.revolver_schedule(D("7000000.00"), D("3000000.00"), ISSUE, MATURITY, A, reports)
    assert s.rows[0]["draw"] == D("4000000.00") and s.rows[1]["draw"] == D("1000000.00")
    with pytest.raises(ValueError, match="on or after the line's final payment date"):
        n.revolver_schedule(
            D("7000000.00"),
            D("3000000.00"),
            ISSUE,
            MATURITY,
            A,
            [n.BorrowingBase(dt.date(2008, 9, 8), D("1"), D("1"), D("1.00"))],
        )
    with pytest.raises(ValueError, match="precedes the issue date"):
        n.revolver_schedule(
            D("7000000.00"),
            D("3000000.00"),
            ISSUE,
            MATURITY,
            A,
            [n.BorrowingBase(dt.date(2005, 9, 6), D("1"), D("1"), D("1.00"))],
        )


@st.composite
def _histories(draw):
    """A random revolver history inside the first year: draws and repayments on random days."""
    n_events = draw(st.integers(1, 8))
    days = sorted(draw(st.lists(st.integers(0, 360), min_size=n_events, max_size=n_events)))
    days[0] = 0
    events, bal = [], D(0)
    for k in days:
        day = ISSUE + dt.timedelta(days=k)
        rec = D(draw(st.integers(0, 8_000_000)))
        inv = D(draw(st.integers(0, 4_000_000)))
        if bal > 0 and draw(st.booleans()):
            amt = -D(draw(st.integers(1, int(bal)))) if bal >= 1 else D(0)
        else:
            room = int(D("7000000") - bal)
            amt = D(draw(st.integers(0, room))) if room > 0 else D(0)
        bal += amt
        events.append((day, rec, inv, amt))
    return events


@settings(max_examples=full_or(25, 2000), deadline=None)
# found by the full run: an overadvance interest of exactly 4,489.595 (0.24/360 cut at 28 digits gave .59)
@example(history=[(ISSUE, D("360"), D("313"), D("204553"))], margin=D("0"), floor=D("0.0600"))
@given(
    history=_histories(),
    margin=st.decimals(D("0"), D("0.0325"), places=4),
    floor=st.decimals(D("0.06"), D("0.10"), places=4),
)
def test_property_revolver_period_interest_is_the_daily_sum_rounded_once(history, margin, floor):
    a = n.assumptions_from_deal(DEAL, margin=margin, floor=floor)
    reports = [n.BorrowingBase(d, rec, inv, amt) for d, rec, inv, amt in history]
    stop = dt.date(2006, 10, 2)
    s = n.revolver_schedule(D("7000000.00"), D("3000000.00"), ISSUE, MATURITY, a, reports, stop=stop)
    last = ISSUE
    for row in s.rows:
        contract, over = _twin_revolver_period(
            history,
            "3000000",
            last,
            row["date"],
            margin,
            floor,
            a.advance_rate_receivables,
            a.advance_rate_inventory,
            a.overadvance_monthly,
            "7000000",
        )
        assert row["interest"] - row["overadvance_interest"] == contract, row["date"]
        assert row["overadvance_interest"] == over, row["date"]
        last = row["date"]
    assert s.conserved()


def test_add_months_keeps_month_ends():
    assert add_months(dt.date(2008, 1, 31), 1) == dt.date(2008, 2, 29)
    assert add_months(dt.date(2008, 2, 29), 1) == dt.date(2008, 3, 31)
    assert add_months(dt.date(2008, 1, 31), -1) == dt.date(2007, 12, 31)
    assert add_months(dt.date(2008, 1, 30), 1) == dt.date(2008, 2, 29)  # not a month end: clipped
    assert add_months(dt.date(2008, 2, 29), 12) == dt.date(2009, 2, 28)
    assert add_months(dt.date(2007, 4, 30), 1) == dt.date(2007, 5, 31)
    assert add_months(dt.date(2008, 3, 15), -14) == dt.date(2007, 1, 15)


def _twin_add_months(day, k):
    y, m = divmod(day.year * 12 + day.month - 1 + k, 12)
    m += 1
    length = _stdcal.monthrange(y, m)[1]
    end = day.day == _stdcal.monthrange(day.year, day.month)[1]
    return dt.date(y, m, length if end else min(day.day, length))


@settings(max_examples=full_or(200, 5000), deadline=None)
@given(day=st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)), k=st.integers(-60, 60))
def test_property_add_months_twin(day, k):
    assert add_months(day, k) == _twin_add_months(day, k)


def test_back_solve_counts_month_ends_and_no_unpaid_months_is_demand_over_1_30():
    solve = n.back_solve_demand(D("13580810.00"), dt.date(2008, 3, 31), A, months_unpaid=(0, 1, 2))
    assert list(solve["interest from"]) == [dt.date(2008, 3, 31), dt.date(2008, 2, 29), dt.date(2008, 1, 31)]
    assert solve.iloc[0]["principal"] == D("10446776.92")  # 13,580,810 / 1.3 = 10,446,776.923...
    # one month of contract interest from 2008-02-29: 29 days at 8% (floor) + ... checked against the twin
    per_dollar = sum(
        (_rate_on(d, A.margin, A.floor) / 360 for d in _days(dt.date(2008, 2, 29), dt.date(2008, 3, 31))), F(0)
    )
    assert solve.iloc[1]["principal"] == _half_up(F(13580810) / (F(A.default_multiple) + per_dollar))


@settings(max_examples=full_or(100, 2000), deadline=None)
@given(cents=st.integers(1, 10**11))
def test_property_back_solve_without_interest_is_demand_over_the_multiple_half_up(cents):
    demand = D(cents) / 100
    solve = n.back_solve_demand(demand, dt.date(2008, 1, 31), A, months_unpaid=(0,))
    assert solve.iloc[0]["principal"] == _half_up(F(cents, 100) / F(A.default_multiple))


def test_default_before_the_first_payment_accrues_from_the_issue_date():
    # Term A only, default 2005-09-30 (before the first payment date 2005-10-03), demand 2005-10-01.
    # Contract interest from the issue 2005-09-07 (not from the default date): 13 days at 8.50%,
    # 10 days at 8.75% to the default, 1 day at 8.75% after it, on $3,000,000:
    # 3,000,000 x (0.085 x 13 + 0.0875 x 11) / 360 = 17,229.166... -> 17,229.17 (from the default date
    # only, as before the fix: 729.17); default interest 3,000,000 x 18% / 360 = 1,500
    sched = {"term_a": n.term_a_schedule(D("3000000.00"), ISSUE, MATURITY, A, MARKET, stop=dt.date(2005, 9, 30))}
    ds = n.default_scenario(sched, dt.date(2005, 9, 30), dt.date(2005, 10, 1), A)
    assert (ds.principal, ds.accrued_interest, ds.default_interest) == (D("3000000.00"), D("17229.17"), D("1500.00"))
    assert ds.payment == D("3900000.00") + D("17229.17") + D("1500.00")


def test_default_counts_what_was_drawn_not_the_line():
    reports = [
        n.BorrowingBase(ISSUE, D("6000000"), D("4000000"), D("4000000.00")),
        n.BorrowingBase(dt.date(2005, 9, 20), D("6000000"), D("4000000"), D("500000.00")),
    ]
    stop = dt.date(2005, 9, 30)
    rev = n.revolver_schedule(D("7000000.00"), D("3000000.00"), ISSUE, MATURITY, A, reports, stop=stop)
    assert rev.rows == () and rev.outstanding == 0 and rev.balance_on(stop) == D("4500000.00")
    ds = n.default_scenario({"revolver": rev}, stop, stop, A)
    assert ds.principal == D("4500000.00")  # not the $7,000,000 line
    # interest from the issue: 13 days on 4M at 8.50%, 10 days on 4.5M at 8.75% (daily balance)
    exact = (F(4000000) * F("0.085") * 13 + F(4500000) * F("0.0875") * 10) / 360
    assert ds.accrued_interest == _half_up(exact)
    # a draw after the default is not counted
    late = reports + [n.BorrowingBase(dt.date(2005, 10, 5), D("6000000"), D("4000000"), D("1000000.00"))]
    rev = n.revolver_schedule(D("7000000.00"), D("3000000.00"), ISSUE, MATURITY, A, late, stop=stop)
    assert n.default_scenario({"revolver": rev}, stop, stop, A).principal == D("4500000.00")


def test_schedule_past_the_default_date_is_refused():
    sched = {"term_a": n.term_a_schedule(D("3000000.00"), ISSUE, MATURITY, A, MARKET)}
    with pytest.raises(ValueError, match="runs past the default date"):
        n.default_scenario(sched, dt.date(2006, 1, 15), dt.date(2006, 1, 16), A)


@settings(max_examples=full_or(25, 1000), deadline=None)
@given(
    default=st.dates(dt.date(2005, 9, 7), dt.date(2008, 8, 31)),
    extra=st.integers(0, 40),
    drawn=st.integers(0, 7_000_000),
)
def test_property_default_payment_twin(default, extra, drawn):
    """Default Payment = round(1.3 P) + round(contract interest since the last accrual) + default
    interest, P what was drawn, recomputed day by day."""
    demand = default + dt.timedelta(days=extra)
    reports = [n.BorrowingBase(ISSUE, D("6000000"), D("4000000"), D(drawn))]
    rev = n.revolver_schedule(D("7000000.00"), D("3000000.00"), ISSUE, MATURITY, A, reports, stop=default)
    ds = n.default_scenario({"revolver": rev}, default, demand, A)
    since = rev.rows[-1]["date"] if rev.rows else ISSUE
    contract = sum(
        (max(F(drawn), F(3000000)) * _rate_on(d, A.margin, A.floor) / 360 for d in _days(since, default)), F(0)
    )
    contract += sum((F(drawn) * _rate_on(d, A.margin, A.floor) / 360 for d in _days(default, demand)), F(0))
    dflt = _half_up(F(drawn) * F(A.default_interest_monthly) * 12 * (demand - default).days / 360)
    assert ds.principal == drawn
    assert ds.accrued_interest == _half_up(contract)
    assert ds.payment == _half_up(F(drawn) * F(A.default_multiple)) + _half_up(contract) + (dflt if drawn else 0)


def test_term_note_first_amortization_after_maturity_is_repaid_at_maturity():
    late = n.assumptions_from_deal(DEAL, first_amortization=dt.date(2009, 1, 1))
    s = n.term_a_schedule(D("3000000.00"), ISSUE, MATURITY, late, n.Market(D("0.01"), 5_000_000))
    assert s.outstanding == 0 and s.rows[-1]["principal_due"] == D("3000000.00") and s.conserved()
    assert all(r["principal_due"] == 0 for r in s.rows[:-1])


def test_weekend_maturity_follows_to_monday_in_every_schedule():
    s = n.build_schedules(DEAL, A, MARKET)
    for name in ("term_a", "revolver"):
        assert s[name].rows[-1]["date"] == dt.date(2008, 9, 8) and s[name].outstanding == 0
    assert s["revolver"].rows[-1]["principal_due"] == D("7000000.00")
    # interest runs to the Monday: 2008-09-02 .. 2008-09-07 = 6 days
    assert s["revolver"].rows[-1]["days"] == 6
    assert n.payment_dates(ISSUE, MATURITY, "preceding")[-1] == dt.date(2008, 9, 5)
    assert n.payment_dates(ISSUE, MATURITY, "unadjusted")[-1] == MATURITY


def test_the_three_agree_on_saturday_2008_09_06(tmp_path):
    """Schedules, the obligations calendar and the .ics export pay a Saturday maturity on one date."""
    from icalendar import Calendar

    from dealkit import obligations as ob

    assert dt.date(2008, 9, 6).weekday() == 5
    sched = n.build_schedules(DEAL, A, MARKET)
    schedule_day = sched["term_a"].rows[-1]["date"]
    dues = {d.note: d for d in ob.note_payments(DEAL)}
    assert dues["term_a"].stated == dt.date(2008, 9, 6)
    calendar_day = dues["term_a"].due
    frame = ob.note_payments_frame(DEAL)
    row = frame[frame["note"] == "Secured Convertible Term Note A"].iloc[0]
    assert row["paid on"] == calendar_day and "Saturday" in row["why"]
    paths = ob.write_exports(DEAL, [], tmp_path)
    cal = Calendar.from_ical(paths[2].read_bytes())
    ics_days = {
        str(v["summary"]).split("] ", 1)[1].split(":")[0]: v.decoded("dtstart")
        for v in cal.walk()
        if v.name == "VEVENT" and "[maturity]" in str(v["summary"])
    }
    assert schedule_day == calendar_day == ics_days["term_a"] == ics_days["revolving"] == dt.date(2008, 9, 8)
    assert ics_days["term_b"] == dt.date(2007, 3, 6)  # a Tuesday: unmoved


# ---------------------------------------------------------------- lender economics ------
def test_every_revolver_draw_is_an_outflow_on_its_own_date():
    reports = [
        n.BorrowingBase(ISSUE, D("6000000"), D("4000000"), D("2000000.00")),
        n.BorrowingBase(dt.date(2006, 2, 15), D("6000000"), D("4000000"), D("3000000.00")),
        n.BorrowingBase(dt.date(2006, 8, 10), D("6000000"), D("4000000"), D("-1000000.00")),
    ]
    rev = n.revolver_schedule(D("7000000.00"), D("3000000.00"), ISSUE, MATURITY, A, reports)
    flows = n.lender_cash_flows([rev], MARKET, D("12000000.00"), ISSUE, D("450000.00"))
    dated = [(d, amt) for d, amt, what in flows if "draw" in what or "repayment" in what]
    assert dated == [
        (ISSUE, D("-2000000.00")),
        (dt.date(2006, 2, 15), D("-3000000.00")),
        (dt.date(2006, 8, 10), D("1000000.00")),
    ]
    # cash in = interest + the maturity's principal; nothing counted twice
    total_in = sum((amt for d, amt, what in flows if "interest" in what), D(0))
    assert total_in == rev.interest + D("4000000.00")
    with pytest.raises(ValueError, match="more than the"):
        n.lender_cash_flows([rev], MARKET, D("1000000.00"), ISSUE, D("450000.00"))


def _npv(flows, rate):
    t0 = flows[0][0]
    return sum(float(a) / (1 + rate) ** ((d - t0).days / 365) for d, a, _ in flows)


@pytest.mark.parametrize("holder", ["laurus", "gssf", "excluded"])
def test_agent_fee_zero_lender_xirr_equals_borrower_cost(holder):
    sched = n.build_schedules(DEAL, A, MARKET, term_b_maturity=dt.date(2008, 1, 31), stop=dt.date(2008, 1, 31))
    ds = n.default_scenario(sched, dt.date(2008, 1, 31), dt.date(2008, 2, 1), A)
    value = n.option_value(DEAL, MARKET)
    flows = n.lender_cash_flows(
        list(sched.values()),
        MARKET,
        D("12000000.00"),
        ISSUE,
        D("450000.00"),
        ds.payment,
        dt.date(2008, 2, 1),
        option_holder=holder,
        option=value,
    )
    borrower = n.borrower_cash_flows(flows, agent_fee=D("0"))
    assert [(d, -a) for d, a, _ in borrower] == [(d, a) for d, a, _ in flows]  # the exact mirror
    lender_rate, borrower_rate = n.xirr(flows), n.xirr(borrower)
    assert lender_rate == borrower_rate
    assert abs(_npv(flows, lender_rate)) < 1e-3 * 12_000_000  # the rate solves the flows
    optioned = [f for f in flows if "Option" in f[2]]
    if holder == "laurus":
        assert optioned == [(ISSUE, value, "the Option at intrinsic value (option_holder = laurus)")]
    else:
        assert optioned == []
    assert n.xirr(n.borrower_cash_flows(flows, agent_fee=D("2500.00"))) > borrower_rate


def test_option_holder_default_and_value():
    assert n.default_option_holder(DEAL) == "gssf"  # the Option's own words; deal-facts "Parallel lender"
    # 140,250,000 x ($0.06 - $0.00001) = 8,413,597.50
    assert n.option_value(DEAL, MARKET) == D("8413597.50")
    assert n.option_value(DEAL, n.Market(D("0.000001"), 1)) == 0
    with pytest.raises(ValueError, match="option_holder must be one of laurus, gssf, excluded"):
        n.lender_cash_flows([], MARKET, D("1"), ISSUE, D("0"), option_holder="gryphon")


# ---------------------------------------------------------------- reconciliation ------
def test_reconciliation_of_the_default_scenario_against_the_demand():
    stop = dt.date(2008, 1, 31)
    sched = n.build_schedules(DEAL, A, MARKET, term_b_maturity=stop, stop=stop)
    ds = n.default_scenario(sched, stop, dt.date(2008, 2, 1), A)
    table = n.reconcile_demand(DEAL, A, ds, sched)
    demand = DEAL.default_demand.amount.value
    first = table.iloc[0]
    assert first["principal"] == "this run's default scenario" and first["payment"] == ds.payment
    assert first["difference (demand − payment)"] == demand - ds.payment
    variants = n.principal_variants(ds, sched)
    # Term B repaid on 2008-01-31 in this run; Term A paid 23 Monthly Amounts of $100,000 before the default
    assert variants["Term B still outstanding (not repaid before the default)"] == ds.principal + D("2000000.00")
    assert variants["Term A's principal payments deferred"] == ds.principal + D("2300000.00")
    assert len(table) == 1 + len(variants) * 4 * 3
    diffs = [abs(x) for x in table["difference (demand − payment)"][1:]]
    assert diffs == sorted(diffs)
    # one row against a twin: Term B outstanding, 1 month unpaid (2008-01-01 .. 2008-02-01), default interest
    # from the default date (1 day at 18%/360), no fees
    p = variants["Term B still outstanding (not repaid before the default)"]
    row = table[
        (table["principal at default"] == p)
        & (table["months of interest unpaid"] == 1)
        & (table["default interest from"] == stop)
    ].iloc[0]
    contract = _half_up(
        sum(
            (F(p) * _rate_on(d, A.margin, A.floor) / 360 for d in _days(dt.date(2008, 1, 1), dt.date(2008, 2, 1))), F(0)
        )
    )
    dint = _half_up(F(p) * F(A.default_interest_monthly) * 12 / 360)
    pay = _half_up(F(p) * F(A.default_multiple)) + contract + dint
    assert (row["contract interest"], row["default interest"], row["payment"]) == (contract, dint, pay)
    assert row["difference (demand − payment)"] == demand - pay and bool(row["reproduces"]) is (abs(demand - pay) <= 1)
    assert row["principal gap"] == row["principal that reproduces it"] - p
    solve = n.back_solve_demand(
        demand, DEAL.default_demand.due_date.value, A, months_unpaid=(1,), default_dates=(stop,)
    )
    assert row["principal that reproduces it"] == solve.iloc[0]["principal"]


def test_reconciliation_reproduces_the_demand_when_the_principal_does():
    # a scenario whose principal is exactly the back-solved one (no interest, no fees) reproduces it
    p = D("10446776.92")
    ds = n.DefaultScenario(
        dt.date(2008, 2, 1),
        dt.date(2008, 2, 1),
        p,
        D(0),
        D(0),
        D(0),
        n.default_payment(p, D(0), D(0), A.default_multiple),
        D(0),
    )
    table = n.reconcile_demand(DEAL, A, ds, months_unpaid=(0,), default_from=(None,))
    assert bool(table.iloc[1]["reproduces"]) and abs(table.iloc[1]["difference (demand − payment)"]) <= D("0.01")


# ---------------------------------------------------------------- item 7: named rounding --
@pytest.mark.parametrize(
    "module", sorted(str(p.relative_to(ROOT / "dealkit")) for p in (ROOT / "dealkit").rglob("*.py"))
)
def test_no_implicit_rounding(module):
    """Every ``round(`` and ``.quantize(`` call in the package names its rounding mode; a
    ``round()`` of something that is not money (a duration) says so on its line."""
    import ast

    text = (ROOT / "dealkit" / module).read_text(encoding="utf-8")
    lines = text.splitlines()
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name) and node.func.id == "round":
            assert "# not money" in lines[node.lineno - 1], f"{module}:{node.lineno}: round()"
        if isinstance(node.func, ast.Attribute) and node.func.attr == "quantize":
            assert any(k.arg == "rounding" for k in node.keywords), (
                f"{module}:{node.lineno}: quantize without rounding="
            )


def test_option_holder_parameter():
    from dealkit.errors import ParameterError

    assert n.parse_option_holder("deal", DEAL) == "gssf"
    assert n.parse_option_holder(" Laurus ", DEAL) == "laurus"
    with pytest.raises(
        ParameterError, match=r"parameter option_holder: one of laurus, gssf, excluded or deal \(got 'x{20}"
    ):
        n.parse_option_holder("x" * 500, DEAL)


def test_schedule_display_of_a_schedule_cut_before_its_first_payment():
    s = n.term_a_schedule(D("3000000.00"), ISSUE, MATURITY, A, MARKET, stop=dt.date(2005, 9, 30))
    frame = n.schedule_display(s)
    assert frame.empty and "shares" in frame.columns and "draw" not in frame.columns


def test_reconciliation_summary_names_the_closest():
    stop = dt.date(2008, 1, 31)
    sched = n.build_schedules(DEAL, A, MARKET, term_b_maturity=stop, stop=stop)
    ds = n.default_scenario(sched, stop, dt.date(2008, 2, 1), A)
    table = n.reconcile_demand(DEAL, A, ds, sched)
    text = n.reconciliation_summary(table, DEAL.default_demand.amount.value)
    best = table.iloc[1]
    assert text.startswith("Demand **$13,580,810.00**; this run's Default Payment")
    assert f"{abs(best['difference (demand − payment)']):,.2f}" in text and best["principal"] in text


def test_an_exact_half_cent_rounds_half_up():
    # 204,553 drawn against a borrowing base of 360 x 90% + 313 x 50% = 480.50: overadvance 204,072.50;
    # 2005-12-01 .. 2006-01-02 (33 days) x 24% / 360 = 4,489.595 exactly -> 4,489.60 half-up
    s = n.revolver_schedule(
        D("7000000.00"), D("3000000.00"), ISSUE, MATURITY, A, [n.BorrowingBase(ISSUE, D("360"), D("313"), D("204553"))]
    )
    row = next(r for r in s.rows if r["date"] == dt.date(2006, 1, 3))
    assert row["overadvance_interest"] == D("4489.60")
    # contract interest across the 2005-11-01 prime change: 22,320 x (8.75% + 9.00%) / 360 = 11.005 -> 11.01
    assert n.accrued_interest(D("22320.00"), dt.date(2005, 10, 31), dt.date(2005, 11, 2), D("0.02"), D("0.08")) == D(
        "11.01"
    )


def test_schedule_and_assumptions_tables_read_as_a_finished_model():
    """Exact values reach the formatting layer: money in $, shares with thousands, an exact totals
    row for Term A; the note terms as percents, $ and dates, in plain words."""
    import numbers

    from dealkit.fmt import table_html

    s = n.term_a_schedule(D("3000000.00"), ISSUE, MATURITY, A, MARKET)
    frame = n.schedule_display(s)
    assert isinstance(frame["interest"].iloc[0], D) and isinstance(frame["shares"].iloc[0], numbers.Integral)
    page = table_html(frame, totals=n.SCHEDULE_TOTALS)
    total_interest = s.interest  # the schedule's own exact sum
    assert f"${total_interest:,.2f}" in page.split("<tfoot>")[1]
    assert f"{s.shares:,}" in page.split("<tfoot>")[1] and "Principal cash" in page
    terms = n.assumptions_frame(DEAL, A).set_index("term")
    assert terms.loc["Margin", "in this run"] == "2.00%" and terms.loc["Cash premium", "deal file"] == "102.00%"
    assert terms.loc["Monthly amount", "in this run"] == "$100,000.00"
    assert terms.loc["First amortization", "in this run"] == "1 Mar 2006"


def test_run_from_parameters_is_what_the_notebook_and_the_summary_compute():
    """One function turns 01_notes's string parameters into the run; the summary uses the same."""
    from dealkit.errors import ParameterError
    from dealkit.summary import NOTES_DEFAULTS, executive_summary

    run = n.run_from_parameters(DEAL, **NOTES_DEFAULTS)
    assert run.stop == DEAL.default_demand.notice_date.value and run.demand == DEAL.default_demand.due_date.value
    assert run.default.payment == executive_summary(DEAL).exact["default_payment"]
    assert n.xirr(list(run.flows)) == executive_summary(DEAL).exact["lender_xirr"]
    no_default = n.run_from_parameters(DEAL, stock_price="0.06", daily_volume="5000000", default_date="")
    assert no_default.default is None and no_default.stop is None
    changed = n.run_from_parameters(DEAL, stock_price="0.06", daily_volume="5000000", margin="0.03")
    assert changed.overrides == {"margin": D("0.03")} and changed.a.margin == D("0.03")
    with pytest.raises(ParameterError, match="parameter margin"):
        n.run_from_parameters(DEAL, stock_price="0.06", daily_volume="5000000", margin="150%")
