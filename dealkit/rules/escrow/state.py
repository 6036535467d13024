"""The escrow's state, events and ledger rows (frozen), the start of the escrow (FEA §2.1) and
the notice periods of §4.1(d) and §5.2."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dealkit.core.calendar import add_business_days
from dealkit.rules.escrow.disbursement import Disbursement
from dealkit.rules.escrow.terms import ZERO, EscrowTransitionError, escrow_terms, money_field, short_value, term

__all__ = [
    "Phase",
    "TERMINAL",
    "CONDITIONS",
    "AUTHORIZED_CONFIRMERS",
    "EVENT_KINDS",
    "Event",
    "EscrowState",
    "LedgerEntry",
    "EscrowRun",
    "start",
    "notice_deemed_given",
    "resignation_effective_date",
]


class Phase:
    """Phases of the escrow. Terminal phases end the escrow (FEA §5.1) or the agent's role."""

    HOLDING = "holding"  # deposits and conditions pending (§2.2-§2.3, §3.1(a))
    RELEASED = "released"  # all four conditions met: deemed released (§3.1(a))
    DISPUTED = "disputed"  # §4.2(a): agent holds pending Joint Instruction
    INTERPLEADER = "interpleader"  # §4.2(a)(ii): interpleader commenced
    RESIGNING = "resigning"  # §4.1(d): notice given, effective date pending
    DISBURSED = "disbursed"  # §3.1(a) disbursement done; terminates (§5.1)
    REMITTED_BY_COURT_ORDER = "remitted_by_court_order"  # §3.1(b) / §4.2(b)
    DEPOSITED_WITH_COURT = "deposited_with_court"  # §4.2(a)(iii) / §4.1(d): agent discharged
    TRANSFERRED_TO_SUCCESSOR = "transferred_to_successor"  # §4.1(d); terminates for this agent (§5.1)
    TERMINATED_BY_AGREEMENT = "terminated_by_agreement"  # §5.1: written agreement of the parties

    ALL = (
        "holding",
        "released",
        "disputed",
        "interpleader",
        "resigning",
        "disbursed",
        "remitted_by_court_order",
        "deposited_with_court",
        "transferred_to_successor",
        "terminated_by_agreement",
    )


#: The phases that end the escrow (FEA §5.1) or the agent's role in it.
TERMINAL = frozenset(
    {
        Phase.DISBURSED,
        Phase.REMITTED_BY_COURT_ORDER,
        Phase.DEPOSITED_WITH_COURT,
        Phase.TRANSFERRED_TO_SUCCESSOR,
        Phase.TERMINATED_BY_AGREEMENT,
    }
)

#: The four release conditions of §3.1(a), by key.
CONDITIONS = {
    "i": "copies of the fully executed Documents and this Agreement received (§3.1(a)(i))",
    "ii": "the Escrowed Payment received in immediately available funds (§3.1(a)(ii))",
    "iii": "Joint Instructions executed by the Companies and the Purchaser (§3.1(a)(iii))",
    "iv": "verbal instructions from David Grin and/or Eugene Grin (§3.1(a)(iv))",
}
#: The directors of the Purchaser named in §3.1(a)(iv).
AUTHORIZED_CONFIRMERS = ("David Grin", "Eugene Grin")

#: The events of the agreement, in the order of its sections (Art. II deposits, §3.1 release,
#: §3.2/§4.2 disputes, §4.1(d) resignation, §5.1 termination); the transition table has one
#: entry per kind.
EVENT_KINDS = (
    "deposit_documents",
    "deposit_payment",
    "joint_instructions",
    "verbal_confirmation",
    "disburse",
    "court_order",
    "dispute",
    "interpleader",
    "deposit_with_court",
    "dispute_resolved",
    "resignation_notice",
    "successor_instruction",
    "deliver_to_successor",
    "terminate_by_agreement",
)


def _event_date(raw: Mapping[str, Any], where: str) -> dt.date:
    """An event's ``date``: a ``date`` or an ISO string (never a datetime)."""
    value = raw["date"]
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise EscrowTransitionError(f"{where}.date: expected YYYY-MM-DD (got {short_value(raw['date'])})") from None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise EscrowTransitionError(f"{where}.date: expected YYYY-MM-DD (got {short_value(raw['date'])})")
    return value


@dataclass(frozen=True, slots=True)
class Event:
    """One dated event: ``kind`` (one of :data:`EVENT_KINDS`), who acts, and its data."""

    kind: str
    date: dt.date
    actor: str
    data: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], where: str = "event") -> Event:
        """An event from YAML / JSON: ``{kind, date (ISO), actor, ...data}``. Untrusted: every bad
        value is refused naming the field and the value, cut short.

        Examples
        --------
        >>> Event.from_mapping({"kind": "dispute", "date": "2005-09-08", "actor": "Companies"}).date
        datetime.date(2005, 9, 8)
        """
        if not isinstance(raw, Mapping):
            raise EscrowTransitionError(f"{where}: expected a mapping with kind, date, actor (got {short_value(raw)})")
        missing = [key for key in ("kind", "date", "actor") if key not in raw]
        if missing:
            raise EscrowTransitionError(f"{where}: missing {', '.join(missing)} (got {short_value(raw)})")
        kind = raw["kind"]
        if not isinstance(kind, str) or kind not in EVENT_KINDS:
            raise EscrowTransitionError(
                f"{where}.kind: unknown event {short_value(kind)}; known: {', '.join(EVENT_KINDS)}"
            )
        date = _event_date(raw, where)
        actor = raw["actor"]
        if not isinstance(actor, str) or not actor.strip() or len(actor) > 200:
            raise EscrowTransitionError(f"{where}.actor: a name of at most 200 characters (got {short_value(actor)})")
        data = {key: value for key, value in raw.items() if key not in ("kind", "date", "actor")}
        return cls(kind, date, actor, data)


