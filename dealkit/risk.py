"""What the financing costs ATG and yields Laurus across price paths and the unknown terms.

The engine and its metrics live in :mod:`dealkit.engines.risk` (``metrics``: the per-path metrics
and Laurus's flows; ``xirr``; ``scenarios``: a run end to end), the tables in
:mod:`dealkit.present.risk_tables`; this module re-exports their public names and keeps the
05_risk notebook's parameters (:func:`from_parameters`, :func:`parse_policy`) and its
``NAME.metrics.json`` (:func:`write_metrics`).

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

import datetime as dt
from pathlib import Path

import numpy as np

from dealkit import market as mk
from dealkit import notes
from dealkit import risk_engine as eng
from dealkit.engines.risk.metrics import METRICS, cumulative_shares, metrics, principal_cash, principal_lent
from dealkit.engines.risk.metrics import cash_paid as _cash_paid
from dealkit.engines.risk.metrics import lender_flows as _flows
from dealkit.engines.risk.scenarios import Scenario, rerun, run_chunked, scenario
from dealkit.engines.risk.scenarios import simulate_from as _simulate_from
from dealkit.engines.risk.xirr import xirr_paths
from dealkit.errors import ParameterError
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


#: The items of the notebook's ``policy`` parameter and what each takes.
POLICY_ITEMS = {
    "capacity": "cash ATG can pay on a payment date in dollars, or none (no default)",
    "recovery": "share of the Default Payment recovered, e.g. 0.50",
    "holder": "none, or convert TRIGGER: convert when the close is ≥ TRIGGER × the Fixed Conversion Price",
    "volume": "the optional conversions' volume limit as a share of 22-day dollar volume (default: the deal's cap)",
    "reading": "the 4.99% cap's reading: literal or post_issuance",
    "sell": "all (holdings not tracked) or the share of each day's volume the holder sells (holdings build up)",
    "revolver": "refinanced, cash or excluded (the revolver's balloon and whether it is in the figures)",
}


def parse_policy(
    text: str, cash_capacity: str = "250000.00", recovery_rate: str = "0.50", default_rule: str = "cash_capacity"
) -> eng.RiskTerms:
    """The ``policy`` parameter — comma-separated ``ITEM VALUE`` pairs of :data:`POLICY_ITEMS`,
    e.g. ``"capacity 250000.00, holder convert 1.25, sell 0.10, reading literal, revolver refinanced"``;
    items left out take their defaults — as :class:`~dealkit.risk_engine.RiskTerms`. Every bad item
    is one :class:`ParameterError` naming it.

    Examples
    --------
    >>> terms = parse_policy("capacity 100000.00, holder convert 1.25, sell 0.10")
    >>> terms.cash_capacity, terms.holder.trigger, terms.holder.sell_fraction, terms.revolver
    (Decimal('100000.00'), Decimal('1.25'), Decimal('0.10'), 'refinanced')
    >>> parse_policy("holder sometimes")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dealkit.errors.ParameterError: parameter policy: item 'holder' expects none, or convert ... (got 'sometimes')
    """
    given: dict[str, list[str]] = {}
    for part in str(text).split(","):
        words = part.split()
        if not words:
            continue
        key, vals = words[0].lower(), words[1:]
        if key not in POLICY_ITEMS:
            raise ParameterError(f"parameter policy: unknown item {key[:30]!r}, choose from {', '.join(POLICY_ITEMS)}")
        if key in given:
            raise ParameterError(f"parameter policy: item {key!r} given twice")
        if not vals or len(vals) > (2 if key == "holder" else 1):
            raise ParameterError(
                f"parameter policy: item {key!r} expects {POLICY_ITEMS[key]} (got {part.strip()[:40]!r})"
            )
        given[key] = vals
    cap = given.get("capacity", [cash_capacity])[0]
    rule = default_rule
    if rule not in eng.DEFAULT_RULES:
        eng.risk_terms(rule)  # one clear line naming default_rule
    if cap.lower() == "none":
        rule, cap = "none", "0.00"
    holder = given.get("holder", ["none"])
    if holder[0] not in eng.HOLDER_RULES or (holder[0] == "none") != (len(holder) == 1):
        raise ParameterError(
            f"parameter policy: item 'holder' expects {POLICY_ITEMS['holder']} (got {' '.join(holder)[:40]!r})"
        )
    sell = given.get("sell", ["all"])[0]
    try:
        hp = eng.holder_policy(
            holder[0],
            holder[1] if len(holder) > 1 else None,
            given.get("volume", [None])[0],
            given.get("reading", ["literal"])[0],
            None if sell == "all" else sell,
        )
        return eng.risk_terms(
            rule, cap, 1, given.get("recovery", [recovery_rate])[0], given.get("revolver", ["refinanced"])[0], hp
        )
    except ParameterError as exc:
        raise ParameterError(f"parameter policy: {str(exc).removeprefix('parameter ')}") from None


#: The 05_risk notebook's market-data defaults (strings, as its parameters cell): a value that
#: differs was "set for this run".
_MARKET_DEFAULTS = {"start_price": "0.06", "volatility": "1.00", "drift": "0", "volume_level": "5000000"}


def _check_choices(metric: str, model: str) -> None:
    """One :class:`ParameterError` for an unknown metric or model."""
    if metric not in METRICS:
        raise ParameterError(
            f"parameter metric: unknown metric, choose one of {', '.join(METRICS)} (got {str(metric)[:40]!r})"
        )
    models = (*mk.MODELS, "csv")
    if model not in models:
        raise ParameterError(
            f"parameter model: unknown model, choose one of {', '.join(models)} (got {str(model)[:40]!r})"
        )


def _note_assumptions(deal, conversion_price: str) -> notes.NoteAssumptions:
    """The deal's note terms, with the Fixed Conversion Price of the parameter unless ``deal``."""
    from dealkit.params import as_price

    overrides = {}
    if str(conversion_price).strip() != "deal":
        overrides["fixed_conversion_price"] = as_price(conversion_price, "conversion_price")
        if overrides["fixed_conversion_price"] <= 0:
            raise ParameterError(f"parameter conversion_price: must be positive (got {conversion_price!r})")
    return notes.assumptions_from_deal(deal, **overrides)


