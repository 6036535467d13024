"""The Option (Exhibit 4.28) as pure rules, one module per part of the instrument.

- :mod:`~dealkit.rules.option.terms`: the terms from the deal, the exact arithmetic;
- :mod:`~dealkit.rules.option.fmv`: §1.2, the Fair Market Value;
- :mod:`~dealkit.rules.option.exercise`: §2, cash and cashless exercise, §2.1 cash in lieu;
- :mod:`~dealkit.rules.option.cap`: §10, the 4.99% limitation and its readings;
- :mod:`~dealkit.rules.option.adjustments`: §4 Events (one floor) and §3.1 reorganizations;
- :mod:`~dealkit.rules.option.series_d`: the Series D route;
- :mod:`~dealkit.rules.option.plan`: the exercise plan, in named steps.
"""

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
from dealkit.rules.option.series_d import series_d_cash_in_lieu, to_series_d
from dealkit.rules.option.terms import CashlessUnavailable, InexactInput, PriceDataError, deal_terms

__all__ = [
    "CAP_REVIVAL_READINGS",
    "CASHLESS_CAP_READINGS",
    "EVENT_READINGS",
    "READINGS",
    "Adjustment",
    "CapStatus",
    "CashlessResult",
    "CashlessUnavailable",
    "FairMarketValue",
    "InexactInput",
    "PlanStep",
    "PriceDataError",
    "Reorganization",
    "adjust_for_event",
    "adjust_for_events",
    "cap_status",
    "cash_exercise",
    "cashless_exercisable",
    "cashless_exercise",
    "deal_terms",
    "exercise_plan",
    "fair_market_value",
    "max_exercisable",
    "reorganize",
    "series_d_cash_in_lieu",
    "to_series_d",
    "value_to_holder",
]
