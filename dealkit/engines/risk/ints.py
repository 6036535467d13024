"""Exact integer arithmetic of the path engine: money in cents, closes in micro-dollars
(:data:`dealkit.market.PRICE_SCALE`), shares whole, all ``int64``; every product is bounded before
it is formed (:func:`guard`), so ``int64`` cannot overflow silently."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np

from dealkit.errors import DealDataError, ParameterError

__all__ = ["INT64_SAFE", "LIMITED_BY", "guard", "cents", "half_up", "ceil_fraction", "cap_limit", "runs"]

#: The bound below which a product is formed in int64 (with room for one doubling).
INT64_SAFE = 2**62
#: limited_by codes of the engine, as the schedule code spells them.
LIMITED_BY = ("", "price test", "volume cap", "4.99% cap")


def guard(bound: int, what: str) -> None:
    """A :class:`ParameterError` naming ``what`` when ``bound`` ≥ :data:`INT64_SAFE`.

    Examples
    --------
    >>> guard(2**61, "shares")
    >>> guard(2**62, "shares")
    Traceback (most recent call last):
    ...
    dealkit.errors.ParameterError: shares: values too large for exact int64 arithmetic (bound 4.612e+18)
    """
    if bound >= INT64_SAFE:
        raise ParameterError(f"{what}: values too large for exact int64 arithmetic (bound {bound:.3e})")


def cents(amount: Decimal) -> int:
    """A whole-cent ``Decimal`` as an integer of cents, exactly (``100 × amount``).

    Examples
    --------
    >>> cents(Decimal("1350000.25"))
    135000025
    """
    hundredfold = amount * 100
    if hundredfold != hundredfold.to_integral_value():
        raise DealDataError(f"not whole cents: {amount}", value=amount)
    return int(hundredfold)


def half_up(values: np.ndarray, factor: Fraction) -> np.ndarray:
    """``values × factor`` rounded half-up to a whole number (values ≥ 0): the cent rounding of
    dealkit.notes.

    .. math:: \\lfloor (2 x p + q) / 2q \\rfloor, \\quad factor = p / q

    Examples
    --------
    >>> half_up(np.array([1, 3, 5]), Fraction(1, 2)).tolist()
    [1, 2, 3]
    """
    return (2 * values * factor.numerator + factor.denominator) // (2 * factor.denominator)


def ceil_fraction(value: Fraction) -> int:
    """The smallest integer ≥ ``value``: ``⌈value⌉``.

    Examples
    --------
    >>> ceil_fraction(Fraction(11, 2))
    6
    """
    return -((-value.numerator) // value.denominator)


def cap_limit(outstanding: np.ndarray, holdings: np.ndarray, cap: Fraction, reading: str) -> np.ndarray:
    """:func:`dealkit.option.max_exercisable` per path (Option §10 / the Laurus note form's 4.99%
    cap), never negative:

    .. math:: L_{literal} = \\lfloor cO \\rfloor - H, \\qquad L_{post\\_issuance} = \\lfloor (cO - H)/(1 - c) \\rfloor

    Examples
    --------
    >>> cap_limit(np.array([1000]), np.array([10]), Fraction(1, 20), "literal").tolist()
    [40]
    """
    if reading == "literal":
        limit = (outstanding * cap.numerator) // cap.denominator - holdings
    else:
        limit = (outstanding * cap.numerator - holdings * cap.denominator) // (cap.denominator - cap.numerator)
    return np.maximum(limit, 0)


def runs(index: np.ndarray) -> list[tuple[slice, slice]]:
    """Each run of consecutive values of a sorted, unique ``index``: (where it sits in ``index``,
    the values), both slices. An in-place update through ``index`` (a gather-scatter, ~8× dearer)
    becomes one through each run's slices.

    Examples
    --------
    >>> runs(np.array([0, 1, 2, 4, 5]))
    [(slice(0, 3, None), slice(0, 3, None)), (slice(3, 5, None), slice(4, 6, None))]
    >>> runs(np.array([], dtype=np.int64))
    []
    """
    if not index.size:
        return []
    breaks = (np.nonzero(np.diff(index) != 1)[0] + 1).tolist()
    starts, stops = [0, *breaks], [*breaks, int(index.size)]
    return [(slice(a, b), slice(int(index[a]), int(index[b - 1]) + 1)) for a, b in zip(starts, stops, strict=True)]
