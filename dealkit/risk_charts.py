"""Figures of the risk notebook (05_risk): moved to :mod:`dealkit.present.risk_charts`; this module
re-exports its public names."""

from dealkit.present.risk_charts import (
    distribution_figure,
    fan_figure,
    pass_rate_figure,
    tornado_figure,
    two_way_figure,
)

__all__ = ["fan_figure", "distribution_figure", "pass_rate_figure", "tornado_figure", "two_way_figure"]
