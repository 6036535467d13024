"""The Funds Escrow Agreement (Exhibit 4.12) as pure rules: the disbursement to the cent
(§3.1(a)), the release as a transition table (§3-§5), the agent's expenses (§4.1(b)-(c)) and the
two readings of §5.3. Decimal in, frozen dataclasses out; no pandas, no plotting, no file I/O
(the embedded deal's terms are read through :func:`dealkit.loader.load_deal`)."""

from dealkit.rules.escrow.costs import (
    INTEREST_READINGS,
    ExpenseSplit,
    InterestReadings,
    agent_expenses,
    interest_readings,
)
from dealkit.rules.escrow.disbursement import Disbursement, Disbursements, allocate, disburse, disburse_deal
from dealkit.rules.escrow.instructions import (
    Instruction,
    check_instructions,
    default_instructions,
    parse_instructions,
)
from dealkit.rules.escrow.scenarios import SCENARIOS, scenario_events
from dealkit.rules.escrow.state import (
    AUTHORIZED_CONFIRMERS,
    CONDITIONS,
    EVENT_KINDS,
    TERMINAL,
    EscrowRun,
    EscrowState,
    Event,
    LedgerEntry,
    Phase,
    notice_deemed_given,
    resignation_effective_date,
    start,
)
from dealkit.rules.escrow.terms import (
    AGENT,
    PARTIES,
    PURCHASER,
    ZERO,
    EscrowTransitionError,
    InstructionError,
    escrow_terms,
)
from dealkit.rules.escrow.transitions import (
    AGREEMENT,
    RELEASES,
    TARGETS,
    TRANSITION_TABLE,
    TRANSITIONS,
    Transition,
    replay,
    run,
    step,
)

__all__ = [
    "AGENT",
    "AGREEMENT",
    "AUTHORIZED_CONFIRMERS",
    "CONDITIONS",
    "EVENT_KINDS",
    "INTEREST_READINGS",
    "PARTIES",
    "PURCHASER",
    "RELEASES",
    "SCENARIOS",
    "TARGETS",
    "TERMINAL",
    "TRANSITIONS",
    "TRANSITION_TABLE",
    "ZERO",
    "Disbursement",
    "Disbursements",
    "EscrowRun",
    "EscrowState",
    "EscrowTransitionError",
    "Event",
    "ExpenseSplit",
    "Instruction",
    "InstructionError",
    "InterestReadings",
    "LedgerEntry",
    "Phase",
    "Transition",
    "agent_expenses",
    "allocate",
    "check_instructions",
    "default_instructions",
    "disburse",
    "disburse_deal",
    "escrow_terms",
    "interest_readings",
    "notice_deemed_given",
    "parse_instructions",
    "replay",
    "resignation_effective_date",
    "run",
    "scenario_events",
    "start",
    "step",
]
