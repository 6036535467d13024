"""The risk notebook's live explorer (``interactive=True`` in JupyterLab; reports build none).

Sliders for the Fixed Conversion Price, the volume cap, ATG's cash capacity, the recovery rate, the
holder's optional-conversion trigger (0: none) and a choice of the revolver's rule re-run the
engine on the same paths (the Decimal layer is cached, so an update costs the numpy run and the
chosen metric); an ``HTML`` widget shows the summary and a ``FigureWidget`` the distribution,
redrawn in place by :class:`dealkit.present.widgets.LiveChart` (no ``Output`` widget: they stall under
papermill, jupyter/nbclient#24).
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import ipywidgets as w
import numpy as np

from dealkit.engines.risk.metrics import METRICS
from dealkit.engines.risk.scenarios import Scenario, rerun
from dealkit.engines.risk.terms import REVOLVER_RULES

__all__ = ["risk_explorer"]


def _controls(s: Scenario) -> tuple[w.ValueWidget, ...]:
    """The explorer's controls at the scenario's values: the Fixed Conversion Price, the volume
    cap, ATG's cash capacity, the recovery rate, the holder's trigger (0: none) and the revolver's rule."""
    from dealkit.present.widgets import _STYLE, _WIDE, exact_options

    a, t = s.plan.a, s.plan.terms
    # exact choices (a log slider would snap $0.05 to $0.0501): the page's value is one of them
    fcp = w.SelectionSlider(
        options=exact_options(a.fixed_conversion_price, "0.01", "0.40"),
        value=a.fixed_conversion_price,
        description="Fixed Conversion Price",
        style=_STYLE,
        layout=_WIDE,
    )
    volume_cap = w.FloatSlider(
        value=float(a.amortization_volume_cap), min=0.20, max=0.35, step=0.01, description="volume cap"
    )
    capacity = w.SelectionSlider(
        options=exact_options(t.cash_capacity, "10000", "10000000"),
        value=t.cash_capacity,
        description="ATG's cash a payment date",
        style=_STYLE,
        layout=_WIDE,
    )
    recovery = w.FloatSlider(value=float(t.recovery_rate), min=0, max=1, step=0.05, description="recovery")
    trigger = w.FloatSlider(
        value=float(t.holder.trigger or 0),
        min=0,
        max=3,
        step=0.05,
        description="holder ×FCP",
        tooltip="the holder converts when the close is at least this × the FCP; 0: no optional conversion",
    )
    revolver = w.Dropdown(options=list(REVOLVER_RULES), value=t.revolver, description="revolver")
    return fcp, volume_cap, capacity, recovery, trigger, revolver


def _rerun_at(s: Scenario, deal, controls: tuple[w.ValueWidget, ...], metric: str, prime, term_b_maturity) -> Scenario:
    """The scenario's paths under the controls' values (only ``metric`` computed)."""
    fcp, volume_cap, capacity, recovery, trigger, revolver = (c.value for c in controls)
    a, t = s.plan.a, s.plan.terms
    terms_a = dataclasses.replace(a, fixed_conversion_price=fcp, amortization_volume_cap=Decimal(f"{volume_cap:.2f}"))
    holder = dataclasses.replace(
        t.holder, rule="convert" if trigger > 0 else "none", trigger=Decimal(f"{trigger:.2f}") if trigger > 0 else None
    )
    terms = dataclasses.replace(
        t, cash_capacity=capacity, recovery_rate=Decimal(f"{recovery:.2f}"), revolver=revolver, holder=holder
    )
    return rerun(s, deal, terms_a, terms, prime=prime, term_b_maturity=term_b_maturity, only=(metric,))


def risk_explorer(s: Scenario, deal, metric: str, prime=None, term_b_maturity=None) -> w.VBox:
    """Recompute ``metric`` on the scenario's paths as the sliders move; returns the widget box
    (its ``redraw`` attribute recomputes once, for benchmarks)."""
    from dealkit.present.risk_charts import distribution_figure
    from dealkit.present.widgets import LiveChart

    controls = _controls(s)
    info = w.HTML()
    chart = LiveChart(distribution_figure(s.metrics[metric], METRICS[metric], metric))

    def redraw(*_) -> None:
        new = _rerun_at(s, deal, controls, metric, prime, term_b_maturity)
        values = np.asarray(new.metrics[metric], dtype=np.float64)
        values = values[np.isfinite(values)]
        p5, p50, p95 = np.percentile(values, [5, 50, 95]) if values.size else (np.nan,) * 3
        info.value = (
            f"<p><b>{METRICS[metric]}</b> over {s.paths.n:,} paths: mean {values.mean():,.4g}, "
            f"p5 {p5:,.4g}, median {p50:,.4g}, p95 {p95:,.4g}; defaults "
            f"{float((new.result.default_k >= 0).mean()):.1%}</p>"
        )
        # in place: only the bars and the percentile lines that moved are sent (LiveChart.show)
        chart.show(distribution_figure(values, METRICS[metric], metric))

    for control in controls:
        control.observe(redraw, names="value")
    redraw()
    fcp, volume_cap, capacity, recovery, trigger, revolver = controls
    box = w.VBox([w.HBox([fcp, volume_cap]), w.HBox([capacity, recovery]), w.HBox([trigger, revolver]), info, chart])
    box.redraw = redraw
    box.controls = controls
    return box
