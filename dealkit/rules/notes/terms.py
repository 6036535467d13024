"""The notes' terms: the assumptions a schedule needs, the named rounding points, and the
payment dates.

The notes' own terms are not in any readable source (deal-facts.md): the margin, the floor, Term
A's Monthly Amount, the conversion price, the tests and caps are *assumptions* (``note_terms``
in the deal file, with the range seen in other Laurus deals). Every keyword default that is a
term of the deal is read from the embedded deal file through :func:`dealkit.loader.load_deal`
(never a literal in code).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from dealkit.core.calendar import PAYMENT_CALENDAR, add_business_days, adjust, is_business_day
from dealkit.core.money import format_rate, round_cents
from dealkit.errors import DealDataError

__all__ = [
    "ZERO",
    "INTEREST_ROUNDING",
    "CREDIT_ROUNDING",
    "BACK_SOLVE_ROUNDING",
    "embedded_deal",
    "from_deal",
    "cents",
    "multiple_label",
    "NoteAssumptions",
    "assumptions_from_deal",
    "business_day_convention",
    "payment_dates",
]

ZERO = Decimal("0.00")

# Named rounding points (item 7 of issue 10: no implicit rounding anywhere).
#: Interest, premiums, default amounts and the Default Payment's 130%: to the cent, half-up (the
#: commercial convention, :data:`dealkit.core.money.ROUNDING`), once per period.
INTEREST_ROUNDING = ROUND_HALF_UP
#: Principal credited for shares issued, and the dollar volume a payment in shares may use: to the
#: cent, *down* (never credit or allow more than the shares or the volume cover).
CREDIT_ROUNDING = ROUND_DOWN
#: The principal back-solved from a demand: to the cent, half-up.
BACK_SOLVE_ROUNDING = ROUND_HALF_UP


@functools.lru_cache(maxsize=1)
def embedded_deal() -> Any:
    """The embedded deal file (``data/deal.yaml``, read by the deal layer's loader): the source of
    every keyword default of the notes' rules that is a term of the deal."""
    from dealkit.deal.loader import load_deal

    return load_deal()


def from_deal(read: Callable[[Any], Any]) -> Callable[[], Any]:
    """A dataclass ``default_factory``: ``read(embedded deal)``, evaluated when the object is made."""
    return lambda: read(embedded_deal())


def cents(amount: Decimal) -> Decimal:
    """``amount`` to the cent with :data:`INTEREST_ROUNDING` (half-up): :math:`\\mathrm{round}(x)`."""
    return round_cents(amount, INTEREST_ROUNDING)


def multiple_label(multiple: Decimal) -> str:
    """The name of the Default Payment's multiple × principal (``"130% of principal"`` on the deal
    file's 1.30; cited to the ATG MBN, public record)."""
    return f"{format_rate(multiple)} of principal"


@dataclass(frozen=True)
class NoteAssumptions:
    """The terms a schedule needs; :func:`assumptions_from_deal` takes them from ``note_terms`` in
    the deal file, where each one is cited as an assumption (or, for the 130% Default Payment, the
    public record). ``day_count`` left out is the embedded deal's (``note_terms.day_count``)."""

    margin: Decimal
    floor: Decimal
    monthly_amount: Decimal
    first_amortization: dt.date
    fixed_conversion_price: Decimal
    amortization_share_test: Decimal  # 1.10: 5-day average close ≥ 110% of the FCP
    amortization_volume_cap: Decimal  # 0.25 of 22-day dollar volume
    cash_premium: Decimal  # 1.02: a Monthly Amount paid in cash carries 2%
    maturity_conversion_test: Decimal  # 1.20
    maturity_volume_cap: Decimal  # 0.25
    conversion_cap: Decimal  # 0.0499 (shared with Option §10)
    default_multiple: Decimal  # 1.30
    default_interest_monthly: Decimal  # 0.015
    overadvance_monthly: Decimal  # 0.02
    advance_rate_receivables: Decimal
    advance_rate_inventory: Decimal
    #: The day-count basis of every accrual (``"ACT/360"``, :mod:`dealkit.core.daycount`).
    day_count: str = field(default_factory=from_deal(lambda deal: deal.note_terms.day_count.value))


def assumptions_from_deal(deal: Any, **overrides: Any) -> NoteAssumptions:
    """The deal file's ``note_terms``, with ``overrides`` (e.g. ``margin=Decimal("0.03")``).

    Raises
    ------
    DealDataError
        For an override that is not a field of :class:`NoteAssumptions`.

    Examples
    --------
    >>> from dealkit.loader import load_deal
    >>> assumptions_from_deal(load_deal(), margin=Decimal("0.03")).margin
    Decimal('0.03')
    """
    terms = deal.note_terms
    base = NoteAssumptions(
        terms.prime_margin.value,
        terms.rate_floor.value,
        terms.term_a_monthly_amount.value,
        terms.term_a_first_amortization.value,
        terms.fixed_conversion_price.value,
        terms.amortization_share_test.value,
        terms.amortization_volume_cap.value,
        terms.cash_payment_premium.value,
        terms.maturity_conversion_test.value,
        terms.maturity_volume_cap.value,
        terms.conversion_cap.value,
        terms.default_payment_multiple.value,
        terms.default_interest_monthly.value,
        terms.overadvance_monthly.value,
        terms.advance_rate_receivables.value,
        terms.advance_rate_inventory.value,
        day_count=terms.day_count.value,
    )
    unknown = set(overrides) - {f.name for f in dataclasses.fields(NoteAssumptions)}
    if unknown:
        raise DealDataError(
            f"unknown assumption(s): {sorted(unknown)}"[:200], field="note_terms", value=str(sorted(unknown))[:40]
        )
    return dataclasses.replace(base, **overrides)


def business_day_convention(deal: Any) -> str:
    """The deal file's business-day convention for payment and maturity dates
    (``note_terms.business_day_convention``; see :data:`dealkit.core.calendar.PAYMENT_CONVENTION`)."""
    return str(deal.note_terms.business_day_convention.value)


@functools.lru_cache(maxsize=256)
def payment_dates(issue: dt.date, maturity: dt.date, convention: str | None = None) -> tuple[dt.date, ...]:
    """Interest dates: the first business day of each month after ``issue`` (monthly in arrears,
    an assumption: note_terms.interest_payment), and the maturity date *as paid*.

    The maturity moves by the business-day ``convention`` when it is a weekend or U.S. federal
    holiday (``None``: the embedded deal's ``note_terms.business_day_convention``, ``following``,
    N.Y. Gen. Constr. Law §25-a: "payable on the next succeeding business day", interest running
    to that day; :func:`dealkit.core.calendar.adjust`). So a stated maturity of Saturday 2008-09-06 is
    paid Monday 2008-09-08, and interest accrues to it.

    .. math:: t_k = \\mathrm{bd}(\\text{1st of month } k) < T^* = \\mathrm{adjust}(T), \\quad t_{last} = T^*

    Examples
    --------
    >>> dates = payment_dates(dt.date(2005, 9, 7), dt.date(2008, 9, 6), "following")
    >>> dates[0], dates[-1]
    (datetime.date(2005, 10, 3), datetime.date(2008, 9, 8))
    """
    convention = convention or embedded_deal().note_terms.business_day_convention.value
    final = adjust(maturity, convention, PAYMENT_CALENDAR)
    dates = []
    year, month = issue.year, issue.month
    while True:
        month += 1
        if month == 13:
            year, month = year + 1, 1
        first = dt.date(year, month, 1)
        day = first if is_business_day(first) else add_business_days(first, 1)
        if day >= final:
            break
        dates.append(day)
    return tuple([*dates, final])
