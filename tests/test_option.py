"""The Option, clause by clause: golden values worked by hand, their Decimal twins, properties
(Hypothesis), and the vectorized engine's exact agreement with the Decimal functions."""

import datetime as dt
import itertools
import random
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import full_or
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
    fmv = op.fair_market_value(
        dt.date(2008, 6, 30), "liquidation", liquidation_total=D("2000000"), common_outstanding=859_750_000
    )
    assert fmv.value == D("0.0020000000")
    with pytest.raises(ValueError, match="agreed_by"):
        op.fair_market_value(dt.date(2006, 1, 3), "not_traded", agreed_value=D("0.02"))


# ------------------------------------------------------------------ §2 exercise -------------
def test_s2_2a_cash_exercise_golden():
    assert op.cash_exercise(140_250_000) == D("1402.50")
    assert op.cash_exercise(1) == D("0.00")  # $0.00001 rounds half-up to $0.00
    assert op.cash_exercise(500) == D("0.01")  # $0.005 -> $0.01 (half-up)
    assert op.cash_exercise(499) == D("0.00")  # $0.00499 -> $0.00


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
    # a cure after the notice: void for good under the default reading, revived under the other
    cured = dict(default_notice=dt.date(2008, 1, 31), default_cured=dt.date(2008, 2, 15))
    assert not op.cap_status(dt.date(2008, 3, 1), **cured).in_force
    assert op.cap_status(dt.date(2008, 3, 1), **cured, revival="revives_on_cure").in_force
    assert not op.cap_status(dt.date(2008, 2, 14), **cured, revival="revives_on_cure").in_force
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
        assert (
            s.exercised <= op.max_exercisable(s.outstanding_after - s.issued, s.owned_after - s.issued)
            or s.exercised == 0
        )
    assert steps[0].date == dt.date(2005, 9, 7) and steps[0].exercised == 99_800_000
    assert all(s.cash_paid == op.cash_exercise(s.exercised) for s in steps)


def test_exercise_plan_series_d_and_cashless():
    steps = op.exercise_plan(
        dt.date(2005, 9, 7),
        2_000_000_000,
        0,
        D("0.02"),
        sell_per_day=200_000_000,
        method="cashless",
        authorized=5_000_000_000,
        cashless_cap="exercised",
    )
    first = steps[0]
    # Y = 99,800,000; X = 99,800,000 x 0.01999/0.02 = 99,750,100 common-equivalent -> 9,975 Series D + 100 cashed
    assert (first.exercised, first.series_d_issued, first.issued) == (99_800_000, 9_975, 99_750_000)
    assert first.cash_in_lieu == D("2.00")  # 100 common-equivalent at $0.02
    assert sum(s.exercised for s in steps) == op.OPTION_SHARES


# ------------------------------------------------------------------ properties -------------
prices = st.decimals(min_value=D("0.00002"), max_value=D("5"), places=5)
counts = st.integers(min_value=0, max_value=op.OPTION_SHARES)


@settings(max_examples=full_or(300, 2000))
@given(y=counts, a=prices)
def test_property_cashless_shares_never_exceed_y(y, a):
    r = op.cashless_exercise(y, a)
    assert 0 <= r.shares_issued <= y
    assert r.shares_issued + r.shares_withheld == y
    assert D("0.00") <= r.cash_in_lieu <= a.quantize(D("0.01")) + D("0.01")


@settings(max_examples=full_or(300, 2000))
@given(y=counts, a=prices, b=prices)
def test_property_more_fmv_never_fewer_cashless_shares(y, a, b):
    lo, hi = sorted((a, b))
    assert op.cashless_exercise(y, lo).shares_issued <= op.cashless_exercise(y, hi).shares_issued


@settings(max_examples=full_or(300, 2000))
@given(y=counts, before=st.integers(1, 10**10), after=st.integers(1, 10**10))
def test_property_s4_default_reading_preserves_the_aggregate_price(y, before, after):
    adj = op.adjust_for_event(y, D("0.00001"), before, after)
    assert adj.aggregate_after == adj.aggregate_before
    assert adj.shares <= adj.shares_exact < adj.shares + 1