def from_parameters(deal, *, n_paths="10000", seed="7", model="gbm", volatility="1.00", drift="0", price_csv="",
                    start_price="0.06", volume_level="5000000", conversion_price="deal", term_b_maturity="deal",
                    default_rule="cash_capacity", cash_capacity="250000.00", recovery_rate="0.50",
                    metric="atg_cost", prime=None, policy="") -> tuple[Scenario, dt.date | None]:  # fmt: skip
    """The 05_risk notebook's parameters (strings) → the scenario and the Term B maturity used;
    ``cash_capacity="none"`` selects the default rule ``none``; ``policy`` (:func:`parse_policy`)
    sets the capacity, the recovery, the holder's policy and the revolver (its items override
    ``cash_capacity`` and ``recovery_rate``).
    Every bad value is one :class:`~dealkit.errors.ParameterError` naming the parameter.

    Examples
    --------
    >>> from dealkit.loader import load_deal
    >>> s, term_b_maturity = from_parameters(load_deal(), n_paths="3", seed="1", policy="revolver excluded")
    >>> s.paths.n, s.plan.terms.revolver, term_b_maturity
    (3, 'excluded', None)
    """
    from dealkit.params import as_date, as_int

    _check_choices(metric, model)
    a = _note_assumptions(deal, conversion_price)
    tb = None if str(term_b_maturity).strip() == "deal" else as_date(term_b_maturity, "term_b_maturity")
    market = {"start_price": start_price, "volatility": volatility, "drift": drift, "volume_level": volume_level}
    given = frozenset(k for k, v in market.items() if str(v) != _MARKET_DEFAULTS[k])
    stated = mk.gbm_assumptions(start_price, volatility, drift, volume_level, given=given)
    if str(cash_capacity).strip().lower() == "none":  # the notebook's one parameter for both
        default_rule, cash_capacity = "none", "0.00"
    terms = parse_policy(policy, cash_capacity, recovery_rate, default_rule)
    s = scenario(deal, a, n_paths=as_int(n_paths, "n_paths", minimum=1), seed=as_int(seed, "seed", minimum=0),
                 model=model, assumptions=stated, price_csv=price_csv or None, terms=terms, term_b_maturity=tb,
                 prime=prime)  # fmt: skip
    return s, tb


def write_metrics(s: Scenario, out_dir, name: str = "05_risk"):
    """``NAME.metrics.json`` in ``out_dir``: the mean of each metric (IRR: the median of those that
    exist; ``defaulted``: the default probability), their percentiles (:func:`metric_percentiles`),
    the path count and the paths' provenance, for ``dealkit sweep``'s comparison and the executive
    summary's ranges. Written atomically."""
    import json

    from dealkit.export import write_atomic

    out: dict[str, object] = {}
    for k, v in s.metrics.items():
        v = np.asarray(v, dtype=np.float64)
        v = v[np.isfinite(v)]
        out[k if k != "lender_xirr" else "lender_xirr_median"] = (
            None if not v.size else float(np.median(v) if k == "lender_xirr" else v.mean())
        )
    out["percentiles"] = metric_percentiles(s)
    out["n_paths"] = int(np.asarray(s.metrics["lender_xirr"]).size)
    out["provenance"] = s.short_provenance()
    path = Path(out_dir) / f"{name}.metrics.json"
    write_atomic(path, json.dumps(out, indent=1))
    return path
