"""The Secured Revolving Note with the Minimum Borrowing Note inside it, on the daily balance;
and the deal's three schedules built together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dealkit.core.daycount import interest_from_rate_days
from dealkit.core.money import CENT
from dealkit.deal.loader import PrimeSeries
from dealkit.errors import DealDataError, ParameterError
from dealkit.rules.notes.conversion import Market
from dealkit.rules.notes.interest import Rounding, interest_segments, rates_text
from dealkit.rules.notes.schedule import RevolverRow, Schedule, term_a_schedule, term_b_schedule
from dealkit.rules.notes.terms import (
    CREDIT_ROUNDING,
    ZERO,
    NoteAssumptions,
    business_day_convention,
    cents,
    payment_dates,
)

__all__ = [
    "BorrowingBase",
    "borrowing_base",
    "check_reports",
    "revolver_schedule",
    "default_reports",
    "build_schedules",
]


@dataclass(frozen=True, slots=True)
class BorrowingBase:
    """A borrowing-base report: eligible receivables and inventory, and the draw (+) or
    repayment (−) made on that date."""

    date: dt.date
    receivables: Decimal
    inventory: Decimal
    draw: Decimal = ZERO


def borrowing_base(report: BorrowingBase, a: NoteAssumptions, limit: Decimal) -> Decimal:
    """The borrowing base of a report, to the cent down (never lend on a fraction of a cent the
    collateral does not cover, :data:`CREDIT_ROUNDING`), at most the line.

    .. math:: BB = \\min(L, \\lfloor R \\cdot a_R + V \\cdot a_V \\rfloor_{cent})
    """
    base = report.receivables * a.advance_rate_receivables + report.inventory * a.advance_rate_inventory
    return min(limit, base.quantize(CENT, rounding=CREDIT_ROUNDING))


def check_reports(limit: Decimal, events: Sequence[BorrowingBase], issue: dt.date, final: dt.date) -> None:
    """Refuse reports before the issue date or on/after the final payment date, draws beyond the
    line and repayments beyond the balance (:math:`0 \\le B \\le L` after every report).

    Raises
    ------
    DealDataError
        Naming the report's date and amount.
    """
    balance = ZERO
    for report in events:
        problem = ""
        if report.date < issue:
            problem = f"borrowing-base report of {report.date} precedes the issue date {issue}"
        elif report.date >= final:
            problem = f"borrowing-base report of {report.date} is on or after the line's final payment date {final}"
        elif report.draw > 0 and balance + report.draw > limit:
            problem = f"draw of {report.draw} on {report.date} exceeds the line: balance {balance}, limit {limit}"
        elif report.draw < 0 and -report.draw > balance:
            problem = f"repayment of {-report.draw} on {report.date} exceeds the balance {balance}"
        if problem:
            raise DealDataError(problem, field="reports", value=str(report.draw)[:40])
        balance += report.draw


@dataclass
class _Line:
    """The line's running state while a schedule is built (internal, mutable): the balance, the
    last reported borrowing base and the next report to apply."""

    events: Sequence[BorrowingBase]
    limit: Decimal
    balance: Decimal = ZERO
    base: Decimal = ZERO
    next_report: int = 0


@dataclass
class _Period:
    """One period's sums (internal, mutable): draws and repayments, the exact rate-days of the
    contract and overadvance interest, and their day-by-day rounded totals."""

    draws: Decimal = ZERO
    repaid: Decimal = ZERO
    exact: Decimal = ZERO
    over_exact: Decimal = ZERO
    daily: Decimal = ZERO
    over_daily: Decimal = ZERO
    rates: list[Decimal] = field(default_factory=list)


def _apply_reports(line: _Line, period: _Period, cut: dt.date, a: NoteAssumptions) -> None:
    """Apply every report dated on or before ``cut``: its borrowing base and its draw (+) or
    repayment (−), which changes the balance from its own day."""
    while line.next_report < len(line.events) and line.events[line.next_report].date <= cut:
        report = line.events[line.next_report]
        line.base = borrowing_base(report, a, line.limit)
        if report.draw > 0:
            period.draws += report.draw
        else:
            period.repaid -= report.draw
        line.balance += report.draw
        line.next_report += 1


def _accrue(
    line: _Line, start: dt.date, end: dt.date, a: NoteAssumptions, mbn: Decimal, prime: PrimeSeries | None
) -> _Period:
    """Σ over the days of ``[start, end)`` of :math:`\\max(B_d, MBN)\\,r_d` and of the overadvance
    :math:`\\max(0, B_d - BB_d)\\,12\\,o`, exact and day by day rounded, cut at every report."""
    period, cut, over_annual = _Period(), start, a.overadvance_monthly * 12
    while cut < end:
        _apply_reports(line, period, cut, a)
        upcoming = line.events[line.next_report].date if line.next_report < len(line.events) else end
        piece_end = min(end, upcoming)
        charged = max(line.balance, mbn)
        over = max(ZERO, line.balance - line.base)
        for seg in interest_segments(charged, cut, piece_end, a.margin, a.floor, prime, day_count=a.day_count):
            period.exact += charged * seg.rate * seg.days
            period.daily += cents(interest_from_rate_days(charged * seg.rate, a.day_count)) * seg.days
            period.rates.append(seg.rate)
        days = (piece_end - cut).days
        period.over_exact += over * over_annual * days
        period.over_daily += cents(interest_from_rate_days(over * over_annual, a.day_count)) * days
        cut = piece_end
    return period


def _interest(period: _Period, rounding: Rounding, day_count: str) -> tuple[Decimal, Decimal]:
    """(contract + overadvance interest, overadvance interest) of a period at the named rounding."""
    if rounding == "period":
        over = cents(interest_from_rate_days(period.over_exact, day_count))
        return cents(interest_from_rate_days(period.exact, day_count)) + over, over
    if rounding == "daily":
        return period.daily + period.over_daily, period.over_daily
    raise ParameterError(f"parameter rounding: 'period' or 'daily' (got {str(rounding)[:40]!r})")


def _revolver_row(
    line: _Line,
    start: dt.date,
    day: dt.date,
    final: dt.date,
    a: NoteAssumptions,
    mbn: Decimal,
    prime: PrimeSeries | None,
    rounding: Rounding,
) -> RevolverRow:
    """The period ``[start, day)`` of the line: its draws, repayments and interest
    (:func:`_accrue`), and the balance repaid in cash on the ``final`` payment date (which leaves
    ``line`` at zero)."""
    opening = line.balance
    period = _accrue(line, start, day, a, mbn, prime)
    interest, over_interest = _interest(period, rounding, a.day_count)
    due = line.balance if day == final else ZERO
    row = RevolverRow(
        date=day,
        opening=opening,
        draw=period.draws,
        repaid=period.repaid,
        borrowing_base=line.base,
        overadvance=max(ZERO, line.balance - line.base),
        rates=rates_text(period.rates),
        days=(day - start).days,
        interest=interest,
        overadvance_interest=over_interest,
        principal_due=due,
        principal_cash=period.repaid + due,
        principal_stock=ZERO,
        premium=ZERO,
        shares=0,
        series_d=0,
        limited_by="",
        closing=line.balance - due,
    )
    line.balance -= due
    return row


def revolver_schedule(
    limit: Decimal,
    mbn: Decimal,
    issue: dt.date,
    maturity: dt.date,
    a: NoteAssumptions,
    reports: Sequence[BorrowingBase],
    prime: PrimeSeries | None = None,
    rounding: Rounding = "period",
    stop: dt.date | None = None,
    *,
    convention: str | None = None,
) -> Schedule:
    """The Secured Revolving Note with the Minimum Borrowing Note inside it, on the **daily
    balance** (issue 10, item 1; Laurus form, terms assumed).

    Draws and repayments come with borrowing-base reports (:func:`borrowing_base`; advance rates
    assumed, checked by :func:`check_reports`) and change the balance *from their own date on*; a
    report dated on a payment date opens the next period. Interest accrues each day on at least
    the MBN at that day's contract rate, and ``overadvance_monthly`` × 12 a year more on the part
    above the day's borrowing base; a period's interest is the exact sum over its days rounded
    once half-up (``"period"``), or each day's amount rounded (``"daily"``). The balance at
    maturity (paid on the business day ``convention`` gives) is repaid in cash.

    .. math:: I_k = \\mathrm{round}\\Big(\\sum_{d \\in [t_{k-1}, t_k)} \\frac{\\max(B_d, MBN)\\, r_d
              + \\max(0, B_d - BB_d)\\, 12\\, o}{360}\\Big)
    """
    events = sorted(reports, key=lambda report: report.date)
    dates = payment_dates(issue, maturity, convention)
    check_reports(limit, events, issue, dates[-1])
    line, rows, last = _Line(events, limit), [], issue
    for day in dates:
        if stop and day > stop:
            break
        rows.append(_revolver_row(line, last, day, dates[-1], a, mbn, prime, rounding))
        last = day
    movements = tuple((report.date, report.draw) for report in events if report.draw)
    return Schedule(
        "Revolver + MBN", limit, tuple(rows), a, issue=issue, initial=ZERO, minimum=mbn, movements=movements, until=stop
    )


def default_reports(deal: Any) -> list[BorrowingBase]:
    """The revolver as funded at closing: the line (``notes.revolving.face``) drawn in full through
    the escrow (the Escrowed Payment equals the facility), against the borrowing base the deal
    file assumes (``note_terms.borrowing_base_receivables`` and ``borrowing_base_inventory``: not
    in the sources)."""
    terms = deal.note_terms
    return [
        BorrowingBase(
            deal.deal.closing_date.value,
            terms.borrowing_base_receivables.value,
            terms.borrowing_base_inventory.value,
            deal.notes["revolving"].face.value,
        )
    ]


def build_schedules(
    deal: Any,
    a: NoteAssumptions,
    market: Market,
    reports: Sequence[BorrowingBase] | None = None,
    term_b_maturity: dt.date | None = None,
    stop: dt.date | None = None,
    prime: PrimeSeries | None = None,
    rounding: Rounding = "period",
    *,
    convention: str | None = None,
) -> dict[str, Schedule]:
    """Term A, Term B and the revolver with the MBN on the deal's faces and dates, moved by its
    business-day convention (``convention`` overrides it).

    Examples
    --------
    >>> from dealkit.loader import load_deal
    >>> from dealkit.rules.notes.terms import assumptions_from_deal
    >>> deal = load_deal()
    >>> market = Market.for_deal(deal, Decimal("0.06"), 5_000_000)
    >>> schedules = build_schedules(deal, assumptions_from_deal(deal), market)
    >>> sorted(schedules), all(s.conserved() for s in schedules.values())
    (['revolver', 'term_a', 'term_b'], True)
    """
    notes = deal.notes
    issue = deal.deal.closing_date.value
    conv = convention or business_day_convention(deal)
    term_a, term_b, line = notes["term_a"], notes["term_b"], notes["revolving"]
    tail = (prime, rounding, stop)
    reports = reports if reports is not None else default_reports(deal)
    b_maturity = term_b_maturity or term_b.maturity.value
    return {
        "term_a": term_a_schedule(term_a.face.value, issue, term_a.maturity.value, a, market, *tail, convention=conv),
        "term_b": term_b_schedule(term_b.face.value, issue, b_maturity, a, market, *tail, convention=conv),
        "revolver": revolver_schedule(
            line.face.value, notes["mbn"].face.value, issue, line.maturity.value, a, reports, *tail, convention=conv
        ),
    }
