"""Display helpers for the notebooks (thin: formatting only, through :mod:`dealkit.fmt`)."""

from __future__ import annotations

from typing import Iterable, Mapping

import pandas as pd
from IPython.display import HTML

from .fmt import no_math_markdown, table_html

__all__ = ["table", "markdown"]


def table(frame: pd.DataFrame, totals: Iterable[str] = (), kinds: Mapping[str, str] | None = None,
          caption: str | None = None, total_label: str = "Total") -> HTML:
    """A DataFrame as a finished-model HTML table (:func:`dealkit.fmt.table_html`): plain headers,
    numbers right-aligned, money as $, rates as %, thousands, Yes/No, one date format, an optional
    totals row (exact sums of the ``totals`` columns); the same in JupyterLab and in the report."""
    return HTML(table_html(frame, totals=totals, kinds=kinds, caption=caption, total_label=total_label))


def markdown(text: str):
    """Markdown whose dollar signs stay text: two "$" in a line would otherwise be read as LaTeX
    math by JupyterLab and by nbconvert's Markdown renderer (:func:`dealkit.fmt.no_math_markdown`)."""
    from IPython.display import Markdown

    return Markdown(no_math_markdown(text))
