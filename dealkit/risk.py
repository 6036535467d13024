"""What the financing costs ATG and yields Laurus across price paths and the unknown terms.

The engine and its metrics live in :mod:`dealkit.engines.risk` (``metrics``: the per-path metrics
and Laurus's flows; ``xirr``; ``scenarios``: a run end to end; ``parameters``: 05_risk's
parameters, :func:`from_parameters` and :func:`parse_policy`), the tables in
:mod:`dealkit.present.risk_tables` and ``NAME.metrics.json`` in :mod:`dealkit.present.risk_files`;
this module re-exports their public names.

Per path (:func:`metrics`): Laurus's XIRR, ATG's cost, the shares issued and the dilution, the cash
and stock paid, and the default's loss, each defined in :mod:`dealkit.engines.risk.metrics`. The
rules are the notes' (cited in dealkit.notes) and the default rule of :mod:`dealkit.risk_engine`.
"""

from __future__ import annotations

from dealkit.engines.risk.metrics import METRICS, cumulative_shares, metrics, principal_cash, principal_lent
from dealkit.engines.risk.metrics import cash_paid as _cash_paid
from dealkit.engines.risk.metrics import lender_flows as _flows
from dealkit.engines.risk.parameters import POLICY_ITEMS, from_parameters, parse_policy
from dealkit.engines.risk.scenarios import Scenario, rerun, run_chunked, scenario
from dealkit.engines.risk.scenarios import simulate_from as _simulate_from
from dealkit.engines.risk.xirr import xirr_paths
from dealkit.present.risk_files import write_metrics
from dealkit.present.risk_tables import (
    METRIC_KINDS,
    TORNADO_POLICIES,
    TORNADO_TERMS,
    _metric_text,
    daily_closes,
    metric_percentiles,
    policy_table,
    summary,
    summary_table,
    test_pass_rates,
    tornado,
    two_way,
)
from dealkit.present.risk_tables import stat_of as _stat

__all__ = [
    "METRICS",
    "metrics",
    "xirr_paths",
    "summary",
    "test_pass_rates",
    "scenario",
    "Scenario",
    "tornado",
    "TORNADO_TERMS",
    "TORNADO_POLICIES",
    "summary_table",
    "METRIC_KINDS",
    "two_way",
    "run_chunked",
    "cumulative_shares",
    "from_parameters",
    "write_metrics",
    "metric_percentiles",
    "daily_closes",
    "rerun",
    "principal_lent",
    "principal_cash",
    "parse_policy",
    "POLICY_ITEMS",
    "policy_table",
]

# the old module's private names
_PRIVATE = (_cash_paid, _flows, _simulate_from, _metric_text, _stat)
