"""What no path changes (:func:`build_plan`), computed once per set of terms *by calling
dealkit.notes*: the payment dates, each period's opening balance, interest and principal due
(:func:`dealkit.notes.term_a_schedule` / :func:`~dealkit.notes.term_b_schedule` run on a market in
which no stock can be paid: the balance of a term note falls by the amount due whether it is paid
in stock or cash), the 4.99% cap (:func:`dealkit.option.max_exercisable`, Option §10 / the Laurus
note form), the revolver (:func:`dealkit.notes.revolver_schedule`) and the Default Payment for
every possible default date (:func:`dealkit.notes.default_scenario`).

Interest is actual days over the year of the deal's ``note_terms.day_count`` (``ACT/360``), as
:func:`dealkit.core.daycount.year_days` gives it to dealkit.notes and dealkit.core.money: one
definition of the convention.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import numpy as np

from dealkit.core.daycount import year_days
from dealkit.engines.risk.fixed import DefaultTable, Rounding, default_table, schedules_without_stock
from dealkit.engines.risk.ints import ceil_fraction, cents
from dealkit.engines.risk.terms import RiskTerms, risk_terms
from dealkit.errors import ParameterError
from dealkit.market.paths import PRICE_SCALE
from dealkit.rules import notes
from dealkit.rules.option import max_exercisable

__all__ = ["NotePlan", "RevolverPlan", "Plan", "DefaultTable", "build_plan", "threshold", "rate_parts", "sum_rate_days"]

AVERAGE_DAYS = 5  #: closes in the stock test's average (the Laurus note form's 5-day average close)
_CACHE_SIZE = 256  # fixed layers kept (_fixed_layer): a tornado or a two-way table reuses a few


@dataclass(frozen=True, eq=False)
class NotePlan:
    """One term note's path-independent columns (cents) and its stock-payment test."""

    name: str
    schedule: notes.Schedule  # the Decimal schedule with no stock paid (dates, interest, due)
    cols: np.ndarray  # grid column of each row
    opening: np.ndarray
    interest: np.ndarray
    due: np.ndarray
    threshold: int  # the test passes when Σ 5 closes (micro-dollars) ≥ threshold
    volume_cap: Fraction
    premium: Fraction  # cash_premium − 1 (0 for Term B)
    face: int = 0  # cents
    rate_parts: tuple = ()  # per row: ((Σ rate × days / 360 as a Fraction, multiplier), ...)
    amortizes: np.ndarray | None = None  # per row: a Monthly Amount is due (not the last row)
    last_col: int = 0  # grid column of the maturity
    accrual: tuple = ()  # per grid k: Σ rate × days / 360 from the note's last row before k to demand
    default_interest: Fraction = Fraction(0)  # per k the same for every note: 12 m × lag days / 360


@dataclass(frozen=True, eq=False)
class RevolverPlan:
    """The revolver with the MBN (path-independent): per grid column, cents."""

    schedule: notes.Schedule
    cols: np.ndarray  # grid column of each row
    interest: np.ndarray  # per row
    principal: np.ndarray  # per row: repayments and the balloon (principal_cash)
    cash_due: np.ndarray  # per row: what counts against the cash capacity
    moves: np.ndarray  # per flow column (closing, *grid): draws (−) and repayments (+) as dated
    move_k: np.ndarray  # per flow column: the grid index from which it is cut by a default (−1: never)


@dataclass(frozen=True, eq=False)
class Plan:
    """Everything a run needs that no path changes."""

    a: notes.NoteAssumptions
    terms: RiskTerms
    issue: dt.date
    funded: int  # cents lent under the term notes
    grid: tuple[dt.date, ...]  # every payment date of the notes
    notes: Mapping[str, NotePlan]
    fcp: Fraction
    limit: int  # most shares one conversion may issue (4.99% cap, holdings at closing)
    series_d: bool
    outstanding: int
    default_date: tuple[dt.date, ...]  # per grid date k: demand date if default on k
    demand: tuple[dt.date, ...]
    default_principal: np.ndarray  # per k, cents (legacy: all notes; else the revolver's part)
    default_payment: np.ndarray  # per k, cents (notes.default_scenario; else the revolver's interest part)
    recovery: np.ndarray  # per k, cents (legacy only)
    capacity: int  # cents
    revolver: RevolverPlan | None = None
    holder_owns: int = 0
    cap: Fraction = Fraction(0)  # the 4.99% cap as a fraction
    #: Common per Series D preferred share while ``series_d`` (letter of Sept 6, 2005: the deal's
    #: ``capitalization.series_d_ratio``).
    series_d_ratio: int = 1