@settings(max_examples=full_or(300, 2000))
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
    # §10 caps X (the "issued" reading): the largest Y_c with floor(Y_c (A - B) / A) <= y, exactly
    a, b = Fraction(fmv), Fraction(op.EXERCISE_PRICE)
    yc = 0 if y == 0 else min(op.OPTION_SHARES, -(-((y + 1) * a) // (a - b)) - 1)
    r = op.cashless_exercise(yc, fmv)
    assert r.shares_issued <= y
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
        assert _engine_point(g, i, j, k, r) == _decimal_twin(fmv[i], outstanding[j], holdings[k], g.readings[r]), (
            fmv[i],
            outstanding[j],
            holdings[k],
            g.readings[r],
        )


@settings(max_examples=full_or(60, 2000))
@given(
    fmv=st.lists(st.decimals(min_value=D("0"), max_value=D("20"), places=6), min_size=1, max_size=4),
    outstanding=st.lists(st.integers(0, 10**10), min_size=1, max_size=4),
    holdings=st.lists(st.integers(0, 10**9), min_size=1, max_size=4),
)
def test_property_engine_matches_decimal_functions(fmv, outstanding, holdings):
    g = scenario_grid(fmv, outstanding, holdings)
    for i, j, k, r in itertools.product(range(len(fmv)), range(len(outstanding)), range(len(holdings)), range(2)):
        assert _engine_point(g, i, j, k, r) == _decimal_twin(fmv[i], outstanding[j], holdings[k], g.readings[r])
        assert g.shares_issued[i, j, k, r] <= g.exercisable[0, j, k, r]
        p = g.point(i, j, k, r)
        assert p["cashless_exercised"] >= p["exercisable"] or not p["available"] or p["exercisable"] == 0


def test_engine_refuses_bad_input():
    with pytest.raises(ValueError, match="reading"):
        scenario_grid([D("1")], [1], [0], readings=("generous",))
    with pytest.raises(ValueError, match="negative"):
        scenario_grid([D("-1")], [1], [0])


# ================================================================== issue 10: items 8-12b ====
from dealkit import load_deal  # noqa: E402
from dealkit.errors import ParameterError  # noqa: E402
from dealkit.option_engine import INT64_SAFE, ScenarioInputError  # noqa: E402

S0, P0 = 140_250_000, D("0.00001")


def _twin_events(shares, price, events, reading="aggregate_preserving"):
    """The exact twin of §4 over a chain: R = Π after/before, N = floor(S·R) (or S·R²), P = P0/R."""
    r = Fraction(1)
    for before, after in events:
        r *= Fraction(after, before)
    exact = shares * r * (r if reading == "literal_compounding" else 1)
    return exact.numerator // exact.denominator, exact, Fraction(price) / r


# ------------------------------------------------------------------ item 8 ------------------
def test_item8_split_and_inverse_give_back_the_option_exactly():
    # 1-for-7 then 7-for-1: event by event 140,250,000 -> 20,035,714 (floored) -> 140,249,998 (2 lost)
    chain = [(7_000_000_000, 1_000_000_000), (1_000_000_000, 7_000_000_000)]
    adj = op.adjust_for_events(S0, P0, chain)
    assert (adj.shares, adj.fraction, adj.ratio) == (S0, 0, 1)
    assert adj.exercise_price_exact == Fraction(P0)
    # and the odd reverse split of an uneven count
    chain = [(2_000_000_001, 285_714_286), (285_714_286, 2_000_000_001)]
    assert op.adjust_for_events(S0, P0, chain).shares == S0


def test_item8_one_event_function_is_the_chain_of_one():
    one = op.adjust_for_event(S0, P0, 2_500_000_000, 50_000_000)
    assert one == op.adjust_for_events(S0, P0, [(2_500_000_000, 50_000_000)])


@pytest.mark.parametrize(
    "bad, message",
    [
        ([(0, 5)], "events[0]: outstanding shares before and after the Event must be positive"),
        ([(5,)], "events[0] must be a (before, after) pair"),
        ([(5, -1)], "events[0] outstanding after: must not be negative"),
        ([(5, 2.5)], "events[0] outstanding after: a whole number of shares"),
        ("1:2", "events must be a sequence"),
    ],
)
def test_item8_bad_events_are_refused_naming_the_value(bad, message):
    with pytest.raises(ParameterError) as info:
        op.adjust_for_events(S0, P0, bad)
    assert message in str(info.value)


events_st = st.lists(st.tuples(st.integers(1, 10**12), st.integers(1, 10**12)), min_size=0, max_size=8)


@settings(max_examples=full_or(200, 2000))
@given(shares=st.integers(0, 10**12), events=events_st, reading=st.sampled_from(list(op.EVENT_READINGS)))
def test_property_item8_chain_matches_the_exact_twin(shares, events, reading):
    adj = op.adjust_for_events(shares, P0, events, reading)
    whole, exact, price = _twin_events(shares, P0, events, reading)
    assert (adj.shares, adj.shares_exact, adj.exercise_price_exact) == (whole, exact, price)
    assert adj.shares + adj.fraction == exact and 0 <= adj.fraction < 1
    if reading == "aggregate_preserving":
        assert adj.aggregate_after == adj.aggregate_before == shares * Fraction(P0)


@settings(max_examples=full_or(200, 2000))
@given(shares=st.integers(0, 10**12), events=events_st)
def test_property_item8_a_chain_and_its_inverse_give_back_the_count(shares, events):
    inverse = [(after, before) for before, after in reversed(events)]
    adj = op.adjust_for_events(shares, P0, events + inverse)
    assert adj.shares == shares and adj.fraction == 0 and adj.exercise_price_exact == Fraction(P0)


def test_item8_readings_quote_section_4():
    doc = op.adjust_for_events.__doc__
    assert "but for the provisions of this" in doc and "immediately prior to such Event" in doc
    assert "readjusted in the same manner" in doc


# ------------------------------------------------------------------ item 12b ----------------
def test_item12b_successive_prices_are_carried_exactly_not_re_rounded():
    # 3-for-7 then 7-for-11: the price 0.00001 x 7/3 x 11/7 is not a 10-place decimal
    a1 = op.adjust_for_event(S0, P0, 3_000_000_000, 7_000_000_000)
    a2 = op.adjust_for_event(a1.shares, a1.exercise_price_exact, 7_000_000_000, 11_000_000_000)  # a Fraction price
    assert a2.exercise_price_exact == Fraction(P0) * Fraction(3, 7) * Fraction(7, 11)
    chain = op.adjust_for_events(S0, P0, [(3_000_000_000, 7_000_000_000), (7_000_000_000, 11_000_000_000)])
    assert chain.exercise_price_exact == Fraction(3, 11) * Fraction(P0)
    # the aggregate price of the whole entitlement stays $1,402.50 to the cent
    assert op.cash_exercise(1, chain.exercise_price_exact) == D("0.00")
    assert op._exact_cents(chain.shares_exact * chain.exercise_price_exact) == D("1402.50")


# ------------------------------------------------------------------ item 9 ------------------
def test_item9_series_d_cash_in_lieu_rounded_once():
    # Y = 99,800,001 at A = $0.00501: X = 16,633,333,500/167 = 99,600,799.4012 common-equivalent;
    # 9,960 Series D (99,600,000) and 799.4012... common-equivalent cashed at $0.00501 = $4.005 -> $4.01.
    # Rounding the common fraction (0.4012 x 0.00501 -> $0.00) and the 799 left over ($4.00299 -> $4.00)
    # separately gives $4.00.
    a = D("0.00501")
    x = op.cashless_exercise(99_800_001, a).x_exact
    assert x == Fraction(16_633_333_500, 167)
    pref, issued, cash = op.series_d_cash_in_lieu(x, a, 10_000)
    assert (pref, issued, cash) == (9_960, 99_600_000, D("4.01"))
    # in the plan (the cap room is 99,800,001 on 2,000,000,040 outstanding)
    steps = op.exercise_plan(
        dt.date(2005, 9, 7),
        2_000_000_040,
        0,
        a,
        sell_per_day=0,
        method="cashless",
        authorized=5_000_000_000,
        cashless_cap="exercised",
    )
    assert (steps[0].exercised, steps[0].series_d_issued, steps[0].cash_in_lieu) == (99_800_001, 9_960, D("4.01"))


@settings(max_examples=full_or(300, 2000))
@given(
    x=st.fractions(min_value=0, max_value=10**12),
    a=st.decimals(min_value=D("0"), max_value=D("10"), places=6),
    ratio=st.integers(1, 100_000),
)
def test_property_item9_series_d_matches_the_exact_twin(x, a, ratio):
    pref, issued, cash = op.series_d_cash_in_lieu(x, a, ratio)
    assert pref == (x / ratio).numerator // (x / ratio).denominator and issued == pref * ratio
    exact = (x - issued) * Fraction(a) * 100  # cents, exact
    q, r = divmod(exact.numerator, exact.denominator)
    assert cash == D(q + (2 * r >= exact.denominator)) / 100


# ------------------------------------------------------------------ items 11, 12: the plan ---
def test_item12_plan_fmv_is_the_preceding_business_days():
    # Wed 2005-09-07 is priced on Tue 09-06 (Mon 09-05 is Labor Day); Thu 09-08 on Wed 09-07
    prices = {
        dt.date(2005, 9, 2): D("0.010"),
        dt.date(2005, 9, 6): D("0.020"),
        dt.date(2005, 9, 7): D("0.040"),
        dt.date(2005, 9, 8): D("0.080"),
    }
    steps = op.exercise_plan(dt.date(2005, 9, 7), 2_000_000_000, 0, prices, sell_per_day=200_000_000, method="cashless")
    assert (steps[0].pricing_date, steps[0].fmv) == (dt.date(2005, 9, 6), D("0.020"))
    assert (steps[1].date, steps[1].pricing_date, steps[1].fmv) == (
        dt.date(2005, 9, 8),
        dt.date(2005, 9, 7),
        D("0.040"),
    )
    first = steps[0]
    assert first.issued + first.shares_withheld == first.exercised
    assert op.cashless_exercise(first.exercised, D("0.020")).shares_issued == first.issued
    with pytest.raises(op.PriceDataError, match="2005-09-06"):
        op.exercise_plan(dt.date(2005, 9, 7), 2_000_000_000, 0, {dt.date(2005, 9, 7): D("1")}, sell_per_day=0)


def test_item12_cashless_cap_limits_the_shares_issued_not_y():
    # A = $0.00002, B = $0.00001: X = Y/2. Room 99,800,000 -> Y = 199,600,001 would issue 99,800,000.5 ->
    # 99,800,000 shares; but only 140,250,000 remain, so Y = 140,250,000 and X = 70,125,000.
    steps = op.exercise_plan(dt.date(2005, 9, 7), 2_000_000_000, 0, D("0.00002"), sell_per_day=0, method="cashless")
    assert (steps[0].exercised, steps[0].issued) == (140_250_000, 70_125_000)
    # with a tighter room the largest Y whose X fits: room 10,000,000 at 200,400,000 outstanding
    steps = op.exercise_plan(dt.date(2005, 9, 7), 200_400_000, 0, D("0.00002"), sell_per_day=0, method="cashless")
    s = steps[0]
    assert s.cap_room == 9_999_960 and s.issued == 9_999_960 and s.exercised == 19_999_921
    assert op.cashless_exercise(s.exercised + 1, D("0.00002")).shares_issued > s.cap_room
    old = op.exercise_plan(
        dt.date(2005, 9, 7), 200_400_000, 0, D("0.00002"), sell_per_day=0, method="cashless", cashless_cap="exercised"
    )
    assert old[0].exercised == 9_999_960 and old[0].issued == 4_999_980


@st.composite
def plans(draw):
    return dict(
        outstanding=draw(st.integers(10**8, 10**10)),
        owned=draw(st.integers(0, 3 * 10**8)),
        price=draw(st.decimals(min_value=D("0.00001"), max_value=D("0.05"), places=5)),
        sell=draw(st.integers(0, 5 * 10**7)),
        method=draw(st.sampled_from(["cash", "cashless"])),
        reading=draw(st.sampled_from(list(op.READINGS))),
        authorized=draw(st.sampled_from([None, 5_000_000_000, 20_000_000_000])),
        cashless_cap=draw(st.sampled_from(list(op.CASHLESS_CAP_READINGS))),
    )


@settings(max_examples=full_or(40, 1000))
@given(plans())
def test_property_item11_plan_cap_counts_shares_received_earlier(p):
    """Replay the plan with independent exact bookkeeping: what the Holder owns before each
    exercise is the start, less every sale, plus every share received on earlier steps; what it
    receives never takes it over §10's limit on the count outstanding before the exercise."""
    steps = op.exercise_plan(
        dt.date(2005, 9, 7),
        p["outstanding"],
        p["owned"],
        p["price"],
        sell_per_day=p["sell"],
        method=p["method"],
        reading=p["reading"],
        authorized=p["authorized"],
        cashless_cap=p["cashless_cap"],
        max_days=60,
    )
    cap = Fraction(D("0.0499"))
    owned, outstanding, left = p["owned"], p["outstanding"], op.OPTION_SHARES
    for s in steps:
        owned -= s.sold_before
        assert s.owned_before == owned
        if p["reading"] == "literal":
            assert owned + s.issued <= cap * outstanding
        else:
            assert Fraction(owned + s.issued, outstanding + s.issued) <= cap
        if p["method"] == "cash" or p["cashless_cap"] == "exercised" or s.fmv <= P0:
            assert s.exercised <= s.cap_room
        owned += s.issued
        outstanding += s.issued
        left -= s.exercised
        assert (s.owned_after, s.outstanding_after, s.remaining_after) == (owned, outstanding, left)
        # money: cash in lieu is the exact fraction at the FMV, rounded once
        if p["method"] == "cashless" and s.fmv > P0:
            x = op.cashless_exercise(s.exercised, s.fmv).x_exact
        else:
            x = Fraction(s.exercised)
        assert s.cash_in_lieu == op._exact_cents((x - s.issued) * Fraction(s.fmv))


# ------------------------------------------------------------------ item 10: the engine -----
def test_item10_engine_beyond_int64_takes_the_exact_path():
    # den x H = 10,000 x 10**15 = 10**19 overflows int64: the old engine returned a wrong Y here
    fmv, outstanding, holdings = [D("0.05"), D("0.00002")], [10**18, 3 * 10**18], [10**15, 0]
    g = scenario_grid(fmv, outstanding, holdings)
    assert g.exact_path
    for i, j, k, r in itertools.product(range(2), range(2), range(2), range(2)):
        assert _engine_point(g, i, j, k, r) == _decimal_twin(fmv[i], outstanding[j], holdings[k], g.readings[r])
    assert not scenario_grid([D("0.05")], [10**9], [0]).exact_path
    # the old engine's check passed this one and wrapped: post_issuance Y = 140,250,000 instead of 0
    g = scenario_grid([D("0.05")], [10**14], [10**15])
    assert g.exact_path and g.point(0, 0, 0, 1)["exercisable"] == 0 == g.point(0, 0, 0, 1)["shares_issued"]


@settings(max_examples=full_or(40, 1000))
@given(
    fmv=st.lists(st.decimals(min_value=D("0"), max_value=D("10") ** 8, places=8), min_size=1, max_size=3),
    outstanding=st.lists(st.integers(0, 10**25), min_size=1, max_size=3),
    holdings=st.lists(st.integers(0, 10**24), min_size=1, max_size=3),
)
def test_property_item10_engine_exact_at_any_size(fmv, outstanding, holdings):
    g = scenario_grid(fmv, outstanding, holdings)
    # prices are scaled by 10^k, k their decimals without trailing zeros (at least the strike's 5),
    # as the engine does: 843.93304650 is 8439330465 units of 10^-7, not 84393304650 of 10^-8
    k = max([5] + [max(0, -f.normalize().as_tuple().exponent) for f in fmv])
    assert (
        g.exact_path
        == (
            max(
                max(outstanding) * 499,
                max(holdings) * 10_000,
                op.OPTION_SHARES * max(int(f * 10**k) for f in fmv) + 10**k,
            )
            >= INT64_SAFE
        )
        or g.exact_path
    )
    for i, j, k, r in itertools.product(range(len(fmv)), range(len(outstanding)), range(len(holdings)), range(2)):
        assert _engine_point(g, i, j, k, r) == _decimal_twin(fmv[i], outstanding[j], holdings[k], g.readings[r])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(fmv=[0.05], outstanding=[1], holdings=[0]), "fmv[0]: give a Decimal"),
        (dict(fmv=[D("NaN")], outstanding=[1], holdings=[0]), "fmv[0]: must be a finite number (got 'NaN')"),
        (dict(fmv=["1e-40"], outstanding=[1], holdings=[0]), "fmv[0]: more than 30 decimal places"),
        (dict(fmv=["abc"], outstanding=[1], holdings=[0]), "fmv[0]: not a number (got 'abc')"),
        (dict(fmv=[D("1")], outstanding=[1.5], holdings=[0]), "outstanding[0]: a whole number of shares"),
        (dict(fmv=[D("1")], outstanding=[1], holdings=[True]), "holdings[0]: a whole number of shares"),
        (dict(fmv=[D("1")], outstanding=[-3], holdings=[0]), "outstanding[0]: must not be negative (got '-3')"),
    ],
)
def test_item10_engine_refuses_bad_values_naming_them(kwargs, message):
    with pytest.raises(ScenarioInputError) as info:
        scenario_grid(**kwargs)
    assert message in str(info.value)
    assert isinstance(info.value, ParameterError)


