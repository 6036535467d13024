"""One simulated price path as the schedule code's market: the Decimal twin's input.

:class:`PathMarket` is a :class:`dealkit.notes.Market` whose volume varies by day; it lives with
the engine (not in :mod:`dealkit.market`) because it is built on the rules' ``Market``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dealkit.market.paths import PricePaths
from dealkit.rules import notes

__all__ = ["PathMarket", "path_market"]


@dataclass(frozen=True)
class PathMarket(notes.Market):
    """A :class:`dealkit.notes.Market` whose volume varies by day (``volumes``) and whose close
    lookup is a binary search (same rule: the last known close on or before the day, else
    ``price``, times ``shock``)."""

    volumes: Mapping[dt.date, int] = field(default_factory=dict)

    @functools.cached_property
    def _sorted(self) -> list[dt.date]:
        return sorted(self.closes)

    def close(self, day: dt.date) -> Decimal:
        """The last close on or before ``day`` (else ``price``), times ``shock``."""
        if not self.closes:
            return self.price * self.shock
        i = bisect.bisect_right(self._sorted, day)
        return (self.closes[self._sorted[i - 1]] if i else self.price) * self.shock

    def dollar_volume(self, day: dt.date, n: int = 22) -> Decimal:
        r"""Σ close × that day's volume over the ``n`` trading days before ``day``.

        .. math:: DV_n(t) = \sum_{d \in \text{the } n \text{ trading days before } t} P_d V_d
        """
        return sum(
            (self.close(d) * self.volumes.get(d, self.volume) for d in notes.trading_days_before(day, n)), Decimal(0)
        )


def path_market(
    paths: PricePaths, i: int, outstanding: int, authorized: int, holder_owns: int = 0, **terms: Any
) -> PathMarket:
    """Path ``i`` of ``paths`` as a :class:`PathMarket` with exact ``Decimal`` closes (``close ×
    10⁻⁶``) and each day's volume (the Decimal twin of the engine); the first day's close and
    volume are its ``price`` and ``volume``. ``terms``: the Series D terms of a loaded deal
    (``series_d_ratio``, ``series_d_until_authorized``; default the embedded deal's).

    Examples
    --------
    >>> from dealkit.market import simulate
    >>> paths = simulate("gbm", 2, 7, dt.date(2005, 9, 1), dt.date(2005, 9, 30))
    >>> market = path_market(paths, 1, outstanding=2_000_000_000, authorized=5_000_000_000)
    >>> market.close(dt.date(2005, 9, 1))
    Decimal('0.060000')
    """
    closes = {d: Decimal(int(c)).scaleb(-6) for d, c in zip(paths.dates, paths.closes[i], strict=True)}
    volumes = {d: int(v) for d, v in zip(paths.dates, paths.volumes[i], strict=True)}
    return PathMarket(closes[paths.dates[0]], int(paths.volumes[i, 0]), closes, outstanding=outstanding,
                      holder_owns=holder_owns, authorized=authorized, volumes=volumes, **terms)  # fmt: skip
