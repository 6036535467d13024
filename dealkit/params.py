"""Parsing notebook and report parameters, failing loudly.

papermill delivers parameters as whatever the caller passed: ``dealkit report -p`` sends strings,
papermill's own ``-p`` coerces "True"/numbers, YAML files send dates as strings. Notebooks declare
money, rates and dates as strings and parse them here; a bad value raises
:class:`~dealkit.errors.ParameterError` naming the parameter and the value.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .errors import ParameterError
from .money import to_decimal

__all__ = ["as_bool", "as_money", "as_price", "as_rate", "as_date", "as_int", "parse_assignments"]

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


def _fail(name: str, value: object, why: str) -> ParameterError:
    return ParameterError(f"parameter {name}: {why} (got {value!r})")


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
    if d != d.quantize(Decimal("0.01")):
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
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _fail(name, value, "expected an ISO date YYYY-MM-DD")


def as_int(value: object, name: str, *, minimum: int | None = None) -> int:
    """A whole number from an int or a string of digits (``"140,250,000"`` allowed)."""
    if isinstance(value, bool):
        raise _fail(name, value, "expected a whole number")
    if isinstance(value, int):
        n = value
    elif isinstance(value, str) and value.strip().replace(",", "").replace("_", "").lstrip("-").isdigit():
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
            raise ParameterError(f"parameter {item!r}: expected NAME=VALUE with NAME a Python identifier")
        if name in out:
            raise ParameterError(f"parameter {name}: given twice ({out[name]!r} and {value!r})")
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
