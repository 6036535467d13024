"""Market data apart from the deal's terms: daily paths of ATG's close and volume.

No readable source gives ATG's prices and volumes for 2005–2008 (deal-facts.md, "Market data is
not a deal term"), yet the notes' stock-payment tests depend on them. A path therefore comes
either from a user's CSV (``date,close,volume``, validated row by row) or from a stated, seeded
model: geometric Brownian motion (``gbm``) or a block bootstrap (``bootstrap``) of a given series,
with volume drawn jointly with the price. Every model parameter is an :class:`Assumption` with its
provenance, and :meth:`PricePaths.provenance` is printed on every output that uses a path.

Exactness: closes are integers of ``1 / PRICE_SCALE`` dollars (micro-dollars, rounded half-up
from the model's float at this named point, never below one micro-dollar), volumes whole shares;
both ``int64``. :meth:`PricePaths.market` turns path *i* into a :class:`dealkit.notes.Market`
with ``Decimal`` closes, the exact twin the schedule code runs on.

Dates are NYSE trading days (:mod:`dealkit.calendar`): a path has a close on every trading day
from its first date to its last, and on no other day.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import functools
import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Mapping

import numpy as np

from . import notes
from .calendar import add_business_days, is_business_day
from .errors import DealDataError, ParameterError

__all__ = ["PRICE_SCALE", "MODELS", "MarketDataError", "Assumption", "PricePaths", "PathMarket",
           "trading_days", "path_window", "load_price_csv", "covering", "gbm_assumptions", "simulate", "check_memory",
           "MEMORY_LIMIT_BYTES", "CHUNK"]

#: Closes are integers of 1/PRICE_SCALE dollars (micro-dollars).
PRICE_SCALE = 1_000_000
#: The simulation models by name.
MODELS = ("gbm", "bootstrap")
#: Paths are simulated in chunks of this many (path i is the same whatever the path count).
CHUNK = 8192
#: The most memory one set of paths may take (closes and volumes, int64), unless told otherwise.
MEMORY_LIMIT_BYTES = 1_500_000_000
_TRADING_YEAR = 252


class MarketDataError(DealDataError):
    """A price/volume file (or a path built from one) is invalid; the message names the file, the
    row and the value."""


# ============================================================================ assumptions ==
@dataclass(frozen=True)
class Assumption:
    """One model parameter: its value and where it comes from (``source``)."""

    name: str
    value: object
    source: str

    def line(self) -> str:
        return f"{self.name} = {self.value} ({self.source})"


def gbm_assumptions(start_price: str | Decimal = "0.06", volatility: str | float = "1.00", drift: str | float = "0",
                    volume_level: int | str = 5_000_000, volume_volatility: str | float = "0.50",
                    volume_correlation: str | float = "0.30", given: frozenset[str] = frozenset()) -> dict[str, Assumption]:
    """The GBM model's parameters as assumptions, validated; ``given`` names those a user set.

    Defaults, none from a source: start price $0.06 and 5,000,000 shares a day (the notes
    notebook's placeholders), volatility 100% a year (a penny stock), drift 0, log-volume
    volatility 50% a day, correlation 0.3 between the day's price shock and its log-volume shock.
    """
    def src(name: str, why: str) -> str:
        return "set for this run" if name in given else f"assumed: {why}"

    sp = _positive_decimal(start_price, "start_price")
    vol = _finite(volatility, "volatility", positive=True)
    mu = _finite(drift, "drift")
    vl = _whole(volume_level, "volume_level")
    vv = _finite(volume_volatility, "volume_volatility", minimum=0.0)
    rho = _finite(volume_correlation, "volume_correlation")
    for name, raw, x, top in (("volatility", volatility, vol, 10.0), ("drift", drift, abs(mu), 10.0),
                              ("volume_volatility", volume_volatility, vv, 5.0)):
        if x > top:   # beyond this a path's prices leave any meaning (and float range): refused, not clipped
            raise ParameterError(f"parameter {name}: must be at most {top:g} in size (got {str(raw)[:40]!r})")
    if not -1 <= rho <= 1:
        raise ParameterError(f"parameter volume_correlation: must lie between -1 and 1 (got {volume_correlation!r})")
    return {
        "start_price": Assumption("start_price", sp, src("start_price", "no 2005 close in the sources; notes notebook placeholder")),
        "volatility": Assumption("volatility", vol, src("volatility", "annual, of log price; a penny stock's order of magnitude")),
        "drift": Assumption("drift", mu, src("drift", "annual drift of the price; none assumed")),
        "volume_level": Assumption("volume_level", vl, src("volume_level", "median shares a day; notes notebook placeholder")),
        "volume_volatility": Assumption("volume_volatility", vv, src("volume_volatility", "daily standard deviation of log volume")),
        "volume_correlation": Assumption("volume_correlation", rho, src("volume_correlation",
                                                                        "correlation of the log-volume shock with the price shock")),
    }


def _finite(value, name: str, *, positive: bool = False, minimum: float | None = None) -> float:
    if not str(value).isascii():  # float() would read other scripts' digits ('²', '١')
        raise ParameterError(f"parameter {name}: expected a number in ASCII digits (got {str(value)[:40]!r})")
    try:
        x = float(str(value).strip())
    except ValueError:
        raise ParameterError(f"parameter {name}: expected a number (got {str(value)[:40]!r})") from None
    if not math.isfinite(x):
        raise ParameterError(f"parameter {name}: must be a finite number (got {str(value)[:40]!r})")
    if positive and x <= 0:
        raise ParameterError(f"parameter {name}: must be greater than 0 (got {str(value)[:40]!r})")
    if minimum is not None and x < minimum:
        raise ParameterError(f"parameter {name}: must be at least {minimum} (got {str(value)[:40]!r})")
    return x


def _positive_decimal(value, name: str) -> Decimal:
    from .model import _strict_decimal  # the deal file's decimal syntax: ASCII, ≤ 28 digits, no exponent

    try:
        d = _strict_decimal(str(value).strip(), "a decimal")
    except (InvalidOperation, ValueError):
        raise ParameterError(f"parameter {name}: expected a decimal number (got {str(value)[:40]!r})") from None
    if not d.is_finite() or d <= 0:
        raise ParameterError(f"parameter {name}: must be a positive finite number (got {str(value)[:40]!r})")
    return d


def _whole(value, name: str) -> int:
    text = str(value).strip().replace(",", "").replace("_", "")
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise ParameterError(f"parameter {name}: expected a whole number of shares (got {str(value)[:40]!r})")
    return int(text)


# ============================================================================ dates =======
@functools.lru_cache(maxsize=64)
def trading_days(first: dt.date, last: dt.date) -> tuple[dt.date, ...]:
    """NYSE trading days from ``first`` to ``last``, both included when trading days."""
    out, d = [], first
    while d <= last:
        if is_business_day(d, "nyse"):
            out.append(d)
        d += dt.timedelta(days=1)
    return tuple(out)


def path_window(payment_dates: tuple[dt.date, ...], lookback: int = 22) -> tuple[dt.date, dt.date]:
    """The days a path must cover for these payment dates: from the ``lookback``-th trading day
    before the first to the last trading day before the last (the 5-day average and the 22-day
    dollar volume look at the trading days *before* a payment date)."""
    first = add_business_days(min(payment_dates), -lookback, "nyse")
    last = add_business_days(max(payment_dates), -1, "nyse")
    return first, last


# ============================================================================ paths =======
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
        return self.closes.shape[0]

    def provenance(self) -> str:
        """One paragraph, printed on every output that uses these paths."""
        head = f"Market paths: {self.n:,} × {len(self.dates):,} trading days ({self.dates[0]} to {self.dates[-1]}), model {self.model}"
        if self.seed is not None:
            head += f", seed {self.seed}"
        return head + ". " + "; ".join(a.line() for a in self.assumptions.values()) + "."

    def market(self, i: int, outstanding: int, authorized: int, holder_owns: int = 0, **terms) -> "PathMarket":
        """Path ``i`` as a :class:`dealkit.notes.Market` with exact ``Decimal`` closes and each
        day's volume (the Decimal twin of the engine). ``terms``: the Series D terms of a loaded
        deal (``series_d_ratio``, ``series_d_until_authorized``; default the embedded deal's)."""
        closes = {d: Decimal(int(c)).scaleb(-6) for d, c in zip(self.dates, self.closes[i])}
        volumes = {d: int(v) for d, v in zip(self.dates, self.volumes[i])}
        first = closes[self.dates[0]]
        return PathMarket(first, int(self.volumes[i, 0]), closes, outstanding=outstanding, holder_owns=holder_owns,
                          authorized=authorized, volumes=volumes, **terms)

    def slice(self, start: int, stop: int) -> "PricePaths":
        return PricePaths(self.dates, self.closes[start:stop], self.volumes[start:stop], self.model, self.assumptions, self.seed)


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
        if not self.closes:
            return self.price * self.shock
        i = bisect.bisect_right(self._sorted, day)
        return (self.closes[self._sorted[i - 1]] if i else self.price) * self.shock

    def dollar_volume(self, day: dt.date, n: int = 22) -> Decimal:
        """Σ close × that day's volume over the ``n`` trading days before ``day``."""
        return sum((self.close(d) * self.volumes.get(d, self.volume) for d in notes._trading_days_before(day, n)),
                   Decimal(0))


# ============================================================================ CSV =========
#: The largest price file read (16 MiB: some 500,000 daily rows).
MAX_PRICE_FILE_BYTES = 16 * 2**20

def load_price_csv(path: str | Path) -> PricePaths:
    """A user's daily path: a CSV with the header ``date,close,volume``, one row per NYSE trading
    day, sorted, no gaps, no duplicates; close a positive dollar amount with at most 6 decimals,
    volume a whole number of shares. Each error names the file, the row (1 = the header) and the
    field. Raises :class:`MarketDataError`."""
    path = Path(path)
    name = path.name

    def fail(row: int, what: str, value: object = None) -> MarketDataError:
        shown = "" if value is None else f" (got {str(value)[:40]!r})"
        return MarketDataError(f"{name}: row {row}: {what}{shown}", file=str(path), field=f"row {row}", value=value)

    from .errors import DealDataError
    from .loader import read_text_file

    try:  # a small regular UTF-8 file: never /dev/zero, a FIFO or a directory; nothing of it echoed
        text = read_text_file(path, "price file", limit=MAX_PRICE_FILE_BYTES).removeprefix("\ufeff")
    except DealDataError as exc:
        raise MarketDataError(str(exc), file=str(path)) from None
    rows = list(csv.reader(text.splitlines()))
    if not rows or [c.strip().lower() for c in rows[0]] != ["date", "close", "volume"]:
        raise fail(1, "the header must be date,close,volume", ",".join(rows[0]) if rows else "")
    dates, closes, volumes, rownum = [], [], [], []
    for k, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != 3:
            raise fail(k, f"expected 3 fields, found {len(row)}", ",".join(row))
        ds, cs, vs = (c.strip() for c in row)
        try:
            day = dt.date.fromisoformat(ds)
        except ValueError:
            raise fail(k, "date: expected an ISO date YYYY-MM-DD", ds) from None
        try:
            trading = is_business_day(day, "nyse")
        except ValueError:
            raise fail(k, "date: outside the trading calendar's years", ds) from None
        if not trading:
            raise fail(k, "date: not an NYSE trading day (weekend or exchange holiday)", ds)
        if dates and day == dates[-1]:
            raise fail(k, "date: duplicate of the row before", ds)
        if dates and day < dates[-1]:
            raise fail(k, f"date: not sorted (comes after {dates[-1]})", ds)
        try:
            close = Decimal(cs)
        except InvalidOperation:
            raise fail(k, "close: not a number", cs) from None
        if not close.is_finite() or close <= 0:
            raise fail(k, "close: must be a positive price", cs)
        micro = close.scaleb(6)
        if micro != micro.to_integral_value():
            raise fail(k, "close: more than 6 decimals", cs)
        if not vs.isdigit():
            raise fail(k, "volume: expected a whole number of shares", vs)
        dates.append(day)
        rownum.append(k)
        closes.append(int(micro))
        volumes.append(int(vs))
    if not dates:
        raise fail(2, "no data rows")
    for prev, day, k in zip(dates, dates[1:], rownum[1:]):   # sorted now: a gap is a missing trading day
        missing = trading_days(prev + dt.timedelta(days=1), day - dt.timedelta(days=1))
        if missing:
            raise fail(k, f"date: gap, {len(missing)} trading day(s) missing before it, first {missing[0]}", day)
    if max(closes) >= 2**40 or max(volumes) >= 2**40:
        raise fail(2 + int(np.argmax(closes) if max(closes) >= 2**40 else np.argmax(volumes)),
                   "value too large for exact arithmetic (close below $1,000,000, volume below 2^40)")
    src = f"from {name}"
    return PricePaths(tuple(dates), np.array([closes], dtype=np.int64), np.array([volumes], dtype=np.int64), "csv",
                      {"file": Assumption("file", name, "user's data: " + src)})


def covering(paths: PricePaths, first: dt.date, last: dt.date, where: str = "price path") -> PricePaths:
    """The part of ``paths`` from ``first`` to ``last`` (trading days); an error naming both ends
    when the path does not cover them."""
    if paths.dates[0] > first or paths.dates[-1] < last:
        raise MarketDataError(f"{where}: must cover {first} to {last} (22 trading days before the first payment date "
                              f"to the last); it runs {paths.dates[0]} to {paths.dates[-1]}", field="dates",
                              value=f"{paths.dates[0]}..{paths.dates[-1]}")
    i = paths.dates.index(first)
    j = paths.dates.index(last) + 1
    return PricePaths(paths.dates[i:j], paths.closes[:, i:j], paths.volumes[:, i:j], paths.model, paths.assumptions,
                      paths.seed)


# ============================================================================ simulation ==
def check_memory(n_paths: int, n_days: int, limit: int = MEMORY_LIMIT_BYTES, what: str = "n_paths") -> int:
    """Bytes the paths take (closes and volumes, int64, plus the float work arrays of a chunk);
    a :class:`ParameterError` naming the count when above ``limit``."""
    if n_paths < 1:
        raise ParameterError(f"parameter {what}: must be at least 1 (got {n_paths})")
    need = n_paths * n_days * 16 + min(n_paths, CHUNK) * n_days * 40
    if need > limit:
        raise ParameterError(f"parameter {what}: {n_paths:,} paths × {n_days:,} days need {need / 1e9:.1f} GB, above "
                             f"the {limit / 1e9:.1f} GB allowed; use fewer paths or the chunked run "
                             f"(dealkit.risk.run_chunked) (got {n_paths})")
    return need


def _to_micro(prices: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Float micro-dollars → int64, half-up, at least 1 (the named rounding point of a simulated
    close); beyond $1,000,000 a close is clipped there (absurd for ATG). Works in place; with
    ``out`` the integers are written there (the same cast as ``astype``)."""
    np.clip(prices, 1.0, 2.0**40, out=prices)
    prices += 0.5
    np.floor(prices, out=prices)
    if out is None:
        return prices.astype(np.int64)
    np.copyto(out, prices, casting="unsafe")
    return out


#: Paths drawn and transformed together inside a chunk: the work arrays (2 × rows × days floats)
#: then stay in the processor's cache instead of a 100 MB temporary per chunk. The draws are the
#: same: the generator fills rows in order, so rows drawn a block at a time are the rows drawn at once.
_GBM_BLOCK = 256


def _gbm_chunk(rng: np.random.Generator, n: int, days: int, a: Mapping[str, Assumption],
               out: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``n`` GBM paths of ``days`` closes and volumes (int64 micro-dollars, shares), drawn from
    ``rng`` in row order (path i's price shocks Z, then its volume shocks W), written into ``out``
    (closes, volumes) when given."""
    closes, vols = out if out is not None else (np.empty((n, days), dtype=np.int64),
                                                np.empty((n, days), dtype=np.int64))
    block = min(n, _GBM_BLOCK)
    buf = np.empty((block, 2, days))
    for start in range(0, n, block):
        stop = min(n, start + block)
        shocks = buf[:stop - start]
        rng.standard_normal(out=shocks)       # row i: the price shocks Z, then W, of path i
        _gbm_rows(shocks, a, closes[start:stop], vols[start:stop])
    return closes, vols


def _gbm_rows(shocks: np.ndarray, a: Mapping[str, Assumption], closes: np.ndarray, vols: np.ndarray) -> None:
    """Shocks (rows × 2 × days) → closes and volumes, in place: the GBM of :func:`simulate`."""
    z, w = shocks[:, 0, :], shocks[:, 1, :]
    sigma, mu = a["volatility"].value, a["drift"].value
    step = 1.0 / _TRADING_YEAR
    rho, vv = a["volume_correlation"].value, a["volume_volatility"].value
    # volume first (it needs Z before Z becomes the log return): V = level · exp(σ_V (ρ Z + √(1−ρ²) W))
    w *= vv * math.sqrt(1.0 - rho * rho)
    w += (vv * rho) * z
    np.exp(w, out=w)
    w *= a["volume_level"].value
    if a["volume_level"].value:
        _to_micro(w, vols)
    else:
        vols[...] = 0
    z *= sigma * math.sqrt(step)
    z += (mu - 0.5 * sigma * sigma) * step
    z[:, 0] = 0.0  # the first day's close is the start price
    np.cumsum(z, axis=1, out=z)
    np.exp(z, out=z)
    z *= float(a["start_price"].value) * PRICE_SCALE
    _to_micro(z, closes)


def _bootstrap_chunk(rng: np.random.Generator, n: int, days: int, a: Mapping[str, Assumption],
                     source: PricePaths) -> tuple[np.ndarray, np.ndarray]:
    closes = source.closes[0].astype(np.float64)
    logret = np.diff(np.log(closes))
    vol = source.volumes[0, 1:]
    block = a["block"].value
    m = len(logret)
    n_blocks = -(-days // block)
    starts = rng.integers(0, m - block + 1, size=(n, n_blocks))
    idx = (starts[:, :, None] + np.arange(block)[None, None, :]).reshape(n, -1)[:, :days]
    r = logret[idx]
    r[:, 0] = 0.0
    prices = float(a["start_price"].value) * PRICE_SCALE * np.exp(np.cumsum(r, axis=1))
    return _to_micro(prices), vol[idx].astype(np.int64)


def simulate(model: str, n_paths: int, seed: int, first: dt.date, last: dt.date, *,
             assumptions: Mapping[str, Assumption] | None = None, source: PricePaths | None = None,
             block: int = 22, memory_limit: int = MEMORY_LIMIT_BYTES) -> PricePaths:
    """``n_paths`` daily paths on the trading days from ``first`` to ``last``, reproducible from
    ``seed``: path *i* comes from chunk ``i // CHUNK``, drawn by ``numpy.random.default_rng([seed,
    chunk])`` in row order, so it is the same for any path count.

    ``gbm``: :math:`\\ln S_{t+1} = \\ln S_t + (\\mu - \\sigma^2/2)\\,\\Delta t + \\sigma\\sqrt{\\Delta t}\\,Z_t`,
    :math:`\\Delta t = 1/252`; volume :math:`V_t = \\bar V \\exp(\\sigma_V \\varepsilon_t)`,
    :math:`\\varepsilon_t = \\rho Z_t + \\sqrt{1-\\rho^2} W_t` (drawn jointly with the price).
    ``bootstrap``: blocks of ``block`` consecutive days of (log return, volume) pairs of
    ``source`` drawn with replacement, so volume moves with its own day's return.
    """
    if model not in MODELS:
        raise ParameterError(f"parameter model: unknown model, choose one of {', '.join(MODELS)} (got {str(model)[:40]!r})")
    if isinstance(n_paths, bool) or not isinstance(n_paths, int):
        raise ParameterError(f"parameter n_paths: expected a whole number (got {str(n_paths)[:40]!r})")
    days = trading_days(first, last)
    check_memory(n_paths, len(days), memory_limit)
    a = dict(assumptions or gbm_assumptions())
    if model == "bootstrap":
        if source is None:
            raise ParameterError("parameter price_csv: the bootstrap model needs a price series (a CSV file)")
        if block < 1 or len(source.dates) < block + 1:
            raise ParameterError(f"parameter block: must be at least 1 and below the series' {len(source.dates)} days "
                                 f"(got {block})")
        a["block"] = Assumption("block", block, "days per bootstrap block (a trading month)")
        a["series"] = Assumption("series", f"{source.dates[0]}..{source.dates[-1]}", source.provenance())
    closes = np.empty((n_paths, len(days)), dtype=np.int64)
    volumes = np.empty((n_paths, len(days)), dtype=np.int64)
    for c, start in enumerate(range(0, n_paths, CHUNK)):
        stop = min(n_paths, start + CHUNK)
        rng = np.random.default_rng([seed, c])
        if model == "gbm":  # written in place
            _gbm_chunk(rng, stop - start, len(days), a, (closes[start:stop], volumes[start:stop]))
        else:
            closes[start:stop], volumes[start:stop] = _bootstrap_chunk(rng, stop - start, len(days), a, source)
    return PricePaths(days, closes, volumes, model, a, seed)
