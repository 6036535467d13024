"""Schedules: one frozen row per payment date, and Term Note A (amortizing) and Term Note B
(bullet) with their payments in stock.

A row still reads as the mapping it replaced (``row["interest"]``, ``row.get("repaid")``,
``"draw" in row``), so code written against the dict rows keeps working; new code reads the
attributes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dealkit.deal.loader import PrimeSeries
from dealkit.errors import DealDataError
from dealkit.rules.notes.conversion import Market, stock_payment
from dealkit.rules.notes.interest import Rounding, interest_segments, period_interest, rates_text
from dealkit.rules.notes.terms import ZERO, NoteAssumptions, cents, payment_dates

__all__ = [
    "PeriodRow",
    "RevolverRow",
    "row_from_mapping",
    "Schedule",
    "interest_row",
    "term_a_schedule",
    "term_b_schedule",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class PeriodRow:
    """One payment date of a term note: balance, interest and principal of the period that ends
    on ``date`` (exact ``Decimal``; shares as ``int``).

    .. math:: closing = opening - principal\\_due, \\quad principal\\_due = principal\\_cash + principal\\_stock

    ``opt_*``: the holder's optional conversion on that day beyond the scheduled payment
    (``None``: none was modelled, as in the deal's schedules — then the row, read as a mapping,
    has no such key; the path engine's holder policies set them).
    """

    date: dt.date
    opening: Decimal
    rates: str
    days: int
    interest: Decimal
    principal_due: Decimal
    principal_cash: Decimal
    principal_stock: Decimal
    premium: Decimal
    shares: int
    series_d: int
    limited_by: str
    closing: Decimal
    opt_principal: Decimal | None = None
    opt_shares: int | None = None
    opt_series_d: int | None = None

    def __getitem__(self, key: str) -> Any:
        """``row["interest"]``: the field, as the dict row it replaced (:class:`KeyError` if none)."""
        if key not in self:
            raise KeyError(key)
        return getattr(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        """``row.get(key, default)``, as the dict row it replaced."""
        return getattr(self, key) if key in self else default

    def __contains__(self, key: object) -> bool:
        """``"draw" in row``: whether the row has that key (only a revolver row has ``draw``; an
        ``opt_*`` key only when it was set)."""
        if key not in _field_names(type(self)):
            return False
        return not (isinstance(key, str) and key.startswith("opt_") and getattr(self, key) is None)

    def __iter__(self) -> Iterator[str]:
        """The keys, as a mapping's."""
        return iter(self.keys())

    def keys(self) -> tuple[str, ...]:
        """The row's keys, in field order (:meth:`__contains__`)."""
        return tuple(name for name in _field_names(type(self)) if name in self)

    def __eq__(self, other: object) -> bool:
        """Equal to a row of the same kind with the same values, or to the mapping (the dict
        row) with the same keys and values."""
        if isinstance(other, PeriodRow):
            return type(self) is type(other) and dict(self) == dict(other)
        if isinstance(other, Mapping):
            return dict(self) == dict(other)
        return NotImplemented

    def __hash__(self) -> int:
        """The hash of the row's keys and values."""
        return hash(tuple((name, self[name]) for name in self.keys()))


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)  # eq: PeriodRow's (a row or its mapping)
class RevolverRow(PeriodRow):
    """One payment date of the revolving line: a :class:`PeriodRow` plus the period's ``draw`` and
    ``repaid`` (each dated, :attr:`Schedule.movements`), the ``borrowing_base`` and
    ``overadvance`` at its end, and the ``overadvance_interest`` inside ``interest``."""

    draw: Decimal
    repaid: Decimal
    borrowing_base: Decimal
    overadvance: Decimal
    overadvance_interest: Decimal


_FIELD_NAMES: dict[str, tuple[str, ...]] = {}


def _field_names(kind: type) -> tuple[str, ...]:
    """The field names of a row class, in order (cached: rows are read by key in loops)."""
    names = _FIELD_NAMES.get(kind.__qualname__)
    if names is None:
        names = _FIELD_NAMES[kind.__qualname__] = tuple(f.name for f in dataclasses.fields(kind))
    return names


def row_from_mapping(values: Mapping[str, Any]) -> PeriodRow:
    """A row from a mapping of its fields (a :class:`RevolverRow` when it has ``draw``).

    Raises
    ------
    DealDataError
        For a missing or unknown field, naming it.
    """
    kind = RevolverRow if "draw" in values else PeriodRow
    try:
        return kind(**values)
    except TypeError as exc:
        raise DealDataError(f"schedule row of {values.get('date')}: {exc}"[:200], field="rows") from None


