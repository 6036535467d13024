"""The Option, clause by clause: golden values worked by hand, their Decimal twins, properties
(Hypothesis), and the vectorized engine's exact agreement with the Decimal functions."""

import datetime as dt
import itertools
import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealkit import option as op
from dealkit.option_engine import scenario_grid

D = Decimal


# ------------------------------------------------------------------ §1.2 FMV ----------------
def test_s1_2a_exchange_close_of_the_previous_trading_day():
    # Determination Date Tue 2005-09-06: the Monday is Labor Day, so the close of Fri 09-02
    closes = {dt.date(2005, 9, 2): D("0.012"), dt.date(2005, 9, 6): D("0.015")}
    fmv = op.fair_market_value(dt.date(2005, 9, 6), "exchange", closes=closes)
    assert (fmv.value, fmv.pricing_date, fmv.rule) == (D("0.012"), dt.date(2005, 9, 2), "§1.2(a)")


def test_s1_2b_otcbb_mean_of_bid_and_ask_after_a_weekend():
    quotes = {dt.date(2005, 9, 9): (D("0.010"), D("0.013"))}
    fmv = op.fair_market_value(dt.date(2005, 9, 12), "otcbb", quotes=quotes)  # Monday -> Friday's quote
    assert fmv.value == D("0.0115") and fmv.pricing_date == dt.date(2005, 9, 9)


def test_s1_2_missing_quote_names_the_date():
    with pytest.raises(op.PriceDataError, match="2005-11-23"):  # the day before Thanksgiving 2005-11-24
        op.fair_market_value(dt.date(2005, 11, 25), "exchange", closes={dt.date(2005, 11, 24): D("1")})


def test_s1_2c_agreed_or_arbitrated_and_s1_2d_liquidation():
    fmv = op.fair_market_value(dt.date(2006, 1, 3), "not_traded", agreed_value=D("0.02"), agreed_by="arbitration")
    assert fmv.value == D("0.02") and "arbitration" in fmv.basis
    # $2,000,000 to common over 859,750,000 + 140,250,000 = 1,000,000,000 shares: $0.002
    fmv = op.fair_market_value(dt.date(2008, 6, 30), "liquidation", liquidation_total=D("2000000"),
                               common_outstanding=859_750_000)
    assert fmv.value == D("0.0020000000")
    with pytest.raises(ValueError, match="agreed_by"):
        op.fair_market_value(dt.date(2006, 1, 3), "not_traded", agreed_value=D("0.02"))


# ------------------------------------------------------------------ §2 exercise -------------
def test_s2_2a_cash_exercise_golden():
    assert op.cash_exercise(140_250_000) == D("1402.50")
    assert op.cash_exercise(1) == D("0.00")          # $0.00001 rounds half-up to $0.00
    assert op.cash_exercise(500) == D("0.01")        # $0.005 -> $0.01 (half-up)
    assert op.cash_exercise(499) == D("0.00")        # $0.00499 -> $0.00


def test_s2_2b_cashless_golden_worked_by_hand():
    # Y = 1,000,000, A = $0.05, B = $0.00001: X = 1,000,000 x 0.04999 / 0.05 = 999,800 exactly
    r = op.cashless_exercise(1_000_000, D("0.05"))
    assert (r.shares_issued, r.cash_in_lieu, r.shares_withheld) == (999_800, D("0.00"), 200)
    # Y = 7, A = $0.03: X = 7 x 2999/3000 = 20993/3000 = 6.99766...; 6 shares, 2993/3000 x $0.03 = $0.02993 -> $0.03
    r = op.cashless_exercise(7, D("0.03"))
    assert r.shares_issued == 6 and r.fraction == Fraction(2993, 3000) and r.cash_in_lieu == D("0.03")
    assert op.value_to_holder(r, D("0.03")) == D("0.18") + D("0.03")


def test_s2_2b_cashless_decimal_twin():
    # the same golden as exact Fractions: X = Y(A-B)/A
    y, a, b = 140_250_000, Fraction(D("0.0123")), Fraction(D("0.00001"))
    x = Fraction(y) * (a - b) / a
    r = op.cashless_exercise(y, D("0.0123"))
    assert r.shares_issued == x.numerator // x.denominator
    assert r.x_exact == x


@pytest.mark.parametrize("fmv", ["0.00001", "0.000009", "0"])
def test_s2_2b_cashless_unavailable_at_or_below_exercise_price(fmv):
    with pytest.raises(op.CashlessUnavailable, match=r"Option §2.2\(b\)"):
        op.cashless_exercise(1000, D(fmv))
    assert issubclass(op.CashlessUnavailable, ValueError)


def test_refuses_floats_and_negative_shares():
    with pytest.raises(TypeError, match="float"):
        op.cashless_exercise(10, 0.05)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must not be negative"):
        op.cash_exercise(-1)


