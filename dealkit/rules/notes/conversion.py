"""Payment in stock: ATG's market, the optional conversion at the Fixed Conversion Price, the
price test, the volume cap and the 4.99% cap (shared with Option §10), and the Series D route.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dealkit.core.calendar import add_business_days
from dealkit.core.money import CENT, format_rate
from dealkit.errors import DealDataError
from dealkit.rules.notes.terms import CREDIT_ROUNDING, ZERO, NoteAssumptions, from_deal
from dealkit.rules.option import max_exercisable

__all__ = ["Market", "trading_days_before", "Conversion", "optional_conversion", "StockPayment", "stock_payment"]


@dataclass(frozen=True)
class Market:
    """ATG's stock: a constant close and daily volume, or a date → close path (a missing day
    takes the last known close), times ``shock``; and the share counts for the 4.99% cap and the
    Series D route.

    Prices and volumes are market data (arguments). The share counts are terms of the deal: left
    out, each comes from the embedded deal file (``outstanding``: ``capitalization.
    outstanding_at_closing``, an assumption; ``authorized``: ``capitalization.
    series_d_until_authorized``, i.e. common is authorized and no Series D substitution applies;
    ``series_d_ratio`` and ``series_d_until_authorized``: the letter of Sept 6, 2005). Use
    :meth:`for_deal` to take them from a loaded deal.

    Examples
    --------
    >>> Market(Decimal("0.06"), 5_000_000).dollar_volume(dt.date(2006, 3, 1))
    Decimal('6600000.00')
    """

    price: Decimal
    volume: int
    closes: Mapping[dt.date, Decimal] = field(default_factory=dict)
    shock: Decimal = Decimal(1)
    outstanding: int = field(default_factory=from_deal(lambda d: d.capitalization.outstanding_at_closing.value))
    holder_owns: int = 0
    authorized: int = field(default_factory=from_deal(lambda d: d.capitalization.series_d_until_authorized.value))
    #: Letter of Sept 6, 2005 (Exhibit 4.13): common due to Laurus is issued as Series D preferred,
    #: one preferred share per ``series_d_ratio`` common, while authorized common is below
    #: ``series_d_until_authorized``.
    series_d_ratio: int = field(default_factory=from_deal(lambda d: d.capitalization.series_d_ratio.value))
    series_d_until_authorized: int = field(
        default_factory=from_deal(lambda d: d.capitalization.series_d_until_authorized.value)
    )

    @classmethod
    def for_deal(cls, deal: Any, price: Decimal, volume: int, **kwargs: Any) -> Market:
        """A market on ``deal``'s share counts: shares outstanding and authorized at closing (both
        assumed in the deal file) and the Series D terms; ``kwargs`` (``closes``, ``shock``,
        ``holder_owns``, or a count to override) pass through."""
        cap = deal.capitalization
        terms = {
            "outstanding": cap.outstanding_at_closing.value,
            "authorized": cap.authorized_at_closing.value,
            "series_d_ratio": cap.series_d_ratio.value,
            "series_d_until_authorized": cap.series_d_until_authorized.value,
        }
        return cls(price, volume, **{**terms, **kwargs})

    def close(self, day: dt.date) -> Decimal:
        """The close on ``day`` (the last known close before it on a path), times the shock."""
        if not self.closes:
            return self.price * self.shock
        known = [d for d in self.closes if d <= day]
        return (self.closes[max(known)] if known else self.price) * self.shock

    def average_close(self, day: dt.date, n: int = 5) -> Decimal:
        """Mean close of the ``n`` trading days before ``day``: :math:`\\bar S = \\frac1n \\sum_{j=1}^n S_{t-j}`."""
        if not self.closes:
            return self.price * self.shock
        days = trading_days_before(day, n)
        return sum((self.close(d) for d in days), Decimal(0)) / n

    def dollar_volume(self, day: dt.date, n: int = 22) -> Decimal:
        """Close × volume over the ``n`` trading days before ``day``: :math:`\\sum_{j=1}^n S_{t-j} V`."""
        if not self.closes:
            return self.price * self.shock * self.volume * n
        return sum((self.close(d) * self.volume for d in trading_days_before(day, n)), Decimal(0))


def trading_days_before(day: dt.date, n: int) -> list[dt.date]:
    """The ``n`` NYSE trading days before ``day``, latest first."""
    days: list[dt.date] = []
    current = day
    while len(days) < n:
        current = add_business_days(current, -1, "nyse")
        days.append(current)
    return days


@dataclass(frozen=True, slots=True)
class Conversion:
    """What a conversion issued: ``principal`` credited (to the cent, down), common (or
    common-equivalent) ``shares``, ``series_d`` preferred (0 off the route), and ``limited_by``
    (``""``, ``"volume cap"``, ``"4.99% cap"``, ``"price test"``)."""

    principal: Decimal
    shares: int
    series_d: int
    limited_by: str


def optional_conversion(
    amount: Decimal, fixed_conversion_price: Decimal, market: Market, cap: Decimal, reading: str = "literal"
) -> Conversion:
    """Convert ``amount`` (principal, interest or fees) at the Fixed Conversion Price (the Laurus
    form's optional conversion; ATG's price is an assumption).

    .. math:: n = \\min(\\lfloor A / FCP \\rfloor, \\text{cap}), \\quad credited = \\lfloor n \\cdot FCP \\rfloor_{cent}

    Shares are whole and limited by the 4.99% cap — the same rule as Option §10
    (:func:`dealkit.option.max_exercisable`); on the Series D route (authorized common below
    ``series_d_until_authorized``) whole preferred shares of ``series_d_ratio`` common each. The
    principal credited is rounded down (:data:`CREDIT_ROUNDING`); the rest stays owed.

    Raises
    ------
    DealDataError
        When the Fixed Conversion Price is not positive.

    Examples
    --------
    >>> market = Market(Decimal("0.06"), 5_000_000, outstanding=1_000_000_000, authorized=10 ** 12)
    >>> optional_conversion(Decimal("100000.00"), Decimal("0.05"), market, Decimal("0.0499"))
    Conversion(principal=Decimal('100000.00'), shares=2000000, series_d=0, limited_by='')
    """
    if fixed_conversion_price <= 0:
        raise DealDataError(
            f"note_terms.fixed_conversion_price: the Fixed Conversion Price must be positive "
            f"(got {str(fixed_conversion_price)[:40]})",
            field="note_terms.fixed_conversion_price",
            value=str(fixed_conversion_price)[:40],
        )
    shares = math.floor(amount / fixed_conversion_price)
    limit = max_exercisable(market.outstanding, market.holder_owns, cap, reading)
    why = ""
    if shares > limit:
        shares, why = limit, f"{format_rate(cap)} cap"  # the cap in force, e.g. "4.99% cap"
    series_d = 0
    if market.authorized < market.series_d_until_authorized:
        series_d = shares // market.series_d_ratio
        shares = series_d * market.series_d_ratio
    credited = (shares * fixed_conversion_price).quantize(CENT, rounding=CREDIT_ROUNDING)
    return Conversion(credited, shares, series_d, why)


@dataclass(frozen=True, slots=True)
class StockPayment:
    """The part of a payment made in shares: ``principal`` credited, ``shares``, ``series_d`` and
    why it was limited (``limited_by``)."""

    principal: Decimal
    shares: int
    series_d: int
    limited_by: str

    def __iter__(self) -> Iterator[object]:
        """``principal, shares, series_d, limited_by``: unpacks as the tuple it replaced."""
        return iter((self.principal, self.shares, self.series_d, self.limited_by))


def stock_payment(
    amount: Decimal, day: dt.date, a: NoteAssumptions, market: Market, test: Decimal, volume_cap: Decimal
) -> StockPayment:
    """How much of ``amount`` is paid in shares on ``day`` (the Laurus form's payment in stock):
    the price test, then the volume cap, then the 4.99% cap.

    .. math:: \\bar S_5 \\ge test \\cdot FCP, \\quad A_s = \\min(A, \\lfloor cap \\cdot DV_{22} \\rfloor_{cent})

    then :func:`optional_conversion` of :math:`A_s`.
    """
    if amount <= 0:
        return StockPayment(ZERO, 0, 0, "")
    if market.average_close(day) < test * a.fixed_conversion_price:
        return StockPayment(ZERO, 0, 0, "price test")
    allowed = min(amount, (volume_cap * market.dollar_volume(day)).quantize(CENT, rounding=CREDIT_ROUNDING))
    conv = optional_conversion(allowed, a.fixed_conversion_price, market, a.conversion_cap)
    why = conv.limited_by or ("volume cap" if allowed < amount else "")
    return StockPayment(conv.principal, conv.shares, conv.series_d, why)