# ------------------------------------------------------------------ deal literals -----------
def test_option_terms_come_from_the_deal_file(write_deal):
    deal = load_deal()
    assert (deal.option.shares.value, deal.option.exercise_price.value, deal.option.max_exercise_cap.value) == (
        op.OPTION_SHARES,
        op.EXERCISE_PRICE,
        op.CAP,
    )
    assert (deal.capitalization.series_d_ratio.value, deal.capitalization.series_d_until_authorized.value) == (
        op.SERIES_D_RATIO,
        op.SERIES_D_UNTIL_AUTHORIZED,
    )
    source = (
        Path(op.__file__).read_text(encoding="utf-8"),
        Path(scenario_grid.__code__.co_filename).read_text(encoding="utf-8"),
    )
    for literal in ("140_250_000", "140250000", '"0.00001"', '"0.0499"', "10_000\n", "15_000_000_000", "= 75"):
        assert all(literal not in text for text in source), literal

    def edit(d):
        d["option"]["shares"]["value"] = 100_000_000
        d["option"]["exercise_price"]["value"] = "0.00002"
        d["option"]["max_exercise_cap"]["value"] = "0.0999"
        d["option"]["cap_release_notice_days"]["value"] = 61

    edited = load_deal(write_deal(edit))
    terms = op.deal_terms(edited)
    assert terms["option_shares"] == 100_000_000 and terms["notice_days"] == 61
    assert op.cash_exercise(terms["option_shares"], terms["exercise_price"]) == D("2000.00")
    assert op.max_exercisable(1_000_000_000, 0, terms["cap"]) == 99_900_000
    assert not op.cap_status(
        dt.date(2006, 3, 4), waiver_notice=dt.date(2006, 1, 2), notice_days=terms["notice_days"]
    ).in_force
    g = scenario_grid(
        [D("1")],
        [10**10],
        [0],
        exercise_price=terms["exercise_price"],
        option_shares=terms["option_shares"],
        cap=terms["cap"],
    )
    assert g.point(0, 0, 0, 0)["exercisable"] == 100_000_000


