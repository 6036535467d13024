"""The market figures the schedule code reads on each payment date, per path, from cumulative
sums: the 5-day average close's sum, the 22-day dollar volume and the close (notes.Market's
``average_close``, ``dollar_volume`` and ``close``), in integer micro-dollars."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from dataclasses import dataclass

import numpy as np

from dealkit.engines.risk.ints import guard
from dealkit.engines.risk.plan import AVERAGE_DAYS
from dealkit.errors import ParameterError
from dealkit.market.paths import DOLLAR_VOLUME_DAYS, PricePaths

__all__ = ["Windows", "windows"]

#: Paths processed at a time: the work arrays stay small and are reused.
_BLOCK = 2048


@dataclass(frozen=True, eq=False)
class Windows:
    """Per path and grid date: Σ of the 5 closes before it (micro-dollars), the 22-day dollar
    volume before it (micro-dollar-shares), and the close on or before it (micro-dollars)."""

    grid: tuple[dt.date, ...]
    sum5: np.ndarray
    dv22: np.ndarray
    close: np.ndarray
    volumes: np.ndarray | None = None  # the paths' daily volumes (for vsum)
    need: np.ndarray | None = None  # per grid date: trading days before it

    @functools.cached_property
    def dv22_max(self) -> int:
        """The largest 22-day dollar volume (for the int64 guards), computed once per windows."""
        return int(self.dv22.max(initial=0))

    @functools.cached_property
    def vsum(self) -> np.ndarray:
        """Shares traded on the trading days from the previous grid date (inclusive) to this one
        (exclusive); 0 for the first grid date (what the holder may sell before a conversion).
        Computed on first use (only a policy that tracks holdings needs it)."""
        volumes, need = self.volumes, self.need
        if volumes is None or need is None:
            raise ParameterError("windows: built without the paths' volumes; rebuild them with windows()")
        guard(int(volumes.max(initial=0)) * volumes.shape[1], "price path volumes")
        out = np.zeros((volumes.shape[0], len(self.grid)), dtype=np.int64)
        for i in range(0, volumes.shape[0], _BLOCK):
            cumulative = np.zeros((min(_BLOCK, volumes.shape[0] - i), volumes.shape[1] + 1), dtype=np.int64)
            np.cumsum(volumes[i : i + _BLOCK], axis=1, out=cumulative[:, 1:])
            out[i : i + _BLOCK, 1:] = cumulative[:, need[1:]] - cumulative[:, need[:-1]]
        return out


def windows(paths: PricePaths, grid: tuple[dt.date, ...]) -> Windows:
    r"""The market figures the schedule code reads on each grid date (notes.Market.average_close,
    dollar_volume and close), from cumulative sums. The path must cover 22 trading days before
    the first grid date (see :func:`dealkit.market.path_window`).

    .. math:: S_5(t) = \sum_{i=k-5}^{k-1} c_i, \qquad DV_{22}(t) = \sum_{i=k-22}^{k-1} c_i v_i

    with :math:`k` the number of trading days before :math:`t`.

    Examples
    --------
    >>> from dealkit.market import simulate, path_window
    >>> grid = (dt.date(2005, 10, 3), dt.date(2005, 11, 1))
    >>> w = windows(simulate("gbm", 2, 7, *path_window(grid)), grid)
    >>> w.sum5.shape, w.dv22.shape, w.close.shape      # paths × grid dates
    ((2, 2), (2, 2), (2, 2))
    """
    dates = paths.dates
    need = [bisect.bisect_left(dates, d) for d in grid]
    if min(need) < DOLLAR_VOLUME_DAYS or max(need) > len(dates):
        raise ParameterError(
            f"price path: must cover the 22 trading days before {grid[0]} through {grid[-1]}; it runs "
            f"{dates[0]} to {dates[-1]}"
        )
    closes, volumes = paths.closes, paths.volumes
    guard(int(closes.max()) * len(dates), "price path closes")
    guard(int(closes.max()) * int(volumes.max()) * DOLLAR_VOLUME_DAYS, "price path close × volume")
    n = closes.shape[0]
    before = np.array(need)
    on = np.array([bisect.bisect_right(dates, d) - 1 for d in grid])
    sum5 = np.empty((n, len(grid)), dtype=np.int64)
    dv22 = np.empty((n, len(grid)), dtype=np.int64)
    cumulative = np.zeros((min(_BLOCK, n), len(dates) + 1), dtype=np.int64)
    product = np.empty((min(_BLOCK, n), len(dates)), dtype=np.int64)
    for i in range(0, n, _BLOCK):
        j = min(n, i + _BLOCK)
        m = j - i
        np.cumsum(closes[i:j], axis=1, out=cumulative[:m, 1:])
        sum5[i:j] = cumulative[:m, before] - cumulative[:m, before - AVERAGE_DAYS]
        np.multiply(closes[i:j], volumes[i:j], out=product[:m])
        np.cumsum(product[:m], axis=1, out=cumulative[:m, 1:])
        dv22[i:j] = cumulative[:m, before] - cumulative[:m, before - DOLLAR_VOLUME_DAYS]
    return Windows(grid, sum5, dv22, np.take(closes, on, axis=1), volumes, before)  # row-major, as sum5
