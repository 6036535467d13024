"""The risk notebook's tables (pandas frames): the metrics' distribution (:func:`summary`,
:func:`summary_table`), the stock-test pass rates, what the holder's policy and the revolver do,
the tornado over every assumed term's range and the Fixed Conversion Price × volatility table."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

from dealkit.engines.risk.default import Result, run
from dealkit.engines.risk.metrics import METRICS, metrics
from dealkit.engines.risk.plan import build_plan
from dealkit.engines.risk.scenarios import Scenario, rerun
from dealkit.engines.risk.terms import RiskTerms
from dealkit.engines.risk.windows import windows
from dealkit.errors import ParameterError
from dealkit.market.assumptions import gbm_assumptions
from dealkit.market.paths import PRICE_SCALE, Assumption, PricePaths, path_window
from dealkit.market.simulate import simulate, simulate_variants
from dealkit.present import fmt
from dealkit.rules import notes

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PERCENTILES",
    "METRIC_KINDS",
    "TORNADO_TERMS",
    "TORNADO_POLICIES",
    "summary",
    "summary_table",
    "test_pass_rates",
    "policy_table",
    "tornado",
    "two_way",
    "daily_closes",
    "metric_percentiles",
    "stat_of",
]

#: The percentiles a distribution table shows.
PERCENTILES = (5, 25, 50, 75, 95)
#: How each metric reads: a rate or a probability as %, shares with thousands, the rest in $.
METRIC_KINDS = {"lender_xirr": "pct", "dilution": "pct", "defaulted": "pct", "shares": "shares"}
#: The assumed terms the tornado varies over the range the deal file records for each.
TORNADO_TERMS = {
    "margin": "prime_margin",
    "floor": "rate_floor",
    "amortization_volume_cap": "amortization_volume_cap",
    "cash_premium": "cash_payment_premium",
    "fixed_conversion_price": "fixed_conversion_price",
    "first_amortization": "term_a_first_amortization",
    "default_interest_monthly": "default_interest_monthly",
}
#: The risk model's switches the tornado also moves, over the ends of their documented range
#: (risk_engine: the revolver's balloon refinanced from the borrowing base, or cash due).
TORNADO_POLICIES = {"revolver": ("refinanced", "cash")}


def _finite(values: object) -> np.ndarray:
    """The finite values (an IRR that does not exist is NaN), as float64."""
    array = np.asarray(values, dtype=np.float64)
    return array[np.isfinite(array)]


def summary(m: Mapping[str, np.ndarray], percentiles: Sequence[float] = PERCENTILES) -> pd.DataFrame:
    """Mean and percentiles of each metric (NaN-aware: an IRR that does not exist is left out).

    Examples
    --------
    >>> summary({"shares": np.array([1, 2, 3])}, (50,))[["metric", "paths", "mean", "p50"]].to_dict("records")
    [{'metric': 'shares', 'paths': 3, 'mean': 2.0, 'p50': 2.0}]
    """
    import pandas as pd

    rows = []
    for name, values in m.items():
        finite = _finite(values)
        row = {
            "metric": name,
            "meaning": METRICS[name],
            "paths": int(finite.size),
            "mean": finite.mean() if finite.size else np.nan,
        }
        shown = np.percentile(finite, percentiles) if finite.size else [np.nan] * len(percentiles)
        for q, value in zip(percentiles, shown, strict=True):
            row[f"p{q:g}"] = value
        rows.append(row)
    return pd.DataFrame(rows)


def _metric_text(name: str, value: float) -> str:
    """One summary figure as a reader reads it (display only: money to the dollar, shares whole,
    percents to two places)."""
    if not np.isfinite(value):
        return fmt.DASH
    kind = METRIC_KINDS.get(name, "money")
    if kind == "pct":
        return fmt.pct(float(value), 2)
    if kind == "shares":
        return fmt.shares(Decimal(f"{value:.0f}"))
    return fmt.money(Decimal(f"{value:.2f}"), cents=False)


def summary_table(m: Mapping[str, np.ndarray], percentiles: Sequence[float] = PERCENTILES) -> pd.DataFrame:
    """:func:`summary` as a finished table: metrics in plain words, each row in its own unit
    (:data:`METRIC_KINDS`), for the page; :func:`summary` keeps the numbers."""
    raw = summary(m, percentiles)
    shown = raw.copy().astype(object)
    for i, name in enumerate(raw["metric"]):
        shown.at[i, "metric"] = fmt.header(name)
        for col in ["mean", *(f"p{q:g}" for q in percentiles)]:
            shown.at[i, col] = _metric_text(name, float(raw[col].iloc[i]))
    return shown


def test_pass_rates(res: Result, note: str = "term_a") -> pd.DataFrame:
    """Per payment date with principal due: the share of paths on which the stock test passed
    (price test, ignoring default) and on which the amount was paid in stock in full."""
    import pandas as pd

    p = res.plan.notes[note]
    r = res.notes[note]
    rows = []
    for j in np.nonzero(p.due > 0)[0]:
        code = r.limited_by[:, j]
        rows.append(
            {
                "date": p.schedule.rows[j]["date"],
                "due": p.due[j] / 100.0,
                "price test passes": float((code != 1).mean()),
                "paid fully in stock": float((code == 0).mean()),
                "defaulted before": float((~r.paid[:, j]).mean()),
            }
        )
    return pd.DataFrame(rows)


test_pass_rates.__test__ = False  # type: ignore[attr-defined]  # a table, not a pytest test (--doctest-modules)


def _note_policy_row(name: str, r: Any) -> dict[str, object]:
    """One term note's means across paths for :func:`policy_table`."""
    optional = r.opt_principal if r.opt_principal is not None else np.zeros_like(r.principal_stock)
    optional_shares = r.opt_shares if r.opt_shares is not None else np.zeros_like(r.shares)
    return {
        "note": name,
        "interest": r.interest.sum(axis=1).mean() / 100,
        "principal in stock (schedule)": r.principal_stock.sum(axis=1).mean() / 100,
        "principal in stock (holder's option)": optional.sum(axis=1).mean() / 100,
        "shares (schedule)": r.shares.sum(axis=1).mean(),
        "shares (holder's option)": optional_shares.sum(axis=1).mean(),
        "paths with an optional conversion": float((optional_shares.sum(axis=1) > 0).mean()),
        "cash principal": r.principal_cash.sum(axis=1).mean() / 100,
        "paths paid to maturity": float(r.paid[:, -1].mean()),
    }