@dataclass(frozen=True, slots=True)
class Schedule:
    """One row per period. ``rows`` keep exact ``Decimal`` (rows given as mappings are made
    :class:`PeriodRow` / :class:`RevolverRow`); the tables are in :mod:`dealkit.present.notes_tables`.

    .. math:: \\text{conserved} \\iff \\sum principal\\_cash + \\sum principal\\_stock + outstanding = drawn
    """

    note: str
    face: Decimal
    rows: tuple[PeriodRow, ...]
    assumptions: NoteAssumptions
    #: The issue date: interest accrues from it until the first payment date.
    issue: dt.date | None = None
    #: Principal outstanding before the first row: the face of a term note, nothing on a revolver.
    initial: Decimal | None = None
    #: Interest is charged on at least this balance (the MBN inside the revolving line).
    minimum: Decimal = ZERO
    #: Dated draws (+) and repayments (−) of a revolving line, each on its own date.
    movements: tuple[tuple[dt.date, Decimal], ...] = field(default=())
    #: The schedule was cut at this date (``stop=``, e.g. a default date); ``None``: it runs to maturity.
    until: dt.date | None = None

    def __post_init__(self) -> None:
        """Rows given as mappings become frozen rows."""
        if any(not isinstance(row, PeriodRow) for row in self.rows):
            rows = tuple(row if isinstance(row, PeriodRow) else row_from_mapping(row) for row in self.rows)
            object.__setattr__(self, "rows", rows)

    @property
    def principal_cash(self) -> Decimal:
        """Principal paid in cash, all rows."""
        return sum((row.principal_cash for row in self.rows), ZERO)

    @property
    def principal_stock(self) -> Decimal:
        """Principal credited for shares, all rows."""
        return sum((row.principal_stock for row in self.rows), ZERO)

    @property
    def interest(self) -> Decimal:
        """Interest, all rows."""
        return sum((row.interest for row in self.rows), ZERO)

    @property
    def premium(self) -> Decimal:
        """Cash premiums, all rows."""
        return sum((row.premium for row in self.rows), ZERO)

    @property
    def shares(self) -> int:
        """Shares issued, all rows."""
        return sum(row.shares for row in self.rows)

    @property
    def opening_balance(self) -> Decimal:
        """Principal outstanding before any row: ``initial`` (the face when not given)."""
        return self.face if self.initial is None else self.initial

    @property
    def outstanding(self) -> Decimal:
        """Principal outstanding after the last row (before any row: :attr:`opening_balance`)."""
        return self.rows[-1].closing if self.rows else self.opening_balance

    def balance_on(self, day: dt.date) -> Decimal:
        """Principal outstanding at the end of ``day``: the last row's closing (or the opening
        balance) plus every draw and repayment dated after that row's accrual start and up to
        ``day``. What was *drawn*, not the line's limit (issue 10, item 7b)."""
        since = self.accrual_start()
        return self.outstanding + sum((amount for when, amount in self.movements if since <= when <= day), ZERO)

    def accrual_start(self) -> dt.date:
        """The last accrual date: the last row's payment date, or the issue date before any row."""
        if self.rows:
            return self.rows[-1].date
        if self.issue is None:
            raise DealDataError(f"{self.note}: the schedule does not record its issue date", field="issue")
        return self.issue

    @property
    def drawn(self) -> Decimal:
        """What was lent: the face of a term note, the sum of the draws on the revolver."""
        if self.rows and isinstance(self.rows[0], RevolverRow):
            return sum((row.draw for row in self.rows if isinstance(row, RevolverRow)), ZERO)
        return self.face

    def conserved(self) -> bool:
        """principal paid in cash + in stock + outstanding = face (or drawn), exactly."""
        return self.principal_cash + self.principal_stock + self.outstanding == self.drawn


def interest_row(
    principal: Decimal, start: dt.date, end: dt.date, a: NoteAssumptions, prime: PrimeSeries | None, rounding: Rounding
) -> tuple[Decimal, str, int]:
    """A row's interest on ``principal`` over ``[start, end)`` at the named ``rounding``, the rates
    it ran at, and its days (:func:`dealkit.rules.notes.interest.period_interest`).

    .. math:: I = \\mathrm{round}(P \\sum_s r_s d_s / Y)
    """
    segments = interest_segments(principal, start, end, a.margin, a.floor, prime, day_count=a.day_count)
    interest = period_interest(principal, segments, rounding, a.day_count)
    return interest, rates_text([s.rate for s in segments]), sum(s.days for s in segments)


def _term_a_due(day: dt.date, final: dt.date, balance: Decimal, a: NoteAssumptions) -> Decimal:
    """Term A's principal due on ``day``: all that is left at maturity, else the Monthly Amount
    from the first amortization date (at most the balance), else nothing.

    .. math:: due_k = \\begin{cases} B_k & t_k = T \\\\ \\min(M, B_k) & t_k \\ge t_{amort} \\\\
              0 & \\text{else} \\end{cases}
    """
    if day == final:
        return balance
    if day >= a.first_amortization:
        return min(a.monthly_amount, balance)
    return ZERO


