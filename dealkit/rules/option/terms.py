"""The Option's terms, read from the deal, and the exact arithmetic every Option rule shares.

Terms are never repeated in code: each is read from the deal file (``data/deal.yaml`` through
:func:`dealkit.loader.load_deal`); a rule's keyword default ``None`` means "the embedded deal's
term" (:func:`term`), and the notebooks pass the loaded deal's (:func:`deal_terms`).

Money and prices are ``Decimal``; share counts are ``int``; intermediate ratios are exact
``fractions.Fraction``, so nothing is rounded except at the named points: the cent, half-up
(:func:`exact_cents`), for cash; whole shares, down, for stock.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from dealkit.errors import ParameterError

if TYPE_CHECKING:
    from dealkit.deal.model import Deal

__all__ = [
    "DEAL_TERM_READERS",
    "CashlessUnavailable",
    "InexactInput",
    "PriceDataError",
    "as_decimal",
    "as_fraction",
    "deal_term_attribute",
    "deal_terms",
    "embedded_deal",
    "exact_cents",
    "half_up",
    "need_date",
    "need_shares",
    "short_value",
    "show_fraction",
    "term",
]


@functools.lru_cache(maxsize=1)
def embedded_deal() -> Deal:
    """The deal file shipped with the package (:func:`dealkit.loader.load_deal`), read once."""
    from dealkit.deal.loader import load_deal

    return load_deal()


#: The module-level names that are terms of the deal, each with its source and how to read it.
DEAL_TERM_READERS: dict[str, Callable[[Deal], Any]] = {
    "OPTION_SHARES": lambda deal: deal.option.shares.value,  # Option §1.1
    "EXERCISE_PRICE": lambda deal: deal.option.exercise_price.value,  # Option definitions (c)
    "CAP": lambda deal: deal.option.max_exercise_cap.value,  # Option §10
    "CAP_NOTICE_DAYS": lambda deal: deal.option.cap_release_notice_days.value,  # Option §10
    "SERIES_D_RATIO": lambda deal: deal.capitalization.series_d_ratio.value,  # letter of Sept 6, 2005
    "SERIES_D_UNTIL_AUTHORIZED": lambda deal: deal.capitalization.series_d_until_authorized.value,
}


def term(value: Any, name: str) -> Any:
    """``value``, or when it is ``None`` the embedded deal's term ``name`` (a key of
    :data:`DEAL_TERM_READERS`)."""
    return DEAL_TERM_READERS[name](embedded_deal()) if value is None else value


def deal_term_attribute(name: str) -> Any:
    """A module ``__getattr__`` for the Option's facade: ``OPTION_SHARES`` and the other names of
    :data:`DEAL_TERM_READERS`, read from the embedded deal when asked for."""
    if name in DEAL_TERM_READERS:
        return DEAL_TERM_READERS[name](embedded_deal())
    raise AttributeError(f"module 'dealkit.option' has no attribute {name!r}")


def deal_terms(deal: Deal | None = None) -> dict[str, Any]:
    """The Option's terms from ``deal`` (default: the embedded deal file), keyed as the keyword
    arguments of the Option's rules.

    ``option_shares`` (Option §1.1), ``exercise_price`` (definitions (c)), ``cap`` (§10),
    ``notice_days`` (§10's "75 days prior notice"), ``series_d_ratio`` and
    ``series_d_until_authorized`` (letter of Sept 6, 2005).

    Examples
    --------
    >>> from dealkit.option import deal_terms
    >>> terms = deal_terms()
    >>> terms["option_shares"], terms["exercise_price"], terms["cap"]
    (140250000, Decimal('0.00001'), Decimal('0.0499'))
    """
    source = deal if deal is not None else embedded_deal()
    return {
        "option_shares": source.option.shares.value,
        "exercise_price": source.option.exercise_price.value,
        "cap": source.option.max_exercise_cap.value,
        "notice_days": source.option.cap_release_notice_days.value,
        "series_d_ratio": source.capitalization.series_d_ratio.value,
        "series_d_until_authorized": source.capitalization.series_d_until_authorized.value,
    }


class InexactInput(ParameterError, TypeError):
    """A float (it has already lost the exact value) or a non-number where an exact amount is due."""


class CashlessUnavailable(ParameterError):
    """Option §2.2(b): the cashless route needs a Fair Market Value above the Exercise Price."""


class PriceDataError(ParameterError):
    """The price history lacks the quote a §1.2 rule needs; the message names the date."""


def short_value(value: object, limit: int = 40) -> str:
    """A value for an error message, cut short; never the whole of a huge value (and never
    ``str`` of an integer past Python's digit limit)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"an integer of {value.bit_length()} bits"
    if isinstance(value, (dict, list, tuple, set)):
        return type(value).__name__
    text = value if isinstance(value, str) else str(value)
    return repr(text[:limit] + ("…" if len(text) > limit else ""))


def as_fraction(value: Decimal | Fraction | int | str) -> Fraction:
    """``value`` as an exact ``Fraction``; a float, a boolean, a non-number or a non-finite
    value is refused (:class:`InexactInput`, :class:`dealkit.errors.ParameterError`)."""
    if isinstance(value, float):
        raise InexactInput(f"expected a Decimal or a decimal string, not the float {value!r}")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise InexactInput(f"expected a number, not {value!r}")
    if isinstance(value, int):
        return Fraction(value)
    try:
        number = Decimal(value)
    except (ArithmeticError, TypeError, ValueError):
        raise InexactInput(f"expected a number (got {short_value(value)})") from None
    if not number.is_finite():
        raise ParameterError(f"expected a finite number (got {short_value(value)})")
    return Fraction(number)


def as_decimal(value: object, what: str) -> Decimal:
    """``value`` (a Decimal, an int or a decimal string) as a finite ``Decimal``; a float, a
    boolean, a non-number or a non-finite value is one line naming ``what`` and the value.

    Examples
    --------
    >>> as_decimal("0.0123", "fmv")
    Decimal('0.0123')
    """
    if isinstance(value, (float, bool)) or not isinstance(value, (Decimal, int, str)):
        raise InexactInput(f"{what}: expected a Decimal or a decimal string (got {short_value(value)})")
    try:
        number = Decimal(value)
    except ArithmeticError:
        raise InexactInput(f"{what}: expected a number (got {short_value(value)})") from None
    if not number.is_finite():
        raise ParameterError(f"{what}: expected a finite number (got {short_value(value)})")
    return number


def half_up(value: Fraction, places: int) -> Decimal:
    """``value`` rounded half-up (ROUND_HALF_UP, away from zero on a tie) to ``places`` decimal
    places, in integers, exact for any Fraction (Decimal division can round at 28 digits).

    .. math:: sign(v) \\cdot \\lfloor |v| \\cdot 10^{p} + 1/2 \\rfloor / 10^{p}

    Examples
    --------
    >>> from fractions import Fraction
    >>> half_up(Fraction(-5, 1000), 2), half_up(Fraction(1, 3), 4)
    (Decimal('-0.01'), Decimal('0.3333'))
    """
    scaled = abs(value) * 10**places
    whole, remainder = divmod(scaled.numerator, scaled.denominator)
    if 2 * remainder >= scaled.denominator:
        whole += 1
    return Decimal(-whole if value < 0 else whole).scaleb(-places)


def exact_cents(value: Fraction) -> Decimal:
    """``value`` rounded half-up to the cent (:func:`half_up` with 2 places): the one rounding
    point for every cash figure of the Option's rules (mode: ROUND_HALF_UP)."""
    return half_up(value, 2)


def need_shares(count: object, what: str) -> int:
    """``count`` if it is a whole, non-negative number of shares; else one
    :class:`dealkit.errors.ParameterError` line naming ``what`` and the value."""
    if isinstance(count, bool) or not isinstance(count, int):
        raise ParameterError(f"{what}: a whole number of shares, got {type(count).__name__} ({short_value(count)})")
    if count < 0:
        raise ParameterError(f"{what}: must not be negative (got {short_value(count)})")
    return count


def need_date(value: object, what: str) -> dt.date:
    """``value`` if it is a date (a datetime is refused: the rules count whole days); else one
    :class:`dealkit.errors.ParameterError` line naming ``what`` and the value."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ParameterError(f"{what}: expected a date (got {type(value).__name__} {short_value(value)})")
    return value


def show_fraction(value: Fraction) -> str:
    """A Fraction as a decimal when it is one exactly, else as ``p/q (≈decimal)``."""
    number = Decimal(value.numerator) / Decimal(value.denominator)
    return f"{number.normalize():f}" if Fraction(number) == value else f"{value} (≈{number:.12g})"
