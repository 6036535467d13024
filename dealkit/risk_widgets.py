"""The risk notebook's live explorer (``interactive=True`` in JupyterLab; reports build none).

Sliders for the Fixed Conversion Price, the volume cap, ATG's cash capacity and the recovery rate
re-run the engine on the same paths (the Decimal layer is cached, so an update costs the numpy
run and the chosen metric); an ``HTML`` widget shows the summary and a ``FigureWidget`` the
distribution (no ``Output`` widget: they stall under papermill, jupyter/nbclient#24).
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import ipywidgets as w
import numpy as np

from . import risk

__all__ = ["risk_explorer"]


def risk_explorer(s: risk.Scenario, deal, metric: str, prime=None, term_b_maturity=None) -> w.VBox:
    """Recompute ``metric`` on the scenario's paths as the sliders move; returns the widget box
    (its ``redraw`` attribute recomputes once, for benchmarks)."""
    import plotly.graph_objects as go

    from .risk_charts import distribution_figure

    a, t = s.plan.a, s.plan.terms
    fcp = w.FloatLogSlider(value=float(a.fixed_conversion_price), base=10, min=-2, max=-0.4, step=0.02,
                           description="FCP $", readout_format=".4f")
    vcap = w.FloatSlider(value=float(a.amortization_volume_cap), min=0.20, max=0.35, step=0.01, description="volume cap")
    cap = w.FloatLogSlider(value=float(t.cash_capacity), base=10, min=4, max=7, step=0.05, description="cash cap $",
                           readout_format=",.0f")
    rec = w.FloatSlider(value=float(t.recovery_rate), min=0, max=1, step=0.05, description="recovery")
    info = w.HTML()
    chart = go.FigureWidget(distribution_figure(s.metrics[metric], risk.METRICS[metric], metric))

    def redraw(*_):
        aa = dataclasses.replace(a, fixed_conversion_price=Decimal(f"{fcp.value:.4f}"),
                                 amortization_volume_cap=Decimal(f"{vcap.value:.2f}"))
        tt = dataclasses.replace(t, cash_capacity=Decimal(f"{cap.value:.2f}"), recovery_rate=Decimal(f"{rec.value:.2f}"))
        new = risk.rerun(s, deal, aa, tt, prime=prime, term_b_maturity=term_b_maturity, only=(metric,))
        v = np.asarray(new.metrics[metric], dtype=np.float64)
        v = v[np.isfinite(v)]
        p5, p50, p95 = np.percentile(v, [5, 50, 95]) if v.size else (np.nan,) * 3
        info.value = (f"<p><b>{risk.METRICS[metric]}</b> over {s.paths.n:,} paths: mean {v.mean():,.4g}, "
                      f"p5 {p5:,.4g}, median {p50:,.4g}, p95 {p95:,.4g}; defaults "
                      f"{float((new.result.default_k >= 0).mean()):.1%}</p>")
        counts, edges = np.histogram(v, bins=60) if v.size else (np.zeros(1), np.array([0.0, 1.0]))
        with chart.batch_update():
            chart.data[0].x = ((edges[:-1] + edges[1:]) / 2).astype(np.float32)
            chart.data[0].y = counts / max(v.size, 1)
            chart.data[0].width = float(edges[1] - edges[0])
            chart.layout.shapes = ()
            chart.layout.annotations = ()

    for control in (fcp, vcap, cap, rec):
        control.observe(redraw, names="value")
    redraw()
    box = w.VBox([w.HBox([fcp, vcap]), w.HBox([cap, rec]), info, chart])
    box.redraw = redraw
    box.controls = (fcp, vcap, cap, rec)
    return box