@pytest.mark.slow
def test_03_option_notebook_runs_on_an_edited_deal(tmp_path, write_deal):
    """The notebook takes the Option's terms from the deal file: edit the share count, the
    Exercise Price and the cap in a copy and run it (papermill, real kernel)."""
    from conftest import run_cli

    def edit(d):
        d["option"]["shares"]["value"] = 100_000_000
        d["option"]["exercise_price"]["value"] = "0.00002"
        d["option"]["max_exercise_cap"]["value"] = "0.0999"
        d["option"]["cap_release_notice_days"]["value"] = 30
        d["capitalization"]["series_d_ratio"]["value"] = 1000

    proc = run_cli(
        "report",
        "--deal",
        str(write_deal(edit)),
        "--notebook",
        "03_option",
        "--out",
        str(tmp_path / "out"),
        "-p",
        "method=cashless",
        "-p",
        "holdings=0",
        "-p",
        "outstanding=1000000000",
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = (tmp_path / "out" / "03_option.html").read_text(encoding="utf-8")
    assert "100,000,000 shares at $0.00002" in page.replace("\\$", "$") or "100,000,000 shares at" in page
    assert "exercisable now: <strong>99,900,000</strong>" in page  # 9.99% of 1,000,000,000
    assert "140,250,000" not in page


def test_huge_and_odd_values_give_one_clear_line():
    huge = 10**5000  # str() of it would fail (Python's digit limit)
    for call, message in (
        (lambda: op.cash_exercise(-huge), "an integer of"),
        (lambda: op.adjust_for_events(1, P0, [(huge, -huge)]), "an integer of"),
        (lambda: scenario_grid([D("1")], [-huge], [0]), "an integer of"),
        (lambda: op.cashless_exercise(5, "abc"), "expected a number (got 'abc')"),
        (lambda: op.cashless_exercise(5, D("Infinity")), "finite"),
    ):
        with pytest.raises(ParameterError) as info:
            call()
        assert message in str(info.value) and len(str(info.value)) < 300


@settings(max_examples=full_or(300, 2000))
@given(
    room=st.integers(0, 10**12),
    a=st.decimals(min_value=D("0.00001"), max_value=D("100"), places=5),
    reading=st.sampled_from(list(op.CASHLESS_CAP_READINGS)),
)
def test_property_cashless_exercisable_is_the_largest_y_whose_x_fits(room, a, reading):
    y = op.cashless_exercisable(room, a, P0, cashless_cap=reading)
    A, B = Fraction(a), Fraction(P0)
    if reading == "exercised" or A <= B or room == 0:
        assert y == room
        return
    x = lambda n: (n * (A - B) / A).__floor__()  # noqa: E731 - the exact twin of §2.2(b)'s X
    assert x(y) <= room < x(y + 1) and y >= room


# ================================================================== issue 11: the layers ====
import ast  # noqa: E402
import dataclasses  # noqa: E402
import doctest  # noqa: E402
import importlib  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

from dealkit.rules.option import plan as plan_steps  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
#: Every public name dealkit.option and dealkit.option_engine had before the move (README, notebooks).
OPTION_NAMES = [
    "OPTION_SHARES",
    "EXERCISE_PRICE",
    "CAP",
    "CAP_NOTICE_DAYS",
    "CashlessUnavailable",
    "PriceDataError",
    "FairMarketValue",
    "fair_market_value",
    "cash_exercise",
    "CashlessResult",
    "cashless_exercise",
    "value_to_holder",
    "CapStatus",
    "cap_status",
    "CAP_REVIVAL_READINGS",
    "max_exercisable",
    "READINGS",
    "Adjustment",
    "adjust_for_event",
    "adjust_for_events",
    "EVENT_READINGS",
    "Reorganization",
    "reorganize",
    "PlanStep",
    "exercise_plan",
    "CASHLESS_CAP_READINGS",
    "SERIES_D_RATIO",
    "SERIES_D_UNTIL_AUTHORIZED",
    "to_series_d",
    "series_d_cash_in_lieu",
    "InexactInput",
    "cashless_exercisable",
    "plan_frame",
    "terms_frame",
    "exercise_comparison",
    "events_frame",
    "fmv_axis",
    "outstanding_axis",
    "deal_terms",
]
ENGINE_NAMES = ["ScenarioGrid", "scenario_grid", "ScenarioInputError", "INT64_SAFE", "MAX_DECIMALS"]
OPTION_MODULES = [
    "dealkit.rules.option." + m for m in ("terms", "fmv", "exercise", "cap", "adjustments", "series_d", "plan")
] + ["dealkit.engines.option", "dealkit.present.option_tables"]


def test_issue11_facades_keep_every_public_name():
    from dealkit import option_engine
    from dealkit.engines import option as engine
    from dealkit.present import option_tables
    from dealkit.rules import option as rules

    assert sorted(op.__all__) == sorted(OPTION_NAMES) and sorted(option_engine.__all__) == sorted(ENGINE_NAMES)
    for name in OPTION_NAMES:
        value = getattr(op, name)
        home = rules if hasattr(rules, name) else option_tables if hasattr(option_tables, name) else None
        assert home is not None or name.isupper(), name  # the deal's terms are read from the deal file
        if home is not None:
            assert value is getattr(home, name), name
    for name in ENGINE_NAMES:
        assert getattr(option_engine, name) is getattr(engine, name)
    namespace: dict = {}
    exec("from dealkit.option import *", namespace)  # noqa: S102 - the star import the notebooks may use
    assert namespace["OPTION_SHARES"] == load_deal().option.shares.value and callable(namespace["plan_frame"])


def test_issue11_rules_are_pure():
    """Nothing under dealkit/rules imports pandas, plotly, icalendar, yaml or widgets, opens,
    reads or writes a file, or prints; and importing the rules loads none of those libraries."""
    banned = {"pandas", "plotly", "icalendar", "yaml", "ipywidgets", "matplotlib", "xlsxwriter", "nbformat"}
    calls = {"open", "print", "read_text", "write_text", "read_bytes", "write_bytes", "mkdir", "unlink"}
    for path in sorted((ROOT / "dealkit" / "rules").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                assert not {a.name.split(".")[0] for a in node.names} & banned, (path, node.lineno)
            if isinstance(node, ast.ImportFrom) and node.module:
                assert node.module.split(".")[0] not in banned, (path, node.lineno)
                assert not node.module.startswith(
                    (
                        "dealkit.present",
                        "dealkit.engines",
                        "dealkit.export",
                        "dealkit.report",
                        "dealkit.params",
                        "dealkit.cli",
                    )
                ), (path, node.lineno)
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                assert name not in calls, (path, node.lineno, name)
    loaded = sorted(banned - {"yaml"})  # (yaml: the package's own __init__ loads the deal file's parser)
    code = (
        "import sys, dealkit.rules.option, dealkit.rules.obligations, dealkit.rules.collateral, "
        "dealkit.engines.option; "
        f"print(sorted(m for m in {loaded!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_issue11_rows_are_frozen_dataclasses_with_slots():
    from dealkit.engines.option import ScenarioGrid

    for cls in (
        op.PlanStep,
        op.FairMarketValue,
        op.CashlessResult,
        op.CapStatus,
        op.Adjustment,
        op.Reorganization,
        ScenarioGrid,
        plan_steps.PlanTerms,
        plan_steps.Position,
        plan_steps.DayExercise,
        plan_steps.SalePolicy,
    ):
        assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen and "__slots__" in vars(cls), cls
    step = op.exercise_plan(dt.date(2005, 9, 7), 2_000_000_000, 0, D("0.02"), sell_per_day=0)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        step.issued = 0  # type: ignore[misc]


@pytest.mark.parametrize("module", OPTION_MODULES + ["dealkit.option"])
def test_issue11_examples_run(module):
    """Each module's numpydoc Examples are doctests, and they pass."""
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    if module != "dealkit.option":
        assert result.attempted > 0, f"{module} has no Examples"


@pytest.mark.parametrize("module", OPTION_MODULES)
def test_issue11_no_module_over_400_lines_no_function_over_50(module):
    path = Path(importlib.import_module(module).__file__)
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 400
    long = [
        (n.name, n.end_lineno - n.lineno + 1)
        for n in ast.walk(ast.parse(text))
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.end_lineno - n.lineno + 1 > 50
    ]
    assert not long
    tree = ast.parse(text)
    assert any(
        isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in n.targets) for n in tree.body
    ), "__all__"


def test_issue11_every_public_rule_cites_its_clause():
    from dealkit.rules.option import adjustments, cap, exercise, fmv, series_d

    for module in (adjustments, cap, exercise, fmv, series_d, plan_steps):
        for name in module.__all__:
            value = getattr(module, name)
            if callable(value) and not isinstance(value, type):
                doc = (value.__doc__ or "") + (module.__doc__ or "")
                assert "§" in doc or "letter of Sept 6, 2005" in doc, f"{module.__name__}.{name}"


# ------------------------------------------------------------------ the plan's named steps ----
def _terms(**kw):
    base = dict(
        exercise_price=Fraction(P0),
        cap=D("0.0499"),
        reading="literal",
        method="cashless",
        cashless_cap="issued",
        series_d_ratio=10_000,
        series_d_until_authorized=15_000_000_000,
        authorized=None,
        authorized_increase_date=None,
    )
    base.update(kw)
    return plan_steps.PlanTerms(**base)


@settings(max_examples=full_or(200, 2000))
@given(
    room=st.integers(1, 10**9),
    remaining=st.integers(1, 10**9),
    a=st.decimals(min_value=D("0.00001"), max_value=D("1"), places=5),
    method=st.sampled_from(["cash", "cashless"]),
    cashless_cap=st.sampled_from(list(op.CASHLESS_CAP_READINGS)),
    authorized=st.sampled_from([None, 5_000_000_000]),
)
def test_property_issue11_day_exercise_and_issue_match_the_exact_twin(
    room, remaining, a, method, cashless_cap, authorized
):
    """Steps 4 and 5 of the plan against an independent exact twin (§2.2, §2.1, Series D)."""
    terms = _terms(method=method, cashless_cap=cashless_cap, authorized=authorized)
    price, strike = Fraction(a), Fraction(P0)
    exercise = plan_steps.day_exercise(room, remaining, price, terms)
    if method == "cashless" and price > strike:
        if cashless_cap == "issued":  # the largest Y whose floor(Y(A-B)/A) fits the room, at most what remains
            y = min(remaining, -(-((room + 1) * price) // (price - strike)) - 1)
        else:
            y = min(room, remaining)
        x = y * (price - strike) / price
        assert (exercise.exercised, exercise.entitlement, exercise.cash_paid) == (y, x, D("0.00"))
        assert exercise.withheld == y - x.numerator // x.denominator
    else:
        y = min(room, remaining)
        cents = Fraction(y) * strike * 100
        assert (exercise.exercised, exercise.entitlement, exercise.withheld) == (y, Fraction(y), 0)
        assert exercise.cash_paid == D(cents.numerator // cents.denominator + (2 * (cents % 1) >= 1)) / 100
    preferred, issued, in_lieu = plan_steps.day_issue(exercise.entitlement, price, dt.date(2006, 1, 3), terms)
    ratio = 10_000 if authorized else 1
    units = exercise.entitlement / ratio
    assert preferred == (units.numerator // units.denominator if authorized else 0)
    assert issued == (
        preferred * ratio if authorized else exercise.entitlement.numerator // exercise.entitlement.denominator
    )
    rest = (exercise.entitlement - issued) * price * 100
    assert in_lieu == D(rest.numerator // rest.denominator + (2 * (rest % 1) >= 1)) / 100


def test_issue11_day_sale_by_count_and_by_volume():
    day = dt.date(2006, 1, 3)
    by_count = plan_steps.SalePolicy(1_000, None, {})
    assert plan_steps.day_sale(by_count, day, 600) == 600 and plan_steps.day_sale(by_count, day, 5_000) == 1_000
    by_volume = plan_steps.SalePolicy(None, Fraction(3, 10), {day: 12_345})
    assert plan_steps.day_sale(by_volume, day, 10**9) == 3_703  # floor(0.3 × 12,345)
    assert plan_steps.day_sale(by_volume, dt.date(2006, 1, 4), 10**9) == 0  # no volume that day


def test_issue11_series_d_route_ends_on_the_increase_date():
    terms = _terms(authorized=5_000_000_000, authorized_increase_date=dt.date(2006, 1, 4))
    assert plan_steps.day_issue(Fraction(123_456), Fraction(1), dt.date(2006, 1, 3), terms)[0] == 12
    assert plan_steps.day_issue(Fraction(123_456), Fraction(1), dt.date(2006, 1, 4), terms) == (0, 123_456, D("0.00"))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: op.exercise_plan(dt.date(2005, 9, 7), 10**9, 0, "abc", sell_per_day=0), "prices: expected a number"),
        (lambda: op.exercise_plan(dt.date(2005, 9, 7), 10**9, 0, 0.02, sell_per_day=0), "prices: expected a Decimal"),
        (
            lambda: op.exercise_plan(dt.date(2005, 9, 7), 10**9, 0, {dt.date(2005, 9, 6): "x"}, sell_per_day=0),
            "prices[2005-09-06]: expected a number",
        ),
        (lambda: op.exercise_plan("2005-09-07", 10**9, 0, D("0.02"), sell_per_day=0), "start: expected a date"),
        (
            lambda: op.exercise_plan(
                dt.date(2005, 9, 7), 10**9, 0, D("0.02"), sell_fraction_of_volume="x", volumes={dt.date(2005, 9, 7): 1}
            ),
            "sell_fraction_of_volume: expected a number",
        ),
        (
            lambda: op.fair_market_value(dt.date(2005, 9, 6), "exchange", closes={dt.date(2005, 9, 2): "n/a"}),
            "closes[2005-09-02]: expected a number",
        ),
        (
            lambda: op.fair_market_value(
                dt.date(2006, 1, 3), "not_traded", agreed_value=D("NaN"), agreed_by="agreement"
            ),
            "agreed_value: expected a finite number",
        ),
        (lambda: op.cap_status("2006-01-01"), "as_of: expected a date"),
        (lambda: op.cap_status(dt.date(2006, 1, 1), waiver_notice=20060101), "waiver_notice: expected a date"),
    ],
)
def test_issue11_bad_inputs_are_one_dealkit_line(call, message):
    from dealkit.errors import DealkitError

    with pytest.raises(DealkitError) as info:
        call()
    assert message in str(info.value) and "\n" not in str(info.value)
