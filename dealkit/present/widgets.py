"""ipywidgets explorers and the live chart they draw through, under their old name.

The explorers are in :mod:`dealkit.present.explorers`, :class:`LiveChart` (and plotly's shared
widget bundle) in :mod:`dealkit.present.livechart`; every name stays importable from here (and
from ``dealkit.widgets``), as before the split.
"""

from __future__ import annotations

from dealkit.present.explorers import (
    _STYLE,
    _WIDE,
    _no_math,
    _safe,
    escrow_editor,
    exact_options,
    findings_explorer,
    notes_explorer,
    obligations_explorer,
    option_explorer,
)
from dealkit.present.livechart import (
    _BUNDLE,
    _FIGURE,
    _FIGURE_ESM,
    LiveChart,
    _changes,
    _event_loop,
    _figure_class,
    _plain,
    _plotly_bundle,
    _PlotlyBundle,
)

__all__ = [
    "findings_explorer",
    "LiveChart",
    "exact_options",
    "escrow_editor",
    "option_explorer",
    "obligations_explorer",
    "notes_explorer",
    "_STYLE",
    "_WIDE",
    "_no_math",
    "_safe",
    "_BUNDLE",
    "_FIGURE",
    "_FIGURE_ESM",
    "_changes",
    "_event_loop",
    "_figure_class",
    "_plain",
    "_plotly_bundle",
    "_PlotlyBundle",
]
