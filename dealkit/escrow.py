"""The Funds Escrow Agreement (Exhibit 4.12): the public names of ``dealkit.escrow``, kept.

The rules live in :mod:`dealkit.rules.escrow` (pure: the disbursement to the cent, the release as
a transition table, the agent's expenses, the two readings of §5.3); the tables in
:mod:`dealkit.present.escrow_tables`. This module re-exports both, so notebooks, the app and
users' code keep working unchanged. The tables are imported on first use (they need pandas,
which ``import dealkit.escrow`` does not load).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dealkit.rules.escrow import (
    AGENT,
    AUTHORIZED_CONFIRMERS,
    CONDITIONS,
    INTEREST_READINGS,
    PARTIES,
    PURCHASER,
    RELEASES,
    SCENARIOS,
    TARGETS,
    TERMINAL,
    TRANSITIONS,
    ZERO,
    Disbursement,
    Disbursements,
    EscrowRun,
    EscrowState,
    EscrowTransitionError,
    Event,
    ExpenseSplit,
    InstructionError,
    InterestReadings,
    LedgerEntry,
    Phase,
    agent_expenses,
    default_instructions,
    disburse,
    disburse_deal,
    escrow_terms,
    interest_readings,
    notice_deemed_given,
    parse_instructions,
    replay,
    resignation_effective_date,
    run,
    scenario_events,
    start,
    step,
)

if TYPE_CHECKING:  # imported on first use by __getattr__ below (pandas is not loaded before)
    from dealkit.present.escrow_tables import (
        checklist_frame,
        disbursement_frame,
        expense_and_interest_frame,
        ledger_frame,
        outcomes_frame,
        transitions_frame,
    )

__all__ = [
    "InstructionError",
    "EscrowTransitionError",
    "Disbursement",
    "Disbursements",
    "disburse",
    "ExpenseSplit",
    "agent_expenses",
    "InterestReadings",
    "INTEREST_READINGS",
    "interest_readings",
    "Event",
    "EscrowState",
    "LedgerEntry",
    "EscrowRun",
    "Phase",
    "TRANSITIONS",
    "TERMINAL",
    "RELEASES",
    "CONDITIONS",
    "start",
    "step",
    "run",
    "replay",
    "SCENARIOS",
    "scenario_events",
    "AUTHORIZED_CONFIRMERS",
    "resignation_effective_date",
    "notice_deemed_given",
    "default_instructions",
    "disburse_deal",
    "parse_instructions",
    "TARGETS",
    "transitions_frame",
    "checklist_frame",
    "ledger_frame",
    "disbursement_frame",
    "outcomes_frame",
    "expense_and_interest_frame",
    "escrow_terms",
]

#: Names kept for code that used them (module constants, not in ``__all__`` before either).
_KEPT = (AGENT, PARTIES, PURCHASER, ZERO)

#: The tables, moved to :mod:`dealkit.present.escrow_tables`; imported on first use.
_TABLES = frozenset(
    {
        "transitions_frame",
        "checklist_frame",
        "ledger_frame",
        "disbursement_frame",
        "outcomes_frame",
        "expense_and_interest_frame",
    }
)


def __getattr__(name: str) -> Any:
    """The tables of :mod:`dealkit.present.escrow_tables`, loaded (with pandas) when first asked for."""
    if name in _TABLES:
        from dealkit.present import escrow_tables

        return getattr(escrow_tables, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
