"""One formatting layer for every page: HTML reports, JupyterLab and exports alike.

Display only: the numbers stay exact (``Decimal``, ``int``, ``Fraction``) in the model; this module
turns them into what a reader of a finished financial model expects:

- money as ``$1,350,000.00`` (a price below the cent shown in full: ``$0.00001``);
- rates and shares of ownership as percents (``4.99%``), rates being fractions (``0.0499``);
- share counts with thousands separators (``140,250,000``);
- ``Yes``/``No`` instead of ``True``/``False``;
- one date format, ``7 Sep 2005`` (:data:`DATE_FORMAT`), unambiguous in every country;
- headers in plain words (``principal_cash`` → ``Principal cash``);
- numbers right-aligned (the ``num`` class), a totals row where a reader adds up.

Dollar signs: JupyterLab typesets text between two ``$`` as LaTeX, in Markdown cells *and* in
HTML outputs. :func:`escape_dollars` escapes them for Markdown; every HTML table this module writes
is wrapped in an element of class ``tex2jax_ignore mathjax_ignore``, which MathJax skips, so the
HTML itself keeps plain ``$`` (what a browser, a PDF and a copy-paste should show).
"""

from __future__ import annotations

import datetime as dt
import html
import numbers
import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Iterable, Mapping

__all__ = ["DATE_FORMAT", "DASH", "money", "pct", "shares", "yes_no", "date", "header", "cell",
           "column_kind", "escape_dollars", "no_math_markdown", "NO_MATH", "table_html", "format_frame", "totals_row"]

#: The one date format of every report: day, abbreviated month, year.
DATE_FORMAT = "%-d %b %Y"
#: What an unknown or empty value reads as.
DASH = "—"
#: Classes that make MathJax (JupyterLab's LaTeX typesetter, v2 and v3 names) skip an element.
NO_MATH = "tex2jax_ignore mathjax_ignore"

_CENT = Decimal("0.01")


def _is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return value != value  # NaN, NaT
    except (TypeError, ValueError):
        return False


def money(amount, *, cents: bool = True) -> str:
    """``Decimal("1350000")`` → ``"$1,350,000.00"``; negative → ``"-$2.50"``; ``None`` → ``"—"``.

    A price finer than the cent keeps every digit (``$0.00001``, the Option's Exercise Price);
    ``cents=False`` shows whole dollars (for headline figures; rounding half-up, display only).
    """
    if _is_missing(amount):
        return DASH
    d = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    sign = "-" if d < 0 else ""
    d = abs(d)
    if not cents:
        return f"{sign}${d.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"
    if d != d.quantize(_CENT, rounding="ROUND_DOWN"):
        text = f"{d.normalize():f}"
        whole, _, frac = text.partition(".")
        return f"{sign}${int(whole):,}.{frac}"
    return f"{sign}${d:,.2f}"


def pct(rate, places: int | None = 2) -> str:
    """A fraction as a percent: ``Decimal("0.0499")`` → ``"4.99%"``; ``places=None`` keeps every
    digit of a ``Decimal``, at least two (``0.0325`` → ``3.25%``, ``0.02`` → ``2.00%``). A ``Decimal``
    shown to ``places`` is rounded half-up (display only); floats (an XIRR) are shown to ``places``."""
    if _is_missing(rate):
        return DASH
    if isinstance(rate, Decimal):
        value = (rate * 100).normalize()
        if places is None:
            return f"{value:,.2f}%" if value.as_tuple().exponent >= -2 else f"{value:,f}%"
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return f"{value:,.{places}f}%"
    return f"{float(rate) * 100:,.{2 if places is None else places}f}%"


def shares(n) -> str:
    """A share count (or any whole number) with thousands separators: ``140250000`` → ``140,250,000``;
    a fractional count (``Fraction``/``Decimal``) keeps up to four decimals."""
    if _is_missing(n):
        return DASH
    if isinstance(n, Fraction):
        n = Decimal(n.numerator) / Decimal(n.denominator)
    if isinstance(n, Decimal) and n != n.to_integral_value():
        return f"{n.quantize(Decimal('0.0001'), rounding='ROUND_HALF_UP').normalize():,f}"
    return f"{int(n):,}"


def yes_no(flag) -> str:
    """``True`` → ``"Yes"``, ``False`` → ``"No"``, ``None`` → ``"—"``."""
    if _is_missing(flag):
        return DASH
    return "Yes" if flag else "No"


