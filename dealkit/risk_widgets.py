"""The risk notebook's live explorer (``interactive=True`` in JupyterLab; reports build none).

Sliders for the Fixed Conversion Price, the volume cap, ATG's cash capacity, the recovery rate, the
holder's optional-conversion trigger (0: none) and a choice of the revolver's rule re-run the engine on the same paths (the Decimal layer is cached, so an update costs the numpy
run and the chosen metric); an ``HTML`` widget shows the summary and a ``FigureWidget`` the
distribution, redrawn in place by :class:`dealkit.widgets.LiveChart` (no ``Output`` widget: they stall under papermill, jupyter/nbclient#24).
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import ipywidgets as w
import numpy as np

from . import risk
from .risk_engine import REVOLVER_RULES

__all__ = ["risk_explorer"]


def risk_explorer(s: risk.Scenario, deal, metric: str, prime=None, term_b_maturity=None) -> w.VBox:
    """Recompute ``metric`` on the scenario's paths as the sliders move; returns the widget box
    (its ``redraw`` attribute recomputes once, for benchmarks)."""
    from .risk_charts import distribution_figure
    from .widgets import _STYLE, _WIDE, LiveChart, exact_options

    a, t = s.plan.a, s.plan.terms
    # exact choices (a log slider would snap $0.05 to $0.0501): the page's value is one of them
    fcp = w.SelectionSlider(options=exact_options(a.fixed_conversion_price, "0.01", "0.40"),
                            value=a.fixed_conversion_price, description="Fixed Conversion Price", style=_STYLE,
                            layout=_WIDE)
    vcap = w.FloatSlider(value=float(a.amortization_volume_cap), min=0.20, max=0.35, step=0.01, description="volume cap")
    cap = w.SelectionSlider(options=exact_options(t.cash_capacity, "10000", "10000000"), value=t.cash_capacity,
                            description="ATG's cash a payment date", style=_STYLE, layout=_WIDE)
    rec = w.FloatSlider(value=float(t.recovery_rate), min=0, max=1, step=0.05, description="recovery")
    trig = w.FloatSlider(value=float(t.holder.trigger or 0), min=0, max=3, step=0.05, description="holder ×FCP",
                         tooltip="the holder converts when the close is at least this × the FCP; 0: no optional conversion")
    revolver = w.Dropdown(options=list(REVOLVER_RULES), value=t.revolver, description="revolver")
    info = w.HTML()
    chart = LiveChart(distribution_figure(s.metrics[metric], risk.METRICS[metric], metric))

    def redraw(*_):
        aa = dataclasses.replace(a, fixed_conversion_price=fcp.value,
                                 amortization_volume_cap=Decimal(f"{vcap.value:.2f}"))
        h = t.holder
        h = dataclasses.replace(h, rule="convert" if trig.value > 0 else "none",
                                trigger=Decimal(f"{trig.value:.2f}") if trig.value > 0 else None)
        tt = dataclasses.replace(t, cash_capacity=cap.value, recovery_rate=Decimal(f"{rec.value:.2f}"),
                                 revolver=revolver.value, holder=h)
        new = risk.rerun(s, deal, aa, tt, prime=prime, term_b_maturity=term_b_maturity, only=(metric,))
        v = np.asarray(new.metrics[metric], dtype=np.float64)
        v = v[np.isfinite(v)]
        p5, p50, p95 = np.percentile(v, [5, 50, 95]) if v.size else (np.nan,) * 3
        info.value = (f"<p><b>{risk.METRICS[metric]}</b> over {s.paths.n:,} paths: mean {v.mean():,.4g}, "
                      f"p5 {p5:,.4g}, median {p50:,.4g}, p95 {p95:,.4g}; defaults "
                      f"{float((new.result.default_k >= 0).mean()):.1%}</p>")
        # in place: only the bars and the percentile lines that moved are sent (LiveChart.show)
        chart.show(distribution_figure(v, risk.METRICS[metric], metric))

    for control in (fcp, vcap, cap, rec, trig, revolver):
        control.observe(redraw, names="value")
    redraw()
    box = w.VBox([w.HBox([fcp, vcap]), w.HBox([cap, rec]), w.HBox([trig, revolver]), info, chart])
    box.redraw = redraw
    box.controls = (fcp, vcap, cap, rec, trig, revolver)
    return box
