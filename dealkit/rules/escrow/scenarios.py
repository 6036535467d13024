"""Named event streams through the escrow (a clean release, disputes, resignations), dated from
the deal's closing with its Escrowed Payment and notice periods."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from dealkit.core.calendar import add_business_days
from dealkit.errors import ParameterError
from dealkit.rules.escrow.state import resignation_effective_date
from dealkit.rules.escrow.terms import AGENT, PARTIES, PURCHASER, escrow_terms

__all__ = ["SCENARIOS", "scenario_events"]

#: Named scenarios for the notebook, with what they show.
SCENARIOS = {
    "clean_release": "all four §3.1(a) conditions met at closing; disbursed under the Joint Instructions",
    "dispute_then_joint_instruction": "a dispute (§4.2(a)) holds the funds until a Joint Instruction (§4.2(a)(i))",
    "dispute_interpleader_court_order": "dispute, interpleader (§4.2(a)(ii)), remittance under a final Court Order "
    "(§3.1(b))",
    "resignation_with_successor": "resignation on the §4.1(d) notice; delivery to a substitute agent (§4.1(d))",
    "resignation_no_successor": "resignation with no successor named: deposit with a New York court (§4.1(d))",
    "resignation_dispute_court": "a dispute during the resignation ends on a Joint Instruction but does not reset the "
    "resignation: no release; deposit with a New York court once it is effective (§4.1(d))",
}

Events = list[dict[str, Any]]


def _closing_events(day: dt.date, instructions: list[Mapping[str, Any]], escrowed: Decimal) -> Events:
    """Article II's deliveries and §3.1(a)(iii)'s Joint Instructions, all on ``day``."""
    return [
        {"kind": "deposit_documents", "date": day, "actor": PURCHASER, "fully_executed": True},
        {
            "kind": "deposit_payment",
            "date": day,
            "actor": PURCHASER,
            "amount": str(escrowed),
            "immediately_available": True,
        },
        {"kind": "joint_instructions", "date": day, "actor": PARTIES, "instructions": instructions},
    ]


def _dispute_events(
    day: dt.date, instructions: list[Mapping[str, Any]], later: Callable[[int], dt.date]
) -> dict[str, Events]:
    """The events after closing of the scenarios with a dispute and no resignation."""
    return {
        "clean_release": [
            {"kind": "verbal_confirmation", "date": day, "actor": "David Grin"},
            {"kind": "disburse", "date": day, "actor": AGENT},
        ],
        "dispute_then_joint_instruction": [
            {"kind": "dispute", "date": day, "actor": "Companies"},
            {"kind": "joint_instructions", "date": later(3), "actor": PARTIES, "instructions": instructions},
            {"kind": "verbal_confirmation", "date": later(3), "actor": "Eugene Grin"},
            {"kind": "disburse", "date": later(4), "actor": AGENT},
        ],
        "dispute_interpleader_court_order": [
            {"kind": "dispute", "date": later(1), "actor": PURCHASER},
            {"kind": "interpleader", "date": later(5), "actor": AGENT},
            {
                "kind": "court_order",
                "date": later(60),
                "actor": "New York Supreme Court",
                "final_non_appealable": True,
                "opinion_of_counsel": True,
                "payee": "as the Court Order directs",
            },
        ],
    }


def _resignation_events(
    instructions: list[Mapping[str, Any]], later: Callable[[int], dt.date], effective: dt.date
) -> dict[str, Events]:
    """The events after closing of the scenarios with a resignation noticed a business day after
    closing and ``effective`` on its §4.1(d) date."""
    notice = {"kind": "resignation_notice", "date": later(1), "actor": AGENT}
    return {
        "resignation_with_successor": [
            notice,
            {
                "kind": "successor_instruction",
                "date": later(3),
                "actor": PARTIES,
                "successor": "Substitute Escrow Agent (named by Joint Instruction)",
            },
            {"kind": "deliver_to_successor", "date": effective, "actor": AGENT},
        ],
        "resignation_no_successor": [notice, {"kind": "deposit_with_court", "date": effective, "actor": AGENT}],
        "resignation_dispute_court": [
            notice,
            {"kind": "dispute", "date": later(2), "actor": "Companies"},
            {"kind": "joint_instructions", "date": later(3), "actor": PARTIES, "instructions": instructions},
            {"kind": "deposit_with_court", "date": effective, "actor": AGENT},
        ],
    }


def scenario_events(
    name: str, instructions: list[Mapping[str, Any]], day: dt.date | None = None, *, deal: Any = None
) -> Events:
    """The events of a named scenario (see :data:`SCENARIOS`), starting on ``day`` (default: the
    deal's closing date), with the deal's Escrowed Payment (FEA §1.1(d)) and notice periods
    (§4.1(d), §5.2) (``deal``: default the embedded deal file). Run them from
    ``start(deal=deal)``; later events fall ``n`` business days after ``day``.

    Raises
    ------
    ParameterError
        An unknown scenario, naming the known ones.

    Examples
    --------
    >>> [event["kind"] for event in scenario_events("resignation_no_successor", [])][3:]
    ['resignation_notice', 'deposit_with_court']
    """
    terms = escrow_terms(deal)
    first = terms["agreement_date"] if day is None else day

    def later(business_days: int) -> dt.date:
        return add_business_days(first, business_days)

    if name not in SCENARIOS:
        raise ParameterError(f"unknown scenario {str(name)[:40]!r}; known: {', '.join(SCENARIOS)}")
    effective = resignation_effective_date(later(1), terms["notice_business_days"], deemed_days=terms["deemed_days"])
    after_closing = _dispute_events(first, instructions, later) | _resignation_events(instructions, later, effective)
    return _closing_events(first, instructions, terms["escrowed"]) + after_closing[name]
