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

from decimal import Decimal

from dealkit.core.cashflows import CashFlow, xirr
from dealkit.core.money import CENT
from dealkit.present.notes_run import NotesRun, back_solve_of_record, run_from_parameters
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
from dealkit.rules.notes.interest import Segment, accrued_interest, contract_rate, interest_segments
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
