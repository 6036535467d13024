"""The escrow's tables (pandas frames) for the notebook, the explorer and the CSV export: the
transition table, the §3.1(a) checklist, a run's ledger, a disbursement, the scenarios' outcomes
and the §4.1 / §5.3 figures. Money stays ``Decimal`` where a column holds amounts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from dealkit.rules.escrow import (
    CONDITIONS,
    SCENARIOS,
    TARGETS,
    TRANSITIONS,
    Disbursement,
    EscrowRun,
    EscrowState,
    ExpenseSplit,
    InterestReadings,
    Phase,
)

__all__ = [
    "transitions_frame",
    "checklist_frame",
    "ledger_frame",
    "disbursement_frame",
    "outcomes_frame",
    "expense_and_interest_frame",
]


def transitions_frame() -> pd.DataFrame:
    """The transition table: event, from which phases, to which phase, who acts, section (with
    §3.1(a)'s deemed release, which no event causes, in its place)."""
    rows = [
        {
            "event": kind,
            "allowed in": ", ".join(sorted(allowed)),
            "leads to": TARGETS[kind] or "(same phase)",
            "actor": actor or "see section",
            "section": section,
        }
        for kind, (allowed, actor, section) in TRANSITIONS.items()
    ]
    rows.insert(
        4,
        {
            "event": "(all four conditions met)",
            "allowed in": Phase.HOLDING,
            "leads to": Phase.RELEASED,
            "actor": "—",
            "section": "FEA §3.1(a)",
        },
    )
    return pd.DataFrame(rows)


def checklist_frame(state: EscrowState) -> pd.DataFrame:
    """The §3.1(a) release conditions and whether each is met in ``state``."""
    return pd.DataFrame(
        [
            {"condition": key, "what": text, "met": "yes" if key in state.conditions else "no"}
            for key, text in CONDITIONS.items()
        ]
    )


def ledger_frame(result: EscrowRun) -> pd.DataFrame:
    """The recorded ledger: one row per event."""
    return pd.DataFrame(
        [
            {
                "#": entry.seq,
                "date": entry.date,
                "actor": entry.actor,
                "event": entry.event,
                "from": entry.phase_before,
                "to": entry.phase_after,
                "section": entry.section,
                "detail": entry.detail,
            }
            for entry in result.ledger
        ]
    )


def disbursement_frame(rows: Iterable[Disbursement]) -> pd.DataFrame:
    """Disbursement rows as a table; ``amount`` stays ``Decimal`` (``shown`` is its text)."""
    return pd.DataFrame(
        [
            {
                "payee": row.payee,
                "amount": row.amount,
                "shown": f"${row.amount:,.2f}",
                "basis": row.basis,
                "section": row.section,
            }
            for row in rows
        ]
    )


def outcomes_frame(outcomes: Mapping[str, EscrowRun]) -> pd.DataFrame:
    """Each named scenario's end: final phase, where the money went, and the conservation check
    (``paid_out + held == escrowed``)."""
    rows = []
    for name, result in outcomes.items():
        state = result.state
        where = "; ".join(f"{row.payee} ${row.amount:,.2f}" for row in state.disbursements if row.amount) or "held"
        rows.append(
            {
                "scenario": name,
                "what happens": SCENARIOS.get(name, ""),
                "ends": state.phase,
                "last event": state.last_date,
                "money went to": where,
                "paid + held = escrowed": "yes" if state.paid_out + state.held == state.escrowed else "NO",
            }
        )
    return pd.DataFrame(rows)


def expense_and_interest_frame(split: ExpenseSplit, readings: InterestReadings, rate: Any) -> pd.DataFrame:
    """The §4.1 expense split and the §5.3 readings as one table of figures with their clauses
    (the default §5.3 reading first)."""
    follows = (
        f"§5.3 interest_follows_funds: an interest bearing account over {readings.days} days at {str(rate)[:20]} "
        "(ACT/360), interest to the recipients"
    )
    rows = [
        (
            "expenses reimbursed by the parties, jointly and severally (capped)",
            split.reimbursed_capped,
            f"FEA §4.1(c), cap ${split.cap:,.2f}",
        ),
        ("costs within the indemnity (not capped)", split.indemnified, "FEA §4.1(b)"),
        ("borne by the Escrow Agent (above the cap, or gross negligence)", split.borne_by_agent, "FEA §4.1(b)-(c)"),
        (
            "§5.3 no_interest_payable (default): “nor will interest be payable in connection therewith”",
            readings.to_parties_b,
            "FEA §5.3 (second half, operative)",
        ),
        (follows, readings.to_parties_a, "FEA §5.3 (first half, against the second)"),
        ("what the contradiction is worth", readings.difference, "FEA §5.3"),
    ]
    return pd.DataFrame(
        [{"item": item, "amount": f"${amount:,.2f}", "clause": clause} for item, amount, clause in rows]
    )
