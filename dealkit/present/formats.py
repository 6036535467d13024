"""The scalar formats of every page: money, percents, share counts, Yes/No, dates, headers, and
Markdown whose dollars JupyterLab shows as text (see :mod:`dealkit.present.fmt`, which re-exports
every name)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass


__all__ = [
    "DATE_FORMAT",
    "DASH",
    "NO_MATH",
    "money",
    "pct",
    "shares",
    "yes_no",
    "date",
    "header",
    "escape_dollars",
    "no_math_markdown",
    "is_missing",
    "at_most_cents",
]

#: The one date format of every report: day, abbreviated month, year.
DATE_FORMAT = "%-d %b %Y"
#: What an unknown or empty value reads as.
DASH = "—"
#: Classes that make MathJax (JupyterLab's LaTeX typesetter, v2 and v3 names) skip an element.
NO_MATH = "tex2jax_ignore mathjax_ignore"

_CENT = Decimal("0.01")


def is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return value != value  # NaN, NaT
    except (TypeError, ValueError):
        return False


def money(amount: Any, *, cents: bool = True) -> str:
    """``Decimal("1350000")`` → ``"$1,350,000.00"``; negative → ``"-$2.50"``; ``None`` → ``"—"``.

    A price finer than the cent keeps every digit (``$0.00001``, the Option's Exercise Price);
    ``cents=False`` shows whole dollars (for headline figures; rounding half-up, display only).

    Examples
    --------
    >>> money(Decimal("1350000")), money(Decimal("-2.5")), money(Decimal("0.00001")), money(None)
    ('$1,350,000.00', '-$2.50', '$0.00001', '—')
    >>> money(Decimal("13580810.50"), cents=False)
    '$13,580,811'
    """
    if is_missing(amount):
        return DASH
    exact = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    sign = "-" if exact < 0 else ""
    size = abs(exact)
    if not cents:
        return f"{sign}${size.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"
    if size != size.quantize(_CENT, rounding=ROUND_DOWN):
        text = f"{size.normalize():f}"
        whole, _, fraction_digits = text.partition(".")
        return f"{sign}${int(whole):,}.{fraction_digits}"
    return f"{sign}${size:,.2f}"


def at_most_cents(value: Decimal) -> bool:
    """Whether a (normalized, finite) ``Decimal`` has at most two decimals."""
    exponent = value.as_tuple().exponent
    return isinstance(exponent, int) and exponent >= -2


def pct(rate: Any, places: int | None = 2) -> str:
    """A fraction as a percent, :math:`100 \\cdot r`: ``Decimal("0.0499")`` → ``"4.99%"``;
    ``places=None`` keeps every digit of a ``Decimal``, at least two (``0.0325`` → ``3.25%``,
    ``0.02`` → ``2.00%``). A ``Decimal`` shown to ``places`` is rounded half-up (display only);
    floats (an XIRR) are shown to ``places``.

    Examples
    --------
    >>> pct(Decimal("0.0499")), pct(Decimal("0.000325"), None), pct(Decimal("0.02"), None), pct(0.1234)
    ('4.99%', '0.0325%', '2.00%', '12.34%')
    """
    if is_missing(rate):
        return DASH
    if isinstance(rate, Decimal):
        value = (rate * 100).normalize()
        if places is None:
            return f"{value:,.2f}%" if at_most_cents(value) else f"{value:,f}%"
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return f"{value:,.{places}f}%"
    return f"{float(rate) * 100:,.{2 if places is None else places}f}%"


def shares(count: Any) -> str:
    """A share count (or any whole number) with thousands separators: ``140250000`` → ``140,250,000``;
    a fractional count (``Fraction``/``Decimal``) keeps up to four decimals (half-up, display only).

    Examples
    --------
    >>> shares(140250000), shares(Fraction(1, 3)), shares(None)
    ('140,250,000', '0.3333', '—')
    """
    if is_missing(count):
        return DASH
    if isinstance(count, Fraction):
        count = Decimal(count.numerator) / Decimal(count.denominator)
    if isinstance(count, Decimal) and count != count.to_integral_value():
        return f"{count.quantize(Decimal('0.0001'), rounding=ROUND_HALF_UP).normalize():,f}"
    return f"{int(count):,}"


def yes_no(flag: Any) -> str:
    """``True`` → ``"Yes"``, ``False`` → ``"No"``, ``None`` → ``"—"``.

    Examples
    --------
    >>> yes_no(True), yes_no(False), yes_no(None)
    ('Yes', 'No', '—')
    """
    if is_missing(flag):
        return DASH
    return "Yes" if flag else "No"


def date(day: Any) -> str:
    """Any date (``datetime.date``, ``datetime``, pandas ``Timestamp``, ISO text) → ``7 Sep 2005``.

    Examples
    --------
    >>> date(dt.date(2005, 9, 7)), date("2005-09-07T10:00"), date(None)
    ('7 Sep 2005', '7 Sep 2005', '—')
    """
    if is_missing(day):
        return DASH
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day[:10])
        except ValueError:
            return day
    if hasattr(day, "to_pydatetime"):
        day = day.to_pydatetime()
    if isinstance(day, dt.datetime):
        day = day.date()
    return day.strftime(DATE_FORMAT)


_WORDS = {
    "xirr": "XIRR",
    "fmv": "FMV",
    "id": "ID",
    "ip": "IP",
    "mbn": "MBN",
    "atg": "ATG",
    "fea": "FEA",
    "usd": "USD",
    "pct": "%",
    "cap": "cap",
    "ics": "ICS",
    "csv": "CSV",
}


_LETTERED = {"term", "series", "schedule", "note", "class", "exhibit"}  # "term a" → "Term A"


def header(name: Any) -> str:
    """A column name in plain words: ``principal_cash`` → ``Principal cash``, ``fmv`` → ``FMV``;
    text that is already words only gets a capital first letter.

    Examples
    --------
    >>> header("principal_cash"), header("fmv"), header("term_a")
    ('Principal cash', 'FMV', 'Term A')
    """
    text = str(name)
    words = [w for w in re.split(r"[_\s]+", text) if w]
    if not words:
        return text
    out = [
        _WORDS.get(w.lower(), w.upper() if len(w) == 1 and i and words[i - 1].lower() in _LETTERED else w)
        for i, w in enumerate(words)
    ]
    first = out[0]
    if first[:1].islower():
        out[0] = first[:1].upper() + first[1:]
    return " ".join(out)


def no_math_markdown(text: str) -> str:
    """Markdown that JupyterLab shows with its dollars as text: dollars escaped (:func:`escape_dollars`)
    and the whole wrapped in a ``<div>`` of class :data:`NO_MATH` (blank lines around the text, so
    the Markdown inside is still parsed). The wrapper is needed: JupyterLab's Markdown renderer
    turns ``\\$`` into ``$`` before MathJax reads the page, so the escape alone does not stop it."""
    return f'<div class="{NO_MATH}">\n\n{escape_dollars(text)}\n\n</div>'


def escape_dollars(text: str) -> str:
    """Markdown with every ``$`` escaped (``\\$``), so JupyterLab and nbconvert show money, not
    LaTeX math; already escaped dollars are not escaped twice."""
    return text.replace("\\$", "$").replace("$", "\\$")
