"""ipywidgets explorers for live JupyterLab sessions (``interactive=True``).

Report runs build none of these (a report has no kernel, so callbacks could never fire, and
``Output`` widgets are unreliable under papermill: jupyter/nbclient#24). The explorers update an
``HTML`` widget, not an ``Output`` widget.
"""

from __future__ import annotations

import ipywidgets as w

from .review import SEVERITIES, Review

__all__ = ["findings_explorer"]


def findings_explorer(result: Review) -> w.VBox:
    """Filter the review findings by severity and kind; the table redraws on every change."""
    kinds = sorted({f.kind for f in result.findings})
    severity = w.SelectMultiple(options=SEVERITIES, value=tuple(s for s in SEVERITIES if s != "info"),
                                description="severity", rows=4)
    kind = w.SelectMultiple(options=kinds, value=tuple(kinds), description="kind", rows=min(8, len(kinds)))
    table = w.HTML()

    def redraw(*_):
        frame = result.to_frame()
        frame = frame[frame["severity"].isin(severity.value) & frame["kind"].isin(kind.value)]
        table.value = f"<p>{len(frame)} findings</p>" + frame.to_html(index=False, escape=True)

    severity.observe(redraw, names="value")
    kind.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([severity, kind]), table])
