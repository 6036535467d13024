"""Seeded, reproducible sets of daily paths: GBM (:mod:`dealkit.market.gbm`) or a block bootstrap
(:mod:`dealkit.market.bootstrap`), in chunks, with a memory guard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np

from dealkit.errors import ParameterError
from dealkit.market.assumptions import gbm_assumptions
from dealkit.market.bootstrap import bootstrap_chunk
from dealkit.market.gbm import gbm_chunk, gbm_variants
from dealkit.market.paths import Assumption, PricePaths, trading_days

__all__ = ["MODELS", "CHUNK", "MEMORY_LIMIT_BYTES", "check_memory", "simulate", "simulate_variants"]

#: The simulation models by name.
MODELS = ("gbm", "bootstrap")
#: Paths are simulated in chunks of this many (path i is the same whatever the path count).
CHUNK = 8192
#: The most memory one set of paths may take (closes and volumes, int64), unless told otherwise.
MEMORY_LIMIT_BYTES = 1_500_000_000
#: Bytes per path-day: closes and volumes (int64); and the float work arrays of a chunk.
_PATH_BYTES, _WORK_BYTES = 16, 40
_GIGABYTE = 1e9


def check_memory(n_paths: int, n_days: int, limit: int = MEMORY_LIMIT_BYTES, what: str = "n_paths") -> int:
    """Bytes the paths take (closes and volumes, int64, plus the float work arrays of a chunk);
    a :class:`ParameterError` naming the count when above ``limit``.

    .. math:: bytes = 16\\,n\\,d + 40 \\min(n, CHUNK)\\,d

    Examples
    --------
    >>> check_memory(1000, 100)
    5600000
    """
    if n_paths < 1:
        raise ParameterError(f"parameter {what}: must be at least 1 (got {n_paths})")
    need = n_paths * n_days * _PATH_BYTES + min(n_paths, CHUNK) * n_days * _WORK_BYTES
    if need > limit:
        raise ParameterError(
            f"parameter {what}: {n_paths:,} paths × {n_days:,} days need {need / _GIGABYTE:.1f} GB, "
            f"above the {limit / _GIGABYTE:.1f} GB allowed; use fewer paths or the chunked run "
            f"(dealkit.risk.run_chunked) (got {n_paths})"
        )
    return need


def _model_assumptions(
    model: str, assumptions: Mapping[str, Assumption] | None, source: PricePaths | None, block: int
) -> dict[str, Assumption]:
    """The model's assumptions; for the bootstrap, its block and series (checked)."""
    stated = dict(assumptions or gbm_assumptions())
    if model == "bootstrap":
        if source is None:
            raise ParameterError("parameter price_csv: the bootstrap model needs a price series (a CSV file)")
        if block < 1 or len(source.dates) < block + 1:
            raise ParameterError(
                f"parameter block: must be at least 1 and below the series' {len(source.dates)} days (got {block})"
            )
        stated["block"] = Assumption("block", block, "days per bootstrap block (a trading month)")
        stated["series"] = Assumption("series", f"{source.dates[0]}..{source.dates[-1]}", source.provenance())
    return stated