def threshold(test: Decimal, fcp: Fraction) -> int:
    """Smallest integer Σ of 5 closes (micro-dollars) with average ≥ test × FCP (the comparison
    of notes._stock_payment, exactly):

    .. math:: \\lceil 5 \\cdot PRICE\\_SCALE \\cdot test \\cdot FCP \\rceil

    Examples
    --------
    >>> threshold(Decimal("1.10"), Fraction(1, 20))
    275000
    """
    return ceil_fraction(AVERAGE_DAYS * PRICE_SCALE * Fraction(test) * fcp)


def sum_rate_days(start: dt.date, end: dt.date, a: notes.NoteAssumptions, prime: Any) -> list[tuple[Fraction, int]]:
    """The (rate, days) pieces of :func:`dealkit.notes.interest_segments` from ``start`` to ``end``."""
    return [
        (Fraction(g.rate), g.days)
        for g in notes.interest_segments(Decimal(1), start, end, a.margin, a.floor, prime, day_count=a.day_count)
    ]


def rate_parts(pieces: list[tuple[Fraction, int]], rounding: str, year: int) -> tuple[tuple[Fraction, int], ...]:
    """How a row's interest is rounded (notes._interest_row), as parts (factor, days): ``period``:
    one part :math:`round(B \\cdot \\sum r d / Y)`; ``daily``: :math:`\\sum round(B \\cdot r / Y) \\cdot d`,
    with :math:`Y` = ``year`` (360 for ACT/360).

    Examples
    --------
    >>> rate_parts([(Fraction(9, 100), 30)], "period", year_days("ACT/360"))
    ((Fraction(3, 400), 1),)
    """
    if rounding == "period":
        return ((sum((r * d for r, d in pieces), Fraction(0)) / year, 1),)
    return tuple((r / year, d) for r, d in pieces)


_FIXED: dict = {}  # the fixed layers by their terms (_fixed_layer)
_CENT_COLUMNS = ("opening", "interest", "principal_due")  # a note's rows in cents (_note_base)


@dataclass(frozen=True, eq=False)
class _Layer:
    """What a plan takes from the fixed layer: the Decimal schedules with no stock paid, the
    revolver, the grid, the default table, each note's plan before its stock-payment terms
    (:func:`_note_base`) and the revolver's plan."""

    sched: dict[str, notes.Schedule]
    rev: notes.Schedule | None
    grid: tuple[dt.date, ...]
    table: DefaultTable
    bases: dict[str, NotePlan]
    rev_plan: RevolverPlan | None


def _fixed_layer(
    deal: Any, a: notes.NoteAssumptions, terms: RiskTerms, tb: dt.date, prime: Any, rounding: Rounding
) -> _Layer:
    """The Decimal schedules with no stock paid, the revolver, the Default Payment for a default
    on each payment date (dealkit.notes), and the notes' interest parts and accruals; cached on the
    terms they depend on (a run that changes only the Fixed Conversion Price, the tests, the caps
    or the premium reuses them)."""
    key = (
        id(deal),
        id(prime),
        rounding,
        tb,
        terms.demand_lag_days,
        terms.recovery_rate,
        terms.revolver,
        a.day_count,
        a.margin,
        a.floor,
        a.monthly_amount,
        a.first_amortization,
        a.default_multiple,
        a.default_interest_monthly,
        a.overadvance_monthly,
        a.advance_rate_receivables,
        a.advance_rate_inventory,
    )
    hit = _FIXED.get(key)
    if hit is not None and hit[0] is deal and hit[1] is prime:
        return hit[2]
    sched, rev = schedules_without_stock(deal, a, terms, tb, prime, rounding)
    every = {**sched, **({"revolver": rev} if rev else {})}
    grid = tuple(sorted({r["date"] for s in every.values() for r in s.rows}))
    issue = deal.deal.closing_date.value
    bases = {n: _note_base(n, s, a, grid, issue, terms.demand_lag_days, prime, rounding) for n, s in sched.items()}
    rev_plan = _revolver_plan(rev, grid, issue, terms.revolver) if rev else None
    for column in vars(rev_plan).values() if rev_plan else ():  # shared through the cache: read-only
        if isinstance(column, np.ndarray):
            column.flags.writeable = False
    out = _Layer(sched, rev, grid, default_table(every, grid, a, terms, prime), bases, rev_plan)
    if len(_FIXED) > _CACHE_SIZE:
        _FIXED.clear()
    _FIXED[key] = (deal, prime, out)
    return out


