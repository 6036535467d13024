"""What the financing costs ATG and yields Laurus across price paths and the unknown terms.

The engine and its metrics live in :mod:`dealkit.engines.risk` (``metrics``: the per-path metrics
and Laurus's flows; ``xirr``; ``scenarios``: a run end to end; ``parameters``: 05_risk's
parameters, :func:`from_parameters` and :func:`parse_policy`), the tables in
:mod:`dealkit.present.risk_tables` and ``NAME.metrics.json`` in :mod:`dealkit.present.risk_files`;
this module re-exports their public names.

Per path (:func:`metrics`), from an engine :class:`~dealkit.risk_engine.Result`:

- ``lender_xirr``: the annual IRR (actual/365, as :func:`dealkit.notes.xirr`) of Laurus's flows:
  the two faces lent at closing (−), the revolver's draws (−) and repayments (+) on their dates,
  interest, cash principal, the revolver's balloon and premiums (+), conversion shares — scheduled
  and the holder's optional conversions — at the close on the day, half-up to the cent (+, as
  notes.lender_cash_flows), and the recovery on a default's demand date (+). ATG's all-in rate is
  the same figure (mirror flows).
- ``atg_cost``: what ATG gave up beyond the principal it keeps, in dollars: cash paid + shares at
  market + recovery − principal lent (the term notes' faces and the revolver's draws:
  :func:`principal_lent`).
- ``shares`` (common equivalent) and ``dilution`` = shares / (shares outstanding at closing + shares).
- ``cash_paid``, ``stock_paid`` (principal credited by shares), ``stock_value`` (at market).
- ``defaulted``, ``loss_given_default`` = Default Payment − recovery (0 without default),
  ``principal_at_default``.

Money metrics are exact integers of cents until :func:`metrics` turns them into dollars (float, for
display). The rules are the notes' (cited in dealkit.notes) and the default rule of
:mod:`dealkit.risk_engine`.
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
