"""Display helpers for the notebooks (thin: formatting only)."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

__all__ = ["table", "markdown", "file_label"]


def table(frame: pd.DataFrame) -> HTML:
    """A DataFrame as a plain HTML table without the index (cheaper than a pandas Styler, and
    the same in JupyterLab and in the exported report)."""
    shown = frame.astype(object).where(frame.notna(), "—")  # None and NaN alike
    return HTML(shown.to_html(index=False, escape=True, classes="dealkit-table", border=0))


_ESCAPES = {"\\": "\\\\", "&": "&amp;", "<": "&lt;", ">": "&gt;", "[": "\\[", "]": "\\]", "$": "\\$"}


def markdown(text: str):
    """Markdown made inert for text from the deal file, parameters and event files.

    Everywhere in ``text``: ``<``, ``>`` and ``&`` become entities (no raw HTML: no ``<script>``,
    no ``<img src=...>``, no ``<a href="javascript:...">``, no ``<http://...>`` autolink); ``[``
    and ``]`` are backslash-escaped, and backslashes first (no ``[text](javascript:...)`` link, no
    ``![img](http://...)`` image that would load from the network, however the text is built);
    ``$`` is escaped (two in a line would be read as LaTeX math by JupyterLab and nbconvert; a
    ``\\$`` already escaped is kept as one). Emphasis (``**``), lists and code spans still work;
    inside a code span an escaped character shows as its escape (code spans show text as
    written), which costs only looks, never safety.
    """
    from IPython.display import Markdown

    return Markdown("".join(_ESCAPES.get(c, c) for c in text.replace("\\$", "$")))


def file_label(value: object) -> str:
    """What a page shows for a parameter that may be a file: its name, never its local path
    (``/home/me/cases/events.yaml`` → ``events.yaml``); any other value as given."""
    from pathlib import PurePath

    text = str(value)
    return PurePath(text).name if ("/" in text or "\\" in text) else text
