"""Daily price paths on NYSE trading days: the container, its provenance, and the window a set of
payment dates needs.

Exactness: closes are integers of ``1 / PRICE_SCALE`` dollars (micro-dollars), volumes whole
shares; both ``int64``. :func:`dealkit.engines.risk.path_market.path_market` turns path *i* into a
notes ``Market`` with ``Decimal`` closes, the exact twin the schedule code runs on (it is built on
the rules' Market, a layer above this one).

Dates are NYSE trading days (:mod:`dealkit.core.calendar`): a path has a close on every trading day
from its first date to its last, and on no other day.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from dealkit.core.calendar import add_business_days, is_business_day
from dealkit.errors import DealDataError

__all__ = [
    "PRICE_SCALE",
    "DOLLAR_VOLUME_DAYS",
    "MarketDataError",
    "Assumption",
    "PricePaths",
    "trading_days",
    "path_window",
    "covering",
]

#: Closes are integers of 1/PRICE_SCALE dollars (micro-dollars).
PRICE_SCALE = 1_000_000
#: The trading days before a payment date whose dollar volume the volume caps read (Laurus note form).
DOLLAR_VOLUME_DAYS = 22


class MarketDataError(DealDataError):
    """A price/volume file (or a path built from one) is invalid; the message names the file, the
    row and the value."""


@dataclass(frozen=True)
class Assumption:
    """One model parameter: its value and where it comes from (``source``).

    Examples
    --------
    >>> Assumption("drift", 0.0, "assumed: none").line()
    'drift = 0.0 (assumed: none)'
    """

    name: str
    value: object
    source: str

    def line(self) -> str:
        """``name = value (source)``: one item of a provenance paragraph."""
        return f"{self.name} = {self.value} ({self.source})"


@functools.lru_cache(maxsize=64)
def trading_days(first: dt.date, last: dt.date) -> tuple[dt.date, ...]:
    """NYSE trading days from ``first`` to ``last``, both included when trading days.

    Examples
    --------
    >>> trading_days(dt.date(2005, 9, 2), dt.date(2005, 9, 6))   # Labor Day, 5 Sep 2005
    (datetime.date(2005, 9, 2), datetime.date(2005, 9, 6))
    """
    out, day = [], first
    try:
        while day <= last:
            if is_business_day(day, "nyse"):
                out.append(day)
            day += dt.timedelta(days=1)
    except ValueError as exc:  # a day outside the calendar's years: one line naming it
        raise MarketDataError(f"trading days {first} to {last}: {exc}", field="dates", value=str(day)) from None
    return tuple(out)


def path_window(payment_dates: tuple[dt.date, ...], lookback: int = DOLLAR_VOLUME_DAYS) -> tuple[dt.date, dt.date]:
    """The days a path must cover for these payment dates: from the ``lookback``-th trading day
    before the first to the last trading day before the last (the 5-day average and the 22-day
    dollar volume look at the trading days *before* a payment date)."""
    first = add_business_days(min(payment_dates), -lookback, "nyse")
    last = add_business_days(max(payment_dates), -1, "nyse")
    return first, last


@dataclass(frozen=True, eq=False)
class PricePaths:
    """``n`` daily paths on the same trading days: ``closes`` (micro-dollars) and ``volumes``
    (shares), ``int64`` arrays of shape (n, days); ``assumptions`` say where they came from."""

    dates: tuple[dt.date, ...]
    closes: np.ndarray
    volumes: np.ndarray
    model: str
    assumptions: Mapping[str, Assumption] = field(default_factory=dict)
    seed: int | None = None

    @property
    def n(self) -> int:
        """The number of paths."""
        return int(self.closes.shape[0])

    def provenance(self) -> str:
        """One paragraph, printed on every output that uses these paths."""
        head = (
            f"Market paths: {self.n:,} × {len(self.dates):,} trading days ({self.dates[0]} to {self.dates[-1]}), "
            f"model {self.model}"
        )
        if self.seed is not None:
            head += f", seed {self.seed}"
        return head + ". " + "; ".join(a.line() for a in self.assumptions.values()) + "."

    def slice(self, start: int, stop: int) -> PricePaths:
        """Paths ``start`` to ``stop`` (excluded), on the same days."""
        return PricePaths(
            self.dates, self.closes[start:stop], self.volumes[start:stop], self.model, self.assumptions, self.seed
        )


def covering(paths: PricePaths, first: dt.date, last: dt.date, where: str = "price path") -> PricePaths:
    """The part of ``paths`` from ``first`` to ``last`` (trading days); an error naming both ends
    when the path does not cover them."""
    if paths.dates[0] > first or paths.dates[-1] < last:
        raise MarketDataError(
            f"{where}: must cover {first} to {last} (22 trading days before the first payment date "
            f"to the last); it runs {paths.dates[0]} to {paths.dates[-1]}",
            field="dates",
            value=f"{paths.dates[0]}..{paths.dates[-1]}",
        )
    i = bisect.bisect_left(paths.dates, first)  # from the first trading day on or after ``first``
    j = bisect.bisect_right(paths.dates, last)  # to the last on or before ``last``
    return PricePaths(
        paths.dates[i:j], paths.closes[:, i:j], paths.volumes[:, i:j], paths.model, paths.assumptions, paths.seed
    )
