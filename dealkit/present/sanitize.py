"""Chart text made safe for HTML: plotly's own formatting tags kept, everything else escaped.

Used wherever a figure reaches a page: the report's HTML export and the explorers' widgets."""

from __future__ import annotations

import html
import re

__all__ = ["safe_plotly_text", "sanitize_figure"]


#: Plotly's formatting tags without attributes (``<br>``, ``<b>``, ``<i>``, ``<extra>``, ...): the
#: only markup kept in chart text; anything else (``<a href>``, ``<img>``, ``<script>``) is text.
_PLOTLY_TAGS = re.compile(r"&lt;(/?)(br|b|i|em|sup|sub|s|u|extra)\s*/?&gt;", re.IGNORECASE)


def safe_plotly_text(text: str) -> str:
    """Chart text with every ``<``, ``>`` and ``&`` escaped except plotly's attribute-less
    formatting tags. Plotly decodes the entities when it draws, so the reader sees the text as
    written; a ``</script>`` can no longer close the script block the figure's JSON sits in."""
    escaped = html.escape(text, quote=False)
    if "&lt;" not in escaped:
        return escaped
    return _PLOTLY_TAGS.sub(lambda m: f"<{m.group(1)}{m.group(2).lower()}>", escaped)


def sanitize_figure(fig: dict) -> dict:
    """A copy of a plotly figure dict with :func:`safe_plotly_text` applied to every string
    (labels, hover text, custom data, titles, annotations, category values alike)."""
    def walk(node):
        if isinstance(node, str):
            return safe_plotly_text(node) if ("<" in node or ">" in node or "&" in node) else node
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(fig)
