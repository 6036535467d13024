"""The notes over N price paths at once: numpy over paths × payment dates, in integer cents and
whole shares (``int64``), equal to the cent and the share to the ``Decimal`` schedule code of
:mod:`dealkit.notes` path for path (tests/test_risk_engine.py checks it on random paths).

Two layers:

1. **What no path changes** (:func:`build_plan`), computed once per set of terms *by calling
   dealkit.notes*: the payment dates, each period's opening balance, interest and principal due
   (:func:`dealkit.notes.term_a_schedule` / :func:`~dealkit.notes.term_b_schedule` run on a market in
   which no stock can be paid: the balance of a term note falls by the amount due whether it is
   paid in stock or cash), the 4.99% cap (:func:`dealkit.option.max_exercisable`, Option §10 / the
   Laurus note form), and the Default Payment for every possible default date
   (:func:`dealkit.notes.default_scenario`).
2. **What each path decides** (:func:`run`): the 5-day average close test (``amortization_share_test``
   / ``maturity_conversion_test`` × FCP), the volume cap (``× 22-day dollar volume``, rounded down
   to the cent), shares = ⌊amount / FCP⌋ limited by the 4.99% cap, the Series D route (÷10,000,
   letter of Sept 6, 2005), the principal credited ⌊shares × FCP⌋ to the cent, the cash rest and
   its premium (``cash_premium − 1``, half-up to the cent), and default.

Default on a path (a rule of this module, not of the notes; switchable, ``default_rule``):

- ``"none"``: ATG always pays.
- ``"cash_capacity"`` (default): ATG can pay at most ``cash_capacity`` in cash on a payment date
  (interest + cash principal + premium across the term notes; an assumption, not in any source).
  On the first payment date where the cash due is more, the payment is not made: an Event of
  Default on that date, the notes are accelerated, and the Default Payment (130% of principal +
  accrued and default interest to the demand ``demand_lag_days`` later; notes.default_scenario) is
  demanded, of which ``recovery_rate`` is recovered on the demand date. Nothing after the default
  date is paid.

Integer units: money in cents; closes in micro-dollars (:data:`dealkit.market.PRICE_SCALE`);
dollar volume in micro-dollar-shares. Every product is bounded before it is formed
(:func:`_guard`), so ``int64`` cannot overflow silently.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal, Mapping

import numpy as np

from . import notes
from .errors import ParameterError
from .market import PRICE_SCALE, Assumption, PricePaths
from .option import max_exercisable

__all__ = ["DEFAULT_RULES", "RiskTerms", "risk_terms", "NotePlan", "Plan", "build_plan", "Windows", "windows",
           "NoteResult", "Result", "run", "decimal_reference", "LIMITED_BY"]

DEFAULT_RULES = ("cash_capacity", "none")
#: limited_by codes of the engine, as the schedule code spells them.
LIMITED_BY = ("", "price test", "volume cap", "4.99% cap")
_INT64_SAFE = 2**62


def _guard(bound: int, what: str) -> None:
    if bound >= _INT64_SAFE:
        raise ParameterError(f"{what}: values too large for exact int64 arithmetic (bound {bound:.3e})")


def _cents(d: Decimal) -> int:
    q = d * 100
    if q != q.to_integral_value():
        raise ValueError(f"not whole cents: {d}")
    return int(q)


# ============================================================================ assumptions ==
@dataclass(frozen=True)
class RiskTerms:
    """The risk model's own assumptions (none is a term of the deal): the default rule, ATG's cash
    capacity per payment date, the lag from default to demand, and the share of the Default
    Payment recovered."""

    default_rule: str
    cash_capacity: Decimal
    demand_lag_days: int
    recovery_rate: Decimal

    def assumptions(self) -> dict[str, Assumption]:
        return {
            "default_rule": Assumption("default_rule", self.default_rule,
                                       "assumed: default when a payment's cash exceeds ATG's cash capacity"
                                       if self.default_rule == "cash_capacity" else "assumed: ATG always pays"),
            "cash_capacity": Assumption("cash_capacity", f"${self.cash_capacity:,.2f}",
                                        "assumed: cash ATG can pay on one payment date; not in the sources"),
            "demand_lag_days": Assumption("demand_lag_days", self.demand_lag_days,
                                          "as in the record: notice 2008-01-31, payment demanded 2008-02-01"),
            "recovery_rate": Assumption("recovery_rate", f"{self.recovery_rate}",
                                        "assumed: share of the Default Payment Laurus recovers; not in the sources"),
        }


def risk_terms(default_rule: str = "cash_capacity", cash_capacity: str | Decimal = "250000.00",
               demand_lag_days: int = 1, recovery_rate: str | Decimal = "0.50") -> RiskTerms:
    """:class:`RiskTerms`, validated (one clear :class:`ParameterError` per bad value)."""
    if default_rule not in DEFAULT_RULES:
        raise ParameterError(f"parameter default_rule: unknown rule, choose one of {', '.join(DEFAULT_RULES)} "
                             f"(got {str(default_rule)[:40]!r})")
    from .params import as_money, as_rate

    cap = as_money(cash_capacity, "cash_capacity") if not isinstance(cash_capacity, Decimal) else cash_capacity
    rec = as_rate(recovery_rate, "recovery_rate") if not isinstance(recovery_rate, Decimal) else recovery_rate
    if isinstance(demand_lag_days, bool) or not isinstance(demand_lag_days, int) or demand_lag_days < 0:
        raise ParameterError(f"parameter demand_lag_days: expected a whole number ≥ 0 (got {demand_lag_days!r})")
    return RiskTerms(default_rule, cap, demand_lag_days, rec)


# ============================================================================ plan ========
@dataclass(frozen=True, eq=False)
class NotePlan:
    """One term note's path-independent columns (cents) and its stock-payment test."""

    name: str
    schedule: notes.Schedule          # the Decimal schedule with no stock paid (dates, interest, due)
    cols: np.ndarray                  # grid column of each row
    opening: np.ndarray
    interest: np.ndarray
    due: np.ndarray
    threshold: int                    # the test passes when Σ 5 closes (micro-dollars) ≥ threshold
    volume_cap: Fraction
    premium: Fraction                 # cash_premium − 1 (0 for Term B)


