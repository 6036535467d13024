"""The risk layer: metrics against their definitions, summaries, the tornado and the two-way
table, the notebook's parameters (each bad one a clear line), and 05_risk under papermill."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal

import numpy as np
import pytest
from conftest import run_cli

from dealkit import market as mk
from dealkit import notes, risk, risk_engine
from dealkit.errors import DealDataError, ParameterError


@pytest.fixture(scope="module")
def scen(deal, prime):
    return risk.scenario(deal, notes.assumptions_from_deal(deal), n_paths=1500, seed=3, prime=prime)


def test_metrics_are_consistent(scen):
    m = scen.metrics
    plan = scen.plan
    # ATG's cost = cash + stock at market + recovery − principal lent (the revolver's draws too), to the cent
    lent = risk.principal_lent(scen.result)
    assert plan.revolver is not None and (lent == plan.funded + 7_000_000_00).all()  # drawn in full at closing
    assert np.allclose(m["atg_cost"], m["cash_paid"] + m["stock_value"] + scen.result.recovery / 100 - lent / 100)
    assert (m["dilution"] == m["shares"] / (plan.outstanding + m["shares"])).all()
    assert set(np.unique(m["defaulted"])) <= {0, 1}
    assert (m["loss_given_default"][m["defaulted"] == 0] == 0).all()
    assert (m["principal_at_default"] <= lent / 100).all()
    # stock paid + cash principal + principal outstanding at default = what was lent, path by path
    stock = sum(r.principal_stock.sum(axis=1) for r in scen.result.notes.values())
    assert (risk.principal_cash(scen.result) + stock + scen.result.default_principal == lent).all()


def test_xirr_paths_equals_pyxirr():
    from pyxirr import xirr

    d0 = dt.date(2005, 9, 7)
    dates = [d0 + dt.timedelta(days=30 * k) for k in range(13)]
    rng = np.random.default_rng(0)
    flows = np.zeros((50, 13), dtype=np.int64)
    flows[:, 0] = -1_000_000_00
    flows[:, 1:] = rng.integers(0, 20_000_000, size=(50, 12))
    got = risk.xirr_paths(flows, dates)
    for i in range(50):
        assert got[i] == pytest.approx(xirr(dates, (flows[i] / 100).tolist()), abs=1e-8)
    assert np.isnan(risk.xirr_paths(np.ones((1, 13), dtype=np.int64), dates)[0])  # one sign: no IRR


def test_summary_and_pass_rates(scen):
    s = risk.summary(scen.metrics)
    assert list(s["metric"]) == list(risk.METRICS)
    row = s[s.metric == "shares"].iloc[0]
    assert row["p50"] == np.percentile(scen.metrics["shares"], 50)
    rates = risk.test_pass_rates(scen.result)
    assert len(rates) == int((scen.plan.notes["term_a"].due > 0).sum())
    assert ((rates["paid fully in stock"] <= rates["price test passes"]) & (rates["price test passes"] <= 1)).all()


def test_tornado_moves_each_term_over_its_range_on_the_same_paths(scen, deal, prime):
    tor = risk.tornado(scen, deal, "atg_cost", prime=prime)
    assert set(tor["term"]) == set(risk.TORNADO_TERMS) | set(risk.TORNADO_POLICIES)
    rv = tor[tor.term == "revolver"].iloc[0]
    assert (rv["low"], rv["high"]) == ("refinanced", "cash")
    assert (tor["swing"].diff().dropna() <= 0).all()
    row = tor[tor.term == "fixed_conversion_price"].iloc[0]
    a = dataclasses.replace(scen.plan.a, fixed_conversion_price=Decimal(row["low"]))
    again = risk.rerun(scen, deal, a, prime=prime)
    assert row["at low"] == pytest.approx(again.metrics["atg_cost"].mean())
    with pytest.raises(ParameterError, match="parameter metric: unknown metric"):
        risk.tornado(scen, deal, "happiness")


def test_two_way_table(deal, prime):
    a = notes.assumptions_from_deal(deal)
    tw = risk.two_way(deal, a, ["0.02", "0.05"], [0.5, 1.5], "defaulted", n_paths=300, prime=prime)
    assert tw.shape == (2, 2) and list(tw.columns) == ["50%", "150%"]
    s = risk.scenario(
        deal,
        dataclasses.replace(a, fixed_conversion_price=Decimal("0.05")),
        n_paths=300,
        seed=7,
        prime=prime,
        assumptions={**mk.gbm_assumptions(), "volatility": mk.Assumption("volatility", 1.5, "x")},
    )
    assert tw.loc["$0.05", "150%"] == pytest.approx(s.metrics["defaulted"].mean())


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(volatility="nan"), "parameter volatility: must be a finite number"),
        (dict(volatility="0"), "parameter volatility: must be greater than 0"),
        (dict(model="heston"), "parameter model: unknown model, choose one of gbm, bootstrap, csv (got 'heston')"),
        (dict(n_paths="1000000000"), "parameter n_paths: 1,000,000,000 paths"),
        (dict(n_paths="ten"), "parameter n_paths: expected a whole number"),
        (dict(metric="joy"), "parameter metric: unknown metric"),
        (dict(conversion_price="0"), "parameter conversion_price: must be positive"),
        (dict(default_rule="maybe"), "parameter default_rule: unknown rule"),
        (dict(model="bootstrap"), "parameter price_csv: the bootstrap model needs a price series"),
        (dict(model="csv"), "parameter price_csv: the csv model needs a price file"),
        (dict(policy="holder always"), "parameter policy: item 'holder' expects none, or convert TRIGGER"),
        (dict(policy="holder convert"), "parameter policy: item 'holder' expects"),
        (dict(policy="bonus 3"), "parameter policy: unknown item 'bonus', choose from capacity, recovery, holder"),
        (
            dict(policy="sell 2, holder convert 1.2"),
            "parameter policy: sell_fraction: expected a number from 0 to 1 (got '2')",
        ),
        (
            dict(policy="revolver later"),
            "parameter policy: revolver: unknown rule, choose one of refinanced, cash, excluded",
        ),
        (dict(policy="reading loose"), "parameter policy: reading: choose one of"),
        (dict(policy="capacity lots"), "parameter policy: cash_capacity"),
        (dict(policy="sell 0.1, sell 0.2"), "parameter policy: item 'sell' given twice"),
    ],
)
def test_bad_notebook_parameters(deal, kwargs, message):
    with pytest.raises(ParameterError) as e:
        risk.from_parameters(deal, **{"n_paths": "50", **kwargs})
    assert message in str(e.value) and "\n" not in str(e.value)


def _csv(tmp_path, first, last, drop=None):
    days = mk.trading_days(first, last)
    lines = ["date,close,volume"] + [
        f"{d},{Decimal('0.05') + Decimal(i % 40) / 1000},{3_000_000 + 1000 * i}"
        for i, d in enumerate(days)
        if i != drop
    ]
    p = tmp_path / "atg.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_csv_model_runs_the_one_path_and_bootstrap_draws_from_it(tmp_path, deal, prime):
    p = _csv(tmp_path, dt.date(2005, 8, 1), dt.date(2008, 9, 5))
    s, _ = risk.from_parameters(deal, model="csv", price_csv=str(p), prime=prime)
    assert s.paths.n == 1 and "atg.csv" in s.provenance()
    b, _ = risk.from_parameters(deal, model="bootstrap", price_csv=str(p), n_paths="200", prime=prime)
    assert b.paths.n == 200 and "block = 22" in b.provenance()
    short = _csv(tmp_path, dt.date(2006, 1, 3), dt.date(2008, 9, 5))
    with pytest.raises(DealDataError, match=r"atg.csv: must cover 2005-08-31 to 2008-09-05"):
        risk.from_parameters(deal, model="csv", price_csv=str(short), prime=prime)


@pytest.mark.slow
def test_notebook_runs_with_widgets_and_writes_metrics(tmp_path):
    csv_path = _csv(tmp_path, dt.date(2005, 1, 3), dt.date(2005, 12, 30))
    proc = run_cli(
        "report",
        "--notebook",
        "05_risk",
        "--out",
        str(tmp_path / "out"),
        "--timeout",
        "120",
        "-p",
        "n_paths=400",
        "-p",
        "model=bootstrap",
        "-p",
        f"price_csv={csv_path}",
        "-p",
        "interactive=true",
        "-p",
        "metric=lender_xirr",
        "-p",
        "policy=holder convert 1.25, sell 0.10, revolver cash",
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = (tmp_path / "out" / "05_risk.html").read_text(encoding="utf-8")
    assert "model bootstrap" in page and "seed 7" in page and "Tornado" in page
    assert "holder converts at 1.25" in page and "revolver (cash)" in page
    assert page.count('class="plotly-graph-div"') >= 7
    m = json.loads((tmp_path / "out" / "05_risk.metrics.json").read_text(encoding="utf-8"))
    assert 0 <= m["defaulted"] <= 1


@pytest.mark.slow
def test_notebook_bad_csv_fails_with_the_row(tmp_path):
    bad = _csv(tmp_path, dt.date(2005, 1, 3), dt.date(2005, 12, 30), drop=10)
    proc = run_cli(
        "report",
        "--notebook",
        "05_risk",
        "--out",
        str(tmp_path / "out"),
        "-p",
        "model=bootstrap",
        "-p",
        f"price_csv={bad}",
    )
    assert proc.returncode == 2  # checked before anything runs (dealkit.report.parameters.validate_parameters)
    assert "parameter price_csv: atg.csv: row 12: date: gap, 1 trading day(s) missing before it" in proc.stderr
    assert not (tmp_path / "out" / "05_risk.html").exists()


def test_risk_explorer_recomputes_on_the_same_paths(scen, deal, prime):
    from dealkit.risk_widgets import risk_explorer

    box = risk_explorer(scen, deal, "defaulted", prime=prime)
    fcp, vcap, cap, rec, trig, revolver = box.controls
    assert fcp.value == scen.plan.a.fixed_conversion_price  # starts at exactly the page's value
    cap.value = Decimal("3000000")  # ATG can pay far more in cash: fewer defaults (an exact choice)
    again = risk.rerun(
        scen, deal, scen.plan.a, dataclasses.replace(scen.plan.terms, cash_capacity=cap.value), prime=prime
    )
    share = float(again.metrics["defaulted"].mean())
    assert f"defaults {share:.1%}" in box.children[3].value
    assert share < float(scen.metrics["defaulted"].mean())
    assert "<script" not in box.children[3].value
    trig.value = 1.25  # the holder converts at 125% of the FCP: the same as a rerun with that policy
    revolver.value = "cash"
    pol = dataclasses.replace(again.plan.terms, revolver="cash", holder=risk_engine.holder_policy("convert", "1.25"))
    share = float(risk.rerun(scen, deal, scen.plan.a, pol, prime=prime).metrics["defaulted"].mean())
    assert f"defaults {share:.1%}" in box.children[3].value


def test_user_text_is_escaped(tmp_path, deal, prime):
    p = _csv(tmp_path, dt.date(2005, 8, 1), dt.date(2008, 9, 5))
    evil = tmp_path / "<b>x.csv"
    evil.write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    s, _ = risk.from_parameters(deal, model="csv", price_csv=str(evil), prime=prime)
    assert "<b>" not in s.provenance_markdown() and "&lt;b&gt;" in s.provenance_markdown()
    assert "<b>" not in s.subtitle()


def test_cash_capacity_none_turns_default_off(deal, prime):
    s, _ = risk.from_parameters(deal, n_paths="300", cash_capacity="none", prime=prime)
    assert s.plan.terms.default_rule == "none" and s.metrics["defaulted"].sum() == 0


def test_policy_parameter_reaches_the_terms_and_the_figures(deal, prime):
    """The notebook's policy string → RiskTerms; the holder's conversions show in the shares and
    the policy table; defaults are the documented ones."""
    t = risk.parse_policy("")
    assert (t.default_rule, t.cash_capacity, t.revolver, t.holder.legacy) == (
        "cash_capacity",
        Decimal("250000.00"),
        "refinanced",
        True,
    )
    t = risk.parse_policy(
        "capacity none, holder convert 1.25, volume 0.30, reading post_issuance, sell 0.1, revolver cash"
    )
    assert t.default_rule == "none" and t.revolver == "cash"
    assert (t.holder.rule, t.holder.trigger, t.holder.volume_cap, t.holder.reading, t.holder.sell_fraction) == (
        "convert",
        Decimal("1.25"),
        Decimal("0.30"),
        "post_issuance",
        Decimal("0.1"),
    )
    base, _ = risk.from_parameters(deal, n_paths="300", prime=prime, conversion_price="0.03")
    conv, _ = risk.from_parameters(
        deal, n_paths="300", prime=prime, conversion_price="0.03", policy="holder convert 1.25, sell 0.10"
    )
    assert conv.metrics["shares"].sum() > base.metrics["shares"].sum()
    tab = risk.policy_table(conv.result).set_index("note")
    assert tab.loc["term_a", "paths with an optional conversion"] > 0
    assert "revolver (refinanced)" in tab.index
    assert "holder converts at 1.25× FCP" in conv.short_provenance()


def test_bad_policy_is_refused_before_the_run(tmp_path):
    proc = run_cli(
        "report", "--notebook", "05_risk", "--out", str(tmp_path / "out"), "-p", "policy=holder convert, sell 2"
    )
    assert proc.returncode == 2
    assert "parameter policy: item 'holder' expects none, or convert TRIGGER" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_summary_table_reads_each_metric_in_its_unit(scen):
    """The page's distribution table: percents for rates and probabilities, $ for money, whole
    shares, plain metric names; the same numbers as risk.summary."""
    raw = risk.summary(scen.metrics).set_index("metric")
    shown = risk.summary_table(scen.metrics).set_index("metric")
    assert shown.loc["Lender XIRR", "p50"].endswith("%") and shown.loc["Dilution", "mean"].endswith("%")
    assert shown.loc["Defaulted", "mean"] == f"{raw.loc['defaulted', 'mean'] * 100:.2f}%"
    assert shown.loc["ATG cost", "p95"] == f"${raw.loc['atg_cost', 'p95']:,.0f}".replace("$-", "-$")
    assert "$" not in shown.loc["Shares", "mean"] and shown.loc["Shares", "p95"] == f"{raw.loc['shares', 'p95']:,.0f}"
