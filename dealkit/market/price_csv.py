"""A user's daily price path from a CSV file (``date,close,volume``), validated row by row.

No readable source gives ATG's prices and volumes for 2005–2008 (deal-facts.md, "Market data is
not a deal term"): a file of them is the user's data, and every bad row is one
:class:`~dealkit.market.paths.MarketDataError` naming the file, the row (1 = the header) and the
field.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np

from dealkit.core.calendar import is_business_day
from dealkit.errors import DealDataError
from dealkit.market.paths import PRICE_SCALE, Assumption, MarketDataError, PricePaths, trading_days

__all__ = ["MAX_PRICE_FILE_BYTES", "load_price_csv"]

#: The largest price file read (16 MiB: some 500,000 daily rows).
MAX_PRICE_FILE_BYTES = 16 * 2**20
#: Closes and volumes must stay below this for exact int64 arithmetic downstream.
_EXACT_LIMIT = 2**40
#: Decimal places of a close (PRICE_SCALE = 10 ** _PRICE_DIGITS).
_PRICE_DIGITS = len(str(PRICE_SCALE)) - 1


class _RowError:
    """Builds the one-line error of a row of one file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self, row: int, what: str, value: object = None) -> MarketDataError:
        shown = "" if value is None else f" (got {str(value)[:40]!r})"
        return MarketDataError(
            f"{self.path.name}: row {row}: {what}{shown}", file=str(self.path), field=f"row {row}", value=value
        )


def _read_rows(path: Path, fail: _RowError) -> list[list[str]]:
    """The file's CSV rows, header checked: a small regular UTF-8 file only (never /dev/zero, a
    FIFO or a directory; nothing of it echoed)."""
    from dealkit.deal.loader import read_text_file

    try:
        text = read_text_file(path, "price file", limit=MAX_PRICE_FILE_BYTES).removeprefix("\ufeff")
    except DealDataError as exc:
        raise MarketDataError(str(exc), file=str(path)) from None
    rows = list(csv.reader(text.splitlines()))
    if not rows or [c.strip().lower() for c in rows[0]] != ["date", "close", "volume"]:
        raise fail(1, "the header must be date,close,volume", ",".join(rows[0]) if rows else "")
    return rows


def _row_date(text: str, row: int, previous: dt.date | None, fail: _RowError) -> dt.date:
    """The row's date: ISO, an NYSE trading day, after the row before."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise fail(row, "date: expected an ISO date YYYY-MM-DD", text) from None
    try:
        trading = is_business_day(day, "nyse")
    except ValueError:
        raise fail(row, "date: outside the trading calendar's years", text) from None
    if not trading:
        raise fail(row, "date: not an NYSE trading day (weekend or exchange holiday)", text)
    if previous is not None and day == previous:
        raise fail(row, "date: duplicate of the row before", text)
    if previous is not None and day < previous:
        raise fail(row, f"date: not sorted (comes after {previous})", text)
    return day


def _row_close(text: str, row: int, fail: _RowError) -> int:
    """The row's close in micro-dollars: a positive decimal with at most 6 decimals, exactly."""
    try:
        close = Decimal(text)
    except InvalidOperation:
        raise fail(row, "close: not a number", text) from None
    if not close.is_finite() or close <= 0:
        raise fail(row, "close: must be a positive price", text)
    micro = close.scaleb(_PRICE_DIGITS)  # exact: no context rounding
    if micro != micro.to_integral_value():
        raise fail(row, "close: more than 6 decimals", text)
    return int(micro)


def _check_no_gaps(dates: list[dt.date], rownums: list[int], fail: _RowError) -> None:
    """Sorted dates with a missing trading day between two rows: an error on the later row."""
    for prev, day, row in zip(dates, dates[1:], rownums[1:], strict=False):
        missing = trading_days(prev + dt.timedelta(days=1), day - dt.timedelta(days=1))
        if missing:
            raise fail(row, f"date: gap, {len(missing)} trading day(s) missing before it, first {missing[0]}", day)


def load_price_csv(path: str | Path) -> PricePaths:
    r"""A user's daily path: a CSV with the header ``date,close,volume``, one row per NYSE trading
    day, sorted, no gaps, no duplicates; close a positive dollar amount with at most 6 decimals,
    volume a whole number of shares. Each error names the file, the row (1 = the header) and the
    field.

    Raises
    ------
    MarketDataError
        One line naming the file, the row, the field and the value.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "atg.csv"
    >>> _ = path.write_text("date,close,volume\n2005-09-02,0.06,1000\n2005-09-06,0.0615,2500\n", encoding="utf-8")
    >>> paths = load_price_csv(path)
    >>> paths.dates[-1], paths.closes.tolist(), paths.volumes.tolist()   # micro-dollars, shares
    (datetime.date(2005, 9, 6), [[60000, 61500]], [[1000, 2500]])
    """
    path = Path(path)
    fail = _RowError(path)
    dates, closes, volumes, rownums = [], [], [], []  # type: ignore[var-annotated]
    for row, cells in enumerate(_read_rows(path, fail)[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != 3:
            raise fail(row, f"expected 3 fields, found {len(cells)}", ",".join(cells))
        date_text, close_text, volume_text = (c.strip() for c in cells)
        dates.append(_row_date(date_text, row, dates[-1] if dates else None, fail))
        closes.append(_row_close(close_text, row, fail))
        if not volume_text.isdigit():
            raise fail(row, "volume: expected a whole number of shares", volume_text)
        volumes.append(int(volume_text))
        rownums.append(row)
    if not dates:
        raise fail(2, "no data rows")
    _check_no_gaps(dates, rownums, fail)
    if max(closes) >= _EXACT_LIMIT or max(volumes) >= _EXACT_LIMIT:
        worst = np.argmax(closes) if max(closes) >= _EXACT_LIMIT else np.argmax(volumes)
        raise fail(2 + int(worst), "value too large for exact arithmetic (close below $1,000,000, volume below 2^40)")
    return PricePaths(
        tuple(dates),
        np.array([closes], dtype=np.int64),
        np.array([volumes], dtype=np.int64),
        "csv",
        {"file": Assumption("file", path.name, f"user's data: from {path.name}")},
    )