def policy_table(res: Result) -> pd.DataFrame:
    """What the holder's policy and the revolver do, per note, across paths (means, dollars):
    principal paid in stock on schedule and by the holder's optional conversions, shares of each,
    the share of paths with an optional conversion; for the revolver, interest and principal paid
    (balloon and repayments) and the share of paths that reach its maturity."""
    import pandas as pd

    rows = [_note_policy_row(name, r) for name, r in res.notes.items()]
    rv = res.plan.revolver
    if rv is not None and res.revolver_paid is not None:
        rows.append(
            {
                "note": f"revolver ({res.plan.terms.revolver})",
                "interest": (rv.interest[None, :] * res.revolver_paid).sum(axis=1).mean() / 100,
                "cash principal": (rv.principal[None, :] * res.revolver_paid).sum(axis=1).mean() / 100,
                "paths paid to maturity": float(res.revolver_paid[:, -1].mean()),
            }
        )
    return pd.DataFrame(rows).round(2)


def stat_of(values: np.ndarray, stat: str) -> float:
    """The ``mean`` (else the median) of the finite values; NaN when there are none."""
    finite = _finite(values)
    if not finite.size:
        return float("nan")
    return float(finite.mean() if stat == "mean" else np.median(finite))


def _check_metric(metric: str) -> None:
    if metric not in METRICS:
        raise ParameterError(f"parameter metric: unknown metric, choose one of {', '.join(METRICS)} (got {metric!r})")


