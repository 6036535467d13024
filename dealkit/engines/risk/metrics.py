"""What the financing costs ATG and yields Laurus on each path, from an engine
:class:`~dealkit.engines.risk.default.Result` (:func:`metrics`):

- ``lender_xirr``: the annual IRR (actual/365, as :func:`dealkit.notes.xirr`) of Laurus's flows:
  the two faces lent at closing (−), the revolver's draws (−) and repayments (+) on their dates,
  interest, cash principal, the revolver's balloon and premiums (+), conversion shares — scheduled
  and the holder's optional conversions — at the close on the day, half-up to the cent (+, as
  notes.lender_cash_flows), and the recovery on a default's demand date (+). ATG's all-in rate is
  the same figure (mirror flows).
- ``atg_cost``: what ATG gave up beyond the principal it keeps, in dollars: cash paid + shares at
  market + recovery − principal lent (the term notes' faces and the revolver's draws:
  :func:`principal_lent`).
- ``shares`` (common equivalent) and ``dilution`` = shares / (shares outstanding at closing + shares).
- ``cash_paid``, ``stock_paid`` (principal credited by shares), ``stock_value`` (at market).
- ``defaulted``, ``loss_given_default`` = Default Payment − recovery (0 without default),
  ``principal_at_default``.

Money metrics are exact integers of cents until :func:`metrics` turns them into dollars (float, for
display).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import numpy as np

from dealkit.engines.risk.default import Result
from dealkit.engines.risk.ints import guard, runs
from dealkit.engines.risk.plan import NotePlan
from dealkit.engines.risk.xirr import xirr_paths
from dealkit.errors import ParameterError
from dealkit.market.paths import PRICE_SCALE

__all__ = [
    "METRICS",
    "LenderFlows",
    "lender_flows",
    "cash_paid",
    "principal_lent",
    "principal_cash",
    "metrics",
    "cumulative_shares",
]

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

#: Laurus's flows: per path × (closing, *payment dates) in cents, the dates, per path the recovery
#: (cents) and its days from closing, and the shares' market value (cents).
LenderFlows = tuple[np.ndarray, list[dt.date], np.ndarray, np.ndarray, np.ndarray]


def _market_value(shares: np.ndarray, close: np.ndarray) -> np.ndarray:
    """Shares × close (micro-dollars) in cents, half-up: :math:`\\lfloor (2 n c + h) / 2h \\rfloor`, h = 10⁴."""
    half = PRICE_SCALE // 100
    value = shares * close  # then in place: one array, not four
    value *= 2
    value += half
    value //= 2 * half
    return value


def _note_receipts(res: Result, p: NotePlan) -> tuple[np.ndarray, np.ndarray]:
    """What Laurus receives on term note ``p``, cents, per path × row: interest, principal in cash,
    the cash premium and the shares issued (scheduled and optional) at the day's close; and per
    path the shares' market value alone."""
    r = res.notes[p.name]
    guard(int(r.all_shares.max(initial=0)) * int(res.close.max(initial=0)) * 2, "shares × close")
    close = np.take(res.close, p.cols, axis=1)  # row-major, as the shares
    value = _market_value(r.shares, close)
    if r.opt_shares is not None:
        value += _market_value(r.opt_shares, close)
    market = value.sum(axis=1)
    value += r.interest
    value += r.principal_cash
    value += r.premium
    return value, market


def lender_flows(res: Result) -> LenderFlows:
    """Laurus's flows, cents: per path × (closing date, payment dates), and per path the recovery
    and its day count from closing (a default's one flow on its demand date), and the shares'
    market value. The revolver's draws (−) and repayments (+) on their dates, its interest and
    balloon (+) on its payment dates; the holder's optional-conversion shares at market."""
    plan = res.plan
    dates = [plan.issue, *plan.grid]
    flows = np.zeros((res.n, len(dates)), dtype=np.int64)
    flows[:, 0] = -plan.funded
    value_total = np.zeros(res.n, dtype=np.int64)
    for p in plan.notes.values():
        value, market = _note_receipts(res, p)
        value_total += market
        for at, cols in runs(1 + p.cols):  # slices of consecutive dates, not a gather-scatter
            flows[:, cols] += value[:, at]
    rv = plan.revolver
    if rv is not None:
        flows += rv.moves[None, :] * res.moves_paid
        paid = (rv.interest + rv.principal)[None, :] * res.revolver_paid
        for at, cols in runs(1 + rv.cols):
            flows[:, cols] += paid[:, at]
    days = np.array([(d - plan.issue).days for d in plan.demand], dtype=np.int64)
    has = res.default_k >= 0
    extra_days = np.where(has, days[np.where(has, res.default_k, 0)], 0)
    return flows, dates, res.recovery, extra_days, value_total


def _flow_totals(res: Result, with_value: bool) -> tuple[np.ndarray, np.ndarray]:
    r"""Per path the sum of :func:`lender_flows`' flows over the dates (cents, without the
    recovery) and, ``with_value``, the shares' market value (else 0): the same integers, summed per
    note instead of laid out by date (what every metric but the IRR needs).

    .. math:: \sum_t F_t = -funded + \sum_{notes} \sum_j (I + D_{cash} + prem + n\,c) + moves \cdot paid + (I + P)^{rev} \cdot paid
    """
    plan = res.plan
    total = np.full(res.n, -plan.funded, dtype=np.int64)
    value_total = np.zeros(res.n, dtype=np.int64)
    for p in plan.notes.values():
        value, market = _note_receipts(res, p)
        if with_value:
            value_total += market
        total += value.sum(axis=1)
    rv = plan.revolver
    if rv is not None and res.moves_paid is not None and res.revolver_paid is not None:
        total += res.moves_paid.astype(np.int64) @ rv.moves
        total += res.revolver_paid.astype(np.int64) @ (rv.interest + rv.principal)
    return total, value_total


