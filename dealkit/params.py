"""Parsing notebook and report parameters, failing loudly.

papermill delivers parameters as whatever the caller passed: ``dealkit report -p`` sends strings,
papermill's own ``-p`` coerces "True"/numbers, YAML files send dates as strings. Notebooks declare
money, rates and dates as strings and parse them here; a bad value raises
:class:`~dealkit.errors.ParameterError` naming the parameter and the value.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from dealkit.core import parse
from dealkit.errors import ParameterError, ParseError

__all__ = ["as_bool", "as_money", "as_price", "as_rate", "as_date", "as_date_or_deal", "as_int", "parse_assignments"]

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
    """A decimal from a parameter, read by the one parser (:func:`dealkit.core.parse.decimal`):
    plain ASCII digits, at most 28 of them, no exponent."""
    try:
        return parse.decimal(value, name)
    except ParseError as exc:
        raise _fail(name, value, exc.reason) from None


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
        return parse.money(value, name, allow_negative=allow_negative)
    except ParseError as exc:
        raise _fail(name, value, exc.reason) from None


def as_rate(value: object, name: str) -> Decimal:
    """A rate as a ``Decimal`` fraction; ``"4.99%"`` is read as ``0.0499``. Must lie in [0, 1]."""
    try:
        return parse.fraction(value, "a rate", percent=True)
    except ParseError as exc:
        raise _fail(name, value, str(exc)) from None


def as_date(value: object, name: str) -> dt.date:
    """An ISO date ``YYYY-MM-DD`` (a ``date`` passes through; a ``datetime`` gives its date)."""
    if isinstance(value, dt.datetime):
        return value.date()
    try:
        return parse.iso_date(value, name)
    except ParseError as exc:
        raise _fail(name, value, exc.reason) from None


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
        return parse.price(value, name)
    except ParseError as exc:
        raise _fail(name, value, exc.reason) from None


def _deal_or(parse):
    """A parser that also accepts ``"deal"`` (take the deal file's assumption)."""

    def run(value, name, **kw):
        return None if str(value).strip() == "deal" else parse(value, name, **kw)

    return run


def as_date_or_deal(value: object, name: str) -> dt.date | None:
    """An ISO date, or ``"deal"``: ``None``, meaning the deal file's date."""
    return _deal_or(as_date)(value, name)


def _empty_or(parse):
    def run(value, name, **kw):
        return None if not str(value).strip() else parse(value, name, **kw)

    return run


def _choice(*choices: str):
    def run(value, name):
        if value not in choices:
            raise _fail(name, value, f"expected one of {', '.join(choices)}")
        return value

    return run


def _at_least(n: int):
    def run(value, name):
        return as_int(value, name, minimum=n)

    return run