def tornado(
    s: Scenario, deal: Any, metric: str, stat: str = "mean", prime: Any = None, term_b_maturity: Any = None
) -> pd.DataFrame:
    """For each assumed term in :data:`TORNADO_TERMS`: the metric's ``stat`` at the low and the
    high end of the term's recorded range (deal file ``range``), the others as in ``s``, on the
    same paths; and each switch of :data:`TORNADO_POLICIES` at its two ends (the revolver's
    balloon, unless the scenario excludes the revolver). Sorted by swing, largest first."""
    import pandas as pd

    _check_metric(metric)
    base = stat_of(s.metrics[metric], stat)

    def at(a: notes.NoteAssumptions, terms: RiskTerms | None = None) -> float:
        again = rerun(s, deal, a, terms, prime=prime, term_b_maturity=term_b_maturity, only=(metric,))
        return stat_of(again.metrics[metric], stat)

    rows = []
    for name, key in TORNADO_TERMS.items():
        ends = getattr(deal.note_terms, key).range
        if not ends:
            continue
        values = [at(dataclasses.replace(s.plan.a, **{name: v})) for v in ends]
        rows.append(
            {
                "term": name,
                "low": str(ends[0]),
                "high": str(ends[1]),
                "at low": values[0],
                "at high": values[1],
                "base": base,
                "swing": abs(values[1] - values[0]),
            }
        )
    for name, (low, high) in TORNADO_POLICIES.items():  # the risk model's own switches, over their documented ends
        if s.plan.terms.revolver == "excluded" and name == "revolver":
            continue
        values = [at(s.plan.a, dataclasses.replace(s.plan.terms, **{name: v})) for v in (low, high)]  # type: ignore[arg-type]
        rows.append(
            {
                "term": name,
                "low": low,
                "high": high,
                "at low": values[0],
                "at high": values[1],
                "base": base,
                "swing": abs(values[1] - values[0]),
            }
        )
    return pd.DataFrame(rows).sort_values("swing", ascending=False, ignore_index=True)


def _column_paths(
    n_paths: int, seed: int, window: tuple[Any, Any], stated: Sequence[Mapping[str, Assumption]]
) -> Iterable[PricePaths]:
    """The two-way table's paths, column by column: the shocks drawn once for every column when
    all the columns fit in memory together (simulate_variants), else one column at a time."""
    try:
        return simulate_variants(n_paths, seed, *window, stated)
    except ParameterError:  # too many paths to hold every column at once (or a bad count: raised again)
        return (simulate("gbm", n_paths, seed, *window, assumptions=a) for a in stated)


def two_way(
    deal: Any,
    a: notes.NoteAssumptions,
    fcps: Sequence[Decimal],
    volatilities: Sequence[float],
    metric: str,
    *,
    n_paths: int = 2000,
    seed: int = 7,
    stat: str = "mean",
    assumptions: Mapping[str, Assumption] | None = None,
    prime: Any = None,
    term_b_maturity: Any = None,
    terms: RiskTerms | None = None,
) -> pd.DataFrame:
    """The metric's ``stat`` for each Fixed Conversion Price (rows) × GBM volatility (columns),
    same seed throughout."""
    import pandas as pd

    _check_metric(metric)
    base = dict(assumptions or gbm_assumptions())
    plans = [
        build_plan(
            deal,
            dataclasses.replace(a, fixed_conversion_price=Decimal(f)),
            terms,
            prime=prime,
            term_b_maturity=term_b_maturity,
        )
        for f in fcps
    ]
    first, last = path_window(plans[0].grid)
    stated = [
        {**base, "volatility": Assumption("volatility", float(vol), "two-way table column")} for vol in volatilities
    ]
    out = {}  # the same seed for every column: its shocks are drawn once (simulate_variants)
    for vol, paths in zip(volatilities, _column_paths(n_paths, seed, (first, last), stated), strict=True):
        w = windows(paths, plans[0].grid)
        out[f"{float(vol):.0%}"] = [stat_of(metrics(run(p, w), (metric,))[metric], stat) for p in plans]
    return pd.DataFrame(out, index=pd.Index([f"${Decimal(f)}" for f in fcps], name="FCP \\ volatility"))


def daily_closes(s: Scenario, every: int = 1) -> tuple[list, np.ndarray]:
    """The paths' closes in dollars (float, for the fan chart), every ``every``-th trading day."""
    return list(s.paths.dates[::every]), s.paths.closes[:, ::every] / PRICE_SCALE


def metric_percentiles(s: Scenario, qs: tuple[int, ...] = (5, 50, 95)) -> dict[str, dict[str, float | None]]:
    """The 5th, 50th and 95th percentiles of each metric over the paths where it exists (an IRR
    does not exist on every path): ``{metric: {"p5": ..., "p50": ..., "p95": ...}}``."""
    out: dict[str, dict[str, float | None]] = {}
    for k, values in s.metrics.items():
        finite = _finite(values)
        out[k] = {f"p{q}": (float(np.percentile(finite, q)) if finite.size else None) for q in qs}
    return out