def _revolver_repaid(res: Result) -> np.ndarray | int:
    """The revolver's interest-free principal back per path: its balloon and repayments (cents)."""
    rv = res.plan.revolver
    if rv is None:
        return 0
    return (rv.principal[None, :] * res.revolver_paid).sum(axis=1) + (
        np.maximum(rv.moves, 0)[None, :] * res.moves_paid
    ).sum(axis=1)


def cash_paid(res: Result) -> np.ndarray:
    """Cash ATG paid Laurus, cents: interest, cash principal and premiums on the term notes, and
    the revolver's interest, repayments and balloon (paid before any default)."""
    cash = sum((r.interest + r.principal_cash + r.premium).sum(axis=1) for r in res.notes.values())
    rv = res.plan.revolver
    if rv is not None:
        cash = cash + ((rv.interest + rv.principal)[None, :] * res.revolver_paid).sum(axis=1)
        cash = cash + (np.maximum(rv.moves, 0)[None, :] * res.moves_paid).sum(axis=1)
    return np.asarray(cash)


def principal_lent(res: Result) -> np.ndarray:
    """Principal Laurus lent on each path, cents: the term notes' faces and the revolver's draws
    made (before any default)."""
    lent = np.full(res.n, res.plan.funded, dtype=np.int64)
    rv = res.plan.revolver
    if rv is not None:
        lent = lent + (np.maximum(-rv.moves, 0)[None, :] * res.moves_paid).sum(axis=1)
    return lent


def principal_cash(res: Result) -> np.ndarray:
    """Principal repaid in cash on each path, cents: the term notes' cash principal, the
    revolver's repayments and its balloon (before any default)."""
    out = sum(r.principal_cash.sum(axis=1) for r in res.notes.values())
    return np.asarray(out + _revolver_repaid(res))


def stock_paid(res: Result) -> np.ndarray:
    """Principal paid in stock on each path, cents: scheduled and the holder's optional conversions."""
    total = np.zeros(res.n, dtype=np.int64)
    for r in res.notes.values():
        total += r.principal_stock.sum(axis=1)
        if r.opt_principal is not None:
            total += r.opt_principal.sum(axis=1)
    return total


def metrics(res: Result, only: Sequence[str] | None = None) -> dict[str, np.ndarray]:
    """The per-path metrics of the module docstring (dollars as float for display; counts int);
    ``only`` computes just those (the IRR is the dear one).

    .. math:: cost = \\sum_t F_t + recovery, \\qquad dilution = \\frac{n}{O + n}

    Examples
    --------
    >>> from dealkit import notes
    >>> from dealkit.loader import load_deal
    >>> from dealkit.market import path_window, simulate
    >>> from dealkit.engines.risk.default import run
    >>> from dealkit.engines.risk.plan import build_plan
    >>> from dealkit.engines.risk.windows import windows
    >>> deal = load_deal()
    >>> plan = build_plan(deal, notes.assumptions_from_deal(deal))
    >>> res = run(plan, windows(simulate("gbm", 3, 7, *path_window(plan.grid)), plan.grid))
    >>> sorted(metrics(res, ("shares", "defaulted")))
    ['defaulted', 'shares']
    """
    names = list(METRICS) if only is None else list(only)
    unknown = [n for n in names if n not in METRICS]
    if unknown:
        raise ParameterError(
            f"parameter metric: unknown metric, choose one of {', '.join(METRICS)} (got {unknown[0]!r})"
        )
    if "lender_xirr" in names:  # the IRR needs the flows by date; the rest their sums
        flows, dates, recovery, recovery_days, value = lender_flows(res)
        total = flows.sum(axis=1)
    elif {"atg_cost", "stock_value"} & set(names):
        total, value = _flow_totals(res, "stock_value" in names)
    has = res.default_k >= 0

    def shares() -> np.ndarray:
        return np.asarray(sum(r.all_shares.sum(axis=1) for r in res.notes.values()))

    make: dict[str, Callable[[], np.ndarray]] = {
        "lender_xirr": lambda: xirr_paths(flows, dates, extra=recovery, extra_days=recovery_days),
        "atg_cost": lambda: (total + res.recovery) / 100.0,
        "shares": shares,
        "dilution": lambda: (n := shares()) / (res.plan.outstanding + n),
        "cash_paid": lambda: cash_paid(res) / 100.0,
        "stock_paid": lambda: stock_paid(res) / 100.0,
        "stock_value": lambda: value / 100.0,
        "defaulted": lambda: has.astype(np.int64),
        "loss_given_default": lambda: np.where(has, res.default_payment - res.recovery, 0) / 100.0,
        "principal_at_default": lambda: res.default_principal / 100.0,
    }
    return {n: make[n]() for n in names}


def cumulative_shares(res: Result) -> np.ndarray:
    """Shares issued to date (scheduled and optional conversions), per path × grid date."""
    total = np.zeros((res.n, len(res.plan.grid)), dtype=np.int64)
    for p in res.plan.notes.values():
        total[:, p.cols] += res.notes[p.name].all_shares
    return np.cumsum(total, axis=1)