def _term_row(
    balance: Decimal,
    start: dt.date,
    day: dt.date,
    due: Decimal,
    a: NoteAssumptions,
    market: Market,
    prime: PrimeSeries | None,
    rounding: Rounding,
    amortizing: bool,
) -> PeriodRow:
    """A term note's row: interest on ``balance`` over ``[start, day)``, and ``due`` paid in shares
    where the tests allow (Term A: the amortization test and cap, the rest in cash at the cash
    premium; Term B: the maturity test and cap, the rest in cash at 100%).

    .. math:: cash = due - stock, \\quad premium = \\mathrm{round}(cash \\cdot (c - 1))
    """
    interest, rates, days = interest_row(balance, start, day, a, prime, rounding)
    test, cap = (
        (a.amortization_share_test, a.amortization_volume_cap)
        if amortizing
        else (a.maturity_conversion_test, a.maturity_volume_cap)
    )
    paid = stock_payment(due, day, a, market, test, cap)
    cash = due - paid.principal
    return PeriodRow(
        date=day,
        opening=balance,
        rates=rates,
        days=days,
        interest=interest,
        principal_due=due,
        principal_cash=cash,
        principal_stock=paid.principal,
        premium=cents(cash * (a.cash_premium - 1)) if amortizing else ZERO,
        shares=paid.shares,
        series_d=paid.series_d,
        limited_by=paid.limited_by,
        closing=balance - due,
    )


def _term_schedule(
    note: str,
    face: Decimal,
    issue: dt.date,
    maturity: dt.date,
    a: NoteAssumptions,
    market: Market,
    prime: PrimeSeries | None,
    rounding: Rounding,
    stop: dt.date | None,
    convention: str | None,
    amortizing: bool,
) -> Schedule:
    """A term note's rows on its payment dates up to ``stop``: Term A's principal due by
    :func:`_term_a_due`, Term B's all at maturity."""
    rows: list[PeriodRow] = []
    balance, last = face, issue
    dates = payment_dates(issue, maturity, convention)
    for day in dates:
        if stop and day > stop:
            break
        final = day == dates[-1]
        due = _term_a_due(day, dates[-1], balance, a) if amortizing else (balance if final else ZERO)
        rows.append(_term_row(balance, last, day, due, a, market, prime, rounding, amortizing))
        balance, last = rows[-1].closing, day
    return Schedule(note, face, tuple(rows), a, issue=issue, initial=face, until=stop)


def term_a_schedule(
    face: Decimal,
    issue: dt.date,
    maturity: dt.date,
    a: NoteAssumptions,
    market: Market,
    prime: PrimeSeries | None = None,
    rounding: Rounding = "period",
    stop: dt.date | None = None,
    *,
    convention: str | None = None,
) -> Schedule:
    """Term Note A (inferred: the amortizing note; Laurus form, terms assumed).

    Interest monthly in arrears; from the first amortization date a Monthly Amount of principal
    is due each payment date (:func:`_term_a_due`), and all that is left at maturity — also when
    the first amortization date falls after it (issue 10, item 7b). It is paid in shares at the
    Fixed Conversion Price when the 5-day average close is at least ``amortization_share_test`` ×
    FCP, within the volume cap and the 4.99% cap; otherwise in cash at ``cash_premium``
    (:func:`_term_row`). The maturity is paid on the business day ``convention`` gives
    (:func:`payment_dates`). ``stop``: end the schedule there; the balance stays outstanding.

    Examples
    --------
    >>> from dealkit.loader import load_deal
    >>> from dealkit.rules.notes.terms import assumptions_from_deal
    >>> a = assumptions_from_deal(load_deal())
    >>> s = term_a_schedule(Decimal("3000000.00"), dt.date(2005, 9, 7), dt.date(2008, 9, 6), a,
    ...                     Market(Decimal("0.06"), 5_000_000))
    >>> s.conserved(), s.rows[5].date, s.rows[5].shares
    (True, datetime.date(2006, 3, 1), 2000000)
    """
    return _term_schedule("Term A", face, issue, maturity, a, market, prime, rounding, stop, convention, True)


def term_b_schedule(
    face: Decimal,
    issue: dt.date,
    maturity: dt.date,
    a: NoteAssumptions,
    market: Market,
    prime: PrimeSeries | None = None,
    rounding: Rounding = "period",
    stop: dt.date | None = None,
    *,
    convention: str | None = None,
) -> Schedule:
    """Term Note B (inferred: the bullet note; Laurus form, terms assumed).

    Interest monthly; at maturity (paid on the business day ``convention`` gives) the holder
    converts what is due when the 5-day average close is at least ``maturity_conversion_test`` ×
    FCP, within ``maturity_volume_cap`` of 22-day dollar volume (and the 4.99% cap); the rest is
    paid in cash at 100%.

    .. math:: due_k = F \\cdot [t_k = T], \\quad cash_k = due_k - stock_k
    """
    return _term_schedule("Term B", face, issue, maturity, a, market, prime, rounding, stop, convention, False)
