"""One parser for the numbers and dates dealkit reads: deal files, parameters, price, prime and
event files all go through these functions, so a value is read the same way wherever it comes from.

The syntax is strict on purpose (input is untrusted): ASCII digits only, at most
:data:`MAX_DIGITS` significant digits (Python's decimal context carries 28; more would be rounded
silently by the first operation), no exponent, no float. Every refusal is a
:class:`~dealkit.errors.ParseError` whose message names what was read and why, never the value
itself (callers add the value, cut short, with the file and field they know).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from dealkit.errors import ParseError

__all__ = ["MAX_DIGITS", "DECIMAL_TEXT", "SCIENTIFIC_TEXT", "ISO_DATE", "decimal", "money", "price", "fraction", "iso_date",
           "within_places"]

#: The most significant digits a decimal may have.
MAX_DIGITS = 28
#: A decimal as people write it: ASCII digits, optional sign, ``$``, thousands commas or
#: underscores, a decimal point; no exponent (``1e400``), no other script's digits.
DECIMAL_TEXT = re.compile(r"[+-]?\$?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9][0-9_]*)?(?:\.[0-9]+)?", re.ASCII)
#: :data:`DECIMAL_TEXT` or ``str(Decimal)``'s exponent form for small values (``"0E-12"``): a
#: negative exponent of at most two digits, so no text reads as a number too large to round.
SCIENTIFIC_TEXT = re.compile(DECIMAL_TEXT.pattern + r"|[+-]?[0-9]+(?:\.[0-9]+)?[eE]-[0-9]{1,2}", re.ASCII)
#: An ISO date, ASCII digits only.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def decimal(value: object, what: str = "value", *, max_digits: int | None = MAX_DIGITS,
            scientific: bool = False) -> Decimal:
    """A finite ``Decimal`` from a strict decimal text, a ``Decimal`` or an ``int`` (not ``bool``).

    Floats are refused (a float has already lost the cents); strings must match
    :data:`DECIMAL_TEXT` with at most ``max_digits`` digits (default :data:`MAX_DIGITS`; ``None``
    for a caller that keeps exact values beyond the context's precision, e.g. escrow percents
    turned into Fractions). ``scientific=True`` also reads ``str(Decimal)``'s exponent form
    for small values (``"0E-12"``, ``"1.5E-7"``): a negative exponent of at most two digits.

    Examples
    --------
    >>> decimal("1,350,000.00", "money")
    Decimal('1350000.00')
    >>> decimal("1e400", "money")
    Traceback (most recent call last):
    dealkit.errors.ParseError: money must be a plain decimal string like "1350000.00" (ASCII digits, no exponent)
    """
    if isinstance(value, bool):
        raise ParseError(what, "must be a decimal string, not a boolean")
    if isinstance(value, float):
        raise ParseError(what, 'must be a decimal string like "12.50", not a float (quote it: floats lose cents)')
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ParseError(what, "must be a finite number")
        return value
    if not isinstance(value, str):
        raise ParseError(what, f"must be a quoted decimal string, got {type(value).__name__}")
    text = value.strip()
    syntax = SCIENTIFIC_TEXT if scientific else DECIMAL_TEXT
    too_long = len(text) > (64 if max_digits is not None else 4096)
    if too_long or not syntax.fullmatch(text) or not any(c.isdigit() for c in text):
        raise ParseError(what, 'must be a plain decimal string like "1350000.00" (ASCII digits, no exponent)')
    if max_digits is not None and sum(c.isdigit() for c in text) > max_digits:
        raise ParseError(what, f"has more than {max_digits} digits")
    text = text.replace(",", "").replace("_", "").replace("$", "", 1)
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - DECIMAL_TEXT admits only valid decimals
        raise ParseError(what, "is not a decimal number") from None


def within_places(amount: Decimal, places: int) -> bool:
    """Whether ``amount`` has no non-zero digit beyond ``places`` decimals (``1.230`` has 2).

    Examples
    --------
    >>> within_places(Decimal("1.230"), 2), within_places(Decimal("1.231"), 2)
    (True, False)
    """
    step = Decimal(1).scaleb(-places)
    return amount == amount.quantize(step, rounding=ROUND_DOWN)


def money(value: object, what: str = "money", *, allow_negative: bool = False) -> Decimal:
    """A money amount: a strict decimal, not negative (unless allowed), at most two decimals.

    Examples
    --------
    >>> money("450000.00"), money("-1.50", allow_negative=True)
    (Decimal('450000.00'), Decimal('-1.50'))
    """
    amount = decimal(value, what)
    if amount < 0 and not allow_negative:
        raise ParseError(what, "must not be negative")
    if not within_places(amount, 2):
        raise ParseError(what, "has more than two decimal places (cents)")
    return amount


def price(value: object, what: str = "price") -> Decimal:
    """A price per share: a strict decimal, any number of decimals (``0.00001``), not negative.

    Examples
    --------
    >>> price("0.00001")
    Decimal('0.00001')
    """
    amount = decimal(value, what)
    if amount < 0:
        raise ParseError(what, "must not be negative")
    return amount


def fraction(value: object, what: str = "rate", *, percent: bool = False) -> Decimal:
    """A rate as a decimal fraction in [0, 1]; with ``percent=True`` a trailing ``%`` divides by 100.

    Examples
    --------
    >>> fraction("0.0499"), fraction("4.99%", percent=True)
    (Decimal('0.0499'), Decimal('0.0499'))
    """
    text = value.strip() if isinstance(value, str) else value
    is_percent = percent and isinstance(text, str) and text.endswith("%")
    rate = decimal(text[:-1] if is_percent and isinstance(text, str) else text, what)
    if is_percent:
        rate = rate / 100
    if not 0 <= rate <= 1:
        raise ParseError(what, "must lie between 0 and 1 (a fraction: 0.0499 is 4.99%)")
    return rate


def iso_date(value: object, what: str = "date") -> dt.date:
    """A calendar date from ``YYYY-MM-DD`` (ASCII digits) or a ``date`` (a ``datetime`` is refused).

    Examples
    --------
    >>> iso_date("2008-02-29")
    datetime.date(2008, 2, 29)
    >>> iso_date("2007-02-29")
    Traceback (most recent call last):
    dealkit.errors.ParseError: date not a date of the calendar (e.g. a 30 February)
    """
    if isinstance(value, dt.datetime):
        raise ParseError(what, "expected a date (YYYY-MM-DD), got a date and time")
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ParseError(what, f"expected an ISO date YYYY-MM-DD, got {type(value).__name__}")
    text = value.strip()
    if not ISO_DATE.fullmatch(text):
        raise ParseError(what, "expected an ISO date YYYY-MM-DD (ASCII digits)")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ParseError(what, "not a date of the calendar (e.g. a 30 February)") from None