@dataclass(frozen=True, eq=False)
class Plan:
    """Everything a run needs that no path changes."""

    a: notes.NoteAssumptions
    terms: RiskTerms
    issue: dt.date
    funded: int                        # cents lent under the term notes
    grid: tuple[dt.date, ...]          # every payment date of the term notes
    notes: Mapping[str, NotePlan]
    fcp: Fraction
    limit: int                         # most shares one conversion may issue (4.99% cap)
    series_d: bool
    outstanding: int
    default_date: tuple[dt.date, ...]  # per grid date k: demand date if default on k
    demand: tuple[dt.date, ...]
    default_principal: np.ndarray      # per k, cents
    default_payment: np.ndarray        # per k, cents (notes.default_scenario)
    recovery: np.ndarray               # per k, cents
    capacity: int                      # cents
    #: Common per Series D preferred share while ``series_d`` (letter of Sept 6, 2005: the deal's
    #: ``capitalization.series_d_ratio``).
    series_d_ratio: int = 1


def _threshold(test: Decimal, fcp: Fraction) -> int:
    """Smallest integer Σ of 5 closes (micro-dollars) with average ≥ test × FCP:
    ``⌈5 · PRICE_SCALE · test · FCP⌉`` (the comparison of notes._stock_payment, exactly)."""
    t = 5 * PRICE_SCALE * Fraction(test) * fcp
    return -((-t.numerator) // t.denominator)


_FIXED: dict = {}


def _fixed_layer(deal, a: notes.NoteAssumptions, terms: RiskTerms, tb: dt.date, prime, rounding):
    """The Decimal schedules with no stock paid and the Default Payment for a default on each
    payment date, by dealkit.notes; cached on the terms they depend on (a run that changes only
    the Fixed Conversion Price, the tests, the caps or the premium reuses them)."""
    key = (id(deal), id(prime), rounding, tb, terms.demand_lag_days, terms.recovery_rate, a.margin, a.floor, a.monthly_amount, a.first_amortization,
           a.default_multiple, a.default_interest_monthly)
    hit = _FIXED.get(key)
    if hit is not None and hit[0] is deal and hit[1] is prime:
        return hit[2]
    n = deal.notes
    issue = deal.deal.closing_date.value
    none = notes.Market(Decimal(0), 0)   # no stock can be paid: price 0 fails every test
    sched = {
        "term_a": notes.term_a_schedule(n["term_a"].face.value, issue, n["term_a"].maturity.value, a, none, prime, rounding),
        "term_b": notes.term_b_schedule(n["term_b"].face.value, issue, tb, a, none, prime, rounding),
    }
    grid = tuple(sorted({r["date"] for s in sched.values() for r in s.rows}))
    # The Default Payment for a default on each grid date: the schedules as they stand the day
    # before (the rows dated before it), accelerated; demand demand_lag_days later.
    dd, dem, dprin, dpay, drec = [], [], [], [], []
    for day in grid:
        stopped = {k: dataclasses.replace(s, rows=tuple(r for r in s.rows if r["date"] < day)) for k, s in sched.items()}
        demand = day + dt.timedelta(days=terms.demand_lag_days)
        ds = notes.default_scenario(stopped, day, demand, a, prime=prime)
        dd.append(day)
        dem.append(demand)
        dprin.append(_cents(ds.principal))
        dpay.append(_cents(ds.payment))
        drec.append(_cents((ds.payment * terms.recovery_rate).quantize(notes.CENT, rounding=ROUND_HALF_UP)))
    if len(_FIXED) > 256:
        _FIXED.clear()
    out = (sched, (dd, dem, dprin, dpay, drec))
    _FIXED[key] = (deal, prime, out)
    return out


def build_plan(deal, a: notes.NoteAssumptions, terms: RiskTerms | None = None, *, term_b_maturity: dt.date | None = None,
               outstanding: int | None = None, authorized: int | None = None, holder_owns: int = 0,
               prime=None, rounding: Literal["period", "daily"] = "period") -> Plan:
    """The path-independent layer, computed by dealkit.notes on the deal's faces and dates.

    Term A: Term Note A schedule (amortizing; Monthly Amount from ``first_amortization``); Term B:
    Term Note B (bullet, maturity ``term_b_maturity`` or the deal's). The 4.99% cap per conversion
    is :func:`dealkit.option.max_exercisable` (outstanding, holder's shares; "literal" reading),
    the same call :func:`dealkit.notes.optional_conversion` makes.
    """
    terms = terms or risk_terms()
    n = deal.notes
    issue = deal.deal.closing_date.value
    outstanding = outstanding if outstanding is not None else deal.capitalization.outstanding_at_closing.value
    authorized = authorized if authorized is not None else deal.capitalization.authorized_at_closing.value
    if a.fixed_conversion_price <= 0:
        raise ParameterError(f"parameter fixed_conversion_price: must be positive (got {a.fixed_conversion_price})")
    tb = term_b_maturity or n["term_b"].maturity.value
    sched, defaults = _fixed_layer(deal, a, terms, tb, prime, rounding)
    grid = tuple(sorted({r["date"] for s in sched.values() for r in s.rows}))
    col = {d: i for i, d in enumerate(grid)}
    fcp = Fraction(a.fixed_conversion_price)
    plans = {}
    for name, s in sched.items():
        test = a.amortization_share_test if name == "term_a" else a.maturity_conversion_test
        cap = a.amortization_volume_cap if name == "term_a" else a.maturity_volume_cap
        prem = Fraction(a.cash_premium - 1) if name == "term_a" else Fraction(0)
        plans[name] = NotePlan(name, s, np.array([col[r["date"]] for r in s.rows], dtype=np.int64),
                               np.array([_cents(r["opening"]) for r in s.rows], dtype=np.int64),
                               np.array([_cents(r["interest"]) for r in s.rows], dtype=np.int64),
                               np.array([_cents(r["principal_due"]) for r in s.rows], dtype=np.int64),
                               _threshold(test, fcp), Fraction(cap), prem)
    limit = max_exercisable(outstanding, holder_owns, a.conversion_cap, "literal")
    dd, dem, dprin, dpay, drec = defaults
    funded = sum(_cents(s.face) for s in sched.values())
    cap_d = deal.capitalization  # the Series D route: the loaded deal's threshold and ratio
    return Plan(a, terms, issue, funded, grid, plans, fcp, limit, authorized < cap_d.series_d_until_authorized.value,
                outstanding,
                tuple(dd), tuple(dem), np.array(dprin, dtype=np.int64), np.array(dpay, dtype=np.int64),
                np.array(drec, dtype=np.int64), _cents(terms.cash_capacity), cap_d.series_d_ratio.value)


# ============================================================================ windows =====
@dataclass(frozen=True, eq=False)
class Windows:
    """Per path and grid date: Σ of the 5 closes before it (micro-dollars), the 22-day dollar
    volume before it (micro-dollar-shares), and the close on or before it (micro-dollars)."""

    grid: tuple[dt.date, ...]
    sum5: np.ndarray
    dv22: np.ndarray
    close: np.ndarray


def windows(paths: PricePaths, grid: tuple[dt.date, ...]) -> Windows:
    """The market figures the schedule code reads on each grid date (notes.Market.average_close,
    dollar_volume and close), from cumulative sums. The path must cover 22 trading days before
    the first grid date (see :func:`dealkit.market.path_window`)."""
    dates = paths.dates
    need = [bisect.bisect_left(dates, d) for d in grid]
    if min(need) < 22 or max(need) > len(dates):
        raise ParameterError(f"price path: must cover the 22 trading days before {grid[0]} through {grid[-1]}; it runs "
                             f"{dates[0]} to {dates[-1]}")
    c, v = paths.closes, paths.volumes
    _guard(int(c.max()) * len(dates), "price path closes")
    _guard(int(c.max()) * int(v.max()) * 22, "price path close × volume")
    n = c.shape[0]
    k = np.array(need)
    on = np.array([bisect.bisect_right(dates, d) - 1 for d in grid])
    sum5 = np.empty((n, len(grid)), dtype=np.int64)
    dv22 = np.empty((n, len(grid)), dtype=np.int64)
    block = 2048   # rows at a time: the work arrays stay small and are reused
    cs = np.zeros((min(block, n), len(dates) + 1), dtype=np.int64)
    prod = np.empty((min(block, n), len(dates)), dtype=np.int64)
    for i in range(0, n, block):
        j = min(n, i + block)
        m = j - i
        np.cumsum(c[i:j], axis=1, out=cs[:m, 1:])
        sum5[i:j] = cs[:m, k] - cs[:m, k - 5]
        np.multiply(c[i:j], v[i:j], out=prod[:m])
        np.cumsum(prod[:m], axis=1, out=cs[:m, 1:])
        dv22[i:j] = cs[:m, k] - cs[:m, k - 22]
    return Windows(grid, sum5, dv22, c[:, on])


# ============================================================================ run =========
@dataclass(frozen=True, eq=False)
class NoteResult:
    """Per path × row of one note (cents, shares); rows after a default are zero."""

    interest: np.ndarray
    principal_cash: np.ndarray
    principal_stock: np.ndarray
    premium: np.ndarray
    shares: np.ndarray
    series_d: np.ndarray
    limited_by: np.ndarray     # codes into LIMITED_BY (before any default)
    paid: np.ndarray           # bool: the row was paid (not at or after the default date)


@dataclass(frozen=True, eq=False)
class Result:
    plan: Plan
    notes: Mapping[str, NoteResult]
    default_k: np.ndarray      # grid index of the default, −1 for none
    cash_due: np.ndarray       # per path × grid date, cents (before default)
    close: np.ndarray          # per path × grid date, micro-dollars
    recovery: np.ndarray       # cents, per path (0 without default)
    default_payment: np.ndarray
    default_principal: np.ndarray

    @property
    def n(self) -> int:
        return self.default_k.shape[0]


def _note_rows(p: NotePlan, plan: Plan, w: Windows) -> dict[str, np.ndarray]:
    """The stock test, the caps and the cash rest on every path for the rows of ``p`` with
    principal due (rows without are interest only: nothing in stock, ``limited_by`` empty)."""
    n, rows = w.sum5.shape[0], len(p.cols)
    out = {k: np.zeros((n, rows), dtype=np.int64) for k in ("principal_cash", "principal_stock", "premium", "shares",
                                                               "series_d")}
    out["limited_by"] = np.zeros((n, rows), dtype=np.int8)
    out["interest"] = np.broadcast_to(p.interest, (n, rows))
    j = np.nonzero(p.due > 0)[0]
    if not j.size:
        return out
    cols = p.cols[j]
    due = p.due[j][None, :]
    passed = w.sum5[:, cols] >= p.threshold
    _guard(int(w.dv22.max(initial=0)) * p.volume_cap.numerator, f"{p.name} dollar volume × cap")
    cap_cents = (w.dv22[:, cols] * p.volume_cap.numerator) // (p.volume_cap.denominator * (PRICE_SCALE // 100))
    allowed = np.minimum(due, cap_cents)
    f_num, f_den = plan.fcp.numerator, plan.fcp.denominator
    _guard(int(p.due.max(initial=0)) * f_den, f"{p.name} shares")
    shares = (allowed * f_den) // (100 * f_num)
    capped = shares > plan.limit
    np.minimum(shares, plan.limit, out=shares)
    if plan.series_d:
        sd = shares // plan.series_d_ratio
        shares = sd * plan.series_d_ratio
    else:
        sd = np.zeros_like(shares)
    _guard(int(shares.max(initial=0)) * f_num * 100, f"{p.name} principal credited")
    credited = (shares * f_num * 100) // f_den
    shares *= passed
    sd *= passed
    credited *= passed
    code = np.where(passed, np.where(capped, 3, np.where(allowed < due, 2, 0)), 1).astype(np.int8)
    cash = due - credited
    out["principal_stock"][:, j] = credited
    out["principal_cash"][:, j] = cash
    out["shares"][:, j] = shares
    out["series_d"][:, j] = sd
    out["limited_by"][:, j] = code
    if p.premium:
        _guard(int(p.due.max(initial=0)) * 2 * p.premium.numerator, f"{p.name} premium")
        out["premium"][:, j] = (2 * cash * p.premium.numerator + p.premium.denominator) // (2 * p.premium.denominator)
    return out


def run(plan: Plan, w: Windows) -> Result:
    """Every term-note row on every path, then the default rule (module docstring)."""
    if w.grid != plan.grid:
        raise ParameterError("windows were computed for other payment dates than the plan's")
    n, g = w.sum5.shape[0], len(plan.grid)
    rows = {name: _note_rows(p, plan, w) for name, p in plan.notes.items()}
    cash_due = np.zeros((n, g), dtype=np.int64)
    for name, p in plan.notes.items():
        r = rows[name]
        cash_due[:, p.cols] += r["interest"] + r["principal_cash"] + r["premium"]   # dates are unique per note
    if plan.terms.default_rule == "cash_capacity":
        over = cash_due > plan.capacity
        any_over = over.any(axis=1)
        default_k = np.where(any_over, over.argmax(axis=1), -1)
    else:
        default_k = np.full(n, -1, dtype=np.int64)
    cutoff = np.where(default_k >= 0, default_k, g)      # rows with grid index < cutoff are paid
    out = {}
    for name, p in plan.notes.items():
        r = rows[name]
        paid = p.cols[None, :] < cutoff[:, None]
        if not paid.all():
            r["interest"] = r["interest"] * paid
            for k in ("principal_cash", "principal_stock", "premium", "shares", "series_d"):
                r[k] *= paid
        out[name] = NoteResult(r["interest"], r["principal_cash"], r["principal_stock"], r["premium"], r["shares"],
                               r["series_d"], r["limited_by"], paid)
    has = default_k >= 0
    kk = np.where(has, default_k, 0)
    return Result(plan, out, default_k, cash_due, w.close,
                  np.where(has, plan.recovery[kk], 0), np.where(has, plan.default_payment[kk], 0),
                  np.where(has, plan.default_principal[kk], 0))


# ============================================================================ Decimal twin =
@dataclass
class DecimalPath:
    """One path through dealkit.notes and the default rule, in Decimal."""

    schedules: dict[str, notes.Schedule]
    default_date: dt.date | None
    scenario: notes.DefaultScenario | None
    recovery: Decimal
    cash_due: dict[dt.date, Decimal] = field(default_factory=dict)


def decimal_reference(deal, a: notes.NoteAssumptions, market: notes.Market, terms: RiskTerms, *,
                      term_b_maturity: dt.date | None = None, prime=None,
                      rounding: Literal["period", "daily"] = "period") -> DecimalPath:
    """The exact twin of :func:`run` for one path: dealkit.notes' Term A and Term B schedules on
    ``market`` (a :class:`dealkit.market.PathMarket`), the cash due on each payment date, the
    default rule, and — on a default — the schedules re-run with ``stop`` the day before and
    :func:`dealkit.notes.default_scenario` for the Default Payment."""
    n = deal.notes
    issue = deal.deal.closing_date.value
    tb = term_b_maturity or n["term_b"].maturity.value

    def build(stop=None):
        return {"term_a": notes.term_a_schedule(n["term_a"].face.value, issue, n["term_a"].maturity.value, a, market,
                                                prime, rounding, stop),
                "term_b": notes.term_b_schedule(n["term_b"].face.value, issue, tb, a, market, prime, rounding, stop)}

    full = build()
    due: dict[dt.date, Decimal] = {}
    for s in full.values():
        for r in s.rows:
            due[r["date"]] = due.get(r["date"], notes.ZERO) + r["interest"] + r["principal_cash"] + r["premium"]
    default = None
    if terms.default_rule == "cash_capacity":
        default = next((d for d in sorted(due) if due[d] > terms.cash_capacity), None)
    if default is None:
        return DecimalPath(full, None, None, notes.ZERO, due)
    stopped = build(default - dt.timedelta(days=1))
    ds = notes.default_scenario(stopped, default, default + dt.timedelta(days=terms.demand_lag_days), a, prime=prime)
    recovery = (ds.payment * terms.recovery_rate).quantize(notes.CENT, rounding=ROUND_HALF_UP)
    return DecimalPath(stopped, default, ds, recovery, due)
