"""The 05_risk notebook's parameters (strings) to a risk run: :func:`from_parameters`, and its
``policy`` parameter (:func:`parse_policy`). Every bad value is one
:class:`~dealkit.errors.ParameterError` naming the parameter."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dealkit.engines.risk.metrics import METRICS
from dealkit.engines.risk.scenarios import Scenario, scenario
from dealkit.engines.risk.terms import DEFAULT_RULES, HOLDER_RULES, RiskTerms, holder_policy, risk_terms
from dealkit.errors import ParameterError
from dealkit.market.assumptions import gbm_assumptions
from dealkit.market.simulate import MODELS
from dealkit.rules import notes

__all__ = ["POLICY_ITEMS", "parse_policy", "from_parameters"]

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


def _policy_items(text: str) -> dict[str, list[str]]:
    """The ``policy`` parameter's ``ITEM VALUE`` pairs, each item known, given once, with its
    number of values (``holder`` takes one or two)."""
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
    return given


def parse_policy(
    text: str, cash_capacity: str = "250000.00", recovery_rate: str = "0.50", default_rule: str = "cash_capacity"
) -> RiskTerms:
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
    given = _policy_items(text)
    cap = given.get("capacity", [cash_capacity])[0]
    rule = default_rule
    if rule not in DEFAULT_RULES:
        risk_terms(rule)  # one clear line naming default_rule
    if cap.lower() == "none":
        rule, cap = "none", "0.00"
    holder = given.get("holder", ["none"])
    if holder[0] not in HOLDER_RULES or (holder[0] == "none") != (len(holder) == 1):
        raise ParameterError(
            f"parameter policy: item 'holder' expects {POLICY_ITEMS['holder']} (got {' '.join(holder)[:40]!r})"
        )
    sell = given.get("sell", ["all"])[0]
    try:
        hp = holder_policy(
            holder[0],
            holder[1] if len(holder) > 1 else None,
            given.get("volume", [None])[0],
            given.get("reading", ["literal"])[0],
            None if sell == "all" else sell,
        )
        return risk_terms(
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
    models = (*MODELS, "csv")
    if model not in models:
        raise ParameterError(
            f"parameter model: unknown model, choose one of {', '.join(models)} (got {str(model)[:40]!r})"
        )


def _note_assumptions(deal: Any, conversion_price: str) -> notes.NoteAssumptions:
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
    stated = gbm_assumptions(start_price, volatility, drift, volume_level, given=given)
    if str(cash_capacity).strip().lower() == "none":  # the notebook's one parameter for both
        default_rule, cash_capacity = "none", "0.00"
    terms = parse_policy(policy, cash_capacity, recovery_rate, default_rule)
    s = scenario(deal, a, n_paths=as_int(n_paths, "n_paths", minimum=1), seed=as_int(seed, "seed", minimum=0),
                 model=model, assumptions=stated, price_csv=price_csv or None, terms=terms, term_b_maturity=tb,
                 prime=prime)  # fmt: skip
    return s, tb
