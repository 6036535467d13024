"""Option §2: exercise for cash (§2.2(a)(i)) or cashless (§2.2(b)), the fraction paid in cash (§2.1).

§10 caps what a cashless exercise may be made for; it has two readings, both named in
:data:`CASHLESS_CAP_READINGS` (§10 caps X, the shares issued — the default — or Y, the shares
exercised).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from dealkit.errors import ParameterError
from dealkit.rules.option.terms import (
    CashlessUnavailable,
    as_fraction,
    exact_cents,
    need_shares,
    short_value,
    show_fraction,
    term,
)

__all__ = [
    "CASHLESS_CAP_READINGS",
    "CashlessResult",
    "cash_exercise",
    "cashless_exercisable",
    "cashless_exercise",
    "value_to_holder",
]

#: Two readings of §10 in a cashless exercise, both named.
CASHLESS_CAP_READINGS = {
    "issued": "§10 limits the shares the exercise adds to the Holder's beneficial ownership: X, the shares issued "
    '(§2.2(b): "X = the number of shares of Common Stock to be issued to the Holder"); the Y − X '
    "shares withheld are never owned (default)",
    "exercised": '§10 limits Y, the shares the Option is exercised for ("exercise this Option in connection with '
    'that number of shares")',
}


def cash_exercise(shares: int, exercise_price: Decimal | Fraction | None = None) -> Decimal:
    """Aggregate Exercise Price for a cash exercise (Option §2.2(a)(i): "in cash ... equal to the
    applicable aggregate Exercise Price").

    .. math:: P = round_{half\\_up, cent}(Y \\times B)

    B the Exercise Price (definitions (c); default: the embedded deal's), exact before the one
    rounding. B may be a ``Fraction`` (a §4-adjusted price carried exactly).

    Examples
    --------
    >>> cash_exercise(140_250_000), cash_exercise(500), cash_exercise(499)
    (Decimal('1402.50'), Decimal('0.01'), Decimal('0.00'))
    """
    need_shares(shares, "shares")
    return exact_cents(Fraction(shares) * as_fraction(term(exercise_price, "EXERCISE_PRICE")))


@dataclass(frozen=True, slots=True)
class CashlessResult:
    """§2.2(b) with §2.1: whole shares issued, the fraction paid in cash at FMV."""

    shares_exercised: int  # Y
    shares_issued: int  # floor(X)
    fraction: Fraction  # X - floor(X)
    cash_in_lieu: Decimal  # fraction × FMV, to the cent (§2.1)
    shares_withheld: int  # Y - floor(X): the shares the Holder gives up to pay

    @property
    def x_exact(self) -> Fraction:
        """X = Y(A − B)/A, exactly."""
        return self.shares_issued + self.fraction


def cashless_exercise(
    shares: int, fmv: Decimal | Fraction, exercise_price: Decimal | Fraction | None = None
) -> CashlessResult:
    """Cashless ("net") exercise, Option §2.2(b), the fraction in cash (§2.1).

    .. math:: X = \\frac{Y (A - B)}{A}

    Y = shares exercised, A = Fair Market Value of one share, B = Exercise Price (default: the
    embedded deal's). ``floor(X)`` whole shares are issued; the fraction is paid in cash "equal to
    such fraction multiplied by the then Fair Market Value of one full share" (§2.1), rounded
    once to the cent, half-up. Raises :class:`CashlessUnavailable` when A ≤ B: §2.2(b) allows
    the route only "if the Fair Market Value of one share of Common Stock is greater than the
    Exercise Price".

    Examples
    --------
    >>> from decimal import Decimal
    >>> result = cashless_exercise(7, Decimal("0.03"))
    >>> result.shares_issued, result.fraction, result.cash_in_lieu
    (6, Fraction(2993, 3000), Decimal('0.03'))
    """
    exercised = need_shares(shares, "shares")
    price, strike = as_fraction(fmv), as_fraction(term(exercise_price, "EXERCISE_PRICE"))
    if price <= strike:
        raise CashlessUnavailable(
            f"Option §2.2(b): cashless exercise needs a Fair Market Value above the Exercise "
            f"Price; FMV {show_fraction(price)} is not above {show_fraction(strike)}. Exercise for cash instead "
            f"(§2.2(a)(i))."
        )
    entitlement = Fraction(exercised) * (price - strike) / price
    whole = math.floor(entitlement)
    fraction = entitlement - whole
    return CashlessResult(exercised, whole, fraction, exact_cents(fraction * price), exercised - whole)


def cashless_exercisable(
    room: int,
    fmv: Decimal | Fraction,
    exercise_price: Decimal | Fraction | None = None,
    remaining: int | None = None,
    cashless_cap: str = "issued",
) -> int:
    """Y, the most shares a cashless exercise (§2.2(b)) may be made for when §10 leaves ``room``.

    Under ``"issued"`` (default, :data:`CASHLESS_CAP_READINGS`) §10 caps X, the shares issued, so
    Y is the largest with ``floor(Y(A − B)/A) ≤ room`` (0 when ``room`` is 0: no exercise that
    only yields cash in lieu); at most ``remaining``:

    .. math:: Y = \\left\\lceil \\frac{(room + 1) A}{A - B} \\right\\rceil - 1

    Under ``"exercised"``, or when A ≤ B (no cashless route), ``Y = room``.

    Examples
    --------
    >>> from decimal import Decimal
    >>> cashless_exercisable(10, Decimal("0.00002")), cashless_exercisable(10, Decimal("0.00002"), remaining=15)
    (21, 15)
    """
    room_shares = need_shares(room, "room")
    if cashless_cap not in CASHLESS_CAP_READINGS:
        raise ParameterError(
            f"cashless_cap must be one of {', '.join(CASHLESS_CAP_READINGS)} (got {short_value(cashless_cap)})"
        )
    price, strike = as_fraction(fmv), as_fraction(term(exercise_price, "EXERCISE_PRICE"))
    if cashless_cap == "exercised" or price <= strike or room_shares == 0:
        exercisable = room_shares
    else:
        exercisable = math.ceil((room_shares + 1) * price / (price - strike)) - 1
    return exercisable if remaining is None else min(exercisable, need_shares(remaining, "remaining"))


def value_to_holder(result: CashlessResult, fmv: Decimal | Fraction) -> Decimal:
    """What the issued shares and the cash in lieu are worth at the FMV (Option §2.1, §2.2(b)),
    a display figure (the shares are valued, not sold).

    .. math:: V = round_{half\\_up, cent}(\\lfloor X \\rfloor \\times A) + cash\\_in\\_lieu

    Examples
    --------
    >>> from decimal import Decimal
    >>> value_to_holder(cashless_exercise(7, Decimal("0.03")), Decimal("0.03"))
    Decimal('0.21')
    """
    return exact_cents(Fraction(result.shares_issued) * as_fraction(fmv)) + result.cash_in_lieu
