"""Money, rates and day counts, exactly.

Money is :class:`decimal.Decimal`, built from strings (never floats), and rounded to the cent at
named points with a named rounding mode. The default mode is ``ROUND_HALF_UP`` (the commercial
convention); Python's own default, half-even, is never used implicitly.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "CENT", "ROUNDING", "ROUNDING_MODES", "DAYS_IN_YEAR", "to_decimal", "round_cents", "days_between",
    "year_fraction_act_360", "simple_interest_act_360", "format_money", "format_rate",
]

CENT = Decimal("0.01")
#: The rounding mode used wherever a rule does not name another one.
ROUNDING = ROUND_HALF_UP
#: Rounding modes a caller may name.
ROUNDING_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}
#: The year of the ACT/360 day count (note_terms.day_count): interest = principal × rate × days / DAYS_IN_YEAR.
DAYS_IN_YEAR = 360


def to_decimal(value: object, what: str = "value") -> Decimal:
    """Parse ``value`` into a finite ``Decimal``.

    Accepts ``Decimal``, ``int`` (not ``bool``) and strings such as ``"1350000.00"`` or
    ``"1,350,000.00"``. Floats are refused: a float has already lost the cents.

    Raises
    ------
    ValueError
        Naming ``what`` and the bad value.
    """
    if isinstance(value, bool):
        raise ValueError(f"{what}: expected a decimal string, got a boolean ({value!r})")
    if isinstance(value, float):
        raise ValueError(f"{what}: expected a decimal string like \"12.50\", got the float {value!r} "
                         "(quote it: floats lose cents)")
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        if text.startswith("$"):
            text = text[1:]
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"{what}: not a decimal number ({value!r})") from None
    else:
        raise ValueError(f"{what}: expected a decimal string, got {type(value).__name__} ({value!r})")
    if not d.is_finite():
        raise ValueError(f"{what}: not a finite number ({value!r})")
    return d


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


def year_fraction_act_360(start: dt.date, end: dt.date) -> Decimal:
    """ACT/360 year fraction: actual days elapsed over a 360-day year, exact.

    .. math:: f = \\frac{d_{end} - d_{start}}{360}

    The Laurus note forms of the period compute interest "on the basis of a 360 day year" over
    actual days (note_terms.day_count, an assumption for ATG).
    """
    return Decimal(days_between(start, end)) / Decimal(DAYS_IN_YEAR)


def simple_interest_act_360(principal: Decimal, rate: Decimal, start: dt.date, end: dt.date,
                            rounding: str | None = ROUNDING) -> Decimal:
    """Simple interest on ``principal`` at annual ``rate`` (a fraction), ACT/360.

    .. math:: I = P \\cdot r \\cdot \\frac{days}{360}

    Rounded to the cent with ``rounding`` (``None``: unrounded, for summing segments first).
    """
    interest = principal * rate * Decimal(days_between(start, end)) / Decimal(DAYS_IN_YEAR)
    return interest if rounding is None else round_cents(interest, rounding)


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
