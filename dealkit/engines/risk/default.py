r"""Every term-note row on every path, the revolver, then default and recovery (:func:`run`).

Default on a path (a rule of this engine, not of the notes; switchable, ``default_rule``):
``"none"``: ATG always pays; ``"cash_capacity"`` (default): on the first payment date where the
cash due is above ATG's ``cash_capacity`` the payment is not made: an Event of Default on that
date, the notes are accelerated, and the Default Payment (130% of principal + accrued and default
interest to the demand ``demand_lag_days`` later; :func:`dealkit.notes.default_scenario`, the ATG
MBN) is demanded, of which ``recovery_rate`` is recovered on the demand date. Nothing after the
default date is paid.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from dealkit.engines.risk.conversion import scheduled_rows
from dealkit.engines.risk.heap import retain_freed_memory
from dealkit.engines.risk.holder import policy_rows
from dealkit.engines.risk.ints import guard, half_up, runs
from dealkit.engines.risk.plan import Plan
from dealkit.engines.risk.windows import Windows
from dealkit.errors import ParameterError

__all__ = ["NoteResult", "Result", "run"]

#: The columns zeroed on the rows a default cuts.
_CUT_COLUMNS = (
    "principal_cash",
    "principal_stock",
    "premium",
    "shares",
    "series_d",
    "opt_principal",
    "opt_shares",
    "opt_series_d",
)


@dataclass(frozen=True, eq=False)
class NoteResult:
    """Per path × row of one note (cents, shares); rows after a default are zero."""

    interest: np.ndarray
    principal_cash: np.ndarray
    principal_stock: np.ndarray
    premium: np.ndarray
    shares: np.ndarray
    series_d: np.ndarray
    limited_by: np.ndarray  # codes into LIMITED_BY (before any default)
    paid: np.ndarray  # bool: the row was paid (not at or after the default date)
    opt_principal: np.ndarray | None = None  # principal converted by the holder's option after the row
    opt_shares: np.ndarray | None = None
    opt_series_d: np.ndarray | None = None
    closing: np.ndarray | None = None  # principal outstanding after the row (policy engine only)

    @property
    def all_shares(self) -> np.ndarray:
        """Shares issued per path × row: scheduled and optional conversions."""
        return self.shares if self.opt_shares is None else self.shares + self.opt_shares


@dataclass(frozen=True, eq=False)
class Result:
    """One run: the rows of each note, the default date, cash due, closes, recovery and the
    Default Payment per path (cents)."""

    plan: Plan
    notes: Mapping[str, NoteResult]
    default_k: np.ndarray  # grid index of the default, −1 for none
    cash_due: np.ndarray  # per path × grid date, cents (before default)
    close: np.ndarray  # per path × grid date, micro-dollars
    recovery: np.ndarray  # cents, per path (0 without default)
    default_payment: np.ndarray
    default_principal: np.ndarray
    revolver_paid: np.ndarray | None = None  # per path × revolver row: paid (before the default date)
    moves_paid: np.ndarray | None = None  # per path × flow column: the revolver's dated flow happened

    @property
    def n(self) -> int:
        """The number of paths."""
        return int(self.default_k.shape[0])


def _cash_due(plan: Plan, rows: Mapping[str, Mapping[str, np.ndarray]], n: int) -> np.ndarray:
    """Cash due per path × grid date: interest + cash principal + premium of the term notes, plus
    the revolver's cash due (its interest, and its balloon under the ``cash`` rule)."""
    cash_due = np.zeros((n, len(plan.grid)), dtype=np.int64)
    for name, p in plan.notes.items():
        r = rows[name]
        due = r["principal_cash"] + r["premium"]
        due += r["interest"]
        for at, cols in runs(p.cols):  # dates are unique per note; slices, not a gather-scatter
            cash_due[:, cols] += due[:, at]
    if plan.revolver is not None:
        cash_due[:, plan.revolver.cols] += plan.revolver.cash_due[None, :]
    return cash_due


def _default_dates(plan: Plan, cash_due: np.ndarray) -> np.ndarray:
    """Per path the grid index of the first date whose cash due is above the capacity (−1: none,
    or the default rule ``none``)."""
    if plan.terms.default_rule != "cash_capacity":
        return np.full(cash_due.shape[0], -1, dtype=np.int64)
    over = cash_due > plan.capacity
    return np.where(over.any(axis=1), over.argmax(axis=1), -1)


def _note_results(plan: Plan, rows: Mapping[str, dict[str, np.ndarray]], cutoff: np.ndarray) -> dict[str, NoteResult]:
    """Each note's rows with those at or after the default date zeroed (not paid)."""
    out = {}
    for name, p in plan.notes.items():
        r = rows[name]
        paid = p.cols[None, :] < cutoff[:, None]
        if not paid.all():
            keep = paid.astype(np.int64)  # int64 × int64 in place: no cast of the mask per column
            r["interest"] = r["interest"] * keep
            for k in _CUT_COLUMNS:
                if k in r:
                    r[k] *= keep
        out[name] = NoteResult(
            r["interest"],
            r["principal_cash"],
            r["principal_stock"],
            r["premium"],
            r["shares"],
            r["series_d"],
            r["limited_by"],
            paid,
            r.get("opt_principal"),
            r.get("opt_shares"),
            r.get("opt_series_d"),
            r.get("closing"),
        )
    return out


