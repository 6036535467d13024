r"""Block bootstrap of a given daily series: blocks of consecutive days of (log return, volume)
pairs drawn with replacement, so volume moves with its own day's return.

.. math:: \ln S_t = \ln S_0 + \sum_{u \le t} r_{\pi(u)}, \qquad V_t = V_{\pi(t)}

with :math:`\pi` the concatenated blocks of ``block`` consecutive source days.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from dealkit.market.gbm import to_micro
from dealkit.market.paths import PRICE_SCALE, Assumption, PricePaths

__all__ = ["bootstrap_chunk"]


def bootstrap_chunk(
    rng: np.random.Generator, n: int, days: int, a: Mapping[str, Assumption], source: PricePaths
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` bootstrapped paths of ``days`` closes (micro-dollars, from the ``start_price``
    assumption) and volumes (shares) from the first path of ``source``."""
    closes = source.closes[0].astype(np.float64)
    log_returns = np.diff(np.log(closes))
    source_volumes = source.volumes[0, 1:]
    block = int(a["block"].value)  # type: ignore[call-overload]
    n_blocks = -(-days // block)
    starts = rng.integers(0, len(log_returns) - block + 1, size=(n, n_blocks))
    index = (starts[:, :, None] + np.arange(block)[None, None, :]).reshape(n, -1)[:, :days]
    drawn = log_returns[index]
    drawn[:, 0] = 0.0
    prices = float(a["start_price"].value) * PRICE_SCALE * np.exp(np.cumsum(drawn, axis=1))  # type: ignore[arg-type]
    return to_micro(prices), source_volumes[index].astype(np.int64)