def _revolver_plan(rev: notes.Schedule, grid: tuple[dt.date, ...], issue: dt.date, rule: str) -> RevolverPlan:
    """The revolver's rows in cents on the grid; its draws (−) and repayments (+) dated on the
    closing date or a payment date (an error naming the date otherwise)."""
    col = {d: i for i, d in enumerate(grid)}
    cols = np.array([col[r["date"]] for r in rev.rows], dtype=np.int64)
    interest = np.array([cents(r["interest"]) for r in rev.rows], dtype=np.int64)
    repaid = np.array([cents(r["repaid"]) for r in rev.rows], dtype=np.int64)
    principal = np.array([cents(r["principal_cash"]) for r in rev.rows], dtype=np.int64)
    cash = interest + (principal if rule == "cash" else 0)
    moves = np.zeros(len(grid) + 1, dtype=np.int64)
    move_k = np.full(len(grid) + 1, -1, dtype=np.int64)
    for day, amount in rev.movements:
        if day == issue:
            c = 0
        elif day in col:
            c = col[day] + 1
            move_k[c] = col[day]
        else:
            raise ParameterError(
                f"revolver: a draw or repayment on {day} is not on the closing date or a payment date; "
                "the path engine dates flows on those only"
            )
        moves[c] -= cents(amount)
    # Row principal as paid on the row's date: the balloon (repayments are dated flows in moves).
    return RevolverPlan(rev, cols, interest, principal - repaid, cash, moves, move_k)


def _note_base(
    name: str,
    s: notes.Schedule,
    a: notes.NoteAssumptions,
    grid: tuple[dt.date, ...],
    issue: dt.date,
    lag: int,
    prime: Any,
    rounding: Rounding,
) -> NotePlan:
    """One term note's plan before its stock-payment terms (:func:`_note_plan` adds them): its
    rows in cents, the interest parts of each row and, per grid date, the accrual to a demand
    ``lag`` days later; its arrays read-only (the plan is shared through the fixed-layer cache)."""
    col = {d: i for i, d in enumerate(grid)}
    year = year_days(a.day_count)  # ACT/360: the deal's note_terms.day_count, as dealkit.notes reads it
    term_a = name == "term_a"
    starts = [issue] + [r["date"] for r in s.rows[:-1]]
    parts = tuple(
        rate_parts(sum_rate_days(st, r["date"], a, prime), rounding, year) for st, r in zip(starts, s.rows, strict=True)
    )
    dates = [r["date"] for r in s.rows]
    amortizes = np.array([term_a and d >= a.first_amortization for d in dates], dtype=bool)
    amortizes[-1] = False
    accrual = []
    for day in grid:  # a default on ``day``: interest from the last row before it to the demand
        since = max([issue] + [d for d in dates if d < day])
        pieces = sum_rate_days(since, day + dt.timedelta(days=lag), a, prime)
        accrual.append(sum((r * d for r, d in pieces), Fraction(0)) / year)
    default_interest = Fraction(a.default_interest_monthly) * 12 * lag / year
    cols = np.array([col[r["date"]] for r in s.rows], dtype=np.int64)
    opening, interest, due = (np.array([cents(r[k]) for r in s.rows], dtype=np.int64) for k in _CENT_COLUMNS)
    for column in (cols, opening, interest, due, amortizes):
        column.flags.writeable = False
    return NotePlan(
        name, s, cols, opening, interest, due, 0, Fraction(0), Fraction(0), cents(s.face), parts, amortizes,
        col[s.rows[-1]["date"]], tuple(accrual), default_interest,
    )  # fmt: skip


