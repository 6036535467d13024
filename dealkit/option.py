"""The Option (Exhibit 4.28): 140,250,000 shares of ATG common at $0.00001, every clause as an
exact calculation — a facade.

The rules live in :mod:`dealkit.rules.option` (pure: §1.2 FMV, §2 exercise, §10 the cap, §4 and
§3.1 adjustments, the Series D route, the exercise plan); the tables and chart axes in
:mod:`dealkit.present.option_tables`. This module re-exports every public name it had, so
notebooks and users' code keep working. The deal's terms (``OPTION_SHARES``, ``EXERCISE_PRICE``,
``CAP``, ``CAP_NOTICE_DAYS``, ``SERIES_D_RATIO``, ``SERIES_D_UNTIL_AUTHORIZED``) are read from the
embedded deal file when first used, never repeated in code.
"""

from __future__ import annotations

from dealkit.present.option_tables import (
    events_frame,
    exercise_comparison,
    fmv_axis,
    outstanding_axis,
    plan_frame,
    terms_frame,
)
from dealkit.rules.option.adjustments import (
    EVENT_READINGS,
    Adjustment,
    Reorganization,
    adjust_for_event,
    adjust_for_events,
    reorganize,
)
from dealkit.rules.option.cap import CAP_REVIVAL_READINGS, READINGS, CapStatus, cap_status, max_exercisable
from dealkit.rules.option.exercise import (
    CASHLESS_CAP_READINGS,
    CashlessResult,
    cash_exercise,
    cashless_exercisable,
    cashless_exercise,
    value_to_holder,
)
from dealkit.rules.option.fmv import FairMarketValue, fair_market_value
from dealkit.rules.option.plan import PlanStep, exercise_plan
from dealkit.rules.option.plan import price_lookup as _price_lookup
from dealkit.rules.option.series_d import series_d_cash_in_lieu, to_series_d
from dealkit.rules.option.terms import DEAL_TERM_READERS as _DEAL_TERMS
from dealkit.rules.option.terms import CashlessUnavailable, InexactInput, PriceDataError, deal_terms
from dealkit.rules.option.terms import as_fraction as _frac
from dealkit.rules.option.terms import deal_term_attribute as _deal_term_attribute
from dealkit.rules.option.terms import embedded_deal as _embedded_deal
from dealkit.rules.option.terms import exact_cents as _exact_cents
from dealkit.rules.option.terms import half_up as _half_up
from dealkit.rules.option.terms import need_shares as _need_shares
from dealkit.rules.option.terms import short_value as _short
from dealkit.rules.option.terms import show_fraction as _show
from dealkit.rules.option.terms import term as _term

#: The deal's terms, read from the embedded deal file when first used (the module ``__getattr__``).
_DEAL_TERM_NAMES = tuple(_DEAL_TERMS)
__getattr__ = _deal_term_attribute

__all__ = [
    "CashlessUnavailable", "PriceDataError", "FairMarketValue", "fair_market_value", "cash_exercise",
    "CashlessResult", "cashless_exercise", "value_to_holder", "CapStatus", "cap_status", "CAP_REVIVAL_READINGS",
    "max_exercisable", "READINGS", "Adjustment", "adjust_for_event", "adjust_for_events", "EVENT_READINGS",
    "Reorganization", "reorganize", "PlanStep", "exercise_plan", "CASHLESS_CAP_READINGS", "to_series_d",
    "series_d_cash_in_lieu", "InexactInput", "cashless_exercisable", "deal_terms", "plan_frame", "terms_frame",
    "exercise_comparison", "events_frame", "fmv_axis", "outstanding_axis",
    *_DEAL_TERM_NAMES,
]  # fmt: skip

# the helpers' old private names, kept for code that reached into the module
_PRIVATE_ALIASES = (_DEAL_TERMS, _embedded_deal, _exact_cents, _frac, _half_up, _need_shares, _price_lookup, _short,
                    _show, _term)  # fmt: skip