def date(day) -> str:
    """Any date (``datetime.date``, ``datetime``, pandas ``Timestamp``, ISO text) → ``7 Sep 2005``."""
    if _is_missing(day):
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


_WORDS = {"xirr": "XIRR", "fmv": "FMV", "id": "ID", "ip": "IP", "mbn": "MBN", "atg": "ATG", "fea": "FEA",
          "usd": "USD", "pct": "%", "cap": "cap", "ics": "ICS", "csv": "CSV"}


_LETTERED = {"term", "series", "schedule", "note", "class", "exhibit"}  # "term a" → "Term A"


def header(name) -> str:
    """A column name in plain words: ``principal_cash`` → ``Principal cash``, ``fmv`` → ``FMV``;
    text that is already words only gets a capital first letter."""
    text = str(name)
    words = [w for w in re.split(r"[_\s]+", text) if w]
    if not words:
        return text
    out = [_WORDS.get(w.lower(), w.upper() if len(w) == 1 and i and words[i - 1].lower() in _LETTERED else w)
           for i, w in enumerate(words)]
    first = out[0]
    if first[:1].islower():
        out[0] = first[:1].upper() + first[1:]
    return " ".join(out)


# ------------------------------------------------------------------------------- columns -----
_PCT_HINTS = ("rate", "rates", "percent", "(%)", "ownership", "dilution", "xirr", "yield")
_MONEY_HINTS = ("$", "amount", "price", "cost", "paid", "payment", "principal", "interest", "fee", "value",
                "cash", "premium", "balance", "opening", "draw", "repaid", "base", "overadvance", "total",
                "outstanding", "face", "held", "demand", "expense", "proceeds")
_SHARE_HINTS = ("shares", "share count", "count", "days", "number", "exercised", "issued", "owned")


def column_kind(name, values: Iterable) -> str:
    """What a column holds, for formatting: ``money``, ``pct``, ``shares`` (whole numbers),
    ``bool``, ``date`` or ``text``. Decided by the values' types first, the name second: a
    ``Decimal`` column is money unless its name speaks of a rate or a share of ownership."""
    seen = [v for v in values if not _is_missing(v)]
    numeric = [v for v in seen if not isinstance(v, str)]
    if numeric and len(numeric) < len(seen):  # numbers with a few words ("unspecified"): format the numbers
        seen = numeric
    if not seen:
        return "text"
    lname = str(name).lower()
    if all(isinstance(v, bool) for v in seen):
        return "bool"
    if all(isinstance(v, (dt.date, dt.datetime)) or hasattr(v, "to_pydatetime") for v in seen):
        return "date"
    if all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in seen):
        return "text" if lname in ("year", "period", "#", "no") else "shares"
    if all(isinstance(v, (Decimal, float, Fraction)) and not isinstance(v, bool) for v in seen):
        if lname.rstrip().endswith("%") or lname.startswith("% "):
            return "points"  # already in percent ("ownership after %", "% after": 4.75 is 4.75%)
        if any(h in lname for h in _PCT_HINTS) and "$" not in lname:
            return "pct"
        if any(h in lname for h in _SHARE_HINTS) and not any(h in lname for h in ("price", "value", "$")):
            return "shares"
        return "money"
    return "text"


_FORMATTERS = {"money": money, "pct": lambda v: pct(v, None), "points": lambda v: _points(v), "shares": shares, "bool": yes_no, "date": date}


def _points(value) -> str:
    """A value already in percent: every digit of a ``Decimal`` (at least two), a float to two."""
    if isinstance(value, Decimal):
        v = value.normalize()
        return f"{v:,.2f}%" if v.as_tuple().exponent >= -2 else f"{v:,f}%"
    return f"{float(value):,.2f}%"


def cell(value, kind: str = "text") -> str:
    """One value as text, by column kind (see :func:`column_kind`)."""
    if _is_missing(value):
        return DASH
    if isinstance(value, str):
        return value
    if kind in _FORMATTERS:
        try:
            return _FORMATTERS[kind](value)
        except (TypeError, ValueError, ArithmeticError):
            return str(value)
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return date(value)
    return str(value)


NUMERIC_KINDS = ("money", "pct", "points", "shares", "numtext")
_NUMBER_TEXT = re.compile(r"^[-+−]?\$?[\d,]+(\.\d+)?%?$")


