"""The vectorized notes engine against the Decimal schedule code of dealkit.notes, path for path:
to the cent and the share on every row, the default rule, the Default Payment and the recovery,
and the lender's flows and XIRR."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from conftest import full_or
from hypothesis import given, settings, strategies as st

import dealkit
from dealkit import market as mk
from dealkit import notes
from dealkit import risk
from dealkit import risk_engine as eng
from dealkit.errors import ParameterError


@pytest.fixture(scope="module")
def deal():
    return dealkit.load_deal()


@pytest.fixture(scope="module")
def prime():
    return dealkit.load_prime()


# Four regimes, so every branch of the stock test is taken: the price test, the volume cap, the
# 4.99% cap (a small share count), the Series D route on and off, default on and off.
CASES = [
    dict(fcp="0.0500", outstanding=None, authorized=None, volume_level=5_000_000, vol="1.0", rule="cash_capacity",
         tb=None),
    dict(fcp="0.0250", outstanding=20_000_000, authorized=20_000_000_000, volume_level=40_000_000, vol="0.8",
         rule="cash_capacity", tb=dt.date(2008, 1, 31)),
    dict(fcp="0.0333", outstanding=None, authorized=None, volume_level=300_000, vol="1.5", rule="none", tb=None),
    dict(fcp="0.0600", outstanding=900_000_000, authorized=None, volume_level=20_000_000, vol="0.6", rule="cash_capacity",
         tb=dt.date(2007, 9, 4)),
]


def _cents(d: Decimal) -> int:
    return int(d * 100)


def _compare(deal, prime, a, terms, plan, paths, res, m, tb, authorized, n) -> set:
    """Every row of every path: engine == dealkit.notes (Decimal), and the default, the Default
    Payment, the recovery, the flows' total and the XIRR. Returns the limited_by values seen."""
    seen = set()
    for i in range(n):
        market = paths.market(i, plan.outstanding, authorized or deal.capitalization.authorized_at_closing.value)
        ref = eng.decimal_reference(deal, a, market, terms, term_b_maturity=tb, prime=prime)
        k = int(res.default_k[i])
        assert (ref.default_date is None) == (k < 0), i
        if k >= 0:
            assert ref.default_date == plan.grid[k]
            assert _cents(ref.scenario.payment) == res.default_payment[i]
            assert _cents(ref.scenario.principal) == res.default_principal[i]
            assert _cents(ref.recovery) == res.recovery[i]
        for name, s in ref.schedules.items():
            r = res.notes[name]
            assert not r.paid[i, len(s.rows):].any()
            for j, row in enumerate(s.rows):
                assert r.paid[i, j]
                got = (int(r.interest[i, j]), int(r.principal_cash[i, j]), int(r.principal_stock[i, j]),
                       int(r.premium[i, j]), int(r.shares[i, j]), int(r.series_d[i, j]),
                       eng.LIMITED_BY[r.limited_by[i, j]])
                want = (_cents(row["interest"]), _cents(row["principal_cash"]), _cents(row["principal_stock"]),
                        _cents(row["premium"]), row["shares"], row["series_d"], row["limited_by"])
                assert got == want, (i, name, row["date"], got, want)
                seen.add(row["limited_by"])
        # the lender's flows: the same total to the cent, and the same XIRR as notes.xirr
        flows = notes.lender_cash_flows(list(ref.schedules.values()), market, Decimal(plan.funded) / 100,
                                        plan.issue, notes.ZERO, ref.recovery if k >= 0 else None,
                                        ref.scenario.demand_date if k >= 0 else None)
        total = sum(f[1] for f in flows)
        assert _cents(total) == round(m["atg_cost"][i] * 100)
        if i < 20:
            x = notes.xirr(flows)
            if x is None:
                assert np.isnan(m["lender_xirr"][i])
            else:
                assert m["lender_xirr"][i] == pytest.approx(x, abs=1e-7)
    return seen


@pytest.mark.parametrize("case", range(len(CASES)))
def test_engine_equals_the_decimal_schedules_path_for_path(deal, prime, case):
    c = CASES[case]
    a = notes.assumptions_from_deal(deal, fixed_conversion_price=Decimal(c["fcp"]))
    terms = eng.risk_terms(c["rule"], "250000.00", 1, "0.40")
    plan = eng.build_plan(deal, a, terms, term_b_maturity=c["tb"], outstanding=c["outstanding"],
                          authorized=c["authorized"], prime=prime)
    first, last = mk.path_window(plan.grid)
    n = full_or(50, 500)   # 4 cases: 200 paths in the suite, 2,000 in full
    asm = mk.gbm_assumptions(volatility=c["vol"], volume_level=c["volume_level"])
    paths = mk.simulate("gbm", n, 100 + case, first, last, assumptions=asm)
    res = eng.run(plan, eng.windows(paths, plan.grid))
    m = risk.metrics(res)
    seen = _compare(deal, prime, a, terms, plan, paths, res, m, c["tb"], c["authorized"], n)
    assert len(seen) >= 2, seen   # the case exercises more than one branch