# ------------------------------------------------------------------ §10 cap ----------------
def test_s10_cap_literal_and_post_issuance_golden():
    # O = 1,000,000,000; H = 10,000,000. Literal: 49,900,000 - 10,000,000 = 39,900,000.
    # Post-issuance: (49,900,000 - 10,000,000) / 0.9501 = 41,995,579.41... -> 41,995,579
    assert op.max_exercisable(1_000_000_000, 10_000_000) == 39_900_000
    assert op.max_exercisable(1_000_000_000, 10_000_000, reading="post_issuance") == 41_995_579
    assert op.max_exercisable(1_000_000_000, 60_000_000) == 0  # never negative
    assert op.max_exercisable(1_000_000_000, 0, remaining=5) == 5
    assert op.max_exercisable(1, 0, cap_in_force=False, remaining=140_250_000) == 140_250_000


def test_s10_post_issuance_reading_holds_the_cap_exactly():
    o, h = 1_000_000_000, 10_000_000
    n = op.max_exercisable(o, h, reading="post_issuance")
    cap = Fraction(D("0.0499"))
    assert Fraction(h + n, o + n) <= cap < Fraction(h + n + 1, o + n + 1)


def test_s10_cap_lapses():
    assert op.cap_status(dt.date(2006, 1, 1)).in_force
    s = op.cap_status(dt.date(2008, 2, 1), default_notice=dt.date(2008, 1, 31))
    assert not s.in_force and "Event of Default" in s.reason
    assert op.cap_status(dt.date(2008, 3, 1), default_notice=dt.date(2008, 1, 31), default_cured=dt.date(2008, 2, 15)).in_force
    # 75 days after a notice of 2006-01-02 is 2006-03-18
    assert op.cap_status(dt.date(2006, 3, 17), waiver_notice=dt.date(2006, 1, 2)).in_force
    assert not op.cap_status(dt.date(2006, 3, 18), waiver_notice=dt.date(2006, 1, 2)).in_force


# ------------------------------------------------------------------ §4 events --------------
def test_s4_reverse_split_1_for_50_golden():
    # 2,500,000,000 -> 50,000,000 (1 for 50): shares 140,250,000 / 50 = 2,805,000; price x 50 = $0.0005
    adj = op.adjust_for_event(140_250_000, D("0.00001"), 2_500_000_000, 50_000_000)
    assert (adj.shares, adj.fraction, adj.exercise_price) == (2_805_000, 0, D("0.0005000000"))
    assert adj.aggregate_after == adj.aggregate_before == Fraction(140_250_000) * Fraction(D("0.00001"))


def test_s4_literal_compounding_reading():
    adj = op.adjust_for_event(1_000, D("0.00001"), 100, 200, reading="literal_compounding")  # 2-for-1 split
    assert adj.shares == 4_000 and adj.exercise_price_exact == Fraction(D("0.000005"))
    assert adj.aggregate_after == 2 * adj.aggregate_before


def test_s4_fractions_are_kept_exactly_and_whole_shares_rounded_down():
    adj = op.adjust_for_event(140_250_001, D("0.00001"), 3, 1)  # 1-for-3
    assert adj.shares == 46_750_000 and adj.fraction == Fraction(1, 3)


# ------------------------------------------------------------------ §3, Series D ------------
def test_s3_1_reorganization():
    # 1,000 option shares; per common share 0.5 new shares and $0.10 cash; new share worth $3.00
    r = op.reorganize(1_001, D("0.5"), D("0.10"), D("3.00"))
    assert (r.securities, r.securities_fraction_cash, r.cash) == (500, D("1.50"), D("100.10"))
    assert r.exercise_price_paid == D("0.01")  # 1,001 x $0.00001 = $0.01001 -> $0.01
    assert r.net_value == D("1500.00") + D("1.50") + D("100.10") - D("0.01")


def test_series_d_route():
    assert op.to_series_d(140_250_000) == (14_025, 0)
    assert op.to_series_d(12_345) == (1, 2_345)


def test_exercise_plan_gets_everything_out_under_the_cap():
    steps = op.exercise_plan(dt.date(2005, 9, 7), 2_000_000_000, 0, D("0.02"), sell_per_day=20_000_000)
    assert sum(s.exercised for s in steps) == op.OPTION_SHARES
    assert steps[-1].remaining_after == 0
    for s in steps:
        assert s.owned_after - 0 <= s.outstanding_after
        # literal reading: after the exercise the Holder may exceed 4.99% of the new count only by
        # the shares it was allowed against the old count
        assert s.exercised <= op.max_exercisable(s.outstanding_after - s.issued, s.owned_after - s.issued) or s.exercised == 0
    assert steps[0].date == dt.date(2005, 9, 7) and steps[0].exercised == 99_800_000
    assert all(s.cash_paid == op.cash_exercise(s.exercised) for s in steps)


