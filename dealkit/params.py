"""Parsing notebook and report parameters, failing loudly.

papermill delivers parameters as whatever the caller passed: ``dealkit report -p`` sends strings,
papermill's own ``-p`` coerces "True"/numbers, YAML files send dates as strings. Notebooks declare
money, rates and dates as strings and parse them here; a bad value raises
:class:`~dealkit.errors.ParameterError` naming the parameter and the value.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_DOWN, Decimal

from .errors import ParameterError
from .model import _ISO_DATE, _strict_decimal

__all__ = ["as_bool", "as_money", "as_price", "as_rate", "as_date", "as_int", "parse_assignments"]

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


def _shown(value: object) -> str:
    """The value as the message shows it: cut to 60 characters, control characters escaped."""
    if isinstance(value, str):
        text = repr(value[:60]) + ("..." if len(value) > 60 else "")
    elif isinstance(value, (bool, int, float, Decimal, dt.date)) and len(str(value)) <= 60:
        text = repr(value)
    else:
        text = f"a {type(value).__name__}"
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


def _fail(name: str, value: object, why: str) -> ParameterError:
    return ParameterError(f"parameter {name}: {why} (got {_shown(value)})")


def to_decimal(value: object, name: str) -> Decimal:
    """A decimal from a parameter: plain ASCII digits, at most 28 of them, no exponent."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return _strict_decimal(value, name)


def as_bool(value: object, name: str) -> bool:
    """``True``/``False`` or the strings true/false/yes/no/1/0/on/off (any case)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise _fail(name, value, "expected true or false")


def as_money(value: object, name: str, *, allow_negative: bool = False) -> Decimal:
    """A money amount as ``Decimal`` with at most two decimals, from a string (or int)."""
    try:
        d = to_decimal(value, name)
    except ValueError as exc:
        raise _fail(name, value, str(exc).split(": ", 1)[-1]) from None
    if d < 0 and not allow_negative:
        raise _fail(name, value, "must not be negative")
    if d.as_tuple().exponent < -2 and d != d.quantize(Decimal("0.01"), rounding=ROUND_DOWN):
        raise _fail(name, value, "more than two decimal places (cents)")
    return d


def as_rate(value: object, name: str) -> Decimal:
    """A rate as a ``Decimal`` fraction; ``"4.99%"`` is read as ``0.0499``. Must lie in [0, 1]."""
    text = value.strip() if isinstance(value, str) else value
    percent = isinstance(text, str) and text.endswith("%")
    try:
        d = to_decimal(text[:-1] if percent else text, name)
    except ValueError as exc:
        raise _fail(name, value, str(exc).split(": ", 1)[-1]) from None
    if percent:
        d = d / 100
    if not (0 <= d <= 1):
        raise _fail(name, value, "a rate must lie between 0 and 1 (100%)")
    return d


def as_date(value: object, name: str) -> dt.date:
    """An ISO date ``YYYY-MM-DD`` (a ``date`` passes through)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise _fail(name, value, "not a date of the calendar (e.g. a 30 February)") from None
    raise _fail(name, value, "expected an ISO date YYYY-MM-DD")


_INT_TEXT = re.compile(r"-?[0-9][0-9,_]{0,39}", re.ASCII)


def as_int(value: object, name: str, *, minimum: int | None = None) -> int:
    """A whole number from an int or a string of digits (``"140,250,000"`` allowed)."""
    if isinstance(value, bool):
        raise _fail(name, value, "expected a whole number")
    if isinstance(value, int):
        n = value
    elif isinstance(value, str) and _INT_TEXT.fullmatch(value.strip()):
        n = int(value.strip().replace(",", "").replace("_", ""))
    else:
        raise _fail(name, value, "expected a whole number")
    if minimum is not None and n < minimum:
        raise _fail(name, value, f"must be at least {minimum}")
    return n


def parse_assignments(items: list[str] | None) -> dict[str, str]:
    """``["margin=0.02", "interactive=false"]`` → ``{"margin": "0.02", ...}``; values stay strings."""
    out: dict[str, str] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise ParameterError(f"parameter {_shown(item)}: expected NAME=VALUE with NAME a Python identifier")
        if name in out:
            raise ParameterError(f"parameter {name}: given twice ({_shown(out[name])} and {_shown(value)})")
        out[name] = value
    return out


def as_price(value: object, name: str) -> Decimal:
    """A price per share as ``Decimal``, any number of decimals (``"0.00001"``); not negative."""
    try:
        d = to_decimal(value, name)
    except ValueError as exc:
        raise _fail(name, value, str(exc).split(": ", 1)[-1]) from None
    if d < 0:
        raise _fail(name, value, "must not be negative")
    return d
