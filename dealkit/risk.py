"""What the financing costs ATG and yields Laurus across price paths and the unknown terms.

Per path (:func:`metrics`), from an engine :class:`~dealkit.risk_engine.Result`:

- ``lender_xirr``: the annual IRR (actual/365, as :func:`dealkit.notes.xirr`) of Laurus's flows:
  the two faces lent at closing (−), the revolver's draws (−) and repayments (+) on their dates,
  interest, cash principal, the revolver's balloon and premiums (+), conversion shares — scheduled
  and the holder's optional conversions — at the close on the day, half-up to the cent (+, as
  notes.lender_cash_flows), and the recovery on a default's demand date (+). ATG's all-in rate is the same figure (mirror flows).
- ``atg_cost``: what ATG gave up beyond the principal it keeps, in dollars: cash paid + shares at
  market + recovery − principal lent (the term notes' faces and the revolver's draws:
  :func:`principal_lent`).
- ``shares`` (common equivalent) and ``dilution`` = shares / (shares outstanding at closing + shares).
- ``cash_paid``, ``stock_paid`` (principal credited by shares), ``stock_value`` (at market).
- ``defaulted``, ``loss_given_default`` = Default Payment − recovery (0 without default),
  ``principal_at_default``.

Money metrics are exact integers of cents until :func:`metrics` turns them into dollars (float, for
display). The rules are the notes' (cited in dealkit.notes) and the default rule of
:mod:`dealkit.risk_engine`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from decimal import Decimal
from typing import Mapping, Sequence

import numpy as np

from . import market as mk
from . import notes
from . import risk_engine as eng
from .errors import ParameterError

__all__ = ["METRICS", "metrics", "xirr_paths", "summary", "test_pass_rates", "scenario", "Scenario", "tornado",
           "TORNADO_TERMS", "TORNADO_POLICIES", "summary_table", "METRIC_KINDS", "two_way", "run_chunked", "cumulative_shares",
           "from_parameters", "write_metrics", "metric_percentiles", "daily_closes", "rerun", "principal_lent", "principal_cash", "parse_policy", "POLICY_ITEMS", "policy_table"]

#: Metric names a notebook or a sweep may ask for, and what they mean.
METRICS = {
    "lender_xirr": "Laurus's annual IRR on the notes (the revolver too unless excluded)",
    "atg_cost": "ATG's cost beyond principal, $",
    "shares": "shares issued (common equivalent)",
    "dilution": "dilution of the closing share count",
    "cash_paid": "cash paid by ATG, $",
    "stock_paid": "principal paid in stock, $",
    "stock_value": "shares at market, $",
    "defaulted": "default (1) or not (0)",
    "loss_given_default": "Default Payment not recovered, $",
    "principal_at_default": "principal outstanding at default, $",
}


def _flows(res: eng.Result) -> tuple[np.ndarray, list[dt.date], np.ndarray, np.ndarray, np.ndarray]:
    """Laurus's flows, cents: per path × (closing date, payment dates), and per path the
    recovery and its day count from closing (a default's one flow on its demand date), and the
    shares' market value. The revolver's draws (−) and repayments (+) on their dates, its interest
    and balloon (+) on its payment dates; the holder's optional-conversion shares at market."""
    plan = res.plan
    dates = [plan.issue, *plan.grid]
    f = np.zeros((res.n, len(dates)), dtype=np.int64)
    f[:, 0] = -plan.funded
    value_total = np.zeros(res.n, dtype=np.int64)
    half = mk.PRICE_SCALE // 100
    for p in plan.notes.values():
        r = res.notes[p.name]
        sh = r.all_shares
        eng._guard(int(sh.max(initial=0)) * int(res.close.max(initial=0)) * 2, "shares × close")
        value = (2 * r.shares * res.close[:, p.cols] + half) // (2 * half)
        if r.opt_shares is not None:
            value += (2 * r.opt_shares * res.close[:, p.cols] + half) // (2 * half)
        value_total += value.sum(axis=1)
        f[:, 1 + p.cols] += r.interest + r.principal_cash + r.premium + value
    rv = plan.revolver
    if rv is not None:
        f += rv.moves[None, :] * res.moves_paid
        f[:, 1 + rv.cols] += (rv.interest + rv.principal)[None, :] * res.revolver_paid
    days = np.array([(d - plan.issue).days for d in plan.demand], dtype=np.int64)
    has = res.default_k >= 0
    extra_days = np.where(has, days[np.where(has, res.default_k, 0)], 0)
    return f, dates, res.recovery, extra_days, value_total


def _cash_paid(res: eng.Result) -> np.ndarray:
    """Cash ATG paid Laurus, cents: interest, cash principal and premiums on the term notes, and
    the revolver's interest, repayments and balloon (paid before any default)."""
    cash = sum((r.interest + r.principal_cash + r.premium).sum(axis=1) for r in res.notes.values())
    rv = res.plan.revolver
    if rv is not None:
        cash = cash + ((rv.interest + rv.principal)[None, :] * res.revolver_paid).sum(axis=1)
        cash = cash + (np.maximum(rv.moves, 0)[None, :] * res.moves_paid).sum(axis=1)
    return cash


def principal_lent(res: eng.Result) -> np.ndarray:
    """Principal Laurus lent on each path, cents: the term notes' faces and the revolver's draws
    made (before any default)."""
    lent = np.full(res.n, res.plan.funded, dtype=np.int64)
    rv = res.plan.revolver
    if rv is not None:
        lent = lent + (np.maximum(-rv.moves, 0)[None, :] * res.moves_paid).sum(axis=1)
    return lent


def principal_cash(res: eng.Result) -> np.ndarray:
    """Principal repaid in cash on each path, cents: the term notes' cash principal, the
    revolver's repayments and its balloon (before any default)."""
    out = sum(r.principal_cash.sum(axis=1) for r in res.notes.values())
    rv = res.plan.revolver
    if rv is not None:
        out = out + (rv.principal[None, :] * res.revolver_paid).sum(axis=1)
        out = out + (np.maximum(rv.moves, 0)[None, :] * res.moves_paid).sum(axis=1)
    return out


def xirr_paths(flows: np.ndarray, dates: Sequence[dt.date], iterations: int = 60, extra: np.ndarray | None = None,
               extra_days: np.ndarray | None = None) -> np.ndarray:
    r"""The annual IRR of each row of ``flows`` on ``dates`` (actual/365, as pyxirr), plus, per row,
    one ``extra`` flow ``extra_days`` after ``dates[0]``, by Newton's method on
    :math:`\sum_t F_t (1+r)^{-\tau_t} = 0`, :math:`\tau_t = (d_t - d_0)/365`, guarded by bisection
    on :math:`[-1 + 10^{-9}, 10^6 - 1]`; NaN where no rate exists (flows of one sign) or none is found."""
    tau = np.array([(d - dates[0]).days / 365.0 for d in dates])
    x = flows.astype(np.float64) / 100.0
    n = x.shape[0]
    e = np.zeros(n) if extra is None else extra.astype(np.float64) / 100.0
    et = np.zeros(n) if extra_days is None else extra_days / 365.0
    ok = ((x > 0).any(axis=1) | (e > 0)) & ((x < 0).any(axis=1) | (e < 0))
    lo = np.full(n, np.log(1e-9))     # in g = log(1 + r): r from −0.999999999
    hi = np.full(n, np.log(1e6))   # r up to 999,999 (a few days of stock gains annualize high)

    def npv(g, rows=slice(None)):
        return (x[rows] * np.exp(-np.outer(g, tau))).sum(axis=1) + e[rows] * np.exp(-g * et[rows])

    f_lo, f_hi = npv(lo), npv(hi)
    ok &= np.sign(f_lo) != np.sign(f_hi)
    g = np.full(n, np.log(1.1))
    active = np.nonzero(ok)[0]
    for _ in range(iterations):      # Newton on the rows not yet converged, bisection as a guard
        if not active.size:
            break
        ga = g[active]
        disc = x[active] * np.exp(-np.outer(ga, tau))
        de = e[active] * np.exp(-ga * et[active])
        v = disc.sum(axis=1) + de
        dv = -(disc @ tau) - de * et[active]
        left = np.sign(v) == np.sign(f_lo[active])
        lo[active] = np.where(left, ga, lo[active])
        f_lo[active] = np.where(left, v, f_lo[active])
        hi[active] = np.where(left, hi[active], ga)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = ga - v / dv
        bad = ~np.isfinite(step) | (step <= lo[active]) | (step >= hi[active])
        new = np.where(bad, 0.5 * (lo[active] + hi[active]), step)
        g[active] = new
        active = active[np.abs(new - ga) >= 1e-12]
    out = np.expm1(g)
    out[~ok] = np.nan
    return out


def metrics(res: eng.Result, only: Sequence[str] | None = None) -> dict[str, np.ndarray]:
    """The per-path metrics of the module docstring (dollars as float for display; counts int);
    ``only`` computes just those (the IRR is the dear one)."""
    names = list(METRICS) if only is None else list(only)
    unknown = [n for n in names if n not in METRICS]
    if unknown:
        raise ParameterError(f"parameter metric: unknown metric, choose one of {', '.join(METRICS)} (got {unknown[0]!r})")
    plan = res.plan
    f, dates, rec, rec_days, value = _flows(res)
    cash = _cash_paid(res)
    shares = sum(r.all_shares.sum(axis=1) for r in res.notes.values())
    has = res.default_k >= 0
    make = {
        "lender_xirr": lambda: xirr_paths(f, dates, extra=rec, extra_days=rec_days),
        "atg_cost": lambda: (f.sum(axis=1) + rec) / 100.0,
        "shares": lambda: shares,
        "dilution": lambda: shares / (plan.outstanding + shares),
        "cash_paid": lambda: cash / 100.0,
        "stock_paid": lambda: sum(r.principal_stock.sum(axis=1) + (0 if r.opt_principal is None else r.opt_principal.sum(axis=1))
                                  for r in res.notes.values()) / 100.0,
        "stock_value": lambda: value / 100.0,
        "defaulted": lambda: has.astype(np.int64),
        "loss_given_default": lambda: np.where(has, res.default_payment - res.recovery, 0) / 100.0,
        "principal_at_default": lambda: res.default_principal / 100.0,
    }
    return {n: make[n]() for n in names}


def summary(m: Mapping[str, np.ndarray], percentiles: Sequence[float] = (5, 25, 50, 75, 95)):
    """Mean and percentiles of each metric (NaN-aware: an IRR that does not exist is left out)."""
    import pandas as pd

    rows = []
    for name, v in m.items():
        v = np.asarray(v, dtype=np.float64)
        finite = v[np.isfinite(v)]
        row = {"metric": name, "meaning": METRICS[name], "paths": int(finite.size), "mean": finite.mean() if finite.size else np.nan}
        for q, val in zip(percentiles, np.percentile(finite, percentiles) if finite.size else [np.nan] * len(percentiles)):
            row[f"p{q:g}"] = val
        rows.append(row)
    return pd.DataFrame(rows)


#: How each metric reads: a rate or a probability as %, shares with thousands, the rest in $.
METRIC_KINDS = {"lender_xirr": "pct", "dilution": "pct", "defaulted": "pct", "shares": "shares"}


def _metric_text(name: str, value: float) -> str:
    """One summary figure as a reader reads it (display only: money to the dollar, shares whole,
    percents to two places)."""
    from decimal import Decimal

    from . import fmt

    if not np.isfinite(value):
        return fmt.DASH
    kind = METRIC_KINDS.get(name, "money")
    if kind == "pct":
        return fmt.pct(float(value), 2)
    if kind == "shares":
        return fmt.shares(Decimal(f"{value:.0f}"))
    return fmt.money(Decimal(f"{value:.2f}"), cents=False)


def summary_table(m: Mapping[str, np.ndarray], percentiles: Sequence[float] = (5, 25, 50, 75, 95)):
    """:func:`summary` as a finished table: metrics in plain words, each row in its own unit
    (:data:`METRIC_KINDS`), for the page; :func:`summary` keeps the numbers."""
    from . import fmt

    raw = summary(m, percentiles)
    shown = raw.copy().astype(object)
    for i, name in enumerate(raw["metric"]):
        shown.at[i, "metric"] = fmt.header(name)
        for col in ["mean", *(f"p{q:g}" for q in percentiles)]:
            shown.at[i, col] = _metric_text(name, float(raw.at[i, col]))
    return shown


def test_pass_rates(res: eng.Result, note: str = "term_a"):
    """Per payment date with principal due: the share of paths on which the stock test passed
    (price test, ignoring default) and on which the amount was paid in stock in full."""
    import pandas as pd

    p = res.plan.notes[note]
    r = res.notes[note]
    due = p.due > 0
    rows = []
    for j in np.nonzero(due)[0]:
        code = r.limited_by[:, j]
        rows.append({"date": p.schedule.rows[j]["date"], "due": p.due[j] / 100.0,
                     "price test passes": float((code != 1).mean()),
                     "paid fully in stock": float((code == 0).mean()),
                     "defaulted before": float((~r.paid[:, j]).mean())})
    return pd.DataFrame(rows)


# ============================================================================ scenarios ===
@dataclasses.dataclass(frozen=True, eq=False)
class Scenario:
    """One risk run: the paths, the plan, the engine's result and the metrics."""

    paths: mk.PricePaths
    plan: eng.Plan
    windows: eng.Windows
    result: eng.Result
    metrics: dict

    def provenance(self) -> str:
        """Where the paths and the risk model's assumptions come from (one paragraph)."""
        extra = "; ".join(a.line() for a in self.plan.terms.assumptions().values())
        return self.paths.provenance() + " Risk model: " + extra + "."

    def provenance_markdown(self) -> str:
        """:meth:`provenance` with HTML escaped (a file name is user input)."""
        import html

        return html.escape(self.provenance())

    def subtitle(self) -> str:
        """:meth:`short_provenance` as a figure's escaped subtitle (``<br><sup>…</sup>``)."""
        import html

        return f"<br><sup>{html.escape(self.short_provenance())}</sup>"

    def short_provenance(self) -> str:
        """One line for a figure's subtitle: the model and its main parameters."""
        p = self.paths
        bits = [f"{p.model}", f"{p.n:,} paths"] + ([f"seed {p.seed}"] if p.seed is not None else [])
        for k in ("start_price", "volatility", "drift", "volume_level", "block", "file"):
            if k in p.assumptions:
                bits.append(f"{k} {p.assumptions[k].value}")
        t = self.plan.terms
        bits.append(f"default rule {t.default_rule}")
        bits.append(f"revolver {t.revolver}")
        h = t.holder
        bits.append("holder converts at " + f"{h.trigger}× FCP" if h.rule == "convert" else "no optional conversion")
        if h.sell_fraction is not None or h.reading != "literal":
            bits.append(f"cap {h.reading}, holder sells {h.sell_fraction if h.sell_fraction is not None else 'all'}")
        return ", ".join(bits) + " (assumptions)"


def scenario(deal, a: notes.NoteAssumptions, *, n_paths: int = 10_000, seed: int = 7, model: str = "gbm",
             assumptions: Mapping[str, mk.Assumption] | None = None, price_csv: str | None = None,
             terms: eng.RiskTerms | None = None, term_b_maturity: dt.date | None = None, prime=None,
             paths: mk.PricePaths | None = None) -> Scenario:
    """Plan, paths (simulated, or the CSV's one path when ``model == "csv"``), engine, metrics."""
    plan = eng.build_plan(deal, a, terms, term_b_maturity=term_b_maturity, prime=prime)
    first, last = mk.path_window(plan.grid)
    if paths is None:
        if model == "csv":
            if not price_csv:
                raise ParameterError("parameter price_csv: the csv model needs a price file")
            paths = mk.covering(mk.load_price_csv(price_csv), first, last, Path(price_csv).name)
        else:
            source = mk.load_price_csv(price_csv) if price_csv else None
            paths = mk.simulate(model, n_paths, seed, first, last, assumptions=assumptions, source=source)
    w = eng.windows(paths, plan.grid)
    res = eng.run(plan, w)
    return Scenario(paths, plan, w, res, metrics(res))


def rerun(s: Scenario, deal, a: notes.NoteAssumptions, terms: eng.RiskTerms | None = None,
          term_b_maturity: dt.date | None = None, prime=None, only: Sequence[str] | None = None) -> Scenario:
    """The same paths under other terms (common random numbers); ``only``: these metrics."""
    plan = eng.build_plan(deal, a, terms or s.plan.terms, term_b_maturity=term_b_maturity, prime=prime)
    w = s.windows if plan.grid == s.windows.grid else eng.windows(s.paths, plan.grid)
    res = eng.run(plan, w)
    return Scenario(s.paths, plan, w, res, metrics(res, only))


#: The assumed terms the tornado varies over the range the deal file records for each.
TORNADO_TERMS = {"margin": "prime_margin", "floor": "rate_floor", "amortization_volume_cap": "amortization_volume_cap",
                 "cash_premium": "cash_payment_premium", "fixed_conversion_price": "fixed_conversion_price",
                 "first_amortization": "term_a_first_amortization", "default_interest_monthly": "default_interest_monthly"}


#: The risk model's switches the tornado also moves, over the ends of their documented range
#: (risk_engine: the revolver's balloon refinanced from the borrowing base, or cash due).
TORNADO_POLICIES = {"revolver": ("refinanced", "cash")}


def _stat(v: np.ndarray, stat: str) -> float:
    v = np.asarray(v, dtype=np.float64)
    v = v[np.isfinite(v)]
    if not v.size:
        return float("nan")
    return float(v.mean() if stat == "mean" else np.median(v))


def tornado(s: Scenario, deal, metric: str, stat: str = "mean", prime=None, term_b_maturity=None):
    """For each assumed term in :data:`TORNADO_TERMS`: the metric's ``stat`` at the low and the
    high end of the term's recorded range (deal file ``range``), the others as in ``s``, on the
    same paths; and each switch of :data:`TORNADO_POLICIES` at its two ends (the revolver's
    balloon, unless the scenario excludes the revolver). Sorted by swing, largest first."""
    import pandas as pd

    if metric not in METRICS:
        raise ParameterError(f"parameter metric: unknown metric, choose one of {', '.join(METRICS)} (got {metric!r})")
    base = _stat(s.metrics[metric], stat)
    rows = []
    for field, key in TORNADO_TERMS.items():
        rng = getattr(deal.note_terms, key).range
        if not rng:
            continue
        vals = []
        for v in rng:
            a = dataclasses.replace(s.plan.a, **{field: v})
            vals.append(_stat(rerun(s, deal, a, prime=prime, term_b_maturity=term_b_maturity, only=(metric,)).metrics[metric],
                              stat))
        rows.append({"term": field, "low": str(rng[0]), "high": str(rng[1]), "at low": vals[0], "at high": vals[1],
                     "base": base, "swing": abs(vals[1] - vals[0])})
    for field, (lo, hi) in TORNADO_POLICIES.items():   # the risk model's own switches, over their documented ends
        if s.plan.terms.revolver == "excluded" and field == "revolver":
            continue
        vals = [_stat(rerun(s, deal, s.plan.a, dataclasses.replace(s.plan.terms, **{field: v}), prime=prime,
                            term_b_maturity=term_b_maturity, only=(metric,)).metrics[metric], stat) for v in (lo, hi)]
        rows.append({"term": field, "low": lo, "high": hi, "at low": vals[0], "at high": vals[1], "base": base,
                     "swing": abs(vals[1] - vals[0])})
    return pd.DataFrame(rows).sort_values("swing", ascending=False, ignore_index=True)


def two_way(deal, a: notes.NoteAssumptions, fcps: Sequence[Decimal], volatilities: Sequence[float], metric: str, *,
            n_paths: int = 2000, seed: int = 7, stat: str = "mean", assumptions: Mapping[str, mk.Assumption] | None = None,
            prime=None, term_b_maturity=None, terms: eng.RiskTerms | None = None):
    """The metric's ``stat`` for each Fixed Conversion Price (rows) × GBM volatility (columns),
    same seed throughout."""
    import pandas as pd

    if metric not in METRICS:
        raise ParameterError(f"parameter metric: unknown metric, choose one of {', '.join(METRICS)} (got {metric!r})")
    base = dict(assumptions or mk.gbm_assumptions())
    plans = [eng.build_plan(deal, dataclasses.replace(a, fixed_conversion_price=Decimal(f)), terms, prime=prime,
                            term_b_maturity=term_b_maturity) for f in fcps]
    first, last = mk.path_window(plans[0].grid)
    out = {}
    for vol in volatilities:
        asm = {**base, "volatility": mk.Assumption("volatility", float(vol), "two-way table column")}
        w = eng.windows(mk.simulate("gbm", n_paths, seed, first, last, assumptions=asm), plans[0].grid)
        out[f"{float(vol):.0%}"] = [_stat(metrics(eng.run(p, w), (metric,))[metric], stat) for p in plans]
    return pd.DataFrame(out, index=pd.Index([f"${Decimal(f)}" for f in fcps], name="FCP \\ volatility"))


def run_chunked(deal, a: notes.NoteAssumptions, n_paths: int, *, seed: int = 7, model: str = "gbm",
                chunk: int = mk.CHUNK, assumptions=None, terms=None, prime=None, keep: Sequence[str] = ("lender_xirr",)):
    """Many paths in chunks of ``chunk`` (the paths of each chunk are simulated, run and dropped):
    memory stays that of one chunk. Returns the ``keep`` metrics for every path, plus the default
    count. Path *i* is the same as in a single run with the same seed."""
    if chunk % mk.CHUNK:
        raise ParameterError(f"parameter chunk: must be a multiple of {mk.CHUNK} (got {chunk})")
    plan = eng.build_plan(deal, a, terms, prime=prime)
    first, last = mk.path_window(plan.grid)
    out = {k: [] for k in keep}
    defaults = 0
    asm = dict(assumptions or mk.gbm_assumptions())
    for start in range(0, n_paths, chunk):
        n = min(chunk, n_paths - start)
        paths = _simulate_from(model, n, seed, start, first, last, asm)
        res = eng.run(plan, eng.windows(paths, plan.grid))
        defaults += int((res.default_k >= 0).sum())
        m = metrics(res)
        for k in keep:
            out[k].append(m[k])
        del paths, res, m
    return {k: np.concatenate(v) for k, v in out.items()}, defaults


def _simulate_from(model, n, seed, start, first, last, asm) -> mk.PricePaths:
    """Paths start … start + n of a simulation (``start`` a multiple of CHUNK)."""
    days = mk.trading_days(first, last)
    closes = np.empty((n, len(days)), dtype=np.int64)
    volumes = np.empty((n, len(days)), dtype=np.int64)
    for i, s in enumerate(range(0, n, mk.CHUNK)):
        m = min(mk.CHUNK, n - s)
        rng = np.random.default_rng([seed, (start + s) // mk.CHUNK])
        if model != "gbm":
            raise ParameterError(f"parameter model: the chunked run simulates gbm only (got {model!r})")
        closes[s:s + m], volumes[s:s + m] = mk._gbm_chunk(rng, m, len(days), asm)
    return mk.PricePaths(days, closes, volumes, model, asm, seed)


def policy_table(res: eng.Result):
    """What the holder's policy and the revolver do, per note, across paths (means, dollars):
    principal paid in stock on schedule and by the holder's optional conversions, shares of each,
    the share of paths with an optional conversion; for the revolver, interest and principal paid
    (balloon and repayments) and the share of paths that reach its maturity."""
    import pandas as pd

    rows = []
    for name, r in res.notes.items():
        opt = r.opt_principal if r.opt_principal is not None else np.zeros_like(r.principal_stock)
        osh = r.opt_shares if r.opt_shares is not None else np.zeros_like(r.shares)
        rows.append({"note": name, "interest": r.interest.sum(axis=1).mean() / 100,
                     "principal in stock (schedule)": r.principal_stock.sum(axis=1).mean() / 100,
                     "principal in stock (holder's option)": opt.sum(axis=1).mean() / 100,
                     "shares (schedule)": r.shares.sum(axis=1).mean(), "shares (holder's option)": osh.sum(axis=1).mean(),
                     "paths with an optional conversion": float((osh.sum(axis=1) > 0).mean()),
                     "cash principal": r.principal_cash.sum(axis=1).mean() / 100, "paths paid to maturity": float(r.paid[:, -1].mean())})
    rv = res.plan.revolver
    if rv is not None:
        rows.append({"note": f"revolver ({res.plan.terms.revolver})",
                     "interest": (rv.interest[None, :] * res.revolver_paid).sum(axis=1).mean() / 100,
                     "cash principal": (rv.principal[None, :] * res.revolver_paid).sum(axis=1).mean() / 100,
                     "paths paid to maturity": float(res.revolver_paid[:, -1].mean())})
    return pd.DataFrame(rows).round(2)


def cumulative_shares(res: eng.Result) -> np.ndarray:
    """Shares issued to date (scheduled and optional conversions), per path × grid date."""
    total = np.zeros((res.n, len(res.plan.grid)), dtype=np.int64)
    for p in res.plan.notes.values():
        total[:, p.cols] += res.notes[p.name].all_shares
    return np.cumsum(total, axis=1)


# ============================================================================ parameters ==
#: The items of the notebook's ``policy`` parameter and what each takes.
POLICY_ITEMS = {
    "capacity": "cash ATG can pay on a payment date in dollars, or none (no default)",
    "recovery": "share of the Default Payment recovered, e.g. 0.50",
    "holder": "none, or convert TRIGGER: convert when the close is ≥ TRIGGER × the Fixed Conversion Price",
    "volume": "the optional conversions' volume limit as a share of 22-day dollar volume (default: the deal's cap)",
    "reading": "the 4.99% cap's reading: literal or post_issuance",
    "sell": "all (holdings not tracked) or the share of each day's volume the holder sells (holdings build up)",
    "revolver": "refinanced, cash or excluded (the revolver's balloon and whether it is in the figures)",
}


def parse_policy(text: str, cash_capacity: str = "250000.00", recovery_rate: str = "0.50",
                 default_rule: str = "cash_capacity") -> eng.RiskTerms:
    """The ``policy`` parameter — comma-separated ``ITEM VALUE`` pairs of :data:`POLICY_ITEMS`,
    e.g. ``"capacity 250000.00, holder convert 1.25, sell 0.10, reading literal, revolver refinanced"``;
    items left out take their defaults — as :class:`~dealkit.risk_engine.RiskTerms`. Every bad item
    is one :class:`ParameterError` naming it."""
    given: dict[str, list[str]] = {}
    for part in str(text).split(","):
        words = part.split()
        if not words:
            continue
        key, vals = words[0].lower(), words[1:]
        if key not in POLICY_ITEMS:
            raise ParameterError(f"parameter policy: unknown item {key[:30]!r}, choose from {', '.join(POLICY_ITEMS)}")
        if key in given:
            raise ParameterError(f"parameter policy: item {key!r} given twice")
        if not vals or len(vals) > (2 if key == "holder" else 1):
            raise ParameterError(f"parameter policy: item {key!r} expects {POLICY_ITEMS[key]} (got {part.strip()[:40]!r})")
        given[key] = vals
    cap = given.get("capacity", [cash_capacity])[0]
    rule = default_rule
    if rule not in eng.DEFAULT_RULES:
        eng.risk_terms(rule)   # one clear line naming default_rule
    if cap.lower() == "none":
        rule, cap = "none", "0.00"
    holder = given.get("holder", ["none"])
    if holder[0] not in eng.HOLDER_RULES or (holder[0] == "none") != (len(holder) == 1):
        raise ParameterError(f"parameter policy: item 'holder' expects {POLICY_ITEMS['holder']} "
                             f"(got {' '.join(holder)[:40]!r})")
    sell = given.get("sell", ["all"])[0]
    try:
        hp = eng.holder_policy(holder[0], holder[1] if len(holder) > 1 else None, given.get("volume", [None])[0],
                               given.get("reading", ["literal"])[0], None if sell == "all" else sell)
        return eng.risk_terms(rule, cap, 1, given.get("recovery", [recovery_rate])[0],
                              given.get("revolver", ["refinanced"])[0], hp)
    except ParameterError as exc:
        raise ParameterError(f"parameter policy: {str(exc).removeprefix('parameter ')}") from None


# ============================================================================ parameters ==
def from_parameters(deal, *, n_paths="10000", seed="7", model="gbm", volatility="1.00", drift="0", price_csv="",
                    start_price="0.06", volume_level="5000000", conversion_price="deal", term_b_maturity="deal",
                    default_rule="cash_capacity", cash_capacity="250000.00", recovery_rate="0.50",
                    metric="atg_cost", prime=None, policy="") -> tuple[Scenario, dt.date | None]:
    """The 05_risk notebook's parameters (strings) → the scenario and the Term B maturity used;
    ``cash_capacity="none"`` selects the default rule ``none``; ``policy`` (:func:`parse_policy`)
    sets the capacity, the recovery, the holder's policy and the revolver (its items override
    ``cash_capacity`` and ``recovery_rate``).
    Every bad value is one :class:`~dealkit.errors.ParameterError` naming the parameter."""
    from .params import as_date, as_int, as_price

    if metric not in METRICS:
        raise ParameterError(f"parameter metric: unknown metric, choose one of {', '.join(METRICS)} (got {str(metric)[:40]!r})")
    models = (*mk.MODELS, "csv")
    if model not in models:
        raise ParameterError(f"parameter model: unknown model, choose one of {', '.join(models)} (got {str(model)[:40]!r})")
    overrides = {}
    if str(conversion_price).strip() != "deal":
        overrides["fixed_conversion_price"] = as_price(conversion_price, "conversion_price")
        if overrides["fixed_conversion_price"] <= 0:
            raise ParameterError(f"parameter conversion_price: must be positive (got {conversion_price!r})")
    a = notes.assumptions_from_deal(deal, **overrides)
    tb = None if str(term_b_maturity).strip() == "deal" else as_date(term_b_maturity, "term_b_maturity")
    given = {k for k, v, d in (("start_price", start_price, "0.06"), ("volatility", volatility, "1.00"),
                                ("drift", drift, "0"), ("volume_level", volume_level, "5000000")) if str(v) != d}
    asm = mk.gbm_assumptions(start_price, volatility, drift, volume_level, given=frozenset(given))
    if str(cash_capacity).strip().lower() == "none":   # the notebook's one parameter for both
        default_rule, cash_capacity = "none", "0.00"
    terms = parse_policy(policy, cash_capacity, recovery_rate, default_rule)
    s = scenario(deal, a, n_paths=as_int(n_paths, "n_paths", minimum=1), seed=as_int(seed, "seed", minimum=0), model=model,
                 assumptions=asm, price_csv=price_csv or None, terms=terms, term_b_maturity=tb, prime=prime)
    return s, tb


def daily_closes(s: Scenario, every: int = 1) -> tuple[list[dt.date], np.ndarray]:
    """The paths' closes in dollars (float, for the fan chart), every ``every``-th trading day."""
    return list(s.paths.dates[::every]), s.paths.closes[:, ::every] / mk.PRICE_SCALE


def metric_percentiles(s: Scenario, qs: tuple[int, ...] = (5, 50, 95)) -> dict[str, dict[str, float | None]]:
    """The 5th, 50th and 95th percentiles of each metric over the paths where it exists (an IRR
    does not exist on every path): ``{metric: {"p5": ..., "p50": ..., "p95": ...}}``."""
    out: dict[str, dict[str, float | None]] = {}
    for k, v in s.metrics.items():
        v = np.asarray(v, dtype=np.float64)
        v = v[np.isfinite(v)]
        out[k] = {f"p{q}": (float(np.percentile(v, q)) if v.size else None) for q in qs}
    return out


def write_metrics(s: Scenario, out_dir, name: str = "05_risk"):
    """``NAME.metrics.json`` in ``out_dir``: the mean of each metric (IRR: the median of those that
    exist; ``defaulted``: the default probability), their percentiles (:func:`metric_percentiles`),
    the path count and the paths' provenance, for ``dealkit sweep``'s comparison and the executive
    summary's ranges. Written atomically."""
    import json
    from pathlib import Path

    from .export import write_atomic

    out = {}
    for k, v in s.metrics.items():
        v = np.asarray(v, dtype=np.float64)
        v = v[np.isfinite(v)]
        out[k if k != "lender_xirr" else "lender_xirr_median"] = (
            None if not v.size else float(np.median(v) if k == "lender_xirr" else v.mean()))
    out["percentiles"] = metric_percentiles(s)
    out["n_paths"] = int(np.asarray(s.metrics["lender_xirr"]).size)
    out["provenance"] = s.short_provenance()
    path = Path(out_dir) / f"{name}.metrics.json"
    write_atomic(path, json.dumps(out, indent=1))
    return path
