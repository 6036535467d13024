"""Day counts: actual days over a conventional year, with one division at the end.

The notes accrue simple interest, actual days over a 360-day year (``note_terms.day_count``,
``"ACT/360"``: the Laurus note forms compute interest "on the basis of a 360 day year"). A
period's interest is :math:`\\sum_s P_s r_s d_s / Y`: the numerator :math:`\\sum_s P_s r_s d_s`
(the *rate-days*) is a product of finite decimals, hence exact, and dividing it by the year's
days *once* keeps an exact half cent exact for the named rounding that follows (summing per-piece
quotients, each cut at 28 significant digits, may not).
"""

from __future__ import annotations

from decimal import Decimal

from dealkit.errors import DealDataError

__all__ = ["YEAR_DAYS", "year_days", "interest_from_rate_days"]

#: Days in the conventional year of each day-count basis a deal file may name.
YEAR_DAYS: dict[str, int] = {"ACT/360": 360, "ACT/365": 365}


def year_days(day_count: str) -> int:
    """The days of the conventional year of ``day_count`` (``"ACT/360"`` → 360).

    Parameters
    ----------
    day_count : str
        A basis of :data:`YEAR_DAYS` (the deal's ``note_terms.day_count``).

    Returns
    -------
    int
        :math:`Y`, the denominator of :math:`I = P\\,r\\,d / Y`.

    Raises
    ------
    DealDataError
        For a basis not in :data:`YEAR_DAYS`, naming the field and the value.

    Examples
    --------
    >>> year_days("ACT/360")
    360
    """
    try:
        return YEAR_DAYS[day_count]
    except (KeyError, TypeError):
        shown = repr(day_count)[:40]
        raise DealDataError(
            f"note_terms.day_count: one of {', '.join(YEAR_DAYS)} (got {shown})",
            field="note_terms.day_count.value",
            value=shown,
        ) from None


def interest_from_rate_days(rate_days: Decimal, day_count: str) -> Decimal:
    """Simple interest from its exact numerator: :math:`I = \\big(\\sum_s P_s r_s d_s\\big) / Y`.

    Parameters
    ----------
    rate_days : Decimal
        :math:`\\sum_s P_s r_s d_s`: principal × annual rate (a fraction) × actual days, summed
        over the pieces of a period; exact.
    day_count : str
        The basis (:func:`year_days`), e.g. ``"ACT/360"``.

    Returns
    -------
    Decimal
        The interest, unrounded (the caller rounds it at a named point, with a named mode).

    Examples
    --------
    >>> interest_from_rate_days(Decimal("1000000") * Decimal("0.08") * 30, "ACT/360")
    Decimal('6666.666666666666666666666667')
    """
    return rate_days / year_days(day_count)
