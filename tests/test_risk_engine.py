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
from hypothesis import given, settings
from hypothesis import strategies as st

from dealkit import market as mk
from dealkit import notes, risk
from dealkit import risk_engine as eng
from dealkit.errors import ParameterError
from dealkit.risk_engine import path_market

# Four regimes, so every branch of the stock test is taken: the price test, the volume cap, the
# 4.99% cap (a small share count), the Series D route on and off, default on and off.
CASES = [
    dict(
        fcp="0.0500",
        outstanding=None,
        authorized=None,
        volume_level=5_000_000,
        vol="1.0",
        rule="cash_capacity",
        tb=None,
    ),
    dict(
        fcp="0.0250",
        outstanding=20_000_000,
        authorized=20_000_000_000,
        volume_level=40_000_000,
        vol="0.8",
        rule="cash_capacity",
        tb=dt.date(2008, 1, 31),
    ),
    dict(fcp="0.0333", outstanding=None, authorized=None, volume_level=300_000, vol="1.5", rule="none", tb=None),
    dict(
        fcp="0.0600",
        outstanding=900_000_000,
        authorized=None,
        volume_level=20_000_000,
        vol="0.6",
        rule="cash_capacity",
        tb=dt.date(2007, 9, 4),
    ),
]


def _cents(d: Decimal) -> int:
    return int(d * 100)


def _compare(deal, prime, a, terms, plan, paths, res, m, tb, authorized, n, xirr_paths=20, rounding="period") -> set:
    """Every row of every path: engine == dealkit.notes (Decimal), and the default, the Default
    Payment, the recovery, the revolver's rows, the flows' total and the XIRR. Returns the
    limited_by values seen (and "optional" when the holder converted)."""
    seen = set()
    funded = Decimal(plan.funded) / 100
    if plan.revolver is not None:
        funded += Decimal(int(-plan.revolver.moves[0])) / 100
    for i in range(n):
        market = path_market(paths, i, plan.outstanding, authorized or deal.capitalization.authorized_at_closing.value)
        ref = eng.decimal_reference(deal, a, market, terms, term_b_maturity=tb, prime=prime, rounding=rounding)
        k = int(res.default_k[i])
        assert (ref.default_date is None) == (k < 0), i
        if k >= 0:
            assert ref.default_date == plan.grid[k]
            assert _cents(ref.scenario.payment) == res.default_payment[i], i
            assert _cents(ref.scenario.principal) == res.default_principal[i], i
            assert _cents(ref.recovery) == res.recovery[i], i
        for name, s in ref.schedules.items():
            if name == "revolver":
                assert res.revolver_paid[i].sum() == len(s.rows)
                continue
            r = res.notes[name]
            assert not r.paid[i, len(s.rows) :].any()
            for j, row in enumerate(s.rows):
                assert r.paid[i, j]
                got = (
                    int(r.interest[i, j]),
                    int(r.principal_cash[i, j]),
                    int(r.principal_stock[i, j]),
                    int(r.premium[i, j]),
                    int(r.shares[i, j]),
                    int(r.series_d[i, j]),
                    eng.LIMITED_BY[r.limited_by[i, j]],
                )
                want = (
                    _cents(row["interest"]),
                    _cents(row["principal_cash"]),
                    _cents(row["principal_stock"]),
                    _cents(row["premium"]),
                    row["shares"],
                    row["series_d"],
                    row["limited_by"],
                )
                assert got == want, (i, name, row["date"], got, want)
                if "opt_shares" in row:
                    got = (
                        int(r.opt_principal[i, j]),
                        int(r.opt_shares[i, j]),
                        int(r.opt_series_d[i, j]),
                        int(r.closing[i, j]),
                    )
                    want = (
                        _cents(row["opt_principal"]),
                        row["opt_shares"],
                        row["opt_series_d"],
                        _cents(row["closing"]),
                    )
                    assert got == want, (i, name, row["date"], "optional", got, want)
                    if row["opt_shares"]:
                        seen.add("optional")
                seen.add(row["limited_by"])
        # the lender's flows: the same total to the cent, and the same XIRR as notes.xirr
        flows = eng.decimal_flows(ref, market, funded, plan.issue)
        total = sum(f[1] for f in flows)
        assert _cents(total) == round(m["atg_cost"][i] * 100), i
        if i < xirr_paths:
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
    plan = eng.build_plan(
        deal, a, terms, term_b_maturity=c["tb"], outstanding=c["outstanding"], authorized=c["authorized"], prime=prime
    )
    first, last = mk.path_window(plan.grid)
    n = full_or(50, 500)  # 4 cases: 200 paths in the suite, 2,000 in full
    asm = mk.gbm_assumptions(volatility=c["vol"], volume_level=c["volume_level"])
    paths = mk.simulate("gbm", n, 100 + case, first, last, assumptions=asm)
    res = eng.run(plan, eng.windows(paths, plan.grid))
    m = risk.metrics(res)
    seen = _compare(deal, prime, a, terms, plan, paths, res, m, c["tb"], c["authorized"], n)
    assert len(seen) >= 2, seen  # the case exercises more than one branch


