"""Money, rates and day counts, exactly.

Money is :class:`decimal.Decimal`, built from strings (never floats), and rounded to the cent at
named points with a named rounding mode. The default mode is ``ROUND_HALF_UP`` (the commercial
convention); Python's own default, half-even, is never used implicitly.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from dealkit.core.daycount import YEAR_DAYS, interest_from_rate_days

__all__ = [
    "CENT", "ROUNDING", "ROUNDING_MODES", "to_decimal", "round_cents", "days_between",
    "YEAR_DAYS", "year_fraction", "simple_interest", "year_fraction_act_360", "simple_interest_act_360",
    "simple_interest_act_365", "format_money", "format_rate",
]

CENT = Decimal("0.01")
#: The rounding mode used wherever a rule does not name another one.
ROUNDING = ROUND_HALF_UP
#: Rounding modes a caller may name.
ROUNDING_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}


def to_decimal(value: object, what: str = "value") -> Decimal:
    """Parse ``value`` into a finite ``Decimal`` through the one parser, :func:`dealkit.core.parse.decimal`
    (any number of digits: callers such as the escrow's percents keep exact values beyond 28).

    Accepts ``Decimal``, ``int`` (not ``bool``) and strings such as ``"1350000.00"``,
    ``"1,350,000.00"`` or ``"$450,000"``. Floats are refused: a float has already lost the cents.

    Raises
    ------
    dealkit.errors.ParseError
        A ``ValueError`` reading ``"<what>: <reason>"``.

    Examples
    --------
    >>> to_decimal("$450,000")
    Decimal('450000')
    """
    from dealkit.core.parse import decimal
    from dealkit.errors import ParseError

    try:
        return decimal(value, what, max_digits=None, scientific=True)
    except ParseError as exc:
        raise ParseError(f"{what}:", exc.reason) from None


def round_cents(amount: Decimal, rounding: str = ROUNDING) -> Decimal:
    """Round ``amount`` to the cent.

    ``amount.quantize(Decimal("0.01"), rounding)``; the mode defaults to :data:`ROUNDING`
    (``ROUND_HALF_UP``). A ``float`` is refused.
    """
    if not isinstance(amount, Decimal):
        raise TypeError(f"round_cents needs a Decimal, got {type(amount).__name__} ({amount!r})")
    return amount.quantize(CENT, rounding=rounding)


def days_between(start: dt.date, end: dt.date) -> int:
    """Actual days from ``start`` inclusive to ``end`` exclusive (``end - start``); never negative."""
    days = (end - start).days
    if days < 0:
        raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
    return days


def year_fraction(start: dt.date, end: dt.date, basis: str = "ACT/360") -> Decimal:
    """Year fraction of a day-count ``basis``: actual days elapsed over the basis's year, exact.

    .. math:: f = \\frac{d_{end} - d_{start}}{Y}, \\quad Y = 360 \\text{ (ACT/360) or } 365 \\text{ (ACT/365)}

    The one day count of dealkit (:mod:`dealkit.core.daycount`): the notes (note_terms.day_count),
    the escrow's §5.3 readings and the vectorized engines all read their year from its
    :data:`~dealkit.core.daycount.YEAR_DAYS` and divide once.

    Examples
    --------
    >>> year_fraction(dt.date(2005, 9, 7), dt.date(2005, 10, 1))
    Decimal('0.06666666666666666666666666667')
    """
    return interest_from_rate_days(Decimal(days_between(start, end)), basis)


def simple_interest(principal: Decimal, rate: Decimal, start: dt.date, end: dt.date, basis: str = "ACT/360",
                    rounding: str | None = ROUNDING) -> Decimal:
    """Simple interest on ``principal`` at annual ``rate`` (a fraction) over ``[start, end)``.

    .. math:: I = P \\cdot r \\cdot \\frac{days}{Y}

    Rounded once to the cent with ``rounding`` (``None``: unrounded, for summing segments first).

    Examples
    --------
    >>> simple_interest(Decimal("7000000"), Decimal("0.0875"), dt.date(2005, 9, 7), dt.date(2005, 10, 1))
    Decimal('40833.33')
    """
    interest = interest_from_rate_days(principal * rate * Decimal(days_between(start, end)), basis)
    return interest if rounding is None else round_cents(interest, rounding)


def year_fraction_act_360(start: dt.date, end: dt.date) -> Decimal:
    """ACT/360 year fraction (:func:`year_fraction` on ``"ACT/360"``)."""
    return year_fraction(start, end, "ACT/360")


def simple_interest_act_360(principal: Decimal, rate: Decimal, start: dt.date, end: dt.date,
                            rounding: str | None = ROUNDING) -> Decimal:
    """Simple interest, ACT/360 (:func:`simple_interest` on ``"ACT/360"``)."""
    return simple_interest(principal, rate, start, end, "ACT/360", rounding)


def simple_interest_act_365(principal: Decimal, rate: Decimal, start: dt.date, end: dt.date,
                            rounding: str | None = ROUNDING) -> Decimal:
    """Simple interest, ACT/365 fixed (:func:`simple_interest` on ``"ACT/365"``; the escrow's §5.3
    reading offers both day counts)."""
    return simple_interest(principal, rate, start, end, "ACT/365", rounding)


def format_money(amount: Decimal | None) -> str:
    """``Decimal("1350000")`` → ``"$1,350,000.00"``; ``None`` → ``"—"``. Display only."""
    if amount is None:
        return "—"
    if amount != amount.quantize(CENT, rounding=ROUND_DOWN):  # a price below the cent, e.g. $0.00001: show it all
        return f"${amount.normalize():f}"
    return f"${amount:,.2f}"


def format_rate(rate: Decimal | None) -> str:
    """``Decimal("0.0499")`` → ``"4.99%"``. Display only."""
    if rate is None:
        return "—"
    pct = (rate * 100).normalize()
    return f"{pct:f}%"
