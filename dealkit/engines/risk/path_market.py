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

import numpy as np

from dealkit import notes

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
            (self.close(d) * self.volumes.get(d, self.volume) for d in notes._trading_days_before(day, n)), Decimal(0)
        )


def path_market(
    dates: tuple[dt.date, ...],
    closes: np.ndarray,
    volumes: np.ndarray,
    outstanding: int,
    authorized: int,
    holder_owns: int = 0,
    **terms: Any,
) -> PathMarket:
    """One path's micro-dollar ``closes`` and share ``volumes`` on ``dates`` as a :class:`PathMarket`
    with exact ``Decimal`` closes (``close × 10⁻⁶``); the first day's close and volume are its
    ``price`` and ``volume``."""
    decimal_closes = {d: Decimal(int(c)).scaleb(-6) for d, c in zip(dates, closes, strict=True)}
    daily_volumes = {d: int(v) for d, v in zip(dates, volumes, strict=True)}
    return PathMarket(
        decimal_closes[dates[0]],
        int(volumes[0]),
        decimal_closes,
        outstanding=outstanding,
        holder_owns=holder_owns,
        authorized=authorized,
        volumes=daily_volumes,
        **terms,
    )