def test_every_branch_of_the_stock_test_is_reached(deal, prime):
    """Across the cases: price test, volume cap, 4.99% cap and full payment in stock all occur."""
    seen = set()
    for case, c in enumerate(CASES):
        a = notes.assumptions_from_deal(deal, fixed_conversion_price=Decimal(c["fcp"]))
        plan = eng.build_plan(
            deal,
            a,
            eng.risk_terms(c["rule"]),
            outstanding=c["outstanding"],
            authorized=c["authorized"],
            prime=prime,
            term_b_maturity=c["tb"],
        )
        first, last = mk.path_window(plan.grid)
        paths = mk.simulate(
            "gbm",
            300,
            100 + case,
            first,
            last,
            assumptions=mk.gbm_assumptions(volatility=c["vol"], volume_level=c["volume_level"]),
        )
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
        assert p.due.sum() == p.opening[0]  # the whole face is due over the schedule


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
    big = mk.PricePaths(
        days, np.full((2, len(days)), 2**39, dtype=np.int64), np.full((2, len(days)), 2**39, dtype=np.int64), "test"
    )
    with pytest.raises(ParameterError, match=r"price path close × volume: values too large for exact int64"):
        eng.windows(big, plan.grid)
    short = mk.PricePaths(
        days[30:], np.ones((1, len(days) - 30), dtype=np.int64), np.ones((1, len(days) - 30), dtype=np.int64), "test"
    )
    with pytest.raises(ParameterError, match=r"price path: must cover the 22 trading days before 2005-10-03"):
        eng.windows(short, plan.grid)


@settings(max_examples=full_or(10, 200))
@given(
    fcp=st.integers(100, 3330),
    vcap=st.integers(20, 35),
    prem=st.integers(100, 105),
    monthly=st.integers(20, 150),
    first=st.sampled_from([dt.date(2005, 10, 1), dt.date(2006, 3, 1), dt.date(2007, 9, 1), dt.date(2009, 1, 1)]),
    margin=st.integers(0, 400),
    outstanding=st.integers(10**6, 5 * 10**9),
    authorized=st.sampled_from([10**9, 2 * 10**10]),
    capacity=st.integers(0, 3_000_000),
    rule=st.sampled_from(eng.DEFAULT_RULES),
    seed=st.integers(0, 10**6),
    vol=st.sampled_from(["0.3", "1.0", "2.5"]),
    level=st.integers(0, 50_000_000),
    revolver=st.sampled_from(eng.REVOLVER_RULES),
    holder=st.one_of(
        st.just(None),
        st.builds(
            lambda t, vc, rd, sf: eng.holder_policy("convert" if t else "none", t, vc, rd, sf),
            st.sampled_from([None, "0.90", "1.10", "1.60"]),
            st.sampled_from([None, "0.10", "0.35"]),
            st.sampled_from(["literal", "post_issuance"]),
            st.sampled_from([None, "0", "0.05", "0.5"]),
        ),
    ),
)
def test_engine_equals_the_decimal_schedules_for_random_terms(
    deal,
    prime,
    fcp,
    vcap,
    prem,
    monthly,
    first,
    margin,
    outstanding,
    authorized,
    capacity,
    rule,
    seed,
    vol,
    level,
    revolver,
    holder,
):
    """Random terms, holder policies and revolver rules (not only random paths), three paths each:
    the same equality, row for row."""
    a = notes.assumptions_from_deal(
        deal,
        fixed_conversion_price=Decimal(fcp) / 10_000,
        amortization_volume_cap=Decimal(vcap) / 100,
        cash_premium=Decimal(prem) / 100,
        monthly_amount=Decimal(monthly * 1000),
        first_amortization=first,
        margin=Decimal(margin) / 10_000,
    )
    terms = eng.risk_terms(rule, Decimal(capacity), 1, Decimal("0.35"), revolver, holder)
    plan = eng.build_plan(deal, a, terms, outstanding=outstanding, authorized=authorized, prime=prime)
    lo, hi = mk.path_window(plan.grid)
    paths = mk.simulate("gbm", 3, seed, lo, hi, assumptions=mk.gbm_assumptions(volatility=vol, volume_level=level))
    res = eng.run(plan, eng.windows(paths, plan.grid))
    _compare(deal, prime, a, terms, plan, paths, res, risk.metrics(res), None, authorized, 3)


