"""One formatting layer for every page: HTML reports, JupyterLab and exports alike.

The scalar formats are :mod:`dealkit.present.formats`, the tables :mod:`dealkit.present.fmt_tables`;
this module gathers both under the one name every caller uses.

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

from dealkit.present.fmt_tables import NUMERIC_KINDS, cell, column_kind, format_frame, table_html, totals_row
from dealkit.present.formats import (
    DASH,
    DATE_FORMAT,
    NO_MATH,
    date,
    escape_dollars,
    header,
    money,
    no_math_markdown,
    pct,
    shares,
    yes_no,
)

__all__ = [
    "DATE_FORMAT",
    "DASH",
    "money",
    "pct",
    "shares",
    "yes_no",
    "date",
    "header",
    "cell",
    "column_kind",
    "escape_dollars",
    "no_math_markdown",
    "NO_MATH",
    "table_html",
    "format_frame",
    "totals_row",
    "NUMERIC_KINDS",
]
