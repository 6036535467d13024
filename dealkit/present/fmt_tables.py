"""Finished-model tables: each column's kind inferred from its values, every value formatted,
numbers right-aligned, exact totals, text escaped (see :mod:`dealkit.present.fmt`, which
re-exports every name)."""

from __future__ import annotations

import datetime as dt
import html
import numbers
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

from dealkit.present.formats import (
    DASH,
    NO_MATH,
    at_most_cents,
    date,
    header,
    is_missing,
    money,
    pct,
    shares,
    yes_no,
)

__all__ = ["NUMERIC_KINDS", "column_kind", "cell", "totals_row", "format_frame", "table_html"]

_PCT_HINTS = ("rate", "rates", "percent", "(%)", "ownership", "dilution", "xirr", "yield")
_MONEY_HINTS = (
    "$",
    "amount",
    "price",
    "cost",
    "paid",
    "payment",
    "principal",
    "interest",
    "fee",
    "value",
    "cash",
    "premium",
    "balance",
    "opening",
    "draw",
    "repaid",
    "base",
    "overadvance",
    "total",
    "outstanding",
    "face",
    "held",
    "demand",
    "expense",
    "proceeds",
)
_SHARE_HINTS = ("shares", "share count", "count", "days", "number", "exercised", "issued", "owned")


def column_kind(name: Any, values: Iterable[Any]) -> str:
    """What a column holds, for formatting: ``money``, ``pct``, ``points`` (already in percent),
    ``shares`` (whole numbers), ``bool``, ``date`` or ``text``. Decided by the values' types first,
    the name second: a ``Decimal`` column is money unless its name speaks of a rate or a share of
    ownership.

    Examples
    --------
    >>> column_kind("principal", [Decimal("1.00")]), column_kind("rate", [Decimal("0.08")])
    ('money', 'pct')
    >>> column_kind("shares", [100, 200]), column_kind("% after", [Decimal("4.75")])
    ('shares', 'points')
    """
    seen = [v for v in values if not is_missing(v)]
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


def _points(value: Any) -> str:
    """A value already in percent: every digit of a ``Decimal`` (at least two), a float to two."""
    if isinstance(value, Decimal):
        normal = value.normalize()
        return f"{normal:,.2f}%" if at_most_cents(normal) else f"{normal:,f}%"
    return f"{float(value):,.2f}%"


def _every_digit_pct(value: Any) -> str:
    return pct(value, None)


_FORMATTERS: dict[str, Callable[[Any], str]] = {
    "money": money,
    "pct": _every_digit_pct,
    "points": _points,
    "shares": shares,
    "bool": yes_no,
    "date": date,
}


def cell(value: Any, kind: str = "text") -> str:
    """One value as text, by column kind (see :func:`column_kind`).

    Examples
    --------
    >>> cell(Decimal("2.5"), "money"), cell(True), cell("as is", "money")
    ('$2.50', 'Yes', 'as is')
    """
    if is_missing(value):
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


def _numeric_text(values: Iterable[Any]) -> bool:
    """True when every non-empty value is text that reads as one number ("2,000,000.00", "4.99%")."""
    seen = [v for v in values if not is_missing(v) and v not in ("", DASH)]
    return bool(seen) and all(isinstance(v, (str, int, Decimal)) and _NUMBER_TEXT.match(str(v).strip()) for v in seen)


def totals_row(frame: pd.DataFrame, columns: Iterable[str], label: str = "Total") -> dict[Any, Any]:
    """A totals row: the exact sum of each of ``columns`` (``Decimal`` and ``int`` stay exact),
    ``label`` in the first column, blank elsewhere.

    .. math:: total_c = \\sum_{rows} v_{r,c}

    Examples
    --------
    >>> import pandas as pd
    >>> totals_row(pd.DataFrame({"item": ["a", "b"], "amount": [Decimal("1.10"), Decimal("2.25")]}), ["amount"])
    {'item': 'Total', 'amount': Decimal('3.35')}
    """
    row: dict[Any, Any] = dict.fromkeys(frame.columns)
    for column in columns:
        values = [v for v in frame[column] if not is_missing(v) and not isinstance(v, str)]
        row[column] = sum(values, Decimal(0) if values and isinstance(values[0], Decimal) else 0)
    first = frame.columns[0]
    if first not in columns:
        row[first] = label
    return row


