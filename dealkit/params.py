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

from dealkit.errors import ParameterError, ParseError
from dealkit.core import parse

__all__ = ["as_bool", "as_money", "as_price", "as_rate", "as_date", "as_date_or_deal", "as_int", "parse_assignments",
           "validate_parameters"]

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
        raise _fail(name, value, exc.reason) from None


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


# ------------------------------------------------------------------ before a report runs -----
#: The longest parameter value accepted (the Joint Instructions JSON is the longest in practice).
MAX_PARAMETER_CHARS = 65_536


def _deal_or(parse):
    """A parser that also accepts ``"deal"`` (take the deal file's assumption)."""
    def run(value, name, **kw):
        return None if str(value).strip() == "deal" else parse(value, name, **kw)
    return run


def as_date_or_deal(value: object, name: str) -> dt.date | None:
    """An ISO date, or ``"deal"``: ``None``, meaning the deal file's date."""
    return _deal_or(as_date)(value, name)


def _risk_parsers() -> dict:
    """05_risk's parameters, with the validators the path models apply (dealkit.market, dealkit.risk)."""
    from dealkit import market
    from dealkit.risk import METRICS, parse_policy

    def money_or_none(value, name):
        return None if str(value).strip().lower() == "none" else as_money(value, name)

    def price_csv(value, name):
        from dealkit.errors import DealkitError

        try:
            return market.load_price_csv(value)
        except DealkitError as exc:
            raise ParameterError(f"parameter {name}: {exc}") from None

    def metric(value, name):
        return _choice(*METRICS)(value, name)

    return {
        "n_paths": _at_least(1), "seed": _at_least(0), "model": _choice(*market.MODELS, "csv"),
        "volatility": lambda v, n: market._finite(v, n, positive=True),
        "drift": lambda v, n: market._finite(v, n),
        "start_price": market._positive_decimal, "volume_level": market._whole,
        "price_csv": _empty_or(price_csv),
        "metric": metric, "cash_capacity": money_or_none,
        "policy": lambda v, n: parse_policy(v),
    }


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


def _parsers() -> dict:
    """Every parameter the report notebooks declare → the parser the notebook applies to it."""
    from dealkit.escrow import SCENARIOS as ESCROW_SCENARIOS
    from dealkit.notes import OPTION_HOLDERS
    from dealkit.option import READINGS

    return {
        "interactive": as_bool,
        # 01_notes
        "margin": _deal_or(as_rate), "floor": _deal_or(as_rate), "monthly_amount": _deal_or(as_money),
        "first_amortization": _deal_or(as_date), "conversion_price": _deal_or(as_price),
        "stock_price": as_price, "price_shock": as_price, "daily_volume": _at_least(0),
        "term_b_maturity": _deal_or(as_date), "default_date": _deal_or(_empty_or(as_date)), "demand_date": _deal_or(as_date),
        "rounding": _choice("period", "daily"),
        "option_holder": _deal_or(_choice(*OPTION_HOLDERS)),
        # 02_escrow
        "agent_fee": as_money, "scenario": _choice(*ESCROW_SCENARIOS), "hold_days": _at_least(0),
        "deposit_rate": as_rate, "agent_expense_total": as_money, "indemnifiable_costs": as_money,
        # 03_option
        "fmv": as_price, "outstanding": _deal_or(_at_least(1)), "holdings": _at_least(0),
        "reading": _choice(*READINGS), "event_before": _at_least(1), "event_after": _at_least(1),
        "sell_per_day": _at_least(0), "method": _choice("cash", "cashless"), "as_of": _deal_or(as_date),
        "default_notice": _empty_or(as_date),
        # 04_obligations
        "promptly_days": _at_least(0),
        # 05_risk
        **_risk_parsers(),
    }


def validate_parameters(values: dict[str, str], deal=None) -> None:
    """Check report parameters before any notebook runs, with the parsers the notebooks use.

    Raises :class:`ParameterError` naming the parameter and its value (cut short): a value too
    long, one its notebook would refuse, dates out of order (``demand_date`` before
    ``default_date``, ``term_b_maturity`` or ``first_amortization`` not after the closing date,
    when ``deal`` is given), Joint Instructions that do not parse, an events file that is not a
    small regular YAML file of events. Names no notebook parses (e.g. ``party``) pass.
    """
    parsers = _parsers()
    parsed = {}
    for name, value in values.items():
        if len(str(value)) > MAX_PARAMETER_CHARS:
            raise _fail(name, value, f"longer than {MAX_PARAMETER_CHARS:,} characters")
        if name in parsers:
            parsed[name] = parsers[name](value, name)
    default, demand = parsed.get("default_date"), parsed.get("demand_date")
    if default and demand and demand < default:
        raise _fail("demand_date", values["demand_date"], f"the demand falls before default_date {default}")
    if deal is not None:
        closing = deal.deal.closing_date.value
        for name in ("term_b_maturity", "first_amortization", "default_date"):
            if parsed.get(name) and parsed[name] <= closing:
                raise _fail(name, values[name], f"not after the closing date {closing}")
        if "instructions" in values:
            from dealkit.escrow import parse_instructions

            try:
                parse_instructions(values["instructions"], deal)
            except (ValueError, TypeError, RecursionError) as exc:
                raise _fail("instructions", values["instructions"],
                            " ".join(str(exc).split())[:200] or type(exc).__name__) from None
        if "events" in values:
            from dealkit.errors import DealDataError
            from dealkit.obligations import load_events

            try:
                load_events(values["events"], deal)
            except DealDataError as exc:
                raise ParameterError(f"parameter events: {exc}") from None
