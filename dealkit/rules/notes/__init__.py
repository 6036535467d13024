"""The four notes as pure rules: prime-based interest to the cent, Term A, Term B and the revolver
with the Minimum Borrowing Note, conversion into stock, default, the back-solve of a demand and
the lender's and the borrower's flows. Decimal in, frozen dataclasses out; no pandas, no files
(the embedded deal and prime are read through :mod:`dealkit.loader`)."""

from dealkit.rules.notes.conversion import (Conversion, Market, StockPayment, optional_conversion, stock_payment,
                                            trading_days_before)
from dealkit.rules.notes.default import (BackSolveRow, DefaultScenario, apply_payment, back_solve_rows,
                                         default_interest, default_payment, default_scenario, per_dollar_contract,
                                         per_dollar_default, solve_principal)
from dealkit.rules.notes.flows import (OPTION_HOLDERS, CashFlow, borrower_cash_flows, default_option_holder,
                                       lender_cash_flows, option_value, parse_option_holder, xirr)
from dealkit.rules.notes.interest import (Rounding, Segment, accrued_interest, contract_rate, default_prime,
                                          interest_segments, period_interest, rate_days, rates_text)
from dealkit.rules.notes.reconcile import ReconciliationRow, principal_variants, reconcile_rows, scenario_row
from dealkit.rules.notes.revolver import (BorrowingBase, borrowing_base, build_schedules, check_reports,
                                          default_reports, revolver_schedule)
from dealkit.rules.notes.schedule import (PeriodRow, RevolverRow, Schedule, interest_row, row_from_mapping,
                                          term_a_schedule, term_b_schedule)
from dealkit.rules.notes.terms import (BACK_SOLVE_ROUNDING, CREDIT_ROUNDING, INTEREST_ROUNDING, ZERO,
                                       NoteAssumptions, assumptions_from_deal, business_day_convention, cents,
                                       embedded_deal, from_deal, multiple_label, payment_dates)

__all__ = [
    "Conversion", "Market", "StockPayment", "optional_conversion", "stock_payment", "trading_days_before",
    "BackSolveRow", "DefaultScenario", "apply_payment", "back_solve_rows", "default_interest", "default_payment",
    "default_scenario", "per_dollar_contract", "per_dollar_default", "solve_principal",
    "OPTION_HOLDERS", "CashFlow", "borrower_cash_flows", "default_option_holder", "lender_cash_flows",
    "option_value", "parse_option_holder", "xirr",
    "Rounding", "Segment", "accrued_interest", "contract_rate", "default_prime", "interest_segments",
    "period_interest", "rate_days", "rates_text",
    "ReconciliationRow", "principal_variants", "reconcile_rows", "scenario_row",
    "BorrowingBase", "borrowing_base", "build_schedules", "check_reports", "default_reports", "revolver_schedule",
    "PeriodRow", "RevolverRow", "Schedule", "interest_row", "row_from_mapping", "term_a_schedule", "term_b_schedule",
    "BACK_SOLVE_ROUNDING", "CREDIT_ROUNDING", "INTEREST_ROUNDING", "ZERO", "NoteAssumptions",
    "assumptions_from_deal", "business_day_convention", "cents", "embedded_deal", "from_deal", "multiple_label",
    "payment_dates",
]