def test_exercise_plan_series_d_and_cashless():
    steps = op.exercise_plan(dt.date(2005, 9, 7), 2_000_000_000, 0, D("0.02"), sell_per_day=200_000_000,
                             method="cashless", authorized=5_000_000_000)
    first = steps[0]
    # Y = 99,800,000; X = 99,800,000 x 0.01999/0.02 = 99,750,100 common-equivalent -> 9,975 Series D + 100 cashed
    assert (first.exercised, first.series_d_issued, first.issued) == (99_800_000, 9_975, 99_750_000)
    assert first.cash_in_lieu == D("2.00")  # 100 common-equivalent at $0.02
    assert sum(s.exercised for s in steps) == op.OPTION_SHARES


# ------------------------------------------------------------------ properties -------------
prices = st.decimals(min_value=D("0.00002"), max_value=D("5"), places=5)
counts = st.integers(min_value=0, max_value=op.OPTION_SHARES)


@settings(max_examples=300, deadline=None)
@given(y=counts, a=prices)
def test_property_cashless_shares_never_exceed_y(y, a):
    r = op.cashless_exercise(y, a)
    assert 0 <= r.shares_issued <= y
    assert r.shares_issued + r.shares_withheld == y
    assert D("0.00") <= r.cash_in_lieu <= a.quantize(D("0.01")) + D("0.01")


@settings(max_examples=300, deadline=None)
@given(y=counts, a=prices, b=prices)
def test_property_more_fmv_never_fewer_cashless_shares(y, a, b):
    lo, hi = sorted((a, b))
    assert op.cashless_exercise(y, lo).shares_issued <= op.cashless_exercise(y, hi).shares_issued


@settings(max_examples=300, deadline=None)
@given(y=counts, before=st.integers(1, 10**10), after=st.integers(1, 10**10))
def test_property_s4_default_reading_preserves_the_aggregate_price(y, before, after):
    adj = op.adjust_for_event(y, D("0.00001"), before, after)
    assert adj.aggregate_after == adj.aggregate_before
    assert adj.shares <= adj.shares_exact < adj.shares + 1


@settings(max_examples=300, deadline=None)
@given(o=st.integers(1, 10**10), h=st.integers(0, 10**9), reading=st.sampled_from(list(op.READINGS)))
def test_property_cap_never_exceeded(o, h, reading):
    n = op.max_exercisable(o, h, reading=reading)
    cap = Fraction(D("0.0499"))
    assert n >= 0
    if n:
        if reading == "literal":
            assert h + n <= cap * o
        else:
            assert Fraction(h + n, o + n) <= cap


# ------------------------------------------------------------------ engine agreement --------
def _decimal_twin(fmv, o, h, reading):
    y = op.max_exercisable(o, h, reading=reading, remaining=op.OPTION_SHARES)
    if fmv <= op.EXERCISE_PRICE:
        return y, False, 0, D("0.00"), D("0.00")
    r = op.cashless_exercise(y, fmv)
    return y, True, r.shares_issued, r.cash_in_lieu, op.value_to_holder(r, fmv)


def _engine_point(g, i, j, k, r):
    p = g.point(i, j, k, r)
    return p["exercisable"], p["available"], p["shares_issued"], p["cash_in_lieu"], p["value"]


def test_engine_agrees_exactly_on_a_random_sample():
    rng = random.Random(2005)
    fmv = [D(rng.randint(0, 500_000)) / D(100_000) for _ in range(40)] + [D("0.00001"), D("0.00002")]
    outstanding = [rng.randint(1, 8_000_000_000) for _ in range(30)]
    holdings = [rng.randint(0, 300_000_000) for _ in range(20)] + [0]
    g = scenario_grid(fmv, outstanding, holdings)
    points = list(itertools.product(range(len(fmv)), range(len(outstanding)), range(len(holdings)), range(2)))
    sample = rng.sample(points, 2_000)
    for i, j, k, r in sample:
        assert _engine_point(g, i, j, k, r) == _decimal_twin(fmv[i], outstanding[j], holdings[k], g.readings[r]), \
            (fmv[i], outstanding[j], holdings[k], g.readings[r])


@settings(max_examples=60, deadline=None)
@given(fmv=st.lists(st.decimals(min_value=D("0"), max_value=D("20"), places=6), min_size=1, max_size=4),
       outstanding=st.lists(st.integers(0, 10**10), min_size=1, max_size=4),
       holdings=st.lists(st.integers(0, 10**9), min_size=1, max_size=4))
def test_property_engine_matches_decimal_functions(fmv, outstanding, holdings):
    g = scenario_grid(fmv, outstanding, holdings)
    for i, j, k, r in itertools.product(range(len(fmv)), range(len(outstanding)), range(len(holdings)), range(2)):
        assert _engine_point(g, i, j, k, r) == _decimal_twin(fmv[i], outstanding[j], holdings[k], g.readings[r])
        assert g.shares_issued[i, j, k, r] <= g.exercisable[0, j, k, r]


def test_engine_refuses_bad_input():
    with pytest.raises(ValueError, match="reading"):
        scenario_grid([D("1")], [1], [0], readings=("generous",))
    with pytest.raises(ValueError, match="negative"):
        scenario_grid([D("-1")], [1], [0])