def test_every_branch_of_the_stock_test_is_reached(deal, prime):
    """Across the cases: price test, volume cap, 4.99% cap and full payment in stock all occur."""
    seen = set()
    for case, c in enumerate(CASES):
        a = notes.assumptions_from_deal(deal, fixed_conversion_price=Decimal(c["fcp"]))
        plan = eng.build_plan(deal, a, eng.risk_terms(c["rule"]), outstanding=c["outstanding"],
                              authorized=c["authorized"], prime=prime, term_b_maturity=c["tb"])
        first, last = mk.path_window(plan.grid)
        paths = mk.simulate("gbm", 300, 100 + case, first, last,
                            assumptions=mk.gbm_assumptions(volatility=c["vol"], volume_level=c["volume_level"]))
        res = eng.run(plan, eng.windows(paths, plan.grid))
        for r in res.notes.values():
            seen |= set(np.unique(r.limited_by).tolist())
    assert seen == {0, 1, 2, 3}


def test_default_rule_none_never_defaults_and_conserves_principal(deal, prime):
    a = notes.assumptions_from_deal(deal)
    plan = eng.build_plan(deal, a, eng.risk_terms("none"), prime=prime)
    first, last = mk.path_window(plan.grid)
    res = eng.run(plan, eng.windows(mk.simulate("gbm", 500, 3, first, last), plan.grid))
    assert (res.default_k < 0).all()
    for p in plan.notes.values():
        r = res.notes[p.name]
        assert ((r.principal_cash + r.principal_stock).sum(axis=1) == p.due.sum()).all()
        assert p.due.sum() == p.opening[0]   # the whole face is due over the schedule


def test_chunked_run_gives_the_same_paths(deal, prime):
    a = notes.assumptions_from_deal(deal)
    n = mk.CHUNK + 300
    s = risk.scenario(deal, a, n_paths=n, seed=11, prime=prime)
    got, defaults = risk.run_chunked(deal, a, n, seed=11, prime=prime, keep=("atg_cost", "shares"))
    assert np.array_equal(got["shares"], s.metrics["shares"])
    assert np.array_equal(got["atg_cost"], s.metrics["atg_cost"])
    assert defaults == int(s.metrics["defaulted"].sum())


def test_bad_terms_are_one_clear_line(deal):
    with pytest.raises(ParameterError, match=r"parameter default_rule: unknown rule.*'sometimes'"):
        eng.risk_terms("sometimes")
    with pytest.raises(ParameterError, match=r"parameter cash_capacity"):
        eng.risk_terms(cash_capacity="lots")
    a = notes.assumptions_from_deal(deal)
    with pytest.raises(ParameterError, match="fixed_conversion_price"):
        eng.build_plan(deal, dataclasses.replace(a, fixed_conversion_price=Decimal(0)))


def test_int64_overflow_is_refused_not_wrapped(deal, prime):
    """Closes near $1,000,000 with 2^40 shares a day would overflow int64 dollar volume: refused."""
    plan = eng.build_plan(deal, notes.assumptions_from_deal(deal), prime=prime)
    first, last = mk.path_window(plan.grid)
    days = mk.trading_days(first, last)
    big = mk.PricePaths(days, np.full((2, len(days)), 2**39, dtype=np.int64), np.full((2, len(days)), 2**39, dtype=np.int64),
                        "test")
    with pytest.raises(ParameterError, match=r"price path close × volume: values too large for exact int64"):
        eng.windows(big, plan.grid)
    short = mk.PricePaths(days[30:], np.ones((1, len(days) - 30), dtype=np.int64),
                          np.ones((1, len(days) - 30), dtype=np.int64), "test")
    with pytest.raises(ParameterError, match=r"price path: must cover the 22 trading days before 2005-10-03"):
        eng.windows(short, plan.grid)


@settings(max_examples=full_or(10, 200))
@given(fcp=st.integers(100, 3330), vcap=st.integers(20, 35), prem=st.integers(100, 105), monthly=st.integers(20, 150),
       first=st.sampled_from([dt.date(2005, 10, 1), dt.date(2006, 3, 1), dt.date(2007, 9, 1), dt.date(2009, 1, 1)]),
       margin=st.integers(0, 400), outstanding=st.integers(10**6, 5 * 10**9), authorized=st.sampled_from([10**9, 2 * 10**10]),
       capacity=st.integers(0, 3_000_000), rule=st.sampled_from(eng.DEFAULT_RULES), seed=st.integers(0, 10**6),
       vol=st.sampled_from(["0.3", "1.0", "2.5"]), level=st.integers(0, 50_000_000))
def test_engine_equals_the_decimal_schedules_for_random_terms(deal, prime, fcp, vcap, prem, monthly, first, margin,
                                                              outstanding, authorized, capacity, rule, seed, vol, level):
    """Random terms (not only random paths), three paths each: the same equality, row for row."""
    a = notes.assumptions_from_deal(deal, fixed_conversion_price=Decimal(fcp) / 10_000,
                                    amortization_volume_cap=Decimal(vcap) / 100, cash_premium=Decimal(prem) / 100,
                                    monthly_amount=Decimal(monthly * 1000), first_amortization=first,
                                    margin=Decimal(margin) / 10_000)
    terms = eng.risk_terms(rule, Decimal(capacity), 1, Decimal("0.35"))
    plan = eng.build_plan(deal, a, terms, outstanding=outstanding, authorized=authorized, prime=prime)
    lo, hi = mk.path_window(plan.grid)
    paths = mk.simulate("gbm", 3, seed, lo, hi, assumptions=mk.gbm_assumptions(volatility=vol, volume_level=level))
    res = eng.run(plan, eng.windows(paths, plan.grid))
    _compare(deal, prime, a, terms, plan, paths, res, risk.metrics(res), None, authorized, 3)
