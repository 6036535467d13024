"""Display helpers for the notebooks (thin: formatting only)."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

__all__ = ["table", "markdown"]


def table(frame: pd.DataFrame) -> HTML:
    """A DataFrame as a plain HTML table without the index (cheaper than a pandas Styler, and
    the same in JupyterLab and in the exported report)."""
    shown = frame.astype(object).where(frame.notna(), "—")  # None and NaN alike
    return HTML(shown.to_html(index=False, escape=True, classes="dealkit-table", border=0))


def markdown(text: str):
    """Markdown with dollar signs escaped: two "$" in a line would otherwise be read as LaTeX
    math by JupyterLab and by nbconvert's Markdown renderer."""
    from IPython.display import Markdown

    return Markdown(text.replace("\\$", "$").replace("$", "\\$"))