# The holder's optional conversion and the revolver: each case a policy (trigger, volume limit, cap
# reading, holdings tracked or not, selling) and a revolver rule, on regimes where conversions happen.
POLICY_CASES = [
    dict(
        fcp="0.0300",
        vol="1.0",
        level=20_000_000,
        outstanding=None,
        authorized=None,
        revolver="refinanced",
        holder=dict(rule="convert", trigger="1.25", reading="literal", sell_fraction="0.10"),
        cap="250000.00",
    ),
    dict(
        fcp="0.0250",
        vol="0.8",
        level=40_000_000,
        outstanding=60_000_000,
        authorized=20_000_000_000,
        revolver="cash",
        holder=dict(rule="convert", trigger="1.00", reading="post_issuance", sell_fraction="0"),
        cap="9000000.00",
    ),
    dict(
        fcp="0.0400",
        vol="1.5",
        level=5_000_000,
        outstanding=None,
        authorized=None,
        revolver="excluded",
        holder=dict(rule="convert", trigger="1.50", volume_cap="0.30", reading="literal"),
        cap="150000.00",
    ),
    dict(
        fcp="0.0500",
        vol="1.2",
        level=10_000_000,
        outstanding=300_000_000,
        authorized=None,
        revolver="refinanced",
        holder=dict(rule="none", reading="post_issuance", sell_fraction="0.25"),
        cap="120000.00",
    ),
]


def _policy_run(deal, prime, c, n, seed):
    a = notes.assumptions_from_deal(deal, fixed_conversion_price=Decimal(c["fcp"]))
    terms = eng.risk_terms("cash_capacity", c["cap"], 1, "0.40", c["revolver"], eng.holder_policy(**c["holder"]))
    plan = eng.build_plan(deal, a, terms, outstanding=c["outstanding"], authorized=c["authorized"], prime=prime)
    first, last = mk.path_window(plan.grid)
    paths = mk.simulate(
        "gbm", n, seed, first, last, assumptions=mk.gbm_assumptions(volatility=c["vol"], volume_level=c["level"])
    )
    res = eng.run(plan, eng.windows(paths, plan.grid))
    return a, terms, plan, paths, res


@pytest.mark.parametrize("case", range(len(POLICY_CASES)))
def test_policy_engine_equals_the_decimal_twin_path_for_path(deal, prime, case):
    """Optional conversion, holdings building up, both cap readings, the revolver's three rules:
    the engine equals the Decimal twin (dealkit.notes / dealkit.option functions) to the cent and
    the share on every row, the default, the Default Payment, the flows and the XIRR."""
    c = POLICY_CASES[case]
    n = full_or(50, 500)  # 4 cases: 200 paths in the suite, 2,000 in full
    a, terms, plan, paths, res = _policy_run(deal, prime, c, n, 300 + case)
    seen = _compare(deal, prime, a, terms, plan, paths, res, risk.metrics(res), None, c["authorized"], n, xirr_paths=10)
    if c["holder"]["rule"] == "convert":
        assert "optional" in seen, seen