def _numeric_text(values) -> bool:
    """True when every non-empty value is text that reads as one number ("2,000,000.00", "4.99%")."""
    seen = [v for v in values if not _is_missing(v) and v not in ("", DASH)]
    return bool(seen) and all(isinstance(v, (str, int, Decimal)) and _NUMBER_TEXT.match(str(v).strip()) for v in seen)


def totals_row(frame, columns: Iterable[str], label: str = "Total") -> dict:
    """A totals row: the exact sum of each of ``columns`` (``Decimal`` and ``int`` stay exact),
    ``label`` in the first column, blank elsewhere."""
    row = {c: None for c in frame.columns}
    for c in columns:
        vals = [v for v in frame[c] if not _is_missing(v) and not isinstance(v, str)]
        row[c] = sum(vals, Decimal(0) if vals and isinstance(vals[0], Decimal) else 0)
    first = frame.columns[0]
    if first not in columns:
        row[first] = label
    return row


def format_frame(frame, kinds: Mapping[str, str] | None = None):
    """A copy of ``frame`` with every value formatted as text and plain-word headers; returns
    ``(formatted frame, {plain header: kind})``."""
    import pandas as pd

    kinds = dict(kinds or {})
    out, shown_kinds = {}, {}
    for c in frame.columns:
        kind = kinds.get(c) or column_kind(c, frame[c].tolist())
        out[header(c)] = [cell(v, kind) for v in frame[c].tolist()]
        shown_kinds[header(c)] = kind
    return pd.DataFrame(out, columns=list(out)), shown_kinds


def table_html(frame, *, kinds: Mapping[str, str] | None = None, totals: Iterable[str] = (),
               total_label: str = "Total", caption: str | None = None, index: bool = False,
               classes: str = "dealkit-table") -> str:
    """``frame`` as a finished-model HTML table: plain headers, numbers right-aligned (``num``),
    money, percents, thousands, Yes/No, one date format, an optional totals row, every text
    escaped, wrapped so that JupyterLab's MathJax leaves ``$`` alone.

    Parameters
    ----------
    frame : pandas.DataFrame
        Exact values (``Decimal``, ``int``, dates, ``bool``); already formatted text is shown as is
        (right-aligned when it reads as a number).
    kinds : mapping, optional
        Column → kind (:func:`column_kind`) where the inference should not decide.
    totals : iterable of str or mapping
        Columns whose exact sum (Σ rows, ``Decimal`` or ``int``) makes the totals row; a mapping
        gives the totals instead (e.g. an exact 100% where the rows are rounded).
    total_label, caption : str
        The totals row's label; a caption above the table.

    Returns
    -------
    str
        The HTML.
    """
    if index:
        frame = frame.reset_index()
    kinds = dict(kinds or {})
    for c in frame.columns:
        kinds.setdefault(c, column_kind(c, frame[c].tolist()))
        if kinds[c] == "text" and _numeric_text(frame[c].tolist()):
            kinds[c] = "numtext"  # already formatted numbers ("2,000,000.00"): right-aligned as they are
    given = dict(totals) if isinstance(totals, Mapping) else {}
    totals = [c for c in totals if c in frame.columns]
    esc = html.escape
    head = "".join(f'<th class="{"num" if kinds[c] in NUMERIC_KINDS else "txt"}" scope="col">{esc(header(c))}</th>'
                   for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False, name=None):
        body.append("<tr>" + "".join(
            f'<td class="{"num" if kinds[c] in NUMERIC_KINDS else "txt"}">{esc(cell(v, kinds[c]))}</td>'
            for c, v in zip(frame.columns, row)) + "</tr>")
    foot = ""
    if totals:
        t = {**totals_row(frame, totals, total_label), **given}
        foot = "<tfoot><tr>" + "".join(
            f'<td class="{"num" if c in totals else "txt"}">'
            f'{esc(cell(t[c], kinds[c]) if c in totals else (t[c] or ""))}</td>' for c in frame.columns) + "</tr></tfoot>"
    if not body:  # an empty state says so instead of collapsing to a header
        body = [f'<tr><td class="txt dk-empty" colspan="{len(frame.columns)}">None.</td></tr>']
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    wide = " dk-wide" if len(frame.columns) > 8 else ""
    return (f'<div class="dealkit-table-wrap{wide} {NO_MATH}"><table class="{esc(classes)}">{cap}<thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody>{foot}</table></div>')


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