def simulate(
    model: str,
    n_paths: int,
    seed: int,
    first: dt.date,
    last: dt.date,
    *,
    assumptions: Mapping[str, Assumption] | None = None,
    source: PricePaths | None = None,
    block: int = 22,
    memory_limit: int = MEMORY_LIMIT_BYTES,
) -> PricePaths:
    """``n_paths`` daily paths on the trading days from ``first`` to ``last``, reproducible from
    ``seed``: path *i* comes from chunk ``i // CHUNK``, drawn by ``numpy.random.default_rng([seed,
    chunk])`` in row order, so it is the same for any path count.

    ``gbm``: :math:`\\ln S_{t+1} = \\ln S_t + (\\mu - \\sigma^2/2)\\,\\Delta t + \\sigma\\sqrt{\\Delta t}\\,Z_t`,
    :math:`\\Delta t = 1/252`; volume :math:`V_t = \\bar V \\exp(\\sigma_V \\varepsilon_t)`,
    :math:`\\varepsilon_t = \\rho Z_t + \\sqrt{1-\\rho^2} W_t` (drawn jointly with the price).
    ``bootstrap``: blocks of ``block`` consecutive days of (log return, volume) pairs of
    ``source`` drawn with replacement, so volume moves with its own day's return.

    Examples
    --------
    >>> paths = simulate("gbm", 3, 7, dt.date(2005, 9, 1), dt.date(2005, 9, 30))
    >>> paths.closes.shape, int(paths.closes[0, 0])   # 21 trading days; the first close is $0.06
    ((3, 21), 60000)
    """
    if model not in MODELS:
        raise ParameterError(
            f"parameter model: unknown model, choose one of {', '.join(MODELS)} (got {str(model)[:40]!r})"
        )
    if isinstance(n_paths, bool) or not isinstance(n_paths, int):
        raise ParameterError(f"parameter n_paths: expected a whole number (got {str(n_paths)[:40]!r})")
    days = trading_days(first, last)
    check_memory(n_paths, len(days), memory_limit)
    stated = _model_assumptions(model, assumptions, source, block)
    closes = np.empty((n_paths, len(days)), dtype=np.int64)
    volumes = np.empty((n_paths, len(days)), dtype=np.int64)
    for chunk, start in enumerate(range(0, n_paths, CHUNK)):
        stop = min(n_paths, start + CHUNK)
        rng = np.random.default_rng([seed, chunk])
        if model == "gbm":  # written in place
            gbm_chunk(rng, stop - start, len(days), stated, (closes[start:stop], volumes[start:stop]))
        else:
            assert source is not None  # checked by _model_assumptions
            closes[start:stop], volumes[start:stop] = bootstrap_chunk(rng, stop - start, len(days), stated, source)
    return PricePaths(days, closes, volumes, model, stated, seed)


def simulate_variants(
    n_paths: int,
    seed: int,
    first: dt.date,
    last: dt.date,
    variants: Sequence[Mapping[str, Assumption]],
    *,
    memory_limit: int = MEMORY_LIMIT_BYTES,
) -> list[PricePaths]:
    """``[simulate("gbm", n_paths, seed, first, last, assumptions=v) for v in variants]``, the
    same integers, with each chunk's shocks drawn once for all the variants (a GBM's shocks do not
    depend on its parameters: only the transform does). The memory guard counts every variant.

    Examples
    --------
    >>> from dealkit.market.assumptions import gbm_assumptions
    >>> low, high = gbm_assumptions(volatility="0.5"), gbm_assumptions(volatility="2.0")
    >>> first, last = dt.date(2005, 9, 1), dt.date(2005, 9, 30)
    >>> a, b = simulate_variants(3, 7, first, last, [low, high])
    >>> alone = simulate("gbm", 3, 7, first, last, assumptions=high)
    >>> bool((b.closes == alone.closes).all()), bool((a.closes == alone.closes).all())
    (True, False)
    """
    if isinstance(n_paths, bool) or not isinstance(n_paths, int):
        raise ParameterError(f"parameter n_paths: expected a whole number (got {str(n_paths)[:40]!r})")
    days = trading_days(first, last)
    check_memory(n_paths, len(days), memory_limit)  # the count itself
    check_memory(n_paths * max(len(variants), 1), len(days), memory_limit)  # every variant held at once
    stated = [dict(v or gbm_assumptions()) for v in variants]
    arrays = [
        (np.empty((n_paths, len(days)), dtype=np.int64), np.empty((n_paths, len(days)), dtype=np.int64)) for _ in stated
    ]
    for chunk, start in enumerate(range(0, n_paths, CHUNK)):
        stop = min(n_paths, start + CHUNK)
        outs = [(closes[start:stop], volumes[start:stop]) for closes, volumes in arrays]
        gbm_variants(np.random.default_rng([seed, chunk]), stop - start, len(days), stated, outs)
    return [PricePaths(days, c, v, "gbm", a, seed) for (c, v), a in zip(arrays, stated, strict=True)]
