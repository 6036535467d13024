"""Display helpers for the notebooks (thin: formatting only, through :mod:`dealkit.present.fmt`)."""

from __future__ import annotations

from typing import Iterable, Mapping

import pandas as pd
from IPython.display import HTML

from dealkit.present.fmt import NO_MATH, table_html

__all__ = ["table", "markdown", "file_label"]


def table(frame: pd.DataFrame, totals: Iterable[str] = (), kinds: Mapping[str, str] | None = None,
          caption: str | None = None, total_label: str = "Total") -> HTML:
    """A DataFrame as a finished-model HTML table (:func:`dealkit.present.fmt.table_html`): plain headers,
    numbers right-aligned, money as $, rates as %, thousands, Yes/No, one date format, an optional
    totals row (exact sums of the ``totals`` columns); the same in JupyterLab and in the report."""
    return HTML(table_html(frame, totals=totals, kinds=kinds, caption=caption, total_label=total_label))


_ESCAPES = {"\\": "\\\\", "&": "&amp;", "<": "&lt;", ">": "&gt;", "[": "\\[", "]": "\\]", "$": "\\$"}


def markdown(text: str):
    """Markdown made inert for text from the deal file, parameters and event files.

    Everywhere in ``text``: ``<``, ``>`` and ``&`` become entities (no raw HTML: no ``<script>``,
    no ``<img src=...>``, no ``<a href="javascript:...">``, no ``<http://...>`` autolink); ``[``
    and ``]`` are backslash-escaped, and backslashes first (no ``[text](javascript:...)`` link, no
    ``![img](http://...)`` image that would load from the network, however the text is built);
    ``$`` is escaped (two in a line would be read as LaTeX math by JupyterLab and nbconvert; a
    ``\\$`` already escaped is kept as one), and the whole sits in a ``<div>`` of class
    :data:`dealkit.present.fmt.NO_MATH`: JupyterLab's Markdown renderer turns ``\\$`` back into ``$``
    before MathJax reads the page, so the escape alone does not keep money from becoming LaTeX
    (blank lines around the text: the Markdown inside is still parsed). Emphasis (``**``), lists and code spans still work;
    inside a code span an escaped character shows as its escape (code spans show text as
    written), which costs only looks, never safety.
    """
    from IPython.display import Markdown

    inert = "".join(_ESCAPES.get(c, c) for c in text.replace("\\$", "$"))
    return Markdown(f'<div class="{NO_MATH}">\n\n{inert}\n\n</div>')


def file_label(value: object) -> str:
    """What a page shows for a parameter that may be a file: its name, never its local path
    (``/home/me/cases/events.yaml`` → ``events.yaml``); any other value as given."""
    from pathlib import PurePath

    text = str(value)
    return PurePath(text).name if ("/" in text or "\\" in text) else text