def _path_default_payment(
    plan: Plan, default_k: np.ndarray, before: Mapping[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The Default Payment per path (notes.default_scenario's formula on the path's balances):
    round(1.30 · ΣP) + Σ_term notes [round(B · accrual) + round(B · default interest)] + the
    revolver's interest; returns (principal, payment, recovery), cents."""
    n = default_k.shape[0]
    has = default_k >= 0
    kk = np.where(has, default_k, 0)
    principal = np.where(has, plan.default_principal[kk], 0)
    extra = np.where(has, plan.default_payment[kk], 0)
    for name, p in plan.notes.items():
        balance = np.where(has, before[name][np.arange(n), kk], 0)
        principal = principal + balance
        for k in np.unique(default_k[has]):
            sel = default_k == k
            extra[sel] += half_up(balance[sel], p.accrual[k]) + half_up(balance[sel], p.default_interest)
    multiple = Fraction(plan.a.default_multiple)
    guard(int(principal.max(initial=0)) * 2 * multiple.numerator, "Default Payment")
    payment = np.where(has, half_up(principal, multiple) + extra, 0)
    recovery = np.where(has, half_up(payment, Fraction(plan.terms.recovery_rate)), 0)
    return principal, payment, recovery


def _plan_default_payment(plan: Plan, default_k: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The legacy policy's default figures per path, from the plan's table (the balances do not
    depend on the path): (principal, payment, recovery), cents; 0 without a default."""
    has = default_k >= 0
    kk = np.where(has, default_k, 0)
    return (
        np.where(has, plan.default_principal[kk], 0),
        np.where(has, plan.default_payment[kk], 0),
        np.where(has, plan.recovery[kk], 0),
    )


def _revolver_paid(plan: Plan, cutoff: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Per path: which revolver rows were paid (before the default date) and which of its dated
    draws and repayments happened (None without the revolver)."""
    if plan.revolver is None:
        return None, None
    rows_paid = plan.revolver.cols[None, :] < cutoff[:, None]
    moves_paid = (plan.revolver.move_k[None, :] < 0) | (plan.revolver.move_k[None, :] < cutoff[:, None])
    return rows_paid, moves_paid


def run(plan: Plan, w: Windows) -> Result:
    r"""Every term-note row on every path (vectorized over rows when the holder's policy is the
    legacy one, date by date otherwise), the revolver, then the default rule (module docstring).

    Default on the first :math:`k` with cash due :math:`C_k` above the capacity,
    :math:`C_k = \sum_{notes} (I + D - \text{credited} + \text{premium}) + I^{rev}_k [+ \text{balloon}_k]`;
    the Default Payment (:func:`dealkit.notes.default_scenario`; the ATG MBN's 130%):

    .. math:: DP = \mathrm{round}(1.30 \textstyle\sum_n P_n) + \sum_n (\mathrm{round}(P_n a_{n,k})
              + \mathrm{round}(P_n \cdot 12 m \cdot lag / 360))

    with :math:`a_{n,k}` the note's :math:`\sum r d / 360` from its last accrual date to the
    demand (the revolver's part from dealkit.notes directly), and the recovery
    :math:`\mathrm{round}(\rho \cdot DP)`.

    Examples
    --------
    >>> from dealkit import notes
    >>> from dealkit.loader import load_deal
    >>> from dealkit.market import path_window, simulate
    >>> from dealkit.engines.risk.plan import build_plan
    >>> from dealkit.engines.risk.windows import windows
    >>> deal = load_deal()
    >>> plan = build_plan(deal, notes.assumptions_from_deal(deal))
    >>> result = run(plan, windows(simulate("gbm", 4, 7, *path_window(plan.grid)), plan.grid))
    >>> result.n, sorted(result.notes)
    (4, ['term_a', 'term_b'])
    """
    if w.grid != plan.grid:
        raise ParameterError("windows were computed for other payment dates than the plan's")
    retain_freed_memory()  # the result arrays of the last run are reused, not faulted in again
    if plan.terms.holder.legacy:
        rows, before = {name: scheduled_rows(p, plan, w) for name, p in plan.notes.items()}, None
    else:
        rows, before = policy_rows(plan, w)
    cash_due = _cash_due(plan, rows, w.sum5.shape[0])
    default_k = _default_dates(plan, cash_due)
    cutoff = np.where(default_k >= 0, default_k, len(plan.grid))  # rows with grid index < cutoff are paid
    out = _note_results(plan, rows, cutoff)
    if before is None:
        principal, payment, recovery = _plan_default_payment(plan, default_k)
    else:
        principal, payment, recovery = _path_default_payment(plan, default_k, before)
    revolver_paid, moves_paid = _revolver_paid(plan, cutoff)
    return Result(plan, out, default_k, cash_due, w.close, recovery, payment, principal, revolver_paid, moves_paid)
