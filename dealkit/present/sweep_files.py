"""``dealkit sweep``'s outputs: ``sweep.csv`` (one row per scenario: its parameters, its status,
its metrics) and ``sweep.html`` (a self-contained comparison page: the table and one bar chart per
metric, plotly.js inlined once, nothing loaded from the network, every text escaped)."""

from __future__ import annotations

import csv
import html
import io
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dealkit.engines.sweep import Grid

__all__ = ["sweep_columns", "sweep_csv", "write_sweep_files", "sweep_html"]

#: The bar colours of a scenario that ran and one that failed.
_OK_COLOUR, _FAILED_COLOUR = "#1f77b4", "#d62728"


def sweep_columns(rows: list[dict], names: list[str]) -> list[str]:
    """The columns: scenario, the parameters, status, error, seconds, then every metric sorted.

    Examples
    --------
    >>> sweep_columns([{"scenario": 0, "margin": "0.01", "status": "ok", "05_risk.atg_cost": 1.0}], ["margin"])
    ['scenario', 'margin', 'status', 'error', 'seconds', '05_risk.atg_cost']
    """
    metrics = sorted({k for r in rows for k in r} - {"scenario", "status", "error", "seconds", *names})
    return ["scenario", *names, "status", "error", "seconds", *metrics]


def sweep_csv(rows: list[dict], names: list[str]) -> str:
    """``sweep.csv``'s text: a header of :func:`sweep_columns`, one line per scenario (blank where a
    scenario has no such value)."""
    cols = sweep_columns(rows, names)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({c: r.get(c, "") for c in cols})
    return buf.getvalue()


def write_sweep_files(rows: list[dict], names: list[str], out: Path, grid: Grid) -> None:
    """``sweep.csv`` and ``sweep.html`` in ``out``, each written atomically."""
    from dealkit.core.files import write_atomic

    write_atomic(out / "sweep.csv", sweep_csv(rows, names))
    write_atomic(out / "sweep.html", sweep_html(rows, names, grid))


def _metric_charts(rows: list[dict], cols: list[str], label: list[str]) -> list[str]:
    """One bar chart per numeric metric column (an HTML fragment each, plotly.js not included)."""
    import plotly.graph_objects as go
    import plotly.io as pio

    metrics = [c for c in cols if "." in c and any(isinstance(r.get(c), (int, float)) for r in rows)]
    charts = []
    for m in metrics:
        y = [r.get(m) if isinstance(r.get(m), (int, float)) else None for r in rows]
        colours = [_OK_COLOUR if r["status"] == "ok" else _FAILED_COLOUR for r in rows]
        fig = go.Figure(go.Bar(x=label, y=y, marker_color=colours))
        fig.update_layout(title=m, height=320, margin={"t": 40, "b": 120}, template="plotly_white")
        charts.append(pio.to_html(fig, include_plotlyjs=False, full_html=False))
    return charts


def sweep_html(rows: list[dict], names: list[str], grid: Grid | None = None) -> str:
    """A self-contained page: the table of scenarios and one bar chart per metric (plotly.js
    inlined once; nothing loaded from the network). Every text is escaped."""
    import pandas as pd
    from plotly.offline import get_plotlyjs

    cols = sweep_columns(rows, names)
    frame = pd.DataFrame([{c: r.get(c, "") for c in cols} for r in rows], columns=cols)
    label = [", ".join(f"{n}={r.get(n, '')}" for n in names) or f"scenario {r['scenario']}" for r in rows]
    charts = _metric_charts(rows, cols, label)
    ok = sum(r["status"] == "ok" for r in rows)
    failed = "".join(
        f"<li>scenario {r['scenario']} ({html.escape(lab)}): {html.escape(str(r.get('error', '')))}</li>"
        for r, lab in zip(rows, label, strict=True)
        if r["status"] != "ok"
    )
    src = html.escape(grid.source if grid else "")
    nbs = html.escape(", ".join(p.stem for p in grid.notebooks)) if grid else ""
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>dealkit sweep</title>"
        f"<script type='text/javascript'>{get_plotlyjs()}</script>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}</style></head><body>"
        f"<h1>Sweep {src}</h1><p>Notebooks: {nbs}. {ok} of {len(rows)} scenarios ok.</p>"
        + (f"<h2>Failed</h2><ul>{failed}</ul>" if failed else "")
        + "<h2>Scenarios</h2>"
        + frame.to_html(index=False, escape=True, na_rep="")
        + "<h2>Metrics by scenario</h2>"
        + "".join(charts)
        + "</body></html>"
    )
