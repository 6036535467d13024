"""Display helpers for the notebooks (thin: formatting only)."""

from __future__ import annotations

import re

import pandas as pd
from IPython.display import HTML

__all__ = ["table", "markdown", "file_label"]


def table(frame: pd.DataFrame) -> HTML:
    """A DataFrame as a plain HTML table without the index (cheaper than a pandas Styler, and
    the same in JupyterLab and in the exported report)."""
    shown = frame.astype(object).where(frame.notna(), "—")  # None and NaN alike
    return HTML(shown.to_html(index=False, escape=True, classes="dealkit-table", border=0))


#: Code spans (`` `x` ``): their content is shown as written by every Markdown renderer.
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1", re.S)
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "[": "\\[", "]": "\\]", "$": "\\$"}


def _escape_prose(text: str) -> str:
    return "".join(_ESCAPES.get(c, c) for c in text.replace("\\$", "$"))


def markdown(text: str):
    """Markdown made inert for text from the deal file, parameters and event files.

    Outside code spans: ``<``, ``>`` and ``&`` become entities (no raw HTML: no ``<script>``,
    ``<img src=...>``, ``<a href="javascript:...">``, no ``<http://...>`` autolink), ``[`` and
    ``]`` are backslash-escaped (no ``[text](javascript:...)`` link, no ``![img](http://...)``
    image that would load from the network), and ``$`` is escaped (two in a line would be read
    as LaTeX math by JupyterLab and by nbconvert). Emphasis (``**``) and lists still work.
    """
    from IPython.display import Markdown

    out, last = [], 0
    for m in _CODE_SPAN.finditer(text):
        out.append(_escape_prose(text[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(_escape_prose(text[last:]))
    return Markdown("".join(out))


def file_label(value: object) -> str:
    """What a page shows for a parameter that may be a file: its name, never its local path
    (``/home/me/cases/events.yaml`` → ``events.yaml``); any other value as given."""
    from pathlib import PurePath

    text = str(value)
    return PurePath(text).name if ("/" in text or "\\" in text) else text
