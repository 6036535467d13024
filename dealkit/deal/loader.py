"""Loading the deal and the prime-rate history, with clear errors.

Any problem with a data file raises :class:`dealkit.DealDataError` whose message names the file,
the field path and the bad value; no other exception type escapes for a bad file. The guarded
reading (size caps, YAML limits) is :mod:`dealkit.deal.guard`; the cross-field checks are
:mod:`dealkit.deal.references`; the message helpers are :mod:`dealkit.deal.messages`. Their
public names stay importable from here.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import io
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dealkit.core import parse
from dealkit.deal.guard import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, parse_yaml, read_text_file
from dealkit.deal.messages import display_path, printable, short_value, validation_error
from dealkit.deal.model import Deal
from dealkit.deal.references import check_references
from dealkit.deal.resources import data_dir
from dealkit.errors import DealDataError

__all__ = [
    "DATA_DIR",
    "DEFAULT_DEAL",
    "DEFAULT_PRIME",
    "load_deal",
    "load_prime",
    "PrimeSeries",
    "MAX_FILE_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "read_text_file",
    "parse_yaml",
]

#: The embedded deal: the package's ``data/`` (``dealkit/data``, read through
#: :func:`dealkit.deal.resources.resource_path`; override with ``DEALKIT_DATA``).
DATA_DIR = data_dir()
DEFAULT_DEAL = DATA_DIR / "deal.yaml"
DEFAULT_PRIME = DATA_DIR / "prime_rate.csv"

#: The names these helpers had before the split (other modules and tests import them from here).
_printable, _display_path, _short, _check_references = printable, display_path, short_value, check_references


def _read_yaml(path: Path, shown: str) -> Any:
    return parse_yaml(read_text_file(path, "deal file"), shown)


def load_deal(path: str | os.PathLike[str] | None = None) -> Deal:
    """Load and validate a deal file.

    Parameters
    ----------
    path
        A YAML deal file; ``None`` or ``""`` loads the embedded deal (``data/deal.yaml``).

    Returns
    -------
    Deal
        The typed, immutable model.

    Raises
    ------
    DealDataError
        For any bad file: missing, unreadable, malformed YAML, wrong types, negative money, a
        rate above 100%, an unknown key, a maturity before its issue date, a dangling reference.

    Examples
    --------
    >>> deal = load_deal()
    >>> deal.notes["term_a"].face.value
    Decimal('3000000.00')
    >>> load_deal("/no/such/deal.yaml")
    Traceback (most recent call last):
    dealkit.errors.DealDataError: /no/such/deal.yaml: no such deal file
    """
    file = Path(path) if path else DEFAULT_DEAL
    shown = display_path(file)
    raw = _read_yaml(file, shown)
    if not isinstance(raw, dict) or "schema_version" not in raw:
        # not a deal file at all (e.g. /etc/passwd): say so, and echo nothing of it
        got = type(raw).__name__ if not isinstance(raw, dict) else "a mapping without schema_version"
        raise DealDataError(
            f"{shown}: (top level): not a dealkit deal file: expected a mapping of deal "
            f"sections starting with `schema_version: 1` (got {got})",
            file=shown,
        )
    try:
        deal = Deal.model_validate(raw)
    except ValidationError as exc:
        raise validation_error(shown, exc) from None
    except (ValueError, TypeError, ArithmeticError, RecursionError) as exc:  # a validator's own fault
        raise DealDataError(f"{shown}: invalid deal ({type(exc).__name__})", file=shown) from None
    check_references(deal, shown)
    return deal


# ---------------------------------------------------------------- prime rate --------------
@dataclass(frozen=True, slots=True)
class PrimeSeries:
    """The Wall Street Journal prime rate as a step function of the date.

    ``rate_on(day)`` is the rate whose effective date is the latest on or before ``day``:

    .. math:: r(d) = r_i,\\quad i = \\max\\{i : d_i \\le d\\}

    Examples
    --------
    >>> series = PrimeSeries((dt.date(2005, 6, 30), dt.date(2005, 8, 9)),
    ...                      (Decimal("0.0625"), Decimal("0.0650")), "WSJ")
    >>> series.rate_on(dt.date(2005, 9, 7))
    Decimal('0.0650')
    """

    dates: tuple[dt.date, ...]
    rates: tuple[Decimal, ...]
    source: str

    def rate_on(self, day: dt.date) -> Decimal:
        """The rate in force on ``day``; :class:`DealDataError` (a ``ValueError``) before the series."""
        i = bisect.bisect_right(self.dates, day) - 1
        if i < 0:
            raise DealDataError(
                f"no prime rate known on {day.isoformat()}: the series starts "
                f"{self.dates[0].isoformat()} ({self.source})",
                field="effective_date",
                value=day.isoformat(),
            )
        return self.rates[i]

    def changes_between(self, start: dt.date, end: dt.date) -> list[tuple[dt.date, Decimal]]:
        """The (effective date, rate) pairs with start < date < end."""
        return [(day, rate) for day, rate in zip(self.dates, self.rates, strict=True) if start < day < end]


def load_prime(path: str | os.PathLike[str] | None = None) -> PrimeSeries:
    """Load ``prime_rate.csv`` (columns ``effective_date,rate,source``; rate a fraction).

    Raises :class:`DealDataError` naming the file, the line, the column and the bad value, for a
    missing file or column, a bad date or rate, a rate outside [0, 1], or dates not increasing.

    Examples
    --------
    >>> prime = load_prime()
    >>> prime.rate_on(dt.date(2005, 9, 7))
    Decimal('0.0650')
    """
    file = Path(path) if path else DEFAULT_PRIME
    shown = display_path(file)
    text = read_text_file(file, "prime-rate file")
    try:
        return _read_prime(csv.DictReader(io.StringIO(text, newline="")), shown)
    except csv.Error as exc:
        raise DealDataError(f"{shown}: not a readable CSV file ({printable(str(exc), 120)})", file=shown) from None


def _prime_row(row: dict[str, str], line: int, shown: str) -> tuple[dt.date, Decimal]:
    """One row's (effective date, rate), each refusal naming the line, the column and the value."""
    raw_date, raw_rate = row["effective_date"], row["rate"]

    def refused(column: str, raw: str | None, what: str) -> DealDataError:
        return DealDataError(
            f"{shown}: line {line}: {column}: {what} (got {short_value(raw)})", file=shown, field=column, value=raw
        )

    try:
        day = parse.iso_date(raw_date or "", "effective_date")
    except ValueError:
        raise refused("effective_date", raw_date, "not an ISO date") from None
    try:
        rate = parse.decimal(raw_rate or "", "rate")
    except ValueError:
        raise refused("rate", raw_rate, "not a decimal fraction") from None
    try:
        rate = parse.fraction(rate, "rate")
    except ValueError:
        raise refused("rate", raw_rate, "a fraction between 0 and 1 (0.0650 = 6.50%)") from None
    return day, rate


def _read_prime(reader: csv.DictReader[str], shown: str) -> PrimeSeries:
    need = {"effective_date", "rate", "source"}
    have = set(reader.fieldnames or [])
    if not need <= have:
        raise DealDataError(
            f"{shown}: header: missing column(s) {sorted(need - have)} (got {reader.fieldnames})",
            file=shown,
            field="header",
        )
    dates: list[dt.date] = []
    rates: list[Decimal] = []
    sources: set[str] = set()
    for row in reader:
        day, rate = _prime_row(row, reader.line_num, shown)
        if dates and day <= dates[-1]:
            raise DealDataError(
                f"{shown}: line {reader.line_num}: effective_date: dates must increase "
                f"(got {short_value(row['effective_date'])} after {dates[-1].isoformat()})",
                file=shown,
                field="effective_date",
                value=row["effective_date"],
            )
        dates.append(day)
        rates.append(rate)
        sources.add((row["source"] or "").strip())
    if not dates:
        raise DealDataError(f"{shown}: no rows", file=shown)
    return PrimeSeries(tuple(dates), tuple(rates), "; ".join(sorted(source for source in sources if source)))
