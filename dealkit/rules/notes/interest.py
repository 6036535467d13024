"""Contract interest: prime plus a margin with a floor, simple, actual days over the deal's
year (``note_terms.day_count``, ACT/360), split exactly at every prime change.

A period's interest is the exact sum :math:`\\sum_s P\\,r_s\\,d_s` divided by the year's days once
(:func:`dealkit.core.daycount.interest_from_rate_days`) and rounded to the cent half-up at the end
of the period (``rounding="period"``), or each day's interest rounded first (``"daily"``).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from dealkit.core.daycount import interest_from_rate_days
from dealkit.deal.loader import PrimeSeries, load_prime
from dealkit.errors import DealDataError, ParameterError
from dealkit.rules.notes.terms import ZERO, cents, embedded_deal

__all__ = [
    "Rounding",
    "contract_rate",
    "Segment",
    "interest_segments",
    "rate_days",
    "period_interest",
    "accrued_interest",
    "default_prime",
    "rates_text",
    "as_rounding",
]

#: The two named interest roundings: once at each period's end, or each day's interest.
Rounding = Literal["period", "daily"]


def contract_rate(prime: Decimal, margin: Decimal, floor: Decimal) -> Decimal:
    """The contract rate (Laurus note form; ATG margin and floor are assumptions:
    note_terms.prime_margin, note_terms.rate_floor).

    .. math:: r = \\max(prime + m, f)

    Examples
    --------
    >>> contract_rate(Decimal("0.0650"), Decimal("0.02"), Decimal("0.08"))
    Decimal('0.0850')
    """
    return max(prime + margin, floor)


def as_rounding(value: str) -> Rounding:
    """The ``rounding`` parameter: ``"period"`` or ``"daily"`` (:data:`Rounding`).

    Raises
    ------
    ParameterError
        For anything else, naming the parameter and the value (cut short).
    """
    if value == "period":
        return "period"
    if value == "daily":
        return "daily"
    raise ParameterError(f"parameter rounding: 'period' or 'daily' (got {str(value)[:40]!r})")


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of an accrual at one prime: ``[start, end)``, ``days`` long, at ``rate``;
    ``interest`` is exact and unrounded (for display; totals divide the exact sum once)."""

    start: dt.date
    end: dt.date
    prime: Decimal
    rate: Decimal
    days: int
    interest: Decimal


@functools.lru_cache(maxsize=1)
def default_prime() -> PrimeSeries:
    """The prime rate shipped with the package (``data/prime_rate.csv``, read by the loader)."""
    return load_prime()


def interest_segments(
    principal: Decimal,
    start: dt.date,
    end: dt.date,
    margin: Decimal,
    floor: Decimal,
    prime: PrimeSeries | None = None,
    *,
    day_count: str | None = None,
) -> list[Segment]:
    """The accrual from ``start`` (inclusive) to ``end`` (exclusive) split at every prime change.

    .. math:: I_s = P \\cdot r_s \\cdot d_s / Y \\quad \\text{(28 digits, for display; } Y \\text{ from day\\_count)}

    Raises
    ------
    DealDataError
        When ``end`` is before ``start``.

    Examples
    --------
    >>> pieces = interest_segments(Decimal("1000000"), dt.date(2005, 9, 7), dt.date(2005, 10, 3),
    ...                            Decimal("0.02"), Decimal("0.08"))
    >>> [(piece.days, piece.rate) for piece in pieces]
    [(13, Decimal('0.0850')), (13, Decimal('0.0875'))]
    """
    if end < start:
        raise DealDataError(f"end {end} is before start {start}", field="end", value=str(end))
    prime = prime or default_prime()
    day_count = day_count or embedded_deal().note_terms.day_count.value
    cuts = [start] + [day for day, _ in prime.changes_between(start, end)] + [end]
    pieces = []
    for piece_start, piece_end in zip(cuts, cuts[1:], strict=False):
        if piece_end <= piece_start:
            continue
        prime_rate = prime.rate_on(piece_start)
        rate = contract_rate(prime_rate, margin, floor)
        days = (piece_end - piece_start).days
        interest = interest_from_rate_days(principal * rate * days, day_count)
        pieces.append(Segment(piece_start, piece_end, prime_rate, rate, days, interest))
    return pieces


def rate_days(principal: Decimal, segments: Sequence[Segment]) -> Decimal:
    """``principal × Σ rate × days`` over ``segments``: the interest times the year's days, exact
    (finite decimals multiply exactly).

    .. math:: N = P \\sum_s r_s d_s
    """
    return principal * sum((segment.rate * segment.days for segment in segments), Decimal(0))


def period_interest(principal: Decimal, segments: Sequence[Segment], rounding: str, day_count: str) -> Decimal:
    """A period's interest on ``principal`` over ``segments``, rounded at the named point.

    .. math:: I = \\begin{cases} \\mathrm{round}(P \\sum_s r_s d_s / Y) & \\text{period} \\\\
              \\sum_s d_s\\,\\mathrm{round}(P\\,r_s / Y) & \\text{daily} \\end{cases}

    Raises
    ------
    ParameterError
        For a ``rounding`` other than ``"period"`` or ``"daily"``.
    """
    if rounding == "period":
        return cents(interest_from_rate_days(rate_days(principal, segments), day_count))
    if rounding == "daily":
        return sum((cents(interest_from_rate_days(principal * s.rate, day_count)) * s.days for s in segments), ZERO)
    raise ParameterError(f"parameter rounding: 'period' or 'daily' (got {str(rounding)[:40]!r})")


def rates_text(rates: Sequence[Decimal]) -> str:
    """The rates a period ran at, in order and once each (``"8.50%→8.75%"``; ``"—"`` for none)."""
    return "→".join(dict.fromkeys(f"{rate * 100:.2f}%" for rate in rates)) or "—"


def accrued_interest(
    principal: Decimal,
    start: dt.date,
    end: dt.date,
    margin: Decimal,
    floor: Decimal,
    prime: PrimeSeries | None = None,
    rounding: Rounding = "period",
    *,
    day_count: str | None = None,
) -> Decimal:
    """Simple interest on ``principal`` from ``start`` inclusive to ``end`` exclusive.

    .. math:: I = \\sum_{days} P \\cdot \\max(prime_d + m, f) / Y

    A day's rate is the contract rate on the prime in effect that day (``data/prime_rate.csv``
    by default); the sum is exact and rounded to the cent half-up at the end of the period
    (``rounding="period"``, the default), or each day's interest is rounded first
    (``rounding="daily"``). ``Y`` comes from ``day_count`` (``None``: the embedded deal's,
    ACT/360).

    Examples
    --------
    >>> accrued_interest(Decimal("1000000.00"), dt.date(2005, 9, 7), dt.date(2005, 10, 3),
    ...                  Decimal("0.02"), Decimal("0.08"))
    Decimal('6229.17')
    """
    day_count = day_count or embedded_deal().note_terms.day_count.value
    segments = interest_segments(principal, start, end, margin, floor, prime, day_count=day_count)
    return period_interest(principal, segments, rounding, day_count)