@dataclass(frozen=True, slots=True)
class EscrowState:
    """The escrow at a point in time (immutable; ``step`` returns a new one). The terms it needs
    (Schedule A's Closing Payment and payee, the agent, the notice periods) are carried from
    :func:`start`, i.e. from the deal file."""

    phase: str
    escrowed: Decimal
    agreement_date: dt.date
    last_date: dt.date
    held: Decimal = ZERO
    documents: bool = False
    conditions: frozenset[str] = frozenset()
    instructions: tuple[Mapping[str, Any], ...] | None = None
    disbursements: tuple[Disbursement, ...] = ()
    resignation_effective: dt.date | None = None
    successor: str | None = None
    phase_before_dispute: str | None = None
    agent_fee: Decimal = ZERO
    closing_payment: Decimal | None = None  # Schedule A (§1.1(b))
    closing_payee: str | None = None  # §1.1(b)
    agent: str | None = None  # preamble
    purchaser: str | None = None  # preamble
    notice_business_days: int | None = None  # §4.1(d)
    deemed_days: int | None = None  # §5.2
    resignation_notice: dt.date | None = None  # the date the notice was sent

    @property
    def terminal(self) -> bool:
        """Has the escrow ended (FEA §5.1)?"""
        return self.phase in TERMINAL

    @property
    def paid_out(self) -> Decimal:
        """Everything disbursed so far: ``Σ disbursements.amount``."""
        return sum((row.amount for row in self.disbursements), ZERO)

    def resigned_on(self, day: dt.date) -> bool:
        """Has the Escrow Agent's resignation taken effect by ``day`` (§4.1(d))?"""
        return self.resignation_effective is not None and day >= self.resignation_effective


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One recorded transition: its number, the event (date, actor, kind, data), the phases
    before and after, the section that allowed it and what happened."""

    seq: int
    date: dt.date
    actor: str
    event: str
    phase_before: str
    phase_after: str
    section: str
    detail: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EscrowRun:
    """A run of events: the final ``state``, the ``ledger`` of every transition and the
    ``initial`` state it started from."""

    state: EscrowState
    ledger: tuple[LedgerEntry, ...]
    initial: EscrowState


def start(
    escrowed: Decimal | str | None = None,
    agreement_date: dt.date | None = None,
    agent_fee: Decimal | str = ZERO,
    *,
    deal: Any = None,
) -> EscrowState:
    """The escrow on the agreement's date: nothing deposited (FEA §2.1).

    Every term comes from ``deal`` (default: the embedded deal file; see :func:`escrow_terms`):
    the Escrowed Payment (§1.1(d)), the date (the closing date: the agreement's own date is a
    blank), Schedule A's Closing Payment and its payee (§1.1(b)), the agent, the business days of
    §4.1(d) and the day of §5.2. ``escrowed`` and ``agreement_date``, when given, override the
    deal's (for what-if runs).

    Examples
    --------
    >>> state = start()
    >>> state.phase, state.held, state.terminal
    ('holding', Decimal('0.00'), False)
    """
    terms = escrow_terms(deal)
    day = terms["agreement_date"] if agreement_date is None else agreement_date
    return EscrowState(
        Phase.HOLDING,
        money_field(terms["escrowed"] if escrowed is None else escrowed, "escrowed"),
        day,
        day,
        agent_fee=money_field(agent_fee, "agent_fee"),
        closing_payment=terms["closing_payment"],
        closing_payee=terms["closing_payee"],
        agent=terms["agent"],
        purchaser=terms["purchaser"],
        notice_business_days=terms["notice_business_days"],
        deemed_days=terms["deemed_days"],
    )


def notice_deemed_given(sent: dt.date, days: int | None = None) -> dt.date:
    """FEA §5.2: a notice is "deemed to have been duly given one (1) day after being sent by
    telecopy" (with a copy by courier or mail): ``sent + days`` calendar days (``days``: the deal
    file's ``escrow.notice_deemed_given_days``, default the embedded deal's).

    Examples
    --------
    >>> import datetime
    >>> notice_deemed_given(datetime.date(2005, 9, 8), days=1)
    datetime.date(2005, 9, 9)
    """
    return sent + dt.timedelta(days=term(days, "deemed_days"))


def resignation_effective_date(
    notice_sent: dt.date,
    business_days: int | None = None,
    calendar: str = "us_federal",
    deemed_days: int | None = None,
) -> dt.date:
    """The earliest effective date of a resignation (FEA §4.1(d)).

    The agent "may at any time resign ... by giving five (5) business days prior written notice".
    Reading used: the notice is given when deemed given under §5.2 (a day after telecopy), and
    the resignation may take effect on the ``business_days``-th business day after that (the deal
    file's ``escrow.resignation_notice_business_days``):

    .. math:: \\text{effective} = \\text{add\\_business\\_days}(\\text{sent} + \\text{deemed\\_days},
              \\text{business\\_days})

    The resignation takes effect on "the effective date of resignation as specified in such
    notice" — ``step`` uses the date the notice specifies when it gives one (never earlier than
    this), else this date.

    Examples
    --------
    >>> import datetime
    >>> resignation_effective_date(datetime.date(2005, 11, 23), business_days=5, deemed_days=1)  # Thanksgiving
    datetime.date(2005, 12, 1)
    """
    deemed = notice_deemed_given(notice_sent, deemed_days)
    return add_business_days(deemed, term(business_days, "notice_business_days"), calendar)