def _note_plan(base: NotePlan, a: notes.NoteAssumptions, fcp: Fraction) -> NotePlan:
    """A note's plan with its stock-payment terms: the test threshold, the volume cap and the cash
    premium (Term A: the amortization test and cap and ``cash_premium − 1``; Term B: the maturity
    test and cap, no premium)."""
    term_a = base.name == "term_a"
    test = a.amortization_share_test if term_a else a.maturity_conversion_test
    cap = a.amortization_volume_cap if term_a else a.maturity_volume_cap
    premium = Fraction(a.cash_premium - 1) if term_a else Fraction(0)
    return dataclasses.replace(base, threshold=threshold(test, fcp), volume_cap=Fraction(cap), premium=premium)


def build_plan(
    deal: Any,
    a: notes.NoteAssumptions,
    terms: RiskTerms | None = None,
    *,
    term_b_maturity: dt.date | None = None,
    outstanding: int | None = None,
    authorized: int | None = None,
    holder_owns: int = 0,
    prime: Any = None,
    rounding: Literal["period", "daily"] = "period",
) -> Plan:
    """The path-independent layer, computed by dealkit.notes on the deal's faces and dates.

    Term A: Term Note A schedule (amortizing; Monthly Amount from ``first_amortization``); Term B:
    Term Note B (bullet, maturity ``term_b_maturity`` or the deal's); the revolver with the MBN
    (:func:`dealkit.notes.revolver_schedule`, unless ``terms.revolver == "excluded"``). The 4.99%
    cap per conversion is :func:`dealkit.option.max_exercisable` (outstanding, holder's shares;
    the policy's reading), the same call :func:`dealkit.notes.optional_conversion` makes.

    Examples
    --------
    >>> from dealkit.loader import load_deal
    >>> deal = load_deal()
    >>> plan = build_plan(deal, notes.assumptions_from_deal(deal))
    >>> plan.grid[0], plan.funded == sum(p.face for p in plan.notes.values())
    (datetime.date(2005, 10, 3), True)
    """
    terms = terms or risk_terms()
    if a.fixed_conversion_price <= 0:
        raise ParameterError(f"parameter fixed_conversion_price: must be positive (got {a.fixed_conversion_price})")
    tb = term_b_maturity or deal.notes["term_b"].maturity.value
    layer = _fixed_layer(deal, a, terms, tb, prime, rounding)
    return _assemble(deal, a, terms, layer, (outstanding, authorized, holder_owns))


def _assemble(
    deal: Any,
    a: notes.NoteAssumptions,
    terms: RiskTerms,
    layer: _Layer,
    counts: tuple[int | None, int | None, int],
) -> Plan:
    """The :class:`Plan` from the fixed layer: each note's plan, the 4.99% limit at closing, the
    Series D route (authorized shares below the deal's threshold), the default table's columns
    (legacy policy: every note; else the revolver's part) and the revolver's plan."""
    sched, grid, table = layer.sched, layer.grid, layer.table
    cap_table = deal.capitalization  # the Series D route: the loaded deal's threshold and ratio
    outstanding = counts[0] if counts[0] is not None else cap_table.outstanding_at_closing.value
    authorized = counts[1] if counts[1] is not None else cap_table.authorized_at_closing.value
    issue = deal.deal.closing_date.value
    fcp = Fraction(a.fixed_conversion_price)
    plans = {n: _note_plan(base, a, fcp) for n, base in layer.bases.items()}
    legacy = terms.holder.legacy
    principal = np.array(table.principal if legacy else table.revolver_principal, dtype=np.int64)
    payment = np.array(table.payment if legacy else table.revolver_interest, dtype=np.int64)
    limit = max_exercisable(outstanding, counts[2], a.conversion_cap, terms.holder.reading)
    return Plan(
        a, terms, issue, sum(cents(s.face) for s in sched.values()), grid, plans, fcp, limit,
        authorized < cap_table.series_d_until_authorized.value, outstanding, table.default_date, table.demand,
        principal, payment, np.array(table.recovery, dtype=np.int64), cents(terms.cash_capacity),
        layer.rev_plan, counts[2], Fraction(a.conversion_cap),
        cap_table.series_d_ratio.value,
    )  # fmt: skip
