"""Default: the Default Payment (cited to the ATG MBN, public record), default interest, the
payment waterfall, the scenario of an acceleration, and the back-solve of a demand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from dealkit.core.calendar import add_months
from dealkit.core.daycount import interest_from_rate_days, year_days
from dealkit.core.money import CENT
from dealkit.deal.loader import PrimeSeries
from dealkit.errors import DealDataError, ParameterError
from dealkit.rules.notes.interest import interest_segments, rate_days
from dealkit.rules.notes.schedule import Schedule
from dealkit.rules.notes.terms import BACK_SOLVE_ROUNDING, ZERO, NoteAssumptions, cents, embedded_deal

__all__ = [
    "default_payment",
    "apply_payment",
    "default_interest",
    "DefaultScenario",
    "default_scenario",
    "per_dollar_contract",
    "per_dollar_default",
    "solve_principal",
    "BackSolveRow",
    "back_solve_rows",
]


def default_payment(principal: Decimal, interest: Decimal, fees: Decimal, multiple: Decimal | None = None) -> Decimal:
    """The Default Payment: ``multiple`` (130% in the deal file) × outstanding principal + accrued
    interest + fees (cited to the ATG MBN, public record: ``note_terms.default_payment_multiple``;
    ``None`` takes the embedded deal's). The multiple's part is rounded to the cent half-up.

    .. math:: DP = \\mathrm{round}(m\\,P) + I + F

    Examples
    --------
    >>> default_payment(Decimal("1000000.00"), Decimal("5000.00"), Decimal("0.00"), Decimal("1.30"))
    Decimal('1305000.00')
    """
    if multiple is None:
        multiple = embedded_deal().note_terms.default_payment_multiple.value
    return cents(principal * multiple) + interest + fees


def apply_payment(payment: Decimal, fees: Decimal, interest: Decimal, principal_due: Decimal) -> dict[str, Decimal]:
    """Apply a payment to fees, then interest, then principal (the Default Payment's order);
    returns what each received and what is left unpaid.

    .. math:: \\text{applied} + \\text{excess} = \\text{payment}
    """
    left = payment
    applied = {}
    for name, owed in (("fees", fees), ("interest", interest), ("principal", principal_due)):
        take = min(left, owed)
        applied[name] = take
        applied[f"{name}_unpaid"] = owed - take
        left -= take
    applied["excess"] = left
    return applied


def default_interest(
    principal: Decimal, start: dt.date, end: dt.date, monthly: Decimal | None = None, *, day_count: str | None = None
) -> Decimal:
    """Default interest: ``monthly`` × 12 per year on the principal, actual days over the deal's
    year (ACT/360), from ``start`` to ``end`` (the Laurus form adds 1.5% per month; ATG's figure is
    an assumption, ``note_terms.default_interest_monthly``; ``None`` takes the embedded deal's),
    rounded once half-up.

    .. math:: I_d = \\mathrm{round}(P \\cdot 12\\,m \\cdot days / 360)

    Raises
    ------
    DealDataError
        When ``end`` is before ``start``.
    """
    if monthly is None:
        monthly = embedded_deal().note_terms.default_interest_monthly.value
    day_count = day_count or embedded_deal().note_terms.day_count.value
    days = (end - start).days
    if days < 0:
        raise DealDataError(f"end {end} is before start {start}", field="end", value=str(end))
    return cents(interest_from_rate_days(principal * monthly * 12 * days, day_count))


@dataclass(frozen=True, slots=True)
class DefaultScenario:
    """The notes accelerated on ``default_date`` and paid on ``demand_date``: the ``principal``
    outstanding (what was drawn, not the line), contract interest since each note's last accrual
    date, default interest, ``fees``, the Default Payment and its premium over principal."""

    default_date: dt.date
    demand_date: dt.date
    principal: Decimal
    accrued_interest: Decimal
    default_interest: Decimal
    fees: Decimal
    payment: Decimal
    premium_over_principal: Decimal


def _accrue_on(
    balance: Decimal, start: dt.date, end: dt.date, a: NoteAssumptions, prime: PrimeSeries | None
) -> Decimal:
    """The exact rate-days of contract interest on ``balance`` over ``[start, end)``."""
    return rate_days(balance, interest_segments(balance, start, end, a.margin, a.floor, prime, day_count=a.day_count))


def _note_at_default(
    schedule: Schedule, default_date: dt.date, demand_date: dt.date, a: NoteAssumptions, prime: PrimeSeries | None
) -> tuple[Decimal, Decimal, Decimal]:
    """One note's (principal at default, rounded contract interest, default interest): the daily
    balance (at least the minimum) from the last accrual date to the default, the balance itself
    after acceleration to the demand."""
    since = schedule.accrual_start()
    if since > default_date:
        raise DealDataError(
            f"{schedule.note}: the schedule runs past the default date {default_date} "
            f"(last row {since}); build it with stop={default_date}",
            field="stop",
            value=str(default_date),
        )
    exact, balance, cut = Decimal(0), schedule.outstanding, since
    for when, amount in sorted(schedule.movements):
        if not since <= when <= default_date:
            continue
        if when > cut:
            exact += _accrue_on(max(balance, schedule.minimum), cut, when, a, prime)
            cut = when
        balance += amount
    if default_date > cut:
        exact += _accrue_on(max(balance, schedule.minimum), cut, default_date, a, prime)
    penalty = ZERO
    if balance:  # after acceleration: interest on the balance itself (no MBN minimum)
        exact += _accrue_on(balance, default_date, demand_date, a, prime)
        penalty = default_interest(
            balance, default_date, demand_date, a.default_interest_monthly, day_count=a.day_count
        )
    return balance, cents(interest_from_rate_days(exact, a.day_count)), penalty


def default_scenario(
    schedules: Mapping[str, Schedule],
    default_date: dt.date,
    demand_date: dt.date,
    a: NoteAssumptions,
    fees: Decimal = ZERO,
    prime: PrimeSeries | None = None,
) -> DefaultScenario:
    """The Default Payment if the notes are accelerated on ``default_date`` and paid on
    ``demand_date`` (Default Payment cited to the ATG MBN; terms assumed):

    .. math:: DP = \\mathrm{round}(1.30 \\sum_n P_n) + \\sum_n \\big(\\mathrm{round}(I^c_n) + I^d_n\\big) + F

    - ``P_n``: each note's principal at the default date — **what was drawn** (issue 10, item 7b);
    - ``I^c_n``: contract interest from the note's **last accrual date** (its last payment date,
      or its issue date before the first one; item 3) on the daily balance (at least the MBN on
      the revolver until the default, the balance itself after acceleration) to ``demand_date``;
    - ``I^d_n``: default interest (``default_interest_monthly``) from default to demand; ``F``: ``fees``.

    The schedules must stop at the default date (``stop=``): a row after it is refused.
    """
    if demand_date < default_date:
        raise DealDataError(
            f"demand date {demand_date} is before the default date {default_date}",
            field="demand_date",
            value=str(demand_date),
        )
    principal = accrued = penalty = ZERO
    for schedule in schedules.values():
        balance, interest, note_penalty = _note_at_default(schedule, default_date, demand_date, a, prime)
        principal += balance
        accrued += interest
        penalty += note_penalty
    payment = default_payment(principal, accrued + penalty, fees, a.default_multiple)
    return DefaultScenario(default_date, demand_date, principal, accrued, penalty, fees, payment, payment - principal)


def per_dollar_contract(
    anchor: dt.date, due: dt.date, months: int, a: NoteAssumptions, prime: PrimeSeries | None
) -> tuple[dt.date, Decimal]:
    """(start, Y × contract interest per dollar of principal from ``months`` months before
    ``anchor`` — month ends kept, :func:`dealkit.core.calendar.add_months` — to ``due``), exact.

    .. math:: i = \\sum_s r_s d_s
    """
    if isinstance(months, bool) or not isinstance(months, int) or months < 0:
        raise ParameterError(f"parameter months_unpaid: a whole number of months ≥ 0 (got {str(months)[:40]!r})")
    start = add_months(anchor, -months)
    if start > due:
        raise ParameterError(f"parameter months_unpaid: interest would start on {start}, after the due date {due}")
    return start, _accrue_on(Decimal(1), start, due, a, prime)


def per_dollar_default(default_from: dt.date | None, due: dt.date, a: NoteAssumptions) -> Decimal:
    """Y × default interest per dollar of principal from ``default_from`` to ``due`` (0 without a
    default date), exact: :math:`i_d = 12\\,m \\cdot days`."""
    if default_from is None:
        return Decimal(0)
    if default_from > due:
        raise ParameterError(f"parameter default_dates: default date {default_from} is after the due date {due}")
    return a.default_interest_monthly * 12 * (due - default_from).days


def solve_principal(
    demand: Decimal, a: NoteAssumptions, per_dollar: Decimal, fee: Decimal = ZERO, rounding: str = BACK_SOLVE_ROUNDING
) -> Decimal:
    """The principal whose Default Payment is ``demand``: one division of exact numerators,
    rounded to the cent by the named ``rounding``.

    .. math:: P = \\mathrm{round}\\Big(\\frac{Y\\,D}{Y\\,m + i + i_d + Y f}\\Big)

    Examples
    --------
    >>> from dealkit.loader import load_deal
    >>> from dealkit.rules.notes.terms import assumptions_from_deal
    >>> solve_principal(Decimal("13580810"), assumptions_from_deal(load_deal()), Decimal(0))
    Decimal('10446776.92')
    """
    year = year_days(a.day_count)
    return (demand * year / (a.default_multiple * year + per_dollar + fee * year)).quantize(CENT, rounding=rounding)


@dataclass(frozen=True, slots=True)
class BackSolveRow:
    """One combination of the back-solve: months unpaid (and the date interest runs from), the
    default date (``None``: no default interest), the fee rate, the principal and its parts."""

    months_unpaid: int
    interest_from: dt.date
    default_from: dt.date | None
    fee_rate: Decimal
    principal: Decimal
    multiple_part: Decimal
    interest: Decimal
    fees: Decimal
    total: Decimal
    consistent: bool


def back_solve_rows(
    demand: Decimal,
    due: dt.date,
    a: NoteAssumptions,
    *,
    months_unpaid: Sequence[int] = (0, 1, 2, 3),
    default_dates: Sequence[dt.date | None] = (None,),
    fee_rates: Sequence[Decimal] = (ZERO,),
    prime: PrimeSeries | None = None,
    max_principal: Decimal | None = None,
    principal_rounding: str = BACK_SOLVE_ROUNDING,
    months_from: dt.date | None = None,
) -> tuple[BackSolveRow, ...]:
    """Which outstanding principal balances are consistent with a demand, under the assumptions:
    one row per combination of months unpaid, default date and fee rate.

    ``demand = 1.30 P + I + F`` with ``I`` linear in ``P`` (contract interest for ``months_unpaid``
    months before ``months_from``, default ``due``, plus default interest), ``F`` a fraction of
    ``P``, so :func:`solve_principal` gives :math:`P = \\mathrm{round}(D / (1.30 + i + f))`. With no
    unpaid months, default interest or fees, ``P = round(demand / 1.30)`` exactly. Balances above
    ``max_principal`` (``None``: the embedded deal's facility) are flagged inconsistent.
    """
    if max_principal is None:
        max_principal = embedded_deal().facility_total()
    rows = []
    for months in months_unpaid:
        start, contract = per_dollar_contract(months_from or due, due, months, a, prime)
        for default_from in default_dates:
            per_dollar = contract + per_dollar_default(default_from, due, a)
            for fee in fee_rates:
                principal = solve_principal(demand, a, per_dollar, fee, principal_rounding)
                interest = cents(interest_from_rate_days(principal * per_dollar, a.day_count))
                multiple_part, fees = cents(principal * a.default_multiple), cents(principal * fee)
                rows.append(
                    BackSolveRow(
                        months,
                        start,
                        default_from,
                        fee,
                        principal,
                        multiple_part,
                        interest,
                        fees,
                        multiple_part + interest + fees,
                        bool(0 < principal <= max_principal),
                    )
                )
    return tuple(rows)