def format_frame(frame: pd.DataFrame, kinds: Mapping[str, str] | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """A copy of ``frame`` with every value formatted as text and plain-word headers; returns
    ``(formatted frame, {plain header: kind})``.

    Examples
    --------
    >>> import pandas as pd
    >>> shown, kinds = format_frame(pd.DataFrame({"principal_cash": [Decimal("1000")]}))
    >>> shown.to_dict("list"), kinds
    ({'Principal cash': ['$1,000.00']}, {'Principal cash': 'money'})
    """
    import pandas as pd

    kinds = dict(kinds or {})
    out, shown_kinds = {}, {}
    for c in frame.columns:
        kind = kinds.get(c) or column_kind(c, frame[c].tolist())
        out[header(c)] = [cell(v, kind) for v in frame[c].tolist()]
        shown_kinds[header(c)] = kind
    return pd.DataFrame(out, columns=list(out)), shown_kinds


def _table_kinds(frame: pd.DataFrame, kinds: Mapping[str, str] | None) -> dict[Any, str]:
    """Each column's kind: the given one, else inferred; formatted numbers as ``numtext``."""
    chosen: dict[Any, str] = dict(kinds or {})
    for column in frame.columns:
        chosen.setdefault(column, column_kind(column, frame[column].tolist()))
        if chosen[column] == "text" and _numeric_text(frame[column].tolist()):
            chosen[column] = "numtext"  # already formatted numbers ("2,000,000.00"): right-aligned as they are
    return chosen


def _align(kind: str) -> str:
    return "num" if kind in NUMERIC_KINDS else "txt"


def _table_body(frame: pd.DataFrame, kinds: Mapping[Any, str]) -> list[str]:
    """The ``<tr>`` rows, every value formatted and escaped; an empty table says so."""
    body = [
        "<tr>"
        + "".join(
            f'<td class="{_align(kinds[column])}">{html.escape(cell(value, kinds[column]))}</td>'
            for column, value in zip(frame.columns, row, strict=True)
        )
        + "</tr>"
        for row in frame.itertuples(index=False, name=None)
    ]
    if not body:  # an empty state says so instead of collapsing to a header
        body = [f'<tr><td class="txt dk-empty" colspan="{len(frame.columns)}">None.</td></tr>']
    return body


def _table_foot(
    frame: pd.DataFrame, kinds: Mapping[Any, str], totals: Iterable[str] | Mapping[str, Any], total_label: str
) -> str:
    """The ``<tfoot>`` totals row (exact sums, or the totals a mapping gives), or nothing."""
    given = dict(totals) if isinstance(totals, Mapping) else {}
    summed = [column for column in totals if column in frame.columns]
    if not summed:
        return ""
    row = {**totals_row(frame, summed, total_label), **given}
    cells = "".join(
        f'<td class="{"num" if column in summed else "txt"}">'
        f"{html.escape(cell(row[column], kinds[column]) if column in summed else (row[column] or ''))}</td>"
        for column in frame.columns
    )
    return f"<tfoot><tr>{cells}</tr></tfoot>"


def table_html(
    frame: pd.DataFrame,
    *,
    kinds: Mapping[str, str] | None = None,
    totals: Iterable[str] | Mapping[str, Any] = (),
    total_label: str = "Total",
    caption: str | None = None,
    index: bool = False,
    classes: str = "dealkit-table",
) -> str:
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
        The totals row's label; a caption above the table. Returns the HTML (str).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"payee": ["<Laurus>"], "amount": [Decimal("450000")]})
    >>> html_text = table_html(frame, totals=["amount"])
    >>> "&lt;Laurus&gt;" in html_text, '<td class="num">$450,000.00</td>' in html_text, NO_MATH in html_text
    (True, True, True)
    """
    if index:
        frame = frame.reset_index()
    column_kinds = _table_kinds(frame, kinds)
    head = "".join(
        f'<th class="{_align(column_kinds[column])}" scope="col">{html.escape(header(column))}</th>'
        for column in frame.columns
    )
    body = _table_body(frame, column_kinds)
    foot = _table_foot(frame, column_kinds, totals, total_label)
    caption_html = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    wide = " dk-wide" if len(frame.columns) > 8 else ""
    return (
        f'<div class="dealkit-table-wrap{wide} {NO_MATH}"><table class="{html.escape(classes)}">{caption_html}'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody>{foot}</table></div>"
    )
