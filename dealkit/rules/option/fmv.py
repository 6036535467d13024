"""Option §1.2: the Fair Market Value of one share on the Determination Date, one rule per market.

- §1.2(a), an exchange (AMEX, a national exchange or Nasdaq): the closing or last sale price
  "reported for the last business day immediately preceding the Determination Date".
- §1.2(b), the OTC Bulletin Board (where ATG traded): "the mean of the average of the closing bid
  and asked prices" for that day, ``(bid + ask) / 2``, exact.
- §1.2(c), not traded: the value the Holder and the Company agree, or in the absence of agreement
  one set by arbitration (AAA rules, single arbitrator).
- §1.2(d), a liquidation: all amounts payable per share of common, "assuming ... that all of the
  shares of Common Stock then issuable upon exercise of the Option are outstanding".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from dealkit.core.calendar import previous_business_day
from dealkit.errors import ParameterError
from dealkit.rules.option.terms import (
    PriceDataError,
    as_decimal,
    half_up,
    need_date,
    need_shares,
    short_value,
    term,
)

__all__ = ["FairMarketValue", "fair_market_value"]


@dataclass(frozen=True, slots=True)
class FairMarketValue:
    """A Fair Market Value (Option §1.2) with the rule that produced it and the date it was read on."""

    value: Decimal
    rule: str
    determination_date: dt.date
    pricing_date: dt.date | None
    basis: str


def _exchange(day: dt.date, determination: dt.date, closes: Mapping[dt.date, Decimal] | None) -> FairMarketValue:
    """§1.2(a): the close of ``day``, the last business day before the Determination Date."""
    if not closes or day not in closes:
        raise PriceDataError(
            f"§1.2(a): no close reported for {day.isoformat()}, the last business day "
            f"before the Determination Date {determination.isoformat()}"
        )
    price = as_decimal(closes[day], f"closes[{day.isoformat()}]")
    return FairMarketValue(price, "§1.2(a)", determination, day, f"close of {day.isoformat()}")


def _otcbb(day: dt.date, determination: dt.date, quotes: Mapping[dt.date, tuple[Decimal, Decimal]] | None):
    """§1.2(b): ``(bid + ask) / 2`` of ``day``'s closing quote, exact."""
    if not quotes or day not in quotes:
        raise PriceDataError(
            f"§1.2(b): no closing bid and ask for {day.isoformat()}, the last business day "
            f"before the Determination Date {determination.isoformat()}"
        )
    bid, ask = (as_decimal(quote, f"quotes[{day.isoformat()}]") for quote in quotes[day])
    if bid < 0 or ask < bid:
        raise PriceDataError(f"§1.2(b): bid {bid} and ask {ask} for {day.isoformat()} are not a valid quote")
    basis = f"mean of closing bid {bid} and ask {ask} on {day.isoformat()}"
    return FairMarketValue((bid + ask) / 2, "§1.2(b)", determination, day, basis)


def _not_traded(determination: dt.date, agreed_value: Decimal | None, agreed_by: str | None) -> FairMarketValue:
    """§1.2(c): the agreed (or arbitrated) value."""
    if agreed_value is None or agreed_by not in ("agreement", "arbitration"):
        raise ParameterError("§1.2(c): give agreed_value and agreed_by ('agreement' or 'arbitration')")
    basis = (
        "agreed by the Holder and the Company"
        if agreed_by == "agreement"
        else "set by arbitration (American Arbitration Association, single arbitrator)"
    )
    return FairMarketValue(as_decimal(agreed_value, "agreed_value"), "§1.2(c)", determination, None, basis)


def _liquidation(
    determination: dt.date, total: Decimal | None, outstanding: int | None, issuable: int | None
) -> FairMarketValue:
    """§1.2(d): ``total / (outstanding + option shares issuable)``, to 10 places half-up."""
    if total is None or outstanding is None:
        raise ParameterError("§1.2(d): give liquidation_total and common_outstanding")
    shares = need_shares(outstanding, "common_outstanding") + need_shares(
        term(issuable, "OPTION_SHARES"), "option_shares_issuable"
    )
    if shares == 0:
        raise ParameterError("§1.2(d): no shares outstanding")
    value = half_up(Fraction(as_decimal(total, "liquidation_total")) / shares, 10)
    basis = f"{total} over {shares:,} shares (option shares counted as outstanding)"
    return FairMarketValue(value, "§1.2(d)", determination, None, basis)


def fair_market_value(
    determination_date: dt.date,
    market: Literal["exchange", "otcbb", "not_traded", "liquidation"],
    *,
    closes: Mapping[dt.date, Decimal] | None = None,
    quotes: Mapping[dt.date, tuple[Decimal, Decimal]] | None = None,
    agreed_value: Decimal | None = None,
    agreed_by: Literal["agreement", "arbitration"] | None = None,
    liquidation_total: Decimal | None = None,
    common_outstanding: int | None = None,
    option_shares_issuable: int | None = None,
    calendar: str = "nyse",
) -> FairMarketValue:
    """Fair Market Value of one share on the Determination Date (Option §1.2; see the module).

    .. math:: A_{(a)} = close_{d-1}, \\quad A_{(b)} = \\frac{bid_{d-1} + ask_{d-1}}{2}, \\quad
              A_{(d)} = \\frac{L}{O + S}

    ``d − 1`` is the previous business day of ``calendar`` (NYSE); (c) takes ``agreed_value`` with
    ``agreed_by``; in (d) S is the option shares issuable (default: the embedded deal's §1.1
    count), to 10 decimal places half-up. Raises :class:`PriceDataError` naming the date when
    the needed quote is missing.

    Examples
    --------
    >>> import datetime as dt
    >>> from decimal import Decimal
    >>> quote = {dt.date(2005, 9, 9): (Decimal("0.010"), Decimal("0.013"))}
    >>> fair_market_value(dt.date(2005, 9, 12), "otcbb", quotes=quote).value
    Decimal('0.0115')
    """
    need_date(determination_date, "determination_date")
    if market in ("exchange", "otcbb"):
        day = previous_business_day(determination_date, calendar)
        if market == "exchange":
            return _exchange(day, determination_date, closes)
        return _otcbb(day, determination_date, quotes)
    if market == "not_traded":
        return _not_traded(determination_date, agreed_value, agreed_by)
    if market == "liquidation":
        return _liquidation(determination_date, liquidation_total, common_outstanding, option_shares_issuable)
    raise ParameterError(f"market must be exchange, otcbb, not_traded or liquidation (got {short_value(market)})")