def test_policy_none_date_by_date_equals_the_schedules_of_dealkit_notes(deal, prime):
    """The date-by-date twin with no optional conversion and holdings not tracked reproduces
    dealkit.notes.term_a_schedule / term_b_schedule row for row (it is the same rule)."""
    a = notes.assumptions_from_deal(deal, fixed_conversion_price=Decimal("0.0300"))
    plan = eng.build_plan(deal, a, prime=prime)
    first, last = mk.path_window(plan.grid)
    paths = mk.simulate("gbm", 5, 1, first, last, assumptions=mk.gbm_assumptions(volume_level=20_000_000))
    for i in range(5):
        market = path_market(paths, i, plan.outstanding, deal.capitalization.authorized_at_closing.value)
        twin = eng.decimal_policy_schedules(deal, a, market, eng.HolderPolicy(), plan.grid, prime=prime)
        ref = eng.decimal_reference(deal, a, market, eng.risk_terms("none"), prime=prime).schedules
        for k in ("term_a", "term_b"):
            strip = [{f: r[f] for f in ref[k].rows[0]} for r in twin[k].rows]
            assert strip == list(ref[k].rows)


def test_holdings_and_the_cap_reading_change_the_shares(deal, prime):
    """Holdings that build up (no selling) bind the 4.99% cap sooner than holdings not tracked;
    the post-issuance reading lets each conversion issue at least as many shares as the literal."""
    base = dict(
        fcp="0.0250",
        vol="0.8",
        level=40_000_000,
        outstanding=60_000_000,
        authorized=20_000_000_000,
        revolver="excluded",
        cap="9000000.00",
    )
    tot = {}
    for label, h in {
        "untracked": dict(rule="convert", trigger="1.00"),
        "kept": dict(rule="convert", trigger="1.00", sell_fraction="0"),
        "kept_post": dict(rule="convert", trigger="1.00", sell_fraction="0", reading="post_issuance"),
    }.items():
        *_, res = _policy_run(deal, prime, {**base, "holder": h}, 200, 5)
        tot[label] = risk.metrics(res, ("shares",))["shares"]
    assert (tot["kept"] <= tot["untracked"]).all() and (tot["kept"] < tot["untracked"]).any()
    assert tot["kept_post"].sum() >= tot["kept"].sum()


def test_revolver_rules_move_cost_and_default(deal, prime):
    """The revolver's interest is cash due: including it can only bring a default forward; its
    balloon as cash (``cash``) defaults every path that reaches its maturity with a capacity below it."""
    a = notes.assumptions_from_deal(deal)
    plan0 = eng.build_plan(deal, a, eng.risk_terms(revolver="excluded"), prime=prime)
    first, last = mk.path_window(plan0.grid)
    paths = mk.simulate("gbm", 400, 9, first, last)
    d = {}
    for rule in eng.REVOLVER_RULES:
        plan = eng.build_plan(deal, a, eng.risk_terms(revolver=rule), prime=prime)
        res = eng.run(plan, eng.windows(paths, plan.grid))
        d[rule] = res.default_k >= 0
    assert (d["excluded"] <= d["refinanced"]).all() and (d["refinanced"] <= d["cash"]).all()
    assert d["cash"].all()  # $7,000,000 balloon > $250,000 capacity


def test_bad_policy_is_one_clear_line():
    with pytest.raises(ParameterError, match=r"parameter holder: unknown rule.*'always'"):
        eng.holder_policy("always")
    with pytest.raises(ParameterError, match=r"parameter trigger: the convert rule needs a trigger"):
        eng.holder_policy("convert")
    with pytest.raises(ParameterError, match=r"parameter sell_fraction: expected a number from 0 to 1 \(got '1.5'\)"):
        eng.holder_policy("convert", "1.2", sell_fraction="1.5")
    with pytest.raises(ParameterError, match=r"parameter reading: choose one of"):
        eng.holder_policy(reading="loose")
    with pytest.raises(ParameterError, match=r"parameter revolver: unknown rule.*'maybe'"):
        eng.risk_terms(revolver="maybe")


