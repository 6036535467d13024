"""The four notes (facade): prime-based interest to the cent, schedules for Term A, Term B and the
revolver with the Minimum Borrowing Note, conversion into stock, default, and the lender's and the
borrower's economics.

The rules live in :mod:`dealkit.rules.notes` (pure: Decimal in, frozen dataclasses out), the
tables and CSV files in :mod:`dealkit.present.notes_tables`, the cash flow and XIRR in
:mod:`dealkit.core.cashflows`. This module re-exports every name it had, and computes one run of
``01_notes`` from its string parameters (:func:`run_from_parameters`). The notes' own terms are
*assumptions* (``note_terms`` in the deal file); interest is simple, actual days over a 360-day
year (``note_terms.day_count``), rounded at named points (:data:`INTEREST_ROUNDING`,
:data:`CREDIT_ROUNDING`, :data:`BACK_SOLVE_ROUNDING`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dealkit.core.cashflows import CashFlow, xirr
from dealkit.money import CENT
from dealkit.present.notes_tables import (
    SCHEDULE_TOTALS,
    assumptions_frame,
    back_solve_demand,
    flows_frame,
    reconcile_demand,
    reconciliation_summary,
    schedule_display,
    write_csv,
)
from dealkit.rules.notes.conversion import Conversion, Market, optional_conversion
from dealkit.rules.notes.conversion import stock_payment as _stock_payment
from dealkit.rules.notes.conversion import trading_days_before as _trading_days_before
from dealkit.rules.notes.default import (
    DefaultScenario,
    apply_payment,
    default_interest,
    default_payment,
    default_scenario,
)
from dealkit.rules.notes.flows import (
    OPTION_HOLDERS,
    borrower_cash_flows,
    default_option_holder,
    lender_cash_flows,
    option_value,
    parse_option_holder,
)
from dealkit.rules.notes.interest import Segment, accrued_interest, as_rounding, contract_rate, interest_segments
from dealkit.rules.notes.reconcile import principal_variants
from dealkit.rules.notes.revolver import BorrowingBase, build_schedules, default_reports, revolver_schedule
from dealkit.rules.notes.schedule import PeriodRow, RevolverRow, Schedule, term_a_schedule, term_b_schedule
from dealkit.rules.notes.schedule import interest_row as _interest_row
from dealkit.rules.notes.terms import (
    BACK_SOLVE_ROUNDING,
    CREDIT_ROUNDING,
    INTEREST_ROUNDING,
    ZERO,
    NoteAssumptions,
    assumptions_from_deal,
    business_day_convention,
    payment_dates,
)
from dealkit.rules.notes.terms import cents as _cents

__all__ = [
    "NoteAssumptions",
    "assumptions_from_deal",
    "contract_rate",
    "interest_segments",
    "accrued_interest",
    "payment_dates",
    "Market",
    "Schedule",
    "term_a_schedule",
    "term_b_schedule",
    "revolver_schedule",
    "BorrowingBase",
    "optional_conversion",
    "Conversion",
    "default_payment",
    "apply_payment",
    "default_interest",
    "back_solve_demand",
    "lender_cash_flows",
    "xirr",
    "ZERO",
    "default_reports",
    "build_schedules",
    "DefaultScenario",
    "default_scenario",
    "borrower_cash_flows",
    "flows_frame",
    "assumptions_frame",
    "schedule_display",
    "SCHEDULE_TOTALS",
    "NotesRun",
    "run_from_parameters",
    "back_solve_of_record",
    "write_csv",
    "INTEREST_ROUNDING",
    "CREDIT_ROUNDING",
    "BACK_SOLVE_ROUNDING",
    "OPTION_HOLDERS",
    "default_option_holder",
    "option_value",
    "reconcile_demand",
    "business_day_convention",
    "principal_variants",
    "parse_option_holder",
    "reconciliation_summary",
]

#: Names kept importable for code written against the old module, not part of ``__all__``: the
#: row and flow types, and the helpers dealkit.risk_engine and dealkit.market still call by their
#: old private names (the integrator points those at :mod:`dealkit.rules.notes`).
_COMPATIBLE = (
    CENT,
    Decimal,
    Segment,
    PeriodRow,
    RevolverRow,
    CashFlow,
    _cents,
    _interest_row,
    _stock_payment,
    _trading_days_before,
)


# ------------------------------------------------------------ one run from string parameters --
@dataclass(frozen=True)
class NotesRun:
    """The notes as ``01_notes`` and the executive summary compute them from the same string
    parameters: the assumptions in force (and which a parameter set), the market, the default and
    demand dates, the schedules, the Option's holder, the default scenario and the lender's flows."""

    a: NoteAssumptions
    overrides: Mapping[str, object]
    market: Market
    stop: dt.date | None
    demand: dt.date
    schedules: Mapping[str, Schedule]
    holder: str
    default: DefaultScenario | None
    flows: tuple[CashFlow, ...]


def _overrides(**strings: str) -> dict[str, Any]:
    """The assumptions a parameter sets (not ``"deal"``), parsed by :mod:`dealkit.params`."""
    from dealkit.params import as_date, as_money, as_price, as_rate

    parsers = {
        "margin": as_rate,
        "floor": as_rate,
        "monthly_amount": as_money,
        "first_amortization": as_date,
        "fixed_conversion_price": as_price,
    }
    return {name: parsers[name](text, name) for name, text in strings.items() if str(text).strip() != "deal"}


def _default_dates(deal: Any, default_date: str, demand_date: str) -> tuple[dt.date | None, dt.date]:
    """(the default date or ``None`` for no default, the demand date): ``"deal"`` takes the notice
    of default and the due date of record."""
    from dealkit.params import as_date_or_deal

    record = deal.default_demand
    stop = None
    if str(default_date).strip():
        stop = as_date_or_deal(default_date, "default_date") or record.notice_date.value
    return stop, as_date_or_deal(demand_date, "demand_date") or record.due_date.value


def _market(deal: Any, stock_price: str, daily_volume: str, price_shock: str) -> Market:
    """The market of the parameters, on the deal's share counts (:meth:`Market.for_deal`)."""
    from dealkit.params import as_int, as_price

    volume = as_int(daily_volume, "daily_volume", minimum=0)
    return Market.for_deal(
        deal, as_price(stock_price, "stock_price"), volume, shock=as_price(price_shock, "price_shock")
    )


