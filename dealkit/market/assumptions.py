"""The price model's parameters as stated, validated :class:`~dealkit.market.paths.Assumption` s.

None of them is a deal term (deal-facts.md, "Market data is not a deal term"): each carries its
provenance, "set for this run" or "assumed: why".
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

from dealkit.errors import ParameterError
from dealkit.market.paths import Assumption

__all__ = ["gbm_assumptions", "parse_finite", "parse_positive_decimal", "parse_whole"]

#: The largest volatility, |drift| and volume volatility accepted: beyond these a path's prices
#: leave any meaning (and float range), so they are refused, not clipped.
_LARGEST = {"volatility": 10.0, "drift": 10.0, "volume_volatility": 5.0}
#: Why each default is what it is (none comes from a source).
_WHY = {
    "start_price": "no 2005 close in the sources; notes notebook placeholder",
    "volatility": "annual, of log price; a penny stock's order of magnitude",
    "drift": "annual drift of the price; none assumed",
    "volume_level": "median shares a day; notes notebook placeholder",
    "volume_volatility": "daily standard deviation of log volume",
    "volume_correlation": "correlation of the log-volume shock with the price shock",
}
#: The most digits of a whole number of shares (int64 stays exact).
_MAX_DIGITS = 18


def parse_finite(value: object, name: str, *, positive: bool = False, minimum: float | None = None) -> float:
    """``value`` as a finite float in ASCII digits (``float()`` would read '²' or '١'); a
    :class:`ParameterError` naming ``name`` otherwise.

    Examples
    --------
    >>> parse_finite(" 0.5 ", "volatility", positive=True)
    0.5
    """
    if not str(value).isascii():
        raise ParameterError(f"parameter {name}: expected a number in ASCII digits (got {str(value)[:40]!r})")
    try:
        number = float(str(value).strip())
    except ValueError:
        raise ParameterError(f"parameter {name}: expected a number (got {str(value)[:40]!r})") from None
    if not math.isfinite(number):
        raise ParameterError(f"parameter {name}: must be a finite number (got {str(value)[:40]!r})")
    if positive and number <= 0:
        raise ParameterError(f"parameter {name}: must be greater than 0 (got {str(value)[:40]!r})")
    if minimum is not None and number < minimum:
        raise ParameterError(f"parameter {name}: must be at least {minimum} (got {str(value)[:40]!r})")
    return number


def parse_positive_decimal(value: object, name: str) -> Decimal:
    """``value`` as a positive finite ``Decimal`` in the deal file's syntax (ASCII, ≤ 28 digits, no
    exponent); a :class:`ParameterError` naming ``name`` otherwise."""
    from dealkit.deal.model import _strict_decimal

    try:
        number = _strict_decimal(str(value).strip(), "a decimal")
    except (InvalidOperation, ValueError):
        raise ParameterError(f"parameter {name}: expected a decimal number (got {str(value)[:40]!r})") from None
    if not number.is_finite() or number <= 0:
        raise ParameterError(f"parameter {name}: must be a positive finite number (got {str(value)[:40]!r})")
    return number


def parse_whole(value: object, name: str) -> int:
    """``value`` as a whole number of shares (``,`` and ``_`` separators allowed)."""
    text = str(value).strip().replace(",", "").replace("_", "")
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()) or len(text) > _MAX_DIGITS:
        raise ParameterError(f"parameter {name}: expected a whole number of shares (got {str(value)[:40]!r})")
    return int(text)


def _check_bounds(raw: dict[str, object], parsed: dict[str, float], rho: float, correlation: object) -> None:
    """Refuse a volatility, drift or volume volatility beyond :data:`_LARGEST`, and a correlation
    outside [-1, 1]."""
    for name, top in _LARGEST.items():
        if abs(parsed[name]) > top:
            raise ParameterError(f"parameter {name}: must be at most {top:g} in size (got {str(raw[name])[:40]!r})")
    if not -1 <= rho <= 1:
        raise ParameterError(f"parameter volume_correlation: must lie between -1 and 1 (got {correlation!r})")


def gbm_assumptions(
    start_price: str | Decimal = "0.06",
    volatility: str | float = "1.00",
    drift: str | float = "0",
    volume_level: int | str = 5_000_000,
    volume_volatility: str | float = "0.50",
    volume_correlation: str | float = "0.30",
    given: frozenset[str] = frozenset(),
) -> dict[str, Assumption]:
    """The GBM model's parameters as assumptions, validated; ``given`` names those a user set.

    Defaults, none from a source: start price $0.06 and 5,000,000 shares a day (the notes
    notebook's placeholders), volatility 100% a year (a penny stock), drift 0, log-volume
    volatility 50% a day, correlation 0.3 between the day's price shock and its log-volume shock.

    Examples
    --------
    >>> a = gbm_assumptions(volatility="0.8", given=frozenset({"volatility"}))
    >>> a["volatility"].line()
    'volatility = 0.8 (set for this run)'
    """

    def source(name: str, why: str) -> str:
        return "set for this run" if name in given else f"assumed: {why}"

    price = parse_positive_decimal(start_price, "start_price")
    parsed = {
        "volatility": parse_finite(volatility, "volatility", positive=True),
        "drift": parse_finite(drift, "drift"),
    }
    level = parse_whole(volume_level, "volume_level")  # the order of the checks: the first bad value is named
    parsed["volume_volatility"] = parse_finite(volume_volatility, "volume_volatility", minimum=0.0)
    rho = parse_finite(volume_correlation, "volume_correlation")
    _check_bounds(
        {"volatility": volatility, "drift": drift, "volume_volatility": volume_volatility},
        parsed,
        rho,
        volume_correlation,
    )
    values = {
        "start_price": price,
        "volatility": parsed["volatility"],
        "drift": parsed["drift"],
        "volume_level": level,
        "volume_volatility": parsed["volume_volatility"],
        "volume_correlation": rho,
    }
    return {name: Assumption(name, value, source(name, _WHY[name])) for name, value in values.items()}
