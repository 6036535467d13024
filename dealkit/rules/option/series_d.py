"""The Series D route: common due to Laurus issued as Series D Convertible Preferred while ATG's
authorized common is short (letter of Sept 6, 2005, Exhibit 4.13: shares ÷ the deal's
``capitalization.series_d_ratio``), the part under one preferred share paid in cash (Option §2.1).
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from dealkit.errors import ParameterError
from dealkit.rules.option.terms import as_fraction, exact_cents, need_shares, term

__all__ = ["series_d_cash_in_lieu", "to_series_d"]


def _ratio(ratio: int | None) -> int:
    """The Series D ratio (default: the embedded deal's), a positive whole number."""
    checked = need_shares(term(ratio, "SERIES_D_RATIO"), "series_d_ratio")
    if checked == 0:
        raise ParameterError("series_d_ratio: must be positive (got 0)")
    return checked


def to_series_d(common_equivalent: int, ratio: int | None = None) -> tuple[int, int]:
    """Common as Series D preferred: ``(preferred shares, common left over)``.

    .. math:: (p, rest) = divmod(n, r)

    r the deal's Series D ratio (letter of Sept 6, 2005). The left-over common, under one
    preferred share, is a fraction of a preferred share paid in cash under §2.1 — see
    :func:`series_d_cash_in_lieu` for the one rounding.

    Examples
    --------
    >>> to_series_d(12_345, ratio=10_000)
    (1, 2345)
    """
    count = need_shares(common_equivalent, "common_equivalent")
    return divmod(count, _ratio(ratio))


def series_d_cash_in_lieu(
    entitlement: Fraction | int, fmv: Decimal | Fraction, ratio: int | None = None
) -> tuple[int, int, Decimal]:
    """The Series D route for an exact common-equivalent entitlement X (e.g. a cashless X =
    Y(A − B)/A, not yet floored): ``(preferred, common_equivalent_issued, cash_in_lieu)``.

    Preferred ``p = floor(X / r)``; the Holder receives ``p × r`` common-equivalent; the rest, a
    fraction of one preferred share, is paid in cash at its Fair Market Value (§2.1: "cash equal
    to such fraction multiplied by the then Fair Market Value of one full share"; a preferred
    share is worth ``r × A``), rounded **once** — not the common fraction and the preferred
    fraction each to the cent:

    .. math:: cash = round_{half\\_up, cent}\\left(\\left(\\frac{X}{r} - p\\right) r A\\right)
                   = round_{half\\_up, cent}\\left((X - p r) A\\right)

    Examples
    --------
    >>> from decimal import Decimal
    >>> from fractions import Fraction
    >>> series_d_cash_in_lieu(Fraction(16_633_333_500, 167), Decimal("0.00501"), 10_000)
    (9960, 99600000, Decimal('4.01'))
    """
    exact = Fraction(entitlement)
    if exact < 0:
        raise ParameterError(f"entitlement: must not be negative (got {exact})")
    per_preferred = _ratio(ratio)
    preferred = math.floor(exact / per_preferred)
    issued = preferred * per_preferred
    return preferred, issued, exact_cents((exact - issued) * as_fraction(fmv))