def test_policy_engine_conserves_principal(deal, prime):
    """With optional conversions and the revolver: principal paid in stock (scheduled and by the
    holder) + in cash + outstanding at default = what was lent, path by path, to the cent."""
    c = POLICY_CASES[0]
    *_, res = _policy_run(deal, prime, c, 500, 42)
    stock = sum(r.principal_stock.sum(axis=1) + r.opt_principal.sum(axis=1) for r in res.notes.values())
    assert (risk.principal_cash(res) + stock + res.default_principal == risk.principal_lent(res)).all()
    assert (res.default_k >= 0).any() and (res.default_k < 0).any()


@pytest.mark.parametrize("case", [0, 1])
def test_policy_engine_with_daily_rounding(deal, prime, case):
    """The other named interest rounding (each day's interest rounded, notes ``rounding="daily"``):
    the engine still equals the twin, term notes and revolver alike."""
    c = POLICY_CASES[case]
    a = notes.assumptions_from_deal(deal, fixed_conversion_price=Decimal(c["fcp"]))
    terms = eng.risk_terms("cash_capacity", c["cap"], 1, "0.40", c["revolver"], eng.holder_policy(**c["holder"]))
    plan = eng.build_plan(
        deal, a, terms, outstanding=c["outstanding"], authorized=c["authorized"], prime=prime, rounding="daily"
    )
    first, last = mk.path_window(plan.grid)
    n = full_or(15, 100)
    paths = mk.simulate(
        "gbm", n, 700 + case, first, last, assumptions=mk.gbm_assumptions(volatility=c["vol"], volume_level=c["level"])
    )
    res = eng.run(plan, eng.windows(paths, plan.grid))
    _compare(
        deal,
        prime,
        a,
        terms,
        plan,
        paths,
        res,
        risk.metrics(res),
        None,
        c["authorized"],
        n,
        xirr_paths=3,
        rounding="daily",
    )


def test_the_engine_pays_on_the_deal_files_business_day_convention(write_deal, prime):
    """A deal file whose ``note_terms.business_day_convention`` is ``preceding`` pays the Saturday
    2008-09-06 maturity on Friday 2008-09-05, in the engine and in its Decimal twin alike (both
    used to read the embedded deal file's ``following``)."""
    from dealkit.deal.loader import load_deal
    from dealkit.engines.risk.fixed import schedules_without_stock

    def preceding(data):
        data["note_terms"]["business_day_convention"]["value"] = "preceding"

    deal = load_deal(write_deal(preceding))
    a = notes.assumptions_from_deal(deal)
    terms = eng.risk_terms("cash_capacity", "250000.00", 1, "0.40")
    tb = deal.notes["term_b"].maturity.value
    sched, _ = schedules_without_stock(deal, a, terms, tb, prime, "period")
    assert sched["term_a"].rows[-1].date == dt.date(2008, 9, 5)
    plan = eng.build_plan(deal, a, terms, prime=prime)
    assert dt.date(2008, 9, 5) in plan.grid and dt.date(2008, 9, 8) not in plan.grid
    first, last = mk.path_window(plan.grid)
    paths = mk.simulate("gbm", 20, 7, first, last, assumptions=mk.gbm_assumptions(volatility="1.0"))
    res = eng.run(plan, eng.windows(paths, plan.grid))
    _compare(deal, prime, a, terms, plan, paths, res, risk.metrics(res), None, None, 20, xirr_paths=5)


def test_the_engine_reads_no_term_from_the_embedded_deal_file(deal, prime, monkeypatch):
    """Given a loaded deal, the risk engine (a scenario, its tornado and two-way table) never falls
    back on a keyword default read from the embedded deal file."""
    import dealkit.rules.notes.interest
    import dealkit.rules.notes.terms

    def refuse():
        raise AssertionError("the embedded deal file was read")

    for module in (dealkit.rules.notes.terms, dealkit.rules.notes.interest):
        monkeypatch.setattr(module, "embedded_deal", refuse)
    s, tb = risk.from_parameters(deal, n_paths=40, seed=3, prime=prime)
    risk.tornado(s, deal, "lender_xirr", prime=prime, term_b_maturity=tb)
    risk.two_way(deal, s.plan.a, ["0.05", "0.10"], [1.0], "lender_xirr", n_paths=20, seed=3, prime=prime)