def _lender_flows(
    deal: Any, schedules: Mapping[str, Schedule], market: Market, scenario: DefaultScenario | None, holder: str
) -> list[CashFlow]:
    """Laurus's flows on the deal's Escrowed Payment, closing and Closing Payment, with the
    scenario's recovery and the Option's value for ``holder``."""
    escrow = deal.escrow
    recovery = (scenario.payment, scenario.demand_date) if scenario else (None, None)
    return lender_cash_flows(
        list(schedules.values()),
        market,
        escrow.escrowed_payment.value,
        deal.deal.closing_date.value,
        escrow.closing_payment.value,
        *recovery,
        option_holder=holder,
        option=option_value(deal, market),
    )


def run_from_parameters(
    deal: Any,
    prime: Any = None,
    *,
    margin: str = "deal",
    floor: str = "deal",
    monthly_amount: str = "deal",
    first_amortization: str = "deal",
    conversion_price: str = "deal",
    stock_price: str,
    daily_volume: str,
    price_shock: str = "1",
    term_b_maturity: str = "deal",
    default_date: str = "deal",
    demand_date: str = "deal",
    rounding: str = "period",
    option_holder: str = "deal",
) -> NotesRun:
    """``01_notes``'s parameters (strings, ``"deal"`` for the deal file's value) → :class:`NotesRun`.

    ``default_date`` empty: no default (:func:`_default_dates`). A bad value is one
    :class:`~dealkit.errors.ParameterError` naming the parameter (:mod:`dealkit.params`).

    Examples
    --------
    >>> from dealkit.loader import load_deal
    >>> run = run_from_parameters(load_deal(), stock_price="0.06", daily_volume="5000000")
    >>> run.holder, run.default.payment > run.default.principal
    ('gssf', True)
    """
    from dealkit.params import as_date_or_deal

    terms = {
        "margin": margin,
        "floor": floor,
        "monthly_amount": monthly_amount,
        "first_amortization": first_amortization,
        "fixed_conversion_price": conversion_price,
    }
    overrides = _overrides(**terms)
    a = assumptions_from_deal(deal, **overrides)
    market = _market(deal, stock_price, daily_volume, price_shock)
    stop, demand = _default_dates(deal, default_date, demand_date)
    maturity = as_date_or_deal(term_b_maturity, "term_b_maturity")
    schedules = build_schedules(deal, a, market, None, maturity, stop, prime, as_rounding(rounding))
    holder = parse_option_holder(option_holder, deal)
    scenario = default_scenario(schedules, stop, demand, a, prime=prime) if stop else None
    flows = _lender_flows(deal, schedules, market, scenario, holder)
    return NotesRun(a, overrides, market, stop, demand, schedules, holder, scenario, tuple(flows))


def back_solve_of_record(deal: Any, a: NoteAssumptions, prime: Any = None) -> Any:
    """:func:`back_solve_demand` of the demand of record: 0, 1, 3 or 6 months unpaid, default
    interest from nowhere, Term B's stated maturity or the notice of default, fees of 0 or 2%,
    principal at most the facility."""
    from dealkit.params import as_rate

    record = deal.default_demand
    return back_solve_demand(
        record.amount.value,
        record.due_date.value,
        a,
        months_unpaid=(0, 1, 3, 6),
        default_dates=(None, deal.notes["term_b"].maturity.value, record.notice_date.value),
        fee_rates=(ZERO, as_rate("2%", "fees")),
        prime=prime,
        max_principal=deal.facility_total(),
    )
