r"""Geometric Brownian motion paths of ATG's close, with volume drawn jointly with the price.

.. math::
    \ln S_{t+1} = \ln S_t + (\mu - \sigma^2/2)\,\Delta t + \sigma\sqrt{\Delta t}\,Z_t, \qquad \Delta t = 1/252

    V_t = \bar V \exp(\sigma_V \varepsilon_t), \qquad \varepsilon_t = \rho Z_t + \sqrt{1-\rho^2}\,W_t

Every parameter is an :class:`~dealkit.market.paths.Assumption` (:mod:`dealkit.market.assumptions`).
Closes are rounded half-up to whole micro-dollars at one named point, :func:`to_micro`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from dealkit.market.paths import PRICE_SCALE, Assumption

__all__ = ["TRADING_YEAR", "GBM_BLOCK", "to_micro", "gbm_chunk", "gbm_variants", "gbm_rows"]

#: Trading days in a year: the step of an annual volatility and drift is 1 / TRADING_YEAR.
TRADING_YEAR = 252
#: Paths drawn and transformed together inside a chunk: the work arrays (2 × rows × days floats)
#: then stay in the processor's cache instead of a 100 MB temporary per chunk. The draws are the
#: same: the generator fills rows in order, so rows drawn a block at a time are the rows drawn at once.
GBM_BLOCK = 256
#: The largest simulated close, in micro-dollars ($1,099,511.63): beyond it a close is clipped there.
_LARGEST_CLOSE = 2.0**40


def to_micro(prices: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Float micro-dollars → int64, half-up, at least 1 (the named rounding point of a simulated
    close); beyond $1,000,000 a close is clipped there (absurd for ATG). Clips ``prices`` in
    place; the integers are written to ``out`` when given (the cast of ``astype``: truncation,
    which is the floor as every value is positive).

    .. math:: c = \\lfloor \\min(\\max(p, 1), 2^{40}) + 1/2 \\rfloor

    Examples
    --------
    >>> to_micro(np.array([0.2, 2.5, 60000.49])).tolist()
    [1, 3, 60000]
    """
    np.clip(prices, 1.0, _LARGEST_CLOSE, out=prices)
    if out is None:
        out = np.empty(prices.shape, dtype=np.int64)
    # x + 1/2 ≥ 1.5 > 0, so the cast's truncation toward zero is the floor: one pass adds and casts.
    np.add(prices, 0.5, out=out, casting="unsafe")
    return out


def gbm_chunk(
    rng: np.random.Generator,
    n: int,
    days: int,
    a: Mapping[str, Assumption],
    out: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` GBM paths of ``days`` closes (micro-dollars) and volumes (shares), drawn from ``rng``
    in row order (path *i*'s price shocks Z, then its volume shocks W), :data:`GBM_BLOCK` rows at a
    time, written into ``out`` (closes, volumes) when given. The first close is the start price."""
    closes, volumes = out if out is not None else (np.empty((n, days), dtype=np.int64),
                                                   np.empty((n, days), dtype=np.int64))  # fmt: skip
    block = min(n, GBM_BLOCK)
    buffer, scratch = np.empty((block, 2, days)), np.empty((block, days))
    for start in range(0, n, block):
        stop = min(n, start + block)
        shocks = buffer[: stop - start]
        rng.standard_normal(out=shocks)  # row i: the price shocks Z, then W, of path i
        gbm_rows(shocks, a, closes[start:stop], volumes[start:stop], scratch[: stop - start])
    return closes, volumes


def gbm_variants(
    rng: np.random.Generator,
    n: int,
    days: int,
    variants: Sequence[Mapping[str, Assumption]],
    outs: Sequence[tuple[np.ndarray, np.ndarray]],
) -> None:
    """:func:`gbm_chunk` under each set of assumptions of ``variants`` from ONE draw of the shocks,
    written into the matching (closes, volumes) of ``outs``: the shocks depend only on ``rng``
    (each block is drawn once, in row order, and copied for each variant before its transform),
    so variant *v* gets exactly the paths ``gbm_chunk(rng', n, days, variants[v])`` gives from a
    generator in the same state."""
    block = min(n, GBM_BLOCK)
    shocks, buffer, scratch = np.empty((block, 2, days)), np.empty((block, 2, days)), np.empty((block, days))
    for start in range(0, n, block):
        stop = min(n, start + block)
        drawn = shocks[: stop - start]
        rng.standard_normal(out=drawn)  # row i: the price shocks Z, then W, of path i
        for a, (closes, volumes) in zip(variants, outs, strict=True):
            work = buffer[: stop - start]
            np.copyto(work, drawn)
            gbm_rows(work, a, closes[start:stop], volumes[start:stop], scratch[: stop - start])


def gbm_rows(
    shocks: np.ndarray,
    a: Mapping[str, Assumption],
    closes: np.ndarray,
    volumes: np.ndarray,
    scratch: np.ndarray | None = None,
) -> None:
    """Shocks (rows × 2 × days) → closes and volumes, in place: the GBM of the module docstring.
    ``scratch`` (rows × days floats, optional) holds ρσ_V Z instead of a new temporary."""
    price_shock, volume_shock = shocks[:, 0, :], shocks[:, 1, :]
    sigma, mu = float(a["volatility"].value), float(a["drift"].value)  # type: ignore[arg-type]
    step = 1.0 / TRADING_YEAR
    rho, volume_sigma = float(a["volume_correlation"].value), float(a["volume_volatility"].value)  # type: ignore[arg-type]
    level = int(a["volume_level"].value)  # type: ignore[call-overload]
    # volume first (it needs Z before Z becomes the log return): V = level · exp(σ_V (ρ Z + √(1−ρ²) W))
    volume_shock *= volume_sigma * math.sqrt(1.0 - rho * rho)
    scratch = np.multiply(price_shock, volume_sigma * rho, out=scratch)
    volume_shock += scratch
    np.exp(volume_shock, out=volume_shock)
    volume_shock *= level
    if level:
        to_micro(volume_shock, volumes)
    else:
        volumes[...] = 0
    price_shock *= sigma * math.sqrt(step)
    price_shock += (mu - sigma * sigma / 2) * step
    price_shock[:, 0] = 0.0  # the first day's close is the start price
    np.cumsum(price_shock, axis=1, out=price_shock)
    np.exp(price_shock, out=price_shock)
    price_shock *= float(a["start_price"].value) * PRICE_SCALE  # type: ignore[arg-type]
    to_micro(price_shock, closes)
